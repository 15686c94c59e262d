/* equations.c - the model functions against values worked out by hand or
 * taken from the literature (MODEL §3-§7). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "models/disruption.h"
#include "models/iim.h"
#include "models/prices.h"
#include "sim/rng.h"
#include "models/sectors.h"
#include "models/supply.h"

#include <math.h>

#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* --- MODEL §7: static IIM, Haimes & Jiang (2001), Lian & Haimes (2006) --- */

static void check_static(int n, const double *astar, const double *c, const double *expect)
{
    double q[4];
    assert_int_equal(mr_iim_static(n, astar, c, q), 0);
    for (int i = 0; i < n; i++)
        assert_close(q[i], expect[i], 5e-8);
}

static void test_static_iim_two_sectors(void **state)
{
    (void)state;
    const double a[] = {0, 0.8, 0.2, 0}, c[] = {0, 0.6}, e[] = {0.5714286, 0.7142857};
    check_static(2, a, c, e);
}

static void test_static_iim_three_sectors(void **state)
{
    (void)state;
    const double a[] = {0, 0, 0.3, 0.4, 0, 0, 0.2, 0.6, 0}, c[] = {0, 0, 0.12};
    const double e[] = {0.0414747, 0.0165899, 0.1382488};
    check_static(3, a, c, e);
}

static void test_static_iim_with_diagonal(void **state)
{
    (void)state;
    const double a[] = {0.15, 0.5, 0.10, 0.05}, c[] = {0, 0.1}, e[] = {0.0660066, 0.1122112};
    check_static(2, a, c, e);
}

static void test_static_iim_clips_to_one(void **state)
{
    (void)state;
    const double a[] = {0, .9, 0, 0, .4, 0, 0, 0, 1, .8, 0, 0, 1, .9, 0, 0};
    const double c[] = {0, .5, 0, 0}, e[] = {0.703125, 0.78125, 1, 1};
    check_static(4, a, c, e);
}

/* Dynamic IIM converges to the static one with K = I and constant c. */
static void test_dynamic_iim_converges_to_static(void **state)
{
    (void)state;
    const double a[] = {0, 0.8, 0.2, 0}, c[] = {0, 0.6}, k[] = {1, 1};
    double q[2] = {0, 0}, tmp[2];
    for (int t = 0; t < 200; t++)
        mr_iim_step(2, a, k, c, q, tmp);
    assert_close(q[0], 0.5714286, 5e-8);
    assert_close(q[1], 0.7142857, 5e-8);
}

/* The dynamic case: trapezoidal integral over 101 points. */
static void test_dynamic_iim_trapezoid_integral(void **state)
{
    (void)state;
    const double a[] = {0.15, 0.5, 0.10, 0.05}, k[] = {0.2, 0.2};
    double q[2] = {0, 0}, tmp[2], integral[2] = {0, 0}, prev[2] = {0, 0};
    for (int t = 0; t < 100; t++) {
        double c[2] = {0, (t >= 1 && t <= 30) ? 0.1 : 0.0};
        mr_iim_step(2, a, k, c, q, tmp);
        for (int i = 0; i < 2; i++) {
            integral[i] += 0.5 * (prev[i] + q[i]);
            prev[i] = q[i];
        }
    }
    assert_close(integral[0], 1.980144, 5e-7);
    assert_close(integral[1], 3.366317, 5e-7);
}

/* One step of the dynamic IIM by hand (docs/MODEL.md §7):
   q(t) = clip((1 - k) q(t-1) + k (A* q(t-1) + c(t)), 0, 1), every sector from
   q(t-1) (not from the sectors already updated in the step).
   A* = [[0, 0.5], [0.4, 0]], k = (0.5, 1), q(t-1) = (0.2, 0.6), c = (0.3, 0.5):
     q_0 = 0.5 x 0.2 + 0.5 (0.5 x 0.6 + 0.3) = 0.1 + 0.3  = 0.4
     q_1 = 0 x 0.6   + 1   (0.4 x 0.2 + 0.5)              = 0.58
   (updating in place would give q_1 = 0.4 x 0.4 + 0.5 = 0.66). Next step,
   c = (0.3, 0.95):
     q_0 = 0.5 x 0.4 + 0.5 (0.5 x 0.58 + 0.3)             = 0.495
     q_1 = 0.4 x 0.4 + 0.95 = 1.11, clipped to 1. */
static void test_iim_step_by_hand(void **state)
{
    (void)state;
    const double a[] = {0, 0.5, 0.4, 0}, k[] = {0.5, 1};
    double q[2] = {0.2, 0.6}, tmp[2];
    mr_iim_step(2, a, k, (const double[]){0.3, 0.5}, q, tmp);
    assert_close(q[0], 0.4, 1e-15);
    assert_close(q[1], 0.58, 1e-15);
    mr_iim_step(2, a, k, (const double[]){0.3, 0.95}, q, tmp);
    assert_close(q[0], 0.495, 1e-15);
    assert_true(q[1] == 1.0);
}

/* With K = I and A* = 0 the step returns c exactly (MODEL §7a). */
static void test_iim_identity_step_is_exact(void **state)
{
    (void)state;
    const double a[] = {0, 0, 0, 0}, k[] = {1, 1}, c[] = {0.1, 0.3};
    double q[2] = {0.7, 0.2}, tmp[2];
    mr_iim_step(2, a, k, c, q, tmp);
    assert_true(q[0] == 0.1 && q[1] == 0.3);
}

/* --- MODEL §4: supply --- */

static void test_reroute_to_spare_capacity(void **state)
{
    (void)state;
    const double share[] = {0.5, 0.3, 0.2}, spare[] = {0, 0.2, 0.5}, loss[] = {1, 0, 0.5};
    /* lost = 0.5 + 0.1 = 0.6; capacity = 0.3*0.2 + 0.2*0.5*0.5 = 0.11 */
    assert_close(mr_stage_availability(3, share, spare, loss, 1.0), 0.51, 1e-15);
    /* half-ramped spare: reroute 0.055 */
    assert_close(mr_stage_availability(3, share, spare, loss, 0.5), 0.455, 1e-15);
    /* reroute is capped at what was lost */
    const double s2[] = {0.1, 0.9}, p2[] = {0, 0.5}, l2[] = {1, 0};
    assert_close(mr_stage_availability(2, s2, p2, l2, 1.0), 1.0, 1e-15);
    assert_close(mr_spare_ramp(1, 1.0, 3.0), 1.0 / 3.0, 1e-15);
    assert_close(mr_spare_ramp(4, 1.0, 3.0), 1.0, 0);
    assert_close(mr_spare_ramp(1, 1.0, 0.0), 1.0, 0);
}

static void test_two_stages_chain_with_recycled_and_domestic(void **state)
{
    (void)state;
    const double share[] = {1.0}, spare[] = {0.0};
    const double lm[] = {0.2}, lr[] = {0.5};
    /* mining 0.8, refining 0.5: refiners draw on the world's ore, so the
       shorter stage bounds refined supply (0.5, not 0.8 x 0.5 = 0.4) */
    double pm = mr_stage_availability(1, share, spare, lm, 1.0),
           pr = mr_stage_availability(1, share, spare, lr, 1.0);
    double a = mr_chain_stages(pm, pm, pr, pr);
    assert_true(a == 0.5);
    assert_true(mr_chain_stages(0.8, 0.8, 1.0, 1.0) == 0.8);
    assert_true(mr_chain_stages(1.0, 1.0, 1.0, 1.0) == 1.0);
    /* an export control (refining 0.6 with it, 1 without) beside a mine
       loss (0.8): two losses, 0.8 x 0.6 = 0.48, not min = 0.6 */
    assert_close(mr_chain_stages(0.8, 0.8, 0.6, 1.0), 0.48, 1e-15);
    /* an export control and a physical loss on refining (0.3 with both,
       0.5 physical) beside mining 0.8: min(0.8, 0.5) x 0.3 / 0.5 = 0.3 */
    assert_close(mr_chain_stages(0.8, 0.8, 0.3, 0.5), 0.3, 1e-15);
    /* mining shorter physically (0.4) with refining's export factor 0.5 */
    assert_close(mr_chain_stages(0.4, 0.4, 0.45, 0.9), 0.2, 1e-15);
    /* single-stage mineral: exactly the stage's availability */
    assert_true(mr_chain_stages(1.0, 1.0, 0.37, 0.9) == 0.37);
    assert_true(mr_chain_stages(1.0, 1.0, 0.37, 1.0) == 0.37);
    /* nothing left physically: 0, not NaN */
    assert_true(mr_chain_stages(0.0, 0.0, 0.0, 0.0) == 0.0);
    assert_true(mr_chain_stages(0.5, 0.5, 0.0, 0.0) == 0.0);
    double g = mr_supply_gap(0.2, 0.1, a); /* 1 - (0.3 + 0.7 * 0.5) */
    assert_close(g, 0.35, 1e-15);
}

/* No disruption means no gap at all, for any recycled and domestic shares:
   1 - (r + d + (1 - r - d)) is 1.1e-16 for r = 0.03, d = 0.05. */
static void test_no_phantom_gap_without_disruption(void **state)
{
    (void)state;
    for (int r = 0; r <= 50; r++)
        for (int d = 0; d <= 50; d++)
            assert_true(mr_supply_gap(r / 100.0, d / 100.0, 1.0) == 0.0);
    assert_true(mr_supply_gap(0.03, 0.05, 1.0) == 0.0);
}

static void test_stockpile_drawn_to_empty_and_refilled(void **state)
{
    (void)state;
    mr_stockpile_rule rule = {2.0, 0.0, 1.0, 0.5};
    double level = 2.0;
    const double gaps[] = {0.5, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0};
    const double release[] = {0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0};
    const double after[] = {1.5, 1.0, 0.5, 0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.0};
    for (int t = 0; t < 10; t++) {
        assert_close(mr_stockpile_step(&rule, &level, gaps[t], 1.0), release[t], 1e-15);
        assert_close(level, after[t], 1e-15);
    }
    assert_true(level == 2.0);
    /* below the trigger: no release and no refill */
    mr_stockpile_rule trig = {2.0, 0.1, 1.0, 0.5};
    level = 1.0;
    assert_true(mr_stockpile_step(&trig, &level, 0.05, 1.0) == 0.0 && level == 1.0);
    /* the release cap binds */
    mr_stockpile_rule cap = {6.0, 0.0, 0.3, 0.5};
    level = 6.0;
    assert_close(mr_stockpile_step(&cap, &level, 0.5, 1.0), 0.3, 1e-15);
    assert_close(level, 5.7, 1e-15);
    /* a level above the target (initial_months > target_months) is kept
       when there is no gap, not cut to the target (MODEL §4) */
    level = 3.0;
    assert_true(mr_stockpile_step(&rule, &level, 0.0, 1.0) == 0.0 && level == 3.0);
}

/* --- MODEL §6: allocation, buffers, direct inoperability --- */

static void test_priority_rationing_with_a_tie(void **state)
{
    (void)state;
    /* priority 1: 0.3; priority 2 (tie): 0.2 and 0.4; priority 3: 0.1 */
    const int groups[] = {0, 1, 3, 4};
    const double demand[] = {0.3, 0.2, 0.4, 0.1};
    double f[4];
    mr_allocate_priority(3, groups, demand, 0.6, f);
    assert_close(f[0], 1.0, 0);
    assert_close(f[1], 0.5, 1e-15);
    assert_close(f[2], 0.5, 1e-15);
    assert_close(f[3], 0.0, 0);
    mr_allocate_priority(3, groups, demand, 1.0, f);
    for (int k = 0; k < 4; k++)
        assert_close(f[k], 1.0, 0);
}

/* A need with demand_share 0 claims nothing, so priority serves it in full
   (f = 1) even inside a group that is rationed (docs/MODEL.md §6), not at
   the group's share. Groups: {0.3}, a tie {0.2, 0, 0.4}, then a tie
   {0.1, 0}; 0.6 available:
     group 1: 0.3 in full, 0.3 left;
     group 2: demand 0.2 + 0 + 0.4 = 0.6 > 0.3, frac = 0.3 / 0.6 = 0.5:
              f = 0.5, 1 (the zero claim), 0.5; nothing left;
     group 3: frac = 0: f = 0 and 1 (the zero claim).
   Serving the zero claim at its group's frac would give 0.5 and 0. */
static void test_priority_zero_demand_in_a_rationed_group(void **state)
{
    (void)state;
    const int groups[] = {0, 1, 4, 6};
    const double demand[] = {0.3, 0.2, 0.0, 0.4, 0.1, 0.0};
    double f[6];
    mr_allocate_priority(3, groups, demand, 0.6, f);
    assert_true(f[0] == 1.0);
    assert_close(f[1], 0.5, 1e-15);
    assert_true(f[2] == 1.0);
    assert_close(f[3], 0.5, 1e-15);
    assert_true(f[4] == 0.0);
    assert_true(f[5] == 1.0);
}

static void test_sector_buffer_delays_the_shortfall(void **state)
{
    (void)state;
    const double f[] = {1, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1};
    const double reach[] = {1, 1, 1, 1, 1, 0.5, 1, 1};
    const double level[] = {2, 1.5, 1.0, 0.5, 0.0, 0.0, 0.5, 1.0};
    double b = 2.0;
    for (int t = 0; t < 8; t++) {
        assert_close(mr_buffer_step(f[t], &b, 2.0, 0.5, 1.0), reach[t], 1e-15);
        assert_close(b, level[t], 1e-15);
    }
}

/* A buffer smaller than the gap releases what it holds (level / h, a rate
   over the step) and is then empty: MODEL §6's partial release, worked by
   hand. Monthly: 0.75 months held, f = 0.5: the first step covers the gap
   (0.75 >= 0.5, 0.25 left), the second releases 0.25 (reach 0.75, empty).
   Half-month steps: 0.2 months held is a rate of 0.4 over the step, so f =
   0.4 reaches 0.8. */
static void test_sector_buffer_partial_release(void **state)
{
    (void)state;
    double b = 0.75;
    assert_close(mr_buffer_step(0.5, &b, 2.0, 0.5, 1.0), 1.0, 0);
    assert_close(b, 0.25, 0);
    assert_close(mr_buffer_step(0.5, &b, 2.0, 0.5, 1.0), 0.75, 0);
    assert_close(b, 0.0, 0);
    b = 0.2;
    assert_close(mr_buffer_step(0.4, &b, 2.0, 0.5, 0.5), 0.8, 1e-15);
    assert_close(b, 0.0, 0);
}

/* Refilling stops at the target (stockpile) or the capacity (buffer), not
   a full refill rate past it: from 1.8 months with a target of 2 and 0.5
   months a month, one quiet monthly step ends at 2.0, not 2.3; a second
   stays at 2.0. Neither releases anything (stockpile 0, buffer f as given). */
static void test_refill_stops_at_the_target(void **state)
{
    (void)state;
    mr_stockpile_rule rule = {2.0, 0.0, 1.0, 0.5};
    double level = 1.8;
    for (int t = 0; t < 2; t++) {
        assert_true(mr_stockpile_step(&rule, &level, 0.0, 1.0) == 0.0);
        assert_true(level == 2.0);
    }
    double b = 1.8;
    for (int t = 0; t < 2; t++) {
        assert_true(mr_buffer_step(1.0, &b, 2.0, 0.5, 1.0) == 1.0);
        assert_true(b == 2.0);
    }
}

static void test_direct_inoperability_limiting_and_independent(void **state)
{
    (void)state;
    const double a[] = {0.5, 0.8}, sigma[] = {0, 0.5}, f[] = {0.6, 0.5};
    assert_close(mr_direct_inoperability_limiting(2, a, sigma, f), 0.2, 1e-15);
    assert_close(mr_direct_inoperability_independent(2, a, sigma, f), 0.36, 1e-15);
}

/* --- MODEL §5: prices --- */

static void test_ou_exact_coefficients(void **state)
{
    (void)state;
    double d, s;
    mr_ou_coefficients(0.5, 0.3, 1.0 / 12, &d, &s);
    assert_close(d, exp(-0.5 / 12), 1e-15);
    assert_close(s, 0.3 * sqrt((1 - exp(-1.0 / 12)) / 1.0), 1e-15);
    mr_ou_coefficients(0.0, 0.3, 0.25, &d, &s);
    assert_true(d == 1.0);
    assert_close(s, 0.15, 1e-15);
}

/* A theta the loader accepts (any number in [0, 100]) so small that
   2 theta dt is subnormal or rounds to 0: the step is a random walk to
   double precision, scale = sigma sqrt(dt) (the relative error of the
   exact formula, 2 theta dt / 4, is below 1e-300), not 0. theta = 5e-324
   on monthly steps: 2 theta dt = 8.3e-325 rounds to 0, and
   -expm1(-0) / (2 theta) = 0 gave an OU term with no noise at all. */
static void test_ou_theta_below_the_normal_range(void **state)
{
    (void)state;
    const double thetas[] = {5e-324, 1e-320, 1e-310};
    for (int k = 0; k < 3; k++) {
        double d, s;
        mr_ou_coefficients(thetas[k], 0.3, 1.0 / 12, &d, &s);
        assert_true(d == 1.0);
        assert_close(s, 0.3 * sqrt(1.0 / 12), 1e-15);
        mr_ou_coefficients(thetas[k], 0.5, 1.0 / 366, &d, &s);
        assert_true(d == 1.0);
        assert_close(s, 0.5 * sqrt(1.0 / 366), 1e-15);
    }
}

static void test_scarcity_premium_and_cap(void **state)
{
    (void)state;
    assert_close(mr_scarcity_premium(0.1, 1.0, 10.0), -log(0.9), 1e-15);
    assert_close(mr_scarcity_premium(0.5, 0.5, 3.0), log(3.0), 1e-15);
    assert_close(mr_scarcity_premium(1.0, 0.5, 3.0), log(3.0), 1e-15);
    assert_true(mr_scarcity_premium(0.0, 0.5, 3.0) == 0.0);
}

static void test_correlate_with_cholesky(void **state)
{
    (void)state;
    /* rho = 0.6: L = [[1, 0], [0.6, 0.8]] */
    const double l[] = {1, 0, 0.6, 0.8}, x[] = {2, 1};
    double e[2];
    mr_correlate(2, l, x, e);
    assert_close(e[0], 2.0, 0);
    assert_close(e[1], 2.0, 1e-15);
}

/* --- MODEL §3: disruption processes --- */

static void test_occurrence_step_range(void **state)
{
    (void)state;
    int first, len;
    mr_occurrence o = {0.26, 2.4, 1.0};
    len = mr_occurrence_steps(&o, 12, 120, &first); /* floor(3.12) = 3, round(2.4) = 2 */
    assert_int_equal(first, 3);
    assert_int_equal(len, 2);
    o.duration_months = 0.2; /* at least one step */
    assert_int_equal(mr_occurrence_steps(&o, 12, 120, &first), 1);
    o = (mr_occurrence){9.95, 6.0, 1.0}; /* cut at the horizon */
    assert_int_equal(mr_occurrence_steps(&o, 12, 120, &first), 1);
    assert_int_equal(first, 119);
}

/* Occurrence counts are Poisson(lambda H): mean and variance within 4 SE. */
static void test_event_count_is_poisson(void **state)
{
    (void)state;
    enum { N = 20000 };
    const double lambda = 0.7, H = 10.0, mu = lambda * H;
    mr_process p = {lambda, {MR_SEV_UNIFORM, 0.2, 0.4}, {MR_DUR_EXPONENTIAL, 3.0, 0}};
    gsl_rng *r = gsl_rng_alloc(mr_rng_philox);
    double sum = 0, sum2 = 0, sev = 0;
    long nocc = 0;
    for (int i = 0; i < N; i++) {
        mr_rng_seek(r, 7, mr_hash64("event/test"), (uint64_t)i);
        double clock = 0;
        mr_occurrence o;
        int k = 0;
        while (mr_disruption_next(&p, H, r, &clock, &o)) {
            assert_true(o.start_years >= 0 && o.start_years < H);
            assert_true(o.severity >= 0.2 && o.severity <= 0.4);
            sev += o.severity;
            nocc++;
            k++;
        }
        sum += k;
        sum2 += (double)k * k;
    }
    double mean = sum / N, var = (sum2 - N * mean * mean) / (N - 1);
    assert_true(fabs(mean - mu) < 4 * sqrt(mu / N));
    /* Var(s^2) for a Poisson: (mu + 2 mu^2) / N, to first order */
    assert_true(fabs(var - mu) < 4 * sqrt((mu + 2 * mu * mu) / N));
    assert_true(fabs(sev / (double)nocc - 0.3) < 4 * sqrt(0.04 / 12 / (double)nocc));
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_static_iim_two_sectors),
        cmocka_unit_test(test_static_iim_three_sectors),
        cmocka_unit_test(test_static_iim_with_diagonal),
        cmocka_unit_test(test_static_iim_clips_to_one),
        cmocka_unit_test(test_dynamic_iim_converges_to_static),
        cmocka_unit_test(test_dynamic_iim_trapezoid_integral),
        cmocka_unit_test(test_iim_identity_step_is_exact),
        cmocka_unit_test(test_iim_step_by_hand),
        cmocka_unit_test(test_reroute_to_spare_capacity),
        cmocka_unit_test(test_two_stages_chain_with_recycled_and_domestic),
        cmocka_unit_test(test_no_phantom_gap_without_disruption),
        cmocka_unit_test(test_stockpile_drawn_to_empty_and_refilled),
        cmocka_unit_test(test_priority_rationing_with_a_tie),
        cmocka_unit_test(test_priority_zero_demand_in_a_rationed_group),
        cmocka_unit_test(test_refill_stops_at_the_target),
        cmocka_unit_test(test_sector_buffer_delays_the_shortfall),
        cmocka_unit_test(test_sector_buffer_partial_release),
        cmocka_unit_test(test_direct_inoperability_limiting_and_independent),
        cmocka_unit_test(test_ou_exact_coefficients),
        cmocka_unit_test(test_ou_theta_below_the_normal_range),
        cmocka_unit_test(test_scarcity_premium_and_cap),
        cmocka_unit_test(test_correlate_with_cholesky),
        cmocka_unit_test(test_occurrence_step_range),
        cmocka_unit_test(test_event_count_is_poisson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
