/* sumsq.c - sums of squared deviations that stay finite (sumsq.h). */
#include "out/stats/sumsq.h"

#include <math.h>

double mr_sumsq_scale(int rescaled)
{
    return rescaled ? ldexp(1.0, -MR_SUMSQ_EXP) : 1.0;
}

int mr_sumsq(mr_sumsq_fn f, void *ctx, size_t k, double *ss, double *scaled)
{
    for (size_t q = 0; q < k; q++)
        scaled[q] = 0.0;
    if (f(ctx, 1.0, ss) != 0)
        return -1;
    for (size_t q = 0; q < k; q++)
        if (isinf(ss[q]))
            return f(ctx, mr_sumsq_scale(1), scaled) != 0 ? -1 : 1;
    return 0;
}

double mr_sumsq_root(double q, int rescaled)
{
    return rescaled ? ldexp(sqrt(q), MR_SUMSQ_EXP) : sqrt(q);
}

double mr_sumsq_sd(double ss, double scaled, uint64_t n)
{
    if (n < 2)
        return NAN;
    if (isinf(ss))
        return mr_sumsq_root(scaled / (double)(n - 1), 1);
    return sqrt(ss / (double)(n - 1));
}
