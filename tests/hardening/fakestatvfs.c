/* fakestatvfs.c - an LD_PRELOAD shim for output_checkpoint_space.sh: when
 * MR_FAKE_FREE_BYTES is set, statvfs(2) reports that many bytes free to
 * unprivileged users (f_bavail, in blocks of f_frsize) on every file
 * system, as a nearly full scratch disk would; the other fields are the
 * real ones. fstatvfs (the write's own check) is left alone.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

static void fake(struct statvfs *vs)
{
    const char *b = getenv("MR_FAKE_FREE_BYTES");
    if (b && vs->f_frsize > 0)
        vs->f_bavail = (fsblkcnt_t)(strtoull(b, NULL, 10) / vs->f_frsize);
}

int statvfs(const char *path, struct statvfs *vs)
{
    int (*real)(const char *, struct statvfs *) = NULL;
    void *sym = dlsym(RTLD_NEXT, "statvfs");
    memcpy(&real, &sym, sizeof real); /* ISO C has no object-to-function cast */
    int rc = real ? real(path, vs) : -1;
    if (rc == 0)
        fake(vs);
    return rc;
}
