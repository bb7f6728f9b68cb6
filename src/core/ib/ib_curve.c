/*
** IB curves: raw (beta, I(X;T), I(T;Y), H(T)) points, optional encoders, and the
** monotone concave upper envelope that curve:at interpolates.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/ib.h"

/* Initialise an empty curve. */
void ibsh_ib_curve_init(ibsh_ib_curve *c, int kind) {
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->beta0 = NAN;
}

/* Free a curve. */
void ibsh_ib_curve_free(ibsh_ib_curve *c) {
  if (c->enc) for (size_t i = 0; i < c->n; i++) free(c->enc[i]);
  free(c->enc); free(c->enc_nt);
  free(c->beta); free(c->ixt); free(c->ity); free(c->ht);
  free(c->env); free(c->xmap); free(c->crit); free(c->lambda);
  memset(c, 0, sizeof *c);
}

/* Grow the point arrays to hold at least one more point. */
static int grow(ibsh_ib_curve *c) {
  if (c->n < c->cap) return IBSH_OK;
  size_t cap = c->cap ? 2 * c->cap : 64;
  double *b = realloc(c->beta, cap * sizeof *b); if (b) c->beta = b;
  double *ix = realloc(c->ixt, cap * sizeof *ix); if (ix) c->ixt = ix;
  double *iy = realloc(c->ity, cap * sizeof *iy); if (iy) c->ity = iy;
  double *h = realloc(c->ht, cap * sizeof *h); if (h) c->ht = h;
  double **e = realloc(c->enc, cap * sizeof *e); if (e) c->enc = e;
  size_t *en = realloc(c->enc_nt, cap * sizeof *en); if (en) c->enc_nt = en;
  if (!b || !ix || !iy || !h || !e || !en) return ibsh_fail(IBSH_ENOMEM, "out of memory for curve points");
  c->cap = cap;
  return IBSH_OK;
}

/* Append a point (bits); enc (nt x nx) is copied when not NULL. */
int ibsh_ib_curve_add(ibsh_ib_curve *c, double beta, double ixt, double ity, double ht, const double *enc, size_t nt, size_t nx) {
  int rc = grow(c);
  if (rc) return rc;
  size_t i = c->n;
  c->beta[i] = beta; c->ixt[i] = ixt; c->ity[i] = ity; c->ht[i] = ht;
  c->enc[i] = NULL; c->enc_nt[i] = 0;
  if (enc) {
    c->enc[i] = malloc(nt * nx * sizeof(double));
    if (!c->enc[i]) return ibsh_fail(IBSH_ENOMEM, "out of memory for an encoder");
    memcpy(c->enc[i], enc, nt * nx * sizeof(double));
    c->enc_nt[i] = nt;
  }
  c->n++;
  return IBSH_OK;
}

static _Thread_local const ibsh_ib_curve *sort_curve;

/* Order points by I(X;T) ascending, then I(T;Y) descending. */
static int cmp_points(const void *a, const void *b) {
  size_t i = *(const size_t *)a, j = *(const size_t *)b;
  const ibsh_ib_curve *c = sort_curve;
  if (c->ixt[i] != c->ixt[j]) return c->ixt[i] < c->ixt[j] ? -1 : 1;
  if (c->ity[i] != c->ity[j]) return c->ity[i] > c->ity[j] ? -1 : 1;
  return (i > j) - (i < j);
}

/* Compute the monotone concave upper envelope of the points. */
int ibsh_ib_curve_envelope(ibsh_ib_curve *c) {
  free(c->env);
  c->env = NULL;
  c->nenv = 0;
  if (c->n == 0) return IBSH_OK;
  size_t *idx = malloc(c->n * sizeof *idx);
  size_t *hull = malloc(c->n * sizeof *hull);
  if (!idx || !hull) { free(idx); free(hull); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  size_t m = 0;
  for (size_t i = 0; i < c->n; i++) if (isfinite(c->ixt[i]) && isfinite(c->ity[i])) idx[m++] = i;
  sort_curve = c;
  qsort(idx, m, sizeof *idx, cmp_points);
  double scale = 0;
  for (size_t k = 0; k < m; k++) if (c->ity[idx[k]] > scale) scale = c->ity[idx[k]];
  double eps = 1e-12 * (scale > 1 ? scale : 1);
  size_t h = 0;
  for (size_t k = 0; k < m; k++) {
    size_t p = idx[k];
    if (h > 0 && c->ixt[p] - c->ixt[hull[h - 1]] <= 1e-13) continue;  /* same I(X;T), lower I(T;Y) */
    if (h > 0 && c->ity[p] < c->ity[hull[h - 1]]) continue;  /* dominated: more I(X;T), less I(T;Y) */
    while (h >= 2) {
      size_t a = hull[h - 2], b = hull[h - 1];
      /* Remove b when it lies below the chord a-p (cross product >= 0 means not concave). */
      double cross = (c->ixt[b] - c->ixt[a]) * (c->ity[p] - c->ity[a]) - (c->ity[b] - c->ity[a]) * (c->ixt[p] - c->ixt[a]);
      double len = (c->ixt[p] - c->ixt[a]);
      if (cross > eps * (len > 1 ? len : 1)) h--;
      else break;
    }
    hull[h++] = p;
  }
  /* Monotone: stop at the first vertex that reaches the maximal I(T;Y), keep the flat rest only if level. */
  size_t last = 0;
  for (size_t k = 0; k < h; k++) if (c->ity[hull[k]] > c->ity[hull[last]] + eps) last = k;
  size_t keep = last + 1;
  while (keep < h && c->ity[hull[keep]] >= c->ity[hull[last]] - eps) keep++;
  free(idx);
  c->env = hull;
  c->nenv = keep;
  return IBSH_OK;
}
