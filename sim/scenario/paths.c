/* paths.c - time paths of the scenario file (docs/SCENARIO_FORMAT.md, "Time
 * paths"): a number key that takes one may be given as a mapping
 * {year: value}, read here into an mr_path (models/paths.h).
 */
#include "sim/scenario/internal.h"

#include <stdio.h>
#include <stdlib.h>

/* A time path at mapping node v into *out (one allocation: free(*out)
   frees it): 1 to SC_PATH_POINTS_MAX points, each year an integer in
   [SC_YEAR_MIN, SC_YEAR_MAX], the years strictly increasing in the
   file's order, each value in r. A linear piece between two points in r
   stays in r (r is an interval), so the points are all the check needs. */
static int path_node(P *p, const yaml_node_t *v, const char *kp, const Range *r, mr_path **out)
{
    int n = sc_npairs(v);
    if (n < 1)
        return sc_fail(p, v, kp, "a time path needs at least one point {year: value}");
    if (n > SC_PATH_POINTS_MAX)
        return sc_fail(p, v, kp, "a time path has at most %d points, got %d", SC_PATH_POINTS_MAX,
                       n);
    if (!p->sc->start_year)
        return sc_fail(p, v, kp,
                       "a time path needs simulation.start_year (the calendar year of the "
                       "first step)");
    mr_path *path = sc_zalloc(p, 1, sizeof *path + 2 * (size_t)n * sizeof(double));
    if (!path)
        return -1;
    path->n = n;
    path->year = (double *)(path + 1);
    path->value = path->year + n;
    for (int i = 0; i < n; i++) {
        const yaml_node_t *k = sc_pair_key(p, v, i);
        char ckp[KP_MAX];
        uint64_t y;
        sc_kp_key(ckp, kp, sc_sval(k));
        if (sc_int_node(p, k, ckp, SC_YEAR_MIN, SC_YEAR_MAX, &y) ||
            sc_num_node(p, sc_pair_val(p, v, i), ckp, r, &path->value[i])) {
            free(path);
            return -1;
        }
        path->year[i] = (double)y;
        if (i > 0 && path->year[i] <= path->year[i - 1]) {
            int before = (int)path->year[i - 1];
            free(path);
            return sc_fail(p, k, ckp, "the years of a time path must increase, got %d after %d",
                           (int)y, before);
        }
    }
    *out = path;
    return 0;
}

int sc_get_num_path(P *p, const Map *m, const char *key, bool req, const Range *r, double *out,
                    mr_path **path)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    *path = NULL;
    if (sc_mget(p, m, key, req, &v, kp))
        return -1;
    if (!v)
        return 0;
    if (v->type != YAML_MAPPING_NODE)
        return sc_num_node(p, v, kp, r, out);
    if (path_node(p, v, kp, r, path))
        return -1;
    *out = mr_path_at(*path, (double)p->sc->start_year);
    return 0;
}

/* A share at calendar time y: the path's (or the number), at least floor. */
static double share_at(const mr_path *path, double value, double floor, double y)
{
    double v = mr_path_or(path, value, y);
    return v < floor ? floor : v;
}

/* Each share and each floor is linear between its points (or constant), so
   a floored share is convex there, and so is the sum: its largest value
   between two consecutive points of the paths is at one of them. Those
   points (or the one value when all are numbers) are all the check needs;
   pol (may be NULL) gives the policies' floors, a number or a path each. */
int sc_shares_within_one(P *p, const yaml_node_t *x, const char *kp, const mr_mineral *mn,
                         const mr_policies *pol, const char *who)
{
    double dom = pol ? pol->domestic_share : -1, rec = pol ? pol->recycled_share : -1;
    const mr_path *dp = pol ? pol->domestic_path : NULL, *rp = pol ? pol->recycled_path : NULL;
    const mr_path *pa[4] = {mn->recycled_path, mn->domestic_path, rp, dp};
    bool paths = pa[0] || pa[1] || pa[2] || pa[3];
    for (int w = 0; w < 4; w++) {
        if (!pa[w] && (w > 0 || paths))
            continue; /* the start alone, once, when nothing is a path */
        int n = pa[w] ? pa[w]->n : 1;
        for (int i = 0; i < n; i++) {
            double y = pa[w] ? pa[w]->year[i] : (double)p->sc->start_year;
            double sum =
                share_at(mn->recycled_path, mn->recycled_share, mr_path_or(rp, rec, y), y) +
                share_at(mn->domestic_path, mn->domestic_share, mr_path_or(dp, dom, y), y);
            if (sum <= 1 + SUM_TOL)
                continue;
            char when[32] = "", whom[SC_ID_LEN_MAX + 16] = "";
            if (paths)
                snprintf(when, sizeof when, " in %d", (int)y);
            if (*who)
                snprintf(whom, sizeof whom, "minerals.%s: ", who);
            return sc_fail(p, x, kp, "%srecycled_share + domestic_share is %.15g%s%s, must be <= 1",
                           whom, sum, when, *who ? " after the policy" : "");
        }
    }
    return 0;
}
