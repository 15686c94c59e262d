/* wsumstats.c - the weighted forms of the /summary statistics of an
 * importance-sampled run (sumstats.h mr_sumstats_reweight; definitions in
 * docs/OUTPUT.md "Weighted estimators").
 *
 * Every rank gathers the weights and then one variable of all trials at a
 * time (in trial order: rank order is block order), and computes the same
 * statistics from the same arrays with the block-ordered sums of wstats.c:
 * identical on every rank and for any rank or thread count. The bootstrap
 * resamples are shared: each rank draws a contiguous share and the shares
 * are gathered in resample order (mr_wstats_bootstrap). Memory: a few
 * arrays of N (N H for the annual losses) doubles.
 */
#include "out/stats/sumstats.h"

#include "models/units.h" /* MR_SHORTFALL_THRESHOLD */
#include "out/stats/stats.h"
#include "out/stats/wstats.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Seed of the bootstrap's generator: MR_WSTATS_BOOT_SEED (wstats.h). */
#define BOOT_SEED MR_WSTATS_BOOT_SEED

typedef struct {
    const mr_comm *c;
    const mr_results *res;
    size_t n;   /* local trials */
    uint64_t N; /* all trials */
    double *W;  /* [N] every trial's weight */
    double *x;  /* [N * H] a gathered variable */
    double *xs, *ws;
    uint32_t *idx;
    double *loc; /* [n * H] this rank's values of the variable */
    double *we;  /* [N * H] the weight of each element of a per-year variable */
} wctx;

/* Gather nloc local values into x: 0, or -1 (every rank). */
static int gather(wctx *w, const double *loc, size_t nloc, double *x)
{
    return mr_comm_allgather_f64(w->c, loc, nloc, x) != 0 ? -1 : 0;
}

/* The local column base[i * stride] (i < n) gathered into w->x. */
static int gather_col(wctx *w, const double *base, size_t stride)
{
    for (size_t i = 0; i < w->n; i++)
        w->loc[i] = base[i * stride];
    return gather(w, w->loc, w->n, w->x);
}

/* Fewer sampled values than this above a weighted point estimate: its
   bootstrap interval is NaN (it would rest on those few values alone; the
   unweighted rule is the same count of values beyond the level). */
#define MIN_BEYOND 10

/* Weighted moments, quantiles and ES of w->x (one element a trial); with
   boot, the bootstrap intervals of the quantiles and the ES (es_lo, es_hi),
   else the quantile intervals NaN. */
static int loss_wstats(wctx *w, mr_loss_stats *ls, int boot, double *es_lo, double *es_hi)
{
    enum { NQ = MR_OUTPUT_NQUANTILES, NE = MR_OUTPUT_NES };
    const size_t N = (size_t)w->N;
    const size_t blk = MR_BLOCK_TRIALS;
    mr_wstats_moments(w->x, w->W, N, blk, &ls->mean, &ls->sd, &ls->se);
    /* collective: every rank goes on to the shared bootstrap, or none */
    if (mr_comm_any(w->c, mr_wstats_sort(w->x, w->W, N, w->xs, w->ws, w->idx) != 0))
        return -1;
    for (int k = 0; k < NQ; k++) {
        ls->q[k] =
            mr_wstats_quantile_sorted(w->xs, w->ws, N, (double)N, mr_output_quantiles[k], NULL);
        ls->ci_lo[k] = ls->ci_hi[k] = NAN;
    }
    for (int k = 0; k < NE; k++)
        ls->es[k] = mr_wstats_es(w->x, w->W, N, blk, w->xs, w->ws, mr_output_es_levels[k], NULL);
    if (!boot)
        return 0;
    double p[NQ + NE], vlo[NQ + NE], vhi[NQ + NE], elo[NQ + NE], ehi[NQ + NE];
    memcpy(p, mr_output_quantiles, sizeof(double) * NQ);
    memcpy(p + NQ, mr_output_es_levels, sizeof(double) * NE);
    if (mr_wstats_bootstrap(w->xs, w->ws, w->idx, N, N, (double)N, p, NQ + NE,
                            MR_SUMSTATS_BOOTSTRAP, MR_OUTPUT_CI_LEVEL, BOOT_SEED, w->c, vlo, vhi,
                            elo, ehi) != 0)
        return -1;
    for (int k = 0; k < NQ; k++) {
        bool few = mr_wstats_count_above(w->xs, N, ls->q[k]) < MIN_BEYOND;
        ls->ci_lo[k] = few ? NAN : vlo[k];
        ls->ci_hi[k] = few ? NAN : vhi[k];
    }
    for (int k = 0; k < NE; k++) {
        double v =
            mr_wstats_quantile_sorted(w->xs, w->ws, N, (double)N, mr_output_es_levels[k], NULL);
        bool few = mr_wstats_count_above(w->xs, N, v) < MIN_BEYOND;
        es_lo[k] = few ? NAN : elo[NQ + k];
        es_hi[k] = few ? NAN : ehi[NQ + k];
    }
    return 0;
}

/* AAL, its se and the return-period losses of the annual losses
   a[(i * H + y) * stride]; with rp_lo, their bootstrap intervals. */
static int annual_w(wctx *w, const double *a, size_t stride, double *aal, double *aal_se,
                    double *rp, double *rp_lo, double *rp_hi)
{
    const size_t n = w->n, H = (size_t)w->res->years, N = (size_t)w->N, NH = N * H;
    for (size_t i = 0; i < n * H; i++)
        w->loc[i] = a[i * stride];
    if (gather(w, w->loc, n * H, w->x) != 0)
        return -1;
    *aal = NH ? mr_wstats_sum(w->x, w->we, NH, MR_BLOCK_TRIALS * H, -INFINITY) / (double)NH : NAN;
    /* the trials' mean annual losses m_i (the years of a trial are not
       independent): se = sd_i(w_i m_i) / sqrt(N) */
    double *m = malloc((N ? N : 1) * sizeof *m);
    if (mr_comm_any(w->c, !m)) { /* every rank, as the collectives below */
        free(m);
        return -1;
    }
    for (size_t i = 0; i < N; i++)
        m[i] = H ? mr_stats_trial_mean(w->x + i * H, H, 1) : NAN;
    double mean, se;
    mr_wstats_moments(m, w->W, N, MR_BLOCK_TRIALS, &mean, NULL, &se);
    free(m);
    *aal_se = H > 0 ? se : NAN;
    if (mr_comm_any(w->c, mr_wstats_sort(w->x, w->we, NH, w->xs, w->ws, w->idx) != 0))
        return -1;
    double p[MR_OUTPUT_NRP];
    for (int k = 0; k < MR_OUTPUT_NRP; k++) {
        double R = mr_output_return_periods[k];
        p[k] = 1.0 - 1.0 / R;
        rp[k] = (R > 1.0 && (double)NH >= R)
                    ? mr_wstats_quantile_sorted(w->xs, w->ws, NH, (double)NH, p[k], NULL)
                    : NAN;
    }
    if (!rp_lo)
        return 0;
    for (size_t k = 0; k < NH; k++)
        w->idx[k] = (uint32_t)(w->idx[k] / H); /* element -> its trial */
    double elo[MR_OUTPUT_NRP], ehi[MR_OUTPUT_NRP];
    if (mr_wstats_bootstrap(w->xs, w->ws, w->idx, NH, N, (double)NH, p, MR_OUTPUT_NRP,
                            MR_SUMSTATS_BOOTSTRAP, MR_OUTPUT_CI_LEVEL, BOOT_SEED, w->c, rp_lo,
                            rp_hi, elo, ehi) != 0)
        return -1;
    for (int k = 0; k < MR_OUTPUT_NRP; k++)
        if (isnan(rp[k]) || mr_wstats_count_above(w->xs, NH, rp[k]) < MIN_BEYOND)
            rp_lo[k] = rp_hi[k] = NAN;
    return 0;
}

/* Per mineral and per sector figures that are not losses: weighted means
   and probabilities. */
static int entity_w(wctx *w, mr_sumstats *s)
{
    const mr_results *res = w->res;
    const size_t S = (size_t)res->nsectors, M = (size_t)res->nminerals, N = (size_t)w->N;
    const size_t blk = MR_BLOCK_TRIALS;
    double mean;
    for (size_t m = 0; m < M; m++) {
        double *out[3] = {&s->mineral_shortfall_mean_avg[m], &s->mineral_shortfall_months_avg[m],
                          &s->mineral_price_peak_avg[m]};
        const double *var[3] = {res->mineral_shortfall_mean, res->mineral_shortfall_months,
                                res->mineral_price_peak};
        for (int a = 0; a < 3; a++) {
            if (gather_col(w, var[a] + m, M) != 0)
                return -1;
            mr_wstats_moments(w->x, w->W, N, blk, &mean, NULL, NULL);
            *out[a] = mean;
        }
        if (gather_col(w, res->mineral_shortfall_peak + m, M) != 0)
            return -1;
        s->mineral_shortage_prob[m] =
            N ? mr_wstats_weight_above(w->x, w->W, N, blk, MR_SHORTFALL_THRESHOLD) / (double)N
              : NAN;
        if (gather_col(w, res->mineral_stockpile_empty_month + m, M) != 0)
            return -1;
        for (size_t i = 0; i < N; i++) /* not NaN: it ran empty */
            w->x[i] = isnan(w->x[i]) ? 0.0 : 1.0;
        s->mineral_stockpile_empty_prob[m] =
            N ? mr_wstats_weight_above(w->x, w->W, N, blk, 0.5) / (double)N : NAN;
    }
    for (size_t j = 0; j < S; j++) {
        if (gather_col(w, res->sector_inoperability_peak + j, S) != 0)
            return -1;
        mr_wstats_moments(w->x, w->W, N, blk, &s->sector_inoperability_peak_avg[j], NULL, NULL);
        if (gather_col(w, res->sector_inoperability_months + j, S) != 0)
            return -1;
        mr_wstats_moments(w->x, w->W, N, blk, &s->sector_inoperability_months_avg[j], NULL, NULL);
    }
    return 0;
}

static int reweight(wctx *w, mr_sumstats *s)
{
    const mr_results *res = w->res;
    const size_t n = w->n, S = (size_t)res->nsectors;
    if (gather_col(w, res->total_loss, 1) != 0 ||
        loss_wstats(w, &s->total, 1, s->total_es_ci_lo, s->total_es_ci_hi) != 0)
        return -1;
    for (size_t i = 0; i < (size_t)w->N * (size_t)res->years; i++)
        w->we[i] = w->W[i / (size_t)res->years];
    if (annual_w(w, res->annual_loss, 1, &s->aal, &s->aal_se, s->return_period_loss, s->rp_ci_lo,
                 s->rp_ci_hi) != 0)
        return -1;
    for (size_t j = 0; j < S; j++)
        if (annual_w(w, res->sector_annual_loss + j, S, &s->sector_aal[j], &s->sector_aal_se[j],
                     s->sector_return_period_loss + j * MR_OUTPUT_NRP, NULL, NULL) != 0)
            return -1;
    mr_loss_stats *kinds[4] = {s->sector_loss, s->sector_gva_loss, s->sector_output_loss,
                               s->sector_extra_cost};
    for (int kind = 0; kind < 4; kind++)
        for (size_t j = 0; j < S; j++) {
            mr_sumstats_sector_column(res, kind, j, w->loc);
            if (gather(w, w->loc, n, w->x) != 0 || loss_wstats(w, &kinds[kind][j], 0, NULL, NULL))
                return -1;
        }
    return entity_w(w, s);
}

int mr_sumstats_reweight(const mr_comm *c, const mr_results *res, mr_sumstats *s)
{
    const size_t n = (size_t)res->ntrials, N = (size_t)res->ntrials_total;
    const size_t H = (size_t)(res->years > 0 ? res->years : 1), NH = N * H;
    wctx w = {c, res, n, N, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    w.W = malloc((N ? N : 1) * sizeof *w.W);
    w.x = malloc((NH ? NH : 1) * sizeof *w.x);
    w.xs = malloc((NH ? NH : 1) * sizeof *w.xs);
    w.ws = malloc((NH ? NH : 1) * sizeof *w.ws);
    w.idx = malloc((NH ? NH : 1) * sizeof *w.idx);
    w.loc = malloc((n * H > 0 ? n * H : 1) * sizeof *w.loc);
    w.we = malloc((NH ? NH : 1) * sizeof *w.we);
    int rc = -1;
    if (mr_comm_any(c, !w.W || !w.x || !w.xs || !w.ws || !w.idx || !w.loc || !w.we) ||
        gather(&w, res->weight, n, w.W) != 0)
        goto out;
    s->has_weights = 1;
    s->ess = mr_wstats_ess(w.W, N, MR_BLOCK_TRIALS);
    s->weight_max_share = mr_wstats_max_share(w.W, N, MR_BLOCK_TRIALS);
    s->weight_mean = N ? mr_wstats_sum(NULL, w.W, N, MR_BLOCK_TRIALS, 0.0) / (double)N : NAN;
    int one = 1;
    for (size_t i = 0; i < N; i++)
        one &= w.W[i] == 1.0;
    for (int k = 0; k < MR_OUTPUT_NES; k++)
        s->total_es_ci_lo[k] = s->total_es_ci_hi[k] = NAN;
    for (int k = 0; k < MR_OUTPUT_NRP; k++)
        s->rp_ci_lo[k] = s->rp_ci_hi[k] = NAN;
    s->weighted = !one;
    /* all weights 1 (a tilt that is the identity): the unweighted
       statistics already computed are the weighted ones */
    rc = one ? 0 : reweight(&w, s);
out:
    rc = mr_comm_any(c, rc != 0) ? -1 : 0;
    free(w.W);
    free(w.x);
    free(w.xs);
    free(w.ws);
    free(w.idx);
    free(w.loc);
    free(w.we);
    return rc;
}
