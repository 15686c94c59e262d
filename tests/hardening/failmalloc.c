/* failmalloc.c - an LD_PRELOAD library for the out-of-memory tests
 * (loader_out_of_memory.sh): the FAILMALLOC_AT-th allocation that minrisk's
 * own code makes (malloc, calloc, realloc, strdup, strndup called from the
 * executable, not from a library it uses) returns NULL, once; every other
 * allocation succeeds. FAILMALLOC_AT=0 fails none and, with
 * FAILMALLOC_COUNT_FILE set, writes there how many there were, so that a
 * test can try each in turn. Only in a process whose executable is named
 * minrisk: the helper processes an MPI build starts (a singleton's orted)
 * inherit LD_PRELOAD, and must neither fail nor write the count file, which
 * they did after the test had removed it. Not for the sanitizer builds,
 * whose runtime must come first.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static atomic_long count;
static long fail_at = -1;
static int started, target; /* target: this process's executable is minrisk */
static uintptr_t exe_lo = UINTPTR_MAX, exe_hi;

/* dlsym may allocate before the real functions are known: from here */
static _Alignas(16) unsigned char boot[16384];
static size_t boot_used;

static void *boot_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > sizeof boot - boot_used)
        return NULL;
    void *p = boot + boot_used;
    boot_used += n;
    return p; /* static storage: already zero */
}

/* The executable's code: the mappings of /proc/self/exe that execute. */
static void find_exe(void)
{
    char exe[4096], line[8192];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    FILE *f = fopen("/proc/self/maps", "r");
    if (n <= 0 || !f) {
        if (f)
            fclose(f);
        return;
    }
    exe[n] = '\0';
    const char *base = strrchr(exe, '/');
    target = strcmp(base ? base + 1 : exe, "minrisk") == 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perm[8], *path = strchr(line, '/');
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) == 3 && perm[2] == 'x' && path &&
            strncmp(path, exe, (size_t)n) == 0 && (path[n] == '\n' || path[n] == '\0')) {
            exe_lo = lo < exe_lo ? lo : exe_lo;
            exe_hi = hi > exe_hi ? hi : exe_hi;
        }
    }
    fclose(f);
}

static void start(void)
{
    if (started)
        return;
    started = 1;
    /* ISO C has no object-to-function pointer conversion: POSIX's copy */
    void *f[4] = {dlsym(RTLD_NEXT, "malloc"), dlsym(RTLD_NEXT, "calloc"),
                  dlsym(RTLD_NEXT, "realloc"), dlsym(RTLD_NEXT, "free")};
    memcpy(&real_malloc, &f[0], sizeof f[0]);
    memcpy(&real_calloc, &f[1], sizeof f[1]);
    memcpy(&real_realloc, &f[2], sizeof f[2]);
    memcpy(&real_free, &f[3], sizeof f[3]);
    const char *at = getenv("FAILMALLOC_AT");
    find_exe();
    fail_at = at && target ? atol(at) : -1;
}

/* This allocation, asked for from address `from`, is to fail (with
   errno ENOMEM, as the C library's would). */
static int fails(const void *from)
{
    const uintptr_t a = (uintptr_t)from;
    if (fail_at < 0 || a < exe_lo || a >= exe_hi || atomic_fetch_add(&count, 1) + 1 != fail_at)
        return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n)
{
    if (!real_malloc) {
        if (started)
            return boot_alloc(n);
        start();
    }
    return fails(__builtin_return_address(0)) ? NULL : real_malloc(n);
}

void *calloc(size_t m, size_t n)
{
    if (!real_calloc) {
        if (started)
            return n && m > SIZE_MAX / n ? NULL : boot_alloc(m * n);
        start();
    }
    return fails(__builtin_return_address(0)) ? NULL : real_calloc(m, n);
}

void *realloc(void *p, size_t n)
{
    start();
    return fails(__builtin_return_address(0)) ? NULL : real_realloc(p, n);
}

void free(void *p)
{
    if ((unsigned char *)p >= boot && (unsigned char *)p < boot + sizeof boot)
        return;
    start();
    real_free(p);
}

static char *copy(const char *s, size_t n)
{
    char *p = real_malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *strdup(const char *s)
{
    start();
    return fails(__builtin_return_address(0)) ? NULL : copy(s, strlen(s));
}

char *strndup(const char *s, size_t n)
{
    start();
    return fails(__builtin_return_address(0)) ? NULL : copy(s, strnlen(s, n));
}

__attribute__((destructor)) static void write_count(void)
{
    const char *path = getenv("FAILMALLOC_COUNT_FILE");
    FILE *f = path && target ? fopen(path, "w") : NULL;
    if (f) {
        fprintf(f, "%ld\n", (long)atomic_load(&count));
        fclose(f);
    }
}
