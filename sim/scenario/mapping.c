/* mapping.c - the scenario's mappings checked against the schema: every key
 * allowed (a child of its schema path, schema.c) and given once, and the
 * values of optional keys read with the schema's defaults.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "sim/scenario/internal.h"

#include <stdlib.h>
#include <string.h>

static int key_index(const char *const *keys, const char *s)
{
    for (int i = 0; keys[i]; i++)
        if (!strcmp(keys[i], s))
            return i;
    return -1;
}

/* Check that v is a mapping whose keys are all allowed (the children of
   schema mapping `schema`) and distinct. */
int sc_map_open(P *p, const yaml_node_t *v, const char *kp, const char *schema, Map *m)
{
    char d[SHOW_BUF], h[512], ckp[KP_MAX];
    memset(m, 0, sizeof *m);
    if (v->type != YAML_MAPPING_NODE)
        return sc_fail(p, v, kp, "expected a mapping, got %s", sc_describe(v, d, sizeof d));
    m->node = v;
    if (sc_schema_keys(schema, m->keys, m->sk) <= 0) /* schema_check rules this out */
        return sc_fail(p, v, kp, "internal error: no key table for %s", schema);
    snprintf(m->kp, sizeof m->kp, "%s", kp);
    for (int i = 0; i < sc_npairs(v); i++) {
        const yaml_node_t *k = sc_pair_key(p, v, i);
        if (k->type != YAML_SCALAR_NODE)
            return sc_fail(p, k, kp, "expected a key, got %s", sc_describe(k, d, sizeof d));
        sc_kp_key(ckp, kp, sc_sval(k));
        int j = key_index(m->keys, sc_sval(k));
        /* collecting every error: an unknown or repeated key is left out
           and the mapping read without it */
        if (j < 0) {
            sc_fail(p, k, ckp, "unknown key %s%s", sc_describe(k, d, sizeof d),
                    sc_hint(sc_sval(k), m->keys, -1, true, h, sizeof h));
            if (!sc_recover(p))
                return -1;
            sc_dropped(p, v);
            continue;
        }
        if (m->key[j]) {
            sc_fail(p, k, ckp, "duplicate key '%s' (first given at line %lu)", m->keys[j],
                    (unsigned long)m->key[j]->start_mark.line + 1);
            if (!sc_recover(p))
                return -1;
            sc_dropped(p, v);
            continue;
        }
        m->key[j] = k;
        m->val[j] = sc_pair_val(p, v, i);
    }
    return 0;
}

/* The value of `key` in m: NULL when absent, or null and optional.
   A missing required key is reported at the mapping that should hold it. */
int sc_mget(P *p, const Map *m, const char *key, bool req, const yaml_node_t **v, char *kp)
{
    int i = key_index(m->keys, key);
    sc_kp_key(kp, m->kp, key);
    *v = i >= 0 ? m->val[i] : NULL;
    if (*v && !req && sc_is_null(*v))
        *v = NULL;
    if (!*v && req)
        return sc_fail(p, m->node, kp, "required key is missing");
    return 0;
}

/* The schema's default of an absent optional key of m, or NULL when the
   schema has none that is a value: a walker reading the key must then give
   its own (the _or forms). */
static const char *schema_default(const Map *m, const char *key)
{
    int i = key_index(m->keys, key);
    return i >= 0 ? sc_schema_default(m->sk[i]) : NULL;
}

/* A walker's bug, not the user's (mr_scenario_schema_check checks that
   every default that is a value parses). */
static int no_default(P *p, const Map *m, const char *kp)
{
    return sc_fail(p, m->node, kp, "internal error: the schema gives no default value");
}

int sc_get_num(P *p, const Map *m, const char *key, bool req, const Range *r, double *out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (sc_mget(p, m, key, req, &v, kp))
        return -1;
    if (v)
        return sc_num_node(p, v, kp, r, out);
    const char *d = schema_default(m, key);
    if (!d || !sc_parse_double(d, out) || !isfinite(*out))
        return no_default(p, m, kp);
    return 0;
}

int sc_get_num_or(P *p, const Map *m, const char *key, double def, const Range *r, double *out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (sc_mget(p, m, key, false, &v, kp))
        return -1;
    if (!v) {
        *out = def;
        return 0;
    }
    return sc_num_node(p, v, kp, r, out);
}

int sc_get_int(P *p, const Map *m, const char *key, bool req, uint64_t lo, uint64_t hi,
               uint64_t *out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    bool neg, ovf;
    if (sc_mget(p, m, key, req, &v, kp))
        return -1;
    if (v)
        return sc_int_node(p, v, kp, lo, hi, out);
    const char *d = schema_default(m, key);
    if (!d || !sc_parse_int(d, &neg, out, &ovf))
        return no_default(p, m, kp);
    return 0;
}

static int set_str(P *p, const char *def, char **out)
{
    char *s = strdup(def);
    if (!s)
        return sc_oom(p);
    free(*out);
    *out = s;
    return 0;
}

int sc_get_str(P *p, const Map *m, const char *key, bool req, char **out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (sc_mget(p, m, key, req, &v, kp))
        return -1;
    if (v)
        return sc_str_node(p, v, kp, out);
    const char *d = schema_default(m, key);
    return d ? set_str(p, d, out) : no_default(p, m, kp);
}

bool sc_blank(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        if (*u == ' ' || *u == '\t')
            u++;
        else if (u[0] == 0xc2 && u[1] == 0xa0) /* U+00A0 no-break space */
            u += 2;
        else if (u[0] == 0xe2 && u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xaf))
            u += 3; /* U+2000-200A, U+202F: the typographic spaces */
        else if (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) /* U+205F */
            u += 3;
        else if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) /* U+3000 ideographic */
            u += 3;
        else if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) /* U+1680 Ogham space mark */
            u += 3;
        else
            return false;
    }
    return true;
}

int sc_get_str_or(P *p, const Map *m, const char *key, const char *def, char **out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (sc_mget(p, m, key, false, &v, kp))
        return -1;
    if (!v)
        return set_str(p, def, out);
    if (sc_str_node(p, v, kp, out))
        return -1;
    /* a display name (its default the id) of spaces or nothing would be
       stored as such and shown blank in every chart and table */
    if (def[0] && sc_blank(*out))
        return sc_fail(p, v, kp, "must not be empty (leave %s out, and the id is shown)", key);
    return 0;
}

int sc_get_enum(P *p, const Map *m, const char *key, bool req, const char *const *names, int *out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (sc_mget(p, m, key, req, &v, kp))
        return -1;
    if (v)
        return sc_enum_node(p, v, kp, names, out);
    const char *d = schema_default(m, key);
    int w = d ? key_index(names, d) : -1;
    if (w < 0)
        return no_default(p, m, kp);
    *out = w;
    return 0;
}

int sc_country_values(P *p, const yaml_node_t *v, const char *kp, const Range *r,
                      sc_country_value **out, int *n, double *sum)
{
    *out = NULL;
    *n = 0;
    *sum = 0.0;
    if (sc_idmap_check(p, v, kp, "country", &p->hcid))
        return -1;
    int np = sc_npairs(v);
    if (!(*out = sc_zalloc(p, (size_t)np + 1, sizeof **out)))
        return -1;
    for (int i = 0; i < np; i++) {
        const char *id = sc_sval(sc_pair_key(p, v, i));
        const yaml_node_t *x = sc_pair_val(p, v, i);
        if (sc_is_null(x))
            continue;
        sc_country_value *e = &(*out)[*n];
        sc_kp_key(e->kp, kp, id);
        if (sc_num_node(p, x, e->kp, r, &e->value)) {
            free(*out);
            *out = NULL;
            return -1;
        }
        e->country = sc_idhash_find(&p->hcid, id);
        e->at = x;
        *sum += e->value;
        (*n)++;
    }
    return 0;
}
