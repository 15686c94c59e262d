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
    char d[SHOW_MAX + 16], ikp[KP_MAX];
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
    char d[SHOW_MAX + 16];
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
    return pair_node(p, x, ckp, &R_GT0, &s->a, &s->b);
}

/* Duration in months (MODEL §3): a number > 0 or {fixed | exponential |
   lognormal: {median, sigma}}. */
int sc_duration_node(P *p, const yaml_node_t *v, const char *kp, mr_duration *du)
{
    char ckp[KP_MAX];
    memset(du, 0, sizeof *du);
    if (v->type == YAML_SCALAR_NODE) {
        du->kind = MR_DUR_FIXED;
        return sc_num_node(p, v, kp, &R_GT0, &du->a);
    }
    const char *kind;
    const yaml_node_t *x;
    if (form_kind(p, v, kp, "<duration>",
                  "a number of months > 0 or a mapping with one of fixed, exponential, lognormal",
                  &kind, &x, ckp))
        return -1;
    if (!strcmp(kind, "fixed")) {
        du->kind = MR_DUR_FIXED;
        return sc_num_node(p, x, ckp, &R_GT0, &du->a);
    }
    if (!strcmp(kind, "exponential")) {
        du->kind = MR_DUR_EXPONENTIAL;
        return sc_num_node(p, x, ckp, &R_GT0, &du->a);
    }
    Map lm;
    du->kind = MR_DUR_LOGNORMAL;
    if (sc_map_open(p, x, ckp, "<duration>.lognormal", &lm))
        return -1;
    if (sc_get_num(p, &lm, "median", true, &R_GT0, &du->a))
        return -1;
    return sc_get_num(p, &lm, "sigma", true, &R_GE0, &du->b);
}

/* A marked Poisson process (MODEL §3): rate, severity, duration. */
int sc_process_map(P *p, const Map *m, mr_process *pr)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (sc_get_num(p, m, "rate_per_year", true, &R_GE0, &pr->rate_per_year))
        return -1;
    if (sc_mget(p, m, "severity", true, &v, kp) || sc_severity_node(p, v, kp, &pr->severity))
        return -1;
    if (sc_mget(p, m, "duration_months", true, &v, kp) || sc_duration_node(p, v, kp, &pr->duration))
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
