/* model.h - the scenario compiled for the trial loop: flat arrays (struct of
 * arrays) sized once per run, indices instead of ids, random stream ids
 * precomputed from process names, so the hot loop never touches a string.
 */
#ifndef MR_MODEL_H
#define MR_MODEL_H

#include "sim/scenario/loader.h"
#include "models/market.h"
#include "models/regime.h"
#include "models/supply.h"

#include <stdint.h>

/* What a disruption process is (MODEL §3), in the order mr_model_build lists
   them: every country outage, then every supplier outage, then every event,
   then every outage of a mineral's domestic supply (docs/MODEL.md §4: no
   target slots, no country: proc_country -1, proc_index the mineral). */
typedef enum { MR_PROC_COUNTRY, MR_PROC_SUPPLIER, MR_PROC_EVENT, MR_PROC_DOMESTIC } mr_proc_kind;

typedef struct {
    int M, S, T, H, n; /* minerals, sectors, steps, years, steps per year */
    double dt;         /* years per step */
    double h;          /* months per step */

    /* supply slots: one per (mineral, stage, supplier), stage by stage */
    int nslots;
    double *slot_share;     /* [nslots] */
    double *slot_uk;        /* [nslots] the UK's share of purchases from the slot's country: its
                               uk_sourcing share on the product stage, else 0 (docs/MODEL.md §3u) */
    double *slot_uk_before; /* [nslots] the same before a cap on UK sourcing (slot_uk when
                               uncapped); with uk_ramp_t, the UK's share at step t is
                               before + ramp(t) (slot_uk - before) (docs/MODEL.md §3u) */
    double *uk_ramp_t;      /* [T] the share of the cap's shift realised at step t, or NULL:
                               all of it throughout */
    double *uk_premium;     /* [M] sum_c premium_c x (share shifted to c): the premium paid on
                               UK purchases of the mineral, a fraction of their value, when
                               the shift is whole (times ramp(t) on the way) */
    int any_premium;
    double *slot_spare;        /* [nslots] */
    unsigned char *slot_world; /* [nslots] the slot's country supplies the world (a share
                                  > 0 at some step), not only the UK (an offtake partner) */
    /* world supply shares along time paths (docs/MODEL.md §4), [t*nslots + slot], when
       some share has one; else NULL and the constants above hold throughout */
    double *slot_share_t, *slot_spare_t;  /* open-market shares and spare at step t */
    double *slot_uk_t, *slot_uk_before_t; /* the UK's sourcing after and before the cap at
                                             step t (following the open market where
                                             there is no UK data) */
    double *uk_premium_t;                 /* [T*M] uk_premium at step t, [t*M + m] */
    int *slot_stage;                      /* [nslots] stage index m*2 + s */
    int *slot_country;                    /* [nslots] index into scenario countries */
    int *stage_first;                     /* [M*2] first slot of the stage */
    int *stage_n;                         /* [M*2] suppliers in the stage, 0 if absent */
    int max_stage_n;

    double *recycled, *domestic, *ramp_months; /* [M] */
    double *recycled_t, *domestic_t; /* [T*M] r_m, d_m at step t, [t*M + m], when some mineral
                                        has a time path (docs/MODEL.md §4); NULL: recycled and
                                        domestic throughout */
    int *has_stockpile;              /* [M] */
    mr_stockpile_rule *stockpile;    /* [M] */
    double *stockpile_initial;       /* [M] months */

    /* disruption processes with their target slots */
    int nproc;
    const mr_process **proc;                    /* [nproc], pointers into the scenario */
    uint64_t *proc_stream;                      /* [nproc] */
    int *proc_first;                            /* [nproc + 1] into targets */
    int *targets;                               /* slots */
    char **proc_name;                           /* [nproc] "country/CN", ... */
    int *proc_ncertain;                         /* [nproc] certain occurrences (events only) */
    const mr_certain_occurrence **proc_certain; /* [nproc], into the scenario */
    mr_proc_kind *proc_kind;                    /* [nproc] */
    int *proc_country;             /* [nproc] country where it strikes (scenario index) */
    int *proc_index;               /* [nproc] country index, slot, or event index */
    double *proc_sev_scale;        /* [nproc] severity factor: 1 - processed_elsewhere for an
                                      ore-scope event, else 1 (docs/MODEL.md §3s) */
    unsigned char *proc_exports;   /* [nproc] an exports-scope event */
    double *proc_licensing;        /* [nproc] licences denied that UK buyers cannot
                                      replace, per unit severity (0: none) */
    double *proc_rush;             /* [nproc] months of the country's exports bought ahead of
                                      each random occurrence (docs/MODEL.md §3s; 0: none) */
    const double **proc_incl;      /* [nproc] an event's per-mineral inclusion probabilities
                                      (docs/MODEL.md §3r), NULL: it hits all its minerals */
    const int **proc_incl_mineral; /* [nproc] the event's minerals, in file order */
    int *proc_nincl;               /* [nproc] how many */
    int *proc_regime;              /* [nproc] country whose regime scales the rate, or -1 */
    /* the importance tilt (docs/MODEL.md §12i): rate factor of each process
       (1: untilted, drawn from its own stream as in a plain run) and the
       stream a tilted process draws from instead ("importance/<name>") */
    double *proc_tilt;          /* [nproc] */
    uint64_t *proc_tilt_stream; /* [nproc] */
    int any_tilt;               /* some factor is not 1 */
    /* a year-focused tilt (docs/MODEL.md §12i): the factors act in one
       year of each trial, drawn from the stream "importance/focus", none
       with probability focus_alpha */
    int focus_year;
    int focus_window; /* K: the factors act in [y - K + 1, y + 1) (from 0) */
    double focus_alpha;
    uint64_t focus_stream;
    int *slot_product; /* [nslots] 1: the slot is at its mineral's product stage
                          (refining, or mining when it is the only stage) */

    /* prices (MODEL §5) */
    int any_volatility;
    double *ou_decay, *ou_scale, *elasticity, *max_multiple; /* [M] */
    double *jump_rate, *jump_mu, *jump_sigma;                /* [M] */
    uint64_t *price_stream, *jump_stream;                    /* [M] */
    double *chol; /* [M*M] lower Cholesky factor of the price correlation */
    /* its entries that are not 0, row by row in column order: row i is
       chol_col/chol_val[chol_first[i] .. chol_first[i + 1] - 1] (the step
       loop's product; the zeros it leaves out add exactly nothing) */
    int *chol_first, *chol_col; /* [M + 1], [nonzeros] */
    double *chol_val;           /* [nonzeros] */

    /* tension regimes (docs/MODEL.md §3r), per country */
    int nc;
    int any_regime;
    int any_rush;    /* some event or occurrence buys ahead (rush_months > 0, docs/MODEL.md §3s) */
    int *has_regime; /* [nc] */
    mr_regime *regime;       /* [nc] */
    uint64_t *regime_stream; /* [nc] stream "regime/<id>" */
    int regime_max;          /* most switches sampled in a trial, per country */

    /* market layer (docs/MODEL.md §5m): market[m] == 0 keeps v1's premium */
    int any_market;
    int *market;                /* [M] */
    mr_market_rule *mrule;      /* [M] stocks and the guard (the guard, ln max_multiple, for
                                   every mineral; the stocks only with a market) */
    double *eps_long, *tau_eps; /* [M] long-run elasticity, months to reach it */
    double *eps_age;            /* [M*T] the elasticity eps(a) at a shortage age of k steps,
                                   a = h + h + ... (k terms), as the step loop counts it */
    double *noise_half_var;     /* [M*T] half the variance of the OU term at step t,
                                   subtracted so that E[exp(noise)] = 1 (market minerals) */
    double *refill_b;           /* [M*T*MR_REFILL_COEF] the refill's start and limit at each
                                   shortage age (mr_market_refill_coef) */
    double *refill_y;           /* [M*2] D(0) - 1 and 1 / tau_s: the refill start's y */
    int *seg_first;             /* [M + 1] clearing segments of each mineral */
    int *seg_need;              /* [nseg] need index, -1 for the rest of the world */
    double *seg_weight;         /* [nseg] share of normal open-market demand */
    int *seg_moves;             /* [M] the weights follow the UK's or the world's demand
                                   along a time path (no refill shortcut then) */
    double *seg_weight_t;       /* [T*nseg] the weights at step t, [t*nseg + k], when some
                                   mineral's move; else NULL */
    int nseg;

    /* sector needs, grouped by sector */
    int nneeds;
    int *need_first;                                                 /* [S + 1] */
    int *need_mineral;                                               /* [nneeds] */
    double *need_a, *need_sigma, *need_delta, *need_w, *need_buffer; /* [nneeds] */
    double *need_w_t;  /* [T*nneeds] w_mj at step t, [t*nneeds + k], when some need has a time
                          path of spend_gbp; else NULL: need_w at every step */
    double *need_a_t;  /* [T*nneeds] a_mj at step t, [t*nneeds + k], when some need has a time
                          path (docs/MODEL.md §6); NULL: need_a throughout */
    int *combine;      /* [S] mr_combine */
    double *output;    /* [S] Y_j GBP per year */
    double *gva;       /* [S] V_j GBP per year: gva_gbp, or Y_j when not given */
    double *output_t;  /* [T*S] Y_j at step t, [t*S + j], when some sector has a time
                          path (docs/MODEL.md §8); NULL: output throughout */
    double *gva_t;     /* [T*S] V_j at step t likewise; NULL: gva throughout */
    double *need_cost; /* [nneeds] cost share w_mj / Y_j */
    double *k;         /* [S] recovery rate per step */
    double *astar;     /* [S*S] */
    double buffer_refill_rate;

    /* priority rationing: per mineral, claimants sorted by priority */
    int priority;
    int *claim_first;     /* [M + 1] */
    int *claim_need;      /* [nclaims] need index, or -1 for other uses */
    double *claim_demand; /* [nclaims] */
    int *group_first;     /* [M + 1] into group_start */
    int *group_start;     /* per mineral, ngroups + 1 boundaries relative to claim_first[m] */

    /* domestic and recycled supply at risk (docs/MODEL.md §4) */
    int any_supply_risk; /* some mineral has a domestic outage process or recycled
                            material refined abroad; 0: r and d as given, untouched */
    int *ra_first;       /* [M + 1] each mineral's entries of ra_slot and ra_share */
    int *ra_slot;        /* the product slot of a country refining recycled material */
    double *ra_share;    /* the share of the mineral's recycled material refined there */
} mr_model;

/* Compile sc into md: MR_OK, or MR_FAILED with err (out of memory; two
   processes on one random stream; a price correlation that is not positive
   definite) and nothing left allocated. */
mr_status mr_model_build(const mr_scenario *sc, mr_model *md, mr_error *err);
void mr_model_free(mr_model *md);

#endif
