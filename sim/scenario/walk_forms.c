/* walk_forms.c - the shared forms of a scenario (MODEL §3): severity,
 * duration and the marked Poisson process they make with a rate. Their
 * keys are the schema's <severity>, <duration> and <process>.
 */
#include "sim/scenario/internal.h"

#include <stdio.h>
#include <string.h>

/* Exactly one key of a "one of" mapping (severity, duration kinds); the
   alternatives are its keys, "a, b, c". */
static int one_of(P *p, const Map *m, const char *kp)
{
    char alts[256];
    size_t k = 0;
    int given = 0, which = -1;
    alts[0] = '\0';
    for (int i = 0; m->keys[i] && k < sizeof alts; i++)
        k += (size_t)snprintf(alts + k, sizeof alts - k, "%s%s", i ? ", " : "", m->keys[i]);
    for (int i = 0; m->keys[i]; i++)
        if (m->key[i]) {
            given++;
            which = i;
        }
    if (given == 0)
        return sc_fail(p, m->node, kp, "give one of %s", alts);
    if (given > 1)
        return sc_fail(p, m->node, kp, "give only one of %s", alts);
    return which;
}

/* [a, b]: a list of two numbers, each within r. */
static int pair_node(P *p, const yaml_node_t *v, const char *kp, const Range *r, double *a,
                     double *b)
{
    char d[SHOW_BUF], ikp[KP_MAX];
    if (v->type != YAML_SEQUENCE_NODE || sc_nitems(v) != 2)
        return sc_fail(p, v, kp, "expected a list of two numbers [a, b], got %s",
                       v->type == YAML_SEQUENCE_NODE ? "a list of another length"
                                                     : sc_describe(v, d, sizeof d));
    sc_kp_idx(ikp, kp, 0);
    if (sc_num_node(p, sc_item_at(p, v, 0), ikp, r, a))
        return -1;
    sc_kp_idx(ikp, kp, 1);
    return sc_num_node(p, sc_item_at(p, v, 1), ikp, r, b);
}

/* The kind of a severity or duration given as a mapping (schema mapping
   `schema`, one of its keys): *kind, its value *x and its key path ckp.
   `expected` says what else v could have been. */
static int form_kind(P *p, const yaml_node_t *v, const char *kp, const char *schema,
                     const char *expected, const char **kind, const yaml_node_t **x, char *ckp)
{
    char d[SHOW_BUF];
    if (v->type != YAML_MAPPING_NODE)
        return sc_fail(p, v, kp, "expected %s, got %s", expected, sc_describe(v, d, sizeof d));
    Map m;
    if (sc_map_open(p, v, kp, schema, &m))
        return -1;
    int which = one_of(p, &m, kp);
    if (which < 0)
        return -1;
    *kind = m.keys[which];
    *x = m.val[which];
    sc_kp_key(ckp, kp, *kind);
    return 0;
}

/* Severity (MODEL §3): a number in [0,1] or {fixed | uniform | beta}. */
int sc_severity_node(P *p, const yaml_node_t *v, const char *kp, mr_severity *s)
{
    char ckp[KP_MAX];
    memset(s, 0, sizeof *s);
    if (v->type == YAML_SCALAR_NODE) {
        s->kind = MR_SEV_FIXED;
        return sc_num_node(p, v, kp, &R_01, &s->a);
    }
    const char *kind;
    const yaml_node_t *x;
    if (form_kind(p, v, kp, "<severity>",
                  "a number in [0,1] or a mapping with one of fixed, uniform, beta", &kind, &x,
                  ckp))
        return -1;
    if (!strcmp(kind, "fixed")) {
        s->kind = MR_SEV_FIXED;
        return sc_num_node(p, x, ckp, &R_01, &s->a);
    }
    if (!strcmp(kind, "uniform")) {
        s->kind = MR_SEV_UNIFORM;
        if (pair_node(p, x, ckp, &R_01, &s->a, &s->b))
            return -1;
        if (s->a > s->b)
            return sc_fail(p, x, ckp, "need a <= b in uniform [a, b], got [%g, %g]", s->a, s->b);
        return 0;
    }
    s->kind = MR_SEV_BETA;
    return pair_node(p, x, ckp, &R_BETA, &s->a, &s->b);
}

/* Duration in months (MODEL §3): a number > 0 or {fixed | exponential |
   lognormal: {median, sigma}}. */
int sc_duration_node(P *p, const yaml_node_t *v, const char *kp, mr_duration *du)
{
    char ckp[KP_MAX];
    memset(du, 0, sizeof *du);
    if (v->type == YAML_SCALAR_NODE) {
        du->kind = MR_DUR_FIXED;
        return sc_num_node(p, v, kp, &R_MONTHS_GT0, &du->a);
    }
    const char *kind;
    const yaml_node_t *x;
    if (form_kind(p, v, kp, "<duration>",
                  "a number of months > 0 or a mapping with one of fixed, exponential, lognormal",
                  &kind, &x, ckp))
        return -1;
    if (!strcmp(kind, "fixed")) {
        du->kind = MR_DUR_FIXED;
        return sc_num_node(p, x, ckp, &R_MONTHS_GT0, &du->a);
    }
    if (!strcmp(kind, "exponential")) {
        du->kind = MR_DUR_EXPONENTIAL;
        return sc_num_node(p, x, ckp, &R_MONTHS_GT0, &du->a);
    }
    Map lm;
    du->kind = MR_DUR_LOGNORMAL;
    if (sc_map_open(p, x, ckp, "<duration>.lognormal", &lm))
        return -1;
    if (sc_get_num(p, &lm, "median", true, &R_MONTHS_GT0, &du->a))
        return -1;
    return sc_get_num(p, &lm, "sigma", true, &R_VOL, &du->b);
}

/* The rate that a refusal of the expected occurrences points at: the
   largest. */
void sc_rate_note(P *p, const yaml_node_t *v, const char *kp, double rate)
{
    if (rate > p->top_rate || !p->top_node) {
        p->top_rate = rate;
        p->top_node = v;
        snprintf(p->top_kp, sizeof p->top_kp, "%s", kp);
    }
}

/* A rate is bounded by the time grid: an occurrence starts on a step, so
   more than one start a step on average (steps_per_year a year) says
   nothing more about supply, and an absurd rate (1e300) would make a trial
   endless. */
int sc_rate_check(P *p, const yaml_node_t *v, const char *kp, double rate)
{
    int n = p->sc->steps_per_year;
    char d[SHOW_BUF];
    if (!(rate >= 0 && rate <= n))
        return sc_fail(p, v, kp,
                       "must be in [0,%d] (the grid has %d steps a year: at most one occurrence "
                       "a step on average), got %s",
                       n, n, sc_show(sc_sval(v), v->data.scalar.length, d, sizeof d));
    sc_rate_note(p, v, kp, rate);
    return 0;
}

/* A rate key of mapping m (absent: 0 when not required). */
int sc_get_rate(P *p, const Map *m, const char *key, bool req, double *out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    *out = 0;
    if (sc_mget(p, m, key, req, &v, kp))
        return -1;
    if (!v)
        return 0;
    /* a number (1e999 too: the rate check names the bound), else the
       number's own message */
    bool num = v->type == YAML_SCALAR_NODE && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
               !sc_is_null(v) && sc_parse_double(sc_sval(v), out);
    if (!num)
        return sc_num_node(p, v, kp, &R_ANY, out);
    return sc_rate_check(p, v, kp, *out);
}

/* The random occurrences a trial samples, on average: every process's rate
   (MODEL 3: countries, suppliers, events; a policy's new source is a
   supplier of every stage it takes) and every price jump rate (MODEL 5)
   times the horizon, plus the events' certain occurrences. Above
   SC_EXPECTED_MAX a trial would take seconds and memory in proportion:
   refused before the run, at the largest rate. */
int sc_check_expected(P *p)
{
    const mr_scenario *sc = p->sc;
    double rate = 0, certain = 0;
    for (int c = 0; c < sc->ncountries; c++)
        rate += sc->countries[c].outage.rate_per_year;
    for (int m = 0; m < sc->nminerals; m++) {
        rate += sc->minerals[m].price.jump_rate;
        for (int s = 0; s < MR_NSTAGES; s++)
            for (int k = 0; k < sc->minerals[m].stage[s].n; k++)
                rate += sc->minerals[m].stage[s].suppliers[k].outage.rate_per_year;
    }
    for (int e = 0; e < sc->nevents; e++) {
        rate += sc->events[e].process.rate_per_year;
        certain += sc->events[e].noccurrences;
    }
    for (int m = 0; m < sc->nminerals; m++) { /* domestic outages (docs/MODEL.md §4) */
        rate += sc->minerals[m].domestic_outage.process.rate_per_year;
        certain += sc->minerals[m].domestic_outage.noccurrences;
    }
    double expected = rate * sc->horizon_years + certain;
    if (!(expected > SC_EXPECTED_MAX))
        return 0;
    return sc_fail(p, p->top_node, p->top_node ? p->top_kp : "",
                   "expected %.6g random occurrences (disruptions and price jumps) per trial "
                   "over %d years, above the limit of %.0f (this is the largest rate)",
                   expected, sc->horizon_years, SC_EXPECTED_MAX);
}

/* A marked Poisson process (MODEL §3): rate, severity, duration. */
int sc_process_map(P *p, const Map *m, mr_process *pr)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (sc_get_rate(p, m, "rate_per_year", true, &pr->rate_per_year))
        return -1;
    if (sc_mget(p, m, "severity", true, &v, kp) || sc_severity_node(p, v, kp, &pr->severity))
        return -1;
    if (sc_mget(p, m, "duration_months", true, &v, kp) || sc_duration_node(p, v, kp, &pr->duration))
        return -1;
    return 0;
}

int sc_process_or_certain(P *p, const Map *m, bool certain, mr_process *pr)
{
    if (!certain)
        return sc_process_map(p, m, pr);
    const yaml_node_t *x;
    char kp[KP_MAX];
    if (sc_get_rate(p, m, "rate_per_year", false, &pr->rate_per_year))
        return -1;
    bool need = pr->rate_per_year > 0;
    if (sc_mget(p, m, "severity", need, &x, kp) || (x && sc_severity_node(p, x, kp, &pr->severity)))
        return -1;
    if (sc_mget(p, m, "duration_months", need, &x, kp) ||
        (x && sc_duration_node(p, x, kp, &pr->duration)))
        return -1;
    return 0;
}

int sc_process_node(P *p, const yaml_node_t *v, const char *kp, mr_process *pr)
{
    Map m;
    if (sc_map_open(p, v, kp, "<process>", &m))
        return -1;
    return sc_process_map(p, &m, pr);
}
