/* importance.c - the cross-entropy choice of the importance tilt and the
 * report of a run's weights (importance.h; docs/MODEL.md §12i).
 *
 * Stage s runs L trials under the current rate factors f on the Philox key
 * mr_importance_pilot_seed(seed, s), keeping each process's occurrence count
 * N_ip and exposure E_ip (the integral of its regime factor; H without a
 * regime) per trial. The stage's target event is a loss at or above gamma,
 * the smaller of the stage's weighted estimate of VaR_p and the (1 - rho)
 * quantile of its unweighted losses, rho = min(0.5, max(1 - p, 100 / n)),
 * n = L trials (L H trial-years for an annual target), as update() has it:
 * multi-level, so that a stage whose sample holds fewer than 100 elements
 * beyond VaR_p fits the rates to its top 100 instead; elite trial i counts
 * with W_i = w_i h_i, h_i = the number of its elements (years, for an
 * annual target) at or above gamma, times their loss for an ES target.
 * The cross-entropy update for a Poisson rate f lambda over exposure E is
 * the weighted maximum likelihood one:
 *     f_new = sum_i W_i N_ip / (lambda sum_i W_i E_ip),
 * smoothed f <- 0.7 f_new + 0.3 f and kept in [0.2, 100].
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "sim/importance.h"

#include "out/clock.h"
#include "out/stats/stats.h"
#include "out/stats/wstats.h"
#include "sim/model.h"
#include "sim/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CE_ELITE 100  /* elements (trials, or trial-years) of the smallest elite */
#define CE_SMOOTH 0.7 /* weight of the new factor */
#define CE_FMIN 0.2
#define CE_FMAX 100.0

uint64_t mr_importance_pilot_seed(uint64_t seed, int s)
{
    char name[48];
    snprintf(name, sizeof name, "importance/pilot/%d", s);
    return seed ^ mr_hash64(name);
}

static const mr_comm solo = {0, 1, NULL};

/* Gather n local doubles a trial (per_trial each) into all (N per_trial). */
static int gather(const mr_comm *c, const double *mine, size_t n, double *all)
{
    return mr_comm_allgather_f64(c, mine, n, all);
}

typedef struct {
    size_t N, H, P;     /* trials, elements a trial, processes */
    size_t Y;           /* years the counts are kept by: 1, or H with a year focus */
    double *loss;       /* [N * H] the target's variable */
    double *w;          /* [N] weights */
    double *we;         /* [N * H] element weights */
    double *cnt, *expo; /* [N * P * Y] */
    double *h;          /* [N * H] each element's part in the target event */
    double *xs, *ws;    /* [N * H] sorted */
    double *num, *den;  /* [N] scratch */
} pilot;

static void pilot_free(pilot *p)
{
    free(p->loss);
    free(p->w);
    free(p->we);
    free(p->cnt);
    free(p->expo);
    free(p->h);
    free(p->xs);
    free(p->ws);
    free(p->num);
    free(p->den);
}

/* One stage's update of f (md's processes) from its gathered trials; its
   figures into fig. */
static int update(const mr_importance *imp, const mr_model *md, pilot *pl, double *f, double *fig)
{
    const size_t N = pl->N, H = pl->H, NH = N * H, P = pl->P;
    const size_t K = imp->focus_years ? (size_t)imp->focus_years : 1; /* the focus window */
    const size_t blk = MR_BLOCK_TRIALS * H;
    if (mr_wstats_sort(pl->loss, pl->we, NH, pl->xs, pl->ws, NULL) != 0)
        return -1;
    const double p = imp->target_level;
    double var = mr_wstats_quantile_sorted(pl->xs, pl->ws, NH, (double)NH, p, NULL);
    double est = imp->target == MR_TARGET_ES
                     ? mr_wstats_es(pl->loss, pl->we, NH, blk, pl->xs, pl->ws, p, NULL)
                     : var;
    /* the unweighted (1 - rho) quantile: pl->xs sorted, any weights; rho
       the target's tail mass, or the top CE_ELITE elements when that is
       more (an elite too small to fit the rates to) */
    double rho = 1.0 - p > (double)CE_ELITE / (double)NH ? 1.0 - p : (double)CE_ELITE / (double)NH;
    if (rho > 0.5)
        rho = 0.5;
    double top = pl->xs[mr_stats_rank(NH, 1.0 - rho) - 1];
    double gamma = var < top ? var : top;
    if (!(gamma > 0.0)) /* no loss in the tail yet: the losses above 0 are elite */
        gamma = nextafter(0.0, 1.0);
    double elite = 0.0;
    for (size_t i = 0; i < N; i++) {
        double h = 0.0;
        for (size_t y = 0; y < H; y++) {
            double a = pl->loss[i * H + y], hy = 0.0;
            if (a >= gamma) {
                hy = imp->target == MR_TARGET_ES ? a : 1.0;
                elite += 1.0;
            }
            pl->h[i * H + y] = hy;
            h += hy;
        }
        pl->num[i] = pl->w[i] * h; /* W_i */
    }
    fig[0] = (double)N;
    fig[1] = gamma;
    fig[2] = elite;
    fig[3] = mr_wstats_ess(pl->w, N, MR_BLOCK_TRIALS);
    fig[4] = est;
    if (elite == 0.0)
        return 0; /* nothing to learn from: the factors stay */
    double *cn = malloc((N ? N : 1) * sizeof *cn), *ex = malloc((N ? N : 1) * sizeof *ex);
    if (!cn || !ex) {
        free(cn);
        free(ex);
        return -1;
    }
    for (size_t q = 0; q < P; q++) {
        if (!(md->proc[q]->rate_per_year > 0.0))
            continue;
        if (pl->Y == 1)
            for (size_t i = 0; i < N; i++) {
                cn[i] = pl->num[i] * pl->cnt[i * P + q];
                ex[i] = pl->num[i] * pl->expo[i * P + q];
            }
        else /* a year focus: the elite years' own counts and exposures */
            for (size_t i = 0; i < N; i++) {
                const double *c = pl->cnt + (i * P + q) * H, *e = pl->expo + (i * P + q) * H;
                double sc = 0.0, se = 0.0;
                for (size_t y = 0; y < H; y++) {
                    double hy = pl->h[i * H + y], wc = 0.0, we = 0.0;
                    if (hy == 0.0)
                        continue;
                    for (size_t v = y + 1 > K ? y + 1 - K : 0; v <= y; v++) {
                        wc += c[v];
                        we += e[v];
                    }
                    sc += hy * wc;
                    se += hy * we;
                }
                cn[i] = pl->w[i] * sc;
                ex[i] = pl->w[i] * se;
            }
        double a = mr_wstats_sum(cn, NULL, N, MR_BLOCK_TRIALS, -INFINITY);
        double b = mr_wstats_sum(ex, NULL, N, MR_BLOCK_TRIALS, -INFINITY);
        if (!(b > 0.0))
            continue;
        double fn = a / (md->proc[q]->rate_per_year * b);
        fn = CE_SMOOTH * fn + (1.0 - CE_SMOOTH) * f[q];
        /* below CE_FMAX, and below the expected load a trial can draw
           exactly (MR_TILT_EXPECTED_MAX: factor x the largest rate x H) */
        const int c = md->proc_regime[q];
        const double most = md->proc[q]->rate_per_year *
                            (c >= 0 ? mr_regime_rate_factor(&md->regime[c], 1) : 1.0) *
                            (double)md->H;
        double fmax = MR_TILT_EXPECTED_MAX / most < CE_FMAX ? MR_TILT_EXPECTED_MAX / most : CE_FMAX;
        fmax = fmax > CE_FMIN ? fmax : CE_FMIN;
        f[q] = fn < CE_FMIN ? CE_FMIN : fn > fmax ? fmax : fn;
    }
    free(cn);
    free(ex);
    return 0;
}

uint64_t mr_importance_pilot_trials(const mr_scenario *sc)
{
    const mr_importance *imp = &sc->importance;
    if (imp->pilot_trials) /* as given (at least 100, the schema's bound) */
        return imp->pilot_trials;
    return sc->trials / 10 < 1000 ? 1000 : sc->trials / 10; /* the default */
}

/* Stage s: L trials under factors f (the rates given as md's exact
   names), gathered into pl. */
static mr_status run_stage(const mr_scenario *sc, const mr_model *md, const double *f, int s,
                           uint64_t L, const mr_engine_opts *opts, pilot *pl, mr_error *err)
{
    const mr_comm *c = opts->comm ? opts->comm : &solo;
    const size_t P = (size_t)md->nproc;
    mr_tilt_rate *rates = malloc((P ? P : 1) * sizeof *rates);
    if (mr_comm_any(c, !rates)) {
        free(rates);
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", sc->source_path);
        return MR_FAILED;
    }
    for (size_t q = 0; q < P; q++)
        rates[q] = (mr_tilt_rate){md->proc_name[q], f[q], 0, 0};
    mr_scenario t = *sc; /* shallow: only trials, seed and the rates differ */
    t.trials = L;
    t.seed = mr_importance_pilot_seed(sc->seed, s);
    t.importance.rates = rates;
    t.importance.nrates = (int)P;
    t.importance.present = 1;
    mr_engine_opts o = *opts;
    o.tilt_counts = true;
    o.progress = false;
    o.pause_seconds = 0;
    o.skip_block = NULL;
    o.counterfactual = NULL;
    mr_results res;
    mr_run_info info;
    mr_status rc = mr_engine_run(&t, &o, &res, &info, err);
    free(rates);
    if (rc != MR_OK) {
        if (rc == MR_PAUSED)
            rc = MR_FAILED;
        return rc;
    }
    const size_t n = (size_t)res.ntrials, N = (size_t)L;
    const size_t H = sc->importance.target_annual ? (size_t)res.years : 1;
    const size_t Y = (size_t)res.tilt_years; /* H with a year focus (an annual target) */
    pl->N = N;
    pl->H = H;
    pl->P = P;
    pl->Y = Y;
    pl->loss = malloc(N * H * sizeof(double));
    pl->w = malloc(N * sizeof(double));
    pl->we = malloc(N * H * sizeof(double));
    pl->h = malloc(N * H * sizeof(double));
    pl->cnt = malloc(N * (P ? P : 1) * Y * sizeof(double));
    pl->expo = malloc(N * (P ? P : 1) * Y * sizeof(double));
    pl->xs = malloc(N * H * sizeof(double));
    pl->ws = malloc(N * H * sizeof(double));
    pl->num = malloc(N * sizeof(double));
    pl->den = malloc(N * sizeof(double));
    int bad = !pl->loss || !pl->w || !pl->we || !pl->h || !pl->cnt || !pl->expo || !pl->xs ||
              !pl->ws || !pl->num || !pl->den || (Y != 1 && Y != H);
    if (mr_comm_any(c, bad) ||
        gather(c, H > 1 ? res.annual_loss : res.total_loss, n * H, pl->loss) ||
        gather(c, res.weight, n, pl->w) || gather(c, res.tilt_count, n * P * Y, pl->cnt) ||
        gather(c, res.tilt_expo, n * P * Y, pl->expo)) {
        mr_results_free(&res);
        snprintf(err->msg, sizeof err->msg, "%s: out of memory for the pilot stages",
                 sc->source_path);
        return MR_FAILED;
    }
    for (size_t k = 0; k < N * H; k++)
        pl->we[k] = pl->w[k / H];
    mr_results_free(&res);
    return MR_OK;
}

mr_status mr_importance_choose(mr_scenario *sc, const mr_engine_opts *opts, double *seconds,
                               mr_error *err)
{
    double t0 = mr_now_seconds();
    mr_importance *imp = &sc->importance;
    mr_model md;
    mr_status rc = mr_model_build(sc, &md, err);
    if (rc != MR_OK)
        return rc;
    const size_t P = (size_t)md.nproc;
    const int K = imp->pilot_stages ? (int)imp->pilot_stages : 3;
    const uint64_t L = mr_importance_pilot_trials(sc);
    double *f = malloc((P ? P : 1) * sizeof *f);
    double *figs = calloc((size_t)K * MR_IMPORTANCE_STAGE_FIGS, sizeof *figs);
    mr_tilt_rate *chosen = calloc(P ? P : 1, sizeof *chosen);
    if (!f || !figs || !chosen) {
        rc = MR_FAILED;
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", sc->source_path);
        goto out;
    }
    for (size_t q = 0; q < P; q++)
        f[q] = md.proc_tilt[q]; /* the start: the rates given, else 1 */
    for (int s = 0; s < K && rc == MR_OK; s++) {
        pilot pl = {0};
        const double ts = mr_now_seconds();
        rc = run_stage(sc, &md, f, s, L, opts, &pl, err);
        double *fig = figs + (size_t)s * MR_IMPORTANCE_STAGE_FIGS;
        if (rc == MR_OK && update(imp, &md, &pl, f, fig)) {
            snprintf(err->msg, sizeof err->msg, "%s: out of memory for the pilot stages",
                     sc->source_path);
            rc = MR_FAILED;
        }
        pilot_free(&pl);
        /* a line a stage: the stages are 30% of the run's trials by
           default, hours of a long batch job */
        if (rc == MR_OK && opts->progress && (!opts->comm || opts->comm->rank == 0))
            fprintf(stderr,
                    "minrisk: importance: pilot stage %d of %d: %.0f trials in %.2f s, level "
                    "%.6g GBP m (%.0f elite)\n",
                    s + 1, K, fig[0], mr_now_seconds() - ts, fig[1] / 1e6, fig[2]);
    }
    if (rc != MR_OK)
        goto out;
    /* the chosen tilt: every process with a rate, by its exact name */
    int n = 0;
    for (size_t q = 0; q < P; q++) {
        if (!(md.proc[q]->rate_per_year > 0.0))
            continue;
        chosen[n].pattern = strdup(md.proc_name[q]);
        chosen[n].factor = f[q];
        if (!chosen[n++].pattern) {
            rc = MR_FAILED;
            snprintf(err->msg, sizeof err->msg, "%s: out of memory", sc->source_path);
            goto out;
        }
    }
    for (int k = 0; k < imp->nrates; k++)
        free(imp->rates[k].pattern);
    free(imp->rates);
    imp->rates = chosen;
    imp->nrates = n;
    chosen = NULL;
    free(imp->stage_figs);
    imp->stage_figs = figs;
    imp->nstages = K;
    figs = NULL;
out:
    if (chosen)
        for (size_t q = 0; q < P; q++)
            free(chosen[q].pattern);
    free(chosen);
    free(figs);
    free(f);
    mr_model_free(&md);
    if (seconds)
        *seconds = mr_now_seconds() - t0;
    return rc;
}

int mr_importance_report(const mr_results *res, const mr_comm *comm, int quiet, double *ess)
{
    const mr_comm *c = comm ? comm : &solo;
    const size_t N = (size_t)res->ntrials_total;
    double *w = malloc((N ? N : 1) * sizeof *w);
    if (mr_comm_any(c, !w) || gather(c, res->weight, (size_t)res->ntrials, w)) {
        free(w);
        return -1;
    }
    double e = mr_wstats_ess(w, N, MR_BLOCK_TRIALS);
    double share = mr_wstats_max_share(w, N, MR_BLOCK_TRIALS);
    double sum = mr_wstats_sum(NULL, w, N, MR_BLOCK_TRIALS, -INFINITY);
    free(w);
    if (ess)
        *ess = e;
    if (quiet || c->rank != 0)
        return 0;
    if (N > 0 && !(sum > 0.0 && isfinite(sum))) /* 0/0 or inf/inf: warned below */
        fprintf(stderr,
                "minrisk: importance sampling: effective sample size n/a of %llu trials (the "
                "weights sum to %g)\n",
                (unsigned long long)N, sum);
    else
        fprintf(stderr,
                "minrisk: importance sampling: effective sample size %.1f of %llu trials "
                "(%.2f%%), largest weight %.3g%% of the total\n",
                e, (unsigned long long)N, 100.0 * e / (double)N, 100.0 * share);
    /* degenerate: ESS below max(N/100, min(100, N/2)); unstable: one weight
       above 10% of the total and above twice an equal share (equal weights
       on a run of 10 trials or fewer are neither) */
    const double n = (double)N, half = n / 2.0 < 100.0 ? n / 2.0 : 100.0;
    const double small = n / 100.0 > half ? n / 100.0 : half;
    const bool unstable = share > 0.1 && share > 2.0 / n;
    if (N > 0 && !(sum > 0.0 && isfinite(sum))) {
        /* every likelihood ratio underflowed to 0 (or one overflowed): the
           ESS and the share are 0/0 or inf/inf, NaN, and the comparisons
           below would be false */
        fprintf(stderr,
                "minrisk run: warning: the importance weights are all 0 or not finite (their sum "
                "is %g): the likelihood ratios under- or overflowed and the weighted estimates "
                "are meaningless; weaken the tilt (docs/STUDIES.md, Importance sampling)\n",
                sum);
    } else if (e < small || unstable)
        fprintf(stderr,
                "minrisk run: warning: the importance weights are %s (effective sample size "
                "%.1f, largest weight %.3g%% of the total): the weighted estimates and their "
                "intervals rest on few trials; weaken the tilt or run more trials "
                "(docs/STUDIES.md, Importance sampling)\n",
                unstable ? "unstable" : "degenerate", e, 100.0 * share);
    return 0;
}
