/* h5w.c - the HDF5 writing toolkit of the result file (h5w.h): the
 * temporary file and the interrupt, failures agreed over the ranks,
 * attributes, groups, datasets (small ones from rank 0, per-trial rows from
 * every rank through MPI-IO with collective transfer, chunked), coordinate
 * variables, and the string data deferred to the serial part.
 *
 * After every step that touches the file the ranks agree on failure and
 * interrupt (h5w_sync_state), so they never part ways in the collective calls:
 * any rank's failure is every rank's, reported with the first failing
 * rank's message.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/h5/h5w.h"

#include "out/format.h"
#include "out/h5/pieces.h"

#ifdef MINRISK_HAVE_MPI
#include <mpi.h>
#endif
#include <hdf5_hl.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <string.h>
#include <unistd.h>

/* Chunks of /trials datasets hold whole rows, about this many bytes, in
   whole blocks of MR_BLOCK_TRIALS trials when larger than one. */
#define TRIAL_CHUNK_BYTES (1u << 20)

/* ---- the temporary file, for an interrupt handler ---------------------- */

static char partial_path[4096];
static volatile sig_atomic_t partial_active;
static volatile sig_atomic_t interrupted;

int mr_output_remove_partial(void)
{
    if (!partial_active)
        return 0;
    const int saved = errno; /* a handler must leave errno as it was */
    const int gone = unlink(partial_path) != 0 && errno == ENOENT;
    errno = saved;
    return !gone;
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

int mr_output_create_temporary(const char *path)
{
    (void)unlink(path);
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
}

int mr_output_room(int fd, double full_bytes, double written_bytes)
{
    struct statvfs vfs;
    int e = 0;
    if (ftruncate(fd, (off_t)full_bytes) != 0)
        e = errno;
    else if (fstatvfs(fd, &vfs) == 0 && (double)vfs.f_bavail * (double)vfs.f_frsize < written_bytes)
        e = ENOSPC;
    if (ftruncate(fd, 0) != 0 && !e)
        e = errno;
    return e;
}

int mr_output_sync(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int e = fsync(fd) != 0 ? errno : 0;
    close(fd);
    return e;
}

void mr_output_sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int len =
        !slash ? snprintf(dir, sizeof dir, ".")
               : snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int fd =
        len > 0 && (size_t)len < sizeof dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        (void)fsync(fd); /* best effort: some file systems refuse it on a directory */
        close(fd);
    }
}

/* The temporary file's name, for the HDF5 calls that open it. */
const char *h5w_partial_name(void)
{
    return partial_path;
}

/* Name the temporary file "path.tmp.<pid of rank 0>" (w->path's), the
   same on every rank, and create it. From here on an interrupt removes it.
   0, or -1 (on every rank) when it cannot be made. */
int h5w_partial_create(h5w *w, double bytes)
{
    const bool root = w->comm->rank == 0;
    /* The temporary name: rank 0's, the same on every rank. */
    if (root) {
        int len =
            snprintf(partial_path, sizeof partial_path, "%s.tmp.%ld", w->path, (long)getpid());
        if (len < 0 || (size_t)len >= sizeof partial_path)
            h5w_fail(w, "path too long");
    }
    if (h5w_sync_state(w) < 0)
        return -1;
    mr_comm_bcast(w->comm, partial_path, sizeof partial_path);

    /* Rank 0 creates the file first: a clear message for the common
       failures (no such directory, permission denied). */
    partial_active = 1;
    if (root) {
        int fd = mr_output_create_temporary(partial_path), e;
        if (fd < 0) {
            h5w_fail(w, "cannot create %s: %s", partial_path, strerror(errno));
        } else {
            char size[32];
            if ((e = mr_output_room(fd, bytes, bytes)) != 0)
                h5w_fail(w, "cannot write the file (about %s): %s",
                         mr_format_bytes(bytes, size, sizeof size), strerror(e));
            close(fd);
        }
    }
    if (h5w_sync_state(w) < 0) {
        partial_active = 0;
        if (root)
            unlink(partial_path); /* made, but it cannot grow: nothing is left */
        return -1;
    }
    return 0;
}

/* Complete: rank 0 puts the temporary file on the disk and gives it its
   name, then puts the name on the disk (mr_output_sync). */
void h5w_partial_rename(h5w *w)
{
    if (w->failed || w->world->rank != 0)
        return;
    int e = mr_output_sync(partial_path);
    if (e)
        h5w_fail(w, "cannot write %s to the disk: %s", partial_path, strerror(e));
    else if (rename(partial_path, w->path) != 0)
        h5w_fail(w, "cannot rename %s to it: %s", partial_path, strerror(errno));
    else /* an interrupt from here finds no temporary file: too late */
        mr_output_sync_dir(w->path);
}

/* The end of a write: rank 0 removes the temporary file of a failed write
   (created: h5w_partial_create succeeded); an interrupt no longer touches
   it. */
void h5w_partial_end(h5w *w, bool created)
{
    if (w->failed && created && w->world->rank == 0)
        unlink(partial_path);
    partial_active = 0;
}

/* An interrupt is consumed by the write that reports it. */
void h5w_interrupt_consume(void)
{
    interrupted = 0;
}

/* ---- failures, agreed over the ranks ------------------------------------- */

int h5w_fail(h5w *w, const char *fmt, ...)
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
int h5w_fail_h5(h5w *w, const char *what)
{
    if (errno != 0)
        return h5w_fail(w, "cannot write %s: %s", what, strerror(errno));
    return h5w_fail(w, "cannot write %s (HDF5 error)", what);
}

/* The ranks of the current step agree on failure and interrupt: an
   interrupt on any rank stops all; a failure on any rank fails all, with
   the message of the lowest failing rank. with_interrupt = false ignores
   interrupts (after the file is complete). Returns -1 when failed. */
int h5w_sync_flags(h5w *w, bool with_interrupt)
{
    if (with_interrupt && interrupted && !w->failed) {
        h5w_fail(w, "interrupted; nothing written");
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

int h5w_sync_state(h5w *w)
{
    return h5w_sync_flags(w, true);
}

void h5w_close_id(hid_t id)
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

/* ok on every rank (MPI-IO: agreed over w->comm; else this rank's ok):
   whether to make a collective call that needs what a rank made before it.
   A rank that could not make it must not leave the others waiting in the
   call (until 2026-12-06 they waited for ever). */
static bool all_ok(const h5w *w, bool ok)
{
    return w->par ? !mr_comm_any(w->comm, !ok) : ok;
}

/* A rank whose H5Screate or H5Acreate2 failed makes no H5Acreate2 or
   H5Awrite, and then neither does any other (all_ok): until 2026-12-07 the
   others went on, and their H5Awrite of a string (a new global heap: the
   file's end moved on those ranks only) left them waiting in H5Fclose's
   collective truncation. */
int h5w_attr_write(h5w *w, hid_t obj, const char *name, hid_t file_type, hid_t mem_type, hsize_t n,
                   const void *value)
{
    if (!w->failed) {
        errno = 0;
        hid_t sp = n == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL);
        const bool made = all_ok(w, sp >= 0);
        hid_t a = made ? H5Acreate2(obj, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT) : -1;
        herr_t rc = made && all_ok(w, a >= 0) ? H5Awrite(a, mem_type, value) : 0;
        h5w_close_id(a);
        h5w_close_id(sp);
        /* this rank's own failure (another's comes with h5w_sync_state) */
        if (sp < 0 || (made && a < 0) || rc < 0) {
            char what[256];
            snprintf(what, sizeof what, "attribute %s", name);
            h5w_fail_h5(w, what);
        }
    }
    return h5w_sync_state(w);
}

int h5w_attr_str(h5w *w, hid_t obj, const char *name, const char *value)
{
    const char *v = value ? value : "";
    return h5w_attr_write(w, obj, name, w->str, w->str, 0, &v);
}

int h5w_attr_f64(h5w *w, hid_t obj, const char *name, double v)
{
    return h5w_attr_write(w, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &v);
}

int h5w_attr_i32(h5w *w, hid_t obj, const char *name, int v)
{
    return h5w_attr_write(w, obj, name, H5T_STD_I32LE, H5T_NATIVE_INT, 0, &v);
}

int h5w_attr_u64(h5w *w, hid_t obj, const char *name, uint64_t v)
{
    return h5w_attr_write(w, obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, &v);
}

size_t h5w_long_name(const char *description, char *buf, size_t size)
{
    size_t n = 0;
    int depth = 0;
    bool space = false;
    if (!size)
        return 0;
    for (const char *c = description ? description : ""; *c; c++) {
        if (*c == '(') {
            depth++;
            continue;
        }
        if (*c == ')') {
            depth = depth ? depth - 1 : 0;
            continue;
        }
        if (depth)
            continue;
        if (*c == ':' || *c == ';')
            break;
        if (isspace((unsigned char)*c)) {
            space = n > 0; /* collapsed; none at the start */
            continue;
        }
        /* no space before a comma or a full stop */
        if (space && *c != ',' && *c != '.' && n + 1 < size)
            buf[n++] = ' ';
        space = false;
        if (n + 1 < size)
            buf[n++] = *c;
    }
    while (n && (buf[n - 1] == ',' || buf[n - 1] == '.' || buf[n - 1] == ' '))
        n--;
    buf[n] = '\0';
    if (n)
        buf[0] = (char)toupper((unsigned char)buf[0]);
    return n;
}

/* units, description and long_name: on every dataset. */
static int attr_meta(h5w *w, hid_t obj, const char *units, const char *description)
{
    char name[H5W_LONG_NAME_MAX];
    if (units && h5w_attr_str(w, obj, "units", units) < 0)
        return -1;
    if (h5w_attr_str(w, obj, "description", description) < 0)
        return -1;
    h5w_long_name(description, name, sizeof name);
    return h5w_attr_str(w, obj, "long_name", name);
}

/* ---- datasets ----------------------------------------------------------- */

hid_t h5w_make_group(h5w *w, hid_t parent, const char *name)
{
    hid_t g = -1;
    if (!w->failed) {
        errno = 0;
        g = H5Gcreate2(parent, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
        if (g < 0)
            h5w_fail_h5(w, name);
    }
    if (h5w_sync_state(w) < 0) {
        h5w_close_id(g);
        return -1;
    }
    return g;
}

/* Remember a string dataset to fill after the collective part. */
static int defer_strings(h5w *w, hid_t grp, const char *name, const void *data, size_t n)
{
    char gpath[1024];
    ssize_t len = H5Iget_name(grp, gpath, sizeof gpath);
    if (len < 0 || (size_t)len >= sizeof gpath)
        return -1;
    if (w->ndefer == w->capdefer) {
        size_t cap = w->capdefer ? 2 * w->capdefer : 16;
        h5w_deferred *d = realloc(w->defer, cap * sizeof *d);
        if (!d)
            return -1;
        w->defer = d;
        w->capdefer = cap;
    }
    h5w_deferred *d = &w->defer[w->ndefer];
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

/* Rows lo .. lo + k - 1 of dataset ds from data (this rank's rows from
   row0; k = 0: an empty selection, for a collective call). */
static herr_t write_piece(h5w *w, hid_t ds, hid_t space, const h5w_dsdef *d, const void *data,
                          hsize_t row0, hsize_t lo, hsize_t k, size_t rowbytes)
{
    static const double dummy = 0.0; /* a buffer for an empty selection */
    hsize_t start[MR_EXTRA_MAX_RANK] = {row0 + lo}, count[MR_EXTRA_MAX_RANK] = {k};
    for (int j = 1; j < d->rank; j++)
        count[j] = d->dims[j];
    hid_t fsel = H5Scopy(space), msel = H5Screate_simple(d->rank, count, NULL);
    herr_t rc = -1;
    bool ok = fsel >= 0 && msel >= 0;
    if (ok && k > 0) {
        ok = H5Sselect_hyperslab(fsel, H5S_SELECT_SET, start, NULL, count, NULL) >= 0;
        data = (const char *)data + (size_t)lo * rowbytes;
    } else if (ok) {
        ok = H5Sselect_none(fsel) >= 0 && H5Sselect_none(msel) >= 0;
        data = &dummy;
    }
    if (all_ok(w, ok))
        rc = H5Dwrite(ds, d->mem_type, msel, fsel, w->dxpl, data);
    h5w_close_id(fsel);
    h5w_close_id(msel);
    return rc;
}

/* The data of dataset ds: all of it from rank 0, or this rank's rows; a
   piece of at most MR_H5_PIECE_BYTES at a time (out/h5/pieces.h), as many
   pieces on every rank. */
static herr_t write_data(h5w *w, hid_t ds, hid_t space, const h5w_dsdef *d, const void *data,
                         const h5w_dsrows *r)
{
    /* nothing to write (parallel HDF5 1.10 fails a collective write to a
       dataset of no elements) */
    if (H5Sget_simple_extent_npoints(space) == 0)
        return 0;
    const bool none = !r && w->par && w->comm->rank != 0; /* rank 0 writes it */
    if (d->rank == 0) {                                   /* a scalar: one piece */
        hid_t sel = none ? H5Scopy(space) : H5S_ALL;
        herr_t rc = !all_ok(w, sel >= 0 && !(none && H5Sselect_none(sel) < 0))
                        ? -1
                        : H5Dwrite(ds, d->mem_type, sel, sel, w->dxpl, data);
        if (none)
            h5w_close_id(sel);
        return rc < 0 ? -1 : 0;
    }
    const hsize_t row0 = r ? r->row0 : 0, nrows = r ? r->nrows : none ? 0 : d->dims[0];
    size_t rowbytes = H5Tget_size(d->mem_type);
    for (int k = 1; k < d->rank; k++)
        rowbytes *= (size_t)d->dims[k];
    const uint64_t per = mr_h5_piece_rows(rowbytes);
    double np = (double)mr_h5_piece_count(nrows, per); /* exact below 2^53 */
    if (w->par && mr_comm_max_f64(w->comm, &np, 1) != 0)
        return -1;
    herr_t rc = 0;
    for (uint64_t p = 0; p < (uint64_t)np; p++) {
        const hsize_t lo = p * per, k = lo < nrows ? (nrows - lo < per ? nrows - lo : per) : 0;
        if (write_piece(w, ds, space, d, data, row0, lo, k, rowbytes) < 0)
            rc = -1; /* the other ranks' collective calls still need this one's */
    }
    return rc;
}

/* The dataset d in grp, in steps whose failures the ranks agree on
   (h5w_sync_state) before the next step's collective calls (H5Dcreate2,
   the transfer, the dimension scales' attributes): until 2026-12-06 a rank
   whose own step failed skipped the rest while the others went on, and
   the run hung. Without MPI the same calls as before. */
int h5w_put_rows(h5w *w, hid_t grp, const h5w_dsdef *d, const void *data, const h5w_dsrows *r)
{
    hid_t sp = -1, dcpl = -1, ds = -1;
    /* its dataspace and creation properties (and a failure before them) */
    if (!w->failed) {
        errno = 0;
        sp = d->rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(d->rank, d->dims, NULL);
        bool ok = sp >= 0;
        if (ok && r && r->chunk_rows > 0) {
            hsize_t chunk[MR_EXTRA_MAX_RANK];
            chunk[0] = r->chunk_rows;
            for (int k = 1; k < d->rank; k++)
                chunk[k] = d->dims[k];
            dcpl = H5Pcopy(w->dcpl);
            /* every element is written: no fill values (which parallel
               HDF5 would otherwise write when it allocates the chunks) */
            ok = dcpl >= 0 && H5Pset_chunk(dcpl, d->rank, chunk) >= 0 &&
                 H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) >= 0;
        }
        if (!ok)
            h5w_fail_h5(w, d->name);
    }
    /* the dataset */
    if (h5w_sync_state(w) == 0) {
        ds = H5Dcreate2(grp, d->name, d->file_type, sp, H5P_DEFAULT, dcpl >= 0 ? dcpl : w->dcpl,
                        H5P_DEFAULT);
        if (ds < 0)
            h5w_fail_h5(w, d->name);
    }
    /* its data */
    if (h5w_sync_state(w) == 0) {
        int rc = 0;
        if (H5Tis_variable_str(d->file_type) > 0) {
            /* parallel HDF5 1.10 writes no variable-length data: later */
            size_t n = 1;
            for (int k = 0; k < d->rank; k++)
                n *= (size_t)d->dims[k];
            rc = defer_strings(w, grp, d->name, data, n);
        } else {
            rc = write_data(w, ds, sp, d, data, r);
        }
        if (rc < 0)
            h5w_fail_h5(w, d->name);
    }
    /* its dimension scales: each attached on every rank or on none */
    if (h5w_sync_state(w) == 0) {
        bool ok = true;
        for (int k = 0; k < d->rank; k++) {
            if (!strcmp(d->dimnames[k], d->name))
                continue; /* a coordinate variable is its own dimension */
            hid_t scale = H5Dopen2(grp, d->dimnames[k], H5P_DEFAULT);
            if (!all_ok(w, scale >= 0) || H5DSattach_scale(ds, scale, (unsigned)k) < 0)
                ok = false;
            h5w_close_id(scale);
        }
        if (!ok)
            h5w_fail_h5(w, d->name);
    }
    int rc = h5w_sync_state(w);
    if (rc == 0)
        rc = attr_meta(w, ds, d->units, d->description);
    h5w_close_id(ds);
    h5w_close_id(dcpl);
    h5w_close_id(sp);
    return rc;
}

/* A small dataset: the same data on every rank. */
int h5w_put(h5w *w, hid_t grp, const h5w_dsdef *d, const void *data)
{
    return h5w_put_rows(w, grp, d, data, NULL);
}

/* Rows per chunk for a dataset of nrows rows of rowbytes bytes: about
   TRIAL_CHUNK_BYTES, a whole number of blocks when more than one. */
hsize_t h5w_chunk_rows(hsize_t nrows, hsize_t rowbytes)
{
    hsize_t r = TRIAL_CHUNK_BYTES / (rowbytes ? rowbytes : 1);
    if (r > MR_BLOCK_TRIALS)
        r -= r % MR_BLOCK_TRIALS;
    if (r < 1)
        r = 1;
    return r < nrows ? r : nrows;
}

/* A coordinate variable: a 1-D dataset made a dimension scale named `name`. */
int h5w_put_coord_rows(h5w *w, hid_t grp, const h5w_dsdef *d, const void *data, const h5w_dsrows *r)
{
    if (h5w_put_rows(w, grp, d, data, r) < 0)
        return -1;
    hid_t ds = H5Dopen2(grp, d->name, H5P_DEFAULT);
    herr_t rc = !all_ok(w, ds >= 0) ? -1 : H5DSset_scale(ds, d->name);
    h5w_close_id(ds);
    if (rc < 0)
        h5w_fail_h5(w, d->name);
    return h5w_sync_state(w);
}

static int put_coord(h5w *w, hid_t grp, const h5w_dsdef *d, const void *data)
{
    return h5w_put_coord_rows(w, grp, d, data, NULL);
}

int h5w_put_coord_f64(h5w *w, hid_t grp, const char *name, const double *v, size_t n,
                      const char *units, const char *description)
{
    h5w_dsdef d = {name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, {n}, {name}, units, description};
    return put_coord(w, grp, &d, v);
}

/* Integer coordinate first, first + 1, ..., first + n - 1. */
int h5w_put_coord_range(h5w *w, hid_t grp, const char *name, int first, size_t n, const char *units,
                        const char *description)
{
    int *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        h5w_fail(w, "out of memory");
    else
        for (size_t i = 0; i < n; i++)
            v[i] = first + (int)i;
    h5w_dsdef d = {name, H5T_STD_I32LE, H5T_NATIVE_INT, 1, {n}, {name}, units, description};
    int rc = put_coord(w, grp, &d, v);
    free(v);
    return rc;
}

/* String ids of the entities, in index order, taken with a stride from an
   array of structs (the id is a char * at `offset` in each one). */
int h5w_put_strings(h5w *w, hid_t grp, const char *name, const void *base, size_t size,
                    size_t offset, size_t n, const char *dim, const char *description,
                    bool is_coord)
{
    const char **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        h5w_fail(w, "out of memory");
    else
        for (size_t i = 0; i < n; i++) {
            const char *s;
            memcpy(&s, (const char *)base + i * size + offset, sizeof s);
            v[i] = s ? s : "";
        }
    h5w_dsdef d = {name, w->str, w->str, 1, {n}, {dim}, NULL, description};
    int rc = is_coord ? put_coord(w, grp, &d, v) : h5w_put(w, grp, &d, v);
    free(v);
    return rc;
}

int h5w_put_entity_coords(h5w *w, hid_t grp, const mr_scenario *sc, int which)
{
    if ((which & H5W_CO_MINERAL) &&
        h5w_put_strings(w, grp, "mineral", sc->minerals, sizeof *sc->minerals,
                        offsetof(mr_mineral, id), (size_t)sc->nminerals, "mineral",
                        "mineral id, in scenario order", true) < 0)
        return -1;
    if ((which & H5W_CO_SECTOR) &&
        h5w_put_strings(w, grp, "sector", sc->sectors, sizeof *sc->sectors, offsetof(mr_sector, id),
                        (size_t)sc->nsectors, "sector", "sector id, in scenario order", true) < 0)
        return -1;
    if ((which & H5W_CO_COUNTRY) &&
        h5w_put_strings(w, grp, "country", sc->countries, sizeof *sc->countries,
                        offsetof(mr_country, id), (size_t)sc->ncountries, "country",
                        "country id, in scenario order", true) < 0)
        return -1;
    return 0;
}

int h5w_put_scalar(h5w *w, hid_t grp, const char *name, double v, const char *units,
                   const char *description)
{
    h5w_dsdef d = {name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, {0}, {NULL}, units, description};
    return h5w_put(w, grp, &d, &v);
}

int h5w_put_f64(h5w *w, hid_t grp, const char *name, const double *v, int rank, const hsize_t *dims,
                const char *const *dimnames, const char *units, const char *description)
{
    h5w_dsdef d = {name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, rank, {0}, {NULL}, units, description};
    for (int k = 0; k < rank; k++) {
        d.dims[k] = dims[k];
        d.dimnames[k] = dimnames[k];
    }
    return h5w_put(w, grp, &d, v);
}

/* 1-D [dim] and 2-D [dim0, dim1] float64 shorthands. */
int h5w_put_1d(h5w *w, hid_t grp, const char *name, const double *v, size_t n, const char *dim,
               const char *units, const char *description)
{
    hsize_t dims[1] = {n};
    const char *dn[1] = {dim};
    return h5w_put_f64(w, grp, name, v, 1, dims, dn, units, description);
}

int h5w_put_2d(h5w *w, hid_t grp, const char *name, const double *v, size_t n0, const char *dim0,
               size_t n1, const char *dim1, const char *units, const char *description)
{
    hsize_t dims[2] = {n0, n1};
    const char *dn[2] = {dim0, dim1};
    return h5w_put_f64(w, grp, name, v, 2, dims, dn, units, description);
}

int h5w_put_text(h5w *w, hid_t grp, const char *name, const char *text, const char *description)
{
    const char *v = text ? text : "";
    h5w_dsdef d = {name, w->str, w->str, 0, {0}, {NULL}, NULL, description};
    return h5w_put(w, grp, &d, &v);
}

/* ---- the file ------------------------------------------------------------ */

void h5w_free_deferred(h5w *w)
{
    for (size_t i = 0; i < w->ndefer; i++) {
        free(w->defer[i].path);
        free(w->defer[i].values);
    }
    free(w->defer);
    w->defer = NULL;
    w->ndefer = w->capdefer = 0;
}

/* Property lists and the string type (every rank). The rank-local part is
   agreed (all_ok) before H5Pset_fapl_mpio, which duplicates the
   communicator, a collective call: a rank whose H5Pcreate or a setting
   failed (out of memory) returned before it and left the others waiting
   in MPI_Comm_dup (until 2026-12-07). -1 on every rank when any failed. */
int h5w_setup(h5w *w, hid_t fcpl, hid_t fapl)
{
    unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    bool ok = fcpl >= 0 && fapl >= 0 && w->gcpl >= 0 && w->dcpl >= 0 && w->str >= 0 &&
              H5Tset_size(w->str, H5T_VARIABLE) >= 0 && H5Tset_cset(w->str, H5T_CSET_UTF8) >= 0 &&
              H5Pset_link_creation_order(fcpl, order) >= 0 &&
              H5Pset_attr_creation_order(fcpl, order) >= 0 &&
              H5Pset_link_creation_order(w->gcpl, order) >= 0 &&
              H5Pset_attr_creation_order(w->gcpl, order) >= 0 &&
              H5Pset_obj_track_times(w->gcpl, 0) >= 0 &&
              H5Pset_attr_creation_order(w->dcpl, order) >= 0 &&
              H5Pset_obj_track_times(w->dcpl, 0) >= 0 &&
              H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0;
#ifdef MINRISK_HAVE_MPI
    if (w->par) {
        if (ok) {
            w->dxpl = H5Pcreate(H5P_DATASET_XFER);
            ok = w->dxpl >= 0 && H5Pset_dxpl_mpio(w->dxpl, H5FD_MPIO_COLLECTIVE) >= 0;
        }
        if (!all_ok(w, ok))
            return -1;
        ok = H5Pset_fapl_mpio(fapl, *(MPI_Comm *)w->comm->mpi, MPI_INFO_NULL) >= 0 &&
             H5Pset_coll_metadata_write(fapl, 1) >= 0;
    }
#endif
    return ok ? 0 : -1;
}

/* Make (or open) the groups of a path "a/b/c" under the file root; the
   last one is returned. NULL or "" is the root itself (a new reference). */
hid_t h5w_make_path(h5w *w, const char *path, bool last_is_group)
{
    hid_t cur = w->failed ? -1 : H5Gopen2(w->file, "/", H5P_DEFAULT);
    if (!w->failed && cur < 0)
        h5w_fail_h5(w, "/");
    /* each group agreed (all_ok) before the next is made: until 2026-12-07
       a rank whose H5Gcreate2 failed stopped while the others made the next
       group, and then waited in H5Fclose (their file had grown) */
    bool ok = all_ok(w, !w->failed);
    char part[512];
    const char *p = path ? path : "";
    while (*p && ok) {
        size_t len = strcspn(p, "/");
        if (!p[len] && !last_is_group)
            break; /* the last part names a dataset */
        if (len >= sizeof part) {
            h5w_fail(w, "internal error: group name too long");
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
                h5w_fail_h5(w, part);
            h5w_close_id(cur);
            cur = next;
            ok = all_ok(w, next >= 0);
        }
        p += len + (p[len] == '/');
    }
    if (h5w_sync_state(w) < 0) {
        h5w_close_id(cur);
        return -1;
    }
    return cur;
}
