/* paired_statistics.c - paired statistics of two scenarios on common random
 * numbers (sim/studies/paired.h): hand-worked means and intervals, identical
 * inputs, the bootstrap against a brute-force resampling loop written out
 * here (every resample built, sorted with qsort and measured with the
 * stats.h estimators), the resample stream against rng.h, determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/studies/paired.h"
#include "sim/studies/exceedance.h"
#include "sim/rng.h"
#include "out/stats/stats.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static void assert_close(double got, double want, double rel)
{
    double tol = rel * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

/* n = 5: x = 1 2 3 4 5, y = 2 2 5 4 8, d = y - x = 1 0 2 0 3.
   mean x = 3, mean y = 4.2, mean d = 1.2;
   var x = 10/4 = 2.5; var y = (2.2^2 + 2.2^2 + 0.8^2 + 0.2^2 + 3.8^2)/4 = 24.8/4 = 6.2;
   var d = (0.2^2 + 1.2^2 + 0.8^2 + 1.2^2 + 1.8^2)/4 = 6.8/4 = 1.7;
   mean CI = 1.2 -+ 1.959963984540054 sqrt(1.7 / 5); vrf = (2.5 + 6.2)/1.7.
   VaR 95 and 99 are X_(5) (ceil(4.75) = ceil(4.95) = 5): 5 and 8; ES 99
   with k = 5 = n is X_(5) alone: 5 and 8. */
static void test_mean_interval_by_hand(void **state)
{
    (void)state;
    const double x[5] = {1, 2, 3, 4, 5}, y[5] = {2, 2, 5, 4, 8};
    mr_paired p;
    assert_int_equal(mr_paired_compute(x, y, 5, 1, NULL, NULL, 0, 0, 7, "t", 50, &p), 0);
    assert_close(p.a[MR_PAIRED_MEAN], 3.0, 1e-15);
    assert_close(p.b[MR_PAIRED_MEAN], 4.2, 1e-15);
    assert_close(p.diff[MR_PAIRED_MEAN].est, 1.2, 1e-15);
    double half = 1.959963984540054 * sqrt(0.34);
    assert_close(p.diff[MR_PAIRED_MEAN].lo, 1.2 - half, 1e-14);
    assert_close(p.diff[MR_PAIRED_MEAN].hi, 1.2 + half, 1e-14);
    assert_close(p.vrf, 8.7 / 1.7, 1e-14);
    assert_true(p.a[MR_PAIRED_VAR95] == 5.0 && p.b[MR_PAIRED_VAR95] == 8.0);
    assert_true(p.a[MR_PAIRED_VAR99] == 5.0 && p.b[MR_PAIRED_VAR99] == 8.0);
    assert_true(p.a[MR_PAIRED_ES99] == 5.0 && p.b[MR_PAIRED_ES99] == 8.0);
    assert_true(p.diff[MR_PAIRED_VAR95].est == 3.0 && p.diff[MR_PAIRED_ES99].est == 3.0);
    /* no annual losses given */
    assert_true(isnan(p.a[MR_PAIRED_ANNUAL100]) && isnan(p.diff[MR_PAIRED_ANNUAL100].est) &&
                isnan(p.diff[MR_PAIRED_ANNUAL100].lo));
    /* with n = 5 every statistic above is the maximum, so a resample's
       difference is max y* - max x* over the trials it drew; for every
       nonempty set of trials that is between 0 and 3 (enumerated by hand:
       {5} gives 3, {2} and {4} give 0, {3} gives 2, {3,4} gives 1, ...) */
    for (int s = MR_PAIRED_VAR95; s <= MR_PAIRED_ES99; s++) {
        double lo = p.diff[s].lo, hi = p.diff[s].hi;
        assert_true(lo >= 0.0 && lo <= hi && hi <= 3.0);
    }
}

/* The same trials times 2^600: the sds (about 2^600) have squares past
   DBL_MAX; the mean interval is the unscaled one times 2^600 and the
   variance reduction the unscaled one, exactly (both were inf or NaN). */
static void test_huge_losses_by_hand(void **state)
{
    (void)state;
    const double x[5] = {1, 2, 3, 4, 5}, y[5] = {2, 2, 5, 4, 8};
    double xb[5], yb[5];
    for (int i = 0; i < 5; i++)
        xb[i] = ldexp(x[i], 600), yb[i] = ldexp(y[i], 600);
    mr_paired p, q;
    assert_int_equal(mr_paired_compute(x, y, 5, 1, NULL, NULL, 0, 0, 7, "t", 50, &p), 0);
    assert_int_equal(mr_paired_compute(xb, yb, 5, 1, NULL, NULL, 0, 0, 7, "t", 50, &q), 0);
    assert_true(q.diff[MR_PAIRED_MEAN].lo == ldexp(p.diff[MR_PAIRED_MEAN].lo, 600));
    assert_true(q.diff[MR_PAIRED_MEAN].hi == ldexp(p.diff[MR_PAIRED_MEAN].hi, 600));
    assert_true(q.vrf == p.vrf);
    assert_close(q.vrf, 8.7 / 1.7, 1e-14);
}

/* A stride other than 1 reads every stride-th value. */
static void test_stride(void **state)
{
    (void)state;
    const double xy[10] = {1, 2, 2, 2, 3, 5, 4, 4, 5, 8}; /* x, y interleaved */
    mr_paired p;
    assert_int_equal(mr_paired_compute(xy, xy + 1, 5, 2, NULL, NULL, 0, 0, 7, "t", 0, &p), 0);
    assert_close(p.diff[MR_PAIRED_MEAN].est, 1.2, 1e-15);
    assert_close(p.vrf, 8.7 / 1.7, 1e-14);
    /* nboot = 0: no bootstrap intervals */
    assert_true(p.diff[MR_PAIRED_VAR95].est == 3.0 && isnan(p.diff[MR_PAIRED_VAR95].lo));
}

static void fill_losses(gsl_rng *r, double *v, size_t n, double zero_prob)
{
    for (size_t i = 0; i < n; i++)
        v[i] = gsl_rng_uniform(r) < zero_prob ? 0.0 : 1.0e6 * gsl_ran_lognormal(r, 0.0, 1.5);
}

/* x == y: every difference is 0, with zero-width intervals; the variance
   reduction is +inf (var(y - x) = 0 < var x + var y), and 1 when every
   loss is the same (0 / 0 by definition). */
static void test_identical_inputs_give_zero(void **state)
{
    (void)state;
    enum { N = 2000, H = 5 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *x = malloc(N * sizeof *x), *ax = malloc(N * H * sizeof *ax);
    fill_losses(r, ax, N * H, 0.6);
    for (size_t i = 0; i < N; i++) {
        x[i] = 0.0;
        for (size_t k = 0; k < H; k++)
            x[i] += ax[i * H + k];
    }
    mr_paired p;
    assert_int_equal(mr_paired_compute(x, x, N, 1, ax, ax, H, H, 11, "same", 200, &p), 0);
    for (int s = 0; s < MR_PAIRED_NSTAT; s++) {
        assert_true(p.diff[s].est == 0.0);
        assert_true(p.diff[s].lo == 0.0);
        assert_true(p.diff[s].hi == 0.0);
        assert_true(p.a[s] == p.b[s] && p.a[s] > 0.0);
    }
    assert_true(isinf(p.vrf) && p.vrf > 0);

    const double c[4] = {3, 3, 3, 3};
    assert_int_equal(mr_paired_compute(c, c, 4, 1, NULL, NULL, 0, 0, 11, "const", 20, &p), 0);
    assert_true(p.vrf == 1.0);
    assert_true(p.diff[MR_PAIRED_MEAN].lo == 0.0 && p.diff[MR_PAIRED_MEAN].hi == 0.0);
    free(x);
    free(ax);
    gsl_rng_free(r);
}

/* Lemire's draw written out again, on the gsl_rng of rng.h. */
static uint32_t lemire(gsl_rng *r, uint32_t n)
{
    for (;;) {
        uint64_t m = (uint64_t)(uint32_t)gsl_rng_get(r) * n;
        uint32_t low = (uint32_t)m;
        if (low >= (uint32_t)(0u - n) % n)
            return (uint32_t)(m >> 32);
    }
}

/* The resample counts are n uniform draws from the Philox stream
   (seed, "bootstrap/<label>", r) of rng.h: recomputed through gsl_rng. */
static void test_resample_counts_are_the_rng_stream(void **state)
{
    (void)state;
    const size_t sizes[3] = {1, 7, 1000};
    gsl_rng *g = gsl_rng_alloc(mr_rng_philox);
    for (int t = 0; t < 3; t++) {
        size_t n = sizes[t];
        uint32_t *c = malloc(n * sizeof *c), *want = calloc(n, sizeof *want);
        for (uint64_t rs = 0; rs < 5; rs++) {
            assert_int_equal(mr_paired_resample_counts(1234567890123ull, "total", rs, n, c), 0);
            memset(want, 0, n * sizeof *want);
            mr_rng_seek(g, 1234567890123ull, mr_hash64("bootstrap/total"), rs);
            for (size_t j = 0; j < n; j++)
                want[lemire(g, (uint32_t)n)]++;
            assert_memory_equal(c, want, n * sizeof *c);
            uint64_t sum = 0;
            for (size_t i = 0; i < n; i++)
                sum += c[i];
            assert_int_equal(sum, n);
        }
        free(c);
        free(want);
    }
    gsl_rng_free(g);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The statistics of one resample, brute force: the resampled values
   written out, qsorted, and measured with stats.h (VaR 95, VaR 99, ES 99,
   1-in-100 annual). */
static void brute_stats(const double *v, const double *av, size_t n, size_t years,
                        const uint32_t *counts, double out[4])
{
    double *s = malloc(n * sizeof *s), *as = malloc((n * years + 1) * sizeof *as);
    size_t j = 0, ja = 0;
    for (size_t i = 0; i < n; i++)
        for (uint32_t c = 0; c < counts[i]; c++) {
            s[j++] = v[i];
            for (size_t k = 0; k < years; k++)
                as[ja++] = av[i * years + k];
        }
    assert_int_equal(j, n);
    qsort(s, n, sizeof *s, cmp_double);
    qsort(as, ja, sizeof *as, cmp_double);
    out[0] = s[(size_t)ceil(0.95 * (double)n - 1e-9) - 1];
    out[1] = s[(size_t)ceil(0.99 * (double)n - 1e-9) - 1];
    out[2] = mr_stats_es_sorted(s, n, 0.99);
    out[3] = years ? as[(size_t)ceil(0.99 * (double)ja - 1e-9) - 1] : NAN;
    free(s);
    free(as);
}

/* Brute-force bootstrap of mr_paired_compute: every resample from
   mr_paired_resample_counts, its statistics from brute_stats, the interval
   from the sorted differences at ranks ceil(0.025 B) and ceil(0.975 B). */
static void check_against_brute_force(const double *x, const double *y, const double *ax,
                                      const double *ay, size_t n, size_t years, uint64_t seed,
                                      const char *label, int B, int *both_missing)
{
    mr_paired p;
    assert_int_equal(mr_paired_compute(x, y, n, 1, ax, ay, years, years, seed, label, B, &p), 0);
    double *d = malloc(4 * (size_t)B * sizeof *d);
    uint32_t *c = malloc(n * sizeof *c);
    *both_missing = 0;
    for (int r = 0; r < B; r++) {
        assert_int_equal(mr_paired_resample_counts(seed, label, (uint64_t)r, n, c), 0);
        *both_missing += c[0] == 0 && c[1] == 0;
        double sa[4], sb[4];
        brute_stats(x, ax, n, years, c, sa);
        brute_stats(y, ay, n, years, c, sb);
        for (int s = 0; s < 4; s++)
            d[(size_t)s * (size_t)B + (size_t)r] = sb[s] - sa[s];
    }
    const int lo = (int)ceil(0.025 * B - 1e-9) - 1, hi = (int)ceil(0.975 * B - 1e-9) - 1;
    for (int s = 0; s < 4; s++) {
        double *ds = d + (size_t)s * (size_t)B;
        qsort(ds, (size_t)B, sizeof *ds, cmp_double);
        const mr_ci *ci = &p.diff[MR_PAIRED_VAR95 + s];
        if (s == 2) { /* ES: sums in another order */
            assert_close(ci->lo, ds[lo], 1e-12);
            assert_close(ci->hi, ds[hi], 1e-12);
        } else {
            assert_true(ci->lo == ds[lo]);
            assert_true(ci->hi == ds[hi]);
        }
    }
    /* the point estimates are stats.h's on the whole samples, bit for bit */
    double *s = malloc(n * sizeof *s), *as = malloc(n * years * sizeof *as);
    const double *xy[2] = {x, y}, *axy[2] = {ax, ay};
    const double *est[2] = {p.a, p.b};
    for (int w = 0; w < 2; w++) {
        mr_stats_sort_copy(xy[w], n, 1, s);
        mr_stats_sort_copy(axy[w], n * years, 1, as);
        assert_true(est[w][MR_PAIRED_MEAN] == mr_stats_mean(xy[w], n));
        assert_true(est[w][MR_PAIRED_VAR95] == mr_stats_quantile_sorted(s, n, 0.95));
        assert_true(est[w][MR_PAIRED_VAR99] == mr_stats_quantile_sorted(s, n, 0.99));
        assert_true(est[w][MR_PAIRED_ES99] == mr_stats_es_sorted(s, n, 0.99));
        assert_true(est[w][MR_PAIRED_ANNUAL100] ==
                    mr_stats_return_period_sorted(as, n * years, 100.0));
    }
    for (int k = 0; k < MR_PAIRED_NSTAT; k++)
        assert_true(p.diff[k].est == p.b[k] - p.a[k]);
    free(s);
    free(as);
    free(d);
    free(c);
}

/* Correlated losses: y = 0.8 x plus noise, annual losses x's split over
   the years. Exercises the sorted-tail walk (n = 3000: only the top of
   each series is kept). */
static void test_bootstrap_equals_brute_force(void **state)
{
    (void)state;
    enum { N = 3000, H = 3, B = 120 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *ax = malloc(N * H * sizeof *ax), *ay = malloc(N * H * sizeof *ay);
    fill_losses(r, ax, N * H, 0.7);
    for (size_t i = 0; i < N; i++) {
        x[i] = y[i] = 0.0;
        for (size_t k = 0; k < H; k++) {
            ay[i * H + k] = 0.8 * ax[i * H + k] + (gsl_rng_uniform(r) < 0.1 ? 2.0e5 : 0.0);
            x[i] += ax[i * H + k];
            y[i] += ay[i * H + k];
        }
    }
    int missing;
    check_against_brute_force(x, y, ax, ay, N, H, 99, "brute", B, &missing);
    /* small samples: everything kept, and ties (many zero losses) */
    check_against_brute_force(x, y, ax, ay, 60, H, 3, "small", B, &missing);
    free(x);
    free(y);
    free(ax);
    free(ay);
    gsl_rng_free(r);
}

/* A resample that walks off the kept tail is computed in full: 12 trials
   of 500 years where trials 0 and 1 hold the 1000 largest annual losses
   (more than the tail keeps), so every resample that draws neither
   (probability (10/12)^12 = 11%) needs values below the tail. */
static void test_bootstrap_beyond_the_tail(void **state)
{
    (void)state;
    enum { N = 12, H = 500, B = 150 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *ax = malloc(N * H * sizeof *ax), *ay = malloc(N * H * sizeof *ay);
    for (size_t i = 0; i < N; i++) {
        x[i] = y[i] = 0.0;
        for (size_t k = 0; k < H; k++) {
            double base = i == 0 ? 1.0e9 : i == 1 ? 1.0e8 : 1.0e3 * (double)(i + 1);
            ax[i * H + k] = base + (double)k;
            ay[i * H + k] = 0.5 * base + (double)(k % 7);
            x[i] += ax[i * H + k];
            y[i] += ay[i * H + k];
        }
    }
    int missing;
    check_against_brute_force(x, y, ax, ay, N, H, 17, "beyond", B, &missing);
    assert_true(missing >= 3); /* the full computation was needed */
    free(x);
    free(y);
    free(ax);
    free(ay);
}

/* The same inputs give the same intervals bit for bit, for any thread
   count; another label draws other resamples; another seed too. */
static void test_deterministic_and_label_keyed(void **state)
{
    (void)state;
    enum { N = 5000, H = 4 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *ax = malloc(N * H * sizeof *ax), *ay = malloc(N * H * sizeof *ay);
    fill_losses(r, ax, N * H, 0.5);
    fill_losses(r, ay, N * H, 0.5);
    for (size_t i = 0; i < N; i++) {
        x[i] = ax[i * H] + ax[i * H + 1];
        y[i] = 0.5 * x[i] + ay[i * H];
    }
    mr_paired p1, p2, p3, p4;
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    assert_int_equal(mr_paired_compute(x, y, N, 1, ax, ay, H, H, 42, "a", 300, &p1), 0);
    omp_set_num_threads(3);
    assert_int_equal(mr_paired_compute(x, y, N, 1, ax, ay, H, H, 42, "a", 300, &p2), 0);
    omp_set_num_threads(saved);
    assert_memory_equal(&p1, &p2, sizeof p1);
    assert_int_equal(mr_paired_compute(x, y, N, 1, ax, ay, H, H, 42, "b", 300, &p3), 0);
    assert_int_equal(mr_paired_compute(x, y, N, 1, ax, ay, H, H, 43, "a", 300, &p4), 0);
    /* the estimates do not depend on the resamples, the intervals do */
    assert_true(p3.diff[MR_PAIRED_VAR95].est == p1.diff[MR_PAIRED_VAR95].est);
    assert_true(p3.diff[MR_PAIRED_MEAN].lo == p1.diff[MR_PAIRED_MEAN].lo);
    int differ3 = 0, differ4 = 0;
    for (int s = MR_PAIRED_VAR95; s < MR_PAIRED_NSTAT; s++) {
        differ3 += p3.diff[s].lo != p1.diff[s].lo || p3.diff[s].hi != p1.diff[s].hi;
        differ4 += p4.diff[s].lo != p1.diff[s].lo || p4.diff[s].hi != p1.diff[s].hi;
    }
    assert_true(differ3 > 0 && differ4 > 0);
    uint32_t *ca = malloc(N * sizeof *ca), *cb = malloc(N * sizeof *cb);
    mr_paired_resample_counts(42, "a", 0, N, ca);
    mr_paired_resample_counts(42, "b", 0, N, cb);
    assert_true(memcmp(ca, cb, N * sizeof *ca) != 0);
    free(ca);
    free(cb);
    free(x);
    free(y);
    free(ax);
    free(ay);
    gsl_rng_free(r);
}

/* mr_paired_compute_many reads annual losses in place ([trial][year][series])
   and gives each series exactly what mr_paired_compute gives it. */
static void test_many_equals_one_at_a_time(void **state)
{
    (void)state;
    enum { N = 1500, H = 3, S = 3 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 77);
    double *ann[2], *tot[2];
    for (int w = 0; w < 2; w++) {
        ann[w] = malloc(N * H * S * sizeof(double));
        tot[w] = malloc(N * S * sizeof(double));
        fill_losses(r, ann[w], N * H * S, 0.6);
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < S; j++) {
                tot[w][i * S + j] = 0.0;
                for (size_t k = 0; k < H; k++)
                    tot[w][i * S + j] += ann[w][(i * H + k) * S + j];
            }
    }
    mr_paired_series ser[S];
    for (size_t j = 0; j < S; j++)
        ser[j] = (mr_paired_series){tot[0] + j, tot[1] + j, S, ann[0] + j, ann[1] + j, H * S, S};
    mr_paired many[S];
    assert_int_equal(mr_paired_compute_many(ser, S, N, H, 5, "all", 100, many, NULL), 0);
    double *ax = malloc(N * H * sizeof *ax), *ay = malloc(N * H * sizeof *ay);
    for (size_t j = 0; j < S; j++) {
        for (size_t i = 0; i < N * H; i++) {
            ax[i] = ann[0][i * S + j];
            ay[i] = ann[1][i * S + j];
        }
        mr_paired one;
        assert_int_equal(
            mr_paired_compute(tot[0] + j, tot[1] + j, N, S, ax, ay, H, H, 5, "all", 100, &one), 0);
        assert_memory_equal(&one, &many[j], sizeof one);
    }
    free(ax);
    free(ay);
    for (int w = 0; w < 2; w++) {
        free(ann[w]);
        free(tot[w]);
    }
    gsl_rng_free(r);
}

/* Degenerate sizes: n = 0 gives NaN everywhere; n = 1 has no sd (NaN mean
   interval and vrf); fewer than 100 annual values give no annual loss. */
static void test_small_n(void **state)
{
    (void)state;
    const double x[3] = {1, 5, 2}, y[3] = {2, 5, 9}, a[6] = {1, 0, 5, 0, 2, 0};
    mr_paired p;
    assert_int_equal(mr_paired_compute(x, y, 0, 1, NULL, NULL, 0, 0, 1, "z", 10, &p), 0);
    for (int s = 0; s < MR_PAIRED_NSTAT; s++)
        assert_true(isnan(p.diff[s].est) && isnan(p.a[s]) && isnan(p.diff[s].lo));
    assert_true(isnan(p.vrf));
    assert_int_equal(mr_paired_compute(x, y, 1, 1, NULL, NULL, 0, 0, 1, "z", 10, &p), 0);
    assert_true(p.diff[MR_PAIRED_MEAN].est == 1.0 && isnan(p.diff[MR_PAIRED_MEAN].lo));
    assert_true(isnan(p.vrf));
    assert_true(p.diff[MR_PAIRED_VAR95].lo == 1.0 && p.diff[MR_PAIRED_VAR95].hi == 1.0);
    assert_int_equal(mr_paired_compute(x, y, 3, 1, a, a, 2, 2, 1, "z", 10, &p), 0);
    assert_true(isnan(p.diff[MR_PAIRED_ANNUAL100].est) && isnan(p.a[MR_PAIRED_ANNUAL100]));
    assert_string_equal(mr_paired_stat_names[MR_PAIRED_ANNUAL100], "annual_1in100");
}

/* The one-sample form (x NULL, summary_errors.h): the same as paired with
   an explicit series of zeros, bit for bit, without a tail of x; its
   1-in-100 interval is mr_exceedance's at R = 100 on the same resamples
   (what /summary and /loss_tables store). */
static void test_one_sample(void **state)
{
    (void)state;
    enum { N = 2500, H = 4, B = 200 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    double *y = malloc(N * sizeof *y), *ay = malloc(N * H * sizeof *ay);
    double *zx = calloc(N, sizeof *zx), *zax = calloc(N * H, sizeof *zax);
    fill_losses(r, ay, N * H, 0.7);
    for (size_t i = 0; i < N; i++) {
        y[i] = 0.0;
        for (size_t k = 0; k < H; k++)
            y[i] += ay[i * H + k];
    }
    mr_paired one, zero;
    assert_int_equal(mr_paired_compute(NULL, y, N, 1, NULL, ay, H, H, 42, "exceedance", B, &one),
                     0);
    assert_int_equal(mr_paired_compute(zx, y, N, 1, zax, ay, H, H, 42, "exceedance", B, &zero), 0);
    for (int k = 0; k < MR_PAIRED_NSTAT; k++) {
        assert_true(one.a[k] == 0.0);
        assert_true(one.b[k] == zero.b[k]);
        assert_true(one.diff[k].est == zero.diff[k].est);
        assert_true(one.diff[k].lo == zero.diff[k].lo);
        assert_true(one.diff[k].hi == zero.diff[k].hi);
        assert_true(isfinite(one.diff[k].lo) && one.diff[k].lo <= one.diff[k].hi);
    }
    double period = 100.0, est, lo, hi;
    assert_int_equal(
        mr_exceedance(ay, N, H, 1, &period, 1, 42, "exceedance", B, NULL, &est, &lo, &hi), 0);
    assert_true(est == one.diff[MR_PAIRED_ANNUAL100].est);
    assert_true(lo == one.diff[MR_PAIRED_ANNUAL100].lo);
    assert_true(hi == one.diff[MR_PAIRED_ANNUAL100].hi);
    free(y);
    free(ay);
    free(zx);
    free(zax);
    gsl_rng_free(r);
}

/* The top c values of v[i * per + k] (trial i, k < per) in ascending
   (mr_stats_key, trial) order, written out here with qsort. */
typedef struct {
    uint64_t key;
    uint32_t trial;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->trial > y->trial) - (x->trial < y->trial);
}

static mr_paired_tail top_of(const double *v, size_t n, size_t per, size_t c, double *val,
                             uint32_t *trial)
{
    keyed *all = malloc(n * per * sizeof *all);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < per; k++)
            all[i * per + k] = (keyed){mr_stats_key(v[i * per + k]), (uint32_t)i};
    qsort(all, n * per, sizeof *all, cmp_keyed);
    for (size_t j = 0; j < c; j++) {
        val[j] = mr_stats_key_value(all[n * per - c + j].key);
        trial[j] = all[n * per - c + j].trial;
    }
    free(all);
    return (mr_paired_tail){val, trial, c, n * per, c};
}

/* mr_paired_compute_tails on the top tails of series (ties: losses rounded
   to 10^5 and 60% zeros) gives the one-sample mr_paired_compute_many's
   ES 99, VaR 99 and 1-in-100 estimates and intervals bit for bit, with
   mr_paired_tail_size's tails and with whole series; a series without an
   annual tail has none. A tail that just reaches ES 99's rank keeps the
   estimate, but resamples walk below it: those intervals are NaN and
   counted; one value shorter, the estimate is NaN too. */
static void test_tails_equal_whole_series(void **state)
{
    (void)state;
    enum { N = 3000, H = 4, B = 150 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    double *y = malloc(N * sizeof *y), *ay = malloc(N * H * sizeof *ay);
    fill_losses(r, ay, N * H, 0.6);
    for (size_t i = 0; i < N; i++) {
        y[i] = 0.0;
        for (size_t k = 0; k < H; k++) {
            ay[i * H + k] = 1.0e5 * round(ay[i * H + k] / 1.0e5);
            y[i] += ay[i * H + k];
        }
    }
    mr_paired_series ser[2] = {{NULL, y, 1, NULL, ay, H, 1}, {NULL, y, 1, NULL, NULL, 0, 0}};
    mr_paired whole[2];
    assert_int_equal(mr_paired_compute_many(ser, 2, N, H, 9, "tails", B, whole, NULL), 0);
    const size_t k99 = mr_stats_rank(N, 0.99), ka = mr_stats_rank(N * H, 0.99);
    const size_t sizes[2][2] = {
        {mr_paired_tail_size(N, N - k99 + 1, 1), mr_paired_tail_size(N * H, N * H - ka + 1, H)},
        {N, N * H}};
    assert_true(sizes[0][0] < N / 10 && sizes[0][1] < N * H / 10); /* tails, not the series */
    double *val = malloc(3 * N * H * sizeof *val);
    uint32_t *tr = malloc(3 * N * H * sizeof *tr);
    for (int z = 0; z < 2; z++) {
        mr_paired_tail loss[2], ann[2];
        loss[0] = top_of(y, N, 1, sizes[z][0], val, tr);
        loss[1] = top_of(y, N, 1, sizes[z][0], val + N + N * H, tr + N + N * H);
        ann[0] = top_of(ay, N, H, sizes[z][1], val + N, tr + N);
        ann[1] = (mr_paired_tail){NULL, NULL, 0, 0, 0};
        mr_paired got[2];
        size_t short_ci = 99;
        assert_int_equal(
            mr_paired_compute_tails(loss, ann, 2, N, H, 9, "tails", B, got, &short_ci, NULL), 0);
        assert_int_equal(short_ci, 0);
        const int stats[3] = {MR_PAIRED_VAR99, MR_PAIRED_ES99, MR_PAIRED_ANNUAL100};
        for (int q = 0; q < 2; q++)
            for (int k = 0; k < 3; k++) {
                const mr_ci *a = &got[q].diff[stats[k]], *b = &whole[q].diff[stats[k]];
                if (q == 1 && stats[k] == MR_PAIRED_ANNUAL100) {
                    assert_true(isnan(a->est) && isnan(b->est) && isnan(a->lo) && isnan(a->hi));
                    continue;
                }
                assert_true(isfinite(a->lo) && a->lo < a->hi);
                assert_memory_equal(a, b, sizeof *a);
            }
        assert_true(isnan(got[0].diff[MR_PAIRED_MEAN].est) &&
                    isnan(got[0].diff[MR_PAIRED_VAR95].lo));
    }
    /* too short */
    mr_paired_tail loss = top_of(y, N, 1, N - k99 + 1, val, tr);
    mr_paired got;
    size_t short_ci = 0;
    assert_int_equal(
        mr_paired_compute_tails(&loss, NULL, 1, N, H, 9, "tails", B, &got, &short_ci, NULL), 0);
    assert_true(got.diff[MR_PAIRED_ES99].est == whole[0].diff[MR_PAIRED_ES99].est);
    assert_true(isnan(got.diff[MR_PAIRED_ES99].lo) && isnan(got.diff[MR_PAIRED_ES99].hi));
    assert_int_equal(short_ci, 2); /* VaR 99 and ES 99 */
    loss = top_of(y, N, 1, N - k99, val, tr);
    assert_int_equal(
        mr_paired_compute_tails(&loss, NULL, 1, N, H, 9, "tails", B, &got, &short_ci, NULL), 0);
    assert_true(isnan(got.diff[MR_PAIRED_ES99].est) && isnan(got.diff[MR_PAIRED_ES99].lo));
    /* a trial out of range */
    tr[0] = N;
    loss = (mr_paired_tail){val, tr, 5, N, 5};
    assert_int_equal(
        mr_paired_compute_tails(&loss, NULL, 1, N, H, 9, "tails", B, &got, &short_ci, NULL), -1);
    free(val);
    free(tr);
    free(y);
    free(ay);
    gsl_rng_free(r);
}

/* An annual tail given as values only from the 1-in-100 loss's rank down,
   less its margin (mr_paired_tail_values), the top values' trials alone and
   in any order (reversed here): the estimate and interval of the whole
   series, bit for bit. Values only from one above the estimate's rank:
   the estimate stays, but resamples whose statistic lies above it cannot
   be computed (NaN interval, counted); from the estimate's rank on only:
   NaN. A loss tail with fewer values than trials is refused (ES 99 sums
   them). N = 40,000, H = 4: rank ceil(0.99 x 160,000) = 158,400, depth
   1,601, margin 12 sqrt(4 x 1,602) + 64 = 1,024.6, so floor(2,625.6) =
   2,625 kept, of which all but the top floor(576.4) = 576 as values. */
static void test_annual_values_window(void **state)
{
    (void)state;
    enum { N = 40000, H = 4, B = 150 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    double *y = malloc(N * sizeof *y), *ay = malloc(N * H * sizeof *ay);
    fill_losses(r, ay, N * H, 0.6);
    for (size_t i = 0; i < N; i++) {
        y[i] = 0.0;
        for (size_t k = 0; k < H; k++)
            y[i] += ay[i * H + k];
    }
    mr_paired_series ser = {NULL, y, 1, NULL, ay, H, 1};
    mr_paired whole;
    assert_int_equal(mr_paired_compute_many(&ser, 1, N, H, 3, "window", B, &whole, NULL), 0);
    const size_t m = (size_t)N * H, ka = mr_stats_rank(m, 0.99), depth = m - ka + 1;
    const size_t k99 = mr_stats_rank(N, 0.99);
    const size_t cl = mr_paired_tail_size(N, N - k99 + 1, 1);
    const size_t ca = mr_paired_tail_size(m, depth, H), nv = mr_paired_tail_values(m, depth, H);
    assert_int_equal(depth, 1601);
    assert_int_equal(ca, 2625);
    assert_int_equal(nv, 2049);
    double *val = malloc((cl + ca) * sizeof *val);
    uint32_t *tr = malloc((cl + ca) * sizeof *tr);
    const size_t nvs[3] = {nv, ca - depth + 1, ca - depth};
    for (int z = 0; z < 3; z++) {
        mr_paired_tail loss = top_of(y, N, 1, cl, val, tr);
        mr_paired_tail ann = top_of(ay, N, H, ca, val + cl, tr + cl);
        ann.nv = nvs[z];
        for (size_t a = nvs[z], b = ca - 1; a < b; a++, b--) { /* the top's order: any */
            uint32_t t = ann.trial[a];
            ann.trial[a] = ann.trial[b];
            ann.trial[b] = t;
        }
        mr_paired got;
        size_t short_ci = 99;
        assert_int_equal(
            mr_paired_compute_tails(&loss, &ann, 1, N, H, 3, "window", B, &got, &short_ci, NULL),
            0);
        const mr_ci *a = &got.diff[MR_PAIRED_ANNUAL100], *b = &whole.diff[MR_PAIRED_ANNUAL100];
        assert_memory_equal(&got.diff[MR_PAIRED_ES99], &whole.diff[MR_PAIRED_ES99], sizeof *a);
        if (z == 0) {
            assert_int_equal(short_ci, 0);
            assert_true(isfinite(a->lo) && a->lo < a->hi);
            assert_memory_equal(a, b, sizeof *a);
        } else if (z == 1) {
            assert_int_equal(short_ci, 1);
            assert_true(a->est == b->est && isnan(a->lo) && isnan(a->hi));
        } else {
            assert_true(isnan(a->est) && isnan(a->lo));
        }
    }
    mr_paired_tail loss = top_of(y, N, 1, cl, val, tr);
    loss.nv = cl - 1;
    mr_paired got;
    size_t short_ci = 0;
    assert_int_equal(
        mr_paired_compute_tails(&loss, NULL, 1, N, H, 3, "window", B, &got, &short_ci, NULL), -1);
    free(val);
    free(tr);
    free(y);
    free(ay);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_interval_by_hand),
        cmocka_unit_test(test_huge_losses_by_hand),
        cmocka_unit_test(test_stride),
        cmocka_unit_test(test_identical_inputs_give_zero),
        cmocka_unit_test(test_resample_counts_are_the_rng_stream),
        cmocka_unit_test(test_bootstrap_equals_brute_force),
        cmocka_unit_test(test_one_sample),
        cmocka_unit_test(test_tails_equal_whole_series),
        cmocka_unit_test(test_annual_values_window),
        cmocka_unit_test(test_bootstrap_beyond_the_tail),
        cmocka_unit_test(test_deterministic_and_label_keyed),
        cmocka_unit_test(test_many_equals_one_at_a_time),
        cmocka_unit_test(test_small_n),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
