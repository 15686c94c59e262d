/* replay.c - single trials replayed with their trace (replay.h), and the
 * trace of a trial: the engine's own trial code (sim/trial.c) on a
 * workspace of one thread.
 */
#include "sim/replay.h"

#include "sim/model.h"
#include "sim/trial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mr_trace_alloc(mr_trace *tr, int M, int S, int T)
{
    memset(tr, 0, sizeof *tr);
    tr->M = M;
    tr->S = S;
    tr->T = T;
    size_t tm = (size_t)T * (size_t)(M > 0 ? M : 1), ts = (size_t)T * (size_t)(S > 0 ? S : 1);
    double **pm[] = {&tr->availability, &tr->gap,          &tr->release, &tr->level, &tr->u,
                     &tr->ratio,        &tr->market_price, &tr->stock};
    double **ps[] = {&tr->c, &tr->q, &tr->value_loss, &tr->extra_cost};
    int ok = 1;
    for (size_t k = 0; k < sizeof pm / sizeof pm[0]; k++)
        ok = ok && (*pm[k] = calloc(tm, sizeof(double))) != NULL;
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
        ok = ok && (*ps[k] = calloc(ts, sizeof(double))) != NULL;
    if (!ok) {
        mr_trace_free(tr);
        return -1;
    }
    return 0;
}

void mr_trace_free(mr_trace *tr)
{
    void *ptrs[] = {tr->occ,        tr->hit,        tr->availability, tr->gap,  tr->release,
                    tr->level,      tr->u,          tr->ratio,        tr->c,    tr->q,
                    tr->value_loss, tr->extra_cost, tr->market_price, tr->stock};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
        free(ptrs[i]);
    memset(tr, 0, sizeof *tr);
}

struct mr_replayer {
    mr_model md;
    mr_workspace w;
    uint64_t seed;
    mr_counterfactual cf;
};

mr_replayer *mr_replayer_new(const mr_scenario *sc, const mr_counterfactual *cf, mr_error *err)
{
    mr_replayer *rp = calloc(1, sizeof *rp);
    if (!rp) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", sc->source_path);
        return NULL;
    }
    if (mr_model_build(sc, &rp->md, err)) {
        free(rp);
        return NULL;
    }
    if (mr_workspace_alloc(&rp->w, &rp->md)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for a workspace", sc->source_path);
        mr_model_free(&rp->md);
        free(rp);
        return NULL;
    }
    rp->seed = sc->seed;
    if (cf) {
        rp->cf = *cf;
        rp->w.cf = &rp->cf;
    }
    return rp;
}

void mr_replayer_free(mr_replayer *rp)
{
    if (!rp)
        return;
    mr_workspace_free(&rp->w, rp->md.M);
    mr_model_free(&rp->md);
    free(rp);
}

const void *mr_replayer_model(const mr_replayer *rp)
{
    return &rp->md;
}

int mr_replayer_run(mr_replayer *rp, uint64_t trial, mr_results *row, mr_trace *tr)
{
    if (tr)
        tr->nocc = 0;
    rp->w.trace = tr;
    rp->w.trace_failed = 0;
    uint64_t first = row->first_trial;
    row->first_trial = trial;
    mr_trial_run(&rp->md, rp->seed, trial, &rp->w, row);
    row->first_trial = first;
    rp->w.trace = NULL;
    return rp->w.trace_failed ? -1 : 0;
}

int mr_replayer_occurrences(mr_replayer *rp, uint64_t lo, uint64_t hi, mr_trace *tr)
{
    mr_workspace *w = &rp->w;
    const mr_model *md = &rp->md;
    w->trace = tr;
    w->trace_failed = 0;
    for (uint64_t i = lo; i < hi; i++) {
        mr_trial_sample_disruptions(md, (double)md->H, rp->seed, i, w);
        mr_trial_reset_survival(md, w);
    }
    w->trace = NULL;
    return w->trace_failed ? -1 : 0;
}
