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
#include <strings.h> /* strcasecmp */

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

/* Keep the message just written (p->err->msg) when collecting every error. */
static void collect(P *p, const char *file, unsigned long line, unsigned long col)
{
    if (p->fatal)
        return;
    if (p->nerrs >= SC_ERRORS_MAX) {
        p->fatal = true;
        return;
    }
    if (p->nerrs % 16 == 0) {
        struct sc_err *e = realloc(p->errs, (size_t)(p->nerrs + 16) * sizeof *e);
        if (!e) {
            p->fatal = true;
            return;
        }
        p->errs = e;
    }
    struct sc_err *e = &p->errs[p->nerrs];
    e->file = 0;
    for (int k = 0; k < p->nsrc; k++)
        if (file == p->src[k].path)
            e->file = k;
    e->line = line;
    e->col = col;
    e->seq = p->nerrs;
    memcpy(e->msg, p->err->msg, sizeof e->msg);
    p->nerrs++;
}

bool sc_recover(const P *p)
{
    return p->collect && !p->fatal && p->nerrs > 0;
}

void sc_dropped(P *p, const yaml_node_t *map)
{
    if (p->ndropped < SC_DROPPED_MAX)
        p->dropped[p->ndropped++] = map;
}

/* An error at a mapping whose key was left out: a consequence. */
static bool consequence(const P *p, const yaml_node_t *n)
{
    for (int k = 0; p->collect && n && k < p->ndropped; k++)
        if (p->dropped[k] == n)
            return true;
    return false;
}

static int vfail(P *p, const char *file, unsigned long line, unsigned long col, const char *kp,
                 const char *fmt, va_list ap)
{
    int k = snprintf(p->err->msg, MR_ERRMSG_MAX, "%s:%lu:%lu: %s: ", file, line, col,
                     *kp ? kp : "(root)");
    if (k >= 0 && k < MR_ERRMSG_MAX)
        vsnprintf(p->err->msg + k, (size_t)(MR_ERRMSG_MAX - k), fmt, ap);
    sc_one_line(p->err->msg);
    if (p->collect)
        collect(p, file, line, col);
    return -1;
}

/* Report a problem at node n (NULL: the start of the file). kp "" is the
   document root. Always returns -1 so callers can `return sc_fail(...)`. */
int sc_fail(P *p, const yaml_node_t *n, const char *kp, const char *fmt, ...)
{
    if (consequence(p, n))
        return -1; /* reported already: the walk stops here (nerrs > 0) */
    unsigned long line = n ? (unsigned long)n->start_mark.line + 1 : 1;
    unsigned long col = n ? (unsigned long)n->start_mark.column + 1 : 1;
    va_list ap;
    va_start(ap, fmt);
    vfail(p, sc_file_of(p, n), line, col, kp, fmt, ap);
    va_end(ap);
    return -1;
}

/* The same at a mark of the file p reads (the prescan's events). */
static int fail_at(P *p, yaml_mark_t m, const char *kp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(P *p, yaml_mark_t m, const char *kp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(p, p->file, (unsigned long)m.line + 1, (unsigned long)m.column + 1, kp, fmt, ap);
    va_end(ap);
    return -1;
}

int sc_oom(P *p)
{
    snprintf(p->err->msg, MR_ERRMSG_MAX, "%s: out of memory", p->file);
    sc_one_line(p->err->msg);
    p->fatal = true;
    p->oom = true;
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

/* s[0..len) with control characters escaped (\n, \t, \r, \xNN; a NUL is
   \x00) and cut after max characters (UTF-8 sequences kept whole), "..."
   marking the cut: what a message may echo of a user's text, so that it
   stays one line and never carries more of a file than the token at fault
   (a file that is not a scenario may hold secrets). */
static const char *escape(const char *s, size_t len, size_t max, char *buf, size_t sz)
{
    size_t k = 0, chars = 0, i = 0;
    for (; i < len && chars < max && k + 8 < sz; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80)
            chars++;
        if (c == '\n' || c == '\t' || c == '\r')
            k += (size_t)snprintf(buf + k, sz - k, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
        else if (c < 0x20 || c == 0x7f)
            k += (size_t)snprintf(buf + k, sz - k, "\\x%02x", c);
        else
            buf[k++] = (char)c;
    }
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80 && k + 8 < sz)
        buf[k++] = s[i++]; /* the rest of a cut UTF-8 sequence */
    if (i < len)
        k += (size_t)snprintf(buf + k, sz - k, "...");
    buf[k < sz ? k : sz - 1] = '\0';
    return buf;
}

const char *sc_shortest(double x, char *buf, size_t sz)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sz, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

const char *mr_shortest(double x, char *buf, size_t sz)
{
    return sc_shortest(x, buf, sz);
}

const char *sc_show(const char *s, size_t len, char *buf, size_t sz)
{
    return escape(s, len, SHOW_MAX, buf, sz);
}

const char *sc_show_path(const char *path, char *buf, size_t sz)
{
    return escape(path, strlen(path), SHOW_PATH_MAX, buf, sz);
}

static const char *show(const char *s, char *buf, size_t sz)
{
    return sc_show(s, strlen(s), buf, sz);
}

/* What a node is, for "expected X, got <describe>". */
const char *sc_describe(const yaml_node_t *n, char *buf, size_t sz)
{
    char tmp[SHOW_BUF];
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (sc_is_null(n))
        return "null";
    snprintf(buf, sz, "'%s'", sc_show(sc_sval(n), n->data.scalar.length, tmp, sizeof tmp));
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

static bool valid_id(const char *s);

/* A key as a part of a key path: an id whole, anything else as any text a
   message shows (sc_show). */
void sc_kp_key(char *out, const char *parent, const char *key)
{
    char k[SHOW_BUF];
    kp_join(out, parent, *parent ? "." : "",
            valid_id(key) ? key : escape(key, strlen(key), SHOW_MAX, k, sizeof k));
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
   n < 0: cands is NULL-terminated. (loader.h) */
const char *mr_nearest(const char *s, const char *const *cands, int n)
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
    const char *near = mr_nearest(s, cands, n);
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
   refused: every figure in a scenario must be a finite decimal. A decimal
   beyond the doubles (1e999) reads as +-infinity, which every range
   refuses with the range (in_range). */
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
    if (end == buf || *end || isnan(x))
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
    if (!isfinite(x))
        return false;
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

#define OCTAL_MESSAGE                                                                              \
    "expected %s, got %s: a leading zero is refused, since YAML 1.1 readers (PyYAML) take it "     \
    "as octal; write it without"

/* An integer written with a leading zero (010, -0_7): YAML 1.1 readers
   (PyYAML, so the user's own scripts) take it as octal, this loader would
   take it as decimal, so it is refused rather than read one way. */
bool sc_octal_looking(const char *s)
{
    size_t i = s[0] == '+' || s[0] == '-';
    if (s[i] != '0' || !s[i + 1])
        return false;
    for (i++; s[i]; i++)
        if (!isdigit((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

/* A number node within r. Quoted scalars are strings in YAML, so "0.5" in
   quotes is refused rather than silently converted. */
int sc_num_node(P *p, const yaml_node_t *v, const char *kp, const Range *r, double *out)
{
    char d[SHOW_BUF], rt[64];
    if (v->type == YAML_MAPPING_NODE) /* a time path where none is taken */
        return sc_fail(p, v, kp,
                       "expected a number, got a mapping (time paths {year: value} are taken only "
                       "by keys of type \"number or path\", docs/SCENARIOS.md)");
    if (v->type != YAML_SCALAR_NODE || sc_is_null(v))
        return sc_fail(p, v, kp, "expected a number, got %s", sc_describe(v, d, sizeof d));
    if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return sc_fail(p, v, kp, "expected a number, got the quoted string %s",
                       sc_describe(v, d, sizeof d));
    double x;
    if (sc_octal_looking(sc_sval(v)))
        return sc_fail(p, v, kp, OCTAL_MESSAGE, "a number", show(sc_sval(v), d, sizeof d));
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
    char d[SHOW_BUF];
    bool neg, ovf;
    uint64_t mag;
    if (v->type == YAML_SCALAR_NODE && v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return sc_fail(p, v, kp, "expected an integer, got the quoted string %s",
                       sc_describe(v, d, sizeof d));
    if (v->type == YAML_SCALAR_NODE && sc_octal_looking(sc_sval(v)))
        return sc_fail(p, v, kp, OCTAL_MESSAGE, "an integer", show(sc_sval(v), d, sizeof d));
    if (v->type != YAML_SCALAR_NODE || sc_is_null(v) || !sc_parse_int(sc_sval(v), &neg, &mag, &ovf))
        return sc_fail(p, v, kp, "expected an integer, got %s", sc_describe(v, d, sizeof d));
    if ((neg && mag > 0) || ovf || mag < lo || mag > hi) {
        /* "any int": the upper bound is not the user's concern, unless the
           value is above it */
        if (hi == (uint64_t)INT_MAX && !ovf && (neg || mag <= hi))
            return sc_fail(p, v, kp, "must be an integer >= %" PRIu64 ", got %s", lo,
                           show(sc_sval(v), d, sizeof d));
        return sc_fail(p, v, kp, "must be an integer in [%" PRIu64 ",%" PRIu64 "], got %s", lo, hi,
                       show(sc_sval(v), d, sizeof d));
    }
    *out = mag;
    return 0;
}

/* A string node (any scalar style; a plain 2024 is the string "2024"). */
/* The first terminal control in s: a C0 control (but a tab or a newline
   where white space is allowed, a description), DEL, a C1 control
   (U+0080-U+009F) or a bidirectional override (U+202A-U+202E,
   U+2066-U+2069), which printed raw would move the cursor, set a window
   title or reorder text. Its code point, or -1. */
static long control_char(const char *s, bool white_ok)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if ((*u < 0x20 && !(white_ok && (*u == '\n' || *u == '\t'))) || *u == 0x7f)
            return *u;
        if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
            return u[1];
        if (u[0] == 0xe2 && ((u[1] == 0x80 && u[2] >= 0xaa && u[2] <= 0xae) ||
                             (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9)))
            return 0x2000 + ((long)(u[1] & 0x3f) << 6) + (u[2] & 0x3f);
    }
    return -1;
}

int sc_str_node(P *p, const yaml_node_t *v, const char *kp, char **out)
{
    char d[SHOW_BUF];
    if (v->type != YAML_SCALAR_NODE)
        return sc_fail(p, v, kp, "expected a string, got %s", sc_describe(v, d, sizeof d));
    if (strlen(sc_sval(v)) != v->data.scalar.length)
        return sc_fail(p, v, kp, "must not contain NUL characters");
    size_t n = strlen(kp);
    long c = control_char(sc_sval(v), n >= 11 && !strcmp(kp + n - 11, "description"));
    if (c >= 0)
        return sc_fail(p, v, kp, "a control character (U+%04lX) is not allowed in a string", c);
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
    char d[SHOW_BUF], h[256], alts[256];
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
   digits, '_' and '-', starting with a letter, and to SC_ID_LEN_MAX
   characters. */
static bool valid_id(const char *s)
{
    if (!isalpha((unsigned char)s[0]) || strlen(s) > SC_ID_LEN_MAX)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return false;
    return true;
}

bool mr_scenario_valid_id(const char *s)
{
    return valid_id(s);
}

bool mr_scenario_reserved_sector_id(const char *s)
{
    return !strcasecmp(s, "total");
}

/* A reference to an existing id (`what` = "country", "mineral", "sector"). */
int sc_ref_node(P *p, const yaml_node_t *v, const char *kp, const char *what, const IdHash *ids,
                int *out)
{
    char d[SHOW_BUF], h[128];
    if (v->type != YAML_SCALAR_NODE || sc_is_null(v))
        return sc_fail(p, v, kp, "expected a %s id, got %s", what, sc_describe(v, d, sizeof d));
    int i = sc_idhash_find(ids, sc_sval(v));
    if (i < 0)
        return sc_fail(
            p, v, kp, "unknown %s %s%s", what, sc_describe(v, d, sizeof d),
            sc_hint(sc_sval(v), (const char *const *)ids->ids, ids->n, false, h, sizeof h));
    *out = i;
    return 0;
}

/* Key i of id mapping v: a known id, or a valid new one. */
static int id_key(P *p, const yaml_node_t *v, int i, const char *kp, const char *what,
                  const IdHash *known)
{
    char d[SHOW_BUF], h[128], ckp[KP_MAX];
    const yaml_node_t *k = sc_pair_key(p, v, i);
    if (k->type != YAML_SCALAR_NODE || sc_is_null(k))
        return sc_fail(p, k, kp, "expected a %s id, got %s", what, sc_describe(k, d, sizeof d));
    sc_kp_key(ckp, kp, sc_sval(k));
    if (!known && !valid_id(sc_sval(k)))
        return sc_fail(p, k, ckp,
                       "invalid %s id %s: an id starts with a letter and has only letters, "
                       "digits, '_' and '-' (at most %d characters)",
                       what, sc_describe(k, d, sizeof d), SC_ID_LEN_MAX);
    if (known && sc_idhash_find(known, sc_sval(k)) < 0)
        return sc_fail(
            p, k, ckp, "unknown %s %s%s", what, sc_describe(k, d, sizeof d),
            sc_hint(sc_sval(k), (const char *const *)known->ids, known->n, false, h, sizeof h));
    return 0;
}

/* A mapping keyed by ids. known == NULL: the keys define new ids
   (countries, minerals, ...), which must be valid and at most SC_IDS_MAX;
   otherwise each key must be a known id (interdependency, price_correlation
   rows and columns). Keys are distinct either way. */
int sc_idmap_check(P *p, const yaml_node_t *v, const char *kp, const char *what,
                   const IdHash *known)
{
    char d[SHOW_BUF], ckp[KP_MAX];
    if (v->type != YAML_MAPPING_NODE)
        return sc_fail(p, v, kp, "expected a mapping of %s ids, got %s", what,
                       sc_describe(v, d, sizeof d));
    int n = sc_npairs(v);
    if (!known && n > SC_IDS_MAX)
        return sc_fail(p, v, kp, "%d %s ids, above the limit of %d", n, what, SC_IDS_MAX);
    const char **keys = sc_zalloc(p, (size_t)n, sizeof *keys);
    IdHash seen;
    if (!keys || sc_idhash_init(&seen, keys, n)) {
        free(keys);
        return keys ? sc_oom(p) : -1;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if ((rc = id_key(p, v, i, kp, what, known)))
            break;
        const yaml_node_t *k = sc_pair_key(p, v, i);
        keys[i] = sc_sval(k);
        if (!known && sc_is_null(sc_pair_val(p, v, i))) { /* extends.c merge_node */
            sc_kp_key(ckp, kp, keys[i]);
            rc = sc_fail(p, sc_pair_val(p, v, i), ckp,
                         p->nsrc > 1 ? "null removes a parent scenario's %s, and no parent has "
                                       "one of this id"
                                     : "expected a mapping, got null (null removes a parent "
                                       "scenario's %s, with extends)",
                         what);
            break;
        }
        int j = sc_idhash_put(&seen, i);
        if (j >= 0) {
            sc_kp_key(ckp, kp, keys[i]);
            rc = sc_fail(p, k, ckp, "duplicate key %s (first given at line %lu)",
                         sc_describe(k, d, sizeof d),
                         (unsigned long)sc_pair_key(p, v, j)->start_mark.line + 1);
        }
    }
    sc_idhash_free(&seen);
    free(keys);
    return rc;
}

/* calloc that never returns NULL for n == 0 and reports failure. */
void *sc_zalloc(P *p, size_t n, size_t size)
{
    void *q = calloc(n ? n : 1, size);
    if (!q)
        sc_oom(p);
    return q;
}

/* Whether the character at line, col (1-based, counted in characters as
   libyaml counts them) of p->text is a tab. */
static bool tab_at(const P *p, unsigned long line, unsigned long col)
{
    size_t i = 0;
    if (p->len >= 3 && !memcmp(p->text, "\xEF\xBB\xBF", 3))
        i = 3; /* a byte order mark is no column */
    for (unsigned long l = 1; l < line && i < p->len; i++)
        if (p->text[i] == '\n')
            l++;
    for (unsigned long c = 1; c < col && i < p->len; c++)
        while (++i < p->len && ((unsigned char)p->text[i] & 0xC0) == 0x80)
            ;
    return i < p->len && p->text[i] == '\t';
}

/* libyaml's problems that a line indented too much or too little causes. */
static bool indentation_problem(const char *problem)
{
    static const char *const known[] = {
        "did not find expected key", "mapping values are not allowed in this context",
        "did not find expected '-' indicator", "could not find expected ':'",
        "block sequence entries are not allowed in this context"};
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        if (!strcmp(problem, known[k]))
            return true;
    return false;
}

/* msg (MR_ERRMSG_MAX bytes) from fmt, cut where it is longer. */
static void msg_cut(char *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void msg_cut(char *msg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, MR_ERRMSG_MAX, fmt, ap);
    va_end(ap);
}

/* The message of libyaml's syntax error, with the key path the prescan
   found for it (p->syntax.kp, after). */
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
    const char *problem = ps->problem ? ps->problem : "invalid YAML";
    /* libyaml's message for a tab in the indentation names no tab; its
       messages for a line indented too much or too little name neither the
       indentation nor the key before, and may point at the line after the
       one at fault (a key dedented by two spaces ends its mapping, and the
       next line is then refused) */
    char hint[KP_MAX + 96] = "";
    /* the prescan's place is that of the first parse error; a composer's
       error (an undefined alias, an anchor given twice) may come before
       it, and a reader's (a byte that is not UTF-8) is met while libyaml
       decodes ahead of the parser (kilobytes ahead), so that the place is
       some key before the byte's: neither has a place of its own here */
    const bool placed = ps->error == YAML_SCANNER_ERROR || ps->error == YAML_PARSER_ERROR;
    const char *kp = placed ? p->syntax.kp : "", *after = placed ? p->syntax.after : "";
    if (ps->error != YAML_READER_ERROR && tab_at(p, line, col))
        snprintf(hint, sizeof hint, " (a tab: YAML indents with spaces only)");
    else if (ps->error != YAML_READER_ERROR && indentation_problem(problem))
        snprintf(hint, sizeof hint,
                 " (%s%s%scheck the indentation of this line and the lines before)",
                 *after ? "after " : "", after, *after ? ": " : "");
    /* a vsnprintf: a message cut at MR_ERRMSG_MAX (a key path and an
       after of KP_MAX each) is not a -Wformat-truncation error of the
       Debug build with MINRISK_WERROR (run-tests.sh) */
    msg_cut(p->err->msg, "%s:%lu:%lu: %s%ssyntax: %s%s", p->file, line, col, kp, *kp ? ": " : "",
            problem, hint);
    sc_one_line(p->err->msg);
    if (p->collect)
        collect(p, p->file, line, col);
    p->syntax.line = line;
    p->syntax.col = col;
    snprintf(p->syntax.problem, sizeof p->syntax.problem, "%s",
             ps->problem ? ps->problem : "invalid YAML");
}

/* ---------------------------------------------------------------- prescan */

/* libyaml composes any nesting, tag, NUL or count of nodes it is given.
   Before composing, one pass over the events refuses what a scenario never
   needs and what would make the loader slow or large: nesting deeper than
   SC_DEPTH_MAX (100,000 levels took 77 s), more than SC_NODES_MAX nodes,
   SC_ANCHORS_MAX anchors or SC_ALIASES_MAX aliases (libyaml looks an alias
   up among all anchors), any explicit tag (a value's type is its key's:
   `!!str 100` must not read as a number), and a NUL inside a scalar (a key
   "A\0U" would read as "A"). A syntax error is left to the composer, which
   reports it. Each open mapping or list keeps its key path, for messages. */
typedef struct {
    bool map, want_key; /* a mapping, whose next node is a key */
    int idx;            /* a list: the index of its next item */
    char kp[KP_MAX];    /* the path of this mapping or list */
    char vkp[KP_MAX];   /* a mapping: the path of the value of the last key */
} Frame;

typedef struct {
    P *p;
    Frame *f; /* SC_DEPTH_MAX + 1 frames */
    int depth;
    long nodes, anchors, aliases;
} Scan;

/* A tag for a message: the core schema's "tag:yaml.org,2002:x" as "!!x". */
static const char *tag_text(const yaml_char_t *tag, char *buf, size_t sz)
{
    const char *t = (const char *)tag, *core = "tag:yaml.org,2002:";
    char tmp[SHOW_BUF];
    bool is_core = !strncmp(t, core, strlen(core));
    if (is_core)
        t += strlen(core);
    snprintf(buf, sz, "%s%s", is_core ? "!!" : "", sc_show(t, strlen(t), tmp, sizeof tmp));
    return buf;
}

/* The key path of the node an event starts; a key is reported at its
   mapping. Moves the frame on to the next node. */
static const char *node_kp(Scan *s, bool *is_key)
{
    *is_key = false;
    if (s->depth == 0)
        return "";
    Frame *f = &s->f[s->depth - 1];
    if (!f->map) {
        sc_kp_idx(f->vkp, f->kp, f->idx++);
        return f->vkp;
    }
    *is_key = f->want_key;
    f->want_key = !f->want_key;
    return *is_key ? f->kp : f->vkp;
}

static int scan_node(Scan *s, const yaml_event_t *ev, const yaml_char_t *tag,
                     const yaml_char_t *anchor)
{
    P *p = s->p;
    bool is_key;
    const char *kp = node_kp(s, &is_key);
    char t[SHOW_BUF];
    if (++s->nodes > SC_NODES_MAX)
        return fail_at(p, ev->start_mark, kp, "more than %d YAML nodes in the file", SC_NODES_MAX);
    if (anchor && ++s->anchors > SC_ANCHORS_MAX)
        return fail_at(p, ev->start_mark, kp, "more than %d anchors in the file", SC_ANCHORS_MAX);
    if (tag)
        return fail_at(p, ev->start_mark, kp,
                       "YAML tags are not allowed, got '%s' (a value's type is its key's)",
                       tag_text(tag, t, sizeof t));
    if (ev->type == YAML_SCALAR_EVENT) {
        const char *v = (const char *)ev->data.scalar.value;
        if (strlen(v) != ev->data.scalar.length)
            return fail_at(p, ev->start_mark, kp, "a NUL character inside a string is not allowed");
        if (is_key)
            sc_kp_key(s->f[s->depth - 1].vkp, kp, v);
        /* YAML 1.1's merge key, which other readers (editors, PyYAML)
           expand: refused as what it is, not as an unknown key or id */
        if (is_key && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !strcmp(v, "<<"))
            return fail_at(p, ev->start_mark, s->f[s->depth - 1].vkp,
                           "YAML merge keys (<<) are not supported: write the keys out, or "
                           "start from another file with extends");
    } else if (is_key) {
        snprintf(s->f[s->depth - 1].vkp, KP_MAX, "%s", kp);
    }
    if (ev->type != YAML_SEQUENCE_START_EVENT && ev->type != YAML_MAPPING_START_EVENT)
        return 0;
    if (s->depth == SC_DEPTH_MAX)
        return fail_at(p, ev->start_mark, kp, "more than %d levels of nesting", SC_DEPTH_MAX);
    Frame *f = &s->f[s->depth++];
    f->map = ev->type == YAML_MAPPING_START_EVENT;
    f->want_key = true;
    f->idx = 0;
    snprintf(f->kp, KP_MAX, "%s", kp);
    f->vkp[0] = '\0';
    return 0;
}

/* Where libyaml stopped, for syntax_error: in the value of the key read
   last when it has none yet, else in the innermost open mapping or list,
   after its last key or item. */
static void syntax_place(Scan *s)
{
    P *p = s->p;
    p->syntax.kp[0] = p->syntax.after[0] = '\0';
    if (s->depth == 0)
        return;
    const Frame *f = &s->f[s->depth - 1];
    if (f->map && !f->want_key) {
        snprintf(p->syntax.kp, KP_MAX, "%s", f->vkp);
        return;
    }
    snprintf(p->syntax.kp, KP_MAX, "%s", f->kp);
    snprintf(p->syntax.after, KP_MAX, "%s", f->vkp);
}

/* One event: 1 at the end of the stream or at a syntax error (the composer
   reports it), -1 with the message. */
static int scan_event(Scan *s, yaml_parser_t *ps)
{
    yaml_event_t ev;
    bool is_key;
    if (!yaml_parser_parse(ps, &ev)) {
        syntax_place(s);
        return 1;
    }
    int rc = 0;
    switch (ev.type) {
    case YAML_SCALAR_EVENT:
        rc = scan_node(s, &ev, ev.data.scalar.tag, ev.data.scalar.anchor);
        break;
    case YAML_SEQUENCE_START_EVENT:
        rc = scan_node(s, &ev, ev.data.sequence_start.tag, ev.data.sequence_start.anchor);
        break;
    case YAML_MAPPING_START_EVENT:
        rc = scan_node(s, &ev, ev.data.mapping_start.tag, ev.data.mapping_start.anchor);
        break;
    case YAML_ALIAS_EVENT:
        if (++s->aliases > SC_ALIASES_MAX)
            rc = fail_at(s->p, ev.start_mark, node_kp(s, &is_key),
                         "more than %d aliases in the file", SC_ALIASES_MAX);
        else
            node_kp(s, &is_key);
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        s->depth--;
        break;
    case YAML_STREAM_END_EVENT:
        rc = 1;
        break;
    default:
        break;
    }
    yaml_event_delete(&ev);
    return rc;
}

static int prescan(P *p)
{
    yaml_parser_t ps;
    Scan s = {.p = p, .f = malloc((SC_DEPTH_MAX + 1) * sizeof(Frame))};
    if (!s.f || !yaml_parser_initialize(&ps)) {
        free(s.f);
        return sc_oom(p);
    }
    yaml_parser_set_input_string(&ps, (const unsigned char *)p->text, p->len);
    p->syntax.kp[0] = p->syntax.after[0] = '\0'; /* this text's, not an earlier file's */
    int rc;
    while ((rc = scan_event(&s, &ps)) == 0)
        ;
    yaml_parser_delete(&ps);
    free(s.f);
    return rc < 0 ? -1 : 0;
}

/* Compose the (single) document of p->text into doc. */
int sc_load_document(P *p, yaml_document_t *doc)
{
    yaml_parser_t ps;
    yaml_document_t extra;
    int rc = 0;
    if (prescan(p))
        return -1;
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
