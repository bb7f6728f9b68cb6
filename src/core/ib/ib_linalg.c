/*
** Small dense linear algebra for the IB solvers (no LAPACK): a cyclic Jacobi
** eigen-solver for symmetric matrices, Cholesky factors, and the trivial-solution
** threshold beta0 = 1/rho_m^2 from the spectrum of Q^T Q, Q = p(x,y)/sqrt(p(x)p(y)).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/ib.h"

/* Eigen-decomposition of a symmetric n x n matrix a (destroyed) by cyclic Jacobi: eigenvalues ascending in w, eigenvectors in columns of v (may be NULL). */
int ibsh_ib_jacobi(double *a, size_t n, double *w, double *v) {
  if (v) { memset(v, 0, n * n * sizeof *v); for (size_t i = 0; i < n; i++) v[i * n + i] = 1.0; }
  double norm = 0;
  for (size_t i = 0; i < n * n; i++) norm += a[i] * a[i];
  for (int sweep = 0; sweep < 100; sweep++) {
    double off = 0;
    for (size_t i = 0; i < n; i++) for (size_t j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    if (off <= 1e-32 * norm || off == 0) break;
    for (size_t p = 0; p < n; p++) {
      for (size_t q = p + 1; q < n; q++) {
        double apq = a[p * n + q];
        if (apq == 0) continue;
        double app = a[p * n + p], aqq = a[q * n + q];
        double theta = (aqq - app) / (2.0 * apq);
        double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
        double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
        for (size_t k = 0; k < n; k++) {
          double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < n; k++) {
          double apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        if (v) for (size_t k = 0; k < n; k++) {
          double vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  for (size_t i = 0; i < n; i++) w[i] = a[i * n + i];
  /* Sort ascending (selection sort; n is small), permuting eigenvector columns along. */
  for (size_t i = 0; i < n; i++) {
    size_t m = i;
    for (size_t j = i + 1; j < n; j++) if (w[j] < w[m]) m = j;
    if (m == i) continue;
    double t = w[i]; w[i] = w[m]; w[m] = t;
    if (v) for (size_t k = 0; k < n; k++) { t = v[k * n + i]; v[k * n + i] = v[k * n + m]; v[k * n + m] = t; }
  }
  for (size_t i = 0; i < n; i++) if (!isfinite(w[i])) return ibsh_fail(IBSH_ENUM, "eigenvalues are not finite");
  return IBSH_OK;
}

/* Cholesky factor of a symmetric positive definite n x n matrix: a = L L^T, L lower in place (upper part zeroed). */
int ibsh_ib_cholesky(double *a, size_t n) {
  for (size_t j = 0; j < n; j++) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return ibsh_fail(IBSH_EINVAL, "matrix is not positive definite (pivot %zu is %g)", j + 1, d);
    d = sqrt(d);
    a[j * n + j] = d;
    for (size_t i = j + 1; i < n; i++) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
    for (size_t i = 0; i < j; i++) a[i * n + j] = 0;
  }
  return IBSH_OK;
}

/* beta0 = 1/rho_m^2 from the second singular value of p(x,y)/sqrt(p(x)p(y)); +inf when rho_m = 0. */
int ibsh_ib_beta0(const ibsh_ib_problem *p, double *beta0) {
  size_t nx = p->nx, ny = p->ny;
  double *m = calloc(ny * ny, sizeof *m), *w = calloc(ny, sizeof *w);
  if (!m || !w) { free(m); free(w); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  /* (Q^T Q)_ij = sum_x p(y_i|x) p(y_j|x) p(x) / sqrt(p(y_i) p(y_j)). */
  for (size_t x = 0; x < nx; x++) {
    const double *c = p->pyx + x * ny;
    for (size_t i = 0; i < ny; i++) {
      if (c[i] == 0) continue;
      for (size_t j = 0; j < ny; j++) m[i * ny + j] += p->px[x] * c[i] * c[j];
    }
  }
  for (size_t i = 0; i < ny; i++) for (size_t j = 0; j < ny; j++) m[i * ny + j] /= sqrt(p->py[i] * p->py[j]);
  int rc = ibsh_ib_jacobi(m, ny, w, NULL);
  if (!rc) {
    double rho2 = w[ny - 2];  /* the largest eigenvalue is 1 (constant singular vector) */
    if (rho2 > 1) rho2 = 1;
    *beta0 = rho2 > 1e-15 ? 1.0 / rho2 : INFINITY;
  }
  free(m); free(w);
  return rc;
}
