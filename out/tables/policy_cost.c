/* policy_cost.c - the policy costs of a comparison as text (policy_cost.h). */
#include "out/tables/policy_cost.h"

#include "models/units.h" /* MR_GBP_PER_MILLION */

#include <math.h>

/* Decimals that show a ratio to about three significant digits. */
static int ratio_decimals(double x)
{
    double a = fabs(x);
    return a >= 100.0 ? 0 : a >= 10.0 ? 1 : a >= 1.0 ? 2 : 3;
}

void mr_policy_cost_fmt_per_pound(char *buf, size_t n, const double pp[3])
{
    if (isnan(pp[0])) {
        snprintf(buf, n, "n/a");
        return;
    }
    int d = ratio_decimals(pp[0]);
    if (isnan(pp[1]) || isnan(pp[2]))
        snprintf(buf, n, "%.*f", d, pp[0]);
    else
        snprintf(buf, n, "%.*f [%.*f, %.*f]", d, pp[0], d, pp[1], d, pp[2]);
}

void mr_policy_cost_print_pair(FILE *out, int horizon_years, const double cost[2],
                               const bool stated[2], const char *const uncosted[2],
                               const double pp[3])
{
    const double m = MR_GBP_PER_MILLION, dc = cost[1] - cost[0];
    char buf[160];
    fprintf(out,
            "\nPolicy cost over the %d-year horizon, GBP m (policies.cost: stated, not sampled;\n"
            "undiscounted), and loss avoided per pound of it: (mean A - mean B) / (cost B - cost "
            "A),\nwith the 95%% interval of the change in the mean divided by the cost "
            "difference.\n\n",
            horizon_years);
    fprintf(out, "%12s  %12s  %12s\n", "A", "B", "B - A");
    fprintf(out, "%12.1f  %12.1f  %12.1f\n", cost[0] / m, cost[1] / m, dc / m);
    for (int w = 0; w < 2; w++)
        if (uncosted[w][0])
            fprintf(out, "(%c uses levers with no stated cost, counted as 0: %s)\n", w ? 'B' : 'A',
                    uncosted[w]);
        else if (!stated[w])
            fprintf(out, "(%c states no policy cost: counted as 0)\n", w ? 'B' : 'A');
    mr_policy_cost_fmt_per_pound(buf, sizeof buf, pp);
    fprintf(out, "\nLoss avoided per pound  %s", buf);
    if (!(dc > 0.0))
        fprintf(out, " (B costs %s A: no extra cost to divide by)",
                dc == 0.0 ? "the same as" : "less than");
    fputc('\n', out);
}

void mr_policy_cost_print_many(FILE *out, int horizon_years, int n, const double *cost,
                               const bool *stated, const char *const *uncosted, const double *pp)
{
    const double m = MR_GBP_PER_MILLION;
    char buf[160];
    fprintf(out,
            "\nPolicy cost over the %d-year horizon, GBP m (policies.cost: stated, not sampled;\n"
            "undiscounted), and loss avoided per pound of each scenario's extra cost over A's:\n"
            "(mean A - mean X) / (cost X - cost A), with the 95%% interval of the change in the\n"
            "mean divided by the cost difference.\n\n",
            horizon_years);
    fprintf(out, "%-3s  %12s  %12s  %s\n", "run", "cost", "X - A", "loss avoided per pound");
    for (int w = 0; w < n; w++) {
        const double dc = cost[w] - cost[0];
        if (w == 0) {
            fprintf(out, "%-3c  %12.1f  %12s  %s\n", 'A', cost[0] / m, "", "(reference)");
            continue;
        }
        mr_policy_cost_fmt_per_pound(buf, sizeof buf, pp + 3 * (w - 1));
        fprintf(out, "%-3c  %12.1f  %12.1f  %s", 'A' + w, cost[w] / m, dc / m, buf);
        if (!(dc > 0.0))
            fprintf(out, " (costs %s A: no extra cost to divide by)",
                    dc == 0.0 ? "the same as" : "less than");
        fputc('\n', out);
    }
    for (int w = 0; w < n; w++)
        if (uncosted[w][0])
            fprintf(out, "(%c uses levers with no stated cost, counted as 0: %s)\n", 'A' + w,
                    uncosted[w]);
        else if (!stated[w])
            fprintf(out, "(%c states no policy cost: counted as 0)\n", 'A' + w);
}
