/*
** Gaussian MI: the closed form I = 1/2 ln(det Sx det Sy / det S) from sample
** covariances, with log-determinants by Cholesky factorisation.
*/
#ifndef IBSH_MI_GAUSSIAN_H
#define IBSH_MI_GAUSSIAN_H

#include <stddef.h>

/* Log-determinant of a symmetric positive-definite m x m matrix a (overwritten by its Cholesky factor). */
int ibsh_logdet_spd(double *a, size_t m, double *logdet);

/* Gaussian I(X;Y) in nats from n rows of x (n x dx) and y (n x dy). */
int ibsh_mi_gaussian(const double *x, size_t dx, const double *y, size_t dy, size_t n, double *mi);

/* Gaussian I(X;Y) in nats; unbiased = 1 subtracts the Wishart bias of each log-determinant. */
int ibsh_mi_gaussian_ex(const double *x, size_t dx, const double *y, size_t dy, size_t n, int unbiased, double *mi);

/* Gaussian-copula I(X;Y) in nats: every column replaced by the normal quantile of its mid-rank
   Phi^-1(rank / (n + 1)) (ties share their mean rank), then ibsh_mi_gaussian_ex. */
int ibsh_mi_copula(const double *x, size_t dx, const double *y, size_t dy, size_t n, int unbiased, double *mi);

/* Rank-Gaussianise the n x d matrix src into dst, column by column (see ibsh_mi_copula). */
int ibsh_rank_gaussianise(const double *src, size_t n, size_t d, double *dst);

#endif
