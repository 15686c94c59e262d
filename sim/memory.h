/* memory.h - how much memory this process may still take (issue 11, case
 * 7): the up-front check of mr_engine_run compares a run's estimate with it
 * before the simulation, so that a run too large for its limit is refused
 * at once instead of failing after hours of work.
 */
#ifndef MR_MEMORY_H
#define MR_MEMORY_H

#include <stddef.h>
#include <stdint.h>

/* The tightest of the limits below that is set. */
typedef struct {
    uint64_t free_bytes;     /* what the process may still allocate; UINT64_MAX = no limit seen */
    uint64_t limit_bytes;    /* the limit itself */
    const char *source;      /* "ulimit -v", "ulimit -d", "cgroup memory.max", "MemAvailable",
                                "MINRISK_MEMORY_LIMIT"; NULL = no limit seen */
    int per_node;            /* 1: the limit is shared by the ranks on this node (cgroup,
                                MemAvailable); 0: it is this process's own */
    uint64_t resident_bytes; /* this process's resident size now (VmRSS; 0 if unknown):
                                what it holds already, beside the estimate of what
                                it will take */
} mr_memory_limit;

/* The memory this process may still take:
   - MINRISK_MEMORY_LIMIT (bytes, optional suffix K, M, G, T: powers of 1024), when set, is the
     limit of this process and replaces all the others (for clusters whose
     limit minrisk cannot see, and for tests: ulimit -v is unusable under
     AddressSanitizer); the process's resident size is already used;
   - else the lowest of RLIMIT_AS less the address space in use (VmSize),
     RLIMIT_DATA less the data segment (VmData), the cgroup v2 memory.max of
     the process less its memory.current, and MemAvailable of /proc/meminfo
     (beyond it the kernel swaps, or its OOM killer ends the run without a
     word: no checkpoint, no message).
   Returns 0, or -1 if MINRISK_MEMORY_LIMIT is not a number (then
   limit->source names it and nothing else is set). */
int mr_memory_limit_get(mr_memory_limit *limit);

#endif
