/* main.c - the minrisk command line (INTERFACE.md). Only main prints errors
 * and picks exit codes: 0 success, 2 bad usage or input, 1 anything else. */
#include "checkpoint.h"
#include "cli.h"
#include "clock.h"
#include "comm.h"
#include "engine.h"
#include "export.h"
#include "indicators.h"
#include "output.h"
#include "run_extras.h"
#include "scenario.h"
#include "sweep.h"

#include <errno.h>
#include <hdf5.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef MINRISK_HAVE_MPI
#include <mpi.h>
#endif

enum { EXIT_OK = MR_EXIT_OK, EXIT_FAIL = MR_EXIT_FAIL, EXIT_USAGE = MR_EXIT_USAGE,
       EXIT_INTERRUPTED = MR_EXIT_INTERRUPTED };

/* Default interval of periodic checkpoints: long enough that runs of
   minutes never pay for one, short enough to bound a crash's loss. */
#define MR_DEFAULT_CHECKPOINT_SECONDS 1800

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

static const char *const usage_run =
    "usage: minrisk run SCENARIO.yaml [-o FILE.h5] [--trials N] [--seed S] [--threads T] [--quiet]\n"
    "                   [--verbose] [--checkpoint-every SECONDS] [--resume] [--events]\n"
    "                   [--counterfactual]\n"
    "\n"
    "Run the Monte Carlo simulation of a scenario and write one HDF5 file.\n"
    "\n"
    "  -o, --output FILE   output file (default: the scenario's base name + .h5,\n"
    "                      in the current directory)\n"
    "  --trials N          number of trials (overrides simulation.trials)\n"
    "  --seed S            random seed, 0..2^64-1 (overrides simulation.seed)\n"
    "  --threads T         OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  -q, --quiet         no progress line and no closing line\n"
    "  -v, --verbose       print the settings at the start (scenario, trials, seed,\n"
    "                      ranks, threads, output) and the timings at the end\n"
    "                      (simulation wall time, statistics, write; /run_info)\n"
    "  --checkpoint-every SECONDS\n"
    "                      write FILE.h5.ckpt every SECONDS of running (default\n"
    "                      1800; 0 = only when stopped by SIGTERM or SIGUSR1)\n"
    "  --resume            continue from FILE.h5.ckpt, the checkpoint an earlier\n"
    "                      run of the same scenario, seed and trials left when\n"
    "                      stopped by SIGTERM or SIGUSR1 (exit status 75)\n"
    "  --events            also write /events: every disruption occurrence of every\n"
    "                      trial (trial, process, start, duration, severity)\n"
    "  --counterfactual    also run the scenario once more per disruption source\n"
    "                      (mineral, country, named event) with that source switched\n"
    "                      off, same random numbers: the risk each source removes\n"
    "\n"
    "The file is written under a temporary name and renamed when complete;\n"
    "an interrupted run (Ctrl-C: exit status 130) leaves nothing at the output\n"
    "path. Under MPI: mpiexec -n R minrisk run ... writes one file, identical\n"
    "outside /run_info to a one-rank run.\n"
    "\n"
    "example:\n"
    "  minrisk run scenarios/demo.yaml -o demo.h5 --trials 10000 --verbose\n"
    "  minrisk run scenarios/demo.yaml -o demo-7.h5 --trials 2000 --seed 7 --threads 2 --quiet\n";

static const char *const usage_validate =
    "usage: minrisk validate SCENARIO.yaml\n"
    "       minrisk validate --schema\n"
    "\n"
    "Parse and check a scenario; print the resolved model (every default filled\n"
    "in, policies applied) as YAML, then the static indicators of its supply\n"
    "(HHI, governance-weighted HHI, top country and share, flagged above the\n"
    "diversification cap; MODEL section 11) as a table in YAML comments, so\n"
    "the output is itself a valid scenario. Errors are one line:\n"
    "file:line:col: key.path: message. A scenario with a sweep has every\n"
    "variant checked.\n"
    "\n"
    "  --schema            print every scenario key (type, unit, default, range,\n"
    "                      meaning) as the Markdown table of docs/SCENARIOS.md\n"
    "\n"
    "example:\n"
    "  minrisk validate scenarios/demo.yaml\n"
    "  minrisk validate --schema\n";

static const char *const usage_summary =
    "usage: minrisk summary FILE.h5\n"
    "\n"
    "Print the risk tables of a finished run: per sector and in total, mean loss,\n"
    "VaR 95/99/99.5, ES 99, average annual loss, 1-in-100 and 1-in-200 annual loss;\n"
    "per mineral the shortage figures; the static indicators; and the tail\n"
    "attribution (/attribution: the sources of each sector's ES 99, and with\n"
    "run --counterfactual the risk each source removes). For a sweep file, the\n"
    "table of variants; for a comparison file (minrisk compare), the paired\n"
    "differences. All money in GBP m.\n"
    "\n"
    "example:\n"
    "  minrisk run scenarios/demo.yaml -o demo.h5 --trials 1000 --quiet\n"
    "  minrisk summary demo.h5\n";




/* SIGTERM or SIGUSR1 (what a batch scheduler sends before the wall-time
   limit): finish the current blocks, write a checkpoint, exit 75. During the
   final write it is too late for a checkpoint: the write goes on. */
static volatile sig_atomic_t checkpoint_requested = 0;

static void on_checkpoint_signal(int sig)
{
    (void)sig;
    if (mr_output_writing())
        return;
    checkpoint_requested = 1;
    mr_engine_interrupt();
}



typedef struct {
    const char *scenario, *output;
    unsigned long long trials, seed;
    int have_trials, have_seed, threads, quiet, resume, events, counterfactual;
    double checkpoint_every; /* seconds; 0 = only on a signal */
    int verbose;             /* --verbose: settings at the start, timings at the end */
} run_request;



/* SIGINT: mr_cli_install_interrupt; SIGTERM, SIGUSR1: a checkpoint. */
static void install_handlers(void)
{
    mr_cli_install_interrupt(false);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_checkpoint_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

/* A scenario with a sweep: every variant into one file (sim/sweep.c). */
static int run_sweep(const run_request *q, const mr_scenario *sc, const char *output,
                     const mr_comm *comm)
{
    mr_error err = {{0}};
    const char *bad = q->resume ? "--resume" : q->events ? "--events"
                                          : q->counterfactual ? "--counterfactual" : NULL;
    if (bad) {
        if (comm->rank == 0)
            fprintf(stderr, "minrisk run: %s: not available for a scenario with a sweep (%s)\n",
                    bad, q->scenario);
        return EXIT_USAGE;
    }
    mr_engine_opts opts = {.threads = q->threads,
                           .progress = !q->quiet && isatty(STDERR_FILENO),
                           .comm = comm};
    int usage = 0;
    int rc = mr_sweep_run(sc, output, &opts, comm, &err, &usage);
    if (rc < 0) {
        mr_cli_report(comm, &err);
        return usage ? EXIT_USAGE : EXIT_FAIL;
    }
    if (rc > 0) {
        if (comm->rank == 0)
            fprintf(stderr, "minrisk run: interrupted; nothing written to %s\n", output);
        return EXIT_INTERRUPTED;
    }
    if (!q->quiet && comm->rank == 0)
        fprintf(stderr, "minrisk: %llu variants x %llu trials; wrote %s\n",
                (unsigned long long)sc->nvariants, (unsigned long long)sc->trials, output);
    return EXIT_OK;
}

/* --verbose: the settings the run goes with (rank 0 only). */
static void print_settings(const run_request *q, const mr_scenario *sc, const char *output,
                           const mr_comm *comm)
{
    if (comm->rank != 0)
        return;
    fprintf(stderr, "minrisk run: scenario %s (\"%s\")\n", q->scenario, sc->name);
    fprintf(stderr, "minrisk run: %llu trials%s, seed %llu%s; horizon %d years, %d steps a year\n",
            (unsigned long long)sc->trials, q->have_trials ? " (--trials)" : "",
            (unsigned long long)sc->seed, q->have_seed ? " (--seed)" : "", sc->horizon_years,
            sc->steps_per_year);
    fprintf(stderr, "minrisk run: %d rank%s x %d threads%s\n", comm->size, comm->size == 1 ? "" : "s",
            q->threads > 0 ? q->threads : omp_get_max_threads(),
            q->threads > 0 ? " (--threads)" : " (OMP_NUM_THREADS, else all cores)");
    fprintf(stderr, "minrisk run: output %s\n", output);
}

/* --verbose: the timings /run_info of the written file records (rank 0). */
static void print_timings(const char *output, const mr_comm *comm)
{
    mr_error err = {{0}};
    if (comm->rank == 0 && mr_export_print_timings(output, stderr, &err))
        fprintf(stderr, "%s\n", err.msg);
}


static int run(const run_request *q, const mr_comm *comm)
{
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_cli_load_scenario(q->scenario, &sc, comm, &err)) {
        mr_cli_report(comm, &err);
        return EXIT_USAGE;
    }
    if (q->have_trials)
        sc.trials = q->trials;
    if (q->have_seed)
        sc.seed = q->seed;
    char *defout = q->output ? NULL : mr_cli_default_output(q->scenario);
    const char *output = q->output ? q->output : defout;
    char *ckpt = mr_checkpoint_path(output);
    unsigned char *skip = NULL;
    int status = EXIT_OK;
    /* Fail before a long run, not after it, when the output cannot be written. */
    int bad = comm->rank == 0 ? mr_cli_check_output_dir(output, &err) : 0;
    mr_comm_bcast(comm, &bad, sizeof bad);
    if (bad) {
        mr_comm_bcast(comm, err.msg, sizeof err.msg);
        mr_cli_report(comm, &err);
        status = EXIT_USAGE;
        goto done;
    }
    if (q->verbose)
        print_settings(q, &sc, output, comm);
    if (sc.nsweep > 0) {
        status = run_sweep(q, &sc, output, comm);
        if (status == EXIT_OK && q->verbose)
            print_timings(output, comm);
        goto done;
    }
    if (q->resume && mr_checkpoint_read_done(ckpt, &sc, &skip, comm, &err)) {
        mr_cli_report(comm, &err);
        status = EXIT_USAGE;
        goto done;
    }
    mr_engine_opts opts = {.threads = q->threads,
                           .pause_seconds = q->checkpoint_every,
                           .progress = !q->quiet && isatty(STDERR_FILENO),
                           .comm = comm,
                           .skip_block = skip};
    mr_results res;
    mr_run_info info;
    int rc = mr_engine_run(&sc, &opts, &res, &info, &err);
    if (rc < 0) {
        mr_cli_report(comm, &err);
        status = EXIT_FAIL;
        goto done;
    }
    if (skip && mr_checkpoint_load_rows(ckpt, &sc, &res, skip, &info.random_words, comm, &err)) {
        mr_cli_report(comm, &err);
        status = EXIT_FAIL;
        goto free_results;
    }
    /* Periodic checkpoints: the engine pauses every --checkpoint-every
       seconds, so that a crash loses at most that much work. */
    while (rc == 2) {
        if (mr_checkpoint_write(ckpt, &sc, &res, info.random_words, comm, &err)) {
            mr_cli_report(comm, &err);
            status = EXIT_FAIL;
            goto free_results;
        }
        rc = mr_engine_continue(&sc, &opts, &res, &info, &err);
        if (rc < 0) {
            mr_cli_report(comm, &err);
            status = EXIT_FAIL;
            goto done;
        }
    }
    int want_checkpoint = mr_comm_any(comm, checkpoint_requested); /* all ranks agree */
    if (rc > 0 && !want_checkpoint) {
        if (comm->rank == 0)
            fprintf(stderr, "minrisk run: interrupted; nothing written to %s\n", output);
        status = EXIT_INTERRUPTED;
    } else if (rc > 0) {
        if (mr_checkpoint_write(ckpt, &sc, &res, info.random_words, comm, &err)) {
            mr_cli_report(comm, &err);
            status = EXIT_FAIL;
        } else {
            if (comm->rank == 0)
                fprintf(stderr,
                        "minrisk run: stopped; checkpoint %s written; continue with "
                        "'minrisk run --resume' and the same arguments\n",
                        ckpt);
            status = MR_EXIT_CHECKPOINTED;
        }
    } else {
        mr_extras extras = {0};
        mr_run_extras_opts xo = {.events = q->events,
                                 .counterfactual = q->counterfactual,
                                 .threads = q->threads,
                                 .progress = opts.progress};
        double ta = mr_now_seconds();
        rc = mr_attribution_collect(&sc, &res, &xo, comm, &extras, &err);
        if (rc == 0 && q->events)
            rc = mr_events_collect(&sc, &res, comm, &extras, &err);
        info.analysis_seconds = mr_now_seconds() - ta;
        /* Ctrl-C during the analysis: stop before the write (all ranks agree) */
        if (rc == 0 && mr_comm_any(comm, mr_engine_interrupted() && !checkpoint_requested))
            rc = 1;
        if (rc == 0) {
            mr_output_run one = {NULL, &sc, &res, &info, NULL};
            rc = mr_output_write_multi(output, "run", &one, 1, extras.x, extras.n, comm, &err);
        }
        mr_extras_free(&extras);
        if (rc > 0) {
            if (comm->rank == 0)
                fprintf(stderr, "minrisk run: interrupted; nothing written to %s\n", output);
            status = EXIT_INTERRUPTED;
        } else if (rc) {
            mr_cli_report(comm, &err);
            status = EXIT_FAIL;
        } else {
            if (comm->rank == 0)
                unlink(ckpt); /* the run is complete: any checkpoint is spent */
            if (!q->quiet && comm->rank == 0)
                fprintf(stderr,
                        "minrisk: %llu trials in %.2f s (+ %.2f s of attribution%s) on %d rank%s "
                        "x %d thread%s; wrote %s\n",
                        (unsigned long long)sc.trials, info.wall_seconds, info.analysis_seconds,
                        q->counterfactual ? (q->events ? ", counterfactuals and events"
                                                       : " and counterfactuals")
                                          : (q->events ? " and events" : ""),
                        info.ranks, info.ranks == 1 ? "" : "s", info.threads,
                        info.threads == 1 ? "" : "s", output);
            if (q->verbose)
                print_timings(output, comm);
        }
    }
free_results:
    mr_results_free(&res);
done:
    free(skip);
    free(ckpt);
    free(defout);
    mr_scenario_free(&sc);
    return status;
}

static int cmd_run(int argc, char **argv)
{
    const char *scenario = NULL, *output = NULL;
    unsigned long long trials = 0, seed = 0, threads = 0;
    int have_trials = 0, have_seed = 0, quiet = 0, resume = 0, events = 0, counterfactual = 0;
    int verbose = 0;
    unsigned long long every = MR_DEFAULT_CHECKPOINT_SECONDS;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (mr_cli_is_help(a)) {
            fputs(usage_run, stdout);
            return EXIT_OK;
        }
        int takes = !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--trials") ||
                    !strcmp(a, "--seed") || !strcmp(a, "--threads") ||
                    !strcmp(a, "--checkpoint-every");
        if (takes && i + 1 >= argc)
            return mr_cli_usage_error("run", "option '%s' needs a value", a);
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            output = argv[++i];
        } else if (!strcmp(a, "--trials")) {
            if (mr_cli_parse_u64(argv[++i], &trials) || trials < 1 || trials > 4294967295ull)
                return mr_cli_usage_error("run", "--trials: must be an integer in [1, 4294967295], got '%s'",
                                   argv[i]);
            have_trials = 1;
        } else if (!strcmp(a, "--seed")) {
            if (mr_cli_parse_u64(argv[++i], &seed))
                return mr_cli_usage_error("run", "--seed: must be an integer in [0, 2^64-1], got '%s'",
                                   argv[i]);
            have_seed = 1;
        } else if (!strcmp(a, "--threads")) {
            if (mr_cli_parse_u64(argv[++i], &threads) || threads < 1 || threads > 4096)
                return mr_cli_usage_error("run", "--threads: must be an integer in [1, 4096], got '%s'",
                                   argv[i]);
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            verbose = 1;
        } else if (!strcmp(a, "--checkpoint-every")) {
            if (mr_cli_parse_u64(argv[++i], &every) || every > 31536000ull)
                return mr_cli_usage_error("run",
                                   "--checkpoint-every: must be seconds in [0, 31536000], got '%s'",
                                   argv[i]);
        } else if (!strcmp(a, "--resume")) {
            resume = 1;
        } else if (!strcmp(a, "--events")) {
            events = 1;
        } else if (!strcmp(a, "--counterfactual")) {
            counterfactual = 1;
        } else if (a[0] == '-' && a[1]) {
            return mr_cli_usage_error("run", "unknown option '%s'", a);
        } else if (!scenario) {
            scenario = a;
        } else {
            return mr_cli_usage_error("run", "unexpected argument '%s'", a);
        }
    }
    if (!scenario)
        return mr_cli_usage_error("run", "%s", "missing SCENARIO.yaml");
    mr_comm comm = mr_comm_world();
    run_request req = {scenario,       output, trials, seed,   have_trials,
                       have_seed,      (int)threads,   quiet,  resume, events,
                       counterfactual, (double)every, verbose};
    return run(&req, &comm);
}

static int cmd_validate(int argc, char **argv)
{
    const char *scenario = NULL;
    for (int i = 0; i < argc; i++) {
        if (mr_cli_is_help(argv[i])) {
            fputs(usage_validate, stdout);
            return EXIT_OK;
        }
        if (!strcmp(argv[i], "--schema")) { /* docs/SCENARIOS.md's table */
            mr_scenario_schema_print(stdout);
            return EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return mr_cli_usage_error("validate", "unknown option '%s'", argv[i]);
        if (scenario)
            return mr_cli_usage_error("validate", "unexpected argument '%s'", argv[i]);
        scenario = argv[i];
    }
    if (!scenario)
        return mr_cli_usage_error("validate", "%s", "missing SCENARIO.yaml");
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_scenario_load(scenario, &sc, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    if (sc.nsweep > 0 && mr_sweep_check(&sc, &err)) { /* every variant must load */
        fprintf(stderr, "%s\n", err.msg);
        mr_scenario_free(&sc);
        return EXIT_USAGE;
    }
    char *yaml = mr_scenario_resolved_yaml(&sc);
    mr_indicators ind;
    int status = EXIT_OK;
    if (yaml && mr_indicators_compute(&sc, &ind) == 0) {
        fputs(yaml, stdout);
        /* the indicators as YAML comments: the output still loads */
        fputs("\n", stdout);
        mr_indicators_print(&sc, &ind, "# ", stdout);
        mr_indicators_free(&ind);
    } else {
        fprintf(stderr, "%s: out of memory\n", scenario);
        status = EXIT_FAIL;
    }
    free(yaml);
    mr_scenario_free(&sc);
    return status;
}

static int cmd_summary(int argc, char **argv)
{
    const char *file = NULL;
    for (int i = 0; i < argc; i++) {
        if (mr_cli_is_help(argv[i])) {
            fputs(usage_summary, stdout);
            return EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return mr_cli_usage_error("summary", "unknown option '%s'", argv[i]);
        if (file)
            return mr_cli_usage_error("summary", "unexpected argument '%s'", argv[i]);
        file = argv[i];
    }
    if (!file)
        return mr_cli_usage_error("summary", "%s", "missing FILE.h5");
    mr_error err = {{0}};
    if (mr_summary_print(file, stdout, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    /* Before any other HDF5 call: HDF5 1.10's exit handler can crash on a
       file left half-closed by a failed write (HDFFV-11052). */
    H5dont_atexit();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (mr_cli_is_help(cmd)) {
        fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
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
        return EXIT_OK;
    }
    int status;
    if (!strcmp(cmd, "run")) {
#ifdef MINRISK_HAVE_MPI
        /* Only the main thread calls MPI (OpenMP threads never do). */
        int provided;
        install_handlers(); /* before MPI_Init: a signal in start-up must not kill a rank */
        MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
        status = cmd_run(argc - 2, argv + 2);
        MPI_Finalize();
#else
        install_handlers();
        status = cmd_run(argc - 2, argv + 2);
#endif
    }
    else if (!strcmp(cmd, "validate"))
        status = cmd_validate(argc - 2, argv + 2);
    else if (!strcmp(cmd, "summary"))
        status = cmd_summary(argc - 2, argv + 2);
    else if (!strcmp(cmd, "compare"))
        status = mr_cmd_compare(argc - 2, argv + 2);
    else if (!strcmp(cmd, "explain"))
        status = mr_cmd_explain(argc - 2, argv + 2);
    else if (!strcmp(cmd, "report"))
        status = mr_cmd_report(argc - 2, argv + 2);
    else if (!strcmp(cmd, "export"))
        status = mr_cmd_export(argc - 2, argv + 2);
    else
        return mr_cli_usage_error(NULL, "unknown command '%s'", cmd);
    /* Release HDF5's memory after a clean run (see H5dont_atexit above). */
    if (status == EXIT_OK)
        H5close();
    return status;
}
