/* uncertain.h - the distributions of an `uncertain:` key (docs/STUDIES.md
 * "Uncertainty"): each as its quantile function, so that a design row's
 * value is the quantile of a uniform number drawn from its own Philox
 * stream (sim/studies/uncertainty.c).
 */
#ifndef MR_UNCERTAIN_H
#define MR_UNCERTAIN_H

#include "models/scenario.h"

#include <stdint.h>

/* The uniform numbers a design draws: u = (k + 0.5) 2^-52 for a 52-bit
   integer k, exact in a double, so 0 < u < 1 and the quantile of a
   lognormal is finite. Its smallest and largest values. */
#define MR_DIST_U_MIN 0x1p-53
#define MR_DIST_U_MAX (1.0 - 0x1p-53)

/* u of the 52-bit integer k (k < 2^52; higher bits are dropped). */
double mr_dist_u(uint64_t k);

/* The value at probability u in (0, 1) of q's distribution (its inverse
   CDF): uniform lo + (hi - lo) u; triangular the two square-root branches;
   lognormal median exp(sigma Phi^-1(u)); beta lo + (hi - lo) times the
   Beta quantile (clamped to [lo, hi]; GSL's where it is accurate, else
   bisection on GSL's CDF: finite for every shape the schema accepts); choice the first value whose
   cumulative weight, in file order, exceeds u times the weights' sum.
   A distribution of zero width (lo = hi, sigma 0, one alternative) gives
   its one value bit for bit, whatever u. Non-decreasing in u. */
double mr_dist_quantile(const mr_uncertain_param *q, double u);

/* The ends of q's draws, as the values to check against the key's range:
   uniform, triangular and beta their lo and hi as written (the draws lie
   within); lognormal the quantiles at MR_DIST_U_MIN and MR_DIST_U_MAX, the
   smallest and largest a draw can take; choice the least and greatest
   value. */
void mr_dist_range(const mr_uncertain_param *q, double *lo, double *hi);

/* The distribution's name as written: "uniform", "triangular", ... */
const char *mr_dist_name(mr_dist_kind kind);

#endif
