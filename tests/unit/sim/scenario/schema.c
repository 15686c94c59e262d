/* schema.c - the scenario schema (mr_scenario_schema, sim/scenario/loader.c)
 * against the loader and against docs/SCENARIOS.md.
 *
 * The schema must say what the loader does: its paths are the loader's key
 * tables (mr_scenario_schema_check); every range is the one the loader
 * enforces (a value just outside each end is refused, and the message
 * quotes the schema's range); every word list is the loader's (a wrong word
 * is refused with those words); every default that is a value is what the
 * loader fills in (read back from the resolved scenario); every required
 * key is required (a scenario without it is refused at its path). Values
 * are set in a full scenario through a one-value sweep
 * (mr_scenario_parse_variant), which sets any key path. And docs/SCENARIOS.md
 * holds the schema's table row for row. Files are read relative to
 * $MINRISK_SRC (tests/cli/tests.cmake), else the source root the build was
 * configured from (MINRISK_SOURCE_DIR).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sim/minrisk.h"
#include "sim/scenario/internal.h" /* sc_schema_numeric */
#include "sim/scenario/loader.h"

/* Every key given in some instance (ids AA BB CC NS, m1 m2, s1 s2, e1 e2 e3 e4). */
static const char *FULL =
    "name: schema test\n"
    "description: every key of the format\n"
    "simulation:\n"
    "  horizon_years: 5\n"
    "  steps_per_year: 12\n"
    "  start_year: 2024\n"
    "  trials: 100\n"
    "  seed: 7\n"
    "  target_precision: \"mean_total=0.5\"\n"
    "  max_trials: 1000\n"
    "defaults:\n"
    "  wgi_rate:\n"
    "    rate_at_zero_per_year: 0.1\n"
    "    factor_per_unit: 2\n"
    "    severity: 0.5\n"
    "    duration_months: 3\n"
    "  buffer_refill_rate: 0.5\n"
    "rationing:\n"
    "  rule: priority\n"
    "  other_uses_priority: 1000\n"
    "output:\n"
    "  trials: all\n"
    "countries:\n"
    "  AA:\n"
    "    name: Country A\n"
    "    wgi_pv: 0.5\n"
    "    aggregate: false\n"
    "    outage:\n"
    "      rate_per_year: 0.1\n"
    "      severity: {fixed: 0.3}\n"
    "      duration_months: {lognormal: {median: 2, sigma: 0.5}}\n"
    "    regime: {tense_multiplier: 4, calm_months: 96, tense_months: 24}\n"
    "  BB:\n"
    "    outage: {rate_per_year: 0.1, severity: {uniform: [0.1, 0.5]},\n"
    "             duration_months: {fixed: 2}}\n"
    "  CC:\n"
    "    outage: {rate_per_year: 0.1, severity: {beta: [2, 5]},\n"
    "             duration_months: {exponential: 2}}\n"
    "  NS: {name: New source}\n"
    "minerals:\n"
    "  m1:\n"
    "    name: Mineral one\n"
    "    unit: t\n"
    "    demand_t: 100\n"
    "    recycled_share: 0.1\n"
    "    domestic_share: 0.1\n"
    "    spare_ramp_months: 1\n"
    "    mining:\n"
    "      - {country: AA, share: 0.5, spare: 0.1,\n"
    "         outage: {rate_per_year: 0.1, severity: 0.2, duration_months: 2}}\n"
    "      - {country: BB, share: 0.5}\n"
    "    refining:\n"
    "      - {country: AA, share: 0.5, spare: 0.1,\n"
    "         outage: {rate_per_year: 0.1, severity: 0.2, duration_months: 2}}\n"
    "      - {country: CC, share: 0.5}\n"
    "    stockpile: {target_months: 3, initial_months: 2, trigger: 0.01, max_release: 0.5,\n"
    "                refill_rate: 0.25}\n"
    "    price:\n"
    "      ref: 1000\n"
    "      theta: 0.5\n"
    "      sigma: 0.3\n"
    "      elasticity: 0.3\n"
    "      max_multiple: 10\n"
    "      jumps: {rate_per_year: 0.1, mu: 0.1, sigma: 0.2}\n"
    "    market:\n"
    "      stock_months: 1\n"
    "      stock_adjust_months: 3\n"
    "      stock_price_response: 1\n"
    "      elasticity_long_run: 0.6\n"
    "      substitution_months: 12\n"
    "      world_demand_t: 1000\n"
    "      domestic_use: {AA: 0.2, CC: 0.1}\n"
    "    uk_sourcing: {shares: {AA: 0.5, CC: 0.5}, source: UK imports (test)}\n"
    "    domestic_outage:\n"
    "      rate_per_year: 0.1\n"
    "      severity: 0.5\n"
    "      duration_months: 3\n"
    "      occurrences: [{start_years: 1, severity: 1, duration_months: 6}]\n"
    "    recycled_refined_abroad: {AA: 0.5}\n"
    "  m2:\n"
    "    demand_t: 10\n"
    "    mining: [{country: BB, share: 1}]\n"
    "    price: {ref: 1}\n"
    "policies:\n"
    "  diversification_cap:\n"
    "    cap: 0.9\n"
    "    on: world\n"
    "    new_source: {country: NS, spare: 0.1,\n"
    "                 outage: {rate_per_year: 0.1, severity: 0.2, duration_months: 2}}\n"
    "  domestic_share:\n"
    "    share: 0.1\n"
    "    outage: {rate_per_year: 0.1, severity: 0.2, duration_months: 2}\n"
    "  recycled_share: {share: 0.1, refined_abroad: {CC: 0.5}}\n"
    "  stockpile: {months: 1, minerals: [m1], trigger: 0.01, max_release: 0.5,\n"
    "              refill_rate: 0.25}\n"
    "  rationing: {rule: priority, other_uses_priority: 1000}\n"
    "  cost: {stockpile: {gbp_per_year: 1e6, source: a test figure}}\n"
    "sectors:\n"
    "  s1:\n"
    "    name: Sector one\n"
    "    output_gbp: 1e9\n"
    "    gva_gbp: 4e8\n"
    "    priority: 1\n"
    "    recovery_rate: 1\n"
    "    combine: limiting\n"
    "    needs:\n"
    "      - {mineral: m1, dependent_share: 0.5, substitutable: 0.1, demand_share: 0.3,\n"
    "         spend_gbp: 1e6, buffer_months: 1}\n"
    "  s2:\n"
    "    output_gbp: 1e9\n"
    "    needs: []\n"
    "events:\n"
    "  e1:\n"
    "    name: Event one\n"
    "    country: AA\n"
    "    minerals: [m1]\n"
    "    stages: [mining]\n"
    "    rate_per_year: 0.1\n"
    "    severity: 0.5\n"
    "    duration_months: 3\n"
    "    occurrences:\n"
    "      - {start_years: 1, severity: 0.5, duration_months: 2}\n"
    "  e2:\n"
    "    country: AA\n"
    "    minerals: [m1]\n"
    "    scope: ore\n"
    "    processed_elsewhere: 0.5\n"
    "    rate_per_year: 0.1\n"
    "    severity: 0.5\n"
    "    duration_months: 3\n"
    "  e3:\n"
    "    country: CC\n"
    "    minerals: [m1]\n"
    "    scope: exports\n"
    "    licensing: 0.5\n"
    "    rush_months: 0.5\n"
    "    rate_per_year: 0.1\n"
    "    severity: 0.5\n"
    "    duration_months: 3\n"
    "  e4:\n"
    "    country: AA\n"
    "    minerals: {m1: 0.5}\n"
    "    rate_per_year: 0.1\n"
    "    severity: 0.5\n"
    "    duration_months: 3\n"
    "interdependency:\n"
    "  s1: {s2: 0.1}\n"
    "price_correlation:\n"
    "  m1: {m2: 0.2}\n";

#define HORIZON "5" /* FULL's simulation.horizon_years */
#define STEPS "12"  /* FULL's simulation.steps_per_year */

/* Only what is required, every optional mapping present so that its
   defaults show in the resolved scenario; POLICIES is appended for the
   policies' own defaults. */
static const char *MINIMAL = "name: defaults\n"
                             "simulation: {horizon_years: 2}\n"
                             "defaults: {}\n"
                             "output: {}\n"
                             "countries:\n"
                             "  AA: {}\n"
                             "  BB: {}\n"
                             "minerals:\n"
                             "  m1:\n"
                             "    demand_t: 100\n"
                             "    mining: [{country: AA, share: 0.5}, {country: BB, share: 0.5}]\n"
                             "    refining: [{country: AA, share: 1}]\n"
                             "    stockpile: {target_months: 3}\n"
                             "    price: {ref: 1000, jumps: {rate_per_year: 0}}\n"
                             "    market: {}\n"
                             "  m2:\n"
                             "    demand_t: 100\n"
                             "    mining: [{country: AA, share: 1}]\n"
                             "    price: {ref: 1}\n"
                             "sectors:\n"
                             "  s1:\n"
                             "    output_gbp: 1e9\n"
                             "    needs: [{mineral: m1, dependent_share: 0.5, demand_share: 0.3}]\n"
                             "  s2:\n"
                             "    output_gbp: 1e9\n"
                             "    needs: []\n"
                             "events:\n"
                             "  e1: {country: AA, minerals: [m1], rate_per_year: 0, severity: 0,\n"
                             "       duration_months: 1}\n";
static const char *POLICIES =
    "policies:\n"
    "  diversification_cap: {cap: 1, on: world, new_source: {country: BB}}\n"
    "  rationing: {rule: priority}\n";

/* ---- helpers ------------------------------------------------------------ */

static char *cat(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    assert_non_null(s);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

/* FULL with the line "  KEY: ..." of simulation (or the top-level name)
   replaced by "  KEY: value", or removed when value is NULL. */
static char *full_with_line(const char *key, const char *value)
{
    char pat[64];
    snprintf(pat, sizeof pat, "%s%s: ", strcmp(key, "name") ? "\n  " : "", key);
    const char *at = strcmp(key, "name") ? strstr(FULL, pat) : FULL;
    assert_non_null(at);
    if (strcmp(key, "name"))
        at++; /* past the newline */
    const char *end = strchr(at, '\n') + 1;
    char head[4096], line[128];
    snprintf(head, sizeof head, "%.*s", (int)(at - FULL), FULL);
    if (value)
        snprintf(line, sizeof line, "%s%s: %s\n", strcmp(key, "name") ? "  " : "", key, value);
    else
        line[0] = '\0';
    char *a = cat(head, line, end);
    return a;
}

/* Parse text; with a sweep, parse its one variant. 0 when it loads, else 1
   with the loader's message in msg. */
static int load(const char *text, char *msg, size_t n)
{
    mr_scenario sc, v;
    mr_error err = {{0}};
    msg[0] = '\0';
    if (mr_scenario_parse("schema.yaml", text, strlen(text), &sc, &err)) {
        snprintf(msg, n, "%s", err.msg);
        return 1;
    }
    int nsweep = sc.nsweep;
    mr_scenario_free(&sc);
    if (nsweep == 0)
        return 0;
    int choice = 0;
    if (mr_scenario_parse_variant("schema.yaml", text, strlen(text), &choice, 1, &v, &err)) {
        snprintf(msg, n, "%s", err.msg);
        return 1;
    }
    mr_scenario_free(&v);
    return 0;
}

/* FULL with key path `path` set to `value` (YAML; "null" removes the key),
   through a one-value sweep; simulation keys and name, which a sweep may
   not set, by editing their line. */
static int load_with(const char *path, const char *value, char *msg, size_t n)
{
    char *text;
    if (!strncmp(path, "simulation.", 11))
        text = full_with_line(path + 11, strcmp(value, "null") ? value : NULL);
    else if (!strcmp(path, "name"))
        text = full_with_line("name", strcmp(value, "null") ? value : NULL);
    else {
        /* without the precision target, which a sweep cannot have */
        char *base = full_with_line("target_precision", NULL), *tp = strstr(base, "  max_trials: ");
        assert_non_null(tp);
        memmove(tp, strchr(tp, '\n') + 1, strlen(strchr(tp, '\n') + 1) + 1);
        char sweep[512];
        snprintf(sweep, sizeof sweep, "sweep:\n  \"%s\": [%s]\n", path, value);
        text = cat(base, sweep, "");
        free(base);
    }
    int rc = load(text, msg, n);
    free(text);
    return rc;
}

/* The uncertain block's keys (a study's settings and distributions, not
   the model's) are tested by tests/bad/uncertain_*.yaml and
   tests/studies/uncertainty/, not through the one-value sweep here; the
   importance block's by tests/bad/importance_*.yaml and
   tests/studies/importance/; so is
   uk_sourcing.before_policy, which needs a cap on UK sourcing that FULL
   (a cap on the world, with a new source) cannot have: tests/bad/uk_before_*
   and tests/unit/sim/scenario/loading.c test it. */
static bool study_block(const char *path)
{
    return !strncmp(path, "uncertain", 9) || !strncmp(path, "importance", 10) ||
           strstr(path, ".uk_sourcing.before_policy");
}

/* A schema path made concrete in FULL (and MINIMAL): ids, the first list
   item, and an instance of each shared form. false: no instance. */
static bool concrete(const char *path, char *out, size_t n)
{
    static const char *const map[][2] = {
        {"<duration>.fixed", "countries.BB.outage.duration_months.fixed"},
        {"<duration>.exponential", "countries.CC.outage.duration_months.exponential"},
        {"<duration>", "countries.AA.outage.duration_months"},
        {"<severity>.uniform", "countries.BB.outage.severity.uniform"},
        {"<severity>.beta", "countries.CC.outage.severity.beta"},
        {"<severity>", "countries.AA.outage.severity"},
        {"<process>", "countries.AA.outage"},
        {"<cost>", "policies.cost.stockpile"},
        {"<disruption>", "minerals.m1.domestic_outage"},
        {"minerals.<id>.recycled_refined_abroad.<country>",
         "minerals.m1.recycled_refined_abroad.AA"},
        {"policies.recycled_share.refined_abroad.<country>",
         "policies.recycled_share.refined_abroad.CC"},
        {"interdependency.<sector>.<sector>", "interdependency.s1.s2"},
        {"price_correlation.<mineral>.<mineral>", "price_correlation.m1.m2"},
        {"minerals.<id>.market.domestic_use.<country>", "minerals.m1.market.domestic_use.AA"},
        {"minerals.<id>.uk_sourcing.shares.<country>", "minerals.m1.uk_sourcing.shares.AA"},
        {"minerals.<id>.uk_sourcing.before_policy.<country>",
         "minerals.m1.uk_sourcing.before_policy.AA"},
        {"policies.diversification_cap.offtake.<country>",
         "policies.diversification_cap.offtake.BB"},
        {"policies.diversification_cap.premium.<country>",
         "policies.diversification_cap.premium.BB"},
        {"events.<id>.minerals.<mineral>", "events.e4.minerals.m1"},
        {"countries.<id>", "countries.AA"},
        {"minerals.<id>", "minerals.m1"},
        {"sectors.<id>", "sectors.s1"},
        {"events.<id>", "events.e1"},
    };
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    if (!strncmp(path, "sweep", 5) || !strncmp(path, "importance", 10))
        return false;
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        size_t l = strlen(map[i][0]);
        if (!strncmp(buf, map[i][0], l) && (buf[l] == '\0' || buf[l] == '.' || buf[l] == '[')) {
            char rest[512];
            snprintf(rest, sizeof rest, "%s", buf + l);
            snprintf(buf, sizeof buf, "%s%s", map[i][1], rest);
            break;
        }
    }
    size_t k = 0;
    for (const char *s = buf; *s && k + 4 < n; s++) {
        if (s[0] == '[' && s[1] == ']') {
            memcpy(out + k, "[0]", 3);
            k += 3;
            s++;
        } else {
            out[k++] = *s;
        }
    }
    out[k] = '\0';
    return strchr(out, '<') == NULL;
}

static bool contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

/* ---- the schema against the loader's key tables ----------------------- */

static void test_schema_paths_are_the_loaders_key_tables(void **state)
{
    (void)state;
    char msg[512];
    int bad = mr_scenario_schema_check(msg, sizeof msg);
    if (bad)
        fail_msg("%d problem(s); first: %s", bad, msg);
    size_t n;
    const mr_schema_key *k = mr_scenario_schema(&n);
    assert_true(n > 100);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(k[i].path);
        assert_non_null(k[i].type);
        assert_true(k[i].type[0]);
        assert_non_null(k[i].meaning);
        assert_true(k[i].meaning[0]);
    }
}

/* ---- ranges ----------------------------------------------------------- */

/* A range text "[a,b]", "(a,b]", ">= a", "> a" (a, b as written). */
typedef struct {
    bool has_lo, has_hi, lo_open, hi_open;
    char lo[40], hi[40];
} range;

static bool parse_range(const char *r, range *g)
{
    memset(g, 0, sizeof *g);
    if (r[0] == '[' || r[0] == '(') {
        const char *comma = strchr(r, ','), *end = r + strlen(r) - 1;
        if (!comma || (*end != ']' && *end != ')'))
            return false;
        g->has_lo = g->has_hi = true;
        g->lo_open = r[0] == '(';
        g->hi_open = *end == ')';
        snprintf(g->lo, sizeof g->lo, "%.*s", (int)(comma - r - 1), r + 1);
        snprintf(g->hi, sizeof g->hi, "%.*s", (int)(end - comma - 1), comma + 1);
        return true;
    }
    if (!strncmp(r, ">= ", 3) || !strncmp(r, "> ", 2)) {
        g->has_lo = true;
        g->lo_open = r[1] != '=';
        snprintf(g->lo, sizeof g->lo, "%s", r + (g->lo_open ? 2 : 3));
        return true;
    }
    return false;
}

/* A value just outside the end: the end itself when open, else one unit
   beyond (integers as exact decimal text, up to 2^64). */
static void outside(const char *end, bool open, bool below, bool is_int, char *out, size_t n)
{
    if (open) {
        snprintf(out, n, "%s", end);
        return;
    }
    if (is_int) {
        unsigned long long v = strtoull(end, NULL, 10);
        if (below)
            snprintf(out, n, "%s%llu", v == 0 ? "-" : "", v == 0 ? 1ull : v - 1);
        else if (v == UINT64_MAX)
            snprintf(out, n, "18446744073709551616");
        else
            snprintf(out, n, "%llu", v + 1);
        return;
    }
    snprintf(out, n, "%.17g", strtod(end, NULL) + (below ? -1.0 : 1.0));
}

static void test_ranges_are_the_loaders(void **state)
{
    (void)state;
    size_t n, tested = 0, ranged = 0;
    const mr_schema_key *k = mr_scenario_schema(&n);
    for (size_t i = 0; i < n; i++) {
        char rtext[64], path[512], msg[MR_ERRMSG_MAX], v[64], want[600];
        snprintf(rtext, sizeof rtext, "%s", k[i].range);
        if (!strcmp(rtext, "[0,horizon_years)"))
            snprintf(rtext, sizeof rtext, "[0," HORIZON ")");
        if (!strcmp(rtext, "[0,steps_per_year]")) /* a rate: bounded by the grid */
            snprintf(rtext, sizeof rtext, "[0," STEPS "]");
        range g;
        if (study_block(k[i].path) || !parse_range(rtext, &g))
            continue;
        ranged++;
        assert_true(concrete(k[i].path, path, sizeof path));
        bool is_int = !strcmp(k[i].type, "int");
        for (int end = 0; end < 2; end++) {
            if (end == 0 ? !g.has_lo : !g.has_hi)
                continue;
            if (end == 1 && is_int && !strcmp(g.hi, "2147483647"))
                continue;
            outside(end == 0 ? g.lo : g.hi, end == 0 ? g.lo_open : g.hi_open, end == 0, is_int, v,
                    sizeof v);
            if (!load_with(path, v, msg, sizeof msg))
                fail_msg("%s = %s is accepted; the schema says %s", path, v, k[i].range);
            snprintf(want, sizeof want, "%s: must be ", path);
            if (!contains(msg, want) || !contains(msg, rtext))
                fail_msg("%s = %s: the loader says\n  %s\nthe schema says %s", path, v, msg, rtext);
        }
        tested++;
    }
    assert_int_equal(tested, ranged);
    assert_true(tested >= 60);
}

/* ---- words ------------------------------------------------------------ */

static void test_words_are_the_loaders(void **state)
{
    (void)state;
    size_t n, tested = 0;
    const mr_schema_key *k = mr_scenario_schema(&n);
    for (size_t i = 0; i < n; i++) {
        const char *w = strchr(k[i].type, '`');
        if (!w || study_block(k[i].path)) /* importance.focus: tests/bad/importance_focus_word */
            continue;
        char words[256], path[512], at[520], msg[MR_ERRMSG_MAX], want[800];
        size_t len = 0;
        for (; *w && len + 1 < sizeof words; w++)
            words[len++] = *w == '`' ? '\'' : *w;
        words[len] = '\0';
        assert_true(concrete(k[i].path, path, sizeof path));
        bool list = !strncmp(k[i].type, "list", 4);
        if (load_with(path, list ? "[nonsense]" : "nonsense", msg, sizeof msg) == 0)
            fail_msg("%s: nonsense is accepted", path);
        snprintf(at, sizeof at, "%s%s", path, list ? "[0]" : "");
        snprintf(want, sizeof want, "%s: must be %s, got", at, words);
        if (!contains(msg, want))
            fail_msg("%s: the loader says\n  %s\nthe schema says %s", path, msg, words);
        tested++;
    }
    assert_int_equal(tested, 9);
}

/* ---- required keys ------------------------------------------------------ */

static void test_required_keys_are_required(void **state)
{
    (void)state;
    size_t n, tested = 0;
    const mr_schema_key *k = mr_scenario_schema(&n);
    char msg[MR_ERRMSG_MAX];
    assert_int_equal(load(FULL, msg, sizeof msg), 0); /* the base loads */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(k[i].def, "required") || study_block(k[i].path))
            continue;
        char path[512], want[600];
        assert_true(concrete(k[i].path, path, sizeof path));
        if (!load_with(path, "null", msg, sizeof msg))
            fail_msg("%s: a scenario without it loads", path);
        snprintf(want, sizeof want, "%s: ", path);
        if (!contains(msg, want) && !contains(msg, "(root): "))
            fail_msg("%s: the loader says\n  %s", path, msg);
        tested++;
    }
    assert_true(tested >= 30);
}

/* ---- defaults ----------------------------------------------------------- */

typedef struct {
    char path[256];
    char value[128];
} leaf;

typedef struct {
    leaf *v;
    size_t n, cap;
} leaves;

static void walk(yaml_document_t *d, yaml_node_t *node, const char *path, leaves *out)
{
    char sub[256];
    if (node->type == YAML_SCALAR_NODE) {
        if (out->n == out->cap) {
            out->cap = out->cap ? 2 * out->cap : 64;
            out->v = realloc(out->v, out->cap * sizeof *out->v);
            assert_non_null(out->v);
        }
        snprintf(out->v[out->n].path, sizeof out->v[out->n].path, "%s", path);
        snprintf(out->v[out->n].value, sizeof out->v[out->n].value, "%.*s",
                 (int)node->data.scalar.length, (const char *)node->data.scalar.value);
        out->n++;
    } else if (node->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
             p++) {
            yaml_node_t *kn = yaml_document_get_node(d, p->key);
            snprintf(sub, sizeof sub, "%s%s%.*s", path, *path ? "." : "",
                     (int)kn->data.scalar.length, (const char *)kn->data.scalar.value);
            walk(d, yaml_document_get_node(d, p->value), sub, out);
        }
    } else if (node->type == YAML_SEQUENCE_NODE) {
        int i = 0;
        for (yaml_node_item_t *it = node->data.sequence.items.start;
             it < node->data.sequence.items.top; it++, i++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            walk(d, yaml_document_get_node(d, *it), sub, out);
        }
    }
}

/* The scalars of the resolved form of text, by concrete path. */
static void resolved_leaves(const char *text, leaves *out, mr_scenario *sc)
{
    mr_error err = {{0}};
    if (mr_scenario_parse("defaults.yaml", text, strlen(text), sc, &err))
        fail_msg("%s", err.msg);
    char *yaml = mr_scenario_resolved_yaml(sc);
    assert_non_null(yaml);
    yaml_parser_t ps;
    yaml_document_t doc;
    assert_true(yaml_parser_initialize(&ps));
    yaml_parser_set_input_string(&ps, (const unsigned char *)yaml, strlen(yaml));
    assert_true(yaml_parser_load(&ps, &doc));
    walk(&doc, yaml_document_get_root_node(&doc), "", out);
    yaml_document_delete(&doc);
    yaml_parser_delete(&ps);
    free(yaml);
}

static const char *find_leaf(const leaves *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].path, path))
            return l->v[i].value;
    return NULL;
}

static bool same_value(const char *got, const char *want)
{
    char *e1, *e2;
    double a = strtod(got, &e1), b = strtod(want, &e2);
    if (*got && *want && !*e1 && !*e2)
        return a == b;
    return !strcmp(got, want);
}

static void test_defaults_are_what_the_loader_fills_in(void **state)
{
    (void)state;
    leaves plain = {0}, pol = {0};
    mr_scenario a, b;
    char *with_policies = cat(MINIMAL, POLICIES, "");
    resolved_leaves(MINIMAL, &plain, &a);
    resolved_leaves(with_policies, &pol, &b);
    size_t n, tested = 0;
    const mr_schema_key *k = mr_scenario_schema(&n);
    for (size_t i = 0; i < n; i++) {
        if (!k[i].def_is_value || study_block(k[i].path))
            continue;
        char path[512], rule[520];
        assert_true(concrete(k[i].path, path, sizeof path));
        const char *got;
        char num[32];
        static const char *const scopes[] = {"production", "exports", "ore"};
        if (!strcmp(path, "minerals.m1.uk_sourcing.fallback")) {
            /* the open market's shares, recomputed on reading, are left out */
            assert_null(find_leaf(&plain, path));
            got = a.minerals[0].uk_basis == MR_UK_OPEN_MARKET_FIXED ? "true" : "false";
        } else if (!strcmp(path, "policies.diversification_cap.on")) {
            /* POLICIES names a new source (on: world); a cap alone is on UK sourcing */
            got = b.policies.cap_on_world ? "world" : "uk_sourcing";
            assert_string_equal(got, "world");
            mr_scenario c;
            leaves capped = {0};
            char *with_cap = cat(MINIMAL, "policies: {diversification_cap: 1}\n", "");
            resolved_leaves(with_cap, &capped, &c);
            got = find_leaf(&capped, path) ? "uk_sourcing" : NULL;
            assert_string_equal(find_leaf(&capped, path), "uk_sourcing");
            free(with_cap);
            free(capped.v);
            mr_scenario_free(&c);
        } else if (!strcmp(path, "policies.diversification_cap.ramp") ||
                   !strcmp(path, "policies.diversification_cap.premium")) {
            /* on UK sourcing only, and left out of the resolved form at
               their defaults: read from a cap alone */
            mr_scenario c;
            leaves capped = {0};
            char *with_cap = cat(MINIMAL, "policies: {diversification_cap: 1}\n", "");
            resolved_leaves(with_cap, &capped, &c);
            assert_null(find_leaf(&capped, path));
            snprintf(num, sizeof num, "%.17g",
                     strstr(path, ".ramp") ? c.policies.ramp : c.policies.premium);
            got = num;
            free(with_cap);
            free(capped.v);
            mr_scenario_free(&c);
        } else if (!strcmp(path, "countries.AA.aggregate")) {
            /* the resolved form leaves out aggregate: false */
            assert_null(find_leaf(&plain, path));
            got = a.countries[0].aggregate ? "true" : "false";
        } else if (!strncmp(path, "events.e1.", 10)) {
            /* and scope: production, with the keys of the other scopes */
            assert_null(find_leaf(&plain, path));
            bool lic = !strcmp(path + 10, "licensing"), rush = !strcmp(path + 10, "rush_months");
            snprintf(num, sizeof num, "%.17g",
                     lic    ? a.events[0].licensing
                     : rush ? a.events[0].rush_months
                            : a.events[0].processed_elsewhere);
            got = !strcmp(path + 10, "scope") ? scopes[a.events[0].scope]
                  : lic || rush || !strcmp(path + 10, "processed_elsewhere") ? num
                                                                             : NULL;
        } else {
            /* a word-or-mapping key resolves to its mapping form {rule: ...} */
            snprintf(rule, sizeof rule, "%s.rule", path);
            got = find_leaf(&plain, path);
            got = got ? got : find_leaf(&plain, rule);
            got = got ? got : find_leaf(&pol, path);
        }
        if (!got)
            fail_msg("%s: not in the resolved scenario", path);
        if (!same_value(got, k[i].def))
            fail_msg("%s: the loader fills in %s, the schema says %s", path, got, k[i].def);
        tested++;
    }
    assert_true(tested >= 30);
    free(with_policies);
    free(plain.v);
    free(pol.v);
    mr_scenario_free(&a);
    mr_scenario_free(&b);
}

/* ---- docs/SCENARIOS.md ---------------------------------------------------- */

static char *read_doc(void)
{
    const char *src = getenv("MINRISK_SRC");
    char path[1024];
    if (!src)
        src = MINRISK_SOURCE_DIR; /* set by tests/CMakeLists.txt */
    snprintf(path, sizeof path, "%s/docs/SCENARIOS.md", src);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: %s", path, strerror(errno));
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    size_t len = fread(buf, 1, (1 << 20) - 1, f);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/* One table row "| `path` | type | unit | default | range | meaning |" into
   its six cells (path without the backticks); false if not one. */
static bool split_row(char *line, char *cell[6])
{
    if (strncmp(line, "| `", 3))
        return false;
    char *p = line + 2;
    for (int c = 0; c < 6; c++) {
        char *bar = strstr(p, " |");
        if (!bar)
            return false;
        *bar = '\0';
        cell[c] = p;
        p = bar + 2;
        if (*p == ' ')
            p++;
    }
    size_t l = strlen(cell[0]);
    if (l < 2 || cell[0][0] != '`' || cell[0][l - 1] != '`')
        return false;
    cell[0][l - 1] = '\0';
    cell[0]++;
    return true;
}

static void test_docs_table_is_the_schema(void **state)
{
    (void)state;
    char *doc = read_doc();
    size_t n, row = 0;
    const mr_schema_key *k = mr_scenario_schema(&n);
    for (char *line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
        char copy[2048], *cell[6];
        snprintf(copy, sizeof copy, "%s", line);
        if (!split_row(copy, cell))
            continue;
        if (row >= n)
            fail_msg("docs/SCENARIOS.md: row %zu (%s) is not in the schema", row + 1, cell[0]);
        const char *want[6] = {k[row].path, k[row].type,  k[row].unit,
                               k[row].def,  k[row].range, k[row].meaning};
        static const char *const col[6] = {"key", "type", "unit", "default", "range", "meaning"};
        for (int c = 0; c < 6; c++)
            if (strcmp(cell[c], want[c]))
                fail_msg("docs/SCENARIOS.md row %zu (%s), %s: '%s', the schema says '%s' "
                         "(regenerate with minrisk validate --schema)",
                         row + 1, k[row].path, col[c], cell[c], want[c]);
        row++;
    }
    free(doc);
    if (row != n)
        fail_msg("docs/SCENARIOS.md has %zu keys, the schema %zu (first missing: %s)", row, n,
                 k[row].path);
}

/* sc_schema_numeric (the uncertain block's check that a key holds a
   number): every schema key written as a concrete path, ids as "x" and
   list items as [0], is a number exactly when its type says so (a
   severity or duration is a number or a mapping); a list of
   numbers [a, b] is one at its items; paths through the shared forms, into
   a time path, and off the schema. */
static void test_numeric_key_paths(void **state)
{
    (void)state;
    size_t n;
    const mr_schema_key *k = mr_scenario_schema(&n);
    int checked = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = k[i].path;
        if (s[0] == '<' || strstr(s, "<key path>") || strstr(s, "<process name>"))
            continue; /* shared forms below; the studies' own blocks */
        char path[512] = "";
        size_t o = 0;
        while (*s && o + 8 < sizeof path) {
            if (*s == '<') {
                path[o++] = 'x';
                s = strchr(s, '>') + 1;
            } else if (!strncmp(s, "[]", 2)) {
                memcpy(path + o, "[0]", 3);
                o += 3;
                s += 2;
            } else {
                path[o++] = *s++;
            }
        }
        path[o] = '\0';
        const char *type;
        int got = sc_schema_numeric(path, &type);
        int want = !strncmp(k[i].type, "number", 6) || !strcmp(k[i].type, "int") ||
                   !strcmp(k[i].type, "severity") || !strcmp(k[i].type, "duration");
        if (got != want)
            fail_msg("%s (%s, type %s): sc_schema_numeric gave %d, expected %d", path, k[i].path,
                     k[i].type, got, want);
        if (!strncmp(k[i].type, "list [", 6)) {
            strcat(path, "[1]");
            if (sc_schema_numeric(path, &type) != 1)
                fail_msg("%s: an item of a list of numbers is not a number", path);
        }
        checked++;
    }
    assert_true(checked > 150);
    static const struct {
        const char *path;
        int want;
    } cases[] = {
        {"countries.CN.outage.rate_per_year", 1},
        {"countries.CN.outage.severity", 1},
        {"countries.CN.outage.severity.uniform[1]", 1},
        {"minerals.ga.refining[2].outage.duration_months.lognormal.sigma", 1},
        {"events.e1.severity.beta[0]", 1},
        {"events.e1.occurrences[3].start_years", 1},
        {"policies.cost.stockpile.gbp_per_year", 1},
        {"policies.cost.stockpile.gbp_per_year.2030", 1},
        {"minerals.ga.demand_t.2030", 1},
        {"interdependency.auto.defence", 1},
        {"price_correlation.ga.ge", 1},
        {"policies.cost.stockpile.source", 0},
        {"countries.CN.name", 0},
        {"rationing.rule", 0},
        {"minerals.ga.mining[0].country", 0},
        {"countries.CN.outage", 0},
        {"policies.stockpil.months", -1},
        {"minerals.ga.price.ref.x", -1},
        {"minerals.ga.mining.share", -1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const char *type;
        int got = sc_schema_numeric(cases[c].path, &type);
        if (got != cases[c].want)
            fail_msg("%s: sc_schema_numeric gave %d, expected %d", cases[c].path, got,
                     cases[c].want);
    }
}

/* A mineral's key whose schema unit has the word "unit": the mineral's own
   unit in its place, whole however long (a scenario's string has no
   bound); the schema's unit elsewhere; NULL where it gives none. Before,
   the unit went through a 160-byte buffer: a 180-character unit lost its
   end and " per year". */
static void test_key_unit_in(void **state)
{
    (void)state;
    char lng[181];
    for (int i = 0; i < 180; i++)
        lng[i] = "kg-of-Ga-metal-"[i % 15];
    lng[180] = '\0';
    mr_mineral m[2] = {{.id = "gallium", .unit = "kg"}, {.id = "ga", .unit = lng}};
    mr_scenario sc = {.nminerals = 2, .minerals = m};
    char *u, want[200];
    assert_int_equal(mr_scenario_key_unit_in(&sc, "minerals.gallium.demand_t", &u), 0);
    assert_string_equal(u, "kg per year");
    free(u);
    assert_int_equal(mr_scenario_key_unit_in(&sc, "minerals.gallium.price.ref", &u), 0);
    assert_string_equal(u, "GBP per kg");
    free(u);
    /* "ga" is a prefix of "gallium": the id is matched whole */
    assert_int_equal(mr_scenario_key_unit_in(&sc, "minerals.ga.market.world_demand_t", &u), 0);
    snprintf(want, sizeof want, "%s per year", lng);
    assert_int_equal(strlen(u), 189);
    assert_string_equal(u, want);
    free(u);
    assert_int_equal(mr_scenario_key_unit_in(&sc, "minerals.gallium.market.stock_months", &u), 0);
    assert_string_equal(u, mr_scenario_key_unit("minerals.gallium.market.stock_months"));
    free(u);
    assert_int_equal(mr_scenario_key_unit_in(&sc, "name", &u), 0);
    assert_null(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_paths_are_the_loaders_key_tables),
        cmocka_unit_test(test_key_unit_in),
        cmocka_unit_test(test_ranges_are_the_loaders),
        cmocka_unit_test(test_words_are_the_loaders),
        cmocka_unit_test(test_required_keys_are_required),
        cmocka_unit_test(test_defaults_are_what_the_loader_fills_in),
        cmocka_unit_test(test_docs_table_is_the_schema),
        cmocka_unit_test(test_numeric_key_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
