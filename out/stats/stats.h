/* stats.h - risk statistics over Monte Carlo trials (MODEL §9): the
 * estimators' definitions on one array.
 *
 * Pure functions: no global state, no threads. Every sum runs in index order,
 * so a result depends only on the input values and their order, never on how
 * the trials were scheduled. NaN in an input propagates into means; sorting
 * puts NaNs last. The estimators are defined exactly in docs/OUTPUT.md,
 * "Estimators"; the short forms are repeated here.
 *
 * The result file's statistics are computed over trials spread across ranks
 * by dstats.h, on the same definitions (ranks, CI ranks, ES formula,
 * histogram bins, band quantiles come from here); its sums are block-ordered
 * (dstats.h), which for up to MR_BLOCK_TRIALS trials is the index order used
 * here. These single-array versions are the reference the tests compare with.
 *
 * Ranks are 1-based: X_(1) <= ... <= X_(n) are the order statistics.
 */
#ifndef MR_STATS_H
#define MR_STATS_H

#include <stddef.h>
#include <stdint.h>

/* ---- moments ---------------------------------------------------------- */

/* Arithmetic mean; NaN when n == 0. */
double mr_stats_mean(const double *x, size_t n);

/* Sample standard deviation, divisor n - 1 (two-pass); NaN when n < 2. */
double mr_stats_sd(const double *x, size_t n);

/* Standard error of the mean, sd / sqrt(n); NaN when n < 2. */
double mr_stats_se(const double *x, size_t n);

/* Fraction of x[i] > threshold (NaN counts as not above); NaN when n == 0. */
double mr_stats_fraction_above(const double *x, size_t n, double threshold);

/* Fraction of x[i] that are not NaN; NaN when n == 0. */
double mr_stats_fraction_not_nan(const double *x, size_t n);

/* ---- sorting ---------------------------------------------------------- */

/* Copy x[0], x[stride], ..., x[(n-1)*stride] into sorted[0..n-1] in
   ascending order (LSD radix sort on order-preserving 64-bit keys: O(n),
   exact, stable; NaNs last, -0.0 before +0.0). x is not changed and must not
   overlap sorted. Returns 0, or -1 when out of memory. */
int mr_stats_sort_copy(const double *x, size_t n, size_t stride, double *sorted);

/* Order-preserving 64-bit key of a double: unsigned order of keys is the
   numeric order, -0.0 before +0.0, every NaN the largest key (UINT64_MAX,
   so NaNs sort last). mr_stats_key_value is its inverse (NaN for
   UINT64_MAX). */
uint64_t mr_stats_key(double d);
double mr_stats_key_value(uint64_t key);

/* Sort n (key, index) pairs by key, ascending and stable (ties keep their
   order): LSD radix sort, 8-bit digits, a digit shared by every key skipped.
   *key2 and *idx2 are scratch arrays of n; the sorted pairs are left in
   *key and *idx, the four pointers swapped as the passes require (each
   still one of the four arrays given). 0, or -1 when out of memory. */
int mr_stats_sort_pairs(uint64_t **key, uint32_t **idx, uint64_t **key2, uint32_t **idx2, size_t n);

/* ---- quantiles and tail measures, on sorted data ---------------------- */

/* Rank of the p-quantile: k = ceil(n p), clamped to [1, n]. When n p is
   within 1e-12 (relative) of an integer it is taken as that integer, so that
   p = 0.95, 0.995, 1 - 1/R... mean the decimal they were written as and not
   their binary approximation. Returns 0 when n == 0. */
size_t mr_stats_rank(size_t n, double p);

/* Empirical quantile (VaR) at p in (0, 1): X_(ceil(n p)), the smallest x with
   empirical CDF F_n(x) >= p. NaN when n == 0. */
double mr_stats_quantile_sorted(const double *sorted, size_t n, double p);

/* Distribution-free confidence interval for the p-quantile xi_p from order
   statistics (Conover 1999, §3.2): ranks l < u with, for B ~ Binomial(n, p),
     l = the largest rank with P(B <= l - 1) <= (1 - level)/2,
     u = the smallest rank with P(B >= u)    <= (1 - level)/2,
   so each tail holds at most (1 - level)/2 and
   P(X_(l) <= xi_p < X_(u)) = P(l <= B <= u - 1) >= level (equal tails).
   *lo_rank = 0 when no order statistic is low enough (the lower bound would
   be -infinity), *hi_rank = n + 1 when none is high enough (+infinity).
   Both are 0 / n + 1 when n == 0 or n exceeds the unsigned int range of GSL. */
void mr_stats_quantile_ci_ranks(size_t n, double p, double level, size_t *lo_rank, size_t *hi_rank);

/* The interval itself: *lo = X_(l), *hi = X_(u); a bound whose rank does not
   exist is NaN (the other bound is still a one-sided bound at
   (1 + level)/2). */
void mr_stats_quantile_ci_sorted(const double *sorted, size_t n, double p, double level, double *lo,
                                 double *hi);

/* Expected shortfall (TVaR) at p in (0, 1): the exact tail mean of the
   empirical distribution, ES_p = 1/(1-p) * integral_p^1 F_n^-1(u) du.
   With k = mr_stats_rank(n, p):
     ES_p = ((k - n p) X_(k) + sum_{i=k+1..n} X_(i)) / (n - n p),
   i.e. the mean of the top n - n p values when n p is an integer (the top 5
   of 100 at p = 0.95), with X_(k) taking the fractional weight otherwise.
   Always >= the VaR at p. NaN when n == 0 or any value is NaN. */
double mr_stats_es_sorted(const double *sorted, size_t n, double p);

/* The same from X_(k) and the values strictly above it, without the order
   statistics: with sum_gt = sum of the count_gt values > X_(k),
     sum_{i=k+1..n} X_(i) = sum_gt + (n - k - count_gt) X_(k)
   (the ties of X_(k) above rank k), and ES_p as above. Terms of weight 0 are
   left out (so X_(k) = inf with weight 0 gives no NaN). NaN when n == 0. */
double mr_stats_es_tail(size_t n, double p, double xk, double sum_gt, uint64_t count_gt);

/* Loss at return period R years from n sorted annual losses: the quantile at
   1 - 1/R (mr_stats_quantile_sorted), i.e. the annual loss exceeded with
   probability at most 1/R. NaN when R <= 1 or n < R (fewer years simulated
   than the return period: the estimate would be the sample maximum). */
double mr_stats_return_period_sorted(const double *sorted, size_t n, double return_period);

/* Convenience: quantile at p of x (copies and sorts). NaN when n == 0 or out
   of memory. */
double mr_stats_quantile(const double *x, size_t n, double p);

/* ---- annual losses ---------------------------------------------------- */

/* Average annual loss over ntrials x years annual losses, where the loss of
   trial i in year y is annual[(i * years + y) * stride]:
     *aal = mean of all ntrials * years values (all summed in index order);
     *se  = sd_i(m_i) / sqrt(ntrials), m_i = mean over y of trial i's annual
            losses (the years of one trial are not independent; the trials
            are); its sum of squares rescaled where it would overflow
            (sumsq.h). NaN when there is nothing to average; *se NaN when
            ntrials < 2. A run's /summary forms the same figures across
            ranks (sumstats.c annual(), through dstats.h): this one serves
            a single array. */
void mr_stats_aal(const double *annual, size_t ntrials, size_t years, size_t stride, double *aal,
                  double *se);

/* m_i of one trial: its years a[0], a[stride], ... a[(years-1)*stride]
   summed in order, / years. */
double mr_stats_trial_mean(const double *a, size_t years, size_t stride);

/* ---- histograms ------------------------------------------------------- */

/* Histogram of the non-NaN x into nbins >= 1 equal bins from min to max:
   edges[0..nbins] (edges[0] = min, edges[nbins] = max), bin b counts
   edges[b] <= x < edges[b+1], the last bin also x == max. When all values
   are equal to v the range is [v, v + 1]; when none is finite, edges are
   NaN and counts 0. */
void mr_stats_histogram(const double *x, size_t n, size_t nbins, uint64_t *counts, double *edges);

/* Its two halves. The edges of nbins equal bins from lo to hi (the minimum
   and maximum finite value; [lo, lo + 1] when equal); returns 1, or 0 with
   NaN edges when lo > hi (no finite value). The bin of a finite x in
   [edges[0], edges[nbins]]. */
int mr_stats_hist_edges(double lo, double hi, size_t nbins, double *edges);
size_t mr_stats_hist_bin(double x, const double *edges, size_t nbins);

/* Quantile at p from an integer histogram whose bin k stands for the value
   offset + k * width: the value of the bin holding the ceil(total p)-th
   count (rank as in mr_stats_rank). NaN when the histogram is empty. */
double mr_stats_band_quantile(const uint64_t *counts, size_t nbins, double width, double offset,
                              double p);

#endif
