/*
** Estimator-free information planes. Exact plug-in MI of a layer that takes
** finitely many values (a quantized network on an empirical input set), and the
** sample-propagation estimate of I(X;T) and I(T;Y) for a noise-injected layer
** T = S + Z, Z ~ N(0, sigma^2 I) (Goldfeld et al. 2019), and the clustering of
** noiseless representations that Goldfeld et al. relate compression to.
*/
#ifndef IBSH_MI_EXACT_H
#define IBSH_MI_EXACT_H

#include <stddef.h>
#include <stdint.h>

/* A quantizer's grid: the 2^bits values lo + j (hi - lo) / (2^bits - 1), j = 0 .. 2^bits - 1 (bits 1..16). */
typedef struct ibsh_levels {
  int bits;
  double lo, hi;
} ibsh_levels;

/* I(X;T) = H(T) - H(T|X) and I(T;Y) in nats over the distinct rows of t (n x d, row-major), p(x) uniform over rows;
   xids (NULL = rows are distinct inputs) and yids (NULL = skip I(T;Y)) are dense ids; rejects NaN and Inf. lv (or
   NULL) is the grid the values were quantized to: when every value is one of its levels, rows are counted by their
   packed level indices (faster; the result is the same). */
int ibsh_mi_exact(const double *t, size_t n, size_t d, const ibsh_levels *lv, const uint32_t *xids, size_t kx,
                  const uint32_t *yids, size_t ky, double *ixt, double *ity);

/* Options and results of the sample-propagation estimator. */
typedef struct ibsh_sp_result {
  double ixt, ixt_se;   /* I(X;T) = h(S + Z) - h(Z) in nats and its Monte Carlo standard error */
  double ity, ity_se;   /* I(T;Y) = h(T) - sum_y p(y) h(T | Y = y) (only with labels) */
} ibsh_sp_result;

/* Sample-propagation estimate for the n x d noiseless rows s of n equiprobable inputs (equal rows merged into one
   weighted component): h(T) by Monte Carlo with m draws per row, each row's draws from a generator derived from
   seed and the row; yids (NULL = skip I(T;Y)) with ky classes. Uses nworkers threads (< 1: ibsh_threads()); the bits
   do not depend on the thread count. */
int ibsh_mi_sp(const double *s, size_t n, size_t d, double sigma, size_t m, uint64_t seed, const uint32_t *yids,
               size_t ky, int nworkers, ibsh_sp_result *out);

/* How the n x d rows s cluster: *within = mean distance between rows of the same class (yids; NULL gives NaN) over the
   mean distance between all rows (1 = no class structure, 0 = each class on one point); *close = fraction of row pairs
   closer than r (r <= 0 gives NaN). O(n^2 d). */
int ibsh_mi_clustering(const double *s, size_t n, size_t d, const uint32_t *yids, double r, double *within,
                       double *close);

#endif
