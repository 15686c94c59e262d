/* extends.c - `extends` chains (docs/SCENARIO_FORMAT.md): reading files,
 * their paths, the bundle a chain is saved as (sc->source_text), reading
 * the chain, and merging it into one document whose nodes keep their file.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "out/format.h"
#include "sim/scenario/internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ files, paths */

/* The n bytes of a regular file from fd into *buf (NUL-terminated; a file
   that shrank while read is taken as read). Returns 0 or an errno. */
static int read_fd(int fd, size_t n, char **buf, size_t *len)
{
    char *b = malloc(n + 1);
    size_t k = 0;
    if (!b)
        return ENOMEM;
    while (k < n) {
        ssize_t got = read(fd, b + k, n - k);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno ? errno : EIO;
            free(b);
            return e;
        }
        if (got == 0)
            break;
        k += (size_t)got;
    }
    b[k] = '\0';
    *buf = b;
    *len = k;
    return 0;
}

/* A scenario file is read only if it is a regular file of at most
   SC_FILE_MAX bytes: a FIFO would block the loader forever and a device
   (/dev/zero, /dev/urandom) would be read until memory runs out. The file
   is opened without blocking (opening a FIFO does not wait for a writer)
   and checked on the descriptor, so what is checked is what is read. */
int sc_read_file(const char *path, char **buf, size_t *len, mr_file_id *id, char *why, size_t whysz)
{
    struct stat st;
    *buf = NULL;
    *len = 0;
    if (!path[0]) {
        snprintf(why, whysz, "an empty path");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno ? errno : EIO;
    int e = fstat(fd, &st) ? (errno ? errno : EIO) : 0;
    /* HDF5's signature at the start (a result given for a scenario: until
       2026-12-07 "a.h5:1:1: syntax: invalid leading UTF-8 octet") */
    static const char hdf5[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    char sig[8];
    if (!e && !S_ISREG(st.st_mode)) {
        snprintf(why, whysz, "not a regular file (%s)", mr_file_kind(st.st_mode));
        e = -1;
    } else if (!e && pread(fd, sig, sizeof sig, 0) == (ssize_t)sizeof sig &&
               memcmp(sig, hdf5, sizeof sig) == 0) {
        snprintf(why, whysz,
                 "an HDF5 file (a minrisk result?), not a scenario: scenarios are YAML "
                 "(docs/SCENARIO_FORMAT.md); minrisk summary, export and report read results");
        e = -1;
    } else if (!e && (uintmax_t)st.st_size > SC_FILE_MAX) {
        snprintf(why, whysz, "%.1f MiB, above the limit of %zu MiB for a scenario file",
                 (double)st.st_size / (1 << 20), SC_FILE_MAX >> 20);
        e = -1;
    }
    if (!e) {
        id->dev = (uint64_t)st.st_dev;
        id->ino = (uint64_t)st.st_ino;
        e = read_fd(fd, (size_t)st.st_size, buf, len);
    }
    close(fd);
    return e;
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

/* ---------------------------------------------------------------- bundles */

/* Split text into its sections; false (and *n = 0) when it is not a
   well-formed bundle, i.e. an ordinary scenario file. */
bool sc_bundle_split(const char *text, size_t len, Section *sec, int *n)
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
int sc_make_source(P *p)
{
    mr_scenario *sc = p->sc;
    if (p->nsrc == 1) {
        if (!(sc->source_text = malloc(p->src[0].len + 1)))
            return sc_oom(p);
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
        return sc_oom(p);
    size_t n = 0;
    for (int k = 0; k < p->nsrc; k++) {
        const Src *s = &p->src[k];
        n += (size_t)snprintf(b + n, total - n, "%s%s (%zu bytes)\n", BUNDLE_HEAD, s->path, s->len);
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

/* ------------------------------------------------------------------ chain */

/* Compose src[k] and find its top-level `extends`. */
static int open_src(P *p, int k)
{
    Src *s = &p->src[k];
    p->file = s->path;
    p->text = s->text;
    p->len = s->len;
    if (sc_load_document(p, &s->doc))
        return -1;
    s->has_doc = true;
    p->doc = &s->doc;
    const yaml_node_t *root = yaml_document_get_root_node(&s->doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        return 0; /* the schema walk reports it */
    for (int i = 0; i < sc_npairs(root); i++) {
        const yaml_node_t *key = sc_pair_key(p, root, i), *v = sc_pair_val(p, root, i);
        char d[SHOW_BUF];
        if (key->type != YAML_SCALAR_NODE || strcmp(sc_sval(key), "extends") != 0 || sc_is_null(v))
            continue;
        if (s->extends) /* the schema walk reports the duplicate */
            continue;
        if (v->type != YAML_SCALAR_NODE || strlen(sc_sval(v)) != v->data.scalar.length)
            return sc_fail(p, v, "extends", "expected the path of a scenario file, got %s",
                           sc_describe(v, d, sizeof d));
        if (v->data.scalar.length == 0)
            return sc_fail(p, v, "extends", "an empty path");
        s->extends = v;
    }
    return 0;
}

/* A parent that is not YAML at all: refused at the `extends` that names
   it, with where and why libyaml stopped (its text is never printed). */
static int parent_not_yaml(P *p, int k)
{
    char d[4 * SHOW_PATH_MAX + 16];
    p->file = p->src[k - 1].path;
    p->doc = &p->src[k - 1].doc;
    return sc_fail(p, p->src[k - 1].extends, "extends",
                   "'%s': not a YAML scenario (line %lu, column %lu: %s)",
                   sc_show_path(p->src[k].path, d, sizeof d), p->syntax.line, p->syntax.col,
                   p->syntax.problem);
}

/* The bytes file s takes in the chain's bundle (sc_make_source). */
static size_t bundle_bytes(const Src *s)
{
    return strlen(BUNDLE_HEAD) + strlen(s->path) + 32 + s->len + 1;
}

/* A parent whose document is not a mapping, or a mapping with no key of a
   scenario, is not a scenario (a password file reads as one long string,
   or as a mapping "root:$6$...:::"): refused at the `extends` that names it,
   saying where it stops being one but echoing none of it. */
/* A mapping with keys, none of them a scenario's ("root:$6$...:::" is one). */
static bool no_scenario_key(P *p, const yaml_node_t *root)
{
    const char *keys[MAXKEYS + 1];
    int sk[MAXKEYS], nk = sc_schema_keys("", keys, sk);
    if (!root || root->type != YAML_MAPPING_NODE || !sc_npairs(root))
        return false; /* an empty mapping: a parent that sets nothing */
    for (int i = 0; i < sc_npairs(root); i++) {
        const yaml_node_t *key = sc_pair_key(p, root, i);
        for (int j = 0; key->type == YAML_SCALAR_NODE && j < nk; j++)
            if (!strcmp(sc_sval(key), keys[j]))
                return false;
    }
    return true;
}

static int parent_is_scenario(P *p, int k)
{
    const yaml_node_t *root = yaml_document_get_root_node(&p->src[k].doc), *at = root;
    char d[4 * SHOW_PATH_MAX + 16], what[SHOW_BUF + 64];
    if (k == 0 || !root)
        return 0;
    if (root->type == YAML_MAPPING_NODE) {
        if (!no_scenario_key(p, root))
            return 0;
        /* no token is shown: even 40 characters of a password line are
           too many (the salt and the start of its hash) */
        at = sc_pair_key(p, root, 0);
        snprintf(what, sizeof what, "none of its keys is a scenario's");
    } else {
        snprintf(what, sizeof what, "%s, not a mapping of keys",
                 root->type == YAML_SEQUENCE_NODE ? "a list" : "a text");
    }
    p->file = p->src[k - 1].path;
    p->doc = &p->src[k - 1].doc;
    return sc_fail(
        p, p->src[k - 1].extends, "extends", "'%s': not a YAML scenario (line %lu, column %lu: %s)",
        sc_show_path(p->src[k].path, d, sizeof d), (unsigned long)at->start_mark.line + 1,
        (unsigned long)at->start_mark.column + 1, what);
}

/* The text of parent s (src[k + 1], named at ext) from the bundle, or from
   disk; a chain larger than SC_FILE_MAX in all (total: the bytes before
   it) is refused, for its bundle is what /scenario/source keeps and what
   `validate` must read back. */
static int read_parent(P *p, Src *s, const yaml_node_t *ext, const Section *bundle, int nbundle,
                       size_t total)
{
    char why[160], d[4 * SHOW_PATH_MAX + 16];
    const char *shown = sc_show_path(s->path, d, sizeof d);
    if (bundle) {
        int b = -1;
        for (int i = 1; i < nbundle && b < 0; i++)
            if (bundle[i].pathlen == strlen(s->path) &&
                !memcmp(bundle[i].path, s->path, bundle[i].pathlen))
                b = i;
        if (b < 0)
            return sc_fail(p, ext, "extends", "cannot read '%s': not in the scenario bundle",
                           shown);
        if (!(s->text = malloc(bundle[b].len + 1)))
            return sc_oom(p);
        memcpy(s->text, bundle[b].text, bundle[b].len);
        s->text[bundle[b].len] = '\0';
        s->len = bundle[b].len;
    } else {
        int e = sc_read_file(s->path, &s->text, &s->len, &s->id, why, sizeof why);
        p->oom = p->oom || e == ENOMEM;
        if (e > 0)
            return sc_fail(p, ext, "extends", "cannot read '%s': %s", shown, strerror(e));
        if (e < 0)
            return sc_fail(p, ext, "extends", "'%s': %s", shown, why);
        s->has_id = true;
    }
    total += bundle_bytes(s);
    if (total > SC_FILE_MAX)
        return sc_fail(p, ext, "extends",
                       "'%s': the extends chain holds %.1f MiB, above the limit of %zu MiB for a "
                       "scenario and its parents",
                       shown, (double)total / (1 << 20), SC_FILE_MAX >> 20);
    return 0;
}

/* A cycle's message: "src[j] -> ... -> src[last] -> closes" and then note
   (or ""), into chain (cut at size). */
static void chain_text(const P *p, int j, int last, const char *closes, const char *note,
                       char *chain, size_t size)
{
    size_t n = 0;
    chain[0] = '\0';
    for (int q = j; q <= last && n < size; q++)
        n += (size_t)snprintf(chain + n, size - n, "%s -> ", p->src[q].path);
    if (n < size)
        snprintf(chain + n, size - n, "%s%s", closes, note);
}

/* Read the chain: src[0] is given; each `extends` adds its parent, from the
   bundle when there is one, else from disk. */
int sc_load_chain(P *p, const Section *bundle, int nbundle)
{
    size_t total = 0;
    for (int k = 0;; k++) {
        int before = p->nerrs;
        p->syntax.line = 0;
        if (open_src(p, k)) {
            if (k == 0 || !p->syntax.line)
                return -1;
            p->nerrs = before; /* the parent's syntax error: reported at its extends */
            return parent_not_yaml(p, k);
        }
        /* a file given to validate that is no scenario at all (a password
           file): its first error only, for every further one would quote
           another of its lines (tests/hardening/loader_no_echo.sh) */
        if (k == 0 && no_scenario_key(p, yaml_document_get_root_node(&p->src[0].doc)))
            p->collect = false;
        if (parent_is_scenario(p, k))
            return -1;
        total += bundle_bytes(&p->src[k]);
        const yaml_node_t *ext = p->src[k].extends;
        if (!ext)
            return 0;
        char *path = join_path(p->src[k].path, sc_sval(ext));
        if (!path)
            return sc_oom(p);
        /* a cycle: reported at the `extends` of the file it returns to */
        for (int j = 0; j <= k; j++) {
            char *nj = norm_path(p->src[j].path);
            if (!nj) {
                free(path);
                return sc_oom(p);
            }
            bool same = !strcmp(nj, path);
            free(nj);
            if (!same)
                continue;
            char chain[MR_ERRMSG_MAX];
            chain_text(p, j, k, p->src[j].path, "", chain, sizeof chain);
            free(path);
            p->file = p->src[j].path;
            return sc_fail(p, p->src[j].extends, "extends", "cycle: %s", chain);
        }
        if (k + 1 == CHAIN_MAX) {
            free(path);
            return sc_fail(p, ext, "extends", "more than %d files in the extends chain", CHAIN_MAX);
        }
        Src *s = &p->src[k + 1];
        s->path = path;
        p->nsrc = k + 2;
        if (read_parent(p, s, ext, bundle, nbundle, total))
            return -1;
        /* the same file by another name (a symbolic or hard link): a cycle
           the names above cannot show, reported where it closes */
        for (int j = 0; j <= k && s->has_id; j++) {
            if (!p->src[j].has_id || p->src[j].id.dev != s->id.dev || p->src[j].id.ino != s->id.ino)
                continue;
            char chain[MR_ERRMSG_MAX];
            char note[MR_ERRMSG_MAX];
            snprintf(note, sizeof note, " (the same file as %s)", p->src[j].path);
            chain_text(p, j, k, s->path, note, chain, sizeof chain);
            p->file = p->src[k].path;
            p->doc = &p->src[k].doc;
            return sc_fail(p, ext, "extends", "cycle: %s", chain);
        }
    }
}

/* ------------------------------------------------------------------ merge */

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

/* A time path {year: value} (docs/SCENARIO_FORMAT.md): a mapping whose
   keys are all plain integers. Ids start with a letter, so no mapping of
   ids is one. */
static bool is_path(const yaml_document_t *d, const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE || n->data.mapping.pairs.top == n->data.mapping.pairs.start)
        return false;
    for (const yaml_node_pair_t *q = n->data.mapping.pairs.start; q < n->data.mapping.pairs.top;
         q++) {
        const yaml_node_t *k = yaml_document_get_node((yaml_document_t *)d, q->key);
        bool neg, ovf;
        uint64_t mag;
        if (!k || k->type != YAML_SCALAR_NODE || k->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
            !sc_parse_int((const char *)k->data.scalar.value, &neg, &mag, &ovf))
            return false;
    }
    return true;
}

/* Keys whose mapping is a set of shares or weights that must sum to 1 (or
   to at most 1) (uk_sourcing.shares and before_policy,
   diversification_cap.offtake, market.domestic_use, a mineral's
   recycled_refined_abroad and the policy's refined_abroad): a child's
   replaces its parent's whole. */
static bool whole_map(const yaml_node_t *k)
{
    static const char *const keys[] = {"shares",       "before_policy",           "offtake",
                                       "domestic_use", "recycled_refined_abroad", "refined_abroad"};
    if (!k || k->type != YAML_SCALAR_NODE)
        return false;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp((const char *)k->data.scalar.value, keys[i]))
            return true;
    return false;
}

static bool key_is(const yaml_node_t *k, const char *word)
{
    return k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, word);
}

/* Where merge_node is: the distributions of an uncertain block are the
   values of uncertain.keys. */
enum { AT_OTHER, AT_UNCERTAIN, AT_UNCERTAIN_KEYS, AT_IDS };

/* The top-level mappings of ids, whose entries a child removes with null. */
static bool ids_key(const yaml_node_t *k)
{
    return key_is(k, "countries") || key_is(k, "minerals") || key_is(k, "sectors") ||
           key_is(k, "events");
}

/* A severity or a duration (docs/SCENARIO_FORMAT.md, Severity, Duration),
   or an uncertain key's distribution (at == AT_UNCERTAIN_KEYS), given in
   the child as a mapping with a key its parent's mapping lacks: another
   form (fixed, uniform, beta; fixed, exponential, lognormal; uniform,
   triangular, ...). It replaces the parent's whole, since the forms
   exclude each other: merged, {fixed: 0.4} over {uniform: [a, b]} would
   give both and be refused. The same form ({lognormal: {median: 9}} over
   a lognormal) merges key by key. */
static bool other_form(Merge *g, const yaml_node_t *ck, int at, int base, int cid)
{
    if (at != AT_UNCERTAIN_KEYS && !key_is(ck, "severity") && !key_is(ck, "duration_months"))
        return false;
    yaml_document_t *d = &g->p->src[g->k].doc;
    const yaml_node_t *b = yaml_document_get_node(g->out, base);
    const yaml_node_t *c = yaml_document_get_node(d, cid);
    if (!b || !c || b->type != YAML_MAPPING_NODE || c->type != YAML_MAPPING_NODE)
        return false;
    for (const yaml_node_pair_t *q = c->data.mapping.pairs.start; q < c->data.mapping.pairs.top;
         q++) {
        const yaml_node_t *k = yaml_document_get_node(d, q->key);
        bool found = false;
        for (const yaml_node_pair_t *r = b->data.mapping.pairs.start;
             r < b->data.mapping.pairs.top && !found; r++)
            found = same_key(yaml_document_get_node(g->out, r->key), k);
        if (!found)
            return true;
    }
    return false;
}

/* Node cid of file g->k laid over node base of the merged document:
   mappings merge key by key (the base's keys keep their order, new keys
   follow in the file's order; a merged mapping keeps the position of its
   first definition), anything else replaces the base whole, and so does a
   time path: a child's path is the whole path, not points added to its
   parent's. In a top-level mapping of ids (at == AT_IDS) a child's entry
   given as null removes the parent's entry of that id; one with no
   parent's entry stays, and the loader refuses it (sc_idmap_check) at that
   file's line: what a later file gives for the id (null again, or an entry
   anew) leaves it so, since the chain is in error from that file on. */
static int merge_node(Merge *g, int base, int cid, int depth, int at)
{
    yaml_document_t *d = &g->p->src[g->k].doc;
    const yaml_node_t *c = yaml_document_get_node(d, cid);
    const yaml_node_t *b = base ? yaml_document_get_node(g->out, base) : NULL;
    if (!b || b->type != YAML_MAPPING_NODE || c->type != YAML_MAPPING_NODE || depth > 64 ||
        is_path(d, c) || is_path(g->out, b))
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
        if (j >= 0 && at == AT_IDS && sc_is_null(yaml_document_get_node(g->out, pairs[j].value))) {
            over[j] = true; /* a null no older file could remove: it stays, refused there */
            continue;
        }
        if (j >= 0 && at == AT_IDS && sc_is_null(yaml_document_get_node(d, cp.value))) {
            memmove(pairs + j, pairs + j + 1, (size_t)(n - j - 1) * sizeof *pairs);
            memmove(over + j, over + j + 1, (size_t)(nb - j - 1) * sizeof *over);
            nb--, n--;
            continue;
        }
        int key = copy_node(g, cp.key);
        if (!key)
            break;
        if (j >= 0) {
            /* a map of shares that sum to 1 (or of weights) is replaced
               whole, as a path is: a child's shares are all the shares;
               so is a distribution of another form */
            int in = depth == 0 && key_is(ck, "uncertain")      ? AT_UNCERTAIN
                     : depth == 0 && ids_key(ck)                ? AT_IDS
                     : at == AT_UNCERTAIN && key_is(ck, "keys") ? AT_UNCERTAIN_KEYS
                                                                : AT_OTHER;
            int val = whole_map(ck) || other_form(g, ck, at, pairs[j].value, cp.value)
                          ? copy_node(g, cp.value)
                          : merge_node(g, pairs[j].value, cp.value, depth + 1, in);
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
int sc_merge_chain(P *p, yaml_document_t *out, int *root)
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
        *root = merge_node(&g, *root, 1, 0, AT_OTHER);
        free(g.memo);
        g.memo = NULL;
    }
    p->origin = g.origin;
    if (g.oom) {
        p->file = p->src[0].path;
        return sc_oom(p);
    }
    return 0;
}
