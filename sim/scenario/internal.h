/* internal.h - the scenario loader's own declarations, shared by the files
 * of sim/scenario/ and by nothing else (the library's API is loader.h).
 *
 * One parse: loader.c composes the text (extends.c reads and merges an
 * `extends` chain; sweep_block.c sets a sweep variant's values), then walks
 * the node graph section by section (walk_*.c, matrices.c) with the YAML
 * toolkit of yaml.c. Every mapping's allowed keys, and every default a
 * walker fills in, come from the schema (schema.c), the one key table.
 * Functions shared between the files are sc_-prefixed.
 */
#ifndef MR_SCENARIO_INTERNAL_H
#define MR_SCENARIO_INTERNAL_H

#include "models/units.h"
#include "sim/scenario/loader.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#define KP_MAX 512                   /* key paths longer than this are cut in messages */
#define MAXKEYS 20                   /* most keys any schema mapping allows */
#define SUM_TOL 1e-9                 /* tolerance of "sums to 1" and "sums to <= 1" checks */
#define SHOW_MAX 40                  /* characters of a user's text echoed in a message */
#define SHOW_BUF (4 * SHOW_MAX + 16) /* a shown text: escapes take 4 bytes */
#define CHAIN_MAX 16                 /* most files in an extends chain */
#define SC_DROPPED_MAX 64            /* mappings with a key left out remembered */

/* The loader's limits (docs/SCENARIO_FORMAT.md, "Limits"): what a scenario
   may hold, so that no input makes the loader or a trial slow or large
   beyond what a real study needs. */
#define SC_FILE_MAX                                                                                \
    MR_SCENARIO_FILE_MAX        /* bytes of a file, and of a whole extends chain (its bundle) */
#define SC_DEPTH_MAX 64         /* levels of nesting of mappings and lists */
#define SC_NODES_MAX 2500000    /* YAML nodes of a file (about 160 bytes each) */
#define SC_ANCHORS_MAX 1000     /* anchors (&a) of a file */
#define SC_ALIASES_MAX 10000    /* aliases (*a) of a file */
#define SC_IDS_MAX 1000         /* countries, minerals, sectors, events: each */
#define SC_ID_LEN_MAX 64        /* characters of an id */
#define SC_OCCURRENCES_MAX 1000 /* certain occurrences of an event */
#define SC_SWEEP_PARAMS_MAX 64  /* key paths of a sweep */
#define SC_PATH_POINTS_MAX 1000 /* points of a time path */
#define SC_YEAR_MIN 1900        /* calendar years: start_year, time paths */
#define SC_YEAR_MAX 2200
#define SC_EXPECTED_MAX                                                                            \
    1e5 /* expected random occurrences (disruptions                                                \
           and price jumps) per trial */

/* One file of an `extends` chain: [0] is the scenario given, [k+1] the
   file [k] extends. */
typedef struct {
    char *path; /* as named in messages: the given path, or the parent's
                   path joined to its child's directory and normalised */
    char *text; /* the file's bytes (owned) */
    size_t len;
    yaml_document_t doc;
    bool has_doc;
    const yaml_node_t *extends; /* value of the top-level `extends`, or NULL */
    mr_file_id id;              /* device and inode, when read from disk */
    bool has_id;
} Src;

/* Ids by name: an open-addressing hash table over an array of ids (not
   owned), so that references and duplicates cost O(1) each, not O(n). */
typedef struct {
    const char *const *ids;
    int n;
    int *slot;  /* cap entries: an index into ids + 1, 0 = empty */
    size_t cap; /* a power of 2, at least 2n */
} IdHash;

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
    const double *values; /* a row of an uncertainty study: each uncertain key's
                             number (NaN: as written); NULL: the base */
    const int *marks;     /* [2 nvalues] line and column a bad value is reported at */
    int nvalues;
    mr_scenario *sc;
    mr_error *err;
    /* ids in index order, pointers into sc (not owned), for references,
       and their hash tables */
    const char **cid;
    const char **mid;
    const char **sid;
    IdHash hcid, hmid, hsid;
    /* the last YAML syntax error (libyaml's problem: never the file's
       text), for a parent that is not YAML (extends.c); and where the
       prescan stood when libyaml stopped (yaml.c syntax_place): kp the
       node the error is in, after the key or item read last before it
       ("" when none); used for a scanner's or parser's error only (a
       composer's, an undefined alias, the prescan does not meet; a
       reader's is met ahead of the parser) */
    struct {
        unsigned long line, col;
        char problem[128];
        char kp[KP_MAX], after[KP_MAX];
    } syntax;
    /* random occurrences (MODEL 3, 5): their expected number per trial,
       and the rate that contributes the most, where a refusal points */
    double expected;
    double top_rate;
    const yaml_node_t *top_node;
    char top_kp[KP_MAX];
    /* per mineral (walk_uk.c): its uk_sourcing node, for the checks made
       once the policies are read; NULL where none is given */
    const yaml_node_t **uk_at;
    /* per mineral (walk_domestic.c): its own domestic_outage and
       recycled_refined_abroad nodes, checked once the policies are read;
       NULL where none is given */
    const yaml_node_t **dom_at, **rra_at;
    /* the policies' domestic_share.outage and recycled_share.refined_abroad
       nodes, checked to apply to some mineral; NULL where not given */
    const yaml_node_t *pol_dom_at, *pol_rra_at;
    /* per country (walk_supply.c): its regime node, checked once the
       events are read; NULL where none is given */
    const yaml_node_t **regime_at;
    /* every error (mr_scenario_load_all): collect keeps the walk going
       where that is safe (sc_recover); errs holds what was reported, in
       the order found, nerrs of them; fatal (out of memory, too many
       errors) stops it */
    bool collect;
    bool fatal;
    /* out of memory (sc_oom): the failure is not the scenario's, and the
       loader returns MR_FAILED, not MR_BAD_INPUT */
    bool oom;
    int nerrs;
    struct sc_err *errs;
    /* mappings with an unknown or repeated key left out (collecting): a
       later error at such a mapping (a required key missing, "give one
       of") is taken for a consequence and not reported */
    const yaml_node_t *dropped[SC_DROPPED_MAX];
    int ndropped;
} P;

/* One collected error: where (the file's index in the chain, line,
   column) for the file order, and the order found for ties. */
struct sc_err {
    int file;
    unsigned long line, col;
    int seq;
    char msg[MR_ERRMSG_MAX];
};
#define SC_ERRORS_MAX 1000 /* errors collected before the walk stops */

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
/* physical ranges (docs/SCENARIO_FORMAT.md, "Ranges") */
#define SC_GBP_MAX 1e15    /* GBP: a thousand times the UK's GDP */
#define SC_MONTHS_MAX 1200 /* months: a hundred years */
static const Range R_GBP_GT0 = {0, SC_GBP_MAX, true, false};
static const Range R_GBP_GE0 = {0, SC_GBP_MAX, false, false};
static const Range R_MONTHS = {0, SC_MONTHS_MAX, false, false};
static const Range R_MONTHS_GT0 = {0, SC_MONTHS_MAX, true, false};
static const Range R_AMOUNT = {0, 1e15, true, false};   /* demand_t: units a year */
static const Range R_PRICE = {0, 1e12, true, false};    /* GBP per unit */
static const Range R_PER_YEAR = {0, 100, false, false}; /* theta: 1/year */
static const Range R_VOL = {0, 10, false, false};       /* sigmas: ln units */
static const Range R_LNJUMP = {-10, 10, false, false};  /* jump mu: ln ratio */
static const Range R_ELAST = {0, 100, true, false};     /* elasticity */
static const Range R_MULTIPLE = {1, 1e6, true, false};  /* max_multiple */
static const Range R_SPARE = {0, 100, false, false};    /* spare: own outputs */
static const Range R_REFILL = {0, 1000, false, false};  /* months per month */
static const Range R_FACTOR = {0, 1000, true, false};   /* wgi factor_per_unit */
static const Range R_RESPONSE = {0, 100, false, false}; /* market stock_price_response */
/* a country's regime (docs/MODEL.md 3r): tense_multiplier; mean periods,
   months (a thousand years; at least a step, checked by the walker) */
static const Range R_REGIME_MULT = {1, 1000, false, false};
static const Range R_REGIME_MONTHS = {0, 12000, true, false};
/* Beta shapes: below 1e-3 the gamma variates of a Beta draw underflow
   (1e-320 gave NaN severities and zero losses, silently) */
static const Range R_PREMIUM = {0, 10, false, false}; /* offtake premium: of the price */
static const Range R_BETA = {1e-3, 1e6, false, false};

/* A schema mapping: the keys the schema gives it and, for each key given,
   the key and value node. */
typedef struct {
    const yaml_node_t *node;
    const char *keys[MAXKEYS + 1]; /* in schema order, NULL-terminated */
    int sk[MAXKEYS];               /* each key's index in the schema */
    const yaml_node_t *key[MAXKEYS];
    const yaml_node_t *val[MAXKEYS];
    char kp[KP_MAX];
} Map;

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

/* ---- schema.c: the key table ---- */

/* Word lists of the enum keys (their order is the enum's). */
extern const char *const sc_rules[];         /* mr_rationing_rule */
extern const char *const sc_output_trials[]; /* mr_output_trials */
extern const char *const sc_bools[];
extern const char *const sc_stages[];  /* MR_STAGE_* */
extern const char *const sc_combine[]; /* mr_combine */
extern const char *const sc_scopes[];  /* mr_event_scope */
extern const char *const sc_focus[];   /* importance.focus: horizon, year */
extern const char *const sc_cap_on[];  /* diversification_cap.on: uk_sourcing, world */

/* The children of schema mapping `parent` ("" the top level), in schema
   order: their last path components into keys (NULL-terminated) and their
   schema indices into sk. Returns their number, or -1 if more than MAXKEYS. */
int sc_schema_keys(const char *parent, const char *keys[MAXKEYS + 1], int sk[MAXKEYS]);
/* Schema entry i's default when it is a value the loader fills in, else NULL. */
const char *sc_schema_default(int i);
/* The default value of the key at schema path `path`, as a number or as
   the index of its word in names; NAN or -1 if it has no value. */
double sc_schema_num(const char *path);
int sc_schema_word(const char *path, const char *const *names);
/* Whether the value at concrete key path `path` ("minerals.gallium.price.ref")
   is a number (1) or not (0, its schema type in *type), or -1 when the path
   is not in the schema (the walk then reports it). */
int sc_schema_numeric(const char *path, const char **type);

/* ---- yaml.c: errors, node access, key paths, scalars, ids, syntax ---- */

void sc_one_line(char *s);
/* A user's text for a message: control characters escaped (\n, \t,
   \xNN), cut after SHOW_MAX characters ("..."); len bytes of s. buf holds
   SHOW_BUF bytes. */
const char *sc_show(const char *s, size_t len, char *buf, size_t sz);
/* The shortest decimal that reads back as x (%.15g to %.17g), so that a
   message shows 0.6, not 0.59999999999999998, and two different numbers
   never print alike. buf: at least 32 bytes. */
const char *sc_shortest(double x, char *buf, size_t sz);
/* A path for a message: escaped as sc_show, but cut only after
   SHOW_PATH_MAX characters (a path is the user's own name, not content). */
#define SHOW_PATH_MAX 1024
const char *sc_show_path(const char *path, char *buf, size_t sz);
const char *sc_file_of(const P *p, const yaml_node_t *n);
int sc_fail(P *p, const yaml_node_t *n, const char *kp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int sc_oom(P *p);
/* After a walker's failure: true when collecting every error and it is
   safe to go on (not out of memory, fewer than SC_ERRORS_MAX errors); the
   caller then skips what failed and walks on. */
bool sc_recover(const P *p);
/* Collecting: mapping `map` had a key left out (see P.dropped). */
void sc_dropped(P *p, const yaml_node_t *map);

const char *sc_sval(const yaml_node_t *n);
int sc_npairs(const yaml_node_t *n);
yaml_node_t *sc_pair_key(P *p, const yaml_node_t *n, int i);
yaml_node_t *sc_pair_val(P *p, const yaml_node_t *n, int i);
int sc_nitems(const yaml_node_t *n);
yaml_node_t *sc_item_at(P *p, const yaml_node_t *n, int i);
bool sc_is_null(const yaml_node_t *n);
const char *sc_describe(const yaml_node_t *n, char *buf, size_t sz);

void sc_kp_key(char *out, const char *parent, const char *key);
void sc_kp_idx(char *out, const char *parent, int i);

bool sc_parse_double(const char *s, double *out);
bool sc_parse_int(const char *s, bool *neg, uint64_t *mag, bool *ovf);
/* An integer written with a leading zero (010, -0_7, 00): refused as a number
   anywhere, since YAML 1.1 readers (PyYAML) take it as octal. */
bool sc_octal_looking(const char *s);
int sc_num_node(P *p, const yaml_node_t *v, const char *kp, const Range *r, double *out);
int sc_int_node(P *p, const yaml_node_t *v, const char *kp, uint64_t lo, uint64_t hi,
                uint64_t *out);
int sc_str_node(P *p, const yaml_node_t *v, const char *kp, char **out);
/* " (did you mean 'x'?)", or with list_all the allowed keys, or "". */
const char *sc_hint(const char *s, const char *const *cands, int n, bool list_all, char *buf,
                    size_t sz);
int sc_enum_node(P *p, const yaml_node_t *v, const char *kp, const char *const *names, int *out);
int sc_ref_node(P *p, const yaml_node_t *v, const char *kp, const char *what, const IdHash *ids,
                int *out);

/* A mapping keyed by ids: known NULL, new ids (at most SC_IDS_MAX, valid,
   distinct, none given as null: a top-level collection, whose null entries
   the merge of an extends chain removed); else keys among the known ids,
   distinct. */
int sc_idmap_check(P *p, const yaml_node_t *v, const char *kp, const char *what,
                   const IdHash *known);
/* A rate (MODEL 3, 5) at node v: at most one occurrence a step on average
   (steps_per_year a year), added to the expected occurrences per trial. */
int sc_rate_check(P *p, const yaml_node_t *v, const char *kp, double rate);
void *sc_zalloc(P *p, size_t n, size_t size);
/* The document of the YAML text p is reading, or -1 with the syntax error. */
int sc_load_document(P *p, yaml_document_t *doc);

/* ---- idhash.c: ids by name ---- */

/* An empty table for the n ids (sc_idhash_put adds them). -1: no memory. */
int sc_idhash_init(IdHash *h, const char *const *ids, int n);
/* The index of s, or -1. */
int sc_idhash_find(const IdHash *h, const char *s);
/* Add ids[i] unless an equal id is there: -1 when added, else the index of
   the one there (-2: no room, which init's size rules out). */
int sc_idhash_put(IdHash *h, int i);
void sc_idhash_free(IdHash *h);

/* ---- mapping.c: mappings checked against the schema ---- */

/* Mappings: sc_map_open takes the allowed keys from the schema mapping
   `schema`. An absent optional key (req false) takes the schema's default
   in sc_get_num, sc_get_int, sc_get_str and sc_get_enum; the _or forms take
   the walker's `def` where the schema's default is not a value (a phrase
   such as "the id" or "target_months", or none). */
int sc_map_open(P *p, const yaml_node_t *v, const char *kp, const char *schema, Map *m);
int sc_mget(P *p, const Map *m, const char *key, bool req, const yaml_node_t **v, char *kp);
int sc_get_num(P *p, const Map *m, const char *key, bool req, const Range *r, double *out);
int sc_get_num_or(P *p, const Map *m, const char *key, double def, const Range *r, double *out);
int sc_get_int(P *p, const Map *m, const char *key, bool req, uint64_t lo, uint64_t hi,
               uint64_t *out);
int sc_get_str(P *p, const Map *m, const char *key, bool req, char **out);
/* s is empty or only spaces: ' ', tab, and the Unicode spaces U+00A0,
   U+1680, U+2000-200A, U+202F, U+205F, U+3000 (UTF-8: every space of
   Unicode's category Zs): a name that would show
   blank. */
bool sc_blank(const char *s);
int sc_get_str_or(P *p, const Map *m, const char *key, const char *def, char **out);
int sc_get_enum(P *p, const Map *m, const char *key, bool req, const char *const *names, int *out);

/* One entry of a mapping of country ids to numbers. */
typedef struct {
    int country;           /* index into the scenario's countries */
    double value;          /* in the caller's range */
    const yaml_node_t *at; /* its value's node, and its key path, for further checks */
    char kp[KP_MAX];
} sc_country_value;
/* The mapping {country id: number} at node v, path kp (ids defined and
   distinct; null entries count as not given): the entries in file order
   into *out (allocated; the caller frees it), their count and sum. Each
   value in r. 0, or -1 refused or out of memory (*out NULL). */
int sc_country_values(P *p, const yaml_node_t *v, const char *kp, const Range *r,
                      sc_country_value **out, int *n, double *sum);

/* ---- paths.c: time paths (docs/SCENARIO_FORMAT.md, "Time paths") ---- */

/* A key that takes a number or a time path: a number into *out (*path
   NULL); a path {year: value} into *path (owned by the caller, one
   allocation) and its value at the start of simulation.start_year into
   *out. Absent and optional: *out and *path as the caller set them (the
   caller's default), *path NULL. */
int sc_get_num_path(P *p, const Map *m, const char *key, bool req, const Range *r, double *out,
                    mr_path **path);
/* recycled_share + domestic_share <= 1 at every time (their paths, each
   floored at a policy's share where that is >= 0): refused at node x,
   key path kp, "minerals.<who>: " before the message when who is not "". */
int sc_shares_within_one(P *p, const yaml_node_t *x, const char *kp, const mr_mineral *mn,
                         const mr_policies *pol, const char *who);

/* ---- walk_forms.c: the shared forms (MODEL §3) ---- */

int sc_severity_node(P *p, const yaml_node_t *v, const char *kp, mr_severity *s);
int sc_duration_node(P *p, const yaml_node_t *v, const char *kp, mr_duration *du);
int sc_process_map(P *p, const Map *m, mr_process *pr);
/* Rates (MODEL 3, 5): a rate key of m read and bounded by the grid
   (sc_rate_check); the rate a refusal of the expected occurrences points
   at; that refusal, once the scenario is read. */
int sc_get_rate(P *p, const Map *m, const char *key, bool req, double *out);
void sc_rate_note(P *p, const yaml_node_t *v, const char *kp, double rate);
int sc_check_expected(P *p);
int sc_process_node(P *p, const yaml_node_t *v, const char *kp, mr_process *pr);
/* The process of mapping m (rate_per_year, severity, duration_months);
   with certain occurrences (certain), the rate is optional and severity
   and duration are required only when the rate is above 0. */
int sc_process_or_certain(P *p, const Map *m, bool certain, mr_process *pr);

/* ---- walk_events.c: certain occurrences (MODEL 3) ---- */

/* A list of certain occurrences at node v: at most SC_OCCURRENCES_MAX,
   allocated into *out (NULL when the list is empty), their count in *n. */
int sc_certain_list(P *p, const yaml_node_t *v, const char *kp, mr_certain_occurrence **out,
                    int *n);
/* Item i of that list (schema: the item's schema path): start_years in
   [0, horizon), severity, duration_months > 0 into o; its mapping left
   open in m for further keys. */
int sc_certain_item(P *p, const yaml_node_t *v, const char *kp, int i, const char *schema,
                    mr_certain_occurrence *o, Map *m);

/* ---- walk_domestic.c: domestic and recycled supply at risk (docs/MODEL.md
   §4, §10) ---- */

/* minerals.<id>.domestic_outage and recycled_refined_abroad of mineral i
   (mapping m of the mineral). */
int sc_walk_domestic_risk(P *p, const Map *m, int i);
/* policies.<key> (domestic_share or recycled_share): a number, a time path,
   or the mapping form {share, outage} (outage non-NULL) or {share,
   refined_abroad} (ra non-NULL). */
int sc_policy_share(P *p, const Map *m, const char *key, double *share, mr_path **path,
                    mr_disruption *outage, mr_refined_abroad *ra);
/* After the policies: a mineral's own keys checked against its supply, the
   policy's given to every mineral with that supply and without its own,
   and every country refining recycled material a supplier of the product
   stage (with a world share of 0 when it is not one). */
int sc_domestic_finish(P *p);

/* ---- the section walkers: each fills its part of p->sc ---- */

/* walk_settings.c; schema: "rationing" or "policies.rationing" */
int sc_walk_simulation(P *p, const yaml_node_t *v, const char *kp);
int sc_walk_defaults(P *p, const yaml_node_t *v, const char *kp);
int sc_walk_rationing(P *p, const yaml_node_t *v, const char *kp, const char *schema);
int sc_walk_output(P *p, const yaml_node_t *v, const char *kp);
/* walk_supply.c */
int sc_walk_countries(P *p, const yaml_node_t *v, const char *kp);
/* A regime on a country that imposes no event is refused (after events). */
int sc_regime_check(P *p);
int sc_walk_minerals(P *p, const yaml_node_t *v, const char *kp);
/* walk_uk.c (docs/MODEL.md §3u): a mineral's uk_sourcing; the open-market
   fallback of every mineral without one (again after a cap on the world);
   after the policies, the fallback and every UK source a supplier */
int sc_walk_uk_sourcing(P *p, const yaml_node_t *v, const char *kp, mr_mineral *mn);
/* Country c a supplier of mn's product stage: as it is, or added with a
   world share of 0 (no spare, no outage of its own), so that its outages
   and events reach what the UK buys or recycles through it. 0, or -1 out
   of memory. */
int sc_product_supplier(P *p, mr_mineral *mn, int c);
/* The open-market fallback of mineral mn at calendar time `year`, with its
   product stage's shares along their time paths, into *out (allocated; the
   caller frees out->suppliers). 0, or -1 out of memory. */
int sc_uk_fallback_at(P *p, const mr_mineral *mn, double year, mr_stage *out);
int sc_uk_fallback(P *p);
int sc_uk_sourcing_finish(P *p);
/* The same countries in the same order with the same shares, within 1e-12. */
bool sc_uk_same_shares(const mr_stage *a, const mr_stage *b);
/* walk_policies.c, walk_sectors.c, walk_events.c */
int sc_walk_policies(P *p, const yaml_node_t *v, const char *kp);
int sc_walk_sectors(P *p, const yaml_node_t *v, const char *kp);
int sc_walk_events(P *p, const yaml_node_t *v, const char *kp);
/* matrices.c */
int sc_walk_interdependency(P *p, const yaml_node_t *v, const char *kp);
int sc_walk_correlation(P *p, const yaml_node_t *v, const char *kp);

/* ---- warnings.c: a scenario that loads but may give no loss ---- */

/* Once the scenario is read (root: its document's root): sc->warnings. 0,
   or -1 out of memory. */
int sc_warnings(P *p, const yaml_node_t *root);

/* ---- importance_block.c ---- */

int sc_walk_importance(P *p, const yaml_node_t *v, const char *kp);

/* ---- sweep_block.c ---- */

int sc_walk_sweep(P *p, const yaml_node_t *v, const char *kp);
int sc_apply_sweep(P *p, int root);
/* sweep_block.c's toolkit, shared with uncertain_block.c: a key path's
   syntax (a.b[0].c); the pair index of a key in a mapping (-1: none); a
   node added to the document taking the marks and file of node `like`
   (returns id, 0 when id is 0 or out of memory); the node at the key path
   written at node keyid set to node valid (missing mappings made). */
bool sc_valid_key_path(const char *s);
/* The key path written at node k of mapping kp (its key path into ckp), or
   NULL with the error: not a scalar, or not a key path ("such as
   <examples>"). */
const char *sc_key_path_at(P *p, const yaml_node_t *k, const char *kp, char *ckp,
                           const char *examples);
int sc_find_key(yaml_document_t *d, int map, const char *name, size_t len);
int sc_added_node(P *p, int id, int like);
int sc_set_path(P *p, int root, int keyid, int valid);
/* uncertain_block.c: the `uncertain` block (after the sweep's: a key may
   not be both); a row's numbers set into the document before the walk. */
int sc_walk_uncertain(P *p, const yaml_node_t *v, const char *kp);
int sc_apply_uncertain(P *p, int root);

/* ---- extends.c: files, paths, bundles, the chain and its merge ---- */

/* A scenario file into *buf (NUL-terminated): only a regular file of at
   most SC_FILE_MAX bytes, opened without blocking (a FIFO), its identity
   into *id. Returns 0; an errno; or -1 with why (e.g. "not a regular file
   (a FIFO)"). */
int sc_read_file(const char *path, char **buf, size_t *len, mr_file_id *id, char *why,
                 size_t whysz);
bool sc_bundle_split(const char *text, size_t len, Section *sec, int *n);
int sc_make_source(P *p);
int sc_load_chain(P *p, const Section *bundle, int nbundle);
int sc_merge_chain(P *p, yaml_document_t *out, int *root);

#endif
