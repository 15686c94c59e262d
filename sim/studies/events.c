/* events.c - the event table of `minrisk run --events` (/events): every
 * disruption occurrence (MODEL §3) of every trial of the run, one row each,
 * in trial order and, within a trial, in the order the engine samples them
 * (process by process; an event's certain occurrences before its random
 * ones). The rows come from the replayer (mr_replayer_occurrences), which
 * runs the engine's own sampling code, so they are the occurrences the run
 * used. Layout: docs/OUTPUT.md "/events".
 *
 * Each rank covers its own trials. The blocks of a rank are sampled by the
 * OpenMP threads, each into its own list, and concatenated in block order,
 * so the table does not depend on threads or ranks.
 */
#include "sim/studies/run_extras.h"

#include "sim/model.h"
#include "sim/replay.h"

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
} columns;

/* Sample the occurrences of this rank's trials, block by block, in
   parallel; blk[b] gets block b's rows. 0, or -1 (memory). */
static int sample_blocks(const mr_scenario *sc, const mr_results *res, mr_trace *blk, uint64_t nb,
                         mr_error *err)
{
    int failed = 0;
#pragma omp parallel
    {
        mr_error e;
        mr_replayer *rp = mr_replayer_new(sc, NULL, &e);
        if (!rp) {
#pragma omp critical(mr_events_err)
            if (!failed) {
                failed = 1;
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
            if (mr_replayer_occurrences(rp, lo, hi, &blk[b])) {
#pragma omp critical(mr_events_err)
                if (!failed) {
                    failed = 1;
                    snprintf(err->msg, sizeof err->msg,
                             "%s: --events: out of memory for the event table", sc->source_path);
                }
            }
        }
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
    memset(c, 0, sizeof *c);
}

/* The blocks' rows as columns (at least one element each, so that an empty
   table still has buffers); each block's list is freed once copied. */
static int to_columns(mr_trace *blk, uint64_t nb, uint64_t row0, columns *c)
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
    if (!c->row || !c->trial || !c->process || !c->start_step || !c->active_steps ||
        !c->start_years || !c->duration_months || !c->severity) {
        free_columns(c);
        return -1;
    }
    c->row[0] = c->trial[0] = 0; /* defined contents for an empty table */
    c->process[0] = c->start_step[0] = c->active_steps[0] = 0;
    c->start_years[0] = c->duration_months[0] = c->severity[0] = 0.0;
    size_t i = 0;
    for (uint64_t b = 0; b < nb; b++) {
        for (int e = 0; e < blk[b].nocc; e++, i++) {
            const mr_occurrence_record *o = &blk[b].occ[e];
            c->row[i] = row0 + i;
            c->trial[i] = o->trial;
            c->process[i] = o->process;
            c->start_step[i] = o->first_step;
            c->active_steps[i] = o->nsteps;
            c->start_years[i] = o->start_years;
            c->duration_months[i] = o->duration_months;
            c->severity[i] = o->severity;
        }
        mr_trace_free(&blk[b]);
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
static int add_rows(columns *c, uint64_t row0, uint64_t total, mr_extras *x)
{
    const uint64_t nrows = c->n;
    /* the buffers belong to the extras from here on */
    void *bufs[] = {c->row,          c->trial,       c->process,         c->start_step,
                    c->active_steps, c->start_years, c->duration_months, c->severity};
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
         "severity s: fraction of the affected supply withheld while active"},
    };
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        mr_output_extra e = {.path = cols[k].path,
                             .type = cols[k].type,
                             .rank = 1,
                             .dims = {total},
                             .dim_names = {"event"},
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

mr_status mr_events_collect(const mr_scenario *sc, const mr_results *res, const mr_comm *comm,
                            mr_extras *extras, mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    if (!comm)
        comm = &solo;
    const uint64_t nb = (res->ntrials + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    mr_trace *blk = calloc(nb ? nb : 1, sizeof *blk);
    columns cols = {0};
    mr_model md;
    int have_model = 0;
    int failed = !blk;
    if (failed)
        snprintf(err->msg, sizeof err->msg, "%s: --events: out of memory", sc->source_path);
    if (!failed)
        failed = sample_blocks(sc, res, blk, nb, err) != 0;
    if (!failed) {
        failed = mr_model_build(sc, &md, err) != 0;
        have_model = !failed;
    }
    if (!failed && to_columns(blk, nb, 0, &cols)) {
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
    int bad = add_processes(sc, &md, extras) != 0 || add_rows(&cols, row0, total, extras) != 0;
    if (mr_comm_any(comm, bad)) {
        snprintf(err->msg, sizeof err->msg, "%s: --events: out of memory for the event table",
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
        mr_trace_free(&blk[b]);
    free(blk);
    if (have_model)
        mr_model_free(&md);
    return MR_FAILED;
}
