/* compare_table.h - the table `minrisk compare` prints on stdout
 * (compare_table.c). Not for use outside sim/cmd/compare*.c. */
#ifndef MR_COMPARE_TABLE_H
#define MR_COMPARE_TABLE_H

#include "sim/cmd/compare_file.h"

#include <stdint.h>
#include <stdio.h>

/* The table of the q->n scenarios sc from the paired statistics p of P
   series per run against A, named `names` (mr_compare_view_print: two
   runs as A, B, B - A; more as a column per run, then each change against
   A). 0, or -1 when out of memory (nothing printed). */
int mr_compare_print_table(FILE *f, const request *q, const mr_scenario *sc,
                           const char *const *names, const mr_paired *p, int P);

/* The policy costs of the runs and the loss avoided per pound, when any
   run states a cost (out/tables/policy_cost.h); nothing otherwise. */
void mr_compare_print_costs(FILE *f, const request *q, const mr_scenario *sc, const mr_paired *p,
                            int P);

#endif
