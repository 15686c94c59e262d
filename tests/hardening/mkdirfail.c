/* mkdirfail.c - an LD_PRELOAD shim for export_mkdir_failure.sh: when
 * MR_MKDIR_ERRNO is set, mkdir(2) fails with that errno (28 ENOSPC: a
 * full disk; 13 EACCES: a path the user may not write) in a process whose
 * executable is named minrisk (not in the shell or Python around it).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_minrisk(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    const char *base = strrchr(exe, '/');
    return strcmp(base ? base + 1 : exe, "minrisk") == 0;
}

int mkdir(const char *path, mode_t mode)
{
    const char *e = getenv("MR_MKDIR_ERRNO");
    if (e && is_minrisk()) {
        /* read whole: atoi took "x" as 0, a failure with errno 0 that
           tests nothing the script means; a bad value stops the process */
        char *end;
        errno = 0;
        long v = strtol(e, &end, 10);
        if (*e < '1' || *e > '9' || *end || errno || v > 4095) {
            static const char msg[] = "mkdirfail: MR_MKDIR_ERRNO must be an errno in [1, 4095]\n";
            (void)!write(2, msg, sizeof msg - 1);
            _exit(99);
        }
        errno = (int)v;
        return -1;
    }
    int (*real)(const char *, mode_t) = NULL;
    void *sym = dlsym(RTLD_NEXT, "mkdir");
    memcpy(&real, &sym, sizeof real); /* ISO C has no object-to-function cast */
    return real ? real(path, mode) : -1;
}
