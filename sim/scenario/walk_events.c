/* walk_events.c - events (MODEL §3.3): named shocks of one country on
 * several minerals, random (a process) or certain (occurrences).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "sim/scenario/internal.h"

#include "models/market.h"

#include <stdlib.h>
#include <string.h>

/* The mapping form of minerals (docs/MODEL.md §3r): mineral id -> the
   chance in (0, 1] that an occurrence hits it, in file order. An entry
   given as null counts as not given (a child of `extends` drops one of its
   parent's minerals so). */
static int walk_event_mineral_map(P *p, const yaml_node_t *v, const char *kp, mr_event *e)
{
    char ikp[KP_MAX];
    if (sc_idmap_check(p, v, kp, "mineral", &p->hmid))
        return -1;
    int n = sc_npairs(v);
    if (!(e->minerals = sc_zalloc(p, (size_t)n, sizeof *e->minerals)) ||
        !(e->mineral_probability = sc_zalloc(p, (size_t)n, sizeof *e->mineral_probability)))
        return -1;
    for (int i = 0; i < n; i++) {
        const char *id = sc_sval(sc_pair_key(p, v, i));
        const yaml_node_t *x = sc_pair_val(p, v, i);
        int k = e->nminerals;
        if (sc_is_null(x))
            continue;
        sc_kp_key(ikp, kp, id);
        if (sc_num_node(p, x, ikp, &R_01_OPENLO, &e->mineral_probability[k]))
            return -1;
        e->minerals[k] = sc_idhash_find(&p->hmid, id);
        e->nminerals++;
    }
    if (e->nminerals == 0)
        return sc_fail(p, v, kp, "give at least one mineral");
    return 0;
}

/* The key of mineral id in the mapping form of minerals v. */
static const yaml_node_t *mineral_key(P *p, const yaml_node_t *v, const char *id)
{
    int n = sc_npairs(v);
    for (int i = 0; i < n; i++)
        if (!strcmp(sc_sval(sc_pair_key(p, v, i)), id))
            return sc_pair_key(p, v, i);
    return v;
}

/* minerals: a list of distinct ids, at least one, or the mapping form. */
static int walk_event_minerals(P *p, const yaml_node_t *v, const char *kp, mr_event *e)
{
    mr_scenario *sc = p->sc;
    char d[SHOW_BUF], ikp[KP_MAX];
    if (v->type == YAML_MAPPING_NODE)
        return walk_event_mineral_map(p, v, kp, e);
    if (v->type != YAML_SEQUENCE_NODE)
        return sc_fail(p, v, kp,
                       "expected a list of mineral ids or a mapping of mineral ids to "
                       "probabilities, got %s",
                       sc_describe(v, d, sizeof d));
    int n = sc_nitems(v);
    if (n == 0)
        return sc_fail(p, v, kp, "list at least one mineral");
    int *at = sc_zalloc(p, (size_t)sc->nminerals, sizeof *at); /* 1 + index of each */
    if (!at || !(e->minerals = sc_zalloc(p, (size_t)n, sizeof *e->minerals))) {
        free(at);
        return -1;
    }
    e->nminerals = n;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        sc_kp_idx(ikp, kp, i);
        if (sc_ref_node(p, sc_item_at(p, v, i), ikp, "mineral", &p->hmid, &e->minerals[i]))
            rc = -1;
        else if (at[e->minerals[i]])
            rc = sc_fail(p, sc_item_at(p, v, i), ikp, "mineral '%s' is listed twice (at [%d])",
                         p->mid[e->minerals[i]], at[e->minerals[i]] - 1);
        else
            at[e->minerals[i]] = i + 1;
    }
    free(at);
    return rc;
}

static int walk_event_stages(P *p, const yaml_node_t *v, const char *kp, mr_event *e)
{
    char d[SHOW_BUF], ikp[KP_MAX];
    if (v->type != YAML_SEQUENCE_NODE)
        return sc_fail(p, v, kp, "expected a list of stages (mining, refining), got %s",
                       sc_describe(v, d, sizeof d));
    int n = sc_nitems(v);
    if (n == 0)
        return sc_fail(p, v, kp, "list at least one stage");
    for (int i = 0; i < n; i++) {
        int s;
        sc_kp_idx(ikp, kp, i);
        if (sc_enum_node(p, sc_item_at(p, v, i), ikp, sc_stages, &s))
            return -1;
        if (e->stages[s])
            return sc_fail(p, sc_item_at(p, v, i), ikp, "stage '%s' is listed twice", sc_stages[s]);
        e->stages[s] = true;
    }
    return 0;
}

/* The checks of a key that acts through the market layer (licensing,
   rush_months; docs/MODEL.md §3s): every mineral of the event needs a
   market block, and the event's stages must include the mineral's product
   stage (refining, or mining when it is the only stage), where the
   country's exports are. */
#define RUSH_ACTS "rush_months fills the open market's commercial stock (docs/MODEL.md §3s)"
static int needs_market(P *p, const mr_event *e, const yaml_node_t *x, const char *kp,
                        const char *acts, const char *applies)
{
    const mr_scenario *sc = p->sc;
    for (int k = 0; k < e->nminerals; k++) {
        const mr_mineral *mn = &sc->minerals[e->minerals[k]];
        int product = mr_product_stage(mn);
        if (!mn->market.present)
            return sc_fail(p, x, kp, "mineral '%s' has no market block: %s", mn->id, acts);
        if (!e->stages[product])
            return sc_fail(p, x, kp,
                           "the event's stages leave out the %s stage of '%s', where %s "
                           "(its product stage)",
                           sc_stages[product], mn->id, applies);
    }
    return 0;
}

/* A list of certain occurrences (MODEL §3, docs/MODEL.md §3) at node v:
   at most SC_OCCURRENCES_MAX, allocated into *out (NULL when empty). */
int sc_certain_list(P *p, const yaml_node_t *v, const char *kp, mr_certain_occurrence **out, int *n)
{
    char d[SHOW_BUF];
    *out = NULL;
    *n = 0;
    if (v->type != YAML_SEQUENCE_NODE)
        return sc_fail(p, v, kp,
                       "expected a list of {start_years, severity, duration_months}, got %s",
                       sc_describe(v, d, sizeof d));
    int k = sc_nitems(v);
    if (k == 0)
        return 0;
    if (k > SC_OCCURRENCES_MAX)
        return sc_fail(p, v, kp, "%d occurrences, above the limit of %d", k, SC_OCCURRENCES_MAX);
    if (!(*out = sc_zalloc(p, (size_t)k, sizeof **out)))
        return -1;
    *n = k;
    return 0;
}

/* Item i of a list of certain occurrences (schema: its item's schema
   path), its mapping left open in m: start in [0, horizon), severity,
   duration > 0. */
int sc_certain_item(P *p, const yaml_node_t *v, const char *kp, int i, const char *schema,
                    mr_certain_occurrence *o, Map *m)
{
    char ikp[KP_MAX];
    const Range start = {0, (double)p->sc->horizon_years, false, true};
    sc_kp_idx(ikp, kp, i);
    if (sc_map_open(p, sc_item_at(p, v, i), ikp, schema, m) ||
        sc_get_num(p, m, "start_years", true, &start, &o->start_years) ||
        sc_get_num(p, m, "severity", true, &R_01, &o->severity) ||
        sc_get_num(p, m, "duration_months", true, &R_MONTHS_GT0, &o->duration_months))
        return -1;
    return 0;
}

/* occurrences: certain occurrences of an event, in every trial (MODEL §3,
   docs/MODEL.md §3), each with its rush_months (scope exports). */
static int walk_occurrences(P *p, const yaml_node_t *v, const char *kp, mr_event *e)
{
    if (sc_certain_list(p, v, kp, &e->occurrences, &e->noccurrences))
        return -1;
    for (int i = 0; i < e->noccurrences; i++) {
        mr_certain_occurrence *o = &e->occurrences[i];
        Map m;
        if (sc_certain_item(p, v, kp, i, "events.<id>.occurrences[]", o, &m))
            return -1;
        const yaml_node_t *x;
        char xkp[KP_MAX];
        if (sc_get_num_or(p, &m, "rush_months", e->rush_months, &R_MONTHS, &o->rush_months) ||
            sc_mget(p, &m, "rush_months", false, &x, xkp))
            return -1;
        if (x && e->scope != MR_SCOPE_EXPORTS)
            return sc_fail(p, x, xkp, "rush_months applies to scope: exports only");
        if (o->rush_months > 0.0 && x && needs_market(p, e, x, xkp, RUSH_ACTS, "its exports are"))
            return -1;
    }
    return 0;
}

/* scope (docs/MODEL.md §3s): what the event withholds; processed_elsewhere
   belongs to scope ore and licensing (lambda, a share in [0, 1]) to scope
   exports, and giving either with another scope is an error, even as 0
   (it would be ignored). */
static int walk_event_scope(P *p, const Map *m, mr_event *e)
{
    int scope;
    const yaml_node_t *x;
    char kp[KP_MAX];
    if (sc_get_enum(p, m, "scope", false, sc_scopes, &scope) ||
        sc_get_num(p, m, "processed_elsewhere", false, &R_01, &e->processed_elsewhere) ||
        sc_get_num(p, m, "licensing", false, &R_01, &e->licensing))
        return -1;
    e->scope = (mr_event_scope)scope;
    if (sc_mget(p, m, "processed_elsewhere", false, &x, kp))
        return -1;
    if (x && e->scope != MR_SCOPE_ORE)
        return sc_fail(p, x, kp, "processed_elsewhere applies to scope: ore only");
    if (sc_mget(p, m, "licensing", false, &x, kp))
        return -1;
    if (x && e->scope != MR_SCOPE_EXPORTS)
        return sc_fail(p, x, kp, "licensing applies to scope: exports only");
    if (e->licensing > 0.0 &&
        needs_market(p, e, x, kp,
                     "licensing acts on UK buyers through the market layer (docs/MODEL.md §6m)",
                     "licences apply"))
        return -1;
    if (sc_get_num(p, m, "rush_months", false, &R_MONTHS, &e->rush_months) ||
        sc_mget(p, m, "rush_months", false, &x, kp))
        return -1;
    if (x && e->scope != MR_SCOPE_EXPORTS)
        return sc_fail(p, x, kp, "rush_months applies to scope: exports only");
    if (e->rush_months > 0.0 && needs_market(p, e, x, kp, RUSH_ACTS, "its exports are"))
        return -1;
    return 0;
}

/* Event i of the mapping v (kp: events). */
static int event_entry(P *p, const yaml_node_t *v, const char *kp, int i)
{
    mr_scenario *sc = p->sc;
    mr_event *e = &sc->events[i];
    const char *id = sc_sval(sc_pair_key(p, v, i));
    char ekp[KP_MAX], ckp[KP_MAX];
    const yaml_node_t *x, *mins;
    Map m;
    if (!(e->id = strdup(id)))
        return sc_oom(p);
    sc_kp_key(ekp, kp, id);
    if (sc_map_open(p, sc_pair_val(p, v, i), ekp, "events.<id>", &m) ||
        sc_get_str_or(p, &m, "name", id, &e->name))
        return -1;
    if (sc_mget(p, &m, "country", true, &x, ckp) ||
        sc_ref_node(p, x, ckp, "country", &p->hcid, &e->country))
        return -1;
    char mkp[KP_MAX];
    if (sc_mget(p, &m, "minerals", true, &mins, mkp) || walk_event_minerals(p, mins, mkp, e))
        return -1;
    if (sc_mget(p, &m, "stages", false, &x, ckp))
        return -1;
    if (x) {
        if (walk_event_stages(p, x, ckp, e))
            return -1;
    } else {
        e->stages[MR_STAGE_MINING] = e->stages[MR_STAGE_REFINING] = true;
    }
    if (walk_event_scope(p, &m, e))
        return -1;
    if (sc_mget(p, &m, "occurrences", false, &x, ckp) || (x && walk_occurrences(p, x, ckp, e)))
        return -1;
    /* certain occurrences: the Poisson part is optional (rate 0) */
    if (sc_process_or_certain(p, &m, e->noccurrences > 0, &e->process))
        return -1;
    /* An event on a mineral its country does not supply at any of the
       event's stages does nothing: almost surely a mistake in the file. */
    for (int k = 0; k < e->nminerals; k++) {
        const mr_mineral *mn = &sc->minerals[e->minerals[k]];
        bool hit = false;
        for (int s = 0; s < MR_NSTAGES; s++)
            for (int j = 0; e->stages[s] && j < mn->stage[s].n; j++)
                hit |= mn->stage[s].suppliers[j].country == e->country;
        if (!hit) {
            char ikp[KP_MAX];
            bool map = e->mineral_probability != NULL;
            if (map)
                sc_kp_key(ikp, mkp, mn->id);
            else
                sc_kp_idx(ikp, mkp, k);
            return sc_fail(p, map ? mineral_key(p, mins, mn->id) : sc_item_at(p, mins, k), ikp,
                           "country '%s' does not supply '%s' at the event's stages, so the "
                           "event would have no effect on it",
                           p->cid[e->country], mn->id);
        }
    }
    return 0;
}

/* events (MODEL §3.3): named shocks of one country on several minerals. */
int sc_walk_events(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    if (sc_idmap_check(p, v, kp, "event", NULL))
        return -1;
    int n = sc_npairs(v);
    if (!(sc->events = sc_zalloc(p, (size_t)n, sizeof *sc->events)))
        return -1;
    sc->nevents = n;
    /* collecting every error: each event on its own */
    bool bad = false;
    for (int i = 0; i < n; i++)
        if (event_entry(p, v, kp, i) && (bad = true, !sc_recover(p)))
            return -1;
    return bad ? -1 : 0;
}
