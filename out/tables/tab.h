/* tab.h - column-aligned text tables (tab.c): the cells of a table, as
 * `minrisk summary` prints them. Not for use outside out/tables/.
 */
#ifndef MR_TAB_H
#define MR_TAB_H

#include "out/tables/cellnum.h"

#include <stddef.h>
#include <stdio.h>

#define CELL 48

typedef struct {
    size_t rows, cols; /* rows include the header row */
    char (*cell)[CELL];
} table;

/* Cell (row, col) of t (row 0 is the header). */
char *mr_tab_cell(table *t, size_t row, size_t col);
/* First column left-aligned, the others right-aligned, two spaces apart;
   any number of columns. */
void mr_tab_print(FILE *out, table *t);
/* v with `decimals` decimals and suffix into a cell; "n/a" for NaN; from
   MR_TAB_EXP_FROM up (and inf) 4 significant digits ("8.334e+228"), so
   that no figure is cut to the cell's 47 characters (cellnum.h). */
void mr_tab_fmt_num(char *dst, double v, int decimals, const char *suffix);
/* Decimals that show about four significant digits of the largest value. */
int mr_tab_decimals(double maxabs);
/* t's cells (t->rows x t->cols), empty but the first row, the heading
   `head`: 0, or -1 when out of memory. */
int mr_tab_headed(table *t, const char *const *head);

#endif
