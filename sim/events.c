/* events.c - placeholder until the /events table lands. */
#include "run_extras.h"

int mr_events_collect(const mr_scenario *sc, const mr_results *res, const mr_comm *comm,
                      mr_extras *extras, mr_error *err)
{
    (void)sc, (void)res, (void)comm, (void)extras, (void)err;
    return 0;
}
