/* stopsig.c - the signals that stop a command (stopsig.h). */
#define _POSIX_C_SOURCE 200809L /* sigprocmask */

#include "out/stopsig.h"

#include <stddef.h>

void mr_stopsig_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

void mr_stopsig_block(sigset_t *old)
{
    sigset_t s;
    mr_stopsig_set(&s);
    sigprocmask(SIG_BLOCK, &s, old);
}

void mr_stopsig_restore(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}
