/* loader.h - reading a scenario file: YAML in, a validated mr_scenario out
 * (models/scenario.h), every bad input reported as one line
 * "file:line:col: key.path: message". The schema (every key a scenario may
 * hold, its type, unit, default and range) is the loader's own table.
 */
#ifndef MR_SCENARIO_LOADER_H
#define MR_SCENARIO_LOADER_H

#include "models/scenario.h"
#include "models/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Parse and validate a scenario from bytes. `path` names it in messages.
   Returns 0, or with err filled MR_BAD_INPUT ("path:line:col: key.path:
   message") or MR_FAILED (out of memory: "path: out of memory", the same
   for every function below). On failure *sc is left empty (nothing to free).
   `extends` (docs/SCENARIO_FORMAT.md): when text is a bundle as made by
   mr_scenario_load (sc->source_text of a chain: each file's bytes after a
   "# --- file: PATH (N bytes)" line), the parents come from the bundle and
   no file is read; otherwise parents are read from disk relative to path. */
int mr_scenario_parse(const char *path, const char *text, size_t len, mr_scenario *sc,
                      mr_error *err);

/* Parse variant `choice` of a sweep scenario: the text as for
   mr_scenario_parse, with sweep parameter i set to its value choice[i]
   (nchoice = the base's nsweep). A null value removes the key (the default
   applies). The variant has no sweep. Errors in a swept value are reported
   at the value in the sweep block. */
int mr_scenario_parse_variant(const char *path, const char *text, size_t len, const int *choice,
                              int nchoice, mr_scenario *sc, mr_error *err);

/* Parse one row of an uncertainty study (docs/STUDIES.md "Uncertainty"):
   the text as for mr_scenario_parse, with uncertain key i (i < nvalues, the
   base's nuncertain) set to the number values[i] (NaN: left as written), as
   a sweep sets a value. marks (NULL: none) gives for each key the line and
   column, from 1, where a bad value is reported (marks[2i], marks[2i+1];
   0: at the key path in the block). The row has no uncertain block. */
int mr_scenario_parse_values(const char *path, const char *text, size_t len, const double *values,
                             const int *marks, int nvalues, mr_scenario *sc, mr_error *err);

/* Read the file and parse it. Unreadable file: "path: cannot read: reason". */
int mr_scenario_load(const char *path, mr_scenario *sc, mr_error *err);

/* Every error of a scenario (`minrisk validate`): the walk goes on after
   an error where that is safe - every unknown or repeated key, each
   country, mineral, sector and event on its own, each top-level section
   whose inputs loaded - and stops what depends on a part that failed, so
   that no error reported is a consequence of another. */
typedef struct {
    mr_error *e; /* the first n errors in file order (the extends chain's
                    files in turn, then line and column) */
    int n;
    int more;    /* errors found beyond the n given */
    bool capped; /* the walk stopped after too many errors: more is a floor */
} mr_errors;

/* mr_scenario_load collecting every error: 0, or MR_BAD_INPUT with at
   most max (>= 1) errors in errs (free it with mr_errors_free), or
   MR_FAILED when out of memory (its line in errs, if that could be kept).
   A file with one error gives the line mr_scenario_load gives. */
int mr_scenario_load_all(const char *path, mr_scenario *sc, mr_errors *errs, int max);
void mr_errors_free(mr_errors *errs);

void mr_scenario_free(mr_scenario *sc);

/* ---- the schema: every key a scenario may hold (docs/SCENARIOS.md) ---- */

/* One key. Paths write ids as <id> (<sector>, <mineral> in the matrices),
   list items as [], and the shared forms as <process>, <severity>,
   <duration>. Every field is a non-NULL string ("" when empty). */
typedef struct {
    const char *path;  /* e.g. "minerals.<id>.refining[].share" */
    const char *type;  /* "number", "int", "string", "mapping", "`a` or `b`", ... */
    const char *unit;  /* e.g. "fraction of the stage", "months" */
    const char *def;   /* the default: a value, "required", "none" or a phrase */
    bool def_is_value; /* def is the value the loader fills in (e.g. "0.5") */
    const char *range; /* as the loader's messages write it: "[0,1]", "> 0", "(0,1]" */
    const char *meaning;
} mr_schema_key;

/* The keys, parents before children; *n their number. Static storage. */
const mr_schema_key *mr_scenario_schema(size_t *n);

/* Check the schema, which is the loader's key table: every path given once,
   every key's parent a mapping of the schema (or a mapping of ids, whose
   keys are written <...>), no mapping with more keys than the loader can
   hold, every default that is a value a valid value of its key.
   Returns the number of problems (0: none), the first described in msg. */
int mr_scenario_schema_check(char *msg, size_t n);

/* The unit the schema gives the value at concrete key path `path`
   ("policies.stockpile.months" -> "months of demand",
   "minerals.gallium.refining[0].spare" -> "fraction of own output"; a year
   of a time path, an item of a list of numbers or a severity written as a
   number: the unit of the key that holds it), as docs/SCENARIOS.md writes
   it; NULL when the path is not in the schema or the schema gives it no
   unit. Static storage. */
const char *mr_scenario_key_unit(const char *path);

/* The unit of key path `path` in scenario sc: mr_scenario_key_unit's, with
   its word "unit" (demand_t, world_demand_t: "unit per year"; price.ref:
   "GBP per unit"), which the schema cannot know, replaced by the mineral's
   own unit for a key under minerals.<id> ("kg per year"). *out: a string
   the caller frees, NULL where the schema gives no unit. 0, or -1 when out
   of memory. */
int mr_scenario_key_unit_in(const mr_scenario *sc, const char *path, char **out);

/* The schema as the Markdown table of docs/SCENARIOS.md. */
void mr_scenario_schema_print(FILE *out);

/* The schema as a JSON Schema (draft 7), one line, for editors and other
   validators (docs/SCENARIO_FORMAT.md, "JSON Schema"): keys, types, words,
   required keys, no other keys, id syntax and the ranges the table knows. */
void mr_scenario_json_schema_print(FILE *out);

/* The largest scenario file the loader reads, bytes (docs/SCENARIO_FORMAT.md,
   "Limits"; also the limit of a whole extends chain). */
#define MR_SCENARIO_FILE_MAX ((size_t)16 << 20)

/* An id of a country, mineral, sector or event: a letter, then letters,
   digits, _ and -, at most 64 characters (docs/SCENARIO_FORMAT.md). */
bool mr_scenario_valid_id(const char *s);

/* A sector id the output cannot tell from the sum over sectors: "total" in
   any case (the loss series of /attribution, /difference, the summary's
   and export's tables name that sum "total"). Refused by the loader at the
   key and by `minrisk init --sectors`. */
bool mr_scenario_reserved_sector_id(const char *s);

/* The did-you-mean rule of the loader's messages, shared with the command
   line's (sim/cmd/cli.c): the candidate closest to s within 2 edits (a swap
   of neighbours is one), fewer than the candidate has letters, a
   difference of case alone first; NULL if none. n < 0: cands ends with
   NULL. */
const char *mr_nearest(const char *s, const char *const *cands, int n);

/* The shortest decimal that reads back as x (%.15g to %.17g; the loader's
   messages print numbers so). buf: at least 32 bytes. */
const char *mr_shortest(double x, char *buf, size_t sz);

/* ---- importance sampling (docs/MODEL.md §12i; importance_block.c) ---- */

/* Whether a tilt's process pattern ('*': any characters) matches name. */
bool mr_importance_match(const char *pattern, const char *name);

/* NULL when pattern is well formed and matches some disruption process of
   sc with a rate; else why (the reason, in why's sz bytes). */
const char *mr_importance_check_pattern(const mr_scenario *sc, const char *pattern, char *why,
                                        size_t sz);

/* The tilted rates' load: -1 when every process's expected occurrences a
   trial under imp's rates (its last matching factor x its largest rate,
   the tense one under a regime, x the horizon) is at most 10^5; else the
   index of the offending rate in imp->rates, with why. */
int mr_importance_check_load(const mr_scenario *sc, const mr_importance *imp, char *why, size_t sz);

/* "var99.9", "es99.5_annual", "var99_total": imp's target. 0, or -1. */
int mr_importance_parse_target(const char *s, mr_importance *imp);

/* --importance SPEC: comma-separated items "auto", "PROCESS=FACTOR",
   "focus=year|horizon", "defensive=ALPHA"; each pattern checked against
   sc; the rates appended to imp. 1 when "auto" is one of the items (the
   caller then needs a target), else 0; -1 with why. */
int mr_importance_parse_spec(const mr_scenario *sc, const char *spec, mr_importance *imp, char *why,
                             size_t sz);

/* Append a rate (pattern copied): 0, or -1 when out of memory. */
int mr_importance_add_rate(mr_importance *imp, const char *pattern, double factor, int line,
                           int col);

void mr_importance_free(mr_importance *imp);

/* NULL when imp's focus, defensive share and target go together; else
   why: a year focus with a total-loss target, a defensive share without a
   year focus. */
const char *mr_importance_check_focus(const mr_importance *imp);

#endif
