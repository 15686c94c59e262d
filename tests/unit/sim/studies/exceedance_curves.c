/* exceedance_curves.c - the return-period losses and their bootstrap
 * intervals of the AEP and OEP curves (sim/studies/exceedance.h): the
 * estimate by hand, the intervals against a brute-force loop written out
 * here (every resample built from mr_paired_resample_counts, sorted with
 * qsort and measured with the stats.h estimator), the NaN rules, and the
 * same result on 1 and 2 threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "out/stats/stats.h"
#include "sim/studies/exceedance.h"
#include "sim/studies/paired.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* 4 trials x 2 years, one series: 0 5 | 1 0 | 7 2 | 3 4. Sorted: 0 0 1 2 3
   4 5 7. R = 2: rank ceil(8 x 0.5) = 4 -> 2; R = 5: ceil(6.4) = 7 -> 5;
   R = 10 > 8 values: NaN. Intervals need 10 values beyond the level and
   100 resamples: none here (nboot 0). */
static void test_estimate_by_hand(void **state)
{
    (void)state;
    const double x[8] = {0, 5, 1, 0, 7, 2, 3, 4};
    const double R[3] = {2, 5, 10};
    double est[3], lo[3], hi[3];
    assert_int_equal(mr_exceedance(x, 4, 2, 1, R, 3, 1, "t", 0, NULL, est, lo, hi), 0);
    assert_true(est[0] == 2.0);
    assert_true(est[1] == 5.0);
    assert_true(isnan(est[2]));
    for (int p = 0; p < 3; p++)
        assert_true(isnan(lo[p]) && isnan(hi[p]));
}

/* The weighted curve (mr_exceedance_weighted) on the same values, trial
   weights 2, 0.5, 0.5, 1.5, each year with its trial's: (0, 2) (5, 2) | (1,
   .5) (0, .5) | (7, .5) (2, .5) | (3, 1.5) (4, 1.5); n = 8, the weights sum
   to 9. The weight above v, G(v): G(5) = .5, G(4) = 2.5, G(3) = 4, G(2) =
   5.5. R = 2: the tail mass 8 / 2 = 4 = G(3), so 3 (a weight boundary;
   unweighted: 2); R = 2.1: mass 3.81, 4 (normalised by the weights' sum, 9
   / 2.1 = 4.29, it would be 3); R = 3.2: mass 2.5 = G(4), so 4; R = 5:
   mass 1.6, 5; R = 10 > 8 values: NaN. With all weights 1 the estimates
   are mr_exceedance's. */
static void test_weighted_estimate_by_hand(void **state)
{
    (void)state;
    const double x[8] = {0, 5, 1, 0, 7, 2, 3, 4}, w[4] = {2, 0.5, 0.5, 1.5};
    const double R[5] = {2, 2.1, 3.2, 5, 10};
    double est[5], lo[5], hi[5];
    assert_int_equal(mr_exceedance_weighted(x, 4, 2, 1, w, R, 5, 7, 0, NULL, est, lo, hi), 0);
    assert_true(est[0] == 3.0);
    assert_true(est[1] == 4.0);
    assert_true(est[2] == 4.0);
    assert_true(est[3] == 5.0);
    assert_true(isnan(est[4]));
    for (int p = 0; p < 5; p++)
        assert_true(isnan(lo[p]) && isnan(hi[p]));

    enum { n = 50, h = 3, k = 2 };
    double y[n * h * k], ones[n], e0[k * 4], e1[k * 4], l0[k * 4], h0[k * 4], l1[k * 4], h1[k * 4];
    for (int i = 0; i < n; i++) {
        ones[i] = 1.0;
        for (int a = 0; a < h * k; a++) {
            unsigned v = (unsigned)(i * 7919 + a * 104729) % 97u;
            y[i * h * k + a] = v < 30 ? 0.0 : (double)(v % 40);
        }
    }
    const double R2[4] = {2, 5, 10, 100};
    assert_int_equal(mr_exceedance(y, n, h, k, R2, 4, 1, "t", 0, NULL, e0, l0, h0), 0);
    assert_int_equal(mr_exceedance_weighted(y, n, h, k, ones, R2, 4, 7, 0, NULL, e1, l1, h1), 0);
    for (int q = 0; q < k * 4; q++)
        assert_true(e0[q] == e1[q] || (isnan(e0[q]) && isnan(e1[q])));
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { N = 50, H = 3, K = 2, NP = 4, B = 100 };

static void fill(double *x)
{
    /* values with ties and zeros, different per series */
    for (int i = 0; i < N; i++)
        for (int y = 0; y < H; y++)
            for (int k = 0; k < K; k++) {
                unsigned v = (unsigned)(i * 7919 + y * 104729 + k * 1299709) % 97u;
                x[(i * H + y) * K + k] = v < 30 ? 0.0 : (double)(v % 40) * (k ? 1.5 : 1.0);
            }
}

/* The intervals against every resample built in full. */
static void test_intervals_brute_force(void **state)
{
    (void)state;
    double x[N * H * K];
    fill(x);
    const double R[NP] = {2, 5, 10, 20}; /* N H = 150: R = 20 leaves 7.5 < 10 values */
    double est[K * NP], lo[K * NP], hi[K * NP];
    assert_int_equal(mr_exceedance(x, N, H, K, R, NP, 42, "exceedance-test", B, NULL, est, lo, hi),
                     0);
    uint32_t counts[N];
    double stat[K * NP][B], sample[N * H * N];
    for (int r = 0; r < B; r++) {
        assert_int_equal(mr_paired_resample_counts(42, "exceedance-test", (uint64_t)r, N, counts),
                         0);
        for (int k = 0; k < K; k++) {
            size_t m = 0;
            for (int i = 0; i < N; i++)
                for (uint32_t c = 0; c < counts[i]; c++)
                    for (int y = 0; y < H; y++)
                        sample[m++] = x[(i * H + y) * K + k];
            assert_int_equal((int)m, N * H);
            qsort(sample, m, sizeof *sample, cmp);
            for (int p = 0; p < NP; p++)
                stat[k * NP + p][r] = mr_stats_return_period_sorted(sample, m, R[p]);
        }
    }
    double s[N * H];
    for (int k = 0; k < K; k++) {
        for (size_t a = 0; a < (size_t)(N * H); a++)
            s[a] = x[a * K + (size_t)k];
        qsort(s, N * H, sizeof *s, cmp);
        for (int p = 0; p < NP; p++) {
            const int q = k * NP + p;
            assert_true(est[q] == mr_stats_return_period_sorted(s, N * H, R[p]));
            if (p == NP - 1) {
                assert_true(isnan(lo[q]) && isnan(hi[q]));
                continue;
            }
            qsort(stat[q], B, sizeof(double), cmp);
            double want_lo = mr_stats_quantile_sorted(stat[q], B, 0.025);
            double want_hi = mr_stats_quantile_sorted(stat[q], B, 0.975);
            if (!(lo[q] == want_lo && hi[q] == want_hi))
                fail_msg("series %d R %g: [%.17g, %.17g], brute force [%.17g, %.17g]", k, R[p],
                         lo[q], hi[q], want_lo, want_hi);
            assert_true(lo[q] <= hi[q]);
        }
    }
}

/* Fewer than MR_PAIRED_MIN_BOOT resamples: estimates, no intervals; and 1
   and 2 threads give the same bits. */
static void test_too_few_resamples_and_threads(void **state)
{
    (void)state;
    double x[N * H * K];
    fill(x);
    const double R[NP] = {2, 5, 10, 20};
    double e1[K * NP], l1[K * NP], h1[K * NP], e2[K * NP], l2[K * NP], h2[K * NP];
    assert_int_equal(
        mr_exceedance(x, N, H, K, R, NP, 42, "t", MR_PAIRED_MIN_BOOT - 1, NULL, e1, l1, h1), 0);
    for (int q = 0; q < K * NP; q++)
        assert_true(isnan(l1[q]) && isnan(h1[q]) && (q % NP == NP - 1 || !isnan(e1[q])));
    omp_set_num_threads(1);
    assert_int_equal(mr_exceedance(x, N, H, K, R, NP, 7, "t", 300, NULL, e1, l1, h1), 0);
    omp_set_num_threads(2);
    assert_int_equal(mr_exceedance(x, N, H, K, R, NP, 7, "t", 300, NULL, e2, l2, h2), 0);
    assert_memory_equal(e1, e2, sizeof e1);
    assert_memory_equal(l1, l2, sizeof l1);
    assert_memory_equal(h1, h2, sizeof h1);
}

/* The interval's floor of 10 values beyond the level (docs/STUDIES.md):
   values 1 .. m, one a trial (H = 1), R = 100. Unweighted, m / R values
   lie beyond: m = 1000 gives 10, an interval; m = 999 gives 9.99, none.
   Weighted (all weights 1), the values above the estimate are counted:
   m = 1000, tail mass 10, estimate X_(990) = 990 with 10 above it, an
   interval; m = 900, estimate X_(891) = 891 with 9 above, none. */
static void test_ten_values_beyond(void **state)
{
    (void)state;
    enum { M = 1000 };
    double *x = malloc(M * sizeof *x), *w = malloc(M * sizeof *w);
    assert_non_null(x);
    assert_non_null(w);
    for (int i = 0; i < M; i++) {
        x[i] = (double)((i * 7) % M + 1); /* 1 .. M, scrambled */
        w[i] = 1.0;
    }
    const double R[1] = {100};
    double est, lo, hi;
    assert_int_equal(
        mr_exceedance(x, M, 1, 1, R, 1, 3, "t", MR_PAIRED_MIN_BOOT, NULL, &est, &lo, &hi), 0);
    assert_true(est == 990.0 && lo <= est && est <= hi);
    assert_int_equal(
        mr_exceedance(x, M - 1, 1, 1, R, 1, 3, "t", MR_PAIRED_MIN_BOOT, NULL, &est, &lo, &hi), 0);
    assert_true(!isnan(est) && isnan(lo) && isnan(hi));
    assert_int_equal(mr_exceedance_weighted(x, M, 1, 1, w, R, 1, 3, 50, NULL, &est, &lo, &hi), 0);
    assert_true(est == 990.0 && lo <= est && est <= hi);
    double *y = malloc(900 * sizeof *y);
    assert_non_null(y);
    for (int i = 0; i < 900; i++)
        y[i] = (double)((i * 7) % 900 + 1);
    assert_int_equal(mr_exceedance_weighted(y, 900, 1, 1, w, R, 1, 3, 50, NULL, &est, &lo, &hi), 0);
    assert_true(est == 891.0 && isnan(lo) && isnan(hi));
    free(x);
    free(w);
    free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_by_hand),
        cmocka_unit_test(test_weighted_estimate_by_hand),
        cmocka_unit_test(test_intervals_brute_force),
        cmocka_unit_test(test_too_few_resamples_and_threads),
        cmocka_unit_test(test_ten_values_beyond),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
