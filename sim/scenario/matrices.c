/* matrices.c - the scenario's matrices: interdependency (MODEL §2, §7),
 * whose spectral radius must be < 1, and price_correlation (MODEL §5),
 * which must be a correlation matrix.
 */
#include "sim/scenario/internal.h"

#include <stdlib.h>

#include <gsl/gsl_complex.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* Largest eigenvalue modulus of the n x n row-major matrix a. */
static int spectral_radius(const double *a, int n, double *rho)
{
    gsl_matrix *m = gsl_matrix_alloc((size_t)n, (size_t)n);
    gsl_vector_complex *ev = gsl_vector_complex_alloc((size_t)n);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc((size_t)n);
    int st = GSL_ENOMEM;
    if (m && ev && w) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                gsl_matrix_set(m, (size_t)i, (size_t)j, a[i * n + j]);
        st = gsl_eigen_nonsymm(m, ev, w);
        *rho = 0;
        for (int i = 0; st == GSL_SUCCESS && i < n; i++) {
            double r = gsl_complex_abs(gsl_vector_complex_get(ev, (size_t)i));
            if (r > *rho)
                *rho = r;
        }
    }
    if (w)
        gsl_eigen_nonsymm_free(w);
    if (ev)
        gsl_vector_complex_free(ev);
    if (m)
        gsl_matrix_free(m);
    return st;
}

/* A square matrix given as id -> id -> number, into dense row-major `out`
   (which holds the defaults). `given` marks the entries written. */
static int walk_matrix(P *p, const yaml_node_t *v, const char *kp, const char *what,
                       const IdHash *ids, const Range *r, double *out, bool *given)
{
    int n = ids->n;
    if (sc_idmap_check(p, v, kp, what, ids))
        return -1;
    for (int i = 0; i < sc_npairs(v); i++) {
        const char *rid = sc_sval(sc_pair_key(p, v, i));
        const yaml_node_t *row = sc_pair_val(p, v, i);
        int a = sc_idhash_find(ids, rid);
        char rkp[KP_MAX], ckp[KP_MAX];
        sc_kp_key(rkp, kp, rid);
        if (sc_is_null(row))
            continue;
        if (sc_idmap_check(p, row, rkp, what, ids))
            return -1;
        for (int j = 0; j < sc_npairs(row); j++) {
            const char *cid = sc_sval(sc_pair_key(p, row, j));
            int b = sc_idhash_find(ids, cid);
            sc_kp_key(ckp, rkp, cid);
            if (sc_num_node(p, sc_pair_val(p, row, j), ckp, r, &out[a * n + b]))
                return -1;
            given[a * n + b] = true;
        }
    }
    return 0;
}

/* interdependency (MODEL §2, §7): A*, spectral radius < 1 so the IIM
   (I - A*)^-1 exists and the dynamic model settles. */
int sc_walk_interdependency(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    int n = sc->nsectors;
    bool *given = sc_zalloc(p, (size_t)n * (size_t)n, sizeof *given);
    if (!given)
        return -1;
    int rc = walk_matrix(p, v, kp, "sector", &p->hsid, &R_01, sc->interdependency, given);
    free(given);
    if (rc)
        return -1;
    bool zero = true;
    for (int i = 0; i < n * n; i++)
        zero &= sc->interdependency[i] == 0;
    if (zero)
        return 0;
    double rho = 0;
    int st = spectral_radius(sc->interdependency, n, &rho);
    if (st == GSL_ENOMEM)
        return sc_oom(p);
    if (st != GSL_SUCCESS)
        return sc_fail(p, v, kp, "cannot compute the eigenvalues: %s", gsl_strerror(st));
    if (!(rho < 1))
        return sc_fail(p, v, kp, "spectral radius %.6g must be < 1", rho);
    return 0;
}

/* price_correlation (MODEL §5): symmetric, unit diagonal, positive definite
   (so its Cholesky factor can correlate the price innovations). */
int sc_walk_correlation(P *p, const yaml_node_t *v, const char *kp)
{
    mr_scenario *sc = p->sc;
    int n = sc->nminerals;
    double *c = sc->price_correlation;
    bool *given = sc_zalloc(p, (size_t)n * (size_t)n, sizeof *given);
    if (!given)
        return -1;
    if (walk_matrix(p, v, kp, "mineral", &p->hmid, &R_CORR, c, given)) {
        free(given);
        return -1;
    }
    /* Check in file order: the message points at the first of a pair. */
    for (int i = 0; i < sc_npairs(v); i++) {
        const yaml_node_t *row = sc_pair_val(p, v, i);
        int a = sc_idhash_find(&p->hmid, sc_sval(sc_pair_key(p, v, i)));
        if (sc_is_null(row))
            continue;
        for (int j = 0; j < sc_npairs(row); j++) {
            const yaml_node_t *val = sc_pair_val(p, row, j);
            int b = sc_idhash_find(&p->hmid, sc_sval(sc_pair_key(p, row, j)));
            char rkp[KP_MAX], ckp[KP_MAX];
            sc_kp_key(rkp, kp, p->mid[a]);
            sc_kp_key(ckp, rkp, p->mid[b]);
            if (a == b && c[a * n + b] != 1) {
                free(given);
                char d[SHOW_BUF];
                return sc_fail(p, val, ckp, "a mineral's correlation with itself must be 1, got %s",
                               sc_show(sc_sval(val), val->data.scalar.length, d, sizeof d));
            }
            if (a != b && given[b * n + a] && c[b * n + a] != c[a * n + b]) {
                free(given);
                char here[32], there[32];
                return sc_fail(p, val, ckp, "not symmetric: %s here but %s at %s.%s.%s",
                               sc_shortest(c[a * n + b], here, sizeof here),
                               sc_shortest(c[b * n + a], there, sizeof there), kp, p->mid[b],
                               p->mid[a]);
            }
        }
    }
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            if (given[a * n + b] && !given[b * n + a])
                c[b * n + a] = c[a * n + b];
    free(given);

    gsl_matrix *m = gsl_matrix_alloc((size_t)n, (size_t)n);
    if (!m)
        return sc_oom(p);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            gsl_matrix_set(m, (size_t)a, (size_t)b, c[a * n + b]);
    int st = gsl_linalg_cholesky_decomp1(m);
    gsl_matrix_free(m);
    if (st != GSL_SUCCESS)
        return sc_fail(p, v, kp, "matrix is not positive definite");
    return 0;
}
