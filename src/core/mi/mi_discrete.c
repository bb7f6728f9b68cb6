/*
** Plug-in and Miller-Madow entropies and MI of integer-coded variables; G-test.
*/
#include <stdlib.h>
#include "ibsh/error.h"
#include "mi_codes.h"
#include "ibsh/mi_discrete.h"
#include "mi_special.h"

/* Entropy in nats of n ids in 0..k-1; miller_madow adds (m - 1) / (2n), m = observed symbols. */
int ibsh_mi_entropy(const uint32_t *ids, size_t n, size_t k, int miller_madow, double *h) {
  size_t m = 0;
  int rc = ibsh_codes_entropy(ids, n, k, h, &m);
  if (rc) return rc;
  if (miller_madow) *h += (double)(m - 1) / (2.0 * (double)n);
  return IBSH_OK;
}

/* I(X;Y) in nats (plug-in, or from Miller-Madow entropies) and the G-test p-value of independence. */
int ibsh_mi_discrete(const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky, size_t n,
                     int miller_madow, double *mi, double *pvalue) {
  if (n == 0) return ibsh_fail(IBSH_EINVAL, "no samples");
  uint32_t *joint = malloc(n * sizeof *joint);
  if (!joint) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu samples", n);
  size_t kj = 0, mx = 0, my = 0, mj = 0;
  double hx, hy, hj;
  int rc;
  if ((rc = ibsh_codes_pairs(xids, yids, n, joint, &kj)) || (rc = ibsh_codes_entropy(xids, n, kx, &hx, &mx)) ||
      (rc = ibsh_codes_entropy(yids, n, ky, &hy, &my)) || (rc = ibsh_codes_entropy(joint, n, kj, &hj, &mj))) {
    free(joint);
    return rc;
  }
  free(joint);
  double plug = hx + hy - hj;
  if (plug < 0) plug = 0;   /* exact identity: only rounding can make it negative */
  double g = 2.0 * (double)n * plug, df = (double)(mx - 1) * (double)(my - 1);
  *pvalue = df > 0 ? ibsh_chi2_sf(g, df) : 1.0;
  *mi = plug;
  if (miller_madow) {
    double twon = 2.0 * (double)n;
    *mi = plug + ((double)(mx - 1) + (double)(my - 1) - (double)(mj - 1)) / twon;
  }
  return IBSH_OK;
}
