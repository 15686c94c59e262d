/* walk_uk.c - UK sourcing (docs/MODEL.md §3u): where the UK's purchases of
 * each mineral come from, from import data (minerals.<id>.uk_sourcing) or,
 * where none is given, the open market's shares of the product stage
 * (§3s), flagged as a fallback. Every country the UK buys from supplies the
 * product stage, with a world share of 0 if it supplies none of the world,
 * so that its outages and events reach the UK's purchases from it.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "sim/scenario/internal.h"

#include "models/market.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A mapping country -> share of the UK's purchases (null entries not
   given) at node sh, path skp, into st: at least one, summing to 1. */
static int walk_shares(P *p, const yaml_node_t *sh, const char *skp, mr_stage *st)
{
    sc_country_value *e;
    int n;
    double sum;
    /* (0,1]: a country not bought from is left out */
    if (sc_country_values(p, sh, skp, &R_01_OPENLO, &e, &n, &sum))
        return -1;
    if (n == 0 || sum < 1 - SUM_TOL || sum > 1 + SUM_TOL) {
        free(e);
        return n == 0
                   ? sc_fail(p, sh, skp, "give at least one country's share")
                   : sc_fail(p, sh, skp,
                             "the shares sum to %.15g, must sum to 1 (of the UK's purchases)", sum);
    }
    if (!(st->suppliers = sc_zalloc(p, (size_t)n, sizeof *st->suppliers))) {
        free(e);
        return -1;
    }
    for (int k = 0; k < n; k++)
        st->suppliers[k] = (mr_supplier){.country = e[k].country, .share = e[k].value};
    st->n = n;
    free(e);
    return 0;
}

/* minerals.<id>.uk_sourcing: {shares: {country: share}, source, fallback,
   before_policy}. The shares (of the UK's purchases) sum to 1; source is
   required from data; fallback: true marks the open market's shares
   written out after a cap, and before_policy the shares before that cap
   (both as the resolved scenario writes them). */
int sc_walk_uk_sourcing(P *p, const yaml_node_t *v, const char *kp, mr_mineral *mn)
{
    Map m;
    const yaml_node_t *sh, *x, *bx;
    char skp[KP_MAX], ckp[KP_MAX], bkp[KP_MAX];
    int fallback = 0;
    if (sc_map_open(p, v, kp, "minerals.<id>.uk_sourcing", &m) ||
        sc_get_enum(p, &m, "fallback", false, sc_bools, &fallback) ||
        sc_mget(p, &m, "source", !fallback, &x, ckp) ||
        (x && sc_str_node(p, x, ckp, &mn->uk_source)) || sc_mget(p, &m, "shares", true, &sh, skp) ||
        walk_shares(p, sh, skp, &mn->uk) || sc_mget(p, &m, "before_policy", false, &bx, bkp) ||
        (bx && walk_shares(p, bx, bkp, &mn->uk_before)))
        return -1;
    mn->uk_capped = bx != NULL;
    if (!p->uk_at && !(p->uk_at = sc_zalloc(p, (size_t)p->sc->nminerals, sizeof *p->uk_at)))
        return -1;
    p->uk_at[mn - p->sc->minerals] = v;
    mn->uk_basis = fallback ? MR_UK_OPEN_MARKET_FIXED : MR_UK_DATA;
    if (fallback) {
        free(mn->uk_source);
        mn->uk_source = NULL;
    }
    return 0;
}

/* The open market's shares of the product stage of mn (those above 0), in
   the stage's order, into out (allocated): the UK's sourcing without data. */
static int open_market_uk(P *p, const mr_mineral *mn, mr_stage *out)
{
    const mr_stage *st = &mn->stage[mr_product_stage(mn)];
    *out = (mr_stage){0};
    double *share = sc_zalloc(p, (size_t)st->n + 1, sizeof *share);
    double *spare = sc_zalloc(p, (size_t)st->n + 1, sizeof *spare);
    out->suppliers = sc_zalloc(p, (size_t)st->n + 1, sizeof *out->suppliers);
    if (!share || !spare || !out->suppliers) {
        free(share);
        free(spare);
        free(out->suppliers);
        out->suppliers = NULL;
        return -1;
    }
    if (mn->market.ndomestic > 0)
        mr_market_open_shares(mn, share, spare);
    else /* s' = s (exactly what the model takes) */
        for (int k = 0; k < st->n; k++)
            share[k] = st->suppliers[k].share;
    for (int k = 0; k < st->n; k++)
        if (share[k] > 0.0)
            out->suppliers[out->n++] =
                (mr_supplier){.country = st->suppliers[k].country, .share = share[k]};
    free(share);
    free(spare);
    return 0;
}

int sc_uk_fallback_at(P *p, const mr_mineral *mn, double year, mr_stage *out)
{
    const int ps = mr_product_stage(mn);
    const mr_stage *st = &mn->stage[ps];
    mr_mineral at = *mn; /* shallow: its product stage's shares at year */
    mr_supplier *su = malloc(((size_t)st->n + 1) * sizeof *su);
    if (!su)
        return sc_oom(p);
    for (int k = 0; k < st->n; k++) {
        su[k] = st->suppliers[k];
        su[k].share = mr_path_or(su[k].share_path, su[k].share, year);
    }
    at.stage[ps] = (mr_stage){st->n, su};
    int rc = open_market_uk(p, &at, out);
    free(su);
    return rc;
}

/* The open market's shares as the UK's sourcing, for every mineral without
   UK data (recomputed after a cap on the world). */
int sc_uk_fallback(P *p)
{
    mr_scenario *sc = p->sc;
    for (int i = 0; i < sc->nminerals; i++) {
        mr_mineral *mn = &sc->minerals[i];
        if (mn->uk_basis != MR_UK_OPEN_MARKET)
            continue;
        mr_stage fresh;
        if (open_market_uk(p, mn, &fresh))
            return -1;
        free(mn->uk.suppliers);
        mn->uk = fresh;
    }
    return 0;
}

/* Shares a and b the same countries in the same order, within 1e-12? */
bool sc_uk_same_shares(const mr_stage *a, const mr_stage *b)
{
    if (a->n != b->n)
        return false;
    for (int k = 0; k < a->n; k++)
        if (a->suppliers[k].country != b->suppliers[k].country ||
            fabs(a->suppliers[k].share - b->suppliers[k].share) > 1e-12)
            return false;
    return true;
}

/* A written fallback (fallback: true) is the open market's shares: those
   before the cap (before_policy, else shares) must be what the fallback
   gives now. 0, or -1 refused at the mineral's uk_sourcing. */
static int check_fallback(P *p, int m)
{
    mr_mineral *mn = &p->sc->minerals[m];
    const mr_stage *given = mn->uk_before.n > 0 ? &mn->uk_before : &mn->uk;
    mr_stage want;
    if (open_market_uk(p, mn, &want))
        return -1;
    bool ok = sc_uk_same_shares(given, &want);
    free(want.suppliers);
    if (ok)
        return 0;
    char kp[KP_MAX];
    snprintf(kp, sizeof kp, "minerals.%s.uk_sourcing", mn->id);
    return sc_fail(p, p->uk_at[m], kp,
                   "fallback: true, but %s not the open market's shares of the product stage; "
                   "give UK import data with its source instead",
                   mn->uk_before.n > 0 ? "before_policy is" : "the shares are");
}

/* After the policies: before_policy and a written fallback checked, the
   fallback where no data is given, and every country of the UK's sourcing
   a supplier of the product stage (with a world share of 0 when it is not
   one), so that events and outages on it reach what the UK buys from it. */
int sc_product_supplier(P *p, mr_mineral *mn, int c)
{
    mr_stage *st = &mn->stage[mr_product_stage(mn)];
    for (int j = 0; j < st->n; j++)
        if (st->suppliers[j].country == c)
            return 0;
    mr_supplier *ns = realloc(st->suppliers, (size_t)(st->n + 1) * sizeof *ns);
    if (!ns)
        return sc_oom(p);
    st->suppliers = ns;
    ns[st->n++] = (mr_supplier){.country = c}; /* share 0, no spare, no outage */
    return 0;
}

int sc_uk_sourcing_finish(P *p)
{
    mr_scenario *sc = p->sc;
    const bool uk_cap = sc->policy_cap > 0 && !sc->policies.cap_on_world;
    for (int i = 0; i < sc->nminerals; i++) {
        mr_mineral *mn = &sc->minerals[i];
        char kp[KP_MAX];
        snprintf(kp, sizeof kp, "minerals.%s.uk_sourcing", mn->id);
        if (mn->uk_before.n > 0 && !uk_cap && p->uk_at && p->uk_at[i])
            return sc_fail(p, p->uk_at[i], kp,
                           "before_policy gives the shares before a cap on UK sourcing, and "
                           "the scenario has none (policies.diversification_cap)");
        if (mn->uk_basis == MR_UK_OPEN_MARKET_FIXED && p->uk_at && p->uk_at[i] &&
            check_fallback(p, i))
            return -1;
    }
    if (sc_uk_fallback(p))
        return -1;
    for (int i = 0; i < sc->nminerals; i++) {
        mr_mineral *mn = &sc->minerals[i];
        /* a sourcing that follows the open market along share paths is
           capped step by step (sim/model.c): every offtake country may take
           a share at some step, so each is a supplier from the start */
        const int noff = uk_cap && mr_stage_has_paths(&mn->stage[mr_product_stage(mn)]) &&
                                 mn->uk_basis != MR_UK_DATA
                             ? sc->policies.noftake
                             : 0;
        for (int k = 0; k < mn->uk.n + noff; k++)
            if (sc_product_supplier(p, mn,
                                    k < mn->uk.n ? mn->uk.suppliers[k].country
                                                 : sc->policies.offtake_country[k - mn->uk.n]))
                return -1;
    }
    return 0;
}
