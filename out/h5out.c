/* h5out.c - write the HDF5 result file (layout: docs/OUTPUT.md).
 *
 * Everything outside /run_info is a function of (scenario, seed, trials)
 * only: statistics are reduced in trial order, in fixed blocks, whatever the
 * ranks and threads (sumstats.c, dstats.c), nothing records a time, a host
 * or a rank count, and object modification times are off, so
 * `h5diff --exclude-path /run_info` of two runs shows no difference.
 *
 * The write is collective over the ranks of a run. With MPI every rank opens
 * the file through MPI-IO and makes every object with the same arguments
 * (parallel HDF5 requires it); each rank writes its own rows of the
 * /trials datasets as one hyperslab, with collective transfer; rank 0 alone
 * selects the data of the small datasets. Parallel HDF5 1.10 cannot write
 * variable-length data, so the string datasets (entity ids and names,
 * /scenario) are made in the collective part and filled afterwards by rank
 * 0 through the serial driver, together with /run_info; then rank 0 renames
 * the file. The serial build and a NULL comm take the same path with one
 * rank and the serial driver.
 *
 * After every step that touches the file the ranks agree on failure and
 * interrupt (sync_state), so they never part ways in the collective calls:
 * any rank's failure is every rank's, reported with the first failing
 * rank's message.
 *
 * Coordinates are netCDF-4-style dimension scales placed in every group that
 * uses them: scales at the root name a subgroup's dimensions for h5netcdf but
 * do not label them (xarray shows "Dimensions without coordinates"), checked
 * by tests/test_xarray.py.
 */
#define _POSIX_C_SOURCE 200809L

#include "clock.h"
#include "indicators.h"
#include "output.h"
#include "stats.h"
#include "sumstats.h"

#ifdef MINRISK_HAVE_MPI
#include <mpi.h>
#endif
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

/* Chunks of /trials datasets hold whole rows, about this many bytes, in
   whole blocks of MR_BLOCK_TRIALS trials when larger than one. */
#define TRIAL_CHUNK_BYTES (1u << 20)

static const mr_comm solo = {0, 1, NULL};

/* ---- the temporary file, for an interrupt handler ---------------------- */

static char partial_path[4096];
static volatile sig_atomic_t partial_active;
static volatile sig_atomic_t interrupted;

void mr_output_remove_partial(void)
{
    if (partial_active)
        unlink(partial_path);
}

int mr_output_writing(void)
{
    return partial_active != 0;
}

void mr_output_interrupt(void)
{
    interrupted = 1;
    mr_output_remove_partial();
}

/* ---- writer state and errors ------------------------------------------- */

/* A string dataset made in the collective part, filled afterwards. */
typedef struct {
    char *path;          /* full path in the file */
    const char **values; /* n pointers to strings that outlive the write */
    size_t n;
} deferred;

typedef struct {
    const char *path; /* the final path, which every message names */
    mr_error *err;
    bool failed;
    bool stopped;         /* failed because of mr_output_interrupt */
    const mr_comm *comm;  /* the ranks taking part in the current step */
    const mr_comm *world; /* all ranks of the write */
    bool par;             /* the file is open through MPI-IO */
    hid_t file;
    hid_t base; /* the group of the run being written (the file for a plain run) */
    hid_t str;  /* variable-length UTF-8 string */
    hid_t gcpl; /* groups: link and attribute creation order, no times */
    hid_t dcpl; /* small datasets: contiguous, no times */
    hid_t dxpl; /* transfer: collective with MPI-IO, else default */
    deferred *defer;
    size_t ndefer, capdefer;
    char *resolved; /* the resolved scenario text (deferred string) */
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

/* The ranks of the current step agree on failure and interrupt: an
   interrupt on any rank stops all; a failure on any rank fails all, with
   the message of the lowest failing rank. with_interrupt = false ignores
   interrupts (after the file is complete). Returns -1 when failed. */
static int sync_flags(h5w *w, bool with_interrupt)
{
    if (with_interrupt && interrupted && !w->failed) {
        fail(w, "interrupted; nothing written");
        w->stopped = true;
    }
    const mr_comm *c = w->comm;
    if (c->size > 1) {
        uint64_t f[2] = {w->failed, w->stopped};
        mr_comm_sum_u64(c, f, 2);
        if (f[0] > 0) {
            /* an interrupt explains the failures it caused elsewhere */
            bool mine = f[1] > 0 ? w->stopped : w->failed;
            double root = mine ? (double)c->rank : INFINITY;
            mr_comm_min_f64(c, &root, 1);
            char msg[sizeof w->err->msg];
            memcpy(msg, w->err->msg, sizeof msg);
            mr_comm_bcast_from(c, (int)root, msg, sizeof msg);
            w->failed = true; /* every rank reports the same failure */
            memcpy(w->err->msg, msg, sizeof msg);
        }
        if (f[1] > 0)
            w->stopped = true;
    }
    return w->failed ? -1 : 0;
}

static int sync_state(h5w *w)
{
    return sync_flags(w, true);
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
    if (!w->failed) {
        errno = 0;
        hid_t sp = n == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL);
        hid_t a = sp < 0 ? -1 : H5Acreate2(obj, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT);
        herr_t rc = a < 0 ? -1 : H5Awrite(a, mem_type, value);
        close_id(a);
        close_id(sp);
        if (rc < 0) {
            char what[256];
            snprintf(what, sizeof what, "attribute %s", name);
            fail_h5(w, what);
        }
    }
    return sync_state(w);
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
    hid_t g = -1;
    if (!w->failed) {
        errno = 0;
        g = H5Gcreate2(parent, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
        if (g < 0)
            fail_h5(w, name);
    }
    if (sync_state(w) < 0) {
        close_id(g);
        return -1;
    }
    return g;
}

/* A dataset of `rank` dims (0 = scalar) in grp, with its dimensions attached
   to the coordinate variables dimnames[] of the same group, and units and
   description. */
typedef struct {
    const char *name;
    hid_t file_type, mem_type;
    int rank;
    hsize_t dims[3];
    const char *dimnames[3];
    const char *units;
    const char *description;
} dsdef;

/* Where a dataset's data come from: the whole of it on every rank (rank 0
   writes it), or this rank's rows row0 .. row0 + nrows - 1 of dimension 0
   (chunked along it by chunk_rows rows). */
typedef struct {
    bool rows;
    hsize_t row0, nrows, chunk_rows;
} dsrows;

/* Remember a string dataset to fill after the collective part. */
static int defer_strings(h5w *w, hid_t grp, const char *name, const void *data, size_t n)
{
    char gpath[1024];
    ssize_t len = H5Iget_name(grp, gpath, sizeof gpath);
    if (len < 0 || (size_t)len >= sizeof gpath)
        return -1;
    if (w->ndefer == w->capdefer) {
        size_t cap = w->capdefer ? 2 * w->capdefer : 16;
        deferred *d = realloc(w->defer, cap * sizeof *d);
        if (!d)
            return -1;
        w->defer = d;
        w->capdefer = cap;
    }
    deferred *d = &w->defer[w->ndefer];
    size_t plen = strlen(gpath) + strlen(name) + 2;
    d->path = malloc(plen);
    d->values = malloc((n ? n : 1) * sizeof *d->values);
    if (!d->path || !d->values) {
        free(d->path);
        free(d->values);
        return -1;
    }
    snprintf(d->path, plen, "%s%s%s", gpath, strcmp(gpath, "/") ? "/" : "", name);
    memcpy(d->values, data, n * sizeof *d->values);
    d->n = n;
    w->ndefer++;
    return 0;
}

/* The data of dataset ds: all of it from rank 0, or this rank's rows. */
static herr_t write_data(h5w *w, hid_t ds, hid_t space, const dsdef *d, const void *data,
                         const dsrows *r)
{
    hid_t fsel = -1, msel = -1;
    herr_t rc = -1;
    static const double dummy = 0.0; /* a buffer for an empty selection */
    /* nothing to write (parallel HDF5 1.10 fails a collective write to a
       dataset of no elements) */
    if (H5Sget_simple_extent_npoints(space) == 0)
        return 0;
    if (r && (w->par || r->nrows != d->dims[0])) {
        hsize_t start[3] = {r->row0, 0, 0}, count[3] = {r->nrows, 1, 1};
        for (int k = 1; k < d->rank; k++)
            count[k] = d->dims[k];
        fsel = H5Scopy(space);
        msel = H5Screate_simple(d->rank, count, NULL);
        if (fsel < 0 || msel < 0)
            goto out;
        if (r->nrows > 0) {
            if (H5Sselect_hyperslab(fsel, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
                goto out;
        } else if (H5Sselect_none(fsel) < 0 || H5Sselect_none(msel) < 0) {
            goto out;
        }
        if (r->nrows == 0)
            data = &dummy;
    } else if (!r && w->par && w->comm->rank != 0) {
        fsel = H5Scopy(space);
        msel = H5Scopy(space);
        if (fsel < 0 || msel < 0 || H5Sselect_none(fsel) < 0 || H5Sselect_none(msel) < 0)
            goto out;
    }
    rc = H5Dwrite(ds, d->mem_type, msel >= 0 ? msel : H5S_ALL, fsel >= 0 ? fsel : H5S_ALL,
                  w->dxpl, data);
out:
    close_id(fsel);
    close_id(msel);
    return rc < 0 ? -1 : 0;
}

static int put_impl(h5w *w, hid_t grp, const dsdef *d, const void *data, const dsrows *r)
{
    hid_t sp = -1, dcpl = -1, ds = -1;
    if (!w->failed) {
        errno = 0;
        bool ok = false;
        sp = d->rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(d->rank, d->dims, NULL);
        if (sp < 0)
            goto made;
        if (r && r->chunk_rows > 0) {
            hsize_t chunk[3];
            chunk[0] = r->chunk_rows;
            for (int k = 1; k < d->rank; k++)
                chunk[k] = d->dims[k];
            dcpl = H5Pcopy(w->dcpl);
            /* every element is written: no fill values (which parallel
               HDF5 would otherwise write when it allocates the chunks) */
            if (dcpl < 0 || H5Pset_chunk(dcpl, d->rank, chunk) < 0 ||
                H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0)
                goto made;
        }
        ds = H5Dcreate2(grp, d->name, d->file_type, sp, H5P_DEFAULT, dcpl >= 0 ? dcpl : w->dcpl,
                        H5P_DEFAULT);
        if (ds < 0)
            goto made;
        if (H5Tis_variable_str(d->file_type) > 0) {
            /* parallel HDF5 1.10 writes no variable-length data: later */
            size_t n = 1;
            for (int k = 0; k < d->rank; k++)
                n *= (size_t)d->dims[k];
            if (defer_strings(w, grp, d->name, data, n) < 0)
                goto made;
        } else if (write_data(w, ds, sp, d, data, r) < 0) {
            goto made;
        }
        for (int k = 0; k < d->rank; k++) {
            if (!strcmp(d->dimnames[k], d->name))
                continue; /* a coordinate variable is its own dimension */
            hid_t scale = H5Dopen2(grp, d->dimnames[k], H5P_DEFAULT);
            herr_t a = scale < 0 ? -1 : H5DSattach_scale(ds, scale, (unsigned)k);
            close_id(scale);
            if (a < 0)
                goto made;
        }
        ok = true;
    made:
        if (!ok)
            fail_h5(w, d->name);
    }
    int rc = sync_state(w);
    if (rc == 0)
        rc = attr_meta(w, ds, d->units, d->description);
    close_id(ds);
    close_id(dcpl);
    close_id(sp);
    return rc;
}

/* A small dataset: the same data on every rank. */
static int put(h5w *w, hid_t grp, const dsdef *d, const void *data)
{
    return put_impl(w, grp, d, data, NULL);
}

/* Rows per chunk for a dataset of nrows rows of rowbytes bytes: about
   TRIAL_CHUNK_BYTES, a whole number of blocks when more than one. */
static hsize_t chunk_rows_for(hsize_t nrows, hsize_t rowbytes)
{
    hsize_t r = TRIAL_CHUNK_BYTES / (rowbytes ? rowbytes : 1);
    if (r > MR_BLOCK_TRIALS)
        r -= r % MR_BLOCK_TRIALS;
    if (r < 1)
        r = 1;
    return r < nrows ? r : nrows;
}

/* A coordinate variable: a 1-D dataset made a dimension scale named `name`. */
static int put_coord_impl(h5w *w, hid_t grp, const dsdef *d, const void *data, const dsrows *r)
{
    if (put_impl(w, grp, d, data, r) < 0)
        return -1;
    hid_t ds = H5Dopen2(grp, d->name, H5P_DEFAULT);
    herr_t rc = ds < 0 ? -1 : H5DSset_scale(ds, d->name);
    close_id(ds);
    if (rc < 0)
        fail_h5(w, d->name);
    return sync_state(w);
}

static int put_coord(h5w *w, hid_t grp, const dsdef *d, const void *data)
{
    return put_coord_impl(w, grp, d, data, NULL);
}

static int put_coord_f64(h5w *w, hid_t grp, const char *name, const double *v, size_t n,
                         const char *units, const char *description)
{
    dsdef d = {name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, {n}, {name}, units, description};
    return put_coord(w, grp, &d, v);
}

/* Integer coordinate first, first + 1, ..., first + n - 1. */
static int put_coord_range(h5w *w, hid_t grp, const char *name, int first, size_t n,
                           const char *units, const char *description)
{
    int *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        fail(w, "out of memory");
    else
        for (size_t i = 0; i < n; i++)
            v[i] = first + (int)i;
    dsdef d = {name, H5T_STD_I32LE, H5T_NATIVE_INT, 1, {n}, {name}, units, description};
    int rc = put_coord(w, grp, &d, v);
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
        fail(w, "out of memory");
    else
        for (size_t i = 0; i < n; i++) {
            const char *s;
            memcpy(&s, (const char *)base + i * size + offset, sizeof s);
            v[i] = s ? s : "";
        }
    dsdef d = {name, w->str, w->str, 1, {n}, {dim}, NULL, description};
    int rc = is_coord ? put_coord(w, grp, &d, v) : put(w, grp, &d, v);
    free(v);
    return rc;
}

static int put_scalar(h5w *w, hid_t grp, const char *name, double v, const char *units,
                      const char *description)
{
    dsdef d = {name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, {0}, {NULL}, units, description};
    return put(w, grp, &d, &v);
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
    return put(w, grp, &d, v);
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

/* ---- root, scenario ------------------------------------------------------ */

static int write_root(h5w *w, const mr_scenario *sc, const mr_results *res)
{
    hid_t r = w->base;
    int version[2] = {MR_FORMAT_MAJOR, MR_FORMAT_MINOR};
    if (attr_str(w, r, "format", MR_FORMAT_NAME) < 0 ||
        attr_write(w, r, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT, 2, version) < 0 ||
        attr_str(w, r, "software_version", MINRISK_VERSION) < 0 ||
        attr_str(w, r, "scenario_name", sc->name) < 0 ||
        attr_str(w, r, "scenario_description", sc->description) < 0 ||
        attr_u64(w, r, "seed", sc->seed) < 0 || attr_u64(w, r, "trials", res->ntrials_total) < 0 ||
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
    return put(w, grp, &d, &v);
}

static int write_scenario(h5w *w, const mr_scenario *sc)
{
    hid_t g = make_group(w, w->base, "scenario");
    if (g < 0)
        return -1;
    int rc = put_text(w, g, "source", sc->source_text, "the scenario file's text, as read (YAML)");
    if (rc == 0)
        rc = put_text(w, g, "resolved", w->resolved,
                      "the resolved scenario: every default filled in and policies applied "
                      "(YAML), as printed by `minrisk validate`");
    close_id(g);
    return rc;
}

/* ---- /run_info ------------------------------------------------------------ */

/* Facts of the run and of this write, reduced over ranks. */
typedef struct {
    bool have_info;
    int ranks, threads;
    double wall_max, wall_min, trials_per_second;
    uint64_t random_words;
    double stats_seconds, write_seconds;
    double analysis_seconds;
} run_facts;

static int write_run_info(h5w *w, const mr_scenario *sc, const run_facts *rf)
{
    hid_t g = make_group(w, w->base, "run_info");
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
    char mpiver[256] = "";
#ifdef MINRISK_HAVE_MPI
    if (w->world->mpi) {
        char lib[MPI_MAX_LIBRARY_VERSION_STRING];
        int len = 0;
        if (MPI_Get_library_version(lib, &len) == MPI_SUCCESS) {
            lib[len < MPI_MAX_LIBRARY_VERSION_STRING ? len : MPI_MAX_LIBRARY_VERSION_STRING - 1] =
                '\0';
            snprintf(mpiver, sizeof mpiver, "%.*s", (int)strcspn(lib, "\n,"), lib);
        }
    }
#endif

    int rc = -1;
    if (attr_str(w, g, "description",
                 "facts that may differ between identical runs; excluded from the determinism "
                 "check (h5diff --exclude-path /run_info)") < 0)
        goto out;
    if (attr_i32(w, g, "ranks", rf->ranks) < 0)
        goto out;
    if (rf->have_info && (attr_i32(w, g, "threads", rf->threads) < 0 ||
                          attr_f64(w, g, "wall_seconds", rf->wall_max) < 0 ||
                          attr_f64(w, g, "wall_seconds_max", rf->wall_max) < 0 ||
                          attr_f64(w, g, "wall_seconds_min", rf->wall_min) < 0 ||
                          attr_f64(w, g, "trials_per_second", rf->trials_per_second) < 0 ||
                          attr_f64(w, g, "analysis_seconds", rf->analysis_seconds) < 0 ||
                          attr_u64(w, g, "random_words", rf->random_words) < 0))
        goto out;
    if (attr_f64(w, g, "stats_seconds", rf->stats_seconds) < 0 ||
        attr_f64(w, g, "write_seconds", rf->write_seconds) < 0)
        goto out;
    if (attr_str(w, g, "host", host) < 0 || attr_str(w, g, "date", date) < 0 ||
        attr_str(w, g, "software_version", MINRISK_VERSION) < 0 ||
        attr_str(w, g, "hdf5_version", h5ver) < 0 ||
        attr_str(w, g, "gsl_version", gsl_version) < 0 ||
        (mpiver[0] && attr_str(w, g, "mpi_version", mpiver) < 0) ||
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
    const hsize_t n = res->ntrials, N = res->ntrials_total, S = (hsize_t)res->nsectors,
                  M = (hsize_t)res->nminerals, H = (hsize_t)res->years;
    hid_t g = make_group(w, w->base, "trials");
    if (g < 0)
        return -1;
    int rc = -1;
    uint64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids)
        fail(w, "out of memory");
    else
        for (uint64_t i = 0; i < n; i++)
            ids[i] = res->first_trial + i;
    dsdef trial = {"trial",
                   H5T_STD_U64LE,
                   H5T_NATIVE_UINT64,
                   1,
                   {N},
                   {"trial"},
                   "1",
                   "trial index i, 0 .. N-1; trial i's random numbers depend only on "
                   "(seed, i) (MODEL §12)"};
    dsrows trows = {true, res->first_trial, n, chunk_rows_for(N, 8)};
    if (put_coord_impl(w, g, &trial, ids, &trows) < 0 ||
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
        /* output.trials: totals keeps the two tables a tail-risk user needs
           per trial (total and annual losses); the summary is exact anyway */
        if (sc->output_trials == MR_OUTPUT_TRIALS_TOTALS && strcmp(vars[v].name, "total_loss") &&
            strcmp(vars[v].name, "annual_loss"))
            continue;
        const double *data;
        memcpy(&data, (const char *)res + vars[v].offset, sizeof data);
        dsdef d = {vars[v].name, H5T_IEEE_F64LE,  H5T_NATIVE_DOUBLE, 1,
                   {N, 0},       {"trial", NULL}, vars[v].units,     vars[v].description};
        if (vars[v].cols) {
            d.rank = 2;
            d.dims[1] = vars[v].cols == 'S' ? S : vars[v].cols == 'M' ? M : H;
            d.dimnames[1] = vars[v].cols == 'S'   ? "sector"
                            : vars[v].cols == 'M' ? "mineral"
                                                  : "year";
        }
        hsize_t cols = d.rank == 2 ? d.dims[1] : 1;
        dsrows rows = {true, res->first_trial, n, chunk_rows_for(N, 8 * cols)};
        if (put_impl(w, g, &d, data, &rows) < 0)
            goto out;
    }
    rc = 0;
out:
    free(ids);
    close_id(g);
    return rc;
}

/* ---- /summary ----------------------------------------------------------- */

/* Write <prefix>_mean, _sd, _se, _quantile, _quantile_ci_low, _quantile_ci_high,
   _es for nvar variables: nvar == 0 is one scalar variable (the total), else
   one per sector (leading dimension `sector`). `what` completes the
   descriptions ("the total loss over the horizon"). */
static int put_loss_stats(h5w *w, hid_t g, const char *prefix, const mr_loss_stats *ls, size_t nvar,
                          const char *what)
{
    size_t nv = nvar ? nvar : 1;
    double *buf = malloc(nv * MR_OUTPUT_NQUANTILES * sizeof *buf);
    if (!buf)
        fail(w, "out of memory");
    if (sync_state(w) < 0) {
        free(buf);
        return -1;
    }
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
    if (step < 0)
        fail_h5(w, "step");
    int rc = attr_f64(w, step, "months_per_step", months_per_step);
    close_id(step);
    return rc;
}

/* AAL and return-period losses: total and per sector. */
static int write_annual(h5w *w, hid_t g, const mr_sumstats *st)
{
    const size_t S = (size_t)st->nsectors;
    const char *aal_desc = "average annual loss (AAL): mean of the N x H annual losses";
    const char *aal_se_desc = "Monte Carlo standard error of the AAL: sd over trials of each "
                              "trial's mean annual loss, / sqrt(N) (the years of one trial are "
                              "not independent)";
    const char *rp_desc = "loss at return period R: quantile at 1 - 1/R of the N x H annual "
                          "losses, X_(ceil(N H (1 - 1/R))); NaN when N H < R";
    if (put_scalar(w, g, "aal", st->aal, "GBP", aal_desc) < 0 ||
        put_scalar(w, g, "aal_se", st->aal_se, "GBP", aal_se_desc) < 0 ||
        put_1d(w, g, "return_period_loss", st->return_period_loss, MR_OUTPUT_NRP, "return_period",
               "GBP", rp_desc) < 0 ||
        put_1d(w, g, "sector_aal", st->sector_aal, S, "sector", "GBP",
               "average annual loss of the sector (OL + XC): mean of the N x H annual sector "
               "losses") < 0 ||
        put_1d(w, g, "sector_aal_se", st->sector_aal_se, S, "sector", "GBP",
               "Monte Carlo standard error of sector_aal (from per-trial mean annual losses)") <
            0 ||
        put_2d(w, g, "sector_return_period_loss", st->sector_return_period_loss, S, "sector",
               MR_OUTPUT_NRP, "return_period", "GBP",
               "sector's annual loss (OL + XC) at return period R: quantile at 1 - 1/R of its N "
               "x H annual losses; NaN when N H < R") < 0)
        return -1;
    return 0;
}

static int write_histogram(h5w *w, hid_t g, const mr_sumstats *st)
{
    dsdef d = {"total_loss_hist_count",
               H5T_STD_U64LE,
               H5T_NATIVE_UINT64,
               1,
               {MR_OUTPUT_HIST_BINS},
               {"bin"},
               "1",
               "number of trials whose total loss lies in bin b: edges[b] <= x < edges[b+1] "
               "(the last bin includes the maximum)"};
    if (put(w, g, &d, st->hist_count) < 0)
        return -1;
    return put_1d(w, g, "total_loss_hist_edges", st->hist_edges, MR_OUTPUT_HIST_BINS + 1,
                  "bin_edge", "GBP",
                  "edges of the total-loss histogram: equal bins from the minimum to the "
                  "maximum over trials");
}

static int write_bands(h5w *w, hid_t g, const mr_sumstats *st)
{
    const size_t T = (size_t)st->steps, S = (size_t)st->nsectors, M = (size_t)st->nminerals;
    const size_t nb = MR_OUTPUT_NBANDS;
    hsize_t dq[3] = {T, S, nb}, dy[3] = {T, M, nb};
    const char *dnq[3] = {"step", "sector", "band"}, *dny[3] = {"step", "mineral", "band"};
    char desc[512];
    snprintf(desc, sizeof desc,
             "quantile over trials of the sector inoperability q_j(t) at each step, at "
             "probability `band`; from a histogram of bin width %g (values are bin centres)",
             MR_BAND_Q_WIDTH);
    if (put_f64(w, g, "inoperability_band", st->inoperability_band, 3, dq, dnq, "1", desc) < 0)
        return -1;
    snprintf(desc, sizeof desc,
             "quantile over trials of the price ratio P_m(t)/P0_m at each step, at probability "
             "`band`; exp of a quantile of ln(P/P0) from a histogram of bin width %g over "
             "[%g, %g] (values are bin centres; beyond the range they are clamped)",
             MR_BAND_Y_WIDTH, MR_BAND_Y_MIN,
             MR_BAND_Y_MIN + (MR_BAND_Y_BINS - 1) * MR_BAND_Y_WIDTH);
    return put_f64(w, g, "price_ratio_band", st->price_ratio_band, 3, dy, dny, "1", desc);
}

/* Per mineral and per sector figures that are not losses. */
static int write_entity_figures(h5w *w, hid_t g, const mr_scenario *sc, const mr_sumstats *st)
{
    const size_t S = (size_t)st->nsectors, M = (size_t)st->nminerals;
    /* NaN for a mineral without a stockpile: "never ran empty" would mislead */
    double *empty = malloc((M ? M : 1) * sizeof *empty);
    if (!empty) {
        fail(w, "out of memory");
        return sync_state(w);
    }
    for (size_t m = 0; m < M; m++)
        empty[m] = sc->minerals[m].stockpile.present ? st->mineral_stockpile_empty_prob[m] : NAN;
    const struct {
        const char *name;
        const double *v;
        char entity; /* 'M' or 'S' */
        const char *units, *description;
    } figs[] = {
        {"mineral_shortage_prob", st->mineral_shortage_prob, 'M', "1",
         "probability that the peak shortfall exceeds 1% of demand: fraction of trials with "
         "mineral_shortfall_peak > 0.01"},
        {"mineral_shortfall_mean_avg", st->mineral_shortfall_mean_avg, 'M', "1",
         "mean over trials of mineral_shortfall_mean: expected shortfall over the horizon, "
         "fraction of demand"},
        {"mineral_shortfall_months_avg", st->mineral_shortfall_months_avg, 'M', "months",
         "mean over trials of the months with shortfall > 1%"},
        {"mineral_stockpile_empty_prob", empty, 'M', "1",
         "probability that the strategic stockpile runs empty within the "
         "horizon: fraction of trials where it did (NaN without a stockpile)"},
        {"mineral_price_peak_avg", st->mineral_price_peak_avg, 'M', "1",
         "mean over trials of the peak price ratio P/P0"},
        {"sector_inoperability_peak_avg", st->sector_inoperability_peak_avg, 'S', "1",
         "mean over trials of the peak inoperability q_j"},
        {"sector_inoperability_months_avg", st->sector_inoperability_months_avg, 'S', "months",
         "mean over trials of the months with inoperability > 5%"},
    };
    for (size_t f = 0; f < sizeof figs / sizeof figs[0]; f++) {
        bool mineral = figs[f].entity == 'M';
        if (put_1d(w, g, figs[f].name, figs[f].v, mineral ? M : S, mineral ? "mineral" : "sector",
                   figs[f].units, figs[f].description) < 0) {
            free(empty);
            return -1;
        }
    }
    free(empty);
    return 0;
}

static int write_summary(h5w *w, const mr_scenario *sc, const mr_results *res,
                         const mr_sumstats *st)
{
    hid_t g = make_group(w, w->base, "summary");
    if (g < 0)
        return -1;
    const size_t S = (size_t)st->nsectors;
    int rc = -1;
    if (write_summary_coords(w, g, sc, res) < 0 ||
        put_loss_stats(w, g, "total_loss", &st->total, 0,
                       "the total loss over the horizon (all sectors, OL + XC)") < 0 ||
        write_histogram(w, g, st) < 0 || write_annual(w, g, st) < 0 ||
        put_loss_stats(w, g, "sector_loss", st->sector_loss, S,
                       "the sector's loss over the horizon (output loss + extra input cost)") < 0 ||
        put_loss_stats(w, g, "sector_output_loss", st->sector_output_loss, S,
                       "the sector's output loss over the horizon") < 0 ||
        put_loss_stats(w, g, "sector_extra_cost", st->sector_extra_cost, S,
                       "the sector's extra input cost over the horizon") < 0 ||
        write_entity_figures(w, g, sc, st) < 0 || write_bands(w, g, st) < 0)
        goto out;
    rc = 0;
out:
    close_id(g);
    return rc;
}

/* ---- /indicators ---------------------------------------------------------- */

/* The static indicators (MODEL §11), one row per mineral-stage pair the
   scenario has, over dimension stage_row. Every rank computes them from the
   same scenario, so every rank makes the same objects. The string columns
   point into the scenario (ids) and to literals (stage names): they outlive
   the write, as the deferred strings need. */
static int write_indicators(h5w *w, const mr_scenario *sc)
{
    mr_indicators ind;
    memset(&ind, 0, sizeof ind);
    if (mr_indicators_compute(sc, &ind) != 0)
        fail(w, "out of memory for the indicators");
    if (sync_state(w) < 0)
        return -1;
    const size_t R = (size_t)ind.nrows, n = R ? R : 1;
    const char **mineral = malloc(n * sizeof *mineral), **stage = malloc(n * sizeof *stage),
               **top = malloc(n * sizeof *top);
    double *hhi = malloc(n * sizeof *hhi), *hhi_wgi = malloc(n * sizeof *hhi_wgi),
           *share = malloc(n * sizeof *share);
    uint8_t *above = malloc(n), *assumed = malloc(n);
    hid_t g = -1;
    int rc = -1;
    if (!mineral || !stage || !top || !hhi || !hhi_wgi || !share || !above || !assumed)
        fail(w, "out of memory for the indicators");
    if (sync_state(w) < 0)
        goto out;
    for (size_t r = 0; r < R; r++) {
        const mr_indicator_row *row = &ind.rows[r];
        mineral[r] = sc->minerals[row->mineral].id;
        stage[r] = mr_indicators_stage_name(row->stage);
        top[r] = sc->countries[row->top_country].id;
        hhi[r] = row->hhi;
        hhi_wgi[r] = row->hhi_wgi;
        share[r] = row->top_share;
        above[r] = row->above_cap;
        assumed[r] = row->wgi_assumed;
    }
    if ((g = make_group(w, w->base, "indicators")) < 0)
        goto out;
    char capdesc[256];
    snprintf(capdesc, sizeof capdesc, "cap of the above_cap flag, fraction: %s",
             ind.cap_from_policy ? "the scenario's policies.diversification_cap"
                                 : "0.60, the UK Vision 2035 target (the scenario sets no "
                                   "diversification_cap)");
    if (attr_str(w, g, "description",
                 "static criticality indicators of the supply structure (MODEL §11): one row "
                 "per mineral and stage present, minerals in scenario order, mining before "
                 "refining; no sampling") < 0 ||
        attr_f64(w, g, "cap", ind.cap) < 0 || attr_str(w, g, "cap_description", capdesc) < 0 ||
        put_coord_range(w, g, "stage_row", 0, R, "1",
                        "row index: one row per mineral-stage pair the scenario has") < 0)
        goto out;
    const struct {
        const char *name;
        const char **v;
        const char *description;
    } strs[] = {
        {"mineral_id", mineral, "mineral id of the row"},
        {"stage", stage, "supply stage of the row: \"mining\" or \"refining\""},
        {"top_country", top,
         "country id of the largest share of the stage (the first listed on a tie)"},
    };
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
        dsdef d = {strs[k].name, w->str, w->str, 1, {R}, {"stage_row"}, NULL, strs[k].description};
        if (put(w, g, &d, strs[k].v) < 0)
            goto out;
    }
    if (put_1d(w, g, "hhi", hhi, R, "stage_row", "1",
               "Herfindahl-Hirschman index of the stage: sum over suppliers of share^2, shares "
               "as fractions (0..1; x 10^4 for the customary scale)") < 0 ||
        put_1d(w, g, "hhi_wgi", hhi_wgi, R, "stage_row", "1",
               "governance-weighted HHI (EU criticality method, Blengini et al. 2017): sum over "
               "suppliers of share^2 x g, g = 10 - 2 (wgi_pv + 2.5), the WGI political "
               "stability rescaled to 0..10 (higher = worse governance); g = 5 for a country "
               "without wgi_pv (see wgi_assumed); 0..10") < 0 ||
        put_1d(w, g, "top_share", share, R, "stage_row", "1",
               "share of the stage held by top_country, fraction") < 0)
        goto out;
    const struct {
        const char *name;
        const uint8_t *v;
        const char *description;
    } flags[] = {
        {"above_cap", above,
         "1 when top_share exceeds the group's attribute cap (beyond 1e-9), else 0"},
        {"wgi_assumed", assumed,
         "1 when some supplier of the stage has no wgi_pv and g = 5 (the midpoint of the "
         "0..10 scale) was assumed for it in hhi_wgi, else 0"},
    };
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
        dsdef d = {flags[k].name, H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, {R}, {"stage_row"}, "1",
                   flags[k].description};
        if (put(w, g, &d, flags[k].v) < 0)
            goto out;
    }
    /* CF "coordinates": xarray shows mineral_id and stage as coordinates
       along stage_row, so ds.set_index(stage_row=["mineral_id", "stage"])
       allows .sel(mineral_id=..., stage=...) */
    static const char *const numeric[] = {"hhi",         "hhi_wgi",   "top_share",
                                          "top_country", "above_cap", "wgi_assumed"};
    for (size_t k = 0; k < sizeof numeric / sizeof numeric[0]; k++) {
        hid_t ds = w->failed ? -1 : H5Dopen2(g, numeric[k], H5P_DEFAULT);
        if (!w->failed && ds < 0)
            fail_h5(w, numeric[k]);
        int a = sync_state(w) < 0 ? -1 : attr_str(w, ds, "coordinates", "mineral_id stage");
        close_id(ds);
        if (a < 0)
            goto out;
    }
    rc = 0;
out:
    close_id(g);
    free(mineral);
    free(stage);
    free(top);
    free(hhi);
    free(hhi_wgi);
    free(share);
    free(above);
    free(assumed);
    mr_indicators_free(&ind);
    return rc;
}

/* ---- checks --------------------------------------------------------------- */

/* The results fit the scenario, and the ranks' trial ranges are whole blocks
   that tile 0 .. N-1 in rank order (collective). */
static int check_results(h5w *w, const mr_scenario *sc, const mr_results *res)
{
    const mr_comm *c = w->comm;
    if (res->ntrials_total == 0)
        fail(w, "no trials to write");
    else if (res->nsectors != sc->nsectors || res->nminerals != sc->nminerals ||
             res->years != sc->horizon_years ||
             res->steps != sc->horizon_years * sc->steps_per_year)
        fail(w, "internal error: results do not match the scenario's dimensions");
    else if (!res->total_loss || !res->sector_output_loss || !res->sector_extra_cost ||
             !res->annual_loss || !res->sector_annual_loss || !res->mineral_shortfall_mean ||
             !res->mineral_shortfall_peak || !res->mineral_shortfall_months ||
             !res->mineral_price_peak || !res->mineral_stockpile_empty_month ||
             !res->sector_inoperability_peak || !res->sector_inoperability_months)
        fail(w, "internal error: results are missing per-trial arrays");
    if (sync_state(w) < 0)
        return -1;
    double mine[2] = {(double)res->first_trial, (double)res->ntrials};
    double *all = malloc(2 * (size_t)c->size * sizeof *all);
    int oom = mr_comm_any(c, !all);
    if (oom || mr_comm_allgather_f64(c, mine, 2, all) != 0) {
        free(all);
        fail(w, "out of memory");
        return sync_state(w);
    }
    double next = 0.0;
    bool ok = true;
    for (int r = 0; r < c->size; r++) {
        ok = ok && all[2 * r] == next && fmod(all[2 * r], (double)MR_BLOCK_TRIALS) == 0.0;
        next += all[2 * r + 1];
    }
    free(all);
    if (!ok || next != (double)res->ntrials_total)
        fail(w, "internal error: the ranks' trials are not whole blocks of 0 .. N-1 in rank "
                "order");
    return sync_state(w);
}

/* ---- the file ----------------------------------------------------------- */

static void free_deferred(h5w *w)
{
    for (size_t i = 0; i < w->ndefer; i++) {
        free(w->defer[i].path);
        free(w->defer[i].values);
    }
    free(w->defer);
    w->defer = NULL;
    w->ndefer = w->capdefer = 0;
}

/* Property lists and the string type (every rank). */
static int setup_h5(h5w *w, hid_t fcpl, hid_t fapl)
{
    unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    if (fcpl < 0 || fapl < 0 || w->gcpl < 0 || w->dcpl < 0 || w->str < 0 ||
        H5Tset_size(w->str, H5T_VARIABLE) < 0 || H5Tset_cset(w->str, H5T_CSET_UTF8) < 0 ||
        H5Pset_link_creation_order(fcpl, order) < 0 ||
        H5Pset_attr_creation_order(fcpl, order) < 0 ||
        H5Pset_link_creation_order(w->gcpl, order) < 0 ||
        H5Pset_attr_creation_order(w->gcpl, order) < 0 || H5Pset_obj_track_times(w->gcpl, 0) < 0 ||
        H5Pset_attr_creation_order(w->dcpl, order) < 0 || H5Pset_obj_track_times(w->dcpl, 0) < 0 ||
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0)
        return -1;
#ifdef MINRISK_HAVE_MPI
    if (w->par) {
        w->dxpl = H5Pcreate(H5P_DATASET_XFER);
        if (w->dxpl < 0 || H5Pset_dxpl_mpio(w->dxpl, H5FD_MPIO_COLLECTIVE) < 0 ||
            H5Pset_fapl_mpio(fapl, *(MPI_Comm *)w->comm->mpi, MPI_INFO_NULL) < 0 ||
            H5Pset_coll_metadata_write(fapl, 1) < 0)
            return -1;
    }
#endif
    return 0;
}

/* Make (or open) the groups of a path "a/b/c" under the file root; the
   last one is returned. NULL or "" is the root itself (a new reference). */
static hid_t make_path(h5w *w, const char *path, bool last_is_group)
{
    hid_t cur = w->failed ? -1 : H5Gopen2(w->file, "/", H5P_DEFAULT);
    if (!w->failed && cur < 0)
        fail_h5(w, "/");
    char part[512];
    const char *p = path ? path : "";
    while (*p && !w->failed) {
        size_t len = strcspn(p, "/");
        if (!p[len] && !last_is_group)
            break; /* the last part names a dataset */
        if (len >= sizeof part) {
            fail(w, "internal error: group name too long");
            break;
        }
        memcpy(part, p, len);
        part[len] = '\0';
        hid_t next = -1;
        if (len > 0) {
            htri_t exists = H5Lexists(cur, part, H5P_DEFAULT);
            next = exists > 0 ? H5Gopen2(cur, part, H5P_DEFAULT)
                              : H5Gcreate2(cur, part, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
            if (next < 0)
                fail_h5(w, part);
            close_id(cur);
            cur = next;
        }
        p += len + (p[len] == '/');
    }
    if (sync_state(w) < 0) {
        close_id(cur);
        return -1;
    }
    return cur;
}

/* One extra dataset (output.h) under its path. */
static int write_extra(h5w *w, const mr_output_extra *x)
{
    hid_t g = make_path(w, x->path, false);
    if (g < 0)
        return -1;
    const char *name = strrchr(x->path, '/');
    name = name ? name + 1 : x->path;
    hid_t ft = H5T_IEEE_F64LE, mt = H5T_NATIVE_DOUBLE;
    switch (x->type) {
    case MR_EXTRA_F64:
        break;
    case MR_EXTRA_U64:
        ft = H5T_STD_U64LE;
        mt = H5T_NATIVE_UINT64;
        break;
    case MR_EXTRA_I32:
        ft = H5T_STD_I32LE;
        mt = H5T_NATIVE_INT32;
        break;
    case MR_EXTRA_STR:
        ft = mt = w->str;
        break;
    }
    dsdef d = {name, ft, mt, x->rank, {0}, {NULL}, x->units, x->description};
    for (int k = 0; k < x->rank && k < 3; k++) {
        d.dims[k] = x->dims[k];
        d.dimnames[k] = x->dim_names[k];
    }
    int rc;
    dsrows r = {0};
    if (x->distributed) {
        hsize_t rowbytes = 8;
        for (int k = 1; k < x->rank; k++)
            rowbytes *= x->dims[k];
        r = (dsrows){true, x->row0, x->nrows, chunk_rows_for(x->dims[0], rowbytes)};
    }
    if (x->is_coord)
        rc = put_coord_impl(w, g, &d, x->data, x->distributed ? &r : NULL);
    else
        rc = put_impl(w, g, &d, x->data, x->distributed ? &r : NULL);
    if (rc == 0 && x->coordinates) {
        hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
        if (ds < 0)
            fail_h5(w, name);
        rc = sync_state(w) < 0 ? -1 : attr_str(w, ds, "coordinates", x->coordinates);
        close_id(ds);
    }
    close_id(g);
    return rc;
}

/* The file's own root attributes in a multi-run file (kind != "run"). */
static int write_file_root(h5w *w, const char *kind, const mr_output_run *runs, size_t nruns)
{
    hid_t r = w->file;
    int version[2] = {MR_FORMAT_MAJOR, MR_FORMAT_MINOR};
    const mr_scenario *sc = runs[0].sc;
    return (attr_str(w, r, "format", MR_FORMAT_NAME) < 0 ||
            attr_write(w, r, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT, 2, version) < 0 ||
            attr_str(w, r, "software_version", MINRISK_VERSION) < 0 ||
            attr_str(w, r, "kind", kind) < 0 ||
            attr_i32(w, r, "runs", (int)nruns) < 0 ||
            attr_str(w, r, "scenario_name", sc->name) < 0 || attr_u64(w, r, "seed", sc->seed) < 0 ||
            attr_u64(w, r, "trials", runs[0].res->ntrials_total) < 0 ||
            attr_i32(w, r, "horizon_years", sc->horizon_years) < 0 ||
            attr_i32(w, r, "steps_per_year", sc->steps_per_year) < 0 ||
            attr_str(w, r, "rng", "philox4x32-10") < 0)
               ? -1
               : 0;
}

/* The collective part: every object, all numeric data. */
static void write_collective(h5w *w, const char *kind, const mr_output_run *runs, size_t nruns,
                             const mr_sumstats *st, char **resolved,
                             const mr_output_extra *extras, size_t nextras)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
    w->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    w->dcpl = H5Pcreate(H5P_DATASET_CREATE);
    w->str = H5Tcopy(H5T_C_S1);
    if (setup_h5(w, fcpl, fapl) < 0) {
        fail(w, "cannot set up HDF5 property lists");
    } else {
        errno = 0;
        w->file = H5Fcreate(partial_path, H5F_ACC_TRUNC, fcpl, fapl);
        if (w->file < 0)
            fail_h5(w, partial_path);
    }
    bool plain = !strcmp(kind, "run");
    if (sync_state(w) == 0 && !plain)
        (void)(write_file_root(w, kind, runs, nruns) < 0);
    for (size_t k = 0; k < nruns && sync_state(w) == 0; k++) {
        const mr_output_run *ru = &runs[k];
        w->base = make_path(w, plain ? NULL : ru->group, true);
        w->resolved = resolved[k];
        if (w->base >= 0)
            (void)(write_root(w, ru->sc, ru->res) < 0 || write_scenario(w, ru->sc) < 0 ||
                   (ru->sc->output_trials != MR_OUTPUT_TRIALS_NONE &&
                    write_trials(w, ru->sc, ru->res) < 0) ||
                   write_summary(w, ru->sc, ru->res, &st[k]) < 0 ||
                   write_indicators(w, ru->sc) < 0);
        close_id(w->base);
        w->base = -1;
        w->resolved = NULL;
    }
    for (size_t k = 0; k < nextras && sync_state(w) == 0; k++)
        (void)write_extra(w, &extras[k]);
    if (w->file >= 0) {
        errno = 0;
        if (H5Fclose(w->file) < 0)
            fail_h5(w, partial_path);
        w->file = -1;
    }
    close_id(w->dxpl);
    w->dxpl = H5P_DEFAULT;
    close_id(w->str);
    close_id(w->dcpl);
    close_id(w->gcpl);
    close_id(fapl);
    close_id(fcpl);
    w->str = w->dcpl = w->gcpl = -1;
}

/* Rank 0 alone, serial driver: the string data and /run_info. */
static void write_final(h5w *w, const mr_scenario *sc, const run_facts *rf)
{
    w->str = H5Tcopy(H5T_C_S1);
    w->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    if (w->str < 0 || w->gcpl < 0 || fapl < 0 || H5Tset_size(w->str, H5T_VARIABLE) < 0 ||
        H5Tset_cset(w->str, H5T_CSET_UTF8) < 0 ||
        H5Pset_link_creation_order(w->gcpl, order) < 0 ||
        H5Pset_attr_creation_order(w->gcpl, order) < 0 || H5Pset_obj_track_times(w->gcpl, 0) < 0 ||
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        fail(w, "cannot set up HDF5 property lists");
    } else {
        errno = 0;
        w->file = H5Fopen(partial_path, H5F_ACC_RDWR, fapl);
        if (w->file < 0)
            fail_h5(w, partial_path);
    }
    for (size_t i = 0; i < w->ndefer && !w->failed; i++) {
        const deferred *d = &w->defer[i];
        errno = 0;
        hid_t ds = H5Dopen2(w->file, d->path, H5P_DEFAULT);
        if (ds < 0 || H5Dwrite(ds, w->str, H5S_ALL, H5S_ALL, H5P_DEFAULT, d->values) < 0)
            fail_h5(w, d->path);
        close_id(ds);
    }
    w->base = w->file;
    if (sync_state(w) == 0)
        write_run_info(w, sc, rf);
    w->base = -1;
    if (w->file >= 0) {
        errno = 0;
        if (H5Fclose(w->file) < 0)
            fail_h5(w, partial_path);
        w->file = -1;
    }
    close_id(fapl);
    close_id(w->str);
    close_id(w->gcpl);
    w->str = w->gcpl = -1;
}

int mr_output_write(const char *path, const mr_scenario *sc, const mr_results *res,
                    const mr_run_info *info, const mr_comm *comm, mr_error *err)
{
    mr_output_run run = {NULL, sc, res, info, NULL};
    return mr_output_write_multi(path, "run", &run, 1, NULL, 0, comm, err);
}

int mr_output_write_multi(const char *path, const char *kind, const mr_output_run *runs,
                          size_t nruns, const mr_output_extra *extras, size_t nextras,
                          const mr_comm *comm, mr_error *err)
{
    const mr_comm *c = comm ? comm : &solo;
    h5w w = {.path = path,
             .err = err,
             .comm = c,
             .world = c,
             .file = -1,
             .base = -1,
             .str = -1,
             .gcpl = -1,
             .dcpl = -1,
             .dxpl = H5P_DEFAULT};
#ifdef MINRISK_HAVE_MPI
    w.par = c->mpi != NULL;
#endif
    const bool root = c->rank == 0;
    const bool plain = !strcmp(kind, "run");
    mr_sumstats *st = calloc(nruns ? nruns : 1, sizeof *st);
    bool *own = calloc(nruns ? nruns : 1, sizeof *own); /* st[k] computed here */
    char **resolved = calloc(nruns ? nruns : 1, sizeof *resolved);
    /* /run_info: the first run's facts; wall time and random words summed over the runs */
    mr_run_info sum_info = {0};
    bool have_info = true;
    for (size_t k = 0; k < nruns; k++) {
        if (!runs[k].info) {
            have_info = false;
            continue;
        }
        if (k == 0)
            sum_info = *runs[0].info;
        else {
            sum_info.wall_seconds += runs[k].info->wall_seconds;
            sum_info.random_words += runs[k].info->random_words;
            sum_info.analysis_seconds += runs[k].info->analysis_seconds;
        }
    }
    const mr_run_info *info = have_info ? &sum_info : NULL;
    uint64_t trials_all = 0;
    for (size_t k = 0; k < nruns; k++)
        trials_all += runs[k].res->ntrials_total;
    run_facts rf = {.have_info = info != NULL, .ranks = c->size};
    bool created = false;

    if (!st || !own || !resolved)
        fail(&w, "out of memory");
    else if (nruns == 0 || (plain && nruns != 1))
        fail(&w, "internal error: %zu runs for a file of kind %s", nruns, kind);
    for (size_t k = 0; k < nruns && sync_state(&w) == 0; k++)
        check_results(&w, runs[k].sc, runs[k].res);
    if (sync_state(&w) < 0)
        goto done;

    /* The statistics, before the file exists. */
    double t0 = mr_now_seconds();
    for (size_t k = 0; k < nruns && !w.failed; k++) {
        if (runs[k].stats)
            st[k] = *runs[k].stats; /* the caller's, not freed here */
        else if (mr_sumstats_compute(c, runs[k].res, &st[k]) != 0)
            fail(&w, "out of memory for the statistics");
        else
            own[k] = true;
        if (!w.failed && !(resolved[k] = mr_scenario_resolved_yaml(runs[k].sc)))
            fail(&w, "cannot produce the resolved scenario (out of memory)");
    }
    rf.stats_seconds = mr_now_seconds() - t0;
    if (sync_state(&w) < 0)
        goto done;

    /* The temporary name: rank 0's, the same on every rank. */
    if (root) {
        int len = snprintf(partial_path, sizeof partial_path, "%s.tmp.%ld", path, (long)getpid());
        if (len < 0 || (size_t)len >= sizeof partial_path)
            fail(&w, "path too long");
    }
    if (sync_state(&w) < 0)
        goto done;
    mr_comm_bcast(c, partial_path, sizeof partial_path);

    /* Rank 0 creates the file first: a clear message for the common
       failures (no such directory, permission denied). */
    partial_active = 1;
    if (root) {
        int fd = open(partial_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0)
            fail(&w, "cannot create %s: %s", partial_path, strerror(errno));
        else
            close(fd);
    }
    if (sync_state(&w) < 0) {
        partial_active = 0;
        goto done;
    }
    created = true;

    /* HDF5 1.10 leaves a file whose close failed (disk full...) half freed in
       its ID table, and its exit handler then crashes on it (HDFFV-11052,
       fixed in 1.14). Without the handler a failed run exits with its own
       status. Effective when this is the process's first HDF5 call. */
    H5dont_atexit();
    H5E_auto2_t old_func;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported through err */

    double t1 = mr_now_seconds();
    write_collective(&w, kind, runs, nruns, st, resolved, extras, nextras);
    double write_s = mr_now_seconds() - t1;
    if (sync_state(&w) == 0) {
        /* rank-dependent facts, reduced over ranks (exact min and max) */
        double mx[4] = {info ? info->wall_seconds : 0.0, rf.stats_seconds, write_s,
                        info ? info->analysis_seconds : 0.0};
        double mn = info ? info->wall_seconds : 0.0;
        mr_comm_max_f64(c, mx, 4);
        rf.analysis_seconds = mx[3];
        mr_comm_min_f64(c, &mn, 1);
        rf.wall_max = mx[0];
        rf.wall_min = mn;
        rf.stats_seconds = mx[1];
        rf.write_seconds = mx[2];
        if (info) {
            rf.threads = info->threads;
            rf.random_words = info->random_words;
            rf.trials_per_second =
                rf.wall_max > 0.0 ? (double)trials_all / rf.wall_max : 0.0;
        }
        w.comm = &solo;
        if (root)
            write_final(&w, runs[0].sc, &rf);
        w.comm = c;
        sync_state(&w);
    }
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);

    /* Complete: rank 0 renames it. An interrupt from here on is too late. */
    if (!w.failed && root && rename(partial_path, path) != 0)
        fail(&w, "cannot rename %s to it: %s", partial_path, strerror(errno));
    sync_flags(&w, false);

done:
    if (w.failed && created && root)
        unlink(partial_path);
    partial_active = 0;
    for (size_t k = 0; st && own && resolved && k < nruns; k++) {
        if (own[k])
            mr_sumstats_free(&st[k]);
        free(resolved[k]);
    }
    free(st);
    free(own);
    free(resolved);
    free_deferred(&w);
    mr_comm_barrier(c);
    if (w.stopped) {
        interrupted = 0;
        return 1;
    }
    return w.failed ? -1 : 0;
}
