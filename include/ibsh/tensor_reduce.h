/*
** Reductions over all elements or along one dimension, cumulative sums, sorting,
** unique rows with counts, and selection by mask or index. Dims are 0-based and
** returned indices are 0-based (the bindings add 1).
*/
#ifndef IBSH_TENSOR_REDUCE_H
#define IBSH_TENSOR_REDUCE_H

#include "tensor.h"

typedef enum {
  IBSH_RED_SUM, IBSH_RED_MEAN, IBSH_RED_PROD, IBSH_RED_MAX, IBSH_RED_MIN,
  IBSH_RED_ARGMAX, IBSH_RED_ARGMIN, IBSH_RED_VAR, IBSH_RED_STD, IBSH_RED_COUNT
} ibsh_redop;

/* Reduce all elements into *result; argmax/argmin give the 0-based row-major flat index; var/std divide by n - ddof. */
int ibsh_tensor_reduce_all(const ibsh_tensor *a, ibsh_redop op, double ddof, double *result);

/* Reduce along dim into out, which has a's shape with dim removed or set to 1 (same element count). */
int ibsh_tensor_reduce_dim(ibsh_tensor *out, const ibsh_tensor *a, int dim, ibsh_redop op, double ddof);

/* out = running sum (or product when product != 0) of a along dim; out has a's shape. */
int ibsh_tensor_cumulative(ibsh_tensor *out, const ibsh_tensor *a, int dim, int product);

/* Sort a along dim into values (may be NULL) and 0-based indices (may be NULL); NaN sorts last; stable. */
int ibsh_tensor_sort(ibsh_tensor *values, ibsh_tensor *indices, const ibsh_tensor *a, int dim, int descending);

/* Distinct rows of a (n x d, or n values) in lexicographic order: allocates rows (k x d or k), counts (k) and inverse (n, 0-based row of each input row). */
int ibsh_tensor_unique_rows(const ibsh_tensor *a, ibsh_tensor *rows, ibsh_tensor *counts, ibsh_tensor *inverse);

/* Allocate out as the 1-d tensor of a's elements where mask (broadcast to a) is nonzero, in row-major order. */
int ibsh_tensor_masked_select(ibsh_tensor *out, const ibsh_tensor *a, const ibsh_tensor *mask);

/* out = a's entries idx[0..m-1] (0-based) along dim; out has a's shape with size m in dim. */
int ibsh_tensor_index_select(ibsh_tensor *out, const ibsh_tensor *a, int dim, const size_t *idx, size_t m);

#endif
