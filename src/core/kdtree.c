/*
** k-d tree: median splits on the widest coordinate, tight node boxes, max-norm
** kNN search (nearer child first, box pruning) and radius counts that add whole
** subtrees whose box lies inside the query ball.
*/
#include <stdlib.h>
#include <string.h>
#include "error.h"
#include "kdtree.h"

#define LEAF_SIZE 12

typedef struct build_ctx {
  ibsh_kdtree *t;
  const double *src;
  size_t *perm;
} build_ctx;

/* Coordinate j of the point at permutation position i. */
static inline double coord(const build_ctx *c, size_t i, size_t j) {
  return c->src[c->perm[i] * c->t->dim + j];
}

/* Reorder perm[lo..hi) so that position m holds the median by coordinate j (quickselect). */
static void select_median(build_ctx *c, size_t lo, size_t hi, size_t m, size_t j) {
  size_t *p = c->perm;
  while (hi - lo > 1) {
    double pivot = coord(c, lo + (hi - lo) / 2, j);
    size_t a = lo, b = hi - 1;
    while (a <= b) {
      while (coord(c, a, j) < pivot) a++;
      while (coord(c, b, j) > pivot) b--;
      if (a <= b) {
        size_t tmp = p[a];
        p[a] = p[b];
        p[b] = tmp;
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

/* Build the node for perm[begin, end) and its subtree; returns the node index. */
static size_t build_node(build_ctx *c, size_t begin, size_t end) {
  ibsh_kdtree *t = c->t;
  size_t dim = t->dim, id = t->nnodes++;
  double *lo = t->box + id * 2 * dim, *hi = lo + dim;
  for (size_t j = 0; j < dim; j++) lo[j] = hi[j] = coord(c, begin, j);
  for (size_t i = begin + 1; i < end; i++)
    for (size_t j = 0; j < dim; j++) {
      double v = coord(c, i, j);
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  t->nodes[id].begin = begin;
  t->nodes[id].end = end;
  t->nodes[id].left = t->nodes[id].right = 0;
  if (end - begin <= LEAF_SIZE) return id;
  size_t split = 0;
  double widest = -1;
  for (size_t j = 0; j < dim; j++)
    if (hi[j] - lo[j] > widest) {
      widest = hi[j] - lo[j];
      split = j;
    }
  if (widest <= 0) return id;   /* all points equal: keep as one leaf */
  size_t mid = begin + (end - begin) / 2;
  select_median(c, begin, end, mid, split);
  size_t left = build_node(c, begin, mid);
  size_t right = build_node(c, mid, end);
  t->nodes[id].left = left;
  t->nodes[id].right = right;
  return id;
}

/* Build a tree over n rows of dim columns (copied); the tree must be freed with ibsh_kdtree_free. */
int ibsh_kdtree_build(ibsh_kdtree *t, const double *pts, size_t n, size_t dim) {
  memset(t, 0, sizeof *t);
  if (n == 0 || dim == 0) return ibsh_fail(IBSH_EINVAL, "empty point set (%zu x %zu)", n, dim);
  size_t maxnodes = 2 * (n / (LEAF_SIZE / 2) + 1) + 1;
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
  for (size_t i = 0; i < n; i++) t->index[i] = i;
  build_ctx c = {t, pts, t->index};
  build_node(&c, 0, n);
  for (size_t i = 0; i < n; i++) memcpy(t->pts + i * dim, pts + t->index[i] * dim, dim * sizeof *pts);
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

/* Largest max-norm distance from q to a point of the box of node id. */
static inline double box_max_dist(const ibsh_kdtree *t, size_t id, const double *q) {
  const double *lo = t->box + id * 2 * t->dim, *hi = lo + t->dim;
  double m = 0;
  for (size_t j = 0; j < t->dim; j++) {
    double a = q[j] - lo[j], b = hi[j] - q[j];
    double v = a > b ? a : b;
    if (v > m) m = v;
  }
  return m;
}

typedef struct knn_state {
  const ibsh_kdtree *t;
  const double *q;
  size_t self, k, found;
  double *dists;
  size_t *ids;
} knn_state;

/* Offer candidate (d, id) to the sorted k-best list. */
static inline void knn_offer(knn_state *s, double d, size_t id) {
  if (s->found == s->k && d >= s->dists[s->k - 1]) return;
  size_t i = s->found < s->k ? s->found++ : s->k - 1;
  while (i > 0 && s->dists[i - 1] > d) {
    s->dists[i] = s->dists[i - 1];
    s->ids[i] = s->ids[i - 1];
    i--;
  }
  s->dists[i] = d;
  s->ids[i] = id;
}

/* Recursive kNN search below node id. */
static void knn_visit(knn_state *s, size_t id) {
  const ibsh_kdtree *t = s->t;
  const ibsh_kdnode *nd = &t->nodes[id];
  if (!nd->left) {
    for (size_t i = nd->begin; i < nd->end; i++) {
      size_t orig = t->index[i];
      if (orig == s->self) continue;
      knn_offer(s, ibsh_maxdist(t->pts + i * t->dim, s->q, t->dim), orig);
    }
    return;
  }
  double dl = box_min_dist(t, nd->left, s->q), dr = box_min_dist(t, nd->right, s->q);
  size_t first = dl <= dr ? nd->left : nd->right, second = dl <= dr ? nd->right : nd->left;
  double d2 = dl <= dr ? dr : dl;
  knn_visit(s, first);
  if (s->found < s->k || d2 < s->dists[s->k - 1]) knn_visit(s, second);
}

/* The k nearest neighbours of q in max-norm, skipping original row self: ascending dists and original ids. */
void ibsh_kdtree_knn(const ibsh_kdtree *t, const double *q, size_t self, size_t k, double *dists, size_t *ids) {
  knn_state s = {t, q, self, k, 0, dists, ids};
  knn_visit(&s, 0);
}

/* Recursive radius count below node id. */
static size_t count_visit(const ibsh_kdtree *t, size_t id, const double *q, double r, int inclusive) {
  double dmin = box_min_dist(t, id, q);
  if (inclusive ? dmin > r : dmin >= r) return 0;
  const ibsh_kdnode *nd = &t->nodes[id];
  double dmax = box_max_dist(t, id, q);
  if (inclusive ? dmax <= r : dmax < r) return nd->end - nd->begin;
  if (!nd->left) {
    size_t c = 0;
    for (size_t i = nd->begin; i < nd->end; i++) {
      double d = ibsh_maxdist(t->pts + i * t->dim, q, t->dim);
      c += inclusive ? d <= r : d < r;
    }
    return c;
  }
  return count_visit(t, nd->left, q, r, inclusive) + count_visit(t, nd->right, q, r, inclusive);
}

/* Number of points within max-norm distance r of q: < r when inclusive = 0, <= r otherwise. */
size_t ibsh_kdtree_count(const ibsh_kdtree *t, const double *q, double r, int inclusive) {
  return count_visit(t, 0, q, r, inclusive);
}
