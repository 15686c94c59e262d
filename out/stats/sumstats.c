/* sumstats.c - the statistics of /summary from a run's distributed results
 * (sumstats.h; definitions in docs/OUTPUT.md "Estimators").
 *
 * Every collective call below is made by every rank in the same order; the
 * only per-rank differences are the data.
 */
#include "out/stats/sumstats.h"

#include "models/units.h" /* MR_SHORTFALL_THRESHOLD */
#include "out/stats/dstats.h"
#include "out/stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const mr_comm solo = {0, 1, NULL};

/* n, or 1 for an allocation of nothing */
static size_t one_or(size_t n)
{
    return n ? n : 1;
}

/* Mean, sd, se, quantiles with their confidence intervals and expected
   shortfalls of one variable (one element per trial). */
static int loss_stats(const mr_comm *c, const mr_dvar *v, mr_loss_stats *ls)
{
    enum { NQ = MR_OUTPUT_NQUANTILES, NE = MR_OUTPUT_NES };
    const size_t n = (size_t)mr_dvar_count(v);
    if (mr_dstats_moments(c, v, 1, &ls->mean, &ls->sd) != 0)
        return -1;
    ls->se = n >= 2 ? ls->sd / sqrt((double)n) : NAN;

    /* All order statistics of the variable in one selection: quantile
       ranks, CI ranks (0 and n + 1 mean "none": NaN), ES ranks. */
    uint64_t ranks[3 * NQ + NE];
    double val[3 * NQ + NE];
    for (int k = 0; k < NQ; k++) {
        double p = mr_output_quantiles[k];
        size_t lo, hi;
        mr_stats_quantile_ci_ranks(n, p, MR_OUTPUT_CI_LEVEL, &lo, &hi);
        ranks[k] = mr_stats_rank(n, p);
        ranks[NQ + k] = lo;
        ranks[2 * NQ + k] = hi;
    }
    for (int k = 0; k < NE; k++)
        ranks[3 * NQ + k] = mr_stats_rank(n, mr_output_es_levels[k]);
    if (mr_dstats_select(c, v, ranks, 3 * NQ + NE, val) != 0)
        return -1;
    for (int k = 0; k < NQ; k++) {
        ls->q[k] = val[k];
        ls->ci_lo[k] = val[NQ + k];
        ls->ci_hi[k] = val[2 * NQ + k];
    }
    return mr_dstats_es(c, v, mr_output_es_levels, val + 3 * NQ, NE, ls->es);
}

/* AAL, its standard error and the return-period losses of annual losses
   a[(i * H + y) * stride]; col: scratch of the rank's trials. */
static int annual(const mr_comm *c, const mr_results *res, const double *a, size_t stride,
                  double *col, double *aal, double *aal_se, double *rp)
{
    const size_t n = (size_t)res->ntrials, H = (size_t)res->years;
    const uint64_t N = res->ntrials_total;
    mr_dvar v = {a, n, H, stride, N};
    double total;
    if (mr_dstats_sums(c, &v, 1, &total) != 0)
        return -1;
    *aal = (N > 0 && H > 0) ? total / ((double)N * (double)H) : NAN;
    /* se from the trials' mean annual losses m_i (the years of a trial are
       not independent; the trials are) */
    for (size_t i = 0; i < n; i++)
        col[i] = H ? mr_stats_trial_mean(a + i * H * stride, H, stride) : NAN;
    mr_dvar m = {col, n, 1, 1, N};
    double mean, sd;
    if (mr_dstats_moments(c, &m, 1, &mean, &sd) != 0)
        return -1;
    *aal_se = (H > 0 && N >= 2) ? sd / sqrt((double)N) : NAN;
    return mr_dstats_return_periods(c, &v, mr_output_return_periods, MR_OUTPUT_NRP, rp);
}

/* Per mineral and per sector figures that are not losses. */
static int entity_figures(const mr_comm *c, const mr_results *res, mr_sumstats *s)
{
    const size_t n = (size_t)res->ntrials, S = (size_t)res->nsectors, M = (size_t)res->nminerals;
    const uint64_t N = res->ntrials_total;
    const size_t nv = 3 * M + 2 * S, nc = 2 * M;
    mr_dvar *v = malloc((nv + nc ? nv + nc : 1) * sizeof *v);
    double *mean = malloc((nv ? nv : 1) * sizeof *mean);
    uint64_t *cnt = malloc((nc ? nc : 1) * sizeof *cnt);
    int rc = -1;
    if (mr_comm_any(c, !v || !mean || !cnt))
        goto out;
    /* means: shortfall mean, shortfall months, price peak (M each), then
       inoperability peak and months (S each) */
    const double *mvars[3] = {res->mineral_shortfall_mean, res->mineral_shortfall_months,
                              res->mineral_price_peak};
    for (size_t a = 0; a < 3; a++)
        for (size_t m = 0; m < M; m++)
            v[a * M + m] = (mr_dvar){mvars[a] + m, n, 1, M, N};
    const double *svars[2] = {res->sector_inoperability_peak, res->sector_inoperability_months};
    for (size_t a = 0; a < 2; a++)
        for (size_t j = 0; j < S; j++)
            v[3 * M + a * S + j] = (mr_dvar){svars[a] + j, n, 1, S, N};
    /* counts: peak shortfall above the threshold; stockpile month NaN */
    for (size_t m = 0; m < M; m++) {
        v[nv + m] = (mr_dvar){res->mineral_shortfall_peak + m, n, 1, M, N};
        v[nv + M + m] = (mr_dvar){res->mineral_stockpile_empty_month + m, n, 1, M, N};
    }
    if (mr_dstats_moments(c, v, nv, mean, NULL) != 0 ||
        mr_dstats_count_above(c, v + nv, M, MR_SHORTFALL_THRESHOLD, cnt) != 0 ||
        mr_dstats_count_nan(c, v + nv + M, M, cnt + M) != 0)
        goto out;
    for (size_t m = 0; m < M; m++) {
        s->mineral_shortfall_mean_avg[m] = mean[m];
        s->mineral_shortfall_months_avg[m] = mean[M + m];
        s->mineral_price_peak_avg[m] = mean[2 * M + m];
        s->mineral_shortage_prob[m] = N ? (double)cnt[m] / (double)N : NAN;
        s->mineral_stockpile_empty_prob[m] = N ? (double)(N - cnt[M + m]) / (double)N : NAN;
    }
    for (size_t j = 0; j < S; j++) {
        s->sector_inoperability_peak_avg[j] = mean[3 * M + j];
        s->sector_inoperability_months_avg[j] = mean[3 * M + S + j];
    }
    rc = 0;
out:
    free(v);
    free(mean);
    free(cnt);
    return rc;
}

/* The quantiles of steps [t0, t1) from hq, hy: those steps' counts
   summed over the ranks (NULL: no histograms, NaN). */
static void bands_of_steps(const mr_results *res, const uint64_t *hq, const uint64_t *hy, size_t t0,
                           size_t t1, mr_sumstats *s)
{
    const size_t S = (size_t)res->nsectors, M = (size_t)res->nminerals;
    const size_t nb = MR_OUTPUT_NBANDS;
    for (size_t t = t0; t < t1; t++)
        for (size_t b = 0; b < nb; b++) {
            double p = mr_output_bands[b];
            for (size_t j = 0; j < S; j++)
                s->inoperability_band[(t * S + j) * nb + b] =
                    hq ? mr_stats_band_quantile(hq + ((t - t0) * S + j) * MR_BAND_Q_BINS,
                                                MR_BAND_Q_BINS, MR_BAND_Q_WIDTH, 0.0, p)
                       : NAN;
            for (size_t m = 0; m < M; m++)
                s->price_ratio_band[(t * M + m) * nb + b] =
                    hy ? exp(mr_stats_band_quantile(hy + ((t - t0) * M + m) * MR_BAND_Y_BINS,
                                                    MR_BAND_Y_BINS, MR_BAND_Y_WIDTH, MR_BAND_Y_MIN,
                                                    p))
                       : NAN;
        }
    /* the upper tail, and the bands given a disruption at the step: the
       histogram's bins from the one centred on MR_OUTPUT_DISRUPTED_Q up */
    const size_t nt = MR_OUTPUT_NTAIL_BANDS;
    const size_t k0 = (size_t)lround(MR_OUTPUT_DISRUPTED_Q / MR_BAND_Q_WIDTH);
    for (size_t t = t0; t < t1; t++) {
        for (size_t j = 0; j < S; j++) {
            const uint64_t *h = hq ? hq + ((t - t0) * S + j) * MR_BAND_Q_BINS : NULL;
            for (size_t b = 0; b < nt; b++)
                s->inoperability_tail_band[(t * S + j) * nt + b] =
                    h ? mr_stats_band_quantile(h, MR_BAND_Q_BINS, MR_BAND_Q_WIDTH, 0.0,
                                               mr_output_tail_bands[b])
                      : NAN;
            uint64_t hit = 0, all = 0;
            for (size_t k = 0; h && k < MR_BAND_Q_BINS; k++) {
                all += h[k];
                hit += k >= k0 ? h[k] : 0;
            }
            s->inoperability_disrupted_prob[t * S + j] = h && all ? (double)hit / (double)all : NAN;
            for (size_t b = 0; b < nb; b++)
                s->inoperability_disrupted_band[(t * S + j) * nb + b] =
                    h ? mr_stats_band_quantile(h + k0, MR_BAND_Q_BINS - k0, MR_BAND_Q_WIDTH,
                                               (double)k0 * MR_BAND_Q_WIDTH, mr_output_bands[b])
                      : NAN;
        }
        for (size_t m = 0; m < M; m++)
            for (size_t b = 0; b < nt; b++)
                s->price_ratio_tail_band[(t * M + m) * nt + b] =
                    hy ? exp(mr_stats_band_quantile(hy + ((t - t0) * M + m) * MR_BAND_Y_BINS,
                                                    MR_BAND_Y_BINS, MR_BAND_Y_WIDTH, MR_BAND_Y_MIN,
                                                    mr_output_tail_bands[b]))
                       : NAN;
    }
}

/* Band quantiles from the run's histograms (the ranks' counts summed).
   The counts are summed over the ranks a slice of steps at a time, at
   most MR_BAND_SLICE_COUNTS counts (16 MiB) a slice: a copy of all of them
   at once was a second copy of the results' bands, T (1001 S + 801 M) x 8
   bytes (129 MB at 5 years of 366 steps for demo.yaml), which the memory
   check did not count. The slices depend on T, S and M only, so every
   rank makes the same collective calls. */
size_t mr_sumstats_band_slice_steps(size_t T, size_t S, size_t M)
{
    const size_t per_step = S * MR_BAND_Q_BINS + M * MR_BAND_Y_BINS;
    size_t slice = per_step ? MR_BAND_SLICE_COUNTS / per_step : T;
    return slice < 1 ? 1 : slice > T ? T : slice;
}

int mr_sumstats_bands(const mr_comm *c, const mr_results *res, mr_sumstats *s)
{
    const size_t T = (size_t)res->steps, S = (size_t)res->nsectors, M = (size_t)res->nminerals;
    const size_t slice = mr_sumstats_band_slice_steps(T, S, M);
    const size_t nq = slice * S * MR_BAND_Q_BINS, ny = slice * M * MR_BAND_Y_BINS;
    uint64_t *hq = res->band_q ? malloc((nq ? nq : 1) * sizeof *hq) : NULL;
    uint64_t *hy = res->band_y ? malloc((ny ? ny : 1) * sizeof *hy) : NULL;
    int rc = -1;
    if (mr_comm_any(c, (res->band_q && !hq) || (res->band_y && !hy)))
        goto out;
    for (size_t t0 = 0; t0 < T; t0 += slice) {
        const size_t t1 = t0 + slice < T ? t0 + slice : T;
        const size_t kq = (t1 - t0) * S * MR_BAND_Q_BINS, ky = (t1 - t0) * M * MR_BAND_Y_BINS;
        if (hq) {
            memcpy(hq, res->band_q + t0 * S * MR_BAND_Q_BINS, kq * sizeof *hq);
            if (mr_comm_sum_u64(c, hq, kq) != 0)
                goto out;
        }
        if (hy) {
            memcpy(hy, res->band_y + t0 * M * MR_BAND_Y_BINS, ky * sizeof *hy);
            if (mr_comm_sum_u64(c, hy, ky) != 0)
                goto out;
        }
        bands_of_steps(res, hq, hy, t0, t1, s);
    }
    rc = 0;
out:
    free(hq);
    free(hy);
    return rc;
}

void mr_sumstats_free(mr_sumstats *s)
{
    free(s->sector_loss);
    free(s->sector_gva_loss);
    free(s->sector_output_loss);
    free(s->sector_extra_cost);
    free(s->sector_aal);
    free(s->sector_aal_se);
    free(s->sector_return_period_loss);
    free(s->mineral_shortage_prob);
    free(s->mineral_shortfall_mean_avg);
    free(s->mineral_shortfall_months_avg);
    free(s->mineral_stockpile_empty_prob);
    free(s->mineral_price_peak_avg);
    free(s->sector_inoperability_peak_avg);
    free(s->sector_inoperability_months_avg);
    free(s->inoperability_band);
    free(s->price_ratio_band);
    free(s->inoperability_tail_band);
    free(s->price_ratio_tail_band);
    free(s->inoperability_disrupted_prob);
    free(s->inoperability_disrupted_band);
    memset(s, 0, sizeof *s);
}

int mr_sumstats_alloc(mr_sumstats *s, uint64_t N, int nsectors, int nminerals, int steps)
{
    memset(s, 0, sizeof *s);
    const size_t S = (size_t)nsectors, M = (size_t)nminerals, T = (size_t)steps;
    s->ntrials = N;
    s->nsectors = nsectors;
    s->nminerals = nminerals;
    s->steps = steps;
    int oom = 0;
#define ALLOC(f, count) (s->f = malloc(one_or(count) * sizeof *s->f)) == NULL
    oom |= ALLOC(sector_loss, S);
    oom |= ALLOC(sector_gva_loss, S);
    oom |= ALLOC(sector_output_loss, S);
    oom |= ALLOC(sector_extra_cost, S);
    oom |= ALLOC(sector_aal, S);
    oom |= ALLOC(sector_aal_se, S);
    oom |= ALLOC(sector_return_period_loss, S * MR_OUTPUT_NRP);
    oom |= ALLOC(mineral_shortage_prob, M);
    oom |= ALLOC(mineral_shortfall_mean_avg, M);
    oom |= ALLOC(mineral_shortfall_months_avg, M);
    oom |= ALLOC(mineral_stockpile_empty_prob, M);
    oom |= ALLOC(mineral_price_peak_avg, M);
    oom |= ALLOC(sector_inoperability_peak_avg, S);
    oom |= ALLOC(sector_inoperability_months_avg, S);
    oom |= ALLOC(inoperability_band, T * S * MR_OUTPUT_NBANDS);
    oom |= ALLOC(price_ratio_band, T * M * MR_OUTPUT_NBANDS);
    oom |= ALLOC(inoperability_tail_band, T * S * MR_OUTPUT_NTAIL_BANDS);
    oom |= ALLOC(price_ratio_tail_band, T * M * MR_OUTPUT_NTAIL_BANDS);
    oom |= ALLOC(inoperability_disrupted_prob, T * S);
    oom |= ALLOC(inoperability_disrupted_band, T * S * MR_OUTPUT_NBANDS);
#undef ALLOC
    if (oom)
        mr_sumstats_free(s);
    return oom ? -1 : 0;
}

void mr_sumstats_sector_column(const mr_results *res, int kind, size_t j, double *col)
{
    const size_t n = (size_t)res->ntrials, S = (size_t)res->nsectors;
    for (size_t i = 0; i < n; i++) {
        double gl = res->sector_gva_loss[i * S + j];
        double xc = res->sector_extra_cost[i * S + j];
        col[i] = kind == 0   ? gl + xc
                 : kind == 1 ? gl
                 : kind == 2 ? res->sector_output_loss[i * S + j]
                             : xc;
    }
}

int mr_sumstats_compute(const mr_comm *c, const mr_results *res, mr_sumstats *s)
{
    c = c ? c : &solo;
    memset(s, 0, sizeof *s);
    const size_t n = (size_t)res->ntrials, S = (size_t)res->nsectors;
    const uint64_t N = res->ntrials_total;
    double *col = malloc((n ? n : 1) * sizeof *col);
    int oom = !col || mr_sumstats_alloc(s, N, res->nsectors, res->nminerals, res->steps) != 0;
    int rc = -1;
    if (mr_comm_any(c, oom))
        goto out;

    /* total loss over the horizon, and its histogram */
    mr_dvar tv = {res->total_loss, n, 1, 1, N};
    if (loss_stats(c, &tv, &s->total) != 0 ||
        mr_dstats_histogram(c, &tv, MR_OUTPUT_HIST_BINS, s->hist_count, s->hist_edges) != 0)
        goto out;

    /* annual losses: the total, then each sector */
    if (annual(c, res, res->annual_loss, 1, col, &s->aal, &s->aal_se, s->return_period_loss) != 0)
        goto out;
    for (size_t j = 0; j < S; j++)
        if (annual(c, res, res->sector_annual_loss + j, S, col, &s->sector_aal[j],
                   &s->sector_aal_se[j], s->sector_return_period_loss + j * MR_OUTPUT_NRP) != 0)
            goto out;

    /* sector losses over the horizon: GL + XC (the headline), GL, OL, XC */
    mr_loss_stats *kinds[4] = {s->sector_loss, s->sector_gva_loss, s->sector_output_loss,
                               s->sector_extra_cost};
    for (int kind = 0; kind < 4; kind++)
        for (size_t j = 0; j < S; j++) {
            mr_sumstats_sector_column(res, kind, j, col);
            mr_dvar v = {col, n, 1, 1, N};
            if (loss_stats(c, &v, &kinds[kind][j]) != 0)
                goto out;
        }

    if (entity_figures(c, res, s) != 0 || mr_sumstats_bands(c, res, s) != 0)
        goto out;
    if (res->weight && mr_sumstats_reweight(c, res, s) != 0)
        goto out;
    rc = 0;
out:
    free(col);
    if (rc != 0)
        mr_sumstats_free(s);
    return rc;
}
