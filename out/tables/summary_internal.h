/* summary_internal.h - what the printers of out/tables/summary.c (one run,
 * and the tables of sweep and comparison files) share with multi_uk.c (the
 * UK sourcing of every run of a sweep or comparison). Not for use outside
 * out/tables/.
 */
#ifndef MR_SUMMARY_INTERNAL_H
#define MR_SUMMARY_INTERNAL_H

#include "out/h5/read.h"
#include "out/tables/cellnum.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* ---- printing: column-aligned text tables -------------------------------- */

#define CELL 48

typedef struct {
    size_t rows, cols; /* rows include the header row */
    char (*cell)[CELL];
} table;

/* Cell (row, col) of t (row 0 is the header). */
char *mr_tab_cell(table *t, size_t row, size_t col);
/* First column left-aligned, the others right-aligned, two spaces apart;
   any number of columns. */
void mr_tab_print(FILE *out, table *t);
/* v with `decimals` decimals and suffix into a cell; "n/a" for NaN; from
   MR_TAB_EXP_FROM up (and inf) 4 significant digits ("8.334e+228"), so
   that no figure is cut to the cell's 47 characters (cellnum.h). */
void mr_tab_fmt_num(char *dst, double v, int decimals, const char *suffix);
/* Decimals that show about four significant digits of the largest value. */
int mr_tab_decimals(double maxabs);
/* `minrisk summary` of a sweep, comparison or uncertainty file
   (summary_multi.c): 1 printed, 0 not such a file, -1 on an error. */
int mr_summary_print_multi(mr_h5r *r, FILE *out);
/* t's cells (t->rows x t->cols), empty but the first row, the heading
   `head`: 0, or -1 when out of memory. */
int mr_tab_headed(table *t, const char *const *head);
/* The /indicators and /indicators/uk tables of the run at group `run`. */
int mr_summary_read_indicators_at(mr_h5r *r, const char *run, summary *s);
void mr_summary_free(summary *s);

/* The indicators of every run (cap, ind, uk of each summary), read before
   anything is printed. */
typedef struct {
    size_t n;
    char **label; /* [n] printable: "a", "b", or the variant's group name */
    summary *run; /* [n] */
} multi_uk;

/* multi_uk.c: read every run's indicators (compare: /runs/<r>; else the
   sweep's variants), then print them side by side after the file's own
   table (nothing when some run has no UK rows). */
int mr_multi_uk_read(mr_h5r *r, bool compare, multi_uk *m);
void mr_multi_uk_print(FILE *out, const multi_uk *m, bool compare);
void mr_multi_uk_free(multi_uk *m);

#endif
