/* market.c - the market layer of one mineral (docs/MODEL.md §5m). */
#include "models/market.h"

#include <math.h>

int mr_product_stage(const mr_mineral *mi)
{
    return mi->stage[MR_STAGE_REFINING].n > 0 ? MR_STAGE_REFINING : MR_STAGE_MINING;
}

/* The open market's demand with the product stage's shares at calendar
   time year (NAN: the shares as stored). */
static double open_demand(const mr_mineral *mi, double year)
{
    const mr_stage *st = &mi->stage[mr_product_stage(mi)];
    const mr_market *mk = &mi->market;
    double home = 0.0;
    for (int i = 0; i < st->n; i++)
        for (int k = 0; k < mk->ndomestic; k++)
            if (mk->domestic_country[k] == st->suppliers[i].country) {
                double d = mk->domestic_use[k], s = st->suppliers[i].share;
                if (!isnan(year))
                    s = mr_path_or(st->suppliers[i].share_path, s, year);
                home += d < s ? d : s;
            }
    return 1.0 - home;
}

bool mr_stage_has_paths(const mr_stage *st)
{
    for (int i = 0; i < st->n; i++)
        if (st->suppliers[i].share_path)
            return true;
    return false;
}

double mr_market_open_demand(const mr_mineral *mi)
{
    return open_demand(mi, NAN);
}

double mr_market_open_demand_at(const mr_mineral *mi, double year)
{
    return open_demand(mi, year);
}

/* The product stage of a mineral whose market states home uses
   (docs/MODEL.md §3s): shares of the open market, the world less what
   countries consume of their own output. Country c with world share s_c
   and home use d_c exports e_c = s_c - min(d_c, s_c); the open market's
   demand is D = 1 - sum_c min(d_c, s_c); its shares are e_c / D, and the
   spare capacity s_c spare_c / D all serves the open market (a country
   that exports nothing adds none). */
void mr_market_open_shares(const mr_mineral *mi, double *share, double *spare)
{
    const mr_stage *st = &mi->stage[mr_product_stage(mi)];
    double open = mr_market_open_demand(mi);
    for (int i = 0; i < st->n; i++) {
        double s = st->suppliers[i].share, d = 0.0;
        for (int k = 0; k < mi->market.ndomestic; k++)
            if (mi->market.domestic_country[k] == st->suppliers[i].country)
                d = mi->market.domestic_use[k];
        double e = s - (d < s ? d : s);
        share[i] = e / open;
        spare[i] = e > 0.0 ? st->suppliers[i].spare * s / e : 0.0;
    }
}

/* Excess demand f(p) = D(p) - supply - S(p) at one price, with what a
   step of higher order needs: the first three derivatives of D and of the
   stockholders' flow u(p) = (K - Kbar e^{-eta p}) / tau_s before its cap
   (S = min(u, K / h)). D is convex and u concave, so f'' > 0. */
typedef struct {
    double f, df, d2f, d3f; /* f and its first three derivatives */
    double d, d1, d2, d3;   /* D and its derivatives */
    double u, u1, u2, u3;   /* u and its derivatives */
    double s;               /* S(p) */
    int capped;             /* u >= K / h: the whole stock goes, S = K / h */
} excess_at;

/* The largest exponent the excess demand takes: e^700 = 1e304 is finite
   (e^710 is not). Only a market whose elasticity or stock response times
   ln(max_multiple) exceeds it (the loader allows 100 x ln 1e6 = 1381)
   reaches it, near the lower guard; there the held exponent only makes
   f smaller (D smaller, the rebuild smaller), and f stays positive unless
   a weight is below 1e-300. The reference scenarios' exponents stay below
   about 7 (eps_LR 1, eta 1.5, max_multiple 100). */
#define MR_MARKET_EXP_MAX 700.0
/* x held below MR_MARKET_EXP_MAX: a comparison (minsd), not a call to fmin */
static inline double exp_arg(double x)
{
    return x < MR_MARKET_EXP_MAX ? x : MR_MARKET_EXP_MAX;
}

static inline excess_at excess_(int nseg, const double *w, const double *eps, double supply,
                                double stock, double cap, const mr_market_rule *r, double rtau,
                                double p, int small)
{
    /* small: every exponent is known to lie within 1/4 (the refill);
       else each is held below MR_MARKET_EXP_MAX, so that a weight or rest
       stock of 0 times it is 0, not 0 x inf = NaN */
    double target = r->rest_months * (small ? 1.0 + mr_expm1_small(-r->response * p)
                                            : mr_exp(exp_arg(-r->response * p)));
    double d = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0;
    for (int k = 0; k < nseg; k++) {
        double x = w[k] *
                   (small ? 1.0 + mr_expm1_small(-eps[k] * p) : mr_exp(exp_arg(-eps[k] * p))),
               x1 = eps[k] * x, x2 = eps[k] * x1;
        d += x;
        d1 -= x1;
        d2 += x2;
        d3 -= eps[k] * x2;
    }
    excess_at e = {.d = d, .d1 = d1, .d2 = d2, .d3 = d3};
    e.u = (stock - target) * rtau;
    e.u1 = r->response * target * rtau;
    e.u2 = -r->response * e.u1;
    e.u3 = -r->response * e.u2;
    e.capped = e.u >= cap;
    e.s = e.capped ? cap : e.u; /* capped, S no longer depends on p */
    e.f = d - supply - e.s;
    e.df = e.capped ? d1 : d1 - e.u1;
    e.d2f = e.capped ? d2 : d2 - e.u2;
    e.d3f = e.capped ? d3 : d3 - e.u3;
    return e;
}

static inline excess_at excess(int nseg, const double *w, const double *eps, double supply,
                               double stock, double cap, const mr_market_rule *r, double rtau,
                               double p)
{
    return excess_(nseg, w, eps, supply, stock, cap, r, rtau, p, 0);
}

/* The last step from an evaluation e whose Newton step `step` is small
   (c = f''/(2f'), inv = 1/f'): Delta = delta - c2 delta^2 + (2 c2^2 - c3)
   delta^3 (c_k = f^(k) / (k! f')), and the stockholders' u to third order
   in Delta (*u). */
static inline double finish_dp(const excess_at *e, double step, double c, double inv, double *u)
{
    double c3 = e->d3f * inv * (1.0 / 6.0);
    double dp = step * (1.0 + step * (-c + step * (2.0 * c * c - c3)));
    *u = e->u + dp * (e->u1 + dp * (0.5 * e->u2 + dp * e->u3 * (1.0 / 6.0)));
    return dp;
}

/* The clearing at q = p + dp from the evaluation e at p: D and the slopes
   from their series, S = s. */
static inline mr_market_step finish_out(const excess_at *e, double q, double dp, double s)
{
    mr_market_step out = {.p = q, .release = s, .served = 1.0};
    out.demand = e->d + dp * (e->d1 + dp * (0.5 * e->d2 + dp * e->d3 * (1.0 / 6.0)));
    out.demand_slope = e->d1 + dp * (e->d2 + 0.5 * dp * e->d3);
    out.slope = e->df + dp * (e->d2f + 0.5 * dp * e->d3f);
    out.curve = e->d2f + dp * e->d3f;
    return out;
}

/* A Newton step delta = -f / f' with |delta| (1 + |f''/(2f')|) below this
   ends the solve with one step of fourth order from the last evaluation,
   not evaluated again (the root's series in delta to delta^3: its error, of
   order delta^4 < 1e-18, is below the round-off of f itself), with D and S
   from their own series. */
#define MR_MARKET_FINISH 4e-5
/* Past this many evaluations every other step bisects. The reference
   scenarios' solves take at most 8, guards included (2,000 trials of nine
   of them, 2026-12-06: 77-88% take 1, at most 0.4% more than 3;
   mr_market_step.evals), so none reaches it; a start far out on a steep
   curve (eps = 50) took 325. */
#define MR_MARKET_SLOW 16
/* Bisection stops when the bracket is this narrow. */
#define MR_MARKET_TOL 1e-13
/* A root within this of a guard that no evaluation has shown to lie
   beyond the root has the guard evaluated before it is accepted. */
#define MR_MARKET_NEAR_GUARD 1e-4

/* The clearing at an evaluation e at p that ends the solve. */
static inline mr_market_step at_root(const excess_at *e, double p)
{
    return (mr_market_step){.p = p,
                            .release = e->s,
                            .demand = e->d,
                            .served = 1.0,
                            .slope = e->df,
                            .curve = e->d2f,
                            .demand_slope = e->d1};
}

/* Evaluate the guard g (+guard or -guard). Returns 1 with *out set when the
   market does not clear inside the guards: short even at +guard or a glut
   even at -guard; else 0 (the root lies inside). At +guard stockholders
   release what their rule gives, or, when it asks to rebuild (S(g) < 0),
   buy only what supply leaves over after the buyers, at most what they ask
   (docs/MODEL.md §5m): nothing from a rationed market, and no surplus
   left unsold while they want to rebuild. */
static int guard_binds(int nseg, const double *w, const double *eps, double supply, double stock,
                       double cap, const mr_market_rule *r, double g, mr_market_step *out, int *n)
{
    ++*n;
    excess_at e = excess(nseg, w, eps, supply, stock, cap, r, 1.0 / r->adjust_months, g);
    if (g > 0.0 && e.f >= 0.0) {
        double left = supply - e.d; /* supply beyond the buyers' demand at g */
        double s = e.s >= 0.0 ? e.s : left > 0.0 ? -(left < -e.s ? left : -e.s) : 0.0;
        *out = (mr_market_step){
            .p = g, .release = s, .demand = e.d, .served = 1.0, .guard = e.f > 0.0 ? 1 : 0};
        double served = e.d > 0.0 ? (supply + out->release) / e.d : 1.0;
        out->served = served > 1.0 ? 1.0 : served < 0.0 ? 0.0 : served;
        return 1;
    }
    if (g < 0.0 && e.f <= 0.0) {
        *out = (mr_market_step){
            .p = g, .release = e.s, .demand = e.d, .served = 1.0, .guard = e.f < 0.0 ? -1 : 0};
        return 1;
    }
    return 0;
}

/* mr_market_clear, counting its evaluations in *n. */
static mr_market_step clear(int nseg, const double *w, const double *eps, double supply,
                            double stock, const mr_market_rule *r, double h, double p0, int *n)
{
    const double cap = stock / h, rtau = 1.0 / r->adjust_months;
    /* lo and hi bracket the root once an evaluation has shown it (f(lo) >
       0 > f(hi)); until then they are the guards, evaluated only when the
       iteration reaches one */
    double lo = -r->guard, hi = r->guard;
    int lo_shown = 0, hi_shown = 0;
    double p = p0 > lo && p0 < hi ? p0 : 0.0;
    mr_market_step out;
    for (int it = 0;; it++) {
        ++*n;
        excess_at e = excess(nseg, w, eps, supply, stock, cap, r, rtau, p);
        if (e.f == 0.0 || it == 200)
            return at_root(&e, p);
        /* written without branches: the sign of f at the start is a coin
           toss for the branch predictor */
        const int above = e.f > 0.0;
        lo = above ? p : lo;
        hi = above ? hi : p;
        lo_shown |= above;
        hi_shown |= !above;
        if ((lo_shown & hi_shown) && hi - lo <= MR_MARKET_TOL)
            return at_root(&e, p);
        /* bisection unless f' < 0; a guard not yet shown is tried first, so
           that a market short (or glutted) at every price reaches the guard
           branch below instead of creeping towards the guard (f' < 0
           whenever an elasticity is positive, so this is a safeguard) */
        double next = above && !hi_shown ? hi : e.f < 0.0 && !lo_shown ? lo : 0.5 * (lo + hi);
        if (e.df < 0.0) {
            double inv = 1.0 / e.df, step = -e.f * inv, c = 0.5 * e.d2f * inv; /* f''/(2f') < 0 */
            if (fabs(step) * (1.0 - c) <= MR_MARKET_FINISH) {
                /* the last step, with D and u to third order in Delta */
                double u, dp = finish_dp(&e, step, c, inv, &u), q = p + dp;
                /* a guard not yet shown beyond the root is evaluated when q
                   comes near it (hi and lo are the guards until shown) */
                if (!(q < r->guard - MR_MARKET_NEAR_GUARD &&
                      q > -r->guard + MR_MARKET_NEAR_GUARD) &&
                    ((!hi_shown && q >= hi - MR_MARKET_NEAR_GUARD &&
                      guard_binds(nseg, w, eps, supply, stock, cap, r, r->guard, &out, n)) ||
                     (!lo_shown && q <= lo + MR_MARKET_NEAR_GUARD &&
                      guard_binds(nseg, w, eps, supply, stock, cap, r, -r->guard, &out, n))))
                    return out;
                if ((u >= cap) == e.capped && q > -r->guard && q < r->guard)
                    return finish_out(&e, q, dp, e.capped ? cap : u);
                next = q; /* it crosses the stock's cap: evaluate there */
            } else {
                /* Halley's step, Newton's when the correction is large */
                double den = 1.0 + c * step;
                next = p + (den >= 0.5 ? step / den : step);
            }
        }
        /* from the flat side of a steep demand (or far up its steep side)
           Halley's step is about 2 / eps_max, so a start far from the root
           of an elastic market could take hundreds of steps; past
           MR_MARKET_SLOW evaluations every other step bisects (after the
           guard on the root's side, if not yet shown), so the bracket at
           least halves every two evaluations */
        if (it >= MR_MARKET_SLOW && (it & 1))
            next = above ? hi : lo;
        if (!(next > lo && next < hi)) {
            /* the step leaves the bracket: a guard not yet shown to lie
               beyond the root is evaluated, then bisection */
            if (next >= hi && !hi_shown) {
                if (guard_binds(nseg, w, eps, supply, stock, cap, r, r->guard, &out, n))
                    return out;
                hi_shown = 1;
            } else if (next <= lo && !lo_shown) {
                if (guard_binds(nseg, w, eps, supply, stock, cap, r, -r->guard, &out, n))
                    return out;
                lo_shown = 1;
            }
            next = 0.5 * (lo + hi);
        }
        p = next;
    }
}

mr_market_step mr_market_clear(int nseg, const double *w, const double *eps, double supply,
                               double stock, const mr_market_rule *r, double h, double p0)
{
    int n = 0;
    mr_market_step out = clear(nseg, w, eps, supply, stock, r, h, p0, &n);
    out.evals = n;
    return out;
}

int mr_market_refill(int nseg, const double *w, const double *eps, double stock,
                     const mr_market_rule *r, double h, double p0, mr_market_step *out)
{
    const double cap = stock / h;
    excess_at e = excess_(nseg, w, eps, 1.0, stock, cap, r, 1.0 / r->adjust_months, p0, 1);
    double inv = 1.0 / e.df, step = -e.f * inv, c = 0.5 * e.d2f * inv;
    if (!(e.df < 0.0 && fabs(step) * (1.0 - c) <= MR_MARKET_FINISH))
        return 0;
    double u, dp = finish_dp(&e, step, c, inv, &u), q = p0 + dp;
    if (e.capped || !(u < cap) || !(fabs(q) < r->guard - MR_MARKET_NEAR_GUARD))
        return 0;
    *out = finish_out(&e, q, dp, u);
    out->evals = 1;
    return 1;
}

double mr_market_start(const mr_market_step *last, const mr_market_rule *r, double dsupply,
                       double dstock, double deps)
{
    const double p = last->p, dd = last->demand;
    if (!(last->slope < 0.0))
        return p;
    /* f(p + dp) = 0 to second order in dp and the changes of the inputs:
       f_a = -1, f_K = -1 / tau_s, f_e = -p D, f_ee = p^2 D, f_pe = -D - p D' */
    double f =
        -dsupply - dstock / r->adjust_months - p * dd * deps + 0.5 * p * p * dd * deps * deps;
    double fp = last->slope - (dd + p * last->demand_slope) * deps;
    if (!(fp < 0.0))
        return p;
    double inv = 1.0 / fp, dp = -f * inv;
    double q = p + dp - 0.5 * last->curve * dp * dp * inv;
    return q > -r->guard && q < r->guard ? q : p;
}

void mr_market_refill_coef(int nseg, const double *w, const double *eps, const mr_market_rule *r,
                           double b[MR_REFILL_COEF])
{
    /* the refill's evaluation at p0 needs |e p0| <= 1/4 for every rate e,
       and q = p0 + dp (|dp| <= 4e-5) inside the guards less 1e-4 */
    double most = r->response;
    for (int k = 0; k < nseg; k++)
        most = eps[k] > most ? eps[k] : most;
    double lim = r->guard - 2.0 * MR_MARKET_NEAR_GUARD;
    b[4] = most > 0.0 && 0.25 / most < lim ? 0.25 / most : lim;
    /* moments m_n = sum_k w_k eps_k^n + (Kbar / tau_s) eta^n; g(p) = a1 p
       + a2 p^2 + a3 p^3 + a4 p^4 + ..., a_n = (-1)^(n+1) m_n / n! */
    double mom[5] = {0.0, 0.0, 0.0, 0.0, 0.0};
    for (int k = 0; k <= nseg; k++) {
        double wk = k < nseg ? w[k] : r->rest_months / r->adjust_months;
        double e = k < nseg ? eps[k] : r->response, x = wk;
        for (int n = 1; n <= 4; n++) {
            x *= e;
            mom[n] += x;
        }
    }
    b[0] = b[1] = b[2] = b[3] = 0.0;
    if (!(mom[1] > 0.0))
        return;
    double a1 = mom[1], a2 = -mom[2] / 2.0, a3 = mom[3] / 6.0, a4 = -mom[4] / 24.0;
    double i1 = 1.0 / a1, i2 = i1 * i1, i3 = i2 * i1, i5 = i3 * i2, i7 = i5 * i2;
    b[0] = i1;
    b[1] = -a2 * i3;
    b[2] = (2.0 * a2 * a2 - a1 * a3) * i5;
    b[3] = (5.0 * a1 * a2 * a3 - a1 * a1 * a4 - 5.0 * a2 * a2 * a2) * i7;
}

double mr_market_elasticity(double eps_short, double eps_long, double tau_months, double age)
{
    if (!(age > 0.0))
        return eps_short;
    return eps_long + (eps_short - eps_long) * exp(-age / tau_months);
}

double mr_market_extra_cost(double eps, double y)
{
    double g;
    return mr_market_surplus_loss(eps, y, &g);
}
