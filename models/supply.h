/* supply.h - supply per mineral and step, and the strategic stockpile (MODEL §4). */
#ifndef MR_SUPPLY_H
#define MR_SUPPLY_H

/* Availability of one stage as a fraction of normal supply:
     lost    = sum share_c L_c
     reroute = min(lost, ramp * sum share_c spare_c (1 - L_c))
     A       = max(0, 1 - lost + reroute)  (0, not a round-off below it)
   ramp in [0, 1] scales spare capacity while it ramps up (1 = at once). */
double mr_stage_availability(int n, const double *share, const double *spare, const double *loss,
                             double ramp);

/* Availability of a mineral from its two stages (MODEL §4). p_s is stage
   s's availability from its physical losses alone (scope production or
   ore), a_s with its export controls too (a_s <= p_s). Refiners draw on the
   world's mine output, so physical losses bind at the shorter stage,
   min(p_mining, p_refining), not their product: ore that a stopped refinery
   would have taken goes to the ones still running, and a country's lost
   mines and lost refineries are one loss, not two. An export control does
   not stop anything, it withholds; its factor a_s / p_s compounds:
     A = min(p_m, p_r) (a_m / p_m) (a_r / p_r).
   Without export controls this is min(a_m, a_r) exactly; a missing stage
   counts as 1 (a = p = 1). */
double mr_chain_stages(double a_mining, double p_mining, double a_refining, double p_refining);

/* Supply gap as a fraction of demand, g = max(0, 1 - S) with
   S = r + d + (1 - r - d) A, computed as (1 - r - d)(1 - A): the same in exact
   arithmetic, but exactly 0 when A = 1 for every r and d (1 - S is not: for
   r = 0.03, d = 0.05 it is 1.1e-16, a phantom shortage that would stop
   stockpiles and buffers from ever refilling). */
double mr_supply_gap(double recycled, double domestic, double availability);

/* Ramp-up factor of spare capacity after k consecutive disrupted steps
   (k >= 1) of h months each: min(1, k h / ramp_months); 1 if ramp_months == 0. */
double mr_spare_ramp(int k, double h_months, double ramp_months);

typedef struct {
    double target_months; /* refill up to this, months of demand */
    double trigger;       /* release only when the gap exceeds this */
    double max_release;   /* fraction of demand per step, at most */
    double refill_rate;   /* months of demand per month, while gap == 0 */
} mr_stockpile_rule;

/* One step of the stockpile. gap g >= 0 (fraction of demand), h months per
   step, *level in months of demand. Returns the release R (fraction of
   demand): R = min(g, level / h, max_release) when g > trigger, and the level
   falls by R h; when g == 0 the level rises by refill_rate h up to the target.
   Net shortfall u = g - R. */
double mr_stockpile_step(const mr_stockpile_rule *rule, double *level, double gap, double h);

#endif
