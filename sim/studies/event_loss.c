/* event_loss.c - the event loss table of one replayed trial
 * (event_loss.h; the rule: docs/MODEL.md §8e).
 */
#include "sim/studies/event_loss.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void mr_event_loss_ws_free(mr_event_loss_ws *ws)
{
    free(ws->wm);
    free(ws->wall);
    free(ws->share);
    free(ws->carry);
    free(ws->year);
    free(ws->has);
    memset(ws, 0, sizeof *ws);
}

static int grow(mr_event_loss_ws *ws, size_t nocc, size_t M, size_t S)
{
    if (nocc <= ws->cap && ws->has)
        return 0;
    size_t cap = ws->cap ? ws->cap : 16;
    while (cap < nocc)
        cap *= 2;
    mr_event_loss_ws n = {.cap = cap};
    n.wm = malloc(cap * (M ? M : 1) * sizeof *n.wm);
    n.wall = malloc(cap * sizeof *n.wall);
    n.share = malloc(cap * sizeof *n.share);
    n.carry = malloc((S ? S : 1) * cap * sizeof *n.carry);
    n.year = malloc(cap * (S ? S : 1) * sizeof *n.year);
    n.has = malloc(S ? S : 1);
    if (!n.wm || !n.wall || !n.share || !n.carry || !n.year || !n.has) {
        mr_event_loss_ws_free(&n);
        return -1;
    }
    mr_event_loss_ws_free(ws);
    *ws = n;
    return 0;
}

/* Sector j is still disturbed at step t: inoperable, or short of a mineral
   it needs, or paying a market clearing price above normal for one. */
static int disturbed(const mr_model *md, const mr_trace *tr, int j, int t)
{
    const size_t M = (size_t)md->M;
    if (tr->q[(size_t)t * (size_t)md->S + (size_t)j] > 0.0)
        return 1;
    for (int k = md->need_first[j]; k < md->need_first[j + 1]; k++) {
        size_t at = (size_t)t * M + (size_t)md->need_mineral[k];
        double p = tr->market_price[at];
        if (tr->u[at] > 0.0 || (!isnan(p) && p > 1.0))
            return 1;
    }
    return 0;
}

/* The year's losses of the occurrences into omax and omax_tot; cleared. */
static void close_year(const mr_event_loss_ws *ws, int nocc, int S, int y, double *omax,
                       double *omax_tot)
{
    for (int e = 0; e < nocc; e++) {
        double *yl = ws->year + (size_t)e * (size_t)S, tot = 0.0;
        for (int j = 0; j < S; j++) {
            if (yl[j] > omax[(size_t)y * (size_t)S + (size_t)j])
                omax[(size_t)y * (size_t)S + (size_t)j] = yl[j];
            tot += yl[j];
            yl[j] = 0.0;
        }
        if (tot > omax_tot[y])
            omax_tot[y] = tot;
    }
}

int mr_event_loss_trial(const mr_model *md, const mr_trace *tr, mr_event_loss_ws *ws,
                        double *occ_loss, double *unalloc, double *omax, double *omax_tot)
{
    const int M = md->M, S = md->S, T = md->T, H = md->H, n = md->n, nocc = tr->nocc;
    if (grow(ws, (size_t)nocc, (size_t)M, (size_t)S))
        return -1;
    /* what each occurrence withholds of each mineral: the larger of its stages */
    for (int e = 0; e < nocc; e++) {
        const double *h = tr->hit + (size_t)e * 2 * (size_t)M;
        double all = 0.0;
        for (int m = 0; m < M; m++) {
            double v = h[2 * m] > h[2 * m + 1] ? h[2 * m] : h[2 * m + 1];
            ws->wm[(size_t)e * (size_t)M + (size_t)m] = v;
            all += v;
        }
        ws->wall[e] = all;
    }
    if (nocc > 0) { /* with none, occ_loss and ws->year may be NULL */
        memset(occ_loss, 0, (size_t)nocc * (size_t)S * sizeof *occ_loss);
        memset(ws->year, 0, (size_t)nocc * (size_t)S * sizeof *ws->year);
    }
    memset(unalloc, 0, (size_t)S * sizeof *unalloc);
    memset(omax, 0, (size_t)H * (size_t)S * sizeof *omax);
    memset(omax_tot, 0, (size_t)H * sizeof *omax_tot);
    memset(ws->has, 0, (size_t)S);
    for (int t = 0; t < T; t++) {
        for (int j = 0; j < S; j++) {
            const size_t tj = (size_t)t * (size_t)S + (size_t)j;
            const double L = tr->value_loss[tj] + tr->extra_cost[tj];
            double *carry = ws->carry + (size_t)j * ws->cap;
            /* (a) the active occurrences, by what they withhold of the
               minerals the sector needs; (b) else, when the sector is
               inoperable (propagation, MODEL §7), by what they withhold of
               any mineral */
            double W = 0.0, Wall = 0.0;
            for (int e = 0; e < nocc; e++) {
                const mr_occurrence_record *o = &tr->occ[e];
                double w = 0.0;
                if (t >= o->first_step && t < o->first_step + o->nsteps) {
                    for (int k = md->need_first[j]; k < md->need_first[j + 1]; k++)
                        w += ws->wm[(size_t)e * (size_t)M + (size_t)md->need_mineral[k]];
                    Wall += ws->wall[e];
                }
                ws->share[e] = w;
                W += w;
            }
            const double *share = NULL;
            if (W > 0.0) {
                for (int e = 0; e < nocc; e++)
                    carry[e] = ws->share[e] / W;
                share = carry;
            } else if (Wall > 0.0 && tr->q[tj] > 0.0) {
                for (int e = 0; e < nocc; e++) {
                    const mr_occurrence_record *o = &tr->occ[e];
                    int on = t >= o->first_step && t < o->first_step + o->nsteps;
                    carry[e] = on ? ws->wall[e] / Wall : 0.0;
                }
                share = carry;
            } else if (ws->has[j] && disturbed(md, tr, j, t)) {
                share = carry; /* (c) the aftermath: the last shares */
            }
            if (!share) { /* (d) no occurrence's: the remainder */
                ws->has[j] = 0;
                unalloc[j] += L;
                continue;
            }
            ws->has[j] = 1;
            for (int e = 0; e < nocc; e++) {
                if (share[e] == 0.0)
                    continue;
                double a = L * share[e];
                occ_loss[(size_t)e * (size_t)S + (size_t)j] += a;
                ws->year[(size_t)e * (size_t)S + (size_t)j] += a;
            }
        }
        if ((t + 1) % n == 0 || t == T - 1) {
            int y = t / n;
            if (y < H)
                close_year(ws, nocc, S, y, omax, omax_tot);
        }
    }
    return 0;
}
