/* multi_uk.c - the UK sourcing of every run of a sweep or comparison file,
 * side by side (`minrisk summary`; split from summary.c, which prints the
 * rest). */
#include "out/tables/multi_uk.h"
#include "out/tables/tab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- UK sourcing of each run of a comparison or sweep ---------------------- */

void mr_multi_uk_free(multi_uk *m)
{
    for (size_t i = 0; m->run && i < m->n; i++)
        mr_summary_free(&m->run[i]);
    free(m->run);
    mr_h5r_free_strings(m->label, m->n);
}

/* compare: /runs/a and /runs/b; else the sweep's /variants/<name> in the
   order of /sweep/variant. */
int mr_multi_uk_read(mr_h5r *r, bool compare, multi_uk *m)
{
    memset(m, 0, sizeof *m);
    const char *list = compare ? "difference/run" : "sweep/variant";
    long long n = mr_h5r_extent(r, r->file, list);
    if (n < 1)
        return n < 0 ? -1 : 0;
    if (n > MR_H5R_MAX_STRINGS || (compare && n > 26))
        return mr_h5r_damaged_why(r, r->file, list, "has %lld runs", n);
    m->label = mr_h5r_strings(r, r->file, list, (size_t)n);
    if (!m->label)
        return r->status ? -1 : mr_h5r_nomem(r);
    m->n = (size_t)n;
    if (!(m->run = calloc(m->n, sizeof *m->run)))
        return mr_h5r_nomem(r);
    for (size_t i = 0; i < m->n; i++) {
        char g[600];
        if ((size_t)snprintf(g, sizeof g, "/%s/%s", compare ? "runs" : "variants", m->label[i]) >=
            sizeof g)
            return mr_h5r_damaged_why(r, r->file, "sweep/variant", "has a name of %zu bytes",
                                      strlen(m->label[i]));
        if (mr_summary_read_indicators_at(r, g, &m->run[i]) < 0)
            return -1;
    }
    return mr_h5r_printable(r, m->label, m->n);
}

/* Row of mineral `id` in t, or -1. */
static long uk_row(const ind_table *t, const char *id)
{
    for (size_t k = 0; k < t->n; k++)
        if (!strcmp(t->mineral[k], id))
            return (long)k;
    return -1;
}

/* The world's row of the UK row k of s (same mineral and stage), or -1. */
static long world_row(const summary *s, size_t k)
{
    for (size_t w = 0; w < s->ind.n; w++)
        if (!strcmp(s->ind.mineral[w], s->uk.mineral[k]) &&
            !strcmp(s->ind.stage[w], s->uk.stage[k]))
            return (long)w;
    return -1;
}

/* "CN 65.0" (+ when capped); "-" without a row. */
static void top_cell(char *dst, const char *top, double share, bool capped)
{
    snprintf(dst, CELL, "%s %.1f%s", top, 100.0 * share, capped ? "+" : "");
}

/* A and B side by side: the world's top share, the UK's before and after
   any cap, the flags and the change of the UK's top share. */
static void print_compare_uk(FILE *out, const multi_uk *m)
{
    const summary *a = &m->run[0], *b = &m->run[1];
    const bool before = a->uk.share_before && b->uk.share_before;
    fprintf(out,
            "\nUK sourcing top share, A vs B (no sampling): top country and share %% of the "
            "world's product\nstage and of the UK's purchases (%safter any cap, + = the cap "
            "changed them); flag: UK share\nabove the run's cap (A %.4g%%, B %.4g%%); B - A "
            "in percentage points.\n\n",
            before ? "before and " : "", 100.0 * a->cap, 100.0 * b->cap);
    const char *head[11];
    size_t nc = 0;
    head[nc++] = "mineral";
    head[nc++] = "stage";
    for (int x = 0; x < 2; x++) {
        head[nc++] = x ? "world B" : "world A";
        if (before)
            head[nc++] = x ? "UK B before" : "UK A before";
        head[nc++] = x ? "UK B" : "UK A";
        head[nc++] = x ? "B flag" : "A flag";
    }
    head[nc++] = "UK B - A";
    table t = {a->uk.n + 1, nc, NULL};
    if (mr_tab_headed(&t, head) < 0)
        return;
    size_t nabove[2] = {0, 0};
    for (size_t k = 0; k < a->uk.n; k++) {
        size_t c = 0;
        snprintf(mr_tab_cell(&t, k + 1, c++), CELL, "%s", a->uk.mineral[k]);
        snprintf(mr_tab_cell(&t, k + 1, c++), CELL, "%s", a->uk.stage[k]);
        double share[2] = {NAN, NAN};
        for (int x = 0; x < 2; x++) {
            const summary *s = x ? b : a;
            long u = x ? uk_row(&b->uk, a->uk.mineral[k]) : (long)k;
            long w = u < 0 ? -1 : world_row(s, (size_t)u);
            if (w >= 0)
                top_cell(mr_tab_cell(&t, k + 1, c), s->ind.top[w],
                         s->ind.fig[(size_t)w * NINDCOLS + ICOL_SHARE], false);
            else
                snprintf(mr_tab_cell(&t, k + 1, c), CELL, "-");
            c++;
            if (u < 0) {
                snprintf(mr_tab_cell(&t, k + 1, c++), CELL, "-");
                if (before)
                    snprintf(mr_tab_cell(&t, k + 1, c++), CELL, "-");
                c++;
                continue;
            }
            const double *f = s->uk.fig + (size_t)u * NINDCOLS;
            if (before)
                top_cell(mr_tab_cell(&t, k + 1, c++), s->uk.top_before[u], s->uk.share_before[u],
                         false);
            top_cell(mr_tab_cell(&t, k + 1, c++), s->uk.top[u], f[ICOL_SHARE],
                     f[ICOL_CAPPED] != 0.0);
            snprintf(mr_tab_cell(&t, k + 1, c++), CELL, "%s",
                     f[ICOL_ABOVE] != 0.0 ? "ABOVE CAP" : "");
            nabove[x] += f[ICOL_ABOVE] != 0.0;
            share[x] = f[ICOL_SHARE];
        }
        if (isnan(share[0]) || isnan(share[1]))
            snprintf(mr_tab_cell(&t, k + 1, c), CELL, "-");
        else
            snprintf(mr_tab_cell(&t, k + 1, c), CELL, "%+.1f", 100.0 * share[1] - 100.0 * share[0]);
    }
    mr_tab_print(out, &t);
    free(t.cell);
    fprintf(out, "\nUK sourcing above the cap: A %zu of %zu minerals, B %zu of %zu\n", nabove[0],
            a->uk.n, nabove[1], b->uk.n);
}

#define GRID_VARIANTS 12 /* variant columns of one block of the sweep's grid */

/* A mineral x variant grid of the UK's top share after any cap, the
   world's top share once (the first variant's; * where a variant's
   differs), in blocks of GRID_VARIANTS variants. */
/* A run's column label: #1, #2, ... in a sweep, its row in the table of
   variants above (not v1, v2: a sweep numbered for its long names calls
   its groups v0, v1, ...); A, B, ... in a comparison (as `minrisk compare`
   prints them; at most 26 runs). */
static void run_label(char *buf, size_t v, bool compare)
{
    if (compare)
        snprintf(buf, CELL, "%c", (char)('A' + (int)(v % 26)));
    else
        snprintf(buf, CELL, "#%zu", v + 1);
}

/* The UK rows of every run side by side: a sweep's variants (#1, #2, ...) or
   the scenarios of a comparison of three or more (A, B, C, ...). */
static void print_sweep_uk(FILE *out, const multi_uk *m, bool compare)
{
    const summary *s0 = &m->run[0];
    const char *what = compare ? "scenario" : "variant";
    fprintf(out,
            "\nUK sourcing top share per %s (no sampling), %% of the UK's purchases "
            "after any cap: + = the\ncap changed them, ! = above the %s's cap; world "
            "and UK top = the first %s's top\ncountry and share of the product stage "
            "(* = some %s's differs).\n\n",
            what, what, what, what);
    for (size_t v0 = 0; v0 < m->n; v0 += GRID_VARIANTS) {
        const size_t nv = m->n - v0 < GRID_VARIANTS ? m->n - v0 : GRID_VARIANTS;
        table t = {s0->uk.n + 1, 4 + nv, NULL};
        if (!(t.cell = calloc(t.rows * t.cols, sizeof *t.cell)))
            return;
        static const char *const head[4] = {"mineral", "stage", "world top", "UK top"};
        for (size_t c = 0; c < 4; c++)
            snprintf(mr_tab_cell(&t, 0, c), CELL, "%s", head[c]);
        for (size_t v = 0; v < nv; v++)
            run_label(mr_tab_cell(&t, 0, 4 + v), v0 + v, compare);
        for (size_t k = 0; k < s0->uk.n; k++) {
            const char *id = s0->uk.mineral[k];
            long w0 = world_row(s0, k);
            bool wdiff = false, udiff = false;
            for (size_t v = 1; v < m->n; v++) {
                const summary *s = &m->run[v];
                long u = uk_row(&s->uk, id), w = u < 0 ? -1 : world_row(s, (size_t)u);
                wdiff = wdiff || w < 0 || w0 < 0 || strcmp(s->ind.top[w], s0->ind.top[w0]) ||
                        s->ind.fig[(size_t)w * NINDCOLS + ICOL_SHARE] !=
                            s0->ind.fig[(size_t)w0 * NINDCOLS + ICOL_SHARE];
                udiff = udiff || u < 0 || strcmp(s->uk.top[u], s0->uk.top[k]);
            }
            snprintf(mr_tab_cell(&t, k + 1, 0), CELL, "%s", id);
            snprintf(mr_tab_cell(&t, k + 1, 1), CELL, "%s", s0->uk.stage[k]);
            if (w0 >= 0)
                snprintf(mr_tab_cell(&t, k + 1, 2), CELL, "%s %.1f%s", s0->ind.top[w0],
                         100.0 * s0->ind.fig[(size_t)w0 * NINDCOLS + ICOL_SHARE], wdiff ? "*" : "");
            else
                snprintf(mr_tab_cell(&t, k + 1, 2), CELL, "-");
            snprintf(mr_tab_cell(&t, k + 1, 3), CELL, "%s%s", s0->uk.top[k], udiff ? "*" : "");
            for (size_t v = 0; v < nv; v++) {
                const summary *s = &m->run[v0 + v];
                long u = uk_row(&s->uk, id);
                if (u < 0) {
                    snprintf(mr_tab_cell(&t, k + 1, 4 + v), CELL, "-");
                    continue;
                }
                const double *f = s->uk.fig + (size_t)u * NINDCOLS;
                snprintf(mr_tab_cell(&t, k + 1, 4 + v), CELL, "%.1f%s%s", 100.0 * f[ICOL_SHARE],
                         f[ICOL_CAPPED] != 0.0 ? "+" : "", f[ICOL_ABOVE] != 0.0 ? "!" : "");
            }
        }
        if (v0)
            fputc('\n', out);
        mr_tab_print(out, &t);
        free(t.cell);
    }
    fputc('\n', out);
    for (size_t v = 0; v < m->n; v++) {
        size_t nabove = 0;
        for (size_t k = 0; k < m->run[v].uk.n; k++)
            nabove += m->run[v].uk.fig[k * NINDCOLS + ICOL_ABOVE] != 0.0;
        char lab[CELL];
        run_label(lab, v, compare);
        /* a comparison's scenarios are named at the top of its table */
        fprintf(out, "  %-4s %s%s(cap %.4g%%: %zu of %zu above)\n", lab, compare ? "" : m->label[v],
                compare ? "" : " ", 100.0 * m->run[v].cap, nabove, m->run[v].uk.n);
    }
}

/* After the comparison's or sweep's own table: the UK rows of each run,
   when every run has them (format 1.4). */
void mr_multi_uk_print(FILE *out, const multi_uk *m, bool compare)
{
    if (m->n < 1)
        return;
    for (size_t i = 0; i < m->n; i++)
        if (m->run[i].uk.n == 0 || m->run[i].ind.n == 0)
            return;
    if (compare && m->n == 2)
        print_compare_uk(out, m);
    else
        print_sweep_uk(out, m, compare); /* a sweep, or three or more scenarios */
}
