/* precision.h - runs that stop when the answer is precise enough (issue 16,
 * deliverable 3; docs/STUDIES.md "Precision-targeted stopping").
 *
 * `minrisk run --target-precision STAT=REL[,...] --max-trials N` runs the
 * trials in stages that end at check points fixed in advance: after 2^k
 * blocks of MR_BLOCK_TRIALS trials (k = 0, 1, 2, ...), the last capped at
 * N. At each check point every target's relative half-width of its 95%
 * interval is computed from all trials so far, in trial order (the
 * distributed statistics of out/stats/dstats.h, the same for any thread and
 * rank count); the run stops at the first check point where every target
 * is met, or at N.
 *
 * Between two check points the ranks' contiguous block ranges are those of
 * the larger trial count (mr_comm_block_range): mr_precision_grow moves the
 * rows already done to the rank that holds them in the new layout (each
 * moved block broadcast from its old rank), so at every check point the
 * prefix is complete and laid out as a plain run of that many trials, and
 * the file is a plain run's of the trials it stopped at plus /precision.
 */
#ifndef MR_PRECISION_H
#define MR_PRECISION_H

#include "models/scenario.h"
#include "out/comm.h"
#include "out/results.h"

#include <stddef.h>
#include <stdint.h>

#define MR_PRECISION_MAX_TARGETS 16
#define MR_PRECISION_MAX_CHECKS 64

typedef enum {
    MR_PREC_MEAN, /* mean of a loss over the horizon: 1.96 SE / |mean| */
    MR_PREC_VAR,  /* quantile X_(ceil(n p)): order-statistic 95% interval (Conover) */
    MR_PREC_ES,   /* expected shortfall: asymptotic normal interval */
    MR_PREC_AAL,  /* average annual loss: 1.96 SE (trial means) / |AAL| */
    MR_PREC_RP,   /* annual loss at a return period: order-statistic interval of the years */
} mr_prec_kind;

typedef struct {
    char name[96]; /* as given: "var99_total" */
    mr_prec_kind kind;
    double p;      /* VAR, ES: the level; RP: the return period R */
    int sector;    /* -1: the total loss; else the sector's index */
    double target; /* the relative half-width wanted, in (0, 1] */
} mr_prec_target;

typedef struct {
    int ntargets;
    mr_prec_target t[MR_PRECISION_MAX_TARGETS];
    uint64_t max_trials;
} mr_prec_spec;

/* One check point's figures, per target. */
typedef struct {
    uint64_t trials;
    double estimate[MR_PRECISION_MAX_TARGETS];
    double half_width[MR_PRECISION_MAX_TARGETS]; /* inf: no interval yet */
    double relative[MR_PRECISION_MAX_TARGETS];   /* half_width / |estimate|; inf when no
                                                    interval or the estimate is 0 */
} mr_prec_check;

typedef struct {
    int ncheck;
    mr_prec_check check[MR_PRECISION_MAX_CHECKS];
    int stopped_by; /* the binding target at the stop (mr_precision_binding: the
                       nearest its limit), -1: max_trials reached with a target unmet */
} mr_prec_record;

/* Parse "STAT=REL[,STAT=REL...]" (the sectors of sc name var<P>_<sector>
   targets) into spec->t. 0, or -1 with msg ("STAT: ..." one line). */
int mr_precision_parse(const char *text, const mr_scenario *sc, mr_prec_spec *spec, char *msg,
                       size_t msgsize);

/* The check point after `trials` (0: the first): 2^k blocks, capped at max. */
uint64_t mr_precision_next(uint64_t trials, uint64_t max_trials);

/* 1 when `trials` is one of the check points of max_trials. */
int mr_precision_is_check(uint64_t trials, uint64_t max_trials);

/* The figures of every target over the first `prefix` trials of the run
   (res: this rank's slab; every rank's rows below prefix are final).
   Collective (comm NULL: this process alone). 0, or -1 when out of memory (on any rank). */
int mr_precision_eval(const mr_comm *comm, const mr_results *res, uint64_t prefix,
                      const mr_prec_spec *spec, mr_prec_check *out);

/* 1 when every target is met at c. */
int mr_precision_met(const mr_prec_spec *spec, const mr_prec_check *c);

/* Re-lay res (every block done) as this rank's slab of a run of ntrials
   (> res->ntrials_total): rows kept or moved, the new blocks not done; the
   bands stay with the rank that counted them. Collective. 0, or -1 when
   out of memory (res unchanged). */
int mr_precision_grow(mr_results *res, uint64_t ntrials, const mr_comm *comm);

/* The binding target at the stop: of the targets, the one whose reached
   relative half-width is the largest fraction of its target (the first of
   equals); -1 when some target is unmet (max_trials reached). */
int mr_precision_binding(const mr_prec_spec *spec, const mr_prec_check *c);

/* /precision of the result file (docs/OUTPUT.md) from spec and rec, into
   x (its buffers owned by x). 0, or -1 when out of memory. */
int mr_precision_extras(void *x, const mr_prec_spec *spec, const mr_prec_record *rec);

#endif
