/* policy_cost.c - the policy costs of a comparison as text (policy_cost.h). */
#include "out/tables/policy_cost.h"

#include "models/units.h" /* MR_GBP_PER_MILLION */
#include "out/tables/cellnum.h"

#include <math.h>
#include <string.h>

void mr_policy_cost_fmt(char *buf, size_t n, int width, double m)
{
    double a = fabs(m);
    if (a >= 1.0 || a == 0.0)
        snprintf(buf, n, "%*.1f", width, m);
    else if (a >= 0.001)
        snprintf(buf, n, "%*.3f", width, m);
    else
        snprintf(buf, n, "%*.1e", width, m);
}

static void cost_cell(FILE *out, double m)
{
    char b[64];
    mr_policy_cost_fmt(b, sizeof b, 12, m);
    fputs(b, out);
}

/* The names of list ("a, b, c") that are not in ref, into buf ("" when
   none): run w's uncosted levers that A does not also use without a cost. */
static void names_not_in(const char *list, const char *ref, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        bool found = false;
        for (const char *r = ref; *r && !found;) {
            size_t k = strcspn(r, ",");
            found = k == l && !strncmp(p, r, l);
            r += k;
            r += strspn(r, ", ");
        }
        if (!found && len < n)
            len += (size_t)snprintf(buf + len, n - len, "%s%.*s", len ? ", " : "", (int)l, p);
        p += l;
        p += strspn(p, ", ");
    }
}

/* The notes on run w's levers without a stated cost (w >= 1: against A's,
   since the per pound figure divides the whole change by the stated
   costs' difference). */
static void uncosted_notes(FILE *out, char who, int w, const char *const *uncosted, bool stated)
{
    if (!uncosted[w][0]) {
        if (!stated)
            fprintf(out, "(%c states no policy cost: counted as 0)\n", who);
        return;
    }
    fprintf(out, "(%c uses levers with no stated cost, counted as 0: %s)\n", who, uncosted[w]);
    if (w == 0)
        return;
    char extra[200];
    names_not_in(uncosted[w], uncosted[0], extra, sizeof extra);
    if (extra[0])
        fprintf(out,
                "(%s: not used without a cost in A, so %c's loss avoided per pound credits "
                "their effect to %c's stated cost)\n",
                extra, who, who);
    else
        fprintf(out,
                "(A uses them without a cost too: %c's loss avoided per pound is sound only if "
                "they are set alike in both)\n",
                who);
}

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
    char x[3][40]; /* %.*f of 3 decimals below 1e15: at most 21 characters */
    for (int i = 0; i < 3; i++)
        if (fabs(pp[i]) >= MR_TAB_EXP_FROM) /* %.0f of 1e228: 229 digits, cut */
            snprintf(x[i], sizeof x[i], "%.4g", pp[i]);
        else
            snprintf(x[i], sizeof x[i], "%.*f", d, pp[i]);
    if (isnan(pp[1]) || isnan(pp[2]))
        snprintf(buf, n, "%s", x[0]);
    else
        snprintf(buf, n, "%s [%s, %s]", x[0], x[1], x[2]);
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
    cost_cell(out, cost[0] / m);
    fputs("  ", out);
    cost_cell(out, cost[1] / m);
    fputs("  ", out);
    cost_cell(out, dc / m);
    fputc('\n', out);
    for (int w = 0; w < 2; w++)
        uncosted_notes(out, w ? 'B' : 'A', w, uncosted, stated[w]);
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
        fprintf(out, "%-3c  ", 'A' + w);
        cost_cell(out, cost[w] / m);
        if (w == 0) {
            fprintf(out, "  %12s  %s\n", "", "(reference)");
            continue;
        }
        fputs("  ", out);
        cost_cell(out, dc / m);
        mr_policy_cost_fmt_per_pound(buf, sizeof buf, pp + 3 * (w - 1));
        fprintf(out, "  %s", buf);
        if (!(dc > 0.0))
            fprintf(out, " (costs %s A: no extra cost to divide by)",
                    dc == 0.0 ? "the same as" : "less than");
        fputc('\n', out);
    }
    for (int w = 0; w < n; w++)
        uncosted_notes(out, (char)('A' + w), w, uncosted, stated[w]);
}
