/* piece_size.c - the pieces of the HDF5 transfers (out/h5/pieces.h): the
 * size, 1 GiB or MINRISK_H5_PIECE_BYTES read whole (a value that is not
 * digits from 1 to 1 GiB refused), the whole rows in a piece and the count
 * of pieces, against values worked out by hand. */
#define _POSIX_C_SOURCE 200809L /* setenv */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/h5/pieces.h"

#include <stdlib.h>

static void test_size_default_and_hook(void **state)
{
    (void)state;
    uint64_t b = 0;
    unsetenv(MR_H5_PIECE_ENV);
    assert_int_equal(mr_h5_piece_bytes(&b), 0);
    assert_true(b == 1073741824u);
    setenv(MR_H5_PIECE_ENV, "", 1); /* empty: as unset */
    assert_int_equal(mr_h5_piece_bytes(&b), 0);
    assert_true(b == 1073741824u);
    setenv(MR_H5_PIECE_ENV, "1", 1);
    assert_int_equal(mr_h5_piece_bytes(&b), 0);
    assert_true(b == 1);
    setenv(MR_H5_PIECE_ENV, "803", 1);
    assert_int_equal(mr_h5_piece_bytes(&b), 0);
    assert_true(b == 803);
    setenv(MR_H5_PIECE_ENV, "1073741824", 1);
    assert_int_equal(mr_h5_piece_bytes(&b), 0);
    assert_true(b == 1073741824u);
    unsetenv(MR_H5_PIECE_ENV);
}

static void test_size_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {"0",
                                      "01",
                                      "-5",
                                      " 5",
                                      "+5",
                                      "5x",
                                      "5 ",
                                      "1e3",
                                      "x",
                                      "1073741825",
                                      "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint64_t b = 7;
        setenv(MR_H5_PIECE_ENV, bad[i], 1);
        if (mr_h5_piece_bytes(&b) != -1 || b != 1073741824u)
            fail_msg("'%s' taken as %llu", bad[i], (unsigned long long)b);
    }
    unsetenv(MR_H5_PIECE_ENV);
}

/* rows of a piece: floor(piece / rowbytes), at least 1 */
static void test_rows_and_count(void **state)
{
    (void)state;
    unsetenv(MR_H5_PIECE_ENV);
    assert_true(mr_h5_piece_rows(8) == 134217728u);        /* 2^30 / 8 */
    assert_true(mr_h5_piece_rows(80 * 8) == 1677721u);     /* 2^30 / 640, rounded down */
    assert_true(mr_h5_piece_rows((uint64_t)1 << 31) == 1); /* a row above a piece */
    setenv(MR_H5_PIECE_ENV, "803", 1);
    assert_true(mr_h5_piece_rows(8) == 100);
    assert_true(mr_h5_piece_rows(16) == 50);
    assert_true(mr_h5_piece_rows(4) == 200);
    assert_true(mr_h5_piece_rows(804) == 1);
    assert_true(mr_h5_piece_rows(0) == 803);
    setenv(MR_H5_PIECE_ENV, "8", 1);
    assert_true(mr_h5_piece_rows(8) == 1);
    assert_true(mr_h5_piece_rows(4) == 2);
    unsetenv(MR_H5_PIECE_ENV);
    assert_true(mr_h5_piece_count(0, 100) == 0);
    assert_true(mr_h5_piece_count(1, 100) == 1);
    assert_true(mr_h5_piece_count(100, 100) == 1);
    assert_true(mr_h5_piece_count(101, 100) == 2);
    assert_true(mr_h5_piece_count(2500, 100) == 25);
    assert_true(mr_h5_piece_count(452, 100) == 5);
    assert_true(mr_h5_piece_count(7, 1) == 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_default_and_hook),
        cmocka_unit_test(test_size_refused),
        cmocka_unit_test(test_rows_and_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
