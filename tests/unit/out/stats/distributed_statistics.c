/* distributed_statistics.c - the distributed statistics of out/stats/dstats.c on one process
 * (comm NULL): selection against a plain sort, block sums over the pairwise
 * tree against the same sums written out by hand, tails and expected shortfall, counts
 * and histograms against stats.c. tests/mpi/mpi_dstats.c checks that several
 * ranks give the same bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/minrisk.h"
#include "out/stats/dstats.h"
#include "sim/engine.h" /* MR_BLOCK_TRIALS */
#include "out/stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EXACT(a, b) assert_true((a) == (b))

static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return *s >> 11;
}

static double unit(uint64_t *s)
{
    return (double)lcg(s) / 9007199254740992.0;
}

/* n values with what makes order statistics hard: ties (zeros and a coarse
   grid), both zeros, negatives, infinities and NaNs, over many magnitudes. */
static double *awkward(size_t n, uint64_t seed)
{
    double *x = malloc((n ? n : 1) * sizeof *x);
    assert_non_null(x);
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        double u = unit(&s);
        switch (lcg(&s) % 10) {
        case 0:
            x[i] = 0.0;
            break;
        case 1:
            x[i] = -0.0;
            break;
        case 2:
            x[i] = floor(u * 5.0);
            break;
        case 3:
            x[i] = (i % 97 == 0) ? NAN : -u * 1e3;
            break;
        case 4:
            x[i] = (i % 211 == 0) ? INFINITY : (i % 223 == 0) ? -INFINITY : u;
            break;
        default:
            x[i] = (u - 0.3) * pow(10.0, (double)(lcg(&s) % 30) - 10.0);
        }
    }
    return x;
}

static double *sorted_copy(const double *x, size_t n, size_t stride)
{
    double *s = malloc((n ? n : 1) * sizeof *s);
    assert_non_null(s);
    assert_int_equal(mr_stats_sort_copy(x, n, stride, s), 0);
    return s;
}

/* ---- keys ------------------------------------------------------------------ */

static void test_keys_preserve_order_and_round_trip(void **state)
{
    (void)state;
    const double v[] = {-INFINITY, -1e300, -2.5, -1e-310, -0.0, 0.0, 1e-310, 1.0, 3e300, INFINITY};
    const size_t n = sizeof v / sizeof v[0];
    for (size_t i = 0; i < n; i++) {
        assert_true(same(mr_stats_key_value(mr_stats_key(v[i])), v[i]));
        if (i > 0)
            assert_true(mr_stats_key(v[i - 1]) < mr_stats_key(v[i]));
    }
    assert_true(mr_stats_key(NAN) == UINT64_MAX);
    assert_true(mr_stats_key(-NAN) == UINT64_MAX);
    assert_true(mr_stats_key(INFINITY) < UINT64_MAX);
    assert_true(isnan(mr_stats_key_value(UINT64_MAX)));
}

/* ---- selection ------------------------------------------------------------- */

static void test_select_every_rank_equals_sort(void **state)
{
    (void)state;
    /* every rank at once: many targets sharing and splitting prefixes */
    const size_t n = 3000;
    double *x = awkward(n, 7), *s = sorted_copy(x, n, 1);
    uint64_t *ranks = malloc((n + 2) * sizeof *ranks);
    double *got = malloc((n + 2) * sizeof *got);
    assert_non_null(ranks);
    assert_non_null(got);
    for (size_t k = 0; k < n; k++)
        ranks[k] = n - k; /* any order */
    ranks[n] = 0;
    ranks[n + 1] = n + 1;
    mr_dvar v = {x, n, 1, 1, n};
    assert_int_equal(mr_dstats_select(NULL, &v, ranks, n + 2, got), 0);
    for (size_t k = 0; k < n; k++) {
        double want = s[ranks[k] - 1];
        if (!(same(got[k], want) || (isnan(got[k]) && isnan(want)))) {
            print_error("X_(%zu) = %.17g, sort %.17g\n", (size_t)ranks[k], got[k], want);
            fail();
        }
    }
    assert_true(isnan(got[n]) && isnan(got[n + 1]));
    free(x);
    free(s);
    free(ranks);
    free(got);
}

static void test_select_elements_of_trials_with_stride(void **state)
{
    (void)state;
    /* 2500 trials (3 blocks) x 4 years, one sector of 3: 10000 elements */
    const size_t N = 2500, H = 4, S = 3, n = N * H;
    double *x = awkward(N * H * S, 11), *s = sorted_copy(x + 2, n, S);
    mr_dvar v = {x + 2, N, H, S, N};
    EXACT(mr_dvar_count(&v), n);
    const uint64_t ranks[] = {1, 2, n / 2, n - 100, n - 1, n, 9000, 9990, 5000, 5001};
    double got[10];
    assert_int_equal(mr_dstats_select(NULL, &v, ranks, 10, got), 0);
    for (int k = 0; k < 10; k++) {
        double want = s[ranks[k] - 1];
        assert_true(same(got[k], want) || (isnan(got[k]) && isnan(want)));
    }
    free(x);
    free(s);
}

static void test_select_all_equal_and_empty(void **state)
{
    (void)state;
    double x[2000];
    for (int i = 0; i < 2000; i++)
        x[i] = 42.5;
    mr_dvar v = {x, 2000, 1, 1, 2000};
    const uint64_t ranks[] = {1, 1000, 2000};
    double got[3];
    assert_int_equal(mr_dstats_select(NULL, &v, ranks, 3, got), 0);
    for (int k = 0; k < 3; k++)
        EXACT(got[k], 42.5);
    mr_dvar none = {x, 0, 1, 1, 0};
    assert_int_equal(mr_dstats_select(NULL, &none, ranks, 3, got), 0);
    for (int k = 0; k < 3; k++)
        assert_true(isnan(got[k]));
}

/* ---- block-ordered sums ----------------------------------------------------- */

/* The pairwise tree over blocks, written out level by level: node i of a
   level is node 2i + node 2i+1 of the level below, or node 2i alone when
   there is no node 2i+1. v is overwritten. */
static double pairwise_by_hand(double *v, size_t n)
{
    if (n == 0)
        return 0.0;
    while (n > 1) {
        size_t m = (n + 1) / 2;
        for (size_t i = 0; i < m; i++)
            v[i] = 2 * i + 1 < n ? v[2 * i] + v[2 * i + 1] : v[2 * i];
        n = m;
    }
    return v[0];
}

/* The definition written out: each block of MR_BLOCK_TRIALS trials summed
   from 0.0 in index order, then the block sums over the pairwise tree. */
static double block_sum_by_hand(const double *x, size_t N, size_t per, size_t stride)
{
    size_t nb = (N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    double *v = malloc((nb ? nb : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t b = 0; b < nb; b++) {
        size_t t0 = b * MR_BLOCK_TRIALS, t1 = t0 + MR_BLOCK_TRIALS < N ? t0 + MR_BLOCK_TRIALS : N;
        double sum = 0.0;
        for (size_t e = t0 * per; e < t1 * per; e++)
            sum += x[e * stride];
        v[b] = sum;
    }
    double total = pairwise_by_hand(v, nb);
    free(v);
    return total;
}

static void test_sums_are_block_ordered(void **state)
{
    (void)state;
    /* values whose sum depends on the order: 1e16 and small ones */
    const size_t N = 3 * MR_BLOCK_TRIALS + 77, per = 3, stride = 2;
    double *x = malloc(N * per * stride * sizeof *x);
    assert_non_null(x);
    uint64_t s = 5;
    for (size_t i = 0; i < N * per * stride; i++)
        x[i] = (i % 1001 == 0) ? 1e16 : unit(&s) * 3.0 - 1.0;
    mr_dvar v[2] = {{x, N, per, stride, N}, {x + 1, N, 1, per * stride, N}};
    double sum[2], mean[2], sd[2];
    assert_int_equal(mr_dstats_sums(NULL, v, 2, sum), 0);
    assert_true(same(sum[0], block_sum_by_hand(x, N, per, stride)));
    assert_true(same(sum[1], block_sum_by_hand(x + 1, N, 1, per * stride)));
    /* not the plain sum of everything (the test would prove nothing) */
    double plain = 0.0;
    for (size_t e = 0; e < N * per; e++)
        plain += x[e * stride];
    assert_false(same(plain, sum[0]));

    /* two-pass moments on the same order */
    assert_int_equal(mr_dstats_moments(NULL, v, 2, mean, sd), 0);
    assert_true(same(mean[0], sum[0] / (double)(N * per)));
    double *dev = malloc(N * per * sizeof *dev);
    assert_non_null(dev);
    for (size_t e = 0; e < N * per; e++) {
        double d = x[e * stride] - mean[0];
        dev[e] = d * d;
    }
    assert_true(same(sd[0], sqrt(block_sum_by_hand(dev, N, per, 1) / (double)(N * per - 1))));
    free(dev);
    free(x);
}

static void test_moments_of_one_block_are_the_plain_ones(void **state)
{
    (void)state;
    /* up to MR_BLOCK_TRIALS trials the block order is the index order */
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    mr_dvar v = {x, 8, 1, 1, 8};
    double mean, sd;
    assert_int_equal(mr_dstats_moments(NULL, &v, 1, &mean, &sd), 0);
    EXACT(mean, 5.0);
    assert_true(same(sd, mr_stats_sd(x, 8)));
    mr_dvar one = {x, 1, 1, 1, 1}, none = {x, 0, 1, 1, 0};
    assert_int_equal(mr_dstats_moments(NULL, &one, 1, &mean, &sd), 0);
    EXACT(mean, 2.0);
    assert_true(isnan(sd));
    assert_int_equal(mr_dstats_moments(NULL, &none, 1, &mean, &sd), 0);
    assert_true(isnan(mean) && isnan(sd));
}

static void test_moments_of_huge_values_are_finite(void **state)
{
    (void)state;
    /* finite values whose squared deviations (and, below, whose sum) pass
       DBL_MAX: the sd was inf. Deviations +-2^600 and one 0: the mean is 0,
       sum (x - m)^2 = 4 2^1200 (above DBL_MAX ~ 2^1024), / (5 - 1) = 2^1200,
       so sd = 2^600 exactly; the second variable (values of the first
       scaled by 2^-600, no overflow) keeps its plain sums. */
    const double big = 0x1p600;
    const double x[] = {-big, big, -big, big, 0.0};
    const double y[] = {-1.0, 1.0, -1.0, 1.0, 0.0};
    mr_dvar v[2] = {{x, 5, 1, 1, 5}, {y, 5, 1, 1, 5}};
    double mean[2], sd[2];
    assert_int_equal(mr_dstats_moments(NULL, v, 2, mean, sd), 0);
    EXACT(mean[0], 0.0);
    EXACT(sd[0], big);
    EXACT(mean[1], 0.0);
    EXACT(sd[1], 1.0);
    assert_true(same(sd[1], mr_stats_sd(y, 5)));
    EXACT(mr_stats_sd(x, 5), big);

    /* four values of 1.5 2^1023 sum past DBL_MAX: the mean is inf, not
       rescaled, as the streamed statistics' pass 1 gives it (docs/OUTPUT.md:
       /summary is the same held or streamed) */
    const double h = 0x1.8p1023, z[] = {h, h, h, h};
    mr_dvar w = {z, 4, 1, 1, 4};
    assert_int_equal(mr_dstats_moments(NULL, &w, 1, mean, sd), 0);
    assert_true(isinf(mean[0]) && mean[0] > 0.0);

    /* over several blocks, the pairwise tree: N values alternating -+2^600
       (N even) have mean 0 and sd 2^600 sqrt(N / (N - 1)) */
    const size_t N = 3 * MR_BLOCK_TRIALS + 6;
    double *a = malloc(N * sizeof *a);
    assert_non_null(a);
    for (size_t i = 0; i < N; i++)
        a[i] = i % 2 ? big : -big;
    mr_dvar u = {a, N, 1, 1, N};
    assert_int_equal(mr_dstats_moments(NULL, &u, 1, mean, sd), 0);
    EXACT(mean[0], 0.0);
    double want = ldexp(sqrt((double)N / (double)(N - 1)), 600);
    assert_true(isfinite(sd[0]) && fabs(sd[0] - want) <= 1e-15 * want);
    free(a);
}

static void test_reduce_blocks_over_the_pairwise_tree(void **state)
{
    (void)state;
    /* a million blocks (a billion trials): the tree, not a linear sum */
    const size_t nb = ((size_t)1 << 20) + 3, k = 5;
    double *p = malloc(nb * k * sizeof *p);
    assert_non_null(p);
    for (size_t b = 0; b < nb; b++)
        for (size_t q = 0; q < k; q++)
            p[b * k + q] = (b % 3 == 0 ? 1e17 : 1.0) * (double)(q + 1) - (b % 5 == 0 ? 3e17 : 0.0);
    double out[5];
    assert_int_equal(mr_dstats_reduce_blocks(NULL, p, nb, nb, k, out), 0);
    double *col = malloc(nb * sizeof *col);
    assert_non_null(col);
    for (size_t q = 0; q < k; q++) {
        double linear = 0.0;
        for (size_t b = 0; b < nb; b++)
            linear += col[b] = p[b * k + q];
        assert_true(same(out[q], pairwise_by_hand(col, nb)));
        if (q == 0)
            assert_false(same(out[q], linear)); /* the order matters for these values */
    }
    free(col);
    free(p);
}

/* ---- tails and expected shortfall --------------------------------------------- */

static void test_es_from_tail_equals_sorted_es(void **state)
{
    (void)state;
    /* integers with heavy ties around the quantiles: exact in any order */
    const size_t n = 5000;
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    uint64_t s = 3;
    for (size_t i = 0; i < n; i++)
        x[i] = (double)(lcg(&s) % 40) * (double)(lcg(&s) % 3);
    double *sorted = sorted_copy(x, n, 1);
    const double p[] = {0.5, 0.75, 0.95, 0.99, 0.995, 0.9999, 0.0};
    const size_t np = sizeof p / sizeof p[0];
    uint64_t ranks[sizeof p / sizeof p[0]];
    double xk[sizeof p / sizeof p[0]], es[sizeof p / sizeof p[0]];
    for (size_t l = 0; l < np; l++)
        ranks[l] = mr_stats_rank(n, p[l]);
    mr_dvar v = {x, n, 1, 1, n};
    assert_int_equal(mr_dstats_select(NULL, &v, ranks, np, xk), 0);
    assert_int_equal(mr_dstats_es(NULL, &v, p, xk, np, es), 0);
    for (size_t l = 0; l < np; l++) {
        EXACT(xk[l], mr_stats_quantile_sorted(sorted, n, p[l]));
        EXACT(es[l], mr_stats_es_sorted(sorted, n, p[l]));
        assert_true(es[l] >= xk[l]);
    }
    /* the tail itself */
    double thr = 20.0, sum_gt;
    uint64_t cgt, cnan;
    assert_int_equal(mr_dstats_tail(NULL, &v, &thr, 1, &sum_gt, &cgt, &cnan), 0);
    double want = 0.0;
    uint64_t wc = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > thr) {
            want += x[i];
            wc++;
        }
    EXACT(sum_gt, want);
    EXACT(cgt, wc);
    EXACT(cnan, 0);
    /* a NaN anywhere: NaN */
    x[17] = NAN;
    assert_int_equal(mr_dstats_es(NULL, &v, p, xk, np, es), 0);
    for (size_t l = 0; l < np; l++)
        assert_true(isnan(es[l]));
    free(x);
    free(sorted);
}

/* ---- counts, histogram, return periods ------------------------------------------ */

static void test_counts_histogram_and_return_periods(void **state)
{
    (void)state;
    const size_t n = 4000;
    double *x = awkward(n, 19);
    uint64_t above, nan;
    mr_dvar v = {x, n, 1, 1, n};
    assert_int_equal(mr_dstats_count_above(NULL, &v, 1, 0.5, &above), 0);
    assert_int_equal(mr_dstats_count_nan(NULL, &v, 1, &nan), 0);
    EXACT((double)above / (double)n, mr_stats_fraction_above(x, n, 0.5));
    EXACT((double)(n - nan) / (double)n, mr_stats_fraction_not_nan(x, n));

    uint64_t c1[17], c2[17];
    double e1[18], e2[18];
    mr_stats_histogram(x, n, 17, c1, e1);
    assert_int_equal(mr_dstats_histogram(NULL, &v, 17, c2, e2), 0);
    assert_memory_equal(c1, c2, sizeof c1);
    assert_memory_equal(e1, e2, sizeof e1);

    /* annual losses 1..1000 as 250 trials x 4 years: R = 10 is X_(900) */
    double *a = malloc(1000 * sizeof *a);
    assert_non_null(a);
    for (size_t i = 0; i < 1000; i++)
        a[i] = (double)((i * 37) % 1000 + 1);
    mr_dvar av = {a, 250, 4, 1, 250};
    const double rp[] = {2, 10, 100, 1000, 2000, 1};
    double got[6];
    assert_int_equal(mr_dstats_return_periods(NULL, &av, rp, 6, got), 0);
    EXACT(got[0], 500.0);
    EXACT(got[1], 900.0);
    EXACT(got[2], 990.0);
    EXACT(got[3], 999.0);
    assert_true(isnan(got[4]) && isnan(got[5]));
    free(a);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_preserve_order_and_round_trip),
        cmocka_unit_test(test_select_every_rank_equals_sort),
        cmocka_unit_test(test_select_elements_of_trials_with_stride),
        cmocka_unit_test(test_select_all_equal_and_empty),
        cmocka_unit_test(test_sums_are_block_ordered),
        cmocka_unit_test(test_moments_of_one_block_are_the_plain_ones),
        cmocka_unit_test(test_moments_of_huge_values_are_finite),
        cmocka_unit_test(test_reduce_blocks_over_the_pairwise_tree),
        cmocka_unit_test(test_es_from_tail_equals_sorted_es),
        cmocka_unit_test(test_counts_histogram_and_return_periods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
