/* rng_floor.c - the RNG floor: time to draw W 32-bit words from the same
 * Philox4x32-10 gsl_rng the engine uses, split over T OpenMP threads, with a
 * stream seek every 64 words (about what a trial's processes do).
 * usage: rng_floor WORDS THREADS   -> prints seconds */
#include "sim/minrisk.h"
#include "sim/rng.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: rng_floor WORDS THREADS\n");
        return 2;
    }
    unsigned long long words = strtoull(argv[1], NULL, 10);
    int threads = atoi(argv[2]);
    if (threads < 1) {
        fprintf(stderr, "rng_floor: THREADS must be >= 1\n");
        return 2;
    }
    omp_set_num_threads(threads);
    unsigned long sink = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
#pragma omp parallel reduction(^ : sink)
    {
        gsl_rng *r = gsl_rng_alloc(mr_rng_philox);
        long long nt = omp_get_num_threads(), id = omp_get_thread_num();
        unsigned long long lo = words * (unsigned long long)id / (unsigned long long)nt;
        unsigned long long hi = words * (unsigned long long)(id + 1) / (unsigned long long)nt;
        for (unsigned long long k = lo; k < hi; k++) {
            if ((k & 63) == 0)
                mr_rng_seek(r, 1, k >> 6, k);
            sink ^= gsl_rng_get(r);
        }
        gsl_rng_free(r);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
    printf("%.6f\n", s);
    fprintf(stderr, "(checksum %lx)\n", sink);
    return 0;
}
