/* stopsig_worker.h - mr_stopsig_worker alone, for the files with OpenMP
 * parallel regions: they need no <signal.h> and no POSIX feature macro
 * (tests/layout/feature_macros.sh), which out/stopsig.h's sigset_t would
 * ask of them. The signals and why workers block them: out/stopsig.h. */
#ifndef MR_STOPSIG_WORKER_H
#define MR_STOPSIG_WORKER_H

/* In an OpenMP parallel region, on every thread: a worker (not the main
   thread) blocks the eight stop signals for the rest of its life; one
   system call per thread, the later calls a test of a flag. */
void mr_stopsig_worker(void);

#endif
