/* trial.h - one trial of the model (sim/trial.c): the step loop in MODEL
 * order, on a thread's workspace. Internal to the engine (sim/engine.c) and
 * the replayer (sim/replay.c).
 */
#ifndef MR_TRIAL_H
#define MR_TRIAL_H

#include "models/market.h"
#include "out/results.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/replay.h"

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* A market's last clearing (docs/MODEL.md §5m) and its inputs, where the
   next step's solve starts from (slope 0: none, the market was at rest). */
typedef struct {
    mr_market_step st;
    double supply, stock, eps;
} mr_market_last;

/* One thread's scratch space, sized once per run. */
typedef struct {
    gsl_rng *rng;        /* disruption and jump streams, sought per process */
    gsl_rng **price_rng; /* [M] one innovation stream per mineral */
    double *surv;        /* [nslots*T] prod (1 - s) of active occurrences but export controls on
                            the product stage; 1 when untouched */
    double *survx;       /* [nslots*T] the same for export controls on the product stage */
    unsigned char *slot_touched; /* [nslots] */
    int *touched;                /* [nslots] slots whose surv row is not all ones */
    int ntouched;
    unsigned char *stage_touched; /* [M*2] */
    unsigned char *stage_active;  /* [M*2*T] bit 1: some occurrence hits the stage on the
                                     step; bit 2: one starts or ends there */
    double *loss;                 /* [max_stage_n] L_c of one stage at one step */
    int *ramp_k;                  /* [M*2] consecutive disrupted steps per stage */
    double *jump; /* [M*T] ln jump sizes landing on each step; zero between trials */
    double *rush; /* [M*T] stock bought ahead of an export control, months of the open
                     market's demand, added on the step it starts (docs/MODEL.md §3s); zero
                     between trials */
    double *z, *y, *ratio, *u, *x, *e, *level;       /* [M] */
    double *usum, *upeak, *umonths, *ypeak, *empty;  /* [M] */
    double *claim_f;                                 /* [nclaims] */
    double *f, *fprod, *buffer;                      /* [nneeds] */
    double *c, *q, *tmp, *ol, *xc, *qpeak, *qmonths; /* [S] */
    double *gl;                                      /* [S] GVA lost */
    /* market layer (docs/MODEL.md §5m), per mineral: commercial stock
       (months), shortage age (months), clearing log price, share of UK
       demand bought on the market, and the trial's market metrics */
    double *stock, *pstar, *bought, *nratio, *sratio;       /* [M] */
    int *age;                                               /* [M] shortage age in steps */
    double *mloss_peak, *drawn_peak, *destroyed, *guard_mo; /* [M] */
    double *pstar_peak, *home_peak, *fall_peak;             /* [M] */
    double *psum, *short_mo, *scarce_mo, *actions;          /* [M] */
    double *seg_eps;                                        /* [nseg] */
    double *deny;             /* [M*T] 1 - sum_c u_c (1 - prod (1 - lambda x)): the share of
                                 the UK's purchases not denied a licence; 1 untouched */
    double *lic;              /* [nslots*T] prod (1 - lambda x) of the licensing occurrences on
                                 the slot's country (product slots); 1 untouched */
    int *lic_slots, nlic;     /* the slots lic holds this trial, in the order first hit */
    unsigned char *lic_on;    /* [nslots] the slot is in lic_slots */
    unsigned char *exp_on;    /* [M*T] an exports-scope occurrence is active */
    unsigned char *xr;        /* [nslots*T] the slot's exports are restricted: its spare
                                 capacity does not replace what it withholds (§3s) */
    double *spare_now;        /* [max_stage_n] a stage's spare capacities this step */
    double *eps_now;          /* [M] the market elasticity the step was cleared with */
    double *avail, *served;   /* [M] this step's open-market availability A and share
                                 of demand served (step_supply's passes) */
    int *refill_m;            /* [M] this step's refills (docs/MODEL.md §5m), solved last */
    double *refill_p0;        /* [M] and their starts */
    mr_market_last *last;     /* [M] the market's last clearing */
    unsigned char *m_touched; /* [M] deny / exp_on rows touched this trial */
    /* tension regimes of the trial (docs/MODEL.md §3r): per country, the
       segment ends (switch times, then the horizon) and rate factors */
    int *reg_nseg;                /* [nc] */
    double *reg_end, *reg_factor; /* [nc * (regime_max + 1)] */
    unsigned char *incl;          /* [M] the current occurrence hits mineral m */
    int incl_on;                  /* the current occurrence has an inclusion mask */
    /* Private histograms, laid out [(j * T + t) * BINS + k] (and the same
       with m), counted from bband (mr_trial_flush_bands) and transposed to
       mr_results' layout at the end. */
    uint32_t *band_q, *band_y; /* a thread counts at most N < 2^32 trials */
    double *qtraj, *ytraj;     /* [S*T], [M*T] this trial's q and y */
    /* The bins of the last bband_n trials' trajectories, row [(S + M) * T]
       per trial (q of each sector, then y of each mineral, step by step),
       counted into band_q/band_y when bband_cap rows are full or on
       mr_trial_flush_bands: then each histogram row is counted over many
       trials while it is in cache, where one trial's counts would each
       miss it (bench/RESULTS.md). */
    uint16_t *bband;
    int bband_n, bband_cap;
    /* what lets steps (4)-(5) skip the work whose result is known
       (step_sectors): nshort minerals with u > 0 this step; f_one[m]: f = 1
       for mineral m's needs; nlow buffers below their capacity; sect_rest:
       fprod = 1 and c = 0 from a step with f = 1; c_zero, q_zero: c = 0,
       q = 0 for every sector */
    int nshort, nlow, sect_rest, c_zero, q_zero;
    unsigned char *f_one; /* [M] */
    /* each stage's availability at the step it was last computed (step_
       availability), kept while its losses and ramp stay: st_a, st_phys
       (A and A without export controls), st_ramp the ramp, st_hit some
       loss > 0, st_last the step (-2: none this trial) */
    double *st_a, *st_phys, *st_ramp; /* [M*2] */
    unsigned char *st_hit;            /* [M*2] */
    int *st_last;                     /* [M*2] */
    unsigned char *m_active;          /* [M*T] some occurrence hits a stage of the mineral */
    uint64_t words;                   /* random words drawn so far */
    const mr_counterfactual *cf;      /* NULL: the scenario as it is */
    mr_trace *trace;                  /* NULL: no trace (a run) */
    int trace_failed;                 /* out of memory recording occurrences */
    uint64_t trial;                   /* trial being sampled (for the trace) */
    /* domestic supply at risk (docs/MODEL.md §4) */
    double *keep_dom;           /* [M*T] prod (1 - s) of the outages of mineral m's domestic
                                   supply active on step t; 1 untouched */
    unsigned char *dom_touched; /* [M] the mineral's keep_dom row is touched this trial */
    /* importance sampling (docs/MODEL.md §12i): the log likelihood ratio of
       the trial's disruptions, and each process's occurrences and exposure */
    double logw;
    double *pcount, *pexpo; /* [nproc], or [nproc * H] by year with a year focus */
    double *ly;             /* [2H] year focus: log dQ_y/dP of the trial, focus year y; then each
                               year's own part */
    double *fseg_end, *fseg_factor; /* [regime_max + 3] a tilted process's rate factor
                                       segments: the regime's, times f in the focus year */
} mr_workspace;

/* Allocate w for md (0, or -1 when out of memory: nothing left allocated);
   free it with the number of minerals it was made for. */
int mr_workspace_alloc(mr_workspace *w, const mr_model *md);
void mr_workspace_free(mr_workspace *w, int M);

/* Trials whose band bins a workspace of md holds before counting them
   (w->bband_cap; the memory check counts them). */
int mr_workspace_band_rows(const mr_model *md);

/* Trial `trial` of md with seed `seed`: MODEL §7a steps (1)-(6), then the
   metrics of §8 into row trial - res->first_trial of res. Counts the
   trial's trajectories into w's private time bands (some of them only once
   mr_trial_flush_bands is called). */
void mr_trial_run(const mr_model *md, uint64_t seed, uint64_t trial, mr_workspace *w,
                  mr_results *res);

/* Count the trajectories still waiting in w->bband into w's time bands. */
void mr_trial_flush_bands(const mr_model *md, mr_workspace *w);

/* Only the disruption occurrences of trial i (MODEL §3), into w's survival
   rows (and w->trace); mr_trial_reset_survival clears them again. */
void mr_trial_sample_disruptions(const mr_model *md, double horizon, uint64_t seed, uint64_t i,
                                 mr_workspace *w);
void mr_trial_reset_survival(const mr_model *md, mr_workspace *w);

/* The price jumps of trial i (MODEL §5), by step of arrival, into w->jump
   (sim/disrupt.c, with the disruptions). */
void mr_trial_sample_jumps(const mr_model *md, double horizon, uint64_t seed, uint64_t i,
                           mr_workspace *w);

/* The log weight of a trial under a year-focused tilt (docs/MODEL.md §12i):
   log w = -log(alpha + (1 - alpha) (1/H) sum_y exp(ly[y])), ly[y] = log
   dQ_y/dP of the trial, Q_y the law with the factors acting in year y
   alone; by log-sum-exp. 0 <= alpha < 1; w <= 1 / alpha. */
double mr_focus_log_weight(int H, double alpha, const double *ly);

#endif
