/*
** Gaussian-copula MI: rank-Gaussianise every column (normal quantile of the mid-rank),
** then the Gaussian log-determinant formula.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/mi_gaussian.h"

/* Standard normal quantile Phi^-1(p), 0 < p < 1: Acklam's rational approximation and one Halley step on erfc. */
static double normal_quantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  double q, x;
  if (p < 0.02425) {
    q = sqrt(-2 * log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    q = sqrt(-2 * log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    q = p - 0.5;
    double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  double e = 0.5 * erfc(-x / sqrt(2.0)) - p;   /* Halley refinement */
  double u = e * 2.50662827463100050242 * exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

/* Ordering of (value, row) pairs by value (for qsort). */
static int cmp_pair(const void *a, const void *b) {
  const double *u = a, *v = b;
  if (u[0] < v[0]) return -1;
  if (u[0] > v[0]) return 1;
  return (u[1] > v[1]) - (u[1] < v[1]);
}

/* Rank-Gaussianise the n x d matrix src into dst, column by column: ties share their mean rank. */
int ibsh_rank_gaussianise(const double *src, size_t n, size_t d, double *dst) {
  double *pair = malloc(2 * n * sizeof *pair);
  if (!pair) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  for (size_t j = 0; j < d; j++) {
    for (size_t i = 0; i < n; i++) {
      double v = src[i * d + j];
      if (isnan(v)) {
        free(pair);
        return ibsh_fail(IBSH_EINVAL, "NaN at row %zu, column %zu", i + 1, j + 1);
      }
      pair[2 * i] = v;
      pair[2 * i + 1] = (double)i;
    }
    qsort(pair, n, 2 * sizeof *pair, cmp_pair);
    for (size_t s = 0; s < n;) {
      size_t e = s;
      while (e + 1 < n && pair[2 * (e + 1)] == pair[2 * s]) e++;
      double rank = 0.5 * (double)(s + e) + 1;   /* mean 1-based rank of the tie run */
      double z = normal_quantile(rank / (double)(n + 1));
      for (size_t t = s; t <= e; t++) dst[(size_t)pair[2 * t + 1] * d + j] = z;
      s = e + 1;
    }
  }
  free(pair);
  return IBSH_OK;
}

/* Gaussian-copula I(X;Y) in nats (see the header). */
int ibsh_mi_copula(const double *x, size_t dx, const double *y, size_t dy, size_t n, int unbiased, double *mi) {
  double *gx = malloc(n * dx * sizeof *gx), *gy = malloc(n * dy * sizeof *gy);
  int rc = IBSH_OK;
  if (!gx || !gy) rc = ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  if (!rc) rc = ibsh_rank_gaussianise(x, n, dx, gx);
  if (!rc) rc = ibsh_rank_gaussianise(y, n, dy, gy);
  if (!rc) rc = ibsh_mi_gaussian_ex(gx, dx, gy, dy, n, unbiased, mi);
  free(gx);
  free(gy);
  return rc;
}
