/* sectors.c - allocation among sectors, sector buffers, direct inoperability (MODEL §6). */
#include "models/sectors.h"

/* Relative slack when comparing what is left with a group's demand: shares
   that add up to the whole in exact arithmetic must not leave the last group
   a round-off short (1 - 0.3 - 0.6 < 0.1 in binary floating point). */
#define MR_ALLOCATION_ROUNDOFF 1e-12

void mr_allocate_priority(int ngroups, const int *group_start, const double *demand,
                          double available, double *f)
{
    for (int g = 0; g < ngroups; g++) {
        double d = 0.0;
        for (int k = group_start[g]; k < group_start[g + 1]; k++)
            d += demand[k];
        double frac;
        if (d <= 0.0) {
            frac = 1.0;
        } else if (available >= d * (1.0 - MR_ALLOCATION_ROUNDOFF)) {
            frac = 1.0;
            available -= d;
        } else {
            frac = available > 0.0 ? available / d : 0.0;
            available = 0.0;
        }
        for (int k = group_start[g]; k < group_start[g + 1]; k++)
            f[k] = demand[k] > 0.0 ? frac : 1.0;
    }
}

double mr_buffer_step(double f, double *level, double capacity_months, double refill_rate, double h)
{
    double gap = 1.0 - f;
    if (gap > 0.0) {
        double release = *level / h;
        if (release >= gap) {
            *level -= gap * h;
            return 1.0;
        }
        *level = 0.0;
        return f + release;
    }
    if (*level < capacity_months) {
        *level += refill_rate * h;
        if (*level > capacity_months)
            *level = capacity_months;
    }
    return f;
}

double mr_direct_inoperability_limiting(int n, const double *a, const double *sigma,
                                        const double *f)
{
    double c = 0.0;
    for (int m = 0; m < n; m++) {
        double x = a[m] * (1.0 - sigma[m]) * (1.0 - f[m]);
        if (x > c)
            c = x;
    }
    return c;
}

double mr_direct_inoperability_independent(int n, const double *a, const double *sigma,
                                           const double *f)
{
    double ok = 1.0;
    for (int m = 0; m < n; m++)
        ok *= 1.0 - a[m] * (1.0 - sigma[m]) * (1.0 - f[m]);
    return 1.0 - ok;
}
