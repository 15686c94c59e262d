/* results.h - what a run produces: the per-trial results of this rank's
 * trials and the time-band histograms (mr_results), and the facts of the
 * run itself (mr_run_info).
 *
 * The per-trial variables are listed once, in MR_TRIAL_VARS below; the
 * struct, its allocation, the checkpoint, the writer, the readers and the
 * CSV export all work from that list, so adding a variable is one line
 * there (and its computation in sim/trial.c).
 *
 * Arrays are indexed by trial (row-major, trial first), so any thread may
 * compute any trial and the arrays, and therefore every statistic reduced
 * from them in trial order, are identical for any thread count. Time bands
 * are integer histograms, summed exactly.
 */
#ifndef MR_RESULTS_H
#define MR_RESULTS_H

#include <stddef.h>
#include <stdint.h>

/* Time-band histograms (MODEL §9). Bin k holds values in
   [(k - 0.5) w, (k + 0.5) w) and stands for k w; values outside are clamped
   into the end bins. */
#define MR_BAND_Q_BINS 1001 /* sector inoperability q in [0, 1], w = 0.001 */
#define MR_BAND_Q_WIDTH 0.001
#define MR_BAND_Y_BINS 801 /* ln price ratio y in [-3, 5], w = 0.01 (P/P0 0.05x..148x) */
#define MR_BAND_Y_WIDTH 0.01
#define MR_BAND_Y_MIN (-3.0) /* centre of bin 0 */
/* The most band counts summed over ranks or moved to or from a file at
   once (16 MiB): on a long grid the bands are most of a run's memory, so
   the statistics and the checkpoint work on slices, never a whole copy. */
#define MR_BAND_SLICE_COUNTS ((size_t)1 << 21)

/* Trials per block: the unit of scheduling over threads and ranks, of
   checkpoints, and of the partial sums of statistics. Fixed, so that no
   result depends on the number of workers. */
#define MR_BLOCK_TRIALS 1024

/* Columns of a per-trial variable, per trial. */
typedef enum {
    MR_COLS_ONE,         /* [N]      one value */
    MR_COLS_SECTOR,      /* [N*S]    per sector */
    MR_COLS_MINERAL,     /* [N*M]    per mineral */
    MR_COLS_YEAR,        /* [N*H]    per year of the horizon */
    MR_COLS_YEAR_SECTOR, /* [N*H*S]  per year and sector, [(i*H + y)*S + j] */
} mr_cols;

/* Where a variable goes beyond the checkpoint (which keeps them all). */
#define MR_VAR_FILE 1   /* a dataset of /trials (output.trials: all) */
#define MR_VAR_TOTALS 2 /* kept with output.trials: totals too */

/* The per-trial variables (MODEL §8), in the order of /trials:
   X(name, columns, units, where, CSV column (its unit in the name; "" =
   none of its own), description). GBP unless said otherwise. */
#define MR_TRIAL_VARS(X)                                                                           \
    X(total_loss, MR_COLS_ONE, "GBP", MR_VAR_FILE | MR_VAR_TOTALS, "total_loss_gbp_m",             \
      "headline loss over the horizon: sum over sectors of value added lost (output lost where "   \
      "a sector has no gva_gbp) and extra input cost (docs/MODEL.md §8)")                          \
    X(total_gva_loss, MR_COLS_ONE, "GBP", MR_VAR_FILE | MR_VAR_TOTALS, "gva_loss_gbp_m",           \
      "value added lost over the horizon, sum over sectors of GL_j, without extra cost "           \
      "(docs/MODEL.md §8)")                                                                        \
    X(sector_gva_loss, MR_COLS_SECTOR, "GBP", MR_VAR_FILE, "gva_loss_gbp_m",                       \
      "value added lost GL_j = sum_t q_j(t) V_j dt over the horizon (docs/MODEL.md §8)")           \
    X(sector_output_loss, MR_COLS_SECTOR, "GBP", MR_VAR_FILE, "output_loss_gbp_m",                 \
      "gross output (turnover) lost OL_j = sum_t q_j(t) Y_j dt over the horizon, a secondary "     \
      "figure (MODEL §8)")                                                                         \
    X(sector_extra_cost, MR_COLS_SECTOR, "GBP", MR_VAR_FILE, "extra_cost_gbp_m",                   \
      "extra input cost XC_j = sum_t sum_m XC_mj(t) over the horizon: on what the sector buys "    \
      "at the market price (docs/MODEL.md §6m), w_mj dt f_mj(t) (exp(y_m(t)) - 1) for a mineral " \
      "without a market, plus any offtake premium (§3u); negative when prices fall (MODEL §8)")    \
    X(annual_loss, MR_COLS_YEAR, "GBP", MR_VAR_FILE | MR_VAR_TOTALS, "loss_gbp_m",                 \
      "headline loss (all sectors, GL + XC) in each calendar year of the horizon")                 \
    X(sector_annual_loss, MR_COLS_YEAR_SECTOR, "GBP", MR_VAR_FILE, "loss_gbp_m",                   \
      "headline loss GL_j + XC_j of each sector in each calendar year of the horizon")             \
    X(mineral_shortfall_mean, MR_COLS_MINERAL, "1", MR_VAR_FILE, "shortfall_mean_fraction",        \
      "mean over steps of the net national shortfall u_m(t), fraction of demand")                  \
    X(mineral_shortfall_peak, MR_COLS_MINERAL, "1", MR_VAR_FILE, "shortfall_peak_fraction",        \
      "maximum over steps of the net national shortfall u_m(t), fraction of demand")               \
    X(mineral_shortfall_months, MR_COLS_MINERAL, "months", MR_VAR_FILE, "shortfall_months",        \
      "months with u_m(t) > 1% of demand")                                                         \
    X(mineral_price_peak, MR_COLS_MINERAL, "1", MR_VAR_FILE, "price_peak_ratio",                   \
      "maximum over steps of the price ratio P_m(t)/P0_m")                                         \
    X(mineral_stockpile_empty_month, MR_COLS_MINERAL, "months", MR_VAR_FILE,                       \
      "stockpile_empty_at_months",                                                                 \
      "month from the start (0 = first month) in which the strategic stockpile first ran "         \
      "empty; NaN if it never did or there is no stockpile")                                       \
    X(mineral_price_peak_market, MR_COLS_MINERAL, "1", MR_VAR_FILE, "price_peak_market_ratio",     \
      "maximum over steps of the price ratio without the noise term: the clearing price "          \
      "(market) or the scarcity premium (v1)")                                                     \
    X(mineral_home_price_peak, MR_COLS_MINERAL, "1", MR_VAR_FILE, "home_price_peak_ratio",         \
      "maximum over steps of the home price ratio of a country restricting exports: the noise "    \
      "term alone while an exports-scope event is active on the mineral's product stage, else "    \
      "the open-market price")                                                                     \
    X(mineral_market_loss_peak, MR_COLS_MINERAL, "1", MR_VAR_FILE, "market_loss_peak_fraction",    \
      "maximum over steps of the open market's supply loss 1 - A_m(t), fraction of its demand")    \
    X(mineral_stock_drawn_peak, MR_COLS_MINERAL, "months", MR_VAR_FILE, "stock_drawn_peak_months", \
      "maximum over steps of commercial stock drawn below its rest level, months of demand "       \
      "(0 without a market)")                                                                      \
    X(mineral_demand_destroyed, MR_COLS_MINERAL, "months", MR_VAR_FILE, "demand_destroyed_months", \
      "open-market demand not consumed, 1 - served x D(p*) (given up at the clearing price, and "  \
      "rationed on the guard), summed over steps, months of demand (0 without a market)")          \
    X(mineral_consumption_fall_peak, MR_COLS_MINERAL, "1", MR_VAR_FILE,                            \
      "consumption_fall_peak_fraction",                                                            \
      "maximum over steps of 1 - served x D(p*): the fall of what the open market consumes, "      \
      "fraction of its normal demand (0 without a market)")                                        \
    X(mineral_price_mean, MR_COLS_MINERAL, "1", MR_VAR_FILE, "price_mean_ratio",                   \
      "mean over steps of the price ratio P_m(t)/P0_m")                                            \
    X(mineral_market_short_months, MR_COLS_MINERAL, "months", MR_VAR_FILE, "market_short_months",  \
      "months in which the open market lost more than 1% of its supply (1 - A_m(t) > 0.01)")       \
    X(mineral_scarce_months, MR_COLS_MINERAL, "months", MR_VAR_FILE, "scarce_months",              \
      "months in which the open market's clearing price was at least twice its reference "         \
      "(exp(p*) >= 2: a shortage that moved the price; 0 without a market)")                       \
    X(mineral_control_actions, MR_COLS_MINERAL, "1", MR_VAR_FILE, "control_actions",               \
      "occurrences of exports-scope events (export controls) that hit the mineral, certain "       \
      "ones included, not those by a country with no share of the stage it controls")              \
    X(mineral_guard_months, MR_COLS_MINERAL, "months", MR_VAR_FILE, "guard_months",                \
      "months in which the price sat on max_multiple, the numerical guard (market) or cap (v1)")   \
    X(sector_inoperability_peak, MR_COLS_SECTOR, "1", MR_VAR_FILE, "inoperability_peak_fraction",  \
      "maximum over steps of the inoperability q_j(t), fraction of output")                        \
    X(sector_inoperability_months, MR_COLS_SECTOR, "months", MR_VAR_FILE, "inoperability_months",  \
      "months with q_j(t) > 5%")

/* The per-trial arrays hold this rank's trials only: global trials
   first_trial .. first_trial + ntrials - 1 of ntrials_total. A rank's range
   always starts at a multiple of MR_BLOCK_TRIALS. Time bands are totals over
   this rank's trials (sum them over ranks for the run's bands). */
typedef struct {
    uint64_t ntrials;       /* N local: rows in the arrays below */
    uint64_t first_trial;   /* global index of row 0 */
    uint64_t ntrials_total; /* N of the whole run */
    int nsectors;           /* S */
    int nminerals;          /* M */
    int years;              /* H */
    int steps;              /* T = H * steps_per_year */

    /* per trial, one array per variable of MR_TRIAL_VARS */
#define MR_X_FIELD(name, cols, units, where, csv, description) double *name;
    MR_TRIAL_VARS(MR_X_FIELD)
#undef MR_X_FIELD

    /* blocks of this rank: global blocks first_block .. first_block + nblocks - 1 */
    uint64_t first_block;
    uint64_t nblocks;
    unsigned char *block_done; /* [nblocks] 1 once the block's rows are final */
    uint64_t trials_run;       /* trials computed by the engine calls so far (all ranks) */
    int calls;                 /* engine calls so far (a paused run continues) */

    /* importance sampling (docs/MODEL.md §12i), NULL without a tilt: the
       likelihood ratio w_i of each trial's disruptions ([ntrials]); and,
       for the cross-entropy pilot stages, each process's occurrences and
       exposure (integral of its untilted rate's regime factor, years) in
       each trial ([ntrials * ntilt]) */
    double *weight;
    double *tilt_count, *tilt_expo;
    int ntilt;
    int tilt_years; /* 1; H with a year focus: [ntrials * ntilt * H], by year */

    /* time bands: counts over all trials */
    uint64_t *band_q; /* [T*S*MR_BAND_Q_BINS], [(t*S + j)*BINS + k] */
    uint64_t *band_y; /* [T*M*MR_BAND_Y_BINS], [(t*M + m)*BINS + k] */
} mr_results;

/* One per-trial variable, as listed in MR_TRIAL_VARS. */
typedef struct {
    const char *name;
    size_t offset; /* of its double * in mr_results */
    mr_cols cols;
    const char *units;
    unsigned where; /* MR_VAR_FILE, MR_VAR_TOTALS */
    const char *csv;
    const char *description;
} mr_trial_var;

/* The variables of MR_TRIAL_VARS, in order; MR_NTRIAL_VARS of them. */
#define MR_X_COUNT(...) +1
enum { MR_NTRIAL_VARS = 0 MR_TRIAL_VARS(MR_X_COUNT) };
#undef MR_X_COUNT
extern const mr_trial_var mr_trial_vars[MR_NTRIAL_VARS];

/* The array of variable v in r (const and non-const). */
double *mr_results_var(mr_results *r, const mr_trial_var *v);
const double *mr_results_cvar(const mr_results *r, const mr_trial_var *v);

/* Values per trial of a variable of `cols` with S sectors, M minerals, H years. */
size_t mr_cols_count(mr_cols cols, int S, int M, int H);

/* Run-time facts that may differ between identical runs (go to /run_info),
   except the verification number, which may not. */
typedef struct {
    int threads; /* OpenMP threads per rank */
    int ranks;   /* MPI ranks (1 in the serial build) */
    double wall_seconds;
    double trials_per_second;
    uint64_t random_words;   /* 32-bit Philox words drawn by the whole run */
    double analysis_seconds; /* after the simulation (attribution, event table,
                                counterfactual runs); 0 from the engine, set by
                                the caller */
    uint64_t verification;   /* mr_results_verification of the run, summed over
                                ranks; 0 = not computed. The same for any thread
                                and rank count (a test pins it) */
} mr_run_info;

/* This rank's share of the verification number of a run: a sum, modulo
   2^64, of one 64-bit hash of every per-trial value (its bits, its variable,
   its global trial and its column). Integer sums do not depend on the
   order, so the run's number, the sum over ranks, is the same for any
   number of threads and ranks, and any change to any value changes it. */
uint64_t mr_results_verification(const mr_results *r);

/* Allocate the arrays of N trials (zeroed) and the bands; 0, or -1 when out
   of memory (nothing left allocated). */
int mr_results_alloc(mr_results *r, uint64_t ntrials, int nsectors, int nminerals, int years,
                     int steps);
/* The arrays of N trials alone, without the bands (NULL): a block or a
   replayed row, whose trials count their bands in the thread's workspace
   (sim/trial.h), not in the results. */
int mr_results_alloc_rows(mr_results *r, uint64_t ntrials, int nsectors, int nminerals, int years,
                          int steps);
void mr_results_free(mr_results *r);

#endif
