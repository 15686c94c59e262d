/* checkpoint_roundtrip.c - the checkpoint of a resumable run (sim/checkpoint.h,
 * issue 3): the blocks a run finished, their rows of every per-trial variable
 * (mr_trial_vars, out/results.h) and their band counts, written and read back
 * bit for bit into fresh results, in pieces of any size (out/h5/pieces.h);
 * a resumed run equal to the uninterrupted one; a checkpoint of another run
 * (another seed) and a missing file refused with an error. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setenv */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/checkpoint.h"
#include "sim/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 2,500 trials: blocks 0 and 1 of 1,024 trials and block 2 of 452. Two
   minerals with volatile prices and a stockpile, x bought in an open market
   (stock, demand destruction) with a low price guard, two sectors (s1 with
   its value added), random outages and two events (one an export
   restriction, for the home price): every per-trial variable has values
   that differ from trial to trial. */
static const char ckpt_yaml[] =
    "name: checkpoint\n"
    "simulation: {horizon_years: 2, steps_per_year: 12, trials: 2500, seed: 11}\n"
    "countries:\n"
    "  A: {outage: {rate_per_year: 0.8, severity: {uniform: [0.2, 0.9]}, duration_months: 3}}\n"
    "  B: {}\n"
    "minerals:\n"
    "  x:\n"
    "    demand_t: 10\n"
    "    mining: [{country: A, share: 0.7}, {country: B, share: 0.3, spare: 0.2}]\n"
    "    stockpile: {target_months: 1}\n"
    "    price: {ref: 100, theta: 0.5, sigma: 0.3, max_multiple: 3}\n"
    "    market: {stock_months: 1, world_demand_t: 200, domestic_use: {A: 0.3}}\n"
    "  y:\n"
    "    demand_t: 20\n"
    "    refining:\n"
    "      - {country: B, share: 1,\n"
    "         outage: {rate_per_year: 0.5, severity: 1, duration_months: {exponential: 2}}}\n"
    "    price: {ref: 50, theta: 1, sigma: 0.2, jumps: {rate_per_year: 0.5, sigma: 0.3}}\n"
    "sectors:\n"
    "  s1:\n"
    "    output_gbp: 1.0e9\n"
    "    gva_gbp: 4.0e8\n"
    "    needs: [{mineral: x, dependent_share: 0.8, demand_share: 0.5, spend_gbp: 1.0e7}]\n"
    "  s2:\n"
    "    output_gbp: 2.0e9\n"
    "    recovery_rate: 0.5\n"
    "    needs: [{mineral: y, dependent_share: 0.5, demand_share: 0.6, spend_gbp: 2.0e7,\n"
    "             buffer_months: 1}]\n"
    "events:\n"
    "  ban: {country: A, minerals: [x], rate_per_year: 0.3, severity: 0.6,\n"
    "        duration_months: 4}\n"
    "  controls: {country: A, minerals: [x], scope: exports, rate_per_year: 0.4,\n"
    "             severity: {uniform: [0.3, 0.9]}, duration_months: 5}\n"
    "interdependency:\n"
    "  s1: {s2: 0.2}\n";

static const mr_comm solo = {0, 1, NULL};

static void parse(const char *yaml, mr_scenario *sc)
{
    mr_error err = {{0}};
    if (mr_scenario_parse("checkpoint.yaml", yaml, strlen(yaml), sc, &err))
        fail_msg("%s", err.msg);
}

static void run(const mr_scenario *sc, const unsigned char *skip, mr_results *res,
                mr_run_info *info)
{
    mr_error err = {{0}};
    mr_engine_opts opts = {.threads = 2, .skip_block = skip};
    if (mr_engine_run(sc, &opts, res, info, &err) != MR_OK)
        fail_msg("engine: %s", err.msg);
}

/* A scratch directory and the checkpoint path in it. */
typedef struct {
    char dir[64];
    char path[128];
} scratch;

static void scratch_make(scratch *s)
{
    strcpy(s->dir, "/tmp/checkpoint_roundtrip.XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->path, sizeof s->path, "%s/run.h5.ckpt", s->dir);
}

static void scratch_remove(scratch *s)
{
    unlink(s->path);
    assert_int_equal(rmdir(s->dir), 0); /* nothing else left, no temporary */
}

/* Values per trial of variable v in r. */
static size_t cols_of(const mr_results *r, const mr_trial_var *v)
{
    return mr_cols_count(v->cols, r->nsectors, r->nminerals, r->years);
}

/* Rows [t0, t1) of every variable of a and b are the same bits. */
static void assert_rows_equal(const mr_results *a, const mr_results *b, uint64_t t0, uint64_t t1)
{
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        size_t c = cols_of(a, v);
        const double *x = mr_results_cvar(a, v), *y = mr_results_cvar(b, v);
        if (memcmp(x + t0 * c, y + t0 * c, (size_t)(t1 - t0) * c * sizeof *x) != 0)
            fail_msg("%s: trials %llu-%llu differ", v->name, (unsigned long long)t0,
                     (unsigned long long)(t1 - 1));
    }
}

/* Rows [t0, t1) of every variable of r are all zero bits (never written). */
static void assert_rows_zero(const mr_results *r, uint64_t t0, uint64_t t1)
{
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        size_t c = cols_of(r, v);
        const unsigned char *p = (const unsigned char *)(mr_results_cvar(r, v) + t0 * c);
        for (size_t i = 0; i < (size_t)(t1 - t0) * c * sizeof(double); i++)
            if (p[i])
                fail_msg("%s: trials %llu-%llu were written", v->name, (unsigned long long)t0,
                         (unsigned long long)(t1 - 1));
    }
}

static size_t nband_q(const mr_results *r)
{
    return (size_t)r->steps * (size_t)r->nsectors * MR_BAND_Q_BINS;
}

static size_t nband_y(const mr_results *r)
{
    return (size_t)r->steps * (size_t)r->nminerals * MR_BAND_Y_BINS;
}

/* Every variable differs between trials somewhere (the test would not see
   a row written to the wrong place otherwise). */
static void assert_values_vary(const mr_results *r)
{
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        size_t c = cols_of(r, v);
        const double *x = mr_results_cvar(r, v);
        int varies = 0;
        for (uint64_t i = 1; i < r->ntrials && !varies; i++)
            varies = memcmp(x, x + i * c, c * sizeof *x) != 0;
        if (!varies)
            fail_msg("%s: the same in every trial", v->name);
    }
}

/* A run that finished blocks 0 and 2 but not 1 (the engine told to skip
   block 1, then block 1 marked not done: the state of a run stopped before
   block 1 finished) is written; read back into fresh results, the done
   flags, the rows of blocks 0 and 2, the band counts and the random-word
   count are the ones written, and block 1's rows are left alone. */
static void test_done_blocks_read_back_bit_for_bit(void **state)
{
    (void)state;
    mr_scenario sc;
    parse(ckpt_yaml, &sc);
    mr_results full, part;
    mr_run_info info_full, info_part;
    run(&sc, NULL, &full, &info_full);
    assert_values_vary(&full);
    const unsigned char skip1[3] = {0, 1, 0};
    run(&sc, skip1, &part, &info_part);
    assert_int_equal(part.nblocks, 3);
    part.block_done[1] = 0;
    assert_rows_equal(&full, &part, 0, 1024);
    assert_rows_equal(&full, &part, 2048, 2500);

    scratch s;
    scratch_make(&s);
    mr_error err = {{0}};
    if (mr_checkpoint_write(s.path, &sc, &part, info_part.random_words, &solo, &err))
        fail_msg("write: %s", err.msg);

    unsigned char *done = NULL;
    if (mr_checkpoint_read_done(s.path, &sc, &done, &solo, &err))
        fail_msg("read_done: %s", err.msg);
    assert_int_equal(done[0], 1);
    assert_int_equal(done[1], 0);
    assert_int_equal(done[2], 1);

    /* fresh results laid out as the engine lays out one rank's */
    mr_results back;
    assert_int_equal(
        mr_results_alloc(&back, 2500, full.nsectors, full.nminerals, full.years, full.steps), 0);
    back.first_trial = 0;
    back.first_block = 0;
    back.nblocks = 3;
    uint64_t words = 7;
    if (mr_checkpoint_load_rows(s.path, &sc, &back, done, &words, &solo, &err))
        fail_msg("load_rows: %s", err.msg);
    assert_rows_equal(&full, &back, 0, 1024);
    assert_rows_zero(&back, 1024, 2048);
    assert_rows_equal(&full, &back, 2048, 2500);
    /* the bands of blocks 0 and 2, exactly as written */
    assert_memory_equal(back.band_q, part.band_q, nband_q(&part) * sizeof *part.band_q);
    assert_memory_equal(back.band_y, part.band_y, nband_y(&part) * sizeof *part.band_y);
    /* added to what the caller had */
    assert_true(words == 7 + info_part.random_words);
    assert_true(info_part.random_words > 0 && info_part.random_words < info_full.random_words);

    free(done);
    mr_results_free(&back);
    mr_results_free(&part);
    mr_results_free(&full);
    scratch_remove(&s);
    mr_scenario_free(&sc);
}

/* Resumed as `minrisk run --resume` does it (the engine skips the done
   blocks, then their rows are loaded): every row, every band count, the
   random-word count and the verification number are the uninterrupted
   run's. */
static void test_resumed_run_equals_the_uninterrupted_one(void **state)
{
    (void)state;
    mr_scenario sc;
    parse(ckpt_yaml, &sc);
    mr_results full, part, resumed;
    mr_run_info info_full, info_part, info_resumed;
    run(&sc, NULL, &full, &info_full);
    const unsigned char skip1[3] = {0, 1, 0};
    run(&sc, skip1, &part, &info_part);
    part.block_done[1] = 0;
    scratch s;
    scratch_make(&s);
    mr_error err = {{0}};
    if (mr_checkpoint_write(s.path, &sc, &part, info_part.random_words, &solo, &err))
        fail_msg("write: %s", err.msg);

    unsigned char *done = NULL;
    if (mr_checkpoint_read_done(s.path, &sc, &done, &solo, &err))
        fail_msg("read_done: %s", err.msg);
    run(&sc, done, &resumed, &info_resumed);
    if (mr_checkpoint_load_rows(s.path, &sc, &resumed, done, &info_resumed.random_words, &solo,
                                &err))
        fail_msg("load_rows: %s", err.msg);
    assert_rows_equal(&full, &resumed, 0, 2500);
    assert_memory_equal(resumed.band_q, full.band_q, nband_q(&full) * sizeof *full.band_q);
    assert_memory_equal(resumed.band_y, full.band_y, nband_y(&full) * sizeof *full.band_y);
    assert_true(info_resumed.random_words == info_full.random_words);
    assert_true(mr_results_verification(&resumed) == mr_results_verification(&full));

    free(done);
    mr_results_free(&resumed);
    mr_results_free(&part);
    mr_results_free(&full);
    scratch_remove(&s);
    mr_scenario_free(&sc);
}

/* MINRISK_H5_PIECE_BYTES as given, or unset for NULL. */
static void piece_size(const char *bytes)
{
    if (bytes)
        setenv("MINRISK_H5_PIECE_BYTES", bytes, 1);
    else
        unsetenv("MINRISK_H5_PIECE_BYTES");
}

/* The rows move in pieces (out/h5/pieces.h): written with one piece size
   and read back with another, of 1 GiB (one piece), 8 bytes (a row a
   piece) and 803 bytes (100, 50 or 25 rows by the variable's columns:
   pieces that end inside a block and cover the skipped block 1), the rows
   of blocks 0 and 2 come back bit for bit and block 1's are left alone. */
static void test_rows_in_pieces_of_any_size(void **state)
{
    (void)state;
    static const char *const sizes[] = {NULL, "8", "803"};
    mr_scenario sc;
    parse(ckpt_yaml, &sc);
    mr_results full, part;
    mr_run_info info_full, info_part;
    run(&sc, NULL, &full, &info_full);
    const unsigned char skip1[3] = {0, 1, 0};
    run(&sc, skip1, &part, &info_part);
    part.block_done[1] = 0;
    for (size_t i = 0; i < 9; i++) {
        scratch s;
        scratch_make(&s);
        mr_error err = {{0}};
        piece_size(sizes[i / 3]);
        if (mr_checkpoint_write(s.path, &sc, &part, info_part.random_words, &solo, &err))
            fail_msg("write: %s", err.msg);
        piece_size(sizes[i % 3]);
        unsigned char *done = NULL;
        if (mr_checkpoint_read_done(s.path, &sc, &done, &solo, &err))
            fail_msg("read_done: %s", err.msg);
        mr_results back;
        assert_int_equal(
            mr_results_alloc(&back, 2500, full.nsectors, full.nminerals, full.years, full.steps),
            0);
        back.nblocks = 3;
        uint64_t words = 0;
        if (mr_checkpoint_load_rows(s.path, &sc, &back, done, &words, &solo, &err))
            fail_msg("load_rows: %s", err.msg);
        assert_rows_equal(&full, &back, 0, 1024);
        assert_rows_zero(&back, 1024, 2048);
        assert_rows_equal(&full, &back, 2048, 2500);
        free(done);
        mr_results_free(&back);
        scratch_remove(&s);
    }
    piece_size(NULL);
    mr_results_free(&part);
    mr_results_free(&full);
    mr_scenario_free(&sc);
}

/* A checkpoint resumes only its own run: the same scenario with another
   seed is refused by both readers, and nothing is read into the results. */
static void test_other_run_is_refused(void **state)
{
    (void)state;
    mr_scenario sc, other;
    parse(ckpt_yaml, &sc);
    parse(ckpt_yaml, &other);
    other.seed = 12;
    mr_results res;
    mr_run_info info;
    run(&sc, NULL, &res, &info);
    scratch s;
    scratch_make(&s);
    mr_error err = {{0}};
    if (mr_checkpoint_write(s.path, &sc, &res, info.random_words, &solo, &err))
        fail_msg("write: %s", err.msg);
    assert_true(mr_checkpoint_run_id(&sc) != mr_checkpoint_run_id(&other));

    char want[512];
    snprintf(want, sizeof want,
             "%s: the checkpoint is of another run (its scenario or seed differs from this "
             "one's): resume with the scenario and seed that wrote it, or delete it and run "
             "without --resume to start again",
             s.path);
    unsigned char *done = (unsigned char *)&want; /* must come back NULL */
    memset(&err, 0, sizeof err);
    assert_int_equal(mr_checkpoint_read_done(s.path, &other, &done, &solo, &err), -1);
    assert_null(done);
    assert_string_equal(err.msg, want);

    mr_results fresh;
    assert_int_equal(
        mr_results_alloc(&fresh, 2500, res.nsectors, res.nminerals, res.years, res.steps), 0);
    fresh.nblocks = 3;
    const unsigned char all[3] = {1, 1, 1};
    uint64_t words = 0;
    memset(&err, 0, sizeof err);
    assert_int_equal(mr_checkpoint_load_rows(s.path, &other, &fresh, all, &words, &solo, &err), -1);
    assert_string_equal(err.msg, want);
    assert_rows_zero(&fresh, 0, 2500);
    assert_true(words == 0);

    mr_results_free(&fresh);
    mr_results_free(&res);
    scratch_remove(&s);
    mr_scenario_free(&other);
    mr_scenario_free(&sc);
}

/* No checkpoint at the path: an error, no done flags. */
static void test_missing_file_is_an_error(void **state)
{
    (void)state;
    mr_scenario sc;
    parse(ckpt_yaml, &sc);
    scratch s;
    scratch_make(&s);
    mr_error err = {{0}};
    unsigned char *done = NULL;
    assert_int_equal(mr_checkpoint_read_done(s.path, &sc, &done, &solo, &err), -1);
    assert_null(done);
    char want[256];
    snprintf(want, sizeof want, "%s: cannot open the checkpoint (no checkpoint to resume)", s.path);
    assert_string_equal(err.msg, want);
    scratch_remove(&s);
    mr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_done_blocks_read_back_bit_for_bit),
        cmocka_unit_test(test_resumed_run_equals_the_uninterrupted_one),
        cmocka_unit_test(test_rows_in_pieces_of_any_size),
        cmocka_unit_test(test_other_run_is_refused),
        cmocka_unit_test(test_missing_file_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
