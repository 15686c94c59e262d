/* read.h - reading minrisk result files with the HDF5 C API, for the
 * commands that read one (summary, export, explain; docs/OUTPUT.md).
 *
 * A reader (mr_h5r) opens a file read-only with HDF5's own error printing
 * off, checks that it is a minrisk file of a format version this minrisk
 * reads, and keeps the first failure of everything read through it as a
 * one-line message "FILE: reason" in err. Callers may read on after a
 * failure and check r->status once, after a table of reads: the message
 * stays the first failure's.
 *
 * Names are relative to a location `loc` (the file, r->file, or a group
 * the caller opened: a run inside /runs/a or /variants/<name>); attributes
 * are read from the object at path `obj` under loc ("." is loc itself).
 *
 * Functions taking a reader report what they cannot read as "damaged or
 * incomplete minrisk file: cannot read WHAT"; the mr_h5r_* functions
 * without one are quiet and leave the message to the caller.
 */
#ifndef MR_H5READ_H
#define MR_H5READ_H

#include "models/status.h"

#include <hdf5.h>

#include <stdbool.h>
#include <stddef.h>

/* Flags of mr_h5r_open. */
enum {
    /* "cannot read" names objects by their path from the root: r->where
       (when set) or the path of loc, then "/" and the name
       ("/runs/a/summary/aal"); without it, by the name as given. */
    MR_H5R_NAMES_FROM_ROOT = 1,
    /* say "not a minrisk result file" (minrisk explain), not "not a minrisk file" */
    MR_H5R_RESULT_FILE = 2,
};

typedef struct {
    const char *path;     /* the file, as every message names it */
    mr_error *err;        /* the first failure's message */
    mr_status status;     /* MR_OK until the first failure; then its kind: MR_BAD_INPUT,
                             or MR_FAILED when not the input's fault (out of memory,
                             a failure of the caller's own, e.g. a CSV not written) */
    hid_t file;           /* the open file, or -1 */
    unsigned flags;       /* of mr_h5r_open */
    int version[2];       /* the file's format_version, once checked */
    char where[320];      /* with MR_H5R_NAMES_FROM_ROOT: the group, as the user named
                             it, that messages name objects under ("/runs/b"); "" =
                             the path of loc */
    H5E_auto2_t old_func; /* HDF5's error printing, put back by mr_h5r_close */
    void *old_data;
} mr_h5r;

/* Set up r for path, turn HDF5's error printing off, and open the file:
   it must exist ("cannot open: <errno text>"), be a regular file ("not a
   minrisk file (a directory, not a regular file)": mr_file_kind; a FIFO is
   opened without blocking, a device not read), be HDF5 ("not a minrisk
   file (not HDF5)"; "cannot open as HDF5 (damaged?)"), carry the root
   attributes format = "minrisk" and format_version ("not a minrisk file";
   two integers), major version MR_FORMAT_MAJOR ("unsupported
   format_version 2.0 (this minrisk reads 1.x)"). 0, or -1 with the
   message in err. Whatever it returns, call mr_h5r_close afterwards. */
int mr_h5r_open(mr_h5r *r, const char *path, unsigned flags, mr_error *err);

/* Close the file (if open) and put HDF5's error printing back; "out of
   memory" is recorded if an allocation failed (mr_h5r_alloc_failed) and
   nothing was yet. */
void mr_h5r_close(mr_h5r *r);

/* Record a failure "path: <fmt...>" (MR_BAD_INPUT), unless one was
   recorded already. Returns -1. */
int mr_h5r_fail(mr_h5r *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* "damaged or incomplete minrisk file: cannot read <name>" (see
   MR_H5R_NAMES_FROM_ROOT for how name is shown). Returns -1. */
int mr_h5r_damaged(mr_h5r *r, hid_t loc, const char *name);

/* "damaged or incomplete minrisk file: <name> <why...>", name shown as by
   mr_h5r_damaged; e.g. "/trials/total_loss has 3 columns, expected 4
   (the sectors)". Returns -1. */
int mr_h5r_damaged_why(mr_h5r *r, hid_t loc, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* "out of memory" (MR_FAILED). Returns -1. mr_h5r_fail and the
   functions that call it say this instead once an allocation of the
   mr_h5r_* functions, or of HDF5 in a call that failed, has failed since
   mr_h5r_open: a read that failed for want of memory is not damage. */
int mr_h5r_nomem(mr_h5r *r);

/* Whether such an allocation has failed since mr_h5r_open (this thread). */
bool mr_h5r_alloc_failed(void);

/* ---- quiet: -1 (or NULL) when it cannot be read, nothing recorded ---------- */

/* Rank (0..3) of a dataset and its dimensions, those past the rank set to
   1; -1 when it cannot be read, has a higher rank or more than 2^40
   elements (a damaged dimension: no product of counts and sizes below
   overflows). */
int mr_h5r_shape(hid_t loc, const char *name, hsize_t dims[3]);

/* Number of elements of a dataset (of rank 0..3), or -1. */
long long mr_h5r_count(hid_t loc, const char *name);

/* Exactly n elements of a dataset, converted to mem_type, into buf. The
   dataset must hold IEEE floats or standard integers (integers only into
   an integer mem_type): a damaged datatype is not converted. */
int mr_h5r_get(hid_t loc, const char *name, hid_t mem_type, size_t n, void *buf);

/* Rows row0 .. row0 + nrows - 1 of a dataset of rank 1 (ncols must be 1),
   rank 2 of ncols columns or rank 3 of ncols = dims[1] x dims[2] values a
   row, converted to mem_type, into buf. */
int mr_h5r_rows(hid_t loc, const char *name, hid_t mem_type, hsize_t row0, hsize_t nrows,
                hsize_t ncols, void *buf);

/* A string attribute (variable- or fixed-length), malloc'ed; NULL when
   missing or not a string. */
char *mr_h5r_attr_str(hid_t loc, const char *obj, const char *name);

/* A numeric attribute of exactly n elements, converted to mem_type. */
int mr_h5r_attr_get(hid_t loc, const char *obj, const char *name, hid_t mem_type, size_t n,
                    void *buf);

/* The names of the links of group g (malloc'ed; free with
   mr_h5r_free_strings), in creation order when the group tracks it, else
   by name; 0, or -1 (damaged, more than 100,000, out of memory). Use it,
   not H5Literate or H5Lget_name_by_idx, which crash on a damaged dense
   group in HDF5 1.10. */
int mr_h5r_links(hid_t g, char ***names, size_t *n);

/* ---- reported: a failure is recorded in r ----------------------------------- */

/* Number of elements of a dataset, or -1. */
long long mr_h5r_extent(mr_h5r *r, hid_t loc, const char *name);

/* Exactly n elements of a dataset, converted to mem_type, into buf; 0 or -1. */
int mr_h5r_read(mr_h5r *r, hid_t loc, const char *name, hid_t mem_type, size_t n, void *buf);

/* mr_h5r_read of float64 values. */
int mr_h5r_f64(mr_h5r *r, hid_t loc, const char *name, double *buf, size_t n);

/* mr_h5r_read into a new buffer of n elements of `size` bytes (free()); NULL
   on failure. */
void *mr_h5r_read_new(mr_h5r *r, hid_t loc, const char *name, hid_t mem_type, size_t size,
                      size_t n);

/* The most strings a dataset of names may hold: a damaged dimension past
   it is refused before memory for it is asked (no scenario has ten
   million sectors, minerals, countries or sweep variants). */
#define MR_H5R_MAX_STRINGS 10000000LL

/* The exactly n strings (variable- or fixed-length) of a dataset, each
   malloc'ed, in a new array; free with mr_h5r_free_strings. NULL on
   failure; "has N strings" past MR_H5R_MAX_STRINGS. Variable-length strings are checked in the file
   before HDF5 reads them (read.c, "variable-length strings"). Strings come as stored: print them
   through mr_printable (out/format.h). */
char **mr_h5r_strings(mr_h5r *r, hid_t loc, const char *name, size_t n);

/* Rewrite each of the n strings of s (from mr_h5r_strings) as printable
   text (mr_printable, out/format.h), for a reader that prints them. 0, or
   -1 out of memory (recorded; s stays freeable, a lost entry NULL). */
int mr_h5r_printable(mr_h5r *r, char **s, size_t n);

/* mr_printable_own(s) (out/format.h) of a string read: NULL when s is
   NULL, or out of memory (then noted, as mr_h5r_nomem says). */
char *mr_h5r_printable_own(char *s);

/* Free an array of n strings (s may be NULL, so may its entries). */
void mr_h5r_free_strings(char **s, size_t n);

/* A scalar string dataset (a text: /scenario/source), malloc'ed; NULL on
   failure. */
char *mr_h5r_text(mr_h5r *r, hid_t loc, const char *name);

/* A numeric attribute of exactly n elements (mr_h5r_attr_get); a failure
   names it `name` when obj is ".", else "<obj> <name> attribute". */
int mr_h5r_attr_num(mr_h5r *r, hid_t loc, const char *obj, const char *name, hid_t mem_type,
                    size_t n, void *buf);

/* Whether the run at loc is importance-sampled with weights that are not
   all 1: /importance's attribute `weighted` (0 for a tilt that is the
   identity, and with no /importance). 0 with *weighted set, or -1 when the
   attribute cannot be read (recorded). */
int mr_h5r_weighted(mr_h5r *r, hid_t loc, int *weighted);

#endif
