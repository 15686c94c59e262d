/* renamesignal.c - an LD_PRELOAD shim for output_signal_after_rename.sh:
 * right after a rename(2) that gives a result file its name (from
 * "NAME.tmp.<pid>" to NAME) succeeds, the process sends itself SIGINT, as
 * a Ctrl-C that arrives in the last instant of a write would. Every other
 * rename is glibc's alone.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int rename(const char *from, const char *to)
{
    int (*real)(const char *, const char *) = NULL;
    void *sym = dlsym(RTLD_NEXT, "rename");
    memcpy(&real, &sym, sizeof real); /* ISO C has no object-to-function cast */
    int rc = real ? real(from, to) : -1;
    size_t n = strlen(to);
    if (rc == 0 && strncmp(from, to, n) == 0 && strncmp(from + n, ".tmp.", 5) == 0)
        raise(SIGINT);
    return rc;
}
