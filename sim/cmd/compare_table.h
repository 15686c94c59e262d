/* compare_table.h - the table `minrisk compare` prints on stdout
 * (compare_table.c). Not for use outside sim/cmd/compare*.c. */
#ifndef MR_COMPARE_TABLE_H
#define MR_COMPARE_TABLE_H

#include "sim/cmd/compare_file.h"

#include <stdint.h>
#include <stdio.h>

/* The table of two scenarios (A, B, B - A with intervals) and of three or
   more (a column per scenario, then each change against A). */
void mr_compare_print_table(FILE *f, const request *q, const mr_scenario *a, const mr_scenario *b,
                            uint64_t trials, uint64_t seed, int nboot, const char *const *names,
                            const mr_paired *p, int P);
void mr_compare_print_table_many(FILE *f, const request *q, const mr_scenario *sc, uint64_t trials,
                                 uint64_t seed, int nboot, const char *const *names,
                                 const mr_paired *p, int P);

/* The policy costs of the runs and the loss avoided per pound, when any
   run states a cost (out/tables/policy_cost.h); nothing otherwise. */
void mr_compare_print_costs(FILE *f, const request *q, const mr_scenario *sc, const mr_paired *p,
                            int P);

#endif
