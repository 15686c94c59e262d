/* wstats.h - weighted estimators for importance-sampled runs (docs/MODEL.md
 * §12i, docs/OUTPUT.md "Estimators", "Weighted estimators").
 *
 * A run with an importance tilt gives trial i the likelihood ratio w_i of
 * its disruptions (the weight, /trials/weight): for any function g of a
 * trial, E[g] = E'[w g], estimated by (1/N) sum_i w_i g_i. Every estimator
 * here is the unweighted one of stats.h with each trial counted w_i times
 * instead of once, normalised by the number of trials N (not by sum w:
 * the tail estimates are then unbiased, and with every w_i = 1 they are
 * the unweighted estimators exactly).
 *
 * Elements: x[0..n-1], each with its weight w[k] (the weight of its trial;
 * NULL = all 1). Sums are block-ordered as dstats.h's: the elements of
 * each block of `blk` elements (MR_BLOCK_TRIALS trials' worth; 0 = one
 * block) are summed from 0.0, then the block partials over dstats.h's
 * fixed pairwise tree of the blocks (mr_dstats_reduce_blocks), so a result
 * depends on the values and their trial order only, never on threads or
 * ranks. Pure functions; no global state.
 */
#ifndef MR_WSTATS_H
#define MR_WSTATS_H

#include "out/comm.h"

#include <stddef.h>
#include <stdint.h>

/* Block-ordered sum of w[k] x[k] (x NULL: of w[k]; w NULL: of x[k]) over the
   elements with x[k] > above (pass -INFINITY for all of them; with x NULL
   every element counts). */
double mr_wstats_sum(const double *x, const double *w, size_t n, size_t blk, double above);

/* Block-ordered sum of w[k] over the elements with x[k] > above. */
double mr_wstats_weight_above(const double *x, const double *w, size_t n, size_t blk, double above);

/* Weighted mean m = (1/n) sum w x; *sd = sqrt((1/n) sum w (x - m)^2) (the
   target law's standard deviation, NaN when n < 2); *se = the standard
   error of m, sd_k(w_k x_k) / sqrt(n) with the sample sd (divisor n - 1)
   of the products (NaN when n < 2). NaN mean when n == 0. sd, se may be
   NULL. */
void mr_wstats_moments(const double *x, const double *w, size_t n, size_t blk, double *mean,
                       double *sd, double *se);

/* Exceedance probability P(X > t) = (1/n) sum_{x > t} w, and its standard
   error sd_k(w_k [x_k > t]) / sqrt(n) (NaN when n < 2). */
double mr_wstats_exceedance(const double *x, const double *w, size_t n, size_t blk, double t,
                            double *se);

/* Effective sample size (sum w)^2 / sum w^2 (Kish), and the largest
   weight's share max w / sum w. n with all weights 1. NaN when n == 0.
   The ESS of any finite weights not all 0 is finite: where its sums would
   overflow or underflow they are formed with every weight times a power
   of 2 (wstats.c); NaN where the weights sum to 0 or hold inf or NaN. */
double mr_wstats_ess(const double *w, size_t n, size_t blk);
double mr_wstats_max_share(const double *w, size_t n, size_t blk);

/* Sort the pairs (x[k], w[k]) by x ascending (the order of stats.h's keys:
   -0.0 before +0.0, NaN last), ties in index order (stable): xs, ws (and
   idx, the original index of each, if not NULL). w NULL: ws all 1. Returns
   0, or -1 when out of memory or n >= UINT32_MAX (32-bit indices). */
int mr_wstats_sort(const double *x, const double *w, size_t n, double *xs, double *ws,
                   uint32_t *idx);

/* The weighted p-quantile (VaR) from sorted pairs, normalised by nnorm
   (the elements' count n in a plain use): with the tail weight above v,
   G(v) = (1/nnorm) sum_{x > v} w (ties of v are not above it),
     VaR_p = the smallest sample value v with nnorm G(v) <= nnorm - nnorm p,
   nnorm p taken as the integer it is within 1e-12 (stats.h mr_stats_rank).
   G is summed from the top in sorted order, a tie group at a time. With all
   weights 1 this is X_(ceil(n p)) (mr_stats_quantile_sorted). NaN when
   n == 0. *tail (if not NULL): nnorm G(VaR_p), the weight above it. */
double mr_wstats_quantile_sorted(const double *xs, const double *ws, size_t n, double nnorm,
                                 double p, double *tail);

/* Expected shortfall at p with v = VaR_p, from the weight above v,
   sw = sum_{x > v} w, and the weighted sum above it, swx = sum_{x > v} w x:
     ES_p = (swx + (nnorm - nnorm p - sw) v) / (nnorm - nnorm p),
   the exact tail mean of the weighted empirical law (the weight at v is
   split at the boundary: only the part that makes the tail mass 1 - p
   counts). A zero-weight term is left out (v infinite with nothing left
   at the boundary gives no NaN). */
double mr_wstats_es_tail(double nnorm, double p, double v, double sw, double swx);

/* VaR and ES at p of the elements, sorted pairs given; sums above VaR in
   block order over the unsorted x, w (as mr_wstats_sum). */
double mr_wstats_es(const double *x, const double *w, size_t n, size_t blk, const double *xs,
                    const double *ws, double p, double *var);

/* A percentile bootstrap over trials: B resamples of the trials with
   replacement, each the weighted VaR and ES at the nlev levels p of the
   elements (sorted pairs xs, ws, and tri[k], the trial of sorted element
   k, in [0, ntrials)); a resample counts element k c_t times its weight,
   c_t the times trial t was drawn. Resample b draws its ntrials trial
   indices from a counter-based generator keyed by (seed, b) alone
   (SplitMix64 of seed, b and the draw's index: docs/OUTPUT.md), so the
   intervals depend on nothing else. lo, hi: the (1 - level)/2 and
   (1 + level)/2 quantiles (stats.h ranks) of
   the B replicates, [nlev] for VaR (var_lo, var_hi) and ES (es_lo, es_hi).
   nnorm as above. comm: NULL (or one rank) for one process drawing every
   resample; over several ranks, every rank holding the same inputs, each
   draws its contiguous share of the resamples (mr_comm_block_range) and
   the shares are gathered in resample order, so every rank has the one
   process's intervals bit for bit (collective). Returns 0, or -1 when out
   of memory (with comm: on every rank). */
int mr_wstats_bootstrap(const double *xs, const double *ws, const uint32_t *tri, size_t n,
                        size_t ntrials, double nnorm, const double *p, size_t nlev, int B,
                        double level, uint64_t seed, const mr_comm *comm, double *var_lo,
                        double *var_hi, double *es_lo, double *es_hi);

/* The paired form of mr_wstats_bootstrap for a difference ES_p(b) - ES_p(a)
   of two variables of the same trials (a counterfactual and its run): each
   resample (the same counts as mr_wstats_bootstrap's with this seed) gives
   the weighted ES of b minus that of a, both on the resampled trials; lo,
   hi: the (1 -+ level)/2 quantiles of the B differences. Each variable as
   sorted pairs with the trial of each element; xs_a NULL stands for zeros
   (then the interval is mr_wstats_bootstrap's ES interval of b). comm as
   mr_wstats_bootstrap's (the ranks share the resamples; collective). 0, or
   -1 out of memory (with comm: on every rank). */
int mr_wstats_bootstrap_es_diff(const double *xs_a, const double *ws_a, const uint32_t *tri_a,
                                const double *xs_b, const double *ws_b, const uint32_t *tri_b,
                                size_t n, size_t ntrials, double nnorm, double p, int B,
                                double level, uint64_t seed, const mr_comm *comm, double *lo,
                                double *hi);

/* The sampled values of the ascending xs[0..n) (NaN last) above v: fewer
   than 10 above a weighted estimate and its bootstrap interval is NaN
   (docs/OUTPUT.md "Weighted estimators"). */
size_t mr_wstats_count_above(const double *xs, size_t n, double v);

/* The seed of the weighted bootstrap of /summary (out/stats/wsumstats.c)
   and of /loss_tables in a weighted run (sim/studies/exceedance.c): fixed,
   so that the intervals depend on the trials alone, and the same resamples
   give /loss_tables' total AEP interval /summary's bit for bit. */
#define MR_WSTATS_BOOT_SEED UINT64_C(0x6d696e7269736b16)

#endif
