/* sumsq.h - sums of squared deviations that stay finite.
 *
 * Finite losses can have squared deviations past DBL_MAX (deviations past
 * about 1e154 GBP); a sum of them overflowed and gave an sd, an se or an
 * interval of inf. Every such sum is formed first as it is; where it
 * overflowed, it is formed again with every deviation multiplied by
 * 2^-MR_SUMSQ_EXP before it is squared, and the root of it multiplied back
 * by 2^MR_SUMSQ_EXP. The scaled sum is finite for up to 2^64 deviations of
 * any finite size, the squares that underflow in it are below 2^-800 of it,
 * and a sum that did not overflow is used as it was: results are the same
 * bit for bit wherever nothing overflows.
 *
 * mr_sumsq is the decision, for a caller that can form its sums twice
 * (held trials: stats.c, wstats.c, dstats.c across ranks, precision.c,
 * attr_tail.c, paired.c, sobol.c). The streamed statistics see each trial
 * once, so their pass 2 forms both sums side by side with mr_sumsq_scale(1)
 * (stream.c) and picks with mr_sumsq_sd as the others do.
 */
#ifndef MR_SUMSQ_H
#define MR_SUMSQ_H

#include <stddef.h>
#include <stdint.h>

#define MR_SUMSQ_EXP 560

/* The factor of every deviation before it is squared: 1 (rescaled 0) or
   2^-MR_SUMSQ_EXP (rescaled 1). Multiplying by it is exact unless the
   product underflows. */
double mr_sumsq_scale(int rescaled);

/* f(ctx, scale, out): k sums of (scale * deviation)^2 into out[0..k);
   0, or -1 when it fails. */
typedef int (*mr_sumsq_fn)(void *ctx, double scale, double *out);

/* f with scale 1 into ss[0..k); when one of them is infinite, f again with
   mr_sumsq_scale(1) into scaled[0..k) and 1; else scaled zero and 0; -1
   when f fails. The decision rests on f's results only, so a collective f
   (sums reduced over ranks) makes it the same on every rank. */
int mr_sumsq(mr_sumsq_fn f, void *ctx, size_t k, double *ss, double *scaled);

/* sqrt(q), times 2^MR_SUMSQ_EXP when q is from sums at mr_sumsq_scale(1):
   a root in the deviations' own unit. */
double mr_sumsq_root(double q, int rescaled);

/* sqrt(ss / (n - 1)), or from scaled where ss overflowed; NaN when n < 2. */
double mr_sumsq_sd(double ss, double scaled, uint64_t n);

#endif
