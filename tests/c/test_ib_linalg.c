/*
** C tests of the IB linear algebra: Jacobi eigenvalues, Cholesky, beta0 of the DSBS.
*/
#include <math.h>
#include <stdio.h>
#include "ibsh/ib.h"

static int failures = 0;

/* Report a failed check. */
static void check(int ok, const char *what, double got, double want) {
  if (!ok) { fprintf(stderr, "FAIL %s: got %.15g want %.15g\n", what, got, want); failures++; }
}

/* Run the checks; nonzero exit on any failure. */
int main(void) {
  /* Jacobi on a 3x3 symmetric matrix with known eigenvalues 1, 2, 4 (Q diag(1,2,4) Q^T, Q a rotation). */
  double c = cos(0.3), s = sin(0.3);
  double q[9] = {c, -s, 0, s, c, 0, 0, 0, 1}, d[3] = {4, 1, 2}, a[9], v[9], w[3];
  for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
    double t = 0;
    for (int k = 0; k < 3; k++) t += q[i * 3 + k] * d[k] * q[j * 3 + k];
    a[i * 3 + j] = t;
  }
  double a0[9];
  for (int i = 0; i < 9; i++) a0[i] = a[i];
  check(ibsh_ib_jacobi(a, 3, w, v) == 0, "jacobi rc", 0, 0);
  check(fabs(w[0] - 1) < 1e-13, "eigenvalue 1", w[0], 1);
  check(fabs(w[1] - 2) < 1e-13, "eigenvalue 2", w[1], 2);
  check(fabs(w[2] - 4) < 1e-13, "eigenvalue 4", w[2], 4);
  /* A v = w v for every column. */
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 3; i++) {
      double t = 0;
      for (int j = 0; j < 3; j++) t += a0[i * 3 + j] * v[j * 3 + k];
      check(fabs(t - w[k] * v[i * 3 + k]) < 1e-12, "eigenvector", t, w[k] * v[i * 3 + k]);
    }
  /* Cholesky of [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, sqrt 2]]. */
  double m[4] = {4, 2, 2, 3};
  check(ibsh_ib_cholesky(m, 2) == 0, "cholesky rc", 0, 0);
  check(fabs(m[0] - 2) < 1e-15 && fabs(m[2] - 1) < 1e-15 && fabs(m[3] - sqrt(2.0)) < 1e-15 && m[1] == 0, "cholesky", m[3], sqrt(2.0));
  double bad[4] = {1, 2, 2, 1};
  check(ibsh_ib_cholesky(bad, 2) != 0, "cholesky rejects indefinite", 0, 0);
  /* beta0 of the DSBS with eps = 0.1 is 1/(1 - 2 eps)^2 = 1.5625. */
  double pxy[4] = {0.45, 0.05, 0.05, 0.45};
  ibsh_ib_problem p;
  check(ibsh_ib_problem_init(&p, pxy, 2, 2, 1) == 0, "problem", 0, 0);
  double b0 = 0;
  check(ibsh_ib_beta0(&p, &b0) == 0 && fabs(b0 - 1.5625) < 1e-12, "beta0 DSBS", b0, 1.5625);
  ibsh_ib_problem_free(&p);
  /* A curve traced from C: var_u-like deterministic joint reduces to two symbols. */
  double det[8] = {0.25, 0, 0.25, 0, 0, 0.25, 0, 0.25};
  ibsh_ib_opts o;
  ibsh_ib_opts_default(&o);
  ibsh_ib_curve cv;
  check(ibsh_ib_curve_solve(&cv, det, 4, 2, &o) == 0, "curve", 0, 0);
  check(cv.nx == 2, "reduced to 2 symbols", (double)cv.nx, 2);
  check(fabs(ibsh_ib_curve_at(&cv, 0.5) - 0.5) < 1e-9, "at 0.5", ibsh_ib_curve_at(&cv, 0.5), 0.5);
  check(fabs(ibsh_ib_curve_at(&cv, 1.7) - 1) < 1e-9, "flat part", ibsh_ib_curve_at(&cv, 1.7), 1);
  ibsh_ib_curve_free(&cv);
  if (failures) return 1;
  printf("OK\n");
  return 0;
}
