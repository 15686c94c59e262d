/* common_random_numbers.c - common random numbers (MODEL §12): doubling one supplier's
 * outage rate changes that process's occurrences and nothing else. Every
 * trial of tests/studies/compare/crn_base.yaml and crn_doubled.yaml is replayed
 * with a trace (engine.h), and every occurrence of every other process
 * (country outages, the other supplier outages, the event) is compared
 * field by field. Needs MINRISK_SRC (set by tests/studies/compare/tests.cmake). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/engine.h"
#include "sim/replay.h"
#include "sim/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRIALS 2000
#define DOUBLED "supplier/x/mining/P"

static void load(const char *name, mr_scenario *sc)
{
    const char *src = getenv("MINRISK_SRC");
    if (!src)
        fail_msg("MINRISK_SRC is not set");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/studies/compare/%s", src, name);
    mr_error err = {{0}};
    if (mr_scenario_load(path, sc, &err))
        fail_msg("%s", err.msg);
}

/* The occurrences of process p in tr, in sampling order, into out (at most cap). */
static int occurrences_of(const mr_trace *tr, int p, mr_occurrence_record *out, int cap)
{
    int n = 0;
    for (int k = 0; k < tr->nocc; k++)
        if (tr->occ[k].process == p) {
            if (n < cap)
                out[n] = tr->occ[k];
            n++;
        }
    return n;
}

static int same_occurrence(const mr_occurrence_record *a, const mr_occurrence_record *b)
{
    return a->first_step == b->first_step && a->nsteps == b->nsteps &&
           a->start_years == b->start_years && a->duration_months == b->duration_months &&
           a->severity == b->severity && a->trial == b->trial;
}

static void test_doubled_supplier_changes_only_its_process(void **state)
{
    (void)state;
    mr_scenario sa, sb;
    load("crn_base.yaml", &sa);
    load("crn_doubled.yaml", &sb);
    assert_true(sa.seed == sb.seed);
    mr_error err = {{0}};
    mr_replayer *ra = mr_replayer_new(&sa, NULL, &err), *rb = mr_replayer_new(&sb, NULL, &err);
    assert_non_null(ra);
    assert_non_null(rb);
    const mr_model *ma = mr_replayer_model(ra), *mb = mr_replayer_model(rb);
    /* B's process of each of A's, by name */
    assert_int_equal(ma->nproc, mb->nproc);
    assert_true(ma->nproc >= 8); /* 3 countries, 4 suppliers, 1 event */
    int *map = malloc((size_t)ma->nproc * sizeof *map);
    int doubled = -1;
    for (int p = 0; p < ma->nproc; p++) {
        map[p] = -1;
        for (int q = 0; q < mb->nproc; q++)
            if (!strcmp(ma->proc_name[p], mb->proc_name[q]))
                map[p] = q;
        assert_true(map[p] >= 0);
        if (!strcmp(ma->proc_name[p], DOUBLED))
            doubled = p;
    }
    assert_true(doubled >= 0);

    const int M = sa.nminerals, S = sa.nsectors, H = sa.horizon_years,
              T = sa.horizon_years * sa.steps_per_year;
    mr_results rowa, rowb;
    mr_trace ta, tb;
    assert_int_equal(mr_results_alloc(&rowa, 1, S, M, H, T), 0);
    assert_int_equal(mr_results_alloc(&rowb, 1, S, M, H, T), 0);
    assert_int_equal(mr_trace_alloc(&ta, M, S, T), 0);
    assert_int_equal(mr_trace_alloc(&tb, M, S, T), 0);
    enum { CAP = 256 };
    mr_occurrence_record *oa = malloc(CAP * sizeof *oa), *ob = malloc(CAP * sizeof *ob);
    long compared = 0, nd_a = 0, nd_b = 0, differing = 0, quiet = 0;
    for (uint64_t i = 0; i < TRIALS; i++) {
        assert_int_equal(mr_replayer_run(ra, i, &rowa, &ta), 0);
        assert_int_equal(mr_replayer_run(rb, i, &rowb, &tb), 0);
        for (int p = 0; p < ma->nproc; p++) {
            int na = occurrences_of(&ta, p, oa, CAP), nb = occurrences_of(&tb, map[p], ob, CAP);
            assert_true(na <= CAP && nb <= CAP);
            if (p == doubled) {
                nd_a += na;
                nd_b += nb;
                int same = na == nb;
                for (int k = 0; same && k < na; k++)
                    same = same_occurrence(&oa[k], &ob[k]);
                differing += !same;
                if (na == 0 && nb == 0) {
                    /* nothing differs in this trial: the whole trial is the same */
                    quiet++;
                    assert_true(rowa.total_loss[0] == rowb.total_loss[0]);
                    assert_memory_equal(rowa.annual_loss, rowb.annual_loss,
                                        (size_t)H * sizeof(double));
                }
                continue;
            }
            if (na != nb)
                fail_msg("trial %llu, %s: %d occurrences in A, %d in B", (unsigned long long)i,
                         ma->proc_name[p], na, nb);
            for (int k = 0; k < na; k++)
                if (!same_occurrence(&oa[k], &ob[k]))
                    fail_msg("trial %llu, %s: occurrence %d differs", (unsigned long long)i,
                             ma->proc_name[p], k);
            compared += na;
        }
        /* sector s2 needs only mineral y, which supplier P of x does not
           touch: its losses are the same in every trial, bit for bit */
        assert_true(rowa.sector_output_loss[1] == rowb.sector_output_loss[1]);
        assert_true(rowa.sector_extra_cost[1] == rowb.sector_extra_cost[1]);
        assert_true(rowa.mineral_shortfall_mean[1] == rowb.mineral_shortfall_mean[1]);
    }
    /* the other processes did occur (the comparison had something to
       compare), the doubled one changed in many trials, about twice as
       often in B (0.3 and 0.6 a year over 5 years: 1.5 and 3 a trial; no
       occurrence at all in B in exp(-3) = 5% of the trials) */
    assert_true(compared > 5 * TRIALS);
    assert_true(differing > TRIALS / 2);
    assert_true(quiet > 0);
    assert_true(nd_b > 3 * nd_a / 2 && nd_b < 5 * nd_a / 2);
    free(oa);
    free(ob);
    free(map);
    mr_trace_free(&ta);
    mr_trace_free(&tb);
    mr_results_free(&rowa);
    mr_results_free(&rowb);
    mr_replayer_free(ra);
    mr_replayer_free(rb);
    mr_scenario_free(&sa);
    mr_scenario_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doubled_supplier_changes_only_its_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
