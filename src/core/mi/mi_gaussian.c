/*
** Gaussian MI from the joint sample covariance (Cholesky log-determinants).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/mi_gaussian.h"
#include "mi_special.h"

/* Log-determinant of a symmetric positive-definite m x m matrix a (overwritten by its Cholesky factor). */
int ibsh_logdet_spd(double *a, size_t m, double *logdet) {
  double ld = 0;
  for (size_t j = 0; j < m; j++) {
    double s = a[j * m + j];
    for (size_t p = 0; p < j; p++) s -= a[j * m + p] * a[j * m + p];
    if (!(s > 0)) return ibsh_fail(IBSH_ENUM, "covariance matrix is singular (pivot %zu is %g)", j + 1, s);
    double l = sqrt(s);
    a[j * m + j] = l;
    ld += 2 * log(l);
    for (size_t i = j + 1; i < m; i++) {
      double v = a[i * m + j];
      for (size_t p = 0; p < j; p++) v -= a[i * m + p] * a[j * m + p];
      a[i * m + j] = v / l;
    }
  }
  *logdet = ld;
  return IBSH_OK;
}

/* Copy the sub-covariance of rows/columns [off, off + m) of the full dj x dj matrix. */
static void sub_cov(const double *cov, size_t dj, size_t off, size_t m, double *out) {
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < m; j++) out[i * m + j] = cov[(off + i) * dj + off + j];
}

/* E[ln det S] - ln det Sigma for the sample covariance S (divisor n - 1) of n Gaussian rows in d dimensions:
   sum_{i=1..d} psi((n - i) / 2) - d ln((n - 1) / 2) (Wishart with n - 1 degrees of freedom). */
static double logdet_bias(size_t d, size_t n) {
  double b = 0;
  for (size_t i = 1; i <= d; i++) b += ibsh_digamma((double)(n - i) / 2.0);
  return b - (double)d * log((double)(n - 1) / 2.0);
}

/* Gaussian I(X;Y) in nats from n rows of x (n x dx) and y (n x dy); unbiased removes the Wishart bias of each
   log-determinant (the estimate is then unbiased for Gaussian data). */
int ibsh_mi_gaussian_ex(const double *x, size_t dx, const double *y, size_t dy, size_t n, int unbiased, double *mi) {
  size_t dj = dx + dy;
  if (n <= dj) return ibsh_fail(IBSH_EINVAL, "need more rows (%zu) than dimensions (%zu)", n, dj);
  double *z = malloc(n * dj * sizeof *z), *cov = calloc(dj * dj, sizeof *cov), *work = malloc(dj * dj * sizeof *work);
  double *mean = calloc(dj, sizeof *mean);
  int rc = IBSH_OK;
  if (!z || !cov || !work || !mean) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory for %zu x %zu covariances", dj, dj);
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < dx; j++) z[i * dj + j] = x[i * dx + j];
    for (size_t j = 0; j < dy; j++) z[i * dj + dx + j] = y[i * dy + j];
  }
  for (size_t i = 0; i < n * dj; i++)
    if (!isfinite(z[i])) {
      rc = ibsh_fail(IBSH_EINVAL, "non-finite value %g at row %zu", z[i], i / dj + 1);
      goto done;
    }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < dj; j++) mean[j] += z[i * dj + j];
  for (size_t j = 0; j < dj; j++) mean[j] /= (double)n;
  for (size_t i = 0; i < n; i++)
    for (size_t a = 0; a < dj; a++) {
      double va = z[i * dj + a] - mean[a];
      for (size_t b = 0; b <= a; b++) cov[a * dj + b] += va * (z[i * dj + b] - mean[b]);
    }
  for (size_t a = 0; a < dj; a++)
    for (size_t b = 0; b <= a; b++) cov[b * dj + a] = cov[a * dj + b] /= (double)(n - 1);
  double lx, ly, lj;
  sub_cov(cov, dj, 0, dx, work);
  if ((rc = ibsh_logdet_spd(work, dx, &lx))) goto done;
  sub_cov(cov, dj, dx, dy, work);
  if ((rc = ibsh_logdet_spd(work, dy, &ly))) goto done;
  memcpy(work, cov, dj * dj * sizeof *work);
  if ((rc = ibsh_logdet_spd(work, dj, &lj))) goto done;
  if (unbiased) {
    lx -= logdet_bias(dx, n);
    ly -= logdet_bias(dy, n);
    lj -= logdet_bias(dj, n);
  }
  *mi = 0.5 * (lx + ly - lj);
done:
  free(z);
  free(cov);
  free(work);
  free(mean);
  return rc;
}

/* Gaussian I(X;Y) in nats from n rows of x (n x dx) and y (n x dy), no bias correction. */
int ibsh_mi_gaussian(const double *x, size_t dx, const double *y, size_t dy, size_t n, double *mi) {
  return ibsh_mi_gaussian_ex(x, dx, y, dy, n, 0, mi);
}
