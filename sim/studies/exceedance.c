/* exceedance.c - return-period losses with bootstrap intervals
 * (exceedance.h). Each series is sorted once with its trial indices; a
 * resample's return-period losses are found by walking the sorted values
 * from the top, each weighted by its trial's count in the resample, until
 * each wanted rank is reached (the method of paired.c).
 */
#include "sim/studies/exceedance.h"

#include "models/units.h"
#include "out/format.h"
#include "out/stats/stats.h"
#include "out/stats/wstats.h"
#include "sim/studies/paired.h"
#include "out/stopsig_worker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fewest values beyond a return period's level for an interval. */
#define MIN_TAIL_VALUES 10.0

typedef struct {
    double v;
    uint32_t trial;
} item;

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v ? 1 : (x->trial > y->trial) - (x->trial < y->trial);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int mr_exceedance(const double *x, size_t n, size_t H, size_t K, const double *periods, size_t np,
                  uint64_t seed, const char *label, int nboot, const mr_comm *comm, double *est,
                  double *lo, double *hi)
{
    if (n > MR_MAX_TRIALS)
        return -1;
    const size_t m = n * H;
    for (size_t q = 0; q < K * np; q++)
        est[q] = lo[q] = hi[q] = NAN;
    if (m == 0 || K == 0 || np == 0)
        return 0;
    item *it = malloc(K * m * sizeof *it);
    double *sorted = malloc(m * sizeof *sorted);
    uint64_t *top = malloc(np * sizeof *top); /* wanted position from the top, 1-based */
    const int boot = nboot >= MR_PAIRED_MIN_BOOT;
    const size_t B = boot ? (size_t)nboot : 0, V = K * np;
    /* rows.all[r * V + q]: resample r's statistic q (q = k np + p), the
       ranks' shares gathered */
    mr_comm_rows rows;
    int nomem = mr_comm_rows_alloc(&rows, B, V, comm) != 0;
    double *b = boot ? malloc(B * sizeof *b) : NULL;
    int rc = -1, failed = 0;
    if (mr_comm_any(comm, nomem || !it || !sorted || !top || (boot && !b)))
        goto out; /* on every rank */
    for (size_t k = 0; k < K; k++) {
        item *s = it + k * m;
        for (size_t i = 0; i < n; i++)
            for (size_t y = 0; y < H; y++)
                s[i * H + y] = (item){x[(i * H + y) * K + k], (uint32_t)i};
        qsort(s, m, sizeof *s, cmp_item);
        for (size_t a = 0; a < m; a++)
            sorted[a] = s[a].v;
        for (size_t p = 0; p < np; p++)
            est[k * np + p] = mr_stats_return_period_sorted(sorted, m, periods[p]);
    }
    if (!boot) {
        rc = 0;
        goto out;
    }
    for (size_t p = 0; p < np; p++)
        top[p] = (periods[p] > 1.0 && (double)m >= periods[p])
                     ? (uint64_t)m - mr_stats_rank(m, 1.0 - 1.0 / periods[p]) + 1
                     : 0;
#pragma omp parallel
    {
        mr_stopsig_worker(); /* the stop signals reach the main thread alone */
        uint32_t *cnt = malloc(n * sizeof *cnt);
        if (!cnt) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 8)
        for (uint64_t r = rows.r0; r < rows.r1; r++) {
            if (!cnt || mr_paired_resample_counts(seed, label, r, n, cnt)) {
#pragma omp atomic write
                failed = 1;
                continue;
            }
            for (size_t k = 0; k < K; k++) {
                const item *s = it + k * m;
                uint64_t cum = 0;
                size_t a = m;
                /* the periods from the largest (the fewest values from the top) */
                for (size_t pp = np; pp-- > 0;) {
                    double v = NAN;
                    if (top[pp] > 0) {
                        while (cum < top[pp] && a > 0)
                            cum += cnt[s[--a].trial];
                        v = s[a].v;
                    }
                    mr_comm_rows_at(&rows, r)[k * np + pp] = v;
                }
            }
        }
        free(cnt);
    }
    if (mr_comm_rows_gather(&rows, failed) != 0)
        goto out; /* on every rank */
    for (size_t q = 0; q < V; q++) {
        double R = periods[q % np];
        if (isnan(est[q]) || (double)m / R < MIN_TAIL_VALUES)
            continue;
        for (size_t r = 0; r < B; r++)
            b[r] = rows.all[r * V + q];
        qsort(b, B, sizeof *b, cmp_double);
        lo[q] = mr_stats_quantile_sorted(b, B, 0.025);
        hi[q] = mr_stats_quantile_sorted(b, B, 0.975);
    }
    rc = 0;
out:
    free(it);
    free(sorted);
    free(top);
    mr_comm_rows_free(&rows);
    free(b);
    return rc;
}

int mr_exceedance_weighted(const double *x, size_t n, size_t H, size_t K, const double *w,
                           const double *periods, size_t np, uint64_t seed, int nboot,
                           const mr_comm *comm, double *est, double *lo, double *hi)
{
    const size_t m = n * H;
    if (m >= UINT32_MAX)
        return -1;
    for (size_t q = 0; q < K * np; q++)
        est[q] = lo[q] = hi[q] = NAN;
    if (m == 0 || K == 0 || np == 0)
        return 0;
    double *col = malloc(m * sizeof *col), *we = malloc(m * sizeof *we);
    double *xs = malloc(m * sizeof *xs), *ws = malloc(m * sizeof *ws);
    uint32_t *tri = malloc(m * sizeof *tri);
    double *p = malloc(np * sizeof *p), *elo = malloc(np * sizeof *elo);
    double *ehi = malloc(np * sizeof *ehi);
    int rc = -1;
    if (mr_comm_any(comm, !col || !we || !xs || !ws || !tri || !p || !elo || !ehi))
        goto out;
    for (size_t a = 0; a < m; a++)
        we[a] = w[a / H];
    for (size_t q = 0; q < np; q++)
        p[q] = 1.0 - 1.0 / periods[q];
    for (size_t k = 0; k < K; k++) {
        for (size_t a = 0; a < m; a++)
            col[a] = x[a * K + k];
        if (mr_comm_any(comm, mr_wstats_sort(col, we, m, xs, ws, tri) != 0))
            goto out;
        for (size_t a = 0; a < m; a++)
            tri[a] /= (uint32_t)H; /* element -> its trial */
        double *e = est + k * np, *l = lo + k * np, *h = hi + k * np;
        for (size_t q = 0; q < np; q++)
            e[q] = (periods[q] > 1.0 && (double)m >= periods[q])
                       ? mr_wstats_quantile_sorted(xs, ws, m, (double)m, p[q], NULL)
                       : NAN;
        if (nboot < 1)
            continue;
        if (mr_wstats_bootstrap(xs, ws, tri, m, n, (double)m, p, np, nboot, MR_OUTPUT_CI_LEVEL,
                                seed, comm, l, h, elo, ehi) != 0)
            goto out;
        for (size_t q = 0; q < np; q++)
            if (isnan(e[q]) || mr_wstats_count_above(xs, m, e[q]) < (size_t)MIN_TAIL_VALUES)
                l[q] = h[q] = NAN;
    }
    rc = 0;
out:
    free(col);
    free(we);
    free(xs);
    free(ws);
    free(tri);
    free(p);
    free(elo);
    free(ehi);
    return rc;
}
