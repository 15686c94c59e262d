/* libm_path.c - the fingerprint of the mathematical functions' code path
 * (libm_path.h).
 *
 * Each function minrisk's models call whose last bit may depend on the
 * code path (sqrt is correctly rounded everywhere, so it is not here) is
 * evaluated at fixed arguments spread over the ranges the models use, and
 * the bits of every result go into one FNV-1a hash. On glibc 2.36, x86-64,
 * exp, expm1, log1p and pow each give a different hash with and without
 * GLIBC_TUNABLES=glibc.cpu.hwcaps=-FMA at these 1,024 arguments (log gives
 * the same: its two versions agree there); tests/cli/verification_number.sh
 * checks, on a CPU with FMA, that the fingerprint tells the two paths apart.
 */
#include "models/libm_path.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <string.h>

#define FNV_OFFSET 14695981039346656037ull
#define FNV_PRIME 1099511628211ull
#define N_ARGS 1024

static uint64_t mix(uint64_t h, double y)
{
    uint64_t u;
    memcpy(&u, &y, sizeof u);
    for (int k = 0; k < 8; k++) {
        h ^= (u >> (8 * k)) & 0xffu;
        h *= FNV_PRIME;
    }
    return h;
}

/* The next of the fixed arguments in [0, 1), from the state *s: a linear
   congruential sequence, so that the arguments' last bits vary as the
   model's do. */
static double arg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) * 0x1.0p-53;
}

uint64_t mr_libm_fingerprint(void)
{
    static volatile uint64_t start = 0x9e3779b97f4a7c15ull; /* read at run time: nothing folded */
    uint64_t h = FNV_OFFSET, s = start;
    for (int i = 0; i < N_ARGS; i++) {
        const double u = arg(&s), v = arg(&s);
        h = mix(h, exp(-40.0 + 80.0 * u));                /* prices, weights, lognormal draws */
        h = mix(h, expm1(-3.0 + 6.0 * u));                /* rates over a step */
        h = mix(h, log(1e-9 + 1e3 * u));                  /* log prices, exponential draws */
        h = mix(h, log1p(-0.99 + 10.0 * u));              /* shortfalls, survival */
        h = mix(h, pow(1e-3 + 10.0 * u, -3.0 + 6.0 * v)); /* elasticities */
    }
    for (int i = 0; i < 64; i++) { /* GSL: uncertain blocks, binomial tails */
        const double u = 0.01 + 0.98 * arg(&s), a = 0.5 + 20.0 * arg(&s), b = 0.5 + 20.0 * arg(&s);
        h = mix(h, gsl_cdf_ugaussian_Pinv(u));
        h = mix(h, gsl_cdf_beta_P(u, a, b));
        h = mix(h, gsl_sf_gamma(a));
        h = mix(h, gsl_cdf_binomial_P((unsigned)(20.0 * u), u, 40));
    }
    return h ? h : 1;
}

const char *mr_libm_cpu_words(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    const int fma = __builtin_cpu_supports("fma"), avx2 = __builtin_cpu_supports("avx2");
    if (fma && avx2)
        return "x86-64 with FMA and AVX2";
    if (fma)
        return "x86-64 with FMA, without AVX2";
    return "x86-64 without FMA";
#elif defined(__aarch64__)
    return "aarch64 (FMA in the base instruction set)";
#else
    return "another CPU";
#endif
}
