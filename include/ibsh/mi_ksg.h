/*
** Kraskov-Stoegbauer-Grassberger (2004) nearest-neighbour MI estimator, algorithms
** 1 and 2, max-norm, with a k-d tree or a brute-force search (the test oracle),
** and Ross's (2014) variant for a discrete y.
*/
#ifndef IBSH_MI_KSG_H
#define IBSH_MI_KSG_H

#include <stddef.h>
#include <stdint.h>

typedef struct ibsh_ksg_opts {
  size_t k;          /* neighbours, 1 <= k < n */
  int algorithm;     /* 1 or 2 */
  int normalize;     /* z-score every column first */
  double noise;      /* tie-breaking uniform noise in [-noise, noise] times min(std, 1.4826 MAD) per column (0 = none) */
  uint64_t seed;     /* seed of the noise */
  int brute;         /* 1: O(n^2) scan; -1: k-d tree; 0: the tree below 16 dimensions per point set, the scan from 16 on */
} ibsh_ksg_opts;

/* KSG estimate of I(X;Y) in nats for n rows of x (n x dx) and y (n x dy); never clipped at 0. */
int ibsh_mi_ksg(const double *x, size_t dx, const double *y, size_t dy, size_t n,
                const ibsh_ksg_opts *opts, double *mi);

/* Ross (2014) estimate of I(X;Y) in nats for continuous x (n x dx) and discrete y (dense ids, ky values). */
int ibsh_mi_ksg_discrete(const double *x, size_t dx, const uint32_t *yids, size_t ky, size_t n,
                         const ibsh_ksg_opts *opts, double *mi);

#endif
