/* uncertainty.c - `minrisk uncertainty SCENARIO.yaml`: the uncertainty of
 * the scenario's assumptions, its `uncertain:` keys sampled on a Saltelli
 * design (sim/studies/uncertainty.c; docs/STUDIES.md "Uncertainty").
 */
#include "sim/cmd/cli.h"
#include "sim/cmd/outpath.h"
#include "out/h5/writer.h"
#include "models/units.h"
#include "sim/studies/paired.h"
#include "sim/studies/uncertainty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const usage_uncertainty =
    "usage: minrisk uncertainty SCENARIO.yaml [-o FILE.h5] [--rows N] [--block-trials L]\n"
    "                           [--seed S] [--resamples B] [--threads T] [--quiet]\n"
    "                           [--progress SECONDS]\n"
    "\n"
    "The uncertainty of a scenario's assumptions. Each key of its `uncertain:`\n"
    "block has a distribution; A and B, two N x k samples of the k keys, and\n"
    "the k matrices AB_i (A with key i's column from B) make N (k + 2) design\n"
    "rows. Each row is the scenario with its values, run on trials 0 .. L-1\n"
    "(the same trials for every row: common random numbers). Written: the\n"
    "design, each row's mean and ES 99 of the total loss and mean value added\n"
    "lost, their first-order and total Sobol indices per key with 95%\n"
    "bootstrap intervals, and the predictive distribution of the total loss\n"
    "(the A and B rows' trials pooled) beside the base scenario's (the values\n"
    "as written, same trials, in /base). Printed: the indices ranked by ST,\n"
    "and the predictive distribution, GBP m. The same seed and options give\n"
    "the same file for any number of threads and MPI ranks.\n"
    "\n"
    "  -o, --output FILE   output file (default: the scenario's base name + .h5)\n"
    "  --rows N            rows of A and of B (default uncertain.rows, 64), 2..4096\n"
    "  --block-trials L    trials per row, 1..1000000 (default\n"
    "                      uncertain.block_trials, 1000)\n"
    "  --seed S            random seed (overrides simulation.seed): the trials,\n"
    "                      the design and the bootstrap\n"
    "  --resamples B       bootstrap resamples of the intervals, 100..100000\n"
    "                      (default 1000; 0: no intervals)\n"
    "  --threads T         OpenMP threads, 1..4096 (default: OMP_NUM_THREADS or\n"
    "                      all cores): rows run in parallel, one thread each\n"
    "  -q, --quiet         no progress line and no tables\n"
    "  --progress SECONDS  a progress line every SECONDS (1..86400) wherever\n"
    "                      stderr goes (batch logs); default: on a terminal only\n"
    "\n"
    "example:\n"
    "  minrisk uncertainty scenarios/uk-2024-uncertain.yaml -o unc.h5 --rows 4 "
    "--block-trials 50\n";

static int parse_count(const char *opt, const char *v, unsigned long long lo, unsigned long long hi,
                       unsigned long long *out)
{
    mr_cli_num why = mr_cli_parse_range(v, lo, hi, out);
    if (why) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s: must be an integer in [%llu, %llu], got '%%s'", opt, lo, hi);
        mr_cli_number_error("uncertainty", why, msg, v);
        return -1;
    }
    return 0;
}

static mr_status study(const char *scenario, const char *output, const mr_uncertainty_opts *o,
                       bool have_seed, unsigned long long seed, bool quiet, const mr_comm *comm)
{
    mr_scenario sc;
    mr_error err = {{0}};
    int lrc = mr_cli_load_scenario(scenario, &sc, comm, &err);
    if (lrc) {
        mr_cli_report(comm, &err);
        return lrc == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
    }
    mr_status st = MR_BAD_INPUT;
    char *defout = output ? NULL : mr_cli_default_output(scenario);
    const char *out = output ? output : defout;
    if (sc.nuncertain == 0) {
        snprintf(err.msg, sizeof err.msg,
                 "%s: has no uncertain block: nothing to study (docs/STUDIES.md, Uncertainty)",
                 scenario);
    } else if ((st = mr_uncertainty_check(&sc, &err)) == MR_OK) {
        /* (a sweep, an importance block or a precision target beside the
           uncertain block: refused by the loader, sim/scenario/loader.c) */
        if (have_seed)
            sc.seed = seed;
        const mr_scenario *scs[1] = {&sc};
        /* the file holds the base run on the block's trials, not sc.trials */
        const uint64_t L = o->block_trials ? o->block_trials : sc.uncertain_block_trials;
        mr_outpath_req oq = {
            "uncertainty", out, &scenario, scs, 1, mr_output_size_estimate_trials(&sc, L, 1), 0.0};
        st = out ? mr_outpath_claim(&oq, comm, &err) : MR_FAILED;
        if (!out)
            snprintf(err.msg, sizeof err.msg, "%s: out of memory", scenario);
        if (st == MR_OK) {
            mr_uncertainty_result r;
            st = mr_uncertainty_run(&sc, out, o, comm, &r, &err);
            if (st == MR_OK && comm->rank == 0 && !quiet) {
                mr_uncertainty_print(stdout, &sc, &r);
                fprintf(stderr, "minrisk: %llu rows x %llu trials in %.1f s; wrote %s\n",
                        (unsigned long long)(r.n * (uint64_t)(r.k + 2)), (unsigned long long)r.l,
                        r.seconds, out);
            }
            mr_uncertainty_result_free(&r);
            if (st == MR_INTERRUPTED && comm->rank == 0)
                fprintf(stderr, "minrisk uncertainty: interrupted; nothing written to %s\n", out);
        }
        mr_outpath_release();
    }
    if (st < 0)
        mr_cli_report(comm, &err);
    free(defout);
    mr_scenario_free(&sc);
    return st;
}

mr_status mr_cmd_uncertainty(int argc, char **argv)
{
    enum { ROWS = MR_CLI_LONG, BLOCK_TRIALS, SEED, RESAMPLES, THREADS, PROGRESS };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"output", required_argument, NULL, 'o'},
        {"rows", required_argument, NULL, ROWS},
        {"block-trials", required_argument, NULL, BLOCK_TRIALS},
        {"seed", required_argument, NULL, SEED},
        {"resamples", required_argument, NULL, RESAMPLES},
        {"threads", required_argument, NULL, THREADS},
        {"quiet", no_argument, NULL, 'q'},
        {"progress", required_argument, NULL, PROGRESS},
        {NULL, 0, NULL, 0}};
    const char *scenario = NULL, *output = NULL;
    unsigned long long rows = 0, trials = 0, seed = 0, resamples = 1000, threads = 0, progress = 0;
    bool have_seed = false, quiet = false;
    mr_cli_num why;
    mr_cli_opts p;
    mr_cli_opts_init(&p, "uncertainty", usage_uncertainty, "o:q", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        switch (c) {
        case 'o':
            output = v;
            break;
        case ROWS:
            if (parse_count("--rows", v, 2, 4096, &rows))
                return MR_BAD_INPUT;
            break;
        case BLOCK_TRIALS:
            if (parse_count("--block-trials", v, 1, 1000000, &trials))
                return MR_BAD_INPUT;
            break;
        case RESAMPLES: /* 0 (no intervals) or, as compare's --bootstrap, at least
                           MR_PAIRED_MIN_BOOT: with fewer, the 2.5% and 97.5%
                           points are the smallest and the largest resample */
            if ((why = mr_cli_parse_range(v, 0, 100000, &resamples)) ||
                (resamples > 0 && resamples < MR_PAIRED_MIN_BOOT))
                return mr_cli_number_error(
                    "uncertainty", why,
                    "--resamples: must be 0 or an integer in [100, 100000], got '%s'", v);
            break;
        case THREADS:
            if (parse_count("--threads", v, 1, MR_MAX_THREADS, &threads))
                return MR_BAD_INPUT;
            break;
        case SEED:
            if ((why = mr_cli_parse_u64(v, &seed)))
                return mr_cli_number_error(
                    "uncertainty", why, "--seed: must be an integer in [0, 2^64-1], got '%s'", v);
            have_seed = true;
            break;
        case 'q':
            quiet = true;
            break;
        case PROGRESS:
            if (mr_cli_parse_progress("uncertainty", v, &progress) != MR_OK)
                return MR_BAD_INPUT;
            break;
        default: /* MR_CLI_ARG */
            if (scenario)
                return mr_cli_usage_error("uncertainty", "unexpected argument '%s'", v);
            scenario = v;
        }
    }
    if (p.stop)
        return p.status;
    if (!scenario)
        return mr_cli_usage_error("uncertainty", "%s", "missing SCENARIO.yaml");
    if (quiet && progress)
        return mr_cli_usage_error("uncertainty", "%s",
                                  "--quiet and --progress contradict each other");
    mr_comm comm = mr_comm_world();
    if (mr_cli_libm_agree(&comm, "uncertainty") != MR_OK)
        return MR_FAILED;
    mr_uncertainty_opts o = {.rows = rows,
                             .block_trials = trials,
                             .resamples = resamples,
                             .threads = (int)threads,
                             .progress = !quiet && (progress || isatty(STDERR_FILENO)),
                             .progress_every = (double)progress};
    return study(scenario, output, &o, have_seed, seed, quiet, &comm);
}

/* The stop signals (out/stopsig.h): stop the rows, write nothing. */
void mr_cmd_uncertainty_signals(void)
{
    mr_cli_install_interrupt(true);
    mr_cli_defer_sigpipe();
}
