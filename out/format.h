/* format.h - the fixed points of minrisk's result file (docs/OUTPUT.md):
 * its name and version, and the levels of the statistics in /summary. The
 * writer (out/h5/writer.c) and every reader take them from here. Also the
 * one rule by which a reader prints a name it found in a file.
 */
#ifndef MR_FORMAT_H
#define MR_FORMAT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Version of the file layout, root attribute format_version. Bump the minor
   number when datasets are added, the major one when any is renamed,
   removed or changes meaning. */
#define MR_FORMAT_NAME "minrisk"
/* The root attribute Conventions (docs/OUTPUT.md "Conventions"). */
#define MR_CONVENTIONS "CF-1.8"
#define MR_FORMAT_MAJOR 1
#define MR_FORMAT_MINOR 9

/* Statistics written to /summary (MODEL §9). */
#define MR_OUTPUT_NQUANTILES 6  /* 0.5 0.9 0.95 0.99 0.995 0.999 */
#define MR_OUTPUT_NES 3         /* 0.95 0.99 0.995 */
#define MR_OUTPUT_NRP 9         /* 2 5 10 20 50 100 200 500 1000 years */
#define MR_OUTPUT_NBANDS 3      /* 0.05 0.5 0.95 */
#define MR_OUTPUT_NTAIL_BANDS 2 /* 0.9 0.99: the upper tail of the time bands */
/* Inoperability at least this (bin centre; to half a bin): a sector is
   "disrupted" at a step (/summary/inoperability_disrupted_*). */
#define MR_OUTPUT_DISRUPTED_Q 0.01
#define MR_OUTPUT_HIST_BINS 50
#define MR_OUTPUT_CI_LEVEL 0.95

extern const double mr_output_quantiles[MR_OUTPUT_NQUANTILES];
extern const double mr_output_es_levels[MR_OUTPUT_NES];
extern const double mr_output_return_periods[MR_OUTPUT_NRP];
extern const double mr_output_bands[MR_OUTPUT_NBANDS];
extern const double mr_output_tail_bands[MR_OUTPUT_NTAIL_BANDS];

/* A name or id read from a file (or typed by the user), as text that is
   safe to print on a terminal: every byte below 0x20, 0x7f, every C1
   control (U+0080..U+009F, which some terminals obey like ESC) and every
   byte that is not part of valid UTF-8 is written as \xNN (ESC is
   "\x1b"); everything else, valid UTF-8 included, is kept. At most n - 1
   bytes into buf (n > 0), never cutting an escape or a character; returns
   buf. summary, explain, report and the readers' error messages print
   names through it; export keeps the bytes (CSV is data, docs/EXPORT.md). */
char *mr_printable(const char *s, char *buf, size_t n);

/* The bytes at s that mr_printable keeps as they are (1..4: a printable
   ASCII byte, or a valid UTF-8 character that is not a C1 control), or 0:
   the byte is escaped. */
size_t mr_printable_len(const unsigned char *s);

/* The environment variable `name`'s value for a message, through
   mr_printable ("" when unset), at most n - 1 bytes (n = MR_ENV_SHOWN),
   ending in "..." when cut: a value is
   the user's text, and a newline or an escape in it made a two-line error
   or worked the terminal; a long one made a line of kilobytes (until
   2026-12-06: MINRISK_MEMORY_LIMIT, MINRISK_STREAM_BUDGET, compare's
   launcher variables, MINRISK_REPORT_SCRIPT and MINRISK_PYTHON raw). */
#define MR_ENV_SHOWN 129
char *mr_env_shown(const char *name, char *buf, size_t n);

/* The same in place: s rewritten into a new malloc'ed string (freeing s),
   for a string kept for printing. NULL, with s freed, when out of memory;
   NULL in, NULL out. */
char *mr_printable_own(char *s);

/* What a path that is not a regular file is, for messages such as "not a
   regular file (a FIFO)": "a directory", "a symbolic link" (an lstat mode),
   "a FIFO", "a socket", "a character device", "a block device", else "not a
   regular file". `mode` is a st_mode. Static storage. */
const char *mr_file_kind(mode_t mode);

/* s as a JSON string onto f: quotes, backslashes and control characters
   escaped (bytes from 0x80 pass as they are: UTF-8 stays UTF-8). */
void mr_json_string(FILE *f, const char *s);

/* A printed figure that rounded to zero from below, "-0.0", "-0.000%" or
   "    -0.0" (right-aligned), loses its sign in place: the padded one keeps
   its width ("     0.0"). Anything else is left as it is. */
void mr_unsign_zero(char *s);

/* "1.6 GiB", "512 MiB", "12 KiB": bytes in powers of 1024 to 3 figures,
   into buf, for the messages about memory and disk space. A double: an
   estimate may be above 2^64 bytes (a sweep's later variants), where a
   conversion to an integer type would be undefined. */
const char *mr_format_bytes(double bytes, char *buf, size_t size);

#endif
