/*
** Strip-based max-norm kNN in the plane. Every distance is max(|x_j - x_q|, |y_j - y_q|), the value
** ibsh_maxdist computes, and candidates are accepted by the same test as the k-d tree (d < k-th), so
** the k-th distance equals the brute-force one exactly.
*/
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include "ibsh/error.h"
#include "mi_knn2d.h"

/* Points per strip for n points and k neighbours (about sqrt(n k): tuned on correlated Gaussians at n = 1e4). */
static size_t strip_size(size_t n, size_t k) {
  double m = sqrt((double)n * (double)k);
  if (m < 8) m = 8;
  return (size_t)m;
}

/* Build over n points (xs[i], ys[i]) given each row's rank in x order and the rows in ascending y order. */
int ibsh_knn2d_build(ibsh_knn2d *g, const double *xs, const double *ys, size_t n, const size_t *xrank,
                     const size_t *yorder, size_t k) {
  memset(g, 0, sizeof *g);
  g->n = n;
  g->m = strip_size(n, k);
  g->nstrips = (n + g->m - 1) / g->m;
  g->x = malloc(n * sizeof *g->x);
  g->y = malloc(n * sizeof *g->y);
  g->id = malloc(n * sizeof *g->id);
  g->pos = malloc(n * sizeof *g->pos);
  g->xlo = malloc(g->nstrips * sizeof *g->xlo);
  g->xhi = malloc(g->nstrips * sizeof *g->xhi);
  size_t *fill = malloc(g->nstrips * sizeof *fill);
  if (!g->x || !g->y || !g->id || !g->pos || !g->xlo || !g->xhi || !fill) {
    free(fill);
    ibsh_knn2d_free(g);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu points", n);
  }
  for (size_t s = 0; s < g->nstrips; s++) {
    fill[s] = s * g->m;
    g->xlo[s] = INFINITY;
    g->xhi[s] = -INFINITY;
  }
  for (size_t r = 0; r < n; r++) {
    size_t i = yorder[r], s = xrank[i] / g->m, p = fill[s]++;
    g->x[p] = xs[i];
    g->y[p] = ys[i];
    g->id[p] = i;
    g->pos[i] = p;
    if (xs[i] < g->xlo[s]) g->xlo[s] = xs[i];
    if (xs[i] > g->xhi[s]) g->xhi[s] = xs[i];
  }
  free(fill);
  return IBSH_OK;
}

/* Release the memory of g (safe on a zeroed structure). */
void ibsh_knn2d_free(ibsh_knn2d *g) {
  free(g->x);
  free(g->y);
  free(g->id);
  free(g->pos);
  free(g->xlo);
  free(g->xhi);
  memset(g, 0, sizeof *g);
}

/* Running k nearest: ascending distances and ids, found of them so far, worst = k-th (or infinity). */
typedef struct nearest {
  double *dists;
  size_t *ids;
  size_t k, found, self;
  double worst;
} nearest;

/* Offer candidate id at distance d to the running list (dists, ids, *found of k, k-th distance *worst): rejected
   when d >= *worst or id is the query's own row. */
static inline void offer(double *restrict dists, size_t *restrict ids, size_t k, size_t *found, double *worst,
                         size_t self, double d, size_t id) {
  if (d >= *worst || id == self) return;
  size_t p = *found < k ? (*found)++ : k - 1;
  while (p > 0 && dists[p - 1] > d) {
    dists[p] = dists[p - 1];
    ids[p] = ids[p - 1];
    p--;
  }
  dists[p] = d;
  ids[p] = id;
  if (*found == k) *worst = dists[k - 1];
}

/* Scan positions [lo, hi) (ascending y) outwards from position start: y >= yq from start up, y <= yq below.
   The running list's count and k-th distance live in locals here (registers), not behind b. */
static inline void scan_strip(const ibsh_knn2d *g, size_t lo, size_t hi, size_t start, double xq, double yq, nearest *b) {
  const double *restrict x = g->x, *restrict y = g->y;
  const size_t *restrict id = g->id;
  double *restrict dists = b->dists;
  size_t *restrict ids = b->ids;
  size_t k = b->k, self = b->self, found = b->found;
  double worst = b->worst;
  for (size_t j = start; j < hi; j++) {
    double dy = y[j] - yq;
    if (dy >= worst) break;
    double dx = fabs(x[j] - xq);
    offer(dists, ids, k, &found, &worst, self, dx > dy ? dx : dy, id[j]);
  }
  for (size_t j = start; j > lo; j--) {
    double dy = yq - y[j - 1];
    if (dy >= worst) break;
    double dx = fabs(x[j - 1] - xq);
    offer(dists, ids, k, &found, &worst, self, dx > dy ? dx : dy, id[j - 1]);
  }
  b->found = found;
  b->worst = worst;
}

/* First position in [lo, hi) whose y is >= v (hi if none), by a branch-free binary search. */
static inline size_t lower_bound(const double *y, size_t lo, size_t hi, double v) {
  if (lo == hi) return lo;
  size_t base = lo, len = hi - lo;
  while (len > 1) {
    size_t half = len / 2;
    base = y[base + half] < v ? base + half : base;
    len -= half;
  }
  return base + (y[base] < v);
}

/* Forget a cursor's positions (before the first query of a sequence). */
void ibsh_knn2d_cursor_reset(ibsh_knn2d_cursor *c) {
  c->strip = SIZE_MAX;
}

/* First position in strip s, [lo, hi), whose y is >= yq for a query of strip s0: through the cursor when s is
   one of the strips it covers (moving its position forward), else by binary search. */
static inline size_t strip_start(const ibsh_knn2d *g, size_t s, size_t s0, size_t lo, size_t hi, double yq,
                                 ibsh_knn2d_cursor *cur) {
  size_t w = IBSH_KNN2D_CURSOR_STRIPS;
  if (!cur || s + w < s0 || s > s0 + w) return lower_bound(g->y, lo, hi, yq);
  size_t *pos = &cur->pos[s + w - s0];
  if (*pos == SIZE_MAX) return *pos = lower_bound(g->y, lo, hi, yq);
  size_t j = *pos;   /* the previous query's answer: every y before it is below that query's yq <= yq */
  while (j < hi && g->y[j] < yq) j++;
  return *pos = j;
}

/* The k nearest neighbours of row self in max-norm (self excluded): ascending dists and original ids. cur is
   NULL, or a cursor whose previous queries (since its reset) were at smaller positions than self's. */
void ibsh_knn2d_query(const ibsh_knn2d *g, size_t self, size_t k, double *dists, size_t *ids, ibsh_knn2d_cursor *cur) {
  nearest b = {dists, ids, k, 0, self, INFINITY};
  size_t p = g->pos[self], s0 = p / g->m, m = g->m;
  double xq = g->x[p], yq = g->y[p];
  size_t hi0 = (s0 + 1) * m < g->n ? (s0 + 1) * m : g->n;
  if (cur && cur->strip != s0) {
    cur->strip = s0;
    for (size_t w = 0; w < 2 * IBSH_KNN2D_CURSOR_STRIPS + 1; w++) cur->pos[w] = SIZE_MAX;
  }
  scan_strip(g, s0 * m, hi0, p, xq, yq, &b);   /* y[p] = yq: positions from p up have y >= yq */
  size_t left = s0, right = s0 + 1;   /* next strips: left - 1 and right */
  for (;;) {
    double dl = left > 0 ? xq - g->xhi[left - 1] : INFINITY;
    double dr = right < g->nstrips ? g->xlo[right] - xq : INFINITY;
    size_t s;
    if (dl <= dr) {
      if (dl >= b.worst) break;
      s = --left;
    } else {
      if (dr >= b.worst) break;
      s = right++;
    }
    size_t lo = s * m, hi = lo + m < g->n ? lo + m : g->n;
    scan_strip(g, lo, hi, strip_start(g, s, s0, lo, hi, yq, cur), xq, yq, &b);
  }
}
