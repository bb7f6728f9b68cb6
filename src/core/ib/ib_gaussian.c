/*
** Gaussian IB in closed form (Chechik, Globerson, Tishby & Weiss 2005). With lambda_i the
** eigenvalues of Sigma_{x|y} Sigma_x^{-1} (generalised problem Sigma_{x|y} v = lambda Sigma_x v),
** mode i switches on at beta_i = 1/(1 - lambda_i) and contributes
**   I_X,i = 1/2 ln((beta - 1)(1 - lambda_i)/lambda_i),  I_Y,i = I_X,i - 1/2 ln((1 - lambda_i) + lambda_i e^{2 I_X,i}).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/ib.h"

#define LN2 0.69314718055994530942

/* Check that an n x n matrix is finite and symmetric (to 1e-9 relative). */
static int check_sym(const double *a, size_t n, const char *name) {
  double scale = 0;
  for (size_t i = 0; i < n * n; i++) {
    if (!isfinite(a[i])) return ibsh_fail(IBSH_EINVAL, "%s has a non-finite entry at (%zu, %zu)", name, i / n + 1, i % n + 1);
    if (fabs(a[i]) > scale) scale = fabs(a[i]);
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (fabs(a[i * n + j] - a[j * n + i]) > 1e-9 * (scale > 0 ? scale : 1))
        return ibsh_fail(IBSH_EINVAL, "%s is not symmetric at (%zu, %zu)", name, i + 1, j + 1);
  return IBSH_OK;
}

/* Solve L z = b in place (L lower triangular n x n). */
static void forward_solve(const double *l, size_t n, double *b) {
  for (size_t i = 0; i < n; i++) {
    double s = b[i];
    for (size_t k = 0; k < i; k++) s -= l[i * n + k] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/* Gaussian curve at a beta (nats). */
void ibsh_ib_gaussian_point(const ibsh_ib_curve *c, double beta, double *ixt, double *ity) {
  double ix = 0, iy = 0;
  for (size_t i = 0; i < c->ncrit; i++) {
    double lam = c->lambda[i];
    if (!(beta > c->crit[i])) continue;
    double xi = 0.5 * log((beta - 1.0) * (1.0 - lam) / lam);
    ix += xi;
    iy += xi - 0.5 * log((1.0 - lam) + lam * exp(2.0 * xi));
  }
  *ixt = ix; *ity = iy;
}

/* Gaussian IB closed form (Chechik et al. 2005): the curve on a grid of npoints betas plus the critical betas. */
int ibsh_ib_gaussian(ibsh_ib_curve *c, const double *cov_x, const double *cov_xy, const double *cov_y, size_t dx, size_t dy, size_t npoints, double beta_max) {
  ibsh_ib_curve_init(c, IBSH_IB_GAUSSIAN);
  if (dx == 0 || dy == 0) return ibsh_fail(IBSH_EINVAL, "empty covariance");
  int rc = check_sym(cov_x, dx, "cov_x");
  if (!rc) rc = check_sym(cov_y, dy, "cov_y");
  for (size_t i = 0; !rc && i < dx * dy; i++)
    if (!isfinite(cov_xy[i])) rc = ibsh_fail(IBSH_EINVAL, "cov_xy has a non-finite entry at (%zu, %zu)", i / dy + 1, i % dy + 1);
  if (rc) return rc;
  double *ly = malloc(dy * dy * sizeof *ly), *lx = malloc(dx * dx * sizeof *lx);
  double *cond = malloc(dx * dx * sizeof *cond), *z = malloc(dy * dx * sizeof *z), *w = malloc(dx * sizeof *w);
  double *tmp = malloc(dx * dx * sizeof *tmp), *col = malloc((dx > dy ? dx : dy) * sizeof *col);
  c->lambda = malloc(dx * sizeof *c->lambda);
  c->crit = malloc(dx * sizeof *c->crit);
  if (!ly || !lx || !cond || !z || !w || !tmp || !col || !c->lambda || !c->crit) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto done; }
  memcpy(ly, cov_y, dy * dy * sizeof *ly);
  memcpy(lx, cov_x, dx * dx * sizeof *lx);
  rc = ibsh_ib_cholesky(ly, dy);
  if (rc) { rc = ibsh_fail(IBSH_EINVAL, "cov_y is not positive definite"); goto done; }
  rc = ibsh_ib_cholesky(lx, dx);
  if (rc) { rc = ibsh_fail(IBSH_EINVAL, "cov_x is not positive definite"); goto done; }
  /* z = L_y^{-1} Sigma_yx (dy x dx); Sigma_{x|y} = Sigma_x - z^T z. */
  for (size_t j = 0; j < dx; j++) {
    for (size_t i = 0; i < dy; i++) col[i] = cov_xy[j * dy + i];
    forward_solve(ly, dy, col);
    for (size_t i = 0; i < dy; i++) z[i * dx + j] = col[i];
  }
  for (size_t i = 0; i < dx; i++)
    for (size_t j = 0; j < dx; j++) {
      double s = cov_x[i * dx + j];
      for (size_t k = 0; k < dy; k++) s -= z[k * dx + i] * z[k * dx + j];
      cond[i * dx + j] = s;
    }
  /* C = L_x^{-1} Sigma_{x|y} L_x^{-T}: symmetric, same eigenvalues as Sigma_{x|y} Sigma_x^{-1}. */
  for (size_t j = 0; j < dx; j++) {
    for (size_t i = 0; i < dx; i++) col[i] = cond[i * dx + j];
    forward_solve(lx, dx, col);
    for (size_t i = 0; i < dx; i++) tmp[i * dx + j] = col[i];
  }
  for (size_t i = 0; i < dx; i++) {
    for (size_t j = 0; j < dx; j++) col[j] = tmp[i * dx + j];
    forward_solve(lx, dx, col);
    for (size_t j = 0; j < dx; j++) cond[i * dx + j] = col[j];
  }
  for (size_t i = 0; i < dx; i++) for (size_t j = i + 1; j < dx; j++) {
    double m = 0.5 * (cond[i * dx + j] + cond[j * dx + i]);
    cond[i * dx + j] = cond[j * dx + i] = m;
  }
  rc = ibsh_ib_jacobi(cond, dx, w, NULL);
  if (rc) goto done;
  c->ncrit = 0;
  double ixy = 0, maxcrit = 1;
  for (size_t i = 0; i < dx; i++) {
    double lam = w[i];
    if (lam < -1e-9) { rc = ibsh_fail(IBSH_EINVAL, "the joint covariance of (X, Y) is not positive definite (eigenvalue %g of Sigma_x|y Sigma_x^-1)", lam); goto done; }
    if (lam < 1e-12) { rc = ibsh_fail(IBSH_EINVAL, "a direction of X is determined by Y (eigenvalue %g of Sigma_x|y Sigma_x^-1): I(X;Y) is infinite", lam); goto done; }
    if (lam >= 1.0 - 1e-12) continue;  /* a direction without information about Y never switches on */
    c->lambda[c->ncrit] = lam;
    c->crit[c->ncrit] = 1.0 / (1.0 - lam);
    if (c->crit[c->ncrit] > maxcrit) maxcrit = c->crit[c->ncrit];
    c->ncrit++;
    ixy -= 0.5 * log(lam);
  }
  c->ixy = ixy / LN2;
  c->hx = INFINITY;
  c->hy = INFINITY;
  c->beta0 = c->ncrit ? c->crit[0] : INFINITY;
  /* Points: the trivial point, every critical beta, and a geometric grid above the first one. */
  rc = ibsh_ib_curve_add(c, 0.0, 0.0, 0.0, NAN, NULL, 0, 0);
  if (c->ncrit > 0) {
    double lo = c->crit[0], hi = beta_max > 0 ? beta_max : maxcrit * 1e4;
    if (hi <= lo) hi = lo * 10;
    size_t n = npoints ? npoints : 200;
    for (size_t k = 0; !rc && k < n; k++) {
      double b = lo * pow(hi / lo, (double)k / (double)(n > 1 ? n - 1 : 1));
      double ix, iy;
      ibsh_ib_gaussian_point(c, b, &ix, &iy);
      rc = ibsh_ib_curve_add(c, b, ix / LN2, iy / LN2, NAN, NULL, 0, 0);
    }
    for (size_t i = 1; !rc && i < c->ncrit; i++) {
      double ix, iy;
      ibsh_ib_gaussian_point(c, c->crit[i], &ix, &iy);
      rc = ibsh_ib_curve_add(c, c->crit[i], ix / LN2, iy / LN2, NAN, NULL, 0, 0);
    }
  }
  if (!rc) rc = ibsh_ib_curve_envelope(c);
done:
  free(ly); free(lx); free(cond); free(z); free(w); free(tmp); free(col);
  return rc;
}
