/*
** Elementwise kernels: contiguous fast paths (which the compiler vectorises) split
** from strided and broadcast paths, all driven by the strided iterator.
*/
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif
#include <math.h>
#include <stdint.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "tensor_iter.h"
#include "ibsh/tensor_ops.h"
#include "tensor_vmath.h"

/* Expand a binary expression over x (from a) and y (from b) into the four loop shapes. */
#define BINARY_LOOPS(EXPR) do { \
    if (so == 1 && sa == 1 && sb == 1) { \
      for (size_t i = 0; i < n; i++) { double x = a[i], y = b[i]; o[i] = (EXPR); } \
    } else if (so == 1 && sa == 1 && sb == 0) { \
      const double y = b[0]; \
      for (size_t i = 0; i < n; i++) { double x = a[i]; o[i] = (EXPR); } \
    } else if (so == 1 && sa == 0 && sb == 1) { \
      const double x = a[0]; \
      for (size_t i = 0; i < n; i++) { double y = b[i]; o[i] = (EXPR); } \
    } else { \
      for (size_t i = 0; i < n; i++) { \
        double x = a[(ptrdiff_t)i * sa], y = b[(ptrdiff_t)i * sb]; o[(ptrdiff_t)i * so] = (EXPR); \
      } \
    } \
  } while (0)

#if defined(__SSE2__)
#include <emmintrin.h>

#define STREAM_MIN ((size_t)1 << 20)  /* rows from 8 MB up write around the cache */

/* Expand o[i] = x OP y over a contiguous row (x from a unless sa == 0, y from b unless sb == 0)
   with SSE2 streaming stores on the 16-byte aligned part of o; the rounding is that of scalar code. */
#define STREAM_LOOP(OP, VOP) do { \
    size_t i = 0; \
    for (; i < n && ((uintptr_t)(o + i) & 15); i++) o[i] = a[(ptrdiff_t)i * sa] OP b[(ptrdiff_t)i * sb]; \
    if (sa && sb) \
      for (; i + 8 <= n; i += 8) { \
        _mm_stream_pd(o + i, VOP(_mm_loadu_pd(a + i), _mm_loadu_pd(b + i))); \
        _mm_stream_pd(o + i + 2, VOP(_mm_loadu_pd(a + i + 2), _mm_loadu_pd(b + i + 2))); \
        _mm_stream_pd(o + i + 4, VOP(_mm_loadu_pd(a + i + 4), _mm_loadu_pd(b + i + 4))); \
        _mm_stream_pd(o + i + 6, VOP(_mm_loadu_pd(a + i + 6), _mm_loadu_pd(b + i + 6))); \
      } \
    else if (sa) { \
      const __m128d y = _mm_set1_pd(b[0]); \
      for (; i + 8 <= n; i += 8) { \
        _mm_stream_pd(o + i, VOP(_mm_loadu_pd(a + i), y)); \
        _mm_stream_pd(o + i + 2, VOP(_mm_loadu_pd(a + i + 2), y)); \
        _mm_stream_pd(o + i + 4, VOP(_mm_loadu_pd(a + i + 4), y)); \
        _mm_stream_pd(o + i + 6, VOP(_mm_loadu_pd(a + i + 6), y)); \
      } \
    } else { \
      const __m128d x = _mm_set1_pd(a[0]); \
      for (; i + 8 <= n; i += 8) { \
        _mm_stream_pd(o + i, VOP(x, _mm_loadu_pd(b + i))); \
        _mm_stream_pd(o + i + 2, VOP(x, _mm_loadu_pd(b + i + 2))); \
        _mm_stream_pd(o + i + 4, VOP(x, _mm_loadu_pd(b + i + 4))); \
        _mm_stream_pd(o + i + 6, VOP(x, _mm_loadu_pd(b + i + 6))); \
      } \
    } \
    _mm_sfence(); \
    for (; i < n; i++) o[i] = a[(ptrdiff_t)i * sa] OP b[(ptrdiff_t)i * sb]; \
  } while (0)

/* Long contiguous rows of + - * / without reading the output's cache lines first (a third less memory
   traffic for a fresh result); 0 when the row is short, strided, in place or another op. */
static int stream_binary(ibsh_binop op, size_t n, double *o, const double *a, const double *b, ptrdiff_t sa, ptrdiff_t sb) {
  if (n < STREAM_MIN || o == a || o == b || !((sa == 1 && sb == 1) || (sa == 1 && sb == 0) || (sa == 0 && sb == 1))) return 0;
  switch (op) {
    case IBSH_ADD: STREAM_LOOP(+, _mm_add_pd); return 1;
    case IBSH_SUB: STREAM_LOOP(-, _mm_sub_pd); return 1;
    case IBSH_MUL: STREAM_LOOP(*, _mm_mul_pd); return 1;
    case IBSH_DIV: STREAM_LOOP(/, _mm_div_pd); return 1;
    default: return 0;
  }
}
#else

/* No streaming stores on this platform. */
static int stream_binary(ibsh_binop op, size_t n, double *o, const double *a, const double *b, ptrdiff_t sa, ptrdiff_t sb) {
  (void)op; (void)n; (void)o; (void)a; (void)b; (void)sa; (void)sb;
  return 0;
}
#endif

/* Row kernel for binary ops; ctx points at the ibsh_binop. */
static void row_binary(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  double *o = p[0];
  const double *a = p[1], *b = p[2];
  ptrdiff_t so = s[0], sa = s[1], sb = s[2];
  if (so == 1 && stream_binary(*(ibsh_binop *)ctx, n, o, a, b, sa, sb)) return;
  switch (*(ibsh_binop *)ctx) {
    case IBSH_ADD: BINARY_LOOPS(x + y); break;
    case IBSH_SUB: BINARY_LOOPS(x - y); break;
    case IBSH_MUL: BINARY_LOOPS(x * y); break;
    case IBSH_DIV: BINARY_LOOPS(x / y); break;
    case IBSH_POW: BINARY_LOOPS(y == 2.0 ? x * x : pow(x, y)); break;
    case IBSH_MAXIMUM: BINARY_LOOPS(x != x || x >= y ? x : y); break;
    case IBSH_MINIMUM: BINARY_LOOPS(x != x || x <= y ? x : y); break;
    case IBSH_ATAN2: BINARY_LOOPS(atan2(x, y)); break;
    case IBSH_FMOD: BINARY_LOOPS(fmod(x, y)); break;
    case IBSH_EQ: BINARY_LOOPS(x == y ? 1.0 : 0.0); break;
    case IBSH_NE: BINARY_LOOPS(x != y ? 1.0 : 0.0); break;
    case IBSH_LT: BINARY_LOOPS(x < y ? 1.0 : 0.0); break;
    case IBSH_LE: BINARY_LOOPS(x <= y ? 1.0 : 0.0); break;
    case IBSH_GT: BINARY_LOOPS(x > y ? 1.0 : 0.0); break;
    case IBSH_GE: BINARY_LOOPS(x >= y ? 1.0 : 0.0); break;
    default: break;
  }
}

/* Number of elements of small when it is a contiguous block equal to out's trailing dims, else 0. */
static size_t repeating_block(const ibsh_tensor *out, const ibsh_tensor *small) {
  if (!ibsh_tensor_is_contiguous(small)) return 0;
  int first = 0;
  while (first < small->ndim && small->shape[first] == 1) first++;  /* leading 1s broadcast anyway */
  int n = small->ndim - first;
  size_t k = 1;
  for (int j = 0; j < n; j++) {
    if (small->shape[first + j] != out->shape[out->ndim - n + j]) return 0;
    k *= small->shape[first + j];
  }
  return k;
}

/* Fast path for a contiguous operand combined with a small block repeating along the leading dims
   (e.g. n x d + d): the block is tiled into a buffer so rows are long and contiguous. 0 if not applicable. */
static int tiled_binary(ibsh_tensor *out, const ibsh_tensor *a, const ibsh_tensor *b, ibsh_binop op, int *rc) {
  enum { TILE = 4096 };
  if (!ibsh_tensor_is_contiguous(out)) return 0;
  int small_first = !ibsh_tensor_same_shape(a, out);
  const ibsh_tensor *big = small_first ? b : a, *small = small_first ? a : b;
  if (!ibsh_tensor_same_shape(big, out) || !ibsh_tensor_is_contiguous(big)) return 0;
  size_t k = repeating_block(out, small), total = ibsh_tensor_numel(out);
  if (k <= 1 || k > TILE / 4 || k == total) return 0;  /* a scalar (k = 1) is a stride-0 row already */
  double tile[TILE];
  size_t len = k * (TILE / k);
  const double *s = ibsh_tensor_data(small);
  for (size_t i = 0; i < len; i++) tile[i] = s[i % k];
  double *o = ibsh_tensor_data(out);
  const double *g = ibsh_tensor_data(big);
  const ptrdiff_t strides[3] = {1, 1, 1};
  size_t chunks = 0;
  for (size_t off = 0; off < total; off += len) {
    size_t n = total - off < len ? total - off : len;
    double *p[3] = {o + off, small_first ? tile : (double *)(g + off), small_first ? (double *)(g + off) : tile};
    row_binary(&op, n, p, strides);
    if ((++chunks & 1023) == 0 && ibsh_interrupted()) { *rc = ibsh_fail(IBSH_EINTR, "interrupted"); return 1; }
  }
  *rc = IBSH_OK;
  return 1;
}

/* out = a op b elementwise with broadcasting; out must have the broadcast shape. */
int ibsh_tensor_binary(ibsh_tensor *out, const ibsh_tensor *a, const ibsh_tensor *b, ibsh_binop op) {
  if ((unsigned)op >= IBSH_BINOP_COUNT) return ibsh_fail(IBSH_EINVAL, "unknown operation %d", (int)op);
  int ndim;
  size_t shape[IBSH_MAXDIM];
  int rc = ibsh_tensor_broadcast_shape(a, b, &ndim, shape);
  if (rc) return rc;
  if (ndim != out->ndim) return ibsh_fail(IBSH_EINVAL, "output has %d dimensions, expected %d", out->ndim, ndim);
  for (int i = 0; i < ndim; i++)
    if (out->shape[i] != shape[i]) return ibsh_fail(IBSH_EINVAL, "output size %zu in dimension %d, expected %zu", out->shape[i], i + 1, shape[i]);
  if (tiled_binary(out, a, b, op, &rc)) return rc;
  ibsh_iter it;
  ibsh_iter_init(&it, ndim, shape);
  it.any_order = 1;
  if ((rc = ibsh_iter_add(&it, out)) || (rc = ibsh_iter_add(&it, a)) || (rc = ibsh_iter_add(&it, b))) return rc;
  return ibsh_iter_run(&it, row_binary, &op);
}

/* out = a op s (or s op a when scalar_first) for a scalar s; out has a's shape. */
int ibsh_tensor_binary_scalar(ibsh_tensor *out, const ibsh_tensor *a, double s, int scalar_first, ibsh_binop op) {
  ibsh_scalar sc;
  const ibsh_tensor *st = ibsh_scalar_init(&sc, s);
  return scalar_first ? ibsh_tensor_binary(out, st, a, op) : ibsh_tensor_binary(out, a, st, op);
}

/* Logistic function, stable for large |x|. */
static inline double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  double e = exp(x);
  return e / (1.0 + e);
}

/* Sign of x (0 for 0, NaN for NaN). */
static inline double sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }

/* Expand a unary expression over x into the contiguous and strided loops. */
#define UNARY_LOOPS(EXPR) do { \
    if (so == 1 && sa == 1) for (size_t i = 0; i < n; i++) { double x = a[i]; o[i] = (EXPR); } \
    else for (size_t i = 0; i < n; i++) { double x = a[(ptrdiff_t)i * sa]; o[(ptrdiff_t)i * so] = (EXPR); } \
  } while (0)

/* The libmvec function computing op, or IBSH_V_COUNT when there is none. */
static ibsh_vfunc vector_function(ibsh_unop op) {
  switch (op) {
    case IBSH_EXP: return IBSH_V_EXP;
    case IBSH_LOG: return IBSH_V_LOG;
    case IBSH_TANH: return IBSH_V_TANH;
    case IBSH_SIN: return IBSH_V_SIN;
    case IBSH_COS: return IBSH_V_COS;
    case IBSH_EXPM1: return IBSH_V_EXPM1;
    case IBSH_LOG1P: return IBSH_V_LOG1P;
    case IBSH_LOG2: return IBSH_V_LOG2;
    case IBSH_LOG10: return IBSH_V_LOG10;
    default: return IBSH_V_COUNT;
  }
}

/* Contiguous sigmoid through the vector exp, in cache-sized blocks; 0 if no vector exp. */
static int vector_sigmoid(double *o, const double *a, size_t n) {
  double buf[1024];
  for (size_t i = 0; i < n; i += 1024) {
    size_t m = n - i < 1024 ? n - i : 1024;
    for (size_t k = 0; k < m; k++) buf[k] = -a[i + k];
    if (!ibsh_vmath(IBSH_V_EXP, buf, buf, m)) return 0;
    for (size_t k = 0; k < m; k++) o[i + k] = 1.0 / (1.0 + buf[k]);
  }
  return 1;
}

/* Row kernel for unary ops; ctx points at the ibsh_unop. */
static void row_unary(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  double *o = p[0];
  const double *a = p[1];
  ptrdiff_t so = s[0], sa = s[1];
  ibsh_unop op = *(ibsh_unop *)ctx;
  if (so == 1 && sa == 1) {
    ibsh_vfunc vf = vector_function(op);
    if (vf != IBSH_V_COUNT && ibsh_vmath(vf, o, a, n)) return;
    if (op == IBSH_SIGMOID && vector_sigmoid(o, a, n)) return;
  }
  switch (op) {
    case IBSH_NEG: UNARY_LOOPS(-x); break;
    case IBSH_EXP: UNARY_LOOPS(exp(x)); break;
    case IBSH_LOG: UNARY_LOOPS(log(x)); break;
    case IBSH_LOG2: UNARY_LOOPS(log2(x)); break;
    case IBSH_LOG10: UNARY_LOOPS(log10(x)); break;
    case IBSH_LOG1P: UNARY_LOOPS(log1p(x)); break;
    case IBSH_EXPM1: UNARY_LOOPS(expm1(x)); break;
    case IBSH_TANH: UNARY_LOOPS(tanh(x)); break;
    case IBSH_SIGMOID: UNARY_LOOPS(sigmoid(x)); break;
    case IBSH_ABS: UNARY_LOOPS(fabs(x)); break;
    case IBSH_SQRT: UNARY_LOOPS(sqrt(x)); break;
    case IBSH_SQUARE: UNARY_LOOPS(x * x); break;
    case IBSH_SIN: UNARY_LOOPS(sin(x)); break;
    case IBSH_COS: UNARY_LOOPS(cos(x)); break;
    case IBSH_TAN: UNARY_LOOPS(tan(x)); break;
    case IBSH_FLOOR: UNARY_LOOPS(floor(x)); break;
    case IBSH_CEIL: UNARY_LOOPS(ceil(x)); break;
    case IBSH_ROUND: UNARY_LOOPS(round(x)); break;
    case IBSH_SIGN: UNARY_LOOPS(sign(x)); break;
    case IBSH_RELU: UNARY_LOOPS(x > 0 ? x : 0.0); break;
    case IBSH_RECIPROCAL: UNARY_LOOPS(1.0 / x); break;
    case IBSH_ISNAN: UNARY_LOOPS(x != x ? 1.0 : 0.0); break;
    case IBSH_ISFINITE: UNARY_LOOPS(isfinite(x) ? 1.0 : 0.0); break;
    case IBSH_NOT: UNARY_LOOPS(x == 0 ? 1.0 : 0.0); break;
    default: break;
  }
}

/* Fail unless out has a's shape. */
static int check_same(const ibsh_tensor *out, const ibsh_tensor *a) {
  if (ibsh_tensor_same_shape(out, a)) return IBSH_OK;
  char bo[128], ba[128];
  return ibsh_fail(IBSH_EINVAL, "output shape %s differs from input shape %s",
                   ibsh_tensor_shape_str(out, bo, sizeof bo), ibsh_tensor_shape_str(a, ba, sizeof ba));
}

/* out = f(a) elementwise; out has a's shape. */
int ibsh_tensor_unary(ibsh_tensor *out, const ibsh_tensor *a, ibsh_unop op) {
  if ((unsigned)op >= IBSH_UNOP_COUNT) return ibsh_fail(IBSH_EINVAL, "unknown operation %d", (int)op);
  int rc = check_same(out, a);
  if (rc) return rc;
  ibsh_iter it;
  ibsh_iter_init(&it, a->ndim, a->shape);
  it.any_order = 1;
  ibsh_iter_add(&it, out);
  ibsh_iter_add(&it, a);
  return ibsh_iter_run(&it, row_unary, &op);
}

/* Row kernel for clamp; ctx points at {lo, hi}. */
static void row_clamp(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  const double lo = ((double *)ctx)[0], hi = ((double *)ctx)[1];
  double *o = p[0];
  const double *a = p[1];
  ptrdiff_t so = s[0], sa = s[1];
  UNARY_LOOPS(x < lo ? lo : x > hi ? hi : x);
}

/* out = min(max(a, lo), hi) elementwise. */
int ibsh_tensor_clamp(ibsh_tensor *out, const ibsh_tensor *a, double lo, double hi) {
  if (lo > hi) return ibsh_fail(IBSH_EINVAL, "lower bound %g above upper bound %g", lo, hi);
  int rc = check_same(out, a);
  if (rc) return rc;
  double bounds[2] = {lo, hi};
  ibsh_iter it;
  ibsh_iter_init(&it, a->ndim, a->shape);
  ibsh_iter_add(&it, out);
  ibsh_iter_add(&it, a);
  return ibsh_iter_run(&it, row_clamp, bounds);
}

/* Row kernel for where: out = c ? a : b. */
static void row_where(void *ctx, size_t n, double *const *p, const ptrdiff_t *s) {
  (void)ctx;
  for (size_t i = 0; i < n; i++) {
    ptrdiff_t k = (ptrdiff_t)i;
    p[0][k * s[0]] = p[1][k * s[1]] != 0 ? p[2][k * s[2]] : p[3][k * s[3]];
  }
}

/* out = cond != 0 ? a : b with broadcasting of all three; out has the broadcast shape. */
int ibsh_tensor_where(ibsh_tensor *out, const ibsh_tensor *cond, const ibsh_tensor *a, const ibsh_tensor *b) {
  int n1, n2;
  size_t s1[IBSH_MAXDIM], s2[IBSH_MAXDIM];
  int rc = ibsh_tensor_broadcast_shape(a, b, &n1, s1);
  if (rc) return rc;
  ibsh_tensor ab = {0};
  ab.ndim = n1;
  for (int i = 0; i < n1; i++) ab.shape[i] = s1[i];
  if ((rc = ibsh_tensor_broadcast_shape(cond, &ab, &n2, s2))) return rc;
  if (n2 != out->ndim) return ibsh_fail(IBSH_EINVAL, "output has %d dimensions, expected %d", out->ndim, n2);
  for (int i = 0; i < n2; i++)
    if (out->shape[i] != s2[i]) return ibsh_fail(IBSH_EINVAL, "output size %zu in dimension %d, expected %zu", out->shape[i], i + 1, s2[i]);
  ibsh_iter it;
  ibsh_iter_init(&it, n2, s2);
  if ((rc = ibsh_iter_add(&it, out)) || (rc = ibsh_iter_add(&it, cond)) || (rc = ibsh_iter_add(&it, a)) ||
      (rc = ibsh_iter_add(&it, b))) return rc;
  return ibsh_iter_run(&it, row_where, NULL);
}

static const char *const unop_names[IBSH_UNOP_COUNT] = {
  "neg", "exp", "log", "log2", "log10", "log1p", "expm1", "tanh", "sigmoid", "abs", "sqrt", "square",
  "sin", "cos", "tan", "floor", "ceil", "round", "sign", "relu", "reciprocal", "isnan", "isfinite", "logical_not"
};

/* Name of a unary op ("tanh"), for bindings; NULL when out of range. */
const char *ibsh_unop_name(ibsh_unop op) {
  return (unsigned)op < IBSH_UNOP_COUNT ? unop_names[op] : NULL;
}
