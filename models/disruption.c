/* disruption.c - marked Poisson disruption processes (MODEL §3). */
#include "models/disruption.h"

#include <gsl/gsl_randist.h>
#include <math.h>

double mr_severity_draw(const mr_severity *s, gsl_rng *r)
{
    switch (s->kind) {
    case MR_SEV_UNIFORM:
        return s->a + (s->b - s->a) * gsl_rng_uniform(r);
    case MR_SEV_BETA:
        return gsl_ran_beta(r, s->a, s->b);
    case MR_SEV_FIXED:
    default:
        return s->a;
    }
}

double mr_duration_draw(const mr_duration *d, gsl_rng *r)
{
    switch (d->kind) {
    case MR_DUR_EXPONENTIAL:
        return gsl_ran_exponential(r, d->a);
    case MR_DUR_LOGNORMAL: /* median a: ln d ~ N(ln a, b^2) */
        return gsl_ran_lognormal(r, log(d->a), d->b);
    case MR_DUR_FIXED:
    default:
        return d->a;
    }
}

int mr_disruption_next(const mr_process *p, double horizon_years, gsl_rng *r, double *clock,
                       mr_occurrence *occ)
{
    if (!(p->rate_per_year > 0.0))
        return 0;
    *clock += gsl_ran_exponential(r, 1.0 / p->rate_per_year);
    if (*clock >= horizon_years)
        return 0;
    occ->start_years = *clock;
    /* Marks are drawn in a fixed order (severity, then duration) from the
       same stream, so an occurrence's marks depend only on its rank. */
    occ->severity = mr_severity_draw(&p->severity, r);
    occ->duration_months = mr_duration_draw(&p->duration, r);
    return 1;
}

int mr_disruption_next_piecewise(const mr_process *p, int nseg, const double *ends,
                                 const double *factor, gsl_rng *r, double *clock, int *seg,
                                 mr_occurrence *occ)
{
    if (!(p->rate_per_year > 0.0))
        return 0;
    while (*seg < nseg) {
        double rate = p->rate_per_year * factor[*seg];
        if (rate > 0.0) {
            double next = *clock + gsl_ran_exponential(r, 1.0 / rate);
            if (next < ends[*seg]) {
                *clock = next;
                occ->start_years = next;
                occ->severity = mr_severity_draw(&p->severity, r);
                occ->duration_months = mr_duration_draw(&p->duration, r);
                return 1;
            }
        }
        *clock = ends[*seg];
        ++*seg;
    }
    return 0;
}

int mr_occurrence_steps(const mr_occurrence *o, int steps_per_year, int nsteps, int *first)
{
    double k0 = floor(o->start_years * steps_per_year);
    if (k0 > nsteps - 1) /* tau < H, but tau * n may round up to T */
        k0 = nsteps - 1;
    double len = round(o->duration_months * steps_per_year / 12.0);
    if (len < 1.0)
        len = 1.0;
    if (k0 + len > nsteps)
        len = nsteps - k0;
    *first = (int)k0;
    return (int)len;
}
