/* policies.c - policy levers as scenario transforms (MODEL §10). */
#include "models/policies.h"

#include <math.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* MODEL §10: water-filling. Each round cuts the suppliers above the cap to
   it and shares their excess among the suppliers not yet cut, in
   proportion to their current shares (so in proportion to their original
   shares: every round scales them by one common factor). A supplier pushed
   over the cap by a round is cut in the next. */
int mr_policy_cap_pro_rata(mr_stage *st, double cap, const bool *exempt)
{
    int n = st->n;
    if (n == 0)
        return 0;
    double *s = malloc((size_t)n * sizeof *s);
    bool *cut = calloc((size_t)n, sizeof *cut);
    if (!s || !cut) {
        free(s);
        free(cut);
        return -1;
    }
    for (int i = 0; i < n; i++)
        s[i] = st->suppliers[i].share;
    int rc = 0;
    for (;;) {
        double excess = 0.0;
        for (int i = 0; i < n; i++)
            if (!cut[i] && !(exempt && exempt[i]) && s[i] > cap + MR_POLICY_CAP_TOL) {
                excess += s[i] - cap;
                s[i] = cap;
                cut[i] = true;
            }
        if (excess == 0.0)
            break;
        double rest = 0.0;
        for (int i = 0; i < n; i++)
            if (!cut[i])
                rest += s[i];
        if (!(rest > 0.0)) {
            rc = 1; /* nowhere to put the excess: needs a new source */
            break;
        }
        for (int i = 0; i < n; i++)
            if (!cut[i])
                s[i] += excess * (s[i] / rest);
    }
    if (rc == 0)
        for (int i = 0; i < n; i++)
            st->suppliers[i].share = s[i];
    free(s);
    free(cut);
    return rc;
}

/* MODEL §10: the whole excess to the named new source. */
int mr_policy_cap_to_source(mr_stage *st, double cap, int country, double spare,
                            const mr_process *outage, const bool *exempt)
{
    double excess = 0.0;
    int at = -1;
    const int n0 = st->n; /* suppliers before a new source is added */
    for (int i = 0; i < n0; i++) {
        if (st->suppliers[i].country == country)
            at = i;
        else if (!(exempt && exempt[i]) && st->suppliers[i].share > cap + MR_POLICY_CAP_TOL)
            excess += st->suppliers[i].share - cap;
    }
    if (excess == 0.0)
        return 0;
    if (at < 0) {
        mr_supplier *ns = realloc(st->suppliers, (size_t)(st->n + 1) * sizeof *ns);
        if (!ns)
            return -1;
        st->suppliers = ns;
        at = st->n++;
        memset(&ns[at], 0, sizeof ns[at]);
        ns[at].country = country;
        ns[at].spare = spare;
        if (outage)
            ns[at].outage = *outage;
    }
    for (int i = 0; i < n0; i++)
        if (i != at && !(exempt && exempt[i]) && st->suppliers[i].share > cap + MR_POLICY_CAP_TOL)
            st->suppliers[i].share = cap;
    st->suppliers[at].share += excess;
    return 0;
}

/* docs/MODEL.md §3u: the whole excess to the offtake countries by weight. */
int mr_policy_cap_to_offtake(mr_stage *st, double cap, int n, const int *country,
                             const double *weight, const bool *exempt)
{
    const int n0 = st->n;
    double excess = 0.0;
    int add = 0;
    for (int i = 0; i < n0; i++) {
        bool off = false;
        for (int k = 0; k < n; k++)
            off |= st->suppliers[i].country == country[k];
        if (!off && !(exempt && exempt[i]) && st->suppliers[i].share > cap + MR_POLICY_CAP_TOL)
            excess += st->suppliers[i].share - cap;
    }
    if (excess == 0.0)
        return 0;
    for (int k = 0; k < n; k++) {
        bool there = false;
        for (int i = 0; i < n0; i++)
            there |= st->suppliers[i].country == country[k];
        add += !there;
    }
    if (add > 0) {
        mr_supplier *ns = realloc(st->suppliers, (size_t)(n0 + add) * sizeof *ns);
        if (!ns)
            return -1;
        st->suppliers = ns;
    }
    for (int i = 0; i < n0; i++) {
        bool off = false;
        for (int k = 0; k < n; k++)
            off |= st->suppliers[i].country == country[k];
        if (!off && !(exempt && exempt[i]) && st->suppliers[i].share > cap + MR_POLICY_CAP_TOL)
            st->suppliers[i].share = cap;
    }
    for (int k = 0; k < n; k++) {
        int at = -1;
        for (int i = 0; i < st->n; i++)
            if (st->suppliers[i].country == country[k])
                at = i;
        if (at < 0) {
            at = st->n++;
            memset(&st->suppliers[at], 0, sizeof st->suppliers[at]);
            st->suppliers[at].country = country[k];
        }
        st->suppliers[at].share += weight[k] * excess;
    }
    return 0;
}

/* MODEL §10: domestic and recycled shares at least the policy's. */
void mr_policy_share_floor(mr_mineral *m, double domestic, double recycled)
{
    if (domestic >= 0.0 && m->domestic_share < domestic)
        m->domestic_share = domestic;
    if (recycled >= 0.0 && m->recycled_share < recycled)
        m->recycled_share = recycled;
}

/* MODEL §10 (stockpile rules as MODEL §4). */
void mr_policy_stockpile(mr_mineral *m, double months, double trigger, double max_release,
                         double refill_rate)
{
    mr_stockpile *s = &m->stockpile;
    if (!s->present) {
        s->present = true;
        s->trigger = 0.0;
        s->max_release = 1.0;
        s->refill_rate = 0.25;
    }
    s->target_months = months;
    s->initial_months = months;
    if (trigger >= 0.0)
        s->trigger = trigger;
    if (max_release >= 0.0)
        s->max_release = max_release;
    if (refill_rate >= 0.0)
        s->refill_rate = refill_rate;
}

const char *const mr_lever_names[MR_NLEVERS] = {
    "diversification_cap", "domestic_share", "recycled_share", "stockpile", "rationing", "other"};

double mr_policy_cost_horizon(const mr_path *path, double gbp_per_year, int start_year,
                              int horizon_years, int steps_per_year)
{
    if (!path)
        return gbp_per_year * (double)horizon_years;
    /* the per-year costs summed, then divided by the steps a year: a cost
       that is a whole number of pounds a year sums exactly */
    const int T = horizon_years * steps_per_year;
    double sum = 0.0;
    for (int t = 0; t < T; t++)
        sum += mr_path_at(path, mr_path_step_time(start_year, steps_per_year, t));
    return sum / (double)steps_per_year;
}

int mr_policy_per_pound(const double d[3], double cost_a, double cost_b, double out[3])
{
    const double dc = cost_b - cost_a;
    if (!(dc > 0.0)) {
        out[0] = out[1] = out[2] = NAN;
        return 1;
    }
    /* 0 - d, not -d: no loss avoided is 0, not -0 */
    out[0] = (0.0 - d[0]) / dc;
    out[1] = (0.0 - d[2]) / dc;
    out[2] = (0.0 - d[1]) / dc;
    return 0;
}

bool mr_policy_lever_used(const mr_scenario *sc, mr_lever k)
{
    const mr_policies *pol = &sc->policies;
    switch (k) {
    case MR_LEVER_CAP:
        return sc->policy_cap > 0;
    case MR_LEVER_DOMESTIC: /* a floor, or the mapping form's supply risks alone */
        return pol->domestic_share >= 0 || pol->domestic_outage.present;
    case MR_LEVER_RECYCLED:
        return pol->recycled_share >= 0 || pol->refined_abroad.n > 0;
    case MR_LEVER_STOCKPILE:
        return pol->has_stockpile;
    case MR_LEVER_RATIONING:
        return pol->has_rationing;
    default:
        return false;
    }
}

void mr_policy_uncosted(const mr_scenario *sc, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < MR_NLEVERS; k++)
        if (mr_policy_lever_used(sc, (mr_lever)k) && !sc->policies.cost[k].given && len < n)
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "", mr_lever_names[k]);
}

int mr_policy_cap_uk(const mr_scenario *sc, mr_stage *uk)
{
    const mr_policies *pol = &sc->policies;
    bool *exempt = calloc((size_t)uk->n + 1, sizeof *exempt);
    if (!exempt)
        return -1;
    for (int k = 0; k < uk->n; k++)
        exempt[k] = sc->countries[uk->suppliers[k].country].aggregate;
    int rc = pol->noftake > 0
                 ? mr_policy_cap_to_offtake(uk, sc->policy_cap, pol->noftake, pol->offtake_country,
                                            pol->offtake_weight, exempt)
                 : mr_policy_cap_pro_rata(uk, sc->policy_cap, exempt);
    free(exempt);
    return rc;
}
