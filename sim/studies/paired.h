/* paired.h - paired statistics of two scenarios run on common random
 * numbers (MODEL §12): the change in mean, VaR, ES and the 1-in-100 annual
 * loss, each with a 95% confidence interval from the per-trial differences,
 * and the variance reduction the pairing buys (docs/STUDIES.md "Compare").
 *
 * Pure computation on arrays: no HDF5, no global state. Statistics are the
 * estimators of stats.h (docs/OUTPUT.md "Estimators"). The bootstrap draws
 * from its own Philox stream (rng.h), one counter per resample, and may run
 * on several OpenMP threads and MPI ranks: the result is the same bit for
 * bit for any thread and rank count.
 */
#ifndef MR_PAIRED_H
#define MR_PAIRED_H

#include "out/comm.h"

#include <stddef.h>
#include <stdint.h>

/* z of a two-sided 95% normal interval: Phi^-1(0.975). */
#define MR_PAIRED_Z95 1.959963984540054
/* Return period of the annual-loss statistic, years. */
#define MR_PAIRED_RETURN_PERIOD 100.0

/* Fewest bootstrap resamples for an interval (fewer: NaN); intervals of a
   tail statistic also need at least 10 values beyond its level (so VaR and
   ES 99 need 1,000 trials). */
#define MR_PAIRED_MIN_BOOT 100

typedef struct {
    double est, lo, hi;
} mr_ci; /* estimate and 95% interval */

enum {
    MR_PAIRED_MEAN,
    MR_PAIRED_VAR95,
    MR_PAIRED_VAR99,
    MR_PAIRED_ES99,
    MR_PAIRED_ANNUAL100,
    MR_PAIRED_NSTAT
};

/* "mean","var95","var99","es99","annual_1in100" */
extern const char *const mr_paired_stat_names[MR_PAIRED_NSTAT];

typedef struct {
    mr_ci diff[MR_PAIRED_NSTAT]; /* statistic of y minus the same statistic of x */
    double a[MR_PAIRED_NSTAT], b[MR_PAIRED_NSTAT]; /* the statistic of x and of y */
    double vrf; /* variance-reduction factor: (var x + var y) / var(y - x); +inf when var(y-x) = 0
                   and the numerator > 0; 1 when both are 0 */
} mr_paired;

/* x[i*stride], y[i*stride], i < n: per-trial losses of the same trials under two scenarios (GBP).
   ax[i*astride + k], ay[...], k < years: per-trial annual losses (for the 1-in-100 annual loss =
   the return-period 100 loss of out/stats.h mr_stats_return_period_sorted over the n*years annual
   values); ax/ay may be NULL (then the ANNUAL100 entries are NaN). nboot bootstrap resamples of the
   n trials (whole trials, so a trial's years go together), drawn from the Philox stream keyed by
   (seed, stream name "bootstrap/<label>") with out/../sim/rng.h; the same inputs give the same
   intervals bit for bit. VaR/ES/quantiles exactly as out/stats.h defines them
   (mr_stats_quantile_sorted, mr_stats_es_sorted). Mean CI: est +- 1.959963984540054 *
   sd(y-x)/sqrt(n). Bootstrap CIs: percentile intervals of the resampled differences. Returns 0, -1
   out of memory.

   In detail:
   - a[s], b[s]: the statistic s of x and of y (stats.h, single-array
     sums in index order); diff[s].est = b[s] - a[s].
   - MEAN interval: diff.est -+ z sd(d) / sqrt(n), d_i = y_i - x_i, sd with
     divisor n - 1 (NaN when n < 2).
   - VAR95, VAR99, ES99, ANNUAL100 intervals: resample r = 0 .. nboot-1
     draws n trial indices uniformly with replacement (its multinomial
     counts: mr_paired_resample_counts), recomputes the statistic of x and
     of y on the resampled trials (the same trials for both: paired) and
     takes their difference D_r; the interval is [Q(0.025), Q(0.975)] of
     D_0 .. D_{nboot-1} with Q the quantile of stats.h (for nboot = 1000:
     the 25th and the 975th smallest). NaN when nboot < 1 or the estimate
     is NaN.
   - ANNUAL100 is NaN when ax or ay is NULL, years == 0 or n * years < 100.
   - vrf: NaN when n < 2.
   - One-sample form: x == NULL (and ax ignored) stands for a series of
     zeros, so a[s] = 0, diff[s].est = b[s] and each bootstrap interval is
     the percentile interval of the statistic of y itself (stored in
     /summary by summary_errors.h); no x tail is kept.
   - n must be at most MR_MAX_TRIALS (2^32 - 1); larger n returns -1. n == 0
     gives NaN everywhere. */
int mr_paired_compute(const double *x, const double *y, size_t n, size_t stride, const double *ax,
                      const double *ay, size_t years, size_t astride, uint64_t seed,
                      const char *label, int nboot, mr_paired *out);

/* One series of mr_paired_compute_many: per-trial losses x[i*stride],
   y[i*stride] and annual losses ax[i*astride + k*ystride],
   ay[i*astride + k*ystride], k < years (ax/ay NULL: no annual statistic).
   ystride lets the annual losses of one sector be read in place from an
   array laid out [trial][year][sector]. */
typedef struct {
    const double *x, *y;
    size_t stride;
    const double *ax, *ay;
    size_t astride, ystride;
} mr_paired_series;

/* mr_paired_compute for nseries series of the same n trials, sharing the
   resamples: out[s] is exactly what mr_paired_compute gives for series s
   with the same years, seed, label and nboot (with ystride 1), but the n
   draws of each resample, the bootstrap's main cost, are made once for
   all series. Memory beyond the inputs: O(n) for one series at a time,
   then only the top tails of the sorted series. comm: NULL (this process
   alone), or the ranks, every one holding the same series, that share the
   resamples (a contiguous share each, gathered in resample order: the same
   bits as one process; collective). Returns 0, -1 out of memory (with
   comm: on any rank, then on every rank) or n >= 2^32. */
int mr_paired_compute_many(const mr_paired_series *series, size_t nseries, size_t n, size_t years,
                           uint64_t seed, const char *label, int nboot, mr_paired *out,
                           const mr_comm *comm);

/* The multinomial counts of bootstrap resample r of mr_paired_compute:
   counts[i] (i < n) = how many times trial i is drawn, summing to n. Each
   of the n draws is a trial index uniform on [0, n) (Lemire's unbiased
   multiply-and-reject on 32-bit words) from the Philox stream of rng.h
   with key seed, stream mr_hash64("bootstrap/<label>") and counter word
   "trial" = r (label NULL: "bootstrap/"). For tests and for callers that
   want the resamples themselves. Returns 0, -1 when out of memory or
   n >= 2^32. */
int mr_paired_resample_counts(uint64_t seed, const char *label, uint64_t r, size_t n,
                              uint32_t *counts);

/* The top of one series, for mr_paired_compute_tails: its top c values in
   ascending stats.h key order (mr_stats_key: NaNs last), equal values in
   ascending trial order (so in the order paired.c sorts a whole series),
   each with its trial (0 .. n - 1); the series has m values (n, or n *
   years for annual losses). Each tail has its own trial array. val holds
   the lowest nv of the c values (nv <= c): all of them for a loss tail
   (ES 99 sums them); an annual tail needs its values only from the
   1-in-100 loss's rank down, less its margin, and the others' trials
   (mr_paired_tail_values). */
typedef struct {
    const double *val; /* [nv] */
    uint32_t *trial;   /* [c]; mr_paired_compute_tails overwrites it (scratch) */
    size_t c, m, nv;
} mr_paired_tail;

/* The margin of the walks around a statistic that is the depth-th value
   from the top of a series (per values a trial): 12 sd of the resampled
   count of the top depth values (at most sqrt(per (depth + 1))) + 64. */
double mr_paired_tail_margin(size_t depth, size_t per);

/* How many of the top values of a series of m values (per a trial) to keep
   for mr_paired_compute_tails when its statistic is the depth-th from the
   top: depth + mr_paired_tail_margin, at most m. */
size_t mr_paired_tail_size(size_t m, size_t depth, size_t per);

/* Of those, how many values an annual tail needs (mr_paired_tail nv): the
   lowest, all but the top depth - margin (whose trials alone the walks
   need: a resample's statistic falls among them only 12 sd away). */
size_t mr_paired_tail_values(size_t m, size_t depth, size_t per);

/* The one-sample bootstrap (x NULL) of mr_paired_compute_many, for nseries
   series of n trials given by their top tails only (loss[q]: the horizon
   losses, m = n; annual NULL, or annual[q]: the annual losses, m = n *
   years; annual[q].val NULL: none for series q): the ES 99, VaR 99 and ANNUAL100 estimates and
   intervals are bit for bit those mr_paired_compute_many gives the whole series (the same
   resamples, the same walks from the top), when each tail reaches the
   statistic's rank (mr_paired_tail_size of depth n - k + 1: else the
   estimate is NaN). The mean, VaR 95 and vrf are NaN (they need every
   value). Each resample's n draws are made as there, but only draws that
   land on a trial of some tail are counted (one bit a trial, a 32-bit rank
   per 64 trials, a count per kept trial a thread); the tails' trial arrays
   are overwritten with the trials' places among those counts (no copy). A resample whose walk
   runs below a tail cannot be computed in full: its statistic is NaN and
   so is that interval (with mr_paired_tail_size: never in practice);
   *short_ci counts such intervals. comm: NULL (this process alone), or
   the ranks that all hold the same tails, which call it together: each
   draws its contiguous share of the resamples and every rank gets every
   interval, bit for bit what one process gives. An annual tail with nv <
   c: a resample whose statistic is one of the top c - nv values (its
   value not given) is NaN as one that runs below. Returns 0, -1 out of
   memory (with comm: on any rank, then on every rank), n >= 2^32, a
   trial >= n or a loss tail with nv < c. */
int mr_paired_compute_tails(const mr_paired_tail *loss, const mr_paired_tail *annual,
                            size_t nseries, size_t n, size_t years, uint64_t seed,
                            const char *label, int nboot, mr_paired *out, size_t *short_ci,
                            const mr_comm *comm);

/* What the command line reports: drop (NaN) the bootstrap intervals that
   rest on too little, those of a tail statistic with fewer than 10 of the n
   trials (n * years annual values for the 1-in-100 annual loss) beyond its
   level, and all of them with fewer than MR_PAIRED_MIN_BOOT resamples. */
void mr_paired_drop_weak_intervals(mr_paired *p, size_t n, size_t years, int nboot);

#endif
