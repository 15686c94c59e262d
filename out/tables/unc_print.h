/* unc_print.h - the tables of an uncertainty study (docs/STUDIES.md
 * "Uncertainty"): the Sobol indices per key ranked by ST and the predictive
 * distribution beside the base. One printer for `minrisk uncertainty` (from
 * its results, sim/studies/uncertainty.c) and `minrisk summary` (from the
 * file's /uncertainty, mr_unc_summary_print), so both print the same text.
 */
#ifndef MR_UNC_PRINT_H
#define MR_UNC_PRINT_H

#include "models/status.h"
#include "out/h5/read.h"
#include "out/stats/sobol.h"

#include <stdint.h>
#include <stdio.h>

/* The statistics of a row's L trials whose indices are computed
   (/uncertainty/statistic). */
enum { MR_UNC_MEAN, MR_UNC_ES99, MR_UNC_GVA_MEAN, MR_UNC_NSTAT };
extern const char *const mr_unc_stat_names[MR_UNC_NSTAT];

/* The predictive distribution's figures (/uncertainty/measure). */
enum {
    MR_UNC_P_MEAN,
    MR_UNC_P_Q50,
    MR_UNC_P_Q90,
    MR_UNC_P_Q95,
    MR_UNC_P_Q99,
    MR_UNC_P_ES99,
    MR_UNC_NP
};
extern const char *const mr_unc_measure_names[MR_UNC_NP];

/* What is printed. */
typedef struct {
    const char *name; /* the scenario's name */
    uint64_t seed, n, l;
    int k;
    const char *const *key;                /* [k] key paths */
    const mr_sobol_index *index;           /* [k][MR_UNC_NSTAT] */
    const double *variance;                /* [MR_UNC_NSTAT] V over the A and B rows */
    const double *sd;                      /* [MR_UNC_NSTAT] sqrt(V), mr_sobol_sd: finite */
    const double (*predictive)[MR_UNC_NP]; /* [0] with parameter uncertainty, [1] the base */
    uint64_t resamples;                    /* of the indices' bootstrap; 0: no intervals */
} mr_unc_tables;

/* The ranked indices of each statistic (by ST, largest first, NaN last,
   ties in key order) and the predictive distribution, GBP m: each figure
   in 10 characters, whatever its sign (%.1f where it fits: below about
   GBP 1e8 m, above -1e7 m when negative; else 4 significant digits with
   an exponent, 3 for a negative figure from 1e100 m). */
void mr_unc_print(FILE *f, const mr_unc_tables *t);

/* The file r (kind "uncertainty") read and printed as mr_unc_print does:
   0, or -1 with r's status and message set (a damaged file prints
   nothing). */
int mr_unc_summary_print(mr_h5r *r, FILE *out);

#endif
