/* table_cells.c - the number cells of the printed tables (out/tables):
 * the decimals of a GBP m loss table from its largest magnitude
 * (mr_tab_decimals: 0 from 1000, 1 from 100, 2 from 1, else 3, so that a
 * table shows about three significant digits), a cell (mr_tab_fmt_num:
 * "n/a" for NaN), a policy cost in GBP m (mr_policy_cost_fmt: one decimal
 * from 1 and for 0, three from 0.001, else %.1e) and a loss avoided per
 * pound with its interval (mr_policy_cost_fmt_per_pound: 0 decimals from
 * 100, 1 from 10, 2 from 1, else 3); from 1e15 up each of them with 4
 * significant digits (out/tables/cellnum.h). Values by hand at each edge.
 * And mr_tab_print of a table of 18 columns, past the 16 whose widths it
 * keeps on the stack: every line as long as the header, no trailing blank
 * (it read widths past its array until 2026-12; compare_many tested it
 * through summary's comparison table, which since 2026-12-07 is compare's
 * own printer). */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/tables/policy_cost.h"
#include "out/tables/tab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_loss_table_decimals(void **state)
{
    (void)state;
    assert_int_equal(mr_tab_decimals(3340.0), 0);
    assert_int_equal(mr_tab_decimals(1000.0), 0);
    assert_int_equal(mr_tab_decimals(999.9), 1);
    assert_int_equal(mr_tab_decimals(100.0), 1);
    assert_int_equal(mr_tab_decimals(99.99), 2);
    assert_int_equal(mr_tab_decimals(1.0), 2);
    assert_int_equal(mr_tab_decimals(0.999), 3);
    assert_int_equal(mr_tab_decimals(0.0), 3);
    char c[CELL];
    mr_tab_fmt_num(c, 123.456, 1, "");
    assert_string_equal(c, "123.5");
    mr_tab_fmt_num(c, 0.125, 2, "%");
    assert_string_equal(c, "0.12%"); /* 0.125 is exact: round half to even */
    mr_tab_fmt_num(c, NAN, 2, "%");
    assert_string_equal(c, "n/a");
}

static void cost(double m, const char *want)
{
    char b[64];
    mr_policy_cost_fmt(b, sizeof b, 0, m);
    assert_string_equal(b, want);
}

static void per_pound(double e, double lo, double hi, const char *want)
{
    char b[160];
    const double pp[3] = {e, lo, hi};
    mr_policy_cost_fmt_per_pound(b, sizeof b, pp);
    assert_string_equal(b, want);
}

static void test_policy_cost_cells(void **state)
{
    (void)state;
    cost(0.0, "0.0");
    cost(250.0, "250.0");
    cost(1.0, "1.0");
    cost(-1.0, "-1.0");
    cost(0.5, "0.500");
    cost(0.005, "0.005");
    cost(0.001, "0.001");
    cost(0.0005, "5.0e-04");
    cost(-0.0025, "-0.003"); /* the double nearest -0.0025 lies beyond it */
    char b[64];
    mr_policy_cost_fmt(b, sizeof b, 12, 0.005);
    assert_string_equal(b, "       0.005");
    per_pound(123.4, 100.2, 150.7, "123 [100, 151]");
    per_pound(12.34, 10.0, 15.0, "12.3 [10.0, 15.0]");
    per_pound(1.234, -0.5, 3.0, "1.23 [-0.50, 3.00]");
    per_pound(0.1234, NAN, 0.2, "0.123");
    per_pound(NAN, 1.0, 2.0, "n/a");
    /* from MR_TAB_EXP_FROM (1e15) up, 4 significant digits: "%.0f" of a
       loss avoided per pound near 1e228 was 229 digits, cut to the cell */
    per_pound(2.5e228, 1e228, 4.0e228, "2.5e+228 [1e+228, 4e+228]");
    per_pound(2.5e228, -3.0, 4.0e228, "2.5e+228 [-3, 4e+228]");
    per_pound(999999999999999.0, 1e15, INFINITY, "999999999999999 [1e+15, inf]");
    per_pound(-1e300, NAN, 0.0, "-1e+300");
}

/* A table cell from MR_TAB_EXP_FROM up: 4 significant digits, the suffix
   kept (a mean of 8.334e228 GBP m was cut to the cell's 47 digits). */
static void test_huge_cells(void **state)
{
    (void)state;
    char c[CELL];
    mr_tab_fmt_num(c, 999999999999999.0, 0, "");
    assert_string_equal(c, "999999999999999");
    mr_tab_fmt_num(c, 1e15, 0, "");
    assert_string_equal(c, "1e+15");
    mr_tab_fmt_num(c, 8.3337858544538785e228, 0, "");
    assert_string_equal(c, "8.334e+228");
    mr_tab_fmt_num(c, -5e227, 2, "x");
    assert_string_equal(c, "-5e+227x");
    mr_tab_fmt_num(c, INFINITY, 1, "%");
    assert_string_equal(c, "inf%");
}

/* 3 rows of 18 columns: column c holds "h<c>", "<c>" and c + 1 x's, so it
   is 2, 2, 3, 4, ..., 18 wide (sum 172) and, two spaces between columns, a
   line is 172 + 34 = 206 long. */
static void test_wide_table(void **state)
{
    (void)state;
    enum { C = 18 };
    table t = {3, C, NULL};
    const char *head[C];
    char names[C][16]; /* "h" and any int: no truncation warning at -O1 */
    for (int c = 0; c < C; c++) {
        snprintf(names[c], sizeof names[c], "h%d", c);
        head[c] = names[c];
    }
    assert_int_equal(mr_tab_headed(&t, head), 0);
    size_t want = 0;
    for (int c = 0; c < C; c++) {
        snprintf(mr_tab_cell(&t, 1, (size_t)c), CELL, "%d", c);
        memset(mr_tab_cell(&t, 2, (size_t)c), 'x', (size_t)c + 1);
        size_t w = strlen(names[c]) > (size_t)c + 1 ? strlen(names[c]) : (size_t)c + 1;
        want += w + (c ? 2 : 0);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    mr_tab_print(f, &t);
    fclose(f);
    int lines = 0;
    for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1, lines++) {
        assert_int_equal((size_t)(nl - line), want);
        assert_true(nl[-1] != ' ');
    }
    assert_int_equal(lines, 3);
    assert_int_equal(want, 206);
    free(buf);
    free(t.cell);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss_table_decimals),
        cmocka_unit_test(test_policy_cost_cells),
        cmocka_unit_test(test_huge_cells),
        cmocka_unit_test(test_wide_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
