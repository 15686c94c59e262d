/* tab.c - column-aligned text tables (tab.h), as `minrisk summary` prints
 * them for one run and for files of several runs. */
#include "out/tables/tab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *mr_tab_cell(table *t, size_t row, size_t col)
{
    return t->cell[row * t->cols + col];
}

/* First column left-aligned, the others right-aligned, two spaces apart. */
void mr_tab_print(FILE *out, table *t)
{
    size_t fixed[16] = {0}; /* any number of columns: beyond 16 on the heap */
    size_t *width = t->cols <= 16 ? fixed : calloc(t->cols, sizeof *width);
    if (!width) { /* out of memory: unaligned, every cell still printed */
        width = fixed;
        memset(fixed, 0, sizeof fixed);
    }
    const size_t nw = width == fixed ? 16 : t->cols;
    for (size_t c = 0; c < t->cols && c < nw; c++)
        for (size_t r = 0; r < t->rows; r++) {
            size_t w = strlen(mr_tab_cell(t, r, c));
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            int w = c < nw ? (int)width[c] : 0;
            if (c == 0)
                fprintf(out, "%-*s", w, mr_tab_cell(t, r, c));
            else
                fprintf(out, "  %*s", w, mr_tab_cell(t, r, c));
        }
        fputc('\n', out);
    }
    if (width != fixed)
        free(width);
}

void mr_tab_fmt_num(char *dst, double v, int decimals, const char *suffix)
{
    if (isnan(v))
        snprintf(dst, CELL, "n/a");
    else if (fabs(v) >= MR_TAB_EXP_FROM) /* %.0f of 1e228 was cut to 47 digits: 1e46 */
        snprintf(dst, CELL, "%.4g%s", v, suffix);
    else
        snprintf(dst, CELL, "%.*f%s", decimals, v, suffix);
}

int mr_tab_decimals(double maxabs)
{
    return maxabs >= 1000.0 ? 0 : maxabs >= 100.0 ? 1 : maxabs >= 1.0 ? 2 : 3;
}

/* t's cells (t->rows x t->cols), empty but the first row, the heading
   `head`: 0, or -1 when out of memory. */
int mr_tab_headed(table *t, const char *const *head)
{
    t->cell = calloc(t->rows * t->cols, sizeof *t->cell);
    if (!t->cell)
        return -1;
    for (size_t c = 0; c < t->cols; c++)
        snprintf(mr_tab_cell(t, 0, c), CELL, "%s", head[c]);
    return 0;
}
