/*
** Validity of the G-test's chi-square approximation (Cochran's rule on expected
** counts) and the permutation p-value that replaces it on sparse tables.
*/
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/mi_discrete.h"
#include "ibsh/rng.h"
#include "mi_codes.h"

/* Ascending order of size_t values (for qsort). */
static int cmp_size(const void *a, const void *b) {
  size_t u = *(const size_t *)a, v = *(const size_t *)b;
  return (u > v) - (u < v);
}

/* Counts of the n ids in 0..k-1 that occur, sorted ascending; *m gets how many occur. */
static size_t *sorted_counts(const uint32_t *ids, size_t n, size_t k, size_t *m) {
  size_t *c = calloc(k ? k : 1, sizeof *c);
  if (!c) return NULL;
  for (size_t i = 0; i < n; i++) c[ids[i]]++;
  size_t used = 0;
  for (size_t j = 0; j < k; j++)
    if (c[j]) c[used++] = c[j];
  qsort(c, used, sizeof *c, cmp_size);
  *m = used;
  return c;
}

/* Whether the chi-square approximation of the G-test is unreliable: Cochran's rule fails (some
   expected count n_x n_y / n below 1, or more than 20 % of the cells below 5). */
int ibsh_gtest_sparse(const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky, size_t n, int *sparse) {
  size_t mx = 0, my = 0;
  size_t *cx = sorted_counts(xids, n, kx, &mx), *cy = sorted_counts(yids, n, ky, &my);
  if (!cx || !cy) {
    free(cx);
    free(cy);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu + %zu counts", kx, ky);
  }
  double nn = (double)n, below5 = 0;
  /* Cells below 5: for each row count a, the column counts b with a b < 5 n (a prefix of sorted cy). */
  size_t j = my;
  for (size_t i = 0; i < mx; i++) {
    while (j > 0 && (double)cx[i] * (double)cy[j - 1] >= 5 * nn) j--;
    below5 += (double)j;
  }
  int any_below1 = mx && my && (double)cx[0] * (double)cy[0] < nn;
  *sparse = any_below1 || below5 > 0.2 * (double)mx * (double)my;
  free(cx);
  free(cy);
  return IBSH_OK;
}

/* Plug-in I(X;Y) in nats given H(X) + H(Y), with joint ids coded into joint. */
static int plugin_mi(const uint32_t *xids, const uint32_t *yids, size_t n, double hxy_marg, uint32_t *joint, double *mi) {
  size_t kj = 0, mj = 0;
  double hj = 0;
  int rc = ibsh_codes_pairs(xids, yids, n, joint, &kj);
  if (!rc) rc = ibsh_codes_entropy(joint, n, kj, &hj, &mj);
  *mi = hxy_marg - hj;
  return rc;
}

/* Permutation p-value (1 + #{I_perm >= I_obs}) / (1 + nperm) of independence, y shuffled with seed. */
int ibsh_mi_permutation_pvalue(const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky, size_t n,
                               size_t nperm, uint64_t seed, double *pvalue) {
  if (n == 0 || nperm == 0) return ibsh_fail(IBSH_EINVAL, "need samples and at least one permutation");
  uint32_t *joint = malloc(n * sizeof *joint), *shuffled = malloc(n * sizeof *shuffled);
  size_t *perm = malloc(n * sizeof *perm);
  int rc = IBSH_OK;
  if (!joint || !shuffled || !perm) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory for %zu samples", n);
    goto done;
  }
  double hx, hy, obs;
  size_t mx, my;
  if ((rc = ibsh_codes_entropy(xids, n, kx, &hx, &mx)) || (rc = ibsh_codes_entropy(yids, n, ky, &hy, &my))) goto done;
  if ((rc = plugin_mi(xids, yids, n, hx + hy, joint, &obs))) goto done;
  ibsh_rng rng;
  ibsh_rng_seed(&rng, seed);
  size_t above = 0;
  for (size_t r = 0; r < nperm; r++) {
    if (ibsh_interrupted()) {
      rc = ibsh_fail(IBSH_EINTR, "interrupted");
      goto done;
    }
    ibsh_rng_permutation(&rng, perm, n);
    for (size_t i = 0; i < n; i++) shuffled[i] = yids[perm[i]];
    double v;
    if ((rc = plugin_mi(xids, shuffled, n, hx + hy, joint, &v))) goto done;
    above += v >= obs - 1e-12;   /* equal up to rounding counts as at least as large */
  }
  *pvalue = (double)(1 + above) / (double)(1 + nperm);
done:
  free(joint);
  free(shuffled);
  free(perm);
  return rc;
}
