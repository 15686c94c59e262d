/* export.c - `minrisk export FILE.h5 --csv DIR`: a result file's tables
 * as CSV for spreadsheet users (out/export/; docs/EXPORT.md). */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include "sim/cmd/cli.h"
#include "out/export/export.h"
#include "sim/cmd/outpath.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const usage_export =
    "usage: minrisk export FILE.h5 --csv DIR [--trials] [--run GROUP] [--quiet]\n"
    "\n"
    "Write the tables of a result file as CSV files into DIR (made when missing),\n"
    "each with a header row whose column names carry their unit (_gbp_m,\n"
    "_fraction, _ratio, _months, _years, _index; money in GBP m, as printed;\n"
    "an HHI 0..1, where summary prints it x10^4):\n"
    "summary_loss.csv (mean, sd, se, quantiles with their confidence intervals,\n"
    "expected shortfall, AAL per sector and in total), return_periods.csv,\n"
    "histogram.csv, minerals.csv, sectors.csv, inoperability_bands.csv,\n"
    "price_bands.csv, indicators.csv, indicators_uk.csv (UK sourcing beside the\n"
    "world), info.csv, exceedance.csv (AEP and OEP with intervals, a run with\n"
    "--events), and the study tables the file holds (attribution, difference,\n"
    "sweep). Numbers are written with 17 significant digits (they read back\n"
    "exactly); an empty cell is NaN (not enough trials for the statistic, or no\n"
    "stockpile).\n"
    "docs/EXPORT.md lists every column.\n"
    "\n"
    "  --csv DIR           the directory to write into\n"
    "  --trials            also the per-trial tables: trials.csv, annual_loss.csv,\n"
    "                      mineral_trials.csv, the long year_loss.csv (trial,\n"
    "                      year, sector, loss_gbp_m) and, when the file has\n"
    "                      /events, events_*.csv and the long event_loss.csv\n"
    "                      (event, trial, sector, loss_gbp_m); as large as the\n"
    "                      file's /trials\n"
    "  --run GROUP         of a comparison or sweep file, only the run in GROUP\n"
    "                      (e.g. runs/a, variants/months_6__diversification_cap_0.60),\n"
    "                      into DIR; without it every run goes into DIR/GROUP and\n"
    "                      the comparison's or sweep's own tables into DIR\n"
    "  -q, --quiet         no line saying what was written\n"
    "\n"
    "Each file is written as DIR/.NAME.tmp; all are renamed when complete; the lock\n"
    "DIR.lock keeps a second export out of DIR meanwhile (exit status 1). Other\n"
    "files in DIR are left alone: CSVs there that this export did not write (an\n"
    "earlier export's, which may be of another run) are named in a warning, also\n"
    "with -q.\n"
    "\n"
    "example:\n"
    "  minrisk run scenarios/demo.yaml -o demo.h5 --trials 1000 --quiet\n"
    "  minrisk export demo.h5 --csv demo-csv --trials\n";

/* A handler cannot return a status: it removes the partial file and what
   the export made (mr_export_remove_partial), lets go of the lock and exits
   at once with MR_INTERRUPTED's exit status. */
static void on_signal(int sig)
{
    (void)sig;
    mr_export_remove_partial();
    mr_outpath_release_in_handler();
    _exit(MR_CLI_INTERRUPTED_EXIT);
}

/* The stop signals (out/stopsig.h: SIGINT, SIGTERM, SIGHUP, SIGQUIT,
   SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU; until 2026-12-06 the last five
   killed it, leaving DIR.lock and DIR/.NAME.tmp), as Ctrl-C: nothing
   left; SIGPIPE deferred (mr_cli_defer_sigpipe). */
void mr_cmd_export_signals(void)
{
    mr_cli_catch_signals(on_signal);
    mr_cli_defer_sigpipe();
}

mr_status mr_cmd_export(int argc, char **argv)
{
    enum { CSV = MR_CLI_LONG, TRIALS, RUN };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},      {"csv", required_argument, NULL, CSV},
        {"trials", no_argument, NULL, TRIALS}, {"run", required_argument, NULL, RUN},
        {"quiet", no_argument, NULL, 'q'},     {NULL, 0, NULL, 0}};
    const char *file = NULL, *dir = NULL;
    mr_export_opts o = {false, NULL};
    int quiet = 0;
    mr_cli_opts p;
    mr_cli_opts_init(&p, "export", usage_export, "q", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        switch (c) {
        case CSV:
            dir = v;
            break;
        case RUN:
            o.run = v;
            break;
        case TRIALS:
            o.trials = true;
            break;
        case 'q':
            quiet = 1;
            break;
        default: /* MR_CLI_ARG */
            if (file)
                return mr_cli_usage_error("export", "unexpected argument '%s'", v);
            file = v;
        }
    }
    if (p.stop)
        return p.status;
    if (!file)
        return mr_cli_usage_error("export", "%s", "missing FILE.h5");
    if (!dir)
        return mr_cli_usage_error("export", "%s", "missing --csv DIR");
    if (!dir[0])
        return mr_cli_usage_error("export", "%s", "--csv: the directory name is empty");
    if (o.run && !o.run[0]) /* as explain --run: until 2026-12-07 taken as no --run */
        return mr_cli_usage_error("export", "%s", "--run: the group name is empty");

    mr_error err = {{0}};
    size_t n = 0;
    /* one export at a time into DIR: another's clean-up of its stale
       temporaries and its renames would mix the two exports' tables */
    int rc = mr_outpath_lock_dir(dir, "export", "--csv", &err);
    if (rc == MR_OK)
        rc = mr_export_csv(file, dir, &o, &n, &err);
    mr_outpath_release();
    if (rc != MR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return rc == MR_BAD_INPUT ? MR_BAD_INPUT : MR_FAILED;
    }
    if (!quiet)
        fprintf(stderr, "minrisk export: wrote %zu CSV file%s to %s\n", n, n == 1 ? "" : "s", dir);
    return MR_OK;
}
