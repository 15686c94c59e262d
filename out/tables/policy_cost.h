/* policy_cost.h - the policy costs of a comparison or a sweep as text
 * (docs/STUDIES.md "Compare", "Sweeps"; MODEL §10): printed by
 * `minrisk compare` from its runs and by `minrisk summary` from the file,
 * the same lines either way. */
#ifndef MR_POLICY_COST_PRINT_H
#define MR_POLICY_COST_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The costs of A and B over the horizon (GBP; stated[w] false: scenario w
   states none, counted as 0), B - A, and the loss avoided per pound
   per_pound = {estimate, lo, hi} (NaN: n/a, the reason printed from the
   costs), in GBP m; uncosted[w]: the levers scenario w uses without a
   stated cost, "" when none (a note says they count as 0). */
void mr_policy_cost_print_pair(FILE *out, int horizon_years, const double cost[2],
                               const bool stated[2], const char *const uncosted[2],
                               const double per_pound[3]);

/* The same for n >= 3 runs A, B, C, ...: one row per run with its cost,
   its cost minus A's and the loss avoided per pound of that extra cost,
   per_pound[3 (w - 1) + i] for run w >= 1 (estimate, lo, hi). */
void mr_policy_cost_print_many(FILE *out, int horizon_years, int n, const double *cost,
                               const bool *stated, const char *const *uncosted,
                               const double *per_pound);

/* A cost in GBP m, right-aligned in width (0: no padding): one decimal from
   GBP 1m, three below (a GBP 45,000 lever is 0.045, not 0.0), then an
   exponent. */
void mr_policy_cost_fmt(char *buf, size_t n, int width, double gbp_m);

/* "0.41 [0.39, 0.43]" (two significant decimals at least), or "n/a"; a
   figure from MR_TAB_EXP_FROM up with 4 significant digits (cellnum.h). */
void mr_policy_cost_fmt_per_pound(char *buf, size_t n, const double per_pound[3]);

#endif
