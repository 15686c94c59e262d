/* fuzz_loader.c - libFuzzer target for the scenario loader (docs/FUZZING.md):
 * the input is the bytes of a scenario file. It goes through what
 * `minrisk validate` and `minrisk run` do before the simulation: parse,
 * check every sweep variant, print the resolved scenario and its
 * indicators, compile the model. Besides the sanitizers' findings, the
 * target aborts on a broken contract:
 *   - a rejected scenario must say why in one non-empty line with no
 *     control character (the user's terminal shows it as it is);
 *   - the resolved scenario `validate` prints must load again (its --help
 *     promises that the output is itself a valid scenario).
 * `extends:` is resolved against the current directory: the target works in
 * a temporary directory holding one parent, parent.yaml (a copy of
 * tests/fuzz/parent.yaml), so a fuzzed input reaches that parent, or those
 * of the bundle form (sim/scenario/loader.h), and nothing of the tree it was
 * started in. Give it absolute paths (corpus, -dict, -artifact_prefix).
 */
#define _POSIX_C_SOURCE 200809L

#include "models/indicators.h"
#include "out/scenario_yaml.h"
#include "sim/model.h"
#include "sim/scenario/loader.h"
#include "sim/studies/sweep.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* MINRISK_FUZZ_PARENT: tests/fuzz/parent.yaml (tests/fuzz/CMakeLists.txt),
   copied into the target's folder as the parent `extends: parent.yaml`
   finds: small and valid, so that a child's overrides are checked against a
   full scenario. */
#ifndef MINRISK_FUZZ_PARENT
#error "MINRISK_FUZZ_PARENT: the path of tests/fuzz/parent.yaml"
#endif

static FILE *devnull; /* where the indicators are printed */

/* Stop the run with the reason on stderr; libFuzzer keeps the input. */
static void fail(const char *what, const char *msg)
{
    fprintf(stderr, "fuzz_loader: %s: [%s]\n", what, msg);
    abort();
}

/* The one-line contract of an mr_error (models/status.h). */
static void check_message(const char *what, const mr_error *err)
{
    size_t n = strnlen(err->msg, sizeof err->msg);
    if (n == sizeof err->msg)
        fail(what, "message not NUL-terminated");
    if (n == 0)
        fail(what, "empty message");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)err->msg[i];
        if (c < 0x20 || c == 0x7f)
            fail(what, "control character in the message (escape it, issue 11 case 6)");
    }
}

/* Copy the parent into the current directory. */
static int copy_parent(void)
{
    char buf[4096];
    FILE *in = fopen(MINRISK_FUZZ_PARENT, "rb"), *out = fopen("parent.yaml", "wb");
    size_t n;
    int ok = in && out;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    ok = ok && !ferror(in);
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/minrisk-fuzz-loader.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0 || copy_parent() != 0 ||
        !(devnull = fopen("/dev/null", "w"))) {
        perror("fuzz_loader: temporary directory with " MINRISK_FUZZ_PARENT);
        exit(1);
    }
    return 0;
}

/* What validate does with a scenario that parsed (sim/cmd/validate.c), and
   the resolved text loaded again. */
static void validate_parsed(const mr_scenario *sc)
{
    mr_error err = {{0}};
    if (sc->nsweep > 0 && mr_sweep_check(sc, &err) != MR_OK)
        check_message("sweep variant", &err);
    char *yaml = mr_scenario_resolved_yaml(sc);
    if (yaml) {
        mr_scenario again;
        if (mr_scenario_parse("resolved.yaml", yaml, strlen(yaml), &again, &err) != 0)
            fail("the resolved scenario does not load", err.msg);
        mr_scenario_free(&again);
    }
    free(yaml);
    mr_indicators ind;
    if (mr_indicators_compute(sc, &ind) == 0) {
        mr_indicators_print(sc, &ind, "# ", devnull);
        mr_indicators_free(&ind);
    }
}

/* What run does before the simulation: compile the model. */
static void build_model(const mr_scenario *sc)
{
    mr_model md;
    mr_error err = {{0}};
    if (mr_model_build(sc, &md, &err) != MR_OK) {
        check_message("model", &err);
        return;
    }
    mr_model_free(&md);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_scenario_parse("fuzz.yaml", (const char *)data, size, &sc, &err) != 0) {
        check_message("parse", &err);
        return 0;
    }
    validate_parsed(&sc);
    if (sc.nsweep == 0)
        build_model(&sc);
    mr_scenario_free(&sc);
    return 0;
}
