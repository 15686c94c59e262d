/* layout_indicators.c - /indicators of a run (docs/OUTPUT.md): the static
 * criticality indicators of MODEL §11, one row per mineral-stage pair, and
 * those of UK sourcing in /indicators/uk (split from layout.c, which writes
 * the rest of a run's groups). Written with the toolkit of h5w.c.
 */
#include "out/h5/h5w.h"

#include "models/indicators.h"

#include <hdf5.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns of /indicators (or of /indicators/uk), one element per row.
   The string columns point into the scenario (ids, sources) and to literals
   (stage names, bases): they outlive the write, as the deferred strings
   need. basis, source and capped: UK rows only. */
typedef struct {
    const char **mineral, **stage, **top, **basis, **source, **top_before;
    double *hhi, *hhi_wgi, *share, *share_before;
    uint8_t *above, *assumed, *capped;
} ind_cols;

static void free_ind_cols(ind_cols *c)
{
    free(c->mineral);
    free(c->stage);
    free(c->top);
    free(c->basis);
    free(c->source);
    free(c->top_before);
    free(c->share_before);
    free(c->hhi);
    free(c->hhi_wgi);
    free(c->share);
    free(c->above);
    free(c->assumed);
    free(c->capped);
}

/* R rows as columns: row r is the mr_indicator_row at base + r * stride
   (the world's rows, or the `ind` member of the UK rows); uk: also the UK
   rows' basis, source and capped. Collective: 0, or -1 when out of memory
   on any rank. */
static int make_ind_cols(h5w *w, const mr_scenario *sc, const void *base, size_t stride, size_t R,
                         const mr_uk_indicator_row *uk, ind_cols *c)
{
    const size_t n = R ? R : 1;
    c->mineral = malloc(n * sizeof *c->mineral);
    c->stage = malloc(n * sizeof *c->stage);
    c->top = malloc(n * sizeof *c->top);
    c->basis = malloc(n * sizeof *c->basis);
    c->source = malloc(n * sizeof *c->source);
    c->top_before = malloc(n * sizeof *c->top_before);
    c->share_before = malloc(n * sizeof *c->share_before);
    c->hhi = malloc(n * sizeof *c->hhi);
    c->hhi_wgi = malloc(n * sizeof *c->hhi_wgi);
    c->share = malloc(n * sizeof *c->share);
    c->above = malloc(n);
    c->assumed = malloc(n);
    c->capped = malloc(n);
    if (!c->mineral || !c->stage || !c->top || !c->basis || !c->source || !c->top_before ||
        !c->share_before || !c->hhi || !c->hhi_wgi || !c->share || !c->above || !c->assumed ||
        !c->capped)
        h5w_fail(w, "out of memory for the indicators");
    if (h5w_sync_state(w) < 0)
        return -1;
    for (size_t r = 0; r < R; r++) {
        const mr_indicator_row *row =
            (const mr_indicator_row *)(const void *)((const char *)base + r * stride);
        c->mineral[r] = sc->minerals[row->mineral].id;
        c->stage[r] = mr_indicators_stage_name(row->stage);
        c->top[r] = row->top_country >= 0 ? sc->countries[row->top_country].id : "";
        c->hhi[r] = row->hhi;
        c->hhi_wgi[r] = row->hhi_wgi;
        c->share[r] = row->top_share;
        c->above[r] = row->above_cap;
        c->assumed[r] = row->wgi_assumed;
        const char *src = uk ? sc->minerals[row->mineral].uk_source : NULL;
        c->basis[r] = uk ? mr_indicators_uk_basis_name(uk[r].basis) : "";
        c->source[r] = uk && mr_indicators_uk_from_data(uk[r].basis) && src ? src : "";
        c->capped[r] = uk && uk[r].capped;
        c->top_before[r] =
            uk && uk[r].top_country_before >= 0 ? sc->countries[uk[r].top_country_before].id : "";
        c->share_before[r] = uk ? uk[r].top_share_before : 0.0;
    }
    return 0;
}

/* The group's attributes: its description and the cap. */
static int put_ind_attrs(h5w *w, hid_t g, const mr_indicators *ind, const char *description)
{
    char capdesc[256];
    snprintf(capdesc, sizeof capdesc, "cap of the above_cap flag, fraction: %s",
             ind->cap_from_policy ? "the scenario's policies.diversification_cap"
                                  : "0.60, the UK Vision 2035 target (the scenario sets no "
                                    "diversification_cap)");
    if (h5w_attr_str(w, g, "description", description) < 0 ||
        h5w_attr_f64(w, g, "cap", ind->cap) < 0 ||
        h5w_attr_str(w, g, "cap_description", capdesc) < 0)
        return -1;
    return 0;
}

/* The group's attributes and its stage_row coordinate. */
static int put_ind_head(h5w *w, hid_t g, const mr_indicators *ind)
{
    if (put_ind_attrs(w, g, ind,
                      "static criticality indicators of the supply structure (MODEL §11): one "
                      "row per mineral and stage present, minerals in scenario order, mining "
                      "before refining; no sampling; UK sourcing in the subgroup uk") < 0 ||
        h5w_put_coord_range(w, g, "stage_row", 0, (size_t)ind->nrows, "1",
                            "row index: one row per mineral-stage pair the scenario has") < 0)
        return -1;
    return 0;
}

/* Per dataset of a table, its description for the world's rows and for the
   UK's. */
typedef struct {
    const char *name, *world, *uk;
} ind_desc;

static const ind_desc ind_descs[] = {
    {"mineral_id", "mineral id of the row", NULL},
    {"stage", "supply stage of the row: \"mining\" or \"refining\"",
     "the mineral's product stage, whose world row in /indicators the row stands beside: "
     "\"refining\" if the mineral has it, else \"mining\""},
    {"top_country",
     "country id of the largest share of the stage (the first listed on a tie; never an "
     "aggregate: \"\" when only aggregates supply the stage)",
     "country id of the largest share of the UK's purchases (the first listed on a tie; never "
     "an aggregate: \"\" when the UK buys from aggregates only)"},
    {"hhi",
     "Herfindahl-Hirschman index of the stage: sum over suppliers of share^2, shares as "
     "fractions (0..1; x 10^4 for the customary scale)",
     "Herfindahl-Hirschman index of UK sourcing: sum over countries of share^2, shares of the "
     "UK's purchases as fractions (0..1; x 10^4 for the customary scale)"},
    {"hhi_wgi",
     "governance-weighted HHI (EU criticality method, Blengini et al. 2017): sum over suppliers "
     "of share^2 x g, g = 10 - 2 (wgi_pv + 2.5), the WGI political stability rescaled to 0..10 "
     "(higher = worse governance); g = 5 for a country without wgi_pv (see wgi_assumed); 0..10",
     "governance-weighted HHI of UK sourcing (EU criticality method, Blengini et al. 2017): sum "
     "over countries of share^2 x g, g = 10 - 2 (wgi_pv + 2.5); g = 5 for a country without "
     "wgi_pv (see wgi_assumed); 0..10"},
    {"top_share", "share of the stage held by top_country, fraction",
     "share of the UK's purchases from top_country, fraction, after any diversification cap"},
    {"above_cap", "1 when top_share exceeds the group's attribute cap (beyond 1e-9), else 0",
     "1 when top_share exceeds the group's attribute cap (beyond 1e-9), else 0"},
    {"wgi_assumed",
     "1 when some supplier of the stage has no wgi_pv and g = 5 (the midpoint of the 0..10 "
     "scale) was assumed for it in hhi_wgi, else 0",
     "1 when some country of the UK's sourcing has no wgi_pv and g = 5 (the midpoint of the "
     "0..10 scale) was assumed for it in hhi_wgi, else 0"},
    {"basis", NULL,
     "the basis of the UK's shares (\"data\": the shares are from UK import data "
     "(minerals.<id>.uk_sourcing, see source); "
     "\"fallback\": no UK import data, the open market's shares of the product stage stand in "
     "for the UK's; docs/MODEL.md §3u)"},
    {"source", NULL, "uk_sourcing.source, where the shares come from; \"\" for a fallback"},
    {"capped", NULL,
     "1 when the diversification cap changed the UK's sourcing (the shares are after it), "
     "else 0"},
    {"top_country_before_policy", NULL,
     "the top country of the UK's sourcing before the diversification cap (top_country where "
     "capped is 0)"},
    {"top_share_before_policy", NULL,
     "share of the UK's purchases from top_country_before_policy before the diversification "
     "cap, fraction (top_share where capped is 0)"},
};

static const char *ind_desc_of(const char *name, bool uk)
{
    for (size_t k = 0; k < sizeof ind_descs / sizeof ind_descs[0]; k++)
        if (!strcmp(ind_descs[k].name, name))
            return uk ? ind_descs[k].uk : ind_descs[k].world;
    return NULL;
}

/* The datasets of the columns, over dimension `dim` (stage_row, or mineral
   for the UK's rows, which have basis, source and capped too and no
   mineral_id: the mineral coordinate names them). */
static int put_ind_cols(h5w *w, hid_t g, size_t R, const ind_cols *c, const char *dim, bool uk)
{
    const struct {
        const char *name;
        const char **v;
    } strs[] = {
        {"mineral_id", c->mineral}, {"stage", c->stage},
        {"top_country", c->top},    {"basis", c->basis},
        {"source", c->source},      {"top_country_before_policy", c->top_before},
    };
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
        const char *desc = ind_desc_of(strs[k].name, uk);
        h5w_dsdef d = {strs[k].name, w->str, w->str, 1, {R}, {dim}, NULL, desc};
        if (desc && h5w_put(w, g, &d, strs[k].v) < 0)
            return -1;
    }
    const struct {
        const char *name;
        const double *v;
    } nums[] = {{"hhi", c->hhi},
                {"hhi_wgi", c->hhi_wgi},
                {"top_share", c->share},
                {"top_share_before_policy", c->share_before}};
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
        const char *desc = ind_desc_of(nums[k].name, uk);
        if (desc && h5w_put_1d(w, g, nums[k].name, nums[k].v, R, dim, "1", desc) < 0)
            return -1;
    }
    const struct {
        const char *name;
        const uint8_t *v;
    } flags[] = {{"above_cap", c->above}, {"wgi_assumed", c->assumed}, {"capped", c->capped}};
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
        const char *desc = ind_desc_of(flags[k].name, uk);
        h5w_dsdef d = {flags[k].name, H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, {R}, {dim}, "1", desc};
        if (desc && h5w_put(w, g, &d, flags[k].v) < 0)
            return -1;
    }
    return 0;
}

/* CF "coordinates": xarray shows mineral_id and stage as coordinates along
   stage_row, so ds.set_index(stage_row=["mineral_id", "stage"]) allows
   .sel(mineral_id=..., stage=...) */
static int put_ind_coordinates(h5w *w, hid_t g)
{
    static const char *const numeric[] = {"hhi",         "hhi_wgi",   "top_share",
                                          "top_country", "above_cap", "wgi_assumed"};
    for (size_t k = 0; k < sizeof numeric / sizeof numeric[0]; k++) {
        hid_t ds = w->failed ? -1 : H5Dopen2(g, numeric[k], H5P_DEFAULT);
        if (!w->failed && ds < 0)
            h5w_fail_h5(w, numeric[k]);
        int a = h5w_sync_state(w) < 0 ? -1 : h5w_attr_str(w, ds, "coordinates", "mineral_id stage");
        h5w_close_id(ds);
        if (a < 0)
            return -1;
    }
    return 0;
}

/* /indicators/uk: the indicators of every mineral's UK sourcing
   (docs/MODEL.md §3u), over dimension mineral (its coordinate in the
   group), beside the world's row of the same mineral and stage. */
static int write_uk_indicators(h5w *w, hid_t parent, const mr_scenario *sc,
                               const mr_indicators *ind)
{
    ind_cols c = {0};
    hid_t g = -1;
    int rc = -1;
    const size_t R = (size_t)ind->nuk;
    if (make_ind_cols(w, sc, ind->uk, sizeof *ind->uk, R, ind->uk, &c) == 0 &&
        (g = h5w_make_group(w, parent, "uk")) >= 0 &&
        put_ind_attrs(w, g, ind,
                      "static criticality indicators of UK sourcing (MODEL §11, docs/MODEL.md "
                      "§3u): one row per mineral, in scenario order, on the countries' shares "
                      "of the UK's purchases after any cap; the world's row of the mineral's "
                      "product stage (stage) is in the parent group; no sampling") == 0 &&
        h5w_put_entity_coords(w, g, sc, H5W_CO_MINERAL) == 0 &&
        put_ind_cols(w, g, R, &c, "mineral", true) == 0)
        rc = 0;
    h5w_close_id(g);
    free_ind_cols(&c);
    return rc;
}

/* The static indicators (MODEL §11), one row per mineral-stage pair the
   scenario has, over dimension stage_row, and those of UK sourcing in
   /indicators/uk. Every rank computes them from the same scenario, so
   every rank makes the same objects. */
int h5w_write_indicators(h5w *w, const mr_scenario *sc)
{
    mr_indicators ind;
    memset(&ind, 0, sizeof ind);
    if (mr_indicators_compute(sc, &ind) != 0)
        h5w_fail(w, "out of memory for the indicators");
    if (h5w_sync_state(w) < 0)
        return -1;
    ind_cols c = {0};
    hid_t g = -1;
    int rc = -1;
    if (make_ind_cols(w, sc, ind.rows, sizeof *ind.rows, (size_t)ind.nrows, NULL, &c) == 0 &&
        (g = h5w_make_group(w, w->base, "indicators")) >= 0 && put_ind_head(w, g, &ind) == 0 &&
        put_ind_cols(w, g, (size_t)ind.nrows, &c, "stage_row", false) == 0 &&
        put_ind_coordinates(w, g) == 0 && write_uk_indicators(w, g, sc, &ind) == 0)
        rc = 0;
    h5w_close_id(g);
    free_ind_cols(&c);
    mr_indicators_free(&ind);
    return rc;
}
