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

#endif
