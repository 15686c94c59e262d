/* resample_counts.c - the trial counts of bootstrap resamples, for
 * tests/output/summary_bootstrap.py, which recomputes /summary's bootstrap
 * intervals on its own and needs only which trials each resample draws:
 *
 *     resample_counts SEED LABEL N R0 R1
 *
 * writes, for r = R0 .. R1-1, the N counts of mr_paired_resample_counts
 * (SEED, LABEL, r, N) (sim/studies/paired.h) as native uint32 to stdout,
 * resample after resample. Nothing else of the library: the statistics of
 * each resample are the test's. Exit status 0, 2 on bad arguments, 1
 * otherwise. */
#include "sim/studies/paired.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int number(const char *s, unsigned long long *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 10);
    return errno || end == s || *end != '\0' || *s == '-';
}

int main(int argc, char **argv)
{
    unsigned long long seed, n, r0, r1;
    if (argc != 6 || number(argv[1], &seed) || number(argv[3], &n) || number(argv[4], &r0) ||
        number(argv[5], &r1) || n == 0 || r1 < r0) {
        fprintf(stderr, "usage: resample_counts SEED LABEL N R0 R1\n");
        return 2;
    }
    uint32_t *counts = malloc((size_t)n * sizeof *counts);
    if (!counts)
        return 1;
    int rc = 0;
    for (unsigned long long r = r0; !rc && r < r1; r++)
        rc = mr_paired_resample_counts((uint64_t)seed, argv[2], (uint64_t)r, (size_t)n, counts) ||
             fwrite(counts, sizeof *counts, (size_t)n, stdout) != (size_t)n;
    free(counts);
    return rc || fflush(stdout) ? 1 : 0;
}
