/* sweep.h - run every variant of a scenario's sweep grid (docs/STUDIES.md). */
#ifndef MR_SWEEP_H
#define MR_SWEEP_H

#include "comm.h"
#include "engine.h"
#include "scenario.h"

#include <stdbool.h>

/* Parse every variant of base: 0, or -1 with the first variant's error. */
int mr_sweep_check(const mr_scenario *base, mr_error *err);

/* Parse every variant of base (a scenario with base->nsweep > 0; its seed
   and trials, with any command-line overrides, apply to all), run each with
   opts (collective over comm; opts->pause_seconds must be 0), and write one
   file at output: /variants/<name> per variant (a full run layout) and the
   /sweep table. Returns 0; 1 if interrupted; -1 with err (and *usage_error
   = 1 when the scenario is at fault: exit status 2). */
int mr_sweep_run(const mr_scenario *base, const char *output, const mr_engine_opts *opts,
                 const mr_comm *comm, mr_error *err, int *usage_error);

#endif
