/* summary_tail_bytes.c - the memory check's figure for the summary's
 * bootstrap tails (sim/studies/summary_errors.h
 * mr_summary_errors_tail_sizes and mr_summary_errors_tail_bytes), worked
 * by hand.
 *
 * N = 10^6 trials, S = 4 sectors, H = 10 years (scenarios/demo.yaml's
 * shape). Horizon series: VaR 99's rank 990,000, depth 10^6 - 990,000 + 1
 * = 10,001, margin 12 sqrt(10,002) + 64 = 1,264.12: kl = floor(11,265.12)
 * = 11,265. Annual series (m = 10^7 values): rank 9,900,000, depth
 * 100,001, margin 12 sqrt(10 x 100,002) + 64 = 12,064.12: ka =
 * floor(112,065.12) = 112,065; the top floor(100,001 - 12,064.12) =
 * 87,936 as trials alone, so kv = 112,065 - 87,936 = 24,129.
 * Kept: 12 x 7 x 11,265 + 5 x (4 x 112,065 + 8 x 24,129) = 946,260 +
 * 3,206,460 = 4,152,720 bytes, times 1.5 = 6,229,080; the bitmap 0.1875 x
 * 10^6 = 187,500; the counts 4 x (7 x 11,265 + 5 x 112,065 = 639,180 < N)
 * = 2,556,720 a thread: 8,973,300 bytes on 1 thread, 16,643,460 on 4.
 *
 * N = 5,000, S = 2, H = 0 (no annual series): depth 51, margin 12 sqrt(52)
 * + 64 = 150.53, kl = 201; kept 12 x 5 x 201 = 12,060, x 1.5 = 18,090;
 * bitmap 937.5; counts 4 x 5 x 201 = 4,020: 23,047.5 bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/studies/summary_errors.h"

static void test_sizes_by_hand(void **state)
{
    (void)state;
    uint64_t kl, ka, kv;
    mr_summary_errors_tail_sizes(1000000, 10, &kl, &ka, &kv);
    assert_int_equal(kl, 11265);
    assert_int_equal(ka, 112065);
    assert_int_equal(kv, 24129);
    mr_summary_errors_tail_sizes(5000, 0, &kl, &ka, &kv);
    assert_int_equal(kl, 201);
    assert_int_equal(ka, 0);
    assert_int_equal(kv, 0);
}

static void test_bytes_by_hand(void **state)
{
    (void)state;
    assert_true(mr_summary_errors_tail_bytes(1000000, 4, 10, 1) == 8973300.0);
    assert_true(mr_summary_errors_tail_bytes(1000000, 4, 10, 4) == 16643460.0);
    assert_true(mr_summary_errors_tail_bytes(1000000, 4, 10, 0) == 8973300.0); /* 0: 1 */
    assert_true(mr_summary_errors_tail_bytes(5000, 2, 0, 1) == 23047.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_by_hand),
        cmocka_unit_test(test_bytes_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
