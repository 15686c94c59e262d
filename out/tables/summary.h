/* summary.h - the risk tables of a result file as text (`minrisk summary`). */
#ifndef MR_SUMMARY_H
#define MR_SUMMARY_H

#include "models/status.h"

#include <stdbool.h>
#include <stdio.h>

/* Print the risk tables of a finished file (header; losses per sector and in
   total, GBP millions; per-mineral shortage figures) as column-aligned text.
   Returns 0, or with err = "path: reason" MR_BAD_INPUT (-1: not found, not
   a minrisk file, unsupported format_version, damaged) or MR_FAILED (out
   of memory). Nothing is printed on failure. */
int mr_summary_print(const char *path, FILE *out, mr_error *err);

/* As mr_summary_print; with brief, a run file's header and headline loss
   table only (sweep and comparison files print in full). */
int mr_summary_print_brief(const char *path, FILE *out, bool brief, mr_error *err);

#endif
