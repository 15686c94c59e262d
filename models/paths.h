/* paths.h - time paths (docs/SCENARIO_FORMAT.md, "Time paths"): a number
 * given by calendar year, linear between its points and constant before
 * the first point and after the last.
 */
#ifndef MR_PATHS_H
#define MR_PATHS_H

/* n points (year[k], value[k]), years strictly increasing, n >= 1. */
typedef struct {
    int n;
    double *year;
    double *value;
} mr_path;

/* The path's value at calendar time `year` (a fraction of a year allowed):
   the value of the first point before it, of the last after it, linear
   between two points. */
double mr_path_at(const mr_path *p, double year);

/* A key that takes a number or a path, at calendar time `year`: the
   path's value there, or `value` where path is NULL. */
double mr_path_or(const mr_path *path, double value, double year);

/* The calendar time whose value step t of a grid of n steps a year that
   starts on 1 January of start_year takes: the middle of the step, so that
   a linear piece gives the step its mean over the step. */
double mr_path_step_time(int start_year, int n, int t);

#endif
