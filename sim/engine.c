/* engine.c - the Monte Carlo driver (MODEL §12): a run's trials cut into
 * fixed blocks of MR_BLOCK_TRIALS, blocks shared among MPI ranks as
 * contiguous ranges and handed to OpenMP threads dynamically; each trial is
 * mr_trial_run (sim/trial.c). Per-trial results go to the trial's row and
 * the time bands are integer sums, so nothing depends on the number of
 * threads or ranks.
 */
#include "sim/engine.h"

#include "models/units.h"
#include "out/clock.h"
#include "sim/model.h"
#include "sim/rng.h"
#include "sim/trial.h"

#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t interrupted = 0;

void mr_engine_interrupt(void)
{
    interrupted = 1;
}

int mr_engine_interrupted(void)
{
    return interrupted != 0;
}

/* dst[(t * n + j) * bins + k] += src[(j * bins + k) * T + t]: integer sums,
   exact in any order, so the bands do not depend on the thread count. */
static void add_bands(uint64_t *dst, const uint32_t *src, int T, int n, int bins)
{
    for (int j = 0; j < n; j++)
        for (int k = 0; k < bins; k++) {
            const uint32_t *row = src + ((size_t)j * (size_t)bins + (size_t)k) * (size_t)T;
            for (int t = 0; t < T; t++)
                dst[((size_t)t * (size_t)n + (size_t)j) * (size_t)bins + (size_t)k] += row[t];
        }
}

static mr_status run_blocks(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                            const mr_comm *comm, mr_results *res, mr_run_info *info);

/* The blocks of res still to do, on md (built from sc). */
static mr_status continue_on(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                             mr_results *res, mr_run_info *info, mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    mr_status rc = run_blocks(sc, md, opts, opts->comm ? opts->comm : &solo, res, info);
    if (rc < 0) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the thread workspaces",
                 sc->source_path);
        mr_results_free(res);
    }
    return rc;
}

mr_status mr_engine_run(const mr_scenario *sc, const mr_engine_opts *opts, mr_results *res,
                        mr_run_info *info, mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    const mr_comm *comm = opts->comm ? opts->comm : &solo;
    mr_model md;
    if (mr_model_build(sc, &md, err))
        return MR_FAILED;
    const uint64_t N = sc->trials;
    if (N > MR_MAX_TRIALS) {
        snprintf(err->msg, sizeof err->msg, "%s: simulation.trials: at most %llu, got %llu",
                 sc->source_path, (unsigned long long)MR_MAX_TRIALS, (unsigned long long)N);
        mr_model_free(&md);
        return MR_FAILED;
    }
    /* This rank's blocks: a contiguous range, so its trials are one slab of
       every per-trial array. */
    const uint64_t nblocks = (N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    uint64_t blo, bhi;
    mr_comm_block_range(nblocks, comm->rank, comm->size, &blo, &bhi);
    const uint64_t first = blo * MR_BLOCK_TRIALS;
    const uint64_t last = bhi * MR_BLOCK_TRIALS < N ? bhi * MR_BLOCK_TRIALS : N;
    int oom = mr_results_alloc(res, last - first, md.S, md.M, md.H, md.T) != 0;
    if (!oom) {
        res->first_trial = first;
        res->ntrials_total = N;
        res->first_block = blo;
        res->nblocks = bhi - blo;
        res->block_done = calloc(bhi - blo > 0 ? bhi - blo : 1, 1);
        oom = !res->block_done;
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
    if (mr_model_build(sc, &md, err))
        return MR_FAILED;
    mr_status rc = continue_on(sc, &md, opts, res, info, err);
    mr_model_free(&md);
    return rc;
}

/* Run the blocks of res not yet done, on this rank's threads (MODEL §12):
   returns MR_OK when all are done, MR_INTERRUPTED, MR_PAUSED after
   opts->pause_seconds, MR_FAILED if a workspace could not be allocated. */
static mr_status run_blocks(const mr_scenario *sc, const mr_model *md, const mr_engine_opts *opts,
                            const mr_comm *comm, mr_results *res, mr_run_info *info)
{
    const uint64_t N = res->ntrials_total;
    const uint64_t blo = res->first_block, bhi = res->first_block + res->nblocks;
    const double t0 = mr_now_seconds();
    uint64_t todo_local = 0;
    for (uint64_t b = blo; b < bhi; b++)
        if (!res->block_done[b - blo]) {
            uint64_t lo = b * MR_BLOCK_TRIALS;
            todo_local += (lo + MR_BLOCK_TRIALS < N ? lo + MR_BLOCK_TRIALS : N) - lo;
        }
    int paused = 0;
    uint64_t done = 0, words = 0;
    int failed = 0, nthreads = 1;
    double last_print = t0;
    if (opts->threads > 0)
        omp_set_num_threads(opts->threads);

#pragma omp parallel
    {
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
            for (uint64_t b = blo; b < bhi; b++) {
                int stop_now;
#pragma omp atomic read
                stop_now = paused;
                if (interrupted || stop_now || res->block_done[b - blo])
                    continue;
                if (opts->pause_seconds > 0 && mr_now_seconds() - t0 > opts->pause_seconds) {
#pragma omp atomic write
                    paused = 1;
                    continue;
                }
                uint64_t lo = b * MR_BLOCK_TRIALS;
                uint64_t hi = lo + MR_BLOCK_TRIALS < N ? lo + MR_BLOCK_TRIALS : N;
                for (uint64_t i = lo; i < hi; i++)
                    mr_trial_run(md, sc->seed, i, &w, res);
                res->block_done[b - blo] = 1;
                uint64_t d;
#pragma omp atomic capture
                d = done += hi - lo;
                if (opts->progress && comm->rank == 0 && omp_get_thread_num() == 0) {
                    /* rank 0's own progress stands for the run's */
                    double t = mr_now_seconds();
                    if (t - last_print > 0.5 || d == todo_local) {
                        double rate = (double)d / (t - t0) * comm->size;
                        double all = (double)d * comm->size;
                        fprintf(stderr, "\r%.0f / %llu trials  %.0f trials/s  ETA %.0f s   ", all,
                                (unsigned long long)N, rate, ((double)N - all) / rate);
                        last_print = t;
                    }
                }
            }
            /* Sum the private histograms: integer sums, exact in any order. */
            w.words += mr_rng_words_used(w.rng);
            for (int m = 0; m < md->M; m++)
                w.words += mr_rng_words_used(w.price_rng[m]);
#pragma omp critical(mr_bands)
            {
                words += w.words;
                add_bands(res->band_q, w.band_q, md->T, md->S, MR_BAND_Q_BINS);
                add_bands(res->band_y, w.band_y, md->T, md->M, MR_BAND_Y_BINS);
            }
        }
        if (wok)
            mr_workspace_free(&w, md->M);
    }
    double wall = mr_now_seconds() - t0;
    int stop = interrupted;
    if (mr_comm_any(comm, failed))
        return MR_FAILED;
    uint64_t totals[2] = {done, words};
    mr_comm_sum_u64(comm, totals, 2);
    if (opts->progress && comm->rank == 0)
        fprintf(stderr, "\r%llu trials in %.2f s (%.0f trials/s)%20s\n",
                (unsigned long long)totals[0], wall, (double)totals[0] / wall, "");
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
    /* One rank's signal stops all: they checkpoint or discard together. */
    if (mr_comm_any(comm, stop))
        return MR_INTERRUPTED;
    return mr_comm_any(comm, paused) ? MR_PAUSED : MR_OK;
}
