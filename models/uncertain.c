/* uncertain.c - quantile functions of the `uncertain:` distributions
 * (models/uncertain.h). */
#include "models/uncertain.h"

#include "models/status.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
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

/* The Beta(a, b) quantile of u. gsl_cdf_beta_Pinv returns NaN for some
   shapes the schema accepts (a = 1, b = 1000: 14 of 199 quantiles; a = b =
   0.01: all, and its finite results there are off by up to 0.1 in
   probability), and does not return at all for a = b = 1e6. Its result is
   kept where it is finite and within 1e-12 of u in probability (shapes up
   to 1e4, so that the designs of the reference scenarios are as before),
   else bisection on the regularized incomplete beta function I_x(a, b)
   (gsl_sf_beta_inc_e, its value kept when it stops at its iteration limit:
   gsl_cdf_beta_P is NaN there, within 5e-6 of the mean for a = b = 1e6,
   where the value is still within about 1e-9 of the CDF): the smallest x
   with I_x >= u, to the adjacent double. (Until 2026-12-05 a NaN went into the
   design, and a NaN design value means "as written": those rows ran at the
   scenario's value.) */
static double beta_quantile(double u, double a, double b)
{
    mr_gsl_quiet_begin();
    double x = NAN;
    if (a <= 1e4 && b <= 1e4) {
        x = gsl_cdf_beta_Pinv(u, a, b);
        if (!(isfinite(x) && fabs(gsl_cdf_beta_P(x, a, b) - u) <= 1e-12))
            x = NAN;
    }
    if (isnan(x)) {
        double lo = 0.0, hi = 1.0;
        for (int i = 0; i < 1100; i++) {
            double mid = lo + 0.5 * (hi - lo);
            if (mid <= lo || mid >= hi)
                break;
            gsl_sf_result p;
            gsl_sf_beta_inc_e(a, b, mid, &p);
            if (p.val < u)
                lo = mid;
            else
                hi = mid;
        }
        x = hi;
    }
    mr_gsl_quiet_end();
    return x;
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
        double x = q->c + (q->d - q->c) * beta_quantile(u, q->a, q->b);
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
