/* format.c - the levels of the statistics in /summary (format.h). */
#include "out/format.h"

const double mr_output_quantiles[MR_OUTPUT_NQUANTILES] = {0.5, 0.9, 0.95, 0.99, 0.995, 0.999};
const double mr_output_es_levels[MR_OUTPUT_NES] = {0.95, 0.99, 0.995};
const double mr_output_return_periods[MR_OUTPUT_NRP] = {2, 5, 10, 20, 50, 100, 200, 500, 1000};
const double mr_output_bands[MR_OUTPUT_NBANDS] = {0.05, 0.5, 0.95};
