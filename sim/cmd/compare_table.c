/* compare_table.c - what `minrisk compare` prints on stdout: each
 * scenario's statistics and each change against A with its 95% interval,
 * by the printer `minrisk summary` of the file uses too
 * (out/tables/compare_print.h), then the policy costs. */
#include "sim/cmd/compare_table.h"
#include "out/tables/compare_print.h"
#include "out/tables/policy_cost.h"

#include <stdio.h>
#include <stdlib.h>

int mr_compare_print_table(FILE *f, const request *q, const mr_scenario *sc,
                           const char *const *names, const mr_paired *p, int P)
{
    const int R = q->n;
    const size_t cells = (size_t)R * (size_t)P * MR_PAIRED_NSTAT,
                 dcells = (size_t)(R - 1) * (size_t)P * MR_PAIRED_NSTAT;
    double *val = malloc(cells * sizeof *val), *est = malloc(dcells * sizeof *est),
           *lo = malloc(dcells * sizeof *lo), *hi = malloc(dcells * sizeof *hi),
           *vrf = malloc((size_t)(R - 1) * (size_t)P * sizeof *vrf);
    int rc = -1;
    if (val && est && lo && hi && vrf) {
        const char *name[MAX_SCENARIOS], *file[MAX_SCENARIOS];
        for (int w = 0; w < R; w++) {
            name[w] = sc[w].name;
            file[w] = q->scen[w];
        }
        mr_compare_fill(R, p, P, val, est, lo, hi, vrf);
        const mr_compare_view v = {.R = R,
                                   .P = P,
                                   .name = name,
                                   .file = file,
                                   .series = names,
                                   .val = val,
                                   .est = est,
                                   .lo = lo,
                                   .hi = hi,
                                   .vrf = vrf,
                                   .trials = sc[0].trials,
                                   .seed = sc[0].seed,
                                   .nboot = (int)q->nboot,
                                   .horizon_years = sc[0].horizon_years};
        mr_compare_view_print(f, &v);
        rc = 0;
    }
    free(val);
    free(est);
    free(lo);
    free(hi);
    free(vrf);
    return rc;
}

void mr_compare_print_costs(FILE *f, const request *q, const mr_scenario *sc, const mr_paired *p,
                            int P)
{
    compare_costs c;
    mr_compare_costs(q, sc, p, P, &c);
    if (!c.any)
        return;
    if (q->n == 2)
        mr_policy_cost_print_pair(f, sc[0].horizon_years, c.cost, c.stated, c.unc, c.per_pound[1]);
    else
        mr_policy_cost_print_many(f, sc[0].horizon_years, q->n, c.cost, c.stated, c.unc,
                                  c.per_pound[1]);
}
