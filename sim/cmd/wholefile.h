/* wholefile.h - a small file written whole, or not at all: `minrisk init`'s
 * FILE and `bench --json`'s (one process; the caller holds FILE.lock,
 * sim/cmd/outpath.h).
 *
 * Contract. The text, all in memory, is written as FILE.tmp.<pid> beside
 * FILE (whatever that name held is removed first, never followed: a
 * temporary of a dead process of the same pid, a planted link), made new
 * with O_CREAT | O_EXCL | O_NOFOLLOW, fsync'ed, closed, and only then
 * given FILE's name: rename(2) over FILE, or, when FILE must not exist,
 * link(2), which fails on any existing name (where the file system has no
 * hard links, an O_EXCL placeholder takes the name and the temporary is
 * renamed over it). Then the directory is fsync'ed, best effort, as for a
 * result file (out/h5/h5w.c mr_output_sync_dir), so that the new name
 * survives a crash. On any failure nothing is left but what FILE was. The
 * steps that make or name a file run with the stop signals blocked
 * (out/stopsig.h), so that mr_wholefile_stop_in_handler sees each one
 * either done or not begun. One file at a time per process.
 */
#ifndef MR_WHOLEFILE_H
#define MR_WHOLEFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Where a write failed, for the caller's message (with the errno). */
typedef enum {
    MR_WHOLEFILE_DONE,   /* FILE is the new file */
    MR_WHOLEFILE_CLEAR,  /* the name at the temporary's could not be removed */
    MR_WHOLEFILE_CREATE, /* the temporary could not be made */
    MR_WHOLEFILE_WRITE   /* its permissions, write, fsync or naming failed; EEXIST
                            without replace: FILE exists */
} mr_wholefile_step;

/* The temporary's name for FILE: 0, or -1 when the path is too long (the
   caller says so). Before mr_wholefile_write. */
int mr_wholefile_prepare(const char *file);

/* The temporary's name (after mr_wholefile_prepare), for messages. */
const char *mr_wholefile_tmp(void);

/* Write size bytes of text as FILE (mr_wholefile_prepare's), replacing
   it (replace) or only if it does not exist. mode >= 0: the new file's
   permissions (else 0666 less the umask). The step that failed, with its
   errno in *err (0 when done). */
mr_wholefile_step mr_wholefile_write(const char *text, size_t size, int mode, bool replace,
                                     int *err);

/* For a stop signal's handler (async-signal-safe): 1 when FILE already has
   its new name (too late: the write is done); else the temporary and the
   placeholder, if any, are removed, and 0. */
int mr_wholefile_stop_in_handler(void);

#endif
