/* file_identities.c - mr_scenario_load keeps the (device, inode) of the
 * scenario and of every file of its `extends` chain (sc->files), by which
 * `run` refuses an output that is one of them (issue 11 case 2); a scenario
 * parsed from a buffer has none.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/scenario/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void assert_is(const mr_file_id *id, const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(id->dev == (uint64_t)st.st_dev);
    assert_true(id->ino == (uint64_t)st.st_ino);
}

static void test_the_chain_is_identified(void **state)
{
    (void)state;
    char dir[] = "/tmp/minrisk-ids-XXXXXX", base[64], child[64];
    assert_non_null(mkdtemp(dir));
    snprintf(base, sizeof base, "%s/base.yaml", dir);
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    write_file(base, "name: base\n"
                     "simulation: {horizon_years: 1}\n"
                     "countries: {AA: {}}\n"
                     "minerals:\n"
                     "  x: {demand_t: 1, mining: [{country: AA, share: 1}], price: {ref: 1}}\n"
                     "sectors: {s: {output_gbp: 1, needs: []}}\n");
    write_file(child, "extends: base.yaml\nname: child\n");
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_scenario_load(child, &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.nfiles, 2);
    assert_is(&sc.files[0], child);
    assert_is(&sc.files[1], base);
    mr_scenario_free(&sc);

    /* from a buffer: only the parents read from disk */
    const char *text = "extends: base.yaml\nname: child\n";
    if (mr_scenario_parse(child, text, strlen(text), &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.nfiles, 1);
    assert_is(&sc.files[0], base);
    mr_scenario_free(&sc);
    unlink(child);
    unlink(base);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_chain_is_identified),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
