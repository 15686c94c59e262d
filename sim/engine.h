/* engine.h - the Monte Carlo driver: trials in, per-trial results out.
 *
 * Per-trial results are stored in arrays indexed by trial (row-major, trial
 * first), so any thread may compute any trial and the arrays, and therefore
 * every statistic reduced from them in trial order, are identical for any
 * thread count. Time bands are integer histograms, summed exactly.
 */
#ifndef MR_ENGINE_H
#define MR_ENGINE_H

#include "comm.h"
#include "scenario.h"

#include <stdint.h>

/* Time-band histograms (MODEL §9). Bin k holds values in
   [(k - 0.5) w, (k + 0.5) w) and stands for k w; values outside are clamped
   into the end bins. */
#define MR_BAND_Q_BINS 1001     /* sector inoperability q in [0, 1], w = 0.001 */
#define MR_BAND_Q_WIDTH 0.001
#define MR_BAND_Y_BINS 801      /* ln price ratio y in [-3, 5], w = 0.01 (P/P0 0.05x..148x) */
#define MR_BAND_Y_WIDTH 0.01
#define MR_BAND_Y_MIN (-3.0)    /* centre of bin 0 */

/* Trials per block: the unit of scheduling over threads and ranks, of
   checkpoints, and of the partial sums of statistics. Fixed, so that no
   result depends on the number of workers. */
#define MR_BLOCK_TRIALS 1024

/* The per-trial arrays hold this rank's trials only: global trials
   first_trial .. first_trial + ntrials - 1 of ntrials_total. A rank's range
   always starts at a multiple of MR_BLOCK_TRIALS. Time bands are totals over
   this rank's trials (sum them over ranks for the run's bands). */
typedef struct {
    uint64_t ntrials;       /* N local: rows in the arrays below */
    uint64_t first_trial;   /* global index of row 0 */
    uint64_t ntrials_total; /* N of the whole run */
    int nsectors;     /* S */
    int nminerals;    /* M */
    int years;        /* H */
    int steps;        /* T = H * steps_per_year */

    /* per trial; GBP unless said otherwise */
    double *total_loss;         /* [N]      sum over sectors of output loss + extra cost */
    double *sector_output_loss; /* [N*S]    OL_j */
    double *sector_extra_cost;  /* [N*S]    XC_j (negative when prices fall) */
    double *annual_loss;        /* [N*H]    total loss per calendar year of the horizon */
    double *sector_annual_loss; /* [N*H*S]  OL_j + XC_j per year, [(i*H + y)*S + j] */
    double *mineral_shortfall_mean;  /* [N*M] mean over steps of u_m, fraction of demand */
    double *mineral_shortfall_peak;  /* [N*M] max over steps of u_m, fraction */
    double *mineral_shortfall_months;/* [N*M] months with u_m > 1% */
    double *mineral_price_peak;      /* [N*M] max over steps of P/P0, ratio */
    double *mineral_stockpile_empty_month; /* [N*M] month (from 0) the stockpile first
                                              ran empty; NaN if never or no stockpile */
    double *sector_inoperability_peak;   /* [N*S] max over steps of q_j, fraction */
    double *sector_inoperability_months; /* [N*S] months with q_j > 5% */

    /* blocks of this rank: global blocks first_block .. first_block + nblocks - 1 */
    uint64_t first_block;
    uint64_t nblocks;
    unsigned char *block_done; /* [nblocks] 1 once the block's rows are final */
    uint64_t trials_run;       /* trials computed by the engine calls so far (all ranks) */
    int calls;                 /* engine calls so far (a paused run continues) */

    /* time bands: counts over all trials */
    uint64_t *band_q; /* [T*S*MR_BAND_Q_BINS], [(t*S + j)*BINS + k] */
    uint64_t *band_y; /* [T*M*MR_BAND_Y_BINS], [(t*M + m)*BINS + k] */
} mr_results;

/* Run-time facts that may differ between identical runs (go to /run_info). */
typedef struct {
    int threads; /* OpenMP threads per rank */
    int ranks;   /* MPI ranks (1 in the serial build) */
    double wall_seconds;
    double trials_per_second;
    uint64_t random_words; /* 32-bit Philox words drawn by the whole run */
    double analysis_seconds; /* after the simulation (attribution, event table,
                                counterfactual runs); 0 from the engine, set by
                                the caller */
} mr_run_info;

/* A counterfactual (issue 5, attribution): disruptions switched off while
   every random stream stays where it is, so the run shares its random
   numbers with the original trial by trial. Indices are those of
   mr_model_build (sim/model.h). */
typedef struct {
    const unsigned char *proc_off;    /* [nproc] 1 = the process never occurs; NULL = none */
    const unsigned char *mineral_off; /* [M] 1 = no occurrence hits the mineral; NULL = none */
} mr_counterfactual;

typedef struct {
    int threads;          /* 0 = OpenMP default */
    bool progress;        /* print a progress line on stderr (rank 0 only) */
    const mr_comm *comm;  /* ranks sharing the run; NULL = this process alone */
    double pause_seconds; /* > 0: stop scheduling blocks after this many seconds
                             of a call and return 2 (for periodic checkpoints) */
    const unsigned char *skip_block; /* [nblocks of the run] 1 = done already
                                        (resumed run; the caller fills its rows
                                        after mr_engine_run returns); NULL = none */
    const mr_counterfactual *counterfactual; /* NULL = the scenario as it is */
} mr_engine_opts;

int mr_results_alloc(mr_results *r, uint64_t ntrials, int nsectors, int nminerals, int years,
                     int steps);
void mr_results_free(mr_results *r);

/* Run this rank's share of sc->trials trials of sc with seed sc->seed
   (collective over opts->comm). Returns 0; 1 if interrupted (on any rank; the
   blocks finished so far are marked in res->block_done); 2 if paused after
   opts->pause_seconds (continue with mr_engine_continue)
   (mr_engine_interrupt was called); -1 on failure with err filled. */
int mr_engine_run(const mr_scenario *sc, const mr_engine_opts *opts, mr_results *res,
                  mr_run_info *info, mr_error *err);

/* Run the blocks of res (from an mr_engine_run that returned 2) still to
   do. Same return values as mr_engine_run. Collective. */
int mr_engine_continue(const mr_scenario *sc, const mr_engine_opts *opts, mr_results *res,
                       mr_run_info *info, mr_error *err);

/* Ask a running engine to stop soon (async-signal-safe). */
void mr_engine_interrupt(void);

/* 1 once mr_engine_interrupt has been called (also after the engine
   returned): for the work a command does after the simulation. */
int mr_engine_interrupted(void);

/* One disruption occurrence of a trial (MODEL §3). */
typedef struct {
    uint64_t trial;
    int process;            /* index in mr_model_build's process list */
    int first_step, nsteps; /* active steps first_step .. first_step + nsteps - 1 */
    double start_years;     /* tau */
    double duration_months; /* d, before the cut at the horizon */
    double severity;        /* s, fraction of the supply withheld */
} mr_occurrence_record;

/* What happened in one trial, step by step (for `explain` and the tail
   attribution). Filled by mr_replayer_run; every array [T * M] or [T * S],
   laid out [t * M + m] / [t * S + j]. */
typedef struct {
    int M, S, T;
    int nocc, cap;
    mr_occurrence_record *occ; /* in the order they were sampled */
    double *availability; /* [T*M] A_m(t), both stages */
    double *gap;          /* [T*M] g_m(t), fraction of demand */
    double *release;      /* [T*M] stockpile release R_m(t), fraction of demand */
    double *level;        /* [T*M] stockpile level after the step, months of demand */
    double *u;            /* [T*M] net shortfall u_m(t) */
    double *ratio;        /* [T*M] price ratio P/P0 */
    double *c;            /* [T*S] direct inoperability c_j(t) */
    double *q;            /* [T*S] inoperability q_j(t) */
    double *output_loss;  /* [T*S] GBP in the step */
    double *extra_cost;   /* [T*S] GBP in the step */
} mr_trace;

int mr_trace_alloc(mr_trace *tr, int M, int S, int T);
void mr_trace_free(mr_trace *tr);

/* Replays single trials of a scenario: the same code as a run, so a
   replayed trial's results are bit for bit the run's row. One thread. */
typedef struct mr_replayer mr_replayer;

/* NULL on failure with err filled. cf may be NULL; its masks are read at
   each replay (the caller may change them between replays). */
mr_replayer *mr_replayer_new(const mr_scenario *sc, const mr_counterfactual *cf, mr_error *err);
void mr_replayer_free(mr_replayer *rp);
/* The compiled model (process names, kinds, countries). */
const void *mr_replayer_model(const mr_replayer *rp); /* const mr_model * */

/* Re-run trial `trial` (0 <= trial < 2^32) with the scenario's seed: its
   results into row 0 of row (allocated with mr_results_alloc(row, 1, ...)),
   and when tr != NULL its trace (tr->nocc reset first). Returns 0, -1 if
   out of memory recording the trace. */
int mr_replayer_run(mr_replayer *rp, uint64_t trial, mr_results *row, mr_trace *tr);

/* Only the disruption occurrences of trials lo .. hi-1, appended to tr->occ
   in trial order (cheap: no supply or prices). Returns 0 or -1 (memory). */
int mr_replayer_occurrences(mr_replayer *rp, uint64_t lo, uint64_t hi, mr_trace *tr);

#endif
