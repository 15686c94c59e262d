/* stopsig.c - the signals that stop a command (stopsig.h). */
#define _POSIX_C_SOURCE 200809L /* pthread_sigmask, sigaction */

#include "out/stopsig.h"

#include <omp.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static const int stop_sigs[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
                                SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU};

void mr_stopsig_set(sigset_t *set)
{
    sigemptyset(set);
    for (size_t k = 0; k < sizeof stop_sigs / sizeof stop_sigs[0]; k++)
        sigaddset(set, stop_sigs[k]);
}

void mr_stopsig_block(sigset_t *old)
{
    sigset_t s;
    mr_stopsig_set(&s);
    pthread_sigmask(SIG_BLOCK, &s, old);
}

void mr_stopsig_restore(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

void mr_stopsig_catch(int sig, void (*handler)(int), const sigset_t *mask)
{
    struct sigaction sa, old;
    if (sig != SIGINT && sig != SIGQUIT && sigaction(sig, NULL, &old) == 0 &&
        old.sa_handler == SIG_IGN)
        return; /* ignored by whoever started us: a handler of ours is never SIG_IGN */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    if (mask)
        sa.sa_mask = *mask;
    else
        sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

void mr_stopsig_worker(void)
{
    static _Thread_local bool blocked;
    if (blocked || omp_get_thread_num() == 0)
        return;
    /* thread 0 of a region is the thread that met it: the main thread (no
       nested regions) */
    sigset_t s;
    mr_stopsig_set(&s);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    blocked = true;
}

void mr_stopsig_catch_all(void (*handler)(int), const sigset_t *mask)
{
    for (size_t k = 0; k < sizeof stop_sigs / sizeof stop_sigs[0]; k++)
        mr_stopsig_catch(stop_sigs[k], handler, mask);
}
