/* summary_multi.c - `minrisk summary` of a file of several runs: the
 * tables of a sweep and of a comparison (two runs, or three or more), with
 * their policy costs and the UK sourcing of each run (multi_uk.c); an
 * uncertainty file's (unc_print.c). The one-run tables are summary.c's.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/tables/attr_print.h"
#include "out/tables/cellnum.h" /* mr_tab_change_decimals */
#include "out/tables/compare_print.h"
#include "models/units.h" /* MR_GBP_PER_MILLION */
#include "out/h5/read.h"
#include "out/format.h"
#include "out/tables/policy_cost.h"
#include "out/tables/summary.h"
#include "out/tables/multi_uk.h"
#include "out/tables/summary_multi.h"
#include "out/tables/tab.h"
#include "out/tables/unc_print.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- files of several runs (kind = "sweep" or "compare") ------------------ */

/* A sweep's policy costs and loss avoided per pound against the first
   variant (format 1.5 on, when a variant states a cost). */
static int print_sweep_costs(mr_h5r *r, FILE *out, long long V, long long P, char **param,
                             char **setting)
{
    const hid_t f = r->file;
    if (H5Lexists(f, "sweep/policy_cost", H5P_DEFAULT) <= 0)
        return 0;
    /* levers used without a stated cost (format 1.x files of this release
       on): a column when some variant has any */
    char **unc = NULL;
    bool any_unc = false;
    if (H5Lexists(f, "sweep/uncosted_levers", H5P_DEFAULT) > 0) {
        if (!(unc = mr_h5r_strings(r, f, "sweep/uncosted_levers", (size_t)V)) ||
            mr_h5r_printable(r, unc, (size_t)V) < 0) {
            mr_h5r_free_strings(unc, (size_t)V);
            return -1;
        }
        for (long long v = 0; v < V; v++)
            any_unc |= unc[v][0] != '\0';
    }
    double *cost = malloc((size_t)V * sizeof *cost), *pp = malloc((size_t)V * 3 * sizeof *pp);
    table t = {(size_t)V + 1, (size_t)P + 2 + (any_unc ? 1 : 0), NULL};
    int rc = -1;
    if (!cost || !pp || !(t.cell = calloc(t.rows * t.cols, sizeof *t.cell)))
        mr_h5r_nomem(r);
    else if (!mr_h5r_f64(r, f, "sweep/policy_cost", cost, (size_t)V) &&
             !mr_h5r_f64(r, f, "sweep/loss_avoided_per_pound", pp, (size_t)V * 3)) {
        fprintf(out, "\nPolicy cost over the horizon, GBP m (policies.cost: stated, not sampled; "
                     "undiscounted), and\nloss avoided per pound of the extra cost over the first "
                     "variant: (mean of the first - mean)\n/ (cost - cost of the first), with the "
                     "95%% interval of vs first over the cost difference\n(n/a: no more cost than "
                     "the first, or another horizon).\n\n");
        for (long long k = 0; k < P; k++) {
            const char *dot = strrchr(param[k], '.');
            snprintf(mr_tab_cell(&t, 0, (size_t)k), CELL, "%s", dot ? dot + 1 : param[k]);
            for (long long v = 0; v < V; v++)
                snprintf(mr_tab_cell(&t, (size_t)v + 1, (size_t)k), CELL, "%s", setting[v * P + k]);
        }
        snprintf(mr_tab_cell(&t, 0, (size_t)P), CELL, "policy cost");
        snprintf(mr_tab_cell(&t, 0, (size_t)P + 1), CELL, "per pound vs first [95%% CI]");
        for (long long v = 0; v < V; v++) {
            mr_policy_cost_fmt(mr_tab_cell(&t, (size_t)v + 1, (size_t)P), CELL, 0,
                               cost[v] / MR_GBP_PER_MILLION);
            if (v == 0)
                snprintf(mr_tab_cell(&t, 1, (size_t)P + 1), CELL, "(reference)");
            else if (cost[v] > cost[0] && isnan(pp[v * 3])) /* sweep.c: another horizon */
                snprintf(mr_tab_cell(&t, (size_t)v + 1, (size_t)P + 1), CELL,
                         "n/a (another horizon than the first)");
            else
                mr_policy_cost_fmt_per_pound(mr_tab_cell(&t, (size_t)v + 1, (size_t)P + 1), CELL,
                                             pp + v * 3);
        }
        if (any_unc) {
            snprintf(mr_tab_cell(&t, 0, (size_t)P + 2), CELL, "levers with no stated cost");
            for (long long v = 0; v < V; v++)
                snprintf(mr_tab_cell(&t, (size_t)v + 1, (size_t)P + 2), CELL, "%s",
                         unc[v][0] ? unc[v] : "-");
        }
        mr_tab_print(out, &t);
        bool same = V > 1;
        for (long long v = 1; v < V && same; v++)
            same = cost[v] == cost[0];
        if (same) /* the swept keys leave policies.cost alone: nothing to divide by */
            fprintf(out,
                    "(every variant states the same policy cost, GBP %.1fm: the swept keys do "
                    "not change\npolicies.cost, so no variant costs more than the first; a grid "
                    "cannot tie a cost to a\nsetting: compare scenarios that each state their "
                    "own cost, docs/STUDIES.md)\n",
                    cost[0] / MR_GBP_PER_MILLION);
        if (any_unc)
            fprintf(out, "(levers with no stated cost count as 0: a variant's loss avoided per "
                         "pound credits\nto its stated cost the effect of any such lever set "
                         "otherwise than in the first variant)\n");
        rc = 0;
    }
    mr_h5r_free_strings(unc, unc ? (size_t)V : 0);
    free(t.cell);
    free(cost);
    free(pp);
    return rc;
}

/* Swept keys the tables show as columns (mr_tab_print's 16 columns, 8 of
   them the figures); a sweep of more has a column of row numbers. */
#define SWEEP_KEYS_SHOWN 8

/* The headline table of a sweep file (/sweep, docs/STUDIES.md "Sweeps"). */
static int print_sweep(mr_h5r *r, FILE *out)
{
    const hid_t f = r->file;
    long long V = mr_h5r_extent(r, f, "sweep/variant"), P = mr_h5r_extent(r, f, "sweep/parameter");
    if (V < 1 || P < 1)
        return -1;
    if (V > MR_H5R_MAX_STRINGS / P) /* and so V * NH, V * 3 */
        return mr_h5r_damaged_why(r, f, "sweep/variant", "has %lld variants of %lld parameters", V,
                                  P);
    enum { NH = 7 };
    if (mr_h5r_extent(r, f, "sweep/metric") != NH)
        return mr_h5r_damaged(r, f, "sweep/metric");
    char **param = NULL, **setting = NULL, **vname = NULL, **label = NULL, **num = NULL;
    double *head = malloc((size_t)V * NH * sizeof *head);
    double *diff = malloc((size_t)V * 3 * sizeof *diff);
    char *name = mr_h5r_printable_own(mr_h5r_attr_str(f, ".", "scenario_name"));
    uint64_t trials = 0, seed = 0;
    int rc = -1;
    if (!head || !diff) {
        mr_h5r_nomem(r);
        goto out;
    }
    if (!(param = mr_h5r_strings(r, f, "sweep/parameter", (size_t)P)) ||
        !(setting = mr_h5r_strings(r, f, "sweep/setting", (size_t)(V * P))) ||
        mr_h5r_printable(r, param, (size_t)P) < 0 ||
        mr_h5r_printable(r, setting, (size_t)(V * P)) < 0 ||
        mr_h5r_f64(r, f, "sweep/headline", head, (size_t)V * NH) ||
        mr_h5r_f64(r, f, "sweep/mean_difference", diff, (size_t)V * 3) ||
        mr_h5r_attr_num(r, f, ".", "trials", H5T_NATIVE_UINT64, 1, &trials) < 0 ||
        mr_h5r_attr_num(r, f, ".", "seed", H5T_NATIVE_UINT64, 1, &seed) < 0)
        goto out;
    /* more keys than the table has room for: a column of row numbers, and
       each variant's group name and settings below the table */
    long long K = P;
    char **kparam = param, **kset = setting;
    static char num_head[] = "#";
    char *num_param[1] = {num_head};
    if (P > SWEEP_KEYS_SHOWN) {
        if (!(vname = mr_h5r_strings(r, f, "sweep/variant", (size_t)V)) ||
            mr_h5r_printable(r, vname, (size_t)V) < 0 ||
            !(label = mr_h5r_strings(r, f, "sweep/label", (size_t)V)) ||
            mr_h5r_printable(r, label, (size_t)V) < 0)
            goto out;
        if (!(num = calloc((size_t)V, sizeof *num))) {
            mr_h5r_nomem(r);
            goto out;
        }
        for (long long v = 0; v < V; v++)
            if (!(num[v] = malloc(24))) {
                mr_h5r_nomem(r);
                goto out;
            } else
                snprintf(num[v], 24, "%lld", v + 1);
        K = 1;
        kparam = num_param;
        kset = num;
    }
    fprintf(out, "Sweep      %s\n", name ? name : "");
    fprintf(out, "Variants   %lld, each %llu trials, seed %llu (common random numbers)\n\n", V,
            (unsigned long long)trials, (unsigned long long)seed);
    fprintf(out,
            "Total loss in GBP m per variant: over the horizon (mean +- se; VaR, ES) and per year "
            "(AAL,\n1-in-100). vs first: mean minus the first variant's, from paired per-trial "
            "differences,\nwith its 95%% interval.\n\n");
    size_t cols = (size_t)K + 8;
    table t = {(size_t)V + 1, cols, NULL};
    t.cell = calloc(t.rows * t.cols, sizeof *t.cell);
    if (!t.cell) {
        mr_h5r_nomem(r);
        goto out;
    }
    for (long long k = 0; k < K; k++) {
        const char *dot = strrchr(kparam[k], '.');
        snprintf(mr_tab_cell(&t, 0, (size_t)k), CELL, "%s", dot ? dot + 1 : kparam[k]);
    }
    static const char *const hd[8] = {"mean",   "se",  "VaR 95%",  "VaR 99%",
                                      "ES 99%", "AAL", "1-in-100", "vs first [95% CI]"};
    for (size_t c = 0; c < 8; c++)
        snprintf(mr_tab_cell(&t, 0, (size_t)K + c), CELL, "%s", hd[c]);
    double maxabs = 0.0;
    for (long long i = 0; i < V * NH; i++)
        if (isfinite(head[i]) && fabs(head[i]) / MR_GBP_PER_MILLION > maxabs)
            maxabs = fabs(head[i]) / MR_GBP_PER_MILLION;
    int dec = mr_tab_decimals(maxabs);
    for (long long v = 0; v < V; v++) {
        for (long long k = 0; k < K; k++)
            snprintf(mr_tab_cell(&t, (size_t)v + 1, (size_t)k), CELL, "%s", kset[v * K + k]);
        for (size_t c = 0; c < NH; c++)
            mr_tab_fmt_num(mr_tab_cell(&t, (size_t)v + 1, (size_t)K + c),
                           head[v * NH + (long long)c] / MR_GBP_PER_MILLION, dec, "");
        const double *d = diff + v * 3;
        if (v == 0)
            snprintf(mr_tab_cell(&t, 1, (size_t)K + 7), CELL, "(reference)");
        else {
            /* more decimals until the change shows 2 significant digits, as
               compare prints it (until 2026-12-07 a change of -0.24 GBP m,
               [-0.29, -0.18], printed -0 [-0, -0]) */
            const int cd = mr_tab_change_decimals(d, MR_GBP_PER_MILLION, dec, 4);
            snprintf(mr_tab_cell(&t, (size_t)v + 1, (size_t)K + 7), CELL, "%+.*f [%+.*f, %+.*f]",
                     cd, d[0] / MR_GBP_PER_MILLION, cd, d[1] / MR_GBP_PER_MILLION, cd,
                     d[2] / MR_GBP_PER_MILLION);
        }
    }
    mr_tab_print(out, &t);
    free(t.cell);
    for (long long k = 0; k < P; k++)
        if (!strcmp(param[k], "simulation.horizon_years")) {
            fprintf(out, "\nThe variants' horizons differ: the horizon's figures (mean to ES, vs "
                         "first) cover\ndifferent spans of years; AAL and 1-in-100 are per year, "
                         "each over its variant's own\nyears.\n");
            break;
        }
    if (K < P) {
        fprintf(out,
                "\nEach variant (#: its row above), its group under /variants and its %lld "
                "settings:\n",
                P);
        for (long long v = 0; v < V; v++)
            fprintf(out, "  %lld  %s: %s\n", v + 1, vname[v], label[v]);
    }
    if (print_sweep_costs(r, out, V, K, kparam, kset) < 0)
        goto out;
    fprintf(out, "\nEach variant's full tables: minrisk export, or h5py/xarray on "
                 "/variants/<variant>/summary.\n");
    rc = 0;
out:
    mr_h5r_free_strings(param, (size_t)P);
    mr_h5r_free_strings(setting, (size_t)(V * P));
    mr_h5r_free_strings(vname, vname ? (size_t)V : 0);
    mr_h5r_free_strings(label, label ? (size_t)V : 0);
    for (long long v = 0; num && v < V; v++)
        free(num[v]);
    free(num);
    free(head);
    free(diff);
    free(name);
    return rc;
}

/* The policy costs of a comparison file and the loss avoided per pound
   (format 1.5 on, when A or B states a cost), as `minrisk compare` prints
   them. */
static int print_compare_costs(mr_h5r *r, FILE *out)
{
    const hid_t f = r->file;
    if (H5Lexists(f, "difference/policy_cost", H5P_DEFAULT) <= 0)
        return 0;
    double cost[2], pp[3];
    int horizon = 0;
    if (mr_h5r_f64(r, f, "difference/policy_cost", cost, 2) ||
        mr_h5r_f64(r, f, "difference/loss_avoided_per_pound", pp, 3) ||
        mr_h5r_attr_num(r, f, ".", "horizon_years", H5T_NATIVE_INT, 1, &horizon) < 0)
        return -1;
    const bool stated[2] = {H5Lexists(f, "runs/a/policies", H5P_DEFAULT) > 0,
                            H5Lexists(f, "runs/b/policies", H5P_DEFAULT) > 0};
    char **unc = mr_h5r_strings(r, f, "difference/uncosted_levers", 2);
    if (!unc || mr_h5r_printable(r, unc, 2) < 0) {
        mr_h5r_free_strings(unc, 2);
        return -1;
    }
    const char *const u[2] = {unc[0], unc[1]};
    mr_policy_cost_print_pair(out, horizon, cost, stated, u, pp);
    mr_h5r_free_strings(unc, 2);
    return 0;
}

/* The policy costs of a comparison of three or more runs, when stored. */
static int print_compare_many_costs(mr_h5r *r, FILE *out, size_t R, char **runs)
{
    const hid_t f = r->file;
    if (H5Lexists(f, "difference/policy_cost", H5P_DEFAULT) <= 0)
        return 0;
    double *cost = malloc(R * sizeof *cost), *pp = malloc(3 * (R - 1) * sizeof *pp);
    bool *stated = calloc(R, sizeof *stated);
    char **unc = NULL;
    int horizon = 0, rc = -1;
    if (!cost || !pp || !stated) {
        mr_h5r_nomem(r);
        goto out;
    }
    if (mr_h5r_f64(r, f, "difference/policy_cost", cost, R) ||
        mr_h5r_f64(r, f, "difference/loss_avoided_per_pound", pp, 3 * (R - 1)) ||
        mr_h5r_attr_num(r, f, ".", "horizon_years", H5T_NATIVE_INT, 1, &horizon) < 0 ||
        !(unc = mr_h5r_strings(r, f, "difference/uncosted_levers", R)) ||
        mr_h5r_printable(r, unc, R) < 0)
        goto out;
    for (size_t w = 0; w < R; w++) {
        char g[64];
        snprintf(g, sizeof g, "runs/%.20s/policies", runs[w]);
        stated[w] = H5Lexists(f, g, H5P_DEFAULT) > 0;
    }
    mr_policy_cost_print_many(out, horizon, (int)R, cost, stated, (const char *const *)unc, pp);
    rc = 0;
out:
    mr_h5r_free_strings(unc, R);
    free(cost);
    free(pp);
    free(stated);
    return rc;
}

/* The differences of a comparison file (/difference), as `minrisk compare`
   printed them (out/tables/compare_print.h, the same printer): two runs in
   format 1.5's layout (a, b and the changes [series, statistic]), three or
   more in format 1.6's (a `versus` dimension; value [run, series,
   statistic]); then the policy costs when stored. */
static int print_compare(mr_h5r *r, FILE *out)
{
    const hid_t f = r->file;
    const bool many = H5Lexists(f, "difference/versus", H5P_DEFAULT) > 0;
    long long P = mr_h5r_extent(r, f, "difference/series"),
              K = mr_h5r_extent(r, f, "difference/statistic"),
              R = many ? mr_h5r_extent(r, f, "difference/run") : 2;
    if (P < 1 || K < 1 || R < 2)
        return R < 0 || P < 0 || K < 0
                   ? -1
                   : mr_h5r_damaged_why(r, f, "difference/run", "has %lld runs, expected %s", R,
                                        many ? "3 or more" : "2");
    if (K != MR_COMPARE_NSTAT)
        return mr_h5r_damaged_why(r, f, "difference/statistic", "has %lld statistics, expected %d",
                                  K, MR_COMPARE_NSTAT);
    if (R > MR_COMPARE_MAX_RUNS || (many && R < 3) || P > MR_H5R_MAX_STRINGS / K / R)
        return mr_h5r_damaged_why(r, f, "difference/series",
                                  "has %lld series of %lld statistics of %lld runs", P, K, R);
    static const char *const stat_names[MR_COMPARE_NSTAT] = {"mean", "var95", "var99", "es99",
                                                             "annual_1in100"};
    const size_t V = (size_t)R - 1, PK = (size_t)(P * K);
    char **series = NULL, **stat = NULL, **name = NULL, **file = NULL, **runs = NULL;
    double *val = malloc((size_t)R * PK * sizeof *val), *vrf = malloc(V * (size_t)P * sizeof *vrf);
    double *v[3] = {NULL}; /* estimate, ci_lo, ci_hi */
    static const char *const dsn[3] = {"difference/estimate", "difference/ci_lo",
                                       "difference/ci_hi"};
    uint64_t trials = 0, seed = 0, nboot = 0;
    int horizon = 0, rc = -1;
    bool oom = !val || !vrf;
    for (int k = 0; k < 3; k++)
        oom = oom || !(v[k] = malloc(V * PK * sizeof(double)));
    if (oom) {
        mr_h5r_nomem(r);
        goto out;
    }
    if (!(series = mr_h5r_strings(r, f, "difference/series", (size_t)P)) ||
        !(stat = mr_h5r_strings(r, f, "difference/statistic", (size_t)K)) ||
        (many && !(runs = mr_h5r_strings(r, f, "difference/run", (size_t)R))) ||
        !(name = mr_h5r_strings(r, f, "difference/scenario_name", (size_t)R)) ||
        !(file = mr_h5r_strings(r, f, "difference/scenario_file", (size_t)R)) ||
        mr_h5r_printable(r, series, (size_t)P) < 0 || mr_h5r_printable(r, stat, (size_t)K) < 0 ||
        (many && mr_h5r_printable(r, runs, (size_t)R) < 0) ||
        mr_h5r_printable(r, name, (size_t)R) < 0 || mr_h5r_printable(r, file, (size_t)R) < 0 ||
        mr_h5r_f64(r, f, "difference/variance_reduction", vrf, V * (size_t)P) ||
        (many ? mr_h5r_f64(r, f, "difference/value", val, (size_t)R * PK)
              : mr_h5r_f64(r, f, "difference/a", val, PK) ||
                    mr_h5r_f64(r, f, "difference/b", val + PK, PK)) ||
        mr_h5r_attr_num(r, f, ".", "trials", H5T_NATIVE_UINT64, 1, &trials) < 0 ||
        mr_h5r_attr_num(r, f, ".", "seed", H5T_NATIVE_UINT64, 1, &seed) < 0 ||
        mr_h5r_attr_num(r, f, ".", "horizon_years", H5T_NATIVE_INT, 1, &horizon) < 0)
        goto out;
    for (int k = 0; k < 3; k++)
        if (mr_h5r_f64(r, f, dsn[k], v[k], V * PK))
            goto out;
    for (long long k = 0; k < K; k++)
        if (strcmp(stat[k], stat_names[k])) {
            mr_h5r_damaged_why(r, f, "difference/statistic", "holds '%.40s' where '%s' belongs",
                               stat[k], stat_names[k]);
            goto out;
        }
    if (H5Lexists(f, "difference/bootstrap_resamples", H5P_DEFAULT) > 0) {
        uint64_t *nb = mr_h5r_read_new(r, f, "difference/bootstrap_resamples", H5T_NATIVE_UINT64,
                                       sizeof *nb, 1);
        if (!nb)
            goto out;
        nboot = *nb;
        free(nb);
    }
    const mr_compare_view view = {.R = (int)R,
                                  .P = (int)P,
                                  .name = (const char *const *)name,
                                  .file = (const char *const *)file,
                                  .series = (const char *const *)series,
                                  .val = val,
                                  .est = v[0],
                                  .lo = v[1],
                                  .hi = v[2],
                                  .vrf = vrf,
                                  .trials = trials,
                                  .seed = seed,
                                  .nboot = nboot > INT_MAX ? INT_MAX : (int)nboot,
                                  .horizon_years = horizon};
    mr_compare_view_print(out, &view);
    rc = many ? print_compare_many_costs(r, out, (size_t)R, runs) : print_compare_costs(r, out);
out:
    mr_h5r_free_strings(series, (size_t)P);
    mr_h5r_free_strings(stat, (size_t)K);
    mr_h5r_free_strings(runs, (size_t)R);
    mr_h5r_free_strings(name, (size_t)R);
    mr_h5r_free_strings(file, (size_t)R);
    for (int k = 0; k < 3; k++)
        free(v[k]);
    free(val);
    free(vrf);
    return rc;
}

/* 1 when the file holds several runs (kind sweep or compare) or is an
   uncertainty study: printed here. */
int mr_summary_print_multi(mr_h5r *r, FILE *out)
{
    char *kind = mr_h5r_attr_str(r->file, ".", "kind");
    int rc = 0;
    const bool sweep = kind && !strcmp(kind, "sweep"), compare = kind && !strcmp(kind, "compare");
    if (sweep || compare) {
        multi_uk m; /* read first: a damaged run prints nothing */
        rc = mr_multi_uk_read(r, compare, &m) < 0 ||
                     (compare ? print_compare(r, out) : print_sweep(r, out)) < 0
                 ? -1
                 : 1;
        if (rc == 1)
            mr_multi_uk_print(out, &m, compare);
        mr_multi_uk_free(&m);
    } else if (kind && !strcmp(kind, "uncertainty")) {
        rc = mr_unc_summary_print(r, out) < 0 ? -1 : 1;
    }
    free(kind);
    return rc;
}
