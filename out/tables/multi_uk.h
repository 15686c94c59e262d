/* multi_uk.h - the UK sourcing of every run of a sweep or comparison, side
 * by side (multi_uk.c). Not for use outside out/tables/.
 */
#ifndef MR_MULTI_UK_H
#define MR_MULTI_UK_H

#include "out/tables/summary_read.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The indicators of every run (cap, ind, uk of each summary), read before
   anything is printed. */
typedef struct {
    size_t n;
    char **label; /* [n] printable: "a", "b", or the variant's group name */
    summary *run; /* [n] */
} multi_uk;

/* multi_uk.c: read every run's indicators (compare: /runs/<r>; else the
   sweep's variants), then print them side by side after the file's own
   table (nothing when some run has no UK rows). */
int mr_multi_uk_read(mr_h5r *r, bool compare, multi_uk *m);
void mr_multi_uk_print(FILE *out, const multi_uk *m, bool compare);
void mr_multi_uk_free(multi_uk *m);

#endif
