/* attr_print.c - print /attribution as ranked tables (attr_print.h). */
#define _POSIX_C_SOURCE 200809L

#include "attr_print.h"

#include <hdf5.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* H5Dvlen_reclaim was renamed H5Treclaim in HDF5 1.12. */
#if H5_VERSION_GE(1, 12, 0)
#define VLEN_RECLAIM H5Treclaim
#else
#define VLEN_RECLAIM H5Dvlen_reclaim
#endif

#define GBP_PER_MILLION 1e6
#define NFAMILY 4 /* mineral, country, event, none: the order of source_kind */

static const char *const family_names[NFAMILY] = {"mineral", "country", "event", "none"};

/* What is read. */
typedef struct {
    size_t K, W; /* sources, series */
    char **source, **kind, **series;
    double *share, *lo, *hi, *co_es, *es; /* [W*K], [W] */
    uint64_t *ntail;                      /* [W] */
    bool cf;
    double *mean, *mean_lo, *mean_hi, *esr, *esr_lo, *esr_hi; /* [W*K] */
} attr;

static void free_strings(char **s, size_t n)
{
    if (s)
        for (size_t i = 0; i < n; i++)
            free(s[i]);
    free(s);
}

static void free_attr(attr *a)
{
    free_strings(a->source, a->K);
    free_strings(a->kind, a->K);
    free_strings(a->series, a->W);
    void *p[] = {a->share, a->lo,      a->hi,      a->co_es, a->es,     a->ntail,
                 a->mean,  a->mean_lo, a->mean_hi, a->esr,   a->esr_lo, a->esr_hi};
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
        free(p[k]);
    memset(a, 0, sizeof *a);
}

/* Elements of a dataset, or -1. */
static long long extent(hid_t g, const char *name)
{
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t sp = ds < 0 ? -1 : H5Dget_space(ds);
    hssize_t n = sp < 0 ? -1 : H5Sget_simple_extent_npoints(sp);
    if (sp >= 0)
        H5Sclose(sp);
    if (ds >= 0)
        H5Dclose(ds);
    return (long long)n;
}

/* n numbers of a dataset of exactly n elements into a new buffer. */
static void *read_num(hid_t g, const char *name, hid_t mt, size_t size, size_t n)
{
    if (extent(g, name) != (long long)n)
        return NULL;
    void *buf = malloc((n ? n : 1) * size);
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    if (!buf || ds < 0 || H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        free(buf);
        buf = NULL;
    }
    if (ds >= 0)
        H5Dclose(ds);
    return buf;
}

/* The n variable-length strings of a dataset (as minrisk writes them). */
static char **read_strings(hid_t g, const char *name, size_t n)
{
    if (extent(g, name) != (long long)n)
        return NULL;
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t ft = ds < 0 ? -1 : H5Dget_type(ds);
    hid_t mt = -1, sp = -1;
    char **v = NULL, **out = NULL;
    if (ft < 0 || H5Tget_class(ft) != H5T_STRING || H5Tis_variable_str(ft) <= 0)
        goto done;
    mt = H5Tcopy(H5T_C_S1);
    sp = H5Dget_space(ds);
    v = calloc(n ? n : 1, sizeof *v);
    out = calloc(n ? n : 1, sizeof *out);
    if (!v || !out || mt < 0 || sp < 0 || H5Tset_cset(mt, H5Tget_cset(ft)) < 0 ||
        H5Tset_size(mt, H5T_VARIABLE) < 0 ||
        H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        free(out);
        out = NULL;
        free(v);
        v = NULL;
        goto done;
    }
    for (size_t i = 0; i < n && out; i++)
        if (!(out[i] = strdup(v[i] ? v[i] : ""))) {
            free_strings(out, n);
            out = NULL;
        }
    VLEN_RECLAIM(mt, sp, H5P_DEFAULT, v);
done:
    free(v);
    if (sp >= 0)
        H5Sclose(sp);
    if (mt >= 0)
        H5Tclose(mt);
    if (ft >= 0)
        H5Tclose(ft);
    if (ds >= 0)
        H5Dclose(ds);
    return out;
}

/* 0 read; 1 no /attribution; -1 damaged (what names the dataset). */
static int read_attr(hid_t file, attr *a, const char **what)
{
    if (H5Lexists(file, "attribution", H5P_DEFAULT) <= 0)
        return 1;
    hid_t g = H5Gopen2(file, "attribution", H5P_DEFAULT);
    if (g < 0) {
        *what = "attribution";
        return -1;
    }
    int rc = -1;
    long long K = extent(g, "source"), W = extent(g, "series");
    *what = "attribution/source";
    if (K < 1 || W < 1)
        goto out;
    a->K = (size_t)K;
    a->W = (size_t)W;
    const size_t WK = a->W * a->K;
#define NUM(field, name, n)                                                                        \
    do {                                                                                           \
        *what = "attribution/" name;                                                               \
        if (!(a->field = read_num(g, name, H5T_NATIVE_DOUBLE, sizeof(double), (n))))               \
            goto out;                                                                              \
    } while (0)
#define STR(field, name, n)                                                                        \
    do {                                                                                           \
        *what = "attribution/" name;                                                               \
        if (!(a->field = read_strings(g, name, (n))))                                              \
            goto out;                                                                              \
    } while (0)
    STR(source, "source", a->K);
    STR(kind, "source_kind", a->K);
    STR(series, "series", a->W);
    NUM(share, "tail_share", WK);
    NUM(lo, "tail_share_lo", WK);
    NUM(hi, "tail_share_hi", WK);
    NUM(co_es, "tail_co_es", WK);
    NUM(es, "es99", a->W);
    *what = "attribution/tail_trials";
    if (!(a->ntail = read_num(g, "tail_trials", H5T_NATIVE_UINT64, sizeof(uint64_t), a->W)))
        goto out;
    a->cf = H5Lexists(g, "mean_removed", H5P_DEFAULT) > 0;
    if (a->cf) {
        NUM(mean, "mean_removed", WK);
        NUM(mean_lo, "mean_removed_lo", WK);
        NUM(mean_hi, "mean_removed_hi", WK);
        NUM(esr, "es99_removed", WK);
        NUM(esr_lo, "es99_removed_lo", WK);
        NUM(esr_hi, "es99_removed_hi", WK);
    }
#undef NUM
#undef STR
    rc = 0;
out:
    H5Gclose(g);
    return rc;
}

/* ---- printing ------------------------------------------------------------ */

#define CELL 64
#define MAXCOLS 6

typedef struct {
    size_t rows, cols, cap;
    char (*cell)[CELL];
} table;

static char *cell(table *t, size_t r, size_t c)
{
    return t->cell[r * t->cols + c];
}

/* A new empty row; NULL when out of memory. */
static size_t add_row(table *t)
{
    if (t->rows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        void *p = realloc(t->cell, cap * t->cols * sizeof *t->cell);
        if (!p)
            return (size_t)-1;
        t->cell = p;
        t->cap = cap;
    }
    memset(t->cell[t->rows * t->cols], 0, t->cols * sizeof *t->cell);
    return t->rows++;
}

/* First column left-aligned, the others right-aligned; indented by two. */
static void print_table(FILE *out, const table *t)
{
    size_t width[MAXCOLS] = {0};
    for (size_t c = 0; c < t->cols; c++)
        for (size_t r = 0; r < t->rows; r++) {
            size_t w = strlen(t->cell[r * t->cols + c]);
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->rows; r++) {
        size_t ncols = t->cols; /* no trailing blanks after the last filled cell */
        while (ncols > 1 && !t->cell[r * t->cols + ncols - 1][0])
            ncols--;
        fputs("  ", out);
        for (size_t c = 0; c < ncols; c++) {
            const char *s = t->cell[r * t->cols + c];
            if (c == 0)
                fprintf(out, "%-*s", ncols > 1 ? (int)width[c] : 0, s);
            else
                fprintf(out, "  %*s", (int)width[c], s);
        }
        fputc('\n', out);
    }
}

static void fmt_pct(char *dst, double v)
{
    if (isnan(v))
        snprintf(dst, CELL, "n/a");
    else
        snprintf(dst, CELL, "%.1f%%", 100.0 * v);
}

static void fmt_gbpm(char *dst, double v, int dec)
{
    if (isnan(v))
        snprintf(dst, CELL, "n/a");
    else
        snprintf(dst, CELL, "%.*f", dec, v / GBP_PER_MILLION);
}

static void fmt_range(char *dst, double lo, double hi, int pct, int dec)
{
    char a[CELL], b[CELL];
    if (pct) {
        fmt_pct(a, lo);
        fmt_pct(b, hi);
    } else {
        fmt_gbpm(a, lo, dec);
        fmt_gbpm(b, hi, dec);
    }
    if (isnan(lo) && isnan(hi))
        snprintf(dst, CELL, "n/a");
    else
        snprintf(dst, CELL, "%.28s .. %.28s", a, b);
}

/* Decimals that show about four significant digits of the largest value. */
static int decimals_for(double maxabs)
{
    return maxabs >= 1000.0 ? 0 : maxabs >= 100.0 ? 1 : maxabs >= 1.0 ? 2 : 3;
}

static int family_of(const char *kind)
{
    for (int f = 0; f < NFAMILY; f++)
        if (!strcmp(kind, family_names[f]))
            return f;
    return NFAMILY - 1;
}

/* Sort key of one ranking: the value (larger first), then the index. */
typedef struct {
    double v;
    size_t k;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* The sources of family f with a nonzero value key[k] (not NaN), largest
   first, into r; returns how many. */
static size_t rank_family(const attr *a, int f, const double *key, const double *also, ranked *r)
{
    size_t n = 0;
    for (size_t k = 0; k < a->K; k++) {
        if (family_of(a->kind[k]) != f)
            continue;
        double v = key[k];
        bool show = (!isnan(v) && v != 0.0) || (also && !isnan(also[k]) && also[k] != 0.0);
        if (!show)
            continue;
        r[n++] = (ranked){isnan(v) ? -HUGE_VAL : v, k};
    }
    qsort(r, n, sizeof *r, cmp_ranked);
    return n;
}

static int print_tail(FILE *out, const attr *a, ranked *r)
{
    fprintf(out,
            "\nTail attribution (co-ES): each source's share of ES 99, the expected loss in "
            "the trials beyond\nVaR 99, allocated by the shortfalls its disruptions "
            "caused; 95%% intervals (delta method);\ntop %d per family, GBP m. Minerals "
            "(+ none) sum to 100%%, countries (+ none) too; events to the\npart owed to "
            "named events.\n",
            MR_ATTR_PRINT_TOP);
    for (size_t s = 0; s < a->W; s++) {
        const double *sh = a->share + s * a->K;
        fprintf(out, "\n%s: ES 99 = %.2f GBP m over %llu tail trials\n", a->series[s],
                a->es[s] / GBP_PER_MILLION, (unsigned long long)a->ntail[s]);
        double maxabs = 0.0;
        for (size_t k = 0; k < a->K; k++)
            if (isfinite(a->co_es[s * a->K + k]))
                maxabs = fmax(maxabs, fabs(a->co_es[s * a->K + k]) / GBP_PER_MILLION);
        int dec = decimals_for(maxabs);
        table t = {0, 4, 0, NULL};
        size_t h = add_row(&t);
        if (h == (size_t)-1)
            return -1;
        snprintf(cell(&t, h, 0), CELL, "source");
        snprintf(cell(&t, h, 1), CELL, "share");
        snprintf(cell(&t, h, 2), CELL, "95%% interval");
        snprintf(cell(&t, h, 3), CELL, "co-ES GBP m");
        for (int f = 0; f < NFAMILY; f++) {
            size_t n = rank_family(a, f, sh, NULL, r);
            for (size_t q = 0; q < n && q < MR_ATTR_PRINT_TOP; q++) {
                size_t k = r[q].k, i = s * a->K + k, row = add_row(&t);
                if (row == (size_t)-1) {
                    free(t.cell);
                    return -1;
                }
                snprintf(cell(&t, row, 0), CELL, "%s", a->source[k]);
                fmt_pct(cell(&t, row, 1), a->share[i]);
                fmt_range(cell(&t, row, 2), a->lo[i], a->hi[i], 1, 0);
                fmt_gbpm(cell(&t, row, 3), a->co_es[i], dec);
            }
            if (n > MR_ATTR_PRINT_TOP) {
                size_t row = add_row(&t);
                if (row == (size_t)-1) {
                    free(t.cell);
                    return -1;
                }
                static const char *const more[2][3] = {{"mineral", "country", "event"},
                                                       {"minerals", "countries", "events"}};
                size_t extra = n - MR_ATTR_PRINT_TOP;
                snprintf(cell(&t, row, 0), CELL, "(%zu more %s)", extra, more[extra > 1][f]);
            }
        }
        if (t.rows == 1)
            fprintf(out, "  no tail to attribute (no loss, or a NaN loss)\n");
        else
            print_table(out, &t);
        free(t.cell);
    }
    return 0;
}

static int print_counterfactual(FILE *out, const attr *a, ranked *r)
{
    fprintf(out,
            "\nCounterfactual: the mean loss and ES 99 removed when the source never "
            "disrupts (the run\nagain on the same random numbers), GBP m, with 95%% "
            "paired intervals; top %d per family\nby ES 99 removed.\n",
            MR_ATTR_PRINT_TOP);
    for (size_t s = 0; s < a->W; s++) {
        const double *key = a->esr + s * a->K, *also = a->mean + s * a->K;
        double maxabs = 0.0;
        for (size_t k = 0; k < a->K; k++) {
            size_t i = s * a->K + k;
            if (isfinite(a->esr[i]))
                maxabs = fmax(maxabs, fabs(a->esr[i]) / GBP_PER_MILLION);
        }
        int dec = decimals_for(maxabs);
        fprintf(out, "\n%s\n", a->series[s]);
        table t = {0, 5, 0, NULL};
        size_t h = add_row(&t);
        if (h == (size_t)-1)
            return -1;
        snprintf(cell(&t, h, 0), CELL, "source");
        snprintf(cell(&t, h, 1), CELL, "mean removed");
        snprintf(cell(&t, h, 2), CELL, "95%% interval");
        snprintf(cell(&t, h, 3), CELL, "ES 99 removed");
        snprintf(cell(&t, h, 4), CELL, "95%% interval");
        for (int f = 0; f < NFAMILY - 1; f++) {
            size_t n = rank_family(a, f, key, also, r);
            for (size_t q = 0; q < n && q < MR_ATTR_PRINT_TOP; q++) {
                size_t k = r[q].k, i = s * a->K + k, row = add_row(&t);
                if (row == (size_t)-1) {
                    free(t.cell);
                    return -1;
                }
                snprintf(cell(&t, row, 0), CELL, "%s", a->source[k]);
                fmt_gbpm(cell(&t, row, 1), a->mean[i], dec);
                fmt_range(cell(&t, row, 2), a->mean_lo[i], a->mean_hi[i], 0, dec);
                fmt_gbpm(cell(&t, row, 3), a->esr[i], dec);
                fmt_range(cell(&t, row, 4), a->esr_lo[i], a->esr_hi[i], 0, dec);
            }
        }
        if (t.rows == 1)
            fprintf(out, "  no source removes any loss\n");
        else
            print_table(out, &t);
        free(t.cell);
    }
    return 0;
}

int mr_attr_print(const char *path, FILE *out, mr_error *err)
{
    H5E_auto2_t old_func;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    attr a;
    memset(&a, 0, sizeof a);
    const char *what = "attribution";
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int rc = f < 0 ? -1 : read_attr(f, &a, &what);
    if (f >= 0)
        H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    if (rc < 0) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: damaged or incomplete minrisk file: cannot read %s", path, what);
        free_attr(&a);
        return -1;
    }
    if (rc == 1)
        return 0;
    ranked *r = malloc(a.K * sizeof *r);
    rc = !r || print_tail(out, &a, r) || (a.cf && print_counterfactual(out, &a, r)) ? -1 : 0;
    if (rc)
        snprintf(err->msg, sizeof err->msg, "%s: out of memory printing /attribution", path);
    free(r);
    free_attr(&a);
    return rc;
}
