/* model.c - compile a validated scenario into flat arrays for the trial loop. */
#include "sim/model.h"

#include "models/policies.h"
#include "models/prices.h"
#include "models/status.h"
#include "models/units.h"
#include "sim/rng.h"
#include "sim/scenario/loader.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stage_names[MR_NSTAGES] = {"mining", "refining"};

/* calloc that counts failures, so a build checks once at the end. */
static void *zalloc(size_t n, size_t size, int *fail)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        *fail = 1;
    return p;
}

/* A process's name, e.g. "supplier/gallium/refining/CN": its stream id. */
static char *name_printf(int *fail, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (!s) {
        *fail = 1;
        return NULL;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return s;
}

typedef struct {
    int prio;
    int order; /* tie-break: the order of appearance keeps the sort stable */
    int need;
    double demand;
} claim;

static int claim_cmp(const void *pa, const void *pb)
{
    const claim *a = pa, *b = pb;
    if (a->prio != b->prio)
        return a->prio < b->prio ? -1 : 1;
    return a->order < b->order ? -1 : (a->order > b->order);
}

/* Add process p hitting every slot for which hit(slot) holds. */
static void add_process(mr_model *md, int *ntargets, const mr_process *p, char *name,
                        const int *hits, int nhits, mr_proc_kind kind, int country, int index)
{
    int i = md->nproc++;
    md->proc[i] = p;
    md->proc_kind[i] = kind;
    md->proc_country[i] = country;
    md->proc_index[i] = index;
    md->proc_sev_scale[i] = 1.0;
    md->proc_regime[i] = -1;
    md->proc_name[i] = name;
    md->proc_stream[i] = name ? mr_hash64(name) : 0;
    md->proc_first[i] = *ntargets;
    for (int k = 0; k < nhits; k++)
        md->targets[(*ntargets)++] = hits[k];
    md->proc_first[i + 1] = *ntargets;
}

/* "<scenario>: out of memory building the model". */
static mr_status oom(const mr_scenario *sc, mr_error *err)
{
    snprintf(err->msg, sizeof err->msg, "%s: out of memory building the model", sc->source_path);
    return MR_FAILED;
}

/* The premium paid on a mineral's UK purchases once the cap's shift is
   whole (docs/MODEL.md §3u): sum over the countries whose share of the
   UK's purchases the cap raised of their premium times the rise. */
static double uk_premium_of(const mr_scenario *sc, const mr_stage *after, const mr_stage *pre)
{
    const mr_policies *pol = &sc->policies;
    double sum = 0.0;
    for (int k = 0; k < after->n; k++) {
        int c = after->suppliers[k].country;
        double before = 0.0, premium = pol->premium;
        for (int i = 0; i < pre->n; i++)
            if (pre->suppliers[i].country == c)
                before = pre->suppliers[i].share;
        if (pol->offtake_premium) {
            premium = 0.0;
            for (int o = 0; o < pol->noftake; o++)
                if (pol->offtake_country[o] == c)
                    premium = pol->offtake_premium[o];
        }
        if (after->suppliers[k].share > before)
            sum += premium * (after->suppliers[k].share - before);
    }
    return sum;
}

static double uk_premium(const mr_scenario *sc, const mr_mineral *mi)
{
    return uk_premium_of(sc, &mi->uk, &mi->uk_before);
}

/* Supply slots, one per (mineral, stage, supplier), and each mineral's
   recycling, domestic share, spare ramp and strategic stockpile (MODEL §4). */
static mr_status build_slots(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    int fail = 0;
    const int M = sc->nminerals;
    for (int m = 0; m < M; m++)
        for (int s = 0; s < MR_NSTAGES; s++)
            md->nslots += sc->minerals[m].stage[s].n;
    md->slot_share = zalloc((size_t)md->nslots, sizeof(double), &fail);
    md->slot_spare = zalloc((size_t)md->nslots, sizeof(double), &fail);
    md->slot_uk = zalloc((size_t)md->nslots, sizeof(double), &fail);
    md->slot_uk_before = zalloc((size_t)md->nslots, sizeof(double), &fail);
    md->slot_world = zalloc((size_t)md->nslots, sizeof(unsigned char), &fail);
    md->uk_premium = zalloc((size_t)M, sizeof(double), &fail);
    md->slot_stage = zalloc((size_t)md->nslots, sizeof(int), &fail);
    md->slot_country = zalloc((size_t)md->nslots, sizeof(int), &fail);
    md->slot_product = zalloc((size_t)md->nslots, sizeof(int), &fail);
    md->stage_first = zalloc((size_t)M * 2, sizeof(int), &fail);
    md->stage_n = zalloc((size_t)M * 2, sizeof(int), &fail);
    md->recycled = zalloc((size_t)M, sizeof(double), &fail);
    md->domestic = zalloc((size_t)M, sizeof(double), &fail);
    md->ramp_months = zalloc((size_t)M, sizeof(double), &fail);
    md->has_stockpile = zalloc((size_t)M, sizeof(int), &fail);
    md->stockpile = zalloc((size_t)M, sizeof(mr_stockpile_rule), &fail);
    md->stockpile_initial = zalloc((size_t)M, sizeof(double), &fail);
    if (fail)
        return oom(sc, err);
    int slot = 0;
    for (int m = 0; m < M; m++) {
        const mr_mineral *mi = &sc->minerals[m];
        md->recycled[m] = mi->recycled_share;
        md->domestic[m] = mi->domestic_share;
        md->ramp_months[m] = mi->spare_ramp_months;
        if (mi->stockpile.present) {
            md->has_stockpile[m] = 1;
            md->stockpile[m] =
                (mr_stockpile_rule){mi->stockpile.target_months, mi->stockpile.trigger,
                                    mi->stockpile.max_release, mi->stockpile.refill_rate};
            md->stockpile_initial[m] = mi->stockpile.initial_months;
        }
        for (int s = 0; s < MR_NSTAGES; s++) {
            const mr_stage *st = &mi->stage[s];
            md->stage_first[m * 2 + s] = slot;
            md->stage_n[m * 2 + s] = st->n;
            if (st->n > md->max_stage_n)
                md->max_stage_n = st->n;
            for (int i = 0; i < st->n; i++, slot++) {
                md->slot_share[slot] = st->suppliers[i].share;
                md->slot_spare[slot] = st->suppliers[i].spare;
                md->slot_stage[slot] = m * 2 + s;
                md->slot_country[slot] = st->suppliers[i].country;
                md->slot_product[slot] = s == mr_product_stage(mi);
                for (int k = 0; k < mi->uk.n && md->slot_product[slot]; k++)
                    if (mi->uk.suppliers[k].country == st->suppliers[i].country)
                        md->slot_uk[slot] = mi->uk.suppliers[k].share;
                md->slot_uk_before[slot] = mi->uk_capped ? 0.0 : md->slot_uk[slot];
                for (int k = 0; k < mi->uk_before.n && md->slot_product[slot]; k++)
                    if (mi->uk_before.suppliers[k].country == st->suppliers[i].country)
                        md->slot_uk_before[slot] = mi->uk_before.suppliers[k].share;
            }
            if (st->n > 0 && mi->market.ndomestic > 0 &&
                md->slot_product[md->stage_first[m * 2 + s]])
                mr_market_open_shares(mi, md->slot_share + md->stage_first[m * 2 + s],
                                      md->slot_spare + md->stage_first[m * 2 + s]);
        }
        for (int k = md->stage_first[2 * m]; k < slot; k++)
            md->slot_world[k] = md->slot_share[k] > 0.0;
        if (mi->uk_capped)
            md->uk_premium[m] = uk_premium(sc, mi);
        md->any_premium |= md->uk_premium[m] > 0.0;
    }
    return MR_OK;
}

/* The UK's sourcing of mineral m at step t where it follows the open
   market (docs/MODEL.md §3u): before the cap, the open market's shares
   s'(t) of the product slots; after it, those capped as the policy says,
   and the premium on what the cap moved. MR_OK, or MR_FAILED when the
   excess cannot be placed or out of memory (err set). */
static mr_status uk_step(const mr_scenario *sc, mr_model *md, int m, int t, mr_error *err)
{
    const mr_mineral *mi = &sc->minerals[m];
    const size_t N = (size_t)md->nslots, at = (size_t)t * N;
    const int st = 2 * m + mr_product_stage(mi), first = md->stage_first[st], ns = md->stage_n[st];
    for (int c = first; c < first + ns; c++)
        md->slot_uk_before_t[at + (size_t)c] = md->slot_uk_t[at + (size_t)c] =
            md->slot_share_t[at + (size_t)c];
    if (!(sc->policy_cap > 0.0 && !sc->policies.cap_on_world) || ns == 0)
        return MR_OK;
    mr_stage pre = {ns, malloc((size_t)ns * sizeof(mr_supplier))};
    mr_stage after = {ns, malloc((size_t)ns * sizeof(mr_supplier))};
    int rc = pre.suppliers && after.suppliers ? 0 : -1;
    for (int c = 0; c < ns && !rc; c++)
        pre.suppliers[c] = after.suppliers[c] =
            (mr_supplier){.country = md->slot_country[first + c],
                          .share = md->slot_share_t[at + (size_t)(first + c)]};
    if (!rc)
        rc = mr_policy_cap_uk(sc, &after); /* may grow after.suppliers */
    for (int k = 0; k < after.n && !rc; k++) {
        int found = 0;
        for (int c = 0; c < ns; c++)
            if (md->slot_country[first + c] == after.suppliers[k].country) {
                md->slot_uk_t[at + (size_t)(first + c)] = after.suppliers[k].share;
                found = 1;
            }
        if (!found && after.suppliers[k].share > 0.0)
            rc = 2; /* the loader makes every offtake country a supplier */
    }
    if (!rc)
        md->uk_premium_t[(size_t)t * (size_t)md->M + (size_t)m] = uk_premium_of(sc, &after, &pre);
    free(pre.suppliers);
    free(after.suppliers);
    if (rc < 0)
        return oom(sc, err);
    if (rc == 2) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: minerals.%s: in %.4g the cap moves UK purchases to a country that does "
                 "not supply the product stage",
                 sc->source_path, mi->id, mr_path_step_time(sc->start_year, md->n, t));
        return MR_FAILED;
    }
    if (rc > 0) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: minerals.%s: in %.4g the UK buys from too few countries for a cap of %g "
                 "on its sourcing: name offtake countries (policies.diversification_cap.offtake)",
                 sc->source_path, mi->id, mr_path_step_time(sc->start_year, md->n, t),
                 sc->policy_cap);
        return MR_FAILED;
    }
    return MR_OK;
}

/* World supply shares along their time paths (docs/MODEL.md §4): each
   slot's share at the middle of every step (the open market's on a
   product stage with home uses, §3s) and spare, and the UK's sourcing at
   every step, which follows the open market where there is no UK data
   (§3u). Nothing when no share has a path. */
static mr_status share_paths(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    const int M = md->M, T = md->T;
    const size_t N = (size_t)md->nslots;
    bool any = false;
    for (int m = 0; m < M; m++)
        for (int s = 0; s < MR_NSTAGES; s++)
            any |= mr_stage_has_paths(&sc->minerals[m].stage[s]);
    if (!any)
        return MR_OK;
    int fail = 0;
    md->slot_share_t = zalloc((size_t)T * N, sizeof(double), &fail);
    md->slot_spare_t = zalloc((size_t)T * N, sizeof(double), &fail);
    md->slot_uk_t = zalloc((size_t)T * N, sizeof(double), &fail);
    md->slot_uk_before_t = zalloc((size_t)T * N, sizeof(double), &fail);
    md->uk_premium_t = zalloc((size_t)T * (size_t)M, sizeof(double), &fail);
    mr_supplier *buf = zalloc((size_t)md->max_stage_n + 1, sizeof *buf, &fail);
    if (fail) {
        free(buf);
        return oom(sc, err);
    }
    mr_status rc = MR_OK;
    for (int t = 0; t < T && rc == MR_OK; t++) {
        const double y = mr_path_step_time(sc->start_year, md->n, t);
        const size_t row = (size_t)t * N;
        double *share = md->slot_share_t + row, *spare = md->slot_spare_t + row;
        for (int m = 0; m < M && rc == MR_OK; m++) {
            const mr_mineral *mi = &sc->minerals[m];
            for (int s = 0; s < MR_NSTAGES; s++) {
                const mr_stage *st = &mi->stage[s];
                const int first = md->stage_first[2 * m + s];
                for (int i = 0; i < st->n; i++) {
                    buf[i] = st->suppliers[i];
                    buf[i].share = mr_path_or(st->suppliers[i].share_path, buf[i].share, y);
                    share[first + i] = buf[i].share;
                    spare[first + i] = buf[i].spare;
                }
                if (st->n > 0 && mi->market.ndomestic > 0 && md->slot_product[first]) {
                    mr_mineral here = *mi; /* its product stage at y */
                    here.stage[s] = (mr_stage){st->n, buf};
                    mr_market_open_shares(&here, share + first, spare + first);
                }
                for (int i = 0; i < st->n; i++) /* as build_slots: the open market's share */
                    md->slot_world[first + i] |= share[first + i] > 0.0;
            }
            if (mi->uk_basis != MR_UK_DATA) {
                rc = uk_step(sc, md, m, t, err);
                md->any_premium |= md->uk_premium_t[(size_t)t * (size_t)M + (size_t)m] > 0.0;
                continue;
            }
            /* from import data: as given throughout */
            const int ps = 2 * m + mr_product_stage(mi);
            for (int c = md->stage_first[ps]; c < md->stage_first[ps] + md->stage_n[ps]; c++) {
                md->slot_uk_t[row + (size_t)c] = md->slot_uk[c];
                md->slot_uk_before_t[row + (size_t)c] = md->slot_uk_before[c];
            }
            md->uk_premium_t[(size_t)t * (size_t)M + (size_t)m] = md->uk_premium[m];
        }
    }
    free(buf);
    return rc;
}

/* Where each mineral's recycled material is refined abroad (docs/MODEL.md
   §4): the product slot of each refining country (the loader made each a
   supplier of the product stage) and its share. */
static mr_status build_refined_abroad(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    int fail = 0, n = 0;
    const int M = sc->nminerals;
    for (int m = 0; m < M; m++)
        n += sc->minerals[m].refined_abroad.n;
    md->ra_first = zalloc((size_t)M + 1, sizeof(int), &fail);
    md->ra_slot = zalloc((size_t)n, sizeof(int), &fail);
    md->ra_share = zalloc((size_t)n, sizeof(double), &fail);
    if (fail)
        return oom(sc, err);
    int q = 0;
    for (int m = 0; m < M; m++) {
        const mr_mineral *mi = &sc->minerals[m];
        const int st = m * 2 + mr_product_stage(mi);
        md->ra_first[m] = q;
        for (int k = 0; k < mi->refined_abroad.n; k++) {
            int slot = -1;
            for (int j = md->stage_first[st]; j < md->stage_first[st] + md->stage_n[st]; j++)
                if (md->slot_country[j] == mi->refined_abroad.country[k])
                    slot = j;
            if (slot < 0) { /* the loader adds it: a scenario not from the loader */
                snprintf(err->msg, sizeof err->msg,
                         "%s: minerals.%s.recycled_refined_abroad: country '%s' does not supply "
                         "the product stage",
                         sc->source_path, mi->id, sc->countries[mi->refined_abroad.country[k]].id);
                return MR_FAILED;
            }
            md->ra_slot[q] = slot;
            md->ra_share[q++] = mi->refined_abroad.share[k];
            md->any_supply_risk = 1;
        }
    }
    md->ra_first[M] = q;
    return MR_OK;
}

/* The slots named event ev hits: its country's, of its minerals and
   stages. Their count; the slots in hits. */
static int event_hits(const mr_model *md, const mr_event *ev, int *hits)
{
    int nh = 0;
    for (int k = 0; k < md->nslots; k++) {
        int st = md->slot_stage[k], m = st / 2, s = st % 2;
        if (md->slot_country[k] != ev->country || !ev->stages[s])
            continue;
        for (int q = 0; q < ev->nminerals; q++)
            if (ev->minerals[q] == m) {
                hits[nh++] = k;
                break;
            }
    }
    return nh;
}

/* The outages of each mineral's domestic supply (docs/MODEL.md §4), after
   every other process (their indices and streams unchanged): no target
   slot, stream "domestic/<mineral id>", certain occurrences as an event's. */
static void domestic_processes(const mr_scenario *sc, mr_model *md, int *ntargets, int *fail)
{
    for (int m = 0; m < sc->nminerals; m++) {
        const mr_mineral *mi = &sc->minerals[m];
        const mr_disruption *d = &mi->domestic_outage;
        if (!d->present || (!(d->process.rate_per_year > 0.0) && d->noccurrences == 0))
            continue;
        add_process(md, ntargets, &d->process, name_printf(fail, "domestic/%s", mi->id), NULL, 0,
                    MR_PROC_DOMESTIC, -1, m);
        md->proc_ncertain[md->nproc - 1] = d->noccurrences;
        md->proc_certain[md->nproc - 1] = d->occurrences;
        md->any_supply_risk = 1;
    }
}

/* Disruption processes (MODEL §3), each with its target slots: every
   country outage, every supplier outage, every named event that can occur;
   stream = hash of the process's name. */
static mr_status build_processes(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    int fail = 0;
    const int M = sc->nminerals;
    int maxproc = sc->ncountries + md->nslots + sc->nevents + M;
    size_t maxtargets = (size_t)md->nslots * (size_t)(2 + sc->nevents);
    md->proc = zalloc((size_t)maxproc, sizeof *md->proc, &fail);
    md->proc_stream = zalloc((size_t)maxproc, sizeof(uint64_t), &fail);
    md->proc_first = zalloc((size_t)maxproc + 1, sizeof(int), &fail);
    md->proc_name = zalloc((size_t)maxproc, sizeof(char *), &fail);
    md->proc_ncertain = zalloc((size_t)maxproc, sizeof(int), &fail);
    md->proc_certain = zalloc((size_t)maxproc, sizeof *md->proc_certain, &fail);
    md->proc_kind = zalloc((size_t)maxproc, sizeof *md->proc_kind, &fail);
    md->proc_country = zalloc((size_t)maxproc, sizeof(int), &fail);
    md->proc_index = zalloc((size_t)maxproc, sizeof(int), &fail);
    md->proc_sev_scale = zalloc((size_t)maxproc, sizeof(double), &fail);
    md->proc_exports = zalloc((size_t)maxproc, sizeof(unsigned char), &fail);
    md->proc_licensing = zalloc((size_t)maxproc, sizeof(double), &fail);
    md->proc_rush = zalloc((size_t)maxproc, sizeof(double), &fail);
    md->proc_incl = zalloc((size_t)maxproc, sizeof *md->proc_incl, &fail);
    md->proc_incl_mineral = zalloc((size_t)maxproc, sizeof *md->proc_incl_mineral, &fail);
    md->proc_nincl = zalloc((size_t)maxproc, sizeof(int), &fail);
    md->proc_regime = zalloc((size_t)maxproc, sizeof(int), &fail);
    md->targets = zalloc(maxtargets, sizeof(int), &fail);
    int *hits = zalloc((size_t)md->nslots, sizeof(int), &fail);
    if (fail) {
        free(hits);
        return oom(sc, err);
    }
    int ntargets = 0;
    for (int c = 0; c < sc->ncountries; c++) {
        const mr_country *co = &sc->countries[c];
        if (!(co->outage.rate_per_year > 0.0))
            continue;
        int nh = 0;
        for (int k = 0; k < md->nslots; k++)
            if (md->slot_country[k] == c)
                hits[nh++] = k;
        if (nh)
            add_process(md, &ntargets, &co->outage, name_printf(&fail, "country/%s", co->id), hits,
                        nh, MR_PROC_COUNTRY, c, c);
    }
    for (int m = 0; m < M; m++)
        for (int s = 0; s < MR_NSTAGES; s++) {
            const mr_stage *st = &sc->minerals[m].stage[s];
            for (int i = 0; i < st->n; i++) {
                if (!(st->suppliers[i].outage.rate_per_year > 0.0))
                    continue;
                int k = md->stage_first[m * 2 + s] + i;
                char *nm = name_printf(&fail, "supplier/%s/%s/%s", sc->minerals[m].id,
                                       stage_names[s], sc->countries[st->suppliers[i].country].id);
                add_process(md, &ntargets, &st->suppliers[i].outage, nm, &k, 1, MR_PROC_SUPPLIER,
                            st->suppliers[i].country, k);
            }
        }
    for (int e = 0; e < sc->nevents; e++) {
        const mr_event *ev = &sc->events[e];
        if (!(ev->process.rate_per_year > 0.0) && ev->noccurrences == 0)
            continue;
        int nh = event_hits(md, ev, hits);
        if (nh) {
            add_process(md, &ntargets, &ev->process, name_printf(&fail, "event/%s", ev->id), hits,
                        nh, MR_PROC_EVENT, ev->country, e);
            /* certain occurrences (docs/MODEL.md §3): no random numbers */
            md->proc_ncertain[md->nproc - 1] = ev->noccurrences;
            md->proc_certain[md->nproc - 1] = ev->occurrences;
            /* scope (docs/MODEL.md §3s) */
            if (ev->scope == MR_SCOPE_ORE)
                md->proc_sev_scale[md->nproc - 1] = 1.0 - ev->processed_elsewhere;
            md->proc_exports[md->nproc - 1] = ev->scope == MR_SCOPE_EXPORTS;
            md->proc_licensing[md->nproc - 1] = ev->licensing;
            md->proc_rush[md->nproc - 1] = ev->rush_months;
            md->any_rush |= ev->rush_months > 0.0;
            for (int k = 0; k < ev->noccurrences; k++)
                md->any_rush |= ev->occurrences[k].rush_months > 0.0;
            /* per-mineral inclusion and the country's regime (docs/MODEL.md §3r) */
            md->proc_incl[md->nproc - 1] = ev->mineral_probability;
            md->proc_incl_mineral[md->nproc - 1] = ev->minerals;
            md->proc_nincl[md->nproc - 1] = ev->nminerals;
            if (sc->countries[ev->country].has_regime)
                md->proc_regime[md->nproc - 1] = ev->country;
        }
    }
    free(hits);
    domestic_processes(sc, md, &ntargets, &fail);
    if (fail)
        return oom(sc, err);
    for (int i = 0; i < md->nproc; i++)
        for (int j = 0; j < i; j++)
            if (md->proc_stream[i] == md->proc_stream[j]) {
                snprintf(err->msg, sizeof err->msg,
                         "%s: processes '%s' and '%s' hash to the same random stream; rename one",
                         sc->source_path, md->proc_name[i], md->proc_name[j]);
                return MR_FAILED;
            }
    return MR_OK;
}

/* The importance tilt (docs/MODEL.md §12i): each process's rate factor,
   the last of sc->importance.rates whose pattern matches its name (1 when
   none does), and the stream a tilted process draws from: a stream of its
   own, so every untilted process draws exactly what it draws in a plain
   run. A process with certain occurrences only is never tilted. */
static mr_status build_tilt(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    int fail = 0;
    md->proc_tilt = zalloc((size_t)md->nproc, sizeof(double), &fail);
    md->proc_tilt_stream = zalloc((size_t)md->nproc, sizeof(uint64_t), &fail);
    if (fail)
        return oom(sc, err);
    md->any_tilt = 0;
    const mr_importance *imp = &sc->importance;
    for (int p = 0; p < md->nproc; p++) {
        double f = 1.0;
        for (int k = 0; k < imp->nrates; k++)
            if (mr_importance_match(imp->rates[k].pattern, md->proc_name[p]))
                f = imp->rates[k].factor;
        if (!(md->proc[p]->rate_per_year > 0.0))
            f = 1.0;
        md->proc_tilt[p] = f;
        md->any_tilt |= f != 1.0;
        char *nm = name_printf(&fail, "importance/%s", md->proc_name[p]);
        if (fail)
            return oom(sc, err);
        md->proc_tilt_stream[p] = mr_hash64(nm);
        free(nm);
    }
    md->focus_year = imp->present && mr_importance_focus_year(imp);
    md->focus_alpha = md->focus_year ? mr_importance_defensive(imp) : 0.0;
    md->focus_window = imp->focus_years ? (int)imp->focus_years : 1;
    md->focus_stream = mr_hash64("importance/focus");
    return MR_OK;
}

/* Prices (MODEL §5): the OU coefficients of a step, the jumps, the random
   streams of each mineral, and the lower Cholesky factor of the price
   correlation. */
static mr_status build_prices(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    int fail = 0;
    const int M = sc->nminerals;
    md->ou_decay = zalloc((size_t)M, sizeof(double), &fail);
    md->ou_scale = zalloc((size_t)M, sizeof(double), &fail);
    md->elasticity = zalloc((size_t)M, sizeof(double), &fail);
    md->max_multiple = zalloc((size_t)M, sizeof(double), &fail);
    md->jump_rate = zalloc((size_t)M, sizeof(double), &fail);
    md->jump_mu = zalloc((size_t)M, sizeof(double), &fail);
    md->jump_sigma = zalloc((size_t)M, sizeof(double), &fail);
    md->price_stream = zalloc((size_t)M, sizeof(uint64_t), &fail);
    md->jump_stream = zalloc((size_t)M, sizeof(uint64_t), &fail);
    md->chol = zalloc((size_t)M * (size_t)M, sizeof(double), &fail);
    if (fail)
        return oom(sc, err);
    for (int m = 0; m < M; m++) {
        const mr_price *p = &sc->minerals[m].price;
        mr_ou_coefficients(p->theta, p->sigma, md->dt, &md->ou_decay[m], &md->ou_scale[m]);
        if (md->ou_scale[m] > 0.0)
            md->any_volatility = 1;
        md->elasticity[m] = p->elasticity;
        md->max_multiple[m] = p->max_multiple;
        md->jump_rate[m] = p->jump_rate;
        md->jump_mu[m] = p->jump_mu;
        md->jump_sigma[m] = p->jump_sigma;
        char *nm = name_printf(&fail, "price/%s", sc->minerals[m].id);
        char *nj = name_printf(&fail, "price-jump/%s", sc->minerals[m].id);
        if (nm && nj) {
            md->price_stream[m] = mr_hash64(nm);
            md->jump_stream[m] = mr_hash64(nj);
        }
        free(nm);
        free(nj);
    }
    if (fail)
        return oom(sc, err);
    if (M > 0) {
        gsl_matrix_view cv = gsl_matrix_view_array(md->chol, (size_t)M, (size_t)M);
        memcpy(md->chol, sc->price_correlation, sizeof(double) * (size_t)M * (size_t)M);
        mr_gsl_quiet_begin();
        int rc = gsl_linalg_cholesky_decomp1(&cv.matrix);
        mr_gsl_quiet_end();
        if (rc != GSL_SUCCESS) {
            snprintf(err->msg, sizeof err->msg,
                     "%s: price_correlation: matrix is not positive definite", sc->source_path);
            return MR_FAILED;
        }
        for (int i = 0; i < M; i++) /* keep the lower factor only */
            for (int j = i + 1; j < M; j++)
                md->chol[i * M + j] = 0.0;
    }
    int nnz = 0;
    for (int i = 0; i < M * M; i++)
        nnz += md->chol[i] != 0.0;
    md->chol_first = zalloc((size_t)M + 1, sizeof(int), &fail);
    md->chol_col = zalloc((size_t)nnz + 1, sizeof(int), &fail);
    md->chol_val = zalloc((size_t)nnz + 1, sizeof(double), &fail);
    if (fail)
        return oom(sc, err);
    nnz = 0;
    for (int i = 0; i < M; i++) {
        md->chol_first[i] = nnz;
        for (int j = 0; j <= i; j++)
            if (md->chol[i * M + j] != 0.0) {
                md->chol_col[nnz] = j;
                md->chol_val[nnz++] = md->chol[i * M + j];
            }
    }
    md->chol_first[M] = nnz;
    return MR_OK;
}

/* The value of a number or time path at every step: out[t*stride + k]
   for t = 0..T-1, each at least floor (a policy's share; -1: none). */
static void per_step(const mr_model *md, int start_year, const mr_path *path, double value,
                     const mr_path *floor_path, double floor, double *out, size_t stride, size_t k)
{
    for (int t = 0; t < md->T; t++) {
        double y = mr_path_step_time(start_year, md->n, t);
        double v = mr_path_or(path, value, y), f = mr_path_or(floor_path, floor, y);
        out[(size_t)t * stride + k] = v < f ? f : v;
    }
}

/* The ramp-up of a cap on UK sourcing at every step (docs/MODEL.md §3u),
   when it has one; r_m and d_m at every step (docs/MODEL.md §4, time paths) when some
   mineral gives either as a time path, with the policies' floors (MODEL
   §10) applied step by step; else recycled_t and domestic_t stay NULL. */
static mr_status mineral_paths(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    const int M = md->M;
    const mr_policies *pol = &sc->policies;
    if (pol->ramp_path || pol->ramp != 1.0) { /* the cap's shift ramps up (§3u) */
        int fail = 0;
        md->uk_ramp_t = zalloc((size_t)md->T, sizeof(double), &fail);
        if (fail)
            return oom(sc, err);
        per_step(md, sc->start_year, pol->ramp_path, pol->ramp, NULL, -1.0, md->uk_ramp_t, 1, 0);
    }
    bool any = false;
    for (int m = 0; m < M; m++)
        any |= sc->minerals[m].recycled_path || sc->minerals[m].domestic_path;
    any |= sc->policies.recycled_path || sc->policies.domestic_path;
    if (!any)
        return MR_OK;
    int fail = 0;
    md->recycled_t = zalloc((size_t)md->T * (size_t)M, sizeof(double), &fail);
    md->domestic_t = zalloc((size_t)md->T * (size_t)M, sizeof(double), &fail);
    if (fail)
        return oom(sc, err);
    for (int m = 0; m < M; m++) {
        const mr_mineral *mi = &sc->minerals[m];
        per_step(md, sc->start_year, mi->recycled_path, mi->recycled_share,
                 sc->policies.recycled_path, sc->policies.recycled_share, md->recycled_t, (size_t)M,
                 (size_t)m);
        per_step(md, sc->start_year, mi->domestic_path, mi->domestic_share,
                 sc->policies.domestic_path, sc->policies.domestic_share, md->domestic_t, (size_t)M,
                 (size_t)m);
    }
    return MR_OK;
}

/* One per-step column of every need, [T*nneeds], when some need gives it
   as a time path (spend: w_mj, else a_mj); else *out stays NULL. */
static mr_status need_column(const mr_scenario *sc, mr_model *md, bool spend, double **out,
                             mr_error *err)
{
    bool any = false;
    for (int j = 0; j < md->S; j++)
        for (int q = 0; q < sc->sectors[j].nneeds; q++) {
            const mr_need *nd = &sc->sectors[j].needs[q];
            any |= (spend ? nd->spend_path : nd->dependent_path) != NULL;
        }
    if (!any)
        return MR_OK;
    int fail = 0;
    *out = zalloc((size_t)md->T * (size_t)md->nneeds, sizeof(double), &fail);
    if (fail)
        return oom(sc, err);
    for (int j = 0, kk = 0; j < md->S; j++)
        for (int q = 0; q < sc->sectors[j].nneeds; q++, kk++) {
            const mr_need *nd = &sc->sectors[j].needs[q];
            per_step(md, sc->start_year, spend ? nd->spend_path : nd->dependent_path,
                     spend ? nd->spend_gbp : nd->dependent_share, NULL, -1.0, *out,
                     (size_t)md->nneeds, (size_t)kk);
        }
    return MR_OK;
}

/* a_mj (docs/MODEL.md §6) and w_mj, the spend the extra cost is paid on
   (§8), at every step where some need gives them as time paths. */
static mr_status need_paths(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    mr_status rc = need_column(sc, md, false, &md->need_a_t, err);
    return rc == MR_OK ? need_column(sc, md, true, &md->need_w_t, err) : rc;
}

/* Y_j and V_j at every step (docs/MODEL.md §8, time paths) when some
   sector gives either as a time path; else output_t and gva_t stay NULL
   and every step takes output and gva. V_j follows Y_j's path where
   gva_gbp is not given (turnover basis). */
static mr_status sector_paths(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    const int S = md->S, T = md->T;
    bool any = false;
    for (int j = 0; j < S; j++)
        any |= sc->sectors[j].output_path || sc->sectors[j].gva_path;
    if (!any)
        return MR_OK;
    int fail = 0;
    md->output_t = zalloc((size_t)T * (size_t)S, sizeof(double), &fail);
    md->gva_t = zalloc((size_t)T * (size_t)S, sizeof(double), &fail);
    if (fail)
        return oom(sc, err);
    for (int j = 0; j < S; j++) {
        const mr_sector *se = &sc->sectors[j];
        per_step(md, sc->start_year, se->output_path, se->output_gbp, NULL, -1.0, md->output_t,
                 (size_t)S, (size_t)j);
        if (se->gva_path || se->gva_gbp > 0.0)
            per_step(md, sc->start_year, se->gva_path, se->gva_gbp, NULL, -1.0, md->gva_t,
                     (size_t)S, (size_t)j);
        else /* turnover basis: V_j is Y_j */
            for (int t = 0; t < T; t++)
                md->gva_t[(size_t)t * (size_t)S + (size_t)j] =
                    md->output_t[(size_t)t * (size_t)S + (size_t)j];
    }
    return MR_OK;
}

/* Sectors (MODEL §6, §7): their needs of minerals, grouped by sector, their
   output, recovery and the interdependency matrix A*. */
static mr_status build_needs(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    int fail = 0;
    const int S = sc->nsectors;
    for (int j = 0; j < S; j++)
        md->nneeds += sc->sectors[j].nneeds;
    md->need_first = zalloc((size_t)S + 1, sizeof(int), &fail);
    md->need_mineral = zalloc((size_t)md->nneeds, sizeof(int), &fail);
    md->need_a = zalloc((size_t)md->nneeds, sizeof(double), &fail);
    md->need_sigma = zalloc((size_t)md->nneeds, sizeof(double), &fail);
    md->need_delta = zalloc((size_t)md->nneeds, sizeof(double), &fail);
    md->need_w = zalloc((size_t)md->nneeds, sizeof(double), &fail);
    md->need_buffer = zalloc((size_t)md->nneeds, sizeof(double), &fail);
    md->combine = zalloc((size_t)S, sizeof(int), &fail);
    md->output = zalloc((size_t)S, sizeof(double), &fail);
    md->gva = zalloc((size_t)S, sizeof(double), &fail);
    md->need_cost = zalloc((size_t)md->nneeds, sizeof(double), &fail);
    md->k = zalloc((size_t)S, sizeof(double), &fail);
    md->astar = zalloc((size_t)S * (size_t)S, sizeof(double), &fail);
    if (fail)
        return oom(sc, err);
    memcpy(md->astar, sc->interdependency, sizeof(double) * (size_t)S * (size_t)S);
    md->buffer_refill_rate = sc->buffer_refill_rate;
    int kk = 0;
    for (int j = 0; j < S; j++) {
        const mr_sector *se = &sc->sectors[j];
        md->need_first[j] = kk;
        md->combine[j] = (int)se->combine;
        md->output[j] = se->output_gbp;
        md->gva[j] = se->gva_gbp > 0.0 ? se->gva_gbp : se->output_gbp;
        md->k[j] = se->recovery_rate;
        for (int q = 0; q < se->nneeds; q++, kk++) {
            const mr_need *nd = &se->needs[q];
            md->need_mineral[kk] = nd->mineral;
            md->need_a[kk] = nd->dependent_share;
            md->need_sigma[kk] = nd->substitutable;
            md->need_delta[kk] = nd->demand_share;
            md->need_w[kk] = nd->spend_gbp;
            md->need_buffer[kk] = nd->buffer_months;
            md->need_cost[kk] = nd->spend_gbp / se->output_gbp;
        }
    }
    md->need_first[S] = kk;
    mr_status rc = sector_paths(sc, md, err);
    if (rc == MR_OK)
        rc = need_paths(sc, md, err);
    if (rc == MR_OK)
        rc = mineral_paths(sc, md, err);
    return rc;
}

/* The refill start's series of mineral m at every shortage age (its
   clearing segments are rows k0..k1-1; docs/MODEL.md §5m). */
static void refill_table(mr_model *md, int m, int k0, int k1)
{
    const int T = md->T;
    double eps[k1 - k0], d0 = 0.0;
    for (int k = k0; k < k1; k++)
        d0 += md->seg_weight[k];
    md->refill_y[2 * m] = d0 - 1.0;
    md->refill_y[2 * m + 1] = 1.0 / md->mrule[m].adjust_months;
    for (int t = 0; t < T; t++) {
        double e = md->eps_age[(size_t)m * (size_t)T + (size_t)t];
        for (int k = k0; k < k1; k++) {
            int q = md->seg_need[k];
            eps[k - k0] = q < 0 ? e
                                : mr_market_need_elasticity(md->need_cost[q], md->need_sigma[q],
                                                            md->elasticity[m], e);
        }
        mr_market_refill_coef(k1 - k0, md->seg_weight + k0, eps, &md->mrule[m],
                              md->refill_b + ((size_t)m * (size_t)T + (size_t)t) * MR_REFILL_COEF);
    }
}

/* The clearing weights at every step (docs/MODEL.md §5m) of the minerals
   whose UK or world demand, or whose open market (shares on paths with
   home uses), follows a time path: each UK need's
   w_q(t) = D_UK(t) delta_q / (D_world(t) D_open(t)), the rest of the world
   the remainder. Nothing when no mineral's weights move. */
static mr_status seg_paths(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    const int M = md->M, T = md->T;
    int any = 0, fail = 0;
    for (int m = 0; m < M; m++)
        any |= md->seg_moves[m];
    if (!any)
        return MR_OK;
    md->seg_weight_t = zalloc((size_t)T * (size_t)md->nseg, sizeof(double), &fail);
    if (fail)
        return oom(sc, err);
    for (int t = 0; t < T; t++) {
        const double y = mr_path_step_time(sc->start_year, md->n, t);
        double *wt = md->seg_weight_t + (size_t)t * (size_t)md->nseg;
        for (int m = 0; m < M; m++) {
            const mr_mineral *mi = &sc->minerals[m];
            const int k0 = md->seg_first[m], k1 = md->seg_first[m + 1];
            if (!md->seg_moves[m]) {
                for (int k = k0; k < k1; k++)
                    wt[k] = md->seg_weight[k];
                continue;
            }
            double uk = mr_path_or(mi->demand_path, mi->demand_t, y),
                   world = mr_path_or(mi->market.world_demand_path, mi->market.world_demand_t, y);
            double open = mr_market_open_demand_at(mi, y), rest = 1.0;
            for (int k = k0 + 1; k < k1; k++) {
                wt[k] = uk * md->need_delta[md->seg_need[k]] / (world * open);
                rest -= wt[k];
            }
            wt[k0] = rest > 0.0 ? rest : 0.0;
        }
    }
    return MR_OK;
}

/* The market layer (docs/MODEL.md §5m) of every mineral that has one: its
   stock rule and guard, its elasticities, the clearing segments (the rest
   of the world, and each UK need when the world demand is stated), and the
   half-variance of the OU term at each step, v_0 = 0,
   v_t = a^2 v_{t-1} + b^2. */
static mr_status build_market(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    int fail = 0;
    const int M = sc->nminerals, T = md->T;
    md->market = zalloc((size_t)M, sizeof(int), &fail);
    md->mrule = zalloc((size_t)M, sizeof(mr_market_rule), &fail);
    md->eps_long = zalloc((size_t)M, sizeof(double), &fail);
    md->tau_eps = zalloc((size_t)M, sizeof(double), &fail);
    md->eps_age = zalloc((size_t)M * (size_t)T, sizeof(double), &fail);
    md->noise_half_var = zalloc((size_t)M * (size_t)T, sizeof(double), &fail);
    md->refill_b = zalloc((size_t)M * (size_t)T * MR_REFILL_COEF, sizeof(double), &fail);
    md->refill_y = zalloc((size_t)M * 2, sizeof(double), &fail);
    md->seg_first = zalloc((size_t)M + 1, sizeof(int), &fail);
    md->seg_need = zalloc((size_t)(M + md->nneeds), sizeof(int), &fail);
    md->seg_weight = zalloc((size_t)(M + md->nneeds), sizeof(double), &fail);
    md->seg_moves = zalloc((size_t)M, sizeof(int), &fail);
    if (fail)
        return oom(sc, err);
    int ns = 0;
    for (int m = 0; m < M; m++) {
        const mr_mineral *mi = &sc->minerals[m];
        const mr_market *mk = &mi->market;
        md->seg_first[m] = ns;
        /* every mineral's guard: v1's premium cap counts its guard months */
        md->mrule[m].guard = log(mi->price.max_multiple);
        if (!mk->present)
            continue;
        md->any_market = 1;
        md->market[m] = 1;
        /* tau = max(tau_s, h): a faster rule overshoots within a step (§5m) */
        md->mrule[m] = (mr_market_rule){mk->stock_months, fmax(mk->stock_adjust_months, md->h),
                                        mk->stock_price_response, log(mi->price.max_multiple)};
        md->eps_long[m] = mk->elasticity_long_run;
        md->tau_eps[m] = mk->substitution_months;
        double age = 0.0; /* a shortage lasts at most T steps */
        for (int t = 0; t < T; t++, age += md->h)
            md->eps_age[(size_t)m * (size_t)T + (size_t)t] =
                mr_market_elasticity(md->elasticity[m], md->eps_long[m], md->tau_eps[m], age);
        double a = md->ou_decay[m], b = md->ou_scale[m], v = 0.0;
        for (int t = 0; t < T; t++) {
            if (t > 0)
                v = a * a * v + b * b;
            md->noise_half_var[(size_t)m * (size_t)T + (size_t)t] = 0.5 * v;
        }
        /* the open market's demand: the world less the home uses (§3s) */
        double open = mr_market_open_demand(mi);
        int row = ns++;
        md->seg_need[row] = -1;
        double rest = 1.0;
        if (mk->world_demand_t > 0.0)
            for (int q = 0; q < md->nneeds; q++)
                if (md->need_mineral[q] == m) {
                    double wq = mi->demand_t * md->need_delta[q] / (mk->world_demand_t * open);
                    md->seg_need[ns] = q;
                    md->seg_weight[ns++] = wq;
                    rest -= wq;
                }
        md->seg_weight[row] = rest > 0.0 ? rest : 0.0;
        refill_table(md, m, row, ns);
        /* the open market's demand moves with shares on paths where there are home uses (§3s) */
        bool shares_move =
            mk->ndomestic > 0 && mr_stage_has_paths(&mi->stage[mr_product_stage(mi)]);
        md->seg_moves[m] = mk->world_demand_t > 0.0 && ns > row + 1 &&
                           (mi->demand_path || mk->world_demand_path || shares_move);
    }
    md->seg_first[M] = ns;
    md->nseg = ns;
    return seg_paths(sc, md, err);
}

/* Tension regimes (docs/MODEL.md §3r): each country's chain, its random
   stream, and room for the switches of a trial: 8 times the expected
   number plus 64 (the chance of more is nil; beyond it the last state
   lasts to the horizon). */
static mr_status build_regimes(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    int fail = 0;
    const int C = sc->ncountries;
    md->nc = C;
    md->has_regime = zalloc((size_t)C, sizeof(int), &fail);
    md->regime = zalloc((size_t)C, sizeof(mr_regime), &fail);
    md->regime_stream = zalloc((size_t)C, sizeof(uint64_t), &fail);
    if (fail)
        return oom(sc, err);
    double most = 0.0;
    for (int c = 0; c < C; c++) {
        const mr_country *co = &sc->countries[c];
        if (!co->has_regime)
            continue;
        md->any_regime = md->has_regime[c] = 1;
        md->regime[c] = (mr_regime){co->regime_tense_multiplier, co->regime_calm_months,
                                    co->regime_tense_months};
        char *nm = name_printf(&fail, "regime/%s", co->id);
        if (nm)
            md->regime_stream[c] = mr_hash64(nm);
        free(nm);
        double shortest = co->regime_calm_months < co->regime_tense_months
                              ? co->regime_calm_months
                              : co->regime_tense_months;
        double expect = sc->horizon_years * MR_MONTHS_PER_YEAR / shortest;
        if (expect > most)
            most = expect;
    }
    if (fail)
        return oom(sc, err);
    md->regime_max = md->any_regime ? (int)(8.0 * most) + 64 : 0;
    return MR_OK;
}

/* Priority rationing: claimants per mineral (its sectors' needs, then the
   other uses), sorted by (priority, order), in groups of equal priority. */
static mr_status build_claims(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    int fail = 0;
    const int M = sc->nminerals, S = sc->nsectors;
    md->priority = sc->rationing == MR_RATION_PRIORITY;
    int nclaims = md->nneeds + M;
    md->claim_first = zalloc((size_t)M + 1, sizeof(int), &fail);
    md->claim_need = zalloc((size_t)nclaims, sizeof(int), &fail);
    md->claim_demand = zalloc((size_t)nclaims, sizeof(double), &fail);
    md->group_first = zalloc((size_t)M + 1, sizeof(int), &fail);
    md->group_start = zalloc((size_t)nclaims + (size_t)M, sizeof(int), &fail);
    claim *tmp = zalloc((size_t)md->nneeds + 1, sizeof(claim), &fail);
    if (fail) {
        free(tmp);
        return oom(sc, err);
    }
    int nc = 0, ng = 0;
    for (int m = 0; m < M; m++) {
        int cnt = 0;
        double used = 0.0;
        for (int j = 0; j < S; j++)
            for (int q = md->need_first[j]; q < md->need_first[j + 1]; q++)
                if (md->need_mineral[q] == m) {
                    tmp[cnt] = (claim){sc->sectors[j].priority, cnt, q, md->need_delta[q]};
                    used += md->need_delta[q];
                    cnt++;
                }
        double other = 1.0 - used;
        tmp[cnt] = (claim){sc->other_uses_priority, cnt, -1, other > 0.0 ? other : 0.0};
        cnt++;
        qsort(tmp, (size_t)cnt, sizeof *tmp, claim_cmp);
        md->claim_first[m] = nc;
        md->group_first[m] = ng;
        for (int q = 0; q < cnt; q++) {
            if (q == 0 || tmp[q].prio != tmp[q - 1].prio)
                md->group_start[ng++] = q;
            md->claim_need[nc + q] = tmp[q].need;
            md->claim_demand[nc + q] = tmp[q].demand;
        }
        md->group_start[ng++] = cnt;
        nc += cnt;
    }
    md->claim_first[M] = nc;
    md->group_first[M] = ng;
    free(tmp);
    return MR_OK;
}

mr_status mr_model_build(const mr_scenario *sc, mr_model *md, mr_error *err)
{
    memset(md, 0, sizeof *md);
    const int n = sc->steps_per_year;
    md->M = sc->nminerals;
    md->S = sc->nsectors;
    md->n = n;
    md->H = sc->horizon_years;
    md->T = sc->horizon_years * n;
    md->dt = 1.0 / n;
    md->h = MR_MONTHS_PER_YEAR / n;
    mr_status rc = build_slots(sc, md, err);
    if (rc == MR_OK)
        rc = share_paths(sc, md, err);
    if (rc == MR_OK)
        rc = build_refined_abroad(sc, md, err);
    if (rc == MR_OK)
        rc = build_processes(sc, md, err);
    if (rc == MR_OK)
        rc = build_tilt(sc, md, err);
    if (rc == MR_OK)
        rc = build_prices(sc, md, err);
    if (rc == MR_OK)
        rc = build_needs(sc, md, err);
    if (rc == MR_OK)
        rc = build_claims(sc, md, err);
    if (rc == MR_OK)
        rc = build_market(sc, md, err);
    if (rc == MR_OK)
        rc = build_regimes(sc, md, err);
    if (rc != MR_OK)
        mr_model_free(md);
    return rc;
}

void mr_model_free(mr_model *md)
{
    for (int i = 0; i < md->nproc; i++)
        free(md->proc_name[i]);
    void *ptrs[] = {md->slot_share,
                    md->slot_uk,
                    md->slot_uk_before,
                    md->slot_world,
                    md->slot_share_t,
                    md->slot_spare_t,
                    md->slot_uk_t,
                    md->slot_uk_before_t,
                    md->uk_premium_t,
                    md->uk_ramp_t,
                    md->uk_premium,
                    md->slot_spare,
                    md->slot_stage,
                    md->stage_first,
                    md->stage_n,
                    md->recycled,
                    md->domestic,
                    md->ramp_months,
                    md->has_stockpile,
                    md->stockpile,
                    md->stockpile_initial,
                    (void *)md->proc,
                    md->proc_stream,
                    md->proc_tilt,
                    md->proc_tilt_stream,
                    md->proc_first,
                    md->targets,
                    md->proc_name,
                    md->proc_ncertain,
                    (void *)md->proc_certain,
                    md->proc_kind,
                    md->proc_country,
                    md->proc_index,
                    md->slot_country,
                    md->ou_decay,
                    md->ou_scale,
                    md->elasticity,
                    md->max_multiple,
                    md->jump_rate,
                    md->jump_mu,
                    md->jump_sigma,
                    md->price_stream,
                    md->jump_stream,
                    md->chol,
                    md->chol_first,
                    md->chol_col,
                    md->chol_val,
                    md->need_first,
                    md->need_mineral,
                    md->need_a,
                    md->need_sigma,
                    md->need_delta,
                    md->need_w,
                    md->need_buffer,
                    md->combine,
                    md->output,
                    md->k,
                    md->astar,
                    md->claim_first,
                    md->claim_need,
                    md->claim_demand,
                    md->group_first,
                    md->group_start,
                    md->proc_sev_scale,
                    md->proc_exports,
                    md->proc_licensing,
                    md->proc_rush,
                    md->slot_product,
                    md->market,
                    md->mrule,
                    md->eps_long,
                    md->tau_eps,
                    md->eps_age,
                    md->noise_half_var,
                    md->refill_b,
                    md->refill_y,
                    md->seg_first,
                    md->seg_need,
                    md->seg_weight,
                    md->seg_moves,
                    md->seg_weight_t,
                    md->gva,
                    md->output_t,
                    md->gva_t,
                    md->recycled_t,
                    md->domestic_t,
                    md->need_a_t,
                    md->need_w_t,
                    md->need_cost,
                    (void *)md->proc_incl,
                    (void *)md->proc_incl_mineral,
                    md->proc_nincl,
                    md->proc_regime,
                    md->has_regime,
                    md->regime,
                    md->regime_stream,
                    md->ra_first,
                    md->ra_slot,
                    md->ra_share};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
        free(ptrs[i]);
    memset(md, 0, sizeof *md);
}
