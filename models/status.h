/* status.h - how every function of minrisk reports failure: an mr_status
 * and, where a user must read it, an mr_error line. Only the command line
 * (sim/cmd/main.c) turns a status into an exit code.
 */
#ifndef MR_STATUS_H
#define MR_STATUS_H

/* The outcome of an operation. Failures are negative, so `if (rc < 0)`
   asks "did it fail?"; the positive values are ways of stopping early that
   are not failures. */
typedef enum {
    MR_OK = 0,
    MR_INTERRUPTED = 1,  /* stopped by a signal (mr_engine_interrupt); nothing written */
    MR_PAUSED = 2,       /* the engine stopped after opts->pause_seconds; continue it */
    MR_BAD_INPUT = -1,   /* the user's input is wrong (exit status 2) */
    MR_FAILED = -2,      /* anything else: out of memory, a disk error (exit status 1) */
    MR_CHECKPOINTED = 3, /* stopped on request with a checkpoint written; resume it (exit 75) */
} mr_status;

#define MR_ERRMSG_MAX 1024

/* An error a user can act on, one line: "file:line:col: key.path: message"
   for a scenario, "path: reason" for a file. */
typedef struct {
    char msg[MR_ERRMSG_MAX];
} mr_error;

/* GSL's error handler off between mr_gsl_quiet_begin and mr_gsl_quiet_end,
   so that a GSL failure (a matrix that will not factor) comes back as a
   return value, not GSL's default abort; then the caller's handler again.
   The handler is one global of GSL's: these count the brackets open on any
   thread, so threads that build models at once (the replays of run
   --events, the rows of an uncertainty study) can neither lose the caller's
   handler nor turn it back on under one another. Brackets nest. */
void mr_gsl_quiet_begin(void);
void mr_gsl_quiet_end(void);

#endif
