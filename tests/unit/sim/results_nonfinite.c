/* results_nonfinite.c - issue 11, case 13 (the results half): a trial
 * whose result is not finite is found, the earliest in trial order, and
 * named with its quantity and column (mr_results_find_nonfinite,
 * mr_nonfinite_message: sim/engine.h); NaN is refused except where it
 * means something (a stockpile that never ran empty). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/engine.h"
#include "sim/scenario/loader.h"

#include <math.h>
#include <string.h>

static const char yaml[] =
    "name: nf\n"
    "simulation: {horizon_years: 3, steps_per_year: 12, trials: 100, seed: 1}\n"
    "countries: {A: {}}\n"
    "minerals:\n"
    "  lithium:\n"
    "    demand_t: 1\n"
    "    mining:\n"
    "      - {country: A, share: 1, outage: {rate_per_year: 0.5, severity: 1, duration_months: "
    "24}}\n"
    "    price: {ref: 1, theta: 0, sigma: 0}\n"
    "sectors:\n"
    "  automotive:\n"
    "    output_gbp: 1.0e9\n"
    "    recovery_rate: 1\n"
    "    needs: [{mineral: lithium, dependent_share: 1, demand_share: 0.5}]\n"
    "  chemicals:\n"
    "    output_gbp: 1.0e9\n"
    "    recovery_rate: 1\n"
    "    needs: [{mineral: lithium, dependent_share: 1, demand_share: 0.5}]\n";

typedef struct {
    mr_scenario sc;
    mr_results res;
} fixture;

static int setup(void **state)
{
    static fixture fx;
    mr_error err = {{0}};
    if (mr_scenario_parse("nf.yaml", yaml, strlen(yaml), &fx.sc, &err)) {
        assert_string_equal(err.msg, "nf.yaml: trial 1: total_loss is inf (a scenario value too "
                                     "large? see the ranges in docs/SCENARIOS.md)");
        return -1;
    }
    /* 10 rows of trials 2048 .. 2057 (a rank's slab) */
    if (mr_results_alloc(&fx.res, 10, 2, 1, 3, 36))
        return -1;
    fx.res.first_trial = 2048;
    for (int m = 0; m < 10; m++)
        fx.res.mineral_stockpile_empty_month[m] = NAN; /* never ran empty */
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (!fx)
        return 0;
    mr_results_free(&fx->res);
    mr_scenario_free(&fx->sc);
    return 0;
}

static void test_all_finite(void **state)
{
    fixture *fx = *state;
    mr_nonfinite at;
    assert_int_equal(mr_results_find_nonfinite(&fx->res, 0, 10, &at), 0);
}

/* The earliest row wins over the earlier variable; within a row, the
   variable order of MR_TRIAL_VARS, then the column. */
static void test_earliest_named(void **state)
{
    fixture *fx = *state;
    mr_results *r = &fx->res;
    r->annual_loss[7 * 3 + 1] = INFINITY;                 /* row 7, year 2 */
    r->sector_output_loss[4 * 2 + 1] = INFINITY;          /* row 4, chemicals */
    r->sector_annual_loss[4 * 6 + 1 * 2 + 0] = -INFINITY; /* row 4, later variable */
    mr_nonfinite at;
    assert_int_equal(mr_results_find_nonfinite(r, 0, 10, &at), 1);
    mr_error err = {{0}};
    mr_nonfinite_message(&fx->sc, r, &at, &err);
    assert_string_equal(err.msg, "nf.yaml: trial 2052: sector_output_loss[chemicals] is inf (a "
                                 "scenario value too large? see the ranges in docs/SCENARIOS.md)");
    /* rows from 5 on: row 7's year */
    assert_int_equal(mr_results_find_nonfinite(r, 5, 10, &at), 1);
    mr_nonfinite_message(&fx->sc, r, &at, &err);
    assert_string_equal(err.msg, "nf.yaml: trial 2055: annual_loss[year 2] is inf (a scenario "
                                 "value too large? see the ranges in docs/SCENARIOS.md)");
    r->sector_output_loss[4 * 2 + 1] = 0.0;
    assert_int_equal(mr_results_find_nonfinite(r, 0, 10, &at), 1);
    mr_nonfinite_message(&fx->sc, r, &at, &err);
    assert_string_equal(err.msg, "nf.yaml: trial 2052: sector_annual_loss[year 2, automotive] is "
                                 "-inf (a scenario value too large? see the ranges in "
                                 "docs/SCENARIOS.md)");
    r->sector_annual_loss[4 * 6 + 2] = 0.0;
    r->annual_loss[7 * 3 + 1] = 0.0;
}

/* NaN: refused in a loss, accepted where it means "never". */
static void test_nan(void **state)
{
    fixture *fx = *state;
    mr_results *r = &fx->res;
    mr_nonfinite at;
    assert_int_equal(mr_results_find_nonfinite(r, 0, 10, &at), 0);
    r->mineral_price_peak[9] = NAN;
    assert_int_equal(mr_results_find_nonfinite(r, 0, 10, &at), 1);
    mr_error err = {{0}};
    mr_nonfinite_message(&fx->sc, r, &at, &err);
    assert_string_equal(err.msg, "nf.yaml: trial 2057: mineral_price_peak[lithium] is NaN (a "
                                 "scenario value too large? see the ranges in docs/SCENARIOS.md)");
    r->mineral_price_peak[9] = 1.0;
    r->mineral_stockpile_empty_month[3] = INFINITY; /* but not inf */
    assert_int_equal(mr_results_find_nonfinite(r, 0, 10, &at), 1);
    assert_true(at.trial == 2051);
    r->mineral_stockpile_empty_month[3] = NAN;
}

/* The engine refuses a run with a non-finite result: MR_BAD_INPUT, the
   earliest such trial named, the same for 1 and 2 threads. The output is
   set past what the loader accepts, after loading, so that the losses of a
   two-year outage overflow (trial 0 has none: its losses are 0). */
static void test_engine_refuses(void **state)
{
    fixture *fx = *state;
    mr_scenario *sc = &fx->sc;
    sc->trials = 3000;
    sc->sectors[1].output_gbp = 1.7e308;
    char first[MR_ERRMSG_MAX] = "";
    for (int threads = 1; threads <= 2; threads++) {
        mr_engine_opts opts = {.threads = threads};
        mr_results res;
        mr_run_info info;
        mr_error err = {{0}};
        assert_int_equal(mr_engine_run(sc, &opts, &res, &info, &err), MR_BAD_INPUT);
        assert_true(strstr(err.msg, "nf.yaml: trial ") == err.msg);
        assert_string_equal(err.msg, "nf.yaml: trial 1: total_loss is inf (a scenario value too "
                                     "large? see the ranges in docs/SCENARIOS.md)");
        if (threads == 1)
            memcpy(first, err.msg, sizeof first);
        else
            assert_string_equal(err.msg, first);
    }
    sc->sectors[1].output_gbp = 1.0e9;
    sc->trials = 100;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_finite),
        cmocka_unit_test(test_earliest_named),
        cmocka_unit_test(test_nan),
        cmocka_unit_test(test_engine_refuses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
