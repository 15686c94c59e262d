/* sobol_indices.c - the Sobol estimator of out/stats/sobol.c (MODEL §9
 * "Sobol indices") on the Ishigami function, whose indices are known
 * analytically (Ishigami & Homma 1990; Saltelli et al. 2008):
 *   f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1,  x_i ~ U(-pi, pi),
 *   V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
 *   V1 = (1 + b pi^4/5)^2 / 2,  V2 = a^2/8,  V3 = 0,
 *   V13 = b^2 pi^8 (1/18 - 1/50),
 *   S_i = V_i / V,  ST1 = (V1 + V13)/V,  ST2 = V2/V,  ST3 = V13/V.
 * An input the model ignores gets indices exactly 0, and the result is
 * bit-identical when computed again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/rng.h"
#include "out/stats/sobol.h"

#include <gsl/gsl_math.h> /* M_PI */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define K 3
#define N 16384       /* 2^14 rows: the whole file runs in well under a second */
#define RESAMPLES 500 /* bootstrap resamples */
#define LEVEL 0.95    /* interval level */
#define BOOT_SEED 20240613u

static const double ISHIGAMI_A = 7.0, ISHIGAMI_B = 0.1;

/* The Ishigami function; with_x3 = 0 drops the x3 term (a model that does not
   depend on x3). */
static double ishigami(const double *x, int with_x3)
{
    double s1 = sin(x[0]), s2 = sin(x[1]);
    double f = s1 + ISHIGAMI_A * s2 * s2;
    if (with_x3) {
        double x3 = x[2] * x[2];
        f += ISHIGAMI_B * x3 * x3 * s1;
    }
    return f;
}

/* The analytic indices: s[i] = S_i, st[i] = ST_i, from the formulas above. */
static void ishigami_truth(double *s, double *st)
{
    const double a = ISHIGAMI_A, b = ISHIGAMI_B, pi = M_PI;
    const double pi4 = pow(pi, 4), pi8 = pow(pi, 8);
    const double v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
    const double v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5);
    const double v2 = a * a / 8, v3 = 0.0;
    const double v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
    s[0] = v1 / v, s[1] = v2 / v, s[2] = v3 / v;
    st[0] = (v1 + v13) / v, st[1] = v2 / v, st[2] = v13 / v;
}

/* A Saltelli design of N rows on U(-pi, pi)^3 from Philox uniforms (fixed
   key; A from trial 0, B from trial 1 of the stream "test/ishigami"), and
   the model's outputs on it. */
typedef struct {
    double *a, *b, *ab;    /* N x K, N x K, K x N x K */
    double *fa, *fb, *fab; /* N, N, K x N */
} design;

static void fill_uniform(gsl_rng *r, uint64_t trial, double *x)
{
    mr_rng_seek(r, 0x5eed5eedu, mr_hash64("test/ishigami"), trial);
    for (size_t j = 0; j < (size_t)N * K; j++)
        x[j] = -M_PI + 2.0 * M_PI * gsl_rng_uniform(r);
}

static design make_design(int with_x3)
{
    design d;
    d.a = malloc((size_t)N * K * sizeof(double));
    d.b = malloc((size_t)N * K * sizeof(double));
    d.ab = malloc((size_t)K * N * K * sizeof(double));
    d.fa = malloc((size_t)N * sizeof(double));
    d.fb = malloc((size_t)N * sizeof(double));
    d.fab = malloc((size_t)K * N * sizeof(double));
    assert_true(d.a && d.b && d.ab && d.fa && d.fb && d.fab);
    gsl_rng *r = gsl_rng_alloc(mr_rng_philox);
    assert_non_null(r);
    fill_uniform(r, 0, d.a);
    fill_uniform(r, 1, d.b);
    gsl_rng_free(r);
    mr_sobol_design(d.a, d.b, N, K, d.ab);
    for (size_t j = 0; j < N; j++) {
        d.fa[j] = ishigami(d.a + j * K, with_x3);
        d.fb[j] = ishigami(d.b + j * K, with_x3);
        for (size_t i = 0; i < K; i++)
            d.fab[i * N + j] = ishigami(d.ab + (i * N + j) * K, with_x3);
    }
    return d;
}

static void free_design(design *d)
{
    free(d->a), free(d->b), free(d->ab), free(d->fa), free(d->fb), free(d->fab);
}

static void assert_within(const char *what, int i, double truth, double lo, double est, double hi)
{
    print_message("%s%d: estimate %.4f, %.0f%% interval [%.4f, %.4f] (width %.4f), true %.4f\n",
                  what, i + 1, est, 100 * LEVEL, lo, hi, hi - lo, truth);
    if (!(lo <= truth && truth <= hi)) {
        print_error("%s%d: true %.17g outside [%.17g, %.17g]\n", what, i + 1, truth, lo, hi);
        fail();
    }
    assert_true(lo <= est && est <= hi); /* the percentile interval holds the estimate */
    assert_true(hi - lo > 0.0 && hi - lo < 0.1);
}

/* ---- the design and the stream ---------------------------------------- */

static void test_stream_id_is_the_hash_of_its_name(void **state)
{
    (void)state;
    assert_true(MR_SOBOL_STREAM == mr_hash64("sobol_bootstrap"));
}

static void test_design_takes_column_i_from_b(void **state)
{
    (void)state;
    enum { n = 2, k = 3 };
    const double a[n * k] = {1, 2, 3, 4, 5, 6}, b[n * k] = {-1, -2, -3, -4, -5, -6};
    const double want[k * n * k] = {
        -1, 2,  3,  -4, 5,  6,  /* AB_1 */
        1,  -2, 3,  4,  -5, 6,  /* AB_2 */
        1,  2,  -3, 4,  5,  -6, /* AB_3 */
    };
    double ab[k * n * k];
    mr_sobol_design(a, b, n, k, ab);
    assert_memory_equal(ab, want, sizeof want);
}

/* ---- Ishigami ------------------------------------------------------------ */

/* Six 95% intervals on one design: the seeds above were the first tried. In a
   study of 200 other designs and seeds (same N and resamples) each interval
   held its true index in 93-97% of them, and all six at once in 75%: a change
   of seed can fail this test about one time in four without anything wrong. */
static void test_ishigami_indices_within_their_intervals(void **state)
{
    (void)state;
    design d = make_design(1);
    mr_sobol_index idx[K];
    double v;
    assert_int_equal(
        mr_sobol_indices(d.fa, d.fb, d.fab, N, K, RESAMPLES, LEVEL, BOOT_SEED, idx, &v), MR_OK);
    double s[K], st[K];
    ishigami_truth(s, st);
    const double a = ISHIGAMI_A, b = ISHIGAMI_B;
    const double vtrue = a * a / 8 + b * pow(M_PI, 4) / 5 + b * b * pow(M_PI, 8) / 18 + 0.5;
    print_message("V: estimate %.4f, true %.4f (N = %d, %d resamples)\n", v, vtrue, N, RESAMPLES);
    assert_true(fabs(v - vtrue) < 0.05 * vtrue);
    for (int i = 0; i < K; i++) {
        assert_within("S", i, s[i], idx[i].s_lo, idx[i].s, idx[i].s_hi);
        assert_within("ST", i, st[i], idx[i].st_lo, idx[i].st, idx[i].st_hi);
    }
    free_design(&d);
}

/* f(AB_3) equals f(A) bit for bit when f ignores x3, so V_3 and E_3 are sums
   of exact zeros, in every resample too. */
static void test_input_without_effect_has_indices_exactly_zero(void **state)
{
    (void)state;
    design d = make_design(0);
    assert_memory_equal(d.fab + 2 * N, d.fa, N * sizeof(double));
    mr_sobol_index idx[K];
    assert_int_equal(
        mr_sobol_indices(d.fa, d.fb, d.fab, N, K, RESAMPLES, LEVEL, BOOT_SEED, idx, NULL), MR_OK);
    assert_true(idx[2].s == 0.0 && idx[2].st == 0.0);
    assert_true(idx[2].s_lo == 0.0 && idx[2].s_hi == 0.0);
    assert_true(idx[2].st_lo == 0.0 && idx[2].st_hi == 0.0);
    /* without x3 the model is additive: V = V1 + V2, S_i = ST_i (within noise) */
    for (int i = 0; i < 2; i++)
        assert_true(fabs(idx[i].s - idx[i].st) < 0.05);
    free_design(&d);
}

/* ---- determinism and arguments ----------------------------------------- */

static void test_result_is_bit_identical_when_computed_again(void **state)
{
    (void)state;
    design d = make_design(1), e = make_design(1);
    mr_sobol_index x[K], y[K], z[K];
    double vx, vy, vz;
    assert_int_equal(mr_sobol_indices(d.fa, d.fb, d.fab, N, K, 100, LEVEL, BOOT_SEED, x, &vx),
                     MR_OK);
    assert_int_equal(mr_sobol_indices(e.fa, e.fb, e.fab, N, K, 100, LEVEL, BOOT_SEED, y, &vy),
                     MR_OK);
    assert_memory_equal(x, y, sizeof x);
    assert_memory_equal(&vx, &vy, sizeof vx);
    /* another seed: the same estimates, other intervals */
    assert_int_equal(mr_sobol_indices(d.fa, d.fb, d.fab, N, K, 100, LEVEL, BOOT_SEED + 1, z, &vz),
                     MR_OK);
    assert_memory_equal(&vx, &vz, sizeof vx);
    for (int i = 0; i < K; i++) {
        assert_memory_equal(&x[i].s, &z[i].s, sizeof(double));
        assert_memory_equal(&x[i].st, &z[i].st, sizeof(double));
    }
    assert_true(x[0].s_lo != z[0].s_lo || x[0].s_hi != z[0].s_hi);
    free_design(&d);
    free_design(&e);
}

static void test_constant_statistic_has_no_index(void **state)
{
    (void)state;
    /* 10 rows of A and B all 1011032401.4663576 (a collapsed uncertain
       range: every row the same figure): 20 times it summed and divided by
       20 is not the value (2.384185791015625e-07 off), but the statistic
       does not vary, so V = 0 and every index and interval is NaN
       (docs/OUTPUT.md /uncertainty/first_order), not 0 */
    enum { R = 10 };
    const double c = 1011032401.4663576;
    double fa[R], fb[R], fab[2 * R];
    for (int j = 0; j < R; j++)
        fa[j] = fb[j] = fab[j] = fab[R + j] = c;
    mr_sobol_index idx[2];
    double v;
    assert_int_equal(mr_sobol_indices(fa, fb, fab, R, 2, 50, 0.95, 1, idx, &v), MR_OK);
    assert_true(v == 0.0);
    for (int i = 0; i < 2; i++) {
        assert_true(isnan(idx[i].s) && isnan(idx[i].st));
        assert_true(isnan(idx[i].s_lo) && isnan(idx[i].s_hi));
        assert_true(isnan(idx[i].st_lo) && isnan(idx[i].st_hi));
    }
}

static void test_bad_arguments_and_no_resamples(void **state)
{
    (void)state;
    const double fa[4] = {1, 2, 3, 4}, fb[4] = {4, 3, 2, 1}, fab[4] = {1, 2, 3, 4};
    mr_sobol_index idx[1];
    assert_int_equal(mr_sobol_indices(fa, fb, fab, 1, 1, 10, 0.95, 1, idx, NULL), MR_BAD_INPUT);
    assert_int_equal(mr_sobol_indices(fa, fb, fab, 4, 0, 10, 0.95, 1, idx, NULL), MR_BAD_INPUT);
    assert_int_equal(mr_sobol_indices(fa, fb, fab, 4, 1, 10, 1.0, 1, idx, NULL), MR_BAD_INPUT);
    assert_int_equal(mr_sobol_indices(fa, fb, fab, 4, 1, 10, NAN, 1, idx, NULL), MR_BAD_INPUT);
    /* f(AB_1) = f(A): the one input does nothing; no resamples, no interval */
    assert_int_equal(mr_sobol_indices(fa, fb, fab, 4, 1, 0, 0.95, 1, idx, NULL), MR_OK);
    assert_true(idx[0].s == 0.0 && idx[0].st == 0.0);
    assert_true(isnan(idx[0].s_lo) && isnan(idx[0].s_hi));
    assert_true(isnan(idx[0].st_lo) && isnan(idx[0].st_hi));
}

/* The estimators of sobol.h on two rows by hand: f(A) = (0, 2), f(B) =
   (1, 4), f(AB_0) = (3, 1). m = 7/4; V = (1.75^2 + 0.25^2 + 0.75^2 +
   2.25^2) / 4 = 8.75 / 4 = 2.1875 (divisor 2N); S_0 = ((1 - 1.75)(3 - 0) +
   (4 - 1.75)(1 - 2)) / 2 / V = -4.5 / 4.375 = -36/35 (f(B) centred; not
   centred it would be -1 / 4.375); ST_0 = ((0 - 3)^2 + (2 - 1)^2) / 2 / 2
   / V = 2.5 / 2.1875 = 8/7. (Two rows make indices outside [0, 1]: the
   formulas, not their meaning, are checked.) */
static void test_estimators_by_hand(void **state)
{
    (void)state;
    const double fa[2] = {0.0, 2.0}, fb[2] = {1.0, 4.0}, fab[2] = {3.0, 1.0};
    mr_sobol_index idx[1];
    double v;
    assert_int_equal(mr_sobol_indices(fa, fb, fab, 2, 1, 0, 0.95, 1, idx, &v), MR_OK);
    assert_true(v == 2.1875);
    assert_true(mr_sobol_sd(fa, fb, 2) == sqrt(v));
    assert_true(fabs(idx[0].s + 36.0 / 35.0) <= 1e-15);
    assert_true(fabs(idx[0].st - 8.0 / 7.0) <= 1e-15);
    assert_true(isnan(idx[0].s_lo) && isnan(idx[0].st_hi)); /* no resamples */
}

/* The by-hand rows times 2^600 (about 4e180): the squared deviations, about
   2^1201, pass DBL_MAX, and the sums used to be inf, giving V = inf and
   every index inf/inf = NaN (`minrisk uncertainty` on a scenario with
   losses past 1e154 printed n/a throughout). Multiplying every value by a
   power of 2 multiplies every deviation by it exactly, so the indices are
   those of test_estimators_by_hand bit for bit, V is 2.1875 2^1200 = inf
   (past DBL_MAX, as it is), and the bootstrap's intervals are those of the
   unscaled rows bit for bit. */
static void test_values_past_1e154(void **state)
{
    (void)state;
    const double u = ldexp(1.0, 600);
    const double fa[2] = {0.0, 2.0}, fb[2] = {1.0, 4.0}, fab[2] = {3.0, 1.0};
    const double ga[2] = {0.0, 2.0 * u}, gb[2] = {u, 4.0 * u}, gab[2] = {3.0 * u, u};
    mr_sobol_index x[1], y[1];
    double vx, vy;
    assert_int_equal(mr_sobol_indices(fa, fb, fab, 2, 1, 100, 0.95, 1, x, &vx), MR_OK);
    assert_int_equal(mr_sobol_indices(ga, gb, gab, 2, 1, 100, 0.95, 1, y, &vy), MR_OK);
    assert_true(vx == 2.1875 && isinf(vy) && vy > 0.0);
    /* the sd over the rows, sqrt(V): sqrt(2.1875) and sqrt(2.1875) 2^600,
       not sqrt(inf) (the tables printed "sd over rows GBP inf m") */
    assert_true(mr_sobol_sd(fa, fb, 2) == sqrt(2.1875));
    assert_true(mr_sobol_sd(ga, gb, 2) == sqrt(2.1875) * u);
    assert_true(isnan(mr_sobol_sd(fa, fb, 0)));
    assert_true(fabs(y[0].s + 36.0 / 35.0) <= 1e-15);
    assert_true(fabs(y[0].st - 8.0 / 7.0) <= 1e-15);
    assert_memory_equal(x, y, sizeof x);

    /* Ishigami's rows times 2^600: indices and intervals bit for bit those
       of the rows as they are; V times 2^1200 is inf */
    design d = make_design(1);
    enum { B = 100 };
    mr_sobol_index p[K], q[K];
    double vp, vq;
    assert_int_equal(mr_sobol_indices(d.fa, d.fb, d.fab, N, K, B, LEVEL, BOOT_SEED, p, &vp), MR_OK);
    for (size_t j = 0; j < N; j++) {
        d.fa[j] *= u, d.fb[j] *= u;
        for (size_t i = 0; i < K; i++)
            d.fab[i * N + j] *= u;
    }
    assert_int_equal(mr_sobol_indices(d.fa, d.fb, d.fab, N, K, B, LEVEL, BOOT_SEED, q, &vq), MR_OK);
    assert_true(isfinite(vp) && vp > 1.0 && isinf(vq));
    assert_true(mr_sobol_sd(d.fa, d.fb, N) == sqrt(vp) * u); /* d is scaled now */
    for (int i = 0; i < K; i++)
        assert_true(isfinite(p[i].s) && isfinite(p[i].st_hi));
    assert_memory_equal(p, q, sizeof p);
    free_design(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_id_is_the_hash_of_its_name),
        cmocka_unit_test(test_design_takes_column_i_from_b),
        cmocka_unit_test(test_ishigami_indices_within_their_intervals),
        cmocka_unit_test(test_input_without_effect_has_indices_exactly_zero),
        cmocka_unit_test(test_result_is_bit_identical_when_computed_again),
        cmocka_unit_test(test_bad_arguments_and_no_resamples),
        cmocka_unit_test(test_constant_statistic_has_no_index),
        cmocka_unit_test(test_estimators_by_hand),
        cmocka_unit_test(test_values_past_1e154),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
