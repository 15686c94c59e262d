/* attr_tail.c - the ES 99 tail sets of the tail attribution and their
 * shares (attribution.h: mr_attr_tail, mr_attr_tail_from,
 * mr_attr_tail_weighted, mr_attr_tail_stats; docs/STUDIES.md "Attribution"
 * (a)). Split from attribution.c, which replays the tail trials and writes
 * /attribution.
 */
#include "sim/studies/attribution.h"

#include "out/stats/dstats.h"
#include "out/stats/stats.h"
#include "out/stats/sumsq.h"
#include "out/stats/wstats.h"
#include "sim/studies/paired.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Same tolerance as out/stats.c: n p within it of an integer is that
   integer, so the weight of X_(k) is the one mr_stats_es_tail uses. */
#define MR_ATTR_RANK_TOL 1e-12

/* ---- the tail ------------------------------------------------------------ */

int mr_attr_tail(const mr_comm *comm, const double *x, size_t stride, uint64_t n_local,
                 uint64_t ntotal, double p, size_t **idx, double **wt, size_t *nt, uint64_t *ntail,
                 double *xk, double *wsum)
{
    const mr_comm solo = {0, 1, NULL};
    if (!comm)
        comm = &solo;
    *idx = NULL;
    *wt = NULL;
    *nt = 0;
    *ntail = 0;
    *xk = NAN;
    *wsum = NAN;
    int nan = 0;
    for (uint64_t i = 0; i < n_local && !nan; i++)
        nan = isnan(x[i * stride]);
    if (mr_comm_any(comm, nan))
        return 1;
    if (ntotal == 0)
        return 0;
    const uint64_t n = ntotal, k = mr_stats_rank((size_t)n, p);
    const mr_dvar v = {x, (size_t)n_local, 1, stride, n};
    uint64_t rk = k;
    if (mr_dstats_select(comm, &v, &rk, 1, xk))
        return -1;
    return mr_attr_tail_from(comm, x, stride, n_local, ntotal, p, *xk, idx, wt, nt, ntail, wsum);
}

/* mr_attr_tail once X_(k) = xk is known: x holds at least this rank's values
   from X_(k) up, in trial order (all of its values, or only those). */
int mr_attr_tail_from(const mr_comm *comm, const double *x, size_t stride, uint64_t n_local,
                      uint64_t ntotal, double p, double xk_, size_t **idx, double **wt, size_t *nt,
                      uint64_t *ntail, double *wsum)
{
    const uint64_t n = ntotal, k = mr_stats_rank((size_t)n, p);
    const double *xk = &xk_;
    /* the ties of X_(k) on each rank, and the values above it */
    const int R = comm->size;
    uint64_t *cnt = calloc((size_t)R + 1, sizeof *cnt);
    if (mr_comm_any(comm, !cnt)) {
        free(cnt);
        return -1;
    }
    const uint64_t kk = mr_stats_key(*xk);
    uint64_t above = 0, ties = 0;
    for (uint64_t i = 0; i < n_local; i++) {
        uint64_t key = mr_stats_key(x[i * stride]);
        above += key > kk;
        ties += key == kk;
    }
    cnt[comm->rank] = ties;
    cnt[R] = above;
    if (mr_comm_sum_u64(comm, cnt, (size_t)R + 1)) {
        free(cnt);
        return -1;
    }
    /* ranks k .. n hold n - k + 1 - above ties, the latest trials first:
       the last rank's ties first, each rank's from its last trial back */
    uint64_t need = n - k + 1 - cnt[R], mine = 0;
    int lowest = R - 1;
    for (int r = R - 1; r >= 0 && need > 0; r--) {
        uint64_t t = cnt[r] < need ? cnt[r] : need;
        need -= t;
        if (r == comm->rank)
            mine = t;
        if (t > 0)
            lowest = r;
    }
    free(cnt);
    double np = (double)n * p, r0 = nearbyint(np);
    if (fabs(np - r0) <= MR_ATTR_RANK_TOL * fmax(1.0, fabs(np)))
        np = r0;
    double wk = (double)k - np;
    if (wk < 0.0)
        wk = 0.0;
    *wsum = wk + (double)(n - k);
    /* the local index of the first tie taken here */
    uint64_t first_tie = n_local, seen = 0;
    for (uint64_t i = n_local; i-- > 0 && seen < mine;)
        if (mr_stats_key(x[i * stride]) == kk) {
            seen++;
            first_tie = i;
        }
    size_t cap = (size_t)(above + mine);
    size_t *ix = malloc((cap ? cap : 1) * sizeof *ix);
    double *w = malloc((cap ? cap : 1) * sizeof *w);
    int oom = !ix || !w;
    if (mr_comm_any(comm, oom)) {
        free(ix);
        free(w);
        return -1;
    }
    size_t m = 0;
    for (uint64_t i = 0; i < n_local; i++) {
        uint64_t key = mr_stats_key(x[i * stride]);
        double wi;
        if (key > kk)
            wi = 1.0;
        else if (key == kk && i >= first_tie)
            wi = (i == first_tie && comm->rank == lowest) ? wk : 1.0;
        else
            continue;
        if (!(wi > 0.0))
            continue;
        ix[m] = (size_t)i;
        w[m++] = wi;
    }
    uint64_t tot = m;
    if (mr_comm_sum_u64(comm, &tot, 1)) {
        free(ix);
        free(w);
        return -1;
    }
    *idx = ix;
    *wt = w;
    *nt = m;
    *ntail = tot;
    return 0;
}

int mr_attr_tail_weighted(const mr_comm *comm, const double *x, size_t stride, uint64_t n_local,
                          uint64_t ntotal, const double *weight, double p, size_t **idx,
                          double **wt, size_t *nt, uint64_t *ntail, double *var, double *wsum,
                          double *es)
{
    const mr_comm solo = {0, 1, NULL};
    if (!comm)
        comm = &solo;
    *idx = NULL;
    *wt = NULL;
    *nt = 0;
    *ntail = 0;
    *var = *wsum = *es = NAN;
    const size_t N = (size_t)ntotal, R = (size_t)comm->size;
    double *loc = malloc((n_local ? n_local : 1) * sizeof *loc);
    double *xa = malloc((N ? N : 1) * sizeof *xa);
    double *wa = malloc((N ? N : 1) * sizeof *wa);
    double *xs = malloc((N ? N : 1) * sizeof *xs);
    double *ws = malloc((N ? N : 1) * sizeof *ws);
    double *om = malloc((N ? N : 1) * sizeof *om);
    uint64_t *off = calloc(R + 1, sizeof *off);
    size_t *ix = NULL;
    double *w = NULL;
    int rc = -1;
    if (mr_comm_any(comm, !loc || !xa || !wa || !xs || !ws || !om || !off))
        goto out;
    for (uint64_t i = 0; i < n_local; i++)
        loc[i] = x[i * stride];
    off[comm->rank] = n_local;
    if (mr_comm_allgather_f64(comm, loc, (size_t)n_local, xa) != 0 ||
        mr_comm_allgather_f64(comm, weight, (size_t)n_local, wa) != 0 ||
        mr_comm_sum_u64(comm, off, R))
        goto out;
    int nan = 0;
    for (size_t i = 0; i < N && !nan; i++)
        nan = isnan(xa[i]);
    if (nan) {
        rc = 1;
        goto out;
    }
    rc = 0;
    if (N == 0)
        goto out;
    if (mr_comm_any(comm, mr_wstats_sort(xa, wa, N, xs, ws, NULL) != 0)) {
        rc = -1;
        goto out;
    }
    /* VaR and ES as /summary computes them (wsumstats.c) */
    double v;
    *es = mr_wstats_es(xa, wa, N, MR_BLOCK_TRIALS, xs, ws, p, &v);
    *var = v;
    double np = (double)N * p, r0 = nearbyint(np);
    if (fabs(np - r0) <= MR_ATTR_RANK_TOL * fmax(1.0, fabs(np)))
        np = r0;
    *wsum = (double)N - np;
    /* the weight at v that fills the tail mass, from the latest trial back;
       what rounding leaves (below 1e-12 of the mass) is nothing. When the
       ties hold no more than it (v the smallest value, with too little
       weight above it), each tie takes its share w_i rest / (their weight),
       so the tail's weight is still the mass and the allocation adds up to
       ES (docs/STUDIES.md). */
    double rest = *wsum - mr_wstats_weight_above(xa, wa, N, MR_BLOCK_TRIALS, v);
    if (rest <= MR_ATTR_RANK_TOL * *wsum)
        rest = 0.0;
    double tied = 0.0;
    for (size_t i = 0; i < N && rest > 0.0; i++)
        tied += xa[i] == v ? wa[i] : 0.0;
    const double scale = rest > 0.0 && tied <= rest && tied > 0.0 ? rest / tied : 0.0;
    uint64_t tot = 0;
    for (size_t i = N; i-- > 0;) {
        om[i] = 0.0;
        if (xa[i] > v)
            om[i] = wa[i];
        else if (xa[i] == v && scale > 0.0)
            om[i] = wa[i] * scale;
        else if (xa[i] == v && rest > 0.0) {
            om[i] = wa[i] < rest ? wa[i] : rest;
            rest -= om[i];
            if (rest <= MR_ATTR_RANK_TOL * *wsum)
                rest = 0.0;
        }
        tot += om[i] > 0.0;
    }
    uint64_t first = 0;
    for (int r = 0; r < comm->rank; r++)
        first += off[r];
    size_t m = 0;
    for (uint64_t i = 0; i < n_local; i++)
        m += om[first + i] > 0.0;
    ix = malloc((m ? m : 1) * sizeof *ix);
    w = malloc((m ? m : 1) * sizeof *w);
    if (mr_comm_any(comm, !ix || !w)) {
        rc = -1;
        goto out;
    }
    m = 0;
    for (uint64_t i = 0; i < n_local; i++)
        if (om[first + i] > 0.0) {
            ix[m] = (size_t)i;
            w[m++] = om[first + i];
        }
    *idx = ix;
    *wt = w;
    *nt = m;
    *ntail = tot;
    ix = NULL;
    w = NULL;
out:
    rc = mr_comm_any(comm, rc < 0) ? -1 : rc;
    free(loc);
    free(xa);
    free(wa);
    free(xs);
    free(ws);
    free(om);
    free(off);
    free(ix);
    free(w);
    return rc;
}

/* mr_sumsq's f: the sum over the rows of (w (v_k - share L) scale)^2. */
typedef struct {
    const double *rows;
    size_t m, W, col;
    double share;
} residuals;

static int resid_sumsq(void *ctx, double scale, double *out)
{
    const residuals *q = ctx;
    double ss = 0.0;
    for (size_t r = 0; r < q->m; r++) {
        const double *row = q->rows + r * q->W;
        double dv = row[1] * (row[q->col] - q->share * row[2]) * scale;
        ss += dv * dv;
    }
    *out = ss;
    return 0;
}

void mr_attr_tail_stats(const double *rows, size_t m, int K, double wsum, double *co_es,
                        double *share, double *lo, double *hi)
{
    const size_t W = (size_t)K + MR_ATTR_ROW_HEAD;
    double den = 0.0;
    for (size_t r = 0; r < m; r++)
        den += rows[r * W + 1] * rows[r * W + 2];
    for (int k = 0; k < K; k++) {
        double num = 0.0;
        for (size_t r = 0; r < m; r++)
            num += rows[r * W + 1] * rows[r * W + MR_ATTR_ROW_HEAD + (size_t)k];
        co_es[k] = m > 0 ? num / wsum : NAN;
        double sh = den != 0.0 ? num / den : NAN;
        share[k] = sh;
        lo[k] = hi[k] = NAN;
        if (m < 2 || isnan(sh))
            continue;
        /* the residuals scaled where their squares overflow (losses past
           about 1e154 GBP gave an interval of [-inf, inf]; sumsq.h): the
           same figure, bit for bit, otherwise */
        residuals q = {rows, m, W, MR_ATTR_ROW_HEAD + (size_t)k, sh};
        double ss, scaled;
        const int rs = mr_sumsq(resid_sumsq, &q, 1, &ss, &scaled);
        double se = mr_sumsq_root((double)m / (double)(m - 1) * (rs ? scaled : ss), rs) / fabs(den);
        lo[k] = sh - MR_PAIRED_Z95 * se;
        hi[k] = sh + MR_PAIRED_Z95 * se;
    }
}
