/* btails.c - the top tails of the bootstrap's loss series, streamed
 * (btails.h).
 */
#include "out/stats/btails.h"

#include "out/stats/stats.h"

#include <stdlib.h>
#include <string.h>

#define BINS ((size_t)1 << 16)
#define CHUNK 4096
#define FLUSH_AT ((uint64_t)1 << 31) /* worker counts are 32-bit */

typedef struct {
    uint64_t k;      /* wanted (at most the series' values) */
    uint64_t kv;     /* of them, the lowest kv needed as values (k: all) */
    uint64_t from;   /* keep keys >= from (pass 2) */
    size_t tbin;     /* the top: keys in bins >= tbin, their trials alone (BINS: none) */
    uint64_t ntop;   /* the run's values in the top (pass 1's counts) */
    uint64_t *key;   /* pass 2: the rank's kept keys below the top */
    uint32_t *trial; /* and trials */
    size_t n, cap;
    uint32_t *ttrial; /* pass 2: the rank's trials of the top's values */
    size_t tn, tcap;
    double *val;      /* the result: [nv], the lowest nv of the c */
    uint32_t *rtrial; /* [c]: the lowest c - ntop's ascending, then the top's */
    size_t c, nv;
} series;

struct mr_btails {
    uint64_t N;
    int S, H, ns;
    uint64_t *hist; /* [ns * BINS] pass 1 */
    series *s;
};

struct mr_btails_worker {
    int pass;
    uint32_t *hist;   /* [ns * BINS] */
    uint64_t since;   /* values counted since the last flush */
    uint64_t *key;    /* [ns * CHUNK] */
    uint32_t *trial;  /* [ns * CHUNK] */
    size_t *n;        /* [ns] */
    uint32_t *ttrial; /* [ns * CHUNK]: the top's trials */
    size_t *tn;       /* [ns] */
    int failed;
};

static size_t per(const mr_btails *bt, int q)
{
    return q < bt->S + 3 ? 1 : (size_t)bt->H;
}

mr_btails *mr_btails_new(uint64_t N, int S, int H, uint64_t kl, uint64_t ka, uint64_t kv)
{
    mr_btails *bt = calloc(1, sizeof *bt);
    if (!bt)
        return NULL;
    bt->N = N;
    bt->S = S;
    bt->H = H;
    bt->ns = ka && H > 0 ? 2 * S + 4 : S + 3;
    bt->s = calloc((size_t)bt->ns, sizeof *bt->s);
    bt->hist = calloc((size_t)bt->ns * BINS, sizeof *bt->hist);
    if (!bt->s || !bt->hist) {
        mr_btails_free(bt);
        return NULL;
    }
    for (int q = 0; q < bt->ns; q++) {
        const uint64_t m = N * per(bt, q), k = q < S + 3 ? kl : ka;
        bt->s[q].k = k < m ? k : m;
        bt->s[q].kv = q < S + 3 || kv > bt->s[q].k ? bt->s[q].k : kv;
        bt->s[q].tbin = BINS;
    }
    return bt;
}

void mr_btails_free(mr_btails *bt)
{
    if (!bt)
        return;
    for (int q = 0; bt->s && q < bt->ns; q++) {
        free(bt->s[q].key);
        free(bt->s[q].trial);
        free(bt->s[q].ttrial);
        free(bt->s[q].val);
        free(bt->s[q].rtrial);
    }
    free(bt->s);
    free(bt->hist);
    free(bt);
}

mr_btails_worker *mr_btails_worker_new(mr_btails *bt, int pass)
{
    mr_btails_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->pass = pass;
    const size_t ns = (size_t)bt->ns;
    int ok = 1;
    if (pass == 1) {
        w->hist = calloc(ns * BINS, sizeof *w->hist);
        ok = w->hist != NULL;
    } else if (pass == 2) {
        w->key = malloc(ns * CHUNK * sizeof *w->key);
        w->trial = malloc(ns * CHUNK * sizeof *w->trial);
        w->n = calloc(ns, sizeof *w->n);
        w->ttrial = malloc(ns * CHUNK * sizeof *w->ttrial);
        w->tn = calloc(ns, sizeof *w->tn);
        ok = w->key && w->trial && w->n && w->ttrial && w->tn;
    }
    if (!ok) {
        mr_btails_worker_free(w);
        return NULL;
    }
    return w;
}

void mr_btails_worker_free(mr_btails_worker *w)
{
    if (!w)
        return;
    free(w->hist);
    free(w->key);
    free(w->trial);
    free(w->n);
    free(w->ttrial);
    free(w->tn);
    free(w);
}

/* Value e (< per) of trial i of the block in series q. */
static inline double bt_x(const mr_btails *bt, int q, const mr_results *b, size_t i, size_t e)
{
    const size_t S = (size_t)bt->S, H = (size_t)bt->H;
    if (q < bt->S)
        return b->sector_gva_loss[i * S + (size_t)q] + b->sector_extra_cost[i * S + (size_t)q];
    if (q == bt->S)
        return b->total_loss[i];
    if (q == bt->S + 1)
        return b->total_gva_loss[i];
    if (q == bt->S + 2)
        return b->total_loss[i] - b->total_gva_loss[i];
    if (q < 2 * bt->S + 3)
        return b->sector_annual_loss[(i * H + e) * S + (size_t)(q - bt->S - 3)];
    return b->annual_loss[i * H + e];
}

static void flush_hist(mr_btails *bt, mr_btails_worker *w)
{
    const size_t n = (size_t)bt->ns * BINS;
#pragma omp critical(mr_btails)
    for (size_t k = 0; k < n; k++)
        bt->hist[k] += w->hist[k];
    memset(w->hist, 0, n * sizeof *w->hist);
    w->since = 0;
}

static int cmp_pair(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    if (x[0] != y[0])
        return (x[0] > y[0]) - (x[0] < y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* The values below the top wanted: k less the top's. */
static uint64_t below_top(const series *s)
{
    return s->k - s->ntop;
}

/* Keep the top below_top of the rank's values of series s below the top
   (pairs sorted). 0, -1. */
static int trim(series *s)
{
    uint64_t *pair = malloc(2 * (s->n ? s->n : 1) * sizeof *pair);
    if (!pair)
        return -1;
    for (size_t j = 0; j < s->n; j++) {
        pair[2 * j] = s->key[j];
        pair[2 * j + 1] = s->trial[j];
    }
    qsort(pair, s->n, 2 * sizeof *pair, cmp_pair);
    const uint64_t want = below_top(s);
    const size_t k = s->n < want ? s->n : (size_t)want, off = s->n - k;
    for (size_t j = 0; j < k; j++) {
        s->key[j] = pair[2 * (off + j)];
        s->trial[j] = (uint32_t)pair[2 * (off + j) + 1];
    }
    s->n = k;
    if (k) /* nothing below the rank's k-th is wanted */
#pragma omp atomic write
        s->from = s->key[0];
    free(pair);
    return 0;
}

/* The capacity a series' kept arrays grow to when they must hold `need`. */
static size_t grown(size_t need)
{
    return need + need / 2 + CHUNK;
}

/* The worker's chunk of series q into bt (shared: one thread at a time). */
static void flush_chunk(mr_btails *bt, mr_btails_worker *w, int q)
{
    const size_t nq = w->n[q];
    const uint64_t *key = w->key + (size_t)q * CHUNK;
    const uint32_t *tr = w->trial + (size_t)q * CHUNK;
    int bad = 0;
#pragma omp critical(mr_btails)
    {
        series *s = &bt->s[q];
        if (s->n + nq > s->cap) {
            const size_t cap = grown(s->n + nq);
            uint64_t *k2 = realloc(s->key, cap * sizeof *k2);
            if (k2)
                s->key = k2;
            uint32_t *t2 = realloc(s->trial, cap * sizeof *t2);
            if (t2)
                s->trial = t2;
            if (k2 && t2)
                s->cap = cap;
            else
                bad = 1;
        }
        if (!bad) {
            for (size_t j = 0; j < nq; j++)
                if (key[j] >= s->from) {
                    s->key[s->n] = key[j];
                    s->trial[s->n++] = tr[j];
                }
            if (s->n > 2 * below_top(s) + CHUNK)
                bad = trim(s) != 0;
        }
    }
    w->n[q] = 0;
    w->failed |= bad;
}

/* The worker's top trials of series q into bt (shared: one thread at a time). */
static void flush_top(mr_btails *bt, mr_btails_worker *w, int q)
{
    const size_t nq = w->tn[q];
    const uint32_t *tr = w->ttrial + (size_t)q * CHUNK;
    if (nq == 0) /* (a series with no top, or an empty chunk: memcpy of NULL) */
        return;
    int bad = 0;
#pragma omp critical(mr_btails)
    {
        series *s = &bt->s[q];
        if (s->tn + nq > s->tcap) {
            const size_t cap = grown(s->tn + nq);
            uint32_t *t2 = realloc(s->ttrial, cap * sizeof *t2);
            if (t2) {
                s->ttrial = t2;
                s->tcap = cap;
            } else {
                bad = 1;
            }
        }
        if (!bad) {
            memcpy(s->ttrial + s->tn, tr, nq * sizeof *tr);
            s->tn += nq;
        }
    }
    w->tn[q] = 0;
    w->failed |= bad;
}

void mr_btails_block(mr_btails *bt, mr_btails_worker *w, const mr_results *b)
{
    const size_t n = (size_t)b->ntrials;
    if (w->pass == 1) {
        for (int q = 0; q < bt->ns; q++) {
            uint32_t *h = w->hist + (size_t)q * BINS;
            const size_t pe = per(bt, q);
            for (size_t i = 0; i < n; i++)
                for (size_t e = 0; e < pe; e++)
                    h[mr_stats_key(bt_x(bt, q, b, i, e)) >> 48]++;
            w->since += n * pe;
        }
        if (w->since > FLUSH_AT)
            flush_hist(bt, w);
        return;
    }
    if (w->pass != 2)
        return;
    for (int q = 0; q < bt->ns; q++) {
        const size_t pe = per(bt, q);
        uint64_t from;
#pragma omp atomic read
        from = bt->s[q].from;
        const uint64_t tbin = bt->s[q].tbin; /* fixed in pass 1 */
        uint64_t *key = w->key + (size_t)q * CHUNK;
        uint32_t *tr = w->trial + (size_t)q * CHUNK, *ttr = w->ttrial + (size_t)q * CHUNK;
        for (size_t i = 0; i < n; i++)
            for (size_t e = 0; e < pe; e++) {
                const uint64_t k = mr_stats_key(bt_x(bt, q, b, i, e));
                if (k >> 48 >= tbin) { /* the top: the trial alone */
                    if (w->tn[q] == CHUNK)
                        flush_top(bt, w, q);
                    ttr[w->tn[q]++] = (uint32_t)(b->first_trial + i);
                    continue;
                }
                if (k < from)
                    continue;
                if (w->n[q] == CHUNK)
                    flush_chunk(bt, w, q);
                key[w->n[q]] = k;
                tr[w->n[q]++] = (uint32_t)(b->first_trial + i);
            }
    }
}

int mr_btails_merge(mr_btails *bt, mr_btails_worker *w)
{
    if (w->pass == 1)
        flush_hist(bt, w);
    else if (w->pass == 2)
        for (int q = 0; q < bt->ns; q++) {
            flush_chunk(bt, w, q);
            flush_top(bt, w, q);
        }
    return w->failed ? -1 : 0;
}

/* Pass 2's end for series s: every rank's kept pairs below the top
   gathered (key, trial as two doubles' bits) and sorted, the top
   below_top(s) of them kept; after them, every rank's trials of the top
   (as doubles: exact). Collective, the same status on every rank (until
   2026-12-07 a rank out of memory for the result returned here while the
   others went on to the next series' gather). 0, -1. */
static int gather(series *s, const mr_comm *c)
{
    uint64_t total[2] = {s->n, s->tn};
    if (mr_comm_sum_u64(c, total, 2) != 0)
        return -1;
    const int many = c->size > 1;
    double *mine = many ? malloc(2 * (s->n ? s->n : 1) * sizeof *mine) : NULL;
    double *all = malloc(2 * (total[0] ? total[0] : 1) * sizeof *all);
    double *to = many ? mine : all;
    int bad = !all || !to;
    for (size_t j = 0; !bad && j < s->n; j++) {
        uint64_t t = s->trial[j];
        memcpy(&to[2 * j], &s->key[j], sizeof(double));
        memcpy(&to[2 * j + 1], &t, sizeof(double));
    }
    free(s->key);
    free(s->trial);
    s->key = NULL;
    s->trial = NULL;
    if (mr_comm_any(c, bad) || (many && mr_comm_allgather_f64(c, mine, 2 * s->n, all))) {
        free(mine);
        free(all);
        return -1;
    }
    free(mine);
    s->n = s->cap = 0;
    qsort(all, (size_t)total[0], 2 * sizeof(double), cmp_pair);
    const uint64_t want = below_top(s);
    const size_t k = total[0] < want ? (size_t)total[0] : (size_t)want, off = (size_t)total[0] - k;
    const size_t nt = (size_t)total[1];
    s->rtrial = malloc((k + nt ? k + nt : 1) * sizeof *s->rtrial);
    /* several ranks: the top's trials gathered as doubles (exact); one:
       copied straight from ttrial */
    double *tmine = many ? malloc((s->tn ? s->tn : 1) * sizeof *tmine) : NULL;
    double *tall = many ? malloc((nt ? nt : 1) * sizeof *tall) : NULL;
    bad = !s->rtrial || (many && (!tmine || !tall));
    for (size_t j = 0; !bad && many && j < s->tn; j++)
        tmine[j] = (double)s->ttrial[j];
    if (many) { /* packed (or not needed: failed) */
        free(s->ttrial);
        s->ttrial = NULL;
    }
    if (mr_comm_any(c, bad) || (many && mr_comm_allgather_f64(c, tmine, s->tn, tall))) {
        free(tmine);
        free(tall);
        free(all);
        return -1;
    }
    for (size_t j = 0; j < k; j++) { /* all[j] is written after all[2 (off + j)] is read */
        uint64_t key, t;
        memcpy(&key, &all[2 * (off + j)], sizeof key);
        memcpy(&t, &all[2 * (off + j) + 1], sizeof t);
        all[j] = mr_stats_key_value(key);
        s->rtrial[j] = (uint32_t)t;
    }
    for (size_t j = 0; j < nt; j++)
        s->rtrial[k + j] = many ? (uint32_t)tall[j] : s->ttrial[j];
    free(tmine);
    free(tall);
    free(s->ttrial);
    s->ttrial = NULL;
    s->tn = s->tcap = 0;
    /* of the values, the lowest kv (the walks' window: paired.h
       mr_paired_tail_values); the others' trials are enough */
    s->nv = k < s->kv ? k : (size_t)s->kv;
    double *v = realloc(all, (s->nv ? s->nv : 1) * sizeof *v);
    s->val = v ? v : all;
    s->c = k + nt;
    return 0;
}

int mr_btails_end_pass(mr_btails *bt, const mr_comm *c, int pass)
{
    const mr_comm one = {0, 1, NULL};
    if (!c)
        c = &one;
    if (pass == 1) {
        if (mr_comm_sum_u64(c, bt->hist, (size_t)bt->ns * BINS) != 0)
            return -1;
        for (int q = 0; q < bt->ns; q++) { /* the bins from the top holding k */
            series *sq = &bt->s[q];
            const uint64_t *h = bt->hist + (size_t)q * BINS;
            uint64_t got = 0;
            size_t from = BINS;
            while (from > 0 && got < sq->k)
                got += h[--from];
            sq->from = (uint64_t)from << 48;
            /* the top: the bins from the top holding at most k - kv values,
               whose trials alone pass 2 keeps (below k, so above from) */
            const uint64_t top = sq->k - sq->kv;
            size_t tb = BINS;
            uint64_t nt = 0;
            while (top > 0 && tb > 0 && nt + h[tb - 1] <= top)
                nt += h[--tb];
            sq->tbin = tb;
            sq->ntop = nt;
        }
        free(bt->hist);
        bt->hist = NULL;
        return 0;
    }
    if (pass != 2)
        return 0;
    for (int q = 0; q < bt->ns; q++)
        if (gather(&bt->s[q], c) != 0) /* on every rank */
            return -1;
    return 0;
}

int mr_btails_get(mr_btails *bt, int q, const double **val, uint32_t **trial, size_t *c, size_t *nv)
{
    if (!bt || q < 0 || q >= bt->ns)
        return -1;
    *val = bt->s[q].val;
    *trial = bt->s[q].rtrial;
    *c = bt->s[q].c;
    *nv = bt->s[q].nv;
    return 0;
}
