/* read.c - reading minrisk result files (read.h). */
#define _POSIX_C_SOURCE 200809L

#include "out/h5/read.h"

#include "out/format.h" /* MR_FORMAT_NAME, MR_FORMAT_MAJOR */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* H5Dvlen_reclaim was renamed H5Treclaim in HDF5 1.12. */
#if H5_VERSION_GE(1, 12, 0)
#define VLEN_RECLAIM H5Treclaim
#else
#define VLEN_RECLAIM H5Dvlen_reclaim
#endif

#define LOC_PATH_MAX 4096 /* a location's path, as messages show it */

static uint64_t heap_scan(int fd); /* below, with the strings */

/* Out of memory is not damage (exit status 1, not 2: docs/minrisk.1), but
   the quiet reads return -1 or NULL for both, and HDF5 says only that a
   call failed. So an allocation of this file's that fails sets this flag,
   and so does HDF5 when a call fails on its own allocation (hdf5_failed,
   HDF5's error stack: no cost unless a call fails); mr_h5r_open clears
   it, and mr_h5r_fail then reports "out of memory", never damage. One
   flag a thread: HDF5 here is not thread-safe, a file is read in one. */
static _Thread_local bool alloc_failed;

/* p, noting that an allocation failed when it is NULL. */
static void *noted(void *p)
{
    if (!p)
        alloc_failed = true;
    return p;
}

static herr_t find_nomem(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    if (e->min_num == H5E_NOSPACE || (e->maj_num == H5E_RESOURCE && e->min_num == H5E_CANTALLOC))
        *(bool *)data = true;
    return 0;
}

/* HDF5's automatic error handler while a reader is open: prints nothing,
   notes a failure of HDF5's own memory allocation. */
static herr_t hdf5_failed(hid_t estack, void *data)
{
    (void)data;
    bool nomem = false;
    H5Ewalk2(estack, H5E_WALK_DOWNWARD, find_nomem, &nomem);
    if (nomem)
        alloc_failed = true;
    return 0;
}

bool mr_h5r_alloc_failed(void)
{
    return alloc_failed;
}

/* ---- opening and failures -------------------------------------------------- */

int mr_h5r_fail(mr_h5r *r, const char *fmt, ...)
{
    if (alloc_failed)
        return mr_h5r_nomem(r); /* what failed was memory, not the file */
    if (r->status == MR_OK) {
        r->status = MR_BAD_INPUT;
        char raw[sizeof r->err->msg];
        int n = snprintf(raw, sizeof raw, "%s: ", r->path);
        if (n >= 0 && (size_t)n < sizeof raw) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(raw + n, sizeof raw - (size_t)n, fmt, ap);
            va_end(ap);
        }
        /* names in it come from the file: one line, nothing a terminal obeys */
        mr_printable(raw, r->err->msg, sizeof r->err->msg);
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

/* How messages name object `name` under loc (MR_H5R_NAMES_FROM_ROOT). */
static void shown_name(const mr_h5r *r, hid_t loc, const char *name, char *buf, size_t n)
{
    if (!(r->flags & MR_H5R_NAMES_FROM_ROOT)) {
        snprintf(buf, n, "%s", name);
        return;
    }
    char at[LOC_PATH_MAX] = ""; /* "" for the root */
    if (r->where[0])
        snprintf(at, sizeof at, "%s", r->where);
    else if (H5Iget_name(loc, at, sizeof at) < 0 || !strcmp(at, "/"))
        at[0] = '\0';
    size_t len = strlen(at);
    if (name[0] != '/' && len + 1 < sizeof at)
        at[len++] = '/';
    at[len] = '\0';
    /* at, then name, cut at n: it is for a message */
    size_t k = len < n ? len : n - 1, rest = strlen(name);
    memcpy(buf, at, k);
    if (rest > n - 1 - k)
        rest = n - 1 - k;
    memcpy(buf + k, name, rest);
    buf[k + rest] = '\0';
}

int mr_h5r_damaged(mr_h5r *r, hid_t loc, const char *name)
{
    if (r->status != MR_OK)
        return -1;
    char shown[LOC_PATH_MAX];
    shown_name(r, loc, name, shown, sizeof shown);
    return mr_h5r_fail(r, "damaged or incomplete minrisk file: cannot read %s", shown);
}

int mr_h5r_damaged_why(mr_h5r *r, hid_t loc, const char *name, const char *fmt, ...)
{
    if (r->status != MR_OK)
        return -1;
    char shown[LOC_PATH_MAX], why[512];
    shown_name(r, loc, name, shown, sizeof shown);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return mr_h5r_fail(r, "damaged or incomplete minrisk file: %s %s", shown, why);
}

int mr_h5r_open(mr_h5r *r, const char *path, unsigned flags, mr_error *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->err = err;
    r->file = -1;
    r->flags = flags;
    H5Eget_auto2(H5E_DEFAULT, &r->old_func, &r->old_data);
    H5Eset_auto2(H5E_DEFAULT, hdf5_failed, NULL);
    alloc_failed = false;

    const char *noun = flags & MR_H5R_RESULT_FILE ? "minrisk result file" : "minrisk file";
    if (!path[0]) { /* named '' (until 2026-12-07 ": cannot open: No such file ...") */
        r->path = "''";
        return mr_h5r_fail(r, "%s", "an empty path");
    }
    /* O_NONBLOCK: a FIFO must not wait for a writer; a directory, FIFO or
       device is named as such, never handed to HDF5 */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOMEM)
        return mr_h5r_nomem(r);
    if (fd < 0)
        return mr_h5r_fail(r, "cannot open: %s", strerror(errno));
    struct stat st;
    int serr = fstat(fd, &st) ? errno : 0;
    const htri_t hdf5 = !serr && S_ISREG(st.st_mode) ? H5Fis_hdf5(path) : 0;
    const uint64_t bad = hdf5 > 0 ? heap_scan(fd) : 0;
    close(fd);
    if (serr)
        return mr_h5r_fail(r, "cannot open: %s", strerror(serr));
    if (!S_ISREG(st.st_mode))
        return mr_h5r_fail(r, "not a %s (%s, not a regular file)", noun, mr_file_kind(st.st_mode));
    if (alloc_failed) /* out of memory in H5Fis_hdf5, or the check not made */
        return mr_h5r_nomem(r);
    if (hdf5 <= 0)
        return mr_h5r_fail(r, "not a %s (not HDF5)", noun);
    if (bad)
        return mr_h5r_fail(r,
                           "damaged or incomplete minrisk file: the global heap collection at "
                           "byte %llu (variable-length strings) is damaged",
                           (unsigned long long)(bad - 1));
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
    if (alloc_failed) /* a read that failed for want of memory is not passed over */
        mr_h5r_nomem(r);
    if (r->file >= 0)
        H5Fclose(r->file);
    r->file = -1;
    H5Eset_auto2(H5E_DEFAULT, r->old_func, r->old_data);
}

/* ---- quiet reads ------------------------------------------------------------- */

/* The largest number of elements a dataset may have: far beyond any run
   (2^40 = 1.1e12 values, 8 TiB of doubles), small enough that no count
   times an element size overflows. */
#define MAX_ELEMENTS ((hsize_t)1 << 40)

/* Numbers are stored as IEEE floats or two's-complement integers of 1 to 8
   bytes, as the writer makes them; anything else (a damaged datatype
   message: a float of 3 bytes, a bit field) is refused before HDF5
   converts it. Integers only into an integer memory type. */
static bool numeric_type_ok(hid_t ft, hid_t mem_type)
{
    const hid_t std[] = {H5T_IEEE_F32LE, H5T_IEEE_F64LE, H5T_IEEE_F32BE, H5T_IEEE_F64BE,
                         H5T_STD_I8LE,   H5T_STD_I16LE,  H5T_STD_I32LE,  H5T_STD_I64LE,
                         H5T_STD_U8LE,   H5T_STD_U16LE,  H5T_STD_U32LE,  H5T_STD_U64LE,
                         H5T_STD_I8BE,   H5T_STD_I16BE,  H5T_STD_I32BE,  H5T_STD_I64BE,
                         H5T_STD_U8BE,   H5T_STD_U16BE,  H5T_STD_U32BE,  H5T_STD_U64BE};
    H5T_class_t fc = H5Tget_class(ft), mc = H5Tget_class(mem_type);
    if (fc != H5T_FLOAT && fc != H5T_INTEGER)
        return false;
    if (mc == H5T_INTEGER && fc != H5T_INTEGER)
        return false;
    for (size_t k = 0; k < sizeof std / sizeof std[0]; k++)
        if (H5Tequal(ft, std[k]) > 0)
            return true;
    return false;
}

/* rank and dims of an open dataset (see mr_h5r_shape) */
static int ds_shape(hid_t ds, hsize_t dims[3])
{
    hid_t sp = H5Dget_space(ds);
    int rank = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    if (rank > 3 || (rank >= 0 && H5Sget_simple_extent_dims(sp, dims, NULL) < 0))
        rank = -1;
    for (int k = rank < 0 ? 0 : rank; k < 3; k++)
        dims[k] = 1;
    if (sp >= 0)
        H5Sclose(sp);
    return rank;
}

/* Elements of dims, or -1 past MAX_ELEMENTS (a damaged dimension). */
static long long elements(const hsize_t dims[3])
{
    hsize_t n = 1;
    for (int k = 0; k < 3; k++) {
        if (dims[k] > MAX_ELEMENTS || (dims[k] && n > MAX_ELEMENTS / dims[k]))
            return -1;
        n *= dims[k];
    }
    return (long long)n;
}

int mr_h5r_shape(hid_t loc, const char *name, hsize_t dims[3])
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    int rank = ds < 0 ? -1 : ds_shape(ds, dims);
    if (rank < 0)
        dims[0] = dims[1] = dims[2] = 1;
    else if (elements(dims) < 0)
        rank = -1;
    if (ds >= 0)
        H5Dclose(ds);
    return rank;
}

long long mr_h5r_count(hid_t loc, const char *name)
{
    hsize_t dims[3];
    if (mr_h5r_shape(loc, name, dims) < 0)
        return -1;
    return elements(dims);
}

/* The dataset `name` open, if it holds numbers that convert to mem_type
   (numeric_type_ok); else -1. */
static hid_t open_numeric(hid_t loc, const char *name, hid_t mem_type)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t ft = ds < 0 ? -1 : H5Dget_type(ds);
    bool ok = ft >= 0 && numeric_type_ok(ft, mem_type);
    if (ft >= 0)
        H5Tclose(ft);
    if (!ok && ds >= 0) {
        H5Dclose(ds);
        ds = -1;
    }
    return ds;
}

int mr_h5r_get(hid_t loc, const char *name, hid_t mem_type, size_t n, void *buf)
{
    if (mr_h5r_count(loc, name) != (long long)n)
        return -1;
    hid_t ds = open_numeric(loc, name, mem_type);
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
    if (rank < 1 || dims[1] * dims[2] != ncols || row0 > dims[0] || nrows > dims[0] - row0)
        return -1;
    hid_t ds = open_numeric(loc, name, mem_type);
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

/* ---- variable-length strings: checked before HDF5 reads them ------------------ */

/* HDF5 1.10 trusts the sizes in a global heap collection (where
   variable-length strings live) and the lengths in a string's descriptor:
   one flipped bit there makes it copy terabytes (H5HG_read). So the
   descriptors of a string dataset, and the collections they point into,
   are read and checked here first (HDF5 file format specification, "Global
   Heap" and "Variable-length data"): a descriptor is the length (4 bytes),
   the collection's address (8) and the object's index (4); a collection is
   "GCOL", version 1, its size (8), then objects of index (2), references
   (2), reserved (4), size (8) and the data padded to 8 bytes, up to the
   free space (index 0). Strings in attributes (a few short ones: format,
   kind, names, units) are left to HDF5: the API does not give where their
   descriptors are. */

#define GCOL_MAX ((uint64_t)1 << 30) /* a collection this big is damaged */
#define VLEN_DESC 16                 /* bytes of one descriptor (8-byte addresses) */

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int k = n - 1; k >= 0; k--)
        v = v << 8 | p[k];
    return v;
}

typedef struct {
    int fd;
    uint64_t fsize;
    uint64_t addr; /* of the collection in buf; 0 none */
    unsigned char *buf;
    uint64_t size;
} gheap;

static bool read_at(const gheap *h, void *buf, uint64_t n, uint64_t at)
{
    if (at > h->fsize || n > h->fsize - at)
        return false;
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = pread(h->fd, p, n, (off_t)at);
        if (got <= 0)
            return false;
        p += got, at += (uint64_t)got, n -= (uint64_t)got;
    }
    return true;
}

/* Every object of the collection b (size bytes) lies within it, walked as
   HDF5 walks it (past the free space, index 0, too: a free space of size
   0 makes HDF5 loop forever), and no index comes twice. (Indices may have
   gaps: HDF5 removes the strings a program overwrites.) */
static bool gheap_sound(const unsigned char *b, uint64_t size)
{
    unsigned char seen[65536 / 8] = {0};
    uint64_t p = 16;
    while (p + 16 <= size) {
        uint64_t idx = le(b + p, 2), osize = le(b + p + 8, 8);
        uint64_t need = idx ? 16 + ((osize + 7) & ~(uint64_t)7) : osize;
        if (osize > size - p || need < 16 || need > size - p)
            return false;
        if (idx) {
            if (seen[idx / 8] & (1u << (idx % 8)))
                return false;
            seen[idx / 8] |= (unsigned char)(1u << (idx % 8));
        }
        p += need;
    }
    return true;
}

/* Load and check the collection at addr. */
static bool gheap_load(gheap *h, uint64_t addr)
{
    if (h->buf && h->addr == addr)
        return true;
    free(h->buf);
    h->buf = NULL;
    unsigned char hd[16];
    if (!read_at(h, hd, sizeof hd, addr) || memcmp(hd, "GCOL", 4) || hd[4] != 1)
        return false;
    uint64_t size = le(hd + 8, 8);
    if (size < 16 || size > GCOL_MAX || !(h->buf = noted(malloc(size))) ||
        !read_at(h, h->buf, size, addr) || !gheap_sound(h->buf, size)) {
        free(h->buf);
        h->buf = NULL;
        return false;
    }
    h->addr = addr;
    h->size = size;
    return true;
}

/* Object idx of the loaded (sound) collection has exactly len bytes. */
static bool gheap_has(const gheap *h, uint64_t idx, uint64_t len)
{
    for (uint64_t p = 16; p + 16 <= h->size;) {
        uint64_t i = le(h->buf + p, 2), osize = le(h->buf + p + 8, 8);
        if (i == 0)
            return false;
        if (i == idx)
            return osize == len;
        p += 16 + ((osize + 7) & ~(uint64_t)7);
    }
    return false;
}

/* The largest file whose collections mr_h5r_open checks (heap_scan). */
#define SCAN_MAX ((uint64_t)256 << 20)
#define SCAN_BLOCK ((size_t)1 << 20)

/* Every global heap collection of a file of up to SCAN_MAX bytes is sound
   (gheap_load): those that hold the strings of attributes too, which
   vlen_ok cannot reach. A candidate is "GCOL", version 1, three zero
   bytes: eight bytes that raw data matches by chance once in 2^64. 0; or
   the offset of the first damaged one, plus one. */
static uint64_t heap_scan(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size > SCAN_MAX)
        return 0;
    gheap h = {fd, (uint64_t)st.st_size, 0, NULL, 0};
    unsigned char *b = noted(malloc(SCAN_BLOCK + 8));
    uint64_t bad = 0;
    for (uint64_t at = 0; b && !bad && at < h.fsize; at += SCAN_BLOCK) {
        uint64_t n = h.fsize - at < SCAN_BLOCK + 8 ? h.fsize - at : SCAN_BLOCK + 8;
        if (!read_at(&h, b, n, at))
            break;
        for (uint64_t i = 0; i + 8 <= n && i < SCAN_BLOCK && !bad; i++)
            if (b[i] == 'G' && !memcmp(b + i, "GCOL\1\0\0\0", 8) && !gheap_load(&h, at + i))
                bad = at + i + 1;
    }
    free(b);
    free(h.buf);
    return bad;
}

/* The n descriptors of a contiguous string dataset point to objects of
   their length in sound collections. True also when HDF5 keeps the data
   elsewhere (compact or chunked: not written by minrisk; left to HDF5). */
static bool vlen_ok(hid_t ds, size_t n)
{
    haddr_t off = H5Dget_offset(ds);
    hid_t fid = H5Iget_file_id(ds), fcpl = fid < 0 ? -1 : H5Fget_create_plist(fid);
    size_t sa = 0, ss = 0;
    hsize_t ublock = 0;
    int *fdp = NULL;
    bool ok = fcpl >= 0 && H5Pget_sizes(fcpl, &sa, &ss) >= 0 && sa == 8 &&
              H5Pget_userblock(fcpl, &ublock) >= 0 &&
              H5Fget_vfd_handle(fid, H5P_DEFAULT, (void **)&fdp) >= 0 && fdp;
    struct stat st;
    gheap h = {ok ? *fdp : -1, 0, 0, NULL, 0};
    ok = ok && fstat(h.fd, &st) == 0;
    h.fsize = ok ? (uint64_t)st.st_size : 0;
    unsigned char *d = ok && off != HADDR_UNDEF ? noted(malloc(n ? n * VLEN_DESC : 1)) : NULL;
    if (d && !read_at(&h, d, n * VLEN_DESC, off + ublock))
        ok = false;
    for (size_t i = 0; d && ok && i < n; i++) {
        uint64_t len = le(d + i * VLEN_DESC, 4), addr = le(d + i * VLEN_DESC + 4, 8);
        if (len > 0)
            ok = gheap_load(&h, addr + ublock) && gheap_has(&h, le(d + i * VLEN_DESC + 12, 4), len);
    }
    if (ok && off != HADDR_UNDEF && !d)
        ok = false; /* out of memory: not read unchecked */
    free(d);
    free(h.buf);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (fid >= 0)
        H5Fclose(fid);
    return ok;
}

static char *copy_n(const char *s, size_t n)
{
    char *d = noted(malloc(n + 1));
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

/* The longest fixed-length string read (a damaged size is refused). */
#define FIXED_STR_MAX ((size_t)1 << 20)

/* The n strings (variable- or fixed-length) of an attribute or a dataset
   (is_attr) of exactly n elements into out, each malloc'ed: 0; 1 when a
   variable-length one was NULL (read as ""); -1 not strings, or cannot be
   read; -2 out of memory. */
static int read_strings(hid_t obj, bool is_attr, char **out, size_t n)
{
    hid_t ft = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t sp = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hid_t mt = H5Tcopy(H5T_C_S1);
    /* HDF5 converts no strings between character sets: read as stored */
    bool ok = ft >= 0 && sp >= 0 && mt >= 0 && H5Tget_class(ft) == H5T_STRING &&
              H5Sget_simple_extent_npoints(sp) == (hssize_t)n &&
              H5Tset_cset(mt, H5Tget_cset(ft)) >= 0;
    const bool vlen = ok && H5Tis_variable_str(ft) > 0;
    const size_t size = !ok ? 0 : vlen ? sizeof(char *) : H5Tget_size(ft); /* of one */
    ok = ok && size > 0 && size <= FIXED_STR_MAX && n <= MAX_ELEMENTS;
    ok = ok && (!vlen || is_attr || vlen_ok(obj, n));
    char *buf = ok ? noted(calloc(n * size + 1, 1)) : NULL;
    int rc = ok && !buf ? -2 : 0;
    ok = buf && H5Tset_size(mt, vlen ? H5T_VARIABLE : size) >= 0 &&
         read_all(obj, is_attr, mt, buf) >= 0;
    if (!ok && rc == 0)
        rc = -1;
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
    if (mt >= 0)
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
    hid_t sp = a < 0 ? -1 : H5Aget_space(a), ft = a < 0 ? -1 : H5Aget_type(a);
    hssize_t np = sp < 0 ? -1 : H5Sget_simple_extent_npoints(sp);
    herr_t rc = np == (hssize_t)n && ft >= 0 && numeric_type_ok(ft, mem_type)
                    ? H5Aread(a, mem_type, buf)
                    : -1;
    if (ft >= 0)
        H5Tclose(ft);
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

/* Why a dataset of n elements could not be read: another size, or
   "cannot read" (missing, not of the type, unreadable). */
static int read_failed(mr_h5r *r, hid_t loc, const char *name, size_t n)
{
    long long have = H5Lexists(loc, name, H5P_DEFAULT) > 0 ? mr_h5r_count(loc, name) : -1;
    if (have >= 0 && (unsigned long long)have != n)
        return mr_h5r_damaged_why(r, loc, name, "has %lld value%s, expected %zu", have,
                                  have == 1 ? "" : "s", n);
    return mr_h5r_damaged(r, loc, name);
}

int mr_h5r_read(mr_h5r *r, hid_t loc, const char *name, hid_t mem_type, size_t n, void *buf)
{
    return mr_h5r_get(loc, name, mem_type, n, buf) < 0 ? read_failed(r, loc, name, n) : 0;
}

int mr_h5r_f64(mr_h5r *r, hid_t loc, const char *name, double *buf, size_t n)
{
    return mr_h5r_read(r, loc, name, H5T_NATIVE_DOUBLE, n, buf);
}

void *mr_h5r_read_new(mr_h5r *r, hid_t loc, const char *name, hid_t mem_type, size_t size, size_t n)
{
    if (mr_h5r_count(loc, name) != (long long)n) {
        read_failed(r, loc, name, n);
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
        read_failed(r, loc, name, n);
        return NULL;
    }
    if (n > (size_t)MR_H5R_MAX_STRINGS) {
        mr_h5r_damaged_why(r, loc, name, "has %zu strings, more than any minrisk file holds", n);
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

int mr_h5r_weighted(mr_h5r *r, hid_t loc, int *weighted)
{
    *weighted = 0;
    if (H5Lexists(loc, "importance", H5P_DEFAULT) <= 0)
        return 0;
    return mr_h5r_attr_num(r, loc, "importance", "weighted", H5T_NATIVE_INT, 1, weighted);
}

/* ---- the links of a group ------------------------------------------------------ */

#define MAX_LINKS 100000 /* a group with more is damaged (a run has dozens) */

typedef struct {
    char **names;
    size_t n, cap;
    bool failed;
} link_list;

static herr_t add_link(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g, (void)info;
    link_list *l = data;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **nn = cap > MAX_LINKS ? NULL : noted(realloc(l->names, cap * sizeof *nn));
        if (!nn) {
            l->failed = true;
            return -1;
        }
        l->names = nn;
        l->cap = cap;
    }
    if (!(l->names[l->n] = copy_n(name, strlen(name)))) {
        l->failed = true;
        return -1;
    }
    l->n++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* HDF5 1.10 builds a table of a dense group's links to iterate them in a
   given order, and frees uninitialised pointers when a damaged link stops
   it (a crash on one flipped bit): a dense group is walked in its B-tree's
   own order instead (H5_ITER_NATIVE: increasing creation order; by name,
   hash order, sorted here). */
int mr_h5r_links(hid_t g, char ***names, size_t *n)
{
    link_list l = {NULL, 0, 0, false};
    H5G_info_t gi;
    *names = NULL;
    *n = 0;
    if (H5Gget_info(g, &gi) < 0 || gi.nlinks > MAX_LINKS)
        return -1;
    const bool dense = gi.storage_type == H5G_STORAGE_TYPE_DENSE;
    const H5_iter_order_t order = dense ? H5_ITER_NATIVE : H5_ITER_INC;
    H5_index_t idx = H5_INDEX_CRT_ORDER;
    hsize_t at = 0;
    herr_t rc = H5Literate(g, idx, order, &at, add_link, &l);
    if (rc < 0 && !l.failed && l.n == 0) { /* creation order not tracked */
        idx = H5_INDEX_NAME;
        at = 0;
        rc = H5Literate(g, idx, order, &at, add_link, &l);
    }
    if (rc < 0 || l.failed) {
        mr_h5r_free_strings(l.names, l.n);
        return -1;
    }
    if (dense && idx == H5_INDEX_NAME && l.n > 1)
        qsort(l.names, l.n, sizeof *l.names, by_name);
    *names = l.names;
    *n = l.n;
    return 0;
}

int mr_h5r_printable(mr_h5r *r, char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (s[i] && !(s[i] = mr_printable_own(s[i])))
            return mr_h5r_nomem(r);
    return 0;
}

char *mr_h5r_printable_own(char *s)
{
    return s ? noted(mr_printable_own(s)) : NULL;
}
