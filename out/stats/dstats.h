/* dstats.h - exact statistics over trials spread across ranks.
 *
 * Each rank holds a contiguous range of the run's trials that starts at a
 * multiple of MR_BLOCK_TRIALS (out/results.h), so the run's blocks of
 * MR_BLOCK_TRIALS trials are never split between ranks. On that layout:
 *
 * - Sums are block-ordered: the elements of each block (all elements of its
 *   trials, in index order) are summed from 0.0, then the block partials are
 *   gathered (mr_comm_allgather_f64: rank order is block order) and summed
 *   from 0.0 in block order. The result depends only on the values and the
 *   block size, never on the number of ranks or threads; for up to
 *   MR_BLOCK_TRIALS trials it is the plain index-order sum.
 * - Order statistics are found by a distributed radix selection on the
 *   order-preserving keys of stats.h (mr_stats_key): one 16-bit then six
 *   8-bit digits, most significant first, with integer counts summed over
 *   ranks (mr_comm_sum_u64). Every wanted rank of a variable is found in the
 *   same 7 passes; values equal those of a full sort. No rank ever holds
 *   more than its own values (plus, at worst, their keys).
 * - Counts are exact integer sums; minima and maxima are exact.
 *
 * Every function is collective over c (NULL = this process alone): all ranks
 * call it in the same order with the same arguments apart from their own
 * data, and all get the same results. A failure (out of memory on any rank)
 * is reported by every rank (-1), so the ranks stay in step.
 */
#ifndef MR_DSTATS_H
#define MR_DSTATS_H

#include "out/comm.h"

#include <stddef.h>
#include <stdint.h>

/* A variable of this rank's trials: element e (0 <= e < per_trial) of local
   trial i (0 <= i < ntrials) is x[(i * per_trial + e) * stride]. The run has
   ntrials_total trials, so ntrials_total * per_trial elements, in the order
   (trial, e). */
typedef struct {
    const double *x;
    size_t ntrials;         /* local trials (may be 0) */
    size_t per_trial;       /* elements per trial, >= 1 */
    size_t stride;          /* >= 1 */
    uint64_t ntrials_total; /* over all ranks */
} mr_dvar;

/* Elements of the whole run: ntrials_total * per_trial. */
uint64_t mr_dvar_count(const mr_dvar *v);

/* Blocks of MR_BLOCK_TRIALS trials: this rank's, and the run's. */
size_t mr_dvar_local_blocks(const mr_dvar *v);
uint64_t mr_dvar_total_blocks(const mr_dvar *v);

/* Block-ordered sums of k quantities from this rank's block partials,
   partial[b * k + q] for local block b (nblocks of them) and quantity q:
   out[q] = 0.0 + P_0q + P_1q + ... over the run's nblocks_total blocks in
   block order. Gathers at most about 4 Mi doubles at a time. */
int mr_dstats_reduce_blocks(const mr_comm *c, const double *partial, size_t nblocks,
                            uint64_t nblocks_total, size_t k, double *out);

/* Block-ordered sum of every element, for nv variables (one collective). */
int mr_dstats_sums(const mr_comm *c, const mr_dvar *v, size_t nv, double *sum);

/* Mean (block-ordered sum / count; NaN when there is no element) and
   standard deviation, divisor count - 1, two passes (block-ordered sum of
   (x - mean)^2, formed again scaled where it overflows: out/stats/sumsq.h;
   NaN when count < 2), for nv variables. sd may be NULL. */
int mr_dstats_moments(const mr_comm *c, const mr_dvar *v, size_t nv, double *mean, double *sd);

/* Elements x > threshold (NaN is not), and elements that are NaN. */
int mr_dstats_count_above(const mr_comm *c, const mr_dvar *v, size_t nv, double threshold,
                          uint64_t *count);
int mr_dstats_count_nan(const mr_comm *c, const mr_dvar *v, size_t nv, uint64_t *count);

/* The order statistics X_(ranks[t]) (1-based over the whole run, any order,
   repeats allowed) into out[t]; a rank outside [1, count] gives NaN. NaNs
   rank last, -0.0 before +0.0: the values of a full sort
   (mr_stats_sort_copy). */
int mr_dstats_select(const mr_comm *c, const mr_dvar *v, const uint64_t *ranks, size_t nranks,
                     double *out);

/* For each of nt thresholds: the block-ordered sum and the count of the
   elements strictly above it (NaN never is); and the count of NaN elements.
   What the expected shortfall needs beyond X_(k) (mr_stats_es_tail). */
int mr_dstats_tail(const mr_comm *c, const mr_dvar *v, const double *thresholds, size_t nt,
                   double *sum_gt, uint64_t *count_gt, uint64_t *count_nan);

/* The digit d whose bin of the counts h[0..nbins-1] holds the *rem-th
   element (1-based, counting from bin 0); *rem becomes its rank within
   that bin. A step of the radix selection (mr_dstats_select,
   out/stats/stream.h). */
size_t mr_dstats_pick_digit(const uint64_t *h, size_t nbins, uint64_t *rem);

/* Expected shortfall at the nlev levels p (stats.h, mr_stats_es_sorted) from
   xk[l] = X_(mr_stats_rank(count, p[l])) (found by mr_dstats_select): NaN
   when any element is NaN or there is none. */
int mr_dstats_es(const mr_comm *c, const mr_dvar *v, const double *p, const double *xk, size_t nlev,
                 double *es);

/* Loss at the np return periods R from annual losses (stats.h,
   mr_stats_return_period_sorted): X_(rank(count, 1 - 1/R)); NaN when
   R <= 1 or count < R. */
int mr_dstats_return_periods(const mr_comm *c, const mr_dvar *v, const double *periods, size_t np,
                             double *out);

/* Histogram of the finite elements into nbins equal bins from the run's
   minimum to maximum finite value (stats.h, mr_stats_histogram). */
int mr_dstats_histogram(const mr_comm *c, const mr_dvar *v, size_t nbins, uint64_t *counts,
                        double *edges);

#endif
