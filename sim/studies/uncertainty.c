/* uncertainty.c - the uncertainty of a scenario's assumptions
 * (docs/STUDIES.md "Uncertainty"; uncertainty.h).
 *
 * Building a model per trial would be too slow, so the parameters vary per
 * design row: the Saltelli matrices A and B (N x k, drawn from their own
 * Philox stream) and the k mixed matrices AB_i make N (k + 2) rows; each row
 * is the scenario with its k numbers set (mr_scenario_parse_values, the way
 * a sweep sets a value: every derived quantity rebuilt by the loader and
 * the model build) and run on trials 0 .. L-1, the same trials for every
 * row (common random numbers: f(A) - f(AB_i) then holds little Monte Carlo
 * noise). A row's statistics depend only on its numbers, the seed and L, so
 * rows run in parallel (one thread each, rows split over ranks) and the file
 * is the same for any number of threads and ranks.
 */
#include "sim/studies/uncertainty.h"

#include "models/status.h"
#include "models/uncertain.h"
#include "out/clock.h"
#include "out/h5/extras.h"
#include "out/h5/writer.h"
#include "out/stats/stats.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "sim/scenario/loader.h"
#include "out/stopsig_worker.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static const double measure_p[MR_UNC_NP] = {NAN, 0.50, 0.90, 0.95, 0.99, 0.99};

#define LEVEL 0.95
#define INNER 0.3819660112501051 /* an inner point checked: not a round fraction */

/* ---- the check ---------------------------------------------------------- */

static mr_status parse_one(const mr_scenario *base, const double *v, const int *marks,
                           mr_error *err)
{
    mr_scenario sc;
    int rc = mr_scenario_parse_values(base->source_path, base->source_text, base->source_len, v,
                                      marks, base->nuncertain, &sc, err);
    if (rc)
        return rc == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
    mr_scenario_free(&sc);
    return MR_OK;
}

/* Append to err->msg the draws of v (NaN: the key keeps its value) whose
   key path lies under the one the message names ("FILE:LINE:COL: KEYPATH:
   ..."): a check of a whole, such as price_correlation's positive
   definiteness, fails where the base scenario writes the whole, and the
   uncertain keys that made it fail would go unnamed. */
static void name_draws(const mr_scenario *base, const double *v, mr_error *err)
{
    /* an error at the uncertain block itself (a bad path, a value out of
       range: the check marks the key's own line) names its key already */
    for (int i = 0; i < base->nuncertain; i++) {
        const mr_uncertain_param *q = &base->uncertain[i];
        if (!q->file)
            continue;
        const int at[3] = {q->line, q->lo_line, q->hi_line};
        for (int k = 0; k < 3 + q->nvalues; k++) {
            char pre[64];
            snprintf(pre, sizeof pre, ":%d:", k < 3 ? at[k] : q->vline[k - 3]);
            const size_t fl = strlen(q->file);
            if (!strncmp(err->msg, q->file, fl) && !strncmp(err->msg + fl, pre, strlen(pre)))
                return;
        }
    }
    const char *kp = strstr(err->msg, ": ");
    const char *end = kp ? strstr(kp + 2, ": ") : NULL;
    if (!end)
        return;
    kp += 2;
    const size_t n = (size_t)(end - kp);
    const char *sep = " (with ";
    for (int i = 0; i < base->nuncertain; i++) {
        const char *path = base->uncertain[i].path;
        if (isnan(v[i]) || strncmp(path, kp, n) != 0 || (path[n] != '.' && path[n] != '\0'))
            continue;
        size_t l = strlen(err->msg);
        char num[32];
        snprintf(err->msg + l, sizeof err->msg - l, "%suncertain key %s = %s", sep, path,
                 mr_shortest(v[i], num, sizeof num));
        sep = ", ";
    }
    if (sep[0] == ',') {
        size_t l = strlen(err->msg);
        snprintf(err->msg + l, sizeof err->msg - l, ")");
    }
}

mr_status mr_uncertainty_check(const mr_scenario *base, mr_error *err)
{
    const int k = base->nuncertain;
    double *v = malloc((size_t)k * sizeof *v);
    int *marks = calloc((size_t)k * 2, sizeof *marks);
    mr_status rc = MR_OK;
    if (!v || !marks) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", base->source_path);
        rc = MR_FAILED;
    }
    for (int i = 0; rc == MR_OK && i < k; i++) {
        const mr_uncertain_param *q = &base->uncertain[i];
        for (int j = 0; j < k; j++)
            v[j] = NAN;
        /* the values to try, each with where it is written */
        int n = q->kind == MR_DIST_CHOICE ? q->nvalues : 3;
        for (int t = 0; rc == MR_OK && t < n; t++) {
            if (q->kind == MR_DIST_CHOICE) {
                v[i] = q->values[t];
                marks[2 * i] = q->vline[t];
                marks[2 * i + 1] = q->vcol[t];
            } else {
                if (t == 2 && !(q->hi > q->lo))
                    break;
                v[i] = t == 0 ? q->lo : t == 1 ? q->hi : q->lo + (q->hi - q->lo) * INNER;
                marks[2 * i] = t == 1 ? q->hi_line : q->lo_line;
                marks[2 * i + 1] = t == 1 ? q->hi_col : q->lo_col;
            }
            rc = parse_one(base, v, marks, err);
            if (rc == MR_BAD_INPUT)
                name_draws(base, v, err);
        }
        marks[2 * i] = marks[2 * i + 1] = 0;
    }
    free(v);
    free(marks);
    return rc;
}

/* ---- the design ---------------------------------------------------------- */

/* X [N (k + 2)] x k: A (rows 0 .. N-1), B (N .. 2N-1), then AB_0 .. AB_k-1.
   Row j of A draws its k uniforms from the stream (seed, "uncertain_design",
   trial 2j), row j of B from trial 2j + 1, column c being the c-th double:
   a larger N keeps the rows of a smaller one. */
static int make_design(const mr_scenario *base, uint64_t N, uint64_t seed, double *x)
{
    const size_t k = (size_t)base->nuncertain;
    gsl_rng *r = gsl_rng_alloc(mr_rng_philox);
    if (!r)
        return -1;
    const uint64_t stream = mr_hash64(MR_UNC_STREAM_NAME);
    for (uint64_t j = 0; j < 2 * N; j++) {
        mr_rng_seek(r, seed, stream, j);
        /* trial 2j -> A row j; 2j + 1 -> B row j */
        double *row = x + ((j % 2) * N + j / 2) * k;
        for (size_t c = 0; c < k; c++) {
            uint64_t w = (uint64_t)(gsl_rng_uniform(r) * 0x1p52);
            row[c] = mr_dist_quantile(&base->uncertain[c], mr_dist_u(w));
        }
    }
    gsl_rng_free(r);
    mr_sobol_design(x, x + N * k, (size_t)N, k, x + 2 * N * k);
    return 0;
}

/* ---- the rows ------------------------------------------------------------ */

/* The statistics of one run's L trials (all on this process). */
static int row_stats(const mr_results *res, double *st, double *sorted)
{
    const size_t L = (size_t)res->ntrials;
    st[MR_UNC_MEAN] = mr_stats_mean(res->total_loss, L);
    st[MR_UNC_GVA_MEAN] = mr_stats_mean(res->total_gva_loss, L);
    if (mr_stats_sort_copy(res->total_loss, L, 1, sorted))
        return -1;
    st[MR_UNC_ES99] = mr_stats_es_sorted(sorted, L, 0.99);
    return 0;
}

/* Run design row r: its statistics into st, its per-trial total losses
   into loss (when not NULL). 0, or -1 with err (the status in *rc). */
static int run_row(const mr_scenario *base, const double *x, uint64_t seed, uint64_t L, double *st,
                   double *loss, mr_status *rc, mr_error *err)
{
    mr_scenario sc;
    int bad;
    /* One parse at a time: GSL's error handler, which the loader turns off,
       may be shared (mr_gsl_quiet_begin), but the rest of the loader has not
       been checked for use from several threads at once; a parse is cheap
       beside the row's run */
#pragma omp critical(mr_uncertain_parse)
    bad = mr_scenario_parse_values(base->source_path, base->source_text, base->source_len, x, NULL,
                                   base->nuncertain, &sc, err);
    if (bad) {
        *rc = bad == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
        return -1;
    }
    sc.seed = seed;
    sc.trials = L;
    mr_engine_opts o = {.threads = 1, .memory_checked = true}; /* by mr_engine_runs_that_fit */
    mr_results res;
    mr_run_info info;
    mr_status r = mr_engine_run(&sc, &o, &res, &info, err);
    int out = 0;
    if (r != MR_OK) {
        *rc = r;
        out = -1;
        if (r > 0)
            mr_results_free(&res);
    } else {
        double *sorted = malloc((size_t)L * sizeof *sorted);
        if (!sorted || row_stats(&res, st, sorted)) {
            snprintf(err->msg, sizeof err->msg, "%s: out of memory", base->source_path);
            *rc = MR_FAILED;
            out = -1;
        } else if (loss) {
            memcpy(loss, res.total_loss, (size_t)L * sizeof *loss);
        }
        free(sorted);
        mr_results_free(&res);
    }
    mr_scenario_free(&sc);
    return out;
}

/* ---- the file ------------------------------------------------------------ */

static int add(mr_extras *x, const char *name, mr_extra_type type, int rank, const uint64_t *dims,
               const char *const *dimnames, const void *data, bool coord, const char *units,
               const char *description)
{
    char path[128];
    snprintf(path, sizeof path, "uncertainty/%s", name);
    mr_output_extra e = {.path = mr_extras_strdup(x, path),
                         .type = type,
                         .rank = rank,
                         .data = data,
                         .is_coord = coord,
                         .units = units,
                         .description = description};
    for (int i = 0; i < rank; i++) {
        e.dims[i] = dims[i];
        e.dim_names[i] = dimnames[i];
    }
    return e.path ? mr_extras_add(x, &e) : -1;
}

/* Mean, quantiles and ES 99 of n values. */
static int predictive(const double *v, size_t n, double *out)
{
    double *s = malloc((n ? n : 1) * sizeof *s);
    if (!s || mr_stats_sort_copy(v, n, 1, s)) {
        free(s);
        return -1;
    }
    out[MR_UNC_P_MEAN] = mr_stats_mean(v, n);
    for (int m = MR_UNC_P_Q50; m <= MR_UNC_P_Q99; m++)
        out[m] = mr_stats_quantile_sorted(s, n, measure_p[m]);
    out[MR_UNC_P_ES99] = mr_stats_es_sorted(s, n, 0.99);
    free(s);
    return 0;
}

static char *describe(const mr_uncertain_param *q)
{
    char *s = malloc(64 + 48 * (size_t)(q->nvalues + 2));
    if (!s)
        return NULL;
    size_t n = 0;
    switch (q->kind) {
    case MR_DIST_UNIFORM:
        sprintf(s, "uniform [%.10g, %.10g]", q->a, q->b);
        break;
    case MR_DIST_TRIANGULAR:
        sprintf(s, "triangular [%.10g, %.10g, %.10g]", q->a, q->b, q->c);
        break;
    case MR_DIST_LOGNORMAL:
        sprintf(s, "lognormal median %.10g sigma %.10g", q->a, q->b);
        break;
    case MR_DIST_BETA:
        sprintf(s, "beta a %.10g b %.10g on [%.10g, %.10g]", q->a, q->b, q->c, q->d);
        break;
    case MR_DIST_CHOICE:
        n = (size_t)sprintf(s, "choice");
        for (int i = 0; i < q->nvalues; i++)
            n += (size_t)sprintf(s + n, "%s %.10g (%.6g)", i ? "," : "", q->values[i],
                                 q->weights[i]);
        break;
    }
    return s;
}

/* /uncertainty: every buffer owned by x. */
static int tables(const mr_scenario *base, uint64_t N, uint64_t L, const double *design,
                  const double *rowst, const double *abloss, const mr_uncertainty_result *r,
                  uint64_t resamples, mr_extras *x)
{
    const uint64_t k = (uint64_t)base->nuncertain, R = N * (k + 2);
    const char **key = mr_extras_keep(x, malloc(k * sizeof *key));
    const char **dist = mr_extras_keep(x, malloc(k * sizeof *dist));
    const char **rowname = mr_extras_keep(x, malloc(R * sizeof *rowname));
    double *ind = mr_extras_keep(x, malloc(k * MR_UNC_NSTAT * 3 * 2 * sizeof *ind));
    double *pred = mr_extras_keep(x, malloc(2 * MR_UNC_NP * sizeof *pred));
    uint64_t *settings = mr_extras_keep(x, malloc(3 * sizeof *settings));
    double *dcopy = mr_extras_keep(x, malloc(R * k * sizeof *dcopy));
    double *scopy = mr_extras_keep(x, malloc(R * MR_UNC_NSTAT * sizeof *scopy));
    double *lcopy = mr_extras_keep(x, malloc(2 * N * L * sizeof *lcopy));
    double *var = mr_extras_keep(x, malloc(MR_UNC_NSTAT * sizeof *var));
    if (!key || !dist || !rowname || !ind || !pred || !settings || !dcopy || !scopy || !lcopy ||
        !var)
        return -1;
    memcpy(dcopy, design, R * k * sizeof *dcopy);
    memcpy(scopy, rowst, R * MR_UNC_NSTAT * sizeof *scopy);
    memcpy(lcopy, abloss, 2 * N * L * sizeof *lcopy);
    memcpy(var, r->variance, sizeof r->variance);
    const char **kunit = mr_extras_keep(x, malloc(k * sizeof *kunit));
    if (!kunit)
        return -1;
    for (uint64_t i = 0; i < k; i++) {
        char *u;
        key[i] = base->uncertain[i].path;
        if (mr_scenario_key_unit_in(base, base->uncertain[i].path, &u) ||
            !(kunit[i] = u ? mr_extras_keep(x, u) : mr_extras_strdup(x, "")) ||
            !(dist[i] = mr_extras_keep(x, describe(&base->uncertain[i]))))
            return -1;
    }
    for (uint64_t j = 0; j < R; j++) {
        char b[64];
        uint64_t blk = j / N;
        if (blk >= 2)
            snprintf(b, sizeof b, "AB_%llu/%llu", (unsigned long long)(blk - 2),
                     (unsigned long long)(j % N));
        else
            snprintf(b, sizeof b, "%s/%llu", blk == 0 ? "A" : "B", (unsigned long long)(j % N));
        if (!(rowname[j] = mr_extras_strdup(x, b)))
            return -1;
    }
    for (uint64_t i = 0; i < k; i++)
        for (int s = 0; s < MR_UNC_NSTAT; s++) {
            const mr_sobol_index *q = &r->index[i * MR_UNC_NSTAT + (uint64_t)s];
            double *f = ind + (i * MR_UNC_NSTAT + (uint64_t)s) * 3;
            double *t = ind + k * MR_UNC_NSTAT * 3 + (i * MR_UNC_NSTAT + (uint64_t)s) * 3;
            f[0] = q->s, f[1] = q->s_lo, f[2] = q->s_hi;
            t[0] = q->st, t[1] = q->st_lo, t[2] = q->st_hi;
        }
    memcpy(pred, r->predictive, sizeof r->predictive);
    settings[0] = N;
    settings[1] = L;
    settings[2] = resamples;
    static const char *const bounds[3] = {"estimate", "ci_lo", "ci_hi"};
    static const char *const dists[2] = {"with_parameter_uncertainty", "base"};
    static const char *const setnames[3] = {"rows", "block_trials", "bootstrap_resamples"};
    uint64_t *trial = mr_extras_keep(x, malloc(L * sizeof *trial));
    if (!trial)
        return -1;
    for (uint64_t t = 0; t < L; t++)
        trial[t] = t;
    const char **abrow = mr_extras_keep(x, malloc(2 * N * sizeof *abrow));
    if (!abrow)
        return -1;
    memcpy(abrow, rowname, 2 * N * sizeof *abrow);
    uint64_t dk[1] = {k}, dR[1] = {R}, dS[1] = {MR_UNC_NSTAT}, d3[1] = {3}, d2[1] = {2},
             dP[1] = {MR_UNC_NP}, dL[1] = {L}, d2N[1] = {2 * N}, dset[1] = {3};
    uint64_t dRk[2] = {R, k}, dRS[2] = {R, MR_UNC_NSTAT}, dkS3[3] = {k, MR_UNC_NSTAT, 3},
             d2P[2] = {2, MR_UNC_NP}, d2NL[2] = {2 * N, L};
    const char *nk[1] = {"key"}, *nR[1] = {"row"}, *nS[1] = {"statistic"}, *n3[1] = {"bound"},
               *n2[1] = {"distribution"}, *nP[1] = {"measure"}, *nL[1] = {"trial"},
               *n2N[1] = {"sample_row"}, *nset[1] = {"setting"};
    const char *nRk[2] = {"row", "key"}, *nRS[2] = {"row", "statistic"},
               *nkS3[3] = {"key", "statistic", "bound"}, *n2P[2] = {"distribution", "measure"},
               *n2NL[2] = {"sample_row", "trial"};
    int rc = 0;
    rc = rc || add(x, "key", MR_EXTRA_STR, 1, dk, nk, key, true, NULL, "uncertain key path");
    rc = rc || add(x, "row", MR_EXTRA_STR, 1, dR, nR, rowname, true, NULL,
                   "design row: A/j, B/j, AB_i/j (A with key i's column from B)");
    rc = rc || add(x, "statistic", MR_EXTRA_STR, 1, dS, nS, mr_unc_stat_names, true, NULL,
                   "statistic of a row's L trials: mean and ES 99 of total_loss, mean of "
                   "total_gva_loss");
    rc = rc || add(x, "bound", MR_EXTRA_STR, 1, d3, n3, bounds, true, NULL,
                   "estimate and the 95% bootstrap interval");
    rc = rc || add(x, "distribution", MR_EXTRA_STR, 1, d2, n2, dists, true, NULL,
                   "the pooled A and B rows' trials, or the base scenario's");
    rc = rc || add(x, "measure", MR_EXTRA_STR, 1, dP, nP, mr_unc_measure_names, true, NULL,
                   "mean, quantiles (docs/OUTPUT.md) and ES 99");
    rc = rc || add(x, "trial", MR_EXTRA_U64, 1, dL, nL, trial, true, "1",
                   "trial index: every row runs trials 0 .. L-1");
    rc = rc || add(x, "sample_row", MR_EXTRA_STR, 1, d2N, n2N, abrow, true, NULL,
                   "the A and B rows, whose trials make the predictive distribution");
    rc = rc || add(x, "setting", MR_EXTRA_STR, 1, dset, nset, setnames, true, NULL,
                   "the study's settings");
    rc = rc || add(x, "settings", MR_EXTRA_U64, 1, dset, nset, settings, false, "1",
                   "design rows N, trials per row L, bootstrap resamples");
    rc = rc || add(x, "distribution_of_key", MR_EXTRA_STR, 1, dk, nk, dist, false, NULL,
                   "each key's distribution as given");
    rc = rc || add(x, "key_unit", MR_EXTRA_STR, 1, dk, nk, kunit, false, NULL,
                   "each key's unit, as docs/SCENARIOS.md gives it (a mineral's own unit for "
                   "its word unit; empty where it gives none)");
    rc = rc || add(x, "design", MR_EXTRA_F64, 2, dRk, nRk, dcopy, false, "the key's (key_unit)",
                   "each row's value of each key");
    rc = rc || add(x, "row_statistic", MR_EXTRA_F64, 2, dRS, nRS, scopy, false, "GBP",
                   "each row's statistics over its L trials");
    rc = rc || add(x, "variance", MR_EXTRA_F64, 1, dS, nS, var, false, "GBP2",
                   "variance of each statistic over the 2N rows of A and B (divisor 2N)");
    rc = rc || add(x, "first_order", MR_EXTRA_F64, 3, dkS3, nkS3, ind, false, "1",
                   "first-order Sobol index S_i (Saltelli et al. 2010 with f(B) centred on the "
                   "pooled mean: docs/MODEL.md §9) with its 95% percentile bootstrap interval");
    rc = rc ||
         add(x, "total_order", MR_EXTRA_F64, 3, dkS3, nkS3, ind + k * MR_UNC_NSTAT * 3, false, "1",
             "total Sobol index ST_i (Jansen 1999) with its 95% percentile bootstrap "
             "interval");
    rc = rc || add(x, "predictive", MR_EXTRA_F64, 2, d2P, n2P, pred, false, "GBP",
                   "total loss over the horizon: with parameter uncertainty (the 2N L trials of "
                   "the A and B rows pooled) and without (the base scenario on the same L "
                   "trials)");
    rc = rc || add(x, "sample_total_loss", MR_EXTRA_F64, 2, d2NL, n2NL, lcopy, false, "GBP",
                   "total_loss of each trial of each A and B row: the predictive sample");
    return rc ? -1 : 0;
}

/* ---- the study ----------------------------------------------------------- */

void mr_uncertainty_result_free(mr_uncertainty_result *r)
{
    free(r->index);
    memset(r, 0, sizeof *r);
}

mr_status mr_uncertainty_run(const mr_scenario *base, const char *output,
                             const mr_uncertainty_opts *opts, const mr_comm *comm,
                             mr_uncertainty_result *out, mr_error *err)
{
    const double t0 = mr_now_seconds();
    const uint64_t N = opts->rows ? opts->rows : base->uncertain_rows;
    const uint64_t L = opts->block_trials ? opts->block_trials : base->uncertain_block_trials;
    const uint64_t k = (uint64_t)base->nuncertain, R = N * (k + 2);
    memset(out, 0, sizeof *out);
    mr_status rc = MR_FAILED;
    double *design = NULL, *rowst = NULL, *mine = NULL, *abloss = NULL, *mineloss = NULL;
    mr_results bres;
    mr_run_info binfo;
    bool have_base = false;
    mr_extras x = {0};
    mr_gsl_quiet_begin(); /* for the whole study; ended at done */
    /* this rank's rows, run in parallel, one thread each */
    uint64_t lo, hi;
    mr_comm_block_range(R, comm->rank, comm->size, &lo, &hi);
    const uint64_t nmine = hi - lo;
    const uint64_t ablo = lo < 2 * N ? lo : 2 * N, abhi = hi < 2 * N ? hi : 2 * N;
    const int threads = opts->threads > 0 ? opts->threads : omp_get_max_threads();
    /* as many rows at once as fit in memory, checked before any runs: each
       row's own check passed beside rows that had not yet allocated, and
       later rows were refused mid-study, for some thread counts only. The
       study's own arrays are counted beside them, before they are
       allocated: the design and the rows' statistics, and the A and B
       rows' losses [2N x L] gathered (abloss), this rank's share of them
       (mineloss) and one more copy (the predictive distribution's sort,
       then the table's): until 2026-12-06 not counted, 197 GB at
       --rows 4096 --block-trials 1000000. Each row running sorts its L
       losses (row_stats: the sorted copy and the radix sort's buffer,
       16 L bytes) beside its results: until 2026-12-06 not counted, 16 MB
       a row at --block-trials 1000000, 5% of the peak of a one-sector,
       one-mineral, one-year scenario */
    const double each = 16.0 * (double)L;
    const double beside = 8.0 * ((double)R * (double)k + (double)(R + nmine) * MR_UNC_NSTAT +
                                 (double)(4 * N + (abhi - ablo)) * (double)L);
    mr_scenario one_row = *base;
    one_row.trials = L;
    mr_status fit_rc = MR_OK;
    const int at_once = mr_engine_runs_that_fit(
        &one_row, (uint64_t)threads < nmine ? threads : (int)nmine, each, beside,
        "the study's design, row statistics, A and B losses and a row's sort",
        "a row holds its trials in one process, whatever the ranks: use fewer --block-trials", comm,
        &fit_rc, err);
    if (!at_once) {
        rc = fit_rc;
        goto done;
    }
    design = malloc(R * k * sizeof *design);
    rowst = calloc(R * MR_UNC_NSTAT, sizeof *rowst);
    abloss = calloc(2 * N * L, sizeof *abloss);
    out->index = calloc(k * MR_UNC_NSTAT, sizeof *out->index);
    /* a failure on one rank is agreed by all before they part (each later
       step has a collective the others would wait in) */
    if (mr_comm_any(comm, !design || !rowst || !abloss || !out->index ||
                              make_design(base, N, base->seed, design))) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", base->source_path);
        goto done;
    }
    /* every row parses before anything runs (a combination of values the
       check of single keys could not see fails in seconds) */
    for (uint64_t j = 0; j < R; j++) {
        mr_status p = parse_one(base, design + j * k, NULL, err);
        if (p != MR_OK) {
            if (p == MR_BAD_INPUT)
                name_draws(base, design + j * k, err);
            size_t l = strlen(err->msg);
            snprintf(err->msg + l, sizeof err->msg - l, " (design row %llu)",
                     (unsigned long long)j);
            rc = p;
            goto done;
        }
    }
    mine = calloc((nmine ? nmine : 1) * MR_UNC_NSTAT, sizeof *mine);
    mineloss = calloc(((abhi - ablo) ? (abhi - ablo) : 1) * L, sizeof *mineloss);
    if (mr_comm_any(comm, !mine || !mineloss)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", base->source_path);
        goto done;
    }
    int failed = 0;
    mr_status frc = MR_OK;
    mr_error ferr = {{0}};
    uint64_t done_rows = 0;
    const double rows_t0 = mr_now_seconds();
    double last_print = rows_t0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(at_once)
    for (uint64_t j = lo; j < hi; j++) {
        mr_stopsig_worker(); /* the stop signals reach the main thread alone */
        int stop;
#pragma omp atomic read
        stop = failed;
        if (stop || mr_engine_interrupted())
            continue;
        mr_error e = {{0}};
        mr_status r = MR_OK;
        double *loss = j < 2 * N ? mineloss + (j - ablo) * L : NULL;
        if (run_row(base, design + j * k, base->seed, L, mine + (j - lo) * MR_UNC_NSTAT, loss, &r,
                    &e)) {
#pragma omp critical(mr_uncertain_fail)
            if (!failed) {
                failed = 1;
                frc = r;
                ferr = e;
            }
        }
        uint64_t d;
#pragma omp atomic capture
        d = ++done_rows;
        if (opts->progress && comm->rank == 0 && omp_get_thread_num() == 0) {
            /* rank 0's rows stand for the study's, as run's trials */
            const double t = mr_now_seconds();
            if (mr_progress_due(opts->progress_every, t, last_print)) {
                mr_progress_print(opts->progress_every, 0, "%llu / %llu rows%s  ETA %.0f s",
                                  (unsigned long long)d, (unsigned long long)nmine,
                                  comm->size > 1 ? " of rank 0" : "",
                                  (t - rows_t0) / (double)d * (double)(nmine - d));
                last_print = t;
            }
        }
    }
    if (opts->progress && comm->rank == 0) /* all, unless stopped */
        mr_progress_print(opts->progress_every, 1, "%llu rows%s in %.1f s",
                          (unsigned long long)done_rows, comm->size > 1 ? " of rank 0" : "",
                          mr_now_seconds() - rows_t0);
    int interrupted = mr_comm_any(comm, mr_engine_interrupted());
    if (mr_comm_any(comm, failed) || interrupted) {
        if (interrupted) {
            rc = MR_INTERRUPTED;
        } else {
            rc = failed ? frc : MR_FAILED;
            *err = failed ? ferr : *err;
            /* the lowest failing rank's message everywhere */
            int who = failed ? comm->rank : comm->size;
            double w = who;
            mr_comm_min_f64(comm, &w, 1);
            mr_comm_bcast_from(comm, (int)w, err->msg, sizeof err->msg);
            int code = rc;
            mr_comm_bcast_from(comm, (int)w, &code, sizeof code);
            rc = (mr_status)code;
        }
        goto done;
    }
    if (mr_comm_allgather_f64(comm, mine, nmine * MR_UNC_NSTAT, rowst) ||
        mr_comm_allgather_f64(comm, mineloss, (abhi - ablo) * L, abloss)) {
        snprintf(err->msg, sizeof err->msg, "%s: the rows' results could not be gathered",
                 base->source_path);
        goto done;
    }
    /* the base scenario on the same trials, over every rank */
    mr_scenario *bsc = (mr_scenario *)base; /* seed and trials set for the run, then restored */
    const uint64_t keep_trials = bsc->trials;
    bsc->trials = L;
    mr_engine_opts bo = {.threads = opts->threads, .comm = comm};
    mr_status br = mr_engine_run(bsc, &bo, &bres, &binfo, err);
    bsc->trials = keep_trials;
    if (br != MR_OK) {
        if (br > 0)
            mr_results_free(&bres);
        rc = br;
        goto done;
    }
    have_base = true;
    binfo.verification = mr_results_verification(&bres);
    mr_comm_sum_u64(comm, &binfo.verification, 1);
    double *baseloss = mr_extras_keep(&x, malloc(L * sizeof *baseloss));
    if (mr_comm_any(comm, !baseloss) ||
        mr_comm_allgather_f64(comm, bres.total_loss, bres.ntrials, baseloss)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", base->source_path);
        goto done;
    }
    /* the indices and the predictive distribution */
    double *fab = malloc((k ? k : 1) * N * sizeof *fab);
    double *fa = malloc(2 * N * sizeof *fa), *fb = fa ? fa + N : NULL;
    mr_sobol_index *one = malloc(k * sizeof *one);
    int bad = !fab || !fa || !one;
    for (int s = 0; !bad && s < MR_UNC_NSTAT; s++) {
        for (uint64_t j = 0; j < N; j++) {
            fa[j] = rowst[j * MR_UNC_NSTAT + (uint64_t)s];
            fb[j] = rowst[(N + j) * MR_UNC_NSTAT + (uint64_t)s];
        }
        for (uint64_t i = 0; i < k; i++)
            for (uint64_t j = 0; j < N; j++)
                fab[i * N + j] = rowst[((2 + i) * N + j) * MR_UNC_NSTAT + (uint64_t)s];
        if (mr_sobol_indices(fa, fb, fab, N, k, opts->resamples, LEVEL, base->seed, one,
                             &out->variance[s]) == MR_FAILED)
            bad = 1;
        out->sd[s] = mr_sobol_sd(fa, fb, N);
        for (uint64_t i = 0; !bad && i < k; i++)
            out->index[i * MR_UNC_NSTAT + (uint64_t)s] = one[i];
    }
    free(fab);
    free(fa);
    free(one);
    if (mr_comm_any(comm, bad || predictive(abloss, 2 * N * L, out->predictive[0]) ||
                              predictive(baseloss, L, out->predictive[1]))) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", base->source_path);
        goto done;
    }
    out->k = (int)k;
    out->n = N;
    out->l = L;
    out->resamples = opts->resamples;
    if (mr_comm_any(comm, tables(base, N, L, design, rowst, abloss, out, opts->resamples, &x))) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the tables", output);
        goto done;
    }
    mr_output_run one_run = {"base", base, &bres, &binfo, NULL};
    int w = mr_output_write_multi(output, "uncertainty", &one_run, 1, x.x, x.n, comm, err);
    rc = w > 0 ? MR_INTERRUPTED : w < 0 ? MR_FAILED : MR_OK;
    out->seconds = mr_now_seconds() - t0;
done:
    mr_gsl_quiet_end();
    if (have_base)
        mr_results_free(&bres);
    mr_extras_free(&x);
    free(design);
    free(rowst);
    free(mine);
    free(mineloss);
    free(abloss);
    return rc;
}

/* ---- the table ----------------------------------------------------------- */

void mr_uncertainty_print(FILE *f, const mr_scenario *base, const mr_uncertainty_result *r)
{
    const char **key = malloc((size_t)(r->k ? r->k : 1) * sizeof *key);
    if (!key)
        return;
    for (int i = 0; i < r->k; i++)
        key[i] = base->uncertain[i].path;
    mr_unc_tables t = {
        base->name,  base->seed, r->n,        r->l,  r->k,
        key,         r->index,   r->variance, r->sd, (const double(*)[MR_UNC_NP])r->predictive,
        r->resamples};
    mr_unc_print(f, &t);
    free(key);
}
