/*
** Binning MI: discretisation rules (fixed range, original edges, fixed width,
** adaptive equal mass) and the entropies of the binned row tuples.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "error.h"
#include "mi_binned.h"
#include "mi_codes.h"

/* Check a bin specification (bins >= 1, lo < hi, width > 0, finite). */
int ibsh_binspec_check(const ibsh_binspec *spec) {
  switch (spec->mode) {
  case IBSH_BIN_RANGE:
  case IBSH_BIN_EDGES:
    if (spec->bins < (spec->mode == IBSH_BIN_EDGES ? 2u : 1u) || spec->bins > 100000000u)
      return ibsh_fail(IBSH_EINVAL, "%s must be in %d..1e8, got %zu",
                       spec->mode == IBSH_BIN_EDGES ? "edges" : "bins", spec->mode == IBSH_BIN_EDGES ? 2 : 1, spec->bins);
    if (!isfinite(spec->lo) || !isfinite(spec->hi) || !(spec->lo < spec->hi))
      return ibsh_fail(IBSH_EINVAL, "range must be finite with low < high, got [%g, %g]", spec->lo, spec->hi);
    return IBSH_OK;
  case IBSH_BIN_WIDTH:
    if (!isfinite(spec->width) || !(spec->width > 0))
      return ibsh_fail(IBSH_EINVAL, "binsize must be a positive finite number, got %g", spec->width);
    return IBSH_OK;
  case IBSH_BIN_ADAPTIVE:
    if (spec->bins < 1 || spec->bins > 100000000u) return ibsh_fail(IBSH_EINVAL, "bins must be in 1..1e8, got %zu", spec->bins);
    return IBSH_OK;
  default:
    return ibsh_fail(IBSH_EINVAL, "unknown binning mode %d", spec->mode);
  }
}

/* Compare doubles for qsort. */
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Number of sorted edges e[0..m-1] that are <= v (np.digitize's right=False index). */
static size_t count_le(const double *e, size_t m, double v) {
  size_t lo = 0, hi = m;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (e[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Fill edges for EDGES mode: linspace(lo, hi, bins) rounded to float32 as in the original code. */
static void original_edges(const ibsh_binspec *spec, double *e) {
  size_t m = spec->bins;
  for (size_t i = 0; i < m; i++) {
    double v = i + 1 == m ? spec->hi : spec->lo + (spec->hi - spec->lo) * (double)i / (double)(m - 1);
    e[i] = (double)(float)v;
  }
}

/* Edges of adaptive bins: bins-1 inner edges at the equal-count positions of the sorted pooled values. */
static int adaptive_edges(const double *t, size_t count, size_t bins, double *e) {
  double *sorted = malloc(count * sizeof *sorted);
  if (!sorted) return ibsh_fail(IBSH_ENOMEM, "out of memory sorting %zu values", count);
  memcpy(sorted, t, count * sizeof *sorted);
  qsort(sorted, count, sizeof *sorted, cmp_double);
  for (size_t b = 1; b < bins; b++) {
    size_t pos = (size_t)(((unsigned long long)b * count) / bins);
    e[b - 1] = sorted[pos < count ? pos : count - 1];
  }
  free(sorted);
  return IBSH_OK;
}

/* Replace each of the n x d values by its integer bin code; NaN/Inf are errors. */
int ibsh_mi_discretise(const double *t, size_t n, size_t d, const ibsh_binspec *spec, int64_t *codes) {
  int rc = ibsh_binspec_check(spec);
  if (rc) return rc;
  size_t count = n * d;
  for (size_t i = 0; i < count; i++)
    if (!isfinite(t[i])) return ibsh_fail(IBSH_EINVAL, "non-finite value %g at row %zu, column %zu", t[i], i / d + 1, i % d + 1);
  if (spec->mode == IBSH_BIN_RANGE) {
    double scale = (double)spec->bins / (spec->hi - spec->lo);
    int64_t top = (int64_t)spec->bins - 1;
    for (size_t i = 0; i < count; i++) {
      double v = (t[i] - spec->lo) * scale;
      int64_t c = v <= 0 ? 0 : v >= (double)spec->bins ? top : (int64_t)v;
      codes[i] = c > top ? top : c;
    }
    return IBSH_OK;
  }
  if (spec->mode == IBSH_BIN_WIDTH) {
    for (size_t i = 0; i < count; i++) {
      double v = floor(t[i] / spec->width);
      if (fabs(v) > 9.0e18) return ibsh_fail(IBSH_EINVAL, "value %g is too large for binsize %g", t[i], spec->width);
      codes[i] = (int64_t)v;
    }
    return IBSH_OK;
  }
  size_t m = spec->mode == IBSH_BIN_EDGES ? spec->bins : spec->bins - 1;
  double *e = malloc((m ? m : 1) * sizeof *e);
  if (!e) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu edges", m);
  if (spec->mode == IBSH_BIN_EDGES) original_edges(spec, e);
  else if (count && m && (rc = adaptive_edges(t, count, spec->bins, e))) {
    free(e);
    return rc;
  }
  for (size_t i = 0; i < count; i++) {
    size_t c = count_le(e, m, t[i]);
    /* The original code indexes bins[digitize - 1]: below the first edge wraps round to the last edge. */
    if (spec->mode == IBSH_BIN_EDGES && c == 0) c = m;
    codes[i] = (int64_t)c;
  }
  free(e);
  return IBSH_OK;
}

/* I(X;T) and I(T;Y) in nats from dense ids of T (and optional X ids, Y ids), p(x) uniform over rows. */
int ibsh_mi_from_ids(const uint32_t *tids, size_t kt, size_t n, const uint32_t *xids, size_t kx,
                     const uint32_t *yids, size_t ky, double *ixt, double *ity) {
  double ht, hx, hy, hj;
  size_t kj;
  int rc = ibsh_codes_entropy(tids, n, kt, &ht, NULL);
  if (rc) return rc;
  uint32_t *joint = malloc((n ? n : 1) * sizeof *joint);
  if (!joint) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  *ixt = ht;   /* rows are distinct inputs: H(T|X) = 0 */
  if (xids) {
    if ((rc = ibsh_codes_entropy(xids, n, kx, &hx, NULL)) || (rc = ibsh_codes_pairs(tids, xids, n, joint, &kj)) ||
        (rc = ibsh_codes_entropy(joint, n, kj, &hj, NULL)))
      goto done;
    *ixt = ht - (hj - hx);   /* H(T) - H(T|X) */
  }
  if (yids && ity) {
    if ((rc = ibsh_codes_entropy(yids, n, ky, &hy, NULL)) || (rc = ibsh_codes_pairs(tids, yids, n, joint, &kj)) ||
        (rc = ibsh_codes_entropy(joint, n, kj, &hj, NULL)))
      goto done;
    *ity = ht - (hj - hy);   /* H(T) - H(T|Y) */
  }
  if (*ixt < 0) *ixt = 0;    /* rounding only: both are exact differences of plug-in entropies */
  if (ity && yids && *ity < 0) *ity = 0;
done:
  free(joint);
  return rc;
}

/* Binned I(X;T) and I(T;Y) in nats; xids (NULL = all rows distinct) and yids (NULL = skip I(T;Y)) are dense ids. */
int ibsh_mi_binned(const double *t, size_t n, size_t d, const ibsh_binspec *spec,
                   const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky,
                   double *ixt, double *ity) {
  if (n == 0 || d == 0) return ibsh_fail(IBSH_EINVAL, "empty input (%zu x %zu)", n, d);
  int64_t *codes = malloc(n * d * sizeof *codes);
  uint32_t *tids = malloc(n * sizeof *tids);
  size_t kt = 0;
  int rc = IBSH_ENOMEM;
  if (!codes || !tids) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory binning %zu x %zu values", n, d);
    goto done;
  }
  if ((rc = ibsh_mi_discretise(t, n, d, spec, codes))) goto done;
  if ((rc = ibsh_codes_rows((const uint64_t *)codes, n, d, tids, &kt))) goto done;
  rc = ibsh_mi_from_ids(tids, kt, n, xids, kx, yids, ky, ixt, ity);
done:
  free(codes);
  free(tids);
  return rc;
}
