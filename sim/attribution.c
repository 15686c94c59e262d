/* attribution.c - placeholder until tail attribution lands. */
#include "run_extras.h"

int mr_attribution_collect(const mr_scenario *sc, const mr_results *res,
                           const mr_run_extras_opts *opts, const mr_comm *comm, mr_extras *extras,
                           mr_error *err)
{
    (void)sc, (void)res, (void)opts, (void)comm, (void)extras, (void)err;
    return 0;
}
