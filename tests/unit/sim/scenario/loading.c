/* loading.c - the scenario loader (sim/scenario/loader.c, out/scenario_yaml.c).
 *
 * Defaults, the error lines for bad input (inline texts, and every
 * file in tests/bad against its "# expect:" line), the resolved-YAML round
 * trip, and the reference scenario. Files are read relative to the source
 * root: $MINRISK_SRC (set by tests/bad/tests.cmake), else the root the
 * build was configured from (MINRISK_SOURCE_DIR).
 */
#define _POSIX_C_SOURCE 200809L /* strdup, chdir, opendir */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/minrisk.h"
#include "sim/scenario/loader.h"
#include "sim/studies/sweep.h"
#include "sim/studies/uncertainty.h"

/* Every key left to its default. */
static const char *MINIMAL = "name: minimal\n"
                             "simulation:\n"
                             "  horizon_years: 3\n"
                             "countries:\n"
                             "  A: {}\n"
                             "  B: {wgi_pv: 0.5}\n"
                             "minerals:\n"
                             "  m:\n"
                             "    demand_t: 10\n"
                             "    mining:\n"
                             "      - {country: A, share: 1}\n"
                             "    price: {ref: 100}\n"
                             "sectors:\n"
                             "  s:\n"
                             "    output_gbp: 1e9\n"
                             "    needs:\n"
                             "      - {mineral: m, dependent_share: 0.5, demand_share: 0.25}\n";

/* Every key given, every distribution kind used. */
static const char *FULL =
    "name: \"full \\\"quoted\\\" name\"\n"
    "description: |\n"
    "  two\n"
    "  lines\n"
    "simulation: {horizon_years: 7, steps_per_year: 52, trials: 4294967295,\n"
    "             seed: 18446744073709551615}\n"
    "defaults:\n"
    "  wgi_rate:\n"
    "    rate_at_zero_per_year: 0.05\n"
    "    factor_per_unit: 2.5\n"
    "    severity: {beta: [2, 5]}\n"
    "    duration_months: {exponential: 4}\n"
    "  buffer_refill_rate: 0.75\n"
    "rationing: {rule: priority, other_uses_priority: 7}\n"
    "countries:\n"
    "  CN: {name: China, wgi_pv: -0.44}\n"
    "  AU:\n"
    "    name: Australia\n"
    "    wgi_pv: 0.92\n"
    "    outage: {rate_per_year: 0.02, severity: {fixed: 0.3}, duration_months: 2}\n"
    "  ROW: {name: Rest of world}\n"
    "minerals:\n"
    "  ga:\n"
    "    name: Gallium\n"
    "    unit: kg\n"
    "    demand_t: 10_000\n"
    "    recycled_share: 0.1\n"
    "    domestic_share: 0.2\n"
    "    spare_ramp_months: 6\n"
    "    mining:\n"
    "      - {country: CN, share: 0.6}\n"
    "      - {country: AU, share: 0.3, spare: 0.2,\n"
    "         outage: {rate_per_year: 0.1, severity: {uniform: [0.2, 0.4]},\n"
    "                  duration_months: {lognormal: {median: 3, sigma: 0.5}}}}\n"
    "      - {country: ROW, share: 0.1}\n"
    "    refining:\n"
    "      - {country: CN, share: 1}\n"
    "    stockpile: {target_months: 3}\n"
    "    price:\n"
    "      ref: 400000\n"
    "      theta: 0.4\n"
    "      sigma: 0.2\n"
    "      elasticity: 0.5\n"
    "      max_multiple: 20\n"
    "      jumps: {rate_per_year: 0.3, mu: -0.1, sigma: 0.2}\n"
    "  li:\n"
    "    demand_t: 5000\n"
    "    refining:\n"
    "      - {country: AU, share: 0.1}\n"
    "      - {country: CN, share: 0.2}\n"
    "      - {country: ROW, share: 0.7}\n"
    "    stockpile: {target_months: 2, initial_months: 1, trigger: 0.1, max_release: 0.3,\n"
    "                refill_rate: 0.1}\n"
    "    price: {ref: 10800}\n"
    "sectors:\n"
    "  def:\n"
    "    name: Defence\n"
    "    output_gbp: 25e9\n"
    "    priority: 3\n"
    "    recovery_rate: 0.25\n"
    "    combine: independent\n"
    "    needs:\n"
    "      - {mineral: li, dependent_share: 0.1, substitutable: 0.2, demand_share: 0.3,\n"
    "         spend_gbp: 1e6, buffer_months: 6}\n"
    "      - {mineral: ga, dependent_share: 0.2, demand_share: 0.5}\n"
    "  auto:\n"
    "    output_gbp: 80e9\n"
    "    needs: []\n"
    "events:\n"
    "  ctl:\n"
    "    name: Controls\n"
    "    country: CN\n"
    "    minerals: [ga, li]\n"
    "    rate_per_year: 0.15\n"
    "    severity: 0.8\n"
    "    duration_months: {fixed: 3}\n"
    "  ref-only:\n"
    "    country: CN\n"
    "    minerals: [ga]\n"
    "    stages: [refining]\n"
    "    rate_per_year: 0\n"
    "    severity: {beta: [1, 1]}\n"
    "    duration_months: 1.5\n"
    "interdependency:\n"
    "  def: {auto: 0.3}\n"
    "  auto: {def: 0.2, auto: 0.1}\n"
    "price_correlation:\n"
    "  ga: {ga: 1, li: 0.4}\n";

/* ------------------------------------------------------------- helpers */

static char *src_root(void)
{
    const char *env = getenv("MINRISK_SRC");
    if (env && *env)
        return strdup(env);
    return strdup(MINRISK_SOURCE_DIR); /* set by tests/CMakeLists.txt */
}

static int parse(const char *text, mr_scenario *sc, mr_error *err)
{
    return mr_scenario_parse("t.yaml", text, strlen(text), sc, err);
}

/* Parse `text` after replacing the first `from` by `to`. */
static int parse_edit(const char *text, const char *from, const char *to, mr_scenario *sc,
                      mr_error *err)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t n = strlen(text) - strlen(from) + strlen(to);
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    size_t k = (size_t)(at - text);
    memcpy(buf, text, k);
    strcpy(buf + k, to);
    strcat(buf, at + strlen(from));
    int rc = parse(buf, sc, err);
    free(buf);
    return rc;
}

static bool is_zero(const mr_scenario *sc)
{
    static const mr_scenario zero;
    return memcmp(sc, &zero, sizeof zero) == 0;
}

static void expect_error(const char *text, const char *from, const char *to, const char *msg)
{
    mr_scenario sc;
    mr_error err;
    int rc = from ? parse_edit(text, from, to, &sc, &err) : parse(text, &sc, &err);
    assert_int_equal(rc, -1);
    assert_string_equal(err.msg, msg);
    assert_true(is_zero(&sc));
}

static void assert_process_equal(const mr_process *a, const mr_process *b)
{
    assert_true(a->rate_per_year == b->rate_per_year);
    assert_int_equal(a->severity.kind, b->severity.kind);
    assert_true(a->severity.a == b->severity.a && a->severity.b == b->severity.b);
    assert_int_equal(a->duration.kind, b->duration.kind);
    assert_true(a->duration.a == b->duration.a && a->duration.b == b->duration.b);
}

/* docs/MODEL.md §4: a domestic outage, where recycled material is refined */
static void assert_disruption_equal(const mr_disruption *a, const mr_disruption *b)
{
    assert_int_equal(a->present, b->present);
    assert_process_equal(&a->process, &b->process);
    assert_int_equal(a->noccurrences, b->noccurrences);
    if (a->noccurrences)
        assert_memory_equal(a->occurrences, b->occurrences,
                            (size_t)a->noccurrences * sizeof *a->occurrences);
}

static void assert_refined_abroad_equal(const mr_refined_abroad *a, const mr_refined_abroad *b)
{
    assert_int_equal(a->n, b->n);
    if (a->n) {
        assert_memory_equal(a->country, b->country, (size_t)a->n * sizeof(int));
        assert_memory_equal(a->share, b->share, (size_t)a->n * sizeof(double));
    }
}

/* Field by field, everything but the source path and text. */

/* Two time paths (or two NULLs) with the same points. */
static void assert_path_equal(const mr_path *a, const mr_path *b)
{
    assert_true((a == NULL) == (b == NULL));
    if (!a)
        return;
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->year, b->year, (size_t)a->n * sizeof(double));
    assert_memory_equal(a->value, b->value, (size_t)a->n * sizeof(double));
}

static void assert_scenario_equal(const mr_scenario *a, const mr_scenario *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->description, b->description);
    assert_int_equal(a->horizon_years, b->horizon_years);
    assert_int_equal(a->steps_per_year, b->steps_per_year);
    assert_int_equal(a->start_year, b->start_year);
    assert_true(a->trials == b->trials);
    assert_true(a->seed == b->seed);
    assert_int_equal(a->has_wgi_rate, b->has_wgi_rate);
    assert_true(a->wgi_rate_at_zero == b->wgi_rate_at_zero);
    assert_true(a->wgi_factor_per_unit == b->wgi_factor_per_unit);
    mr_process pa = {0, a->wgi_severity, a->wgi_duration},
               pb = {0, b->wgi_severity, b->wgi_duration};
    assert_process_equal(&pa, &pb);
    assert_true(a->buffer_refill_rate == b->buffer_refill_rate);
    assert_int_equal(a->rationing, b->rationing);
    assert_int_equal(a->other_uses_priority, b->other_uses_priority);

    assert_int_equal(a->ncountries, b->ncountries);
    for (int i = 0; i < a->ncountries; i++) {
        const mr_country *x = &a->countries[i], *y = &b->countries[i];
        assert_string_equal(x->id, y->id);
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->has_wgi, y->has_wgi);
        assert_true(x->wgi_pv == y->wgi_pv);
        assert_int_equal(x->outage_source, y->outage_source);
        assert_process_equal(&x->outage, &y->outage);
        assert_int_equal(x->aggregate, y->aggregate);
        assert_int_equal(x->has_regime, y->has_regime);
        assert_true(x->regime_tense_multiplier == y->regime_tense_multiplier);
        assert_true(x->regime_calm_months == y->regime_calm_months);
        assert_true(x->regime_tense_months == y->regime_tense_months);
    }
    assert_int_equal(a->nminerals, b->nminerals);
    for (int i = 0; i < a->nminerals; i++) {
        const mr_mineral *x = &a->minerals[i], *y = &b->minerals[i];
        assert_string_equal(x->id, y->id);
        assert_string_equal(x->name, y->name);
        assert_string_equal(x->unit, y->unit);
        assert_true(x->demand_t == y->demand_t);
        assert_true(x->recycled_share == y->recycled_share);
        assert_true(x->domestic_share == y->domestic_share);
        assert_path_equal(x->recycled_path, y->recycled_path);
        assert_path_equal(x->domestic_path, y->domestic_path);
        assert_true(x->spare_ramp_months == y->spare_ramp_months);
        for (int s = 0; s < MR_NSTAGES; s++) {
            assert_int_equal(x->stage[s].n, y->stage[s].n);
            for (int k = 0; k < x->stage[s].n; k++) {
                const mr_supplier *u = &x->stage[s].suppliers[k], *v = &y->stage[s].suppliers[k];
                assert_int_equal(u->country, v->country);
                assert_true(u->share == v->share);
                assert_true(u->spare == v->spare);
                assert_process_equal(&u->outage, &v->outage);
            }
        }
        assert_int_equal(x->uk.n, y->uk.n);
        for (int k = 0; k < x->uk.n; k++) {
            assert_int_equal(x->uk.suppliers[k].country, y->uk.suppliers[k].country);
            assert_true(x->uk.suppliers[k].share == y->uk.suppliers[k].share);
        }
        assert_int_equal(x->uk_basis, y->uk_basis);
        assert_int_equal(x->uk_capped, y->uk_capped);
        assert_int_equal(x->uk_before.n, y->uk_before.n);
        for (int k = 0; k < x->uk_before.n; k++) {
            assert_int_equal(x->uk_before.suppliers[k].country, y->uk_before.suppliers[k].country);
            assert_true(x->uk_before.suppliers[k].share == y->uk_before.suppliers[k].share);
        }
        assert_int_equal(x->uk_source == NULL, y->uk_source == NULL);
        if (x->uk_source)
            assert_string_equal(x->uk_source, y->uk_source);
        assert_memory_equal(&x->stockpile, &y->stockpile, sizeof x->stockpile);
        assert_memory_equal(&x->price, &y->price, sizeof x->price);
        const mr_market *u = &x->market, *v = &y->market;
        assert_int_equal(u->present, v->present);
        assert_true(u->stock_months == v->stock_months);
        assert_true(u->stock_adjust_months == v->stock_adjust_months);
        assert_true(u->stock_price_response == v->stock_price_response);
        assert_true(u->elasticity_long_run == v->elasticity_long_run);
        assert_true(u->substitution_months == v->substitution_months);
        assert_true(u->world_demand_t == v->world_demand_t);
        assert_int_equal(u->ndomestic, v->ndomestic);
        if (u->ndomestic) {
            assert_memory_equal(u->domestic_country, v->domestic_country,
                                (size_t)u->ndomestic * sizeof(int));
            assert_memory_equal(u->domestic_use, v->domestic_use,
                                (size_t)u->ndomestic * sizeof(double));
        }
        assert_disruption_equal(&x->domestic_outage, &y->domestic_outage);
        assert_refined_abroad_equal(&x->refined_abroad, &y->refined_abroad);
    }
    assert_int_equal(a->nsectors, b->nsectors);
    for (int i = 0; i < a->nsectors; i++) {
        const mr_sector *x = &a->sectors[i], *y = &b->sectors[i];
        assert_string_equal(x->id, y->id);
        assert_string_equal(x->name, y->name);
        assert_true(x->output_gbp == y->output_gbp);
        assert_true(x->gva_gbp == y->gva_gbp);
        assert_path_equal(x->output_path, y->output_path);
        assert_path_equal(x->gva_path, y->gva_path);
        assert_int_equal(x->priority, y->priority);
        assert_true(x->recovery_rate == y->recovery_rate);
        assert_int_equal(x->combine, y->combine);
        assert_int_equal(x->nneeds, y->nneeds);
        for (int k = 0; k < x->nneeds; k++) {
            const mr_need *u = &x->needs[k], *v = &y->needs[k];
            assert_int_equal(u->mineral, v->mineral);
            assert_true(u->dependent_share == v->dependent_share);
            assert_path_equal(u->dependent_path, v->dependent_path);
            assert_true(u->substitutable == v->substitutable);
            assert_true(u->demand_share == v->demand_share);
            assert_true(u->spend_gbp == v->spend_gbp);
            assert_true(u->buffer_months == v->buffer_months);
        }
    }
    assert_int_equal(a->nevents, b->nevents);
    for (int i = 0; i < a->nevents; i++) {
        const mr_event *x = &a->events[i], *y = &b->events[i];
        assert_string_equal(x->id, y->id);
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->country, y->country);
        assert_int_equal(x->scope, y->scope);
        assert_true(x->processed_elsewhere == y->processed_elsewhere);
        assert_true(x->licensing == y->licensing);
        assert_int_equal(x->nminerals, y->nminerals);
        assert_memory_equal(x->minerals, y->minerals, (size_t)x->nminerals * sizeof(int));
        assert_int_equal(x->mineral_probability == NULL, y->mineral_probability == NULL);
        if (x->mineral_probability)
            assert_memory_equal(x->mineral_probability, y->mineral_probability,
                                (size_t)x->nminerals * sizeof(double));
        assert_int_equal(x->stages[0], y->stages[0]);
        assert_int_equal(x->stages[1], y->stages[1]);
        assert_process_equal(&x->process, &y->process);
        assert_int_equal(x->noccurrences, y->noccurrences);
        if (x->noccurrences)
            assert_memory_equal(x->occurrences, y->occurrences,
                                (size_t)x->noccurrences * sizeof *x->occurrences);
    }
    assert_true(a->policy_cap == b->policy_cap);
    const mr_policies *pa_ = &a->policies, *pb_ = &b->policies;
    assert_int_equal(pa_->new_source_country, pb_->new_source_country);
    assert_path_equal(pa_->domestic_path, pb_->domestic_path);
    assert_path_equal(pa_->recycled_path, pb_->recycled_path);
    assert_true(pa_->new_source_spare == pb_->new_source_spare);
    assert_process_equal(&pa_->new_source_outage, &pb_->new_source_outage);
    assert_true(pa_->domestic_share == pb_->domestic_share);
    assert_disruption_equal(&pa_->domestic_outage, &pb_->domestic_outage);
    assert_refined_abroad_equal(&pa_->refined_abroad, &pb_->refined_abroad);
    assert_true(pa_->recycled_share == pb_->recycled_share);
    assert_int_equal(pa_->has_stockpile, pb_->has_stockpile);
    assert_true(pa_->stockpile_months == pb_->stockpile_months);
    assert_int_equal(pa_->nstockpile_minerals, pb_->nstockpile_minerals);
    if (pa_->nstockpile_minerals)
        assert_memory_equal(pa_->stockpile_minerals, pb_->stockpile_minerals,
                            (size_t)pa_->nstockpile_minerals * sizeof(int));
    assert_true(pa_->stockpile_trigger == pb_->stockpile_trigger);
    assert_true(pa_->stockpile_max_release == pb_->stockpile_max_release);
    assert_true(pa_->stockpile_refill_rate == pb_->stockpile_refill_rate);
    assert_int_equal(pa_->has_rationing, pb_->has_rationing);
    assert_int_equal(pa_->rationing, pb_->rationing);
    assert_int_equal(pa_->other_uses_priority, pb_->other_uses_priority);
    assert_int_equal(pa_->has_cost, pb_->has_cost);
    assert_true(pa_->cost_horizon_gbp == pb_->cost_horizon_gbp);
    for (int k = 0; k < MR_NLEVERS; k++) {
        const mr_policy_cost *u = &pa_->cost[k], *v = &pb_->cost[k];
        assert_int_equal(u->given, v->given);
        assert_true(u->gbp_per_year == v->gbp_per_year);
        assert_path_equal(u->path, v->path);
        assert_true(u->horizon_gbp == v->horizon_gbp);
        assert_int_equal(u->source == NULL, v->source == NULL);
        if (u->source)
            assert_string_equal(u->source, v->source);
    }
    size_t S = (size_t)a->nsectors, M = (size_t)a->nminerals;
    assert_memory_equal(a->interdependency, b->interdependency, S * S * sizeof(double));
    assert_memory_equal(a->price_correlation, b->price_correlation, M * M * sizeof(double));
}

/* resolved YAML -> parse -> the same struct, and the same text again. */
static void check_round_trip(const mr_scenario *sc)
{
    mr_scenario back;
    mr_error err;
    char *y1 = mr_scenario_resolved_yaml(sc);
    assert_non_null(y1);
    if (mr_scenario_parse("resolved.yaml", y1, strlen(y1), &back, &err) != 0)
        fail_msg("resolved YAML does not parse: %s\n%s", err.msg, y1);
    assert_scenario_equal(sc, &back);
    char *y2 = mr_scenario_resolved_yaml(&back);
    assert_non_null(y2);
    assert_string_equal(y1, y2);
    free(y1);
    free(y2);
    mr_scenario_free(&back);
}

/* --------------------------------------------------------------- tests */

static void test_defaults(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_error err;
    if (parse(MINIMAL, &sc, &err))
        fail_msg("%s", err.msg);

    assert_string_equal(sc.name, "minimal");
    assert_string_equal(sc.description, "");
    assert_string_equal(sc.source_path, "t.yaml");
    assert_int_equal(sc.source_len, strlen(MINIMAL));
    assert_string_equal(sc.source_text, MINIMAL);
    assert_int_equal(sc.horizon_years, 3);
    assert_int_equal(sc.steps_per_year, 12);
    assert_true(sc.trials == 10000);
    assert_true(sc.seed == 1);
    assert_false(sc.has_wgi_rate);
    assert_true(sc.buffer_refill_rate == 0.5);
    assert_int_equal(sc.rationing, MR_RATION_PROPORTIONAL);
    assert_int_equal(sc.other_uses_priority, 1000);

    assert_int_equal(sc.ncountries, 2);
    assert_string_equal(sc.countries[0].id, "A");
    assert_string_equal(sc.countries[0].name, "A");
    assert_false(sc.countries[0].has_wgi);
    assert_int_equal(sc.countries[0].outage_source, MR_OUTAGE_NONE);
    assert_true(sc.countries[0].outage.rate_per_year == 0);
    /* wgi_pv without defaults.wgi_rate: no derived outage */
    assert_true(sc.countries[1].has_wgi);
    assert_true(sc.countries[1].wgi_pv == 0.5);
    assert_int_equal(sc.countries[1].outage_source, MR_OUTAGE_NONE);
    assert_true(sc.countries[1].outage.rate_per_year == 0);

    assert_int_equal(sc.nminerals, 1);
    const mr_mineral *m = &sc.minerals[0];
    assert_string_equal(m->id, "m");
    assert_string_equal(m->name, "m");
    assert_string_equal(m->unit, "t");
    assert_true(m->demand_t == 10);
    assert_true(m->recycled_share == 0 && m->domestic_share == 0);
    assert_true(m->spare_ramp_months == 0);
    assert_int_equal(m->stage[MR_STAGE_MINING].n, 1);
    assert_int_equal(m->stage[MR_STAGE_REFINING].n, 0);
    assert_null(m->stage[MR_STAGE_REFINING].suppliers);
    const mr_supplier *s = &m->stage[MR_STAGE_MINING].suppliers[0];
    assert_int_equal(s->country, 0);
    assert_true(s->share == 1 && s->spare == 0);
    assert_true(s->outage.rate_per_year == 0);
    assert_false(m->stockpile.present);
    assert_true(m->price.ref == 100);
    assert_true(m->price.theta == 0.5);
    assert_true(m->price.sigma == 0.3);
    assert_true(m->price.elasticity == 0.3);
    assert_true(m->price.max_multiple == 10);
    assert_true(m->price.jump_rate == 0 && m->price.jump_mu == 0 && m->price.jump_sigma == 0);
    assert_false(m->market.present); /* no market: model v1 */
    assert_int_equal(m->market.ndomestic, 0);

    assert_int_equal(sc.nsectors, 1);
    const mr_sector *j = &sc.sectors[0];
    assert_string_equal(j->id, "s");
    assert_string_equal(j->name, "s");
    assert_true(j->output_gbp == 1e9);
    assert_int_equal(j->priority, 100);
    assert_true(j->recovery_rate == 1.0);
    assert_int_equal(j->combine, MR_COMBINE_LIMITING);
    assert_int_equal(j->nneeds, 1);
    assert_int_equal(j->needs[0].mineral, 0);
    assert_true(j->needs[0].dependent_share == 0.5);
    assert_true(j->needs[0].substitutable == 0);
    assert_true(j->needs[0].demand_share == 0.25);
    assert_true(j->needs[0].spend_gbp == 0);
    assert_true(j->needs[0].buffer_months == 0);
    assert_true(j->gva_gbp == 0); /* not given */

    assert_int_equal(sc.nevents, 0);
    assert_null(sc.events);
    assert_true(sc.interdependency[0] == 0);
    assert_true(sc.price_correlation[0] == 1);

    /* a scenario without the market layer's keys resolves as before */
    char *y = mr_scenario_resolved_yaml(&sc);
    assert_non_null(y);
    assert_null(strstr(y, "market"));
    assert_null(strstr(y, "gva_gbp"));
    free(y);
    check_round_trip(&sc);
    mr_scenario_free(&sc);
    assert_true(is_zero(&sc));
    mr_scenario_free(&sc); /* freeing twice is harmless */
}

static void test_full(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_error err;
    if (parse(FULL, &sc, &err))
        fail_msg("%s", err.msg);

    assert_string_equal(sc.name, "full \"quoted\" name");
    assert_string_equal(sc.description, "two\nlines\n");
    assert_int_equal(sc.steps_per_year, 52);
    assert_true(sc.trials == 4294967295u);
    assert_true(sc.seed == UINT64_MAX);
    assert_true(sc.has_wgi_rate);
    assert_int_equal(sc.wgi_severity.kind, MR_SEV_BETA);
    assert_true(sc.wgi_severity.a == 2 && sc.wgi_severity.b == 5);
    assert_int_equal(sc.wgi_duration.kind, MR_DUR_EXPONENTIAL);
    assert_true(sc.wgi_duration.a == 4);
    assert_true(sc.buffer_refill_rate == 0.75);
    assert_int_equal(sc.rationing, MR_RATION_PRIORITY);
    assert_int_equal(sc.other_uses_priority, 7);

    /* MODEL §3.1: rate = rate_at_zero * factor ^ (-wgi_pv) */
    const mr_country *cn = &sc.countries[0];
    assert_int_equal(cn->outage_source, MR_OUTAGE_FROM_WGI);
    assert_true(cn->outage.rate_per_year == 0.05 * pow(2.5, 0.44));
    assert_int_equal(cn->outage.severity.kind, MR_SEV_BETA);
    assert_int_equal(cn->outage.duration.kind, MR_DUR_EXPONENTIAL);
    const mr_country *au = &sc.countries[1];
    assert_int_equal(au->outage_source, MR_OUTAGE_EXPLICIT); /* explicit wins over wgi */
    assert_true(au->outage.rate_per_year == 0.02);
    assert_int_equal(au->outage.severity.kind, MR_SEV_FIXED);
    assert_true(au->outage.severity.a == 0.3);
    assert_int_equal(au->outage.duration.kind, MR_DUR_FIXED);
    assert_true(au->outage.duration.a == 2);
    assert_int_equal(sc.countries[2].outage_source, MR_OUTAGE_NONE);

    const mr_mineral *ga = &sc.minerals[0];
    assert_string_equal(ga->name, "Gallium");
    assert_string_equal(ga->unit, "kg");
    assert_true(ga->demand_t == 10000);
    assert_int_equal(ga->stage[0].n, 3);
    assert_int_equal(ga->stage[1].n, 1);
    const mr_supplier *s = &ga->stage[0].suppliers[1];
    assert_int_equal(s->country, 1);
    assert_true(s->spare == 0.2);
    assert_int_equal(s->outage.severity.kind, MR_SEV_UNIFORM);
    assert_true(s->outage.severity.a == 0.2 && s->outage.severity.b == 0.4);
    assert_int_equal(s->outage.duration.kind, MR_DUR_LOGNORMAL);
    assert_true(s->outage.duration.a == 3 && s->outage.duration.b == 0.5);
    /* stockpile defaults: initial = target */
    assert_true(ga->stockpile.present);
    assert_true(ga->stockpile.target_months == 3 && ga->stockpile.initial_months == 3);
    assert_true(ga->stockpile.trigger == 0 && ga->stockpile.max_release == 1);
    assert_true(ga->stockpile.refill_rate == 0.25);
    assert_true(ga->price.jump_rate == 0.3 && ga->price.jump_mu == -0.1);
    const mr_mineral *li = &sc.minerals[1];
    assert_true(li->stockpile.initial_months == 1 && li->stockpile.max_release == 0.3);

    assert_int_equal(sc.sectors[0].combine, MR_COMBINE_INDEPENDENT);
    assert_int_equal(sc.sectors[0].priority, 3);
    assert_int_equal(sc.sectors[0].needs[0].mineral, 1);
    assert_int_equal(sc.sectors[1].nneeds, 0);

    assert_int_equal(sc.nevents, 2);
    assert_true(sc.events[0].stages[0] && sc.events[0].stages[1]); /* default: both */
    assert_int_equal(sc.events[0].nminerals, 2);
    assert_int_equal(sc.events[0].minerals[1], 1);
    assert_string_equal(sc.events[1].name, "ref-only");
    assert_false(sc.events[1].stages[MR_STAGE_MINING]);
    assert_true(sc.events[1].stages[MR_STAGE_REFINING]);
    assert_true(sc.events[1].process.duration.a == 1.5);

    /* A*[i][j], row-major in sector order (def, auto) */
    assert_true(sc.interdependency[0 * 2 + 1] == 0.3);
    assert_true(sc.interdependency[1 * 2 + 0] == 0.2);
    assert_true(sc.interdependency[1 * 2 + 1] == 0.1);
    assert_true(sc.interdependency[0] == 0);
    /* given one way, filled both ways */
    assert_true(sc.price_correlation[1] == 0.4 && sc.price_correlation[2] == 0.4);
    assert_true(sc.price_correlation[3] == 1);

    char *y = mr_scenario_resolved_yaml(&sc);
    assert_non_null(y);
    assert_non_null(strstr(y, "# outage derived from defaults.wgi_rate"));
    free(y);
    check_round_trip(&sc);
    mr_scenario_free(&sc);
}

static void test_inline_errors(void **state)
{
    (void)state;
    expect_error("", NULL, NULL,
                 "t.yaml:1:1: (root): the document is empty; expected a mapping with name, "
                 "simulation, countries, minerals and sectors");
    expect_error("- a\n- b\n", NULL, NULL, "t.yaml:1:1: (root): expected a mapping, got a list");
    expect_error("name: [x\n", NULL, NULL,
                 "t.yaml:2:1: name: syntax: did not find expected ',' or ']'");
    /* a composer's error before a parse error: not the parse error's key */
    expect_error("name: *nope\ndescription: [x\n", NULL, NULL,
                 "t.yaml:1:7: syntax: found undefined alias");
    /* a byte that is not UTF-8 far into a file (line 3002, 39 KB): libyaml
       decodes ahead of the parser, which stood at an earlier key (k2914)
       then; that key is not named */
    {
        enum { LINES = 3000 };
        char *t = malloc(LINES * 16 + 64);
        assert_non_null(t);
        size_t n = (size_t)sprintf(t, "name: x\n");
        for (int i = 0; i < LINES; i++)
            n += (size_t)sprintf(t + n, "k%d: %d\n", i, i);
        sprintf(t + n, "desc: \xff\n");
        expect_error(t, NULL, NULL, "t.yaml:3002:7: syntax: invalid leading UTF-8 octet");
        free(t);
    }
    expect_error(MINIMAL, "share: 1}", "share: 1.3}",
                 "t.yaml:11:29: minerals.m.mining[0].share: must be in [0,1], got 1.3");
    expect_error(MINIMAL, "{country: A,", "{country: a,",
                 "t.yaml:11:19: minerals.m.mining[0].country: unknown country 'a' (did you mean "
                 "'A'?)");
    expect_error(MINIMAL, "price: {ref: 100}", "price: {ref: 100, thetta: 1}",
                 "t.yaml:12:23: minerals.m.price.thetta: unknown key 'thetta' (did you mean "
                 "'theta'?)");
    expect_error(MINIMAL, "price: {ref: 100}", "price: {ref: 0}",
                 "t.yaml:12:18: minerals.m.price.ref: must be in (0,1e+12], got 0");
    expect_error(MINIMAL, "price: {ref: 100}", "price: {ref: 100, max_multiple: 1}",
                 "t.yaml:12:37: minerals.m.price.max_multiple: must be in (1,1e+06], got 1");
    expect_error(MINIMAL, "price: {ref: 100}",
                 "stockpile: {target_months: 1, trigger: 1}\n"
                 "    price: {ref: 100}",
                 "t.yaml:12:44: minerals.m.stockpile.trigger: must be in [0,1), got 1");
    expect_error(MINIMAL, "output_gbp: 1e9", "output_gbp: 1e9\n    recovery_rate: 0",
                 "t.yaml:16:20: sectors.s.recovery_rate: must be in (0,1], got 0");
    expect_error(MINIMAL, "horizon_years: 3", "horizon_years: 3\n  seed: -1",
                 "t.yaml:4:9: simulation.seed: must be an integer in [0,18446744073709551615], "
                 "got -1");
    expect_error(MINIMAL, "horizon_years: 3", "horizon_years: 3\n  seed: 18446744073709551616",
                 "t.yaml:4:9: simulation.seed: must be an integer in [0,18446744073709551615], "
                 "got 18446744073709551616");
    expect_error(MINIMAL, "horizon_years: 3", "horizon_years: 1001",
                 "t.yaml:3:18: simulation.horizon_years: must be an integer in [1,1000], got 1001");
    expect_error(MINIMAL, "sectors:",
                 "events:\n  e: {country: A, minerals: [m], "
                 "rate_per_year: 1, severity: {uniform: [0.1]}, duration_months: 1}\nsectors:",
                 "t.yaml:14:72: events.e.severity.uniform: expected a list of two numbers [a, b], "
                 "got a list of another length");
    expect_error(MINIMAL, "sectors:",
                 "events:\n  e: {country: A, minerals: [m], "
                 "rate_per_year: 1, severity: {beta: [0, 1]}, duration_months: 1}\nsectors:",
                 "t.yaml:14:70: events.e.severity.beta[0]: must be in [0.001,1e+06], got 0");
    expect_error(MINIMAL, "sectors:",
                 "events:\n  e: {country: A, minerals: [m], "
                 "rate_per_year: 1, severity: 1, duration_months: {lognormal: {median: 2}}}\n"
                 "sectors:",
                 "t.yaml:14:94: events.e.duration_months.lognormal.sigma: required key is missing");
    expect_error(MINIMAL, "sectors:",
                 "events:\n  e: {country: A, minerals: [m, m], "
                 "rate_per_year: 1, severity: 1, duration_months: 1}\nsectors:",
                 "t.yaml:14:33: events.e.minerals[1]: mineral 'm' is listed twice (at [0])");
    expect_error(MINIMAL, "A: {}", "A: {}\n  A: {}",
                 "t.yaml:6:3: countries.A: duplicate key 'A' (first given at line 5)");
    expect_error(MINIMAL, "name: minimal", "name: \"\"", "t.yaml:1:7: name: must not be empty");
    expect_error(MINIMAL, "1e9", "\"1e9\"",
                 "t.yaml:15:17: sectors.s.output_gbp: expected a number, got the quoted string "
                 "'1e9'");
    expect_error(MINIMAL, "1e9", ".inf",
                 "t.yaml:15:17: sectors.s.output_gbp: expected a number, got '.inf'");
    expect_error(MINIMAL, "sectors:", "rationing: {other_uses_priority: 3}\nsectors:",
                 "t.yaml:13:12: rationing.rule: required key is missing");
    expect_error(MINIMAL, "sectors:", "rationing: proportionnal\nsectors:",
                 "t.yaml:13:12: rationing: must be 'proportional' or 'priority', got "
                 "'proportionnal' (did you mean 'proportional'?)");
    /* a message stays one line whatever the key holds */
    expect_error(MINIMAL, "name: minimal", "name: minimal\n\"bad\\nkey\": 1",
                 "t.yaml:2:1: bad\\nkey: unknown key 'bad\\nkey' (expected one of: name, "
                 "description, extends, simulation, defaults, rationing, policies, countries, "
                 "minerals, sectors, events, interdependency, price_correlation, output, sweep, "
                 "uncertain, importance)");
}

static void test_load_errors(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_error err;
    assert_int_equal(mr_scenario_load("tests/bad/no-such-file.yaml", &sc, &err), -1);
    assert_string_equal(err.msg,
                        "tests/bad/no-such-file.yaml: cannot read: No such file or directory");
    assert_true(is_zero(&sc));
    assert_int_equal(mr_scenario_load("tests/bad", &sc, &err), -1);
    assert_string_equal(err.msg, "tests/bad: not a regular file (a directory)");
    assert_true(is_zero(&sc));
    /* a result file (HDF5's 8-byte signature) given for a scenario */
    char path[] = "/tmp/minrisk-loading-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char sig[] = "\x89HDF\r\n\x1a\n\0\0\0\0";
    assert_int_equal(write(fd, sig, sizeof sig), (ssize_t)sizeof sig);
    close(fd);
    assert_int_equal(mr_scenario_load(path, &sc, &err), -1);
    char want[256];
    snprintf(want, sizeof want,
             "%s: an HDF5 file (a minrisk result?), not a scenario: scenarios are YAML "
             "(docs/SCENARIO_FORMAT.md); minrisk summary, export and report read results",
             path);
    assert_string_equal(err.msg, want);
    assert_true(is_zero(&sc));
    unlink(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file in tests/bad fails with exactly its "# expect:" line. */
static void test_bad_files(void **state)
{
    (void)state;
    DIR *d = opendir("tests/bad");
    assert_non_null(d);
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    assert_true(n >= 24);

    for (int i = 0; i < n; i++) {
        char path[512], expect[MR_ERRMSG_MAX + 16] = "";
        snprintf(path, sizeof path, "tests/bad/%s", names[i]);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        if (!fgets(expect, sizeof expect, f))
            expect[0] = '\0';
        fclose(f);
        expect[strcspn(expect, "\n")] = '\0';
        if (strncmp(expect, "# expect: ", 10) != 0)
            fail_msg("%s: first line is not '# expect: ...'", path);

        mr_scenario sc;
        mr_error err;
        int rc = mr_scenario_load(path, &sc, &err);
        if (rc == 0 && sc.nsweep > 0) { /* a bad value of a sweep: in its variants */
            rc = mr_sweep_check(&sc, &err);
            mr_scenario_free(&sc);
            memset(&sc, 0, sizeof sc);
            if (rc == 0)
                fail_msg("%s: every variant parsed without error", path);
        } else if (rc == 0 && sc.nuncertain > 0) { /* a bad value of an uncertain key */
            rc = mr_uncertainty_check(&sc, &err);
            mr_scenario_free(&sc);
            memset(&sc, 0, sizeof sc);
            if (rc == 0)
                fail_msg("%s: every extreme value parsed without error", path);
        } else if (rc == 0) {
            mr_scenario_free(&sc);
            fail_msg("%s: parsed without error", path);
        }
        if (strcmp(err.msg, expect + 10) != 0)
            fail_msg("%s:\n  expected: %s\n  got:      %s", path, expect + 10, err.msg);
        assert_null(strchr(err.msg, '\n'));
        assert_true(is_zero(&sc));
        free(names[i]);
    }
}

static void test_demo(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_error err;
    if (mr_scenario_load("scenarios/demo.yaml", &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.horizon_years, 10);
    assert_int_equal(sc.steps_per_year, 12);
    assert_true(sc.trials == 20000);
    assert_true(sc.seed == 20261126);
    assert_true(sc.has_wgi_rate);
    assert_int_equal(sc.nsectors, 4);
    const char *sectors[] = {"automotive", "defence", "clean_energy", "electronics"};
    for (int i = 0; i < 4; i++)
        assert_string_equal(sc.sectors[i].id, sectors[i]);
    assert_true(sc.ncountries >= 6 && sc.ncountries <= 10);
    assert_true(sc.nminerals >= 5);
    assert_true(sc.nevents >= 1);
    /* the export-control event hits gallium, germanium and graphite */
    const mr_event *ev = &sc.events[0];
    assert_string_equal(sc.countries[ev->country].id, "CN");
    assert_int_equal(ev->nminerals, 3);
    bool stockpile = false;
    for (int i = 0; i < sc.nminerals; i++)
        stockpile |= sc.minerals[i].stockpile.present;
    assert_true(stockpile);
    bool nonzero = false;
    for (int i = 0; i < sc.nsectors * sc.nsectors; i++)
        nonzero |= sc.interdependency[i] != 0;
    assert_true(nonzero);
    /* the bytes are kept for /scenario/source */
    assert_true(sc.source_len > 0);
    assert_int_equal(strlen(sc.source_text), sc.source_len);
    check_round_trip(&sc);
    mr_scenario_free(&sc);
}

/* The market layer's keys (tests/scenarios/market_keys.yaml), with a
   country's regime, an event's minerals as a mapping of probabilities and
   a licensing share (docs/MODEL.md §3r, §3s): read into their fields,
   defaults filled in, and the resolved form reads back. */
static void test_market_keys(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_error err;
    if (mr_scenario_load("tests/scenarios/market_keys.yaml", &sc, &err))
        fail_msg("%s", err.msg);
    const mr_market *ga = &sc.minerals[0].market, *ni = &sc.minerals[1].market;
    assert_true(ga->present);
    assert_true(ga->stock_months == 2.5 && ga->stock_adjust_months == 6);
    assert_true(ga->stock_price_response == 0.8 && ga->elasticity_long_run == 0.9);
    assert_true(ga->substitution_months == 24 && ga->world_demand_t == 700);
    assert_int_equal(ga->ndomestic, 2); /* file order: CN, ROW */
    assert_int_equal(ga->domestic_country[0], 0);
    assert_int_equal(ga->domestic_country[1], 3);
    assert_true(ga->domestic_use[0] == 0.6 && ga->domestic_use[1] == 0.01);
    /* market: {} is present, with every default; the long run is the short */
    assert_true(ni->present);
    assert_true(ni->stock_months == 0 && ni->stock_adjust_months == 3);
    assert_true(ni->stock_price_response == 1 && ni->substitution_months == 12);
    assert_true(ni->elasticity_long_run == sc.minerals[1].price.elasticity);
    assert_true(ni->world_demand_t == 0);
    assert_int_equal(ni->ndomestic, 0);
    assert_false(sc.minerals[2].market.present);
    assert_true(sc.sectors[0].gva_gbp == 8e9 && sc.sectors[1].gva_gbp == 0);
    assert_int_equal(sc.events[0].scope, MR_SCOPE_EXPORTS);
    assert_true(sc.events[0].licensing == 0.3);
    assert_null(sc.events[0].mineral_probability); /* the list form */
    assert_int_equal(sc.events[1].scope, MR_SCOPE_ORE);
    assert_true(sc.events[1].processed_elsewhere == 0.7);
    assert_true(sc.events[1].licensing == 0);
    assert_int_equal(sc.events[2].scope, MR_SCOPE_PRODUCTION);
    assert_true(sc.events[2].processed_elsewhere == 0);
    /* minerals as a mapping: file order (nickel, then gallium), each its
       probability, 1 kept */
    const mr_event *ev = &sc.events[2];
    assert_int_equal(ev->nminerals, 2);
    assert_int_equal(ev->minerals[0], 1);
    assert_int_equal(ev->minerals[1], 0);
    assert_non_null(ev->mineral_probability);
    assert_true(ev->mineral_probability[0] == 0.5 && ev->mineral_probability[1] == 1);
    /* CN's regime; the others have none */
    const mr_country *cn = &sc.countries[0];
    assert_true(cn->has_regime);
    assert_true(cn->regime_tense_multiplier == 4);
    assert_true(cn->regime_calm_months == 96 && cn->regime_tense_months == 24);
    for (int c = 1; c < sc.ncountries; c++)
        assert_false(sc.countries[c].has_regime);
    check_round_trip(&sc);
    mr_scenario_free(&sc);
}

/* ------------------------------------------------------------ extends */

static void parse_ok(const char *path, const char *text, mr_scenario *sc)
{
    mr_error err;
    if (mr_scenario_parse(path, text, strlen(text), sc, &err))
        fail_msg("%s", err.msg);
}

static void parse_err(const char *path, const char *text, const char *want)
{
    mr_scenario sc;
    mr_error err;
    if (mr_scenario_parse(path, text, strlen(text), &sc, &err) == 0) {
        mr_scenario_free(&sc);
        fail_msg("%s parsed without error", path);
    }
    assert_string_equal(err.msg, want);
    assert_true(is_zero(&sc));
}

static int mineral_index(const mr_scenario *sc, const char *id)
{
    for (int i = 0; i < sc->nminerals; i++)
        if (!strcmp(sc->minerals[i].id, id))
            return i;
    fail_msg("no mineral %s", id);
    return -1;
}

static const char *country_of(const mr_scenario *sc, const mr_stage *st, int k)
{
    return sc->countries[st->suppliers[k].country].id;
}

/* Overrides: a scalar, one mineral's price sigma (nested), a list replaced. */
static void test_extends_override(void **state)
{
    (void)state;
    mr_scenario base, sc;
    mr_error err;
    if (mr_scenario_load("tests/bad/parents/base.yaml", &base, &err))
        fail_msg("%s", err.msg);
    parse_ok("tests/bad/child.yaml",
             "extends: parents/base.yaml\n"
             "name: child\n"
             "simulation: {trials: 500}\n"
             "minerals:\n"
             "  gallium:\n"
             "    price: {sigma: 0.5}\n"
             "  lithium:\n"
             "    mining: [{country: CA, share: 1}]\n",
             &sc);
    assert_string_equal(sc.name, "child");
    assert_string_equal(sc.description, "");
    assert_true(sc.trials == 500);         /* the scalar overridden */
    assert_int_equal(sc.horizon_years, 2); /* its siblings inherited */
    assert_true(sc.seed == 7);
    int ga = mineral_index(&sc, "gallium"), li = mineral_index(&sc, "lithium");
    assert_int_equal(ga, 0); /* the parent's order is kept */
    assert_true(sc.minerals[ga].price.sigma == 0.5);
    assert_true(sc.minerals[ga].price.ref == 500);
    assert_true(sc.minerals[li].price.sigma == base.minerals[li].price.sigma);
    assert_int_equal(sc.minerals[ga].stage[MR_STAGE_MINING].n, 3);
    assert_int_equal(sc.minerals[li].stage[MR_STAGE_MINING].n, 1); /* the list replaced */
    assert_string_equal(country_of(&sc, &sc.minerals[li].stage[MR_STAGE_MINING], 0), "CA");
    assert_int_equal(sc.nevents, 1);
    assert_int_equal(sc.ncountries, 4);
    /* the source is the bundle of both files; no `extends` in the resolved */
    const char *head = "# --- file: tests/bad/child.yaml (";
    assert_int_equal(strncmp(sc.source_text, head, strlen(head)), 0);
    assert_non_null(strstr(sc.source_text, "\n# --- file: tests/bad/parents/base.yaml ("));
    char *y = mr_scenario_resolved_yaml(&sc);
    assert_null(strstr(y, "extends"));
    free(y);
    check_round_trip(&sc);
    /* parsing the bundle again gives the same scenario and the same bundle */
    mr_scenario again;
    parse_ok("tests/bad/child.yaml", sc.source_text, &again);
    assert_scenario_equal(&sc, &again);
    assert_int_equal(again.source_len, sc.source_len);
    assert_string_equal(again.source_text, sc.source_text);
    mr_scenario_free(&again);
    mr_scenario_free(&sc);
    mr_scenario_free(&base);
}

/* A severity or duration that names another form than its parent's
   replaces it whole: tests/bad/parents/base.yaml's event has severity 0.5
   and duration 6 (fixed); a child giving {beta: [2, 3]} and {lognormal:
   {median: 4, sigma: 0.5}} has those alone. Merged key by key, they were
   {fixed: 0.5, beta: ...} and refused as "give only one of", at the
   parent's line. The same form merges key by key: {lognormal: {median: 9}}
   over the child's lognormal keeps its sigma. */
static void write_leaf(const char *path, const char *event_keys)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "extends: mid.yaml\nevents:\n  cn-controls:\n%s", event_keys);
    fclose(f);
}

static void test_extends_distribution_forms(void **state)
{
    (void)state;
    mr_scenario sc;
    char dir[] = "/tmp/minrisk-forms-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char mid[256], leaf[256], cwd[2048];
    snprintf(mid, sizeof mid, "%s/mid.yaml", dir);
    snprintf(leaf, sizeof leaf, "%s/leaf.yaml", dir);
    assert_non_null(getcwd(cwd, sizeof cwd));
    FILE *f = fopen(mid, "w");
    assert_non_null(f);
    fprintf(f,
            "extends: %s/tests/bad/parents/base.yaml\n"
            "events:\n"
            "  cn-controls:\n"
            "    severity: {beta: [2, 3]}\n"
            "    duration_months: {lognormal: {median: 4, sigma: 0.5}}\n"
            "countries:\n"
            "  CN: {outage: {rate_per_year: 0.2, severity: {uniform: [0.1, 0.3]},\n"
            "                duration_months: {exponential: 2}}}\n",
            cwd);
    fclose(f);
    mr_error err;
    if (mr_scenario_load(mid, &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.events[0].process.severity.kind, MR_SEV_BETA);
    assert_true(sc.events[0].process.severity.a == 2 && sc.events[0].process.severity.b == 3);
    assert_int_equal(sc.events[0].process.duration.kind, MR_DUR_LOGNORMAL);
    assert_true(sc.events[0].process.duration.a == 4 && sc.events[0].process.duration.b == 0.5);
    mr_scenario_free(&sc);

    /* over mid.yaml: fixed forms, and the same lognormal form merged */
    write_leaf(leaf, "    severity: {fixed: 0.25}\n"
                     "    duration_months: {lognormal: {median: 9}}\n"
                     "countries:\n"
                     "  CN: {outage: {severity: {fixed: 0.7}, duration_months: {fixed: 5}}}\n");
    if (mr_scenario_load(leaf, &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.events[0].process.severity.kind, MR_SEV_FIXED);
    assert_true(sc.events[0].process.severity.a == 0.25);
    assert_int_equal(sc.events[0].process.duration.kind, MR_DUR_LOGNORMAL);
    assert_true(sc.events[0].process.duration.a == 9 && sc.events[0].process.duration.b == 0.5);
    assert_int_equal(sc.countries[0].outage.severity.kind, MR_SEV_FIXED);
    assert_true(sc.countries[0].outage.severity.a == 0.7);
    assert_int_equal(sc.countries[0].outage.duration.kind, MR_DUR_FIXED);
    assert_true(sc.countries[0].outage.duration.a == 5);
    assert_true(sc.countries[0].outage.rate_per_year == 0.2);
    mr_scenario_free(&sc);

    /* an uncertain key's distribution likewise: triangular over mid's uniform */
    FILE *g = fopen(leaf, "w");
    assert_non_null(g);
    fputs("extends: mid.yaml\n"
          "uncertain:\n"
          "  keys:\n"
          "    events.cn-controls.rate_per_year: {triangular: [0.05, 0.1, 0.2]}\n",
          g);
    fclose(g);
    g = fopen(mid, "a");
    assert_non_null(g);
    fputs("uncertain:\n"
          "  rows: 4\n"
          "  keys:\n"
          "    events.cn-controls.rate_per_year: {uniform: [0.05, 0.2]}\n"
          "    countries.CN.outage.rate_per_year: {uniform: [0.1, 0.3]}\n",
          g);
    fclose(g);
    if (mr_scenario_load(leaf, &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.nuncertain, 2);
    assert_string_equal(sc.uncertain[0].path, "events.cn-controls.rate_per_year");
    assert_int_equal(sc.uncertain[0].kind, MR_DIST_TRIANGULAR);
    assert_true(sc.uncertain[0].a == 0.05 && sc.uncertain[0].b == 0.1 && sc.uncertain[0].c == 0.2);
    assert_int_equal(sc.uncertain[1].kind, MR_DIST_UNIFORM); /* mid's, kept */
    assert_true(sc.uncertain_rows == 4);
    mr_scenario_free(&sc);

    /* two forms in the child's own mapping are still refused, at the child */
    write_leaf(leaf, "    severity: {fixed: 0.25, uniform: [0, 1]}\n");
    assert_int_equal(mr_scenario_load(leaf, &sc, &err), -1);
    char want[512];
    snprintf(want, sizeof want,
             "%s:4:15: events.cn-controls.severity: give only one of fixed, uniform, beta", leaf);
    assert_string_equal(err.msg, want);
    assert_int_equal(unlink(leaf), 0);
    assert_int_equal(unlink(mid), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* A bundle needs no file: the chain is read back from it alone. */
static void test_extends_bundle_without_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/minrisk-extends-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char child[256], sub[256], parent[256];
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    snprintf(sub, sizeof sub, "%s/p", dir);
    snprintf(parent, sizeof parent, "%s/p/base.yaml", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    mr_scenario base;
    mr_error err;
    if (mr_scenario_load("tests/bad/parents/base.yaml", &base, &err))
        fail_msg("%s", err.msg);
    FILE *f = fopen(parent, "w");
    assert_non_null(f);
    fputs(base.source_text, f);
    fclose(f);
    f = fopen(child, "w");
    assert_non_null(f);
    fputs("extends: ./p/../p/base.yaml\nname: no files", f); /* no final newline */
    fclose(f);
    mr_scenario sc, back;
    if (mr_scenario_load(child, &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(remove(parent), 0);
    assert_int_equal(remove(child), 0);
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(rmdir(dir), 0);
    parse_ok(child, sc.source_text, &back);
    assert_scenario_equal(&sc, &back);
    assert_string_equal(back.name, "no files");
    assert_string_equal(back.source_text, sc.source_text);
    mr_scenario_free(&sc);
    mr_scenario_free(&back);
    mr_scenario_free(&base);
}

static void test_extends_errors(void **state)
{
    (void)state;
    mr_scenario sc;
    mr_error err;
    assert_int_equal(mr_scenario_load("tests/bad/extends_cycle.yaml", &sc, &err), -1);
    assert_string_equal(err.msg,
                        "tests/bad/extends_cycle.yaml:3:10: extends: cycle: "
                        "tests/bad/extends_cycle.yaml -> tests/bad/parents/cycle_b.yaml -> "
                        "tests/bad/extends_cycle.yaml");
    assert_true(is_zero(&sc));
    parse_err("tests/bad/self.yaml", "name: x\nextends: self.yaml\n",
              "tests/bad/self.yaml:2:10: extends: cycle: tests/bad/self.yaml -> "
              "tests/bad/self.yaml");
    /* an unknown key in the child: the child's file, line and column */
    parse_err(
        "tests/bad/c.yaml",
        "extends: parents/base.yaml\nname: c\nminerals:\n  gallium:\n    price: {sigmaa: 1}\n",
        "tests/bad/c.yaml:5:13: minerals.gallium.price.sigmaa: unknown key 'sigmaa' (did "
        "you mean 'sigma'?)");
    /* a schema error in a parent (two levels up the chain): the parent's */
    parse_err("tests/bad/c.yaml", "extends: parents/bad_parent.yaml\nname: c\n",
              "tests/bad/parents/bad_parent.yaml:5:29: minerals.lithium.price.sigma: must be in "
              "[0,10], got -0.4");
    parse_err("tests/bad/c.yaml", "extends: [a.yaml]\nname: c\n",
              "tests/bad/c.yaml:1:10: extends: expected the path of a scenario file, got a list");
    /* a key only the parent has, overridden with a wrong type in the child */
    parse_err("tests/bad/c.yaml", "extends: parents/base.yaml\nsimulation: {seed: x}\n",
              "tests/bad/c.yaml:2:20: simulation.seed: expected an integer, got 'x'");
}

/* ------------------------------------------------------------ time paths */

/* A copy of text with its first `from` replaced by `to` (the caller frees it). */
static char *edited(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t k = (size_t)(at - text), lt = strlen(to);
    char *out = malloc(strlen(text) - strlen(from) + lt + 1);
    assert_non_null(out);
    memcpy(out, text, k);
    memcpy(out + k, to, lt);
    strcpy(out + k + lt, at + strlen(from));
    return out;
}

/* A sector's output and value added as time paths (docs/SCENARIO_FORMAT.md,
   "Time paths"): the points as given, the value at 1 January of start_year
   in output_gbp (1e9 + (3e9 - 1e9) x 1/10 = 1.2e9), the
   resolved text reading back to the same paths; over `extends`, a child's
   path replaces its parent's whole (one point, not three). */
static void test_time_paths(void **state)
{
    (void)state;
    char *t1 = edited(MINIMAL, "  horizon_years: 3\n", "  horizon_years: 3\n  start_year: 2024\n");
    char *text = edited(t1, "    output_gbp: 1e9\n",
                        "    output_gbp: {2023: 1e9, 2033: 3e9}\n"
                        "    gva_gbp: {2024: 0.5e9, 2030: 0.25e9}\n");
    free(t1);
    mr_scenario sc;
    parse_ok("t.yaml", text, &sc);
    const mr_sector *se = &sc.sectors[0];
    assert_int_equal(sc.start_year, 2024);
    assert_non_null(se->output_path);
    assert_int_equal(se->output_path->n, 2);
    assert_true(se->output_path->year[0] == 2023 && se->output_path->year[1] == 2033);
    assert_true(se->output_path->value[0] == 1e9 && se->output_path->value[1] == 3e9);
    assert_true(fabs(se->output_gbp - 1.2e9) <= 1e-6);
    assert_true(se->gva_gbp == 0.5e9);
    check_round_trip(&sc);
    mr_scenario_free(&sc);

    /* a policy's floor as a phase-in path: read, its start value, round trip;
       with a mineral's own domestic share it may not pass 1 at any point */
    char *tp = edited(text, "sectors:\n",
                      "policies: {recycled_share: {2025: 0, 2035: 0.2}, domestic_share: 0.05}\n"
                      "sectors:\n");
    parse_ok("t.yaml", tp, &sc);
    assert_non_null(sc.policies.recycled_path);
    assert_int_equal(sc.policies.recycled_path->n, 2);
    assert_true(sc.policies.recycled_share == 0.0); /* 2024 is before 2025: the first value */
    assert_null(sc.policies.domestic_path);
    check_round_trip(&sc);
    mr_scenario_free(&sc);
    char *tb = edited(tp, "domestic_share: 0.05}", "domestic_share: 0.85}");
    parse_err("t.yaml", tb,
              "t.yaml:14:28: policies.recycled_share: minerals.m: recycled_share + "
              "domestic_share is 1.05 in 2035 after the policy, must be <= 1");
    free(tb);
    /* a floor path is not its start value held for good: the mineral keeps
       its own share (the floor applies step by step, sim/model.c), and two
       floors that cross stay within 1 (0.6 at most) */
    char *tf = edited(tp, "policies: {recycled_share: {2025: 0, 2035: 0.2}, domestic_share: 0.05}",
                      "policies: {domestic_share: {2024: 0.6, 2034: 0}, "
                      "recycled_share: {2024: 0, 2034: 0.6}}");
    parse_ok("t.yaml", tf, &sc);
    assert_true(sc.minerals[0].domestic_share == 0.0 && sc.minerals[0].recycled_share == 0.0);
    assert_true(sc.policies.domestic_share == 0.6 && sc.policies.domestic_path != NULL);
    check_round_trip(&sc);
    mr_scenario_free(&sc);
    free(tf);
    free(tp);

    char dir[] = "/tmp/minrisk-paths-XXXXXX", parent[256], child[256];
    assert_non_null(mkdtemp(dir));
    snprintf(parent, sizeof parent, "%s/parent.yaml", dir);
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    FILE *f = fopen(parent, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    parse_ok(child,
             "extends: parent.yaml\n"
             "sectors:\n"
             "  s:\n"
             "    gva_gbp: {2026: 0.75e9}\n",
             &sc);
    se = &sc.sectors[0];
    assert_int_equal(se->gva_path->n, 1);
    assert_true(se->gva_path->year[0] == 2026 && se->gva_path->value[0] == 0.75e9);
    assert_int_equal(se->output_path->n, 2); /* inherited */
    mr_scenario_free(&sc);
    assert_int_equal(unlink(parent), 0);
    assert_int_equal(rmdir(dir), 0);
    free(text);
}

/* Policies (MODEL §10) over an inherited model; the resolved YAML keeps
   them and reads back to the same scenario. */
static void test_policies(void **state)
{
    (void)state;
    mr_scenario sc;
    parse_ok("tests/bad/pol.yaml",
             "extends: parents/base.yaml\n"
             "name: pol\n"
             "policies:\n"
             "  diversification_cap:\n"
             "    cap: 0.60\n"
             "    on: world\n"
             "    new_source: {country: UK, spare: 0.1,\n"
             "                 outage: {rate_per_year: 0.05, severity: 0.5, duration_months: 2}}\n"
             "  domestic_share: 0.10\n"
             "  recycled_share: 0.20\n"
             "  stockpile: {months: 3, minerals: [gallium], max_release: 0.5}\n"
             "  rationing: priority\n",
             &sc);
    assert_true(sc.policy_cap == 0.60);
    const mr_mineral *ga = &sc.minerals[0], *li = &sc.minerals[1];
    const mr_stage *mi = &ga->stage[MR_STAGE_MINING], *re = &ga->stage[MR_STAGE_REFINING];
    assert_int_equal(mi->n, 4); /* 0.98/0.01/0.01 -> 0.60/0.01/0.01/0.38 */
    assert_true(mi->suppliers[0].share == 0.60);
    assert_true(mi->suppliers[1].share == 0.01 && mi->suppliers[2].share == 0.01);
    assert_true(fabs(mi->suppliers[3].share - 0.38) < 1e-12);
    assert_string_equal(country_of(&sc, mi, 3), "UK");
    assert_true(mi->suppliers[3].spare == 0.1);
    assert_true(mi->suppliers[3].outage.rate_per_year == 0.05);
    assert_int_equal(re->n, 2);
    assert_true(re->suppliers[0].share == 0.60 && fabs(re->suppliers[1].share - 0.4) < 1e-12);
    assert_int_equal(li->stage[MR_STAGE_MINING].n, 2); /* 0.5/0.5: untouched */
    assert_true(ga->domestic_share == 0.10 && ga->recycled_share == 0.20);
    assert_true(li->domestic_share == 0.10 && li->recycled_share == 0.20);
    assert_true(ga->stockpile.present && ga->stockpile.target_months == 3);
    assert_true(ga->stockpile.initial_months == 3 && ga->stockpile.max_release == 0.5);
    assert_false(li->stockpile.present);
    assert_int_equal(sc.rationing, MR_RATION_PRIORITY);
    check_round_trip(&sc);
    mr_scenario_free(&sc);

    /* pro rata: 0.98/0.01/0.01 -> 0.60/0.20/0.20 */
    parse_ok("tests/bad/pol.yaml",
             "extends: parents/base.yaml\n"
             "minerals:\n"
             "  gallium:\n"
             "    refining: [{country: CN, share: 0.5}, {country: AU, share: 0.5}]\n"
             "policies: {diversification_cap: {cap: 0.6, on: world}}\n",
             &sc);
    mi = &sc.minerals[0].stage[MR_STAGE_MINING];
    assert_int_equal(mi->n, 3);
    assert_true(mi->suppliers[0].share == 0.6);
    assert_true(fabs(mi->suppliers[1].share - 0.2) < 1e-12);
    assert_true(fabs(mi->suppliers[2].share - 0.2) < 1e-12);
    assert_true(sc.policies.new_source_country == -1);
    check_round_trip(&sc);
    mr_scenario_free(&sc);
}

/* policies.cost (MODEL §10): the total over the horizon worked by hand,
   per lever and in all; the resolved text reads back to the same costs;
   over `extends` the cost map merges key by key. */
static void test_policy_costs(void **state)
{
    (void)state;
    mr_scenario sc;
    static const char *text =
        "extends: parents/base.yaml\n"
        "name: costs\n"
        "simulation: {horizon_years: 10, steps_per_year: 12, start_year: 2024}\n"
        "policies:\n"
        "  stockpile: {months: 3}\n"
        "  recycled_share: 0.1\n"
        "  cost:\n"
        "    stockpile: {gbp_per_year: {2024: 10e6, 2034: 20e6}, source: 'assumption: test'}\n"
        "    recycled_share: {gbp_per_year: 7.2e6, source: 'a study (2025)'}\n";
    parse_ok("tests/bad/cost.yaml", text, &sc);
    const mr_policies *pol = &sc.policies;
    /* Step t (0..119) takes the path at its middle, 2024 + (t + 0.5)/12:
       10e6 + 10e6 (t + 0.5)/120 a year, for 1/12 of a year. The sum over t
       of (t + 0.5) is 120^2/2 = 7200, so the total is (120 x 10e6 + 10e6 x
       7200/120) / 12 = (1.2e9 + 0.6e9) / 12 = 150e6: the mean of the path
       over the ten years, 15e6, times 10. */
    assert_true(pol->has_cost);
    assert_true(pol->cost[MR_LEVER_STOCKPILE].given);
    assert_true(pol->cost[MR_LEVER_STOCKPILE].gbp_per_year == 10e6); /* at the start */
    assert_true(fabs(pol->cost[MR_LEVER_STOCKPILE].horizon_gbp - 150e6) <= 1e-4);
    assert_string_equal(pol->cost[MR_LEVER_STOCKPILE].source, "assumption: test");
    /* a number: 7.2e6 a year x 10 years, exactly */
    assert_true(pol->cost[MR_LEVER_RECYCLED].horizon_gbp == 72e6);
    assert_false(pol->cost[MR_LEVER_CAP].given || pol->cost[MR_LEVER_OTHER].given);
    assert_true(fabs(pol->cost_horizon_gbp - 222e6) <= 1e-4);
    check_round_trip(&sc);
    mr_scenario_free(&sc);

    /* the same path on a grid of 4 steps a year from 2025 over 11 years:
       from 2034 on it stays at 20e6; steps 0..35 are on the slope, at
       2025 + (t + 0.5)/4, 11e6 + 1e6 (t + 0.5)/4 a year; the 8 steps of
       2034 and 2035 at 20e6. (36 x 11e6 + 1e6 x 648/4 + 8 x 20e6) / 4 =
       (396e6 + 162e6 + 160e6) / 4 = 179.5e6. */
    char *t2 = edited(text, "{horizon_years: 10, steps_per_year: 12, start_year: 2024}",
                      "{horizon_years: 11, steps_per_year: 4, start_year: 2025}");
    parse_ok("tests/bad/cost.yaml", t2, &sc);
    assert_true(fabs(sc.policies.cost[MR_LEVER_STOCKPILE].horizon_gbp - 179.5e6) <= 1e-4);
    assert_true(sc.policies.cost[MR_LEVER_STOCKPILE].gbp_per_year == 11e6);
    assert_true(sc.policies.cost[MR_LEVER_RECYCLED].horizon_gbp == 79.2e6);
    mr_scenario_free(&sc);
    free(t2);

    /* no cost stated: nothing, and the total 0 */
    parse_ok("tests/bad/cost.yaml",
             "extends: parents/base.yaml\npolicies: {stockpile: {months: 3}}\n", &sc);
    assert_false(sc.policies.has_cost);
    assert_true(sc.policies.cost_horizon_gbp == 0);
    mr_scenario_free(&sc);

    /* extends: the child's cost map merges with its parent's */
    char dir[] = "/tmp/minrisk-cost-XXXXXX", parent[256], child[256], base[256];
    assert_non_null(mkdtemp(dir));
    snprintf(parent, sizeof parent, "%s/parent.yaml", dir);
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    snprintf(base, sizeof base, "%s/tests/bad/parents/base.yaml",
             getenv("MINRISK_SRC") ? getenv("MINRISK_SRC") : MINRISK_SOURCE_DIR);
    char *t4 = edited(text, "extends: parents/base.yaml\n", "");
    FILE *f = fopen(parent, "w");
    assert_non_null(f);
    fprintf(f, "extends: %s\n%s", base, t4);
    fclose(f);
    parse_ok(child,
             "extends: parent.yaml\n"
             "policies:\n"
             "  rationing: priority\n"
             "  cost:\n"
             "    rationing: {gbp_per_year: 1e6, source: 'assumption: child'}\n"
             "    stockpile: {gbp_per_year: 5e6}\n",
             &sc);
    pol = &sc.policies;
    assert_true(pol->cost[MR_LEVER_RATIONING].horizon_gbp == 10e6);
    assert_true(pol->cost[MR_LEVER_RECYCLED].horizon_gbp == 72e6); /* inherited */
    assert_null(pol->cost[MR_LEVER_STOCKPILE].path);               /* the child's number */
    assert_true(pol->cost[MR_LEVER_STOCKPILE].horizon_gbp == 50e6);
    assert_string_equal(pol->cost[MR_LEVER_STOCKPILE].source, "assumption: test");
    assert_true(pol->cost_horizon_gbp == 132e6);
    check_round_trip(&sc);
    mr_scenario_free(&sc);
    free(t4);
    assert_int_equal(unlink(parent), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* Certain occurrences: rate, severity and duration become optional. */
static void test_occurrences(void **state)
{
    (void)state;
    mr_scenario sc;
    parse_ok("tests/bad/occ.yaml",
             "extends: parents/base.yaml\n"
             "events:\n"
             "  cn-controls:\n"
             "    occurrences: [{start_years: 0, severity: 0.9, duration_months: 12},\n"
             "                  {start_years: 1.5, severity: 1, duration_months: 0.5}]\n"
             "  cn-2025:\n"
             "    country: CN\n"
             "    minerals: [gallium, lithium]\n"
             "    occurrences: [{start_years: 0, severity: 1, duration_months: 3}]\n",
             &sc);
    assert_int_equal(sc.nevents, 2);
    const mr_event *e = &sc.events[0];
    assert_true(e->process.rate_per_year == 0.1); /* the parent's Poisson part kept */
    assert_int_equal(e->noccurrences, 2);
    assert_true(e->occurrences[1].start_years == 1.5 && e->occurrences[1].severity == 1);
    assert_true(e->occurrences[1].duration_months == 0.5);
    e = &sc.events[1];
    assert_true(e->process.rate_per_year == 0);
    assert_int_equal(e->noccurrences, 1);
    check_round_trip(&sc);
    mr_scenario_free(&sc);
    parse_err("tests/bad/occ.yaml",
              "extends: parents/base.yaml\n"
              "events:\n"
              "  cn-2025:\n"
              "    country: CN\n"
              "    minerals: [gallium]\n"
              "    rate_per_year: 1\n"
              "    occurrences: [{start_years: 0, severity: 1, duration_months: 3}]\n",
              "tests/bad/occ.yaml:4:5: events.cn-2025.severity: required key is missing");
}

/* UK sourcing (docs/MODEL.md §3u), worked by hand on parents/base.yaml:
   gallium refines in CN only (1.0), lithium mines in AU and CN (0.5 each).
   - Given data: gallium's UK purchases CN 0.9, AU 0.1 (AU is not a
     refiner: it joins the refining stage with a world share of 0). A cap
     of 0.6 with offtake {AU: 0.75, CA: 0.25}: the excess 0.3 goes 0.225 to
     AU (0.1 + 0.225 = 0.325) and 0.075 to CA (appended); CN 0.6. World
     refining: CN 1.0 unchanged, AU and CA added at 0.
   - Lithium, no data: the open market's shares, AU 0.5 and CN 0.5, are
     within the cap: unchanged, still recomputed on reading.
   - Pro rata instead (no offtake): gallium CN 0.6, AU 0.1 + 0.3 = 0.4. */
static void test_uk_sourcing(void **state)
{
    (void)state;
    mr_scenario sc;
    parse_ok("tests/bad/uk.yaml",
             "extends: parents/base.yaml\n"
             "minerals:\n"
             "  gallium:\n"
             "    uk_sourcing: {shares: {CN: 0.9, AU: 0.1}, source: 'HMRC 2024 (test)'}\n"
             "policies:\n"
             "  diversification_cap: {cap: 0.6, offtake: {AU: 0.75, CA: 0.25}}\n",
             &sc);
    const mr_mineral *ga = &sc.minerals[0], *li = &sc.minerals[1];
    assert_false(sc.policies.cap_on_world);
    assert_int_equal(ga->uk_basis, MR_UK_DATA);
    assert_string_equal(ga->uk_source, "HMRC 2024 (test)");
    assert_true(ga->uk_capped);
    assert_int_equal(ga->uk.n, 3);
    assert_string_equal(sc.countries[ga->uk.suppliers[0].country].id, "CN");
    assert_string_equal(sc.countries[ga->uk.suppliers[1].country].id, "AU");
    assert_string_equal(sc.countries[ga->uk.suppliers[2].country].id, "CA");
    assert_true(ga->uk.suppliers[0].share == 0.6);
    assert_true(fabs(ga->uk.suppliers[1].share - 0.325) < 1e-15);
    assert_int_equal(ga->uk_before.n, 2); /* CN 0.9, AU 0.1 before the cap */
    assert_true(ga->uk_before.suppliers[0].share == 0.9 && ga->uk_before.suppliers[1].share == 0.1);
    assert_int_equal(li->uk_before.n, 0);
    assert_true(fabs(ga->uk.suppliers[2].share - 0.075) < 1e-15);
    const mr_stage *re = &ga->stage[MR_STAGE_REFINING];
    assert_int_equal(re->n, 3);
    assert_true(re->suppliers[0].share == 1.0);
    assert_true(re->suppliers[1].share == 0.0 && re->suppliers[2].share == 0.0);
    assert_int_equal(ga->stage[MR_STAGE_MINING].n, 3); /* mining is not the product */
    assert_int_equal(li->uk_basis, MR_UK_OPEN_MARKET);
    assert_false(li->uk_capped);
    assert_int_equal(li->uk.n, 2);
    assert_true(li->uk.suppliers[0].share == 0.5 && li->uk.suppliers[1].share == 0.5);
    check_round_trip(&sc);
    mr_scenario_free(&sc);

    parse_ok("tests/bad/uk.yaml",
             "extends: parents/base.yaml\n"
             "minerals:\n"
             "  gallium:\n"
             "    uk_sourcing: {shares: {CN: 0.9, AU: 0.1}, source: 'HMRC 2024 (test)'}\n"
             "policies: {diversification_cap: 0.6}\n",
             &sc);
    ga = &sc.minerals[0];
    assert_int_equal(ga->uk.n, 2);
    assert_true(ga->uk.suppliers[0].share == 0.6);
    assert_true(fabs(ga->uk.suppliers[1].share - 0.4) < 1e-15);
    check_round_trip(&sc);
    mr_scenario_free(&sc);

    /* bad input: shares that do not sum to 1; offtake on the world */
    parse_err("tests/bad/uk.yaml",
              "extends: parents/base.yaml\n"
              "minerals:\n"
              "  gallium:\n"
              "    uk_sourcing: {shares: {CN: 0.9, AU: 0.2}, source: x}\n",
              "tests/bad/uk.yaml:4:27: minerals.gallium.uk_sourcing.shares: the shares sum to "
              "1.1, must sum to 1 (of the UK's purchases)");
    parse_err("tests/bad/uk.yaml",
              "extends: parents/base.yaml\n"
              "policies:\n"
              "  diversification_cap: {cap: 0.6, on: world, offtake: {AU: 1}}\n",
              "tests/bad/uk.yaml:3:55: policies.diversification_cap.offtake: offtake moves UK "
              "sourcing, not world supply: drop on: world, or name a new_source");
}

/* Domestic and recycled supply at risk (docs/MODEL.md §4, §10) on
   parents/base.yaml (gallium refined in CN only; lithium mined in AU and
   CN). Gallium's own keys; the policy's outage reaches lithium, which has
   domestic supply only from the policy's floor, and its refined_abroad
   only lithium (gallium keeps its own); AU joins gallium's refining with
   a world share of 0 and is already a lithium miner. A certain-only
   domestic outage has rate 0. */
static void test_supply_at_risk(void **state)
{
    (void)state;
    mr_scenario sc;
    const char *text =
        "extends: parents/base.yaml\n"
        "simulation: {start_year: 2024}\n"
        "minerals:\n"
        "  gallium:\n"
        "    domestic_share: 0.2\n"
        "    recycled_share: 0.3\n"
        "    domestic_outage: {occurrences: [{start_years: 1, severity: 1,\n"
        "                                     duration_months: 12}]}\n"
        "    recycled_refined_abroad: {CN: 0.6, AU: 0.3}\n"
        "policies:\n"
        "  domestic_share: {share: 0.1, outage: {rate_per_year: 0.5, severity: 0.4,\n"
        "                                       duration_months: 6}}\n"
        "  recycled_share: {share: {2024: 0, 2030: 0.2}, refined_abroad: {CA: 0.5}}\n";
    parse_ok("tests/bad/risk.yaml", text, &sc);
    const mr_mineral *ga = &sc.minerals[0], *li = &sc.minerals[1];
    assert_true(ga->domestic_outage.present);
    assert_true(ga->domestic_outage.process.rate_per_year == 0);
    assert_int_equal(ga->domestic_outage.noccurrences, 1);
    assert_true(ga->domestic_outage.occurrences[0].duration_months == 12);
    assert_int_equal(ga->refined_abroad.n, 2);
    assert_string_equal(sc.countries[ga->refined_abroad.country[1]].id, "AU");
    assert_true(ga->refined_abroad.share[1] == 0.3);
    const mr_stage *re = &ga->stage[MR_STAGE_REFINING];
    assert_int_equal(re->n, 2); /* CN, and AU added at 0 */
    assert_string_equal(sc.countries[re->suppliers[1].country].id, "AU");
    assert_true(re->suppliers[1].share == 0.0);
    assert_true(li->domestic_share == 0.1); /* the policy's floor */
    assert_true(li->domestic_outage.present);
    assert_true(li->domestic_outage.process.rate_per_year == 0.5);
    assert_int_equal(li->domestic_outage.noccurrences, 0);
    assert_int_equal(li->refined_abroad.n, 1); /* the policy's, from its path's supply */
    assert_string_equal(sc.countries[li->refined_abroad.country[0]].id, "CA");
    const mr_stage *mi = &li->stage[MR_STAGE_MINING];
    assert_int_equal(mi->n, 3); /* AU, CN, and CA added at 0 */
    assert_true(sc.policies.recycled_path != NULL && sc.policies.recycled_share == 0);
    check_round_trip(&sc);
    mr_scenario_free(&sc);

    /* a child's refined_abroad replaces its parent's whole (shares that
       would sum above 1 if merged) */
    char dir[] = "/tmp/minrisk-risk-XXXXXX", parent[256], child[256];
    assert_non_null(mkdtemp(dir));
    snprintf(parent, sizeof parent, "%s/parent.yaml", dir);
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    FILE *f = fopen(parent, "w");
    assert_non_null(f);
    char cwd[1024]; /* the source root (main) */
    assert_non_null(getcwd(cwd, sizeof cwd));
    fprintf(f, "extends: %s/tests/bad/parents/base.yaml\n", cwd);
    fputs("minerals:\n  gallium:\n    recycled_share: 0.3\n"
          "    recycled_refined_abroad: {CN: 0.9}\n",
          f);
    fclose(f);
    parse_ok(child,
             "extends: parent.yaml\n"
             "minerals:\n"
             "  gallium:\n"
             "    recycled_refined_abroad: {AU: 0.5}\n",
             &sc);
    assert_int_equal(sc.minerals[0].refined_abroad.n, 1);
    assert_string_equal(sc.countries[sc.minerals[0].refined_abroad.country[0]].id, "AU");
    mr_scenario_free(&sc);
    assert_int_equal(unlink(parent), 0);
    assert_int_equal(rmdir(dir), 0);

    /* a domestic outage given its share by a policy path only: accepted */
    parse_ok("tests/bad/risk.yaml",
             "extends: parents/base.yaml\n"
             "simulation: {start_year: 2024}\n"
             "minerals:\n"
             "  gallium:\n"
             "    domestic_outage: {rate_per_year: 0.2, severity: 1, duration_months: 3}\n"
             "policies: {domestic_share: {2024: 0, 2030: 0.1}}\n",
             &sc);
    assert_true(sc.minerals[0].domestic_outage.present);
    mr_scenario_free(&sc);
}

int main(void)
{
    char *root = src_root();
    if (chdir(root) != 0) {
        fprintf(stderr, "unit_sim_scenario_loading: cannot enter the source root %s\n", root);
        free(root);
        return 1;
    }
    free(root);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_inline_errors),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_demo),
        cmocka_unit_test(test_market_keys),
        cmocka_unit_test(test_time_paths),
        cmocka_unit_test(test_extends_override),
        cmocka_unit_test(test_extends_distribution_forms),
        cmocka_unit_test(test_extends_bundle_without_files),
        cmocka_unit_test(test_extends_errors),
        cmocka_unit_test(test_policies),
        cmocka_unit_test(test_policy_costs),
        cmocka_unit_test(test_uk_sourcing),
        cmocka_unit_test(test_occurrences),
        cmocka_unit_test(test_supply_at_risk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
