/* run_extras.h - the optional analyses of `minrisk run` that add datasets
 * to its file: tail attribution and counterfactuals (/attribution,
 * sim/attribution.c) and the event table (/events, sim/events.c).
 * Each is collective over comm and appends to extras; MR_OK, or MR_FAILED
 * with err on every rank. */
#ifndef MR_RUN_EXTRAS_H
#define MR_RUN_EXTRAS_H

#include "out/comm.h"
#include "sim/engine.h"
#include "out/h5/extras.h"
#include "sim/scenario/loader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    bool events;         /* run --events: the /events table */
    bool counterfactual; /* run --counterfactual: attribution (b), one extra run per source */
    int threads;         /* as for the run (0 = OpenMP default) */
    bool progress;       /* progress lines on stderr (rank 0) */
    bool stream;         /* a streamed run (mr_attribution_collect_stream): no series
                            losses of every trial, no counterfactuals */
} mr_run_extras_opts;

/* About the most memory (bytes) the analyses of a run take at once on one
   rank, after the simulation, beyond the run's results: the attribution
   (always), the counterfactual runs and the event table as xo asks (the
   event table from the expected number of occurrences). ntrials = this
   rank's trials (sc->trials for one process; more is a safe over-estimate);
   the counterfactuals also hold whole-run arrays of sc->trials rows on
   every rank. For mr_engine_opts.analysis_bytes (sim/engine.h). MR_OK
   with *bytes (0 for a scenario the model refuses: the engine says why),
   or MR_FAILED: out of memory building the model to estimate it. */
mr_status mr_run_extras_bytes(const mr_scenario *sc, uint64_t ntrials, const mr_run_extras_opts *xo,
                              double *bytes);

/* The data the analyses xo asks for add to the run's file (bytes, into
   *bytes): /events and /loss_tables with xo->events, from the expected
   occurrences of a trial (the rates), for sc->trials trials; 0 otherwise
   (the attribution's tables are in mr_output_size_estimate's fixed part).
   MR_OK, or MR_FAILED: out of memory building the model. */
mr_status mr_run_extras_file_bytes(const mr_scenario *sc, const mr_run_extras_opts *xo,
                                   double *bytes);

/* /attribution: the tail allocation (always) and, with opts->counterfactual,
   the counterfactual runs. Returns MR_INTERRUPTED (on every rank) when a
   counterfactual run was interrupted (mr_engine_interrupt). */
mr_status mr_attribution_collect(const mr_scenario *sc, const mr_results *res,
                                 const mr_run_extras_opts *opts, const mr_comm *comm,
                                 mr_extras *extras, mr_error *err);

/* mr_attribution_collect for a streamed run (sim/engine.h mr_engine_stream,
   made with tails): res has no per-trial arrays; the tails and ES 99 come
   from st, after mr_stream_sumstats. No counterfactual runs. */
struct mr_stream;
mr_status mr_attribution_collect_stream(const mr_scenario *sc, const mr_results *res,
                                        const struct mr_stream *st, const mr_run_extras_opts *opts,
                                        const mr_comm *comm, mr_extras *extras, mr_error *err);

/* /events: every disruption occurrence of the run's trials (opts->events). */
mr_status mr_events_collect(const mr_scenario *sc, const mr_results *res, const mr_comm *comm,
                            mr_extras *extras, mr_error *err);

/* 1 when some trial's weight is not 1 on some rank: an importance-sampled
   run whose statistics, tables and attribution are weighted (docs/OUTPUT.md
   "Weighted estimators"); 0 for a plain run or a tilt that is the
   identity. Collective. */
int mr_results_weighted(const mr_results *res, const mr_comm *comm);

#endif
