/* precision.c - precision-targeted stopping (precision.h): the targets, the
 * check points, the figures at a check point and the re-layout of the rows
 * between two check points.
 */
#include "sim/precision.h"

#include "out/format.h" /* MR_OUTPUT_CI_LEVEL */
#include "out/h5/extras.h"
#include "out/stats/dstats.h"
#include "out/stats/stats.h"
#include "out/stats/sumsq.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* z of the two-sided 95% normal interval */
#define MR_PREC_Z 1.959963984540054

/* ---- the targets -------------------------------------------------------------- */

/* "99" -> 0.99, "995" -> 0.995: 1 to 4 digits; -1 if not (the caller refuses levels below 0.5). */
static double level_of(const char *d, size_t n)
{
    if (n < 1 || n > 4)
        return -1.0;
    char buf[8] = "0.";
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)d[i]))
            return -1.0;
        buf[2 + i] = d[i];
    }
    buf[2 + n] = '\0';
    return strtod(buf, NULL);
}

/* The statistic named s (length n) into t. 0, or -1 with msg. */
static int parse_stat(const char *s, size_t n, const mr_scenario *sc, mr_prec_target *t, char *msg,
                      size_t msgsize)
{
    char name[96];
    if (n == 0 || n >= sizeof name) {
        snprintf(msg, msgsize, "empty or too long statistic name");
        return -1;
    }
    memcpy(name, s, n);
    name[n] = '\0';
    snprintf(t->name, sizeof t->name, "%s", name);
    t->sector = -1;
    t->p = 0.0;
    if (!strcmp(name, "mean_total")) {
        t->kind = MR_PREC_MEAN;
        return 0;
    }
    if (!strcmp(name, "aal")) {
        t->kind = MR_PREC_AAL;
        return 0;
    }
    if (!strncmp(name, "rp", 2)) {
        char *end;
        unsigned long long r = strtoull(name + 2, &end, 10);
        /* no leading zero: rp0010 is not another name of rp10 (as 010 is
           refused in a scenario file and on the command line) */
        if (isdigit((unsigned char)name[2]) && name[2] != '0' && *end == '\0' && r >= 2 &&
            r <= 1000000) {
            t->kind = MR_PREC_RP;
            t->p = (double)r;
            return 0;
        }
        snprintf(
            msg, msgsize,
            "%s: a return period rpR needs an integer R in [2, 1000000], without a leading zero",
            name);
        return -1;
    }
    int var = !strncmp(name, "var", 3), es = !strncmp(name, "es", 2);
    const char *digits = name + (var ? 3 : 2), *us = strchr(name, '_');
    if ((var || es) && us) {
        double p = level_of(digits, (size_t)(us - digits));
        const char *what = us + 1;
        int sector = -2;
        if (!strcmp(what, "total"))
            sector = -1;
        for (int j = 0; j < sc->nsectors && sector == -2; j++)
            if (!strcmp(what, sc->sectors[j].id))
                sector = j;
        if (p < 0.0) {
            snprintf(msg, msgsize,
                     "%s: the level after %s must be 1 to 4 digits (99 = "
                     "0.99, 995 = 0.995)",
                     name, var ? "var" : "es");
            return -1;
        }
        /* a tail's level: var100 is 0.100, the 10% quantile, not 100%
           (until 2026-12-07 taken so: a review) */
        if (p < 0.5) {
            snprintf(msg, msgsize,
                     "%s: the level 0.%.*s is below 0.5 (the digits after %s are a decimal "
                     "fraction: 99 = 0.99, 995 = 0.995, 100 = 0.100); give 0.5 to 0.9999, e.g. "
                     "%s99_%s",
                     name, (int)(us - digits), digits, var ? "var" : "es", var ? "var" : "es",
                     us + 1);
            return -1;
        }
        if (sector == -2) {
            snprintf(msg, msgsize,
                     "%s: '%s' is neither 'total' nor a sector of the "
                     "scenario",
                     name, what);
            return -1;
        }
        t->kind = var ? MR_PREC_VAR : MR_PREC_ES;
        t->p = p;
        t->sector = sector;
        return 0;
    }
    snprintf(msg, msgsize,
             "unknown statistic '%s' (mean_total, varP_total, esP_total, "
             "varP_SECTOR, esP_SECTOR, aal, rpR)",
             name);
    return -1;
}

int mr_precision_parse(const char *text, const mr_scenario *sc, mr_prec_spec *spec, char *msg,
                       size_t msgsize)
{
    spec->ntargets = 0;
    const char *s = text;
    for (;;) {
        const char *comma = strchr(s, ','), *end = comma ? comma : s + strlen(s);
        const char *eq = memchr(s, '=', (size_t)(end - s));
        if (!eq) {
            snprintf(msg, msgsize, "expected STAT=REL, got '%.*s'", (int)(end - s), s);
            return -1;
        }
        if (spec->ntargets == MR_PRECISION_MAX_TARGETS) {
            snprintf(msg, msgsize, "at most %d targets", MR_PRECISION_MAX_TARGETS);
            return -1;
        }
        mr_prec_target *t = &spec->t[spec->ntargets];
        if (parse_stat(s, (size_t)(eq - s), sc, t, msg, msgsize))
            return -1;
        for (int k = 0; k < spec->ntargets; k++) {
            const mr_prec_target *o = &spec->t[k];
            if (!strcmp(o->name, t->name)) {
                snprintf(msg, msgsize, "%s: given twice", t->name);
                return -1;
            }
            /* another name of the same statistic (var99 and var990): its
               two targets would both apply */
            if (o->kind == t->kind && o->p == t->p && o->sector == t->sector) {
                snprintf(msg, msgsize, "%s: the same statistic as %s", t->name, o->name);
                return -1;
            }
        }
        char num[64], *nend;
        size_t nl = (size_t)(end - eq - 1);
        if (nl == 0 || nl >= sizeof num) {
            snprintf(msg, msgsize, "%s: REL must be a number in (0, 1]", t->name);
            return -1;
        }
        memcpy(num, eq + 1, nl);
        num[nl] = '\0';
        /* a decimal number, as the scenario's numbers (strtod alone also
           reads hex and leading blanks); digits alone with a leading zero
           (01) are refused, as 010 is in a scenario file */
        double rel = strtod(num, &nend);
        const int zero = num[0] == '0' && num[1] && strspn(num, "0123456789") == nl;
        if (zero || *nend != '\0' || strspn(num, "0123456789.eE+-") != nl ||
            !(rel > 0.0 && rel <= 1.0)) {
            snprintf(msg, msgsize, "%s: REL must be a number in (0, 1]%s, got '%s'", t->name,
                     zero ? " without a leading zero" : "", num);
            return -1;
        }
        t->target = rel;
        spec->ntargets++;
        if (!comma)
            return 0;
        s = comma + 1;
    }
}

/* ---- the check points ------------------------------------------------------------ */

uint64_t mr_precision_next(uint64_t trials, uint64_t max_trials)
{
    uint64_t next = MR_BLOCK_TRIALS;
    while (next <= trials && next < max_trials)
        next *= 2;
    return next < max_trials ? next : max_trials;
}

int mr_precision_is_check(uint64_t trials, uint64_t max_trials)
{
    if (trials == 0 || trials > max_trials)
        return 0;
    return trials == max_trials || mr_precision_next(trials - 1, max_trials) == trials;
}

/* ---- the figures at a check point ---------------------------------------------------- */

/* Half-width of an order-statistic interval [X_(l), X_(u)], inf if a bound
   does not exist. */
static double os_half(double lo, double hi)
{
    return isnan(lo) || isnan(hi) ? INFINITY : 0.5 * (hi - lo);
}

/* mr_sumsq's f for the ES's standard error: out[0] the block-ordered sum
   over the values above the VaR of ((x - es) scale)^2 (collective),
   out[1] ((es - VaR) scale)^2. */
typedef struct {
    const mr_comm *c;
    const double *x;
    size_t n;
    uint64_t N;
    double es, var;
    double *scratch;
} es_devs;

static int es_sumsq(void *ctx, double scale, double *out)
{
    const es_devs *q = ctx;
    for (size_t i = 0; i < q->n; i++) {
        double dx = (q->x[i] - q->es) * scale;
        q->scratch[i] = q->x[i] > q->var ? dx * dx : 0.0;
    }
    mr_dvar sq = {q->scratch, q->n, 1, 1, q->N};
    double d = (q->es - q->var) * scale;
    out[1] = d * d;
    return mr_dstats_sums(q->c, &sq, 1, &out[0]);
}

/* VaR or ES at t->p of the n local values x (N in all) into est, half. */
static int tail_figures(const mr_comm *c, const mr_prec_target *t, const double *x, size_t n,
                        uint64_t N, double *scratch, double *est, double *half)
{
    mr_dvar v = {x, n, 1, 1, N};
    size_t l, u;
    mr_stats_quantile_ci_ranks((size_t)N, t->p, MR_OUTPUT_CI_LEVEL, &l, &u);
    uint64_t ranks[3] = {mr_stats_rank((size_t)N, t->p), l, u};
    double val[3];
    if (mr_dstats_select(c, &v, ranks, 3, val) != 0)
        return -1;
    if (t->kind == MR_PREC_VAR) {
        *est = val[0];
        *half = os_half(val[1], val[2]);
        return 0;
    }
    /* ES: asymptotic normal (Brazauskas et al. 2008), n Var(ES^) ->
       (Var(X | X > VaR) + p (ES - VaR)^2) / (1 - p); the tail variance from
       the values above X_(k), centred on the ES */
    double es;
    if (mr_dstats_es(c, &v, &t->p, val, 1, &es) != 0)
        return -1;
    /* the deviations scaled where their squares overflow (losses past about
       1e154 GBP gave a half-width of inf; sumsq.h); the same figure, bit
       for bit, otherwise. The decision rests on reduced sums, the same on
       every rank. */
    es_devs q = {c, x, n, N, es, val[0], scratch};
    double sums[2], scaled[2], sum_gt;
    const int r = mr_sumsq(es_sumsq, &q, 2, sums, scaled);
    if (r < 0)
        return -1;
    const double ss = r ? scaled[0] : sums[0], d = (es - val[0]) * mr_sumsq_scale(r);
    uint64_t cnt, nan;
    if (mr_dstats_tail(c, &v, val, 1, &sum_gt, &cnt, &nan) != 0)
        return -1;
    *est = es;
    if (cnt < 2 || N < 2) {
        *half = INFINITY;
        return 0;
    }
    double var_tail = ss / (double)cnt;
    double se = mr_sumsq_root((var_tail + t->p * d * d) / ((double)N * (1.0 - t->p)), r);
    *half = MR_PREC_Z * se;
    return 0;
}

/* AAL (or the loss at a return period) of the annual losses a (H a trial,
   stride 1) into est, half. */
static int annual_figures(const mr_comm *c, const mr_prec_target *t, const double *a, size_t n,
                          size_t H, uint64_t N, double *scratch, double *est, double *half)
{
    mr_dvar v = {a, n, H, 1, N};
    if (t->kind == MR_PREC_AAL) {
        double total, mean, sd;
        if (mr_dstats_sums(c, &v, 1, &total) != 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            scratch[i] = mr_stats_trial_mean(a + i * H, H, 1);
        mr_dvar m = {scratch, n, 1, 1, N};
        if (mr_dstats_moments(c, &m, 1, &mean, &sd) != 0)
            return -1;
        *est = total / ((double)N * (double)H);
        *half = N >= 2 ? MR_PREC_Z * sd / sqrt((double)N) : INFINITY;
        return 0;
    }
    const uint64_t count = N * H;
    const double p = 1.0 - 1.0 / t->p;
    size_t l, u;
    mr_stats_quantile_ci_ranks((size_t)count, p, MR_OUTPUT_CI_LEVEL, &l, &u);
    uint64_t ranks[3] = {mr_stats_rank((size_t)count, p), l, u};
    double val[3];
    if (mr_dstats_select(c, &v, ranks, 3, val) != 0)
        return -1;
    *est = (double)count < t->p ? NAN : val[0];
    *half = isnan(*est) ? INFINITY : os_half(val[1], val[2]);
    return 0;
}

int mr_precision_eval(const mr_comm *comm, const mr_results *res, uint64_t prefix,
                      const mr_prec_spec *spec, mr_prec_check *out)
{
    static const mr_comm solo = {0, 1, NULL};
    comm = comm ? comm : &solo;
    const uint64_t first = res->first_trial;
    const size_t n = prefix > first
                         ? (size_t)(prefix - first < res->ntrials ? prefix - first : res->ntrials)
                         : 0;
    const size_t S = (size_t)res->nsectors, H = (size_t)res->years;
    double *scratch = malloc((n ? n : 1) * sizeof *scratch);
    double *col = malloc((n ? n : 1) * sizeof *col);
    int rc = -1;
    if (mr_comm_any(comm, !scratch || !col))
        goto out;
    out->trials = prefix;
    for (int k = 0; k < spec->ntargets; k++) {
        const mr_prec_target *t = &spec->t[k];
        double est = NAN, half = INFINITY;
        const double *x = res->total_loss;
        if (t->sector >= 0) { /* the sector's headline loss GL + XC, as /summary */
            for (size_t i = 0; i < n; i++)
                col[i] = res->sector_gva_loss[i * S + (size_t)t->sector] +
                         res->sector_extra_cost[i * S + (size_t)t->sector];
            x = col;
        }
        int bad = 0;
        switch (t->kind) {
        case MR_PREC_MEAN: {
            mr_dvar v = {x, n, 1, 1, prefix};
            double sd;
            bad = mr_dstats_moments(comm, &v, 1, &est, &sd) != 0;
            half = prefix >= 2 ? MR_PREC_Z * sd / sqrt((double)prefix) : INFINITY;
            break;
        }
        case MR_PREC_VAR:
        case MR_PREC_ES:
            bad = tail_figures(comm, t, x, n, prefix, scratch, &est, &half);
            break;
        case MR_PREC_AAL:
        case MR_PREC_RP:
            bad = annual_figures(comm, t, res->annual_loss, n, H, prefix, scratch, &est, &half);
            break;
        }
        if (bad)
            goto out;
        out->estimate[k] = est;
        out->half_width[k] = half;
        out->relative[k] =
            isfinite(half) && isfinite(est) && est != 0.0 ? half / fabs(est) : INFINITY;
    }
    rc = 0;
out:
    free(scratch);
    free(col);
    return rc;
}

int mr_precision_met(const mr_prec_spec *spec, const mr_prec_check *c)
{
    for (int k = 0; k < spec->ntargets; k++)
        if (!(c->relative[k] <= spec->t[k].target))
            return 0;
    return 1;
}

/* ---- the re-layout between check points ------------------------------------------------- */

/* Values per trial over all variables. */
static size_t row_doubles(const mr_results *r)
{
    size_t c = 0;
    for (int k = 0; k < MR_NTRIAL_VARS; k++)
        c += mr_cols_count(mr_trial_vars[k].cols, r->nsectors, r->nminerals, r->years);
    return c;
}

/* The rank whose range of nblocks (mr_comm_block_range) holds block b. */
static int owner(uint64_t b, uint64_t nblocks, int size)
{
    for (int r = 0; r < size; r++) {
        uint64_t lo, hi;
        mr_comm_block_range(nblocks, r, size, &lo, &hi);
        if (b >= lo && b < hi)
            return r;
    }
    return -1;
}

/* Rows g0 .. g1 - 1 (global) of src to or from buf, packed variable by
   variable (to_buf), or from buf into dst. */
static void pack(const mr_results *src, mr_results *dst, uint64_t g0, uint64_t g1, double *buf,
                 int to_buf)
{
    size_t at = 0;
    for (int k = 0; k < MR_NTRIAL_VARS; k++) {
        const mr_trial_var *v = &mr_trial_vars[k];
        const size_t cols =
            mr_cols_count(v->cols, src ? src->nsectors : dst->nsectors,
                          src ? src->nminerals : dst->nminerals, src ? src->years : dst->years);
        const size_t len = (size_t)(g1 - g0) * cols;
        if (to_buf)
            memcpy(buf + at, mr_results_cvar(src, v) + (g0 - src->first_trial) * cols,
                   len * sizeof *buf);
        else
            memcpy(mr_results_var(dst, v) + (g0 - dst->first_trial) * cols, buf + at,
                   len * sizeof *buf);
        at += len;
    }
}

int mr_precision_grow(mr_results *res, uint64_t ntrials, const mr_comm *comm)
{
    const uint64_t B = MR_BLOCK_TRIALS, nold = res->ntrials_total;
    const uint64_t nb_old = (nold + B - 1) / B, nb_new = (ntrials + B - 1) / B;
    uint64_t blo, bhi;
    mr_comm_block_range(nb_new, comm->rank, comm->size, &blo, &bhi);
    const uint64_t first = blo * B, last = bhi * B < ntrials ? bhi * B : ntrials;
    mr_results nr;
    int oom = mr_results_alloc_rows(&nr, last > first ? last - first : 0, res->nsectors,
                                    res->nminerals, res->years, res->steps) != 0;
    double *buf = NULL;
    if (!oom) {
        nr.block_done = calloc(bhi > blo ? bhi - blo : 1, 1);
        buf = malloc(B * row_doubles(res) * sizeof *buf);
        oom = !nr.block_done || !buf;
    }
    if (mr_comm_any(comm, oom)) {
        mr_results_free(&nr);
        free(buf);
        return -1;
    }
    nr.first_trial = first;
    nr.ntrials_total = ntrials;
    nr.first_block = blo;
    nr.nblocks = bhi - blo;
    nr.trials_run = res->trials_run;
    nr.calls = res->calls;
    /* the bands stay with the rank that counted them (summed over ranks) */
    nr.band_q = res->band_q;
    nr.band_y = res->band_y;
    res->band_q = NULL;
    res->band_y = NULL;
    for (uint64_t b = 0; b < nb_old; b++) {
        const uint64_t g0 = b * B, g1 = g0 + B < nold ? g0 + B : nold;
        const int from = owner(b, nb_old, comm->size), to = owner(b, nb_new, comm->size);
        if (from != comm->rank && to != comm->rank && from == to)
            continue;
        if (from == to) { /* kept on this rank */
            pack(res, NULL, g0, g1, buf, 1);
            pack(NULL, &nr, g0, g1, buf, 0);
        } else { /* every rank takes part; the new owner keeps the rows */
            if (from == comm->rank)
                pack(res, NULL, g0, g1, buf, 1);
            mr_comm_bcast_from(comm, from, buf, (size_t)(g1 - g0) * row_doubles(res) * sizeof *buf);
            if (to == comm->rank)
                pack(NULL, &nr, g0, g1, buf, 0);
        }
        if (to == comm->rank)
            nr.block_done[b - blo] = 1;
    }
    free(buf);
    mr_results_free(res);
    *res = nr;
    return 0;
}

int mr_precision_binding(const mr_prec_spec *spec, const mr_prec_check *c)
{
    if (!mr_precision_met(spec, c))
        return -1;
    int best = 0;
    for (int k = 1; k < spec->ntargets; k++)
        if (c->relative[k] / spec->t[k].target > c->relative[best] / spec->t[best].target)
            best = k;
    return best;
}

/* A copy of n doubles or integers owned by x (NULL when out of memory). */
static void *keep_copy(mr_extras *x, const void *src, size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (p)
        memcpy(p, src, bytes);
    return p ? mr_extras_keep(x, p) : NULL;
}

int mr_precision_extras(void *xv, const mr_prec_spec *spec, const mr_prec_record *rec)
{
    mr_extras *x = xv;
    const int T = spec->ntargets, K = rec->ncheck;
    const mr_prec_check *last = &rec->check[K - 1];
    const char **names = mr_extras_keep(x, malloc((size_t)T * sizeof *names));
    double *target = mr_extras_keep(x, malloc((size_t)T * sizeof *target));
    int32_t *met = mr_extras_keep(x, malloc((size_t)T * sizeof *met));
    uint64_t *ct = mr_extras_keep(x, malloc((size_t)K * sizeof *ct));
    double *ce = mr_extras_keep(x, malloc((size_t)K * (size_t)T * sizeof *ce));
    double *ch = mr_extras_keep(x, malloc((size_t)K * (size_t)T * sizeof *ch));
    double *cr = mr_extras_keep(x, malloc((size_t)K * (size_t)T * sizeof *cr));
    const char **stop = mr_extras_keep(x, malloc(sizeof *stop));
    uint64_t *maxt = keep_copy(x, &spec->max_trials, sizeof spec->max_trials);
    if (!names || !target || !met || !ct || !ce || !ch || !cr || !stop || !maxt)
        return -1;
    for (int k = 0; k < T; k++) {
        if (!(names[k] = mr_extras_strdup(x, spec->t[k].name)))
            return -1;
        target[k] = spec->t[k].target;
        met[k] = last->relative[k] <= spec->t[k].target;
    }
    for (int c = 0; c < K; c++) {
        ct[c] = rec->check[c].trials;
        for (int k = 0; k < T; k++) {
            ce[c * T + k] = rec->check[c].estimate[k];
            ch[c * T + k] = rec->check[c].half_width[k];
            cr[c * T + k] = rec->check[c].relative[k];
        }
    }
    *stop = rec->stopped_by >= 0 ? names[rec->stopped_by] : "max_trials";
    const uint64_t uT = (uint64_t)T, uK = (uint64_t)K;
    const mr_output_extra e[] = {
        {.path = "precision/target",
         .type = MR_EXTRA_STR,
         .rank = 1,
         .dims = {uT},
         .dim_names = {"target"},
         .data = names,
         .is_coord = true,
         .description = "the statistics of --target-precision: mean_total, varP_total, "
                        "esP_total, varP_SECTOR, esP_SECTOR, aal, rpR (docs/STUDIES.md)"},
        {.path = "precision/check_trials",
         .type = MR_EXTRA_U64,
         .rank = 1,
         .dims = {uK},
         .dim_names = {"check_trials"},
         .data = ct,
         .is_coord = true,
         .units = "trials",
         .description = "the check points reached: 2^k blocks of 1024 trials, the last capped "
                        "at max_trials; the run stopped at the last"},
        {.path = "precision/stopped_by",
         .type = MR_EXTRA_STR,
         .rank = 0,
         .data = stop,
         .description = "the target that stopped the run (of the targets all met at the last "
                        "check point, the one nearest its limit), or max_trials when a target "
                        "was still unmet there"},
        {.path = "precision/max_trials",
         .type = MR_EXTRA_U64,
         .rank = 0,
         .data = maxt,
         .units = "trials",
         .description = "the cap of the run (--max-trials)"},
        {.path = "precision/target_relative_half_width",
         .type = MR_EXTRA_F64,
         .rank = 1,
         .dims = {uT},
         .dim_names = {"target"},
         .data = target,
         .units = "1",
         .description = "the relative half-width of the 95% interval wanted for each target"},
        {.path = "precision/met",
         .type = MR_EXTRA_I32,
         .rank = 1,
         .dims = {uT},
         .dim_names = {"target"},
         .data = met,
         .units = "1",
         .description = "1 when the target is met at the last check point, else 0"},
        {.path = "precision/estimate",
         .type = MR_EXTRA_F64,
         .rank = 2,
         .dims = {uK, uT},
         .dim_names = {"check_trials", "target"},
         .data = ce,
         .units = "GBP",
         .description = "the statistic at each check point, over all trials so far"},
        {.path = "precision/half_width",
         .type = MR_EXTRA_F64,
         .rank = 2,
         .dims = {uK, uT},
         .dim_names = {"check_trials", "target"},
         .data = ch,
         .units = "GBP",
         .description = "half-width of its 95% interval (mean, aal: 1.96 SE; varP, rpR: half "
                        "the distance between the order-statistic bounds of /summary's "
                        "quantile intervals; esP: 1.96 x the asymptotic SE); inf: no interval "
                        "yet"},
        {.path = "precision/relative_half_width",
         .type = MR_EXTRA_F64,
         .rank = 2,
         .dims = {uK, uT},
         .dim_names = {"check_trials", "target"},
         .data = cr,
         .units = "1",
         .description = "half_width / |estimate|: the precision reached at each check point "
                        "(the last row: at the stop)"},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        if (mr_extras_add(x, &e[i]))
            return -1;
    return 0;
}
