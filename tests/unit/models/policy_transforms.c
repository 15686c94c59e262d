/* policy_transforms.c - the policy transforms of MODEL §10 (models/policies.c),
 * worked by hand, and certain event occurrences through the engine
 * (MODEL §3, sim/trial.c mr_trial_sample_disruptions). */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/engine.h"
#include "models/policies.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-12

/* A stage of n suppliers (countries 0 .. n-1) with the given shares. */
static mr_stage stage_of(int n, const double *share)
{
    mr_stage st = {n, calloc((size_t)n, sizeof(mr_supplier))};
    assert_non_null(st.suppliers);
    for (int i = 0; i < n; i++) {
        st.suppliers[i].country = i;
        st.suppliers[i].share = share[i];
    }
    return st;
}

static void assert_shares(const mr_stage *st, int n, const double *want)
{
    assert_int_equal(st->n, n);
    double sum = 0;
    for (int i = 0; i < n; i++) {
        if (fabs(st->suppliers[i].share - want[i]) > TOL)
            fail_msg("supplier %d: share %.17g, want %.17g", i, st->suppliers[i].share, want[i]);
        sum += st->suppliers[i].share;
    }
    assert_true(fabs(sum - 1) < TOL);
}

/* 0.98/0.01/0.01 under 0.60: the excess 0.38 goes 0.19/0.19 (equal shares). */
static void test_cap_pro_rata_98_1_1(void **state)
{
    (void)state;
    mr_stage st = stage_of(3, (double[]){0.98, 0.01, 0.01});
    assert_int_equal(mr_policy_cap_pro_rata(&st, 0.60, NULL), 0);
    assert_shares(&st, 3, (double[]){0.60, 0.20, 0.20});
    /* applying it again changes nothing */
    assert_int_equal(mr_policy_cap_pro_rata(&st, 0.60, NULL), 0);
    assert_shares(&st, 3, (double[]){0.60, 0.20, 0.20});
    free(st.suppliers);
}

/* An aggregate supplier (rest of the world) is never cut but takes its
   share of the excess: ROW 0.7 (exempt), A 0.2, B 0.1 under 0.6 stays; A 0.7,
   ROW 0.2 (exempt), B 0.1 gives A 0.6 and the 0.1 pro rata 2:1 to ROW and B. */
static void test_cap_exempts_aggregates(void **state)
{
    (void)state;
    mr_stage st = stage_of(3, (double[]){0.7, 0.2, 0.1});
    bool exempt[3] = {true, false, false};
    assert_int_equal(mr_policy_cap_pro_rata(&st, 0.60, exempt), 0);
    assert_shares(&st, 3, (double[]){0.7, 0.2, 0.1});
    free(st.suppliers);
    st = stage_of(3, (double[]){0.7, 0.2, 0.1});
    bool exempt2[3] = {false, true, false};
    assert_int_equal(mr_policy_cap_pro_rata(&st, 0.60, exempt2), 0);
    assert_shares(&st, 3, (double[]){0.6, 0.2 + 0.1 * 2 / 3, 0.1 + 0.1 / 3});
    free(st.suppliers);
    /* to a new source: the exempt supplier's share is not excess */
    st = stage_of(2, (double[]){0.7, 0.3});
    bool exempt3[2] = {true, false};
    assert_int_equal(mr_policy_cap_to_source(&st, 0.60, 5, 0, NULL, exempt3), 0);
    assert_shares(&st, 2, (double[]){0.7, 0.3});
    free(st.suppliers);
}

/* 0.98/0.01/0.01 under 0.60 to a new source (country 3): 0.60/0.01/0.01/0.38,
   the new supplier with its own spare and outage. */
static void test_cap_to_new_source_98_1_1(void **state)
{
    (void)state;
    mr_stage st = stage_of(3, (double[]){0.98, 0.01, 0.01});
    mr_process out = {0.2, {MR_SEV_FIXED, 0.5, 0}, {MR_DUR_FIXED, 3, 0}};
    assert_int_equal(mr_policy_cap_to_source(&st, 0.60, 3, 0.1, &out, NULL), 0);
    assert_shares(&st, 4, (double[]){0.60, 0.01, 0.01, 0.38});
    assert_int_equal(st.suppliers[3].country, 3);
    assert_true(st.suppliers[3].spare == 0.1);
    assert_true(st.suppliers[3].outage.rate_per_year == 0.2);
    assert_true(st.suppliers[3].outage.severity.a == 0.5);
    assert_true(st.suppliers[3].outage.duration.a == 3);
    assert_int_equal(mr_policy_cap_to_source(&st, 0.60, 3, 0.1, &out, NULL), 0);
    assert_shares(&st, 4, (double[]){0.60, 0.01, 0.01, 0.38});
    free(st.suppliers);
    /* a source already in the stage gets the excess added to its share */
    st = stage_of(3, (double[]){0.9, 0.05, 0.05});
    assert_int_equal(mr_policy_cap_to_source(&st, 0.5, 2, 0, NULL, NULL), 0);
    assert_shares(&st, 3, (double[]){0.5, 0.05, 0.45});
    free(st.suppliers);
}

/* 0.70/0.25/0.05 under 0.60: excess 0.10 split 0.25:0.05, i.e.
   0.10 * 5/6 and 0.10 * 1/6: 0.60/(0.25 + 1/12)/(0.05 + 1/60)
   = 0.60/0.3333.../0.0666... Then water-filling proper: 0.50/0.45/0.05
   under 0.40: round 1 cuts 0.50, excess 0.10 -> 0.45 + 0.09 = 0.54 and
   0.05 + 0.01 = 0.06; round 2 cuts 0.54, excess 0.14 -> 0.20. */
static void test_cap_water_filling(void **state)
{
    (void)state;
    mr_stage st = stage_of(3, (double[]){0.70, 0.25, 0.05});
    assert_int_equal(mr_policy_cap_pro_rata(&st, 0.60, NULL), 0);
    assert_shares(&st, 3, (double[]){0.60, 1.0 / 3.0, 1.0 / 15.0});
    free(st.suppliers);
    st = stage_of(3, (double[]){0.50, 0.45, 0.05});
    assert_int_equal(mr_policy_cap_pro_rata(&st, 0.40, NULL), 0);
    assert_shares(&st, 3, (double[]){0.40, 0.40, 0.20});
    free(st.suppliers);
}

/* Too few suppliers: nothing changes and the caller needs a new source. */
static void test_cap_unplaceable(void **state)
{
    (void)state;
    mr_stage st = stage_of(1, (double[]){1.0});
    assert_int_equal(mr_policy_cap_pro_rata(&st, 0.6, NULL), 1); /* not -1: out of memory */
    assert_shares(&st, 1, (double[]){1.0});
    free(st.suppliers);
    st = stage_of(2, (double[]){0.7, 0.3}); /* 2 * 0.45 < 1 */
    assert_int_equal(mr_policy_cap_pro_rata(&st, 0.45, NULL), 1);
    assert_shares(&st, 2, (double[]){0.7, 0.3});
    free(st.suppliers);
    st = stage_of(2, (double[]){0.5, 0.5}); /* exactly at the cap: fine */
    assert_int_equal(mr_policy_cap_pro_rata(&st, 0.5, NULL), 0);
    assert_shares(&st, 2, (double[]){0.5, 0.5});
    free(st.suppliers);
}

static void test_share_floor(void **state)
{
    (void)state;
    mr_mineral m = {.domestic_share = 0.05, .recycled_share = 0.3};
    mr_policy_share_floor(&m, 0.10, 0.20);
    assert_true(m.domestic_share == 0.10); /* raised */
    assert_true(m.recycled_share == 0.3);  /* already above: kept */
    mr_policy_share_floor(&m, -1, 0.4);    /* domestic not given */
    assert_true(m.domestic_share == 0.10);
    assert_true(m.recycled_share == 0.4);
}

static void test_stockpile(void **state)
{
    (void)state;
    mr_mineral m = {0};
    mr_policy_stockpile(&m, 3, -1, 0.5, -1);
    assert_true(m.stockpile.present);
    assert_true(m.stockpile.target_months == 3 && m.stockpile.initial_months == 3);
    assert_true(m.stockpile.trigger == 0 && m.stockpile.max_release == 0.5);
    assert_true(m.stockpile.refill_rate == 0.25);
    /* an existing stockpile keeps the rules the policy does not give */
    mr_mineral k = {.stockpile = {true, 1, 0.5, 0.1, 0.3, 0.05}};
    mr_policy_stockpile(&k, 6, -1, -1, 0.5);
    assert_true(k.stockpile.target_months == 6 && k.stockpile.initial_months == 6);
    assert_true(k.stockpile.trigger == 0.1 && k.stockpile.max_release == 0.3);
    assert_true(k.stockpile.refill_rate == 0.5);
}

/* One single-supplier mineral x hit by a certain event (start 0, severity
   1, 6 months) and a second mineral z with a random supplier outage. With
   a = 1, sigma = 0, K = I and A* = 0, q(t) = u(t) of x. */
static const char certain_yaml[] =
    "name: certain\n"
    "simulation: {horizon_years: 2, steps_per_year: 12, trials: 500, seed: 5}\n"
    "countries: {A: {}, B: {}}\n"
    "minerals:\n"
    "  x:\n"
    "    demand_t: 1\n"
    "    mining: [{country: A, share: 1}]\n"
    "    price: {ref: 1, theta: 0, sigma: 0}\n"
    "  z:\n"
    "    demand_t: 1\n"
    "    mining: [{country: B, share: 1, outage: {rate_per_year: 2, severity: 0.5,\n"
    "                                                duration_months: 2}}]\n"
    "    price: {ref: 1, theta: 0, sigma: 0.2}\n"
    "sectors:\n"
    "  s:\n"
    "    output_gbp: 1.0e9\n"
    "    recovery_rate: 1\n"
    "    needs: [{mineral: x, dependent_share: 1, demand_share: 1}]\n"
    "events:\n"
    "  ban:\n"
    "    country: A\n"
    "    minerals: [x]\n"
    "    occurrences:\n"
    "      - {start_years: 0, severity: 1, duration_months: 6}\n";

static void run_text(const char *yaml, mr_scenario *sc, mr_results *res)
{
    mr_error err = {{0}};
    if (mr_scenario_parse("certain.yaml", yaml, strlen(yaml), sc, &err))
        fail_msg("%s", err.msg);
    mr_engine_opts opts = {.threads = 2, .progress = false};
    mr_run_info info;
    if (mr_engine_run(sc, &opts, res, &info, &err))
        fail_msg("engine: %s", err.msg);
}

static void test_certain_event_in_every_trial(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_results res;
    run_text(certain_yaml, &sc, &res);
    const int T = 24, S = 1, d = 6;
    const uint64_t N = sc.trials;
    for (uint64_t i = 0; i < N; i++) {
        assert_true(res.mineral_shortfall_peak[i * 2] == 1.0);
        assert_true(fabs(res.mineral_shortfall_mean[i * 2] - (double)d / T) < 1e-15);
        assert_true(res.mineral_shortfall_months[i * 2] == d);
    }
    /* u = q = 1 on steps 0 .. d-1 and 0 after, in every trial */
    for (int t = 0; t < T; t++) {
        const uint64_t *b = res.band_q + ((size_t)t * (size_t)S) * MR_BAND_Q_BINS;
        assert_true(b[t < d ? MR_BAND_Q_BINS - 1 : 0] == N);
    }

    /* the certain occurrences draw no random numbers: mineral z's
       shortfall is the same trial by trial without the event */
    char *plain = strdup(certain_yaml);
    *strstr(plain, "events:") = '\0';
    mr_scenario sc2;
    mr_results res2;
    run_text(plain, &sc2, &res2);
    int zdiff = 0;
    for (uint64_t i = 0; i < N; i++) {
        assert_true(res.mineral_shortfall_mean[i * 2 + 1] ==
                    res2.mineral_shortfall_mean[i * 2 + 1]);
        assert_true(res.mineral_price_peak[i * 2 + 1] == res2.mineral_price_peak[i * 2 + 1]);
        zdiff += res.mineral_shortfall_mean[i * 2 + 1] > 0;
    }
    assert_true(zdiff > 0); /* z's outages did happen */
    free(plain);
    mr_results_free(&res);
    mr_results_free(&res2);
    mr_scenario_free(&sc);
    mr_scenario_free(&sc2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cap_pro_rata_98_1_1),
        cmocka_unit_test(test_cap_exempts_aggregates),
        cmocka_unit_test(test_cap_to_new_source_98_1_1),
        cmocka_unit_test(test_cap_water_filling),
        cmocka_unit_test(test_cap_unplaceable),
        cmocka_unit_test(test_share_floor),
        cmocka_unit_test(test_stockpile),
        cmocka_unit_test(test_certain_event_in_every_trial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
