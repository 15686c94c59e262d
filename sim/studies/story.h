/* story.h - one trial told month by month (`minrisk explain`): the
 * disruptions that struck, the minerals that ran short, the stockpiles, the
 * sectors that lost output and what it cost. Printing only: the numbers
 * come from a replayed trial (mr_replayer_run's row and trace). */
#ifndef MR_STORY_H
#define MR_STORY_H

#include "sim/engine.h"
#include "sim/replay.h"
#include "sim/model.h"
#include "sim/scenario/loader.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Below these a month's figures are left out of the story as noise. */
#define MR_STORY_SHORTFALL_MIN 0.0005     /* fraction of demand (0.05%) */
#define MR_STORY_INOPERABILITY_MIN 0.0005 /* fraction of output (0.05%) */
/* A month is told when a shortfall or an inoperability moved at least this
   much since the last month told (fraction: 2 percentage points); months of
   smaller moves are folded into one line. */
#define MR_STORY_CHANGE_MIN 0.02

typedef struct {
    const mr_scenario *sc;
    const mr_model *md;
    const mr_trace *tr;    /* the trial's trace */
    const mr_results *row; /* the trial's results (row 0) */
    uint64_t trial, ntrials;
    int sector;                 /* tell the story of this sector only; -1 = all */
    bool all_steps;             /* a line for every step, quiet ones too */
    const double *loss_without; /* [nproc] the story's loss (the trial's total, or the
                                   sector's OL + XC) replayed with process p switched off
                                   (mr_counterfactual), GBP; NaN where not computed; or NULL */
} mr_story;

/* In brief (the worst month, what drove the loss, the sectors' shares),
   the disruptions in time order, the months in which something happened,
   and the per-sector and per-mineral totals of the trial. 0, or -1 out of
   memory (a part may then be missing). */
int mr_story_print(const mr_story *s, FILE *out);

/* GBP as millions with about four significant digits, thousands separated
   by commas: "136,553", "2,410", "53.62", "0.060" (no unit). */
void mr_story_gbp_m(char *buf, size_t size, double gbp);

/* "month 14 (year 2, month 3)" for step t with monthly steps (months and
   steps counted from 0 at the start of the horizon, year and month of the
   year from 1); otherwise "step t (year y, step k of n; month m.m)". */
void mr_story_when(const mr_model *md, int t, char *buf, size_t size);

/* What process p is, in words: "China export controls on gallium ...
   (event cn-export-controls: gallium, germanium; mining, refining)".
   0, or -1 out of memory: the minerals are then left out of buf. */
int mr_story_process(const mr_scenario *sc, const mr_model *md, int p, char *buf, size_t size);

#endif
