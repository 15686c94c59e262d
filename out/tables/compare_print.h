/* compare_print.h - the table of a comparison of R >= 2 runs on common
 * random numbers, one printer for `minrisk compare` (from its paired
 * statistics) and for `minrisk summary` of its file (from /difference), so
 * that the two print the same text (docs/STUDIES.md "Compare").
 */
#ifndef MR_COMPARE_PRINT_H
#define MR_COMPARE_PRINT_H

#include <stdint.h>
#include <stdio.h>

/* At most 26 runs: a .. z. */
#define MR_COMPARE_MAX_RUNS 26

/* The statistics of each series, in /difference/statistic's order: mean,
   var95, var99, es99, annual_1in100 (sim/studies/paired.h's order). */
#define MR_COMPARE_NSTAT 5

/* What the table shows, all losses in GBP. */
typedef struct {
    int R, P;                /* runs (2 .. MR_COMPARE_MAX_RUNS, A first), series (the total last) */
    const char *const *name; /* [R] the scenarios' names */
    const char *const *file; /* [R] their files, as given */
    const char *const *series;   /* [P] the series, the total last (shown "Total") */
    const double *val;           /* [R][P][NSTAT] each run's statistic */
    const double *est, *lo, *hi; /* [R - 1][P][NSTAT] the change X - A and its 95% interval */
    const double *vrf;           /* [R - 1][P] variance-reduction factor of the pairing */
    uint64_t trials, seed;
    int nboot; /* bootstrap resamples behind the intervals but the mean's */
    int horizon_years;
} mr_compare_view;

/* The header (scenarios, trials, seed, horizon), the table of statistics
   and changes, and the VRF table: two runs as A, B, B - A; more as a
   column per run, then each change against A. */
void mr_compare_view_print(FILE *f, const mr_compare_view *v);

#endif
