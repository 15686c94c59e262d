/* sweep.c - run every variant of a scenario's `sweep:` grid with common
 * random numbers and write them to one file (docs/STUDIES.md "Sweeps").
 *
 * Every variant is parsed before anything runs, so a bad value fails in
 * seconds, not after the first variants. Variants then run one after
 * another, each over all ranks and threads (its trials split in the same
 * fixed blocks as a plain run), so a variant's results are bit for bit those
 * of `minrisk run` on the variant alone, for any number of ranks and
 * threads. All variants' results stay in memory until the one write.
 */
#include "out/scenario_yaml.h"
#include "sim/studies/sweep.h"
#include "sim/studies/paired.h"
#include "models/policies.h"

#include "out/stats/dstats.h"
#include "out/h5/extras.h"
#include "sim/studies/summary_errors.h"
#include "sim/studies/run_extras.h"
#include "out/clock.h"
#include "out/h5/writer.h"
#include "sim/rng.h"
#include "out/stats/sumstats.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The headline figures of the total loss, per variant (/sweep/headline). */
enum { H_MEAN, H_MEAN_SE, H_VAR95, H_VAR99, H_ES99, H_AAL, H_RP100, H_NMETRIC };
static const char *const metric_names[H_NMETRIC] = {
    "mean_loss", "mean_loss_se", "var95", "var99", "es99", "aal", "annual_1in100"};

/* Indices into the fixed statistics of out/format.h. */
#define Q95 2   /* mr_output_quantiles[2] = 0.95 */
#define Q99 3   /* 0.99 */
#define ES99 1  /* mr_output_es_levels[1] = 0.99 */
#define RP100 5 /* mr_output_return_periods[5] = 100 years */

/* Value indices of variant v (the last parameter varies fastest). */
static void variant_choice(const mr_scenario *base, uint64_t v, int *choice)
{
    for (int i = base->nsweep - 1; i >= 0; i--) {
        choice[i] = (int)(v % (uint64_t)base->sweep[i].nvalues);
        v /= (uint64_t)base->sweep[i].nvalues;
    }
}

/* The last part of a key path ("policies.stockpile.months" -> "months";
   "refining[0].spare" -> "spare"). */
static const char *last_key(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

/* The longest group name a variant takes from its settings: beyond it
   (many keys, whole key paths) the readers' and the writer's path buffers
   would not hold "/variants/<name>/summary/...". */
#define SWEEP_NAME_MAX 200

/* Whether two parameters share their last key part. */
static bool names_clash(const mr_scenario *base)
{
    bool clash = false;
    for (int i = 0; i < base->nsweep; i++)
        for (int j = 0; j < i; j++)
            clash = clash || !strcmp(last_key(base->sweep[i].path), last_key(base->sweep[j].path));
    return clash;
}

/* Whether some variant's name from its settings would be longer than
   SWEEP_NAME_MAX: then every variant is named by its number. */
static bool names_too_long(const mr_scenario *base)
{
    const bool clash = names_clash(base);
    size_t len = clash ? 24 : 0; /* "v<k>__" */
    for (int i = 0; i < base->nsweep; i++) {
        const mr_sweep_param *sp = &base->sweep[i];
        size_t longest = 0;
        for (int k = 0; k < sp->nvalues; k++)
            longest = strlen(sp->labels[k]) > longest ? strlen(sp->labels[k]) : longest;
        len += strlen(clash ? sp->path : last_key(sp->path)) + 3 + longest;
    }
    return len > SWEEP_NAME_MAX;
}

/* A group name from the variant's settings: "months_6__cap_0.60", with
   anything but [A-Za-z0-9._-] made '_'; "v<k>__" first when two parameters
   share their last key part; "v<k>" alone when numbered (names_too_long). */
static char *variant_name(const mr_scenario *base, const int *choice, uint64_t v, bool numbered)
{
    size_t cap = 64;
    for (int i = 0; i < base->nsweep; i++)
        cap += strlen(base->sweep[i].path) + strlen(base->sweep[i].labels[choice[i]]) + 4;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    if (numbered) {
        snprintf(s, cap, "v%llu", (unsigned long long)v);
        return s;
    }
    size_t n = 0;
    const bool clash = names_clash(base);
    if (clash)
        n += (size_t)snprintf(s + n, cap - n, "v%llu__", (unsigned long long)v);
    for (int i = 0; i < base->nsweep; i++) {
        const char *k = clash ? base->sweep[i].path : last_key(base->sweep[i].path);
        n += (size_t)snprintf(s + n, cap - n, "%s%s_%s", i ? "__" : "", k,
                              base->sweep[i].labels[choice[i]]);
    }
    for (char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == '_'))
            *c = '_';
    if (s[0] == '.')
        s[0] = '_'; /* "." and ".." are not group names */
    return s;
}

typedef struct {
    mr_scenario sc;
    mr_results res;
    mr_run_info info;
    char *name;     /* group name under /variants */
    char *label;    /* "policies.stockpile.months=6, policies.diversification_cap=0.60" */
    mr_sumstats st; /* the statistics of res (sweep_table), given to the writer */
    bool parsed, ran, have_st;
} variant;

static char *variant_label(const mr_scenario *base, const int *choice)
{
    size_t cap = 8;
    for (int i = 0; i < base->nsweep; i++)
        cap += strlen(base->sweep[i].path) + strlen(base->sweep[i].labels[choice[i]]) + 3;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t n = 0;
    s[0] = '\0';
    for (int i = 0; i < base->nsweep; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s%s=%s", i ? ", " : "", base->sweep[i].path,
                              base->sweep[i].labels[choice[i]]);
    return s;
}

/* Add a dataset under /sweep, the same on every rank: float64 (units given)
   or strings (units NULL), a coordinate when coord. */
static int add_table(mr_extras *x, const char *name, int rank, const uint64_t *dims,
                     const char *const *dimnames, const void *data, bool coord, const char *units,
                     const char *description)
{
    char path[128];
    snprintf(path, sizeof path, "sweep/%s", name);
    mr_output_extra e = {.path = mr_extras_strdup(x, path),
                         .type = units ? MR_EXTRA_F64 : MR_EXTRA_STR,
                         .rank = rank,
                         .data = data,
                         .is_coord = coord,
                         .units = units,
                         .description = description};
    for (int k = 0; k < rank; k++) {
        e.dims[k] = dims[k];
        e.dim_names[k] = dimnames[k];
    }
    return e.path ? mr_extras_add(x, &e) : -1;
}

/* A coordinate of /sweep/grid (strings), repeated there so that the group
   opens with labelled dimensions (docs/OUTPUT.md "Conventions"). */
static int grid_coord(mr_extras *x, const char *name, uint64_t n, const char *const *data,
                      const char *description)
{
    char path[128];
    snprintf(path, sizeof path, "sweep/grid/%s", name);
    mr_output_extra e = {.path = mr_extras_strdup(x, path),
                         .type = MR_EXTRA_STR,
                         .rank = 1,
                         .dims = {n},
                         .dim_names = {name},
                         .data = data,
                         .is_coord = true,
                         .description = description};
    return e.path ? mr_extras_add(x, &e) : -1;
}

/* /sweep's policy costs, when a variant states any (docs/STUDIES.md
   "Sweeps"): each variant's cost over the horizon and, against the first
   variant (the reference of mean_difference), the loss avoided per pound
   of its extra cost; NaN for the first, wherever the variant costs no
   more than it, and where its horizon is not the first's (MODEL §10: loss
   and cost over the same horizon; compare refuses two horizons).
   dmean: mean_difference [V x 3]. */
static int sweep_costs(mr_extras *x, const variant *vs, uint64_t V, const double *dmean,
                       double **costp, double **ppp)
{
    bool any = false;
    for (uint64_t v = 0; v < V; v++)
        any |= vs[v].sc.policies.has_cost;
    if (!any)
        return 0;
    double *cost = mr_extras_keep(x, malloc((size_t)V * sizeof *cost));
    double *pp = mr_extras_keep(x, malloc((size_t)V * 3 * sizeof *pp));
    if (!cost || !pp)
        return -1;
    const char **unc = mr_extras_keep(x, malloc((size_t)V * sizeof *unc));
    if (!unc)
        return -1;
    for (uint64_t v = 0; v < V; v++) {
        char buf[256];
        cost[v] = vs[v].sc.policies.cost_horizon_gbp;
        mr_policy_uncosted(&vs[v].sc, buf, sizeof buf);
        if (!(unc[v] = mr_extras_strdup(x, buf)))
            return -1;
    }
    for (uint64_t v = 0; v < V; v++)
        if (vs[v].sc.horizon_years == vs[0].sc.horizon_years)
            mr_policy_per_pound(dmean + v * 3, cost[0], cost[v], pp + v * 3);
        else
            pp[v * 3] = pp[v * 3 + 1] = pp[v * 3 + 2] = NAN;
    *costp = cost;
    *ppp = pp;
    const uint64_t dV[1] = {V}, dV3[2] = {V, 3};
    const char *nv[1] = {"variant"}, *nvb[2] = {"variant", "bound"};
    return add_table(x, "policy_cost", 1, dV, nv, cost, false, "GBP",
                     "the variant's stated policy cost over the horizon (policies.cost, "
                     "undiscounted; 0 when it states none)") ||
                   add_table(x, "loss_avoided_per_pound", 2, dV3, nvb, pp, false, "1",
                             "loss avoided per pound of the variant's extra policy cost over the "
                             "first variant's: (mean loss of the first - the variant's) / (its "
                             "cost - the first's), GBP per GBP, with mean_difference's 95% "
                             "interval divided by the cost difference; NaN for the first variant, "
                             "where the variant costs no more than it, and where its horizon is "
                             "not the first's") ||
                   add_table(x, "uncosted_levers", 1, dV, nv, unc, false, NULL,
                             "the levers the variant's policies use without a stated cost "
                             "(counted as 0), \"a, b\"; empty when none")
               ? -1
               : 0;
}

/* ---- /sweep/grid: the table with the swept keys as dimensions ------------ */

/* Datasets and coordinates of /sweep and /sweep/grid: a key's dimension
   may not take one of their names. */
static const char *const reserved_names[] = {"variant",        "parameter",
                                             "dimension",      "metric",
                                             "sector",         "bound",
                                             "label",          "setting",
                                             "headline",       "sector_mean_loss",
                                             "sector_es99",    "mean_difference",
                                             "policy_cost",    "loss_avoided_per_pound",
                                             "uncosted_levers"};

/* The dimension name of each swept key in /sweep/grid: the last part of its
   path without an index ("policies.stockpile.months" -> "months",
   "refining[0]" -> "refining"); the whole paths ('/' made '_') when two
   keys share it or one is a name of the table. Into dim[i] (owned by x).
   0, or -1 (memory). */
static int grid_dim_names(mr_extras *x, const mr_scenario *base, const char **dim)
{
    const int P = base->nsweep;
    bool whole = false;
    for (int i = 0; i < P && !whole; i++) {
        const char *k = last_key(base->sweep[i].path);
        size_t len = strcspn(k, "[");
        char *d = mr_extras_keep(x, malloc(len + 1));
        if (!d)
            return -1;
        memcpy(d, k, len);
        d[len] = '\0';
        dim[i] = d;
        whole = len == 0;
        for (size_t r = 0; r < sizeof reserved_names / sizeof *reserved_names; r++)
            whole = whole || !strcmp(d, reserved_names[r]);
        for (int j = 0; j < i; j++)
            whole = whole || !strcmp(d, dim[j]);
    }
    for (int i = 0; whole && i < P; i++) {
        char *d = mr_extras_strdup(x, base->sweep[i].path);
        if (!d)
            return -1;
        for (char *c = d; *c; c++)
            if (*c == '/')
                *c = '_';
        dim[i] = d;
    }
    return 0;
}

/* The settings of key i as numbers when every one is: int32 when every one
   is a decimal integer in range, else float64 when every one is a
   (decimal) number, with the unit the schema gives the key ("months of
   demand"; "1" when it gives none); else the strings as written ("none"
   for null). */
static int grid_key_coord(mr_extras *x, const mr_scenario *base, const mr_sweep_param *sp,
                          const char *path, const char *dim, const char *desc)
{
    const int n = sp->nvalues;
    bool ints = true, nums = true;
    for (int k = 0; k < n; k++) {
        const char *l = sp->labels[k];
        char *end;
        errno = 0;
        long v = strtol(l, &end, 10);
        ints = ints && *l && !*end && errno == 0 && v >= INT32_MIN && v <= INT32_MAX &&
               l[strspn(l, "+-0123456789")] == '\0';
        (void)strtod(l, &end);
        nums = nums && *l && !*end && !strpbrk(l, "xXpP \t") &&
               strspn(l, "+-.0123456789eE") == strlen(l);
    }
    char *u;
    if (mr_scenario_key_unit_in(base, sp->path, &u))
        return -1;
    const char *unit = mr_extras_keep(x, u);
    if (u && !unit)
        return -1;
    mr_output_extra e = {.path = path,
                         .rank = 1,
                         .dims = {(uint64_t)n},
                         .dim_names = {dim},
                         .is_coord = true,
                         .description = desc};
    if (ints) {
        int32_t *v = mr_extras_keep(x, malloc((size_t)n * sizeof *v));
        if (!v)
            return -1;
        for (int k = 0; k < n; k++)
            v[k] = (int32_t)strtol(sp->labels[k], NULL, 10);
        e.type = MR_EXTRA_I32;
        e.data = v;
        e.units = unit ? unit : "1";
    } else if (nums) {
        double *v = mr_extras_keep(x, malloc((size_t)n * sizeof *v));
        if (!v)
            return -1;
        for (int k = 0; k < n; k++)
            v[k] = strtod(sp->labels[k], NULL);
        e.type = MR_EXTRA_F64;
        e.data = v;
        e.units = unit ? unit : "1";
    } else {
        e.type = MR_EXTRA_STR;
        e.data = (const char *const *)sp->labels;
    }
    return mr_extras_add(x, &e);
}

/* One array of /sweep/grid: the flat table's data [V, (n)] on the grid
   [n_1, ..., n_P, (n)] (variants are in grid order, the last key varying
   fastest, so the data are the same in the same order). */
static int grid_table(mr_extras *x, const mr_scenario *base, const char *const *dim,
                      const char *name, const void *data, uint64_t n, const char *nname,
                      const char *units, const char *description)
{
    char path[128];
    snprintf(path, sizeof path, "sweep/grid/%s", name);
    const int P = base->nsweep;
    mr_output_extra e = {.path = mr_extras_strdup(x, path),
                         .type = units ? MR_EXTRA_F64 : MR_EXTRA_STR,
                         .rank = P + (nname ? 1 : 0),
                         .data = data,
                         .units = units,
                         .description = description};
    for (int i = 0; i < P; i++) {
        e.dims[i] = (uint64_t)base->sweep[i].nvalues;
        e.dim_names[i] = dim[i];
    }
    if (nname) {
        e.dims[P] = n;
        e.dim_names[P] = nname;
    }
    return e.path ? mr_extras_add(x, &e) : -1;
}

/* The group /sweep/grid (docs/STUDIES.md "Sweeps"),
   when the grid has at most MR_EXTRA_MAX_RANK - 1 keys. The arrays are
   those of the flat table (already kept by x). */
static int sweep_grid(mr_extras *x, const mr_scenario *base, uint64_t S, const char *const *vname,
                      const char *const *mname, const char *const *sname, const char *const *bname,
                      const double *head, const double *smean, const double *ses99,
                      const double *dmean, const double *cost, const double *pp)
{
    const int P = base->nsweep;
    if (P < 1 || P > MR_EXTRA_MAX_RANK - 1)
        return 0;
    const char **dim = mr_extras_keep(x, malloc((size_t)P * sizeof *dim));
    if (!dim || grid_dim_names(x, base, dim))
        return -1;
    const char **pname = mr_extras_keep(x, malloc((size_t)P * sizeof *pname));
    if (!pname)
        return -1;
    for (int i = 0; i < P; i++)
        pname[i] = base->sweep[i].path;
    int rc = grid_coord(x, "parameter", (uint64_t)P, pname, "swept key path");
    mr_output_extra e = {.path = "sweep/grid/dimension",
                         .type = MR_EXTRA_STR,
                         .rank = 1,
                         .dims = {(uint64_t)P},
                         .dim_names = {"parameter"},
                         .data = dim,
                         .description = "the swept key's dimension in this group"};
    rc = rc || mr_extras_add(x, &e);
    for (int i = 0; i < P && !rc; i++) {
        char path[160], *desc = NULL;
        snprintf(path, sizeof path, "sweep/grid/%s", dim[i]);
        size_t len = strlen(base->sweep[i].path) + 96;
        desc = mr_extras_keep(x, malloc(len));
        if (!desc)
            return -1;
        snprintf(desc, len, "swept key %s: its values in sweep order, as written (none: null)",
                 base->sweep[i].path);
        const char *p = mr_extras_strdup(x, path);
        rc = !p || grid_key_coord(x, base, &base->sweep[i], p, dim[i], desc);
    }
#define COORD(name_, n_, data_, desc_) rc = rc || grid_coord(x, name_, n_, data_, desc_)
    COORD("metric", H_NMETRIC, mname, "headline figure of the total loss (docs/STUDIES.md)");
    COORD("sector", S, sname, "sector id, in scenario order");
    COORD("bound", 3, bname, "estimate and 95% interval bounds");
#undef COORD
    rc = rc || grid_table(x, base, dim, "variant", vname, 0, NULL, NULL,
                          "the variant in each cell of the grid: its group under /variants");
    rc = rc || grid_table(x, base, dim, "headline", head, H_NMETRIC, "metric", "GBP",
                          "headline figures of the total loss per variant, as /sweep/headline");
    rc = rc || grid_table(x, base, dim, "sector_mean_loss", smean, S, "sector", "GBP",
                          "mean loss per trial of each sector, as /sweep/sector_mean_loss");
    rc = rc || grid_table(x, base, dim, "sector_es99", ses99, S, "sector", "GBP",
                          "expected shortfall at 99% of each sector's loss, as "
                          "/sweep/sector_es99");
    rc = rc || grid_table(x, base, dim, "mean_difference", dmean, 3, "bound", "GBP",
                          "mean total loss minus that of the first variant with its 95% "
                          "interval, as /sweep/mean_difference");
    if (cost) {
        rc = rc || grid_table(x, base, dim, "policy_cost", cost, 0, NULL, "GBP",
                              "the variant's stated policy cost over the horizon, as "
                              "/sweep/policy_cost");
        rc = rc || grid_table(x, base, dim, "loss_avoided_per_pound", pp, 3, "bound", "1",
                              "loss avoided per pound against the first variant, as "
                              "/sweep/loss_avoided_per_pound");
    }
    return rc ? -1 : 0;
}

/* The /sweep table (collective: statistics over ranks). */
static int sweep_table(const mr_scenario *base, variant *vs, uint64_t V, const mr_comm *comm,
                       mr_extras *x)
{
    const int P = base->nsweep, S = vs[0].sc.nsectors;
    const uint64_t N = vs[0].res.ntrials_total;
    /* every buffer belongs to x at once: freed with it on any path */
    double *head = mr_extras_keep(x, malloc((size_t)V * H_NMETRIC * sizeof *head));
    double *smean = mr_extras_keep(x, malloc((size_t)V * (size_t)S * sizeof *smean));
    double *ses99 = mr_extras_keep(x, malloc((size_t)V * (size_t)S * sizeof *ses99));
    double *dmean = mr_extras_keep(x, malloc((size_t)V * 3 * sizeof *dmean));
    const char **vname = mr_extras_keep(x, malloc((size_t)V * sizeof *vname));
    const char **vlabel = mr_extras_keep(x, malloc((size_t)V * sizeof *vlabel));
    const char **pname = mr_extras_keep(x, malloc((size_t)P * sizeof *pname));
    const char **setting = mr_extras_keep(x, malloc((size_t)V * (size_t)P * sizeof *setting));
    const char **mname = mr_extras_keep(x, malloc(H_NMETRIC * sizeof *mname));
    const char **sname = mr_extras_keep(x, malloc((size_t)S * sizeof *sname));
    const char **bname = mr_extras_keep(x, malloc(3 * sizeof *bname));
    double *diff = malloc((vs[0].res.ntrials ? vs[0].res.ntrials : 1) * sizeof *diff);
    int *choice = malloc((size_t)P * sizeof *choice);
    int fail = !head || !smean || !ses99 || !dmean || !diff || !vname || !vlabel || !pname ||
               !setting || !mname || !sname || !bname || !choice;
    for (uint64_t v = 0; !fail && v < V; v++) {
        if (mr_sumstats_compute(comm, &vs[v].res, &vs[v].st) != 0) {
            fail = 1;
            break;
        }
        vs[v].have_st = true;
        const mr_sumstats st = vs[v].st;
        double *h = head + v * H_NMETRIC;
        h[H_MEAN] = st.total.mean;
        h[H_MEAN_SE] = st.total.se;
        h[H_VAR95] = st.total.q[Q95];
        h[H_VAR99] = st.total.q[Q99];
        h[H_ES99] = st.total.es[ES99];
        h[H_AAL] = st.aal;
        h[H_RP100] = st.return_period_loss[RP100];
        for (int j = 0; j < S; j++) {
            smean[v * (uint64_t)S + (uint64_t)j] = st.sector_loss[j].mean;
            ses99[v * (uint64_t)S + (uint64_t)j] = st.sector_loss[j].es[ES99];
        }
        /* paired difference of the mean total loss from variant 0 (common
           random numbers: trial i of both saw the same disruptions) */
        for (uint64_t i = 0; i < vs[v].res.ntrials; i++)
            diff[i] = vs[v].res.total_loss[i] - vs[0].res.total_loss[i];
        mr_dvar dv = {diff, vs[v].res.ntrials, 1, 1, N};
        double mean, sd;
        if (mr_dstats_moments(comm, &dv, 1, &mean, &sd) != 0) {
            fail = 1;
            break;
        }
        double half = N > 1 ? MR_PAIRED_Z95 * sd / sqrt((double)N) : NAN;
        dmean[v * 3 + 0] = mean;
        dmean[v * 3 + 1] = mean - half;
        dmean[v * 3 + 2] = mean + half;
        vname[v] = vs[v].name;
        vlabel[v] = vs[v].label;
        variant_choice(base, v, choice);
        for (int i = 0; i < P; i++)
            setting[v * (uint64_t)P + (uint64_t)i] = base->sweep[i].labels[choice[i]];
    }
    free(diff);
    free(choice);
    if (fail)
        return -1;
    for (int i = 0; i < P; i++)
        pname[i] = base->sweep[i].path;
    for (int k = 0; k < H_NMETRIC; k++)
        mname[k] = metric_names[k];
    for (int j = 0; j < S; j++)
        sname[j] = vs[0].sc.sectors[j].id;
    static const char *const bound_names[3] = {"estimate", "ci_lo", "ci_hi"};
    memcpy(bname, bound_names, sizeof bound_names);
    uint64_t dV[1] = {V}, dP[1] = {(uint64_t)P}, dK[1] = {H_NMETRIC}, dS[1] = {(uint64_t)S},
             d3[1] = {3};
    uint64_t dVP[2] = {V, (uint64_t)P}, dVK[2] = {V, H_NMETRIC}, dVS[2] = {V, (uint64_t)S},
             dV3[2] = {V, 3};
    const char *nv[1] = {"variant"}, *np[1] = {"parameter"}, *nk[1] = {"metric"},
               *ns[1] = {"sector"}, *nb[1] = {"bound"};
    const char *nvp[2] = {"variant", "parameter"}, *nvk[2] = {"variant", "metric"},
               *nvs[2] = {"variant", "sector"}, *nvb[2] = {"variant", "bound"};
    int rc = 0;
    rc = rc || add_table(x, "variant", 1, dV, nv, vname, true, NULL,
                         "variant: its group under /variants, in grid order (the last "
                         "parameter varies fastest)");
    rc = rc || add_table(x, "parameter", 1, dP, np, pname, true, NULL, "swept key path");
    rc = rc || add_table(x, "metric", 1, dK, nk, mname, true, NULL,
                         "headline figure of the total loss (docs/STUDIES.md)");
    rc = rc || add_table(x, "sector", 1, dS, ns, sname, true, NULL, "sector id, in scenario order");
    rc = rc ||
         add_table(x, "bound", 1, d3, nb, bname, true, NULL, "estimate and 95% interval bounds");
    rc = rc || add_table(x, "label", 1, dV, nv, vlabel, false, NULL,
                         "the variant's settings, key path=value");
    rc = rc || add_table(x, "setting", 2, dVP, nvp, setting, false, NULL,
                         "value of each swept key in each variant, as written (none: the key "
                         "removed, its default applies)");
    rc = rc || add_table(x, "headline", 2, dVK, nvk, head, false, "GBP",
                         "headline figures of the total loss over the horizon per variant: mean, "
                         "its standard error, VaR 95 and 99, ES 99 (trial totals), AAL and the "
                         "1-in-100 annual loss (annual totals)");
    rc = rc || add_table(x, "sector_mean_loss", 2, dVS, nvs, smean, false, "GBP",
                         "mean loss per trial (output loss + extra cost) of each sector");
    rc = rc || add_table(x, "sector_es99", 2, dVS, nvs, ses99, false, "GBP",
                         "expected shortfall at 99% of each sector's loss per trial");
    rc = rc || add_table(x, "mean_difference", 2, dV3, nvb, dmean, false, "GBP",
                         "mean total loss of the variant minus that of the first variant, from "
                         "the paired per-trial differences (common random numbers), with its 95% "
                         "interval (normal, paired standard error)");
    double *cost = NULL, *pp = NULL;
    rc = rc || sweep_costs(x, vs, V, dmean, &cost, &pp);
    rc = rc || sweep_grid(x, base, (uint64_t)S, vname, mname, sname, bname, head, smean, ses99,
                          dmean, cost, pp);
    return rc ? -1 : 0;
}

/* Whether key path `path` is `key` or lies under it. */
static bool under(const char *path, const char *key)
{
    size_t n = strlen(key);
    return !strncmp(path, key, n) && (!path[n] || path[n] == '.' || path[n] == '[');
}

/* Warn (rank 0, on stderr) of each swept key none of whose values changes
   any trial's total loss: every variant is bit for bit, trial by trial, the
   one with the key at its first value and the other keys as they are (a
   lever the scenario gives no way to reach the loss, such as a
   diversification cap without licensing, MODEL §3u). Not of the keys that
   are not meant to change it: policy costs (the per-pound figures) and
   the output block. Collective. */
static void warn_inert_keys(const mr_scenario *base, const variant *vs, uint64_t V,
                            const mr_comm *comm)
{
    uint64_t stride = V;
    for (int i = 0; i < base->nsweep; i++) {
        const mr_sweep_param *sp = &base->sweep[i];
        stride /= (uint64_t)sp->nvalues; /* variants between two values of key i */
        int differs = 0;
        for (uint64_t v = 0; v < V && !differs; v++) {
            uint64_t k = (v / stride) % (uint64_t)sp->nvalues, u = v - k * stride;
            const mr_results *a = &vs[v].res, *b = &vs[u].res;
            differs = a->ntrials != b->ntrials;
            for (uint64_t t = 0; t < a->ntrials && !differs && k; t++)
                differs = memcmp(&a->total_loss[t], &b->total_loss[t], sizeof(double)) != 0;
        }
        const bool no_loss_key = under(sp->path, "policies.cost") || under(sp->path, "output");
        if (sp->nvalues > 1 && !no_loss_key && !mr_comm_any(comm, differs) && comm->rank == 0)
            fprintf(stderr,
                    "warning: %s:%d:%d: sweep.%s: none of its values changes any trial's total "
                    "loss: every variant equals, trial by trial, the one with the key at '%s' "
                    "(the scenario gives the key no way to reach the loss)\n",
                    sp->file, sp->key_line, sp->key_col, sp->path, sp->labels[0]);
    }
}

/* Hash of a variant's resolved scenario (what the model sees), 0 when out
   of memory. */
static uint64_t resolved_hash(const mr_scenario *sc)
{
    char *y = mr_scenario_resolved_yaml(sc);
    uint64_t h = y ? mr_hash64(y) : 0;
    free(y);
    return h;
}

/* Two variants that resolve to the same scenario (0.6 and 0.60, a value
   equal to the default and null...) would be one variant twice: an error
   at the value of the first parameter where they differ. */
static int same_variant_error(const mr_scenario *base, uint64_t u, uint64_t v, mr_error *err)
{
    int cu[64], cv[64];
    if (base->nsweep > 64)
        return -1;
    variant_choice(base, u, cu);
    variant_choice(base, v, cv);
    for (int i = 0; i < base->nsweep; i++)
        if (cu[i] != cv[i]) {
            const mr_sweep_param *sp = &base->sweep[i];
            snprintf(err->msg, sizeof err->msg,
                     "%s:%d:%d: sweep.%s[%d]: the value '%s' gives the same scenario as '%s': "
                     "two variants would be one",
                     sp->file, sp->line[cv[i]], sp->col[cv[i]], sp->path, cv[i], sp->labels[cv[i]],
                     sp->labels[cu[i]]);
            return -1;
        }
    return -1;
}

/* Parse every variant of base and check that no two resolve to the same
   scenario; into vs[v] (name, label, seed and trials set) when vs is given,
   else each is freed at once. MR_OK, or with err MR_BAD_INPUT (the
   scenario's fault) or MR_FAILED (out of memory). */
static mr_status parse_variants(const mr_scenario *base, variant *vs, mr_error *err)
{
    const uint64_t V = base->nvariants;
    int *choice = malloc((size_t)base->nsweep * sizeof *choice);
    uint64_t *hash = malloc((size_t)V * sizeof *hash);
    mr_status rc = MR_BAD_INPUT;
    const bool numbered = names_too_long(base);
    if (!choice || !hash)
        goto oom;
    for (uint64_t v = 0; v < V; v++) {
        mr_scenario one, *sc = vs ? &vs[v].sc : &one;
        variant_choice(base, v, choice);
        int prc = mr_scenario_parse_variant(base->source_path, base->source_text, base->source_len,
                                            choice, base->nsweep, sc, err);
        if (prc) {
            rc = prc == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
            goto out;
        }
        hash[v] = resolved_hash(sc);
        if (vs) {
            vs[v].parsed = true;
            sc->seed = base->seed; /* --seed and --trials apply to every variant */
            sc->trials = base->trials;
            vs[v].name = variant_name(base, choice, v, numbered);
            vs[v].label = variant_label(base, choice);
        } else {
            mr_scenario_free(sc);
        }
        if (!hash[v] || (vs && (!vs[v].name || !vs[v].label)))
            goto oom;
        for (uint64_t u = 0; u < v; u++) {
            if (hash[u] == hash[v]) {
                same_variant_error(base, u, v, err);
                goto out;
            }
            if (vs && !strcmp(vs[u].name, vs[v].name)) {
                snprintf(err->msg, sizeof err->msg,
                         "%s: sweep: variants %llu and %llu have the same name '%s'",
                         base->source_path, (unsigned long long)u, (unsigned long long)v,
                         vs[v].name);
                goto out;
            }
        }
    }
    rc = MR_OK;
    goto out;
oom:
    snprintf(err->msg, sizeof err->msg, "%s: out of memory", base->source_path);
    rc = MR_FAILED;
out:
    free(choice);
    free(hash);
    return rc;
}

mr_status mr_sweep_check(const mr_scenario *base, mr_error *err)
{
    return parse_variants(base, NULL, err);
}

mr_status mr_sweep_run(const mr_scenario *base, const char *output, const mr_engine_opts *opts,
                       bool quiet, const mr_comm *comm, mr_error *err)
{
    const uint64_t V = base->nvariants;
    variant *vs = calloc((size_t)V, sizeof *vs);
    mr_status rc = MR_FAILED;
    mr_extras x = {0};
    mr_output_run *runs = NULL;
    if (!vs) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", base->source_path);
        goto done;
    }
    /* every variant first: a bad value fails before anything runs */
    if ((rc = parse_variants(base, vs, err)) != MR_OK)
        goto done;
    rc = MR_FAILED;
    /* every variant's results stay in memory until the one write: each
       run's up-front memory check counts those of the variants still to
       run, so that a grid too large is refused before its first trial */
    double later = 0.0;
    for (uint64_t v = 1; v < V; v++)
        later += mr_engine_results_bytes(&vs[v].sc, comm);
    for (uint64_t v = 0; v < V; v++) {
        if (opts->progress && comm->rank == 0)
            fprintf(stderr, "minrisk: variant %llu/%llu: %s\n", (unsigned long long)v + 1,
                    (unsigned long long)V, vs[v].label);
        char what[160];
        snprintf(what, sizeof what,
                 "results of the %llu later variants (a sweep holds them until its one write)",
                 (unsigned long long)(V - 1 - v));
        mr_engine_opts o = *opts;
        o.analysis_bytes = later;
        o.analysis_what = what;
        mr_status r = mr_engine_run(&vs[v].sc, &o, &vs[v].res, &vs[v].info, err);
        if (v + 1 < V)
            later -= mr_engine_results_bytes(&vs[v + 1].sc, comm);
        later = later > 0.0 ? later : 0.0;
        if (r < 0)
            goto done;
        vs[v].ran = true;
        if (r > 0) {
            rc = MR_INTERRUPTED; /* (or paused: sweeps take no checkpoints) */
            goto done;
        }
    }
    if (!quiet)
        warn_inert_keys(base, vs, V, comm);
    if (sweep_table(base, vs, V, comm, &x) != 0) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the sweep table", output);
        goto done;
    }
    runs = calloc((size_t)V, sizeof *runs);
    char **groups = calloc((size_t)V, sizeof *groups);
    if (!runs || !groups) {
        free(groups);
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", output);
        goto done;
    }
    for (uint64_t v = 0; v < V; v++) {
        size_t len = strlen(vs[v].name) + 10;
        groups[v] = mr_extras_keep(&x, malloc(len));
        if (!groups[v]) {
            free(groups);
            snprintf(err->msg, sizeof err->msg, "%s: out of memory", output);
            goto done;
        }
        snprintf(groups[v], len, "variants/%s", vs[v].name);
        runs[v] = (mr_output_run){groups[v], &vs[v].sc, &vs[v].res, &vs[v].info, &vs[v].st};
    }
    /* each variant's tail attribution (/variants/<name>/attribution, as
       `minrisk run` writes it at a run file's root and `compare` under
       /runs/<r>) and bootstrap intervals in its summary */
    const mr_run_extras_opts xo = {.threads = opts->threads};
    for (uint64_t v = 0; v < V; v++) {
        mr_extras one = {0};
        char prefix[600];
        snprintf(prefix, sizeof prefix, "%s/", groups[v]);
        const double t0 = mr_now_seconds();
        mr_status r = mr_attribution_collect(&vs[v].sc, &vs[v].res, &xo, comm, &one, err);
        if (r == MR_OK)
            r = mr_summary_errors_collect(&vs[v].sc, &vs[v].res, comm, &one, err);
        vs[v].info.analysis_seconds = mr_now_seconds() - t0;
        if (r == MR_OK && mr_extras_move(&x, &one, prefix)) {
            snprintf(err->msg, sizeof err->msg, "%s: out of memory", output);
            r = MR_FAILED;
        }
        mr_extras_free(&one);
        if (r != MR_OK) {
            free(groups);
            goto done;
        }
    }
    free(groups);
    int w = mr_output_write_multi(output, "sweep", runs, (size_t)V, x.x, x.n, comm, err);
    rc = w > 0 ? MR_INTERRUPTED : w < 0 ? MR_FAILED : MR_OK;
done:
    free(runs);
    mr_extras_free(&x);
    for (uint64_t v = 0; vs && v < V; v++) {
        if (vs[v].ran)
            mr_results_free(&vs[v].res);
        if (vs[v].have_st)
            mr_sumstats_free(&vs[v].st);
        if (vs[v].parsed)
            mr_scenario_free(&vs[v].sc);
        free(vs[v].name);
        free(vs[v].label);
    }
    free(vs);
    return rc;
}
