/* extends_remove.c - a child scenario removes a parent's country, mineral,
 * sector or event by giving its id as null (docs/SCENARIO_FORMAT.md
 * "extends"; sim/scenario/extends.c merge_node). Until 2026-12-06 a child
 * could not remove an id ("expected a mapping, got null"): a study without
 * one of the parent's events had to copy the whole parent. Runs in the
 * source root (MINRISK_SOURCE_DIR), with tests/bad/parents/base.yaml: four
 * countries CN AU CA UK, minerals gallium and lithium, sector electronics,
 * event cn-controls. */
#define _POSIX_C_SOURCE 200809L /* chdir, mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "out/scenario_yaml.h"
#include "sim/scenario/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void parse_ok(const char *text, mr_scenario *sc)
{
    mr_error err;
    if (mr_scenario_parse("tests/bad/child.yaml", text, strlen(text), sc, &err))
        fail_msg("%s", err.msg);
}

static void parse_err(const char *text, const char *want)
{
    mr_scenario sc;
    mr_error err;
    if (mr_scenario_parse("tests/bad/child.yaml", text, strlen(text), &sc, &err) == 0) {
        mr_scenario_free(&sc);
        fail_msg("accepted; expected: %s", want);
    }
    assert_string_equal(err.msg, want);
}

/* the event removed, in each form of YAML's null; the rest kept, in order */
static void event_removed(void **state)
{
    (void)state;
    static const char *const nulls[] = {"~", "null", "Null", ""};
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++) {
        char text[256];
        snprintf(text, sizeof text, "extends: parents/base.yaml\nevents:\n  cn-controls: %s\n",
                 nulls[i]);
        mr_scenario sc;
        parse_ok(text, &sc);
        assert_int_equal(sc.nevents, 0);
        assert_int_equal(sc.ncountries, 4);
        assert_int_equal(sc.nminerals, 2);
        assert_int_equal(sc.nsectors, 1);
        char *y = mr_scenario_resolved_yaml(&sc);
        assert_null(strstr(y, "cn-controls"));
        free(y);
        mr_scenario_free(&sc);
    }
}

/* a country removed beside a new one and an override: the parent's order
   less the removed id, then the child's new ids */
static void country_removed_and_added(void **state)
{
    (void)state;
    mr_scenario sc;
    parse_ok("extends: parents/base.yaml\n"
             "countries:\n  AU: ~\n  BR: {wgi_pv: -0.3}\n  CA: {wgi_pv: 0.7}\n"
             "minerals:\n"
             "  gallium:\n"
             "    mining: [{country: CN, share: 0.98}, {country: BR, share: 0.02}]\n"
             "  lithium:\n"
             "    mining: [{country: CA, share: 0.5}, {country: CN, share: 0.5}]\n",
             &sc);
    assert_int_equal(sc.ncountries, 4);
    assert_string_equal(sc.countries[0].id, "CN");
    assert_string_equal(sc.countries[1].id, "CA");
    assert_string_equal(sc.countries[2].id, "UK");
    assert_string_equal(sc.countries[3].id, "BR");
    assert_true(sc.countries[1].wgi_pv == 0.7);
    assert_int_equal(sc.nevents, 1);
    mr_scenario_free(&sc);
}

/* a mineral and the need of it removed */
static void mineral_removed(void **state)
{
    (void)state;
    mr_scenario sc;
    parse_ok("extends: parents/base.yaml\n"
             "minerals: {lithium: ~}\n"
             "sectors:\n  electronics:\n"
             "    needs: [{mineral: gallium, dependent_share: 0.5, demand_share: 0.5}]\n",
             &sc);
    assert_int_equal(sc.nminerals, 1);
    assert_string_equal(sc.minerals[0].id, "gallium");
    assert_int_equal(sc.sectors[0].nneeds, 1);
    mr_scenario_free(&sc);
}

/* a removed id still named elsewhere in the parent: the parent's place */
static void removed_id_still_named(void **state)
{
    (void)state;
    parse_err("extends: parents/base.yaml\ncountries: {AU: ~}\n",
              "tests/bad/parents/base.yaml:15:19: minerals.gallium.mining[1].country: unknown "
              "country 'AU'");
}

/* null for an id no parent has (a typo of the id to remove): refused at
   the child's place, not ignored */
static void no_such_id(void **state)
{
    (void)state;
    parse_err("extends: parents/base.yaml\nevents:\n  cn-control: ~\n",
              "tests/bad/child.yaml:3:15: events.cn-control: null removes a parent scenario's "
              "event, and no parent has one of this id");
    /* without extends: not a removal */
    parse_err("name: x\nsimulation: {horizon_years: 1, steps_per_year: 12}\n"
              "countries: {A: ~}\n",
              "tests/bad/child.yaml:3:16: countries.A: expected a mapping, got null (null "
              "removes a parent scenario's country, with extends)");
}

/* null for an id no parent has, in a middle file of the chain: refused at
   that file's line whatever the child gives for the id. Before the fix the
   child's null removed the middle file's null (no error) and the child's
   entry replaced it (the middle file's typo went unreported). */
static void no_such_id_in_middle_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/extends_remove_XXXXXX", mid[64];
    assert_non_null(mkdtemp(dir));
    snprintf(mid, sizeof mid, "%s/mid.yaml", dir);
    FILE *f = fopen(mid, "w");
    assert_non_null(f);
    fprintf(f, "extends: %s/tests/bad/parents/base.yaml\nevents:\n  cn-control: ~\n",
            MINRISK_SOURCE_DIR);
    fclose(f);
    char text[256], want[256];
    snprintf(want, sizeof want,
             "%s:3:15: events.cn-control: null removes a parent scenario's event, and no parent "
             "has one of this id",
             mid);
    /* the child removes it again */
    snprintf(text, sizeof text, "extends: %s\nevents:\n  cn-control: ~\n", mid);
    parse_err(text, want);
    /* the child gives the id anew */
    snprintf(text, sizeof text,
             "extends: %s\nevents:\n  cn-control: {country: CN, minerals: [lithium], "
             "rate_per_year: 0.1, severity: 0.5, duration_months: 6}\n",
             mid);
    parse_err(text, want);
    /* the middle file alone */
    snprintf(text, sizeof text, "extends: %s\n", mid);
    parse_err(text, want);
    remove(mid);
    rmdir(dir);
}

/* below the top level, null keeps its meaning (an optional key not
   given): a mineral's refining stage, not an id */
static void null_elsewhere_unchanged(void **state)
{
    (void)state;
    mr_scenario sc;
    parse_ok("extends: parents/base.yaml\nminerals: {gallium: {refining: ~}}\n", &sc);
    assert_int_equal(sc.nminerals, 2);
    assert_int_equal(sc.minerals[0].stage[MR_STAGE_REFINING].n, 0);
    mr_scenario_free(&sc);
}

int main(void)
{
    if (chdir(MINRISK_SOURCE_DIR) != 0) { /* set by tests/CMakeLists.txt */
        fprintf(stderr, "unit_sim_scenario_extends_remove: cannot enter %s\n", MINRISK_SOURCE_DIR);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(event_removed),
        cmocka_unit_test(country_removed_and_added),
        cmocka_unit_test(mineral_removed),
        cmocka_unit_test(removed_id_still_named),
        cmocka_unit_test(no_such_id),
        cmocka_unit_test(no_such_id_in_middle_file),
        cmocka_unit_test(null_elsewhere_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
