/* stats.c - risk statistics over Monte Carlo trials (MODEL §9).
 *
 * Definitions: stats.h and docs/OUTPUT.md "Estimators". Sums run in index
 * order and nothing depends on threads, so results are reproducible bit for
 * bit for the same inputs.
 */
#include "out/stats/stats.h"

#include "out/stats/sumsq.h"

#include <gsl/gsl_cdf.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* n p closer than this (relative) to an integer is taken as that integer. */
#define RANK_REL_TOL 1e-12

/* ---- moments ---------------------------------------------------------- */

double mr_stats_mean(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

/* mr_sumsq's f: sum of ((x_i - m) scale)^2 in index order, x_i = x[i]
   (years 0) or trial i's mean annual loss m_i (mr_stats_aal's layout). */
typedef struct {
    const double *x;
    size_t n, years, stride;
    double m;
} devs;

static int dev_sumsq(void *ctx, double scale, double *out)
{
    const devs *v = ctx;
    double ss = 0.0;
    for (size_t i = 0; i < v->n; i++) {
        double xi = v->years
                        ? mr_stats_trial_mean(v->x + i * v->years * v->stride, v->years, v->stride)
                        : v->x[i];
        double d = (xi - v->m) * scale;
        ss += d * d;
    }
    *out = ss;
    return 0;
}

double mr_stats_sd(const double *x, size_t n)
{
    if (n < 2)
        return NAN;
    devs v = {x, n, 0, 1, mr_stats_mean(x, n)};
    double ss, scaled; /* finite values whose squares overflow: sumsq.h */
    mr_sumsq(dev_sumsq, &v, 1, &ss, &scaled);
    return mr_sumsq_sd(ss, scaled, n);
}

double mr_stats_se(const double *x, size_t n)
{
    if (n < 2)
        return NAN;
    return mr_stats_sd(x, n) / sqrt((double)n);
}

double mr_stats_fraction_above(const double *x, size_t n, double threshold)
{
    if (n == 0)
        return NAN;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += x[i] > threshold;
    return (double)c / (double)n;
}

double mr_stats_fraction_not_nan(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += isnan(x[i]) ? 0u : 1u;
    return (double)c / (double)n;
}

/* ---- sorting ----------------------------------------------------------- */

/* Map a double to a uint64 whose unsigned order is the numeric order:
   positives get the sign bit set, negatives are bit-inverted. NaNs become the
   largest key, so they sort last. */
#define SIGN_BIT UINT64_C(0x8000000000000000)
#define NAN_KEY UINT64_MAX

uint64_t mr_stats_key(double d)
{
    if (isnan(d))
        return NAN_KEY;
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return (u & SIGN_BIT) ? ~u : (u | SIGN_BIT);
}

double mr_stats_key_value(uint64_t k)
{
    if (k == NAN_KEY)
        return NAN;
    uint64_t u = (k & SIGN_BIT) ? (k & ~SIGN_BIT) : ~k;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

int mr_stats_sort_pairs(uint64_t **key, uint32_t **idx, uint64_t **key2, uint32_t **idx2, size_t n)
{
    if (n == 0)
        return 0;
    size_t(*count)[256] = calloc(8, sizeof *count);
    if (!count)
        return -1;
    uint64_t *ka = *key, *kb = *key2;
    uint32_t *ia = *idx, *ib = *idx2;
    for (size_t j = 0; j < n; j++)
        for (int d = 0; d < 8; d++)
            count[d][(ka[j] >> (8 * d)) & 255u]++;
    for (int d = 0; d < 8; d++) {
        if (count[d][(ka[0] >> (8 * d)) & 255u] == n)
            continue; /* one digit for all: the pass changes nothing */
        size_t pos = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = count[d][b];
            count[d][b] = pos;
            pos += c;
        }
        for (size_t j = 0; j < n; j++) {
            size_t to = count[d][(ka[j] >> (8 * d)) & 255u]++;
            kb[to] = ka[j];
            ib[to] = ia[j];
        }
        uint64_t *kt = ka;
        ka = kb;
        kb = kt;
        uint32_t *it = ia;
        ia = ib;
        ib = it;
    }
    free(count);
    *key = ka;
    *key2 = kb;
    *idx = ia;
    *idx2 = ib;
    return 0;
}

/* Keys live in untyped buffers (one of them is the caller's double array),
   read and written through memcpy so that no aliasing rule is broken. */
static uint64_t key_get(const unsigned char *buf, size_t i)
{
    uint64_t k;
    memcpy(&k, buf + i * sizeof k, sizeof k);
    return k;
}

static void key_put(unsigned char *buf, size_t i, uint64_t k)
{
    memcpy(buf + i * sizeof k, &k, sizeof k);
}

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_PASSES 6 /* 6 * 11 >= 64 */

int mr_stats_sort_copy(const double *x, size_t n, size_t stride, double *sorted)
{
    if (n == 0)
        return 0;
    size_t(*count)[RADIX_SIZE] = calloc(RADIX_PASSES, sizeof *count);
    unsigned char *tmp = malloc(n * sizeof(uint64_t));
    if (!count || !tmp) {
        free(count);
        free(tmp);
        return -1;
    }
    /* Keys into the output buffer, and every digit's histogram in one pass. */
    unsigned char *src = (unsigned char *)sorted, *dst = tmp;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = mr_stats_key(x[i * stride]);
        key_put(src, i, k);
        for (int p = 0; p < RADIX_PASSES; p++)
            count[p][(k >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
    }
    for (int p = 0; p < RADIX_PASSES; p++) {
        unsigned shift = (unsigned)(p * RADIX_BITS);
        /* A digit shared by every key leaves the order as it is: skip. */
        if (count[p][(key_get(src, 0) >> shift) & (RADIX_SIZE - 1)] == n)
            continue;
        size_t pos = 0;
        for (size_t b = 0; b < RADIX_SIZE; b++) {
            size_t c = count[p][b];
            count[p][b] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t k = key_get(src, i);
            key_put(dst, count[p][(k >> shift) & (RADIX_SIZE - 1)]++, k);
        }
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = mr_stats_key_value(key_get(src, i));
    free(count);
    free(tmp);
    return 0;
}

/* ---- quantiles and tail measures ---------------------------------------- */

/* n p as an exact integer when it is one up to RANK_REL_TOL; *snapped says so. */
static double rank_position(size_t n, double p, int *snapped)
{
    double x = (double)n * p;
    double r = nearbyint(x);
    *snapped = fabs(x - r) <= RANK_REL_TOL * fmax(1.0, fabs(x));
    return *snapped ? r : x;
}

size_t mr_stats_rank(size_t n, double p)
{
    if (n == 0)
        return 0;
    int snapped;
    double k = ceil(rank_position(n, p, &snapped));
    if (!(k >= 1.0)) /* also NaN p */
        return 1;
    if (k >= (double)n)
        return n;
    return (size_t)k;
}

double mr_stats_quantile_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    return sorted[mr_stats_rank(n, p) - 1];
}

void mr_stats_quantile_ci_ranks(size_t n, double p, double level, size_t *lo_rank, size_t *hi_rank)
{
    *lo_rank = 0;
    *hi_rank = n + 1;
    if (n == 0 || n > UINT_MAX || !(p > 0.0 && p < 1.0) || !(level > 0.0 && level < 1.0))
        return;
    unsigned nn = (unsigned)n;
    double tail = (1.0 - level) / 2.0;

    /* Lower: the largest k = l - 1 in [0, n-1] with P(B <= k) <= tail
       (P(B <= k) grows with k: binary search). */
    if (gsl_cdf_binomial_P(0, p, nn) <= tail) {
        unsigned a = 0, b = nn - 1; /* P(a) <= tail; find the last such */
        while (a < b) {
            unsigned mid = a + (b - a + 1) / 2;
            if (gsl_cdf_binomial_P(mid, p, nn) <= tail)
                a = mid;
            else
                b = mid - 1;
        }
        *lo_rank = (size_t)a + 1;
    }
    /* Upper: the smallest k = u - 1 in [0, n-1] with P(B > k) <= tail
       (P(B > k) falls with k). */
    if (gsl_cdf_binomial_Q(nn - 1, p, nn) <= tail) {
        unsigned a = 0, b = nn - 1; /* Q(b) <= tail; find the first such */
        while (a < b) {
            unsigned mid = a + (b - a) / 2;
            if (gsl_cdf_binomial_Q(mid, p, nn) <= tail)
                b = mid;
            else
                a = mid + 1;
        }
        *hi_rank = (size_t)a + 1;
    }
}

void mr_stats_quantile_ci_sorted(const double *sorted, size_t n, double p, double level, double *lo,
                                 double *hi)
{
    size_t l, u;
    mr_stats_quantile_ci_ranks(n, p, level, &l, &u);
    *lo = (l >= 1 && l <= n) ? sorted[l - 1] : NAN;
    *hi = (u >= 1 && u <= n) ? sorted[u - 1] : NAN;
}

double mr_stats_es_tail(size_t n, double p, double xk, double sum_gt, uint64_t count_gt)
{
    if (n == 0)
        return NAN;
    int snapped;
    double np = rank_position(n, p, &snapped);
    size_t k = mr_stats_rank(n, p);
    /* Weight of X_(k): the part of its 1/n probability mass above level p. */
    double wk = (double)k - np;
    if (wk < 0.0) /* p outside (0, 1) clamped the rank */
        wk = 0.0;
    double w = wk + (double)(n - k);
    if (!(w > 0.0)) /* k = n and n p = n: the tail is X_(n) alone */
        return xk;
    /* sum_{i>k} X_(i): the values above X_(k), then its ties above rank k */
    double ties = (double)(n - k - (count_gt < n - k ? count_gt : n - k));
    double tail = ties > 0.0 ? sum_gt + ties * xk : sum_gt;
    double s = wk > 0.0 ? wk * xk + tail : tail;
    return s / w;
}

double mr_stats_es_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    size_t k = mr_stats_rank(n, p);
    double xk = sorted[k - 1], s = 0.0;
    uint64_t c = 0;
    for (size_t i = k; i < n; i++) {
        if (isnan(sorted[i]))
            return NAN;
        if (sorted[i] > xk) {
            s += sorted[i];
            c++;
        }
    }
    if (isnan(xk))
        return NAN;
    return mr_stats_es_tail(n, p, xk, s, c);
}

double mr_stats_return_period_sorted(const double *sorted, size_t n, double return_period)
{
    if (!(return_period > 1.0) || (double)n < return_period)
        return NAN;
    return mr_stats_quantile_sorted(sorted, n, 1.0 - 1.0 / return_period);
}

double mr_stats_quantile(const double *x, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s || mr_stats_sort_copy(x, n, 1, s) != 0) {
        free(s);
        return NAN;
    }
    double q = mr_stats_quantile_sorted(s, n, p);
    free(s);
    return q;
}

/* ---- annual losses ------------------------------------------------------ */

void mr_stats_aal(const double *annual, size_t ntrials, size_t years, size_t stride, double *aal,
                  double *se)
{
    *aal = NAN;
    *se = NAN;
    if (ntrials == 0 || years == 0)
        return;
    double total = 0.0, sum_means = 0.0;
    for (size_t i = 0; i < ntrials * years; i++)
        total += annual[i * stride];
    for (size_t i = 0; i < ntrials; i++)
        sum_means += mr_stats_trial_mean(annual + i * years * stride, years, stride);
    *aal = total / ((double)ntrials * (double)years);
    if (ntrials < 2)
        return;
    devs t = {annual, ntrials, years, stride, sum_means / (double)ntrials};
    double ss, scaled; /* trial means whose squares overflow: sumsq.h */
    mr_sumsq(dev_sumsq, &t, 1, &ss, &scaled);
    *se = mr_sumsq_sd(ss, scaled, ntrials) / sqrt((double)ntrials);
}

double mr_stats_trial_mean(const double *a, size_t years, size_t stride)
{
    double t = 0.0;
    for (size_t y = 0; y < years; y++)
        t += a[y * stride];
    return t / (double)years;
}

/* ---- histograms --------------------------------------------------------- */

int mr_stats_hist_edges(double lo, double hi, size_t nbins, double *edges)
{
    if (nbins == 0)
        return 0;
    if (!(lo <= hi)) { /* no finite value */
        for (size_t b = 0; b <= nbins; b++)
            edges[b] = NAN;
        return 0;
    }
    if (hi == lo)
        hi = lo + 1.0;
    double width = (hi - lo) / (double)nbins;
    for (size_t b = 0; b < nbins; b++)
        edges[b] = lo + (double)b * width;
    edges[nbins] = hi;
    return 1;
}

size_t mr_stats_hist_bin(double x, const double *edges, size_t nbins)
{
    double lo = edges[0], width = (edges[nbins] - lo) / (double)nbins;
    double f = (x - lo) / width;
    size_t b = f >= (double)nbins ? nbins - 1 : f > 0.0 ? (size_t)f : 0;
    /* Rounding may put a value next to an edge in the neighbour bin: the
       edges array is the definition. */
    while (b > 0 && x < edges[b])
        b--;
    while (b + 1 < nbins && x >= edges[b + 1])
        b++;
    return b;
}

void mr_stats_histogram(const double *x, size_t n, size_t nbins, uint64_t *counts, double *edges)
{
    if (nbins == 0)
        return;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(x[i])) {
            lo = fmin(lo, x[i]);
            hi = fmax(hi, x[i]);
        }
    }
    for (size_t b = 0; b < nbins; b++)
        counts[b] = 0;
    if (!mr_stats_hist_edges(lo, hi, nbins, edges))
        return;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            counts[mr_stats_hist_bin(x[i], edges, nbins)]++;
}

double mr_stats_band_quantile(const uint64_t *counts, size_t nbins, double width, double offset,
                              double p)
{
    uint64_t total = 0;
    for (size_t k = 0; k < nbins; k++)
        total += counts[k];
    if (total == 0)
        return NAN;
    size_t r = mr_stats_rank((size_t)total, p);
    uint64_t cum = 0;
    for (size_t k = 0; k < nbins; k++) {
        cum += counts[k];
        if (cum >= r)
            return offset + (double)k * width;
    }
    return offset + (double)(nbins - 1) * width; /* not reached: cum ends at total >= r */
}
