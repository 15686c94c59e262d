/* validate.c - `minrisk validate SCENARIO.yaml`: check a scenario (every
 * variant of a sweep) and print it resolved, with its static indicators as
 * YAML comments; `--schema`: every scenario key as docs/SCENARIOS.md's table.
 */
#include "sim/cmd/cli.h"
#include "models/indicators.h"
#include "out/scenario_yaml.h"
#include "sim/scenario/loader.h"
#include "sim/studies/sweep.h"
#include "sim/studies/uncertainty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const usage_validate =
    "usage: minrisk validate SCENARIO.yaml\n"
    "       minrisk validate --schema\n"
    "       minrisk validate --json-schema\n"
    "\n"
    "Parse and check a scenario; print the resolved model (every default filled\n"
    "in, policies applied) as YAML, then the static indicators of its supply\n"
    "(HHI, governance-weighted HHI, top country and share, flagged above the\n"
    "diversification cap; MODEL section 11) as a table in YAML comments, so\n"
    "the output is itself a valid scenario (a sweep or uncertain block as a\n"
    "comment line: the base scenario). Every error found is printed (the\n"
    "first 20 in file order, then how many more), each one line:\n"
    "file:line:col: key.path: message; the check goes on after an error where\n"
    "that is safe (each key, country, mineral, sector, event and section) and\n"
    "leaves out what depends on a part that failed. A scenario that loads but\n"
    "can give no shortage loss (only price noise's extra cost) is flagged with\n"
    "warnings on stderr (exit 0): governance scores without defaults.wgi_rate,\n"
    "no disruption with a positive rate and no certain occurrence, a sector\n"
    "with no needs, a mineral no need uses. A scenario with a sweep has every\n"
    "variant checked, and a scenario with an uncertain block the extreme values\n"
    "of each key. Only regular files of at most 16 MiB are read, and counts,\n"
    "rates and nesting have limits (docs/SCENARIO_FORMAT.md, Limits).\n"
    "\n"
    "  --schema            print every scenario key (type, unit, default, range,\n"
    "                      meaning) as the Markdown table of docs/SCENARIOS.md\n"
    "  --json-schema       print the same table as a JSON Schema (draft 7) for\n"
    "                      editors and validators (docs/SCENARIO_FORMAT.md)\n"
    "\n"
    "example:\n"
    "  minrisk validate scenarios/demo.yaml\n"
    "  minrisk validate --schema\n"
    "  minrisk validate --json-schema > minrisk.schema.json\n";

/* errors printed at most; then "... and N more errors" */
#define VALIDATE_ERRORS_MAX 20

mr_status mr_cmd_validate(int argc, char **argv)
{
    enum { SCHEMA = MR_CLI_LONG, JSON_SCHEMA };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"schema", no_argument, NULL, SCHEMA},
                                             {"json-schema", no_argument, NULL, JSON_SCHEMA},
                                             {NULL, 0, NULL, 0}};
    const char *scenario = NULL;
    int schema = 0;
    mr_cli_opts p;
    mr_cli_opts_init(&p, "validate", usage_validate, "", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        switch (c) {
        case SCHEMA:
        case JSON_SCHEMA: /* one of the two (until 2026-12-07 the last given won) */
            if (schema && schema != (c == SCHEMA ? 1 : 2))
                return mr_cli_usage_error("validate", "%s",
                                          "--schema and --json-schema contradict each other");
            schema = c == SCHEMA ? 1 : 2;
            break;
        default: /* MR_CLI_ARG */
            if (scenario)
                return mr_cli_usage_error("validate", "unexpected argument '%s'", v);
            scenario = v;
        }
    }
    if (p.stop)
        return p.status;
    if (schema) { /* docs/SCENARIOS.md's table, or the JSON Schema */
        if (scenario)
            return mr_cli_usage_error("validate",
                                      schema == 1 ? "--schema takes no scenario, got '%s'"
                                                  : "--json-schema takes no scenario, got '%s'",
                                      scenario);
        if (schema == 1)
            mr_scenario_schema_print(stdout);
        else
            mr_scenario_json_schema_print(stdout);
        return MR_OK;
    }
    if (!scenario)
        return mr_cli_usage_error("validate", "%s", "missing SCENARIO.yaml");
    mr_scenario sc;
    mr_error err = {{0}};
    mr_errors errs;
    int lrc = mr_scenario_load_all(scenario, &sc, &errs, VALIDATE_ERRORS_MAX);
    if (lrc) {
        for (int k = 0; k < errs.n; k++)
            fprintf(stderr, "%s\n", errs.e[k].msg);
        if (errs.more)
            fprintf(stderr, "%s: ... and %s%d more error%s\n", scenario,
                    errs.capped ? "at least " : "", errs.more, errs.more == 1 ? "" : "s");
        if (!errs.n)
            fprintf(stderr, "%s: out of memory\n", scenario);
        mr_errors_free(&errs);
        return lrc == MR_FAILED ? MR_FAILED : MR_BAD_INPUT; /* out of memory: exit 1 */
    }
    /* every variant must load, and every value an uncertain key can take */
    mr_status check = sc.nsweep > 0 ? mr_sweep_check(&sc, &err) : MR_OK;
    if (check == MR_OK && sc.nuncertain > 0)
        check = mr_uncertainty_check(&sc, &err);
    if (check != MR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        mr_scenario_free(&sc);
        return check == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
    }
    /* warnings: the scenario loads but may give no loss (exit 0) */
    for (int k = 0; k < sc.nwarnings; k++)
        fprintf(stderr, "warning: %s\n", sc.warnings[k]);
    char *yaml = mr_scenario_resolved_yaml(&sc);
    mr_indicators ind;
    mr_status status = MR_OK;
    if (yaml && mr_indicators_compute(&sc, &ind) == 0) {
        fputs(yaml, stdout);
        /* the indicators as YAML comments: the output still loads */
        fputs("\n", stdout);
        if (mr_indicators_print(&sc, &ind, "# ", stdout)) {
            fprintf(stderr, "%s: out of memory\n", scenario);
            status = MR_FAILED;
        }
        mr_indicators_free(&ind);
    } else {
        fprintf(stderr, "%s: out of memory\n", scenario);
        status = MR_FAILED;
    }
    free(yaml);
    mr_scenario_free(&sc);
    return status;
}
