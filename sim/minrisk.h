/* minrisk.h - the minrisk library, one header: a table of contents.
 *
 * Three layers, each including only the ones below it (tests/layout/layering.py
 * checks it):
 *   models/  the model's vocabulary and equations (C library and GSL only)
 *   out/     what a run produces: results, statistics, files, tables
 *   sim/     the engine, the scenario loader, the studies and the commands
 * Each section below names its module's prefix and its header; the header
 * documents every function. docs/ARCHITECTURE.md draws the map.
 */
#ifndef MINRISK_H
#define MINRISK_H

/* ---- models/: vocabulary ------------------------------------------------ */
#include "models/status.h"   /* mr_status, mr_error, mr_gsl_quiet_: how everything fails */
#include "models/units.h"    /* MR_*: every constant, with its unit */
#include "models/scenario.h" /* mr_scenario and its parts: the model's parameters */

/* ---- models/: equations, in MODEL order --------------------------------- */
#include "models/disruption.h" /* mr_disruption_, mr_occurrence_: Poisson occurrences (§3) */
#include "models/regime.h"     /* mr_regime_: a country's tension regime (§3r) */
#include "models/supply.h"     /* mr_stage_, mr_supply_, mr_spare_, mr_stockpile_ (§3-§4) */
#include "models/prices.h"     /* mr_ou_, mr_scarcity_, mr_correlate: prices (§5) */
#include "models/market.h"     /* mr_market_: the market layer, clearing and buyers (§5m-§6m) */
#include "models/sectors.h"    /* mr_allocate_, mr_buffer_, mr_direct_inoperability_ (§6) */
#include "models/iim.h"        /* mr_iim_: inoperability propagation (§7) */
#include "models/policies.h"   /* mr_policy_: policies applied to a scenario (§10) */
#include "models/indicators.h" /* mr_indicators_: concentration indicators (§11) */
#include "models/uncertain.h"  /* mr_dist_: quantiles of the uncertain: distributions */

/* ---- out/: results and statistics --------------------------------------- */
#include "out/results.h"        /* mr_results_, mr_trial_vars: per-trial results, run info */
#include "out/comm.h"           /* mr_comm_: collectives over MPI ranks */
#include "out/clock.h"          /* mr_now_seconds: wall-clock timings */
#include "out/stats/stats.h"    /* mr_stats_: quantiles, ES, return periods */
#include "out/stats/dstats.h"   /* mr_dstats_: the same over ranks, in trial order */
#include "out/stats/sumstats.h" /* mr_sumstats_: the /summary statistics of a run */
#include "out/stats/sobol.h"    /* mr_sobol_: Sobol indices, bootstrap intervals (§9) */

/* ---- out/: files and tables ---------------------------------------------- */
#include "out/format.h"            /* MR_FORMAT_*, mr_output_*: fixed points of the file */
#include "out/scenario_yaml.h"     /* mr_scenario_resolved_yaml: the resolved scenario */
#include "out/h5/writer.h"         /* mr_output_: writing a result file */
#include "out/h5/extras.h"         /* mr_extras_: further datasets for the writer */
#include "out/h5/read.h"           /* mr_h5r_: reading a result file */
#include "out/tables/summary.h"    /* mr_summary_print: the risk tables */
#include "out/tables/attr_print.h" /* mr_attr_print: the attribution ranking */
#include "out/export/export.h"     /* mr_export_: CSV export */

/* ---- sim/: scenario --------------------------------------------------------- */
#include "sim/scenario/loader.h" /* mr_scenario_: YAML in, validated mr_scenario out */

/* ---- sim/: engine ------------------------------------------------------------ */
#include "sim/rng.h"        /* mr_rng_: Philox streams keyed by (seed, name, trial) */
#include "sim/model.h"      /* mr_model_: the scenario compiled to flat arrays */
#include "sim/engine.h"     /* mr_engine_: blocks of trials over threads and ranks */
#include "sim/replay.h"     /* mr_replayer_, mr_trace_: one trial, step by step */
#include "sim/checkpoint.h" /* mr_checkpoint_: resumable runs, checksummed */
#include "sim/crc64.h"      /* mr_crc64: CRC-64/XZ of the checkpoint's arrays */
#include "sim/memory.h"     /* mr_memory_: the memory a run may take, checked up front */

/* ---- sim/studies/: what the engine's runs are used for ---------------------- */
#include "sim/studies/paired.h"      /* mr_paired_: paired differences, bootstrap (compare) */
#include "sim/studies/sweep.h"       /* mr_sweep_: a grid of variants (sweep) */
#include "sim/studies/uncertainty.h" /* mr_uncertainty_: the uncertain block's study */
#include "sim/studies/attribution.h" /* mr_attr_: tail attribution, counterfactuals */
#include "sim/studies/run_extras.h"  /* mr_attribution_collect, mr_events_collect */
#include "sim/studies/story.h"       /* mr_story_: the story of one trial (explain) */

/* ---- sim/cmd/: the command line ---------------------------------------------- */
#include "sim/cmd/cli.h"     /* mr_cli_, mr_cmd_: shared pieces, one entry per command */
#include "sim/cmd/outpath.h" /* mr_outpath_: the output path's guard, lock, stale temporaries */

#endif
