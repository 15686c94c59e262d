/* stream.c - the statistics of /summary from blocks of trials given one at a
 * time, over as many exact replays as needed (stream.h). Every statistic is
 * formed by the arithmetic of sumstats.c/dstats.c on the same values in the
 * same order; only where the values are kept differs.
 */
#include "out/stats/stream.h"
#include "out/stats/stream_internal.h"

#include "models/units.h" /* MR_SHORTFALL_THRESHOLD */
#include "out/format.h"
#include "out/stats/dstats.h"
#include "out/stats/stats.h"
#include "out/stats/sumsq.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t KEY_PZERO = UINT64_C(0x8000000000000000); /* mr_stats_key(+0.0) */
static const uint64_t KEY_NZERO = UINT64_C(0x7FFFFFFFFFFFFFFF); /* mr_stats_key(-0.0) */

/* ---- small helpers -------------------------------------------------------------- */

static size_t one_or(size_t n)
{
    return n ? n : 1;
}

/* Grow *p (elements of size sz) to hold n + 1: 0, -1. */
static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 256;
    void *q = realloc(*p, c * sz);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static inline uint64_t key_of(double d)
{
    return mr_stats_key(d);
}

static int cmp_u64d(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Of a tail's values at key lo (the *ties of a known X_(k)), keep those of
   the cap latest trials and every other value, in their order; *n and
   *ties updated. Only the latest ties can be in the tail, on any rank
   (ovar attr_trim), so a run whose X_(k) is a value many trials share
   (a loss of exactly 0) keeps O(cap) of them, not all. 0, or -1 (memory:
   nothing changed). */
static int trim_ties(uint64_t *trial, double *loss, size_t *n, size_t *ties, uint64_t lo,
                     uint64_t cap)
{
    if (*ties <= cap)
        return 0;
    uint64_t *tt = malloc(*ties * sizeof *tt);
    if (!tt)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < *n; i++)
        if (key_of(loss[i]) == lo)
            tt[m++] = trial[i];
    qsort(tt, m, sizeof *tt, cmp_u64d);
    const uint64_t from = tt[m - cap]; /* the cap-th latest (trials are distinct) */
    free(tt);
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (key_of(loss[i]) != lo || trial[i] >= from) {
            trial[k] = trial[i];
            loss[k++] = loss[i];
        }
    *n = k;
    *ties = (size_t)cap;
    return 0;
}

static inline double ov_x(const ovar *o, const mr_results *b, size_t S, size_t H, size_t i,
                          size_t e)
{
    const size_t j = (size_t)o->j;
    switch (o->kind) {
    case OV_TOTAL:
        return b->total_loss[i];
    case OV_ANNUAL:
        return b->annual_loss[i * H + e];
    case OV_SANNUAL:
        return b->sector_annual_loss[(i * H + e) * S + j];
    case OV_SLOSS:
        return b->sector_gva_loss[i * S + j] + b->sector_extra_cost[i * S + j];
    case OV_SGVA:
        return b->sector_gva_loss[i * S + j];
    case OV_SOUT:
        return b->sector_output_loss[i * S + j];
    case OV_SXC:
        return b->sector_extra_cost[i * S + j];
    }
    return NAN;
}

/* mr_stats_trial_mean of trial i's annual losses */
static inline double ov_trial_mean(const ovar *o, const mr_results *b, size_t S, size_t H, size_t i)
{
    if (!H)
        return NAN;
    if (o->kind == OV_ANNUAL)
        return mr_stats_trial_mean(b->annual_loss + i * H, H, 1);
    return mr_stats_trial_mean(b->sector_annual_loss + i * H * S + (size_t)o->j, H, S);
}

static uint64_t ov_count(const mr_stream *st, const ovar *o)
{
    return st->N * (uint64_t)o->per_trial;
}

/* ---- set-up ---------------------------------------------------------------------- */

static void set_targets(mr_stream *st, ovar *o)
{
    const uint64_t n = ov_count(st, o);
    uint64_t r[NTMAX];
    if (o->loss) {
        o->nt = NLT;
        for (int k = 0; k < NQ; k++) {
            double p = mr_output_quantiles[k];
            size_t lo, hi;
            mr_stats_quantile_ci_ranks((size_t)n, p, MR_OUTPUT_CI_LEVEL, &lo, &hi);
            r[k] = mr_stats_rank((size_t)n, p);
            r[NQ + k] = lo;
            r[2 * NQ + k] = hi;
        }
        for (int k = 0; k < NE; k++)
            r[3 * NQ + k] = mr_stats_rank((size_t)n, mr_output_es_levels[k]);
    } else {
        o->nt = NRP;
        for (int k = 0; k < NRP; k++) {
            double rp = mr_output_return_periods[k];
            r[k] = (rp > 1.0 && (double)n >= rp) ? mr_stats_rank((size_t)n, 1.0 - 1.0 / rp) : 0;
        }
    }
    for (int t = 0; t < o->nt; t++) {
        target *g = &o->tg[t];
        memset(g, 0, sizeof *g);
        g->rank = r[t];
        g->rem = r[t];
        g->grp = -1;
        g->value = NAN;
        g->done = !(r[t] >= 1 && r[t] <= n);
    }
}

/* A test hook: a smaller budget, so that small runs take the refining
   passes of large ones (tests/output/stream_summary.py). Read whole: a
   strtoull alone took "x" as a budget of 0, " 5" and "-5" as numbers. */
int mr_stream_budget(uint64_t *budget)
{
    const char *b = getenv("MINRISK_STREAM_BUDGET");
    *budget = BUDGET;
    if (!b || !*b)
        return 0;
    if (*b < '0' || *b > '9' || (b[0] == '0' && b[1]))
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(b, &end, 10);
    if (errno || *end)
        return -1;
    *budget = x;
    return 0;
}

mr_stream *mr_stream_new(const mr_comm *c, uint64_t N, uint64_t first_block, uint64_t nblocks,
                         int S, int M, int H, int tails)
{
    mr_stream *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->comm = c ? *c : (mr_comm){0, 1, NULL};
    st->N = N;
    st->first_block = first_block;
    st->nblocks = nblocks;
    st->nb_total = (N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    st->S = S;
    st->M = M;
    st->H = H;
    st->tails = tails;
    st->pass = 1;
    if (mr_stream_budget(&st->budget)) /* refused before, by mr_engine_stream */
        st->budget = BUDGET;
    st->nov = 2 + 5 * S;
    st->ov = calloc((size_t)st->nov, sizeof *st->ov);
    st->K1 = (size_t)(1 + 4 * S) + 2 * (size_t)(1 + S) + 3 * (size_t)M + 2 * (size_t)S;
    st->K2 = 2 * ((size_t)(1 + 4 * S) + (size_t)(1 + S)); /* sums of squares, unscaled and scaled */
    st->sum1 = calloc(st->K1, sizeof *st->sum1);
    st->sum2 = calloc(st->K2, sizeof *st->sum2);
    st->hist1 = calloc((size_t)st->nov * FIRST_BINS, sizeof *st->hist1);
    st->ent_cnt = calloc(one_or(2 * (size_t)M), sizeof *st->ent_cnt);
    st->K = st->K1;
    st->part = calloc(one_or((size_t)nblocks * st->K), sizeof *st->part);
    st->hmin = INFINITY;
    st->hmax = -INFINITY;
    if (!st->ov || !st->sum1 || !st->sum2 || !st->hist1 || !st->ent_cnt || !st->part) {
        mr_stream_free(st);
        return NULL;
    }
    int k = 0;
    ovar *ov = st->ov;
    ov[k++] = (ovar){.kind = OV_TOTAL, .per_trial = 1, .loss = 1, .series = tails ? S : -1};
    ov[k++] = (ovar){.kind = OV_ANNUAL, .per_trial = (size_t)H, .series = -1};
    for (int j = 0; j < S; j++)
        ov[k++] = (ovar){.kind = OV_SANNUAL, .j = j, .per_trial = (size_t)H, .series = -1};
    const ov_kind kinds[4] = {OV_SLOSS, OV_SGVA, OV_SOUT, OV_SXC};
    for (int a = 0; a < 4; a++)
        for (int j = 0; j < S; j++)
            ov[k++] = (ovar){.kind = kinds[a],
                             .j = j,
                             .per_trial = 1,
                             .loss = 1,
                             .series = (tails && a == 0) ? j : -1};
    for (int i = 0; i < st->nov; i++) {
        set_targets(st, &ov[i]);
        if (ov[i].series < 0)
            ov[i].attr_mode = 2;
        if (ov[i].loss) {
            ov[i].es_partial = calloc(one_or((size_t)nblocks * NE), sizeof(double));
            if (!ov[i].es_partial) {
                mr_stream_free(st);
                return NULL;
            }
        } else {
            for (int l = 0; l < NE; l++)
                ov[i].es_mode[l] = 3;
        }
    }
    return st;
}

static void free_groups(mr_stream *st)
{
    for (int g = 0; g < st->ngrp; g++) {
        free(st->grp[g].hist);
        free(st->grp[g].vals);
    }
    free(st->grp);
    st->grp = NULL;
    st->ngrp = 0;
    free(st->def);
    free(st->pool);
    st->def = NULL;
    st->pool = NULL;
    st->ndef = st->def_cap = st->npool = st->pool_cap = 0;
}

void mr_stream_free(mr_stream *st)
{
    if (!st)
        return;
    for (int i = 0; st->ov && i < st->nov; i++) {
        free(st->ov[i].es_partial);
        free(st->ov[i].attr_trial);
        free(st->ov[i].attr_loss);
    }
    free(st->ov);
    free(st->sum1);
    free(st->sum2);
    free(st->hist1);
    free(st->ent_cnt);
    free(st->part);
    free_groups(st);
    mr_btails_free(st->bt);
    free(st);
}

int mr_stream_want_boot(mr_stream *st, uint64_t kl, uint64_t ka, uint64_t kv)
{
    if (st->pass != 1 || st->bt)
        return -1;
    st->bt = mr_btails_new(st->N, st->S, st->H, kl, ka, kv);
    return st->bt ? 0 : -1;
}

mr_btails *mr_stream_boot_tails(mr_stream *st)
{
    return st->bt;
}

int mr_stream_pass(const mr_stream *st)
{
    return st->pass;
}

/* ---- workers --------------------------------------------------------------------- */

void mr_stream_worker_free(mr_stream_worker *w)
{
    if (!w)
        return;
    const mr_stream *st = w->st;
    free(w->hist1);
    free(w->ent_cnt);
    free(w->zn);
    free(w->ghist);
    free(w->gmin);
    free(w->gmax);
    for (int g = 0; w->gvals && g < st->ngrp; g++)
        free(w->gvals[g]);
    free(w->gvals);
    free(w->gnv);
    free(w->gcap);
    free(w->es_cnt);
    free(w->def);
    free(w->pool);
    for (int i = 0; w->at && i < st->nov; i++) {
        free(w->at[i]);
        free(w->al[i]);
    }
    free(w->at);
    free(w->al);
    free(w->an);
    free(w->acap);
    free(w->aties);
    mr_btails_worker_free(w->bw);
    free(w);
}

mr_stream_worker *mr_stream_worker_new(mr_stream *st)
{
    mr_stream_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->st = st;
    const size_t nov = (size_t)st->nov, ng = (size_t)st->ngrp;
    int ok = 1;
    if (st->pass == 1) {
        w->hist1 = calloc(nov * FIRST_BINS, sizeof *w->hist1);
        w->ent_cnt = calloc(one_or(2 * (size_t)st->M), sizeof *w->ent_cnt);
        w->zn = calloc(nov, sizeof *w->zn);
        ok = w->hist1 && w->ent_cnt && w->zn;
        w->hmin = INFINITY;
        w->hmax = -INFINITY;
    } else {
        w->ghist = calloc(one_or(ng * REF_BINS), sizeof *w->ghist);
        w->gmin = malloc(one_or(ng) * sizeof *w->gmin);
        w->gmax = malloc(one_or(ng) * sizeof *w->gmax);
        w->gvals = calloc(one_or(ng), sizeof *w->gvals);
        w->gnv = calloc(one_or(ng), sizeof *w->gnv);
        w->gcap = calloc(one_or(ng), sizeof *w->gcap);
        w->es_cnt = calloc(nov * NE, sizeof *w->es_cnt);
        w->at = calloc(nov, sizeof *w->at);
        w->al = calloc(nov, sizeof *w->al);
        w->an = calloc(nov, sizeof *w->an);
        w->acap = calloc(nov, sizeof *w->acap);
        w->aties = calloc(nov, sizeof *w->aties);
        ok = w->ghist && w->gmin && w->gmax && w->gvals && w->gnv && w->gcap && w->es_cnt &&
             w->at && w->al && w->an && w->acap && w->aties;
        for (size_t g = 0; ok && g < ng; g++) {
            w->gmin[g] = INFINITY;
            w->gmax[g] = -INFINITY;
        }
    }
    if (ok && st->bt)
        ok = (w->bw = mr_btails_worker_new(st->bt, st->pass)) != NULL;
    if (!ok) {
        mr_stream_worker_free(w);
        return NULL;
    }
    return w;
}

/* Add the worker's first-digit counts to the stream's (and zero them). */
static void flush_hist1(mr_stream *st, mr_stream_worker *w)
{
    const size_t n = (size_t)st->nov * FIRST_BINS;
#pragma omp critical(mr_stream_hist1)
    for (size_t k = 0; k < n; k++)
        st->hist1[k] += w->hist1[k];
    memset(w->hist1, 0, n * sizeof *w->hist1);
    w->since_flush = 0;
}

/* ---- one block ------------------------------------------------------------------- */

/* x[0] + x[stride] + ... (n of them) from 0.0, in order */
static double column_sum(const double *x, size_t n, size_t stride)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i * stride];
    return s;
}

static void block_pass1(mr_stream *st, mr_stream_worker *w, const mr_results *b, double *part)
{
    const size_t n = (size_t)b->ntrials, S = (size_t)st->S, M = (size_t)st->M, H = (size_t)st->H;
    size_t q = 0;
    /* sums: loss variables, annual (all values; trial means), entity means */
    for (int v = 0; v < st->nov; v++) {
        const ovar *o = &st->ov[v];
        if (!o->loss)
            continue;
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += ov_x(o, b, S, H, i, 0);
        part[q++] = s;
    }
    for (int v = 0; v < st->nov; v++) {
        const ovar *o = &st->ov[v];
        if (o->loss)
            continue;
        double s = 0.0, m = 0.0;
        for (size_t i = 0; i < n; i++)
            for (size_t e = 0; e < H; e++)
                s += ov_x(o, b, S, H, i, e);
        for (size_t i = 0; i < n; i++)
            m += ov_trial_mean(o, b, S, H, i);
        part[q++] = s;
        part[q++] = m;
    }
    const double *mv[3] = {b->mineral_shortfall_mean, b->mineral_shortfall_months,
                           b->mineral_price_peak};
    for (size_t a = 0; a < 3; a++)
        for (size_t m = 0; m < M; m++)
            part[q++] = column_sum(mv[a] + m, n, M);
    const double *sv[2] = {b->sector_inoperability_peak, b->sector_inoperability_months};
    for (size_t a = 0; a < 2; a++)
        for (size_t j = 0; j < S; j++)
            part[q++] = column_sum(sv[a] + j, n, S);
    /* counts */
    for (size_t m = 0; m < M; m++)
        for (size_t i = 0; i < n; i++) {
            w->ent_cnt[m] += b->mineral_shortfall_peak[i * M + m] > MR_SHORTFALL_THRESHOLD;
            w->ent_cnt[M + m] += isnan(b->mineral_stockpile_empty_month[i * M + m]) != 0;
        }
    for (size_t i = 0; i < n; i++) {
        double x = b->total_loss[i];
        if (isfinite(x)) {
            w->hmin = fmin(w->hmin, x);
            w->hmax = fmax(w->hmax, x);
        }
    }
    /* first digits */
    size_t elems = 0;
    for (int v = 0; v < st->nov; v++) {
        const ovar *o = &st->ov[v];
        uint32_t *h = w->hist1 + (size_t)v * FIRST_BINS;
        for (size_t i = 0; i < n; i++)
            for (size_t e = 0; e < o->per_trial; e++) {
                double x = ov_x(o, b, S, H, i, e);
                uint64_t k = key_of(x);
                h[k >> (64 - FIRST_BITS)]++;
                w->zn[v][0] += k == UINT64_MAX;
                w->zn[v][1] += k == KEY_PZERO;
                w->zn[v][2] += k == KEY_NZERO;
            }
        elems += n * o->per_trial;
    }
    w->since_flush += elems;
    if (w->since_flush > FLUSH_AT)
        flush_hist1(st, w);
}

/* Keep value x of group g (worker side). */
static void keep_value(mr_stream_worker *w, int g, double x)
{
    if (grow((void **)&w->gvals[g], &w->gcap[g], w->gnv[g], sizeof(double)) != 0) {
        w->failed = 1;
        return;
    }
    w->gvals[g][w->gnv[g]++] = x;
}

static void block_later(mr_stream *st, mr_stream_worker *w, const mr_results *b, size_t lb,
                        double *part)
{
    const size_t n = (size_t)b->ntrials, S = (size_t)st->S, H = (size_t)st->H;
    /* pass 2: second moments and the histogram of the total loss; each sum
       of squares also with the deviations scaled by mr_sumsq_scale(1), in
       the second half of the partials, for where it overflows (sumsq.h:
       each trial is seen once, so both are formed side by side) */
    if (st->pass == 2) {
        const size_t h = st->K2 / 2;
        const double sc = mr_sumsq_scale(1);
        size_t q = 0, ql = 0, qa = (size_t)(1 + 4 * st->S);
        for (int v = 0; v < st->nov; v++) {
            const ovar *o = &st->ov[v];
            double s = 0.0, ss = 0.0;
            if (o->loss) {
                const double mean = st->sum1[ql] / (double)st->N;
                for (size_t i = 0; i < n; i++) {
                    double d = ov_x(o, b, S, H, i, 0) - mean, ds = d * sc;
                    s += d * d;
                    ss += ds * ds;
                }
                part[h + ql] = ss;
                part[ql++] = s;
            } else {
                const double mean = st->sum1[qa + 2 * q + 1] / (double)st->N;
                for (size_t i = 0; i < n; i++) {
                    double d = ov_trial_mean(o, b, S, H, i) - mean, ds = d * sc;
                    s += d * d;
                    ss += ds * ds;
                }
                part[h + qa + q] = ss;
                part[qa + q++] = s;
            }
        }
        if (st->hist_ok)
            for (size_t i = 0; i < n; i++) {
                double x = b->total_loss[i];
                if (isfinite(x))
                    w->hist_count[mr_stats_hist_bin(x, st->hist_edges, MR_OUTPUT_HIST_BINS)]++;
            }
    }
    /* bins: kept or refined */
    for (int g = 0; g < st->ngrp; g++) {
        const group *gr = &st->grp[g];
        const ovar *o = &st->ov[gr->ov];
        const int sh = 64 - gr->bits;
        for (size_t i = 0; i < n; i++)
            for (size_t e = 0; e < o->per_trial; e++) {
                double x = ov_x(o, b, S, H, i, e);
                uint64_t k = key_of(x);
                if (k >> sh != gr->prefix)
                    continue;
                if (gr->keep) {
                    keep_value(w, g, x);
                } else {
                    int rs = sh - REF_BITS;
                    w->ghist[(size_t)g * REF_BINS + ((k >> rs) & (REF_BINS - 1))]++;
                    w->gmin[g] = fmin(w->gmin[g], x);
                    w->gmax[g] = fmax(w->gmax[g], x);
                }
            }
    }
    /* expected shortfalls and the attribution's tails */
    for (int v = 0; v < st->nov; v++) {
        const ovar *o = &st->ov[v];
        for (int l = 0; l < NE && o->loss; l++) {
            const target *t = &o->tg[3 * NQ + l];
            if (o->es_mode[l] == 1) {
                const double xk = t->value;
                double s = 0.0;
                uint64_t c = 0;
                for (size_t i = 0; i < n; i++) {
                    double x = ov_x(o, b, S, H, i, 0);
                    if (x > xk) {
                        s += x;
                        c++;
                    }
                }
                o->es_partial[lb * NE + (size_t)l] = s;
                w->es_cnt[(size_t)v * NE + (size_t)l] += c;
            } else if (o->es_mode[l] == 2) {
                const group *gr = &st->grp[t->grp];
                const int sh = 64 - gr->bits;
                double s = 0.0;
                uint64_t c = 0;
                int amb = 0;
                for (size_t i = 0; i < n; i++) {
                    double x = ov_x(o, b, S, H, i, 0);
                    if (isnan(x))
                        continue;
                    const uint64_t p = key_of(x) >> sh;
                    if (p > gr->prefix) {
                        s += x;
                        c++;
                    } else if (p == gr->prefix) {
                        amb = 1;
                    }
                }
                if (!amb) {
                    o->es_partial[lb * NE + (size_t)l] = s;
                    w->es_cnt[(size_t)v * NE + (size_t)l] += c;
                    continue;
                }
                /* keep the block's values from the bin up */
                if (grow((void **)&w->def, &w->def_cap, w->ndef, sizeof *w->def) != 0) {
                    w->failed = 1;
                    continue;
                }
                deferred *d = &w->def[w->ndef++];
                *d = (deferred){v, l, lb, w->npool, 0};
                for (size_t i = 0; i < n; i++) {
                    double x = ov_x(o, b, S, H, i, 0);
                    if (isnan(x) || (key_of(x) >> sh) < gr->prefix)
                        continue;
                    if (grow((void **)&w->pool, &w->pool_cap, w->npool, sizeof(double)) != 0) {
                        w->failed = 1;
                        break;
                    }
                    w->pool[w->npool++] = x;
                    d->n++;
                }
            }
        }
        if (o->attr_mode == 1)
            for (size_t i = 0; i < n; i++) {
                double x = ov_x(o, b, S, H, i, 0);
                if (key_of(x) < o->attr_lo)
                    continue;
                if (w->an[v] == w->acap[v]) {
                    size_t nc = w->acap[v] ? 2 * w->acap[v] : 256;
                    uint64_t *nt = realloc(w->at[v], nc * sizeof *nt);
                    if (nt)
                        w->at[v] = nt;
                    double *nl = realloc(w->al[v], nc * sizeof *nl);
                    if (nl)
                        w->al[v] = nl;
                    if (!nt || !nl) {
                        w->failed = 1;
                        break;
                    }
                    w->acap[v] = nc;
                }
                w->at[v][w->an[v]] = b->first_trial + i;
                w->al[v][w->an[v]++] = x;
                if (o->attr_trim && key_of(x) == o->attr_lo &&
                    ++w->aties[v] > 2 * o->attr_tie_cap &&
                    trim_ties(w->at[v], w->al[v], &w->an[v], &w->aties[v], o->attr_lo,
                              o->attr_tie_cap) != 0) {
                    w->failed = 1;
                    break;
                }
            }
    }
}

void mr_stream_block(mr_stream *st, mr_stream_worker *w, const mr_results *b)
{
    const size_t lb = (size_t)(b->first_trial / MR_BLOCK_TRIALS - st->first_block);
    double *part = st->part ? st->part + lb * st->K : NULL;
    if (st->pass == 1)
        block_pass1(st, w, b, part);
    else
        block_later(st, w, b, lb, part);
    if (w->bw)
        mr_btails_block(st->bt, w->bw, b);
}

/* ---- merging a worker ------------------------------------------------------------- */

int mr_stream_merge(mr_stream *st, mr_stream_worker *w)
{
    int bad = w->failed || (w->bw && mr_btails_merge(st->bt, w->bw) != 0);
    const size_t M = (size_t)st->M;
    if (st->pass == 1) {
        flush_hist1(st, w);
        for (size_t k = 0; k < 2 * M; k++)
            st->ent_cnt[k] += w->ent_cnt[k];
        st->hmin = fmin(st->hmin, w->hmin);
        st->hmax = fmax(st->hmax, w->hmax);
        for (int v = 0; v < st->nov; v++) {
            st->ov[v].nan += w->zn[v][0];
            st->ov[v].zpos += w->zn[v][1];
            st->ov[v].zneg += w->zn[v][2];
        }
        st->failed |= bad;
        return bad ? -1 : 0;
    }
    for (size_t b = 0; b < MR_OUTPUT_HIST_BINS; b++)
        st->hist_count[b] += w->hist_count[b];
    for (int g = 0; g < st->ngrp; g++) {
        group *gr = &st->grp[g];
        if (!gr->keep) {
            for (size_t d = 0; d < REF_BINS; d++)
                gr->hist[d] += w->ghist[(size_t)g * REF_BINS + d];
            gr->vmin = fmin(gr->vmin, w->gmin[g]);
            gr->vmax = fmax(gr->vmax, w->gmax[g]);
        } else if (w->gnv[g]) {
            size_t need = gr->nv + w->gnv[g];
            if (need > gr->cap) {
                double *p = realloc(gr->vals, need * sizeof *p);
                if (!p) {
                    bad = 1;
                    continue;
                }
                gr->vals = p;
                gr->cap = need;
            }
            memcpy(gr->vals + gr->nv, w->gvals[g], w->gnv[g] * sizeof(double));
            gr->nv = need;
        }
    }
    for (int v = 0; v < st->nov; v++) {
        ovar *o = &st->ov[v];
        for (int l = 0; l < NE; l++)
            o->es_cnt[l] += w->es_cnt[(size_t)v * NE + (size_t)l];
        if (w->an[v]) {
            size_t need = o->attr_n + w->an[v];
            uint64_t *t = realloc(o->attr_trial, need * sizeof *t);
            if (t)
                o->attr_trial = t;
            double *x = realloc(o->attr_loss, need * sizeof *x);
            if (x)
                o->attr_loss = x;
            if (!t || !x) {
                bad = 1;
                continue;
            }
            memcpy(o->attr_trial + o->attr_n, w->at[v], w->an[v] * sizeof *t);
            memcpy(o->attr_loss + o->attr_n, w->al[v], w->an[v] * sizeof *x);
            o->attr_n = need;
            o->attr_cap = need;
            o->attr_ties += w->aties[v];
            if (o->attr_trim && o->attr_ties > 2 * o->attr_tie_cap &&
                trim_ties(o->attr_trial, o->attr_loss, &o->attr_n, &o->attr_ties, o->attr_lo,
                          o->attr_tie_cap) != 0)
                bad = 1;
        }
    }
    /* deferred partials: their values into the stream's pool */
    if (w->ndef) {
        size_t nd = st->ndef + w->ndef, np = st->npool + w->npool;
        deferred *d = realloc(st->def, nd * sizeof *d);
        if (d)
            st->def = d;
        double *p = realloc(st->pool, one_or(np) * sizeof *p);
        if (p)
            st->pool = p;
        if (!d || !p) {
            bad = 1;
        } else {
            for (size_t k = 0; k < w->ndef; k++) {
                st->def[st->ndef + k] = w->def[k];
                st->def[st->ndef + k].off += st->npool;
            }
            memcpy(st->pool + st->npool, w->pool, w->npool * sizeof *p);
            st->ndef = nd;
            st->npool = np;
        }
    }
    st->failed |= bad;
    return bad ? -1 : 0;
}

/* ---- between passes ------------------------------------------------------------- */

/* A target whose bin holds one value only: resolve it. */
static void check_atom(const ovar *o, target *t, double vmin, double vmax)
{
    if (t->done)
        return;
    if (t->bits == 64) {
        t->value = mr_stats_key_value(t->prefix);
        t->done = 1;
        return;
    }
    const int sh = 64 - t->bits;
    const uint64_t lo = t->prefix << sh, hi = lo | (((uint64_t)1 << sh) - 1);
    if (lo <= KEY_PZERO && KEY_PZERO <= hi && t->count == o->zpos) {
        t->value = 0.0;
        t->done = 1;
    } else if (lo <= KEY_NZERO && KEY_NZERO <= hi && t->count == o->zneg) {
        t->value = -0.0;
        t->done = 1;
    } else if (vmin == vmax && vmin != 0.0) {
        t->value = vmin;
        t->done = 1;
    }
}

/* Elements of the run with a key from target t's bin up. */
static uint64_t count_from(const mr_stream *st, const ovar *o, const target *t)
{
    return ov_count(st, o) - (t->rank - t->rem);
}

typedef struct {
    uint64_t cost;
    int g;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    return (x->g > y->g) - (x->g < y->g);
}

/* Plan the next pass: the bins to keep or refine, the ES folds and the
   attribution tails. Every rank plans the same from the same counts.
   Returns 1 if a pass is needed, 0 if not, -1 when out of memory. */
static int plan(mr_stream *st)
{
    free_groups(st);
    int ng = 0, cap = 0;
    for (int v = 0; v < st->nov; v++)
        for (int t = 0; t < st->ov[v].nt; t++)
            cap += !st->ov[v].tg[t].done;
    st->grp = calloc(one_or((size_t)cap), sizeof *st->grp);
    cand *cd = calloc(one_or((size_t)cap), sizeof *cd);
    if (!st->grp || !cd) {
        free(cd);
        return -1;
    }
    for (int v = 0; v < st->nov; v++) {
        ovar *o = &st->ov[v];
        for (int t = 0; t < o->nt; t++) {
            target *tg = &o->tg[t];
            tg->grp = -1;
            if (tg->done)
                continue;
            int g = 0;
            for (; g < ng; g++)
                if (st->grp[g].ov == v && st->grp[g].prefix == tg->prefix &&
                    st->grp[g].bits == tg->bits)
                    break;
            if (g == ng) {
                st->grp[ng] = (group){.ov = v, .prefix = tg->prefix, .bits = tg->bits};
                cd[ng] = (cand){tg->count, ng};
                ng++;
            }
            tg->grp = g;
            /* an ES bin also keeps the tail values of blocks that hold its
               values (the attribution's tail trials are kept anyway) */
            if (t >= 3 * NQ && o->loss && o->es_mode[t - 3 * NQ] == 0) {
                uint64_t from = count_from(st, o, tg);
                uint64_t lim = tg->count * MR_BLOCK_TRIALS;
                cd[g].cost += from < lim ? from : lim;
            }
        }
    }
    st->ngrp = ng;
    qsort(cd, (size_t)ng, sizeof *cd, cmp_cand);
    uint64_t used = 0;
    for (int k = 0; k < ng; k++)
        if (used + cd[k].cost <= st->budget) {
            used += cd[k].cost;
            st->grp[cd[k].g].keep = 1;
        }
    free(cd);
    for (int g = 0; g < ng; g++) {
        group *gr = &st->grp[g];
        gr->vmin = INFINITY;
        gr->vmax = -INFINITY;
        if (!gr->keep && !(gr->hist = calloc(REF_BINS, sizeof *gr->hist)))
            return -1;
    }
    int more = ng > 0;
    for (int v = 0; v < st->nov; v++) {
        ovar *o = &st->ov[v];
        for (int l = 0; l < NE; l++) {
            if (o->es_mode[l] == 3)
                continue;
            const target *t = &o->tg[3 * NQ + l];
            o->es_mode[l] = t->done ? 1 : st->grp[t->grp].keep ? 2 : 0;
            more = 1;
        }
        if (o->attr_mode != 2) {
            int l99 = -1;
            for (int l = 0; l < NE; l++)
                if (mr_output_es_levels[l] == 0.99)
                    l99 = l;
            const target *t = &o->tg[3 * NQ + l99];
            o->attr_mode = 0;
            o->attr_trim = 0;
            o->attr_ties = 0;
            if (t->done) {
                o->attr_mode = 1;
                o->attr_lo = key_of(t->value);
                const uint64_t n = st->N * o->per_trial;
                if (t->rank >= 1 && t->rank <= n) {
                    o->attr_trim = 1;
                    o->attr_tie_cap = n - t->rank + 1;
                }
            } else if (st->grp[t->grp].keep) {
                o->attr_mode = 1;
                o->attr_lo = t->prefix << (64 - t->bits);
            }
            more = 1;
        }
    }
    return more;
}

/* Sort a series' tail by trial (pairs moved together). */
static int sort_tail(ovar *o)
{
    const size_t n = o->attr_n;
    uint64_t *pair = malloc(one_or(2 * n) * sizeof *pair);
    if (!pair)
        return -1;
    for (size_t i = 0; i < n; i++) {
        pair[2 * i] = o->attr_trial[i];
        memcpy(&pair[2 * i + 1], &o->attr_loss[i], sizeof(double));
    }
    qsort(pair, n, 2 * sizeof *pair, cmp_u64d);
    for (size_t i = 0; i < n; i++) {
        o->attr_trial[i] = pair[2 * i];
        memcpy(&o->attr_loss[i], &pair[2 * i + 1], sizeof(double));
    }
    free(pair);
    return 0;
}

static int end_pass1(mr_stream *st)
{
    const mr_comm *c = &st->comm;
    if (mr_dstats_reduce_blocks(c, st->part, (size_t)st->nblocks, st->nb_total, st->K1, st->sum1) !=
            0 ||
        mr_comm_sum_u64(c, st->hist1, (size_t)st->nov * FIRST_BINS) != 0 ||
        mr_comm_sum_u64(c, st->ent_cnt, 2 * (size_t)st->M) != 0 ||
        mr_comm_min_f64(c, &st->hmin, 1) != 0 || mr_comm_max_f64(c, &st->hmax, 1) != 0)
        return -1;
    uint64_t *zn = malloc(3 * (size_t)st->nov * sizeof *zn);
    if (mr_comm_any(c, !zn)) {
        free(zn);
        return -1;
    }
    for (int v = 0; v < st->nov; v++) {
        zn[3 * v] = st->ov[v].nan;
        zn[3 * v + 1] = st->ov[v].zpos;
        zn[3 * v + 2] = st->ov[v].zneg;
    }
    if (mr_comm_sum_u64(c, zn, 3 * (size_t)st->nov) != 0) {
        free(zn);
        return -1;
    }
    for (int v = 0; v < st->nov; v++) {
        ovar *o = &st->ov[v];
        o->nan = zn[3 * v];
        o->zpos = zn[3 * v + 1];
        o->zneg = zn[3 * v + 2];
        const uint64_t *h = st->hist1 + (size_t)v * FIRST_BINS;
        for (int t = 0; t < o->nt; t++) {
            target *tg = &o->tg[t];
            if (tg->done)
                continue;
            tg->prefix = mr_dstats_pick_digit(h, FIRST_BINS, &tg->rem);
            tg->bits = FIRST_BITS;
            tg->count = h[tg->prefix];
            check_atom(o, tg, NAN, NAN);
        }
    }
    free(zn);
    free(st->hist1);
    st->hist1 = NULL;
    st->hist_ok = mr_stats_hist_edges(st->hmin, st->hmax, MR_OUTPUT_HIST_BINS, st->hist_edges);
    return 0;
}

static int end_later(mr_stream *st)
{
    const mr_comm *c = &st->comm;
    if (st->pass == 2 && (mr_dstats_reduce_blocks(c, st->part, (size_t)st->nblocks, st->nb_total,
                                                  st->K2, st->sum2) != 0 ||
                          mr_comm_sum_u64(c, st->hist_count, MR_OUTPUT_HIST_BINS) != 0))
        return -1;
    /* the bins: refined, or selected among their kept values */
    for (int g = 0; g < st->ngrp; g++) {
        group *gr = &st->grp[g];
        ovar *o = &st->ov[gr->ov];
        if (!gr->keep) {
            if (mr_comm_sum_u64(c, gr->hist, REF_BINS) != 0 ||
                mr_comm_min_f64(c, &gr->vmin, 1) != 0 || mr_comm_max_f64(c, &gr->vmax, 1) != 0)
                return -1;
            for (int t = 0; t < o->nt; t++) {
                target *tg = &o->tg[t];
                if (tg->done || tg->grp != g)
                    continue;
                size_t d = mr_dstats_pick_digit(gr->hist, REF_BINS, &tg->rem);
                tg->prefix = (tg->prefix << REF_BITS) | d;
                tg->bits += REF_BITS;
                tg->count = gr->hist[d];
                check_atom(o, tg, gr->vmin, gr->vmax);
            }
            continue;
        }
        uint64_t ranks[NTMAX];
        int idx[NTMAX] = {0}, nr = 0;
        for (int t = 0; t < o->nt; t++)
            if (!o->tg[t].done && o->tg[t].grp == g) {
                idx[nr] = t;
                ranks[nr++] = o->tg[t].rem;
            }
        double out[NTMAX];
        const mr_dvar dv = {gr->vals, gr->nv, 1, 1, o->tg[idx[0]].count};
        if (mr_dstats_select(c, &dv, ranks, (size_t)nr, out) != 0)
            return -1;
        for (int k = 0; k < nr; k++) {
            o->tg[idx[k]].value = out[k];
            o->tg[idx[k]].done = 1;
        }
        free(gr->vals);
        gr->vals = NULL;
    }
    /* deferred ES partials, now that X_(k) is known */
    for (size_t k = 0; k < st->ndef; k++) {
        const deferred *d = &st->def[k];
        ovar *o = &st->ov[d->ov];
        const double xk = o->tg[3 * NQ + d->level].value;
        double s = 0.0;
        uint64_t cnt = 0;
        for (size_t i = 0; i < d->n; i++) {
            double x = st->pool[d->off + i];
            if (x > xk) {
                s += x;
                cnt++;
            }
        }
        o->es_partial[d->block * NE + (size_t)d->level] = s;
        o->es_cnt[d->level] += cnt;
    }
    for (int v = 0; v < st->nov; v++) {
        ovar *o = &st->ov[v];
        for (int l = 0; l < NE; l++)
            if (o->es_mode[l] == 1 || o->es_mode[l] == 2)
                o->es_mode[l] = 3;
        if (o->attr_mode == 1) {
            if (sort_tail(o) != 0)
                return -1;
            o->attr_mode = 2;
        }
    }
    return 0;
}

int mr_stream_end_pass(mr_stream *st)
{
    const mr_comm *c = &st->comm;
    if (mr_comm_any(c, st->failed))
        return -1;
    int rc = st->pass == 1 ? end_pass1(st) : end_later(st);
    if (st->bt && mr_btails_end_pass(st->bt, c, st->pass) != 0)
        rc = -1;
    if (mr_comm_any(c, rc != 0))
        return -1;
    /* the block partials of the next pass: pass 2's second moments */
    free(st->part);
    st->part = NULL;
    st->K = st->pass == 1 ? st->K2 : 0;
    if (st->K) {
        st->part = calloc(one_or((size_t)st->nblocks * st->K), sizeof *st->part);
        if (mr_comm_any(c, !st->part))
            return -1;
    }
    int more = plan(st);
    if (mr_comm_any(c, more < 0))
        return -1;
    more = more || st->pass == 1;
    if (more)
        st->pass++;
    else
        free_groups(st);
    return more;
}
