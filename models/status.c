/* status.c - GSL's error handler turned off while the library calls GSL
 * (status.h), from any thread. */
#include "models/status.h"

#include <gsl/gsl_errno.h>

/* Guarded by the critical section mr_gsl_quiet: brackets open, on every
   thread, and the handler to give back when the last one closes. */
static int quiet_depth;
static gsl_error_handler_t *quiet_saved;

void mr_gsl_quiet_begin(void)
{
#pragma omp critical(mr_gsl_quiet)
    if (quiet_depth++ == 0)
        quiet_saved = gsl_set_error_handler_off();
}

void mr_gsl_quiet_end(void)
{
#pragma omp critical(mr_gsl_quiet)
    if (quiet_depth > 0 && --quiet_depth == 0)
        gsl_set_error_handler(quiet_saved);
}
