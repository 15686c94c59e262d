/* main.c - the minrisk command line (INTERFACE.md): the usage, --help,
 * --version and the table of commands (one file each under sim/cmd/). A
 * command returns an mr_status; exit_code below is the one place that turns
 * it into the exit status users see. */
#include "sim/cmd/cli.h"
#include "models/units.h"

#include <hdf5.h>
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#ifdef MINRISK_HAVE_MPI
#include <mpi.h>
#endif

static const char *const usage_main =
    "usage: minrisk COMMAND [ARGS]\n"
    "\n"
    "Monte Carlo simulation of critical-mineral supply disruptions.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.yaml [-o FILE.h5] [--trials N] [--seed S] [--threads T] [--quiet]\n"
    "                      simulate and write loss distributions to HDF5\n"
    "  validate SCENARIO.yaml\n"
    "                      check a scenario; print the resolved model and its\n"
    "                      static indicators\n"
    "  summary FILE.h5     print the risk tables of a finished run\n"
    "  compare A.yaml B.yaml [-o FILE.h5] [--trials N] [--seed S] [--bootstrap B]\n"
    "                      run two scenarios on common random numbers; the change\n"
    "                      B - A in mean loss, VaR, ES and 1-in-100 annual loss\n"
    "                      with 95% intervals, per sector and in total\n"
    "  explain FILE.h5 [--trial K] [--sector ID] [--all-steps] [--run GROUP]\n"
    "                      replay one trial (default: the worst) and tell what\n"
    "                      happened month by month; checks the replay against the\n"
    "                      stored results bit for bit\n"
    "  report FILE.h5 [-o DIR] [--quiet]\n"
    "                      one-page HTML report with figures (PNG and SVG) of a\n"
    "                      run, comparison or sweep file; needs no network to view\n"
    "  export FILE.h5 --csv DIR [--trials] [--run GROUP]\n"
    "                      the file's tables as CSV files with units in the column\n"
    "                      names, for spreadsheets (docs/EXPORT.md)\n"
    "  uncertainty SCENARIO.yaml [-o FILE.h5] [--rows N] [--block-trials L]\n"
    "                      the uncertainty of the scenario's assumptions (its\n"
    "                      uncertain: block): predictive distribution and Sobol\n"
    "                      indices per key with bootstrap intervals\n"
    "  bench [--minerals N] [--countries N] [--sectors N] [--years N] [--density D]\n"
    "        [--trials N] [--threads LIST] [--reps R] [--json FILE] [--seed S]\n"
    "                      benchmark this machine on a built-in synthetic scenario:\n"
    "                      trials/s, ns per trial-step, run / RNG floor and parallel\n"
    "                      efficiency over a thread sweep (bench/RESULTS.md)\n"
    "\n"
    "options:\n"
    "  -h, --help          this text (also: minrisk COMMAND --help)\n"
    "  --version           version and build\n"
    "\n"
    "Exit status: 0 success; 1 failure; 2 bad usage or input; 75 run stopped\n"
    "with a checkpoint; 130 interrupted. The manual: man minrisk.\n"
    "\n"
    "example:\n"
    "  minrisk run scenarios/demo.yaml -o demo.h5 && minrisk summary demo.h5\n";

/* The commands; main runs the one named by argv[1] with the arguments after it. */
static const struct {
    const char *name;
    mr_status (*run)(int argc, char **argv);
    bool mpi;              /* MPI build: between MPI_Init_thread and MPI_Finalize */
    void (*signals)(void); /* signal handlers to install first (before MPI_Init:
                              a signal in start-up must not kill a rank); or NULL */
} commands[] = {
    {"run", mr_cmd_run, true, mr_cmd_run_signals},                         /* run.c */
    {"validate", mr_cmd_validate, false, NULL},                            /* validate.c */
    {"summary", mr_cmd_summary, false, NULL},                              /* summary.c */
    {"compare", mr_cmd_compare, false, NULL},                              /* compare.c */
    {"explain", mr_cmd_explain, false, NULL},                              /* explain.c */
    {"report", mr_cmd_report, false, NULL},                                /* report.c */
    {"export", mr_cmd_export, false, NULL},                                /* export.c */
    {"uncertainty", mr_cmd_uncertainty, true, mr_cmd_uncertainty_signals}, /* uncertainty.c */
    {"bench", mr_cmd_bench, false, mr_cmd_bench_signals},                  /* bench.c */
};

/* The exit status of a command's outcome (usage_main, docs/minrisk.1): 0
   success; 1 failure; 2 bad usage or input; 75 stopped with a checkpoint
   (EX_TEMPFAIL of sysexits.h: run again with --resume); 130 interrupted. */
static int exit_code(mr_status status)
{
    switch (status) {
    case MR_OK:
        return 0;
    case MR_BAD_INPUT:
        return 2;
    case MR_CHECKPOINTED:
        return 75;
    case MR_INTERRUPTED:
        return MR_CLI_INTERRUPTED_EXIT;
    case MR_FAILED:
    case MR_PAUSED: /* never the outcome of a command */
        break;
    }
    return 1;
}

/* --version: the version and the build (MPI or serial, HDF5, the generator). */
static void print_version(void)
{
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
#ifdef MINRISK_HAVE_MPI
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(lib, &len);
    char *nl = strchr(lib, ',');
    if (nl)
        *nl = '\0';
    printf("minrisk %s (MPI build: %s + OpenMP, parallel HDF5 %u.%u.%u, Philox4x32-10)\n",
           MINRISK_VERSION, lib, maj, min, rel);
#else
    printf("minrisk %s (serial build: OpenMP, HDF5 %u.%u.%u, Philox4x32-10)\n", MINRISK_VERSION,
           maj, min, rel);
#endif
}

int main(int argc, char **argv)
{
    /* Before any other HDF5 call: HDF5 1.10's exit handler can crash on a
       file left half-closed by a failed write (HDFFV-11052). */
    H5dont_atexit();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return exit_code(MR_BAD_INPUT);
    }
    const char *cmd = argv[1];
    if (mr_cli_is_help(cmd)) {
        fputs(usage_main, stdout);
        return exit_code(MR_OK);
    }
    if (!strcmp(cmd, "--version")) {
        print_version();
        return exit_code(MR_OK);
    }
    size_t c = 0, ncommands = sizeof commands / sizeof commands[0];
    while (c < ncommands && strcmp(cmd, commands[c].name))
        c++;
    if (c == ncommands)
        return exit_code(mr_cli_usage_error(NULL, "unknown command '%s'", cmd));
    /* OMP_NUM_THREADS as --threads is bounded (libgomp crashes on 100,000) */
    if (omp_get_max_threads() > MR_MAX_THREADS) {
        fprintf(stderr, "minrisk %s: OMP_NUM_THREADS asks for %d threads, above the limit of %d\n",
                cmd, omp_get_max_threads(), MR_MAX_THREADS);
        return exit_code(MR_BAD_INPUT);
    }
    if (commands[c].signals)
        commands[c].signals();
#ifdef MINRISK_HAVE_MPI
    /* Only the main thread calls MPI (OpenMP threads never do). */
    if (commands[c].mpi) {
        int provided;
        MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    }
#endif
    mr_status status = commands[c].run(argc - 2, argv + 2);
#ifdef MINRISK_HAVE_MPI
    if (commands[c].mpi)
        MPI_Finalize();
#endif
    /* Release HDF5's memory after a clean run (see H5dont_atexit above). */
    if (status == MR_OK)
        H5close();
    return exit_code(status);
}
