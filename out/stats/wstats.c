/* wstats.c - weighted estimators (wstats.h; definitions in docs/OUTPUT.md
 * "Weighted estimators").
 */
#include "out/stats/wstats.h"

#include "out/stats/dstats.h"
#include "out/stats/stats.h"
#include "out/stats/sumsq.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* n p closer than this (relative) to an integer is taken as that integer
   (as stats.c's ranks). */
#define RANK_REL_TOL 1e-12

static double wt(const double *w, size_t k)
{
    return w ? w[k] : 1.0;
}

/* Blocks of blk elements in n (blk 0: one block). */
static size_t nblocks(size_t n, size_t *blk)
{
    if (*blk == 0)
        *blk = n ? n : 1;
    return (n + *blk - 1) / *blk;
}

/* The k sums of the block partials part[b * k + q] over dstats.h's fixed
   pairwise tree of the nb blocks (the file's block-ordered sums); frees
   part. NaN when part is NULL (out of memory). */
static void reduce(double *part, size_t nb, size_t k, double *out)
{
    if (!part || mr_dstats_reduce_blocks(NULL, part, nb, nb, k, out) != 0)
        for (size_t q = 0; q < k; q++)
            out[q] = NAN;
    free(part);
}

static double *partials(size_t nb, size_t k)
{
    return calloc((nb ? nb : 1) * k, sizeof(double));
}

/* Block-ordered sum over the elements with x[k] > above (x NULL: all) of
   w[k] x[k] (times_x; x[k] when w is NULL) or of w[k]. */
static double sum_above(const double *x, const double *w, size_t n, size_t blk, double above,
                        int times_x)
{
    const size_t nb = nblocks(n, &blk);
    double *part = partials(nb, 1), total;
    for (size_t b = 0; part && b < nb; b++) {
        size_t b1 = (b + 1) * blk < n ? (b + 1) * blk : n;
        double sum = 0.0;
        for (size_t k = b * blk; k < b1; k++) {
            if (x && !(x[k] > above))
                continue;
            sum += times_x && x ? (w ? w[k] * x[k] : x[k]) : wt(w, k);
        }
        part[b] = sum;
    }
    reduce(part, nb, 1, &total);
    return total;
}

double mr_wstats_sum(const double *x, const double *w, size_t n, size_t blk, double above)
{
    return sum_above(x, w, n, blk, above, 1);
}

double mr_wstats_weight_above(const double *x, const double *w, size_t n, size_t blk, double above)
{
    return sum_above(x, w, n, blk, above, 0);
}

/* ss[0] = sum w (x - m)^2 and ss[1] = sum (w x - m)^2, block-ordered, each
   deviation scaled by scale (1, or mr_sumsq_scale(1) where they overflow:
   sumsq.h). */
static void second_sums(const double *x, const double *w, size_t n, size_t blk, double m,
                        double scale, double ss[2])
{
    const size_t nb = nblocks(n, &blk);
    double *part = partials(nb, 2);
    for (size_t b = 0; part && b < nb; b++) {
        size_t b1 = (b + 1) * blk < n ? (b + 1) * blk : n;
        double ps = 0.0, pp = 0.0;
        for (size_t k = b * blk; k < b1; k++) {
            double d = (x[k] - m) * scale, e = (wt(w, k) * x[k] - m) * scale;
            ps += wt(w, k) * d * d;
            pp += e * e;
        }
        part[2 * b] = ps;
        part[2 * b + 1] = pp;
    }
    reduce(part, nb, 2, ss);
}

typedef struct {
    const double *x, *w;
    size_t n, blk;
    double m;
} second;

static int second_sumsq(void *ctx, double scale, double *out)
{
    const second *q = ctx;
    second_sums(q->x, q->w, q->n, q->blk, q->m, scale, out);
    return 0;
}

void mr_wstats_moments(const double *x, const double *w, size_t n, size_t blk, double *mean,
                       double *sd, double *se)
{
    double m = n ? mr_wstats_sum(x, w, n, blk, -INFINITY) / (double)n : NAN;
    *mean = m;
    if (!sd && !se)
        return;
    double ss[2], sc[2];
    second q = {x, w, n, blk, m};
    mr_sumsq(second_sumsq, &q, 2, ss, sc);
    /* mr_sumsq_sd divides by n - 1: sd takes n, as the weighted estimator */
    if (sd)
        *sd = n >= 2 ? mr_sumsq_sd(ss[0], sc[0], n + 1) : NAN;
    if (se)
        *se = n >= 2 ? mr_sumsq_sd(ss[1], sc[1], n) / sqrt((double)n) : NAN;
}

double mr_wstats_exceedance(const double *x, const double *w, size_t n, size_t blk, double t,
                            double *se)
{
    if (n == 0) {
        if (se)
            *se = NAN;
        return NAN;
    }
    const size_t nb = nblocks(n, &blk);
    const double p = mr_wstats_weight_above(x, w, n, blk, t) / (double)n;
    if (se) {
        double *part = partials(nb, 1), ss;
        for (size_t b = 0; part && b < nb; b++) {
            size_t b1 = (b + 1) * blk < n ? (b + 1) * blk : n;
            double sum = 0.0;
            for (size_t k = b * blk; k < b1; k++) {
                double e = (x[k] > t ? wt(w, k) : 0.0) - p;
                sum += e * e;
            }
            part[b] = sum;
        }
        reduce(part, nb, 1, &ss);
        *se = n >= 2 ? sqrt(ss / (double)(n - 1)) / sqrt((double)n) : NAN;
    }
    return p;
}

/* The block-ordered sums of w[k] 2^e (out[0]) and of their squares (out[1]). */
static void weight_sums(const double *w, size_t n, size_t blk, int e, double out[2])
{
    const size_t nb = nblocks(n, &blk);
    double *part = partials(nb, 2);
    for (size_t b = 0; part && b < nb; b++) {
        size_t b1 = (b + 1) * blk < n ? (b + 1) * blk : n;
        double s = 0.0, s2 = 0.0;
        for (size_t k = b * blk; k < b1; k++) {
            double v = e ? ldexp(w[k], e) : w[k];
            s += v;
            s2 += v * v;
        }
        part[2 * b] = s;
        part[2 * b + 1] = s2;
    }
    reduce(part, nb, 2, out);
}

/* (sum w)^2 / sum w^2 as it is where (sum w)^2 and sum w^2 are finite and
   normal (every weight of a run today); else with every weight times the
   power of 2 that brings the largest to [1, 2), which leaves the ratio as
   it is: (sum w)^2 overflowed past about 1e154 (inf / inf) and sum w^2
   lost its digits below about 1e-154 and was 0 below 1e-162 (0 / 0). */
double mr_wstats_ess(const double *w, size_t n, size_t blk)
{
    if (n == 0)
        return NAN;
    if (!w)
        return (double)n;
    double sums[2];
    weight_sums(w, n, blk, 0, sums);
    double sq = sums[0] * sums[0];
    if ((isfinite(sq) && sq >= DBL_MIN && isfinite(sums[1]) && sums[1] >= DBL_MIN) || isnan(sq) ||
        isnan(sums[1]))
        return sq / sums[1];
    double mx = 0.0;
    for (size_t k = 0; k < n; k++)
        mx = fmax(mx, fabs(w[k]));
    if (!isfinite(mx) || mx == 0.0) /* an infinite weight, or all zero */
        return sq / sums[1];
    weight_sums(w, n, blk, -ilogb(mx), sums);
    return sums[0] * sums[0] / sums[1];
}

double mr_wstats_max_share(const double *w, size_t n, size_t blk)
{
    if (n == 0)
        return NAN;
    if (!w)
        return 1.0 / (double)n;
    double mx = 0.0;
    for (size_t k = 0; k < n; k++)
        if (w[k] > mx)
            mx = w[k];
    const double sum = mr_wstats_sum(NULL, w, n, blk, -INFINITY);
    /* the sum of finite weights past DBL_MAX (inf: the share was 0): the
       weights times the power of 2 that brings the largest to [1, 2) */
    if (isinf(sum) && isfinite(mx) && mx > 0.0) {
        double sums[2];
        const int e = -ilogb(mx);
        weight_sums(w, n, blk, e, sums);
        return ldexp(mx, e) / sums[0];
    }
    return mx / sum;
}

int mr_wstats_sort(const double *x, const double *w, size_t n, double *xs, double *ws,
                   uint32_t *idx)
{
    if (n >= UINT32_MAX) /* the indices are 32-bit */
        return -1;
    uint64_t *key = malloc((n ? n : 1) * 2 * sizeof *key);
    uint32_t *ix = malloc((n ? n : 1) * 2 * sizeof *ix);
    uint64_t *ka = key, *kb = key ? key + n : NULL;
    uint32_t *ia = ix, *ib = ix ? ix + n : NULL;
    for (size_t k = 0; key && ix && k < n; k++) {
        ka[k] = mr_stats_key(x[k]);
        ia[k] = (uint32_t)k;
    }
    /* stable: ties keep index order */
    if (!key || !ix || mr_stats_sort_pairs(&ka, &ia, &kb, &ib, n)) {
        free(key);
        free(ix);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        xs[k] = mr_stats_key_value(ka[k]);
        ws[k] = wt(w, ia[k]);
        if (idx)
            idx[k] = ia[k];
    }
    free(key);
    free(ix);
    return 0;
}

/* nnorm - nnorm p, with nnorm p snapped to an integer within RANK_REL_TOL */
static double tail_mass(double nnorm, double p)
{
    double x = nnorm * p, r = nearbyint(x);
    if (fabs(x - r) <= RANK_REL_TOL * fmax(1.0, fabs(x)))
        x = r;
    return nnorm - x;
}

/* The weighted VaR from sorted pairs with weights ws[k] * (c ? c[tri[k]] : 1). */
static double quantile_counted(const double *xs, const double *ws, const uint32_t *tri,
                               const uint32_t *c, size_t n, double nnorm, double p, double *tail)
{
    if (n == 0) {
        if (tail)
            *tail = NAN;
        return NAN;
    }
    const double limit = tail_mass(nnorm, p);
    double above = 0.0, v = xs[n - 1], at = 0.0;
    size_t k = n;
    while (k > 0) {
        /* the tie group of xs[k - 1]: [j, k) */
        size_t j = k - 1;
        while (j > 0 && xs[j - 1] == xs[k - 1])
            j--;
        if (!(above <= limit))
            break;
        v = xs[k - 1];
        at = above;
        double g = 0.0;
        for (size_t q = j; q < k; q++)
            g += c ? ws[q] * (double)c[tri[q]] : ws[q];
        above += g;
        k = j;
    }
    if (tail)
        *tail = at;
    return v;
}

double mr_wstats_quantile_sorted(const double *xs, const double *ws, size_t n, double nnorm,
                                 double p, double *tail)
{
    return quantile_counted(xs, ws, NULL, NULL, n, nnorm, p, tail);
}

double mr_wstats_es_tail(double nnorm, double p, double v, double sw, double swx)
{
    double mass = tail_mass(nnorm, p);
    if (!(mass > 0.0))
        return v;
    double rest = mass - sw;
    return (rest != 0.0 ? swx + rest * v : swx) / mass;
}

double mr_wstats_es(const double *x, const double *w, size_t n, size_t blk, const double *xs,
                    const double *ws, double p, double *var)
{
    double v = mr_wstats_quantile_sorted(xs, ws, n, (double)n, p, NULL);
    if (var)
        *var = v;
    if (n == 0)
        return NAN;
    for (size_t k = 0; k < n; k++)
        if (isnan(x[k]))
            return NAN;
    return mr_wstats_es_tail((double)n, p, v, mr_wstats_weight_above(x, w, n, blk, v),
                             mr_wstats_sum(x, w, n, blk, v));
}

/* SplitMix64's finaliser: the bootstrap's counter-based generator. */
static uint64_t mix64(uint64_t z)
{
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* ES of the resample, from the sorted pairs weighted by the counts, its
   sums above v in sorted order (a replicate only needs to be reproducible). */
static double es_counted(const double *xs, const double *ws, const uint32_t *tri, const uint32_t *c,
                         size_t n, double nnorm, double p, double v)
{
    double sw = 0.0, swx = 0.0;
    for (size_t k = n; k > 0 && xs[k - 1] > v; k--) {
        double g = ws[k - 1] * (double)c[tri[k - 1]];
        sw += g;
        swx += g * xs[k - 1];
    }
    return mr_wstats_es_tail(nnorm, p, v, sw, swx);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The counts c[0..ntrials) of resample b: ntrials draws of a trial, each
   from 32 bits of SplitMix64 keyed by (seed, b, the draw's index). */
static void draw_counts(uint64_t seed, size_t b, size_t ntrials, uint32_t *c)
{
    memset(c, 0, ntrials * sizeof *c);
    uint64_t base = mix64(seed ^ mix64(UINT64_C(0x626f6f74) + b)); /* "boot" */
    for (size_t j = 0; j < ntrials; j++) {
        uint64_t u = mix64(base + j) >> 32; /* 32 uniform bits */
        c[(size_t)((u * (uint64_t)ntrials) >> 32)]++;
    }
}

int mr_wstats_bootstrap(const double *xs, const double *ws, const uint32_t *tri, size_t n,
                        size_t ntrials, double nnorm, const double *p, size_t nlev, int B,
                        double level, uint64_t seed, const mr_comm *comm, double *var_lo,
                        double *var_hi, double *es_lo, double *es_hi)
{
    const size_t nb = (size_t)(B > 0 ? B : 0), V = 2 * nlev;
    /* rows.all[b * V + 2 l + e]: resample b's VaR (e = 0) and ES (e = 1)
       at p[l], the ranks' shares gathered */
    mr_comm_rows rows;
    int failed = mr_comm_rows_alloc(&rows, nb, V, comm) != 0;
    uint32_t *c = malloc((ntrials ? ntrials : 1) * sizeof *c);
    double *rep = malloc((nb ? nb : 1) * sizeof *rep);
    failed |= !c || !rep;
    for (uint64_t b = rows.r0; !failed && b < rows.r1; b++) {
        draw_counts(seed, (size_t)b, ntrials, c);
        double *row = mr_comm_rows_at(&rows, b);
        for (size_t l = 0; l < nlev; l++) {
            double v = quantile_counted(xs, ws, tri, c, n, nnorm, p[l], NULL);
            row[2 * l] = v;
            row[2 * l + 1] = es_counted(xs, ws, tri, c, n, nnorm, p[l], v);
        }
    }
    failed = mr_comm_rows_gather(&rows, failed) != 0;
    const double *all = rows.all;
    size_t lo = mr_stats_rank(nb, (1.0 - level) / 2.0), hi = mr_stats_rank(nb, (1.0 + level) / 2.0);
    for (size_t l = 0; !failed && l < nlev; l++)
        for (size_t e = 0; e < 2; e++) {
            for (size_t b = 0; b < nb; b++)
                rep[b] = all[b * V + 2 * l + e];
            qsort(rep, nb, sizeof *rep, cmp_double);
            double a = nb ? rep[lo - 1] : NAN, z = nb ? rep[hi - 1] : NAN;
            if (e == 0) {
                var_lo[l] = a;
                var_hi[l] = z;
            } else {
                es_lo[l] = a;
                es_hi[l] = z;
            }
        }
    free(c);
    mr_comm_rows_free(&rows);
    free(rep);
    return failed ? -1 : 0;
}

size_t mr_wstats_count_above(const double *xs, size_t n, double v)
{
    size_t c = 0;
    for (size_t k = n; k-- > 0;) {
        if (isnan(xs[k]))
            continue;
        if (!(xs[k] > v))
            break;
        c++;
    }
    return c;
}

int mr_wstats_bootstrap_es_diff(const double *xs_a, const double *ws_a, const uint32_t *tri_a,
                                const double *xs_b, const double *ws_b, const uint32_t *tri_b,
                                size_t n, size_t ntrials, double nnorm, double p, int B,
                                double level, uint64_t seed, const mr_comm *comm, double *lo,
                                double *hi)
{
    const size_t nb = (size_t)(B > 0 ? B : 0);
    mr_comm_rows rows; /* rows.all[b]: resample b's difference, the ranks' shares gathered */
    int failed = mr_comm_rows_alloc(&rows, nb, 1, comm) != 0;
    uint32_t *c = malloc((ntrials ? ntrials : 1) * sizeof *c);
    failed |= !c;
    for (uint64_t b = rows.r0; !failed && b < rows.r1; b++) {
        draw_counts(seed, (size_t)b, ntrials, c);
        double vb = quantile_counted(xs_b, ws_b, tri_b, c, n, nnorm, p, NULL);
        double eb = es_counted(xs_b, ws_b, tri_b, c, n, nnorm, p, vb), ea = 0.0;
        if (xs_a) {
            double va = quantile_counted(xs_a, ws_a, tri_a, c, n, nnorm, p, NULL);
            ea = es_counted(xs_a, ws_a, tri_a, c, n, nnorm, p, va);
        }
        *mr_comm_rows_at(&rows, b) = eb - ea;
    }
    free(c);
    failed = mr_comm_rows_gather(&rows, failed) != 0;
    if (!failed) {
        double *rep = rows.all;
        qsort(rep, nb, sizeof *rep, cmp_double);
        *lo = nb ? rep[mr_stats_rank(nb, (1.0 - level) / 2.0) - 1] : NAN;
        *hi = nb ? rep[mr_stats_rank(nb, (1.0 + level) / 2.0) - 1] : NAN;
    }
    mr_comm_rows_free(&rows);
    return failed ? -1 : 0;
}
