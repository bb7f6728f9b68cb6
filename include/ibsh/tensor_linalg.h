/*
** Linear algebra on float64 tensors through OpenBLAS (CBLAS) and the LAPACK
** routines OpenBLAS ships (called through their Fortran symbols, since Debian's
** OpenBLAS package installs no lapacke.h). Outputs are allocated here unless noted.
*/
#ifndef IBSH_TENSOR_LINALG_H
#define IBSH_TENSOR_LINALG_H

#include "tensor.h"

/* out (preallocated m x n) = a (m x k) @ b (k x n) through cblas_dgemm; transposed views are used without copies. */
int ibsh_tensor_mm(ibsh_tensor *out, const ibsh_tensor *a, const ibsh_tensor *b);

/* out (preallocated m) = a (m x n) @ x (n). */
int ibsh_tensor_mv(ibsh_tensor *out, const ibsh_tensor *a, const ibsh_tensor *x);

/* Dot product of two vectors with the same number of elements. */
int ibsh_tensor_dot(const ibsh_tensor *a, const ibsh_tensor *b, double *result);

/* out (preallocated m x n) = x (m) outer y (n). */
int ibsh_tensor_outer(ibsh_tensor *out, const ibsh_tensor *x, const ibsh_tensor *y);

/* Allocate x solving a x = b for square a (n x n) and b (n or n x k). */
int ibsh_tensor_solve(ibsh_tensor *x, const ibsh_tensor *a, const ibsh_tensor *b);

/* Allocate the inverse of square a. */
int ibsh_tensor_inv(ibsh_tensor *out, const ibsh_tensor *a);

/* Determinant of square a (LU with partial pivoting). */
int ibsh_tensor_det(const ibsh_tensor *a, double *det);

/* Allocate lower-triangular l with a = l l^T for symmetric positive definite a. */
int ibsh_tensor_cholesky(ibsh_tensor *l, const ibsh_tensor *a);

/* Allocate eigenvalues w (ascending) and eigenvectors v (columns) of symmetric a. */
int ibsh_tensor_eigh(ibsh_tensor *w, ibsh_tensor *v, const ibsh_tensor *a);

/* Allocate the thin SVD a = u diag(s) vt: u (m x k), s (k), vt (k x n), k = min(m, n). */
int ibsh_tensor_svd(ibsh_tensor *u, ibsh_tensor *s, ibsh_tensor *vt, const ibsh_tensor *a);

#endif
