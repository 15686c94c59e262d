/* compare.c - `minrisk compare A.yaml B.yaml`: two scenarios on common
 * random numbers (MODEL §12), the change in mean loss, VaR, ES and the
 * 1-in-100 annual loss per sector and in total with 95% intervals from the
 * paired per-trial differences (sim/studies/paired.h), and one file holding both
 * runs and the differences (docs/STUDIES.md "Compare").
 *
 * One process: OpenMP threads, never MPI (the MPI build runs it without
 * mpiexec; the engine and the writer get a NULL comm).
 */
#include "sim/cmd/cli.h"
#include "sim/cmd/compare_file.h"
#include "out/tables/compare_print.h"
#include "sim/cmd/outpath.h"
#include "out/clock.h"
#include "out/format.h"
#include "sim/engine.h"
#include "out/h5/extras.h"
#include "out/h5/writer.h"
#include "out/tables/policy_cost.h"
#include "models/policies.h"
#include "sim/studies/paired.h"
#include "sim/studies/run_extras.h"
#include "sim/studies/summary_errors.h"
#include "sim/scenario/loader.h"
#include "models/units.h"

#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BOOTSTRAP 1000
#define MAX_BOOTSTRAP 100000

static const char *const usage_compare =
    "usage: minrisk compare A.yaml B.yaml [C.yaml ...] [-o FILE.h5] [--trials N] [--seed S]\n"
    "                       [--threads T] [--bootstrap B] [--quiet] [--progress SECONDS]\n"
    "\n"
    "Run two or more scenarios (at most 26) on common random numbers (the same\n"
    "seed and trials: trial i of every run draws the same random numbers for every\n"
    "disruption process and price they share) and report, per sector and in total,\n"
    "the change of each scenario against the first, B - A, C - A, ..., in the mean\n"
    "loss, VaR 95%, VaR 99% and ES 99% over the horizon and in the 1-in-100 annual\n"
    "loss, each with a 95% interval from the paired per-trial differences (the\n"
    "mean's from the paired standard error, the others by a bootstrap over\n"
    "trials, the same resamples for every pair), and the variance-reduction factor\n"
    "of the pairing against independent seeds. Losses are printed in GBP m. When\n"
    "any scenario states policy costs (policies.cost), also the costs over the\n"
    "horizon and the loss avoided per pound of each scenario's extra cost over A's,\n"
    "(mean A - mean B) / (cost B - cost A), with the interval of the mean's change\n"
    "divided by the cost difference.\n"
    "\n"
    "  -o, --output FILE   output file (default: A-vs-B.h5, A-vs-B-vs-C.h5, ... from\n"
    "                      the base names, in the current directory): the runs in\n"
    "                      /runs/a, /runs/b, /runs/c, ..., the differences against\n"
    "                      A in /difference\n"
    "  --trials N          trials of every run (default: A's simulation.trials)\n"
    "  --seed S            seed of every run, 0..2^64-1 (default: A's simulation.seed)\n"
    "  --threads T         OpenMP threads, 1..4096 (default: OMP_NUM_THREADS or\n"
    "                      all cores)\n"
    "  --bootstrap B       bootstrap resamples, 100..100000 (default 1000; 0: no\n"
    "                      intervals for VaR, ES and the annual loss); an interval\n"
    "                      of a tail statistic needs 10 trials beyond its level\n"
    "                      (1,000 trials for VaR and ES 99%), else n/a\n"
    "  -q, --quiet         no progress line or notes on stderr\n"
    "  --progress SECONDS  a progress line every SECONDS (1..86400) wherever\n"
    "                      stderr goes (batch logs); default: on a terminal only\n"
    "\n"
    "Every scenario must have A's sectors (by id, in any order; rows follow A's\n"
    "order) and A's horizon. Without --seed/--trials every run uses A's seed and\n"
    "trials (a note says so when another's differ). The file is written under a\n"
    "temporary name and renamed when complete; an interrupted comparison\n"
    "(Ctrl-C: exit status 130) leaves nothing at the output path. The output\n"
    "path is checked and locked (FILE.h5.lock) as for 'minrisk run'.\n"
    "\n"
    "examples:\n"
    "  minrisk compare scenarios/uk-2024.yaml scenarios/uk-2035-vision.yaml --trials 2000 -o "
    "vision.h5\n"
    "  minrisk compare scenarios/uk-2024.yaml scenarios/uk-2035-baseline.yaml "
    "scenarios/uk-2035-vision.yaml --trials 2000 -o uk3.h5\n";

/* "<A base>-vs-<B base>[-vs-<C base> ...].h5" in the current directory
   (NULL: out of memory). */
static char *default_output(const request *q)
{
    size_t len = 1;
    char *base[MAX_SCENARIOS] = {NULL};
    bool ok = true;
    for (int w = 0; w < q->n; w++) {
        base[w] = mr_cli_default_output(q->scen[w]);
        ok = ok && base[w];
        if (base[w])
            len += strlen(base[w]) + 4;
    }
    char *out = ok ? malloc(len) : NULL;
    if (out) {
        size_t at = 0;
        for (int w = 0; w < q->n; w++) {
            size_t l = strlen(base[w]) - 3; /* without ".h5" */
            if (w) {
                memcpy(out + at, "-vs-", 4);
                at += 4;
            }
            memcpy(out + at, base[w], l);
            at += l;
        }
        memcpy(out + at, ".h5", 4);
    }
    for (int w = 0; w < q->n; w++)
        free(base[w]);
    return out;
}

/* Scenario w can be compared with A: a plain scenario, the same horizon,
   the same sectors. map[j] = w's index of A's sector j. 0, or -1 with err. */
static int check_pair(const char *pa, const char *pb, const mr_scenario *a, const mr_scenario *b,
                      int *map, mr_error *err)
{
    const mr_scenario *sc[2] = {a, b};
    const char *path[2] = {pa, pb};
    for (int w = 0; w < 2; w++)
        if (sc[w]->nsweep > 0) {
            snprintf(err->msg, sizeof err->msg,
                     "%s: a sweep scenario; compare takes plain scenarios (run the sweep "
                     "with 'minrisk run')",
                     path[w]);
            return -1;
        } else if (sc[w]->importance.present) {
            snprintf(err->msg, sizeof err->msg,
                     "%s: an importance block; compare's paired differences are unweighted: "
                     "compare plain scenarios (docs/STUDIES.md, Importance sampling)",
                     path[w]);
            return -1;
        } else if (sc[w]->nuncertain > 0) {
            /* run refuses it too: run as written, its spread would read as
               "no change" */
            snprintf(err->msg, sizeof err->msg,
                     "%s: has an uncertain block, which compare does not sample: use "
                     "'minrisk uncertainty %s', or remove the block to compare the values as "
                     "written",
                     path[w], path[w]);
            return -1;
        }
    if (a->horizon_years != b->horizon_years) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: simulation.horizon_years is %d years, but %d in %s: compare needs the "
                 "same horizon",
                 pb, b->horizon_years, a->horizon_years, pa);
        return -1;
    }
    for (int j = 0; j < a->nsectors; j++) {
        map[j] = -1;
        for (int k = 0; k < b->nsectors; k++)
            if (!strcmp(a->sectors[j].id, b->sectors[k].id))
                map[j] = k;
        if (map[j] < 0) {
            snprintf(err->msg, sizeof err->msg,
                     "%s: no sector '%s' (it is in %s): compare needs the same sectors in all "
                     "scenarios",
                     pb, a->sectors[j].id, pa);
            return -1;
        }
    }
    for (int k = 0; k < b->nsectors; k++) {
        bool found = false;
        for (int j = 0; j < a->nsectors && !found; j++)
            found = !strcmp(a->sectors[j].id, b->sectors[k].id);
        if (!found) {
            snprintf(err->msg, sizeof err->msg,
                     "%s: sector '%s' is not in %s: compare needs the same sectors in all "
                     "scenarios",
                     pb, b->sectors[k].id, pa);
            return -1;
        }
    }
    return 0;
}

/* ---- the command ---------------------------------------------------------- */

/* Common random numbers: one seed and one trial count for every run (the
   command line's, else A's; a note for each run whose own differ). */
static void common_numbers(const request *q, mr_scenario *sc, uint64_t *trials, uint64_t *seed)
{
    *trials = q->have_trials ? q->trials : sc[0].trials;
    *seed = q->have_seed ? q->seed : sc[0].seed;
    for (int w = 1; w < q->n; w++)
        if (!q->quiet && ((!q->have_seed && sc[w].seed != *seed) ||
                          (!q->have_trials && sc[w].trials != *trials)))
            fprintf(stderr,
                    "minrisk compare: note: %s has seed %llu and %llu trials; %s use seed %llu "
                    "(%s) and %llu trials (%s)\n",
                    q->scen[w], (unsigned long long)sc[w].seed, (unsigned long long)sc[w].trials,
                    q->n == 2 ? "both runs" : "all runs", (unsigned long long)*seed,
                    q->have_seed ? "--seed" : q->scen[0], (unsigned long long)*trials,
                    q->have_trials ? "--trials" : q->scen[0]);
    for (int w = 0; w < q->n; w++) {
        sc[w].seed = *seed;
        sc[w].trials = *trials;
    }
    for (int w = 0; w < q->n && !q->quiet; w++)
        if (sc[w].target_precision)
            fprintf(stderr,
                    "minrisk compare: note: %s has simulation.target_precision; compare runs a "
                    "fixed %llu trials (%s) and does not stop on precision\n",
                    q->scen[w], (unsigned long long)*trials,
                    q->have_trials ? "--trials" : q->scen[0]);
    /* the grid is part of the model (docs/MODEL.md §1): B - A then holds
       its effect as well as the policies' */
    for (int w = 1; w < q->n && !q->quiet; w++)
        if (sc[w].steps_per_year != sc[0].steps_per_year)
            fprintf(stderr,
                    "minrisk compare: note: %s has %d steps a year, %s %d: the time grid "
                    "changes results by itself (docs/MODEL.md §1), so the differences include "
                    "its effect\n",
                    q->scen[w], sc[w].steps_per_year, q->scen[0], sc[0].steps_per_year);
}

/* The runs, one after another; have_res[w] once res[w] holds results to
   free. Every run's results stay in memory until the one write, and
   paired_statistics then adds the losses of every run (R N S doubles) and
   three arrays of N, and write_comparison each run's attribution in turn
   (mr_run_extras_bytes): each run's up-front memory check counts the
   results of the runs still to come and the larger of these, so that a
   comparison too large is refused before A's first trial, not after A has
   run (as a sweep's, sweep.c). Until 2026-12-06 the attribution was not
   counted. */
static mr_status run_all(const request *q, const mr_scenario *sc, const char *output,
                         mr_results *res, bool *have_res, mr_run_info *info)
{
    mr_error err = {{0}};
    const mr_comm solo = {0, 1, NULL};
    const double N = (double)sc[0].trials;
    double after = 8.0 * N * ((double)q->n * (double)sc[0].nsectors + 3.0);
    /* then write_comparison's attribution and summary intervals, run by
       run (attribution_all), each as `minrisk run` counts them */
    const mr_run_extras_opts xo = {.threads = (int)q->threads};
    for (int w = 0; w < q->n; w++) {
        double a = 0.0;
        if (mr_run_extras_bytes(&sc[w], sc[w].trials, &xo, &a) != MR_OK) {
            fprintf(stderr, "%s: out of memory\n", q->scen[w]);
            return MR_FAILED;
        }
        after = a > after ? a : after;
    }
    double later = 0.0;
    for (int w = 1; w < q->n; w++)
        later += mr_engine_results_bytes(&sc[w], &solo);
    for (int w = 0; w < q->n; w++) {
        char what[128];
        snprintf(what, sizeof what, "results of the %d later run%s and the analyses after the runs",
                 q->n - 1 - w, q->n - 1 - w == 1 ? "" : "s");
        mr_engine_opts opts = {.threads = (int)q->threads,
                               .progress = !q->quiet && (q->progress || isatty(STDERR_FILENO)),
                               .progress_every = (double)q->progress,
                               .comm = NULL,
                               .analysis_bytes = later + after,
                               .analysis_what = what};
        mr_status rc = mr_engine_run(&sc[w], &opts, &res[w], &info[w], &err);
        if (w + 1 < q->n)
            later -= mr_engine_results_bytes(&sc[w + 1], &solo);
        later = later > 0.0 ? later : 0.0;
        if (rc < 0) {
            fprintf(stderr, "%s\n", err.msg);
            return MR_FAILED;
        }
        have_res[w] = true;
        if (rc > 0 || mr_engine_interrupted()) {
            fprintf(stderr, "minrisk compare: interrupted; nothing written to %s\n", output);
            return MR_INTERRUPTED;
        }
    }
    return MR_OK;
}

/* The series of every run against A, each sector's OL + XC (run w's column
   of the same id, map[w]) and the total, and their paired statistics: one
   call for all pairs, so that every pair uses the same resamples (and a
   pair's statistics are those of a comparison of the two alone).
   p[(w - 1) P + s], names[s] the series' ids, the bootstrap's time in
   *boot_s. The losses OL + XC of every run are kept at once: R N S doubles
   beside the runs' own results. */
static mr_status paired_statistics(const request *q, const mr_scenario *sc, int *const *map,
                                   const mr_results *res, const char **names, mr_paired *p,
                                   double *boot_s)
{
    const int R = q->n, S = sc[0].nsectors, H = sc[0].horizon_years, P = S + 1;
    const uint64_t trials = sc[0].trials, seed = sc[0].seed;
    const size_t N = (size_t)trials;
    double *loss[MAX_SCENARIOS] = {NULL};
    mr_paired_series *ser = calloc((size_t)(R - 1) * (size_t)P, sizeof *ser);
    mr_status status = ser ? MR_OK : MR_FAILED;
    if (!ser)
        fprintf(stderr, "%s: out of memory\n", q->scen[0]);
    for (int w = 0; w < R && status == MR_OK; w++) {
        loss[w] = malloc(N * (size_t)(S ? S : 1) * sizeof **loss);
        if (!loss[w]) {
            fprintf(stderr, "%s: out of memory for %llu trials\n", q->scen[w],
                    (unsigned long long)trials);
            status = MR_FAILED;
            break;
        }
        for (size_t i = 0; i < N; i++)
            for (int j = 0; j < S; j++) {
                int c = w == 0 ? j : map[w][j];
                loss[w][i * (size_t)S + (size_t)j] =
                    res[w].sector_gva_loss[i * (size_t)S + (size_t)c] +
                    res[w].sector_extra_cost[i * (size_t)S + (size_t)c];
            }
    }
    if (status == MR_OK) {
        for (int j = 0; j < S; j++)
            names[j] = sc[0].sectors[j].id;
        names[S] = "total";
        for (int w = 1; w < R; w++) {
            mr_paired_series *sw = ser + (size_t)(w - 1) * (size_t)P;
            for (int j = 0; j < S; j++)
                sw[j] = (mr_paired_series){loss[0] + j,
                                           loss[w] + j,
                                           (size_t)S,
                                           res[0].sector_annual_loss + j,
                                           res[w].sector_annual_loss + map[w][j],
                                           (size_t)H * (size_t)S,
                                           (size_t)S};
            sw[S] = (mr_paired_series){res[0].total_loss,  res[w].total_loss, 1, res[0].annual_loss,
                                       res[w].annual_loss, (size_t)H,         1};
        }
        const double t1 = mr_now_seconds();
        const size_t npairs = (size_t)(R - 1) * (size_t)P;
        if (mr_paired_compute_many(ser, npairs, N, (size_t)H, seed, BOOTSTRAP_LABEL, (int)q->nboot,
                                   p, NULL)) {
            fprintf(stderr, "%s: out of memory for the paired statistics of %llu trials\n",
                    q->scen[0], (unsigned long long)trials);
            status = MR_FAILED;
        } else {
            *boot_s = mr_now_seconds() - t1;
            for (size_t k = 0; k < npairs; k++) /* n/a where the bootstrap has too little */
                mr_paired_drop_weak_intervals(&p[k], N, (size_t)H, (int)q->nboot);
        }
    }
    for (int w = 0; w < R; w++)
        free(loss[w]);
    free(ser);
    return status;
}

/* The table of the q->n scenarios sc from the paired statistics p of P
   series per run against A, named `names`, by the printer summary of the
   file uses too (out/tables/compare_print.h). 0, or -1 when out of memory
   (nothing printed). */
static int print_table(FILE *f, const request *q, const mr_scenario *sc, const char *const *names,
                       const mr_paired *p, int P)
{
    const int R = q->n;
    const size_t cells = (size_t)R * (size_t)P * MR_PAIRED_NSTAT,
                 dcells = (size_t)(R - 1) * (size_t)P * MR_PAIRED_NSTAT;
    double *val = malloc(cells * sizeof *val), *est = malloc(dcells * sizeof *est),
           *lo = malloc(dcells * sizeof *lo), *hi = malloc(dcells * sizeof *hi),
           *vrf = malloc((size_t)(R - 1) * (size_t)P * sizeof *vrf);
    int rc = -1;
    if (val && est && lo && hi && vrf) {
        const char *name[MAX_SCENARIOS], *file[MAX_SCENARIOS];
        for (int w = 0; w < R; w++) {
            name[w] = sc[w].name;
            file[w] = q->scen[w];
        }
        mr_compare_fill(R, p, P, val, est, lo, hi, vrf);
        const mr_compare_view v = {.R = R,
                                   .P = P,
                                   .name = name,
                                   .file = file,
                                   .series = names,
                                   .val = val,
                                   .est = est,
                                   .lo = lo,
                                   .hi = hi,
                                   .vrf = vrf,
                                   .trials = sc[0].trials,
                                   .seed = sc[0].seed,
                                   .nboot = (int)q->nboot,
                                   .horizon_years = sc[0].horizon_years};
        mr_compare_view_print(f, &v);
        rc = 0;
    }
    free(val);
    free(est);
    free(lo);
    free(hi);
    free(vrf);
    return rc;
}

/* The policy costs of the runs and the loss avoided per pound, when any
   run states a cost (out/tables/policy_cost.h); nothing otherwise. */
static void print_costs(FILE *f, const request *q, const mr_scenario *sc, const mr_paired *p, int P)
{
    compare_costs c;
    mr_compare_costs(q, sc, p, P, &c);
    if (!c.any)
        return;
    if (q->n == 2)
        mr_policy_cost_print_pair(f, sc[0].horizon_years, c.cost, c.stated, c.unc, c.per_pound[1]);
    else
        mr_policy_cost_print_many(f, sc[0].horizon_years, q->n, c.cost, c.stated, c.unc,
                                  c.per_pound[1]);
}

/* The table on stdout (the printer names the total "Total"), then the costs. */
static mr_status print_comparison(const request *q, const mr_scenario *sc, const char *const *names,
                                  const mr_paired *p, int P)
{
    if (print_table(stdout, q, sc, names, p, P)) {
        fprintf(stderr, "%s: out of memory\n", q->scen[0]);
        return MR_FAILED;
    }
    print_costs(stdout, q, sc, p, P);
    fflush(stdout);
    return MR_OK;
}

/* Each run's tail attribution (/runs/<r>/attribution), as `minrisk run`
   writes it at the root of a run file (docs/STUDIES.md "Attribution"):
   the report's per-mineral table reads it. */
static mr_status attribution_all(const request *q, const mr_scenario *sc, const mr_results *res,
                                 mr_run_info *info, mr_extras *extras)
{
    const mr_comm solo = {0, 1, NULL};
    mr_run_extras_opts xo = {.threads = (int)q->threads};
    for (int w = 0; w < q->n; w++) {
        mr_extras one = {0};
        mr_error err = {{0}};
        char prefix[16];
        snprintf(prefix, sizeof prefix, "%s/", mr_compare_run_groups[w]);
        const double t0 = mr_now_seconds();
        mr_status rc = mr_attribution_collect(&sc[w], &res[w], &xo, &solo, &one, &err);
        if (rc == MR_OK)
            rc = mr_summary_errors_collect(&sc[w], &res[w], &solo, &one, &err);
        info[w].analysis_seconds = mr_now_seconds() - t0;
        if (rc == MR_OK && mr_extras_move(extras, &one, prefix)) {
            snprintf(err.msg, sizeof err.msg, "%s: out of memory", q->scen[w]);
            rc = MR_FAILED;
        }
        mr_extras_free(&one);
        if (rc != MR_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return rc;
        }
    }
    return MR_OK;
}

/* The file: every run (runs/a, runs/b, ...) and /difference (two runs:
   the layout of format 1.5; three or more: format 1.6: docs/OUTPUT.md "Comparison files"). */
static mr_status write_comparison(const request *q, const mr_scenario *sc, const mr_results *res,
                                  mr_run_info *info, const char *const *names, const mr_paired *p,
                                  int P, const char *output)
{
    mr_error err = {{0}};
    mr_extras extras = {0};
    mr_status status = MR_OK;
    mr_output_run runs[MAX_SCENARIOS];
    status = attribution_all(q, sc, res, info, &extras);
    if (status != MR_OK) {
        mr_extras_free(&extras);
        return status;
    }
    if (mr_compare_difference(&extras, q, sc, names, p, P)) {
        fprintf(stderr, "%s: out of memory\n", output);
        status = MR_FAILED;
    } else {
        for (int w = 0; w < q->n; w++)
            runs[w] = (mr_output_run){mr_compare_run_groups[w], &sc[w], &res[w], &info[w], NULL};
        /* An interrupt before the write makes it write nothing (rc 1); during
           it, the handler exits (mr_cli_install_interrupt). */
        int rc = mr_output_write_multi(output, "compare", runs, (size_t)q->n, extras.x, extras.n,
                                       NULL, &err);
        if (rc) {
            fprintf(stderr, "%s\n", err.msg);
            status = rc > 0 ? MR_INTERRUPTED : MR_FAILED;
        }
    }
    mr_extras_free(&extras);
    return status;
}

/* The guard of the output path (outpath.h), then its lock for the rest of
   the comparison: a file of R runs. */
static mr_status claim_output(const request *q, const mr_scenario *sc, const char *output,
                              mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    const mr_scenario *scs[MAX_SCENARIOS];
    double bytes = 0.0;
    for (int w = 0; w < q->n; w++) {
        scs[w] = &sc[w];
        bytes += mr_output_size_estimate(&sc[w], 1);
    }
    mr_outpath_req oq = {"compare", output, q->scen, scs, (size_t)q->n, bytes, 0.0};
    return mr_outpath_claim(&oq, &solo, err);
}

static mr_status compare(const request *q)
{
    const int R = q->n;
    mr_scenario sc[MAX_SCENARIOS];
    mr_error err = {{0}};
    memset(sc, 0, sizeof sc);
    for (int w = 0; w < R; w++) {
        int lrc = mr_scenario_load(q->scen[w], &sc[w], &err);
        if (lrc) {
            fprintf(stderr, "%s\n", err.msg);
            for (int v = 0; v < w; v++)
                mr_scenario_free(&sc[v]);
            return lrc == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
        }
    }
    mr_status status = MR_OK;
    const int S = sc[0].nsectors, P = S + 1;
    int *map[MAX_SCENARIOS] = {NULL};
    bool oom = false;
    for (int w = 1; w < R; w++)
        oom = oom || !(map[w] = malloc((size_t)(S ? S : 1) * sizeof **map));
    char *defout = q->output ? NULL : default_output(q);
    const char *output = q->output ? q->output : defout;
    mr_results res[MAX_SCENARIOS];
    bool have_res[MAX_SCENARIOS] = {false};
    mr_run_info info[MAX_SCENARIOS];
    mr_paired *p = calloc((size_t)(R - 1) * (size_t)P, sizeof *p);
    const char **names = calloc((size_t)P, sizeof *names);
    uint64_t trials = 0, seed = 0;
    double t0 = 0.0, boot_s = 0.0;
    if (oom || !output || !p || !names) {
        fprintf(stderr, "%s: out of memory\n", q->scen[0]);
        status = MR_FAILED;
    }
    for (int w = 1; w < R && status == MR_OK; w++)
        if (check_pair(q->scen[0], q->scen[w], &sc[0], &sc[w], map[w], &err)) {
            fprintf(stderr, "%s\n", err.msg);
            status = MR_BAD_INPUT;
        }
    if (status == MR_OK) {
        common_numbers(q, sc, &trials, &seed);
        status = claim_output(q, sc, output, &err);
        if (status != MR_OK)
            fprintf(stderr, "%s\n", err.msg);
        t0 = mr_now_seconds();
        if (status == MR_OK)
            status = run_all(q, sc, output, res, have_res, info);
    }
    if (status == MR_OK)
        status = paired_statistics(q, sc, map, res, names, p, &boot_s);
    if (status == MR_OK && mr_engine_interrupted()) {
        fprintf(stderr, "minrisk compare: interrupted; nothing written to %s\n", output);
        status = MR_INTERRUPTED;
    }
    if (status == MR_OK)
        status = print_comparison(q, sc, names, p, P);
    if (status == MR_OK)
        status = write_comparison(q, sc, res, info, names, p, P, output);
    if (status == MR_OK && !q->quiet) {
        char runs[64 * MAX_SCENARIOS];
        size_t at = 0;
        for (int w = 0; w < R && at < sizeof runs; w++)
            at += (size_t)snprintf(runs + at, sizeof runs - at, "%s%.2f", w ? " + " : "",
                                   info[w].wall_seconds);
        fprintf(stderr,
                "minrisk compare: %d x %llu trials in %.2f s (runs %s s, paired statistics "
                "and %d bootstrap resamples %.2f s) on %d thread%s; wrote %s\n",
                R, (unsigned long long)trials, mr_now_seconds() - t0, runs, (int)q->nboot, boot_s,
                info[0].threads, info[0].threads == 1 ? "" : "s", output);
    }
    mr_outpath_release(); /* whatever the outcome: the lock file goes */
    for (int w = 0; w < R; w++)
        if (have_res[w])
            mr_results_free(&res[w]);
    free(names);
    free(p);
    free(defout);
    for (int w = 0; w < R; w++) {
        free(map[w]);
        mr_scenario_free(&sc[w]);
    }
    return status;
}

mr_status mr_cmd_compare(int argc, char **argv)
{
    enum { TRIALS = MR_CLI_LONG, SEED, THREADS, BOOTSTRAP, PROGRESS };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"trials", required_argument, NULL, TRIALS},
                                             {"seed", required_argument, NULL, SEED},
                                             {"threads", required_argument, NULL, THREADS},
                                             {"bootstrap", required_argument, NULL, BOOTSTRAP},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"progress", required_argument, NULL, PROGRESS},
                                             {NULL, 0, NULL, 0}};
    request q = {.nboot = DEFAULT_BOOTSTRAP};
    mr_cli_num why;
    mr_cli_opts p;
    mr_cli_opts_init(&p, "compare", usage_compare, "o:q", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        switch (c) {
        case 'o':
            q.output = v;
            break;
        case TRIALS:
            if ((why = mr_cli_parse_range(v, 1, MR_MAX_TRIALS, &q.trials)))
                return mr_cli_number_error(
                    "compare", why, "--trials: must be an integer in [1, 4294967295], got '%s'", v);
            q.have_trials = true;
            break;
        case SEED:
            if ((why = mr_cli_parse_u64(v, &q.seed)))
                return mr_cli_number_error(
                    "compare", why, "--seed: must be an integer in [0, 2^64-1], got '%s'", v);
            q.have_seed = true;
            break;
        case THREADS:
            if ((why = mr_cli_parse_range(v, 1, MR_MAX_THREADS, &q.threads)))
                return mr_cli_number_error(
                    "compare", why, "--threads: must be an integer in [1, 4096], got '%s'", v);
            break;
        case BOOTSTRAP:
            if ((why = mr_cli_parse_range(v, 0, MAX_BOOTSTRAP, &q.nboot)) ||
                (q.nboot > 0 && q.nboot < MR_PAIRED_MIN_BOOT))
                return mr_cli_number_error(
                    "compare", why,
                    "--bootstrap: must be 0 or an integer in [100, 100000], got '%s'", v);
            break;
        case 'q':
            q.quiet = true;
            break;
        case PROGRESS:
            if (mr_cli_parse_progress("compare", v, &q.progress) != MR_OK)
                return MR_BAD_INPUT;
            break;
        default: /* MR_CLI_ARG */
            if (q.n == MAX_SCENARIOS)
                return mr_cli_usage_error("compare",
                                          "at most 26 scenarios (runs a .. z), got more: '%s'", v);
            q.scen[q.n++] = v;
        }
    }
    if (p.stop)
        return p.status;
    if (q.n < 2)
        return mr_cli_usage_error("compare", "%s",
                                  "needs two or more scenarios: A.yaml B.yaml [C.yaml ...]");
    if (q.quiet && q.progress)
        return mr_cli_usage_error("compare", "%s", "--quiet and --progress contradict each other");
    /* Started by mpiexec with several ranks, every rank would run the whole
       comparison and write the same file: refuse. The launcher's variables
       are read strictly (mr_cli_parse_u64): atoi read 4294967297 ranks as 1
       and 'abc' or -3 as 0 (and ran on every rank), and a rank 4294967296 as
       0. A size that is not a whole number is refused: which launcher set it,
       and for how many ranks, cannot be told. */
    const char *const size_vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"};
    const char *const rank_vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"};
    for (size_t k = 0; k < sizeof size_vars / sizeof *size_vars; k++) {
        const char *env = getenv(size_vars[k]), *rank = getenv(rank_vars[k]);
        unsigned long long size, r;
        if (!env || !*env) /* unset, or set empty: no launcher */
            continue;
        if (mr_cli_parse_u64(env, &size)) {
            char fmt[192];
            snprintf(fmt, sizeof fmt,
                     "%s is '%%s', not a number of processes: compare runs as one process; "
                     "start it without mpiexec",
                     size_vars[k]);
            char shown[MR_ENV_SHOWN];
            return mr_cli_usage_error("compare", fmt,
                                      mr_env_shown(size_vars[k], shown, sizeof shown));
        }
        if (size > 1) {
            if (rank && !mr_cli_parse_u64(rank, &r) && r > 0 && r < size)
                return 0; /* rank 0 says it, once, and gives the job's status 2
                             (a rank ending 2 first would have mpiexec kill rank 0
                             before it says why) */
            return mr_cli_usage_error("compare", "%s",
                                      "runs as one process with OpenMP threads: start it "
                                      "without mpiexec");
        }
    }
    return compare(&q);
}

/* The stop signals (out/stopsig.h): stop, nothing written; SIGPIPE deferred (the
   table is flushed to stdout before the attribution and the write: into a
   pipe closed early, `| head`, SIGPIPE killed the comparison there, with
   no file and OUTPUT.lock left). */
void mr_cmd_compare_signals(void)
{
    mr_cli_install_interrupt(true);
    mr_cli_defer_sigpipe();
}
