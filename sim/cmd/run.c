/* run.c - `minrisk run SCENARIO.yaml`: the Monte Carlo simulation of a
 * scenario into one HDF5 file (INTERFACE.md): a sweep's variants into one
 * file (sim/studies/sweep.c), periodic checkpoints and --resume
 * (sim/checkpoint.c), a checkpoint on SIGTERM, SIGUSR1 or
 * SIGXCPU, the analyses of run_extras.h, and nothing at the output path when interrupted.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include "sim/checkpoint.h"
#include "sim/precision.h"
#include "sim/cmd/cli.h"
#include "sim/cmd/outpath.h"
#include "out/clock.h"
#include "out/comm.h"
#include "sim/engine.h"
#include "sim/importance.h"
#include "out/export/export.h"
#include "out/h5/extras.h"
#include "out/h5/writer.h"
#include "models/units.h"
#include "sim/studies/run_extras.h"
#include "sim/studies/summary_errors.h"
#include "sim/scenario/loader.h"
#include "sim/studies/sweep.h"
#include "sim/studies/uncertainty.h"
#include "out/stats/stream.h"
#include "out/stats/sumstats.h"
#include "out/stopsig.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Default interval of periodic checkpoints: long enough that runs of
   minutes never pay for one, short enough to bound a crash's loss. */
#define MR_DEFAULT_CHECKPOINT_SECONDS 1800

static const char *const usage_run =
    "usage: minrisk run SCENARIO.yaml [-o FILE.h5] [--trials N] [--seed S] [--threads T] "
    "[--quiet]\n"
    "                   [--verbose] [--checkpoint-every SECONDS] [--resume] [--events]\n"
    "                   [--counterfactual] [--target-precision STAT=REL[,...]]\n"
    "                   [--max-trials N] [--importance SPEC] [--target STAT]\n"
    "                   [--progress SECONDS]\n"
    "\n"
    "Run the Monte Carlo simulation of a scenario and write one HDF5 file.\n"
    "A bad scenario stops the run at its first error (minrisk validate lists\n"
    "them all); one that can give no shortage loss is flagged as minrisk\n"
    "validate does.\n"
    "\n"
    "  -o, --output FILE   output file (default: the scenario's base name + .h5,\n"
    "                      in the current directory)\n"
    "  --trials N          number of trials (overrides simulation.trials)\n"
    "  --seed S            random seed, 0..2^64-1 (overrides simulation.seed)\n"
    "  --threads T         OpenMP threads, 1..4096 (default: OMP_NUM_THREADS, or\n"
    "                      all cores)\n"
    "  -q, --quiet         no progress line, no closing line and no warnings\n"
    "  --progress SECONDS  a progress line every SECONDS (1..86400) wherever\n"
    "                      stderr goes (batch logs); default: on a terminal only\n"
    "  -v, --verbose       print the settings at the start (scenario, trials, seed,\n"
    "                      ranks, threads, output) and the timings at the end\n"
    "                      (simulation wall time, statistics, write; /run_info)\n"
    "  --checkpoint-every SECONDS\n"
    "                      write FILE.h5.ckpt every SECONDS of running (default\n"
    "                      1800; 0 = only on SIGTERM, SIGUSR1, SIGXCPU)\n"
    "  --resume            continue from FILE.h5.ckpt, the checkpoint an earlier\n"
    "                      run of the same scenario, seed and trials left when\n"
    "                      stopped by SIGTERM, SIGUSR1 or SIGXCPU (exit 75)\n"
    "  --events            also write /events: every disruption occurrence of every\n"
    "                      trial (trial, process, start, duration, severity)\n"
    "  --counterfactual    also run the scenario once more per disruption source\n"
    "                      (mineral, country, named event) with that source switched\n"
    "                      off, same random numbers: the risk each source removes\n"
    "  --target-precision STAT=REL[,STAT=REL...]\n"
    "                      stop at the first check point (2^k blocks of 1024 trials)\n"
    "                      where every STAT's 95% interval has a relative half-width\n"
    "                      <= REL: mean_total, varP_total, esP_total (P: 99, 995...),\n"
    "                      varP_SECTOR, esP_SECTOR, aal, rpR (annual loss at return\n"
    "                      period R); /precision records the checks\n"
    "                      (overrides simulation.target_precision)\n"
    "  --max-trials N      the cap of --target-precision (default: --trials, else\n"
    "                      simulation.max_trials, else simulation.trials)\n"
    "  --importance SPEC   importance sampling (docs/STUDIES.md): PROCESS=FACTOR,...\n"
    "                      fixed rate factors (names as in /events, '*' any chars:\n"
    "                      'event/*=4,country/CN=2'), replacing the scenario's; auto:\n"
    "                      chosen by cross-entropy for --target; focus=year|horizon,\n"
    "                      focus_years=K, defensive=A. Weights in /trials/weight\n"
    "  --target STAT       what --importance auto tunes for: var<P> or es<P> of the\n"
    "                      horizon's total loss (var99.9, es99.5) or, with _annual,\n"
    "                      of the annual total loss (var99.9_annual)\n"
    "\n"
    "The file is written under a temporary name and renamed when complete;\n"
    "an interrupted run (Ctrl-C: exit status 130) leaves nothing at the output\n"
    "path, which must be a new name or a regular file (FILE.h5.lock: one run\n"
    "at a time; minrisk(1)). mpiexec -n R minrisk run ... writes one file,\n"
    "identical outside /run_info to a one-rank run.\n"
    "\n"
    "example:\n"
    "  minrisk run scenarios/demo.yaml -o demo.h5 --trials 10000 --verbose\n"
    "  minrisk run scenarios/demo.yaml -o demo-7.h5 --trials 2000 --seed 7 --threads 2 --quiet\n"
    "  minrisk run scenarios/uk-2024.yaml --importance auto --target var99.9_annual\n";

/* SIGTERM or SIGUSR1 (what a batch scheduler sends before the wall-time
   limit): finish the current blocks, write a checkpoint, exit 75. During the
   final write it is too late for a checkpoint: the write goes on. The first
   stopping signal decides (docs/HPC.md): after a Ctrl-C or SIGHUP (the
   engine asked to stop, no checkpoint asked for) it asks for none, so the
   run still ends as interrupted (130, nothing written; until 2026-12-06 it
   wrote a checkpoint and exited 75); and a Ctrl-C after it changes nothing,
   as checkpoint_requested stays set. */
static volatile sig_atomic_t checkpoint_requested = 0;

static void on_checkpoint_signal(int sig)
{
    (void)sig;
    if (mr_output_writing() || (mr_engine_interrupted() && !checkpoint_requested))
        return;
    checkpoint_requested = 1;
    mr_engine_interrupt();
}

typedef struct {
    const char *scenario, *output;
    unsigned long long trials, seed;
    int have_trials, have_seed, threads, quiet, resume, events, counterfactual;
    double checkpoint_every;      /* seconds; 0 = only on a signal */
    int verbose;                  /* --verbose: settings at the start, timings at the end */
    const char *target_precision; /* --target-precision; NULL = a fixed trial count */
    unsigned long long max_trials;
    int have_max;
    const char *importance; /* --importance SPEC, or NULL */
    const char *target;     /* --target STAT, or NULL */
    double progress_every;  /* --progress SECONDS; 0 = the terminal's line only */
    int have_every;         /* --checkpoint-every was given */
} run_request;

/* The engine's options every kind of run starts from: the progress line
   on a terminal, or with --progress a whole line every so many seconds
   wherever standard error goes (a batch job's log). */
static mr_engine_opts engine_opts(const run_request *q, const mr_comm *comm)
{
    return (mr_engine_opts){.threads = q->threads,
                            .progress =
                                !q->quiet && (q->progress_every > 0 || isatty(STDERR_FILENO)),
                            .progress_every = q->progress_every,
                            .comm = comm};
}

/* SIGINT, SIGHUP, SIGQUIT, SIGUSR2, SIGALRM: mr_cli_install_interrupt;
   SIGTERM, SIGUSR1, SIGXCPU: a checkpoint (SIGXCPU: a CPU-time limit, whose
   SIGKILL follows, as the wall-time limit's SIGTERM; docs/HPC.md). Each
   handler runs with the other kind blocked, so which came first is never
   decided inside the other's handler. */
void mr_cmd_run_signals(void)
{
    mr_cli_install_interrupt(false);
    mr_cli_defer_sigpipe(); /* a closed stderr pipe does not lose the run */
    sigset_t mask;
    mr_stopsig_set(&mask);
    mr_stopsig_catch(SIGTERM, on_checkpoint_signal, &mask);
    mr_stopsig_catch(SIGUSR1, on_checkpoint_signal, &mask);
    mr_stopsig_catch(SIGXCPU, on_checkpoint_signal, &mask);
}

/* The runs that keep no checkpoint, as the stop line and the warning of
   an unused --checkpoint-every name them (docs/HPC.md). */
static const char NO_CKPT_SWEEP[] = "a sweep", NO_CKPT_IMPORTANCE[] = "an importance-sampled run",
                  NO_CKPT_STREAMED[] = "a run with output.trials: none or totals";

/* The one line of a stopped run: "interrupted", or, for a SIGTERM or
   SIGUSR1 that asked for a checkpoint the run cannot keep, why (before,
   two lines: the reason, then "interrupted"). */
static mr_status interrupted(const char *output, const char *no_checkpoint, const mr_comm *comm)
{
    if (comm->rank == 0 && no_checkpoint)
        fprintf(stderr, "minrisk run: stopped; %s keeps no checkpoint: nothing written to %s\n",
                no_checkpoint, output);
    else if (comm->rank == 0)
        fprintf(stderr, "minrisk run: interrupted; nothing written to %s\n", output);
    return MR_INTERRUPTED;
}

/* A scenario with a sweep: every variant into one file (sim/studies/sweep.c). */
static mr_status run_sweep(const run_request *q, const mr_scenario *sc, const char *output,
                           const mr_comm *comm)
{
    mr_error err = {{0}};
    const mr_importance *imp = &sc->importance;
    const char *bad = q->resume           ? "--resume"
                      : q->events         ? "--events"
                      : q->counterfactual ? "--counterfactual"
                      : imp->present      ? "--importance"
                                          : NULL;
    /* (a scenario's importance block beside a sweep: refused by the loader,
       sim/scenario/loader.c; so imp is --importance's here) */
    if (bad) {
        if (comm->rank == 0)
            fprintf(stderr, "minrisk run: %s: not available for a scenario with a sweep (%s)\n",
                    bad, q->scenario);
        return MR_BAD_INPUT;
    }
    mr_engine_opts opts = engine_opts(q, comm);
    mr_status rc = mr_sweep_run(sc, output, &opts, q->quiet, comm, &err);
    if (rc < 0) {
        mr_cli_report(comm, &err);
        return rc; /* MR_BAD_INPUT: a bad variant; MR_FAILED */
    }
    if (rc > 0) {
        /* a SIGTERM's line names why nothing is kept, as for the other
           runs without checkpoints (until 2026-12-07 "interrupted") */
        const int signalled = mr_comm_any(comm, checkpoint_requested);
        return interrupted(output, signalled ? NO_CKPT_SWEEP : NULL, comm);
    }
    if (!q->quiet && comm->rank == 0)
        fprintf(stderr, "minrisk: %llu variants x %llu trials; wrote %s\n",
                (unsigned long long)sc->nvariants, (unsigned long long)sc->trials, output);
    return MR_OK;
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
    const int threads = q->threads > 0 ? q->threads : omp_get_max_threads();
    fprintf(stderr, "minrisk run: %d rank%s x %d thread%s%s\n", comm->size,
            comm->size == 1 ? "" : "s", threads, threads == 1 ? "" : "s",
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

/* A run written whole: any checkpoint beside it is spent (its own, or an
   earlier run's: note_unused_checkpoint), then the closing lines (rank 0;
   none with --quiet), saying how many trials came from the checkpoint. */
static void run_done(const run_request *q, const mr_scenario *sc, uint64_t from_checkpoint,
                     const mr_run_info *info, const char *output, const char *ckpt,
                     const mr_comm *comm)
{
    if (comm->rank == 0)
        unlink(ckpt);
    /* the slowest rank's times, as /run_info's (rank 0 can have had
       little to do in a resumed run) */
    double secs[2] = {info->wall_seconds, info->analysis_seconds};
    mr_comm_max_f64(comm, secs, 2);
    char resumed[64] = ""; /* the trials this process did not simulate */
    if (from_checkpoint)
        snprintf(resumed, sizeof resumed, " (%llu of them from the checkpoint)",
                 (unsigned long long)from_checkpoint);
    if (!q->quiet && comm->rank == 0)
        fprintf(stderr,
                "minrisk: %llu trials%s in %.2f s (+ %.2f s of attribution%s) on %d rank%s "
                "x %d thread%s; wrote %s\n",
                (unsigned long long)sc->trials, resumed, secs[0], secs[1],
                q->counterfactual ? (q->events ? ", intervals, counterfactuals and events"
                                               : ", intervals and counterfactuals")
                                  : (q->events ? ", intervals and events" : " and intervals"),
                info->ranks, info->ranks == 1 ? "" : "s", info->threads,
                info->threads == 1 ? "" : "s", output);
    if (!q->quiet && comm->rank == 0)
        fprintf(stderr, "minrisk: verification number %016llx\n",
                (unsigned long long)info->verification);
    if (q->verbose)
        print_timings(output, comm);
}

/* A simulation stopped by SIGTERM or SIGUSR1: its finished blocks into the
   checkpoint, to continue with --resume. */
static mr_status write_checkpoint(const mr_scenario *sc, const mr_results *res,
                                  const mr_run_info *info, const char *ckpt, const mr_comm *comm)
{
    mr_error err = {{0}};
    if (mr_checkpoint_write(ckpt, sc, res, info->random_words, comm, &err)) {
        mr_cli_report(comm, &err);
        return MR_FAILED;
    }
    if (comm->rank == 0)
        fprintf(stderr,
                "minrisk run: stopped; checkpoint %s written; continue with "
                "'minrisk run --resume' and the same arguments\n",
                ckpt);
    return MR_CHECKPOINTED;
}

/* A run stopped by a signal: by SIGTERM or SIGUSR1 (want_checkpoint, all
   ranks agree) its finished blocks into the checkpoint, but for an
   importance-sampled run (a checkpoint keeps no weights); by Ctrl-C
   nothing. */
static mr_status stop_run(const mr_scenario *sc, const mr_results *res, const mr_run_info *info,
                          const char *output, const char *ckpt, int want_checkpoint,
                          const mr_comm *comm)
{
    if (!want_checkpoint || sc->importance.present)
        return interrupted(output, want_checkpoint ? NO_CKPT_IMPORTANCE : NULL, comm);
    return write_checkpoint(sc, res, info, ckpt, comm);
}

/* The analysis or the write failed after a complete simulation (out of
   memory, a full disk): keep the trials in the checkpoint, so that
   --resume writes the file without simulating them again. One line. Not
   an importance-sampled run: a checkpoint keeps no weights, and --resume
   refuses one. */
static mr_status keep_trials(const mr_scenario *sc, const mr_results *res, const mr_run_info *info,
                             const char *ckpt, const mr_error *why, const mr_comm *comm)
{
    mr_error err = {{0}};
    if (sc->importance.present) {
        if (comm->rank == 0)
            fprintf(stderr, "%s; an importance-sampled run keeps no checkpoint: run it again\n",
                    why->msg);
        return MR_FAILED;
    }
    if (mr_checkpoint_write(ckpt, sc, res, info->random_words, comm, &err)) {
        if (comm->rank == 0)
            fprintf(stderr, "%s; the checkpoint could not be written either (%s)\n", why->msg,
                    err.msg);
        return MR_FAILED;
    }
    if (comm->rank == 0)
        fprintf(stderr,
                "%s; the simulated trials are kept in checkpoint %s: continue with "
                "'minrisk run --resume' and the same arguments\n",
                why->msg, ckpt);
    return MR_FAILED;
}

/* A complete simulation: the verification number, the analyses
   (attribution, --events), the file, the closing lines; the spent
   checkpoint removed. */
static mr_status write_run(const run_request *q, const mr_scenario *sc, const mr_results *res,
                           mr_run_info *info, bool progress, const char *output, const char *ckpt,
                           const mr_prec_spec *spec, const mr_prec_record *rec, const mr_comm *comm)
{
    mr_error err = {{0}};
    mr_extras extras = {0};
    mr_run_extras_opts xo = {.events = q->events,
                             .counterfactual = q->counterfactual,
                             .threads = q->threads,
                             .progress = progress};
    /* every row is final here (resumed blocks loaded): the verification number */
    info->verification = mr_results_verification(res);
    mr_comm_sum_u64(comm, &info->verification, 1);
    double ta = mr_now_seconds();
    mr_status rc = mr_attribution_collect(sc, res, &xo, comm, &extras, &err);
    /* an importance-sampled run has its own, weighted, ES and return-period
       intervals (/summary total_loss_es_ci_*, return_period_loss_ci_*): the
       unweighted bootstrap of summary_errors.c would be of the tilted law */
    if (rc == MR_OK && !mr_results_weighted(res, comm))
        rc = mr_summary_errors_collect(sc, res, comm, &extras, &err);
    if (rc == MR_OK && q->events)
        rc = mr_events_collect(sc, res, comm, &extras, &err);
    if (rc == MR_OK && spec && mr_precision_extras(&extras, spec, rec)) {
        snprintf(err.msg, sizeof err.msg, "%s: out of memory", sc->source_path);
        rc = MR_FAILED;
    }
    info->analysis_seconds = mr_now_seconds() - ta;
    /* Ctrl-C during the analysis: stop before the write (all ranks agree) */
    if (rc == MR_OK && mr_comm_any(comm, mr_engine_interrupted() && !checkpoint_requested))
        rc = MR_INTERRUPTED;
    if (rc == MR_OK) {
        mr_output_run one = {NULL, sc, res, info, NULL};
        int w = mr_output_write_multi(output, "run", &one, 1, extras.x, extras.n, comm, &err);
        rc = w > 0 ? MR_INTERRUPTED : w < 0 ? MR_FAILED : MR_OK;
    }
    mr_extras_free(&extras);
    /* SIGTERM or SIGUSR1 that stopped an analysis's own engine runs (the
       counterfactuals) or the write: the simulation is complete, so it goes
       into the checkpoint and --resume redoes only the analysis and the
       write */
    if (rc > 0)
        return stop_run(sc, res, info, output, ckpt, mr_comm_any(comm, checkpoint_requested), comm);
    if (rc < 0)
        return keep_trials(sc, res, info, ckpt, &err, comm);
    run_done(q, sc, sc->trials > res->trials_run ? sc->trials - res->trials_run : 0, info, output,
             ckpt, comm);
    if (res->weight && mr_importance_report(res, comm, q->quiet, NULL) != 0 && comm->rank == 0)
        fprintf(stderr, "minrisk run: out of memory for the importance report\n");
    return MR_OK;
}

/* The cap of a precision-targeted run: --max-trials, else --trials, else
   simulation.max_trials, else simulation.trials (sc as loaded, before
   run() sets its trials to the first check point); *from, unless NULL,
   names which (until 2026-12-07 the stop line always said "--max-trials"). */
static uint64_t precision_cap(const run_request *q, const mr_scenario *sc, const char **from)
{
    const struct {
        bool given;
        uint64_t trials;
        const char *name;
    } caps[] = {{q->have_max, q->max_trials, "--max-trials"},
                {q->have_trials, q->trials, "--trials"},
                {sc->max_trials > 0, sc->max_trials, "simulation.max_trials"},
                {true, sc->trials, "simulation.trials"}};
    size_t k = 0;
    while (!caps[k].given)
        k++;
    if (from)
        *from = caps[k].name;
    return caps[k].trials;
}

/* "minrisk: stopped at N trials: ..." (rank 0; none with --quiet). */
static void print_precision(const run_request *q, const mr_scenario *sc, const mr_prec_spec *spec,
                            const mr_prec_record *rec, const mr_comm *comm)
{
    if (q->quiet || comm->rank != 0)
        return;
    const mr_prec_check *c = &rec->check[rec->ncheck - 1];
    const char *cap;
    precision_cap(q, sc, &cap);
    if (rec->stopped_by >= 0)
        fprintf(stderr, "minrisk: stopped at %llu trials (check %d): every target met\n",
                (unsigned long long)c->trials, rec->ncheck);
    else
        fprintf(stderr, "minrisk: stopped at %llu trials (check %d): %s reached, a target unmet\n",
                (unsigned long long)c->trials, rec->ncheck, cap);
    for (int k = 0; k < spec->ntargets; k++)
        fprintf(stderr,
                "minrisk:   %-20s %.6g GBP m +- %.4g (95%%)  relative %.4f (target %.4f)%s\n",
                spec->t[k].name, c->estimate[k] / 1e6, c->half_width[k] / 1e6, c->relative[k],
                spec->t[k].target,
                c->relative[k] <= spec->t[k].target
                    ? (k == rec->stopped_by ? "  met, stopped the run" : "  met")
                    : "  NOT met");
}

/* The check points of spec up to res's trials not yet in rec, each over
   the trials up to it: *stop = 1 when the last is where the run stops
   (every target met, or max_trials); with progress, rank 0 prints a line
   for each check the run goes on from. MR_OK, MR_FAILED (out of memory) or
   MR_BAD_INPUT (a resumed checkpoint went past where these targets stop). */
static mr_status precision_checks(const mr_scenario *sc, const mr_results *res,
                                  const mr_prec_spec *spec, int progress, mr_prec_record *rec,
                                  int *stop, const mr_comm *comm, mr_error *err)
{
    const uint64_t N = res->ntrials_total;
    *stop = 0;
    for (uint64_t c = rec->ncheck ? rec->check[rec->ncheck - 1].trials : 0; c < N;) {
        c = mr_precision_next(c, spec->max_trials);
        mr_prec_check *ck = &rec->check[rec->ncheck];
        if (mr_precision_eval(comm, res, c, spec, ck)) {
            snprintf(err->msg, sizeof err->msg, "%s: out of memory for the precision checks",
                     sc->source_path);
            return MR_FAILED;
        }
        rec->ncheck++;
        const int met = mr_precision_met(spec, ck);
        if ((met || c == spec->max_trials) && c < N) {
            snprintf(err->msg, sizeof err->msg,
                     "%s: the checkpoint went on past %llu trials, where these targets stop the "
                     "run: resume with the arguments of the run that wrote it",
                     sc->source_path, (unsigned long long)c);
            return MR_BAD_INPUT;
        }
        if (met || c == spec->max_trials) {
            rec->stopped_by = mr_precision_binding(spec, ck);
            *stop = 1;
        } else if (progress && comm->rank == 0) {
            /* a check the run goes on from (the last is print_precision's) */
            fprintf(stderr, "minrisk: check %d at %llu trials:", rec->ncheck,
                    (unsigned long long)c);
            for (int k = 0; k < spec->ntargets; k++)
                fprintf(stderr, " %s relative %.4f (target %.4f)%s", spec->t[k].name,
                        ck->relative[k], spec->t[k].target, k + 1 < spec->ntargets ? "," : "");
            fprintf(stderr, "; on to %llu\n",
                    (unsigned long long)mr_precision_next(c, spec->max_trials));
        }
    }
    return MR_OK;
}

/* The trials of this rank: its whole blocks (mr_comm_block_range), as the
   engine will give it. */
static uint64_t rank_trials(uint64_t N, const mr_comm *comm)
{
    uint64_t lo, hi;
    mr_comm_block_range((N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS, comm->rank, comm->size, &lo,
                        &hi);
    uint64_t first = lo * MR_BLOCK_TRIALS,
             last = hi * MR_BLOCK_TRIALS < N ? hi * MR_BLOCK_TRIALS : N;
    return last > first ? last - first : 0;
}

/* The memory this rank needs for the analyses after the simulation
   (mr_run_extras_bytes), into *bytes: MR_OK, or MR_FAILED (out of memory
   on some rank, reported). Collective. */
static mr_status extras_bytes(const mr_scenario *sc, const mr_run_extras_opts *xo,
                              const mr_comm *comm, double *bytes, mr_error *err)
{
    const int failed = mr_run_extras_bytes(sc, rank_trials(sc->trials, comm), xo, bytes) != MR_OK;
    if (!mr_comm_any(comm, failed))
        return MR_OK;
    snprintf(err->msg, sizeof err->msg, "%s: out of memory", sc->source_path);
    mr_cli_report(comm, err);
    return MR_FAILED;
}

/* The simulation of a plain scenario, the blocks in skip (--resume) loaded
   from the checkpoint; then a checkpoint when stopped by SIGTERM or SIGUSR1,
   else the file. */
static mr_status simulate(const run_request *q, mr_scenario *sc, const char *output,
                          const char *ckpt, const unsigned char *skip, const mr_prec_spec *spec,
                          const mr_comm *comm)
{
    mr_prec_record rec = {.ncheck = 0, .stopped_by = -1};
    mr_error err = {{0}};
    mr_engine_opts opts = engine_opts(q, comm);
    opts.pause_seconds = sc->importance.present ? 0 : q->checkpoint_every;
    opts.skip_block = skip;
    mr_run_extras_opts xo = {.events = q->events,
                             .counterfactual = q->counterfactual,
                             .threads = q->threads,
                             .progress = opts.progress};
    if (extras_bytes(sc, &xo, comm, &opts.analysis_bytes, &err) != MR_OK)
        return MR_FAILED;
    mr_results res;
    mr_run_info info;
    mr_status rc = mr_engine_run(sc, &opts, &res, &info, &err);
    if (rc < 0) {
        mr_cli_report(comm, &err);
        return rc; /* MR_BAD_INPUT: a trial's result is not finite */
    }
    mr_status status;
    if (skip && mr_checkpoint_load_rows(ckpt, sc, &res, skip, &info.random_words, comm, &err)) {
        mr_cli_report(comm, &err);
        status = MR_FAILED;
        goto free_results;
    }
    for (;;) {
        /* Periodic checkpoints: the engine pauses every --checkpoint-every
           seconds, so that a crash loses at most that much work. */
        while (rc == MR_PAUSED) {
            if (mr_checkpoint_write(ckpt, sc, &res, info.random_words, comm, &err)) {
                mr_cli_report(comm, &err);
                status = MR_FAILED;
                goto free_results;
            }
            rc = mr_engine_continue(sc, &opts, &res, &info, &err);
            if (rc < 0) {
                mr_cli_report(comm, &err);
                status = rc;
                goto free_results;
            }
        }
        if (rc != MR_OK || !spec)
            break;
        /* --target-precision: the check point reached; stop, or on to the
           next with the rows re-laid for its trial count */
        int stop;
        status = precision_checks(sc, &res, spec, opts.progress, &rec, &stop, comm, &err);
        if (status == MR_OK && !stop &&
            mr_precision_grow(&res, mr_precision_next(sc->trials, spec->max_trials), comm)) {
            snprintf(err.msg, sizeof err.msg, "%s: out of memory for %llu trials on a rank",
                     sc->source_path,
                     (unsigned long long)mr_precision_next(sc->trials, spec->max_trials));
            status = MR_FAILED;
        }
        if (status != MR_OK) {
            mr_cli_report(comm, &err);
            goto free_results;
        }
        if (stop)
            break;
        sc->trials = res.ntrials_total;
        opts.skip_block = NULL;
        rc = mr_engine_continue(sc, &opts, &res, &info, &err);
        if (rc < 0) {
            mr_cli_report(comm, &err);
            status = rc;
            goto free_results;
        }
    }
    if (rc > 0)
        status =
            stop_run(sc, &res, &info, output, ckpt, mr_comm_any(comm, checkpoint_requested), comm);
    else {
        status = write_run(q, sc, &res, &info, opts.progress, output, ckpt, spec, &rec, comm);
        if (status == MR_OK && spec)
            print_precision(q, sc, spec, &rec, comm);
    }
free_results:
    mr_results_free(&res);
    return status;
}

/* output.trials: none or totals, without --counterfactual, --resume or a
   precision target (the option or simulation.target_precision: the checks
   need the trials): the trials are streamed (sim/engine.h
   mr_engine_stream), so the memory does not grow with their number
   (totals: but for the columns the file keeps); no checkpoints. */
static int streamed(const run_request *q, const mr_scenario *sc)
{
    return sc->output_trials != MR_OUTPUT_TRIALS_ALL && !q->counterfactual && !q->resume &&
           !q->target_precision && !sc->target_precision &&
           !sc->importance.present; /* weighted statistics need the trials */
}

/* Sweeps, streamed and importance-sampled runs write no checkpoint; what
   one of them is, for the warning of an unused --checkpoint-every (NULL:
   the run keeps checkpoints). */
static const char *no_checkpoint(const run_request *q, const mr_scenario *sc)
{
    return sc->nsweep > 0           ? NO_CKPT_SWEEP
           : sc->importance.present ? NO_CKPT_IMPORTANCE
           : streamed(q, sc)        ? NO_CKPT_STREAMED
                                    : NULL;
}

/* A streamed run: the statistics from the stream, the attribution from its
   tails, then the file. Stopped by a signal: nothing written (no
   checkpoint: the trials are not kept). Written: an earlier run's
   checkpoint at ckpt goes, as after any complete run. */
static mr_status simulate_stream(const run_request *q, const mr_scenario *sc, const char *output,
                                 const char *ckpt, const mr_comm *comm)
{
    mr_error err = {{0}};
    mr_engine_opts opts = engine_opts(q, comm);
    mr_run_extras_opts xo = {
        .events = q->events, .threads = q->threads, .progress = opts.progress, .stream = true};
    if (extras_bytes(sc, &xo, comm, &opts.analysis_bytes, &err) != MR_OK)
        return MR_FAILED;
    mr_results res;
    mr_run_info info;
    mr_stream *st = NULL;
    mr_status rc = mr_engine_stream(sc, &opts, 3, &res, &st, &info, &err);
    if (rc > 0) {
        /* collective: every rank calls it, then rank 0 alone prints
           (called by rank 0 alone, it waited for ever) */
        const int signalled = mr_comm_any(comm, checkpoint_requested);
        return interrupted(output, signalled ? NO_CKPT_STREAMED : NULL, comm);
    }
    if (rc < 0) {
        mr_cli_report(comm, &err);
        return rc;
    }
    mr_sumstats ss;
    mr_extras extras = {0};
    double ta = mr_now_seconds();
    if (mr_stream_sumstats(st, &res, &ss) != 0) {
        snprintf(err.msg, sizeof err.msg, "%s: out of memory for the statistics", sc->source_path);
        rc = MR_FAILED;
        memset(&ss, 0, sizeof ss);
    }
    if (rc == MR_OK)
        rc = mr_attribution_collect_stream(sc, &res, st, &xo, comm, &extras, &err);
    if (rc == MR_OK)
        rc = mr_summary_errors_collect_stream(sc, &res, st, comm, &extras, &err);
    if (rc == MR_OK && q->events)
        rc = mr_events_collect(sc, &res, comm, &extras, &err);
    info.analysis_seconds = mr_now_seconds() - ta;
    if (rc == MR_OK && mr_comm_any(comm, mr_engine_interrupted()))
        rc = MR_INTERRUPTED;
    if (rc == MR_OK) {
        mr_output_run one = {NULL, sc, &res, &info, &ss};
        int w = mr_output_write_multi(output, "run", &one, 1, extras.x, extras.n, comm, &err);
        rc = w > 0 ? MR_INTERRUPTED : w < 0 ? MR_FAILED : MR_OK;
    }
    mr_extras_free(&extras);
    mr_sumstats_free(&ss);
    mr_stream_free(st);
    mr_results_free(&res);
    if (rc > 0)
        return interrupted(output, NULL, comm);
    if (rc < 0) {
        mr_cli_report(comm, &err);
        return rc;
    }
    run_done(q, sc, 0, &info, output, ckpt, comm); /* a streamed run keeps no checkpoint */
    return MR_OK;
}

/* The guard of the output path (outpath.h: checked by rank 0, told to
   all; fail before a long run, not after it), then its lock for the rest
   of the run. */
static mr_status claim_output(const run_request *q, const mr_scenario *sc, const char *output,
                              const mr_comm *comm, mr_error *err)
{
    if (!output) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", q->scenario);
        return MR_FAILED;
    }
    const mr_scenario *scs[1] = {sc};
    const int ckpt = no_checkpoint(q, sc) == NULL;
    /* /events and /loss_tables (--events) from the expected occurrences;
       agreed, so that no rank goes on alone into the claim */
    const mr_run_extras_opts xo = {.events = q->events};
    double events = 0.0;
    if (mr_comm_any(comm, mr_run_extras_file_bytes(sc, &xo, &events) != MR_OK)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", sc->source_path);
        return MR_FAILED;
    }
    const double bytes = mr_output_size_estimate(sc, sc->nsweep > 0 ? sc->nvariants : 1) + events;
    mr_outpath_req oq = {
        "run", output, &q->scenario, scs, 1, bytes, ckpt ? mr_checkpoint_size_estimate(sc) : 0.0};
    return mr_outpath_claim(&oq, comm, err);
}

/* A run without --resume starts again: say so when it will replace the
   checkpoint an earlier run left (the lock is held: it is no other run's). */
static void note_unused_checkpoint(const char *ckpt, const mr_comm *comm)
{
    struct stat st;
    if (comm->rank == 0 && lstat(ckpt, &st) == 0 && S_ISREG(st.st_mode))
        fprintf(stderr,
                "minrisk run: %s (an earlier run's checkpoint) is not resumed without --resume: "
                "this run starts again and replaces or removes it\n",
                ckpt);
}

/* --resume with --target-precision: the check point the checkpoint's run
   had reached becomes the trial count (sc->trials). 0, or -1 with err. */
static int resume_check_point(const char *ckpt, mr_scenario *sc, const mr_prec_spec *spec,
                              const mr_comm *comm, mr_error *err)
{
    uint64_t trials;
    if (mr_checkpoint_read_trials(ckpt, &trials, comm, err))
        return -1;
    if (!mr_precision_is_check(trials, spec->max_trials)) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: the checkpoint is of another run (%llu trials is no check point of "
                 "--max-trials %llu)",
                 ckpt, (unsigned long long)trials, (unsigned long long)spec->max_trials);
        return -1;
    }
    sc->trials = trials;
    return 0;
}

/* --importance and --target over the scenario's importance block, and
   what importance sampling does not go with: one line, exit 2. */
static mr_status importance_options(const run_request *q, mr_scenario *sc, const mr_comm *comm)
{
    mr_importance *imp = &sc->importance;
    char why[512];
    if (q->importance) {
        mr_importance keep = *imp; /* the pilot settings of the block stay */
        mr_importance cli = {0};
        cli.pilot_stages = keep.pilot_stages;
        cli.pilot_trials = keep.pilot_trials;
        cli.target = keep.target;
        cli.target_level = keep.target_level;
        cli.target_annual = keep.target_annual;
        cli.focus = keep.focus;
        cli.defensive = keep.defensive;
        cli.defensive_set = keep.defensive_set;
        cli.focus_years = keep.focus_years;
        const int is_auto = mr_importance_parse_spec(sc, q->importance, &cli, why, sizeof why);
        if (is_auto < 0) {
            mr_importance_free(&cli);
            mr_cli_usage_error("run", "--importance: %s", why);
            return MR_BAD_INPUT;
        }
        /* fixed rates (no 'auto') are a fixed tilt: the block's target
           is dropped, unless --target asks for the cross-entropy from
           them (until 2026-12-07 the block's target ran it anyway) */
        if (!is_auto)
            cli.target = MR_TARGET_NONE;
        mr_importance_free(imp);
        *imp = cli;
        /* auto, with or without starting rates, needs a target (the
           option or the block's): without one the rates alone would run
           and 'auto' be ignored */
        if (is_auto && imp->target == MR_TARGET_NONE && !q->target) {
            mr_cli_usage_error("run", "%s", "--importance auto: give --target (e.g. var99.9)");
            return MR_BAD_INPUT;
        }
    }
    if (q->target) {
        if (!imp->present) {
            mr_cli_usage_error("run", "%s",
                               "--target: only with --importance auto or an importance block");
            return MR_BAD_INPUT;
        }
        if (mr_importance_parse_target(q->target, imp)) {
            mr_cli_usage_error("run",
                               "--target: expected var<P> or es<P> with P in [50,100), "
                               "optionally _total or _annual (var99.9, es99.5_annual), got '%s'",
                               q->target);
            return MR_BAD_INPUT;
        }
    }
    const char *mix = imp->present ? mr_importance_check_focus(imp) : NULL;
    if (mix) {
        mr_cli_usage_error("run", "--importance: %s", mix);
        return MR_BAD_INPUT;
    }
    /* the weighted statistics (and the pilot stages') sort the N H annual
       values with 32-bit indices (out/stats/wstats.h) */
    const uint64_t H = (uint64_t)(sc->horizon_years > 0 ? sc->horizon_years : 1);
    const uint64_t most = (uint64_t)UINT32_MAX - 1;
    const uint64_t pilot =
        imp->present && imp->target != MR_TARGET_NONE ? mr_importance_pilot_trials(sc) : 0;
    const uint64_t big = pilot > sc->trials ? pilot : sc->trials;
    if (imp->present && big * H > most) {
        if (comm->rank == 0)
            fprintf(stderr,
                    "minrisk run: importance sampling: %llu %s of %d years: the weighted "
                    "statistics take at most %llu trial-years (%s)\n",
                    (unsigned long long)big, big == sc->trials ? "trials" : "pilot trials",
                    sc->horizon_years, (unsigned long long)most, q->scenario);
        return MR_BAD_INPUT;
    }
    const char *bad = !imp->present          ? NULL
                      : q->resume            ? "--resume"
                      : q->target_precision  ? "--target-precision"
                      : sc->target_precision ? "simulation.target_precision"
                                             : NULL;
    if (bad) {
        if (comm->rank == 0)
            fprintf(stderr, "minrisk run: %s: not available with importance sampling (%s)\n", bad,
                    q->scenario);
        return MR_BAD_INPUT;
    }
    return MR_OK;
}

/* An importance target: the cross-entropy pilot stages choose the tilt
   (sim/importance.h) before the main run. */
static mr_status choose_tilt(const run_request *q, mr_scenario *sc, const mr_comm *comm)
{
    if (!sc->importance.present || sc->importance.target == MR_TARGET_NONE)
        return MR_OK;
    mr_error err = {{0}};
    mr_engine_opts opts = engine_opts(q, comm); /* a line a stage with a progress line */
    double secs = 0.0;
    mr_status rc = mr_importance_choose(sc, &opts, &secs, &err);
    if (rc != MR_OK) {
        if (rc > 0) /* in the pilot stages */
            return interrupted(q->output ? q->output : sc->source_path,
                               mr_comm_any(comm, checkpoint_requested) ? NO_CKPT_IMPORTANCE : NULL,
                               comm);
        mr_cli_report(comm, &err);
        return rc;
    }
    if (!q->quiet && comm->rank == 0) {
        const mr_importance *imp = &sc->importance;
        fprintf(stderr, "minrisk: importance: %d cross-entropy stages of %.0f trials in %.2f s;",
                imp->nstages, imp->stage_figs[0], secs);
        if (mr_importance_focus_year(imp)) /* docs/MODEL.md §12i, "A year focus" */
            fprintf(stderr, " year focus (%d-year window, defensive %g);",
                    imp->focus_years ? (int)imp->focus_years : 1, mr_importance_defensive(imp));
        int shown = 0;
        for (int k = 0; k < imp->nrates; k++)
            if (fabs(imp->rates[k].factor - 1.0) > 0.05 && shown++ < 6)
                fprintf(stderr, " %s x%.3g", imp->rates[k].pattern, imp->rates[k].factor);
        fprintf(stderr, "%s\n", shown > 6 ? " ..." : shown ? "" : " no factor away from 1");
    }
    return MR_OK;
}

static mr_status run(const run_request *q, const mr_comm *comm)
{
    mr_scenario sc;
    mr_error err = {{0}};
    int lrc = mr_cli_load_scenario(q->scenario, &sc, comm, &err);
    if (lrc) {
        mr_cli_report(comm, &err);
        return lrc == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
    }
    /* an uncertain block: its values checked as validate does, then sent
       to the command that samples it */
    if (sc.nuncertain > 0) {
        mr_status u = mr_uncertainty_check(&sc, &err);
        if (u == MR_OK) {
            snprintf(err.msg, sizeof err.msg,
                     "%s: has an uncertain block, which minrisk run does not sample: use "
                     "'minrisk uncertainty %s', or remove the block to run the values as written",
                     q->scenario, q->scenario);
            u = MR_BAD_INPUT;
        }
        mr_cli_report(comm, &err);
        mr_scenario_free(&sc);
        return u;
    }
    /* warnings of a scenario that may give no loss (docs/SCENARIO_FORMAT.md),
       once it is known to load whole: a sweep's variants are checked first
       (only then: the run parses them again) */
    if (!q->quiet && sc.nwarnings) {
        mr_status check = sc.nsweep > 0 ? mr_sweep_check(&sc, &err) : MR_OK;
        if (check != MR_OK) {
            mr_cli_report(comm, &err);
            mr_scenario_free(&sc);
            return check;
        }
        mr_cli_warnings(comm, &sc);
    }
    if (q->have_trials)
        sc.trials = q->trials;
    if (q->have_seed)
        sc.seed = q->seed;
    /* --target-precision (else simulation.target_precision, checked by the
       loader): the stages start at the first check point */
    mr_prec_spec spec;
    const char *targets = q->target_precision ? q->target_precision : sc.target_precision;
    const int have_spec = targets != NULL;
    if (have_spec) {
        mr_status ps = MR_OK;
        char why[sizeof err.msg - 32];
        if (mr_precision_parse(targets, &sc, &spec, why, sizeof why)) {
            snprintf(err.msg, sizeof err.msg, "--target-precision: %s", why);
            ps = MR_BAD_INPUT;
        } else if (sc.nsweep > 0) {
            snprintf(err.msg, sizeof err.msg,
                     "--target-precision: not available for a scenario with a sweep (%s)",
                     q->scenario);
            ps = MR_BAD_INPUT;
        }
        if (ps != MR_OK) {
            if (comm->rank == 0)
                fprintf(stderr, "minrisk run: %s\n", err.msg);
            mr_scenario_free(&sc);
            return ps;
        }
        spec.max_trials = precision_cap(q, &sc, NULL);
        sc.trials = mr_precision_next(0, spec.max_trials);
        if (q->have_max && q->have_trials) {
            if (comm->rank == 0)
                fprintf(stderr, "minrisk run: --trials and --max-trials: give one (the cap of "
                                "--target-precision)\n");
            mr_scenario_free(&sc);
            return MR_BAD_INPUT;
        }
    } else if (q->have_max) {
        if (comm->rank == 0)
            fprintf(stderr, "minrisk run: --max-trials: only with a precision target "
                            "(--target-precision or simulation.target_precision)\n");
        mr_scenario_free(&sc);
        return MR_BAD_INPUT;
    }
    if (importance_options(q, &sc, comm) != MR_OK) {
        mr_scenario_free(&sc);
        return MR_BAD_INPUT;
    }
    /* an option that does nothing is said (until 2026-12-07 silent: a review) */
    const char *kind = no_checkpoint(q, &sc);
    if (q->have_every && kind && !q->quiet && comm->rank == 0)
        fprintf(stderr,
                "minrisk run: warning: --checkpoint-every: %s keeps no checkpoint; a stop "
                "signal ends it with nothing written (docs/HPC.md \"The wall-time limit\")\n",
                kind);
    char *defout = q->output ? NULL : mr_cli_default_output(q->scenario);
    const char *output = q->output ? q->output : defout;
    char *ckpt = output ? mr_checkpoint_path(output) : NULL;
    unsigned char *skip = NULL;
    mr_status status = claim_output(q, &sc, ckpt ? output : NULL, comm, &err);
    if (status != MR_OK) {
        mr_cli_report(comm, &err);
    } else {
        if (q->verbose)
            print_settings(q, &sc, output, comm);
        if (!q->resume && sc.nsweep == 0)
            note_unused_checkpoint(ckpt, comm);
        if (sc.nsweep > 0) {
            status = run_sweep(q, &sc, output, comm);
            if (status == MR_OK && q->verbose)
                print_timings(output, comm);
        } else if (q->resume && have_spec && resume_check_point(ckpt, &sc, &spec, comm, &err)) {
            mr_cli_report(comm, &err);
            status = MR_BAD_INPUT;
        } else if (q->resume && mr_checkpoint_read_done(ckpt, &sc, &skip, comm, &err)) {
            mr_cli_report(comm, &err);
            status = MR_BAD_INPUT;
        } else if (streamed(q, &sc)) {
            status = simulate_stream(q, &sc, output, ckpt, comm);
        } else if ((status = choose_tilt(q, &sc, comm)) == MR_OK) {
            status = simulate(q, &sc, output, ckpt, skip, have_spec ? &spec : NULL, comm);
        }
    }
    mr_outpath_release(); /* whatever the outcome: the lock file goes */
    free(skip);
    free(ckpt);
    free(defout);
    mr_scenario_free(&sc);
    return status;
}

mr_status mr_cmd_run(int argc, char **argv)
{
    enum {
        TRIALS = MR_CLI_LONG,
        SEED,
        THREADS,
        EVERY,
        RESUME,
        EVENTS,
        COUNTERFACTUAL,
        PRECISION,
        MAXT,
        IMPORTANCE,
        TARGET,
        PROGRESS
    };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"output", required_argument, NULL, 'o'},
        {"trials", required_argument, NULL, TRIALS},
        {"seed", required_argument, NULL, SEED},
        {"threads", required_argument, NULL, THREADS},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"checkpoint-every", required_argument, NULL, EVERY},
        {"resume", no_argument, NULL, RESUME},
        {"events", no_argument, NULL, EVENTS},
        {"counterfactual", no_argument, NULL, COUNTERFACTUAL},
        {"target-precision", required_argument, NULL, PRECISION},
        {"max-trials", required_argument, NULL, MAXT},
        {"importance", required_argument, NULL, IMPORTANCE},
        {"target", required_argument, NULL, TARGET},
        {"progress", required_argument, NULL, PROGRESS},
        {NULL, 0, NULL, 0}};
    const char *scenario = NULL, *output = NULL, *importance = NULL, *target = NULL;
    unsigned long long trials = 0, seed = 0, threads = 0;
    int have_trials = 0, have_seed = 0, quiet = 0, resume = 0, events = 0, counterfactual = 0;
    int verbose = 0, have_max = 0;
    const char *precision = NULL;
    unsigned long long max_trials = 0;
    unsigned long long every = MR_DEFAULT_CHECKPOINT_SECONDS, progress = 0;
    int have_every = 0;
    mr_cli_num why;
    mr_cli_opts p;
    mr_cli_opts_init(&p, "run", usage_run, "o:qv", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        switch (c) {
        case 'o':
            output = v;
            break;
        case TRIALS:
            if ((why = mr_cli_parse_range(v, 1, MR_MAX_TRIALS, &trials)))
                return mr_cli_number_error(
                    "run", why, "--trials: must be an integer in [1, 4294967295], got '%s'", v);
            have_trials = 1;
            break;
        case SEED:
            if ((why = mr_cli_parse_u64(v, &seed)))
                return mr_cli_number_error(
                    "run", why, "--seed: must be an integer in [0, 2^64-1], got '%s'", v);
            have_seed = 1;
            break;
        case THREADS:
            if ((why = mr_cli_parse_range(v, 1, MR_MAX_THREADS, &threads)))
                return mr_cli_number_error(
                    "run", why, "--threads: must be an integer in [1, 4096], got '%s'", v);
            break;
        case 'q':
            quiet = 1;
            break;
        case 'v':
            verbose = 1;
            break;
        case EVERY:
            if ((why = mr_cli_parse_range(v, 0, 31536000ull, &every)))
                return mr_cli_number_error(
                    "run", why, "--checkpoint-every: must be seconds in [0, 31536000], got '%s'",
                    v);
            have_every = 1;
            break;
        case RESUME:
            resume = 1;
            break;
        case EVENTS:
            events = 1;
            break;
        case COUNTERFACTUAL:
            counterfactual = 1;
            break;
        case PRECISION:
            precision = v;
            break;
        case MAXT:
            if ((why = mr_cli_parse_range(v, 1, MR_MAX_TRIALS, &max_trials)))
                return mr_cli_number_error(
                    "run", why, "--max-trials: must be an integer in [1, 4294967295], got '%s'", v);
            have_max = 1;
            break;
        case IMPORTANCE:
            importance = v;
            break;
        case TARGET:
            target = v;
            break;
        case PROGRESS:
            if (mr_cli_parse_progress("run", v, &progress) != MR_OK)
                return MR_BAD_INPUT;
            break;
        default: /* MR_CLI_ARG */
            if (scenario)
                return mr_cli_usage_error("run", "unexpected argument '%s'", v);
            scenario = v;
        }
    }
    if (p.stop)
        return p.status;
    if (!scenario)
        return mr_cli_usage_error("run", "%s", "missing SCENARIO.yaml");
    if (quiet && progress)
        return mr_cli_usage_error("run", "%s", "--quiet and --progress contradict each other");
    mr_comm comm = mr_comm_world();
    if (mr_cli_libm_agree(&comm, "run") != MR_OK)
        return MR_FAILED;
    run_request req = {
        scenario,   output,   trials,     seed,           have_trials,      have_seed, (int)threads,
        quiet,      resume,   events,     counterfactual, (double)every,    verbose,   precision,
        max_trials, have_max, importance, target,         (double)progress, have_every};
    return run(&req, &comm);
}
