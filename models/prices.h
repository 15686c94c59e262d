/* prices.h - log price ratio y = z + pi (MODEL §5). */
#ifndef MR_PRICES_H
#define MR_PRICES_H

/* Exact discretisation of dz = -theta z dt + sigma dW over dt years:
     z' = decay z + scale e,  e ~ N(0, 1)
     decay = exp(-theta dt), scale = sigma sqrt((1 - exp(-2 theta dt)) / (2 theta)),
   which tends to sigma sqrt(dt) as theta -> 0 (random walk): sigma sqrt(dt)
   when theta = 0 or 2 theta dt is below the normal doubles (DBL_MIN). */
void mr_ou_coefficients(double theta, double sigma, double dt, double *decay, double *scale);

/* Scarcity premium pi = -ln(1 - u) / eps, capped at ln(max_multiple);
   the cap also applies at u = 1. */
double mr_scarcity_premium(double u, double elasticity, double max_multiple);

/* The same with cap = ln(max_multiple) computed once (the step loop's). */
double mr_scarcity_premium_capped(double u, double elasticity, double cap);

/* Correlated innovations e = L x for the lower-triangular Cholesky factor L
   (n x n, row-major) of the correlation matrix. */
void mr_correlate(int n, const double *chol_lower, const double *x, double *e);

#endif
