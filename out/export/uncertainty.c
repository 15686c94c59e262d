/* uncertainty.c - the tables of an uncertainty study's /uncertainty as CSV
 * (`minrisk export` of a `minrisk uncertainty` file; docs/EXPORT.md
 * "Uncertainty files"): the Sobol indices in long form, the design rows
 * with their statistics, the predictive distribution beside the base, the
 * keys' distributions, the statistics' variances and the settings; with
 * --trials the predictive sample. The base run is exported as a run (into
 * DIR/base), by export.c.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/export/ex.h"

#include <hdf5.h>

#include <stdlib.h>
#include <string.h>

/* The group's coordinates and tables, as read. */
typedef struct {
    size_t k, ns, nb, nr, nm, nd, nset, nsr, nt;
    char **key, **dist_of_key, **stat, **bound, **row, **measure, **dist, **setting, **sample_row;
    char **key_unit; /* format 1.9 on; NULL before */
    double *fo, *to, *design, *rowst, *var, *pred;
    unsigned long long *settings;
} unc;

static void free_unc(unc *u)
{
    mr_h5r_free_strings(u->key, u->k);
    mr_h5r_free_strings(u->dist_of_key, u->k);
    mr_h5r_free_strings(u->key_unit, u->key_unit ? u->k : 0);
    mr_h5r_free_strings(u->stat, u->ns);
    mr_h5r_free_strings(u->bound, u->nb);
    mr_h5r_free_strings(u->row, u->nr);
    mr_h5r_free_strings(u->measure, u->nm);
    mr_h5r_free_strings(u->dist, u->nd);
    mr_h5r_free_strings(u->setting, u->nset);
    mr_h5r_free_strings(u->sample_row, u->nsr);
    free(u->fo);
    free(u->to);
    free(u->design);
    free(u->rowst);
    free(u->var);
    free(u->pred);
    free(u->settings);
}

static int read_unc(ex *x, hid_t g, unc *u)
{
    static const char *const dims[9] = {"key",     "statistic",  "bound",
                                        "row",     "measure",    "distribution",
                                        "setting", "sample_row", "trial"};
    size_t *len[9] = {&u->k, &u->ns, &u->nb, &u->nr, &u->nm, &u->nd, &u->nset, &u->nsr, &u->nt};
    for (int d = 0; d < 9; d++) {
        long long n = ex_extent(x, g, dims[d]);
        if (n < 0)
            return -1;
        if (n > MR_H5R_MAX_STRINGS)
            return mr_h5r_damaged_why(&x->r, g, dims[d], "has %lld values", n);
        *len[d] = (size_t)n;
    }
    char ***strs[9] = {&u->key,  &u->stat,    &u->bound,      &u->row,        &u->measure,
                       &u->dist, &u->setting, &u->sample_row, &u->dist_of_key};
    static const char *const snames[9] = {"key",     "statistic",  "bound",
                                          "row",     "measure",    "distribution",
                                          "setting", "sample_row", "distribution_of_key"};
    const size_t slen[9] = {u->k, u->ns, u->nb, u->nr, u->nm, u->nd, u->nset, u->nsr, u->k};
    for (int s = 0; s < 9 && x->r.status == MR_OK; s++)
        *strs[s] = mr_h5r_strings(&x->r, g, snames[s], slen[s]);
    if (x->r.status != MR_OK)
        return -1;
    htri_t has_unit = H5Lexists(g, "key_unit", H5P_DEFAULT); /* format 1.9 */
    if (has_unit > 0 && !(u->key_unit = mr_h5r_strings(&x->r, g, "key_unit", u->k)))
        return -1;
    const size_t ksb = u->k * u->ns * u->nb;
    u->fo = ex_read_f64(x, g, "first_order", ksb);
    u->to = u->fo ? ex_read_f64(x, g, "total_order", ksb) : NULL;
    u->design = u->to ? ex_read_f64(x, g, "design", u->nr * u->k) : NULL;
    u->rowst = u->design ? ex_read_f64(x, g, "row_statistic", u->nr * u->ns) : NULL;
    u->var = u->rowst ? ex_read_f64(x, g, "variance", u->ns) : NULL;
    u->pred = u->var ? ex_read_f64(x, g, "predictive", u->nd * u->nm) : NULL;
    u->settings = u->pred ? ex_read_u64(x, g, "settings", u->nset) : NULL;
    return x->r.status == MR_OK ? 0 : -1;
}

/* Position of `want` in the n names, or -1 damaged (`coord` has none). */
static long position(ex *x, hid_t g, const char *coord, char **names, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], want))
            return (long)i;
    return mr_h5r_damaged_why(&x->r, g, coord, "has no %s", want);
}

/* uncertainty_indices.csv: statistic, key, s1, s1_lo, s1_hi, st, st_lo,
   st_hi, one row per statistic and key. */
static int indices_csv(ex *x, hid_t g, const unc *u, const char *dir)
{
    long b[3];
    static const char *const bn[3] = {"estimate", "ci_lo", "ci_hi"};
    for (int i = 0; i < 3; i++)
        if ((b[i] = position(x, g, "bound", u->bound, u->nb, bn[i])) < 0)
            return -1;
    csv c;
    if (csv_open(x, &c, dir, "uncertainty_indices.csv") < 0)
        return -1;
    static const char *const head[8] = {"statistic", "key", "s1",    "s1_lo",
                                        "s1_hi",     "st",  "st_lo", "st_hi"};
    for (int i = 0; i < 8; i++)
        csv_str(&c, head[i]);
    csv_row(&c);
    for (size_t s = 0; s < u->ns; s++)
        for (size_t i = 0; i < u->k; i++) {
            const size_t e = (i * u->ns + s) * u->nb;
            csv_str(&c, u->stat[s]);
            csv_str(&c, u->key[i]);
            for (int t = 0; t < 2; t++)
                for (int q = 0; q < 3; q++)
                    csv_f64(&c, (t ? u->to : u->fo)[e + (size_t)b[q]]);
            csv_row(&c);
        }
    return csv_close(&c);
}

/* uncertainty_design.csv: row, each key's value, each statistic (GBP m). */
static int design_csv(ex *x, const unc *u, const char *dir)
{
    csv c;
    if (csv_open(x, &c, dir, "uncertainty_design.csv") < 0)
        return -1;
    csv_str(&c, "row");
    for (size_t i = 0; i < u->k; i++)
        csv_str(&c, u->key[i]);
    for (size_t s = 0; s < u->ns; s++)
        csv_head(&c, "%s_gbp_m", u->stat[s]);
    csv_row(&c);
    for (size_t j = 0; j < u->nr; j++) {
        csv_str(&c, u->row[j]);
        for (size_t i = 0; i < u->k; i++)
            csv_f64(&c, u->design[j * u->k + i]);
        for (size_t s = 0; s < u->ns; s++)
            csv_gbp_m(&c, u->rowst[j * u->ns + s]);
        csv_row(&c);
    }
    return csv_close(&c);
}

/* uncertainty_predictive.csv: distribution, each measure (GBP m). */
static int predictive_csv(ex *x, const unc *u, const char *dir)
{
    csv c;
    if (csv_open(x, &c, dir, "uncertainty_predictive.csv") < 0)
        return -1;
    csv_str(&c, "distribution");
    for (size_t m = 0; m < u->nm; m++)
        csv_head(&c, "%s_gbp_m", u->measure[m]);
    csv_row(&c);
    for (size_t d = 0; d < u->nd; d++) {
        csv_str(&c, u->dist[d]);
        for (size_t m = 0; m < u->nm; m++)
            csv_gbp_m(&c, u->pred[d * u->nm + m]);
        csv_row(&c);
    }
    return csv_close(&c);
}

/* uncertainty_keys.csv (key, distribution, unit: empty before format 1.9),
   uncertainty_statistics.csv
   (statistic, variance_gbp_m2 over the A and B rows) and
   uncertainty_settings.csv (setting, value). */
static int small_csvs(ex *x, const unc *u, const char *dir)
{
    csv c;
    if (csv_open(x, &c, dir, "uncertainty_keys.csv") < 0)
        return -1;
    csv_str(&c, "key");
    csv_str(&c, "distribution");
    csv_str(&c, "unit");
    csv_row(&c);
    for (size_t i = 0; i < u->k; i++) {
        csv_str(&c, u->key[i]);
        csv_str(&c, u->dist_of_key[i]);
        csv_str(&c, u->key_unit ? u->key_unit[i] : "");
        csv_row(&c);
    }
    if (csv_close(&c) < 0 || csv_open(x, &c, dir, "uncertainty_statistics.csv") < 0)
        return -1;
    csv_str(&c, "statistic");
    csv_str(&c, "variance_gbp_m2");
    csv_row(&c);
    for (size_t s = 0; s < u->ns; s++) {
        csv_str(&c, u->stat[s]);
        csv_f64(&c, u->var[s] / 1e12); /* GBP^2 -> (GBP m)^2 */
        csv_row(&c);
    }
    if (csv_close(&c) < 0 || csv_open(x, &c, dir, "uncertainty_settings.csv") < 0)
        return -1;
    csv_str(&c, "setting");
    csv_str(&c, "value");
    csv_row(&c);
    for (size_t s = 0; s < u->nset; s++) {
        csv_str(&c, u->setting[s]);
        csv_u64(&c, u->settings[s]);
        csv_row(&c);
    }
    return csv_close(&c);
}

/* uncertainty_sample.csv (--trials): sample_row, trial, total_loss_gbp_m,
   one row per trial of each A and B row, read a sample row at a time. */
static int sample_csv(ex *x, hid_t g, const unc *u, const char *dir)
{
    double *v = malloc((u->nt ? u->nt : 1) * sizeof *v);
    if (!v)
        return mr_h5r_nomem(&x->r);
    csv c;
    if (csv_open(x, &c, dir, "uncertainty_sample.csv") == 0) {
        csv_str(&c, "sample_row");
        csv_str(&c, "trial");
        csv_str(&c, "total_loss_gbp_m");
        csv_row(&c);
        for (size_t j = 0; j < u->nsr && x->r.status == MR_OK; j++) {
            if (ex_read_rows(x, g, "sample_total_loss", j, 1, u->nt, H5T_NATIVE_DOUBLE, v) < 0)
                break;
            for (size_t t = 0; t < u->nt; t++) {
                csv_str(&c, u->sample_row[j]);
                csv_u64(&c, t);
                csv_gbp_m(&c, v[t]);
                csv_row(&c);
            }
        }
        csv_close(&c);
    }
    free(v);
    return x->r.status == MR_OK ? 0 : -1;
}

int ex_uncertainty(ex *x, const char *dir, bool trials)
{
    hid_t g = H5Gopen2(x->r.file, "uncertainty", H5P_DEFAULT);
    if (g < 0)
        return ex_damaged(x, x->r.file, "uncertainty");
    unc u;
    memset(&u, 0, sizeof u);
    if (read_unc(x, g, &u) == 0 && indices_csv(x, g, &u, dir) == 0 && design_csv(x, &u, dir) == 0 &&
        predictive_csv(x, &u, dir) == 0 && small_csvs(x, &u, dir) == 0 && trials)
        sample_csv(x, g, &u, dir);
    free_unc(&u);
    H5Gclose(g);
    return x->r.status == MR_OK ? 0 : -1;
}
