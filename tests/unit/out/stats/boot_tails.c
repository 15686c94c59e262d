/* boot_tails.c - the bootstrap's streamed tails (out/stats/btails.h) on one
 * process: blocks given to two workers in a shuffled order, the kept values
 * against the top of each whole series sorted here with qsort by (value,
 * trial); series full of ties and of zeros, so that a rank trims its kept
 * values (more than 2k + 4096 of them in the deciding bin); annual series
 * whose top values are kept as trials alone (kv < ka); a 5-value example
 * worked by hand. tests/output/stream_summary.py checks several ranks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/stats/btails.h"
#include "out/stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t key;
    uint32_t trial;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->trial > y->trial) - (x->trial < y->trial);
}

/* Series q's value e of trial i of the run r (all trials): as btails.h. */
static double value(const mr_results *r, size_t S, size_t H, size_t q, size_t i, size_t e)
{
    if (q < S)
        return r->sector_gva_loss[i * S + q] + r->sector_extra_cost[i * S + q];
    if (q == S)
        return r->total_loss[i];
    if (q == S + 1)
        return r->total_gva_loss[i];
    if (q == S + 2)
        return r->total_loss[i] - r->total_gva_loss[i];
    if (q < 2 * S + 3)
        return r->sector_annual_loss[(i * H + e) * S + (q - S - 3)];
    return r->annual_loss[i * H + e];
}

/* Blocks [b * 1024, ...) of all, as views (first_trial set). */
static mr_results block_of(const mr_results *all, size_t S, size_t H, size_t b, size_t N)
{
    mr_results v = *all;
    const size_t lo = b * 1024, n = lo + 1024 < N ? 1024 : N - lo;
    v.first_trial = lo;
    v.ntrials = n;
    v.total_loss = all->total_loss + lo;
    v.total_gva_loss = all->total_gva_loss + lo;
    v.sector_gva_loss = all->sector_gva_loss + lo * S;
    v.sector_extra_cost = all->sector_extra_cost + lo * S;
    v.sector_annual_loss = all->sector_annual_loss + lo * H * S;
    v.annual_loss = all->annual_loss + lo * H;
    return v;
}

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The kept tails against the sorted series: c the top k; the lowest nv
   (kv of an annual series, all of a horizon one) values and their trials
   in order; every kept trial, as a multiset (the top's, above those, are
   in no set order). */
static void run_and_check(const mr_results *all, size_t N, int S, int H, uint64_t kl, uint64_t ka,
                          uint64_t kv)
{
    mr_btails *bt = mr_btails_new(N, S, H, kl, ka, kv);
    assert_non_null(bt);
    const size_t nb = (N + 1023) / 1024;
    for (int pass = 1; pass <= 2; pass++) {
        mr_btails_worker *w[2] = {mr_btails_worker_new(bt, pass), mr_btails_worker_new(bt, pass)};
        assert_non_null(w[0]);
        assert_non_null(w[1]);
        for (size_t k = 0; k < nb; k++) { /* blocks backwards, alternating workers */
            mr_results b = block_of(all, (size_t)S, (size_t)H, nb - 1 - k, N);
            mr_btails_block(bt, w[k % 2], &b);
        }
        assert_int_equal(mr_btails_merge(bt, w[1]), 0);
        assert_int_equal(mr_btails_merge(bt, w[0]), 0);
        mr_btails_worker_free(w[0]);
        mr_btails_worker_free(w[1]);
        assert_int_equal(mr_btails_end_pass(bt, NULL, pass), 0);
    }
    const int ns = 2 * S + 4;
    keyed *ref = malloc(N * (size_t)H * sizeof *ref);
    for (int q = 0; q < ns; q++) {
        const size_t per = q < S + 3 ? 1 : (size_t)H, m = N * per;
        for (size_t i = 0; i < N; i++)
            for (size_t e = 0; e < per; e++)
                ref[i * per + e] = (keyed){
                    mr_stats_key(value(all, (size_t)S, (size_t)H, (size_t)q, i, e)), (uint32_t)i};
        qsort(ref, m, sizeof *ref, cmp_keyed);
        const double *val;
        uint32_t *tr;
        size_t c, nv;
        assert_int_equal(mr_btails_get(bt, q, &val, &tr, &c, &nv), 0);
        const uint64_t k = q < S + 3 ? kl : ka;
        assert_int_equal(c, k < m ? k : m);
        assert_int_equal(nv, q < S + 3 || kv >= c ? c : kv);
        for (size_t j = 0; j < nv; j++) {
            assert_true(mr_stats_key(val[j]) == ref[m - c + j].key);
            assert_int_equal(tr[j], ref[m - c + j].trial);
        }
        uint32_t *got = malloc((c ? c : 1) * sizeof *got),
                 *want = malloc((c ? c : 1) * sizeof *want);
        for (size_t j = 0; j < c; j++) {
            got[j] = tr[j];
            want[j] = ref[m - c + j].trial;
        }
        qsort(got, c, sizeof *got, cmp_u32);
        qsort(want, c, sizeof *want, cmp_u32);
        assert_memory_equal(got, want, c * sizeof *got);
        free(got);
        free(want);
    }
    assert_int_equal(mr_btails_get(bt, ns, &(const double *){NULL}, &(uint32_t *){NULL},
                                   &(size_t){0}, &(size_t){0}),
                     -1);
    free(ref);
    mr_btails_free(bt);
}

/* 5 trials, S = 1, H = 1, k = 2: total losses 3 7 7 1 7 keep the top two
   in (value, trial) order, 7 of trial 2 and 7 of trial 4 (not trial 1);
   the extra input cost (total - value added lost 0 2 2 1 3 = 3 5 5 0 4)
   keeps 5 (trial 1), 5 (trial 2). The annual losses 3 9 7 1 8 with ka = 3,
   kv = 1: 9 and 8 are alone in their first-16-bit bins (9 = 1.125 x 2^3),
   which hold 2 <= ka - kv values: the top, their trials 1 and 4 alone;
   the lowest of the three, 7 of trial 2, the one value. */
static void test_by_hand(void **state)
{
    (void)state;
    mr_results r;
    assert_int_equal(mr_results_alloc(&r, 5, 1, 1, 1, 1), 0);
    const double tot[5] = {3, 7, 7, 1, 7}, gva[5] = {0, 2, 2, 1, 3}, ann[5] = {3, 9, 7, 1, 8};
    memcpy(r.total_loss, tot, sizeof tot);
    memcpy(r.total_gva_loss, gva, sizeof gva);
    memcpy(r.annual_loss, ann, sizeof ann);
    memcpy(r.sector_annual_loss, ann, sizeof ann);
    run_and_check(&r, 5, 1, 1, 2, 2, 2);
    run_and_check(&r, 5, 1, 1, 2, 3, 1);
    mr_btails *bt = mr_btails_new(5, 1, 1, 2, 3, 1);
    for (int pass = 1; pass <= 2; pass++) {
        mr_btails_worker *w = mr_btails_worker_new(bt, pass);
        mr_btails_block(bt, w, &r);
        assert_int_equal(mr_btails_merge(bt, w), 0);
        mr_btails_worker_free(w);
        assert_int_equal(mr_btails_end_pass(bt, NULL, pass), 0);
    }
    const double *val;
    uint32_t *tr;
    size_t c, nv;
    assert_int_equal(mr_btails_get(bt, 1, &val, &tr, &c, &nv), 0); /* S: the total */
    assert_int_equal(c, 2);
    assert_int_equal(nv, 2);
    assert_true(val[0] == 7.0 && val[1] == 7.0);
    assert_int_equal(tr[0], 2);
    assert_int_equal(tr[1], 4);
    assert_int_equal(mr_btails_get(bt, 3, &val, &tr, &c, &nv), 0); /* S + 2: extra input cost */
    assert_true(val[0] == 5.0 && val[1] == 5.0);
    assert_int_equal(tr[0], 1);
    assert_int_equal(tr[1], 2);
    assert_int_equal(mr_btails_get(bt, 5, &val, &tr, &c, &nv), 0); /* 2S + 3: the annual total */
    assert_int_equal(c, 3);
    assert_int_equal(nv, 1);
    assert_true(val[0] == 7.0);
    assert_int_equal(tr[0], 2);
    assert_true((tr[1] == 1 && tr[2] == 4) || (tr[1] == 4 && tr[2] == 1));
    mr_btails_free(bt);
    mr_results_free(&r);
}

/* 20,000 trials in 20 blocks, 2 sectors, 3 years: sector 0's losses mostly
   0 (a bin of 30,000 zeros decides its annual tail: trimmed), values on a
   coarse grid (ties across trials). */
static void test_against_sort(void **state)
{
    (void)state;
    enum { N = 20000 };
    const size_t S = 2, H = 3;
    mr_results r;
    assert_int_equal(mr_results_alloc(&r, N, (int)S, 1, (int)H, 1), 0);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < N; i++) {
        double t = 0.0, g = 0.0;
        for (size_t j = 0; j < S; j++) {
            double a = 0.0;
            for (size_t e = 0; e < H; e++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                double v = (double)(x % 1000);
                if (j == 0 && x % 97 != 0)
                    v = 0.0;
                r.sector_annual_loss[(i * H + e) * S + j] = v;
                a += v;
            }
            r.sector_gva_loss[i * S + j] = floor(a / 3.0);
            r.sector_extra_cost[i * S + j] = a - floor(a / 3.0);
            t += a;
            g += floor(a / 3.0);
        }
        r.total_loss[i] = t;
        r.total_gva_loss[i] = g;
        for (size_t e = 0; e < H; e++)
            r.annual_loss[i * H + e] =
                r.sector_annual_loss[(i * H + e) * S] + r.sector_annual_loss[(i * H + e) * S + 1];
    }
    run_and_check(&r, N, (int)S, (int)H, 300, 2000, 2000);
    run_and_check(&r, N, (int)S, (int)H, 300, 2000, 500); /* the top: trials only */
    run_and_check(&r, N, (int)S, (int)H, 300, 2000, 1);
    run_and_check(&r, N, (int)S, (int)H, 1, 1, 1);
    run_and_check(&r, N, (int)S, (int)H, N + 5, N * H, N * H); /* everything */
    run_and_check(&r, N, (int)S, (int)H, N + 5, N * H, 100);
    mr_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_against_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
