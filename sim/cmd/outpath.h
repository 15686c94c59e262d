/* outpath.h - the guard of a result file's path (issue 11), for `run`
 * (plain runs and sweeps) and `compare` (and the lock of export's --csv
 * DIR): before a long simulation, make
 * sure its file can be written where the user asked without destroying
 * anything, and that no other minrisk run writes the same file meanwhile.
 *
 * Rank 0 does every check and holds the lock; the verdict is broadcast so
 * every rank returns the same status. What is refused, and why, is
 * docs/minrisk.1 (FILES) and docs/HPC.md.
 */
#ifndef MR_OUTPATH_H
#define MR_OUTPATH_H

#include "models/scenario.h"
#include "models/status.h"
#include "out/comm.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *cmd;              /* "run", "compare": the prefix of the lines printed */
    const char *output;           /* the result file */
    const char *const *scenarios; /* the scenario files named on the command line */
    const mr_scenario *const *sc; /* their scenarios as loaded (sc->files) */
    size_t n;                     /* scenarios */
    double bytes;                 /* the file's estimated size (mr_output_size_estimate) */
    double ckpt_bytes;            /* a checkpoint's at the end of the run; 0: none is written */
} mr_outpath_req;

/* The output's directory exists and is writable, and path names a file
   in it (not "DIR/"); else -1 with err (one line naming the path). */
int mr_outpath_check_dir(const char *path, mr_error *err);

/* path is named like a scenario: it ends in .yaml or .yml, any case (a
   result file must not be written there; init writes only there). */
bool mr_outpath_scenario_name(const char *path);

/* path is not named like minrisk's side files (.ckpt, .lock, .tmp.<pid>)
   nor like a scenario (.yaml, .yml, any case), which a file written there
   would replace; else -1 with err naming the option opt ("-o", "--json"),
   the file written ("the result file") and the names it should have
   ("result files end in .h5"). */
int mr_outpath_check_names(const char *path, const char *opt, const char *file, const char *ends,
                           mr_error *err);

/* Collective. Refuse (MR_BAD_INPUT) an output path that is empty, names a
   directory, exists and is not a regular file (a symbolic link, FIFO,
   socket, device), ends like minrisk's own side files (.ckpt, .lock,
   .tmp.<pid>), is the same file as a scenario or a file it extends, or
   whose checkpoint path is any of these; or whose directory cannot be
   written. Refuse (MR_FAILED) when the directory's free space is below
   q->bytes, or when another minrisk run holds the lock OUTPUT.lock; warn
   (one line, the run goes on) when it is below q->bytes + q->ckpt_bytes,
   the room a checkpoint of the whole run would also need. Then
   hold that lock until mr_outpath_release, and remove the temporary files
   of this output (OUTPUT.tmp.<pid>, OUTPUT.ckpt.tmp.<pid>) whose process is
   gone, one line on stderr for each. Returns MR_OK, or the status with
   err (one line naming the path) on every rank. */
mr_status mr_outpath_claim(const mr_outpath_req *q, const mr_comm *comm, mr_error *err);

/* The lock DIR.lock of an output directory (export's --csv DIR, report's
   -o DIR), held until mr_outpath_release as a run holds OUTPUT.lock: MR_OK,
   or MR_FAILED with err (one line naming DIR and the holder, and `opt`,
   the option that chooses DIR) while another `cmd` holds it. A DIR whose
   parent does not exist yet is not locked (the command makes the tree, or
   says why it cannot). One process. */
mr_status mr_outpath_lock_dir(const char *dir, const char *cmd, const char *opt, mr_error *err);

/* Remove the temporary files OUTPUT.tmp.<pid> and OUTPUT.ckpt.tmp.<pid>
   whose process is gone (killed by SIGKILL or a crash during a write), one
   line on stderr for each, as mr_outpath_claim does: for a command that
   writes OUTPUT through such a temporary under mr_outpath_lock_dir(OUTPUT)
   (bench --json). Only while this process holds that lock exclusively: a
   pid is only known dead on this node, and the lock keeps out a live
   writer on any node. cmd names the command in the line. */
void mr_outpath_remove_stale(const char *output, const char *cmd);

/* Remove the lock file and let go of the lock (rank 0; nothing elsewhere
   or when none is held). At the end of every run, whatever its outcome. */
void mr_outpath_release(void);

/* The same, async-signal-safe (unlink(2) of a name prepared in advance):
   for a signal handler that then _exits. */
void mr_outpath_release_in_handler(void);

#endif
