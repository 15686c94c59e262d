/* compare_internal.h - what compare.c (running the scenarios, the file)
 * shares with compare_table.c (the printed table). Not for use outside
 * sim/cmd/compare*.c. */
#ifndef MR_COMPARE_INTERNAL_H
#define MR_COMPARE_INTERNAL_H

#include "models/scenario.h"
#include "sim/studies/paired.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* At most 26 scenarios: runs a .. z. */
#define MAX_SCENARIOS 26

typedef struct {
    const char *scen[MAX_SCENARIOS]; /* the scenario files; scen[0] is A */
    int n;                           /* how many, 2 .. MAX_SCENARIOS */
    const char *output;
    unsigned long long trials, seed, threads, nboot;
    bool have_trials, have_seed, quiet;
} request;

/* Run w's letter in the table ("A", "B", ...). */
#define RUN_LETTER(w) ((char)('A' + (w)))

/* The table of two scenarios (A, B, B - A with intervals) and of three or
   more (a column per scenario, then each change against A). */
void mr_compare_print_table(FILE *f, const request *q, const mr_scenario *a, const mr_scenario *b,
                            uint64_t trials, uint64_t seed, int nboot, const char *const *names,
                            const mr_paired *p, int P);
void mr_compare_print_table_many(FILE *f, const request *q, const mr_scenario *sc, uint64_t trials,
                                 uint64_t seed, int nboot, const char *const *names,
                                 const mr_paired *p, int P);

#endif
