/* rng_floor.c - the RNG floor: time to draw W 32-bit words from the same
 * Philox4x32-10 gsl_rng the engine uses, split over T OpenMP threads, with a
 * stream seek every 64 words (mr_rng_floor_seconds, sim/rng.h; `minrisk
 * bench` measures the same floor after each run).
 * usage: rng_floor WORDS THREADS   -> prints seconds */
#include "sim/cmd/cli.h"
#include "sim/rng.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    unsigned long long words, threads;
    if (argc != 3 || mr_cli_parse_u64(argv[1], &words) || mr_cli_parse_u64(argv[2], &threads) ||
        threads < 1 || threads > 4096) {
        fprintf(stderr, "usage: rng_floor WORDS THREADS (THREADS in [1, 4096])\n");
        return 2;
    }
    uint64_t sink = 0;
    double s = mr_rng_floor_seconds(words, (int)threads, &sink);
    if (s < 0) {
        fprintf(stderr, "rng_floor: out of memory\n");
        return 1;
    }
    printf("%.6f\n", s);
    fprintf(stderr, "(checksum %llx)\n", (unsigned long long)sink);
    return 0;
}
