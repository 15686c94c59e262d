/* scenario_yaml.c - the resolved scenario as YAML (INTERFACE.md: printed by
 * `validate`, stored as /scenario/resolved).
 *
 * Every default is written out, so the text documents exactly what was
 * simulated. It is itself a valid scenario: mr_scenario_parse of it gives
 * the same struct (tests/unit/sim/scenario/loading.c checks this), which is why
 *  - numbers are printed with the fewest of 15, 16 or 17 significant digits
 *    that read back to the same double (%.17g always would; shorter is
 *    easier on the eye when it is exact),
 *  - outage rates derived from wgi_pv (MODEL §3.1) are shown only as
 *    comments: written as `outage:` they would parse back as explicit,
 *  - strings are double-quoted with escapes,
 *  - the policies block (MODEL §10) is written as given, over the already
 *    transformed model: applying a policy twice changes nothing,
 *  - there is no `extends`: this is the whole chain, merged.
 */
#include "out/scenario_yaml.h"

#include "models/policies.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} Buf;

/* Room for n more bytes and a terminating NUL; false (and b->oom) when
   out of memory. */
static bool room(Buf *b, size_t n)
{
    if (b->oom)
        return false;
    if (n < b->cap - b->len)
        return true;
    size_t cap = b->cap * 2 + n + 1;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

static void put(Buf *b, const char *fmt, ...)
{
    while (!b->oom) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            b->oom = true;
        else if ((size_t)n < b->cap - b->len)
            b->len += (size_t)n;
        else if (room(b, (size_t)n))
            continue;
        return;
    }
}

/* Appends the n bytes of s (no format: the resolved text of a large
   interdependency matrix is hundreds of thousands of numbers). */
static void put_raw(Buf *b, const char *s, size_t n)
{
    if (!room(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

/* Shortest of %.15g/%.16g/%.17g that round-trips exactly. An integer of
   magnitude below 10^15 has 15 significant digits at most, and %.15g
   writes it without an exponent or a point, exactly as its decimal digits
   are written here ("-0" for negative zero, as %g writes it): the same
   text without the formatted conversion, which for a sweep of a
   600-sector scenario was most of the time spent before its first trial
   (tests/unit/out/resolved_numbers.c). */
static const char *num(char *buf, size_t sz, double x)
{
    if (x > -1e15 && x < 1e15 && x == (double)(long long)x && sz >= 18) {
        long long v = (long long)x;
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        char tmp[20];
        int n = 0;
        do
            tmp[n++] = (char)('0' + (int)(u % 10));
        while ((u /= 10));
        size_t k = 0;
        if (v < 0 || (v == 0 && signbit(x)))
            buf[k++] = '-';
        while (n)
            buf[k++] = tmp[--n];
        buf[k] = '\0';
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sz, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

/* A double-quoted YAML string. */
static void put_str(Buf *b, const char *s)
{
    put(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            put(b, "\\%c", c);
        else if (c == '\n')
            put(b, "\\n");
        else if (c == '\t')
            put(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            put(b, "\\x%02x", c);
        else
            put(b, "%c", c);
    }
    put(b, "\"");
}

static void put_severity(Buf *b, const mr_severity *s)
{
    char x[32], y[32];
    switch (s->kind) {
    case MR_SEV_UNIFORM:
        put(b, "{uniform: [%s, %s]}", num(x, sizeof x, s->a), num(y, sizeof y, s->b));
        break;
    case MR_SEV_BETA:
        put(b, "{beta: [%s, %s]}", num(x, sizeof x, s->a), num(y, sizeof y, s->b));
        break;
    default:
        put(b, "{fixed: %s}", num(x, sizeof x, s->a));
    }
}

static void put_duration(Buf *b, const mr_duration *d)
{
    char x[32], y[32];
    switch (d->kind) {
    case MR_DUR_EXPONENTIAL:
        put(b, "{exponential: %s}", num(x, sizeof x, d->a));
        break;
    case MR_DUR_LOGNORMAL:
        put(b, "{lognormal: {median: %s, sigma: %s}}", num(x, sizeof x, d->a),
            num(y, sizeof y, d->b));
        break;
    default:
        put(b, "{fixed: %s}", num(x, sizeof x, d->a));
    }
}

/* {rate_per_year: .., severity: .., duration_months: ..} on one line. */
static void put_process(Buf *b, const mr_process *pr)
{
    char x[32];
    put(b, "{rate_per_year: %s, severity: ", num(x, sizeof x, pr->rate_per_year));
    put_severity(b, &pr->severity);
    put(b, ", duration_months: ");
    put_duration(b, &pr->duration);
    put(b, "}");
}

/* A supplier outage is optional and has no "present" flag: a given one
   always has a duration > 0, an absent one is all zero. */
static bool process_given(const mr_process *pr)
{
    return pr->rate_per_year != 0 || pr->severity.a != 0 || pr->severity.b != 0 ||
           pr->duration.a != 0 || pr->duration.b != 0 || pr->severity.kind != MR_SEV_FIXED ||
           pr->duration.kind != MR_DUR_FIXED;
}

/* A disruption of domestic supply (docs/MODEL.md §4) on one line: its
   process (severity and duration when given: a given duration is > 0) and
   its certain occurrences. */
static void put_disruption(Buf *b, const mr_disruption *d)
{
    char x[32], y[32], z[32];
    put(b, "{rate_per_year: %s", num(x, sizeof x, d->process.rate_per_year));
    if (d->process.duration.a > 0) {
        put(b, ", severity: ");
        put_severity(b, &d->process.severity);
        put(b, ", duration_months: ");
        put_duration(b, &d->process.duration);
    }
    if (d->noccurrences > 0) {
        put(b, ", occurrences: [");
        for (int k = 0; k < d->noccurrences; k++) {
            const mr_certain_occurrence *o = &d->occurrences[k];
            put(b, "%s{start_years: %s, severity: %s, duration_months: %s}", k ? ", " : "",
                num(x, sizeof x, o->start_years), num(y, sizeof y, o->severity),
                num(z, sizeof z, o->duration_months));
        }
        put(b, "]");
    }
    put(b, "}");
}

/* {country: share} of recycled material refined abroad (docs/MODEL.md §4). */
static void put_refined_abroad(Buf *b, const mr_scenario *sc, const mr_refined_abroad *ra)
{
    char x[32];
    put(b, "{");
    for (int k = 0; k < ra->n; k++)
        put(b, "%s%s: %s", k ? ", " : "", sc->countries[ra->country[k]].id,
            num(x, sizeof x, ra->share[k]));
    put(b, "}");
}

static void put_matrix(Buf *b, const char *key, const double *a, int n, char *const *ids)
{
    char x[32];
    put(b, "%s:\n", key);
    for (int i = 0; i < n; i++) {
        put(b, "  %s: {", ids[i]);
        for (int j = 0; j < n; j++) {
            if (j)
                put_raw(b, ", ", 2);
            put_raw(b, ids[j], strlen(ids[j]));
            put_raw(b, ": ", 2);
            num(x, sizeof x, a[i * n + j]);
            put_raw(b, x, strlen(x));
        }
        put(b, "}\n");
    }
}

/* policies (MODEL §10). The shares, stockpiles and rationing written
   below are already the transformed ones; the block is written as given so
   that the policy stays on record (and sc->policy_cap reads back):
   applying it again changes nothing. */
static void put_value(Buf *b, double value, const mr_path *path);

/* policies.cost: each stated cost, as given (a number or a path), with its
   source; the horizon totals are derived again on reading. */
static void put_policy_costs(Buf *b, const mr_policies *pol)
{
    if (!pol->has_cost)
        return;
    put(b, "  cost:   # GBP per year (MODEL §10)\n");
    for (int k = 0; k < MR_NLEVERS; k++) {
        const mr_policy_cost *c = &pol->cost[k];
        if (!c->given)
            continue;
        put(b, "    %s:\n      gbp_per_year: ", mr_lever_names[k]);
        put_value(b, c->gbp_per_year, c->path);
        put(b, "\n      source: ");
        put_str(b, c->source);
        put(b, "\n");
    }
}

/* policies.domestic_share and recycled_share: a number or a path, or the
   mapping form with the supply's risks (docs/MODEL.md §10). */
static void put_policy_shares(Buf *b, const mr_scenario *sc)
{
    const mr_policies *pol = &sc->policies;
    for (int r = 0; r < 2; r++) {
        double share = r ? pol->recycled_share : pol->domestic_share;
        const mr_path *path = r ? pol->recycled_path : pol->domestic_path;
        bool form = r ? pol->refined_abroad.n > 0 : pol->domestic_outage.present;
        if (share < 0 && !form)
            continue;
        put(b, "  %s_share: ", r ? "recycled" : "domestic");
        if (!form) {
            put_value(b, share, path);
            put(b, "\n");
            continue;
        }
        put(b, "{");
        if (share >= 0) {
            put(b, "share: ");
            put_value(b, share, path);
            put(b, ",\n    ");
        }
        if (r) {
            put(b, "refined_abroad: ");
            put_refined_abroad(b, sc, &pol->refined_abroad);
        } else {
            put(b, "outage: ");
            put_disruption(b, &pol->domestic_outage);
        }
        put(b, "}\n");
    }
}

static void put_policies(Buf *b, const mr_scenario *sc)
{
    const mr_policies *pol = &sc->policies;
    char x[32], y[32];
    bool dom_form = pol->domestic_outage.present, rec_form = pol->refined_abroad.n > 0;
    bool any = sc->policy_cap > 0 || pol->domestic_share >= 0 || pol->recycled_share >= 0 ||
               pol->has_stockpile || pol->has_rationing || dom_form || rec_form || pol->has_cost;
    if (!any)
        return;
    put(b, "# policies (MODEL §10), already applied to the model below; applying\n"
           "# them again changes nothing\n"
           "policies:\n");
    if (sc->policy_cap > 0) {
        put(b, "  diversification_cap: {cap: %s, on: %s", num(x, sizeof x, sc->policy_cap),
            pol->cap_on_world ? "world" : "uk_sourcing");
        if (pol->noftake > 0) {
            put(b, ",\n    offtake: {");
            for (int k = 0; k < pol->noftake; k++)
                put(b, "%s%s: %s", k ? ", " : "", sc->countries[pol->offtake_country[k]].id,
                    num(y, sizeof y, pol->offtake_weight[k]));
            put(b, "}");
        }
        if (pol->ramp_path || pol->ramp != 1.0) {
            put(b, ",\n    ramp: ");
            put_value(b, pol->ramp, pol->ramp_path);
        }
        if (pol->offtake_premium) {
            put(b, ",\n    premium: {");
            for (int k = 0; k < pol->noftake; k++)
                put(b, "%s%s: %s", k ? ", " : "", sc->countries[pol->offtake_country[k]].id,
                    num(y, sizeof y, pol->offtake_premium[k]));
            put(b, "}");
        } else if (pol->premium > 0) {
            put(b, ",\n    premium: %s", num(y, sizeof y, pol->premium));
        }
        if (pol->new_source_country >= 0) {
            put(b, ",\n    new_source: {country: %s, spare: %s",
                sc->countries[pol->new_source_country].id, num(y, sizeof y, pol->new_source_spare));
            if (process_given(&pol->new_source_outage)) {
                put(b, ",\n      outage: ");
                put_process(b, &pol->new_source_outage);
            }
            put(b, "}");
        }
        put(b, "}\n");
    }
    put_policy_shares(b, sc);
    if (pol->has_stockpile) {
        put(b, "  stockpile:\n    months: %s\n", num(x, sizeof x, pol->stockpile_months));
        if (pol->nstockpile_minerals > 0) {
            put(b, "    minerals: [");
            for (int i = 0; i < pol->nstockpile_minerals; i++)
                put(b, "%s%s", i ? ", " : "", sc->minerals[pol->stockpile_minerals[i]].id);
            put(b, "]\n");
        }
        if (pol->stockpile_trigger >= 0)
            put(b, "    trigger: %s\n", num(x, sizeof x, pol->stockpile_trigger));
        if (pol->stockpile_max_release >= 0)
            put(b, "    max_release: %s\n", num(x, sizeof x, pol->stockpile_max_release));
        if (pol->stockpile_refill_rate >= 0)
            put(b, "    refill_rate: %s\n", num(x, sizeof x, pol->stockpile_refill_rate));
    }
    if (pol->has_rationing)
        put(b, "  rationing: {rule: %s, other_uses_priority: %d}\n",
            pol->rationing == MR_RATION_PRIORITY ? "priority" : "proportional",
            pol->other_uses_priority);
    put_policy_costs(b, pol);
}

/* name, description, simulation, defaults, rationing, policies, output */
static void put_settings(Buf *b, const mr_scenario *sc)
{
    char x[32], y[32];
    put(b, "# Resolved scenario: every default filled in. It is itself a valid\n"
           "# scenario and reads back to the same model.\n");
    put(b, "name: ");
    put_str(b, sc->name);
    put(b, "\ndescription: ");
    put_str(b, sc->description);
    put(b, "\nsimulation:\n  horizon_years: %d\n  steps_per_year: %d\n", sc->horizon_years,
        sc->steps_per_year);
    if (sc->start_year)
        put(b, "  start_year: %d\n", sc->start_year);
    put(b, "  trials: %" PRIu64 "\n  seed: %" PRIu64 "\n", sc->trials, sc->seed);
    if (sc->target_precision) {
        put(b, "  target_precision: ");
        put_str(b, sc->target_precision);
        put(b, "\n");
    }
    if (sc->max_trials)
        put(b, "  max_trials: %" PRIu64 "\n", sc->max_trials);

    put(b, "defaults:\n");
    if (sc->has_wgi_rate) {
        put(b, "  wgi_rate:\n    rate_at_zero_per_year: %s\n    factor_per_unit: %s\n",
            num(x, sizeof x, sc->wgi_rate_at_zero), num(y, sizeof y, sc->wgi_factor_per_unit));
        put(b, "    severity: ");
        put_severity(b, &sc->wgi_severity);
        put(b, "\n    duration_months: ");
        put_duration(b, &sc->wgi_duration);
        put(b, "\n");
    }
    put(b, "  buffer_refill_rate: %s  # months of need per month\n",
        num(x, sizeof x, sc->buffer_refill_rate));
    put(b, "rationing:\n  rule: %s\n  other_uses_priority: %d\n",
        sc->rationing == MR_RATION_PRIORITY ? "priority" : "proportional", sc->other_uses_priority);
    put_policies(b, sc);
    static const char *const output_trials[] = {"all", "totals", "none"};
    put(b, "output:\n  trials: %s\n", output_trials[sc->output_trials]);
}

/* countries and their outage processes */
static void put_countries(Buf *b, const mr_scenario *sc)
{
    char x[32], y[32], z[32];
    put(b, "countries:\n");
    for (int i = 0; i < sc->ncountries; i++) {
        const mr_country *c = &sc->countries[i];
        put(b, "  %s:\n    name: ", c->id);
        put_str(b, c->name);
        put(b, "\n");
        if (c->has_wgi)
            put(b, "    wgi_pv: %s\n", num(x, sizeof x, c->wgi_pv));
        if (c->aggregate)
            put(b, "    aggregate: true\n");
        switch (c->outage_source) {
        case MR_OUTAGE_EXPLICIT:
            put(b, "    outage: ");
            put_process(b, &c->outage);
            put(b, "\n");
            break;
        case MR_OUTAGE_FROM_WGI:
            put(b,
                "    # outage derived from defaults.wgi_rate: rate = %s * %s ^ -(%s) per year\n"
                "    # outage: ",
                num(x, sizeof x, sc->wgi_rate_at_zero), num(y, sizeof y, sc->wgi_factor_per_unit),
                num(z, sizeof z, c->wgi_pv));
            put_process(b, &c->outage);
            put(b, "\n");
            break;
        default:
            put(b, "    # no country-wide outage process\n");
        }
        if (c->has_regime) { /* docs/MODEL.md §3r */
            put(b, "    regime: {tense_multiplier: %s, ",
                num(x, sizeof x, c->regime_tense_multiplier));
            put(b, "calm_months: %s, ", num(x, sizeof x, c->regime_calm_months));
            put(b, "tense_months: %s}\n", num(x, sizeof x, c->regime_tense_months));
        }
    }
}

/* a mineral's market (docs/MODEL.md §5m), when it has one: every default
   filled in; world demand and home uses only when given */
static void put_market(Buf *b, const mr_scenario *sc, const mr_mineral *m)
{
    const mr_market *mk = &m->market;
    char x[32];
    if (!mk->present)
        return;
    put(b, "    market:\n      stock_months: %s  # months of open-market demand\n",
        num(x, sizeof x, mk->stock_months));
    put(b, "      stock_adjust_months: %s\n", num(x, sizeof x, mk->stock_adjust_months));
    put(b, "      stock_price_response: %s\n", num(x, sizeof x, mk->stock_price_response));
    put(b, "      elasticity_long_run: %s\n", num(x, sizeof x, mk->elasticity_long_run));
    put(b, "      substitution_months: %s\n", num(x, sizeof x, mk->substitution_months));
    if (mk->world_demand_t > 0) {
        put(b, "      world_demand_t: ");
        put_value(b, mk->world_demand_t, mk->world_demand_path);
        put(b, "  # ");
        put_str(b, m->unit);
        put(b, " per year\n");
    }
    if (mk->ndomestic > 0) {
        put(b, "      domestic_use: {");
        for (int k = 0; k < mk->ndomestic; k++)
            put(b, "%s%s: %s", k ? ", " : "", sc->countries[mk->domestic_country[k]].id,
                num(x, sizeof x, mk->domestic_use[k]));
        put(b, "}  # shares of world demand\n");
    }
}

/* uk_sourcing (docs/MODEL.md §3u), when it is not the open market's shares
   recomputed on reading: data (with its source), or the fallback after a
   cap (fallback: true). Shares after any cap. */
static void put_uk_sourcing(Buf *b, const mr_scenario *sc, const mr_mineral *m)
{
    char x[32];
    if (m->uk_basis == MR_UK_OPEN_MARKET)
        return;
    put(b, "    uk_sourcing:\n      shares: {");
    for (int k = 0; k < m->uk.n; k++)
        put(b, "%s%s: %s", k ? ", " : "", sc->countries[m->uk.suppliers[k].country].id,
            num(x, sizeof x, m->uk.suppliers[k].share));
    put(b, "}  # of UK purchases, after any cap\n");
    if (m->uk_before.n > 0) {
        put(b, "      before_policy: {");
        for (int k = 0; k < m->uk_before.n; k++)
            put(b, "%s%s: %s", k ? ", " : "", sc->countries[m->uk_before.suppliers[k].country].id,
                num(x, sizeof x, m->uk_before.suppliers[k].share));
        put(b, "}  # before the cap\n");
    }
    if (m->uk_source) {
        put(b, "      source: ");
        put_str(b, m->uk_source);
        put(b, "\n");
    }
    put(b, "      fallback: %s\n",
        m->uk_basis == MR_UK_DATA ? "false"
                                  : "true  # the open market's shares (no UK import data)");
}

/* The value of a key that takes a number or a time path, as given. */
static void put_value(Buf *b, double value, const mr_path *path)
{
    char x[32];
    if (!path) {
        put(b, "%s", num(x, sizeof x, value));
        return;
    }
    put(b, "{");
    for (int i = 0; i < path->n; i++)
        put(b, "%s%d: %s", i ? ", " : "", (int)path->year[i], num(x, sizeof x, path->value[i]));
    put(b, "}");
}

/* "    key: value" of a mineral or sector key that takes a time path. */
static void put_num_or_path(Buf *b, const char *key, double value, const mr_path *path)
{
    put(b, "    %s: ", key);
    put_value(b, value, path);
    put(b, "\n");
}

/* minerals: demand, stages and suppliers, stockpile, price, market */
static void put_minerals(Buf *b, const mr_scenario *sc)
{
    char x[32], y[32];
    put(b, "minerals:\n");
    for (int i = 0; i < sc->nminerals; i++) {
        const mr_mineral *m = &sc->minerals[i];
        put(b, "  %s:\n    name: ", m->id);
        put_str(b, m->name);
        put(b, "\n    unit: ");
        put_str(b, m->unit);
        put(b, "\n");
        put_num_or_path(b, "demand_t", m->demand_t, m->demand_path);
        put_num_or_path(b, "recycled_share", m->recycled_share, m->recycled_path);
        put_num_or_path(b, "domestic_share", m->domestic_share, m->domestic_path);
        if (m->domestic_outage.present) {
            put(b, "    domestic_outage: ");
            put_disruption(b, &m->domestic_outage);
            put(b, "\n");
        }
        if (m->refined_abroad.n > 0) {
            put(b, "    recycled_refined_abroad: ");
            put_refined_abroad(b, sc, &m->refined_abroad);
            put(b, "\n");
        }
        put(b, "    spare_ramp_months: %s\n", num(x, sizeof x, m->spare_ramp_months));
        for (int s = 0; s < MR_NSTAGES; s++) {
            const mr_stage *st = &m->stage[s];
            if (st->n == 0)
                continue;
            put(b, "    %s:\n", s == MR_STAGE_MINING ? "mining" : "refining");
            for (int k = 0; k < st->n; k++) {
                const mr_supplier *su = &st->suppliers[k];
                put(b, "      - {country: %s, share: ", sc->countries[su->country].id);
                put_value(b, su->share, su->share_path);
                put(b, ", spare: %s", num(y, sizeof y, su->spare));
                if (process_given(&su->outage)) {
                    put(b, ",\n         outage: ");
                    put_process(b, &su->outage);
                }
                put(b, "}\n");
            }
        }
        if (m->stockpile.present) {
            const mr_stockpile *sp = &m->stockpile;
            put(b, "    stockpile:\n      target_months: %s\n",
                num(x, sizeof x, sp->target_months));
            put(b, "      initial_months: %s\n", num(x, sizeof x, sp->initial_months));
            put(b, "      trigger: %s\n", num(x, sizeof x, sp->trigger));
            put(b, "      max_release: %s\n", num(x, sizeof x, sp->max_release));
            put(b, "      refill_rate: %s\n", num(x, sizeof x, sp->refill_rate));
        }
        const mr_price *pr = &m->price;
        put(b, "    price:\n      ref: %s  # GBP per ", num(x, sizeof x, pr->ref));
        put_str(b, m->unit);
        put(b, "\n      theta: %s\n", num(x, sizeof x, pr->theta));
        put(b, "      sigma: %s\n", num(x, sizeof x, pr->sigma));
        put(b, "      elasticity: %s\n", num(x, sizeof x, pr->elasticity));
        put(b, "      max_multiple: %s\n", num(x, sizeof x, pr->max_multiple));
        put(b, "      jumps: {rate_per_year: %s, mu: %s, ", num(x, sizeof x, pr->jump_rate),
            num(y, sizeof y, pr->jump_mu));
        put(b, "sigma: %s}\n", num(x, sizeof x, pr->jump_sigma));
        put_market(b, sc, m);
        put_uk_sourcing(b, sc, m);
    }
}

/* sectors and their needs */
static void put_sectors(Buf *b, const mr_scenario *sc)
{
    char x[32];
    put(b, "sectors:\n");
    for (int i = 0; i < sc->nsectors; i++) {
        const mr_sector *s = &sc->sectors[i];
        put(b, "  %s:\n    name: ", s->id);
        put_str(b, s->name);
        put(b, "\n");
        put_num_or_path(b, "output_gbp", s->output_gbp, s->output_path);
        if (s->gva_gbp > 0) /* 0: not given */
            put_num_or_path(b, "gva_gbp", s->gva_gbp, s->gva_path);
        put(b, "    priority: %d\n", s->priority);
        put(b, "    recovery_rate: %s\n", num(x, sizeof x, s->recovery_rate));
        put(b, "    combine: %s\n",
            s->combine == MR_COMBINE_INDEPENDENT ? "independent" : "limiting");
        put(b, "    needs:%s\n", s->nneeds ? "" : " []");
        for (int k = 0; k < s->nneeds; k++) {
            const mr_need *n = &s->needs[k];
            put(b, "      - {mineral: %s, dependent_share: ", sc->minerals[n->mineral].id);
            put_value(b, n->dependent_share, n->dependent_path);
            put(b, ", ");
            put(b, "substitutable: %s, ", num(x, sizeof x, n->substitutable));
            put(b, "demand_share: %s,\n         ", num(x, sizeof x, n->demand_share));
            put(b, "spend_gbp: ");
            put_value(b, n->spend_gbp, n->spend_path);
            put(b, ", ");
            put(b, "buffer_months: %s}\n", num(x, sizeof x, n->buffer_months));
        }
    }
}

/* events: the Poisson part and the certain occurrences */
static void put_events(Buf *b, const mr_scenario *sc)
{
    char x[32];
    if (sc->nevents > 0)
        put(b, "events:\n");
    for (int i = 0; i < sc->nevents; i++) {
        const mr_event *e = &sc->events[i];
        put(b, "  %s:\n    name: ", e->id);
        put_str(b, e->name);
        /* minerals: a list, or the mapping of each one's probability
           (docs/MODEL.md §3r) when the event gave them */
        const double *pr = e->mineral_probability;
        put(b, "\n    country: %s\n    minerals: %s", sc->countries[e->country].id, pr ? "{" : "[");
        for (int k = 0; k < e->nminerals; k++) {
            put(b, "%s%s", k ? ", " : "", sc->minerals[e->minerals[k]].id);
            if (pr)
                put(b, ": %s", num(x, sizeof x, pr[k]));
        }
        put(b, "%s\n    stages: [%s%s%s]\n", pr ? "}" : "]",
            e->stages[MR_STAGE_MINING] ? "mining" : "",
            e->stages[MR_STAGE_MINING] && e->stages[MR_STAGE_REFINING] ? ", " : "",
            e->stages[MR_STAGE_REFINING] ? "refining" : "");
        /* scope production (the default) is left out, and with it the keys
           of the other scopes, so a scenario without them reads as before;
           licensing only when there is some (0: none) */
        if (e->scope == MR_SCOPE_EXPORTS) {
            put(b, "    scope: exports\n");
            if (e->licensing > 0)
                put(b, "    licensing: %s  # share of UK purchases from the country\n",
                    num(x, sizeof x, e->licensing));
            if (e->rush_months > 0)
                put(b, "    rush_months: %s  # months of the country's exports bought ahead\n",
                    num(x, sizeof x, e->rush_months));
        } else if (e->scope == MR_SCOPE_ORE)
            put(b, "    scope: ore\n    processed_elsewhere: %s\n",
                num(x, sizeof x, e->processed_elsewhere));
        put(b, "    rate_per_year: %s\n    severity: ", num(x, sizeof x, e->process.rate_per_year));
        put_severity(b, &e->process.severity);
        /* with certain occurrences only, the Poisson part may have no
           duration (a given one is always > 0) */
        if (e->process.duration.a > 0) {
            put(b, "\n    duration_months: ");
            put_duration(b, &e->process.duration);
        }
        put(b, "\n");
        if (e->noccurrences > 0)
            put(b, "    occurrences:  # certain: in every trial, besides the Poisson ones\n");
        for (int k = 0; k < e->noccurrences; k++) {
            const mr_certain_occurrence *o = &e->occurrences[k];
            put(b, "      - {start_years: %s, ", num(x, sizeof x, o->start_years));
            put(b, "severity: %s, ", num(x, sizeof x, o->severity));
            put(b, "duration_months: %s", num(x, sizeof x, o->duration_months));
            if (o->rush_months > 0)
                put(b, ", rush_months: %s", num(x, sizeof x, o->rush_months));
            put(b, "}\n");
        }
    }
}

/* the interdependency and price correlation matrices */
static void put_matrices(Buf *b, const mr_scenario *sc)
{
    /* ids as a plain array for put_matrix */
    int n = sc->nsectors > sc->nminerals ? sc->nsectors : sc->nminerals;
    char **ids = calloc((size_t)(n > 0 ? n : 1), sizeof *ids);
    if (!ids) {
        b->oom = 1;
        return;
    }
    if (sc->interdependency) {
        for (int i = 0; i < sc->nsectors; i++)
            ids[i] = sc->sectors[i].id;
        put(b, "# interdependency[i][j]: fraction of sector j's inoperability passed to i\n");
        put_matrix(b, "interdependency", sc->interdependency, sc->nsectors, ids);
    }
    if (sc->price_correlation) {
        for (int i = 0; i < sc->nminerals; i++)
            ids[i] = sc->minerals[i].id;
        put_matrix(b, "price_correlation", sc->price_correlation, sc->nminerals, ids);
    }
    free(ids);
}

/* P of a var<P>/es<P> target: the shortest decimal, digits and an optional
   fraction (mr_importance_parse_target reads no exponent), whose value over
   100 is level */
static const char *percent(char *buf, size_t sz, double level)
{
    for (int prec = 0; prec <= 17; prec++) {
        snprintf(buf, sz, "%.*f", prec, level * 100.0);
        if (strtod(buf, NULL) / 100.0 == level)
            break;
    }
    return buf;
}

/* The importance block (docs/SCENARIO_FORMAT.md "importance") as it runs:
   the command line's --importance and --target applied, the focus, its
   years and the defensive share written out. After the cross-entropy
   stages (nstages > 0) the rates are the tilt they chose, by each process's
   exact name, and the target is a comment: run again, this scenario draws
   the main stage's trials again (with the target it would run new stages
   from the chosen tilt). With no process with a rate the stages chose no
   factor, and a block of no rates and no target is no scenario's: the
   target stays, whose stages choose nothing again (on their own random
   streams: the main stage's trials are the same). */
static void put_importance(Buf *b, const mr_scenario *sc)
{
    const mr_importance *imp = &sc->importance;
    char x[32];
    if (!imp->present)
        return;
    const bool chosen = imp->nstages > 0 && imp->nrates > 0;
    if (chosen && imp->target != MR_TARGET_NONE)
        put(b,
            "# importance: the tilt the cross-entropy method chose for %s%s%s in %d pilot "
            "stages (/importance)\n",
            imp->target == MR_TARGET_VAR ? "var" : "es", percent(x, sizeof x, imp->target_level),
            imp->target_annual ? "_annual" : "_total", imp->nstages);
    put(b, "importance:\n");
    if (imp->nrates > 0) {
        put(b, "  rates:\n");
        for (int k = 0; k < imp->nrates; k++) {
            bool later = false; /* the same name again overrides this one */
            for (int j = k + 1; j < imp->nrates && !later; j++)
                later = strcmp(imp->rates[j].pattern, imp->rates[k].pattern) == 0;
            if (later)
                continue;
            put(b, "    ");
            put_str(b, imp->rates[k].pattern);
            put(b, ": %s\n", num(x, sizeof x, imp->rates[k].factor));
        }
    }
    if (imp->target != MR_TARGET_NONE && !chosen) {
        put(b, "  target: %s%s%s\n", imp->target == MR_TARGET_VAR ? "var" : "es",
            percent(x, sizeof x, imp->target_level), imp->target_annual ? "_annual" : "_total");
        put(b, "  pilot_stages: %" PRIu64 "\n", imp->pilot_stages ? imp->pilot_stages : 3);
        if (imp->pilot_trials) /* else max(1000, trials / 10): follows the trials */
            put(b, "  pilot_trials: %" PRIu64 "\n", imp->pilot_trials);
    }
    if (mr_importance_focus_year(imp)) {
        put(b, "  focus: year\n  focus_years: %" PRIu64 "\n",
            imp->focus_years ? imp->focus_years : 1);
        put(b, "  defensive: %s\n", num(x, sizeof x, mr_importance_defensive(imp)));
    } else {
        put(b, "  focus: horizon\n");
    }
}

/* the sweep grid, as a comment */
static void put_sweep_comment(Buf *b, const mr_scenario *sc)
{
    /* The sweep is not part of a resolved scenario (each variant's resolved
       form is stored with it); a comment records the grid. */
    if (sc->nsweep > 0) {
        put(b, "# sweep: %llu variants over", (unsigned long long)sc->nvariants);
        for (int i = 0; i < sc->nsweep; i++) {
            put(b, "%s %s [", i ? " x" : "", sc->sweep[i].path);
            for (int k = 0; k < sc->sweep[i].nvalues; k++)
                put(b, "%s%s", k ? ", " : "", sc->sweep[i].labels[k]);
            put(b, "]");
        }
        put(b, "\n");
    }
}

/* the uncertain keys, as a comment (each row's resolved form is its own) */
static void put_uncertain_comment(Buf *b, const mr_scenario *sc)
{
    static const char *const kinds[] = {"uniform", "triangular", "lognormal", "beta", "choice"};
    if (sc->nuncertain <= 0)
        return;
    put(b, "# uncertain: %llu rows x %llu trials over", (unsigned long long)sc->uncertain_rows,
        (unsigned long long)sc->uncertain_block_trials);
    for (int i = 0; i < sc->nuncertain; i++) {
        const mr_uncertain_param *q = &sc->uncertain[i];
        char lo[32], hi[32]; /* the shortest that round-trips: 0.07, not 0.070000000000000007 */
        put(b, "%s %s %s in [%s, %s]", i ? "," : "", q->path, kinds[q->kind],
            num(lo, sizeof lo, q->lo), num(hi, sizeof hi, q->hi));
    }
    put(b, "\n");
}

char *mr_scenario_resolved_yaml(const mr_scenario *sc)
{
    Buf b = {.s = malloc(4096), .cap = 4096};
    if (!b.s)
        return NULL;
    b.s[0] = '\0';
    put_settings(&b, sc);
    put_countries(&b, sc);
    put_minerals(&b, sc);
    put_sectors(&b, sc);
    put_events(&b, sc);
    put_matrices(&b, sc);
    put_importance(&b, sc);
    put_sweep_comment(&b, sc);
    put_uncertain_comment(&b, sc);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
