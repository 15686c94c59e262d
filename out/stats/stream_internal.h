/* stream_internal.h - the state of a stream (stream.c) shared with the
 * statistics it ends in (stream_out.c): the ordered variables, their
 * order-statistic targets, the stream and its workers. Private to
 * out/stats/stream*.c.
 */
#ifndef MR_STREAM_INTERNAL_H
#define MR_STREAM_INTERNAL_H

#include "out/stats/btails.h"
#include "out/stats/stream.h"

#include <stdint.h>

#define FIRST_BITS 16
#define FIRST_BINS ((size_t)1 << FIRST_BITS)
#define REF_BITS 12
#define REF_BINS ((size_t)1 << REF_BITS)
#define BUDGET ((uint64_t)1 << 21) /* values kept at most a pass (16 MB) */
/* worker counts are 32-bit: flushed before they could overflow */
#define FLUSH_AT ((uint64_t)1 << 31)

enum {
    NQ = MR_OUTPUT_NQUANTILES,
    NE = MR_OUTPUT_NES,
    NRP = MR_OUTPUT_NRP,
    NLT = 3 * NQ + NE, /* targets of a loss variable (sumstats.c loss_stats) */
    NTMAX = NLT > NRP ? NLT : NRP,
};

/* The ordered variables: total loss, annual losses, sector annual losses,
   and the sector losses of the four kinds (sumstats.c). */
typedef enum { OV_TOTAL, OV_ANNUAL, OV_SANNUAL, OV_SLOSS, OV_SGVA, OV_SOUT, OV_SXC } ov_kind;

typedef struct {
    uint64_t rank;   /* 1-based over the run's elements */
    uint64_t prefix; /* the key's leading `bits` bits found so far */
    int bits;
    uint64_t rem;   /* rank among the elements of that bin */
    uint64_t count; /* elements of the run in that bin */
    int done;
    double value;
    int grp; /* its group in the pass under way, or -1 */
} target;

typedef struct {
    ov_kind kind;
    int j;            /* sector */
    size_t per_trial; /* 1, or H for annual losses */
    int loss;         /* loss statistics (quantiles with CIs, ES) vs return periods */
    int nt;
    target tg[NTMAX];
    uint64_t nan, zpos, zneg; /* elements NaN, +0.0, -0.0 (pass 1) */
    /* expected shortfalls (loss): 0 = wait, 1 = fold above a known X_(k) this
       pass, 2 = fold with deferral (X_(k)'s bin kept this pass), 3 = done */
    int es_mode[NE];
    double *es_partial; /* [nblocks * NE] */
    uint64_t es_cnt[NE];
    double es[NE]; /* the results (mr_stream_sumstats) */
    /* attribution series: -1, or its index; tail trials (key >= attr_lo) */
    int series;
    int attr_mode; /* 0 = wait, 1 = collecting this pass, 2 = done */
    uint64_t attr_lo;
    /* X_(k) known (attr_lo its key): of its ties only the attr_tie_cap =
       n - k + 1 latest trials can be in the tail (mr_attr_tail_from takes
       ties from the last trial back), so no more than twice that are kept;
       attr_ties: the ties in attr_trial */
    int attr_trim;
    uint64_t attr_tie_cap;
    size_t attr_ties;
    uint64_t *attr_trial;
    double *attr_loss;
    size_t attr_n, attr_cap;
} ovar;

/* A bin of an ordered variable resolved this pass: kept, or refined. */
typedef struct {
    int ov;
    uint64_t prefix;
    int bits;
    int keep;       /* 1 = keep its values, 0 = count its next REF_BITS bits */
    uint64_t *hist; /* [REF_BINS] refine */
    double vmin, vmax;
    double *vals; /* keep (merged) */
    size_t nv, cap;
} group;

/* An ES partial whose block held values of X_(k)'s bin: its values from the
   bin up, in trial order, folded once X_(k) is known. */
typedef struct {
    int ov, level;
    size_t block; /* local */
    size_t off, n;
} deferred;

struct mr_stream {
    mr_comm comm;
    uint64_t N, first_block, nblocks, nb_total;
    int S, M, H, tails;
    int pass;
    uint64_t budget;
    int nov;
    ovar *ov;
    size_t K; /* block partials this pass */
    double *part;
    size_t K1, K2;
    double *sum1, *sum2;
    uint64_t *hist1;   /* [nov * FIRST_BINS] (pass 1) */
    uint64_t *ent_cnt; /* [2M]: shortfall peak above the threshold; stockpile month NaN */
    double hmin, hmax; /* total loss, finite */
    int hist_ok;
    uint64_t hist_count[MR_OUTPUT_HIST_BINS];
    double hist_edges[MR_OUTPUT_HIST_BINS + 1];
    group *grp;
    int ngrp;
    deferred *def;
    size_t ndef, def_cap;
    double *pool;
    size_t npool, pool_cap;
    mr_btails *bt; /* the bootstrap's tails, or NULL */
    int failed;
};

struct mr_stream_worker {
    mr_stream *st;
    uint32_t *hist1;
    uint64_t since_flush;
    uint64_t *ent_cnt;
    double hmin, hmax;
    uint64_t hist_count[MR_OUTPUT_HIST_BINS];
    uint64_t (*zn)[3]; /* [nov] NaN, +0, -0 */
    uint64_t *ghist;   /* [ngrp * REF_BINS] */
    double *gmin, *gmax;
    double **gvals;
    size_t *gnv, *gcap;
    uint64_t *es_cnt; /* [nov * NE] */
    deferred *def;
    size_t ndef, def_cap;
    double *pool;
    size_t npool, pool_cap;
    uint64_t **at;
    double **al;
    size_t *an, *acap;
    size_t *aties; /* ties of a known X_(k) in at (ovar attr_trim) */
    mr_btails_worker *bw;
    int failed;
};

#endif
