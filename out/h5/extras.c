/* extras.c - see extras.h. */
#include "out/h5/extras.h"

#include <stdlib.h>
#include <string.h>

int mr_extras_add(mr_extras *e, const mr_output_extra *x)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 16;
        mr_output_extra *nx = realloc(e->x, cap * sizeof *nx);
        if (!nx)
            return -1;
        e->x = nx;
        e->cap = cap;
    }
    e->x[e->n++] = *x;
    return 0;
}

void *mr_extras_keep(mr_extras *e, void *buf)
{
    if (!buf)
        return NULL;
    if (e->nowned == e->capowned) {
        size_t cap = e->capowned ? 2 * e->capowned : 16;
        void **no = realloc(e->owned, cap * sizeof *no);
        if (!no) {
            free(buf);
            return NULL;
        }
        e->owned = no;
        e->capowned = cap;
    }
    e->owned[e->nowned++] = buf;
    return buf;
}

char *mr_extras_strdup(mr_extras *e, const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return mr_extras_keep(e, c);
}

void mr_extras_free(mr_extras *e)
{
    for (size_t i = 0; i < e->nowned; i++)
        free(e->owned[i]);
    free(e->owned);
    free(e->x);
    memset(e, 0, sizeof *e);
}
