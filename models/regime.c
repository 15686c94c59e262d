/* regime.c - a country's two-state tension regime (docs/MODEL.md §3r). */
#include "models/regime.h"

#include <gsl/gsl_randist.h>

double mr_regime_tense_share(const mr_regime *r)
{
    return r->tense_months / (r->calm_months + r->tense_months);
}

double mr_regime_rate_factor(const mr_regime *r, int state)
{
    double pi1 = mr_regime_tense_share(r);
    double mean = (1.0 - pi1) + pi1 * r->tense_multiplier;
    return (state ? r->tense_multiplier : 1.0) / mean;
}

int mr_regime_path(const mr_regime *r, double horizon_years, gsl_rng *g, double *switch_years,
                   int max, int *state0)
{
    int s = gsl_rng_uniform(g) < mr_regime_tense_share(r);
    *state0 = s;
    double clock = 0.0;
    int n = 0;
    while (n < max) {
        double mean_years = (s ? r->tense_months : r->calm_months) / 12.0;
        clock += gsl_ran_exponential(g, mean_years);
        if (clock >= horizon_years)
            break;
        switch_years[n++] = clock;
        s = !s;
    }
    return n;
}
