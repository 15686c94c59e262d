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
    s->scenario = mr_printable_own(mr_h5r_attr_str(f, ".", "scenario_name"));
    s->software = mr_printable_own(mr_h5r_attr_str(f, ".", "software_version"));
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
    size_t width[16] = {0};
    for (size_t c = 0; c < t->cols && c < 16; c++)
        for (size_t r = 0; r < t->rows; r++) {
            size_t w = strlen(mr_tab_cell(t, r, c));
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            if (c == 0)
                fprintf(out, "%-*s", (int)width[c], mr_tab_cell(t, r, c));
            else
                fprintf(out, "  %*s", (int)width[c], mr_tab_cell(t, r, c));
        }
        fputc('\n', out);
    }
}

static void fmt_num(char *dst, double v, int decimals, const char *suffix)
{
    if (isnan(v))
        snprintf(dst, CELL, "n/a");
    else
        snprintf(dst, CELL, "%.*f%s", decimals, v, suffix);
}

/* Decimals that show about four significant digits of the largest value. */
static int decimals_for(double maxabs)
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
static void print_indicators(FILE *out, const summary *s)
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
        return;
    size_t nabove = 0;
    for (size_t k = 0; k < it->n; k++) {
        const double *f = it->fig + k * NINDCOLS;
        snprintf(mr_tab_cell(&t, k + 1, 0), CELL, "%s", it->mineral[k]);
        snprintf(mr_tab_cell(&t, k + 1, 1), CELL, "%s", it->stage[k]);
        fmt_num(mr_tab_cell(&t, k + 1, 2), 1e4 * f[ICOL_HHI], 0, "");
        fmt_num(mr_tab_cell(&t, k + 1, 3), f[ICOL_HHI_WGI], 2, f[ICOL_ASSUMED] != 0.0 ? "*" : " ");
        snprintf(mr_tab_cell(&t, k + 1, 4), CELL, "%s", it->top[k]);
        fmt_num(mr_tab_cell(&t, k + 1, 5), 100.0 * f[ICOL_SHARE], 1, "");
        snprintf(mr_tab_cell(&t, k + 1, 6), CELL, "%s", f[ICOL_ABOVE] != 0.0 ? "ABOVE CAP" : "");
        nabove += f[ICOL_ABOVE] != 0.0;
    }
    mr_tab_print(out, &t);
    free(t.cell);
    fprintf(out, "\n%zu of %zu stages above the cap of %.4g%%\n", nabove, it->n, 100.0 * s->cap);
}

/* UK sourcing beside the world's product stage (/indicators/uk, format
   1.4; docs/MODEL.md §3u). */
static void print_uk_indicators(FILE *out, const summary *s)
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
        return;
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
                fmt_num(mr_tab_cell(&t, k + 1, 3), 100.0 * g[ICOL_SHARE], 1, "");
                fmt_num(mr_tab_cell(&t, k + 1, 4), 1e4 * g[ICOL_HHI], 0, "");
                snprintf(mr_tab_cell(&t, k + 1, 5), CELL, "%s",
                         g[ICOL_ABOVE] != 0.0 ? "ABOVE CAP" : "");
            }
        snprintf(mr_tab_cell(&t, k + 1, 6), CELL, "%s", u->top[k]);
        fmt_num(mr_tab_cell(&t, k + 1, 7), 100.0 * f[ICOL_SHARE], 1,
                f[ICOL_CAPPED] != 0.0 ? "+" : " ");
        fmt_num(mr_tab_cell(&t, k + 1, 8), 1e4 * f[ICOL_HHI], 0, "");
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
}

/* The headline's parts, means over the horizon (format 1.3 on). */
static void print_parts(FILE *out, const summary *s, int dec)
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
        return;
    for (size_t c = 0; c < 5; c++)
        snprintf(mr_tab_cell(&t, 0, c), CELL, "%s", head[c]);
    for (size_t j = 0; j <= s->S; j++) {
        const double *p = s->parts + j * 3;
        snprintf(mr_tab_cell(&t, j + 1, 0), CELL, "%s", j < s->S ? s->sector[j] : "Total");
        fmt_num(mr_tab_cell(&t, j + 1, 1), p[0] / MR_GBP_PER_MILLION, dec, "");
        fmt_num(mr_tab_cell(&t, j + 1, 2), p[1] / MR_GBP_PER_MILLION, dec, "");
        fmt_num(mr_tab_cell(&t, j + 1, 3), (p[0] + p[1]) / MR_GBP_PER_MILLION, dec, "");
        fmt_num(mr_tab_cell(&t, j + 1, 4), p[2] / MR_GBP_PER_MILLION, dec, "");
    }
    mr_tab_print(out, &t);
    free(t.cell);
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

static void print_summary(FILE *out, const summary *s, bool brief)
{
    fprintf(out, "Scenario   %s\n", s->scenario);
    fprintf(out, "Trials     %llu (seed %llu)\n", (unsigned long long)s->trials,
            (unsigned long long)s->seed);
    if (s->weighted)
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
        return;
    double maxabs = 0.0;
    for (size_t i = 0; i < (s->S + 1) * NLOSSCOLS; i++)
        if (isfinite(s->loss[i]))
            maxabs = fmax(maxabs, fabs(s->loss[i]) / MR_GBP_PER_MILLION);
    int dec = decimals_for(maxabs);
    for (size_t c = 0; c <= NLOSSCOLS; c++)
        snprintf(mr_tab_cell(&t, 0, c), CELL, "%s", head[c]);
    for (size_t j = 0; j <= s->S; j++) {
        snprintf(mr_tab_cell(&t, j + 1, 0), CELL, "%s", j < s->S ? s->sector[j] : "Total");
        for (size_t c = 0; c < NLOSSCOLS; c++)
            fmt_num(mr_tab_cell(&t, j + 1, c + 1), s->loss[j * NLOSSCOLS + c] / MR_GBP_PER_MILLION,
                    dec, "");
    }
    mr_tab_print(out, &t);
    free(t.cell);
    if (brief)
        return;
    if (s->parts)
        print_parts(out, s, dec);
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
        return;
    for (size_t c = 0; c <= NMINCOLS; c++)
        snprintf(mr_tab_cell(&m, 0, c), CELL, "%s", mhead[c]);
    for (size_t k = 0; k < s->M; k++) {
        const double *f = s->mineral_fig + k * NMINCOLS;
        snprintf(mr_tab_cell(&m, k + 1, 0), CELL, "%s", s->mineral[k]);
        fmt_num(mr_tab_cell(&m, k + 1, 1), 100.0 * f[MCOL_PSHORT], 1, "%");
        fmt_num(mr_tab_cell(&m, k + 1, 2), 100.0 * f[MCOL_SHORT], 2, "%");
        fmt_num(mr_tab_cell(&m, k + 1, 3), f[MCOL_MONTHS], 1, "");
        fmt_num(mr_tab_cell(&m, k + 1, 4), 100.0 * f[MCOL_PEMPTY], 1, "%");
        fmt_num(mr_tab_cell(&m, k + 1, 5), f[MCOL_PRICE], 2, "x");
    }
    mr_tab_print(out, &m);
    free(m.cell);
    if (s->ind.n > 0)
        print_indicators(out, s);
    if (s->uk.n > 0 && s->ind.n > 0) /* beside the world's rows */
        print_uk_indicators(out, s);
}

/* ---- entry point ------------------------------------------------------------ */

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
    char *name = mr_printable_own(mr_h5r_attr_str(f, ".", "scenario_name"));
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
    int dec = decimals_for(maxabs);
    for (long long v = 0; v < V; v++) {
        for (long long k = 0; k < K; k++)
            snprintf(mr_tab_cell(&t, (size_t)v + 1, (size_t)k), CELL, "%s", kset[v * K + k]);
        for (size_t c = 0; c < NH; c++)
            fmt_num(mr_tab_cell(&t, (size_t)v + 1, (size_t)K + c),
                    head[v * NH + (long long)c] / MR_GBP_PER_MILLION, dec, "");
        const double *d = diff + v * 3;
        if (v == 0)
            snprintf(mr_tab_cell(&t, 1, (size_t)K + 7), CELL, "(reference)");
        else
            snprintf(mr_tab_cell(&t, (size_t)v + 1, (size_t)K + 7), CELL, "%+.*f [%+.*f, %+.*f]",
                     dec, d[0] / MR_GBP_PER_MILLION, dec, d[1] / MR_GBP_PER_MILLION, dec,
                     d[2] / MR_GBP_PER_MILLION);
    }
    mr_tab_print(out, &t);
    free(t.cell);
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

/* A statistic of /difference as the tables print it ("var95": "VaR 95%"). */
static const char *stat_label(const char *stat)
{
    static const char *const pretty[][2] = {{"mean", "mean"},
                                            {"var95", "VaR 95%"},
                                            {"var99", "VaR 99%"},
                                            {"es99", "ES 99%"},
                                            {"annual_1in100", "1-in-100"}};
    for (size_t q = 0; q < sizeof pretty / sizeof pretty[0]; q++)
        if (!strcmp(stat, pretty[q][0]))
            return pretty[q][1];
    return stat;
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

/* The differences of a comparison of three or more runs (/difference with
   a `versus` dimension): every run's statistic, then each run's change
   against A with its interval, as `minrisk compare` prints them. */
static int print_compare_many(mr_h5r *r, FILE *out)
{
    const hid_t f = r->file;
    long long P = mr_h5r_extent(r, f, "difference/series"),
              K = mr_h5r_extent(r, f, "difference/statistic"),
              R = mr_h5r_extent(r, f, "difference/run");
    if (P < 1 || K < 1 || R < 3)
        return R < 0 || P < 0 || K < 0 ? -1
                                       : mr_h5r_damaged_why(r, f, "difference/run",
                                                            "has %lld runs, expected 3 or more", R);
    if (R > 26 || P > MR_H5R_MAX_STRINGS / K / R)
        return mr_h5r_damaged_why(r, f, "difference/series",
                                  "has %lld series of %lld statistics of %lld runs", P, K, R);
    const size_t V = (size_t)R - 1, PK = (size_t)(P * K);
    char **series = NULL, **stat = NULL, **name = NULL, **file = NULL, **runs = NULL;
    double *val = malloc((size_t)R * PK * sizeof *val), *vrf = malloc(V * (size_t)P * sizeof *vrf);
    double *v[3] = {NULL}; /* estimate, ci_lo, ci_hi */
    static const char *const dsn[3] = {"difference/estimate", "difference/ci_lo",
                                       "difference/ci_hi"};
    uint64_t trials = 0, seed = 0;
    int rc = -1;
    bool oom = !val || !vrf;
    for (int k = 0; k < 3; k++)
        oom = oom || !(v[k] = malloc(V * PK * sizeof(double)));
    table t = {0, 0, NULL};
    if (oom) {
        mr_h5r_nomem(r);
        goto out;
    }
    if (!(series = mr_h5r_strings(r, f, "difference/series", (size_t)P)) ||
        !(stat = mr_h5r_strings(r, f, "difference/statistic", (size_t)K)) ||
        !(runs = mr_h5r_strings(r, f, "difference/run", (size_t)R)) ||
        !(name = mr_h5r_strings(r, f, "difference/scenario_name", (size_t)R)) ||
        !(file = mr_h5r_strings(r, f, "difference/scenario_file", (size_t)R)) ||
        mr_h5r_printable(r, series, (size_t)P) < 0 || mr_h5r_printable(r, stat, (size_t)K) < 0 ||
        mr_h5r_printable(r, runs, (size_t)R) < 0 || mr_h5r_printable(r, name, (size_t)R) < 0 ||
        mr_h5r_printable(r, file, (size_t)R) < 0 ||
        mr_h5r_f64(r, f, "difference/variance_reduction", vrf, V * (size_t)P) ||
        mr_h5r_f64(r, f, "difference/value", val, (size_t)R * PK) ||
        mr_h5r_attr_num(r, f, ".", "trials", H5T_NATIVE_UINT64, 1, &trials) < 0 ||
        mr_h5r_attr_num(r, f, ".", "seed", H5T_NATIVE_UINT64, 1, &seed) < 0)
        goto out;
    for (int k = 0; k < 3; k++)
        if (mr_h5r_f64(r, f, dsn[k], v[k], V * PK))
            goto out;
    for (long long w = 0; w < R; w++)
        fprintf(out, "Scenario %c  %s (%s)\n", (char)('A' + w), name[w], file[w]);
    fprintf(out, "Trials      %llu each, seed %llu: common random numbers\n\n",
            (unsigned long long)trials, (unsigned long long)seed);
    fprintf(out, "Losses in GBP m (as `minrisk compare` prints them): X - A < 0: X loses less "
                 "than A; 95%%\ninterval of X - A from the paired per-trial differences (n/a: "
                 "not estimated).\n\n");
    t = (table){PK + 1, 2 + (size_t)R + 2 * V, NULL};
    t.cell = calloc(t.rows * t.cols, sizeof *t.cell);
    if (!t.cell) {
        mr_h5r_nomem(r);
        goto out;
    }
    snprintf(mr_tab_cell(&t, 0, 0), CELL, "series");
    snprintf(mr_tab_cell(&t, 0, 1), CELL, "statistic");
    for (long long w = 0; w < R; w++) {
        snprintf(mr_tab_cell(&t, 0, 2 + (size_t)w), CELL, "%c", (char)('A' + w));
        if (w) {
            snprintf(mr_tab_cell(&t, 0, (size_t)(R + 2 * w)), CELL, "%c - A", (char)('A' + w));
            snprintf(mr_tab_cell(&t, 0, (size_t)(R + 2 * w + 1)), CELL, "95%% interval");
        }
    }
    double big = 0.0;
    for (size_t e = 0; e < (size_t)R * PK; e++)
        if (isfinite(val[e]) && fabs(val[e]) / MR_GBP_PER_MILLION > big)
            big = fabs(val[e]) / MR_GBP_PER_MILLION;
    const int dec = decimals_for(big);
    const double m = MR_GBP_PER_MILLION;
    for (long long i = 0; i < P; i++)
        for (long long k = 0; k < K; k++) {
            size_t e = (size_t)(i * K + k), row = e + 1;
            snprintf(mr_tab_cell(&t, row, 0), CELL, "%s", k == 0 ? series[i] : "");
            snprintf(mr_tab_cell(&t, row, 1), CELL, "%s", stat_label(stat[k]));
            for (long long w = 0; w < R; w++) {
                fmt_num(mr_tab_cell(&t, row, 2 + (size_t)w), val[(size_t)w * PK + e] / m, dec, "");
                if (!w)
                    continue;
                size_t d = (size_t)(w - 1) * PK + e;
                fmt_num(mr_tab_cell(&t, row, (size_t)(R + 2 * w)), v[0][d] / m, dec, "");
                if (isnan(v[1][d]) || isnan(v[2][d]))
                    snprintf(mr_tab_cell(&t, row, (size_t)(R + 2 * w + 1)), CELL, "n/a");
                else
                    snprintf(mr_tab_cell(&t, row, (size_t)(R + 2 * w + 1)), CELL, "[%.*f, %.*f]",
                             dec, v[1][d] / m, dec, v[2][d] / m);
            }
        }
    mr_tab_print(out, &t);
    fprintf(out,
            "\nVariance reduction by common random numbers: VRF = (var A + var X) / "
            "var(X - A)\n\n  %-20s",
            "series");
    for (size_t w = 1; w < (size_t)R; w++)
        fprintf(out, "  VRF %c", (char)('A' + w));
    fputc('\n', out);
    for (long long i = 0; i < P; i++) {
        fprintf(out, "  %-20s", series[i]);
        for (size_t w = 1; w < (size_t)R; w++) {
            double x = vrf[(w - 1) * (size_t)P + (size_t)i];
            char b[32];
            if (isinf(x))
                snprintf(b, sizeof b, "inf");
            else if (isnan(x))
                snprintf(b, sizeof b, "n/a");
            else
                snprintf(b, sizeof b, "%.1f", x);
            fprintf(out, "  %5s", b);
        }
        fputc('\n', out);
    }
    rc = print_compare_many_costs(r, out, (size_t)R, runs);
out:
    free(t.cell);
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

/* The paired differences of a comparison file (/difference). */
static int print_compare(mr_h5r *r, FILE *out)
{
    if (H5Lexists(r->file, "difference/versus", H5P_DEFAULT) > 0)
        return print_compare_many(r, out);
    const hid_t f = r->file;
    long long R = mr_h5r_extent(r, f, "difference/series"),
              K = mr_h5r_extent(r, f, "difference/statistic");
    if (R < 1 || K < 1)
        return -1;
    if (R > MR_H5R_MAX_STRINGS / K)
        return mr_h5r_damaged_why(r, f, "difference/series", "has %lld series of %lld statistics",
                                  R, K);
    const size_t RK = (size_t)(R * K);
    char **series = NULL, **stat = NULL, **name = NULL, **file = NULL;
    double *v[5] = {NULL}; /* estimate, ci_lo, ci_hi, a, b */
    static const char *const dsn[5] = {"difference/estimate", "difference/ci_lo",
                                       "difference/ci_hi", "difference/a", "difference/b"};
    double *vrf = malloc((size_t)R * sizeof *vrf);
    uint64_t trials = 0, seed = 0;
    int rc = -1;
    bool oom = !vrf;
    for (int k = 0; k < 5; k++)
        oom = oom || !(v[k] = malloc(RK * sizeof(double)));
    if (oom) {
        mr_h5r_nomem(r);
        goto out;
    }
    if (!(series = mr_h5r_strings(r, f, "difference/series", (size_t)R)) ||
        !(stat = mr_h5r_strings(r, f, "difference/statistic", (size_t)K)) ||
        !(name = mr_h5r_strings(r, f, "difference/scenario_name", 2)) ||
        !(file = mr_h5r_strings(r, f, "difference/scenario_file", 2)) ||
        mr_h5r_printable(r, series, (size_t)R) < 0 || mr_h5r_printable(r, stat, (size_t)K) < 0 ||
        mr_h5r_printable(r, name, 2) < 0 || mr_h5r_printable(r, file, 2) < 0 ||
        mr_h5r_f64(r, f, "difference/variance_reduction", vrf, (size_t)R) ||
        mr_h5r_attr_num(r, f, ".", "trials", H5T_NATIVE_UINT64, 1, &trials) < 0 ||
        mr_h5r_attr_num(r, f, ".", "seed", H5T_NATIVE_UINT64, 1, &seed) < 0)
        goto out;
    for (int k = 0; k < 5; k++)
        if (mr_h5r_f64(r, f, dsn[k], v[k], RK))
            goto out;
    fprintf(out, "Scenario A  %s (%s)\n", name[0], file[0]);
    fprintf(out, "Scenario B  %s (%s)\n", name[1], file[1]);
    fprintf(out, "Trials      %llu each, seed %llu: common random numbers\n\n",
            (unsigned long long)trials, (unsigned long long)seed);
    fprintf(out, "Losses in GBP m (as `minrisk compare` prints them): B - A < 0: B loses less; "
                 "95%% interval of\nB - A from the paired per-trial differences (n/a: not "
                 "estimated).\n\n");
    table t = {RK + 1, 6, NULL};
    t.cell = calloc(t.rows * t.cols, sizeof *t.cell);
    if (!t.cell) {
        mr_h5r_nomem(r);
        goto out;
    }
    static const char *const hd[6] = {"series", "statistic", "A", "B", "B - A", "95% interval"};
    for (size_t c = 0; c < 6; c++)
        snprintf(mr_tab_cell(&t, 0, c), CELL, "%s", hd[c]);
    double big = 0.0;
    for (size_t e = 0; e < RK; e++)
        for (int k = 3; k < 5; k++)
            if (isfinite(v[k][e]) && fabs(v[k][e]) / MR_GBP_PER_MILLION > big)
                big = fabs(v[k][e]) / MR_GBP_PER_MILLION;
    int dec = decimals_for(big);
    for (long long i = 0; i < R; i++)
        for (long long k = 0; k < K; k++) {
            size_t e = (size_t)(i * K + k), row = e + 1;
            const char *sn = stat_label(stat[k]);
            snprintf(mr_tab_cell(&t, row, 0), CELL, "%s", k == 0 ? series[i] : "");
            snprintf(mr_tab_cell(&t, row, 1), CELL, "%s", sn);
            fmt_num(mr_tab_cell(&t, row, 2), v[3][e] / MR_GBP_PER_MILLION, dec, "");
            fmt_num(mr_tab_cell(&t, row, 3), v[4][e] / MR_GBP_PER_MILLION, dec, "");
            fmt_num(mr_tab_cell(&t, row, 4), v[0][e] / MR_GBP_PER_MILLION, dec, "");
            if (isnan(v[1][e]) || isnan(v[2][e]))
                snprintf(mr_tab_cell(&t, row, 5), CELL, "n/a");
            else
                snprintf(mr_tab_cell(&t, row, 5), CELL, "[%.*f, %.*f]", dec,
                         v[1][e] / MR_GBP_PER_MILLION, dec, v[2][e] / MR_GBP_PER_MILLION);
        }
    mr_tab_print(out, &t);
    free(t.cell);
    fprintf(out, "\nVariance reduction by common random numbers: VRF = (var A + var B) / "
                 "var(B - A)\n\n");
    for (long long i = 0; i < R; i++)
        fprintf(out, "  %-20s %s%.1f\n", series[i], isinf(vrf[i]) ? "" : " ",
                isinf(vrf[i]) ? INFINITY : vrf[i]);
    rc = print_compare_costs(r, out);
out:
    mr_h5r_free_strings(series, (size_t)R);
    mr_h5r_free_strings(stat, (size_t)K);
    mr_h5r_free_strings(name, 2);
    mr_h5r_free_strings(file, 2);
    for (int k = 0; k < 5; k++)
        free(v[k]);
    free(vrf);
    return rc;
}

/* 1 when the file holds several runs (kind sweep or compare) or is an
   uncertainty study: printed here. */
static int print_multi(mr_h5r *r, FILE *out)
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
    stop = mr_printable_own(stop);
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
        (multi = print_multi(&r, out)) == 0)
        read_summary(&r, &s);
    mr_h5r_close(&r);

    if (!r.status && !multi)
        print_summary(out, &s, brief);
    if (!r.status && !multi && !brief && mr_h5r_open(&r, path, 0, err) == 0) {
        print_precision(&r, out);
        mr_h5r_close(&r);
    }
    mr_summary_free(&s);
    if (!r.status && !multi && !brief && mr_attr_print(path, out, err)) /* /attribution */
        return -1;
    return r.status ? -1 : 0;
}
