/* paired_coverage.c - the paired 95% interval of a change in mean loss has
 * the coverage it claims (sim/studies/paired.h, docs/STUDIES.md "Compare").
 *
 * tests/studies/compare/cov_a.yaml and cov_b.yaml (B adds a stockpile) are run on
 * common random numbers: once with 200,000 trials for the true change in
 * the mean total loss (its own standard error is 1/22 of a small run's),
 * then with 200 other seeds at 400 trials each, each giving a paired 95%
 * interval. The true change must fall inside 180 to 198 of them (90% to
 * 99%; Binomial(200, 0.95) is there with probability 0.998). Needs
 * MINRISK_SRC (set by tests/studies/compare/tests.cmake). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/engine.h"
#include "sim/studies/paired.h"
#include "out/stats/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define LARGE_TRIALS 200000
#define LARGE_SEED 987654321
#define SMALL_TRIALS 400
#define NSEEDS 200

static void load(const char *name, mr_scenario *sc)
{
    const char *src = getenv("MINRISK_SRC");
    if (!src)
        fail_msg("MINRISK_SRC is not set");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/studies/compare/%s", src, name);
    mr_error err = {{0}};
    if (mr_scenario_load(path, sc, &err))
        fail_msg("%s", err.msg);
}

static void run(mr_scenario *sc, uint64_t seed, uint64_t trials, mr_results *res)
{
    sc->seed = seed;
    sc->trials = trials;
    mr_engine_opts opts = {.threads = 0, .progress = false};
    mr_run_info info;
    mr_error err = {{0}};
    if (mr_engine_run(sc, &opts, res, &info, &err))
        fail_msg("engine: %s", err.msg);
}

static void test_paired_mean_interval_covers_95_percent(void **state)
{
    (void)state;
    mr_scenario sa, sb;
    load("cov_a.yaml", &sa);
    load("cov_b.yaml", &sb);
    mr_results ra, rb;
    run(&sa, LARGE_SEED, LARGE_TRIALS, &ra);
    run(&sb, LARGE_SEED, LARGE_TRIALS, &rb);
    const double truth =
        mr_stats_mean(rb.total_loss, LARGE_TRIALS) - mr_stats_mean(ra.total_loss, LARGE_TRIALS);
    mr_results_free(&ra);
    mr_results_free(&rb);
    assert_true(truth < 0.0); /* the stockpile lowers the loss */

    int hits = 0;
    double width = 0.0, vrf = 0.0;
    for (uint64_t s = 1; s <= NSEEDS; s++) {
        run(&sa, s, SMALL_TRIALS, &ra);
        run(&sb, s, SMALL_TRIALS, &rb);
        mr_paired p;
        assert_int_equal(mr_paired_compute(ra.total_loss, rb.total_loss, SMALL_TRIALS, 1, NULL,
                                           NULL, 0, 0, s, "coverage", 0, &p),
                         0);
        const mr_ci *ci = &p.diff[MR_PAIRED_MEAN];
        hits += ci->lo <= truth && truth <= ci->hi;
        width += (ci->hi - ci->lo) / NSEEDS;
        vrf += p.vrf / NSEEDS;
        mr_results_free(&ra);
        mr_results_free(&rb);
    }
    print_message("true change %.6g GBP; paired 95%% interval covers it in %d of %d runs of %d "
                  "trials; mean width %.4g GBP; mean VRF %.2f\n",
                  truth, hits, NSEEDS, SMALL_TRIALS, width, vrf);
    assert_in_range(hits, 180, 198);
    /* the interval is informative: narrower than the change itself */
    assert_true(width < fabs(truth));
    mr_scenario_free(&sa);
    mr_scenario_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paired_mean_interval_covers_95_percent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
