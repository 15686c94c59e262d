/* regime.h - a country's tension regime (docs/MODEL.md §3r): a two-state
 * continuous-time Markov chain, calm (0) and tense (1), that raises the
 * rates of the country's named events together, so that joint hits on
 * several minerals happen in tense periods.
 *
 * Sojourns are exponential with means calm_months and tense_months; the
 * chain starts in its stationary distribution. An event of average rate
 * lambda has rate lambda m_s / E[m] in state s (m_0 = 1, m_1 =
 * tense_multiplier, E[m] the stationary mean), so its long-run rate is
 * lambda whatever the regime: the rates calibrated on counts of real
 * actions keep their meaning.
 */
#ifndef MR_REGIME_H
#define MR_REGIME_H

#include <gsl/gsl_rng.h>

typedef struct {
    double tense_multiplier; /* m_1 >= 1: rate multiple in the tense state */
    double calm_months;      /* mean sojourn in calm, months > 0 */
    double tense_months;     /* mean sojourn in tense, months > 0 */
} mr_regime;

/* Stationary probability of the tense state: tense / (calm + tense). */
double mr_regime_tense_share(const mr_regime *r);

/* Rate factor m_s / E[m] of state s (0 calm, 1 tense). */
double mr_regime_rate_factor(const mr_regime *r, int state);

/* A path on [0, horizon) years: the state at 0 in *state0 (drawn from the
   stationary distribution), and the switch times, increasing, in
   switch_years[0 .. n-1] (the state alternates at each). Returns n; stops
   at max switches (then the last state lasts to the horizon). */
int mr_regime_path(const mr_regime *r, double horizon_years, gsl_rng *g, double *switch_years,
                   int max, int *state0);

#endif
