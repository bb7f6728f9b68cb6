/*
** A k-d tree over points in R^dim with max-norm (Chebyshev) queries: k nearest
** neighbours and counts within a radius, as the KSG estimator needs them.
*/
#ifndef IBSH_KDTREE_H
#define IBSH_KDTREE_H

#include <stddef.h>

typedef struct ibsh_kdnode {
  size_t begin, end;    /* points [begin, end) in tree order */
  size_t left, right;   /* child node indices; 0 for a leaf */
} ibsh_kdnode;

typedef struct ibsh_kdtree {
  size_t n, dim;
  double *pts;          /* n x dim, in tree order */
  size_t *index;        /* tree position -> original row */
  ibsh_kdnode *nodes;
  double *box;          /* per node: dim lows then dim highs (tight bounding box) */
  size_t nnodes;
} ibsh_kdtree;

/* Build a tree over n rows of dim columns (copied); the tree must be freed with ibsh_kdtree_free. */
int ibsh_kdtree_build(ibsh_kdtree *t, const double *pts, size_t n, size_t dim);

/* Release a tree's memory (safe on a zeroed tree). */
void ibsh_kdtree_free(ibsh_kdtree *t);

/* The k nearest neighbours of q in max-norm, skipping original row self: ascending dists and original ids. */
void ibsh_kdtree_knn(const ibsh_kdtree *t, const double *q, size_t self, size_t k, double *dists, size_t *ids);

/* Number of points within max-norm distance r of q: < r when inclusive = 0, <= r otherwise. */
size_t ibsh_kdtree_count(const ibsh_kdtree *t, const double *q, double r, int inclusive);

/* Max-norm distance between two points of dim coordinates. */
static inline double ibsh_maxdist(const double *a, const double *b, size_t dim) {
  double m = 0;
  for (size_t j = 0; j < dim; j++) {
    double v = a[j] - b[j];
    if (v < 0) v = -v;
    if (v > m) m = v;
  }
  return m;
}

/* Insert (d, id) into the ascending k-best list dists/ids holding found entries; returns the new count. */
static inline size_t ibsh_knn_insert(double *dists, size_t *ids, size_t found, size_t k, double d, size_t id) {
  size_t p = found < k ? found++ : k - 1;
  while (p > 0 && dists[p - 1] > d) {
    dists[p] = dists[p - 1];
    ids[p] = ids[p - 1];
    p--;
  }
  dists[p] = d;
  ids[p] = id;
  return found;
}

#endif
