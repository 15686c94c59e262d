/* stopsig.h - the signals that stop a command (docs/OUTPUT.md, "Signals"):
 * SIGINT (Ctrl-C), SIGTERM, SIGHUP (a dropped session), SIGQUIT (Ctrl-\),
 * SIGUSR1, SIGUSR2, SIGALRM and SIGXCPU (a CPU-time limit: the kernel's
 * RLIMIT_CPU, LSF's and Grid Engine's soft limits, before SIGKILL). Every
 * command that writes catches them all, so that none kills it with its
 * lock file, a temporary file or half an output left behind (until
 * 2026-12-06 only the first three were caught; SIGUSR1 by `run` alone).
 *
 * A step that must not be cut in two by their handlers runs with them
 * blocked: a lock file made and recorded as held (sim/cmd/outpath.c), a
 * file made and recorded for the undo of an export (out/export),
 * report.py started and recorded for forwarding (sim/cmd/report.c). One
 * that comes meanwhile waits, and is delivered when the previous mask is
 * restored.
 *
 * Threads: a mask is a thread's own (pthread_sigmask), and the kernel
 * hands a signal sent to the process to any thread that does not block
 * it. OpenMP's worker threads are made with the main thread's mask, so
 * they do not block these signals, and a signal that came while the main
 * thread blocked them ran its handler at once on a worker, beside the
 * step it was to wait for. Each worker therefore blocks them for good
 * (mr_stopsig_worker, at the top of every parallel region): they reach
 * the main thread alone, and a handler always interrupts it, never runs
 * beside it.
 */
#ifndef MR_STOPSIG_H
#define MR_STOPSIG_H

#include <signal.h>

/* *set = the eight signals above. */
void mr_stopsig_set(sigset_t *set);

/* Block the eight in the calling thread (the previous mask into *old) /
   restore *old. */
void mr_stopsig_block(sigset_t *old);
void mr_stopsig_restore(const sigset_t *old);

/* Catch sig with handler, the signals of mask blocked while it runs (NULL:
   none). A signal ignored when the program started stays ignored (nohup's
   SIGHUP: until 2026-12-06 a `nohup minrisk run` was interrupted by the
   hang-up nohup is there to ignore), but for SIGINT and SIGQUIT, which a
   shell ignores in every command a script starts with `&`, where a
   `kill -INT` must still stop it. */
void mr_stopsig_catch(int sig, void (*handler)(int), const sigset_t *mask);

/* mr_stopsig_catch of each of the eight. */
void mr_stopsig_catch_all(void (*handler)(int), const sigset_t *mask);

#include "out/stopsig_worker.h" /* mr_stopsig_worker */

#endif
