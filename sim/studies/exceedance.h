/* exceedance.h - return-period losses of annual series with bootstrap
 * intervals over trials: the aggregate (AEP) and occurrence (OEP)
 * exceedance curves of `minrisk run --events` (docs/OUTPUT.md
 * "/loss_tables"). Pure computation on arrays; the resamples are those of
 * paired.h (mr_paired_resample_counts), so a trial's years go together.
 */
#ifndef MR_EXCEEDANCE_H
#define MR_EXCEEDANCE_H

#include "out/comm.h"

#include <stddef.h>
#include <stdint.h>

/* Bootstrap resamples of the exceedance intervals. */
#define MR_EXCEEDANCE_BOOT 1000

/* K series of annual values x[(i * H + y) * K + k] (trial i < n, year
   y < H). For each series k and return period periods[p]:
   - est[k * np + p] = mr_stats_return_period_sorted of the series' n H
     values (stats.h: X_(ceil(n H (1 - 1/R))); NaN when n H < R);
   - lo, hi: the 2.5% and 97.5% quantiles (stats.h) of the same statistic
     over nboot resamples of the n trials (resample r: the multinomial
     counts of mr_paired_resample_counts(seed, label, r, n)); NaN when the
     estimate is NaN, when fewer than 10 values lie beyond the level
     (n H / R < 10) or when nboot < MR_PAIRED_MIN_BOOT.
   comm: NULL (or one rank) for one process drawing every resample; over
   several ranks, every rank holding the same x, each draws its contiguous
   share of the resamples (mr_comm_block_range) and the shares are gathered
   in resample order (collective). The same inputs give the same results
   bit for bit on any thread or rank count. 0, or -1 when out of memory
   (with comm: on every rank) or n >= 2^32. */
int mr_exceedance(const double *x, size_t n, size_t H, size_t K, const double *periods, size_t np,
                  uint64_t seed, const char *label, int nboot, const mr_comm *comm, double *est,
                  double *lo, double *hi);

/* mr_exceedance for an importance-sampled run: trial i carries its
   likelihood ratio w[i], and every year of it that weight (docs/OUTPUT.md
   "Weighted estimators", n = n H). est: the weighted quantile at 1 - 1/R
   of the series' n H values (mr_wstats_quantile_sorted; NaN when R <= 1
   or n H < R), as /summary's weighted return-period losses; lo, hi: the
   weighted percentile bootstrap of mr_wstats_bootstrap (nboot resamples of
   the trials, the generator keyed by seed), NaN when fewer than 10 sampled
   values lie above the estimate (wsumstats.c's rule). With nboot =
   MR_SUMSTATS_BOOTSTRAP and seed = MR_WSTATS_BOOT_SEED the total's curve
   and interval are /summary's bit for bit. comm as mr_exceedance's: the
   ranks share each series' resamples. 0, or -1 when out of memory (with
   comm: on every rank) or n H >= 2^32. */
int mr_exceedance_weighted(const double *x, size_t n, size_t H, size_t K, const double *w,
                           const double *periods, size_t np, uint64_t seed, int nboot,
                           const mr_comm *comm, double *est, double *lo, double *hi);

#endif
