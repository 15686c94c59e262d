/* synthetic.h - the synthetic benchmark scenario of `minrisk bench`
 * (sim/cmd/bench.c) as YAML text, from its sizes. With the default sizes
 * the text is bench/synthetic.yaml byte for byte (bench/make_synthetic.sh
 * writes the same; a test compares them).
 */
#ifndef MR_SYNTHETIC_H
#define MR_SYNTHETIC_H

#include <stddef.h>

typedef struct {
    int minerals;   /* 1 .. MR_SYNTHETIC_MAX_SIZE */
    int countries;  /* 1 .. MR_SYNTHETIC_MAX_SIZE */
    int sectors;    /* 1 .. MR_SYNTHETIC_MAX_SIZE */
    int years;      /* horizon, 1 .. MR_SYNTHETIC_MAX_YEARS (12 steps a year) */
    double density; /* multiplies every disruption rate: supplier outages,
                       the WGI-derived country outages, the events;
                       (0, MR_SYNTHETIC_MAX_DENSITY] */
    int dense;      /* every supplier has its own outage process (bench/dense.yaml):
                       the template's suppliers without one get MR_SYNTHETIC_DENSE_RATE
                       a year, with their stage's severity and duration */
} mr_synthetic_size;

#define MR_SYNTHETIC_DENSE_RATE "0.15"

/* bench/synthetic.yaml: 20 minerals, 12 countries, 6 sectors, 10 years, density 1,
   not dense */
#define MR_SYNTHETIC_DEFAULT                                                                       \
    {                                                                                              \
        20, 12, 6, 10, 1.0, 0                                                                      \
    }
#define MR_SYNTHETIC_MAX_SIZE 200
#define MR_SYNTHETIC_MAX_YEARS 100
/* the highest base rate is 0.05 * 2^2.21 = 0.231 a year (a country's
   WGI-derived outage); a rate may not exceed 12 a year (the monthly grid) */
#define MR_SYNTHETIC_MAX_DENSITY 50.0

/* The scenario as YAML (malloc'd, NUL-terminated, length in *len), or NULL
   when out of memory. The sizes must be within the limits above. */
char *mr_synthetic_yaml(const mr_synthetic_size *z, size_t *len);

#endif
