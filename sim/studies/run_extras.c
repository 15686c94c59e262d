/* run_extras.c - the memory the analyses of run_extras.h take, counted in
 * the engine's up-front check (issue 11, case 7). The counts follow the
 * allocations of attribution.c, paired.c and events.c; where a size depends
 * on chance (the tail, the number of occurrences) they take a margin.
 */
#include "sim/studies/run_extras.h"

#include "out/h5/writer.h"
#include "out/stats/stream.h"
#include "sim/model.h"
#include "sim/replay.h"
#include "sim/studies/attribution.h"
#include "sim/studies/summary_errors.h"

#include <math.h>
#include <omp.h>

/* Trials in a series' ES 99 tail, as a fraction of the trials, with room
   for ties at the VaR (a tail holds 1% of the trials plus its ties). */
#define TAIL_FRACTION 0.02

static size_t threads_of(const mr_run_extras_opts *xo)
{
    return (size_t)(xo->threads > 0 ? xo->threads : omp_get_max_threads());
}

/* Per-trial results of n trials (out/results.c), without the bands. */
static double rows_bytes(const mr_model *md, double n)
{
    double cols = 0.0;
    for (int k = 0; k < MR_NTRIAL_VARS; k++)
        cols += (double)mr_cols_count(mr_trial_vars[k].cols, md->S, md->M, md->H);
    return n * cols * 8.0;
}

/* (a) the tail allocation: the series losses [L x W], each series' tail
   (index, weight, row of K + 3 values), one series' gathered tail, and a
   replayer per thread: its trace and its row (without bands:
   mr_results_alloc_rows); its workspace takes the place of a simulating
   thread's, freed by then, which the engine's check counts (thread
   workspaces). */
static double attribution_bytes(const mr_model *md, double L, double N, double K, size_t threads)
{
    const double W = md->S + 1, RW = K + MR_ATTR_ROW_HEAD;
    double loss = L * W * 8.0;
    double tails = W * TAIL_FRACTION * L * (16.0 + RW * 8.0);
    double gathered = TAIL_FRACTION * N * RW * 8.0;
    double TS = (double)md->T * (md->S + md->M);
    double replay = (double)threads * (TS * 8.0 * 8.0 + W * K * 8.0 + rows_bytes(md, 1.0));
    return loss + tails + gathered + replay;
}

/* (b) the counterfactual runs: base and counterfactual losses of the whole
   run on every rank [N x W] twice, then the larger of one run's results with
   its losses and the paired statistics (three copies of a series and one
   resample count per thread). */
static double counterfactual_bytes(const mr_model *md, double L, double N, size_t threads)
{
    const double W = md->S + 1;
    double base = 2.0 * N * W * 8.0;
    double run = rows_bytes(md, L) + L * W * 8.0;
    double paired = 3.0 * N * 8.0 + (double)threads * N * 4.0;
    return base + (run > paired ? run : paired);
}

/* The expected occurrences of a trial, from the rates. */
static double occurrences_per_trial(const mr_model *md)
{
    double per_trial = 0.0;
    for (int p = 0; p < md->nproc; p++)
        per_trial += md->proc[p]->rate_per_year * md->H + md->proc_ncertain[p];
    return per_trial;
}

/* /events (events.c), in two phases that do not overlap. Building the
   table (to_columns): every occurrence as the replayer's record with its
   loss row (S values; the arrays grow by doubling: twice that) and as the
   table's columns (60 bytes and S values a row), with the blocks' per-trial
   loss tables (S + 2 H (S + 1) values a trial). Then /loss_tables
   (add_loss_tables): the columns, the blocks' tables and their copy in
   trial order, and on every rank the run's annual tables gathered for the
   exceedance curves (2 N H (S + 1) values, sorted with their trials: 16
   bytes a value). And a replayer per thread (its trace and row; its
   workspace as in attribution_bytes). Until 2026-12-06 the two phases
   were added: 1.5 times the peak of demo.yaml with --events at 10,000
   trials. */
static double events_bytes(const mr_model *md, double L, double N, size_t threads)
{
    const double occ = L * occurrences_per_trial(md);
    const double S = md->S, HK = (double)md->H * (S + 1.0);
    const double columns = occ * (60.0 + S * 8.0), tables = L * (S + 2.0 * HK) * 8.0;
    const double build = occ * 2.0 * (sizeof(mr_occurrence_record) + S * 8.0) + columns + tables;
    const double loss_tables = columns + 2.0 * tables + N * HK * (2.0 * 8.0 + 16.0);
    double TS = (double)md->T * (md->S + md->M);
    double replay = (double)threads * (TS * 8.0 * 8.0 + rows_bytes(md, 1.0));
    return (build > loss_tables ? build : loss_tables) + replay;
}

mr_status mr_run_extras_bytes(const mr_scenario *sc, uint64_t ntrials, const mr_run_extras_opts *xo,
                              double *bytes)
{
    mr_model md;
    mr_error err;
    *bytes = 0;
    const mr_status built = mr_model_build(sc, &md, &err);
    if (built == MR_FAILED) /* out of memory: no estimate, not 0 */
        return MR_FAILED;
    if (built != MR_OK)
        return MR_OK; /* the engine refuses the scenario itself */
    const double L = (double)ntrials, N = (double)sc->trials;
    const double K = md.M + sc->ncountries + sc->nevents + 1; /* at most (attribution.c) */
    const size_t threads = threads_of(xo);
    double a = attribution_bytes(&md, xo->stream ? 0.0 : L, N, K, threads);
    if (xo->stream) /* each series' tail (index, weight); one series' rows at a time */
        a += TAIL_FRACTION * L * ((double)(md.S + 1) * 16.0 + (K + MR_ATTR_ROW_HEAD) * 8.0);
    if (xo->counterfactual)
        a += counterfactual_bytes(&md, L, N, threads);
    /* the event table comes after the attribution has freed its arrays */
    double e = xo->events ? events_bytes(&md, L, N, threads) : 0.0;
    /* the summary's bootstrap (summary_errors.c), after the attribution:
       the top tails of the run's loss series on every rank, as a streamed
       run keeps them (out/stats/stream.h; a streamed run's are counted with
       the stream, engine.c), and pass 1's first-digit counts of those
       series, the run's and 32-bit ones a thread (btails.h) */
    const double H = (double)sc->horizon_years, S = (double)md.S;
    double b = xo->stream ? 0.0
                          : mr_summary_errors_tail_bytes(sc->trials, md.S, sc->horizon_years,
                                                         (int)threads) +
                                (2.0 * S + 4.0) * 65536.0 * (8.0 + 4.0 * (double)threads);
    /* an importance-sampled run's weighted statistics (wsumstats.c):
       on every rank the weights and, per trial-year, the gathered values,
       their weights, the sorted copy and its weights and indices, and the
       sort's keys and indices (two of each) */
    if (sc->importance.present) { /* or the unweighted one, if every weight is 1 */
        double bw =
            8.0 * N + N * (H > 0.0 ? H : 1.0) * (4.0 * 8.0 + 4.0 + 2.0 * (8.0 + 4.0)) + 8.0 * L * H;
        b = bw > b ? bw : b;
    }
    mr_model_free(&md);
    double total = a > e ? a : e;
    total = total > b ? total : b;
    *bytes = total; /* may be above 2^64 (the event table of 10^9 trials of 1,000 years and
                       sectors): a double, never converted to an integer */
    return MR_OK;
}

mr_status mr_run_extras_file_bytes(const mr_scenario *sc, const mr_run_extras_opts *xo,
                                   double *bytes)
{
    *bytes = 0.0;
    if (!xo->events)
        return MR_OK;
    mr_model md;
    mr_error err;
    const mr_status built = mr_model_build(sc, &md, &err);
    if (built == MR_FAILED)
        return MR_FAILED;
    if (built != MR_OK)
        return MR_OK;
    /* /events, a row an occurrence: six columns of 8 bytes, three of 4 and
       the losses [S], each in whole chunks of 1 MiB, for the expected
       count E and its chance (2% and 4 sqrt(E) more);
       /loss_tables: a trial's annual_occurrence_max [H, S + 1],
       sector_unallocated_loss [S], unallocated_loss and its trial
       coordinate; MR_OUTPUT_DATASET_BYTES of metadata a dataset */
    const size_t S = (size_t)md.S, H = (size_t)md.H;
    const uint64_t N = sc->trials;
    const double E = (double)N * occurrences_per_trial(&md);
    const double hi = ceil(1.02 * E + 4.0 * sqrt(E));
    const uint64_t rows = hi >= 1.8e19 ? UINT64_MAX / 2 : (uint64_t)hi;
    const double ev = 6.0 * mr_output_rows_bytes(rows, 1, 8) +
                      3.0 * mr_output_rows_bytes(rows, 1, 4) + mr_output_rows_bytes(rows, S, 8);
    *bytes = ev + mr_output_rows_bytes(N, H * (S + 1), 8) + mr_output_rows_bytes(N, S, 8) +
             2.0 * mr_output_rows_bytes(N, 1, 8) + 14.0 * MR_OUTPUT_DATASET_BYTES;
    mr_model_free(&md);
    return MR_OK;
}

int mr_results_weighted(const mr_results *res, const mr_comm *comm)
{
    int w = 0;
    for (uint64_t i = 0; res->weight && i < res->ntrials && !w; i++)
        w = res->weight[i] != 1.0;
    return mr_comm_any(comm, w);
}
