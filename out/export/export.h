/* export.h - a result file's tables as CSV files (`minrisk export`), and
 * the timings of a finished run (`minrisk run --verbose`).
 *
 * Every file and column is documented in docs/EXPORT.md; the columns carry
 * their unit in the name (_gbp, _fraction, _ratio, _months, _years).
 */
#ifndef MR_EXPORT_H
#define MR_EXPORT_H

#include "models/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
    bool trials;     /* also the per-trial tables (trials.csv, annual_loss.csv, ...) */
    const char *run; /* a comparison's or sweep's run group ("runs/a", "variants/x");
                        NULL: every run, each in its own subdirectory */
} mr_export_opts;

/* Write the tables of the minrisk result file `file` as CSV into `dir`
   (made, with its parents, when missing). Each CSV is written as
   dir/.NAME.tmp, and all are renamed to dir/NAME when the export is
   complete, so no half file, and no part of an export, is ever left under
   CSV names. Returns MR_OK with *nfiles (may be
   NULL) the number of files written; MR_BAD_INPUT with err when
   file is missing, not a minrisk file, damaged, opts->run names no run, or
   dir cannot be made; MR_FAILED with err when a CSV cannot be
   written (disk full...). On failure the files and directories this call
   made are removed again. */
mr_status mr_export_csv(const char *file, const char *dir, const mr_export_opts *opts,
                        size_t *nfiles, mr_error *err);

/* Remove the temporary CSV being written, if any, and every file and
   directory the export in progress made, newest first (unlink(2) and
   rmdir(2) of names recorded with SIGINT and SIGTERM blocked): for a
   signal handler that then _exits. */
void mr_export_remove_partial(void);

/* One line with the timings that /run_info of a finished file records
   (simulation wall time, statistics, write, trials per second), to out.
   0, or -1 with err. */
int mr_export_print_timings(const char *file, FILE *out, mr_error *err);

#endif
