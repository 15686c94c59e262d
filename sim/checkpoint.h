/* checkpoint.h - resumable runs (issue 3): the blocks a run has finished
 * and their results, in one HDF5 file that does not depend on the number of
 * ranks or threads that wrote it, so a run may resume on another layout.
 */
#ifndef MR_CHECKPOINT_H
#define MR_CHECKPOINT_H

#include "out/comm.h"
#include "sim/engine.h"
#include "sim/scenario/loader.h"

#include <stdint.h>

/* The checkpoint of the run writing `output`: "output.ckpt". Caller frees. */
char *mr_checkpoint_path(const char *output);

/* Identity of a run: a checkpoint resumes only the run it came from
   (same resolved scenario text, seed and trials). */
uint64_t mr_checkpoint_run_id(const mr_scenario *sc);

/* The size in bytes of the checkpoint of a whole run of sc->trials trials
   (every block done: the per-trial results, the time bands' counts, the
   block tables and HDF5's metadata), as probe_room reckons it at a write:
   for the check of the disk before the run (sim/cmd/outpath.h). A double,
   as mr_output_size_estimate. */
double mr_checkpoint_size_estimate(const mr_scenario *sc);

/* Write the finished blocks of res (collective; res as left by
   mr_engine_run, with the rows of resumed blocks filled in) to path,
   atomically (temporary name, then rename). Returns 0 or -1 with err. */
int mr_checkpoint_write(const char *path, const mr_scenario *sc, const mr_results *res,
                        uint64_t random_words, const mr_comm *comm, mr_error *err);

/* Read which blocks the checkpoint at path holds: *done becomes a
   malloc'd array of one byte per block of the run (1 = done). Collective.
   Returns 0, or -1 with err (missing, damaged, or from another run). */
int mr_checkpoint_read_done(const char *path, const mr_scenario *sc, unsigned char **done,
                            const mr_comm *comm, mr_error *err);

/* The trial count of the run the checkpoint at path is of (its header,
   checked), for a run whose trial count is not known before (--target-
   precision: the check point it had reached). Collective. 0, or -1 with
   err. */
int mr_checkpoint_read_trials(const char *path, uint64_t *trials, const mr_comm *comm,
                              mr_error *err);

/* Fill the rows of this rank's done blocks (res->block_done set by the
   engine from the skip list) from the checkpoint, and add its band counts
   on rank 0 and its random-word count to *random_words. Collective. */
int mr_checkpoint_load_rows(const char *path, const mr_scenario *sc, mr_results *res,
                            const unsigned char *done, uint64_t *random_words, const mr_comm *comm,
                            mr_error *err);

#endif
