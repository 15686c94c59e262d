/* stream.h - every statistic of /summary (sumstats.h) without holding the
 * trials: the engine gives each block of MR_BLOCK_TRIALS trials to the
 * stream as it is finished, and runs the blocks again ("passes", exact
 * replays: a trial is deterministic) until the stream has what it needs.
 *
 * The results are those of mr_sumstats_compute on the same trials, bit for
 * bit, for any number of threads and ranks:
 * - sums are formed per block from 0.0 in trial order and the block
 *   partials reduced as dstats.h does (mr_dstats_reduce_blocks);
 * - order statistics by the radix selection of dstats.h on the keys of
 *   mr_stats_key: a 16-bit first digit counted in pass 1; then, each pass,
 *   the values of a deciding bin are kept when they fit the budget, or its
 *   next 12 bits are counted; a bin that holds one value (an atom, such as
 *   losses of exactly 0) is resolved at once;
 * - the expected shortfalls sum, per block in trial order, the values above
 *   X_(k), in the pass whose bin gives X_(k) (blocks holding values of
 *   that bin keep their tail values until X_(k) is known) or in the pass
 *   after.
 * Pass 1 is the run itself; pass 2 always follows (the second moments need
 * the means); more passes only while a deciding bin is too full to keep.
 *
 * Memory on a rank: a fixed working set (first-digit counts, 256 KB a
 * thread for each of the 2 + 5S ordered variables; 32 KB for each refined
 * bin; the kept bin values, within a budget of 2^21 values, 16 MB, a pass),
 * plus about 1 byte a trial for the block partials and the attribution's
 * tail trials (about 1% of the trials of each of the S + 1 series, 16 bytes
 * each; when the ES 99 threshold is a value many trials share, such as a
 * loss of exactly 0, at most twice the tail's count of those ties, the
 * latest trials: stream.c trim_ties); with mr_stream_want_boot, the
 * bootstrap's tails (btails.h): 256 KB a thread and 512 KB for each of its
 * 2S + 4 series in pass 1, then about 1.1% of each series' values at 12
 * bytes (an annual series' mostly 4: their trials alone), on every rank
 * the whole run's (sim/studies/summary_errors.h
 * mr_summary_errors_tail_bytes).
 *
 * Use: mr_stream_new; then per pass: per thread mr_stream_worker_new,
 * mr_stream_block for each of the rank's blocks, mr_stream_merge (one
 * thread at a time), mr_stream_worker_free; then mr_stream_end_pass
 * (collective), which says whether another pass is wanted. Then
 * mr_stream_sumstats (and mr_stream_series_tail for the attribution).
 */
#ifndef MR_STREAM_H
#define MR_STREAM_H

#include "out/comm.h"
#include "out/results.h"
#include "out/stats/btails.h"
#include "out/stats/sumstats.h"

#include <stddef.h>
#include <stdint.h>

/* Bytes a trial of a rank at most, beyond the fixed working set, for S
   sectors and M minerals: the block partials of the sums (pass 1's 3 + 8S +
   3M, or pass 2's 4 + 10S: its sums of squares, unscaled and scaled) and
   of the ES, and the attribution's tails (2% of the trials with ties, 16
   bytes, for each of the S + 1 series). For the engine's memory check. */
#define MR_STREAM_PARTIALS(S, M)                                                                   \
    (3.0 + 8.0 * (S) + 3.0 * (M) > 4.0 + 10.0 * (S) ? 3.0 + 8.0 * (S) + 3.0 * (M)                  \
                                                    : 4.0 + 10.0 * (S))
#define MR_STREAM_BYTES_PER_TRIAL(S, M)                                                            \
    ((MR_STREAM_PARTIALS(S, M) + 3.0 * (1.0 + 4.0 * (S))) * 8.0 / MR_BLOCK_TRIALS +                \
     ((S) + 1.0) * 0.02 * 16.0)

typedef struct mr_stream mr_stream;
typedef struct mr_stream_worker mr_stream_worker;

/* The budget of values kept a pass: 2^21, or MINRISK_STREAM_BUDGET (a test
   hook, docs/OUTPUT.md), decimal digits, no sign, blank or leading zero,
   at most 2^64-1. 0, or -1 (*budget the default) when it is not that. */
int mr_stream_budget(uint64_t *budget);

/* A stream for the run's N trials, this rank's blocks first_block ..
   first_block + nblocks - 1, S sectors, M minerals, H years; tails != 0:
   also keep the ES 99 tail trials of the attribution's S + 1 series
   (mr_stream_series_tail). NULL when out of memory. Not collective. */
mr_stream *mr_stream_new(const mr_comm *c, uint64_t N, uint64_t first_block, uint64_t nblocks,
                         int S, int M, int H, int tails);
void mr_stream_free(mr_stream *st);

/* The pass under way: 1 (the run), 2, ... */
int mr_stream_pass(const mr_stream *st);

/* A thread's working set for the pass; NULL when out of memory. */
mr_stream_worker *mr_stream_worker_new(mr_stream *st);
void mr_stream_worker_free(mr_stream_worker *w);

/* One finished block of the rank: blk holds its rows, blk->first_trial is
   the block's first trial (a multiple of MR_BLOCK_TRIALS), blk->ntrials its
   trials. Blocks may come in any order, from any thread, each once a pass. */
void mr_stream_block(mr_stream *st, mr_stream_worker *w, const mr_results *blk);

/* Add a worker's counts and kept values to the stream (one thread at a
   time); 0, or -1 when out of memory (then mr_stream_end_pass fails). */
int mr_stream_merge(mr_stream *st, mr_stream_worker *w);

/* Close the pass (collective): 1 = run another pass, 0 = done, -1 = out of
   memory on some rank (every rank gets -1). */
int mr_stream_end_pass(mr_stream *st);

/* The statistics (after the last pass; collective): bands from res's
   histograms (res needs its dimensions and bands only). 0, or -1. */
int mr_stream_sumstats(mr_stream *st, const mr_results *res, mr_sumstats *out);

/* Series s (0..S-1: sector s's GL + XC, S: the total loss) for the
   attribution: this rank's trials whose loss is at least X_(k), k =
   mr_stats_rank(N, MR_OUTPUT ES level 0.99), in trial order (global trial
   numbers and losses), with X_(k) and the ES 99. Valid until
   mr_stream_free. -1 when the stream was made without tails. */
/* Keep the top tails of the summary's bootstrap series too (btails.h: the
   top kl of each horizon series, ka of each annual one, the lowest kv of
   them as values). Before pass 1 only; 0, or -1 out of memory. */
int mr_stream_want_boot(mr_stream *st, uint64_t kl, uint64_t ka, uint64_t kv);

/* Those tails (after the last pass), or NULL when not wanted. */
mr_btails *mr_stream_boot_tails(mr_stream *st);

int mr_stream_series_tail(const mr_stream *st, int s, const uint64_t **trials, const double **loss,
                          size_t *n, double *xk, double *es99);

#endif
