/* sectors.h - allocation among sectors, sector buffers, direct inoperability (MODEL §6). */
#ifndef MR_SECTORS_H
#define MR_SECTORS_H

/* Priority rationing of an available fraction of national demand among
   claimants sorted by priority, grouped by equal priority: group g holds
   claimants group_start[g] .. group_start[g+1]-1 with demands demand[k]
   (fractions of national demand). Groups are served in full in order; the
   first group that cannot be served in full shares what is left in
   proportion to demand (ties proportional); later groups get nothing.
   Writes the fulfilment f[k] in [0, 1]. A claimant with zero demand gets 1. */
void mr_allocate_priority(int ngroups, const int *group_start, const double *demand,
                          double available, double *f);

/* A sector's own buffer of one input (MODEL §6). f is the fulfilment from
   the market, *level the buffer in months of the sector's need, h months per
   step. The buffer covers the shortfall 1 - f while it lasts; when f == 1 it
   refills at refill_rate (months per month) up to capacity. Returns the
   fulfilment that reaches production. */
double mr_buffer_step(double f, double *level, double capacity_months, double refill_rate,
                      double h);

/* Direct inoperability of a sector from its n inputs (MODEL §6):
   x_m = a_m (1 - sigma_m) (1 - f_m);
   limiting (Leontief): c = max_m x_m; independent: c = 1 - prod_m (1 - x_m). */
double mr_direct_inoperability_limiting(int n, const double *a, const double *sigma,
                                        const double *f);
double mr_direct_inoperability_independent(int n, const double *a, const double *sigma,
                                           const double *f);

#endif
