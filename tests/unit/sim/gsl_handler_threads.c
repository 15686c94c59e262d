/* gsl_handler_threads.c - the library turns GSL's error handler off around
 * its decompositions and gives the caller's back (a failed decomposition
 * must be an error, not GSL's abort), also when threads do so at once:
 * the replays of run --events and the attribution, and the rows of an
 * uncertainty study, each build a model (sim/model.c: the Cholesky factor
 * of price_correlation) on their own thread. Until 2026-12-06 each saved
 * and restored the one global handler unguarded: a thread could save
 * another's "off" as the caller's handler and put it back last, so the
 * caller's handler was lost (and GSL's default could be back in place
 * while a thread still decomposed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/model.h"
#include "sim/scenario/loader.h"

#include <gsl/gsl_errno.h>
#include <omp.h>
#include <string.h>

/* two minerals, so that the model has a 2 x 2 price correlation to factor */
static const char yaml[] =
    "name: gh\n"
    "simulation: {horizon_years: 1, steps_per_year: 12, trials: 10, seed: 1}\n"
    "countries: {A: {}}\n"
    "minerals:\n"
    "  x:\n"
    "    demand_t: 1\n"
    "    mining: [{country: A, share: 1}]\n"
    "    price: {ref: 1}\n"
    "  y:\n"
    "    demand_t: 1\n"
    "    mining: [{country: A, share: 1}]\n"
    "    price: {ref: 1}\n"
    "price_correlation: {x: {y: 0.5}}\n"
    "sectors:\n"
    "  s:\n"
    "    output_gbp: 1.0e9\n"
    "    needs: [{mineral: x, dependent_share: 1, demand_share: 1}]\n";

static int caller_calls;

static void caller_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason;
    (void)file;
    (void)line;
    (void)gsl_errno;
    caller_calls++;
}

/* 8 threads build the model at once, up to 20000 times: the caller's handler is in
   place after each time (the race lost it within a few rounds on 2 cores) */
static void test_handler_kept_under_threads(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_scenario_parse("gh.yaml", yaml, strlen(yaml), &sc, &err))
        fail_msg("%s", err.msg);
    gsl_error_handler_t *before = gsl_set_error_handler(caller_handler);
    int lost = -1, failed = 0; /* lost: the first round after which it was not in place */
    for (int round = 0; round < 20000 && lost < 0; round++) {
#pragma omp parallel num_threads(8) reduction(+ : failed)
        for (int k = 0; k < 4; k++) {
            mr_model md;
            mr_error e = {{0}};
            if (mr_model_build(&sc, &md, &e))
                failed++;
            else
                mr_model_free(&md);
        }
        gsl_error_handler_t *now = gsl_set_error_handler(caller_handler);
        if (now != caller_handler)
            lost = round;
    }
    gsl_set_error_handler(before);
    mr_scenario_free(&sc);
    assert_int_equal(failed, 0);
    if (lost >= 0)
        fail_msg("the caller's GSL error handler was replaced after round %d", lost);
    assert_int_equal(caller_calls, 0); /* nothing failed: never called */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handler_kept_under_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
