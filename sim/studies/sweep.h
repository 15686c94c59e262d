/* sweep.h - run every variant of a scenario's sweep grid (docs/STUDIES.md). */
#ifndef MR_SWEEP_H
#define MR_SWEEP_H

#include "out/comm.h"
#include "sim/engine.h"
#include "sim/scenario/loader.h"

#include <stdbool.h>

/* Parse every variant of base: MR_OK, or with the first variant's error
   MR_BAD_INPUT (MR_FAILED: out of memory). */
mr_status mr_sweep_check(const mr_scenario *base, mr_error *err);

/* Parse every variant of base (a scenario with base->nsweep > 0; its seed
   and trials, with any command-line overrides, apply to all), run each with
   opts (collective over comm; opts->pause_seconds must be 0), and write one
   file at output: /variants/<name> per variant (a full run layout) and the
   /sweep table. Unless quiet, warns on stderr (rank 0) of each swept key
   none of whose values changes any trial's total loss. Returns MR_OK;
   MR_INTERRUPTED; with err MR_BAD_INPUT when the scenario is at fault (a
   bad variant), else MR_FAILED. */
mr_status mr_sweep_run(const mr_scenario *base, const char *output, const mr_engine_opts *opts,
                       bool quiet, const mr_comm *comm, mr_error *err);

#endif
