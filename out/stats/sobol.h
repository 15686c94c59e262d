/* sobol.h - Sobol sensitivity indices from a Saltelli design, with bootstrap
 * intervals (MODEL §9 "Sobol indices"; used by issue 13's `uncertain:`
 * block and minrisk uncertainty, sim/studies/uncertainty.c).
 *
 * The design: A and B are two independent N x k matrices of inputs (row j is
 * one point of the k uncertain inputs), and AB_i (i = 0 .. k-1) is A with its
 * column i taken from B. The caller evaluates the model on every row and
 * passes f(A) [N], f(B) [N] and f(AB_i) [k][N]; this module never sees the
 * model. Estimators (Saltelli et al. 2010; Jansen 1999):
 *   V   = pooled variance of the 2N values f(A), f(B) (divisor 2N)
 *   S_i = mean_j (f(B)_j - m) (f(AB_i)_j - f(A)_j) / V (Saltelli et al. 2010,
 *         with f(B) centred on m, the pooled mean of f(A), f(B): the term
 *         m mean_j (f(AB_i)_j - f(A)_j) it drops has expectation 0, and
 *         without it the estimator's noise grows with the mean of f, as
 *         for a loss that is large against its spread; SALib centres its
 *         outputs the same way)
 *   ST_i = mean_j (f(A)_j - f(AB_i)_j)^2 / 2 / V        (Jansen 1999)
 * Intervals: percentile bootstrap over the N rows (MODEL §9).
 *
 * Pure functions: no global state, no threads; the bootstrap draws from a
 * counter-based stream keyed by the caller's seed and every sum runs in row
 * order, so a result depends only on the inputs and the seed, bit for bit.
 */
#ifndef MR_SOBOL_H
#define MR_SOBOL_H

#include "models/status.h"

#include <stddef.h>
#include <stdint.h>

/* The bootstrap's Philox stream id: mr_hash64("sobol_bootstrap") (sim/rng.h,
   MODEL §12; out/ cannot call it, the unit test checks the value). */
#define MR_SOBOL_STREAM UINT64_C(0x93302f5127b5727d)

/* One input's indices and their bootstrap intervals. */
typedef struct {
    double s, s_lo, s_hi;    /* first-order index S_i, interval */
    double st, st_lo, st_hi; /* total index ST_i, interval */
} mr_sobol_index;

/* The design's mixed matrices: for the row-major N x k matrices a and b,
   ab[(i * n + j) * k + c] = (c == i ? b : a)[j * k + c] for i, c < k, j < n
   (AB_i is block i of k * n * k values). Copies only: no arithmetic. */
void mr_sobol_design(const double *a, const double *b, size_t n, size_t k, double *ab);

/* Indices of the k inputs from the model's outputs fa[j] = f(A_j),
   fb[j] = f(B_j), fab[i * n + j] = f(AB_i,j), j < n:
   out[i] gets S_i, ST_i and their intervals; *variance (may be NULL) the
   pooled variance V.

   Intervals: `resamples` (B) bootstrap resamples, each N rows drawn with
   replacement (the same rows for f(A), f(B) and every f(AB_i)); each
   resample recomputes V, S_i and ST_i by the same formulas. The interval at
   `level` is the percentile interval (Efron & Tibshirani 1993, §13.3): the
   order statistics X_(ceil(B p)) of the B values at p = (1 - level)/2 and
   (1 + level)/2 (mr_stats_quantile_sorted), not centred on the estimate.
   Resample r draws its rows from the Philox stream (key = seed, stream =
   MR_SOBOL_STREAM, trial word = r), each row index uniform on [0, N)
   without bias (Lemire 2019's multiply-and-reject on 32-bit words).
   resamples == 0 gives NaN intervals.

   A zero V makes the indices NaN (0/0), as does a NaN output. Sums past
   DBL_MAX (outputs spread by more than about 1e154) are formed again
   rescaled (sumsq.h): the indices are ratios of sums of one scale and stay
   finite, the same bit for bit as for the outputs times a power of 2 that
   keeps them below; V is inf where it passes DBL_MAX itself.
   Returns MR_OK; MR_BAD_INPUT when n < 2, n > UINT32_MAX, k == 0,
   resamples > UINT32_MAX or level is not in (0, 1); MR_FAILED when out of
   memory (out's contents are then unspecified). */
mr_status mr_sobol_indices(const double *fa, const double *fb, const double *fab, size_t n,
                           size_t k, size_t resamples, double level, uint64_t seed,
                           mr_sobol_index *out, double *variance);

/* sqrt(V), the sd of the 2N values fa[0..n-1], fb[0..n-1] (divisor 2N),
   from the sums mr_sobol_indices forms: the root of its *variance bit for
   bit where that is finite, and finite where V passes DBL_MAX (sums
   rescaled, sumsq.h: mr_sumsq_root). NaN when n == 0. For the tables'
   "sd over rows" (out/tables/unc_print.c). */
double mr_sobol_sd(const double *fa, const double *fb, size_t n);

#endif
