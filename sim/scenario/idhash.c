/* idhash.c - ids by name: an open-addressing hash table (linear probing,
 * FNV-1a) over an array of ids, so that checking n ids for duplicates and
 * resolving references costs O(n), not O(n^2) (40,000 ids took 21 s).
 */
#include "sim/scenario/internal.h"

#include <stdlib.h>
#include <string.h>

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)h;
}

int sc_idhash_init(IdHash *h, const char *const *ids, int n)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    memset(h, 0, sizeof *h);
    if (!(h->slot = calloc(cap, sizeof *h->slot)))
        return -1;
    h->ids = ids;
    h->n = n;
    h->cap = cap;
    return 0;
}

/* The slot of s: where it is, or the empty slot where it would go. */
static size_t probe(const IdHash *h, const char *s)
{
    size_t k = hash(s) & (h->cap - 1);
    while (h->slot[k] && strcmp(h->ids[h->slot[k] - 1], s) != 0)
        k = (k + 1) & (h->cap - 1);
    return k;
}

int sc_idhash_find(const IdHash *h, const char *s)
{
    if (!h->slot)
        return -1;
    size_t k = probe(h, s);
    return h->slot[k] ? h->slot[k] - 1 : -1;
}

int sc_idhash_put(IdHash *h, int i)
{
    if (!h->slot || i < 0 || i >= h->n)
        return -2;
    size_t k = probe(h, h->ids[i]);
    if (h->slot[k])
        return h->slot[k] - 1;
    h->slot[k] = i + 1;
    return -1;
}

void sc_idhash_free(IdHash *h)
{
    free(h->slot);
    memset(h, 0, sizeof *h);
}
