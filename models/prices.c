/* prices.c - log price ratio y = z + pi (MODEL §5). */
#include "models/prices.h"

#include <float.h>
#include <math.h>

void mr_ou_coefficients(double theta, double sigma, double dt, double *decay, double *scale)
{
    if (theta > 0.0 && 2.0 * theta * dt >= DBL_MIN) {
        *decay = exp(-theta * dt);
        /* -expm1(-2 theta dt) keeps precision when theta dt is small */
        *scale = sigma * sqrt(-expm1(-2.0 * theta * dt) / (2.0 * theta));
    } else {
        /* theta = 0, or 2 theta dt subnormal (or rounded to 0, where the
           formula above gave scale 0): a random walk to double precision,
           the exact scale's relative difference 2 theta dt / 4 < 1e-308 */
        *decay = 1.0;
        *scale = sigma * sqrt(dt);
    }
}

double mr_scarcity_premium(double u, double elasticity, double max_multiple)
{
    return mr_scarcity_premium_capped(u, elasticity, log(max_multiple));
}

double mr_scarcity_premium_capped(double u, double elasticity, double cap)
{
    if (!(u > 0.0))
        return 0.0;
    if (u >= 1.0)
        return cap;
    double pi = -log1p(-u) / elasticity;
    return pi < cap ? pi : cap;
}

void mr_correlate(int n, const double *chol_lower, const double *x, double *e)
{
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        const double *row = chol_lower + (long)i * n;
        for (int k = 0; k <= i; k++)
            s += row[k] * x[k];
        e[i] = s;
    }
}
