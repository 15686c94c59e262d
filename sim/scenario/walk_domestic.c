/* walk_domestic.c - domestic and recycled supply at risk (docs/MODEL.md §4,
 * "Domestic and recycled supply at risk"; §10): a mineral's domestic_outage
 * (a process, certain occurrences, or both) and recycled_refined_abroad
 * ({country: share} of its recycled material refined there), the mapping
 * forms of policies.domestic_share and policies.recycled_share, and once
 * the policies are read: a mineral's own keys checked against its supply,
 * the policy's given to every mineral without its own, and every refining
 * country a supplier of the product stage (with a world share of 0 if it
 * is none), so that its outages and events reach the recycled material.
 */
#include "sim/scenario/internal.h"

#include "models/market.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A disruption of domestic supply at node v (schema <disruption>). */
static int walk_disruption(P *p, const yaml_node_t *v, const char *kp, mr_disruption *d)
{
    Map m;
    const yaml_node_t *x;
    char ckp[KP_MAX];
    if (sc_map_open(p, v, kp, "<disruption>", &m) ||
        sc_mget(p, &m, "occurrences", false, &x, ckp) ||
        (x && sc_certain_list(p, x, ckp, &d->occurrences, &d->noccurrences)))
        return -1;
    d->present = true;
    for (int i = 0; i < d->noccurrences; i++) {
        Map om;
        if (sc_certain_item(p, x, ckp, i, "<disruption>.occurrences[]", &d->occurrences[i], &om))
            return -1;
    }
    return sc_process_or_certain(p, &m, d->noccurrences > 0, &d->process);
}

/* {country: share} of the recycled material refined abroad at node v:
   at least one country, each share in (0, 1], their sum at most 1. */
static int walk_refined_abroad(P *p, const yaml_node_t *v, const char *kp, mr_refined_abroad *ra)
{
    sc_country_value *e;
    int n;
    double sum;
    if (sc_country_values(p, v, kp, &R_01_OPENLO, &e, &n, &sum))
        return -1;
    int rc = 0;
    if (n == 0)
        rc = sc_fail(p, v, kp, "give at least one country's share of the recycled material");
    else if (sum > 1 + SUM_TOL)
        rc = sc_fail(p, v, kp,
                     "the shares sum to %.15g, must be at most 1 (of the UK's recycled material)",
                     sum);
    else if (!(ra->country = sc_zalloc(p, (size_t)n, sizeof *ra->country)) ||
             !(ra->share = sc_zalloc(p, (size_t)n, sizeof *ra->share)))
        rc = -1;
    for (int k = 0; k < n && !rc; k++) {
        ra->country[k] = e[k].country;
        ra->share[k] = e[k].value;
    }
    if (!rc)
        ra->n = n;
    free(e);
    return rc;
}

/* One of mineral i's keys: its node kept in *at (an array made on first
   use) for the check once the policies are read. */
static int keep_node(P *p, const yaml_node_t ***at, int i, const yaml_node_t *v)
{
    if (!*at && !(*at = sc_zalloc(p, (size_t)p->sc->nminerals, sizeof **at)))
        return -1;
    (*at)[i] = v;
    return 0;
}

int sc_walk_domestic_risk(P *p, const Map *m, int i)
{
    mr_mineral *mn = &p->sc->minerals[i];
    const yaml_node_t *x;
    char kp[KP_MAX];
    if (sc_mget(p, m, "domestic_outage", false, &x, kp) ||
        (x && (walk_disruption(p, x, kp, &mn->domestic_outage) || keep_node(p, &p->dom_at, i, x))))
        return -1;
    if (sc_mget(p, m, "recycled_refined_abroad", false, &x, kp) ||
        (x &&
         (walk_refined_abroad(p, x, kp, &mn->refined_abroad) || keep_node(p, &p->rra_at, i, x))))
        return -1;
    return 0;
}

/* The mapping form of a policy's share: a mapping whose first key is a
   word (a time path's keys are years). */
static bool mapping_form(P *p, const yaml_node_t *v)
{
    if (v->type != YAML_MAPPING_NODE || sc_npairs(v) == 0)
        return false;
    const yaml_node_t *k = sc_pair_key(p, v, 0);
    return k->type == YAML_SCALAR_NODE && isalpha((unsigned char)sc_sval(k)[0]);
}

int sc_policy_share(P *p, const Map *m, const char *key, double *share, mr_path **path,
                    mr_disruption *outage, mr_refined_abroad *ra)
{
    const yaml_node_t *v, *x;
    char kp[KP_MAX], xkp[KP_MAX], schema[64];
    if (sc_mget(p, m, key, false, &v, kp))
        return -1;
    if (!v || !mapping_form(p, v))
        return sc_get_num_path(p, m, key, false, &R_01, share, path);
    const char *extra = outage ? "outage" : "refined_abroad";
    Map f;
    snprintf(schema, sizeof schema, "policies.%s", key);
    if (sc_map_open(p, v, kp, schema, &f) ||
        sc_get_num_path(p, &f, "share", false, &R_01, share, path) ||
        sc_mget(p, &f, extra, false, &x, xkp))
        return -1;
    if (x) {
        *(outage ? &p->pol_dom_at : &p->pol_rra_at) = x;
        return outage ? walk_disruption(p, x, xkp, outage) : walk_refined_abroad(p, x, xkp, ra);
    }
    if (*share < 0)
        return sc_fail(p, v, kp, "give share, %s, or both", extra);
    return 0;
}

/* Some step with a share above 0: the mineral's share (already floored
   by a policy number) or a point of its path, or the policy's. */
static bool some_supply(double share, const mr_path *path, double pshare, const mr_path *ppath)
{
    if (share > 0 || pshare > 0)
        return true;
    for (int i = 0; path && i < path->n; i++)
        if (path->value[i] > 0)
            return true;
    for (int i = 0; ppath && i < ppath->n; i++)
        if (ppath->value[i] > 0)
            return true;
    return false;
}

/* Deep copies of the policy's forms into a mineral. */
static int copy_disruption(P *p, const mr_disruption *from, mr_disruption *to)
{
    *to = *from;
    to->occurrences = NULL;
    if (from->noccurrences == 0)
        return 0;
    size_t sz = (size_t)from->noccurrences * sizeof *from->occurrences;
    if (!(to->occurrences = sc_zalloc(p, 1, sz)))
        return -1;
    memcpy(to->occurrences, from->occurrences, sz);
    return 0;
}

static int copy_refined_abroad(P *p, const mr_refined_abroad *from, mr_refined_abroad *to)
{
    size_t n = (size_t)from->n;
    if (!(to->country = sc_zalloc(p, n, sizeof *to->country)) ||
        !(to->share = sc_zalloc(p, n, sizeof *to->share)))
        return -1;
    memcpy(to->country, from->country, n * sizeof *to->country);
    memcpy(to->share, from->share, n * sizeof *to->share);
    to->n = from->n;
    return 0;
}

int sc_domestic_finish(P *p)
{
    mr_scenario *sc = p->sc;
    const mr_policies *pol = &sc->policies;
    int ndom = 0, nrec = 0; /* minerals with domestic, recycled supply */
    for (int i = 0; i < sc->nminerals; i++) {
        mr_mineral *mn = &sc->minerals[i];
        bool dom = some_supply(mn->domestic_share, mn->domestic_path, pol->domestic_share,
                               pol->domestic_path);
        bool rec = some_supply(mn->recycled_share, mn->recycled_path, pol->recycled_share,
                               pol->recycled_path);
        char kp[KP_MAX];
        ndom += dom;
        nrec += rec;
        if (p->dom_at && p->dom_at[i] && !dom) {
            snprintf(kp, sizeof kp, "minerals.%s.domestic_outage", mn->id);
            return sc_fail(p, p->dom_at[i], kp,
                           "the mineral has no domestic supply (domestic_share is 0 throughout, "
                           "and no policy raises it): an outage of it would change nothing");
        }
        if (p->rra_at && p->rra_at[i] && !rec) {
            snprintf(kp, sizeof kp, "minerals.%s.recycled_refined_abroad", mn->id);
            return sc_fail(p, p->rra_at[i], kp,
                           "the mineral has no recycled supply (recycled_share is 0 throughout, "
                           "and no policy raises it): where it is refined would change nothing");
        }
        /* the policy's, where the mineral has the supply and no key of its own */
        if (dom && pol->domestic_outage.present && !mn->domestic_outage.present &&
            copy_disruption(p, &pol->domestic_outage, &mn->domestic_outage))
            return -1;
        if (rec && pol->refined_abroad.n > 0 && mn->refined_abroad.n == 0 &&
            copy_refined_abroad(p, &pol->refined_abroad, &mn->refined_abroad))
            return -1;
        for (int k = 0; k < mn->refined_abroad.n; k++)
            if (sc_product_supplier(p, mn, mn->refined_abroad.country[k]))
                return -1;
    }
    /* as a mineral's own key above: a policy's form where no mineral has
       the supply would change nothing, and was dropped without a word (a
       mineral's own key wins over it, so the resolved scenario, which
       writes the policy's on the minerals, still reads back) */
    if (p->pol_dom_at && pol->domestic_outage.present && ndom == 0)
        return sc_fail(p, p->pol_dom_at, "policies.domestic_share.outage",
                       "no mineral has domestic supply (domestic_share is 0 throughout, and "
                       "share raises none): an outage of it would change nothing");
    if (p->pol_rra_at && pol->refined_abroad.n > 0 && nrec == 0)
        return sc_fail(p, p->pol_rra_at, "policies.recycled_share.refined_abroad",
                       "no mineral has recycled supply (recycled_share is 0 throughout, and "
                       "share raises none): where it is refined would change nothing");
    return 0;
}
