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

#endif
