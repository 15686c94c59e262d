/* failh5.c - an LD_PRELOAD shim for mpi_failures.sh: on the rank
 * MR_FAILH5_RANK (OMPI_COMM_WORLD_RANK, PMI_RANK or PMIX_RANK) every call
 * of HDF5's MR_FAILH5_CALL (H5Dwrite or H5Dcreate2) on a dataset whose
 * path is one of MR_FAILH5_NAME (space-separated, e.g. "/total_loss
 * /trials/total_loss") is made (HDF5's call, with its collective part)
 * and then returns -1 (H5Dcreate2 closes the dataset it made), as when
 * one rank's part of the call fails on its own (a local I/O error, out of
 * memory in its buffers) and the others' succeed: the caller must still
 * make the collective calls the other ranks make next. (A failure before
 * HDF5's own collective part leaves the others waiting inside HDF5, which
 * no caller can help.) Any other process, rank, call or dataset: HDF5's.
 * HDF5 1.10's hid_t and herr_t are declared here, so that the shim needs
 * no HDF5 headers.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
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

/* Is call `call` on the dataset at path (parent's path and name, or
   NULL: the object id's) to fail on this rank? */
static int fails(const char *call, hid_t id, const char *name)
{
    const char *want = getenv("MR_FAILH5_RANK"), *which = getenv("MR_FAILH5_CALL");
    const char *names = getenv("MR_FAILH5_NAME"), *rank = getenv("OMPI_COMM_WORLD_RANK");
    if (!rank)
        rank = getenv("PMI_RANK");
    if (!rank)
        rank = getenv("PMIX_RANK");
    if (!want || !which || !names || !rank || strcmp(want, rank) || strcmp(which, call))
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
    const size_t len = strlen(path);
    for (const char *p = names; *p;) {
        size_t k = strcspn(p, " ");
        if (k == len && !strncmp(p, path, k))
            return 1;
        p += k + (p[k] == ' ');
    }
    return 0;
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
    herr_t (*close)(hid_t);
    p = real("H5Dclose");
    memcpy(&close, &p, sizeof p);
    close(ds);
    return -1;
}
