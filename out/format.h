/* format.h - the fixed points of minrisk's result file (docs/OUTPUT.md):
 * its name and version, and the levels of the statistics in /summary. The
 * writer (out/h5/writer.c) and every reader take them from here.
 */
#ifndef MR_FORMAT_H
#define MR_FORMAT_H

/* Version of the file layout, root attribute format_version. Bump the minor
   number when datasets are added, the major one when any is renamed,
   removed or changes meaning. */
#define MR_FORMAT_NAME "minrisk"
#define MR_FORMAT_MAJOR 1
#define MR_FORMAT_MINOR 2

/* Statistics written to /summary (MODEL §9). */
#define MR_OUTPUT_NQUANTILES 6 /* 0.5 0.9 0.95 0.99 0.995 0.999 */
#define MR_OUTPUT_NES 3        /* 0.95 0.99 0.995 */
#define MR_OUTPUT_NRP 9        /* 2 5 10 20 50 100 200 500 1000 years */
#define MR_OUTPUT_NBANDS 3     /* 0.05 0.5 0.95 */
#define MR_OUTPUT_HIST_BINS 50
#define MR_OUTPUT_CI_LEVEL 0.95

extern const double mr_output_quantiles[MR_OUTPUT_NQUANTILES];
extern const double mr_output_es_levels[MR_OUTPUT_NES];
extern const double mr_output_return_periods[MR_OUTPUT_NRP];
extern const double mr_output_bands[MR_OUTPUT_NBANDS];

#endif
