/* market.h - the market layer of one mineral (docs/MODEL.md §5m, model v2):
 * the open market's price clears supply, commercial stocks and demand
 * segments of their own elasticity, step by step.
 *
 * Quantities are fractions of the open market's normal demand (a flow per
 * unit time), stocks are months of that demand, prices are log ratios to
 * the reference price P0. Pure functions of their arguments: no state, no
 * random numbers, the same result on every thread.
 */
#ifndef MR_MARKET_H
#define MR_MARKET_H

#include "models/scenario.h"

#include <math.h>

/* The product stage of a mineral, where its exports and home uses are
   counted: MR_STAGE_REFINING, or MR_STAGE_MINING when it has no refining
   (docs/MODEL.md §3s). */
int mr_product_stage(const mr_mineral *mi);

/* The open market's share of world demand, D = 1 - sum over the product
   stage's suppliers c of min(d_c, s_c) with d_c their home uses (1 without
   home uses; docs/MODEL.md §3s). */
double mr_market_open_demand(const mr_mineral *mi);

/* Commercial stocks: at rest `rest_months`; stockholders release (S > 0)
   or rebuild (S < 0) at S(p) = (K - rest e^{-eta p}) / tau, never more than
   the stock holds in one step (S <= K / h). */
typedef struct {
    double rest_months;   /* K-bar, months of demand */
    double adjust_months; /* tau_s > 0 */
    double response;      /* eta_s >= 0 */
    double guard;         /* ln(max_multiple) > 0: |p| <= guard (a numerical guard only) */
} mr_market_rule;

typedef struct {
    double p;       /* clearing log price (0 at rest) */
    double release; /* S(p): stock released (> 0) or rebuilt (< 0), fraction of demand */
    double demand;  /* D(p) = sum_k w_k e^{-eps_k p}, fraction of normal demand */
    double served;  /* share of demand served: 1 unless the guard binds at +guard */
    int guard;      /* +1 the upper guard binds (shortage rationed), -1 the lower
                       (surplus unsold), 0 the market cleared */
    /* where it cleared, for the next step's start (mr_market_start), to the
       accuracy a start needs; 0 on a guard: */
    double slope;        /* f'(p) = D'(p) - S'(p) < 0 */
    double curve;        /* f''(p) > 0 */
    double demand_slope; /* D'(p) */
} mr_market_step;

/* Clear the market of one step: find p in [-guard, guard] with
     D(p) = supply + S(p),
   D decreasing and convex, S increasing and concave in p, so the root is
   unique; safeguarded Halley iteration from p0 (a predicted price),
   bisection when a step leaves the bracket; once the Newton step delta
   satisfies |delta| (1 + |f''/2f'|) <= 4e-5, one fourth-order step from
   that evaluation ends it, with D and S at the root from their series (its
   error is below the round-off of D and S; a step that crosses the stock's
   cap K/h is evaluated instead; at most 200 evaluations). A guard is evaluated
   only when the iteration reaches it. When even the guard price leaves
   demand above supply, p = guard and the rest is rationed:
   served = (supply + S) / D. */
mr_market_step mr_market_clear(int nseg, const double *w, const double *eps, double supply,
                               double stock, const mr_market_rule *r, double h, double p0);

/* A starting price for the next step's solve: the price of the last
   clearing `last` moved to second order for the changes of the supply, the
   stock and the elasticity (which moves every segment alike) since it; the
   last price itself after a guard, or when the prediction leaves the
   guards. */
double mr_market_start(const mr_market_step *last, const mr_market_rule *r, double dsupply,
                       double dstock, double deps);

/* Elasticity at shortage age a (months): eps_LR + (eps_SR - eps_LR) e^{-a / tau}. */
double mr_market_elasticity(double eps_short, double eps_long, double tau_months, double age);

/* Elasticity of a buyer that is a cost share c of its output and can
   substitute the fraction sigma of its need at once, when the market's
   elasticity has moved from eps_short to eps (docs/MODEL.md §6m):
   c + sigma eps_short + (eps - eps_short). In the short run only its
   substitutable part responds; the thrifting and substitution that follow
   a lasting price rise reach every buyer. (Inline: the buyers' costs use
   it for every need at every step.) */
static inline double mr_market_need_elasticity(double cost_share, double sigma, double eps_short,
                                               double eps)
{
    return cost_share + sigma * eps_short + (eps - eps_short);
}

/* The consumer-surplus loss (P^{1-eps} - 1) / (1 - eps) at log price y
   (mr_market_extra_cost below), and *g = P^{1-eps} - 1: one expm1 for
   both. (Inline, as the next: the buyers' costs use it for every need at
   every step.) */
static inline double mr_market_surplus_loss(double eps, double y, double *g)
{
    double k = 1.0 - eps;
    if (k == 0.0) {
        *g = 0.0; /* P^0 = 1 */
        return y; /* ln P, the limit eps -> 1 (expm1 keeps k y accurate for any other k) */
    }
    *g = expm1(k * y);
    return *g / k;
}

/* Extra cost per unit of normal spend of a buyer of elasticity eps when the
   scarcity price is S = exp(p) and the noise factor N (mean 1): it adjusts
   its quantity to S (substitution and thrifting answer a shortage, not the
   month-to-month noise) and pays N on what it buys:
     mr_market_extra_cost(eps, p) + (N - 1) S^(1 - eps)
   (docs/MODEL.md §6m). With no scarcity (p = 0) it is N - 1, so the noise
   costs nothing on average. One expm1 serves both terms:
   S^(1 - eps) = 1 + expm1((1 - eps) p). */
static inline double mr_market_buyer_cost(double eps, double p, double n)
{
    double g, cs = mr_market_surplus_loss(eps, p, &g);
    return cs + (n - 1.0) * (1.0 + g);
}

/* Extra cost per unit of normal spend of a buyer of elasticity eps at log
   price y: the change of its consumer surplus, int_1^P x^-eps dx =
   (P^{1-eps} - 1) / (1 - eps) (ln P when eps = 1): between x(P)(P - 1)
   and P - 1, so a buyer that cannot substitute (eps = 0) pays P - 1. */
double mr_market_extra_cost(double eps, double y);

#endif
