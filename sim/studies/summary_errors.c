/* summary_errors.c - bootstrap intervals of the tail statistics in
 * /summary (summary_errors.h): the one-sample form of paired.h's
 * bootstrap over the run's per-trial losses, gathered on every rank.
 */
#include "sim/studies/summary_errors.h"

#include "sim/studies/exceedance.h"
#include "sim/studies/paired.h"
#include "out/clock.h"
#include "out/stats/stats.h"
#include "out/stats/stream.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One stored interval: path, rank (0 or 1: per sector), its data. */
static int put(mr_extras *x, const char *path, int rank, uint64_t S, double *v, const char *desc)
{
    if (!mr_extras_keep(x, v) || !path || !desc)
        return -1;
    mr_output_extra e = {.path = path,
                         .type = MR_EXTRA_F64,
                         .rank = rank,
                         .dims = {S},
                         .dim_names = {"sector"},
                         .data = v,
                         .units = "GBP",
                         .description = desc};
    return mr_extras_add(x, &e);
}

/* The n local rows of width w gathered over comm into a new array of N
   rows (single rank: a copy is not made; *own is then NULL). */
static const double *gather(const mr_comm *comm, const double *mine, size_t n, size_t N, size_t w,
                            double **own, int *bad)
{
    *own = NULL;
    if (comm->size <= 1 || *bad)
        return mine;
    *own = malloc((N * w > 0 ? N * w : 1) * sizeof **own);
    /* agreed before the gather: a rank short of memory must not leave the
       others waiting in it */
    if (mr_comm_any(comm, !*own) || mr_comm_allgather_f64(comm, mine, n * w, *own)) {
        *bad = 1;
        return NULL;
    }
    return *own;
}

/* The descriptions, of the low bound or the high: "lower", "2.5%", "aep_lo"
   or "upper", "97.5%", "aep_hi" (each its own: the long_name is the text
   before the colon, and until 2026-12-07 "lower (upper) bound" made the
   high bound's long_name "Lower bound ..."). */
static const char ES_DESC[] =
    "%s bound of the 95%% bootstrap interval of ES 99 of %s over the horizon: the %s quantile "
    "of the statistic over 1000 resamples of the trials (stream bootstrap/exceedance, the "
    "resamples of /loss_tables); NaN with fewer than 1000 trials";
static const char RP_DESC[] =
    "%s bound of the 95%% bootstrap interval of the 1-in-100 annual loss of %s (the "
    "return-period loss at R = 100): the %s quantile over the resamples of the ES 99 "
    "interval, whole trials (a trial's years together); equal to /loss_tables/%s at R = 100; "
    "NaN when N H / 100 < 10";

/* The stored datasets from pv, in the order sectors (when `sectors`),
   total, value added lost, extra input cost (when `parts`). 0, or 1 out
   of memory. */
static int store(const mr_paired *pv, size_t S, int sectors, int parts, int sann, int tann,
                 mr_extras *extras)
{
    int bad = 0;
    const mr_paired *ps = sectors ? pv : NULL;
    const mr_paired *pt = pv + (sectors ? S : 0);
    const mr_paired *pg = parts ? pt + 1 : NULL;
    char desc[1024];
    for (int b = 0; !bad && b < 2; b++) {
        const char *lh = b ? "high" : "low", *bound = b ? "upper" : "lower";
        const char *q = b ? "97.5%" : "2.5%", *aep = b ? "aep_hi" : "aep_lo";
        char path[96];
#define PICK(p, stat) (b ? (p)->diff[stat].hi : (p)->diff[stat].lo)
        if (sectors) {
            double *v = malloc(S * sizeof *v), *r = malloc(S * sizeof *r);
            for (size_t j = 0; v && r && j < S; j++) {
                v[j] = PICK(&ps[j], MR_PAIRED_ES99);
                r[j] = PICK(&ps[j], MR_PAIRED_ANNUAL100);
            }
            snprintf(path, sizeof path, "summary/sector_loss_es99_ci_%s", lh);
            snprintf(desc, sizeof desc, ES_DESC, bound, "each sector's loss (sector_loss)", q);
            bad = bad || !v || !r ||
                  put(extras, mr_extras_strdup(extras, path), 1, S, v,
                      mr_extras_strdup(extras, desc));
            if (!bad && sann) {
                snprintf(path, sizeof path, "summary/sector_return_period_loss_1in100_ci_%s", lh);
                snprintf(desc, sizeof desc, RP_DESC, bound, "each sector", q, aep);
                bad = put(extras, mr_extras_strdup(extras, path), 1, S, r,
                          mr_extras_strdup(extras, desc));
            } else {
                free(r);
            }
        }
        struct {
            const mr_paired *p;
            int stat;
            const char *name, *what;
            int want;
        } one[] = {
            {pt, MR_PAIRED_ES99, "total_loss_es99", "the total loss", 1},
            {pt, MR_PAIRED_ANNUAL100, "return_period_loss_1in100", "the total", tann},
            {pg, MR_PAIRED_ES99, "total_gva_loss_es99", "value added lost (total_gva_loss)", parts},
            {pg ? pg + 1 : NULL, MR_PAIRED_ES99, "total_extra_cost_es99",
             "the extra input cost (total_loss - total_gva_loss)", parts},
        };
        for (size_t k = 0; !bad && k < sizeof one / sizeof one[0]; k++) {
            if (!one[k].want)
                continue;
            double *v = malloc(sizeof *v);
            if (v)
                *v = PICK(one[k].p, one[k].stat);
            snprintf(path, sizeof path, "summary/%s_ci_%s", one[k].name, lh);
            if (one[k].stat == MR_PAIRED_ES99)
                snprintf(desc, sizeof desc, ES_DESC, bound, one[k].what, q);
            else
                snprintf(desc, sizeof desc, RP_DESC, bound, one[k].what, q, aep);
            bad = !v || put(extras, mr_extras_strdup(extras, path), 0, 0, v,
                            mr_extras_strdup(extras, desc));
        }
#undef PICK
    }
    return bad;
}

mr_status mr_summary_errors_collect(const mr_scenario *sc, const mr_results *res,
                                    const mr_comm *comm, mr_extras *extras, mr_error *err)
{
    const size_t S = (size_t)sc->nsectors, H = (size_t)res->years;
    const size_t n = (size_t)res->ntrials, N = (size_t)res->ntrials_total;
    const int sectors = res->sector_gva_loss && res->sector_extra_cost && S > 0;
    const int total = res->total_loss != NULL;
    const int parts = total && res->total_gva_loss != NULL;
    const int sann = sectors && res->sector_annual_loss && H > 0;
    const int tann = total && res->annual_loss && H > 0;
    if (!total || N == 0)
        return MR_OK;
    /* horizon losses [n][W]: the sectors (GL + XC), total, value added
       lost, extra input cost (total - value added lost) */
    const size_t W = S + 3;
    double *hor = malloc((n ? n : 1) * W * sizeof *hor);
    int bad = !hor;
    for (size_t i = 0; !bad && i < n; i++) {
        for (size_t j = 0; j < S; j++)
            hor[i * W + j] =
                sectors ? res->sector_gva_loss[i * S + j] + res->sector_extra_cost[i * S + j] : NAN;
        hor[i * W + S] = res->total_loss[i];
        hor[i * W + S + 1] = parts ? res->total_gva_loss[i] : NAN;
        hor[i * W + S + 2] = parts ? res->total_loss[i] - res->total_gva_loss[i] : NAN;
    }
    double *own_h = NULL, *own_sa = NULL, *own_ta = NULL;
    bad = mr_comm_any(comm, bad);
    const double *all = gather(comm, hor, n, N, W, &own_h, &bad);
    const double *sa =
        sann ? gather(comm, res->sector_annual_loss, n, N, H * S, &own_sa, &bad) : NULL;
    const double *ta = tann ? gather(comm, res->annual_loss, n, N, H, &own_ta, &bad) : NULL;
    bad = mr_comm_any(comm, bad);

    mr_paired_series *sv = NULL;
    mr_paired *pv = NULL;
    size_t ns = 0;
    if (!bad) {
        sv = calloc(W, sizeof *sv);
        pv = calloc(W, sizeof *pv);
        bad = !sv || !pv;
    }
    bad = mr_comm_any(comm, bad); /* the ranks share the bootstrap's resamples */
    if (!bad) {
        for (size_t s = 0; s < W; s++) {
            const int want = s < S ? sectors : s == S ? 1 : parts;
            if (!want)
                continue;
            mr_paired_series q = {NULL, all + s, W, NULL, NULL, 0, 1};
            if (s < S && sann) {
                q.ay = sa + s;
                q.astride = H * S;
                q.ystride = S;
            } else if (s == S && tann) {
                q.ay = ta;
                q.astride = H;
                q.ystride = 1;
            }
            sv[ns++] = q;
        }
        bad = mr_paired_compute_many(sv, ns, N, H, sc->seed, MR_SUMMARY_BOOT_LABEL,
                                     MR_EXCEEDANCE_BOOT, pv, comm) != 0;
        for (size_t q = 0; !bad && q < ns; q++)
            mr_paired_drop_weak_intervals(&pv[q], N, H, MR_EXCEEDANCE_BOOT);
    }
    free(hor);
    free(own_h);
    free(own_sa);
    free(own_ta);
    if (mr_comm_any(comm, bad)) {
        free(sv);
        free(pv);
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the summary's bootstrap",
                 sc->source_path);
        return MR_FAILED;
    }
    bad = store(pv, S, sectors, parts, sann, tann, extras);
    free(sv);
    free(pv);
    if (mr_comm_any(comm, bad)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the summary's bootstrap",
                 sc->source_path);
        return MR_FAILED;
    }
    return MR_OK;
}

void mr_summary_errors_tail_sizes(uint64_t N, int H, uint64_t *kl, uint64_t *ka)
{
    const size_t n = (size_t)N, m = n * (size_t)(H > 0 ? H : 0);
    *kl = n ? mr_paired_tail_size(n, n - mr_stats_rank(n, 0.99) + 1, 1) : 0;
    *ka = (double)m >= MR_PAIRED_RETURN_PERIOD
              ? mr_paired_tail_size(
                    m, m - mr_stats_rank(m, 1.0 - 1.0 / MR_PAIRED_RETURN_PERIOD) + 1, (size_t)H)
              : 0;
}

mr_status mr_summary_errors_collect_stream(const mr_scenario *sc, const mr_results *res,
                                           struct mr_stream *st, const mr_comm *comm,
                                           mr_extras *extras, mr_error *err)
{
    mr_btails *bt = mr_stream_boot_tails(st);
    const size_t S = (size_t)sc->nsectors, H = (size_t)res->years, N = (size_t)res->ntrials_total;
    if (!bt || N == 0)
        return MR_OK;
    const size_t W = S + 3; /* the sectors, total, value added lost, extra input cost */
    mr_paired_tail *loss = calloc(W, sizeof *loss), *ann = calloc(W, sizeof *ann);
    mr_paired *pv = calloc(W, sizeof *pv);
    int bad = !loss || !ann || !pv;
    for (size_t q = 0; !bad && q < W; q++) {
        bad = mr_btails_get(bt, (int)q, &loss[q].val, &loss[q].trial, &loss[q].c) != 0;
        loss[q].m = N;
        const int qa = q < S ? (int)(S + 3 + q) : q == S ? (int)(2 * S + 3) : -1;
        if (qa >= 0 && mr_btails_get(bt, qa, &ann[q].val, &ann[q].trial, &ann[q].c) == 0)
            ann[q].m = N * H;
    }
    size_t short_ci = 0;
    const double t0 = mr_now_seconds();
    bad = mr_comm_any(comm, bad); /* the ranks share the bootstrap's resamples */
    if (!bad) {
        bad = mr_paired_compute_tails(loss, ann, W, N, H, sc->seed, MR_SUMMARY_BOOT_LABEL,
                                      MR_EXCEEDANCE_BOOT, pv, &short_ci, comm) != 0;
        for (size_t q = 0; !bad && q < W; q++)
            mr_paired_drop_weak_intervals(&pv[q], N, H, MR_EXCEEDANCE_BOOT);
    }
    /* a test hook (out/stats/stream.h): the bootstrap's time */
    if (!bad && getenv("MINRISK_STREAM_TRACE") && comm->rank == 0)
        fprintf(stderr, "summary bootstrap from the tails: %.2f s\n", mr_now_seconds() - t0);
    if (!bad && short_ci && comm->rank == 0)
        fprintf(stderr,
                "minrisk run: warning: %zu bootstrap interval(s) of /summary left NaN: a "
                "resample ran below the kept tail (docs/OUTPUT.md \"Bootstrap intervals\")\n",
                short_ci);
    if (!bad)
        bad = store(pv, S, S > 0, 1, S > 0 && H > 0, H > 0, extras);
    free(loss);
    free(ann);
    free(pv);
    if (mr_comm_any(comm, bad)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the summary's bootstrap",
                 sc->source_path);
        return MR_FAILED;
    }
    return MR_OK;
}
