/* summary.c - `minrisk summary FILE.h5`: the risk tables of a finished run,
 * sweep or comparison, or an uncertainty study's tables (out/tables/summary.c). */
#include "sim/cmd/cli.h"
#include "out/tables/summary.h"

#include <stdbool.h>
#include <stdio.h>

static const char *const usage_summary =
    "usage: minrisk summary [--brief] FILE.h5\n"
    "\n"
    "Print the risk tables of a finished run: per sector and in total, mean loss,\n"
    "VaR 95/99/99.5, ES 99, average annual loss, 1-in-100 and 1-in-200 annual loss;\n"
    "per mineral the shortage figures; the static indicators, of world\n"
    "production and of UK sourcing side by side; and the tail\n"
    "attribution (/attribution: the sources of each sector's ES 99, and with\n"
    "run --counterfactual the risk each source removes). For a sweep file, the\n"
    "table of variants and each variant's UK sourcing top shares; for a\n"
    "comparison file (minrisk compare), the table compare printed (the paired\n"
    "differences, the policy costs) and the UK sourcing of every run side by\n"
    "side; for an uncertainty study (minrisk uncertainty), the ranked Sobol\n"
    "indices and the predictive distribution against the base. All money in\n"
    "GBP m.\n"
    "\n"
    "options:\n"
    "  -b, --brief   a run file's header and headline loss table only (other\n"
    "                files: in full)\n"
    "  -h, --help    this help\n"
    "\n"
    "example:\n"
    "  minrisk run scenarios/demo.yaml -o demo.h5 --trials 1000 --quiet\n"
    "  minrisk summary demo.h5\n";

mr_status mr_cmd_summary(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"brief", no_argument, NULL, 'b'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *file = NULL;
    bool brief = false;
    mr_cli_opts p;
    mr_cli_opts_init(&p, "summary", usage_summary, "b", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        if (c == 'b') {
            brief = true;
            continue;
        }
        if (file)
            return mr_cli_usage_error("summary", "unexpected argument '%s'", v);
        file = v;
    }
    if (p.stop)
        return p.status;
    if (!file)
        return mr_cli_usage_error("summary", "%s", "missing FILE.h5");
    mr_error err = {{0}};
    int rc = mr_summary_print_brief(file, stdout, brief, &err);
    if (rc) {
        fprintf(stderr, "%s\n", err.msg);
        return rc == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
    }
    return MR_OK;
}
