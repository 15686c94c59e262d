/* paired.c - paired statistics with common random numbers (paired.h;
 * docs/STUDIES.md "Compare").
 *
 * The bootstrap is O(n) per resample. A resample is only its multinomial
 * counts over the n trials, drawn once for every series. A tail statistic
 * of the resample (VaR, ES, the 1-in-100 annual loss) is found by walking
 * the series' values from the top in sorted order, each weighted by its
 * trial's count, until the wanted rank is reached. Only the top tail of a
 * series is kept sorted (about twice the walk's depth: the top 10% for VaR
 * 95, 2% of the annual values); a resample that would walk below it (with
 * n of a few thousand or more: never in practice) is computed in full from
 * the inputs, so the result is exact either way. mr_paired_compute_tails
 * walks tails given by the caller (a streamed run's, out/stats/btails.h):
 * there the counts are kept only for the trials of some tail, and a walk
 * that runs out gives NaN, as there are no inputs to resample in full.
 */
#include "sim/studies/paired.h"

#include "models/units.h"
#include "sim/rng.h"
#include "out/stats/dstats.h"
#include "out/stats/stats.h"
#include "out/stats/sumsq.h"
#include "out/stopsig_worker.h"

#include <Random123/philox.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *const mr_paired_stat_names[MR_PAIRED_NSTAT] = {"mean", "var95", "var99", "es99",
                                                           "annual_1in100"};

/* Levels of the statistics (MODEL §9) and of the intervals. */
#define P_VAR95 0.95
#define P_VAR99 0.99
#define P_ES99 0.99
#define P_ANNUAL (1.0 - 1.0 / MR_PAIRED_RETURN_PERIOD)
#define CI_TAIL 0.025 /* (1 - 0.95) / 2 */

/* A bootstrap interval of a tail statistic at level p rests on the
   n (1 - p) values beyond it; with fewer than this many it is not
   reported (NaN): a percentile interval of a handful of resampled order
   statistics has no claim to 95% coverage. Nor with fewer resamples than
   MR_PAIRED_MIN_BOOT (paired.h). */
#define MIN_TAIL_VALUES 10.0

/* Resampled statistics kept per resample and series: VAR95, VAR99, ES99,
   ANNUAL100 (the mean's interval is not a bootstrap one). */
enum { NB = MR_PAIRED_NSTAT - 1 };

/* ---- the random resamples ---------------------------------------------- */

/* The words of one Philox stream (rng.h), in the order the gsl_rng of
   mr_rng_philox hands them out after mr_rng_seek(r, seed, stream, trial)
   (counter (draw, stream, trial), four words a block), but inline: the
   bootstrap draws n words a resample, and a call through gsl_rng_get per
   word would cost a third more. tests/unit/sim/studies/paired_statistics.c checks the two agree. */
typedef struct {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr;
    philox4x32_ctr_t out;
    unsigned idx;
} word_stream;

static void stream_seek(word_stream *w, uint64_t seed, uint64_t stream, uint64_t trial)
{
    w->key.v[0] = (uint32_t)seed;
    w->key.v[1] = (uint32_t)(seed >> 32);
    w->ctr.v[0] = 0;
    w->ctr.v[1] = (uint32_t)stream;
    w->ctr.v[2] = (uint32_t)(stream >> 32);
    w->ctr.v[3] = (uint32_t)trial;
    w->idx = 4;
}

static inline uint32_t stream_word(word_stream *w)
{
    if (w->idx >= 4) {
        w->out = philox4x32(w->ctr, w->key);
        w->ctr.v[0]++;
        w->idx = 0;
    }
    return w->out.v[w->idx++];
}

/* A uniform integer in [0, n), 1 <= n < 2^32, without bias (Lemire 2019,
   "Fast random integer generation in an interval", ACM TOMACS 29:1). */
static inline uint32_t draw_below(word_stream *w, uint32_t n)
{
    uint64_t mm = (uint64_t)stream_word(w) * n;
    uint32_t low = (uint32_t)mm;
    if (low < n) {
        uint32_t t = (uint32_t)(0u - n) % n;
        while (low < t) {
            mm = (uint64_t)stream_word(w) * n;
            low = (uint32_t)mm;
        }
    }
    return (uint32_t)(mm >> 32);
}

/* The stream id of "bootstrap/<label>". 0, or -1 when out of memory. */
static int bootstrap_stream(const char *label, uint64_t *stream)
{
    static const char pre[] = "bootstrap/";
    size_t lp = sizeof pre - 1, ll = label ? strlen(label) : 0;
    char *name = malloc(lp + ll + 1);
    if (!name)
        return -1;
    memcpy(name, pre, lp);
    if (ll)
        memcpy(name + lp, label, ll);
    name[lp + ll] = '\0';
    *stream = mr_hash64(name);
    free(name);
    return 0;
}

/* The counts of resample rsm: n uniform draws from the stream (seed, stream, rsm). */
static void draw_counts(uint64_t seed, uint64_t stream, uint64_t rsm, uint32_t n, uint32_t *counts)
{
    word_stream w;
    stream_seek(&w, seed, stream, rsm);
    memset(counts, 0, (size_t)n * sizeof *counts);
    for (uint32_t j = 0; j < n; j++)
        counts[draw_below(&w, n)]++;
}

/* Which trials a resample's counts are kept for: all n (bits NULL), or
   only the kept ones, trial u at slot rank[u / 64] + (the bits of
   bits[u / 64] below u % 64): one bit a trial and a 32-bit rank a word. */
typedef struct {
    const uint64_t *bits;
    const uint32_t *rank;
    size_t slots; /* counts kept: n, or the kept trials */
} count_map;

/* draw_counts, counting only the draws that land on a kept trial of map
   (the same n draws, so the kept trials' counts are the same). */
static void draw_counts_map(uint64_t seed, uint64_t stream, uint64_t rsm, uint32_t n,
                            const count_map *map, uint32_t *counts)
{
    if (!map->bits) {
        draw_counts(seed, stream, rsm, n, counts);
        return;
    }
    word_stream w;
    stream_seek(&w, seed, stream, rsm);
    memset(counts, 0, map->slots * sizeof *counts);
    for (uint32_t j = 0; j < n; j++) {
        const uint32_t u = draw_below(&w, n);
        const uint64_t word = map->bits[u >> 6], below = (UINT64_C(1) << (u & 63)) - 1;
        if ((word >> (u & 63)) & 1)
            counts[map->rank[u >> 6] + (uint32_t)__builtin_popcountll(word & below)]++;
    }
}

int mr_paired_resample_counts(uint64_t seed, const char *label, uint64_t r, size_t n,
                              uint32_t *counts)
{
    if (n > MR_MAX_TRIALS)
        return -1;
    if (n == 0)
        return 0;
    uint64_t stream;
    if (bootstrap_stream(label, &stream))
        return -1;
    draw_counts(seed, stream, r, (uint32_t)n, counts);
    return 0;
}

/* ---- sorted tails ------------------------------------------------------ */

/* The m = n * per values v[i * tstride + k * ystride] (k < per; trial i) of
   one series; of them the top c, in ascending order (stats.h order: NaNs
   last), each with its trial: position j of the tail is rank
   m - c + j + 1 of the whole series. */
typedef struct {
    const double *v;
    size_t n, per, tstride, ystride, m;
    size_t c;
    double *val;     /* [nv]: the lowest nv of the c (mr_paired_tail) */
    uint32_t *trial; /* [c]: the slot of the value's trial in a resample's counts */
    bool borrowed;   /* val and trial are the caller's (mr_paired_compute_tails) */
    size_t nv;       /* values in val: c, or fewer for a given annual tail */
} tail;

static void tail_free(tail *t)
{
    if (!t->borrowed) {
        free(t->val);
        free(t->trial);
    }
    t->val = NULL;
    t->trial = NULL;
}

/* How many of the top values to keep when the deepest walk needs the top
   `depth`: twice that, plus a margin for small samples. The resampled
   count of the kept values is about c with sd about sqrt(per * c), so a
   walk runs out of them only when it is many sd short. */
static size_t tail_size(size_t m, size_t depth)
{
    double want = 2.0 * (double)depth + 8.0 * sqrt((double)m) + 64.0;
    return want >= (double)m ? m : (size_t)want;
}

/* Keep (at least) the top `want` values of the series in t, sorted: one
   pass counts the keys' top 16 bits, the buckets from the top holding at
   least `want` values are gathered and radix sorted (8-bit digits; a
   digit shared by all keys is skipped). Exact; O(m) time, memory for the
   gathered values only. 0, or -1 when out of memory. */
static int tail_sort(tail *t, size_t want)
{
    const size_t m = t->m;
    t->val = NULL;
    t->trial = NULL;
    t->c = 0;
    if (m == 0)
        return 0;
    enum { TOP = 65536 };
    size_t *hist = calloc(TOP, sizeof *hist);
    if (!hist)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        for (size_t k = 0; k < t->per; k++)
            hist[mr_stats_key(t->v[i * t->tstride + k * t->ystride]) >> 48]++;
    size_t c = 0, from = TOP;
    while (from > 0 && c < want)
        c += hist[--from];
    free(hist);

    uint64_t *key = malloc(c * sizeof *key), *key2 = malloc(c * sizeof *key2);
    uint32_t *tr = malloc(c * sizeof *tr), *tr2 = malloc(c * sizeof *tr2);
    t->val = malloc(c * sizeof *t->val);
    int rc = -1;
    if (!key || !key2 || !tr || !tr2 || !t->val)
        goto out;
    size_t j = 0;
    for (size_t i = 0; i < t->n; i++)
        for (size_t k = 0; k < t->per; k++) {
            uint64_t kk = mr_stats_key(t->v[i * t->tstride + k * t->ystride]);
            if ((kk >> 48) >= from) {
                key[j] = kk;
                tr[j++] = (uint32_t)i;
            }
        }
    if (mr_stats_sort_pairs(&key, &tr, &key2, &tr2, c))
        goto out;
    for (j = 0; j < c; j++)
        t->val[j] = mr_stats_key_value(key[j]);
    t->trial = tr;
    t->c = t->nv = c;
    tr = NULL;
    rc = 0;
out:
    free(key);
    free(key2);
    free(tr);
    free(tr2);
    if (rc)
        tail_free(t);
    return rc;
}

/* X_(k) of the whole series (k >= m - c + 1). */
static double tail_rank(const tail *t, size_t k)
{
    return t->val[k - 1 - (t->m - t->c)];
}

/* mr_stats_es_sorted of the whole series, from its tail: the same sums in
   the same order, so the same value bit for bit. */
static double tail_es(const tail *t, double p)
{
    const size_t k = mr_stats_rank(t->m, p);
    const size_t j0 = k - 1 - (t->m - t->c);
    double xk = t->val[j0], s = 0.0;
    uint64_t cnt = 0;
    for (size_t j = j0 + 1; j < t->c; j++) {
        if (isnan(t->val[j]))
            return NAN;
        if (t->val[j] > xk) {
            s += t->val[j];
            cnt++;
        }
    }
    if (isnan(xk))
        return NAN;
    return mr_stats_es_tail(t->m, p, xk, s, cnt);
}

/* ---- one resample ------------------------------------------------------ */

/* VaR 95, VaR 99 and ES 99 (out[0..2]) of the resample (counts over the n
   trials) of a loss series (one value a trial). The resample's order
   statistic Z_(k) is the value at which the counts summed from the top
   first reach n - k + 1; the values above it give ES through
   mr_stats_es_tail (sum and count of the values strictly above Z_(k)).
   Returns false when the tail runs out first. need95 false: only VaR 99
   and ES 99 are wanted (out[0] NaN), the walk stops at Z_(k99). */
static bool walk_losses(const tail *t, const uint32_t *counts, size_t k95, size_t k99, bool need95,
                        double out[3])
{
    const uint64_t n = t->n, t99 = n - k99 + 1, t95 = n - k95 + 1; /* t99 <= t95 */
    uint64_t cum = 0, run_cum = 0;
    double sum = 0.0, run_sum = 0.0, run_val = NAN;
    bool have99 = false;
    for (size_t j = t->c; j-- > 0;) {
        uint32_t c = counts[t->trial[j]];
        if (!c)
            continue;
        double v = t->val[j];
        if (!(v == run_val)) { /* a new value: the sums so far are all above it */
            run_val = v;
            run_cum = cum;
            run_sum = sum;
        }
        cum += c;
        sum += (double)c * v;
        if (!have99 && cum >= t99) {
            out[1] = v;
            out[2] = mr_stats_es_tail((size_t)n, P_ES99, v, run_sum, run_cum);
            have99 = true;
            if (!need95) {
                out[0] = NAN;
                return true;
            }
        }
        if (cum >= t95) {
            out[0] = v;
            return true;
        }
    }
    return false;
}

/* The 1-in-100 annual loss of the resample of an annual series (per values
   a trial, n * per in all; k its rank). false when the tail runs out, or
   when the statistic is one of the top values whose trial alone was kept
   (j >= nv: mr_paired_tail_margin's 12 sd above the estimate's rank). */
static bool walk_annual(const tail *t, const uint32_t *counts, size_t k, double *out)
{
    const uint64_t target = (uint64_t)t->m - k + 1;
    uint64_t cum = 0;
    for (size_t j = t->c; j-- > 0;) {
        cum += counts[t->trial[j]];
        if (cum >= target) {
            if (j >= t->nv)
                return false;
            *out = t->val[j];
            return true;
        }
    }
    return false;
}

/* A thread's buffers for resamples computed in full. */
typedef struct {
    double *buf, *sorted;
    size_t cap;
} full_ws;

/* The resample written out (trial i's values counts[i] times each) and
   sorted into ws->sorted; its length is m. 0, or -1 out of memory. */
static int full_resample(const tail *t, const uint32_t *counts, full_ws *ws)
{
    if (ws->cap < t->m) {
        free(ws->buf);
        free(ws->sorted);
        ws->buf = malloc(t->m * sizeof *ws->buf);
        ws->sorted = malloc(t->m * sizeof *ws->sorted);
        ws->cap = ws->buf && ws->sorted ? t->m : 0;
        if (!ws->cap)
            return -1;
    }
    size_t j = 0;
    for (size_t i = 0; i < t->n; i++)
        for (uint32_t r = 0; r < counts[i]; r++)
            for (size_t k = 0; k < t->per; k++)
                ws->buf[j++] = t->v[i * t->tstride + k * t->ystride];
    return mr_stats_sort_copy(ws->buf, t->m, 1, ws->sorted);
}

/* Bootstrap values of one series for one resample into d[0..NB-1]
   (statistic of y minus that of x). -1 out of memory. */
typedef struct {
    tail x, y, ax, ay;
    bool annual;
    bool one;      /* one-sample (x NULL): the statistics of x are 0 */
    bool external; /* tails given by the caller: VaR 95 not wanted, and a walk
                      that runs out gives NaN (no inputs to resample in full) */
} series_tails;

static int resample_series(const series_tails *st, const uint32_t *counts, size_t k95, size_t k99,
                           size_t ka, full_ws *ws, double d[NB])
{
    if (st->external) { /* one-sample: the statistics of y */
        double v[4] = {NAN, NAN, NAN, NAN};
        if (!walk_losses(&st->y, counts, k95, k99, false, v))
            v[1] = v[2] = NAN;
        if (st->annual && !walk_annual(&st->ay, counts, ka, &v[3]))
            v[3] = NAN;
        for (int s = 0; s < NB; s++)
            d[s] = v[s];
        return 0;
    }
    double v[2][4];
    const tail *loss[2] = {&st->x, &st->y}, *ann[2] = {&st->ax, &st->ay};
    for (int w = 0; w < 2; w++) {
        if (w == 0 && st->one) {
            v[0][0] = v[0][1] = v[0][2] = v[0][3] = 0.0;
            continue;
        }
        if (!walk_losses(loss[w], counts, k95, k99, true, v[w])) {
            if (full_resample(loss[w], counts, ws))
                return -1;
            v[w][0] = mr_stats_quantile_sorted(ws->sorted, loss[w]->m, P_VAR95);
            v[w][1] = mr_stats_quantile_sorted(ws->sorted, loss[w]->m, P_VAR99);
            v[w][2] = mr_stats_es_sorted(ws->sorted, loss[w]->m, P_ES99);
        }
        v[w][3] = NAN;
        if (st->annual && !walk_annual(ann[w], counts, ka, &v[w][3])) {
            if (full_resample(ann[w], counts, ws))
                return -1;
            v[w][3] = mr_stats_quantile_sorted(ws->sorted, ann[w]->m, P_ANNUAL);
        }
    }
    for (int s = 0; s < NB; s++)
        d[s] = v[1][s] - v[0][s];
    return 0;
}

/* ---- the statistics ---------------------------------------------------- */

/* mr_sumsq's f for the variance reduction: out[0] = (sa scale)^2 +
   (sb scale)^2, out[1] = (sdd scale)^2 of sd[3] = {sa, sb, sdd}. */
static int vrf_sumsq(void *ctx, double scale, double *out)
{
    const double *sd = ctx;
    double a = sd[0] * scale, b = sd[1] * scale, d = sd[2] * scale;
    out[0] = a * a + b * b;
    out[1] = d * d;
    return 0;
}

/* Mean, its paired interval and the variance reduction of one series
   (xc, yc, d: scratch of n). */
static void moments(const mr_paired_series *s, size_t n, double *xc, double *yc, double *d,
                    mr_paired *out)
{
    for (size_t i = 0; i < n; i++) {
        xc[i] = s->x ? s->x[i * s->stride] : 0.0;
        yc[i] = s->y[i * s->stride];
        d[i] = yc[i] - xc[i];
    }
    out->a[MR_PAIRED_MEAN] = mr_stats_mean(xc, n);
    out->b[MR_PAIRED_MEAN] = mr_stats_mean(yc, n);
    double est = out->b[MR_PAIRED_MEAN] - out->a[MR_PAIRED_MEAN];
    double sdd = mr_stats_sd(d, n); /* NaN when n < 2 */
    double half = MR_PAIRED_Z95 * sdd / sqrt((double)n);
    out->diff[MR_PAIRED_MEAN] = (mr_ci){est, est - half, est + half};
    if (n >= 2) {
        double sd[3] = {mr_stats_sd(xc, n), mr_stats_sd(yc, n), sdd}, nd[2], scaled[2];
        /* sds past 1e154: the squares scaled, num and den alike (sumsq.h) */
        const double *use = mr_sumsq(vrf_sumsq, sd, 2, nd, scaled) ? scaled : nd;
        double num = use[0], den = use[1];
        if (isnan(num) || isnan(den))
            out->vrf = NAN;
        else
            out->vrf = den > 0.0 ? num / den : num > 0.0 ? INFINITY : 1.0;
    }
}

/* Sorted tails of one series and its point estimates (a, b). */
static int tails(const mr_paired_series *s, size_t n, size_t years, series_tails *st,
                 mr_paired *out)
{
    const size_t k95 = mr_stats_rank(n, P_VAR95);
    st->one = s->x == NULL;
    st->x = (tail){s->x, n, 1, s->stride, 0, n, 0, NULL, NULL, false, 0};
    st->y = (tail){s->y, n, 1, s->stride, 0, n, 0, NULL, NULL, false, 0};
    const size_t want = tail_size(n, n - k95 + 1);
    if ((!st->one && tail_sort(&st->x, want)) || tail_sort(&st->y, want))
        return -1;
    const tail *xy[2] = {&st->x, &st->y};
    double *ab[2] = {out->a, out->b};
    for (int w = 0; w < 2; w++) {
        if (w == 0 && st->one) {
            ab[0][MR_PAIRED_VAR95] = ab[0][MR_PAIRED_VAR99] = ab[0][MR_PAIRED_ES99] = 0.0;
            continue;
        }
        ab[w][MR_PAIRED_VAR95] = tail_rank(xy[w], k95);
        ab[w][MR_PAIRED_VAR99] = tail_rank(xy[w], mr_stats_rank(n, P_VAR99));
        ab[w][MR_PAIRED_ES99] = tail_es(xy[w], P_ES99);
    }
    const size_t m = n * years;
    st->annual = (s->ax || st->one) && s->ay && years > 0 && (double)m >= MR_PAIRED_RETURN_PERIOD;
    if (st->annual) {
        st->ax = (tail){s->ax, n, years, s->astride, s->ystride, m, 0, NULL, NULL, false, 0};
        st->ay = (tail){s->ay, n, years, s->astride, s->ystride, m, 0, NULL, NULL, false, 0};
        const size_t ka = mr_stats_rank(m, P_ANNUAL);
        if ((!st->one && tail_sort(&st->ax, tail_size(m, m - ka + 1))) ||
            tail_sort(&st->ay, tail_size(m, m - ka + 1)))
            return -1;
        /* mr_stats_return_period_sorted: the quantile at 1 - 1/R */
        out->a[MR_PAIRED_ANNUAL100] = st->one ? 0.0 : tail_rank(&st->ax, ka);
        out->b[MR_PAIRED_ANNUAL100] = tail_rank(&st->ay, ka);
    }
    for (int k = 1; k < MR_PAIRED_NSTAT; k++)
        out->diff[k].est = out->b[k] - out->a[k];
    return 0;
}

/* The bootstrap of nseries series whose tails st holds, over B resamples of
   the n trials (counts kept for the trials of map): resample r's
   differences of series q, statistic s into boot[r * V + q * NB + s]
   (V = nseries * NB); each resample from its own counter, so no result
   depends on which thread or rank drew it. Over several ranks (comm, every
   rank holding the same tails) each rank draws its contiguous share of the
   resamples (mr_comm_block_range) and the shares are gathered in rank
   order, which is resample order: every rank then has all B, as one
   process computing them all would. Then the percentile intervals into out.
   0, or -1 (out of memory on any rank: on every rank). */
static int bootstrap(const series_tails *st, size_t nseries, size_t n, size_t years, uint64_t seed,
                     const char *label, size_t B, const count_map *map, const mr_comm *comm,
                     mr_paired *out, size_t *short_walks)
{
    uint64_t stream = 0;
    const size_t V = nseries * NB;
    mr_comm_rows rows;
    int failed = mr_comm_rows_alloc(&rows, B, V, comm) != 0 || bootstrap_stream(label, &stream);
    const size_t k95 = mr_stats_rank(n, P_VAR95), k99 = mr_stats_rank(n, P_VAR99);
    const size_t ka = years ? mr_stats_rank(n * years, P_ANNUAL) : 0;
#pragma omp parallel if (!failed)
    {
        mr_stopsig_worker(); /* the stop signals reach the main thread alone */
        uint32_t *counts = failed ? NULL : malloc((map->slots ? map->slots : 1) * sizeof *counts);
        full_ws ws = {NULL, NULL, 0};
        int bad = !counts;
#pragma omp for schedule(dynamic, 4)
        for (uint64_t r = rows.r0; r < rows.r1; r++) {
            if (bad)
                continue;
            draw_counts_map(seed, stream, r, (uint32_t)n, map, counts);
            double *row = mr_comm_rows_at(&rows, r);
            for (size_t q = 0; q < nseries && !bad; q++) {
                double dv[NB] = {NAN, NAN, NAN, NAN};
                bad = resample_series(&st[q], counts, k95, k99, ka, &ws, dv) != 0;
                for (int s = 0; s < NB; s++)
                    row[q * NB + (size_t)s] = dv[s];
            }
        }
        if (bad) {
#pragma omp atomic write
            failed = 1;
        }
        free(counts);
        free(ws.buf);
        free(ws.sorted);
    }
    failed = mr_comm_rows_gather(&rows, failed) != 0; /* every rank agrees, then gathers */
    const double *boot = rows.all;
    /* Percentile intervals: the 2.5% and 97.5% quantiles (stats.h) of the
       B resampled differences. */
    double *tmp = failed ? NULL : malloc(B * sizeof *tmp);
    for (size_t q = 0; tmp && q < nseries; q++)
        for (int s = 0; s < NB; s++) {
            mr_ci *ci = &out[q].diff[s + 1];
            if (isnan(ci->est))
                continue;
            if (mr_stats_sort_copy(boot + q * NB + (size_t)s, B, V, tmp)) {
                free(tmp);
                tmp = NULL;
                break;
            }
            /* a given tail a resample ran out of: NaN (sorted last) */
            if (st[q].external && isnan(tmp[B - 1])) {
                ++*short_walks;
                continue;
            }
            ci->lo = mr_stats_quantile_sorted(tmp, B, CI_TAIL);
            ci->hi = mr_stats_quantile_sorted(tmp, B, 1.0 - CI_TAIL);
        }
    int rc = tmp ? 0 : -1;
    free(tmp);
    mr_comm_rows_free(&rows);
    return rc;
}

/* Every figure of out[0 .. nseries-1] NaN; then 1 to go on, 0 when there
   is nothing to compute (no trials or no series), -1 for too many trials. */
static int paired_start(mr_paired *out, size_t nseries, size_t n)
{
    for (size_t q = 0; q < nseries; q++) {
        for (int s = 0; s < MR_PAIRED_NSTAT; s++) {
            out[q].diff[s] = (mr_ci){NAN, NAN, NAN};
            out[q].a[s] = out[q].b[s] = NAN;
        }
        out[q].vrf = NAN;
    }
    if (n == 0 || nseries == 0)
        return 0;
    return n > MR_MAX_TRIALS ? -1 : 1;
}

int mr_paired_compute_many(const mr_paired_series *series, size_t nseries, size_t n, size_t years,
                           uint64_t seed, const char *label, int nboot, mr_paired *out,
                           const mr_comm *comm)
{
    const int start = paired_start(out, nseries, n);
    if (start <= 0)
        return start;

    const size_t B = nboot > 0 ? (size_t)nboot : 0;
    series_tails *st = calloc(nseries, sizeof *st);
    double *xc = malloc(n * sizeof *xc), *yc = malloc(n * sizeof *yc), *d = malloc(n * sizeof *d);
    int failed = !st || !xc || !yc || !d;
    for (size_t q = 0; !failed && q < nseries; q++) {
        moments(&series[q], n, xc, yc, d, &out[q]);
        failed = tails(&series[q], n, years, &st[q], &out[q]) != 0;
    }
    free(xc);
    free(yc);
    free(d);
    if (B > 0) /* all go on to the bootstrap's gather, or none */
        failed = mr_comm_any(comm, failed);
    if (B > 0 && !failed) {
        const count_map all = {NULL, NULL, n};
        size_t none = 0;
        failed = bootstrap(st, nseries, n, years, seed, label, B, &all, comm, out, &none) != 0;
    }
    for (size_t q = 0; st && q < nseries; q++) {
        tail_free(&st[q].x);
        tail_free(&st[q].y);
        tail_free(&st[q].ax);
        tail_free(&st[q].ay);
    }
    free(st);
    return failed ? -1 : 0;
}

void mr_paired_drop_weak_intervals(mr_paired *p, size_t n, size_t years, int nboot)
{
    static const double level[NB] = {P_VAR95, P_VAR99, P_ES99, P_ANNUAL};
    for (int s = 0; s < NB; s++) {
        double values = s == NB - 1 ? (double)n * (double)years : (double)n;
        if (values * (1.0 - level[s]) < MIN_TAIL_VALUES || nboot < MR_PAIRED_MIN_BOOT)
            p->diff[s + 1].lo = p->diff[s + 1].hi = NAN;
    }
}

int mr_paired_compute(const double *x, const double *y, size_t n, size_t stride, const double *ax,
                      const double *ay, size_t years, size_t astride, uint64_t seed,
                      const char *label, int nboot, mr_paired *out)
{
    mr_paired_series s = {x, y, stride, ax, ay, astride, 1};
    return mr_paired_compute_many(&s, 1, n, years, seed, label, nboot, out, NULL);
}

/* The kept trials, those of any tail, as one bit a trial in bits[words],
   and each word's first slot in rank[words]; *slots counts them. -1 for a
   trial >= n. */
static int mark_kept(const mr_paired_tail *loss, const mr_paired_tail *annual, size_t nseries,
                     size_t n, uint64_t *bits, uint32_t *rank, size_t words, size_t *slots)
{
    for (size_t q = 0; q < nseries; q++)
        for (int w = 0; w < 2; w++) {
            const mr_paired_tail *t = w ? (annual && annual[q].val ? &annual[q] : NULL) : &loss[q];
            for (size_t j = 0; t && j < t->c; j++) {
                if (t->trial[j] >= n)
                    return -1;
                bits[t->trial[j] >> 6] |= UINT64_C(1) << (t->trial[j] & 63);
            }
        }
    *slots = 0;
    for (size_t k = 0; k < words; k++) {
        rank[k] = (uint32_t)*slots;
        *slots += (size_t)__builtin_popcountll(bits[k]);
    }
    return 0;
}

int mr_paired_compute_tails(const mr_paired_tail *loss, const mr_paired_tail *annual,
                            size_t nseries, size_t n, size_t years, uint64_t seed,
                            const char *label, int nboot, mr_paired *out, size_t *short_ci,
                            const mr_comm *comm)
{
    *short_ci = 0;
    const int start = paired_start(out, nseries, n);
    if (start <= 0)
        return start;
    const size_t words = n / 64 + 1, m = n * years;
    uint64_t *bits = calloc(words, sizeof *bits);
    uint32_t *rank = malloc(words * sizeof *rank);
    series_tails *st = calloc(nseries, sizeof *st);
    size_t slots = 0;
    int failed =
        !bits || !rank || !st || mark_kept(loss, annual, nseries, n, bits, rank, words, &slots);
    const size_t k99 = mr_stats_rank(n, P_VAR99), ka = m ? mr_stats_rank(m, P_ANNUAL) : 0;
    for (size_t q = 0; !failed && q < nseries; q++) {
        series_tails *s = &st[q];
        s->one = s->external = true;
        const mr_paired_tail *src[2] = {&loss[q], annual && annual[q].val ? &annual[q] : NULL};
        tail *dst[2] = {&s->y, &s->ay};
        s->annual = src[1] && years > 0 && (double)m >= MR_PAIRED_RETURN_PERIOD;
        for (int w = 0; w < 2; w++) {
            if (w == 1 && !s->annual)
                break;
            const size_t mw = w ? m : n, c = src[w]->c < mw ? src[w]->c : mw;
            /* the caller's trials become slots, in place; a loss tail's
               values are all needed (ES 99 sums them), an annual tail's
               only from the estimate's rank down, less its margin */
            const size_t nv = src[w]->nv < c ? src[w]->nv : c;
            *dst[w] =
                (tail){NULL, n, w ? years : 1, 0, 0, mw, c, (double *)src[w]->val, src[w]->trial,
                       true, nv};
            failed |= w == 0 && nv < c;
            for (size_t j = 0; j < c; j++) {
                const uint32_t u = src[w]->trial[j];
                dst[w]->trial[j] =
                    rank[u >> 6] +
                    (uint32_t)__builtin_popcountll(bits[u >> 6] & ((UINT64_C(1) << (u & 63)) - 1));
            }
        }
        /* the estimates, as tails() finds them, when the tail reaches their rank */
        out[q].a[MR_PAIRED_VAR99] = out[q].a[MR_PAIRED_ES99] = 0.0;
        if (s->y.c >= n - k99 + 1) {
            out[q].b[MR_PAIRED_VAR99] = tail_rank(&s->y, k99);
            out[q].b[MR_PAIRED_ES99] = tail_es(&s->y, P_ES99);
        }
        if (s->annual) {
            out[q].a[MR_PAIRED_ANNUAL100] = 0.0;
            if (s->ay.c >= m - ka + 1 && ka - 1 - (m - s->ay.c) < s->ay.nv)
                out[q].b[MR_PAIRED_ANNUAL100] = tail_rank(&s->ay, ka);
        }
        for (int k = 1; k < MR_PAIRED_NSTAT; k++)
            out[q].diff[k].est = out[q].b[k] - out[q].a[k];
    }
    const size_t B = nboot > 0 ? (size_t)nboot : 0;
    if (B > 0) /* all go on to the bootstrap's gather, or none */
        failed = mr_comm_any(comm, failed);
    if (B > 0 && !failed) {
        const count_map map = {bits, rank, slots};
        failed = bootstrap(st, nseries, n, years, seed, label, B, &map, comm, out, short_ci) != 0;
    }
    for (size_t q = 0; st && q < nseries; q++) {
        tail_free(&st[q].y);
        tail_free(&st[q].ay);
    }
    free(st);
    free(bits);
    free(rank);
    return failed ? -1 : 0;
}

double mr_paired_tail_margin(size_t depth, size_t per)
{
    /* the resampled count of the top c values has mean c and variance at
       most per * c (a trial's values go together): 12 sd of margin */
    return 12.0 * sqrt((double)per * (double)(depth + 1)) + 64.0;
}

size_t mr_paired_tail_size(size_t m, size_t depth, size_t per)
{
    double want = (double)depth + mr_paired_tail_margin(depth, per);
    return want >= (double)m ? m : (size_t)want;
}

size_t mr_paired_tail_values(size_t m, size_t depth, size_t per)
{
    const size_t c = mr_paired_tail_size(m, depth, per);
    const double top = (double)depth - mr_paired_tail_margin(depth, per); /* trials only */
    return top >= 1.0 ? c - (size_t)top : c;
}
