/* rng.h - counter-based random streams (MODEL §12).
 *
 * Philox4x32-10 (Random123) wrapped as a gsl_rng_type, so every gsl_ran_*
 * sampler can draw from it. A stream is fixed by three numbers:
 *   key     = scenario seed (64 bits)
 *   counter = (draw, stream, trial): draw is the block index within the
 *             stream (32 bits), stream a 64-bit hash of the process's name,
 *             trial the trial index (32 bits).
 * So the numbers a process sees in trial i depend on (seed, name, i) only,
 * never on which thread or rank runs the trial, nor on other processes.
 */
#ifndef MR_RNG_H
#define MR_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* A stream addresses trials 0 .. 2^32 - 1 (the counter's trial word): at
   most MR_MAX_TRIALS (models/units.h) trials a run. */

extern const gsl_rng_type *mr_rng_philox;

/* Stable 64-bit hash of a process name (FNV-1a 64): the stream id. */
uint64_t mr_hash64(const char *s);

/* Position r (allocated with gsl_rng_alloc(mr_rng_philox)) at the start of
   the stream (seed, stream, trial). Cheap: no allocation. */
void mr_rng_seek(gsl_rng *r, uint64_t seed, uint64_t stream, uint64_t trial);

/* 32-bit words handed out by r since its last seek (for the RNG-floor benchmark). */
uint64_t mr_rng_words_used(const gsl_rng *r);

/* The RNG floor (bench/RESULTS.md): the seconds this generator takes to
   hand out `words` 32-bit words split evenly over `threads` OpenMP threads,
   with a stream seek every 64 words (about what a trial's processes do),
   and nothing else. *checksum (if not NULL): the XOR of the words, so that
   the compiler cannot drop the draws. -1 when a thread's generator cannot
   be allocated. */
double mr_rng_floor_seconds(uint64_t words, int threads, uint64_t *checksum);

/* One raw Philox4x32-10 block: out = philox(ctr, key). For known-answer tests. */
void mr_philox_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

#endif
