/*
** Reductions, cumulative sums, sorting, unique rows and selection.
*/
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "tensor_iter.h"
#include "ibsh/tensor_reduce.h"
#include "tensor_vmath.h"

typedef double v2d __attribute__((vector_size(16)));  /* one SSE2 register: no ABI caveats */
typedef long long v2i __attribute__((vector_size(16)));

/* Load 2 doubles from a possibly unaligned address. */
static inline v2d load2(const double *p) {
  v2d v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Sum of n elements with stride s; contiguous input uses 16 lanes of independent partial sums. */
static double line_sum(const double *p, size_t n, ptrdiff_t s) {
  if (s != 1) {
    double acc = 0;
    for (size_t i = 0; i < n; i++) acc += p[(ptrdiff_t)i * s];
    return acc;
  }
  double vs;
  if (ibsh_vsum(p, n, &vs)) return vs;
  v2d a0 = {0, 0}, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 += load2(p + i); a1 += load2(p + i + 2); a2 += load2(p + i + 4); a3 += load2(p + i + 6);
    a4 += load2(p + i + 8); a5 += load2(p + i + 10); a6 += load2(p + i + 12); a7 += load2(p + i + 14);
  }
  v2d t = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  double acc = t[0] + t[1];
  for (; i < n; i++) acc += p[i];
  return acc;
}

/* Lane-wise maximum of a and b, keeping a where they compare false (NaN). */
static inline v2d vmax(v2d a, v2d b) {
#ifdef __SSE2__
  return (v2d)_mm_max_pd((__m128d)b, (__m128d)a);
#else
  v2i take = b > a;
  return (v2d)(((v2i)b & take) | ((v2i)a & ~take));
#endif
}

/* Index of the first NaN in n contiguous elements, or n. */
static size_t first_nan(const double *p, size_t n) {
  for (size_t i = 0; i < n; i++) if (p[i] != p[i]) return i;
  return n;
}

/* Maximum of n > 0 contiguous elements of sign * p (sign = -1 finds the minimum); NaNs skipped unless first; *maybe_nan set when a NaN or infinity was seen. */
#define CONTIGUOUS_MAX(NAME, SIGN) \
  static double NAME(const double *p, size_t n, int *maybe_nan) { \
    v2d m0 = {SIGN p[0], SIGN p[0]}, m1 = m0, m2 = m0, m3 = m0, z0 = {0, 0}, z1 = z0; \
    size_t i = 0; \
    for (; i + 8 <= n; i += 8) { \
      v2d x0 = SIGN load2(p + i), x1 = SIGN load2(p + i + 2), x2 = SIGN load2(p + i + 4), x3 = SIGN load2(p + i + 6); \
      z0 += (x0 + x1) * 0.0;  /* NaN once any element is NaN (or infinite) */ \
      z1 += (x2 + x3) * 0.0; \
      m0 = vmax(m0, x0); m1 = vmax(m1, x1); m2 = vmax(m2, x2); m3 = vmax(m3, x3); \
    } \
    m0 = vmax(vmax(m0, m1), vmax(m2, m3)); \
    double best = m0[1] > m0[0] ? m0[1] : m0[0], zz = z0[0] + z0[1] + z1[0] + z1[1]; \
    for (; i < n; i++) { double v = SIGN p[i]; zz += v * 0.0; if (v > best) best = v; } \
    *maybe_nan = zz != zz; \
    return SIGN best; \
  }
CONTIGUOUS_MAX(contiguous_max, +)
CONTIGUOUS_MAX(contiguous_min, -)

/* Extreme of n > 0 contiguous elements (NaNs skipped unless first). */
static double contiguous_extreme(const double *p, size_t n, int want_max, int *maybe_nan) {
  double best;
  if (ibsh_vextreme(p, n, want_max, &best, maybe_nan)) return best;
  return want_max ? contiguous_max(p, n, maybe_nan) : contiguous_min(p, n, maybe_nan);
}

/* Maximum (or minimum) of n > 0 elements; NaN if any element is NaN. */
static double line_extreme(const double *p, size_t n, ptrdiff_t s, int want_max) {
  if (s == 1) {
    int maybe_nan;
    double best = contiguous_extreme(p, n, want_max, &maybe_nan);
    if (maybe_nan && first_nan(p, n) < n) return NAN;
    return best;
  }
  double best = p[0];
  int nan = 0;
  for (size_t i = 0; i < n; i++) {
    double v = p[(ptrdiff_t)i * s];
    nan |= v != v;
    if (want_max ? v > best : v < best) best = v;
  }
  return nan ? NAN : best;
}

/* 0-based index of the first maximum (or minimum) of n > 0 elements; the first NaN wins. */
static size_t line_argextreme(const double *p, size_t n, ptrdiff_t s, int want_max) {
  if (s == 1) {  /* vectorised extreme, then a scan for its first position */
    int maybe_nan;
    double best = contiguous_extreme(p, n, want_max, &maybe_nan);
    if (maybe_nan) {
      size_t k = first_nan(p, n);
      if (k < n) return k;
    }
    size_t at;
    if (ibsh_vfind(p, n, best, &at)) return at < n ? at : 0;
    for (size_t i = 0; i < n; i++) if (p[i] == best) return i;
    return 0;
  }
  size_t best_i = 0;
  double best = p[0];
  if (best != best) return 0;
  for (size_t i = 1; i < n; i++) {
    double v = p[(ptrdiff_t)i * s];
    if (v != v) return i;
    if (want_max ? v > best : v < best) { best = v; best_i = i; }
  }
  return best_i;
}

/* Reduce one line of n elements with stride s. */
static double reduce_line(const double *p, size_t n, ptrdiff_t s, ibsh_redop op, double ddof) {
  switch (op) {
    case IBSH_RED_SUM: return line_sum(p, n, s);
    case IBSH_RED_MEAN: return n ? line_sum(p, n, s) / (double)n : NAN;
    case IBSH_RED_PROD: {
      double acc = 1;
      for (size_t i = 0; i < n; i++) acc *= p[(ptrdiff_t)i * s];
      return acc;
    }
    case IBSH_RED_MAX: return line_extreme(p, n, s, 1);
    case IBSH_RED_MIN: return line_extreme(p, n, s, 0);
    case IBSH_RED_ARGMAX: return (double)line_argextreme(p, n, s, 1);
    case IBSH_RED_ARGMIN: return (double)line_argextreme(p, n, s, 0);
    case IBSH_RED_VAR: case IBSH_RED_STD: {
      double mean = line_sum(p, n, s) / (double)n, acc = 0;
      if (s == 1) for (size_t i = 0; i < n; i++) { double d = p[i] - mean; acc += d * d; }
      else for (size_t i = 0; i < n; i++) { double d = p[(ptrdiff_t)i * s] - mean; acc += d * d; }
      double var = (double)n > ddof ? acc / ((double)n - ddof) : NAN;
      return op == IBSH_RED_STD ? sqrt(var) : var;
    }
    default: return NAN;
  }
}

/* Fail for reductions that need at least one element. */
static int check_nonempty(size_t n, ibsh_redop op) {
  if (n == 0 && op != IBSH_RED_SUM && op != IBSH_RED_PROD)
    return ibsh_fail(IBSH_EINVAL, "reduction over an empty dimension");
  if ((unsigned)op >= IBSH_RED_COUNT) return ibsh_fail(IBSH_EINVAL, "unknown reduction %d", (int)op);
  return IBSH_OK;
}

/* Reduce all elements into *result. */
int ibsh_tensor_reduce_all(const ibsh_tensor *a, ibsh_redop op, double ddof, double *result) {
  size_t n = ibsh_tensor_numel(a);
  int rc = check_nonempty(n, op);
  if (rc) return rc;
  ibsh_tensor c = {0};
  if ((rc = ibsh_tensor_contiguous(&c, a))) return rc;
  *result = n ? reduce_line(ibsh_tensor_data(&c), n, 1, op, ddof) : (op == IBSH_RED_PROD ? 1.0 : 0.0);
  ibsh_tensor_release(&c);
  return IBSH_OK;
}

/* A function run on each line along a dim: p[k]/s[k] are operand k's line start and stride. */
typedef void (*line_fn)(void *ctx, size_t n, double *const *p, const ptrdiff_t *s);

typedef struct lines_ctx {
  line_fn fn;
  void *ctx;
  int nops;
  size_t n;
  ptrdiff_t s[IBSH_ITER_MAXOPS];
} lines_ctx;

/* Row kernel of for_lines: run the line function at each position of the row. */
static void row_lines(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  lines_ctx *lc = ctx;
  double *q[IBSH_ITER_MAXOPS];
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < lc->nops; k++) q[k] = p[k] + (ptrdiff_t)i * s[k];
    lc->fn(lc->ctx, lc->n, q, lc->s);
  }
}

/* Run fn on every line along dim of ts[0]; other operands have the same shape (size 1 allowed in dim). */
static int for_lines(int nops, const ibsh_tensor *const *ts, int dim, line_fn fn, void *ctx) {
  if (dim < 0 || dim >= ts[0]->ndim)
    return ibsh_fail(IBSH_EINVAL, "dimension %d out of range 1..%d", dim + 1, ts[0]->ndim);
  ibsh_tensor views[IBSH_ITER_MAXOPS] = {{0}};
  lines_ctx lc = {fn, ctx, nops, ts[0]->shape[dim], {0}};
  ibsh_iter it;
  int rc = IBSH_OK;
  for (int k = 0; k < nops; k++) {
    views[k] = *ts[k];  /* a borrowed view: no reference taken */
    views[k].offset = ts[k]->offset;
    lc.s[k] = ts[k]->shape[dim] == 1 ? 0 : ts[k]->stride[dim];
    views[k].shape[dim] = 1;
  }
  ibsh_iter_init(&it, views[0].ndim, views[0].shape);
  for (int k = 0; k < nops && !rc; k++) rc = ibsh_iter_add(&it, &views[k]);
  if (!rc) rc = ibsh_iter_run(&it, row_lines, &lc);
  return rc;
}

typedef struct reduce_ctx { ibsh_redop op; double ddof; } reduce_ctx;

/* Line function: reduce operand 0's line into operand 1's element. */
static void line_reduce(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  reduce_ctx *rc = ctx;
  *p[1] = reduce_line(p[0], n, s[0], rc->op, rc->ddof);
}

/* Describe contiguous storage of out with t's shape but size 1 in dim (a borrowed view). */
static ibsh_tensor keepdim_view(const ibsh_tensor *out, const ibsh_tensor *t, int dim) {
  ibsh_tensor keep = *t;
  keep.storage = out->storage;
  keep.offset = out->offset;
  keep.shape[dim] = 1;
  ptrdiff_t stride = 1;
  for (int i = t->ndim - 1; i >= 0; i--) { keep.stride[i] = stride; stride *= (ptrdiff_t)keep.shape[i]; }
  return keep;
}

/* Reduce along dim into out, which has a's shape with dim removed or set to 1. */
int ibsh_tensor_reduce_dim(ibsh_tensor *out, const ibsh_tensor *a, int dim, ibsh_redop op, double ddof) {
  if (dim < 0 || dim >= a->ndim) return ibsh_fail(IBSH_EINVAL, "dimension %d out of range 1..%d", dim + 1, a->ndim);
  int rc = check_nonempty(a->shape[dim], op);
  if (rc) return rc;
  size_t expect = 1;
  for (int i = 0; i < a->ndim; i++) if (i != dim) expect *= a->shape[i];
  if (!ibsh_tensor_is_contiguous(out) || ibsh_tensor_numel(out) != expect)
    return ibsh_fail(IBSH_EINVAL, "output of the reduction has %zu elements, expected %zu", ibsh_tensor_numel(out), expect);
  if (a->shape[dim] == 0) {  /* empty sums and products */
    ibsh_tensor_fill(out, op == IBSH_RED_PROD ? 1.0 : 0.0);
    return IBSH_OK;
  }
  ibsh_tensor keep = keepdim_view(out, a, dim);
  reduce_ctx ctx = {op, ddof};
  const ibsh_tensor *ts[2] = {a, &keep};
  return for_lines(2, ts, dim, line_reduce, &ctx);
}

/* Line function: running sum or product of operand 0 into operand 1. */
static void line_cumulative(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  int product = *(int *)ctx;
  double acc = product ? 1.0 : 0.0;
  for (size_t i = 0; i < n; i++) {
    double v = p[0][(ptrdiff_t)i * s[0]];
    acc = product ? acc * v : acc + v;
    p[1][(ptrdiff_t)i * s[1]] = acc;
  }
}

/* out = running sum (or product) of a along dim; out has a's shape. */
int ibsh_tensor_cumulative(ibsh_tensor *out, const ibsh_tensor *a, int dim, int product) {
  if (!ibsh_tensor_same_shape(out, a)) return ibsh_fail(IBSH_EINVAL, "output shape differs from input shape");
  if (ibsh_tensor_numel(a) == 0) return IBSH_OK;
  const ibsh_tensor *ts[2] = {a, out};
  return for_lines(2, ts, dim, line_cumulative, &product);
}

typedef struct sort_item { double v; size_t i; } sort_item;

/* Ascending order with NaN last, ties by original position (stable). */
static int cmp_ascending(const void *x, const void *y) {
  const sort_item *a = x, *b = y;
  int an = a->v != a->v, bn = b->v != b->v;
  if (an || bn) return an != bn ? an - bn : (a->i > b->i) - (a->i < b->i);
  if (a->v != b->v) return a->v < b->v ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

/* Descending order with NaN last, ties by original position (stable). */
static int cmp_descending(const void *x, const void *y) {
  const sort_item *a = x, *b = y;
  int an = a->v != a->v, bn = b->v != b->v;
  if (an || bn) return an != bn ? an - bn : (a->i > b->i) - (a->i < b->i);
  if (a->v != b->v) return a->v > b->v ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

typedef struct sort_ctx { sort_item *buf; int descending, has_values, has_indices; } sort_ctx;

/* Line function: sort operand 0's line into operands 1 (values) and 2 (indices). */
static void line_sort(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  sort_ctx *sc = ctx;
  for (size_t i = 0; i < n; i++) { sc->buf[i].v = p[0][(ptrdiff_t)i * s[0]]; sc->buf[i].i = i; }
  qsort(sc->buf, n, sizeof *sc->buf, sc->descending ? cmp_descending : cmp_ascending);
  int k = 1;
  if (sc->has_values) { for (size_t i = 0; i < n; i++) p[k][(ptrdiff_t)i * s[k]] = sc->buf[i].v; k++; }
  if (sc->has_indices) for (size_t i = 0; i < n; i++) p[k][(ptrdiff_t)i * s[k]] = (double)sc->buf[i].i;
}

/* Sort a along dim into values and/or 0-based indices; NaN sorts last; stable. */
int ibsh_tensor_sort(ibsh_tensor *values, ibsh_tensor *indices, const ibsh_tensor *a, int dim, int descending) {
  if ((values && !ibsh_tensor_same_shape(values, a)) || (indices && !ibsh_tensor_same_shape(indices, a)))
    return ibsh_fail(IBSH_EINVAL, "output shape differs from input shape");
  if (dim < 0 || dim >= a->ndim) return ibsh_fail(IBSH_EINVAL, "dimension %d out of range 1..%d", dim + 1, a->ndim);
  if (ibsh_tensor_numel(a) == 0) return IBSH_OK;
  sort_ctx sc = {malloc(a->shape[dim] * sizeof(sort_item)), descending, values != NULL, indices != NULL};
  if (!sc.buf) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  const ibsh_tensor *ts[3] = {a, values ? values : indices, indices};
  int rc = for_lines(1 + (values != NULL) + (indices != NULL), ts, dim, line_sort, &sc);
  free(sc.buf);
  return rc;
}

/* Compare rows x and y of width d lexicographically (NaN after numbers, NaN equals NaN). */
static int row_cmp(const double *x, const double *y, size_t d) {
  for (size_t j = 0; j < d; j++) {
    double a = x[j], b = y[j];
    int an = a != a, bn = b != b;
    if (an || bn) { if (an != bn) return an - bn; continue; }
    if (a != b) return a < b ? -1 : 1;
  }
  return 0;
}

/* Stable merge sort of row indices by row content. */
static void sort_rows(size_t *idx, size_t *tmp, size_t n, const double *x, size_t d) {
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = row_cmp(x + idx[j] * d, x + idx[i] * d, d) < 0 ? idx[j++] : idx[i++];
      while (i < mid) tmp[k++] = idx[i++];
      while (j < hi) tmp[k++] = idx[j++];
    }
    memcpy(idx, tmp, n * sizeof *idx);
  }
}

/* Distinct rows of a in lexicographic order with counts and the inverse map. */
int ibsh_tensor_unique_rows(const ibsh_tensor *a, ibsh_tensor *rows, ibsh_tensor *counts, ibsh_tensor *inverse) {
  if (a->ndim != 1 && a->ndim != 2) return ibsh_fail(IBSH_EINVAL, "expected a 1-d or 2-d tensor, got %d dimensions", a->ndim);
  size_t n = a->shape[0], d = a->ndim == 2 ? a->shape[1] : 1;
  ibsh_tensor c = {0};
  int rc = ibsh_tensor_contiguous(&c, a);
  if (rc) return rc;
  const double *x = ibsh_tensor_data(&c);
  size_t *idx = malloc((n ? n : 1) * sizeof *idx), *tmp = malloc((n ? n : 1) * sizeof *tmp);
  if (!idx || !tmp) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto done; }
  for (size_t i = 0; i < n; i++) idx[i] = i;
  sort_rows(idx, tmp, n, x, d);
  size_t k = 0;  /* group starts go into tmp */
  for (size_t i = 0; i < n; i++)
    if (i == 0 || row_cmp(x + idx[i] * d, x + idx[i - 1] * d, d) != 0) tmp[k++] = i;
  if ((rc = a->ndim == 2 ? ibsh_tensor_alloc2(rows, k, d) : ibsh_tensor_alloc1(rows, k))) goto done;
  if ((rc = ibsh_tensor_alloc1(counts, k)) || (rc = ibsh_tensor_alloc1(inverse, n))) {
    ibsh_tensor_release(rows);
    ibsh_tensor_release(counts);
    goto done;
  }
  double *r = ibsh_tensor_data(rows), *cnt = ibsh_tensor_data(counts), *inv = ibsh_tensor_data(inverse);
  for (size_t g = 0; g < k; g++) {
    size_t end = g + 1 < k ? tmp[g + 1] : n;
    memcpy(r + g * d, x + idx[tmp[g]] * d, d * sizeof *r);
    cnt[g] = (double)(end - tmp[g]);
    for (size_t i = tmp[g]; i < end; i++) inv[idx[i]] = (double)g;
  }
done:
  free(idx);
  free(tmp);
  ibsh_tensor_release(&c);
  return rc;
}

typedef struct select_ctx { double *out; size_t count; } select_ctx;

/* Row kernel: count (out NULL) or gather elements of operand 0 where operand 1 is nonzero. */
static void row_select(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  select_ctx *sc = ctx;
  for (size_t i = 0; i < n; i++) {
    if (p[1][(ptrdiff_t)i * s[1]] == 0) continue;
    if (sc->out) sc->out[sc->count] = p[0][(ptrdiff_t)i * s[0]];
    sc->count++;
  }
}

/* Allocate out as the 1-d tensor of a's elements where mask (broadcast to a) is nonzero. */
int ibsh_tensor_masked_select(ibsh_tensor *out, const ibsh_tensor *a, const ibsh_tensor *mask) {
  select_ctx sc = {NULL, 0};
  for (int pass = 0; pass < 2; pass++) {
    ibsh_iter it;
    ibsh_iter_init(&it, a->ndim, a->shape);
    int rc = ibsh_iter_add(&it, a);
    if (!rc) rc = ibsh_iter_add(&it, mask);
    if (!rc) rc = ibsh_iter_run(&it, row_select, &sc);
    if (rc) { if (pass) ibsh_tensor_release(out); return rc; }
    if (pass == 0) {
      if ((rc = ibsh_tensor_alloc1(out, sc.count))) return rc;
      sc.out = ibsh_tensor_data(out);
      sc.count = 0;
    }
  }
  return IBSH_OK;
}

/* out = a's entries idx[0..m-1] (0-based) along dim. */
int ibsh_tensor_index_select(ibsh_tensor *out, const ibsh_tensor *a, int dim, const size_t *idx, size_t m) {
  if (dim < 0 || dim >= a->ndim) return ibsh_fail(IBSH_EINVAL, "dimension %d out of range 1..%d", dim + 1, a->ndim);
  if (out->ndim != a->ndim || out->shape[dim] != m) return ibsh_fail(IBSH_EINVAL, "output has the wrong shape");
  for (size_t j = 0; j < m; j++) {
    if (idx[j] >= a->shape[dim])
      return ibsh_fail(IBSH_EINVAL, "index %zu out of range 1..%zu", idx[j] + 1, a->shape[dim]);
    ibsh_tensor src = {0}, dst = {0};
    int rc = ibsh_tensor_select(&src, a, dim, idx[j]);
    if (!rc) rc = ibsh_tensor_select(&dst, out, dim, j);
    if (!rc) rc = ibsh_tensor_copy(&dst, &src);
    ibsh_tensor_release(&src);
    ibsh_tensor_release(&dst);
    if (rc) return rc;
    if ((j & 1023) == 1023 && ibsh_interrupted()) return ibsh_fail(IBSH_EINTR, "interrupted");
  }
  return IBSH_OK;
}
