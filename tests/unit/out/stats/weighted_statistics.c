/* weighted_statistics.c - the weighted estimators of out/stats/wstats.c
 * (importance-sampled runs, docs/OUTPUT.md "Weighted estimators") against
 * values worked out by hand: a sample with a three-way tie, the VaR and ES
 * where the tail mass ends exactly on a weight boundary, the standard
 * errors, the effective sample size; and with every weight 1 the
 * unweighted estimators of stats.c exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/stats/stats.h"
#include "out/stats/wstats.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void assert_close(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fmax(1.0, fabs(want)))) {
        print_error("got %.17g, want %.17g\n", got, want);
        fail();
    }
}

/* The hand-worked sample: sorted, 1 (w 2), 3 (w 1), 3 (w 1.5), 3 (w 0.75),
   5 (w 0.5), 7 (w 0.25); sum w = 6 = n, sum w^2 = 8.125. The weight above
   each value: above 7: 0; above 5: 0.25; above 3: 0.75; above 1: 4. */
static const double X[6] = {5, 1, 3, 3, 7, 3};
static const double W[6] = {0.5, 2, 1, 1.5, 0.25, 0.75};

static void test_sort_keeps_ties_in_index_order(void **state)
{
    (void)state;
    double xs[6], ws[6];
    uint32_t idx[6];
    assert_int_equal(mr_wstats_sort(X, W, 6, xs, ws, idx), 0);
    const double wx[6] = {1, 3, 3, 3, 5, 7}, ww[6] = {2, 1, 1.5, 0.75, 0.5, 0.25};
    const uint32_t wi[6] = {1, 2, 3, 5, 0, 4};
    for (int k = 0; k < 6; k++) {
        assert_true(xs[k] == wx[k]);
        assert_true(ws[k] == ww[k]);
        assert_int_equal(idx[k], wi[k]);
    }
}

/* VaR_p: the smallest value v with weight above v <= n - n p. */
static void test_quantile_with_ties(void **state)
{
    (void)state;
    double xs[6], ws[6], tail;
    assert_int_equal(mr_wstats_sort(X, W, 6, xs, ws, NULL), 0);
    /* p = 0.9: n - n p = 0.6; above 5 is 0.25 <= 0.6, above 3 is 0.75 > 0.6 */
    assert_true(mr_wstats_quantile_sorted(xs, ws, 6, 6.0, 0.9, &tail) == 5.0);
    assert_true(tail == 0.25);
    /* p = 0.5: n - n p = 3; above 3 is 0.75 <= 3, above 1 is 4 > 3: the
       three tied 3s (weight 3.25) hold the quantile */
    assert_true(mr_wstats_quantile_sorted(xs, ws, 6, 6.0, 0.5, &tail) == 3.0);
    assert_true(tail == 0.75);
    /* p = 0.3: n - n p = 4.2 >= 4: the smallest value */
    assert_true(mr_wstats_quantile_sorted(xs, ws, 6, 6.0, 0.3, NULL) == 1.0);
    /* p = 0.99: 0.06 < 0.25: the largest */
    assert_true(mr_wstats_quantile_sorted(xs, ws, 6, 6.0, 0.99, NULL) == 7.0);
    /* normalised by 12 (two elements a trial): 12 - 12 * 0.9 = 1.2 >= 0.75 */
    assert_true(mr_wstats_quantile_sorted(xs, ws, 6, 12.0, 0.9, NULL) == 3.0);
}

/* ES_p = (sum_{x > v} w x + (n - n p - sum_{x > v} w) v) / (n - n p). */
static void test_es_at_a_weight_boundary(void **state)
{
    (void)state;
    double xs[6], ws[6], var;
    assert_int_equal(mr_wstats_sort(X, W, 6, xs, ws, NULL), 0);
    /* p = 0.9: v = 5, above it 7 (w 0.25): (1.75 + 0.35 * 5) / 0.6 = 35/6 */
    assert_close(mr_wstats_es(X, W, 6, 0, xs, ws, 0.9, &var), 35.0 / 6.0, 1e-15);
    assert_true(var == 5.0);
    /* p = 0.875: n - n p = 0.75 is exactly the weight above 3, so VaR = 3
       and the tail is 5 (w 0.5) and 7 (w 0.25) alone: (2.5 + 1.75) / 0.75 */
    assert_close(mr_wstats_es(X, W, 6, 0, xs, ws, 0.875, &var), 17.0 / 3.0, 1e-15);
    assert_true(var == 3.0);
    /* p = 0.5: v = 3, (4.25 + (3 - 0.75) * 3) / 3 = 11/3 */
    assert_close(mr_wstats_es(X, W, 6, 0, xs, ws, 0.5, &var), 11.0 / 3.0, 1e-15);
    /* the weight boundary with v infinite and nothing left there: no NaN */
    assert_true(mr_wstats_es_tail(6.0, 0.875, INFINITY, 0.75, 4.25) == 4.25 / 0.75);
}

static void test_moments_of_huge_values_are_finite(void **state)
{
    (void)state;
    /* unit weights, x = -+2^600 twice: mean 0; sum w (x - m)^2 = 4 2^1200
       (past DBL_MAX: the sd was inf), / 4 gives sd = 2^600 exactly; the se
       is sqrt(4 2^1200 / 3) / sqrt(4) = 2^600 / sqrt(3) */
    const double big = 0x1p600, x[] = {-big, big, -big, big};
    double m, sd, se;
    mr_wstats_moments(x, NULL, 4, 0, &m, &sd, &se);
    assert_true(m == 0.0);
    assert_true(sd == big);
    assert_close(se, big / sqrt(3.0), 1e-15);
}

static void test_moments_exceedance_ess(void **state)
{
    (void)state;
    double m, sd, se;
    mr_wstats_moments(X, W, 6, 0, &m, &sd, &se);
    assert_close(m, 16.0 / 6.0, 1e-15);            /* sum w x = 16 */
    assert_close(sd, sqrt(20.0) / 3.0, 1e-15);     /* sum w (x - m)^2 / 6 = 20/9 */
    assert_close(se, sqrt(714.0 / 4320.0), 1e-15); /* (w x - m)^2: 714/144, / 5 / 6 */
    double pse, p = mr_wstats_exceedance(X, W, 6, 0, 3.0, &pse);
    assert_true(p == 0.125); /* (0.5 + 0.25) / 6 */
    assert_close(pse, sqrt(0.21875 / 30.0), 1e-15);
    assert_close(mr_wstats_ess(W, 6, 0), 36.0 / 8.125, 1e-15);
    assert_close(mr_wstats_max_share(W, 6, 0), 1.0 / 3.0, 1e-15);
    assert_true(mr_wstats_ess(NULL, 6, 0) == 6.0);
}

/* The effective sample size of any finite weights: (sum w)^2 overflowed
   for weights past about 1e154 (inf / inf, NaN), and sum w^2 underflowed
   for weights below about 1e-154 (to 0 below 1e-162: 0 / 0, NaN). The ESS does not change
   when every weight is multiplied by one factor. */
static void test_ess_huge_and_tiny_weights(void **state)
{
    (void)state;
    /* 4 equal weights: ESS 4, whatever their size */
    const double big[4] = {1e200, 1e200, 1e200, 1e200}, tiny[4] = {1e-200, 1e-200, 1e-200, 1e-200};
    assert_true(mr_wstats_ess(big, 4, 0) == 4.0);
    assert_true(mr_wstats_ess(tiny, 4, 0) == 4.0);
    const double most[2] = {DBL_MAX, DBL_MAX};
    assert_true(mr_wstats_ess(most, 2, 0) == 2.0);
    /* W times 1e200 and times 1e-200: 36 / 8.125 (test above) */
    double wb[6], wt[6];
    for (int k = 0; k < 6; k++) {
        wb[k] = W[k] * 1e200;
        wt[k] = W[k] * 1e-200;
    }
    assert_close(mr_wstats_ess(wb, 6, 0), 36.0 / 8.125, 1e-15);
    assert_close(mr_wstats_ess(wt, 6, 0), 36.0 / 8.125, 1e-15);
    assert_close(mr_wstats_ess(wb, 6, 2), 36.0 / 8.125, 1e-15); /* blocks of 2 */
    /* 1e200 and 1e-200 together: the small one's share is 1e-400, so the
       ESS is 1 (sum w = 1e200 and sum w^2 = 1e400 in doubles) */
    const double both[2] = {1e200, 1e-200};
    assert_true(mr_wstats_ess(both, 2, 0) == 1.0);
    /* three of 2^600 and one of 2^599: sum w = 3.5 2^600, sum w^2 = 3.25 2^1200,
       ESS 12.25 / 3.25 = 49/13 */
    const double pw[4] = {0x1p600, 0x1p600, 0x1p600, 0x1p599};
    assert_true(mr_wstats_ess(pw, 4, 0) == 12.25 / 3.25);
    /* the smallest subnormal weights (2^-1074: its scale 2^1074 is past DBL_MAX) */
    const double sub[3] = {0x1p-1074, 0x1p-1074, 0x1p-1073};
    assert_true(mr_wstats_ess(sub, 3, 0) == 16.0 / 6.0);
    /* the largest weight's share where sum w passes DBL_MAX (it was 0):
       two of DBL_MAX, 1/2; 2^1023, 2^1022, 2^1022 (sum 2^1024), 1/2 */
    assert_true(mr_wstats_max_share(most, 2, 0) == 0.5);
    const double over[3] = {0x1p1023, 0x1p1022, 0x1p1022};
    assert_true(mr_wstats_max_share(over, 3, 0) == 0.5);
    assert_true(mr_wstats_max_share(over, 3, 1) == 0.5); /* blocks of 1 */
    assert_close(mr_wstats_max_share(wb, 6, 0), 1.0 / 3.0, 1e-15);
}

/* Block-ordered sums: blocks of 2 give another (the dstats) result than
   one block, in round-off exactly as worked out. */
static void test_sums_are_block_ordered(void **state)
{
    (void)state;
    const double x[4] = {1e16, 1.0, -1e16, 1.0};
    /* one block: ((1e16 + 1) - 1e16) + 1 = (1e16 - 1e16) + 1 = 1 */
    assert_true(mr_wstats_sum(x, NULL, 4, 4, -INFINITY) == 1.0);
    /* blocks {1e16, 1} -> 1e16 and {-1e16, 1} -> -1e16: 0 */
    assert_true(mr_wstats_sum(x, NULL, 4, 2, -INFINITY) == 0.0);
}

/* All weights 1: the unweighted estimators, the quantile bit for bit. */
static void test_unit_weights_are_the_unweighted_estimators(void **state)
{
    (void)state;
    enum { N = 1000 };
    double x[N], w[N], xs[N], ws[N], sorted[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)((i * 37) % 250); /* ties: each value 4 times */
        w[i] = 1.0;
    }
    assert_int_equal(mr_wstats_sort(x, w, N, xs, ws, NULL), 0);
    assert_int_equal(mr_stats_sort_copy(x, N, 1, sorted), 0);
    const double ps[] = {0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 0.123, 0.9975};
    for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
        assert_true(mr_wstats_quantile_sorted(xs, ws, N, N, ps[k], NULL) ==
                    mr_stats_quantile_sorted(sorted, N, ps[k]));
        assert_close(mr_wstats_es(x, w, N, 0, xs, ws, ps[k], NULL),
                     mr_stats_es_sorted(sorted, N, ps[k]), 1e-13);
    }
    double m, se;
    mr_wstats_moments(x, w, N, 0, &m, NULL, &se);
    assert_true(m == mr_stats_mean(x, N));
    assert_close(se, mr_stats_se(x, N), 1e-13);
}

/* The bootstrap: every replicate of a constant sample is the constant; on
   a spread sample the interval holds the estimate and is reproducible. */
static void test_bootstrap_intervals(void **state)
{
    (void)state;
    enum { N = 2000 };
    double x[N], w[N], xs[N], ws[N];
    uint32_t idx[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = 4.0;
        w[i] = 0.5 + (double)(i % 3);
    }
    assert_int_equal(mr_wstats_sort(x, w, N, xs, ws, idx), 0);
    const double p[2] = {0.9, 0.99};
    double vl[2], vh[2], el[2], eh[2];
    assert_int_equal(
        mr_wstats_bootstrap(xs, ws, idx, N, N, N, p, 2, 50, 0.95, 7, NULL, vl, vh, el, eh), 0);
    for (int l = 0; l < 2; l++)
        assert_true(vl[l] == 4.0 && vh[l] == 4.0 && el[l] == 4.0 && eh[l] == 4.0);
    for (size_t i = 0; i < N; i++)
        x[i] = (double)((i * 37) % N);
    assert_int_equal(mr_wstats_sort(x, w, N, xs, ws, idx), 0);
    assert_int_equal(
        mr_wstats_bootstrap(xs, ws, idx, N, N, N, p, 2, 200, 0.95, 7, NULL, vl, vh, el, eh), 0);
    for (int l = 0; l < 2; l++) {
        double var, es = mr_wstats_es(x, w, N, 0, xs, ws, p[l], &var);
        assert_true(vl[l] <= var && var <= vh[l] && vl[l] < vh[l]);
        assert_true(el[l] <= es && es <= eh[l] && el[l] < eh[l]);
    }
    double vl2[2], vh2[2], el2[2], eh2[2];
    assert_int_equal(
        mr_wstats_bootstrap(xs, ws, idx, N, N, N, p, 2, 200, 0.95, 7, NULL, vl2, vh2, el2, eh2), 0);
    assert_memory_equal(vl, vl2, sizeof vl);
    assert_memory_equal(eh, eh2, sizeof eh);
}

/* The paired bootstrap of an ES difference (mr_wstats_bootstrap_es_diff):
   against zeros (a = NULL) it is mr_wstats_bootstrap's ES interval of b
   (the same resamples); a variable against itself gives [0, 0]; b = a + 5
   gives 5 on every resample (the same trials in both tails). */
static void test_bootstrap_es_difference(void **state)
{
    (void)state;
    enum { N = 2000 };
    double x[N], y[N], w[N], xs[N], ws[N], ys[N], yw[N];
    uint32_t xi[N], yi[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)((i * 37) % N);
        y[i] = x[i] + 5.0;
        w[i] = 0.5 + (double)(i % 3);
    }
    assert_int_equal(mr_wstats_sort(x, w, N, xs, ws, xi), 0);
    assert_int_equal(mr_wstats_sort(y, w, N, ys, yw, yi), 0);
    const double p[1] = {0.99};
    double vl, vh, el, eh, lo, hi;
    assert_int_equal(
        mr_wstats_bootstrap(xs, ws, xi, N, N, N, p, 1, 200, 0.95, 7, NULL, &vl, &vh, &el, &eh), 0);
    assert_int_equal(mr_wstats_bootstrap_es_diff(NULL, NULL, NULL, xs, ws, xi, N, N, N, 0.99, 200,
                                                 0.95, 7, NULL, &lo, &hi),
                     0);
    assert_true(lo == el && hi == eh && lo < hi);
    assert_int_equal(mr_wstats_bootstrap_es_diff(xs, ws, xi, xs, ws, xi, N, N, N, 0.99, 200, 0.95,
                                                 7, NULL, &lo, &hi),
                     0);
    assert_true(lo == 0.0 && hi == 0.0);
    assert_int_equal(mr_wstats_bootstrap_es_diff(xs, ws, xi, ys, yw, yi, N, N, N, 0.99, 200, 0.95,
                                                 7, NULL, &lo, &hi),
                     0);
    assert_close(lo, 5.0, 1e-12);
    assert_close(hi, 5.0, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_keeps_ties_in_index_order),
        cmocka_unit_test(test_quantile_with_ties),
        cmocka_unit_test(test_es_at_a_weight_boundary),
        cmocka_unit_test(test_moments_exceedance_ess),
        cmocka_unit_test(test_moments_of_huge_values_are_finite),
        cmocka_unit_test(test_sums_are_block_ordered),
        cmocka_unit_test(test_unit_weights_are_the_unweighted_estimators),
        cmocka_unit_test(test_bootstrap_intervals),
        cmocka_unit_test(test_ess_huge_and_tiny_weights),
        cmocka_unit_test(test_bootstrap_es_difference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
