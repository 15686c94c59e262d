/* compare_file.c - /difference of a comparison file (docs/OUTPUT.md
 * "Comparison files"): two runs in the layout of format 1.5, three or more
 * in that of format 1.6; and the policy costs compare prints and writes
 * (split from compare.c, which runs the scenarios and writes the file). */
#include "sim/cmd/compare_file.h"
#include "models/policies.h"

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
    "mean: mean loss over the horizon; var95, var99: its empirical quantile (VaR) at "
    "0.95, 0.99; es99: its expected shortfall at 0.99; annual_1in100: the annual loss at "
    "a return period of 100 years";

static int add(mr_extras *x, const mr_output_extra *e, int rc)
{
    return rc ? rc : mr_extras_add(x, e);
}

/* The arrays of /difference, kept alive by the extras. */
typedef struct {
    const char **ser;                          /* [P] series names */
    double *est, *lo, *hi, *va, *vb;           /* [P * MR_PAIRED_NSTAT] */
    double *vrf;                               /* [P] */
    uint64_t *nb;                              /* bootstrap resamples */
    double *level;                             /* of the intervals */
    const char **run, **grp, **sname, **sfile; /* [2] per run */
} difference_data;

/* Fill d from the paired statistics p of the P series. 0, or -1 (memory). */
static int difference_arrays(mr_extras *x, const request *q, const mr_scenario *a,
                             const mr_scenario *b, const char *const *names, const mr_paired *p,
                             int P, int nboot, difference_data *d)
{
    const uint64_t uP = (uint64_t)P, NS = MR_PAIRED_NSTAT;
    const char **ser = d->ser = mr_extras_keep(x, malloc((size_t)P * sizeof *ser));
    double *est = d->est = mr_extras_keep(x, malloc((size_t)(uP * NS) * sizeof *est));
    double *lo = d->lo = mr_extras_keep(x, malloc((size_t)(uP * NS) * sizeof *lo));
    double *hi = d->hi = mr_extras_keep(x, malloc((size_t)(uP * NS) * sizeof *hi));
    double *va = d->va = mr_extras_keep(x, malloc((size_t)(uP * NS) * sizeof *va));
    double *vb = d->vb = mr_extras_keep(x, malloc((size_t)(uP * NS) * sizeof *vb));
    double *vrf = d->vrf = mr_extras_keep(x, malloc((size_t)P * sizeof *vrf));
    uint64_t *nb = d->nb = mr_extras_keep(x, malloc(sizeof *nb));
    double *level = d->level = mr_extras_keep(x, malloc(sizeof *level));
    const char **run = d->run = mr_extras_keep(x, malloc(2 * sizeof *run));
    const char **grp = d->grp = mr_extras_keep(x, malloc(2 * sizeof *grp));
    const char **sname = d->sname = mr_extras_keep(x, malloc(2 * sizeof *sname));
    const char **sfile = d->sfile = mr_extras_keep(x, malloc(2 * sizeof *sfile));
    if (!ser || !est || !lo || !hi || !va || !vb || !vrf || !nb || !level || !run || !grp ||
        !sname || !sfile)
        return -1;
    for (int s = 0; s < P; s++) {
        if (!(ser[s] = mr_extras_strdup(x, names[s])))
            return -1;
        for (int k = 0; k < MR_PAIRED_NSTAT; k++) {
            size_t i = (size_t)s * NS + (size_t)k;
            est[i] = p[s].diff[k].est;
            lo[i] = p[s].diff[k].lo;
            hi[i] = p[s].diff[k].hi;
            va[i] = p[s].a[k];
            vb[i] = p[s].b[k];
        }
        vrf[s] = p[s].vrf;
    }
    *nb = (uint64_t)nboot;
    *level = 0.95;
    run[0] = "a";
    run[1] = "b";
    grp[0] = "runs/a";
    grp[1] = "runs/b";
    sname[0] = mr_extras_strdup(x, a->name);
    sname[1] = mr_extras_strdup(x, b->name);
    sfile[0] = mr_extras_strdup(x, q->scen[0]);
    sfile[1] = mr_extras_strdup(x, q->scen[1]);
    if (!sname[0] || !sname[1] || !sfile[0] || !sfile[1])
        return -1;
    return 0;
}

/* /difference's coordinates (series, statistic, run) and its tables of the
   paired statistics, series x statistic. */
static int difference_tables(mr_extras *x, const difference_data *d, uint64_t uP)
{
    const uint64_t NS = MR_PAIRED_NSTAT;
    const char *d2[3] = {"series", "statistic", NULL};
    int rc = 0;
    mr_output_extra e;
#define COORD(path_, n_, data_, name_, desc_)                                                      \
    e = (mr_output_extra){.path = path_,                                                           \
                          .type = MR_EXTRA_STR,                                                    \
                          .rank = 1,                                                               \
                          .dims = {n_},                                                            \
                          .dim_names = {name_},                                                    \
                          .data = data_,                                                           \
                          .is_coord = true,                                                        \
                          .description = desc_};                                                   \
    rc = add(x, &e, rc)
#define TABLE(path_, data_, desc_)                                                                 \
    e = (mr_output_extra){.path = path_,                                                           \
                          .type = MR_EXTRA_F64,                                                    \
                          .rank = 2,                                                               \
                          .dims = {uP, NS},                                                        \
                          .dim_names = {d2[0], d2[1]},                                             \
                          .data = data_,                                                           \
                          .units = "GBP",                                                          \
                          .description = desc_};                                                   \
    rc = add(x, &e, rc)
    COORD("difference/series", uP, d->ser, "series", desc_series);
    COORD("difference/statistic", NS, mr_paired_stat_names, "statistic", desc_statistic);
    COORD("difference/run", 2, d->run, "run", "the two scenarios: a (A, the baseline) and b (B)");
    TABLE("difference/estimate", d->est,
          "change B - A of the statistic: statistic of B minus the same statistic of A, on "
          "the same trials (common random numbers)");
    TABLE("difference/ci_lo", d->lo,
          "lower bound of the 95% interval of the change: mean from the paired standard error "
          "(estimate - 1.96 sd(B - A)/sqrt(N)), the others the 2.5% percentile of the "
          "bootstrap changes; NaN when not computed");
    TABLE("difference/ci_hi", d->hi,
          "upper bound of the 95% interval of the change (mean: estimate + 1.96 sd(B - "
          "A)/sqrt(N); the others: the 97.5% percentile of the bootstrap changes)");
    TABLE("difference/a", d->va, "the statistic of scenario A (runs/a)");
    TABLE("difference/b", d->vb, "the statistic of scenario B (runs/b)");
#undef COORD
#undef TABLE
    return rc;
}

/* /difference's variance reduction per series, the two runs (group, name,
   file) and the settings of the intervals. */
static int difference_runs(mr_extras *x, const difference_data *d, uint64_t uP)
{
    int rc = 0;
    mr_output_extra e;
    e = (mr_output_extra){.path = "difference/variance_reduction",
                          .type = MR_EXTRA_F64,
                          .rank = 1,
                          .dims = {uP},
                          .dim_names = {"series"},
                          .data = d->vrf,
                          .units = "1",
                          .description = "variance-reduction factor of common random numbers: "
                                         "(var A + var B) / var(B - A) of the per-trial losses; "
                                         "inf when B - A is the same in every trial"};
    rc = add(x, &e, rc);
    e = (mr_output_extra){.path = "difference/run_group",
                          .type = MR_EXTRA_STR,
                          .rank = 1,
                          .dims = {2},
                          .dim_names = {"run"},
                          .data = d->grp,
                          .description = "the group holding the run"};
    rc = add(x, &e, rc);
    e = (mr_output_extra){.path = "difference/scenario_name",
                          .type = MR_EXTRA_STR,
                          .rank = 1,
                          .dims = {2},
                          .dim_names = {"run"},
                          .data = d->sname,
                          .description = "the scenario's name"};
    rc = add(x, &e, rc);
    e = (mr_output_extra){.path = "difference/scenario_file",
                          .type = MR_EXTRA_STR,
                          .rank = 1,
                          .dims = {2},
                          .dim_names = {"run"},
                          .data = d->sfile,
                          .description = "the scenario file, as given on the command line"};
    rc = add(x, &e, rc);
    e = (mr_output_extra){.path = "difference/bootstrap_resamples",
                          .type = MR_EXTRA_U64,
                          .rank = 0,
                          .data = d->nb,
                          .units = "1",
                          .description = "bootstrap resamples of the trials behind the "
                                         "intervals of var95, var99, es99 and annual_1in100 "
                                         "(Philox stream bootstrap/" BOOTSTRAP_LABEL ")"};
    rc = add(x, &e, rc);
    e = (mr_output_extra){.path = "difference/confidence_level",
                          .type = MR_EXTRA_F64,
                          .rank = 0,
                          .data = d->level,
                          .units = "1",
                          .description = "level of the intervals ci_lo .. ci_hi"};
    rc = add(x, &e, rc);
    return rc;
}

/* /difference's policy costs, when A or B states any (docs/OUTPUT.md). */
static int difference_costs(mr_extras *x, const compare_costs *c0)
{
    compare_costs *c = keep_costs(x, c0);
    const char **bound = mr_extras_keep(x, malloc(3 * sizeof *bound));
    if (!c || !bound)
        return -1;
    bound[0] = "estimate";
    bound[1] = "ci_lo";
    bound[2] = "ci_hi";
    mr_output_extra e = {.path = "difference/policy_cost",
                         .type = MR_EXTRA_F64,
                         .rank = 1,
                         .dims = {2},
                         .dim_names = {"run"},
                         .data = c->cost,
                         .units = "GBP",
                         .description = "each scenario's stated policy cost over the horizon "
                                        "(policies.cost, undiscounted; 0 when it states none)"};
    int rc = add(x, &e, 0);
    e = (mr_output_extra){.path = "difference/policy_cost_difference",
                          .type = MR_EXTRA_F64,
                          .rank = 0,
                          .data = &c->diff[1],
                          .units = "GBP",
                          .description = "policy cost of B minus that of A, over the horizon"};
    rc = add(x, &e, rc);
    e = (mr_output_extra){.path = "difference/uncosted_levers",
                          .type = MR_EXTRA_STR,
                          .rank = 1,
                          .dims = {2},
                          .dim_names = {"run"},
                          .data = c->unc,
                          .description = "the levers each scenario's policies use without a "
                                         "stated cost (counted as 0), \"a, b\"; empty when "
                                         "none"};
    rc = add(x, &e, rc);
    e = (mr_output_extra){.path = "difference/bound",
                          .type = MR_EXTRA_STR,
                          .rank = 1,
                          .dims = {3},
                          .dim_names = {"bound"},
                          .data = bound,
                          .is_coord = true,
                          .description = "estimate and 95% interval bounds"};
    rc = add(x, &e, rc);
    e = (mr_output_extra){.path = "difference/loss_avoided_per_pound",
                          .type = MR_EXTRA_F64,
                          .rank = 1,
                          .dims = {3},
                          .dim_names = {"bound"},
                          .data = c->per_pound[1],
                          .units = "1",
                          .description = "loss avoided per pound of policy cost: (mean A - mean "
                                         "B) / (cost B - cost A), GBP per GBP, with the 95% "
                                         "interval of the mean's change divided by the cost "
                                         "difference; NaN when B costs no more than A"};
    return add(x, &e, rc);
}

/* /difference: coordinates series, statistic, run; the paired statistics;
   which scenario is A and which B. */
static int difference_extras(mr_extras *x, const request *q, const mr_scenario *sc,
                             const char *const *names, const mr_paired *p, int P, int nboot)
{
    difference_data d;
    if (difference_arrays(x, q, &sc[0], &sc[1], names, p, P, nboot, &d))
        return -1;
    int rc = difference_tables(x, &d, (uint64_t)P);
    rc = rc ? rc : difference_runs(x, &d, (uint64_t)P);
    compare_costs c;
    mr_compare_costs(q, sc, p, P, &c);
    return rc || !c.any ? rc : difference_costs(x, &c);
}

/* /difference of three or more runs (docs/OUTPUT.md "Comparison files"):
   coordinates series, statistic, run [R] and versus [R - 1] (the runs
   compared with A); the changes [versus, series, statistic], every run's
   statistic value [run, series, statistic], the VRF [versus, series], the
   runs and, when any states a cost, the policy costs. p as for
   mr_compare_print_table_many. 0, or -1 (memory). */
static int difference_extras_many(mr_extras *x, const request *q, const mr_scenario *sc,
                                  const char *const *names, const mr_paired *p, int P, int nboot)
{
    const int R = q->n, V = R - 1;
    const uint64_t uP = (uint64_t)P, NS = MR_PAIRED_NSTAT, uR = (uint64_t)R, uV = (uint64_t)V;
    const size_t cells = (size_t)V * (size_t)P * MR_PAIRED_NSTAT;
    const char **ser = mr_extras_keep(x, malloc((size_t)P * sizeof *ser));
    double *est = mr_extras_keep(x, malloc(cells * sizeof *est));
    double *lo = mr_extras_keep(x, malloc(cells * sizeof *lo));
    double *hi = mr_extras_keep(x, malloc(cells * sizeof *hi));
    double *val = mr_extras_keep(x, malloc((size_t)R * (size_t)P * NS * sizeof *val));
    double *vrf = mr_extras_keep(x, malloc((size_t)V * (size_t)P * sizeof *vrf));
    uint64_t *nb = mr_extras_keep(x, malloc(sizeof *nb));
    double *level = mr_extras_keep(x, malloc(sizeof *level));
    const char **sname = mr_extras_keep(x, malloc((size_t)R * sizeof *sname));
    const char **sfile = mr_extras_keep(x, malloc((size_t)R * sizeof *sfile));
    compare_costs c0;
    mr_compare_costs(q, sc, p, P, &c0);
    compare_costs *c = keep_costs(x, &c0);
    if (!ser || !est || !lo || !hi || !val || !vrf || !nb || !level || !sname || !sfile || !c)
        return -1;
    for (int w = 0; w < R; w++)
        if (!(sname[w] = mr_extras_strdup(x, sc[w].name)) ||
            !(sfile[w] = mr_extras_strdup(x, q->scen[w])))
            return -1;
    for (int s = 0; s < P; s++)
        if (!(ser[s] = mr_extras_strdup(x, names[s])))
            return -1;
    for (int w = 0; w < R; w++)
        for (int s = 0; s < P; s++)
            for (int k = 0; k < MR_PAIRED_NSTAT; k++) {
                const mr_paired *pw = &p[(size_t)(w ? w - 1 : 0) * (size_t)P + (size_t)s];
                val[((size_t)w * (size_t)P + (size_t)s) * NS + (size_t)k] = w ? pw->b[k] : pw->a[k];
            }
    for (int v = 0; v < V; v++)
        for (int s = 0; s < P; s++) {
            const mr_paired *pw = &p[(size_t)v * (size_t)P + (size_t)s];
            for (int k = 0; k < MR_PAIRED_NSTAT; k++) {
                size_t i = ((size_t)v * (size_t)P + (size_t)s) * NS + (size_t)k;
                est[i] = pw->diff[k].est;
                lo[i] = pw->diff[k].lo;
                hi[i] = pw->diff[k].hi;
            }
            vrf[(size_t)v * (size_t)P + (size_t)s] = pw->vrf;
        }
    *nb = (uint64_t)nboot;
    *level = 0.95;
    static const char *const bound[3] = {"estimate", "ci_lo", "ci_hi"};
    int rc = 0;
    mr_output_extra e;
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
    COORD("series", uP, ser, desc_series);
    COORD("statistic", NS, mr_paired_stat_names, desc_statistic);
    COORD("run", uR, mr_compare_run_ids,
          "the scenarios in command-line order: a (A, the reference), b, c, ...");
    COORD("versus", uV, mr_compare_run_ids + 1, "the runs compared with run a: b, c, ...");
    ARR("estimate", MR_EXTRA_F64, 3, uV, uP, NS, "versus", "series", "statistic", est, "GBP",
        "change X - A of the statistic: statistic of run X (versus) minus the same statistic "
        "of run a, on the same trials (common random numbers)");
    ARR("ci_lo", MR_EXTRA_F64, 3, uV, uP, NS, "versus", "series", "statistic", lo, "GBP",
        "lower bound of the 95% interval of the change: mean from the paired standard error "
        "(estimate - 1.96 sd(X - A)/sqrt(N)), the others the 2.5% percentile of the "
        "bootstrap changes (the same resamples for every pair); NaN when not computed");
    ARR("ci_hi", MR_EXTRA_F64, 3, uV, uP, NS, "versus", "series", "statistic", hi, "GBP",
        "upper bound of the 95% interval of the change (mean: estimate + 1.96 sd(X - "
        "A)/sqrt(N); the others: the 97.5% percentile of the bootstrap changes)");
    ARR("value", MR_EXTRA_F64, 3, uR, uP, NS, "run", "series", "statistic", val, "GBP",
        "the statistic of each run (runs/<run>)");
    ARR("variance_reduction", MR_EXTRA_F64, 2, uV, uP, 0, "versus", "series", NULL, vrf, "1",
        "variance-reduction factor of common random numbers: (var A + var X) / var(X - A) of "
        "the per-trial losses; inf when X - A is the same in every trial");
    ARR("run_group", MR_EXTRA_STR, 1, uR, 0, 0, "run", NULL, NULL, mr_compare_run_groups, NULL,
        "the group holding the run");
    ARR("scenario_name", MR_EXTRA_STR, 1, uR, 0, 0, "run", NULL, NULL, sname, NULL,
        "the scenario's name");
    ARR("scenario_file", MR_EXTRA_STR, 1, uR, 0, 0, "run", NULL, NULL, sfile, NULL,
        "the scenario file, as given on the command line");
    ARR("bootstrap_resamples", MR_EXTRA_U64, 0, 0, 0, 0, NULL, NULL, NULL, nb, "1",
        "bootstrap resamples of the trials behind the intervals of var95, var99, es99 and "
        "annual_1in100 (Philox stream bootstrap/" BOOTSTRAP_LABEL ", the same for every pair)");
    ARR("confidence_level", MR_EXTRA_F64, 0, 0, 0, 0, NULL, NULL, NULL, level, "1",
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
        COORD("bound", 3, bound, "estimate and 95% interval bounds");
        ARR("loss_avoided_per_pound", MR_EXTRA_F64, 2, uV, 3, 0, "versus", "bound", NULL,
            c->per_pound[1], "1",
            "loss avoided per pound of policy cost: (mean A - mean X) / (cost X - cost A), GBP "
            "per GBP, with the 95% interval of the mean's change divided by the cost "
            "difference; NaN when X costs no more than A");
    }
#undef COORD
#undef ARR
    return rc;
}
int mr_compare_difference(mr_extras *x, const request *q, const mr_scenario *sc,
                          const char *const *names, const mr_paired *p, int P)
{
    return q->n == 2 ? difference_extras(x, q, sc, names, p, P, (int)q->nboot)
                     : difference_extras_many(x, q, sc, names, p, P, (int)q->nboot);
}
