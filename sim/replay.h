/* replay.h - single trials replayed step by step (sim/replay.c), for
 * `explain`, the tail attribution and the event table: the same code as a
 * run, so a replayed trial's results are bit for bit the run's row.
 */
#ifndef MR_REPLAY_H
#define MR_REPLAY_H

#include "models/scenario.h"
#include "models/status.h"
#include "out/results.h"
#include "sim/engine.h"

#include <stdint.h>

/* One disruption occurrence of a trial (MODEL §3). */
typedef struct {
    uint64_t trial;
    int process;            /* index in mr_model_build's process list */
    int first_step, nsteps; /* active steps first_step .. first_step + nsteps - 1 */
    double start_years;     /* tau */
    double duration_months; /* d, before the cut at the horizon */
    double severity;        /* s, fraction of the supply withheld */
    double rush_months;     /* r, months of exports bought ahead (MODEL §3s); 0 for none */
} mr_occurrence_record;

/* What happened in one trial, step by step (for `explain` and the tail
   attribution). Filled by mr_replayer_run; every array [T * M] or [T * S],
   laid out [t * M + m] / [t * S + j]. */
typedef struct {
    int M, S, T;
    int nocc, cap;
    mr_occurrence_record *occ; /* in the order they were sampled */
    /* [cap * 2M] when M > 0: what occurrence e withholds, by stage:
       hit[e * 2M + 2m + s] = sum over the slots of stage s of mineral m it
       strikes of severity x the slot's share (the larger of the open
       market's and the UK's share); an outage of the domestic supply puts
       severity x the domestic share on both stages. The weights of the
       event loss table (sim/studies/event_loss.h) */
    double *hit;
    double *availability; /* [T*M] A_m(t), both stages */
    double *gap;          /* [T*M] g_m(t), fraction of demand */
    double *release;      /* [T*M] stockpile release R_m(t), fraction of demand */
    double *level;        /* [T*M] stockpile level after the step, months of demand */
    double *u;            /* [T*M] net shortfall u_m(t) */
    double *ratio;        /* [T*M] price ratio P/P0 */
    /* the open market of a mineral with a market block (docs/MODEL.md §5m);
       NaN for a mineral without one. Its supply loss is 1 - availability */
    double *market_price; /* [T*M] clearing price ratio exp(p*), market only (no noise) */
    double *stock;        /* [T*M] commercial stock K after the step, months of demand */
    double *c;            /* [T*S] direct inoperability c_j(t) */
    double *q;            /* [T*S] inoperability q_j(t) */
    double *value_loss;   /* [T*S] GBP in the step: value added lost (docs/MODEL.md §8) */
    double *extra_cost;   /* [T*S] GBP in the step */
} mr_trace;

int mr_trace_alloc(mr_trace *tr, int M, int S, int T);
void mr_trace_free(mr_trace *tr);

/* Replays single trials of a scenario: the same code as a run, so a
   replayed trial's results are bit for bit the run's row. One thread. */
typedef struct mr_replayer mr_replayer;

/* NULL on failure with err filled. cf may be NULL; its masks are read at
   each replay (the caller may change them between replays). */
mr_replayer *mr_replayer_new(const mr_scenario *sc, const mr_counterfactual *cf, mr_error *err);
void mr_replayer_free(mr_replayer *rp);
/* The compiled model (process names, kinds, countries). */
const void *mr_replayer_model(const mr_replayer *rp); /* const mr_model * */

/* Re-run trial `trial` (0 <= trial < 2^32) with the scenario's seed: its
   results into row 0 of row (allocated with mr_results_alloc_rows(row, 1, ...);
   its bands, if any, are not used: the trial counts them in the workspace),
   and when tr != NULL its trace (tr->nocc reset first). Returns 0, -1 if
   out of memory recording the trace. */
int mr_replayer_run(mr_replayer *rp, uint64_t trial, mr_results *row, mr_trace *tr);

/* Only the disruption occurrences of trials lo .. hi-1, appended to tr->occ
   in trial order (cheap: no supply or prices). Returns 0 or -1 (memory). */
int mr_replayer_occurrences(mr_replayer *rp, uint64_t lo, uint64_t hi, mr_trace *tr);

#endif
