/* uncertain.c - quantile functions of the `uncertain:` distributions
 * (models/uncertain.h). */
#include "models/uncertain.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

double mr_dist_u(uint64_t k)
{
    return ((double)(k & ((UINT64_C(1) << 52) - 1)) + 0.5) * 0x1p-52;
}

static double triangular(double lo, double mode, double hi, double u)
{
    if (!(hi > lo))
        return lo;
    const double w = hi - lo, fc = (mode - lo) / w;
    if (u < fc)
        return lo + sqrt(u * w * (mode - lo));
    double x = hi - sqrt((1 - u) * w * (hi - mode));
    return x < lo ? lo : x;
}

double mr_dist_quantile(const mr_uncertain_param *q, double u)
{
    switch (q->kind) {
    case MR_DIST_UNIFORM:
        return q->b > q->a ? q->a + (q->b - q->a) * u : q->a;
    case MR_DIST_TRIANGULAR:
        return triangular(q->a, q->b, q->c, u);
    case MR_DIST_LOGNORMAL:
        return q->b > 0 ? q->a * exp(q->b * gsl_cdf_ugaussian_Pinv(u)) : q->a;
    case MR_DIST_BETA: {
        if (!(q->d > q->c))
            return q->c;
        double x = q->c + (q->d - q->c) * gsl_cdf_beta_Pinv(u, q->a, q->b);
        return x < q->c ? q->c : x > q->d ? q->d : x;
    }
    case MR_DIST_CHOICE: {
        double total = 0, cum = 0;
        for (int i = 0; i < q->nvalues; i++)
            total += q->weights[i];
        for (int i = 0; i < q->nvalues - 1; i++) {
            cum += q->weights[i];
            if (u * total < cum)
                return q->values[i];
        }
        return q->values[q->nvalues - 1];
    }
    }
    return NAN;
}

void mr_dist_range(const mr_uncertain_param *q, double *lo, double *hi)
{
    if (q->kind == MR_DIST_BETA) {
        *lo = q->c;
        *hi = q->d > q->c ? q->d : q->c;
        return;
    }
    if (q->kind == MR_DIST_CHOICE) {
        *lo = *hi = q->values[0];
        for (int i = 1; i < q->nvalues; i++) {
            *lo = q->values[i] < *lo ? q->values[i] : *lo;
            *hi = q->values[i] > *hi ? q->values[i] : *hi;
        }
        return;
    }
    if (q->kind == MR_DIST_UNIFORM || q->kind == MR_DIST_TRIANGULAR) {
        *lo = q->a; /* the ends as written: the draws lie within them */
        *hi = q->kind == MR_DIST_UNIFORM ? q->b : q->c;
        return;
    }
    *lo = mr_dist_quantile(q, MR_DIST_U_MIN);
    *hi = mr_dist_quantile(q, MR_DIST_U_MAX);
}

const char *mr_dist_name(mr_dist_kind kind)
{
    static const char *const names[] = {"uniform", "triangular", "lognormal", "beta", "choice"};
    return (unsigned)kind < sizeof names / sizeof *names ? names[kind] : "?";
}
