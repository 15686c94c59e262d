/* trial.c - one trial of the model, step by step in MODEL order (MODEL §3-§8):
 * sample the disruptions and price jumps of the trial, then for each step
 * (1)-(2) supply, stockpile and net shortfall, (3) prices, (4) allocation,
 * buffers and direct inoperability, (5) propagation, (6) losses; then the
 * trial's metrics into its row of the results.
 *
 * A trial's random numbers come from streams keyed by (seed, process name,
 * trial), so nothing depends on which thread runs it. The workspace is
 * allocated once per thread; the trial loop allocates nothing.
 */
#include "sim/trial.h"

#include "models/disruption.h"
#include "models/iim.h"
#include "models/market.h"
#include "models/prices.h"
#include "models/sectors.h"
#include "models/supply.h"
#include "models/units.h"
#include "sim/rng.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of trajectory bins a thread holds before it counts them (w->bband):
   4 MiB, about 670 trials of bench/synthetic.yaml. */
#define MR_BAND_BUFFER_BYTES (4u << 20)

void mr_workspace_free(mr_workspace *w, int M)
{
    if (w->price_rng)
        for (int m = 0; m < M; m++)
            if (w->price_rng[m])
                gsl_rng_free(w->price_rng[m]);
    if (w->rng)
        gsl_rng_free(w->rng);
    void *ptrs[] = {w->price_rng,
                    w->surv,
                    w->survx,
                    w->slot_touched,
                    w->touched,
                    w->stage_touched,
                    w->stage_active,
                    w->loss,
                    w->ramp_k,
                    w->jump,
                    w->rush,
                    w->z,
                    w->y,
                    w->ratio,
                    w->u,
                    w->x,
                    w->e,
                    w->level,
                    w->usum,
                    w->upeak,
                    w->umonths,
                    w->ypeak,
                    w->empty,
                    w->claim_f,
                    w->f,
                    w->fprod,
                    w->buffer,
                    w->c,
                    w->q,
                    w->tmp,
                    w->ol,
                    w->xc,
                    w->qpeak,
                    w->qmonths,
                    w->band_q,
                    w->band_y,
                    w->bband,
                    w->qtraj,
                    w->ytraj,
                    w->gl,
                    w->stock,
                    w->age,
                    w->pstar,
                    w->bought,
                    w->nratio,
                    w->sratio,
                    w->mloss_peak,
                    w->drawn_peak,
                    w->destroyed,
                    w->guard_mo,
                    w->pstar_peak,
                    w->home_peak,
                    w->fall_peak,
                    w->psum,
                    w->short_mo,
                    w->scarce_mo,
                    w->actions,
                    w->seg_eps,
                    w->deny,
                    w->lic,
                    w->lic_slots,
                    w->lic_on,
                    w->exp_on,
                    w->xr,
                    w->spare_now,
                    w->eps_now,
                    w->avail,
                    w->served,
                    w->refill_m,
                    w->refill_p0,
                    w->last,
                    w->m_touched,
                    w->reg_nseg,
                    w->reg_end,
                    w->reg_factor,
                    w->incl,
                    w->keep_dom,
                    w->dom_touched,
                    w->f_one,
                    w->st_a,
                    w->st_phys,
                    w->st_ramp,
                    w->st_hit,
                    w->st_last,
                    w->m_active,
                    w->pcount,
                    w->pexpo,
                    w->ly,
                    w->fseg_end,
                    w->fseg_factor};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
        free(ptrs[i]);
    memset(w, 0, sizeof *w);
}

int mr_workspace_band_rows(const mr_model *md)
{
    /* at most MR_BAND_BUFFER_BYTES of waiting rows, at least one */
    size_t row = ((size_t)md->S + (size_t)md->M) * (size_t)md->T * sizeof(uint16_t);
    size_t cap = row > 0 ? MR_BAND_BUFFER_BYTES / row : 1;
    return cap < 1 ? 1 : cap > MR_BLOCK_TRIALS ? MR_BLOCK_TRIALS : (int)cap;
}

/* calloc of at least one element, so an empty array is not mistaken for a failure. */
static void *calloc_min1(size_t n, size_t size)
{
    return calloc(n > 0 ? n : 1, size);
}

int mr_workspace_alloc(mr_workspace *w, const mr_model *md)
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
    Z(w->survx, ns * T);
    Z(w->slot_touched, ns);
    Z(w->touched, ns);
    Z(w->stage_touched, M * 2);
    Z(w->stage_active, M * 2 * T);
    Z(w->loss, (size_t)md->max_stage_n);
    Z(w->ramp_k, M * 2);
    Z(w->jump, M * T);
    Z(w->rush, M * T);
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
    w->bband_cap = mr_workspace_band_rows(md);
    Z(w->bband, (size_t)w->bband_cap * (S + M) * T);
    Z(w->qtraj, S * T);
    Z(w->ytraj, M * T);
    Z(w->gl, S);
    Z(w->stock, M);
    Z(w->age, M);
    Z(w->pstar, M);
    Z(w->bought, M);
    Z(w->nratio, M);
    Z(w->sratio, M);
    Z(w->mloss_peak, M);
    Z(w->drawn_peak, M);
    Z(w->destroyed, M);
    Z(w->guard_mo, M);
    Z(w->pstar_peak, M);
    Z(w->home_peak, M);
    Z(w->fall_peak, M);
    Z(w->psum, M);
    Z(w->short_mo, M);
    Z(w->scarce_mo, M);
    Z(w->actions, M);
    Z(w->seg_eps, (size_t)md->nseg);
    Z(w->deny, M * T);
    Z(w->lic, ns * T);
    Z(w->lic_slots, ns);
    Z(w->lic_on, ns);
    Z(w->exp_on, M * T);
    Z(w->xr, ns * T);
    Z(w->spare_now, (size_t)md->max_stage_n);
    Z(w->eps_now, M);
    Z(w->avail, M);
    Z(w->served, M);
    Z(w->refill_m, M);
    Z(w->refill_p0, M);
    Z(w->last, M);
    Z(w->m_touched, M);
    Z(w->reg_nseg, (size_t)md->nc);
    Z(w->reg_end, (size_t)md->nc * ((size_t)md->regime_max + 1));
    Z(w->reg_factor, (size_t)md->nc * ((size_t)md->regime_max + 1));
    Z(w->incl, M);
    Z(w->keep_dom, M * T);
    Z(w->dom_touched, M);
    Z(w->f_one, M);
    Z(w->st_a, M * 2);
    Z(w->st_phys, M * 2);
    Z(w->st_ramp, M * 2);
    Z(w->st_hit, M * 2);
    Z(w->st_last, M * 2);
    Z(w->m_active, M * T);
    /* a year focus keeps them by year: [nproc * H] (docs/MODEL.md §12i) */
    const size_t py = (size_t)md->nproc * (md->focus_year ? (size_t)md->H : 1);
    Z(w->pcount, py);
    Z(w->pexpo, py);
    Z(w->ly, md->focus_year ? 2 * (size_t)md->H : 1);
    Z(w->fseg_end, (size_t)md->regime_max + 3);
    Z(w->fseg_factor, (size_t)md->regime_max + 3);
#undef Z
    if (!ok) {
        mr_workspace_free(w, md->M);
        return -1;
    }
    for (size_t i = 0; i < ns * T; i++)
        w->surv[i] = w->survx[i] = w->lic[i] = 1.0;
    for (size_t i = 0; i < M * T; i++)
        w->deny[i] = w->keep_dom[i] = 1.0;
    for (size_t i = 0; i < M * 2; i++)
        w->st_last[i] = -2; /* no step computed */
    return 0;
}

/* Bin k of a band histogram holds [(k - 0.5) w, (k + 0.5) w) + lo; values
   outside go to the end bins. Branch-free over a row of n values, so that
   the compiler vectorises it. */
static void band_bins(const double *v, int n, double lo, double width, int nbins, uint16_t *bin)
{
    const double top = (double)(nbins - 1);
    for (int i = 0; i < n; i++) {
        double x = (v[i] - lo) / width + 0.5;
        x = x >= 1.0 ? x : 0.0; /* below bin 1, and NaN: bin 0 */
        x = x < top ? x : top;  /* x >= 1: truncation is floor */
        bin[i] = (uint16_t)(int)x;
    }
}

/* Start of trial `trial`: its disruptions and jumps sampled, the price
   streams sought, every state variable at its value at t = 0. */
static void trial_start(const mr_model *md, uint64_t seed, uint64_t trial, mr_workspace *w,
                        double *annual)
{
    const int M = md->M, S = md->S, H = md->H;
    for (int m = 0; m < M; m++)
        w->actions[m] = 0.0; /* counted while the disruptions are sampled */
    mr_trial_sample_disruptions(md, (double)H, seed, trial, w);
    mr_trial_sample_jumps(md, (double)H, seed, trial, w);
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
        w->stock[m] = md->market[m] ? md->mrule[m].rest_months : 0.0;
        w->age[m] = 0;
        w->pstar[m] = 0.0;
        w->eps_now[m] = md->elasticity[m];
        w->last[m].st = (mr_market_step){0};
        w->bought[m] = 1.0 - (md->recycled_t ? md->recycled_t[m] + md->domestic_t[m]
                                             : md->recycled[m] + md->domestic[m]);
        w->mloss_peak[m] = w->drawn_peak[m] = w->destroyed[m] = w->guard_mo[m] = 0.0;
        w->fall_peak[m] = w->psum[m] = w->short_mo[m] = w->scarce_mo[m] = 0.0;
        w->pstar_peak[m] = w->home_peak[m] = -HUGE_VAL;
    }
    for (int k = 0; k < md->nneeds; k++)
        w->buffer[k] = md->need_buffer[k];
    for (int k = 0; k < md->nneeds; k++)
        w->f[k] = w->fprod[k] = 1.0;
    for (int m = 0; m < M; m++)
        w->f_one[m] = 1;
    w->nlow = 0; /* every buffer full */
    w->sect_rest = w->c_zero = w->q_zero = 1;
    for (int j = 0; j < S; j++)
        w->c[j] = w->q[j] = w->ol[j] = w->gl[j] = w->xc[j] = w->qpeak[j] = w->qmonths[j] = 0.0;
    for (int k = 0; k < H * S; k++)
        annual[k] = 0.0;
}

/* Availability A_m(t) of mineral m, both stages (MODEL §4): the shorter
   stage of physical losses (ore bans included), with export controls on
   the product compounding on top; 1 exactly on a step no occurrence
   touches. */
static inline double step_availability(const mr_model *md, mr_workspace *w, int m, int t)
{
    const int T = md->T;
    double a[MR_NSTAGES], phys[MR_NSTAGES];
    for (int s = 0; s < MR_NSTAGES; s++) {
        int st = 2 * m + s;
        a[s] = phys[s] = 1.0;
        const unsigned char on =
            w->stage_touched[st] ? w->stage_active[(size_t)st * (size_t)T + (size_t)t] : 0;
        if (!(on & 1)) {
            w->ramp_k[st] = 0; /* no loss on this step: A = 1 exactly */
            continue;
        }
        if (!(on & 2) && w->st_last[st] == t - 1 && !md->slot_share_t) {
            /* no occurrence starts or ends here, and the shares stay: the
               losses are those of the last step, so A is too unless the
               spare capacity's ramp moved */
            int k = w->st_hit[st] ? w->ramp_k[st] + 1 : 0;
            if (mr_spare_ramp(k, md->h, md->ramp_months[m]) == w->st_ramp[st]) {
                w->ramp_k[st] = k;
                a[s] = w->st_a[st];
                phys[s] = w->st_phys[st];
                w->st_last[st] = t;
                continue;
            }
        }
        int first = md->stage_first[st], ns = md->stage_n[st], hit = 0, xr = 0, xo = 0;
        const size_t row = md->slot_share_t ? (size_t)t * (size_t)md->nslots : 0;
        const double *spare = (md->slot_share_t ? md->slot_spare_t + row : md->slot_spare) + first;
        const double *share = (md->slot_share_t ? md->slot_share_t + row : md->slot_share) + first;
        for (int c = 0; c < ns; c++) {
            size_t k = (size_t)(first + c) * (size_t)T + (size_t)t;
            double keep = w->surv[k];
            if (w->xr[k]) {
                xr = 1;
                if (md->slot_product[first + c]) {
                    keep *= w->survx[k];
                    xo = 1;
                }
            }
            w->loss[c] = 1.0 - keep;
            /* the stage is disrupted (the spare capacity's ramp runs) only
               where supply is lost: a supplier with no share now (a UK-only
               partner, a country refining UK recycling, a path at 0) loses
               none (docs/MODEL.md §4) */
            hit |= share[c] * w->loss[c] > 0.0;
        }
        w->ramp_k[st] = hit ? w->ramp_k[st] + 1 : 0;
        double ramp = mr_spare_ramp(w->ramp_k[st], md->h, md->ramp_months[m]);
        if (xr) { /* a country restricting its exports adds no spare capacity */
            for (int c = 0; c < ns; c++)
                w->spare_now[c] =
                    w->xr[(size_t)(first + c) * (size_t)T + (size_t)t] ? 0.0 : spare[c];
            a[s] = mr_stage_availability(ns, share, w->spare_now, w->loss, ramp);
        } else {
            a[s] = mr_stage_availability(ns, share, spare, w->loss, ramp);
        }
        if (!xo) { /* no export control on the product: all losses are physical */
            phys[s] = a[s];
        } else {
            for (int c = 0; c < ns; c++) /* the product stage without its export controls */
                w->loss[c] = 1.0 - w->surv[(size_t)(first + c) * (size_t)T + (size_t)t];
            phys[s] = mr_stage_availability(ns, share, spare, w->loss, ramp);
        }
        w->st_a[st] = a[s];
        w->st_phys[st] = phys[s];
        w->st_hit[st] = (unsigned char)hit;
        w->st_ramp[st] = ramp;
        w->st_last[st] = t;
    }
    return mr_chain_stages(a[MR_STAGE_MINING], phys[MR_STAGE_MINING], a[MR_STAGE_REFINING],
                           phys[MR_STAGE_REFINING]);
}

/* The market step's functions: inline, or out of line for a profile that
   measures their share of the run (bench/market_share.sh). */
#ifdef MR_PROFILE_MARKET
#define MARKET_FN static __attribute__((noinline))
#else
#define MARKET_FN static inline
#endif

/* The scarcity factor S = exp(p*) of a market's price (docs/MODEL.md §5m). */
MARKET_FN double scarcity_ratio(double p)
{
    return mr_exp(p);
}

/* The open market of mineral m at step t (docs/MODEL.md §5m), before its
   solve: at rest (a = 1, the stock at its rest level: price 0 exactly,
   nothing moves) returns 0 with everything set; else the step's
   elasticities and the solve's start *p0, and returns 2 for the refill
   after a shortage that mr_market_refill takes (a = 1, the stock below
   rest, |p0| within the refill's limit), 1 for any other step. */
MARKET_FN int market_begin(const mr_model *md, mr_workspace *w, int m, double a, double *p0)
{
    const mr_market_rule *r = &md->mrule[m];
    if (a == 1.0 && w->stock[m] == r->rest_months) {
        w->pstar[m] = 0.0;
        w->age[m] = 0;
        w->eps_now[m] = md->elasticity[m];
        w->last[m].st = (mr_market_step){0};
        return 0;
    }
    const size_t ma = (size_t)m * (size_t)md->T + (size_t)w->age[m];
    double eps = md->eps_age[ma];
    w->eps_now[m] = eps; /* the buyers' costs of this step use it too (§6m) */
    for (int k = md->seg_first[m]; k < md->seg_first[m + 1]; k++) {
        int q = md->seg_need[k];
        w->seg_eps[k] = q < 0 ? eps
                              : mr_market_need_elasticity(md->need_cost[q], md->need_sigma[q],
                                                          md->elasticity[m], eps);
    }
    if (a == 1.0 && w->stock[m] < r->rest_months) {
        /* the refill starts from its own series (no division, nothing
           from the last step) */
        const double *b = md->refill_b + ma * MR_REFILL_COEF;
        *p0 = mr_market_refill_start(b, md->refill_y[2 * m] + (r->rest_months - w->stock[m]) *
                                                                  md->refill_y[2 * m + 1]);
        if (fabs(*p0) <= b[MR_REFILL_COEF - 1] && !md->seg_moves[m])
            return 2; /* its table is the constant weights' */
        return 1;
    }
    const mr_market_last *l = &w->last[m];
    *p0 = mr_market_start(&l->st, r, a - l->supply, w->stock[m] - l->stock, eps - l->eps);
    return 1;
}

/* Solve the market of mineral m from p0 (by mr_market_refill when refill,
   else or when it declines by mr_market_clear) and move its stock and
   metrics. Returns the share of demand served (1 unless the guard binds). */
MARKET_FN double market_solve(const mr_model *md, mr_workspace *w, int m, int t, double a,
                              double p0, int refill)
{
    const mr_market_rule *r = &md->mrule[m];
    const double h = md->h;
    const int k0 = md->seg_first[m], nseg = md->seg_first[m + 1] - k0;
    /* the clearing weights: along the demands' paths, or constant */
    const double *wt =
        (md->seg_moves[m] ? md->seg_weight_t + (size_t)t * (size_t)md->nseg : md->seg_weight) + k0;
    mr_market_step st;
    if (!refill || !mr_market_refill(nseg, wt, w->seg_eps + k0, w->stock[m], r, h, p0, &st))
        st = mr_market_clear(nseg, wt, w->seg_eps + k0, a, w->stock[m], r, h, p0);
    w->last[m] = (mr_market_last){st, a, w->stock[m], w->eps_now[m]};
    w->pstar[m] = st.p;
    w->stock[m] = st.release >= w->stock[m] / h ? 0.0 : w->stock[m] - st.release * h;
    w->age[m]++;
    /* within 0.1% of the rest level, or of a month of demand below a
       month's rest level: with none at rest (Kbar = 0) a rush's stock
       decays towards 0 by 1 - h/tau a step and never reaches it */
    if (a == 1.0 && fabs(w->stock[m] - r->rest_months) <=
                        MR_STOCK_AT_REST * (r->rest_months > 1.0 ? r->rest_months : 1.0)) {
        /* back at rest: the next step is exact, and a shortage that starts
           on it starts again from the short-run elasticity (age 0) */
        w->stock[m] = r->rest_months;
        w->age[m] = 0;
    }
    if (r->rest_months - w->stock[m] > w->drawn_peak[m])
        w->drawn_peak[m] = r->rest_months - w->stock[m];
    double consumed = st.served * st.demand; /* below D when the guard rations */
    if (consumed < 1.0) {
        w->destroyed[m] += (1.0 - consumed) * h;
        if (1.0 - consumed > w->fall_peak[m])
            w->fall_peak[m] = 1.0 - consumed;
    }
    if (st.guard > 0)
        w->guard_mo[m] += h;
    return st.served;
}

/* Recycled supply r of mineral m at step t less what is lost abroad
   (docs/MODEL.md §4): r (1 - sum_k a_k (1 - keep_k)), keep_k the survival
   of country k's product slot, its export controls included (a tolling
   return is an export); r itself on a step that touches none of them. */
static inline double recycled_at_risk(const mr_model *md, const mr_workspace *w, int m, int t,
                                      double r)
{
    double lost = 0.0;
    for (int q = md->ra_first[m]; q < md->ra_first[m + 1]; q++) {
        int slot = md->ra_slot[q];
        if (!w->slot_touched[slot])
            continue;
        size_t k = (size_t)slot * (size_t)md->T + (size_t)t;
        double keep = w->surv[k] * (w->xr[k] ? w->survx[k] : 1.0);
        lost += md->ra_share[q] * (1.0 - keep);
    }
    return lost > 0.0 ? r * (1.0 - lost) : r;
}

/* The recycled and domestic supply of mineral m at step t after their own
   risks (docs/MODEL.md §4): *d times the survival of the domestic
   outages, *r less what is lost where it is refined abroad. */
static inline void supply_at_risk(const mr_model *md, const mr_workspace *w, int m, int t,
                                  double *r, double *d)
{
    if (w->dom_touched[m])
        *d *= w->keep_dom[(size_t)m * (size_t)md->T + (size_t)t];
    if (md->ra_first[m + 1] > md->ra_first[m])
        *r = recycled_at_risk(md, w, m, t, *r);
}

/* (1)-(2) supply, stockpile and net shortfall u of step t (MODEL §3, §4;
   with a market, docs/MODEL.md §5m: the UK's physical shortfall). */
static inline void step_supply(const mr_model *md, mr_workspace *w, int t)
{
    const int M = md->M, T = md->T;
    const double h = md->h;
    /* in three passes, so that the markets' solves (independent across
       minerals) follow each other and the processor overlaps them */
    for (int m = 0; m < M; m++) {
        if (w->m_active[(size_t)m * (size_t)T + (size_t)t]) {
            w->avail[m] = step_availability(md, w, m, t);
        } else { /* no occurrence hits the mineral: A = 1 exactly, no ramp */
            w->ramp_k[2 * m] = w->ramp_k[2 * m + 1] = 0;
            w->avail[m] = 1.0;
        }
    }
    if (md->any_market) {
        /* the refills after a shortage last: each is the same short chain
           of arithmetic with no branch to mispredict, so the processor runs
           them side by side (the minerals' markets are independent: the
           order changes no result) */
        int nrefill = 0;
        for (int m = 0; m < M; m++)
            if (md->market[m]) {
                double *rush = &w->rush[(size_t)m * (size_t)T + (size_t)t];
                /* stock bought ahead of a control that starts now (§3s) */
                if (md->any_rush && *rush != 0.0) {
                    w->stock[m] += *rush;
                    *rush = 0.0;
                }
                double p0 = 0.0;
                int kind = market_begin(md, w, m, w->avail[m], &p0);
                if (kind == 2) {
                    w->refill_m[nrefill] = m;
                    w->refill_p0[nrefill++] = p0;
                } else {
                    w->served[m] = kind ? market_solve(md, w, m, t, w->avail[m], p0, 0) : 1.0;
                }
            }
        for (int i = 0; i < nrefill; i++) {
            int m = w->refill_m[i];
            w->served[m] = market_solve(md, w, m, t, 1.0, w->refill_p0[i], 1);
        }
    }
    /* r_m and d_m of this step: a time path's, or the constant */
    const double *recycled = md->recycled_t ? md->recycled_t + (size_t)t * (size_t)M : md->recycled;
    const double *domestic = md->domestic_t ? md->domestic_t + (size_t)t * (size_t)M : md->domestic;
    int nshort = 0;
    for (int m = 0; m < M; m++) {
        double a = w->avail[m];
        if (a == 1.0 && !md->market[m] && !w->trace) {
            /* nothing lost: the gap is 0 (whatever r and d are), so is u;
               the stockpile only refills (what the steps below give) */
            if (md->has_stockpile[m])
                mr_stockpile_step(&md->stockpile[m], &w->level[m], 0.0, h);
            w->u[m] = 0.0;
            continue;
        }
        if (1.0 - a > w->mloss_peak[m])
            w->mloss_peak[m] = 1.0 - a;
        if (1.0 - a > MR_SHORTFALL_THRESHOLD)
            w->short_mo[m] += h;
        double r = recycled[m], d = domestic[m]; /* after their own risks */
        if (md->any_supply_risk)
            supply_at_risk(md, w, m, t, &r, &d);
        double gap, fphys = 1.0, need = 1.0 - r - d;
        if (md->market[m]) {
            fphys = w->served[m] * w->deny[(size_t)m * (size_t)T + (size_t)t];
            if (w->pstar[m] >= MR_SCARCE_LOG_PRICE)
                w->scarce_mo[m] += h;
            double short_of = 1.0 - (a < fphys ? a : fphys);
            gap = short_of > 0.0 ? need * short_of : 0.0;
        } else {
            gap = mr_supply_gap(r, d, a);
        }
        double release = 0.0;
        if (md->has_stockpile[m]) {
            double before = w->level[m];
            release = mr_stockpile_step(&md->stockpile[m], &w->level[m], gap, h);
            if (before > 0.0 && w->level[m] <= 0.0 && isnan(w->empty[m]))
                w->empty[m] = t * h;
        }
        double u = gap - release;
        if (md->market[m]) {
            /* the stockpile covers the physical shortfall first, then
               displaces purchases at the market price */
            double phys = fphys < 1.0 ? need * (1.0 - fphys) : 0.0;
            u = phys > release ? phys - release : 0.0;
            double over = release > phys ? release - phys : 0.0;
            double b = need * fphys - over;
            w->bought[m] = b > 0.0 ? b : 0.0;
        }
        if (w->trace) {
            size_t k = (size_t)t * (size_t)M + (size_t)m;
            w->trace->availability[k] = a;
            w->trace->gap[k] = gap;
            w->trace->release[k] = release;
            w->trace->level[k] = w->level[m];
            w->trace->market_price[k] = md->market[m] ? exp(w->pstar[m]) : NAN;
            w->trace->stock[k] = md->market[m] ? w->stock[m] : NAN;
        }
        w->u[m] = u;
        w->usum[m] += u;
        nshort += u > 0.0;
        if (u > w->upeak[m])
            w->upeak[m] = u;
        if (u > MR_SHORTFALL_THRESHOLD)
            w->umonths[m] += h;
    }
    w->nshort = nshort;
}

/* (3) prices of step t: z(0) = 0, z(t) = decay z(t-1) + scale (L x)(t) +
   jumps (MODEL §5). */
static inline void step_prices(const mr_model *md, mr_workspace *w, int t)
{
    const int M = md->M, T = md->T;
    if (t > 0) {
        /* mean reversion applies to jumps too, with or without volatility */
        for (int m = 0; m < M; m++)
            w->z[m] *= md->ou_decay[m];
        if (md->any_volatility) {
            for (int m = 0; m < M; m++)
                w->x[m] = gsl_ran_gaussian_ziggurat(w->price_rng[m], 1.0);
            /* e = L x over L's entries that are not 0: the same sums as
               mr_correlate's, whose other terms are exact zeros */
            for (int m = 0; m < M; m++) {
                double e = 0.0;
                for (int q = md->chol_first[m]; q < md->chol_first[m + 1]; q++)
                    e += md->chol_val[q] * w->x[md->chol_col[q]];
                w->e[m] = e;
            }
            for (int m = 0; m < M; m++)
                w->z[m] += md->ou_scale[m] * w->e[m];
        }
    }
    for (int m = 0; m < M; m++) {
        double *jmp = &w->jump[(size_t)m * (size_t)T + (size_t)t];
        w->z[m] += *jmp;
        *jmp = 0.0;
        if (md->market[m]) {
            /* mean-corrected noise plus the clearing price (docs/MODEL.md §5m) */
            double noise = w->z[m] - md->noise_half_var[(size_t)m * (size_t)T + (size_t)t];
            w->y[m] = noise + w->pstar[m];
            w->nratio[m] = exp(noise);                                             /* N, mean 1 */
            w->sratio[m] = w->pstar[m] == 0.0 ? 1.0 : scarcity_ratio(w->pstar[m]); /* S */
            w->ratio[m] = w->nratio[m] * w->sratio[m];                             /* P = N S */
            if (w->pstar[m] > w->pstar_peak[m])
                w->pstar_peak[m] = w->pstar[m];
            double home = w->exp_on[(size_t)m * (size_t)T + (size_t)t] ? noise : w->y[m];
            if (home > w->home_peak[m])
                w->home_peak[m] = home;
        } else {
            double pi = w->u[m] > 0.0 ? mr_scarcity_premium_capped(w->u[m], md->elasticity[m],
                                                                   md->mrule[m].guard)
                                      : 0.0;
            w->y[m] = w->z[m] + pi;
            if (pi > w->pstar_peak[m])
                w->pstar_peak[m] = pi;
            if (w->y[m] > w->home_peak[m])
                w->home_peak[m] = w->y[m];
            if (w->u[m] > 0.0 && pi >= md->mrule[m].guard)
                w->guard_mo[m] += md->h;
            w->ratio[m] = exp(w->y[m]);
        }
        w->psum[m] += w->ratio[m];
        if (w->y[m] > w->ypeak[m])
            w->ypeak[m] = w->y[m];
        w->ytraj[(size_t)m * (size_t)T + (size_t)t] = w->y[m];
        if (w->trace) {
            w->trace->u[(size_t)t * (size_t)M + (size_t)m] = w->u[m];
            w->trace->ratio[(size_t)t * (size_t)M + (size_t)m] = w->ratio[m];
        }
    }
}

/* (4) allocation, buffers and direct inoperability c_j (MODEL §6). */
static inline void step_sectors(const mr_model *md, mr_workspace *w, int t)
{
    const int M = md->M, S = md->S;
    /* f of the minerals short now; back to 1 for those short no longer
       (f = 1 is what both rules give a mineral with u = 0) */
    int changed = 0;
    for (int m = 0; m < M; m++) {
        const int c0 = md->claim_first[m], c1 = md->claim_first[m + 1];
        if (w->u[m] > 0.0) {
            if (md->priority) {
                int g0 = md->group_first[m], ngroups = md->group_first[m + 1] - g0 - 1;
                mr_allocate_priority(ngroups, md->group_start + g0, md->claim_demand + c0,
                                     1.0 - w->u[m], w->claim_f + c0);
                for (int c = c0; c < c1; c++)
                    if (md->claim_need[c] >= 0)
                        w->f[md->claim_need[c]] = w->claim_f[c];
            } else {
                for (int c = c0; c < c1; c++)
                    if (md->claim_need[c] >= 0)
                        w->f[md->claim_need[c]] = 1.0 - w->u[m];
            }
            w->f_one[m] = 0;
            changed = 1;
        } else if (!w->f_one[m]) {
            for (int c = c0; c < c1; c++)
                if (md->claim_need[c] >= 0)
                    w->f[md->claim_need[c]] = 1.0;
            w->f_one[m] = 1;
            changed = 1;
        }
    }
    /* at rest (no mineral short, nothing changed, every buffer full, and
       fprod = 1, c = 0 from a step with f = 1): the steps below would give
       the same again */
    if (w->nshort == 0 && !changed && w->nlow == 0 && w->sect_rest)
        return;
    /* a need served in full with its buffer full passes f = 1 on and
       refills nothing (what mr_buffer_step gives) */
    int nlow = 0;
    for (int k = 0; k < md->nneeds; k++) {
        if (w->f[k] < 1.0 || w->buffer[k] < md->need_buffer[k]) {
            w->fprod[k] = mr_buffer_step(w->f[k], &w->buffer[k], md->need_buffer[k],
                                         md->buffer_refill_rate, md->h);
            nlow += w->buffer[k] < md->need_buffer[k];
        } else {
            w->fprod[k] = w->f[k];
        }
    }
    w->nlow = nlow;
    /* a_mj of this step: a time path's, or the constant */
    const double *need_a =
        md->need_a_t ? md->need_a_t + (size_t)t * (size_t)md->nneeds : md->need_a;
    int c_zero = 1;
    for (int j = 0; j < S; j++) {
        int k0 = md->need_first[j], nk = md->need_first[j + 1] - k0, short_of = 0;
        for (int k = k0; k < k0 + nk; k++)
            short_of |= w->fprod[k] < 1.0;
        if (!short_of) { /* every input in full: c = 0 under either rule */
            w->c[j] = 0.0;
            continue;
        }
        w->c[j] = md->combine[j] == MR_COMBINE_INDEPENDENT
                      ? mr_direct_inoperability_independent(nk, need_a + k0, md->need_sigma + k0,
                                                            w->fprod + k0)
                      : mr_direct_inoperability_limiting(nk, need_a + k0, md->need_sigma + k0,
                                                         w->fprod + k0);
        c_zero &= w->c[j] == 0.0;
    }
    w->c_zero = c_zero;
    w->sect_rest = w->nshort == 0; /* f = 1, so fprod = 1 and c = 0 */
}

/* Elasticity of UK need k (mineral m) now (docs/MODEL.md §6m). */
static inline double need_elasticity(const mr_model *md, const mr_workspace *w, int k, int m)
{
    return mr_market_need_elasticity(md->need_cost[k], md->need_sigma[k], md->elasticity[m],
                                     w->eps_now[m]);
}

/* UK need k's extra cost per unit of spend on the market of mineral m
   (docs/MODEL.md §6m). */
MARKET_FN double buyer_cost(const mr_model *md, const mr_workspace *w, int k, int m)
{
    return mr_market_buyer_cost(need_elasticity(md, w, k, m), w->pstar[m], w->nratio[m]);
}

/* (6) losses of step t into the year's row of annual (MODEL §8). */
static inline void step_losses(const mr_model *md, mr_workspace *w, int t, double *annual)
{
    const int S = md->S, T = md->T;
    const double dt = md->dt;
    double *ann = annual + (size_t)(t / md->n) * (size_t)S;
    /* Y_j and V_j of this step: a time path's, or the constant */
    const double *output = md->output_t ? md->output_t + (size_t)t * (size_t)S : md->output;
    const double *gva = md->gva_t ? md->gva_t + (size_t)t * (size_t)S : md->gva;
    const double *spend = md->need_w_t ? md->need_w_t + (size_t)t * (size_t)md->nneeds : md->need_w;
    for (int j = 0; j < S; j++) {
        double ol = w->q[j] * output[j] * dt;
        double gl = w->q[j] * gva[j] * dt;
        double xc = 0.0;
        if (!md->any_market && !md->any_premium) /* the loop below without its branches */
            for (int k = md->need_first[j]; k < md->need_first[j + 1]; k++)
                xc += spend[k] * dt * w->f[k] * (w->ratio[md->need_mineral[k]] - 1.0);
        else
            for (int k = md->need_first[j]; k < md->need_first[j + 1]; k++) {
                int m = md->need_mineral[k];
                if (md->market[m]) /* what it buys on the market (docs/MODEL.md §6m) */
                    xc += spend[k] * dt * w->bought[m] *
                          (w->pstar[m] == 0.0 ? w->nratio[m] - 1.0 : buyer_cost(md, w, k, m));
                else
                    xc += spend[k] * dt * w->f[k] * (w->ratio[m] - 1.0);
                if (md->any_premium) { /* offtake premium (§3u) */
                    double pi = md->uk_premium_t
                                    ? md->uk_premium_t[(size_t)t * (size_t)md->M + (size_t)m]
                                    : md->uk_premium[m];
                    if (pi > 0.0)
                        xc += spend[k] * dt * (md->market[m] ? w->bought[m] : w->f[k]) * pi *
                              (md->uk_ramp_t ? md->uk_ramp_t[t] : 1.0);
                }
            }
        w->ol[j] += ol;
        w->gl[j] += gl;
        w->xc[j] += xc;
        ann[j] += gl + xc;
        if (w->q[j] > w->qpeak[j])
            w->qpeak[j] = w->q[j];
        if (w->q[j] > MR_INOPERABILITY_THRESHOLD)
            w->qmonths[j] += md->h;
        w->qtraj[(size_t)j * (size_t)T + (size_t)t] = w->q[j];
        if (w->trace) {
            size_t k = (size_t)t * (size_t)S + (size_t)j;
            w->trace->c[k] = w->c[j];
            w->trace->q[k] = w->q[j];
            w->trace->value_loss[k] = gl;
            w->trace->extra_cost[k] = xc;
        }
    }
}

/* Time bands: the trial's bins into a row of w->bband; counted when the
   rows are full (or on mr_trial_flush_bands). */
static void count_bands(const mr_model *md, mr_workspace *w)
{
    const int M = md->M, S = md->S, T = md->T;
    uint16_t *row = w->bband + (size_t)w->bband_n * (size_t)(S + M) * (size_t)T;
    band_bins(w->qtraj, S * T, 0.0, MR_BAND_Q_WIDTH, MR_BAND_Q_BINS, row);
    band_bins(w->ytraj, M * T, MR_BAND_Y_MIN, MR_BAND_Y_WIDTH, MR_BAND_Y_BINS,
              row + (size_t)S * (size_t)T);
    if (++w->bband_n == w->bband_cap)
        mr_trial_flush_bands(md, w);
}

void mr_trial_flush_bands(const mr_model *md, mr_workspace *w)
{
    const int M = md->M, S = md->S, T = md->T, n = w->bband_n;
    const size_t R = (size_t)(S + M) * (size_t)T;
    enum { CHUNK = 32 }; /* steps a pass: their histogram rows stay in cache */
    for (int s = 0; s < S + M; s++) {
        const int bins = s < S ? MR_BAND_Q_BINS : MR_BAND_Y_BINS;
        uint32_t *hist = s < S ? w->band_q + (size_t)s * (size_t)T * MR_BAND_Q_BINS
                               : w->band_y + (size_t)(s - S) * (size_t)T * MR_BAND_Y_BINS;
        for (int t0 = 0; t0 < T; t0 += CHUNK) {
            const int t1 = t0 + CHUNK < T ? t0 + CHUNK : T;
            for (int k = 0; k < n; k++) {
                const uint16_t *row = w->bband + (size_t)k * R + (size_t)s * (size_t)T;
                for (int t = t0; t < t1; t++)
                    hist[(size_t)t * (size_t)bins + row[t]]++;
            }
        }
    }
    w->bband_n = 0;
}

/* The metrics of the trial (MODEL §8) into row i of res. */
static void store_metrics(const mr_model *md, const mr_workspace *w, uint64_t i,
                          const double *annual, mr_results *res)
{
    const int M = md->M, S = md->S, T = md->T, H = md->H;
    size_t iS = (size_t)i * (size_t)S, iM = (size_t)i * (size_t)M;
    double total = 0.0, gva = 0.0;
    for (int j = 0; j < S; j++) {
        res->sector_output_loss[iS + (size_t)j] = w->ol[j];
        res->sector_gva_loss[iS + (size_t)j] = w->gl[j];
        res->sector_extra_cost[iS + (size_t)j] = w->xc[j];
        res->sector_inoperability_peak[iS + (size_t)j] = w->qpeak[j];
        res->sector_inoperability_months[iS + (size_t)j] = w->qmonths[j];
        total += w->gl[j] + w->xc[j];
        gva += w->gl[j];
    }
    res->total_loss[i] = total;
    res->total_gva_loss[i] = gva;
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
        res->mineral_price_peak_market[iM + (size_t)m] = exp(w->pstar_peak[m]);
        res->mineral_home_price_peak[iM + (size_t)m] = exp(w->home_peak[m]);
        res->mineral_market_loss_peak[iM + (size_t)m] = w->mloss_peak[m];
        res->mineral_stock_drawn_peak[iM + (size_t)m] = w->drawn_peak[m];
        res->mineral_demand_destroyed[iM + (size_t)m] = w->destroyed[m];
        res->mineral_consumption_fall_peak[iM + (size_t)m] = w->fall_peak[m];
        res->mineral_price_mean[iM + (size_t)m] = w->psum[m] / T;
        res->mineral_market_short_months[iM + (size_t)m] = w->short_mo[m];
        res->mineral_scarce_months[iM + (size_t)m] = w->scarce_mo[m];
        res->mineral_control_actions[iM + (size_t)m] = w->actions[m];
        res->mineral_guard_months[iM + (size_t)m] = w->guard_mo[m];
    }
}

/* One trial: MODEL §7a, steps (1)-(6) at every step, then the metrics of §8. */
void mr_trial_run(const mr_model *md, uint64_t seed, uint64_t trial, mr_workspace *w,
                  mr_results *res)
{
    const uint64_t i = trial - res->first_trial; /* row of this rank's arrays */
    double *annual = res->sector_annual_loss + (size_t)i * (size_t)md->H * (size_t)md->S;

    trial_start(md, seed, trial, w, annual);
    for (int t = 0; t < md->T; t++) {
        step_supply(md, w, t);           /* (1)-(2) supply, stockpile, shortfall u */
        step_prices(md, w, t);           /* (3) prices */
        step_sectors(md, w, t);          /* (4) allocation, buffers, direct c */
        if (!(w->c_zero && w->q_zero)) { /* else q stays 0 */
            mr_iim_step(md->S, md->astar, md->k, w->c, w->q,
                        w->tmp); /* (5) propagation (MODEL §7) */
            int z = 1;
            for (int j = 0; j < md->S; j++)
                z &= w->q[j] == 0.0;
            w->q_zero = z;
        }
        step_losses(md, w, t, annual); /* (6) losses */
    }
    count_bands(md, w);
    store_metrics(md, w, i, annual, res);
    if (res->weight)
        res->weight[i] = exp(w->logw);
    if (res->tilt_count) { /* [nproc] a trial, [nproc * H] with a year focus */
        const size_t k = (size_t)md->nproc * (md->focus_year ? (size_t)md->H : 1);
        memcpy(res->tilt_count + (size_t)i * k, w->pcount, k * sizeof(double));
        memcpy(res->tilt_expo + (size_t)i * k, w->pexpo, k * sizeof(double));
    }
    mr_trial_reset_survival(md, w); /* all ones again for the next trial */
}
