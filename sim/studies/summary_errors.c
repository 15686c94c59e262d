/* summary_errors.c - bootstrap intervals of the tail statistics in
 * /summary (summary_errors.h): the one-sample form of paired.h's
 * bootstrap over the top tails of the run's per-trial losses (btails.h),
 * which a streamed run keeps as it goes and a run that keeps its trials
 * finds in two passes over them; the tails are gathered on every rank
 * (not the trials) and the ranks share the resamples.
 */
#include "sim/studies/summary_errors.h"

#include "sim/studies/exceedance.h"
#include "sim/studies/paired.h"
#include "out/clock.h"
#include "out/stats/btails.h"
#include "out/stats/stats.h"
#include "out/stats/stream.h"
#include "out/stopsig_worker.h"

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

/* The stored datasets from pv, in the order the S sectors, total, value
   added lost, extra input cost; the 1-in-100 annual losses when the run
   has H > 0 years. 0, or 1 out of memory. */
static int store(const mr_paired *pv, size_t S, size_t H, mr_extras *extras)
{
    int bad = 0;
    const int sectors = S > 0, sann = S > 0 && H > 0, tann = H > 0;
    const mr_paired *ps = pv, *pt = pv + S, *pg = pt + 1;
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
            {pg, MR_PAIRED_ES99, "total_gva_loss_es99", "value added lost (total_gva_loss)", 1},
            {pg + 1, MR_PAIRED_ES99, "total_extra_cost_es99",
             "the extra input cost (total_loss - total_gva_loss)", 1},
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

void mr_summary_errors_tail_sizes(uint64_t N, int H, uint64_t *kl, uint64_t *ka, uint64_t *kv)
{
    const size_t n = (size_t)N, m = n * (size_t)(H > 0 ? H : 0);
    *kl = n ? mr_paired_tail_size(n, n - mr_stats_rank(n, 0.99) + 1, 1) : 0;
    *ka = *kv = 0;
    if ((double)m >= MR_PAIRED_RETURN_PERIOD) {
        const size_t depth = m - mr_stats_rank(m, 1.0 - 1.0 / MR_PAIRED_RETURN_PERIOD) + 1;
        *ka = mr_paired_tail_size(m, depth, (size_t)H);
        *kv = mr_paired_tail_values(m, depth, (size_t)H);
    }
}

double mr_summary_errors_tail_bytes(uint64_t N, int S, int H, int threads)
{
    uint64_t kl, ka, kv;
    mr_summary_errors_tail_sizes(N, H, &kl, &ka, &kv);
    /* kept at the end: a horizon value and its trial, 12 bytes; an annual
       value's trial, 4, and 8 more for each of the lowest kv values */
    const double s = (double)S, kept = 12.0 * (s + 3.0) * (double)kl +
                                       (s + 1.0) * (4.0 * (double)ka + 8.0 * (double)kv);
    /* the bootstrap's counts, 4 bytes a kept trial a thread: at most every
       kept value's trial another, at most N (demo.yaml's are about 0.14 N;
       until 2026-12-07 not counted: a review) */
    const double entries = (s + 3.0) * (double)kl + (s + 1.0) * (double)ka,
                 slots = entries < (double)N ? entries : (double)N;
    return 1.5 * kept + 0.1875 * (double)N + 4.0 * slots * (threads > 0 ? threads : 1);
}

/* The summary's intervals from the top tails bt of a run of N trials of H
   years, kept or streamed: the one-sample bootstrap of paired.h over them,
   its resamples shared among the ranks. */
static mr_status from_tails(const mr_scenario *sc, mr_btails *bt, uint64_t ntrials, int years,
                            const mr_comm *comm, mr_extras *extras, mr_error *err)
{
    const size_t S = (size_t)sc->nsectors, H = (size_t)years, N = (size_t)ntrials;
    const size_t W = S + 3; /* the sectors, total, value added lost, extra input cost */
    mr_paired_tail *loss = calloc(W, sizeof *loss), *ann = calloc(W, sizeof *ann);
    mr_paired *pv = calloc(W, sizeof *pv);
    int bad = !loss || !ann || !pv;
    for (size_t q = 0; !bad && q < W; q++) {
        bad = mr_btails_get(bt, (int)q, &loss[q].val, &loss[q].trial, &loss[q].c, &loss[q].nv) != 0;
        loss[q].m = N;
        const int qa = q < S ? (int)(S + 3 + q) : q == S ? (int)(2 * S + 3) : -1;
        if (qa >= 0 &&
            mr_btails_get(bt, qa, &ann[q].val, &ann[q].trial, &ann[q].c, &ann[q].nv) == 0)
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
                "resample's statistic fell beyond the values kept (docs/OUTPUT.md \"Bootstrap "
                "intervals\")\n",
                short_ci);
    if (!bad)
        bad = store(pv, S, H, extras);
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

mr_status mr_summary_errors_collect_stream(const mr_scenario *sc, const mr_results *res,
                                           struct mr_stream *st, const mr_comm *comm,
                                           mr_extras *extras, mr_error *err)
{
    mr_btails *bt = mr_stream_boot_tails(st);
    if (!bt || res->ntrials_total == 0)
        return MR_OK;
    return from_tails(sc, bt, res->ntrials_total, res->years, comm, extras, err);
}

/* The rows [i0, i0 + cnt) of res as a block of trials, for btails. */
static mr_results rows(const mr_results *res, size_t i0, size_t cnt)
{
    const size_t S = (size_t)res->nsectors, H = (size_t)res->years;
    mr_results v = *res;
    v.ntrials = cnt;
    v.first_trial = res->first_trial + i0;
    v.sector_gva_loss = res->sector_gva_loss + i0 * S;
    v.sector_extra_cost = res->sector_extra_cost + i0 * S;
    v.total_loss = res->total_loss + i0;
    v.total_gva_loss = res->total_gva_loss + i0;
    v.sector_annual_loss = res->sector_annual_loss + i0 * H * S;
    v.annual_loss = res->annual_loss + i0 * H;
    return v;
}

/* The top tails of res's loss series over the ranks (btails.h, as a
   streamed run keeps them): two passes over the rank's rows in blocks, on
   its threads. NULL, out of memory on any rank (on every rank). */
static mr_btails *kept_tails(const mr_results *res, const mr_comm *comm)
{
    uint64_t kl, ka, kv;
    mr_summary_errors_tail_sizes(res->ntrials_total, res->years, &kl, &ka, &kv);
    mr_btails *bt = mr_btails_new(res->ntrials_total, res->nsectors, res->years, kl, ka, kv);
    int bad = !bt;
    const size_t n = (size_t)res->ntrials, nb = (n + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS;
    for (int pass = 1; pass <= 2 && !(bad = mr_comm_any(comm, bad)); pass++) {
#pragma omp parallel
        {
            mr_stopsig_worker(); /* the stop signals reach the main thread alone */
            mr_btails_worker *w = mr_btails_worker_new(bt, pass);
            int wbad = !w;
#pragma omp for schedule(dynamic, 4)
            for (size_t k = 0; k < nb; k++) {
                if (wbad)
                    continue;
                const size_t i0 = k * MR_BLOCK_TRIALS;
                const mr_results v =
                    rows(res, i0, n - i0 < MR_BLOCK_TRIALS ? n - i0 : MR_BLOCK_TRIALS);
                mr_btails_block(bt, w, &v);
            }
            wbad = wbad || mr_btails_merge(bt, w) != 0;
            mr_btails_worker_free(w);
            if (wbad) {
#pragma omp atomic write
                bad = 1;
            }
        }
        bad = mr_comm_any(comm, bad) || mr_btails_end_pass(bt, comm, pass) != 0;
    }
    if (bad) {
        mr_btails_free(bt);
        return NULL;
    }
    return bt;
}

mr_status mr_summary_errors_collect(const mr_scenario *sc, const mr_results *res,
                                    const mr_comm *comm, mr_extras *extras, mr_error *err)
{
    /* the engine's results hold every per-trial array */
    if (!res->total_loss || res->ntrials_total == 0)
        return MR_OK;
    mr_btails *bt = kept_tails(res, comm);
    if (!bt) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the summary's bootstrap",
                 sc->source_path);
        return MR_FAILED;
    }
    mr_status rc = from_tails(sc, bt, res->ntrials_total, res->years, comm, extras, err);
    mr_btails_free(bt);
    return rc;
}
