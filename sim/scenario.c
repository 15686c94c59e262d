/* scenario.c - read and validate a scenario file (MODEL §1-§7).
 *
 * The whole YAML text is first composed into a libyaml node graph (the
 * document API), then a hand-written schema walker visits the graph in
 * dependency order - defaults before countries (derived outage rates need
 * defaults.wgi_rate), countries before minerals (suppliers name countries),
 * minerals before sectors and events, sectors before the interdependency
 * matrix - so every reference is resolved and every problem is reported at
 * the node where it is written. The first problem found ends the parse with
 * one line "file:line:col: key.path: message" (INTERFACE.md, "Exit status").
 *
 * `extends` (docs/SCENARIO_FORMAT.md): each file of the chain is composed
 * on its own, then the chain is merged node by node into one libyaml
 * document (mappings key by key, anything else replaced whole) whose nodes
 * remember their file, so the one schema walk reports every problem in the
 * file where it was written. Policies (MODEL §10, models/policies.c) are
 * applied right after the minerals are read.
 *
 * Nothing here prints or exits: the CLI decides what to do with mr_error.
 * All memory is owned by the mr_scenario or freed before returning, on every
 * path; a failed parse leaves *sc zeroed.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "scenario.h"

#include "policies.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_complex.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <yaml.h>

#define KP_MAX 512   /* key paths longer than this are cut in messages */
#define MAXKEYS 16   /* most keys any schema mapping allows */
#define SUM_TOL 1e-9 /* tolerance of "sums to 1" and "sums to <= 1" checks */
#define SHOW_MAX 60  /* bytes of a user's scalar echoed in a message */

/* One file of an `extends` chain: [0] is the scenario given, [k+1] the
   file [k] extends. */
typedef struct {
    char *path;       /* as named in messages: the given path, or the parent's
                         path joined to its child's directory and normalised */
    char *text;       /* the file's bytes (owned) */
    size_t len;
    yaml_document_t doc;
    bool has_doc;
    const yaml_node_t *extends; /* value of the top-level `extends`, or NULL */
} Src;

#define CHAIN_MAX 16 /* most files in an extends chain */

/* Parser state: where we are reading from and where errors go. */
typedef struct {
    const char *file;
    const char *text;
    size_t len;
    yaml_document_t *doc;
    /* extends: the files of the chain, and for each node of the merged
       document (doc) the index of the file it came from; NULL when the
       document is a single file's own */
    Src src[CHAIN_MAX];
    int nsrc;
    int *origin;
    size_t norigin;    /* entries of origin (nodes of doc when merged) */
    const int *choice; /* a sweep variant: value index per parameter; NULL: the base */
    int nchoice;
    mr_scenario *sc;
    mr_error *err;
    /* ids in index order, pointers into sc (not owned), for references */
    const char **cid;
    const char **mid;
    const char **sid;
} P;

/* ---------------------------------------------------------------- errors */

/* Messages must stay one line whatever the user wrote (a key may hold a
   newline through YAML escapes), so control characters become '?'. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

/* Report a problem at node n (NULL: the start of the file). kp "" is the
   document root. Always returns -1 so callers can `return fail(...)`. */
/* The file node n was written in: with `extends`, nodes of the merged
   document keep the file they came from. */
static const char *file_of(const P *p, const yaml_node_t *n)
{
    if (n && p->origin && p->doc && n >= p->doc->nodes.start && n < p->doc->nodes.top)
        return p->src[p->origin[n - p->doc->nodes.start]].path;
    return p->file;
}

static int fail(P *p, const yaml_node_t *n, const char *kp, const char *fmt, ...)
{
    unsigned long line = n ? (unsigned long)n->start_mark.line + 1 : 1;
    unsigned long col = n ? (unsigned long)n->start_mark.column + 1 : 1;
    int k = snprintf(p->err->msg, MR_ERRMSG_MAX, "%s:%lu:%lu: %s: ", file_of(p, n), line, col,
                     *kp ? kp : "(root)");
    if (k >= 0 && k < MR_ERRMSG_MAX) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err->msg + k, (size_t)(MR_ERRMSG_MAX - k), fmt, ap);
        va_end(ap);
    }
    one_line(p->err->msg);
    return -1;
}

static int oom(P *p)
{
    snprintf(p->err->msg, MR_ERRMSG_MAX, "%s: out of memory", p->file);
    one_line(p->err->msg);
    return -1;
}

/* ------------------------------------------------------------ node access */

static yaml_node_t *node_at(P *p, int i)
{
    return yaml_document_get_node(p->doc, i);
}

static const char *sval(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static int npairs(const yaml_node_t *n)
{
    return (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}
static yaml_node_t *pair_key(P *p, const yaml_node_t *n, int i)
{
    return node_at(p, n->data.mapping.pairs.start[i].key);
}
static yaml_node_t *pair_val(P *p, const yaml_node_t *n, int i)
{
    return node_at(p, n->data.mapping.pairs.start[i].value);
}
static int nitems(const yaml_node_t *n)
{
    return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}
static yaml_node_t *item_at(P *p, const yaml_node_t *n, int i)
{
    return node_at(p, n->data.sequence.items.start[i]);
}

/* YAML 1.1 null: an empty or ~/null plain scalar. Optional keys given as
   null count as not given (so a section can be emptied by commenting out
   its entries); required ones are reported as "got null". */
static bool is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = sval(n);
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* A user's scalar, cut to SHOW_MAX bytes at a UTF-8 boundary. */
static const char *show(const char *s, char *buf, size_t sz)
{
    size_t n = strlen(s);
    if (n <= SHOW_MAX) {
        snprintf(buf, sz, "%s", s);
        return buf;
    }
    n = SHOW_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    snprintf(buf, sz, "%.*s...", (int)n, s);
    return buf;
}

/* What a node is, for "expected X, got <describe>". */
static const char *describe(const yaml_node_t *n, char *buf, size_t sz)
{
    char tmp[SHOW_MAX + 8];
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (is_null(n))
        return "null";
    snprintf(buf, sz, "'%s'", show(sval(n), tmp, sizeof tmp));
    return buf;
}

/* ------------------------------------------------------------- key paths */

/* out = parent + sep + tail, cut to KP_MAX - 1 bytes (a cut path still
   locates the problem; line and column are exact). Hand-written rather
   than snprintf so that cutting is not a -Wformat-truncation warning. */
static void kp_join(char *out, const char *parent, const char *sep, const char *tail)
{
    size_t n = 0;
    for (const char *part[3] = {parent, sep, tail}, **q = part; q < part + 3; q++)
        for (const char *s = *q; *s && n < KP_MAX - 1; s++)
            out[n++] = *s;
    out[n] = '\0';
}

static void kp_key(char *out, const char *parent, const char *key)
{
    kp_join(out, parent, *parent ? "." : "", key);
}

static void kp_idx(char *out, const char *parent, int i)
{
    char idx[24];
    snprintf(idx, sizeof idx, "[%d]", i);
    kp_join(out, parent, "", idx);
}

/* ------------------------------------------------------------ suggestions */

/* Optimal-string-alignment distance (Levenshtein plus adjacent swaps), so
   "sevrity" -> "severity" and "shaer" -> "share" are both one edit. */
static size_t edit_distance(const char *a, const char *b)
{
    enum { L = 64 };
    size_t n = strlen(a), m = strlen(b);
    if (n >= L || m >= L)
        return SIZE_MAX;
    size_t d[L + 1][L + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

static bool same_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return !*a && !*b;
}

/* The candidate closest to s within 2 edits, or NULL. A suggestion needs
   fewer edits than the candidate has letters: otherwise "xy" would be
   "close" to every two-letter key. Case-only differences always match.
   n < 0: cands is NULL-terminated. */
static const char *nearest(const char *s, const char *const *cands, int n)
{
    const char *best = NULL;
    size_t bestd = SIZE_MAX;
    for (int i = 0; n < 0 ? cands[i] != NULL : i < n; i++) {
        if (same_ignoring_case(s, cands[i]))
            return cands[i];
        size_t d = edit_distance(s, cands[i]);
        if (d <= 2 && d < strlen(cands[i]) && d < bestd) {
            best = cands[i];
            bestd = d;
        }
    }
    return best;
}

/* " (did you mean 'x'?)", or with list_all the allowed keys, or "". */
static const char *hint(const char *s, const char *const *cands, int n, bool list_all, char *buf,
                        size_t sz)
{
    const char *near = nearest(s, cands, n);
    buf[0] = '\0';
    if (near) {
        snprintf(buf, sz, " (did you mean '%s'?)", near);
    } else if (list_all) {
        size_t k = (size_t)snprintf(buf, sz, " (expected one of: ");
        for (int i = 0; (n < 0 ? cands[i] != NULL : i < n) && k < sz; i++)
            k += (size_t)snprintf(buf + k, sz - k, "%s%s", i ? ", " : "", cands[i]);
        if (k < sz)
            snprintf(buf + k, sz - k, ")");
    }
    return buf;
}

/* ---------------------------------------------------------------- scalars */

/* A number as a YAML plain scalar: decimal or exponent notation, '_'
   allowed between digits (YAML 1.1: 78_000_000_000). inf, nan and hex are
   refused: every figure in a scenario must be a finite decimal. */
static bool parse_double(const char *s, double *out)
{
    char buf[128];
    size_t k = 0;
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '_') {
            if (i == 0 || !isdigit((unsigned char)s[i - 1]) || !isdigit((unsigned char)s[i + 1]))
                return false;
            continue;
        }
        if (!isdigit(c) && c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E')
            return false;
        if (k + 1 >= sizeof buf)
            return false;
        buf[k++] = (char)c;
    }
    buf[k] = '\0';
    if (k == 0)
        return false;
    char *end;
    double x = strtod(buf, &end);
    if (end == buf || *end || !isfinite(x))
        return false;
    *out = x;
    return true;
}

/* An integer: optional sign, decimal digits ('_' between digits). Values
   beyond 2^64 - 1 set *ovf, so the range message can still be given. */
static bool parse_int(const char *s, bool *neg, uint64_t *mag, bool *ovf)
{
    size_t i = 0;
    *neg = false;
    *mag = 0;
    *ovf = false;
    if (s[0] == '+' || s[0] == '-') {
        *neg = s[0] == '-';
        i = 1;
    }
    if (!isdigit((unsigned char)s[i]))
        return false;
    for (; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '_') {
            if (!isdigit((unsigned char)s[i - 1]) || !isdigit((unsigned char)s[i + 1]))
                return false;
            continue;
        }
        if (!isdigit(c))
            return false;
        unsigned d = (unsigned)(c - '0');
        if (*mag > (UINT64_MAX - d) / 10)
            *ovf = true;
        else
            *mag = *mag * 10 + d;
    }
    return true;
}

/* A closed/open interval; infinite ends mean unbounded. */
typedef struct {
    double lo, hi;
    bool lo_open, hi_open;
} Range;

static const Range R_ANY = {-INFINITY, INFINITY, false, false};
static const Range R_GE0 = {0, INFINITY, false, false};
static const Range R_GT0 = {0, INFINITY, true, false};
static const Range R_GT1 = {1, INFINITY, true, false};
static const Range R_01 = {0, 1, false, false};
static const Range R_01_OPENHI = {0, 1, false, true}; /* [0,1) */
static const Range R_01_OPENLO = {0, 1, true, false}; /* (0,1] */
static const Range R_WGI = {-2.5, 2.5, false, false};
static const Range R_CORR = {-1, 1, false, false};

static bool in_range(double x, const Range *r)
{
    if (r->lo_open ? !(x > r->lo) : !(x >= r->lo))
        return false;
    if (r->hi_open ? !(x < r->hi) : !(x <= r->hi))
        return false;
    return true;
}

static const char *range_text(const Range *r, char *buf, size_t sz)
{
    if (isfinite(r->lo) && isfinite(r->hi))
        snprintf(buf, sz, "must be in %c%g,%g%c", r->lo_open ? '(' : '[', r->lo, r->hi,
                 r->hi_open ? ')' : ']');
    else if (isfinite(r->lo))
        snprintf(buf, sz, "must be %s %g", r->lo_open ? ">" : ">=", r->lo);
    else
        snprintf(buf, sz, "must be %s %g", r->hi_open ? "<" : "<=", r->hi);
    return buf;
}

/* A number node within r. Quoted scalars are strings in YAML, so "0.5" in
   quotes is refused rather than silently converted. */
static int num_node(P *p, const yaml_node_t *v, const char *kp, const Range *r, double *out)
{
    char d[SHOW_MAX + 16], rt[64];
    if (v->type != YAML_SCALAR_NODE || is_null(v))
        return fail(p, v, kp, "expected a number, got %s", describe(v, d, sizeof d));
    if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return fail(p, v, kp, "expected a number, got the quoted string %s",
                    describe(v, d, sizeof d));
    double x;
    if (!parse_double(sval(v), &x))
        return fail(p, v, kp, "expected a number, got %s", describe(v, d, sizeof d));
    if (!in_range(x, r))
        return fail(p, v, kp, "%s, got %s", range_text(r, rt, sizeof rt),
                    show(sval(v), d, sizeof d));
    *out = x;
    return 0;
}

/* An integer node within [lo, hi]. */
static int int_node(P *p, const yaml_node_t *v, const char *kp, uint64_t lo, uint64_t hi,
                    uint64_t *out)
{
    char d[SHOW_MAX + 16];
    bool neg, ovf;
    uint64_t mag;
    if (v->type == YAML_SCALAR_NODE && v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return fail(p, v, kp, "expected an integer, got the quoted string %s",
                    describe(v, d, sizeof d));
    if (v->type != YAML_SCALAR_NODE || is_null(v) || !parse_int(sval(v), &neg, &mag, &ovf))
        return fail(p, v, kp, "expected an integer, got %s", describe(v, d, sizeof d));
    if ((neg && mag > 0) || ovf || mag < lo || mag > hi) {
        if (hi == (uint64_t)INT_MAX) /* "any int": the bound is not the user's concern */
            return fail(p, v, kp, "must be an integer >= %" PRIu64 ", got %s", lo,
                        show(sval(v), d, sizeof d));
        return fail(p, v, kp, "must be an integer in [%" PRIu64 ",%" PRIu64 "], got %s", lo, hi,
                    show(sval(v), d, sizeof d));
    }
    *out = mag;
    return 0;
}

/* A string node (any scalar style; a plain 2024 is the string "2024"). */
static int str_node(P *p, const yaml_node_t *v, const char *kp, char **out)
{
    char d[SHOW_MAX + 16];
    if (v->type != YAML_SCALAR_NODE)
        return fail(p, v, kp, "expected a string, got %s", describe(v, d, sizeof d));
    if (strlen(sval(v)) != v->data.scalar.length)
        return fail(p, v, kp, "must not contain NUL characters");
    char *s = strdup(is_null(v) ? "" : sval(v));
    if (!s)
        return oom(p);
    free(*out);
    *out = s;
    return 0;
}

/* One of a fixed set of words. */
static int enum_node(P *p, const yaml_node_t *v, const char *kp, const char *const *names, int *out)
{
    char d[SHOW_MAX + 16], h[256], alts[256];
    size_t k = 0;
    int n = 0;
    while (names[n])
        n++;
    for (int i = 0; i < n && k < sizeof alts; i++)
        k += (size_t)snprintf(alts + k, sizeof alts - k, "%s'%s'",
                              i == 0 ? "" : (i == n - 1 ? " or " : ", "), names[i]);
    if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
        for (int i = 0; i < n; i++)
            if (!strcmp(sval(v), names[i])) {
                *out = i;
                return 0;
            }
        return fail(p, v, kp, "must be %s, got %s%s", alts, describe(v, d, sizeof d),
                    hint(sval(v), names, n, false, h, sizeof h));
    }
    return fail(p, v, kp, "must be %s, got %s", alts, describe(v, d, sizeof d));
}

/* ----------------------------------------------------------- identifiers */

/* Ids become HDF5 labels and parts of random-stream names such as
   "supplier/gallium/refining/CN" (MODEL §12), so they are kept to letters,
   digits, '_' and '-', starting with a letter. */
static bool valid_id(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return false;
    return true;
}

static int find_id(const char *const *ids, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(ids[i], s))
            return i;
    return -1;
}

/* A reference to an existing id (`what` = "country", "mineral", "sector"). */
static int ref_node(P *p, const yaml_node_t *v, const char *kp, const char *what, const char **ids,
                    int n, int *out)
{
    char d[SHOW_MAX + 16], h[128];
    if (v->type != YAML_SCALAR_NODE || is_null(v))
        return fail(p, v, kp, "expected a %s id, got %s", what, describe(v, d, sizeof d));
    int i = find_id(ids, n, sval(v));
    if (i < 0)
        return fail(p, v, kp, "unknown %s %s%s", what, describe(v, d, sizeof d),
                    hint(sval(v), ids, n, false, h, sizeof h));
    *out = i;
    return 0;
}

/* -------------------------------------------------------------- mappings */

/* A schema mapping: the allowed keys and, for each, the key and value node. */
typedef struct {
    const yaml_node_t *node;
    const char *const *keys; /* NULL-terminated */
    const yaml_node_t *key[MAXKEYS];
    const yaml_node_t *val[MAXKEYS];
    char kp[KP_MAX];
} Map;

static int key_index(const char *const *keys, const char *s)
{
    for (int i = 0; keys[i]; i++)
        if (!strcmp(keys[i], s))
            return i;
    return -1;
}

/* Check that v is a mapping whose keys are all allowed and distinct. */
static int map_open(P *p, const yaml_node_t *v, const char *kp, const char *const *keys, Map *m)
{
    char d[SHOW_MAX + 16], h[512], ckp[KP_MAX];
    memset(m, 0, sizeof *m);
    if (v->type != YAML_MAPPING_NODE)
        return fail(p, v, kp, "expected a mapping, got %s", describe(v, d, sizeof d));
    m->node = v;
    m->keys = keys;
    snprintf(m->kp, sizeof m->kp, "%s", kp);
    for (int i = 0; i < npairs(v); i++) {
        const yaml_node_t *k = pair_key(p, v, i);
        if (k->type != YAML_SCALAR_NODE)
            return fail(p, k, kp, "expected a key, got %s", describe(k, d, sizeof d));
        kp_key(ckp, kp, sval(k));
        int j = key_index(keys, sval(k));
        if (j < 0)
            return fail(p, k, ckp, "unknown key %s%s", describe(k, d, sizeof d),
                        hint(sval(k), keys, -1, true, h, sizeof h));
        if (m->key[j])
            return fail(p, k, ckp, "duplicate key '%s' (first given at line %lu)", keys[j],
                        (unsigned long)m->key[j]->start_mark.line + 1);
        m->key[j] = k;
        m->val[j] = pair_val(p, v, i);
    }
    return 0;
}

/* The value of `key` in m: NULL when absent, or null and optional.
   A missing required key is reported at the mapping that should hold it. */
static int mget(P *p, const Map *m, const char *key, bool req, const yaml_node_t **v, char *kp)
{
    int i = key_index(m->keys, key);
    kp_key(kp, m->kp, key);
    *v = i >= 0 ? m->val[i] : NULL;
    if (*v && !req && is_null(*v))
        *v = NULL;
    if (!*v && req)
        return fail(p, m->node, kp, "required key is missing");
    return 0;
}

static int get_num(P *p, const Map *m, const char *key, bool req, double def, const Range *r,
                   double *out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (mget(p, m, key, req, &v, kp))
        return -1;
    if (!v) {
        *out = def;
        return 0;
    }
    return num_node(p, v, kp, r, out);
}

static int get_int(P *p, const Map *m, const char *key, bool req, uint64_t def, uint64_t lo,
                   uint64_t hi, uint64_t *out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (mget(p, m, key, req, &v, kp))
        return -1;
    if (!v) {
        *out = def;
        return 0;
    }
    return int_node(p, v, kp, lo, hi, out);
}

static int get_str(P *p, const Map *m, const char *key, bool req, const char *def, char **out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (mget(p, m, key, req, &v, kp))
        return -1;
    if (!v) {
        char *s = strdup(def);
        if (!s)
            return oom(p);
        free(*out);
        *out = s;
        return 0;
    }
    return str_node(p, v, kp, out);
}

static int get_enum(P *p, const Map *m, const char *key, bool req, int def,
                    const char *const *names, int *out)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (mget(p, m, key, req, &v, kp))
        return -1;
    if (!v) {
        *out = def;
        return 0;
    }
    return enum_node(p, v, kp, names, out);
}

/* A mapping keyed by ids. ids == NULL: the keys define new ids (countries,
   minerals, ...), which must be valid; otherwise each key must be one of
   the n ids (interdependency, price_correlation rows and columns). */
static int idmap_check(P *p, const yaml_node_t *v, const char *kp, const char *what,
                       const char **ids, int n)
{
    char d[SHOW_MAX + 16], h[128], ckp[KP_MAX];
    if (v->type != YAML_MAPPING_NODE)
        return fail(p, v, kp, "expected a mapping of %s ids, got %s", what,
                    describe(v, d, sizeof d));
    for (int i = 0; i < npairs(v); i++) {
        const yaml_node_t *k = pair_key(p, v, i);
        if (k->type != YAML_SCALAR_NODE || is_null(k))
            return fail(p, k, kp, "expected a %s id, got %s", what, describe(k, d, sizeof d));
        kp_key(ckp, kp, sval(k));
        if (!ids && !valid_id(sval(k)))
            return fail(p, k, ckp,
                        "invalid %s id %s: an id starts with a letter and has only letters, "
                        "digits, '_' and '-'",
                        what, describe(k, d, sizeof d));
        if (ids && find_id(ids, n, sval(k)) < 0)
            return fail(p, k, ckp, "unknown %s %s%s", what, describe(k, d, sizeof d),
                        hint(sval(k), ids, n, false, h, sizeof h));
        for (int j = 0; j < i; j++) {
            const yaml_node_t *k0 = pair_key(p, v, j);
            if (k0->type == YAML_SCALAR_NODE && !strcmp(sval(k0), sval(k)))
                return fail(p, k, ckp, "duplicate key '%s' (first given at line %lu)", sval(k),
                            (unsigned long)k0->start_mark.line + 1);
        }
    }
    return 0;
}

/* calloc that never returns NULL for n == 0 and reports failure. */
static void *zalloc(P *p, size_t n, size_t size)
{
    void *q = calloc(n ? n : 1, size);
    if (!q)
        oom(p);
    return q;
}

/* ------------------------------------------------- severity and duration */

static const char *const K_SEV[] = {"fixed", "uniform", "beta", NULL};
static const char *const K_DUR[] = {"fixed", "exponential", "lognormal", NULL};
static const char *const K_LOGN[] = {"median", "sigma", NULL};
static const char *const K_PROC[] = {"rate_per_year", "severity", "duration_months", NULL};

/* Exactly one key of a "one of" mapping (severity, duration kinds). */
static int one_of(P *p, const Map *m, const char *kp, const char *alts)
{
    int given = 0, which = -1;
    for (int i = 0; m->keys[i]; i++)
        if (m->key[i]) {
            given++;
            which = i;
        }
    if (given == 0)
        return fail(p, m->node, kp, "give one of %s", alts);
    if (given > 1)
        return fail(p, m->node, kp, "give only one of %s", alts);
    return which;
}

/* [a, b]: a list of two numbers, each within r. */
static int pair_node(P *p, const yaml_node_t *v, const char *kp, const Range *r, double *a,
                     double *b)
{
    char d[SHOW_MAX + 16], ikp[KP_MAX];
    if (v->type != YAML_SEQUENCE_NODE || nitems(v) != 2)
        return fail(p, v, kp, "expected a list of two numbers [a, b], got %s",
                    v->type == YAML_SEQUENCE_NODE ? "a list of another length"
                                                  : describe(v, d, sizeof d));
    kp_idx(ikp, kp, 0);
    if (num_node(p, item_at(p, v, 0), ikp, r, a))
        return -1;
    kp_idx(ikp, kp, 1);
    return num_node(p, item_at(p, v, 1), ikp, r, b);
}

/* Severity (MODEL §3): a number in [0,1] or {fixed | uniform | beta}. */
static int severity_node(P *p, const yaml_node_t *v, const char *kp, mr_severity *s)
{
    char d[SHOW_MAX + 16], ckp[KP_MAX];
    memset(s, 0, sizeof *s);
    if (v->type == YAML_SCALAR_NODE) {
        s->kind = MR_SEV_FIXED;
        return num_node(p, v, kp, &R_01, &s->a);
    }
    if (v->type != YAML_MAPPING_NODE)
        return fail(p, v, kp,
                    "expected a number in [0,1] or a mapping with one of fixed, uniform, beta, "
                    "got %s",
                    describe(v, d, sizeof d));
    Map m;
    if (map_open(p, v, kp, K_SEV, &m))
        return -1;
    int which = one_of(p, &m, kp, "fixed, uniform, beta");
    if (which < 0)
        return -1;
    kp_key(ckp, kp, K_SEV[which]);
    switch (which) {
    case 0:
        s->kind = MR_SEV_FIXED;
        return num_node(p, m.val[0], ckp, &R_01, &s->a);
    case 1:
        s->kind = MR_SEV_UNIFORM;
        if (pair_node(p, m.val[1], ckp, &R_01, &s->a, &s->b))
            return -1;
        if (s->a > s->b)
            return fail(p, m.val[1], ckp, "need a <= b in uniform [a, b], got [%g, %g]", s->a,
                        s->b);
        return 0;
    default:
        s->kind = MR_SEV_BETA;
        return pair_node(p, m.val[2], ckp, &R_GT0, &s->a, &s->b);
    }
}

/* Duration in months (MODEL §3): a number > 0 or {fixed | exponential |
   lognormal: {median, sigma}}. */
static int duration_node(P *p, const yaml_node_t *v, const char *kp, mr_duration *du)
{
    char d[SHOW_MAX + 16], ckp[KP_MAX];
    memset(du, 0, sizeof *du);
    if (v->type == YAML_SCALAR_NODE) {
        du->kind = MR_DUR_FIXED;
        return num_node(p, v, kp, &R_GT0, &du->a);
    }
    if (v->type != YAML_MAPPING_NODE)
        return fail(p, v, kp,
                    "expected a number of months > 0 or a mapping with one of fixed, "
                    "exponential, lognormal, got %s",
                    describe(v, d, sizeof d));
    Map m;
    if (map_open(p, v, kp, K_DUR, &m))
        return -1;
    int which = one_of(p, &m, kp, "fixed, exponential, lognormal");
    if (which < 0)
        return -1;
    kp_key(ckp, kp, K_DUR[which]);
    switch (which) {
    case 0:
        du->kind = MR_DUR_FIXED;
        return num_node(p, m.val[0], ckp, &R_GT0, &du->a);
    case 1:
        du->kind = MR_DUR_EXPONENTIAL;
        return num_node(p, m.val[1], ckp, &R_GT0, &du->a);
    default: {
        Map lm;
        du->kind = MR_DUR_LOGNORMAL;
        if (map_open(p, m.val[2], ckp, K_LOGN, &lm))
            return -1;
        if (get_num(p, &lm, "median", true, 0, &R_GT0, &du->a))
            return -1;
        return get_num(p, &lm, "sigma", true, 0, &R_GE0, &du->b);
    }
    }
}

/* A marked Poisson process (MODEL §3): rate, severity, duration. */
static int process_map(P *p, const Map *m, mr_process *pr)
{
    const yaml_node_t *v;
    char kp[KP_MAX];
    if (get_num(p, m, "rate_per_year", true, 0, &R_GE0, &pr->rate_per_year))
        return -1;
    if (mget(p, m, "severity", true, &v, kp) || severity_node(p, v, kp, &pr->severity))
        return -1;
    if (mget(p, m, "duration_months", true, &v, kp) || duration_node(p, v, kp, &pr->duration))
        return -1;
    return 0;
}

static int process_node(P *p, const yaml_node_t *v, const char *kp, mr_process *pr)
{
    Map m;
    if (map_open(p, v, kp, K_PROC, &m))
        return -1;
    return process_map(p, &m, pr);
}

/* ------------------------------------------------------------ top level */

static const char *const K_TOP[] = {"name",      "description",     "extends",           "simulation",
                                    "defaults",  "rationing",       "policies",          "countries",
                                    "minerals",  "sectors",         "events",            "interdependency",
                                    "price_correlation", "output",  "sweep",             NULL};
static const char *const K_SIM[] = {"horizon_years", "steps_per_year", "trials", "seed", NULL};
static const char *const K_DEFAULTS[] = {"wgi_rate", "buffer_refill_rate", NULL};
static const char *const K_WGI[] = {"rate_at_zero_per_year", "factor_per_unit", "severity",
                                    "duration_months", NULL};
static const char *const K_RATION[] = {"rule", "other_uses_priority", NULL};
static const char *const RULES[] = {"proportional", "priority", NULL};
static const char *const K_OUTPUT[] = {"trials", NULL};
static const char *const OUTPUT_TRIALS[] = {"all", "totals", "none", NULL}; /* mr_output_trials */
static const char *const K_COUNTRY[] = {"name", "wgi_pv", "outage", "aggregate", NULL};
static const char *const BOOLS[] = {"false", "true", NULL};
static const char *const K_MINERAL[] = {"name",
                                        "unit",
                                        "demand_t",
                                        "recycled_share",
                                        "domestic_share",
                                        "spare_ramp_months",
                                        "mining",
                                        "refining",
                                        "stockpile",
                                        "price",
                                        NULL};
static const char *const STAGES[] = {"mining", "refining", NULL};
static const char *const K_SUPPLIER[] = {"country", "share", "spare", "outage", NULL};
static const char *const K_STOCK[] = {"target_months", "initial_months", "trigger",
                                      "max_release",   "refill_rate",    NULL};
static const char *const K_PRICE[] = {"ref",          "theta", "sigma", "elasticity",
                                      "max_multiple", "jumps", NULL};
static const char *const K_JUMPS[] = {"rate_per_year", "mu", "sigma", NULL};
static const char *const K_SECTOR[] = {"name",    "output_gbp", "priority", "recovery_rate",
                                       "combine", "needs",      NULL};
static const char *const COMBINE[] = {"limiting", "independent", NULL};
static const char *const K_NEED[] = {
    "mineral", "dependent_share", "substitutable", "demand_share", "spend_gbp", "buffer_months",
    NULL};
static const char *const K_EVENT[] = {"name",          "country",  "minerals",        "stages",
                                      "rate_per_year", "severity", "duration_months", "occurrences",
                                      NULL};
static const char *const K_OCC[] = {"start_years", "severity", "duration_months", NULL};
static const char *const K_POLICIES[] = {"diversification_cap", "domestic_share", "recycled_share",
                                         "stockpile", "rationing", NULL};
static const char *const K_CAP[] = {"cap", "new_source", NULL};
static const char *const K_NEWSRC[] = {"country", "spare", "outage", NULL};
static const char *const K_POLSTOCK[] = {"months", "minerals", "trigger", "max_release",
                                         "refill_rate", NULL};

static int walk_simulation(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    Map m;
    uint64_t u;
    if (map_open(p, v, kp, K_SIM, &m))
        return -1;
    if (get_int(p, &m, "horizon_years", true, 0, 1, 1000, &u))
        return -1;
    sc->horizon_years = (int)u;
    /* 366: a daily grid is the finest that makes sense for monthly data */
    if (get_int(p, &m, "steps_per_year", false, 12, 1, 366, &u))
        return -1;
    sc->steps_per_year = (int)u;
    if (get_int(p, &m, "trials", false, 10000, 1, UINT32_MAX, &sc->trials))
        return -1;
    return get_int(p, &m, "seed", false, 1, 0, UINT64_MAX, &sc->seed);
}

/* defaults (MODEL §3.1 wgi_rate; sector buffer refill, MODEL §6). */
static int walk_defaults(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    Map m, w;
    const yaml_node_t *wv, *x;
    char wkp[KP_MAX], ckp[KP_MAX];
    if (map_open(p, v, kp, K_DEFAULTS, &m))
        return -1;
    if (mget(p, &m, "wgi_rate", false, &wv, wkp))
        return -1;
    if (wv) {
        if (map_open(p, wv, wkp, K_WGI, &w))
            return -1;
        sc->has_wgi_rate = true;
        if (get_num(p, &w, "rate_at_zero_per_year", true, 0, &R_GE0, &sc->wgi_rate_at_zero) ||
            get_num(p, &w, "factor_per_unit", true, 0, &R_GT0, &sc->wgi_factor_per_unit))
            return -1;
        if (mget(p, &w, "severity", true, &x, ckp) || severity_node(p, x, ckp, &sc->wgi_severity))
            return -1;
        if (mget(p, &w, "duration_months", true, &x, ckp) ||
            duration_node(p, x, ckp, &sc->wgi_duration))
            return -1;
    }
    return get_num(p, &m, "buffer_refill_rate", false, 0.5, &R_GE0, &sc->buffer_refill_rate);
}

/* rationing (MODEL §6): a rule word, or {rule, other_uses_priority}. */
static int walk_rationing(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    int rule;
    uint64_t u;
    if (v->type != YAML_MAPPING_NODE) {
        if (enum_node(p, v, kp, RULES, &rule))
            return -1;
        sc->rationing = (mr_rationing_rule)rule;
        return 0;
    }
    Map m;
    if (map_open(p, v, kp, K_RATION, &m))
        return -1;
    if (get_enum(p, &m, "rule", true, 0, RULES, &rule))
        return -1;
    sc->rationing = (mr_rationing_rule)rule;
    if (get_int(p, &m, "other_uses_priority", false, 1000, 0, INT_MAX, &u))
        return -1;
    sc->other_uses_priority = (int)u;
    return 0;
}

/* countries (MODEL §2, §3.1). The outage process is explicit, derived
   from wgi_pv through defaults.wgi_rate, or absent (rate 0). */
static int walk_countries(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    if (idmap_check(p, v, kp, "country", NULL, 0))
        return -1;
    int n = npairs(v);
    if (n == 0)
        return fail(p, v, kp, "define at least one country");
    if (!(sc->countries = zalloc(p, (size_t)n, sizeof *sc->countries)) ||
        !(p->cid = zalloc(p, (size_t)n, sizeof *p->cid)))
        return -1;
    sc->ncountries = n;
    for (int i = 0; i < n; i++) {
        mr_country *c = &sc->countries[i];
        const char *id = sval(pair_key(p, v, i));
        char ckp[KP_MAX], okp[KP_MAX];
        const yaml_node_t *x;
        Map m;
        if (!(c->id = strdup(id)))
            return oom(p);
        p->cid[i] = c->id;
        kp_key(ckp, kp, id);
        int agg;
        if (map_open(p, pair_val(p, v, i), ckp, K_COUNTRY, &m) ||
            get_str(p, &m, "name", false, id, &c->name) ||
            get_enum(p, &m, "aggregate", false, 0, BOOLS, &agg))
            return -1;
        c->aggregate = agg == 1;
        if (mget(p, &m, "wgi_pv", false, &x, okp))
            return -1;
        if (x) {
            c->has_wgi = true;
            if (num_node(p, x, okp, &R_WGI, &c->wgi_pv))
                return -1;
        }
        if (mget(p, &m, "outage", false, &x, okp))
            return -1;
        if (x) {
            c->outage_source = MR_OUTAGE_EXPLICIT;
            if (process_node(p, x, okp, &c->outage))
                return -1;
        } else if (c->has_wgi && sc->has_wgi_rate) {
            /* MODEL §3.1: rate = rate_at_zero * factor_per_unit ^ (-wgi_pv) */
            c->outage_source = MR_OUTAGE_FROM_WGI;
            c->outage.rate_per_year =
                sc->wgi_rate_at_zero * pow(sc->wgi_factor_per_unit, -c->wgi_pv);
            c->outage.severity = sc->wgi_severity;
            c->outage.duration = sc->wgi_duration;
        } else {
            c->outage_source = MR_OUTAGE_NONE;
        }
    }
    return 0;
}

/* One supply stage (MODEL §4): suppliers whose shares sum to 1. */
static int walk_stage(P *p, const yaml_node_t *v, const char *kp, mr_stage *st)
{
    mr_scenario *sc = p->sc;
    char d[SHOW_MAX + 16];
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(p, v, kp, "expected a list of suppliers, got %s", describe(v, d, sizeof d));
    int n = nitems(v);
    if (n == 0)
        return fail(p, v, kp, "list at least one supplier");
    if (!(st->suppliers = zalloc(p, (size_t)n, sizeof *st->suppliers)))
        return -1;
    st->n = n;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        mr_supplier *s = &st->suppliers[i];
        char ikp[KP_MAX], ckp[KP_MAX];
        const yaml_node_t *x;
        Map m;
        kp_idx(ikp, kp, i);
        if (map_open(p, item_at(p, v, i), ikp, K_SUPPLIER, &m))
            return -1;
        if (mget(p, &m, "country", true, &x, ckp) ||
            ref_node(p, x, ckp, "country", p->cid, sc->ncountries, &s->country))
            return -1;
        for (int j = 0; j < i; j++)
            if (st->suppliers[j].country == s->country)
                return fail(p, x, ckp, "country '%s' is already a supplier in this stage (at [%d])",
                            p->cid[s->country], j);
        if (get_num(p, &m, "share", true, 0, &R_01, &s->share) ||
            get_num(p, &m, "spare", false, 0, &R_GE0, &s->spare))
            return -1;
        if (mget(p, &m, "outage", false, &x, ckp))
            return -1;
        if (x && process_node(p, x, ckp, &s->outage))
            return -1;
        sum += s->share;
    }
    if (fabs(sum - 1) > SUM_TOL)
        return fail(p, v, kp, "shares sum to %.15g, must be 1 within 1e-9", sum);
    return 0;
}

static int walk_stockpile(P *p, const yaml_node_t *v, const char *kp, mr_stockpile *s)
{
    Map m;
    if (map_open(p, v, kp, K_STOCK, &m))
        return -1;
    s->present = true;
    if (get_num(p, &m, "target_months", true, 0, &R_GE0, &s->target_months) ||
        get_num(p, &m, "initial_months", false, s->target_months, &R_GE0, &s->initial_months) ||
        get_num(p, &m, "trigger", false, 0, &R_01_OPENHI, &s->trigger) ||
        get_num(p, &m, "max_release", false, 1, &R_01_OPENLO, &s->max_release) ||
        get_num(p, &m, "refill_rate", false, 0.25, &R_GE0, &s->refill_rate))
        return -1;
    return 0;
}

/* price (MODEL §5). */
static int walk_price(P *p, const yaml_node_t *v, const char *kp, mr_price *pr)
{
    Map m, j;
    const yaml_node_t *x;
    char jkp[KP_MAX];
    if (map_open(p, v, kp, K_PRICE, &m))
        return -1;
    if (get_num(p, &m, "ref", true, 0, &R_GT0, &pr->ref) ||
        get_num(p, &m, "theta", false, 0.5, &R_GE0, &pr->theta) ||
        get_num(p, &m, "sigma", false, 0.3, &R_GE0, &pr->sigma) ||
        get_num(p, &m, "elasticity", false, 0.3, &R_GT0, &pr->elasticity) ||
        get_num(p, &m, "max_multiple", false, 10, &R_GT1, &pr->max_multiple))
        return -1;
    if (mget(p, &m, "jumps", false, &x, jkp))
        return -1;
    if (!x)
        return 0; /* no jumps: rate 0 */
    if (map_open(p, x, jkp, K_JUMPS, &j) ||
        get_num(p, &j, "rate_per_year", true, 0, &R_GE0, &pr->jump_rate) ||
        get_num(p, &j, "mu", false, 0, &R_ANY, &pr->jump_mu) ||
        get_num(p, &j, "sigma", false, 0, &R_GE0, &pr->jump_sigma))
        return -1;
    return 0;
}

static int walk_minerals(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    if (idmap_check(p, v, kp, "mineral", NULL, 0))
        return -1;
    int n = npairs(v);
    if (n == 0)
        return fail(p, v, kp, "define at least one mineral");
    if (!(sc->minerals = zalloc(p, (size_t)n, sizeof *sc->minerals)) ||
        !(p->mid = zalloc(p, (size_t)n, sizeof *p->mid)))
        return -1;
    sc->nminerals = n;
    for (int i = 0; i < n; i++) {
        mr_mineral *mn = &sc->minerals[i];
        const char *id = sval(pair_key(p, v, i));
        char mkp[KP_MAX], ckp[KP_MAX];
        const yaml_node_t *x;
        Map m;
        if (!(mn->id = strdup(id)))
            return oom(p);
        p->mid[i] = mn->id;
        kp_key(mkp, kp, id);
        if (map_open(p, pair_val(p, v, i), mkp, K_MINERAL, &m) ||
            get_str(p, &m, "name", false, id, &mn->name) ||
            get_str(p, &m, "unit", false, "t", &mn->unit) ||
            get_num(p, &m, "demand_t", true, 0, &R_GT0, &mn->demand_t) ||
            get_num(p, &m, "recycled_share", false, 0, &R_01, &mn->recycled_share) ||
            get_num(p, &m, "domestic_share", false, 0, &R_01, &mn->domestic_share))
            return -1;
        if (mn->recycled_share + mn->domestic_share > 1 + SUM_TOL) {
            mget(p, &m, "domestic_share", false, &x, ckp);
            return fail(p, x ? x : m.node, ckp,
                        "recycled_share + domestic_share is %.15g, must be <= 1",
                        mn->recycled_share + mn->domestic_share);
        }
        if (get_num(p, &m, "spare_ramp_months", false, 0, &R_GE0, &mn->spare_ramp_months))
            return -1;
        int nstages = 0;
        for (int s = 0; s < MR_NSTAGES; s++) {
            if (mget(p, &m, STAGES[s], false, &x, ckp))
                return -1;
            if (x) {
                nstages++;
                if (walk_stage(p, x, ckp, &mn->stage[s]))
                    return -1;
            }
        }
        if (nstages == 0)
            return fail(p, m.node, mkp, "give a 'mining' or a 'refining' supplier list, or both");
        if (mget(p, &m, "stockpile", false, &x, ckp))
            return -1;
        if (x && walk_stockpile(p, x, ckp, &mn->stockpile))
            return -1;
        if (mget(p, &m, "price", true, &x, ckp) || walk_price(p, x, ckp, &mn->price))
            return -1;
    }
    return 0;
}

/* policies.diversification_cap (MODEL §10): a number, or {cap, new_source}. */

/* The cap of policies.diversification_cap on one stage, with the stage's
   aggregate suppliers (rest of the world) exempt from the cut: to the new
   source when there is one, else pro rata. Returns 0; 1 if the excess
   cannot be placed pro rata; -1 out of memory. */
static int cap_stage(P *p, mr_stage *st, double cap, const mr_policies *pol)
{
    bool *exempt = calloc((size_t)st->n, sizeof *exempt);
    if (!exempt)
        return -1;
    for (int k = 0; k < st->n; k++)
        exempt[k] = p->sc->countries[st->suppliers[k].country].aggregate;
    int rc;
    if (pol->new_source_country >= 0)
        rc = mr_policy_cap_to_source(st, cap, pol->new_source_country, pol->new_source_spare,
                                     &pol->new_source_outage, exempt);
    else
        rc = mr_policy_cap_pro_rata(st, cap, exempt) ? 1 : 0;
    free(exempt);
    return rc;
}

static int walk_cap(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    mr_policies *pol = &sc->policies;
    const yaml_node_t *at = v; /* where an unplaceable excess is reported */
    if (v->type != YAML_MAPPING_NODE) {
        if (num_node(p, v, kp, &R_01_OPENLO, &sc->policy_cap))
            return -1;
    } else {
        Map m, nm;
        const yaml_node_t *x;
        char ckp[KP_MAX], nkp[KP_MAX];
        if (map_open(p, v, kp, K_CAP, &m) ||
            get_num(p, &m, "cap", true, 0, &R_01_OPENLO, &sc->policy_cap) ||
            mget(p, &m, "cap", true, &at, ckp) || mget(p, &m, "new_source", false, &x, nkp))
            return -1;
        if (x) {
            if (map_open(p, x, nkp, K_NEWSRC, &nm) || mget(p, &nm, "country", true, &x, ckp) ||
                ref_node(p, x, ckp, "country", p->cid, sc->ncountries, &pol->new_source_country) ||
                get_num(p, &nm, "spare", false, 0, &R_GE0, &pol->new_source_spare) ||
                mget(p, &nm, "outage", false, &x, ckp) ||
                (x && process_node(p, x, ckp, &pol->new_source_outage)))
                return -1;
        }
    }
    for (int i = 0; i < sc->nminerals; i++)
        for (int s = 0; s < MR_NSTAGES; s++) {
            mr_stage *st = &sc->minerals[i].stage[s];
            if (st->n == 0)
                continue;
            int rc = cap_stage(p, st, sc->policy_cap, pol);
            if (rc < 0)
                return oom(p);
            if (rc > 0)
                return fail(p, at, kp, "minerals.%s.%s has %d supplier%s; a cap of %g needs a "
                                       "new_source",
                            sc->minerals[i].id, STAGES[s], st->n, st->n == 1 ? "" : "s",
                            sc->policy_cap);
        }
    return 0;
}

/* policies (MODEL §10): transforms of the minerals just read, applied
   before sectors and events are read (an event may hit a new source). */
static int walk_policies(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    mr_policies *pol = &sc->policies;
    Map m;
    const yaml_node_t *x, *dn, *rn;
    char ckp[KP_MAX], dkp[KP_MAX], rkp[KP_MAX];
    if (map_open(p, v, kp, K_POLICIES, &m))
        return -1;
    if (mget(p, &m, "diversification_cap", false, &x, ckp) || (x && walk_cap(p, x, ckp)))
        return -1;

    if (get_num(p, &m, "domestic_share", false, -1, &R_01, &pol->domestic_share) ||
        get_num(p, &m, "recycled_share", false, -1, &R_01, &pol->recycled_share) ||
        mget(p, &m, "domestic_share", false, &dn, dkp) ||
        mget(p, &m, "recycled_share", false, &rn, rkp))
        return -1;
    if (dn || rn)
        for (int i = 0; i < sc->nminerals; i++) {
            mr_mineral *mn = &sc->minerals[i];
            mr_policy_share_floor(mn, pol->domestic_share, pol->recycled_share);
            if (mn->recycled_share + mn->domestic_share > 1 + SUM_TOL)
                return fail(p, rn ? rn : dn, rn ? rkp : dkp,
                            "minerals.%s: recycled_share + domestic_share is %.15g after the "
                            "policy, must be <= 1",
                            mn->id, mn->recycled_share + mn->domestic_share);
        }

    if (mget(p, &m, "stockpile", false, &x, ckp))
        return -1;
    if (x) {
        Map sm;
        const yaml_node_t *ml;
        char mkp[KP_MAX], ikp[KP_MAX], d[SHOW_MAX + 16];
        if (map_open(p, x, ckp, K_POLSTOCK, &sm) ||
            get_num(p, &sm, "months", true, 0, &R_GE0, &pol->stockpile_months) ||
            get_num(p, &sm, "trigger", false, -1, &R_01_OPENHI, &pol->stockpile_trigger) ||
            get_num(p, &sm, "max_release", false, -1, &R_01_OPENLO, &pol->stockpile_max_release) ||
            get_num(p, &sm, "refill_rate", false, -1, &R_GE0, &pol->stockpile_refill_rate) ||
            mget(p, &sm, "minerals", false, &ml, mkp))
            return -1;
        pol->has_stockpile = true;
        if (ml) {
            if (ml->type != YAML_SEQUENCE_NODE || nitems(ml) == 0)
                return fail(p, ml, mkp, "expected a list of mineral ids, got %s",
                            ml->type == YAML_SEQUENCE_NODE ? "an empty list"
                                                           : describe(ml, d, sizeof d));
            int n = nitems(ml);
            if (!(pol->stockpile_minerals = zalloc(p, (size_t)n, sizeof(int))))
                return -1;
            pol->nstockpile_minerals = n;
            for (int i = 0; i < n; i++) {
                kp_idx(ikp, mkp, i);
                if (ref_node(p, item_at(p, ml, i), ikp, "mineral", p->mid, sc->nminerals,
                             &pol->stockpile_minerals[i]))
                    return -1;
                for (int j = 0; j < i; j++)
                    if (pol->stockpile_minerals[j] == pol->stockpile_minerals[i])
                        return fail(p, item_at(p, ml, i), ikp,
                                    "mineral '%s' is listed twice (at [%d])",
                                    p->mid[pol->stockpile_minerals[i]], j);
            }
        }
        for (int i = 0; i < sc->nminerals; i++) {
            bool listed = pol->nstockpile_minerals == 0;
            for (int j = 0; j < pol->nstockpile_minerals; j++)
                listed |= pol->stockpile_minerals[j] == i;
            if (listed)
                mr_policy_stockpile(&sc->minerals[i], pol->stockpile_months,
                                    pol->stockpile_trigger, pol->stockpile_max_release,
                                    pol->stockpile_refill_rate);
        }
    }

    if (mget(p, &m, "rationing", false, &x, ckp))
        return -1;
    if (x) {
        if (walk_rationing(p, x, ckp))
            return -1;
        pol->has_rationing = true;
        pol->rationing = sc->rationing;
        pol->other_uses_priority = sc->other_uses_priority;
    }
    return 0;
}

static int walk_needs(P *p, const yaml_node_t *v, const char *kp, mr_sector *s, double *dsum)
{
    mr_scenario *sc = p->sc;
    char d[SHOW_MAX + 16];
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(p, v, kp, "expected a list of needs, got %s", describe(v, d, sizeof d));
    int n = nitems(v);
    if (!(s->needs = zalloc(p, (size_t)n, sizeof *s->needs)))
        return -1;
    s->nneeds = n;
    for (int i = 0; i < n; i++) {
        mr_need *nd = &s->needs[i];
        char ikp[KP_MAX], ckp[KP_MAX];
        const yaml_node_t *x;
        Map m;
        kp_idx(ikp, kp, i);
        if (map_open(p, item_at(p, v, i), ikp, K_NEED, &m))
            return -1;
        if (mget(p, &m, "mineral", true, &x, ckp) ||
            ref_node(p, x, ckp, "mineral", p->mid, sc->nminerals, &nd->mineral))
            return -1;
        for (int j = 0; j < i; j++)
            if (s->needs[j].mineral == nd->mineral)
                return fail(p, x, ckp, "mineral '%s' is already needed by this sector (at [%d])",
                            p->mid[nd->mineral], j);
        if (get_num(p, &m, "dependent_share", true, 0, &R_01, &nd->dependent_share) ||
            get_num(p, &m, "substitutable", false, 0, &R_01, &nd->substitutable) ||
            get_num(p, &m, "demand_share", true, 0, &R_01, &nd->demand_share) ||
            get_num(p, &m, "spend_gbp", false, 0, &R_GE0, &nd->spend_gbp) ||
            get_num(p, &m, "buffer_months", false, 0, &R_GE0, &nd->buffer_months))
            return -1;
        /* The sectors' shares of national demand leave 1 - sum for "other
           uses" (MODEL §6), which cannot be negative. */
        dsum[nd->mineral] += nd->demand_share;
        if (dsum[nd->mineral] > 1 + SUM_TOL) {
            mget(p, &m, "demand_share", true, &x, ckp);
            return fail(p, x, ckp, "demand_share of '%s' sums to %.15g over sectors, must be <= 1",
                        p->mid[nd->mineral], dsum[nd->mineral]);
        }
    }
    return 0;
}

static int walk_sectors(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    if (idmap_check(p, v, kp, "sector", NULL, 0))
        return -1;
    int n = npairs(v);
    if (n == 0)
        return fail(p, v, kp, "define at least one sector");
    double *dsum = NULL;
    if (!(sc->sectors = zalloc(p, (size_t)n, sizeof *sc->sectors)) ||
        !(p->sid = zalloc(p, (size_t)n, sizeof *p->sid)) ||
        !(dsum = zalloc(p, (size_t)sc->nminerals, sizeof *dsum)))
        return -1;
    sc->nsectors = n;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        mr_sector *s = &sc->sectors[i];
        const char *id = sval(pair_key(p, v, i));
        char skp[KP_MAX], ckp[KP_MAX];
        const yaml_node_t *x;
        uint64_t u;
        int comb;
        Map m;
        if (!(s->id = strdup(id))) {
            rc = oom(p);
            break;
        }
        p->sid[i] = s->id;
        kp_key(skp, kp, id);
        if (map_open(p, pair_val(p, v, i), skp, K_SECTOR, &m) ||
            get_str(p, &m, "name", false, id, &s->name) ||
            get_num(p, &m, "output_gbp", true, 0, &R_GT0, &s->output_gbp) ||
            get_int(p, &m, "priority", false, 100, 0, INT_MAX, &u)) {
            rc = -1;
            break;
        }
        s->priority = (int)u;
        if (get_num(p, &m, "recovery_rate", false, 1.0, &R_01_OPENLO, &s->recovery_rate) ||
            get_enum(p, &m, "combine", false, MR_COMBINE_LIMITING, COMBINE, &comb)) {
            rc = -1;
            break;
        }
        s->combine = (mr_combine)comb;
        if (mget(p, &m, "needs", true, &x, ckp) || walk_needs(p, x, ckp, s, dsum))
            rc = -1;
    }
    free(dsum);
    return rc;
}

/* A list of distinct ids or words, at least one. */
static int walk_event_minerals(P *p, const yaml_node_t *v, const char *kp, mr_event *e)
{
    mr_scenario *sc = p->sc;
    char d[SHOW_MAX + 16], ikp[KP_MAX];
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(p, v, kp, "expected a list of mineral ids, got %s", describe(v, d, sizeof d));
    int n = nitems(v);
    if (n == 0)
        return fail(p, v, kp, "list at least one mineral");
    if (!(e->minerals = zalloc(p, (size_t)n, sizeof *e->minerals)))
        return -1;
    e->nminerals = n;
    for (int i = 0; i < n; i++) {
        kp_idx(ikp, kp, i);
        if (ref_node(p, item_at(p, v, i), ikp, "mineral", p->mid, sc->nminerals, &e->minerals[i]))
            return -1;
        for (int j = 0; j < i; j++)
            if (e->minerals[j] == e->minerals[i])
                return fail(p, item_at(p, v, i), ikp, "mineral '%s' is listed twice (at [%d])",
                            p->mid[e->minerals[i]], j);
    }
    return 0;
}

static int walk_event_stages(P *p, const yaml_node_t *v, const char *kp, mr_event *e)
{
    char d[SHOW_MAX + 16], ikp[KP_MAX];
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(p, v, kp, "expected a list of stages (mining, refining), got %s",
                    describe(v, d, sizeof d));
    int n = nitems(v);
    if (n == 0)
        return fail(p, v, kp, "list at least one stage");
    for (int i = 0; i < n; i++) {
        int s;
        kp_idx(ikp, kp, i);
        if (enum_node(p, item_at(p, v, i), ikp, STAGES, &s))
            return -1;
        if (e->stages[s])
            return fail(p, item_at(p, v, i), ikp, "stage '%s' is listed twice", STAGES[s]);
        e->stages[s] = true;
    }
    return 0;
}

/* occurrences: certain occurrences of an event, in every trial (MODEL §3,
   docs/MODEL.md §3): start in [0, horizon), severity, duration > 0. */
static int walk_occurrences(P *p, const yaml_node_t *v, const char *kp, mr_event *e)
{
    char d[SHOW_MAX + 16], ikp[KP_MAX];
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(p, v, kp,
                    "expected a list of {start_years, severity, duration_months}, got %s",
                    describe(v, d, sizeof d));
    int n = nitems(v);
    if (n == 0)
        return 0;
    if (!(e->occurrences = zalloc(p, (size_t)n, sizeof *e->occurrences)))
        return -1;
    e->noccurrences = n;
    const Range start = {0, (double)p->sc->horizon_years, false, true};
    for (int i = 0; i < n; i++) {
        mr_certain_occurrence *o = &e->occurrences[i];
        Map m;
        kp_idx(ikp, kp, i);
        if (map_open(p, item_at(p, v, i), ikp, K_OCC, &m) ||
            get_num(p, &m, "start_years", true, 0, &start, &o->start_years) ||
            get_num(p, &m, "severity", true, 0, &R_01, &o->severity) ||
            get_num(p, &m, "duration_months", true, 0, &R_GT0, &o->duration_months))
            return -1;
    }
    return 0;
}

/* events (MODEL §3.3): named shocks of one country on several minerals. */
static int walk_events(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    if (idmap_check(p, v, kp, "event", NULL, 0))
        return -1;
    int n = npairs(v);
    if (!(sc->events = zalloc(p, (size_t)n, sizeof *sc->events)))
        return -1;
    sc->nevents = n;
    for (int i = 0; i < n; i++) {
        mr_event *e = &sc->events[i];
        const char *id = sval(pair_key(p, v, i));
        char ekp[KP_MAX], ckp[KP_MAX];
        const yaml_node_t *x, *mins;
        Map m;
        if (!(e->id = strdup(id)))
            return oom(p);
        kp_key(ekp, kp, id);
        if (map_open(p, pair_val(p, v, i), ekp, K_EVENT, &m) ||
            get_str(p, &m, "name", false, id, &e->name))
            return -1;
        if (mget(p, &m, "country", true, &x, ckp) ||
            ref_node(p, x, ckp, "country", p->cid, sc->ncountries, &e->country))
            return -1;
        char mkp[KP_MAX];
        if (mget(p, &m, "minerals", true, &mins, mkp) || walk_event_minerals(p, mins, mkp, e))
            return -1;
        if (mget(p, &m, "stages", false, &x, ckp))
            return -1;
        if (x) {
            if (walk_event_stages(p, x, ckp, e))
                return -1;
        } else {
            e->stages[MR_STAGE_MINING] = e->stages[MR_STAGE_REFINING] = true;
        }
        if (mget(p, &m, "occurrences", false, &x, ckp) ||
            (x && walk_occurrences(p, x, ckp, e)))
            return -1;
        if (e->noccurrences > 0) {
            /* certain occurrences: the Poisson part is optional (rate 0) */
            if (get_num(p, &m, "rate_per_year", false, 0, &R_GE0, &e->process.rate_per_year))
                return -1;
            bool need = e->process.rate_per_year > 0;
            if (mget(p, &m, "severity", need, &x, ckp) ||
                (x && severity_node(p, x, ckp, &e->process.severity)))
                return -1;
            if (mget(p, &m, "duration_months", need, &x, ckp) ||
                (x && duration_node(p, x, ckp, &e->process.duration)))
                return -1;
        } else if (process_map(p, &m, &e->process)) {
            return -1;
        }
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
                kp_idx(ikp, mkp, k);
                return fail(p, item_at(p, mins, k), ikp,
                            "country '%s' does not supply '%s' at the event's stages, so the "
                            "event would have no effect on it",
                            p->cid[e->country], mn->id);
            }
        }
    }
    return 0;
}

/* Largest eigenvalue modulus of the n x n row-major matrix a. */
static int spectral_radius(const double *a, int n, double *rho)
{
    gsl_matrix *m = gsl_matrix_alloc((size_t)n, (size_t)n);
    gsl_vector_complex *ev = gsl_vector_complex_alloc((size_t)n);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc((size_t)n);
    int st = GSL_ENOMEM;
    if (m && ev && w) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                gsl_matrix_set(m, (size_t)i, (size_t)j, a[i * n + j]);
        st = gsl_eigen_nonsymm(m, ev, w);
        *rho = 0;
        for (int i = 0; st == GSL_SUCCESS && i < n; i++) {
            double r = gsl_complex_abs(gsl_vector_complex_get(ev, (size_t)i));
            if (r > *rho)
                *rho = r;
        }
    }
    if (w)
        gsl_eigen_nonsymm_free(w);
    if (ev)
        gsl_vector_complex_free(ev);
    if (m)
        gsl_matrix_free(m);
    return st;
}

/* A square matrix given as id -> id -> number, into dense row-major `out`
   (which holds the defaults). `given` marks the entries written. */
static int walk_matrix(P *p, const yaml_node_t *v, const char *kp, const char *what,
                       const char **ids, int n, const Range *r, double *out, bool *given)
{
    if (idmap_check(p, v, kp, what, ids, n))
        return -1;
    for (int i = 0; i < npairs(v); i++) {
        const char *rid = sval(pair_key(p, v, i));
        const yaml_node_t *row = pair_val(p, v, i);
        int a = find_id(ids, n, rid);
        char rkp[KP_MAX], ckp[KP_MAX];
        kp_key(rkp, kp, rid);
        if (is_null(row))
            continue;
        if (idmap_check(p, row, rkp, what, ids, n))
            return -1;
        for (int j = 0; j < npairs(row); j++) {
            const char *cid = sval(pair_key(p, row, j));
            int b = find_id(ids, n, cid);
            kp_key(ckp, rkp, cid);
            if (num_node(p, pair_val(p, row, j), ckp, r, &out[a * n + b]))
                return -1;
            given[a * n + b] = true;
        }
    }
    return 0;
}

/* interdependency (MODEL §2, §7): A*, spectral radius < 1 so the IIM
   (I - A*)^-1 exists and the dynamic model settles. */
static int walk_interdependency(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    int n = sc->nsectors;
    bool *given = zalloc(p, (size_t)n * (size_t)n, sizeof *given);
    if (!given)
        return -1;
    int rc = walk_matrix(p, v, kp, "sector", p->sid, n, &R_01, sc->interdependency, given);
    free(given);
    if (rc)
        return -1;
    bool zero = true;
    for (int i = 0; i < n * n; i++)
        zero &= sc->interdependency[i] == 0;
    if (zero)
        return 0;
    double rho = 0;
    int st = spectral_radius(sc->interdependency, n, &rho);
    if (st == GSL_ENOMEM)
        return oom(p);
    if (st != GSL_SUCCESS)
        return fail(p, v, kp, "cannot compute the eigenvalues: %s", gsl_strerror(st));
    if (!(rho < 1))
        return fail(p, v, kp, "spectral radius %.6g must be < 1", rho);
    return 0;
}

/* price_correlation (MODEL §5): symmetric, unit diagonal, positive definite
   (so its Cholesky factor can correlate the price innovations). */
static int walk_correlation(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    int n = sc->nminerals;
    double *c = sc->price_correlation;
    bool *given = zalloc(p, (size_t)n * (size_t)n, sizeof *given);
    if (!given)
        return -1;
    if (walk_matrix(p, v, kp, "mineral", p->mid, n, &R_CORR, c, given)) {
        free(given);
        return -1;
    }
    /* Check in file order so the message points at the later of a pair. */
    for (int i = 0; i < npairs(v); i++) {
        const yaml_node_t *row = pair_val(p, v, i);
        int a = find_id(p->mid, n, sval(pair_key(p, v, i)));
        if (is_null(row))
            continue;
        for (int j = 0; j < npairs(row); j++) {
            const yaml_node_t *val = pair_val(p, row, j);
            int b = find_id(p->mid, n, sval(pair_key(p, row, j)));
            char rkp[KP_MAX], ckp[KP_MAX];
            kp_key(rkp, kp, p->mid[a]);
            kp_key(ckp, rkp, p->mid[b]);
            if (a == b && c[a * n + b] != 1) {
                free(given);
                return fail(p, val, ckp, "a mineral's correlation with itself must be 1, got %s",
                            sval(val));
            }
            if (a != b && given[b * n + a] && c[b * n + a] != c[a * n + b]) {
                free(given);
                return fail(p, val, ckp, "not symmetric: %.15g here but %.15g at %s.%s.%s",
                            c[a * n + b], c[b * n + a], kp, p->mid[b], p->mid[a]);
            }
        }
    }
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            if (given[a * n + b] && !given[b * n + a])
                c[b * n + a] = c[a * n + b];
    free(given);

    gsl_matrix *m = gsl_matrix_alloc((size_t)n, (size_t)n);
    if (!m)
        return oom(p);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            gsl_matrix_set(m, (size_t)a, (size_t)b, c[a * n + b]);
    int st = gsl_linalg_cholesky_decomp1(m);
    gsl_matrix_free(m);
    if (st != GSL_SUCCESS)
        return fail(p, v, kp, "matrix is not positive definite");
    return 0;
}


/* ----------------------------------------------------------------- sweep */

#define SWEEP_MAX_VALUES 64

/* Keys a sweep may not vary: the variants must share their random numbers
   trial by trial (MODEL §12) and be one study. */
static const char *const SWEEP_FIXED[] = {"simulation.seed", "simulation.trials", "name",
                                          "description", "extends", NULL};

static bool valid_sweep_path(const char *s)
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

/* sweep: {key path: [values...]} (docs/STUDIES.md "Sweeps"). Records the
   grid; the values themselves are checked when each variant is parsed
   (mr_scenario_parse_variant), which the CLI does before running any. */
static int walk_sweep(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    char d[SHOW_MAX + 16], ckp[KP_MAX];
    if (v->type != YAML_MAPPING_NODE)
        return fail(p, v, kp, "expected a mapping of key paths to lists of values, got %s",
                    describe(v, d, sizeof d));
    int n = npairs(v);
    if (n == 0)
        return fail(p, v, kp, "give at least one key path to sweep");
    if (!(sc->sweep = zalloc(p, (size_t)n, sizeof *sc->sweep)))
        return -1;
    sc->nsweep = n;
    uint64_t nvar = 1;
    for (int i = 0; i < n; i++) {
        const yaml_node_t *k = pair_key(p, v, i), *vals = pair_val(p, v, i);
        if (k->type != YAML_SCALAR_NODE)
            return fail(p, k, kp, "expected a key path, got %s", describe(k, d, sizeof d));
        const char *path = sval(k);
        kp_key(ckp, kp, path);
        if (!valid_sweep_path(path))
            return fail(p, k, ckp,
                        "expected a key path such as policies.stockpile.months or "
                        "minerals.gallium.refining[0].spare");
        if (!strncmp(path, "sweep", 5) && (!path[5] || path[5] == '.' || path[5] == '['))
            return fail(p, k, ckp, "a sweep cannot vary itself");
        for (int f = 0; SWEEP_FIXED[f]; f++)
            if (!strcmp(path, SWEEP_FIXED[f]))
                return fail(p, k, ckp,
                            f < 2 ? "cannot be swept: every variant shares the scenario's %s "
                                    "(common random numbers need the same seed and trials)"
                                  : "cannot be swept: the variants are one study and share the "
                                    "scenario's %s",
                            SWEEP_FIXED[f]);
        for (int j = 0; j < i; j++)
            if (!strcmp(sc->sweep[j].path, path))
                return fail(p, k, ckp, "duplicate key path");
        if (vals->type != YAML_SEQUENCE_NODE)
            return fail(p, vals, ckp, "expected a list of values, got %s",
                        describe(vals, d, sizeof d));
        int nv = nitems(vals);
        if (nv < 1 || nv > SWEEP_MAX_VALUES)
            return fail(p, vals, ckp, "expected 1 to %d values, got %d", SWEEP_MAX_VALUES, nv);
        mr_sweep_param *sp = &sc->sweep[i];
        if (!(sp->path = strdup(path)) || !(sp->labels = zalloc(p, (size_t)nv, sizeof(char *))) ||
            !(sp->line = zalloc(p, (size_t)nv, sizeof(int))) ||
            !(sp->col = zalloc(p, (size_t)nv, sizeof(int))) || !(sp->file = strdup(file_of(p, k))))
            return oom(p);
        sp->nvalues = nv;
        for (int q = 0; q < nv; q++) {
            const yaml_node_t *x = item_at(p, vals, q);
            sp->line[q] = (int)x->start_mark.line + 1;
            sp->col[q] = (int)x->start_mark.column + 1;
            char buf[32];
            const char *label = buf;
            if (is_null(x))
                label = "none";
            else if (x->type == YAML_SCALAR_NODE)
                label = sval(x);
            else
                snprintf(buf, sizeof buf, "value%d", q + 1);
            for (int r = 0; r < q; r++)
                if (!strcmp(sp->labels[r], label)) {
                    char vkp[KP_MAX];
                    kp_idx(vkp, ckp, q);
                    return fail(p, x, vkp, "duplicate value '%s'", label);
                }
            if (!(sp->labels[q] = strdup(label)))
                return oom(p);
            one_line(sp->labels[q]);
        }
        nvar *= (uint64_t)nv;
        if (nvar > MR_SWEEP_MAX_VARIANTS)
            return fail(p, vals, ckp, "the grid has more than %d variants",
                        MR_SWEEP_MAX_VARIANTS);
    }
    sc->nvariants = nvar;
    return 0;
}

/* A node added to the document for a sweep: marks (and file) of `like`. */
static int sweep_node(P *p, int id, int like)
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
static int sweep_find(yaml_document_t *d, int map, const char *name, size_t len)
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

/* Set the node at key path `path` (written at node keyid) to node valid,
   making missing mappings on the way. Node pointers move when nodes are
   added, so only ids are kept across additions. */
static int sweep_set(P *p, int root, int keyid, int valid)
{
    yaml_document_t *d = p->doc;
    char path[KP_MAX], here[KP_MAX] = "";
    snprintf(path, sizeof path, "%s", sval(yaml_document_get_node(d, keyid)));
    int cur = root;
    const char *s = path;
    for (;;) {
        size_t len = strcspn(s, ".[");
        char name[KP_MAX];
        snprintf(name, sizeof name, "%.*s", (int)len, s);
        const yaml_node_t *cn = yaml_document_get_node(d, cur);
        if (cn->type != YAML_MAPPING_NODE)
            return fail(p, yaml_document_get_node(d, keyid), path,
                        "cannot set '%s': %s is not a mapping", name, here[0] ? here : "(root)");
        char next_here[KP_MAX];
        kp_key(next_here, here, name);
        memcpy(here, next_here, sizeof here);
        int j = sweep_find(d, cur, s, len);
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
                return fail(p, yaml_document_get_node(d, keyid), path, "%s: no such list", here);
            yaml_char_t *kv = (yaml_char_t *)name;
            int key = sweep_node(p, yaml_document_add_scalar(d, NULL, kv, (int)len,
                                                             YAML_PLAIN_SCALAR_STYLE), keyid);
            next = !*rest ? valid
                          : sweep_node(p, yaml_document_add_mapping(d, NULL, YAML_BLOCK_MAPPING_STYLE),
                                       keyid);
            if (!key || !next || !yaml_document_append_mapping_pair(d, cur, key, next))
                return oom(p);
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
                return fail(p, yaml_document_get_node(d, keyid), path, "%s is not a list", here);
            if (idx >= (unsigned long)ni)
                return fail(p, yaml_document_get_node(d, keyid), path,
                            "%s has %d items; index %lu is out of range", here, ni, idx);
            char nh[KP_MAX];
            kp_idx(nh, here, (int)idx);
            memcpy(here, nh, sizeof here);
            yaml_node_item_t *it =
                &yaml_document_get_node(d, next)->data.sequence.items.start[idx];
            rest = end + 1;
            if (!*rest) {
                *it = valid;
                return 0;
            }
            next = *it;
        }
        s = rest + 1; /* past the '.' (valid_sweep_path) */
        cur = next;
    }
}

/* A variant: every sweep parameter's key set to its chosen value node. */
static int apply_sweep(P *p, int root)
{
    yaml_document_t *d = p->doc;
    const yaml_node_t *r = yaml_document_get_node(d, root);
    if (!r || r->type != YAML_MAPPING_NODE)
        return 0; /* the walk reports it */
    int j = sweep_find(d, root, "sweep", 5);
    const yaml_node_t *sw =
        j < 0 ? NULL
              : yaml_document_get_node(d, r->data.mapping.pairs.start[j].value);
    if (!sw || sw->type != YAML_MAPPING_NODE || npairs(sw) != p->nchoice) {
        snprintf(p->err->msg, MR_ERRMSG_MAX, "%s: sweep: the scenario's sweep changed", p->file);
        return -1;
    }
    int swid = r->data.mapping.pairs.start[j].value;
    for (int i = 0; i < p->nchoice; i++) {
        yaml_node_pair_t pr = yaml_document_get_node(d, swid)->data.mapping.pairs.start[i];
        const yaml_node_t *vals = yaml_document_get_node(d, pr.value);
        if (vals->type != YAML_SEQUENCE_NODE || p->choice[i] < 0 || p->choice[i] >= nitems(vals)) {
            snprintf(p->err->msg, MR_ERRMSG_MAX, "%s: sweep: no such variant", p->file);
            return -1;
        }
        int valid = vals->data.sequence.items.start[p->choice[i]];
        if (sweep_set(p, root, pr.key, valid))
            return -1;
    }
    return 0;
}

static int walk(P *p, const yaml_node_t *root)
{
    mr_scenario *sc = p->sc;
    Map m;
    const yaml_node_t *x;
    char kp[KP_MAX];
    if (map_open(p, root, "", K_TOP, &m) || get_str(p, &m, "name", true, "", &sc->name))
        return -1;
    if (!sc->name[0])
        return fail(p, m.val[0], "name", "must not be empty");
    if (get_str(p, &m, "description", false, "", &sc->description))
        return -1;
    if (mget(p, &m, "simulation", true, &x, kp) || walk_simulation(p, x, kp))
        return -1;

    sc->buffer_refill_rate = 0.5;
    if (mget(p, &m, "defaults", false, &x, kp) || (x && walk_defaults(p, x, kp)))
        return -1;
    sc->rationing = MR_RATION_PROPORTIONAL;
    sc->other_uses_priority = 1000;
    if (mget(p, &m, "rationing", false, &x, kp) || (x && walk_rationing(p, x, kp)))
        return -1;

    sc->output_trials = MR_OUTPUT_TRIALS_ALL;
    if (mget(p, &m, "output", false, &x, kp))
        return -1;
    if (x) {
        Map om;
        int which;
        if (map_open(p, x, kp, K_OUTPUT, &om) ||
            get_enum(p, &om, "trials", false, 0, OUTPUT_TRIALS, &which))
            return -1;
        sc->output_trials = (mr_output_trials)which;
    }

    if (mget(p, &m, "countries", true, &x, kp) || walk_countries(p, x, kp))
        return -1;
    if (mget(p, &m, "minerals", true, &x, kp) || walk_minerals(p, x, kp))
        return -1;
    sc->policies.new_source_country = -1;
    sc->policies.domestic_share = sc->policies.recycled_share = -1;
    if (mget(p, &m, "policies", false, &x, kp) || (x && walk_policies(p, x, kp)))
        return -1;
    if (mget(p, &m, "sectors", true, &x, kp) || walk_sectors(p, x, kp))
        return -1;
    if (mget(p, &m, "events", false, &x, kp) || (x && walk_events(p, x, kp)))
        return -1;

    size_t S = (size_t)sc->nsectors, M = (size_t)sc->nminerals;
    if (!(sc->interdependency = zalloc(p, S * S, sizeof(double))) ||
        !(sc->price_correlation = zalloc(p, M * M, sizeof(double))))
        return -1;
    for (size_t i = 0; i < M; i++)
        sc->price_correlation[i * M + i] = 1;
    if (mget(p, &m, "interdependency", false, &x, kp) || (x && walk_interdependency(p, x, kp)))
        return -1;
    if (mget(p, &m, "price_correlation", false, &x, kp) || (x && walk_correlation(p, x, kp)))
        return -1;
    /* a variant's sweep was applied before the walk (apply_sweep) */
    if (!p->choice && (mget(p, &m, "sweep", false, &x, kp) || (x && walk_sweep(p, x, kp))))
        return -1;
    return 0;
}

/* ---------------------------------------------------------------- syntax */

static void syntax_error(P *p, const yaml_parser_t *ps)
{
    if (ps->error == YAML_MEMORY_ERROR) {
        oom(p);
        return;
    }
    unsigned long line, col;
    if (ps->error == YAML_READER_ERROR) {
        /* The reader (encoding) reports a byte offset, not a mark. */
        line = col = 1;
        for (size_t i = 0; i < ps->problem_offset && i < p->len; i++) {
            if (p->text[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)p->text[i] & 0xC0) != 0x80) {
                col++;
            }
        }
    } else {
        line = (unsigned long)ps->problem_mark.line + 1;
        col = (unsigned long)ps->problem_mark.column + 1;
    }
    snprintf(p->err->msg, MR_ERRMSG_MAX, "%s:%lu:%lu: syntax: %s", p->file, line, col,
             ps->problem ? ps->problem : "invalid YAML");
    one_line(p->err->msg);
}

/* Compose the (single) document of p->text into doc. */
static int load_document(P *p, yaml_document_t *doc)
{
    yaml_parser_t ps;
    yaml_document_t extra;
    int rc = 0;
    if (!yaml_parser_initialize(&ps))
        return oom(p);
    yaml_parser_set_input_string(&ps, (const unsigned char *)p->text, p->len);
    if (!yaml_parser_load(&ps, doc)) {
        syntax_error(p, &ps);
        yaml_parser_delete(&ps);
        return -1;
    }
    /* A second document would be silently ignored: refuse it. */
    if (!yaml_parser_load(&ps, &extra)) {
        syntax_error(p, &ps);
        rc = -1;
    } else {
        yaml_node_t *r = yaml_document_get_root_node(&extra);
        if (r) {
            fail(p, r, "(root)", "a scenario file holds one YAML document; found a second one");
            rc = -1;
        }
        yaml_document_delete(&extra);
    }
    if (rc)
        yaml_document_delete(doc);
    yaml_parser_delete(&ps);
    return rc;
}

/* --------------------------------------------------------------- extends */

/* The whole file into *buf (NUL-terminated). Returns 0 or an errno. */
static int read_all(const char *path, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno ? errno : EIO;
    size_t n = 0, cap = 1 << 16;
    char *b = malloc(cap);
    int e = 0;
    while (b) {
        if (n + 1 >= cap) {
            char *nb = cap > SIZE_MAX / 2 ? NULL : realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        errno = 0;
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                e = errno ? errno : EIO;
            break;
        }
    }
    fclose(f);
    if (!b)
        return ENOMEM;
    if (e) {
        free(b);
        return e;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

/* A path with "." and empty components dropped and "x/.." folded
   (lexically: the chain's files are compared by these names). */
static char *norm_path(const char *path)
{
    size_t n = strlen(path);
    char *out = malloc(n + 2);
    const char **seg = malloc((n / 2 + 2) * sizeof *seg);
    size_t *sl = malloc((n / 2 + 2) * sizeof *sl);
    if (!out || !seg || !sl) {
        free(out);
        free(seg);
        free(sl);
        return NULL;
    }
    bool abs = path[0] == '/';
    int ns = 0;
    for (const char *s = path; *s;) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t l = (size_t)(e - s);
        if (l == 0 || (l == 1 && s[0] == '.')) {
            /* skip */
        } else if (l == 2 && s[0] == '.' && s[1] == '.' && ns > 0 &&
                   !(sl[ns - 1] == 2 && seg[ns - 1][0] == '.' && seg[ns - 1][1] == '.')) {
            ns--;
        } else if (!(l == 2 && s[0] == '.' && s[1] == '.' && abs && ns == 0)) {
            seg[ns] = s;
            sl[ns++] = l;
        }
        s = e;
    }
    size_t k = 0;
    if (abs)
        out[k++] = '/';
    for (int i = 0; i < ns; i++) {
        if (i)
            out[k++] = '/';
        memcpy(out + k, seg[i], sl[i]);
        k += sl[i];
    }
    if (k == 0)
        out[k++] = '.';
    out[k] = '\0';
    free(seg);
    free(sl);
    return out;
}

/* rel read from the directory of the file `from`, normalised. */
static char *join_path(const char *from, const char *rel)
{
    if (rel[0] == '/')
        return norm_path(rel);
    const char *slash = strrchr(from, '/');
    size_t dl = slash ? (size_t)(slash - from) + 1 : 0;
    char *j = malloc(dl + strlen(rel) + 1);
    if (!j)
        return NULL;
    memcpy(j, from, dl);
    strcpy(j + dl, rel);
    char *r = norm_path(j);
    free(j);
    return r;
}

/* The bundle that sc->source_text holds for a chain of files (and that
   mr_scenario_parse reads back): for each file, from the scenario given to
   the last parent, a line "# --- file: PATH (N bytes)", its N bytes, and a
   newline when they do not end with one. */
#define BUNDLE_HEAD "# --- file: "

typedef struct {
    const char *path; /* not NUL-terminated: pathlen bytes */
    size_t pathlen;
    const char *text;
    size_t len;
} Section;

/* Split text into its sections; false (and *n = 0) when it is not a
   well-formed bundle, i.e. an ordinary scenario file. */
static bool bundle_split(const char *text, size_t len, Section *sec, int *n)
{
    size_t i = 0, hl = strlen(BUNDLE_HEAD);
    *n = 0;
    while (i < len) {
        if (*n == CHAIN_MAX || len - i < hl || memcmp(text + i, BUNDLE_HEAD, hl) != 0)
            goto no;
        const char *line = text + i + hl;
        const char *eol = memchr(line, '\n', len - i - hl);
        if (!eol)
            goto no;
        /* "PATH (N bytes)": N from the last " (" */
        const char *open = NULL;
        for (const char *q = line; q + 1 < eol; q++)
            if (q[0] == ' ' && q[1] == '(')
                open = q;
        const char *tail = " bytes)";
        size_t tl = strlen(tail);
        if (!open || open == line || (size_t)(eol - open) < 2 + tl + 1 ||
            memcmp(eol - tl, tail, tl) != 0)
            goto no;
        size_t nb = 0;
        for (const char *q = open + 2; q < eol - tl; q++) {
            if (!isdigit((unsigned char)*q) || nb > (SIZE_MAX - 9) / 10)
                goto no;
            nb = nb * 10 + (size_t)(*q - '0');
        }
        i = (size_t)(eol - text) + 1;
        if (nb > len - i)
            goto no;
        sec[*n] = (Section){line, (size_t)(open - line), text + i, nb};
        (*n)++;
        i += nb;
        if (nb == 0 || text[i - 1] != '\n') {
            if (i >= len || text[i] != '\n')
                goto no;
            i++;
        }
    }
    if (*n > 0)
        return true;
no:
    *n = 0;
    return false;
}

/* sc->source_text: the file's bytes, or the bundle of the chain. */
static int make_source(P *p)
{
    mr_scenario *sc = p->sc;
    if (p->nsrc == 1) {
        if (!(sc->source_text = malloc(p->src[0].len + 1)))
            return oom(p);
        memcpy(sc->source_text, p->src[0].text, p->src[0].len);
        sc->source_text[p->src[0].len] = '\0';
        sc->source_len = p->src[0].len;
        return 0;
    }
    size_t total = 1;
    for (int k = 0; k < p->nsrc; k++)
        total += strlen(BUNDLE_HEAD) + strlen(p->src[k].path) + 32 + p->src[k].len + 1;
    char *b = malloc(total);
    if (!b)
        return oom(p);
    size_t n = 0;
    for (int k = 0; k < p->nsrc; k++) {
        const Src *s = &p->src[k];
        n += (size_t)snprintf(b + n, total - n, "%s%s (%zu bytes)\n", BUNDLE_HEAD, s->path,
                              s->len);
        memcpy(b + n, s->text, s->len);
        n += s->len;
        if (s->len == 0 || s->text[s->len - 1] != '\n')
            b[n++] = '\n';
    }
    b[n] = '\0';
    sc->source_text = b;
    sc->source_len = n;
    return 0;
}

/* Compose src[k] and find its top-level `extends`. */
static int open_src(P *p, int k)
{
    Src *s = &p->src[k];
    p->file = s->path;
    p->text = s->text;
    p->len = s->len;
    if (load_document(p, &s->doc))
        return -1;
    s->has_doc = true;
    p->doc = &s->doc;
    const yaml_node_t *root = yaml_document_get_root_node(&s->doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        return 0; /* the schema walk reports it */
    for (int i = 0; i < npairs(root); i++) {
        const yaml_node_t *key = pair_key(p, root, i), *v = pair_val(p, root, i);
        char d[SHOW_MAX + 16];
        if (key->type != YAML_SCALAR_NODE || strcmp(sval(key), "extends") != 0 || is_null(v))
            continue;
        if (s->extends) /* the schema walk reports the duplicate */
            continue;
        if (v->type != YAML_SCALAR_NODE || strlen(sval(v)) != v->data.scalar.length)
            return fail(p, v, "extends", "expected the path of a scenario file, got %s",
                        describe(v, d, sizeof d));
        s->extends = v;
    }
    return 0;
}

/* Read the chain: src[0] is given; each `extends` adds its parent, from the
   bundle when there is one, else from disk. */
static int load_chain(P *p, const Section *bundle, int nbundle)
{
    for (int k = 0;; k++) {
        if (open_src(p, k))
            return -1;
        const yaml_node_t *ext = p->src[k].extends;
        if (!ext)
            return 0;
        char *path = join_path(p->src[k].path, sval(ext));
        if (!path)
            return oom(p);
        /* a cycle: reported at the `extends` of the file it returns to */
        for (int j = 0; j <= k; j++) {
            char *nj = norm_path(p->src[j].path);
            if (!nj) {
                free(path);
                return oom(p);
            }
            bool same = !strcmp(nj, path);
            free(nj);
            if (!same)
                continue;
            char chain[MR_ERRMSG_MAX] = "";
            size_t n = 0;
            for (int q = j; q <= k && n < sizeof chain; q++)
                n += (size_t)snprintf(chain + n, sizeof chain - n, "%s -> ", p->src[q].path);
            if (n < sizeof chain)
                snprintf(chain + n, sizeof chain - n, "%s", p->src[j].path);
            free(path);
            p->file = p->src[j].path;
            return fail(p, p->src[j].extends, "extends", "cycle: %s", chain);
        }
        if (k + 1 == CHAIN_MAX) {
            free(path);
            return fail(p, ext, "extends", "more than %d files in the extends chain", CHAIN_MAX);
        }
        Src *s = &p->src[k + 1];
        s->path = path;
        p->nsrc = k + 2;
        if (bundle) {
            int b = -1;
            for (int i = 1; i < nbundle && b < 0; i++)
                if (bundle[i].pathlen == strlen(path) &&
                    !memcmp(bundle[i].path, path, bundle[i].pathlen))
                    b = i;
            if (b < 0)
                return fail(p, ext, "extends", "cannot read '%s': not in the scenario bundle",
                            path);
            if (!(s->text = malloc(bundle[b].len + 1)))
                return oom(p);
            memcpy(s->text, bundle[b].text, bundle[b].len);
            s->text[bundle[b].len] = '\0';
            s->len = bundle[b].len;
        } else {
            int e = read_all(path, &s->text, &s->len);
            if (e)
                return fail(p, ext, "extends", "cannot read '%s': %s", path, strerror(e));
        }
    }
}

/* Merging the chain into one libyaml document, node by node. Every node of
   the merged document records the file it came from (P.origin), so errors
   name the right file, line and column. */
typedef struct {
    P *p;
    yaml_document_t *out;
    int *origin;
    size_t cap;
    int *memo; /* per source node: its copy in out, 0 = none */
    int k;     /* the source file being copied */
    bool oom;
} Merge;

static int merged_node(Merge *g, int id, const yaml_node_t *src, int k)
{
    if (!id) {
        g->oom = true;
        return 0;
    }
    if ((size_t)id > g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 256;
        while (cap < (size_t)id)
            cap *= 2;
        int *o = realloc(g->origin, cap * sizeof *o);
        if (!o) {
            g->oom = true;
            return 0;
        }
        g->origin = o;
        g->cap = cap;
    }
    g->origin[id - 1] = k;
    yaml_node_t *n = yaml_document_get_node(g->out, id);
    n->start_mark = src->start_mark;
    n->end_mark = src->end_mark;
    return id;
}

/* A copy of node id of file g->k (aliases stay shared, so cycles end). */
static int copy_node(Merge *g, int id)
{
    yaml_document_t *d = &g->p->src[g->k].doc;
    if (g->oom)
        return 0;
    if (g->memo[id - 1])
        return g->memo[id - 1];
    const yaml_node_t *n = yaml_document_get_node(d, id);
    int nid = 0;
    switch (n->type) {
    case YAML_SCALAR_NODE:
        nid = yaml_document_add_scalar(g->out, n->tag, n->data.scalar.value,
                                       (int)n->data.scalar.length, n->data.scalar.style);
        g->memo[id - 1] = merged_node(g, nid, n, g->k);
        break;
    case YAML_SEQUENCE_NODE:
        nid = yaml_document_add_sequence(g->out, n->tag, n->data.sequence.style);
        if (!(g->memo[id - 1] = merged_node(g, nid, n, g->k)))
            break;
        for (yaml_node_item_t *it = n->data.sequence.items.start;
             it < n->data.sequence.items.top && !g->oom; it++) {
            int c = copy_node(g, *it);
            if (!c || !yaml_document_append_sequence_item(g->out, nid, c))
                g->oom = true;
        }
        break;
    case YAML_MAPPING_NODE:
        nid = yaml_document_add_mapping(g->out, n->tag, n->data.mapping.style);
        if (!(g->memo[id - 1] = merged_node(g, nid, n, g->k)))
            break;
        for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
             pr < n->data.mapping.pairs.top && !g->oom; pr++) {
            int a = copy_node(g, pr->key), b = a ? copy_node(g, pr->value) : 0;
            if (!a || !b || !yaml_document_append_mapping_pair(g->out, nid, a, b))
                g->oom = true;
        }
        break;
    default:
        g->oom = true;
    }
    return g->oom ? 0 : nid;
}

static bool same_key(const yaml_node_t *a, const yaml_node_t *b)
{
    return a->type == YAML_SCALAR_NODE && b->type == YAML_SCALAR_NODE &&
           a->data.scalar.length == b->data.scalar.length &&
           !memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length);
}

/* Node cid of file g->k laid over node base of the merged document:
   mappings merge key by key (the base's keys keep their order, new keys
   follow in the file's order; a merged mapping keeps the position of its
   first definition), anything else replaces the base whole. */
static int merge_node(Merge *g, int base, int cid, int depth)
{
    yaml_document_t *d = &g->p->src[g->k].doc;
    const yaml_node_t *c = yaml_document_get_node(d, cid);
    const yaml_node_t *b = base ? yaml_document_get_node(g->out, base) : NULL;
    if (!b || b->type != YAML_MAPPING_NODE || c->type != YAML_MAPPING_NODE || depth > 64)
        return copy_node(g, cid);
    int nb = (int)(b->data.mapping.pairs.top - b->data.mapping.pairs.start);
    int nc = (int)(c->data.mapping.pairs.top - c->data.mapping.pairs.start);
    yaml_node_pair_t *pairs = malloc((size_t)(nb + nc + 1) * sizeof *pairs);
    bool *over = calloc((size_t)nb + 1, sizeof *over);
    yaml_char_t *tag = (yaml_char_t *)strdup(b->tag ? (const char *)b->tag : YAML_MAP_TAG);
    yaml_mapping_style_t style = b->data.mapping.style;
    yaml_node_t bnode = *b; /* marks; b moves when nodes are added */
    int border = g->origin[base - 1];
    if (!pairs || !over || !tag) {
        free(pairs);
        free(over);
        free(tag);
        g->oom = true;
        return 0;
    }
    memcpy(pairs, b->data.mapping.pairs.start, (size_t)nb * sizeof *pairs);
    int n = nb;
    for (int i = 0; i < nc && !g->oom; i++) {
        yaml_node_pair_t cp = c->data.mapping.pairs.start[i];
        const yaml_node_t *ck = yaml_document_get_node(d, cp.key);
        int j = -1;
        for (int q = 0; q < nb && j < 0; q++)
            if (!over[q] && same_key(yaml_document_get_node(g->out, pairs[q].key), ck))
                j = q;
        int key = copy_node(g, cp.key);
        if (!key)
            break;
        if (j >= 0) {
            int val = merge_node(g, pairs[j].value, cp.value, depth + 1);
            pairs[j] = (yaml_node_pair_t){key, val};
            over[j] = true;
        } else {
            pairs[n++] = (yaml_node_pair_t){key, copy_node(g, cp.value)};
        }
    }
    int nid = 0;
    if (!g->oom) {
        nid = merged_node(g, yaml_document_add_mapping(g->out, tag, style), &bnode, border);
        for (int i = 0; nid && i < n; i++)
            if (!yaml_document_append_mapping_pair(g->out, nid, pairs[i].key, pairs[i].value))
                g->oom = true;
    }
    free(pairs);
    free(over);
    free(tag);
    return g->oom ? 0 : nid;
}

/* The chain merged into out, oldest parent first; *root is its root node
   id. p->origin is set. */
static int merge_chain(P *p, yaml_document_t *out, int *root)
{
    Merge g = {.p = p, .out = out};
    *root = 0;
    for (int k = p->nsrc - 1; k >= 0 && !g.oom; k--) {
        yaml_document_t *d = &p->src[k].doc;
        if (!yaml_document_get_root_node(d))
            continue;
        size_t nn = (size_t)(d->nodes.top - d->nodes.start);
        g.memo = calloc(nn ? nn : 1, sizeof *g.memo);
        g.k = k;
        if (!g.memo) {
            g.oom = true;
            break;
        }
        *root = merge_node(&g, *root, 1, 0);
        free(g.memo);
        g.memo = NULL;
    }
    p->origin = g.origin;
    if (g.oom) {
        p->file = p->src[0].path;
        return oom(p);
    }
    return 0;
}

/* ------------------------------------------------------------------- API */

/* Parse the chain whose first file is src[0]; sc->source_text is made from
   the files read. */
static int parse_chain(P *p, const Section *bundle, int nbundle)
{
    mr_scenario *sc = p->sc;
    yaml_document_t merged;
    bool has_merged = false;
    const yaml_node_t *root = NULL;
    int rc = load_chain(p, bundle, nbundle);
    if (rc == 0)
        rc = make_source(p);
    if (rc == 0 && p->nsrc == 1) {
        p->doc = &p->src[0].doc;
        root = yaml_document_get_root_node(p->doc);
    } else if (rc == 0) {
        int rid;
        if (!yaml_document_initialize(&merged, NULL, NULL, NULL, 1, 1)) {
            rc = oom(p);
        } else {
            has_merged = true;
            rc = merge_chain(p, &merged, &rid);
            p->norigin = (size_t)(merged.nodes.top - merged.nodes.start);
            p->doc = &merged;
            root = rc == 0 && rid ? yaml_document_get_node(&merged, rid) : NULL;
        }
    }
    p->file = p->src[0].path;
    p->text = p->src[0].text;
    p->len = p->src[0].len;
    if (rc == 0) {
        /* GSL's default handler aborts on a failed decomposition, and the
           library must return errors instead; restore the caller's handler. */
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        if (!root)
            rc = fail(p, NULL, "",
                      "the document is empty; expected a mapping with name, simulation, "
                      "countries, minerals and sectors");
        if (root && p->choice) {
            int rootid = (int)(root - p->doc->nodes.start) + 1;
            rc = apply_sweep(p, rootid);
            root = yaml_document_get_node(p->doc, rootid); /* nodes may have moved */
        }
        if (root && rc == 0)
            rc = walk(p, root);
        gsl_set_error_handler(old);
    }
    if (has_merged)
        yaml_document_delete(&merged);
    for (int k = 0; k < p->nsrc; k++) {
        if (p->src[k].has_doc)
            yaml_document_delete(&p->src[k].doc);
        free(p->src[k].path);
        free(p->src[k].text);
    }
    free(p->origin);
    free(p->cid);
    free(p->mid);
    free(p->sid);
    if (rc)
        mr_scenario_free(sc);
    return rc;
}

/* Start a chain with the given file's bytes (copied). */
static int start(P *p, const char *path, const char *text, size_t len)
{
    p->nsrc = 1;
    if (!(p->src[0].path = strdup(path)) || !(p->src[0].text = malloc(len + 1)) ||
        !(p->sc->source_path = strdup(path))) {
        free(p->src[0].path);
        free(p->src[0].text);
        p->src[0].path = p->src[0].text = NULL;
        mr_scenario_free(p->sc);
        return oom(p);
    }
    if (len)
        memcpy(p->src[0].text, text, len);
    p->src[0].text[len] = '\0';
    p->src[0].len = len;
    return 0;
}

int mr_scenario_parse(const char *path, const char *text, size_t len, mr_scenario *sc,
                      mr_error *err)
{
    return mr_scenario_parse_variant(path, text, len, NULL, 0, sc, err);
}

int mr_scenario_parse_variant(const char *path, const char *text, size_t len, const int *choice,
                              int nchoice, mr_scenario *sc, mr_error *err)
{
    P p = {.file = path ? path : "(scenario)", .text = text, .len = len, .sc = sc, .err = err,
           .choice = choice, .nchoice = nchoice};
    Section sec[CHAIN_MAX];
    int nsec;
    memset(sc, 0, sizeof *sc);
    err->msg[0] = '\0';
    if (bundle_split(text, len, sec, &nsec)) {
        text = sec[0].text;
        len = sec[0].len;
    }
    if (start(&p, p.file, text, len))
        return -1;
    return parse_chain(&p, nsec ? sec : NULL, nsec);
}

int mr_scenario_load(const char *path, mr_scenario *sc, mr_error *err)
{
    memset(sc, 0, sizeof *sc);
    err->msg[0] = '\0';
    char *buf;
    size_t len;
    int e = read_all(path, &buf, &len);
    if (e) {
        snprintf(err->msg, MR_ERRMSG_MAX, "%s: cannot read: %s", path, strerror(e));
        return -1;
    }
    /* a saved bundle (/scenario/source of a chain) reads like the chain */
    P p = {.file = path, .text = buf, .len = len, .sc = sc, .err = err};
    Section sec[CHAIN_MAX];
    int nsec;
    int rc = bundle_split(buf, len, sec, &nsec) ? start(&p, path, sec[0].text, sec[0].len)
                                                : start(&p, path, buf, len);
    if (rc == 0)
        rc = parse_chain(&p, nsec ? sec : NULL, nsec);
    free(buf);
    return rc;
}

void mr_scenario_free(mr_scenario *sc)
{
    if (!sc)
        return;
    free(sc->name);
    free(sc->description);
    free(sc->source_path);
    free(sc->source_text);
    for (int i = 0; sc->countries && i < sc->ncountries; i++) {
        free(sc->countries[i].id);
        free(sc->countries[i].name);
    }
    free(sc->countries);
    for (int i = 0; sc->minerals && i < sc->nminerals; i++) {
        mr_mineral *m = &sc->minerals[i];
        free(m->id);
        free(m->name);
        free(m->unit);
        for (int s = 0; s < MR_NSTAGES; s++)
            free(m->stage[s].suppliers);
    }
    free(sc->minerals);
    for (int i = 0; sc->sectors && i < sc->nsectors; i++) {
        free(sc->sectors[i].id);
        free(sc->sectors[i].name);
        free(sc->sectors[i].needs);
    }
    free(sc->sectors);
    for (int i = 0; sc->events && i < sc->nevents; i++) {
        free(sc->events[i].id);
        free(sc->events[i].name);
        free(sc->events[i].minerals);
        free(sc->events[i].occurrences);
    }
    free(sc->events);
    free(sc->interdependency);
    free(sc->price_correlation);
    free(sc->policies.stockpile_minerals);
    for (int i = 0; sc->sweep && i < sc->nsweep; i++) {
        free(sc->sweep[i].path);
        for (int k = 0; sc->sweep[i].labels && k < sc->sweep[i].nvalues; k++)
            free(sc->sweep[i].labels[k]);
        free(sc->sweep[i].labels);
        free(sc->sweep[i].line);
        free(sc->sweep[i].col);
        free(sc->sweep[i].file);
    }
    free(sc->sweep);
    memset(sc, 0, sizeof *sc);
}

/* ---------------------------------------------------------------- schema */

/* Every key a scenario may hold (docs/SCENARIOS.md is this table, printed by
   `minrisk validate --schema`). Key tables and word lists are the walker's
   own (K_*, RULES, ...), and number ranges its Range constants, so the type
   and range texts cannot drift from what the walker accepts;
   mr_scenario_schema_check proves the paths match the key tables, and
   tests/unit_schema.c checks ranges, defaults and required keys against
   the loader's behaviour. Paths: ids as <id> (<sector>, <mineral> in the
   matrices), list items as [], and the shared forms <process>, <severity>,
   <duration>. */
typedef struct {
    const char *path;
    const char *type;         /* NULL: the words below, "`a`, `b` or `c`" */
    const char *const *words; /* enum words (the walker's table) */
    const char *unit;
    const char *def;
    bool def_value;   /* def is the value the loader fills in */
    const Range *num; /* a number's range (the walker's constant) */
    bool is_int;      /* an integer in [ilo, ihi] */
    uint64_t ilo, ihi;
    const char *range; /* any other range, as text */
    const char *meaning;
} SchemaKey;

#define NUM(r) .type = "number", .num = &(r)
#define INT(lo, hi) .type = "int", .is_int = true, .ilo = (lo), .ihi = (hi)
#define DEF(v) .def = (v), .def_value = true
#define REQ .def = "required"
#define NONE .def = "none"

static const SchemaKey SCHEMA[] = {
    /* top level */
    {"name", "string", NULL, "", REQ, .range = "non-empty",
     .meaning = "scenario name, stored in the output"},
    {"description", "string", NULL, "", .def = "empty", .meaning = "free text"},
    {"extends", "path", NULL, "", NONE,
     .meaning = "parent scenario this file overrides, relative to this file's directory "
                "(SCENARIO_FORMAT.md)"},
    {"simulation", "mapping", NULL, "", REQ, .meaning = "time grid, trials and seed (MODEL 1)"},
    {"defaults", "mapping", NULL, "", NONE, .meaning = "scenario-wide defaults"},
    {"rationing", "word or mapping", NULL, "", DEF("proportional"),
     .meaning = "allocation rule (MODEL 6): a `rule` word, or the mapping below"},
    {"policies", "mapping", NULL, "", NONE,
     .meaning = "policy levers applied to the model before the run (MODEL 10)"},
    {"countries", "mapping of ids", NULL, "", REQ, .range = "at least one",
     .meaning = "the supplying countries"},
    {"minerals", "mapping of ids", NULL, "", REQ, .range = "at least one",
     .meaning = "the minerals"},
    {"sectors", "mapping of ids", NULL, "", REQ, .range = "at least one",
     .meaning = "the using sectors"},
    {"events", "mapping of ids", NULL, "", NONE,
     .meaning = "named multi-mineral shocks (MODEL 3.3)"},
    {"interdependency", "matrix", NULL, "", .def = "all 0",
     .meaning = "A* of the inoperability model (MODEL 2, 7); spectral radius < 1"},
    {"price_correlation", "matrix", NULL, "", .def = "identity",
     .meaning = "correlation of the price innovations (MODEL 5); positive definite"},
    {"output", "mapping", NULL, "", NONE, .meaning = "what the output file keeps"},
    {"sweep", "mapping of key paths", NULL, "", NONE,
     .meaning = "a grid of variants run into one file (STUDIES.md Sweeps)"},
    /* simulation */
    {"simulation.horizon_years", INT(1, 1000), .unit = "years", REQ, .meaning = "horizon H"},
    {"simulation.steps_per_year", INT(1, 366), .unit = "steps per year", DEF("12"),
     .meaning = "time steps a year n"},
    {"simulation.trials", INT(1, UINT32_MAX), .unit = "trials", DEF("10000"),
     .meaning = "Monte Carlo trials N (run --trials overrides)"},
    {"simulation.seed", INT(0, UINT64_MAX), .unit = "", DEF("1"),
     .meaning = "seed of the Philox streams (run --seed overrides)"},
    /* defaults */
    {"defaults.wgi_rate", "mapping", NULL, "", NONE,
     .meaning = "derives a country outage process from wgi_pv (MODEL 3.1)"},
    {"defaults.wgi_rate.rate_at_zero_per_year", NUM(R_GE0), .unit = "outages per year", REQ,
     .meaning = "rate at WGI 0: rate = rate_at_zero x factor_per_unit ^ (-wgi_pv)"},
    {"defaults.wgi_rate.factor_per_unit", NUM(R_GT0), .unit = "rate multiple", REQ,
     .meaning = "rate multiple per WGI point lower"},
    {"defaults.wgi_rate.severity", "severity", NULL, "fraction of supply", REQ,
     .meaning = "severity of the derived outages (see `<severity>`)"},
    {"defaults.wgi_rate.duration_months", "duration", NULL, "months", REQ,
     .meaning = "duration of the derived outages (see `<duration>`)"},
    {"defaults.buffer_refill_rate", NUM(R_GE0), .unit = "months of need per month", DEF("0.5"),
     .meaning = "how fast sectors' own buffers refill once supply is back (MODEL 6)"},
    /* rationing */
    {"rationing.rule", NULL, RULES, "", REQ,
     .meaning = "proportional: all get the same fraction; priority: lower priority numbers first"},
    {"rationing.other_uses_priority", INT(0, INT_MAX), .unit = "rank", DEF("1000"),
     .meaning = "priority of other uses (demand not modelled as a sector)"},
    /* output */
    {"output.trials", NULL, OUTPUT_TRIALS, "", DEF("all"),
     .meaning = "per-trial tables kept in /trials: all; only total_loss and annual_loss; none"},
    /* countries */
    {"countries.<id>", "mapping", NULL, "", NONE,
     .meaning = "one country; the id starts with a letter, then letters, digits, _ and -"},
    {"countries.<id>.name", "string", NULL, "", .def = "the id", .meaning = "display name"},
    {"countries.<id>.wgi_pv", NUM(R_WGI), .unit = "WGI score", NONE,
     .meaning = "World Bank WGI political stability estimate"},
    {"countries.<id>.outage", "process", NULL, "", .def = "from wgi_pv, else none",
     .meaning = "country-wide outage: every stage of every mineral it supplies (MODEL 3.1)"},
    {"countries.<id>.aggregate", NULL, BOOLS, "", DEF("false"),
     .meaning =
         "stands for many small suppliers (rest of world): never cut by a cap, left out of HHI"},
    /* minerals */
    {"minerals.<id>", "mapping", NULL, "", NONE, .meaning = "one mineral"},
    {"minerals.<id>.name", "string", NULL, "", .def = "the id", .meaning = "display name"},
    {"minerals.<id>.unit", "string", NULL, "", DEF("t"),
     .meaning = "unit of demand_t and price.ref"},
    {"minerals.<id>.demand_t", NUM(R_GT0), .unit = "unit per year", REQ,
     .meaning = "annual demand of the modelled economy"},
    {"minerals.<id>.recycled_share", NUM(R_01), .unit = "fraction of demand", DEF("0"),
     .meaning = "met by recycling, without imports; recycled + domestic <= 1"},
    {"minerals.<id>.domestic_share", NUM(R_01), .unit = "fraction of demand", DEF("0"),
     .meaning = "met by domestic supply, without imports"},
    {"minerals.<id>.spare_ramp_months", NUM(R_GE0), .unit = "months", DEF("0"),
     .meaning = "time for spare capacity to reach full output after a disruption starts"},
    {"minerals.<id>.mining", "list of suppliers", NULL, "", NONE,
     .meaning = "mine stage; mining or refining or both is required"},
    {"minerals.<id>.refining", "list of suppliers", NULL, "", NONE,
     .meaning = "refining stage; with both stages available supply is their product"},
    {"minerals.<id>.stockpile", "mapping", NULL, "", NONE,
     .meaning = "strategic stockpile (MODEL 4)"},
    {"minerals.<id>.price", "mapping", NULL, "", REQ, .meaning = "price model (MODEL 5)"},
    /* supply stages */
    {"minerals.<id>.mining[].country", "country id", NULL, "", REQ,
     .range = "defined, once a stage", .meaning = "supplying country"},
    {"minerals.<id>.mining[].share", NUM(R_01), .unit = "fraction of the stage", REQ,
     .meaning = "its share of the stage's supply; a stage's shares sum to 1"},
    {"minerals.<id>.mining[].spare", NUM(R_GE0), .unit = "fraction of own output", DEF("0"),
     .meaning = "spare capacity it can add when others are disrupted"},
    {"minerals.<id>.mining[].outage", "process", NULL, "", NONE,
     .meaning = "supplier outage: this country, mineral and stage only (MODEL 3.2)"},
    {"minerals.<id>.refining[].country", "country id", NULL, "", REQ,
     .range = "defined, once a stage", .meaning = "supplying country"},
    {"minerals.<id>.refining[].share", NUM(R_01), .unit = "fraction of the stage", REQ,
     .meaning = "its share of the stage's supply; a stage's shares sum to 1"},
    {"minerals.<id>.refining[].spare", NUM(R_GE0), .unit = "fraction of own output", DEF("0"),
     .meaning = "spare capacity it can add when others are disrupted"},
    {"minerals.<id>.refining[].outage", "process", NULL, "", NONE,
     .meaning = "supplier outage: this country, mineral and stage only (MODEL 3.2)"},
    /* stockpile */
    {"minerals.<id>.stockpile.target_months", NUM(R_GE0), .unit = "months of demand", REQ,
     .meaning = "level the stockpile refills to"},
    {"minerals.<id>.stockpile.initial_months", NUM(R_GE0), .unit = "months of demand",
     .def = "target_months", .meaning = "level at the start"},
    {"minerals.<id>.stockpile.trigger", NUM(R_01_OPENHI), .unit = "fraction of demand", DEF("0"),
     .meaning = "released only while the supply gap exceeds this"},
    {"minerals.<id>.stockpile.max_release", NUM(R_01_OPENLO), .unit = "fraction of demand",
     DEF("1"), .meaning = "most released in a step"},
    {"minerals.<id>.stockpile.refill_rate", NUM(R_GE0), .unit = "months of demand per month",
     DEF("0.25"), .meaning = "refill speed while there is no gap"},
    /* price */
    {"minerals.<id>.price.ref", NUM(R_GT0), .unit = "GBP per unit", REQ,
     .meaning = "reference price P0"},
    {"minerals.<id>.price.theta", NUM(R_GE0), .unit = "1/year", DEF("0.5"),
     .meaning = "mean reversion of the log price"},
    {"minerals.<id>.price.sigma", NUM(R_GE0), .unit = "1/sqrt(year)", DEF("0.3"),
     .meaning = "volatility of the log price"},
    {"minerals.<id>.price.elasticity", NUM(R_GT0), .unit = "", DEF("0.3"),
     .meaning = "short-run demand elasticity of the scarcity premium"},
    {"minerals.<id>.price.max_multiple", NUM(R_GT1), .unit = "ratio", DEF("10"),
     .meaning = "cap on the scarcity multiple exp(pi)"},
    {"minerals.<id>.price.jumps", "mapping", NULL, "", NONE,
     .meaning = "price jumps (none: rate 0)"},
    {"minerals.<id>.price.jumps.rate_per_year", NUM(R_GE0), .unit = "jumps per year", REQ,
     .meaning = "jump rate"},
    {"minerals.<id>.price.jumps.mu", NUM(R_ANY), .unit = "ln ratio", DEF("0"),
     .meaning = "mean of the log jump size"},
    {"minerals.<id>.price.jumps.sigma", NUM(R_GE0), .unit = "ln ratio", DEF("0"),
     .meaning = "standard deviation of the log jump size"},
    /* policies */
    {"policies.diversification_cap", "number or mapping", NULL, "fraction of a stage", NONE,
     .num = &R_01_OPENLO,
     .meaning = "no country above this share of any stage; the excess pro rata to the others"},
    {"policies.diversification_cap.cap", NUM(R_01_OPENLO), .unit = "fraction of a stage", REQ,
     .meaning = "the cap, when the excess goes to a new source"},
    {"policies.diversification_cap.new_source", "mapping", NULL, "", NONE,
     .meaning = "the country that takes every capped stage's excess"},
    {"policies.diversification_cap.new_source.country", "country id", NULL, "", REQ,
     .range = "defined", .meaning = "the new source"},
    {"policies.diversification_cap.new_source.spare", NUM(R_GE0), .unit = "fraction of own output",
     DEF("0"), .meaning = "its spare capacity"},
    {"policies.diversification_cap.new_source.outage", "process", NULL, "", NONE,
     .meaning = "its own outage process"},
    {"policies.domestic_share", NUM(R_01), .unit = "fraction of demand", NONE,
     .meaning = "every mineral's domestic_share becomes at least this"},
    {"policies.recycled_share", NUM(R_01), .unit = "fraction of demand", NONE,
     .meaning = "every mineral's recycled_share becomes at least this"},
    {"policies.stockpile", "mapping", NULL, "", NONE,
     .meaning = "strategic stockpile of the listed minerals"},
    {"policies.stockpile.months", NUM(R_GE0), .unit = "months of demand", REQ,
     .meaning = "target and initial level"},
    {"policies.stockpile.minerals", "list of mineral ids", NULL, "", .def = "every mineral",
     .range = "non-empty, no repeats", .meaning = "the minerals stockpiled"},
    {"policies.stockpile.trigger", NUM(R_01_OPENHI), .unit = "fraction of demand",
     .def = "the mineral's, else 0", .meaning = "as `minerals.<id>.stockpile.trigger`"},
    {"policies.stockpile.max_release", NUM(R_01_OPENLO), .unit = "fraction of demand",
     .def = "the mineral's, else 1", .meaning = "as `minerals.<id>.stockpile.max_release`"},
    {"policies.stockpile.refill_rate", NUM(R_GE0), .unit = "months of demand per month",
     .def = "the mineral's, else 0.25", .meaning = "as `minerals.<id>.stockpile.refill_rate`"},
    {"policies.rationing", "word or mapping", NULL, "", NONE,
     .meaning = "replaces the top-level rationing"},
    {"policies.rationing.rule", NULL, RULES, "", REQ, .meaning = "as `rationing.rule`"},
    {"policies.rationing.other_uses_priority", INT(0, INT_MAX), .unit = "rank", DEF("1000"),
     .meaning = "as `rationing.other_uses_priority`"},
    /* sectors */
    {"sectors.<id>", "mapping", NULL, "", NONE, .meaning = "one sector"},
    {"sectors.<id>.name", "string", NULL, "", .def = "the id", .meaning = "display name"},
    {"sectors.<id>.output_gbp", NUM(R_GT0), .unit = "GBP per year", REQ,
     .meaning = "annual output value Y"},
    {"sectors.<id>.priority", INT(0, INT_MAX), .unit = "rank", DEF("100"),
     .meaning = "rationing priority, lower served first"},
    {"sectors.<id>.recovery_rate", NUM(R_01_OPENLO), .unit = "per step", DEF("1"),
     .meaning = "k: share of the gap to the new inoperability closed each step (MODEL 7)"},
    {"sectors.<id>.combine", NULL, COMBINE, "", DEF("limiting"),
     .meaning = "limiting: the worst mineral (Leontief); independent: independent failures"},
    {"sectors.<id>.needs", "list of needs", NULL, "", REQ, .range = "may be empty",
     .meaning = "the minerals it uses"},
    {"sectors.<id>.needs[].mineral", "mineral id", NULL, "", REQ, .range = "defined, once a sector",
     .meaning = "the mineral"},
    {"sectors.<id>.needs[].dependent_share", NUM(R_01), .unit = "fraction of output", REQ,
     .meaning = "a: share of output that needs the mineral"},
    {"sectors.<id>.needs[].substitutable", NUM(R_01), .unit = "fraction", DEF("0"),
     .meaning = "sigma: share substitutable at once"},
    {"sectors.<id>.needs[].demand_share", NUM(R_01), .unit = "fraction of demand", REQ,
     .meaning = "delta: the sector's share of national demand; sums to <= 1 over sectors"},
    {"sectors.<id>.needs[].spend_gbp", NUM(R_GE0), .unit = "GBP per year", DEF("0"),
     .meaning = "w: annual spend on the mineral (extra cost when prices rise)"},
    {"sectors.<id>.needs[].buffer_months", NUM(R_GE0), .unit = "months of need", DEF("0"),
     .meaning = "b: the sector's own inventory"},
    /* events */
    {"events.<id>", "mapping", NULL, "", NONE,
     .meaning = "one named shock of one country on several minerals"},
    {"events.<id>.name", "string", NULL, "", .def = "the id", .meaning = "display name"},
    {"events.<id>.country", "country id", NULL, "", REQ, .range = "defined",
     .meaning = "the country imposing it"},
    {"events.<id>.minerals", "list of mineral ids", NULL, "", REQ,
     .range = "non-empty, no repeats, each supplied by country", .meaning = "the minerals it hits"},
    {"events.<id>.stages", "list of words", STAGES, "", .def = "both",
     .range = "non-empty, no repeats", .meaning = "the stages it hits: mining, refining"},
    {"events.<id>.rate_per_year", NUM(R_GE0), .unit = "events per year",
     .def = "required; 0 with occurrences", .meaning = "rate of random occurrences"},
    {"events.<id>.severity", "severity", NULL, "fraction of supply", .def = "required if rate > 0",
     .meaning = "severity of random occurrences (see `<severity>`)"},
    {"events.<id>.duration_months", "duration", NULL, "months", .def = "required if rate > 0",
     .meaning = "duration of random occurrences (see `<duration>`)"},
    {"events.<id>.occurrences", "list of occurrences", NULL, "", NONE,
     .meaning = "occurrences that happen in every trial"},
    {"events.<id>.occurrences[].start_years", "number", NULL, "years", REQ,
     .range = "[0,horizon_years)", .meaning = "start, from the start of the horizon"},
    {"events.<id>.occurrences[].severity", NUM(R_01), .unit = "fraction of supply", REQ,
     .meaning = "fraction withheld"},
    {"events.<id>.occurrences[].duration_months", NUM(R_GT0), .unit = "months", REQ,
     .meaning = "duration"},
    /* matrices and sweep */
    {"interdependency.<sector>.<sector>", NUM(R_01), .unit = "fraction", DEF("0"),
     .meaning = "row i, column j: fraction of j's inoperability passed to i"},
    {"price_correlation.<mineral>.<mineral>", NUM(R_CORR), .unit = "correlation",
     .def = "1 on the diagonal, else 0",
     .meaning = "symmetric (a pair given once is mirrored); diagonal 1"},
    {"sweep.<key path>", "list of values", NULL, "", NONE, .range = "1 to 64 values",
     .meaning = "values of a key path (a.b[0].c); null removes the key"},
    /* shared forms */
    {"<process>", "mapping", NULL, "", NONE,
     .meaning = "a marked Poisson process of disruptions (MODEL 3)"},
    {"<process>.rate_per_year", NUM(R_GE0), .unit = "occurrences per year", REQ, .meaning = "rate"},
    {"<process>.severity", "severity", NULL, "fraction of supply", REQ,
     .meaning = "severity of each occurrence"},
    {"<process>.duration_months", "duration", NULL, "months", REQ,
     .meaning = "duration of each occurrence, cut at the horizon"},
    {"<severity>", "number or mapping", NULL, "fraction of supply", REQ, .num = &R_01,
     .meaning = "fixed fraction withheld, or a mapping with one of fixed, uniform, beta"},
    {"<severity>.fixed", NUM(R_01), .unit = "fraction of supply", .def = "one of three",
     .meaning = "fixed fraction"},
    {"<severity>.uniform", "list [a, b]", NULL, "fraction of supply", .def = "one of three",
     .range = "0 <= a <= b <= 1", .meaning = "uniform on [a, b]"},
    {"<severity>.beta", "list [a, b]", NULL, "", .def = "one of three", .range = "a > 0, b > 0",
     .meaning = "Beta(a, b) shape parameters"},
    {"<duration>", "number or mapping", NULL, "months", REQ, .num = &R_GT0,
     .meaning = "fixed months, or a mapping with one of fixed, exponential, lognormal"},
    {"<duration>.fixed", NUM(R_GT0), .unit = "months", .def = "one of three",
     .meaning = "fixed duration"},
    {"<duration>.exponential", NUM(R_GT0), .unit = "months", .def = "one of three",
     .meaning = "exponential with this mean"},
    {"<duration>.lognormal", "mapping", NULL, "", .def = "one of three",
     .meaning = "lognormal duration"},
    {"<duration>.lognormal.median", NUM(R_GT0), .unit = "months", REQ, .meaning = "median"},
    {"<duration>.lognormal.sigma", NUM(R_GE0), .unit = "ln months", REQ,
     .meaning = "standard deviation of ln months"},
};

#undef NUM
#undef INT
#undef DEF
#undef REQ
#undef NONE

#define NSCHEMA (sizeof SCHEMA / sizeof *SCHEMA)

/* The walker's key tables and where they apply. */
static const struct {
    const char *prefix;
    const char *const *keys;
} SCHEMA_TABLES[] = {
    {"", K_TOP},
    {"simulation", K_SIM},
    {"defaults", K_DEFAULTS},
    {"defaults.wgi_rate", K_WGI},
    {"rationing", K_RATION},
    {"output", K_OUTPUT},
    {"countries.<id>", K_COUNTRY},
    {"minerals.<id>", K_MINERAL},
    {"minerals.<id>.mining[]", K_SUPPLIER},
    {"minerals.<id>.refining[]", K_SUPPLIER},
    {"minerals.<id>.stockpile", K_STOCK},
    {"minerals.<id>.price", K_PRICE},
    {"minerals.<id>.price.jumps", K_JUMPS},
    {"policies", K_POLICIES},
    {"policies.diversification_cap", K_CAP},
    {"policies.diversification_cap.new_source", K_NEWSRC},
    {"policies.stockpile", K_POLSTOCK},
    {"policies.rationing", K_RATION},
    {"sectors.<id>", K_SECTOR},
    {"sectors.<id>.needs[]", K_NEED},
    {"events.<id>", K_EVENT},
    {"events.<id>.occurrences[]", K_OCC},
    {"<process>", K_PROC},
    {"<severity>", K_SEV},
    {"<duration>", K_DUR},
    {"<duration>.lognormal", K_LOGN},
};

/* Parents whose children are ids or free keys, not a key table. */
static const char *const SCHEMA_OPEN[] = {"countries",
                                          "minerals",
                                          "sectors",
                                          "events",
                                          "interdependency",
                                          "interdependency.<sector>",
                                          "price_correlation",
                                          "price_correlation.<mineral>",
                                          "sweep",
                                          NULL};

static mr_schema_key schema_out[NSCHEMA];
static char schema_type[NSCHEMA][96];
static char schema_range[NSCHEMA][64];

static void schema_build(void)
{
    if (schema_out[0].path)
        return;
    for (size_t i = 0; i < NSCHEMA; i++) {
        const SchemaKey *k = &SCHEMA[i];
        char *t = schema_type[i], *r = schema_range[i];
        if (k->words) {
            size_t len = 0, n = 0;
            while (k->words[n])
                n++;
            if (k->type)
                len += (size_t)snprintf(t, sizeof schema_type[i], "%s: ", k->type);
            for (size_t w = 0; w < n && len < sizeof schema_type[i]; w++)
                len += (size_t)snprintf(t + len, sizeof schema_type[i] - len, "%s`%s`",
                                        w == 0       ? ""
                                        : w == n - 1 ? " or "
                                                     : ", ",
                                        k->words[w]);
        } else {
            snprintf(t, sizeof schema_type[i], "%s", k->type);
        }
        if (k->num && k->num == &R_ANY)
            snprintf(r, sizeof schema_range[i], "any");
        else if (k->num && isfinite(k->num->lo) && isfinite(k->num->hi))
            snprintf(r, sizeof schema_range[i], "%c%g,%g%c", k->num->lo_open ? '(' : '[',
                     k->num->lo, k->num->hi, k->num->hi_open ? ')' : ']');
        else if (k->num)
            snprintf(r, sizeof schema_range[i], "%s %g", k->num->lo_open ? ">" : ">=", k->num->lo);
        else if (k->is_int && k->ihi == (uint64_t)INT_MAX) /* "any int", as int_node says */
            snprintf(r, sizeof schema_range[i], ">= %" PRIu64, k->ilo);
        else if (k->is_int)
            snprintf(r, sizeof schema_range[i], "[%" PRIu64 ",%" PRIu64 "]", k->ilo, k->ihi);
        else
            snprintf(r, sizeof schema_range[i], "%s", k->range ? k->range : "");
        schema_out[i] = (mr_schema_key){
            k->path, t, k->unit ? k->unit : "", k->def ? k->def : "", k->def_value, r, k->meaning};
    }
}

const mr_schema_key *mr_scenario_schema(size_t *n)
{
    schema_build();
    *n = NSCHEMA;
    return schema_out;
}

static int schema_find(const char *path)
{
    for (size_t i = 0; i < NSCHEMA; i++)
        if (!strcmp(SCHEMA[i].path, path))
            return (int)i;
    return -1;
}

int mr_scenario_schema_check(char *msg, size_t n)
{
    const size_t ntab = sizeof SCHEMA_TABLES / sizeof *SCHEMA_TABLES;
    int bad = 0;
    msg[0] = '\0';
#define PROBLEM(...)                                                                               \
    do {                                                                                           \
        if (!bad++)                                                                                \
            snprintf(msg, n, __VA_ARGS__);                                                         \
    } while (0)
    /* every key of every table is in the schema */
    for (size_t t = 0; t < ntab; t++) {
        const char *pre = SCHEMA_TABLES[t].prefix;
        if (*pre && schema_find(pre) < 0 && pre[strlen(pre) - 1] != ']')
            PROBLEM("key table %s: no schema entry for the mapping itself", pre);
        for (const char *const *k = SCHEMA_TABLES[t].keys; *k; k++) {
            char path[KP_MAX];
            snprintf(path, sizeof path, "%s%s%s", pre, *pre ? "." : "", *k);
            if (schema_find(path) < 0)
                PROBLEM("%s: in the loader's key table but not in the schema", path);
        }
    }
    /* every schema entry is a key of its parent's table (or of an id map) */
    for (size_t i = 0; i < NSCHEMA; i++) {
        const char *path = SCHEMA[i].path;
        const char *dot = strrchr(path, '.');
        char parent[KP_MAX];
        const char *last = dot ? dot + 1 : path;
        snprintf(parent, sizeof parent, "%.*s", dot ? (int)(dot - path) : 0, path);
        if (!dot && path[0] == '<')
            continue; /* a shared form itself */
        if (schema_find(path) != (int)i)
            PROBLEM("%s: given twice in the schema", path);
        bool open = false, found = false, intable = false;
        for (int o = 0; SCHEMA_OPEN[o]; o++)
            open |= !strcmp(SCHEMA_OPEN[o], parent);
        for (size_t t = 0; t < ntab; t++) {
            if (strcmp(SCHEMA_TABLES[t].prefix, parent))
                continue;
            found = true;
            for (const char *const *k = SCHEMA_TABLES[t].keys; *k; k++)
                intable |= !strcmp(*k, last);
        }
        if (open && last[0] != '<')
            PROBLEM("%s: children of %s are ids, written <...>", path, parent);
        if (!open && !found)
            PROBLEM("%s: %s has no key table in the loader", path, parent[0] ? parent : "(root)");
        if (found && !intable)
            PROBLEM("%s: not in the loader's key table of %s", path, parent[0] ? parent : "(root)");
        if (strchr(SCHEMA[i].meaning, '|') || strchr(SCHEMA[i].unit ? SCHEMA[i].unit : "", '|'))
            PROBLEM("%s: '|' would break the Markdown table", path);
    }
#undef PROBLEM
    return bad;
}

void mr_scenario_schema_print(FILE *out)
{
    size_t n;
    const mr_schema_key *k = mr_scenario_schema(&n);
    fputs("| key | type | unit | default | range | meaning |\n", out);
    fputs("|---|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "| `%s` | %s | %s | %s | %s | %s |\n", k[i].path, k[i].type, k[i].unit,
                k[i].def, k[i].range, k[i].meaning);
}
