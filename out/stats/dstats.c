/* dstats.c - exact statistics over trials spread across ranks (dstats.h).
 *
 * Only integers and exact minima/maxima are reduced by the communication
 * layer; floating-point sums are formed here, in block order, from gathered
 * block partials, so no result depends on the number of ranks.
 */
#include "out/stats/dstats.h"

#include "out/results.h"
#include "out/stats/stats.h"
#include "out/stats/sumsq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const mr_comm solo = {0, 1, NULL};

/* n, or 1 for an allocation of nothing */
static size_t one_or(size_t n)
{
    return n ? n : 1;
}
#define COMM(c) ((c) ? (c) : &solo)

/* Block partials gathered at once: at most about this many doubles. */

uint64_t mr_dvar_count(const mr_dvar *v)
{
    return v->ntrials_total * (uint64_t)v->per_trial;
}

size_t mr_dvar_local_blocks(const mr_dvar *v)
{
    return (v->ntrials + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
}

uint64_t mr_dvar_total_blocks(const mr_dvar *v)
{
    return (v->ntrials_total + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
}

/* Elements [*lo, *hi) of local block b. */
static void block_elems(const mr_dvar *v, size_t b, size_t *lo, size_t *hi)
{
    size_t t0 = b * MR_BLOCK_TRIALS, t1 = t0 + MR_BLOCK_TRIALS;
    if (t1 > v->ntrials)
        t1 = v->ntrials;
    *lo = t0 * v->per_trial;
    *hi = t1 * v->per_trial;
}

/* Allocation failed on this rank or another: every rank frees and fails. */
static int any_failed(const mr_comm *c, int failed)
{
    return mr_comm_any(c, failed);
}

/* ---- block-ordered sums ---------------------------------------------------- */

/* The sums run over a fixed pairwise tree of the run's blocks: node (l, i)
   covers blocks [i 2^l, (i + 1) 2^l) cut at nb; its value is
   left + right, or left alone when the right child is empty; a leaf (l = 0)
   is the block's partial. The tree depends only on nb, so every rank count
   gives the same bits; each rank sends only the O(log nb) largest nodes that
   lie wholly in its block range, not one partial a block, so the reduction
   stays cheap at a billion trials (nb ~ 1e6). */

/* Value of node (l, i) from the partials of blocks base, base + 1, ...
   held locally; scratch has l * k doubles. */
static void tree_local(const double *partial, size_t k, uint64_t base, uint64_t nb, int l,
                       uint64_t i, double *out, double *scratch)
{
    if (l == 0) {
        memcpy(out, partial + (size_t)(i - base) * k, k * sizeof *out);
        return;
    }
    tree_local(partial, k, base, nb, l - 1, 2 * i, out, scratch);
    if (((2 * i + 1) << (l - 1)) >= nb)
        return;
    tree_local(partial, k, base, nb, l - 1, 2 * i + 1, scratch, scratch + k);
    for (size_t q = 0; q < k; q++)
        out[q] += scratch[q];
}

/* Gathered nodes: ids[n] sorted by (l, i), values[n * k]. */
typedef struct {
    const double *rec; /* n records of (l, i, k values) */
    size_t n, k;
} node_set;

static const double *find_node(const node_set *ns, int l, uint64_t i)
{
    size_t lo = 0, hi = ns->n, w = 2 + ns->k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const double *r = ns->rec + mid * w;
        if (r[0] < l || (r[0] == l && r[1] < (double)i))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < ns->n) {
        const double *r = ns->rec + lo * w;
        if (r[0] == l && r[1] == (double)i)
            return r + 2;
    }
    return NULL;
}

static void tree_global(const node_set *ns, uint64_t nb, int l, uint64_t i, double *out,
                        double *scratch)
{
    const double *v = find_node(ns, l, i);
    if (v) {
        memcpy(out, v, ns->k * sizeof *out);
        return;
    }
    /* a node no rank holds whole spans ranks: l >= 1 */
    tree_global(ns, nb, l - 1, 2 * i, out, scratch);
    uint64_t right = 2 * i + 1;
    if ((right << (l - 1)) >= nb)
        return;
    tree_global(ns, nb, l - 1, right, scratch, scratch + ns->k);
    for (size_t q = 0; q < ns->k; q++)
        out[q] += scratch[q];
}

/* Records (l, i, values...) by (l, i); qsort passes the record size. */
static int cmp_records(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : (x[1] > y[1]);
}

int mr_dstats_reduce_blocks(const mr_comm *c, const double *partial, size_t nblocks,
                            uint64_t nblocks_total, size_t k, double *out)
{
    c = COMM(c);
    for (size_t q = 0; q < k; q++)
        out[q] = 0.0;
    if (k == 0 || nblocks_total == 0)
        return 0;
    const uint64_t nb = nblocks_total;
    int top = 0;
    while (((uint64_t)1 << top) < nb)
        top++;
    /* this rank's first block: the blocks before it, from every rank's count */
    double *counts = malloc(one_or((size_t)c->size) * sizeof *counts);
    double mine_count = (double)nblocks;
    int rc = -1;
    double *mine = NULL, *all = NULL, *scratch = NULL;
    if (any_failed(c, !counts) || mr_comm_allgather_f64(c, &mine_count, 1, counts) != 0)
        goto out;
    uint64_t base = 0;
    for (int r = 0; r < c->rank; r++)
        base += (uint64_t)counts[r];
    /* the largest aligned nodes inside [base, base + nblocks) */
    const size_t w = 2 + k;
    size_t nmine = 0;
    mine = malloc(one_or(2 * (size_t)(top + 1) * w) * sizeof *mine);
    scratch = malloc(one_or((size_t)(top + 1) * k) * sizeof *scratch);
    if (any_failed(c, !mine || !scratch))
        goto out;
    for (uint64_t pos = base, end = base + nblocks; pos < end;) {
        int l = top;
        for (;; l--) {
            uint64_t size = (uint64_t)1 << l;
            uint64_t stop = pos + size < nb ? pos + size : nb;
            if (pos % size == 0 && stop <= end)
                break;
        }
        double *r = mine + nmine * w;
        r[0] = l;
        r[1] = (double)(pos >> l);
        tree_local(partial, k, base, nb, l, pos >> l, r + 2, scratch);
        nmine++;
        uint64_t next = pos + ((uint64_t)1 << l);
        pos = next < nb ? next : nb;
    }
    /* gather every rank's nodes (O(ranks log nb) records) */
    double nrec = (double)nmine;
    if (mr_comm_allgather_f64(c, &nrec, 1, counts) != 0)
        goto out;
    size_t total = 0;
    for (int r = 0; r < c->size; r++)
        total += (size_t)counts[r];
    all = malloc(one_or(total * w) * sizeof *all);
    if (any_failed(c, !all) || mr_comm_allgather_f64(c, mine, nmine * w, all) != 0)
        goto out;
    qsort(all, total, w * sizeof *all, cmp_records);
    node_set ns = {all, total, k};
    tree_global(&ns, nb, top, 0, out, scratch);
    rc = 0;
out:
    free(counts);
    free(mine);
    free(all);
    free(scratch);
    return rc;
}

/* partial[b * k] = sum of block b's elements, in index order from 0.0;
   with mean != NULL, of ((x - *mean) scale)^2 instead, scale 1 or
   mr_sumsq_scale(1) (sumsq.h); the plain sums are never scaled
   (mr_dstats_moments). */
static void block_sums(const mr_dvar *v, const double *mean, double scale, double *partial,
                       size_t k)
{
    const size_t nb = mr_dvar_local_blocks(v), st = v->stride;
    const double *x = v->x;
    for (size_t b = 0; b < nb; b++) {
        size_t lo, hi;
        block_elems(v, b, &lo, &hi);
        double s = 0.0;
        if (mean) {
            const double m = *mean;
            for (size_t e = lo; e < hi; e++) {
                double d = (x[e * st] - m) * scale;
                s += d * d;
            }
        } else if (st == 1) {
            for (size_t e = lo; e < hi; e++)
                s += x[e];
        } else {
            for (size_t e = lo; e < hi; e++)
                s += x[e * st];
        }
        partial[b * k] = s;
    }
}

/* Block-ordered sums over nv variables (of x, or of (x - mean[i])^2). The
   variables share their trial layout (ntrials, per_trial). */
static int sums(const mr_comm *c, const mr_dvar *v, size_t nv, const double *mean, double scale,
                double *out)
{
    if (nv == 0)
        return 0;
    const size_t nb = mr_dvar_local_blocks(&v[0]);
    double *partial = malloc(one_or(nb * nv) * sizeof *partial);
    if (any_failed(c, !partial)) {
        free(partial);
        return -1;
    }
    for (size_t i = 0; i < nv; i++)
        block_sums(&v[i], mean ? &mean[i] : NULL, scale, partial + i, nv);
    int rc = mr_dstats_reduce_blocks(c, partial, nb, mr_dvar_total_blocks(&v[0]), nv, out);
    free(partial);
    return rc;
}

int mr_dstats_sums(const mr_comm *c, const mr_dvar *v, size_t nv, double *sum)
{
    return sums(COMM(c), v, nv, NULL, 1.0, sum);
}

/* mr_sumsq's f: the sums of squared deviations of the nv variables. */
typedef struct {
    const mr_comm *c;
    const mr_dvar *v;
    size_t nv;
    const double *mean;
} dev_sums;

static int dev_sumsq(void *ctx, double scale, double *out)
{
    const dev_sums *d = ctx;
    return sums(d->c, d->v, d->nv, d->mean, scale, out);
}

int mr_dstats_moments(const mr_comm *c, const mr_dvar *v, size_t nv, double *mean, double *sd)
{
    c = COMM(c);
    /* the mean is not rescaled: a sum of finite values past DBL_MAX (losses
       near 1e305) leaves it inf, as the streamed statistics' pass 1 does,
       so /summary stays the same held or streamed (docs/OUTPUT.md) */
    if (sums(c, v, nv, NULL, 1.0, mean) != 0)
        return -1;
    for (size_t i = 0; i < nv; i++) {
        uint64_t n = mr_dvar_count(&v[i]);
        mean[i] = n ? mean[i] / (double)n : NAN;
    }
    if (!sd)
        return 0;
    /* the sums of squared deviations, formed again scaled where one
       overflowed (sumsq.h); the decision rests on the reduced sums, the
       same on every rank */
    double *scaled = malloc(one_or(nv) * sizeof *scaled);
    if (any_failed(c, !scaled)) {
        free(scaled);
        return -1;
    }
    dev_sums d = {c, v, nv, mean};
    int rc = mr_sumsq(dev_sumsq, &d, nv, sd, scaled);
    for (size_t i = 0; rc >= 0 && i < nv; i++)
        sd[i] = mr_sumsq_sd(sd[i], scaled[i], mr_dvar_count(&v[i]));
    free(scaled);
    return rc < 0 ? -1 : 0;
}

/* ---- counts ------------------------------------------------------------------ */

static int counts(const mr_comm *c, const mr_dvar *v, size_t nv, int nan, double threshold,
                  uint64_t *count)
{
    c = COMM(c);
    for (size_t i = 0; i < nv; i++) {
        const size_t n = v[i].ntrials * v[i].per_trial, st = v[i].stride;
        const double *x = v[i].x;
        uint64_t k = 0;
        for (size_t e = 0; e < n; e++)
            k += nan ? (uint64_t)(isnan(x[e * st]) != 0) : (uint64_t)(x[e * st] > threshold);
        count[i] = k;
    }
    return mr_comm_sum_u64(c, count, nv);
}

int mr_dstats_count_above(const mr_comm *c, const mr_dvar *v, size_t nv, double threshold,
                          uint64_t *count)
{
    return counts(c, v, nv, 0, threshold, count);
}

int mr_dstats_count_nan(const mr_comm *c, const mr_dvar *v, size_t nv, uint64_t *count)
{
    return counts(c, v, nv, 1, 0.0, count);
}

/* ---- selection ----------------------------------------------------------------- */

/* mr_stats_key, inlined in the scanning loops. */
static inline uint64_t key_of(double d)
{
    if (isnan(d))
        return UINT64_MAX;
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return (u & UINT64_C(0x8000000000000000)) ? ~u : (u | UINT64_C(0x8000000000000000));
}

#define FIRST_BITS 16 /* the first digit; then 8-bit digits */
#define FIRST_BINS ((size_t)1 << FIRST_BITS)
#define DIGIT_BITS 8
#define DIGIT_BINS ((size_t)1 << DIGIT_BITS)

typedef struct {
    uint64_t prefix; /* the key's leading `bits` bits found so far */
    uint64_t rem;    /* the wanted rank among the keys with that prefix (1-based) */
    int valid;
} target;

size_t mr_dstats_pick_digit(const uint64_t *h, size_t nbins, uint64_t *rem)
{
    uint64_t cum = 0;
    for (size_t d = 0; d < nbins; d++) {
        if (h[d] >= *rem - cum) {
            *rem -= cum;
            return d;
        }
        cum += h[d];
    }
    return nbins - 1; /* not reached: the counts hold every rank */
}

/* Index of p in the ascending array g[0..ng-1], or -1. */
static long find_group(const uint64_t *g, size_t ng, uint64_t p)
{
    size_t a = 0, b = ng;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (g[m] < p)
            a = m + 1;
        else
            b = m;
    }
    return a < ng && g[a] == p ? (long)a : -1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int mr_dstats_select(const mr_comm *c, const mr_dvar *v, const uint64_t *ranks, size_t nranks,
                     double *out)
{
    c = COMM(c);
    const uint64_t n = mr_dvar_count(v);
    size_t nvalid = 0;
    for (size_t t = 0; t < nranks; t++) {
        out[t] = NAN;
        nvalid += ranks[t] >= 1 && ranks[t] <= n;
    }
    if (nvalid == 0) /* the same on every rank */
        return 0;
    const size_t nloc = v->ntrials * v->per_trial, st = v->stride;
    const double *x = v->x;
    target *tg = malloc(nranks * sizeof *tg);
    uint64_t *groups = malloc(nranks * sizeof *groups);
    size_t hsize = FIRST_BINS > nranks * DIGIT_BINS ? FIRST_BINS : nranks * DIGIT_BINS;
    uint64_t *hist = calloc(hsize, sizeof *hist);
    /* candidates: the keys still sharing a target's prefix (pages are
       touched only as far as they are used) */
    uint64_t *cand = malloc((nloc ? nloc : 1) * sizeof *cand);
    int rc = -1;
    if (any_failed(c, !tg || !groups || !hist || !cand))
        goto out;
    for (size_t t = 0; t < nranks; t++)
        tg[t] = (target){0, ranks[t], ranks[t] >= 1 && ranks[t] <= n};

    /* First digit: every element. */
    for (size_t e = 0; e < nloc; e++)
        hist[key_of(x[e * st]) >> (64 - FIRST_BITS)]++;
    if (mr_comm_sum_u64(c, hist, FIRST_BINS) != 0)
        goto out;
    for (size_t t = 0; t < nranks; t++)
        if (tg[t].valid)
            tg[t].prefix = mr_dstats_pick_digit(hist, FIRST_BINS, &tg[t].rem);

    size_t ncand = 0;
    for (int bits = FIRST_BITS; bits < 64; bits += DIGIT_BITS) {
        /* the distinct prefixes of the targets, ascending */
        size_t ng = 0;
        for (size_t t = 0; t < nranks; t++)
            if (tg[t].valid)
                groups[ng++] = tg[t].prefix;
        qsort(groups, ng, sizeof *groups, cmp_u64);
        size_t u = 0;
        for (size_t i = 0; i < ng; i++)
            if (u == 0 || groups[i] != groups[u - 1])
                groups[u++] = groups[i];
        ng = u;
        memset(hist, 0, ng * DIGIT_BINS * sizeof *hist);
        const int ps = 64 - bits, ds = ps - DIGIT_BITS;
        /* Count the next digit of the keys that share a prefix, and keep
           only those as candidates. */
        size_t m = 0;
        const size_t nscan = bits == FIRST_BITS ? nloc : ncand;
        for (size_t e = 0; e < nscan; e++) {
            uint64_t k = bits == FIRST_BITS ? key_of(x[e * st]) : cand[e];
            uint64_t p = k >> ps;
            long g = ng == 1 ? (p == groups[0] ? 0 : -1) : find_group(groups, ng, p);
            if (g < 0)
                continue;
            hist[(size_t)g * DIGIT_BINS + ((k >> ds) & (DIGIT_BINS - 1))]++;
            cand[m++] = k;
        }
        ncand = m;
        if (mr_comm_sum_u64(c, hist, ng * DIGIT_BINS) != 0)
            goto out;
        for (size_t t = 0; t < nranks; t++) {
            if (!tg[t].valid)
                continue;
            size_t g = (size_t)find_group(groups, ng, tg[t].prefix);
            size_t d = mr_dstats_pick_digit(hist + g * DIGIT_BINS, DIGIT_BINS, &tg[t].rem);
            tg[t].prefix = (tg[t].prefix << DIGIT_BITS) | d;
        }
    }
    for (size_t t = 0; t < nranks; t++)
        if (tg[t].valid)
            out[t] = mr_stats_key_value(tg[t].prefix);
    rc = 0;
out:
    free(tg);
    free(groups);
    free(hist);
    free(cand);
    return rc;
}

/* ---- tails, expected shortfall, return periods ------------------------------------ */

int mr_dstats_tail(const mr_comm *c, const mr_dvar *v, const double *thresholds, size_t nt,
                   double *sum_gt, uint64_t *count_gt, uint64_t *count_nan)
{
    c = COMM(c);
    const size_t nb = mr_dvar_local_blocks(v), st = v->stride;
    const double *x = v->x;
    double *partial = malloc(one_or(nb * nt) * sizeof *partial);
    uint64_t *cnt = calloc(nt + 1, sizeof *cnt); /* nt counts above, then NaNs */
    int rc = -1;
    if (any_failed(c, !partial || !cnt))
        goto out;
    for (size_t b = 0; b < nb; b++) {
        size_t lo, hi;
        block_elems(v, b, &lo, &hi);
        double *s = partial + b * nt;
        for (size_t j = 0; j < nt; j++)
            s[j] = 0.0;
        for (size_t e = lo; e < hi; e++) {
            double xe = x[e * st];
            if (isnan(xe)) {
                cnt[nt]++;
                continue;
            }
            for (size_t j = 0; j < nt; j++)
                if (xe > thresholds[j]) {
                    s[j] += xe;
                    cnt[j]++;
                }
        }
    }
    if (mr_comm_sum_u64(c, cnt, nt + 1) != 0 ||
        mr_dstats_reduce_blocks(c, partial, nb, mr_dvar_total_blocks(v), nt, sum_gt) != 0)
        goto out;
    for (size_t j = 0; j < nt; j++)
        count_gt[j] = cnt[j];
    *count_nan = cnt[nt];
    rc = 0;
out:
    free(partial);
    free(cnt);
    return rc;
}

int mr_dstats_es(const mr_comm *c, const mr_dvar *v, const double *p, const double *xk, size_t nlev,
                 double *es)
{
    c = COMM(c);
    const uint64_t n = mr_dvar_count(v);
    double *sum_gt = malloc((nlev ? nlev : 1) * sizeof *sum_gt);
    uint64_t *count_gt = malloc((nlev ? nlev : 1) * sizeof *count_gt), count_nan = 0;
    int rc = -1;
    if (any_failed(c, !sum_gt || !count_gt))
        goto out;
    if (mr_dstats_tail(c, v, xk, nlev, sum_gt, count_gt, &count_nan) != 0)
        goto out;
    for (size_t l = 0; l < nlev; l++)
        es[l] = (n == 0 || count_nan > 0)
                    ? NAN
                    : mr_stats_es_tail((size_t)n, p[l], xk[l], sum_gt[l], count_gt[l]);
    rc = 0;
out:
    free(sum_gt);
    free(count_gt);
    return rc;
}

int mr_dstats_return_periods(const mr_comm *c, const mr_dvar *v, const double *periods, size_t np,
                             double *out)
{
    c = COMM(c);
    const uint64_t n = mr_dvar_count(v);
    uint64_t *ranks = malloc((np ? np : 1) * sizeof *ranks);
    if (any_failed(c, !ranks)) {
        free(ranks);
        return -1;
    }
    for (size_t k = 0; k < np; k++) {
        double rp = periods[k];
        ranks[k] = (rp > 1.0 && (double)n >= rp) ? mr_stats_rank((size_t)n, 1.0 - 1.0 / rp) : 0;
    }
    int rc = mr_dstats_select(c, v, ranks, np, out); /* rank 0: NaN */
    free(ranks);
    return rc;
}

/* ---- histogram ----------------------------------------------------------------- */

int mr_dstats_histogram(const mr_comm *c, const mr_dvar *v, size_t nbins, uint64_t *counts_out,
                        double *edges)
{
    c = COMM(c);
    if (nbins == 0)
        return 0;
    const size_t n = v->ntrials * v->per_trial, st = v->stride;
    const double *x = v->x;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t e = 0; e < n; e++) {
        double xe = x[e * st];
        if (isfinite(xe)) {
            lo = fmin(lo, xe);
            hi = fmax(hi, xe);
        }
    }
    if (mr_comm_min_f64(c, &lo, 1) != 0 || mr_comm_max_f64(c, &hi, 1) != 0)
        return -1;
    for (size_t b = 0; b < nbins; b++)
        counts_out[b] = 0;
    if (mr_stats_hist_edges(lo, hi, nbins, edges))
        for (size_t e = 0; e < n; e++) {
            double xe = x[e * st];
            if (isfinite(xe))
                counts_out[mr_stats_hist_bin(xe, edges, nbins)]++;
        }
    return mr_comm_sum_u64(c, counts_out, nbins);
}
