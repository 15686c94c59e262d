/* yaml.c - the scenario loader's YAML toolkit: errors ("file:line:col:
 * key.path: message"), node access, key paths, suggestions for misspelt
 * keys, scalars (numbers, integers, strings, words) within their ranges,
 * ids and references to them, and schema mappings whose allowed keys and
 * defaults are the schema's (schema.c).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "sim/scenario/internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- errors */

/* Messages must stay one line whatever the user wrote (a key may hold a
   newline through YAML escapes), so control characters become '?'. */
void sc_one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

/* The file node n was written in: with `extends`, nodes of the merged
   document keep the file they came from. */
const char *sc_file_of(const P *p, const yaml_node_t *n)
{
    if (n && p->origin && p->doc && n >= p->doc->nodes.start && n < p->doc->nodes.top)
        return p->src[p->origin[n - p->doc->nodes.start]].path;
    return p->file;
}

/* Report a problem at node n (NULL: the start of the file). kp "" is the
   document root. Always returns -1 so callers can `return sc_fail(...)`. */
int sc_fail(P *p, const yaml_node_t *n, const char *kp, const char *fmt, ...)
{
    unsigned long line = n ? (unsigned long)n->start_mark.line + 1 : 1;
    unsigned long col = n ? (unsigned long)n->start_mark.column + 1 : 1;
    int k = snprintf(p->err->msg, MR_ERRMSG_MAX, "%s:%lu:%lu: %s: ", sc_file_of(p, n), line, col,
                     *kp ? kp : "(root)");
    if (k >= 0 && k < MR_ERRMSG_MAX) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err->msg + k, (size_t)(MR_ERRMSG_MAX - k), fmt, ap);
        va_end(ap);
    }
    sc_one_line(p->err->msg);
    return -1;
}

int sc_oom(P *p)
{
    snprintf(p->err->msg, MR_ERRMSG_MAX, "%s: out of memory", p->file);
    sc_one_line(p->err->msg);
    return -1;
}

/* ------------------------------------------------------------ node access */

static yaml_node_t *node_at(P *p, int i)
{
    return yaml_document_get_node(p->doc, i);
}

const char *sc_sval(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

int sc_npairs(const yaml_node_t *n)
{
    return (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}
yaml_node_t *sc_pair_key(P *p, const yaml_node_t *n, int i)
{
    return node_at(p, n->data.mapping.pairs.start[i].key);
}
yaml_node_t *sc_pair_val(P *p, const yaml_node_t *n, int i)
{
    return node_at(p, n->data.mapping.pairs.start[i].value);
}
int sc_nitems(const yaml_node_t *n)
{
    return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}
yaml_node_t *sc_item_at(P *p, const yaml_node_t *n, int i)
{
    return node_at(p, n->data.sequence.items.start[i]);
}

/* YAML 1.1 null: an empty or ~/null plain scalar. Optional keys given as
   null count as not given (so a section can be emptied by commenting out
   its entries); required ones are reported as "got null". */
bool sc_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = sc_sval(n);
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
const char *sc_describe(const yaml_node_t *n, char *buf, size_t sz)
{
    char tmp[SHOW_MAX + 8];
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (sc_is_null(n))
        return "null";
    snprintf(buf, sz, "'%s'", show(sc_sval(n), tmp, sizeof tmp));
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

void sc_kp_key(char *out, const char *parent, const char *key)
{
    kp_join(out, parent, *parent ? "." : "", key);
}

void sc_kp_idx(char *out, const char *parent, int i)
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
const char *sc_hint(const char *s, const char *const *cands, int n, bool list_all, char *buf,
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
bool sc_parse_double(const char *s, double *out)
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
bool sc_parse_int(const char *s, bool *neg, uint64_t *mag, bool *ovf)
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
int sc_num_node(P *p, const yaml_node_t *v, const char *kp, const Range *r, double *out)
{
    char d[SHOW_MAX + 16], rt[64];
    if (v->type != YAML_SCALAR_NODE || sc_is_null(v))
        return sc_fail(p, v, kp, "expected a number, got %s", sc_describe(v, d, sizeof d));
    if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return sc_fail(p, v, kp, "expected a number, got the quoted string %s",
                       sc_describe(v, d, sizeof d));
    double x;
    if (!sc_parse_double(sc_sval(v), &x))
        return sc_fail(p, v, kp, "expected a number, got %s", sc_describe(v, d, sizeof d));
    if (!in_range(x, r))
        return sc_fail(p, v, kp, "%s, got %s", range_text(r, rt, sizeof rt),
                       show(sc_sval(v), d, sizeof d));
    *out = x;
    return 0;
}

/* An integer node within [lo, hi]. */
int sc_int_node(P *p, const yaml_node_t *v, const char *kp, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char d[SHOW_MAX + 16];
    bool neg, ovf;
    uint64_t mag;
    if (v->type == YAML_SCALAR_NODE && v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return sc_fail(p, v, kp, "expected an integer, got the quoted string %s",
                       sc_describe(v, d, sizeof d));
    if (v->type != YAML_SCALAR_NODE || sc_is_null(v) || !sc_parse_int(sc_sval(v), &neg, &mag, &ovf))
        return sc_fail(p, v, kp, "expected an integer, got %s", sc_describe(v, d, sizeof d));
    if ((neg && mag > 0) || ovf || mag < lo || mag > hi) {
        if (hi == (uint64_t)INT_MAX) /* "any int": the bound is not the user's concern */
            return sc_fail(p, v, kp, "must be an integer >= %" PRIu64 ", got %s", lo,
                           show(sc_sval(v), d, sizeof d));
        return sc_fail(p, v, kp, "must be an integer in [%" PRIu64 ",%" PRIu64 "], got %s", lo, hi,
                       show(sc_sval(v), d, sizeof d));
    }
    *out = mag;
    return 0;
}

/* A string node (any scalar style; a plain 2024 is the string "2024"). */
int sc_str_node(P *p, const yaml_node_t *v, const char *kp, char **out)
{
    char d[SHOW_MAX + 16];
    if (v->type != YAML_SCALAR_NODE)
        return sc_fail(p, v, kp, "expected a string, got %s", sc_describe(v, d, sizeof d));
    if (strlen(sc_sval(v)) != v->data.scalar.length)
        return sc_fail(p, v, kp, "must not contain NUL characters");
    char *s = strdup(sc_is_null(v) ? "" : sc_sval(v));
    if (!s)
        return sc_oom(p);
    free(*out);
    *out = s;
    return 0;
}

/* One of a fixed set of words. */
int sc_enum_node(P *p, const yaml_node_t *v, const char *kp, const char *const *names, int *out)
{
    char d[SHOW_MAX + 16], h[256], alts[256];
    size_t k = 0;
    int n = 0;
    while (names[n])
        n++;
    for (int i = 0; i < n && k < sizeof alts; i++)
        k += (size_t)snprintf(alts + k, sizeof alts - k, "%s'%s'",
                              i == 0 ? "" : (i == n - 1 ? " or " : ", "), names[i]);
    if (v->type == YAML_SCALAR_NODE && !sc_is_null(v)) {
        for (int i = 0; i < n; i++)
            if (!strcmp(sc_sval(v), names[i])) {
                *out = i;
                return 0;
            }
        return sc_fail(p, v, kp, "must be %s, got %s%s", alts, sc_describe(v, d, sizeof d),
                       sc_hint(sc_sval(v), names, n, false, h, sizeof h));
    }
    return sc_fail(p, v, kp, "must be %s, got %s", alts, sc_describe(v, d, sizeof d));
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

int sc_find_id(const char *const *ids, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(ids[i], s))
            return i;
    return -1;
}

/* A reference to an existing id (`what` = "country", "mineral", "sector"). */
int sc_ref_node(P *p, const yaml_node_t *v, const char *kp, const char *what, const char **ids,
                int n, int *out)
{
    char d[SHOW_MAX + 16], h[128];
    if (v->type != YAML_SCALAR_NODE || sc_is_null(v))
        return sc_fail(p, v, kp, "expected a %s id, got %s", what, sc_describe(v, d, sizeof d));
    int i = sc_find_id(ids, n, sc_sval(v));
    if (i < 0)
        return sc_fail(p, v, kp, "unknown %s %s%s", what, sc_describe(v, d, sizeof d),
                       sc_hint(sc_sval(v), ids, n, false, h, sizeof h));
    *out = i;
    return 0;
}

/* A mapping keyed by ids. ids == NULL: the keys define new ids (countries,
   minerals, ...), which must be valid; otherwise each key must be one of
   the n ids (interdependency, price_correlation rows and columns). */
int sc_idmap_check(P *p, const yaml_node_t *v, const char *kp, const char *what, const char **ids,
                   int n)
{
    char d[SHOW_MAX + 16], h[128], ckp[KP_MAX];
    if (v->type != YAML_MAPPING_NODE)
        return sc_fail(p, v, kp, "expected a mapping of %s ids, got %s", what,
                       sc_describe(v, d, sizeof d));
    for (int i = 0; i < sc_npairs(v); i++) {
        const yaml_node_t *k = sc_pair_key(p, v, i);
        if (k->type != YAML_SCALAR_NODE || sc_is_null(k))
            return sc_fail(p, k, kp, "expected a %s id, got %s", what, sc_describe(k, d, sizeof d));
        sc_kp_key(ckp, kp, sc_sval(k));
        if (!ids && !valid_id(sc_sval(k)))
            return sc_fail(p, k, ckp,
                           "invalid %s id %s: an id starts with a letter and has only letters, "
                           "digits, '_' and '-'",
                           what, sc_describe(k, d, sizeof d));
        if (ids && sc_find_id(ids, n, sc_sval(k)) < 0)
            return sc_fail(p, k, ckp, "unknown %s %s%s", what, sc_describe(k, d, sizeof d),
                           sc_hint(sc_sval(k), ids, n, false, h, sizeof h));
        for (int j = 0; j < i; j++) {
            const yaml_node_t *k0 = sc_pair_key(p, v, j);
            if (k0->type == YAML_SCALAR_NODE && !strcmp(sc_sval(k0), sc_sval(k)))
                return sc_fail(p, k, ckp, "duplicate key '%s' (first given at line %lu)",
                               sc_sval(k), (unsigned long)k0->start_mark.line + 1);
        }
    }
    return 0;
}

/* calloc that never returns NULL for n == 0 and reports failure. */
void *sc_zalloc(P *p, size_t n, size_t size)
{
    void *q = calloc(n ? n : 1, size);
    if (!q)
        sc_oom(p);
    return q;
}

static void syntax_error(P *p, const yaml_parser_t *ps)
{
    if (ps->error == YAML_MEMORY_ERROR) {
        sc_oom(p);
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
    sc_one_line(p->err->msg);
}

/* Compose the (single) document of p->text into doc. */
int sc_load_document(P *p, yaml_document_t *doc)
{
    yaml_parser_t ps;
    yaml_document_t extra;
    int rc = 0;
    if (!yaml_parser_initialize(&ps))
        return sc_oom(p);
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
            sc_fail(p, r, "(root)", "a scenario file holds one YAML document; found a second one");
            rc = -1;
        }
        yaml_document_delete(&extra);
    }
    if (rc)
        yaml_document_delete(doc);
    yaml_parser_delete(&ps);
    return rc;
}
/* ------------------------------------------------------------------- API */
