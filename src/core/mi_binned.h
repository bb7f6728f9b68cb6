/*
** Binning MI estimators: discretise each unit of a layer, treat the row tuples as
** the discrete variable T, and compute I(X;T) = H(T) - H(T|X) and I(T;Y) with
** p(x) uniform over the rows.
*/
#ifndef IBSH_MI_BINNED_H
#define IBSH_MI_BINNED_H

#include <stddef.h>
#include <stdint.h>

enum {
  IBSH_BIN_RANGE,     /* bins equal intervals over [lo, hi], outliers clamped to the end bins */
  IBSH_BIN_EDGES,     /* the original code: np.digitize on linspace(lo, hi, bins) float32 edges */
  IBSH_BIN_WIDTH,     /* floor(v / width) over an unbounded range (Saxe et al.) */
  IBSH_BIN_ADAPTIVE   /* bins equal-mass intervals from the layer's pooled values (Chelombiev et al.) */
};

typedef struct ibsh_binspec {
  int mode;        /* one of IBSH_BIN_* */
  size_t bins;     /* number of bins (RANGE, ADAPTIVE) or of edges (EDGES) */
  double lo, hi;   /* range (RANGE, EDGES) */
  double width;    /* bin width (WIDTH) */
  int unique;      /* ADAPTIVE: quantiles of the distinct values (Chelombiev et al.) instead of all values */
} ibsh_binspec;

/* Check a bin specification (bins >= 1, lo < hi, width > 0, finite). */
int ibsh_binspec_check(const ibsh_binspec *spec);

/* Replace each of the n x d values by its integer bin code; NaN/Inf are errors. */
int ibsh_mi_discretise(const double *t, size_t n, size_t d, const ibsh_binspec *spec, int64_t *codes);

/* Dense ids of the binned rows of t (n x d): equal bin tuples share an id; *kt gets the count. */
int ibsh_mi_bin_ids(const double *t, size_t n, size_t d, const ibsh_binspec *spec, uint32_t *tids, size_t *kt);

/* Binned I(X;T) and I(T;Y) in nats; xids (NULL = all rows distinct) and yids (NULL = skip I(T;Y)) are dense ids. */
int ibsh_mi_binned(const double *t, size_t n, size_t d, const ibsh_binspec *spec,
                   const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky,
                   double *ixt, double *ity);

/* I(X;T) and I(T;Y) in nats from dense ids of T (and optional X ids, Y ids), p(x) uniform over rows. */
int ibsh_mi_from_ids(const uint32_t *tids, size_t kt, size_t n, const uint32_t *xids, size_t kx,
                     const uint32_t *yids, size_t ky, double *ixt, double *ity);

#endif
