/* summary.c - print the risk tables of a finished result file
 * (`minrisk summary FILE.h5`).
 *
 * Everything is read first and printed only when all of it was there, so a
 * damaged file prints nothing but the error. Statistics are looked up by the
 * values of their coordinates (quantile 0.95, return period 100...), not by
 * position, so files with more levels still print.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/tables/attr_print.h"
#include "models/units.h" /* MR_GBP_PER_MILLION */
#include "out/h5/read.h"
#include "out/format.h"
#include "out/tables/policy_cost.h"
#include "out/tables/summary.h"
#include "out/tables/summary_internal.h"
#include "out/tables/unc_print.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading (read.h; names from the root, as the file has them) --------- */

/* Most levers /policies may list (models/scenario.h MR_NLEVERS; a damaged
   dimension past it is refused). */
#define MR_NLEVERS_MAX 64

/* Index of value v in a coordinate (to 1e-9), or -1 with an error. */
static int find_level(mr_h5r *r, const char *coord, const double *values, size_t n, double v)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(values[i] - v) <= 1e-9 * fmax(1.0, fabs(v)))
            return (int)i;
    mr_h5r_damaged_why(r, r->file, coord, "has no level %g", v);
    return -1;
}

/* ---- what is printed ------------------------------------------------------ */

static void free_ind_table(ind_table *t)
{
    mr_h5r_free_strings(t->mineral, t->n);
    mr_h5r_free_strings(t->stage, t->n);
    mr_h5r_free_strings(t->top, t->n);
    mr_h5r_free_strings(t->basis, t->n);
    mr_h5r_free_strings(t->source, t->n);
    mr_h5r_free_strings(t->top_before, t->n);
    free(t->fig);
    free(t->share_before);
}

void mr_summary_free(summary *s)
{
    free(s->scenario);
    free(s->software);
    mr_h5r_free_strings(s->sector, s->S);
    mr_h5r_free_strings(s->mineral, s->M);
    free(s->loss);
    free(s->parts);
    free(s->basis);
    free(s->mineral_fig);
    free_ind_table(&s->ind);
    free_ind_table(&s->uk);
    mr_h5r_free_strings(s->lever, s->ncost);
    mr_h5r_free_strings(s->source, s->ncost);
    free(s->cost);
}

/* The root attributes of a file mr_h5r_open checked. */
static int read_header(mr_h5r *r, summary *s)
{
    const hid_t f = r->file;
    s->version[0] = r->version[0];
    s->version[1] = r->version[1];
    /* names from the file are printed as printable text (out/format.h) */
    s->scenario = mr_h5r_printable_own(mr_h5r_attr_str(f, ".", "scenario_name"));
    s->software = mr_h5r_printable_own(mr_h5r_attr_str(f, ".", "software_version"));
    if (!s->scenario || !s->software)
        return mr_h5r_damaged(r, f, "the scenario_name and software_version attributes");
    if (mr_h5r_attr_num(r, f, ".", "trials", H5T_NATIVE_UINT64, 1, &s->trials) < 0 ||
        mr_h5r_attr_num(r, f, ".", "seed", H5T_NATIVE_UINT64, 1, &s->seed) < 0 ||
        mr_h5r_attr_num(r, f, ".", "horizon_years", H5T_NATIVE_INT, 1, &s->horizon) < 0 ||
        mr_h5r_attr_num(r, f, ".", "steps_per_year", H5T_NATIVE_INT, 1, &s->steps_per_year) < 0)
        return -1;
    if (mr_h5r_weighted(r, f, &s->weighted) < 0)
        return -1;
    if (s->weighted && (mr_h5r_f64(r, f, "importance/ess", &s->ess, 1) < 0 ||
                        mr_h5r_f64(r, f, "importance/weight_max_share", &s->wmax_share, 1) < 0))
        return -1;
    return 0;
}

/* Positions of the printed levels in the quantile, es_level and
   return_period coordinates. */
typedef struct {
    int q95, q99, q995, es99, rp100, rp200;
} levels;

/* The loss table: sectors (OL + XC) in rows 0..S-1, the total in row S. */
static int read_losses(mr_h5r *r, summary *s, const levels *lv)
{
    const size_t S = s->S, nq = MR_OUTPUT_NQUANTILES, ne = MR_OUTPUT_NES, nr = MR_OUTPUT_NRP;
    size_t rows = S + 1;
    double *mean = malloc(rows * sizeof *mean), *se = malloc(rows * sizeof *se),
           *aal = malloc(rows * sizeof *aal), *q = malloc(rows * nq * sizeof *q),
           *es = malloc(rows * ne * sizeof *es), *rp = malloc(rows * nr * sizeof *rp);
    int rc = -1;
    if (!mean || !se || !aal || !q || !es || !rp) {
        mr_h5r_nomem(r);
        goto out;
    }
    if (mr_h5r_f64(r, r->file, "/summary/sector_loss_mean", mean, S) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/sector_loss_se", se, S) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/sector_aal", aal, S) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/sector_loss_quantile", q, S * nq) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/sector_loss_es", es, S * ne) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/sector_return_period_loss", rp, S * nr) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/total_loss_mean", mean + S, 1) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/total_loss_se", se + S, 1) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/aal", aal + S, 1) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/total_loss_quantile", q + S * nq, nq) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/total_loss_es", es + S * ne, ne) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/return_period_loss", rp + S * nr, nr) < 0)
        goto out;
    if (!isfinite(mean[S])) { /* as report.py: a run writes finite losses only */
        mr_h5r_damaged_why(r, r->file, "/summary/total_loss_mean",
                           "is %g, but a run writes finite losses only", mean[S]);
        goto out;
    }
    for (size_t j = 0; j < rows; j++) {
        double *row = s->loss + j * NLOSSCOLS;
        row[COL_MEAN] = mean[j];
        row[COL_SE] = se[j];
        row[COL_VAR95] = q[j * nq + (size_t)lv->q95];
        row[COL_VAR99] = q[j * nq + (size_t)lv->q99];
        row[COL_VAR995] = q[j * nq + (size_t)lv->q995];
        row[COL_ES99] = es[j * ne + (size_t)lv->es99];
        row[COL_AAL] = aal[j];
        row[COL_RP100] = rp[j * nr + (size_t)lv->rp100];
        row[COL_RP200] = rp[j * nr + (size_t)lv->rp200];
    }
    rc = 0;
out:
    free(mean);
    free(se);
    free(aal);
    free(q);
    free(es);
    free(rp);
    return rc;
}

/* The headline's parts (format 1.3 on): mean value added lost, extra cost
   and gross output lost per sector, their sums in row S. */
static int read_parts(mr_h5r *r, summary *s)
{
    if (s->version[0] == 1 && s->version[1] < 3)
        return 0;
    const size_t S = s->S;
    static const char *const name[3] = {"/summary/sector_gva_loss_mean",
                                        "/summary/sector_extra_cost_mean",
                                        "/summary/sector_output_loss_mean"};
    double *v = malloc(S ? S * sizeof *v : 1);
    if (!v || !(s->parts = calloc((S + 1) * 3, sizeof *s->parts))) {
        free(v);
        return mr_h5r_nomem(r);
    }
    for (int k = 0; k < 3; k++) {
        if (mr_h5r_f64(r, r->file, name[k], v, S) < 0) {
            free(v);
            return -1;
        }
        for (size_t j = 0; j < S; j++) {
            s->parts[j * 3 + (size_t)k] = v[j];
            s->parts[S * 3 + (size_t)k] += v[j];
        }
    }
    free(v);
    s->basis = mr_h5r_attr_str(r->file, ".", "loss_basis");
    if (!s->basis)
        return mr_h5r_damaged_why(r, r->file, ".", "has no string attribute loss_basis");
    char *safe = malloc(64);
    if (!safe)
        return mr_h5r_nomem(r);
    mr_printable(s->basis, safe, 64); /* a name read from a file is printed safely */
    free(s->basis);
    s->basis = safe;
    return 0;
}

static int read_minerals(mr_h5r *r, summary *s)
{
    static const char *const names[NMINCOLS] = {
        "/summary/mineral_shortage_prob", "/summary/mineral_shortfall_mean_avg",
        "/summary/mineral_shortfall_months_avg", "/summary/mineral_stockpile_empty_prob",
        "/summary/mineral_price_peak_avg"};
    double *v = malloc((s->M ? s->M : 1) * sizeof *v);
    if (!v)
        return mr_h5r_nomem(r);
    for (int c = 0; c < NMINCOLS; c++) {
        if (mr_h5r_f64(r, r->file, names[c], v, s->M) < 0) {
            free(v);
            return -1;
        }
        for (size_t m = 0; m < s->M; m++)
            s->mineral_fig[m * NMINCOLS + (size_t)c] = v[m];
    }
    free(v);
    return 0;
}

/* The rows of the indicator group `g` (names `g`/<dataset>), their row
   coordinate `dim` and mineral ids `ids`; uk: also basis, source and
   capped. */
static int read_ind_table(mr_h5r *r, const char *g, const char *dim, const char *ids, bool uk,
                          ind_table *t)
{
    char name[1024];
#define IND_NAME(ds) (snprintf(name, sizeof name, "%s/%s", g, ds), name)
    long long n = mr_h5r_extent(r, r->file, IND_NAME(dim));
    if (n < 0)
        return -1;
    const size_t alloc = n ? (size_t)n : 1;
    t->fig = calloc(alloc * NINDCOLS, sizeof *t->fig);
    double *v = malloc(alloc * sizeof *v);
    if (!t->fig || !v) {
        free(v);
        return mr_h5r_nomem(r);
    }
    t->n = (size_t)n;
    char ***strs[] = {&t->mineral, &t->stage, &t->top, &t->basis, &t->source};
    const char *const snames[] = {ids, "stage", "top_country", "basis", "source"};
    int ok = 1;
    for (size_t k = 0; ok && k < (uk ? 5u : 3u); k++)
        ok = (*strs[k] = mr_h5r_strings(r, r->file, IND_NAME(snames[k]), t->n)) &&
             !mr_h5r_printable(r, *strs[k], t->n);
    static const char *const names[NINDCOLS] = {"hhi",       "hhi_wgi",     "top_share",
                                                "above_cap", "wgi_assumed", "capped"};
    for (int c = 0; ok && c < (uk ? NINDCOLS : ICOL_CAPPED); c++) {
        ok = mr_h5r_f64(r, r->file, IND_NAME(names[c]), v, t->n) == 0; /* uint8 flags exact */
        for (size_t k = 0; ok && k < t->n; k++)
            t->fig[k * NINDCOLS + (size_t)c] = v[k];
    }
    /* before the cap (kept from format 1.4 on, not in the first 1.4 files) */
    if (ok && uk && H5Lexists(r->file, IND_NAME("top_share_before_policy"), H5P_DEFAULT) > 0) {
        ok = (t->share_before = malloc(alloc * sizeof *t->share_before)) != NULL;
        if (!ok)
            mr_h5r_nomem(r);
        ok = ok && mr_h5r_f64(r, r->file, name, t->share_before, t->n) == 0 &&
             (t->top_before =
                  mr_h5r_strings(r, r->file, IND_NAME("top_country_before_policy"), t->n)) &&
             !mr_h5r_printable(r, t->top_before, t->n);
    }
#undef IND_NAME
    free(v);
    return ok ? 0 : -1;
}

/* The static indicators (MODEL §11) of the run in group `run` ("" for the
   root of a run file, "/runs/a" of a comparison), when the file has them
   (format 1.1), and those of UK sourcing (format 1.4). */
int mr_summary_read_indicators_at(mr_h5r *r, const char *run, summary *s)
{
    char g[768], gu[800];
    if ((size_t)snprintf(g, sizeof g, "%s/indicators", run) >= sizeof g)
        return mr_h5r_damaged_why(r, r->file, run, "is a group name too long to read");
    snprintf(gu, sizeof gu, "%s/uk", g);
    if (H5Lexists(r->file, g, H5P_DEFAULT) <= 0)
        return 0;
    if (mr_h5r_attr_num(r, r->file, g, "cap", H5T_NATIVE_DOUBLE, 1, &s->cap) < 0 ||
        read_ind_table(r, g, "stage_row", "mineral_id", false, &s->ind) < 0)
        return -1;
    if (H5Lexists(r->file, gu, H5P_DEFAULT) <= 0)
        return 0;
    return read_ind_table(r, gu, "mineral", "mineral", true, &s->uk);
}

static int read_indicators(mr_h5r *r, summary *s)
{
    return mr_summary_read_indicators_at(r, "", s);
}

/* The stated policy costs (/policies), when the file has them. */
static int read_policy_costs(mr_h5r *r, summary *s)
{
    const hid_t f = r->file;
    if (H5Lexists(f, "/policies", H5P_DEFAULT) <= 0)
        return 0;
    long long n = mr_h5r_extent(r, f, "/policies/lever");
    if (n < 0)
        return -1;
    if (n > MR_NLEVERS_MAX)
        return mr_h5r_damaged_why(r, f, "/policies/lever", "has %lld levers", n);
    s->cost = malloc((size_t)(n ? n : 1) * sizeof *s->cost);
    if (!s->cost)
        return mr_h5r_nomem(r);
    if (!(s->lever = mr_h5r_strings(r, f, "/policies/lever", (size_t)n)))
        return -1;
    if (!(s->source = mr_h5r_strings(r, f, "/policies/source", (size_t)n))) {
        mr_h5r_free_strings(s->lever, (size_t)n);
        s->lever = NULL;
        return -1;
    }
    s->ncost = (size_t)n;
    if (mr_h5r_printable(r, s->lever, s->ncost) < 0 ||
        mr_h5r_printable(r, s->source, s->ncost) < 0 ||
        mr_h5r_f64(r, f, "/policies/cost_gbp", s->cost, s->ncost) ||
        mr_h5r_f64(r, f, "/policies/total_cost_gbp", &s->cost_total, 1))
        return -1;
    return 0;
}

/* After read_header. */
static int read_summary(mr_h5r *r, summary *s)
{
    long long S = mr_h5r_extent(r, r->file, "/summary/sector"),
              M = mr_h5r_extent(r, r->file, "/summary/mineral");
    if (S < 0 || M < 0)
        return -1;
    s->S = (size_t)S;
    s->M = (size_t)M;
    s->loss = calloc((s->S + 1) * NLOSSCOLS, sizeof *s->loss);
    s->mineral_fig = calloc((s->M ? s->M : 1) * NMINCOLS, sizeof *s->mineral_fig);
    if (!s->loss || !s->mineral_fig)
        return mr_h5r_nomem(r);
    if (!(s->sector = mr_h5r_strings(r, r->file, "/summary/sector", s->S)) ||
        !(s->mineral = mr_h5r_strings(r, r->file, "/summary/mineral", s->M)) ||
        mr_h5r_printable(r, s->sector, s->S) < 0 || mr_h5r_printable(r, s->mineral, s->M) < 0)
        return -1;

    double q[MR_OUTPUT_NQUANTILES], es[MR_OUTPUT_NES], rp[MR_OUTPUT_NRP];
    if (mr_h5r_f64(r, r->file, "/summary/quantile", q, MR_OUTPUT_NQUANTILES) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/es_level", es, MR_OUTPUT_NES) < 0 ||
        mr_h5r_f64(r, r->file, "/summary/return_period", rp, MR_OUTPUT_NRP) < 0)
        return -1;
    levels lv = {
        find_level(r, "/summary/quantile", q, MR_OUTPUT_NQUANTILES, 0.95),
        find_level(r, "/summary/quantile", q, MR_OUTPUT_NQUANTILES, 0.99),
        find_level(r, "/summary/quantile", q, MR_OUTPUT_NQUANTILES, 0.995),
        find_level(r, "/summary/es_level", es, MR_OUTPUT_NES, 0.99),
        find_level(r, "/summary/return_period", rp, MR_OUTPUT_NRP, 100),
        find_level(r, "/summary/return_period", rp, MR_OUTPUT_NRP, 200),
    };
    if (r->status)
        return -1;
    if (read_losses(r, s, &lv) < 0 || read_parts(r, s) < 0 || read_minerals(r, s) < 0 ||
        read_policy_costs(r, s) < 0)
        return -1;
    return read_indicators(r, s);
}

/* ---- printing: column-aligned text tables -------------------------------- */

char *mr_tab_cell(table *t, size_t row, size_t col)
{
    return t->cell[row * t->cols + col];
}

/* First column left-aligned, the others right-aligned, two spaces apart. */
void mr_tab_print(FILE *out, table *t)
{
    size_t fixed[16] = {0}; /* any number of columns: beyond 16 on the heap */
    size_t *width = t->cols <= 16 ? fixed : calloc(t->cols, sizeof *width);
    if (!width) { /* out of memory: unaligned, every cell still printed */
        width = fixed;
        memset(fixed, 0, sizeof fixed);
    }
    const size_t nw = width == fixed ? 16 : t->cols;
    for (size_t c = 0; c < t->cols && c < nw; c++)
        for (size_t r = 0; r < t->rows; r++) {
            size_t w = strlen(mr_tab_cell(t, r, c));
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            int w = c < nw ? (int)width[c] : 0;
            if (c == 0)
                fprintf(out, "%-*s", w, mr_tab_cell(t, r, c));
            else
                fprintf(out, "  %*s", w, mr_tab_cell(t, r, c));
        }
        fputc('\n', out);
    }
    if (width != fixed)
        free(width);
}

void mr_tab_fmt_num(char *dst, double v, int decimals, const char *suffix)
{
    if (isnan(v))
        snprintf(dst, CELL, "n/a");
    else if (fabs(v) >= MR_TAB_EXP_FROM) /* %.0f of 1e228 was cut to 47 digits: 1e46 */
        snprintf(dst, CELL, "%.4g%s", v, suffix);
    else
        snprintf(dst, CELL, "%.*f%s", decimals, v, suffix);
}

int mr_tab_decimals(double maxabs)
{
    return maxabs >= 1000.0 ? 0 : maxabs >= 100.0 ? 1 : maxabs >= 1.0 ? 2 : 3;
}

/* t's cells (t->rows x t->cols), empty but the first row, the heading
   `head`: 0, or -1 when out of memory. */
int mr_tab_headed(table *t, const char *const *head)
{
    t->cell = calloc(t->rows * t->cols, sizeof *t->cell);
    if (!t->cell)
        return -1;
    for (size_t c = 0; c < t->cols; c++)
        snprintf(mr_tab_cell(t, 0, c), CELL, "%s", head[c]);
    return 0;
}

/* The static indicators, as `minrisk validate` shows them (MODEL §11). */
static int print_indicators(FILE *out, const summary *s)
{
    fprintf(out,
            "\nStatic indicators (no sampling): HHI = sum of supplier shares squared, x10^4; "
            "HHI_WGI =\nsum of share^2 x (10 - 2 (wgi_pv + 2.5)), 0-10, governance-weighted "
            "(EU method); * = a supplier\nwithout WGI, 5 assumed; ABOVE CAP = top share above "
            "%.4g%%.\n\n",
            100.0 * s->cap);
    static const char *const head[] = {"mineral",     "stage",       "HHI (x10^4)", "HHI_WGI",
                                       "top country", "top share %", "flag"};
    const ind_table *it = &s->ind;
    table t = {it->n + 1, 7, NULL};
    if (mr_tab_headed(&t, head) < 0)
        return -1;
    size_t nabove = 0;
    for (size_t k = 0; k < it->n; k++) {
        const double *f = it->fig + k * NINDCOLS;
        snprintf(mr_tab_cell(&t, k + 1, 0), CELL, "%s", it->mineral[k]);
        snprintf(mr_tab_cell(&t, k + 1, 1), CELL, "%s", it->stage[k]);
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 2), 1e4 * f[ICOL_HHI], 0, "");
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 3), f[ICOL_HHI_WGI], 2,
                       f[ICOL_ASSUMED] != 0.0 ? "*" : " ");
        snprintf(mr_tab_cell(&t, k + 1, 4), CELL, "%s", it->top[k]);
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 5), 100.0 * f[ICOL_SHARE], 1, "");
        snprintf(mr_tab_cell(&t, k + 1, 6), CELL, "%s", f[ICOL_ABOVE] != 0.0 ? "ABOVE CAP" : "");
        nabove += f[ICOL_ABOVE] != 0.0;
    }
    mr_tab_print(out, &t);
    free(t.cell);
    fprintf(out, "\n%zu of %zu stages above the cap of %.4g%%\n", nabove, it->n, 100.0 * s->cap);
    return 0;
}

/* UK sourcing beside the world's product stage (/indicators/uk, format
   1.4; docs/MODEL.md §3u). */
static int print_uk_indicators(FILE *out, const summary *s)
{
    fprintf(out, "\nUK sourcing top share vs world top share (no sampling): world = the mineral's "
                 "product\nstage; UK = shares of the UK's purchases after any cap (+ = the cap "
                 "changed them); basis\ndata = UK import data (sources below), fallback = no UK "
                 "import data, the open market's\nshares stand in.\n\n");
    static const char *const head[] = {"mineral",   "stage",      "world top", "world share %",
                                       "world HHI", "world flag", "UK top",    "UK share %",
                                       "UK HHI",    "UK flag",    "basis"};
    const ind_table *u = &s->uk;
    table t = {u->n + 1, 11, NULL};
    if (mr_tab_headed(&t, head) < 0)
        return -1;
    size_t nabove = 0, nfallback = 0;
    for (size_t k = 0; k < u->n; k++) {
        const double *f = u->fig + k * NINDCOLS;
        snprintf(mr_tab_cell(&t, k + 1, 0), CELL, "%s", u->mineral[k]);
        snprintf(mr_tab_cell(&t, k + 1, 1), CELL, "%s", u->stage[k]);
        for (size_t w = 0; w < s->ind.n; w++) /* the world's row of the same stage */
            if (!strcmp(s->ind.mineral[w], u->mineral[k]) &&
                !strcmp(s->ind.stage[w], u->stage[k])) {
                const double *g = s->ind.fig + w * NINDCOLS;
                snprintf(mr_tab_cell(&t, k + 1, 2), CELL, "%s", s->ind.top[w]);
                mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 3), 100.0 * g[ICOL_SHARE], 1, "");
                mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 4), 1e4 * g[ICOL_HHI], 0, "");
                snprintf(mr_tab_cell(&t, k + 1, 5), CELL, "%s",
                         g[ICOL_ABOVE] != 0.0 ? "ABOVE CAP" : "");
            }
        snprintf(mr_tab_cell(&t, k + 1, 6), CELL, "%s", u->top[k]);
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 7), 100.0 * f[ICOL_SHARE], 1,
                       f[ICOL_CAPPED] != 0.0 ? "+" : " ");
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 8), 1e4 * f[ICOL_HHI], 0, "");
        snprintf(mr_tab_cell(&t, k + 1, 9), CELL, "%s", f[ICOL_ABOVE] != 0.0 ? "ABOVE CAP" : "");
        snprintf(mr_tab_cell(&t, k + 1, 10), CELL, "%s", u->basis[k]);
        nabove += f[ICOL_ABOVE] != 0.0;
        nfallback += strcmp(u->basis[k], "data") != 0;
    }
    mr_tab_print(out, &t);
    free(t.cell);
    fprintf(out,
            "\n%zu of %zu minerals' UK sourcing above the cap of %.4g%%; %zu of %zu on the "
            "open-market fallback\n",
            nabove, u->n, 100.0 * s->cap, nfallback, u->n);
    for (size_t k = 0; k < u->n; k++)
        if (!strcmp(u->basis[k], "data"))
            fprintf(out, "  %s: UK data: %s\n", u->mineral[k], u->source[k]);
    return 0;
}

/* The headline's parts, means over the horizon (format 1.3 on). */
static int print_parts(FILE *out, const summary *s, int dec)
{
    fprintf(out,
            "\nHeadline loss = value added lost + extra input cost (basis: %s); gross output "
            "(turnover)\nlost is a secondary figure, not added. Means over the horizon, GBP m.\n\n",
            s->basis);
    static const char *const head[5] = {"sector", "value added lost", "extra cost", "headline",
                                        "gross output lost"};
    table t = {s->S + 2, 5, NULL};
    t.cell = calloc(t.rows * t.cols, sizeof *t.cell);
    if (!t.cell)
        return -1;
    for (size_t c = 0; c < 5; c++)
        snprintf(mr_tab_cell(&t, 0, c), CELL, "%s", head[c]);
    for (size_t j = 0; j <= s->S; j++) {
        const double *p = s->parts + j * 3;
        snprintf(mr_tab_cell(&t, j + 1, 0), CELL, "%s", j < s->S ? s->sector[j] : "Total");
        mr_tab_fmt_num(mr_tab_cell(&t, j + 1, 1), p[0] / MR_GBP_PER_MILLION, dec, "");
        mr_tab_fmt_num(mr_tab_cell(&t, j + 1, 2), p[1] / MR_GBP_PER_MILLION, dec, "");
        mr_tab_fmt_num(mr_tab_cell(&t, j + 1, 3), (p[0] + p[1]) / MR_GBP_PER_MILLION, dec, "");
        mr_tab_fmt_num(mr_tab_cell(&t, j + 1, 4), p[2] / MR_GBP_PER_MILLION, dec, "");
    }
    mr_tab_print(out, &t);
    free(t.cell);
    return 0;
}

/* The stated policy costs, each with its source (MODEL §10). */
static void print_policy_costs(FILE *out, const summary *s)
{
    fprintf(out,
            "\nPolicy costs stated by the scenario (policies.cost: inputs, not sampled), GBP m "
            "over the\n%d-year horizon, undiscounted:\n\n",
            s->horizon);
    int w = 5;
    for (size_t k = 0; k < s->ncost; k++)
        if ((int)strlen(s->lever[k]) > w)
            w = (int)strlen(s->lever[k]);
    char c[64];
    for (size_t k = 0; k < s->ncost; k++) {
        mr_policy_cost_fmt(c, sizeof c, 10, s->cost[k] / MR_GBP_PER_MILLION);
        fprintf(out, "%-*s  %s  %s\n", w, s->lever[k], c, s->source[k]);
    }
    mr_policy_cost_fmt(c, sizeof c, 10, s->cost_total / MR_GBP_PER_MILLION);
    fprintf(out, "%-*s  %s\n", w, "Total", c);
}

static int print_summary(FILE *out, const summary *s, bool brief)
{
    fprintf(out, "Scenario   %s\n", s->scenario);
    fprintf(out, "Trials     %llu (seed %llu)\n", (unsigned long long)s->trials,
            (unsigned long long)s->seed);
    if (s->weighted && !(s->ess > 0.0)) /* NaN: the weights sum to 0 or to no finite number */
        fprintf(out,
                "Weights    importance-sampled (/importance), but the weights sum to 0 or to no "
                "finite number:\n           every likelihood ratio under- or overflowed, so "
                "EVERY WEIGHTED FIGURE BELOW IS MEANINGLESS;\n           weaken the tilt "
                "(docs/STUDIES.md, Importance sampling)\n");
    else if (s->weighted)
        fprintf(out,
                "Weights    importance-sampled (/importance): the statistics are weighted; "
                "effective sample\n           size %.0f of %llu trials, the largest weight %.2g%% "
                "of their sum\n",
                s->ess, (unsigned long long)s->trials, 100.0 * s->wmax_share);
    fprintf(out, "Horizon    %d years, %d steps a year\n", s->horizon, s->steps_per_year);
    fprintf(out, "Software   minrisk %s, file format %d.%d\n\n", s->software, s->version[0],
            s->version[1]);

    fprintf(out,
            "Losses in GBP m: over the %d-year horizon (mean; VaR = empirical quantile; ES = "
            "expected shortfall)\nand per year (AAL = average annual loss; 1-in-N = annual loss "
            "at a return period of N years).\nse = Monte Carlo standard error of the mean.\n\n",
            s->horizon);
    static const char *const head[NLOSSCOLS + 1] = {"sector",   "mean",      "se",     "VaR 95%",
                                                    "VaR 99%",  "VaR 99.5%", "ES 99%", "AAL",
                                                    "1-in-100", "1-in-200"};
    table t = {s->S + 2, NLOSSCOLS + 1, NULL};
    t.cell = calloc(t.rows * t.cols, sizeof *t.cell);
    if (!t.cell)
        return -1;
    double maxabs = 0.0;
    for (size_t i = 0; i < (s->S + 1) * NLOSSCOLS; i++)
        if (isfinite(s->loss[i]))
            maxabs = fmax(maxabs, fabs(s->loss[i]) / MR_GBP_PER_MILLION);
    int dec = mr_tab_decimals(maxabs);
    for (size_t c = 0; c <= NLOSSCOLS; c++)
        snprintf(mr_tab_cell(&t, 0, c), CELL, "%s", head[c]);
    for (size_t j = 0; j <= s->S; j++) {
        snprintf(mr_tab_cell(&t, j + 1, 0), CELL, "%s", j < s->S ? s->sector[j] : "Total");
        for (size_t c = 0; c < NLOSSCOLS; c++)
            mr_tab_fmt_num(mr_tab_cell(&t, j + 1, c + 1),
                           s->loss[j * NLOSSCOLS + c] / MR_GBP_PER_MILLION, dec, "");
    }
    mr_tab_print(out, &t);
    free(t.cell);
    if (brief)
        return 0;
    if (s->parts && print_parts(out, s, dec) < 0)
        return -1;
    if (s->ncost > 0)
        print_policy_costs(out, s);

    fprintf(out,
            "\nMinerals: P(short) = probability that the peak shortfall exceeds 1%% of "
            "demand; mean short =\nmean shortfall over the horizon, %% of demand; months "
            "short = mean months with shortfall > 1%%;\nP(stock empty) = probability that "
            "the strategic stockpile runs out; peak price = mean peak P/P0.\n%s\n",
            s->weighted ? "Weighted: a probability is the unbiased sum w 1{event} / N, which "
                          "sampling error\ncan carry past 100%.\n"
                        : "");
    static const char *const mhead[NMINCOLS + 1] = {"mineral",      "P(short)",       "mean short",
                                                    "months short", "P(stock empty)", "peak price"};
    table m = {s->M + 1, NMINCOLS + 1, NULL};
    m.cell = calloc(m.rows * m.cols, sizeof *m.cell);
    if (!m.cell)
        return -1;
    for (size_t c = 0; c <= NMINCOLS; c++)
        snprintf(mr_tab_cell(&m, 0, c), CELL, "%s", mhead[c]);
    for (size_t k = 0; k < s->M; k++) {
        const double *f = s->mineral_fig + k * NMINCOLS;
        snprintf(mr_tab_cell(&m, k + 1, 0), CELL, "%s", s->mineral[k]);
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 1), 100.0 * f[MCOL_PSHORT], 1, "%");
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 2), 100.0 * f[MCOL_SHORT], 2, "%");
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 3), f[MCOL_MONTHS], 1, "");
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 4), 100.0 * f[MCOL_PEMPTY], 1, "%");
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 5), f[MCOL_PRICE], 2, "x");
    }
    mr_tab_print(out, &m);
    free(m.cell);
    if (s->ind.n > 0 && print_indicators(out, s) < 0)
        return -1;
    if (s->uk.n > 0 && s->ind.n > 0) /* beside the world's rows */
        return print_uk_indicators(out, s);
    return 0;
}

/* ---- entry point ------------------------------------------------------------ */

int mr_summary_print(const char *path, FILE *out, mr_error *err)
{
    return mr_summary_print_brief(path, out, false, err);
}

/* /precision (minrisk run --target-precision): what stopped the run, the
   precision reached per target and the check points. 0, or -1 (r->status). */
static int print_precision(mr_h5r *r, FILE *out)
{
    const hid_t f = r->file;
    if (H5Lexists(f, "/precision", H5P_DEFAULT) <= 0)
        return 0;
    long long T = mr_h5r_extent(r, f, "precision/target"),
              K = mr_h5r_extent(r, f, "precision/check_trials");
    if (T < 1 || K < 1 || T > 64 || K > 64)
        return mr_h5r_damaged(r, f, "precision/target");
    char **name = mr_h5r_strings(r, f, "precision/target", (size_t)T);
    char *stop = mr_h5r_text(r, f, "precision/stopped_by");
    uint64_t *ct =
        mr_h5r_read_new(r, f, "precision/check_trials", H5T_NATIVE_UINT64, sizeof *ct, (size_t)K);
    double *want = mr_h5r_read_new(r, f, "precision/target_relative_half_width", H5T_NATIVE_DOUBLE,
                                   sizeof(double), (size_t)T);
    double *est = mr_h5r_read_new(r, f, "precision/estimate", H5T_NATIVE_DOUBLE, sizeof(double),
                                  (size_t)(K * T));
    double *rel = mr_h5r_read_new(r, f, "precision/relative_half_width", H5T_NATIVE_DOUBLE,
                                  sizeof(double), (size_t)(K * T));
    int rc = -1;
    stop = mr_h5r_printable_own(stop);
    if (name && stop && ct && want && est && rel && mr_h5r_printable(r, name, (size_t)T) == 0) {
        fprintf(out, "\nPrecision (--target-precision): stopped at %llu trials by %s\n",
                (unsigned long long)ct[K - 1], stop);
        fprintf(out, "  %-20s %10s %10s %16s\n", "target", "wanted", "reached", "estimate GBP m");
        for (long long k = 0; k < T; k++) {
            const double reached = rel[(K - 1) * T + k];
            fprintf(out, "  %-20s %10.4f %10.4f %16.2f%s\n", name[k], want[k], reached,
                    est[(K - 1) * T + k] / 1e6, reached <= want[k] ? "" : "  not met");
        }
        fprintf(out, "  check points (trials: relative half-width of each target):\n");
        for (long long c = 0; c < K; c++) {
            fprintf(out, "  %10llu:", (unsigned long long)ct[c]);
            for (long long k = 0; k < T; k++)
                fprintf(out, " %.4f", rel[c * T + k]);
            fprintf(out, "\n");
        }
        rc = 0;
    }
    mr_h5r_free_strings(name, (size_t)(T > 0 ? T : 0));
    free(stop);
    free(ct);
    free(want);
    free(est);
    free(rel);
    return rc;
}

int mr_summary_print_brief(const char *path, FILE *out, bool brief, mr_error *err)
{
    mr_h5r r;
    summary s;
    memset(&s, 0, sizeof s);
    int multi = 0; /* 1: a sweep or comparison file, printed */
    if (mr_h5r_open(&r, path, 0, err) == 0 && read_header(&r, &s) == 0 &&
        (multi = mr_summary_print_multi(&r, out)) == 0)
        read_summary(&r, &s);
    mr_h5r_close(&r);

    if (!r.status && !multi && print_summary(out, &s, brief) < 0)
        mr_h5r_nomem(&r); /* a table left out: not exit status 0 */
    if (!r.status && !multi && !brief && mr_h5r_open(&r, path, 0, err) == 0) {
        print_precision(&r, out);
        mr_h5r_close(&r);
    }
    mr_summary_free(&s);
    if (r.status) /* out of memory is no fault of the file's */
        return r.status == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
    return multi || brief ? 0 : mr_attr_print(path, out, err); /* /attribution */
}
