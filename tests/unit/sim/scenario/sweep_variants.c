/* sweep_variants.c - the sweep block of a scenario (docs/STUDIES.md "Sweeps"):
 * the grid it records and the variants mr_scenario_parse_variant makes.
 * Expected values are the values written in the texts below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/scenario/loader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const base_text =
    "name: sweep unit\n"
    "simulation: {horizon_years: 2, trials: 100, seed: 7}\n"
    "countries:\n"
    "  AA: {name: A}\n"
    "  BB: {name: B}\n"
    "minerals:\n"
    "  ga:\n"
    "    demand_t: 10\n"
    "    refining:\n"
    "      - {country: AA, share: 0.8, spare: 0.05}\n"
    "      - {country: BB, share: 0.2}\n"
    "    price: {ref: 1000}\n"
    "sectors:\n"
    "  el:\n"
    "    output_gbp: 1e9\n"
    "    needs:\n"
    "      - {mineral: ga, dependent_share: 0.5, demand_share: 0.5}\n"
    "policies:\n"
    "  stockpile: {months: 3}\n"
    "  diversification_cap: 0.7\n"
    "sweep:\n"
    "  policies.stockpile.months: [0, 6, 12]\n"
    "  policies.diversification_cap: [null, 0.75]\n"
    "  minerals.ga.refining[1].spare: [0.1, 0.3]\n"
    "  policies.domestic_share: [0.25]\n";

static void parse_base(mr_scenario *sc)
{
    mr_error err = {{0}};
    int rc = mr_scenario_parse("s.yaml", base_text, strlen(base_text), sc, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
}

static void test_grid(void **state)
{
    (void)state;
    mr_scenario sc;
    parse_base(&sc);
    assert_int_equal(sc.nsweep, 4);
    assert_true(sc.nvariants == 3 * 2 * 2 * 1);
    assert_string_equal(sc.sweep[0].path, "policies.stockpile.months");
    assert_int_equal(sc.sweep[0].nvalues, 3);
    assert_string_equal(sc.sweep[0].labels[2], "12");
    assert_string_equal(sc.sweep[1].labels[0], "none");
    assert_string_equal(sc.sweep[1].labels[1], "0.75");
    assert_string_equal(sc.sweep[2].path, "minerals.ga.refining[1].spare");
    /* the base itself: the values written outside the sweep */
    assert_true(sc.minerals[0].stockpile.present);
    assert_true(sc.minerals[0].stockpile.target_months == 3.0);
    assert_true(sc.policy_cap == 0.7);
    mr_scenario_free(&sc);
}

static void variant(const int *choice, mr_scenario *v)
{
    mr_scenario base;
    parse_base(&base);
    mr_error err = {{0}};
    int rc = mr_scenario_parse_variant("s.yaml", base.source_text, base.source_len, choice,
                                       base.nsweep, v, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    mr_scenario_free(&base);
}

static void test_variant_values(void **state)
{
    (void)state;
    mr_scenario v;
    const int c1[4] = {2, 1, 1, 0}; /* months 12, cap 0.75, spare 0.3, domestic 0.25 */
    variant(c1, &v);
    assert_int_equal(v.nsweep, 0);
    assert_true(v.minerals[0].stockpile.target_months == 12.0);
    assert_true(v.policy_cap == 0.75);
    /* refining[1] is BB; the cap acts on UK sourcing (docs/MODEL.md §3u),
       the open market's shares 0.8/0.2 with no UK data: AA (0.8) gives 0.05
       to BB pro rata; world supply is untouched */
    const mr_stage *st = &v.minerals[0].stage[MR_STAGE_REFINING];
    assert_int_equal(st->n, 2);
    assert_true(st->suppliers[1].spare == 0.3);
    assert_true(st->suppliers[0].share == 0.8 && st->suppliers[1].share == 0.2);
    const mr_stage *uk = &v.minerals[0].uk;
    assert_int_equal(uk->n, 2);
    assert_true(fabs(uk->suppliers[0].share - 0.75) < 1e-12);
    assert_true(fabs(uk->suppliers[1].share - 0.25) < 1e-12);
    assert_true(v.minerals[0].uk_capped);
    assert_int_equal(v.minerals[0].uk_basis, MR_UK_OPEN_MARKET_FIXED);
    /* a key absent from the base is added: the domestic floor */
    assert_true(v.minerals[0].domestic_share == 0.25);
    mr_scenario_free(&v);

    const int c2[4] = {0, 0, 0, 0}; /* months 0, no cap (null), spare 0.1 */
    variant(c2, &v);
    assert_true(v.minerals[0].stockpile.target_months == 0.0);
    assert_true(v.policy_cap == 0.0); /* null: the key removed, no cap */
    st = &v.minerals[0].stage[MR_STAGE_REFINING];
    assert_true(st->suppliers[0].share == 0.8); /* uncapped */
    assert_true(st->suppliers[1].spare == 0.1);
    mr_scenario_free(&v);
}

/* The same variant twice: identical; the base's other keys untouched. */
static void test_variant_keeps_the_rest(void **state)
{
    (void)state;
    mr_scenario v;
    const int c[4] = {1, 1, 0, 0};
    variant(c, &v);
    assert_string_equal(v.name, "sweep unit");
    assert_true(v.trials == 100 && v.seed == 7 && v.horizon_years == 2);
    assert_true(v.minerals[0].stage[MR_STAGE_REFINING].suppliers[0].spare == 0.05);
    assert_true(v.sectors[0].output_gbp == 1e9);
    mr_scenario_free(&v);
}

static void expect_error(const char *text, const char *msg)
{
    mr_scenario sc;
    mr_error err = {{0}};
    assert_int_equal(mr_scenario_parse("s.yaml", text, strlen(text), &sc, &err), -1);
    assert_string_equal(err.msg, msg);
}

static void test_bad_blocks(void **state)
{
    (void)state;
    char buf[4096];
    const char *head = "name: x\nsimulation: {horizon_years: 1}\ncountries: {AA: {}}\n"
                       "minerals:\n  ga: {demand_t: 1, mining: [{country: AA, share: 1}], "
                       "price: {ref: 1}}\nsectors:\n  el: {output_gbp: 1, needs: [{mineral: ga, "
                       "dependent_share: 1, demand_share: 1}]}\n";
    snprintf(buf, sizeof buf, "%ssweep: [1, 2]\n", head);
    expect_error(buf, "s.yaml:8:8: sweep: expected a mapping of key paths to lists of values, "
                      "got a list");
    snprintf(buf, sizeof buf, "%ssweep: {}\n", head);
    expect_error(buf, "s.yaml:8:8: sweep: give at least one key path to sweep");
    snprintf(buf, sizeof buf, "%ssweep:\n  simulation.trials: [1, 2]\n", head);
    expect_error(buf, "s.yaml:9:3: sweep.simulation.trials: cannot be swept: every variant "
                      "shares the scenario's simulation.trials (common random numbers need the "
                      "same seed and trials)");
    snprintf(buf, sizeof buf, "%ssweep:\n  a..b: [1]\n", head);
    expect_error(buf, "s.yaml:9:3: sweep.a..b: expected a key path such as "
                      "policies.stockpile.months or minerals.gallium.refining[0].spare");
    snprintf(buf, sizeof buf, "%ssweep:\n  policies.domestic_share: [0.1, 0.1]\n", head);
    expect_error(buf, "s.yaml:9:34: sweep.policies.domestic_share[1]: duplicate value '0.1'");
    snprintf(buf, sizeof buf, "%ssweep:\n  policies.domestic_share: []\n", head);
    expect_error(buf, "s.yaml:9:28: sweep.policies.domestic_share: expected 1 to 64 values, got 0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_variant_values),
        cmocka_unit_test(test_variant_keeps_the_rest),
        cmocka_unit_test(test_bad_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
