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

#include <stdbool.h>

#include <math.h>

/* The product stage of a mineral, where its exports and home uses are
   counted: MR_STAGE_REFINING, or MR_STAGE_MINING when it has no refining
   (docs/MODEL.md §3s). */
int mr_product_stage(const mr_mineral *mi);

/* Some supplier of the stage has its share on a time path (docs/MODEL.md §4). */
bool mr_stage_has_paths(const mr_stage *st);

/* The open market's share of world demand, D = 1 - sum over the product
   stage's suppliers c of min(d_c, s_c) with d_c their home uses (1 without
   home uses; docs/MODEL.md §3s). */
double mr_market_open_demand(const mr_mineral *mi);
/* The same with the product stage's shares at calendar time year, along
   their time paths (docs/MODEL.md §4). */
double mr_market_open_demand_at(const mr_mineral *mi, double year);

/* The product stage's suppliers as shares of the open market, share[i] =
   e_i / D with e_i = s_i - min(d_i, s_i) (their exports), and their spare
   capacity spare_i s_i / e_i (0 for a country that exports nothing); with
   no home uses, share[i] = s_i exactly (docs/MODEL.md §3s). */
void mr_market_open_shares(const mr_mineral *mi, double *share, double *spare);

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
    int evals;      /* evaluations of the excess demand f the solve took (guards
                       included; mr_market_refill's: 1; 0 for a step not solved) */
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
   bisection when a step leaves the bracket and, past 16 evaluations, on
   every other step (a start far from the root of a steep curve); once the Newton step delta
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

/* The refill after a shortage (docs/MODEL.md §5m): the supply is whole (A
   = 1) and the stock below its rest level, so the price is small. The
   root of D(p) = 1 + S(p) solves g(p) = y with g(p) = F(0) - F(p), F(p) =
   D(p) + (Kbar / tau_s) e^{-eta p} and y = D(0) - 1 + (Kbar - K) / tau_s;
   its series in y to fourth order, p0 = y (b1 + y (b2 + y (b3 + y b4))),
   from the moments of the segments' and the stockholders' elasticities,
   starts the solve. mr_market_refill_coef sets b[0..3] (all 0 when g'(0)
   = 0: the start is then 0) and b[4], the largest |p0| mr_market_refill
   takes: every exponent e p0 within 1/4, and p0 at least 2e-4 inside the
   guards. */
#define MR_REFILL_COEF 5
void mr_market_refill_coef(int nseg, const double *w, const double *eps, const mr_market_rule *r,
                           double b[MR_REFILL_COEF]);

/* The refill's solve when |p0| <= b[4]: one evaluation at p0, with e^x
   from mr_expm1_small (no branch, no library call), and mr_market_clear's
   last step from it. Returns 1 with *out (what mr_market_clear from p0
   returns, but for the last bits of the exponentials) when that step ends
   the solve, the root lies more than 1e-4 inside the guards and the stock
   is not capped; else 0, and the caller solves with mr_market_clear. */
int mr_market_refill(int nseg, const double *w, const double *eps, double stock,
                     const mr_market_rule *r, double h, double p0, mr_market_step *out);

static inline double mr_market_refill_start(const double b[MR_REFILL_COEF], double y)
{
    double y2 = y * y;
    return y * ((b[0] + b[1] * y) + y2 * (b[2] + b[3] * y));
}

/* Elasticity at shortage age a (months): eps_LR + (eps_SR - eps_LR) e^{-a / tau}. */
double mr_market_elasticity(double eps_short, double eps_long, double tau_months, double age);

/* e^x - 1 = x + x^2 Q(x) for |x| <= 1/4 without a library call: Q is the
   Taylor polynomial of degree 11 of (e^x - 1 - x) / x^2, by Estrin's
   scheme (docs/MODEL.md §5m), so the whole is e^x - 1 to degree 13. Its
   truncation error is below |x|^14 / 14! e^{1/4} < 5e-20 |x|, and the
   rounding of the evaluation below 1 ulp (tests/unit/models/market_clearing.c
   checks mr_expm1_small and mr_exprel_small against expm1l). */
static inline double mr_expm1_q(double x)
{
    double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
    double a0 = 1.0 / 2 + x * (1.0 / 6), a1 = 1.0 / 24 + x * (1.0 / 120),
           a2 = 1.0 / 720 + x * (1.0 / 5040), a3 = 1.0 / 40320 + x * (1.0 / 362880),
           a4 = 1.0 / 3628800 + x * (1.0 / 39916800),
           a5 = 1.0 / 479001600 + x * (1.0 / 6227020800.0);
    double b0 = a0 + a1 * x2, b1 = a2 + a3 * x2, b2 = a4 + a5 * x2;
    return (b0 + b1 * x4) + b2 * x8;
}
static inline double mr_expm1_small(double x)
{
    return x + (x * x) * mr_expm1_q(x);
}
/* (e^x - 1) / x for |x| <= 1/4 (1 at x = 0), with no division. */
static inline double mr_exprel_small(double x)
{
    return 1.0 + x * mr_expm1_q(x);
}

/* e^x and e^x - 1 as the market uses them: the polynomial above where
   |x| <= 1/4 (the refill after a shortage, and small price moves), the C
   library elsewhere. The same arithmetic on every thread and rank. */
static inline double mr_expm1(double x)
{
    return fabs(x) <= 0.25 ? mr_expm1_small(x) : expm1(x);
}
static inline double mr_exp(double x)
{
    return fabs(x) <= 0.25 ? 1.0 + mr_expm1_small(x) : exp(x);
}

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
   (mr_market_extra_cost below), and *g = P^{1-eps} - 1: one exponential
   for both, from mr_exprel_small where |(1 - eps) y| <= 1/4 (docs/MODEL.md
   §5m), else expm1. (Inline, as the next: the buyers' costs use it for
   every need at every step.) */
static inline double mr_market_surplus_loss(double eps, double y, double *g)
{
    double k = 1.0 - eps, x = k * y;
    if (fabs(x) <= 0.25) {
        /* (P^k - 1) / k = y (e^x - 1) / x: no division, and at k = 0
           (eps = 1) exactly ln P = y with *g = 0 (P^0 = 1) */
        double e = mr_exprel_small(x);
        *g = x * e;
        return y * e;
    }
    *g = expm1(x); /* |x| > 1/4, so k != 0 */
    return *g / k;
}

/* Extra cost per unit of normal spend of a buyer of elasticity eps when the
   scarcity price is S = exp(p) and the noise factor N (mean 1): it adjusts
   its quantity to S (substitution and thrifting answer a shortage, not the
   month-to-month noise) and pays N on what it buys:
     mr_market_extra_cost(eps, p) + (N - 1) S^(1 - eps)
   (docs/MODEL.md §6m). With no scarcity (p = 0) it is N - 1, so the noise
   costs nothing on average. One exponential serves both terms:
   S^(1 - eps) = 1 + (S^(1 - eps) - 1). */
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
