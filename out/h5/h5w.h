/* h5w.h - inside the result file's writer (writer.h): the writing toolkit
 * (h5w.c) and the layout of a run's groups (layout.c, layout_indicators.c), shared with
 * writer.c, which drives a write. Not for use outside out/h5/.
 *
 * Every function taking an h5w is collective over w->comm: every rank calls
 * it with the same arguments, and it returns the same status on every rank
 * (0, or -1 once any rank failed; the first failure's message is in w->err).
 */
#ifndef MR_H5W_H
#define MR_H5W_H

#include "models/scenario.h"
#include "models/status.h"
#include "out/comm.h"
#include "out/h5/writer.h"
#include "out/results.h"
#include "out/stats/sumstats.h"

#include <hdf5.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef MINRISK_VERSION
#define MINRISK_VERSION "unknown"
#endif

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---- writer state ----------------------------------------------------------- */

/* A string dataset made in the collective part, filled afterwards. */
typedef struct {
    char *path;          /* full path in the file */
    const char **values; /* n pointers to strings that outlive the write */
    size_t n;
} h5w_deferred;

typedef struct {
    const char *path; /* the final path, which every message names */
    mr_error *err;
    bool failed;
    bool stopped;         /* failed because of mr_output_interrupt */
    const mr_comm *comm;  /* the ranks taking part in the current step */
    const mr_comm *world; /* all ranks of the write */
    bool par;             /* the file is open through MPI-IO */
    hid_t file;
    hid_t base; /* the group of the run being written (the file for a plain run) */
    hid_t str;  /* variable-length UTF-8 string */
    hid_t gcpl; /* groups: link and attribute creation order, no times */
    hid_t dcpl; /* small datasets: contiguous, no times */
    hid_t dxpl; /* transfer: collective with MPI-IO, else default */
    h5w_deferred *defer;
    size_t ndefer, capdefer;
    char *resolved; /* the resolved scenario text (deferred string) */
} h5w;

/* The long_name attribute written beside every description (CF): the
   description up to its first ':' or ';' outside parentheses, parenthesised
   text dropped, white space collapsed, no space before ',' or '.', no
   trailing ',', '.' or space, the first letter upper case; cut to size - 1
   bytes. python/minrisk/files.py long_name() is the same rule. Returns the
   length. */
#define H5W_LONG_NAME_MAX 512
size_t h5w_long_name(const char *description, char *buf, size_t size);

/* A dataset of `rank` dims (0 = scalar) in grp, with its dimensions attached
   to the coordinate variables dimnames[] of the same group, and units and
   description. */
typedef struct {
    const char *name;
    hid_t file_type, mem_type;
    int rank;
    hsize_t dims[MR_EXTRA_MAX_RANK];
    const char *dimnames[MR_EXTRA_MAX_RANK];
    const char *units;
    const char *description;
} h5w_dsdef;

/* Where a dataset's data come from: the whole of it on every rank (rank 0
   writes it), or this rank's rows row0 .. row0 + nrows - 1 of dimension 0
   (chunked along it by chunk_rows rows). */
typedef struct {
    bool rows;
    hsize_t row0, nrows, chunk_rows;
} h5w_dsrows;

/* Facts of the run and of this write, reduced over ranks (/run_info). */
typedef struct {
    bool have_info;
    int ranks, threads;
    double wall_max, wall_min, trials_per_second;
    uint64_t random_words;
    uint64_t verification; /* 0: none */
    double stats_seconds, write_seconds;
    double analysis_seconds;
} h5w_facts;

/* ---- the temporary file and the interrupt (h5w.c) ---------------------------- */

const char *h5w_partial_name(void);
/* Creates the temporary file (rank 0), after checking that it may grow to
   bytes (mr_output_room); -1 on every rank when it cannot. */
int h5w_partial_create(h5w *w, double bytes);
void h5w_partial_rename(h5w *w);
void h5w_partial_end(h5w *w, bool created);
void h5w_interrupt_consume(void);

/* ---- failures (h5w.c) ----------------------------------------------------------- */

int h5w_fail(h5w *w, const char *fmt, ...) PRINTF_LIKE(2, 3);
int h5w_fail_h5(h5w *w, const char *what);
int h5w_sync_flags(h5w *w, bool with_interrupt);
int h5w_sync_state(h5w *w);
void h5w_close_id(hid_t id);

/* ---- attributes, groups and datasets (h5w.c) ------------------------------------ */

int h5w_attr_write(h5w *w, hid_t obj, const char *name, hid_t file_type, hid_t mem_type, hsize_t n,
                   const void *value);
int h5w_attr_str(h5w *w, hid_t obj, const char *name, const char *value);
int h5w_attr_f64(h5w *w, hid_t obj, const char *name, double v);
int h5w_attr_i32(h5w *w, hid_t obj, const char *name, int v);
int h5w_attr_u64(h5w *w, hid_t obj, const char *name, uint64_t v);

hid_t h5w_make_group(h5w *w, hid_t parent, const char *name);
hid_t h5w_make_path(h5w *w, const char *path, bool last_is_group);

int h5w_put_rows(h5w *w, hid_t grp, const h5w_dsdef *d, const void *data, const h5w_dsrows *r);
int h5w_put(h5w *w, hid_t grp, const h5w_dsdef *d, const void *data);
hsize_t h5w_chunk_rows(hsize_t nrows, hsize_t rowbytes);
int h5w_put_coord_rows(h5w *w, hid_t grp, const h5w_dsdef *d, const void *data,
                       const h5w_dsrows *r);
int h5w_put_coord_f64(h5w *w, hid_t grp, const char *name, const double *v, size_t n,
                      const char *units, const char *description);
int h5w_put_coord_range(h5w *w, hid_t grp, const char *name, int first, size_t n, const char *units,
                        const char *description);
int h5w_put_strings(h5w *w, hid_t grp, const char *name, const void *base, size_t size,
                    size_t offset, size_t n, const char *dim, const char *description,
                    bool is_coord);
/* The coordinates mineral, sector and country (which: a mask of H5W_CO_*)
   of the scenario's entities in grp, in scenario order. */
enum { H5W_CO_MINERAL = 1, H5W_CO_SECTOR = 2, H5W_CO_COUNTRY = 4 };
int h5w_put_entity_coords(h5w *w, hid_t grp, const mr_scenario *sc, int which);
int h5w_put_scalar(h5w *w, hid_t grp, const char *name, double v, const char *units,
                   const char *description);
int h5w_put_f64(h5w *w, hid_t grp, const char *name, const double *v, int rank, const hsize_t *dims,
                const char *const *dimnames, const char *units, const char *description);
int h5w_put_1d(h5w *w, hid_t grp, const char *name, const double *v, size_t n, const char *dim,
               const char *units, const char *description);
int h5w_put_2d(h5w *w, hid_t grp, const char *name, const double *v, size_t n0, const char *dim0,
               size_t n1, const char *dim1, const char *units, const char *description);
int h5w_put_text(h5w *w, hid_t grp, const char *name, const char *text, const char *description);

/* ---- the file (h5w.c) ----------------------------------------------------------- */

void h5w_free_deferred(h5w *w);
int h5w_setup(h5w *w, hid_t fcpl, hid_t fapl);

/* ---- what goes in which group (layout.c) ---------------------------------------- */

int h5w_write_file_root(h5w *w, const char *kind, const mr_output_run *runs, size_t nruns);
int h5w_write_run(h5w *w, const mr_scenario *sc, const mr_results *res, const mr_sumstats *st);
int h5w_write_extra(h5w *w, const mr_output_extra *x);
int h5w_write_run_info(h5w *w, const mr_scenario *sc, const h5w_facts *rf);

/* /indicators (layout_indicators.c). */
int h5w_write_indicators(h5w *w, const mr_scenario *sc);

#endif
