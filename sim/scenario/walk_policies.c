/* walk_policies.c - policies (MODEL §10, models/policies.c): the levers
 * applied to the minerals just read, before sectors and events are read.
 */
#include "sim/scenario/internal.h"

#include "models/policies.h"

#include <stdlib.h>

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
        rc = mr_policy_cap_pro_rata(st, cap, exempt) ? 1 : 0;
    free(exempt);
    return rc;
}

/* policies.diversification_cap (MODEL §10): a number, or {cap, new_source}. */
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
        const yaml_node_t *x;
        char ckp[KP_MAX], nkp[KP_MAX];
        if (sc_map_open(p, v, kp, "policies.diversification_cap", &m) ||
            sc_get_num(p, &m, "cap", true, &R_01_OPENLO, &sc->policy_cap) ||
            sc_mget(p, &m, "cap", true, &at, ckp) || sc_mget(p, &m, "new_source", false, &x, nkp))
            return -1;
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
    for (int i = 0; i < sc->nminerals; i++)
        for (int s = 0; s < MR_NSTAGES; s++) {
            mr_stage *st = &sc->minerals[i].stage[s];
            if (st->n == 0)
                continue;
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

    if (sc_get_num_or(p, &m, "domestic_share", -1, &R_01, &pol->domestic_share) ||
        sc_get_num_or(p, &m, "recycled_share", -1, &R_01, &pol->recycled_share) ||
        sc_mget(p, &m, "domestic_share", false, &dn, dkp) ||
        sc_mget(p, &m, "recycled_share", false, &rn, rkp))
        return -1;
    if (dn || rn)
        for (int i = 0; i < sc->nminerals; i++) {
            mr_mineral *mn = &sc->minerals[i];
            mr_policy_share_floor(mn, pol->domestic_share, pol->recycled_share);
            if (sc_shares_within_one(p, rn ? rn : dn, rn ? rkp : dkp, mn, pol->domestic_share,
                                     pol->recycled_share, mn->id))
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
    return 0;
}
