/* attr_print.h - the attribution tables of `minrisk summary` (/attribution,
 * docs/OUTPUT.md; docs/STUDIES.md "Attribution"). */
#ifndef MR_ATTR_PRINT_H
#define MR_ATTR_PRINT_H

#include "models/scenario.h"
#include "models/status.h"

#include <stdio.h>

/* Sources shown per family (mineral, country, event) and series. */
#define MR_ATTR_PRINT_TOP 5

/* Print the /attribution tables of a result file: per series (each sector,
   then the total) its ES 99 and the sources with the largest tail shares,
   top MR_ATTR_PRINT_TOP per family, with their 95% intervals and co-ES
   (GBP m); then, when the file has the counterfactual datasets, the mean
   loss and ES 99 each source removes with their intervals (GBP m).
   Everything is read before anything is printed. A file without
   /attribution prints nothing and returns 0. Returns MR_BAD_INPUT (-1)
   with err = "path: reason" when /attribution is there but cannot be read,
   MR_FAILED when out of memory. */
int mr_attr_print(const char *path, FILE *out, mr_error *err);

#endif
