/*
** Tensor storage, views and layout helpers.
*/
#define _DEFAULT_SOURCE
#include <stdatomic.h>
#include <sys/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/tensor.h"

static _Atomic size_t live_bytes = 0;

#define BIG_BYTES ((size_t)4 << 20)  /* storage from here up is mapped directly, with transparent huge pages */
#define SPARE_SLOTS 4                 /* freed big mappings kept for reuse, at most SPARE_MAX_BYTES in all */
#define SPARE_MAX_BYTES ((size_t)256 << 20)

/* Freed big mappings kept so that results of the same size skip the page faults and the kernel's
   zeroing of fresh pages (the bulk of an elementwise op on 10^7 elements); guarded by spare_lock. */
typedef struct { void *p; size_t bytes; } mapping;
static mapping spare[SPARE_SLOTS];  /* newest first */
static size_t spare_bytes = 0;
static atomic_flag spare_lock = ATOMIC_FLAG_INIT;

/* Take the spare lock (held only for a few instructions). */
static void lock_spare(void) {
  while (atomic_flag_test_and_set_explicit(&spare_lock, memory_order_acquire)) {}
}

/* Release the spare lock. */
static void unlock_spare(void) {
  atomic_flag_clear_explicit(&spare_lock, memory_order_release);
}

/* Bytes of the mapping for n doubles, rounded up to whole pages. */
static size_t mapping_bytes(size_t n) {
  return (n * sizeof(double) + 4095) & ~(size_t)4095;
}

/* A spare mapping of exactly bytes, removed from the cache; NULL when there is none. */
static void *take_spare(size_t bytes) {
  void *p = NULL;
  lock_spare();
  for (int i = 0; i < SPARE_SLOTS; i++)
    if (spare[i].p && spare[i].bytes == bytes) {
      p = spare[i].p;
      spare[i].p = NULL;
      spare_bytes -= bytes;
      break;
    }
  unlock_spare();
  return p;
}

/* Keep the mapping p of bytes for reuse as the newest spare, unmapping the oldest ones that no longer fit. */
static void keep_spare(void *p, size_t bytes) {
  mapping evicted[SPARE_SLOTS + 1];
  int nevicted = 0, count = 0;
  lock_spare();
  for (int i = 0; i < SPARE_SLOTS; i++)
    if (spare[i].p) spare[count++] = spare[i];  /* close the gaps left by take_spare, keeping the order */
  for (int i = count; i < SPARE_SLOTS; i++) spare[i].p = NULL;
  if (bytes > SPARE_MAX_BYTES) {
    evicted[nevicted++] = (mapping){p, bytes};
  } else {
    while (count > 0 && (count == SPARE_SLOTS || spare_bytes + bytes > SPARE_MAX_BYTES)) {
      evicted[nevicted++] = spare[--count];
      spare_bytes -= spare[count].bytes;
      spare[count].p = NULL;
    }
    for (int i = count; i > 0; i--) spare[i] = spare[i - 1];
    spare[0] = (mapping){p, bytes};
    spare_bytes += bytes;
  }
  unlock_spare();
  for (int i = 0; i < nevicted; i++) munmap(evicted[i].p, evicted[i].bytes);
}

/* Memory for n doubles, zero-filled when zero is set (else contents unspecified): malloc/calloc for
   small sizes; for large ones a spare mapping or fresh pages with huge pages
   requested (as numpy does), which cuts page faults on first touch. */
static double *alloc_doubles(size_t n, int zero) {
  size_t bytes = n * sizeof(double);
  if (bytes < BIG_BYTES) return zero ? calloc(n ? n : 1, sizeof(double)) : malloc(n ? bytes : sizeof(double));
  bytes = mapping_bytes(n);
  void *p = take_spare(bytes);
  if (p) return zero ? memset(p, 0, bytes) : p;  /* cheaper than faulting in fresh zeroed pages */
  p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}

/* Free memory from alloc_doubles(n, ...): big mappings go to the spare cache. */
static void free_doubles(double *p, size_t n) {
  if (n * sizeof(double) < BIG_BYTES) free(p);
  else keep_spare(p, mapping_bytes(n));
}

/* Allocate a contiguous tensor, zero-filled when zero is set. */
static int alloc_tensor(ibsh_tensor *t, int ndim, const size_t *shape, int zero) {
  memset(t, 0, sizeof *t);
  if (ndim < 0 || ndim > IBSH_MAXDIM)
    return ibsh_fail(IBSH_EINVAL, "%d dimensions (at most %d)", ndim, IBSH_MAXDIM);
  size_t n = 1;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] != 0 && n > SIZE_MAX / sizeof(double) / shape[i])
      return ibsh_fail(IBSH_ENOMEM, "size too large");
    n *= shape[i];
  }
  if (n > ((size_t)1 << 37))  /* 1 TiB of doubles: certainly a corrupt size */
    return ibsh_fail(IBSH_ENOMEM, "size of %zu elements too large", n);
  size_t span = 1;  /* product of the nonzero sizes: keeps the strides of an empty tensor in range too */
  for (int i = 0; i < ndim; i++) {
    if (shape[i] > 1 && span > ((size_t)1 << 40) / shape[i])
      return ibsh_fail(IBSH_ENOMEM, "size too large (dimensions of an empty tensor beyond 2^40 elements)");
    if (shape[i]) span *= shape[i];
  }
  ibsh_storage *s = malloc(sizeof *s);
  if (!s) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  s->data = alloc_doubles(n, zero);
  if (!s->data) {
    free(s);
    return ibsh_fail(IBSH_ENOMEM, "out of memory allocating %zu elements", n);
  }
  s->size = n;
  s->refcount = 1;
  atomic_fetch_add(&live_bytes, n * sizeof(double));
  t->storage = s;
  t->ndim = ndim;
  ptrdiff_t stride = 1;
  for (int i = ndim - 1; i >= 0; i--) {
    t->shape[i] = shape[i];
    t->stride[i] = stride;
    stride *= (ptrdiff_t)shape[i];
  }
  return IBSH_OK;
}

/* Allocate a zero-filled contiguous tensor; fails with IBSH_EINVAL or IBSH_ENOMEM. */
int ibsh_tensor_alloc(ibsh_tensor *t, int ndim, const size_t *shape) {
  return alloc_tensor(t, ndim, shape, 1);
}

/* Allocate a contiguous tensor with unspecified contents, for results whose every element is written. */
int ibsh_tensor_alloc_uninit(ibsh_tensor *t, int ndim, const size_t *shape) {
  return alloc_tensor(t, ndim, shape, 0);
}

/* Allocate a zero-filled contiguous rows x cols matrix. */
int ibsh_tensor_alloc2(ibsh_tensor *t, size_t rows, size_t cols) {
  size_t shape[2] = {rows, cols};
  return ibsh_tensor_alloc(t, 2, shape);
}

/* Allocate a zero-filled contiguous vector of n elements. */
int ibsh_tensor_alloc1(ibsh_tensor *t, size_t n) {
  return ibsh_tensor_alloc(t, 1, &n);
}

/* Drop this tensor's reference to its storage and leave it empty. */
void ibsh_tensor_release(ibsh_tensor *t) {
  ibsh_storage *s = t->storage;
  if (s && --s->refcount == 0) {
    atomic_fetch_sub(&live_bytes, s->size * sizeof(double));
    free_doubles(s->data, s->size);
    free(s);
  }
  memset(t, 0, sizeof *t);
}

/* Make dst a view of src (same storage, shape and strides); dst must be empty. */
void ibsh_tensor_share(ibsh_tensor *dst, const ibsh_tensor *src) {
  *dst = *src;
  if (dst->storage) dst->storage->refcount++;
}

/* Number of elements (product of the shape). */
size_t ibsh_tensor_numel(const ibsh_tensor *t) {
  size_t n = 1;
  for (int i = 0; i < t->ndim; i++) n *= t->shape[i];
  return n;
}

/* Nonzero when the elements are laid out row-major without gaps. */
int ibsh_tensor_is_contiguous(const ibsh_tensor *t) {
  ptrdiff_t expected = 1;
  for (int i = t->ndim - 1; i >= 0; i--) {
    if (t->shape[i] != 1 && t->stride[i] != expected) return 0;
    expected *= (ptrdiff_t)t->shape[i];
  }
  return 1;
}

/* Element at a 0-based multi-index (idx has t->ndim entries, assumed in range). */
double *ibsh_tensor_at(const ibsh_tensor *t, const size_t *idx) {
  ptrdiff_t off = (ptrdiff_t)t->offset;
  for (int i = 0; i < t->ndim; i++) off += (ptrdiff_t)idx[i] * t->stride[i];
  return t->storage->data + off;
}

/* Shape as text, e.g. "3x4" (buf of at least 128 bytes); returns buf. */
char *ibsh_tensor_shape_str(const ibsh_tensor *t, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  if (t->ndim == 0) snprintf(buf, len, "scalar");
  for (int i = 0; i < t->ndim && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, i ? "x%zu" : "%zu", t->shape[i]);
  return buf;
}

/* Bytes of tensor storage currently allocated in this process (for GC pressure). */
size_t ibsh_tensor_live_bytes(void) {
  return atomic_load(&live_bytes);
}
