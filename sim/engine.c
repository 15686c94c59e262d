/* engine.c - the Monte Carlo driver (MODEL §12): a run's trials cut into
 * fixed blocks of MR_BLOCK_TRIALS, blocks shared among MPI ranks as
 * contiguous ranges and handed to OpenMP threads dynamically; each trial is
 * mr_trial_run (sim/trial.c). Per-trial results go to the trial's row and
 * the time bands are integer sums, so nothing depends on the number of
 * threads or ranks.
 */
#define _POSIX_C_SOURCE 200809L /* gethostname */
#include "sim/engine.h"

#include "out/stats/sumstats.h"

#include "models/units.h"
#include "out/clock.h"
#include "out/format.h"
#include "sim/memory.h"
#include "sim/model.h"
#include "sim/rng.h"
#include "sim/trial.h"
#include "out/stats/stream.h"
#include "sim/studies/summary_errors.h"
#include "out/stopsig_worker.h"

#include <float.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted = 0;

void mr_engine_interrupt(void)
{
    interrupted = 1;
}

int mr_engine_interrupted(void)
{
    return interrupted != 0;
}

/* Step t of the threads' histograms (ws[p]->band_q, or band_y when y)
   added into dst: dst[(t * n + j) * bins + k] += src_p[(j * T + t) * bins
   + k] for the n rows j and every thread p < nth. Integer sums, exact in
   any order, so the bands do not depend on the thread count. */
static void add_bands_step(uint64_t *dst, mr_workspace *const *ws, int y, int nth, int t, int T,
                           int n, int bins)
{
    for (int j = 0; j < n; j++) {
        uint64_t *d = dst + ((size_t)t * (size_t)n + (size_t)j) * (size_t)bins;
        for (int p = 0; p < nth; p++) {
            const uint32_t *src = y ? ws[p]->band_y : ws[p]->band_q;
            const uint32_t *row = src + ((size_t)j * (size_t)T + (size_t)t) * (size_t)bins;
            for (int k = 0; k < bins; k++)
                d[k] += row[k];
        }
    }
}

/* Every thread's histograms (ws: [nth], each thread's workspace, set before
   a barrier) into res, the steps shared out among the threads of the team:
   every thread calls it, and each step of res is written by one thread.
   Until 2026-12-05 each thread added its own under a lock, one after
   another (10.6 MB read and 21 MB written a thread for
   bench/synthetic.yaml), a serial part that grew with the thread count
   (bench/RESULTS.md, session 14). */
static void merge_bands(const mr_model *md, mr_results *res, mr_workspace *const *ws, int nth)
{
#pragma omp for schedule(static)
    for (int t = 0; t < md->T; t++) {
        add_bands_step(res->band_q, ws, 0, nth, t, md->T, md->S, MR_BAND_Q_BINS);
        add_bands_step(res->band_y, ws, 1, nth, t, md->T, md->M, MR_BAND_Y_BINS);
    }
}

static mr_status run_blocks(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                            const mr_comm *comm, mr_results *res, mr_run_info *info, mr_error *err);

/* The blocks of res still to do, on md (built from sc). */
static mr_status continue_on(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                             mr_results *res, mr_run_info *info, mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    mr_status rc = run_blocks(sc, md, opts, opts->comm ? opts->comm : &solo, res, info, err);
    if (rc < 0)
        mr_results_free(res);
    return rc;
}

/* ---- the memory check ---------------------------------------------------- */

/* One thread's mr_workspace (sim/trial.c): its T-long arrays and histograms. */
static double workspace_bytes(const mr_model *md)
{
    const double M = md->M, S = md->S, T = md->T, ns = md->nslots;
    double doubles = ns * T * 2.0 + M * T * 4.0 + S * T +
                     32.0 * (M + S + md->nneeds); /* lic, jump, rush, deny, ytraj */
    double counts = T * S * MR_BAND_Q_BINS + T * M * MR_BAND_Y_BINS; /* uint32 */
    double bins = (double)mr_workspace_band_rows(md) * (M + S) * T;  /* uint16, waiting */
    return doubles * 8.0 + counts * 4.0 + bins * 2.0 + M * 3.0 * T;
}

/* The run's time-band counts (out/results.h), 64-bit: what every rank
   holds whatever its trial count. */
static double bands_bytes(const mr_model *md)
{
    return (double)md->T * (md->S * MR_BAND_Q_BINS + md->M * MR_BAND_Y_BINS) * 8.0;
}

/* The slice of the time bands the statistics sum at a time when the file
   is written (out/stats/sumstats.c mr_sumstats_bands): at most
   MR_BAND_SLICE_COUNTS counts (16 MiB), whole steps. */
static double band_slice_bytes(const mr_model *md)
{
    const double per_step = md->S * MR_BAND_Q_BINS + md->M * MR_BAND_Y_BINS;
    return (double)mr_sumstats_band_slice_steps((size_t)md->T, (size_t)md->S, (size_t)md->M) *
           per_step * 8.0;
}

/* This rank's results of L trials (out/results.c) and the scratch of the
   statistics after the run (out/stats: a copy of one column, its radix
   sort buffer and the selection's candidates: three arrays of L). */
static double results_bytes(const mr_model *md, uint64_t L)
{
    double cols = 0.0;
    for (int k = 0; k < MR_NTRIAL_VARS; k++)
        cols += (double)mr_cols_count(mr_trial_vars[k].cols, md->S, md->M, md->H);
    return (double)L * (cols + 3.0) * 8.0 + bands_bytes(md);
}

/* A streamed run of L trials a rank (out/stats/stream.h): the bands, each
   thread's block of rows, and the larger of pass 1's first-digit counts
   (the run's, and 32-bit ones per thread; the bootstrap tails' too,
   out/stats/btails.h), freed at its end (end_pass1, mr_btails_end_pass),
   and the later passes' refined bins' counts and kept bin values (16 MB);
   per trial MR_STREAM_BYTES_PER_TRIAL and the columns output.trials:
   totals keeps (keep = MR_VAR_TOTALS; 0 for none), and on every rank the
   bootstrap's tails of the run's N trials (mr_summary_errors_tail_bytes). Until
   2026-12-06 the two passes' counts were added: 1.6 to 1.8 times the peak
   of demo.yaml and uk-2024.yaml at 1,000 and 10,000 trials. */
static double stream_bytes(const mr_model *md, uint64_t L, uint64_t N, int threads, unsigned keep)
{
    double cols = 0.0;
    for (int k = 0; k < MR_NTRIAL_VARS; k++)
        cols += (double)mr_cols_count(mr_trial_vars[k].cols, md->S, md->M, md->H);
    double bands = bands_bytes(md);
    double nov = 2.0 + 5.0 * md->S;
    /* refined bins: 32 kB of counts each, and one a thread; about 8 a
       variable at once (at most one per wanted rank, 21 a loss variable) */
    const double pass1 = nov * 65536.0 * (8.0 + 4.0 * threads) +
                         (2.0 * md->S + 4.0) * 65536.0 * (8.0 + 4.0 * threads),
                 later = nov * 8.0 * 4096.0 * 8.0 * (1.0 + threads) + (double)(1 << 21) * 8.0;
    double fixed = bands + threads * MR_BLOCK_TRIALS * cols * 8.0 + (pass1 > later ? pass1 : later);
    double per_trial = MR_STREAM_BYTES_PER_TRIAL(md->S, md->M);
    for (int k = 0; k < MR_NTRIAL_VARS; k++) /* output.trials: totals keeps its columns */
        if (mr_trial_vars[k].where & keep)
            per_trial += 8.0 * (double)mr_cols_count(mr_trial_vars[k].cols, md->S, md->M, md->H);
    return fixed + (double)L * per_trial + mr_summary_errors_tail_bytes(N, md->S, md->H, threads);
}

/* Ranks of comm on this host (a hash of the host name, gathered): a limit
   of the node (cgroup, MemAvailable) is shared by them. */
static int ranks_on_node(const mr_comm *comm)
{
    if (comm->size == 1)
        return 1;
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    double mine = (double)(mr_hash64(host) >> 12); /* exact in a double */
    double *all = malloc((size_t)comm->size * sizeof *all);
    int n = 1;
    if (all && mr_comm_allgather_f64(comm, &mine, 1, all) == 0) {
        n = 0;
        for (int r = 0; r < comm->size; r++)
            n += all[r] == mine;
    }
    free(all);
    return n;
}

/* "SCENARIO: N trials need about ... ; use fewer trials or more ranks", or
   when the time grid alone does not fit (grid: what no trial count or rank
   count changes, the time bands and the workspaces, bytes), the grid's
   size and what makes it smaller. */
static void too_big(const mr_scenario *sc, const mr_memory_limit *lim, const char *what, double res,
                    double ws, double analysis, const char *analysis_what,
                    const char *trials_advice, int node, double grid, mr_error *err)
{
    char b[9][32], advice[200], shared[120] = "";
    const double held = (double)lim->resident_bytes, total = res + ws + analysis + held;
    /* a limit several ranks on this node share (a cgroup, the node's free
       memory): more ranks on the node would not help, ranks on more nodes
       would */
    snprintf(advice, sizeof advice, "%s",
             trials_advice               ? trials_advice
             : lim->per_node && node > 1 ? "use fewer trials, or ranks on more nodes"
                                         : "use fewer trials or more ranks");
    if (lim->per_node && node > 1)
        snprintf(shared, sizeof shared, ", for each of the %d ranks on this node (%s in all)", node,
                 mr_format_bytes(total * node, b[8], sizeof b[8]));
    if (grid * (lim->per_node ? node : 1) > (double)lim->free_bytes)
        snprintf(advice, sizeof advice,
                 "the time grid of %d steps alone needs %s on every rank (time bands and thread "
                 "workspaces): use fewer steps a year, a shorter horizon or fewer threads",
                 sc->horizon_years * sc->steps_per_year, mr_format_bytes(grid, b[6], sizeof b[6]));
    snprintf(err->msg, sizeof err->msg,
             "%s: %llu trials need about %s on this rank (%s %s + thread workspaces %s + "
             "%s %s + held now %s)%s; %s of the %s limit is free (%s); %s",
             sc->source_path, (unsigned long long)sc->trials,
             mr_format_bytes(total, b[0], sizeof b[0]), what,
             mr_format_bytes(res, b[1], sizeof b[1]), mr_format_bytes(ws, b[2], sizeof b[2]),
             analysis_what ? analysis_what : "analysis",
             mr_format_bytes(analysis, b[3], sizeof b[3]), mr_format_bytes(held, b[7], sizeof b[7]),
             shared, mr_format_bytes((double)lim->free_bytes, b[4], sizeof b[4]),
             mr_format_bytes((double)lim->limit_bytes, b[5], sizeof b[5]), lim->source, advice);
}

/* Refuse, before any trial, a run whose estimate on this rank is above what
   the process may still take: MR_OK, MR_FAILED (too big) or MR_BAD_INPUT
   (MINRISK_MEMORY_LIMIT is not a number), with err. Collective. */
static mr_status memory_check(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                              const mr_comm *comm, uint64_t L, int stream, mr_error *err)
{
    if (opts->memory_checked) /* by the caller, for runs at once (mr_engine_runs_that_fit) */
        return MR_OK;
    const int threads = opts->threads > 0 ? opts->threads : omp_get_max_threads();
    const unsigned keep = sc->output_trials == MR_OUTPUT_TRIALS_TOTALS ? MR_VAR_TOTALS : 0;
    /* the results, with the slice of the bands their statistics take when
       the file is written (beside what the analyses left resident) */
    const double res = (stream ? stream_bytes(md, L, sc->trials, threads, keep)
                               : results_bytes(md, L)) +
                       band_slice_bytes(md),
                 ws = threads * workspace_bytes(md);
    const double need = res + ws + opts->analysis_bytes;
    mr_memory_limit lim;
    char shown[MR_ENV_SHOWN];
    const int unreadable = mr_memory_limit_get(&lim) != 0;
    const int node = ranks_on_node(comm);
    int bad = unreadable;
    if (unreadable)
        snprintf(err->msg, sizeof err->msg,
                 "MINRISK_MEMORY_LIMIT: must be a number of bytes (digits, no leading zero), "
                 "with an optional K, M, G or T, got '%s'",
                 mr_env_shown("MINRISK_MEMORY_LIMIT", shown, sizeof shown));
    else if (lim.source && need * (lim.per_node ? node : 1) > (double)lim.free_bytes) {
        const double grid = bands_bytes(md) + ws;
        too_big(sc, &lim, stream ? "streamed statistics" : "results", res, ws, opts->analysis_bytes,
                opts->analysis_what, opts->advice, node, grid, err);
        bad = 1;
    }
    if (!mr_comm_any(comm, bad))
        return MR_OK;
    if (!bad)
        snprintf(err->msg, sizeof err->msg,
                 "%s: %llu trials need more memory than another rank may take; %s", sc->source_path,
                 (unsigned long long)sc->trials,
                 opts->advice ? opts->advice : "use fewer trials or more ranks");
    /* the same environment on every rank */
    return mr_comm_any(comm, unreadable) ? MR_BAD_INPUT : MR_FAILED;
}

/* ---- non-finite results -------------------------------------------------- */

int mr_results_find_nonfinite(const mr_results *res, uint64_t lo, uint64_t hi, mr_nonfinite *at)
{
    uint64_t best = hi; /* the earliest row found so far */
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        const size_t n = mr_cols_count(v->cols, res->nsectors, res->nminerals, res->years);
        const int nan_ok = v->offset == offsetof(mr_results, mineral_stockpile_empty_month);
        const double *x = mr_results_cvar(res, v);
        for (uint64_t i = lo; i < best; i++)
            for (size_t c = 0; c < n; c++) {
                double y = x[i * n + c];
                if (isfinite(y) || (nan_ok && isnan(y)))
                    continue;
                best = i;
                *at = (mr_nonfinite){res->first_trial + i, k, c, y};
                goto next_var; /* a later variable counts only in an earlier row */
            }
    next_var:;
    }
    return best < hi;
}

void mr_nonfinite_message(const mr_scenario *sc, const mr_results *res, const mr_nonfinite *at,
                          mr_error *err)
{
    const mr_trial_var *v = &mr_trial_vars[at->var];
    const size_t S = (size_t)res->nsectors;
    char col[300] = "";
    switch (v->cols) {
    case MR_COLS_ONE:
        break;
    case MR_COLS_SECTOR:
        snprintf(col, sizeof col, "[%s]", sc->sectors[at->col].id);
        break;
    case MR_COLS_MINERAL:
        snprintf(col, sizeof col, "[%s]", sc->minerals[at->col].id);
        break;
    case MR_COLS_YEAR:
        snprintf(col, sizeof col, "[year %zu]", at->col + 1);
        break;
    case MR_COLS_YEAR_SECTOR:
        snprintf(col, sizeof col, "[year %zu, %s]", at->col / S + 1, sc->sectors[at->col % S].id);
        break;
    }
    snprintf(err->msg, sizeof err->msg,
             "%s: trial %llu: %s%s is %s (a scenario value too large? see the ranges in "
             "docs/SCENARIOS.md)",
             sc->source_path, (unsigned long long)at->trial, v->name, col,
             isnan(at->value) ? "NaN"
             : at->value > 0  ? "inf"
                              : "-inf");
}

/* The earliest non-finite value any rank found (found: this rank's, if
   any): 1 with err filled on every rank, or 0. Collective. */
static int agree_nonfinite(const mr_scenario *sc, const mr_results *res, const mr_comm *comm,
                           int found, const mr_nonfinite *mine, mr_error *err)
{
    double trial = found ? (double)mine->trial : DBL_MAX;
    mr_comm_min_f64(comm, &trial, 1);
    if (trial == DBL_MAX)
        return 0;
    const int owner = found && (double)mine->trial == trial;
    double w[3] = {owner ? mine->var : DBL_MAX, owner ? (double)mine->col : DBL_MAX,
                   !owner               ? DBL_MAX
                   : isnan(mine->value) ? 0.0
                   : mine->value > 0    ? 1.0
                                        : 2.0};
    mr_comm_min_f64(comm, w, 3);
    const double values[3] = {NAN, INFINITY, -INFINITY};
    mr_nonfinite at = {(uint64_t)trial, (int)w[0], (size_t)w[1], values[(int)w[2]]};
    mr_nonfinite_message(sc, res, &at, err);
    return 1;
}

double mr_engine_results_bytes(const mr_scenario *sc, const mr_comm *comm)
{
    const mr_model md = {.M = sc->nminerals,
                         .S = sc->nsectors,
                         .H = sc->horizon_years,
                         .T = sc->horizon_years * sc->steps_per_year};
    const uint64_t N = sc->trials;
    uint64_t blo, bhi;
    mr_comm_block_range((N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS, comm->rank, comm->size, &blo,
                        &bhi);
    const uint64_t first = blo * MR_BLOCK_TRIALS,
                   last = bhi * MR_BLOCK_TRIALS < N ? bhi * MR_BLOCK_TRIALS : N;
    return results_bytes(&md, last > first ? last - first : 0);
}

/* mr_model_build on every rank, agreed: 0, or -1 on every rank (with err;
   "on another rank" where this rank's build succeeded, and md freed) when
   any rank's failed. A build's other failures (mr_model_build) are the same
   on every rank, but one rank can lack memory alone: without the agreement
   the others went on into the next collective call and waited for it for
   ever. */
static int model_on_every_rank(const mr_scenario *sc, mr_model *md, const mr_comm *comm,
                               mr_error *err)
{
    const int bad = mr_model_build(sc, md, err) != 0;
    if (!mr_comm_any(comm, bad))
        return 0;
    if (!bad) {
        mr_model_free(md);
        snprintf(err->msg, sizeof err->msg, "%s: out of memory building the model on another rank",
                 sc->source_path);
    }
    return -1;
}

int mr_engine_runs_that_fit(const mr_scenario *sc, int most, double each, double beside,
                            const char *beside_what, const char *advice, const mr_comm *comm,
                            mr_status *rc, mr_error *err)
{
    mr_model md;
    if (model_on_every_rank(sc, &md, comm, err)) {
        *rc = MR_FAILED;
        return 0;
    }
    /* one run: its results, one workspace (memory_check with one thread)
       and what the caller takes beside them for each run */
    const double one = results_bytes(&md, sc->trials) + workspace_bytes(&md) + each;
    const int node = ranks_on_node(comm);
    mr_memory_limit lim;
    int k = most > 1 ? most : 1;
    if (mr_memory_limit_get(&lim) == 0 && lim.source)
        while (k > 1 && (k * one + beside) * (lim.per_node ? node : 1) > (double)lim.free_bytes)
            k--;
    const mr_engine_opts one_thread = {.threads = 1,
                                       .advice = advice,
                                       .analysis_bytes = each + beside,
                                       .analysis_what = beside_what};
    *rc = memory_check(sc, &md, &one_thread, comm, sc->trials, 0, err); /* can one run? */
    mr_model_free(&md);
    return *rc == MR_OK ? k : 0;
}

/* The model of sc and this rank's blocks [*blo, *bhi): a contiguous range,
   so its trials [*first, *last) are one slab of every per-trial array; then
   the memory check. MR_OK, or the failure with err (md freed). */
static mr_status rank_blocks(const mr_scenario *sc, const mr_engine_opts *opts, const mr_comm *comm,
                             int stream, mr_model *md, uint64_t *blo, uint64_t *bhi,
                             uint64_t *first, uint64_t *last, mr_error *err)
{
    if (model_on_every_rank(sc, md, comm, err))
        return MR_FAILED;
    const uint64_t N = sc->trials;
    if (N > MR_MAX_TRIALS) {
        snprintf(err->msg, sizeof err->msg, "%s: simulation.trials: at most %llu, got %llu",
                 sc->source_path, (unsigned long long)MR_MAX_TRIALS, (unsigned long long)N);
        mr_model_free(md);
        return MR_FAILED;
    }
    const uint64_t nblocks = (N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    mr_comm_block_range(nblocks, comm->rank, comm->size, blo, bhi);
    *first = *blo * MR_BLOCK_TRIALS;
    *last = *bhi * MR_BLOCK_TRIALS < N ? *bhi * MR_BLOCK_TRIALS : N;
    mr_status mem = memory_check(sc, md, opts, comm, *last - *first, stream, err);
    if (mem != MR_OK)
        mr_model_free(md);
    return mem;
}

mr_status mr_engine_run(const mr_scenario *sc, const mr_engine_opts *opts, mr_results *res,
                        mr_run_info *info, mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    const mr_comm *comm = opts->comm ? opts->comm : &solo;
    mr_model md;
    const uint64_t N = sc->trials;
    uint64_t blo, bhi, first, last;
    mr_status mem = rank_blocks(sc, opts, comm, 0, &md, &blo, &bhi, &first, &last, err);
    if (mem != MR_OK)
        return mem;
    int oom = mr_results_alloc(res, last - first, md.S, md.M, md.H, md.T) != 0;
    if (!oom) {
        res->first_trial = first;
        res->ntrials_total = N;
        res->first_block = blo;
        res->nblocks = bhi - blo;
        res->block_done = calloc(bhi - blo > 0 ? bhi - blo : 1, 1);
        oom = !res->block_done;
        /* an importance tilt (docs/MODEL.md §12i): each trial's weight */
        const size_t n = last - first ? (size_t)(last - first) : 1;
        if (!oom && sc->importance.present)
            oom = !(res->weight = calloc(n, sizeof(double)));
        if (!oom && opts->tilt_counts) {
            /* by year with a year focus (docs/MODEL.md §12i) */
            const size_t k = (size_t)(md.nproc ? md.nproc : 1) * (md.focus_year ? (size_t)md.H : 1);
            res->ntilt = md.nproc;
            res->tilt_years = md.focus_year ? md.H : 1;
            res->tilt_count = calloc(n * k, sizeof(double));
            res->tilt_expo = calloc(n * k, sizeof(double));
            oom = !res->tilt_count || !res->tilt_expo;
        }
    }
    if (mr_comm_any(comm, oom)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for %llu trials on a rank",
                 sc->source_path, (unsigned long long)(last - first));
        mr_results_free(res);
        mr_model_free(&md);
        return MR_FAILED;
    }
    /* Blocks already done (a resumed run) keep the rows the caller loads. */
    for (uint64_t b = blo; b < bhi; b++)
        if (opts->skip_block && opts->skip_block[b])
            res->block_done[b - blo] = 1;
    /* No reset of `interrupted` here: a signal that came during start-up
       (before the engine ran) still stops the run. */
    mr_status rc = continue_on(sc, &md, opts, res, info, err);
    mr_model_free(&md);
    return rc;
}

mr_status mr_engine_continue(const mr_scenario *sc, const mr_engine_opts *opts, mr_results *res,
                             mr_run_info *info, mr_error *err)
{
    mr_model md;
    const mr_comm solo = {0, 1, NULL};
    if (model_on_every_rank(sc, &md, opts->comm ? opts->comm : &solo, err)) {
        mr_results_free(res); /* as continue_on on a failure */
        return MR_FAILED;
    }
    mr_status rc = continue_on(sc, &md, opts, res, info, err);
    mr_model_free(&md);
    return rc;
}

/* Trials a thread takes at a time (run_blocks): a divisor of MR_BLOCK_TRIALS. */
#define MR_CHUNK_TRIALS 64
_Static_assert(MR_BLOCK_TRIALS % MR_CHUNK_TRIALS == 0, "chunks tile a block");

/* The progress line (engine.h), printed by rank 0's first thread. */
int mr_progress_due(double every, double t, double last)
{
    return t - last >= (every > 0 ? every : 0.5);
}

void mr_progress_print(double every, int end, const char *fmt, ...)
{
    const int log = every > 0;
    va_list ap;
    va_start(ap, fmt);
    fputs(log ? "minrisk: " : "\r", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(log ? "\n" : end ? "                    \n" : "   ", stderr);
    va_end(ap);
    fflush(stderr);
}

/* What rank 0's progress line knows of the other ranks: the trials each
   has left in this call, gathered at its start (a resumed run's ranks can
   have very different amounts left). Every rank is taken to go at rank
   0's pace, so when rank 0 has done d, rank r has done min(left_r, d) and
   the last finishes after max_r left_r. left NULL (out of memory): every
   rank is taken to have rank 0's amount. Collective. */
typedef struct {
    double *left; /* [size] */
    int size;
    double all, max; /* sum and largest of left */
} progress_est;

static void progress_est_init(progress_est *p, const mr_comm *comm, uint64_t todo_local)
{
    const double mine = (double)todo_local;
    *p = (progress_est){malloc((size_t)comm->size * sizeof *p->left), comm->size, 0.0, 0.0};
    if (mr_comm_any(comm, !p->left) || mr_comm_allgather_f64(comm, &mine, 1, p->left)) {
        free(p->left);                         /* on every rank */
        mr_comm_sum_u64(comm, &todo_local, 1); /* the run's count stays exact */
        *p = (progress_est){NULL, comm->size, (double)todo_local, mine};
        return;
    }
    for (int r = 0; r < p->size; r++) {
        p->all += p->left[r];
        p->max = p->left[r] > p->max ? p->left[r] : p->max;
    }
}

/* The trials of all ranks done in this call when rank 0 has done d. */
static double progress_done(const progress_est *p, double d)
{
    if (!p->left)
        return d * p->size;
    double s = 0.0;
    for (int r = 0; r < p->size; r++)
        s += p->left[r] < d ? p->left[r] : d;
    return s;
}

/* Run the blocks of res not yet done, on this rank's threads (MODEL §12):
   returns MR_OK when all are done, MR_INTERRUPTED, MR_PAUSED after
   opts->pause_seconds, MR_FAILED if a workspace could not be allocated,
   MR_BAD_INPUT if a trial gave a non-finite result (err filled). Each block
   is scanned as it is finished; once one is bad, only the blocks before it
   still run, so the earliest bad trial is the one named, for any thread
   and rank count. */
static mr_status run_blocks(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                            const mr_comm *comm, mr_results *res, mr_run_info *info, mr_error *err)
{
    const uint64_t N = res->ntrials_total;
    const uint64_t blo = res->first_block, bhi = res->first_block + res->nblocks;
    const double t0 = mr_now_seconds();
    /* Threads take chunks of MR_CHUNK_TRIALS trials, not whole blocks, so
       that the last chunks leave them idle for a short time only (a
       2-thread run of 20 blocks waited up to a block's time at the end);
       a block is done when its last chunk is. Each trial's results are its
       own, so the chunks change no number. */
    const uint64_t per = MR_BLOCK_TRIALS / MR_CHUNK_TRIALS;
    uint16_t *left = malloc((bhi > blo ? bhi - blo : 1) * sizeof *left);
    unsigned char *state = calloc(bhi > blo ? bhi - blo : 1, 1); /* 1 begun, 2 closed */
    if (mr_comm_any(comm, !left || !state)) {
        free(left);
        free(state);
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the run's schedule",
                 sc->source_path);
        return MR_FAILED;
    }
    uint64_t todo_local = 0; /* the trials of the blocks not yet done */
    for (uint64_t b = blo; b < bhi; b++) {
        const uint64_t lo = b * MR_BLOCK_TRIALS,
                       n = N - lo < MR_BLOCK_TRIALS ? N - lo : MR_BLOCK_TRIALS;
        left[b - blo] = (uint16_t)((n + MR_CHUNK_TRIALS - 1) / MR_CHUNK_TRIALS);
        todo_local += res->block_done[b - blo] ? 0 : n;
    }
    progress_est est; /* for the progress line */
    progress_est_init(&est, comm, todo_local);
    const double prior = (double)N - est.all; /* done before this call, or resumed */
    int paused = 0;
    uint64_t done = 0, words = 0;
    int failed = 0, nthreads = 1;
    uint64_t bad_block = UINT64_MAX; /* the earliest block with a non-finite value */
    uint64_t bad_lo = UINT64_MAX;    /* and the first trial of its earliest such chunk */
    mr_nonfinite bad = {0, 0, 0, 0.0};
    double last_print = t0;
    if (opts->threads > 0)
        omp_set_num_threads(opts->threads);
    /* each thread's histograms, for merge_bands */
    const int maxth = omp_get_max_threads();
    mr_workspace **ws = calloc((size_t)maxth, sizeof *ws);
    if (mr_comm_any(comm, !ws)) {
        free(est.left);
        free(left);
        free(state);
        free(ws);
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the run's schedule",
                 sc->source_path);
        return MR_FAILED;
    }

#pragma omp parallel
    {
        mr_stopsig_worker(); /* the stop signals reach the main thread alone */
        mr_workspace w;
        int wok = mr_workspace_alloc(&w, md) == 0;
        if (wok)
            w.cf = opts->counterfactual;
#pragma omp atomic
        failed += !wok;
#pragma omp barrier
#pragma omp single
        nthreads = omp_get_num_threads();
        if (!failed) {
#pragma omp for schedule(dynamic, 1)
            for (uint64_t u = blo * per; u < bhi * per; u++) {
                const uint64_t b = u / per;
                int stop_now;
                uint64_t first_bad;
#pragma omp atomic read
                stop_now = paused;
#pragma omp atomic read
                first_bad = bad_block;
                unsigned char was_done;
#pragma omp atomic read
                was_done = res->block_done[b - blo];
                uint64_t lo = b * MR_BLOCK_TRIALS + (u % per) * MR_CHUNK_TRIALS;
                if (b > first_bad || was_done || lo >= N) /* lo: a short last block */
                    continue;
                if (!stop_now && opts->pause_seconds > 0 &&
                    mr_now_seconds() - t0 > opts->pause_seconds) {
#pragma omp atomic write
                    paused = 1;
                    stop_now = 1;
                }
                /* A block once begun is finished, even after a pause or a
                   signal: its trials are in the thread's time bands, and a
                   checkpoint keeps whole blocks only. One not begun is
                   closed, and runs again after a resume. */
                int run_it;
#pragma omp critical(mr_chunks)
                {
                    if (!state[b - blo])
                        state[b - blo] = interrupted || stop_now ? 2 : 1;
                    run_it = state[b - blo] == 1;
                }
                if (!run_it)
                    continue;
                uint64_t hi = lo + MR_CHUNK_TRIALS < N ? lo + MR_CHUNK_TRIALS : N;
                for (uint64_t i = lo; i < hi; i++)
                    mr_trial_run(md, sc->seed, i, &w, res);
                mr_nonfinite nf;
                if (mr_results_find_nonfinite(res, lo - res->first_trial, hi - res->first_trial,
                                              &nf)) {
                    /* the earliest chunk's: chunks of the earliest bad block still
                       run, so the trial named is the same for any thread count */
#pragma omp critical(mr_nonfinite)
                    if (b < bad_block || (b == bad_block && lo < bad_lo)) {
                        bad = nf;
                        bad_lo = lo;
#pragma omp atomic write
                        bad_block = b;
                    }
                }
                uint16_t still;
#pragma omp atomic capture
                still = --left[b - blo];
                if (still == 0)
#pragma omp atomic write
                    res->block_done[b - blo] = 1;
                uint64_t d;
#pragma omp atomic capture
                d = done += hi - lo;
                if (opts->progress && comm->rank == 0 && omp_get_thread_num() == 0) {
                    /* rank 0's own progress stands for the run's */
                    double t = mr_now_seconds();
                    if (mr_progress_due(opts->progress_every, t, last_print) ||
                        (d == todo_local && !opts->progress_every)) {
                        /* this call's trials of all ranks, at rank 0's pace */
                        double pace = (double)d / (t - t0), now = progress_done(&est, (double)d);
                        mr_progress_print(opts->progress_every, 0,
                                          "%.0f / %llu trials  %.0f trials/s  ETA %.0f s",
                                          prior + now, (unsigned long long)N, now / (t - t0),
                                          (est.max - (double)d) / pace);
                        last_print = t;
                    }
                }
            }
            mr_trial_flush_bands(md, &w);
            w.words += mr_rng_words_used(w.rng);
            for (int m = 0; m < md->M; m++)
                w.words += mr_rng_words_used(w.price_rng[m]);
#pragma omp atomic
            words += w.words;
            ws[omp_get_thread_num()] = &w;
#pragma omp barrier
            merge_bands(md, res, ws, nthreads);
        }
        if (wok)
            mr_workspace_free(&w, md->M);
    }
    double wall = mr_now_seconds() - t0;
    free(est.left);
    free(left);
    free(state);
    free(ws);
    int stop = interrupted;
    if (mr_comm_any(comm, failed)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the thread workspaces",
                 sc->source_path);
        return MR_FAILED;
    }
    /* before a checkpoint: a bad row must not be saved and resumed */
    if (agree_nonfinite(sc, res, comm, bad_block != UINT64_MAX, &bad, err))
        return MR_BAD_INPUT;
    uint64_t totals[2] = {done, words};
    mr_comm_sum_u64(comm, totals, 2);
    /* accumulated over the calls of a run (a paused run continues) */
    info->threads = nthreads;
    info->ranks = comm->size;
    if (!res->calls) {
        info->analysis_seconds = 0.0;
        info->verification = 0; /* computed by the caller from the finished rows */
    }
    info->wall_seconds = (res->calls ? info->wall_seconds : 0.0) + wall;
    info->random_words = (res->calls ? info->random_words : 0) + totals[1];
    res->trials_run += totals[0];
    info->trials_per_second = (double)res->trials_run / info->wall_seconds;
    res->calls++;
    /* the run's so far (every call of this process), the slowest rank's time */
    double wall_all = info->wall_seconds;
    mr_comm_max_f64(comm, &wall_all, 1);
    /* one rank's signal stops all: they checkpoint or discard together */
    const int pause = mr_comm_any(comm, paused), stopped = mr_comm_any(comm, stop);
    /* in a log, only the call that ends the simulation says so (not one
       that stops for a periodic checkpoint or a signal) */
    if (opts->progress && comm->rank == 0 && (!opts->progress_every || (!pause && !stopped)))
        mr_progress_print(
            opts->progress_every, 1, "%llu trials simulated in %.2f s (%.0f trials/s)",
            (unsigned long long)res->trials_run, wall_all, (double)res->trials_run / wall_all);
    return stopped ? MR_INTERRUPTED : pause ? MR_PAUSED : MR_OK;
}

/* ---- streamed runs (output.trials: none) ------------------------------------ */

/* The block's rows of the variables of MR_TRIAL_VARS marked keep into res
   (output.trials: totals; the arrays that res holds). */
static void keep_rows(mr_results *res, const mr_results *blk, unsigned keep)
{
    for (int k = 0; keep && k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        if (!(v->where & keep))
            continue;
        const size_t cols = mr_cols_count(v->cols, res->nsectors, res->nminerals, res->years);
        memcpy(mr_results_var(res, v) + (blk->first_trial - res->first_trial) * cols,
               mr_results_cvar(blk, v), blk->ntrials * cols * sizeof(double));
    }
}

/* One pass of a streamed run over this rank's blocks: each block's rows into
   the thread's block of rows, then to the stream. Pass 1 also checks the
   rows (non-finite values, as run_blocks), adds their verification hashes
   to *verif and the bands to res. */
static mr_status stream_pass(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                             const mr_comm *comm, mr_results *res, mr_stream *st, uint64_t *verif,
                             uint64_t *words_out, int *nthreads_out, mr_error *err)
{
    const uint64_t N = res->ntrials_total;
    const uint64_t blo = res->first_block, bhi = res->first_block + res->nblocks;
    const int pass = mr_stream_pass(st);
    const unsigned keep = sc->output_trials == MR_OUTPUT_TRIALS_TOTALS ? MR_VAR_TOTALS : 0;
    const double t0 = mr_now_seconds();
    uint64_t done = 0, words = 0, sum = 0;
    int failed = 0, nthreads = 1;
    uint64_t bad_block = UINT64_MAX;
    mr_nonfinite bad = {0, 0, 0, 0.0};
    double last_print = t0;
    if (opts->threads > 0)
        omp_set_num_threads(opts->threads);
    /* each thread's histograms, for merge_bands */
    const int maxth = omp_get_max_threads();
    mr_workspace **ws = calloc((size_t)maxth, sizeof *ws);
    if (mr_comm_any(comm, !ws)) {
        free(ws);
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the thread workspaces",
                 sc->source_path);
        return MR_FAILED;
    }
#pragma omp parallel
    {
        mr_stopsig_worker(); /* the stop signals reach the main thread alone */
        mr_workspace w;
        mr_results blk;
        int wok = mr_workspace_alloc(&w, md) == 0;
        /* the trials count their bands in the workspace */
        int bok = mr_results_alloc_rows(&blk, MR_BLOCK_TRIALS, md->S, md->M, md->H, md->T) == 0;
        mr_stream_worker *sw = mr_stream_worker_new(st);
        if (wok)
            w.cf = NULL;
#pragma omp atomic
        failed += !wok || !bok || !sw;
#pragma omp barrier
#pragma omp single
        nthreads = omp_get_num_threads();
        uint64_t my_sum = 0;
        if (!failed) {
#pragma omp for schedule(dynamic, 1)
            for (uint64_t b = blo; b < bhi; b++) {
                uint64_t first_bad;
#pragma omp atomic read
                first_bad = bad_block;
                if (interrupted || b > first_bad)
                    continue;
                const uint64_t lo = b * MR_BLOCK_TRIALS;
                const uint64_t hi = lo + MR_BLOCK_TRIALS < N ? lo + MR_BLOCK_TRIALS : N;
                blk.first_trial = lo;
                blk.ntrials = hi - lo;
                for (uint64_t i = lo; i < hi; i++)
                    mr_trial_run(md, sc->seed, i, &w, &blk);
                if (pass == 1) {
                    mr_nonfinite nf;
                    if (mr_results_find_nonfinite(&blk, 0, hi - lo, &nf)) {
#pragma omp critical(mr_nonfinite)
                        if (b < bad_block) {
                            bad = nf;
#pragma omp atomic write
                            bad_block = b;
                        }
                        continue;
                    }
                    my_sum += mr_results_verification(&blk);
                    keep_rows(res, &blk, keep);
                }
                mr_stream_block(st, sw, &blk);
                uint64_t d;
#pragma omp atomic capture
                d = done += hi - lo;
                if (opts->progress && comm->rank == 0 && omp_get_thread_num() == 0) {
                    double t = mr_now_seconds();
                    if (mr_progress_due(opts->progress_every, t, last_print)) {
                        double rate = (double)d / (t - t0) * comm->size;
                        mr_progress_print(opts->progress_every, 0,
                                          "pass %d: %.0f / %llu trials  %.0f trials/s", pass,
                                          (double)d * comm->size, (unsigned long long)N, rate);
                        last_print = t;
                    }
                }
            }
            if (pass == 1) {
                mr_trial_flush_bands(md, &w); /* the bins still waiting (sim/trial.c) */
                w.words += mr_rng_words_used(w.rng);
                for (int m = 0; m < md->M; m++)
                    w.words += mr_rng_words_used(w.price_rng[m]);
            }
#pragma omp critical(mr_bands)
            {
                sum += my_sum;
                if (pass == 1)
                    words += w.words;
                failed += mr_stream_merge(st, sw) != 0;
            }
            if (pass == 1) {
                ws[omp_get_thread_num()] = &w;
#pragma omp barrier
                merge_bands(md, res, ws, nthreads);
            }
        }
        mr_stream_worker_free(sw);
        if (bok)
            mr_results_free(&blk);
        if (wok)
            mr_workspace_free(&w, md->M);
    }
    free(ws);
    if (mr_comm_any(comm, failed)) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: out of memory for the thread workspaces or the statistics", sc->source_path);
        return MR_FAILED;
    }
    if (pass == 1 && agree_nonfinite(sc, res, comm, bad_block != UINT64_MAX, &bad, err))
        return MR_BAD_INPUT;
    *verif += sum;
    *words_out += words;
    *nthreads_out = nthreads;
    if (mr_comm_any(comm, interrupted))
        return MR_INTERRUPTED;
    return MR_OK;
}

mr_status mr_engine_stream(const mr_scenario *sc, const mr_engine_opts *opts, int tails,
                           mr_results *res, mr_stream **stp, mr_run_info *info, mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    const mr_comm *comm = opts->comm ? opts->comm : &solo;
    memset(res, 0, sizeof *res);
    *stp = NULL;
    mr_model md;
    const uint64_t N = sc->trials;
    uint64_t blo, bhi, first, last, budget;
    if (mr_comm_any(comm, mr_stream_budget(&budget) != 0)) {
        char shown[MR_ENV_SHOWN];
        snprintf(err->msg, sizeof err->msg,
                 "MINRISK_STREAM_BUDGET: must be a number of values (digits, no leading zero), "
                 "got '%s'",
                 mr_env_shown("MINRISK_STREAM_BUDGET", shown, sizeof shown));
        return MR_BAD_INPUT;
    }
    mr_status rc = rank_blocks(sc, opts, comm, 1, &md, &blo, &bhi, &first, &last, err);
    if (rc != MR_OK)
        return rc;
    /* the dimensions, the trial range and the bands; no per-trial arrays */
    res->ntrials = last > first ? last - first : 0;
    res->first_trial = first;
    res->ntrials_total = N;
    res->nsectors = md.S;
    res->nminerals = md.M;
    res->years = md.H;
    res->steps = md.T;
    res->first_block = blo;
    res->nblocks = bhi - blo;
    res->band_q = calloc((size_t)md.T * (size_t)md.S * MR_BAND_Q_BINS, sizeof(uint64_t));
    res->band_y = calloc((size_t)md.T * (size_t)md.M * MR_BAND_Y_BINS, sizeof(uint64_t));
    int oom = !res->band_q || !res->band_y;
    /* output.trials: totals: the columns the file keeps */
    for (int k = 0; k < MR_NTRIAL_VARS && sc->output_trials == MR_OUTPUT_TRIALS_TOTALS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        if (!(v->where & MR_VAR_TOTALS))
            continue;
        const size_t cols = mr_cols_count(v->cols, md.S, md.M, md.H);
        double *p = calloc(res->ntrials * cols > 0 ? res->ntrials * cols : 1, sizeof *p);
        memcpy((char *)res + v->offset, &p, sizeof p);
        oom |= !p;
    }
    mr_stream *st = mr_stream_new(comm, N, blo, bhi - blo, md.S, md.M, md.H, tails & 1);
    if (st && (tails & 2)) { /* the summary's bootstrap intervals */
        uint64_t kl, ka, kv;
        mr_summary_errors_tail_sizes(N, md.H, &kl, &ka, &kv);
        oom |= mr_stream_want_boot(st, kl, ka, kv) != 0;
    }
    if (mr_comm_any(comm, oom || !st)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the statistics of %llu trials",
                 sc->source_path, (unsigned long long)N);
        rc = MR_FAILED;
        goto fail;
    }
    const double t0 = mr_now_seconds();
    uint64_t verif = 0, words = 0;
    int nthreads = 1;
    for (;;) {
        rc = stream_pass(sc, &md, opts, comm, res, st, &verif, &words, &nthreads, err);
        if (rc != MR_OK)
            goto fail;
        /* a test hook: the passes and their times */
        if (getenv("MINRISK_STREAM_TRACE") && comm->rank == 0)
            fprintf(stderr, "pass %d: %.2f s\n", mr_stream_pass(st), mr_now_seconds() - t0);
        int more = mr_stream_end_pass(st);
        if (more < 0) {
            snprintf(err->msg, sizeof err->msg, "%s: out of memory for the statistics",
                     sc->source_path);
            rc = MR_FAILED;
            goto fail;
        }
        if (!more)
            break;
    }
    const double wall = mr_now_seconds() - t0;
    uint64_t totals[2] = {verif, words};
    mr_comm_sum_u64(comm, totals, 2);
    double wall_all = wall; /* the slowest rank's */
    mr_comm_max_f64(comm, &wall_all, 1);
    if (opts->progress && comm->rank == 0)
        mr_progress_print(
            opts->progress_every, 1, "%llu trials simulated in %.2f s (%d passes, %.0f trials/s)",
            (unsigned long long)N, wall_all, mr_stream_pass(st), (double)N / wall_all);
    info->threads = nthreads;
    info->ranks = comm->size;
    info->analysis_seconds = 0.0;
    info->wall_seconds = wall;
    info->random_words = totals[1];
    info->verification = totals[0];
    info->trials_per_second = (double)N / wall;
    res->trials_run = N;
    res->calls = 1;
    *stp = st;
    mr_model_free(&md);
    return MR_OK;
fail:
    mr_stream_free(st);
    mr_results_free(res);
    mr_model_free(&md);
    return rc;
}
