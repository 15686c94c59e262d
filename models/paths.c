/* paths.c - time paths (docs/SCENARIO_FORMAT.md, "Time paths"). */
#include "models/paths.h"

double mr_path_at(const mr_path *p, double year)
{
    if (year <= p->year[0])
        return p->value[0];
    int n = p->n;
    if (year >= p->year[n - 1])
        return p->value[n - 1];
    int k = 1;
    while (p->year[k] < year)
        k++;
    /* year[k-1] < year <= year[k] */
    double w = (year - p->year[k - 1]) / (p->year[k] - p->year[k - 1]);
    return p->value[k - 1] + w * (p->value[k] - p->value[k - 1]);
}

double mr_path_or(const mr_path *path, double value, double year)
{
    return path ? mr_path_at(path, year) : value;
}

double mr_path_step_time(int start_year, int n, int t)
{
    return (double)start_year + ((double)t + 0.5) / (double)n;
}
