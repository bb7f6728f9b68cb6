/*
** Discrete estimators on dense ids: plug-in and Miller-Madow entropies, mutual
** information, and the G-test of independence (G = 2 N I in nats ~ chi-square).
*/
#ifndef IBSH_MI_DISCRETE_H
#define IBSH_MI_DISCRETE_H

#include <stddef.h>
#include <stdint.h>

/* Entropy in nats of n ids in 0..k-1; miller_madow adds (m - 1) / (2n), m = observed symbols. */
int ibsh_mi_entropy(const uint32_t *ids, size_t n, size_t k, int miller_madow, double *h);

/* I(X;Y) in nats (plug-in, or from Miller-Madow entropies) and the G-test p-value of independence. */
int ibsh_mi_discrete(const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky, size_t n,
                     int miller_madow, double *mi, double *pvalue);

/* Whether the chi-square approximation of the G-test is unreliable: Cochran's rule fails (some
   expected count n_x n_y / n below 1, or more than 20 % of the cells below 5). */
int ibsh_gtest_sparse(const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky, size_t n, int *sparse);

/* Permutation p-value (1 + #{I_perm >= I_obs}) / (1 + nperm) of independence, y shuffled with seed. */
int ibsh_mi_permutation_pvalue(const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky, size_t n,
                               size_t nperm, uint64_t seed, double *pvalue);

#endif
