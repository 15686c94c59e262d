/* rng.c - Philox4x32-10 as a gsl_rng_type (MODEL §12). */
#include "sim/rng.h"

#include "out/clock.h"
#include "out/stopsig_worker.h"

#include <Random123/philox.h>
#include <omp.h>
#include <string.h>

typedef struct {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr; /* v[0] = draw (next block), v[1..2] = stream, v[3] = trial */
    philox4x32_ctr_t out; /* the current block */
    unsigned idx;         /* next word of out to hand out; 4 = block used up */
} philox_state;

static inline uint32_t philox_next(philox_state *st)
{
    if (st->idx >= 4) {
        st->out = philox4x32(st->ctr, st->key);
        st->ctr.v[0]++;
        st->idx = 0;
    }
    return st->out.v[st->idx++];
}

static unsigned long philox_get(void *vstate)
{
    return philox_next((philox_state *)vstate);
}

/* 53 random bits in [0, 1): 27 bits from one word, 26 from the next. */
static double philox_get_double(void *vstate)
{
    philox_state *st = vstate;
    uint64_t hi = philox_next(st) >> 5;
    uint64_t lo = philox_next(st) >> 6;
    return (double)((hi << 26) | lo) * 0x1.0p-53;
}

/* gsl_rng_set(r, s): key = s, stream 0, trial 0. */
static void philox_set(void *vstate, unsigned long seed)
{
    philox_state *st = vstate;
    memset(st, 0, sizeof *st);
    st->key.v[0] = (uint32_t)seed;
    st->key.v[1] = (uint32_t)((uint64_t)seed >> 32);
    st->idx = 4;
}

static const gsl_rng_type philox_type = {
    "philox4x32-10", 0xffffffffUL,      0, sizeof(philox_state), philox_set,
    philox_get,      philox_get_double,
};

const gsl_rng_type *mr_rng_philox = &philox_type;

uint64_t mr_hash64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 offset basis */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull; /* FNV-1a 64 prime */
    }
    return h;
}

void mr_rng_seek(gsl_rng *r, uint64_t seed, uint64_t stream, uint64_t trial)
{
    philox_state *st = r->state;
    st->key.v[0] = (uint32_t)seed;
    st->key.v[1] = (uint32_t)(seed >> 32);
    st->ctr.v[0] = 0;
    st->ctr.v[1] = (uint32_t)stream;
    st->ctr.v[2] = (uint32_t)(stream >> 32);
    st->ctr.v[3] = (uint32_t)trial;
    st->idx = 4;
}

uint64_t mr_rng_words_used(const gsl_rng *r)
{
    const philox_state *st = r->state;
    uint64_t blocks = st->ctr.v[0];
    return blocks ? 4 * blocks - (4 - st->idx) : 0;
}

void mr_philox_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    philox4x32_key_t k = {{key[0], key[1]}};
    philox4x32_ctr_t o = philox4x32(c, k);
    memcpy(out, o.v, sizeof o.v);
}

double mr_rng_floor_seconds(uint64_t words, int threads, uint64_t *checksum)
{
    uint64_t sink = 0;
    int failed = 0;
    double t0 = mr_now_seconds();
#pragma omp parallel num_threads(threads) reduction(^ : sink) reduction(| : failed)
    {
        mr_stopsig_worker(); /* the stop signals reach the main thread alone */
        gsl_rng *r = gsl_rng_alloc(mr_rng_philox);
        uint64_t nt = (uint64_t)omp_get_num_threads(), id = (uint64_t)omp_get_thread_num();
        uint64_t lo = words / nt * id + words % nt * id / nt;
        uint64_t hi = words / nt * (id + 1) + words % nt * (id + 1) / nt;
        if (!r)
            failed = 1;
        for (uint64_t k = lo; r && k < hi; k++) {
            if ((k & 63) == 0)
                mr_rng_seek(r, 1, k >> 6, k);
            sink ^= gsl_rng_get(r);
        }
        gsl_rng_free(r);
    }
    double s = mr_now_seconds() - t0;
    if (checksum)
        *checksum = sink;
    return failed ? -1.0 : s;
}
