/* importance_focus.c - the year-focused mixture tilt (docs/MODEL.md §12i,
 * "A year focus").
 *
 * - mr_focus_log_weight on hand cases: H = 2, alpha = 1/4, one process with
 *   f = 2, lambda = 1/2, one occurrence in year 0, none in year 1, exposure
 *   1 a year: ly = (log 2 - 1/2, -1/2), so
 *       w = 1 / (1/4 + (3/4)(1/2)(2 e^-1/2 + e^-1/2)) = 1 / (1/4 + 1.125 e^-1/2)
 *         = 1 / (0.25 + 0.6823469921767126) = 1.0725620486696061;
 *   H = 3, alpha = 0, ly = (0, log 2, log 4): w = 1 / (7/3) = 3/7;
 *   H = 1, alpha = 0: w = exp(-ly), the horizon tilt's form;
 *   alpha = 0.2, ly = (-800, -800) (exp underflows): w = 1 / alpha = 5;
 *   ly = (800, 800) (exp overflows): log w = -(800 + log 0.8)
 *   = -799.7768564486857, finite (log-sum-exp).
 * - the engine on tests/studies/importance/binomial.yaml (H = 5), supplier
 *   A x2.5 and B x0.5 in a focus window of 2 years, alpha = 0.2, 200,000
 *   trials: every weight is in (0, 1 / alpha]; it equals the mixture
 *   1 / (alpha + (1 - alpha)/H sum_y prod_p f_p^N_pW(y) e^-(f_p - 1)
 *   lambda_p E_pW(y)) recomputed here from the trial's per-year counts and
 *   exposures (W(y) = {y-1, y}, relative 1e-12); and the mean weight is 1
 *   within 3 of its standard errors (E_q[w] = 1).
 * - over a tension regime (tests/studies/importance/regime.yaml: event
 *   a-shock of country A, rate 1.2 a year in the long run, 4 times as
 *   high in tense periods of 8 months on average against 16 calm), the
 *   event x3 and supplier A x2, focus window 2, alpha = 0.1, 200,000
 *   trials: weights in (0, 10]; the weighted means of w, of the event's
 *   exposure in year 2 and of its occurrences in year 2 are E_P of them,
 *   1, 1 and 1.2 (the regime starts in its long-run law, so a year's
 *   expected exposure is 1), each within 3 standard errors: the pieces
 *   of the regime's segments inside and outside the window are drawn at
 *   the rates the weight assumes.
 * - the horizon tilt over the same regime (event x1.5, supplier A x0.8):
 *   every weight is prod_p f_p^-N_p exp((f_p - 1) lambda_p E_p) (relative
 *   1e-12), and the weighted means of w and of the occurrences of the
 *   event and of supplier A are 1, 6 and 7.5 within 3 standard errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "out/stats/wstats.h"
#include "sim/engine.h"
#include "sim/importance.h"
#include "sim/minrisk.h"
#include "sim/trial.h"
#include "sim/scenario/loader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void test_hand_weights(void **state)
{
    (void)state;
    const double a[2] = {log(2.0) - 0.5, -0.5};
    double lw = mr_focus_log_weight(2, 0.25, a);
    assert_true(fabs(exp(lw) - 1.0725620486696061) <= 1e-15 * 1.0725620486696061);
    assert_true(fabs(lw - 0.07005022438393806) <= 1e-14);
    const double b[3] = {0.0, log(2.0), log(4.0)};
    assert_true(fabs(exp(mr_focus_log_weight(3, 0.0, b)) - 3.0 / 7.0) <= 1e-15);
    const double c[1] = {1.25};
    assert_true(fabs(mr_focus_log_weight(1, 0.0, c) + 1.25) <= 1e-15);
    const double lo[2] = {-800.0, -800.0}, hi[2] = {800.0, 800.0};
    assert_true(fabs(exp(mr_focus_log_weight(2, 0.2, lo)) - 5.0) <= 1e-14);
    lw = mr_focus_log_weight(2, 0.2, hi);
    assert_true(isfinite(lw) && fabs(lw + 799.7768564486857) <= 1e-12);
}

#define NTRIALS 200000
#define H 5
#define K 2
#define ALPHA 0.2

static void test_engine_mixture_weights(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_scenario_load(MINRISK_SOURCE_DIR "/tests/studies/importance/binomial.yaml", &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.horizon_years, H);
    sc.trials = NTRIALS;
    sc.importance.present = 1;
    sc.importance.focus = MR_FOCUS_YEAR;
    sc.importance.focus_years = K;
    sc.importance.defensive = ALPHA;
    sc.importance.defensive_set = 1;
    assert_int_equal(mr_importance_add_rate(&sc.importance, "supplier/x/mining/A", 2.5, 0, 0), 0);
    assert_int_equal(mr_importance_add_rate(&sc.importance, "supplier/x/mining/B", 0.5, 0, 0), 0);
    mr_engine_opts opts = {.threads = 2, .progress = false, .tilt_counts = true};
    mr_results res;
    mr_run_info info;
    if (mr_engine_run(&sc, &opts, &res, &info, &err))
        fail_msg("engine: %s", err.msg);
    const size_t N = (size_t)res.ntrials;
    assert_int_equal(res.ntilt, 2);
    assert_int_equal(res.tilt_years, H);
    const double f[2] = {2.5, 0.5}, lam[2] = {1.5, 0.8};
    double worst = 0.0;
    size_t bad = 0;
    for (size_t i = 0; i < N; i++) {
        double w = res.weight[i];
        bad += !(w > 0.0 && w <= 1.0 / ALPHA);
        double s = 0.0;
        for (int y = 0; y < H; y++) {
            double r = 1.0;
            for (int p = 0; p < 2; p++)
                for (int v = y - K + 1 < 0 ? 0 : y - K + 1; v <= y; v++) {
                    double n = res.tilt_count[(i * 2 + (size_t)p) * H + (size_t)v];
                    double e = res.tilt_expo[(i * 2 + (size_t)p) * H + (size_t)v];
                    assert_true(e == 1.0); /* no regime: a year's exposure is 1 */
                    r *= pow(f[p], n) * exp(-(f[p] - 1.0) * lam[p] * e);
                }
            s += r;
        }
        double want = 1.0 / (ALPHA + (1.0 - ALPHA) / H * s);
        double d = fabs(w / want - 1.0);
        worst = d > worst ? d : worst;
    }
    assert_true(bad == 0);
    print_message("largest relative difference from the mixture: %.3g\n", worst);
    assert_true(worst <= 1e-12);
    double m, se;
    mr_wstats_moments(res.weight, NULL, N, MR_BLOCK_TRIALS, &m, NULL, &se);
    print_message("mean weight %.5f +- %.5f (se)\n", m, se);
    assert_true(fabs(m - 1.0) <= 3.0 * se);
    assert_true(se < 0.01); /* the check has power */
    mr_results_free(&res);
    mr_scenario_free(&sc);
}

/* The means of w, g1 and g2 (g = w times a trial's figure) over N trials
   are want[0 .. 2] within 3 of their standard errors, each below 2% of
   its target (the check has power). */
static void check_means(const double *w, const double *g1, const double *g2, size_t N,
                        const double want[3])
{
    const double *g[3] = {w, g1, g2};
    for (int k = 0; k < 3; k++) {
        double m, se;
        mr_wstats_moments(g[k], NULL, N, MR_BLOCK_TRIALS, &m, NULL, &se);
        print_message("E_q[w g] %d: %.5f +- %.5f (want %g)\n", k, m, se, want[k]);
        assert_true(fabs(m - want[k]) <= 3.0 * se);
        assert_true(se < 0.02 * want[k]);
    }
}

/* NTRIALS trials of regime.yaml with event/a-shock x fe and supplier A x
   fa, in a year focus of K years with alpha 0.1 (focus) or over the whole
   horizon; the counts and exposures kept. */
static void run_regime(mr_scenario *sc, mr_results *res, int focus, double fe, double fa)
{
    mr_error err = {{0}};
    if (mr_scenario_load(MINRISK_SOURCE_DIR "/tests/studies/importance/regime.yaml", sc, &err))
        fail_msg("%s", err.msg);
    sc->trials = NTRIALS;
    sc->importance.present = 1;
    if (focus) {
        sc->importance.focus = MR_FOCUS_YEAR;
        sc->importance.focus_years = K;
        sc->importance.defensive = 0.1;
        sc->importance.defensive_set = 1;
    }
    assert_int_equal(mr_importance_add_rate(&sc->importance, "event/a-shock", fe, 0, 0), 0);
    assert_int_equal(mr_importance_add_rate(&sc->importance, "supplier/x/mining/A", fa, 0, 0), 0);
    mr_engine_opts opts = {.threads = 2, .progress = false, .tilt_counts = true};
    mr_run_info info;
    if (mr_engine_run(sc, &opts, res, &info, &err))
        fail_msg("engine: %s", err.msg);
}

static void test_regime_segments(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_results res;
    run_regime(&sc, &res, 1, 3.0, 2.0);
    const size_t N = (size_t)res.ntrials, P = 3, ev = 2, y = 2;
    assert_int_equal(res.ntilt, (int)P);
    double *we = malloc(N * sizeof *we), *wn = malloc(N * sizeof *wn);
    assert_non_null(we);
    assert_non_null(wn);
    size_t bad = 0;
    for (size_t i = 0; i < N; i++) {
        bad += !(res.weight[i] > 0.0 && res.weight[i] <= 10.0);
        we[i] = res.weight[i] * res.tilt_expo[(i * P + ev) * H + y];
        wn[i] = res.weight[i] * res.tilt_count[(i * P + ev) * H + y];
    }
    assert_true(bad == 0);
    const double want[3] = {1.0, 1.0, 1.2};
    check_means(res.weight, we, wn, N, want);
    free(we);
    free(wn);
    mr_results_free(&res);
    mr_scenario_free(&sc);
}

/* The horizon tilt over the same regime (no year focus): every weight is
   prod_p f_p^-N_p exp((f_p - 1) lambda_p E_p), E_p the regime's exposure
   over the horizon (H without a regime), relative 1e-12; and, independent
   of how the engine computes N and E, the weighted means of w, of the
   event's occurrences and of supplier A's are E_P of them: 1, 1.2 x 5 = 6
   and 1.5 x 5 = 7.5 (the regime starts in its long-run law), each within
   3 standard errors. Factors 1.5 and 0.8 keep E'[w^2] near e^1.4. */
static void test_regime_horizon(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_results res;
    run_regime(&sc, &res, 0, 1.5, 0.8);
    const size_t N = (size_t)res.ntrials, P = 3, A = 0, B = 1, ev = 2;
    assert_int_equal(res.ntilt, (int)P);
    assert_int_equal(res.tilt_years, 1);
    const double f[3] = {0.8, 1.0, 1.5}, lam[3] = {1.5, 0.8, 1.2};
    double *wa = malloc(N * sizeof *wa), *wv = malloc(N * sizeof *wv);
    assert_non_null(wa);
    assert_non_null(wv);
    double worst = 0.0;
    for (size_t i = 0; i < N; i++) {
        double lw = 0.0;
        for (size_t p = 0; p < P; p++) {
            double n = res.tilt_count[i * P + p], e = res.tilt_expo[i * P + p];
            lw += -n * log(f[p]) + (f[p] - 1.0) * lam[p] * e;
        }
        assert_true(res.tilt_expo[i * P + B] == (double)H); /* B: no regime */
        double d = fabs(res.weight[i] / exp(lw) - 1.0);
        worst = d > worst ? d : worst;
        wa[i] = res.weight[i] * res.tilt_count[i * P + A];
        wv[i] = res.weight[i] * res.tilt_count[i * P + ev];
    }
    print_message("largest relative difference from the closed form: %.3g\n", worst);
    assert_true(worst <= 1e-12);
    const double want[3] = {1.0, 6.0, 7.5};
    check_means(res.weight, wv, wa, N, want);
    free(wa);
    free(wv);
    mr_results_free(&res);
    mr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_weights),
        cmocka_unit_test(test_engine_mixture_weights),
        cmocka_unit_test(test_regime_segments),
        cmocka_unit_test(test_regime_horizon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
