/* size_estimate.c - the size of a result file before it is written
 * (out/h5/writer.c mr_output_size_estimate_trials, mr_output_rows_bytes,
 * mr_output_extras_bytes), against values worked out by hand from the
 * formula of out/h5/writer.h: whole chunks of h5w_chunk_rows rows (1 MiB
 * of rows, a whole number of 1024-row blocks), 4,096 bytes of metadata a
 * /trials dataset, 160,000 bytes + 2 x the scenario text + 64 bytes a step
 * and entity for the rest. Until 2026-12-06 the estimate added a whole
 * chunk to every dataset (N rows again when N fits in one chunk: twice
 * the trials) and 4 MiB a run: 2.9 times the file of uk-2024.yaml at 1,000
 * trials, and of its comparisons and sweeps. That the files are within the
 * band of their estimate is tests/hardening/estimate_bands.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/minrisk.h"
#include "out/h5/writer.h"

#include <string.h>

#define EXACT(a, b) assert_true((a) == (b))

/* S = 2 sectors, M = 3 minerals, H = 2 years of 4 steps (T = 8), a
   scenario text of 1,000 bytes. Its /trials columns: 2 of one column
   (total_loss, total_gva_loss), 5 of S (the sector variables), 1 of H
   (annual_loss), 1 of H S (sector_annual_loss), 16 of M (the mineral
   variables): 2 + 10 + 2 + 4 + 48 = 66, and the trial coordinate: 26
   datasets, 67 columns. */
static mr_scenario sample(uint64_t trials, mr_output_trials keep)
{
    mr_scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.nsectors = 2;
    sc.nminerals = 3;
    sc.horizon_years = 2;
    sc.steps_per_year = 4;
    sc.source_len = 1000;
    sc.trials = trials;
    sc.output_trials = keep;
    return sc;
}

/* the rest: 160,000 + 2 x 1,000 + 64 x 8 steps x (2 + 3) = 164,560 */
#define REST 164560u

static void no_trials_is_the_rest_alone(void **state)
{
    (void)state;
    mr_scenario sc = sample(10, MR_OUTPUT_TRIALS_NONE);
    EXACT(mr_output_size_estimate(&sc, 1), REST);
    EXACT(mr_output_size_estimate(&sc, 2), 2u * REST);
}

static void totals_keep_four_datasets(void **state)
{
    (void)state;
    /* the coordinate, total_loss, total_gva_loss (1 column each) and
       annual_loss (H = 2): 10 rows x 5 columns x 8 = 400, 4 x 4,096 */
    mr_scenario sc = sample(10, MR_OUTPUT_TRIALS_TOTALS);
    EXACT(mr_output_size_estimate(&sc, 1), REST + 400u + 16384u);
}

static void few_trials_are_counted_once(void **state)
{
    (void)state;
    /* 10 rows fit in one chunk of every dataset: 10 x 67 x 8 = 5,360,
       26 x 4,096 = 106,496 (the old estimate: 4,209,584) */
    mr_scenario sc = sample(10, MR_OUTPUT_TRIALS_ALL);
    EXACT(mr_output_size_estimate(&sc, 1), REST + 5360u + 106496u);
}

static void many_trials_fill_whole_chunks(void **state)
{
    (void)state;
    /* 200,000 trials. 1 column (8 bytes): chunks of 131,072 rows, 2 of them,
       262,144 x 8 = 2,097,152, 3 datasets: 6,291,456. 2 columns: 65,536
       rows, 4 chunks, 262,144 x 16 = 4,194,304, 6 datasets: 25,165,824.
       4 columns (sector_annual_loss): 32,768 rows, 7 chunks, 229,376 x 32
       = 7,340,032. 3 columns: 1,048,576 / 24 = 43,690 rows, down to a
       whole number of 1024: 43,008, 5 chunks, 215,040 x 24 = 5,160,960, 16
       datasets: 82,575,360. Data 121,372,672 (107,200,000 of values). */
    EXACT(mr_output_rows_bytes(200000, 1, 8), 2097152.0);
    EXACT(mr_output_rows_bytes(200000, 2, 8), 4194304.0);
    EXACT(mr_output_rows_bytes(200000, 4, 8), 7340032.0);
    EXACT(mr_output_rows_bytes(200000, 3, 8), 5160960.0);
    mr_scenario sc = sample(200000, MR_OUTPUT_TRIALS_ALL);
    EXACT(mr_output_size_estimate(&sc, 1), REST + 121372672u + 106496u);
    EXACT(mr_output_size_estimate(&sc, 3), 3u * (REST + 121372672u + 106496u));
    /* of a block's trials instead (an uncertainty study's base run) */
    EXACT(mr_output_size_estimate_trials(&sc, 10, 1), REST + 5360u + 106496u);
}

static void extras_by_their_chunks(void **state)
{
    (void)state;
    /* /events of demo.yaml at 10,000 trials: 163,149 rows; an int32 column
       is chunked as 8-byte rows (131,072 a chunk), 2 chunks of 4 bytes:
       1,048,576; the losses of 4 sectors, 32,768 rows a chunk, 5 chunks:
       5,242,880 (h5ls -v of that file: the same allocated bytes) */
    EXACT(mr_output_rows_bytes(163149, 1, 4), 1048576.0);
    EXACT(mr_output_rows_bytes(163149, 4, 8), 5242880.0);
    static const int32_t x[1] = {0};
    static const char *const names[12] = {NULL};
    const mr_output_extra e[3] = {
        {.path = "a", .type = MR_EXTRA_F64, .rank = 2, .dims = {5, 9}, .data = x},
        {.path = "b",
         .type = MR_EXTRA_I32,
         .rank = 1,
         .dims = {163149},
         .data = x,
         .distributed = true,
         .nrows = 1},
        {.path = "c", .type = MR_EXTRA_STR, .rank = 1, .dims = {12}, .data = names},
    };
    /* 45 x 8 = 360; 1,048,576; 12 x 48 = 576; and 3 x 4,096 */
    EXACT(mr_output_extras_bytes(e, 3), 360.0 + 1048576.0 + 576.0 + 3.0 * 4096.0);
    EXACT(mr_output_extras_bytes(e, 0), 0.0);
}

/* Within the limits a sweep's file is above 2^64 bytes: 2^32-1 trials of
   1,000 sectors, 1 mineral, 1,000 years of 1 step, a text of 100,000
   bytes. Chunks (1 MiB / 8 c rows, above 1,024 a whole number of 1,024):
   1 column, 131,072 rows, 32,768 chunks: 34,359,738,368 bytes (19 such
   datasets: the trial coordinate, 2 of one column, 16 of M); 1,000
   columns (5 of S, 1 of H), 131 rows, 32,786,010 chunks:
   34,359,738,480,000; 1,000,000 columns (H S), 1 row: 34,359,738,360,000,000.
   Data 34,566,549,625,908,992, + 26 x 4,096 + 160,000 + 2 x 100,000 + 64 x
   1,000 x 1,001 = 34,566,549,690,439,488 a run; 1,024 variants
   35,396,146,883,010,035,712 (35.4 EB; 2^64 is 18,446,744,073,709,551,616).
   The estimate was a uint64_t saturated at 2^64-1 ("18.4 EB" in the
   refusal) until 2026-12-06. Sums of doubles: within 1e-14. */
static void above_2_64_bytes_is_a_true_figure(void **state)
{
    (void)state;
    mr_scenario sc = sample(4294967295u, MR_OUTPUT_TRIALS_ALL);
    sc.nsectors = 1000;
    sc.nminerals = 1;
    sc.horizon_years = 1000;
    sc.steps_per_year = 1;
    sc.source_len = 100000;
    const double one = 34566549690439488.0, all = 35396146883010035712.0;
    const double a = mr_output_size_estimate(&sc, 1), b = mr_output_size_estimate(&sc, 1024);
    assert_true(a > one * (1 - 1e-14) && a < one * (1 + 1e-14));
    assert_true(b > all * (1 - 1e-14) && b < all * (1 + 1e-14));
    assert_true(b > 18446744073709551616.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_trials_is_the_rest_alone),
        cmocka_unit_test(totals_keep_four_datasets),
        cmocka_unit_test(few_trials_are_counted_once),
        cmocka_unit_test(many_trials_fill_whole_chunks),
        cmocka_unit_test(extras_by_their_chunks),
        cmocka_unit_test(above_2_64_bytes_is_a_true_figure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
