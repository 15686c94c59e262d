/* precision_checks.c - issue 16, deliverable 3: the stopping module
 * (sim/precision.h) on values worked out by hand: the check points, the
 * parse of the targets, every statistic's estimate and 95% half-width on
 * the 20 trials with total losses 1..20 (scrambled), the binding target,
 * and the re-layout of the rows between two check points on one rank. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/precision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z95 1.959963984540054

/* |a - b| <= tol * |b| */
#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol)*fabs(b))

static void test_check_points(void **state)
{
    (void)state;
    assert_int_equal(mr_precision_next(0, 100000), 1024);
    assert_int_equal(mr_precision_next(1024, 100000), 2048);
    assert_int_equal(mr_precision_next(32768, 100000), 65536);
    assert_int_equal(mr_precision_next(65536, 100000), 100000); /* capped */
    assert_int_equal(mr_precision_next(0, 500), 500);
    assert_int_equal(mr_precision_next(2048, 3000), 3000);
    assert_true(mr_precision_is_check(1024, 100000));
    assert_true(mr_precision_is_check(65536, 100000));
    assert_true(mr_precision_is_check(100000, 100000));
    assert_false(mr_precision_is_check(3000, 100000));
    assert_false(mr_precision_is_check(131072, 100000));
    assert_false(mr_precision_is_check(0, 100000));
}

static mr_scenario one_sector(void)
{
    static mr_sector sec[1];
    sec[0].id = "automotive";
    mr_scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.nsectors = 1;
    sc.sectors = sec;
    return sc;
}

/* spec of text, which must parse, over one_sector() */
static void parse_ok(const char *text, mr_prec_spec *s)
{
    mr_scenario sc = one_sector();
    char msg[300];
    if (mr_precision_parse(text, &sc, s, msg, sizeof msg))
        fail_msg("%s: %s", text, msg);
}

static void test_parse(void **state)
{
    (void)state;
    mr_scenario sc = one_sector();
    mr_prec_spec s;
    char msg[300];
    parse_ok("var995_total=0.02,es99_automotive=0.1,rp200=0.5,aal=1,mean_total=0.001", &s);
    assert_int_equal(s.ntargets, 5);
    assert_int_equal(s.t[0].kind, MR_PREC_VAR);
    assert_true(s.t[0].p == 0.995 && s.t[0].sector == -1 && s.t[0].target == 0.02);
    assert_int_equal(s.t[1].kind, MR_PREC_ES);
    assert_true(s.t[1].p == 0.99 && s.t[1].sector == 0);
    assert_int_equal(s.t[2].kind, MR_PREC_RP);
    assert_true(s.t[2].p == 200.0);
    assert_int_equal(s.t[3].kind, MR_PREC_AAL);
    assert_int_equal(s.t[4].kind, MR_PREC_MEAN);
    assert_string_equal(s.t[1].name, "es99_automotive");
    assert_int_equal(mr_precision_parse("var99_total=0.02,", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(msg, "expected STAT=REL, got ''");
    assert_int_equal(mr_precision_parse("var99_total=1e-400", &sc, &s, msg, sizeof msg), -1);
    assert_int_equal(mr_precision_parse("var99999_total=0.1", &sc, &s, msg, sizeof msg), -1);
    /* REL in decimal, as every number of a scenario: no hex, no blanks */
    assert_int_equal(mr_precision_parse("var99_total=0x0.1", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(msg, "var99_total: REL must be a number in (0, 1], got '0x0.1'");
    assert_int_equal(mr_precision_parse("var99_total= 0.1", &sc, &s, msg, sizeof msg), -1);
    assert_int_equal(mr_precision_parse("var99_total=0.1 ", &sc, &s, msg, sizeof msg), -1);
    /* one statistic under two names: 99 and 990 are both 0.99 */
    assert_int_equal(
        mr_precision_parse("var99_total=0.1,var990_total=0.2", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(msg, "var990_total: the same statistic as var99_total");
    /* a leading zero is no other name: rp0010 was taken as rp10 */
    assert_int_equal(mr_precision_parse("rp100=0.1,rp0100=0.2", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(
        msg,
        "rp0100: a return period rpR needs an integer R in [2, 1000000], without a leading zero");
    assert_int_equal(mr_precision_parse("rp0010=0.1", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(
        msg,
        "rp0010: a return period rpR needs an integer R in [2, 1000000], without a leading zero");
    assert_int_equal(mr_precision_parse("rp00=0.1", &sc, &s, msg, sizeof msg), -1);
    assert_int_equal(mr_precision_parse("rp=0.1", &sc, &s, msg, sizeof msg), -1);
    assert_int_equal(mr_precision_parse("rp10x=0.1", &sc, &s, msg, sizeof msg), -1);
    assert_int_equal(mr_precision_parse("rp1000001=0.1", &sc, &s, msg, sizeof msg), -1);
    parse_ok("rp1000000=0.1,rp2=0.1,rp10=1", &s);
    assert_true(s.t[0].p == 1e6 && s.t[1].p == 2.0 && s.t[2].p == 10.0 && s.t[2].target == 1.0);
    /* REL: 01 is 1 for strtod, octal for YAML 1.1 readers; 00.5 and 0.5 are numbers */
    assert_int_equal(mr_precision_parse("aal=01", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(msg,
                        "aal: REL must be a number in (0, 1] without a leading zero, got '01'");
    assert_int_equal(mr_precision_parse("aal=001", &sc, &s, msg, sizeof msg), -1);
    assert_int_equal(mr_precision_parse("aal=", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(msg, "aal: REL must be a number in (0, 1]");
    parse_ok("aal=00.5,mean_total=0.25", &s);
    assert_true(s.t[0].target == 0.5 && s.t[1].target == 0.25);
    /* empty parts of a level name: no digits, no sector */
    assert_int_equal(mr_precision_parse("var_total=0.1", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(msg, "var_total: the level after var must be 1 to 4 digits (99 = 0.99, "
                             "995 = 0.995)");
    assert_int_equal(mr_precision_parse("es99_=0.1", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(msg, "es99_: '' is neither 'total' nor a sector of the scenario");
    assert_int_equal(mr_precision_parse("var9.9_total=0.1", &sc, &s, msg, sizeof msg), -1);
    /* levels below 0.5: var100 is 0.100 (the 10% quantile), not 100%; var0
       is 0 (until 2026-12-07 var100 was taken, var0 said "1 to 4 digits") */
    assert_int_equal(mr_precision_parse("var100_total=0.9", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(msg, "var100_total: the level 0.100 is below 0.5 (the digits after var are "
                             "a decimal fraction: 99 = 0.99, 995 = 0.995, 100 = 0.100); give 0.5 "
                             "to 0.9999, e.g. var99_total");
    assert_int_equal(mr_precision_parse("es4999_automotive=0.1", &sc, &s, msg, sizeof msg), -1);
    assert_string_equal(msg,
                        "es4999_automotive: the level 0.4999 is below 0.5 (the digits after es "
                        "are a decimal fraction: 99 = 0.99, 995 = 0.995, 100 = 0.100); give "
                        "0.5 to 0.9999, e.g. es99_automotive");
    assert_int_equal(mr_precision_parse("var0_total=0.1", &sc, &s, msg, sizeof msg), -1);
    parse_ok("var5_total=0.1,es9999_total=0.1", &s);
    assert_true(s.t[0].p == 0.5 && s.t[1].p == 0.9999);
    parse_ok("var99_total=0.1,es99_total=0.1,var99_automotive=0.1,var995_total=0.1", &s);
    parse_ok("var99_total=1e-1,aal=.5", &s);
    assert_true(s.t[0].target == 0.1 && s.t[1].target == 0.5);
}

/* 20 trials, total loss 1..20 in a scrambled order; two years each of
   half the total; sector 0's GL + XC = the total. */
static void twenty(mr_results *r)
{
    assert_int_equal(mr_results_alloc(r, 20, 1, 1, 2, 24), 0);
    for (int i = 0; i < 20; i++) {
        double x = (double)((i * 7) % 20 + 1);
        r->total_loss[i] = x;
        r->annual_loss[2 * i] = r->annual_loss[2 * i + 1] = x / 2;
        r->sector_gva_loss[i] = x - 1.0;
        r->sector_extra_cost[i] = 1.0;
    }
}

static void test_figures(void **state)
{
    (void)state;
    mr_prec_spec s;
    parse_ok("mean_total=0.5,var50_total=0.5,var95_total=0.5,es90_total=0.5,aal=0.1,rp2=0.5,"
             "es90_automotive=0.5",
             &s);
    mr_results r;
    twenty(&r);
    mr_prec_check c;
    assert_int_equal(mr_precision_eval(NULL, &r, 20, &s, &c), 0);
    assert_int_equal(c.trials, 20);
    /* mean 10.5, sd sqrt(665/19) = sqrt(35), SE sqrt(35/20) */
    assert_true(c.estimate[0] == 10.5);
    NEAR(c.half_width[0], Z95 * sqrt(1.75), 1e-12);
    NEAR(c.relative[0], Z95 * sqrt(1.75) / 10.5, 1e-12);
    /* median X_(10) = 10; B(20, 0.5): l = 6 (P(B <= 5) = 0.0207), u = 15 */
    assert_true(c.estimate[1] == 10.0);
    assert_true(c.half_width[1] == 4.5 && c.relative[1] == 0.45);
    /* 0.95: X_(19) = 19; u would be 21 > n: no upper bound, no interval */
    assert_true(c.estimate[2] == 19.0 && isinf(c.half_width[2]) && isinf(c.relative[2]));
    /* ES 0.90 = mean of the top 2 = 19.5; VaR X_(18) = 18; the tail {19, 20}:
       s^2 = 0.25, SE^2 = (0.25 + 0.9 x 1.5^2) / (20 x 0.1) = 1.1375 */
    assert_true(c.estimate[3] == 19.5);
    NEAR(c.half_width[3], Z95 * sqrt(1.1375), 1e-12);
    /* AAL 210 / 40 = 5.25, SE of the trial means x/2: sqrt(35)/2/sqrt(20) */
    assert_true(c.estimate[4] == 5.25);
    NEAR(c.half_width[4], Z95 * sqrt(1.75) / 2.0, 1e-12);
    NEAR(c.relative[4], c.relative[0], 1e-12);
    /* rp2: the 40 years 0.5, 0.5, 1, 1, ..., 10, 10 at 0.5: X_(20) = 5;
       B(40, 0.5): l = 14 (P(B <= 13) = 0.0192), u = 27: 3.5 .. 7 */
    assert_true(c.estimate[5] == 5.0 && c.half_width[5] == 1.75 && c.relative[5] == 0.35);
    /* the sector's GL + XC is the total: the same ES */
    assert_true(c.estimate[6] == c.estimate[3] && c.half_width[6] == c.half_width[3]);
    assert_false(mr_precision_met(&s, &c)); /* var95 has no interval */
    assert_int_equal(mr_precision_binding(&s, &c), -1);
    mr_results_free(&r);
}

static void test_binding(void **state)
{
    (void)state;
    mr_prec_spec s;
    parse_ok("mean_total=0.1,aal=0.02", &s);
    mr_prec_check c = {.trials = 1024, .relative = {0.05, 0.015}};
    assert_true(mr_precision_met(&s, &c));
    assert_int_equal(mr_precision_binding(&s, &c), 1); /* 0.75 of its target against 0.5 */
    c.relative[1] = 0.02;                              /* met at equality */
    assert_true(mr_precision_met(&s, &c));
    c.relative[1] = 0.0200001;
    assert_false(mr_precision_met(&s, &c));
}

/* One rank: the rows of the first check point kept, the new block to do. */
static void test_grow(void **state)
{
    (void)state;
    mr_results r;
    assert_int_equal(mr_results_alloc(&r, 1024, 2, 1, 3, 36), 0);
    r.block_done = calloc(1, 1);
    r.block_done[0] = 1;
    r.nblocks = 1;
    r.trials_run = 1024;
    r.calls = 1;
    for (int i = 0; i < 1024; i++) {
        r.total_loss[i] = i;
        r.sector_annual_loss[i * 6 + 5] = -i;
    }
    r.band_q[7] = 3;
    uint64_t *bq = r.band_q;
    const mr_comm solo = {0, 1, NULL};
    assert_int_equal(mr_precision_grow(&r, 2048, &solo), 0);
    assert_int_equal(r.ntrials, 2048);
    assert_int_equal(r.ntrials_total, 2048);
    assert_int_equal(r.first_trial, 0);
    assert_int_equal(r.nblocks, 2);
    assert_int_equal(r.block_done[0], 1);
    assert_int_equal(r.block_done[1], 0);
    assert_int_equal(r.trials_run, 1024);
    assert_int_equal(r.calls, 1);
    assert_ptr_equal(r.band_q, bq); /* the rank's bands go with it */
    assert_int_equal(r.band_q[7], 3);
    for (int i = 0; i < 1024; i++)
        assert_true(r.total_loss[i] == i && r.sector_annual_loss[i * 6 + 5] == -i);
    assert_true(r.total_loss[1500] == 0.0);
    mr_results_free(&r);
}

/* rpR needs R annual values: the 40 years of twenty() (0.5, 0.5, 1, 1,
   ..., 10, 10) give rp40 = X_(39) (ceil(40 x 0.975) = 39) = 10, as
   mr_stats_return_period_sorted with n = R; rp41 has too few years: NaN,
   no half-width. */
static void test_return_period_at_its_count(void **state)
{
    (void)state;
    mr_prec_spec s;
    parse_ok("rp40=0.5,rp41=0.5", &s);
    mr_results r;
    twenty(&r);
    mr_prec_check c;
    assert_int_equal(mr_precision_eval(NULL, &r, 20, &s, &c), 0);
    assert_true(c.estimate[0] == 10.0);
    assert_true(isnan(c.estimate[1]) && isinf(c.half_width[1]) && isinf(c.relative[1]));
    mr_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_points), cmocka_unit_test(test_parse),
        cmocka_unit_test(test_figures),      cmocka_unit_test(test_binding),
        cmocka_unit_test(test_grow),         cmocka_unit_test(test_return_period_at_its_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
