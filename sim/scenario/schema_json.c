/* schema_json.c - the JSON Schema (draft 7) of the scenario key table
 * (sim/scenario/schema.c), printed by `minrisk validate --json-schema`:
 * editors and CI check scenario files against it.
 */
#include "out/format.h"
#include "sim/scenario/internal.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/schema_table.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- the JSON Schema (draft 7) of the key table ---- */

/* The generator writes each key's schema inline (the shared forms too), so
   that a scenario that `extends` another - a partial override, whose
   required keys its parents hold - gets the same tree without `required`
   (the "partial" definition; the top level picks it when `extends` is
   given). Ranges are the walker's Range constants, ids the loader's rule;
   what needs the whole scenario (references defined, sums, a rate within
   the time grid, time paths needing start_year) is the loader's alone. */

#define ID_PATTERN "^[A-Za-z][A-Za-z0-9_-]{0,63}$"

typedef struct {
    FILE *out;
    bool strict; /* required keys required */
} JS;

/* A number's bounds from a Range, inside an open object ("type" written). */
static void js_range(FILE *out, const Range *r)
{
    if (!r)
        return;
    if (isfinite(r->lo))
        fprintf(out, ",\"%s\":%.17g", r->lo_open ? "exclusiveMinimum" : "minimum", r->lo);
    if (isfinite(r->hi))
        fprintf(out, ",\"%s\":%.17g", r->hi_open ? "exclusiveMaximum" : "maximum", r->hi);
}

static void js_number(FILE *out, const Range *r)
{
    fputs("{\"type\":\"number\"", out);
    js_range(out, r);
    fputc('}', out);
}

/* A number, or a time path {year: number} (SCENARIO_FORMAT.md, "Time paths"). */
static void js_number_or_path(FILE *out, const Range *r)
{
    fputs("{\"anyOf\":[", out);
    js_number(out, r);
    fputs(",{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":1000,"
          "\"propertyNames\":{\"pattern\":\"^[0-9]{4}$\"},\"additionalProperties\":",
          out);
    js_number(out, r);
    fputs("}]}", out);
}

static void js_ids(FILE *out)
{
    fputs("{\"type\":\"string\",\"pattern\":\"" ID_PATTERN "\"}", out);
}

static void js_key(JS *j, int i);

/* Whether schema path `path` has children. */
static bool js_has_children(const char *path)
{
    const char *last;
    for (size_t i = 0; i < sc_nschema; i++)
        if (sc_schema_child_of(sc_schema[i].path, path, &last))
            return true;
    return false;
}

/* The mapping at schema path `path` (its children): a mapping of ids
   when its one child is written <...>, else the keys given with their
   schemas, required ones required, nothing else allowed. */
static void js_mapping(JS *j, const char *path, int min, int max)
{
    FILE *out = j->out;
    const char *last;
    int idchild = -1, n = 0, one_of = 0;
    for (size_t i = 0; i < sc_nschema; i++)
        if (sc_schema_child_of(sc_schema[i].path, path, &last)) {
            if (last[0] == '<')
                idchild = (int)i;
            if (sc_schema[i].def && !strcmp(sc_schema[i].def, "one of three"))
                one_of++;
            n++;
        }
    fputs("{\"type\":\"object\"", out);
    if (min > 0)
        fprintf(out, ",\"minProperties\":%d", min);
    if (max > 0)
        fprintf(out, ",\"maxProperties\":%d", max);
    if (idchild >= 0) {
        /* ids, or key paths (a.b[0].c: checked by the loader) */
        const char *l = strrchr(sc_schema[idchild].path, '<');
        if (!strcmp(l, "<process name>")) /* importance.rates: names with '*' */
            fputs(",\"propertyNames\":{\"pattern\":\"^[A-Za-z0-9_./*-]+$\"}", out);
        else if (!strcmp(sc_schema[idchild].path, "sectors.<id>")) /* not "total" */
            fputs(",\"propertyNames\":{\"pattern\":\"" ID_PATTERN
                  "\",\"not\":{\"pattern\":\"^[Tt][Oo][Tt][Aa][Ll]$\"}}",
                  out);
        else if (strcmp(l, "<key path>"))
            fputs(",\"propertyNames\":{\"pattern\":\"" ID_PATTERN "\"}", out);
        fputs(",\"additionalProperties\":", out);
        js_key(j, idchild);
        fputc('}', out);
        return;
    }
    if (one_of) /* <severity>, <duration>: one of them */
        fputs(",\"minProperties\":1,\"maxProperties\":1", out);
    fputs(",\"additionalProperties\":false,\"properties\":{", out);
    int k = 0;
    for (size_t i = 0; i < sc_nschema; i++)
        if (sc_schema_child_of(sc_schema[i].path, path, &last)) {
            fputs(k++ ? "," : "", out);
            mr_json_string(out, last);
            fputc(':', out);
            js_key(j, (int)i);
        }
    fputc('}', out);
    if (j->strict) {
        k = 0;
        for (size_t i = 0; i < sc_nschema; i++)
            if (sc_schema_child_of(sc_schema[i].path, path, &last) && sc_schema[i].def &&
                !strcmp(sc_schema[i].def, "required")) {
                fputs(k++ ? "," : ",\"required\":[", out);
                mr_json_string(out, last);
            }
        if (k)
            fputc(']', out);
    }
    fputc('}', out);
}

/* A list whose items are the mappings at path[] (at most max, 0: any). */
static void js_list_of(JS *j, const char *path, int max)
{
    char item[160];
    snprintf(item, sizeof item, "%s[]", path);
    fputs("{\"type\":\"array\"", j->out);
    if (max > 0)
        fprintf(j->out, ",\"maxItems\":%d", max);
    fputs(",\"items\":", j->out);
    if (js_has_children(item))
        js_mapping(j, item, 0, 0);
    else
        fputs("{\"type\":\"object\"}", j->out);
    fputc('}', j->out);
}

/* The schema of words (an enum key): false/true are YAML's booleans. */
static void js_words(FILE *out, const char *const *w)
{
    if (w == sc_bools) {
        fputs("{\"type\":\"boolean\"}", out);
        return;
    }
    fputs("{\"enum\":[", out);
    for (int k = 0; w[k]; k++) {
        fputs(k ? "," : "", out);
        mr_json_string(out, w[k]);
    }
    fputs("]}", out);
}

/* The matrix at path: {id: {id: number}} (the range of path.<x>.<x>). */
static void js_matrix(JS *j, const char *path)
{
    const Range *r = NULL;
    size_t pl = strlen(path);
    for (size_t i = 0; i < sc_nschema; i++)
        if (!strncmp(sc_schema[i].path, path, pl) && sc_schema[i].path[pl] == '.')
            r = sc_schema[i].num;
    fputs(
        "{\"type\":\"object\",\"propertyNames\":{\"pattern\":\"" ID_PATTERN "\"},"
        "\"additionalProperties\":{\"type\":\"object\",\"propertyNames\":{\"pattern\":\"" ID_PATTERN
        "\"},\"additionalProperties\":",
        j->out);
    js_number(j->out, r);
    fputs("}}", j->out);
}

/* The value's schema, without its description. */
static void js_value(JS *j, int i)
{
    const SchemaKey *k = &sc_schema[i];
    FILE *out = j->out;
    const char *t = k->type ? k->type : "";
    const char *form = NULL; /* a shared form */
    if (!k->type && k->words)
        js_words(out, k->words);
    else if (!strcmp(t, "int")) {
        fprintf(out, "{\"type\":\"integer\",\"minimum\":%" PRIu64 ",\"maximum\":%" PRIu64 "}",
                k->ilo, k->ihi);
    } else if (!strcmp(t, "number"))
        js_number(out, k->num);
    else if (!strcmp(t, "number or path"))
        js_number_or_path(out, k->num);
    else if (!strcmp(t, "string") || !strcmp(t, "path"))
        fputs(k->range && !strcmp(k->range, "non-empty") ? "{\"type\":\"string\",\"minLength\":1}"
                                                         : "{\"type\":\"string\"}",
              out);
    else if (!strcmp(t, "country id") || !strcmp(t, "mineral id"))
        js_ids(out);
    else if (!strcmp(t, "mapping")) {
        int one = k->range && !strcmp(k->range, "exactly one key"); /* uncertain.keys.<key path> */
        js_mapping(j, k->path, one, one);
    } else if (!strcmp(t, "mapping of ids"))
        js_mapping(j, k->path, k->range && !strncmp(k->range, "1 to", 4) ? 1 : 0, SC_IDS_MAX);
    else if (!strcmp(t, "mapping of country ids"))
        js_mapping(j, k->path, 0, SC_IDS_MAX);
    else if (!strcmp(t, "mapping of key paths"))
        js_mapping(j, k->path, 1, SC_SWEEP_PARAMS_MAX);
    else if (!strcmp(t, "mapping of process names"))
        js_mapping(j, k->path, 1, 1000);
    else if (!strcmp(t, "matrix"))
        js_matrix(j, k->path);
    else if (!strcmp(t, "word or mapping")) { /* rationing: the rule's word, or the mapping */
        char rule[160];
        snprintf(rule, sizeof rule, "%s.rule", k->path);
        int r = sc_schema_find(rule);
        fputs("{\"anyOf\":[", out);
        if (r >= 0)
            js_words(out, sc_schema[r].words);
        else
            fputs("{\"type\":\"string\"}", out);
        fputc(',', out);
        js_mapping(j, k->path, 0, 0);
        fputs("]}", out);
    } else if (!strcmp(t, "number or mapping") || !strcmp(t, "number, path or mapping")) {
        fputs("{\"anyOf\":[", out);
        if (t[6] == ',')
            js_number_or_path(out, k->num);
        else
            js_number(out, k->num);
        fputc(',', out);
        js_mapping(j, k->path, 0, 0);
        fputs("]}", out);
    } else if (!strcmp(t, "list of suppliers") || !strcmp(t, "list of needs") ||
               !strcmp(t, "list of mappings"))
        js_list_of(j, k->path, 0);
    else if (!strcmp(t, "list of occurrences"))
        js_list_of(j, k->path, SC_OCCURRENCES_MAX);
    else if (!strncmp(t, "list of words", 13)) {
        fputs("{\"type\":\"array\",\"minItems\":1,\"uniqueItems\":true,\"items\":", out);
        js_words(out, k->words ? k->words : sc_stages);
        fputc('}', out);
    } else if (!strcmp(t, "list of mineral ids")) {
        fputs("{\"type\":\"array\",\"minItems\":1,\"uniqueItems\":true,\"items\":", out);
        js_ids(out);
        fputc('}', out);
    } else if (!strcmp(t, "list or mapping of mineral ids")) {
        fputs("{\"anyOf\":[{\"type\":\"array\",\"minItems\":1,\"uniqueItems\":true,\"items\":",
              out);
        js_ids(out);
        fputs("},", out);
        js_mapping(j, k->path, 1, SC_IDS_MAX);
        fputs("]}", out);
    } else if (!strcmp(t, "list [a, b]") || !strcmp(t, "list of 2 numbers") ||
               !strcmp(t, "list of 3 numbers")) {
        int n = t[8] == '3' ? 3 : 2;
        size_t pl = strlen(k->path);
        /* <severity>'s pairs: uniform within [0,1], beta's shapes R_BETA */
        const Range *r = k->num;
        if (!r && pl > 8 && !strcmp(k->path + pl - 8, ".uniform") && k->path[0] == '<')
            r = &R_01;
        else if (!r && pl > 5 && !strcmp(k->path + pl - 5, ".beta"))
            r = &R_BETA;
        fprintf(out, "{\"type\":\"array\",\"minItems\":%d,\"maxItems\":%d,\"items\":", n, n);
        js_number(out, r);
        fputc('}', out);
    } else if (!strcmp(t, "list of values"))
        fputs("{\"type\":\"array\",\"minItems\":1,\"maxItems\":64}", out);
    else if (!strcmp(t, "process"))
        form = "<process>";
    else if (!strcmp(t, "disruption"))
        form = "<disruption>";
    else if (!strcmp(t, "cost"))
        form = "<cost>";
    else if (!strcmp(t, "severity"))
        form = "<severity>";
    else if (!strcmp(t, "duration"))
        form = "<duration>";
    else
        fputs("{}", out); /* a type this generator does not know: anything */
    if (form) {
        int f = sc_schema_find(form);
        if (f >= 0 && sc_schema[f].type && strcmp(sc_schema[f].type, "mapping"))
            js_value(j, f); /* <severity>, <duration>: number or mapping */
        else
            js_mapping(j, form, 0, 0);
    }
}

/* An entry of a top-level mapping of ids (countries.<id>, ...): null
   removes a parent's entry of the id (extends), and is refused in a
   scenario without parents (sc_idmap_check). */
static bool js_top_id(const char *path)
{
    static const char *const ids[] = {"countries.<id>", "minerals.<id>", "sectors.<id>",
                                      "events.<id>"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        if (!strcmp(path, ids[i]))
            return true;
    return false;
}

/* Key i's schema: its value's, with the table's meaning and unit as the
   description; an optional key may be null (the default applies), and so
   may an id of a top-level mapping with extends (the partial tree). */
static void js_key(JS *j, int i)
{
    const SchemaKey *k = &sc_schema[i];
    FILE *out = j->out;
    bool optional = (!k->def || strcmp(k->def, "required")) && !(j->strict && js_top_id(k->path));
    fputs("{\"description\":", out);
    char d[1024];
    snprintf(d, sizeof d, "%s%s%s%s", k->meaning ? k->meaning : "", k->unit && *k->unit ? " (" : "",
             k->unit && *k->unit ? k->unit : "", k->unit && *k->unit ? ")" : "");
    mr_json_string(out, d);
    fputs(optional ? ",\"anyOf\":[{\"type\":\"null\"}," : ",\"allOf\":[", out);
    js_value(j, i);
    fputs("]}", out);
}

void mr_scenario_json_schema_print(FILE *out)
{
    JS j = {out, true};
    fputs("{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
          "\"$id\":\"https://minrisk.invalid/scenario.schema.json\","
          "\"title\":\"minrisk scenario\","
          "\"description\":\"A minrisk scenario (docs/SCENARIO_FORMAT.md), generated by "
          "'minrisk validate --json-schema' from the loader's key table. It checks keys, types, "
          "words, id syntax and ranges; references, sums and what needs the whole scenario are "
          "checked by 'minrisk validate'. A scenario with extends is checked without required "
          "keys (its parents hold them).\","
          "\"if\":{\"type\":\"object\",\"required\":[\"extends\"]},"
          "\"then\":{\"$ref\":\"#/definitions/partial\"},"
          "\"else\":{\"$ref\":\"#/definitions/scenario\"},"
          "\"definitions\":{\"scenario\":",
          out);
    js_mapping(&j, "", 0, 0);
    fputs(",\"partial\":", out);
    j.strict = false;
    js_mapping(&j, "", 0, 0);
    fputs("}}\n", out);
}
