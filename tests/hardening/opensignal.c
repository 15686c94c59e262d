/* opensignal.c - an LD_PRELOAD shim for output_signals_handled.sh and
 * init_atomic.sh: right
 * after the first open(2) that creates a file whose name ends in ".lock"
 * (MINRISK_TEST_AT=lock: an output's lock file, sim/cmd/outpath.c) or
 * holds ".tmp" (MINRISK_TEST_AT=tmp: a result file's, a CSV's or init's
 * temporary, out/h5/h5w.c, out/export/csv.c, sim/cmd/init.c), the process sends itself
 * the signal MINRISK_TEST_SIGNAL names (QUIT, USR1, USR2, ALRM, XCPU,
 * INT, TERM, HUP), as one that comes in that instant would. Without the
 * variables, and for every later open, glibc's alone. Only a relative
 * path counts (the test names its outputs so): in the MPI build, the
 * singleton MPI_Init starts Open MPI's daemon, which inherits the shim and
 * creates /tmp/ompi.HOST.UID/.../dstore_sm.lock; the signal killed it and
 * MPI_Init failed ("Unable to start a daemon on the local node").
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static int signal_named(const char *s)
{
    static const struct {
        const char *name;
        int sig;
    } t[] = {{"QUIT", SIGQUIT}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"ALRM", SIGALRM},
             {"XCPU", SIGXCPU}, {"INT", SIGINT},   {"TERM", SIGTERM}, {"HUP", SIGHUP}};
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        if (!strcmp(s, t[k].name))
            return t[k].sig;
    return 0;
}

int open(const char *path, int flags, ...)
{
    static int done;
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    int (*real)(const char *, int, ...) = NULL;
    void *sym = dlsym(RTLD_NEXT, "open");
    memcpy(&real, &sym, sizeof real); /* ISO C has no object-to-function cast */
    int fd = real ? real(path, flags, mode) : -1;
    const char *s = getenv("MINRISK_TEST_SIGNAL"), *at = getenv("MINRISK_TEST_AT");
    size_t n = strlen(path);
    int hit = path[0] == '/'              ? 0
              : at && !strcmp(at, "lock") ? n > 5 && !strcmp(path + n - 5, ".lock")
              : at && !strcmp(at, "tmp")  ? strstr(path, ".tmp") != NULL
                                          : 0;
    if (fd >= 0 && (flags & O_CREAT) && !done && s && hit && signal_named(s)) {
        done = 1;
        raise(signal_named(s));
    }
    return fd;
}
