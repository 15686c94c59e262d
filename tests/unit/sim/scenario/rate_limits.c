/* rate_limits.c - rates bounded by the time grid and the expected
 * occurrences of a trial bounded before the run (issue 11 case 4,
 * docs/SCENARIO_FORMAT.md "Limits"), and a trial that ends even when a
 * model built by other means holds an absurd rate (MR_OCCURRENCES_MAX).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/engine.h"
#include "sim/minrisk.h"
#include "sim/scenario/loader.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* One country, one mineral, one sector; RATE, STEPS and HORIZON set. */
static char *scenario(char *buf, size_t n, const char *rate, int steps, int horizon)
{
    snprintf(buf, n,
             "name: rates\n"
             "simulation: {horizon_years: %d, steps_per_year: %d, trials: 2, seed: 3}\n"
             "countries:\n"
             "  AA: {outage: {rate_per_year: %s, severity: 0.5, duration_months: 1}}\n"
             "minerals:\n"
             "  x: {demand_t: 1, mining: [{country: AA, share: 1}], price: {ref: 1}}\n"
             "sectors:\n"
             "  s: {output_gbp: 1e9, needs: [{mineral: x, dependent_share: 1, demand_share: 1}]}\n",
             horizon, steps, rate);
    return buf;
}

static int parse(const char *text, mr_scenario *sc, mr_error *err)
{
    return mr_scenario_parse("r.yaml", text, strlen(text), sc, err);
}

static void test_rate_is_bounded_by_the_grid(void **state)
{
    (void)state;
    char buf[1024];
    mr_scenario sc;
    mr_error err = {{0}};
    assert_int_equal(parse(scenario(buf, sizeof buf, "12", 12, 5), &sc, &err), 0);
    mr_scenario_free(&sc);
    assert_int_equal(parse(scenario(buf, sizeof buf, "12.5", 12, 5), &sc, &err), -1);
    assert_string_equal(err.msg, "r.yaml:4:32: countries.AA.outage.rate_per_year: must be in "
                                 "[0,12] (the grid has 12 steps a year: at most one occurrence "
                                 "a step on average), got 12.5");
    /* 1e300 hung the run; 1e999 is beyond the doubles */
    assert_int_equal(parse(scenario(buf, sizeof buf, "1e999", 52, 5), &sc, &err), -1);
    assert_string_equal(err.msg, "r.yaml:4:32: countries.AA.outage.rate_per_year: must be in "
                                 "[0,52] (the grid has 52 steps a year: at most one occurrence "
                                 "a step on average), got 1e999");
}

static void test_expected_occurrences_are_bounded(void **state)
{
    (void)state;
    char buf[1024];
    mr_scenario sc;
    mr_error err = {{0}};
    /* 366 a year for 273 years: 99,918 expected, accepted */
    assert_int_equal(parse(scenario(buf, sizeof buf, "366", 366, 273), &sc, &err), 0);
    mr_scenario_free(&sc);
    /* 274 years: 100,284, refused with the count */
    assert_int_equal(parse(scenario(buf, sizeof buf, "366", 366, 274), &sc, &err), -1);
    assert_string_equal(err.msg, "r.yaml:4:32: countries.AA.outage.rate_per_year: expected "
                                 "100284 random occurrences (disruptions and price jumps) per "
                                 "trial over 274 years, above the limit of 100000 (this is the "
                                 "largest rate)");
}

/* A rate the loader would refuse, set after loading: the trial still ends,
   after MR_OCCURRENCES_MAX occurrences (it never did: the clock stopped
   moving at 1e300). */
static void test_a_trial_ends_whatever_the_rate(void **state)
{
    (void)state;
    char buf[1024];
    mr_scenario sc;
    mr_error err = {{0}};
    assert_int_equal(parse(scenario(buf, sizeof buf, "1", 12, 2), &sc, &err), 0);
    sc.countries[0].outage.rate_per_year = 1e300;
    sc.trials = 1;
    mr_engine_opts opts = {.threads = 1, .progress = false};
    mr_run_info info;
    mr_results res;
    clock_t t0 = clock();
    assert_int_equal(mr_engine_run(&sc, &opts, &res, &info, &err), 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 30);
    mr_results_free(&res);
    mr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_is_bounded_by_the_grid),
        cmocka_unit_test(test_expected_occurrences_are_bounded),
        cmocka_unit_test(test_a_trial_ends_whatever_the_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
