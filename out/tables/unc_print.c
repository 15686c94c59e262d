/* unc_print.c - the tables of an uncertainty study, from its results or its
 * file (unc_print.h; docs/STUDIES.md "Uncertainty").
 */
#include "out/tables/unc_print.h"

#include "models/units.h" /* MR_GBP_PER_MILLION */
#include "out/format.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const mr_unc_stat_names[MR_UNC_NSTAT] = {"mean_loss", "es99_loss", "mean_gva_loss"};
const char *const mr_unc_measure_names[MR_UNC_NP] = {"mean", "q50", "q90", "q95", "q99", "es99"};

/* GBP m in 10 characters, the column's width, at any magnitude and sign:
   one decimal where that fits (below 99999990; for a negative figure,
   whose sign takes one of the 10, down to -9999999.9), else 4 significant
   digits ("1.015e+208": %10.1f gave 209 digits), or 3 where the sign and
   an exponent of 3 digits leave no room for 4 ("-1.23e+208"). Until
   2026-12-07 a negative figure from 1e7 took 11 characters ("-12345678.9")
   and moved the columns after it (unit_out_unc_predictive_cells). */
static void gbp_m_cell(char *dst, size_t len, double gbp)
{
    const double m = gbp / MR_GBP_PER_MILLION;
    if (isnan(m)) { /* n/a, as index_cell says it (printf's "nan" until 2026-12-07) */
        snprintf(dst, len, "%10s", "n/a");
        return;
    }
    int n = m < 9.999999e7 ? snprintf(dst, len, "%10.1f", m) : 11;
    if (n > 10 && snprintf(dst, len, "%10.4g", m) > 10)
        snprintf(dst, len, "%10.3g", m);
    mr_unsign_zero(dst); /* -0.04 m: "0.0", not "-0.0" (until 2026-12-07) */
}

/* "0.123 [0.010, 0.456]"; NaN as n/a (not printf's "nan" or "-nan"). */
static void index_cell(char *dst, size_t len, double v, double lo, double hi)
{
    char x[3][24];
    const double y[3] = {v, lo, hi};
    for (int i = 0; i < 3; i++)
        if (isnan(y[i]))
            snprintf(x[i], sizeof x[i], "n/a");
        else
            snprintf(x[i], sizeof x[i], "%.3f", y[i]);
    snprintf(dst, len, "%s [%s, %s]", x[0], x[1], x[2]);
}

void mr_unc_print(FILE *f, const mr_unc_tables *t)
{
    const int k = t->k;
    fprintf(f, "Uncertainty  %s\n", t->name);
    fprintf(f,
            "Design       %d uncertain keys; %llu rows each of A and B, %llu rows in all, each "
            "run on trials 0..%llu (common random numbers), seed %llu\n\n",
            k, (unsigned long long)t->n, (unsigned long long)(t->n * (uint64_t)(k + 2)),
            (unsigned long long)t->l - 1, (unsigned long long)t->seed);
    static const char *const title[MR_UNC_NSTAT] = {"mean total loss over the horizon",
                                                    "ES 99 of the total loss over the horizon",
                                                    "mean value added lost over the horizon"};
    int *order = malloc((size_t)(k ? k : 1) * sizeof *order);
    if (!order)
        return;
    for (int s = 0; s < MR_UNC_NSTAT; s++) {
        /* (until 2026-12-07 "95% bootstrap intervals" with --resamples 0 too) */
        fprintf(f, "Sobol indices of the %s (GBP; sd over rows GBP %.4g m); %s; ranked by ST\n",
                title[s], t->sd[s] / MR_GBP_PER_MILLION,
                t->resamples ? "95% bootstrap intervals" : "no intervals (--resamples 0: n/a)");
        for (int i = 0; i < k; i++)
            order[i] = i;
        /* insertion sort by ST, largest first; NaN last; ties in key order */
        for (int i = 1; i < k; i++) {
            int v = order[i], j = i;
            double sv = t->index[v * MR_UNC_NSTAT + s].st;
            while (j > 0) {
                double su = t->index[order[j - 1] * MR_UNC_NSTAT + s].st;
                if (!(sv > su) && !(isnan(su) && !isnan(sv)))
                    break;
                order[j] = order[j - 1];
                j--;
            }
            order[j] = v;
        }
        size_t w = 3;
        for (int i = 0; i < k; i++)
            w = strlen(t->key[i]) > w ? strlen(t->key[i]) : w;
        fprintf(f, "  %-*s  %24s  %24s\n", (int)w, "key", "S_i [95% CI]", "ST_i [95% CI]");
        for (int o = 0; o < k; o++) {
            const mr_sobol_index *q = &t->index[order[o] * MR_UNC_NSTAT + s];
            char a[96], b[96];
            index_cell(a, sizeof a, q->s, q->s_lo, q->s_hi);
            index_cell(b, sizeof b, q->st, q->st_lo, q->st_hi);
            fprintf(f, "  %-*s  %24s  %24s\n", (int)w, t->key[order[o]], a, b);
        }
        if (!(t->variance[s] > 0))
            fprintf(f, "  (the statistic does not vary over the rows: no indices)\n");
        fputs("\n", f);
    }
    free(order);
    fprintf(f, "Predictive distribution of the total loss over the horizon, GBP m\n");
    fprintf(f, "  %-34s", "");
    for (int m = 0; m < MR_UNC_NP; m++)
        fprintf(f, " %10s", mr_unc_measure_names[m]);
    fputs("\n", f);
    static const char *const rowt[2] = {"with parameter uncertainty", "base (values as written)"};
    for (int d = 0; d < 2; d++) {
        fprintf(f, "  %-34s", rowt[d]);
        for (int m = 0; m < MR_UNC_NP; m++) {
            char c[32];
            gbp_m_cell(c, sizeof c, t->predictive[d][m]);
            fprintf(f, " %s", c);
        }
        fputs("\n", f);
    }
    fprintf(f,
            "  (with: the %llu trials of the A and B rows pooled; base: the same %llu "
            "trials)\n",
            (unsigned long long)(2 * t->n * t->l), (unsigned long long)t->l);
}

/* ---- from the file ------------------------------------------------------- */

/* "/uncertainty/<name>", for the readers and their messages (one at a
   time: each call's result is used before the next). */
static const char *un(const char *name)
{
    static char buf[96];
    snprintf(buf, sizeof buf, "/uncertainty/%s", name);
    return buf;
}

/* Position of each of the n names want[] in the coordinate `coord` of
   /uncertainty (of `len` values, read as stored): 0, or -1 damaged. */
static int positions(mr_h5r *r, hid_t g, const char *coord, size_t len, const char *const *want,
                     size_t n, size_t *pos)
{
    char **have = mr_h5r_strings(r, g, un(coord), len);
    if (!have)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t j = 0;
        while (j < len && strcmp(have[j], want[i]))
            j++;
        if (j == len)
            rc = mr_h5r_damaged_why(r, g, un(coord), "has no %s", want[i]);
        pos[i] = j;
    }
    mr_h5r_free_strings(have, len);
    return rc;
}

/* The extent of dataset `name` of g when it is `want`, else -1 damaged. */
static int expect(mr_h5r *r, hid_t g, const char *name, long long want)
{
    long long n = mr_h5r_extent(r, g, un(name));
    if (n < 0)
        return -1;
    if (n != want)
        return mr_h5r_damaged_why(r, g, un(name), "has %lld values, expected %lld", n, want);
    return 0;
}

/* The file's tables, as read (freed by free_file). */
typedef struct {
    size_t k, ns, nb, nm, nd, nset, nrow;
    char **key, *name;
    double *fo, *to, *pred, *var, *rowst; /* [k][ns][nb] x 2, [nd][nm], [ns], [nrow][ns] */
    uint64_t *setting, seed;
} unc_file;

static void free_file(unc_file *u)
{
    mr_h5r_free_strings(u->key, u->k);
    free(u->name);
    free(u->fo);
    free(u->to);
    free(u->pred);
    free(u->var);
    free(u->rowst);
    free(u->setting);
}

static void *alloc_n(size_t n, size_t size)
{
    return malloc((n ? n : 1) * size);
}

static int read_file(mr_h5r *r, hid_t g, unc_file *u)
{
    static const char *const dims[7] = {"key",          "statistic", "bound", "measure",
                                        "distribution", "setting",   "row"};
    size_t *len[7] = {&u->k, &u->ns, &u->nb, &u->nm, &u->nd, &u->nset, &u->nrow};
    for (int d = 0; d < 7; d++) {
        long long n = mr_h5r_extent(r, g, un(dims[d]));
        if (n < 0)
            return -1;
        if (n > 1000000)
            return mr_h5r_damaged_why(r, g, un(dims[d]), "has %lld values", n);
        *len[d] = (size_t)n;
    }
    const size_t ksb = u->k * u->ns * u->nb;
    if (!(u->fo = alloc_n(ksb, sizeof(double))) || !(u->to = alloc_n(ksb, sizeof(double))) ||
        !(u->pred = alloc_n(u->nd * u->nm, sizeof(double))) ||
        !(u->var = alloc_n(u->ns, sizeof(double))) ||
        !(u->rowst = alloc_n(u->nrow * u->ns, sizeof(double))) ||
        !(u->setting = alloc_n(u->nset, sizeof(uint64_t))))
        return mr_h5r_nomem(r);
    if (expect(r, g, "first_order", (long long)ksb) ||
        expect(r, g, "total_order", (long long)ksb) ||
        expect(r, g, "predictive", (long long)(u->nd * u->nm)) ||
        expect(r, g, "variance", (long long)u->ns) ||
        expect(r, g, "row_statistic", (long long)(u->nrow * u->ns)) ||
        expect(r, g, "settings", (long long)u->nset) ||
        !(u->key = mr_h5r_strings(r, g, un("key"), u->k)) ||
        mr_h5r_printable(r, u->key, u->k) < 0 || mr_h5r_f64(r, g, un("first_order"), u->fo, ksb) ||
        mr_h5r_f64(r, g, un("total_order"), u->to, ksb) ||
        mr_h5r_f64(r, g, un("predictive"), u->pred, u->nd * u->nm) ||
        mr_h5r_f64(r, g, un("variance"), u->var, u->ns) ||
        mr_h5r_f64(r, g, un("row_statistic"), u->rowst, u->nrow * u->ns) ||
        mr_h5r_read(r, g, un("settings"), H5T_NATIVE_UINT64, u->nset, u->setting) ||
        mr_h5r_attr_num(r, r->file, ".", "seed", H5T_NATIVE_UINT64, 1, &u->seed) < 0)
        return -1;
    if (!(u->name = mr_h5r_printable_own(mr_h5r_attr_str(r->file, ".", "scenario_name"))))
        return mr_h5r_damaged(r, r->file, "the scenario_name attribute");
    return 0;
}

int mr_unc_summary_print(mr_h5r *r, FILE *out)
{
    const hid_t g = r->file;
    static const char *const bounds[3] = {"estimate", "ci_lo", "ci_hi"};
    static const char *const dists[2] = {"with_parameter_uncertainty", "base"};
    static const char *const sets[3] = {"rows", "block_trials", "bootstrap_resamples"};
    unc_file u;
    memset(&u, 0, sizeof u);
    size_t ist[MR_UNC_NSTAT], ib[3], im[MR_UNC_NP], id[2], iset[3];
    mr_sobol_index *index = NULL;
    double *ab = NULL;
    int rc = -1;
    if (read_file(r, g, &u) ||
        positions(r, g, "statistic", u.ns, mr_unc_stat_names, MR_UNC_NSTAT, ist) ||
        positions(r, g, "bound", u.nb, bounds, 3, ib) ||
        positions(r, g, "measure", u.nm, mr_unc_measure_names, MR_UNC_NP, im) ||
        positions(r, g, "distribution", u.nd, dists, 2, id) ||
        positions(r, g, "setting", u.nset, sets, 3, iset))
        goto out;
    /* the A and B rows of /uncertainty/row_statistic come first, N each,
       then N of each AB_i (sim/studies/uncertainty.c) */
    const uint64_t n = u.setting[iset[0]];
    if (n < 1 || n > u.nrow / (u.k + 2) || n * (u.k + 2) != u.nrow) {
        mr_h5r_damaged_why(r, g, un("row"), "has %llu rows, not rows x (2 + keys): %llu x %llu",
                           (unsigned long long)u.nrow, (unsigned long long)n,
                           (unsigned long long)(u.k + 2));
        goto out;
    }
    if (!(index = alloc_n(u.k * MR_UNC_NSTAT, sizeof *index)) ||
        !(ab = alloc_n(2 * n, sizeof *ab))) {
        mr_h5r_nomem(r);
        goto out;
    }
    double v[MR_UNC_NSTAT], sd[MR_UNC_NSTAT], p[2][MR_UNC_NP];
    for (int s = 0; s < MR_UNC_NSTAT; s++) {
        v[s] = u.var[ist[s]];
        for (uint64_t j = 0; j < 2 * n; j++)
            ab[j] = u.rowst[j * u.ns + ist[s]];
        sd[s] = mr_sobol_sd(ab, ab + n, n);
        for (size_t i = 0; i < u.k; i++) {
            const double *a = u.fo + (i * u.ns + ist[s]) * u.nb,
                         *b = u.to + (i * u.ns + ist[s]) * u.nb;
            index[i * MR_UNC_NSTAT + (size_t)s] =
                (mr_sobol_index){a[ib[0]], a[ib[1]], a[ib[2]], b[ib[0]], b[ib[1]], b[ib[2]]};
        }
    }
    for (int d = 0; d < 2; d++)
        for (int m = 0; m < MR_UNC_NP; m++)
            p[d][m] = u.pred[id[d] * u.nm + im[m]];
    mr_unc_tables t = {u.name,
                       u.seed,
                       u.setting[iset[0]],
                       u.setting[iset[1]],
                       (int)u.k,
                       (const char *const *)u.key,
                       index,
                       v,
                       sd,
                       (const double(*)[MR_UNC_NP])p,
                       u.setting[iset[2]]};
    if (t.l < 1) {
        mr_h5r_damaged_why(r, g, un("settings"), "gives block_trials 0");
        goto out;
    }
    mr_unc_print(out, &t);
    fprintf(out, "\nThe base scenario's own tables: minrisk export FILE.h5 --csv DIR --run base, "
                 "or h5py/xarray on /base.\n");
    rc = 0;
out:
    free_file(&u);
    free(index);
    free(ab);
    return rc;
}
