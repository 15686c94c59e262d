/* summary_multi.h - `minrisk summary` of a file of several runs
 * (summary_multi.c). Not for use outside out/tables/.
 */
#ifndef MR_SUMMARY_MULTI_H
#define MR_SUMMARY_MULTI_H

#include "out/h5/read.h"

#include <stdio.h>

/* `minrisk summary` of a sweep, comparison or uncertainty file
   (summary_multi.c): 1 printed, 0 not such a file, -1 on an error. */
int mr_summary_print_multi(mr_h5r *r, FILE *out);

#endif
