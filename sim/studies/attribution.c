/* attribution.c - which minerals, countries and named events drive each
 * sector's tail risk (/attribution; docs/STUDIES.md "Attribution").
 *
 * (a) Tail allocation, always: the trials in the ES 99 tail of each sector
 *     and of the total are replayed (mr_replayer_run: bit for bit the run's
 *     trials) with a trace, and each replayed loss is split over the
 *     disruption processes that caused its shortfalls (mr_attr_allocate);
 *     the weighted tail sums give each source's co-ES and share of ES 99.
 * (b) Counterfactuals, with --counterfactual: the run again with one source
 *     switched off (same seed and trials: common random numbers), and the
 *     mean loss and ES 99 it removes with paired intervals (out/paired.h).
 *
 * Determinism: each rank replays its own tail trials (OpenMP threads write
 * fixed rows); the rows are gathered to every rank in rank order, which is
 * trial order, and every sum runs in that order, so every number is the
 * same for any thread and rank count.
 */
#include "sim/studies/attribution.h"

#include "models/status.h"
#include "out/clock.h"
#include "out/stats/dstats.h"
#include "out/stats/stream.h"
#include "out/stats/wstats.h"
#include "out/format.h"
#include "sim/rng.h"
#include "sim/studies/paired.h"
#include "sim/studies/run_extras.h"
#include "out/stats/stats.h"
#include "out/stopsig_worker.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kind_names[] = {"mineral", "country", "event", "none"};

/* ---- the plan ------------------------------------------------------------ */

void mr_attr_plan_free(mr_attr_plan *pl)
{
    if (pl->name)
        for (int k = 0; k < pl->K; k++)
            free(pl->name[k]);
    free(pl->name);
    free(pl->kind);
    free(pl->ref);
    free(pl->proc_country_src);
    free(pl->proc_event_src);
    free(pl->hit);
    free(pl->x_out);
    free(pl->x_spend);
    free(pl->market);
    memset(pl, 0, sizeof *pl);
}

static char *name_of(const char *family, const char *id)
{
    size_t n = strlen(family) + strlen(id) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", family, id);
    return s;
}

/* B = (I - A*)^-1 into b [S*S] (GSL LU). 0, or -1 if singular or out of memory. */
static int leontief_inverse(int S, const double *astar, double *b)
{
    gsl_matrix *a = gsl_matrix_alloc((size_t)S, (size_t)S);
    gsl_matrix *inv = gsl_matrix_alloc((size_t)S, (size_t)S);
    gsl_permutation *perm = gsl_permutation_alloc((size_t)S);
    int rc = -1, sign;
    if (a && inv && perm) {
        for (int i = 0; i < S; i++)
            for (int j = 0; j < S; j++)
                gsl_matrix_set(a, (size_t)i, (size_t)j,
                               (i == j ? 1.0 : 0.0) - astar[(size_t)i * (size_t)S + (size_t)j]);
        mr_gsl_quiet_begin();
        if (gsl_linalg_LU_decomp(a, perm, &sign) == GSL_SUCCESS &&
            gsl_linalg_LU_invert(a, perm, inv) == GSL_SUCCESS) {
            rc = 0;
            for (int i = 0; i < S && rc == 0; i++)
                for (int j = 0; j < S; j++) {
                    double v = gsl_matrix_get(inv, (size_t)i, (size_t)j);
                    if (!isfinite(v))
                        rc = -1;
                    b[(size_t)i * (size_t)S + (size_t)j] = v;
                }
        }
        mr_gsl_quiet_end();
    }
    gsl_matrix_free(a);
    gsl_matrix_free(inv);
    gsl_permutation_free(perm);
    return rc;
}

int mr_attr_plan_build(const mr_scenario *sc, const mr_model *md, mr_attr_plan *pl, mr_error *err)
{
    memset(pl, 0, sizeof *pl);
    const int M = md->M, S = md->S, P = md->nproc, C = sc->ncountries, E = sc->nevents;
    pl->S = S;
    pl->M = M;
    pl->T = md->T;
    pl->nproc = P;
    unsigned char *struck = calloc((size_t)(C > 0 ? C : 1), 1);
    int *csrc = malloc(sizeof(int) * (size_t)(C > 0 ? C : 1));
    double *b = malloc(sizeof(double) * (size_t)(S > 0 ? S * S : 1));
    double *d = calloc((size_t)(S * M > 0 ? S * M : 1), sizeof(double));
    int ok = struck && csrc && b && d;
    int nc = 0;
    for (int p = 0; ok && p < P; p++)
        if (md->proc_country[p] >= 0 && !struck[md->proc_country[p]]) {
            struck[md->proc_country[p]] = 1;
            nc++;
        }
    const int K = M + nc + E + 1;
    pl->K = K;
    pl->first_country = M;
    pl->first_event = M + nc;
    pl->none = K - 1;
    if (ok) {
        pl->name = calloc((size_t)K, sizeof *pl->name);
        pl->kind = malloc(sizeof *pl->kind * (size_t)K);
        pl->ref = malloc(sizeof *pl->ref * (size_t)K);
        pl->proc_country_src = malloc(sizeof(int) * (size_t)(P > 0 ? P : 1));
        pl->proc_event_src = malloc(sizeof(int) * (size_t)(P > 0 ? P : 1));
        pl->hit = calloc((size_t)(P * M > 0 ? P * M : 1), sizeof(double));
        pl->x_out = calloc((size_t)(S * M > 0 ? S * M : 1), sizeof(double));
        pl->x_spend = calloc((size_t)(S * M > 0 ? S * M : 1), sizeof(double));
        pl->market = calloc((size_t)(M > 0 ? M : 1), 1);
        ok = pl->name && pl->kind && pl->ref && pl->proc_country_src && pl->proc_event_src &&
             pl->hit && pl->x_out && pl->x_spend && pl->market;
        for (int m = 0; ok && m < M; m++)
            pl->market[m] = md->market[m] != 0;
    }
    if (ok) {
        int k = 0;
        for (int m = 0; m < M; m++, k++) {
            pl->name[k] = name_of("mineral", sc->minerals[m].id);
            pl->kind[k] = MR_SRC_MINERAL;
            pl->ref[k] = m;
        }
        for (int c = 0; c < C; c++) {
            csrc[c] = -1;
            if (!struck[c])
                continue;
            csrc[c] = k;
            pl->name[k] = name_of("country", sc->countries[c].id);
            pl->kind[k] = MR_SRC_COUNTRY;
            pl->ref[k++] = c;
        }
        for (int e = 0; e < E; e++, k++) {
            pl->name[k] = name_of("event", sc->events[e].id);
            pl->kind[k] = MR_SRC_EVENT;
            pl->ref[k] = e;
        }
        pl->name[k] = name_of("none", "price-noise");
        pl->kind[k] = MR_SRC_NONE;
        pl->ref[k] = -1;
        for (k = 0; k < K; k++)
            ok = ok && pl->name[k];
    }
    if (ok) {
        for (int p = 0; p < P; p++) {
            /* a domestic outage (docs/MODEL.md §4) strikes no country and
               hits no slot: nothing of a trial's loss is allocated to it
               (its weight is 0), so its source is none */
            pl->proc_country_src[p] =
                md->proc_country[p] >= 0 ? csrc[md->proc_country[p]] : pl->none;
            pl->proc_event_src[p] =
                md->proc_kind[p] == MR_PROC_EVENT ? pl->first_event + md->proc_index[p] : -1;
            for (int q = md->proc_first[p]; q < md->proc_first[p + 1]; q++) {
                int slot = md->targets[q];
                double share = md->slot_share[slot];
                if (md->slot_share_t) { /* shares on time paths: their mean over the steps */
                    share = 0.0;
                    for (int t = 0; t < md->T; t++)
                        share += md->slot_share_t[(size_t)t * (size_t)md->nslots + (size_t)slot];
                    share /= md->T;
                }
                pl->hit[(size_t)p * (size_t)M + (size_t)(md->slot_stage[slot] / 2)] += share;
            }
        }
        /* exposures (MODEL §6-§8): direct need a (1 - sigma), passed on
           through the static IIM, and the annual spend; a need whose a is
           a time path takes its mean over the steps */
        for (int j = 0; j < S; j++)
            for (int q = md->need_first[j]; q < md->need_first[j + 1]; q++) {
                size_t jm = (size_t)j * (size_t)M + (size_t)md->need_mineral[q];
                double a = md->need_a[q];
                if (md->need_a_t) {
                    a = 0.0;
                    for (int t = 0; t < md->T; t++)
                        a += md->need_a_t[(size_t)t * (size_t)md->nneeds + (size_t)q];
                    a /= md->T;
                }
                d[jm] += a * (1.0 - md->need_sigma[q]);
                double w = md->need_w[q]; /* spend: a path's mean likewise */
                if (md->need_w_t) {
                    w = 0.0;
                    for (int t = 0; t < md->T; t++)
                        w += md->need_w_t[(size_t)t * (size_t)md->nneeds + (size_t)q];
                    w /= md->T;
                }
                pl->x_spend[jm] += w;
            }
        if (S > 0 && leontief_inverse(S, md->astar, b)) {
            snprintf(err->msg, sizeof err->msg, "%s: attribution: I - interdependency is singular",
                     sc->source_path);
            free(struck), free(csrc), free(b), free(d);
            mr_attr_plan_free(pl);
            return -1;
        }
        for (int j = 0; j < S; j++)
            for (int m = 0; m < M; m++) {
                double x = 0.0;
                for (int i = 0; i < S; i++)
                    x +=
                        b[(size_t)j * (size_t)S + (size_t)i] * d[(size_t)i * (size_t)M + (size_t)m];
                pl->x_out[(size_t)j * (size_t)M + (size_t)m] = x;
            }
    }
    free(struck);
    free(csrc);
    free(b);
    free(d);
    if (!ok) {
        snprintf(err->msg, sizeof err->msg, "%s: attribution: out of memory", sc->source_path);
        mr_attr_plan_free(pl);
        return -1;
    }
    return 0;
}

/* ---- one trial ----------------------------------------------------------- */

int mr_attr_work_alloc(mr_attr_work *w, const mr_attr_plan *pl)
{
    size_t PM = (size_t)pl->nproc * (size_t)pl->M, TM = (size_t)pl->T * (size_t)pl->M;
    size_t P = (size_t)pl->nproc;
    w->U = calloc(PM ? PM : 1, sizeof(double));
    w->den = calloc(TM ? TM : 1, sizeof(double));
    w->Um = calloc(pl->M ? (size_t)pl->M : 1, sizeof(double));
    w->seen = calloc(P ? P : 1, 1);
    w->procs = calloc(P ? P : 1, sizeof(int));
    if (!w->U || !w->den || !w->Um || !w->seen || !w->procs) {
        mr_attr_work_free(w);
        return -1;
    }
    return 0;
}

void mr_attr_work_free(mr_attr_work *w)
{
    free(w->U);
    free(w->den);
    free(w->Um);
    free(w->seen);
    free(w->procs);
    memset(w, 0, sizeof *w);
}

/* Log-survival weight -ln(1 - s) of one occurrence (MODEL §3: overlapping
   occurrences combine as 1 - prod(1 - s), so these add). */
static double log_survival(double s)
{
    if (!(s > 0.0))
        return 0.0;
    if (s >= 1.0)
        return MR_ATTR_FULL_WEIGHT;
    return -log1p(-s);
}

void mr_attr_allocate(const mr_attr_plan *pl, const mr_trace *tr, const double *ol,
                      const double *xc, mr_attr_work *w, double *out)
{
    const int M = pl->M, S = pl->S, T = pl->T, K = pl->K;
    int np = 0;
    /* (1) the weight of the occurrences active on each (t, m) */
    for (int e = 0; e < tr->nocc; e++) {
        const mr_occurrence_record *o = &tr->occ[e];
        double lg = log_survival(o->severity);
        const double *hit = pl->hit + (size_t)o->process * (size_t)M;
        if (!w->seen[o->process]) {
            w->seen[o->process] = 1;
            w->procs[np++] = o->process;
        }
        for (int m = 0; m < M; m++) {
            double wt = hit[m] * lg;
            if (!(wt > 0.0))
                continue;
            for (int t = o->first_step; t < o->first_step + o->nsteps && t < T; t++)
                w->den[(size_t)t * (size_t)M + (size_t)m] += wt;
        }
    }
    /* (2) each shortfall u_m(t) split among them: U_{p,m} */
    for (int e = 0; e < tr->nocc; e++) {
        const mr_occurrence_record *o = &tr->occ[e];
        double lg = log_survival(o->severity);
        const double *hit = pl->hit + (size_t)o->process * (size_t)M;
        double *U = w->U + (size_t)o->process * (size_t)M;
        for (int m = 0; m < M; m++) {
            double wt = hit[m] * lg;
            if (!(wt > 0.0))
                continue;
            for (int t = o->first_step; t < o->first_step + o->nsteps && t < T; t++) {
                size_t tm = (size_t)t * (size_t)M + (size_t)m;
                double u = pl->market[m] ? 1.0 - tr->availability[tm] : tr->u[tm];
                if (u > 0.0)
                    U[m] += u * (wt / w->den[tm]);
            }
        }
    }
    for (int m = 0; m < M; m++) {
        double s = 0.0;
        for (int q = 0; q < np; q++)
            s += w->U[(size_t)w->procs[q] * (size_t)M + (size_t)m];
        w->Um[m] = s;
    }
    /* (3) each sector's two channels, by exposure */
    for (int j = 0; j < S; j++) {
        double *row = out + (size_t)j * (size_t)K;
        for (int k = 0; k < K; k++)
            row[k] = 0.0;
        const double *xo = pl->x_out + (size_t)j * (size_t)M;
        const double *xs = pl->x_spend + (size_t)j * (size_t)M;
        double dout = 0.0, dsp = 0.0;
        for (int m = 0; m < M; m++) {
            dout += xo[m] * w->Um[m];
            dsp += xs[m] * w->Um[m];
        }
        const double fo = dout > 0.0 ? ol[j] / dout : 0.0;
        const double fs = dsp > 0.0 ? xc[j] / dsp : 0.0;
        row[pl->none] = (dout > 0.0 ? 0.0 : ol[j]) + (dsp > 0.0 ? 0.0 : xc[j]);
        for (int m = 0; m < M; m++)
            row[m] = fo * (xo[m] * w->Um[m]) + fs * (xs[m] * w->Um[m]);
        for (int q = 0; q < np; q++) {
            int p = w->procs[q];
            const double *U = w->U + (size_t)p * (size_t)M;
            double eo = 0.0, es = 0.0;
            for (int m = 0; m < M; m++) {
                eo += xo[m] * U[m];
                es += xs[m] * U[m];
            }
            double l = fo * eo + fs * es;
            row[pl->proc_country_src[p]] += l;
            if (pl->proc_event_src[p] >= 0)
                row[pl->proc_event_src[p]] += l;
        }
    }
    double *tot = out + (size_t)S * (size_t)K;
    for (int k = 0; k < K; k++) {
        double s = 0.0;
        for (int j = 0; j < S; j++)
            s += out[(size_t)j * (size_t)K + (size_t)k];
        tot[k] = s;
    }
    /* leave the scratch zero for the next trial */
    for (int e = 0; e < tr->nocc; e++) {
        const mr_occurrence_record *o = &tr->occ[e];
        for (int t = o->first_step; t < o->first_step + o->nsteps && t < T; t++)
            memset(w->den + (size_t)t * (size_t)M, 0, sizeof(double) * (size_t)M);
    }
    for (int q = 0; q < np; q++) {
        memset(w->U + (size_t)w->procs[q] * (size_t)M, 0, sizeof(double) * (size_t)M);
        w->seen[w->procs[q]] = 0;
    }
}

/* ---- the run ------------------------------------------------------------- */

/* One series' tail on this rank: local trials, weights, rows. */
typedef struct {
    size_t *idx;
    double *wt;
    size_t nt;      /* local tail trials */
    uint64_t ntail; /* over ranks */
    double xk, wsum, es;
    double *rows; /* [nt * (K + 3)] */
    int nan;      /* some loss is NaN: no tail */
} series_tail;

/* A (trial, series, row) triple, for replaying each trial once: the trial's
   row i of res (in memory) and its loss in the series. */
typedef struct {
    uint64_t trial;
    int s;
    size_t r;
    size_t i;
    double loss;
} tail_ref;

static int cmp_ref(const void *a, const void *b)
{
    const tail_ref *x = a, *y = b;
    if (x->trial != y->trial)
        return x->trial < y->trial ? -1 : 1;
    return x->s < y->s ? -1 : x->s > y->s;
}

/* The replay of a trial is the run's (sim/replay.h), bit for bit: its rows
   against res's (in memory), or its series losses against the stream's. */
static int replay_differs(const mr_results *res, const mr_results *row, const tail_ref *ref,
                          size_t nref, int S)
{
    if (res->sector_output_loss) {
        const size_t i = ref[0].i;
        for (int j = 0; j < S; j++)
            if (row->sector_output_loss[j] != res->sector_output_loss[i * (size_t)S + (size_t)j] ||
                row->sector_extra_cost[j] != res->sector_extra_cost[i * (size_t)S + (size_t)j])
                return 1;
        return 0;
    }
    for (size_t k = 0; k < nref; k++) {
        const int s = ref[k].s;
        double l = s < S ? row->sector_gva_loss[s] + row->sector_extra_cost[s] : row->total_loss[0];
        if (l != ref[k].loss)
            return 1;
    }
    return 0;
}

/* Losses of this rank's trials by series: [i * (S+1) + s], sectors GL + XC (the
   headline, docs/MODEL.md §8), then the total. */
static double *series_losses(const mr_results *res)
{
    const size_t N = (size_t)res->ntrials, S = (size_t)res->nsectors, W = S + 1;
    double *l = malloc((N > 0 ? N * W : 1) * sizeof *l);
    if (!l)
        return NULL;
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < S; j++)
            l[i * W + j] = res->sector_gva_loss[i * S + j] + res->sector_extra_cost[i * S + j];
        l[i * W + S] = res->total_loss[i];
    }
    return l;
}

/* Replay this rank's tail trials (each once) and fill the series' rows.
   0, -1 with err. Not collective. */
static int replay_tails(const mr_scenario *sc, const mr_results *res, const mr_attr_plan *pl,
                        const double *loss, const mr_stream *st, series_tail *tl, int only,
                        int threads, mr_error *err)
{
    const int S = pl->S, K = pl->K, W = S + 1;
    const size_t RW = (size_t)K + MR_ATTR_ROW_HEAD;
    size_t nref = 0;
    for (int s = 0; s < W; s++)
        nref += s == only ? tl[s].nt : 0;
    tail_ref *ref = malloc((nref ? nref : 1) * sizeof *ref);
    if (!ref) {
        snprintf(err->msg, sizeof err->msg, "%s: attribution: out of memory", sc->source_path);
        return -1;
    }
    size_t q = 0;
    for (int s = only; s == only; s++) {
        const uint64_t *trials = NULL;
        const double *sl = NULL;
        size_t ns;
        double xk, es;
        if (st)
            mr_stream_series_tail(st, s, &trials, &sl, &ns, &xk, &es);
        for (size_t r = 0; r < tl[s].nt; r++) {
            const size_t i = tl[s].idx[r];
            ref[q++] =
                st ? (tail_ref){trials[i], s, r, 0, sl[i]}
                   : (tail_ref){res->first_trial + i, s, r, i, loss[i * (size_t)W + (size_t)s]};
        }
    }
    qsort(ref, nref, sizeof *ref, cmp_ref);
    /* groups of refs sharing a trial */
    size_t ngroups = 0;
    size_t *gstart = malloc((nref + 1) * sizeof *gstart);
    if (!gstart) {
        free(ref);
        snprintf(err->msg, sizeof err->msg, "%s: attribution: out of memory", sc->source_path);
        return -1;
    }
    for (size_t k = 0; k < nref; k++)
        if (k == 0 || ref[k].trial != ref[k - 1].trial)
            gstart[ngroups++] = k;
    gstart[ngroups] = nref;

    int failed = 0;
#pragma omp parallel num_threads(threads > 0 ? threads : omp_get_max_threads())
    {
        mr_stopsig_worker(); /* the stop signals reach the main thread alone */
        mr_error e = {{0}};
        mr_replayer *rp = mr_replayer_new(sc, NULL, &e);
        mr_trace tr = {0};
        mr_results row = {0};
        mr_attr_work wk = {0};
        double *out = malloc((size_t)W * (size_t)K * sizeof *out);
        int ok = rp && out && mr_trace_alloc(&tr, pl->M, S, pl->T) == 0 &&
                 mr_results_alloc_rows(&row, 1, S, pl->M, res->years, pl->T) == 0 &&
                 mr_attr_work_alloc(&wk, pl) == 0;
        if (!ok) {
#pragma omp critical(mr_attr_err)
            if (!failed) {
                failed = 1;
                if (rp)
                    snprintf(e.msg, sizeof e.msg, "%s: attribution: out of memory",
                             sc->source_path);
                *err = e;
            }
        }
#pragma omp barrier
#pragma omp for schedule(dynamic, 4)
        for (size_t g = 0; g < ngroups; g++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            if (stop)
                continue;
            const uint64_t trial = ref[gstart[g]].trial;
            int bad = mr_replayer_run(rp, trial, &row, &tr) != 0 ||
                      replay_differs(res, &row, ref + gstart[g], gstart[g + 1] - gstart[g], S);
            if (bad) {
#pragma omp critical(mr_attr_err)
                if (!failed) {
                    failed = 1;
                    snprintf(err->msg, sizeof err->msg,
                             "%s: attribution: the replay of trial %llu differs from the run "
                             "(or out of memory)",
                             sc->source_path, (unsigned long long)trial);
                }
                continue;
            }
            mr_attr_allocate(pl, &tr, row.sector_gva_loss, row.sector_extra_cost, &wk, out);
            for (size_t k = gstart[g]; k < gstart[g + 1]; k++) {
                const series_tail *t = &tl[ref[k].s];
                double *dst = t->rows + ref[k].r * RW;
                dst[0] = (double)trial;
                dst[1] = t->wt[ref[k].r];
                dst[2] = ref[k].loss;
                memcpy(dst + MR_ATTR_ROW_HEAD, out + (size_t)ref[k].s * (size_t)K,
                       (size_t)K * sizeof *dst);
            }
        }
        mr_attr_work_free(&wk);
        mr_results_free(&row);
        mr_trace_free(&tr);
        free(out);
        mr_replayer_free(rp);
    }
    free(gstart);
    free(ref);
    return failed ? -1 : 0;
}

/* What /attribution holds, the same on every rank. */
typedef struct {
    int W, K;
    double *share, *lo, *hi, *co_es;                             /* [W * K] */
    double *es;                                                  /* [W] */
    uint64_t *ntail;                                             /* [W] */
    double *mean_rm, *mean_lo, *mean_hi, *es_rm, *es_lo, *es_hi; /* [W * K], counterfactual */
} attr_table;

static void free_table(attr_table *t)
{
    void *p[] = {t->share,   t->lo,      t->hi,      t->co_es, t->es,    t->ntail,
                 t->mean_rm, t->mean_lo, t->mean_hi, t->es_rm, t->es_lo, t->es_hi};
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
        free(p[k]);
    memset(t, 0, sizeof *t);
}

/* (a) every series' tail: select, replay, gather, reduce. Collective. */
static int tail_allocation(const mr_scenario *sc, const mr_results *res, const mr_attr_plan *pl,
                           const double *loss, const mr_stream *st, int threads,
                           const mr_comm *comm, attr_table *tb, mr_error *err)
{
    const int S = pl->S, K = pl->K, W = S + 1;
    const size_t RW = (size_t)K + MR_ATTR_ROW_HEAD;
    series_tail *tl = calloc((size_t)W, sizeof *tl);
    int rc = -1, bad = !tl;
    if (mr_comm_any(comm, bad))
        goto oom;
    /* an importance-sampled run (some weight not 1): the weighted tails */
    const int weighted = !st && mr_results_weighted(res, comm);
    for (int s = 0; s < W; s++) {
        series_tail *t = &tl[s];
        if (st) {
            /* the stream's tail: every value from X_(k) up, in trial order */
            const uint64_t *trials;
            const double *sl;
            size_t ns;
            if (mr_stream_series_tail(st, s, &trials, &sl, &ns, &t->xk, &t->es) != 0 ||
                mr_attr_tail_from(comm, sl, 1, ns, res->ntrials_total, MR_ATTR_LEVEL, t->xk,
                                  &t->idx, &t->wt, &t->nt, &t->ntail, &t->wsum) != 0)
                goto oom;
            t->nan = 0;
        }
        int r =
            st ? 0
            : weighted
                ? mr_attr_tail_weighted(comm, loss + s, (size_t)W, res->ntrials, res->ntrials_total,
                                        res->weight, MR_ATTR_LEVEL, &t->idx, &t->wt, &t->nt,
                                        &t->ntail, &t->xk, &t->wsum, &t->es)
                : mr_attr_tail(comm, loss + s, (size_t)W, res->ntrials, res->ntrials_total,
                               MR_ATTR_LEVEL, &t->idx, &t->wt, &t->nt, &t->ntail, &t->xk, &t->wsum);
        if (r < 0)
            goto oom;
        t->nan = r == 1;
        if (!st && !weighted)
            t->es = NAN;
        if (!t->nan && !st && !weighted) {
            const mr_dvar v = {loss + s, (size_t)res->ntrials, 1, (size_t)W, res->ntrials_total};
            const double lev = MR_ATTR_LEVEL;
            if (mr_dstats_es(comm, &v, &lev, &t->xk, 1, &t->es))
                goto oom;
        }
    }
    /* one series at a time: its tail's rows, then the whole tail's (a trial
       in several tails is replayed for each) */
    for (int s = 0; s < W; s++) {
        series_tail *t = &tl[s];
        t->rows = malloc((t->nt ? t->nt : 1) * RW * sizeof(double));
        if (mr_comm_any(comm, !t->rows))
            goto oom;
        bad = replay_tails(sc, res, pl, loss, st, tl, s, threads, err) != 0;
        if (mr_comm_any(comm, bad)) {
            if (!bad)
                snprintf(err->msg, sizeof err->msg, "%s: attribution failed on another rank",
                         sc->source_path);
            goto out;
        }
        double *all = malloc((t->ntail ? t->ntail : 1) * RW * sizeof *all);
        bad = !all;
        if (mr_comm_any(comm, bad) || mr_comm_allgather_f64(comm, t->rows, t->nt * RW, all) != 0) {
            free(all);
            goto oom;
        }
        /* every rank now holds the rows of the whole tail, in trial order */
        mr_attr_tail_stats(all, (size_t)t->ntail, K, t->wsum, tb->co_es + (size_t)s * (size_t)K,
                           tb->share + (size_t)s * (size_t)K, tb->lo + (size_t)s * (size_t)K,
                           tb->hi + (size_t)s * (size_t)K);
        free(all);
        free(t->rows);
        t->rows = NULL;
        tb->es[s] = t->es;
        tb->ntail[s] = t->ntail;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err->msg, sizeof err->msg, "%s: attribution: out of memory", sc->source_path);
out:
    for (int s = 0; tl && s < W; s++) {
        free(tl[s].idx);
        free(tl[s].wt);
        free(tl[s].rows);
    }
    free(tl);
    return rc;
}

/* Switch source k off: 1 if that changes the scenario (some process is
   switched off or loses a target), 0 if the run would be the base run. */
static int source_masks(const mr_attr_plan *pl, const mr_model *md, int k, unsigned char *proc_off,
                        unsigned char *mineral_off)
{
    memset(proc_off, 0, (size_t)(pl->nproc > 0 ? pl->nproc : 1));
    memset(mineral_off, 0, (size_t)(pl->M > 0 ? pl->M : 1));
    int any = 0;
    switch (pl->kind[k]) {
    case MR_SRC_MINERAL:
        mineral_off[pl->ref[k]] = 1;
        for (int p = 0; p < pl->nproc; p++)
            any |= pl->hit[(size_t)p * (size_t)pl->M + (size_t)pl->ref[k]] > 0.0 ||
                   (md->proc_kind[p] == MR_PROC_DOMESTIC && md->proc_index[p] == pl->ref[k]);
        break;
    case MR_SRC_COUNTRY:
        for (int p = 0; p < pl->nproc; p++)
            if (md->proc_country[p] == pl->ref[k])
                any = proc_off[p] = 1;
        break;
    case MR_SRC_EVENT:
        for (int p = 0; p < pl->nproc; p++)
            if (md->proc_kind[p] == MR_PROC_EVENT && md->proc_index[p] == pl->ref[k])
                any = proc_off[p] = 1;
        break;
    case MR_SRC_NONE:
        break;
    }
    return any;
}

/* The weighted removals of an importance-sampled run (docs/STUDIES.md
   "Attribution" (b)): every trial's weight and the work arrays. */
typedef struct {
    size_t n;
    double *w;                     /* [n] the run's likelihood ratios */
    double *d, *ys, *yw, *xs, *xw; /* [n] */
    uint32_t *yt, *xt;             /* [n] */
} cf_weights;

static void cf_weights_free(cf_weights *c)
{
    void *p[] = {c->w, c->d, c->ys, c->yw, c->xs, c->xw, c->yt, c->xt};
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
        free(p[k]);
    memset(c, 0, sizeof *c);
}

/* 0, or 1 when out of memory (c freed). */
static int cf_weights_alloc(cf_weights *c, size_t n)
{
    const size_t m = n ? n : 1;
    c->n = n;
    c->w = malloc(m * sizeof *c->w);
    c->d = malloc(m * sizeof *c->d);
    c->ys = malloc(m * sizeof *c->ys);
    c->yw = malloc(m * sizeof *c->yw);
    c->xs = malloc(m * sizeof *c->xs);
    c->xw = malloc(m * sizeof *c->xw);
    c->yt = malloc(m * sizeof *c->yt);
    c->xt = malloc(m * sizeof *c->xt);
    if (c->w && c->d && c->ys && c->yw && c->xs && c->xw && c->yt && c->xt)
        return 0;
    cf_weights_free(c);
    return 1;
}

/* One series' weighted removals, x the counterfactual's and y the run's
   losses x[i * stride]: mean (1/n) sum w (y - x) with the normal interval
   of its standard error sd(w (y - x)) / sqrt(n) (wstats.h), and ES99_w(y) -
   ES99_w(x) with the paired weighted percentile bootstrap (MR_ATTR_NBOOT
   resamples, the generator keyed by seed), NaN when fewer than 10 sampled
   losses of the run lie above its weighted VaR 99. Into tb at `at`. 0, or 1
   when out of memory. */
static int cf_weighted(cf_weights *c, const double *x, const double *y, size_t stride,
                       uint64_t seed, const mr_comm *comm, attr_table *tb, size_t at)
{
    const size_t n = c->n;
    for (size_t i = 0; i < n; i++)
        c->d[i] = y[i * stride] - x[i * stride];
    double mean, se;
    mr_wstats_moments(c->d, c->w, n, MR_BLOCK_TRIALS, &mean, NULL, &se);
    tb->mean_rm[at] = mean;
    tb->mean_lo[at] = mean - MR_PAIRED_Z95 * se;
    tb->mean_hi[at] = mean + MR_PAIRED_Z95 * se;
    for (size_t i = 0; i < n; i++)
        c->d[i] = y[i * stride];
    /* every rank holds every trial: they fail together and share the
       bootstrap's resamples (collective) */
    if (mr_comm_any(comm, mr_wstats_sort(c->d, c->w, n, c->ys, c->yw, c->yt) != 0))
        return 1;
    double vy, esy = mr_wstats_es(c->d, c->w, n, MR_BLOCK_TRIALS, c->ys, c->yw, MR_ATTR_LEVEL, &vy);
    for (size_t i = 0; i < n; i++)
        c->d[i] = x[i * stride];
    if (mr_comm_any(comm, mr_wstats_sort(c->d, c->w, n, c->xs, c->xw, c->xt) != 0))
        return 1;
    double esx = mr_wstats_es(c->d, c->w, n, MR_BLOCK_TRIALS, c->xs, c->xw, MR_ATTR_LEVEL, NULL);
    tb->es_rm[at] = esy - esx;
    tb->es_lo[at] = tb->es_hi[at] = NAN;
    if (isnan(tb->es_rm[at]) || mr_wstats_count_above(c->ys, n, vy) < 10)
        return 0;
    return mr_wstats_bootstrap_es_diff(c->xs, c->xw, c->xt, c->ys, c->yw, c->yt, n, n, (double)n,
                                       MR_ATTR_LEVEL, MR_ATTR_NBOOT, MR_OUTPUT_CI_LEVEL, seed, comm,
                                       &tb->es_lo[at], &tb->es_hi[at]) != 0;
}

/* (b) one run per source with the source switched off. Collective. */
static int counterfactuals(const mr_scenario *sc, const mr_results *res, const mr_attr_plan *pl,
                           const mr_model *md, const double *loss, const mr_run_extras_opts *opts,
                           const mr_comm *comm, attr_table *tb, mr_error *err)
{
    const int S = pl->S, K = pl->K, W = S + 1;
    const uint64_t N = res->ntrials_total;
    const size_t NW = (size_t)N * (size_t)W;
    double *base = malloc((NW ? NW : 1) * sizeof *base);
    double *cf = malloc((NW ? NW : 1) * sizeof *cf);
    double *cf_local = NULL;
    unsigned char *proc_off = malloc((size_t)(pl->nproc > 0 ? pl->nproc : 1));
    unsigned char *mineral_off = malloc((size_t)(pl->M > 0 ? pl->M : 1));
    int rc = -1;
    int bad = !base || !cf || !proc_off || !mineral_off;
    /* an importance-sampled run (some weight not 1): weighted removals */
    const int weighted = mr_results_weighted(res, comm);
    cf_weights wt = {0};
    if (weighted)
        bad |= cf_weights_alloc(&wt, (size_t)N);
    if (mr_comm_any(comm, bad) ||
        mr_comm_allgather_f64(comm, loss, (size_t)res->ntrials * (size_t)W, base) != 0 ||
        (weighted && mr_comm_allgather_f64(comm, res->weight, (size_t)res->ntrials, wt.w) != 0))
        goto oom;
    int nruns = 0;
    for (int k = 0; k < K; k++)
        nruns += source_masks(pl, md, k, proc_off, mineral_off);
    int run = 0;
    for (int k = 0; k < K; k++) {
        for (int s = 0; s < W; s++) {
            size_t at = (size_t)s * (size_t)K + (size_t)k;
            tb->mean_rm[at] = tb->mean_lo[at] = tb->mean_hi[at] = NAN;
            tb->es_rm[at] = tb->es_lo[at] = tb->es_hi[at] = NAN;
        }
        if (pl->kind[k] == MR_SRC_NONE)
            continue; /* price noise cannot be switched off */
        const double t0 = mr_now_seconds();
        const double *x = base; /* nothing to switch off: the base run itself */
        if (source_masks(pl, md, k, proc_off, mineral_off)) {
            const mr_counterfactual c = {proc_off, mineral_off};
            const mr_engine_opts eo = {
                .threads = opts->threads, .comm = comm, .counterfactual = &c};
            mr_results r;
            mr_run_info info;
            int e = mr_engine_run(sc, &eo, &r, &info, err);
            if (e < 0)
                goto out;
            if (e > 0) {
                mr_results_free(&r);
                snprintf(err->msg, sizeof err->msg,
                         "%s: interrupted during the counterfactual runs; nothing written",
                         sc->source_path);
                rc = 1;
                goto out;
            }
            cf_local = series_losses(&r);
            mr_results_free(&r);
            bad = !cf_local;
            if (mr_comm_any(comm, bad) ||
                mr_comm_allgather_f64(comm, cf_local, (size_t)res->ntrials * (size_t)W, cf) != 0)
                goto oom;
            free(cf_local);
            cf_local = NULL;
            x = cf;
            run++;
        }
        const double t1 = mr_now_seconds();
        int nomem = 0;
        for (int s = 0; s < W && !nomem; s++) {
            /* one bootstrap stream per series: every source's interval is
               drawn on the same resamples of the trials */
            char label[512];
            snprintf(label, sizeof label, "attribution/%s", s < S ? sc->sectors[s].id : "total");
            size_t at = (size_t)s * (size_t)K + (size_t)k;
            if (weighted) {
                nomem = cf_weighted(&wt, x + s, base + s, (size_t)W, sc->seed ^ mr_hash64(label),
                                    comm, tb, at);
                continue;
            }
            /* every rank holds all the losses: the ranks share the
               resamples (collective; a failure on any is on every one) */
            mr_paired pr;
            const mr_paired_series ps = {x + s, base + s, (size_t)W, NULL, NULL, 0, 1};
            if (mr_paired_compute_many(&ps, 1, (size_t)N, 0, sc->seed, label, MR_ATTR_NBOOT, &pr,
                                       comm)) {
                nomem = 1;
                continue;
            }
            /* no ES 99 interval on fewer than 10 trials beyond VaR 99
               (N < 1000), as /summary, /loss_tables, `minrisk compare` and
               the weighted removals (cf_weighted) */
            mr_paired_drop_weak_intervals(&pr, (size_t)N, 0, MR_ATTR_NBOOT);
            tb->mean_rm[at] = pr.diff[MR_PAIRED_MEAN].est;
            tb->mean_lo[at] = pr.diff[MR_PAIRED_MEAN].lo;
            tb->mean_hi[at] = pr.diff[MR_PAIRED_MEAN].hi;
            tb->es_rm[at] = pr.diff[MR_PAIRED_ES99].est;
            tb->es_lo[at] = pr.diff[MR_PAIRED_ES99].lo;
            tb->es_hi[at] = pr.diff[MR_PAIRED_ES99].hi;
        }
        if (mr_comm_any(comm, nomem))
            goto oom;
        if (opts->progress && comm->rank == 0 && x != base)
            fprintf(stderr,
                    "minrisk: counterfactual %d/%d: without %s: run %.1f s, intervals %.1f s\n",
                    run, nruns, pl->name[k], t1 - t0, mr_now_seconds() - t1);
    }
    rc = 0;
    goto out;
oom:
    snprintf(err->msg, sizeof err->msg, "%s: --counterfactual: out of memory", sc->source_path);
out:
    cf_weights_free(&wt);
    free(cf_local);
    free(base);
    free(cf);
    free(proc_off);
    free(mineral_off);
    return rc;
}

/* ---- the datasets -------------------------------------------------------- */

static int add_f64(mr_extras *x, const char *name, const double *data, int rank, uint64_t W,
                   uint64_t K, const char *units, const char *description)
{
    mr_output_extra e = {.path = name,
                         .type = MR_EXTRA_F64,
                         .rank = rank,
                         .dims = {W, K},
                         .dim_names = {"series", "source"},
                         .data = data,
                         .units = units,
                         .description = description};
    return mr_extras_add(x, &e);
}

static int add_datasets(const mr_scenario *sc, const mr_attr_plan *pl, attr_table *tb,
                        bool counterfactual, mr_extras *x)
{
    const int S = pl->S, K = pl->K, W = S + 1;
    const char **src = mr_extras_keep(x, calloc((size_t)K, sizeof *src));
    const char **kind = mr_extras_keep(x, calloc((size_t)K, sizeof *kind));
    const char **ser = mr_extras_keep(x, calloc((size_t)W, sizeof *ser));
    const char **label = mr_extras_keep(x, calloc((size_t)K, sizeof *label));
    if (!src || !kind || !ser || !label)
        return -1;
    for (int k = 0; k < K; k++) {
        src[k] = mr_extras_strdup(x, pl->name[k]);
        kind[k] = kind_names[pl->kind[k]];
        const int r = pl->ref[k];
        const char *nm = pl->kind[k] == MR_SRC_MINERAL   ? sc->minerals[r].name
                         : pl->kind[k] == MR_SRC_COUNTRY ? sc->countries[r].name
                         : pl->kind[k] == MR_SRC_EVENT   ? sc->events[r].name
                                                         : "not attributed (price noise)";
        label[k] = nm && *nm ? nm : src[k];
        if (!src[k])
            return -1;
    }
    for (int s = 0; s < W; s++)
        if (!(ser[s] = mr_extras_strdup(x, s < S ? sc->sectors[s].id : "total")))
            return -1;
    /* the buffers belong to the extras from here on */
    void *bufs[] = {tb->share,   tb->lo,      tb->hi,      tb->co_es, tb->es,    tb->ntail,
                    tb->mean_rm, tb->mean_lo, tb->mean_hi, tb->es_rm, tb->es_lo, tb->es_hi};
    attr_table kept = *tb;
    memset(tb, 0, sizeof *tb);
    int ok = 1;
    for (size_t b = 0; b < sizeof bufs / sizeof bufs[0]; b++)
        if (bufs[b])
            ok = mr_extras_keep(x, bufs[b]) != NULL && ok;
    if (!ok)
        return -1;
    const uint64_t uW = (uint64_t)W, uK = (uint64_t)K;
    const mr_output_extra coords[] = {
        {.path = "attribution/source",
         .type = MR_EXTRA_STR,
         .rank = 1,
         .dims = {uK},
         .dim_names = {"source"},
         .data = src,
         .is_coord = true,
         .description = "what the tail is attributed to: mineral/<id> (every mineral), "
                        "country/<id> (every country some disruption process strikes: its "
                        "country and supplier outages and the events it imposes), event/<id> "
                        "(every named event), none/price-noise (loss with no disruption "
                        "exposure)"},
        {.path = "attribution/series",
         .type = MR_EXTRA_STR,
         .rank = 1,
         .dims = {uW},
         .dim_names = {"series"},
         .data = ser,
         .is_coord = true,
         .description = "the loss attributed: each sector's (output loss + extra input cost, as "
                        "/summary sector_loss), then total (as /trials/total_loss)"},
        {.path = "attribution/source_kind",
         .type = MR_EXTRA_STR,
         .rank = 1,
         .dims = {uK},
         .dim_names = {"source"},
         .data = kind,
         .description = "family of the source: mineral, country, event or none"},
        {.path = "attribution/source_name",
         .type = MR_EXTRA_STR,
         .rank = 1,
         .dims = {uK},
         .dim_names = {"source"},
         .data = label,
         .description = "display name of the source: the scenario's name of the mineral, "
                        "country or event (its id when it gives none), or 'not attributed "
                        "(price noise)' for none/price-noise"},
    };
    for (size_t c = 0; c < sizeof coords / sizeof coords[0]; c++)
        if (mr_extras_add(x, &coords[c]))
            return -1;
    mr_output_extra es = {.path = "attribution/es99",
                          .type = MR_EXTRA_F64,
                          .rank = 1,
                          .dims = {uW},
                          .dim_names = {"series"},
                          .data = kept.es,
                          .units = "GBP",
                          .description = "expected shortfall at 0.99 of the series' loss over the "
                                         "horizon (as /summary), the sum of tail_co_es over any "
                                         "family plus none"};
    mr_output_extra nt = {.path = "attribution/tail_trials",
                          .type = MR_EXTRA_U64,
                          .rank = 1,
                          .dims = {uW},
                          .dim_names = {"series"},
                          .data = kept.ntail,
                          .units = "trials",
                          .description = "trials in the ES 99 tail set of the series (replayed "
                                         "and allocated); 0 when a loss is NaN"};
    if (mr_extras_add(x, &es) || mr_extras_add(x, &nt) ||
        add_f64(x, "attribution/tail_share", kept.share, 2, uW, uK, "1",
                "co-ES / ES99: the source's share of the expected loss in the trials beyond "
                "VaR 99 (tail allocation). Minerals plus none sum to 1; countries plus none sum "
                "to 1; events sum to the part owed to named events") ||
        add_f64(x, "attribution/tail_share_lo", kept.lo, 2, uW, uK, "1",
                "lower bound of the 95% interval of tail_share (delta method for the ratio "
                "over the tail trials; not clipped to [0, 1])") ||
        add_f64(x, "attribution/tail_share_hi", kept.hi, 2, uW, uK, "1",
                "upper bound of the 95% interval of tail_share") ||
        add_f64(x, "attribution/tail_co_es", kept.co_es, 2, uW, uK, "GBP",
                "co-ES: the source's part of ES99, sum over tail trials of weight x allocated "
                "loss / (N - 0.99 N)"))
        return -1;
    if (!counterfactual)
        return 0;
    return add_f64(x, "attribution/mean_removed", kept.mean_rm, 2, uW, uK, "GBP",
                   "mean loss removed when the source never disrupts (base minus "
                   "counterfactual, same trials); NaN for none") ||
                   add_f64(x, "attribution/mean_removed_lo", kept.mean_lo, 2, uW, uK, "GBP",
                           "lower bound of the 95% paired interval of mean_removed") ||
                   add_f64(x, "attribution/mean_removed_hi", kept.mean_hi, 2, uW, uK, "GBP",
                           "upper bound of the 95% paired interval of mean_removed") ||
                   add_f64(x, "attribution/es99_removed", kept.es_rm, 2, uW, uK, "GBP",
                           "ES99 removed when the source never disrupts (ES99 of the base minus "
                           "ES99 of the counterfactual); NaN for none") ||
                   add_f64(x, "attribution/es99_removed_lo", kept.es_lo, 2, uW, uK, "GBP",
                           "lower bound of the 95% paired bootstrap interval of es99_removed") ||
                   add_f64(x, "attribution/es99_removed_hi", kept.es_hi, 2, uW, uK, "GBP",
                           "upper bound of the 95% paired bootstrap interval of es99_removed")
               ? -1
               : 0;
}

static mr_status collect(const mr_scenario *sc, const mr_results *res, const mr_stream *st,
                         const mr_run_extras_opts *opts, const mr_comm *comm, mr_extras *extras,
                         mr_error *err)
{
    const mr_comm solo = {0, 1, NULL};
    if (!comm)
        comm = &solo;
    /* out of memory on one rank must not leave the others in a collective */
    mr_model md;
    mr_attr_plan pl;
    int have_md = mr_model_build(sc, &md, err) == 0;
    int have_pl = have_md && mr_attr_plan_build(sc, &md, &pl, err) == 0;
    if (mr_comm_any(comm, !have_pl)) {
        if (have_pl) {
            snprintf(err->msg, sizeof err->msg, "%s: attribution failed on another rank",
                     sc->source_path);
            mr_attr_plan_free(&pl);
        }
        if (have_md)
            mr_model_free(&md);
        return MR_FAILED;
    }
    const size_t W = (size_t)pl.S + 1, WK = W * (size_t)pl.K;
    attr_table tb = {(int)W, pl.K, NULL, NULL, NULL, NULL, NULL,
                     NULL,   NULL, NULL, NULL, NULL, NULL, NULL};
    tb.share = malloc(WK * sizeof(double));
    tb.lo = malloc(WK * sizeof(double));
    tb.hi = malloc(WK * sizeof(double));
    tb.co_es = malloc(WK * sizeof(double));
    tb.es = malloc(W * sizeof(double));
    tb.ntail = malloc(W * sizeof(uint64_t));
    int bad = !tb.share || !tb.lo || !tb.hi || !tb.co_es || !tb.es || !tb.ntail;
    if (opts->counterfactual) {
        tb.mean_rm = malloc(WK * sizeof(double));
        tb.mean_lo = malloc(WK * sizeof(double));
        tb.mean_hi = malloc(WK * sizeof(double));
        tb.es_rm = malloc(WK * sizeof(double));
        tb.es_lo = malloc(WK * sizeof(double));
        tb.es_hi = malloc(WK * sizeof(double));
        bad =
            bad || !tb.mean_rm || !tb.mean_lo || !tb.mean_hi || !tb.es_rm || !tb.es_lo || !tb.es_hi;
    }
    double *loss = bad || st ? NULL : series_losses(res);
    mr_status rc = MR_FAILED;
    if (mr_comm_any(comm, bad || (!loss && !st))) {
        snprintf(err->msg, sizeof err->msg, "%s: attribution: out of memory", sc->source_path);
        goto out;
    }
    const double t0 = mr_now_seconds();
    if (tail_allocation(sc, res, &pl, loss, st, opts->threads, comm, &tb, err))
        goto out;
    if (opts->progress && comm->rank == 0)
        fprintf(stderr, "minrisk: attribution: ES 99 tails of %d series allocated in %.2f s\n",
                (int)W, mr_now_seconds() - t0);
    int cf = opts->counterfactual && !st
                 ? counterfactuals(sc, res, &pl, &md, loss, opts, comm, &tb, err)
                 : 0;
    if (cf != 0) {
        rc = cf > 0 ? MR_INTERRUPTED : MR_FAILED;
        goto out;
    }
    bad = add_datasets(sc, &pl, &tb, opts->counterfactual, extras) != 0;
    if (mr_comm_any(comm, bad)) {
        snprintf(err->msg, sizeof err->msg, "%s: attribution: out of memory", sc->source_path);
        goto out;
    }
    rc = MR_OK;
out:
    free(loss);
    free_table(&tb);
    mr_attr_plan_free(&pl);
    mr_model_free(&md);
    return rc;
}

mr_status mr_attribution_collect(const mr_scenario *sc, const mr_results *res,
                                 const mr_run_extras_opts *opts, const mr_comm *comm,
                                 mr_extras *extras, mr_error *err)
{
    return collect(sc, res, NULL, opts, comm, extras, err);
}

mr_status mr_attribution_collect_stream(const mr_scenario *sc, const mr_results *res,
                                        const mr_stream *st, const mr_run_extras_opts *opts,
                                        const mr_comm *comm, mr_extras *extras, mr_error *err)
{
    return collect(sc, res, st, opts, comm, extras, err);
}
