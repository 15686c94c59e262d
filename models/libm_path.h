/* libm_path.h - which code path the C library's and GSL's mathematical
 * functions take on this machine, as a fingerprint.
 *
 * minrisk's results are bit-identical for any thread and rank count only
 * when every process computes exp, log, pow ... to the same last bit. The
 * same binary does not always do so: glibc picks at run time, per CPU,
 * between FMA versions of exp, expm1, log1p and pow and others (x86-64 with
 * FMA and AVX2 or without), which differ in the last bit for some
 * arguments. The fingerprint is a hash of the results' bits at fixed
 * arguments: two processes with equal fingerprints take the same path for
 * these functions (docs/HPC.md, "Keep the default flags").
 */
#ifndef MR_LIBM_PATH_H
#define MR_LIBM_PATH_H

#include <stdint.h>

/* The fingerprint of this process: 64 bits, never 0. A pure function of
   the libm and GSL code the process runs (5,376 calls, some 0.15 ms);
   safe from any thread. */
uint64_t mr_libm_fingerprint(void);

/* What the CPU offers for the choice, in words, e.g. "x86-64 with FMA and
   AVX2" (what glibc's selection looks at; GLIBC_TUNABLES can still turn a
   path off, which only the fingerprint shows). */
const char *mr_libm_cpu_words(void);

#endif
