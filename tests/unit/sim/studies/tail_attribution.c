/* tail_attribution.c - tail attribution (sim/studies/attribution.h): the split of a
 * hand-worked trial by log-survival weights, the allocation of replayed
 * trials summing to their losses, the tail trials and weights of ES 99
 * with ties, the co-ES shares and their intervals, and the whole
 * /attribution table independent of the thread count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/studies/attribution.h"
#include "sim/studies/run_extras.h"
#include "out/stats/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* |a - b| <= tol, with both values in the message (cmocka 1.1.5 has no
   assert_double_equal). */
#define assert_double_equal(a, b, tol) near((a), (b), (tol), #a, __LINE__)
static void near(double a, double b, double tol, const char *what, int line)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("line %d: %s = %.17g, expected %.17g (tolerance %g)", line, what, a, b, tol);
}

static void parse(const char *name, const char *yaml, mr_scenario *sc)
{
    mr_error err = {{0}};
    if (mr_scenario_parse(name, yaml, strlen(yaml), sc, &err))
        fail_msg("%s", err.msg);
}

/* The source named s, or fail. */
static int source(const mr_attr_plan *pl, const char *s)
{
    for (int k = 0; k < pl->K; k++)
        if (!strcmp(pl->name[k], s))
            return k;
    fail_msg("no source %s", s);
    return -1;
}

/* Two certain occurrences of two events on the same supply (CN, the only
   refiner, no spare): A withholds 0.5 on steps 0-5, B 0.75 on steps 3-8.
   u = 0.5 (t = 0-2), 1 - 0.5 * 0.25 = 0.875 (t = 3-5), 0.75 (t = 6-8).
   On the overlap the weights are -ln 0.5 : -ln 0.25 = 1 : 2, so
   U_A = 3 * 0.5 + 3 * 0.875 / 3 = 2.375 and U_B = 3 * 0.875 * 2 / 3 +
   3 * 0.75 = 4, and A's share of every loss is 2.375 / 6.375 = 19/51. */
static const char overlap_yaml[] =
    "name: overlap\n"
    "simulation: {horizon_years: 1, steps_per_year: 12, trials: 1, seed: 3}\n"
    "countries: {CN: {}}\n"
    "minerals:\n"
    "  gallium:\n"
    "    demand_t: 10\n"
    "    refining: [{country: CN, share: 1.0}]\n"
    "    price: {ref: 500, sigma: 0}\n"
    "sectors:\n"
    "  electronics:\n"
    "    output_gbp: 1.2e9\n"
    "    needs: [{mineral: gallium, dependent_share: 1, demand_share: 1, spend_gbp: 1.0e6}]\n"
    "events:\n"
    "  a:\n"
    "    country: CN\n"
    "    minerals: [gallium]\n"
    "    occurrences: [{start_years: 0, severity: 0.5, duration_months: 6}]\n"
    "  b:\n"
    "    country: CN\n"
    "    minerals: [gallium]\n"
    "    occurrences: [{start_years: 0.25, severity: 0.75, duration_months: 6}]\n";

static void test_overlapping_occurrences_split_by_log_survival(void **state)
{
    (void)state;
    mr_scenario sc;
    parse("overlap.yaml", overlap_yaml, &sc);
    mr_error err = {{0}};
    mr_model md;
    mr_attr_plan pl;
    assert_int_equal(mr_model_build(&sc, &md, &err), 0);
    assert_int_equal(mr_attr_plan_build(&sc, &md, &pl, &err), 0);
    mr_replayer *rp = mr_replayer_new(&sc, NULL, &err);
    assert_non_null(rp);
    mr_trace tr;
    mr_results row;
    mr_attr_work w = {0};
    assert_int_equal(mr_trace_alloc(&tr, 1, 1, 12), 0);
    assert_int_equal(mr_results_alloc(&row, 1, 1, 1, 1, 12), 0);
    assert_int_equal(mr_attr_work_alloc(&w, &pl), 0);
    assert_int_equal(mr_replayer_run(rp, 0, &row, &tr), 0);
    /* the trial is the hand-worked one */
    const double u[12] = {0.5, 0.5, 0.5, 0.875, 0.875, 0.875, 0.75, 0.75, 0.75, 0, 0, 0};
    for (int t = 0; t < 12; t++)
        assert_double_equal(tr.u[t], u[t], 1e-15);
    assert_int_equal(tr.nocc, 2);
    const double ol = row.sector_output_loss[0], xc = row.sector_extra_cost[0];
    assert_double_equal(ol, 6.375 * 1.2e9 / 12, 1e-3); /* sum_t u(t) Y dt */
    assert_true(xc > 0.0);                             /* scarcity premium */

    double out[2 * 6];
    assert_int_equal(pl.K, 5); /* gallium, CN, a, b, none */
    mr_attr_allocate(&pl, &tr, &ol, &xc, &w, out);
    const int ka = source(&pl, "event/a"), kb = source(&pl, "event/b");
    const int kg = source(&pl, "mineral/gallium"), kc = source(&pl, "country/CN");
    const int kn = source(&pl, "none/price-noise");
    for (int s = 0; s < 2; s++) { /* the sector, then the total */
        const double *a = out + s * pl.K, L = ol + xc;
        assert_double_equal(a[ka], L * 19.0 / 51.0, 1e-12 * L);
        assert_double_equal(a[kb], L * 32.0 / 51.0, 1e-12 * L);
        assert_double_equal(a[kg], L, 1e-12 * L);
        assert_double_equal(a[kc], L, 1e-12 * L);
        assert_true(a[kn] == 0.0);
    }
    mr_attr_work_free(&w);
    mr_results_free(&row);
    mr_trace_free(&tr);
    mr_replayer_free(rp);
    mr_attr_plan_free(&pl);
    mr_model_free(&md);
    mr_scenario_free(&sc);
}

/* A total outage (s = 1) with a partial one: weights MR_ATTR_FULL_WEIGHT :
   -ln(1 - s), finite, so both get a part. */
static void test_total_outage_has_a_finite_weight(void **state)
{
    (void)state;
    char yaml[sizeof overlap_yaml + 16];
    snprintf(yaml, sizeof yaml, "%s", overlap_yaml);
    char *s = strstr(yaml, "severity: 0.75");
    memcpy(s, "severity: 1.00", 14);
    mr_scenario sc;
    parse("overlap1.yaml", yaml, &sc);
    mr_error err = {{0}};
    mr_model md;
    mr_attr_plan pl;
    assert_int_equal(mr_model_build(&sc, &md, &err), 0);
    assert_int_equal(mr_attr_plan_build(&sc, &md, &pl, &err), 0);
    mr_replayer *rp = mr_replayer_new(&sc, NULL, &err);
    mr_trace tr;
    mr_results row;
    mr_attr_work w = {0};
    assert_int_equal(mr_trace_alloc(&tr, 1, 1, 12), 0);
    assert_int_equal(mr_results_alloc(&row, 1, 1, 1, 1, 12), 0);
    assert_int_equal(mr_attr_work_alloc(&w, &pl), 0);
    assert_int_equal(mr_replayer_run(rp, 0, &row, &tr), 0);
    /* u = 0.5 (t = 0-2), 1 (t = 3-8): U_A = 1.5 + 3 wA / (wA + wF), U_B = 6 - 3 wA / (wA + wF) */
    const double wa = log(2.0), wf = -log(1e-12);
    const double ua = 1.5 + 3.0 * wa / (wa + wf), ub = 3.0 * wf / (wa + wf) + 3.0;
    double out[2 * 5];
    double ol = row.sector_output_loss[0], xc = row.sector_extra_cost[0];
    mr_attr_allocate(&pl, &tr, &ol, &xc, &w, out);
    const double L = ol + xc;
    assert_double_equal(out[source(&pl, "event/a")], L * ua / (ua + ub), 1e-12 * L);
    assert_double_equal(out[source(&pl, "event/b")], L * ub / (ua + ub), 1e-12 * L);
    mr_attr_work_free(&w);
    mr_results_free(&row);
    mr_trace_free(&tr);
    mr_replayer_free(rp);
    mr_attr_plan_free(&pl);
    mr_model_free(&md);
    mr_scenario_free(&sc);
}

static char *demo_path(void)
{
    /* the source root: MINRISK_SOURCE_DIR, set by tests/CMakeLists.txt */
    size_t n = strlen(MINRISK_SOURCE_DIR) + sizeof "/scenarios/demo.yaml";
    char *p = malloc(n);
    snprintf(p, n, "%s/scenarios/demo.yaml", MINRISK_SOURCE_DIR);
    return p;
}

/* Every trial of the demo scenario (price volatility, jumps, country,
   supplier outages and events, an IIM) among its 40 largest total losses
   of 4000: each family's allocation sums to the trial's loss. */
static void test_allocation_sums_to_each_trials_loss(void **state)
{
    (void)state;
    char *path = demo_path();
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_scenario_load(path, &sc, &err))
        fail_msg("%s", err.msg);
    free(path);
    sc.trials = 4000;
    mr_engine_opts opts = {.threads = 2};
    mr_results res;
    mr_run_info info;
    assert_int_equal(mr_engine_run(&sc, &opts, &res, &info, &err), 0);
    mr_model md;
    mr_attr_plan pl;
    assert_int_equal(mr_model_build(&sc, &md, &err), 0);
    assert_int_equal(mr_attr_plan_build(&sc, &md, &pl, &err), 0);
    const int S = pl.S, M = pl.M, K = pl.K;
    mr_replayer *rp = mr_replayer_new(&sc, NULL, &err);
    mr_trace tr;
    mr_results row;
    mr_attr_work w = {0};
    assert_int_equal(mr_trace_alloc(&tr, M, S, pl.T), 0);
    assert_int_equal(mr_results_alloc(&row, 1, S, M, res.years, pl.T), 0);
    assert_int_equal(mr_attr_work_alloc(&w, &pl), 0);
    double *out = malloc(sizeof(double) * (size_t)((S + 1) * K));
    double *sorted = malloc(sizeof(double) * 4000);
    assert_int_equal(mr_stats_sort_copy(res.total_loss, 4000, 1, sorted), 0);
    const double cut = sorted[4000 - 40];
    int checked = 0, with_events = 0;
    for (uint64_t i = 0; i < 4000; i++) {
        if (res.total_loss[i] < cut)
            continue;
        assert_int_equal(mr_replayer_run(rp, i, &row, &tr), 0);
        mr_attr_allocate(&pl, &tr, row.sector_gva_loss, row.sector_extra_cost, &w, out);
        for (int s = 0; s <= S; s++) {
            const double *a = out + (size_t)s * (size_t)K;
            double L = s < S ? res.sector_gva_loss[i * (size_t)S + (size_t)s] +
                                   res.sector_extra_cost[i * (size_t)S + (size_t)s]
                             : res.total_loss[i];
            double sm = a[pl.none], sc_ = a[pl.none], mag = fabs(L);
            for (int k = 0; k < pl.first_country; k++)
                sm += a[k], mag += fabs(a[k]);
            for (int k = pl.first_country; k < pl.first_event; k++)
                sc_ += a[k];
            assert_double_equal(sm, L, 1e-12 * mag);
            assert_double_equal(sc_, L, 1e-12 * mag);
            for (int k = pl.first_event; k < pl.none; k++)
                with_events += a[k] != 0.0;
        }
        checked++;
    }
    assert_true(checked >= 40);
    assert_true(with_events > 0);
    free(out);
    free(sorted);
    mr_attr_work_free(&w);
    mr_results_free(&row);
    mr_trace_free(&tr);
    mr_replayer_free(rp);
    mr_attr_plan_free(&pl);
    mr_model_free(&md);
    mr_results_free(&res);
    mr_scenario_free(&sc);
}

/* n = 250, p = 0.99: n p = 247.5, k = 248, weight of X_(k) 0.5, n - n p =
   2.5. Values all 0 except x[10] = 5 and x[20] = x[30] = x[200] = 3:
   X_(247..249) = 3, X_(250) = 5; rank 248 and 249 are the two latest ties
   (30, 200), so the tail is 10 (w 1), 30 (w 0.5), 200 (w 1) and
   ES = (5 + 0.5 * 3 + 3) / 2.5 = 3.8. */
static void test_tail_takes_the_latest_ties_with_es_weights(void **state)
{
    (void)state;
    double x[250] = {0};
    x[10] = 5;
    x[20] = x[30] = x[200] = 3;
    size_t *idx, nt;
    double *wt, xk, wsum;
    uint64_t ntail;
    assert_int_equal(mr_attr_tail(NULL, x, 1, 250, 250, 0.99, &idx, &wt, &nt, &ntail, &xk, &wsum),
                     0);
    assert_int_equal(nt, 3);
    assert_int_equal(ntail, 3);
    assert_int_equal(idx[0], 10);
    assert_int_equal(idx[1], 30);
    assert_int_equal(idx[2], 200);
    assert_true(wt[0] == 1.0 && wt[1] == 0.5 && wt[2] == 1.0);
    assert_true(xk == 3.0 && wsum == 2.5);
    double es = 0.0;
    for (size_t r = 0; r < nt; r++)
        es += wt[r] * x[idx[r]];
    assert_double_equal(es / wsum, 3.8, 1e-15);
    double sorted[250];
    mr_stats_sort_copy(x, 250, 1, sorted);
    assert_double_equal(mr_stats_es_sorted(sorted, 250, 0.99), 3.8, 1e-15);
    free(idx);
    free(wt);

    /* n p an integer (100 * 0.99 = 99): X_(99) has weight 0 and is left
       out; x[i] = 37 i mod 100 is 99 at i = 27 (37 * 27 = 999). Strided. */
    double y[200];
    for (int i = 0; i < 100; i++) {
        y[2 * i] = (double)((37 * i) % 100);
        y[2 * i + 1] = -1.0;
    }
    assert_int_equal(mr_attr_tail(NULL, y, 2, 100, 100, 0.99, &idx, &wt, &nt, &ntail, &xk, &wsum),
                     0);
    assert_int_equal(nt, 1);
    assert_int_equal(idx[0], 27);
    assert_true(wt[0] == 1.0 && wsum == 1.0 && xk == 98.0);
    free(idx);
    free(wt);

    /* a NaN loss: no tail */
    y[40] = NAN;
    assert_int_equal(mr_attr_tail(NULL, y, 2, 100, 100, 0.99, &idx, &wt, &nt, &ntail, &xk, &wsum),
                     1);
    assert_int_equal(ntail, 0);
}

/* The weighted tail (mr_attr_tail_weighted), on docs/OUTPUT.md's weighted
   sample and a seventh trial: values 1, 3, 3, 3, 5, 7, 0 with weights 2, 1,
   1.5, 0.75, 0.5, 0.25, 0.5, n = 7 (the weights sum to 6.5, so a tail
   normalised by sum w rather than n fails), worked by hand:
   - p = 0.9: tail mass 7 - 6.3 = 0.7, VaR 5 (G(5) = 0.25 <= 0.7 < G(3) =
     0.75); the 7 keeps 0.25, the 5 fills the rest, 0.45; ES = (1.75 + 0.45
     * 5) / 0.7 = 40/7;
   - p = 6.25/7 (the weight boundary): mass 0.75 = G(3), VaR 3; the 5 and
     the 7 with their weights, nothing left for the ties at 3; ES = 17/3;
   - p = 0.5: mass 3.5, VaR 3 (G(1) = 4 > 3.5), 0.75 above it; the ties at
     3 fill 2.75 from the latest back: trial 3 its 0.75, trial 2 its 1.5,
     trial 1 the last 0.5; ES = (1.5 + 4.5 + 2.25 + 2.5 + 1.75) / 3.5 =
     25/7.
   And the ties short of the mass (the reviewer's case): nine 1s and a 9,
   every weight 0.1, p = 0.5: mass 5, VaR 1 (the smallest value), 0.1
   above it; the nine ties hold 0.9 < 4.9, so each takes 0.1 * 4.9 / 0.9
   and the tail still adds up to ES = (0.9 + 4.9) / 5 = 1.16. With all
   weights 1 the tail is mr_attr_tail's, bit for bit. */
static void test_weighted_tail_by_hand_and_at_unit_weights(void **state)
{
    (void)state;
    const double x[7] = {1, 3, 3, 3, 5, 7, 0}, w[7] = {2, 1, 1.5, 0.75, 0.5, 0.25, 0.5};
    const double f = 0.1 * 4.9 / 0.9;
    const struct {
        const double *x, *w;
        uint64_t n;
        double p, var, wsum, es;
        size_t nt, idx[10];
        double wt[10];
    } want[4] = {
        {x, w, 7, 0.9, 5, 0.7, 40.0 / 7.0, 2, {4, 5}, {0.45, 0.25}},
        {x, w, 7, 6.25 / 7.0, 3, 0.75, 17.0 / 3.0, 2, {4, 5}, {0.5, 0.25}},
        {x, w, 7, 0.5, 3, 3.5, 25.0 / 7.0, 5, {1, 2, 3, 4, 5}, {0.5, 1.5, 0.75, 0.5, 0.25}},
        {(const double[10]){1, 1, 1, 1, 1, 1, 1, 1, 1, 9},
         (const double[10]){0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1},
         10,
         0.5,
         1,
         5,
         1.16,
         10,
         {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
         {f, f, f, f, f, f, f, f, f, 0.1}}};
    for (int c = 0; c < 4; c++) {
        size_t *idx, nt;
        double *wt, var, wsum, es;
        uint64_t ntail;
        assert_int_equal(mr_attr_tail_weighted(NULL, want[c].x, 1, want[c].n, want[c].n, want[c].w,
                                               want[c].p, &idx, &wt, &nt, &ntail, &var, &wsum, &es),
                         0);
        assert_int_equal(nt, want[c].nt);
        assert_int_equal(ntail, want[c].nt);
        assert_true(var == want[c].var);
        assert_double_equal(wsum, want[c].wsum, 1e-14);
        assert_double_equal(es, want[c].es, 1e-14);
        double swx = 0.0;
        for (size_t r = 0; r < nt; r++) {
            assert_int_equal(idx[r], want[c].idx[r]);
            assert_double_equal(wt[r], want[c].wt[r], 1e-14);
            swx += wt[r] * want[c].x[idx[r]];
        }
        assert_double_equal(swx / wsum, want[c].es, 1e-14);
        free(idx);
        free(wt);
    }

    /* rounding: mass 1 = 0.7 above VaR + 0.3 of the latest tie, where 1 -
       0.7 - 0.3 leaves 5.6e-17 in floating point: no third tail trial */
    {
        double v[100] = {0}, u[100];
        for (int i = 0; i < 100; i++)
            u[i] = 1.0;
        v[10] = 5;
        u[10] = 0.7;
        v[20] = v[30] = 3;
        u[30] = 0.3;
        size_t *idx, nt;
        double *wt, var, wsum, es;
        uint64_t ntail;
        assert_int_equal(mr_attr_tail_weighted(NULL, v, 1, 100, 100, u, 0.99, &idx, &wt, &nt,
                                               &ntail, &var, &wsum, &es),
                         0);
        assert_int_equal(nt, 2);
        assert_int_equal(idx[0], 10);
        assert_int_equal(idx[1], 30);
        free(idx);
        free(wt);
    }

    /* unit weights: the tail of mr_attr_tail (ties, strides, n p integer or not) */
    double y[2 * 250], ones[250];
    for (int i = 0; i < 250; i++) {
        y[2 * i] = (double)((37 * i) % 23);
        y[2 * i + 1] = -1.0;
        ones[i] = 1.0;
    }
    const uint64_t ns[2] = {250, 100};
    for (int c = 0; c < 2; c++) {
        size_t *i0, *i1, n0, n1;
        double *w0, *w1, xk, ws0, var, ws1, es;
        uint64_t t0, t1;
        assert_int_equal(
            mr_attr_tail(NULL, y, 2, ns[c], ns[c], 0.99, &i0, &w0, &n0, &t0, &xk, &ws0), 0);
        assert_int_equal(mr_attr_tail_weighted(NULL, y, 2, ns[c], ns[c], ones, 0.99, &i1, &w1, &n1,
                                               &t1, &var, &ws1, &es),
                         0);
        assert_int_equal(n0, n1);
        assert_int_equal(t0, t1);
        assert_true(xk == var && ws0 == ws1);
        for (size_t r = 0; r < n0; r++) {
            assert_int_equal(i0[r], i1[r]);
            assert_true(w0[r] == w1[r]);
        }
        free(i0);
        free(w0);
        free(i1);
        free(w1);
    }

    /* a NaN loss: no tail */
    y[40] = NAN;
    size_t *idx, nt;
    double *wt, var, wsum, es;
    uint64_t ntail;
    assert_int_equal(mr_attr_tail_weighted(NULL, y, 2, 100, 100, ones, 0.99, &idx, &wt, &nt, &ntail,
                                           &var, &wsum, &es),
                     1);
    assert_int_equal(ntail, 0);
    assert_true(isnan(es));
}

/* Three tail rows (w, L; a_0, a_1): (1, 10; 10, 0), (0.5, 4; 2, 2),
   (1, 6; 0, 6). sum w L = 18; share_0 = 11/18, share_1 = 7/18; co-ES =
   11/2.5, 7/2.5. Residuals of share_0, w (a - share L): 70/18, -4/18,
   -66/18, sum of squares 9272/324; se = sqrt(3/2 * 9272/324) / 18. */
static void test_tail_shares_and_delta_method_interval(void **state)
{
    (void)state;
    const double rows[3 * 5] = {0, 1,   10, 10, 0, /* trial, w, L, a0, a1 */
                                1, 0.5, 4,  2,  2, 2, 1, 6, 0, 6};
    double co[2], sh[2], lo[2], hi[2];
    mr_attr_tail_stats(rows, 3, 2, 2.5, co, sh, lo, hi);
    assert_double_equal(co[0], 4.4, 1e-14);
    assert_double_equal(co[1], 2.8, 1e-14);
    assert_double_equal(sh[0], 11.0 / 18.0, 1e-15);
    assert_double_equal(sh[1], 7.0 / 18.0, 1e-15);
    const double se = sqrt(1.5 * 9272.0 / 324.0) / 18.0;
    assert_double_equal(lo[0], 11.0 / 18.0 - 1.959963984540054 * se, 1e-14);
    assert_double_equal(hi[0], 11.0 / 18.0 + 1.959963984540054 * se, 1e-14);
    /* two sources, so the residuals of share_1 are those of share_0 negated */
    assert_double_equal(hi[1] - lo[1], hi[0] - lo[0], 1e-14);

    /* the same tail with every loss (L and the sources') times 2^600: the
       residuals' squares pass DBL_MAX (the interval was [-inf, inf]); the
       shares and their interval are the unscaled ones, exactly, and the
       co-ES the unscaled ones times 2^600 */
    double big[3 * 5], cob[2], shb[2], lob[2], hib[2];
    for (int i = 0; i < 15; i++)
        big[i] = i % 5 >= 2 ? ldexp(rows[i], 600) : rows[i];
    mr_attr_tail_stats(big, 3, 2, 2.5, cob, shb, lob, hib);
    for (int k = 0; k < 2; k++) {
        assert_true(shb[k] == sh[k] && lob[k] == lo[k] && hib[k] == hi[k]);
        assert_true(cob[k] == ldexp(co[k], 600));
    }

    /* a source that takes every loss: share 1, interval [1, 1] */
    const double all[2 * 4] = {0, 1, 3, 3, 1, 1, 5, 5};
    mr_attr_tail_stats(all, 2, 1, 2.0, co, sh, lo, hi);
    assert_true(sh[0] == 1.0 && lo[0] == 1.0 && hi[0] == 1.0 && co[0] == 4.0);
    /* one row: its co-ES w a / wsum = 3, no interval */
    mr_attr_tail_stats(all, 1, 1, 1.0, co, sh, lo, hi);
    assert_true(co[0] == 3.0 && sh[0] == 1.0 && isnan(lo[0]) && isnan(hi[0]));
}

/* The extras of a collect, flattened for comparison. */
static int same_extras(const mr_extras *a, const mr_extras *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t k = 0; k < a->n; k++) {
        const mr_output_extra *x = &a->x[k], *y = &b->x[k];
        if (strcmp(x->path, y->path) || x->type != y->type || x->rank != y->rank)
            return 0;
        size_t n = 1;
        for (int d = 0; d < x->rank; d++) {
            if (x->dims[d] != y->dims[d])
                return 0;
            n *= (size_t)x->dims[d];
        }
        if (x->type == MR_EXTRA_STR) {
            for (size_t i = 0; i < n; i++)
                if (strcmp(((const char *const *)x->data)[i], ((const char *const *)y->data)[i]))
                    return 0;
        } else if (memcmp(x->data, y->data, n * (x->type == MR_EXTRA_I32 ? 4 : 8))) {
            return 0;
        }
    }
    return 1;
}

static const mr_output_extra *find_extra(const mr_extras *x, const char *path)
{
    for (size_t k = 0; k < x->n; k++)
        if (!strcmp(x->x[k].path, path))
            return &x->x[k];
    fail_msg("no extra %s", path);
    return NULL;
}

/* The whole table (tail and counterfactuals) of the demo scenario is the
   same bit for bit on 1 and 3 threads; es99 is the ES of the series. */
static void test_table_identical_for_any_thread_count(void **state)
{
    (void)state;
    char *path = demo_path();
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_scenario_load(path, &sc, &err))
        fail_msg("%s", err.msg);
    free(path);
    sc.trials = 1500;
    mr_engine_opts opts = {.threads = 2};
    mr_results res;
    mr_run_info info;
    assert_int_equal(mr_engine_run(&sc, &opts, &res, &info, &err), 0);
    mr_extras x1 = {0}, x3 = {0};
    mr_run_extras_opts o1 = {.counterfactual = true, .threads = 1};
    mr_run_extras_opts o3 = {.counterfactual = true, .threads = 3};
    assert_int_equal(mr_attribution_collect(&sc, &res, &o1, NULL, &x1, &err), 0);
    assert_int_equal(mr_attribution_collect(&sc, &res, &o3, NULL, &x3, &err), 0);
    assert_true(same_extras(&x1, &x3));
    const mr_output_extra *es = find_extra(&x1, "attribution/es99");
    const double *e = es->data;
    double *sorted = malloc(sizeof(double) * 1500);
    mr_stats_sort_copy(res.total_loss, 1500, 1, sorted);
    assert_int_equal(es->dims[0], (uint64_t)sc.nsectors + 1);
    assert_double_equal(e[sc.nsectors], mr_stats_es_sorted(sorted, 1500, 0.99),
                        1e-12 * e[sc.nsectors]);
    const uint64_t *nt = find_extra(&x1, "attribution/tail_trials")->data;
    assert_int_equal(nt[sc.nsectors], 15); /* 1500 - 1485, n p = 1485 an integer */
    free(sorted);
    mr_extras_free(&x1);
    mr_extras_free(&x3);
    mr_results_free(&res);
    mr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overlapping_occurrences_split_by_log_survival),
        cmocka_unit_test(test_total_outage_has_a_finite_weight),
        cmocka_unit_test(test_allocation_sums_to_each_trials_loss),
        cmocka_unit_test(test_tail_takes_the_latest_ties_with_es_weights),
        cmocka_unit_test(test_weighted_tail_by_hand_and_at_unit_weights),
        cmocka_unit_test(test_tail_shares_and_delta_method_interval),
        cmocka_unit_test(test_table_identical_for_any_thread_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
