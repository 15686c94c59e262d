/* bench.c - `minrisk bench`: the engine's speed on a built-in synthetic
 * scenario (sim/studies/synthetic.c), for comparing workstations (XSBench
 * style). For each thread count of a sweep, R runs interleaved across the
 * thread counts (1, 2, 1, 2, ...: machine noise hits all alike), each in
 * memory (no file), each followed by the RNG floor on as many threads
 * (mr_rng_floor_seconds: the run's random words drawn and nothing else);
 * medians of trials/s, ns per trial-step, run/floor and the parallel
 * efficiency; the verification number of every run, which must be one.
 * Human table on stdout, the same figures as JSON with --json (bench/RESULTS.md).
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include "sim/cmd/cli.h"
#include "sim/cmd/outpath.h"
#include "sim/cmd/wholefile.h"
#include "models/libm_path.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/rng.h"
#include "sim/scenario/loader.h"
#include "sim/studies/synthetic.h"
#include "models/units.h"
#include "out/format.h"

#include <minrisk_commit.h> /* MINRISK_COMMIT, written by the build (sim/cmd/commit.cmake) */

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

/* the build, from CMakeLists.txt */
#ifndef MINRISK_C_COMPILER
#define MINRISK_C_COMPILER "unknown"
#endif
#ifndef MINRISK_BUILD_TYPE
#define MINRISK_BUILD_TYPE "unknown"
#endif
#ifndef MINRISK_C_FLAGS
#define MINRISK_C_FLAGS "unknown"
#endif

#define BENCH_DEFAULT_TRIALS 20000ull
#define BENCH_DEFAULT_SEED 12345ull
#define BENCH_DEFAULT_REPS 5
#define BENCH_MAX_REPS 1000
#define BENCH_MAX_POINTS 64

static const char *const usage_bench =
    "usage: minrisk bench [--minerals N] [--countries N] [--sectors N] [--years N]\n"
    "                     [--density D] [--dense] [--trials N] [--seed S] [--threads LIST]\n"
    "                     [--reps R] [--json FILE] [--quiet] [--print-scenario]\n"
    "\n"
    "Benchmark the engine on a built-in synthetic scenario (no input file, no\n"
    "output file): for each thread count, R runs interleaved across the thread\n"
    "counts; medians of trials/s, ns per trial-step (run time / (trials x steps)),\n"
    "run / RNG floor (the time the same generator takes to draw the run's random\n"
    "words alone, on as many threads), parallel efficiency (speed-up over the\n"
    "fewest threads / thread ratio), CPU seconds and the speed-up as the median of\n"
    "the rep-by-rep pairs (run r on the fewest threads / run r here, run one\n"
    "after the other); the CPU model, the compiler,\n"
    "the load average and the verification number, which must be the same for\n"
    "every run (else exit status 1).\n"
    "The defaults are bench/synthetic.yaml: the scenario is that file.\n"
    "\n"
    "  --minerals N        minerals, 1..200 (default 20)\n"
    "  --countries N       countries, 1..200 (default 12)\n"
    "  --sectors N         UK sectors, 1..200 (default 6)\n"
    "  --years N           horizon in years of 12 monthly steps, 1..100 (default 10)\n"
    "  --density D         multiplies the rate of every disruption process (supplier\n"
    "                      outages, the countries' WGI-derived outages, the events),\n"
    "                      so the expected occurrences a trial scale with it; in\n"
    "                      (0, 50] (default 1; the header prints the expectation)\n"
    "  --dense             every supplier has its own outage process: those the\n"
    "                      template leaves without one get 0.15 a year (times D)\n"
    "                      with their stage's severity and duration; with the\n"
    "                      default sizes this is bench/dense.yaml\n"
    "  --trials N          trials a run, 1..4294967295 (default 20000)\n"
    "  --seed S            random seed, 0..2^64-1 (default 12345, the file's)\n"
    "  --threads LIST      thread counts, comma-separated, each 1..4096 (default\n"
    "                      1,2,4,... up to the cores, and the cores)\n"
    "  --reps R            runs per thread count, 1..1000 (default 5)\n"
    "  --json FILE         also write the figures and every run as JSON\n"
    "  -q, --quiet         no progress lines on stderr\n"
    "  --print-scenario    print the scenario of the size options as YAML and exit\n"
    "                      (its simulation block is the file's; --trials and --seed\n"
    "                      apply when the bench runs it)\n"
    "\n"
    "To compare machines: the same commit, the same options, the JSON of each.\n"
    "On a virtual machine whose cores may run at different speeds (shared with\n"
    "other tenants), a 1-thread run's speed depends on the core it lands on and\n"
    "the speed-up with it: bench/speedup_pinned.py pins the 1-thread runs to each\n"
    "core in turn and reports the speed-up on equal cores (bench/RESULTS.md).\n"
    "\n"
    "example:\n"
    "  minrisk bench --trials 1000 --reps 3 --threads 1,2\n"
    "  minrisk bench --minerals 5 --countries 6 --sectors 2 --years 2 --trials 500 --reps 1 "
    "--json bench.json --quiet\n";

typedef struct {
    mr_synthetic_size size;
    unsigned long long trials, seed;
    int threads[BENCH_MAX_POINTS], npoints;
    int reps;
    const char *json;
    int quiet, print_scenario;
} bench_request;

typedef struct {
    double run, floor; /* seconds */
    double cpu;        /* CPU seconds of the process (all threads) during the run */
    uint64_t words, verification;
} bench_run;

typedef struct {
    int threads;
    bench_run *runs;                        /* [reps] */
    double run, floor, tps, ns, ratio, eff; /* medians (eff from the median run times) */
    double speedup; /* median over reps of the pair ratio: run r of the fewest threads /
                       run r of this point (the runs of a rep follow each other) */
    double cpu;     /* median CPU seconds */
} bench_point;

/* The machine and the build. */
typedef struct {
    char cpu[256];
    int cores;
    char date[32];  /* UTC, ISO 8601 */
    double load[2]; /* 1-minute load average before and after the runs; -1: unknown */
} bench_host;

void mr_cmd_bench_signals(void)
{
    mr_cli_install_interrupt(true);
}

/* ---- options ------------------------------------------------------------ */

/* why: the reason the value was refused (cli.h). */
static mr_status bad_value(const char *opt, const char *range, mr_cli_num why, const char *got)
{
    char fmt[160];
    snprintf(fmt, sizeof fmt, "--%s: must be %s, got '%%s'", opt, range);
    return mr_cli_number_error("bench", why, fmt, got);
}

/* A decimal number: digits first (no sign, no white space, no hexadecimal,
   no leading zero before digits alone: 010, as in a scenario file), all of
   it read, finite, in (0, max]. MR_CLI_NUM_OK or why not. */
static mr_cli_num parse_density(const char *s, double *out)
{
    if (mr_cli_leading_zero(s))
        return MR_CLI_NUM_LEADING_ZERO;
    if (!((*s >= '0' && *s <= '9') || *s == '.') || s[strspn(s, "0123456789.eE+-")])
        return MR_CLI_NUM_BAD;
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return errno || *end || !isfinite(*out) || !(*out > 0) || *out > MR_SYNTHETIC_MAX_DENSITY
               ? MR_CLI_NUM_BAD
               : MR_CLI_NUM_OK;
}

/* "1,2,4": each in [1, MR_MAX_THREADS], no repeats, at most BENCH_MAX_POINTS.
   MR_CLI_NUM_OK or why not (an item's leading zero: "1,02"). */
static mr_cli_num parse_threads(const char *s, bench_request *q)
{
    q->npoints = 0;
    const char *p = s;
    for (;;) {
        char item[32];
        size_t n = strcspn(p, ",");
        unsigned long long t;
        if (n == 0 || n >= sizeof item || q->npoints == BENCH_MAX_POINTS)
            return MR_CLI_NUM_BAD;
        memcpy(item, p, n);
        item[n] = '\0';
        mr_cli_num why = mr_cli_parse_range(item, 1, MR_MAX_THREADS, &t);
        if (why)
            return why;
        for (int i = 0; i < q->npoints; i++)
            if (q->threads[i] == (int)t)
                return MR_CLI_NUM_BAD;
        q->threads[q->npoints++] = (int)t;
        if (!p[n])
            return MR_CLI_NUM_OK;
        p += n + 1;
    }
}

/* 1, 2, 4, ... below the cores, then the cores. */
static void default_threads(bench_request *q, int cores)
{
    q->npoints = 0;
    for (int t = 1; t < cores && q->npoints < BENCH_MAX_POINTS - 1; t *= 2)
        q->threads[q->npoints++] = t;
    q->threads[q->npoints++] = cores < 1 ? 1 : cores > MR_MAX_THREADS ? MR_MAX_THREADS : cores;
}

/* ---- the machine ------------------------------------------------------------ */

/* The 1-minute load average (/proc/loadavg), or -1. */
static double load_average(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f && fscanf(f, "%lf", &l) != 1)
        l = -1;
    if (f)
        fclose(f);
    return l;
}

static void host_info(bench_host *h)
{
    snprintf(h->cpu, sizeof h->cpu, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10))
            continue;
        const char *v = strchr(line, ':');
        if (!v)
            continue;
        v += 1 + strspn(v + 1, " \t");
        snprintf(h->cpu, sizeof h->cpu, "%.*s", (int)strcspn(v, "\n"), v);
        break;
    }
    if (f)
        fclose(f);
    h->cores = omp_get_num_procs();
    h->load[0] = load_average();
    h->load[1] = -1;
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(h->date, sizeof h->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        snprintf(h->date, sizeof h->date, "unknown");
}

/* ---- measuring ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of n values (the mean of the middle two when n is even). */
static double median(const double *v, int n)
{
    double s[BENCH_MAX_REPS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* CPU seconds of the process so far, all threads. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One run of sc on `threads` threads, in memory, then the RNG floor of its
   words on as many threads. */
static mr_status one_run(const mr_scenario *sc, int threads, bench_run *out, mr_error *err)
{
    mr_engine_opts opts = {.threads = threads};
    mr_results res;
    mr_run_info info;
    double c0 = cpu_seconds();
    mr_status rc = mr_engine_run(sc, &opts, &res, &info, err);
    out->cpu = cpu_seconds() - c0;
    if (rc == MR_INTERRUPTED)
        mr_results_free(&res);
    if (rc != MR_OK)
        return rc;
    out->verification = mr_results_verification(&res);
    mr_results_free(&res);
    if (info.threads != threads) {
        snprintf(err->msg, sizeof err->msg,
                 "minrisk bench: asked for %d threads, OpenMP gave %d (OMP_THREAD_LIMIT or "
                 "OMP_DYNAMIC?)",
                 threads, info.threads);
        return MR_FAILED;
    }
    out->run = info.wall_seconds;
    out->words = info.random_words;
    uint64_t sink;
    out->floor = mr_rng_floor_seconds(info.random_words, threads, &sink);
    if (out->floor < 0) {
        snprintf(err->msg, sizeof err->msg, "minrisk bench: out of memory for the RNG floor");
        return MR_FAILED;
    }
    return mr_engine_interrupted() ? MR_INTERRUPTED : MR_OK;
}

/* The medians of each point; the efficiency against the fewest threads. */
static void summarise(bench_point *pt, int np, int reps, uint64_t trials, int steps)
{
    double v[4][BENCH_MAX_REPS];
    int base = 0;
    for (int p = 0; p < np; p++) {
        for (int r = 0; r < reps; r++) {
            const bench_run *u = &pt[p].runs[r];
            v[0][r] = u->run;
            v[1][r] = u->floor;
            v[2][r] = (double)trials / u->run;
            v[3][r] = 1e9 * u->run / ((double)trials * steps);
        }
        pt[p].run = median(v[0], reps);
        pt[p].floor = median(v[1], reps);
        pt[p].tps = median(v[2], reps);
        pt[p].ns = median(v[3], reps);
        for (int r = 0; r < reps; r++) {
            v[0][r] = pt[p].runs[r].run / pt[p].runs[r].floor;
            v[1][r] = pt[p].runs[r].cpu;
        }
        pt[p].ratio = median(v[0], reps);
        pt[p].cpu = median(v[1], reps);
        if (pt[p].threads < pt[base].threads)
            base = p;
    }
    for (int p = 0; p < np; p++) {
        pt[p].eff = pt[base].run / pt[p].run * pt[base].threads / pt[p].threads;
        for (int r = 0; r < reps; r++)
            v[0][r] = pt[base].runs[r].run / pt[p].runs[r].run;
        pt[p].speedup = median(v[0], reps);
    }
}

/* The runs, rep by rep, each rep over every thread count in turn; stops at
   the first run whose verification number differs from the first run's. */
static mr_status measure(const bench_request *q, const mr_scenario *sc, bench_point *pt,
                         uint64_t *verification)
{
    mr_error err = {{0}};
    int total = q->reps * q->npoints, k = 0;
    int tty = isatty(STDERR_FILENO);
    for (int r = 0; r < q->reps; r++)
        for (int p = 0; p < q->npoints; p++, k++) {
            bench_run *u = &pt[p].runs[r];
            mr_status rc = one_run(sc, pt[p].threads, u, &err);
            if (rc == MR_INTERRUPTED) {
                if (!q->quiet && tty)
                    fputc('\n', stderr);
                fprintf(stderr, "minrisk bench: interrupted\n");
                return rc;
            }
            if (rc != MR_OK) {
                fprintf(stderr, "%s\n", err.msg);
                return rc;
            }
            if (!q->quiet)
                fprintf(stderr,
                        "%sminrisk bench: run %d of %d: %d thread%s, repetition %d: %.3f s "
                        "(%.0f trials/s), RNG floor %.3f s%s",
                        tty ? "\r" : "", k + 1, total, pt[p].threads, pt[p].threads == 1 ? "" : "s",
                        r + 1, u->run, (double)q->trials / u->run, u->floor,
                        tty ? (k + 1 == total ? "\n" : "   ") : "\n");
            if (k == 0)
                *verification = u->verification;
            if (u->verification != *verification) {
                if (!q->quiet && tty && k + 1 < total)
                    fputc('\n', stderr);
                fprintf(stderr,
                        "minrisk bench: verification number %016llx with %d thread%s "
                        "(repetition %d) differs from %016llx (%d thread%s, repetition 1): "
                        "the results depend on the thread count or the run; the benchmark "
                        "is void\n",
                        (unsigned long long)u->verification, pt[p].threads,
                        pt[p].threads == 1 ? "" : "s", r + 1, (unsigned long long)*verification,
                        pt[0].threads, pt[0].threads == 1 ? "" : "s");
                return MR_FAILED;
            }
        }
    return MR_OK;
}

/* ---- reporting ------------------------------------------------------------ */

/* The scenario's disruption processes and their expected occurrences a trial. */
typedef struct {
    int nproc, steps;
    double occurrences;
} bench_load;

static void print_table(FILE *f, const bench_request *q, const bench_host *h, const bench_load *ld,
                        const bench_point *pt, uint64_t verification)
{
    const mr_synthetic_size *z = &q->size;
    fprintf(f,
            "minrisk bench: synthetic scenario: minerals %d, countries %d, sectors %d, years %d "
            "(%d monthly steps), density %g%s\n",
            z->minerals, z->countries, z->sectors, z->years, ld->steps, z->density,
            z->dense ? ", an outage process per supplier (--dense)" : "");
    fprintf(f,
            "  %d disruption processes, %.2f occurrences a trial expected; %llu trials a run, "
            "seed %llu; each figure the median of %d run%s\n",
            ld->nproc, ld->occurrences, q->trials, q->seed, q->reps, q->reps == 1 ? "" : "s");
    fprintf(f, "cpu:   %s (%d cores)\n", h->cpu, h->cores);
    fprintf(f, "build: minrisk %s, commit %s; %s, %s, %s\n", MINRISK_VERSION, MINRISK_COMMIT,
            MINRISK_C_COMPILER, MINRISK_BUILD_TYPE, MINRISK_C_FLAGS);
    fprintf(f, "date:  %s\n", h->date);
    fprintf(f,
            "load:  %.2f before the runs, %.2f after them (1-minute load average; above about "
            "0.5 before, other work shared the cores)\n\n",
            h->load[0], h->load[1]);
    fprintf(f, "%7s %10s %18s %9s %9s %14s %14s %15s %13s\n", "threads", "trials/s",
            "ns per trial-step", "run (s)", "CPU (s)", "RNG floor (s)", "run/floor (x)",
            "efficiency (x)", "speed-up (x)");
    for (int p = 0; p < q->npoints; p++)
        fprintf(f, "%7d %10.0f %18.1f %9.4g %9.4g %14.4g %14.2f %15.3f %13.3f\n", pt[p].threads,
                pt[p].tps, pt[p].ns, pt[p].run, pt[p].cpu, pt[p].floor, pt[p].ratio, pt[p].eff,
                pt[p].speedup);
    fprintf(f,
            "\nverification number %016llx (the same in all %d runs; libm path %016llx: "
            "another machine prints the same number only on the same path, docs/HPC.md)\n",
            (unsigned long long)verification, q->reps * q->npoints,
            (unsigned long long)mr_libm_fingerprint());
}

static void write_json(FILE *f, const bench_request *q, const bench_host *h, const bench_load *ld,
                       const bench_point *pt, uint64_t verification)
{
    const mr_synthetic_size *z = &q->size;
    fputs("{\n  \"format\": \"minrisk-bench 1\",\n  \"date\": ", f);
    mr_json_string(f, h->date);
    fputs(",\n  \"minrisk\": {\"version\": ", f);
    mr_json_string(f, MINRISK_VERSION);
    fputs(", \"commit\": ", f);
    mr_json_string(f, MINRISK_COMMIT);
    fputs(", \"compiler\": ", f);
    mr_json_string(f, MINRISK_C_COMPILER);
    fputs(", \"build_type\": ", f);
    mr_json_string(f, MINRISK_BUILD_TYPE);
    fputs(", \"flags\": ", f);
    mr_json_string(f, MINRISK_C_FLAGS);
    fputs("},\n  \"machine\": {\"cpu\": ", f);
    mr_json_string(f, h->cpu);
    fprintf(f, ", \"cores\": %d, \"load_before\": %.2f, \"load_after\": %.2f},\n", h->cores,
            h->load[0], h->load[1]);
    fprintf(f,
            "  \"scenario\": {\"minerals\": %d, \"countries\": %d, \"sectors\": %d, \"years\": "
            "%d, \"steps\": %d, \"density\": %.17g, \"dense\": %s, \"processes\": %d, "
            "\"occurrences_per_trial\": %.17g},\n",
            z->minerals, z->countries, z->sectors, z->years, ld->steps, z->density,
            z->dense ? "true" : "false", ld->nproc, ld->occurrences);
    fprintf(f, "  \"trials\": %llu,\n  \"seed\": %llu,\n  \"reps\": %d,\n", q->trials, q->seed,
            q->reps);
    fprintf(f, "  \"verification\": \"%016llx\",\n  \"libm_path\": \"%016llx\",\n  \"points\": [\n",
            (unsigned long long)verification, (unsigned long long)mr_libm_fingerprint());
    for (int p = 0; p < q->npoints; p++) {
        const bench_point *u = &pt[p];
        fprintf(f,
                "    {\"threads\": %d, \"trials_per_second\": %.17g, \"ns_per_trial_step\": "
                "%.17g, \"run_seconds\": %.17g, \"cpu_seconds\": %.17g, \"floor_seconds\": %.17g, "
                "\"run_floor_ratio\": %.17g, \"parallel_efficiency\": %.17g, \"speedup\": "
                "%.17g,\n     \"runs\": [",
                u->threads, u->tps, u->ns, u->run, u->cpu, u->floor, u->ratio, u->eff, u->speedup);
        for (int r = 0; r < q->reps; r++)
            fprintf(f,
                    "%s\n       {\"run_seconds\": %.17g, \"cpu_seconds\": %.17g, "
                    "\"floor_seconds\": %.17g, "
                    "\"random_words\": %llu, \"verification\": \"%016llx\"}",
                    r ? "," : "", u->runs[r].run, u->runs[r].cpu, u->runs[r].floor,
                    (unsigned long long)u->runs[r].words,
                    (unsigned long long)u->runs[r].verification);
        fprintf(f, "]}%s\n", p + 1 < q->npoints ? "," : "");
    }
    fputs("  ]\n}\n", f);
}

/* --json FILE, before any run: its directory can be written, and FILE, if
   it exists, is a regular file (the rename of save_json would replace a
   symbolic link, a FIFO or a device, not write into it; a directory would
   refuse only after the runs); FILE is not named like a scenario, a result
   file or minrisk's side files, which the JSON would replace (until
   2026-12-07 `--json demo.yaml` replaced the scenario: a review). */
static int check_json_path(const char *path, mr_error *err)
{
    struct stat st;
    const size_t n = strlen(path);
    if (mr_outpath_check_names(path, "--json", "the JSON file", "e.g. bench.json", err))
        return -1;
    if (n >= 3 && !strcasecmp(path + n - 3, ".h5")) {
        snprintf(err->msg, sizeof err->msg,
                 "%.900s: is named like a minrisk result file (.h5), which the JSON file would "
                 "replace; choose another --json (e.g. bench.json)",
                 path);
        return -1;
    }
    if (path[n - 1] != '/' && lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            snprintf(err->msg, sizeof err->msg,
                     "%.480s: is a directory; give a file name, e.g. --json %.480s/bench.json",
                     path, path);
        else if (S_ISLNK(st.st_mode))
            snprintf(err->msg, sizeof err->msg,
                     "%.900s: is a symbolic link; the file would replace the link, not its "
                     "target: give the target's path or choose another --json",
                     path);
        else
            snprintf(err->msg, sizeof err->msg,
                     "%.900s: exists and is %s, not a regular file; choose another --json", path,
                     mr_file_kind(st.st_mode));
        return -1;
    }
    return mr_outpath_check_dir(path, err);
}

/* The JSON, made in memory, then written whole as FILE.tmp.<pid> and
   renamed over FILE (sim/cmd/wholefile.h; a name planted at the
   temporary's, a symbolic link that fopen followed until 2026-12-06, is
   removed, never followed, as for run's temporaries: docs/SECURITY.md). */
static mr_status write_json_file(const bench_request *q, const bench_host *h, const bench_load *ld,
                                 const bench_point *pt, uint64_t verification)
{
    if (mr_wholefile_prepare(q->json) != 0) {
        fprintf(stderr, "%s: cannot write: path too long\n", q->json);
        return MR_FAILED;
    }
    char *text = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&text, &size);
    if (m)
        write_json(m, q, h, ld, pt, verification);
    if (!m || ferror(m) | fclose(m)) {
        free(text);
        fprintf(stderr, "minrisk bench: out of memory\n");
        return MR_FAILED;
    }
    int e;
    mr_wholefile_step s = mr_wholefile_write(text, size, -1, true, &e);
    free(text);
    if (s == MR_WHOLEFILE_CLEAR)
        fprintf(stderr, "%s: cannot remove: %s\n", mr_wholefile_tmp(), strerror(e));
    else if (s != MR_WHOLEFILE_DONE)
        fprintf(stderr, "%s: cannot write: %s\n",
                s == MR_WHOLEFILE_CREATE ? mr_wholefile_tmp() : q->json, strerror(e));
    return s == MR_WHOLEFILE_DONE ? MR_OK : MR_FAILED;
}

/* --json: write_json_file under the lock FILE.lock (sim/cmd/outpath.h),
   which lets the temporaries FILE.tmp.<pid> of a bench killed during its
   write be removed (until 2026-12-06 they stayed for good: cli_bench). */
static mr_status save_json(const bench_request *q, const bench_host *h, const bench_load *ld,
                           const bench_point *pt, uint64_t verification)
{
    mr_error err = {{0}};
    const mr_status locked = mr_outpath_lock_dir(q->json, "bench", "--json", &err);
    if (locked != MR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return locked;
    }
    mr_outpath_remove_stale(q->json, "bench");
    mr_status rc = write_json_file(q, h, ld, pt, verification);
    mr_outpath_release();
    return rc;
}

/* ---- the command ------------------------------------------------------------ */

/* The scenario's processes and expected occurrences (mr_model_build). */
static mr_status load_of(const mr_scenario *sc, bench_load *ld, mr_error *err)
{
    mr_model md;
    mr_status rc = mr_model_build(sc, &md, err);
    if (rc != MR_OK)
        return rc;
    ld->nproc = md.nproc;
    ld->steps = sc->horizon_years * sc->steps_per_year;
    ld->occurrences = 0;
    for (int p = 0; p < md.nproc; p++)
        ld->occurrences += md.proc[p]->rate_per_year * sc->horizon_years;
    mr_model_free(&md);
    return MR_OK;
}

static mr_status bench(const bench_request *q, bench_host *h)
{
    size_t len;
    char *text = mr_synthetic_yaml(&q->size, &len);
    if (!text) {
        fprintf(stderr, "minrisk bench: out of memory\n");
        return MR_FAILED;
    }
    if (q->print_scenario) {
        int bad = fwrite(text, 1, len, stdout) != len || fflush(stdout);
        free(text);
        if (bad)
            fprintf(stderr, "minrisk bench: cannot write the scenario to standard output: %s\n",
                    strerror(errno));
        return bad ? MR_FAILED : MR_OK;
    }
    mr_scenario sc;
    mr_error err = {{0}};
    /* within the options' ranges the scenario loads, except where
       their product passes one of the loader's limits (the expected
       occurrences a trial at a high density over many years and countries) */
    int perr = mr_scenario_parse("synthetic.yaml", text, len, &sc, &err);
    free(text);
    if (perr == MR_FAILED) {
        fprintf(stderr, "minrisk bench: %s\n", err.msg);
        return MR_FAILED;
    }
    if (perr) {
        fprintf(stderr,
                "minrisk bench: these sizes give a scenario minrisk refuses (see "
                "--print-scenario): %s\n",
                err.msg);
        return MR_BAD_INPUT;
    }
    sc.trials = q->trials;
    sc.seed = q->seed;
    bench_load ld;
    bench_point pt[BENCH_MAX_POINTS];
    bench_run *runs = calloc((size_t)(q->npoints * q->reps), sizeof *runs);
    mr_status rc = runs ? load_of(&sc, &ld, &err) : MR_FAILED;
    if (rc != MR_OK) {
        fprintf(stderr, "%s\n", runs ? err.msg : "minrisk bench: out of memory");
        free(runs);
        mr_scenario_free(&sc);
        return MR_FAILED;
    }
    for (int p = 0; p < q->npoints; p++) {
        pt[p].threads = q->threads[p];
        pt[p].runs = runs + (size_t)p * (size_t)q->reps;
    }
    uint64_t verification = 0;
    rc = measure(q, &sc, pt, &verification);
    h->load[1] = load_average();
    if (rc == MR_OK) {
        summarise(pt, q->npoints, q->reps, q->trials, ld.steps);
        print_table(stdout, q, h, &ld, pt, verification);
        /* the JSON even when the table is lost: the runs took their time */
        if (fflush(stdout) || ferror(stdout)) {
            fprintf(stderr, "minrisk bench: cannot write the table to standard output: %s\n",
                    strerror(errno ? errno : EIO));
            rc = MR_FAILED;
        }
        if (q->json && save_json(q, h, &ld, pt, verification) != MR_OK)
            rc = MR_FAILED;
    }
    free(runs);
    mr_scenario_free(&sc);
    return rc;
}

mr_status mr_cmd_bench(int argc, char **argv)
{
    enum {
        MINERALS = MR_CLI_LONG,
        COUNTRIES,
        SECTORS,
        YEARS,
        DENSITY,
        DENSE,
        TRIALS,
        SEED,
        THREADS,
        REPS,
        JSON,
        PRINT_SCENARIO
    };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"minerals", required_argument, NULL, MINERALS},
                                             {"countries", required_argument, NULL, COUNTRIES},
                                             {"sectors", required_argument, NULL, SECTORS},
                                             {"years", required_argument, NULL, YEARS},
                                             {"density", required_argument, NULL, DENSITY},
                                             {"dense", no_argument, NULL, DENSE},
                                             {"trials", required_argument, NULL, TRIALS},
                                             {"seed", required_argument, NULL, SEED},
                                             {"threads", required_argument, NULL, THREADS},
                                             {"reps", required_argument, NULL, REPS},
                                             {"json", required_argument, NULL, JSON},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"print-scenario", no_argument, NULL, PRINT_SCENARIO},
                                             {NULL, 0, NULL, 0}};
    bench_request q = {.size = MR_SYNTHETIC_DEFAULT,
                       .trials = BENCH_DEFAULT_TRIALS,
                       .seed = BENCH_DEFAULT_SEED,
                       .reps = BENCH_DEFAULT_REPS};
    int have_threads = 0;
    /* the size options in longopts[1..4]: their upper bounds, their fields */
    static const unsigned long long size_hi[] = {MR_SYNTHETIC_MAX_SIZE, MR_SYNTHETIC_MAX_SIZE,
                                                 MR_SYNTHETIC_MAX_SIZE, MR_SYNTHETIC_MAX_YEARS};
    int *size_of[] = {&q.size.minerals, &q.size.countries, &q.size.sectors, &q.size.years};
    mr_cli_opts p;
    mr_cli_opts_init(&p, "bench", usage_bench, "q", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        unsigned long long n;
        mr_cli_num why;
        switch (c) {
        case MR_CLI_ARG:
            return mr_cli_usage_error("bench", "unexpected argument '%s'", v);
        case 'q':
            q.quiet = 1;
            break;
        case PRINT_SCENARIO:
            q.print_scenario = 1;
            break;
        case DENSE:
            q.size.dense = 1;
            break;
        case MINERALS:
        case COUNTRIES:
        case SECTORS:
        case YEARS: {
            int s = c - MINERALS;
            char range[64];
            snprintf(range, sizeof range, "an integer in [1, %llu]", size_hi[s]);
            if ((why = mr_cli_parse_range(v, 1, size_hi[s], &n)))
                return bad_value(longopts[1 + s].name, range, why, v);
            *size_of[s] = (int)n;
            break;
        }
        case DENSITY:
            if ((why = parse_density(v, &q.size.density)))
                return bad_value("density", "a number in (0, 50]", why, v);
            break;
        case TRIALS:
            if ((why = mr_cli_parse_range(v, 1, MR_MAX_TRIALS, &q.trials)))
                return bad_value("trials", "an integer in [1, 4294967295]", why, v);
            break;
        case SEED:
            if ((why = mr_cli_parse_u64(v, &q.seed)))
                return bad_value("seed", "an integer in [0, 2^64-1]", why, v);
            break;
        case THREADS:
            if ((why = parse_threads(v, &q)))
                return bad_value("threads",
                                 "thread counts in [1, 4096], comma-separated, no repeats, at "
                                 "most 64",
                                 why, v);
            have_threads = 1;
            break;
        case REPS:
            if ((why = mr_cli_parse_range(v, 1, BENCH_MAX_REPS, &n)))
                return bad_value("reps", "an integer in [1, 1000]", why, v);
            q.reps = (int)n;
            break;
        default: /* JSON */
            q.json = v;
        }
    }
    if (p.stop)
        return p.status;
    mr_error err = {{0}};
    if (q.json && !q.print_scenario && !*q.json)
        return mr_cli_usage_error("bench", "%s", "--json: the file name is empty");
    if (q.json && !q.print_scenario && check_json_path(q.json, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return MR_BAD_INPUT;
    }
    bench_host h;
    host_info(&h);
    if (!have_threads)
        default_threads(&q, h.cores);
    return bench(&q, &h);
}
