/* warnings.c - a scenario that loads but may give no loss
 * (docs/SCENARIO_FORMAT.md, "Warnings"): the checks that are not errors,
 * because a scenario may mean them, but that most often are a mistake
 * that would make every loss 0 without a word. Each is a line of
 * sc->warnings, "file:line:col: key.path: message" at the place it is
 * about, or "file: message" where there is none; `minrisk validate` and
 * `minrisk run` print them after "warning: ".
 */
#define _POSIX_C_SOURCE 200809L
#include "sim/scenario/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The pair of key `key` in mapping n: its value, or with want_key its key
   node; NULL if none. */
static const yaml_node_t *pair(P *p, const yaml_node_t *n, const char *key, bool want_key)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return NULL;
    for (int i = 0; i < sc_npairs(n); i++) {
        const yaml_node_t *k = sc_pair_key(p, n, i);
        if (k->type == YAML_SCALAR_NODE && !strcmp(sc_sval(k), key))
            return want_key ? k : sc_pair_val(p, n, i);
    }
    return NULL;
}

static const yaml_node_t *get(P *p, const yaml_node_t *n, const char *key)
{
    return pair(p, n, key, false);
}

/* Add a warning at node n (NULL: no place), key path kp. */
static int warn(P *p, const yaml_node_t *n, const char *kp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int warn(P *p, const yaml_node_t *n, const char *kp, const char *fmt, ...)
{
    mr_scenario *sc = p->sc;
    char line[MR_ERRMSG_MAX];
    int k = n ? snprintf(line, sizeof line, "%s:%lu:%lu: %s: ", sc_file_of(p, n),
                         (unsigned long)n->start_mark.line + 1,
                         (unsigned long)n->start_mark.column + 1, kp)
              : snprintf(line, sizeof line, "%s: ", p->file);
    va_list ap;
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < sizeof line)
        vsnprintf(line + k, sizeof line - (size_t)k, fmt, ap);
    va_end(ap);
    sc_one_line(line);
    char **w = realloc(sc->warnings, (size_t)(sc->nwarnings + 1) * sizeof *w);
    if (!w)
        return sc_oom(p);
    sc->warnings = w;
    if (!(w[sc->nwarnings] = strdup(line)))
        return sc_oom(p);
    sc->nwarnings++;
    return 0;
}

int sc_warnings(P *p, const yaml_node_t *root)
{
    mr_scenario *sc = p->sc;
    char kp[KP_MAX];
    /* governance scores without the rule that turns them into outage rates
       (MODEL §3.1): they set nothing */
    int nwgi = 0, first = -1;
    for (int c = 0; c < sc->ncountries; c++)
        if (sc->countries[c].has_wgi && sc->countries[c].outage_source == MR_OUTAGE_NONE) {
            if (first < 0)
                first = c;
            nwgi++;
        }
    if (nwgi) {
        const char *id = sc->countries[first].id;
        sc_kp_key(kp, "countries", id);
        sc_kp_key(kp, kp, "wgi_pv");
        if (warn(p, get(p, get(p, get(p, root, "countries"), id), "wgi_pv"), kp,
                 "wgi_pv is given (for %d countr%s) but defaults.wgi_rate is not, so it sets no "
                 "outage rate (MODEL 3.1): add defaults.wgi_rate, or an outage to the country",
                 nwgi, nwgi == 1 ? "y" : "ies"))
            return -1;
    }
    /* no disruption at all: every shortfall, and so every loss, is 0 */
    double rate = 0, certain = 0;
    for (int c = 0; c < sc->ncountries; c++)
        rate += sc->countries[c].outage.rate_per_year;
    for (int m = 0; m < sc->nminerals; m++) {
        const mr_mineral *mn = &sc->minerals[m];
        for (int s = 0; s < MR_NSTAGES; s++)
            for (int k = 0; k < mn->stage[s].n; k++)
                rate += mn->stage[s].suppliers[k].outage.rate_per_year;
        rate += mn->domestic_outage.process.rate_per_year;
        certain += mn->domestic_outage.noccurrences;
    }
    for (int e = 0; e < sc->nevents; e++) {
        rate += sc->events[e].process.rate_per_year;
        certain += sc->events[e].noccurrences;
    }
    if (rate == 0 && certain == 0 &&
        warn(p, NULL, "",
             "no disruption process has a positive rate and no event has certain occurrences, "
             "so no supply is ever lost and every shortage loss is 0 (give countries an outage, "
             "or wgi_pv with defaults.wgi_rate, or events)"))
        return -1;
    /* sectors with no needs, minerals no need uses */
    const yaml_node_t *secs = get(p, root, "sectors");
    bool *used = sc_zalloc(p, (size_t)sc->nminerals, sizeof *used);
    if (!used)
        return -1;
    int rc = 0;
    for (int i = 0; i < sc->nsectors && rc == 0; i++) {
        const mr_sector *s = &sc->sectors[i];
        for (int k = 0; k < s->nneeds; k++)
            used[s->needs[k].mineral] = true;
        if (s->nneeds == 0) {
            sc_kp_key(kp, "sectors", s->id);
            sc_kp_key(kp, kp, "needs");
            rc = warn(p, get(p, get(p, secs, s->id), "needs"), kp,
                      "the sector needs no mineral, so its loss is always 0");
        }
    }
    const yaml_node_t *mins = get(p, root, "minerals");
    for (int m = 0; m < sc->nminerals && rc == 0; m++)
        if (!used[m]) {
            sc_kp_key(kp, "minerals", sc->minerals[m].id);
            rc = warn(p, pair(p, mins, sc->minerals[m].id, true), kp,
                      "no sector needs this mineral, so its shortfalls cost nothing");
        }
    free(used);
    /* a market whose stock would move faster than a step: the engine closes
       the gap in one step instead (tau = max(tau_s, h), docs/MODEL.md §5m),
       so the figure given is not the one used */
    const double step_months = 12.0 / sc->steps_per_year;
    for (int m = 0; m < sc->nminerals && rc == 0; m++) {
        const mr_market *mk = &sc->minerals[m].market;
        if (!mk->present || !(mk->stock_adjust_months < step_months))
            continue;
        sc_kp_key(kp, "minerals", sc->minerals[m].id);
        sc_kp_key(kp, kp, "market");
        sc_kp_key(kp, kp, "stock_adjust_months");
        rc = warn(p,
                  get(p, get(p, get(p, mins, sc->minerals[m].id), "market"), "stock_adjust_months"),
                  kp,
                  "%g months is less than a step (%g month%s): the stock closes its gap in one "
                  "step instead (MODEL 5m: a faster rule would overshoot): use more steps a year "
                  "or a stock_adjust_months of at least a step",
                  mk->stock_adjust_months, step_months, step_months == 1.0 ? "" : "s");
    }
    return rc;
}
