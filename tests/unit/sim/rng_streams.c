/* rng_streams.c - Philox4x32-10 known answers and stream independence (MODEL §12). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/rng.h"

#include <stdlib.h>
#include <string.h>

/* Known-answer vectors of Random123 (kat_vectors, philox4x32 10 rounds). */
static void test_philox_known_answers(void **state)
{
    (void)state;
    static const struct {
        uint32_t ctr[4], key[2], out[4];
    } kat[] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        uint32_t out[4];
        mr_philox_block(kat[i].ctr, kat[i].key, out);
        for (int k = 0; k < 4; k++)
            assert_int_equal(out[k], kat[i].out[k]);
    }
}

/* The gsl_rng hands out the words of block (draw, stream, trial) in order. */
static void test_stream_counter_layout(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(mr_rng_philox);
    uint64_t seed = 0x299f31d0a4093822ull, stream = 0x85a308d3243f6a88ull, trial = 0x03707344;
    mr_rng_seek(r, seed, stream, trial);
    /* counter (draw 0x13198a2e is not reachable); check draw 0 and 1 instead */
    for (uint32_t draw = 0; draw < 2; draw++) {
        uint32_t ctr[4] = {draw, (uint32_t)stream, (uint32_t)(stream >> 32), (uint32_t)trial};
        uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
        uint32_t out[4];
        mr_philox_block(ctr, key, out);
        for (int k = 0; k < 4; k++)
            assert_int_equal(gsl_rng_get(r), out[k]);
    }
    gsl_rng_free(r);
}

/* Doubles carry 53 random bits and lie in [0, 1). */
static void test_doubles_53_bits_in_unit_interval(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(mr_rng_philox);
    mr_rng_seek(r, 1, 2, 3);
    uint32_t w[2];
    w[0] = (uint32_t)gsl_rng_get(r);
    w[1] = (uint32_t)gsl_rng_get(r);
    mr_rng_seek(r, 1, 2, 3);
    double d = gsl_rng_uniform(r);
    uint64_t expect = ((uint64_t)(w[0] >> 5) << 26) | (w[1] >> 6);
    assert_true(d == (double)expect * 0x1.0p-53);
    int low_bit_seen = 0;
    for (int i = 0; i < 100000; i++) {
        double x = gsl_rng_uniform(r);
        assert_true(x >= 0.0 && x < 1.0);
        double scaled = x * 0x1.0p53;
        low_bit_seen |= ((uint64_t)scaled & 1u) != 0; /* the 53rd bit varies */
    }
    assert_true(low_bit_seen);
    gsl_rng_free(r);
}

static int cmp_u128(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

/* Two streams (neighbouring trials, neighbouring process names) never
   repeat each other's blocks. */
static void test_streams_do_not_repeat_each_other(void **state)
{
    (void)state;
    enum { NB = 50000 };
    const struct {
        uint64_t stream, trial;
    } pairs[][2] = {
        {{mr_hash64("supplier/gallium/refining/CN"), 0},
         {mr_hash64("supplier/gallium/refining/CN"), 1}},
        {{mr_hash64("event/cn-export-controls"), 7}, {mr_hash64("country/CN"), 7}},
    };
    gsl_rng *r = gsl_rng_alloc(mr_rng_philox);
    uint32_t *all = malloc(sizeof(uint32_t) * 4 * 2 * NB);
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        for (int s = 0; s < 2; s++) {
            mr_rng_seek(r, 42, pairs[p][s].stream, pairs[p][s].trial);
            for (int i = 0; i < 4 * NB; i++)
                all[(size_t)s * 4 * NB + (size_t)i] = (uint32_t)gsl_rng_get(r);
        }
        qsort(all, 2 * NB, 16, cmp_u128);
        for (int i = 1; i < 2 * NB; i++)
            assert_true(memcmp(all + 4 * (i - 1), all + 4 * i, 16) != 0);
    }
    free(all);
    gsl_rng_free(r);
}

/* FNV-1a 64 reference values: "" and "a". */
static void test_hash_is_fnv1a64(void **state)
{
    (void)state;
    assert_true(mr_hash64("") == 0xcbf29ce484222325ull);
    assert_true(mr_hash64("a") == 0xaf63dc4c8601ec8cull);
    assert_true(mr_hash64("country/CN") != mr_hash64("country/CD"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_known_answers),
        cmocka_unit_test(test_stream_counter_layout),
        cmocka_unit_test(test_doubles_53_bits_in_unit_interval),
        cmocka_unit_test(test_streams_do_not_repeat_each_other),
        cmocka_unit_test(test_hash_is_fnv1a64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
