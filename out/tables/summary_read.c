/* summary_read.c - the figures `minrisk summary` prints of one run, read
 * from its result file (summary_read.h): the header, the losses and their
 * parts, the minerals' figures, /indicators and /policies.
 *
 * Statistics are looked up by the values of their coordinates (quantile
 * 0.95, return period 100...), not by position, so files with more levels
 * still print.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/tables/summary_read.h"

#include "models/units.h" /* MR_GBP_PER_MILLION */
#include "out/format.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Names from the root, as the file has them (read.h). */

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
int mr_summary_read_header(mr_h5r *r, summary *s)
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

int mr_summary_read(mr_h5r *r, summary *s)
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
