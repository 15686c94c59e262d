/* extras.h - a growing list of further datasets for the result file
 * (mr_output_extra, writer.h) that owns the buffers they point to. */
#ifndef MR_EXTRAS_H
#define MR_EXTRAS_H

#include "out/h5/writer.h"

#include <stddef.h>

typedef struct {
    mr_output_extra *x;
    size_t n, cap;
    void **owned;
    size_t nowned, capowned;
} mr_extras;

/* Append a copy of *x (its data pointer is not copied: keep the buffer
   alive, e.g. with mr_extras_keep). 0, or -1 when out of memory. */
int mr_extras_add(mr_extras *e, const mr_output_extra *x);

/* Take ownership of buf (malloc'ed; freed by mr_extras_free). Returns buf,
   or NULL when out of memory (buf is then freed at once). */
void *mr_extras_keep(mr_extras *e, void *buf);

/* A copy of s owned by e (NULL when out of memory). */
char *mr_extras_strdup(mr_extras *e, const char *s);

void mr_extras_free(mr_extras *e);

/* Move every dataset of src to the end of dst, its path under prefix
   ("runs/a/" + "attribution/es99"), and the buffers src owns to dst; src
   is left empty. 0, or -1 when out of memory (src then still holds what
   was not moved; free both). */
int mr_extras_move(mr_extras *dst, mr_extras *src, const char *prefix);

#endif
