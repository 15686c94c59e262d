/* walk_sectors.c - the using sectors (MODEL §6, §7) and their needs. */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "sim/scenario/internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The needs of sector s; at[m]: 1 + the index of mineral m's need. */
static int need_items(P *p, const yaml_node_t *v, const char *kp, mr_sector *s, double *dsum,
                      int *at)
{
    int n = s->nneeds;
    for (int i = 0; i < n; i++) {
        mr_need *nd = &s->needs[i];
        char ikp[KP_MAX], ckp[KP_MAX];
        const yaml_node_t *x;
        Map m;
        sc_kp_idx(ikp, kp, i);
        if (sc_map_open(p, sc_item_at(p, v, i), ikp, "sectors.<id>.needs[]", &m))
            return -1;
        if (sc_mget(p, &m, "mineral", true, &x, ckp) ||
            sc_ref_node(p, x, ckp, "mineral", &p->hmid, &nd->mineral))
            return -1;
        if (at[nd->mineral])
            return sc_fail(p, x, ckp, "mineral '%s' is already needed by this sector (at [%d])",
                           p->mid[nd->mineral], at[nd->mineral] - 1);
        at[nd->mineral] = i + 1;
        if (sc_get_num_path(p, &m, "dependent_share", true, &R_01, &nd->dependent_share,
                            &nd->dependent_path) ||
            sc_get_num(p, &m, "substitutable", false, &R_01, &nd->substitutable) ||
            sc_get_num(p, &m, "demand_share", true, &R_01, &nd->demand_share) ||
            sc_get_num_path(p, &m, "spend_gbp", false, &R_GBP_GE0, &nd->spend_gbp,
                            &nd->spend_path) ||
            sc_get_num(p, &m, "buffer_months", false, &R_MONTHS, &nd->buffer_months))
            return -1;
        /* The sectors' shares of national demand leave 1 - sum for "other
           uses" (MODEL §6), which cannot be negative. */
        dsum[nd->mineral] += nd->demand_share;
        if (dsum[nd->mineral] > 1 + SUM_TOL) {
            sc_mget(p, &m, "demand_share", true, &x, ckp);
            return sc_fail(p, x, ckp,
                           "demand_share of '%s' sums to %.15g over sectors, must be <= 1",
                           p->mid[nd->mineral], dsum[nd->mineral]);
        }
    }
    return 0;
}

static int walk_needs(P *p, const yaml_node_t *v, const char *kp, mr_sector *s, double *dsum)
{
    char d[SHOW_BUF];
    if (v->type != YAML_SEQUENCE_NODE)
        return sc_fail(p, v, kp, "expected a list of needs, got %s", sc_describe(v, d, sizeof d));
    int n = sc_nitems(v);
    int *at = sc_zalloc(p, (size_t)p->sc->nminerals, sizeof *at);
    if (!at || !(s->needs = sc_zalloc(p, (size_t)n, sizeof *s->needs))) {
        free(at);
        return -1;
    }
    s->nneeds = n;
    int rc = need_items(p, v, kp, s, dsum, at);
    free(at);
    return rc;
}

/* V_j <= Y_j at every time: both are linear between the years of their
   points and constant outside them, so their points' years (or the one
   value of a number) are all the check needs. */
static int gva_within_output(P *p, const yaml_node_t *x, const char *kp, const mr_sector *s)
{
    const mr_path *pa[2] = {s->output_path, s->gva_path};
    for (int w = 0; w < 2; w++) {
        int n = pa[w] ? pa[w]->n : 1;
        for (int i = 0; i < n; i++) {
            double y = pa[w] ? pa[w]->year[i] : (double)p->sc->start_year;
            double out = mr_path_or(s->output_path, s->output_gbp, y);
            double gva = mr_path_or(s->gva_path, s->gva_gbp, y);
            if (gva <= out)
                continue;
            if (!s->output_path && !s->gva_path)
                return sc_fail(p, x, kp, "gross value added GBP %.15g exceeds output_gbp GBP %.15g",
                               gva, out);
            return sc_fail(p, x, kp,
                           "gross value added GBP %.15g exceeds output_gbp GBP %.15g in %d", gva,
                           out, (int)y);
        }
    }
    return 0;
}

/* Sector i of the mapping v (kp: sectors); dsum as walk_needs. */
static int sector_entry(P *p, const yaml_node_t *v, const char *kp, int i, double *dsum)
{
    mr_scenario *sc = p->sc;
    mr_sector *s = &sc->sectors[i];
    const char *id = sc_sval(sc_pair_key(p, v, i));
    char skp[KP_MAX], ckp[KP_MAX];
    const yaml_node_t *x;
    uint64_t u;
    int comb;
    Map m;
    if (!(s->id = strdup(id)))
        return sc_oom(p);
    p->sid[i] = s->id;
    sc_idhash_put(&p->hsid, i);
    sc_kp_key(skp, kp, id);
    if (mr_scenario_reserved_sector_id(id))
        return sc_fail(p, sc_pair_key(p, v, i), skp,
                       "the sector id '%s' is reserved: the output names the sum over sectors "
                       "'total'; choose another id (its name can still be '%s')",
                       id, id);
    if (sc_map_open(p, sc_pair_val(p, v, i), skp, "sectors.<id>", &m) ||
        sc_get_str_or(p, &m, "name", id, &s->name) ||
        sc_get_num_path(p, &m, "output_gbp", true, &R_GBP_GT0, &s->output_gbp, &s->output_path) ||
        sc_get_int(p, &m, "priority", false, 0, INT_MAX, &u))
        return -1;
    s->priority = (int)u;
    /* gross value added: a part of output (turnover), never more */
    s->gva_gbp = 0;
    if (sc_get_num_path(p, &m, "gva_gbp", false, &R_GBP_GT0, &s->gva_gbp, &s->gva_path) ||
        sc_mget(p, &m, "gva_gbp", false, &x, ckp) || (x && gva_within_output(p, x, ckp, s)))
        return -1;
    if (sc_get_num(p, &m, "recovery_rate", false, &R_01_OPENLO, &s->recovery_rate) ||
        sc_get_enum(p, &m, "combine", false, sc_combine, &comb))
        return -1;
    s->combine = (mr_combine)comb;
    if (sc_mget(p, &m, "needs", true, &x, ckp) || walk_needs(p, x, ckp, s, dsum))
        return -1;
    return 0;
}

int sc_walk_sectors(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    if (sc_idmap_check(p, v, kp, "sector", NULL))
        return -1;
    int n = sc_npairs(v);
    if (n == 0)
        return sc_fail(p, v, kp, "define at least one sector");
    double *dsum = NULL;
    if (!(sc->sectors = sc_zalloc(p, (size_t)n, sizeof *sc->sectors)) ||
        !(p->sid = sc_zalloc(p, (size_t)n, sizeof *p->sid)) ||
        !(dsum = sc_zalloc(p, (size_t)sc->nminerals, sizeof *dsum)))
        return -1;
    if (sc_idhash_init(&p->hsid, p->sid, n)) {
        free(dsum);
        return sc_oom(p);
    }
    sc->nsectors = n;
    /* collecting every error: each sector on its own (its id is known) */
    int rc = 0;
    for (int i = 0; i < n; i++)
        if (sector_entry(p, v, kp, i, dsum) && (rc = -1, !sc_recover(p)))
            break;
    free(dsum);
    return rc;
}
