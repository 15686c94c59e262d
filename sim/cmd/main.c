/* main.c - the minrisk command line (INTERFACE.md): the usage, --help,
 * --version and the table of commands (one file each under sim/cmd/). A
 * command returns an mr_status; exit_code below is the one place that turns
 * it into the exit status users see. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "sim/cmd/cli.h"
#include "models/libm_path.h"
#include "models/units.h"
#include "out/h5/pieces.h"
#include "out/stopsig.h"

#include <errno.h>
#include <hdf5.h>
#include <limits.h>
#include <omp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    "  validate SCENARIO.yaml | --schema | --json-schema\n"
    "                      check a scenario (every error, and warnings of a\n"
    "                      scenario that can give no shortage loss); print the\n"
    "                      resolved model and its static indicators\n"
    "  init [--minerals LIST] [--sectors LIST] [--force] FILE.yaml\n"
    "                      write a commented starting scenario that validates\n"
    "                      and runs; every invented figure marked to replace\n"
    "  summary [--brief] FILE.h5\n"
    "                      print the risk tables of a finished run, comparison,\n"
    "                      sweep or uncertainty study\n"
    "  compare A.yaml B.yaml [C.yaml ...] [-o FILE.h5] [--trials N] [--seed S]\n"
    "          [--bootstrap B]\n"
    "                      run two or more scenarios on common random numbers; the\n"
    "                      change B - A (C - A, ...) in mean loss, VaR, ES and\n"
    "                      1-in-100 annual loss with 95% intervals, per sector and\n"
    "                      in total\n"
    "  explain FILE.h5 [--trial K] [--sector ID] [--all-steps] [--run GROUP]\n"
    "                      replay one trial (default: the worst) and tell what\n"
    "                      happened month by month; checks the replay against the\n"
    "                      stored results bit for bit\n"
    "  report FILE.h5 [-o DIR] [--quiet]\n"
    "                      one-page HTML report with figures (PNG and SVG) of a\n"
    "                      run, comparison, sweep or uncertainty file; needs no\n"
    "                      network to view\n"
    "  export FILE.h5 --csv DIR [--trials] [--run GROUP] [--quiet]\n"
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
    "The commands above show their main options; minrisk COMMAND --help lists\n"
    "every option of COMMAND.\n"
    "\n"
    "Options take a value as --opt VALUE or --opt=VALUE, a long option may be\n"
    "shortened to a unique prefix, short options bundle (-qo FILE.h5 is -q -o\n"
    "FILE.h5), options and arguments come in any order, and -- ends the options\n"
    "(for a file whose name starts with -).\n"
    "\n"
    "Exit status: 0 success; 1 failure; 2 bad usage or input; 75 run stopped\n"
    "with a checkpoint; 130 interrupted. The manual: man minrisk.\n";

/* after usage_main's first part: where the example scenarios are */
static const char *const usage_example =
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
    {"init", mr_cmd_init, false, mr_cmd_init_signals},                     /* init.c */
    {"summary", mr_cmd_summary, false, NULL},                              /* summary.c */
    {"compare", mr_cmd_compare, false, mr_cmd_compare_signals},            /* compare.c */
    {"explain", mr_cmd_explain, false, NULL},                              /* explain.c */
    {"report", mr_cmd_report, false, mr_cmd_report_signals},               /* report.c */
    {"export", mr_cmd_export, false, mr_cmd_export_signals},               /* export.c */
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

/* The example scenarios: installed with the binary
   (<bindir>/../share/minrisk/scenarios), else, run from its build tree, the
   source tree's; NULL when neither is there. */
static const char *scenarios_dir(char *buf, size_t len)
{
    char exe[PATH_MAX], path[PATH_MAX + 64];
    if (mr_cli_exe_dir(exe, sizeof exe) == 0) {
        snprintf(path, sizeof path, "%s/../share/minrisk/scenarios", exe);
        if (len >= PATH_MAX && realpath(path, buf) && !access(buf, R_OK | X_OK))
            return buf;
    }
    const char *src = mr_cli_source_dir();
    if (src[0]) {
        snprintf(buf, len, "%s/scenarios", src);
        if (!access(buf, R_OK | X_OK))
            return buf;
    }
    return NULL;
}

/* minrisk --help: usage_main, the example scenarios' directory, the example */
static void print_usage(FILE *out)
{
    char buf[PATH_MAX];
    const char *dir = scenarios_dir(buf, sizeof buf);
    fputs(usage_main, out);
    if (dir)
        fprintf(out, "\nExample scenarios: %s (demo.yaml, uk-2024.yaml, ...).\n", dir);
    fputs(usage_example, out);
}

#ifdef MINRISK_HAVE_MPI
extern char **environ;

/* Whether a launcher (mpiexec, srun, ...) started this process: a variable
   of Open MPI's launch (OMPI_COMM_WORLD_*), of PMIx (PMIX_*) or of PMI-1/2
   (PMI_*) is set. Without one, MPI_Init would make a one-rank "singleton",
   for which Open MPI 4 forks a daemon (orted) and talks PMIx with it, for
   MPI_Comm_spawn, which minrisk never calls: 0.1-0.15 s a command, a zombie
   orted, and once (CI, 2026-12-07) a crash in that PMIx thread
   (pmix_ptl_base_process_msg). One rank without MPI computes the same file
   (the tests compare the two builds). A variable of these prefixes set for
   another reason (PMIX_MCA_*, say) only keeps MPI_Init, as before. */
static bool launched(void)
{
    static const char *const prefixes[] = {"OMPI_COMM_WORLD_", "PMIX_", "PMI_"};
    for (char **e = environ; *e; e++)
        for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
            if (!strncmp(*e, prefixes[k], strlen(prefixes[k])))
                return true;
    return false;
}
#endif

/* --version: the version and the build (MPI or serial, HDF5, the generator,
   and the fingerprint of the code path exp, log, pow take on this CPU:
   models/libm_path.h). */
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
    printf("minrisk %s (MPI build: %s + OpenMP, parallel HDF5 %u.%u.%u, Philox4x32-10, libm "
           "path %016llx)\n",
           MINRISK_VERSION, lib, maj, min, rel, (unsigned long long)mr_libm_fingerprint());
#else
    printf("minrisk %s (serial build: OpenMP, HDF5 %u.%u.%u, Philox4x32-10, libm path %016llx)\n",
           MINRISK_VERSION, maj, min, rel, (unsigned long long)mr_libm_fingerprint());
#endif
}

/* The command's index in argv (main's options before it: --help, --version,
   --); 0 when main's options settle it (*status then the outcome). */
static int find_command(int argc, char **argv, mr_status *status)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
    mr_cli_opts p;
    mr_cli_opts_init(&p, NULL, NULL, "", longopts, argc, argv);
    const char *v;
    int c = mr_cli_next(&p, &v);
    *status = MR_OK;
    switch (c) {
    case 'h':
        print_usage(stdout);
        return 0;
    case 'V':
        if (argc > 2) { /* `minrisk --version run`: the extra word was ignored */
            *status = mr_cli_usage_error(NULL, "--version takes no argument, got '%s'", argv[2]);
            return 0;
        }
        print_version();
        return 0;
    case MR_CLI_ARG: /* the command */
        return p.last;
    default: /* the end, or bad usage (the line is printed) */
        if (!p.stop)
            print_usage(stderr);
        break;
    }
    *status = MR_BAD_INPUT;
    return 0;
}

/* A command that succeeded but whose standard output could not be written
   (a full disk, a closed pipe's EPIPE when SIGPIPE is ignored, /dev/full)
   fails with one line, as coreutils' close_stdout does: a table or a
   listing lost without a word would look like a success. A command that
   failed has said why already. */
static mr_status check_stdout(const char *cmd, mr_status status)
{
    int e = fflush(stdout) ? errno : ferror(stdout) ? EIO : mr_cli_stdout_lost() ? EPIPE : 0;
    if (!e || status != MR_OK)
        return status;
    fprintf(stderr, "minrisk%s%s: cannot write to standard output: %s\n", cmd ? " " : "",
            cmd ? cmd : "", strerror(e));
    return MR_FAILED;
}

int main(int argc, char **argv)
{
    /* Before any other HDF5 call: HDF5 1.10's exit handler can crash on a
       file left half-closed by a failed write (HDFFV-11052). */
    H5dont_atexit();
    /* A file-size limit (ulimit -f, which a cluster may set for every job)
       met by a write sends SIGXFSZ, whose default action kills the process:
       a run would lose its trials without a checkpoint or a word, an export
       would leave some CSVs and its temporary. Ignored, the write fails with
       EFBIG and the failure path runs: one line, exit 1, nothing partial
       (tests/hardening/output_file_size_limit.sh). */
    signal(SIGXFSZ, SIG_IGN);
    mr_status status;
    int at = find_command(argc, argv, &status);
    if (!at)
        return exit_code(check_stdout(NULL, status));
    const char *cmd = argv[at];
    size_t c = 0, ncommands = sizeof commands / sizeof commands[0];
    while (c < ncommands && strcmp(cmd, commands[c].name))
        c++;
    if (c == ncommands) {
        const char *near = mr_cli_nearest(cmd, commands, ncommands, sizeof commands[0]);
        if (near) {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown command '%.100s'; did you mean %s?", cmd, near);
            return exit_code(mr_cli_usage_error(NULL, "%s", msg));
        }
        return exit_code(mr_cli_usage_error(NULL, "unknown command '%s'", cmd));
    }
    /* OMP_NUM_THREADS as --threads is bounded (libgomp crashes on 100,000) */
    if (omp_get_max_threads() > MR_MAX_THREADS) {
        fprintf(stderr, "minrisk %s: OMP_NUM_THREADS asks for %d threads, above the limit of %d\n",
                cmd, omp_get_max_threads(), MR_MAX_THREADS);
        return exit_code(MR_BAD_INPUT);
    }
    /* the test hook of the HDF5 transfers' piece size (out/h5/pieces.h) */
    uint64_t piece;
    if (mr_h5_piece_bytes(&piece) != 0) {
        fprintf(stderr,
                "minrisk %s: %s must be a number of bytes from 1 to %llu (digits, no leading "
                "zero), got '%.64s'\n",
                cmd, MR_H5_PIECE_ENV, (unsigned long long)MR_H5_PIECE_BYTES,
                getenv(MR_H5_PIECE_ENV));
        return exit_code(MR_BAD_INPUT);
    }
    if (commands[c].signals)
        commands[c].signals();
#ifdef MINRISK_HAVE_MPI
    /* Only the main thread calls MPI (OpenMP threads never do). Without a
       launcher the process runs as the serial build does (mr_comm_world
       then has no MPI): see launched(). */
    const bool mpi = commands[c].mpi && launched();
    if (mpi) {
        int provided;
        /* Open MPI starts threads of its own in MPI_Init (2 progress
           threads, SigBlk 0 in /proc): made with the stop signals blocked,
           they inherit the mask and never run a handler, as OpenMP's
           workers (out/stopsig.h). One that comes meanwhile waits. */
        sigset_t old;
        mr_stopsig_block(&old);
        MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
        mr_stopsig_restore(&old);
        int rank = 0;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        mr_cli_set_rank(rank); /* a bad command line: one line, from rank 0 */
    }
#endif
    status = commands[c].run(argc - at, argv + at);
#ifdef MINRISK_HAVE_MPI
    if (mpi)
        MPI_Finalize();
#endif
    if (status == MR_OK)
        mr_cli_end_deferred_sigpipe(); /* its file is complete: now a closed pipe may end it */
    status = check_stdout(cmd, status);
    /* Release HDF5's memory after a clean run (see H5dont_atexit above). */
    if (status == MR_OK)
        H5close();
    return exit_code(status);
}
