/*
** k-d tree: median splits on the widest coordinate, tight node boxes, max-norm
** kNN search (nearer child first, box pruning) and radius counts that add whole
** subtrees whose box lies inside the query ball.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "kdtree.h"

#define LEAF_SIZE 8

/* Swap the points (and their original ids) at tree positions a and b. */
static inline void swap_points(ibsh_kdtree *t, size_t a, size_t b) {
  size_t dim = t->dim, tmp = t->index[a];
  t->index[a] = t->index[b];
  t->index[b] = tmp;
  double *pa = t->pts + a * dim, *pb = t->pts + b * dim;
  for (size_t j = 0; j < dim; j++) {
    double v = pa[j];
    pa[j] = pb[j];
    pb[j] = v;
  }
}

/* Reorder points [lo, hi) so that position m holds the median by coordinate j (quickselect). */
static void select_median(ibsh_kdtree *t, size_t lo, size_t hi, size_t m, size_t j) {
  const size_t dim = t->dim;
  const double *p = t->pts;
  while (hi - lo > 1) {
    double pivot = p[(lo + (hi - lo) / 2) * dim + j];
    size_t a = lo, b = hi - 1;
    while (a <= b) {
      while (p[a * dim + j] < pivot) a++;
      while (p[b * dim + j] > pivot) b--;
      if (a <= b) {
        swap_points(t, a, b);
        a++;
        if (b == 0) break;
        b--;
      }
    }
    if (m <= b) hi = b + 1;
    else if (m >= a) lo = a;
    else return;
  }
}

/* Widen the box lo/hi (dim each) to hold point v. */
static inline void box_add(double *lo, double *hi, const double *v, size_t dim) {
  for (size_t j = 0; j < dim; j++) {
    if (v[j] < lo[j]) lo[j] = v[j];
    if (v[j] > hi[j]) hi[j] = v[j];
  }
}

/* Build the node for points [begin, end) and its subtree; returns the node index. box is the node's
   tight box when the parent computed it during its partition, else NULL; depth indexes t's scratch
   rows for the children's boxes. */
static size_t build_node(ibsh_kdtree *t, size_t begin, size_t end, const double *box, size_t depth, double *scratch) {
  size_t dim = t->dim, id = t->nnodes++;
  double *lo = t->box + id * 2 * dim, *hi = lo + dim;
  double *p = t->pts;
  if (box) memcpy(lo, box, 2 * dim * sizeof *lo);
  else {
    memcpy(lo, p + begin * dim, dim * sizeof *lo);
    memcpy(hi, p + begin * dim, dim * sizeof *hi);
    for (size_t i = begin + 1; i < end; i++) box_add(lo, hi, p + i * dim, dim);
  }
  t->nodes[id].begin = begin;
  t->nodes[id].end = end;
  t->nodes[id].left = t->nodes[id].right = 0;
  if (end - begin <= LEAF_SIZE || depth >= 250) return id;
  size_t split = 0;
  double widest = -1;
  for (size_t j = 0; j < dim; j++)
    if (hi[j] - lo[j] > widest) {
      widest = hi[j] - lo[j];
      split = j;
    }
  if (widest <= 0) return id;   /* all points equal: keep as one leaf */
  /* Split at the middle of the box in one partition pass that also collects both children's boxes; if
     that leaves under a quarter of the points on one side, split at the median instead (children then
     scan their points), which keeps the depth logarithmic for any data. */
  double *llo = scratch + depth * 4 * dim, *lhi = llo + dim, *rlo = lhi + dim, *rhi = rlo + dim;
  for (size_t j = 0; j < dim; j++) {
    llo[j] = rlo[j] = INFINITY;
    lhi[j] = rhi[j] = -INFINITY;
  }
  double cut = lo[split] + 0.5 * widest;
  size_t a = begin, b = end;
  while (a < b) {
    const double *v = p + a * dim;
    if (v[split] < cut) {
      box_add(llo, lhi, v, dim);
      a++;
    } else {
      box_add(rlo, rhi, v, dim);
      swap_points(t, a, --b);
    }
  }
  size_t mid = a, quarter = (end - begin) / 4;
  const double *lbox = llo, *rbox = rlo;
  if (mid - begin < quarter || end - mid < quarter || mid == begin || mid == end) {
    mid = begin + (end - begin) / 2;
    select_median(t, begin, end, mid, split);
    lbox = rbox = NULL;
  }
  size_t left = build_node(t, begin, mid, lbox, depth + 1, scratch);
  size_t right = build_node(t, mid, end, rbox, depth + 1, scratch);
  t->nodes[id].left = left;
  t->nodes[id].right = right;
  return id;
}

/* Build a tree over n rows of dim columns (copied); the tree must be freed with ibsh_kdtree_free. */
int ibsh_kdtree_build(ibsh_kdtree *t, const double *pts, size_t n, size_t dim) {
  memset(t, 0, sizeof *t);
  if (n == 0 || dim == 0) return ibsh_fail(IBSH_EINVAL, "empty point set (%zu x %zu)", n, dim);
  /* Only nodes of more than LEAF_SIZE points split, and each side keeps at least a quarter of them, so
     every leaf except a lone root holds at least (LEAF_SIZE + 1) / 4 points. */
  size_t min_leaf = (LEAF_SIZE + 1) / 4 > 0 ? (LEAF_SIZE + 1) / 4 : 1;
  size_t maxnodes = 2 * (n / min_leaf + 1) + 1;
  t->n = n;
  t->dim = dim;
  t->pts = malloc(n * dim * sizeof *t->pts);
  t->index = malloc(n * sizeof *t->index);
  t->nodes = malloc(maxnodes * sizeof *t->nodes);
  t->box = malloc(maxnodes * 2 * dim * sizeof *t->box);
  if (!t->pts || !t->index || !t->nodes || !t->box) {
    ibsh_kdtree_free(t);
    return ibsh_fail(IBSH_ENOMEM, "out of memory building a k-d tree of %zu points", n);
  }
  memcpy(t->pts, pts, n * dim * sizeof *pts);
  for (size_t i = 0; i < n; i++) t->index[i] = i;
  double *scratch = malloc(251 * 4 * dim * sizeof *scratch);   /* children's boxes per depth */
  if (!scratch) {
    ibsh_kdtree_free(t);
    return ibsh_fail(IBSH_ENOMEM, "out of memory building a k-d tree of %zu points", n);
  }
  build_node(t, 0, n, NULL, 0, scratch);
  free(scratch);
  return IBSH_OK;
}

/* Release a tree's memory (safe on a zeroed tree). */
void ibsh_kdtree_free(ibsh_kdtree *t) {
  free(t->pts);
  free(t->index);
  free(t->nodes);
  free(t->box);
  memset(t, 0, sizeof *t);
}

/* Max-norm distance from q to the box of node id (0 inside). */
static inline double box_min_dist(const ibsh_kdtree *t, size_t id, const double *q) {
  const double *lo = t->box + id * 2 * t->dim, *hi = lo + t->dim;
  double m = 0;
  for (size_t j = 0; j < t->dim; j++) {
    double v = lo[j] - q[j];
    if (q[j] - hi[j] > v) v = q[j] - hi[j];
    if (v > m) m = v;
  }
  return m;
}

/* The k nearest neighbours of q in max-norm, skipping original row self: ascending dists and original ids.
   Iterative depth-first search, nearer child first, pruning nodes whose box is no closer than the
   current k-th distance. */
void ibsh_kdtree_knn(const ibsh_kdtree *t, const double *q, size_t self, size_t k, double *dists, size_t *ids) {
  size_t stack_node[256], top = 0, found = 0, dim = t->dim;   /* depth <= log_{4/3} n + 1 */
  double stack_dist[256];
  double worst = INFINITY;   /* current k-th distance (infinite until k found) */
  stack_node[0] = 0;
  stack_dist[0] = box_min_dist(t, 0, q);
  top = 1;
  while (top) {
    top--;
    size_t id = stack_node[top];
    if (stack_dist[top] >= worst) continue;
    const ibsh_kdnode *nd = &t->nodes[id];
    if (!nd->left) {
      for (size_t i = nd->begin; i < nd->end; i++) {
        double d = ibsh_maxdist(t->pts + i * dim, q, dim);
        if (d >= worst) continue;
        size_t orig = t->index[i];
        if (orig == self) continue;
        found = ibsh_knn_insert(dists, ids, found, k, d, orig);
        if (found == k) worst = dists[k - 1];
      }
      continue;
    }
    double dl = box_min_dist(t, nd->left, q), dr = box_min_dist(t, nd->right, q);
    /* push the farther child first so the nearer one is searched first */
    if (dl <= dr) {
      if (dr < worst) { stack_node[top] = nd->right; stack_dist[top++] = dr; }
      if (dl < worst) { stack_node[top] = nd->left; stack_dist[top++] = dl; }
    } else {
      if (dl < worst) { stack_node[top] = nd->left; stack_dist[top++] = dl; }
      if (dr < worst) { stack_node[top] = nd->right; stack_dist[top++] = dr; }
    }
  }
}

/* Number of points within max-norm distance r of q: < r when inclusive = 0, <= r otherwise.
   Iterative: a node whose box lies outside the ball adds nothing, one inside it adds all its points,
   and only nodes cut by the ball's boundary are opened (the same comparisons as per point, so the
   count equals the brute-force count exactly). */
size_t ibsh_kdtree_count(const ibsh_kdtree *t, const double *q, double r, int inclusive) {
  size_t stack[256], top = 1, total = 0, dim = t->dim;
  stack[0] = 0;
  while (top) {
    size_t id = stack[--top];
    const double *lo = t->box + id * 2 * dim, *hi = lo + dim;
    double dmin = 0, dmax = 0;
    for (size_t j = 0; j < dim; j++) {
      double a = q[j] - lo[j], b = hi[j] - q[j];
      double near = -a > -b ? -a : -b, far = a > b ? a : b;
      if (near > dmin) dmin = near;
      if (far > dmax) dmax = far;
    }
    if (inclusive ? dmin > r : dmin >= r) continue;
    const ibsh_kdnode *nd = &t->nodes[id];
    if (inclusive ? dmax <= r : dmax < r) {
      total += nd->end - nd->begin;
      continue;
    }
    if (!nd->left) {
      for (size_t i = nd->begin; i < nd->end; i++) {
        double d = ibsh_maxdist(t->pts + i * dim, q, dim);
        total += inclusive ? d <= r : d < r;
      }
      continue;
    }
    stack[top++] = nd->left;
    stack[top++] = nd->right;
  }
  return total;
}
