/* summary.c - print the risk tables of a finished result file
 * (`minrisk summary FILE.h5`): one run's here, read by summary_read.c;
 * a file of several runs by summary_multi.c.
 *
 * Everything is read first and printed only when all of it was there, so a
 * damaged file prints nothing but the error.
 */
#define _POSIX_C_SOURCE 200809L

#include "out/tables/attr_print.h"
#include "models/units.h" /* MR_GBP_PER_MILLION */
#include "out/h5/read.h"
#include "out/format.h"
#include "out/tables/policy_cost.h"
#include "out/tables/summary.h"
#include "out/tables/summary_multi.h"
#include "out/tables/summary_read.h"
#include "out/tables/tab.h"
#include "out/tables/unc_print.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The static indicators, as `minrisk validate` shows them (MODEL §11). */
static int print_indicators(FILE *out, const summary *s)
{
    fprintf(out,
            "\nStatic indicators (no sampling): HHI = sum of supplier shares squared, x10^4; "
            "HHI_WGI =\nsum of share^2 x (10 - 2 (wgi_pv + 2.5)), 0-10, governance-weighted "
            "(EU method); * = a supplier\nwithout WGI, 5 assumed; a country with aggregate: "
            "true (the rest of the world) is left\nout of both and is never the top country; "
            "ABOVE CAP = top share above %.4g%%.\n\n",
            100.0 * s->cap);
    static const char *const head[] = {"mineral",     "stage",       "HHI (x10^4)", "HHI_WGI",
                                       "top country", "top share %", "flag"};
    const ind_table *it = &s->ind;
    table t = {it->n + 1, 7, NULL};
    if (mr_tab_headed(&t, head) < 0)
        return -1;
    size_t nabove = 0;
    for (size_t k = 0; k < it->n; k++) {
        const double *f = it->fig + k * NINDCOLS;
        snprintf(mr_tab_cell(&t, k + 1, 0), CELL, "%s", it->mineral[k]);
        snprintf(mr_tab_cell(&t, k + 1, 1), CELL, "%s", it->stage[k]);
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 2), 1e4 * f[ICOL_HHI], 0, "");
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 3), f[ICOL_HHI_WGI], 2,
                       f[ICOL_ASSUMED] != 0.0 ? "*" : " ");
        snprintf(mr_tab_cell(&t, k + 1, 4), CELL, "%s", it->top[k]);
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 5), 100.0 * f[ICOL_SHARE], 1, "");
        snprintf(mr_tab_cell(&t, k + 1, 6), CELL, "%s", f[ICOL_ABOVE] != 0.0 ? "ABOVE CAP" : "");
        nabove += f[ICOL_ABOVE] != 0.0;
    }
    mr_tab_print(out, &t);
    free(t.cell);
    fprintf(out, "\n%zu of %zu stages above the cap of %.4g%%\n", nabove, it->n, 100.0 * s->cap);
    return 0;
}

/* UK sourcing beside the world's product stage (/indicators/uk, format
   1.4; docs/MODEL.md §3u). */
static int print_uk_indicators(FILE *out, const summary *s)
{
    fprintf(out, "\nUK sourcing top share vs world top share (no sampling): world = the mineral's "
                 "product\nstage; UK = shares of the UK's purchases after any cap (+ = the cap "
                 "changed them); basis\ndata = UK import data (sources below), fallback = no UK "
                 "import data, the open market's\nshares stand in.\n\n");
    static const char *const head[] = {"mineral",   "stage",      "world top", "world share %",
                                       "world HHI", "world flag", "UK top",    "UK share %",
                                       "UK HHI",    "UK flag",    "basis"};
    const ind_table *u = &s->uk;
    table t = {u->n + 1, 11, NULL};
    if (mr_tab_headed(&t, head) < 0)
        return -1;
    size_t nabove = 0, nfallback = 0;
    for (size_t k = 0; k < u->n; k++) {
        const double *f = u->fig + k * NINDCOLS;
        snprintf(mr_tab_cell(&t, k + 1, 0), CELL, "%s", u->mineral[k]);
        snprintf(mr_tab_cell(&t, k + 1, 1), CELL, "%s", u->stage[k]);
        for (size_t w = 0; w < s->ind.n; w++) /* the world's row of the same stage */
            if (!strcmp(s->ind.mineral[w], u->mineral[k]) &&
                !strcmp(s->ind.stage[w], u->stage[k])) {
                const double *g = s->ind.fig + w * NINDCOLS;
                snprintf(mr_tab_cell(&t, k + 1, 2), CELL, "%s", s->ind.top[w]);
                mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 3), 100.0 * g[ICOL_SHARE], 1, "");
                mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 4), 1e4 * g[ICOL_HHI], 0, "");
                snprintf(mr_tab_cell(&t, k + 1, 5), CELL, "%s",
                         g[ICOL_ABOVE] != 0.0 ? "ABOVE CAP" : "");
            }
        snprintf(mr_tab_cell(&t, k + 1, 6), CELL, "%s", u->top[k]);
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 7), 100.0 * f[ICOL_SHARE], 1,
                       f[ICOL_CAPPED] != 0.0 ? "+" : " ");
        mr_tab_fmt_num(mr_tab_cell(&t, k + 1, 8), 1e4 * f[ICOL_HHI], 0, "");
        snprintf(mr_tab_cell(&t, k + 1, 9), CELL, "%s", f[ICOL_ABOVE] != 0.0 ? "ABOVE CAP" : "");
        snprintf(mr_tab_cell(&t, k + 1, 10), CELL, "%s", u->basis[k]);
        nabove += f[ICOL_ABOVE] != 0.0;
        nfallback += strcmp(u->basis[k], "data") != 0;
    }
    mr_tab_print(out, &t);
    free(t.cell);
    fprintf(out,
            "\n%zu of %zu minerals' UK sourcing above the cap of %.4g%%; %zu of %zu on the "
            "open-market fallback\n",
            nabove, u->n, 100.0 * s->cap, nfallback, u->n);
    for (size_t k = 0; k < u->n; k++)
        if (!strcmp(u->basis[k], "data"))
            fprintf(out, "  %s: UK data: %s\n", u->mineral[k], u->source[k]);
    return 0;
}

/* The headline's parts, means over the horizon (format 1.3 on). */
static int print_parts(FILE *out, const summary *s, int dec)
{
    /* without gva_gbp a sector's loss is counted on its output (docs/MODEL.md
       §8): say so, since the column still reads "value added lost" */
    const char *why = !strcmp(s->basis, "output")
                          ? "No sector states gva_gbp: value added lost is gross output lost, an "
                            "upper bound.\n"
                      : !strcmp(s->basis, "mixed")
                          ? "Sectors without gva_gbp count gross output lost as value added lost, "
                            "an upper bound.\n"
                          : "";
    fprintf(
        out,
        "\nHeadline loss = value added lost + extra input cost (basis: %s); gross output "
        "(turnover)\nlost is a secondary figure, not added. Means over the horizon, GBP m.\n%s\n",
        s->basis, why);
    static const char *const head[5] = {"sector", "value added lost", "extra cost", "headline",
                                        "gross output lost"};
    table t = {s->S + 2, 5, NULL};
    t.cell = calloc(t.rows * t.cols, sizeof *t.cell);
    if (!t.cell)
        return -1;
    for (size_t c = 0; c < 5; c++)
        snprintf(mr_tab_cell(&t, 0, c), CELL, "%s", head[c]);
    /* each column at the loss table's decimals, or more (at most 3) until its
       largest figure shows 2 significant digits: a value added lost of 0.35
       GBP m beside an extra cost of 408 printed as 0 until 2026-12-07 */
    int cdec[4];
    for (int c = 0; c < 4; c++) {
        double big = 0.0;
        for (size_t j = 0; j <= s->S; j++) {
            const double *p = s->parts + j * 3;
            const double v = fabs((c == 2 ? p[0] + p[1] : p[c < 2 ? c : 2]) / MR_GBP_PER_MILLION);
            big = isfinite(v) && v > big ? v : big;
        }
        cdec[c] = mr_tab_sig2_decimals(big, dec, 3);
    }
    for (size_t j = 0; j <= s->S; j++) {
        const double *p = s->parts + j * 3;
        snprintf(mr_tab_cell(&t, j + 1, 0), CELL, "%s", j < s->S ? s->sector[j] : "Total");
        mr_tab_fmt_num(mr_tab_cell(&t, j + 1, 1), p[0] / MR_GBP_PER_MILLION, cdec[0], "");
        mr_tab_fmt_num(mr_tab_cell(&t, j + 1, 2), p[1] / MR_GBP_PER_MILLION, cdec[1], "");
        mr_tab_fmt_num(mr_tab_cell(&t, j + 1, 3), (p[0] + p[1]) / MR_GBP_PER_MILLION, cdec[2], "");
        mr_tab_fmt_num(mr_tab_cell(&t, j + 1, 4), p[2] / MR_GBP_PER_MILLION, cdec[3], "");
    }
    mr_tab_print(out, &t);
    free(t.cell);
    return 0;
}

/* The stated policy costs, each with its source (MODEL §10). */
static void print_policy_costs(FILE *out, const summary *s)
{
    fprintf(out,
            "\nPolicy costs stated by the scenario (policies.cost: inputs, not sampled), GBP m "
            "over the\n%d-year horizon, undiscounted:\n\n",
            s->horizon);
    int w = 5;
    for (size_t k = 0; k < s->ncost; k++)
        if ((int)strlen(s->lever[k]) > w)
            w = (int)strlen(s->lever[k]);
    char c[64];
    for (size_t k = 0; k < s->ncost; k++) {
        mr_policy_cost_fmt(c, sizeof c, 10, s->cost[k] / MR_GBP_PER_MILLION);
        fprintf(out, "%-*s  %s  %s\n", w, s->lever[k], c, s->source[k]);
    }
    mr_policy_cost_fmt(c, sizeof c, 10, s->cost_total / MR_GBP_PER_MILLION);
    fprintf(out, "%-*s  %s\n", w, "Total", c);
}

static int print_summary(FILE *out, const summary *s, bool brief)
{
    fprintf(out, "Scenario   %s\n", s->scenario);
    fprintf(out, "Trials     %llu (seed %llu)\n", (unsigned long long)s->trials,
            (unsigned long long)s->seed);
    if (s->weighted && !(s->ess > 0.0)) /* NaN: the weights sum to 0 or to no finite number */
        fprintf(out,
                "Weights    importance-sampled (/importance), but the weights sum to 0 or to no "
                "finite number:\n           every likelihood ratio under- or overflowed, so "
                "EVERY WEIGHTED FIGURE BELOW IS MEANINGLESS;\n           weaken the tilt "
                "(docs/STUDIES.md, Importance sampling)\n");
    else if (s->weighted)
        fprintf(out,
                "Weights    importance-sampled (/importance): the statistics are weighted; "
                "effective sample\n           size %.0f of %llu trials, the largest weight %.2g%% "
                "of their sum\n",
                s->ess, (unsigned long long)s->trials, 100.0 * s->wmax_share);
    fprintf(out, "Horizon    %d years, %d steps a year\n", s->horizon, s->steps_per_year);
    fprintf(out, "Software   minrisk %s, file format %d.%d\n\n", s->software, s->version[0],
            s->version[1]);

    fprintf(out,
            "Losses in GBP m: over the %d-year horizon (mean; VaR = empirical quantile; ES = "
            "expected shortfall)\nand per year (AAL = average annual loss; 1-in-N = annual loss "
            "at a return period of N years).\nse = Monte Carlo standard error of the mean.\n\n",
            s->horizon);
    static const char *const head[NLOSSCOLS + 1] = {"sector",   "mean",      "se",     "VaR 95%",
                                                    "VaR 99%",  "VaR 99.5%", "ES 99%", "AAL",
                                                    "1-in-100", "1-in-200"};
    table t = {s->S + 2, NLOSSCOLS + 1, NULL};
    t.cell = calloc(t.rows * t.cols, sizeof *t.cell);
    if (!t.cell)
        return -1;
    double maxabs = 0.0;
    for (size_t i = 0; i < (s->S + 1) * NLOSSCOLS; i++)
        if (isfinite(s->loss[i]))
            maxabs = fmax(maxabs, fabs(s->loss[i]) / MR_GBP_PER_MILLION);
    int dec = mr_tab_decimals(maxabs);
    for (size_t c = 0; c <= NLOSSCOLS; c++)
        snprintf(mr_tab_cell(&t, 0, c), CELL, "%s", head[c]);
    for (size_t j = 0; j <= s->S; j++) {
        snprintf(mr_tab_cell(&t, j + 1, 0), CELL, "%s", j < s->S ? s->sector[j] : "Total");
        for (size_t c = 0; c < NLOSSCOLS; c++)
            mr_tab_fmt_num(mr_tab_cell(&t, j + 1, c + 1),
                           s->loss[j * NLOSSCOLS + c] / MR_GBP_PER_MILLION, dec, "");
    }
    mr_tab_print(out, &t);
    free(t.cell);
    if (brief)
        return 0;
    if (s->parts && print_parts(out, s, dec) < 0)
        return -1;
    if (s->ncost > 0)
        print_policy_costs(out, s);

    fprintf(out,
            "\nMinerals: P(short) = probability that the peak shortfall exceeds 1%% of "
            "demand; mean short =\nmean shortfall over the horizon, %% of demand; months "
            "short = mean months with shortfall > 1%%;\nP(stock empty) = probability that "
            "the strategic stockpile runs out; peak price = mean peak P/P0.\n%s\n",
            s->weighted ? "Weighted: a probability is the unbiased sum w 1{event} / N, which "
                          "sampling error\ncan carry past 100%.\n"
                        : "");
    static const char *const mhead[NMINCOLS + 1] = {"mineral",      "P(short)",       "mean short",
                                                    "months short", "P(stock empty)", "peak price"};
    table m = {s->M + 1, NMINCOLS + 1, NULL};
    m.cell = calloc(m.rows * m.cols, sizeof *m.cell);
    if (!m.cell)
        return -1;
    for (size_t c = 0; c <= NMINCOLS; c++)
        snprintf(mr_tab_cell(&m, 0, c), CELL, "%s", mhead[c]);
    for (size_t k = 0; k < s->M; k++) {
        const double *f = s->mineral_fig + k * NMINCOLS;
        snprintf(mr_tab_cell(&m, k + 1, 0), CELL, "%s", s->mineral[k]);
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 1), 100.0 * f[MCOL_PSHORT], 1, "%");
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 2), 100.0 * f[MCOL_SHORT], 2, "%");
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 3), f[MCOL_MONTHS], 1, "");
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 4), 100.0 * f[MCOL_PEMPTY], 1, "%");
        mr_tab_fmt_num(mr_tab_cell(&m, k + 1, 5), f[MCOL_PRICE], 2, "x");
    }
    mr_tab_print(out, &m);
    free(m.cell);
    if (s->ind.n > 0 && print_indicators(out, s) < 0)
        return -1;
    if (s->uk.n > 0 && s->ind.n > 0) /* beside the world's rows */
        return print_uk_indicators(out, s);
    return 0;
}

/* ---- entry point ------------------------------------------------------------ */

int mr_summary_print(const char *path, FILE *out, mr_error *err)
{
    return mr_summary_print_brief(path, out, false, err);
}

/* /precision (minrisk run --target-precision): what stopped the run, the
   precision reached per target and the check points. 0, or -1 (r->status). */
static int print_precision(mr_h5r *r, FILE *out)
{
    const hid_t f = r->file;
    if (H5Lexists(f, "/precision", H5P_DEFAULT) <= 0)
        return 0;
    long long T = mr_h5r_extent(r, f, "precision/target"),
              K = mr_h5r_extent(r, f, "precision/check_trials");
    if (T < 1 || K < 1 || T > 64 || K > 64)
        return mr_h5r_damaged(r, f, "precision/target");
    char **name = mr_h5r_strings(r, f, "precision/target", (size_t)T);
    char *stop = mr_h5r_text(r, f, "precision/stopped_by");
    uint64_t *ct =
        mr_h5r_read_new(r, f, "precision/check_trials", H5T_NATIVE_UINT64, sizeof *ct, (size_t)K);
    double *want = mr_h5r_read_new(r, f, "precision/target_relative_half_width", H5T_NATIVE_DOUBLE,
                                   sizeof(double), (size_t)T);
    double *est = mr_h5r_read_new(r, f, "precision/estimate", H5T_NATIVE_DOUBLE, sizeof(double),
                                  (size_t)(K * T));
    double *rel = mr_h5r_read_new(r, f, "precision/relative_half_width", H5T_NATIVE_DOUBLE,
                                  sizeof(double), (size_t)(K * T));
    int rc = -1;
    stop = mr_h5r_printable_own(stop);
    if (name && stop && ct && want && est && rel && mr_h5r_printable(r, name, (size_t)T) == 0) {
        fprintf(out, "\nPrecision target: stopped at %llu trials by %s\n",
                (unsigned long long)ct[K - 1], stop);
        fprintf(out, "  %-20s %10s %10s %16s\n", "target", "wanted", "reached", "estimate GBP m");
        for (long long k = 0; k < T; k++) {
            const double reached = rel[(K - 1) * T + k];
            fprintf(out, "  %-20s %10.4f %10.4f %16.2f%s\n", name[k], want[k], reached,
                    est[(K - 1) * T + k] / 1e6, reached <= want[k] ? "" : "  not met");
        }
        fprintf(out, "  check points (trials: relative half-width of each target):\n");
        for (long long c = 0; c < K; c++) {
            fprintf(out, "  %10llu:", (unsigned long long)ct[c]);
            for (long long k = 0; k < T; k++)
                fprintf(out, " %.4f", rel[c * T + k]);
            fprintf(out, "\n");
        }
        rc = 0;
    }
    mr_h5r_free_strings(name, (size_t)(T > 0 ? T : 0));
    free(stop);
    free(ct);
    free(want);
    free(est);
    free(rel);
    return rc;
}

int mr_summary_print_brief(const char *path, FILE *out, bool brief, mr_error *err)
{
    mr_h5r r;
    summary s;
    memset(&s, 0, sizeof s);
    int multi = 0; /* 1: a sweep or comparison file, printed */
    if (mr_h5r_open(&r, path, 0, err) == 0 && mr_summary_read_header(&r, &s) == 0 &&
        (multi = mr_summary_print_multi(&r, out)) == 0)
        mr_summary_read(&r, &s);
    mr_h5r_close(&r);

    if (!r.status && !multi && print_summary(out, &s, brief) < 0)
        mr_h5r_nomem(&r); /* a table left out: not exit status 0 */
    if (!r.status && !multi && !brief && mr_h5r_open(&r, path, 0, err) == 0) {
        print_precision(&r, out);
        mr_h5r_close(&r);
    }
    mr_summary_free(&s);
    if (r.status) /* out of memory is no fault of the file's */
        return r.status == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
    return multi || brief ? 0 : mr_attr_print(path, out, err); /* /attribution */
}
