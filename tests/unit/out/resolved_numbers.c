/* resolved_numbers.c - numbers in the resolved scenario (out/scenario_yaml.c):
 * each is the shortest of %.15g, %.16g and %.17g that reads back to the
 * same double. Integers below 10^15 in magnitude take a path without the
 * formatted conversion (2026-12-06: a 600-sector sweep spent most of its
 * time before the first trial formatting the interdependency matrix); its
 * text must be exactly what %.15g writes, or the resolved text, its hash
 * (checkpoints, the sweep's duplicate-variant check) and /scenario/resolved
 * would change. Here the expected text is the formatted conversion itself,
 * for the edges of that path: zero and negative zero, 1, the largest and
 * smallest integers it takes, the first it does not (10^15, which %.15g
 * writes with an exponent), 2^53, and non-integers next to integers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/scenario_yaml.h"
#include "sim/scenario/loader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* two sectors, so that the interdependency matrix has four entries */
static const char SCEN[] =
    "name: t\n"
    "simulation: {horizon_years: 1, steps_per_year: 12, trials: 10}\n"
    "countries:\n"
    "  CN: {}\n"
    "minerals:\n"
    "  ga:\n"
    "    demand_t: 10\n"
    "    refining: [{country: CN, share: 1.0}]\n"
    "    price: {ref: 400000}\n"
    "sectors:\n"
    "  a: {output_gbp: 1e9, needs: [{mineral: ga, dependent_share: 0.3, demand_share: 0.5}]}\n"
    "  b: {output_gbp: 1e9, needs: [{mineral: ga, dependent_share: 0.3, demand_share: 0.5}]}\n"
    "interdependency:\n"
    "  a: {a: 0, b: 0.1}\n"
    "  b: {a: 0.2, b: 0}\n";

/* the reference: the loop the writer runs for every number */
static void shortest(char *buf, size_t sz, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sz, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
}

static void edges(void **state)
{
    (void)state;
    const double v[] = {0.0,
                        -0.0,
                        1.0,
                        -1.0,
                        7.0,
                        10.0,
                        -10.0,
                        123456789012345.0,
                        999999999999999.0,
                        -999999999999999.0,
                        1e15,
                        -1e15,
                        1e15 + 2.0,
                        9007199254740992.0, /* 2^53 */
                        4294967295.0,
                        0.5,
                        -0.5,
                        2.5,
                        999999999999999.5,
                        99999999999999.9,
                        1e-300,
                        0.1};
    const size_t n = sizeof v / sizeof v[0];
    mr_scenario sc;
    mr_error err;
    if (mr_scenario_parse("t.yaml", SCEN, strlen(SCEN), &sc, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(sc.nsectors, 2);
    assert_non_null(sc.interdependency);
    for (size_t i = 0; i < n; i += 4) {
        char want[512] = "interdependency:\n", cell[4][40];
        for (int k = 0; k < 4; k++) {
            double x = i + (size_t)k < n ? v[i + (size_t)k] : 0.0;
            sc.interdependency[k] = x;
            shortest(cell[k], sizeof cell[k], x);
        }
        size_t len = strlen(want);
        snprintf(want + len, sizeof want - len, "  a: {a: %s, b: %s}\n  b: {a: %s, b: %s}\n",
                 cell[0], cell[1], cell[2], cell[3]);
        char *y = mr_scenario_resolved_yaml(&sc);
        assert_non_null(y);
        const char *m = strstr(y, "\ninterdependency:\n");
        assert_non_null(m);
        assert_memory_equal(m + 1, want, strlen(want));
        free(y);
    }
    mr_scenario_free(&sc);
}

/* the texts are the ones %g writes, spelled out by hand for a few */
static void by_hand(void **state)
{
    (void)state;
    char b[40];
    shortest(b, sizeof b, -0.0);
    assert_string_equal(b, "-0");
    shortest(b, sizeof b, 999999999999999.0);
    assert_string_equal(b, "999999999999999");
    shortest(b, sizeof b, 1e15);
    assert_string_equal(b, "1e+15");
    mr_scenario sc;
    mr_error err;
    if (mr_scenario_parse("t.yaml", SCEN, strlen(SCEN), &sc, &err) != 0)
        fail_msg("%s", err.msg);
    sc.interdependency[0] = -0.0;
    sc.interdependency[1] = 999999999999999.0;
    sc.interdependency[2] = 1e15;
    sc.interdependency[3] = -42.0;
    char *y = mr_scenario_resolved_yaml(&sc);
    assert_non_null(y);
    assert_non_null(strstr(y, "\n  a: {a: -0, b: 999999999999999}\n  b: {a: 1e+15, b: -42}\n"));
    free(y);
    mr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(edges),
        cmocka_unit_test(by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
