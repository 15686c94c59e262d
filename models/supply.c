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
    return 1.0 - lost + reroute;
}

double mr_supply_gap(double recycled, double domestic, double availability)
{
    double g = (1.0 - recycled - domestic) * (1.0 - availability);
    return g > 0.0 ? g : 0.0;
}

double mr_chain_stages(double a_mining, double a_refining)
{
    return a_mining < a_refining ? a_mining : a_refining;
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
