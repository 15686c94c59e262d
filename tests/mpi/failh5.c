/* failh5.c - an LD_PRELOAD shim for mpi_write_failures.sh: on the rank
 * MR_FAILH5_RANK (OMPI_COMM_WORLD_RANK, PMI_RANK or PMIX_RANK) every call
 * of MR_FAILH5_CALL on an object named by one of MR_FAILH5_NAME
 * (space-separated, e.g. "/total_loss /trials/total_loss"; "*": any) is
 * made (HDF5's call, with its collective part) and then returns -1 (what
 * it made is closed), as when one rank's part of the call fails on its own
 * (a local I/O error, out of memory in its buffers) and the others'
 * succeed: the caller must still make the collective calls the other
 * ranks make next. (A failure before HDF5's own collective part leaves the
 * others waiting inside HDF5, which no caller can help.) The calls, and
 * how the object is named:
 *   H5Dwrite, H5Dcreate2, H5Dopen2, H5Gcreate2: the object's path;
 *   H5Acreate2, H5Aread: the attribute's name;
 *   H5Pset_coll_metadata_write: "*" (a rank-local call);
 *   H5Pcreate: the class's name with '_' for ' ' ("file_access",
 *   "data_transfer", "file_create": H5Pget_class_name's);
 *   H5Fcreate (the file is left open, its id lost), access(2) (ENOENT, as
 *   a file on another node's disk): the start of the file's name
 *   ("o.h5.tmp." for o.h5.tmp.<pid>).
 * The first MR_FAILH5_SKIP (default 0) matching calls are HDF5's. Any
 * other process, rank, call or object: HDF5's (libc's).
 * HDF5 1.10's hid_t and herr_t are declared here, so that the shim needs
 * no HDF5 headers.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef int64_t hid_t;
typedef int herr_t;

/* HDF5's, as hdf5.h declares them. */
herr_t H5Dwrite(hid_t ds, hid_t mtype, hid_t ms, hid_t fs, hid_t dxpl, const void *buf);
hid_t H5Dcreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t lcpl, hid_t dcpl,
                 hid_t dapl);
hid_t H5Dopen2(hid_t loc, const char *name, hid_t dapl);
hid_t H5Gcreate2(hid_t loc, const char *name, hid_t lcpl, hid_t gcpl, hid_t gapl);
hid_t H5Acreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t acpl, hid_t aapl);
herr_t H5Aread(hid_t attr, hid_t type, void *buf);
hid_t H5Fcreate(const char *file, unsigned flags, hid_t fcpl, hid_t fapl);
herr_t H5Pset_coll_metadata_write(hid_t fapl, _Bool on);
hid_t H5Pcreate(hid_t cls);
int access(const char *path, int mode);

/* The real function `name` of the library after this one. */
static void *real(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "failh5: no %s\n", name);
        abort();
    }
    return f;
}

/* Is call `call` on this rank, and is `what` (a path, a file or an
   attribute name) one of MR_FAILH5_NAME ("*": any)? */
static int fails_on(const char *call, const char *what)
{
    const char *want = getenv("MR_FAILH5_RANK"), *which = getenv("MR_FAILH5_CALL");
    const char *names = getenv("MR_FAILH5_NAME"), *rank = getenv("OMPI_COMM_WORLD_RANK");
    if (!rank)
        rank = getenv("PMI_RANK");
    if (!rank)
        rank = getenv("PMIX_RANK");
    if (!want || !which || !names || !rank || strcmp(want, rank) || strcmp(which, call))
        return 0;
    const size_t len = strlen(what);
    for (const char *p = names; *p;) {
        size_t k = strcspn(p, " ");
        if ((k == 1 && *p == '*') || (k == len && !strncmp(p, what, k))) {
            /* the first MR_FAILH5_SKIP matching calls are HDF5's */
            static long seen;
            const char *skip = getenv("MR_FAILH5_SKIP");
            return seen++ >= (skip ? atol(skip) : 0);
        }
        p += k + (p[k] == ' ');
    }
    return 0;
}

/* Is call `call` on the object at path (parent's path and name, or NULL:
   the object id's) to fail on this rank? */
static int fails(const char *call, hid_t id, const char *name)
{
    const char *which = getenv("MR_FAILH5_CALL");
    if (!which || strcmp(which, call))
        return 0;
    ssize_t (*get_name)(hid_t, char *, size_t);
    void *f = real("H5Iget_name");
    memcpy(&get_name, &f, sizeof f); /* POSIX's object-to-function pointer */
    char path[1024];
    ssize_t n = get_name(id, path, sizeof path);
    if (n < 0 || (size_t)n >= sizeof path)
        return 0;
    if (name && snprintf(path + n, sizeof path - (size_t)n, "%s%s", n > 1 ? "/" : "", name) >=
                    (int)(sizeof path - (size_t)n))
        return 0;
    return fails_on(call, path);
}

/* HDF5's close function `name` on id. */
static void close_id(const char *name, hid_t id)
{
    herr_t (*close)(hid_t);
    void *p = real(name);
    memcpy(&close, &p, sizeof p);
    close(id);
}

herr_t H5Dwrite(hid_t ds, hid_t mtype, hid_t ms, hid_t fs, hid_t dxpl, const void *buf)
{
    herr_t (*f)(hid_t, hid_t, hid_t, hid_t, hid_t, const void *);
    void *p = real("H5Dwrite");
    memcpy(&f, &p, sizeof p);
    herr_t rc = f(ds, mtype, ms, fs, dxpl, buf);
    return fails("H5Dwrite", ds, NULL) ? -1 : rc;
}

hid_t H5Dcreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t lcpl, hid_t dcpl,
                 hid_t dapl)
{
    hid_t (*f)(hid_t, const char *, hid_t, hid_t, hid_t, hid_t, hid_t);
    void *p = real("H5Dcreate2");
    memcpy(&f, &p, sizeof p);
    hid_t ds = f(loc, name, type, space, lcpl, dcpl, dapl);
    if (ds < 0 || !fails("H5Dcreate2", loc, name))
        return ds;
    close_id("H5Dclose", ds);
    return -1;
}

hid_t H5Dopen2(hid_t loc, const char *name, hid_t dapl)
{
    hid_t (*f)(hid_t, const char *, hid_t);
    void *p = real("H5Dopen2");
    memcpy(&f, &p, sizeof p);
    hid_t ds = f(loc, name, dapl);
    if (ds < 0 || !fails("H5Dopen2", loc, name))
        return ds;
    close_id("H5Dclose", ds);
    return -1;
}

hid_t H5Gcreate2(hid_t loc, const char *name, hid_t lcpl, hid_t gcpl, hid_t gapl)
{
    hid_t (*f)(hid_t, const char *, hid_t, hid_t, hid_t);
    void *p = real("H5Gcreate2");
    memcpy(&f, &p, sizeof p);
    hid_t g = f(loc, name, lcpl, gcpl, gapl);
    if (g < 0 || !fails("H5Gcreate2", loc, name))
        return g;
    close_id("H5Gclose", g);
    return -1;
}

/* attributes: by their name */
hid_t H5Acreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t acpl, hid_t aapl)
{
    hid_t (*f)(hid_t, const char *, hid_t, hid_t, hid_t, hid_t);
    void *p = real("H5Acreate2");
    memcpy(&f, &p, sizeof p);
    hid_t a = f(loc, name, type, space, acpl, aapl);
    if (a < 0 || !fails_on("H5Acreate2", name))
        return a;
    close_id("H5Aclose", a);
    return -1;
}

herr_t H5Aread(hid_t attr, hid_t type, void *buf)
{
    herr_t (*f)(hid_t, hid_t, void *);
    void *p = real("H5Aread");
    memcpy(&f, &p, sizeof p);
    herr_t rc = f(attr, type, buf);
    ssize_t (*get_name)(hid_t, size_t, char *);
    p = real("H5Aget_name");
    memcpy(&get_name, &p, sizeof p);
    char name[256];
    ssize_t n = get_name(attr, sizeof name, name);
    if (n < 0 || (size_t)n >= sizeof name)
        return rc;
    return fails_on("H5Aread", name) ? -1 : rc;
}

/* a file: by the start of its name ("o.h5.tmp." for o.h5.tmp.<pid>) */
static int file_fails(const char *call, const char *file)
{
    const char *slash = strrchr(file, '/'), *names = getenv("MR_FAILH5_NAME");
    char base[1024];
    snprintf(base, sizeof base, "%s", slash ? slash + 1 : file);
    for (const char *p = names ? names : ""; *p;) {
        size_t k = strcspn(p, " ");
        if (k < strlen(base) && !strncmp(p, base, k)) {
            base[k] = '\0';
            break;
        }
        p += k + (p[k] == ' ');
    }
    return fails_on(call, base);
}

/* H5Fcreate's file is left open, its id lost */
hid_t H5Fcreate(const char *file, unsigned flags, hid_t fcpl, hid_t fapl)
{
    hid_t (*f)(const char *, unsigned, hid_t, hid_t);
    void *p = real("H5Fcreate");
    memcpy(&f, &p, sizeof p);
    hid_t id = f(file, flags, fcpl, fapl);
    return id >= 0 && file_fails("H5Fcreate", file) ? -1 : id;
}

/* a property list's call, after HDF5's: a rank-local failure before the
   first collective call of a file (MR_FAILH5_NAME "*") */
herr_t H5Pset_coll_metadata_write(hid_t fapl, _Bool on)
{
    herr_t (*f)(hid_t, _Bool);
    void *p = real("H5Pset_coll_metadata_write");
    memcpy(&f, &p, sizeof p);
    herr_t rc = f(fapl, on);
    return fails_on("H5Pset_coll_metadata_write", "*") ? -1 : rc;
}

/* a file this rank cannot see (a path on one node's disk): access's
   answer, by the start of the file's name */
int access(const char *path, int mode)
{
    int (*f)(const char *, int);
    void *p = real("access");
    memcpy(&f, &p, sizeof p);
    if (!file_fails("access", path))
        return f(path, mode);
    errno = ENOENT;
    return -1;
}

/* property lists: by their class's name, ' ' as '_' */
hid_t H5Pcreate(hid_t cls)
{
    hid_t (*f)(hid_t);
    void *p = real("H5Pcreate");
    memcpy(&f, &p, sizeof p);
    hid_t pl = f(cls);
    char *(*class_name)(hid_t);
    p = real("H5Pget_class_name");
    memcpy(&class_name, &p, sizeof p);
    char *name = pl < 0 ? NULL : class_name(cls);
    if (!name)
        return pl;
    for (char *c = name; *c; c++)
        *c = *c == ' ' ? '_' : *c;
    const int fail = fails_on("H5Pcreate", name);
    herr_t (*free_memory)(void *);
    p = real("H5free_memory");
    memcpy(&free_memory, &p, sizeof p);
    free_memory(name);
    if (!fail)
        return pl;
    close_id("H5Pclose", pl);
    return -1;
}
