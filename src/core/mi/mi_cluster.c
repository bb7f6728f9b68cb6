/*
** How the rows of a representation cluster (Goldfeld et al. 2019 relate the
** compression of a noisy layer to it): the mean Euclidean distance between rows
** of the same class over the mean distance between all rows, and the fraction
** of row pairs closer than a given radius (indistinguishable under noise).
*/
#include <math.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/mi_exact.h"

/* Clustering of the n x d rows s with labels yids (NULL: no within-class ratio) and radius r (<= 0: none). */
int ibsh_mi_clustering(const double *s, size_t n, size_t d, const uint32_t *yids, double r, double *within,
                       double *close) {
  if (n < 2) return ibsh_fail(IBSH_EINVAL, "need at least 2 rows, got %zu", n);
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(s[i])) return ibsh_fail(IBSH_EINVAL, "non-finite value at row %zu, column %zu", i / d + 1, i % d + 1);
  double all = 0, same = 0, r2 = r * r;
  size_t nsame = 0, nclose = 0;
  for (size_t i = 0; i < n; i++) {
    const double *a = s + i * d;
    double row_all = 0, row_same = 0;
    for (size_t j = i + 1; j < n; j++) {
      const double *b = s + j * d;
      double q = 0;
      for (size_t f = 0; f < d; f++) q += (a[f] - b[f]) * (a[f] - b[f]);
      double dist = sqrt(q);
      row_all += dist;
      nclose += q < r2;
      if (yids && yids[i] == yids[j]) {
        row_same += dist;
        nsame++;
      }
    }
    all += row_all;
    same += row_same;
    if ((i & 255) == 0 && ibsh_interrupted()) return ibsh_fail(IBSH_EINTR, "interrupted");
  }
  double pairs = 0.5 * (double)n * (double)(n - 1);
  *within = yids && nsame && all > 0 ? (same / (double)nsame) / (all / pairs) : NAN;
  *close = r > 0 ? (double)nclose / pairs : NAN;
  return IBSH_OK;
}
