/* indicators.c - static criticality indicators (MODEL §11). */
#include "models/indicators.h"

#include "models/market.h" /* mr_product_stage */

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

bool mr_indicators_uk_from_data(mr_uk_basis basis)
{
    return basis == MR_UK_DATA;
}

const char *mr_indicators_uk_basis_name(mr_uk_basis basis)
{
    return mr_indicators_uk_from_data(basis) ? "data" : "fallback";
}

/* One stage's row (world production, or UK sourcing); share and g are
   scratch arrays of at least st->n. A stage without suppliers (UK sourcing
   not filled in: never after the loader) has no top country (-1). */
static void stage_row(const mr_scenario *sc, const mr_stage *st, double cap, double *share,
                      double *g, mr_indicator_row *row)
{
    row->wgi_assumed = false;
    if (st->n <= 0) {
        row->hhi = row->hhi_wgi = row->top_share = 0.0;
        row->top_country = -1;
        row->above_cap = false;
        return;
    }
    for (int i = 0; i < st->n; i++) {
        const mr_country *c = &sc->countries[st->suppliers[i].country];
        /* an aggregate (rest of the world) is many small suppliers: its
           squared share is negligible and it is nobody's "top country" */
        share[i] = c->aggregate ? 0.0 : st->suppliers[i].share;
        g[i] = c->has_wgi ? mr_indicators_governance(c->wgi_pv) : MR_INDICATORS_NO_WGI_SCORE;
        if (!c->has_wgi && share[i] > 0.0) /* g = 5 counts: not an aggregate, a share */
            row->wgi_assumed = true;
    }
    row->hhi = mr_indicators_hhi(st->n, share);
    row->hhi_wgi = mr_indicators_hhi_wgi(st->n, share, g);
    int top = mr_indicators_top(st->n, share);
    row->top_share = share[top];
    /* all from aggregates (or shares of 0): no top country */
    row->top_country = row->top_share > 0.0 ? st->suppliers[top].country : -1;
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
    for (int m = 0; m < sc->nminerals; m++)
        widest = sc->minerals[m].uk.n > widest ? sc->minerals[m].uk.n : widest;
    ind->rows = calloc(rows ? (size_t)rows : 1, sizeof *ind->rows);
    ind->uk = calloc(sc->nminerals > 0 ? (size_t)sc->nminerals : 1, sizeof *ind->uk);
    double *share = malloc((size_t)widest * sizeof *share);
    double *g = malloc((size_t)widest * sizeof *g);
    if (!ind->rows || !ind->uk || !share || !g) {
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
    /* UK sourcing beside the world row of the product stage (§3u) */
    for (int m = 0; m < sc->nminerals; m++) {
        const mr_mineral *mn = &sc->minerals[m];
        mr_uk_indicator_row *u = &ind->uk[ind->nuk++];
        u->ind.mineral = m;
        u->ind.stage = (mr_stage_kind)mr_product_stage(mn);
        stage_row(sc, &mn->uk, ind->cap, share, g, &u->ind);
        u->world_row = -1;
        for (int r = 0; r < ind->nrows; r++)
            if (ind->rows[r].mineral == m && ind->rows[r].stage == u->ind.stage)
                u->world_row = r;
        u->basis = mn->uk_basis;
        u->capped = mn->uk_capped;
        u->top_country_before = u->ind.top_country;
        u->top_share_before = u->ind.top_share;
        if (mn->uk_before.n > 0) {
            mr_indicator_row before = u->ind;
            stage_row(sc, &mn->uk_before, ind->cap, share, g, &before);
            u->top_country_before = before.top_country;
            u->top_share_before = before.top_share;
        }
        ind->nuk_above += u->ind.above_cap;
    }
    free(share);
    free(g);
    return 0;
}

void mr_indicators_free(mr_indicators *ind)
{
    free(ind->rows);
    free(ind->uk);
    memset(ind, 0, sizeof *ind);
}

/* ---- the tables --------------------------------------------------------- */

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

/* The UK table: the world's product stage beside UK sourcing. */
enum {
    UK_MINERAL,
    UK_STAGE,
    UK_WORLD_TOP,
    UK_WORLD_SHARE,
    UK_WORLD_HHI,
    UK_WORLD_FLAG,
    UK_BEFORE,
    UK_TOP,
    UK_SHARE,
    UK_HHI,
    UK_FLAG,
    UK_BASIS,
    UK_NCOLS
};
#define CELL 160
#define MAX_COLS 16

/* The ids of a stage's suppliers for which g = 5 was assumed, "A, B": those
   without wgi_pv that count in HHI_WGI (not an aggregate, a share above 0;
   as stage_row's wgi_assumed). */
static void no_wgi_ids(const mr_scenario *sc, const mr_stage *st, char *dst, size_t size)
{
    size_t len = 0;
    dst[0] = '\0';
    for (int i = 0; i < st->n && len < size; i++) {
        const mr_country *c = &sc->countries[st->suppliers[i].country];
        if (c->has_wgi || c->aggregate || !(st->suppliers[i].share > 0.0))
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

/* rows x ncols empty cells but the first row, the heading `head`; NULL,
   with a line saying so, when out of memory. */
static char (*new_cells(size_t rows, int ncols, const char *const *head, const char *prefix,
                        const char *what, FILE *out))[CELL]
{
    char(*cell)[CELL] = calloc(rows * (size_t)ncols, sizeof *cell);
    if (!cell) {
        fprintf(out, "%s(out of memory: no %s table)\n", prefix, what);
        return NULL;
    }
    for (int c = 0; c < ncols; c++)
        snprintf(cell[c], CELL, "%s", head[c]);
    return cell;
}

/* rows x ncols cells (the first row the heading), column-aligned, numbers
   (right[c]) right-aligned, every line after `prefix`, no trailing blanks. */
static void put_cells(const char *prefix, const char (*cell)[CELL], size_t rows, int ncols,
                      const bool *right, FILE *out)
{
    size_t width[MAX_COLS] = {0};
    for (size_t r = 0; r < rows; r++)
        for (int c = 0; c < ncols; c++) {
            size_t w = strlen(cell[r * (size_t)ncols + (size_t)c]);
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t r = 0; r < rows; r++) {
        char line[MAX_COLS * (CELL + 2) + 1];
        size_t len = 0;
        for (int c = 0; c < ncols; c++) {
            const char *s = cell[r * (size_t)ncols + (size_t)c];
            int w = snprintf(line + len, sizeof line - len, right[c] ? "%s%*s" : "%s%-*s",
                             c ? "  " : "", (int)width[c], s);
            len += w > 0 ? (size_t)w : 0;
        }
        while (len > 0 && line[len - 1] == ' ') /* no trailing blanks */
            line[--len] = '\0';
        fprintf(out, "%s%s\n", prefix, line);
    }
}

/* A free text (a source citation) as one line of at most size - 1 bytes:
   every control byte a blank, cut at a UTF-8 character boundary with "..."
   when too long (a comment line of validate's YAML must stay one line of
   valid UTF-8). */
static void one_line(const char *s, char *dst, size_t size)
{
    size_t n = strlen(s), len = 0;
    const bool cut = n >= size;
    const size_t room = cut ? size - 4 : size - 1;
    for (size_t i = 0; i < n && len < room; i++) {
        unsigned char ch = (unsigned char)s[i];
        dst[len++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
    }
    if (cut) {
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--; /* not inside a character: s[len] starts one */
        memcpy(dst + len, "...", 3);
        len += 3;
    }
    dst[len] = '\0';
}

/* The world's table: per mineral and stage. */
static int print_world(const mr_scenario *sc, const mr_indicators *ind, const char *prefix,
                       FILE *out)
{
    static const char *const head[NCOLS] = {"mineral",        "stage",       "HHI (x10^4)",
                                            "HHI_WGI (0-10)", "top country", "top share %",
                                            "flag",           "note"};
    /* numbers right-aligned, text left-aligned */
    static const bool right[NCOLS] = {false, false, true, true, false, true, false, false};
    const size_t rows = (size_t)ind->nrows + 1;
    char(*cell)[CELL] = new_cells(rows, NCOLS, head, prefix, "indicator", out);
    if (!cell)
        return -1;
    for (int r = 0; r < ind->nrows; r++) {
        const mr_indicator_row *row = &ind->rows[r];
        char(*line)[CELL] = cell + (size_t)(r + 1) * NCOLS;
        snprintf(line[COL_MINERAL], CELL, "%s", sc->minerals[row->mineral].id);
        snprintf(line[COL_STAGE], CELL, "%s", mr_indicators_stage_name(row->stage));
        snprintf(line[COL_HHI], CELL, "%.0f", row->hhi * 1e4);
        snprintf(line[COL_HHI_WGI], CELL, "%.2f", row->hhi_wgi);
        snprintf(line[COL_TOP], CELL, "%s",
                 row->top_country >= 0 ? sc->countries[row->top_country].id : "-");
        snprintf(line[COL_SHARE], CELL, "%.1f", 100.0 * row->top_share);
        snprintf(line[COL_FLAG], CELL, "%s", row->above_cap ? "ABOVE CAP" : "");
        if (row->wgi_assumed) {
            char ids[CELL - 32];
            no_wgi_ids(sc, &sc->minerals[row->mineral].stage[row->stage], ids, sizeof ids);
            snprintf(line[COL_NOTE], CELL, "no WGI: 5 assumed (%s)", ids);
        }
    }

    fprintf(out,
            "%sStatic indicators (MODEL section 11; no sampling), per mineral and stage:\n"
            "%s  HHI      sum of the suppliers' shares squared, x10^4 (10000 = one supplier)\n"
            "%s  HHI_WGI  sum of share^2 x g, g = 10 - 2 (wgi_pv + 2.5): WGI political\n"
            "%s           stability rescaled to 0..10, higher = worse governance (EU\n"
            "%s           criticality method, Blengini et al. 2017, JRC)\n"
            "%s  no WGI   a supplier without wgi_pv gets g = 5 (the scale's midpoint)\n"
            "%s  ROW      a country with aggregate: true (many small suppliers) is left\n"
            "%s           out of both and is never the top country\n",
            prefix, prefix, prefix, prefix, prefix, prefix, prefix, prefix);
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
    put_cells(prefix, (const char(*)[CELL])cell, rows, NCOLS, right, out);
    blank_line(prefix, out);
    fprintf(out, "%s%d of %d stages above the cap of %.4g%%\n", prefix, ind->nabove, ind->nrows,
            100.0 * ind->cap);
    free(cell);
    return 0;
}

/* The UK's table: per mineral, UK sourcing beside the world's product stage
   (docs/MODEL.md §3u). */
static int print_uk(const mr_scenario *sc, const mr_indicators *ind, const char *prefix, FILE *out)
{
    static const char *const head[UK_NCOLS] = {"mineral",
                                               "world stage",
                                               "world top",
                                               "world share %",
                                               "world HHI",
                                               "world flag",
                                               "UK before policy %",
                                               "UK top",
                                               "UK share %",
                                               "UK HHI",
                                               "UK flag",
                                               "UK basis"};
    static const bool right[UK_NCOLS] = {false, false, false, true, true,  false,
                                         true,  false, true,  true, false, false};
    const size_t rows = (size_t)ind->nuk + 1;
    char(*cell)[CELL] = new_cells(rows, UK_NCOLS, head, prefix, "UK sourcing", out);
    if (!cell)
        return -1;
    int nfallback = 0, nfallback_above = 0;
    for (int r = 0; r < ind->nuk; r++) {
        const mr_uk_indicator_row *u = &ind->uk[r];
        const mr_mineral *mn = &sc->minerals[u->ind.mineral];
        char(*line)[CELL] = cell + (size_t)(r + 1) * UK_NCOLS;
        snprintf(line[UK_MINERAL], CELL, "%s", mn->id);
        snprintf(line[UK_STAGE], CELL, "%s", mr_indicators_stage_name(u->ind.stage));
        if (u->world_row >= 0) {
            const mr_indicator_row *w = &ind->rows[u->world_row];
            snprintf(line[UK_WORLD_TOP], CELL, "%s",
                     w->top_country >= 0 ? sc->countries[w->top_country].id : "-");
            snprintf(line[UK_WORLD_SHARE], CELL, "%.1f", 100.0 * w->top_share);
            snprintf(line[UK_WORLD_HHI], CELL, "%.0f", w->hhi * 1e4);
            snprintf(line[UK_WORLD_FLAG], CELL, "%s", w->above_cap ? "ABOVE CAP" : "");
        } else
            snprintf(line[UK_WORLD_TOP], CELL, "-");
        if (u->top_country_before >= 0)
            snprintf(line[UK_BEFORE], CELL, "%s %.1f", sc->countries[u->top_country_before].id,
                     100.0 * u->top_share_before);
        if (u->ind.top_country >= 0) {
            snprintf(line[UK_TOP], CELL, "%s", sc->countries[u->ind.top_country].id);
            snprintf(line[UK_SHARE], CELL, "%.1f", 100.0 * u->ind.top_share);
            snprintf(line[UK_HHI], CELL, "%.0f", u->ind.hhi * 1e4);
            snprintf(line[UK_FLAG], CELL, "%s", u->ind.above_cap ? "ABOVE CAP" : "");
        } else
            snprintf(line[UK_TOP], CELL, "-");
        const char *after = u->capped ? ", after the cap" : "";
        if (mr_indicators_uk_from_data(u->basis) && mn->uk_source) {
            char src[CELL - 32];
            one_line(mn->uk_source, src, sizeof src);
            snprintf(line[UK_BASIS], CELL, "UK data: %s%s", src, after);
        } else if (mr_indicators_uk_from_data(u->basis))
            snprintf(line[UK_BASIS], CELL, "UK data%s", after);
        else {
            snprintf(line[UK_BASIS], CELL, "open-market fallback (no UK import data)%s", after);
            nfallback++;
            nfallback_above += u->ind.above_cap;
        }
    }

    fprintf(out,
            "%sUK sourcing top share vs world top share (docs/MODEL.md section 3u; no\n"
            "%ssampling), per mineral:\n"
            "%s  world    world production of the product stage (refining if present,\n"
            "%s           else mining), as in the table above\n"
            "%s  UK       the countries' shares of the UK's purchases, after any policy\n"
            "%s           cap (\"after the cap\" where the cap changed them); before\n"
            "%s           policy: the top country and its share before the cap\n"
            "%s  HHI      x10^4; flag ABOVE CAP when the top share exceeds the cap of %.4g%%\n"
            "%s  basis    UK data: from UK import data (its source); open-market fallback:\n"
            "%s           no UK import data, the open market's shares of the product\n"
            "%s           stage stand in for the UK's\n",
            prefix, prefix, prefix, prefix, prefix, prefix, prefix, prefix, 100.0 * ind->cap,
            prefix, prefix, prefix);
    blank_line(prefix, out);
    put_cells(prefix, (const char(*)[CELL])cell, rows, UK_NCOLS, right, out);
    blank_line(prefix, out);
    fprintf(out,
            "%s%d of %d minerals' UK sourcing above the cap of %.4g%%; %d of %d on the "
            "open-market fallback (%d of them above the cap)\n",
            prefix, ind->nuk_above, ind->nuk, 100.0 * ind->cap, nfallback, ind->nuk,
            nfallback_above);
    free(cell);
    return 0;
}

int mr_indicators_print(const mr_scenario *sc, const mr_indicators *ind, const char *prefix,
                        FILE *out)
{
    int rc = print_world(sc, ind, prefix, out);
    if (ind->nuk > 0) {
        blank_line(prefix, out);
        if (print_uk(sc, ind, prefix, out))
            rc = -1;
    }
    return rc;
}
