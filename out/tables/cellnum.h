/* cellnum.h - the one rule of the printed tables (summary.c, attr_print.c,
 * policy_cost.c, summary_multi.c's VRF) for a figure too long for its
 * cell: from MR_TAB_EXP_FROM up in absolute value (and inf) a figure is
 * printed with 4 significant digits ("8.334e+228"), not %.*f, whose digits
 * the cell's width cut off without a sign (a mean of 8e228 GBP m read as
 * 8e46). Below it, as before.
 */
#ifndef MR_CELLNUM_H
#define MR_CELLNUM_H

#define MR_TAB_EXP_FROM 1e15

#endif
