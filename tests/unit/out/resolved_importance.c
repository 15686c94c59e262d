/* resolved_importance.c - the importance block in the resolved scenario
 * (out/scenario_yaml.c, /scenario/resolved, `minrisk validate`): written as
 * it runs, so that the resolved scenario, itself a scenario, runs the same
 * tilt. Until 2026-12-06 the block was left out, and the resolved form of
 * an importance-sampled run ran unweighted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/scenario_yaml.h"
#include "sim/scenario/loader.h"

#include <stdlib.h>
#include <string.h>

/* the horizon; a mineral refined in CN and AU, a sector that needs it */
#define HEAD "name: t\nsimulation: {horizon_years: 4, steps_per_year: 12, trials: 5000}\n"
#define MARKET                                                                                     \
    "minerals:\n"                                                                                  \
    "  gallium:\n"                                                                                 \
    "    demand_t: 10\n"                                                                           \
    "    refining: [{country: CN, share: 0.9}, {country: AU, share: 0.1}]\n"                       \
    "    price: {ref: 400000}\n"                                                                   \
    "sectors:\n"                                                                                   \
    "  electronics:\n"                                                                             \
    "    output_gbp: 20e9\n"                                                                       \
    "    needs: [{mineral: gallium, dependent_share: 0.3, demand_share: 0.5}]\n"

/* two countries with outage rates, one event */
static const char BASE[] = HEAD
    "countries:\n"
    "  CN: {outage: {rate_per_year: 0.1, severity: 0.5, duration_months: 2}}\n"
    "  AU: {outage: {rate_per_year: 0.02, severity: 0.3, duration_months: 2}}\n" MARKET "events:\n"
    "  cn-controls: {country: CN, minerals: [gallium], rate_per_year: 0.15, severity: 0.8, "
    "duration_months: 3}\n";

/* The text from "importance:" to the end of the block (the next line that
   does not begin with a space), or NULL. Caller frees. */
static char *block(const char *yaml)
{
    const char *s = strstr(yaml, "\nimportance:\n");
    if (!s)
        return NULL;
    s++;
    const char *e = s;
    while ((e = strchr(e, '\n')) && e[1] == ' ')
        e++;
    size_t n = e ? (size_t)(e - s) + 1 : strlen(s);
    char *out = malloc(n + 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

/* BASE with extra, parsed into sc (fails the test otherwise) */
static void parse(const char *extra, mr_scenario *sc)
{
    size_t n = strlen(BASE) + strlen(extra) + 1;
    char *text = malloc(n);
    snprintf(text, n, "%s%s", BASE, extra);
    mr_error err;
    if (mr_scenario_parse("t.yaml", text, strlen(text), sc, &err) != 0)
        fail_msg("%s", err.msg);
    free(text);
}

/* sc's resolved text: its importance block is want; the text parses back to
   the same importance (as it runs) and to the same text again */
static void check(const mr_scenario *sc, const char *want)
{
    char *y = mr_scenario_resolved_yaml(sc);
    assert_non_null(y);
    char *got = block(y);
    if (!want) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
    mr_scenario back;
    mr_error err;
    if (mr_scenario_parse("resolved.yaml", y, strlen(y), &back, &err) != 0)
        fail_msg("resolved YAML does not parse: %s\n%s", err.msg, y);
    const mr_importance *a = &sc->importance, *b = &back.importance;
    assert_int_equal(a->present, b->present);
    assert_int_equal(mr_importance_focus_year(a), mr_importance_focus_year(b));
    if (mr_importance_focus_year(a)) {
        assert_true(mr_importance_defensive(a) == mr_importance_defensive(b));
        assert_true((a->focus_years ? a->focus_years : 1) == b->focus_years);
    }
    const bool chosen = a->nstages > 0 && a->nrates > 0;
    if (chosen) { /* the tilt chosen: no target, the stages are not run again */
        assert_int_equal(b->target, MR_TARGET_NONE);
    } else {
        assert_int_equal(a->target, b->target);
        assert_true(a->target_level == b->target_level);
        assert_int_equal(a->target_annual, b->target_annual);
        assert_true(a->pilot_trials == b->pilot_trials);
    }
    char *y2 = mr_scenario_resolved_yaml(&back);
    char *c = strstr(y, "\n# importance: ");
    if (chosen) { /* the same text, but for the comment naming the target */
        assert_non_null(c);
        memmove(c + 1, strchr(c + 1, '\n') + 1, strlen(strchr(c + 1, '\n') + 1) + 1);
    } else {
        assert_null(c);
    }
    assert_string_equal(y, y2);
    free(y2);
    free(got);
    free(y);
    mr_scenario_free(&back);
}

/* no block, none written */
static void absent(void **state)
{
    (void)state;
    mr_scenario sc;
    parse("", &sc);
    check(&sc, NULL);
    mr_scenario_free(&sc);
}

/* rates as given, in order; the same name twice: the later one only (it
   overrides the earlier, for every process it matches) */
static void rates_as_given(void **state)
{
    (void)state;
    mr_scenario sc;
    parse("importance:\n  rates: {'event/*': 2, country/CN: 3.5, country/AU: 0.25}\n", &sc);
    check(&sc, "importance:\n  rates:\n    \"event/*\": 2\n    \"country/CN\": 3.5\n"
               "    \"country/AU\": 0.25\n  focus: horizon\n");
    /* as --importance leaves three items, "country/ANY=2", "event/ANY=3" and
       "country/ANY=4" (ANY: the star) */
    mr_importance_free(&sc.importance);
    memset(&sc.importance, 0, sizeof sc.importance);
    sc.importance.present = 1;
    assert_int_equal(mr_importance_add_rate(&sc.importance, "country/*", 2.0, 0, 0), 0);
    assert_int_equal(mr_importance_add_rate(&sc.importance, "event/*", 3.0, 0, 0), 0);
    assert_int_equal(mr_importance_add_rate(&sc.importance, "country/*", 4.0, 0, 0), 0);
    check(&sc, "importance:\n  rates:\n    \"event/*\": 3\n    \"country/*\": 4\n"
               "  focus: horizon\n");
    mr_scenario_free(&sc);
}

/* a target: P as written (99.9 is not 0.999 x 100 in binary), the stages'
   default written out, the pilot trials only as given (their default
   follows the trials) */
static void target_before_the_stages(void **state)
{
    (void)state;
    mr_scenario sc;
    parse("importance: {target: var99.9}\n", &sc);
    check(&sc, "importance:\n  target: var99.9_total\n  pilot_stages: 3\n  focus: horizon\n");
    mr_scenario_free(&sc);
    parse("importance: {target: es99.95_annual, pilot_stages: 2, pilot_trials: 800}\n", &sc);
    check(&sc, "importance:\n  target: es99.95_annual\n  pilot_stages: 2\n"
               "  pilot_trials: 800\n  focus: year\n  focus_years: 1\n  defensive: 0.1\n");
    mr_scenario_free(&sc);
    parse("importance: {target: var97_annual, focus_years: 3, defensive: 0.25}\n", &sc);
    check(&sc, "importance:\n  target: var97_annual\n  pilot_stages: 3\n  focus: year\n"
               "  focus_years: 3\n  defensive: 0.25\n");
    mr_scenario_free(&sc);
}

/* after the stages (sim/importance.c leaves every process's chosen factor
   by its exact name and the stages' figures): the chosen rates and the
   focus, the target a comment, so the main stage runs again as it ran */
static void tilt_chosen(void **state)
{
    (void)state;
    mr_scenario sc;
    parse("importance: {target: var99.5_annual, focus_years: 2}\n", &sc);
    mr_importance *imp = &sc.importance;
    assert_int_equal(mr_importance_add_rate(imp, "country/CN", 1.25, 0, 0), 0);
    assert_int_equal(mr_importance_add_rate(imp, "country/AU", 0.5, 0, 0), 0);
    assert_int_equal(mr_importance_add_rate(imp, "event/cn-controls", 6.0625, 0, 0), 0);
    imp->nstages = 3;
    imp->stage_figs = calloc(3 * MR_IMPORTANCE_STAGE_FIGS, sizeof *imp->stage_figs);
    char *y = mr_scenario_resolved_yaml(&sc);
    assert_non_null(strstr(y, "\n# importance: the tilt the cross-entropy method chose for "
                              "var99.5_annual in 3 pilot stages (/importance)\nimportance:\n"));
    free(y);
    check(&sc, "importance:\n  rates:\n    \"country/CN\": 1.25\n    \"country/AU\": 0.5\n"
               "    \"event/cn-controls\": 6.0625\n  focus: year\n  focus_years: 2\n"
               "  defensive: 0.1\n");
    mr_scenario_free(&sc);
}

/* after the stages in a scenario with no process with a rate (one that
   loses nothing): they chose no factor, and the target stays, as before
   the stages. Before, the block was "importance:\n  focus: horizon\n"
   (no rates, the target a comment), which the loader refuses ("give
   rates, a target, or both"): the resolved form of such a run did not
   run. */
static void nothing_chosen(void **state)
{
    (void)state;
    static const char text[] =
        HEAD "countries: {CN: {}, AU: {}}\n" MARKET "importance: {target: var99}\n";
    mr_scenario sc;
    mr_error err;
    if (mr_scenario_parse("t.yaml", text, strlen(text), &sc, &err) != 0)
        fail_msg("%s", err.msg);
    sc.importance.nstages = 3; /* as sim/importance.c leaves it: no rates */
    sc.importance.stage_figs = calloc(3 * MR_IMPORTANCE_STAGE_FIGS, sizeof(double));
    assert_int_equal(sc.importance.nrates, 0);
    check(&sc, "importance:\n  target: var99_total\n  pilot_stages: 3\n  focus: horizon\n");
    mr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(absent),
        cmocka_unit_test(rates_as_given),
        cmocka_unit_test(target_before_the_stages),
        cmocka_unit_test(tilt_chosen),
        cmocka_unit_test(nothing_chosen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
