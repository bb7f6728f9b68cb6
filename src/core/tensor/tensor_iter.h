/*
** Internal: a strided multi-operand iterator used by elementwise ops, copies and
** reductions. Operands are aligned to a common shape (numpy broadcasting: missing
** leading dims and size-1 dims get stride 0); dims are coalesced where every
** operand is contiguous across them, and a row kernel runs over the last dim.
*/
#ifndef IBSH_TENSOR_ITER_H
#define IBSH_TENSOR_ITER_H

#include "ibsh/tensor.h"

#define IBSH_ITER_MAXOPS 4

/* A row kernel: n elements; p[k] points at operand k's first element, s[k] its stride. */
typedef void (*ibsh_row_fn)(void *ctx, size_t n, double *const *p, const ptrdiff_t *s);

typedef struct ibsh_iter {
  int ndim, nops;
  int any_order;  /* set by callers whose result does not depend on the visiting order */
  size_t shape[IBSH_MAXDIM];
  double *base[IBSH_ITER_MAXOPS];
  ptrdiff_t stride[IBSH_ITER_MAXOPS][IBSH_MAXDIM];
} ibsh_iter;

/* Start an iterator over shape (ndim dims). */
void ibsh_iter_init(ibsh_iter *it, int ndim, const size_t *shape);

/* Add an operand broadcast to the iterator's shape; fails when its shape does not broadcast. */
int ibsh_iter_add(ibsh_iter *it, const ibsh_tensor *t);

/* Run fn over every row; returns IBSH_EINTR if interrupted. */
int ibsh_iter_run(ibsh_iter *it, ibsh_row_fn fn, void *ctx);

#endif
