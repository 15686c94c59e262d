/* supply.c - supply per mineral and step, and the strategic stockpile (MODEL §4). */
#include "models/supply.h"

double mr_stage_availability(int n, const double *share, const double *spare, const double *loss,
                             double ramp)
{
    double lost = 0.0, capacity = 0.0;
    for (int c = 0; c < n; c++) {
        lost += share[c] * loss[c];
        capacity += share[c] * spare[c] * (1.0 - loss[c]);
    }
    double reroute = ramp * capacity;
    if (reroute > lost)
        reroute = lost;
    /* at least 0: shares that sum to 1 within the loader's 1e-9, or the
       open market's shares after home uses (within round-off), all lost
       would leave 1 - lost a little below 0 (docs/MODEL.md §4) */
    double a = 1.0 - lost + reroute;
    return a > 0.0 ? a : 0.0;
}

double mr_supply_gap(double recycled, double domestic, double availability)
{
    double g = (1.0 - recycled - domestic) * (1.0 - availability);
    return g > 0.0 ? g : 0.0;
}

/* A stage's export-control factor a / p: exactly 1 without export
   controls (a == p), 0 when its physical availability is 0. */
static double export_factor(double a, double p)
{
    return a == p ? 1.0 : p > 0.0 ? a / p : 0.0;
}

double mr_chain_stages(double a_mining, double p_mining, double a_refining, double p_refining)
{
    /* min(p_m, p_r) (a_m / p_m) (a_r / p_r), with the shorter stage's own
       factor cancelled exactly: no export control gives min(p_m, p_r), and
       a stage that is 1 leaves the other's availability exactly */
    if (p_mining <= p_refining)
        return a_mining * export_factor(a_refining, p_refining);
    return a_refining * export_factor(a_mining, p_mining);
}

double mr_spare_ramp(int k, double h_months, double ramp_months)
{
    if (!(ramp_months > 0.0))
        return 1.0;
    double x = k * h_months / ramp_months;
    return x < 1.0 ? x : 1.0;
}

double mr_stockpile_step(const mr_stockpile_rule *rule, double *level, double gap, double h)
{
    if (gap > rule->trigger) {
        double r = gap;
        int empties = 0;
        if (*level / h <= r) {
            r = *level / h;
            empties = 1;
        }
        if (rule->max_release < r) {
            r = rule->max_release;
            empties = 0;
        }
        /* Set the level to exactly 0 when the release takes all of it, so
           round-off never leaves a crumb that looks like stock. */
        *level = empties ? 0.0 : *level - r * h;
        if (*level < 0.0)
            *level = 0.0;
        return r;
    }
    if (gap <= 0.0 && *level < rule->target_months) {
        *level += rule->refill_rate * h;
        if (*level > rule->target_months)
            *level = rule->target_months;
    }
    return 0.0;
}
