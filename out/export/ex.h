/* ex.h - inside `minrisk export` (export.h): the state of an export, the
 * CSV writer and the reading helpers (csv.c), a run's summary tables
 * (tables.c), its per-trial tables (trials.c) and the generic rule of the
 * study tables (generic.c), shared with export.c, which walks the runs of a
 * file. Not for use outside out/export/.
 *
 * Every function taking an ex records its first failure in x->r (status
 * and message) and returns -1 once there is one; callers may go on and
 * check x->r.status once.
 */
#ifndef MR_EX_H
#define MR_EX_H

#include "out/export/export.h"
#include "out/h5/read.h"
#include "out/stopsig.h" /* sigset_t, around the steps an interrupt undoes */

#include <hdf5.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define PATH_MAX_LEN 4096
#define NAME_LEN 512       /* longest object name read (a longer one is an error) */
#define ROWS_PER_READ 8192 /* trials read at once from a /trials table */

/* ---- state and errors (csv.c) ------------------------------------------------ */

typedef struct {
    mr_h5r r; /* the result file; r.status is MR_OK until the first failure */
    size_t nfiles;
    /* what this export made, undone when it fails: files, then directories;
       final[k]: the name a finished table made[k] (its temporary) gets when
       the export commits (ex_commit), else NULL */
    char **made;
    bool *made_dir;
    char **final;
    size_t nmade, capmade;
    /* the input file (device, inode): no output or temporary may be it */
    bool have_in;
    dev_t in_dev;
    ino_t in_ino;
} ex;

void ex_fmt(char *buf, size_t n, const char *f, ...) PRINTF_LIKE(3, 4);
/* 0, or -1 out of memory: path removed, "out of memory" recorded. */
int ex_made(ex *x, const char *path, bool dir);
/* ex_made with SIGINT, SIGTERM and SIGHUP already blocked
   (mr_stopsig_block: around a step that makes a file or directory and
   records it, so that an interrupt undoes both or neither). */
int ex_made_guarded(ex *x, const char *path, bool dir);
void ex_undo(ex *x);
/* Every finished table's temporary renamed to its name (with SIGINT, SIGTERM
   and SIGHUP blocked), at the end of an export that succeeded: until then
   the directory holds no table under its name, so an export killed
   outright (SIGKILL) leaves only hidden temporaries, not some of the
   tables. 0, or -1 with the failure recorded (ex_undo removes them all). */
int ex_commit(ex *x);
/* The temporary of a finished table (DIR/.NAME.tmp), recorded with its name
   to be (SIGINT etc. blocked: mr_stopsig_block). 0, or -1 out of memory (removed). */
int ex_made_table_guarded(ex *x, const char *tmp, const char *path);
/* x (or NULL: none) is the export an interrupt undoes (mr_export_remove_partial). */
void ex_undo_on_signal(ex *x);
int ex_fail(ex *x, int status, const char *fmt, ...) PRINTF_LIKE(3, 4);
int ex_damaged(ex *x, hid_t g, const char *name);
int ex_check_output(ex *x, const char *path);

/* ---- CSV (csv.c) -------------------------------------------------------------- */

typedef struct {
    ex *x;
    FILE *f;
    char tmp[PATH_MAX_LEN], path[PATH_MAX_LEN];
    bool first; /* no cell yet in this row */
} csv;

int csv_open(ex *x, csv *c, const char *dir, const char *name);
void csv_sep(csv *c);
void csv_str(csv *c, const char *s);
void csv_f64(csv *c, double v);
/* A money value given in GBP, written in GBP m (the unit of columns named _gbp_m). */
void csv_gbp_m(csv *c, double gbp);
void csv_u64(csv *c, unsigned long long v);
void csv_i64(csv *c, long long v);
void csv_row(csv *c);
void csv_head(csv *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
int csv_close(csv *c);

/* ---- reading (csv.c) ---------------------------------------------------------- */

bool ex_exists(hid_t g, const char *name);
long long ex_extent(ex *x, hid_t g, const char *name);
/* Dataset `name` of g holds n x a x b values: 0; else -1, damaged, with
   both counts. The product is checked, not formed: the extents of a
   crafted file (each up to 2^40) can multiply past 2^63, where n x a x b
   overflowed (undefined) and could match a dataset of 0 values. */
int ex_check_extent(ex *x, hid_t g, const char *name, long long n, size_t a, size_t b);
double *ex_read_f64(ex *x, hid_t g, const char *name, size_t n);
unsigned long long *ex_read_u64(ex *x, hid_t g, const char *name, size_t n);
long long *ex_read_i64(ex *x, hid_t g, const char *name, size_t n);
int ex_read_rows(ex *x, hid_t g, const char *name, hsize_t r0, hsize_t nr, hsize_t ncols,
                 hid_t mem_type, void *buf);
void ex_level_label(double p, char *buf, size_t n);

/* ---- one run's tables (tables.c, trials.c) ------------------------------------ */

typedef struct {
    hid_t g; /* the run's group (the file root for a plain run) */
    size_t S, M;
    char **sector, **mineral;
} ex_run;

int ex_summary_tables(ex *x, const ex_run *r, const char *dir);
int ex_trial_tables(ex *x, const ex_run *r, const char *dir);
/* year_loss.csv (long: trial, year, sector, loss_gbp_m, from
   /trials/sector_annual_loss) when the file has that table, and
   event_loss.csv (long: event, trial, sector, loss_gbp_m, from
   /events/loss) when it has that one (trials.c). */
int ex_long_tables(ex *x, const ex_run *r, const char *dir);
/* exceedance.csv (long: series, return_period_years, aep/oep with their
   intervals in GBP m) from /loss_tables, when the file has it (tables.c). */
int ex_exceedance_table(ex *x, const ex_run *r, const char *dir);

/* ---- the generic rule, for the study tables (generic.c) ------------------------ */

typedef struct {
    char (*names)[NAME_LEN];
    bool *group;
    size_t n;
} ex_links;

int ex_list_links(ex *x, hid_t g, ex_links *l);
void ex_free_links(ex_links *l);
int ex_study(ex *x, hid_t g, const char *name, const char *dir);

/* ---- an uncertainty study's /uncertainty (uncertainty.c) ----------------------- */

/* Its tables into dir (uncertainty_*.csv; with trials the predictive
   sample too). */
int ex_uncertainty(ex *x, const char *dir, bool trials);

#endif
