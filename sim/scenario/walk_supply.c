/* walk_supply.c - the supply side: countries (MODEL §2, §3.1) and minerals
 * with their supply stages (MODEL §4), stockpiles, prices (MODEL §5) and
 * markets (docs/MODEL.md §5m).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "sim/scenario/internal.h"

#include "models/market.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A rate derived from wgi_pv (at node wgi, path kp) is bounded as a
   written one is (sc_rate_check): an extreme factor_per_unit can make it
   explode. */
static int derived_rate_check(P *p, const yaml_node_t *wgi, const char *kp, double rate)
{
    int n = p->sc->steps_per_year;
    if (!(rate <= n))
        return sc_fail(p, wgi, kp,
                       "the outage rate derived from defaults.wgi_rate is %.3g a year, above the "
                       "limit of %d a year (at most one occurrence a step on average: the grid "
                       "has %d steps a year)",
                       rate, n, n);
    sc_rate_note(p, wgi, kp, rate);
    return 0;
}

/* regime (docs/MODEL.md §3r): a two-state tension regime, all three keys
   required. A mean sojourn shorter than a step would switch within a
   step, which the step grid cannot show: refused. */
static int walk_regime(P *p, const yaml_node_t *v, const char *kp, mr_country *c)
{
    static const char *const months[] = {"calm_months", "tense_months"};
    double *val[] = {&c->regime_calm_months, &c->regime_tense_months};
    double step = MR_MONTHS_PER_YEAR / p->sc->steps_per_year;
    Map m;
    if (sc_map_open(p, v, kp, "countries.<id>.regime", &m) ||
        sc_get_num(p, &m, "tense_multiplier", true, &R_REGIME_MULT, &c->regime_tense_multiplier))
        return -1;
    for (int k = 0; k < 2; k++) {
        const yaml_node_t *x;
        char ckp[KP_MAX];
        if (sc_get_num(p, &m, months[k], true, &R_REGIME_MONTHS, val[k]) ||
            sc_mget(p, &m, months[k], true, &x, ckp))
            return -1;
        if (*val[k] < step)
            return sc_fail(p, x, ckp, "%.15g months is shorter than a step of %.15g months",
                           *val[k], step);
    }
    c->has_regime = true;
    return 0;
}

/* Country i of the mapping v (kp: countries). */
static int country_entry(P *p, const yaml_node_t *v, const char *kp, int i)
{
    mr_scenario *sc = p->sc;
    mr_country *c = &sc->countries[i];
    const char *id = sc_sval(sc_pair_key(p, v, i));
    char ckp[KP_MAX], okp[KP_MAX];
    const yaml_node_t *x;
    Map m;
    if (!(c->id = strdup(id)))
        return sc_oom(p);
    p->cid[i] = c->id;
    sc_idhash_put(&p->hcid, i);
    sc_kp_key(ckp, kp, id);
    int agg;
    if (sc_map_open(p, sc_pair_val(p, v, i), ckp, "countries.<id>", &m) ||
        sc_get_str_or(p, &m, "name", id, &c->name) ||
        sc_get_enum(p, &m, "aggregate", false, sc_bools, &agg))
        return -1;
    c->aggregate = agg == 1;
    if (sc_mget(p, &m, "wgi_pv", false, &x, okp))
        return -1;
    const yaml_node_t *wgi = x;
    char wkp[KP_MAX];
    snprintf(wkp, sizeof wkp, "%s", okp);
    if (x) {
        c->has_wgi = true;
        if (sc_num_node(p, x, okp, &R_WGI, &c->wgi_pv))
            return -1;
    }
    if (sc_mget(p, &m, "outage", false, &x, okp))
        return -1;
    if (x) {
        c->outage_source = MR_OUTAGE_EXPLICIT;
        if (sc_process_node(p, x, okp, &c->outage))
            return -1;
    } else if (c->has_wgi && sc->has_wgi_rate) {
        /* MODEL §3.1: rate = rate_at_zero * factor_per_unit ^ (-wgi_pv) */
        c->outage_source = MR_OUTAGE_FROM_WGI;
        c->outage.rate_per_year = sc->wgi_rate_at_zero * pow(sc->wgi_factor_per_unit, -c->wgi_pv);
        c->outage.severity = sc->wgi_severity;
        c->outage.duration = sc->wgi_duration;
        if (derived_rate_check(p, wgi, wkp, c->outage.rate_per_year))
            return -1;
    } else {
        c->outage_source = MR_OUTAGE_NONE;
    }
    if (sc_mget(p, &m, "regime", false, &x, okp) || (x && walk_regime(p, x, okp, c)))
        return -1;
    if (x && !p->regime_at &&
        !(p->regime_at = sc_zalloc(p, (size_t)sc->ncountries, sizeof *p->regime_at)))
        return -1;
    if (x)
        p->regime_at[i] = x;
    return 0;
}

/* A regime scales the rates of the country's named events only
   (docs/MODEL.md §3r): on a country that imposes none it would change
   nothing, and was ignored without a word. */
int sc_regime_check(P *p)
{
    const mr_scenario *sc = p->sc;
    for (int c = 0; p->regime_at && c < sc->ncountries; c++) {
        bool any = false;
        for (int e = 0; e < sc->nevents && !any; e++)
            any = sc->events[e].country == c;
        if (p->regime_at[c] && !any) {
            char kp[KP_MAX];
            snprintf(kp, sizeof kp, "countries.%s.regime", sc->countries[c].id);
            return sc_fail(p, p->regime_at[c], kp,
                           "the country imposes no event (no events.<id>.country is %s), and a "
                           "regime changes only the rates of its events: it would change nothing",
                           sc->countries[c].id);
        }
    }
    return 0;
}

/* countries (MODEL §2, §3.1). The outage process is explicit, derived
   from wgi_pv through defaults.wgi_rate, or absent (rate 0); a regime
   (docs/MODEL.md §3r) is optional. */
int sc_walk_countries(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    if (sc_idmap_check(p, v, kp, "country", NULL))
        return -1;
    int n = sc_npairs(v);
    if (n == 0)
        return sc_fail(p, v, kp, "define at least one country");
    if (!(sc->countries = sc_zalloc(p, (size_t)n, sizeof *sc->countries)) ||
        !(p->cid = sc_zalloc(p, (size_t)n, sizeof *p->cid)))
        return -1;
    if (sc_idhash_init(&p->hcid, p->cid, n))
        return sc_oom(p);
    sc->ncountries = n;
    /* collecting every error: each country on its own (its id is known) */
    bool bad = false;
    for (int i = 0; i < n; i++)
        if (country_entry(p, v, kp, i) && (bad = true, !sc_recover(p)))
            return -1;
    return bad ? -1 : 0;
}

/* The suppliers of a stage; at[c]: 1 + the index of country c's item. */
static int stage_items(P *p, const yaml_node_t *v, const char *kp, const char *schema, mr_stage *st,
                       int *at, double *sum)
{
    int n = st->n;
    for (int i = 0; i < n; i++) {
        mr_supplier *s = &st->suppliers[i];
        char ikp[KP_MAX], ckp[KP_MAX];
        const yaml_node_t *x;
        Map m;
        sc_kp_idx(ikp, kp, i);
        if (sc_map_open(p, sc_item_at(p, v, i), ikp, schema, &m))
            return -1;
        if (sc_mget(p, &m, "country", true, &x, ckp) ||
            sc_ref_node(p, x, ckp, "country", &p->hcid, &s->country))
            return -1;
        if (at[s->country])
            return sc_fail(p, x, ckp, "country '%s' is already a supplier in this stage (at [%d])",
                           p->cid[s->country], at[s->country] - 1);
        at[s->country] = i + 1;
        if (sc_get_num_path(p, &m, "share", true, &R_01, &s->share, &s->share_path) ||
            sc_get_num(p, &m, "spare", false, &R_SPARE, &s->spare))
            return -1;
        if (sc_mget(p, &m, "outage", false, &x, ckp))
            return -1;
        if (x && sc_process_node(p, x, ckp, &s->outage))
            return -1;
        *sum += s->share;
    }
    return 0;
}

/* Shares given as time paths (docs/MODEL.md §4) sum to 1 at every time:
   the sum is linear between the paths' points and constant outside them,
   so it is checked at each point. */
static int stage_paths_sum(P *p, const yaml_node_t *v, const char *kp, const mr_stage *st)
{
    for (int i = 0; i < st->n; i++) {
        const mr_path *pa = st->suppliers[i].share_path;
        for (int k = 0; pa && k < pa->n; k++) {
            double sum = 0.0;
            for (int j = 0; j < st->n; j++)
                sum += mr_path_or(st->suppliers[j].share_path, st->suppliers[j].share, pa->year[k]);
            if (fabs(sum - 1) > SUM_TOL)
                return sc_fail(p, v, kp, "shares sum to %.15g in %g, must be 1 within 1e-9", sum,
                               pa->year[k]);
        }
    }
    return 0;
}

/* One supply stage (MODEL §4): suppliers whose shares sum to 1; schema is
   the stage's list item, "minerals.<id>.mining[]" or "...refining[]". */
static int walk_stage(P *p, const yaml_node_t *v, const char *kp, const char *schema, mr_stage *st)
{
    mr_scenario *sc = p->sc;
    char d[SHOW_BUF];
    if (v->type != YAML_SEQUENCE_NODE)
        return sc_fail(p, v, kp, "expected a list of suppliers, got %s",
                       sc_describe(v, d, sizeof d));
    int n = sc_nitems(v);
    if (n == 0)
        return sc_fail(p, v, kp, "list at least one supplier");
    if (!(st->suppliers = sc_zalloc(p, (size_t)n, sizeof *st->suppliers)))
        return -1;
    st->n = n;
    double sum = 0;
    int *at = sc_zalloc(p, (size_t)sc->ncountries, sizeof *at); /* index + 1 of each country */
    if (!at)
        return -1;
    int rc = stage_items(p, v, kp, schema, st, at, &sum);
    free(at);
    if (rc)
        return -1;
    if (fabs(sum - 1) > SUM_TOL)
        return sc_fail(p, v, kp, "shares sum to %.15g, must be 1 within 1e-9", sum);
    return stage_paths_sum(p, v, kp, st);
}

static int walk_stockpile(P *p, const yaml_node_t *v, const char *kp, mr_stockpile *s)
{
    Map m;
    if (sc_map_open(p, v, kp, "minerals.<id>.stockpile", &m))
        return -1;
    s->present = true;
    if (sc_get_num(p, &m, "target_months", true, &R_MONTHS, &s->target_months) ||
        sc_get_num_or(p, &m, "initial_months", s->target_months, &R_MONTHS, &s->initial_months) ||
        sc_get_num(p, &m, "trigger", false, &R_01_OPENHI, &s->trigger) ||
        sc_get_num(p, &m, "max_release", false, &R_01_OPENLO, &s->max_release) ||
        sc_get_num(p, &m, "refill_rate", false, &R_REFILL, &s->refill_rate))
        return -1;
    return 0;
}

/* price (MODEL §5). */
static int walk_price(P *p, const yaml_node_t *v, const char *kp, mr_price *pr)
{
    Map m, j;
    const yaml_node_t *x;
    char jkp[KP_MAX];
    if (sc_map_open(p, v, kp, "minerals.<id>.price", &m))
        return -1;
    if (sc_get_num(p, &m, "ref", true, &R_PRICE, &pr->ref) ||
        sc_get_num(p, &m, "theta", false, &R_PER_YEAR, &pr->theta) ||
        sc_get_num(p, &m, "sigma", false, &R_VOL, &pr->sigma) ||
        sc_get_num(p, &m, "elasticity", false, &R_ELAST, &pr->elasticity) ||
        sc_get_num(p, &m, "max_multiple", false, &R_MULTIPLE, &pr->max_multiple))
        return -1;
    if (sc_mget(p, &m, "jumps", false, &x, jkp))
        return -1;
    if (!x)
        return 0; /* no jumps: rate 0 */
    if (sc_map_open(p, x, jkp, "minerals.<id>.price.jumps", &j) ||
        sc_get_rate(p, &j, "rate_per_year", true, &pr->jump_rate) ||
        sc_get_num(p, &j, "mu", false, &R_LNJUMP, &pr->jump_mu) ||
        sc_get_num(p, &j, "sigma", false, &R_VOL, &pr->jump_sigma))
        return -1;
    return 0;
}

/* market.domestic_use (docs/MODEL.md §5m): defined country -> share of
   world demand consumed there, in file order; an entry given as null counts
   as not given. Each country supplies the product stage (its home use is
   served from its own output); the shares leave the open market a part of
   world demand, so they sum to below 1 (by more than SUM_TOL). */
static int walk_domestic_use(P *p, const yaml_node_t *v, const char *kp, const mr_mineral *mn,
                             mr_market *mk)
{
    sc_country_value *e;
    int n;
    double sum;
    if (sc_country_values(p, v, kp, &R_01, &e, &n, &sum))
        return -1;
    const mr_stage *st = &mn->stage[mr_product_stage(mn)];
    int rc = 0;
    for (int k = 0; k < n && !rc; k++) {
        int supplies = 0;
        for (int j = 0; j < st->n; j++)
            supplies |= st->suppliers[j].country == e[k].country;
        if (!supplies)
            rc = sc_fail(p, e[k].at, e[k].kp,
                         "country '%s' does not supply the product stage (%s) of this mineral; "
                         "a home use is served from the country's own output",
                         p->sc->countries[e[k].country].id,
                         st == &mn->stage[MR_STAGE_REFINING] ? "refining" : "mining");
    }
    if (!rc && !(sum < 1 - SUM_TOL)) /* within 1e-9 of 1 is 1, as in the other sums */
        rc = sc_fail(p, v, kp, "domestic use sums to %.15g, must be below 1", sum);
    if (!rc &&
        (!(mk->domestic_country = sc_zalloc(p, (size_t)n + 1, sizeof *mk->domestic_country)) ||
         !(mk->domestic_use = sc_zalloc(p, (size_t)n + 1, sizeof *mk->domestic_use))))
        rc = -1;
    for (int k = 0; k < n && !rc; k++) {
        mk->domestic_country[k] = e[k].country;
        mk->domestic_use[k] = e[k].value;
    }
    if (!rc)
        mk->ndomestic = n;
    free(e);
    return rc;
}

/* market (docs/MODEL.md §5m): given, even as {}, it is present. The
   long-run elasticity defaults to the price's short-run one (pr, read
   first). */
static int walk_market(P *p, const yaml_node_t *v, const char *kp, const mr_mineral *mn,
                       mr_market *mk)
{
    const mr_price *pr = &mn->price;
    Map m;
    const yaml_node_t *x;
    char ckp[KP_MAX];
    if (sc_map_open(p, v, kp, "minerals.<id>.market", &m))
        return -1;
    mk->present = true;
    if (sc_get_num(p, &m, "stock_months", false, &R_MONTHS, &mk->stock_months) ||
        sc_get_num(p, &m, "stock_adjust_months", false, &R_MONTHS_GT0, &mk->stock_adjust_months) ||
        sc_get_num(p, &m, "stock_price_response", false, &R_RESPONSE, &mk->stock_price_response) ||
        sc_get_num_or(p, &m, "elasticity_long_run", pr->elasticity, &R_ELAST,
                      &mk->elasticity_long_run) ||
        sc_get_num(p, &m, "substitution_months", false, &R_MONTHS_GT0, &mk->substitution_months) ||
        sc_get_num_path(p, &m, "world_demand_t", false, &R_AMOUNT, &mk->world_demand_t,
                        &mk->world_demand_path))
        return -1;
    if (mk->elasticity_long_run < pr->elasticity) {
        sc_mget(p, &m, "elasticity_long_run", false, &x, ckp);
        return sc_fail(p, x, ckp,
                       "%.15g is below the short-run price.elasticity %.15g: demand becomes "
                       "more elastic with time, not less (docs/MODEL.md §5m)",
                       mk->elasticity_long_run, pr->elasticity);
    }
    if (sc_mget(p, &m, "domestic_use", false, &x, ckp))
        return -1;
    if (x && walk_domestic_use(p, x, ckp, mn, mk))
        return -1;
    double open = mr_market_open_demand(mn); /* mk is mn->market */
    /* at the start, at every point of either path, and at the middle of
       every step (the open market's share D_open moves with shares on
       paths, with kinks where a share crosses its home use) */
    const mr_path *pa[2] = {mn->demand_path, mk->world_demand_path};
    const mr_scenario *sc = p->sc;
    const int T = mr_stage_has_paths(&mn->stage[mr_product_stage(mn)])
                      ? sc->horizon_years * sc->steps_per_year
                      : 0;
    static const int order[] = {-1, 0, 1, -2}; /* the start first, the steps last */
    for (int o = 0; o < 4 && mk->world_demand_t > 0.0; o++)
        for (int w = order[o], k = 0; k < (w == -1 ? 1 : w == -2 ? T : pa[w] ? pa[w]->n : 0); k++) {
            double y = w == -1   ? (double)sc->start_year
                       : w == -2 ? mr_path_step_time(sc->start_year, sc->steps_per_year, k)
                                 : pa[w]->year[k];
            double uk = mr_path_or(mn->demand_path, mn->demand_t, y),
                   world = mr_path_or(mk->world_demand_path, mk->world_demand_t, y);
            if (w != -1)
                open = mr_market_open_demand_at(mn, y);
            if (uk < world * open)
                continue;
            char when[32] = "";
            if (w != -1)
                snprintf(when, sizeof when, " in %.4g", y);
            sc_mget(p, &m, "world_demand_t", false, &x, ckp);
            return sc_fail(p, x, ckp,
                           "the open market's demand, %.15g %s a year (world demand less home "
                           "uses), is not above the UK's demand_t %.15g%s",
                           world * open, mn->unit ? mn->unit : "units", uk, when);
        }
    return 0;
}

/* Mineral i of the mapping v (kp: minerals). */
static int mineral_entry(P *p, const yaml_node_t *v, const char *kp, int i)
{
    mr_scenario *sc = p->sc;
    mr_mineral *mn = &sc->minerals[i];
    const char *id = sc_sval(sc_pair_key(p, v, i));
    char mkp[KP_MAX], ckp[KP_MAX];
    const yaml_node_t *x;
    Map m;
    if (!(mn->id = strdup(id)))
        return sc_oom(p);
    p->mid[i] = mn->id;
    sc_idhash_put(&p->hmid, i);
    sc_kp_key(mkp, kp, id);
    if (sc_map_open(p, sc_pair_val(p, v, i), mkp, "minerals.<id>", &m) ||
        sc_get_str_or(p, &m, "name", id, &mn->name) ||
        sc_get_str(p, &m, "unit", false, &mn->unit) ||
        sc_get_num_path(p, &m, "demand_t", true, &R_AMOUNT, &mn->demand_t, &mn->demand_path) ||
        sc_get_num_path(p, &m, "recycled_share", false, &R_01, &mn->recycled_share,
                        &mn->recycled_path) ||
        sc_get_num_path(p, &m, "domestic_share", false, &R_01, &mn->domestic_share,
                        &mn->domestic_path))
        return -1;
    sc_mget(p, &m, "domestic_share", false, &x, ckp);
    if (sc_shares_within_one(p, x ? x : m.node, ckp, mn, NULL, ""))
        return -1;
    if (sc_get_num(p, &m, "spare_ramp_months", false, &R_MONTHS, &mn->spare_ramp_months))
        return -1;
    int nstages = 0;
    for (int s = 0; s < MR_NSTAGES; s++) {
        if (sc_mget(p, &m, sc_stages[s], false, &x, ckp))
            return -1;
        if (x) {
            char schema[64]; /* "minerals.<id>.mining[]" */
            snprintf(schema, sizeof schema, "minerals.<id>.%s[]", sc_stages[s]);
            nstages++;
            if (walk_stage(p, x, ckp, schema, &mn->stage[s]))
                return -1;
        }
    }
    if (nstages == 0)
        return sc_fail(p, m.node, mkp, "give a 'mining' or a 'refining' supplier list, or both");
    if (sc_mget(p, &m, "stockpile", false, &x, ckp))
        return -1;
    if (x && walk_stockpile(p, x, ckp, &mn->stockpile))
        return -1;
    if (sc_mget(p, &m, "price", true, &x, ckp) || walk_price(p, x, ckp, &mn->price))
        return -1;
    if (sc_mget(p, &m, "market", false, &x, ckp) || (x && walk_market(p, x, ckp, mn, &mn->market)))
        return -1;
    if (sc_mget(p, &m, "uk_sourcing", false, &x, ckp) || (x && sc_walk_uk_sourcing(p, x, ckp, mn)))
        return -1;
    if (sc_walk_domestic_risk(p, &m, i)) /* docs/MODEL.md §4 */
        return -1;
    return 0;
}

int sc_walk_minerals(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    if (sc_idmap_check(p, v, kp, "mineral", NULL))
        return -1;
    int n = sc_npairs(v);
    if (n == 0)
        return sc_fail(p, v, kp, "define at least one mineral");
    if (!(sc->minerals = sc_zalloc(p, (size_t)n, sizeof *sc->minerals)) ||
        !(p->mid = sc_zalloc(p, (size_t)n, sizeof *p->mid)))
        return -1;
    if (sc_idhash_init(&p->hmid, p->mid, n))
        return sc_oom(p);
    sc->nminerals = n;
    /* collecting every error: each mineral on its own (its id is known) */
    bool bad = false;
    for (int i = 0; i < n; i++)
        if (mineral_entry(p, v, kp, i) && (bad = true, !sc_recover(p)))
            return -1;
    return bad ? -1 : 0;
}
