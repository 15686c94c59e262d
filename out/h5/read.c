/* read.c - reading minrisk result files (read.h). */
#define _POSIX_C_SOURCE 200809L

#include "out/h5/read.h"

#include "out/format.h" /* MR_FORMAT_NAME, MR_FORMAT_MAJOR */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* H5Dvlen_reclaim was renamed H5Treclaim in HDF5 1.12. */
#if H5_VERSION_GE(1, 12, 0)
#define VLEN_RECLAIM H5Treclaim
#else
#define VLEN_RECLAIM H5Dvlen_reclaim
#endif

#define LOC_PATH_MAX 4096 /* a location's path, as messages show it */

/* ---- opening and failures -------------------------------------------------- */

int mr_h5r_fail(mr_h5r *r, const char *fmt, ...)
{
    if (r->status == MR_OK) {
        r->status = MR_BAD_INPUT;
        int n = snprintf(r->err->msg, sizeof r->err->msg, "%s: ", r->path);
        if (n >= 0 && (size_t)n < sizeof r->err->msg) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(r->err->msg + n, sizeof r->err->msg - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

int mr_h5r_nomem(mr_h5r *r)
{
    if (r->status == MR_OK) {
        r->status = MR_FAILED;
        snprintf(r->err->msg, sizeof r->err->msg, "%s: out of memory", r->path);
    }
    return -1;
}

int mr_h5r_damaged(mr_h5r *r, hid_t loc, const char *name)
{
    static const char what[] = "damaged or incomplete minrisk file: cannot read";
    if (r->status != MR_OK)
        return -1;
    if (!(r->flags & MR_H5R_NAMES_FROM_ROOT))
        return mr_h5r_fail(r, "%s %s", what, name);
    char at[LOC_PATH_MAX] = ""; /* "" for the root */
    if (r->where[0])
        snprintf(at, sizeof at, "%s", r->where);
    else if (H5Iget_name(loc, at, sizeof at) < 0 || !strcmp(at, "/"))
        at[0] = '\0';
    return mr_h5r_fail(r, "%s %s%s%s", what, at, name[0] == '/' ? "" : "/", name);
}

int mr_h5r_open(mr_h5r *r, const char *path, unsigned flags, mr_error *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->err = err;
    r->file = -1;
    r->flags = flags;
    H5Eget_auto2(H5E_DEFAULT, &r->old_func, &r->old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    const char *noun = flags & MR_H5R_RESULT_FILE ? "minrisk result file" : "minrisk file";
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return mr_h5r_fail(r, "cannot open: %s", strerror(errno));
    fclose(probe);
    if (H5Fis_hdf5(path) <= 0)
        return mr_h5r_fail(r, "not a %s (not HDF5)", noun);
    if ((r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        return mr_h5r_fail(r, "cannot open as HDF5 (damaged?)");
    char *format = mr_h5r_attr_str(r->file, ".", "format");
    bool ours = format && !strcmp(format, MR_FORMAT_NAME);
    free(format);
    if (!ours || H5Aexists(r->file, "format_version") <= 0)
        return mr_h5r_fail(r, "not a %s", noun);
    if (mr_h5r_attr_num(r, r->file, ".", "format_version", H5T_NATIVE_INT, 2, r->version) < 0)
        return -1;
    if (r->version[0] != MR_FORMAT_MAJOR)
        return mr_h5r_fail(r, "unsupported format_version %d.%d (this minrisk reads %d.x)",
                           r->version[0], r->version[1], MR_FORMAT_MAJOR);
    return 0;
}

void mr_h5r_close(mr_h5r *r)
{
    if (r->file >= 0)
        H5Fclose(r->file);
    r->file = -1;
    H5Eset_auto2(H5E_DEFAULT, r->old_func, r->old_data);
}

/* ---- quiet reads ------------------------------------------------------------- */

int mr_h5r_shape(hid_t loc, const char *name, hsize_t dims[3])
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t sp = ds < 0 ? -1 : H5Dget_space(ds);
    int rank = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    if (rank > 3 || (rank >= 0 && H5Sget_simple_extent_dims(sp, dims, NULL) < 0))
        rank = -1;
    for (int k = rank < 0 ? 0 : rank; k < 3; k++)
        dims[k] = 1;
    if (sp >= 0)
        H5Sclose(sp);
    if (ds >= 0)
        H5Dclose(ds);
    return rank;
}

long long mr_h5r_count(hid_t loc, const char *name)
{
    hsize_t dims[3];
    if (mr_h5r_shape(loc, name, dims) < 0)
        return -1;
    return (long long)(dims[0] * dims[1] * dims[2]);
}

int mr_h5r_get(hid_t loc, const char *name, hid_t mem_type, size_t n, void *buf)
{
    if (mr_h5r_count(loc, name) != (long long)n)
        return -1;
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    herr_t rc = ds < 0 ? -1 : H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    if (ds >= 0)
        H5Dclose(ds);
    return rc < 0 ? -1 : 0;
}

int mr_h5r_rows(hid_t loc, const char *name, hid_t mem_type, hsize_t row0, hsize_t nrows,
                hsize_t ncols, void *buf)
{
    hsize_t dims[3];
    int rank = mr_h5r_shape(loc, name, dims);
    if (rank < 1 || dims[1] * dims[2] != ncols || row0 + nrows > dims[0])
        return -1;
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t fs = ds < 0 ? -1 : H5Dget_space(ds);
    hsize_t start[3] = {row0, 0, 0}, count[3] = {nrows, dims[1], dims[2]};
    hid_t ms = H5Screate_simple(rank, count, NULL);
    herr_t rc = -1;
    if (fs >= 0 && ms >= 0 &&
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
        rc = H5Dread(ds, mem_type, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    if (ds >= 0)
        H5Dclose(ds);
    return rc < 0 ? -1 : 0;
}

static char *copy_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* All of an attribute or a dataset (is_attr), converted to mem_type, into buf. */
static herr_t read_all(hid_t obj, bool is_attr, hid_t mem_type, void *buf)
{
    return is_attr ? H5Aread(obj, mem_type, buf)
                   : H5Dread(obj, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

/* The n strings (variable- or fixed-length) of an attribute or a dataset
   (is_attr) of n elements into out, each malloc'ed: 0; 1 when a
   variable-length one was NULL (read as ""); -1 not strings, or cannot be
   read; -2 out of memory. */
static int read_strings(hid_t obj, bool is_attr, char **out, size_t n)
{
    hid_t ft = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t sp = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hid_t mt = H5Tcopy(H5T_C_S1);
    /* HDF5 converts no strings between character sets: read as stored */
    bool ok = ft >= 0 && sp >= 0 && H5Tget_class(ft) == H5T_STRING &&
              H5Tset_cset(mt, H5Tget_cset(ft)) >= 0;
    const bool vlen = ok && H5Tis_variable_str(ft) > 0;
    const size_t size = !ok ? 0 : vlen ? sizeof(char *) : H5Tget_size(ft); /* of one */
    char *buf = ok ? calloc(n * size + 1, 1) : NULL;
    ok = buf && H5Tset_size(mt, vlen ? H5T_VARIABLE : size) >= 0 &&
         read_all(obj, is_attr, mt, buf) >= 0;
    int rc = ok ? 0 : -1;
    for (size_t i = 0; ok && i < n; i++) {
        const char *v = vlen ? ((char **)(void *)buf)[i] : buf + i * size;
        size_t len = vlen ? (v ? strlen(v) : 0) : strnlen(v, size);
        if (!v && rc == 0)
            rc = 1;
        if (!(out[i] = copy_n(v ? v : "", len)))
            rc = -2;
    }
    if (ok && vlen)
        VLEN_RECLAIM(mt, sp, H5P_DEFAULT, buf);
    free(buf);
    H5Tclose(mt);
    if (sp >= 0)
        H5Sclose(sp);
    if (ft >= 0)
        H5Tclose(ft);
    return rc;
}

/* The one string of an attribute or a dataset (is_attr) of one element,
   malloc'ed; NULL when it is not that (or a NULL variable-length string). */
static char *one_string(hid_t obj, bool is_attr)
{
    char *out = NULL;
    hid_t sp = obj < 0 ? -1 : is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    if (sp >= 0 && H5Sget_simple_extent_npoints(sp) == 1 &&
        read_strings(obj, is_attr, &out, 1) != 0) {
        free(out);
        out = NULL;
    }
    if (sp >= 0)
        H5Sclose(sp);
    return out;
}

char *mr_h5r_attr_str(hid_t loc, const char *obj, const char *name)
{
    if (H5Aexists_by_name(loc, obj, name, H5P_DEFAULT) <= 0)
        return NULL;
    hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    char *out = one_string(a, true);
    if (a >= 0)
        H5Aclose(a);
    return out;
}

int mr_h5r_attr_get(hid_t loc, const char *obj, const char *name, hid_t mem_type, size_t n,
                    void *buf)
{
    if (H5Aexists_by_name(loc, obj, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t sp = a < 0 ? -1 : H5Aget_space(a);
    hssize_t np = sp < 0 ? -1 : H5Sget_simple_extent_npoints(sp);
    herr_t rc = np == (hssize_t)n ? H5Aread(a, mem_type, buf) : -1;
    if (sp >= 0)
        H5Sclose(sp);
    if (a >= 0)
        H5Aclose(a);
    return rc < 0 ? -1 : 0;
}

/* ---- reported reads ---------------------------------------------------------- */

long long mr_h5r_extent(mr_h5r *r, hid_t loc, const char *name)
{
    long long n = mr_h5r_count(loc, name);
    if (n < 0)
        mr_h5r_damaged(r, loc, name);
    return n;
}

int mr_h5r_read(mr_h5r *r, hid_t loc, const char *name, hid_t mem_type, size_t n, void *buf)
{
    return mr_h5r_get(loc, name, mem_type, n, buf) < 0 ? mr_h5r_damaged(r, loc, name) : 0;
}

int mr_h5r_f64(mr_h5r *r, hid_t loc, const char *name, double *buf, size_t n)
{
    return mr_h5r_read(r, loc, name, H5T_NATIVE_DOUBLE, n, buf);
}

void *mr_h5r_read_new(mr_h5r *r, hid_t loc, const char *name, hid_t mem_type, size_t size, size_t n)
{
    if (mr_h5r_count(loc, name) != (long long)n) {
        mr_h5r_damaged(r, loc, name);
        return NULL;
    }
    void *buf = malloc((n ? n : 1) * size);
    if (!buf) {
        mr_h5r_nomem(r);
        return NULL;
    }
    if (mr_h5r_read(r, loc, name, mem_type, n, buf) < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

void mr_h5r_free_strings(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

char **mr_h5r_strings(mr_h5r *r, hid_t loc, const char *name, size_t n)
{
    if (mr_h5r_count(loc, name) != (long long)n) {
        mr_h5r_damaged(r, loc, name);
        return NULL;
    }
    char **out = calloc(n ? n : 1, sizeof *out);
    if (!out) {
        mr_h5r_nomem(r);
        return NULL;
    }
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    int rc = ds < 0 ? -1 : read_strings(ds, false, out, n); /* 1: a NULL read as "" */
    if (ds >= 0)
        H5Dclose(ds);
    if (rc < 0) {
        mr_h5r_free_strings(out, n);
        if (rc == -2)
            mr_h5r_nomem(r);
        else
            mr_h5r_damaged(r, loc, name);
        return NULL;
    }
    return out;
}

char *mr_h5r_text(mr_h5r *r, hid_t loc, const char *name)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    char *out = one_string(ds, false);
    if (ds >= 0)
        H5Dclose(ds);
    if (!out)
        mr_h5r_damaged(r, loc, name);
    return out;
}

int mr_h5r_attr_num(mr_h5r *r, hid_t loc, const char *obj, const char *name, hid_t mem_type,
                    size_t n, void *buf)
{
    if (mr_h5r_attr_get(loc, obj, name, mem_type, n, buf) == 0)
        return 0;
    if (!strcmp(obj, "."))
        return mr_h5r_damaged(r, loc, name);
    char what[LOC_PATH_MAX];
    snprintf(what, sizeof what, "%s %s attribute", obj, name);
    return mr_h5r_damaged(r, loc, what);
}
