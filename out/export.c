/* export.c - a result file's tables as CSV (`minrisk export`; docs/EXPORT.md).
 *
 * The file is read with the HDF5 C API, dataset by dataset, and each table
 * is written as one CSV: a header row of column names that carry their unit
 * (_gbp, _fraction, _ratio, _months, _years), then one row per record.
 * Numbers are printed with %.17g, which reads back to the same double; NaN
 * (a statistic that needs more trials, a stockpile that never ran empty, a
 * mineral without a stockpile) is an empty cell. Strings are quoted as RFC
 * 4180 says (only when they hold a comma, a quote, a line break or
 * surrounding spaces). Lines end with LF.
 *
 * The known tables of a run (docs/OUTPUT.md) get hand-made columns. The
 * study tables that other commands add (/attribution, /events, a
 * comparison's /difference, a sweep's /sweep) are exported by one generic
 * rule: one row per element of the leading dimension, one column per
 * dataset (per coordinate value of the other dimensions), the unit from
 * the `units` attribute.
 *
 * Every CSV is written as DIR/.NAME.tmp and renamed to DIR/NAME when
 * complete; a signal handler can remove the temporary file
 * (mr_export_remove_partial).
 */
#define _POSIX_C_SOURCE 200809L

#include "export.h"

#include "h5read.h"
#include "output.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define PATH_MAX_LEN 4096
#define NAME_LEN 512       /* longest object name read (a longer one is an error) */
#define ROWS_PER_READ 8192 /* trials read at once from a /trials table */

/* snprintf whose truncation is accepted (labels and names are cut at the
   buffer's size). */
static void fmt(char *buf, size_t n, const char *f, ...) PRINTF_LIKE(3, 4);
static void fmt(char *buf, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, n, f, ap);
    va_end(ap);
}

/* ---- the temporary file, for a signal handler --------------------------- */

static char partial_path[PATH_MAX_LEN];
static volatile sig_atomic_t partial_active;

void mr_export_remove_partial(void)
{
    if (partial_active)
        unlink(partial_path);
}

/* ---- state and errors ----------------------------------------------------- */

/* The statuses of the export are those of the reader. */
_Static_assert((int)MR_EXPORT_OK == (int)MR_H5R_OK &&
                   (int)MR_EXPORT_BAD_INPUT == (int)MR_H5R_BAD_INPUT &&
                   (int)MR_EXPORT_FAILED == (int)MR_H5R_FAILED,
               "export statuses");

typedef struct {
    mr_h5r r; /* the result file; r.status is MR_EXPORT_OK until the first failure */
    size_t nfiles;
    /* what this export made, undone when it fails: files, then directories */
    char **made;
    bool *made_dir;
    size_t nmade, capmade;
} ex;

/* Remember a file or directory this export made (best effort: out of
   memory only means it is not removed on failure). */
static void made(ex *x, const char *path, bool dir)
{
    if (x->nmade == x->capmade) {
        size_t cap = x->capmade ? 2 * x->capmade : 16;
        char **m = realloc(x->made, cap * sizeof *m);
        if (m)
            x->made = m;
        bool *d = m ? realloc(x->made_dir, cap * sizeof *d) : NULL;
        if (d)
            x->made_dir = d;
        if (!m || !d)
            return;
        x->capmade = cap;
    }
    char *c = malloc(strlen(path) + 1);
    if (c) {
        strcpy(c, path);
        x->made[x->nmade] = c;
        x->made_dir[x->nmade++] = dir;
    }
}

/* After a failure: remove what was made, newest first. */
static void undo(ex *x)
{
    for (size_t k = x->nmade; k-- > 0;) {
        if (x->made_dir[k])
            rmdir(x->made[k]);
        else
            unlink(x->made[k]);
    }
}

static int fail(ex *x, int status, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* A failure of the export's own (the message as given, naming what it is
   about), unless one was recorded already. */
static int fail(ex *x, int status, const char *fmt, ...)
{
    if (x->r.status == MR_EXPORT_OK) {
        x->r.status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(x->r.err->msg, sizeof x->r.err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* "damaged or incomplete minrisk file: cannot read /path/of/g/name" */
static int damaged(ex *x, hid_t g, const char *name)
{
    return mr_h5r_damaged(&x->r, g, name);
}

/* ---- CSV ------------------------------------------------------------------ */

typedef struct {
    ex *x;
    FILE *f;
    char tmp[PATH_MAX_LEN], path[PATH_MAX_LEN];
    bool first; /* no cell yet in this row */
} csv;

static int csv_open(ex *x, csv *c, const char *dir, const char *name)
{
    memset(c, 0, sizeof *c);
    c->x = x;
    int a = snprintf(c->path, sizeof c->path, "%s/%s", dir, name);
    int b = snprintf(c->tmp, sizeof c->tmp, "%s/.%s.tmp", dir, name);
    if (a < 0 || b < 0 || (size_t)a >= sizeof c->path || (size_t)b >= sizeof c->tmp)
        return fail(x, MR_EXPORT_BAD_INPUT, "%s/%s: path too long", dir, name);
    memcpy(partial_path, c->tmp, sizeof partial_path);
    partial_active = 1;
    c->f = fopen(c->tmp, "w");
    if (!c->f) {
        partial_active = 0;
        return fail(x, MR_EXPORT_FAILED, "%s: cannot write: %s", c->tmp, strerror(errno));
    }
    c->first = true;
    return 0;
}

static void csv_sep(csv *c)
{
    if (!c->first)
        fputc(',', c->f);
    c->first = false;
}

/* RFC 4180: a field with a comma, a quote or a line break is quoted, its
   quotes doubled; so is one with surrounding spaces (kept by readers). */
static void csv_str(csv *c, const char *s)
{
    csv_sep(c);
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL || (n && (s[0] == ' ' || s[n - 1] == ' '));
    if (!quote) {
        fputs(s, c->f);
        return;
    }
    fputc('"', c->f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', c->f);
        fputc(*s, c->f);
    }
    fputc('"', c->f);
}

/* %.17g reads back to the same double; NaN is an empty cell. */
static void csv_f64(csv *c, double v)
{
    csv_sep(c);
    if (!isnan(v))
        fprintf(c->f, "%.17g", v);
}

static void csv_u64(csv *c, unsigned long long v)
{
    csv_sep(c);
    fprintf(c->f, "%llu", v);
}

static void csv_i64(csv *c, long long v)
{
    csv_sep(c);
    fprintf(c->f, "%lld", v);
}

static void csv_row(csv *c)
{
    fputc('\n', c->f);
    c->first = true;
}

/* Header cells from a printf format each. */
static void csv_head(csv *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void csv_head(csv *c, const char *fmt, ...)
{
    char h[3 * NAME_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h, sizeof h, fmt, ap);
    va_end(ap);
    csv_str(c, h);
}

/* Complete the file and give it its name; on any failure remove it. */
static int csv_close(csv *c)
{
    ex *x = c->x;
    if (!c->f)
        return -1;
    int bad = 0, e = 0;
    if (ferror(c->f) || fflush(c->f) != 0) {
        bad = 1;
        e = errno;
    }
    if (fclose(c->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    c->f = NULL;
    if (!bad && x->r.status != MR_EXPORT_OK)
        bad = 2; /* a read failed part way: the table is incomplete */
    if (!bad && rename(c->tmp, c->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        unlink(c->tmp);
        partial_active = 0;
        if (bad == 1)
            fail(x, MR_EXPORT_FAILED, "%s: cannot write: %s", c->path, strerror(e ? e : EIO));
        return -1;
    }
    partial_active = 0;
    x->nfiles++;
    made(x, c->path, false);
    return 0;
}

/* ---- reading ------------------------------------------------------------- */

static bool exists(hid_t g, const char *name)
{
    return H5Lexists(g, name, H5P_DEFAULT) > 0;
}

/* Number of elements of a dataset, or -1. */
static long long extent(ex *x, hid_t g, const char *name)
{
    return mr_h5r_extent(&x->r, g, name);
}

/* Exactly n values of a dataset, converted to mem_type; malloc'ed. */
static double *read_f64(ex *x, hid_t g, const char *name, size_t n)
{
    return mr_h5r_read_new(&x->r, g, name, H5T_NATIVE_DOUBLE, sizeof(double), n);
}

static unsigned long long *read_u64(ex *x, hid_t g, const char *name, size_t n)
{
    return mr_h5r_read_new(&x->r, g, name, H5T_NATIVE_ULLONG, sizeof(unsigned long long), n);
}

static long long *read_i64(ex *x, hid_t g, const char *name, size_t n)
{
    return mr_h5r_read_new(&x->r, g, name, H5T_NATIVE_LLONG, sizeof(long long), n);
}

/* Rows r0 .. r0 + nr - 1 of a dataset of rank 1 or 2 (ncols columns) into
   buf. */
static int read_rows(ex *x, hid_t g, const char *name, hsize_t r0, hsize_t nr, hsize_t ncols,
                     hid_t mem_type, void *buf)
{
    return mr_h5r_rows(g, name, mem_type, r0, nr, ncols, buf) < 0 ? damaged(x, g, name) : 0;
}

/* A probability level as a column label: 0.5 -> "50", 0.995 -> "995",
   0.05 -> "05". */
static void level_label(double p, char *buf, size_t n)
{
    char t[40];
    snprintf(t, sizeof t, "%.10g", p * 100.0);
    size_t k = 0;
    for (const char *s = t; *s && k + 1 < sizeof t; s++)
        if (*s != '.')
            t[k++] = *s;
    t[k] = '\0';
    fmt(buf, n, "%s%s", k == 1 ? "0" : "", t);
}

/* ---- one run: the known tables --------------------------------------------- */

typedef struct {
    hid_t g; /* the run's group (the file root for a plain run) */
    size_t S, M;
    char **sector, **mineral;
} run;

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
    v->mean = read_f64(x, g, n[0], rows);
    v->sd = read_f64(x, g, n[1], rows);
    v->se = read_f64(x, g, n[2], rows);
    v->q = read_f64(x, g, n[3], rows * nq);
    v->lo = read_f64(x, g, n[4], rows * nq);
    v->hi = read_f64(x, g, n[5], rows * nq);
    v->es = read_f64(x, g, n[6], rows * ne);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

static void put_lossrow(csv *c, const lossvar *v, size_t j, size_t nq, size_t ne, const double *aal,
                        const double *aal_se)
{
    csv_f64(c, v->mean[j]);
    csv_f64(c, v->sd[j]);
    csv_f64(c, v->se[j]);
    for (size_t k = 0; k < nq; k++)
        csv_f64(c, v->q[j * nq + k]);
    for (size_t k = 0; k < nq; k++)
        csv_f64(c, v->lo[j * nq + k]);
    for (size_t k = 0; k < nq; k++)
        csv_f64(c, v->hi[j * nq + k]);
    for (size_t k = 0; k < ne; k++)
        csv_f64(c, v->es[j * ne + k]);
    if (aal) {
        csv_f64(c, *aal);
        csv_f64(c, *aal_se);
    } else {
        csv_sep(c);
        csv_sep(c);
    }
    csv_row(c);
}

/* summary_loss.csv: one row per sector x component, then the total. */
static int export_summary_loss(ex *x, const run *r, const char *dir)
{
    const size_t S = r->S;
    long long nq = extent(x, r->g, "summary/quantile"), ne = extent(x, r->g, "summary/es_level");
    if (nq < 0 || ne < 0)
        return -1;
    double *q = read_f64(x, r->g, "summary/quantile", (size_t)nq);
    double *es = read_f64(x, r->g, "summary/es_level", (size_t)ne);
    double *saal = read_f64(x, r->g, "summary/sector_aal", S);
    double *saal_se = read_f64(x, r->g, "summary/sector_aal_se", S);
    double *aal = read_f64(x, r->g, "summary/aal", 1);
    double *aal_se = read_f64(x, r->g, "summary/aal_se", 1);
    static const char *const comp[3] = {"loss", "output_loss", "extra_cost"};
    lossvar v[3], tot;
    memset(v, 0, sizeof v);
    memset(&tot, 0, sizeof tot);
    for (int k = 0; k < 3 && x->r.status == MR_EXPORT_OK; k++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "sector_%s", comp[k]);
        load_lossvar(x, r->g, prefix, S, (size_t)nq, (size_t)ne, &v[k]);
    }
    if (x->r.status == MR_EXPORT_OK)
        load_lossvar(x, r->g, "total_loss", 1, (size_t)nq, (size_t)ne, &tot);
    csv c;
    if (x->r.status == MR_EXPORT_OK && csv_open(x, &c, dir, "summary_loss.csv") == 0) {
        csv_str(&c, "series");
        csv_str(&c, "component");
        csv_str(&c, "mean_gbp");
        csv_str(&c, "sd_gbp");
        csv_str(&c, "se_gbp");
        static const char *const qcol[3] = {"", "_ci_low", "_ci_high"};
        for (int b = 0; b < 3; b++)
            for (long long k = 0; k < nq; k++) {
                char l[40];
                level_label(q[k], l, sizeof l);
                csv_head(&c, "q%s%s_gbp", l, qcol[b]);
            }
        for (long long k = 0; k < ne; k++) {
            char l[40];
            level_label(es[k], l, sizeof l);
            csv_head(&c, "es%s_gbp", l);
        }
        csv_str(&c, "aal_gbp");
        csv_str(&c, "aal_se_gbp");
        csv_row(&c);
        for (size_t j = 0; j < S; j++)
            for (int k = 0; k < 3; k++) {
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
    for (int k = 0; k < 3; k++)
        free_lossvar(&v[k]);
    free_lossvar(&tot);
    free(q);
    free(es);
    free(saal);
    free(saal_se);
    free(aal);
    free(aal_se);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* return_periods.csv: the annual loss at each return period, total and per sector. */
static int export_return_periods(ex *x, const run *r, const char *dir)
{
    long long nr = extent(x, r->g, "summary/return_period");
    if (nr < 0)
        return -1;
    const size_t n = (size_t)nr, S = r->S;
    double *rp = read_f64(x, r->g, "summary/return_period", n);
    double *tot = read_f64(x, r->g, "summary/return_period_loss", n);
    double *sec = read_f64(x, r->g, "summary/sector_return_period_loss", S * n);
    csv c;
    if (x->r.status == MR_EXPORT_OK && csv_open(x, &c, dir, "return_periods.csv") == 0) {
        csv_str(&c, "return_period_years");
        csv_str(&c, "total_loss_gbp");
        for (size_t j = 0; j < S; j++)
            csv_head(&c, "%s_loss_gbp", r->sector[j]);
        csv_row(&c);
        for (size_t k = 0; k < n; k++) {
            csv_f64(&c, rp[k]);
            csv_f64(&c, tot[k]);
            for (size_t j = 0; j < S; j++)
                csv_f64(&c, sec[j * n + k]);
            csv_row(&c);
        }
        csv_close(&c);
    }
    free(rp);
    free(tot);
    free(sec);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* histogram.csv: the histogram of the total loss. */
static int export_histogram(ex *x, const run *r, const char *dir)
{
    long long nb = extent(x, r->g, "summary/total_loss_hist_count");
    if (nb < 0)
        return -1;
    unsigned long long *count = read_u64(x, r->g, "summary/total_loss_hist_count", (size_t)nb);
    double *edge = read_f64(x, r->g, "summary/total_loss_hist_edges", (size_t)nb + 1);
    csv c;
    if (x->r.status == MR_EXPORT_OK && csv_open(x, &c, dir, "histogram.csv") == 0) {
        csv_str(&c, "bin");
        csv_str(&c, "lower_gbp");
        csv_str(&c, "upper_gbp");
        csv_str(&c, "trials");
        csv_row(&c);
        for (long long k = 0; k < nb; k++) {
            csv_i64(&c, k);
            csv_f64(&c, edge[k]);
            csv_f64(&c, edge[k + 1]);
            csv_u64(&c, count[k]);
            csv_row(&c);
        }
        csv_close(&c);
    }
    free(count);
    free(edge);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* minerals.csv: the per-mineral shortage figures. */
static int export_minerals(ex *x, const run *r, const char *dir)
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
    for (int k = 0; k < 5 && x->r.status == MR_EXPORT_OK; k++)
        v[k] = read_f64(x, r->g, ds[k], M);
    csv c;
    if (x->r.status == MR_EXPORT_OK && csv_open(x, &c, dir, "minerals.csv") == 0) {
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
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* sectors.csv: the per-sector inoperability figures. */
static int export_sectors(ex *x, const run *r, const char *dir)
{
    const size_t S = r->S;
    char **name = mr_h5r_strings(&x->r, r->g, "sector_name", S);
    double *peak = name ? read_f64(x, r->g, "summary/sector_inoperability_peak_avg", S) : NULL;
    double *months = peak ? read_f64(x, r->g, "summary/sector_inoperability_months_avg", S) : NULL;
    csv c;
    if (x->r.status == MR_EXPORT_OK && csv_open(x, &c, dir, "sectors.csv") == 0) {
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
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* inoperability_bands.csv and price_bands.csv: the time bands, one row per
   step and sector (mineral). */
static int export_band(ex *x, const run *r, const char *dir, const char *file, const char *ds,
                       const char *entity, char **ids, size_t E, const char *unit)
{
    long long T = extent(x, r->g, "summary/step"), nb = extent(x, r->g, "summary/band");
    if (T < 0 || nb < 0)
        return -1;
    double mps = 0;
    if (mr_h5r_attr_num(&x->r, r->g, "summary/step", "months_per_step", H5T_NATIVE_DOUBLE, 1,
                        &mps) < 0)
        return -1;
    long long *step = read_i64(x, r->g, "summary/step", (size_t)T);
    double *band = read_f64(x, r->g, "summary/band", (size_t)nb);
    double *v = read_f64(x, r->g, ds, (size_t)T * E * (size_t)nb);
    csv c;
    if (x->r.status == MR_EXPORT_OK && csv_open(x, &c, dir, file) == 0) {
        csv_str(&c, "step");
        csv_str(&c, "start_months");
        csv_str(&c, entity);
        for (long long k = 0; k < nb; k++) {
            char l[40];
            level_label(band[k], l, sizeof l);
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
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* indicators.csv: the static indicators (MODEL §11), when the file has them. */
static int export_indicators(ex *x, const run *r, const char *dir)
{
    if (!exists(r->g, "indicators"))
        return 0;
    long long R = extent(x, r->g, "indicators/stage_row");
    if (R < 0)
        return -1;
    const size_t n = (size_t)R;
    double cap = 0;
    if (mr_h5r_attr_num(&x->r, r->g, "indicators", "cap", H5T_NATIVE_DOUBLE, 1, &cap) < 0)
        return -1;
    char **min = mr_h5r_strings(&x->r, r->g, "indicators/mineral_id", n);
    char **stage = min ? mr_h5r_strings(&x->r, r->g, "indicators/stage", n) : NULL;
    char **top = stage ? mr_h5r_strings(&x->r, r->g, "indicators/top_country", n) : NULL;
    double *hhi = top ? read_f64(x, r->g, "indicators/hhi", n) : NULL;
    double *wgi = hhi ? read_f64(x, r->g, "indicators/hhi_wgi", n) : NULL;
    double *share = wgi ? read_f64(x, r->g, "indicators/top_share", n) : NULL;
    unsigned long long *above = share ? read_u64(x, r->g, "indicators/above_cap", n) : NULL;
    unsigned long long *assumed = above ? read_u64(x, r->g, "indicators/wgi_assumed", n) : NULL;
    csv c;
    if (x->r.status == MR_EXPORT_OK && csv_open(x, &c, dir, "indicators.csv") == 0) {
        static const char *const head[] = {"mineral",   "stage",         "top_country",
                                           "hhi_index", "hhi_wgi_index", "top_share_fraction",
                                           "above_cap", "wgi_assumed",   "cap_fraction"};
        for (size_t k = 0; k < sizeof head / sizeof *head; k++)
            csv_str(&c, head[k]);
        csv_row(&c);
        for (size_t k = 0; k < n; k++) {
            csv_str(&c, min[k]);
            csv_str(&c, stage[k]);
            csv_str(&c, top[k]);
            csv_f64(&c, hhi[k]);
            csv_f64(&c, wgi[k]);
            csv_f64(&c, share[k]);
            csv_u64(&c, above[k]);
            csv_u64(&c, assumed[k]);
            csv_f64(&c, cap);
            csv_row(&c);
        }
        csv_close(&c);
    }
    mr_h5r_free_strings(min, n);
    mr_h5r_free_strings(stage, n);
    mr_h5r_free_strings(top, n);
    free(hhi);
    free(wgi);
    free(share);
    free(above);
    free(assumed);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
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
static int export_info(ex *x, const run *r, const char *dir)
{
    csv c;
    if (csv_open(x, &c, dir, "info.csv") < 0)
        return -1;
    csv_str(&c, "key");
    csv_str(&c, "value");
    csv_row(&c);
    put_attrs(r->g, &c, "");
    if (exists(x->r.file, "run_info")) {
        hid_t ri = H5Gopen2(x->r.file, "run_info", H5P_DEFAULT);
        if (ri >= 0) {
            put_attrs(ri, &c, "run_info.");
            H5Gclose(ri);
        }
    }
    return csv_close(&c);
}

/* ---- one run: the per-trial tables ---------------------------------------- */

/* trials.csv: one row per trial, the totals and the per-sector tables. */
static int export_trials(ex *x, const run *r, const char *dir)
{
    static const char *const ds[4] = {"trials/sector_output_loss", "trials/sector_extra_cost",
                                      "trials/sector_inoperability_peak",
                                      "trials/sector_inoperability_months"};
    static const char *const head[4] = {"output_loss_gbp", "extra_cost_gbp",
                                        "inoperability_peak_fraction", "inoperability_months"};
    const size_t S = r->S;
    long long N = extent(x, r->g, "trials/total_loss");
    if (N < 0 || extent(x, r->g, "trials/trial") != N)
        return damaged(x, r->g, "trials/trial");
    bool have[4];
    for (int k = 0; k < 4; k++) {
        have[k] = exists(r->g, ds[k]);
        if (have[k] && extent(x, r->g, ds[k]) != N * (long long)S)
            return damaged(x, r->g, ds[k]);
    }
    const size_t B = ROWS_PER_READ;
    unsigned long long *trial = malloc(B * sizeof *trial);
    double *tot = malloc(B * sizeof *tot);
    double *v[4] = {NULL};
    bool ok = trial && tot;
    for (int k = 0; k < 4; k++)
        if (have[k])
            ok &= (v[k] = malloc(B * (S ? S : 1) * sizeof(double))) != NULL;
    csv c;
    if (!ok)
        mr_h5r_nomem(&x->r);
    else if (csv_open(x, &c, dir, "trials.csv") == 0) {
        csv_str(&c, "trial");
        csv_str(&c, "total_loss_gbp");
        for (int k = 0; k < 4; k++)
            for (size_t j = 0; have[k] && j < S; j++)
                csv_head(&c, "%s_%s", r->sector[j], head[k]);
        csv_row(&c);
        for (long long r0 = 0; r0 < N && x->r.status == MR_EXPORT_OK; r0 += (long long)B) {
            hsize_t nr = (hsize_t)(N - r0 < (long long)B ? N - r0 : (long long)B);
            if (read_rows(x, r->g, "trials/trial", (hsize_t)r0, nr, 1, H5T_NATIVE_ULLONG, trial) ||
                read_rows(x, r->g, "trials/total_loss", (hsize_t)r0, nr, 1, H5T_NATIVE_DOUBLE, tot))
                break;
            for (int k = 0; k < 4; k++)
                if (have[k] &&
                    read_rows(x, r->g, ds[k], (hsize_t)r0, nr, S, H5T_NATIVE_DOUBLE, v[k]))
                    break;
            if (x->r.status != MR_EXPORT_OK)
                break;
            for (hsize_t i = 0; i < nr; i++) {
                csv_u64(&c, trial[i]);
                csv_f64(&c, tot[i]);
                for (int k = 0; k < 4; k++)
                    for (size_t j = 0; have[k] && j < S; j++)
                        csv_f64(&c, v[k][i * S + j]);
                csv_row(&c);
            }
        }
        csv_close(&c);
    }
    free(trial);
    free(tot);
    for (int k = 0; k < 4; k++)
        free(v[k]);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* annual_loss.csv: one row per trial and year. */
static int export_annual(ex *x, const run *r, const char *dir)
{
    long long N = extent(x, r->g, "trials/trial"), H = extent(x, r->g, "trials/year");
    if (N < 0 || H < 0)
        return -1;
    if (extent(x, r->g, "trials/annual_loss") != N * H)
        return damaged(x, r->g, "trials/annual_loss");
    const size_t B = ROWS_PER_READ;
    long long *year = read_i64(x, r->g, "trials/year", (size_t)H);
    unsigned long long *trial = malloc(B * sizeof *trial);
    double *v = malloc(B * (size_t)(H ? H : 1) * sizeof *v);
    csv c;
    if (year && (!trial || !v))
        mr_h5r_nomem(&x->r);
    if (x->r.status == MR_EXPORT_OK && csv_open(x, &c, dir, "annual_loss.csv") == 0) {
        csv_str(&c, "trial");
        csv_str(&c, "year");
        csv_str(&c, "loss_gbp");
        csv_row(&c);
        for (long long r0 = 0; r0 < N && x->r.status == MR_EXPORT_OK; r0 += (long long)B) {
            hsize_t nr = (hsize_t)(N - r0 < (long long)B ? N - r0 : (long long)B);
            if (read_rows(x, r->g, "trials/trial", (hsize_t)r0, nr, 1, H5T_NATIVE_ULLONG, trial) ||
                read_rows(x, r->g, "trials/annual_loss", (hsize_t)r0, nr, (hsize_t)H,
                          H5T_NATIVE_DOUBLE, v))
                break;
            for (hsize_t i = 0; i < nr; i++)
                for (long long y = 0; y < H; y++) {
                    csv_u64(&c, trial[i]);
                    csv_i64(&c, year[y]);
                    csv_f64(&c, v[i * (hsize_t)H + (hsize_t)y]);
                    csv_row(&c);
                }
        }
        csv_close(&c);
    }
    free(year);
    free(trial);
    free(v);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* mineral_trials.csv: one row per trial and mineral (output.trials: all). */
static int export_mineral_trials(ex *x, const run *r, const char *dir)
{
    static const char *const ds[5] = {
        "trials/mineral_shortfall_mean", "trials/mineral_shortfall_peak",
        "trials/mineral_shortfall_months", "trials/mineral_price_peak",
        "trials/mineral_stockpile_empty_month"};
    static const char *const head[5] = {"shortfall_mean_fraction", "shortfall_peak_fraction",
                                        "shortfall_months", "price_peak_ratio",
                                        "stockpile_empty_at_months"};
    for (int k = 0; k < 5; k++)
        if (!exists(r->g, ds[k]))
            return 0;
    const size_t M = r->M;
    long long N = extent(x, r->g, "trials/trial");
    if (N < 0)
        return -1;
    for (int k = 0; k < 5; k++)
        if (extent(x, r->g, ds[k]) != N * (long long)M)
            return damaged(x, r->g, ds[k]);
    const size_t B = ROWS_PER_READ;
    unsigned long long *trial = malloc(B * sizeof *trial);
    double *v[5] = {NULL};
    bool ok = trial != NULL;
    for (int k = 0; k < 5; k++)
        ok &= (v[k] = malloc(B * (M ? M : 1) * sizeof(double))) != NULL;
    csv c;
    if (!ok)
        mr_h5r_nomem(&x->r);
    else if (csv_open(x, &c, dir, "mineral_trials.csv") == 0) {
        csv_str(&c, "trial");
        csv_str(&c, "mineral");
        for (int k = 0; k < 5; k++)
            csv_str(&c, head[k]);
        csv_row(&c);
        for (long long r0 = 0; r0 < N && x->r.status == MR_EXPORT_OK; r0 += (long long)B) {
            hsize_t nr = (hsize_t)(N - r0 < (long long)B ? N - r0 : (long long)B);
            if (read_rows(x, r->g, "trials/trial", (hsize_t)r0, nr, 1, H5T_NATIVE_ULLONG, trial))
                break;
            for (int k = 0; k < 5; k++)
                if (read_rows(x, r->g, ds[k], (hsize_t)r0, nr, M, H5T_NATIVE_DOUBLE, v[k]))
                    break;
            if (x->r.status != MR_EXPORT_OK)
                break;
            for (hsize_t i = 0; i < nr; i++)
                for (size_t m = 0; m < M; m++) {
                    csv_u64(&c, trial[i]);
                    csv_str(&c, r->mineral[m]);
                    for (int k = 0; k < 5; k++)
                        csv_f64(&c, v[k][i * M + m]);
                    csv_row(&c);
                }
        }
        csv_close(&c);
    }
    free(trial);
    for (int k = 0; k < 5; k++)
        free(v[k]);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* ---- the generic rule, for the study tables ----------------------------- */

typedef enum { V_F64, V_I64, V_U64, V_STR } vkind;

typedef struct {
    char name[NAME_LEN];
    int rank; /* 0..3 */
    hsize_t dims[3];
    char dim[3][NAME_LEN]; /* dimension names: the attached scales ("" none) */
    vkind kind;
    char *units; /* NULL: none */
    bool scale;  /* a coordinate variable */
} dsinfo;

typedef struct {
    vkind kind;
    size_t n;
    double *f;
    long long *i;
    unsigned long long *u;
    char **s;
} vals;

static void free_vals(vals *v)
{
    free(v->f);
    free(v->i);
    free(v->u);
    mr_h5r_free_strings(v->s, v->n);
    memset(v, 0, sizeof *v);
}

static int read_vals(ex *x, hid_t g, const dsinfo *d, vals *v)
{
    size_t n = 1;
    for (int k = 0; k < d->rank; k++)
        n *= (size_t)d->dims[k];
    memset(v, 0, sizeof *v);
    v->kind = d->kind;
    switch (d->kind) {
    case V_F64:
        v->f = read_f64(x, g, d->name, n);
        break;
    case V_I64:
        v->i = read_i64(x, g, d->name, n);
        break;
    case V_U64:
        v->u = read_u64(x, g, d->name, n);
        break;
    case V_STR:
        v->s = mr_h5r_strings(&x->r, g, d->name, n);
        break;
    }
    if (x->r.status != MR_EXPORT_OK)
        return -1;
    v->n = n;
    return 0;
}

static void put_val(csv *c, const vals *v, size_t k)
{
    switch (v->kind) {
    case V_F64:
        csv_f64(c, v->f[k]);
        break;
    case V_I64:
        csv_i64(c, v->i[k]);
        break;
    case V_U64:
        csv_u64(c, v->u[k]);
        break;
    case V_STR:
        csv_str(c, v->s[k]);
        break;
    }
}

static void val_label(const vals *v, size_t k, char *buf, size_t n)
{
    switch (v->kind) {
    case V_F64:
        snprintf(buf, n, "%.10g", v->f[k]);
        break;
    case V_I64:
        snprintf(buf, n, "%lld", v->i[k]);
        break;
    case V_U64:
        snprintf(buf, n, "%llu", v->u[k]);
        break;
    case V_STR:
        snprintf(buf, n, "%s", v->s[k]);
        break;
    }
}

/* A dimensionless dataset that is a ratio (it may exceed 1), not a
   fraction: a price ratio, or a factor such as the variance-reduction
   factor of a comparison (/difference/variance_reduction). */
static bool is_ratio_name(const char *name)
{
    return strstr(name, "ratio") || strstr(name, "price") || strstr(name, "factor") ||
           strstr(name, "variance_reduction");
}

/* The unit suffix of a column: GBP -> "_gbp", months -> "_months", year(s)
   -> "_years", 1 -> "_fraction" (or "_ratio" for a ratio, is_ratio_name;
   none for integers: counts and indices); anything else lower-cased with
   non-alphanumerics as '_'. None when the name already ends with it (or
   with its plural: active_steps in "step"). */
static void unit_suffix(const dsinfo *d, char *buf, size_t n)
{
    char s[NAME_LEN] = "";
    const char *u = d->units;
    if (!u || d->kind == V_STR)
        s[0] = '\0';
    else if (!strcmp(u, "1"))
        snprintf(s, sizeof s, "%s",
                 d->kind != V_F64         ? ""
                 : is_ratio_name(d->name) ? "ratio"
                                          : "fraction");
    else if (!strcmp(u, "year") || !strcmp(u, "years"))
        strcpy(s, "years");
    else {
        size_t k = 0;
        for (const char *p = u; *p && k + 1 < sizeof s; p++)
            s[k++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
        s[k] = '\0';
    }
    char tail[NAME_LEN + 2], tails[NAME_LEN + 3];
    fmt(tail, sizeof tail, "_%s", s);
    fmt(tails, sizeof tails, "_%ss", s);
    size_t lt = strlen(tail), lts = strlen(tails), ln = strlen(d->name);
    if (!s[0] || (ln >= lt && !strcmp(d->name + ln - lt, tail)) ||
        (ln >= lts && !strcmp(d->name + ln - lts, tails)))
        buf[0] = '\0';
    else
        fmt(buf, n, "_%s", s);
}

typedef struct {
    char (*names)[NAME_LEN];
    bool *group;
    size_t n;
} links;

static void free_links(links *l)
{
    free(l->names);
    free(l->group);
    memset(l, 0, sizeof *l);
}

/* The groups and datasets in group g, in creation order (by name if it is
   not tracked); free with free_links. */
static int list_links(ex *x, hid_t g, links *l)
{
    H5G_info_t gi;
    memset(l, 0, sizeof *l);
    if (H5Gget_info(g, &gi) < 0)
        return damaged(x, g, "");
    l->names = malloc((gi.nlinks ? gi.nlinks : 1) * sizeof *l->names);
    l->group = malloc((gi.nlinks ? gi.nlinks : 1) * sizeof *l->group);
    if (!l->names || !l->group) {
        free_links(l);
        return mr_h5r_nomem(&x->r);
    }
    H5_index_t idx = H5_INDEX_CRT_ORDER;
    for (hsize_t k = 0; k < gi.nlinks; k++) {
        char *nm = l->names[l->n];
        ssize_t len = H5Lget_name_by_idx(g, ".", idx, H5_ITER_INC, k, nm, NAME_LEN, H5P_DEFAULT);
        if (len < 0) {
            if (idx == H5_INDEX_NAME || k > 0)
                return damaged(x, g, "");
            idx = H5_INDEX_NAME;
            k--;
            continue;
        }
        if (len >= NAME_LEN)
            return fail(x, MR_EXPORT_BAD_INPUT, "%s: an object name of %zd bytes is too long",
                        x->r.path, len);
        hid_t o = H5Oopen(g, nm, H5P_DEFAULT);
        if (o < 0)
            continue; /* a dangling link: not data */
        H5I_type_t t = H5Iget_type(o);
        H5Oclose(o);
        if (t == H5I_GROUP || t == H5I_DATASET) {
            l->group[l->n] = t == H5I_GROUP;
            l->n++;
        }
    }
    return 0;
}

typedef struct {
    char *name;
    size_t n;
} scale_name;

static herr_t get_scale_name(hid_t did, unsigned dim, hid_t dsid, void *data)
{
    (void)did;
    (void)dim;
    scale_name *s = data;
    char buf[PATH_MAX_LEN];
    ssize_t len = H5Iget_name(dsid, buf, sizeof buf);
    if (len > 0) {
        const char *base = strrchr(buf, '/');
        snprintf(s->name, s->n, "%s", base ? base + 1 : buf);
    }
    return 1; /* the first scale names the dimension */
}

static int ds_info(ex *x, hid_t g, const char *name, dsinfo *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", name);
    if ((d->rank = mr_h5r_shape(g, name, d->dims)) < 0)
        return damaged(x, g, name);
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t ft = ds < 0 ? -1 : H5Dget_type(ds);
    int rc = 0;
    if (ft < 0) {
        rc = damaged(x, g, name);
    } else {
        H5T_class_t cls = H5Tget_class(ft);
        if (cls == H5T_STRING)
            d->kind = V_STR;
        else if (cls == H5T_INTEGER)
            d->kind = H5Tget_sign(ft) == H5T_SGN_2 ? V_I64 : V_U64;
        else if (cls == H5T_FLOAT)
            d->kind = V_F64;
        else
            rc = 1; /* compound, enum...: not exported */
        d->scale = H5DSis_scale(ds) > 0;
        for (int k = 0; k < d->rank; k++) {
            scale_name s = {d->dim[k], NAME_LEN};
            if (d->scale && k == 0)
                snprintf(d->dim[0], NAME_LEN, "%s", name);
            else if (H5DSget_num_scales(ds, (unsigned)k) > 0)
                H5DSiterate_scales(ds, (unsigned)k, NULL, get_scale_name, &s);
        }
        d->units = mr_h5r_attr_str(ds, ".", "units");
    }
    if (ft >= 0)
        H5Tclose(ft);
    if (ds >= 0)
        H5Dclose(ds);
    return rc;
}

/* The name of dimension k of d for grouping: its scale, or "#<length>". */
static void dim_key(const dsinfo *d, int k, char *buf, size_t n)
{
    if (d->dim[k][0])
        snprintf(buf, n, "%s", d->dim[k]);
    else
        snprintf(buf, n, "#%llu", (unsigned long long)d->dims[k]);
}

static int find_ds(const dsinfo *ds, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ds[i].name, name))
            return (int)i;
    return -1;
}

/* Column labels of dimension k of d (the scale's values, else indices). */
static int dim_labels(ex *x, hid_t g, const dsinfo *all, size_t nall, const dsinfo *d, int k,
                      vals *lab)
{
    memset(lab, 0, sizeof *lab);
    int s = d->dim[k][0] ? find_ds(all, nall, d->dim[k]) : -1;
    if (s < 0 || all[s].rank != 1 || all[s].dims[0] != d->dims[k])
        return 0; /* indices */
    return read_vals(x, g, &all[s], lab);
}

static void label_of(const vals *lab, size_t k, char *buf, size_t n)
{
    if (lab->n)
        val_label(lab, k, buf, n);
    else
        snprintf(buf, n, "%zu", k);
}

/* One CSV of a group: every non-coordinate dataset whose leading dimension
   is `lead` (or only the one named `only`), one row per element of it. */
static int export_generic_table(ex *x, hid_t g, const dsinfo *ds, size_t n, const char *lead,
                                const char *only, const char *dir, const char *file)
{
    size_t rows = 0, nc = 0;
    int *cols = malloc((n ? n : 1) * sizeof *cols);
    if (!cols)
        return mr_h5r_nomem(&x->r);
    for (size_t i = 0; i < n; i++) {
        char key[NAME_LEN];
        if (ds[i].scale || ds[i].rank < 1 || (only && strcmp(ds[i].name, only)))
            continue;
        dim_key(&ds[i], 0, key, sizeof key);
        if (strcmp(key, lead))
            continue;
        cols[nc++] = (int)i;
        rows = (size_t)ds[i].dims[0];
    }
    int li = find_ds(ds, n, lead);
    if (li >= 0 && (ds[li].rank != 1 || ds[li].dims[0] != rows))
        li = -1;
    vals lv = {0}, *v = calloc(nc ? nc : 1, sizeof *v), *lab1 = calloc(nc ? nc : 1, sizeof *lab1),
         *lab2 = calloc(nc ? nc : 1, sizeof *lab2);
    if (!v || !lab1 || !lab2)
        mr_h5r_nomem(&x->r);
    if (x->r.status == MR_EXPORT_OK && li >= 0)
        read_vals(x, g, &ds[li], &lv);
    for (size_t c = 0; c < nc && x->r.status == MR_EXPORT_OK; c++) {
        const dsinfo *d = &ds[cols[c]];
        if (read_vals(x, g, d, &v[c]) == 0 && d->rank >= 2)
            dim_labels(x, g, ds, n, d, 1, &lab1[c]);
        if (x->r.status == MR_EXPORT_OK && d->rank >= 3)
            dim_labels(x, g, ds, n, d, 2, &lab2[c]);
    }
    csv c;
    if (x->r.status == MR_EXPORT_OK && csv_open(x, &c, dir, file) == 0) {
        if (li >= 0) {
            char suf[NAME_LEN];
            unit_suffix(&ds[li], suf, sizeof suf);
            csv_head(&c, "%s%s", ds[li].name, suf);
        } else {
            csv_str(&c, "index");
        }
        for (size_t k = 0; k < nc; k++) {
            const dsinfo *d = &ds[cols[k]];
            char suf[NAME_LEN], a[NAME_LEN], b[NAME_LEN];
            unit_suffix(d, suf, sizeof suf);
            size_t n1 = d->rank >= 2 ? (size_t)d->dims[1] : 1,
                   n2 = d->rank >= 3 ? (size_t)d->dims[2] : 1;
            for (size_t p = 0; p < n1; p++)
                for (size_t q = 0; q < n2; q++) {
                    label_of(&lab1[k], p, a, sizeof a);
                    label_of(&lab2[k], q, b, sizeof b);
                    if (d->rank == 1)
                        csv_head(&c, "%s%s", d->name, suf);
                    else if (d->rank == 2)
                        csv_head(&c, "%s_%s%s", d->name, a, suf);
                    else
                        csv_head(&c, "%s_%s_%s%s", d->name, a, b, suf);
                }
        }
        csv_row(&c);
        for (size_t r = 0; r < rows; r++) {
            if (li >= 0)
                put_val(&c, &lv, r);
            else
                csv_u64(&c, r);
            for (size_t k = 0; k < nc; k++) {
                size_t per = v[k].n / (rows ? rows : 1);
                for (size_t e = 0; e < per; e++)
                    put_val(&c, &v[k], r * per + e);
            }
            csv_row(&c);
        }
        csv_close(&c);
    }
    free_vals(&lv);
    for (size_t k = 0; v && lab1 && lab2 && k < nc; k++) {
        free_vals(&v[k]);
        free_vals(&lab1[k]);
        free_vals(&lab2[k]);
    }
    free(v);
    free(lab1);
    free(lab2);
    free(cols);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* Scalars of a group: name, value, units. */
static int export_generic_scalars(ex *x, hid_t g, const dsinfo *ds, size_t n, const char *dir,
                                  const char *file)
{
    csv c;
    if (csv_open(x, &c, dir, file) < 0)
        return -1;
    csv_str(&c, "name");
    csv_str(&c, "value");
    csv_str(&c, "units");
    csv_row(&c);
    for (size_t i = 0; i < n && x->r.status == MR_EXPORT_OK; i++) {
        if (ds[i].rank != 0)
            continue;
        vals v;
        if (read_vals(x, g, &ds[i], &v) < 0)
            break;
        csv_str(&c, ds[i].name);
        put_val(&c, &v, 0);
        csv_str(&c, ds[i].units ? ds[i].units : "");
        csv_row(&c);
        free_vals(&v);
    }
    return csv_close(&c);
}

/* The links of group g and its datasets that the generic rule can export
   (*ds malloc'ed, *n of them); free with free_datasets and free_links. */
static int group_datasets(ex *x, hid_t g, links *l, dsinfo **ds, size_t *n)
{
    *ds = NULL;
    *n = 0;
    if (list_links(x, g, l) < 0)
        return -1;
    if (!(*ds = calloc(l->n ? l->n : 1, sizeof **ds)))
        return mr_h5r_nomem(&x->r);
    for (size_t k = 0; k < l->n && x->r.status == MR_EXPORT_OK; k++)
        if (!l->group[k] && ds_info(x, g, l->names[k], &(*ds)[*n]) == 0)
            (*n)++;
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

static void free_datasets(dsinfo *ds, size_t n)
{
    for (size_t i = 0; ds && i < n; i++)
        free(ds[i].units);
    free(ds);
}

/* Group g as base.csv (one leading dimension) or base_<dim>.csv (several),
   base_scalars.csv for its scalars, and its subgroups as base_<sub>...
   (docs/EXPORT.md, "Study tables"). */
static int export_generic(ex *x, hid_t g, const char *dir, const char *base)
{
    links ll, *l = &ll;
    dsinfo *ds;
    size_t n;
    char(*leads)[NAME_LEN] = NULL;
    if (group_datasets(x, g, l, &ds, &n) < 0 || !(leads = malloc((n ? n : 1) * sizeof *leads))) {
        mr_h5r_nomem(&x->r);
        free_datasets(ds, n);
        free_links(l);
        return -1;
    }
    /* the leading dimensions, in order of first use */
    size_t nl = 0;
    bool scalars = false;
    for (size_t i = 0; i < n; i++) {
        if (ds[i].rank == 0 && !ds[i].scale)
            scalars = true;
        if (ds[i].scale || ds[i].rank < 1)
            continue;
        char key[NAME_LEN];
        dim_key(&ds[i], 0, key, sizeof key);
        size_t j = 0;
        while (j < nl && strcmp(leads[j], key))
            j++;
        if (j == nl)
            snprintf(leads[nl++], NAME_LEN, "%s", key);
    }
    for (size_t j = 0; j < nl && x->r.status == MR_EXPORT_OK; j++) {
        char file[2 * NAME_LEN + 16];
        if (nl == 1)
            fmt(file, sizeof file, "%s.csv", base);
        else
            fmt(file, sizeof file, "%s_%s.csv", base, leads[j][0] == '#' ? leads[j] + 1 : leads[j]);
        export_generic_table(x, g, ds, n, leads[j], NULL, dir, file);
    }
    if (scalars && x->r.status == MR_EXPORT_OK) {
        char file[2 * NAME_LEN + 16];
        fmt(file, sizeof file, "%s_scalars.csv", base);
        export_generic_scalars(x, g, ds, n, dir, file);
    }
    for (size_t k = 0; k < l->n && x->r.status == MR_EXPORT_OK; k++) {
        if (!l->group[k])
            continue;
        hid_t sub = H5Gopen2(g, l->names[k], H5P_DEFAULT);
        if (sub < 0) {
            damaged(x, g, l->names[k]);
            break;
        }
        char sb[2 * NAME_LEN];
        fmt(sb, sizeof sb, "%s_%s", base, l->names[k]);
        export_generic(x, sub, dir, sb);
        H5Gclose(sub);
    }
    free(leads);
    free_datasets(ds, n);
    free_links(l);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* A study table (attribution, events, difference, sweep) under g, if any:
   a group by the generic rule, or a single dataset as NAME.csv. */
static int export_study(ex *x, hid_t g, const char *name, const char *dir)
{
    if (!exists(g, name))
        return 0;
    hid_t s = H5Oopen(g, name, H5P_DEFAULT);
    if (s < 0)
        return damaged(x, g, name);
    H5I_type_t t = H5Iget_type(s);
    H5Oclose(s);
    if (t == H5I_GROUP) {
        hid_t sg = H5Gopen2(g, name, H5P_DEFAULT);
        if (sg < 0)
            return damaged(x, g, name);
        export_generic(x, sg, dir, name);
        H5Gclose(sg);
        return x->r.status == MR_EXPORT_OK ? 0 : -1;
    }
    links l;
    dsinfo *ds;
    size_t n;
    if (group_datasets(x, g, &l, &ds, &n) == 0) {
        int i = find_ds(ds, n, name);
        char key[NAME_LEN], file[NAME_LEN + 8];
        fmt(file, sizeof file, "%s.csv", name);
        if (i >= 0 && ds[i].rank >= 1 && !ds[i].scale) {
            dim_key(&ds[i], 0, key, sizeof key);
            export_generic_table(x, g, ds, n, key, name, dir, file);
        }
    }
    free_datasets(ds, n);
    free_links(&l);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* ---- directories and runs ------------------------------------------------- */

/* mkdir -p */
static int make_dir(ex *x, const char *dir)
{
    char p[PATH_MAX_LEN];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p)
        return fail(x, MR_EXPORT_BAD_INPUT, "%s: cannot create the directory: %s", dir,
                    n ? "path too long" : "empty name");
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        struct stat st;
        if (stat(p, &st) != 0) {
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                return fail(x, MR_EXPORT_BAD_INPUT, "%s: cannot create the directory: %s", dir,
                            strerror(errno));
            made(x, p, true);
        } else if (!S_ISDIR(st.st_mode)) {
            return fail(x, MR_EXPORT_BAD_INPUT,
                        "%s: cannot create the directory: %s is not a "
                        "directory",
                        dir, p);
        }
        p[i] = c;
    }
    if (access(dir, W_OK | X_OK) != 0)
        return fail(x, MR_EXPORT_BAD_INPUT, "%s: cannot write to the directory: %s", dir,
                    strerror(errno));
    return 0;
}

static int export_run(ex *x, hid_t g, const char *dir, bool trials)
{
    run r = {g, 0, 0, NULL, NULL};
    long long S = extent(x, g, "summary/sector"), M = extent(x, g, "summary/mineral");
    if (S < 0 || M < 0)
        return -1;
    r.S = (size_t)S;
    r.M = (size_t)M;
    r.sector = mr_h5r_strings(&x->r, g, "summary/sector", r.S);
    r.mineral = r.sector ? mr_h5r_strings(&x->r, g, "summary/mineral", r.M) : NULL;
    if (x->r.status == MR_EXPORT_OK)
        (void)(make_dir(x, dir) < 0 || export_info(x, &r, dir) < 0 ||
               export_summary_loss(x, &r, dir) < 0 || export_return_periods(x, &r, dir) < 0 ||
               export_histogram(x, &r, dir) < 0 || export_minerals(x, &r, dir) < 0 ||
               export_sectors(x, &r, dir) < 0 ||
               export_band(x, &r, dir, "inoperability_bands.csv", "summary/inoperability_band",
                           "sector", r.sector, r.S, "fraction") < 0 ||
               export_band(x, &r, dir, "price_bands.csv", "summary/price_ratio_band", "mineral",
                           r.mineral, r.M, "ratio") < 0 ||
               export_indicators(x, &r, dir) < 0 || export_study(x, g, "attribution", dir) < 0);
    if (x->r.status == MR_EXPORT_OK && trials && exists(g, "trials"))
        (void)(export_trials(x, &r, dir) < 0 || export_annual(x, &r, dir) < 0 ||
               export_mineral_trials(x, &r, dir) < 0 || export_study(x, g, "events", dir) < 0);
    mr_h5r_free_strings(r.sector, r.S);
    mr_h5r_free_strings(r.mineral, r.M);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* A run group: the `format` attribute and a summary. */
static bool is_run(hid_t g)
{
    char *f = mr_h5r_attr_str(g, ".", "format");
    bool ours = f && !strcmp(f, MR_FORMAT_NAME);
    free(f);
    return ours && exists(g, "summary");
}

typedef struct {
    char (*path)[2 * NAME_LEN]; /* from the root, no leading '/' */
    size_t n, cap;
} runlist;

/* The run groups of a comparison or sweep, up to two levels down
   (runs/a, variants/x), in creation order. */
static int find_runs(ex *x, hid_t g, const char *prefix, int depth, runlist *rl)
{
    links l;
    if (list_links(x, g, &l) < 0)
        return -1;
    for (size_t k = 0; k < l.n && x->r.status == MR_EXPORT_OK; k++) {
        if (!l.group[k])
            continue;
        hid_t s = H5Gopen2(g, l.names[k], H5P_DEFAULT);
        if (s < 0)
            continue;
        char p[2 * NAME_LEN];
        fmt(p, sizeof p, "%s%s%s", prefix, *prefix ? "/" : "", l.names[k]);
        if (is_run(s)) {
            if (rl->n == rl->cap) {
                size_t cap = rl->cap ? 2 * rl->cap : 16;
                void *q = realloc(rl->path, cap * sizeof *rl->path);
                if (!q) {
                    H5Gclose(s);
                    mr_h5r_nomem(&x->r);
                    break;
                }
                rl->path = q;
                rl->cap = cap;
            }
            memcpy(rl->path[rl->n++], p, sizeof p);
        } else if (depth > 1) {
            find_runs(x, s, p, depth - 1, rl);
        }
        H5Gclose(s);
    }
    free_links(&l);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

static int export_file(ex *x, const char *dir, const mr_export_opts *o)
{
    char *kind = mr_h5r_attr_str(x->r.file, ".", "kind");
    bool multi = kind && strcmp(kind, "run") != 0;
    free(kind);
    if (!multi) {
        if (o->run && strcmp(o->run, "/") && o->run[0])
            return fail(x, MR_EXPORT_BAD_INPUT,
                        "%s: --run %s: the file holds one run (no comparison or sweep)", x->r.path,
                        o->run);
        return export_run(x, x->r.file, dir, o->trials);
    }
    runlist rls = {NULL, 0, 0}, *rl = &rls;
    if (find_runs(x, x->r.file, "", 2, rl) == 0 && rl->n == 0)
        damaged(x, x->r.file, "the runs of the comparison or sweep");
    if (x->r.status == MR_EXPORT_OK && o->run) {
        const char *want = o->run[0] == '/' ? o->run + 1 : o->run;
        size_t k = 0;
        while (k < rl->n && strcmp(rl->path[k], want))
            k++;
        if (k == rl->n) {
            char list[400] = "";
            size_t len = 0;
            for (size_t i = 0; i < rl->n && i < 3; i++)
                if (len < sizeof list)
                    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                            rl->path[i]);
            if (rl->n > 3 && len < sizeof list)
                snprintf(list + len, sizeof list - len, ", ... (%zu runs)", rl->n);
            fail(x, MR_EXPORT_BAD_INPUT, "%s: --run %s: no such run (the file has %s)", x->r.path,
                 o->run, list);
        } else {
            hid_t g = H5Gopen2(x->r.file, rl->path[k], H5P_DEFAULT);
            if (g < 0)
                damaged(x, x->r.file, rl->path[k]);
            else {
                export_run(x, g, dir, o->trials);
                H5Gclose(g);
            }
        }
        free(rl->path);
        return x->r.status == MR_EXPORT_OK ? 0 : -1;
    }
    if (x->r.status == MR_EXPORT_OK)
        make_dir(x, dir);
    for (size_t k = 0; k < rl->n && x->r.status == MR_EXPORT_OK; k++) {
        char sub[PATH_MAX_LEN];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, rl->path[k]) >= sizeof sub) {
            fail(x, MR_EXPORT_BAD_INPUT, "%s/%s: path too long", dir, rl->path[k]);
            break;
        }
        hid_t g = H5Gopen2(x->r.file, rl->path[k], H5P_DEFAULT);
        if (g < 0) {
            damaged(x, x->r.file, rl->path[k]);
            break;
        }
        export_run(x, g, sub, o->trials);
        H5Gclose(g);
    }
    free(rl->path);
    /* the file's own study tables */
    static const char *const study[] = {"difference", "sweep", "attribution"};
    for (size_t k = 0; k < sizeof study / sizeof *study && x->r.status == MR_EXPORT_OK; k++)
        export_study(x, x->r.file, study[k], dir);
    if (x->r.status == MR_EXPORT_OK && o->trials)
        export_study(x, x->r.file, "events", dir);
    return x->r.status == MR_EXPORT_OK ? 0 : -1;
}

/* ---- entry points --------------------------------------------------------- */

int mr_export_csv(const char *file, const char *dir, const mr_export_opts *opts, size_t *nfiles,
                  mr_error *err)
{
    ex x;
    memset(&x, 0, sizeof x);
    mr_export_opts none = {false, NULL};
    const mr_export_opts *o = opts ? opts : &none;
    if (mr_h5r_open(&x.r, file, MR_H5R_NAMES_FROM_ROOT, err) == 0)
        export_file(&x, dir, o);
    mr_h5r_close(&x.r);
    if (x.r.status != MR_EXPORT_OK) {
        undo(&x);
        x.nfiles = 0;
    }
    for (size_t k = 0; k < x.nmade; k++)
        free(x.made[k]);
    free(x.made);
    free(x.made_dir);
    if (nfiles)
        *nfiles = x.nfiles;
    return x.r.status;
}

int mr_export_print_timings(const char *file, FILE *out, mr_error *err)
{
    mr_h5r r;
    double v[7] = {0};
    static const char *const name[7] = {"wall_seconds",      "stats_seconds", "write_seconds",
                                        "trials_per_second", "threads",       "ranks",
                                        "analysis_seconds"};
    mr_h5r_open(&r, file, MR_H5R_NAMES_FROM_ROOT, err);
    for (int k = 0; k < 7 && r.status == MR_H5R_OK; k++)
        if (mr_h5r_attr_get(r.file, "run_info", name[k], H5T_NATIVE_DOUBLE, 1, &v[k]) < 0)
            mr_h5r_damaged(&r, r.file, "run_info");
    mr_h5r_close(&r);
    if (r.status != MR_H5R_OK)
        return -1;
    fprintf(out,
            "minrisk: timings: simulation %.3f s wall (%.6g trials per second, %.0f rank%s x "
            "%.0f thread%s), analysis (attribution, events, counterfactuals) %.3f s, statistics "
            "%.3f s, write %.3f s\n",
            v[0], v[3], v[5], v[5] == 1.0 ? "" : "s", v[4], v[4] == 1.0 ? "" : "s", v[6], v[1],
            v[2]);
    return 0;
}
