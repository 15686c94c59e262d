/* h5out.c - write the HDF5 result file (layout: docs/OUTPUT.md).
 *
 * Everything outside /run_info is a function of (scenario, seed, trials)
 * only: statistics are reduced in trial order (stats.c), nothing records a
 * time, a host or a thread count, and object modification times are off, so
 * `h5diff --exclude-path /run_info` of two runs shows no difference.
 *
 * Coordinates are netCDF-4-style dimension scales placed in every group that
 * uses them: scales at the root name a subgroup's dimensions for h5netcdf but
 * do not label them (xarray shows "Dimensions without coordinates"), checked
 * by tests/test_xarray.py.
 */
#define _POSIX_C_SOURCE 200809L

#include "output.h"
#include "stats.h"

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef MINRISK_VERSION
#define MINRISK_VERSION "unknown"
#endif

const double mr_output_quantiles[MR_OUTPUT_NQUANTILES] = {0.5, 0.9, 0.95, 0.99, 0.995, 0.999};
const double mr_output_es_levels[MR_OUTPUT_NES] = {0.95, 0.99, 0.995};
const double mr_output_return_periods[MR_OUTPUT_NRP] = {2, 5, 10, 20, 50, 100, 200, 500, 1000};
const double mr_output_bands[MR_OUTPUT_NBANDS] = {0.05, 0.5, 0.95};

/* Chunks of /trials datasets hold whole rows, about this many bytes. */
#define TRIAL_CHUNK_BYTES (1u << 20)
/* A trial's mineral counts as short when its peak shortfall exceeds this
   fraction of demand (summary/mineral_shortage_prob). */
#define SHORTAGE_THRESHOLD 0.01

/* ---- the temporary file, for an interrupt handler ---------------------- */

static char partial_path[4096];
static volatile sig_atomic_t partial_active;
static volatile sig_atomic_t interrupted;

void mr_output_remove_partial(void)
{
    if (partial_active)
        unlink(partial_path);
}

void mr_output_interrupt(void)
{
    interrupted = 1;
    mr_output_remove_partial();
}

/* ---- writer state and errors ------------------------------------------- */

typedef struct {
    const char *path; /* the final path, which every message names */
    mr_error *err;
    bool failed;
    bool stopped; /* failed because of mr_output_interrupt */
    hid_t file;
    hid_t str;  /* variable-length UTF-8 string */
    hid_t gcpl; /* groups: link and attribute creation order, no times */
    hid_t dcpl; /* small datasets: contiguous, no times */
} h5w;

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static int fail(h5w *w, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int fail(h5w *w, const char *fmt, ...)
{
    if (!w->failed) { /* the first failure is the cause; keep it */
        w->failed = true;
        char reason[MR_ERRMSG_MAX / 2]; /* leaves room for the path */
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, sizeof reason, fmt, ap);
        va_end(ap);
        snprintf(w->err->msg, sizeof w->err->msg, "%s: %s", w->path, reason);
    }
    return -1;
}

/* An HDF5 call failed while writing `what`. errno is cleared before the
   calls that reach the disk, so a system error (disk full...) is reported. */
static int fail_h5(h5w *w, const char *what)
{
    if (errno != 0)
        return fail(w, "cannot write %s: %s", what, strerror(errno));
    return fail(w, "cannot write %s (HDF5 error)", what);
}

/* Stop at the next dataset once interrupted. */
static int check_interrupt(h5w *w)
{
    if (!interrupted)
        return 0;
    fail(w, "interrupted; nothing written");
    w->stopped = true;
    return -1;
}

static void close_id(hid_t id)
{
    if (id < 0)
        return;
    switch (H5Iget_type(id)) {
    case H5I_GROUP:
        H5Gclose(id);
        break;
    case H5I_DATASET:
        H5Dclose(id);
        break;
    case H5I_DATASPACE:
        H5Sclose(id);
        break;
    case H5I_ATTR:
        H5Aclose(id);
        break;
    case H5I_DATATYPE:
        H5Tclose(id);
        break;
    case H5I_GENPROP_LST:
        H5Pclose(id);
        break;
    case H5I_FILE:
        H5Fclose(id);
        break;
    default:
        break;
    }
}

/* ---- attributes --------------------------------------------------------- */

static int attr_write(h5w *w, hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                      hsize_t n, const void *value)
{
    errno = 0;
    hid_t sp = n == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL);
    hid_t a = sp < 0 ? -1 : H5Acreate2(obj, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, mem_type, value);
    close_id(a);
    close_id(sp);
    if (rc < 0) {
        char what[256];
        snprintf(what, sizeof what, "attribute %s", name);
        return fail_h5(w, what);
    }
    return 0;
}

static int attr_str(h5w *w, hid_t obj, const char *name, const char *value)
{
    const char *v = value ? value : "";
    return attr_write(w, obj, name, w->str, w->str, 0, &v);
}

static int attr_f64(h5w *w, hid_t obj, const char *name, double v)
{
    return attr_write(w, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &v);
}

static int attr_i32(h5w *w, hid_t obj, const char *name, int v)
{
    return attr_write(w, obj, name, H5T_STD_I32LE, H5T_NATIVE_INT, 0, &v);
}

static int attr_u64(h5w *w, hid_t obj, const char *name, uint64_t v)
{
    return attr_write(w, obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, &v);
}

/* units and description: on every dataset. */
static int attr_meta(h5w *w, hid_t obj, const char *units, const char *description)
{
    if (units && attr_str(w, obj, "units", units) < 0)
        return -1;
    return attr_str(w, obj, "description", description);
}

/* ---- datasets ----------------------------------------------------------- */

static hid_t make_group(h5w *w, hid_t parent, const char *name)
{
    errno = 0;
    hid_t g = H5Gcreate2(parent, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
    if (g < 0)
        fail_h5(w, name);
    return g;
}

/* A dataset of `rank` dims (0 = scalar) in grp, with its dimensions attached
   to the coordinate variables dimnames[] of the same group, and units and
   description. chunk_rows > 0 chunks it along dim 0 by that many rows. */
typedef struct {
    const char *name;
    hid_t file_type, mem_type;
    int rank;
    hsize_t dims[3];
    const char *dimnames[3];
    const char *units;
    const char *description;
} dsdef;

static int put(h5w *w, hid_t grp, const dsdef *d, const void *data, hsize_t chunk_rows)
{
    if (check_interrupt(w) < 0)
        return -1;
    hid_t sp = -1, dcpl = -1, ds = -1;
    int rc = -1;
    errno = 0;
    sp = d->rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(d->rank, d->dims, NULL);
    if (sp < 0)
        goto out;
    if (chunk_rows > 0) {
        hsize_t chunk[3];
        chunk[0] = chunk_rows;
        for (int k = 1; k < d->rank; k++)
            chunk[k] = d->dims[k];
        dcpl = H5Pcopy(w->dcpl);
        if (dcpl < 0 || H5Pset_chunk(dcpl, d->rank, chunk) < 0)
            goto out;
    }
    ds = H5Dcreate2(grp, d->name, d->file_type, sp, H5P_DEFAULT, dcpl >= 0 ? dcpl : w->dcpl,
                    H5P_DEFAULT);
    if (ds < 0)
        goto out;
    if (H5Dwrite(ds, d->mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        goto out;
    for (int k = 0; k < d->rank; k++) {
        if (!strcmp(d->dimnames[k], d->name))
            continue; /* a coordinate variable is its own dimension */
        hid_t scale = H5Dopen2(grp, d->dimnames[k], H5P_DEFAULT);
        herr_t a = scale < 0 ? -1 : H5DSattach_scale(ds, scale, (unsigned)k);
        close_id(scale);
        if (a < 0)
            goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        fail_h5(w, d->name);
    else
        rc = attr_meta(w, ds, d->units, d->description);
    close_id(ds);
    close_id(dcpl);
    close_id(sp);
    return rc;
}

/* Rows per chunk for a dataset of nrows rows of rowbytes bytes. */
static hsize_t chunk_rows_for(hsize_t nrows, hsize_t rowbytes)
{
    hsize_t r = TRIAL_CHUNK_BYTES / (rowbytes ? rowbytes : 1);
    if (r < 1)
        r = 1;
    return r < nrows ? r : nrows;
}

/* A coordinate variable: a 1-D dataset made a dimension scale named `name`. */
static int put_coord(h5w *w, hid_t grp, const dsdef *d, const void *data, hsize_t chunk_rows)
{
    if (put(w, grp, d, data, chunk_rows) < 0)
        return -1;
    hid_t ds = H5Dopen2(grp, d->name, H5P_DEFAULT);
    herr_t rc = ds < 0 ? -1 : H5DSset_scale(ds, d->name);
    close_id(ds);
    return rc < 0 ? fail_h5(w, d->name) : 0;
}

static int put_coord_f64(h5w *w, hid_t grp, const char *name, const double *v, size_t n,
                         const char *units, const char *description)
{
    dsdef d = {name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, {n}, {name}, units, description};
    return put_coord(w, grp, &d, v, 0);
}

/* Integer coordinate first, first + 1, ..., first + n - 1. */
static int put_coord_range(h5w *w, hid_t grp, const char *name, int first, size_t n,
                           const char *units, const char *description)
{
    int *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return fail(w, "out of memory");
    for (size_t i = 0; i < n; i++)
        v[i] = first + (int)i;
    dsdef d = {name, H5T_STD_I32LE, H5T_NATIVE_INT, 1, {n}, {name}, units, description};
    int rc = put_coord(w, grp, &d, v, 0);
    free(v);
    return rc;
}

/* String ids of the entities, in index order, taken with a stride from an
   array of structs (the id is a char * at `offset` in each one). */
static int put_strings(h5w *w, hid_t grp, const char *name, const void *base, size_t size,
                       size_t offset, size_t n, const char *dim, const char *description,
                       bool is_coord)
{
    const char **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return fail(w, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *s;
        memcpy(&s, (const char *)base + i * size + offset, sizeof s);
        v[i] = s ? s : "";
    }
    dsdef d = {name, w->str, w->str, 1, {n}, {dim}, NULL, description};
    int rc = is_coord ? put_coord(w, grp, &d, v, 0) : put(w, grp, &d, v, 0);
    free(v);
    return rc;
}

static int put_scalar(h5w *w, hid_t grp, const char *name, double v, const char *units,
                      const char *description)
{
    dsdef d = {name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, {0}, {NULL}, units, description};
    return put(w, grp, &d, &v, 0);
}

static int put_f64(h5w *w, hid_t grp, const char *name, const double *v, int rank,
                   const hsize_t *dims, const char *const *dimnames, const char *units,
                   const char *description)
{
    dsdef d = {name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, rank, {0}, {NULL}, units, description};
    for (int k = 0; k < rank; k++) {
        d.dims[k] = dims[k];
        d.dimnames[k] = dimnames[k];
    }
    return put(w, grp, &d, v, 0);
}

/* 1-D [dim] and 2-D [dim0, dim1] float64 shorthands. */
static int put_1d(h5w *w, hid_t grp, const char *name, const double *v, size_t n, const char *dim,
                  const char *units, const char *description)
{
    hsize_t dims[1] = {n};
    const char *dn[1] = {dim};
    return put_f64(w, grp, name, v, 1, dims, dn, units, description);
}

static int put_2d(h5w *w, hid_t grp, const char *name, const double *v, size_t n0, const char *dim0,
                  size_t n1, const char *dim1, const char *units, const char *description)
{
    hsize_t dims[2] = {n0, n1};
    const char *dn[2] = {dim0, dim1};
    return put_f64(w, grp, name, v, 2, dims, dn, units, description);
}

/* ---- entity coordinates ------------------------------------------------- */

enum { CO_MINERAL = 1, CO_SECTOR = 2, CO_COUNTRY = 4 };

static int put_entity_coords(h5w *w, hid_t grp, const mr_scenario *sc, int which)
{
    if ((which & CO_MINERAL) &&
        put_strings(w, grp, "mineral", sc->minerals, sizeof *sc->minerals, offsetof(mr_mineral, id),
                    (size_t)sc->nminerals, "mineral", "mineral id, in scenario order", true) < 0)
        return -1;
    if ((which & CO_SECTOR) &&
        put_strings(w, grp, "sector", sc->sectors, sizeof *sc->sectors, offsetof(mr_sector, id),
                    (size_t)sc->nsectors, "sector", "sector id, in scenario order", true) < 0)
        return -1;
    if ((which & CO_COUNTRY) && put_strings(w, grp, "country", sc->countries, sizeof *sc->countries,
                                            offsetof(mr_country, id), (size_t)sc->ncountries,
                                            "country", "country id, in scenario order", true) < 0)
        return -1;
    return 0;
}

/* ---- root, scenario, run_info ------------------------------------------ */

static int write_root(h5w *w, const mr_scenario *sc, const mr_results *res)
{
    hid_t r = w->file;
    int version[2] = {MR_FORMAT_MAJOR, MR_FORMAT_MINOR};
    if (attr_str(w, r, "format", MR_FORMAT_NAME) < 0 ||
        attr_write(w, r, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT, 2, version) < 0 ||
        attr_str(w, r, "software_version", MINRISK_VERSION) < 0 ||
        attr_str(w, r, "scenario_name", sc->name) < 0 ||
        attr_str(w, r, "scenario_description", sc->description) < 0 ||
        attr_u64(w, r, "seed", sc->seed) < 0 || attr_u64(w, r, "trials", res->ntrials) < 0 ||
        attr_i32(w, r, "horizon_years", sc->horizon_years) < 0 ||
        attr_i32(w, r, "steps_per_year", sc->steps_per_year) < 0 ||
        attr_str(w, r, "rng", "philox4x32-10") < 0)
        return -1;
    if (put_entity_coords(w, r, sc, CO_MINERAL | CO_SECTOR | CO_COUNTRY) < 0)
        return -1;
    if (put_strings(w, r, "mineral_name", sc->minerals, sizeof *sc->minerals,
                    offsetof(mr_mineral, name), (size_t)sc->nminerals, "mineral", "mineral name",
                    false) < 0 ||
        put_strings(w, r, "mineral_unit", sc->minerals, sizeof *sc->minerals,
                    offsetof(mr_mineral, unit), (size_t)sc->nminerals, "mineral",
                    "unit of the mineral's quantities (demand_t)", false) < 0 ||
        put_strings(w, r, "sector_name", sc->sectors, sizeof *sc->sectors,
                    offsetof(mr_sector, name), (size_t)sc->nsectors, "sector", "sector name",
                    false) < 0 ||
        put_strings(w, r, "country_name", sc->countries, sizeof *sc->countries,
                    offsetof(mr_country, name), (size_t)sc->ncountries, "country", "country name",
                    false) < 0)
        return -1;
    return 0;
}

static int put_text(h5w *w, hid_t grp, const char *name, const char *text, const char *description)
{
    const char *v = text ? text : "";
    dsdef d = {name, w->str, w->str, 0, {0}, {NULL}, NULL, description};
    return put(w, grp, &d, &v, 0);
}

static int write_scenario(h5w *w, const mr_scenario *sc, const char *resolved)
{
    hid_t g = make_group(w, w->file, "scenario");
    if (g < 0)
        return -1;
    int rc = put_text(w, g, "source", sc->source_text, "the scenario file's text, as read (YAML)");
    if (rc == 0)
        rc = put_text(w, g, "resolved", resolved,
                      "the resolved scenario: every default filled in and policies applied "
                      "(YAML), as printed by `minrisk validate`");
    close_id(g);
    return rc;
}

static int write_run_info(h5w *w, const mr_scenario *sc, const mr_run_info *info)
{
    hid_t g = make_group(w, w->file, "run_info");
    if (g < 0)
        return -1;
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    char h5ver[64];
    snprintf(h5ver, sizeof h5ver, "%u.%u.%u", maj, min, rel);
    char date[64] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);

    int rc = -1;
    if (attr_str(w, g, "description",
                 "facts that may differ between identical runs; excluded from the determinism "
                 "check (h5diff --exclude-path /run_info)") < 0)
        goto out;
    if (info && (attr_i32(w, g, "threads", info->threads) < 0 ||
                 attr_f64(w, g, "wall_seconds", info->wall_seconds) < 0 ||
                 attr_f64(w, g, "trials_per_second", info->trials_per_second) < 0 ||
                 attr_u64(w, g, "random_words", info->random_words) < 0))
        goto out;
    if (attr_str(w, g, "host", host) < 0 || attr_str(w, g, "date", date) < 0 ||
        attr_str(w, g, "software_version", MINRISK_VERSION) < 0 ||
        attr_str(w, g, "hdf5_version", h5ver) < 0 ||
        attr_str(w, g, "gsl_version", gsl_version) < 0 ||
        attr_str(w, g, "scenario_path", sc->source_path) < 0)
        goto out;
    rc = 0;
out:
    close_id(g);
    return rc;
}

/* ---- /trials ------------------------------------------------------------ */

static int write_trials(h5w *w, const mr_scenario *sc, const mr_results *res)
{
    const hsize_t n = res->ntrials, S = (hsize_t)res->nsectors, M = (hsize_t)res->nminerals,
                  H = (hsize_t)res->years;
    hid_t g = make_group(w, w->file, "trials");
    if (g < 0)
        return -1;
    int rc = -1;
    uint64_t *ids = malloc(n * sizeof *ids);
    if (!ids) {
        fail(w, "out of memory");
        goto out;
    }
    for (uint64_t i = 0; i < n; i++)
        ids[i] = i;
    dsdef trial = {"trial",
                   H5T_STD_U64LE,
                   H5T_NATIVE_UINT64,
                   1,
                   {n},
                   {"trial"},
                   "1",
                   "trial index i, 0 .. N-1; trial i's random numbers depend only on "
                   "(seed, i) (MODEL §12)"};
    if (put_coord(w, g, &trial, ids, chunk_rows_for(n, 8)) < 0 ||
        put_coord_range(w, g, "year", 1, (size_t)H, "year",
                        "calendar year of the horizon, 1 .. H (year y covers steps "
                        "(y-1)*steps_per_year .. y*steps_per_year - 1)") < 0 ||
        put_entity_coords(w, g, sc, CO_MINERAL | CO_SECTOR) < 0)
        goto out;

    static const struct {
        const char *name;
        size_t offset; /* of the array in mr_results */
        int cols;      /* 0: [trial]; 'S', 'M', 'H': [trial, sector|mineral|year] */
        const char *units;
        const char *description;
    } vars[] = {
        {"total_loss", offsetof(mr_results, total_loss), 0, "GBP",
         "total loss over the horizon: sum over sectors of output loss and extra input cost "
         "(MODEL §8)"},
        {"sector_output_loss", offsetof(mr_results, sector_output_loss), 'S', "GBP",
         "output loss OL_j = sum_t q_j(t) Y_j dt over the horizon (MODEL §8)"},
        {"sector_extra_cost", offsetof(mr_results, sector_extra_cost), 'S', "GBP",
         "extra input cost XC_j = sum_t sum_m w_mj dt f_mj(t) (exp(y_m(t)) - 1) over the "
         "horizon; negative when prices fall (MODEL §8)"},
        {"annual_loss", offsetof(mr_results, annual_loss), 'H', "GBP",
         "total loss (all sectors, OL + XC) in each calendar year of the horizon"},
        {"mineral_shortfall_mean", offsetof(mr_results, mineral_shortfall_mean), 'M', "1",
         "mean over steps of the net national shortfall u_m(t), fraction of demand"},
        {"mineral_shortfall_peak", offsetof(mr_results, mineral_shortfall_peak), 'M', "1",
         "maximum over steps of the net national shortfall u_m(t), fraction of demand"},
        {"mineral_shortfall_months", offsetof(mr_results, mineral_shortfall_months), 'M', "months",
         "months with u_m(t) > 1% of demand"},
        {"mineral_price_peak", offsetof(mr_results, mineral_price_peak), 'M', "1",
         "maximum over steps of the price ratio P_m(t)/P0_m"},
        {"mineral_stockpile_empty_month", offsetof(mr_results, mineral_stockpile_empty_month), 'M',
         "months",
         "month from the start (0 = first month) in which the strategic stockpile first ran "
         "empty; NaN if it never did or there is no stockpile"},
        {"sector_inoperability_peak", offsetof(mr_results, sector_inoperability_peak), 'S', "1",
         "maximum over steps of the inoperability q_j(t), fraction of output"},
        {"sector_inoperability_months", offsetof(mr_results, sector_inoperability_months), 'S',
         "months", "months with q_j(t) > 5%"},
    };
    for (size_t v = 0; v < sizeof vars / sizeof vars[0]; v++) {
        const double *data;
        memcpy(&data, (const char *)res + vars[v].offset, sizeof data);
        if (!data) {
            fail(w, "internal error: results have no %s", vars[v].name);
            goto out;
        }
        dsdef d = {vars[v].name, H5T_IEEE_F64LE,  H5T_NATIVE_DOUBLE, 1,
                   {n, 0},       {"trial", NULL}, vars[v].units,     vars[v].description};
        if (vars[v].cols) {
            d.rank = 2;
            d.dims[1] = vars[v].cols == 'S' ? S : vars[v].cols == 'M' ? M : H;
            d.dimnames[1] = vars[v].cols == 'S'   ? "sector"
                            : vars[v].cols == 'M' ? "mineral"
                                                  : "year";
        }
        hsize_t cols = d.rank == 2 ? d.dims[1] : 1;
        if (put(w, g, &d, data, chunk_rows_for(n, 8 * cols)) < 0)
            goto out;
    }
    rc = 0;
out:
    free(ids);
    close_id(g);
    return rc;
}

/* ---- /summary ----------------------------------------------------------- */

/* Statistics of one loss variable over the trials. */
typedef struct {
    double mean, sd, se;
    double q[MR_OUTPUT_NQUANTILES], ci_lo[MR_OUTPUT_NQUANTILES], ci_hi[MR_OUTPUT_NQUANTILES];
    double es[MR_OUTPUT_NES];
} loss_stats;

/* x: n values in trial order; sorted: scratch of n. */
static int compute_loss_stats(const double *x, size_t n, double *sorted, loss_stats *ls)
{
    ls->mean = mr_stats_mean(x, n);
    ls->sd = mr_stats_sd(x, n);
    ls->se = mr_stats_se(x, n);
    if (mr_stats_sort_copy(x, n, 1, sorted) < 0)
        return -1;
    for (int k = 0; k < MR_OUTPUT_NQUANTILES; k++) {
        double p = mr_output_quantiles[k];
        ls->q[k] = mr_stats_quantile_sorted(sorted, n, p);
        mr_stats_quantile_ci_sorted(sorted, n, p, MR_OUTPUT_CI_LEVEL, &ls->ci_lo[k], &ls->ci_hi[k]);
    }
    for (int k = 0; k < MR_OUTPUT_NES; k++)
        ls->es[k] = mr_stats_es_sorted(sorted, n, mr_output_es_levels[k]);
    return 0;
}

/* Write <prefix>_mean, _sd, _se, _quantile, _quantile_ci_low, _quantile_ci_high,
   _es for nvar variables: nvar == 0 is one scalar variable (the total), else
   one per sector (leading dimension `sector`). `what` completes the
   descriptions ("the total loss over the horizon"). */
static int put_loss_stats(h5w *w, hid_t g, const char *prefix, const loss_stats *ls, size_t nvar,
                          const char *what)
{
    size_t nv = nvar ? nvar : 1;
    double *buf = malloc(nv * MR_OUTPUT_NQUANTILES * sizeof *buf);
    if (!buf)
        return fail(w, "out of memory");
    char name[128], desc[512];
    int rc = -1;

    static const char *const mom_suffix[3] = {"mean", "sd", "se"};
    static const char *const mom_desc[3] = {
        "mean over trials of %s", "standard deviation (divisor N-1) over trials of %s",
        "Monte Carlo standard error of the mean of %s: sd / sqrt(N)"};
    for (int m = 0; m < 3; m++) {
        for (size_t j = 0; j < nv; j++)
            buf[j] = m == 0 ? ls[j].mean : m == 1 ? ls[j].sd : ls[j].se;
        snprintf(name, sizeof name, "%s_%s", prefix, mom_suffix[m]);
        snprintf(desc, sizeof desc, mom_desc[m], what);
        int r = nvar ? put_1d(w, g, name, buf, nv, "sector", "GBP", desc)
                     : put_scalar(w, g, name, buf[0], "GBP", desc);
        if (r < 0)
            goto out;
    }
    static const char *const q_suffix[3] = {"quantile", "quantile_ci_low", "quantile_ci_high"};
    static const char *const q_desc[3] = {
        "empirical quantile (VaR) of %s at probability `quantile`: the order statistic "
        "X_(ceil(N p))",
        "lower bound of the distribution-free 95%% confidence interval (order statistics, "
        "equal tails of at most 2.5%%) of the quantile of %s; NaN when N is too small",
        "upper bound of the distribution-free 95%% confidence interval (order statistics, "
        "equal tails of at most 2.5%%) of the quantile of %s; NaN when N is too small"};
    for (int m = 0; m < 3; m++) {
        for (size_t j = 0; j < nv; j++)
            for (int k = 0; k < MR_OUTPUT_NQUANTILES; k++) {
                const double *src = m == 0 ? ls[j].q : m == 1 ? ls[j].ci_lo : ls[j].ci_hi;
                buf[j * MR_OUTPUT_NQUANTILES + (size_t)k] = src[k];
            }
        snprintf(name, sizeof name, "%s_%s", prefix, q_suffix[m]);
        snprintf(desc, sizeof desc, q_desc[m], what);
        int r = nvar ? put_2d(w, g, name, buf, nv, "sector", MR_OUTPUT_NQUANTILES, "quantile",
                              "GBP", desc)
                     : put_1d(w, g, name, buf, MR_OUTPUT_NQUANTILES, "quantile", "GBP", desc);
        if (r < 0)
            goto out;
    }
    for (size_t j = 0; j < nv; j++)
        for (int k = 0; k < MR_OUTPUT_NES; k++)
            buf[j * MR_OUTPUT_NES + (size_t)k] = ls[j].es[k];
    snprintf(name, sizeof name, "%s_es", prefix);
    snprintf(desc, sizeof desc,
             "expected shortfall (TVaR) of %s at level `es_level`: exact tail mean of the "
             "empirical distribution, the mean of the top N(1-p) trials when N p is an integer",
             what);
    if ((nvar ? put_2d(w, g, name, buf, nv, "sector", MR_OUTPUT_NES, "es_level", "GBP", desc)
              : put_1d(w, g, name, buf, MR_OUTPUT_NES, "es_level", "GBP", desc)) < 0)
        goto out;
    rc = 0;
out:
    free(buf);
    return rc;
}

static int write_summary_coords(h5w *w, hid_t g, const mr_scenario *sc, const mr_results *res)
{
    double months_per_step = 12.0 / (double)sc->steps_per_year;
    if (put_entity_coords(w, g, sc, CO_MINERAL | CO_SECTOR) < 0 ||
        put_coord_f64(w, g, "quantile", mr_output_quantiles, MR_OUTPUT_NQUANTILES, "1",
                      "probability level p of a quantile (VaR)") < 0 ||
        put_coord_f64(w, g, "es_level", mr_output_es_levels, MR_OUTPUT_NES, "1",
                      "level p of an expected shortfall (TVaR)") < 0 ||
        put_coord_f64(w, g, "return_period", mr_output_return_periods, MR_OUTPUT_NRP, "year",
                      "return period R: the annual loss exceeded with probability 1/R a year") <
            0 ||
        put_coord_f64(w, g, "band", mr_output_bands, MR_OUTPUT_NBANDS, "1",
                      "probability level of a time band (quantile over trials at each step)") < 0 ||
        put_coord_range(w, g, "bin", 0, MR_OUTPUT_HIST_BINS, "1", "histogram bin index") < 0 ||
        put_coord_range(w, g, "bin_edge", 0, MR_OUTPUT_HIST_BINS + 1, "1",
                        "histogram bin edge index; bin b lies between edges b and b+1") < 0 ||
        put_coord_range(w, g, "step", 0, (size_t)res->steps, "1",
                        "time step t from the start; step t covers months [t, t+1) * "
                        "months_per_step") < 0)
        return -1;
    hid_t step = H5Dopen2(g, "step", H5P_DEFAULT);
    int rc = step < 0 ? fail_h5(w, "step") : attr_f64(w, step, "months_per_step", months_per_step);
    close_id(step);
    return rc;
}

/* Sector loss statistics: OL + XC, OL and XC. */
static int write_sector_losses(h5w *w, hid_t g, const mr_results *res, double *col, double *sorted)
{
    const size_t n = res->ntrials, S = (size_t)res->nsectors;
    loss_stats *ls = malloc((S ? S : 1) * sizeof *ls);
    if (!ls)
        return fail(w, "out of memory");
    static const struct {
        const char *prefix, *what;
    } kinds[3] = {
        {"sector_loss", "the sector's loss over the horizon (output loss + extra input cost)"},
        {"sector_output_loss", "the sector's output loss over the horizon"},
        {"sector_extra_cost", "the sector's extra input cost over the horizon"},
    };
    int rc = 0;
    for (int kind = 0; kind < 3 && rc == 0; kind++) {
        for (size_t j = 0; j < S && rc == 0; j++) {
            for (size_t i = 0; i < n; i++) {
                double ol = res->sector_output_loss[i * S + j];
                double xc = res->sector_extra_cost[i * S + j];
                col[i] = kind == 0 ? ol + xc : kind == 1 ? ol : xc;
            }
            if (compute_loss_stats(col, n, sorted, &ls[j]) < 0)
                rc = fail(w, "out of memory");
        }
        if (rc == 0)
            rc = put_loss_stats(w, g, kinds[kind].prefix, ls, S, kinds[kind].what);
    }
    free(ls);
    return rc;
}

/* AAL and return-period losses: total and per sector, from the annual losses. */
static int write_annual(h5w *w, hid_t g, const mr_results *res)
{
    const size_t n = res->ntrials, S = (size_t)res->nsectors, H = (size_t)res->years;
    const size_t ny = n * H;
    double *aal = malloc((S + 1) * sizeof *aal), *aal_se = malloc((S + 1) * sizeof *aal_se);
    double *rp = malloc((S + 1) * MR_OUTPUT_NRP * sizeof *rp);
    int rc = -1;
    if (!aal || !aal_se || !rp) {
        fail(w, "out of memory");
        goto out;
    }
    /* Row 0: total (annual_loss); rows 1..S: sectors (sector_annual_loss). */
    for (size_t j = 0; j <= S; j++) {
        const double *a = j == 0 ? res->annual_loss : res->sector_annual_loss + (j - 1);
        size_t stride = j == 0 ? 1 : S;
        mr_stats_aal(a, n, H, stride, &aal[j], &aal_se[j]);
        /* 9 order statistics of N x H values: selection, not a sort */
        if (mr_stats_return_periods(a, ny, stride, mr_output_return_periods, MR_OUTPUT_NRP,
                                    rp + j * MR_OUTPUT_NRP) < 0) {
            fail(w, "out of memory");
            goto out;
        }
    }
    const char *aal_desc = "average annual loss (AAL): mean of the N x H annual losses";
    const char *aal_se_desc = "Monte Carlo standard error of the AAL: sd over trials of each "
                              "trial's mean annual loss, / sqrt(N) (the years of one trial are "
                              "not independent)";
    const char *rp_desc = "loss at return period R: quantile at 1 - 1/R of the N x H annual "
                          "losses, X_(ceil(N H (1 - 1/R))); NaN when N H < R";
    if (put_scalar(w, g, "aal", aal[0], "GBP", aal_desc) < 0 ||
        put_scalar(w, g, "aal_se", aal_se[0], "GBP", aal_se_desc) < 0 ||
        put_1d(w, g, "return_period_loss", rp, MR_OUTPUT_NRP, "return_period", "GBP", rp_desc) <
            0 ||
        put_1d(w, g, "sector_aal", aal + 1, S, "sector", "GBP",
               "average annual loss of the sector (OL + XC): mean of the N x H annual sector "
               "losses") < 0 ||
        put_1d(w, g, "sector_aal_se", aal_se + 1, S, "sector", "GBP",
               "Monte Carlo standard error of sector_aal (from per-trial mean annual losses)") <
            0 ||
        put_2d(w, g, "sector_return_period_loss", rp + MR_OUTPUT_NRP, S, "sector", MR_OUTPUT_NRP,
               "return_period", "GBP",
               "sector's annual loss (OL + XC) at return period R: quantile at 1 - 1/R of its N "
               "x H annual losses; NaN when N H < R") < 0)
        goto out;
    rc = 0;
out:
    free(aal);
    free(aal_se);
    free(rp);
    return rc;
}

static int write_histogram(h5w *w, hid_t g, const mr_results *res)
{
    uint64_t counts[MR_OUTPUT_HIST_BINS];
    double edges[MR_OUTPUT_HIST_BINS + 1];
    mr_stats_histogram(res->total_loss, res->ntrials, MR_OUTPUT_HIST_BINS, counts, edges);
    dsdef d = {"total_loss_hist_count",
               H5T_STD_U64LE,
               H5T_NATIVE_UINT64,
               1,
               {MR_OUTPUT_HIST_BINS},
               {"bin"},
               "1",
               "number of trials whose total loss lies in bin b: edges[b] <= x < edges[b+1] "
               "(the last bin includes the maximum)"};
    if (put(w, g, &d, counts, 0) < 0)
        return -1;
    return put_1d(w, g, "total_loss_hist_edges", edges, MR_OUTPUT_HIST_BINS + 1, "bin_edge", "GBP",
                  "edges of the total-loss histogram: equal bins from the minimum to the "
                  "maximum over trials");
}

static int write_bands(h5w *w, hid_t g, const mr_results *res)
{
    const size_t T = (size_t)res->steps, S = (size_t)res->nsectors, M = (size_t)res->nminerals;
    const size_t nb = MR_OUTPUT_NBANDS;
    const size_t nq = T * S * nb, ny = T * M * nb;
    double *bq = malloc((nq > 0 ? nq : 1) * sizeof *bq);
    double *by = malloc((ny > 0 ? ny : 1) * sizeof *by);
    int rc = -1;
    if (!bq || !by) {
        fail(w, "out of memory");
        goto out;
    }
    for (size_t t = 0; t < T; t++)
        for (size_t b = 0; b < nb; b++) {
            for (size_t j = 0; j < S; j++)
                bq[(t * S + j) * nb + b] =
                    res->band_q ? mr_stats_band_quantile(res->band_q + (t * S + j) * MR_BAND_Q_BINS,
                                                         MR_BAND_Q_BINS, MR_BAND_Q_WIDTH, 0.0,
                                                         mr_output_bands[b])
                                : NAN;
            for (size_t m = 0; m < M; m++)
                by[(t * M + m) * nb + b] =
                    res->band_y
                        ? exp(mr_stats_band_quantile(res->band_y + (t * M + m) * MR_BAND_Y_BINS,
                                                     MR_BAND_Y_BINS, MR_BAND_Y_WIDTH, MR_BAND_Y_MIN,
                                                     mr_output_bands[b]))
                        : NAN;
        }
    hsize_t dq[3] = {T, S, nb}, dy[3] = {T, M, nb};
    const char *dnq[3] = {"step", "sector", "band"}, *dny[3] = {"step", "mineral", "band"};
    char desc[512];
    snprintf(desc, sizeof desc,
             "quantile over trials of the sector inoperability q_j(t) at each step, at "
             "probability `band`; from a histogram of bin width %g (values are bin centres)",
             MR_BAND_Q_WIDTH);
    if (put_f64(w, g, "inoperability_band", bq, 3, dq, dnq, "1", desc) < 0)
        goto out;
    snprintf(desc, sizeof desc,
             "quantile over trials of the price ratio P_m(t)/P0_m at each step, at probability "
             "`band`; exp of a quantile of ln(P/P0) from a histogram of bin width %g over "
             "[%g, %g] (values are bin centres; beyond the range they are clamped)",
             MR_BAND_Y_WIDTH, MR_BAND_Y_MIN,
             MR_BAND_Y_MIN + (MR_BAND_Y_BINS - 1) * MR_BAND_Y_WIDTH);
    if (put_f64(w, g, "price_ratio_band", by, 3, dy, dny, "1", desc) < 0)
        goto out;
    rc = 0;
out:
    free(bq);
    free(by);
    return rc;
}

/* Per mineral and per sector figures that are not losses. */
static int write_entity_figures(h5w *w, hid_t g, const mr_results *res, double *col)
{
    const size_t n = res->ntrials, S = (size_t)res->nsectors, M = (size_t)res->nminerals;
    const size_t nmax = (M > S ? M : S) ? (M > S ? M : S) : 1;
    double *v = malloc(nmax * sizeof *v);
    if (!v)
        return fail(w, "out of memory");
    static const struct {
        const char *name;
        size_t offset;
        char entity; /* 'M' or 'S' */
        char stat;   /* 'a' mean over trials, 'p' fraction above 1%, 'f' fraction not NaN */
        const char *units, *description;
    } figs[] = {
        {"mineral_shortage_prob", offsetof(mr_results, mineral_shortfall_peak), 'M', 'p', "1",
         "probability that the peak shortfall exceeds 1% of demand: fraction of trials with "
         "mineral_shortfall_peak > 0.01"},
        {"mineral_shortfall_mean_avg", offsetof(mr_results, mineral_shortfall_mean), 'M', 'a', "1",
         "mean over trials of mineral_shortfall_mean: expected shortfall over the horizon, "
         "fraction of demand"},
        {"mineral_shortfall_months_avg", offsetof(mr_results, mineral_shortfall_months), 'M', 'a',
         "months", "mean over trials of the months with shortfall > 1%"},
        {"mineral_stockpile_empty_prob", offsetof(mr_results, mineral_stockpile_empty_month), 'M',
         'f', "1",
         "probability that the strategic stockpile runs empty within the "
         "horizon: fraction of trials where it did (0 without a stockpile)"},
        {"mineral_price_peak_avg", offsetof(mr_results, mineral_price_peak), 'M', 'a', "1",
         "mean over trials of the peak price ratio P/P0"},
        {"sector_inoperability_peak_avg", offsetof(mr_results, sector_inoperability_peak), 'S', 'a',
         "1", "mean over trials of the peak inoperability q_j"},
        {"sector_inoperability_months_avg", offsetof(mr_results, sector_inoperability_months), 'S',
         'a', "months", "mean over trials of the months with inoperability > 5%"},
    };
    int rc = 0;
    for (size_t f = 0; f < sizeof figs / sizeof figs[0] && rc == 0; f++) {
        const double *data;
        memcpy(&data, (const char *)res + figs[f].offset, sizeof data);
        size_t ne = figs[f].entity == 'M' ? M : S;
        for (size_t e = 0; e < ne; e++) {
            for (size_t i = 0; i < n; i++)
                col[i] = data[i * ne + e];
            v[e] = figs[f].stat == 'a'   ? mr_stats_mean(col, n)
                   : figs[f].stat == 'p' ? mr_stats_fraction_above(col, n, SHORTAGE_THRESHOLD)
                                         : mr_stats_fraction_not_nan(col, n);
        }
        rc = put_1d(w, g, figs[f].name, v, ne, figs[f].entity == 'M' ? "mineral" : "sector",
                    figs[f].units, figs[f].description);
    }
    free(v);
    return rc;
}

static int write_summary(h5w *w, const mr_scenario *sc, const mr_results *res)
{
    const size_t n = res->ntrials;
    hid_t g = make_group(w, w->file, "summary");
    if (g < 0)
        return -1;
    int rc = -1;
    double *col = malloc(n * sizeof *col), *sorted = malloc(n * sizeof *sorted);
    if (!col || !sorted) {
        fail(w, "out of memory");
        goto out;
    }
    if (write_summary_coords(w, g, sc, res) < 0)
        goto out;
    loss_stats total;
    if (compute_loss_stats(res->total_loss, n, sorted, &total) < 0) {
        fail(w, "out of memory");
        goto out;
    }
    if (put_loss_stats(w, g, "total_loss", &total, 0,
                       "the total loss over the horizon (all sectors, OL + XC)") < 0 ||
        write_histogram(w, g, res) < 0 || write_annual(w, g, res) < 0 ||
        write_sector_losses(w, g, res, col, sorted) < 0 ||
        write_entity_figures(w, g, res, col) < 0 || write_bands(w, g, res) < 0)
        goto out;
    rc = 0;
out:
    free(col);
    free(sorted);
    close_id(g);
    return rc;
}

/* ---- the file ----------------------------------------------------------- */

static int check_results(h5w *w, const mr_scenario *sc, const mr_results *res)
{
    if (res->ntrials == 0)
        return fail(w, "no trials to write");
    if (res->nsectors != sc->nsectors || res->nminerals != sc->nminerals ||
        res->years != sc->horizon_years || res->steps != sc->horizon_years * sc->steps_per_year)
        return fail(w, "internal error: results do not match the scenario's dimensions");
    if (!res->total_loss || !res->sector_output_loss || !res->sector_extra_cost ||
        !res->annual_loss || !res->sector_annual_loss)
        return fail(w, "internal error: results are missing loss arrays");
    return 0;
}

static int write_all(h5w *w, const mr_scenario *sc, const mr_results *res, const mr_run_info *info)
{
    char *resolved = mr_scenario_resolved_yaml(sc);
    if (!resolved)
        return fail(w, "cannot produce the resolved scenario (out of memory)");
    /* /run_info last, so that everything before it is laid out identically
       in every run (byte-stable, not only h5diff-equal). */
    int rc = 0;
    if (write_root(w, sc, res) < 0 || write_scenario(w, sc, resolved) < 0 ||
        write_trials(w, sc, res) < 0 || write_summary(w, sc, res) < 0 ||
        write_run_info(w, sc, info) < 0)
        rc = -1;
    free(resolved);
    return rc;
}

int mr_output_write(const char *path, const mr_scenario *sc, const mr_results *res,
                    const mr_run_info *info, mr_error *err)
{
    h5w w = {path, err, false, false, -1, -1, -1, -1};
    if (check_interrupt(&w) < 0) {
        interrupted = 0;
        return 1;
    }
    if (check_results(&w, sc, res) < 0)
        return -1;
    int len = snprintf(partial_path, sizeof partial_path, "%s.tmp.%ld", path, (long)getpid());
    if (len < 0 || (size_t)len >= sizeof partial_path)
        return fail(&w, "path too long");

    /* Create the file ourselves first: a clear message for the common
       failures (no such directory, permission denied). */
    partial_active = 1;
    int fd = open(partial_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) {
        partial_active = 0;
        return fail(&w, "cannot create %s: %s", partial_path, strerror(errno));
    }
    close(fd);

    /* HDF5 1.10 leaves a file whose close failed (disk full...) half freed in
       its ID table, and its exit handler then crashes on it (HDFFV-11052,
       fixed in 1.14). Without the handler a failed run exits with its own
       status. Effective when this is the process's first HDF5 call. */
    H5dont_atexit();
    H5E_auto2_t old_func;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported through err */

    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
    w.gcpl = H5Pcreate(H5P_GROUP_CREATE);
    w.dcpl = H5Pcreate(H5P_DATASET_CREATE);
    w.str = H5Tcopy(H5T_C_S1);
    unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    if (fcpl < 0 || fapl < 0 || w.gcpl < 0 || w.dcpl < 0 || w.str < 0 ||
        H5Tset_size(w.str, H5T_VARIABLE) < 0 || H5Tset_cset(w.str, H5T_CSET_UTF8) < 0 ||
        H5Pset_link_creation_order(fcpl, order) < 0 ||
        H5Pset_attr_creation_order(fcpl, order) < 0 ||
        H5Pset_link_creation_order(w.gcpl, order) < 0 ||
        H5Pset_attr_creation_order(w.gcpl, order) < 0 || H5Pset_obj_track_times(w.gcpl, 0) < 0 ||
        H5Pset_attr_creation_order(w.dcpl, order) < 0 || H5Pset_obj_track_times(w.dcpl, 0) < 0 ||
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        fail(&w, "cannot set up HDF5 property lists");
    } else {
        errno = 0;
        w.file = H5Fcreate(partial_path, H5F_ACC_TRUNC, fcpl, fapl);
        if (w.file < 0)
            fail_h5(&w, partial_path);
    }
    if (!w.failed)
        write_all(&w, sc, res, info);
    if (w.file >= 0) {
        errno = 0;
        if (H5Fclose(w.file) < 0)
            fail_h5(&w, partial_path);
    }
    close_id(w.str);
    close_id(w.dcpl);
    close_id(w.gcpl);
    close_id(fapl);
    close_id(fcpl);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);

    if (!w.failed)
        check_interrupt(&w);
    if (!w.failed && rename(partial_path, path) != 0)
        fail(&w, "cannot rename %s to it: %s", partial_path, strerror(errno));
    if (w.failed)
        unlink(partial_path);
    partial_active = 0;
    if (w.stopped) {
        interrupted = 0;
        return 1;
    }
    return w.failed ? -1 : 0;
}
