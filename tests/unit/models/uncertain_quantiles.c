/* uncertain_quantiles.c - the quantile functions of the `uncertain:`
 * distributions other than the Beta (models/uncertain.h mr_dist_quantile;
 * the Beta: uncertain_beta.c), against inverse CDFs worked by hand:
 *
 * - uniform [lo, hi]: x(u) = lo + (hi - lo) u;
 * - triangular [lo, mode, hi], w = hi - lo: F(x) = (x - lo)^2 / (w (mode -
 *   lo)) up to the mode, where F = (mode - lo) / w, and 1 - (hi - x)^2 /
 *   (w (hi - mode)) above it. For [1, 3, 6] (a reference scenario's stocks,
 *   docs/STUDIES.md): F(mode) = 0.4, F(x) = (x - 1)^2 / 10 below, so x(0.1) =
 *   2 and x(0.025) = 1.5; 1 - (6 - x)^2 / 15 above, so x(0.4) = 3, x(0.85) =
 *   4.5 and x(14/15) = 5;
 * - lognormal (median m, sigma s): x(u) = m exp(s Phi^-1(u)), so x(1/2) = m
 *   and x(Phi(1)) = m e^s, Phi(1) = erfc(-1/sqrt 2) / 2 from the C library;
 * - choice: the first value whose cumulative weight exceeds u times the
 *   weights' sum: values 10, 20, 30 with weights 0.2, 0.3, 0.5 take 10 for u
 *   < 0.2, 20 for 0.2 <= u < 0.5, 30 above;
 * - the design's uniform numbers u = (k + 0.5) 2^-52 (k < 2^52).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/uncertain.h"

#include <math.h>

#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_uniform(void **state)
{
    (void)state;
    mr_uncertain_param q = {.kind = MR_DIST_UNIFORM, .a = 0.07, .b = 0.13};
    assert_close(mr_dist_quantile(&q, 0.25), 0.085, 1e-15);
    assert_close(mr_dist_quantile(&q, 0.5), 0.1, 1e-15);
    q.b = 0.07; /* zero width: the value itself */
    assert_true(mr_dist_quantile(&q, 0.9) == 0.07);
}

static void test_triangular_both_branches(void **state)
{
    (void)state;
    mr_uncertain_param q = {.kind = MR_DIST_TRIANGULAR, .a = 1.0, .b = 3.0, .c = 6.0};
    const double u[] = {0.025, 0.1, 0.4, 0.85, 14.0 / 15.0}, x[] = {1.5, 2.0, 3.0, 4.5, 5.0};
    for (int i = 0; i < 5; i++)
        assert_close(mr_dist_quantile(&q, u[i]), x[i], 1e-14);
    /* mode at an end: [0, 0, 2] is F = 1 - (2 - x)^2 / 4, x(0.75) = 1 */
    mr_uncertain_param r = {.kind = MR_DIST_TRIANGULAR, .a = 0.0, .b = 0.0, .c = 2.0};
    assert_close(mr_dist_quantile(&r, 0.75), 1.0, 1e-15);
    /* [0, 2, 2] is F = x^2 / 4, x(0.25) = 1 */
    r.b = 2.0;
    assert_close(mr_dist_quantile(&r, 0.25), 1.0, 1e-15);
}

static void test_lognormal(void **state)
{
    (void)state;
    mr_uncertain_param q = {.kind = MR_DIST_LOGNORMAL, .a = 2.0, .b = 0.5};
    assert_close(mr_dist_quantile(&q, 0.5), 2.0, 1e-15);
    const double phi1 = 0.5 * erfc(-1.0 / sqrt(2.0)); /* Phi(1) */
    assert_close(mr_dist_quantile(&q, phi1), 2.0 * exp(0.5), 1e-12);
    assert_close(mr_dist_quantile(&q, 1.0 - phi1), 2.0 * exp(-0.5), 1e-12);
}

static void test_choice_by_cumulative_weight(void **state)
{
    (void)state;
    double values[] = {10.0, 20.0, 30.0}, weights[] = {0.2, 0.3, 0.5};
    mr_uncertain_param q = {
        .kind = MR_DIST_CHOICE, .nvalues = 3, .values = values, .weights = weights};
    const double u[] = {0.1, 0.19, 0.21, 0.49, 0.51, 0.99}, x[] = {10, 10, 20, 20, 30, 30};
    for (int i = 0; i < 6; i++)
        assert_true(mr_dist_quantile(&q, u[i]) == x[i]);
}

static void test_design_uniform_numbers(void **state)
{
    (void)state;
    assert_true(mr_dist_u(0) == 0x1p-53);
    assert_true(mr_dist_u(0) == MR_DIST_U_MIN);
    assert_true(mr_dist_u((UINT64_C(1) << 52) - 1) == MR_DIST_U_MAX);
    assert_true(mr_dist_u(UINT64_C(1) << 51) == 0.5 + 0x1p-53);
    assert_true(mr_dist_u(UINT64_C(1) << 52) == mr_dist_u(0)); /* high bits dropped */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_triangular_both_branches),
        cmocka_unit_test(test_lognormal),
        cmocka_unit_test(test_choice_by_cumulative_weight),
        cmocka_unit_test(test_design_uniform_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
