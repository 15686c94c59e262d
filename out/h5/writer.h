/* writer.h - the HDF5 result file: writing it.
 *
 * The layout (every group, dataset, attribute, unit and estimator) is
 * docs/OUTPUT.md; the fixed points are INTERFACE.md "Output file".
 */
#ifndef MR_OUTPUT_H
#define MR_OUTPUT_H

#include "out/comm.h"
#include "out/format.h"
#include "models/status.h"
#include "out/results.h"
#include "models/scenario.h"

#include <stdio.h>

/* Write the result file of a finished run: per-trial arrays, statistics
   (computed here from res), the scenario text and its resolved form
   (mr_scenario_resolved_yaml), and info into /run_info.

   Collective over comm (NULL = this process alone): every rank of the run
   calls it with its own res (its contiguous range of whole blocks of
   trials, as mr_engine_run leaves it) and the same path and scenario; one
   file is written, identical outside /run_info to the file of one rank
   holding every trial, for any number of ranks and threads. With MPI the
   file is written through MPI-IO (each rank its own rows of /trials,
   collective transfer). No rank ever holds more than its own trials.

   The file is written as "path.tmp.<pid of rank 0>" in the same directory
   and renamed to path by rank 0 only when complete; on failure or interrupt
   the temporary file is removed and path is left as it was. Every rank
   returns the same status: 0 on success; -1 on failure (on any rank) with
   err = "path: reason" (the reason of the lowest failing rank); 1 when
   mr_output_interrupt was called on any rank (before or during the write),
   with err = "path: interrupted; nothing written". An interrupt is consumed
   by the write that reports it. Not thread-safe (HDF5 is serial); call from
   one thread per rank. /run_info gets, besides info (wall time as the
   maximum and minimum over ranks), the ranks and the seconds spent in the
   statistics (stats_seconds) and in the collective write (write_seconds),
   each the maximum over ranks. */
int mr_output_write(const char *path, const mr_scenario *sc, const mr_results *res,
                    const mr_run_info *info, const mr_comm *comm, mr_error *err);

/* One run of a file that holds several (a comparison, a sweep). */
struct mr_sumstats; /* sumstats.h */

typedef struct {
    const char *group; /* its group, e.g. "runs/a" or "variants/cap_060" */
    const mr_scenario *sc;
    const mr_results *res;           /* this rank's trials, as for mr_output_write */
    const mr_run_info *info;         /* may be NULL */
    const struct mr_sumstats *stats; /* the statistics of res when the caller has
                                        them already (mr_sumstats_compute over
                                        the same comm); NULL: computed here */
} mr_output_run;

/* The most dimensions of a further dataset (a sweep's grid: 7 swept keys
   and one more). */
#define MR_EXTRA_MAX_RANK 8

typedef enum { MR_EXTRA_F64, MR_EXTRA_U64, MR_EXTRA_I32, MR_EXTRA_STR } mr_extra_type;

/* A further dataset (attribution, paired differences, a sweep's table,
   the event table). Written after the runs, in the order given, so a
   coordinate variable must come before the datasets that use it. */
typedef struct {
    const char *path;                 /* from the file root, e.g. "attribution/tail_share";
                                         missing groups are made */
    mr_extra_type type;               /* MR_EXTRA_STR: data is const char *const [product of dims],
                                         the same on every rank (not distributed) */
    int rank;                         /* 0..MR_EXTRA_MAX_RANK */
    uint64_t dims[MR_EXTRA_MAX_RANK]; /* the whole dataset's dimensions */
    const char *dim_names[MR_EXTRA_MAX_RANK]; /* each a coordinate variable in the same group
                                 (or the dataset itself when is_coord) */
    const void *data;                         /* the same on every rank; or, when distributed,
                                                 this rank's rows row0 .. row0 + nrows - 1 */
    bool distributed;
    uint64_t row0, nrows;
    bool is_coord;     /* make it a dimension scale (rank 1, named as its dimension) */
    const char *units; /* NULL: none (strings) */
    const char *description;
    const char *coordinates; /* CF "coordinates" attribute, NULL: none */
} mr_output_extra;

/* Write one file holding several runs, each in its own group (a full run
   layout: scenario, trials, summary, indicators), then the extras, and one
   /run_info at the root (wall time and random words summed over the runs).
   kind is the root attribute `kind` ("compare", "sweep"); "run" with one
   run and group NULL is exactly mr_output_write's file plus the extras.
   Same collective contract, temporary name and statuses as mr_output_write. */
int mr_output_write_multi(const char *path, const char *kind, const mr_output_run *runs,
                          size_t nruns, const mr_output_extra *extras, size_t nextras,
                          const mr_comm *comm, mr_error *err);

/* The size, in bytes, of the file of nruns runs of sc (a plain run: 1; a
   sweep: its variants; a comparison: its runs), without the extras (/events:
   mr_output_extras_bytes, or before the run mr_run_extras_file_bytes). Per
   run: the /trials datasets output.trials keeps and the trial coordinate,
   each in whole chunks of h5w_chunk_rows rows x its columns x 8 bytes (N
   rows when N fits in one chunk) and MR_OUTPUT_DATASET_BYTES of metadata
   (its attributes, its chunk index); for the rest (summary, bands,
   indicators, attribution, the scenario twice, HDF5's own metadata)
   MR_OUTPUT_FIXED_BYTES + 2 x the scenario text + 64 bytes x steps x
   (sectors + minerals). Within +15%/-0% of the files of docs/HPC.md's
   table. A double: a sweep of 1,024 variants of 2^32-1 trials of 1,000
   sectors over 1,000 years is above 2^64 bytes (35 EB), where a uint64_t
   saturated to "18.4 EB" until 2026-12-06. For the free-space check before
   a run. */
#define MR_OUTPUT_FIXED_BYTES 160000.0
#define MR_OUTPUT_DATASET_BYTES 4096.0
double mr_output_size_estimate(const mr_scenario *sc, uint64_t nruns);

/* The same for runs of `trials` trials each instead of sc->trials (an
   uncertainty study's base run has the block's trials). */
double mr_output_size_estimate_trials(const mr_scenario *sc, uint64_t trials, uint64_t nruns);

/* The data of n extras (mr_output_extra), bytes: 8 a number (4 an int32),
   48 a string, a distributed one in whole chunks (mr_output_rows_bytes),
   and MR_OUTPUT_DATASET_BYTES each. */
double mr_output_extras_bytes(const mr_output_extra *x, size_t n);

/* What the file takes for a dataset of `rows` rows of `cols` values of
   `elem` bytes written by rows (/trials, a distributed extra): whole chunks
   of h5w_chunk_rows(rows, 8 cols) rows, as HDF5 allocates the last one
   whole; exactly rows x cols x elem when the rows fit in one chunk. */
double mr_output_rows_bytes(uint64_t rows, size_t cols, size_t elem);

/* Creates the temporary file path (OUTPUT.tmp.<pid>, a checkpoint's) for
   writing: whatever the name held is removed first (a temporary of a
   killed run of the same pid, or a planted symbolic link or FIFO, which
   HDF5 would follow or block on), then the file is made new
   (O_EXCL | O_NOFOLLOW). The descriptor, or -1 with errno. */
int mr_output_create_temporary(const char *path);

/* Whether the file open at fd may grow to full_bytes (the file-size limit,
   ulimit -f) and the disk has written_bytes free: 0, or the errno (EFBIG,
   ENOSPC, ...). The file is left empty. Checked before HDF5 writes a file
   or a checkpoint: a write that fails inside parallel HDF5 1.10 leaves a
   half-closed file that crashes MPI_Finalize (HDFFV-11052), so the common
   failures are caught first, with the system's reason. */
int mr_output_room(int fd, double full_bytes, double written_bytes);

/* A complete temporary file's data on the disk (fsync(2) through a new
   descriptor: HDF5 has closed its own) before it is renamed over the
   output: a node that crashes or loses power just after the rename then
   leaves the whole new file, not a named file of zero length or with
   unwritten blocks (delayed allocation). 0, or the errno (EIO: a write
   the disk or an NFS server refused late). */
int mr_output_sync(const char *path);

/* After the rename: the directory of path on the disk, so that the new
   name survives a crash too. Best effort (errors are ignored: some file
   systems refuse fsync on a directory). */
void mr_output_sync_dir(const char *path);

/* Ask a write in progress (or the next one) to stop, and remove its
   temporary file at once. Async-signal-safe: sets a flag and calls
   unlink(2) on a name prepared in advance; for a SIGINT/SIGTERM handler
   that returns. */
void mr_output_interrupt(void);

/* 1 while a write has its temporary file on disk (async-signal-safe). */
int mr_output_writing(void);

/* Only remove the temporary file of a write in progress, if any (unlink(2)
   of a name prepared in advance): for a signal handler that then _exits.
   Returns 0 when no write is in progress or its temporary file is already
   gone (ENOENT: rank 0 has just renamed it, so the result file is
   complete and an interrupt is too late), else 1. Async-signal-safe. */
int mr_output_remove_partial(void);

#endif
