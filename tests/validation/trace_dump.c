/* trace_dump.c - one trial of a scenario replayed (sim/replay.h), its trace
 * printed at full precision for tests/validation/recompute_market.py
 * (--trace-bin), which compares every step with its own re-computation:
 *
 *     trace_dump SCENARIO.yaml [TRIAL]
 *
 * One line per mineral and step, "m t i A .. P .. K .. u ..", and per sector
 * and step, "s t j c .. q .. VL .. XC ..": A the open market's (or v1's)
 * availability, P the clearing price ratio exp(p*) of a market mineral (the
 * price ratio P/P0 of one without a market), K the commercial stock after
 * the step (0 without a market), u the net shortfall; c and q the direct
 * and total inoperability, VL and XC the step's value added lost and extra
 * cost in GBP. Exit status 0, 2 on a bad scenario, 1 otherwise. */
#include "sim/model.h"
#include "sim/replay.h"
#include "sim/scenario/loader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: trace_dump SCENARIO.yaml [TRIAL]\n");
        return 2;
    }
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_scenario_load(argv[1], &sc, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    uint64_t trial = argc == 3 ? strtoull(argv[2], NULL, 10) : 0;
    int rc = 1;
    mr_replayer *rp = mr_replayer_new(&sc, NULL, &err);
    if (!rp) {
        fprintf(stderr, "%s\n", err.msg);
        mr_scenario_free(&sc);
        return 1;
    }
    const mr_model *md = mr_replayer_model(rp);
    mr_results row;
    mr_trace tr;
    if (mr_results_alloc(&row, 1, md->S, md->M, md->H, md->T) == 0) {
        if (mr_trace_alloc(&tr, md->M, md->S, md->T) == 0) {
            if (mr_replayer_run(rp, trial, &row, &tr) == 0) {
                for (int t = 0; t < md->T; t++) {
                    for (int i = 0; i < md->M; i++) {
                        int k = t * md->M + i;
                        double P = isnan(tr.market_price[k]) ? tr.ratio[k] : tr.market_price[k];
                        double K = isnan(tr.stock[k]) ? 0.0 : tr.stock[k];
                        printf("m %d %d A %.17g P %.17g K %.17g u %.17g\n", t, i,
                               tr.availability[k], P, K, tr.u[k]);
                    }
                    for (int j = 0; j < md->S; j++) {
                        int k = t * md->S + j;
                        printf("s %d %d c %.17g q %.17g VL %.17g XC %.17g\n", t, j, tr.c[k],
                               tr.q[k], tr.value_loss[k], tr.extra_cost[k]);
                    }
                }
                rc = 0;
            }
            mr_trace_free(&tr);
        }
        mr_results_free(&row);
    }
    mr_replayer_free(rp);
    mr_scenario_free(&sc);
    return rc;
}
