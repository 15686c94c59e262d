/* mpi_dstats.c - the distributed statistics and the collective write under
 * MPI (run by tests/mpi/mpi_dstats_output.sh with mpiexec -n 1 and -n 3).
 *
 * usage: mpi_dstats SCENARIO.yaml OUTDIR
 *
 * Synthetic per-trial values (a hash of the global trial index, with ties,
 * zeros, negative values and NaNs) are cut into the ranks' block ranges as
 * the engine cuts them (mr_comm_block_range), so every rank holds exactly
 * the rows a one-rank run would hold at those trials. Checked, for runs
 * whose blocks fall on every rank and runs with ranks that hold no trial:
 * - each distributed primitive (dstats.h) against the same call on one
 *   process holding every trial, bit for bit, and the selection against a
 *   full sort;
 * - every statistic of /summary (mr_sumstats_compute) against the one-rank
 *   result, bit for bit;
 * - failures and interrupts reach every rank and leave no file;
 * - mr_comm_allgather_f64 in one Allgatherv and in chunked broadcasts;
 * - the summary bootstrap's resamples shared among the ranks (paired.h):
 *   the intervals of one process, bit for bit;
 * - sums of squared deviations past DBL_MAX (sumsq.h): losses times 2^600
 *   on every rank ("huge": every sd and se of /summary is the unscaled
 *   one times 2^600, bit for bit), spikes on the last rank alone, and
 *   spikes whose every block sum is finite but whose total is not (the
 *   overflow only in the reduction across ranks): the sd against the
 *   one-process sd bit for bit and against its value worked by hand.
 * It then writes OUTDIR/ranks_<case>.h5 collectively and, on rank 0,
 * OUTDIR/solo_<case>.h5 from all trials through the serial driver; the
 * script compares them (and the files of different rank counts) with
 * h5diff. Exit status 0 when every check passed on every rank.
 */
#define _POSIX_C_SOURCE 200809L

#include "sim/minrisk.h"
#include "out/comm.h"
#include "out/stats/dstats.h"
#include "sim/engine.h"
#include "out/h5/writer.h"
#include "out/stats/stats.h"
#include "out/stats/sumstats.h"
#include "sim/studies/paired.h"

#include <mpi.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;
static int my_rank;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "rank %d: %s:%d: ", my_rank, __FILE__, __LINE__);                      \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/* Bitwise equality (NaN equals NaN with the same bits). */
static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static int same_n(const double *a, const double *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

/* Uniform in [0, 1) from (trial, column, salt). */
static double unif(uint64_t i, uint64_t col, uint64_t salt)
{
    return (double)(mix(mix(i * 1000003u + col) ^ salt) >> 11) * 0x1p-53;
}

/* A loss-like value: 30% zeros, ties on a coarse grid, a heavy tail. */
static double lossy(uint64_t i, uint64_t col, uint64_t salt)
{
    double u = unif(i, col, salt);
    if (u < 0.3)
        return 0.0;
    if (u < 0.5)
        return floor(10.0 * unif(i, col, salt + 1)) * 1000.0;
    return 1e3 * exp(12.0 * unif(i, col, salt + 2));
}

/* ---- synthetic results -------------------------------------------------------- */

/* Rows of global trials first .. first + n - 1 of a run of N trials; every
   loss times scale (a power of 2: exact). */
static int make_results(mr_results *r, uint64_t N, uint64_t first, uint64_t n, int S, int M, int H,
                        int T, double scale)
{
    if (mr_results_alloc(r, n, S, M, H, T) != 0)
        return -1;
    r->first_trial = first;
    r->ntrials_total = N;
    const size_t s = (size_t)S, m = (size_t)M, h = (size_t)H;
    for (uint64_t row = 0; row < n; row++) {
        uint64_t i = first + row;
        double total = 0.0;
        for (size_t j = 0; j < s; j++) {
            double ol = lossy(i, j, 1) * scale;
            double xc = (unif(i, j, 2) - 0.4) * 1e4 * (double)(j + 1) * scale;
            r->sector_output_loss[row * s + j] = ol;
            r->sector_extra_cost[row * s + j] = xc;
            total += ol + xc;
            r->sector_inoperability_peak[row * s + j] = floor(unif(i, j, 3) * 50.0) / 50.0;
            r->sector_inoperability_months[row * s + j] = floor(unif(i, j, 4) * 24.0);
        }
        r->total_loss[row] = total;
        for (size_t y = 0; y < h; y++) {
            double a = 0.0;
            for (size_t j = 0; j < s; j++) {
                double v = lossy(i, 100 + y * s + j, 5) * scale;
                r->sector_annual_loss[(row * h + y) * s + j] = v;
                a += v;
            }
            r->annual_loss[row * h + y] = a;
        }
        for (size_t k = 0; k < m; k++) {
            r->mineral_shortfall_mean[row * m + k] = unif(i, k, 6) * 0.1;
            r->mineral_shortfall_peak[row * m + k] = floor(unif(i, k, 7) * 10.0) / 200.0;
            r->mineral_shortfall_months[row * m + k] = floor(unif(i, k, 8) * 36.0);
            r->mineral_price_peak[row * m + k] = 1.0 + unif(i, k, 9) * 3.0;
            r->mineral_stockpile_empty_month[row * m + k] =
                unif(i, k, 10) < 0.7 ? NAN : floor(unif(i, k, 11) * 60.0);
        }
        for (size_t t = 0; t < (size_t)T; t++) {
            for (size_t j = 0; j < s; j++) {
                size_t bin = (size_t)(unif(i, t * s + j, 12) * 80.0) * (j + 1);
                r->band_q[(t * s + j) * MR_BAND_Q_BINS + bin]++;
            }
            for (size_t k = 0; k < m; k++) {
                size_t bin = 250 + (size_t)(unif(i, t * m + k, 13) * 200.0);
                r->band_y[(t * m + k) * MR_BAND_Y_BINS + bin]++;
            }
        }
    }
    return 0;
}

/* ---- the primitives ------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    /* NaNs last */
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

/* One variable of N trials x per elements (global values g, element e of
   trial i at g[(i * per + e) * stride]); this rank's view is local. */
static void check_variable(const mr_comm *c, const char *what, const double *g, uint64_t N,
                           size_t per, size_t stride, uint64_t first, uint64_t n)
{
    mr_dvar all = {g, (size_t)N, per, stride, N};
    mr_dvar mine = {g + first * per * stride, (size_t)n, per, stride, N};
    const uint64_t cnt = N * per;

    /* sums and moments: the one-process values, bit for bit */
    double s1, s3, m1, m3, sd1, sd3;
    CHECK(mr_dstats_sums(NULL, &all, 1, &s1) == 0 && mr_dstats_sums(c, &mine, 1, &s3) == 0,
          "%s: sums failed", what);
    CHECK(same(s1, s3), "%s: sum %.17g != one-rank %.17g", what, s3, s1);
    CHECK(mr_dstats_moments(NULL, &all, 1, &m1, &sd1) == 0 &&
              mr_dstats_moments(c, &mine, 1, &m3, &sd3) == 0,
          "%s: moments failed", what);
    CHECK(same(m1, m3) && same(sd1, sd3), "%s: mean/sd %.17g %.17g != %.17g %.17g", what, m3, sd3,
          m1, sd1);

    /* order statistics: a full sort */
    double *sorted = malloc((size_t)cnt * sizeof *sorted);
    for (uint64_t e = 0; e < cnt; e++)
        sorted[e] = g[e * stride];
    qsort(sorted, (size_t)cnt, sizeof *sorted, cmp_double);
    enum { NR = 12 };
    uint64_t ranks[NR] = {1, cnt,     cnt / 2,          (cnt + 1) / 2,    cnt - 1, cnt / 100 + 1,
                          0, cnt + 1, (cnt * 95) / 100, (cnt * 99) / 100, 7,       cnt / 3};
    double got[NR];
    CHECK(mr_dstats_select(c, &mine, ranks, NR, got) == 0, "%s: select failed", what);
    for (int k = 0; k < NR; k++) {
        double want = ranks[k] >= 1 && ranks[k] <= cnt ? sorted[ranks[k] - 1] : NAN;
        CHECK(same(got[k], want) || (isnan(got[k]) && isnan(want)),
              "%s: X_(%llu) = %.17g, sort says %.17g", what, (unsigned long long)ranks[k], got[k],
              want);
    }

    /* tails (ES inputs), counts, histogram */
    double thr[3] = {sorted[cnt / 2], sorted[(cnt * 9) / 10], 0.0};
    double sg1[3], sg3[3];
    uint64_t cg1[3], cg3[3], cn1, cn3;
    CHECK(mr_dstats_tail(NULL, &all, thr, 3, sg1, cg1, &cn1) == 0 &&
              mr_dstats_tail(c, &mine, thr, 3, sg3, cg3, &cn3) == 0,
          "%s: tail failed", what);
    CHECK(same_n(sg1, sg3, 3) && !memcmp(cg1, cg3, sizeof cg1) && cn1 == cn3,
          "%s: tail sums differ", what);
    uint64_t h1[20], h3[20];
    double e1[21], e3[21];
    CHECK(mr_dstats_histogram(NULL, &all, 20, h1, e1) == 0 &&
              mr_dstats_histogram(c, &mine, 20, h3, e3) == 0,
          "%s: histogram failed", what);
    CHECK(!memcmp(h1, h3, sizeof h1) && same_n(e1, e3, 21), "%s: histograms differ", what);
    free(sorted);
}

/* ---- the summary -------------------------------------------------------------- */

static int same_loss(const mr_loss_stats *a, const mr_loss_stats *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

static void check_summary(const char *what, const mr_sumstats *a, const mr_sumstats *b)
{
    const size_t S = (size_t)a->nsectors, M = (size_t)a->nminerals, T = (size_t)a->steps;
    const size_t nb = MR_OUTPUT_NBANDS, nr = MR_OUTPUT_NRP;
    CHECK(same_loss(&a->total, &b->total, 1), "%s: total loss statistics differ", what);
    CHECK(same_loss(a->sector_loss, b->sector_loss, S), "%s: sector_loss differs", what);
    CHECK(same_loss(a->sector_output_loss, b->sector_output_loss, S),
          "%s: sector_output_loss differs", what);
    CHECK(same_loss(a->sector_extra_cost, b->sector_extra_cost, S), "%s: sector_extra_cost differs",
          what);
    CHECK(!memcmp(a->hist_count, b->hist_count, sizeof a->hist_count) &&
              same_n(a->hist_edges, b->hist_edges, MR_OUTPUT_HIST_BINS + 1),
          "%s: histogram differs", what);
    CHECK(same(a->aal, b->aal) && same(a->aal_se, b->aal_se) &&
              same_n(a->return_period_loss, b->return_period_loss, nr),
          "%s: AAL or return periods differ (%.17g vs %.17g)", what, a->aal, b->aal);
    CHECK(same_n(a->sector_aal, b->sector_aal, S) &&
              same_n(a->sector_aal_se, b->sector_aal_se, S) &&
              same_n(a->sector_return_period_loss, b->sector_return_period_loss, S * nr),
          "%s: sector AAL or return periods differ", what);
    CHECK(same_n(a->mineral_shortage_prob, b->mineral_shortage_prob, M) &&
              same_n(a->mineral_shortfall_mean_avg, b->mineral_shortfall_mean_avg, M) &&
              same_n(a->mineral_shortfall_months_avg, b->mineral_shortfall_months_avg, M) &&
              same_n(a->mineral_stockpile_empty_prob, b->mineral_stockpile_empty_prob, M) &&
              same_n(a->mineral_price_peak_avg, b->mineral_price_peak_avg, M) &&
              same_n(a->sector_inoperability_peak_avg, b->sector_inoperability_peak_avg, S) &&
              same_n(a->sector_inoperability_months_avg, b->sector_inoperability_months_avg, S),
          "%s: entity figures differ", what);
    CHECK(same_n(a->inoperability_band, b->inoperability_band, T * S * nb) &&
              same_n(a->price_ratio_band, b->price_ratio_band, T * M * nb),
          "%s: bands differ", what);
    /* and the statistics are not trivially empty */
    CHECK(isfinite(a->total.mean) && isfinite(a->total.q[5]) && isfinite(a->total.es[2]) &&
              isfinite(a->aal),
          "%s: statistics are not finite", what);
}

/* ---- the file ------------------------------------------------------------------------ */

static int count_entries(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void check_failures(const mr_comm *c, const mr_scenario *sc, const mr_results *local,
                           const char *outdir)
{
    mr_run_info info = {.threads = 1, .ranks = c->size, .wall_seconds = 1.0};
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/fail", outdir);
    if (c->rank == 0)
        mkdir(dir, 0700);
    mr_comm_barrier(c);

    /* no such directory: every rank fails with rank 0's message */
    mr_error err = {{0}};
    snprintf(path, sizeof path, "%s/no/such/dir/x.h5", dir);
    int rc = mr_output_write(path, sc, local, &info, c, &err);
    CHECK(rc == -1 && strstr(err.msg, "No such file or directory"),
          "missing directory: rc %d, \"%s\"", rc, err.msg);

    /* the output path is a directory: the rename fails, on every rank */
    snprintf(path, sizeof path, "%s/adir", dir);
    if (c->rank == 0)
        mkdir(path, 0700);
    mr_comm_barrier(c);
    memset(&err, 0, sizeof err);
    rc = mr_output_write(path, sc, local, &info, c, &err);
    CHECK(rc == -1 && strstr(err.msg, "cannot rename"), "rename: rc %d, \"%s\"", rc, err.msg);
    mr_comm_barrier(c);
    if (c->rank == 0)
        CHECK(count_entries(dir) == 1, "rename failure left files in %s", dir);

    /* a failure on the last rank alone: every rank reports it */
    snprintf(path, sizeof path, "%s/bad.h5", dir);
    mr_results bad = *local;
    if (c->rank == c->size - 1)
        bad.nsectors = local->nsectors + 1;
    memset(&err, 0, sizeof err);
    rc = mr_output_write(path, sc, &bad, &info, c, &err);
    CHECK(rc == -1 && strstr(err.msg, "do not match"), "one rank's bad results: rc %d, \"%s\"", rc,
          err.msg);
    /* trial ranges that are not whole blocks in rank order */
    bad = *local;
    if (c->rank == c->size - 1)
        bad.first_trial += 1;
    memset(&err, 0, sizeof err);
    rc = mr_output_write(path, sc, &bad, &info, c, &err);
    CHECK(rc == -1 && strstr(err.msg, "not whole blocks"), "bad ranges: rc %d, \"%s\"", rc,
          err.msg);
    mr_comm_barrier(c);
    if (c->rank == 0)
        CHECK(count_entries(dir) == 1, "failed writes left files in %s", dir);

    /* an interrupt on the last rank alone stops every rank, nothing left */
    snprintf(path, sizeof path, "%s/int.h5", dir);
    if (c->rank == c->size - 1)
        mr_output_interrupt();
    memset(&err, 0, sizeof err);
    rc = mr_output_write(path, sc, local, &info, c, &err);
    CHECK(rc == 1 && strstr(err.msg, "interrupted"), "interrupt: rc %d, \"%s\"", rc, err.msg);
    mr_comm_barrier(c);
    if (c->rank == 0)
        CHECK(access(path, F_OK) != 0 && count_entries(dir) == 1,
              "an interrupted write left a file");
}

/* The summary of losses times 2^600 (their squared deviations pass DBL_MAX)
   against the summary of the losses as they are: every mean, sd, se, AAL
   and AAL se the unscaled one times 2^600, bit for bit (multiplying by a
   power of 2 is exact, and so is the rescaled sum's root: sumsq.h), and
   finite. */
static void check_scaled_summary(const char *what, const mr_sumstats *big, const mr_sumstats *one)
{
    const size_t S = (size_t)big->nsectors;
    int bad = 0;
    const mr_loss_stats *lb[2] = {&big->total, big->sector_loss};
    const mr_loss_stats *lo[2] = {&one->total, one->sector_loss};
    const size_t cnt[2] = {1, S};
    for (int k = 0; k < 2; k++)
        for (size_t j = 0; j < cnt[k]; j++) {
            const mr_loss_stats *b = &lb[k][j], *o = &lo[k][j];
            bad += !same(b->mean, ldexp(o->mean, 600)) || !same(b->sd, ldexp(o->sd, 600)) ||
                   !same(b->se, ldexp(o->se, 600)) || !isfinite(b->sd) || !isfinite(b->se);
        }
    bad += !same(big->aal_se, ldexp(one->aal_se, 600)) || !isfinite(big->aal_se);
    for (size_t j = 0; j < S; j++)
        bad += !same(big->sector_aal_se[j], ldexp(one->sector_aal_se[j], 600));
    CHECK(bad == 0, "%s: %d figures are not the unscaled ones times 2^600 (total sd %.17g, %.17g)",
          what, bad, big->total.sd, one->total.sd);
}

/* One run of N trials, every loss times scale: primitives, summary and the
   two files. */
static void run_case(const mr_comm *c, const mr_scenario *sc, const char *name, uint64_t N,
                     double scale, const char *outdir)
{
    const int S = sc->nsectors, M = sc->nminerals, H = sc->horizon_years;
    const int T = sc->horizon_years * sc->steps_per_year;
    uint64_t nblocks = (N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS, blo, bhi;
    mr_comm_block_range(nblocks, c->rank, c->size, &blo, &bhi);
    uint64_t first = blo * MR_BLOCK_TRIALS, last = bhi * MR_BLOCK_TRIALS;
    if (last > N)
        last = N;
    if (first > last)
        first = last;

    mr_results global, local;
    CHECK(make_results(&global, N, 0, N, S, M, H, T, scale) == 0, "out of memory");
    CHECK(make_results(&local, N, first, last - first, S, M, H, T, scale) == 0, "out of memory");
    if (failures)
        return;

    /* primitives: single and multi-element trials, contiguous and strided */
    char what[128];
    snprintf(what, sizeof what, "%s total_loss", name);
    check_variable(c, what, global.total_loss, N, 1, 1, first, last - first);
    snprintf(what, sizeof what, "%s annual_loss", name);
    check_variable(c, what, global.annual_loss, N, (size_t)H, 1, first, last - first);
    snprintf(what, sizeof what, "%s sector_annual_loss[1]", name);
    check_variable(c, what, global.sector_annual_loss + 1, N, (size_t)H, (size_t)S, first,
                   last - first);
    snprintf(what, sizeof what, "%s stockpile_empty_month[0] (NaNs)", name);
    check_variable(c, what, global.mineral_stockpile_empty_month, N, 1, (size_t)M, first,
                   last - first);

    /* every statistic of /summary */
    mr_sumstats one, dist;
    CHECK(mr_sumstats_compute(NULL, &global, &one) == 0, "%s: one-rank summary failed", name);
    CHECK(mr_sumstats_compute(c, &local, &dist) == 0, "%s: distributed summary failed", name);
    snprintf(what, sizeof what, "%s summary", name);
    if (!failures)
        check_summary(what, &one, &dist);
    if (!failures && scale != 1.0) {
        mr_results plain;
        mr_sumstats base;
        CHECK(make_results(&plain, N, 0, N, S, M, H, T, 1.0) == 0 &&
                  mr_sumstats_compute(NULL, &plain, &base) == 0,
              "%s: unscaled summary failed", name);
        if (!failures) {
            check_scaled_summary(what, &dist, &base);
            mr_sumstats_free(&base);
            mr_results_free(&plain);
        }
    }
    mr_sumstats_free(&one);
    mr_sumstats_free(&dist);

    /* the files */
    mr_run_info info = {.threads = 1,
                        .ranks = c->size,
                        .wall_seconds = 1.0 + c->rank,
                        .trials_per_second = (double)N,
                        .random_words = N};
    char path[600];
    mr_error err = {{0}};
    snprintf(path, sizeof path, "%s/ranks_%s.h5", outdir, name);
    int rc = mr_output_write(path, sc, &local, &info, c, &err);
    CHECK(rc == 0, "%s: collective write failed: %s", name, err.msg);
    if (c->rank == 0) {
        snprintf(path, sizeof path, "%s/solo_%s.h5", outdir, name);
        rc = mr_output_write(path, sc, &global, &info, NULL, &err);
        CHECK(rc == 0, "%s: one-process write failed: %s", name, err.msg);
    }
    if (strcmp(name, "blocks") == 0)
        check_failures(c, sc, &local, outdir);
    mr_results_free(&global);
    mr_results_free(&local);
}

/* N zeros but for the values v at the trials at[0..c-1] (distinct): mean
   c v / N, sum of squared deviations c v^2 (N - c) / N, sd v sqrt(c (N -
   c) / (N (N - 1))). The sd over the ranks must be the one-process sd bit
   for bit, finite, and within 1e-12 of that formula (a sum of N = 7291
   squares in order is within (N - 1) eps ~ 8e-13 of its value; measured
   1.6e-14). The premise is
   checked too: the unscaled sum of squares of each block (the partials
   the ranks reduce) finite for all blocks, or not (overflow_in_block), and
   infinite for the whole. */
static void check_spike(const mr_comm *c, const char *what, uint64_t N, const uint64_t *at,
                        size_t cnt, double v, int overflow_in_block)
{
    double *g = calloc((size_t)N, sizeof *g);
    if (!g) {
        CHECK(0, "%s: out of memory", what);
        return;
    }
    for (size_t k = 0; k < cnt; k++)
        g[at[k]] = v;
    const double m = (double)cnt * v / (double)N;
    double whole = 0.0;
    int block_inf = 0;
    for (uint64_t b = 0; b * MR_BLOCK_TRIALS < N; b++) {
        double part = 0.0;
        for (uint64_t i = b * MR_BLOCK_TRIALS; i < N && i < (b + 1) * MR_BLOCK_TRIALS; i++)
            part += (g[i] - m) * (g[i] - m);
        block_inf |= isinf(part);
        whole += part;
    }
    CHECK(isinf(whole) && block_inf == overflow_in_block,
          "%s: the premise fails (whole %g, a block infinite: %d)", what, whole, block_inf);

    uint64_t nblocks = (N + MR_BLOCK_TRIALS - 1) / MR_BLOCK_TRIALS, blo, bhi;
    mr_comm_block_range(nblocks, c->rank, c->size, &blo, &bhi);
    uint64_t first = blo * MR_BLOCK_TRIALS, last = bhi * MR_BLOCK_TRIALS;
    last = last > N ? N : last;
    first = first > last ? last : first;
    mr_dvar all = {g, (size_t)N, 1, 1, N}, mine = {g + first, (size_t)(last - first), 1, 1, N};
    double m1, sd1, m3, sd3;
    CHECK(mr_dstats_moments(NULL, &all, 1, &m1, &sd1) == 0 &&
              mr_dstats_moments(c, &mine, 1, &m3, &sd3) == 0,
          "%s: moments failed", what);
    const double want = v * sqrt((double)cnt * (double)(N - cnt) / ((double)N * (double)(N - 1)));
    CHECK(same(m1, m3) && same(sd1, sd3) && isfinite(sd3) && fabs(sd3 - want) <= 1e-12 * want,
          "%s: mean/sd %.17g %.17g, one process %.17g %.17g, by hand sd %.17g", what, m3, sd3, m1,
          sd1, want);
    free(g);
}

static void check_spikes(const mr_comm *c, uint64_t N)
{
    /* two of 2^600 in the last block: its rank alone overflows */
    const uint64_t last[2] = {N - 2, N - 1};
    check_spike(c, "spikes on the last rank", N, last, 2, ldexp(1.0, 600), 1);
    /* three of sqrt(0.4 DBL_MAX) in blocks 0, 4 and the last: each block
       (and any two together) below DBL_MAX, the three past it */
    const uint64_t spread[3] = {0, 4 * MR_BLOCK_TRIALS, N - 1};
    check_spike(c, "spikes past DBL_MAX only together", N, spread, 3, sqrt(0.4 * DBL_MAX), 0);
}

/* mr_comm_allgather_f64 on both of its paths: one Allgatherv, and with the
   limit lowered to 7 doubles, each rank's values broadcast in chunks
   (rank r holds 5 r values, so rank 0 none and rank 2 ten, two chunks
   and a part). Every rank must hold every value at its place. */
static void check_allgather(const mr_comm *c)
{
    const size_t saved = mr_comm_gather_limit;
    size_t total = 0, first = 0;
    for (int r = 0; r < c->size; r++) {
        first += r < c->rank ? 5 * (size_t)r : 0;
        total += 5 * (size_t)r;
    }
    const size_t n = 5 * (size_t)c->rank;
    double *mine = malloc((n ? n : 1) * sizeof *mine),
           *all = malloc((total ? total : 1) * sizeof *all);
    if (!mine || !all) {
        CHECK(0, "allgather: out of memory");
        free(mine);
        free(all);
        return;
    }
    for (size_t i = 0; i < n; i++)
        mine[i] = 0.5 + (double)(first + i);
    const size_t limits[2] = {saved, 7};
    for (int k = 0; k < 2; k++) {
        mr_comm_gather_limit = limits[k];
        memset(all, 0xff, (total ? total : 1) * sizeof *all);
        CHECK(mr_comm_allgather_f64(c, mine, n, all) == 0, "allgather (limit %zu) failed",
              limits[k]);
        size_t bad = 0;
        for (size_t i = 0; i < total; i++)
            bad += !same(all[i], 0.5 + (double)i);
        CHECK(bad == 0, "allgather (limit %zu): %zu of %zu values wrong", limits[k], bad, total);
    }
    mr_comm_gather_limit = saved;
    free(mine);
    free(all);
}

/* The summary's bootstrap with its resamples shared among the ranks
   (sim/studies/paired.h, mr_paired_compute_tails with comm): every rank
   holds the same top tails of 3,000 trials' losses and annual losses and
   gets, bit for bit, what one process gives alone (comm NULL), for 200
   resamples (every rank a share), 101 (shares of different sizes) and 2
   (fewer resamples than ranks, so a rank draws none). */
static void check_paired(const mr_comm *c)
{
    enum { N = 3000, H = 4, TOP = 400, TOPA = 600 };
    double *y = malloc(N * sizeof *y), *ay = malloc(N * H * sizeof *ay);
    double *tv = malloc(TOP * sizeof *tv), *tav = malloc(TOPA * sizeof *tav);
    uint32_t *tt = malloc(TOP * sizeof *tt), *tat = malloc(TOPA * sizeof *tat);
    uint32_t *tt2 = malloc(TOP * sizeof *tt2), *tat2 = malloc(TOPA * sizeof *tat2);
    if (!y || !ay || !tv || !tav || !tt || !tat || !tt2 || !tat2) {
        CHECK(0, "paired: out of memory");
        goto out;
    }
    for (size_t i = 0; i < N; i++) {
        y[i] = 0.0;
        for (size_t k = 0; k < H; k++) {
            ay[i * H + k] = lossy(i, k, 12);
            y[i] += ay[i * H + k];
        }
    }
    /* the top tails of y and ay, ascending, ties in trial order (a
       selection by brute force: the values are few) */
    const struct {
        const double *v;
        size_t m, c;
        double *val;
        uint32_t *trial;
    } tops[2] = {{y, N, TOP, tv, tt}, {ay, (size_t)N * H, TOPA, tav, tat}};
    for (int w = 0; w < 2; w++) {
        size_t got = 0;
        for (size_t j = 0; j < tops[w].m; j++) { /* rank of j: how many sort above it */
            size_t above = 0;
            for (size_t k = 0; k < tops[w].m; k++)
                above += tops[w].v[k] > tops[w].v[j] || (tops[w].v[k] == tops[w].v[j] && k > j);
            if (above < tops[w].c) {
                tops[w].val[tops[w].c - 1 - above] = tops[w].v[j];
                tops[w].trial[tops[w].c - 1 - above] = (uint32_t)(j / (w ? H : 1));
                got++;
            }
        }
        CHECK(got == tops[w].c, "paired: top tail %d holds %zu values", w, got);
    }
    const int boots[3] = {200, 101, 2};
    for (int b = 0; b < 3; b++) {
        mr_paired one, shared;
        /* the tails' trial arrays are scratch: a fresh copy for each call */
        mr_paired_tail loss = {tv, tt2, TOP, N, TOP}, ann = {tav, tat2, TOPA, (size_t)N * H, TOPA};
        size_t short1 = 0, short2 = 0;
        memcpy(tt2, tt, TOP * sizeof *tt);
        memcpy(tat2, tat, TOPA * sizeof *tat);
        CHECK(mr_paired_compute_tails(&loss, &ann, 1, N, H, 17, "mpi", boots[b], &one, &short1,
                                      NULL) == 0,
              "tails: one process failed");
        memcpy(tt2, tt, TOP * sizeof *tt);
        memcpy(tat2, tat, TOPA * sizeof *tat);
        CHECK(mr_paired_compute_tails(&loss, &ann, 1, N, H, 17, "mpi", boots[b], &shared, &short2,
                                      c) == 0,
              "tails: %d ranks failed", c->size);
        CHECK(memcmp(&one, &shared, sizeof one) == 0 && short1 == short2,
              "tails, %d resamples: %d ranks differ from one process", boots[b], c->size);
        CHECK(boots[b] < 100 || !isnan(one.diff[MR_PAIRED_ES99].lo),
              "tails, %d resamples: no ES 99 interval to compare", boots[b]);
    }
out:
    free(y);
    free(ay);
    free(tv);
    free(tav);
    free(tt);
    free(tat);
    free(tt2);
    free(tat2);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    mr_comm c = mr_comm_world();
    my_rank = c.rank;
    if (argc != 3) {
        if (c.rank == 0)
            fprintf(stderr, "usage: mpi_dstats SCENARIO.yaml OUTDIR\n");
        MPI_Finalize();
        return 2;
    }
    mr_scenario sc;
    mr_error err = {{0}};
    if (mr_scenario_load(argv[1], &sc, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        MPI_Finalize();
        return 2;
    }
    check_allgather(&c);
    if (!mr_comm_any(&c, failures != 0))
        check_paired(&c);
    /* "blocks": 8 blocks, the last one partial, on every rank;
       "small": one block, so all but rank 0 hold no trial. (Not after a
       failed gather: the cases' collectives assume every rank agrees.) */
    if (!mr_comm_any(&c, failures != 0)) {
        run_case(&c, &sc, "blocks", 7 * MR_BLOCK_TRIALS + 123, 1.0, argv[2]);
        run_case(&c, &sc, "small", 1000, 1.0, argv[2]);
        run_case(&c, &sc, "huge", 7 * MR_BLOCK_TRIALS + 123, ldexp(1.0, 600), argv[2]);
        check_spikes(&c, 7 * MR_BLOCK_TRIALS + 123);
    }
    mr_scenario_free(&sc);

    int any = mr_comm_any(&c, failures != 0);
    if (c.rank == 0)
        printf("mpi_dstats: %d ranks: %s\n", c.size, any ? "FAILED" : "all checks passed");
    MPI_Finalize();
    return any ? 1 : 0;
}
