/* failmalloc.c - an LD_PRELOAD shim for mpi_failures.sh: on the rank
 * MR_FAILMALLOC_RANK (OMPI_COMM_WORLD_RANK, PMI_RANK or PMIX_RANK) every
 * malloc of exactly MR_FAILMALLOC_SIZE bytes returns NULL (ENOMEM), as
 * when one rank of a run is short of memory and the others are not; with
 * MR_FAILMALLOC_CALLOC set, every calloc of that many bytes in all (n x
 * size) too; with MR_FAILMALLOC_NTH = k, only the k-th such call fails
 * (an allocation made several times, as the model is built more than once).
 * Any other process, rank or size: glibc's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);

static size_t target(void)
{
    static volatile int known = 0;
    static volatile size_t size = 0; /* 0: never fail */
    if (!known) {
        const char *want = getenv("MR_FAILMALLOC_RANK"), *bytes = getenv("MR_FAILMALLOC_SIZE");
        const char *rank = getenv("OMPI_COMM_WORLD_RANK");
        if (!rank)
            rank = getenv("PMI_RANK");
        if (!rank)
            rank = getenv("PMIX_RANK");
        size = want && bytes && rank && strcmp(want, rank) == 0 ? strtoull(bytes, NULL, 10) : 0;
        known = 1;
    }
    return size;
}

/* This matching call is the one to fail: every one, or the k-th
   (MR_FAILMALLOC_NTH). */
static int nth(void)
{
    static volatile long k = -1, seen = 0;
    if (k < 0) {
        const char *e = getenv("MR_FAILMALLOC_NTH");
        k = e ? atol(e) : 0;
    }
    return k == 0 || ++seen == k;
}

void *malloc(size_t n)
{
    if (n != 0 && n == target() && nth()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    static volatile int known = 0, on = 0;
    if (!known) {
        on = getenv("MR_FAILMALLOC_CALLOC") != NULL;
        known = 1;
    }
    if (on && n != 0 && size != 0 && n <= (size_t)-1 / size && n * size == target() && nth()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(n, size);
}
