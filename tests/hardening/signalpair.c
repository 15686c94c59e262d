/* signalpair.c - an LD_PRELOAD shim for run_signal_order.sh: the process
 * sends itself two signals, in the order MINRISK_TEST_SIGNALS names them
 * ("TERM INT", "INT TERM", "HUP USR1", ...), each delivered before the
 * next is sent. The moment: the first pthread_sigmask(SIG_SETMASK) after the
 * flock(2) of the output's lock file (OUTPUT.lock, sim/cmd/outpath.c),
 * which is where the run unblocks SIGINT, SIGTERM and SIGHUP again; the
 * run has not simulated yet, and stops where it would stop on a signal
 * mid-simulation. Raised while they were still blocked, both would wait
 * and come in signal-number order, not in the order sent.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int locked, done;

int flock(int fd, int op)
{
    int (*real)(int, int) = NULL;
    void *sym = dlsym(RTLD_NEXT, "flock");
    memcpy(&real, &sym, sizeof real); /* ISO C has no object-to-function cast */
    char link[64], name[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, name, sizeof name - 1);
    if (n > 5 && memcmp(name + n - 5, ".lock", 5) == 0)
        locked = 1;
    return real ? real(fd, op) : -1;
}

static int signal_named(const char *s)
{
    return !strcmp(s, "INT")    ? SIGINT
           : !strcmp(s, "TERM") ? SIGTERM
           : !strcmp(s, "HUP")  ? SIGHUP
           : !strcmp(s, "USR1") ? SIGUSR1
                                : 0;
}

/* pthread_sigmask: out/stopsig.c's since 2026-12-06 (sigprocmask before) */
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    int (*real)(int, const sigset_t *, sigset_t *) = NULL;
    void *sym = dlsym(RTLD_NEXT, "pthread_sigmask");
    memcpy(&real, &sym, sizeof real);
    int rc = real ? real(how, set, old) : -1;
    const char *env = getenv("MINRISK_TEST_SIGNALS");
    if (rc == 0 && locked && !done && how == SIG_SETMASK && env) {
        done = 1;
        char buf[64];
        snprintf(buf, sizeof buf, "%s", env);
        for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
            if (signal_named(t))
                raise(signal_named(t)); /* delivered before raise returns */
    }
    return rc;
}
