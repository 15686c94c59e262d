/* iim.c - inoperability input-output model (MODEL §7). */
#include "models/iim.h"

#include "models/status.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_errno.h>

static double clip01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

void mr_iim_step(int n, const double *astar, const double *k, const double *c, double *q,
                 double *tmp)
{
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        const double *row = astar + (long)i * n;
        for (int j = 0; j < n; j++)
            s += row[j] * q[j];
        /* (1 - k) q + k (A* q + c): the same as q + K (A* q + c - q), but
           exact when k = 1, so q(t) = c(t) when K = I and A* = 0 (MODEL §7a). */
        tmp[i] = (1.0 - k[i]) * q[i] + k[i] * (s + c[i]);
    }
    for (int i = 0; i < n; i++)
        q[i] = clip01(tmp[i]);
}

int mr_iim_static(int n, const double *astar, const double *c, double *q)
{
    gsl_matrix *m = gsl_matrix_alloc((size_t)n, (size_t)n);
    gsl_permutation *p = gsl_permutation_alloc((size_t)n);
    gsl_vector_const_view cv = gsl_vector_const_view_array(c, (size_t)n);
    gsl_vector_view qv = gsl_vector_view_array(q, (size_t)n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            gsl_matrix_set(m, (size_t)i, (size_t)j, (i == j) - astar[(long)i * n + j]);
    int sign, rc = -1;
    mr_gsl_quiet_begin();
    if (gsl_linalg_LU_decomp(m, p, &sign) == GSL_SUCCESS &&
        gsl_linalg_LU_solve(m, p, &cv.vector, &qv.vector) == GSL_SUCCESS)
        rc = 0;
    mr_gsl_quiet_end();
    for (int i = 0; rc == 0 && i < n; i++)
        q[i] = clip01(q[i]);
    gsl_matrix_free(m);
    gsl_permutation_free(p);
    return rc;
}
