/* uncertain_block.c - the `uncertain` block (docs/STUDIES.md "Uncertainty"):
 * distributions of key paths, and a design row's numbers set into the
 * document before the walk, the way a sweep sets a variant's values, so
 * that every derived quantity is rebuilt by the normal walk.
 *
 * The walk checks the block's own form (paths, distributions, their
 * parameters); whether the values a distribution can take are valid values
 * of its key is checked by parsing the scenario at them
 * (mr_uncertainty_check, sim/studies/uncertainty.c), which reports a bad
 * value at the number in the block that gives it.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "models/uncertain.h"
#include "sim/scenario/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHOICE_MAX 64

/* Keys an uncertain block may not vary: a study's rows share the seed and
   trials (common random numbers) and are one scenario. */
static const char *const FIXED[] = {"simulation.seed", "simulation.trials", "name",
                                    "description",     "extends",           NULL};

static bool has_prefix(const char *path, const char *word)
{
    size_t n = strlen(word);
    return !strncmp(path, word, n) && (!path[n] || path[n] == '.' || path[n] == '[');
}

static void mark_of(const yaml_node_t *n, int *line, int *col)
{
    *line = (int)n->start_mark.line + 1;
    *col = (int)n->start_mark.column + 1;
}

/* A list of exactly `want` numbers into x; their nodes into nodes. */
static int number_list(P *p, const yaml_node_t *v, const char *kp, int want, const char *form,
                       double *x, const yaml_node_t **nodes)
{
    char d[SHOW_BUF], ikp[KP_MAX];
    if (v->type != YAML_SEQUENCE_NODE || sc_nitems(v) != want)
        return sc_fail(p, v, kp, "expected %s, got %s", form, sc_describe(v, d, sizeof d));
    for (int i = 0; i < want; i++) {
        nodes[i] = sc_item_at(p, v, i);
        sc_kp_idx(ikp, kp, i);
        if (sc_num_node(p, nodes[i], ikp, &R_ANY, &x[i]))
            return -1;
    }
    return 0;
}

/* choice: [{value: v, weight: w}, ...], weights summing to 1. */
static int walk_choice(P *p, const yaml_node_t *v, const char *kp, mr_uncertain_param *q)
{
    char d[SHOW_BUF], ikp[KP_MAX], vkp[KP_MAX];
    int n = v->type == YAML_SEQUENCE_NODE ? sc_nitems(v) : -1;
    if (n < 1 || n > CHOICE_MAX)
        return sc_fail(p, v, kp, "expected a list of 1 to %d {value, weight} mappings, got %s",
                       CHOICE_MAX, sc_describe(v, d, sizeof d));
    if (!(q->values = sc_zalloc(p, (size_t)n, sizeof(double))) ||
        !(q->weights = sc_zalloc(p, (size_t)n, sizeof(double))) ||
        !(q->vline = sc_zalloc(p, (size_t)n, sizeof(int))) ||
        !(q->vcol = sc_zalloc(p, (size_t)n, sizeof(int))))
        return -1;
    q->nvalues = n;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        Map m;
        const yaml_node_t *x;
        sc_kp_idx(ikp, kp, i);
        if (sc_map_open(p, sc_item_at(p, v, i), ikp, "uncertain.keys.<key path>.choice[]", &m) ||
            sc_mget(p, &m, "value", true, &x, vkp) ||
            sc_num_node(p, x, vkp, &R_ANY, &q->values[i]) ||
            sc_get_num(p, &m, "weight", true, &R_01_OPENLO, &q->weights[i]))
            return -1;
        mark_of(x, &q->vline[i], &q->vcol[i]);
        for (int j = 0; j < i; j++)
            if (q->values[j] == q->values[i])
                return sc_fail(p, x, vkp, "the value %s is given twice (at item %d)", sc_sval(x),
                               j);
        sum += q->weights[i];
    }
    if (fabs(sum - 1) > SUM_TOL)
        return sc_fail(p, v, kp, "the weights must sum to 1, got %.10g", sum);
    return 0;
}

/* One key path's distribution, the mapping v. */
static int walk_dist(P *p, const yaml_node_t *v, const char *kp, mr_uncertain_param *q)
{
    static const char *const forms[] = {"uniform", "triangular", "lognormal", "beta", "choice"};
    Map m;
    if (sc_map_open(p, v, kp, "uncertain.keys.<key path>", &m))
        return -1;
    int which = -1, given = 0;
    for (int f = 0; f < 5; f++) {
        const yaml_node_t *x;
        char fkp[KP_MAX];
        if (sc_mget(p, &m, forms[f], false, &x, fkp))
            return -1;
        if (x) {
            which = which < 0 ? f : which;
            given++;
        }
    }
    if (given != 1)
        return sc_fail(p, v, kp,
                       "give exactly one distribution: uniform, triangular, lognormal, beta or "
                       "choice (%d given)",
                       given);
    const yaml_node_t *x, *nodes[3];
    char fkp[KP_MAX], ckp[KP_MAX];
    double y[3];
    sc_mget(p, &m, forms[which], false, &x, fkp);
    q->kind = (mr_dist_kind)which;
    switch (q->kind) {
    case MR_DIST_UNIFORM:
        if (number_list(p, x, fkp, 2, "[lo, hi]", y, nodes))
            return -1;
        if (y[1] < y[0])
            return sc_fail(p, nodes[1], fkp, "hi must be >= lo, got [%g, %g]", y[0], y[1]);
        q->a = y[0];
        q->b = y[1];
        mark_of(nodes[0], &q->lo_line, &q->lo_col);
        mark_of(nodes[1], &q->hi_line, &q->hi_col);
        break;
    case MR_DIST_TRIANGULAR:
        if (number_list(p, x, fkp, 3, "[lo, mode, hi]", y, nodes))
            return -1;
        if (!(y[0] <= y[1] && y[1] <= y[2]))
            return sc_fail(p, x, fkp, "expected lo <= mode <= hi, got [%g, %g, %g]", y[0], y[1],
                           y[2]);
        q->a = y[0];
        q->b = y[1];
        q->c = y[2];
        mark_of(nodes[0], &q->lo_line, &q->lo_col);
        mark_of(nodes[2], &q->hi_line, &q->hi_col);
        break;
    case MR_DIST_LOGNORMAL: {
        Map lm;
        const yaml_node_t *med;
        if (sc_map_open(p, x, fkp, "uncertain.keys.<key path>.lognormal", &lm) ||
            sc_get_num(p, &lm, "median", true, &R_GT0, &q->a) ||
            sc_get_num(p, &lm, "sigma", true, &R_VOL, &q->b) ||
            sc_mget(p, &lm, "median", true, &med, ckp))
            return -1;
        mark_of(med, &q->lo_line, &q->lo_col);
        mark_of(med, &q->hi_line, &q->hi_col);
        break;
    }
    case MR_DIST_BETA: {
        Map bm;
        const yaml_node_t *lo, *hi;
        char lkp[KP_MAX], hkp[KP_MAX];
        if (sc_map_open(p, x, fkp, "uncertain.keys.<key path>.beta", &bm) ||
            sc_get_num(p, &bm, "a", true, &R_BETA, &q->a) ||
            sc_get_num(p, &bm, "b", true, &R_BETA, &q->b) ||
            sc_mget(p, &bm, "lo", true, &lo, lkp) || sc_num_node(p, lo, lkp, &R_ANY, &q->c) ||
            sc_mget(p, &bm, "hi", true, &hi, hkp) || sc_num_node(p, hi, hkp, &R_ANY, &q->d))
            return -1;
        if (q->d < q->c)
            return sc_fail(p, hi, hkp, "hi must be >= lo, got lo %g, hi %g", q->c, q->d);
        mark_of(lo, &q->lo_line, &q->lo_col);
        mark_of(hi, &q->hi_line, &q->hi_col);
        break;
    }
    case MR_DIST_CHOICE:
        if (walk_choice(p, x, fkp, q))
            return -1;
        break;
    }
    mr_dist_range(q, &q->lo, &q->hi);
    if (!isfinite(q->lo) || !isfinite(q->hi))
        return sc_fail(p, x, fkp, "its draws are not all finite numbers (from %g to %g)", q->lo,
                       q->hi);
    return 0;
}

/* uncertain: {rows: N, block_trials: L, keys: {key path: distribution}}. */
int sc_walk_uncertain(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    char d[SHOW_BUF], kkp[KP_MAX], ckp[KP_MAX];
    Map m;
    const yaml_node_t *keys;
    if (sc_map_open(p, v, kp, "uncertain", &m) ||
        sc_get_int(p, &m, "rows", false, 2, 4096, &sc->uncertain_rows) ||
        sc_get_int(p, &m, "block_trials", false, 1, 1000000, &sc->uncertain_block_trials) ||
        sc_mget(p, &m, "keys", true, &keys, kkp))
        return -1;
    if (keys->type != YAML_MAPPING_NODE)
        return sc_fail(p, keys, kkp, "expected a mapping of key paths to distributions, got %s",
                       sc_describe(keys, d, sizeof d));
    int n = sc_npairs(keys);
    if (n == 0)
        return sc_fail(p, keys, kkp, "give at least one key path");
    if (n > MR_UNCERTAIN_MAX_KEYS)
        return sc_fail(p, keys, kkp, "%d key paths, above the limit of %d", n,
                       MR_UNCERTAIN_MAX_KEYS);
    if (!(sc->uncertain = sc_zalloc(p, (size_t)n, sizeof *sc->uncertain)))
        return -1;
    sc->nuncertain = n;
    for (int i = 0; i < n; i++) {
        const yaml_node_t *k = sc_pair_key(p, keys, i), *dist = sc_pair_val(p, keys, i);
        mr_uncertain_param *q = &sc->uncertain[i];
        const char *path = sc_key_path_at(p, k, kkp, ckp,
                                          "minerals.gallium.market.stock_months or "
                                          "sectors.automotive.needs[0].dependent_share");
        if (!path)
            return -1;
        if (has_prefix(path, "sweep") || has_prefix(path, "uncertain"))
            return sc_fail(p, k, ckp, "cannot be uncertain: a study's own settings");
        for (int f = 0; FIXED[f]; f++)
            if (!strcmp(path, FIXED[f]))
                return sc_fail(p, k, ckp,
                               "cannot be uncertain: every row shares the scenario's %s "
                               "(common random numbers, one study)",
                               FIXED[f]);
        const char *type;
        if (sc_schema_numeric(path, &type) == 0)
            return sc_fail(p, k, ckp, "cannot be uncertain: its value is a %s, not a number", type);
        for (int j = 0; j < i; j++)
            if (!strcmp(sc->uncertain[j].path, path))
                return sc_fail(p, k, ckp, "duplicate key path");
        for (int j = 0; j < sc->nsweep; j++)
            if (!strcmp(sc->sweep[j].path, path))
                return sc_fail(p, k, ckp,
                               "is also swept (sweep.%s): a key is either swept or uncertain",
                               path);
        if (!(q->path = strdup(path)) || !(q->file = strdup(sc_file_of(p, k))))
            return sc_oom(p);
        mark_of(k, &q->line, &q->col);
        if (walk_dist(p, dist, ckp, q))
            return -1;
    }
    return 0;
}

/* A row: every uncertain key with a number (p->values[i] not NaN) set to
   that number, a plain scalar marked where p->marks says. */
int sc_apply_uncertain(P *p, int root)
{
    yaml_document_t *d = p->doc;
    const yaml_node_t *r = yaml_document_get_node(d, root);
    if (!r || r->type != YAML_MAPPING_NODE)
        return 0; /* the walk reports it */
    int j = sc_find_key(d, root, "uncertain", 9);
    int uid = j < 0 ? 0 : r->data.mapping.pairs.start[j].value;
    const yaml_node_t *u = uid ? yaml_document_get_node(d, uid) : NULL;
    int kj = u && u->type == YAML_MAPPING_NODE ? sc_find_key(d, uid, "keys", 4) : -1;
    int kid = kj < 0 ? 0 : u->data.mapping.pairs.start[kj].value;
    const yaml_node_t *ks = kid ? yaml_document_get_node(d, kid) : NULL;
    if (!ks || ks->type != YAML_MAPPING_NODE || sc_npairs(ks) != p->nvalues) {
        snprintf(p->err->msg, MR_ERRMSG_MAX,
                 "%s: uncertain: the scenario's uncertain block changed", p->file);
        return -1;
    }
    for (int i = 0; i < p->nvalues; i++) {
        if (isnan(p->values[i]))
            continue;
        int keyid = yaml_document_get_node(d, kid)->data.mapping.pairs.start[i].key;
        char num[40];
        sc_shortest(p->values[i], num, sizeof num);
        int id = sc_added_node(p,
                               yaml_document_add_scalar(d, NULL, (yaml_char_t *)num,
                                                        (int)strlen(num), YAML_PLAIN_SCALAR_STYLE),
                               keyid);
        if (!id)
            return sc_oom(p);
        if (p->marks && p->marks[2 * i] > 0) {
            yaml_node_t *nn = yaml_document_get_node(d, id);
            nn->start_mark.line = (size_t)(p->marks[2 * i] - 1);
            nn->start_mark.column = (size_t)(p->marks[2 * i + 1] - 1);
            nn->end_mark = nn->start_mark;
        }
        if (sc_set_path(p, root, keyid, id))
            return -1;
    }
    return 0;
}
