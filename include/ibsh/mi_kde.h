/*
** Kolchinsky-Tracey pairwise-distance bounds on the MI of T + N(0, s2 I) (Saxe et
** al. 2018's KDE estimator): upper (KL) and lower (Bhattacharyya) bounds.
*/
#ifndef IBSH_MI_KDE_H
#define IBSH_MI_KDE_H

#include <stddef.h>
#include <stdint.h>

/* -mean_i ln[(1/n) sum_j exp(-|t_i - t_j|^2 / width)] over n rows of d columns, multi-threaded (ibsh_threads()); the same bits for any thread count. */
int ibsh_kde_term(const double *t, size_t n, size_t d, double width, double *out);

/* Bounds in nats on I(X;T) and I(T;Y) (yids NULL: skip) for noise variance s2; lower selects Bhattacharyya. */
int ibsh_mi_kde(const double *t, size_t n, size_t d, const uint32_t *yids, size_t ky, double noise_var,
                int lower, double *ixt, double *ity);

#endif
