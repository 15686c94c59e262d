/* cellnum.h - the one rule of the printed tables (summary.c, attr_print.c,
 * policy_cost.c, the VRF of compare_print.c) for a figure too long for
 * its cell: from MR_TAB_EXP_FROM up in absolute value (and inf) a figure is printed with 4
 * significant digits ("8.334e+228"), not %.*f, whose digits the cell's width cut off without a sign
 * (a mean of 8e228 GBP m read as 8e46). Below it, as before. And the rule
 * of decimals for figures beside others of another size
 * (mr_tab_sig2_decimals).
 */
#ifndef MR_CELLNUM_H
#define MR_CELLNUM_H

#define MR_TAB_EXP_FROM 1e15

#include <math.h>
#include <stddef.h>
#include <stdio.h>

/* A variance-reduction factor as `compare` and `summary` both print it:
   "inf" (B - A the same in every trial), "n/a" (NaN), %.1f, and from
   MR_TAB_EXP_FROM up 4 significant digits ("1.111e+31"; until 2026-12-07
   compare printed every digit, 32 of them, and summary cut them to 31).
   Returns snprintf's count. */
static inline int mr_vrf_text(char *buf, size_t n, double x)
{
    if (isinf(x))
        return snprintf(buf, n, "inf");
    if (isnan(x))
        return snprintf(buf, n, "n/a");
    return snprintf(buf, n, fabs(x) >= MR_TAB_EXP_FROM ? "%.4g" : "%.1f", x);
}

/* The decimals for figures whose largest |value| is big: dec, or more, at
   most max, until big shows 2 significant digits (big >= 10^(1 - dec));
   dec for big 0 or not finite. For a column or a change beside figures of
   another size (compare's B - A, summary's headline parts: until
   2026-12-07 0.35 GBP m printed as 0 beside hundreds). */
static inline int mr_tab_sig2_decimals(double big, int dec, int max)
{
    while (dec < max && big > 0.0 && isfinite(big) && big < pow(10.0, 1 - dec))
        dec++;
    return dec;
}

/* mr_tab_sig2_decimals of the largest finite |x[i] / unit| of a change and
   its interval (x: estimate, low, high): compare's change column, a
   sweep's "vs first" (until 2026-12-07 -0.24 GBP m printed -0 there). */
static inline int mr_tab_change_decimals(const double x[3], double unit, int dec, int max)
{
    double big = 0.0;
    for (int i = 0; i < 3; i++)
        if (isfinite(x[i]) && fabs(x[i] / unit) > big)
            big = fabs(x[i] / unit);
    return mr_tab_sig2_decimals(big, dec, max);
}

#endif
