/* sumstats.h - every statistic of /summary (docs/OUTPUT.md), computed from
 * a run's results spread across ranks (dstats.h).
 *
 * Collective: every rank passes its own mr_results (its contiguous trial
 * range, out/results.h) and gets the same mr_sumstats, bit for bit the one a
 * single rank holding all trials would get. Per-rank memory beyond the
 * results: a few columns of the rank's trials and the rank's keys of one
 * variable at a time, plus the summary itself.
 */
#ifndef MR_SUMSTATS_H
#define MR_SUMSTATS_H

#include "out/comm.h"
#include "out/results.h"
#include "out/format.h"

#include <stdint.h>

/* Statistics of one loss variable over the trials. */
typedef struct {
    double mean, sd, se;
    double q[MR_OUTPUT_NQUANTILES], ci_lo[MR_OUTPUT_NQUANTILES], ci_hi[MR_OUTPUT_NQUANTILES];
    double es[MR_OUTPUT_NES];
} mr_loss_stats;

typedef struct mr_sumstats {
    uint64_t ntrials; /* N of the run */
    int nsectors, nminerals, steps;

    mr_loss_stats total;
    mr_loss_stats *sector_loss;        /* [S] GL + XC, the headline */
    mr_loss_stats *sector_gva_loss;    /* [S] GL */
    mr_loss_stats *sector_output_loss; /* [S] OL (gross output, secondary) */
    mr_loss_stats *sector_extra_cost;  /* [S] */

    uint64_t hist_count[MR_OUTPUT_HIST_BINS];
    double hist_edges[MR_OUTPUT_HIST_BINS + 1];

    double aal, aal_se, return_period_loss[MR_OUTPUT_NRP];
    double *sector_aal, *sector_aal_se; /* [S] */
    double *sector_return_period_loss;  /* [S * NRP] */

    double *mineral_shortage_prob;           /* [M] */
    double *mineral_shortfall_mean_avg;      /* [M] */
    double *mineral_shortfall_months_avg;    /* [M] */
    double *mineral_stockpile_empty_prob;    /* [M] */
    double *mineral_price_peak_avg;          /* [M] */
    double *sector_inoperability_peak_avg;   /* [S] */
    double *sector_inoperability_months_avg; /* [S] */

    double *inoperability_band; /* [T * S * NBANDS] */
    double *price_ratio_band;   /* [T * M * NBANDS] */
    /* the upper tail at mr_output_tail_bands (0.9, 0.99) */
    double *inoperability_tail_band; /* [T * S * NTAIL_BANDS] */
    double *price_ratio_tail_band;   /* [T * M * NTAIL_BANDS] */
    /* given a disruption at the step (q >= MR_OUTPUT_DISRUPTED_Q): the
       fraction of trials so disrupted, and the quantiles of q over them at
       mr_output_bands (NaN when no trial is) */
    double *inoperability_disrupted_prob; /* [T * S] */
    double *inoperability_disrupted_band; /* [T * S * NBANDS] */

    /* importance sampling (docs/OUTPUT.md "Weighted estimators"): with
       weights (res->weight) the effective sample size, the largest weight's
       share and the mean weight; weighted = 1 when some weight is not 1,
       and then every statistic above but the histogram and the bands (the
       tilted sample's) is its weighted form, the quantile intervals of the
       total loss and the return periods are bootstrap intervals (those of
       the sectors NaN), and the ES and return-period intervals below are
       set (NaN otherwise) */
    int has_weights, weighted;
    double ess, weight_max_share, weight_mean;
    double total_es_ci_lo[MR_OUTPUT_NES], total_es_ci_hi[MR_OUTPUT_NES];
    double rp_ci_lo[MR_OUTPUT_NRP], rp_ci_hi[MR_OUTPUT_NRP];
} mr_sumstats;

/* Compute every statistic (collective over c; NULL = this process alone).
   res must hold the rank's contiguous range of whole blocks (as
   mr_engine_run leaves it). Returns 0, or -1 on every rank when any rank
   ran out of memory (out is then empty). */
int mr_sumstats_compute(const mr_comm *c, const mr_results *res, mr_sumstats *out);

void mr_sumstats_free(mr_sumstats *s);

/* The weighted forms of s's statistics from res->weight (wsumstats.c;
   collective; called by mr_sumstats_compute when res has weights). Every
   rank gathers one variable of all trials at a time. 0, or -1 on every
   rank when any rank ran out of memory. */
int mr_sumstats_reweight(const mr_comm *c, const mr_results *res, mr_sumstats *s);

/* This rank's sector column j of kind 0 (GL + XC), 1 (GL), 2 (OL) or 3
   (XC) into col[0 .. res->ntrials - 1]. */
void mr_sumstats_sector_column(const mr_results *res, int kind, size_t j, double *col);

/* Bootstrap resamples of the weighted intervals (docs/OUTPUT.md). */
#define MR_SUMSTATS_BOOTSTRAP 400

/* The arrays of s for S sectors, M minerals, T steps (N trials), not
   filled: 0, or -1 (nothing left allocated). Not collective. */
int mr_sumstats_alloc(mr_sumstats *s, uint64_t N, int nsectors, int nminerals, int steps);

/* The band quantiles of s from res's time-band histograms (collective;
   res needs only its dimensions and bands). */
int mr_sumstats_bands(const mr_comm *c, const mr_results *res, mr_sumstats *s);

/* The steps of one slice of mr_sumstats_bands: whole steps of at most
   MR_BAND_SLICE_COUNTS counts, at least 1 and at most T (the memory check
   counts the slice, sim/engine.c). */
size_t mr_sumstats_band_slice_steps(size_t T, size_t S, size_t M);

#endif
