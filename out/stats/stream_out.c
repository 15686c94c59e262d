/* stream_out.c - the statistics of /summary at the end of a stream
 * (mr_stream_sumstats) and the attribution's series tails
 * (mr_stream_series_tail): stream.h; the state is stream_internal.h.
 */
#include "out/stats/stream.h"
#include "out/stats/stream_internal.h"

#include "out/stats/dstats.h"
#include "out/stats/stats.h"
#include "out/stats/sumsq.h"

#include <math.h>
#include <string.h>

/* ---- the statistics -------------------------------------------------------------- */

static int loss_out(mr_stream *st, ovar *o, mr_loss_stats *ls, double sum, double ss,
                    double ss_scaled)
{
    const uint64_t n = st->N;
    ls->mean = n ? sum / (double)n : NAN;
    ls->sd = mr_sumsq_sd(ss, ss_scaled, n);
    ls->se = n >= 2 ? ls->sd / sqrt((double)n) : NAN;
    for (int k = 0; k < NQ; k++) {
        ls->q[k] = o->tg[k].value;
        ls->ci_lo[k] = o->tg[NQ + k].value;
        ls->ci_hi[k] = o->tg[2 * NQ + k].value;
    }
    double sum_gt[NE];
    uint64_t cnt[NE];
    memcpy(cnt, o->es_cnt, sizeof cnt);
    if (mr_dstats_reduce_blocks(&st->comm, o->es_partial, (size_t)st->nblocks, st->nb_total, NE,
                                sum_gt) != 0 ||
        mr_comm_sum_u64(&st->comm, cnt, NE) != 0)
        return -1;
    for (int l = 0; l < NE; l++)
        o->es[l] = ls->es[l] = (n == 0 || o->nan > 0)
                                   ? NAN
                                   : mr_stats_es_tail((size_t)n, mr_output_es_levels[l],
                                                      o->tg[3 * NQ + l].value, sum_gt[l], cnt[l]);
    return 0;
}

int mr_stream_sumstats(mr_stream *st, const mr_results *res, mr_sumstats *s)
{
    const mr_comm *c = &st->comm;
    const size_t S = (size_t)st->S, M = (size_t)st->M, H = (size_t)st->H;
    const uint64_t N = st->N;
    const int oom = mr_sumstats_alloc(s, N, st->S, st->M, res->steps) != 0;
    if (mr_comm_any(c, oom)) {
        if (!oom) /* another rank's failure: this rank's are freed here */
            mr_sumstats_free(s);
        return -1;
    }
    const size_t nl = 1 + 4 * S, qa = nl, qe = nl + 2 * (1 + S);
    int v = 0, ql = 0, qan = 0, rc = 0;
    mr_loss_stats *kinds[4] = {s->sector_loss, s->sector_gva_loss, s->sector_output_loss,
                               s->sector_extra_cost};
    for (; v < st->nov && rc == 0; v++) {
        ovar *o = &st->ov[v];
        if (o->loss) {
            mr_loss_stats *ls = o->kind == OV_TOTAL ? &s->total : &kinds[o->kind - OV_SLOSS][o->j];
            rc = loss_out(st, o, ls, st->sum1[ql], st->sum2[ql], st->sum2[st->K2 / 2 + (size_t)ql]);
            ql++;
            continue;
        }
        double *aal = o->kind == OV_ANNUAL ? &s->aal : &s->sector_aal[o->j];
        double *se = o->kind == OV_ANNUAL ? &s->aal_se : &s->sector_aal_se[o->j];
        double *rp = o->kind == OV_ANNUAL ? s->return_period_loss
                                          : s->sector_return_period_loss + (size_t)o->j * NRP;
        *aal = (N > 0 && H > 0) ? st->sum1[qa + 2 * (size_t)qan] / ((double)N * (double)H) : NAN;
        double sd =
            mr_sumsq_sd(st->sum2[nl + (size_t)qan], st->sum2[st->K2 / 2 + nl + (size_t)qan], N);
        *se = (H > 0 && N >= 2) ? sd / sqrt((double)N) : NAN;
        for (int k = 0; k < NRP; k++)
            rp[k] = o->tg[k].value;
        qan++;
    }
    if (mr_comm_any(c, rc != 0)) {
        mr_sumstats_free(s);
        return -1;
    }
    memcpy(s->hist_count, st->hist_count, sizeof s->hist_count);
    memcpy(s->hist_edges, st->hist_edges, sizeof s->hist_edges);
    for (size_t m = 0; m < M; m++) {
        s->mineral_shortfall_mean_avg[m] = N ? st->sum1[qe + m] / (double)N : NAN;
        s->mineral_shortfall_months_avg[m] = N ? st->sum1[qe + M + m] / (double)N : NAN;
        s->mineral_price_peak_avg[m] = N ? st->sum1[qe + 2 * M + m] / (double)N : NAN;
        s->mineral_shortage_prob[m] = N ? (double)st->ent_cnt[m] / (double)N : NAN;
        s->mineral_stockpile_empty_prob[m] = N ? (double)(N - st->ent_cnt[M + m]) / (double)N : NAN;
    }
    for (size_t j = 0; j < S; j++) {
        s->sector_inoperability_peak_avg[j] = N ? st->sum1[qe + 3 * M + j] / (double)N : NAN;
        s->sector_inoperability_months_avg[j] = N ? st->sum1[qe + 3 * M + S + j] / (double)N : NAN;
    }
    if (mr_sumstats_bands(c, res, s) != 0) {
        mr_sumstats_free(s);
        return -1;
    }
    return 0;
}

int mr_stream_series_tail(const mr_stream *st, int s, const uint64_t **trials, const double **loss,
                          size_t *n, double *xk, double *es99)
{
    for (int v = 0; v < st->nov; v++) {
        const ovar *o = &st->ov[v];
        if (o->series != s || !st->tails)
            continue;
        int l99 = 0;
        for (int l = 0; l < NE; l++)
            if (mr_output_es_levels[l] == 0.99)
                l99 = l;
        *trials = o->attr_trial;
        *loss = o->attr_loss;
        *n = o->attr_n;
        *xk = o->tg[3 * NQ + l99].value;
        *es99 = o->es[l99];
        return 0;
    }
    return -1;
}
