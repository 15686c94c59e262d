/* flocksignal.c - an LD_PRELOAD shim for export_signal_in_lock.sh: right
 * after the first flock(2) of a file whose name ends in ".lock" (an
 * output's lock file, OUTPUT.lock or DIR.lock, sim/cmd/outpath.c) the
 * process sends itself SIGHUP, as a dropped session would in that instant:
 * after the lock file was created, before the command records it as held.
 * Every other flock (HDF5's file locking) is glibc's alone.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int flock(int fd, int op)
{
    static int done;
    int (*real)(int, int) = NULL;
    void *sym = dlsym(RTLD_NEXT, "flock");
    memcpy(&real, &sym, sizeof real); /* ISO C has no object-to-function cast */
    int rc = real ? real(fd, op) : -1;
    char link[64], name[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, name, sizeof name - 1);
    if (!done && n > 5 && memcmp(name + n - 5, ".lock", 5) == 0) {
        done = 1;
        raise(SIGHUP);
    }
    return rc;
}
