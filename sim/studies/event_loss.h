/* event_loss.h - the event loss table (docs/MODEL.md §8e): a replayed
 * trial's step losses shared among its disruption occurrences, with an
 * explicit remainder that no occurrence carries. Pure computation on a
 * trace (sim/replay.h); used by `minrisk run --events` (sim/events.c).
 */
#ifndef MR_EVENT_LOSS_H
#define MR_EVENT_LOSS_H

#include "sim/model.h"
#include "sim/replay.h"

#include <stddef.h>

/* Scratch space of mr_event_loss_trial, grown to the largest trial seen. */
typedef struct {
    size_t cap;         /* occurrences the arrays hold */
    double *wm;         /* [cap * M] what occurrence e withholds of mineral m */
    double *wall;       /* [cap] the sum of its row of wm */
    double *share;      /* [cap] this step's shares */
    double *carry;      /* [S * cap] each sector's last shares */
    double *year;       /* [cap * S] each occurrence's loss in the current year */
    unsigned char *has; /* [S] the sector has shares to carry */
} mr_event_loss_ws;

void mr_event_loss_ws_free(mr_event_loss_ws *ws);

/* Share the losses of the trial traced in tr (mr_replayer_run with a trace
   from mr_trace_alloc, so with its hit rows) among its tr->nocc
   occurrences, step by step and sector by sector (the rule of
   docs/MODEL.md §8e). Out:
   - occ_loss[e * S + j]: the loss of sector j allocated to occurrence e
     over the horizon, GBP (tr->nocc rows);
   - unalloc[j]: the loss of sector j allocated to none;
   - omax[y * S + j]: the largest loss of sector j in year y allocated to
     any one occurrence (0 when none is positive);
   - omax_tot[y]: the largest loss over all sectors in year y allocated to
     any one occurrence (0 when none is positive).
   For every sector, sum_e occ_loss + unalloc equals the sum of the trace's
   value_loss + extra_cost over the steps up to rounding. 0, or -1 when out
   of memory. */
int mr_event_loss_trial(const mr_model *md, const mr_trace *tr, mr_event_loss_ws *ws,
                        double *occ_loss, double *unalloc, double *omax, double *omax_tot);

#endif
