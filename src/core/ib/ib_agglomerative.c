/*
** Agglomerative IB (Slonim & Tishby 1999): start from T = X and greedily merge the pair
** of clusters that loses least I(T;Y), delta = (p_i + p_j) JS_pi[p(y|t_i), p(y|t_j)].
** Every cluster caches its best partner, so a merge recomputes only the rows that
** pointed at the merged pair. The hierarchy gives one point (H(T), I(T;Y)) per |T|.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/ib.h"

#define LN2 0.69314718055994530942

/* Loss of I(T;Y) in nats when clusters i and j merge. */
static double merge_cost(const double *p, const double *pyt, size_t ny, size_t i, size_t j) {
  double pi = p[i], pj = p[j], s = pi + pj, c = 0;
  const double *a = pyt + i * ny, *b = pyt + j * ny;
  for (size_t y = 0; y < ny; y++) {
    double m = (pi * a[y] + pj * b[y]) / s;
    if (a[y] > 0) c += pi * a[y] * log(a[y] / m);
    if (b[y] > 0) c += pj * b[y] * log(b[y] / m);
  }
  return c > 0 ? c : 0;
}

/* Recompute the best partner of cluster i among the active clusters. */
static void best_row(const double *p, const double *pyt, size_t ny, const unsigned char *active, size_t n, size_t i,
                     size_t *best, double *bestcost) {
  best[i] = i; bestcost[i] = INFINITY;
  for (size_t j = 0; j < n; j++) {
    if (j == i || !active[j]) continue;
    double c = merge_cost(p, pyt, ny, i, j);
    if (c < bestcost[i]) { bestcost[i] = c; best[i] = j; }
  }
}

/* Agglomerative IB (Slonim & Tishby): one point per number of clusters, from |X'| down to 1. */
int ibsh_ib_agglomerative(ibsh_ib_curve *c, const double *pxy, size_t nx, size_t ny, int reduce) {
  ibsh_ib_curve_init(c, IBSH_IB_AGGLOMERATIVE);
  ibsh_ib_problem pr;
  int rc = ibsh_ib_problem_init(&pr, pxy, nx, ny, reduce);
  if (rc) return rc;
  size_t n = pr.nx;
  double beta0;
  rc = ibsh_ib_beta0(&pr, &beta0);
  c->beta0 = beta0;
  c->hx = pr.hx_orig / LN2; c->hy = pr.hy / LN2; c->ixy = pr.ixy / LN2;
  c->nx = n; c->nx_orig = nx;
  double *p = malloc(n * sizeof *p), *pyt = malloc(n * ny * sizeof *pyt), *bestcost = malloc(n * sizeof *bestcost);
  size_t *best = malloc(n * sizeof *best);
  unsigned char *active = malloc(n);
  if (!rc && (!p || !pyt || !bestcost || !best || !active)) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
  if (!rc) {
    memcpy(p, pr.px, n * sizeof *p);
    memcpy(pyt, pr.pyx, n * ny * sizeof *pyt);
    memset(active, 1, n);
    for (size_t i = 0; i < n; i++) best_row(p, pyt, ny, active, n, i, best, bestcost);
    double ht = pr.hx, ity = pr.ixy;
    if (pr.hx_orig > pr.hx + 1e-12) rc = ibsh_ib_curve_add(c, NAN, pr.hx_orig / LN2, ity / LN2, pr.hx_orig / LN2, NULL, 0, 0);
    if (!rc) rc = ibsh_ib_curve_add(c, NAN, ht / LN2, ity / LN2, ht / LN2, NULL, 0, 0);
    for (size_t left = n; !rc && left > 1; left--) {
      if (ibsh_interrupted()) { rc = ibsh_fail(IBSH_EINTR, "interrupted"); break; }
      size_t i = n;
      for (size_t k = 0; k < n; k++) if (active[k] && (i == n || bestcost[k] < bestcost[i])) i = k;
      size_t j = best[i];
      double cost = bestcost[i], pi = p[i], pj = p[j], s = pi + pj;
      for (size_t y = 0; y < ny; y++) pyt[i * ny + y] = (pi * pyt[i * ny + y] + pj * pyt[j * ny + y]) / s;
      ht += pi * log(pi) + pj * log(pj) - s * log(s);
      p[i] = s;
      active[j] = 0;
      ity -= cost;
      if (ity < 0 || left == 2) ity = 0;  /* one cluster left: exactly the trivial point */
      if (ht < 0 || left == 2) ht = 0;
      for (size_t k = 0; k < n; k++) {
        if (!active[k] || k == i) continue;
        if (best[k] == i || best[k] == j) best_row(p, pyt, ny, active, n, k, best, bestcost);
        else {
          double ck = merge_cost(p, pyt, ny, k, i);
          if (ck < bestcost[k]) { bestcost[k] = ck; best[k] = i; }
        }
      }
      best_row(p, pyt, ny, active, n, i, best, bestcost);
      rc = ibsh_ib_curve_add(c, NAN, ht / LN2, ity / LN2, ht / LN2, NULL, 0, 0);
    }
  }
  if (!rc) rc = ibsh_ib_curve_envelope(c);
  free(p); free(pyt); free(bestcost); free(best); free(active);
  ibsh_ib_problem_free(&pr);
  return rc;
}
