/* memory.c - the memory this process may still take: resource limits,
 * cgroup v2, /proc/meminfo, or the MINRISK_MEMORY_LIMIT override
 * (docs/HPC.md "Memory"). Linux files; elsewhere they are absent and only
 * the resource limits count.
 */
#include "sim/memory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* A "Key:   123 kB" line of a /proc file, in bytes; 0 if absent. */
static uint64_t proc_kb(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[256];
    size_t n = strlen(key);
    unsigned long long kb = 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':') {
            kb = strtoull(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return (uint64_t)kb * 1024u;
}

/* A file holding one number ("max" = none): 0, or -1. */
static int read_u64_file(const char *path, uint64_t *v)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char buf[64] = "";
    int ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    if (!ok || !strncmp(buf, "max", 3))
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(buf, &end, 10);
    if (errno || end == buf)
        return -1;
    *v = x;
    return 0;
}

static void consider(mr_memory_limit *l, uint64_t limit, uint64_t used, const char *source,
                     int per_node)
{
    uint64_t free_bytes = limit > used ? limit - used : 0;
    if (free_bytes < l->free_bytes) {
        l->free_bytes = free_bytes;
        l->limit_bytes = limit;
        l->source = source;
        l->per_node = per_node;
    }
}

static void consider_rlimit(mr_memory_limit *l, int resource, const char *vm_key,
                            const char *source)
{
    struct rlimit r;
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
        consider(l, (uint64_t)r.rlim_cur, proc_kb("/proc/self/status", vm_key), source, 0);
}

/* memory.max of the process's cgroup (v2: the "0::/path" line of
   /proc/self/cgroup) and of every cgroup above it: the tightest counts. */
static void consider_cgroup(mr_memory_limit *l)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f)
        return;
    char line[4096], path[4200] = "";
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "0::", 3)) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(path, sizeof path, "/sys/fs/cgroup%s", line + 3);
            break;
        }
    fclose(f);
    for (size_t n = strlen(path); n > strlen("/sys/fs/cgroup"); n = strlen(path)) {
        char file[4300];
        uint64_t max, cur = 0;
        snprintf(file, sizeof file, "%s/memory.max", path);
        if (read_u64_file(file, &max) == 0) {
            snprintf(file, sizeof file, "%s/memory.current", path);
            read_u64_file(file, &cur);
            consider(l, max, cur, "cgroup memory.max", 1);
        }
        char *slash = strrchr(path, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
}

/* MINRISK_MEMORY_LIMIT: bytes with an optional K, M, G or T (powers of 1024):
   digits first (no sign or blank, which strtoull would take), no leading
   zero (0100M is refused, as 010 is in a scenario file and on the command
   line; 0 and 0K are numbers). */
static int parse_override(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
        return -1;
    unsigned long long x = strtoull(s, &end, 10);
    int shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    else if (*end == 'T' || *end == 't')
        shift = 40;
    if (shift)
        end++;
    if (errno || *end || x > (UINT64_MAX >> shift))
        return -1;
    *v = (uint64_t)x << shift;
    return 0;
}

int mr_memory_limit_get(mr_memory_limit *l)
{
    memset(l, 0, sizeof *l);
    l->free_bytes = UINT64_MAX;
    l->resident_bytes = proc_kb("/proc/self/status", "VmRSS");
    const char *o = getenv("MINRISK_MEMORY_LIMIT");
    if (o && *o) {
        uint64_t v;
        l->source = "MINRISK_MEMORY_LIMIT";
        if (parse_override(o, &v))
            return -1;
        l->free_bytes = UINT64_MAX;
        consider(l, v, l->resident_bytes, "MINRISK_MEMORY_LIMIT", 0);
        return 0;
    }
    consider_rlimit(l, RLIMIT_AS, "VmSize", "ulimit -v");
    consider_rlimit(l, RLIMIT_DATA, "VmData", "ulimit -d");
    consider_cgroup(l);
    uint64_t avail = proc_kb("/proc/meminfo", "MemAvailable");
    if (avail > 0)
        consider(l, avail, 0, "MemAvailable", 1);
    return 0;
}
