/* clock.h - wall-clock seconds for the timings minrisk reports. */
#ifndef MR_CLOCK_H
#define MR_CLOCK_H

#include <time.h>

/* Seconds of a monotonic clock (differences only). */
static inline double mr_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
