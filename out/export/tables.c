/* tables.c - a run's summary tables as CSV (`minrisk export`;
 * docs/EXPORT.md): info.csv, summary_loss.csv, return_periods.csv,
 * histogram.csv, minerals.csv, sectors.csv, inoperability_bands.csv,
 * price_bands.csv, indicators.csv and (a run with --events) exceedance.csv, each with hand-made
 * columns that carry their unit (_gbp_m, _fraction, _ratio, _months, _years).
 */
#define _POSIX_C_SOURCE 200809L

#include "out/export/ex.h"

#include <hdf5.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the statistics tables -------------------------------------------------- */

/* The statistics of one loss variable over `rows` rows (sectors, or 1 for
   the total). */
typedef struct {
    double *mean, *sd, *se, *q, *lo, *hi, *es;
} lossvar;

static void free_lossvar(lossvar *v)
{
    free(v->mean);
    free(v->sd);
    free(v->se);
    free(v->q);
    free(v->lo);
    free(v->hi);
    free(v->es);
}

static int load_lossvar(ex *x, hid_t g, const char *prefix, size_t rows, size_t nq, size_t ne,
                        lossvar *v)
{
    char n[7][NAME_LEN];
    static const char *const suffix[7] = {
        "mean", "sd", "se", "quantile", "quantile_ci_low", "quantile_ci_high", "es"};
    for (int k = 0; k < 7; k++)
        snprintf(n[k], sizeof n[k], "summary/%s_%s", prefix, suffix[k]);
    memset(v, 0, sizeof *v);
    v->mean = ex_read_f64(x, g, n[0], rows);
    v->sd = ex_read_f64(x, g, n[1], rows);
    v->se = ex_read_f64(x, g, n[2], rows);
    v->q = ex_read_f64(x, g, n[3], rows * nq);
    v->lo = ex_read_f64(x, g, n[4], rows * nq);
    v->hi = ex_read_f64(x, g, n[5], rows * nq);
    v->es = ex_read_f64(x, g, n[6], rows * ne);
    return x->r.status == MR_OK ? 0 : -1;
}

static void put_lossrow(csv *c, const lossvar *v, size_t j, size_t nq, size_t ne, const double *aal,
                        const double *aal_se)
{
    csv_gbp_m(c, v->mean[j]);
    csv_gbp_m(c, v->sd[j]);
    csv_gbp_m(c, v->se[j]);
    for (size_t k = 0; k < nq; k++)
        csv_gbp_m(c, v->q[j * nq + k]);
    for (size_t k = 0; k < nq; k++)
        csv_gbp_m(c, v->lo[j * nq + k]);
    for (size_t k = 0; k < nq; k++)
        csv_gbp_m(c, v->hi[j * nq + k]);
    for (size_t k = 0; k < ne; k++)
        csv_gbp_m(c, v->es[j * ne + k]);
    if (aal) {
        csv_gbp_m(c, *aal);
        csv_gbp_m(c, *aal_se);
    } else {
        csv_sep(c);
        csv_sep(c);
    }
    csv_row(c);
}

/* summary_loss.csv: one row per sector x component, then the total. The
   component gva_loss (value added lost, GL) is there when the file has it
   (format 1.3 on). */
static int export_summary_loss(ex *x, const ex_run *r, const char *dir)
{
    const size_t S = r->S;
    long long nq = ex_extent(x, r->g, "summary/quantile"),
              ne = ex_extent(x, r->g, "summary/es_level");
    if (nq < 0 || ne < 0)
        return -1;
    double *q = ex_read_f64(x, r->g, "summary/quantile", (size_t)nq);
    double *es = ex_read_f64(x, r->g, "summary/es_level", (size_t)ne);
    double *saal = ex_read_f64(x, r->g, "summary/sector_aal", S);
    double *saal_se = ex_read_f64(x, r->g, "summary/sector_aal_se", S);
    double *aal = ex_read_f64(x, r->g, "summary/aal", 1);
    double *aal_se = ex_read_f64(x, r->g, "summary/aal_se", 1);
    static const char *const all[4] = {"loss", "gva_loss", "output_loss", "extra_cost"};
    const char *comp[4];
    int nc = 0;
    for (int k = 0; k < 4; k++)
        if (k != 1 || ex_exists(r->g, "summary/sector_gva_loss_mean"))
            comp[nc++] = all[k];
    lossvar v[4], tot;
    memset(v, 0, sizeof v);
    memset(&tot, 0, sizeof tot);
    for (int k = 0; k < nc && x->r.status == MR_OK; k++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "sector_%s", comp[k]);
        load_lossvar(x, r->g, prefix, S, (size_t)nq, (size_t)ne, &v[k]);
    }
    if (x->r.status == MR_OK)
        load_lossvar(x, r->g, "total_loss", 1, (size_t)nq, (size_t)ne, &tot);
    csv c;
    if (x->r.status == MR_OK && csv_open(x, &c, dir, "summary_loss.csv") == 0) {
        csv_str(&c, "series");
        csv_str(&c, "component");
        csv_str(&c, "mean_gbp_m");
        csv_str(&c, "sd_gbp_m");
        csv_str(&c, "se_gbp_m");
        static const char *const qcol[3] = {"", "_ci_low", "_ci_high"};
        for (int b = 0; b < 3; b++)
            for (long long k = 0; k < nq; k++) {
                char l[40];
                ex_level_label(q[k], l, sizeof l);
                csv_head(&c, "q%s%s_gbp_m", l, qcol[b]);
            }
        for (long long k = 0; k < ne; k++) {
            char l[40];
            ex_level_label(es[k], l, sizeof l);
            csv_head(&c, "es%s_gbp_m", l);
        }
        csv_str(&c, "aal_gbp_m");
        csv_str(&c, "aal_se_gbp_m");
        csv_row(&c);
        for (size_t j = 0; j < S; j++)
            for (int k = 0; k < nc; k++) {
                csv_str(&c, r->sector[j]);
                csv_str(&c, comp[k]);
                put_lossrow(&c, &v[k], j, (size_t)nq, (size_t)ne, k == 0 ? &saal[j] : NULL,
                            k == 0 ? &saal_se[j] : NULL);
            }
        csv_str(&c, "total");
        csv_str(&c, "loss");
        put_lossrow(&c, &tot, 0, (size_t)nq, (size_t)ne, aal, aal_se);
        csv_close(&c);
    }
    for (int k = 0; k < nc; k++)
        free_lossvar(&v[k]);
    free_lossvar(&tot);
    free(q);
    free(es);
    free(saal);
    free(saal_se);
    free(aal);
    free(aal_se);
    return x->r.status == MR_OK ? 0 : -1;
}

/* return_periods.csv: the annual loss at each return period, total and per sector. */
static int export_return_periods(ex *x, const ex_run *r, const char *dir)
{
    long long nr = ex_extent(x, r->g, "summary/return_period");
    if (nr < 0)
        return -1;
    const size_t n = (size_t)nr, S = r->S;
    double *rp = ex_read_f64(x, r->g, "summary/return_period", n);
    double *tot = ex_read_f64(x, r->g, "summary/return_period_loss", n);
    double *sec = ex_read_f64(x, r->g, "summary/sector_return_period_loss", S * n);
    csv c;
    if (x->r.status == MR_OK && csv_open(x, &c, dir, "return_periods.csv") == 0) {
        csv_str(&c, "return_period_years");
        csv_str(&c, "total_loss_gbp_m");
        for (size_t j = 0; j < S; j++)
            csv_head(&c, "%s_loss_gbp_m", r->sector[j]);
        csv_row(&c);
        for (size_t k = 0; k < n; k++) {
            csv_f64(&c, rp[k]);
            csv_gbp_m(&c, tot[k]);
            for (size_t j = 0; j < S; j++)
                csv_gbp_m(&c, sec[j * n + k]);
            csv_row(&c);
        }
        csv_close(&c);
    }
    free(rp);
    free(tot);
    free(sec);
    return x->r.status == MR_OK ? 0 : -1;
}

/* histogram.csv: the histogram of the total loss. */
static int export_histogram(ex *x, const ex_run *r, const char *dir)
{
    long long nb = ex_extent(x, r->g, "summary/total_loss_hist_count");
    if (nb < 0)
        return -1;
    unsigned long long *count = ex_read_u64(x, r->g, "summary/total_loss_hist_count", (size_t)nb);
    double *edge = ex_read_f64(x, r->g, "summary/total_loss_hist_edges", (size_t)nb + 1);
    csv c;
    if (x->r.status == MR_OK && csv_open(x, &c, dir, "histogram.csv") == 0) {
        csv_str(&c, "bin");
        csv_str(&c, "lower_gbp_m");
        csv_str(&c, "upper_gbp_m");
        csv_str(&c, "trials");
        csv_row(&c);
        for (long long k = 0; k < nb; k++) {
            csv_i64(&c, k);
            csv_gbp_m(&c, edge[k]);
            csv_gbp_m(&c, edge[k + 1]);
            csv_u64(&c, count[k]);
            csv_row(&c);
        }
        csv_close(&c);
    }
    free(count);
    free(edge);
    return x->r.status == MR_OK ? 0 : -1;
}

/* minerals.csv: the per-mineral shortage figures. */
static int export_minerals(ex *x, const ex_run *r, const char *dir)
{
    const size_t M = r->M;
    static const char *const ds[5] = {
        "summary/mineral_shortage_prob", "summary/mineral_shortfall_mean_avg",
        "summary/mineral_shortfall_months_avg", "summary/mineral_stockpile_empty_prob",
        "summary/mineral_price_peak_avg"};
    static const char *const head[5] = {"shortage_prob_fraction", "shortfall_mean_avg_fraction",
                                        "shortfall_months_avg_months",
                                        "stockpile_empty_prob_fraction", "price_peak_avg_ratio"};
    double *v[5] = {NULL};
    char **name = mr_h5r_strings(&x->r, r->g, "mineral_name", M);
    char **unit = name ? mr_h5r_strings(&x->r, r->g, "mineral_unit", M) : NULL;
    for (int k = 0; k < 5 && x->r.status == MR_OK; k++)
        v[k] = ex_read_f64(x, r->g, ds[k], M);
    csv c;
    if (x->r.status == MR_OK && csv_open(x, &c, dir, "minerals.csv") == 0) {
        csv_str(&c, "mineral");
        csv_str(&c, "name");
        csv_str(&c, "unit");
        for (int k = 0; k < 5; k++)
            csv_str(&c, head[k]);
        csv_row(&c);
        for (size_t m = 0; m < M; m++) {
            csv_str(&c, r->mineral[m]);
            csv_str(&c, name[m]);
            csv_str(&c, unit[m]);
            for (int k = 0; k < 5; k++)
                csv_f64(&c, v[k][m]);
            csv_row(&c);
        }
        csv_close(&c);
    }
    mr_h5r_free_strings(name, M);
    mr_h5r_free_strings(unit, M);
    for (int k = 0; k < 5; k++)
        free(v[k]);
    return x->r.status == MR_OK ? 0 : -1;
}

/* sectors.csv: the per-sector inoperability figures. */
static int export_sectors(ex *x, const ex_run *r, const char *dir)
{
    const size_t S = r->S;
    char **name = mr_h5r_strings(&x->r, r->g, "sector_name", S);
    double *peak = name ? ex_read_f64(x, r->g, "summary/sector_inoperability_peak_avg", S) : NULL;
    double *months =
        peak ? ex_read_f64(x, r->g, "summary/sector_inoperability_months_avg", S) : NULL;
    csv c;
    if (x->r.status == MR_OK && csv_open(x, &c, dir, "sectors.csv") == 0) {
        csv_str(&c, "sector");
        csv_str(&c, "name");
        csv_str(&c, "inoperability_peak_avg_fraction");
        csv_str(&c, "inoperability_months_avg_months");
        csv_row(&c);
        for (size_t j = 0; j < S; j++) {
            csv_str(&c, r->sector[j]);
            csv_str(&c, name[j]);
            csv_f64(&c, peak[j]);
            csv_f64(&c, months[j]);
            csv_row(&c);
        }
        csv_close(&c);
    }
    mr_h5r_free_strings(name, S);
    free(peak);
    free(months);
    return x->r.status == MR_OK ? 0 : -1;
}

/* inoperability_bands.csv and price_bands.csv: the time bands, one row per
   step and sector (mineral). */
static int export_band(ex *x, const ex_run *r, const char *dir, const char *file, const char *ds,
                       const char *entity, char **ids, size_t E, const char *unit)
{
    long long T = ex_extent(x, r->g, "summary/step"), nb = ex_extent(x, r->g, "summary/band");
    /* T E nb checked before the reads: in a size_t it wrapped (2^32 steps,
       4 sectors, 2^30 bands: 0), and a band dataset of 0 values was read
       as the steps' bands, then indexed past its end */
    if (T < 0 || nb < 0 || ex_check_extent(x, r->g, ds, T, E, (size_t)nb) < 0)
        return -1;
    double mps = 0;
    if (mr_h5r_attr_num(&x->r, r->g, "summary/step", "months_per_step", H5T_NATIVE_DOUBLE, 1,
                        &mps) < 0)
        return -1;
    long long *step = ex_read_i64(x, r->g, "summary/step", (size_t)T);
    double *band = ex_read_f64(x, r->g, "summary/band", (size_t)nb);
    double *v = ex_read_f64(x, r->g, ds, (size_t)T * E * (size_t)nb);
    csv c;
    if (x->r.status == MR_OK && csv_open(x, &c, dir, file) == 0) {
        csv_str(&c, "step");
        csv_str(&c, "start_months");
        csv_str(&c, entity);
        for (long long k = 0; k < nb; k++) {
            char l[40];
            ex_level_label(band[k], l, sizeof l);
            csv_head(&c, "q%s_%s", l, unit);
        }
        csv_row(&c);
        for (long long t = 0; t < T; t++)
            for (size_t e = 0; e < E; e++) {
                csv_i64(&c, step[t]);
                csv_f64(&c, (double)step[t] * mps);
                csv_str(&c, ids[e]);
                for (long long k = 0; k < nb; k++)
                    csv_f64(&c, v[((size_t)t * E + e) * (size_t)nb + (size_t)k]);
                csv_row(&c);
            }
        csv_close(&c);
    }
    free(step);
    free(band);
    free(v);
    return x->r.status == MR_OK ? 0 : -1;
}

/* The columns of an indicator group: /indicators (the world's rows, per
   mineral and stage) or /indicators/uk (UK sourcing, per mineral; basis,
   source and capped only there). */
typedef struct {
    size_t n;
    char **min, **stage, **top, **basis, **source;
    double *hhi, *wgi, *share;
    unsigned long long *above, *assumed, *capped;
} ex_ind;

static void free_ex_ind(ex_ind *t)
{
    mr_h5r_free_strings(t->min, t->n);
    mr_h5r_free_strings(t->stage, t->n);
    mr_h5r_free_strings(t->top, t->n);
    mr_h5r_free_strings(t->basis, t->n);
    mr_h5r_free_strings(t->source, t->n);
    free(t->hhi);
    free(t->wgi);
    free(t->share);
    free(t->above);
    free(t->assumed);
    free(t->capped);
}

/* Group g's columns, rows along `dim`, mineral ids in `ids`; uk: also
   basis, source and capped. 0, or -1 (x's status says why). */
static int read_ex_ind(ex *x, hid_t loc, const char *g, const char *dim, const char *ids, bool uk,
                       ex_ind *t)
{
    char name[64];
#define IND_NAME(ds) (snprintf(name, sizeof name, "%s/%s", g, ds), name)
    long long n = ex_extent(x, loc, IND_NAME(dim));
    if (n < 0)
        return -1;
    t->n = (size_t)n;
    t->min = mr_h5r_strings(&x->r, loc, IND_NAME(ids), t->n);
    t->stage = t->min ? mr_h5r_strings(&x->r, loc, IND_NAME("stage"), t->n) : NULL;
    t->top = t->stage ? mr_h5r_strings(&x->r, loc, IND_NAME("top_country"), t->n) : NULL;
    t->hhi = t->top ? ex_read_f64(x, loc, IND_NAME("hhi"), t->n) : NULL;
    t->wgi = t->hhi ? ex_read_f64(x, loc, IND_NAME("hhi_wgi"), t->n) : NULL;
    t->share = t->wgi ? ex_read_f64(x, loc, IND_NAME("top_share"), t->n) : NULL;
    t->above = t->share ? ex_read_u64(x, loc, IND_NAME("above_cap"), t->n) : NULL;
    t->assumed = t->above ? ex_read_u64(x, loc, IND_NAME("wgi_assumed"), t->n) : NULL;
    if (uk) {
        t->basis = t->assumed ? mr_h5r_strings(&x->r, loc, IND_NAME("basis"), t->n) : NULL;
        t->source = t->basis ? mr_h5r_strings(&x->r, loc, IND_NAME("source"), t->n) : NULL;
        t->capped = t->source ? ex_read_u64(x, loc, IND_NAME("capped"), t->n) : NULL;
    }
#undef IND_NAME
    return x->r.status == MR_OK ? 0 : -1;
}

/* indicators_uk.csv: UK sourcing beside the world's product stage, one row
   per mineral (/indicators/uk, format 1.4 on; docs/MODEL.md §3u). */
static void write_uk_csv(ex *x, const char *dir, const ex_ind *w, const ex_ind *u, double cap)
{
    csv c;
    if (csv_open(x, &c, dir, "indicators_uk.csv") != 0)
        return;
    static const char *const head[] = {"mineral",
                                       "stage",
                                       "world_top_country",
                                       "world_top_share_fraction",
                                       "world_hhi_index",
                                       "world_above_cap",
                                       "uk_top_country",
                                       "uk_top_share_fraction",
                                       "uk_hhi_index",
                                       "uk_hhi_wgi_index",
                                       "uk_above_cap",
                                       "uk_wgi_assumed",
                                       "basis",
                                       "source",
                                       "capped",
                                       "cap_fraction"};
    for (size_t k = 0; k < sizeof head / sizeof *head; k++)
        csv_str(&c, head[k]);
    csv_row(&c);
    for (size_t k = 0; k < u->n; k++) {
        size_t at = w->n; /* the world's row of the same mineral and stage */
        for (size_t i = 0; i < w->n && at == w->n; i++)
            if (!strcmp(w->min[i], u->min[k]) && !strcmp(w->stage[i], u->stage[k]))
                at = i;
        csv_str(&c, u->min[k]);
        csv_str(&c, u->stage[k]);
        csv_str(&c, at < w->n ? w->top[at] : "");
        csv_f64(&c, at < w->n ? w->share[at] : NAN);
        csv_f64(&c, at < w->n ? w->hhi[at] : NAN);
        if (at < w->n)
            csv_u64(&c, w->above[at]);
        else
            csv_str(&c, "");
        csv_str(&c, u->top[k]);
        csv_f64(&c, u->share[k]);
        csv_f64(&c, u->hhi[k]);
        csv_f64(&c, u->wgi[k]);
        csv_u64(&c, u->above[k]);
        csv_u64(&c, u->assumed[k]);
        csv_str(&c, u->basis[k]);
        csv_str(&c, u->source[k]);
        csv_u64(&c, u->capped[k]);
        csv_f64(&c, cap);
        csv_row(&c);
    }
    csv_close(&c);
}

/* indicators.csv: the static indicators (MODEL §11), when the file has
   them, and indicators_uk.csv when it has /indicators/uk. */
static int export_indicators(ex *x, const ex_run *r, const char *dir)
{
    if (!ex_exists(r->g, "indicators"))
        return 0;
    double cap = 0;
    if (mr_h5r_attr_num(&x->r, r->g, "indicators", "cap", H5T_NATIVE_DOUBLE, 1, &cap) < 0)
        return -1;
    ex_ind w = {0}, u = {0};
    csv c;
    if (read_ex_ind(x, r->g, "indicators", "stage_row", "mineral_id", false, &w) == 0 &&
        csv_open(x, &c, dir, "indicators.csv") == 0) {
        static const char *const head[] = {"mineral",   "stage",         "top_country",
                                           "hhi_index", "hhi_wgi_index", "top_share_fraction",
                                           "above_cap", "wgi_assumed",   "cap_fraction"};
        for (size_t k = 0; k < sizeof head / sizeof *head; k++)
            csv_str(&c, head[k]);
        csv_row(&c);
        for (size_t k = 0; k < w.n; k++) {
            csv_str(&c, w.min[k]);
            csv_str(&c, w.stage[k]);
            csv_str(&c, w.top[k]);
            csv_f64(&c, w.hhi[k]);
            csv_f64(&c, w.wgi[k]);
            csv_f64(&c, w.share[k]);
            csv_u64(&c, w.above[k]);
            csv_u64(&c, w.assumed[k]);
            csv_f64(&c, cap);
            csv_row(&c);
        }
        csv_close(&c);
    }
    if (x->r.status == MR_OK && ex_exists(r->g, "indicators/uk") &&
        read_ex_ind(x, r->g, "indicators/uk", "mineral", "mineral", true, &u) == 0)
        write_uk_csv(x, dir, &w, &u, cap);
    free_ex_ind(&w);
    free_ex_ind(&u);
    return x->r.status == MR_OK ? 0 : -1;
}

/* ---- info.csv: the attributes ------------------------------------------- */

typedef struct {
    csv *c;
    const char *prefix;
} attr_walk;

/* One attribute as a key,value row: strings as they are, numbers with
   %.17g (integers exactly), arrays space-separated; NaN an empty value (as
   in the tables), "nan" as an element of an array. */
static herr_t put_attr(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    attr_walk *w = data;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t ft = a < 0 ? -1 : H5Aget_type(a);
    hid_t sp = a < 0 ? -1 : H5Aget_space(a);
    hssize_t n = sp < 0 ? -1 : H5Sget_simple_extent_npoints(sp);
    H5T_class_t cls = ft < 0 ? H5T_NO_CLASS : H5Tget_class(ft);
    char key[2 * NAME_LEN];
    snprintf(key, sizeof key, "%s%s", w->prefix, name);
    if (cls == H5T_STRING) {
        char *s = mr_h5r_attr_str(obj, ".", name);
        if (s) {
            csv_str(w->c, key);
            csv_str(w->c, s);
            csv_row(w->c);
        }
        free(s);
    } else if ((cls == H5T_INTEGER || cls == H5T_FLOAT) && n > 0 && n <= 64) {
        double f[64];
        long long i[64];
        unsigned long long u[64];
        bool is_signed = cls == H5T_INTEGER && H5Tget_sign(ft) == H5T_SGN_2;
        herr_t rc = cls == H5T_FLOAT ? H5Aread(a, H5T_NATIVE_DOUBLE, f)
                    : is_signed      ? H5Aread(a, H5T_NATIVE_LLONG, i)
                                     : H5Aread(a, H5T_NATIVE_ULLONG, u);
        if (rc >= 0) {
            char v[64 * 26] = "";
            size_t k = 0;
            for (hssize_t e = 0; e < n && k < sizeof v; e++) {
                const char *sep = e ? " " : "";
                if (cls == H5T_FLOAT && isnan(f[e]))
                    /* NaN: an empty value, or "nan" inside an array */
                    k += (size_t)snprintf(v + k, sizeof v - k, "%s%s", sep, n > 1 ? "nan" : "");
                else if (cls == H5T_FLOAT)
                    k += (size_t)snprintf(v + k, sizeof v - k, "%s%.17g", sep, f[e]);
                else if (is_signed)
                    k += (size_t)snprintf(v + k, sizeof v - k, "%s%lld", sep, i[e]);
                else
                    k += (size_t)snprintf(v + k, sizeof v - k, "%s%llu", sep, u[e]);
            }
            csv_str(w->c, key);
            csv_str(w->c, v);
            csv_row(w->c);
        }
    }
    if (sp >= 0)
        H5Sclose(sp);
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    return 0;
}

static void put_attrs(hid_t obj, csv *c, const char *prefix)
{
    attr_walk w = {c, prefix};
    hsize_t idx = 0;
    if (H5Aiterate2(obj, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, put_attr, &w) < 0) {
        idx = 0; /* creation order not tracked: by name */
        H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, put_attr, &w);
    }
}

/* info.csv: the run's attributes and the file's /run_info. */
static int export_info(ex *x, const ex_run *r, const char *dir)
{
    csv c;
    if (csv_open(x, &c, dir, "info.csv") < 0)
        return -1;
    csv_str(&c, "key");
    csv_str(&c, "value");
    csv_row(&c);
    put_attrs(r->g, &c, "");
    /* a comparison's or sweep's run: which (with --run its tables are
       straight in DIR, and a sweep's variants share scenario_name) */
    char gname[2 * NAME_LEN];
    const ssize_t glen = H5Iget_name(r->g, gname, sizeof gname);
    if (glen > 1 && (size_t)glen < sizeof gname) {
        csv_str(&c, "group");
        csv_str(&c, gname);
        csv_row(&c);
    }
    if (ex_exists(x->r.file, "run_info")) {
        hid_t ri = H5Gopen2(x->r.file, "run_info", H5P_DEFAULT);
        if (ri >= 0) {
            put_attrs(ri, &c, "run_info.");
            /* the verification number as `minrisk run` prints it (16 hex
               digits; the row above is the u64 in decimal) */
            unsigned long long v;
            if (mr_h5r_attr_get(ri, ".", "verification", H5T_NATIVE_ULLONG, 1, &v) == 0) {
                char hex[24];
                snprintf(hex, sizeof hex, "%016llx", v);
                csv_str(&c, "run_info.verification_hex");
                csv_str(&c, hex);
                csv_row(&c);
            }
            H5Gclose(ri);
        }
    }
    return csv_close(&c);
}

/* ---- one run ------------------------------------------------------------------ */

/* The summary tables of run r into dir, in the order of docs/EXPORT.md;
   stops at the first failure. */
int ex_summary_tables(ex *x, const ex_run *r, const char *dir)
{
    if (export_info(x, r, dir) < 0 || export_summary_loss(x, r, dir) < 0 ||
        export_return_periods(x, r, dir) < 0 || export_histogram(x, r, dir) < 0 ||
        export_minerals(x, r, dir) < 0 || export_sectors(x, r, dir) < 0 ||
        export_band(x, r, dir, "inoperability_bands.csv", "summary/inoperability_band", "sector",
                    r->sector, r->S, "fraction") < 0 ||
        export_band(x, r, dir, "price_bands.csv", "summary/price_ratio_band", "mineral", r->mineral,
                    r->M, "ratio") < 0 ||
        export_indicators(x, r, dir) < 0)
        return -1;
    return 0;
}

int ex_exceedance_table(ex *x, const ex_run *r, const char *dir)
{
    if (!ex_exists(r->g, "loss_tables/aep"))
        return 0;
    long long K = ex_extent(x, r->g, "loss_tables/series"),
              R = ex_extent(x, r->g, "loss_tables/return_period");
    if (K < 0 || R < 0)
        return -1;
    static const char *const name[6] = {"aep", "aep_lo", "aep_hi", "oep", "oep_lo", "oep_hi"};
    const size_t n = (size_t)K * (size_t)R;
    double *v[6] = {NULL};
    char ds[64];
    /* K x R checked, not formed, before the reads: 2^24 series and 2^40
       return periods wrapped to 0 in a size_t, tables of 0 values matched,
       and the read of the periods ended "out of memory" (exit 1); nothing
       more is read once one is refused */
    for (int k = 0; k < 6 && x->r.status == MR_OK; k++) {
        snprintf(ds, sizeof ds, "loss_tables/%s", name[k]);
        if (ex_check_extent(x, r->g, ds, K, (size_t)R, 1) == 0)
            v[k] = ex_read_f64(x, r->g, ds, n);
    }
    double *rp =
        x->r.status == MR_OK ? ex_read_f64(x, r->g, "loss_tables/return_period", (size_t)R) : NULL;
    char **series =
        x->r.status == MR_OK ? mr_h5r_strings(&x->r, r->g, "loss_tables/series", (size_t)K) : NULL;
    csv c;
    if (x->r.status == MR_OK && csv_open(x, &c, dir, "exceedance.csv") == 0) {
        csv_str(&c, "series");
        csv_str(&c, "return_period_years");
        for (int k = 0; k < 6; k++)
            csv_head(&c, "%s_gbp_m", name[k]);
        csv_row(&c);
        for (long long s = 0; s < K; s++)
            for (long long p = 0; p < R; p++) {
                csv_str(&c, series[s]);
                csv_f64(&c, rp[p]);
                for (int k = 0; k < 6; k++)
                    csv_gbp_m(&c, v[k][(size_t)s * (size_t)R + (size_t)p]);
                csv_row(&c);
            }
        csv_close(&c);
    }
    for (int k = 0; k < 6; k++)
        free(v[k]);
    free(rp);
    mr_h5r_free_strings(series, series ? (size_t)K : 0);
    return x->r.status == MR_OK ? 0 : -1;
}
