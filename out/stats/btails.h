/* btails.h - the top tails of the loss series that the summary's bootstrap
 * intervals need (sim/studies/summary_errors.h), kept by a streamed run
 * (stream.h) without holding the trials.
 *
 * The series, q = 0 .. 2S + 3: q < S sector q's loss (value added lost +
 * extra input cost), S the total loss, S + 1 the value added lost, S + 2
 * the extra input cost (total loss - value added lost), each one value a
 * trial, of which the top kl are kept; S + 3 + j sector j's annual losses
 * and 2S + 3 the total's, H values a trial, of which the top ka are kept
 * (none when ka is 0).
 *
 * "Top" is in the order (mr_stats_key of the value, trial): the kept values
 * are those a sort of the whole series by value, equal values in trial
 * order (sim/studies/paired.c), puts last, whatever the threads and ranks.
 * Pass 1 counts the first 16 bits of each value's key; pass 2 keeps the
 * values of the bins from the top that hold at least k of them (a rank
 * keeps at most 2k + 4096 a series, trimming to its own top k when it has
 * more), and its end gathers them to every rank and keeps the top k. Of an
 * annual series only the lowest kv are needed as values (the walks to the
 * 1-in-100 loss only count the resampled trials of those above): pass 2
 * keeps the trial alone of a value in the bins from the top that hold at
 * most k - kv values (the top), and the lowest kv of the others as values.
 *
 * Memory: 256 KB a series a thread and 512 KB a series (pass 1); then a
 * rank's share of the kept values, 12 bytes each (4 for the top's), and
 * 4096 of each a series a thread; at the end the run's kept values on
 * every rank (12 bytes each; the top's 4, the rest of an annual series' 4
 * but for its lowest kv; 16 more for the one series being gathered).
 */
#ifndef MR_BTAILS_H
#define MR_BTAILS_H

#include "out/comm.h"
#include "out/results.h"

#include <stddef.h>
#include <stdint.h>

typedef struct mr_btails mr_btails;
typedef struct mr_btails_worker mr_btails_worker;

/* For a run of N trials, S sectors, H years: the top kl values of each
   horizon series and ka of each annual one, of which the lowest kv are
   needed as values and the others' trials alone (paired.h
   mr_paired_tail_values; kv >= ka: all values). NULL when out of memory. */
mr_btails *mr_btails_new(uint64_t N, int S, int H, uint64_t kl, uint64_t ka, uint64_t kv);
void mr_btails_free(mr_btails *bt);

/* A thread's working set for pass `pass` (1 or 2; later passes: nothing to
   do, and the worker is an empty one). NULL when out of memory. */
mr_btails_worker *mr_btails_worker_new(mr_btails *bt, int pass);
void mr_btails_worker_free(mr_btails_worker *w);

/* One finished block of trials (blk->first_trial, blk->ntrials). */
void mr_btails_block(mr_btails *bt, mr_btails_worker *w, const mr_results *blk);

/* A worker's counts or values into bt (one thread at a time); 0, or -1
   out of memory. */
int mr_btails_merge(mr_btails *bt, mr_btails_worker *w);

/* Close pass 1 or 2 (collective over c; NULL: one process); 0, or -1 out
   of memory on some rank (on every rank). */
int mr_btails_end_pass(mr_btails *bt, const mr_comm *c, int pass);

/* Series q's kept values after pass 2, c of them: trial[c] their trials
   (the caller may overwrite them: mr_paired_compute_tails does), the
   lowest in ascending key order, equal values in trial order, and after
   them the top's, whose trials alone pass 2 kept, in no set order; val[nv]
   the lowest nv values (nv = c for a horizon series). -1 when q is not
   kept. */
int mr_btails_get(mr_btails *bt, int q, const double **val, uint32_t **trial, size_t *c,
                  size_t *nv);

#endif
