/*
** Matrix-based Renyi alpha-entropy (Giraldo, Rao & Principe 2014) and the mutual
** information built from it: Gram matrices normalised to unit trace, their
** eigenvalue spectra, Hadamard-product joints (Yu et al. 2019 for several channels).
** Matrices are n x n, row-major, symmetric; entropies are in bits.
*/
#ifndef IBSH_MI_RENYI_H
#define IBSH_MI_RENYI_H

#include <stddef.h>
#include <stdint.h>

/* Rules for a default kernel width. */
typedef enum ibsh_renyi_rule {
  IBSH_RENYI_SCOTT = 0,  /* sqrt(total variance) * n^(-1/(4+d)) */
  IBSH_RENYI_KNN         /* mean distance of each row to its k = 10 nearest other rows (Wickstrom et al.) */
} ibsh_renyi_rule;

/* Kernel width of rule for the n rows of x (n x d); *sigma > 0 (a small floor when the rows coincide). */
int ibsh_renyi_sigma(const double *x, size_t n, size_t d, int rule, double *sigma);

/* a = K / tr K for the Gaussian Gram K_ij = exp(-|x_i - x_j|^2 / (2 sigma^2)) of the rows of x (n x d). */
int ibsh_renyi_gram(const double *x, size_t n, size_t d, double sigma, double *a);

/* a = (A_1 o ... o A_C) / tr(...) for the Gaussian Grams of the C channels of x (d = C * cols, channel c
   is columns c*cols .. (c+1)*cols - 1) with widths sigma[c] (Yu et al.'s multivariate joint). */
int ibsh_renyi_gram_channels(const double *x, size_t n, size_t d, size_t channels, const double *sigma, double *a);

/* a = K / tr K for the label kernel K_ij = [ids_i == ids_j]. */
void ibsh_renyi_gram_labels(const uint32_t *ids, size_t n, double *a);

/* out = (a o b) / tr(a o b), the Gram of the joint; out may be a or b. */
int ibsh_renyi_joint(const double *a, const double *b, size_t n, double *out);

/* S_alpha(a) = log2(sum_i lambda_i^alpha) / (1 - alpha) in bits for a unit-trace PSD a (alpha > 0,
   alpha != 1); alpha = 2 uses sum_ij a_ij^2 without eigenvalues. a is overwritten. */
int ibsh_renyi_entropy(double *a, size_t n, double alpha, double *bits);

/* S_alpha of count (at most 16) unit-trace matrices a[i] (each overwritten) into bits[i], computed side by side
   on ibsh_threads() threads, each with single-threaded LAPACK: the same bits for any thread count. */
int ibsh_renyi_entropy_many(double **a, size_t count, size_t n, double alpha, double *bits);

/* S_alpha of the unit-trace Gram a restricted to the blocks of equal ids (the joint of a with a label
   kernel): the spectrum is the union of the blocks' spectra, each block decomposed alone. a is kept. */
int ibsh_renyi_entropy_blocks(const double *a, const uint32_t *ids, size_t k, size_t n, double alpha, double *bits);

/* S_alpha of the label Gram of ids (k classes) in closed form: log2(sum_c p_c^alpha) / (1 - alpha). */
int ibsh_renyi_entropy_labels(const uint32_t *ids, size_t k, size_t n, double alpha, double *bits);

#endif
