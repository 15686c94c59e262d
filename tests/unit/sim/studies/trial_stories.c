/* trial_stories.c - trial stories and the event table (sim/studies/story.c,
 * sim/cmd/explain.c, sim/studies/events.c): a replayed trial reproduces the run's
 * row bit for bit, for every trial of three scenarios (the demo; priority
 * rationing with stockpiles that run empty, through `extends`; certain
 * events), and its trace adds up to that row; the certain scenario's
 * story and event table against values worked out by hand
 * (tests/studies/explain/certain.yaml); the event table against the full replay of
 * every trial, for 1 and 2 threads and for a rank's share of the trials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "sim/engine.h"
#include "sim/replay.h"
#include "sim/model.h"
#include "sim/studies/run_extras.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define assert_double_equal(a, b, tol) near((a), (b), (tol), #a, __LINE__)
static void near(double a, double b, double tol, const char *what, int line)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("line %d: %s = %.17g, expected %.17g (tolerance %g)", line, what, a, b, tol);
}

/* A file of the source tree: $MINRISK_SRC/rel, else under the source root
   the build was configured from (MINRISK_SOURCE_DIR, tests/CMakeLists.txt). */
static char *src_path(const char *rel)
{
    const char *env = getenv("MINRISK_SRC");
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/%s", env && *env ? env : MINRISK_SOURCE_DIR, rel);
    return p;
}

static void load(const char *rel, uint64_t trials, mr_scenario *sc)
{
    char *path = src_path(rel);
    mr_error err = {{0}};
    if (mr_scenario_load(path, sc, &err))
        fail_msg("%s", err.msg);
    free(path);
    sc->trials = trials;
}

/* ---- the replay against the run ------------------------------------------- */

static void same_row(const mr_results *run, uint64_t i, const mr_results *row, size_t off, size_t n,
                     const char *what)
{
    const double *a, *b;
    memcpy(&a, (const char *)run + off, sizeof a);
    memcpy(&b, (const char *)row + off, sizeof b);
    if (memcmp(a + i * n, b, n * sizeof(double)) != 0)
        fail_msg("trial %llu: %s differs from the run", (unsigned long long)i, what);
}

/* Every trial of sc: the replay equals the run's row bit for bit, and the
   trace's per-step losses, summed in step order as the engine does, give
   the row's sector and annual losses bit for bit (so the months of a story
   add up to the stored totals); the open markets' trace peaks at the row's
   market metrics. Returns how many (trial, mineral) open markets moved. */
static int check_every_trial(mr_scenario *sc)
{
    int moved = 0;
    mr_engine_opts opts = {.threads = 2};
    mr_results res, row;
    mr_run_info info;
    mr_error err = {{0}};
    assert_int_equal(mr_engine_run(sc, &opts, &res, &info, &err), 0);
    mr_replayer *rp = mr_replayer_new(sc, NULL, &err);
    assert_non_null(rp);
    const mr_model *md = mr_replayer_model(rp);
    const size_t S = (size_t)md->S, M = (size_t)md->M, H = (size_t)md->H, T = (size_t)md->T;
    assert_int_equal(mr_results_alloc(&row, 1, md->S, md->M, md->H, md->T), 0);
    mr_trace tr;
    assert_int_equal(mr_trace_alloc(&tr, md->M, md->S, md->T), 0);
    static const struct {
        size_t off;
        char cols;
        const char *name;
    } vars[] = {
        {offsetof(mr_results, total_loss), 0, "total_loss"},
        {offsetof(mr_results, sector_output_loss), 'S', "sector_output_loss"},
        {offsetof(mr_results, sector_gva_loss), 'S', "sector_gva_loss"},
        {offsetof(mr_results, total_gva_loss), 0, "total_gva_loss"},
        {offsetof(mr_results, sector_extra_cost), 'S', "sector_extra_cost"},
        {offsetof(mr_results, annual_loss), 'H', "annual_loss"},
        {offsetof(mr_results, sector_annual_loss), 'A', "sector_annual_loss"},
        {offsetof(mr_results, mineral_shortfall_mean), 'M', "mineral_shortfall_mean"},
        {offsetof(mr_results, mineral_shortfall_peak), 'M', "mineral_shortfall_peak"},
        {offsetof(mr_results, mineral_shortfall_months), 'M', "mineral_shortfall_months"},
        {offsetof(mr_results, mineral_price_peak), 'M', "mineral_price_peak"},
        {offsetof(mr_results, mineral_stockpile_empty_month), 'M', "mineral_stockpile_empty_month"},
        {offsetof(mr_results, sector_inoperability_peak), 'S', "sector_inoperability_peak"},
        {offsetof(mr_results, sector_inoperability_months), 'S', "sector_inoperability_months"},
    };
    double *annual = calloc(H * S, sizeof *annual);
    assert_non_null(annual);
    for (uint64_t i = 0; i < sc->trials; i++) {
        assert_int_equal(mr_replayer_run(rp, i, &row, &tr), 0);
        for (size_t v = 0; v < sizeof vars / sizeof vars[0]; v++) {
            size_t n = vars[v].cols == 'S'   ? S
                       : vars[v].cols == 'M' ? M
                       : vars[v].cols == 'H' ? H
                       : vars[v].cols == 'A' ? H * S
                                             : 1;
            same_row(&res, i, &row, vars[v].off, n, vars[v].name);
        }
        /* the open markets' trace (docs/MODEL.md §5m): its peaks over the
           steps are the row's market metrics bit for bit, NaN without a
           market block */
        for (size_t m = 0; m < M; m++) {
            double price = -INFINITY, drawn = 0.0, loss = 0.0;
            for (size_t t = 0; t < T; t++) {
                double p = tr.market_price[t * M + m], k = tr.stock[t * M + m];
                if (!md->market[m]) {
                    if (!isnan(p) || !isnan(k))
                        fail_msg("trial %llu: mineral %zu has no market, but a trace of one",
                                 (unsigned long long)i, m);
                    continue;
                }
                price = p > price ? p : price;
                drawn = md->mrule[m].rest_months - k > drawn ? md->mrule[m].rest_months - k : drawn;
                loss = 1.0 - tr.availability[t * M + m] > loss ? 1.0 - tr.availability[t * M + m]
                                                               : loss;
            }
            moved += md->market[m] && price > 1.0 && drawn > 0.0 && loss > 0.0;
            if (md->market[m] && (price != row.mineral_price_peak_market[m] ||
                                  drawn != row.mineral_stock_drawn_peak[m] ||
                                  loss != row.mineral_market_loss_peak[m]))
                fail_msg("trial %llu mineral %zu: the trace's market peaks %.17g %.17g %.17g, the "
                         "row's %.17g %.17g %.17g",
                         (unsigned long long)i, m, price, drawn, loss,
                         row.mineral_price_peak_market[m], row.mineral_stock_drawn_peak[m],
                         row.mineral_market_loss_peak[m]);
        }
        /* the trace adds up to the row, in the engine's order */
        memset(annual, 0, H * S * sizeof *annual);
        for (size_t j = 0; j < S; j++) {
            double ol = 0.0, xc = 0.0;
            for (size_t t = 0; t < T; t++) {
                ol += tr.value_loss[t * S + j];
                xc += tr.extra_cost[t * S + j];
            }
            if (memcmp(&ol, &row.sector_gva_loss[j], sizeof ol) ||
                memcmp(&xc, &row.sector_extra_cost[j], sizeof xc))
                fail_msg("trial %llu: the trace's losses of sector %zu do not add up",
                         (unsigned long long)i, j);
        }
        for (size_t t = 0; t < T; t++)
            for (size_t j = 0; j < S; j++)
                annual[(t / (size_t)md->n) * S + j] +=
                    tr.value_loss[t * S + j] + tr.extra_cost[t * S + j];
        for (size_t y = 0; y < H; y++) {
            double a = 0.0;
            for (size_t j = 0; j < S; j++)
                a += annual[y * S + j];
            if (memcmp(&a, &row.annual_loss[y], sizeof a))
                fail_msg("trial %llu: the trace's losses of year %zu do not add up",
                         (unsigned long long)i, y + 1);
        }
    }
    free(annual);
    mr_trace_free(&tr);
    mr_results_free(&row);
    mr_replayer_free(rp);
    mr_results_free(&res);
    return moved;
}

static void test_replay_reproduces_every_trial_of_the_demo(void **state)
{
    (void)state;
    mr_scenario sc;
    load("scenarios/demo.yaml", 300, &sc);
    check_every_trial(&sc);
    mr_scenario_free(&sc);
}

static void test_replay_reproduces_priority_rationing_and_stockpiles(void **state)
{
    (void)state;
    mr_scenario sc;
    load("tests/studies/explain/priority.yaml", 300, &sc);
    assert_int_equal(sc.rationing, MR_RATION_PRIORITY);
    assert_true(sc.minerals[1].stockpile.present); /* cobalt */
    check_every_trial(&sc);
    mr_scenario_free(&sc);
}

/* A market episode with no noise (docs/VALIDATION.md): the market trace
   peaks at the row's metrics, and both open markets move (price above
   reference, stock drawn, supply lost), so that check is not vacuous. */
static void test_replay_reproduces_a_market_episode(void **state)
{
    (void)state;
    mr_scenario sc;
    load("tests/validation/ree-quotas-2010.yaml", 1, &sc);
    assert_int_equal(check_every_trial(&sc), 2);
    mr_scenario_free(&sc);
}

static void test_replay_reproduces_certain_events(void **state)
{
    (void)state;
    mr_scenario sc;
    load("tests/studies/explain/certain.yaml", 20, &sc);
    check_every_trial(&sc);
    mr_scenario_free(&sc);
}

/* ---- tests/studies/explain/certain.yaml by hand ------------------------------------ */

static void test_certain_story_by_hand(void **state)
{
    (void)state;
    mr_scenario sc;
    load("tests/studies/explain/certain.yaml", 20, &sc);
    mr_error err = {{0}};
    mr_replayer *rp = mr_replayer_new(&sc, NULL, &err);
    assert_non_null(rp);
    mr_results row;
    mr_trace tr;
    assert_int_equal(mr_results_alloc(&row, 1, 2, 2, 2, 24), 0);
    assert_int_equal(mr_trace_alloc(&tr, 2, 2, 24), 0);
    const double gbp = 1e-6; /* dt = 1/12 is not exact in binary */
    for (uint64_t trial = 0; trial < 20; trial += 19) {
        assert_int_equal(mr_replayer_run(rp, trial, &row, &tr), 0);
        assert_int_equal(tr.nocc, 3);
        /* x (mineral 0): releases, levels and net shortfall, month by month */
        for (int t = 0; t < 24; t++) {
            double release = (t >= 3 && t <= 6) || (t >= 12 && t <= 15) ? 0.5
                             : t == 16                                  ? 0.25
                                                                        : 0.0;
            double u = t >= 12 && t <= 15 ? 0.5 : t == 16 ? 0.75 : t >= 17 ? 1.0 : 0.0;
            assert_double_equal(tr.release[t * 2 + 0], release, 0.0);
            assert_double_equal(tr.u[t * 2 + 0], u, 0.0);
            assert_double_equal(tr.q[t * 2 + 0], u, 0.0); /* s1: q = u_x */
            assert_double_equal(tr.u[t * 2 + 1], t == 6 || t == 7 ? 0.8 : 0.0, 1e-15);
        }
        assert_double_equal(tr.level[6 * 2], 1.0, 0.0);
        assert_double_equal(tr.level[11 * 2], 2.25, 0.0);
        assert_double_equal(tr.level[16 * 2], 0.0, 0.0);
        assert_double_equal(row.mineral_stockpile_empty_month[0], 16.0, 0.0);
        assert_true(isnan(row.mineral_stockpile_empty_month[1]));
        assert_double_equal(row.sector_output_loss[0], 9.75e9, gbp);
        assert_double_equal(row.sector_output_loss[1], 1.6e9, gbp);
        assert_double_equal(row.sector_extra_cost[0], 0.0, 0.0);
        assert_double_equal(row.total_loss[0], 11.35e9, gbp);
        assert_double_equal(row.mineral_shortfall_months[0], 12.0, 0.0);
        assert_double_equal(row.mineral_shortfall_months[1], 2.0, 0.0);
        assert_double_equal(row.sector_inoperability_peak[0], 1.0, 0.0);
        assert_double_equal(row.sector_inoperability_peak[1], 0.4, 1e-15);
    }
    mr_trace_free(&tr);
    mr_results_free(&row);
    mr_replayer_free(rp);
    mr_scenario_free(&sc);
}

/* ---- the event table --------------------------------------------------------- */

static const mr_output_extra *extra(const mr_extras *x, const char *path)
{
    for (size_t k = 0; k < x->n; k++)
        if (!strcmp(x->x[k].path, path))
            return &x->x[k];
    fail_msg("no extra %s", path);
    return NULL;
}

/* The columns of a collected table. */
typedef struct {
    uint64_t n, row0;
    const uint64_t *event, *trial;
    const int32_t *process, *step, *len;
    const double *tau, *dur, *sev;
} table;

static table columns(const mr_extras *x)
{
    table t;
    const mr_output_extra *e = extra(x, "events/event");
    assert_true(e->is_coord && e->distributed && e->type == MR_EXTRA_U64);
    t.n = e->nrows;
    t.row0 = e->row0;
    t.event = e->data;
    t.trial = extra(x, "events/trial")->data;
    t.process = extra(x, "events/process_index")->data;
    t.step = extra(x, "events/start_step")->data;
    t.len = extra(x, "events/active_steps")->data;
    t.tau = extra(x, "events/start_years")->data;
    t.dur = extra(x, "events/duration_months")->data;
    t.sev = extra(x, "events/severity")->data;
    const char *cols[] = {"events/trial",        "events/process_index", "events/start_step",
                          "events/active_steps", "events/start_years",   "events/duration_months",
                          "events/severity"};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        const mr_output_extra *c = extra(x, cols[k]);
        assert_true(c->distributed && !c->is_coord);
        assert_int_equal(c->nrows, t.n);
        assert_int_equal(c->row0, t.row0);
        assert_int_equal(c->dims[0], e->dims[0]);
        assert_string_equal(c->dim_names[0], "event");
    }
    return t;
}

/* A results struct covering trials first .. first + n - 1 (all the event
   table needs of it). */
static void share(mr_results *res, const mr_scenario *sc, uint64_t first, uint64_t n)
{
    memset(res, 0, sizeof *res);
    res->first_trial = first;
    res->ntrials = n;
    res->ntrials_total = sc->trials;
}

/* certain.yaml: three rows a trial, known by hand. */
static void test_event_table_of_certain_events_by_hand(void **state)
{
    (void)state;
    mr_scenario sc;
    load("tests/studies/explain/certain.yaml", 20, &sc);
    mr_results res;
    share(&res, &sc, 0, 20);
    mr_extras x = {0};
    mr_error err = {{0}};
    assert_int_equal(mr_events_collect(&sc, &res, NULL, &x, &err), 0);
    const mr_output_extra *p = extra(&x, "events/process");
    assert_true(p->is_coord && !p->distributed && p->type == MR_EXTRA_STR);
    assert_int_equal(p->dims[0], 2);
    const char *const *names = p->data;
    const char *const *kinds = extra(&x, "events/process_kind")->data;
    const char *const *countries = extra(&x, "events/process_country")->data;
    assert_string_equal(names[0], "event/a");
    assert_string_equal(names[1], "event/b");
    assert_string_equal(kinds[0], "event");
    assert_string_equal(countries[1], "CN");
    table t = columns(&x);
    assert_int_equal(t.n, 60);
    assert_int_equal(t.row0, 0);
    assert_int_equal(extra(&x, "events/event")->dims[0], 60);
    /* per trial: a's two occurrences (certain ones in file order), then b's */
    static const struct {
        int process, step, len;
        double tau, dur, sev;
    } want[3] = {{0, 3, 4, 0.25, 4.0, 0.5}, {0, 12, 12, 1.0, 30.0, 1.0}, {1, 6, 2, 0.5, 2.4, 0.8}};
    for (uint64_t r = 0; r < 60; r++) {
        int k = (int)(r % 3);
        assert_int_equal(t.event[r], r);
        assert_int_equal(t.trial[r], r / 3);
        assert_int_equal(t.process[r], want[k].process);
        assert_int_equal(t.step[r], want[k].step);
        assert_int_equal(t.len[r], want[k].len);
        assert_double_equal(t.tau[r], want[k].tau, 0.0);
        assert_double_equal(t.dur[r], want[k].dur, 0.0);
        assert_double_equal(t.sev[r], want[k].sev, 0.0);
    }
    mr_extras_free(&x);
    mr_scenario_free(&sc);
}

/* The demo over three blocks of trials: the table equals the occurrences of
   the full replay of each trial (another path through the engine: with
   supply, prices and the trace), is the same for 1 and 2 threads, and a
   rank's share (trials 1024 on, as rank 1 of 2 holds them) is the tail of
   the whole table. */
static void test_event_table_matches_replay_for_any_threads(void **state)
{
    (void)state;
    mr_scenario sc;
    load("scenarios/demo.yaml", 2500, &sc);
    mr_results res;
    mr_error err = {{0}};
    mr_extras one = {0}, two = {0}, tail = {0};
    share(&res, &sc, 0, sc.trials);
    omp_set_num_threads(1);
    assert_int_equal(mr_events_collect(&sc, &res, NULL, &one, &err), 0);
    omp_set_num_threads(2);
    assert_int_equal(mr_events_collect(&sc, &res, NULL, &two, &err), 0);
    share(&res, &sc, 1024, sc.trials - 1024);
    assert_int_equal(mr_events_collect(&sc, &res, NULL, &tail, &err), 0);
    table a = columns(&one), b = columns(&two), c = columns(&tail);
    assert_true(a.n > 2500); /* the demo has several disruptions a trial */
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.trial, b.trial, a.n * sizeof *a.trial);
    assert_memory_equal(a.process, b.process, a.n * sizeof *a.process);
    assert_memory_equal(a.step, b.step, a.n * sizeof *a.step);
    assert_memory_equal(a.len, b.len, a.n * sizeof *a.len);
    assert_memory_equal(a.tau, b.tau, a.n * sizeof *a.tau);
    assert_memory_equal(a.dur, b.dur, a.n * sizeof *a.dur);
    assert_memory_equal(a.sev, b.sev, a.n * sizeof *a.sev);

    /* the full replay, trial by trial */
    mr_replayer *rp = mr_replayer_new(&sc, NULL, &err);
    assert_non_null(rp);
    const mr_model *md = mr_replayer_model(rp);
    mr_results row;
    mr_trace tr;
    assert_int_equal(mr_results_alloc(&row, 1, md->S, md->M, md->H, md->T), 0);
    assert_int_equal(mr_trace_alloc(&tr, md->M, md->S, md->T), 0);
    uint64_t r = 0, first_tail = 0;
    for (uint64_t i = 0; i < sc.trials; i++) {
        if (i == 1024)
            first_tail = r;
        assert_int_equal(mr_replayer_run(rp, i, &row, &tr), 0);
        for (int k = 0; k < tr.nocc; k++, r++) {
            const mr_occurrence_record *o = &tr.occ[k];
            assert_true(r < a.n);
            assert_int_equal(a.event[r], r);
            assert_int_equal(a.trial[r], i);
            assert_int_equal(a.process[r], o->process);
            assert_int_equal(a.step[r], o->first_step);
            assert_int_equal(a.len[r], o->nsteps);
            assert_memory_equal(&a.tau[r], &o->start_years, sizeof(double));
            assert_memory_equal(&a.dur[r], &o->duration_months, sizeof(double));
            assert_memory_equal(&a.sev[r], &o->severity, sizeof(double));
        }
    }
    assert_int_equal(r, a.n);
    assert_int_equal(c.n, a.n - first_tail);
    assert_memory_equal(c.trial, a.trial + first_tail, c.n * sizeof *c.trial);
    assert_memory_equal(c.tau, a.tau + first_tail, c.n * sizeof *c.tau);
    assert_memory_equal(c.sev, a.sev + first_tail, c.n * sizeof *c.sev);
    mr_trace_free(&tr);
    mr_results_free(&row);
    mr_replayer_free(rp);
    mr_extras_free(&one);
    mr_extras_free(&two);
    mr_extras_free(&tail);
    mr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_reproduces_every_trial_of_the_demo),
        cmocka_unit_test(test_replay_reproduces_priority_rationing_and_stockpiles),
        cmocka_unit_test(test_replay_reproduces_certain_events),
        cmocka_unit_test(test_replay_reproduces_a_market_episode),
        cmocka_unit_test(test_certain_story_by_hand),
        cmocka_unit_test(test_event_table_of_certain_events_by_hand),
        cmocka_unit_test(test_event_table_matches_replay_for_any_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
