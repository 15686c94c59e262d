/* importance_warnings.c - the report of a run's importance weights
 * (mr_importance_report; docs/MODEL.md §12i, docs/STUDIES.md "Importance
 * sampling"): the effective sample size line, and the warning when the
 * weights are degenerate (ESS below max(N / 100, min(100, N / 2))) or
 * unstable (one weight above 10% of the total and above twice an equal
 * share 1 / N).
 *
 * Hand cases, the report's stderr read back from a file:
 * - N = 5, weights (2, 1, 1, 1, 1): ESS = 6^2 / 8 = 4.5 (90.00%), largest
 *   weight 2/6 = 33.3% of the total; 1/3 is above 10% but not above
 *   2 / 5 = 0.4, and 4.5 is not below max(0.05, 2.5): no warning;
 * - N = 5, weights (5, 1, 1, 1, 1): share 5/9 = 0.556 > 0.4: unstable,
 *   ESS 81 / 29 = 2.79 (not below 2.5: unstable, not degenerate);
 * - N = 10 equal weights: share 0.1, not above 10%: no warning;
 * - N = 400, one weight 400 and 399 of 1: ESS 799^2 / 160399 = 3.98,
 *   below max(4, min(100, 200)) = 100, share 400/799 = 50.1%: the
 *   warning names it unstable (the share is checked first).
 */
#define _POSIX_C_SOURCE 200809L /* fileno, dup, dup2 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/importance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* mr_importance_report of weights w[0 .. n-1] as one rank's results; its
   stderr into buf, its ESS into *ess. */
static void report(const double *w, size_t n, char *buf, size_t size, double *ess)
{
    mr_results res;
    memset(&res, 0, sizeof res);
    res.ntrials = res.ntrials_total = n;
    res.weight = (double *)w;
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(fileno(stderr));
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), fileno(stderr)) >= 0);
    int rc = mr_importance_report(&res, NULL, 0, ess);
    fflush(stderr);
    assert_true(dup2(saved, fileno(stderr)) >= 0);
    close(saved);
    assert_int_equal(rc, 0);
    rewind(tmp);
    size_t got = fread(buf, 1, size - 1, tmp);
    buf[got] = '\0';
    fclose(tmp);
}

static void test_hand_cases(void **state)
{
    (void)state;
    char buf[2048];
    double ess;
    const double a[5] = {2.0, 1.0, 1.0, 1.0, 1.0};
    report(a, 5, buf, sizeof buf, &ess);
    assert_true(fabs(ess - 4.5) <= 1e-15);
    assert_non_null(strstr(buf, "effective sample size 4.5 of 5 trials (90.00%), largest weight "
                                "33.3% of the total"));
    assert_null(strstr(buf, "warning"));

    const double b[5] = {5.0, 1.0, 1.0, 1.0, 1.0};
    report(b, 5, buf, sizeof buf, &ess);
    assert_true(fabs(ess - 81.0 / 29.0) <= 1e-15);
    assert_non_null(strstr(buf, "warning: the importance weights are unstable (effective sample "
                                "size 2.8, largest weight 55.6% of the total)"));

    double c[10];
    for (int i = 0; i < 10; i++)
        c[i] = 0.5;
    report(c, 10, buf, sizeof buf, &ess);
    assert_true(ess == 10.0);
    assert_null(strstr(buf, "warning"));

    double *d = malloc(400 * sizeof *d);
    assert_non_null(d);
    d[0] = 400.0;
    for (int i = 1; i < 400; i++)
        d[i] = 1.0;
    report(d, 400, buf, sizeof buf, &ess);
    assert_true(fabs(ess - 799.0 * 799.0 / 160399.0) <= 1e-12);
    assert_non_null(strstr(buf, "the importance weights are unstable (effective sample size 4.0"));
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
