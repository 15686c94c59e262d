/* market_clearing.c - the market layer of model v2 (MODEL §5m, §6m, §3s)
 * against values worked out by hand. Every expected value below is a
 * closed form derived in the comment above it (the decimals in the comments
 * are those closed forms evaluated with a calculator), never a number taken
 * from running models/market.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/market.h"
#include "models/prices.h"
#include "models/supply.h"

#include <float.h>
#include <math.h>

#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* A market without commercial stocks: K = Kbar = 0, so S(p) = 0 for every p
   (min(0 / tau, 0 / h) = 0). */
static mr_market_rule no_stock(double max_multiple)
{
    mr_market_rule r = {
        .rest_months = 0.0, .adjust_months = 3.0, .response = 0.0, .guard = log(max_multiple)};
    return r;
}

/* --- the building blocks: D(p) and S(p), as the clearing returns them --- */

/* D(p) by hand, read at a price where the market clears: with no stock,
   supply A clears at the p where D(p) = A, and the clearing returns
   demand = D(p). */
static void test_demand_by_hand(void **state)
{
    (void)state;
    const double w[] = {0.5, 0.5}, eps[] = {1.0, 2.0};
    const mr_market_rule r = no_stock(10.0);
    /* D(0) = 0.5 + 0.5 = 1: A = 1 clears at the start p = 0 exactly */
    mr_market_step st = mr_market_clear(2, w, eps, 1.0, 0.0, &r, 1.0, 0.0);
    assert_true(st.p == 0.0 && st.demand == 1.0 && st.release == 0.0);
    /* D(ln 2) = 0.5/2 + 0.5/4 = 0.375 */
    st = mr_market_clear(2, w, eps, 0.375, 0.0, &r, 1.0, 0.0);
    assert_close(st.p, log(2.0), 1e-15);
    assert_close(st.demand, 0.375, 1e-15);
    assert_true(st.release == 0.0 && st.guard == 0);
    /* D(-ln 2) = 0.5*2 + 0.5*4 = 3 */
    st = mr_market_clear(2, w, eps, 3.0, 0.0, &r, 1.0, 0.0);
    assert_close(st.p, -log(2.0), 1e-15);
    assert_close(st.demand, 3.0, 1e-14);
}

/* S(p) by hand, read the same way: with demand 1 at every price (eps = 0),
   supply A clears where S(p) = 1 - A. */
static void test_release_by_hand(void **state)
{
    (void)state;
    const double one[] = {1.0}, flat[] = {0.0}, unit[] = {1.0};
    /* Kbar = 3, tau = 3, eta = 1:
       K = 3, p = 0:    S = (3 - 3)/3 = 0: A = 1 clears at p = 0 exactly
       K = 3, p = ln 2: S = (3 - 3/2)/3 = 0.5 (below K/h = 3): A = 0.5
       K = 1.5, p = 0:  S = (1.5 - 3)/3 = -0.5 (a rebuild): A = 1.5 */
    mr_market_rule r = {.rest_months = 3.0, .adjust_months = 3.0, .response = 1.0, .guard = 5.0};
    mr_market_step st = mr_market_clear(1, one, flat, 1.0, 3.0, &r, 1.0, 0.0);
    assert_true(st.p == 0.0 && st.release == 0.0);
    st = mr_market_clear(1, one, flat, 0.5, 3.0, &r, 1.0, 0.0);
    assert_close(st.p, log(2.0), 1e-15);
    assert_close(st.release, 0.5, 1e-15);
    assert_true(st.demand == 1.0);
    st = mr_market_clear(1, one, flat, 1.5, 1.5, &r, 1.0, 0.3);
    assert_close(st.p, 0.0, 1e-15);
    assert_close(st.release, -0.5, 1e-15);
    /* The clamp S <= K/h: K = 0.1, p = ln 10: (0.1 - 0.3)/3 < 0, no clamp
       (A = 1 + 0.2/3 clears there) */
    st = mr_market_clear(1, one, flat, 1.0 + 0.2 / 3.0, 0.1, &r, 1.0, 0.0);
    assert_close(st.p, log(10.0), 1e-14);
    assert_close(st.release, (0.1 - 0.3) / 3.0, 1e-15);
    /* Kbar = 0: S = 0.1/3 = 0.0333 < K/h = 0.1 for h = 1, whatever p; with
       D = e^{-p}, A = e^{-0.7} - 0.1/3 clears at p = 0.7 */
    mr_market_rule empty = {
        .rest_months = 0.0, .adjust_months = 3.0, .response = 1.0, .guard = 5.0};
    st = mr_market_clear(1, one, unit, exp(-0.7) - 0.1 / 3.0, 0.1, &empty, 1.0, 0.0);
    assert_close(st.p, 0.7, 1e-14);
    assert_close(st.release, 0.1 / 3.0, 1e-16);
    /* but with h = 0.25 K/h = 0.4 and with tau = 0.01 S = 10 > K/h:
       S = K/h = 0.4 exactly, and A = e^{-0.7} - 0.4 clears at 0.7 */
    empty.adjust_months = 0.01;
    st = mr_market_clear(1, one, unit, exp(-0.7) - 0.4, 0.1, &empty, 0.25, 0.0);
    assert_close(st.p, 0.7, 1e-14);
    assert_true(st.release == 0.1 / 0.25);
}

/* --- 1. two segments, no stock: a quadratic in x = e^{-p} --- */

static void test_two_segments_solve_a_quadratic(void **state)
{
    (void)state;
    /* w = {0.5, 0.5}, eps = {1, 2}: D(p) = 0.5 x + 0.5 x^2 with x = e^{-p}.
       Supply A = 0.6, S = 0: 0.5 x + 0.5 x^2 = 0.6  <=>  x^2 + x - 1.2 = 0,
         x = (-1 + sqrt(1 + 4.8)) / 2 = (-1 + sqrt(5.8)) / 2 = 0.70415945787923
         p = -ln x                                            = 0.35075044580259
       inside the guard ln 10 = 2.302585. */
    const double w[] = {0.5, 0.5}, eps[] = {1.0, 2.0};
    const mr_market_rule r = no_stock(10.0);
    const double x = (-1.0 + sqrt(5.8)) / 2.0, p = -log(x);
    /* from the rest price and from the far side: the same root */
    const double starts[] = {0.0, 2.0, -2.0, 0.35};
    for (int i = 0; i < 4; i++) {
        mr_market_step st = mr_market_clear(2, w, eps, 0.6, 0.0, &r, 1.0, starts[i]);
        assert_close(st.p, p, 1e-12);
        assert_close(st.demand, 0.6, 1e-12);
        assert_true(st.release == 0.0);
        assert_true(st.served == 1.0);
        assert_int_equal(st.guard, 0);
    }
}

/* --- 2. one segment, no stock: v1's scarcity premium --- */

static void test_one_segment_is_v1_scarcity_premium(void **state)
{
    (void)state;
    /* One segment of weight 1 and elasticity eps, A = 1 - u, S = 0:
         e^{-eps p} = 1 - u  <=>  p = -ln(1 - u) / eps          (MODEL §5)
       u = 0.36, eps = 0.15: p = -ln 0.64 / 0.15 = 2.97524735085613,
       inside the guard ln 100 = 4.60517 (ln 10 = 2.30 would bind). */
    const double w[] = {1.0}, eps[] = {0.15};
    const mr_market_rule r = no_stock(100.0);
    const double p = -log(0.64) / 0.15;
    mr_market_step st = mr_market_clear(1, w, eps, 0.64, 0.0, &r, 1.0, 0.0);
    assert_close(st.p, p, 1e-12);
    assert_close(st.p, mr_scarcity_premium(0.36, 0.15, 100.0), 1e-12);
    assert_close(st.demand, 0.64, 1e-12);
    assert_true(st.release == 0.0);
    assert_true(st.served == 1.0);
    assert_int_equal(st.guard, 0);

    /* u = 0.1, eps = 1: p = -ln 0.9 = 0.105360515657826 */
    const double one[] = {1.0};
    st = mr_market_clear(1, w, one, 0.9, 0.0, &r, 1.0, 0.0);
    assert_close(st.p, -log(0.9), 1e-12);
    assert_close(st.p, mr_scarcity_premium(0.1, 1.0, 100.0), 1e-12);
}

/* --- at rest: A = 1, K = Kbar gives p = 0, S = 0, D = 1 exactly --- */

static void test_at_rest_the_price_is_zero(void **state)
{
    (void)state;
    /* D(0) = 0.7 + 0.3 = 1 = A + S(0) = 1 + (3 - 3)/3: p = 0 is the root,
       and Newton from p0 = 0 sees f(0) = 0 at once. */
    const double w[] = {0.7, 0.3}, eps[] = {0.2, 1.0};
    const mr_market_rule r = {
        .rest_months = 3.0, .adjust_months = 3.0, .response = 1.0, .guard = log(10.0)};
    mr_market_step st = mr_market_clear(2, w, eps, 1.0, 3.0, &r, 1.0, 0.0);
    assert_true(st.p == 0.0);
    assert_true(st.release == 0.0);
    assert_true(st.demand == 1.0);
    assert_true(st.served == 1.0);
    assert_int_equal(st.guard, 0);
}

/* --- 3. with commercial stocks --- */

static void test_stock_at_rest_does_not_move(void **state)
{
    (void)state;
    /* eps = 0.5, Kbar = 3, tau = 3, eta = 0 (desired stock constant), h = 1,
       K = 3, A = 0.7: S(p) = (3 - 3 e^{0})/3 = 0 for every p, so
         e^{-0.5 p} = 0.7  <=>  p = -ln 0.7 / 0.5 = 0.713349887877465 */
    const double w[] = {1.0}, eps[] = {0.5};
    const mr_market_rule r = {
        .rest_months = 3.0, .adjust_months = 3.0, .response = 0.0, .guard = log(10.0)};
    mr_market_step st = mr_market_clear(1, w, eps, 0.7, 3.0, &r, 1.0, 0.0);
    assert_close(st.p, -log(0.7) / 0.5, 1e-12);
    assert_true(st.release == 0.0);
    assert_close(st.demand, 0.7, 1e-12);
    assert_int_equal(st.guard, 0);
}

static void test_stock_rebuild_is_demand(void **state)
{
    (void)state;
    /* Same rule, K = 1.5 (below rest), A = 1 (supply whole):
         S = (1.5 - 3)/3 = -0.5 for every p (eta = 0): the rebuild is demand,
         D(p) = A + S  <=>  e^{-0.5 p} = 1 - 0.5 = 0.5
                       <=>  p = 2 ln 2 = 1.38629436111989 (> 0: the price rises)
       inside the guard ln 10 = 2.302585. */
    const double w[] = {1.0}, eps[] = {0.5};
    const mr_market_rule r = {
        .rest_months = 3.0, .adjust_months = 3.0, .response = 0.0, .guard = log(10.0)};
    mr_market_step st = mr_market_clear(1, w, eps, 1.0, 1.5, &r, 1.0, 0.0);
    assert_close(st.p, 2.0 * log(2.0), 1e-12);
    assert_close(st.release, -0.5, 1e-15);
    assert_close(st.demand, 0.5, 1e-12);
    assert_true(st.served == 1.0);
    assert_int_equal(st.guard, 0);
}

static void test_price_responsive_stock_linear(void **state)
{
    (void)state;
    /* eps = 1, eta = 1, x = e^{-p}: D = x, S = (K - Kbar x)/tau, and
         x = A + (K - Kbar x)/tau  <=>  x = (A tau + K) / (tau + Kbar),
       linear in x. Kbar = 3, tau = 3, K = 3, A = 0.8:
         x = (2.4 + 3) / 6 = 0.9,  p = -ln 0.9 = 0.105360515657826,
         S = (3 - 2.7)/3 = 0.1 (stock drawn; below K/h = 3),
       and D = 0.9 = A + S. */
    const double w[] = {1.0}, eps[] = {1.0};
    const mr_market_rule r = {
        .rest_months = 3.0, .adjust_months = 3.0, .response = 1.0, .guard = log(10.0)};
    mr_market_step st = mr_market_clear(1, w, eps, 0.8, 3.0, &r, 1.0, 0.0);
    assert_close(st.p, -log(0.9), 1e-12);
    assert_close(st.release, 0.1, 1e-12);
    assert_close(st.demand, 0.9, 1e-12);
    assert_int_equal(st.guard, 0);
}

static void test_price_responsive_stock_quadratic(void **state)
{
    (void)state;
    /* eps = 2, eta = 1, x = e^{-p}: D = x^2, S = (K - Kbar x)/tau:
         x^2 = A + (K - Kbar x)/tau  <=>  x^2 + (Kbar/tau) x - (A + K/tau) = 0.
       Kbar = 3, tau = 3, K = 2 (below rest), A = 0.9:
         x^2 + x - c = 0,  c = 0.9 + 2/3 = 1.56666...
         x = (-1 + sqrt(1 + 4c)) / 2 = 0.847837774610382
         p = -ln x                   = 0.165065965016580
         S = (2 - 3x)/3              = -0.181171107943715 (still rebuilding)
         D = x^2                     = 0.718828892056285 = A + S. */
    const double w[] = {1.0}, eps[] = {2.0};
    const mr_market_rule r = {
        .rest_months = 3.0, .adjust_months = 3.0, .response = 1.0, .guard = log(10.0)};
    const double c = 0.9 + 2.0 / 3.0, x = (-1.0 + sqrt(1.0 + 4.0 * c)) / 2.0;
    mr_market_step st = mr_market_clear(1, w, eps, 0.9, 2.0, &r, 1.0, 0.0);
    assert_close(st.p, -log(x), 1e-12);
    assert_close(st.release, (2.0 - 3.0 * x) / 3.0, 1e-12);
    assert_close(st.demand, x * x, 1e-12);
    assert_close(st.demand, 0.9 + st.release, 1e-12);
    assert_int_equal(st.guard, 0);
}

/* --- 4. the guard --- */

static void test_upper_guard_rations(void **state)
{
    (void)state;
    /* eps = 0.1, guard g = ln 10, no stock, A = 0.5:
         D(g) = 10^{-0.1} = 0.794328234724281 > 0.5: short even at the guard,
         p = g, served = A / D(g) = 0.5 * 10^{0.1} = 0.629462705897084. */
    const double w[] = {1.0}, eps[] = {0.1};
    const mr_market_rule r = no_stock(10.0);
    mr_market_step st = mr_market_clear(1, w, eps, 0.5, 0.0, &r, 1.0, 0.0);
    assert_true(st.p == log(10.0));
    assert_close(st.demand, pow(10.0, -0.1), 1e-15);
    assert_close(st.served, 0.5 * pow(10.0, 0.1), 1e-14);
    assert_true(st.release == 0.0);
    assert_int_equal(st.guard, 1);

    /* With a stock: Kbar = 3, tau = 3, eta = 1, K = 0.6, h = 1:
         S(g) = (0.6 - 3/10)/3 = 0.1 (below K/h = 0.6),
         A + S(g) = 0.6 < D(g) = 0.794: the guard binds,
         served = 0.6 * 10^{0.1} = 0.755355247076500. */
    const mr_market_rule rs = {
        .rest_months = 3.0, .adjust_months = 3.0, .response = 1.0, .guard = log(10.0)};
    st = mr_market_clear(1, w, eps, 0.5, 0.6, &rs, 1.0, 0.0);
    assert_true(st.p == log(10.0));
    assert_close(st.release, 0.1, 1e-15);
    assert_close(st.demand, pow(10.0, -0.1), 1e-15);
    assert_close(st.served, 0.6 * pow(10.0, 0.1), 1e-14);
    assert_int_equal(st.guard, 1);

    /* An empty stock that wants to rebuild, supply whole: Kbar = 3, tau = 1,
       eta = 1, K = 0, A = 1:
         S(g) = (0 - 3/10)/1 = -0.3 (stockholders would buy 0.3),
         D(g) - A - S(g) = 0.794328 - 1 + 0.3 > 0: the guard binds,
         buyers are served whole and stockholders take what is left,
         A - D(g) = 1 - 10^{-0.1} = 0.205671765275719 (less than the 0.3
         they ask): release -0.205671765275719, served 1 (until 2026-12-05
         the release was 0 and the surplus unsold, so the stock stayed
         empty and the price on the guard). */
    const mr_market_rule re = {
        .rest_months = 3.0, .adjust_months = 1.0, .response = 1.0, .guard = log(10.0)};
    st = mr_market_clear(1, w, eps, 1.0, 0.0, &re, 1.0, 0.0);
    assert_true(st.p == log(10.0));
    assert_int_equal(st.guard, 1);
    assert_close(st.release, -(1.0 - pow(10.0, -0.1)), 1e-15);
    assert_close(st.served, 1.0, 1e-15);
    /* rationed (A = 0.5 < D(g)): nothing left over, no rebuild */
    st = mr_market_clear(1, w, eps, 0.5, 0.0, &re, 1.0, 0.0);
    assert_true(st.release == 0.0);
    assert_close(st.served, 0.5 * pow(10.0, 0.1), 1e-14);
}

static void test_lower_guard_glut(void **state)
{
    (void)state;
    /* eps = 0.1, guard ln 10, no stock, A = 3 (a glut):
         D(-g) = 10^{0.1} = 1.258925411794167 < 3: surplus even at the floor,
         p = -ln 10, guard = -1, demand 10^{0.1}, everyone served. */
    const double w[] = {1.0}, eps[] = {0.1};
    const mr_market_rule r = no_stock(10.0);
    mr_market_step st = mr_market_clear(1, w, eps, 3.0, 0.0, &r, 1.0, 0.0);
    assert_true(st.p == -log(10.0));
    assert_close(st.demand, pow(10.0, 0.1), 1e-14);
    assert_true(st.served == 1.0);
    assert_true(st.release == 0.0);
    assert_int_equal(st.guard, -1);
}

/* Roots within 1e-6 of a guard: the finishing step's near-guard check.
   One segment, eps = 0.1, no stock, guard g = ln 100, D(p) = e^{-0.1 p}:
   with A = e^{-0.1 q} the root is p = q exactly. q = g - 1e-6: it clears
   just inside; q = g + 1e-6: short at the guard, served = A / D(g) =
   e^{-1e-7}. The same at the lower guard: q = -g + 1e-6 clears, q = -g -
   1e-6 is a glut at -g. From several starts. */
static void test_roots_next_to_the_guards(void **state)
{
    (void)state;
    const double w[] = {1.0}, eps[] = {0.1}, g = log(100.0);
    const mr_market_rule r = no_stock(100.0);
    const double starts[] = {0.0, 2.0, 4.6, -4.6, g - 1e-5};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        double p0 = starts[i];
        mr_market_step st = mr_market_clear(1, w, eps, exp(-0.1 * (g - 1e-6)), 0.0, &r, 1.0, p0);
        assert_int_equal(st.guard, 0);
        assert_close(st.p, g - 1e-6, 1e-12);
        assert_true(st.served == 1.0);
        st = mr_market_clear(1, w, eps, exp(-0.1 * (g + 1e-6)), 0.0, &r, 1.0, p0);
        assert_int_equal(st.guard, 1);
        assert_true(st.p == g);
        assert_close(st.served, exp(-1e-7), 1e-15);
        st = mr_market_clear(1, w, eps, exp(-0.1 * (-g + 1e-6)), 0.0, &r, 1.0, p0);
        assert_int_equal(st.guard, 0);
        assert_close(st.p, -g + 1e-6, 1e-12);
        st = mr_market_clear(1, w, eps, exp(-0.1 * (-g - 1e-6)), 0.0, &r, 1.0, p0);
        assert_int_equal(st.guard, -1);
        assert_true(st.p == -g);
    }
}

/* A root on the upper guard. eps = 0.1, no stock, g = ln 100, A = D(g) =
   e^{-0.1 g} = 100^{-0.1} = 0.630957344480193, taken as mr_exp(-0.1 g),
   the value the solve's D(g) has: f(g) = 0 exactly, so the guard is the
   root and the solve returns p = g exactly, guard 0, everyone served
   (with f(g) = 0 counted as inside, the solve bisected towards g and
   stopped 5e-14 to 9e-14 short of it, D - A up to 6e-15, after about 25
   evaluations; with the finishing step's q < g dropped as well it returned
   g + 1 or 2 ulps). Its neighbours A (1 + k 2^-52), 0 < |k| <= 8: the root
   is g - k 2^-52 / 0.1, within 1.5e-14 of g; above g (k < 0) the market is
   short at the guard, p = g, served = A / D(g) > 1 - 1e-14. Never p > g. */
static void test_root_on_the_upper_guard(void **state)
{
    (void)state;
    const double w[] = {1.0}, eps[] = {0.1}, g = log(100.0);
    const mr_market_rule r = no_stock(100.0);
    const double starts[] = {0.0, 2.0, 4.6, 4.605, -4.0, g - 1e-5, g - 1e-9, g};
    for (int k = -8; k <= 8; k++) {
        double a = mr_exp(-0.1 * g) * (1.0 + k * DBL_EPSILON);
        for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
            mr_market_step st = mr_market_clear(1, w, eps, a, 0.0, &r, 1.0, starts[i]);
            assert_true(st.p <= g);
            if (k == 0) {
                assert_true(st.p == g);
                assert_int_equal(st.guard, 0);
                assert_true(st.served == 1.0 && st.demand == a);
            }
            assert_close(st.p, g, 2e-14);
            assert_close(st.served, 1.0, 1e-14);
            assert_close(st.demand, exp(-0.1 * g), 1e-14);
        }
    }
}

/* Roots either side of the stock's cap kink. D(p) = 2.4 e^{-p/2}, Kbar =
   2, K = 1, tau = 0.5, eta = 1, h = 1: the uncapped release 2 - 4 e^{-p}
   reaches the cap K/h = 1 at p_k = ln 4, where D = 1.2, so A = 0.2 clears
   exactly at the kink.
   - A = 0.2 + d (d > 0): the root is below the kink, uncapped: with x =
     e^{-p/2}, 2.4 x = A + 2 - 4 x^2, x = (-2.4 + sqrt(5.76 + 16 (A + 2))) / 8,
     p = -2 ln x, release 2 - 4 x^2;
   - A = 0.2 - d: above the kink, capped: 2.4 e^{-p/2} = A + 1,
     p = -2 ln((A + 1) / 2.4), release exactly 1.
   For d = 1e-6 and 1e-9, from several starts. */
static void test_roots_next_to_the_stock_cap(void **state)
{
    (void)state;
    const double w[] = {2.4}, eps[] = {0.5};
    const mr_market_rule r = {
        .rest_months = 2.0, .adjust_months = 0.5, .response = 1.0, .guard = log(100.0)};
    const double ds[] = {1e-6, 1e-9}, starts[] = {0.0, log(4.0), 1.0, 2.0, -1.0};
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < sizeof starts / sizeof starts[0]; j++) {
            double a = 0.2 + ds[i];
            double x = (-2.4 + sqrt(5.76 + 16.0 * (a + 2.0))) / 8.0;
            mr_market_step st = mr_market_clear(1, w, eps, a, 1.0, &r, 1.0, starts[j]);
            assert_int_equal(st.guard, 0);
            assert_close(st.p, -2.0 * log(x), 1e-12);
            assert_true(st.p < log(4.0));
            assert_close(st.release, 2.0 - 4.0 * x * x, 1e-12);
            assert_true(st.release < 1.0);

            a = 0.2 - ds[i];
            st = mr_market_clear(1, w, eps, a, 1.0, &r, 1.0, starts[j]);
            assert_int_equal(st.guard, 0);
            assert_close(st.p, -2.0 * log((a + 1.0) / 2.4), 1e-12);
            assert_true(st.p > log(4.0));
            assert_true(st.release == 1.0);
        }
}

/* --- 5. the release clamp S <= K/h --- */

static void test_release_clamped_to_the_stock(void **state)
{
    (void)state;
    /* eps = 0.5, Kbar = 0.1, tau = 0.05, eta = 1, K = 0.1, h = 1, A = 0.3:
         unclamped S(p) = (0.1 - 0.1 e^{-p}) / 0.05 = 2 (1 - e^{-p}),
         which reaches K/h = 0.1 at e^{-p} = 0.95, p = -ln 0.95 = 0.0513.
       Supposing the clamp binds: e^{-0.5 p} = 0.3 + 0.1 = 0.4,
         p = -2 ln 0.4 = 1.83258146374831 > 0.0513 (so it does bind) and
         < ln 10 (inside the guard). release = K/h = 0.1 exactly. */
    const double w[] = {1.0}, eps[] = {0.5};
    const mr_market_rule r = {
        .rest_months = 0.1, .adjust_months = 0.05, .response = 1.0, .guard = log(10.0)};
    mr_market_step st = mr_market_clear(1, w, eps, 0.3, 0.1, &r, 1.0, 0.0);
    assert_true(st.release == 0.1 / 1.0);
    assert_close(st.p, -2.0 * log(0.4), 1e-12);
    assert_close(st.demand, 0.4, 1e-12);
    assert_int_equal(st.guard, 0);

    /* h = 0.5: K/h = 0.2, e^{-0.5 p} = 0.5, p = 2 ln 2 = 1.386 (clamped
       again: 2(1 - 1/4) = 1.5 > 0.2). */
    st = mr_market_clear(1, w, eps, 0.3, 0.1, &r, 0.5, 0.0);
    assert_true(st.release == 0.1 / 0.5);
    assert_close(st.p, 2.0 * log(2.0), 1e-12);
}

/* --- 6. the elasticity's path from short to long run --- */

static void test_elasticity_short_to_long_run(void **state)
{
    (void)state;
    /* eps_SR = 0.1, eps_LR = 0.5, tau_e = 12 months:
         a = 0:   0.1 exactly (the short run)
         a = 12:  0.5 + (0.1 - 0.5)/e = 0.5 - 0.4/e = 0.352848223531423
         a = 6:   0.5 - 0.4 e^{-1/2}            = 0.257387736...
         a = 1e4: 0.5 - 0.4 e^{-833}            = 0.5 (e^{-833} underflows to 0) */
    assert_true(mr_market_elasticity(0.1, 0.5, 12.0, 0.0) == 0.1);
    assert_close(mr_market_elasticity(0.1, 0.5, 12.0, 12.0), 0.5 - 0.4 / exp(1.0), 1e-15);
    assert_close(mr_market_elasticity(0.1, 0.5, 12.0, 6.0), 0.5 - 0.4 * exp(-0.5), 1e-15);
    assert_true(mr_market_elasticity(0.1, 0.5, 12.0, 1e4) == 0.5);
    /* eps_LR = eps_SR: constant */
    assert_true(mr_market_elasticity(0.3, 0.3, 12.0, 7.0) == 0.3);
}

/* --- 7. extra cost: int_1^P x^{-eps} dx --- */

static void test_extra_cost_closed_forms(void **state)
{
    (void)state;
    /* int_1^P x^{-eps} dx with P = e^y:
         eps = 0:   P - 1          = expm1(y)
         eps = 1:   ln P           = y
         eps = 2:   [-1/x]_1^P     = 1 - 1/P
         eps = 0.5: [2 sqrt x]_1^P = 2 (sqrt P - 1) */
    const double ys[] = {log(2.0), log(10.0), 0.05, -0.3};
    for (int i = 0; i < 4; i++) {
        double y = ys[i], P = exp(y);
        assert_close(mr_market_extra_cost(0.0, y), expm1(y), 1e-15);
        assert_true(mr_market_extra_cost(1.0, y) == y);
        assert_close(mr_market_extra_cost(2.0, y), 1.0 - 1.0 / P, 1e-15);
        assert_close(mr_market_extra_cost(0.5, y), 2.0 * (sqrt(P) - 1.0), 1e-14);
    }
    /* P = 2: eps = 0 -> 1, eps = 1 -> ln 2, eps = 2 -> 1/2,
       eps = 0.5 -> 2 (sqrt 2 - 1) = 0.828427124746190 */
    assert_close(mr_market_extra_cost(0.0, log(2.0)), 1.0, 1e-15);
    assert_close(mr_market_extra_cost(2.0, log(2.0)), 0.5, 1e-15);
    assert_close(mr_market_extra_cost(0.5, log(2.0)), 2.0 * (sqrt(2.0) - 1.0), 1e-15);
    /* at P0 nothing */
    assert_true(mr_market_extra_cost(0.3, 0.0) == 0.0);
    /* continuous through eps = 1: (P^k - 1)/k = y + k y^2/2 + ..., k = 1 - eps */
    assert_close(mr_market_extra_cost(1.0 + 1e-8, log(10.0)), log(10.0), 1e-7);
    assert_close(mr_market_extra_cost(1.0 - 1e-8, log(10.0)), log(10.0), 1e-7);
}

static void test_extra_cost_between_bounds(void **state)
{
    (void)state;
    /* For P > 1 and eps > 0, x^{-eps} on [1, P] lies between P^{-eps} and 1,
       so P^{-eps} (P - 1) < int_1^P x^{-eps} dx < P - 1 (MODEL §6m). */
    const double es[] = {0.0005, 0.05, 0.3, 0.9999999, 1.0, 1.5, 3.0};
    const double ys[] = {0.01, 0.2, log(2.0), log(10.0)};
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 4; j++) {
            double P = exp(ys[j]), xc = mr_market_extra_cost(es[i], ys[j]);
            assert_true(xc > pow(P, -es[i]) * (P - 1.0));
            assert_true(xc < P - 1.0);
        }
}

/* --- 8. monotone and unique --- */

static void test_price_falls_as_supply_rises(void **state)
{
    (void)state;
    /* Two segments and a price-responsive stock below rest. Excess demand
       f(p) = D(p) - A - S(p) is strictly decreasing in p and in A, so the
       clearing price falls strictly as A rises (while no guard binds), and
       does not depend on the starting price. */
    const double w[] = {0.7, 0.3}, eps[] = {0.2, 1.0};
    const mr_market_rule r = {
        .rest_months = 3.0, .adjust_months = 6.0, .response = 0.5, .guard = log(10.0)};
    double last = INFINITY;
    int cleared = 0;
    for (int i = 0; i <= 40; i++) {
        double A = 0.2 + 0.05 * i;
        mr_market_step st = mr_market_clear(2, w, eps, A, 2.0, &r, 1.0, 0.0);
        if (st.guard == 0) {
            assert_true(st.p < last);
            /* it clears: D(p) = A + S(p) */
            assert_close(st.demand, A + st.release, 1e-12);
            /* S(p) = (K - Kbar e^{-eta p}) / tau below K / h = 2, and
               D(p) = sum_k w_k e^{-eps_k p} */
            assert_close(st.release, (2.0 - 3.0 * exp(-0.5 * st.p)) / 6.0, 1e-15);
            assert_close(st.demand, 0.7 * exp(-0.2 * st.p) + 0.3 * exp(-st.p), 1e-15);
            cleared++;
        } else {
            assert_true(st.p <= last);
        }
        last = st.p;
        const double starts[] = {-2.3, -1.0, 1.0, 2.3};
        for (int k = 0; k < 4; k++) {
            mr_market_step again = mr_market_clear(2, w, eps, A, 2.0, &r, 1.0, starts[k]);
            assert_close(again.p, st.p, 1e-12);
            assert_int_equal(again.guard, st.guard);
        }
    }
    assert_true(cleared >= 30);
}

/* --- 9. MODEL §3s: the open market's stage, the docs' example --- */

static void test_open_market_stage_example(void **state)
{
    (void)state;
    /* Refining CN 0.9 (spare 0), ROW 0.1 (spare 0.1), CN home use d = 0.6.
         home  = min(0.6, 0.9) = 0.6, D = 1 - 0.6 = 0.4 (open market)
         e_CN  = 0.9 - 0.6 = 0.3,     s'_CN  = 0.3 / 0.4 = 0.75
         e_ROW = 0.1 - 0   = 0.1,     s'_ROW = 0.1 / 0.4 = 0.25
         spare'_ROW s'_ROW = 0.1 * 0.1 / 0.4 = 0.025 -> spare'_ROW = 0.1
       An export control withholding 40% of CN exports: loss {0.4, 0}:
         lost    = 0.75 * 0.4               = 0.3
         reroute = min(0.3, 1 * 0.25 * 0.1) = 0.025
         A       = 1 - 0.3 + 0.025          = 0.725
       The transformation s' = e / D itself (sim/model.c: open_market_shares,
       static) is tested end to end through whole runs elsewhere; here the
       transformed shares go through mr_stage_availability (MODEL §4). */
    const double share[] = {0.75, 0.25}, spare[] = {0.0, 0.1}, loss[] = {0.4, 0.0};
    assert_close(mr_stage_availability(2, share, spare, loss, 1.0), 0.725, 1e-15);
    /* half-way up the ramp: reroute 0.0125, A = 0.7125 */
    assert_close(mr_stage_availability(2, share, spare, loss, 0.5), 0.7125, 1e-15);
    /* v1's world stage for the same event (no home use, s' = s):
         lost = 0.9 * 0.4 = 0.36, reroute = 0.1 * 0.1 = 0.01, A = 0.65 */
    const double world[] = {0.9, 0.1};
    assert_close(mr_stage_availability(2, world, spare, loss, 1.0), 0.65, 1e-15);

    /* and that open market cleared by one segment of eps = 0.5, no stock:
         p = -ln(0.725) / 0.5 = 0.643167248254925 */
    const double w[] = {1.0}, eps[] = {0.5};
    const mr_market_rule r = no_stock(10.0);
    mr_market_step st = mr_market_clear(1, w, eps, 0.725, 0.0, &r, 1.0, 0.0);
    assert_close(st.p, -log(0.725) / 0.5, 1e-12);
}

/* mr_market_open_shares and mr_market_open_demand themselves on the same
   example (MODEL §3s), where the test above starts from the transformed
   shares: refining CN 0.9 (spare 0), ROW 0.1 (spare 0.1), CN home use 0.6:
   D = 0.4, s'_CN = 0.3 / 0.4 = 0.75, s'_ROW = 0.1 / 0.4 = 0.25, spare'_ROW
   = 0.1 x 0.1 / 0.1 = 0.1. With a home use above the country's share, CN
   0.95 > 0.9: home min(0.95, 0.9) = 0.9, D = 0.1, CN exports nothing
   (share 0, spare 0), ROW is the whole open market (0.1 / 0.1 = 1, spare
   0.1). A mineral with a mining stage only: that stage is the product
   stage; with the same suppliers and no home use D = 1 and s' = s
   exactly (the engine calls mr_market_open_shares only for a market with
   home uses, so a stage without keeps its spare as given). */
static void test_open_market_shares_by_hand(void **state)
{
    (void)state;
    mr_supplier sup[2] = {{.country = 0, .share = 0.9, .spare = 0.0},
                          {.country = 1, .share = 0.1, .spare = 0.1}};
    int cn = 0;
    double use = 0.6, share[2], spare[2];
    mr_mineral mi = {0};
    mi.stage[MR_STAGE_REFINING] = (mr_stage){.n = 2, .suppliers = sup};
    mi.market =
        (mr_market){.present = true, .ndomestic = 1, .domestic_country = &cn, .domestic_use = &use};
    assert_int_equal(mr_product_stage(&mi), MR_STAGE_REFINING);
    assert_close(mr_market_open_demand(&mi), 0.4, 1e-16);
    mr_market_open_shares(&mi, share, spare);
    assert_close(share[0], 0.75, 1e-15);
    assert_close(share[1], 0.25, 1e-15);
    assert_close(spare[1], 0.1, 1e-16);
    assert_true(spare[0] == 0.0);

    use = 0.95;
    assert_close(mr_market_open_demand(&mi), 0.1, 1e-16);
    mr_market_open_shares(&mi, share, spare);
    assert_true(share[0] == 0.0 && spare[0] == 0.0);
    assert_close(share[1], 1.0, 1e-15);
    assert_close(spare[1], 0.1, 1e-16);

    mr_mineral mine = {0};
    mine.stage[MR_STAGE_MINING] = (mr_stage){.n = 2, .suppliers = sup};
    assert_int_equal(mr_product_stage(&mine), MR_STAGE_MINING);
    assert_true(mr_market_open_demand(&mine) == 1.0);
    mr_market_open_shares(&mine, share, spare);
    assert_true(share[0] == 0.9 && share[1] == 0.1 && spare[0] == 0.0);
    assert_close(spare[1], 0.1, 1e-16); /* 0.1 x 0.1 / 0.1: an ulp off 0.1 */
}

/* mr_market_buyer_cost: a buyer that cannot substitute (eps = 0) pays
   exactly P - 1 = N S - 1, since (S - 1) + (N - 1) S = N S - 1; with no
   scarcity (p = 0, S = 1) any buyer pays N - 1; with eps = 1 and S = 2,
   N = 1.5: ln 2 + 0.5 * 2^0 = ln 2 + 0.5; with eps = 0.5, S = 4, N = 1.25:
   (4^0.5 - 1) / 0.5 + 0.25 * 4^0.5 = 2.5. */
static void test_buyer_cost_by_hand(void **state)
{
    (void)state;
    double p = log(3.0), s = 3.0, n = 1.25;
    assert_true(fabs(mr_market_buyer_cost(0.0, p, n) - (n * s - 1.0)) <= 1e-14);
    assert_true(fabs(mr_market_buyer_cost(0.7, 0.0, n) - (n - 1.0)) <= 1e-15);
    assert_true(fabs(mr_market_buyer_cost(1.0, log(2.0), 1.5) - (log(2.0) + 0.5)) <= 1e-15);
    assert_true(fabs(mr_market_buyer_cost(0.5, log(4.0), n) - 2.5) <= 1e-15);
}

/* docs/MODEL.md §5m and §6m together: one step of a market whose demand has
   two segments, the rest of the world and a UK need with its own
   Hicks-Marshall elasticity, while commercial stock is drawn.
   Rest of the world: eps(0) = eps_SR = 2 (short run, age 0). The UK need:
   cost share c = 0.2, substitutable sigma = 0.4, so
     eps_j(0) = c + sigma eps_SR + (eps(0) - eps_SR) = 0.2 + 0.8 + 0 = 1,
   and in the long run (eps_LR = 3) c + eps_LR - (1 - sigma) eps_SR = 2.
   (The document's magnet: c = 0.0005, sigma = 0.1, eps_SR = 0.08: 0.0085.)
   Weights 0.9 and 0.1, y = e^{-p}: D = 0.9 y^2 + 0.1 y. Stock: Kbar = K = 2,
   tau = 2, eta = 1: S = (2 - 2 y)/2. Supply A = 0.7. D = A + S:
     0.9 y^2 + 1.1 y - 1.7 = 0,  y = (-1.1 + sqrt(1.21 + 6.12)) / 1.8
                                   = 0.892998485631209
     p = -ln y = 0.113170393928790,  S = 1 - y = 0.107001514368791 (drawn,
     below K/h = 2),  D = 0.807001514368791 = A + S.
   The UK need's extra cost per unit of spend at eps_j = 1 is ln S = p
   (N = 1), plus (N - 1) S^0 = 0.1 at N = 1.1. */
static void test_two_segments_with_a_stock_draw_by_hand(void **state)
{
    (void)state;
    const double eps_sr = 2.0;
    const double eps_uk = mr_market_need_elasticity(0.2, 0.4, eps_sr, eps_sr);
    assert_close(eps_uk, 1.0, 1e-15);
    assert_close(mr_market_need_elasticity(0.2, 0.4, eps_sr, 3.0), 2.0, 1e-15);
    assert_close(mr_market_need_elasticity(0.0005, 0.1, 0.08, 0.08), 0.0085, 1e-15);
    const double w[] = {0.9, 0.1}, eps[] = {eps_sr, eps_uk};
    const mr_market_rule r = {
        .rest_months = 2.0, .adjust_months = 2.0, .response = 1.0, .guard = log(10.0)};
    const double y = (-1.1 + sqrt(1.21 + 6.12)) / 1.8, p = -log(y);
    const double starts[] = {0.0, 1.0, -1.0};
    for (int i = 0; i < 3; i++) {
        mr_market_step st = mr_market_clear(2, w, eps, 0.7, 2.0, &r, 1.0, starts[i]);
        assert_close(st.p, p, 1e-12);
        assert_close(st.release, 1.0 - y, 1e-12);
        assert_close(st.demand, 0.9 * y * y + 0.1 * y, 1e-12);
        assert_close(st.demand, 0.7 + st.release, 1e-12);
        assert_true(st.served == 1.0);
        assert_int_equal(st.guard, 0);
    }
    assert_close(mr_market_buyer_cost(eps_uk, p, 1.0), p, 1e-15);
    assert_close(mr_market_buyer_cost(eps_uk, p, 1.1), p + 0.1, 1e-15);
}

/* --- 10. the solver's start and its accuracy --- */

static void test_start_predicts_to_second_order(void **state)
{
    (void)state;
    /* One segment of eps = 0.5, no stock: D(p) = e^{-p/2} = A, so
       p = -2 ln A. Cleared at A = 0.5 (p = 2 ln 2, D = 0.5, f' = -0.25,
       f'' = 0.125, D' = -0.25). */
    const double w[] = {1.0}, eps[] = {0.5}, eps2[] = {0.52};
    const mr_market_rule r = no_stock(100.0);
    mr_market_step last = mr_market_clear(1, w, eps, 0.5, 0.0, &r, 1.0, 0.0);
    /* (series from the last evaluation: as accurate as a start needs) */
    assert_close(last.slope, -0.25, 1e-9);
    assert_close(last.curve, 0.125, 1e-9);
    assert_close(last.demand_slope, -0.25, 1e-9);
    /* supply up to 0.51: p = -2 ln 0.51; to second order
         dp = -0.04 - 0.5 * 0.125 * 0.04^2 / -0.25 = -0.0396,
       against -2 ln 1.02 = -0.0396053: off by 5.3e-6 (third order) */
    double exact = -2.0 * log(0.51), q = mr_market_start(&last, &r, 0.01, 0.0, 0.0);
    assert_true(fabs(q - exact) < 1e-5);
    assert_close(q, last.p - 0.0396, 1e-12);
    /* the elasticity up to 0.52 at A = 0.5: p = ln 2 / 0.52, from 2 ln 2 by
       -0.0533190; the start (f_e = -p D, f_ee = p^2 D, f_pe = -D - p D')
       is off by about 2e-5 */
    exact = log(2.0) / 0.52;
    q = mr_market_start(&last, &r, 0.0, 0.0, 0.02);
    assert_true(fabs(q - exact) < 1e-4 && fabs(q - exact) < 0.01 * fabs(last.p - exact));
    /* and the solve from there lands on the root */
    mr_market_step st = mr_market_clear(1, w, eps2, 0.5, 0.0, &r, 1.0, q);
    assert_close(st.p, exact, 2e-15);
    /* no slope (a guard, or at rest): the last price itself */
    mr_market_step none = {.p = 0.7};
    assert_true(mr_market_start(&none, &r, 0.1, 0.0, 0.0) == 0.7);
}

static void test_root_to_round_off(void **state)
{
    (void)state;
    /* D(p) = e^{-p/2} = A: p = -2 ln A, from any start, to the round-off of
       f (|f'| = A / 2 >= 0.15, so 2e-15 in p), and D(p) = A to 1e-15 */
    const double w[] = {1.0}, eps[] = {0.5};
    const mr_market_rule r = no_stock(100.0);
    const double starts[] = {-4.0, -0.3, 0.0, 0.2, 1.0, 3.0, 4.5};
    for (int i = 0; i <= 26; i++) {
        double A = 0.3 + 0.025 * i;
        for (int k = 0; k < 7; k++) {
            double p0 = starts[k];
            for (int near = 0; near < 2; near++) {
                mr_market_step st = mr_market_clear(1, w, eps, A, 0.0, &r, 1.0, p0);
                assert_int_equal(st.guard, 0);
                assert_close(st.p, -2.0 * log(A), 2e-15);
                assert_close(st.demand, A, 1e-15);
                p0 = -2.0 * log(A) + 1e-6; /* then a start next to the root */
            }
        }
    }
}

/* A steep demand curve, started far from its root. One segment of eps = 50
   (the loader takes elasticities up to 100), no stock, guard ln 1e6 (the
   largest max_multiple it takes), A = 0.5:
     e^{-50 p} = 0.5  <=>  p = ln 2 / 50 = 0.0138629436111989,
   |f'| = 50 * 0.5 = 25 there, so the round-off of f is 1e-16 / 25 in p.
   From a start on the flat side (p0 = 13: f = e^{-650} - 0.5, f' = -50
   e^{-650}) Halley's step is 1/|f''/2f'| = 2/50 = 0.04 a step, so 325
   steps to the root; from p0 = -13 (f = e^{650}) it is the same 0.04 the
   other way. Until 2026-12-06 the solve stopped at its 200th evaluation
   and returned the price it had reached (p = 5.0 from p0 = 13) as if it
   had cleared. */
static void test_steep_demand_from_far_starts(void **state)
{
    (void)state;
    const double w[] = {1.0}, eps[] = {50.0};
    const mr_market_rule r = no_stock(1e6);
    const double starts[] = {13.0, 10.0, 6.0, -6.0, -10.0, -13.0, 0.0};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        mr_market_step st = mr_market_clear(1, w, eps, 0.5, 0.0, &r, 1.0, starts[i]);
        assert_int_equal(st.guard, 0);
        assert_close(st.p, log(2.0) / 50.0, 1e-16);
        assert_close(st.demand, 0.5, 1e-15);
    }
}

/* How many evaluations of f a solve takes (mr_market_step.evals).
   (a) From the root itself, p0 = ln 2 / 50 (the market of the test above):
   the first evaluation's Newton step is round-off, below 4e-5, so the
   fourth-order finish ends the solve there: 1 evaluation.
   (b) From the far starts of the test above: Halley's step from p0 = 13 is
   0.04, so 16 of them reach only 12.36, above the root: the solve needs
   more than 16 evaluations (the switch to every other step bisecting).
   Past the 16th, the bracket (at most 2g = 2 ln 1e6 = 27.63 wide, each
   guard evaluated at most once) at least halves every two evaluations,
   and bisection stops at 1e-13: ceil(log2(27.63 / 1e-13)) = 48 halvings,
   so at most 16 + 2 x 48 + 2 = 114 evaluations.
   (c) A market short at every price, w = 1, eps = 1, A = 0.1, no stock,
   max_multiple 2 (g = ln 2), from p0 = 0: f(0) = 0.9, f' = -1, f'' = 1,
   so Halley's step is 0.9 / (1 - 0.45) = 1.64 > g: it leaves the bracket,
   the upper guard is evaluated (f(g) = 0.5 - 0.1 > 0) and binds: 2. */
static void test_evaluations_counted(void **state)
{
    (void)state;
    const double w[] = {1.0}, eps[] = {50.0};
    const mr_market_rule r = no_stock(1e6);
    mr_market_step st = mr_market_clear(1, w, eps, 0.5, 0.0, &r, 1.0, log(2.0) / 50.0);
    assert_int_equal(st.guard, 0);
    assert_int_equal(st.evals, 1);
    const double starts[] = {13.0, 10.0, 6.0, -6.0, -10.0, -13.0};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        st = mr_market_clear(1, w, eps, 0.5, 0.0, &r, 1.0, starts[i]);
        assert_int_equal(st.guard, 0);
        if (starts[i] == 13.0)
            assert_true(st.evals > 16);
        assert_in_range(st.evals, 2, 114);
    }
    const double e1[] = {1.0};
    const mr_market_rule r2 = no_stock(2.0);
    st = mr_market_clear(1, w, e1, 0.1, 0.0, &r2, 1.0, 0.0);
    assert_int_equal(st.guard, 1);
    assert_int_equal(st.evals, 2);
}

/* Bisection where f' = 0: demand that does not respond to price (one
   segment, eps = 0, w = 1: D = 1) and a stock that hits its cap. K = 2,
   Kbar = 2, tau = 1, eta = 1, A = 0.5, h = 3: S(p) = 2 - 2 e^{-p}, capped at
   K / h = 2/3 where e^{-p} < 2/3 (p > ln 1.5 = 0.405). The root: S = 0.5,
   e^{-p} = 3/4, p = ln(4/3) = 0.28768207245178090. From a start in the
   capped region (p0 >= 1) f = 1 - 0.5 - 2/3 < 0 is flat there (f' = 0), so
   no Newton step can be taken: the solve bisects until it reaches the
   uncapped side, then converges. From every start: the same root and
   S = 1/2 released. */
static void test_bisection_where_f_is_flat(void **state)
{
    (void)state;
    const double w[] = {1.0}, eps[] = {0.0};
    const mr_market_rule r = {
        .rest_months = 2.0, .adjust_months = 1.0, .response = 1.0, .guard = log(100.0)};
    for (double p0 = -4.0; p0 <= 4.0; p0 += 1.0) {
        mr_market_step st = mr_market_clear(1, w, eps, 0.5, 2.0, &r, 3.0, p0);
        assert_int_equal(st.guard, 0);
        assert_close(st.p, log(4.0 / 3.0), 1e-15);
        assert_close(st.release, 0.5, 1e-15);
        assert_close(st.demand, 1.0, 0.0);
        if (p0 >= 1.0)
            assert_true(st.evals >= 2);
    }
}

/* Exponents beyond the range of a double at the lower guard, where a
   weight or the rest stock is 0. With max_multiple 1e6 (g = ln 1e6 =
   13.8155) an elasticity or stock response above 709 / g = 51.3 (the
   loader takes up to 100) makes e^{-eps p} overflow near -g, and 0 times
   that is NaN: until 2026-12-06 such an f counted as "below the root" and
   the solve returned p = -g with D or S NaN.
   (a) A segment of weight 0 (a need with demand_share 0) and eps = 100
   next to one of weight 1 and eps = 0.5, no stock, A = 0.5: the root is
   e^{-p/2} = 0.5, p = 2 ln 2, from any start (p0 = -13: e^{1300}).
   (b) stock_months 0 with stock_price_response 100 and a rush, K = 10,
   tau = 3, h = 1, A = 1, one segment of eps = 0.05: the stockholders'
   target Kbar e^{-eta p} is 0 at every p, so S = K / tau = 10/3 (below K/h
   = 10); D(-g) = 1e6^{0.05} = 10^{0.3} = 1.99526 < 1 + 10/3: a glut even
   at the lower guard, p = -g, S = 10/3, D = 10^{0.3}. */
static void test_overflow_next_to_a_zero(void **state)
{
    (void)state;
    const double w[] = {1.0, 0.0}, eps[] = {0.5, 100.0};
    const mr_market_rule r = no_stock(1e6);
    const double starts[] = {-13.0, -6.0, 0.0, 6.0};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        mr_market_step st = mr_market_clear(2, w, eps, 0.5, 0.0, &r, 1.0, starts[i]);
        assert_int_equal(st.guard, 0);
        assert_close(st.p, 2.0 * log(2.0), 1e-15);
        assert_close(st.demand, 0.5, 1e-15);
        assert_true(st.release == 0.0);
    }
    const double one[] = {1.0}, flat[] = {0.05};
    const mr_market_rule rush = {
        .rest_months = 0.0, .adjust_months = 3.0, .response = 100.0, .guard = log(1e6)};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        mr_market_step st = mr_market_clear(1, one, flat, 1.0, 10.0, &rush, 1.0, starts[i]);
        assert_int_equal(st.guard, -1);
        assert_true(st.p == -log(1e6));
        assert_close(st.release, 10.0 / 3.0, 1e-15);
        assert_close(st.demand, pow(10.0, 0.3), 1e-14);
        assert_true(st.served == 1.0);
    }
}

/* Exponents up to 700 are exact: only those beyond are held (the clamp
   keeps 0 x e^{>709} from being NaN, nothing more). One segment of
   weight 1 and eps = 0 (D = 1 at every price) and one of weight e^{-300}
   and eps = 100, no stock, guard ln 1e6, A = 2:
     f(p) = 1 + e^{-300 - 100 p} - 2 = 0  <=>  p = -3,
   where the second segment's exponent is 300 (its weight times e^{300} is
   1, demand 2); |f'| = 100 there, so p to 1e-15. Held at an exponent
   below 300 the second segment would stay below 1 at every p, and the
   market would be a glut at the lower guard. From several starts. */
static void test_exponents_below_the_clamp_are_exact(void **state)
{
    (void)state;
    const double w[] = {1.0, exp(-300.0)}, eps[] = {0.0, 100.0};
    const mr_market_rule r = no_stock(1e6);
    const double starts[] = {0.0, -3.5, -13.0, 5.0};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        mr_market_step st = mr_market_clear(2, w, eps, 2.0, 0.0, &r, 1.0, starts[i]);
        assert_int_equal(st.guard, 0);
        assert_close(st.p, -3.0, 1e-15);
        assert_close(st.demand, 2.0, 1e-14);
    }
}

/* --- 11. the refill after a shortage (A = 1, K below rest) --- */

/* eps = 1, eta = 1, x = e^{-p}, A = 1: D = x, S = (K - Kbar x)/tau, and
     x = 1 + (K - Kbar x)/tau  <=>  x = (tau + K) / (tau + Kbar).
   Kbar = 3, tau = 3, K = 2.7:
     x = 5.7 / 6 = 0.95,  p = -ln 0.95 = 0.0512932943875505,
     S = (2.7 - 2.85)/3 = -0.05 (rebuilding: demand), D = 0.95 = 1 + S.
   eps = 2, eta = 1, K = 2.5: x^2 + x - c = 0, c = 1 + 2.5/3 = 1.8333...,
     x = (-1 + sqrt(1 + 4c)) / 2 = 0.943375672974065,
     p = -ln x = 0.0582915130566560, S = (2.5 - 3x)/3 = -0.110042339640731.
   The start's series y (b1 + y (b2 + y (b3 + y b4))), y = (Kbar - K)/tau,
   is the root to fourth order: for eps = eta = 1, g(p) = 2 (1 - e^{-p}), so
   p = -ln(1 - y/2) = y/2 + y^2/8 + y^3/24 + y^4/64 + ...: b = 1/2, 1/8,
   1/24, 1/64 exactly, and the limit is 1/4 / max(eps, eta) = 1/4. */
static void test_refill_by_hand(void **state)
{
    (void)state;
    const double w[] = {1.0}, eps1[] = {1.0}, eps2[] = {2.0};
    const mr_market_rule r = {
        .rest_months = 3.0, .adjust_months = 3.0, .response = 1.0, .guard = log(10.0)};
    double b[MR_REFILL_COEF];
    mr_market_refill_coef(1, w, eps1, &r, b);
    assert_close(b[0], 0.5, 1e-16);
    assert_close(b[1], 1.0 / 8.0, 1e-16);
    assert_close(b[2], 1.0 / 24.0, 1e-16);
    assert_close(b[3], 1.0 / 64.0, 1e-16);
    assert_true(b[4] == 0.25);
    double y = (3.0 - 2.7) / 3.0, p0 = mr_market_refill_start(b, y), exact = -log(0.95);
    /* fifth order: y^5 / 160 = 6.25e-8 */
    assert_true(fabs(p0 - exact) < 1e-7);
    mr_market_step st;
    assert_int_equal(mr_market_refill(1, w, eps1, 2.7, &r, 1.0, p0, &st), 1);
    assert_close(st.p, exact, 2e-16);
    assert_close(st.release, -0.05, 1e-15);
    assert_close(st.demand, 0.95, 1e-15);
    assert_true(st.served == 1.0);
    assert_int_equal(st.guard, 0);
    /* what mr_market_clear finds from the same start, to the round-off */
    mr_market_step cl = mr_market_clear(1, w, eps1, 1.0, 2.7, &r, 1.0, p0);
    assert_close(st.p, cl.p, 1e-16);

    mr_market_refill_coef(1, w, eps2, &r, b);
    assert_true(b[4] == 0.125); /* 1/4 / eps */
    const double c = 1.0 + 2.5 / 3.0, x = (-1.0 + sqrt(1.0 + 4.0 * c)) / 2.0;
    p0 = mr_market_refill_start(b, 0.5 / 3.0);
    assert_true(fabs(p0 + log(x)) < 1e-4);
    assert_int_equal(mr_market_refill(1, w, eps2, 2.5, &r, 1.0, p0, &st), 1);
    assert_close(st.p, -log(x), 2e-16);
    assert_close(st.release, (2.5 - 3.0 * x) / 3.0, 1e-15);
    assert_close(st.demand, x * x, 1e-15);

    /* a start too far from the root for one evaluation: declined (the
       caller solves with mr_market_clear) */
    assert_int_equal(mr_market_refill(1, w, eps2, 2.5, &r, 1.0, 0.0, &st), 0);
    /* a root next to the guard: declined */
    const mr_market_rule tight = {
        .rest_months = 3.0, .adjust_months = 3.0, .response = 1.0, .guard = -log(x) + 5e-5};
    assert_int_equal(mr_market_refill(1, w, eps2, 2.5, &tight, 1.0, -log(x), &st), 0);
    mr_market_refill_coef(1, w, eps2, &tight, b);
    assert_true(b[4] == tight.guard - 2e-4); /* the guard, not 1/8, limits */
}

/* The refill against a reference in long double (Newton on expl from
   bisection, to the round-off of long double): 20,000 markets of two
   segments and a price-responsive stock, drawn by a fixed LCG, K below
   rest and A = 1; where the refill takes the market (its start within the
   limit, one evaluation enough: more than half of them) the root agrees with the reference to the
   round-off of f: |p - p_true| |f'| <= 2e-15, and S and D to 1e-15. */
static long double f_ref(int n, const double *w, const double *eps, double K,
                         const mr_market_rule *r, long double p, long double *df)
{
    long double f = -1.0L - (K - r->rest_months * expl(-(long double)r->response * p)) /
                                (long double)r->adjust_months,
                d = -(long double)r->response * r->rest_months *
                    expl(-(long double)r->response * p) / (long double)r->adjust_months;
    for (int k = 0; k < n; k++) {
        long double x = w[k] * expl(-(long double)eps[k] * p);
        f += x;
        d -= eps[k] * x;
    }
    *df = d;
    return f;
}

/* a fixed LCG: uniform on [0, 1) */
static double u01(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) * 0x1p-53;
}

static void test_refill_to_round_off(void **state)
{
    (void)state;
    uint64_t s = 12345;
    int taken = 0;
    for (int i = 0; i < 20000; i++) {
        /* one draw a statement: the order of the draws is fixed */
        double w[2], eps[2], v, h = 1.0;
        mr_market_rule r;
        w[0] = 0.98 + 0.02 * u01(&s);
        w[1] = 1.0 - w[0];
        eps[0] = 0.02 + 1.5 * u01(&s);
        eps[1] = 0.005 + 0.5 * u01(&s);
        r.rest_months = 0.5 + 5.0 * u01(&s);
        r.adjust_months = 0.5 + 5.0 * u01(&s);
        r.response = 3.0 * u01(&s);
        r.guard = log(2.0 + 50.0 * u01(&s));
        v = u01(&s);
        double K = r.rest_months * (1.0 - 0.999 * v * v);
        double b[MR_REFILL_COEF];
        mr_market_refill_coef(2, w, eps, &r, b);
        double p0 =
            mr_market_refill_start(b, (w[0] + w[1] - 1.0) + (r.rest_months - K) / r.adjust_months);
        mr_market_step st;
        if (!(fabs(p0) <= b[4]) || !mr_market_refill(2, w, eps, K, &r, h, p0, &st))
            continue;
        taken++;
        /* reference: bisection on [0, 1] (f(0) > 0 > f(1) here), then Newton */
        long double lo = 0.0L, hi = 1.0L, d;
        while (f_ref(2, w, eps, K, &r, hi, &d) > 0.0L)
            hi *= 2.0L;
        for (int it = 0; it < 40; it++) {
            long double mid = 0.5L * (lo + hi);
            if (f_ref(2, w, eps, K, &r, mid, &d) > 0.0L)
                lo = mid;
            else
                hi = mid;
        }
        long double pt = 0.5L * (lo + hi);
        for (int it = 0; it < 5; it++) {
            long double f = f_ref(2, w, eps, K, &r, pt, &d);
            pt -= f / d;
        }
        f_ref(2, w, eps, K, &r, pt, &d);
        assert_true(fabsl((long double)st.p - pt) * fabsl(d) <= 2e-15L);
        long double S = (K - r.rest_months * expl(-(long double)r.response * pt)) /
                        (long double)r.adjust_months;
        assert_true(fabsl((long double)st.release - S) <= 1e-15L);
        assert_true(fabsl((long double)st.demand - (1.0L + S)) <= 1e-15L);
    }
    assert_true(taken > 10000); /* the refill takes 11,109 of them (the rest start too far) */
}

/* mr_expm1_small, mr_exprel_small and mr_exp against expm1l and expl on
   |x| <= 1/4: within 1 ulp (relative DBL_EPSILON); exactly 0, 1 and 1 at 0. */
static void test_small_exponentials(void **state)
{
    (void)state;
    assert_true(mr_expm1_small(0.0) == 0.0 && mr_exprel_small(0.0) == 1.0 && mr_exp(0.0) == 1.0);
    for (int i = -100000; i <= 100000; i++) {
        double x = 0.25 * i / 100000.0;
        long double t = expm1l((long double)x), e = expl((long double)x);
        assert_true(fabsl(((long double)mr_exp(x) - e) / e) <= DBL_EPSILON);
        if (i == 0)
            continue;
        assert_true(fabsl(((long double)mr_expm1_small(x) - t) / t) <= DBL_EPSILON);
        assert_true(fabsl(((long double)mr_exprel_small(x) - t / x) / (t / x)) <= DBL_EPSILON);
    }
    /* beyond 1/4 the C library */
    assert_true(mr_exp(0.3) == exp(0.3) && mr_expm1(-0.3) == expm1(-0.3));
}

/* The buyer's cost on the small path ((1 - eps) p within 1/4, no
   division): eps = 0.5, S = 1.21 (p = ln 1.21), N = 1.25:
   (1.1 - 1) / 0.5 + 0.25 * 1.1 = 0.2 + 0.275 = 0.475. */
static void test_buyer_cost_small_path(void **state)
{
    (void)state;
    assert_close(mr_market_buyer_cost(0.5, log(1.21), 1.25), 0.475, 1e-15);
    double g;
    assert_close(mr_market_surplus_loss(0.5, log(1.21), &g), 0.2, 1e-16);
    assert_close(g, 0.1, 1e-16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demand_by_hand),
        cmocka_unit_test(test_release_by_hand),
        cmocka_unit_test(test_two_segments_solve_a_quadratic),
        cmocka_unit_test(test_one_segment_is_v1_scarcity_premium),
        cmocka_unit_test(test_at_rest_the_price_is_zero),
        cmocka_unit_test(test_stock_at_rest_does_not_move),
        cmocka_unit_test(test_stock_rebuild_is_demand),
        cmocka_unit_test(test_price_responsive_stock_linear),
        cmocka_unit_test(test_price_responsive_stock_quadratic),
        cmocka_unit_test(test_upper_guard_rations),
        cmocka_unit_test(test_lower_guard_glut),
        cmocka_unit_test(test_roots_next_to_the_guards),
        cmocka_unit_test(test_root_on_the_upper_guard),
        cmocka_unit_test(test_roots_next_to_the_stock_cap),
        cmocka_unit_test(test_release_clamped_to_the_stock),
        cmocka_unit_test(test_elasticity_short_to_long_run),
        cmocka_unit_test(test_extra_cost_closed_forms),
        cmocka_unit_test(test_buyer_cost_by_hand),
        cmocka_unit_test(test_two_segments_with_a_stock_draw_by_hand),
        cmocka_unit_test(test_extra_cost_between_bounds),
        cmocka_unit_test(test_price_falls_as_supply_rises),
        cmocka_unit_test(test_open_market_stage_example),
        cmocka_unit_test(test_open_market_shares_by_hand),
        cmocka_unit_test(test_start_predicts_to_second_order),
        cmocka_unit_test(test_root_to_round_off),
        cmocka_unit_test(test_steep_demand_from_far_starts),
        cmocka_unit_test(test_evaluations_counted),
        cmocka_unit_test(test_bisection_where_f_is_flat),
        cmocka_unit_test(test_overflow_next_to_a_zero),
        cmocka_unit_test(test_exponents_below_the_clamp_are_exact),
        cmocka_unit_test(test_refill_by_hand),
        cmocka_unit_test(test_refill_to_round_off),
        cmocka_unit_test(test_small_exponentials),
        cmocka_unit_test(test_buyer_cost_small_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
