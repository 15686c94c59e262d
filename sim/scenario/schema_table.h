/* schema_table.h - the scenario key table of sim/scenario/schema.c, shared
 * with schema_json.c (the JSON Schema printed from it). Internal to
 * sim/scenario.
 */
#ifndef MR_SCENARIO_SCHEMA_TABLE_H
#define MR_SCENARIO_SCHEMA_TABLE_H

#include "sim/scenario/internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One key of the table (schema.c says how it is read). */
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

extern const SchemaKey sc_schema[]; /* every key a scenario may hold, in message order */
extern const size_t sc_nschema;

/* The entry of a table path ("minerals.<id>.demand_t"), or -1. */
int sc_schema_find(const char *path);

/* Whether path is a child of schema mapping `parent` ("" the top level,
   where the shared forms such as <process> are not); *last is then its key. */
bool sc_schema_child_of(const char *path, const char *parent, const char **last);

#endif
