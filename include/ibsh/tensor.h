/*
** Tensors: reference-counted float64 storage viewed through a shape and strides.
** Row-major by default; views (rows, slices, transposes) share the storage.
** Indices in this C API are 0-based; the Lua API is 1-based.
*/
#ifndef IBSH_TENSOR_H
#define IBSH_TENSOR_H

#include <stddef.h>

#define IBSH_MAXDIM 8

typedef struct ibsh_storage {
  double *data;
  size_t size;      /* elements */
  long refcount;
} ibsh_storage;

typedef struct ibsh_tensor {
  ibsh_storage *storage;          /* NULL when empty (never allocated or released) */
  size_t offset;                  /* first element, in elements */
  int ndim;                       /* 0 for a scalar-shaped tensor */
  size_t shape[IBSH_MAXDIM];
  ptrdiff_t stride[IBSH_MAXDIM];  /* in elements */
} ibsh_tensor;

/* Allocate a zero-filled contiguous tensor; fails with IBSH_EINVAL or IBSH_ENOMEM. */
int ibsh_tensor_alloc(ibsh_tensor *t, int ndim, const size_t *shape);

/* Allocate a contiguous tensor with unspecified contents, for results whose every element is written. */
int ibsh_tensor_alloc_uninit(ibsh_tensor *t, int ndim, const size_t *shape);

/* Allocate a zero-filled contiguous rows x cols matrix. */
int ibsh_tensor_alloc2(ibsh_tensor *t, size_t rows, size_t cols);

/* Allocate a zero-filled contiguous vector of n elements. */
int ibsh_tensor_alloc1(ibsh_tensor *t, size_t n);

/* Drop this tensor's reference to its storage and leave it empty. */
void ibsh_tensor_release(ibsh_tensor *t);

/* Make dst a view of src (same storage, shape and strides); dst must be empty. */
void ibsh_tensor_share(ibsh_tensor *dst, const ibsh_tensor *src);

/* Number of elements (product of the shape). */
size_t ibsh_tensor_numel(const ibsh_tensor *t);

/* Nonzero when the elements are laid out row-major without gaps. */
int ibsh_tensor_is_contiguous(const ibsh_tensor *t);

/* Pointer to the first element. */
static inline double *ibsh_tensor_data(const ibsh_tensor *t) { return t->storage->data + t->offset; }

/* dst becomes a contiguous tensor with src's values: a view when src already is, else a copy. */
int ibsh_tensor_contiguous(ibsh_tensor *dst, const ibsh_tensor *src);

/* Element at a 0-based multi-index (idx has t->ndim entries, assumed in range). */
double *ibsh_tensor_at(const ibsh_tensor *t, const size_t *idx);

/* Shape as text, e.g. "3x4" (buf of at least 128 bytes); returns buf. */
char *ibsh_tensor_shape_str(const ibsh_tensor *t, char *buf, size_t len);

/* Bytes of tensor storage currently allocated in this process (for GC pressure). */
size_t ibsh_tensor_live_bytes(void);

/* ---- Views (tensor_view.c): dst must be empty; it shares src's storage. Dims are 0-based. ---- */

/* dst = src restricted to indices first..first+len-1 of dimension dim. */
int ibsh_tensor_narrow(ibsh_tensor *dst, const ibsh_tensor *src, int dim, size_t first, size_t len);

/* dst = src at index i of dimension dim (one dimension fewer). */
int ibsh_tensor_select(ibsh_tensor *dst, const ibsh_tensor *src, int dim, size_t i);

/* dst = src with dimensions d1 and d2 swapped. */
int ibsh_tensor_transpose(ibsh_tensor *dst, const ibsh_tensor *src, int d1, int d2);

/* dst = src with dimensions reordered: dst dim k is src dim perm[k]. */
int ibsh_tensor_permute(ibsh_tensor *dst, const ibsh_tensor *src, const int *perm);

/* dst = contiguous src seen with another shape of the same element count (fails if src is not contiguous). */
int ibsh_tensor_reshape_view(ibsh_tensor *dst, const ibsh_tensor *src, int ndim, const size_t *shape);

/* Copy src's values into dst, broadcasting src to dst's shape (numpy rules). */
int ibsh_tensor_copy(ibsh_tensor *dst, const ibsh_tensor *src);

/* Set every element of dst to v. */
void ibsh_tensor_fill(ibsh_tensor *dst, double v);

/* Shape of broadcasting a with b (numpy rules) into ndim/shape; fails when they do not match. */
int ibsh_tensor_broadcast_shape(const ibsh_tensor *a, const ibsh_tensor *b, int *ndim, size_t *shape);

/* Nonzero when a and b have the same shape. */
int ibsh_tensor_same_shape(const ibsh_tensor *a, const ibsh_tensor *b);

/* A 0-d tensor view of a single double (no allocation; do not release). */
typedef struct ibsh_scalar { ibsh_storage storage; ibsh_tensor tensor; double value; } ibsh_scalar;
const ibsh_tensor *ibsh_scalar_init(ibsh_scalar *s, double v);

#endif
