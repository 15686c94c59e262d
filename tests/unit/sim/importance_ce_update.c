/* importance_ce_update.c - one cross-entropy stage of --importance auto
 * recomputed from its own trials (docs/MODEL.md §12i).
 *
 * mr_importance_choose with one pilot stage on
 * tests/studies/importance/binomial.yaml (supplier/x/mining/A at 1.5 a
 * year, B at 0.8, H = 5 years, no regime) runs L = 1000 trials at factor 1
 * on the key mr_importance_pilot_seed(seed, 0). The test runs those trials
 * again through the engine and recomputes the stage here, from the
 * document's definitions and with plain sorting and sums:
 *
 * - horizon target VaR 0.99 of the total loss: rho = min(0.5, max(0.01,
 *   100 / 1000)) = 0.1, gamma = min(VaR_0.99, X_(900)) (ranks ceil(n p)),
 *   the elite the trials with L >= gamma, f_new = sum_elite N_p /
 *   (lambda_p sum_elite E_p), the factor 0.7 f_new + 0.3 in [0.2, 100];
 * - annual target VaR 0.99 with a year focus of K = 2 years: the 5000
 *   trial-years, rho = max(0.01, 100 / 5000) = 0.02, gamma = min(the
 *   weighted VaR_0.99, X_(4900)), h_i the trial's years at or above gamma,
 *   and each elite year y counts the occurrences and exposure of its own
 *   window {y - 1, y} (year 0: {0}), weighted by the trial's weight.
 *
 * gamma, the elite count and (horizon) the estimate must equal the stage's
 * figures exactly; the chosen factors within 1e-12 relative (the sums are
 * block-ordered in the code, in trial order here). A stage that used
 * max(VaR, X_(900)) for gamma, L > gamma for the elite, another smoothing
 * weight or a window shifted by a year gives other numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/engine.h"
#include "sim/importance.h"
#include "sim/minrisk.h"
#include "sim/scenario/loader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define L 1000
#define H 5
#define P 2
#define KW 2 /* the focus window's years */

static const char *const name[P] = {"supplier/x/mining/A", "supplier/x/mining/B"};
static const double lambda[P] = {1.5, 0.8};

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void setup(mr_scenario *sc, int annual)
{
    mr_error err = {{0}};
    if (mr_scenario_load(MINRISK_SOURCE_DIR "/tests/studies/importance/binomial.yaml", sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc->horizon_years, H);
    sc->importance.present = 1;
    sc->importance.target = MR_TARGET_VAR;
    sc->importance.target_level = 0.99;
    sc->importance.target_annual = annual;
    if (annual) {
        sc->importance.focus = MR_FOCUS_YEAR;
        sc->importance.focus_years = KW;
    }
}

/* The stage's figures and chosen factors (by process name, as name[]). */
static void choose(int annual, double fig[MR_IMPORTANCE_STAGE_FIGS], double f[P])
{
    mr_scenario sc;
    mr_error err = {{0}};
    setup(&sc, annual);
    sc.importance.pilot_stages = 1;
    sc.importance.pilot_trials = L;
    mr_engine_opts opts = {.threads = 2, .progress = false};
    if (mr_importance_choose(&sc, &opts, NULL, &err) != MR_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(sc.importance.nstages, 1);
    for (int k = 0; k < MR_IMPORTANCE_STAGE_FIGS; k++)
        fig[k] = sc.importance.stage_figs[k];
    assert_int_equal(sc.importance.nrates, P);
    for (int q = 0; q < P; q++) {
        f[q] = NAN;
        for (int k = 0; k < sc.importance.nrates; k++)
            if (!strcmp(sc.importance.rates[k].pattern, name[q]))
                f[q] = sc.importance.rates[k].factor;
        assert_true(!isnan(f[q]));
    }
    mr_scenario_free(&sc);
}

/* The stage's L trials again: factor 1, the stage's key, counts kept. */
static void replay(int annual, mr_results *res)
{
    mr_scenario sc;
    mr_error err = {{0}};
    setup(&sc, annual);
    const uint64_t seed = sc.seed;
    sc.trials = L;
    sc.seed = mr_importance_pilot_seed(seed, 0);
    for (int q = 0; q < P; q++)
        assert_int_equal(mr_importance_add_rate(&sc.importance, name[q], 1.0, 0, 0), 0);
    mr_engine_opts opts = {.threads = 1, .progress = false, .tilt_counts = true};
    mr_run_info info;
    if (mr_engine_run(&sc, &opts, res, &info, &err))
        fail_msg("engine: %s", err.msg);
    assert_int_equal(res->ntrials, L);
    assert_int_equal(res->ntilt, P);
    mr_scenario_free(&sc);
}

static double smoothed(double fnew)
{
    double f = 0.7 * fnew + 0.3 * 1.0;
    return f < 0.2 ? 0.2 : f > 100.0 ? 100.0 : f;
}

static void check_factor(double got, double want)
{
    print_message("factor %.15g, recomputed %.15g\n", got, want);
    assert_true(fabs(got - want) <= 1e-12 * want);
    assert_true(fabs(want - 1.0) > 1e-3); /* the stage moved it */
}

static void test_horizon_stage(void **state)
{
    (void)state;
    double fig[MR_IMPORTANCE_STAGE_FIGS], f[P];
    choose(0, fig, f);
    mr_results res;
    replay(0, &res);
    assert_int_equal(res.tilt_years, 1);
    double *s = malloc(L * sizeof *s);
    assert_non_null(s);
    for (size_t i = 0; i < L; i++) {
        assert_true(res.weight[i] == 1.0); /* factor 1: the identity tilt */
        s[i] = res.total_loss[i];
    }
    qsort(s, L, sizeof *s, cmp);
    const double var = s[990 - 1], top = s[900 - 1];
    const double gamma = var < top ? var : top;
    assert_true(gamma > 0.0);
    double elite = 0.0, cn[P] = {0.0, 0.0}, ex[P] = {0.0, 0.0};
    for (size_t i = 0; i < L; i++) {
        if (!(res.total_loss[i] >= gamma))
            continue;
        elite += 1.0;
        for (int q = 0; q < P; q++) {
            cn[q] += res.tilt_count[i * P + (size_t)q];
            ex[q] += res.tilt_expo[i * P + (size_t)q];
        }
    }
    print_message("gamma %.17g (VaR %.17g), elite %g of %d\n", gamma, var, elite, L);
    assert_true(fig[0] == (double)L);
    assert_true(fig[1] == gamma);
    assert_true(fig[2] == elite);
    assert_true(fig[3] == (double)L); /* equal weights */
    assert_true(fig[4] == var);
    for (int q = 0; q < P; q++)
        check_factor(f[q], smoothed(cn[q] / (lambda[q] * ex[q])));
    free(s);
    mr_results_free(&res);
}

static void test_annual_focus_stage(void **state)
{
    (void)state;
    double fig[MR_IMPORTANCE_STAGE_FIGS], f[P];
    choose(1, fig, f);
    mr_results res;
    replay(1, &res);
    assert_int_equal(res.tilt_years, H);
    const size_t m = (size_t)L * H;
    double *s = malloc(m * sizeof *s);
    assert_non_null(s);
    for (size_t a = 0; a < m; a++)
        s[a] = res.annual_loss[a];
    qsort(s, m, sizeof *s, cmp);
    const double top = s[4900 - 1];
    /* the weights are 1 up to rounding (factor 1 in the mixture): the
       weighted VaR 0.99 is about X_(4950), far above X_(4900) */
    assert_true(s[4950 - 1] > top);
    const double gamma = top;
    assert_true(gamma > 0.0);
    double elite = 0.0, cn[P] = {0.0, 0.0}, ex[P] = {0.0, 0.0};
    for (size_t i = 0; i < L; i++)
        for (int y = 0; y < H; y++) {
            if (!(res.annual_loss[i * H + (size_t)y] >= gamma))
                continue;
            elite += 1.0;
            for (int q = 0; q < P; q++)
                for (int v = y - KW + 1 < 0 ? 0 : y - KW + 1; v <= y; v++) {
                    const size_t at = (i * P + (size_t)q) * H + (size_t)v;
                    cn[q] += res.weight[i] * res.tilt_count[at];
                    ex[q] += res.weight[i] * res.tilt_expo[at];
                }
        }
    print_message("gamma %.17g, elite %g of %zu trial-years\n", gamma, elite, m);
    assert_true(fig[0] == (double)L);
    assert_true(fig[1] == gamma);
    assert_true(fig[2] == elite);
    for (int q = 0; q < P; q++)
        check_factor(f[q], smoothed(cn[q] / (lambda[q] * ex[q])));
    free(s);
    mr_results_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_horizon_stage),
        cmocka_unit_test(test_annual_focus_stage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
