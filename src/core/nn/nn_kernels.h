/*
** Internal: the small-matrix kernels of dense networks (nn_kernels.c). Blocks are feature-major (unit x row) with
** their rows ld* apart, so a pass over part of a batch can write into the batch's buffers; every element is
** computed the same way whatever the stride or the number of rows, as long as the product stays below
** ibsh_nn_gemm_min_flops multiply-adds (larger ones go to cblas_dgemm).
*/
#ifndef IBSH_NN_KERNELS_H
#define IBSH_NN_KERNELS_H

#include <stddef.h>

/* Z (m x n, rows ldz apart) = W^T A + b: A (k x n, rows lda apart), W (k x m) row-major, b (m). */
void nn_affine(const double *A, size_t lda, const double *W, const double *b, double *Z, size_t ldz, size_t n,
               size_t k, size_t m);

/* G (k x m) = A D^T and gb (m) = the row sums of D: A (k x n, rows lda apart), D (m x n, contiguous). */
void nn_grad_weights(const double *A, size_t lda, const double *D, double *G, double *gb, size_t n, size_t k,
                     size_t m);

/* O (k x n, rows ldo apart) = W D: W (k x m) row-major, D (m x n, rows ldd apart). */
void nn_grad_inputs(const double *D, size_t ldd, const double *W, double *O, size_t ldo, size_t n, size_t k,
                    size_t m);

/* Softmax down each of the n columns of Z (K x n, rows ld apart) into P (same layout); lse (n) gets each column's
   log-sum-exp (only its maximum when want_lse is 0); sum is scratch for n values. */
void nn_softmax_cols(const double *Z, double *P, size_t ld, double *lse, double *sum, size_t n, size_t K,
                     int want_lse);

#endif
