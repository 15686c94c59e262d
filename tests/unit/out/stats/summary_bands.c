/* summary_bands.c - the band figures of /summary from the time-band
 * histograms (out/stats/sumstats.c mr_sumstats_bands) against values worked
 * out by hand: the bands, the upper tail, and the figures given a
 * disruption (q >= MR_OUTPUT_DISRUPTED_Q = 0.01), whose bins start at the
 * one centred on 0.01 (bin 10 of width 0.001: q in [0.0095, 0.0105)). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/comm.h"
#include "out/format.h"
#include "out/results.h"
#include "out/stats/sumstats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EXACT(a, b) assert_true((a) == (b))
static void assert_close(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fmax(1.0, fabs(want)))) {
        print_error("got %.17g, want %.17g\n", got, want);
        fail();
    }
}

enum { T = 2 }; /* steps; one sector, no mineral */

/* Step 0: 10 trials, 4 in bin 0 (q = 0), 2 in bin 9 (q = 0.009: not
   disrupted), 3 in bin 10 (q = 0.010: disrupted), 1 in bin 11 (0.011).
   Step 1: all 10 in bin 0. */
static void make_bands(mr_results *r)
{
    memset(r, 0, sizeof *r);
    r->ntrials = 10;
    r->ntrials_total = 10;
    r->nsectors = 1;
    r->nminerals = 0;
    r->steps = T;
    r->band_q = calloc((size_t)T * MR_BAND_Q_BINS, sizeof *r->band_q);
    assert_non_null(r->band_q);
    uint64_t *h = r->band_q;
    h[0] = 4;
    h[9] = 2;
    h[10] = 3;
    h[11] = 1;
    r->band_q[MR_BAND_Q_BINS + 0] = 10;
}

static void test_bands_and_the_disrupted_figures(void **state)
{
    (void)state;
    mr_results r;
    make_bands(&r);
    mr_sumstats s;
    assert_int_equal(mr_sumstats_alloc(&s, 10, 1, 0, T), 0);
    const mr_comm one = {0, 1, NULL};
    assert_int_equal(mr_sumstats_bands(&one, &r, &s), 0);
    const double w = MR_BAND_Q_WIDTH;

    /* bands 0.05, 0.5, 0.95 over the 10: ranks ceil(0.5) = 1 (bin 0),
       ceil(5) = 5 (cumulative 4, 6: bin 9), ceil(9.5) = 10 (4, 6, 9, 10:
       bin 11) */
    EXACT(s.inoperability_band[0], 0.0);
    EXACT(s.inoperability_band[1], 9 * w);
    EXACT(s.inoperability_band[2], 11 * w);
    /* the upper tail 0.9, 0.99: ranks 9 (bin 10) and ceil(9.9) = 10 (bin 11) */
    EXACT(s.inoperability_tail_band[0], 10 * w);
    EXACT(s.inoperability_tail_band[1], 11 * w);
    /* disrupted: bins 10 and up, 3 + 1 = 4 of the 10 trials (bin 9's 2 are
       below 0.0095, not disrupted; bin 10's 3 are) */
    EXACT(s.inoperability_disrupted_prob[0], 0.4);
    /* the bands over those 4 (3 at 0.010, 1 at 0.011): ranks ceil(0.2) = 1
       and 2 (0.010), ceil(3.8) = 4 (0.011) */
    assert_close(s.inoperability_disrupted_band[0], 0.010, 1e-15);
    assert_close(s.inoperability_disrupted_band[1], 0.010, 1e-15);
    assert_close(s.inoperability_disrupted_band[2], 0.011, 1e-15);

    /* step 1: no trial disrupted: probability 0 and no bands (NaN) */
    EXACT(s.inoperability_band[3 + 2], 0.0);
    EXACT(s.inoperability_disrupted_prob[1], 0.0);
    for (int b = 0; b < MR_OUTPUT_NBANDS; b++)
        assert_true(isnan(s.inoperability_disrupted_band[MR_OUTPUT_NBANDS + b]));

    mr_sumstats_free(&s);
    free(r.band_q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bands_and_the_disrupted_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
