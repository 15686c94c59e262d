/* regime_process.c - a country's tension regime (docs/MODEL.md §3r,
 * models/regime.h) and the events it scales
 * (models/disruption.h: mr_disruption_next_piecewise).
 *
 * (a) the stationary share and the rate factors by hand; (b) sampled paths
 * against the chain's stationary share, mean sojourns and stationary start;
 * (c) an event under the regime: its long-run rate is its rate_per_year,
 * and its rate when tense over its rate when calm is the multiplier. The
 * statistical checks allow 4 standard errors, computed from the samples
 * themselves, with fixed Philox streams (so each run draws the same
 * numbers).
 *
 * The regime of every check: calm 96 months, tense 24, multiplier 4, so
 * pi_1 = 24 / 120 = 0.2, E[m] = 0.8 x 1 + 0.2 x 4 = 1.6 and the rate factors
 * are 1 / 1.6 = 0.625 (calm) and 4 / 1.6 = 2.5 (tense).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/disruption.h"
#include "models/regime.h"
#include "sim/rng.h"

#include <math.h>
#include <stdlib.h>

#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

#define SEED 20240601u
#define NPATHS 2000
#define HORIZON 1000.0  /* years a path */
#define SWITCH_MAX 5000 /* about 200 switches a path are expected */

static const mr_regime REGIME = {
    .tense_multiplier = 4.0, .calm_months = 96.0, .tense_months = 24.0};

/* |got - want| within k standard errors; the message says by how many. */
static void assert_within_se(const char *what, double got, double want, double se, double k)
{
    assert_true(se > 0.0 && isfinite(se));
    if (!(fabs(got - want) <= k * se))
        fail_msg("%s: %.6g, expected %.6g: %.2f standard errors (%.3g) away, above %g", what, got,
                 want, (got - want) / se, se, k);
}

/* Mean and standard error of the mean of x[0 .. n-1]. */
static void mean_se(const double *x, int n, double *mean, double *se)
{
    double s = 0.0, ss = 0.0;
    for (int i = 0; i < n; i++)
        s += x[i];
    double m = s / n;
    for (int i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *se = sqrt(ss / (n - 1) / n);
}

/* --- (a) by hand --- */

static void test_shares_and_factors_by_hand(void **state)
{
    (void)state;
    assert_close(mr_regime_tense_share(&REGIME), 0.2, 1e-15);
    assert_close(mr_regime_rate_factor(&REGIME, 0), 0.625, 1e-15);
    assert_close(mr_regime_rate_factor(&REGIME, 1), 2.5, 1e-15);
    /* the long-run mean of the factor is 1: 0.8 x 0.625 + 0.2 x 2.5 */
    assert_close(0.8 * mr_regime_rate_factor(&REGIME, 0) + 0.2 * mr_regime_rate_factor(&REGIME, 1),
                 1.0, 1e-15);
    /* multiplier 1: no regime at all, whatever the periods */
    const mr_regime flat = {1.0, 30.0, 10.0};
    assert_close(mr_regime_tense_share(&flat), 0.25, 1e-15);
    assert_close(mr_regime_rate_factor(&flat, 0), 1.0, 1e-15);
    assert_close(mr_regime_rate_factor(&flat, 1), 1.0, 1e-15);
    /* equal periods, multiplier 3: pi_1 = 0.5, E[m] = 2, factors 0.5 and 1.5 */
    const mr_regime even = {3.0, 12.0, 12.0};
    assert_close(mr_regime_tense_share(&even), 0.5, 1e-15);
    assert_close(mr_regime_rate_factor(&even, 0), 0.5, 1e-15);
    assert_close(mr_regime_rate_factor(&even, 1), 1.5, 1e-15);
}

/* --- (b) sampled paths --- */

/* Path i of REGIME on [0, HORIZON): its state at 0 and its switch times. */
static int sample_path(gsl_rng *r, int i, double *sw, int *s0)
{
    mr_rng_seek(r, SEED, mr_hash64("regime/test"), (uint64_t)i);
    int n = mr_regime_path(&REGIME, HORIZON, r, sw, SWITCH_MAX, s0);
    assert_true(n >= 0 && n < SWITCH_MAX); /* never cut: the last state is a real one */
    for (int k = 0; k < n; k++)
        assert_true(sw[k] > (k ? sw[k - 1] : 0.0) && sw[k] < HORIZON);
    return n;
}

static void test_paths_share_sojourns_and_start(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(mr_rng_philox);
    double *sw = malloc(SWITCH_MAX * sizeof *sw);
    double *frac = malloc(NPATHS * sizeof *frac);
    double *start = malloc(NPATHS * sizeof *start);
    assert_true(r && sw && frac && start);
    /* Sojourns, months: not the first of a path, and only those that start
       before HORIZON - CUT, so that all of them end within the path (a
       calm period of CUT years has probability exp(-25)). Which ones count
       then depends only on the sojourns before them, never on their own
       length. Keeping every complete sojourn instead would leave out the
       one cut at the horizon, which is length-biased: the mean calm period
       would come out low by about 96 x 0.8 / 100 = 0.77 months (a path has
       about 100 calm periods), 3.6 of its standard errors. */
    const double CUT = 200.0;
    double sum[2] = {0, 0}, sumsq[2] = {0, 0};
    double count[2] = {0, 0};
    for (int i = 0; i < NPATHS; i++) {
        int s0, n = sample_path(r, i, sw, &s0);
        double tense = 0.0;
        for (int k = 0; k <= n; k++) {
            double a = k ? sw[k - 1] : 0.0, b = k < n ? sw[k] : HORIZON;
            int s = (s0 + k) % 2;
            if (s)
                tense += b - a;
            if (a < HORIZON - CUT)
                assert_true(k < n); /* it ends before the horizon */
            if (k > 0 && a < HORIZON - CUT) {
                double months = (b - a) * 12.0;
                sum[s] += months;
                sumsq[s] += months * months;
                count[s]++;
            }
        }
        frac[i] = tense / HORIZON;
        start[i] = s0;
    }
    double m, se;
    mean_se(frac, NPATHS, &m, &se);
    assert_within_se("share of time tense", m, 0.2, se, 4.0);
    mean_se(start, NPATHS, &m, &se);
    assert_within_se("share of paths starting tense", m, 0.2, se, 4.0);
    static const double want[2] = {96.0, 24.0};
    static const char *const name[2] = {"mean calm period, months", "mean tense period, months"};
    for (int s = 0; s < 2; s++) {
        assert_true(count[s] > 100000); /* about 80 a path */
        double mean = sum[s] / count[s];
        double var = (sumsq[s] - count[s] * mean * mean) / (count[s] - 1);
        assert_within_se(name[s], mean, want[s], sqrt(var / count[s]), 4.0);
    }
    free(start);
    free(frac);
    free(sw);
    gsl_rng_free(r);
}

/* --- (c) an event under the regime --- */

static void test_event_rate_under_the_regime(void **state)
{
    (void)state;
    const mr_process ev = {
        .rate_per_year = 0.1, .severity = {MR_SEV_FIXED, 0.5, 0}, .duration = {MR_DUR_FIXED, 6, 0}};
    gsl_rng *r = gsl_rng_alloc(mr_rng_philox), *g = gsl_rng_alloc(mr_rng_philox);
    double *sw = malloc(SWITCH_MAX * sizeof *sw);
    double *ends = malloc((SWITCH_MAX + 1) * sizeof *ends);
    double *factor = malloc((SWITCH_MAX + 1) * sizeof *factor);
    double *per_year = malloc(NPATHS * sizeof *per_year);
    assert_true(r && g && sw && ends && factor && per_year);
    double count[2] = {0, 0}, time[2] = {0, 0}; /* occurrences and years, calm and tense */
    for (int i = 0; i < NPATHS; i++) {
        int s0, n = sample_path(r, i, sw, &s0);
        int nseg = n + 1;
        for (int k = 0; k < nseg; k++) {
            ends[k] = k < n ? sw[k] : HORIZON;
            factor[k] = mr_regime_rate_factor(&REGIME, (s0 + k) % 2);
            time[(s0 + k) % 2] += ends[k] - (k ? ends[k - 1] : 0.0);
        }
        mr_rng_seek(g, SEED, mr_hash64("event/test"), (uint64_t)i);
        double clock = 0.0, last = 0.0;
        int seg = 0, occurrences = 0;
        mr_occurrence o;
        while (mr_disruption_next_piecewise(&ev, nseg, ends, factor, g, &clock, &seg, &o)) {
            /* in order, inside the segment it reports, with the process's marks */
            assert_true(o.start_years >= last && o.start_years < HORIZON);
            assert_true(seg < nseg && o.start_years < ends[seg]);
            assert_true(o.start_years >= (seg ? ends[seg - 1] : 0.0));
            assert_true(o.severity == 0.5 && o.duration_months == 6);
            last = o.start_years;
            count[(s0 + seg) % 2]++;
            occurrences++;
        }
        assert_int_equal(seg, nseg); /* it ends having left the horizon */
        per_year[i] = occurrences / HORIZON;
    }
    double m, se;
    mean_se(per_year, NPATHS, &m, &se);
    assert_within_se("long-run occurrences a year", m, 0.1, se, 4.0);
    /* given the paths, the counts are Poisson: the ratio's relative
       standard error is sqrt(1/N_tense + 1/N_calm) */
    assert_true(count[0] > 10000 && count[1] > 10000);
    double ratio = (count[1] / time[1]) / (count[0] / time[0]);
    assert_within_se("rate when tense over rate when calm", ratio, 4.0,
                     ratio * sqrt(1.0 / count[1] + 1.0 / count[0]), 4.0);
    free(per_year);
    free(factor);
    free(ends);
    free(sw);
    gsl_rng_free(g);
    gsl_rng_free(r);
}

/* Segments by hand: rate factor 0 on [0, 5), 1 on [5, 10): every occurrence
   starts in [5, 10); a process of rate 0 never occurs. */
static void test_piecewise_segments(void **state)
{
    (void)state;
    const mr_process ev = {
        .rate_per_year = 2.0, .severity = {MR_SEV_FIXED, 1, 0}, .duration = {MR_DUR_FIXED, 1, 0}};
    const double ends[] = {5.0, 10.0}, factor[] = {0.0, 1.0};
    gsl_rng *g = gsl_rng_alloc(mr_rng_philox);
    assert_non_null(g);
    int total = 0;
    for (int i = 0; i < 200; i++) {
        mr_rng_seek(g, SEED, mr_hash64("event/segments"), (uint64_t)i);
        double clock = 0.0;
        int seg = 0;
        mr_occurrence o;
        while (mr_disruption_next_piecewise(&ev, 2, ends, factor, g, &clock, &seg, &o)) {
            assert_true(o.start_years >= 5.0 && o.start_years < 10.0);
            assert_int_equal(seg, 1);
            total++;
        }
    }
    /* 200 paths x 2 a year x 5 years = 2000 expected; Poisson sd about 45 */
    assert_true(total > 2000 - 4 * 45 && total < 2000 + 4 * 45);
    const mr_process never = {.rate_per_year = 0.0};
    double clock = 0.0;
    int seg = 0;
    mr_occurrence o;
    assert_int_equal(mr_disruption_next_piecewise(&never, 2, ends, factor, g, &clock, &seg, &o), 0);
    gsl_rng_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shares_and_factors_by_hand),
        cmocka_unit_test(test_paths_share_sojourns_and_start),
        cmocka_unit_test(test_event_rate_under_the_regime),
        cmocka_unit_test(test_piecewise_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
