/* results.c - the per-trial results table (results.h). */
#include "out/results.h"

#include <stdlib.h>
#include <string.h>

const mr_trial_var mr_trial_vars[MR_NTRIAL_VARS] = {
#define MR_X_VAR(name, cols, units, where, csv, description)                                       \
    {#name, offsetof(mr_results, name), cols, units, where, csv, description},
    MR_TRIAL_VARS(MR_X_VAR)
#undef MR_X_VAR
};

double *mr_results_var(mr_results *r, const mr_trial_var *v)
{
    double *p;
    memcpy(&p, (char *)r + v->offset, sizeof p);
    return p;
}

const double *mr_results_cvar(const mr_results *r, const mr_trial_var *v)
{
    const double *p;
    memcpy(&p, (const char *)r + v->offset, sizeof p);
    return p;
}

size_t mr_cols_count(mr_cols cols, int S, int M, int H)
{
    switch (cols) {
    case MR_COLS_ONE:
        return 1;
    case MR_COLS_SECTOR:
        return (size_t)S;
    case MR_COLS_MINERAL:
        return (size_t)M;
    case MR_COLS_YEAR:
        return (size_t)H;
    case MR_COLS_YEAR_SECTOR:
        return (size_t)H * (size_t)S;
    }
    return 0;
}

/* splitmix64's finaliser: a bijection of 64-bit words that mixes every bit. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

uint64_t mr_results_verification(const mr_results *r)
{
    uint64_t sum = 0;
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        const double *a = mr_results_cvar(r, v);
        size_t ncols = mr_cols_count(v->cols, r->nsectors, r->nminerals, r->years);
        for (uint64_t i = 0; i < r->ntrials; i++)
            for (size_t c = 0; c < ncols; c++) {
                uint64_t bits;
                memcpy(&bits, &a[(size_t)i * ncols + c], sizeof bits);
                uint64_t pos =
                    ((r->first_trial + i) << 8 | (uint64_t)k) * UINT64_C(0x9e3779b97f4a7c15);
                uint64_t where = mix64(pos + (uint64_t)c);
                sum += mix64(bits ^ where);
            }
    }
    return sum;
}

int mr_results_alloc_rows(mr_results *r, uint64_t N, int S, int M, int H, int T)
{
    memset(r, 0, sizeof *r);
    r->ntrials = N;
    r->ntrials_total = N;
    r->nsectors = S;
    r->nminerals = M;
    r->years = H;
    r->steps = T;
    int ok = 1;
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        double *p = calloc((size_t)N * mr_cols_count(v->cols, S, M, H), sizeof(double));
        memcpy((char *)r + v->offset, &p, sizeof p);
        ok = ok && p;
    }
    if (!ok) {
        mr_results_free(r);
        return -1;
    }
    return 0;
}

int mr_results_alloc(mr_results *r, uint64_t N, int S, int M, int H, int T)
{
    if (mr_results_alloc_rows(r, N, S, M, H, T))
        return -1;
    r->band_q = calloc((size_t)T * (size_t)S * MR_BAND_Q_BINS, sizeof(uint64_t));
    r->band_y = calloc((size_t)T * (size_t)M * MR_BAND_Y_BINS, sizeof(uint64_t));
    if (!r->band_q || !r->band_y) {
        mr_results_free(r);
        return -1;
    }
    return 0;
}

void mr_results_free(mr_results *r)
{
    for (int k = 0; k < MR_NTRIAL_VARS; k++)
        free(mr_results_var(r, &mr_trial_vars[k]));
    free(r->band_q);
    free(r->band_y);
    free(r->block_done);
    free(r->weight);
    free(r->tilt_count);
    free(r->tilt_expo);
    memset(r, 0, sizeof *r);
}
