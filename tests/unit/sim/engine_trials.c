/* engine_trials.c - whole trials against an exact distribution, and
 * determinism across thread counts (MODEL §3-§8, §12). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/engine.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One mineral, two suppliers (0.6, 0.4) with severity-1, one-step outages at
   rates lambda_A and lambda_B; no spare, stockpile or price moves; one
   sector with a = 1, sigma = 0, K = I, A* = 0. Then q(t) = u(t) and
   u(t) = 0.6 [A out] + 0.4 [B out], with each supplier out on a step with
   probability 1 - exp(-lambda / n), independently across steps. */
static const char exact_yaml[] =
    "name: exact\n"
    "simulation: {horizon_years: 5, steps_per_year: 12, trials: 20000, seed: 99}\n"
    "countries: {A: {}, B: {}}\n"
    "minerals:\n"
    "  x:\n"
    "    demand_t: 1\n"
    "    mining:\n"
    "      - {country: A, share: 0.6, outage: {rate_per_year: 1.5, severity: 1, duration_months: "
    "1}}\n"
    "      - {country: B, share: 0.4, outage: {rate_per_year: 0.8, severity: 1, duration_months: "
    "1}}\n"
    "    price: {ref: 1, theta: 0, sigma: 0}\n"
    "sectors:\n"
    "  s:\n"
    "    output_gbp: 1.0e9\n"
    "    recovery_rate: 1\n"
    "    needs: [{mineral: x, dependent_share: 1, demand_share: 1}]\n";

static void load(const char *yaml, mr_scenario *sc)
{
    mr_error err = {{0}};
    int rc = mr_scenario_parse("exact.yaml", yaml, strlen(yaml), sc, &err);
    if (rc)
        fail_msg("%s", err.msg);
}

static void run(const mr_scenario *sc, int threads, mr_results *res)
{
    mr_engine_opts opts = {.threads = threads, .progress = false};
    mr_run_info info;
    mr_error err = {{0}};
    int rc = mr_engine_run(sc, &opts, res, &info, &err);
    if (rc)
        fail_msg("engine: %s", err.msg);
}

/* The per-trial mean shortfall is (0.6 X + 0.4 Y) / T with X ~ Bin(T, pA),
   Y ~ Bin(T, pB); so 5 T mean = 3X + 2Y. Its exact law is a convolution;
   a chi-square test at the 0.001 level compares it with the simulation. */
static void test_shortfall_matches_exact_binomial_convolution(void **state)
{
    (void)state;
    mr_scenario sc;
    load(exact_yaml, &sc);
    mr_results res;
    run(&sc, 2, &res);
    const int T = 60;
    const double n = 12, H = 5, Y = 1.0e9;
    const double pa = 1 - exp(-1.5 / n), pb = 1 - exp(-0.8 / n);
    const int V = 5 * T + 1; /* 3X + 2Y in 0 .. 5T */
    double *exact = calloc((size_t)V, sizeof(double));
    long *seen = calloc((size_t)V, sizeof(long));
    for (int x = 0; x <= T; x++)
        for (int y = 0; y <= T; y++)
            exact[3 * x + 2 * y] += gsl_ran_binomial_pdf((unsigned)x, pa, (unsigned)T) *
                                    gsl_ran_binomial_pdf((unsigned)y, pb, (unsigned)T);
    const uint64_t N = sc.trials;
    for (uint64_t i = 0; i < N; i++) {
        double m = res.mineral_shortfall_mean[i];
        double v = m * T * 5;
        long k = lround(v);
        assert_true(fabs(v - (double)k) < 1e-9); /* on the lattice 3X + 2Y */
        assert_true(k >= 0 && k < V);
        seen[k]++;
        /* sector output loss = Y H mean shortfall, exactly up to round-off */
        assert_true(fabs(res.sector_output_loss[i] - Y * H * m) <= 1e-9 * Y * H);
        assert_true(res.sector_extra_cost[i] == 0.0);
        assert_true(res.total_loss[i] == res.sector_output_loss[i]);
    }
    /* pool bins left to right until each expects >= 5 trials */
    double chi2 = 0, e = 0;
    long o = 0;
    int bins = 0;
    for (int k = 0; k < V; k++) {
        e += exact[k] * (double)N;
        o += seen[k];
        if (e >= 5) {
            double rest = 0;
            for (int j = k + 1; j < V; j++)
                rest += exact[j] * (double)N;
            if (rest < 5) { /* fold the thin right tail into this bin */
                for (int j = k + 1; j < V; j++)
                    o += seen[j];
                e += rest;
                k = V;
            }
            chi2 += ((double)o - e) * ((double)o - e) / e;
            bins++;
            e = 0;
            o = 0;
        }
    }
    assert_true(bins > 10);
    double pvalue = gsl_cdf_chisq_Q(chi2, bins - 1);
    print_message("chi-square %.2f on %d bins, p = %.4f\n", chi2, bins - 1, pvalue);
    assert_true(pvalue > 0.001);
    free(exact);
    free(seen);
    mr_results_free(&res);
    mr_scenario_free(&sc);
}

static int same_doubles(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof(double)) == 0;
}

/* Results are bit-identical for 1, 2 and 4 threads; another seed differs. */
static void test_results_identical_for_any_thread_count(void **state)
{
    (void)state;
    mr_scenario sc;
    load(exact_yaml, &sc);
    sc.trials = 5000;
    mr_results r1, r2, r4;
    run(&sc, 1, &r1);
    run(&sc, 2, &r2);
    run(&sc, 4, &r4);
    size_t N = sc.trials;
    const mr_results *rs[] = {&r2, &r4};
    for (int k = 0; k < 2; k++) {
        assert_true(same_doubles(r1.total_loss, rs[k]->total_loss, N));
        assert_true(same_doubles(r1.annual_loss, rs[k]->annual_loss, N * 5));
        assert_true(same_doubles(r1.mineral_shortfall_peak, rs[k]->mineral_shortfall_peak, N));
        assert_true(memcmp(r1.band_q, rs[k]->band_q, 60 * MR_BAND_Q_BINS * sizeof(uint64_t)) == 0);
    }
    sc.seed = 100;
    mr_results other;
    run(&sc, 2, &other);
    assert_false(same_doubles(r1.total_loss, other.total_loss, N));
    mr_results_free(&r1);
    mr_results_free(&r2);
    mr_results_free(&r4);
    mr_results_free(&other);
    mr_scenario_free(&sc);
}

/* Regression: r = 0.03, d = 0.05 must behave as r = 0.08, d = 0 (the same
   physics): a round-off "gap" once kept buffers and stockpiles from ever
   refilling (MODEL §4, §6). */
static const char shares_yaml[] =
    "name: shares\n"
    "simulation: {horizon_years: 10, trials: 2000, seed: 5}\n"
    "countries: {A: {}, B: {}}\n"
    "minerals:\n"
    "  x:\n"
    "    demand_t: 1\n"
    "    recycled_share: %s\n"
    "    domestic_share: %s\n"
    "    mining:\n"
    "      - {country: A, share: 0.7, outage: {rate_per_year: 0.5, severity: 0.8, duration_months: "
    "2}}\n"
    "      - {country: B, share: 0.3}\n"
    "    stockpile: {target_months: 1, trigger: 0.01, max_release: 0.2, refill_rate: 0.25}\n"
    "    price: {ref: 1, theta: 0, sigma: 0}\n"
    "sectors:\n"
    "  s:\n"
    "    output_gbp: 1.0e9\n"
    "    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5, buffer_months: 2}]\n";

static void test_recycled_and_domestic_shares_are_interchangeable(void **state)
{
    (void)state;
    char a[2048], b[2048];
    snprintf(a, sizeof a, shares_yaml, "0.03", "0.05");
    snprintf(b, sizeof b, shares_yaml, "0.08", "0");
    mr_scenario sa, sb;
    load(a, &sa);
    load(b, &sb);
    mr_results ra, rb;
    run(&sa, 2, &ra);
    run(&sb, 2, &rb);
    double sum = 0;
    for (uint64_t i = 0; i < sa.trials; i++) {
        double x = ra.total_loss[i], y = rb.total_loss[i];
        assert_true(fabs(x - y) <= 1e-9 * (fabs(y) + 1.0));
        sum += x;
    }
    assert_true(sum > 0); /* the case is not vacuous */
    mr_results_free(&ra);
    mr_results_free(&rb);
    mr_scenario_free(&sa);
    mr_scenario_free(&sb);
}

/* Regression: a jump reverts at rate theta whether or not some other
   mineral has volatility (MODEL §5). */
static const char jumps_yaml[] =
    "name: jumps\n"
    "simulation: {horizon_years: 5, trials: 500, seed: 11}\n"
    "countries: {A: {}}\n"
    "minerals:\n"
    "  x:\n"
    "    demand_t: 1\n"
    "    mining: [{country: A, share: 1}]\n"
    "    price: {ref: 1, theta: 3, sigma: 0, jumps: {rate_per_year: 2, mu: 0.5, sigma: 0}}\n"
    "  y:\n"
    "    demand_t: 1\n"
    "    mining: [{country: A, share: 1}]\n"
    "    price: {ref: 1, theta: 0, sigma: %s}\n"
    "sectors:\n"
    "  s: {output_gbp: 1.0e9, needs: [{mineral: x, dependent_share: 1, demand_share: 0.5}]}\n";

static void test_jumps_revert_without_any_volatility(void **state)
{
    (void)state;
    char a[2048], b[2048];
    snprintf(a, sizeof a, jumps_yaml, "0");
    snprintf(b, sizeof b, jumps_yaml, "1.0e-300");
    mr_scenario sa, sb;
    load(a, &sa);
    load(b, &sb);
    mr_results ra, rb;
    run(&sa, 1, &ra);
    run(&sb, 1, &rb);
    for (uint64_t i = 0; i < sa.trials; i++)
        assert_true(fabs(ra.mineral_price_peak[2 * i] - rb.mineral_price_peak[2 * i]) <= 1e-12);
    mr_results_free(&ra);
    mr_results_free(&rb);
    mr_scenario_free(&sa);
    mr_scenario_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shortfall_matches_exact_binomial_convolution),
        cmocka_unit_test(test_results_identical_for_any_thread_count),
        cmocka_unit_test(test_recycled_and_domestic_shares_are_interchangeable),
        cmocka_unit_test(test_jumps_revert_without_any_volatility),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
