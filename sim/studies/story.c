/* story.c - one replayed trial as a story a policy analyst can follow
 * (`minrisk explain`, docs/STUDIES.md "Trial stories and the event table").
 *
 * Three parts: the disruptions in order of start; the months in which
 * something happened (quiet stretches are folded into one line, so every
 * month's loss is accounted for); the trial's totals per sector and per
 * mineral, from the replayed row (the numbers the result file stores).
 */
#define _POSIX_C_SOURCE 200809L

#include "sim/studies/story.h"

#include "models/units.h"
#include "out/format.h" /* mr_unsign_zero */

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MONTHLY ((int)MR_MONTHS_PER_YEAR) /* steps a year of a model in monthly steps */
#define LIST_MAX 6 /* entries of a list of minerals or sectors before "and N more" */

static const char *const stage_word[MR_NSTAGES] = {"mining", "refining"};

/* Append to a bounded buffer (truncates silently; the caller sized it). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
app(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strnlen(buf, size);
    if (len + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

/* Whether a ranked list of n entries stops before entry i; then ", and N
   more" ends it (after LIST_MAX entries, unless only one is left). */
static bool list_ends(char *line, size_t size, int i, int n)
{
    if (i != LIST_MAX || n <= LIST_MAX + 1)
        return false;
    app(line, size, ", and %d more", n - i);
    return true;
}

void mr_story_gbp_m(char *buf, size_t size, double gbp)
{
    double v = gbp / MR_GBP_PER_MILLION, a = fabs(v);
    if (!(a >= 1000.0) || a >= 1e15) {
        int dec = a >= 100.0 ? 1 : a >= 1.0 ? 2 : 3;
        snprintf(buf, size, "%.*f", dec, v);
        mr_unsign_zero(buf);
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", a);
    size_t n = strlen(digits), k = 0;
    char out[48];
    if (v < 0)
        out[k++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, size, "%s", out);
}

static void gbpm(char *buf, size_t size, double gbp)
{
    mr_story_gbp_m(buf, size, gbp);
}

static void pct(char *buf, size_t size, double fraction)
{
    snprintf(buf, size, "%.1f%%", 100.0 * fraction);
    mr_unsign_zero(buf);
}

/* A number of months: "113" when whole (counts of monthly or quarterly
   steps), else "2.2" (one decimal; two significant digits below 1, so a
   short duration does not print as "0.0"). */
static void months(char *buf, size_t size, double v)
{
    if (v == floor(v) && fabs(v) < 1e9)
        snprintf(buf, size, "%.0f", v);
    else if (fabs(v) < 0.95)
        snprintf(buf, size, "%.2g", v);
    else
        snprintf(buf, size, "%.1f", v);
}

void mr_story_when(const mr_model *md, int t, char *buf, size_t size)
{
    const int n = md->n;
    char m[32];
    months(m, sizeof m, t * md->h);
    if (n == MONTHLY)
        snprintf(buf, size, "month %d (year %d, month %d)", t, t / n + 1, t % n + 1);
    else
        snprintf(buf, size, "step %d (year %d, step %d of %d; month %s)", t, t / n + 1, t % n + 1,
                 n, m);
}

/* "month 22" or "step 40": the short form for ranges. */
static void when_short(const mr_model *md, int t, char *buf, size_t size)
{
    snprintf(buf, size, "%s %d", md->n == MONTHLY ? "month" : "step", t);
}

/* Minerals hit by process p: hit[m] = 1 (hit sized M, zeroed by the caller). */
static void process_minerals(const mr_model *md, int p, unsigned char *hit)
{
    for (int q = md->proc_first[p]; q < md->proc_first[p + 1]; q++)
        hit[md->slot_stage[md->targets[q]] / 2] = 1;
}

/* "a, b, c and 4 more" of the ids of the minerals flagged in hit. */
static void mineral_list(const mr_scenario *sc, const unsigned char *hit, char *buf, size_t size)
{
    int total = 0, shown = 0;
    for (int m = 0; m < sc->nminerals; m++)
        total += hit[m] != 0;
    for (int m = 0; m < sc->nminerals; m++) {
        if (!hit[m])
            continue;
        if (shown == LIST_MAX && total > LIST_MAX + 1) {
            app(buf, size, " and %d more", total - shown);
            return;
        }
        app(buf, size, "%s%s", shown ? ", " : "", sc->minerals[m].id);
        shown++;
    }
}

int mr_story_process(const mr_scenario *sc, const mr_model *md, int p, char *buf, size_t size)
{
    buf[0] = '\0';
    /* a domestic outage (docs/MODEL.md §4) strikes no country: NULL */
    const mr_country *c = md->proc_country[p] >= 0 ? &sc->countries[md->proc_country[p]] : NULL;
    unsigned char *hit = calloc((size_t)(sc->nminerals > 0 ? sc->nminerals : 1), 1);
    switch (md->proc_kind[p]) {
    case MR_PROC_COUNTRY:
        app(buf, size, "country-wide outage in %s, all its supply of ", c->name);
        if (hit) {
            process_minerals(md, p, hit);
            mineral_list(sc, hit, buf, size);
        }
        app(buf, size, " [country/%s]", c->id);
        break;
    case MR_PROC_SUPPLIER: {
        int slot = md->proc_index[p], st = md->slot_stage[slot];
        app(buf, size, "supplier outage: %s %s in %s (%.0f%% of the stage) [%s]",
            sc->minerals[st / 2].id, stage_word[st % 2], c->name, 100.0 * md->slot_share[slot],
            md->proc_name[p]);
        break;
    }
    case MR_PROC_EVENT: {
        const mr_event *e = &sc->events[md->proc_index[p]];
        app(buf, size, "%s [event %s: %s; ", e->name, e->id, c->name);
        if (hit) {
            for (int k = 0; k < e->nminerals; k++)
                hit[e->minerals[k]] = 1;
            mineral_list(sc, hit, buf, size);
        }
        app(buf, size, "; %s%s%s]", e->stages[MR_STAGE_MINING] ? "mining" : "",
            e->stages[MR_STAGE_MINING] && e->stages[MR_STAGE_REFINING] ? " and " : "",
            e->stages[MR_STAGE_REFINING] ? "refining" : "");
        break;
    }
    case MR_PROC_DOMESTIC:
        app(buf, size, "outage of the UK's domestic supply of %s [%s]",
            sc->minerals[md->proc_index[p]].id, md->proc_name[p]);
        break;
    }
    const int rc = hit ? 0 : -1; /* the minerals left out of buf */
    free(hit);
    return rc;
}

/* ---- the parts of the story ------------------------------------------------ */

typedef struct {
    const mr_story *s;
    FILE *out;
    int M, S, T;
    unsigned char *mineral_on; /* [M] minerals in the story (all, or the sector's needs) */
    unsigned char *occ_on;     /* [nocc] occurrences in the story */
    int *order;                /* [nocc] occurrences by start */
    int *ranked;               /* [max(M, S)] scratch for sorting by size */
    double *key;               /* [max(M, S)] the values ranked sorts by */
    bool nomem;                /* out of memory: something was left out */
} teller;

static bool sector_on(const teller *t, int j)
{
    return t->s->sector < 0 || t->s->sector == j;
}

/* Occurrences by start time, ties in sampling order (insertion sort: a
   trial has a few dozen). */
static void sort_by_start(const mr_trace *tr, int *order)
{
    for (int i = 0; i < tr->nocc; i++)
        order[i] = i;
    for (int i = 1; i < tr->nocc; i++) {
        int v = order[i], j = i - 1;
        while (j >= 0 && tr->occ[order[j]].start_years > tr->occ[v].start_years) {
            order[j + 1] = order[j];
            j--;
        }
        order[j + 1] = v;
    }
}

/* Indices 0..n-1 with key[i] >= floor, largest first (ties by index). */
static int rank_desc(const double *key, int n, double floor_value, int *idx)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (key[i] >= floor_value)
            idx[k++] = i;
    for (int i = 1; i < k; i++) { /* insertion sort: n is a few dozen */
        int v = idx[i], j = i - 1;
        while (j >= 0 && key[idx[j]] < key[v]) {
            idx[j + 1] = idx[j];
            j--;
        }
        idx[j + 1] = v;
    }
    return k;
}

/* The story's loss in step t (all sectors, or the one sector). */
static double step_loss(const teller *t, int step)
{
    double l = 0.0;
    for (int j = 0; j < t->S; j++)
        if (sector_on(t, j))
            l += t->s->tr->value_loss[(size_t)step * (size_t)t->S + (size_t)j] +
                 t->s->tr->extra_cost[(size_t)step * (size_t)t->S + (size_t)j];
    return l;
}

/* The story's loss over the horizon, from the replayed row. */
static double story_loss(const teller *t)
{
    const mr_results *r = t->s->row;
    if (t->s->sector < 0)
        return r->total_loss[0];
    return r->sector_gva_loss[t->s->sector] + r->sector_extra_cost[t->s->sector];
}

/* The worst month, the months with output lost, the sources that drove the
   loss (counterfactual replays) and the sectors' shares. */
static void print_brief(teller *t)
{
    const mr_story *s = t->s;
    const mr_model *md = s->md;
    char a[96], b[64], c[64];
    fprintf(t->out, "In brief:\n");
    int worst = 0, lost = 0;
    for (int step = 0; step < t->T; step++) {
        if (step_loss(t, step) > step_loss(t, worst))
            worst = step;
        for (int j = 0; j < t->S; j++)
            if (sector_on(t, j) &&
                s->tr->q[(size_t)step * (size_t)t->S + (size_t)j] >= MR_STORY_INOPERABILITY_MIN) {
                lost++;
                break;
            }
    }
    const double total = story_loss(t);
    mr_story_when(md, worst, a, sizeof a);
    gbpm(b, sizeof b, step_loss(t, worst));
    fprintf(t->out, "  worst %s: %s, GBP %s m lost; output lost (above %.2g%%) in %d of %d %ss\n",
            md->n == MONTHLY ? "month" : "step", a, b, 100.0 * MR_STORY_INOPERABILITY_MIN, lost,
            t->T, md->n == MONTHLY ? "month" : "step");

    /* the sources whose removal saves the most */
    if (s->loss_without) {
        int *idx = calloc((size_t)(md->nproc > 0 ? md->nproc : 1), sizeof *idx);
        double *saved = calloc((size_t)(md->nproc > 0 ? md->nproc : 1), sizeof *saved);
        t->nomem |= !idx || !saved;
        if (idx && saved) {
            for (int p = 0; p < md->nproc; p++)
                saved[p] = isnan(s->loss_without[p]) ? -INFINITY : total - s->loss_without[p];
            int n = rank_desc(saved, md->nproc, -DBL_MAX, idx);
            if (n > 0) {
                fprintf(t->out, "  what drove the loss: the trial replayed with one source of "
                                "disruption switched off (same random numbers),\n"
                                "  GBP m saved (the parts overlap, so they need not add up to "
                                "the loss):\n");
                for (int i = 0; i < n && i < LIST_MAX; i++) {
                    int p = idx[i], count = 0;
                    for (int k = 0; k < s->tr->nocc; k++)
                        count += s->tr->occ[k].process == p;
                    gbpm(b, sizeof b, saved[p]);
                    /* a share of the loss only when there is a loss: of a negative
                       total (prices below their reference) it would mean nothing */
                    if (total > 0.0)
                        snprintf(c, sizeof c, "%.0f%%", 100.0 * saved[p] / total);
                    else
                        c[0] = '\0';
                    char what[1024];
                    t->nomem |= mr_story_process(s->sc, md, p, what, sizeof what) < 0;
                    char *cut = strstr(what, ", all its supply of"), *br = strrchr(what, '[');
                    if (cut && br && br > cut + 1) { /* the country is enough here */
                        memmove(cut + 1, br, strlen(br) + 1);
                        cut[0] = ' ';
                    }
                    fprintf(t->out, "    %10s  %4s  %s (%d occurrence%s)\n", b, c, what, count,
                            count == 1 ? "" : "s");
                }
                if (n > LIST_MAX)
                    fprintf(t->out, "    (and %d more sources, each saving less)\n", n - LIST_MAX);
            }
        }
        free(idx);
        free(saved);
    }

    /* the sectors' shares of the loss */
    if (s->sector < 0 && t->S > 1) {
        for (int j = 0; j < t->S; j++)
            t->key[j] = s->row->sector_gva_loss[j] + s->row->sector_extra_cost[j];
        int n = rank_desc(t->key, t->S, -DBL_MAX, t->ranked);
        fprintf(t->out, "  loss by sector:");
        for (int i = 0; i < n; i++) {
            int j = t->ranked[i];
            gbpm(b, sizeof b, t->key[j]);
            fprintf(t->out, "%s %s GBP %s m", i ? "," : "", s->sc->sectors[j].id, b);
            if (total > 0.0) /* shares of a loss, not of a negative total */
                fprintf(t->out, " (%.0f%%)", 100.0 * t->key[j] / total);
        }
        fprintf(t->out, "\n");
    }
    fprintf(t->out, "\n");
}

/* The sampled duration is shown beside the active months when it differs
   from them by this much or more (months: what one decimal shows). */
#define SAMPLED_SHOWN 0.05

/* How long occurrence o was active, as the model ran it: whole steps,
   max(1, round(d n / 12)) cut at the horizon (MODEL §3), then the sampled
   duration d when it differs by SAMPLED_SHOWN or more: "2 months (months
   4-5; sampled 2.2 months)"; in a month's block (in_block), "2 months (to
   month 5; ...)" or "1 month (month 104 only; ...)". Other steps: "2 steps
   = 6 months (steps 4-5)". */
static void active_span(const teller *t, const mr_occurrence_record *o, bool in_block, char *buf,
                        size_t size)
{
    const mr_model *md = t->s->md;
    const bool monthly = md->n == MONTHLY;
    const char *unit = monthly ? "month" : "step";
    const int first = o->first_step, last = o->first_step + o->nsteps - 1;
    const double active = o->nsteps * md->h;
    char m[32];
    buf[0] = '\0';
    app(buf, size, "%d %s%s", o->nsteps, unit, o->nsteps == 1 ? "" : "s");
    if (!monthly) {
        months(m, sizeof m, active);
        app(buf, size, " = %s months", m);
    }
    if (last <= first)
        app(buf, size, " (%s %d%s", unit, first, in_block ? " only" : "");
    else if (in_block)
        app(buf, size, " (to %s %d", unit, last);
    else
        app(buf, size, " (%ss %d-%d", unit, first, last);
    if (fabs(o->duration_months - active) >= SAMPLED_SHOWN) {
        bool cut = last + 1 >= t->T && o->duration_months > active + 0.5 * md->h;
        months(m, sizeof m, o->duration_months);
        app(buf, size, "; sampled %s months%s", m, cut ? ", cut at the end of the horizon" : "");
    }
    app(buf, size, ")");
}

static void print_disruptions(teller *t)
{
    const mr_story *s = t->s;
    const mr_trace *tr = s->tr;
    int shown = 0;
    for (int k = 0; k < tr->nocc; k++)
        shown += t->occ_on[k] != 0;
    if (tr->nocc == 0) {
        fprintf(t->out, "Disruptions: none in this trial.\n");
        return;
    }
    if (s->sector >= 0)
        fprintf(t->out,
                "Disruptions that hit a mineral %s needs (%d of %d in this trial), by start:\n",
                s->sc->sectors[s->sector].id, shown, tr->nocc);
    else
        fprintf(t->out,
                "Disruptions (%d in this trial), by start; severity = share of the affected "
                "supply withheld:\n",
                tr->nocc);
    for (int i = 0; i < tr->nocc; i++) {
        int k = t->order[i];
        if (!t->occ_on[k])
            continue;
        const mr_occurrence_record *o = &tr->occ[k];
        char when[96], span[160], what[1024];
        mr_story_when(s->md, o->first_step, when, sizeof when);
        active_span(t, o, false, span, sizeof span);
        t->nomem |= mr_story_process(s->sc, s->md, o->process, what, sizeof what) < 0;
        char rush[96] = "";
        if (o->rush_months > 0.0) /* docs/MODEL.md §3s: stock bought ahead of the control */
            snprintf(rush, sizeof rush, "; %g months of its exports bought ahead", o->rush_months);
        fprintf(t->out, "  %s: %.0f%% for %s%s\n      %s\n", when, 100.0 * o->severity, span, rush,
                what);
    }
}

/* The short description of an occurrence in a month's lines. */
static void occurrence_brief(const teller *t, int k, char *buf, size_t size)
{
    const mr_story *s = t->s;
    const mr_occurrence_record *o = &s->tr->occ[k];
    const mr_model *md = s->md;
    const int pc = md->proc_country[o->process]; /* -1: a domestic outage */
    const mr_country *c = pc >= 0 ? &s->sc->countries[pc] : NULL;
    buf[0] = '\0';
    switch (md->proc_kind[o->process]) {
    case MR_PROC_COUNTRY:
        app(buf, size, "country-wide outage in %s", c->name);
        break;
    case MR_PROC_SUPPLIER: {
        int st = md->slot_stage[md->proc_index[o->process]];
        app(buf, size, "%s %s outage in %s", s->sc->minerals[st / 2].id, stage_word[st % 2],
            c->name);
        break;
    }
    case MR_PROC_EVENT:
        app(buf, size, "%s", s->sc->events[md->proc_index[o->process]].name);
        break;
    case MR_PROC_DOMESTIC:
        app(buf, size, "outage of the UK's domestic %s",
            s->sc->minerals[md->proc_index[o->process]].id);
        break;
    }
}

/* The open market of mineral m at a step of the trace (docs/MODEL.md §5m):
   its supply loss 1 - A; false when m has no market block or the market is
   at rest (no loss, the stock at its rest level, the price at reference). */
static bool market_moving(const mr_story *s, size_t k, int m, double *loss)
{
    const mr_trace *tr = s->tr;
    *loss = 1.0 - tr->availability[k];
    return s->md->market[m] && (*loss > 0.0 || tr->market_price[k] != 1.0 ||
                                tr->stock[k] != s->md->mrule[m].rest_months);
}

/* One notable step: its loss, what started and ended, the minerals short,
   the open markets, the stockpiles, the sectors' inoperability. */
static void print_step(teller *t, int step, double loss, double ol, double xc)
{
    const mr_story *s = t->s;
    const mr_trace *tr = s->tr;
    const mr_model *md = s->md;
    const int M = t->M, S = t->S;
    char when[96], a[64], b[64], c[64], line[2048];
    mr_story_when(md, step, when, sizeof when);
    gbpm(a, sizeof a, loss);
    gbpm(b, sizeof b, ol);
    gbpm(c, sizeof c, xc);
    fprintf(t->out, "%s: loss GBP %s m (value added %s m, extra input cost %s m)\n", when, a, b, c);

    for (int i = 0; i < tr->nocc; i++) {
        int k = t->order[i];
        const mr_occurrence_record *o = &tr->occ[k];
        if (!t->occ_on[k] || o->first_step != step)
            continue;
        occurrence_brief(t, k, line, sizeof line);
        char span[160];
        active_span(t, o, true, span, sizeof span);
        fprintf(t->out, "    starts: %s, %.0f%% withheld for %s\n", line, 100.0 * o->severity,
                span);
    }
    for (int i = 0; i < tr->nocc; i++) {
        int k = t->order[i];
        const mr_occurrence_record *o = &tr->occ[k];
        if (!t->occ_on[k] || o->first_step + o->nsteps != step)
            continue;
        occurrence_brief(t, k, line, sizeof line);
        when_short(md, o->first_step, a, sizeof a);
        fprintf(t->out, "    ends:   %s (from %s)\n", line, a);
    }

    /* minerals short, largest shortfall first */
    const double *u = tr->u + (size_t)step * (size_t)M;
    const double *ratio = tr->ratio + (size_t)step * (size_t)M;
    for (int m = 0; m < M; m++)
        t->key[m] = t->mineral_on[m] ? u[m] : -1.0;
    int n = rank_desc(t->key, M, MR_STORY_SHORTFALL_MIN, t->ranked);
    if (n > 0) {
        line[0] = '\0';
        for (int i = 0; i < n && !list_ends(line, sizeof line, i, n); i++) {
            int m = t->ranked[i];
            pct(a, sizeof a, u[m]);
            app(line, sizeof line, "%s%s %s (%sx%.2f)", i ? ", " : "", s->sc->minerals[m].id, a,
                i ? "" : "price ", ratio[m]);
        }
        fprintf(t->out, "    short:  %s\n", line);
    }

    /* open markets that are not at rest: clearing price, commercial stock,
       supply loss */
    for (int m = 0; m < M; m++) {
        size_t k = (size_t)step * (size_t)M + (size_t)m;
        double mloss;
        if (!t->mineral_on[m] || !market_moving(s, k, m, &mloss))
            continue;
        pct(a, sizeof a, mloss);
        fprintf(t->out,
                "    market: %s price x%.4g (market only), stock %.3g months (rest %.3g), "
                "supply loss %s\n",
                s->sc->minerals[m].id, tr->market_price[k], tr->stock[k], md->mrule[m].rest_months,
                a);
    }

    /* stockpiles: releases and the month one runs empty */
    for (int m = 0; m < M; m++) {
        if (!t->mineral_on[m] || !md->has_stockpile[m])
            continue;
        size_t k = (size_t)step * (size_t)M + (size_t)m;
        double before = step > 0 ? tr->level[k - (size_t)M] : md->stockpile_initial[m];
        bool empty = before > 0.0 && tr->level[k] <= 0.0;
        if (tr->release[k] > 0.0) {
            pct(a, sizeof a, tr->gap[k]);
            pct(b, sizeof b, tr->release[k]);
            fprintf(t->out,
                    "    stock:  %s gap %s of demand, stockpile releases %s, %.2f months "
                    "of demand left%s\n",
                    s->sc->minerals[m].id, a, b, tr->level[k], empty ? " - now EMPTY" : "");
        } else if (empty) {
            fprintf(t->out, "    stock:  %s stockpile EMPTY\n", s->sc->minerals[m].id);
        }
    }

    /* sectors, most inoperable first */
    const double *q = tr->q + (size_t)step * (size_t)S;
    for (int j = 0; j < S; j++)
        t->key[j] = sector_on(t, j) ? q[j] : -1.0;
    n = rank_desc(t->key, S, MR_STORY_INOPERABILITY_MIN, t->ranked);
    if (n > 0) {
        line[0] = '\0';
        for (int i = 0; i < n && !list_ends(line, sizeof line, i, n); i++) {
            int j = t->ranked[i];
            pct(a, sizeof a, q[j]);
            gbpm(b, sizeof b, tr->value_loss[(size_t)step * (size_t)S + (size_t)j]);
            app(line, sizeof line, "%s%s %s (GBP %s m)", i ? ", " : "", s->sc->sectors[j].id, a, b);
        }
        fprintf(t->out, "    output: %s\n", line);
    }
}

/* Is anything worth a line happening in this step? */
static bool step_notable(const teller *t, int step)
{
    const mr_story *s = t->s;
    const mr_trace *tr = s->tr;
    const mr_model *md = s->md;
    for (int k = 0; k < tr->nocc; k++)
        if (t->occ_on[k] &&
            (tr->occ[k].first_step == step || tr->occ[k].first_step + tr->occ[k].nsteps == step))
            return true;
    for (int m = 0; m < t->M; m++) {
        size_t k = (size_t)step * (size_t)t->M + (size_t)m;
        if (!t->mineral_on[m])
            continue;
        if (tr->u[k] >= MR_STORY_SHORTFALL_MIN || tr->gap[k] >= MR_STORY_SHORTFALL_MIN ||
            tr->release[k] > 0.0)
            return true;
        double loss;
        if (market_moving(s, k, m, &loss) && loss >= MR_STORY_SHORTFALL_MIN)
            return true;
        double before = step > 0 ? tr->level[k - (size_t)t->M] : md->stockpile_initial[m];
        if (md->has_stockpile[m] && before > 0.0 && tr->level[k] <= 0.0)
            return true;
    }
    for (int j = 0; j < t->S; j++)
        if (sector_on(t, j) &&
            tr->q[(size_t)step * (size_t)t->S + (size_t)j] >= MR_STORY_INOPERABILITY_MIN)
            return true;
    return false;
}

/* Did step differ from the last step printed (prev) by enough to print it:
   a disruption starting or ending, a stockpile running empty or starting or
   stopping its releases, a mineral or sector crossing the noise floor, or
   moving by MR_STORY_CHANGE_MIN or more? */
static bool step_changed(const teller *t, int step, int prev)
{
    const mr_story *s = t->s;
    const mr_trace *tr = s->tr;
    const mr_model *md = s->md;
    const size_t M = (size_t)t->M, S = (size_t)t->S;
    for (int k = 0; k < tr->nocc; k++)
        if (t->occ_on[k] &&
            (tr->occ[k].first_step == step || tr->occ[k].first_step + tr->occ[k].nsteps == step))
            return true;
    for (int m = 0; m < t->M; m++) {
        if (!t->mineral_on[m])
            continue;
        size_t k = (size_t)step * M + (size_t)m, p = (size_t)prev * M + (size_t)m;
        double before = step > 0 ? tr->level[k - M] : md->stockpile_initial[m];
        if (md->has_stockpile[m] && before > 0.0 && tr->level[k] <= 0.0)
            return true;
        if ((tr->release[k] > 0.0) != (tr->release[p] > 0.0) ||
            (tr->u[k] >= MR_STORY_SHORTFALL_MIN) != (tr->u[p] >= MR_STORY_SHORTFALL_MIN) ||
            fabs(tr->u[k] - tr->u[p]) >= MR_STORY_CHANGE_MIN)
            return true;
        if (!md->market[m])
            continue;
        /* Both calls run: each fills its own loss. */
        double lk, lp;
        bool moving_k = market_moving(s, k, m, &lk);
        bool moving_p = market_moving(s, p, m, &lp);
        if ((moving_k || moving_p) &&
            ((lk >= MR_STORY_SHORTFALL_MIN) != (lp >= MR_STORY_SHORTFALL_MIN) ||
             fabs(lk - lp) >= MR_STORY_CHANGE_MIN))
            return true;
    }
    for (int j = 0; j < t->S; j++) {
        if (!sector_on(t, j))
            continue;
        double q = tr->q[(size_t)step * S + (size_t)j], qp = tr->q[(size_t)prev * S + (size_t)j];
        if ((q >= MR_STORY_INOPERABILITY_MIN) != (qp >= MR_STORY_INOPERABILITY_MIN) ||
            fabs(q - qp) >= MR_STORY_CHANGE_MIN)
            return true;
    }
    return false;
}

/* A run of steps folded into one line. */
enum { RUN_NONE, RUN_QUIET, RUN_STEADY };

static void print_run(teller *t, int kind, int from, int to, int printed, double loss)
{
    if (kind == RUN_NONE)
        return;
    const char *unit = t->s->md->n == MONTHLY ? "month" : "step";
    char range[64], l[64], per[64];
    if (from == to)
        snprintf(range, sizeof range, "%s %d", unit, from);
    else
        snprintf(range, sizeof range, "%ss %d-%d", unit, from, to);
    gbpm(l, sizeof l, loss);
    gbpm(per, sizeof per, loss / (to - from + 1));
    if (kind == RUN_QUIET)
        fprintf(t->out, "%s: quiet; loss GBP %s m%s\n", range, l,
                loss < 0.0 ? " (input prices below their reference: a saving)" : "");
    else if (from == to) /* one month: its loss is the monthly figure */
        fprintf(t->out, "%s: much as %s %d (all within %g points); loss GBP %s m\n", range, unit,
                printed, 100.0 * MR_STORY_CHANGE_MIN, l);
    else
        fprintf(t->out, "%s: much as %s %d (all within %g points); loss GBP %s m, GBP %s m a %s\n",
                range, unit, printed, 100.0 * MR_STORY_CHANGE_MIN, l, per, unit);
}

static void print_months(teller *t)
{
    const mr_story *s = t->s;
    const mr_trace *tr = s->tr;
    char title[160];
    if (s->all_steps)
        snprintf(title, sizeof title, "every step");
    else
        snprintf(title, sizeof title,
                 "the steps in which something started, ended or changed by %g points or more",
                 100.0 * MR_STORY_CHANGE_MIN);
    /* each line covers one step: "month" on a monthly grid, else "step"
       (a quarter or a year is one line, its loss the whole step's) */
    const bool monthly = s->md->n == MONTHLY;
    const char *unit = monthly ? "month" : "step";
    char head[96];
    if (monthly)
        snprintf(head, sizeof head, "Month by month");
    else
        snprintf(head, sizeof head, "Step by step (a step is %g months)", s->md->h);
    fprintf(t->out,
            "\n%s (%s):\n"
            "  loss   = value added lost + extra input cost of %s in the %s, GBP m\n"
            "  short  = net shortfall after any stockpile release, %% of demand (price = P/P0)\n"
            "  market = the open market of a mineral with a market block, when not at rest:\n"
            "           clearing price exp(p*) = P*/P0 (market only, no noise), commercial\n"
            "           stock K after the %s in months of demand (its rest level), and\n"
            "           supply loss 1 - A, %% of the open market's demand\n"
            "  output = inoperability, %% of the sector's output lost (GBP m in the %s)\n"
            "  quiet  = no shortfall or open-market supply loss above %.2g%% of demand, no\n"
            "           sector above %.2g%% inoperable\n",
            head, title, s->sector >= 0 ? s->sc->sectors[s->sector].id : "all sectors", unit, unit,
            unit, 100.0 * MR_STORY_SHORTFALL_MIN, 100.0 * MR_STORY_INOPERABILITY_MIN);
    int run = RUN_NONE, run_from = 0, printed = -1;
    double run_loss = 0.0;
    for (int step = 0; step < t->T; step++) {
        double ol = 0.0, xc = 0.0;
        for (int j = 0; j < t->S; j++)
            if (sector_on(t, j)) {
                ol += tr->value_loss[(size_t)step * (size_t)t->S + (size_t)j];
                xc += tr->extra_cost[(size_t)step * (size_t)t->S + (size_t)j];
            }
        int kind = RUN_NONE; /* RUN_NONE: print the step */
        if (!s->all_steps) {
            if (!step_notable(t, step))
                kind = RUN_QUIET;
            else if (printed >= 0 &&
                     (run == RUN_STEADY || (run == RUN_NONE && printed == step - 1)) &&
                     !step_changed(t, step, printed))
                kind = RUN_STEADY; /* compared with the last step told, not the last step */
        }
        if (kind != run) {
            print_run(t, run, run_from, step - 1, printed, run_loss);
            run = kind;
            run_from = step;
            run_loss = 0.0;
        }
        if (kind == RUN_NONE) {
            print_step(t, step, ol + xc, ol, xc);
            printed = step;
        } else {
            run_loss += ol + xc;
        }
    }
    print_run(t, run, run_from, t->T - 1, printed, run_loss);
}

/* ---- totals: column-aligned tables ---------------------------------------- */

#define CELL 40

typedef struct {
    int rows, cols;
    char (*cell)[CELL];
} table;

static char *cell(table *tb, int r, int c)
{
    return tb->cell[r * tb->cols + c];
}

#define TOTALS_COLS 6 /* of the tables of totals */

/* A table of totals of `rows` rows, the first two its header; -1 when out
   of memory. */
static int new_totals(table *tb, int rows, const char *const head[2][TOTALS_COLS])
{
    *tb = (table){rows, TOTALS_COLS, calloc((size_t)rows * TOTALS_COLS, sizeof *tb->cell)};
    if (!tb->cell)
        return -1;
    for (int h = 0; h < 2; h++)
        for (int c = 0; c < TOTALS_COLS; c++)
            snprintf(cell(tb, h, c), CELL, "%s", head[h][c]);
    return 0;
}

static void print_table(FILE *out, table *tb)
{
    int width[16] = {0};
    for (int c = 0; c < tb->cols && c < 16; c++)
        for (int r = 0; r < tb->rows; r++) {
            int w = (int)strlen(cell(tb, r, c));
            if (w > width[c])
                width[c] = w;
        }
    for (int r = 0; r < tb->rows; r++) {
        int last = tb->cols - 1; /* no trailing blanks after empty cells */
        while (last > 0 && !cell(tb, r, last)[0])
            last--;
        fprintf(out, "  %-*s", last > 0 ? width[0] : 0, cell(tb, r, 0));
        for (int c = 1; c <= last; c++)
            fprintf(out, "  %*s", width[c], cell(tb, r, c));
        fputc('\n', out);
    }
}

static void print_sector_totals(teller *t)
{
    const mr_story *s = t->s;
    const mr_results *r = s->row;
    static const char *const head[2][TOTALS_COLS] = {
        {"sector", "value added lost", "extra input cost", "total", "peak inoperability",
         "months > 5%"},
        {"", "GBP m", "GBP m", "GBP m", "% of output", "months"}};
    int n = 0;
    for (int j = 0; j < t->S; j++)
        n += sector_on(t, j);
    table tb;
    if (new_totals(&tb, n + 2 + (s->sector < 0), head) < 0) {
        t->nomem = true;
        return;
    }
    int row = 2;
    double sum_ol = 0.0, sum_xc = 0.0;
    for (int j = 0; j < t->S; j++) {
        if (!sector_on(t, j))
            continue;
        double ol = r->sector_gva_loss[j], xc = r->sector_extra_cost[j];
        sum_ol += ol;
        sum_xc += xc;
        snprintf(cell(&tb, row, 0), CELL, "%s", s->sc->sectors[j].id);
        gbpm(cell(&tb, row, 1), CELL, ol);
        gbpm(cell(&tb, row, 2), CELL, xc);
        gbpm(cell(&tb, row, 3), CELL, ol + xc);
        pct(cell(&tb, row, 4), CELL, r->sector_inoperability_peak[j]);
        months(cell(&tb, row, 5), CELL, r->sector_inoperability_months[j]);
        row++;
    }
    if (s->sector < 0) {
        snprintf(cell(&tb, row, 0), CELL, "all sectors");
        gbpm(cell(&tb, row, 1), CELL, sum_ol);
        gbpm(cell(&tb, row, 2), CELL, sum_xc);
        gbpm(cell(&tb, row, 3), CELL, r->total_loss[0]);
    }
    fprintf(t->out, "\nSectors over the %d-year horizon:\n", s->md->H);
    print_table(t->out, &tb);
    free(tb.cell);
}

static void print_mineral_totals(teller *t)
{
    const mr_story *s = t->s;
    const mr_results *r = s->row;
    const int M = t->M;
    int n = 0;
    for (int m = 0; m < M; m++)
        n += t->mineral_on[m] &&
             (r->mineral_shortfall_peak[m] > 0.0 || !isnan(r->mineral_stockpile_empty_month[m]));
    if (n == 0) {
        fprintf(t->out, "\nNo mineral ran short in this trial.\n");
        return;
    }
    static const char *const head[2][TOTALS_COLS] = {
        {"mineral", "peak shortfall", "mean shortfall", "months > 1%", "peak price",
         "stockpile empty"},
        {"", "% of demand", "% of demand", "months", "P/P0", "month"}};
    table tb;
    if (new_totals(&tb, n + 2, head) < 0) {
        t->nomem = true;
        return;
    }
    int row = 2;
    for (int m = 0; m < M; m++) {
        double empty = r->mineral_stockpile_empty_month[m];
        if (!t->mineral_on[m] || !(r->mineral_shortfall_peak[m] > 0.0 || !isnan(empty)))
            continue;
        snprintf(cell(&tb, row, 0), CELL, "%s", s->sc->minerals[m].id);
        pct(cell(&tb, row, 1), CELL, r->mineral_shortfall_peak[m]);
        pct(cell(&tb, row, 2), CELL, r->mineral_shortfall_mean[m]);
        months(cell(&tb, row, 3), CELL, r->mineral_shortfall_months[m]);
        snprintf(cell(&tb, row, 4), CELL, "x%.2f", r->mineral_price_peak[m]);
        if (isnan(empty))
            snprintf(cell(&tb, row, 5), CELL, "%s", s->md->has_stockpile[m] ? "never" : "-");
        else
            snprintf(cell(&tb, row, 5), CELL, "%.4g", empty);
        row++;
    }
    fprintf(t->out,
            "\nMinerals that ran short (mean over all %d steps of the horizon; stockpile "
            "empty: month from 0, '-' = no stockpile):\n",
            t->T);
    print_table(t->out, &tb);
    free(tb.cell);
}

int mr_story_print(const mr_story *s, FILE *out)
{
    teller t = {s, out, s->md->M, s->md->S, s->md->T, NULL, NULL, NULL, NULL, NULL, false};
    const int nocc = s->tr->nocc, wide = t.M > t.S ? t.M : t.S;
    t.mineral_on = calloc((size_t)(t.M > 0 ? t.M : 1), 1);
    t.occ_on = calloc((size_t)(nocc > 0 ? nocc : 1), 1);
    t.order = calloc((size_t)(nocc > 0 ? nocc : 1), sizeof *t.order);
    t.ranked = calloc((size_t)(wide > 0 ? wide : 1), sizeof *t.ranked);
    t.key = calloc((size_t)(wide > 0 ? wide : 1), sizeof *t.key);
    unsigned char *hit = calloc((size_t)(t.M > 0 ? t.M : 1), 1);
    if (!t.mineral_on || !t.occ_on || !t.order || !t.ranked || !t.key || !hit) {
        t.nomem = true;
        goto out;
    }
    /* what the story is about: every mineral, or the minerals the sector needs */
    for (int m = 0; m < t.M; m++)
        t.mineral_on[m] = s->sector < 0;
    if (s->sector >= 0)
        for (int k = s->md->need_first[s->sector]; k < s->md->need_first[s->sector + 1]; k++)
            t.mineral_on[s->md->need_mineral[k]] = 1;
    for (int k = 0; k < nocc; k++) {
        memset(hit, 0, (size_t)(t.M > 0 ? t.M : 1));
        process_minerals(s->md, s->tr->occ[k].process, hit);
        for (int m = 0; m < t.M && !t.occ_on[k]; m++)
            t.occ_on[k] = hit[m] && t.mineral_on[m];
    }
    sort_by_start(s->tr, t.order);

    print_brief(&t);
    print_disruptions(&t);
    print_months(&t);
    print_sector_totals(&t);
    print_mineral_totals(&t);
out:
    free(hit);
    free(t.mineral_on);
    free(t.occ_on);
    free(t.order);
    free(t.ranked);
    free(t.key);
    return t.nomem ? -1 : 0;
}
