/* disruption.h - marked Poisson disruption processes (MODEL §3).
 *
 * Sampling is event-driven: inter-arrival times are drawn, so the cost of a
 * trial grows with the number of occurrences, never with the number of steps.
 */
#ifndef MR_DISRUPTION_H
#define MR_DISRUPTION_H

#include "models/scenario.h"

#include <gsl/gsl_rng.h>

typedef struct {
    double start_years;     /* tau, years since the start of the horizon */
    double duration_months; /* d */
    double severity;        /* s, fraction of the affected supply withheld */
} mr_occurrence;

/* The most occurrences of one process (and price jumps of one mineral) a
   trial samples. The loader bounds every rate by the time grid and the
   expected occurrences of a trial by 1e5 (docs/SCENARIO_FORMAT.md,
   "Limits"), so a valid scenario never comes near it (the chance that a
   Poisson count of mean 1e5 reaches 1e6 is nil); it only keeps a model
   built by other means from sampling without end. */
#define MR_OCCURRENCES_MAX 1000000

/* Next occurrence of process p after *clock (years), drawn from r.
   Returns 1 and fills *occ (advancing *clock) while the occurrence starts
   before horizon_years; returns 0 once the process has left the horizon.
   Start with *clock = 0. A process with rate 0 never occurs. */
int mr_disruption_next(const mr_process *p, double horizon_years, gsl_rng *r, double *clock,
                       mr_occurrence *occ);

/* Next occurrence of p when its rate is p->rate_per_year x factor[k] on
   segment k = [ends[k-1], ends[k]) (ends[-1] = 0; ends[nseg-1] is the
   horizon), e.g. the states of a tension regime (docs/MODEL.md §3r).
   *seg is the segment *clock is in; start with *clock = 0, *seg = 0.
   Exact for a piecewise-constant rate: an inter-arrival time that passes
   its segment's end is dropped and drawn anew from that end at the next
   segment's rate (the exponential is memoryless). Marks as in
   mr_disruption_next. */
int mr_disruption_next_piecewise(const mr_process *p, int nseg, const double *ends,
                                 const double *factor, gsl_rng *r, double *clock, int *seg,
                                 mr_occurrence *occ);

double mr_severity_draw(const mr_severity *s, gsl_rng *r);
double mr_duration_draw(const mr_duration *d, gsl_rng *r);

/* Steps on which an occurrence is active (MODEL §3):
   floor(tau n) .. floor(tau n) + max(1, round(d n / 12)) - 1, cut at T - 1.
   Returns the number of active steps (>= 1) and sets *first. */
int mr_occurrence_steps(const mr_occurrence *o, int steps_per_year, int nsteps, int *first);

#endif
