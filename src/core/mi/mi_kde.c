/*
** KDE bounds: pairwise squared distances by blocks of a dgemm (|a|^2 + |b|^2 - 2ab),
** a stable log-sum-exp per row, and the class-conditional terms for I(T;Y).
*/
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/mi_kde.h"

#define KDE_BLOCK 256

/* -mean_i ln[(1/n) sum_j exp(-|t_i - t_j|^2 / width)] over n rows of d columns (blocked dgemm + logsumexp).
   Distances are symmetric, so each block of rows is multiplied only with the rows from its own start on,
   and every term exp(-D_ij / width) is added to both row sums. D >= 0 and the self term is exactly 1, so
   each row sum lies in [1, n] and its logarithm is stable without a max shift (the log-sum-exp reference
   point is the row maximum, 0). Terms with D / width > 745.2 are exactly 0 in double precision and are
   skipped without calling exp. */
int ibsh_kde_term(const double *t, size_t n, size_t d, double width, double *out) {
  if (n == 0 || d == 0) return ibsh_fail(IBSH_EINVAL, "empty input (%zu x %zu)", n, d);
  size_t block = ((size_t)8 << 20) / n;   /* keep the block of distances near 64 MB at most */
  if (block > KDE_BLOCK) block = KDE_BLOCK;
  if (block < 8) block = 8;
  if (block > n) block = n;
  double *c = malloc(n * d * sizeof *c), *norms = malloc(n * sizeof *norms), *g = malloc(block * n * sizeof *g);
  double *sums = calloc(n, sizeof *sums);
  if (!c || !norms || !g || !sums) {
    free(c);
    free(norms);
    free(g);
    free(sums);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu x %zu distances", block, n);
  }
  /* Centre the columns: distances do not change and the norm expansion loses less to cancellation. */
  for (size_t j = 0; j < d; j++) {
    double mean = 0;
    for (size_t i = 0; i < n; i++) mean += t[i * d + j];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) c[i * d + j] = t[i * d + j] - mean;
  }
  for (size_t i = 0; i < n; i++) {
    double s = 0;
    for (size_t j = 0; j < d; j++) s += c[i * d + j] * c[i * d + j];
    norms[i] = s;
  }
  const double inv = 1 / width, cutoff = 745.2;
  int rc = IBSH_OK;
  for (size_t b0 = 0; b0 < n; b0 += block) {
    if (ibsh_interrupted()) {
      rc = ibsh_fail(IBSH_EINTR, "interrupted");
      break;
    }
    size_t rows = n - b0 < block ? n - b0 : block, cols = n - b0;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)cols, (int)d, 1.0, c + b0 * d, (int)d,
                c + b0 * d, (int)d, 0.0, g, (int)cols);
    for (size_t r = 0; r < rows; r++) {
      size_t i = b0 + r;
      const double *row = g + r * cols, ni = norms[i];
      double si = 1;   /* the self term: D_ii = 0 */
      for (size_t jj = r + 1; jj < cols; jj++) {
        double x = (ni + norms[b0 + jj] - 2 * row[jj]) * inv;
        if (x < cutoff) {
          double e = exp(x > 0 ? -x : 0);
          si += e;
          sums[b0 + jj] += e;
        }
      }
      sums[i] += si;
    }
  }
  double total = 0, logn = log((double)n);
  for (size_t i = 0; i < n; i++) total += logn - log(sums[i]);
  free(c);
  free(norms);
  free(g);
  free(sums);
  if (rc) return rc;
  *out = total / (double)n;
  return IBSH_OK;
}

/* Bounds in nats on I(X;T) and I(T;Y) (yids NULL: skip) for noise variance s2; lower selects Bhattacharyya. */
int ibsh_mi_kde(const double *t, size_t n, size_t d, const uint32_t *yids, size_t ky, double noise_var,
                int lower, double *ixt, double *ity) {
  if (!(noise_var > 0) || !isfinite(noise_var))
    return ibsh_fail(IBSH_EINVAL, "noise_var must be a positive finite number, got %g", noise_var);
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(t[i])) return ibsh_fail(IBSH_EINVAL, "non-finite value %g at row %zu, column %zu", t[i], i / d + 1, i % d + 1);
  double width = (lower ? 8 : 2) * noise_var, all;
  int rc = ibsh_kde_term(t, n, d, width, &all);
  if (rc) return rc;
  *ixt = all;   /* H(T|X) is the noise entropy, which cancels */
  if (!yids || !ity) return IBSH_OK;
  double *sub = malloc(n * d * sizeof *sub);
  if (!sub) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  double cond = 0;
  for (size_t c = 0; c < ky && !rc; c++) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
      if (yids[i] == c) memcpy(sub + m++ * d, t + i * d, d * sizeof *sub);
    if (m == 0) continue;
    double term;
    if ((rc = ibsh_kde_term(sub, m, d, width, &term))) break;
    cond += (double)m / (double)n * term;
  }
  free(sub);
  if (rc) return rc;
  *ity = all - cond;
  return IBSH_OK;
}
