/* attr_print.c - print /attribution as ranked tables (attr_print.h). */
#define _POSIX_C_SOURCE 200809L

#include "out/tables/attr_print.h"

#include "models/units.h" /* MR_GBP_PER_MILLION */
#include "out/h5/read.h"
#include "out/format.h" /* mr_unsign_zero */
#include "out/tables/cellnum.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NFAMILY 4 /* mineral, country, event, none: the order of source_kind */
/* Below this many tail trials a series' intervals get a caveat line: the
   delta-method and bootstrap intervals rest on the tail trials alone (a
   1,000-trial run has 10; 5,000 trials give 50). */
#define FEW_TAIL_TRIALS 50

static const char *const family_names[NFAMILY] = {"mineral", "country", "event", "none"};

/* What is read. */
typedef struct {
    size_t K, W; /* sources, series */
    char **source, **kind, **series;
    double *share, *lo, *hi, *co_es, *es; /* [W*K], [W] */
    uint64_t *ntail;                      /* [W] */
    bool cf;
    bool weighted; /* an importance-sampled run: /attribution's tails are weighted */
    double *mean, *mean_lo, *mean_hi, *esr, *esr_lo, *esr_hi; /* [W*K] */
} attr;

static void free_attr(attr *a)
{
    mr_h5r_free_strings(a->source, a->K);
    mr_h5r_free_strings(a->kind, a->K);
    mr_h5r_free_strings(a->series, a->W);
    void *p[] = {a->share, a->lo,      a->hi,      a->co_es, a->es,     a->ntail,
                 a->mean,  a->mean_lo, a->mean_hi, a->esr,   a->esr_lo, a->esr_hi};
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
        free(p[k]);
    memset(a, 0, sizeof *a);
}

/* 0 read; 1 no /attribution; -1 damaged (r says what). Names as in the
   file, "attribution/source". */
static int read_attr(mr_h5r *r, attr *a)
{
    const hid_t f = r->file;
    if (H5Lexists(f, "attribution", H5P_DEFAULT) <= 0)
        return 1;
    hid_t g = H5Gopen2(f, "attribution", H5P_DEFAULT);
    if (g < 0)
        return mr_h5r_damaged(r, f, "attribution");
    H5Gclose(g);
    long long K = mr_h5r_count(f, "attribution/source"), W = mr_h5r_count(f, "attribution/series");
    if (K < 1 || W < 1)
        return mr_h5r_damaged(r, f, "attribution/source");
    if ((unsigned long long)K > (1ULL << 40) / (unsigned long long)W)
        return mr_h5r_damaged_why(r, f, "attribution/source", "has %lld sources for %lld series", K,
                                  W);
    a->K = (size_t)K;
    a->W = (size_t)W;
    const size_t WK = a->W * a->K;
    if (!(a->source = mr_h5r_strings(r, f, "attribution/source", a->K)) ||
        !(a->kind = mr_h5r_strings(r, f, "attribution/source_kind", a->K)) ||
        !(a->series = mr_h5r_strings(r, f, "attribution/series", a->W)) ||
        mr_h5r_printable(r, a->source, a->K) < 0 || mr_h5r_printable(r, a->series, a->W) < 0)
        return -1;
    a->cf = H5Lexists(f, "attribution/mean_removed", H5P_DEFAULT) > 0;
    int weighted;
    if (mr_h5r_weighted(r, f, &weighted) < 0)
        return -1;
    a->weighted = weighted != 0;
    enum { NTAIL = 5 }; /* then tail_trials, then the counterfactual datasets */
    const struct {
        double **dst;
        const char *name;
        size_t n;
    } num[] = {
        {&a->share, "attribution/tail_share", WK},
        {&a->lo, "attribution/tail_share_lo", WK},
        {&a->hi, "attribution/tail_share_hi", WK},
        {&a->co_es, "attribution/tail_co_es", WK},
        {&a->es, "attribution/es99", a->W},
        {&a->mean, "attribution/mean_removed", WK},
        {&a->mean_lo, "attribution/mean_removed_lo", WK},
        {&a->mean_hi, "attribution/mean_removed_hi", WK},
        {&a->esr, "attribution/es99_removed", WK},
        {&a->esr_lo, "attribution/es99_removed_lo", WK},
        {&a->esr_hi, "attribution/es99_removed_hi", WK},
    };
    for (size_t k = 0; k < sizeof num / sizeof num[0]; k++) {
        if (k == NTAIL && !(a->ntail = mr_h5r_read_new(r, f, "attribution/tail_trials",
                                                       H5T_NATIVE_UINT64, sizeof *a->ntail, a->W)))
            return -1;
        if (k >= NTAIL && !a->cf)
            break;
        if (!(*num[k].dst =
                  mr_h5r_read_new(r, f, num[k].name, H5T_NATIVE_DOUBLE, sizeof(double), num[k].n)))
            return -1;
    }
    return 0;
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

/* A new empty row; (size_t)-1 when out of memory (the table is then freed). */
static size_t add_row(table *t)
{
    if (t->rows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        void *p = realloc(t->cell, cap * t->cols * sizeof *t->cell);
        if (!p) {
            free(t->cell);
            t->cell = NULL;
            return (size_t)-1;
        }
        t->cell = p;
        t->cap = cap;
    }
    memset(t->cell[t->rows * t->cols], 0, t->cols * sizeof *t->cell);
    return t->rows++;
}

/* A table of cols columns with its header row; -1 when out of memory. */
static int new_table(table *t, size_t cols, const char *const *head)
{
    *t = (table){0, cols, 0, NULL};
    if (add_row(t) == (size_t)-1)
        return -1;
    for (size_t c = 0; c < cols; c++)
        snprintf(cell(t, 0, c), CELL, "%s", head[c]);
    return 0;
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

/* The table, or the line `none` when it has no row under the header; then
   free it. */
static void print_and_free(FILE *out, table *t, const char *none)
{
    if (t->rows == 1)
        fprintf(out, "  %s\n", none);
    else
        print_table(out, t);
    free(t->cell);
}

/* "-0.0%" or "-0" (a tiny negative rounded to zero) loses its sign. */
static void fmt_pct(char *dst, double v)
{
    if (isnan(v))
        snprintf(dst, CELL, "n/a");
    else
        snprintf(dst, CELL, "%.1f%%", 100.0 * v);
    mr_unsign_zero(dst);
}

static void fmt_gbpm(char *dst, double v, int dec)
{
    const double m = v / MR_GBP_PER_MILLION;
    if (isnan(v))
        snprintf(dst, CELL, "n/a");
    else if (fabs(m) >= MR_TAB_EXP_FROM) /* %.1f of 8e230 was cut to 63 digits: 8e62 */
        snprintf(dst, CELL, "%.4g", m);
    else
        snprintf(dst, CELL, "%.*f", dec, m);
    mr_unsign_zero(dst);
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

/* Decimals that show about four significant digits of the largest of n
   amounts in GBP m (GBP in v; NaN and infinities left out). */
static int decimals_gbpm(const double *v, size_t n)
{
    double maxabs = 0.0;
    for (size_t k = 0; k < n; k++)
        if (isfinite(v[k]))
            maxabs = fmax(maxabs, fabs(v[k]) / MR_GBP_PER_MILLION);
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

/* Under a series' table: its intervals rest on few tail trials. */
static void few_tail_caveat(FILE *out, uint64_t ntail, const char *what)
{
    if (ntail > 0 && ntail < FEW_TAIL_TRIALS)
        fprintf(out,
                "  caveat: only %llu tail trial%s (under %d): %s rest on few trials and are "
                "unreliable\n",
                (unsigned long long)ntail, ntail == 1 ? "" : "s", FEW_TAIL_TRIALS, what);
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
    if (a->weighted)
        fprintf(out, "Importance-sampled run: the tail and its shares are weighted, each "
                     "trial counted with its\nlikelihood ratio (docs/STUDIES.md, "
                     "Attribution), so ES 99 is the loss table's weighted ES 99;\nthe tail "
                     "trials are the sampled trials in that tail.\n");
    for (size_t s = 0; s < a->W; s++) {
        const double *sh = a->share + s * a->K;
        char es[CELL];
        fmt_gbpm(es, a->es[s], decimals_gbpm(&a->es[s], 1));
        fprintf(out, "\n%s: ES 99 = %s GBP m over %llu tail trial%s\n", a->series[s], es,
                (unsigned long long)a->ntail[s], a->ntail[s] == 1 ? "" : "s");
        int dec = decimals_gbpm(a->co_es + s * a->K, a->K);
        static const char *const head[] = {"source", "share", "95% interval", "co-ES GBP m"};
        table t;
        if (new_table(&t, 4, head) < 0)
            return -1;
        for (int f = 0; f < NFAMILY; f++) {
            size_t n = rank_family(a, f, sh, NULL, r);
            for (size_t q = 0; q < n && q < MR_ATTR_PRINT_TOP; q++) {
                size_t k = r[q].k, i = s * a->K + k, row = add_row(&t);
                if (row == (size_t)-1)
                    return -1;
                snprintf(cell(&t, row, 0), CELL, "%s", a->source[k]);
                fmt_pct(cell(&t, row, 1), a->share[i]);
                fmt_range(cell(&t, row, 2), a->lo[i], a->hi[i], 1, 0);
                fmt_gbpm(cell(&t, row, 3), a->co_es[i], dec);
            }
            if (n > MR_ATTR_PRINT_TOP) {
                size_t row = add_row(&t);
                if (row == (size_t)-1)
                    return -1;
                static const char *const more[2][3] = {{"mineral", "country", "event"},
                                                       {"minerals", "countries", "events"}};
                size_t extra = n - MR_ATTR_PRINT_TOP;
                snprintf(cell(&t, row, 0), CELL, "(%zu more %s)", extra, more[extra > 1][f]);
            }
        }
        print_and_free(out, &t, "no tail to attribute (no loss, or a NaN loss)");
        few_tail_caveat(out, a->ntail[s], "the intervals");
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
    if (a->weighted)
        fprintf(out, "Importance-sampled run: the removals are weighted with the run's likelihood "
                     "ratios\n(docs/STUDIES.md, Attribution (b)).\n");
    for (size_t s = 0; s < a->W; s++) {
        const double *key = a->esr + s * a->K, *also = a->mean + s * a->K;
        int dec = decimals_gbpm(key, a->K);
        fprintf(out, "\n%s\n", a->series[s]);
        static const char *const head[] = {"source", "mean removed", "95% interval",
                                           "ES 99 removed", "95% interval"};
        table t;
        if (new_table(&t, 5, head) < 0)
            return -1;
        bool est_no_ci = false; /* an ES 99 removal shown without its interval */
        for (int f = 0; f < NFAMILY - 1; f++) {
            size_t n = rank_family(a, f, key, also, r);
            for (size_t q = 0; q < n && q < MR_ATTR_PRINT_TOP; q++) {
                size_t k = r[q].k, i = s * a->K + k, row = add_row(&t);
                if (row == (size_t)-1)
                    return -1;
                snprintf(cell(&t, row, 0), CELL, "%s", a->source[k]);
                fmt_gbpm(cell(&t, row, 1), a->mean[i], dec);
                fmt_range(cell(&t, row, 2), a->mean_lo[i], a->mean_hi[i], 0, dec);
                fmt_gbpm(cell(&t, row, 3), a->esr[i], dec);
                fmt_range(cell(&t, row, 4), a->esr_lo[i], a->esr_hi[i], 0, dec);
                est_no_ci = est_no_ci || (isfinite(a->esr[i]) && isnan(a->esr_lo[i]));
            }
        }
        print_and_free(out, &t, "no source removes any loss");
        if (est_no_ci) /* paired.c drops them below 10 values beyond VaR 99 */
            fprintf(out, "  caveat: an ES 99 removal without an interval (n/a) has fewer than "
                         "10 trials beyond\n  VaR 99 (a plain run needs 1,000 trials); the "
                         "removals rest on few trials and are unreliable\n");
        else
            few_tail_caveat(out, a->ntail[s], "the ES 99 intervals");
    }
    return 0;
}

int mr_attr_print(const char *path, FILE *out, mr_error *err)
{
    mr_h5r r;
    attr a;
    memset(&a, 0, sizeof a);
    int rc = mr_h5r_open(&r, path, 0, err) < 0 ? -1 : read_attr(&r, &a);
    mr_h5r_close(&r);
    if (rc < 0) {
        free_attr(&a);
        return r.status == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
    }
    if (rc == 1)
        return 0;
    ranked *rk = malloc((a.K ? a.K : 1) * sizeof *rk); /* never malloc(0) */
    rc = !rk || print_tail(out, &a, rk) || (a.cf && print_counterfactual(out, &a, rk)) ? MR_FAILED
                                                                                       : 0;
    if (rc)
        snprintf(err->msg, sizeof err->msg, "%s: out of memory printing /attribution", path);
    free(rk);
    free_attr(&a);
    return rc;
}
