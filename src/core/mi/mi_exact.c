/*
** Exact MI of a layer with finitely many values: the rows of t are hashed to
** dense ids (equal rows, one id) and I(X;T), I(T;Y) are plug-in entropies of
** the ids, the same counting as binning without the binning.
*/
#include <math.h>
#include <stdlib.h>
#include "ibsh/error.h"
#include "ibsh/mi_binned.h"
#include "ibsh/mi_exact.h"
#include "mi_codes.h"

/* Exact I(X;T) and I(T;Y) in nats over the distinct rows of t (see mi_exact.h). */
int ibsh_mi_exact(const double *t, size_t n, size_t d, const uint32_t *xids, size_t kx, const uint32_t *yids,
                  size_t ky, double *ixt, double *ity) {
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(t[i]))
      return ibsh_fail(IBSH_EINVAL, "%s at row %zu, column %zu: exact MI needs finitely many finite values",
                       isnan(t[i]) ? "NaN" : "Inf", i / d + 1, i % d + 1);
  uint32_t *tids = malloc((n ? n : 1) * sizeof *tids);
  if (!tids) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  size_t kt = 0;
  int rc = ibsh_codes_doubles(t, n, d, tids, &kt);
  if (!rc) rc = ibsh_mi_from_ids(tids, kt, n, xids, kx, yids, ky, ixt, ity);
  free(tids);
  return rc;
}
