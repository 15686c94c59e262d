/* model_layout.c - the scenario compiled for the trial loop (sim/model.c,
 * mr_model_build) against a small scenario laid out by hand: the supply
 * slots stage by stage, the disruption processes in their order (every
 * country outage, then every supplier outage, then every event) with their
 * targets, the needs grouped by sector, the time step, the Cholesky factor
 * of the price correlation, the OU coefficients and the half variance of
 * the price noise (quarterly steps), and the claims of priority rationing. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/model.h"
#include "sim/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Countries A, B, C, D (indices 0-3); D has an outage but supplies nothing.
   Minerals x (0): mining A 0.6 (spare 0.1), B 0.4; refining C 1.0 with a
   supplier outage. y (1): no mining; refining B 0.7 with a supplier
   outage, C 0.3 (spare 0.5). Slots, stage by stage (stage index m*2 + s):
     0 x/mining/A   1 x/mining/B   2 x/refining/C   (y/mining: none)
     3 y/refining/B   4 y/refining/C
   Events: ban (C on x and y, both stages: slots 2 and 4), quiet (rate 0,
   no occurrences: no process), cut (A on x mining, one certain occurrence,
   rate 0: slot 0).
   Sectors s1 (priority 2) needs x 0.3, y 0.2; s2 (priority 1) needs y 0.5;
   s3 (priority 2) needs x 0.4. Other uses have priority 1. */
static const char layout_yaml[] =
    "name: layout\n"
    "simulation: {horizon_years: 3, steps_per_year: 4, trials: 10, seed: 3}\n"
    "rationing: {rule: priority, other_uses_priority: 1}\n"
    "countries:\n"
    "  A: {outage: {rate_per_year: 0.5, severity: 0.5, duration_months: 2}}\n"
    "  B: {}\n"
    "  C: {outage: {rate_per_year: 0.2, severity: 1, duration_months: 1}}\n"
    "  D: {outage: {rate_per_year: 1, severity: 1, duration_months: 1}}\n"
    "minerals:\n"
    "  x:\n"
    "    demand_t: 100\n"
    "    recycled_share: 0.1\n"
    "    mining: [{country: A, share: 0.6, spare: 0.1}, {country: B, share: 0.4}]\n"
    "    refining:\n"
    "      - {country: C, share: 1,\n"
    "         outage: {rate_per_year: 1, severity: 0.5, duration_months: 3}}\n"
    "    stockpile: {target_months: 2, initial_months: 1, trigger: 0.1, max_release: 0.5,\n"
    "                refill_rate: 0.2}\n"
    "    price: {ref: 10, theta: 0.5, sigma: 0.2}\n"
    "  y:\n"
    "    demand_t: 5\n"
    "    domestic_share: 0.05\n"
    "    refining:\n"
    "      - {country: B, share: 0.7,\n"
    "         outage: {rate_per_year: 0.3, severity: 1, duration_months: 2}}\n"
    "      - {country: C, share: 0.3, spare: 0.5}\n"
    "    price: {ref: 20, theta: 0, sigma: 0}\n"
    "sectors:\n"
    "  s1:\n"
    "    output_gbp: 1.0e9\n"
    "    priority: 2\n"
    "    needs: [{mineral: x, dependent_share: 1, demand_share: 0.3},\n"
    "            {mineral: y, dependent_share: 0.5, demand_share: 0.2}]\n"
    "  s2:\n"
    "    output_gbp: 2.0e9\n"
    "    priority: 1\n"
    "    needs: [{mineral: y, dependent_share: 1, demand_share: 0.5}]\n"
    "  s3:\n"
    "    output_gbp: 3.0e9\n"
    "    priority: 2\n"
    "    needs: [{mineral: x, dependent_share: 0.25, demand_share: 0.4}]\n"
    "events:\n"
    "  ban:\n"
    "    country: C\n"
    "    minerals: [x, y]\n"
    "    rate_per_year: 0.1\n"
    "    severity: 0.8\n"
    "    duration_months: 6\n"
    "  quiet:\n"
    "    country: B\n"
    "    minerals: [x]\n"
    "    rate_per_year: 0\n"
    "    severity: 0.5\n"
    "    duration_months: 1\n"
    "  cut:\n"
    "    country: A\n"
    "    minerals: [x]\n"
    "    stages: [mining]\n"
    "    rate_per_year: 0\n"
    "    occurrences:\n"
    "      - {start_years: 0.5, severity: 1, duration_months: 3}\n"
    "price_correlation:\n"
    "  x: {y: 0.6}\n";

static void build(const char *yaml, mr_scenario *sc, mr_model *md)
{
    mr_error err = {{0}};
    if (mr_scenario_parse("layout.yaml", yaml, strlen(yaml), sc, &err))
        fail_msg("%s", err.msg);
    if (mr_model_build(sc, md, &err))
        fail_msg("model: %s", err.msg);
}

static void assert_ints(const int *got, const int *want, int n, const char *what)
{
    for (int i = 0; i < n; i++)
        if (got[i] != want[i])
            fail_msg("%s[%d] = %d, expected %d", what, i, got[i], want[i]);
}

static void assert_doubles(const double *got, const double *want, int n, double tol,
                           const char *what)
{
    for (int i = 0; i < n; i++)
        if (!(fabs(got[i] - want[i]) <= tol))
            fail_msg("%s[%d] = %.17g, expected %.17g", what, i, got[i], want[i]);
}

/* Sizes and the time step: 4 steps a year are dt = 1/4 year, h = 3 months. */
static void test_sizes_and_time_step(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_model md;
    build(layout_yaml, &sc, &md);
    assert_int_equal(md.M, 2);
    assert_int_equal(md.S, 3);
    assert_int_equal(md.H, 3);
    assert_int_equal(md.n, 4);
    assert_int_equal(md.T, 12);
    assert_true(md.dt == 0.25);
    assert_true(md.h == 3.0);
    mr_model_free(&md);
    mr_scenario_free(&sc);
}

/* One slot per (mineral, stage, supplier), stage by stage; an absent
   stage has no slots and starts where the next one does. */
static void test_slots_stage_by_stage(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_model md;
    build(layout_yaml, &sc, &md);
    assert_int_equal(md.nslots, 5);
    assert_doubles(md.slot_share, (double[]){0.6, 0.4, 1.0, 0.7, 0.3}, 5, 0.0, "slot_share");
    assert_doubles(md.slot_spare, (double[]){0.1, 0.0, 0.0, 0.0, 0.5}, 5, 0.0, "slot_spare");
    assert_ints(md.slot_stage, (int[]){0, 0, 1, 3, 3}, 5, "slot_stage");
    assert_ints(md.slot_country, (int[]){0, 1, 2, 1, 2}, 5, "slot_country");
    assert_ints(md.stage_first, (int[]){0, 2, 3, 3}, 4, "stage_first");
    assert_ints(md.stage_n, (int[]){2, 1, 0, 2}, 4, "stage_n");
    assert_int_equal(md.max_stage_n, 2);
    /* per mineral: recycled, domestic, the stockpile of x only */
    assert_doubles(md.recycled, (double[]){0.1, 0.0}, 2, 0.0, "recycled");
    assert_doubles(md.domestic, (double[]){0.0, 0.05}, 2, 0.0, "domestic");
    assert_ints(md.has_stockpile, (int[]){1, 0}, 2, "has_stockpile");
    assert_true(md.stockpile_initial[0] == 1.0);
    assert_true(md.stockpile[0].target_months == 2.0 && md.stockpile[0].trigger == 0.1);
    assert_true(md.stockpile[0].max_release == 0.5 && md.stockpile[0].refill_rate == 0.2);
    mr_model_free(&md);
    mr_scenario_free(&sc);
}

/* Every country outage (A, C; D supplies nothing, B has none), then every
   supplier outage (x/refining/C, y/refining/B), then every event that can
   occur (ban, cut; quiet has rate 0 and no occurrences). */
static void test_processes_in_order_with_targets(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_model md;
    build(layout_yaml, &sc, &md);
    static const char *const names[] = {
        "country/A", "country/C", "supplier/x/refining/C", "supplier/y/refining/B",
        "event/ban", "event/cut"};
    const mr_proc_kind kinds[] = {MR_PROC_COUNTRY,  MR_PROC_COUNTRY, MR_PROC_SUPPLIER,
                                  MR_PROC_SUPPLIER, MR_PROC_EVENT,   MR_PROC_EVENT};
    assert_int_equal(md.nproc, 6);
    for (int i = 0; i < 6; i++) {
        assert_string_equal(md.proc_name[i], names[i]);
        assert_int_equal(md.proc_kind[i], kinds[i]);
        /* the stream id is the hash of the name (MODEL §12) */
        assert_true(md.proc_stream[i] == mr_hash64(names[i]));
    }
    /* where each strikes, and its index: country, slot, or event */
    assert_ints(md.proc_country, (int[]){0, 2, 2, 1, 2, 0}, 6, "proc_country");
    assert_ints(md.proc_index, (int[]){0, 2, 2, 3, 0, 2}, 6, "proc_index");
    /* targets: A {0}; C {2, 4}; slot 2; slot 3; ban {2, 4}; cut {0} */
    assert_ints(md.proc_first, (int[]){0, 1, 3, 4, 5, 7, 8}, 7, "proc_first");
    assert_ints(md.targets, (int[]){0, 2, 4, 2, 3, 2, 4, 0}, 8, "targets");
    /* the processes point into the scenario */
    assert_ptr_equal(md.proc[0], &sc.countries[0].outage);
    assert_ptr_equal(md.proc[1], &sc.countries[2].outage);
    assert_ptr_equal(md.proc[2], &sc.minerals[0].stage[MR_STAGE_REFINING].suppliers[0].outage);
    assert_ptr_equal(md.proc[3], &sc.minerals[1].stage[MR_STAGE_REFINING].suppliers[0].outage);
    assert_ptr_equal(md.proc[4], &sc.events[0].process);
    assert_ptr_equal(md.proc[5], &sc.events[2].process);
    /* certain occurrences: cut's one, nobody else's */
    assert_ints(md.proc_ncertain, (int[]){0, 0, 0, 0, 0, 1}, 6, "proc_ncertain");
    assert_ptr_equal(md.proc_certain[5], sc.events[2].occurrences);
    assert_true(md.proc_certain[5][0].start_years == 0.5);
    mr_model_free(&md);
    mr_scenario_free(&sc);
}

/* Needs grouped by sector, in file order. */
static void test_needs_grouped_by_sector(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_model md;
    build(layout_yaml, &sc, &md);
    assert_int_equal(md.nneeds, 4);
    assert_ints(md.need_first, (int[]){0, 2, 3, 4}, 4, "need_first");
    assert_ints(md.need_mineral, (int[]){0, 1, 1, 0}, 4, "need_mineral");
    assert_doubles(md.need_delta, (double[]){0.3, 0.2, 0.5, 0.4}, 4, 0.0, "need_delta");
    assert_doubles(md.need_a, (double[]){1.0, 0.5, 1.0, 0.25}, 4, 0.0, "need_a");
    assert_doubles(md.output, (double[]){1.0e9, 2.0e9, 3.0e9}, 3, 0.0, "output");
    mr_model_free(&md);
    mr_scenario_free(&sc);
}

/* Correlation [[1, r], [r, 1]] with r = 0.6: L = [[1, 0], [r, sqrt(1 - r^2)]]
   = [[1, 0], [0.6, 0.8]], the upper triangle zero. */
static void test_cholesky_of_two_by_two(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_model md;
    build(layout_yaml, &sc, &md);
    assert_doubles(md.chol, (double[]){1.0, 0.0, 0.6, 0.8}, 4, 1e-15, "chol");
    assert_true(md.chol[1] == 0.0);
    mr_model_free(&md);
    mr_scenario_free(&sc);
}

/* Priority rationing: per mineral, the claimants sorted by (priority, order
   of appearance), other uses last in order with 1 - the sectors' shares.
     x: other uses (1, 0.3), s1 (2, 0.3), s3 (2, 0.4): groups [0,1) [1,3)
     y: s2 (1, 0.5), other uses (1, 0.3), s1 (2, 0.2): groups [0,2) [2,3) */
static void test_priority_claims(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_model md;
    build(layout_yaml, &sc, &md);
    assert_int_equal(md.priority, 1);
    assert_ints(md.claim_first, (int[]){0, 3, 6}, 3, "claim_first");
    assert_ints(md.claim_need, (int[]){-1, 0, 3, 2, -1, 1}, 6, "claim_need");
    assert_doubles(md.claim_demand, (double[]){0.3, 0.3, 0.4, 0.5, 0.3, 0.2}, 6, 1e-15,
                   "claim_demand");
    assert_ints(md.group_first, (int[]){0, 3, 6}, 3, "group_first");
    assert_ints(md.group_start, (int[]){0, 1, 3, 0, 2, 3}, 6, "group_start");
    mr_model_free(&md);
    mr_scenario_free(&sc);
}

/* Proportional rationing: no priority, and without price_correlation the
   factor is the identity. */
static void test_proportional_and_identity(void **state)
{
    (void)state;
    char *yaml = strdup(layout_yaml);
    assert_non_null(yaml);
    char *r = strstr(yaml, "rationing: {rule: priority, other_uses_priority: 1}\n");
    assert_non_null(r);
    memset(r, ' ', strlen("rationing: {rule: priority, other_uses_priority: 1}"));
    *strstr(yaml, "price_correlation:") = '\0';
    mr_scenario sc;
    mr_model md;
    build(yaml, &sc, &md);
    assert_int_equal(md.priority, 0);
    assert_doubles(md.chol, (double[]){1.0, 0.0, 0.0, 1.0}, 4, 0.0, "chol");
    mr_model_free(&md);
    mr_scenario_free(&sc);
    free(yaml);
}

/* A copy of text with its first `from` replaced by `to` (the caller frees it). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t k = (size_t)(at - text), n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    assert_non_null(out);
    memcpy(out, text, k);
    memcpy(out + k, to, strlen(to));
    strcpy(out + k + strlen(to), at + strlen(from));
    return out;
}

/* The OU coefficients of a quarterly step (dt = 0.25) and, for a mineral
   with a market, the half variance of its noise term at each step, against
   the closed form v(t) = sigma^2 (1 - exp(-2 theta t dt)) / (2 theta)
   (docs/MODEL.md §5, §5m), not the recursion the model uses: x (theta 0.5,
   sigma 0.2, given a market) has v(t) = 0.04 (1 - exp(-0.25 t)); y
   (theta 0, sigma 0, no market) has decay 1, scale 0 and no correction. */
static void test_ou_steps_and_noise_variance(void **state)
{
    (void)state;
    const char *price = "    price: {ref: 10, theta: 0.5, sigma: 0.2}\n";
    char *yaml = replace(layout_yaml, price,
                         "    price: {ref: 10, theta: 0.5, sigma: 0.2}\n"
                         "    market: {stock_months: 0}\n");
    mr_scenario sc;
    mr_model md;
    build(yaml, &sc, &md);
    assert_int_equal(md.T, 12);
    assert_doubles(md.ou_decay, (double[]){exp(-0.125), 1.0}, 2, 1e-15, "ou_decay");
    assert_doubles(md.ou_scale, (double[]){0.2 * sqrt(1.0 - exp(-0.25)), 0.0}, 2, 1e-15,
                   "ou_scale");
    assert_int_equal(md.market[0], 1);
    assert_int_equal(md.market[1], 0);
    double want[12];
    for (int t = 0; t < 12; t++)
        want[t] = 0.5 * 0.04 * (1.0 - exp(-0.25 * t));
    assert_doubles(md.noise_half_var, want, 12, 1e-15, "noise_half_var of x");
    for (int t = 0; t < 12; t++)
        assert_true(md.noise_half_var[12 + t] == 0.0);
    mr_model_free(&md);
    mr_scenario_free(&sc);
    free(yaml);
}

/* The market layer as compiled (docs/MODEL.md §3s, §5m, §6m), y given a
   market on the quarterly grid (h = 3 months):
   - home use B 0.35 of world demand: open market D = 1 - min(0.35, 0.7)
     = 0.65; B exports 0.35, s'_B = 0.35/0.65 with no spare; C exports all
     0.3, s'_C = 0.3/0.65, spare'_C = 0.5 x 0.3 / 0.3 = 0.5;
   - stock rule: Kbar 1.5, tau = max(tau_s, h) = max(2, 3) = 3, eta 0.5,
     guard ln 10 (the default max_multiple);
   - elasticity at the ages 0, h, 2h, ...: eps(k h) = 0.6 + (0.2 - 0.6)
     e^{-3k/6}, exactly 0.2 at age 0;
   - clearing weights, world demand 100 t, UK demand 5 t: s1's need of y
     (delta 0.2) 5 x 0.2 / (100 x 0.65) = 1/65, s2's (delta 0.5) 2.5/65, the
     rest of the world 1 - 3.5/65 = 61.5/65, in that order (x has no
     market, so no rows);
   - s2's cost share c = spend / output = 1e8 / 2e9 = 0.05 (s1's 0: no
     spend given). */
static void test_market_layer_compiled(void **state)
{
    (void)state;
    char *y1 = replace(layout_yaml, "    price: {ref: 20, theta: 0, sigma: 0}\n",
                       "    price: {ref: 20, theta: 0, sigma: 0, elasticity: 0.2}\n"
                       "    market: {stock_months: 1.5, stock_adjust_months: 2,\n"
                       "             stock_price_response: 0.5, elasticity_long_run: 0.6,\n"
                       "             substitution_months: 6, world_demand_t: 100,\n"
                       "             domestic_use: {B: 0.35}}\n");
    char *yaml = replace(y1, "    needs: [{mineral: y, dependent_share: 1, demand_share: 0.5}]\n",
                         "    needs: [{mineral: y, dependent_share: 1, demand_share: 0.5,\n"
                         "             spend_gbp: 1.0e8}]\n");
    mr_scenario sc;
    mr_model md;
    build(yaml, &sc, &md);
    assert_int_equal(md.market[0], 0);
    assert_int_equal(md.market[1], 1);
    assert_doubles(md.slot_share + 3, (double[]){0.35 / 0.65, 0.3 / 0.65}, 2, 1e-15,
                   "open-market shares of y");
    assert_doubles(md.slot_spare + 3, (double[]){0.0, 0.5}, 2, 1e-15, "open-market spare of y");
    const mr_market_rule *r = &md.mrule[1];
    assert_true(r->rest_months == 1.5 && r->adjust_months == 3.0 && r->response == 0.5);
    assert_true(fabs(r->guard - log(10.0)) <= 1e-15);
    assert_true(md.eps_age[12] == 0.2);
    double want[12];
    for (int k = 0; k < 12; k++)
        want[k] = 0.6 - 0.4 * exp(-3.0 * k / 6.0);
    assert_doubles(md.eps_age + 12, want, 12, 1e-15, "eps_age of y");
    assert_int_equal(md.seg_first[1], 0);
    assert_int_equal(md.seg_first[2], 3);
    assert_ints(md.seg_need, (int[]){-1, 1, 2}, 3, "seg_need");
    assert_doubles(md.seg_weight, (double[]){61.5 / 65.0, 1.0 / 65.0, 2.5 / 65.0}, 3, 1e-15,
                   "seg_weight");
    assert_doubles(md.need_cost, (double[]){0.0, 0.0, 0.05, 0.0}, 4, 1e-15, "need_cost");
    mr_model_free(&md);
    mr_scenario_free(&sc);
    free(yaml);
    free(y1);
}

/* Column j of a [12 x n] per-step array: want[t] at every step, or the
   constant c where want is NULL. */
static void check_step_column(const double *a, int n, int j, const double *want, double c,
                              const char *what)
{
    double got[12];
    for (int t = 0; t < 12; t++)
        got[t] = a[t * n + j];
    if (want)
        assert_doubles(got, want, 12, 1e-6, what);
    else
        for (int t = 0; t < 12; t++)
            if (got[t] != c)
                fail_msg("%s[%d][%d] = %.17g, expected %.17g", what, t, j, got[t], c);
}

/* Time paths of sector output and value added (docs/MODEL.md §8): 4 steps
   a year from 1 January 2024, each step at its middle, 2024 + (t + 0.5)/4.
   s1's output {2024: 1e9, 2034: 2e9}, the issue's {2024: 1, 2034: 2} in GBP
   bn: 1e9 (1 + (t + 0.5)/40), 1.0125e9 at t = 0 up to 1.2875e9 at t = 11;
   its value added, not given, follows it. s2's value added {2025: 1e9,
   2026: 0.5e9}: 1e9 through 2024 (t = 0-3), then 1e9 - 0.5e9 (t - 3.5)/4:
   0.9375e9, 0.8125e9, 0.6875e9, 0.5625e9 (t = 4-7), 0.5e9 after (t = 8-11);
   its output stays 2e9. s3 has no path: 3e9 both. */
static void test_sector_time_paths(void **state)
{
    (void)state;
    const char *sim = "simulation: {horizon_years: 3, steps_per_year: 4, trials: 10, seed: 3}\n";
    const char *s1 = "    output_gbp: 1.0e9\n", *s2 = "    output_gbp: 2.0e9\n";
    char *yaml = replace(layout_yaml, sim,
                         "simulation: {horizon_years: 3, steps_per_year: 4, trials: 10, seed: 3,\n"
                         "             start_year: 2024}\n");
    char *y2 = replace(yaml, s1, "    output_gbp: {2024: 1.0e9, 2034: 2.0e9}\n");
    free(yaml);
    yaml = replace(y2, s2, "    output_gbp: 2.0e9\n    gva_gbp: {2025: 1.0e9, 2026: 0.5e9}\n");
    free(y2);
    mr_scenario sc;
    mr_model md;
    build(yaml, &sc, &md);
    assert_int_equal(md.T, 12);
    assert_non_null(md.output_t);
    assert_non_null(md.gva_t);
    const double s1_y[12] = {1.0125e9, 1.0375e9, 1.0625e9, 1.0875e9, 1.1125e9, 1.1375e9,
                             1.1625e9, 1.1875e9, 1.2125e9, 1.2375e9, 1.2625e9, 1.2875e9};
    const double s2_v[12] = {1e9,      1e9,      1e9,   1e9,   0.9375e9, 0.8125e9,
                             0.6875e9, 0.5625e9, 0.5e9, 0.5e9, 0.5e9,    0.5e9};
    for (int j = 0; j < 3; j++) {
        check_step_column(md.output_t, 3, j, j == 0 ? s1_y : NULL, j == 1 ? 2e9 : 3e9, "output_t");
        check_step_column(md.gva_t, 3, j, j == 0 ? s1_y : j == 1 ? s2_v : NULL, 3e9, "gva_t");
    }
    mr_model_free(&md);
    mr_scenario_free(&sc);
    free(yaml);

    /* without a path, no per-step arrays: every step takes output and gva */
    build(layout_yaml, &sc, &md);
    assert_null(md.output_t);
    assert_null(md.gva_t);
    mr_model_free(&md);
    mr_scenario_free(&sc);
}

/* Time paths of the shares (docs/MODEL.md §4, §6, time paths), steps at
   2024 + (t + 0.5)/4 as above, with a policy floor of 0.1 on every
   mineral's recycled share (MODEL §10), applied step by step:
   - x's recycled share {2024: 0, 2030: 0.6} is (t + 0.5)/40 before the
     floor: 0.0125 ... 0.0875 (t = 0-3) become 0.1, then 0.1125, 0.1375,
     ... 0.2875 (t = 4-11, +0.025 a step); its domestic share stays 0;
   - y's recycled share, fixed, takes the floor 0.1 at every step; its
     domestic share {2025: 0.05, 2027: 0.25} is 0.05 through 2024 (t = 0-3),
     then 0.05 + 0.1 (t - 3.5)/4: 0.0625, 0.0875, ... 0.2375 (t = 4-11);
   - s3's dependence on x {2024: 0.25, 2027: 1} is 0.25 + 0.75 (t + 0.5)/12:
     0.28125, 0.34375, ... 0.96875 (+0.0625 a step); it is need 3 (s1 has
     needs 0 and 1, s2 need 2), the other needs keep their fixed values. */
static void test_share_time_paths(void **state)
{
    (void)state;
    const char *sim = "simulation: {horizon_years: 3, steps_per_year: 4, trials: 10, seed: 3}\n";
    char *a = replace(layout_yaml, sim,
                      "simulation: {horizon_years: 3, steps_per_year: 4, trials: 10, seed: 3,\n"
                      "             start_year: 2024}\n"
                      "policies: {recycled_share: 0.1}\n");
    char *b = replace(a, "    recycled_share: 0.1\n", "    recycled_share: {2024: 0, 2030: 0.6}\n");
    free(a);
    a = replace(b, "    domestic_share: 0.05\n", "    domestic_share: {2025: 0.05, 2027: 0.25}\n");
    free(b);
    b = replace(a, "{mineral: x, dependent_share: 0.25, demand_share: 0.4}",
                "{mineral: x, dependent_share: {2024: 0.25, 2027: 1}, demand_share: 0.4}");
    free(a);
    mr_scenario sc;
    mr_model md;
    build(b, &sc, &md);
    assert_non_null(md.recycled_t);
    assert_non_null(md.domestic_t);
    assert_non_null(md.need_a_t);
    assert_null(md.output_t);
    assert_int_equal(md.nneeds, 4);
    double x_r[12], y_d[12], s3_a[12];
    for (int t = 0; t < 12; t++) {
        x_r[t] = t < 4 ? 0.1 : 0.1125 + 0.025 * (t - 4);
        y_d[t] = t < 4 ? 0.05 : 0.0625 + 0.025 * (t - 4);
        s3_a[t] = 0.28125 + 0.0625 * t;
    }
    check_step_column(md.recycled_t, 2, 0, x_r, 0, "recycled_t");
    check_step_column(md.recycled_t, 2, 1, NULL, 0.1, "recycled_t");
    check_step_column(md.domestic_t, 2, 0, NULL, 0, "domestic_t");
    check_step_column(md.domestic_t, 2, 1, y_d, 0, "domestic_t");
    const double fixed[3] = {1, 0.5, 1};
    for (int k = 0; k < 3; k++)
        check_step_column(md.need_a_t, 4, k, NULL, fixed[k], "need_a_t");
    check_step_column(md.need_a_t, 4, 3, s3_a, 0, "need_a_t");
    mr_model_free(&md);
    mr_scenario_free(&sc);

    /* the policy's floor as a path, a phase-in {2024: 0.1, 2027: 0.4}:
       0.1 + 0.3 (t + 0.5)/12 = 0.1125 + 0.025 t, above x's own path
       0.0125 + 0.025 t at every step, and above y's fixed 0 */
    a = replace(b, "policies: {recycled_share: 0.1}",
                "policies: {recycled_share: {2024: 0.1, 2027: 0.4}}");
    build(a, &sc, &md);
    for (int t = 0; t < 12; t++)
        x_r[t] = 0.1125 + 0.025 * t;
    check_step_column(md.recycled_t, 2, 0, x_r, 0, "recycled_t (floor path)");
    check_step_column(md.recycled_t, 2, 1, x_r, 0, "recycled_t (floor path)");
    assert_true(sc.policies.recycled_path != NULL);
    assert_true(sc.minerals[1].recycled_share == 0.0); /* its own: a path floor is per step */
    mr_model_free(&md);
    mr_scenario_free(&sc);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_and_time_step),
        cmocka_unit_test(test_slots_stage_by_stage),
        cmocka_unit_test(test_processes_in_order_with_targets),
        cmocka_unit_test(test_needs_grouped_by_sector),
        cmocka_unit_test(test_cholesky_of_two_by_two),
        cmocka_unit_test(test_priority_claims),
        cmocka_unit_test(test_proportional_and_identity),
        cmocka_unit_test(test_ou_steps_and_noise_variance),
        cmocka_unit_test(test_sector_time_paths),
        cmocka_unit_test(test_share_time_paths),
        cmocka_unit_test(test_market_layer_compiled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
