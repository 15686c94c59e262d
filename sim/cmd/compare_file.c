/* compare_file.c - /difference of a comparison file (docs/OUTPUT.md
 * "Comparison files"): two runs in the layout of format 1.5, three or more
 * in that of format 1.6; and the policy costs compare prints and writes
 * (split from compare.c, which runs the scenarios and writes the file). */
#include "sim/cmd/compare_file.h"
#include "models/policies.h"
#include "out/tables/compare_print.h" /* MR_COMPARE_NSTAT */

#include <stdlib.h>
#include <string.h>

const char *const mr_compare_run_ids[MAX_SCENARIOS] = {"a", "b", "c", "d", "e", "f", "g", "h", "i",
                                                       "j", "k", "l", "m", "n", "o", "p", "q", "r",
                                                       "s", "t", "u", "v", "w", "x", "y", "z"};
const char *const mr_compare_run_groups[MAX_SCENARIOS] = {
    "runs/a", "runs/b", "runs/c", "runs/d", "runs/e", "runs/f", "runs/g", "runs/h", "runs/i",
    "runs/j", "runs/k", "runs/l", "runs/m", "runs/n", "runs/o", "runs/p", "runs/q", "runs/r",
    "runs/s", "runs/t", "runs/u", "runs/v", "runs/w", "runs/x", "runs/y", "runs/z"};

void mr_compare_costs(const request *q, const mr_scenario *sc, const mr_paired *p, int P,
                      compare_costs *c)
{
    memset(c, 0, sizeof *c);
    for (int w = 0; w < q->n; w++) {
        c->cost[w] = sc[w].policies.cost_horizon_gbp;
        c->diff[w] = c->cost[w] - c->cost[0];
        c->stated[w] = sc[w].policies.has_cost;
        c->any = c->any || c->stated[w];
        mr_policy_uncosted(&sc[w], c->uncosted[w], sizeof c->uncosted[w]);
        c->unc[w] = c->uncosted[w];
    }
    for (int w = 1; w < q->n; w++) {
        const mr_ci *m = &p[(size_t)(w - 1) * (size_t)P + (size_t)(P - 1)].diff[MR_PAIRED_MEAN];
        const double d[3] = {m->est, m->lo, m->hi};
        mr_policy_per_pound(d, c->cost[0], c->cost[w], c->per_pound[w]);
    }
}

/* A copy of c kept alive by the extras, its unc pointing into the copy
   (NULL: out of memory). */
static compare_costs *keep_costs(mr_extras *x, const compare_costs *c0)
{
    compare_costs *c = mr_extras_keep(x, malloc(sizeof *c));
    if (c) {
        *c = *c0;
        for (int w = 0; w < MAX_SCENARIOS; w++)
            c->unc[w] = c->uncosted[w];
    }
    return c;
}

/* The descriptions both layouts give their coordinates series and
   statistic. */
static const char desc_series[] =
    "the losses compared: each sector's (output loss + extra input cost), in "
    "scenario A's order, then the total";
static const char desc_statistic[] =
    "the statistics compared (mean: mean loss over the horizon; var95, var99: its empirical "
    "quantile (VaR) at 0.95, 0.99; es99: its expected shortfall at 0.99; annual_1in100: the "
    "annual loss at a return period of 100 years)";

static int add(mr_extras *x, const mr_output_extra *e, int rc)
{
    return rc ? rc : mr_extras_add(x, e);
}

_Static_assert(MR_PAIRED_NSTAT == MR_COMPARE_NSTAT, "compare_print.h's statistics are paired.h's");

void mr_compare_fill(int R, const mr_paired *p, int P, double *val, double *est, double *lo,
                     double *hi, double *vrf)
{
    const size_t NS = MR_PAIRED_NSTAT, uP = (size_t)P;
    for (int w = 0; w < R; w++) /* A's from the first pair, each other's from its own */
        for (size_t s = 0; s < uP; s++)
            for (size_t k = 0; k < NS; k++) {
                const mr_paired *pw = &p[(size_t)(w ? w - 1 : 0) * uP + s];
                val[((size_t)w * uP + s) * NS + k] = w ? pw->b[k] : pw->a[k];
            }
    for (size_t v = 0; v + 1 < (size_t)R; v++)
        for (size_t s = 0; s < uP; s++) {
            const mr_paired *pw = &p[v * uP + s];
            for (size_t k = 0; k < NS; k++) {
                const size_t i = (v * uP + s) * NS + k;
                est[i] = pw->diff[k].est;
                lo[i] = pw->diff[k].lo;
                hi[i] = pw->diff[k].hi;
            }
            vrf[v * uP + s] = pw->vrf;
        }
}

/* The arrays of /difference, kept alive by the extras: R runs, the V = R -
   1 after A each compared with A, P series, NS statistics. */
typedef struct {
    const char **ser;            /* [P] series names */
    double *est, *lo, *hi;       /* [V, P, NS] the changes and their intervals */
    double *val;                 /* [R, P, NS] each run's statistic */
    double *vrf;                 /* [V, P] */
    uint64_t *nb;                /* bootstrap resamples */
    double *level;               /* of the intervals */
    const char **sname, **sfile; /* [R] */
    compare_costs *c;
} difference_data;

/* d from the paired statistics p, P series per run compared with A (as
   mr_compare_print_table_many takes them). 0, or -1 (out of memory). */
static int difference_arrays(mr_extras *x, const request *q, const mr_scenario *sc,
                             const char *const *names, const mr_paired *p, int P, int nboot,
                             difference_data *d)
{
    const int R = q->n, V = R - 1;
    const size_t NS = MR_PAIRED_NSTAT, uP = (size_t)P, cells = (size_t)V * uP * NS;
    compare_costs c;
    mr_compare_costs(q, sc, p, P, &c);
    *d = (difference_data){.ser = mr_extras_keep(x, malloc(uP * sizeof *d->ser)),
                           .est = mr_extras_keep(x, malloc(cells * sizeof *d->est)),
                           .lo = mr_extras_keep(x, malloc(cells * sizeof *d->lo)),
                           .hi = mr_extras_keep(x, malloc(cells * sizeof *d->hi)),
                           .val = mr_extras_keep(x, malloc((size_t)R * uP * NS * sizeof *d->val)),
                           .vrf = mr_extras_keep(x, malloc((size_t)V * uP * sizeof *d->vrf)),
                           .nb = mr_extras_keep(x, malloc(sizeof *d->nb)),
                           .level = mr_extras_keep(x, malloc(sizeof *d->level)),
                           .sname = mr_extras_keep(x, malloc((size_t)R * sizeof *d->sname)),
                           .sfile = mr_extras_keep(x, malloc((size_t)R * sizeof *d->sfile)),
                           .c = keep_costs(x, &c)};
    if (!d->ser || !d->est || !d->lo || !d->hi || !d->val || !d->vrf || !d->nb || !d->level ||
        !d->sname || !d->sfile || !d->c)
        return -1;
    for (int w = 0; w < R; w++)
        if (!(d->sname[w] = mr_extras_strdup(x, sc[w].name)) ||
            !(d->sfile[w] = mr_extras_strdup(x, q->scen[w])))
            return -1;
    for (size_t s = 0; s < uP; s++)
        if (!(d->ser[s] = mr_extras_strdup(x, names[s])))
            return -1;
    mr_compare_fill(R, p, P, d->val, d->est, d->lo, d->hi, d->vrf);
    *d->nb = (uint64_t)nboot;
    *d->level = 0.95;
    return 0;
}

static const char *const bound_names[3] = {"estimate", "ci_lo", "ci_hi"};

/* One dataset of /difference: a coordinate (its dimension of its own name),
   or an array of up to three dimensions. */
#define COORD(path_, n_, data_, desc_)                                                             \
    e = (mr_output_extra){.path = "difference/" path_,                                             \
                          .type = MR_EXTRA_STR,                                                    \
                          .rank = 1,                                                               \
                          .dims = {n_},                                                            \
                          .dim_names = {path_},                                                    \
                          .data = data_,                                                           \
                          .is_coord = true,                                                        \
                          .description = desc_};                                                   \
    rc = add(x, &e, rc)
#define ARR(path_, type_, rank_, d0, d1, d2, n0, n1, n2, data_, units_, desc_)                     \
    e = (mr_output_extra){.path = "difference/" path_,                                             \
                          .type = type_,                                                           \
                          .rank = rank_,                                                           \
                          .dims = {d0, d1, d2},                                                    \
                          .dim_names = {n0, n1, n2},                                               \
                          .data = data_,                                                           \
                          .units = units_,                                                         \
                          .description = desc_};                                                   \
    rc = add(x, &e, rc)

/* /difference of two runs (format 1.5's layout): coordinates series,
   statistic, run; the change B - A, its interval and each run's statistic,
   series x statistic; the VRF per series; the runs; the policy costs when
   A or B states any. */
static int difference_pair(mr_extras *x, const difference_data *d, int P)
{
    const uint64_t uP = (uint64_t)P, NS = MR_PAIRED_NSTAT;
    const compare_costs *c = d->c;
    int rc = 0;
    mr_output_extra e;
    COORD("series", uP, d->ser, desc_series);
    COORD("statistic", NS, mr_paired_stat_names, desc_statistic);
    COORD("run", 2, mr_compare_run_ids, "the two scenarios: a (A, the baseline) and b (B)");
    ARR("estimate", MR_EXTRA_F64, 2, uP, NS, 0, "series", "statistic", NULL, d->est, "GBP",
        "change B - A of the statistic: statistic of B minus the same statistic of A, on "
        "the same trials (common random numbers)");
    ARR("ci_lo", MR_EXTRA_F64, 2, uP, NS, 0, "series", "statistic", NULL, d->lo, "GBP",
        "lower bound of the 95% interval of the change: mean from the paired standard error "
        "(estimate - 1.96 sd(B - A)/sqrt(N)), the others the 2.5% percentile of the "
        "bootstrap changes; NaN when not computed");
    ARR("ci_hi", MR_EXTRA_F64, 2, uP, NS, 0, "series", "statistic", NULL, d->hi, "GBP",
        "upper bound of the 95% interval of the change (mean: estimate + 1.96 sd(B - "
        "A)/sqrt(N); the others: the 97.5% percentile of the bootstrap changes)");
    ARR("a", MR_EXTRA_F64, 2, uP, NS, 0, "series", "statistic", NULL, d->val, "GBP",
        "the statistic of scenario A (runs/a)");
    ARR("b", MR_EXTRA_F64, 2, uP, NS, 0, "series", "statistic", NULL, d->val + uP * NS, "GBP",
        "the statistic of scenario B (runs/b)");
    ARR("variance_reduction", MR_EXTRA_F64, 1, uP, 0, 0, "series", NULL, NULL, d->vrf, "1",
        "variance-reduction factor of common random numbers: (var A + var B) / var(B - A) of "
        "the per-trial losses; inf when B - A is the same in every trial");
    ARR("run_group", MR_EXTRA_STR, 1, 2, 0, 0, "run", NULL, NULL, mr_compare_run_groups, NULL,
        "the group holding the run");
    ARR("scenario_name", MR_EXTRA_STR, 1, 2, 0, 0, "run", NULL, NULL, d->sname, NULL,
        "the scenario's name");
    ARR("scenario_file", MR_EXTRA_STR, 1, 2, 0, 0, "run", NULL, NULL, d->sfile, NULL,
        "the scenario file, as given on the command line");
    ARR("bootstrap_resamples", MR_EXTRA_U64, 0, 0, 0, 0, NULL, NULL, NULL, d->nb, "1",
        "bootstrap resamples of the trials behind the intervals of var95, var99, es99 and "
        "annual_1in100 (Philox stream bootstrap/" BOOTSTRAP_LABEL ")");
    ARR("confidence_level", MR_EXTRA_F64, 0, 0, 0, 0, NULL, NULL, NULL, d->level, "1",
        "level of the intervals ci_lo .. ci_hi");
    if (c->any) {
        ARR("policy_cost", MR_EXTRA_F64, 1, 2, 0, 0, "run", NULL, NULL, c->cost, "GBP",
            "each scenario's stated policy cost over the horizon (policies.cost, undiscounted; "
            "0 when it states none)");
        ARR("policy_cost_difference", MR_EXTRA_F64, 0, 0, 0, 0, NULL, NULL, NULL, &c->diff[1],
            "GBP", "policy cost of B minus that of A, over the horizon");
        ARR("uncosted_levers", MR_EXTRA_STR, 1, 2, 0, 0, "run", NULL, NULL, c->unc, NULL,
            "the levers each scenario's policies use without a stated cost (counted as 0), "
            "\"a, b\"; empty when none");
        COORD("bound", 3, bound_names, "estimate and 95% interval bounds");
        ARR("loss_avoided_per_pound", MR_EXTRA_F64, 1, 3, 0, 0, "bound", NULL, NULL,
            c->per_pound[1], "1",
            "loss avoided per pound of policy cost: (mean A - mean B) / (cost B - cost A), GBP "
            "per GBP, with the 95% interval of the mean's change divided by the cost "
            "difference; NaN when B costs no more than A");
    }
    return rc;
}

/* /difference of three or more runs (format 1.6's layout: docs/OUTPUT.md
   "Comparison files"): coordinates series, statistic, run [R] and versus
   [R - 1] (the runs compared with A); the changes [versus, series,
   statistic], every run's statistic value [run, series, statistic], the
   VRF [versus, series], the runs and, when any states a cost, the policy
   costs. */
static int difference_many(mr_extras *x, const difference_data *d, int R, int P)
{
    const uint64_t uP = (uint64_t)P, NS = MR_PAIRED_NSTAT, uR = (uint64_t)R, uV = uR - 1;
    const compare_costs *c = d->c;
    int rc = 0;
    mr_output_extra e;
    COORD("series", uP, d->ser, desc_series);
    COORD("statistic", NS, mr_paired_stat_names, desc_statistic);
    COORD("run", uR, mr_compare_run_ids,
          "the scenarios in command-line order: a (A, the reference), b, c, ...");
    COORD("versus", uV, mr_compare_run_ids + 1, "the runs compared with run a: b, c, ...");
    ARR("estimate", MR_EXTRA_F64, 3, uV, uP, NS, "versus", "series", "statistic", d->est, "GBP",
        "change X - A of the statistic: statistic of run X (versus) minus the same statistic "
        "of run a, on the same trials (common random numbers)");
    ARR("ci_lo", MR_EXTRA_F64, 3, uV, uP, NS, "versus", "series", "statistic", d->lo, "GBP",
        "lower bound of the 95% interval of the change: mean from the paired standard error "
        "(estimate - 1.96 sd(X - A)/sqrt(N)), the others the 2.5% percentile of the "
        "bootstrap changes (the same resamples for every pair); NaN when not computed");
    ARR("ci_hi", MR_EXTRA_F64, 3, uV, uP, NS, "versus", "series", "statistic", d->hi, "GBP",
        "upper bound of the 95% interval of the change (mean: estimate + 1.96 sd(X - "
        "A)/sqrt(N); the others: the 97.5% percentile of the bootstrap changes)");
    ARR("value", MR_EXTRA_F64, 3, uR, uP, NS, "run", "series", "statistic", d->val, "GBP",
        "the statistic of each run (runs/<run>)");
    ARR("variance_reduction", MR_EXTRA_F64, 2, uV, uP, 0, "versus", "series", NULL, d->vrf, "1",
        "variance-reduction factor of common random numbers: (var A + var X) / var(X - A) of "
        "the per-trial losses; inf when X - A is the same in every trial");
    ARR("run_group", MR_EXTRA_STR, 1, uR, 0, 0, "run", NULL, NULL, mr_compare_run_groups, NULL,
        "the group holding the run");
    ARR("scenario_name", MR_EXTRA_STR, 1, uR, 0, 0, "run", NULL, NULL, d->sname, NULL,
        "the scenario's name");
    ARR("scenario_file", MR_EXTRA_STR, 1, uR, 0, 0, "run", NULL, NULL, d->sfile, NULL,
        "the scenario file, as given on the command line");
    ARR("bootstrap_resamples", MR_EXTRA_U64, 0, 0, 0, 0, NULL, NULL, NULL, d->nb, "1",
        "bootstrap resamples of the trials behind the intervals of var95, var99, es99 and "
        "annual_1in100 (Philox stream bootstrap/" BOOTSTRAP_LABEL ", the same for every pair)");
    ARR("confidence_level", MR_EXTRA_F64, 0, 0, 0, 0, NULL, NULL, NULL, d->level, "1",
        "level of the intervals ci_lo .. ci_hi");
    if (c->any) {
        ARR("policy_cost", MR_EXTRA_F64, 1, uR, 0, 0, "run", NULL, NULL, c->cost, "GBP",
            "each scenario's stated policy cost over the horizon (policies.cost, undiscounted; "
            "0 when it states none)");
        ARR("policy_cost_difference", MR_EXTRA_F64, 1, uV, 0, 0, "versus", NULL, NULL, c->diff + 1,
            "GBP", "policy cost of run X minus that of run a, over the horizon");
        ARR("uncosted_levers", MR_EXTRA_STR, 1, uR, 0, 0, "run", NULL, NULL, c->unc, NULL,
            "the levers each scenario's policies use without a stated cost (counted as 0), "
            "\"a, b\"; empty when none");
        COORD("bound", 3, bound_names, "estimate and 95% interval bounds");
        ARR("loss_avoided_per_pound", MR_EXTRA_F64, 2, uV, 3, 0, "versus", "bound", NULL,
            c->per_pound[1], "1",
            "loss avoided per pound of policy cost: (mean A - mean X) / (cost X - cost A), GBP "
            "per GBP, with the 95% interval of the mean's change divided by the cost "
            "difference; NaN when X costs no more than A");
    }
    return rc;
}
#undef COORD
#undef ARR

int mr_compare_difference(mr_extras *x, const request *q, const mr_scenario *sc,
                          const char *const *names, const mr_paired *p, int P)
{
    difference_data d;
    if (difference_arrays(x, q, sc, names, p, P, (int)q->nboot, &d))
        return -1;
    return q->n == 2 ? difference_pair(x, &d, P) : difference_many(x, &d, q->n, P);
}
