/* attribution.h - risk attribution by mineral, country and named event
 * (`minrisk run`, /attribution; docs/STUDIES.md "Attribution").
 *
 * The pieces of sim/attribution.c that the unit tests drive one by one:
 * the list of sources, the allocation of one replayed trial's losses to
 * them, the choice of the tail trials of an expected shortfall, and the
 * co-ES shares with their intervals. mr_attribution_collect
 * (run_extras.h) strings them together over the ranks of a run.
 */
#ifndef MR_ATTRIBUTION_H
#define MR_ATTRIBUTION_H

#include "out/comm.h"
#include "sim/engine.h"
#include "sim/replay.h"
#include "sim/model.h"
#include "sim/scenario/loader.h"

#include <stddef.h>
#include <stdint.h>

/* Level of the expected shortfall whose tail is attributed. */
#define MR_ATTR_LEVEL 0.99

/* -ln(1 - s) of an occurrence that withholds everything (s = 1): the
   log-survival weight of s = 1 - 1e-12, large but finite, so that two
   total outages of the same supply split it evenly. */
#define MR_ATTR_FULL_WEIGHT 27.631021115928547 /* -ln(1e-12) */

/* Bootstrap resamples of each counterfactual ES99 interval
   (mr_paired_compute): the 25th and 975th of 1000 sorted differences, as
   `minrisk compare` by default. */
#define MR_ATTR_NBOOT 1000

typedef enum { MR_SRC_MINERAL, MR_SRC_COUNTRY, MR_SRC_EVENT, MR_SRC_NONE } mr_source_kind;

/* What the losses are attributed to, and how each process and mineral maps
   onto them. Sources are listed minerals first (scenario order), then the
   countries some disruption process strikes (scenario order), then every
   named event (scenario order, also one that never occurs), then
   "none/price-noise". */
typedef struct {
    int K;              /* sources */
    int S, M, T, nproc; /* sectors, minerals, steps, processes (mr_model) */
    char **name;        /* [K] "mineral/gallium", "country/CN", "event/<id>", "none/price-noise" */
    mr_source_kind *kind; /* [K] */
    int *ref;             /* [K] mineral, country or event index into the scenario; -1 for none */
    int first_country, first_event, none; /* first source of each family; none = K - 1 */
    int *proc_country_src;                /* [nproc] source of the country the process strikes */
    int *proc_event_src;                  /* [nproc] source of its named event, -1 if it is none */
    double *hit;           /* [nproc * M] supply share of mineral m the process hits: sum of
                              slot_share over its target slots of m (both stages add) */
    double *x_out;         /* [S * M] output exposure of sector j to mineral m, [j*M + m]:
                              sum_i B_ji a_mi (1 - sigma_mi), B = (I - A*)^-1 (MODEL §6-§7) */
    double *x_spend;       /* [S * M] spend exposure w_mj, GBP per year (MODEL §8) */
    unsigned char *market; /* [M] the mineral has a market layer: its shortfall to
                              split is the open market's loss 1 - A (docs/MODEL.md §5m),
                              what its price and so its extra cost follow */
} mr_attr_plan;

/* Build the plan of a scenario and its compiled model. 0, or -1 with err
   (out of memory; I - A* singular). */
int mr_attr_plan_build(const mr_scenario *sc, const mr_model *md, mr_attr_plan *pl, mr_error *err);
void mr_attr_plan_free(mr_attr_plan *pl);

/* Scratch of mr_attr_allocate, one per thread. */
typedef struct {
    double *U;   /* [nproc * M] shortfall of mineral m owed to process p, summed over steps */
    double *den; /* [T * M] log-survival weight of the occurrences active on m at t */
    double *Um;  /* [M] */
    unsigned char *seen; /* [nproc] */
    int *procs;          /* [nproc] processes that occurred in the trial */
} mr_attr_work;

int mr_attr_work_alloc(mr_attr_work *w, const mr_attr_plan *pl);
void mr_attr_work_free(mr_attr_work *w);

/* Allocate one trial's losses (its replay trace tr; ol[j] = GL_j (value added lost), xc[j] =
   XC_j) to the sources: out[s * K + k] for series s = 0 .. S-1 (sectors)
   and s = S (total, the sum of the sectors' rows in sector order). Within
   a series each family (minerals; countries; none) sums to the series'
   loss, and the events' entries to the part owed to named events.

   Per mineral m and step t with u_m(t) > 0, u_m(t) is split among the
   occurrences e active on m at t in proportion to hit(p_e, m) *
   (-ln(1 - s_e)) (MR_ATTR_FULL_WEIGHT for s_e = 1), giving U_{p,m} summed
   over steps (for a mineral with a market, the open market's loss 1 - A_m(t)
   in place of u); U_m = sum_p U_{p,m}. Sector j's value added lost GL_j goes to
   process p in proportion to sum_m x_out[j,m] U_{p,m}, its extra cost
   XC_j in proportion to sum_m x_spend[j,m] U_{p,m} (and to mineral m with
   U_m in place of U_{p,m}); a channel with no exposure (the sum is 0:
   price noise only) goes to none. */
void mr_attr_allocate(const mr_attr_plan *pl, const mr_trace *tr, const double *ol,
                      const double *xc, mr_attr_work *w, double *out);

/* The tail trials of ES at level p of one series whose trials are spread
   over the ranks of comm (NULL = one process), this rank holding global
   trials first_trial .. first_trial + n_local - 1 with values
   x[i * stride], i < n_local, of ntotal. The tail is the trials of ranks
   k .. n of the order (value, trial index) ascending, k = mr_stats_rank(n,
   p): among trials tied with X_(k), the later trial ranks higher. The
   trial of rank k has weight k - n p (ES's fractional weight), every other
   weight 1; trials of weight 0 are left out. So
     ES_p = sum_tail w_i x_i / (n - n p)       (mr_stats_es_sorted).
   Fills this rank's tail trials (local indices, increasing) in *idx and
   their weights in *wt (malloc'ed; may be NULL when *nt = 0), the total
   number of tail trials over ranks in *ntail, X_(k) in *xk and
   n - n p in *wsum. Collective. Returns 0; 1 when some value is NaN
   (nothing allocated, *ntail = 0); -1 out of memory (on any rank). */
int mr_attr_tail(const mr_comm *comm, const double *x, size_t stride, uint64_t n_local,
                 uint64_t ntotal, double p, size_t **idx, double **wt, size_t *nt, uint64_t *ntail,
                 double *xk, double *wsum);

/* mr_attr_tail once X_(k) = xk is known: x holds at least this rank's
   values from X_(k) up, in trial order (all of its values, or only those:
   the streamed tail). The same outputs but *xk. Collective. 0, or -1 out
   of memory (on any rank). */
int mr_attr_tail_from(const mr_comm *comm, const double *x, size_t stride, uint64_t n_local,
                      uint64_t ntotal, double p, double xk, size_t **idx, double **wt, size_t *nt,
                      uint64_t *ntail, double *wsum);

/* mr_attr_tail for an importance-sampled run: trial i of the run carries
   its likelihood ratio weight[i] (this rank's, in trial order), and the
   tail is that of the weighted empirical law (docs/OUTPUT.md "Weighted
   estimators"). With v = VaR_p (mr_wstats_quantile_sorted, normalised by
   n = ntotal) every trial above v has its weight w_i, and the trials tied
   at v share what fills the tail mass n - n p, the latest trial first,
   each min(w_i, what is left), a remainder below 1e-12 of the mass being
   nothing (with all weights 1 this is mr_attr_tail's tail: the later tied
   trial ranks higher, the one of rank k gets k - n p; -0.0 and +0.0 tie
   here, not there); when the ties' weight is at most what is left (v the
   smallest value), each takes w_i times what is left over their weight.
   So ES_p = sum_tail w_i x_i / (n - n p). Every rank gathers the
   series and the weights (memory: a few arrays of ntotal doubles). Fills
   *idx, *wt, *nt, *ntail and *wsum as mr_attr_tail, *var = v, and *es =
   the weighted ES_p exactly as /summary computes it (mr_wstats_es).
   Collective. 0; 1 when some value is NaN; -1 out of memory. */
int mr_attr_tail_weighted(const mr_comm *comm, const double *x, size_t stride, uint64_t n_local,
                          uint64_t ntotal, const double *weight, double p, size_t **idx,
                          double **wt, size_t *nt, uint64_t *ntail, double *var, double *wsum,
                          double *es);

/* A tail row: trial, weight w, loss L, then the K allocations a_k. */
#define MR_ATTR_ROW_HEAD 3

/* Co-ES and shares of one series from its m tail rows (rows[r * (K + 3)],
   in trial order): co_es[k] = sum_r w_r a_rk / wsum (GBP), share[k] =
   sum_r w_r a_rk / sum_r w_r L_r, and the delta-method 95% interval of the
   ratio: share -+ z se, se^2 = m/(m-1) sum_r w_r^2 (a_rk - share L_r)^2 /
   (sum_r w_r L_r)^2. Sums run in row order. lo/hi NaN when m < 2; every
   share NaN when sum w L = 0. */
void mr_attr_tail_stats(const double *rows, size_t m, int K, double wsum, double *co_es,
                        double *share, double *lo, double *hi);

#endif
