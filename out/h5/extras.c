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

int mr_extras_move(mr_extras *dst, mr_extras *src, const char *prefix)
{
    size_t lp = strlen(prefix);
    while (src->nowned > 0) /* the buffers: dst frees them (or keep does, failing) */
        if (!mr_extras_keep(dst, src->owned[--src->nowned]))
            return -1;
    for (size_t i = 0; i < src->n; i++) {
        mr_output_extra x = src->x[i];
        size_t l = strlen(x.path);
        char *p = mr_extras_keep(dst, malloc(lp + l + 1));
        if (!p)
            return -1;
        memcpy(p, prefix, lp);
        memcpy(p + lp, x.path, l + 1);
        x.path = p;
        if (mr_extras_add(dst, &x))
            return -1;
    }
    free(src->x);
    free(src->owned);
    memset(src, 0, sizeof *src);
    return 0;
}
