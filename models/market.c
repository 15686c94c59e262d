/* market.c - the market layer of one mineral (docs/MODEL.md §5m). */
#include "models/market.h"

#include <math.h>

int mr_product_stage(const mr_mineral *mi)
{
    return mi->stage[MR_STAGE_REFINING].n > 0 ? MR_STAGE_REFINING : MR_STAGE_MINING;
}

double mr_market_open_demand(const mr_mineral *mi)
{
    const mr_stage *st = &mi->stage[mr_product_stage(mi)];
    const mr_market *mk = &mi->market;
    double home = 0.0;
    for (int i = 0; i < st->n; i++)
        for (int k = 0; k < mk->ndomestic; k++)
            if (mk->domestic_country[k] == st->suppliers[i].country) {
                double d = mk->domestic_use[k], s = st->suppliers[i].share;
                home += d < s ? d : s;
            }
    return 1.0 - home;
}

double mr_market_demand(int nseg, const double *w, const double *eps, double p)
{
    double d = 0.0;
    for (int k = 0; k < nseg; k++)
        d += w[k] * exp(-eps[k] * p);
    return d;
}

double mr_market_release(const mr_market_rule *r, double stock, double h, double p)
{
    double s = (stock - r->rest_months * exp(-r->response * p)) / r->adjust_months;
    double most = stock / h;
    return s < most ? s : most;
}

/* Excess demand f(p) = D(p) - supply - S(p) and its derivative. */
static double excess(int nseg, const double *w, const double *eps, double supply, double stock,
                     const mr_market_rule *r, double h, double p, double *dfdp, double *demand,
                     double *release)
{
    double d = 0.0, dd = 0.0;
    for (int k = 0; k < nseg; k++) {
        double x = w[k] * exp(-eps[k] * p);
        d += x;
        dd -= eps[k] * x;
    }
    double target = r->rest_months * exp(-r->response * p);
    double s = (stock - target) / r->adjust_months, ds = r->response * target / r->adjust_months;
    if (s >= stock / h) { /* the whole stock goes: S no longer depends on p */
        s = stock / h;
        ds = 0.0;
    }
    *dfdp = dd - ds;
    *demand = d;
    *release = s;
    return d - supply - s;
}

/* The market rationed at the guard price (f(g) >= 0, d and s at g):
   stockholders do not rebuild in a rationed market. */
static mr_market_step at_guard(double f, double d, double s, double supply, double g)
{
    mr_market_step out = {g, s < 0.0 ? 0.0 : s, d, 1.0, f > 0.0 ? 1 : 0};
    double served = d > 0.0 ? (supply + out.release) / d : 1.0;
    out.served = served > 1.0 ? 1.0 : served < 0.0 ? 0.0 : served;
    return out;
}

mr_market_step mr_market_clear(int nseg, const double *w, const double *eps, double supply,
                               double stock, const mr_market_rule *r, double h, double p0)
{
    double lo = -r->guard, hi = r->guard, df, d, s, dg, dfg, sg;
    /* start at the previous step's price: the first evaluation brackets the
       root on one side, and only that side's guard needs checking */
    double p = p0 > lo && p0 < hi ? p0 : 0.0;
    double f = excess(nseg, w, eps, supply, stock, r, h, p, &df, &d, &s);
    if (f > 0.0) {
        double fg = excess(nseg, w, eps, supply, stock, r, h, hi, &dfg, &dg, &sg);
        if (fg >= 0.0) /* short even at the guard price: ration the rest */
            return at_guard(fg, dg, sg, supply, hi);
        lo = p;
    } else if (f < 0.0) {
        double fg = excess(nseg, w, eps, supply, stock, r, h, lo, &dfg, &dg, &sg);
        if (fg <= 0.0) /* a glut even at the floor price */
            return (mr_market_step){lo, sg, dg, 1.0, fg < 0.0 ? -1 : 0};
        hi = p;
    }
    /* f(lo) > 0 > f(hi): safeguarded Newton from p, bisection whenever a
       step leaves the bracket; d and s are those of the last evaluation */
    for (int it = 0; it < 200 && f != 0.0; it++) {
        double next = df < 0.0 ? p - f / df : 0.5 * (lo + hi);
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        double step = fabs(next - p);
        p = next;
        f = excess(nseg, w, eps, supply, stock, r, h, p, &df, &d, &s);
        if (f > 0.0)
            lo = p;
        else if (f < 0.0)
            hi = p;
        if (step <= 1e-13 || hi - lo <= 1e-13)
            break;
    }
    return (mr_market_step){p, s, d, 1.0, 0};
}

double mr_market_elasticity(double eps_short, double eps_long, double tau_months, double age)
{
    if (!(age > 0.0))
        return eps_short;
    return eps_long + (eps_short - eps_long) * exp(-age / tau_months);
}

double mr_market_need_elasticity(double cost_share, double sigma, double eps_short, double eps)
{
    return cost_share + sigma * eps_short + (eps - eps_short);
}

double mr_market_buyer_cost(double eps, double p, double s, double n)
{
    return mr_market_extra_cost(eps, p) + (n - 1.0) * (s * exp(-eps * p)); /* S^(1-eps) */
}

double mr_market_extra_cost(double eps, double y)
{
    double k = 1.0 - eps;
    if (k == 0.0)
        return y; /* ln P, the limit eps -> 1 (expm1 keeps k y accurate for any other k) */
    return expm1(k * y) / k;
}
