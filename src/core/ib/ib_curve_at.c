/*
** Reading a curve at a given I(X;T): interpolation on the envelope of a solved
** curve, or the exact Gaussian IB point found by bisection on beta.
*/
#include <math.h>
#include "ibsh/ib.h"

/* Gaussian curves are exact: find the beta with I(X;T) = ixt by bisection, then evaluate I(T;Y). */
static double gaussian_at(const ibsh_ib_curve *c, double ixt) {
  const double ln2 = 0.69314718055994530942;
  if (c->ncrit == 0 || ixt <= 0) return 0;
  double lo = c->crit[0], hi = 2 * lo, ix, iy;
  for (int k = 0; k < 2000; k++) {
    ibsh_ib_gaussian_point(c, hi, &ix, &iy);
    if (ix / ln2 >= ixt || !isfinite(hi)) break;
    lo = hi; hi *= 2;
  }
  for (int k = 0; k < 200; k++) {
    double mid = 0.5 * (lo + hi);
    ibsh_ib_gaussian_point(c, mid, &ix, &iy);
    if (ix / ln2 < ixt) lo = mid; else hi = mid;
  }
  ibsh_ib_gaussian_point(c, 0.5 * (lo + hi), &ix, &iy);
  return iy / ln2;
}

/* I(T;Y) on the envelope at ixt (bits): linear between vertices, flat beyond the last (Gaussian: exact). */
double ibsh_ib_curve_at(const ibsh_ib_curve *c, double ixt) {
  if (isnan(ixt)) return NAN;
  if (c->kind == IBSH_IB_GAUSSIAN) return gaussian_at(c, ixt);
  if (c->nenv == 0) return NAN;
  const size_t *e = c->env;
  if (ixt <= c->ixt[e[0]]) return c->ity[e[0]];
  if (ixt >= c->ixt[e[c->nenv - 1]]) return c->ity[e[c->nenv - 1]];
  size_t lo = 0, hi = c->nenv - 1;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (c->ixt[e[mid]] <= ixt) lo = mid; else hi = mid;
  }
  double x0 = c->ixt[e[lo]], x1 = c->ixt[e[hi]], y0 = c->ity[e[lo]], y1 = c->ity[e[hi]];
  if (x1 <= x0) return y1;
  return y0 + (y1 - y0) * (ixt - x0) / (x1 - x0);
}
