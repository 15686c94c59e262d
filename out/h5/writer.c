/* writer.c - write the HDF5 result file (layout: docs/OUTPUT.md): the
 * steps of a write (writer.h), over the toolkit of h5w.c and the layout of
 * layout.c.
 *
 * Everything outside /run_info is a function of (scenario, seed, trials)
 * only: statistics are reduced in trial order, in fixed blocks, whatever the
 * ranks and threads (sumstats.c, dstats.c), nothing records a time, a host
 * or a rank count, and object modification times are off, so
 * `h5diff --exclude-path /run_info` of two runs shows no difference.
 *
 * The write is collective over the ranks of a run. With MPI every rank opens
 * the file through MPI-IO and makes every object with the same arguments
 * (parallel HDF5 requires it); each rank writes its own rows of the
 * /trials datasets as one hyperslab, with collective transfer; rank 0 alone
 * selects the data of the small datasets. Parallel HDF5 1.10 cannot write
 * variable-length data, so the string datasets (entity ids and names,
 * /scenario) are made in the collective part and filled afterwards by rank
 * 0 through the serial driver, together with /run_info; then rank 0 renames
 * the file. The serial build and a NULL comm take the same path with one
 * rank and the serial driver.
 *
 * After every step that touches the file the ranks agree on failure and
 * interrupt (h5w_sync_state), so they never part ways in the collective
 * calls: any rank's failure is every rank's, reported with the first
 * failing rank's message.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/h5/writer.h"

#include "out/clock.h"
#include "out/h5/h5w.h"
#include "out/format.h"
#include "out/scenario_yaml.h"
#include "out/stats/sumstats.h"

#include <hdf5.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const mr_comm solo = {0, 1, NULL};

/* ---- checks --------------------------------------------------------------- */

/* Every per-trial array of MR_TRIAL_VARS that output.trials writes is there
   (a streamed run, sim/engine.h mr_engine_stream, holds only those). */
static bool has_all_vars(const mr_scenario *sc, const mr_results *res)
{
    if (sc->output_trials == MR_OUTPUT_TRIALS_NONE)
        return true;
    const unsigned keep = sc->output_trials == MR_OUTPUT_TRIALS_TOTALS ? MR_VAR_TOTALS : 0;
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        if ((v->where & MR_VAR_FILE) && (v->where & keep) == keep && !mr_results_cvar(res, v))
            return false;
    }
    return true;
}

/* The results fit the scenario, and the ranks' trial ranges are whole blocks
   that tile 0 .. N-1 in rank order (collective). */
static int check_results(h5w *w, const mr_scenario *sc, const mr_results *res)
{
    const mr_comm *c = w->comm;
    if (res->ntrials_total == 0)
        h5w_fail(w, "no trials to write");
    else if (res->nsectors != sc->nsectors || res->nminerals != sc->nminerals ||
             res->years != sc->horizon_years ||
             res->steps != sc->horizon_years * sc->steps_per_year)
        h5w_fail(w, "internal error: results do not match the scenario's dimensions");
    else if (!has_all_vars(sc, res))
        h5w_fail(w, "internal error: results are missing per-trial arrays");
    if (h5w_sync_state(w) < 0)
        return -1;
    double mine[2] = {(double)res->first_trial, (double)res->ntrials};
    double *all = malloc(2 * (size_t)c->size * sizeof *all);
    int oom = mr_comm_any(c, !all);
    if (oom || mr_comm_allgather_f64(c, mine, 2, all) != 0) {
        free(all);
        h5w_fail(w, "out of memory");
        return h5w_sync_state(w);
    }
    double next = 0.0;
    bool ok = true;
    for (int r = 0; r < c->size; r++) {
        ok = ok && all[2 * r] == next && fmod(all[2 * r], (double)MR_BLOCK_TRIALS) == 0.0;
        next += all[2 * r + 1];
    }
    free(all);
    if (!ok || next != (double)res->ntrials_total)
        h5w_fail(w, "internal error: the ranks' trials are not whole blocks of 0 .. N-1 in rank "
                    "order");
    return h5w_sync_state(w);
}

/* The collective part: every object, all numeric data. */
static void write_collective(h5w *w, const char *kind, const mr_output_run *runs, size_t nruns,
                             const mr_sumstats *st, char **resolved, const mr_output_extra *extras,
                             size_t nextras)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
    w->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    w->dcpl = H5Pcreate(H5P_DATASET_CREATE);
    w->str = H5Tcopy(H5T_C_S1);
    if (h5w_setup(w, fcpl, fapl) < 0)
        h5w_fail(w, "cannot set up HDF5 property lists");
    /* agreed before H5Fcreate, collective: a rank whose setup failed must
       not leave the others waiting in it (until 2026-12-07 they did) */
    if (h5w_sync_state(w) == 0) {
        errno = 0;
        w->file = H5Fcreate(h5w_partial_name(), H5F_ACC_TRUNC, fcpl, fapl);
        if (w->file < 0)
            h5w_fail_h5(w, h5w_partial_name());
    }
    bool plain = !strcmp(kind, "run");
    if (h5w_sync_state(w) == 0 && !plain)
        (void)(h5w_write_file_root(w, kind, runs, nruns) < 0);
    else if (h5w_sync_state(w) == 0) /* a run's root: the file's own */
        (void)(h5w_attr_str(w, w->file, "Conventions", MR_CONVENTIONS) < 0);
    for (size_t k = 0; k < nruns && h5w_sync_state(w) == 0; k++) {
        const mr_output_run *ru = &runs[k];
        w->base = h5w_make_path(w, plain ? NULL : ru->group, true);
        w->resolved = resolved[k];
        if (w->base >= 0)
            (void)h5w_write_run(w, ru->sc, ru->res, &st[k]);
        h5w_close_id(w->base);
        w->base = -1;
        w->resolved = NULL;
    }
    for (size_t k = 0; k < nextras && h5w_sync_state(w) == 0; k++)
        (void)h5w_write_extra(w, &extras[k]);
    if (w->file >= 0) {
        errno = 0;
        if (H5Fclose(w->file) < 0)
            h5w_fail_h5(w, h5w_partial_name());
        w->file = -1;
    }
    h5w_close_id(w->dxpl);
    w->dxpl = H5P_DEFAULT;
    h5w_close_id(w->str);
    h5w_close_id(w->dcpl);
    h5w_close_id(w->gcpl);
    h5w_close_id(fapl);
    h5w_close_id(fcpl);
    w->str = w->dcpl = w->gcpl = -1;
}

/* Rank 0 alone, serial driver: the string data and /run_info. */
static void write_final(h5w *w, const mr_scenario *sc, const h5w_facts *rf)
{
    w->str = H5Tcopy(H5T_C_S1);
    w->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    if (w->str < 0 || w->gcpl < 0 || fapl < 0 || H5Tset_size(w->str, H5T_VARIABLE) < 0 ||
        H5Tset_cset(w->str, H5T_CSET_UTF8) < 0 || H5Pset_link_creation_order(w->gcpl, order) < 0 ||
        H5Pset_attr_creation_order(w->gcpl, order) < 0 || H5Pset_obj_track_times(w->gcpl, 0) < 0 ||
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        h5w_fail(w, "cannot set up HDF5 property lists");
    } else {
        errno = 0;
        w->file = H5Fopen(h5w_partial_name(), H5F_ACC_RDWR, fapl);
        if (w->file < 0)
            h5w_fail_h5(w, h5w_partial_name());
    }
    for (size_t i = 0; i < w->ndefer && !w->failed; i++) {
        const h5w_deferred *d = &w->defer[i];
        errno = 0;
        hid_t ds = H5Dopen2(w->file, d->path, H5P_DEFAULT);
        if (ds < 0 || H5Dwrite(ds, w->str, H5S_ALL, H5S_ALL, H5P_DEFAULT, d->values) < 0)
            h5w_fail_h5(w, d->path);
        h5w_close_id(ds);
    }
    w->base = w->file;
    if (h5w_sync_state(w) == 0)
        h5w_write_run_info(w, sc, rf);
    w->base = -1;
    if (w->file >= 0) {
        errno = 0;
        if (H5Fclose(w->file) < 0)
            h5w_fail_h5(w, h5w_partial_name());
        w->file = -1;
    }
    h5w_close_id(fapl);
    h5w_close_id(w->str);
    h5w_close_id(w->gcpl);
    w->str = w->gcpl = -1;
}

/* ---- the steps of a write ------------------------------------------------ */

/* /run_info's facts of the runs: the first run's, with wall time, random
   words and analysis time summed over the runs; NULL when a run has none. */
static const mr_run_info *sum_run_info(const mr_output_run *runs, size_t nruns,
                                       mr_run_info *sum_info)
{
    bool have_info = true;
    for (size_t k = 0; k < nruns; k++) {
        if (!runs[k].info) {
            have_info = false;
            continue;
        }
        if (k == 0)
            *sum_info = *runs[0].info;
        else {
            sum_info->wall_seconds += runs[k].info->wall_seconds;
            sum_info->random_words += runs[k].info->random_words;
            sum_info->analysis_seconds += runs[k].info->analysis_seconds;
        }
    }
    return have_info ? sum_info : NULL;
}

/* The statistics of each run, before the file exists: the caller's (not
   freed here), or mr_sumstats_compute of its results (collective; own[k]
   set, freed by the caller). */
static void compute_stats(h5w *w, const mr_output_run *runs, size_t nruns, mr_sumstats *st,
                          bool *own)
{
    for (size_t k = 0; k < nruns && !w->failed; k++) {
        if (runs[k].stats)
            st[k] = *runs[k].stats; /* the caller's, not freed here */
        else if (mr_sumstats_compute(w->comm, runs[k].res, &st[k]) != 0)
            h5w_fail(w, "out of memory for the statistics");
        else
            own[k] = true;
    }
}

/* The resolved scenario text of each run (/scenario/resolved). */
static void resolve_scenarios(h5w *w, const mr_output_run *runs, size_t nruns, char **resolved)
{
    for (size_t k = 0; k < nruns && !w->failed; k++)
        if (!(resolved[k] = mr_scenario_resolved_yaml(runs[k].sc)))
            h5w_fail(w, "cannot produce the resolved scenario (out of memory)");
}

/* The rank-dependent facts, reduced over ranks (exact min and max). */
static void reduce_facts(const mr_comm *c, const mr_run_info *info, double write_s,
                         uint64_t trials_all, h5w_facts *rf)
{
    double mx[4] = {info ? info->wall_seconds : 0.0, rf->stats_seconds, write_s,
                    info ? info->analysis_seconds : 0.0};
    double mn = info ? info->wall_seconds : 0.0;
    mr_comm_max_f64(c, mx, 4);
    rf->analysis_seconds = mx[3];
    mr_comm_min_f64(c, &mn, 1);
    rf->wall_max = mx[0];
    rf->wall_min = mn;
    rf->stats_seconds = mx[1];
    rf->write_seconds = mx[2];
    if (info) {
        rf->threads = info->threads;
        rf->random_words = info->random_words;
        rf->verification = info->verification;
        rf->trials_per_second = rf->wall_max > 0.0 ? (double)trials_all / rf->wall_max : 0.0;
    }
}

/* The temporary file, once created: the collective part, then rank 0's
   string data and /run_info. */
static void write_file(h5w *w, const char *kind, const mr_output_run *runs, size_t nruns,
                       const mr_sumstats *st, char **resolved, const mr_output_extra *extras,
                       size_t nextras, const mr_run_info *info, h5w_facts *rf)
{
    const mr_comm *c = w->comm;
    uint64_t trials_all = 0; /* simulated by this process: not those read from a checkpoint */
    for (size_t k = 0; k < nruns; k++)
        trials_all += runs[k].res->trials_run;

    /* HDF5 1.10 leaves a file whose close failed (disk full...) half freed in
       its ID table, and its exit handler then crashes on it (HDFFV-11052,
       fixed in 1.14). Without the handler a failed run exits with its own
       status. Effective when this is the process's first HDF5 call. */
    H5dont_atexit();
    H5E_auto2_t old_func;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported through err */

    double t1 = mr_now_seconds();
    write_collective(w, kind, runs, nruns, st, resolved, extras, nextras);
    double write_s = mr_now_seconds() - t1;
    if (h5w_sync_state(w) == 0) {
        reduce_facts(c, info, write_s, trials_all, rf);
        w->comm = &solo;
        if (c->rank == 0)
            write_final(w, runs[0].sc, rf);
        w->comm = c;
        h5w_sync_state(w);
    }
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
}

/* ---- the size of a file, before the run -------------------------------------- */

double mr_output_rows_bytes(uint64_t rows, size_t cols, size_t elem)
{
    const uint64_t c = rows ? h5w_chunk_rows(rows, (hsize_t)(8 * cols)) : 1;
    return (double)((rows + c - 1) / c) * (double)c * (double)cols * (double)elem;
}

/* One /trials dataset of N rows of `cols` doubles. */
static double trials_dataset_bytes(uint64_t N, size_t cols)
{
    return mr_output_rows_bytes(N, cols, 8);
}

double mr_output_size_estimate(const mr_scenario *sc, uint64_t nruns)
{
    return mr_output_size_estimate_trials(sc, sc->trials, nruns);
}

double mr_output_size_estimate_trials(const mr_scenario *sc, uint64_t N, uint64_t nruns)
{
    const int S = sc->nsectors, M = sc->nminerals, H = sc->horizon_years;
    unsigned keep = sc->output_trials == MR_OUTPUT_TRIALS_TOTALS ? MR_VAR_TOTALS : 0;
    double run = 0.0;
    if (sc->output_trials != MR_OUTPUT_TRIALS_NONE) {
        /* the trial coordinate, then the variables; each with its metadata */
        run += trials_dataset_bytes(N, 1) + MR_OUTPUT_DATASET_BYTES;
        for (int k = 0; k < MR_NTRIAL_VARS; k++) {
            const mr_trial_var *v = &mr_trial_vars[k];
            if ((v->where & MR_VAR_FILE) && (v->where & keep) == keep)
                run += trials_dataset_bytes(N, mr_cols_count(v->cols, S, M, H)) +
                       MR_OUTPUT_DATASET_BYTES;
        }
    }
    const double steps = (double)H * (double)sc->steps_per_year;
    run += MR_OUTPUT_FIXED_BYTES + 2.0 * (double)sc->source_len + 64.0 * steps * (double)(S + M);
    return run * (double)(nruns ? nruns : 1);
}

double mr_output_extras_bytes(const mr_output_extra *x, size_t n)
{
    double bytes = 0.0;
    for (size_t k = 0; k < n; k++) {
        /* a string: its heap object (16 bytes of header) and its text, about 32 bytes */
        const size_t elem = x[k].type == MR_EXTRA_I32 ? 4 : x[k].type == MR_EXTRA_STR ? 48 : 8;
        size_t cols = 1;
        for (int d = 1; d < x[k].rank; d++)
            cols *= (size_t)x[k].dims[d];
        const uint64_t rows = x[k].rank > 0 ? x[k].dims[0] : 1;
        bytes += MR_OUTPUT_DATASET_BYTES + (x[k].distributed
                                                ? mr_output_rows_bytes(rows, cols, elem)
                                                : (double)rows * (double)cols * (double)elem);
    }
    return bytes;
}

/* ---- entry points ---------------------------------------------------------- */

int mr_output_write(const char *path, const mr_scenario *sc, const mr_results *res,
                    const mr_run_info *info, const mr_comm *comm, mr_error *err)
{
    mr_output_run run = {NULL, sc, res, info, NULL};
    return mr_output_write_multi(path, "run", &run, 1, NULL, 0, comm, err);
}

int mr_output_write_multi(const char *path, const char *kind, const mr_output_run *runs,
                          size_t nruns, const mr_output_extra *extras, size_t nextras,
                          const mr_comm *comm, mr_error *err)
{
    const mr_comm *c = comm ? comm : &solo;
    h5w w = {.path = path,
             .err = err,
             .comm = c,
             .world = c,
             .file = -1,
             .base = -1,
             .str = -1,
             .gcpl = -1,
             .dcpl = -1,
             .dxpl = H5P_DEFAULT};
#ifdef MINRISK_HAVE_MPI
    w.par = c->mpi != NULL;
#endif
    const bool plain = !strcmp(kind, "run");
    mr_sumstats *st = calloc(nruns ? nruns : 1, sizeof *st);
    bool *own = calloc(nruns ? nruns : 1, sizeof *own); /* st[k] computed here */
    char **resolved = calloc(nruns ? nruns : 1, sizeof *resolved);
    mr_run_info sum_info = {0};
    const mr_run_info *info = sum_run_info(runs, nruns, &sum_info);
    h5w_facts rf = {.have_info = info != NULL, .ranks = c->size};
    bool created = false;

    if (!st || !own || !resolved)
        h5w_fail(&w, "out of memory");
    else if (nruns == 0 || (plain && nruns != 1))
        h5w_fail(&w, "internal error: %zu runs for a file of kind %s", nruns, kind);
    for (size_t k = 0; k < nruns && h5w_sync_state(&w) == 0; k++)
        check_results(&w, runs[k].sc, runs[k].res);
    if (h5w_sync_state(&w) < 0)
        goto done;

    /* The statistics, before the file exists. */
    double t0 = mr_now_seconds();
    compute_stats(&w, runs, nruns, st, own);
    resolve_scenarios(&w, runs, nruns, resolved);
    rf.stats_seconds = mr_now_seconds() - t0;
    if (h5w_sync_state(&w) < 0)
        goto done;

    /* the size estimate (the free-space check before the run used it too),
       with the extras' data (/events, the tables) as given. Of the trials the results hold: an
       uncertainty study's base run has the block's, not its scenario's `trials`. */
    const uint64_t n = runs[0].res->ntrials_total;
    if (h5w_partial_create(&w, mr_output_size_estimate_trials(runs[0].sc, n, nruns) +
                                   mr_output_extras_bytes(extras, nextras)) < 0)
        goto done;
    created = true;
    write_file(&w, kind, runs, nruns, st, resolved, extras, nextras, info, &rf);

    /* Complete: rank 0 renames it. An interrupt from here on is too late. */
    h5w_partial_rename(&w);
    h5w_sync_flags(&w, false);

done:
    h5w_partial_end(&w, created);
    for (size_t k = 0; st && own && resolved && k < nruns; k++) {
        if (own[k])
            mr_sumstats_free(&st[k]);
        free(resolved[k]);
    }
    free(st);
    free(own);
    free(resolved);
    h5w_free_deferred(&w);
    mr_comm_barrier(c);
    if (w.stopped) {
        h5w_interrupt_consume();
        return 1;
    }
    return w.failed ? -1 : 0;
}
