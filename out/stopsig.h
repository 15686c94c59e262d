/* stopsig.h - the signals that stop a command: SIGINT (Ctrl-C), SIGTERM
 * and SIGHUP (a dropped session). A step that must not be cut in two by
 * their handlers runs with them blocked: a lock file made and recorded as
 * held (sim/cmd/outpath.c), a file made and recorded for the undo of an
 * export (out/export), report.py started and recorded for forwarding
 * (sim/cmd/report.c). One that comes meanwhile waits, and is delivered
 * when the previous mask is restored. One process (sigprocmask).
 */
#ifndef MR_STOPSIG_H
#define MR_STOPSIG_H

#include <signal.h>

/* *set = {SIGINT, SIGTERM, SIGHUP}. */
void mr_stopsig_set(sigset_t *set);

/* Block the three (the previous mask into *old) / restore *old. */
void mr_stopsig_block(sigset_t *old);
void mr_stopsig_restore(const sigset_t *old);

#endif
