/* importance_exact.c - importance sampling against an exact answer (issue
 * 16's acceptance case; docs/MODEL.md §12i).
 *
 * tests/studies/importance/binomial.yaml: the per-trial mean shortfall is
 * S / (5 T) with S = 3 X + 2 Y, X ~ Bin(60, 1 - exp(-1.5/12)),
 * Y ~ Bin(60, 1 - exp(-0.8/12)) (tests/unit/sim/engine_trials.c), so
 * P(S > 75) = 9.547e-7 exactly, from the binomial convolution computed
 * here. Both supplier processes tilted by 3 (the tilted mean of S is about
 * 78, near the level), 100,000 trials a seed:
 * - for each of 10 seeds the importance estimate (1/N) sum w [S > 75] is
 *   within 1.96 of its standard errors of the exact value, and its
 *   relative standard error is below 5%;
 * - plain Monte Carlo with the same trials and seed sees no exceedance
 *   (its estimate is 0).
 * The mean weight is printed, not tested: with f = 3 on lambda H = 7.5 and
 * 4, E'[w^2] = exp(7.5 * 4/3 + 4 * 4/3) ~ 4e6, so the weights' own mean is
 * heavy-tailed (the tilt is for the tail event, on which w is small).
 * With an argument K (bench/importance_coverage.sh runs K = 100), the
 * coverage over seeds 1 .. K is printed and must be 90% to 99% of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/engine.h"
#include "sim/minrisk.h"
#include "sim/scenario/loader.h"
#include "out/stats/wstats.h"

#include <gsl/gsl_randist.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTRIALS 100000
#define FACTOR 3.0
static int nseeds = 10;

/* P(3 X + 2 Y > c) from the convolution of the two binomials. */
static double exact_tail(int c)
{
    const int T = 60;
    const double pa = 1 - exp(-1.5 / 12), pb = 1 - exp(-0.8 / 12);
    double p = 0.0;
    for (int x = 0; x <= T; x++)
        for (int y = 0; y <= T; y++)
            if (3 * x + 2 * y > c)
                p += gsl_ran_binomial_pdf((unsigned)x, pa, (unsigned)T) *
                     gsl_ran_binomial_pdf((unsigned)y, pb, (unsigned)T);
    return p;
}

static void load(mr_scenario *sc, double factor)
{
    mr_error err = {{0}};
    if (mr_scenario_load(MINRISK_SOURCE_DIR "/tests/studies/importance/binomial.yaml", sc, &err))
        fail_msg("%s", err.msg);
    sc->trials = NTRIALS;
    if (factor != 1.0) {
        sc->importance.present = 1;
        assert_int_equal(
            mr_importance_add_rate(&sc->importance, "supplier/x/mining/*", factor, 0, 0), 0);
    }
}

/* The estimate of P(S > c) and its standard error for one seed. */
static void estimate(uint64_t seed, double factor, double level, double *p, double *se,
                     double *wmean, double *wse)
{
    mr_scenario sc;
    load(&sc, factor);
    sc.seed = seed;
    mr_engine_opts opts = {.threads = 2, .progress = false};
    mr_results res;
    mr_run_info info;
    mr_error err = {{0}};
    if (mr_engine_run(&sc, &opts, &res, &info, &err))
        fail_msg("engine: %s", err.msg);
    const size_t N = (size_t)res.ntrials;
    *p =
        mr_wstats_exceedance(res.mineral_shortfall_mean, res.weight, N, MR_BLOCK_TRIALS, level, se);
    if (wmean) {
        mr_wstats_moments(res.weight, NULL, N, MR_BLOCK_TRIALS, wmean, NULL, wse);
    }
    mr_results_free(&res);
    mr_scenario_free(&sc);
}

static void test_tail_probability_of_about_1e6(void **state)
{
    (void)state;
    const int c = 75;
    const double exact = exact_tail(c);
    assert_true(exact > 9.5e-7 && exact < 9.6e-7); /* 9.547e-7 */
    /* S / 300 > (c + 0.5) / 300 exactly when S > c: S is an integer and
       the stored mean shortfall S / 300 is within round-off of it */
    const double level = (c + 0.5) / 300.0;
    int covered = 0;
    for (int s = 1; s <= nseeds; s++) {
        double p, se, wm, wse;
        estimate((uint64_t)s, FACTOR, level, &p, &se, &wm, &wse);
        int in = fabs(p - exact) <= 1.96 * se;
        covered += in;
        print_message("seed %d: %.4g +- %.2g (exact %.4g)%s; mean weight %.4f +- %.4f\n", s, p,
                      1.96 * se, exact, in ? "" : " MISSED", wm, wse);
        if (nseeds <= 10) {
            assert_true(in);
            assert_true(se < 0.05 * exact);
        }
    }
    print_message("covered %d of %d seeds\n", covered, nseeds);
    if (nseeds > 10) {
        assert_true(covered >= (int)(0.90 * nseeds) && covered <= (int)(0.99 * nseeds));
    }
    /* plain Monte Carlo, the same trials and seed: not one exceedance */
    double p0, se0;
    estimate(1, 1.0, level, &p0, &se0, NULL, NULL);
    assert_true(p0 == 0.0);
}

int main(int argc, char **argv)
{
    /* SEEDS, read whole (atoi took 10x as 10 and x as 0, then 10 seeds) */
    if (argc > 1) {
        char *end;
        errno = 0;
        long v = strtol(argv[1], &end, 10);
        if (argv[1][0] < '1' || argv[1][0] > '9' || *end || errno || v > 100000) {
            fprintf(stderr,
                    "usage: %s [SEEDS]: SEEDS must be an integer in [1, 100000], got '%s'\n",
                    argv[0], argv[1]);
            return 2;
        }
        nseeds = (int)v;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tail_probability_of_about_1e6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
