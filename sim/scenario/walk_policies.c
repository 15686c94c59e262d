/* walk_policies.c - policies (MODEL §10, models/policies.c): the levers
 * applied to the minerals just read, before sectors and events are read.
 */
#include "sim/scenario/internal.h"

#include "models/market.h"
#include "models/policies.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The cap of policies.diversification_cap on one stage, with the stage's
   aggregate suppliers (rest of the world) exempt from the cut: to the new
   source when there is one, else pro rata. Returns 0; 1 if the excess
   cannot be placed pro rata; -1 out of memory. */
static int cap_stage(P *p, mr_stage *st, double cap, const mr_policies *pol)
{
    bool *exempt = calloc((size_t)st->n, sizeof *exempt);
    if (!exempt)
        return -1;
    for (int k = 0; k < st->n; k++)
        exempt[k] = p->sc->countries[st->suppliers[k].country].aggregate;
    int rc;
    if (pol->new_source_country >= 0)
        rc = mr_policy_cap_to_source(st, cap, pol->new_source_country, pol->new_source_spare,
                                     &pol->new_source_outage, exempt);
    else
        rc = mr_policy_cap_pro_rata(st, cap, exempt);
    free(exempt);
    return rc;
}

/* policies.diversification_cap.offtake: country -> weight (> 0), in file
   order, the weights summing to 1. */
static int walk_offtake(P *p, const yaml_node_t *v, const char *kp, mr_policies *pol)
{
    sc_country_value *e;
    int n;
    double sum;
    if (sc_country_values(p, v, kp, &R_01_OPENLO, &e, &n, &sum))
        return -1;
    int rc = 0;
    for (int k = 0; k < n && !rc; k++)
        if (p->sc->countries[e[k].country].aggregate)
            rc = sc_fail(p, e[k].at, e[k].kp,
                         "'%s' is an aggregate (many small suppliers): ring-fenced offtake "
                         "is bought from a named country",
                         p->sc->countries[e[k].country].id);
    if (!rc && n == 0)
        rc = sc_fail(p, v, kp, "name at least one offtake country");
    if (!rc && (sum < 1 - SUM_TOL || sum > 1 + SUM_TOL))
        rc = sc_fail(p, v, kp, "the weights sum to %.15g, must sum to 1 (of the excess)", sum);
    if (!rc && (!(pol->offtake_country = sc_zalloc(p, (size_t)n, sizeof *pol->offtake_country)) ||
                !(pol->offtake_weight = sc_zalloc(p, (size_t)n, sizeof *pol->offtake_weight))))
        rc = -1;
    for (int k = 0; k < n && !rc; k++) {
        pol->offtake_country[k] = e[k].country;
        pol->offtake_weight[k] = e[k].value;
    }
    if (!rc)
        pol->noftake = n;
    free(e);
    return rc;
}

/* policies.diversification_cap.ramp and .premium (docs/MODEL.md §3u): on
   UK sourcing only; a premium per country names offtake countries. */
static int walk_ramp_premium(P *p, const Map *m, mr_policies *pol)
{
    const yaml_node_t *rx, *px;
    char rkp[KP_MAX], pkp[KP_MAX];
    if (sc_mget(p, m, "ramp", false, &rx, rkp) || sc_mget(p, m, "premium", false, &px, pkp) ||
        sc_get_num_path(p, m, "ramp", false, &R_01, &pol->ramp, &pol->ramp_path))
        return -1;
    sc_country_value *e = NULL;
    int n = 0;
    double sum;
    if (px && px->type != YAML_MAPPING_NODE
            ? sc_num_node(p, px, pkp, &R_PREMIUM, &pol->premium)
            : px && sc_country_values(p, px, pkp, &R_PREMIUM, &e, &n, &sum))
        return -1;
    const yaml_node_t *bad = rx ? rx : px;
    int rc = 0;
    if (bad && pol->cap_on_world)
        rc = sc_fail(p, bad, rx ? rkp : pkp,
                     "a ramp-up or premium belongs to offtake for UK buyers: on: world moves "
                     "world supply");
    else if (e && pol->noftake == 0)
        rc = sc_fail(p, px, pkp,
                     "a premium per country names offtake countries: give offtake:, or one "
                     "premium for every source the excess goes to");
    else if (e && !(pol->offtake_premium = sc_zalloc(p, (size_t)pol->noftake, sizeof(double))))
        rc = -1;
    for (int k = 0; k < n && !rc; k++) {
        int o = 0;
        while (o < pol->noftake && pol->offtake_country[o] != e[k].country)
            o++;
        if (o == pol->noftake)
            rc = sc_fail(p, e[k].at, e[k].kp, "'%s' is not an offtake country",
                         p->sc->countries[e[k].country].id);
        else
            pol->offtake_premium[o] = e[k].value;
    }
    free(e);
    return rc;
}

/* A copy of a list of sources (n + 1 entries, room for none). */
static int copy_stage(P *p, const mr_stage *from, mr_stage *to)
{
    to->n = from->n;
    if (!(to->suppliers = sc_zalloc(p, (size_t)from->n + 1, sizeof *to->suppliers)))
        return -1;
    memcpy(to->suppliers, from->suppliers, (size_t)from->n * sizeof *from->suppliers);
    return 0;
}

/* A fallback that follows the open market along the shares' time paths
   (docs/MODEL.md §4) is capped step by step by the model: the cap must be
   placeable at every step, as at the start. */
static int cap_uk_along_paths(P *p, const yaml_node_t *at, const char *kp, const mr_mineral *mn)
{
    const mr_scenario *sc = p->sc;
    if (mn->uk_basis == MR_UK_DATA || !mr_stage_has_paths(&mn->stage[mr_product_stage(mn)]))
        return 0;
    for (int t = 0; t < sc->horizon_years * sc->steps_per_year; t++) {
        double y = mr_path_step_time(sc->start_year, sc->steps_per_year, t);
        mr_stage uk = {0, NULL};
        if (sc_uk_fallback_at(p, mn, y, &uk))
            return -1;
        for (int k = 0; k < uk.n; k++)
            for (int o = 0; o < sc->policies.noftake; o++)
                if (uk.suppliers[k].country == sc->policies.offtake_country[o] &&
                    uk.suppliers[k].share > sc->policy_cap + MR_POLICY_CAP_TOL) {
                    double share = uk.suppliers[k].share;
                    free(uk.suppliers);
                    return sc_fail(p, at, kp,
                                   "offtake country '%s' supplies %.4g of the UK's purchases of "
                                   "%s in %.4g (the open market along the shares' time paths), "
                                   "above the cap of %g",
                                   sc->countries[sc->policies.offtake_country[o]].id, share, mn->id,
                                   y, sc->policy_cap);
                }
        int n = uk.n, rc = mr_policy_cap_uk(sc, &uk);
        free(uk.suppliers);
        if (rc < 0)
            return sc_oom(p);
        if (rc > 0)
            return sc_fail(p, at, kp,
                           "minerals.%s: in %.4g the UK buys from %d countr%s (the open market "
                           "along the shares' time paths); a cap of %g needs offtake countries "
                           "to take the excess",
                           mn->id, y, n, n == 1 ? "y" : "ies", sc->policy_cap);
    }
    return 0;
}

/* The cap on every mineral's UK sourcing (docs/MODEL.md §3u), after the
   open-market fallback. An offtake country must not already supply more
   than the cap (the cap would leave it so and say nothing). A fallback
   that the cap changes is fixed (not recomputed from the world's shares);
   the first cap's before-shares are kept, and before-shares read from the
   file (a resolved scenario) must give the shares when capped. */
static int cap_uk(P *p, const yaml_node_t *at, const char *kp)
{
    mr_scenario *sc = p->sc;
    const mr_policies *pol = &sc->policies;
    if (sc_uk_fallback(p))
        return -1;
    for (int i = 0; i < sc->nminerals; i++) {
        mr_mineral *mn = &sc->minerals[i];
        mr_stage *uk = &mn->uk, before;
        /* before any cap: the shares read as before_policy when given */
        const mr_stage *pre = mn->uk_before.n > 0 ? &mn->uk_before : uk;
        for (int k = 0; k < pre->n; k++)
            for (int o = 0; o < pol->noftake; o++)
                if (pre->suppliers[k].country == pol->offtake_country[o] &&
                    pre->suppliers[k].share > sc->policy_cap + MR_POLICY_CAP_TOL)
                    return sc_fail(p, at, kp,
                                   "offtake country '%s' already supplies %.4g of the UK's "
                                   "purchases of %s, above the cap of %g",
                                   sc->countries[pol->offtake_country[o]].id,
                                   pre->suppliers[k].share, mn->id, sc->policy_cap);
        if (cap_uk_along_paths(p, at, kp, mn) || copy_stage(p, uk, &before))
            return -1;
        int rc = mr_policy_cap_uk(sc, uk);
        if (rc < 0) {
            free(before.suppliers);
            return sc_oom(p);
        }
        if (rc > 0) {
            free(before.suppliers);
            return sc_fail(p, at, kp,
                           "minerals.%s: the UK buys from %d countr%s; a cap of %g needs "
                           "offtake countries to take the excess",
                           mn->id, uk->n, uk->n == 1 ? "y" : "ies", sc->policy_cap);
        }
        bool changed = !sc_uk_same_shares(uk, &before);
        if (mn->uk_before.n > 0) { /* read from the file: it must give the shares */
            free(before.suppliers);
            if (copy_stage(p, &mn->uk_before, &before))
                return -1;
            rc = mr_policy_cap_uk(sc, &before);
            bool ok = rc == 0 && sc_uk_same_shares(&before, uk);
            free(before.suppliers);
            if (rc < 0)
                return sc_oom(p);
            if (!ok) {
                char ukp[KP_MAX];
                snprintf(ukp, sizeof ukp, "minerals.%s.uk_sourcing.before_policy", mn->id);
                return sc_fail(p, p->uk_at ? p->uk_at[i] : at, ukp,
                               "capped at %g these shares do not give uk_sourcing.shares: "
                               "before_policy is what a cap on UK sourcing started from",
                               sc->policy_cap);
            }
        } else if (changed) {
            mn->uk_before = before; /* the first cap's before (a re-read keeps it) */
        } else {
            free(before.suppliers);
        }
        if (changed || mn->uk_before.n > 0) {
            mn->uk_capped = true;
            if (mn->uk_basis == MR_UK_OPEN_MARKET)
                mn->uk_basis = MR_UK_OPEN_MARKET_FIXED;
        }
    }
    return 0;
}

/* policies.diversification_cap (MODEL §10, docs/MODEL.md §3u): a number,
   or {cap, on, offtake} (UK sourcing), or {cap, on: world, new_source}. */
static int walk_cap(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    mr_policies *pol = &sc->policies;
    const yaml_node_t *at = v; /* where an unplaceable excess is reported */
    if (v->type != YAML_MAPPING_NODE) {
        if (sc_num_node(p, v, kp, &R_01_OPENLO, &sc->policy_cap))
            return -1;
    } else {
        Map m, nm;
        const yaml_node_t *x, *ox;
        char ckp[KP_MAX], nkp[KP_MAX], okp[KP_MAX];
        int on = 0;
        if (sc_map_open(p, v, kp, "policies.diversification_cap", &m) ||
            sc_get_num(p, &m, "cap", true, &R_01_OPENLO, &sc->policy_cap) ||
            sc_mget(p, &m, "cap", true, &at, ckp) ||
            sc_get_enum(p, &m, "on", false, sc_cap_on, &on) ||
            sc_mget(p, &m, "new_source", false, &x, nkp) ||
            sc_mget(p, &m, "offtake", false, &ox, okp))
            return -1;
        pol->cap_on_world = on == 1;
        if (ox && walk_offtake(p, ox, okp, pol))
            return -1;
        if (walk_ramp_premium(p, &m, pol))
            return -1;
        if (x && !pol->cap_on_world)
            return sc_fail(p, x, nkp,
                           "a new source of world supply needs on: world; the cap on UK "
                           "sourcing moves the excess to offtake countries (offtake:)");
        if (ox && pol->cap_on_world)
            return sc_fail(p, ox, okp,
                           "offtake moves UK sourcing, not world supply: drop on: world, or "
                           "name a new_source");
        if (x) {
            if (sc_map_open(p, x, nkp, "policies.diversification_cap.new_source", &nm) ||
                sc_mget(p, &nm, "country", true, &x, ckp) ||
                sc_ref_node(p, x, ckp, "country", &p->hcid, &pol->new_source_country) ||
                sc_get_num(p, &nm, "spare", false, &R_SPARE, &pol->new_source_spare) ||
                sc_mget(p, &nm, "outage", false, &x, ckp) ||
                (x && sc_process_node(p, x, ckp, &pol->new_source_outage)))
                return -1;
        }
    }
    if (!pol->cap_on_world)
        return cap_uk(p, at, kp);
    for (int i = 0; i < sc->nminerals; i++)
        for (int s = 0; s < MR_NSTAGES; s++) {
            mr_stage *st = &sc->minerals[i].stage[s];
            if (st->n <= 0)
                continue;
            if (mr_stage_has_paths(st))
                return sc_fail(p, at, kp,
                               "minerals.%s.%s: a cap on world supply takes shares as they "
                               "are, not time paths: give the capped shares as paths",
                               sc->minerals[i].id, sc_stages[s]);
            int rc = cap_stage(p, st, sc->policy_cap, pol);
            if (rc < 0)
                return sc_oom(p);
            if (rc > 0)
                return sc_fail(p, at, kp,
                               "minerals.%s.%s has %d supplier%s; a cap of %g needs a "
                               "new_source",
                               sc->minerals[i].id, sc_stages[s], st->n, st->n == 1 ? "" : "s",
                               sc->policy_cap);
        }
    return 0;
}

/* policies.cost (MODEL §10): {lever: {gbp_per_year, source}}, each lever
   one the policies use, each cost a number or a time path >= 0 with its
   source stated; the total over the horizon computed here, once. Read
   after the levers. */
static int walk_cost(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    mr_policies *pol = &sc->policies;
    Map m;
    if (sc_map_open(p, v, kp, "policies.cost", &m))
        return -1;
    for (int k = 0; k < MR_NLEVERS; k++) {
        const yaml_node_t *x, *sn;
        char ckp[KP_MAX], skp[KP_MAX];
        Map cm;
        mr_policy_cost *c = &pol->cost[k];
        if (sc_mget(p, &m, mr_lever_names[k], false, &x, ckp))
            return -1;
        if (!x)
            continue;
        if (k != MR_LEVER_OTHER && !mr_policy_lever_used(sc, (mr_lever)k))
            return sc_fail(p, x, ckp,
                           "a cost for a lever the policies do not use (no policies.%s): cost "
                           "only the levers given, or state it as other",
                           mr_lever_names[k]);
        if (sc_map_open(p, x, ckp, "<cost>", &cm) ||
            sc_get_num_path(p, &cm, "gbp_per_year", true, &R_GBP_GE0, &c->gbp_per_year, &c->path) ||
            sc_mget(p, &cm, "source", true, &sn, skp) || sc_str_node(p, sn, skp, &c->source))
            return -1;
        if (sc_blank(c->source))
            return sc_fail(p, sn, skp,
                           "say where the figure comes from (publication, year) or "
                           "'assumption: the reasoning'");
        c->given = true;
        c->horizon_gbp = mr_policy_cost_horizon(c->path, c->gbp_per_year, sc->start_year,
                                                sc->horizon_years, sc->steps_per_year);
        pol->cost_horizon_gbp += c->horizon_gbp;
        pol->has_cost = true;
    }
    return 0;
}

/* policies (MODEL §10): transforms of the minerals just read, applied
   before sectors and events are read (an event may hit a new source). */
int sc_walk_policies(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    mr_policies *pol = &sc->policies;
    Map m;
    const yaml_node_t *x, *dn, *rn;
    char ckp[KP_MAX], dkp[KP_MAX], rkp[KP_MAX];
    if (sc_map_open(p, v, kp, "policies", &m))
        return -1;
    if (sc_mget(p, &m, "diversification_cap", false, &x, ckp) || (x && walk_cap(p, x, ckp)))
        return -1;

    pol->domestic_share = pol->recycled_share = -1; /* not given */
    /* a number, a path, or a mapping with the supply's risks (walk_domestic.c) */
    if (sc_policy_share(p, &m, "domestic_share", &pol->domestic_share, &pol->domestic_path,
                        &pol->domestic_outage, NULL) ||
        sc_policy_share(p, &m, "recycled_share", &pol->recycled_share, &pol->recycled_path, NULL,
                        &pol->refined_abroad) ||
        sc_mget(p, &m, "domestic_share", false, &dn, dkp) ||
        sc_mget(p, &m, "recycled_share", false, &rn, rkp))
        return -1;
    if (dn || rn)
        for (int i = 0; i < sc->nminerals; i++) {
            mr_mineral *mn = &sc->minerals[i];
            /* a floor given as a path applies step by step (sim/model.c), not
               as its start value held for good */
            mr_policy_share_floor(mn, pol->domestic_path ? -1 : pol->domestic_share,
                                  pol->recycled_path ? -1 : pol->recycled_share);
            if (sc_shares_within_one(p, rn ? rn : dn, rn ? rkp : dkp, mn, pol, mn->id))
                return -1;
        }

    if (sc_mget(p, &m, "stockpile", false, &x, ckp))
        return -1;
    if (x) {
        Map sm;
        const yaml_node_t *ml;
        char mkp[KP_MAX], ikp[KP_MAX], d[SHOW_BUF];
        if (sc_map_open(p, x, ckp, "policies.stockpile", &sm) ||
            sc_get_num(p, &sm, "months", true, &R_MONTHS, &pol->stockpile_months) ||
            sc_get_num_or(p, &sm, "trigger", -1, &R_01_OPENHI, &pol->stockpile_trigger) ||
            sc_get_num_or(p, &sm, "max_release", -1, &R_01_OPENLO, &pol->stockpile_max_release) ||
            sc_get_num_or(p, &sm, "refill_rate", -1, &R_REFILL, &pol->stockpile_refill_rate) ||
            sc_mget(p, &sm, "minerals", false, &ml, mkp))
            return -1;
        pol->has_stockpile = true;
        if (ml) {
            if (ml->type != YAML_SEQUENCE_NODE || sc_nitems(ml) == 0)
                return sc_fail(p, ml, mkp, "expected a list of mineral ids, got %s",
                               ml->type == YAML_SEQUENCE_NODE ? "an empty list"
                                                              : sc_describe(ml, d, sizeof d));
            int n = sc_nitems(ml);
            if (!(pol->stockpile_minerals = sc_zalloc(p, (size_t)n, sizeof(int))))
                return -1;
            pol->nstockpile_minerals = n;
            for (int i = 0; i < n; i++) {
                sc_kp_idx(ikp, mkp, i);
                if (sc_ref_node(p, sc_item_at(p, ml, i), ikp, "mineral", &p->hmid,
                                &pol->stockpile_minerals[i]))
                    return -1;
                for (int j = 0; j < i; j++)
                    if (pol->stockpile_minerals[j] == pol->stockpile_minerals[i])
                        return sc_fail(p, sc_item_at(p, ml, i), ikp,
                                       "mineral '%s' is listed twice (at [%d])",
                                       p->mid[pol->stockpile_minerals[i]], j);
            }
        }
        for (int i = 0; i < sc->nminerals; i++) {
            bool listed = pol->nstockpile_minerals == 0;
            for (int j = 0; j < pol->nstockpile_minerals; j++)
                listed |= pol->stockpile_minerals[j] == i;
            if (listed)
                mr_policy_stockpile(&sc->minerals[i], pol->stockpile_months, pol->stockpile_trigger,
                                    pol->stockpile_max_release, pol->stockpile_refill_rate);
        }
    }

    if (sc_mget(p, &m, "rationing", false, &x, ckp))
        return -1;
    if (x) {
        if (sc_walk_rationing(p, x, ckp, "policies.rationing"))
            return -1;
        pol->has_rationing = true;
        pol->rationing = sc->rationing;
        pol->other_uses_priority = sc->other_uses_priority;
    }
    if (sc_mget(p, &m, "cost", false, &x, ckp) || (x && walk_cost(p, x, ckp)))
        return -1;
    return 0;
}
