/* sobol.c - Sobol indices from a Saltelli design with percentile bootstrap
 * intervals (sobol.h; MODEL §9 "Sobol indices").
 *
 * Every sum runs from 0.0 in row order (the resample's order for a
 * bootstrap resample); the bootstrap's row indices come from a counter-based
 * Philox stream, so the result depends only on the inputs and the seed.
 */
#include "out/stats/sobol.h"

#include "out/stats/stats.h"
#include "out/stats/sumsq.h"

#include <Random123/philox.h>

#include <math.h>
#include <stdlib.h>

void mr_sobol_design(const double *a, const double *b, size_t n, size_t k, double *ab)
{
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < n; j++) {
            double *row = ab + (i * n + j) * k;
            for (size_t c = 0; c < k; c++)
                row[c] = (c == i ? b : a)[j * k + c];
        }
}

/* The sums of estimate() with every deviation times scale (sumsq.h):
   out[0] = sum of the squared deviations of f(A) and f(B) from the mean,
   out[1 + i] = S_i's sum of products, out[1 + k + i] = ST_i's sum of squares;
   each runs in row order. */
typedef struct {
    const double *fa, *fb, *fab;
    size_t n, k;
    const uint32_t *rows;
    double mean;
} sums;

static int sobol_sumsq(void *ctx, double scale, double *out)
{
    const sums *q = ctx;
    const double *fa = q->fa, *fb = q->fb, mean = q->mean;
    double ss = 0.0;
    for (size_t j = 0; j < q->n; j++) {
        size_t r = q->rows ? q->rows[j] : j;
        double da = (fa[r] - mean) * scale, db = (fb[r] - mean) * scale;
        ss += da * da;
        ss += db * db;
    }
    out[0] = ss;
    for (size_t i = 0; i < q->k; i++) {
        const double *fi = q->fab + i * q->n;
        double first = 0.0, total = 0.0;
        for (size_t j = 0; j < q->n; j++) {
            size_t r = q->rows ? q->rows[j] : j;
            double d = (fa[r] - fi[r]) * scale;
            /* centred: see sobol.h */
            first += ((fb[r] - mean) * scale) * ((fi[r] - fa[r]) * scale);
            total += d * d;
        }
        out[1 + i] = first;
        out[1 + q->k + i] = total;
    }
    return 0;
}

/* V, S_i and ST_i of the rows rows[0..n-1] (rows == NULL: 0 .. n-1); sum:
   scratch of 2 (2k + 1). Sums past DBL_MAX (values past about 1e154) are
   formed again rescaled (sumsq.h): S_i and ST_i are ratios of sums of one
   scale, so they stay finite; V is then V's scaled sum times 2^(2
   MR_SUMSQ_EXP), inf where V itself passes DBL_MAX; *sd (sd may be NULL)
   sqrt(V) from the sum as formed, finite for finite values. */
static void estimate(const double *fa, const double *fb, const double *fab, size_t n, size_t k,
                     const uint32_t *rows, double *s, double *st, double *variance, double *sd,
                     double *sum)
{
    double total = 0.0;
    const double first_value = fa[rows ? rows[0] : 0];
    int constant = 1;
    for (size_t j = 0; j < n; j++) {
        size_t r = rows ? rows[j] : j;
        total += fa[r];
        total += fb[r];
        constant = constant && fa[r] == first_value && fb[r] == first_value;
    }
    /* 2N equal values: their mean is the value, so V is exactly 0 and the
       indices NaN ("does not vary"); sum / 2N can miss it by an ulp or two (20 rows
       of 1011032401.4663576), which gave V ~ 1e-14 and indices of exactly 0
       with an interval [0, 0] for a statistic that does not vary at all */
    const double mean = constant ? first_value : total / (double)(2 * n);
    double *plain = sum, *scaled = sum + 2 * k + 1;
    sums q = {fa, fb, fab, n, k, rows, mean};
    const int rescaled = mr_sumsq(sobol_sumsq, &q, 2 * k + 1, plain, scaled);
    const double *use = rescaled ? scaled : plain;
    const double v = use[0] / (double)(2 * n);
    for (size_t i = 0; i < k; i++) {
        s[i] = use[1 + i] / (double)n / v;
        st[i] = use[1 + k + i] / (double)n / 2.0 / v;
    }
    *variance = rescaled ? ldexp(v, 2 * MR_SUMSQ_EXP) : v;
    if (sd)
        *sd = mr_sumsq_root(v, rescaled);
}

double mr_sobol_sd(const double *fa, const double *fb, size_t n)
{
    if (n < 1)
        return NAN;
    double v, sd, sum[2];
    estimate(fa, fb, NULL, n, 0, NULL, NULL, NULL, &v, &sd, sum);
    return sd;
}

/* The 32-bit words of the Philox stream (seed, MR_SOBOL_STREAM, trial), in
   the order mr_rng_philox hands them out after mr_rng_seek (sim/rng.c). */
typedef struct {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr, out;
    unsigned idx;
} word_stream;

static void stream_seek(word_stream *w, uint64_t seed, uint32_t trial)
{
    w->key.v[0] = (uint32_t)seed;
    w->key.v[1] = (uint32_t)(seed >> 32);
    w->ctr.v[0] = 0;
    w->ctr.v[1] = (uint32_t)MR_SOBOL_STREAM;
    w->ctr.v[2] = (uint32_t)(MR_SOBOL_STREAM >> 32);
    w->ctr.v[3] = trial;
    w->idx = 4;
}

static uint32_t stream_next(word_stream *w)
{
    if (w->idx >= 4) {
        w->out = philox4x32(w->ctr, w->key);
        w->ctr.v[0]++;
        w->idx = 0;
    }
    return w->out.v[w->idx++];
}

/* Uniform on [0, n), n >= 1, without bias (Lemire 2019): the high word of
   w * n, rejecting the (2^32 mod n) low words that would favour some values. */
static uint32_t uniform_below(word_stream *w, uint32_t n)
{
    uint64_t m = (uint64_t)stream_next(w) * n;
    if ((uint32_t)m < n) {
        const uint32_t reject = (0u - n) % n;
        while ((uint32_t)m < reject)
            m = (uint64_t)stream_next(w) * n;
    }
    return (uint32_t)(m >> 32);
}

mr_status mr_sobol_indices(const double *fa, const double *fb, const double *fab, size_t n,
                           size_t k, size_t resamples, double level, uint64_t seed,
                           mr_sobol_index *out, double *variance)
{
    if (n < 2 || n > UINT32_MAX || k == 0 || resamples > UINT32_MAX || !(level > 0.0) ||
        !(level < 1.0))
        return MR_BAD_INPUT;
    const size_t nb = resamples;
    double *s = malloc(2 * k * sizeof *s), *sum = malloc(2 * (2 * k + 1) * sizeof *sum);
    uint32_t *rows = nb ? malloc(n * sizeof *rows) : NULL;
    double *boot = nb ? malloc(2 * k * nb * sizeof *boot) : NULL; /* [2k][B]: S_i, ST_i */
    double *sorted = nb ? malloc(nb * sizeof *sorted) : NULL;
    if (!s || !sum || (nb && (!rows || !boot || !sorted))) {
        free(s), free(sum), free(rows), free(boot), free(sorted);
        return MR_FAILED;
    }
    double *st = s + k, v;

    estimate(fa, fb, fab, n, k, NULL, s, st, &v, NULL, sum);
    for (size_t i = 0; i < k; i++) {
        out[i] = (mr_sobol_index){s[i], NAN, NAN, st[i], NAN, NAN};
    }
    if (variance)
        *variance = v;

    for (size_t r = 0; r < nb; r++) {
        word_stream w;
        stream_seek(&w, seed, (uint32_t)r);
        for (size_t j = 0; j < n; j++)
            rows[j] = uniform_below(&w, (uint32_t)n);
        double vr;
        estimate(fa, fb, fab, n, k, rows, s, st, &vr, NULL, sum);
        for (size_t i = 0; i < k; i++) {
            boot[(2 * i) * nb + r] = s[i];
            boot[(2 * i + 1) * nb + r] = st[i];
        }
    }
    const double p_lo = (1.0 - level) / 2.0, p_hi = (1.0 + level) / 2.0;
    mr_status rc = MR_OK;
    for (size_t q = 0; nb && q < 2 * k; q++) {
        if (mr_stats_sort_copy(boot + q * nb, nb, 1, sorted) != 0) {
            rc = MR_FAILED;
            break;
        }
        /* a resample whose rows all give one value has no variance, so no
           index: the percentiles of the others would be of another
           distribution (and the upper one fell on the NaNs, sorted last),
           so the interval is n/a (raise the rows) */
        const int undefined = isnan(sorted[nb - 1]); /* NaNs sort last */
        double lo = undefined ? NAN : mr_stats_quantile_sorted(sorted, nb, p_lo);
        double hi = undefined ? NAN : mr_stats_quantile_sorted(sorted, nb, p_hi);
        mr_sobol_index *o = out + q / 2;
        if (q % 2 == 0)
            o->s_lo = lo, o->s_hi = hi;
        else
            o->st_lo = lo, o->st_hi = hi;
    }
    free(s), free(sum), free(rows), free(boot), free(sorted);
    return rc;
}
