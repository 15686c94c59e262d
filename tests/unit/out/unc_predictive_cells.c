/* unc_predictive_cells.c - the predictive table of an uncertainty study
 * (out/tables/unc_print.c mr_unc_print): every figure, GBP m, in a column
 * of 10 characters at any magnitude and sign: "%10.1f" where that fits
 * (below 99999990 m, and down to -9999999.9 m for a negative figure, whose
 * sign takes one of the 10), else 4 significant digits with an exponent,
 * 3 for a negative figure from 1e100 m ("-1.23e+208"). Until 2026-12-07 a
 * negative figure from 1e7 m took 11 characters ("-12345678.9") and so did
 * one from -1e100 m ("-1.234e+208"): the row was longer than its header
 * and the columns after it moved right. NaN prints n/a, as the index
 * cells do (it printed printf's "nan" until 2026-12-07), and -0.04 m
 * prints 0.0, as the attribution table does (it printed -0.0). Rows written by
 * hand. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/tables/unc_print.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The first line of text that starts with `head` (a copy), or NULL. */
static char *line_of(const char *text, const char *head)
{
    for (const char *s = text; s && *s;) {
        const char *end = strchr(s, '\n');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (!strncmp(s, head, strlen(head))) {
            char *c = malloc(n + 1);
            if (!c)
                return NULL;
            memcpy(c, s, n);
            c[n] = '\0';
            return c;
        }
        s = end ? end + 1 : NULL;
    }
    return NULL;
}

static void test_predictive_columns(void **state)
{
    (void)state;
    /* GBP: figures in GBP m times 1e6 */
    const double pred[2][MR_UNC_NP] = {
        {-12345678.9e6, -9999999.0e6, -1.234e208 * 1e6, 99999989.9e6, 1.234e208 * 1e6, -0.04e6},
        {416.2e6, 358.4e6, 1295.4e6, 1396.2e6, 1660.1e6, NAN}};
    const double var[MR_UNC_NSTAT] = {1, 1, 1}, sd[MR_UNC_NSTAT] = {1, 1, 1};
    mr_unc_tables t = {.name = "t",
                       .seed = 1,
                       .n = 2,
                       .l = 3,
                       .k = 0,
                       .key = NULL,
                       .index = NULL,
                       .variance = var,
                       .sd = sd,
                       .predictive = pred};
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    mr_unc_print(f, &t);
    assert_int_equal(fclose(f), 0);
    char *head = line_of(text, "                                    ");
    char *with = line_of(text, "  with parameter uncertainty");
    char *base = line_of(text, "  base (values as written)");
    assert_non_null(head);
    assert_non_null(with);
    assert_non_null(base);
    assert_string_equal(head,
                        "                                           mean        q50        q90"
                        "        q95        q99       es99");
    assert_string_equal(with,
                        "  with parameter uncertainty         -1.235e+07 -9999999.0 -1.23e+208"
                        " 99999989.9 1.234e+208        0.0");
    assert_string_equal(base,
                        "  base (values as written)                416.2      358.4     1295.4"
                        "     1396.2     1660.1        n/a");
    assert_int_equal(strlen(with), strlen(head));
    free(head);
    free(with);
    free(base);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predictive_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
