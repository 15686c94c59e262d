/* importance.h - choosing the importance tilt (docs/MODEL.md §12i):
 * the cross-entropy method over the rate factors of the disruption
 * processes, in pilot stages on their own random streams.
 */
#ifndef MR_IMPORTANCE_H
#define MR_IMPORTANCE_H

#include "models/scenario.h"
#include "models/status.h"
#include "sim/engine.h"

/* The Philox key of pilot stage s (0-based) of a run with seed `seed`: a
   key of its own, so that no pilot trial shares a random number with the
   main run (docs/MODEL.md §12). */
uint64_t mr_importance_pilot_seed(uint64_t seed, int s);

/* The trials of each pilot stage: sc->importance.pilot_trials when given,
   else max(1000, trials / 10). */
uint64_t mr_importance_pilot_trials(const mr_scenario *sc);

/* Run sc->importance.pilot_stages cross-entropy stages of
   sc->importance.pilot_trials trials each (0: max(1000, trials / 10)) for
   sc->importance's target, starting from its rates, and replace the rates
   by the factor chosen for every disruption process with a rate (its exact
   name); the stages' figures go to sc->importance.stage_figs. Collective
   over opts->comm; the same result on every rank and for any rank and
   thread count (every reduction in trial order). seconds: the pilots' wall
   time (may be NULL). With opts->progress rank 0 prints a line a stage
   (its trials, time, level and elite count); the stages' own engine runs
   print none. MR_OK, or MR_FAILED / MR_INTERRUPTED with err. */
mr_status mr_importance_choose(mr_scenario *sc, const mr_engine_opts *opts, double *seconds,
                               mr_error *err);

/* The ESS line and the warnings of an importance-sampled run (rank 0,
   stderr): res's weights gathered (collective). quiet: nothing printed.
   *ess set (may be NULL). 0, or -1 when out of memory. */
int mr_importance_report(const mr_results *res, const mr_comm *comm, int quiet, double *ess);

#endif
