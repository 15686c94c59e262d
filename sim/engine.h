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
} mr_run_info;

typedef struct {
    int threads;          /* 0 = OpenMP default */
    bool progress;        /* print a progress line on stderr (rank 0 only) */
    const mr_comm *comm;  /* ranks sharing the run; NULL = this process alone */
    double pause_seconds; /* > 0: stop scheduling blocks after this many seconds
                             of a call and return 2 (for periodic checkpoints) */
    const unsigned char *skip_block; /* [nblocks of the run] 1 = done already
                                        (resumed run; the caller fills its rows
                                        after mr_engine_run returns); NULL = none */
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

#endif
