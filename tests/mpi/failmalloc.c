/* failmalloc.c - an LD_PRELOAD shim for mpi_failures.sh: on the rank
 * MR_FAILMALLOC_RANK (OMPI_COMM_WORLD_RANK, PMI_RANK or PMIX_RANK) every
 * malloc of exactly MR_FAILMALLOC_SIZE bytes returns NULL (ENOMEM), as
 * when one rank of a run is short of memory and the others are not. Any
 * other process, rank or size: glibc's malloc.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t n);

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

void *malloc(size_t n)
{
    if (n != 0 && n == target()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}
