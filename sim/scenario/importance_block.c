/* importance_block.c - the `importance` block (docs/MODEL.md §12i,
 * docs/SCENARIO_FORMAT.md "Importance sampling"): rate factors of the
 * disruption processes by name (with '*' wildcards), the target of the
 * cross-entropy method, its pilot stages; and the same from the command
 * line (--importance SPEC, --target STAT).
 */
#define _POSIX_C_SOURCE 200809L /* strdup, fnmatch */

#include "models/regime.h"
#include "sim/scenario/internal.h"
#include "sim/scenario/loader.h"

#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORTANCE_MAX_RATES 1000

static const char *const stage_word[MR_NSTAGES] = {"mining", "refining"};

/* The largest rate of an event's process, per year: its tense rate under
   its country's regime (docs/MODEL.md §3r), else its rate. */
static double event_rate_max(const mr_scenario *sc, const mr_event *ev)
{
    const mr_country *co = &sc->countries[ev->country];
    if (!co->has_regime)
        return ev->process.rate_per_year;
    const mr_regime r = {co->regime_tense_multiplier, co->regime_calm_months,
                         co->regime_tense_months};
    return ev->process.rate_per_year * mr_regime_rate_factor(&r, 1);
}

/* Call f(name, rate, ctx) for the name of every disruption process of sc
   with a positive rate (sim/model.c names them so): country/<id>,
   supplier/<mineral>/<stage>/<country>, event/<id>, domestic/<mineral>;
   rate: its largest rate per year (event_rate_max). Stops at the first f
   that returns nonzero and returns that. */
static int each_process(const mr_scenario *sc, int (*f)(const char *, double, void *), void *ctx)
{
    char name[4 * 65 + 32];
    int r = 0;
    for (int c = 0; c < sc->ncountries && !r; c++)
        if (sc->countries[c].outage.rate_per_year > 0.0) {
            snprintf(name, sizeof name, "country/%s", sc->countries[c].id);
            r = f(name, sc->countries[c].outage.rate_per_year, ctx);
        }
    for (int m = 0; m < sc->nminerals && !r; m++)
        for (int s = 0; s < MR_NSTAGES && !r; s++) {
            const mr_stage *st = &sc->minerals[m].stage[s];
            for (int i = 0; i < st->n && !r; i++)
                if (st->suppliers[i].outage.rate_per_year > 0.0) {
                    snprintf(name, sizeof name, "supplier/%s/%s/%s", sc->minerals[m].id,
                             stage_word[s], sc->countries[st->suppliers[i].country].id);
                    r = f(name, st->suppliers[i].outage.rate_per_year, ctx);
                }
        }
    for (int e = 0; e < sc->nevents && !r; e++)
        if (sc->events[e].process.rate_per_year > 0.0) {
            snprintf(name, sizeof name, "event/%s", sc->events[e].id);
            r = f(name, event_rate_max(sc, &sc->events[e]), ctx);
        }
    for (int m = 0; m < sc->nminerals && !r; m++) {
        const mr_disruption *d = &sc->minerals[m].domestic_outage;
        if (d->present && d->process.rate_per_year > 0.0) {
            snprintf(name, sizeof name, "domestic/%s", sc->minerals[m].id);
            r = f(name, d->process.rate_per_year, ctx);
        }
    }
    return r;
}

bool mr_importance_match(const char *pattern, const char *name)
{
    return fnmatch(pattern, name, 0) == 0;
}

static int matches(const char *name, double rate, void *pattern)
{
    (void)rate;
    return mr_importance_match(pattern, name);
}

/* The process names of sc nearest to pattern, for a hint. */
typedef struct {
    const char *pattern;
    char best[4 * 65 + 32];
    size_t bestd;
} nearest_ctx;

static int nearer(const char *name, double rate, void *vctx)
{
    (void)rate;
    nearest_ctx *c = vctx;
    const char *cands[1] = {name};
    if (mr_nearest(c->pattern, cands, 1) && c->bestd != 0) {
        snprintf(c->best, sizeof c->best, "%s", name);
        c->bestd = 0;
    }
    return 0;
}

/* A pattern's own syntax: the characters of ids, '/' and '*'. */
static bool valid_pattern(const char *s)
{
    if (!*s)
        return false;
    for (const char *c = s; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '/' || *c == '*' ||
              *c == '.'))
            return false;
    return true;
}

const char *mr_importance_check_pattern(const mr_scenario *sc, const char *pattern, char *why,
                                        size_t sz)
{
    if (!valid_pattern(pattern)) {
        snprintf(why, sz,
                 "expected a process name such as country/CN, event/cn-gallium-controls or "
                 "supplier/gallium/refining/CN ('*' matches any characters)");
        return why;
    }
    if (each_process(sc, matches, (void *)pattern))
        return NULL;
    nearest_ctx c = {pattern, "", SIZE_MAX};
    each_process(sc, nearer, &c);
    snprintf(why, sz, "matches no disruption process with a rate%s%s%s",
             c.best[0] ? " (did you mean '" : "", c.best, c.best[0] ? "'?)" : "");
    return why;
}

/* The tilted rates' load: a process's expected occurrences a trial, its
   factor x its largest rate x the horizon, at most MR_TILT_EXPECTED_MAX
   (models/scenario.h); a tilt far below that has long made the weights
   useless. */

typedef struct {
    const mr_importance *imp;
    double horizon;
    int bad; /* the rate (index into imp->rates) of the first process over, or -1 */
    char name[4 * 65 + 32];
    double expected;
} load_ctx;

static int over_load(const char *name, double rate, void *vctx)
{
    load_ctx *c = vctx;
    int k = -1; /* the last rate whose pattern matches: its factor applies */
    for (int j = 0; j < c->imp->nrates; j++)
        if (mr_importance_match(c->imp->rates[j].pattern, name))
            k = j;
    if (k < 0)
        return 0;
    double n = c->imp->rates[k].factor * rate * c->horizon;
    if (!(n > MR_TILT_EXPECTED_MAX))
        return 0;
    c->bad = k;
    c->expected = n;
    snprintf(c->name, sizeof c->name, "%s", name);
    return 1;
}

int mr_importance_check_load(const mr_scenario *sc, const mr_importance *imp, char *why, size_t sz)
{
    load_ctx c = {imp, (double)sc->horizon_years, -1, "", 0.0};
    if (!each_process(sc, over_load, &c))
        return -1;
    char fb[32];
    snprintf(why, sz,
             "a factor of %s gives %s about %.3g occurrences a trial (factor x its largest rate "
             "x %d years), above the limit of %.0f: give a smaller factor",
             sc_shortest(imp->rates[c.bad].factor, fb, sizeof fb), c.name, c.expected,
             sc->horizon_years, MR_TILT_EXPECTED_MAX);
    return c.bad;
}

int mr_importance_parse_target(const char *s, mr_importance *imp)
{
    mr_target_kind k;
    if (!strncmp(s, "var", 3))
        k = MR_TARGET_VAR;
    else if (!strncmp(s, "es", 2))
        k = MR_TARGET_ES;
    else
        return -1;
    const char *num = s + (k == MR_TARGET_VAR ? 3 : 2);
    /* P in decimal: digits, then optionally '.' and digits (strtod alone
       also reads hex, exponents, "99.") */
    size_t nd = strspn(num, "0123456789");
    if (nd == 0 || num[0] == '0') /* P >= 50: a leading zero is no other name (099) */
        return -1;
    if (num[nd] == '.') {
        size_t nf = strspn(num + nd + 1, "0123456789");
        if (nf == 0)
            return -1;
        nd += 1 + nf;
    }
    char *end;
    double pct = strtod(num, &end);
    if (end != num + nd)
        return -1;
    int annual = 0;
    if (!strcmp(end, "_annual"))
        annual = 1;
    else if (*end && strcmp(end, "_total"))
        return -1;
    if (!(pct >= 50.0 && pct < 100.0))
        return -1;
    imp->target = k;
    imp->target_level = pct / 100.0;
    imp->target_annual = annual;
    return 0;
}

const char *mr_importance_check_focus(const mr_importance *imp)
{
    if (imp->focus == MR_FOCUS_YEAR && imp->target != MR_TARGET_NONE && !imp->target_annual)
        return "a year focus tilts one year of each trial: its target is an annual one "
               "(var99.9_annual, es99.9_annual), or use focus: horizon";
    if (imp->defensive_set && !mr_importance_focus_year(imp))
        return "a defensive share goes with a year focus (focus: year, or an annual target)";
    if (imp->focus_years && !mr_importance_focus_year(imp))
        return "focus_years goes with a year focus (focus: year, or an annual target)";
    return NULL;
}

void mr_importance_free(mr_importance *imp)
{
    for (int i = 0; imp->rates && i < imp->nrates; i++)
        free(imp->rates[i].pattern);
    free(imp->rates);
    free(imp->file);
    free(imp->stage_figs);
    memset(imp, 0, sizeof *imp);
}

int mr_importance_add_rate(mr_importance *imp, const char *pattern, double factor, int line,
                           int col)
{
    mr_tilt_rate *r = realloc(imp->rates, ((size_t)imp->nrates + 1) * sizeof *r);
    if (!r)
        return -1;
    imp->rates = r;
    char *pat = strdup(pattern);
    if (!pat)
        return -1;
    r[imp->nrates++] = (mr_tilt_rate){pat, factor, line, col};
    return 0;
}

int mr_importance_parse_spec(const mr_scenario *sc, const char *spec, mr_importance *imp, char *why,
                             size_t sz)
{
    imp->present = 1;
    /* strtok_r below passes over empty items: refuse them first (a
       trailing or doubled comma), as --target-precision does */
    const size_t len = strlen(spec);
    if (len > 0 && (spec[0] == ',' || spec[len - 1] == ',' || strstr(spec, ",,"))) {
        snprintf(why, sz, "an empty item in '%s' (items are separated by single commas)", spec);
        return -1;
    }
    char *copy = strdup(spec);
    if (!copy) {
        snprintf(why, sz, "out of memory");
        return -1;
    }
    int rc = 0;
    char *save = NULL;
    int is_auto = 0;
    for (char *item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
        if (!strcmp(item, "auto")) {
            is_auto = 1; /* the target comes with --target */
            continue;
        }
        /* a number with a leading zero (focus_years=02, defensive=00,
           supplier/x=010) is refused, as the block refuses it */
        const char *eqv = strrchr(item, '=');
        if (eqv && sc_octal_looking(eqv + 1)) {
            snprintf(why, sz,
                     "'%s': a leading zero is refused, as in a scenario file, since YAML 1.1 "
                     "readers (PyYAML) take 010 as octal; write it without",
                     item);
            rc = -1;
            break;
        }
        if (!strncmp(item, "focus=", 6)) {
            if (!strcmp(item + 6, "year") || !strcmp(item + 6, "horizon")) {
                imp->focus = item[6] == 'y' ? MR_FOCUS_YEAR : MR_FOCUS_HORIZON;
                continue;
            }
            snprintf(why, sz, "'%s': expected focus=year or focus=horizon", item);
            rc = -1;
            break;
        }
        if (!strncmp(item, "focus_years=", 12)) {
            char *e = NULL;
            unsigned long k = strtoul(item + 12, &e, 10);
            if (isdigit((unsigned char)item[12]) && !*e && k >= 1 &&
                k <= (unsigned long)sc->horizon_years) {
                imp->focus_years = k;
                continue;
            }
            snprintf(why, sz, "'%s': expected focus_years=K with K in [1,%d] (the horizon)", item,
                     sc->horizon_years);
            rc = -1;
            break;
        }
        if (!strncmp(item, "defensive=", 10)) {
            double a = -1.0; /* a number as the scenario's (no hex, blanks, inf, nan) */
            if (sc_parse_double(item + 10, &a) && a >= 0.0 && a < 1.0) {
                imp->defensive = a;
                imp->defensive_set = 1;
                continue;
            }
            snprintf(why, sz, "'%s': expected defensive=ALPHA with ALPHA in [0,1)", item);
            rc = -1;
            break;
        }
        char *eq = strrchr(item, '=');
        double f = 0.0;
        int num = 0;
        if (eq) {
            *eq = '\0';
            num = sc_parse_double(eq + 1, &f); /* as the block's factors: decimal, finite */
        }
        char pw[256];
        if (!eq || !num || !(f > 0.0 && f <= 1000.0)) {
            snprintf(why, sz,
                     "'%s': expected PROCESS=FACTOR with a factor in (0,1000], e.g. "
                     "event/*=5,country/CN=2, or auto",
                     item);
            rc = -1;
        } else if (mr_importance_check_pattern(sc, item, pw, sizeof pw)) {
            snprintf(why, sz, "'%s': %s", item, pw);
            rc = -1;
        } else if (mr_importance_add_rate(imp, item, f, 0, 0)) {
            snprintf(why, sz, "out of memory");
            rc = -1;
        }
    }
    if (!rc && !is_auto && imp->nrates == 0) {
        snprintf(why, sz, "expected PROCESS=FACTOR[,...] or auto, got '%s'", spec);
        rc = -1;
    }
    char lw[512], fb[32];
    int k;
    if (!rc && (k = mr_importance_check_load(sc, imp, lw, sizeof lw)) >= 0) {
        snprintf(why, sz, "'%s=%s': %s", imp->rates[k].pattern,
                 sc_shortest(imp->rates[k].factor, fb, sizeof fb), lw);
        rc = -1;
    }
    free(copy);
    return rc ? rc : is_auto;
}

/* importance: {rates: {process: factor}, target: STAT, pilot_stages: K,
   pilot_trials: L, focus: year|horizon, focus_years: K, defensive: alpha}. Run after the
   whole walk: the processes are known. */
int sc_walk_importance(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    mr_importance *imp = &sc->importance;
    char d[SHOW_BUF], rkp[KP_MAX], ckp[KP_MAX], why[512];
    Map m;
    const yaml_node_t *rates, *target, *pt, *fo, *de, *fy;
    char fkp[KP_MAX], dkp[KP_MAX], ykp[KP_MAX];
    if (sc_map_open(p, v, kp, "importance", &m) ||
        sc_get_int(p, &m, "pilot_stages", false, 1, 10, &imp->pilot_stages) ||
        sc_mget(p, &m, "rates", false, &rates, rkp) ||
        sc_mget(p, &m, "target", false, &target, ckp) || sc_mget(p, &m, "focus", false, &fo, fkp) ||
        sc_mget(p, &m, "defensive", false, &de, dkp) ||
        sc_mget(p, &m, "focus_years", false, &fy, ykp) ||
        (fy && sc_int_node(p, fy, ykp, 1, (uint64_t)sc->horizon_years, &imp->focus_years)))
        return -1;
    int fw;
    if (fo) {
        if (sc_enum_node(p, fo, fkp, sc_focus, &fw))
            return -1;
        imp->focus = fw == 1 ? MR_FOCUS_YEAR : MR_FOCUS_HORIZON;
    }
    if (de) {
        if (sc_num_node(p, de, dkp, &R_01_OPENHI, &imp->defensive))
            return -1;
        imp->defensive_set = 1;
    }
    imp->present = 1;
    imp->line = (int)v->start_mark.line + 1;
    imp->col = (int)v->start_mark.column + 1;
    if (!(imp->file = strdup(sc_file_of(p, v))))
        return sc_oom(p);
    if (target) {
        if (target->type != YAML_SCALAR_NODE ||
            mr_importance_parse_target(sc_sval(target), imp) != 0)
            return sc_fail(p, target, ckp,
                           "expected var<P> or es<P> with P in [50,100), optionally _total or "
                           "_annual (var99.9, es99.5_annual), got %s",
                           sc_describe(target, d, sizeof d));
    }
    char pkp[KP_MAX];
    if (sc_mget(p, &m, "pilot_trials", false, &pt, pkp))
        return -1;
    if (pt && sc_int_node(p, pt, pkp, 100, 4294967295u, &imp->pilot_trials))
        return -1;
    if (!rates && !target)
        return sc_fail(p, v, kp, "give rates, a target, or both");
    const char *bad = mr_importance_check_focus(imp);
    if (bad) { /* a year focus with a total target, else a defensive share without it */
        bool on_focus = imp->focus == MR_FOCUS_YEAR && !imp->target_annual;
        if (!on_focus && !de) /* focus_years without a year focus */
            return sc_fail(p, fy, ykp, "%s", bad);
        return sc_fail(p, on_focus ? fo : de, on_focus ? fkp : dkp, "%s", bad);
    }
    if (!rates)
        return 0;
    if (rates->type != YAML_MAPPING_NODE)
        return sc_fail(p, rates, rkp, "expected a mapping of process names to rate factors, got %s",
                       sc_describe(rates, d, sizeof d));
    int n = sc_npairs(rates);
    if (n == 0)
        return sc_fail(p, rates, rkp, "give at least one process name");
    if (n > IMPORTANCE_MAX_RATES)
        return sc_fail(p, rates, rkp, "%d process names, above the limit of %d", n,
                       IMPORTANCE_MAX_RATES);
    for (int i = 0; i < n; i++) {
        const yaml_node_t *k = sc_pair_key(p, rates, i), *x = sc_pair_val(p, rates, i);
        if (k->type != YAML_SCALAR_NODE)
            return sc_fail(p, k, rkp, "expected a process name, got %s",
                           sc_describe(k, d, sizeof d));
        const char *pat = sc_sval(k);
        sc_kp_key(ckp, rkp, pat);
        if (mr_importance_check_pattern(sc, pat, why, sizeof why))
            return sc_fail(p, k, ckp, "%s", why);
        for (int j = 0; j < i; j++)
            if (!strcmp(imp->rates[j].pattern, pat))
                return sc_fail(p, k, ckp, "duplicate process name");
        double f;
        if (sc_num_node(p, x, ckp, &R_FACTOR, &f))
            return -1;
        if (mr_importance_add_rate(imp, pat, f, (int)x->start_mark.line + 1,
                                   (int)x->start_mark.column + 1))
            return sc_oom(p);
    }
    int k = mr_importance_check_load(sc, imp, why, sizeof why);
    if (k >= 0) { /* rates[k] is the block's k-th pair */
        sc_kp_key(ckp, rkp, imp->rates[k].pattern);
        return sc_fail(p, sc_pair_val(p, rates, k), ckp, "%s", why);
    }
    return 0;
}
