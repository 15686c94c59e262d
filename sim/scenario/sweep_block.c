/* sweep_block.c - the `sweep` block (docs/STUDIES.md "Sweeps"): its grid
 * of key paths and values, and a variant's values set into the document
 * before the walk.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "sim/scenario/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_MAX_VALUES 64

/* Keys a sweep may not vary: the variants must share their random numbers
   trial by trial (MODEL §12) and be one study. */
static const char *const SWEEP_FIXED[] = {"simulation.seed", "simulation.trials", "name",
                                          "description",     "extends",           NULL};

bool sc_valid_key_path(const char *s)
{
    if (!*s || *s == '.' || *s == '[')
        return false;
    for (const char *c = s; *c; c++) {
        if (isalnum((unsigned char)*c) || *c == '_' || *c == '-')
            continue;
        if (*c == '.' && c[1] && c[1] != '.' && c[1] != '[')
            continue;
        if (*c == '[') {
            const char *e = c + 1;
            while (isdigit((unsigned char)*e))
                e++;
            if (e == c + 1 || *e != ']' || (e[1] && e[1] != '.' && e[1] != '['))
                return false;
            c = e;
            continue;
        }
        return false;
    }
    return true;
}

const char *sc_key_path_at(P *p, const yaml_node_t *k, const char *kp, char *ckp,
                           const char *examples)
{
    char d[SHOW_BUF];
    if (k->type != YAML_SCALAR_NODE) {
        sc_fail(p, k, kp, "expected a key path, got %s", sc_describe(k, d, sizeof d));
        return NULL;
    }
    const char *path = sc_sval(k);
    sc_kp_key(ckp, kp, path);
    if (!sc_valid_key_path(path)) {
        sc_fail(p, k, ckp, "expected a key path such as %s", examples);
        return NULL;
    }
    return path;
}

/* sweep: {key path: [values...]} (docs/STUDIES.md "Sweeps"). Records the
   grid; the values themselves are checked when each variant is parsed
   (mr_scenario_parse_variant), which the CLI does before running any. */
int sc_walk_sweep(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    char d[SHOW_BUF], ckp[KP_MAX];
    if (v->type != YAML_MAPPING_NODE)
        return sc_fail(p, v, kp, "expected a mapping of key paths to lists of values, got %s",
                       sc_describe(v, d, sizeof d));
    int n = sc_npairs(v);
    if (n == 0)
        return sc_fail(p, v, kp, "give at least one key path to sweep");
    if (n > SC_SWEEP_PARAMS_MAX)
        return sc_fail(p, v, kp, "%d key paths, above the limit of %d", n, SC_SWEEP_PARAMS_MAX);
    if (!(sc->sweep = sc_zalloc(p, (size_t)n, sizeof *sc->sweep)))
        return -1;
    sc->nsweep = n;
    uint64_t nvar = 1;
    for (int i = 0; i < n; i++) {
        const yaml_node_t *k = sc_pair_key(p, v, i), *vals = sc_pair_val(p, v, i);
        const char *path = sc_key_path_at(p, k, kp, ckp,
                                          "policies.stockpile.months or "
                                          "minerals.gallium.refining[0].spare");
        if (!path)
            return -1;
        if (!strncmp(path, "sweep", 5) && (!path[5] || path[5] == '.' || path[5] == '['))
            return sc_fail(p, k, ckp, "a sweep cannot vary itself");
        for (int f = 0; SWEEP_FIXED[f]; f++)
            if (!strcmp(path, SWEEP_FIXED[f]))
                return sc_fail(p, k, ckp,
                               f < 2 ? "cannot be swept: every variant shares the scenario's %s "
                                       "(common random numbers need the same seed and trials)"
                                     : "cannot be swept: the variants are one study and share the "
                                       "scenario's %s",
                               SWEEP_FIXED[f]);
        for (int j = 0; j < i; j++)
            if (!strcmp(sc->sweep[j].path, path))
                return sc_fail(p, k, ckp, "duplicate key path");
        if (vals->type != YAML_SEQUENCE_NODE)
            return sc_fail(p, vals, ckp, "expected a list of values, got %s",
                           sc_describe(vals, d, sizeof d));
        int nv = sc_nitems(vals);
        if (nv < 1 || nv > SWEEP_MAX_VALUES)
            return sc_fail(p, vals, ckp, "expected 1 to %d values, got %d", SWEEP_MAX_VALUES, nv);
        mr_sweep_param *sp = &sc->sweep[i];
        if (!(sp->path = strdup(path)) ||
            !(sp->labels = sc_zalloc(p, (size_t)nv, sizeof(char *))) ||
            !(sp->line = sc_zalloc(p, (size_t)nv, sizeof(int))) ||
            !(sp->col = sc_zalloc(p, (size_t)nv, sizeof(int))) ||
            !(sp->file = strdup(sc_file_of(p, k))))
            return sc_oom(p);
        sp->nvalues = nv;
        sp->key_line = (int)k->start_mark.line + 1;
        sp->key_col = (int)k->start_mark.column + 1;
        for (int q = 0; q < nv; q++) {
            const yaml_node_t *x = sc_item_at(p, vals, q);
            sp->line[q] = (int)x->start_mark.line + 1;
            sp->col[q] = (int)x->start_mark.column + 1;
            char buf[32];
            const char *label = buf;
            if (sc_is_null(x))
                label = "none";
            else if (x->type == YAML_SCALAR_NODE)
                label = sc_sval(x);
            else
                snprintf(buf, sizeof buf, "value%d", q + 1);
            for (int r = 0; r < q; r++)
                if (!strcmp(sp->labels[r], label)) {
                    char vkp[KP_MAX];
                    sc_kp_idx(vkp, ckp, q);
                    return sc_fail(p, x, vkp, "duplicate value '%s'",
                                   sc_show(label, strlen(label), d, sizeof d));
                }
            if (!(sp->labels[q] = strdup(label)))
                return sc_oom(p);
            sc_one_line(sp->labels[q]);
        }
        nvar *= (uint64_t)nv;
        if (nvar > MR_SWEEP_MAX_VARIANTS)
            return sc_fail(p, vals, ckp, "the grid has more than %d variants",
                           MR_SWEEP_MAX_VARIANTS);
    }
    sc->nvariants = nvar;
    return 0;
}

/* A node added to the document for a sweep: marks (and file) of `like`. */
int sc_added_node(P *p, int id, int like)
{
    if (!id)
        return 0;
    yaml_document_t *d = p->doc;
    if (p->origin) {
        if ((size_t)id > p->norigin) {
            int *o = realloc(p->origin, (size_t)id * sizeof *o);
            if (!o)
                return 0;
            p->origin = o;
            p->norigin = (size_t)id;
        }
        p->origin[id - 1] = p->origin[like - 1];
    }
    yaml_node_t *n = yaml_document_get_node(d, id), *l = yaml_document_get_node(d, like);
    n->start_mark = l->start_mark;
    n->end_mark = l->end_mark;
    return id;
}

/* The pair index of key name[0..len) in mapping id, or -1. */
int sc_find_key(yaml_document_t *d, int map, const char *name, size_t len)
{
    const yaml_node_t *m = yaml_document_get_node(d, map);
    int n = (int)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    for (int i = 0; i < n; i++) {
        const yaml_node_t *k = yaml_document_get_node(d, m->data.mapping.pairs.start[i].key);
        if (k->type == YAML_SCALAR_NODE && k->data.scalar.length == len &&
            !memcmp(k->data.scalar.value, name, len))
            return i;
    }
    return -1;
}

/* The top-level mappings of ids: a key path may set a key of an entry
   but not add one (a typo in an id would otherwise make a new, incomplete
   entry and a message about a missing key). */
static bool is_collection(const char *name)
{
    static const char *const ids[] = {"countries", "minerals", "sectors", "events", NULL};
    for (int i = 0; ids[i]; i++)
        if (!strcmp(name, ids[i]))
            return true;
    return false;
}

/* The failure for id `name`, not in collection `coll` (mapping node map). */
static int no_such_id(P *p, int keyid, const char *path, const char *coll, const char *name,
                      int map)
{
    char list[SHOW_BUF] = "", d[SHOW_BUF];
    const yaml_node_t *m = yaml_document_get_node(p->doc, map);
    int n = (int)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        const yaml_node_t *k = yaml_document_get_node(p->doc, m->data.mapping.pairs.start[i].key);
        if (k->type != YAML_SCALAR_NODE)
            continue;
        const char *id = sc_sval(k);
        if (used + strlen(id) + 8 > sizeof list) { /* room for ", ..." and the NUL */
            snprintf(list + used, sizeof list - used, ", ...");
            break;
        }
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", id);
    }
    return sc_fail(p, yaml_document_get_node(p->doc, keyid), path, "%s has no '%s' (it has %s)",
                   coll, sc_show(name, strlen(name), d, sizeof d), used ? list : "none");
}

/* Set the node at key path `path` (written at node keyid) to node valid,
   making missing mappings on the way. Node pointers move when nodes are
   added, so only ids are kept across additions. */
int sc_set_path(P *p, int root, int keyid, int valid)
{
    yaml_document_t *d = p->doc;
    char path[KP_MAX], here[KP_MAX] = "";
    snprintf(path, sizeof path, "%s", sc_sval(yaml_document_get_node(d, keyid)));
    int cur = root, top = 0; /* top: the value of the path's first key */
    char top_name[KP_MAX] = "";
    const char *s = path;
    for (;;) {
        size_t len = strcspn(s, ".[");
        char name[KP_MAX];
        snprintf(name, sizeof name, "%.*s", (int)len, s);
        const yaml_node_t *cn = yaml_document_get_node(d, cur);
        if (cn->type != YAML_MAPPING_NODE)
            return sc_fail(p, yaml_document_get_node(d, keyid), path,
                           "cannot set '%s': %s is not a mapping", name, here[0] ? here : "(root)");
        char next_here[KP_MAX];
        sc_kp_key(next_here, here, name);
        memcpy(here, next_here, sizeof here);
        int j = sc_find_key(d, cur, s, len);
        const char *rest = s + len;
        int next;
        if (j >= 0) {
            yaml_node_pair_t *pr = &yaml_document_get_node(d, cur)->data.mapping.pairs.start[j];
            if (!*rest) {
                pr->value = valid;
                return 0;
            }
            next = pr->value;
        } else {
            if (*rest == '[')
                return sc_fail(p, yaml_document_get_node(d, keyid), path, "%s: no such list", here);
            if (cur != root && cur == top && is_collection(top_name))
                return no_such_id(p, keyid, path, top_name, name, cur);
            yaml_char_t *kv = (yaml_char_t *)name;
            int key = sc_added_node(
                p, yaml_document_add_scalar(d, NULL, kv, (int)len, YAML_PLAIN_SCALAR_STYLE), keyid);
            next =
                !*rest
                    ? valid
                    : sc_added_node(p, yaml_document_add_mapping(d, NULL, YAML_BLOCK_MAPPING_STYLE),
                                    keyid);
            if (!key || !next || !yaml_document_append_mapping_pair(d, cur, key, next))
                return sc_oom(p);
            if (!*rest)
                return 0;
        }
        while (*rest == '[') {
            char *end;
            unsigned long idx = strtoul(rest + 1, &end, 10);
            const yaml_node_t *sq = yaml_document_get_node(d, next);
            int ni = sq->type == YAML_SEQUENCE_NODE
                         ? (int)(sq->data.sequence.items.top - sq->data.sequence.items.start)
                         : -1;
            if (ni < 0)
                return sc_fail(p, yaml_document_get_node(d, keyid), path, "%s is not a list", here);
            /* the index as written: strtoul gives ULONG_MAX for one above
               it (sc_valid_key_path let only digits through) */
            if (idx >= (unsigned long)ni) {
                char shown[SHOW_BUF];
                return sc_fail(p, yaml_document_get_node(d, keyid), path,
                               "%s has %d items; index %s is out of range", here, ni,
                               sc_show(rest + 1, (size_t)(end - (rest + 1)), shown, sizeof shown));
            }
            char nh[KP_MAX];
            sc_kp_idx(nh, here, (int)idx);
            memcpy(here, nh, sizeof here);
            yaml_node_item_t *it = &yaml_document_get_node(d, next)->data.sequence.items.start[idx];
            rest = end + 1;
            if (!*rest) {
                *it = valid;
                return 0;
            }
            next = *it;
        }
        s = rest + 1; /* past the '.' (sc_valid_key_path) */
        if (cur == root) {
            top = next;
            snprintf(top_name, sizeof top_name, "%s", name);
        }
        cur = next;
    }
}

/* A variant: every sweep parameter's key set to its chosen value node. */
int sc_apply_sweep(P *p, int root)
{
    yaml_document_t *d = p->doc;
    const yaml_node_t *r = yaml_document_get_node(d, root);
    if (!r || r->type != YAML_MAPPING_NODE)
        return 0; /* the walk reports it */
    int j = sc_find_key(d, root, "sweep", 5);
    const yaml_node_t *sw =
        j < 0 ? NULL : yaml_document_get_node(d, r->data.mapping.pairs.start[j].value);
    if (!sw || sw->type != YAML_MAPPING_NODE || sc_npairs(sw) != p->nchoice) {
        snprintf(p->err->msg, MR_ERRMSG_MAX, "%s: sweep: the scenario's sweep changed", p->file);
        return -1;
    }
    int swid = r->data.mapping.pairs.start[j].value;
    for (int i = 0; i < p->nchoice; i++) {
        yaml_node_pair_t pr = yaml_document_get_node(d, swid)->data.mapping.pairs.start[i];
        const yaml_node_t *vals = yaml_document_get_node(d, pr.value);
        if (vals->type != YAML_SEQUENCE_NODE || p->choice[i] < 0 ||
            p->choice[i] >= sc_nitems(vals)) {
            snprintf(p->err->msg, MR_ERRMSG_MAX, "%s: sweep: no such variant", p->file);
            return -1;
        }
        int valid = vals->data.sequence.items.start[p->choice[i]];
        if (sc_set_path(p, root, pr.key, valid))
            return -1;
    }
    return 0;
}
