/* uncertainty.h - the uncertainty of a scenario's assumptions: its
 * `uncertain:` keys sampled on a Saltelli design, each row run on the same
 * trials (common random numbers), the predictive distribution and the Sobol
 * indices of the headline statistics per key (docs/STUDIES.md
 * "Uncertainty", MODEL §9 "Sobol indices").
 */
#ifndef MR_UNCERTAINTY_H
#define MR_UNCERTAINTY_H

#include "out/comm.h"
#include "out/stats/sobol.h"
#include "out/tables/unc_print.h" /* the statistics and measures, the printer */
#include "sim/scenario/loader.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The Philox stream of the design (MODEL §12): mr_hash64("uncertain_design"). */
#define MR_UNC_STREAM_NAME "uncertain_design"

typedef struct {
    uint64_t rows;         /* N; 0 = uncertain.rows */
    uint64_t block_trials; /* L; 0 = uncertain.block_trials */
    uint64_t resamples;    /* bootstrap resamples of the intervals */
    int threads;           /* OpenMP threads (rows run in parallel); 0 = default */
    bool progress;         /* a progress line on stderr (rank 0) */
    double progress_every; /* > 0: a whole line every so many seconds (batch
                              logs); 0: one line rewritten in place */
} mr_uncertainty_opts;

/* What the command prints. */
typedef struct {
    int k;
    uint64_t n, l;
    mr_sobol_index *index;           /* [k][MR_UNC_NSTAT] */
    double variance[MR_UNC_NSTAT];   /* V of each statistic over the A and B rows */
    double sd[MR_UNC_NSTAT];         /* sqrt(V), finite where V passes DBL_MAX */
    double predictive[2][MR_UNC_NP]; /* [0] with parameter uncertainty, [1] the base */
    uint64_t resamples;              /* of the intervals' bootstrap; 0: none */
    double seconds;
} mr_uncertainty_result;

/* Parse the scenario at the extreme values each uncertain key can take
   (and an inner one, and every value of a choice), the other keys as
   written: MR_OK, or MR_BAD_INPUT with the first bad value's message, at
   the number in the block that gives it (MR_FAILED: out of memory). */
mr_status mr_uncertainty_check(const mr_scenario *base, mr_error *err);

/* Run the study of base (a scenario with an uncertain block, no sweep):
   collective over comm; writes output (kind "uncertainty": /base, the
   scenario as written run on the same L trials, and /uncertainty) and
   fills *out (free with mr_uncertainty_result_free). MR_OK,
   MR_INTERRUPTED, MR_BAD_INPUT (a row that does not parse or gives a
   non-finite result), MR_FAILED. */
mr_status mr_uncertainty_run(const mr_scenario *base, const char *output,
                             const mr_uncertainty_opts *opts, const mr_comm *comm,
                             mr_uncertainty_result *out, mr_error *err);

void mr_uncertainty_result_free(mr_uncertainty_result *r);

/* The ranked table of indices (by ST of the mean loss) and the predictive
   distribution, GBP m (mr_unc_print: `minrisk summary` prints the same from
   the file). */
void mr_uncertainty_print(FILE *f, const mr_scenario *base, const mr_uncertainty_result *r);

#endif
