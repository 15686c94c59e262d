/* compare_file.h - what compare.c (running the scenarios, printing the
 * table, writing the file) takes from compare_file.c: the request (the
 * command line), the runs' names, the policy costs, the statistics as
 * /difference holds them, and /difference itself. Not for use outside
 * sim/cmd/compare*.c. */
#ifndef MR_COMPARE_FILE_H
#define MR_COMPARE_FILE_H

#include "models/scenario.h"
#include "out/h5/extras.h"
#include "out/tables/compare_print.h" /* MR_COMPARE_MAX_RUNS */
#include "sim/studies/paired.h"

#include <stdbool.h>
#include <stdint.h>

/* At most 26 scenarios: runs a .. z (the printer's limit). */
#define MAX_SCENARIOS MR_COMPARE_MAX_RUNS

typedef struct {
    const char *scen[MAX_SCENARIOS]; /* the scenario files; scen[0] is A */
    int n;                           /* how many, 2 .. MAX_SCENARIOS */
    const char *output;
    unsigned long long trials, seed, threads, nboot;
    unsigned long long progress; /* --progress SECONDS; 0: the terminal's line only */
    bool have_trials, have_seed, quiet;
} request;

/* Run w's letter in the table ("A", "B", ...). */
#define RUN_LETTER(w) ((char)('A' + (w)))

/* Stream of the bootstrap resamples, shared by every series of a
   comparison ("bootstrap/compare", sim/studies/paired.h). */
#define BOOTSTRAP_LABEL "compare"

/* Run w's name in the file ("a", "b", ...) and its group ("runs/a", ...). */
extern const char *const mr_compare_run_ids[MAX_SCENARIOS];
extern const char *const mr_compare_run_groups[MAX_SCENARIOS];

/* The policy costs of the q->n runs over the horizon (GBP; stated[w]
   false: run w states none, counted as 0), diff[w] = cost[w] - cost[0],
   any: whether any run states one; uncosted[w] the levers run w uses
   without a stated cost ("" when none), unc[w] pointing at it; and
   per_pound[w] (w >= 1) the loss avoided per pound of run w's extra cost
   over A's from the change in the total's mean, {estimate, lo, hi}
   (mr_policy_per_pound; per_pound[0] unused). */
typedef struct {
    double cost[MAX_SCENARIOS], diff[MAX_SCENARIOS], per_pound[MAX_SCENARIOS][3];
    bool stated[MAX_SCENARIOS], any;
    char uncosted[MAX_SCENARIOS][160];
    const char *unc[MAX_SCENARIOS];
} compare_costs;

/* c from the scenarios sc[0 .. q->n - 1] and the paired statistics p of P
   series per run against A (the total last), as mr_compare_print_table_many
   takes them. */
void mr_compare_costs(const request *q, const mr_scenario *sc, const mr_paired *p, int P,
                      compare_costs *c);

/* The statistics of the q->n = R runs, as /difference holds them (GBP):
   val[R][P][NSTAT] each run's, est, lo, hi [R - 1][P][NSTAT] each change
   against A and its 95% interval, vrf[R - 1][P]; from the paired
   statistics p of P series per run against A. */
void mr_compare_fill(int R, const mr_paired *p, int P, double *val, double *est, double *lo,
                     double *hi, double *vrf);

/* /difference into x (docs/OUTPUT.md "Comparison files": two runs, format
   1.5's layout; three or more, format 1.6's). 0, or -1 (out of memory). */
int mr_compare_difference(mr_extras *x, const request *q, const mr_scenario *sc,
                          const char *const *names, const mr_paired *p, int P);

#endif
