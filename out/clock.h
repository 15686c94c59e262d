/* clock.h - wall-clock seconds for the timings minrisk reports. */
#ifndef MR_CLOCK_H
#define MR_CLOCK_H

/* Seconds of a monotonic clock (differences only). Out of line in
   out/clock.c, which asks for POSIX's clock_gettime itself: an includer
   compiled as plain C17 (-std=c17, no feature macro, no -pthread: clang's
   -fopenmp adds none) need not. */
double mr_now_seconds(void);

#endif
