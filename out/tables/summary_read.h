/* summary_read.h - the figures `minrisk summary` prints of one run, as
 * summary_read.c reads them: for summary.c (one run) and multi_uk.c (the
 * UK sourcing of every run of a sweep or comparison). Not for use outside
 * out/tables/.
 */
#ifndef MR_SUMMARY_READ_H
#define MR_SUMMARY_READ_H

#include "out/h5/read.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    COL_MEAN,
    COL_SE,
    COL_VAR95,
    COL_VAR99,
    COL_VAR995,
    COL_ES99,
    COL_AAL,
    COL_RP100,
    COL_RP200,
    NLOSSCOLS
};
enum { MCOL_PSHORT, MCOL_SHORT, MCOL_MONTHS, MCOL_PEMPTY, MCOL_PRICE, NMINCOLS };
/* the figures of an indicator row; capped: UK rows only */
enum { ICOL_HHI, ICOL_HHI_WGI, ICOL_SHARE, ICOL_ABOVE, ICOL_ASSUMED, ICOL_CAPPED, NINDCOLS };

/* The rows of /indicators (the world's: per mineral and stage) or of
   /indicators/uk (UK sourcing: per mineral, at its product stage). */
typedef struct {
    size_t n;
    char **mineral, **stage, **top; /* [n] */
    char **basis, **source;         /* [n], UK rows only */
    double *fig;                    /* [n * NINDCOLS] */
    char **top_before;              /* [n], UK rows of files that keep it; else NULL */
    double *share_before;           /* [n], with top_before */
} ind_table;

typedef struct {
    char *scenario, *software;
    uint64_t trials, seed;
    int horizon, steps_per_year, version[2];
    /* /importance of an importance-sampled run (weighted = 0: none, or the
       identity tilt): its effective sample size and largest weight share */
    int weighted;
    double ess, wmax_share;
    size_t S, M;
    char **sector, **mineral;
    double *loss;        /* [(S + 1) * NLOSSCOLS], GBP; row S is the total */
    double *parts;       /* [(S + 1) * 3] means of GL, XC, OL (format 1.3 on; NULL before) */
    char *basis;         /* root loss_basis (format 1.3 on; NULL before) */
    double *mineral_fig; /* [M * NMINCOLS] */
    /* /indicators (format 1.1 on; n = 0 and no table in older files) */
    double cap;
    ind_table ind;
    ind_table uk; /* /indicators/uk (format 1.4 on; n = 0 and no table before) */
    /* /policies (format 1.5 on, when the scenario states costs; else ncost = 0) */
    size_t ncost;
    char **lever, **source; /* [ncost] */
    double *cost;           /* [ncost] GBP over the horizon */
    double cost_total;
} summary;

/* The file's header (scenario, software, trials, seed, grid, importance)
   into s; then mr_summary_read the rest of a one-run file. 0, or -1 with
   r->status. */
int mr_summary_read_header(mr_h5r *r, summary *s);
int mr_summary_read(mr_h5r *r, summary *s);
/* The /indicators and /indicators/uk tables of the run at group `run`. */
int mr_summary_read_indicators_at(mr_h5r *r, const char *run, summary *s);
void mr_summary_free(summary *s);

#endif
