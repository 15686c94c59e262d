/* disrupt.c - a trial's disruptions and price jumps on the step grid
 * (MODEL §3, §3r, §3s, §3u, §5): each process's occurrences from its own
 * stream into the survival, export and licensing rows of the workspace,
 * and their reset after the trial. Split from sim/trial.c (the step loop),
 * which calls it at the start of every trial.
 */
#include "sim/trial.h"

#include "models/disruption.h"
#include "models/units.h"
#include "sim/rng.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One occurrence of process p on the step grid (MODEL §3): the survival
   factor 1 - s on its active steps of every slot it hits. */
static int trace_occurrence(mr_trace *tr, uint64_t trial, int p, const mr_occurrence *occ,
                            int first, int len, double rush)
{
    if (tr->nocc == tr->cap) {
        int cap = tr->cap ? 2 * tr->cap : 64;
        mr_occurrence_record *o = realloc(tr->occ, (size_t)cap * sizeof *o);
        if (!o)
            return -1;
        tr->occ = o;
        if (tr->M > 0) {
            double *h = realloc(tr->hit, (size_t)cap * 2 * (size_t)tr->M * sizeof *h);
            if (!h)
                return -1;
            tr->hit = h;
        }
        tr->cap = cap;
    }
    if (tr->M > 0)
        memset(tr->hit + (size_t)tr->nocc * 2 * (size_t)tr->M, 0,
               2 * (size_t)tr->M * sizeof(double));
    tr->occ[tr->nocc++] = (mr_occurrence_record){
        trial, p, first, len, occ->start_years, occ->duration_months, occ->severity, rush};
    return 0;
}

/* The open market's share of slot at step t (docs/MODEL.md §3s, §4). */
static inline double slot_share_at(const mr_model *md, int slot, size_t t)
{
    return md->slot_share_t ? md->slot_share_t[t * (size_t)md->nslots + (size_t)slot]
                            : md->slot_share[slot];
}

/* An occurrence of an outage of mineral m's domestic supply (process p,
   docs/MODEL.md §4) on steps first .. first + len - 1: keep_dom *= 1 - s. */
static void apply_domestic(const mr_model *md, int p, int first, int len, double sev,
                           mr_workspace *w)
{
    const int m = md->proc_index[p];
    if (w->cf && w->cf->mineral_off && w->cf->mineral_off[m])
        return; /* counterfactual: the mineral is never disrupted */
    double *row = w->keep_dom + (size_t)m * (size_t)md->T + (size_t)first;
    for (int t = 0; t < len; t++)
        row[t] *= 1.0 - sev;
    w->dom_touched[m] = 1;
}

static void apply_occurrence(const mr_model *md, int p, const mr_occurrence *occ, double rush,
                             mr_workspace *w)
{
    const int T = md->T;
    int first, len = mr_occurrence_steps(occ, md->n, T, &first);
    /* the trace's row of what the occurrence withholds (replay.h), or NULL */
    double *hit = NULL;
    if (w->trace) {
        if (trace_occurrence(w->trace, w->trial, p, occ, first, len, rush))
            w->trace_failed = 1;
        else if (w->trace->M > 0)
            hit = w->trace->hit + (size_t)(w->trace->nocc - 1) * 2 * (size_t)md->M;
    }
    if (md->proc_kind[p] == MR_PROC_DOMESTIC) { /* no slot: the mineral's domestic supply */
        apply_domestic(md, p, first, len, occ->severity, w);
        if (hit && !(w->cf && w->cf->mineral_off && w->cf->mineral_off[md->proc_index[p]])) {
            const int m = md->proc_index[p];
            double d = md->domestic_t ? md->domestic_t[(size_t)first * (size_t)md->M + (size_t)m]
                                      : md->domestic[m];
            hit[2 * m] = hit[2 * m + 1] = occ->severity * d;
        }
        return;
    }
    double sev = occ->severity * md->proc_sev_scale[p]; /* an ore ban: what is not
                                                          processed elsewhere */
    double keep = 1.0 - sev;
    const unsigned char *moff = w->cf ? w->cf->mineral_off : NULL;
    double lic = md->proc_licensing[p];
    int counted = -1; /* the mineral whose action this occurrence counted last */
    for (int q = md->proc_first[p]; q < md->proc_first[p + 1]; q++) {
        int slot = md->targets[q];
        if (moff && moff[md->slot_stage[slot] / 2])
            continue; /* counterfactual: the mineral is never disrupted */
        if (w->incl_on && !w->incl[md->slot_stage[slot] / 2])
            continue; /* this occurrence spares the mineral (docs/MODEL.md §3r) */
        if (!w->slot_touched[slot]) {
            w->slot_touched[slot] = 1;
            w->touched[w->ntouched++] = slot;
            w->stage_touched[md->slot_stage[slot]] = 1;
        }
        if (hit) {
            double sh = slot_share_at(md, slot, (size_t)first);
            if (md->slot_uk[slot] > sh)
                sh = md->slot_uk[slot];
            hit[md->slot_stage[slot]] += sev * sh;
        }
        /* an export control on the product stage withholds what refineries
           still make, and chains with the other stage differently from a
           physical loss or an ore ban (docs/MODEL.md §4): kept apart */
        double *row = (md->proc_exports[p] && md->slot_product[slot] ? w->survx : w->surv) +
                      (size_t)slot * (size_t)T + (size_t)first;
        unsigned char *on =
            w->stage_active + (size_t)md->slot_stage[slot] * (size_t)T + (size_t)first;
        unsigned char *mon =
            w->m_active + (size_t)(md->slot_stage[slot] / 2) * (size_t)T + (size_t)first;
        for (int t = 0; t < len; t++) {
            row[t] *= keep;
            on[t] |= 1;
            mon[t] = 1;
        }
        if (len > 0) { /* the stage's losses change where the occurrence starts and ends */
            on[0] |= 2;
            if (first + len < T)
                on[len] |= 2;
        }
        if (md->proc_exports[p]) {
            /* an export control: one action on the mineral (targets come
               mineral by mineral), and the country's spare capacity does
               not replace what it withholds (docs/MODEL.md §3s) */
            int m = md->slot_stage[slot] / 2;
            if (counted != m && md->slot_world[slot]) {
                w->actions[m] += 1.0;
                counted = m;
            }
            memset(w->xr + (size_t)slot * (size_t)T + (size_t)first, 1, (size_t)len);
        }
        if ((md->proc_exports[p] || lic > 0.0) && md->slot_product[slot]) {
            /* an export control on the product: the home price does not
               rise; licences denied restrict UK buyers (docs/MODEL.md §3s) */
            int m = md->slot_stage[slot] / 2;
            size_t at = (size_t)m * (size_t)T + (size_t)first;
            w->m_touched[m] = 1;
            if (md->slot_world[slot]) /* not a UK-only offtake partner */
                for (int t = 0; t < len; t++)
                    w->exp_on[at + (size_t)t] |= md->proc_exports[p];
            if (lic > 0.0) {
                /* licences denied on the UK's purchases from this country
                   (docs/MODEL.md §3u); deny is made from them once the
                   trial's occurrences are all in (licensing_to_deny) */
                double *lrow = w->lic + (size_t)slot * (size_t)T + (size_t)first;
                for (int t = 0; t < len; t++)
                    lrow[t] *= 1.0 - lic * sev;
                if (!w->lic_on[slot]) {
                    w->lic_on[slot] = 1;
                    w->lic_slots[w->nlic++] = slot;
                }
            }
            /* bought ahead after the announcement: rush months of the
               country's exports, s' of the open market's demand a month,
               held until the control starts (docs/MODEL.md §3s) */
            if (rush > 0.0 && len > 0 && md->market[m])
                w->rush[at] += rush * slot_share_at(md, slot, (size_t)first);
        }
    }
}

/* The UK's share of purchases from slot's country at step t (docs/MODEL.md
   §3u): after any cap, or on the cap's ramp-up from the share before it. */
static inline double uk_share(const mr_model *md, int slot, size_t t)
{
    const size_t at = t * (size_t)md->nslots + (size_t)slot;
    double after = md->slot_uk_t ? md->slot_uk_t[at] : md->slot_uk[slot];
    if (!md->uk_ramp_t)
        return after;
    double before = md->slot_uk_t ? md->slot_uk_before_t[at] : md->slot_uk_before[slot];
    return before + md->uk_ramp_t[t] * (after - before);
}

/* The share of the UK's purchases of each mineral not denied a licence
   (docs/MODEL.md §3u), for the minerals some licensing occurrence hit:
   deny = 1 - sum_c u_c [k_c (1 - l_c) + (1 - k_c) Phi_open], where l_c =
   prod_e (1 - lambda_e x_e) over the licensing occurrences on country c,
   k_c what c still produces (its outages and production events: what
   it withholds from export is what lambda is about), and
   Phi_open = sum_c s'_c (1 - l_c) the share denied of what the UK buys on
   the open market instead of what c does not deliver. */
static void licensing_to_deny(const mr_model *md, mr_workspace *w)
{
    const size_t T = (size_t)md->T;
    for (int k = 0; k < w->nlic; k++) {
        int st = md->slot_stage[w->lic_slots[k]], seen = 0;
        for (int j = 0; j < k && !seen; j++)
            seen = md->slot_stage[w->lic_slots[j]] == st;
        if (seen) /* the mineral is done */
            continue;
        const int first = md->stage_first[st], ns = md->stage_n[st];
        double *d = w->deny + (size_t)(st / 2) * T;
        for (size_t t = 0; t < T; t++) {
            double open = 0.0, phi = 0.0;
            for (int c = first; c < first + ns; c++)
                open += slot_share_at(md, c, t) * (1.0 - w->lic[(size_t)c * T + t]);
            for (int c = first; c < first + ns; c++) {
                double u = uk_share(md, c, t);
                if (u == 0.0)
                    continue;
                size_t at = (size_t)c * T + t;
                double kc = w->surv[at];
                phi += u * (kc * (1.0 - w->lic[at]) + (1.0 - kc) * open);
            }
            d[t] = phi < 1.0 ? 1.0 - phi : 0.0; /* shares summing to 1 + 1e-9, all denied */
        }
    }
}

/* The tension regime of every country that has one (docs/MODEL.md §3r),
   each from its own stream: segment ends and rate factors. */
static void sample_regimes(const mr_model *md, double horizon, uint64_t seed, uint64_t i,
                           mr_workspace *w)
{
    const size_t cap = (size_t)md->regime_max + 1;
    for (int c = 0; c < md->nc; c++) {
        if (!md->has_regime[c])
            continue;
        double *end = w->reg_end + (size_t)c * cap, *fac = w->reg_factor + (size_t)c * cap;
        w->words += mr_rng_words_used(w->rng);
        mr_rng_seek(w->rng, seed, md->regime_stream[c], i);
        int s0, n = mr_regime_path(&md->regime[c], horizon, w->rng, end, md->regime_max, &s0);
        end[n] = horizon;
        for (int k = 0; k <= n; k++)
            fac[k] = mr_regime_rate_factor(&md->regime[c], (s0 + k) % 2);
        w->reg_nseg[c] = n + 1;
    }
}

/* Which of its minerals an occurrence of event process p hits: one uniform
   per listed mineral whose probability is below 1, in file order, drawn
   after the marks from the process's stream (docs/MODEL.md §3r). */
static void draw_inclusion(const mr_model *md, int p, mr_workspace *w)
{
    const double *prob = md->proc_incl[p];
    for (int k = 0; k < md->proc_nincl[p]; k++) {
        int m = md->proc_incl_mineral[p][k];
        w->incl[m] = prob[k] >= 1.0 || gsl_rng_uniform(w->rng) < prob[k];
    }
    w->incl_on = 1;
}

/* A year-focused tilt (docs/MODEL.md §12i): the segments of process p's
   rate factor in w->fseg_*: its regime's (one segment of factor 1 without
   one), split at the focus window's ends max(0, fy - K + 1) and fy + 1 and
   times f inside it (fy < 0: nothing tilted). The number of segments. */
static int focus_segments(const mr_model *md, int p, double horizon, int fy, double f,
                          mr_workspace *w)
{
    const size_t cap = (size_t)md->regime_max + 1;
    const int c = md->proc_regime[p];
    const double one = 1.0;
    const int nb = c < 0 ? 1 : w->reg_nseg[c];
    const double *end = c < 0 ? &horizon : w->reg_end + (size_t)c * cap;
    const double *fac = c < 0 ? &one : w->reg_factor + (size_t)c * cap;
    const double lo = fy - md->focus_window + 1 > 0 ? fy - md->focus_window + 1 : 0, hi = fy + 1.0;
    int n = 0;
    for (int k = 0; k < nb; k++) {
        const double a = k ? end[k - 1] : 0.0, b = end[k];
        /* the pieces before, inside and after [lo, hi) */
        const double cut[4] = {a,
                               fy < 0 || lo < a ? a
                               : lo > b         ? b
                                                : lo,
                               fy < 0 || hi < a ? a
                               : hi > b         ? b
                                                : hi,
                               b}; /* fy < 0: all after */
        for (int j = 0; j < 3; j++)
            if (cut[j + 1] > cut[j]) {
                w->fseg_end[n] = cut[j + 1];
                w->fseg_factor[n++] = j == 1 && fy >= 0 ? fac[k] * f : fac[k];
            }
    }
    return n;
}

/* Each year's exposure of process p (the integral over [y, y + 1) of its
   regime's rate factor; 1 without a regime) into ex[0 .. H-1]. */
static void year_exposure(const mr_model *md, int p, mr_workspace *w, double *ex)
{
    const int c = md->proc_regime[p];
    if (c < 0) {
        for (int y = 0; y < md->H; y++)
            ex[y] = 1.0;
        return;
    }
    const size_t cap = (size_t)md->regime_max + 1;
    const double *end = w->reg_end + (size_t)c * cap, *fac = w->reg_factor + (size_t)c * cap;
    for (int y = 0; y < md->H; y++)
        ex[y] = 0.0;
    for (int k = 0; k < w->reg_nseg[c]; k++) {
        const double a = k ? end[k - 1] : 0.0, b = end[k];
        for (int y = (int)floor(a); y < md->H && y < b; y++) {
            const double lo = a > y ? a : y, hi = b < y + 1.0 ? b : y + 1.0;
            if (hi > lo)
                ex[y] += fac[k] * (hi - lo);
        }
    }
}

double mr_focus_log_weight(int H, double alpha, const double *ly)
{
    /* terms log alpha and log((1 - alpha) / H) + ly[y]; their log-sum-exp */
    const double lb = log1p(-alpha) - log((double)H);
    double m = alpha > 0.0 ? log(alpha) : -INFINITY;
    for (int y = 0; y < H; y++)
        if (lb + ly[y] > m)
            m = lb + ly[y];
    double s = alpha > 0.0 ? exp(log(alpha) - m) : 0.0;
    for (int y = 0; y < H; y++)
        s += exp(lb + ly[y] - m);
    return -(m + log(s));
}

/* Disruptions of trial i (MODEL §3): an event's certain occurrences first
   (the same in every trial, no random numbers, so no stream moves), then
   each process's Poisson occurrences from its own stream, at a rate its
   country's regime scales when it has one (docs/MODEL.md §3r). */
void mr_trial_sample_disruptions(const mr_model *md, double horizon, uint64_t seed, uint64_t i,
                                 mr_workspace *w)
{
    const unsigned char *poff = w->cf ? w->cf->proc_off : NULL;
    const size_t cap = (size_t)md->regime_max + 1;
    const int focus = md->focus_year, H = md->H;
    w->trial = i;
    w->logw = 0.0;
    if (md->any_regime)
        sample_regimes(md, horizon, seed, i, w);
    /* a year focus: the trial's focus year from its own stream, none with
       probability alpha (docs/MODEL.md §12i); drawn only when some factor
       is not 1, so that an identity tilt moves no stream */
    int fy = -1;
    if (focus && md->any_tilt) {
        w->words += mr_rng_words_used(w->rng);
        mr_rng_seek(w->rng, seed, md->focus_stream, i);
        if (!(gsl_rng_uniform(w->rng) < md->focus_alpha))
            fy = (int)gsl_rng_uniform_int(w->rng, (unsigned long)H);
        for (int y = 0; y < 2 * H; y++)
            w->ly[y] = 0.0;
    }
    for (int p = 0; p < md->nproc; p++) {
        double *cnt = w->pcount + (size_t)p * (focus ? (size_t)H : 1);
        double *ex = w->pexpo + (size_t)p * (focus ? (size_t)H : 1);
        for (int y = 0; y < (focus ? H : 1); y++)
            cnt[y] = ex[y] = 0.0;
        if (poff && poff[p])
            continue; /* counterfactual: never occurs (no other stream moves) */
        for (int k = 0; k < md->proc_ncertain[p]; k++) {
            const mr_certain_occurrence *c = &md->proc_certain[p][k];
            mr_occurrence occ = {c->start_years, c->duration_months, c->severity};
            apply_occurrence(md, p, &occ, c->rush_months, w);
        }
        if (!(md->proc[p]->rate_per_year > 0.0))
            continue;
        /* a tilted process (docs/MODEL.md §12i): rate f lambda (in the
           focus year alone with a year focus), from a stream of its own;
           its marks as the process's */
        const double f = md->proc_tilt[p];
        mr_process tilted;
        const mr_process *proc = md->proc[p];
        if (f != 1.0 && !focus) {
            tilted = *proc;
            tilted.rate_per_year *= f;
            proc = &tilted;
        }
        w->words += mr_rng_words_used(w->rng);
        mr_rng_seek(w->rng, seed, f != 1.0 ? md->proc_tilt_stream[p] : md->proc_stream[p], i);
        double clock = 0.0;
        mr_occurrence occ;
        int c = md->proc_regime[p], seg = 0, nocc = 0;
        int nseg = 0;
        const double *send = NULL, *sfac = NULL;
        if (focus && f != 1.0) { /* the focus year's segments, over the regime's if any */
            nseg = focus_segments(md, p, horizon, fy, f, w);
            send = w->fseg_end;
            sfac = w->fseg_factor;
        } else if (c >= 0) {
            nseg = w->reg_nseg[c];
            send = w->reg_end + (size_t)c * cap;
            sfac = w->reg_factor + (size_t)c * cap;
        }
        for (int k = 0; k < MR_OCCURRENCES_MAX; k++) {
            int more = !send ? mr_disruption_next(proc, horizon, w->rng, &clock, &occ)
                             : mr_disruption_next_piecewise(proc, nseg, send, sfac, w->rng, &clock,
                                                            &seg, &occ);
            if (!more)
                break;
            nocc++;
            if (focus) { /* counted in the year it starts */
                int y = (int)occ.start_years;
                cnt[y < H ? y : H - 1] += 1.0;
            }
            if (md->proc_incl[p])
                draw_inclusion(md, p, w);
            apply_occurrence(md, p, &occ, md->proc_rush[p], w);
            w->incl_on = 0;
        }
        const double lam = md->proc[p]->rate_per_year;
        if (focus) {
            /* each year's count and exposure; year y' of a focus window
               adds N_py' log f - (f - 1) lambda E_py' to log dQ_y/dP */
            year_exposure(md, p, w, ex);
            if (f != 1.0)
                for (int y = 0; y < H; y++)
                    w->ly[H + y] += cnt[y] * log(f) - (f - 1.0) * lam * ex[y];
            continue;
        }
        /* exposure: the integral over the horizon of the rate's regime
           factor (H without a regime); the likelihood ratio of the count
           N on it, (lambda / lambda')^N exp((lambda' - lambda) E) */
        double expo = horizon;
        if (c >= 0) {
            const double *end = w->reg_end + (size_t)c * cap,
                         *fac = w->reg_factor + (size_t)c * cap;
            expo = 0.0;
            for (int k = 0; k < w->reg_nseg[c]; k++)
                expo += fac[k] * (end[k] - (k ? end[k - 1] : 0.0));
        }
        cnt[0] = nocc;
        ex[0] = expo;
        if (f != 1.0)
            w->logw += -(double)nocc * log(f) + (f - 1.0) * lam * expo;
    }
    if (focus && md->any_tilt) {    /* the mixture's weight (docs/MODEL.md §12i) */
        for (int y = 0; y < H; y++) /* log dQ_y/dP: the sum over y's window */
            for (int v = y - md->focus_window + 1 > 0 ? y - md->focus_window + 1 : 0; v <= y; v++)
                w->ly[y] += w->ly[H + v];
        w->logw = mr_focus_log_weight(H, md->focus_alpha, w->ly);
    }
    licensing_to_deny(md, w);
}

/* Price jumps of trial i, by step of arrival (MODEL §5). */
void mr_trial_sample_jumps(const mr_model *md, double horizon, uint64_t seed, uint64_t i,
                           mr_workspace *w)
{
    for (int m = 0; m < md->M; m++) {
        if (!(md->jump_rate[m] > 0.0))
            continue;
        w->words += mr_rng_words_used(w->rng);
        mr_rng_seek(w->rng, seed, md->jump_stream[m], i);
        double clock = 0.0;
        for (int n = 0; n < MR_OCCURRENCES_MAX; n++) {
            clock += gsl_ran_exponential(w->rng, 1.0 / md->jump_rate[m]);
            if (clock >= horizon)
                break;
            int k = (int)floor(clock * md->n);
            if (k > md->T - 1)
                k = md->T - 1;
            w->jump[(size_t)m * (size_t)md->T + (size_t)k] +=
                md->jump_mu[m] + gsl_ran_gaussian_ziggurat(w->rng, md->jump_sigma[m]);
        }
    }
}

/* The keep_dom rows a trial touched all ones again. */
static void reset_domestic(const mr_model *md, mr_workspace *w)
{
    const size_t T = (size_t)md->T;
    for (int m = 0; m < md->M; m++)
        if (w->dom_touched[m]) {
            double *row = w->keep_dom + (size_t)m * T;
            for (size_t t = 0; t < T; t++)
                row[t] = 1.0;
            w->dom_touched[m] = 0;
        }
}

/* Leave the survival rows and stage flags touched by a trial all ones and
   zeros again, for the next trial. */
void mr_trial_reset_survival(const mr_model *md, mr_workspace *w)
{
    const int T = md->T;
    for (int k = 0; k < w->ntouched; k++) {
        int slot = w->touched[k];
        double *row = w->surv + (size_t)slot * (size_t)T;
        double *rowx = w->survx + (size_t)slot * (size_t)T;
        for (int t = 0; t < T; t++)
            row[t] = rowx[t] = 1.0;
        memset(w->xr + (size_t)slot * (size_t)T, 0, (size_t)T);
        w->slot_touched[slot] = 0;
        int st = md->slot_stage[slot];
        if (w->stage_touched[st]) {
            memset(w->stage_active + (size_t)st * (size_t)T, 0, (size_t)T);
            memset(w->m_active + (size_t)(st / 2) * (size_t)T, 0, (size_t)T);
            w->stage_touched[st] = 0;
            w->st_last[st] = -2;
        }
    }
    w->ntouched = 0;
    for (int k = 0; k < w->nlic; k++) {
        int slot = w->lic_slots[k];
        double *l = w->lic + (size_t)slot * (size_t)T;
        for (int t = 0; t < T; t++)
            l[t] = 1.0;
        w->lic_on[slot] = 0;
    }
    w->nlic = 0;
    for (int m = 0; m < md->M; m++)
        if (w->m_touched[m]) {
            size_t at = (size_t)m * (size_t)T;
            for (int t = 0; t < T; t++)
                w->deny[at + (size_t)t] = 1.0;
            memset(w->exp_on + at, 0, (size_t)T);
            w->m_touched[m] = 0;
        }
    if (md->any_supply_risk)
        reset_domestic(md, w);
}
