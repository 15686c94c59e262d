/* engine.c - the Monte Carlo trial loop (MODEL §1-§8, §12).
 *
 * Trials are cut into fixed blocks of MR_BLOCK_TRIALS, handed to OpenMP
 * threads dynamically. A trial's random numbers come from streams keyed by
 * (seed, process name, trial), and its results go to row i of each array,
 * so nothing depends on which thread ran it. Per-thread workspaces are
 * allocated once; the trial loop allocates nothing.
 */
#include "engine.h"

#include "clock.h"
#include "disruption.h"
#include "iim.h"
#include "model.h"
#include "prices.h"
#include "rng.h"
#include "sectors.h"
#include "supply.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Thresholds of the per-trial counts (MODEL §8). */
#define MR_SHORTFALL_THRESHOLD 0.01    /* u > 1% counts as a month short */
#define MR_INOPERABILITY_THRESHOLD 0.05 /* q > 5% counts as a month inoperable */

static volatile sig_atomic_t interrupted = 0;

void mr_engine_interrupt(void)
{
    interrupted = 1;
}

int mr_engine_interrupted(void)
{
    return interrupted != 0;
}

int mr_results_alloc(mr_results *r, uint64_t N, int S, int M, int H, int T)
{
    memset(r, 0, sizeof *r);
    r->ntrials = N;
    r->ntrials_total = N;
    r->nsectors = S;
    r->nminerals = M;
    r->years = H;
    r->steps = T;
    size_t n = (size_t)N;
    r->total_loss = calloc(n, sizeof(double));
    r->sector_output_loss = calloc(n * (size_t)S, sizeof(double));
    r->sector_extra_cost = calloc(n * (size_t)S, sizeof(double));
    r->annual_loss = calloc(n * (size_t)H, sizeof(double));
    r->sector_annual_loss = calloc(n * (size_t)H * (size_t)S, sizeof(double));
    r->mineral_shortfall_mean = calloc(n * (size_t)M, sizeof(double));
    r->mineral_shortfall_peak = calloc(n * (size_t)M, sizeof(double));
    r->mineral_shortfall_months = calloc(n * (size_t)M, sizeof(double));
    r->mineral_price_peak = calloc(n * (size_t)M, sizeof(double));
    r->mineral_stockpile_empty_month = calloc(n * (size_t)M, sizeof(double));
    r->sector_inoperability_peak = calloc(n * (size_t)S, sizeof(double));
    r->sector_inoperability_months = calloc(n * (size_t)S, sizeof(double));
    r->band_q = calloc((size_t)T * (size_t)S * MR_BAND_Q_BINS, sizeof(uint64_t));
    r->band_y = calloc((size_t)T * (size_t)M * MR_BAND_Y_BINS, sizeof(uint64_t));
    if (!r->total_loss || !r->sector_output_loss || !r->sector_extra_cost || !r->annual_loss ||
        !r->sector_annual_loss || !r->mineral_shortfall_mean || !r->mineral_shortfall_peak ||
        !r->mineral_shortfall_months || !r->mineral_price_peak ||
        !r->mineral_stockpile_empty_month || !r->sector_inoperability_peak ||
        !r->sector_inoperability_months || !r->band_q || !r->band_y) {
        mr_results_free(r);
        return -1;
    }
    return 0;
}

void mr_results_free(mr_results *r)
{
    free(r->total_loss);
    free(r->sector_output_loss);
    free(r->sector_extra_cost);
    free(r->annual_loss);
    free(r->sector_annual_loss);
    free(r->mineral_shortfall_mean);
    free(r->mineral_shortfall_peak);
    free(r->mineral_shortfall_months);
    free(r->mineral_price_peak);
    free(r->mineral_stockpile_empty_month);
    free(r->sector_inoperability_peak);
    free(r->sector_inoperability_months);
    free(r->band_q);
    free(r->band_y);
    free(r->block_done);
    memset(r, 0, sizeof *r);
}

/* One thread's scratch space, sized once per run. */
typedef struct {
    gsl_rng *rng;        /* disruption and jump streams, sought per process */
    gsl_rng **price_rng; /* [M] one innovation stream per mineral */
    double *surv;        /* [nslots*T] prod (1 - s) of active occurrences; 1 when untouched */
    unsigned char *slot_touched; /* [nslots] */
    int *touched;        /* [nslots] slots whose surv row is not all ones */
    int ntouched;
    unsigned char *stage_touched; /* [M*2] */
    unsigned char *stage_active;  /* [M*2*T] some occurrence hits the stage on the step */
    double *loss;        /* [max_stage_n] L_c of one stage at one step */
    int *ramp_k;         /* [M*2] consecutive disrupted steps per stage */
    double *jump;        /* [M*T] ln jump sizes landing on each step; zero between trials */
    double *z, *y, *ratio, *u, *x, *e, *level;   /* [M] */
    double *usum, *upeak, *umonths, *ypeak, *empty; /* [M] */
    double *claim_f;     /* [nclaims] */
    double *f, *fprod, *buffer;                  /* [nneeds] */
    double *c, *q, *tmp, *ol, *xc, *qpeak, *qmonths; /* [S] */
    /* Private histograms, laid out [(j * BINS + k) * T + t] (and the same
       with m): a trajectory that stays in one bin walks along memory, which
       keeps the counts in cache. Transposed to mr_results' layout at the end. */
    uint32_t *band_q, *band_y; /* a thread counts at most N < 2^32 trials */
    double *qtraj, *ytraj;     /* [S*T], [M*T] this trial's q and y */
    uint64_t words;                              /* random words drawn so far */
    const mr_counterfactual *cf; /* NULL: the scenario as it is */
    mr_trace *trace;             /* NULL: no trace (a run) */
    int trace_failed;            /* out of memory recording occurrences */
    uint64_t trial;              /* trial being sampled (for the trace) */
} workspace;

static void workspace_free(workspace *w, int M)
{
    if (w->price_rng)
        for (int m = 0; m < M; m++)
            if (w->price_rng[m])
                gsl_rng_free(w->price_rng[m]);
    if (w->rng)
        gsl_rng_free(w->rng);
    void *ptrs[] = {w->price_rng, w->surv,  w->slot_touched, w->touched, w->stage_touched, w->stage_active,
                    w->loss,      w->ramp_k, w->jump,       w->z,       w->y,
                    w->ratio,     w->u,     w->x,           w->e,       w->level,
                    w->usum,      w->upeak, w->umonths,     w->ypeak,   w->empty,
                    w->claim_f,   w->f,     w->fprod,       w->buffer,  w->c,
                    w->q,         w->tmp,   w->ol,          w->xc,      w->qpeak,
                    w->qmonths,   w->band_q, w->band_y,    w->qtraj,   w->ytraj};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
        free(ptrs[i]);
    memset(w, 0, sizeof *w);
}

/* calloc of at least one element, so an empty array is not mistaken for a failure. */
static void *calloc_min1(size_t n, size_t size)
{
    return calloc(n > 0 ? n : 1, size);
}

static int workspace_alloc(workspace *w, const mr_model *md)
{
    memset(w, 0, sizeof *w);
    size_t M = (size_t)md->M, S = (size_t)md->S, T = (size_t)md->T;
    size_t ns = (size_t)md->nslots, nn = (size_t)md->nneeds;
    int ok = 1;
#define Z(p, n)                                                                                    \
    do {                                                                                           \
        (p) = calloc_min1((n), sizeof *(p));                                                       \
        ok = ok && (p);                                                                            \
    } while (0)
    w->rng = gsl_rng_alloc(mr_rng_philox);
    ok = ok && w->rng;
    Z(w->price_rng, M);
    for (size_t m = 0; ok && m < M; m++) {
        w->price_rng[m] = gsl_rng_alloc(mr_rng_philox);
        ok = ok && w->price_rng[m];
    }
    Z(w->surv, ns * T);
    Z(w->slot_touched, ns);
    Z(w->touched, ns);
    Z(w->stage_touched, M * 2);
    Z(w->stage_active, M * 2 * T);
    Z(w->loss, (size_t)md->max_stage_n);
    Z(w->ramp_k, M * 2);
    Z(w->jump, M * T);
    Z(w->z, M);
    Z(w->y, M);
    Z(w->ratio, M);
    Z(w->u, M);
    Z(w->x, M);
    Z(w->e, M);
    Z(w->level, M);
    Z(w->usum, M);
    Z(w->upeak, M);
    Z(w->umonths, M);
    Z(w->ypeak, M);
    Z(w->empty, M);
    Z(w->claim_f, (size_t)md->claim_first[md->M]);
    Z(w->f, nn);
    Z(w->fprod, nn);
    Z(w->buffer, nn);
    Z(w->c, S);
    Z(w->q, S);
    Z(w->tmp, S);
    Z(w->ol, S);
    Z(w->xc, S);
    Z(w->qpeak, S);
    Z(w->qmonths, S);
    Z(w->band_q, T * S * MR_BAND_Q_BINS);
    Z(w->band_y, T * M * MR_BAND_Y_BINS);
    Z(w->qtraj, S * T);
    Z(w->ytraj, M * T);
#undef Z
    if (!ok) {
        workspace_free(w, md->M);
        return -1;
    }
    for (size_t i = 0; i < ns * T; i++)
        w->surv[i] = 1.0;
    return 0;
}

/* Bin k of a band histogram holds [(k - 0.5) w, (k + 0.5) w) + lo; values
   outside go to the end bins. */
static inline int band_bin(double v, double lo, double width, int nbins)
{
    double x = (v - lo) / width + 0.5;
    if (!(x >= 1.0)) /* also NaN */
        return 0;
    if (x >= (double)nbins)
        return nbins - 1;
    return (int)x; /* x >= 1: truncation is floor */
}

/* Sample every disruption process of trial i into the survival rows (MODEL §3). */
/* One occurrence of process p on the step grid (MODEL §3): the survival
   factor 1 - s on its active steps of every slot it hits. */
static int trace_occurrence(mr_trace *tr, uint64_t trial, int p, const mr_occurrence *occ,
                            int first, int len)
{
    if (tr->nocc == tr->cap) {
        int cap = tr->cap ? 2 * tr->cap : 64;
        mr_occurrence_record *o = realloc(tr->occ, (size_t)cap * sizeof *o);
        if (!o)
            return -1;
        tr->occ = o;
        tr->cap = cap;
    }
    tr->occ[tr->nocc++] = (mr_occurrence_record){trial,      p, first, len, occ->start_years,
                                                  occ->duration_months, occ->severity};
    return 0;
}

static void apply_occurrence(const mr_model *md, int p, const mr_occurrence *occ, workspace *w)
{
    const int T = md->T;
    int first, len = mr_occurrence_steps(occ, md->n, T, &first);
    if (w->trace && trace_occurrence(w->trace, w->trial, p, occ, first, len))
        w->trace_failed = 1;
    double keep = 1.0 - occ->severity;
    const unsigned char *moff = w->cf ? w->cf->mineral_off : NULL;
    for (int q = md->proc_first[p]; q < md->proc_first[p + 1]; q++) {
        int slot = md->targets[q];
        if (moff && moff[md->slot_stage[slot] / 2])
            continue; /* counterfactual: the mineral is never disrupted */
        if (!w->slot_touched[slot]) {
            w->slot_touched[slot] = 1;
            w->touched[w->ntouched++] = slot;
            w->stage_touched[md->slot_stage[slot]] = 1;
        }
        double *row = w->surv + (size_t)slot * (size_t)T + (size_t)first;
        unsigned char *on =
            w->stage_active + (size_t)md->slot_stage[slot] * (size_t)T + (size_t)first;
        for (int t = 0; t < len; t++) {
            row[t] *= keep;
            on[t] = 1;
        }
    }
}

/* Disruptions of trial i (MODEL §3): an event's certain occurrences first
   (the same in every trial, no random numbers, so no stream moves), then
   each process's Poisson occurrences from its own stream. */
static void sample_disruptions(const mr_model *md, double horizon, uint64_t seed, uint64_t i,
                               workspace *w)
{
    const unsigned char *poff = w->cf ? w->cf->proc_off : NULL;
    w->trial = i;
    for (int p = 0; p < md->nproc; p++) {
        if (poff && poff[p])
            continue; /* counterfactual: never occurs (no other stream moves) */
        for (int k = 0; k < md->proc_ncertain[p]; k++) {
            const mr_certain_occurrence *c = &md->proc_certain[p][k];
            mr_occurrence occ = {c->start_years, c->duration_months, c->severity};
            apply_occurrence(md, p, &occ, w);
        }
        if (!(md->proc[p]->rate_per_year > 0.0))
            continue;
        w->words += mr_rng_words_used(w->rng);
        mr_rng_seek(w->rng, seed, md->proc_stream[p], i);
        double clock = 0.0;
        mr_occurrence occ;
        while (mr_disruption_next(md->proc[p], horizon, w->rng, &clock, &occ))
            apply_occurrence(md, p, &occ, w);
    }
}

/* Price jumps of trial i, by step of arrival (MODEL §5). */
static void sample_jumps(const mr_model *md, double horizon, uint64_t seed, uint64_t i,
                         workspace *w)
{
    for (int m = 0; m < md->M; m++) {
        if (!(md->jump_rate[m] > 0.0))
            continue;
        w->words += mr_rng_words_used(w->rng);
        mr_rng_seek(w->rng, seed, md->jump_stream[m], i);
        double clock = 0.0;
        for (;;) {
            clock += gsl_ran_exponential(w->rng, 1.0 / md->jump_rate[m]);
            if (clock >= horizon)
                break;
            int k = (int)floor(clock * md->n);
            if (k > md->T - 1)
                k = md->T - 1;
            w->jump[(size_t)m * (size_t)md->T + (size_t)k] +=
                md->jump_mu[m] + gsl_ran_gaussian_ziggurat(w->rng, md->jump_sigma[m]);
        }
    }
}

/* Leave the survival rows and stage flags touched by a trial all ones and
   zeros again, for the next trial. */
static void reset_survival(const mr_model *md, workspace *w)
{
    const int T = md->T;
    for (int k = 0; k < w->ntouched; k++) {
        int slot = w->touched[k];
        double *row = w->surv + (size_t)slot * (size_t)T;
        for (int t = 0; t < T; t++)
            row[t] = 1.0;
        w->slot_touched[slot] = 0;
        int st = md->slot_stage[slot];
        if (w->stage_touched[st]) {
            memset(w->stage_active + (size_t)st * (size_t)T, 0, (size_t)T);
            w->stage_touched[st] = 0;
        }
    }
    w->ntouched = 0;
}

/* One trial: MODEL §7a, steps (1)-(6), then the metrics of §8 into row i. */
static void run_trial(const mr_model *md, uint64_t seed, uint64_t trial, workspace *w,
                      mr_results *res)
{
    const uint64_t i = trial - res->first_trial; /* row of this rank's arrays */
    const int M = md->M, S = md->S, T = md->T, n = md->n, H = md->H;
    const double dt = md->dt, h = md->h;

    sample_disruptions(md, (double)H, seed, trial, w);
    sample_jumps(md, (double)H, seed, trial, w);
    if (md->any_volatility)
        for (int m = 0; m < M; m++) {
            w->words += mr_rng_words_used(w->price_rng[m]);
            mr_rng_seek(w->price_rng[m], seed, md->price_stream[m], trial);
        }

    for (int m = 0; m < M; m++) {
        w->z[m] = 0.0;
        w->level[m] = md->stockpile_initial[m];
        w->usum[m] = w->upeak[m] = w->umonths[m] = 0.0;
        w->ypeak[m] = -HUGE_VAL;
        w->empty[m] = NAN;
        w->ramp_k[2 * m] = w->ramp_k[2 * m + 1] = 0;
    }
    for (int k = 0; k < md->nneeds; k++)
        w->buffer[k] = md->need_buffer[k];
    for (int j = 0; j < S; j++)
        w->q[j] = w->ol[j] = w->xc[j] = w->qpeak[j] = w->qmonths[j] = 0.0;
    double *annual = res->sector_annual_loss + (size_t)i * (size_t)H * (size_t)S;
    for (int k = 0; k < H * S; k++)
        annual[k] = 0.0;

    for (int t = 0; t < T; t++) {
        /* (1)-(2) supply, stockpile and net shortfall u (MODEL §3, §4) */
        for (int m = 0; m < M; m++) {
            double a = 1.0;
            for (int s = 0; s < MR_NSTAGES; s++) {
                int st = 2 * m + s;
                if (!w->stage_touched[st] || !w->stage_active[(size_t)st * (size_t)T + (size_t)t]) {
                    w->ramp_k[st] = 0; /* no loss on this step: A = 1 exactly */
                    continue;
                }
                int first = md->stage_first[st], ns = md->stage_n[st], hit = 0;
                for (int c = 0; c < ns; c++) {
                    w->loss[c] = 1.0 - w->surv[(size_t)(first + c) * (size_t)T + (size_t)t];
                    hit |= w->loss[c] > 0.0;
                }
                w->ramp_k[st] = hit ? w->ramp_k[st] + 1 : 0;
                double ramp = mr_spare_ramp(w->ramp_k[st], h, md->ramp_months[m]);
                a *= mr_stage_availability(ns, md->slot_share + first, md->slot_spare + first,
                                           w->loss, ramp);
            }
            double gap = mr_supply_gap(md->recycled[m], md->domestic[m], a);
            double release = 0.0;
            if (md->has_stockpile[m]) {
                double before = w->level[m];
                release = mr_stockpile_step(&md->stockpile[m], &w->level[m], gap, h);
                if (before > 0.0 && w->level[m] <= 0.0 && isnan(w->empty[m]))
                    w->empty[m] = t * h;
            }
            double u = gap - release;
            if (w->trace) {
                size_t k = (size_t)t * (size_t)M + (size_t)m;
                w->trace->availability[k] = a;
                w->trace->gap[k] = gap;
                w->trace->release[k] = release;
                w->trace->level[k] = w->level[m];
            }
            w->u[m] = u;
            w->usum[m] += u;
            if (u > w->upeak[m])
                w->upeak[m] = u;
            if (u > MR_SHORTFALL_THRESHOLD)
                w->umonths[m] += h;
        }

        /* (3) prices: z(0) = 0, z(t) = decay z(t-1) + scale (L x)(t) + jumps (MODEL §5) */
        if (t > 0) {
            /* mean reversion applies to jumps too, with or without volatility */
            for (int m = 0; m < M; m++)
                w->z[m] *= md->ou_decay[m];
            if (md->any_volatility) {
                for (int m = 0; m < M; m++)
                    w->x[m] = gsl_ran_gaussian_ziggurat(w->price_rng[m], 1.0);
                mr_correlate(M, md->chol, w->x, w->e);
                for (int m = 0; m < M; m++)
                    w->z[m] += md->ou_scale[m] * w->e[m];
            }
        }
        for (int m = 0; m < M; m++) {
            double *jmp = &w->jump[(size_t)m * (size_t)T + (size_t)t];
            w->z[m] += *jmp;
            *jmp = 0.0;
            w->y[m] = w->z[m] + mr_scarcity_premium(w->u[m], md->elasticity[m], md->max_multiple[m]);
            w->ratio[m] = exp(w->y[m]);
            if (w->y[m] > w->ypeak[m])
                w->ypeak[m] = w->y[m];
            w->ytraj[(size_t)m * (size_t)T + (size_t)t] = w->y[m];
            if (w->trace) {
                w->trace->u[(size_t)t * (size_t)M + (size_t)m] = w->u[m];
                w->trace->ratio[(size_t)t * (size_t)M + (size_t)m] = w->ratio[m];
            }
        }

        /* (4) allocation, buffers, direct inoperability (MODEL §6) */
        if (md->priority) {
            for (int m = 0; m < M; m++) {
                int c0 = md->claim_first[m], g0 = md->group_first[m];
                int ngroups = md->group_first[m + 1] - g0 - 1;
                if (w->u[m] > 0.0)
                    mr_allocate_priority(ngroups, md->group_start + g0, md->claim_demand + c0,
                                         1.0 - w->u[m], w->claim_f + c0);
                else /* everyone is served in full: what mr_allocate_priority gives */
                    for (int c = c0; c < md->claim_first[m + 1]; c++)
                        w->claim_f[c] = 1.0;
                for (int c = c0; c < md->claim_first[m + 1]; c++)
                    if (md->claim_need[c] >= 0)
                        w->f[md->claim_need[c]] = w->claim_f[c];
            }
        } else {
            for (int k = 0; k < md->nneeds; k++)
                w->f[k] = 1.0 - w->u[md->need_mineral[k]];
        }
        for (int k = 0; k < md->nneeds; k++)
            w->fprod[k] = mr_buffer_step(w->f[k], &w->buffer[k], md->need_buffer[k],
                                         md->buffer_refill_rate, h);
        for (int j = 0; j < S; j++) {
            int k0 = md->need_first[j], nk = md->need_first[j + 1] - k0;
            w->c[j] = md->combine[j] == MR_COMBINE_INDEPENDENT
                          ? mr_direct_inoperability_independent(nk, md->need_a + k0,
                                                                md->need_sigma + k0, w->fprod + k0)
                          : mr_direct_inoperability_limiting(nk, md->need_a + k0,
                                                             md->need_sigma + k0, w->fprod + k0);
        }

        /* (5) propagation (MODEL §7) */
        mr_iim_step(S, md->astar, md->k, w->c, w->q, w->tmp);

        /* (6) losses of step t (MODEL §8) */
        double *ann = annual + (size_t)(t / n) * (size_t)S;
        for (int j = 0; j < S; j++) {
            double ol = w->q[j] * md->output[j] * dt;
            double xc = 0.0;
            for (int k = md->need_first[j]; k < md->need_first[j + 1]; k++)
                xc += md->need_w[k] * dt * w->f[k] * (w->ratio[md->need_mineral[k]] - 1.0);
            w->ol[j] += ol;
            w->xc[j] += xc;
            ann[j] += ol + xc;
            if (w->q[j] > w->qpeak[j])
                w->qpeak[j] = w->q[j];
            if (w->q[j] > MR_INOPERABILITY_THRESHOLD)
                w->qmonths[j] += h;
            w->qtraj[(size_t)j * (size_t)T + (size_t)t] = w->q[j];
            if (w->trace) {
                size_t k = (size_t)t * (size_t)S + (size_t)j;
                w->trace->c[k] = w->c[j];
                w->trace->q[k] = w->q[j];
                w->trace->output_loss[k] = ol;
                w->trace->extra_cost[k] = xc;
            }
        }
    }

    /* Time bands: count the trajectories in a tight loop of independent
       increments, so the processor overlaps the cache misses. */
    for (int j = 0; j < S; j++)
        for (int t = 0; t < T; t++) {
            int k = band_bin(w->qtraj[(size_t)j * (size_t)T + (size_t)t], 0.0, MR_BAND_Q_WIDTH,
                             MR_BAND_Q_BINS);
            w->band_q[((size_t)j * MR_BAND_Q_BINS + (size_t)k) * (size_t)T + (size_t)t]++;
        }
    for (int m = 0; m < M; m++)
        for (int t = 0; t < T; t++) {
            int k = band_bin(w->ytraj[(size_t)m * (size_t)T + (size_t)t], MR_BAND_Y_MIN,
                             MR_BAND_Y_WIDTH, MR_BAND_Y_BINS);
            w->band_y[((size_t)m * MR_BAND_Y_BINS + (size_t)k) * (size_t)T + (size_t)t]++;
        }

    /* metrics of trial i (MODEL §8), into row i */
    size_t iS = (size_t)i * (size_t)S, iM = (size_t)i * (size_t)M;
    double total = 0.0;
    for (int j = 0; j < S; j++) {
        res->sector_output_loss[iS + (size_t)j] = w->ol[j];
        res->sector_extra_cost[iS + (size_t)j] = w->xc[j];
        res->sector_inoperability_peak[iS + (size_t)j] = w->qpeak[j];
        res->sector_inoperability_months[iS + (size_t)j] = w->qmonths[j];
        total += w->ol[j] + w->xc[j];
    }
    res->total_loss[i] = total;
    for (int y = 0; y < H; y++) {
        double a = 0.0;
        for (int j = 0; j < S; j++)
            a += annual[(size_t)y * (size_t)S + (size_t)j];
        res->annual_loss[(size_t)i * (size_t)H + (size_t)y] = a;
    }
    for (int m = 0; m < M; m++) {
        res->mineral_shortfall_mean[iM + (size_t)m] = w->usum[m] / T;
        res->mineral_shortfall_peak[iM + (size_t)m] = w->upeak[m];
        res->mineral_shortfall_months[iM + (size_t)m] = w->umonths[m];
        res->mineral_price_peak[iM + (size_t)m] = exp(w->ypeak[m]);
        res->mineral_stockpile_empty_month[iM + (size_t)m] = w->empty[m];
    }

    reset_survival(md, w); /* all ones again for the next trial */
}

/* dst[(t * n + j) * bins + k] += src[(j * bins + k) * T + t]: integer sums,
   exact in any order, so the bands do not depend on the thread count. */
static void add_bands(uint64_t *dst, const uint32_t *src, int T, int n, int bins)
{
    for (int j = 0; j < n; j++)
        for (int k = 0; k < bins; k++) {
            const uint32_t *row = src + ((size_t)j * (size_t)bins + (size_t)k) * (size_t)T;
            for (int t = 0; t < T; t++)
                dst[((size_t)t * (size_t)n + (size_t)j) * (size_t)bins + (size_t)k] += row[t];
        }
}


static int run_blocks(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                      const mr_comm *comm, mr_results *res, mr_run_info *info);

/* The blocks of res still to do, on md (built from sc). */
static int continue_on(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                       mr_results *res, mr_run_info *info, mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    int rc = run_blocks(sc, md, opts, opts->comm ? opts->comm : &solo, res, info);
    if (rc < 0) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the thread workspaces",
                 sc->source_path);
        mr_results_free(res);
    }
    return rc;
}

int mr_engine_run(const mr_scenario *sc, const mr_engine_opts *opts, mr_results *res,
                  mr_run_info *info, mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    const mr_comm *comm = opts->comm ? opts->comm : &solo;
    mr_model md;
    if (mr_model_build(sc, &md, err))
        return -1;
    const uint64_t N = sc->trials;
    if (N > MR_RNG_MAX_TRIALS) {
        snprintf(err->msg, sizeof err->msg, "%s: simulation.trials: at most %llu, got %llu",
                 sc->source_path, (unsigned long long)MR_RNG_MAX_TRIALS, (unsigned long long)N);
        mr_model_free(&md);
        return -1;
    }
    /* This rank's blocks: a contiguous range, so its trials are one slab of
       every per-trial array. */
    const uint64_t nblocks = (N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    uint64_t blo, bhi;
    mr_comm_block_range(nblocks, comm->rank, comm->size, &blo, &bhi);
    const uint64_t first = blo * MR_BLOCK_TRIALS;
    const uint64_t last = bhi * MR_BLOCK_TRIALS < N ? bhi * MR_BLOCK_TRIALS : N;
    int oom = mr_results_alloc(res, last - first, md.S, md.M, md.H, md.T) != 0;
    if (!oom) {
        res->first_trial = first;
        res->ntrials_total = N;
        res->first_block = blo;
        res->nblocks = bhi - blo;
        res->block_done = calloc(bhi - blo > 0 ? bhi - blo : 1, 1);
        oom = !res->block_done;
    }
    if (mr_comm_any(comm, oom)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for %llu trials on a rank",
                 sc->source_path, (unsigned long long)(last - first));
        mr_results_free(res);
        mr_model_free(&md);
        return -1;
    }
    /* Blocks already done (a resumed run) keep the rows the caller loads. */
    for (uint64_t b = blo; b < bhi; b++)
        if (opts->skip_block && opts->skip_block[b])
            res->block_done[b - blo] = 1;
    /* No reset of `interrupted` here: a signal that came during start-up
       (before the engine ran) still stops the run. */
    int rc = continue_on(sc, &md, opts, res, info, err);
    mr_model_free(&md);
    return rc;
}

int mr_engine_continue(const mr_scenario *sc, const mr_engine_opts *opts, mr_results *res,
                       mr_run_info *info, mr_error *err)
{
    mr_model md;
    if (mr_model_build(sc, &md, err))
        return -1;
    int rc = continue_on(sc, &md, opts, res, info, err);
    mr_model_free(&md);
    return rc;
}

/* Run the blocks of res not yet done, on this rank's threads (MODEL §12):
   returns 0 when all are done, 1 if interrupted, 2 if paused after
   opts->pause_seconds, -1 if a workspace could not be allocated. */
static int run_blocks(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                      const mr_comm *comm, mr_results *res, mr_run_info *info)
{
    const uint64_t N = res->ntrials_total;
    const uint64_t blo = res->first_block, bhi = res->first_block + res->nblocks;
    const double t0 = mr_now_seconds();
    uint64_t todo_local = 0;
    for (uint64_t b = blo; b < bhi; b++)
        if (!res->block_done[b - blo]) {
            uint64_t lo = b * MR_BLOCK_TRIALS;
            todo_local += (lo + MR_BLOCK_TRIALS < N ? lo + MR_BLOCK_TRIALS : N) - lo;
        }
    int paused = 0;
    uint64_t done = 0, words = 0;
    int failed = 0, nthreads = 1;
    double last_print = t0;
    if (opts->threads > 0)
        omp_set_num_threads(opts->threads);

#pragma omp parallel
    {
        workspace w;
        int wok = workspace_alloc(&w, md) == 0;
        if (wok)
            w.cf = opts->counterfactual;
#pragma omp atomic
        failed += !wok;
#pragma omp barrier
#pragma omp single
        nthreads = omp_get_num_threads();
        if (!failed) {
#pragma omp for schedule(dynamic, 1)
            for (uint64_t b = blo; b < bhi; b++) {
                int stop_now;
#pragma omp atomic read
                stop_now = paused;
                if (interrupted || stop_now || res->block_done[b - blo])
                    continue;
                if (opts->pause_seconds > 0 && mr_now_seconds() - t0 > opts->pause_seconds) {
#pragma omp atomic write
                    paused = 1;
                    continue;
                }
                uint64_t lo = b * MR_BLOCK_TRIALS;
                uint64_t hi = lo + MR_BLOCK_TRIALS < N ? lo + MR_BLOCK_TRIALS : N;
                for (uint64_t i = lo; i < hi; i++)
                    run_trial(md, sc->seed, i, &w, res);
                res->block_done[b - blo] = 1;
                uint64_t d;
#pragma omp atomic capture
                d = done += hi - lo;
                if (opts->progress && comm->rank == 0 && omp_get_thread_num() == 0) {
                    /* rank 0's own progress stands for the run's */
                    double t = mr_now_seconds();
                    if (t - last_print > 0.5 || d == todo_local) {
                        double rate = (double)d / (t - t0) * comm->size;
                        double all = (double)d * comm->size;
                        fprintf(stderr, "\r%.0f / %llu trials  %.0f trials/s  ETA %.0f s   ", all,
                                (unsigned long long)N, rate, ((double)N - all) / rate);
                        last_print = t;
                    }
                }
            }
            /* Sum the private histograms: integer sums, exact in any order. */
            w.words += mr_rng_words_used(w.rng);
            for (int m = 0; m < md->M; m++)
                w.words += mr_rng_words_used(w.price_rng[m]);
#pragma omp critical(mr_bands)
            {
                words += w.words;
                add_bands(res->band_q, w.band_q, md->T, md->S, MR_BAND_Q_BINS);
                add_bands(res->band_y, w.band_y, md->T, md->M, MR_BAND_Y_BINS);
            }
        }
        if (wok)
            workspace_free(&w, md->M);
    }
    double wall = mr_now_seconds() - t0;
    int stop = interrupted;
    if (mr_comm_any(comm, failed))
        return -1;
    uint64_t totals[2] = {done, words};
    mr_comm_sum_u64(comm, totals, 2);
    if (opts->progress && comm->rank == 0)
        fprintf(stderr, "\r%llu trials in %.2f s (%.0f trials/s)%20s\n",
                (unsigned long long)totals[0], wall, (double)totals[0] / wall, "");
    /* accumulated over the calls of a run (a paused run continues) */
    info->threads = nthreads;
    info->ranks = comm->size;
    if (!res->calls)
        info->analysis_seconds = 0.0;
    info->wall_seconds = (res->calls ? info->wall_seconds : 0.0) + wall;
    info->random_words = (res->calls ? info->random_words : 0) + totals[1];
    res->trials_run += totals[0];
    info->trials_per_second = (double)res->trials_run / info->wall_seconds;
    res->calls++;
    /* One rank's signal stops all: they checkpoint or discard together. */
    if (mr_comm_any(comm, stop))
        return 1;
    return mr_comm_any(comm, paused) ? 2 : 0;
}

/* ---- single-trial replay (explain, tail attribution) ---- */

int mr_trace_alloc(mr_trace *tr, int M, int S, int T)
{
    memset(tr, 0, sizeof *tr);
    tr->M = M;
    tr->S = S;
    tr->T = T;
    size_t tm = (size_t)T * (size_t)(M > 0 ? M : 1), ts = (size_t)T * (size_t)(S > 0 ? S : 1);
    double **pm[] = {&tr->availability, &tr->gap, &tr->release, &tr->level, &tr->u, &tr->ratio};
    double **ps[] = {&tr->c, &tr->q, &tr->output_loss, &tr->extra_cost};
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
    void *ptrs[] = {tr->occ, tr->availability, tr->gap,         tr->release,    tr->level, tr->u,
                    tr->ratio, tr->c,          tr->q,           tr->output_loss, tr->extra_cost};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
        free(ptrs[i]);
    memset(tr, 0, sizeof *tr);
}

struct mr_replayer {
    mr_model md;
    workspace w;
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
    if (workspace_alloc(&rp->w, &rp->md)) {
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
    workspace_free(&rp->w, rp->md.M);
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
    run_trial(&rp->md, rp->seed, trial, &rp->w, row);
    row->first_trial = first;
    rp->w.trace = NULL;
    return rp->w.trace_failed ? -1 : 0;
}

int mr_replayer_occurrences(mr_replayer *rp, uint64_t lo, uint64_t hi, mr_trace *tr)
{
    workspace *w = &rp->w;
    const mr_model *md = &rp->md;
    w->trace = tr;
    w->trace_failed = 0;
    for (uint64_t i = lo; i < hi; i++) {
        sample_disruptions(md, (double)md->H, rp->seed, i, w);
        reset_survival(md, w);
    }
    w->trace = NULL;
    return w->trace_failed ? -1 : 0;
}
