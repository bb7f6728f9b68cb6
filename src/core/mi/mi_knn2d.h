/*
** Max-norm k nearest neighbours in the plane for the 1-D/1-D KSG estimator: the points
** are cut into strips of equal count along x, each strip sorted by y, and a query scans
** the strips outwards from its own until the strip's x-gap reaches the k-th distance.
*/
#ifndef IBSH_MI_KNN2D_H
#define IBSH_MI_KNN2D_H

#include <stddef.h>

typedef struct ibsh_knn2d {
  size_t n, m, nstrips;   /* points, points per strip, strips */
  double *x, *y;          /* strip-major, ascending y within a strip */
  size_t *id;             /* position -> original row */
  size_t *pos;            /* original row -> position */
  double *xlo, *xhi;      /* per strip: smallest and largest x */
} ibsh_knn2d;

#define IBSH_KNN2D_CURSOR_STRIPS 4   /* strips on each side whose search positions a cursor remembers */

/* Search positions in the strips around one strip, for queries in ascending position order (which within a
   strip is ascending y): each position only moves forward, so the strips need no binary search. */
typedef struct ibsh_knn2d_cursor {
  size_t strip;                                   /* the queries' strip (SIZE_MAX: none yet) */
  size_t pos[2 * IBSH_KNN2D_CURSOR_STRIPS + 1];   /* per strip strip - 4 .. strip + 4: position, SIZE_MAX unknown */
} ibsh_knn2d_cursor;

/* Build over n points (xs[i], ys[i]) given each row's rank in x order and the rows in ascending y order. */
int ibsh_knn2d_build(ibsh_knn2d *g, const double *xs, const double *ys, size_t n, const size_t *xrank,
                     const size_t *yorder, size_t k);

/* Release the memory of g (safe on a zeroed structure). */
void ibsh_knn2d_free(ibsh_knn2d *g);

/* Forget a cursor's positions (before the first query of a sequence). */
void ibsh_knn2d_cursor_reset(ibsh_knn2d_cursor *c);

/* The k nearest neighbours of row self in max-norm (self excluded): ascending dists and original ids. cur is
   NULL, or a cursor whose previous queries (since its reset) were at smaller positions than self's. */
void ibsh_knn2d_query(const ibsh_knn2d *g, size_t self, size_t k, double *dists, size_t *ids, ibsh_knn2d_cursor *cur);

#endif
