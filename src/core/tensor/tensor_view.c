/*
** Tensor views (narrow, select, transpose, permute, reshape), broadcasting
** shapes, copies and fills, and the strided iterator behind elementwise ops.
*/
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/tensor.h"
#include "tensor_iter.h"

/* Check that dim is a valid dimension of t. */
static int check_dim(const ibsh_tensor *t, int dim) {
  if (dim < 0 || dim >= t->ndim)
    return ibsh_fail(IBSH_EINVAL, "dimension %d out of range 1..%d", dim + 1, t->ndim);
  return IBSH_OK;
}

/* dst = src restricted to indices first..first+len-1 of dimension dim. */
int ibsh_tensor_narrow(ibsh_tensor *dst, const ibsh_tensor *src, int dim, size_t first, size_t len) {
  int rc = check_dim(src, dim);
  if (rc) return rc;
  if (first > src->shape[dim] || len > src->shape[dim] - first)
    return ibsh_fail(IBSH_EINVAL, "range %zu..%zu out of range 1..%zu in dimension %d",
                     first + 1, first + len, src->shape[dim], dim + 1);
  ibsh_tensor_share(dst, src);
  if (len > 0) dst->offset = (size_t)((ptrdiff_t)dst->offset + (ptrdiff_t)first * src->stride[dim]);
  dst->shape[dim] = len;
  return IBSH_OK;
}

/* dst = src at index i of dimension dim (one dimension fewer). */
int ibsh_tensor_select(ibsh_tensor *dst, const ibsh_tensor *src, int dim, size_t i) {
  int rc = check_dim(src, dim);
  if (rc) return rc;
  if (i >= src->shape[dim])
    return ibsh_fail(IBSH_EINVAL, "index %zu out of range 1..%zu in dimension %d", i + 1, src->shape[dim], dim + 1);
  ibsh_tensor_share(dst, src);
  dst->offset = (size_t)((ptrdiff_t)dst->offset + (ptrdiff_t)i * src->stride[dim]);
  for (int d = dim; d + 1 < src->ndim; d++) {
    dst->shape[d] = src->shape[d + 1];
    dst->stride[d] = src->stride[d + 1];
  }
  dst->ndim = src->ndim - 1;
  dst->shape[dst->ndim] = 0;
  dst->stride[dst->ndim] = 0;
  return IBSH_OK;
}

/* dst = src with dimensions d1 and d2 swapped. */
int ibsh_tensor_transpose(ibsh_tensor *dst, const ibsh_tensor *src, int d1, int d2) {
  int rc = check_dim(src, d1);
  if (!rc) rc = check_dim(src, d2);
  if (rc) return rc;
  ibsh_tensor_share(dst, src);
  dst->shape[d1] = src->shape[d2]; dst->stride[d1] = src->stride[d2];
  dst->shape[d2] = src->shape[d1]; dst->stride[d2] = src->stride[d1];
  return IBSH_OK;
}

/* dst = src with dimensions reordered: dst dim k is src dim perm[k]. */
int ibsh_tensor_permute(ibsh_tensor *dst, const ibsh_tensor *src, const int *perm) {
  int seen[IBSH_MAXDIM] = {0};
  for (int k = 0; k < src->ndim; k++) {
    if (perm[k] < 0 || perm[k] >= src->ndim || seen[perm[k]]++)
      return ibsh_fail(IBSH_EINVAL, "not a permutation of 1..%d", src->ndim);
  }
  ibsh_tensor_share(dst, src);
  for (int k = 0; k < src->ndim; k++) {
    dst->shape[k] = src->shape[perm[k]];
    dst->stride[k] = src->stride[perm[k]];
  }
  return IBSH_OK;
}

/* dst = contiguous src seen with another shape of the same element count. */
int ibsh_tensor_reshape_view(ibsh_tensor *dst, const ibsh_tensor *src, int ndim, const size_t *shape) {
  if (ndim < 0 || ndim > IBSH_MAXDIM) return ibsh_fail(IBSH_EINVAL, "%d dimensions (at most %d)", ndim, IBSH_MAXDIM);
  size_t n = 1;
  for (int i = 0; i < ndim; i++) n *= shape[i];
  if (n != ibsh_tensor_numel(src)) {
    char buf[128];
    return ibsh_fail(IBSH_EINVAL, "cannot reshape %s (%zu elements) into %zu elements",
                     ibsh_tensor_shape_str(src, buf, sizeof buf), ibsh_tensor_numel(src), n);
  }
  if (!ibsh_tensor_is_contiguous(src)) return ibsh_fail(IBSH_EINVAL, "tensor is not contiguous (use reshape or contiguous)");
  ibsh_tensor_share(dst, src);
  dst->ndim = ndim;
  ptrdiff_t stride = 1;
  for (int i = IBSH_MAXDIM - 1; i >= 0; i--) {
    dst->shape[i] = i < ndim ? shape[i] : 0;
    dst->stride[i] = i < ndim ? stride : 0;
    if (i < ndim) stride *= (ptrdiff_t)shape[i];
  }
  return IBSH_OK;
}

/* Nonzero when a and b have the same shape. */
int ibsh_tensor_same_shape(const ibsh_tensor *a, const ibsh_tensor *b) {
  if (a->ndim != b->ndim) return 0;
  for (int i = 0; i < a->ndim; i++) if (a->shape[i] != b->shape[i]) return 0;
  return 1;
}

/* Shape of broadcasting a with b (numpy rules); fails when they do not match. */
int ibsh_tensor_broadcast_shape(const ibsh_tensor *a, const ibsh_tensor *b, int *ndim, size_t *shape) {
  int n = a->ndim > b->ndim ? a->ndim : b->ndim;
  for (int i = 0; i < n; i++) {
    int ia = i - (n - a->ndim), ib = i - (n - b->ndim);
    size_t sa = ia >= 0 ? a->shape[ia] : 1, sb = ib >= 0 ? b->shape[ib] : 1;
    if (sa != sb && sa != 1 && sb != 1) {
      char ba[128], bb[128];
      return ibsh_fail(IBSH_EINVAL, "shapes %s and %s do not broadcast (dimension %d: %zu vs %zu)",
                       ibsh_tensor_shape_str(a, ba, sizeof ba), ibsh_tensor_shape_str(b, bb, sizeof bb), i + 1, sa, sb);
    }
    shape[i] = sa == 1 ? sb : sa;
  }
  *ndim = n;
  return IBSH_OK;
}

/* A 0-d tensor view of a single double (no allocation; do not release). */
const ibsh_tensor *ibsh_scalar_init(ibsh_scalar *s, double v) {
  memset(s, 0, sizeof *s);
  s->value = v;
  s->storage.data = &s->value;
  s->storage.size = 1;
  s->storage.refcount = 1;
  s->tensor.storage = &s->storage;
  return &s->tensor;
}

/* Start an iterator over shape (ndim dims). */
void ibsh_iter_init(ibsh_iter *it, int ndim, const size_t *shape) {
  memset(it, 0, sizeof *it);
  it->ndim = ndim;
  for (int i = 0; i < ndim; i++) it->shape[i] = shape[i];
}

/* Add an operand broadcast to the iterator's shape; fails when its shape does not broadcast. */
int ibsh_iter_add(ibsh_iter *it, const ibsh_tensor *t) {
  int k = it->nops++, n = it->ndim;
  if (t->ndim > n) return ibsh_fail(IBSH_EINVAL, "cannot broadcast %d dimensions into %d", t->ndim, n);
  it->base[k] = t->storage ? ibsh_tensor_data(t) : NULL;
  for (int i = 0; i < n; i++) {
    int j = i - (n - t->ndim);
    if (j < 0 || t->shape[j] == 1) it->stride[k][i] = 0;
    else if (t->shape[j] == it->shape[i]) it->stride[k][i] = t->stride[j];
    else {
      char buf[128];
      return ibsh_fail(IBSH_EINVAL, "shape %s does not broadcast to size %zu in dimension %d",
                       ibsh_tensor_shape_str(t, buf, sizeof buf), it->shape[i], i + 1);
    }
  }
  return IBSH_OK;
}

/* Merge dims that every operand walks contiguously, and drop size-1 dims. */
static void coalesce(ibsh_iter *it) {
  int out = 0;
  for (int i = 0; i < it->ndim; i++) {
    if (it->shape[i] == 1) continue;
    if (out > 0) {
      int ok = 1;
      for (int k = 0; k < it->nops; k++)
        if (it->stride[k][out - 1] != it->stride[k][i] * (ptrdiff_t)it->shape[i]) ok = 0;
      if (ok) {
        it->shape[out - 1] *= it->shape[i];
        for (int k = 0; k < it->nops; k++) it->stride[k][out - 1] = it->stride[k][i];
        continue;
      }
    }
    it->shape[out] = it->shape[i];
    for (int k = 0; k < it->nops; k++) it->stride[k][out] = it->stride[k][i];
    out++;
  }
  if (out == 0) {  /* a single element */
    it->shape[0] = 1;
    for (int k = 0; k < it->nops; k++) it->stride[k][0] = 0;
    out = 1;
  }
  it->ndim = out;
}

/* Run fn over every row; returns IBSH_EINTR if interrupted. */
int ibsh_iter_run(ibsh_iter *it, ibsh_row_fn fn, void *ctx) {
  for (int i = 0; i < it->ndim; i++) if (it->shape[i] == 0) return IBSH_OK;
  coalesce(it);
  int last = it->ndim - 1;
  if (it->any_order && last >= 1 && it->shape[last] < 16 && it->shape[last - 1] > it->shape[last]) {
    /* a short innermost dim (e.g. n x 2 + 2): run the rows along the longer dim instead */
    size_t sz = it->shape[last]; it->shape[last] = it->shape[last - 1]; it->shape[last - 1] = sz;
    for (int k = 0; k < it->nops; k++) {
      ptrdiff_t st = it->stride[k][last]; it->stride[k][last] = it->stride[k][last - 1]; it->stride[k][last - 1] = st;
    }
  }
  size_t idx[IBSH_MAXDIM] = {0};
  double *p[IBSH_ITER_MAXOPS];
  ptrdiff_t s[IBSH_ITER_MAXOPS];
  for (int k = 0; k < it->nops; k++) { p[k] = it->base[k]; s[k] = it->stride[k][last]; }
  size_t rows = 0;
  for (;;) {
    fn(ctx, it->shape[last], p, s);
    if ((++rows & 1023) == 0 && ibsh_interrupted()) return ibsh_fail(IBSH_EINTR, "interrupted");
    int d = last - 1;
    for (; d >= 0; d--) {  /* odometer over the outer dims */
      for (int k = 0; k < it->nops; k++) p[k] += it->stride[k][d];
      if (++idx[d] < it->shape[d]) break;
      for (int k = 0; k < it->nops; k++) p[k] -= it->stride[k][d] * (ptrdiff_t)it->shape[d];
      idx[d] = 0;
    }
    if (d < 0) return IBSH_OK;
  }
}

/* Row kernel: copy operand 1 into operand 0. */
static void row_copy(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  (void)ctx;
  double *o = p[0];
  const double *a = p[1];
  if (s[0] == 1 && s[1] == 1) memmove(o, a, n * sizeof *o);
  else for (size_t i = 0; i < n; i++) o[(ptrdiff_t)i * s[0]] = a[(ptrdiff_t)i * s[1]];
}

/* Copy src's values into dst, broadcasting src to dst's shape (numpy rules). */
int ibsh_tensor_copy(ibsh_tensor *dst, const ibsh_tensor *src) {
  ibsh_iter it;
  ibsh_iter_init(&it, dst->ndim, dst->shape);
  int rc = ibsh_iter_add(&it, dst);
  if (!rc) rc = ibsh_iter_add(&it, src);
  if (!rc) rc = ibsh_iter_run(&it, row_copy, NULL);
  return rc;
}

/* Row kernel: fill operand 0 with *(double *)ctx. */
static void row_fill(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  double v = *(double *)ctx, *o = p[0];
  if (s[0] == 1) for (size_t i = 0; i < n; i++) o[i] = v;
  else for (size_t i = 0; i < n; i++) o[(ptrdiff_t)i * s[0]] = v;
}

/* Set every element of dst to v. */
void ibsh_tensor_fill(ibsh_tensor *dst, double v) {
  ibsh_iter it;
  ibsh_iter_init(&it, dst->ndim, dst->shape);
  ibsh_iter_add(&it, dst);
  ibsh_iter_run(&it, row_fill, &v);
}

/* dst becomes a contiguous tensor with src's values: a view when src already is, else a copy. */
int ibsh_tensor_contiguous(ibsh_tensor *dst, const ibsh_tensor *src) {
  if (ibsh_tensor_is_contiguous(src)) {
    ibsh_tensor_share(dst, src);
    return IBSH_OK;
  }
  int rc = ibsh_tensor_alloc(dst, src->ndim, src->shape);
  if (!rc) rc = ibsh_tensor_copy(dst, src);
  if (rc) ibsh_tensor_release(dst);
  return rc;
}
