/* risk_statistics.c - the risk statistics of out/stats/stats.c against values worked
 * out by hand (and, for the order-statistic confidence intervals, against
 * binomial sums computed here independently of GSL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/minrisk.h"
#include "out/stats/dstats.h"
#include "out/stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EXACT(a, b) assert_true((a) == (b))
static void assert_close(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fmax(1.0, fabs(want)))) {
        print_error("got %.17g, want %.17g\n", got, want);
        fail();
    }
}

/* 1, 2, ..., n in a scrambled order (i * 37 mod n is a permutation when
   gcd(37, n) == 1), so that sorting is exercised. */
static double *scrambled_1_to_n(size_t n)
{
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = (double)((i * 37) % n + 1);
    return x;
}

static double *sorted_copy(const double *x, size_t n)
{
    double *s = malloc(n * sizeof *s);
    assert_non_null(s);
    assert_int_equal(mr_stats_sort_copy(x, n, 1, s), 0);
    return s;
}

/* ---- moments ---------------------------------------------------------- */

static void test_mean_sd_se_by_hand(void **state)
{
    (void)state;
    /* mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32; sd = sqrt(32/7);
       se = sd / sqrt(8) = sqrt(4/7). */
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    EXACT(mr_stats_mean(x, 8), 5.0);
    assert_close(mr_stats_sd(x, 8), sqrt(32.0 / 7.0), 1e-15);
    assert_close(mr_stats_se(x, 8), sqrt(4.0 / 7.0), 1e-15);
}

static void test_moments_of_too_few_values_are_nan(void **state)
{
    (void)state;
    const double x[] = {3.0};
    assert_true(isnan(mr_stats_mean(x, 0)));
    EXACT(mr_stats_mean(x, 1), 3.0);
    assert_true(isnan(mr_stats_sd(x, 1)));
    assert_true(isnan(mr_stats_se(x, 1)));
}

static void test_fractions(void **state)
{
    (void)state;
    const double x[] = {0.0, 0.01, 0.02, NAN, 0.5};
    EXACT(mr_stats_fraction_above(x, 5, 0.01), 2.0 / 5.0); /* strictly above */
    EXACT(mr_stats_fraction_not_nan(x, 5), 4.0 / 5.0);
}

/* ---- sorting ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_sort_matches_qsort_and_leaves_input(void **state)
{
    (void)state;
    const size_t n = 100000;
    double *x = malloc(n * sizeof *x), *ref = malloc(n * sizeof *ref),
           *keep = malloc(n * sizeof *keep);
    assert_non_null(x);
    assert_non_null(ref);
    assert_non_null(keep);
    uint64_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        double u = (double)(s >> 11) / 9007199254740992.0;
        /* negatives, positives over many magnitudes, and repeats */
        x[i] = (i % 7 == 0) ? (double)(i % 13) : (u - 0.3) * pow(10.0, (double)(s % 20) - 5.0);
    }
    memcpy(keep, x, n * sizeof *x);
    memcpy(ref, x, n * sizeof *x);
    qsort(ref, n, sizeof *ref, cmp_double);
    double *got = sorted_copy(x, n);
    assert_memory_equal(got, ref, n * sizeof *ref);
    assert_memory_equal(x, keep, n * sizeof *x);
    free(x);
    free(ref);
    free(keep);
    free(got);
}

static void test_sort_orders_signs_zeros_and_nan_last(void **state)
{
    (void)state;
    const double x[] = {NAN, 1.0, -0.0, -INFINITY, 0.0, -2.5, INFINITY, -1e-300};
    double s[8];
    assert_int_equal(mr_stats_sort_copy(x, 8, 1, s), 0);
    EXACT(s[0], -INFINITY);
    EXACT(s[1], -2.5);
    EXACT(s[2], -1e-300);
    assert_true(s[3] == 0.0 && signbit(s[3])); /* -0 before +0 */
    assert_true(s[4] == 0.0 && !signbit(s[4]));
    EXACT(s[5], 1.0);
    EXACT(s[6], INFINITY);
    assert_true(isnan(s[7]));
}

static void test_sort_with_stride_takes_one_column(void **state)
{
    (void)state;
    /* 3 rows x 2 columns; column 1 is 9, 7, 8 */
    const double x[] = {1, 9, 2, 7, 3, 8};
    double s[3];
    assert_int_equal(mr_stats_sort_copy(x + 1, 3, 2, s), 0);
    EXACT(s[0], 7.0);
    EXACT(s[1], 8.0);
    EXACT(s[2], 9.0);
}

/* Pairs: keys differing in the low byte only (one pass), in the high byte
   only (every lower digit shared: skipped), and ties kept in index order. */
static void test_sort_pairs_is_stable_and_swaps_buffers(void **state)
{
    (void)state;
    uint64_t k[6] = {0x0300000000000005u, 0x0100000000000005u, 0x0300000000000005u,
                     0x0100000000000002u, 0x0200000000000005u, 0x0100000000000005u};
    uint32_t i[6] = {0, 1, 2, 3, 4, 5};
    uint64_t k2[6];
    uint32_t i2[6];
    uint64_t *ka = k, *kb = k2;
    uint32_t *ia = i, *ib = i2;
    assert_int_equal(mr_stats_sort_pairs(&ka, &ia, &kb, &ib, 6), 0);
    /* by key: 0x01..02 (3), 0x01..05 (1, 5), 0x02..05 (4), 0x03..05 (0, 2) */
    const uint32_t want[6] = {3, 1, 5, 4, 0, 2};
    for (int j = 0; j < 6; j++)
        assert_int_equal(ia[j], want[j]);
    assert_true(ka[0] == 0x0100000000000002u && ka[5] == 0x0300000000000005u);
    /* two passes (digits 0 and 7): back in the arrays given first */
    assert_ptr_equal(ka, k);
    assert_ptr_equal(ia, i);
    assert_ptr_equal(kb, k2);
    uint64_t one[1] = {7};
    uint32_t oi[1] = {0};
    ka = one;
    ia = oi;
    kb = k2;
    ib = i2;
    assert_int_equal(mr_stats_sort_pairs(&ka, &ia, &kb, &ib, 1), 0);
    assert_ptr_equal(ka, one); /* every digit shared: no pass */
    assert_int_equal(mr_stats_sort_pairs(&ka, &ia, &kb, &ib, 0), 0);
}

/* ---- quantiles -------------------------------------------------------- */

static void test_quantile_is_order_statistic_ceil_np(void **state)
{
    (void)state;
    double *x = scrambled_1_to_n(100), *s = sorted_copy(x, 100);
    EXACT(mr_stats_quantile_sorted(s, 100, 0.95), 95.0);
    EXACT(mr_stats_quantile_sorted(s, 100, 0.5), 50.0);
    EXACT(mr_stats_quantile_sorted(s, 100, 0.9), 90.0);
    EXACT(mr_stats_quantile_sorted(s, 100, 0.99), 99.0);
    EXACT(mr_stats_quantile_sorted(s, 100, 0.995), 100.0); /* ceil(99.5) */
    EXACT(mr_stats_quantile_sorted(s, 100, 0.999), 100.0); /* ceil(99.9) */
    EXACT(mr_stats_quantile_sorted(s, 100, 0.001), 1.0);   /* ceil(0.1) */
    EXACT(mr_stats_quantile_sorted(s, 100, 0.951), 96.0);  /* ceil(95.1) */
    EXACT(mr_stats_quantile(x, 100, 0.95), 95.0);
    free(x);
    free(s);
}

static void test_rank_takes_p_as_the_decimal_written(void **state)
{
    (void)state;
    /* 100 * 0.07 is 7.000000000000001 in binary floating point: still rank 7. */
    assert_true(100.0 * 0.07 > 7.0);
    assert_int_equal(mr_stats_rank(100, 0.07), 7);
    assert_int_equal(mr_stats_rank(1000, 0.995), 995);
    assert_int_equal(mr_stats_rank(1000000, 0.999), 999000);
    assert_int_equal(mr_stats_rank(10000, 1.0 - 1.0 / 10.0), 9000);
    assert_int_equal(mr_stats_rank(3, 0.5), 2);
    assert_int_equal(mr_stats_rank(3, 0.0), 1); /* clamped */
    assert_int_equal(mr_stats_rank(3, 1.0), 3);
    assert_int_equal(mr_stats_rank(0, 0.5), 0);
}

/* ---- order-statistic confidence intervals ----------------------------- */

/* Binomial(n, p) probabilities summed here from the pmf, each term
   exp(ln C(n, i) + i ln p + (n - i) ln(1 - p)) by lgamma: independent of
   GSL's incomplete-beta route, and in double only (no underflow of
   (1-p)^n, no reliance on long double, which valgrind emulates as double). */
static double binom_pmf(unsigned i, double p, unsigned n)
{
    return exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) + i * log(p) +
               (n - i) * log1p(-p));
}

static double binom_cdf(unsigned k, double p, unsigned n) /* P(B <= k) */
{
    double s = 0.0;
    for (unsigned i = 0; i <= k && i <= n; i++)
        s += binom_pmf(i, p, n);
    return s;
}

static double binom_sf(unsigned k, double p, unsigned n) /* P(B >= k) */
{
    double s = 0.0;
    for (unsigned i = k; i <= n; i++)
        s += binom_pmf(i, p, n);
    return s;
}

/* The defining property of the ranks (stats.h): each tail at most 2.5%, and
   no rank could move inward without breaking that. */
static void check_ci_ranks(size_t n, double p, size_t l, size_t u)
{
    const double tail = 0.025;
    unsigned nn = (unsigned)n;
    if (l >= 1) {
        assert_true(binom_cdf((unsigned)l - 1, p, nn) <= tail); /* P(B < l) */
        if (l < n)
            assert_true(binom_cdf((unsigned)l, p, nn) > tail); /* l + 1 would fail */
    } else {
        assert_true(binom_cdf(0, p, nn) > tail); /* not even X_(1) */
    }
    if (u <= n) {
        assert_true(binom_sf((unsigned)u, p, nn) <= tail); /* P(B >= u) */
        if (u > 1)
            assert_true(binom_sf((unsigned)u - 1, p, nn) > tail); /* u - 1 would fail */
    } else {
        assert_true(binom_sf(nn, p, nn) > tail); /* not even X_(n) */
    }
    if (l >= 1 && u <= n) /* coverage P(l <= B <= u - 1) */
        assert_true(1.0 - binom_cdf((unsigned)l - 1, p, nn) - binom_sf((unsigned)u, p, nn) >= 0.95);
}

static void test_ci_ranks_median_of_100_are_40_and_61(void **state)
{
    (void)state;
    /* Bin(100, 1/2): P(B <= 39) = 0.0176 <= 0.025 < P(B <= 40) = 0.0284, and
       by symmetry P(B >= 61) = 0.0176; so X_(40) <= median < X_(61) with
       probability P(40 <= B <= 60) = 0.9648. */
    size_t l, u;
    mr_stats_quantile_ci_ranks(100, 0.5, 0.95, &l, &u);
    assert_int_equal(l, 40);
    assert_int_equal(u, 61);
    assert_true(binom_cdf(39, 0.5, 100) < 0.0177 && binom_cdf(39, 0.5, 100) > 0.0175);
    check_ci_ranks(100, 0.5, l, u);

    double *x = scrambled_1_to_n(100), *s = sorted_copy(x, 100), lo, hi;
    mr_stats_quantile_ci_sorted(s, 100, 0.5, 0.95, &lo, &hi);
    EXACT(lo, 40.0);
    EXACT(hi, 61.0);
    free(x);
    free(s);
}

static void test_ci_ranks_satisfy_definition_on_a_grid(void **state)
{
    (void)state;
    const size_t ns[] = {20, 50, 100, 137, 500, 1000};
    const double ps[] = {0.5, 0.9, 0.95, 0.99, 0.995, 0.999};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t b = 0; b < sizeof ps / sizeof ps[0]; b++) {
            size_t l, u;
            mr_stats_quantile_ci_ranks(ns[a], ps[b], 0.95, &l, &u);
            check_ci_ranks(ns[a], ps[b], l, u);
        }
}

static void test_ci_bound_is_nan_when_n_too_small(void **state)
{
    (void)state;
    /* Bin(20, 0.99): P(B <= 18) = 0.0169 <= 0.025 < P(B <= 19) = 0.182, so
       l = 19; P(B >= 20) = 0.99^20 = 0.818 > 0.025: no upper order statistic. */
    size_t l, u;
    mr_stats_quantile_ci_ranks(20, 0.99, 0.95, &l, &u);
    assert_int_equal(l, 19);
    assert_int_equal(u, 21);
    double *x = scrambled_1_to_n(20), *s = sorted_copy(x, 20), lo, hi;
    mr_stats_quantile_ci_sorted(s, 20, 0.99, 0.95, &lo, &hi);
    EXACT(lo, 19.0);
    assert_true(isnan(hi));
    /* n = 5, p = 1/2: P(B = 0) = P(B = 5) = 1/32 > 0.025: neither bound. */
    mr_stats_quantile_ci_sorted(s, 5, 0.5, 0.95, &lo, &hi);
    assert_true(isnan(lo) && isnan(hi));
    free(x);
    free(s);
}

/* ---- expected shortfall ----------------------------------------------- */

static void test_es_is_mean_of_top_values(void **state)
{
    (void)state;
    double *x = scrambled_1_to_n(100), *s = sorted_copy(x, 100);
    EXACT(mr_stats_es_sorted(s, 100, 0.95), 98.0); /* mean of 96..100 */
    EXACT(mr_stats_es_sorted(s, 100, 0.99), 100.0);
    EXACT(mr_stats_es_sorted(s, 100, 0.9), 95.5); /* mean of 91..100 */
    EXACT(mr_stats_es_sorted(s, 100, 0.995), 100.0);
    free(x);
    free(s);
}

static void test_es_weights_the_boundary_order_statistic(void **state)
{
    (void)state;
    /* n = 10, p = 0.75: n p = 7.5, k = 8; X_(8) carries weight 8 - 7.5 = 0.5:
       (0.5 * 8 + 9 + 10) / (0.5 + 2) = 23 / 2.5 = 9.2. */
    double *x = scrambled_1_to_n(10), *s = sorted_copy(x, 10);
    assert_close(mr_stats_es_sorted(s, 10, 0.75), 9.2, 1e-15);
    assert_true(mr_stats_es_sorted(s, 10, 0.75) >= mr_stats_quantile_sorted(s, 10, 0.75));
    assert_close(mr_stats_es_sorted(s, 10, 0.0), 5.5, 1e-15); /* p = 0: the mean */
    free(x);
    free(s);
}

static void test_es_from_the_values_above_the_var(void **state)
{
    (void)state;
    /* n = 10, p = 0.75 (1..10): X_(8) = 8, values above it 9 + 10 = 19 (2 of
       them): (0.5 * 8 + 19) / 2.5 = 9.2, as from the order statistics. */
    assert_true(fabs(mr_stats_es_tail(10, 0.75, 8.0, 19.0, 2) - 9.2) <= 1e-15);
    /* ties of X_(k) above rank k: 1 2 3 3 3 3, p = 0.5: k = 3, X_(3) = 3,
       nothing above 3, so ranks 4..6 are the n - k - 0 = 3 ties: ES = 3 */
    EXACT(mr_stats_es_tail(6, 0.5, 3.0, 0.0, 0), 3.0);
    const double t[] = {1, 2, 3, 3, 3, 3};
    EXACT(mr_stats_es_sorted(t, 6, 0.5), 3.0);
    /* 1..100, p = 0.95: 96..100 above X_(95): 490 / 5 = 98 */
    EXACT(mr_stats_es_tail(100, 0.95, 95.0, 490.0, 5), 98.0);
    /* k = n and n p = n: the maximum; an infinite X_(k) of weight 0 is no NaN */
    EXACT(mr_stats_es_tail(4, 1.0, 7.0, 0.0, 0), 7.0);
    EXACT(mr_stats_es_tail(4, 0.5, INFINITY, 0.0, 0), INFINITY);
    assert_true(isnan(mr_stats_es_tail(0, 0.5, 1.0, 0.0, 0)));
}

/* ---- annual losses ---------------------------------------------------- */

static void test_return_period_loss_is_quantile_1_minus_1_over_r(void **state)
{
    (void)state;
    double *x = scrambled_1_to_n(1000), *s = sorted_copy(x, 1000);
    EXACT(mr_stats_return_period_sorted(s, 1000, 10), 900.0);
    EXACT(mr_stats_return_period_sorted(s, 1000, 2), 500.0);
    EXACT(mr_stats_return_period_sorted(s, 1000, 100), 990.0);
    EXACT(mr_stats_return_period_sorted(s, 1000, 200), 995.0);
    EXACT(mr_stats_return_period_sorted(s, 1000, 1000), 999.0);
    assert_true(isnan(mr_stats_return_period_sorted(s, 1000, 2000))); /* n < R */
    assert_true(isnan(mr_stats_return_period_sorted(s, 1000, 1)));
    free(x);
    free(s);
}

static void test_aal_and_its_se_from_trial_means(void **state)
{
    (void)state;
    /* 3 trials x 2 years: {1, 3}, {2, 2}, {6, 0}. Trial means 2, 2, 3;
       AAL = 14 / 6 = 7/3; deviations -1/3, -1/3, 2/3, ss = 2/3,
       sd = sqrt(1/3), se = sd / sqrt(3) = 1/3. */
    const double a[] = {1, 3, 2, 2, 6, 0};
    double aal, se;
    mr_stats_aal(a, 3, 2, 1, &aal, &se);
    assert_close(aal, 7.0 / 3.0, 1e-15);
    assert_close(se, 1.0 / 3.0, 1e-15);
    /* the same as sector 1 of 2 in a [trial][year][sector] array */
    const double b[] = {9, 1, 9, 3, 9, 2, 9, 2, 9, 6, 9, 0};
    double aal2, se2;
    mr_stats_aal(b + 1, 3, 2, 2, &aal2, &se2);
    EXACT(aal2, aal);
    EXACT(se2, se);
    /* the same losses times 2^600 (about 4e180): the squared deviations of
       the trial means, about 2^1198, pass DBL_MAX and the se was inf; times
       a power of 2 every figure scales exactly, so the AAL and its se are
       the ones above times 2^600, bit for bit */
    double u = ldexp(1.0, 600), big[6], aal3, se3;
    for (int k = 0; k < 6; k++)
        big[k] = a[k] * u;
    mr_stats_aal(big, 3, 2, 1, &aal3, &se3);
    EXACT(aal3, ldexp(aal, 600));
    EXACT(se3, ldexp(se, 600));
    mr_stats_aal(a, 1, 2, 1, &aal, &se);
    EXACT(aal, 2.0);
    assert_true(isnan(se)); /* one trial: no SE */
}

/* Selection (now the distributed radix selection of dstats.c, here on one
   process) gives the values of a full sort. */
static void test_select_ranks_equals_sort(void **state)
{
    (void)state;
    /* random values with many ties (as annual losses with many zero years),
       and a sorted and a reversed run, against a full sort */
    const size_t n = 50000;
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    uint64_t s = 99;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        double u = (double)(s >> 11) / 9007199254740992.0;
        x[i] = i < n / 2 ? (u < 0.6 ? 0.0 : floor(u * 100.0))
                         : (i < 3 * n / 4 ? (double)i : (double)(n - i));
    }
    double *sorted = sorted_copy(x, n);
    const uint64_t ranks[] = {n, 1, n / 2, 25001, 40000, 49950, 49990, 49995, 7, 0, n + 1};
    const size_t nr = sizeof ranks / sizeof ranks[0];
    double got[sizeof ranks / sizeof ranks[0]];
    mr_dvar v = {x, n, 1, 1, n};
    assert_int_equal(mr_dstats_select(NULL, &v, ranks, nr, got), 0);
    for (size_t k = 0; k < nr; k++) {
        if (ranks[k] >= 1 && ranks[k] <= n)
            EXACT(got[k], sorted[ranks[k] - 1]);
        else
            assert_true(isnan(got[k])); /* out of range */
    }
    /* every rank of a small array, with a stride */
    const double y[] = {5, 0, 3, 0, 3, 0, -1, 0, 5, 0, 2, 0, 3, 0};
    const double ys[] = {-1, 2, 3, 3, 3, 5, 5};
    mr_dvar vy = {y, 7, 1, 2, 7};
    for (uint64_t r = 1; r <= 7; r++) {
        double val;
        assert_int_equal(mr_dstats_select(NULL, &vy, &r, 1, &val), 0);
        EXACT(val, ys[r - 1]);
    }
    free(x);
    free(sorted);
}

static void test_return_periods_by_selection_equal_sorted(void **state)
{
    (void)state;
    double *x = scrambled_1_to_n(1000), *s = sorted_copy(x, 1000);
    const double rp[] = {2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};
    double got[10];
    mr_dvar v = {x, 1000, 1, 1, 1000};
    assert_int_equal(mr_dstats_return_periods(NULL, &v, rp, 10, got), 0);
    for (int k = 0; k < 9; k++)
        EXACT(got[k], mr_stats_return_period_sorted(s, 1000, rp[k]));
    EXACT(got[2], 900.0);
    assert_true(isnan(got[9])); /* 1000 years < R = 2000 */
    free(x);
    free(s);
}

/* ---- histograms ------------------------------------------------------- */

static void test_histogram_equal_bins_min_to_max(void **state)
{
    (void)state;
    const double x[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NAN};
    uint64_t c[5];
    double e[6];
    mr_stats_histogram(x, 12, 5, c, e);
    const double we[6] = {0, 2, 4, 6, 8, 10};
    const uint64_t wc[5] = {2, 2, 2, 2, 3}; /* the maximum goes in the last bin */
    for (int b = 0; b < 6; b++)
        EXACT(e[b], we[b]);
    for (int b = 0; b < 5; b++)
        assert_int_equal(c[b], wc[b]);
}

static void test_histogram_of_equal_values(void **state)
{
    (void)state;
    const double x[] = {3, 3, 3};
    uint64_t c[2];
    double e[3];
    mr_stats_histogram(x, 3, 2, c, e);
    EXACT(e[0], 3.0);
    EXACT(e[1], 3.5);
    EXACT(e[2], 4.0);
    assert_int_equal(c[0], 3);
    assert_int_equal(c[1], 0);
}

/* ---- band quantiles --------------------------------------------------- */

static void test_band_quantile_from_histogram(void **state)
{
    (void)state;
    /* bins 0..3 stand for 0, 0.1, 0.2, 0.3 with 5, 3, 0, 2 counts (total 10) */
    const uint64_t c[4] = {5, 3, 0, 2};
    EXACT(mr_stats_band_quantile(c, 4, 0.1, 0.0, 0.05), 0.0);     /* 1st count */
    EXACT(mr_stats_band_quantile(c, 4, 0.1, 0.0, 0.5), 0.0);      /* 5th */
    EXACT(mr_stats_band_quantile(c, 4, 0.1, 0.0, 0.6), 0.1);      /* 6th */
    EXACT(mr_stats_band_quantile(c, 4, 0.1, 0.0, 0.8), 0.1);      /* 8th */
    EXACT(mr_stats_band_quantile(c, 4, 0.1, 0.0, 0.81), 3 * 0.1); /* 9th */
    EXACT(mr_stats_band_quantile(c, 4, 0.1, 0.0, 0.95), 3 * 0.1); /* ceil(9.5) = 10th */
    /* the ln-price histogram layout: bin k stands for -5 + k * 0.005 */
    EXACT(mr_stats_band_quantile(c, 4, 0.005, -5.0, 0.6), -5.0 + 0.005);
    const uint64_t z[3] = {0, 0, 0};
    assert_true(isnan(mr_stats_band_quantile(z, 3, 0.1, 0.0, 0.5)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_sd_se_by_hand),
        cmocka_unit_test(test_moments_of_too_few_values_are_nan),
        cmocka_unit_test(test_fractions),
        cmocka_unit_test(test_sort_matches_qsort_and_leaves_input),
        cmocka_unit_test(test_sort_orders_signs_zeros_and_nan_last),
        cmocka_unit_test(test_sort_with_stride_takes_one_column),
        cmocka_unit_test(test_sort_pairs_is_stable_and_swaps_buffers),
        cmocka_unit_test(test_quantile_is_order_statistic_ceil_np),
        cmocka_unit_test(test_rank_takes_p_as_the_decimal_written),
        cmocka_unit_test(test_ci_ranks_median_of_100_are_40_and_61),
        cmocka_unit_test(test_ci_ranks_satisfy_definition_on_a_grid),
        cmocka_unit_test(test_ci_bound_is_nan_when_n_too_small),
        cmocka_unit_test(test_es_is_mean_of_top_values),
        cmocka_unit_test(test_es_weights_the_boundary_order_statistic),
        cmocka_unit_test(test_es_from_the_values_above_the_var),
        cmocka_unit_test(test_return_period_loss_is_quantile_1_minus_1_over_r),
        cmocka_unit_test(test_aal_and_its_se_from_trial_means),
        cmocka_unit_test(test_select_ranks_equals_sort),
        cmocka_unit_test(test_return_periods_by_selection_equal_sorted),
        cmocka_unit_test(test_histogram_equal_bins_min_to_max),
        cmocka_unit_test(test_histogram_of_equal_values),
        cmocka_unit_test(test_band_quantile_from_histogram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
