/* sums_of_squares.c - out/stats/sumsq.c, the overflow rescaling that
 * stats.c, wstats.c, dstats.c, stream.c, precision.c, attr_tail.c and
 * paired.c share: when f is called again and with what factor, what it
 * returns, and the roots, against values worked out by hand (powers of 2,
 * so every figure is exact). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/stats/sumsq.h"

#include <math.h>

/* f over the deviations dev[0..n) into one sum, counting its calls and
   keeping the last factor; fail_on: the call (1, 2) that fails, 0 none. */
typedef struct {
    const double *dev;
    size_t n;
    int calls, fail_on;
    double last_scale;
} counted;

static int counted_sumsq(void *ctx, double scale, double *out)
{
    counted *c = ctx;
    c->calls++;
    c->last_scale = scale;
    double s = 0.0;
    for (size_t i = 0; i < c->n; i++) {
        double d = c->dev[i] * scale;
        s += d * d;
    }
    out[0] = s;
    out[1] = 2.0 * scale; /* a second quantity that never overflows */
    return c->calls == c->fail_on ? -1 : 0;
}

static void test_no_overflow_is_one_pass(void **state)
{
    (void)state;
    const double dev[] = {-3.0, 4.0};
    counted c = {dev, 2, 0, 0, 0.0};
    double ss[2], scaled[2] = {7.0, 7.0};
    assert_int_equal(mr_sumsq(counted_sumsq, &c, 2, ss, scaled), 0);
    assert_int_equal(c.calls, 1);
    assert_true(c.last_scale == 1.0);
    assert_true(ss[0] == 25.0 && ss[1] == 2.0);
    assert_true(scaled[0] == 0.0 && scaled[1] == 0.0);
}

static void test_overflow_is_formed_again_scaled(void **state)
{
    (void)state;
    /* +-2^600: the squares 2^1200 pass DBL_MAX (about 2^1024); scaled by
       2^-560 they are 2^80 each, 2^81 for both */
    const double big = 0x1p600, dev[] = {-big, big};
    counted c = {dev, 2, 0, 0, 0.0};
    double ss[2], scaled[2];
    assert_int_equal(mr_sumsq(counted_sumsq, &c, 2, ss, scaled), 1);
    assert_int_equal(c.calls, 2);
    assert_true(c.last_scale == 0x1p-560 && mr_sumsq_scale(1) == 0x1p-560);
    assert_true(mr_sumsq_scale(0) == 1.0);
    assert_true(isinf(ss[0]) && ss[1] == 2.0);
    assert_true(scaled[0] == 0x1p81 && scaled[1] == 0x1p-559);
    /* sd of the three values -2^600, 0, 2^600 (mean 0): sqrt(2 2^1200 / 2)
       = 2^600; from the scaled sum 2^560 sqrt(2^81 / 2) */
    assert_true(mr_sumsq_sd(ss[0], scaled[0], 3) == big);
}

static void test_a_failure_is_returned(void **state)
{
    (void)state;
    const double big = 0x1p600, dev[] = {-big, big};
    counted first = {dev, 2, 0, 1, 0.0}, second = {dev, 2, 0, 2, 0.0};
    double ss[2], scaled[2];
    assert_int_equal(mr_sumsq(counted_sumsq, &first, 2, ss, scaled), -1);
    assert_int_equal(first.calls, 1);
    assert_int_equal(mr_sumsq(counted_sumsq, &second, 2, ss, scaled), -1);
    assert_int_equal(second.calls, 2);
}

static void test_roots(void **state)
{
    (void)state;
    assert_true(mr_sumsq_root(6.25, 0) == 2.5);
    assert_true(mr_sumsq_root(4.0, 1) == 0x1p561);
    assert_true(isinf(mr_sumsq_root(INFINITY, 1)));
    assert_true(mr_sumsq_sd(8.0, 0.0, 3) == 2.0); /* sqrt(8 / 2) */
    assert_true(isnan(mr_sumsq_sd(8.0, 0.0, 1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_overflow_is_one_pass),
        cmocka_unit_test(test_overflow_is_formed_again_scaled),
        cmocka_unit_test(test_a_failure_is_returned),
        cmocka_unit_test(test_roots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
