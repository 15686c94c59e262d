/* indicators.c - static criticality indicators (MODEL §11). */
#include "models/indicators.h"

#include <stdlib.h>
#include <string.h>

/* WGI political stability runs from -2.5 to 2.5; the EU method rescales it
   to 0..10 (s = 2 (wgi + 2.5)) and weights concentration by 10 - s. */
#define WGI_MIN (-2.5)
#define WGI_SCALE 2.0
#define GOV_MAX 10.0

/* A share counts as above the cap only beyond this: the tolerance within
   which a stage's shares must sum to 1 (SCENARIO_FORMAT.md), so that the
   rounding of a capped share (cap transform, MODEL §10) is not a breach. */
#define CAP_TOLERANCE 1e-9

double mr_indicators_governance(double wgi_pv)
{
    return GOV_MAX - WGI_SCALE * (wgi_pv - WGI_MIN);
}

double mr_indicators_hhi(int n, const double *shares)
{
    double h = 0.0;
    for (int i = 0; i < n; i++)
        h += shares[i] * shares[i];
    return h;
}

double mr_indicators_hhi_wgi(int n, const double *shares, const double *g)
{
    double h = 0.0;
    for (int i = 0; i < n; i++)
        h += shares[i] * shares[i] * g[i];
    return h;
}

int mr_indicators_top(int n, const double *shares)
{
    int top = n > 0 ? 0 : -1;
    for (int i = 1; i < n; i++)
        if (shares[i] > shares[top])
            top = i;
    return top;
}

bool mr_indicators_above_cap(double share, double cap)
{
    return share > cap + CAP_TOLERANCE;
}

double mr_indicators_cap(const mr_scenario *sc)
{
    return sc->policy_cap > 0.0 ? sc->policy_cap : MR_INDICATORS_DEFAULT_CAP;
}

const char *mr_indicators_stage_name(mr_stage_kind stage)
{
    return stage == MR_STAGE_MINING ? "mining" : "refining";
}

/* One stage's row; share and g are scratch arrays of at least st->n. */
static void stage_row(const mr_scenario *sc, const mr_stage *st, double cap, double *share,
                      double *g, mr_indicator_row *row)
{
    row->wgi_assumed = false;
    for (int i = 0; i < st->n; i++) {
        const mr_country *c = &sc->countries[st->suppliers[i].country];
        /* an aggregate (rest of the world) is many small suppliers: its
           squared share is negligible and it is nobody's "top country" */
        share[i] = c->aggregate ? 0.0 : st->suppliers[i].share;
        g[i] = c->has_wgi ? mr_indicators_governance(c->wgi_pv) : MR_INDICATORS_NO_WGI_SCORE;
        if (!c->has_wgi && !c->aggregate)
            row->wgi_assumed = true;
    }
    row->hhi = mr_indicators_hhi(st->n, share);
    row->hhi_wgi = mr_indicators_hhi_wgi(st->n, share, g);
    int top = mr_indicators_top(st->n, share);
    row->top_country = st->suppliers[top].country;
    row->top_share = share[top];
    row->above_cap = mr_indicators_above_cap(row->top_share, cap);
}

int mr_indicators_compute(const mr_scenario *sc, mr_indicators *ind)
{
    memset(ind, 0, sizeof *ind);
    ind->cap = mr_indicators_cap(sc);
    ind->cap_from_policy = sc->policy_cap > 0.0;
    int rows = 0, widest = 1;
    for (int m = 0; m < sc->nminerals; m++)
        for (int k = 0; k < MR_NSTAGES; k++) {
            int n = sc->minerals[m].stage[k].n;
            rows += n > 0;
            widest = n > widest ? n : widest;
        }
    ind->rows = calloc(rows ? (size_t)rows : 1, sizeof *ind->rows);
    double *share = malloc((size_t)widest * sizeof *share);
    double *g = malloc((size_t)widest * sizeof *g);
    if (!ind->rows || !share || !g) {
        free(share);
        free(g);
        mr_indicators_free(ind);
        return -1;
    }
    for (int m = 0; m < sc->nminerals; m++)
        for (int k = 0; k < MR_NSTAGES; k++) {
            const mr_stage *st = &sc->minerals[m].stage[k];
            if (st->n <= 0)
                continue;
            mr_indicator_row *row = &ind->rows[ind->nrows++];
            row->mineral = m;
            row->stage = (mr_stage_kind)k;
            stage_row(sc, st, ind->cap, share, g, row);
            ind->nabove += row->above_cap;
        }
    free(share);
    free(g);
    return 0;
}

void mr_indicators_free(mr_indicators *ind)
{
    free(ind->rows);
    memset(ind, 0, sizeof *ind);
}

/* ---- the table ---------------------------------------------------------- */

enum {
    COL_MINERAL,
    COL_STAGE,
    COL_HHI,
    COL_HHI_WGI,
    COL_TOP,
    COL_SHARE,
    COL_FLAG,
    COL_NOTE,
    NCOLS
};
#define CELL 160

/* The ids of a stage's suppliers without wgi_pv, "A, B". */
static void no_wgi_ids(const mr_scenario *sc, const mr_stage *st, char *dst, size_t size)
{
    size_t len = 0;
    dst[0] = '\0';
    for (int i = 0; i < st->n && len < size; i++) {
        const mr_country *c = &sc->countries[st->suppliers[i].country];
        if (c->has_wgi)
            continue;
        int w = snprintf(dst + len, size - len, "%s%s", len ? ", " : "", c->id);
        len += w > 0 ? (size_t)w : 0;
    }
}

/* An empty line of the table: the prefix without its trailing blanks. */
static void blank_line(const char *prefix, FILE *out)
{
    size_t n = strlen(prefix);
    while (n > 0 && prefix[n - 1] == ' ')
        n--;
    fprintf(out, "%.*s\n", (int)n, prefix);
}

void mr_indicators_print(const mr_scenario *sc, const mr_indicators *ind, const char *prefix,
                         FILE *out)
{
    static const char *const head[NCOLS] = {"mineral",        "stage",       "HHI (x10^4)",
                                            "HHI_WGI (0-10)", "top country", "top share %",
                                            "flag",           "note"};
    /* numbers right-aligned, text left-aligned */
    static const bool right[NCOLS] = {false, false, true, true, false, true, false, false};
    const size_t rows = (size_t)ind->nrows + 1;
    char(*cell)[CELL] = calloc(rows * NCOLS, sizeof *cell);
    if (!cell) {
        fprintf(out, "%s(out of memory: no indicator table)\n", prefix);
        return;
    }
    for (int c = 0; c < NCOLS; c++)
        snprintf(cell[c], CELL, "%s", head[c]);
    for (int r = 0; r < ind->nrows; r++) {
        const mr_indicator_row *row = &ind->rows[r];
        char(*line)[CELL] = cell + (size_t)(r + 1) * NCOLS;
        snprintf(line[COL_MINERAL], CELL, "%s", sc->minerals[row->mineral].id);
        snprintf(line[COL_STAGE], CELL, "%s", mr_indicators_stage_name(row->stage));
        snprintf(line[COL_HHI], CELL, "%.0f", row->hhi * 1e4);
        snprintf(line[COL_HHI_WGI], CELL, "%.2f", row->hhi_wgi);
        snprintf(line[COL_TOP], CELL, "%s", sc->countries[row->top_country].id);
        snprintf(line[COL_SHARE], CELL, "%.1f", 100.0 * row->top_share);
        snprintf(line[COL_FLAG], CELL, "%s", row->above_cap ? "ABOVE CAP" : "");
        if (row->wgi_assumed) {
            char ids[CELL - 32];
            no_wgi_ids(sc, &sc->minerals[row->mineral].stage[row->stage], ids, sizeof ids);
            snprintf(line[COL_NOTE], CELL, "no WGI: 5 assumed (%s)", ids);
        }
    }
    size_t width[NCOLS] = {0};
    for (size_t r = 0; r < rows; r++)
        for (int c = 0; c < NCOLS; c++) {
            size_t w = strlen(cell[r * NCOLS + (size_t)c]);
            width[c] = w > width[c] ? w : width[c];
        }

    fprintf(out,
            "%sStatic indicators (MODEL section 11; no sampling), per mineral and stage:\n"
            "%s  HHI      sum of the suppliers' shares squared, x10^4 (10000 = one supplier)\n"
            "%s  HHI_WGI  sum of share^2 x g, g = 10 - 2 (wgi_pv + 2.5): WGI political\n"
            "%s           stability rescaled to 0..10, higher = worse governance (EU\n"
            "%s           criticality method, Blengini et al. 2017, JRC)\n"
            "%s  no WGI   a supplier without wgi_pv gets g = 5 (the scale's midpoint)\n",
            prefix, prefix, prefix, prefix, prefix, prefix);
    if (ind->cap_from_policy)
        fprintf(out, "%s  cap      %.4g%%: the scenario's policies.diversification_cap\n", prefix,
                100.0 * ind->cap);
    else
        fprintf(out,
                "%s  cap      %.4g%%: the UK Vision 2035 target (the scenario sets no "
                "diversification_cap)\n",
                prefix, 100.0 * ind->cap);
    fprintf(out, "%s  flag     ABOVE CAP when the top country's share exceeds the cap\n", prefix);
    blank_line(prefix, out);
    for (size_t r = 0; r < rows; r++) {
        char line[NCOLS * (CELL + 2) + 1];
        size_t len = 0;
        for (int c = 0; c < NCOLS; c++) {
            const char *s = cell[r * NCOLS + (size_t)c];
            int w = snprintf(line + len, sizeof line - len, right[c] ? "%s%*s" : "%s%-*s",
                             c ? "  " : "", (int)width[c], s);
            len += w > 0 ? (size_t)w : 0;
        }
        while (len > 0 && line[len - 1] == ' ') /* no trailing blanks */
            line[--len] = '\0';
        fprintf(out, "%s%s\n", prefix, line);
    }
    blank_line(prefix, out);
    fprintf(out, "%s%d of %d stages above the cap of %.4g%%\n", prefix, ind->nabove, ind->nrows,
            100.0 * ind->cap);
    free(cell);
}
