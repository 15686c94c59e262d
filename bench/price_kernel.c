/* price_kernel.c - what the price step of bench/synthetic.yaml costs on its
 * own (issue 14: how far below the engine's run time the model's arithmetic
 * can go, against the random-number floor of bench/run.sh).
 *
 * The kernel is the work every mineral and step of synthetic.yaml asks for
 * whatever happens in the trial (docs/MODEL.md §5): one standard normal from
 * the mineral's own Philox stream, the correlation product over the
 * Cholesky factor's non-zero entries, the OU update, one exponential for the
 * price ratio, and the extra cost of every UK need at that price. It has
 * synthetic.yaml's sizes (20 minerals, 120 monthly steps, 30 non-zero
 * Cholesky entries of 210, 36 needs) with made-up values: the arithmetic,
 * not the numbers, is what is timed. No disruption, no supply, no sectors,
 * no statistics: everything else the engine does comes on top.
 *
 * Two versions of the same kernel:
 *   engine  - as the engine draws and computes today: GSL's ziggurat
 *             through gsl_rng (one call a 32-bit word) and the C library's
 *             exp, one mineral at a time;
 *   inline  - a ziggurat (Marsaglia & Tsang 2000, 128 layers, tables built
 *             here) on whole Philox4x32-10 outputs, inline, and an exp
 *             written so that the compiler vectorises the loop over
 *             minerals (Cody-Waite reduction with fdlibm's two-part ln 2,
 *             degree-13 Taylor polynomial; at most 1 ulp from the C
 *             library's exp on [-30, 30], checked at start).
 * They draw different normals (different ziggurats), so their costs, not
 * their results, compare; each prints a checksum of its costs, and the
 * inline ziggurat's moments and vexp's distance from exp are checked first.
 *
 * usage: price_kernel [TRIALS [REPS [RUN_WORDS]]]
 *   TRIALS    trials a timing (default 20000)
 *   REPS      timings of each version, taken in turn (default 5)
 *   RUN_WORDS 32-bit words a trial of the whole run draws (the floor of
 *             bench/run.sh: /run_info/random_words / trials; synthetic.yaml
 *             at 20,000 trials: 3658), to print the kernel against it too
 * Prints, per version, the median time a trial, the median ratio of the
 * kernel's time to the floor of its own words and to that of RUN_WORDS. */
#include "out/clock.h"
#include "sim/cmd/cli.h"
#include "sim/rng.h"

#include <Random123/philox.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { M = 20, T = 120, NEED = 36, MAXREPS = 99 };

/* the kernel's fixed inputs */
typedef struct {
    int chol_first[M + 1], chol_col[2 * M];
    double chol_val[2 * M];
    int need_m[NEED];
    double spend[NEED], decay[M], scale[M], half_var[M];
} kernel_in;

static void kernel_inputs(kernel_in *in)
{
    int q = 0;
    for (int m = 0; m < M; m++) { /* 20 on the diagonal, 10 below it: 30 */
        in->chol_first[m] = q;
        if (m % 2 == 1) {
            in->chol_col[q] = m - 1;
            in->chol_val[q++] = 0.5;
        }
        in->chol_col[q] = m;
        in->chol_val[q++] = m % 2 == 1 ? 0.8660254037844386 : 1.0;
        in->decay[m] = 0.95;
        in->scale[m] = 0.1;
        in->half_var[m] = 0.5 * 0.01 / (1.0 - 0.95 * 0.95);
    }
    in->chol_first[M] = q;
    for (int k = 0; k < NEED; k++) {
        in->need_m[k] = (k * 7) % M;
        in->spend[k] = 1.0e6 * (1 + k % 3);
    }
}

/* ---- inline: a ziggurat on whole Philox outputs ---- */

static double zig_w[128], zig_f[128];
static uint32_t zig_k[128];
static const double zig_r = 3.442619855899;

/* Marsaglia & Tsang (2000), "The ziggurat method for generating random
   variables", J. Stat. Softw. 5(8): the 128-layer tables for |x|. */
static void zig_init(void)
{
    const double m1 = 2147483648.0, vn = 9.91256303526217e-3;
    double dn = zig_r, tn = dn, q = vn / exp(-0.5 * dn * dn);
    zig_k[0] = (uint32_t)(dn / q * m1);
    zig_k[1] = 0;
    zig_w[0] = q / m1;
    zig_w[127] = dn / m1;
    zig_f[0] = 1.0;
    zig_f[127] = exp(-0.5 * dn * dn);
    for (int i = 126; i >= 1; i--) {
        dn = sqrt(-2.0 * log(vn / dn + exp(-0.5 * dn * dn)));
        zig_k[i + 1] = (uint32_t)(dn / tn * m1);
        tn = dn;
        zig_f[i] = exp(-0.5 * dn * dn);
        zig_w[i] = dn / m1;
    }
}

typedef struct {
    philox4x32_ctr_t ctr, out;
    philox4x32_key_t key;
    unsigned idx;
} stream;

static inline uint32_t next_word(stream *s)
{
    if (s->idx == 4) {
        s->out = philox4x32(s->ctr, s->key);
        s->ctr.v[0]++;
        s->idx = 0;
    }
    return s->out.v[s->idx++];
}

static inline double next_open01(stream *s)
{
    return ((double)next_word(s) + 0.5) * 0x1p-32;
}

/* |hz| without overflow at INT32_MIN */
static inline uint32_t magnitude(int32_t hz)
{
    return hz < 0 ? 0u - (uint32_t)hz : (uint32_t)hz;
}

static double zig_slow(stream *s, int32_t hz, uint32_t iz)
{
    for (;;) {
        double x = hz * zig_w[iz];
        if (iz == 0) { /* the tail beyond r */
            double y;
            do {
                x = -log(next_open01(s)) / zig_r;
                y = -log(next_open01(s));
            } while (y + y < x * x);
            return hz > 0 ? zig_r + x : -zig_r - x;
        }
        if (zig_f[iz] + next_open01(s) * (zig_f[iz - 1] - zig_f[iz]) < exp(-0.5 * x * x))
            return x;
        hz = (int32_t)next_word(s);
        iz = (uint32_t)hz & 127u;
        if (magnitude(hz) < zig_k[iz])
            return hz * zig_w[iz];
    }
}

static inline double zig_normal(stream *s)
{
    int32_t hz = (int32_t)next_word(s);
    uint32_t iz = (uint32_t)hz & 127u;
    if (magnitude(hz) < zig_k[iz])
        return hz * zig_w[iz];
    return zig_slow(s, hz, iz);
}

/* e^x for |x| < 700: x = n ln2 + r (Cody-Waite, |r| <= ln2/2), e^r from
   its degree-13 Taylor polynomial, 2^n from the exponent bits; no branch,
   so the loop over minerals vectorises. */
static inline double vexp(double x)
{
    double kd = x * 0x1.71547652b82fep0 + 0x1.8p52; /* n in the low bits */
    double n = kd - 0x1.8p52;
    /* fdlibm's ln 2 in two parts: n ln2_hi is exact */
    double r = (x - n * 0x1.62e42fee00000p-1) - n * 0x1.a39ef35793c76p-33;
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t b;
    memcpy(&b, &kd, sizeof b);
    b = (b + 1023u) << 52;
    double two_n;
    memcpy(&two_n, &b, sizeof two_n);
    return p * two_n;
}

/* ---- the kernel, both ways ---- */

typedef struct {
    double cost; /* a checksum */
    uint64_t words;
} kernel_out;

static void correlate_ou(const kernel_in *in, const double *x, double *z)
{
    for (int m = 0; m < M; m++) {
        double e = 0.0;
        for (int q = in->chol_first[m]; q < in->chol_first[m + 1]; q++)
            e += in->chol_val[q] * x[in->chol_col[q]];
        z[m] = in->decay[m] * z[m] + in->scale[m] * e;
    }
}

static double needs_cost(const kernel_in *in, const double *ratio)
{
    double xc = 0.0;
    for (int k = 0; k < NEED; k++)
        xc += in->spend[k] * (ratio[in->need_m[k]] - 1.0);
    return xc;
}

static int run_engine(const kernel_in *in, long trials, kernel_out *o)
{
    gsl_rng *r[M];
    int ok = 1;
    for (int m = 0; m < M; m++)
        ok &= (r[m] = gsl_rng_alloc(mr_rng_philox)) != NULL;
    double z[M], x[M], ratio[M];
    *o = (kernel_out){0};
    for (long i = 0; ok && i < trials; i++) {
        for (int m = 0; m < M; m++) {
            mr_rng_seek(r[m], 2024, 100 + (uint64_t)m, (uint64_t)i);
            z[m] = 0.0;
        }
        for (int t = 0; t < T; t++) {
            if (t > 0) {
                for (int m = 0; m < M; m++)
                    x[m] = gsl_ran_gaussian_ziggurat(r[m], 1.0);
                correlate_ou(in, x, z);
            }
            for (int m = 0; m < M; m++)
                ratio[m] = exp(z[m] - in->half_var[m]);
            o->cost += needs_cost(in, ratio);
        }
        for (int m = 0; m < M; m++)
            o->words += mr_rng_words_used(r[m]);
    }
    for (int m = 0; m < M; m++)
        gsl_rng_free(r[m]);
    return ok ? 0 : -1;
}

static int run_inline(const kernel_in *in, long trials, kernel_out *o)
{
    stream s[M];
    double z[M], x[M], y[M], ratio[M];
    *o = (kernel_out){0};
    for (long i = 0; i < trials; i++) {
        for (int m = 0; m < M; m++) {
            s[m] = (stream){
                .key = {{2024, 0}}, .ctr = {{0, 100 + (uint32_t)m, 0, (uint32_t)i}}, .idx = 4};
            z[m] = 0.0;
        }
        for (int t = 0; t < T; t++) {
            if (t > 0) {
                for (int m = 0; m < M; m++)
                    x[m] = zig_normal(&s[m]);
                correlate_ou(in, x, z);
            }
            for (int m = 0; m < M; m++)
                y[m] = z[m] - in->half_var[m];
#pragma omp simd
            for (int m = 0; m < M; m++)
                ratio[m] = vexp(y[m]);
            o->cost += needs_cost(in, ratio);
        }
        for (int m = 0; m < M; m++)
            o->words += s[m].ctr.v[0] ? 4u * s[m].ctr.v[0] - (4u - s[m].idx) : 0u;
    }
    return 0;
}

/* mean and variance of n normals of the inline ziggurat (untimed check) */
static void zig_moments(long n, double *mean, double *var)
{
    stream s = {.key = {{7, 0}}, .ctr = {{0, 1, 0, 0}}, .idx = 4};
    double sum = 0.0, sq = 0.0;
    for (long i = 0; i < n; i++) {
        double x = zig_normal(&s);
        sum += x;
        sq += x * x;
    }
    *mean = sum / (double)n;
    *var = sq / (double)n - *mean * *mean;
}

/* the largest distance of vexp from exp over [-30, 30], in units of the
   last place of exp's result */
static double vexp_ulps(void)
{
    double worst = 0.0;
    for (int i = -300000; i <= 300000; i++) {
        double x = i * 1.0e-4, a = vexp(x), b = exp(x);
        double d = fabs(a - b) / (nextafter(b, INFINITY) - b);
        if (d > worst)
            worst = d;
    }
    return worst;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    unsigned long long trials = 20000, reps = 5, run_words = 0;
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf("usage: price_kernel [TRIALS [REPS [RUN_WORDS]]]\n"
               "The price step of bench/synthetic.yaml alone (20 minerals, 120 steps, 36\n"
               "needs), as the engine computes it and with an inline ziggurat and a\n"
               "vectorised exp; times in microseconds a trial, medians of REPS timings.\n"
               "RUN_WORDS: 32-bit words a trial of the whole run draws (its RNG floor).\n");
        return 0;
    }
    if (argc > 4 || (argc > 1 && (mr_cli_parse_u64(argv[1], &trials) || trials < 1)) ||
        (argc > 2 && (mr_cli_parse_u64(argv[2], &reps) || reps < 1 || reps > MAXREPS)) ||
        (argc > 3 && mr_cli_parse_u64(argv[3], &run_words))) {
        fprintf(stderr, "price_kernel: usage: price_kernel [TRIALS [REPS (1-%d) [RUN_WORDS]]]\n",
                MAXREPS);
        return 2;
    }
    kernel_in in;
    kernel_inputs(&in);
    zig_init();
    double zm, zv;
    zig_moments(10000000, &zm, &zv);
    printf("checks: vexp against exp on [-30, 30] at most %.2f ulp; inline ziggurat, 10^7 "
           "normals: mean %.5f (SE 0.00032), variance %.5f (SE 0.00045)\n",
           vexp_ulps(), zm, zv);
    const char *name[2] = {"engine", "inline"};
    double us[2][MAXREPS], own[2][MAXREPS], run[2][MAXREPS];
    kernel_out o[2];
    for (unsigned r = 0; r < reps; r++)
        for (int v = 0; v < 2; v++) {
            double t0 = mr_now_seconds();
            if ((v ? run_inline : run_engine)(&in, (long)trials, &o[v])) {
                fprintf(stderr, "price_kernel: out of memory\n");
                return 1;
            }
            double s = mr_now_seconds() - t0;
            double floor_own = mr_rng_floor_seconds(o[v].words, 1, NULL);
            double floor_run = run_words ? mr_rng_floor_seconds(run_words * trials, 1, NULL) : 0;
            if (floor_own <= 0.0 || floor_run < 0.0) {
                fprintf(stderr, "price_kernel: out of memory\n");
                return 1;
            }
            us[v][r] = 1e6 * s / (double)trials;
            own[v][r] = s / floor_own;
            run[v][r] = run_words ? s / floor_run : 0.0;
        }
    printf("%llu trials, median of %llu timings, 1 thread\n", trials, reps);
    printf("%-8s %10s %12s %16s %12s\n", "kernel", "us/trial", "words/trial", "/ own-word floor",
           "/ run floor");
    for (int v = 0; v < 2; v++) {
        printf("%-8s %10.2f %12.1f %16.2f", name[v], median(us[v], (int)reps),
               (double)o[v].words / (double)trials, median(own[v], (int)reps));
        if (run_words)
            printf(" %12.2f\n", median(run[v], (int)reps));
        else
            printf(" %12s\n", "-");
    }
    printf("checksums (GBP, not comparable across kernels): %.6e %.6e\n", o[0].cost, o[1].cost);
    return 0;
}
