/* events.c - the event table of `minrisk run --events` (/events): every
 * disruption occurrence (MODEL §3) of every trial of the run, one row each,
 * in trial order and, within a trial, in the order the engine samples them
 * (process by process; an event's certain occurrences before its random
 * ones). The rows come from the replayer (mr_replayer_occurrences), which
 * runs the engine's own sampling code, so they are the occurrences the run
 * used. Layout: docs/OUTPUT.md "/events".
 *
 * Each trial is replayed in full (mr_replayer_run, bit for bit the run's
 * row) and its losses are shared among its occurrences (event_loss.h): the
 * event loss table /events/loss, and the year tables and exceedance curves
 * of /loss_tables (docs/OUTPUT.md "/loss_tables").
 *
 * Each rank covers its own trials. The blocks of a rank are sampled by the
 * OpenMP threads, each into its own list, and concatenated in block order,
 * so the table does not depend on threads or ranks.
 */
#include "sim/studies/run_extras.h"

#include "sim/model.h"
#include "sim/replay.h"
#include "sim/studies/event_loss.h"
#include "sim/studies/exceedance.h"
#include "out/stats/sumstats.h"
#include "out/stats/wstats.h"
#include "out/format.h"
#include "out/stopsig_worker.h"

#include <math.h>

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"country", "supplier", "event", "domestic"};

/* The table's columns on this rank (rows row0 .. row0 + n - 1 of the run). */
typedef struct {
    uint64_t n;
    uint64_t *row, *trial;
    int32_t *process, *start_step, *active_steps;
    double *start_years, *duration_months, *severity;
    double *loss, *total_loss; /* [n * S], [n] */
} columns;

/* One block of trials, replayed: its occurrences with their losses, and
   the per-trial tables (trials lo .. lo + nt - 1). */
typedef struct {
    mr_occurrence_record *occ;
    double *loss; /* [nocc * S] */
    size_t nocc, cap;
    uint64_t nt;
    double *unalloc; /* [nt * S] */
    double *omax;    /* [nt * H * K] the largest single occurrence's loss, K = S + 1 */
    double *ann;     /* [nt * H * K] the annual losses, sectors then the total */
} block;

static void block_free(block *b)
{
    free(b->occ);
    free(b->loss);
    free(b->unalloc);
    free(b->omax);
    free(b->ann);
    memset(b, 0, sizeof *b);
}

/* Append the trial's nocc occurrences and their loss rows. 0, or -1. */
static int block_push(block *b, const mr_trace *tr, const double *loss, size_t S)
{
    size_t n = (size_t)tr->nocc;
    if (n == 0) /* b->occ and the trace's arrays may still be NULL */
        return 0;
    if (b->nocc + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->nocc + n)
            cap *= 2;
        mr_occurrence_record *o = realloc(b->occ, cap * sizeof *o);
        if (!o)
            return -1;
        b->occ = o;
        double *l = realloc(b->loss, cap * (S ? S : 1) * sizeof *l);
        if (!l)
            return -1;
        b->loss = l;
        b->cap = cap;
    }
    memcpy(b->occ + b->nocc, tr->occ, n * sizeof *tr->occ);
    memcpy(b->loss + b->nocc * S, loss, n * S * sizeof *loss);
    b->nocc += n;
    return 0;
}

/* Replay trials lo .. hi-1 into b. 0, -1 (memory), -2 (a replay differs
   from the run's row). */
static int replay_block(mr_replayer *rp, const mr_model *md, const mr_results *res, uint64_t lo,
                        uint64_t hi, mr_trace *tr, mr_results *row, mr_event_loss_ws *ws,
                        double **occ_loss, size_t *occ_cap, block *b)
{
    const size_t S = (size_t)md->S, H = (size_t)md->H, K = S + 1;
    b->nt = hi - lo;
    b->unalloc = malloc((size_t)b->nt * (S ? S : 1) * sizeof *b->unalloc);
    b->omax = malloc((size_t)b->nt * H * K * sizeof *b->omax);
    b->ann = malloc((size_t)b->nt * H * K * sizeof *b->ann);
    double *om = malloc(H * (S ? S : 1) * sizeof *om), *omt = malloc((H ? H : 1) * sizeof *omt);
    int rc = -1;
    if (!b->unalloc || !b->omax || !b->ann || !om || !omt)
        goto out;
    for (uint64_t i = lo; i < hi; i++) {
        if (mr_replayer_run(rp, i, row, tr))
            goto out;
        const size_t r = (size_t)(i - lo), nocc = (size_t)tr->nocc;
        if (res->sector_annual_loss &&
            memcmp(row->sector_annual_loss,
                   res->sector_annual_loss + (size_t)(i - res->first_trial) * H * S,
                   H * S * sizeof(double)) != 0) {
            rc = -2;
            goto out;
        }
        if (nocc * S > *occ_cap) {
            size_t cap = nocc * S * 2;
            double *p = realloc(*occ_loss, cap * sizeof *p);
            if (!p)
                goto out;
            *occ_loss = p;
            *occ_cap = cap;
        }
        if (mr_event_loss_trial(md, tr, ws, *occ_loss, b->unalloc + r * S, om, omt) ||
            block_push(b, tr, *occ_loss, S))
            goto out;
        for (size_t y = 0; y < H; y++) {
            double *a = b->ann + (r * H + y) * K, *o = b->omax + (r * H + y) * K;
            memcpy(a, row->sector_annual_loss + y * S, S * sizeof *a);
            a[S] = row->annual_loss[y];
            memcpy(o, om + y * S, S * sizeof *o);
            o[S] = omt[y];
        }
    }
    rc = 0;
out:
    free(om);
    free(omt);
    return rc;
}

/* Replay this rank's trials, block by block, in parallel; blk[b] gets
   block b's rows. 0, or -1 with err. */
static int replay_blocks(const mr_scenario *sc, const mr_results *res, block *blk, uint64_t nb,
                         mr_error *err)
{
    int failed = 0;
#pragma omp parallel
    {
        mr_stopsig_worker(); /* the stop signals reach the main thread alone */
        mr_error e = {{0}};
        mr_replayer *rp = mr_replayer_new(sc, NULL, &e);
        const mr_model *md = rp ? mr_replayer_model(rp) : NULL;
        mr_trace tr = {0};
        mr_results row = {0};
        mr_event_loss_ws ws = {0};
        double *occ_loss = NULL;
        size_t occ_cap = 0;
        int ok = rp && mr_trace_alloc(&tr, md->M, md->S, md->T) == 0 &&
                 mr_results_alloc_rows(&row, 1, md->S, md->M, md->H, md->T) == 0;
        if (!ok) {
#pragma omp critical(mr_events_err)
            if (!failed) {
                failed = 1;
                if (rp)
                    snprintf(e.msg, sizeof e.msg, "%s: --events: out of memory", sc->source_path);
                *err = e;
            }
        }
#pragma omp barrier
#pragma omp for schedule(dynamic, 1)
        for (uint64_t b = 0; b < nb; b++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            if (stop)
                continue;
            uint64_t lo = res->first_trial + b * MR_BLOCK_TRIALS;
            uint64_t hi = lo + MR_BLOCK_TRIALS;
            if (hi > res->first_trial + res->ntrials)
                hi = res->first_trial + res->ntrials;
            int rc =
                replay_block(rp, md, res, lo, hi, &tr, &row, &ws, &occ_loss, &occ_cap, &blk[b]);
            if (rc) {
#pragma omp critical(mr_events_err)
                if (!failed) {
                    failed = 1;
                    if (rc == -2)
                        snprintf(err->msg, sizeof err->msg,
                                 "%s: --events: the replay of a trial in %llu..%llu differs "
                                 "from the run",
                                 sc->source_path, (unsigned long long)lo,
                                 (unsigned long long)hi - 1);
                    else
                        snprintf(err->msg, sizeof err->msg,
                                 "%s: --events: out of memory for the event table",
                                 sc->source_path);
                }
            }
        }
        free(occ_loss);
        mr_event_loss_ws_free(&ws);
        mr_results_free(&row);
        mr_trace_free(&tr);
        mr_replayer_free(rp);
    }
    return failed ? -1 : 0;
}

static void free_columns(columns *c)
{
    free(c->row);
    free(c->trial);
    free(c->process);
    free(c->start_step);
    free(c->active_steps);
    free(c->start_years);
    free(c->duration_months);
    free(c->severity);
    free(c->loss);
    free(c->total_loss);
    memset(c, 0, sizeof *c);
}

/* The blocks' rows as columns (at least one element each, so that an empty
   table still has buffers); each block's rows are freed once copied. */
static int to_columns(block *blk, uint64_t nb, uint64_t row0, size_t S, columns *c)
{
    uint64_t n = 0;
    for (uint64_t b = 0; b < nb; b++)
        n += (uint64_t)blk[b].nocc;
    size_t k = n ? (size_t)n : 1;
    c->n = n;
    c->row = malloc(k * sizeof *c->row);
    c->trial = malloc(k * sizeof *c->trial);
    c->process = malloc(k * sizeof *c->process);
    c->start_step = malloc(k * sizeof *c->start_step);
    c->active_steps = malloc(k * sizeof *c->active_steps);
    c->start_years = malloc(k * sizeof *c->start_years);
    c->duration_months = malloc(k * sizeof *c->duration_months);
    c->severity = malloc(k * sizeof *c->severity);
    c->loss = calloc(k * (S ? S : 1), sizeof *c->loss);
    c->total_loss = malloc(k * sizeof *c->total_loss);
    if (!c->row || !c->trial || !c->process || !c->start_step || !c->active_steps ||
        !c->start_years || !c->duration_months || !c->severity || !c->loss || !c->total_loss) {
        free_columns(c);
        return -1;
    }
    c->row[0] = c->trial[0] = 0; /* defined contents for an empty table */
    c->process[0] = c->start_step[0] = c->active_steps[0] = 0;
    c->start_years[0] = c->duration_months[0] = c->severity[0] = c->total_loss[0] = 0.0;
    size_t i = 0;
    for (uint64_t b = 0; b < nb; b++) {
        for (size_t e = 0; e < blk[b].nocc; e++, i++) {
            const mr_occurrence_record *o = &blk[b].occ[e];
            c->row[i] = row0 + i;
            c->trial[i] = o->trial;
            c->process[i] = o->process;
            c->start_step[i] = o->first_step;
            c->active_steps[i] = o->nsteps;
            c->start_years[i] = o->start_years;
            c->duration_months[i] = o->duration_months;
            c->severity[i] = o->severity;
            double tot = 0.0;
            for (size_t j = 0; j < S; j++) {
                c->loss[i * S + j] = blk[b].loss[e * S + j];
                tot += blk[b].loss[e * S + j];
            }
            c->total_loss[i] = tot;
        }
        free(blk[b].occ);
        free(blk[b].loss);
        blk[b].occ = NULL;
        blk[b].loss = NULL;
    }
    return 0;
}

/* The process coordinate and its attributes, the same on every rank. */
static int add_processes(const mr_scenario *sc, const mr_model *md, mr_extras *x)
{
    size_t P = (size_t)md->nproc, k = P ? P : 1;
    const char **name = mr_extras_keep(x, calloc(k, sizeof *name));
    const char **kind = mr_extras_keep(x, calloc(k, sizeof *kind));
    const char **country = mr_extras_keep(x, calloc(k, sizeof *country));
    if (!name || !kind || !country)
        return -1;
    for (size_t p = 0; p < P; p++) {
        name[p] = md->proc_name[p] ? mr_extras_strdup(x, md->proc_name[p]) : "";
        kind[p] = kind_names[md->proc_kind[p]];
        /* a domestic outage strikes no country of the scenario: "" */
        country[p] = md->proc_country[p] >= 0 ? sc->countries[md->proc_country[p]].id : "";
        if (!name[p])
            return -1;
    }
    const mr_output_extra coord = {
        .path = "events/process",
        .type = MR_EXTRA_STR,
        .rank = 1,
        .dims = {P},
        .dim_names = {"process"},
        .data = name,
        .is_coord = true,
        .description = "disruption process: country/<country>, supplier/<mineral>/<stage>/"
                       "<country>, event/<event id> or domestic/<mineral> (the name its random "
                       "stream is keyed "
                       "by, MODEL §12), in the engine's order"};
    const mr_output_extra kinds = {
        .path = "events/process_kind",
        .type = MR_EXTRA_STR,
        .rank = 1,
        .dims = {P},
        .dim_names = {"process"},
        .data = kind,
        .description = "country (country-wide outage, MODEL §3.1), supplier (one country's "
                       "supply of one mineral at one stage, §3.2), event (named event, §3.3) or "
                       "domestic (an outage of the UK's domestic supply of one mineral, §4)"};
    const mr_output_extra countries = {
        .path = "events/process_country",
        .type = MR_EXTRA_STR,
        .rank = 1,
        .dims = {P},
        .dim_names = {"process"},
        .data = country,
        .description = "id of the country whose supply the process withholds; empty for a "
                       "domestic outage"};
    return mr_extras_add(x, &coord) || mr_extras_add(x, &kinds) || mr_extras_add(x, &countries) ? -1
                                                                                                : 0;
}

/* The row columns (distributed: this rank's rows row0 .. row0 + n - 1). */
static int add_rows(columns *c, uint64_t row0, uint64_t total, uint64_t nsect, mr_extras *x)
{
    const uint64_t nrows = c->n;
    /* the buffers belong to the extras from here on */
    void *bufs[] = {c->row,         c->trial,           c->process,  c->start_step, c->active_steps,
                    c->start_years, c->duration_months, c->severity, c->total_loss, c->loss};
    memset(c, 0, sizeof *c);
    int ok = 1;
    for (size_t b = 0; b < sizeof bufs / sizeof bufs[0]; b++)
        ok = mr_extras_keep(x, bufs[b]) != NULL && ok;
    if (!ok)
        return -1;
    const struct {
        const char *path;
        mr_extra_type type;
        const char *units, *description;
    } cols[] = {
        {"events/event", MR_EXTRA_U64, "1", "row number of the occurrence, 0 .. E-1"},
        {"events/trial", MR_EXTRA_U64, "1",
         "trial of the occurrence (as /trials/trial); rows are in trial order"},
        {"events/process_index", MR_EXTRA_I32, "1",
         "index of the disruption process into the coordinate `process`"},
        {"events/start_step", MR_EXTRA_I32, "step",
         "first active step, 0 .. T-1: floor(start_years * steps_per_year) (MODEL §3); with "
         "monthly steps (root attribute steps_per_year = 12) the month index from 0"},
        {"events/active_steps", MR_EXTRA_I32, "step",
         "number of active steps, max(1, round(duration_months * steps_per_year / 12)), cut at "
         "the horizon"},
        {"events/start_years", MR_EXTRA_F64, "years",
         "start time tau of the occurrence, years from the start of the horizon"},
        {"events/duration_months", MR_EXTRA_F64, "months",
         "duration d as drawn (or given), before the cut at the horizon"},
        {"events/severity", MR_EXTRA_F64, "1",
         "severity s, the fraction of the affected supply withheld while active"},
        {"events/total_loss", MR_EXTRA_F64, "GBP",
         "loss allocated to the occurrence over the horizon, all sectors: the sum of its row of "
         "`loss` (docs/MODEL.md §8e)"},
        {"events/loss", MR_EXTRA_F64, "GBP",
         "each sector's headline loss (GL + XC) allocated to the occurrence over the horizon "
         "(docs/MODEL.md §8e); with /loss_tables/sector_unallocated_loss it sums, per trial and "
         "sector, to the sector's loss of the trial"},
    };
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        const int two = k == sizeof cols / sizeof cols[0] - 1; /* loss: [E, S] */
        mr_output_extra e = {.path = cols[k].path,
                             .type = cols[k].type,
                             .rank = two ? 2 : 1,
                             .dims = {total, nsect},
                             .dim_names = {"event", two ? "sector" : NULL},
                             .data = bufs[k],
                             .distributed = true,
                             .row0 = row0,
                             .nrows = nrows,
                             .is_coord = k == 0,
                             .units = cols[k].units,
                             .description = cols[k].description};
        if (mr_extras_add(x, &e))
            return -1;
    }
    return 0;
}

/* A dataset of /loss_tables whose buffer x owns from here on (NULL: out
   of memory). */
static int lt_add(mr_extras *x, const mr_output_extra *e, void *buf)
{
    return mr_extras_keep(x, buf) && mr_extras_add(x, e) == 0 ? 0 : -1;
}

/* /loss_tables: the coordinates, the per-trial tables of this rank's trials
   (distributed) and the exceedance curves of the run (the same on every
   rank: the annual tables are gathered, and the ranks share the bootstrap
   resamples, gathered in resample order: exceedance.h). The blocks'
   per-trial arrays are freed. 0, or -1 (memory; collective). */
static int add_loss_tables(const mr_scenario *sc, const mr_results *res, block *blk, uint64_t nb,
                           const mr_comm *comm, mr_extras *x)
{
    const size_t S = (size_t)sc->nsectors, H = (size_t)res->years, K = S + 1;
    const size_t n = (size_t)res->ntrials, N = (size_t)res->ntrials_total, R = MR_OUTPUT_NRP;
    uint64_t *trial = malloc((n ? n : 1) * sizeof *trial);
    double *unalloc = malloc((n ? n : 1) * (S ? S : 1) * sizeof *unalloc);
    double *unalloc_tot = malloc((n ? n : 1) * sizeof *unalloc_tot);
    double *omax = malloc((n ? n : 1) * H * K * sizeof *omax);
    double *ann = malloc((n ? n : 1) * H * K * sizeof *ann);
    double *all_ann = malloc((N ? N : 1) * H * K * sizeof *all_ann);
    double *all_omax = malloc((N ? N : 1) * H * K * sizeof *all_omax);
    double *curve[6]; /* aep, aep_lo, aep_hi, oep, oep_lo, oep_hi: [K * R] */
    int32_t *year = malloc((H ? H : 1) * sizeof *year);
    const char **sector = calloc(S ? S : 1, sizeof *sector), **series = calloc(K, sizeof *series);
    int bad = !trial || !unalloc || !unalloc_tot || !omax || !ann || !all_ann || !all_omax ||
              !year || !sector || !series;
    for (int c = 0; c < 6; c++)
        bad |= !(curve[c] = malloc(K * R * sizeof(double)));
    if (!bad) {
        size_t at = 0;
        for (uint64_t b = 0; b < nb; b++) {
            for (size_t r = 0; r < blk[b].nt; r++, at++) {
                trial[at] = res->first_trial + at;
                double tot = 0.0;
                for (size_t j = 0; j < S; j++) {
                    unalloc[at * S + j] = blk[b].unalloc[r * S + j];
                    tot += blk[b].unalloc[r * S + j];
                }
                unalloc_tot[at] = tot;
            }
            memcpy(omax + (at - blk[b].nt) * H * K, blk[b].omax, blk[b].nt * H * K * sizeof *omax);
            memcpy(ann + (at - blk[b].nt) * H * K, blk[b].ann, blk[b].nt * H * K * sizeof *ann);
        }
        for (size_t y = 0; y < H; y++)
            year[y] = (int32_t)y + 1;
        for (size_t j = 0; j < S; j++)
            sector[j] = series[j] = sc->sectors[j].id;
        series[S] = "total";
    }
    for (uint64_t b = 0; b < nb; b++)
        block_free(&blk[b]);
    if (mr_comm_any(comm, bad) || mr_comm_allgather_f64(comm, ann, n * H * K, all_ann) ||
        mr_comm_allgather_f64(comm, omax, n * H * K, all_omax))
        goto fail;
    /* an importance-sampled run (some weight not 1): the weighted curves
       and /summary's weighted bootstrap (docs/OUTPUT.md "/loss_tables") */
    if (mr_results_weighted(res, comm)) {
        double *all_w = malloc((N ? N : 1) * sizeof *all_w);
        bad = !all_w;
        if (mr_comm_any(comm, bad) || mr_comm_allgather_f64(comm, res->weight, n, all_w)) {
            free(all_w);
            goto fail;
        }
        bad = mr_exceedance_weighted(all_ann, N, H, K, all_w, mr_output_return_periods, R,
                                     MR_WSTATS_BOOT_SEED, MR_SUMSTATS_BOOTSTRAP, comm, curve[0],
                                     curve[1], curve[2]) != 0 ||
              mr_exceedance_weighted(all_omax, N, H, K, all_w, mr_output_return_periods, R,
                                     MR_WSTATS_BOOT_SEED, MR_SUMSTATS_BOOTSTRAP, comm, curve[3],
                                     curve[4], curve[5]) != 0;
        free(all_w);
    } else
        bad = mr_exceedance(all_ann, N, H, K, mr_output_return_periods, R, sc->seed, "exceedance",
                            MR_EXCEEDANCE_BOOT, comm, curve[0], curve[1], curve[2]) != 0 ||
              mr_exceedance(all_omax, N, H, K, mr_output_return_periods, R, sc->seed, "exceedance",
                            MR_EXCEEDANCE_BOOT, comm, curve[3], curve[4], curve[5]) != 0;
    free(all_ann);
    free(all_omax);
    all_ann = all_omax = NULL;
    if (mr_comm_any(comm, bad))
        goto fail;
    free(ann);
    ann = NULL;
    const mr_output_extra coords[] = {
        {.path = "loss_tables/trial",
         .type = MR_EXTRA_U64,
         .rank = 1,
         .dims = {N},
         .dim_names = {"trial"},
         .data = trial,
         .distributed = true,
         .row0 = res->first_trial,
         .nrows = n,
         .is_coord = true,
         .units = "1",
         .description = "trial index (as /trials/trial)"},
        {.path = "loss_tables/year",
         .type = MR_EXTRA_I32,
         .rank = 1,
         .dims = {H},
         .dim_names = {"year"},
         .data = year,
         .is_coord = true,
         .units = "year",
         .description =
             "calendar year of the horizon, 1 .. H; year y covers steps (y-1) n .. y n - 1"},
        {.path = "loss_tables/sector",
         .type = MR_EXTRA_STR,
         .rank = 1,
         .dims = {S},
         .dim_names = {"sector"},
         .data = sector,
         .is_coord = true,
         .description = "sector ids, in scenario order"},
        {.path = "loss_tables/series",
         .type = MR_EXTRA_STR,
         .rank = 1,
         .dims = {K},
         .dim_names = {"series"},
         .data = series,
         .is_coord = true,
         .description = "the sector ids in scenario order, then total (all sectors)"},
        {.path = "loss_tables/return_period",
         .type = MR_EXTRA_F64,
         .rank = 1,
         .dims = {R},
         .dim_names = {"return_period"},
         .data = mr_output_return_periods,
         .is_coord = true,
         .units = "year",
         .description = "return period R, as /summary/return_period"},
    };
    bad = lt_add(x, &coords[0], trial) || lt_add(x, &coords[1], year) ||
          lt_add(x, &coords[2], sector) || lt_add(x, &coords[3], series) ||
          mr_extras_add(x, &coords[4]);
    trial = NULL;
    year = NULL;
    sector = series = NULL;
    const mr_output_extra tabs[] = {
        {.path = "loss_tables/sector_unallocated_loss",
         .type = MR_EXTRA_F64,
         .rank = 2,
         .dims = {N, S},
         .dim_names = {"trial", "sector"},
         .data = unalloc,
         .distributed = true,
         .row0 = res->first_trial,
         .nrows = n,
         .units = "GBP",
         .description = "the sector's headline loss (GL + XC) of the trial allocated to no "
                        "occurrence (docs/MODEL.md §8e): with the trial's rows of "
                        "/events/loss it sums to the sector's loss of the trial"},
        {.path = "loss_tables/unallocated_loss",
         .type = MR_EXTRA_F64,
         .rank = 1,
         .dims = {N},
         .dim_names = {"trial"},
         .data = unalloc_tot,
         .distributed = true,
         .row0 = res->first_trial,
         .nrows = n,
         .units = "GBP",
         .description = "sum over sectors of sector_unallocated_loss"},
        {.path = "loss_tables/annual_occurrence_max",
         .type = MR_EXTRA_F64,
         .rank = 3,
         .dims = {N, H, K},
         .dim_names = {"trial", "year", "series"},
         .data = omax,
         .distributed = true,
         .row0 = res->first_trial,
         .nrows = n,
         .units = "GBP",
         .description = "the largest loss any one occurrence caused in the year (the loss "
                        "allocated to it on the year's steps; 0 when none is positive): per "
                        "sector, and for total the occurrence's loss over all sectors; what "
                        "the occurrence exceedance curve (oep) is drawn from"},
    };
    bad = bad || lt_add(x, &tabs[0], unalloc) || lt_add(x, &tabs[1], unalloc_tot) ||
          lt_add(x, &tabs[2], omax);
    unalloc = unalloc_tot = omax = NULL;
    static const char *const cname[6] = {"aep", "aep_lo", "aep_hi", "oep", "oep_lo", "oep_hi"};
    static const char *const cdesc[6] = {
        "aggregate exceedance (AEP): the annual loss at return period R, quantile at 1 - 1/R of "
        "the N x H annual losses of the series (/trials/sector_annual_loss, annual_loss): equal "
        "to /summary/sector_return_period_loss and return_period_loss; NaN when N H < R",
        "lower bound of the 95% bootstrap interval of aep (1000 resamples of the trials, "
        "percentile interval); NaN when N H / R < 10",
        "upper bound of the 95% bootstrap interval of aep",
        "occurrence exceedance (OEP): the largest single-occurrence loss of a year at return "
        "period R, quantile at 1 - 1/R of the N x H values of annual_occurrence_max; NaN when "
        "N H < R",
        "lower bound of the 95% bootstrap interval of oep (the resamples of aep's); NaN when "
        "N H / R < 10",
        "upper bound of the 95% bootstrap interval of oep"};
    for (int c = 0; c < 6; c++) {
        char path[64];
        snprintf(path, sizeof path, "loss_tables/%s", cname[c]);
        const char *kept = mr_extras_strdup(x, path);
        mr_output_extra e = {.path = kept,
                             .type = MR_EXTRA_F64,
                             .rank = 2,
                             .dims = {K, R},
                             .dim_names = {"series", "return_period"},
                             .data = curve[c],
                             .units = "GBP",
                             .description = cdesc[c]};
        bad = bad || !kept || lt_add(x, &e, curve[c]);
        curve[c] = NULL;
    }
    if (mr_comm_any(comm, bad))
        goto fail;
    return 0;
fail:
    free(trial);
    free(unalloc);
    free(unalloc_tot);
    free(omax);
    free(ann);
    free(all_ann);
    free(all_omax);
    for (int c = 0; c < 6; c++)
        free(curve[c]);
    free(year);
    free((void *)sector);
    free((void *)series);
    return -1;
}

mr_status mr_events_collect(const mr_scenario *sc, const mr_results *res, const mr_comm *comm,
                            mr_extras *extras, mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    if (!comm)
        comm = &solo;
    const uint64_t nb = (res->ntrials + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    block *blk = calloc(nb ? nb : 1, sizeof *blk);
    columns cols = {0};
    mr_model md;
    int have_model = 0;
    int failed = !blk;
    if (failed)
        snprintf(err->msg, sizeof err->msg, "%s: --events: out of memory", sc->source_path);
    if (!failed)
        failed = replay_blocks(sc, res, blk, nb, err) != 0;
    if (!failed) {
        failed = mr_model_build(sc, &md, err) != 0;
        have_model = !failed;
    }
    if (!failed && to_columns(blk, nb, 0, (size_t)sc->nsectors, &cols)) {
        failed = 1;
        snprintf(err->msg, sizeof err->msg, "%s: --events: out of memory for the event table",
                 sc->source_path);
    }
    /* Rows on lower ranks: every rank's count, summed exactly. */
    uint64_t *count = calloc((size_t)comm->size, sizeof *count);
    failed = failed || !count;
    if (mr_comm_any(comm, failed)) {
        if (!failed)
            snprintf(err->msg, sizeof err->msg,
                     "%s: --events: out of memory for the event table on another rank",
                     sc->source_path);
        goto fail;
    }
    count[comm->rank] = cols.n;
    mr_comm_sum_u64(comm, count, (size_t)comm->size);
    uint64_t row0 = 0, total = 0;
    for (int r = 0; r < comm->size; r++) {
        if (r < comm->rank)
            row0 += count[r];
        total += count[r];
    }
    for (uint64_t i = 0; i < cols.n; i++)
        cols.row[i] += row0;
    const size_t S = (size_t)sc->nsectors;
    const char **sid = mr_extras_keep(extras, calloc(S ? S : 1, sizeof *sid));
    int bad = !sid;
    for (size_t j = 0; !bad && j < S; j++)
        sid[j] = sc->sectors[j].id;
    const mr_output_extra sect_e = {.path = "events/sector",
                                    .type = MR_EXTRA_STR,
                                    .rank = 1,
                                    .dims = {S},
                                    .dim_names = {"sector"},
                                    .data = sid,
                                    .is_coord = true,
                                    .description = "sector ids, in scenario order"};
    bad = bad || add_processes(sc, &md, extras) != 0 || mr_extras_add(extras, &sect_e) != 0 ||
          add_rows(&cols, row0, total, (uint64_t)sc->nsectors, extras) != 0;
    if (mr_comm_any(comm, bad)) {
        snprintf(err->msg, sizeof err->msg, "%s: --events: out of memory for the event table",
                 sc->source_path);
        goto fail;
    }
    if (add_loss_tables(sc, res, blk, nb, comm, extras)) {
        snprintf(err->msg, sizeof err->msg, "%s: --events: out of memory for the loss tables",
                 sc->source_path);
        goto fail;
    }
    free(count);
    mr_model_free(&md);
    free(blk);
    return MR_OK;
fail:
    free(count);
    free_columns(&cols);
    for (uint64_t b = 0; blk && b < nb; b++)
        block_free(&blk[b]);
    free(blk);
    if (have_model)
        mr_model_free(&md);
    return MR_FAILED;
}
