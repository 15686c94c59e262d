/* iim.h - inoperability input-output model (MODEL §7; Haimes & Jiang 2001,
   Lian & Haimes 2006). A* is n x n row-major: A*[i*n + j] is the fraction of
   sector j's inoperability passed to sector i. */
#ifndef MR_IIM_H
#define MR_IIM_H

/* One step of the dynamic IIM: q <- clip(q + K (A* q + c - q), 0, 1),
   K = diag(k). tmp has n doubles of scratch. */
void mr_iim_step(int n, const double *astar, const double *k, const double *c, double *q,
                 double *tmp);

/* Static IIM: solve (I - A*) q = c (LU), then clip q to [0, 1].
   Returns 0, or -1 if I - A* is singular. */
int mr_iim_static(int n, const double *astar, const double *c, double *q);

#endif
