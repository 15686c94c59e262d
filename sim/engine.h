/* engine.h - the Monte Carlo driver: trials in, per-trial results out
 * (out/results.h). Blocks of trials go to OpenMP threads and MPI ranks
 * (sim/engine.c); each trial is the step loop of sim/trial.c.
 */
#ifndef MR_ENGINE_H
#define MR_ENGINE_H

#include "models/scenario.h"
#include "models/status.h"
#include "out/comm.h"
#include "out/results.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A counterfactual (issue 5, attribution): disruptions switched off while
   every random stream stays where it is, so the run shares its random
   numbers with the original trial by trial. Indices are those of
   mr_model_build (sim/model.h). */
typedef struct {
    const unsigned char *proc_off;    /* [nproc] 1 = the process never occurs; NULL = none */
    const unsigned char *mineral_off; /* [M] 1 = no occurrence hits the mineral; NULL = none */
} mr_counterfactual;

typedef struct {
    int threads;                             /* 0 = OpenMP default */
    bool progress;                           /* print a progress line on stderr (rank 0 only) */
    double progress_every;                   /* > 0: a whole line every so many seconds (batch
                                                logs); 0: one line rewritten in place */
    const mr_comm *comm;                     /* ranks sharing the run; NULL = this process alone */
    double pause_seconds;                    /* > 0: stop scheduling blocks after this many seconds
                                                of a call and return 2 (for periodic checkpoints) */
    const unsigned char *skip_block;         /* [nblocks of the run] 1 = done already
                                                (resumed run; the caller fills its rows
                                                after mr_engine_run returns); NULL = none */
    const mr_counterfactual *counterfactual; /* NULL = the scenario as it is */
    double analysis_bytes;     /* memory this rank needs after the simulation (the analyses of
                                  sim/studies/run_extras.h: mr_run_extras_bytes), counted in
                                  the up-front memory check of mr_engine_run; 0 = none. An
                                  estimate, as a double: a sweep's later variants can take
                                  more than 2^64 bytes */
    const char *analysis_what; /* what analysis_bytes is, in the refusal's message; NULL =
                                  "analysis" */
    bool tilt_counts;          /* also keep each process's occurrences and exposure per trial
                                  (res->tilt_count, tilt_expo: the cross-entropy pilots of
                                  sim/importance.c) */
    const char *advice;        /* what the memory check's refusal advises when the trials do
                                  not fit; NULL = "use fewer trials or more ranks" */
    bool memory_checked;       /* the caller has checked the memory of this run and of those
                                  that run beside it (mr_engine_runs_that_fit): no check of
                                  this run's own */
} mr_engine_opts;

/* Run this rank's share of sc->trials trials of sc with seed sc->seed
   (collective over opts->comm). Returns MR_OK; MR_INTERRUPTED if
   mr_engine_interrupt was called (on any rank; the blocks finished so far
   are marked in res->block_done); MR_PAUSED after opts->pause_seconds
   (continue with mr_engine_continue); MR_FAILED with err filled: more than
   MR_MAX_TRIALS trials, out of memory, or, before any trial, an estimate
   of the memory the run takes on a rank (results, thread workspaces,
   statistics and opts->analysis_bytes) above what the process may still
   take (sim/memory.h); MR_BAD_INPUT with err filled when a trial gave a
   non-finite result (mr_results_find_nonfinite; the scenario's values are
   too large), res freed. */
mr_status mr_engine_run(const mr_scenario *sc, const mr_engine_opts *opts, mr_results *res,
                        mr_run_info *info, mr_error *err);

/* How many runs of sc (sc->trials trials, one thread and its own results
   each, on this process alone: the rows of an uncertainty study) fit at
   once in the memory this process may still take (sim/memory.h), from
   `most` down to 1, each with `each` bytes the caller takes beside the
   run's results (an uncertainty row's sort of its losses), beside `beside`
   bytes the caller holds through the runs (an uncertainty study's [2N x L]
   losses; beside_what names both in the refusal, as
   mr_engine_opts.analysis_what); they then run with
   opts->memory_checked. 0 when not
   even one fits, with *rc and err: mr_engine_run's refusal of one run.
   advice: the refusal's, as mr_engine_opts.advice (more ranks do not
   shrink such a run). Collective over comm (each rank counts its own). So that how many rows
   run, and whether the study runs at all, do not depend on which rows the
   threads happen to start together: until 2026-12-06 each row checked
   alone, all passed together, and later rows were refused mid-study, for 4
   threads and not for 1. */
int mr_engine_runs_that_fit(const mr_scenario *sc, int most, double each, double beside,
                            const char *beside_what, const char *advice, const mr_comm *comm,
                            mr_status *rc, mr_error *err);

/* The memory mr_engine_run's results of sc take on this rank of comm (the
   per-trial arrays of its share of sc->trials and the bands), as its
   up-front memory check counts them: bytes. */
double mr_engine_results_bytes(const mr_scenario *sc, const mr_comm *comm);

/* output.trials: none without holding the trials (out/stats/stream.h):
   pass 1 runs this rank's blocks as mr_engine_run does, each block into a
   thread's rows of MR_BLOCK_TRIALS trials given to the stream, and further
   passes replay them (the trials are deterministic) until the stream has
   every statistic; about 2 to 3 times the run time of mr_engine_run, and
   memory independent of the trial count. res gets the dimensions, the
   rank's trial range and the bands but no per-trial arrays; *st the stream
   (mr_stream_sumstats; tails & 1: the attribution's tails too, tails & 2:
   the summary's bootstrap tails (mr_summary_errors_collect_stream); free with
   mr_stream_free); info->verification is set (summed over ranks).
   opts->pause_seconds, skip_block and counterfactual are not used. Same
   return values as mr_engine_run, without MR_PAUSED; on failure res and *st
   are freed. Collective. */
struct mr_stream;
mr_status mr_engine_stream(const mr_scenario *sc, const mr_engine_opts *opts, int tails,
                           mr_results *res, struct mr_stream **st, mr_run_info *info,
                           mr_error *err);

/* Run the blocks of res (from an mr_engine_run that returned MR_PAUSED)
   still to do. Same return values as mr_engine_run. Collective. */
mr_status mr_engine_continue(const mr_scenario *sc, const mr_engine_opts *opts, mr_results *res,
                             mr_run_info *info, mr_error *err);

/* Where a per-trial result is not finite. */
typedef struct {
    uint64_t trial; /* global trial number */
    int var;        /* index in mr_trial_vars */
    size_t col;     /* column of the variable (mr_cols) */
    double value;   /* inf, -inf or NaN */
} mr_nonfinite;

/* The first value of rows lo .. hi - 1 of res that is infinite, or NaN
   where NaN means nothing (mineral_stockpile_empty_month is NaN when the
   stockpile never ran empty), in trial order, then variable order, then
   column: 1 with *at filled, or 0 when every value is finite. One pass over
   the rows. */
int mr_results_find_nonfinite(const mr_results *res, uint64_t lo, uint64_t hi, mr_nonfinite *at);

/* err->msg = "SCENARIO: trial 1234: sector_output_loss[automotive] is
   inf (...)": the value at, its columns named from sc and res's shape. */
void mr_nonfinite_message(const mr_scenario *sc, const mr_results *res, const mr_nonfinite *at,
                          mr_error *err);

/* Ask a running engine to stop soon (async-signal-safe). */
void mr_engine_interrupt(void);

/* 1 once mr_engine_interrupt has been called (also after the engine
   returned): for the work a command does after the simulation. */
int mr_engine_interrupted(void);

/* The progress line of a run or a study (rank 0's first thread prints it,
   when its options ask for one): on a terminal (every = 0) one line
   rewritten in place every half second; with every > 0 (--progress
   SECONDS, for batch jobs' logs) a whole line "minrisk: ..." every so many
   seconds. mr_progress_due: whether a line is due at time t, the last at
   `last`; mr_progress_print: the line, end = 1 for the closing one (on a
   terminal it ends the line in place). */
int mr_progress_due(double every, double t, double last);
void mr_progress_print(double every, int end, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
