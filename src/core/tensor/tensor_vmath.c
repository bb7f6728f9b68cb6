/*
** SIMD paths chosen at run time: libmvec for the elementwise transcendental
** functions, and AVX-512/AVX2 loops for sums, extrema and searches.
*/
#include <stdint.h>
#include <string.h>
#include "base/cpu.h"
#include "tensor_vmath.h"

#define STREAM_MIN ((size_t)1 << 20)  /* results from 8 MB up are written around the cache */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* 2 with AVX-512F, 1 with AVX2, else 0 (detected at load time). */
static int simd_level(void) {
  return ibsh_cpu.avx512f ? 2 : ibsh_cpu.avx2 ? 1 : 0;
}

/* AVX-512 sum with four 8-lane accumulators. */
__attribute__((target("avx512f"))) static double sum512(const double *p, size_t n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm512_add_pd(a0, _mm512_loadu_pd(p + i));
    a1 = _mm512_add_pd(a1, _mm512_loadu_pd(p + i + 8));
    a2 = _mm512_add_pd(a2, _mm512_loadu_pd(p + i + 16));
    a3 = _mm512_add_pd(a3, _mm512_loadu_pd(p + i + 24));
  }
  double acc = _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)));
  for (; i < n; i++) acc += p[i];
  return acc;
}

/* AVX2 sum with four 4-lane accumulators. */
__attribute__((target("avx2"))) static double sum256(const double *p, size_t n) {
  __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = _mm256_add_pd(a0, _mm256_loadu_pd(p + i));
    a1 = _mm256_add_pd(a1, _mm256_loadu_pd(p + i + 4));
    a2 = _mm256_add_pd(a2, _mm256_loadu_pd(p + i + 8));
    a3 = _mm256_add_pd(a3, _mm256_loadu_pd(p + i + 12));
  }
  __m256d t = _mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3));
  double lanes[4];
  _mm256_storeu_pd(lanes, t);
  double acc = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; i < n; i++) acc += p[i];
  return acc;
}

/* Sum of n contiguous doubles with SIMD partial sums. */
int ibsh_vsum(const double *p, size_t n, double *sum) {
  int level = simd_level();
  if (level == 2) *sum = sum512(p, n);
  else if (level == 1) *sum = sum256(p, n);
  else return 0;
  return 1;
}

/* AVX-512 extreme: max or min with four accumulators and an unordered-compare NaN mask. */
__attribute__((target("avx512f"))) static double extreme512(const double *p, size_t n, int want_max, int *nan) {
  __m512d m0 = _mm512_set1_pd(p[0]), m1 = m0, m2 = m0, m3 = m0;
  __mmask8 un = 0;
  size_t i = 0;
  if (want_max) {
    for (; i + 32 <= n; i += 32) {
      __m512d x0 = _mm512_loadu_pd(p + i), x1 = _mm512_loadu_pd(p + i + 8);
      __m512d x2 = _mm512_loadu_pd(p + i + 16), x3 = _mm512_loadu_pd(p + i + 24);
      un |= _mm512_cmp_pd_mask(x0, x1, _CMP_UNORD_Q) | _mm512_cmp_pd_mask(x2, x3, _CMP_UNORD_Q);
      m0 = _mm512_max_pd(x0, m0); m1 = _mm512_max_pd(x1, m1); m2 = _mm512_max_pd(x2, m2); m3 = _mm512_max_pd(x3, m3);
    }
    m0 = _mm512_max_pd(_mm512_max_pd(m0, m1), _mm512_max_pd(m2, m3));
  } else {
    for (; i + 32 <= n; i += 32) {
      __m512d x0 = _mm512_loadu_pd(p + i), x1 = _mm512_loadu_pd(p + i + 8);
      __m512d x2 = _mm512_loadu_pd(p + i + 16), x3 = _mm512_loadu_pd(p + i + 24);
      un |= _mm512_cmp_pd_mask(x0, x1, _CMP_UNORD_Q) | _mm512_cmp_pd_mask(x2, x3, _CMP_UNORD_Q);
      m0 = _mm512_min_pd(x0, m0); m1 = _mm512_min_pd(x1, m1); m2 = _mm512_min_pd(x2, m2); m3 = _mm512_min_pd(x3, m3);
    }
    m0 = _mm512_min_pd(_mm512_min_pd(m0, m1), _mm512_min_pd(m2, m3));
  }
  double lanes[8], best;
  _mm512_storeu_pd(lanes, m0);
  best = lanes[0];
  int seen = un != 0 || best != best;
  for (int k = 1; k < 8; k++) if (want_max ? lanes[k] > best : lanes[k] < best) best = lanes[k];
  for (; i < n; i++) {
    double v = p[i];
    seen |= v != v;
    if (want_max ? v > best : v < best) best = v;
  }
  *nan = seen;
  return best;
}

/* AVX2 extreme with four accumulators. */
__attribute__((target("avx2"))) static double extreme256(const double *p, size_t n, int want_max, int *nan) {
  __m256d m0 = _mm256_set1_pd(p[0]), m1 = m0, m2 = m0, m3 = m0, un = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256d x0 = _mm256_loadu_pd(p + i), x1 = _mm256_loadu_pd(p + i + 4);
    __m256d x2 = _mm256_loadu_pd(p + i + 8), x3 = _mm256_loadu_pd(p + i + 12);
    un = _mm256_or_pd(un, _mm256_or_pd(_mm256_cmp_pd(x0, x1, _CMP_UNORD_Q), _mm256_cmp_pd(x2, x3, _CMP_UNORD_Q)));
    if (want_max) { m0 = _mm256_max_pd(x0, m0); m1 = _mm256_max_pd(x1, m1); m2 = _mm256_max_pd(x2, m2); m3 = _mm256_max_pd(x3, m3); }
    else { m0 = _mm256_min_pd(x0, m0); m1 = _mm256_min_pd(x1, m1); m2 = _mm256_min_pd(x2, m2); m3 = _mm256_min_pd(x3, m3); }
  }
  if (want_max) m0 = _mm256_max_pd(_mm256_max_pd(m0, m1), _mm256_max_pd(m2, m3));
  else m0 = _mm256_min_pd(_mm256_min_pd(m0, m1), _mm256_min_pd(m2, m3));
  double lanes[4], best;
  _mm256_storeu_pd(lanes, m0);
  best = lanes[0];
  int seen = _mm256_movemask_pd(un) != 0 || best != best;
  for (int k = 1; k < 4; k++) if (want_max ? lanes[k] > best : lanes[k] < best) best = lanes[k];
  for (; i < n; i++) {
    double v = p[i];
    seen |= v != v;
    if (want_max ? v > best : v < best) best = v;
  }
  *nan = seen;
  return best;
}

/* Largest or smallest of n > 0 contiguous doubles, NaNs skipped; *nan set when one was seen. */
int ibsh_vextreme(const double *p, size_t n, int want_max, double *best, int *nan) {
  int level = simd_level();
  if (level == 2) *best = extreme512(p, n, want_max, nan);
  else if (level == 1) *best = extreme256(p, n, want_max, nan);
  else return 0;
  return 1;
}

/* AVX-512 search for the first element equal to v. */
__attribute__((target("avx512f"))) static size_t find512(const double *p, size_t n, double v) {
  __m512d b = _mm512_set1_pd(v);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __mmask8 m = _mm512_cmp_pd_mask(_mm512_loadu_pd(p + i), b, _CMP_EQ_OQ);
    if (m) return i + (size_t)__builtin_ctz(m);
  }
  for (; i < n; i++) if (p[i] == v) return i;
  return n;
}

/* AVX2 search for the first element equal to v. */
__attribute__((target("avx2"))) static size_t find256(const double *p, size_t n, double v) {
  __m256d b = _mm256_set1_pd(v);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    int m = _mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(p + i), b, _CMP_EQ_OQ));
    if (m) return i + (size_t)__builtin_ctz((unsigned)m);
  }
  for (; i < n; i++) if (p[i] == v) return i;
  return n;
}

/* Index of the first of n contiguous doubles equal to v (n if none). */
int ibsh_vfind(const double *p, size_t n, double v, size_t *index) {
  int level = simd_level();
  if (level == 2) *index = find512(p, n, v);
  else if (level == 1) *index = find256(p, n, v);
  else return 0;
  return 1;
}

#else

/* No SIMD reductions on this platform. */
int ibsh_vsum(const double *p, size_t n, double *sum) { (void)p; (void)n; (void)sum; return 0; }

/* No SIMD reductions on this platform. */
int ibsh_vextreme(const double *p, size_t n, int want_max, double *best, int *nan) {
  (void)p; (void)n; (void)want_max; (void)best; (void)nan;
  return 0;
}

/* No SIMD search on this platform. */
int ibsh_vfind(const double *p, size_t n, double v, size_t *index) { (void)p; (void)n; (void)v; (void)index; return 0; }

#endif

#if defined(__x86_64__) && defined(__GNUC__) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35)) && !defined(IBSH_NO_LIBMVEC)

#define DECLARE(name) \
  extern __m512d _ZGVeN8v_##name(__m512d) __attribute__((target("avx512f"))); \
  extern __m256d _ZGVdN4v_##name(__m256d) __attribute__((target("avx2")));
DECLARE(exp) DECLARE(log) DECLARE(tanh) DECLARE(sin) DECLARE(cos) DECLARE(expm1) DECLARE(log1p) DECLARE(log2) DECLARE(log10)


/* Run an 8-wide AVX-512 function over n elements (the tail through a padded buffer). */
__attribute__((target("avx512f"))) static void run512(__m512d (*f)(__m512d), double *o, const double *a, size_t n) {
  size_t i = 0;
  if (n >= STREAM_MIN && o != a && ((uintptr_t)o & 63) == 0) {  /* a fresh result: skip reading its lines first */
    for (; i + 8 <= n; i += 8) _mm512_stream_pd(o + i, f(_mm512_loadu_pd(a + i)));
    _mm_sfence();
  }
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(o + i, f(_mm512_loadu_pd(a + i)));
  if (i < n) {
    double buf[8] = {0};
    memcpy(buf, a + i, (n - i) * sizeof *buf);
    _mm512_storeu_pd(buf, f(_mm512_loadu_pd(buf)));
    memcpy(o + i, buf, (n - i) * sizeof *buf);
  }
}

/* Run a 4-wide AVX2 function over n elements. */
__attribute__((target("avx2"))) static void run256(__m256d (*f)(__m256d), double *o, const double *a, size_t n) {
  size_t i = 0;
  if (n >= STREAM_MIN && o != a && ((uintptr_t)o & 31) == 0) {  /* a fresh result: skip reading its lines first */
    for (; i + 4 <= n; i += 4) _mm256_stream_pd(o + i, f(_mm256_loadu_pd(a + i)));
    _mm_sfence();
  }
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(o + i, f(_mm256_loadu_pd(a + i)));
  if (i < n) {
    double buf[4] = {0};
    memcpy(buf, a + i, (n - i) * sizeof *buf);
    _mm256_storeu_pd(buf, f(_mm256_loadu_pd(buf)));
    memcpy(o + i, buf, (n - i) * sizeof *buf);
  }
}

/* The AVX-512 variant of f. */
__attribute__((target("avx512f"))) static void call512(ibsh_vfunc f, double *o, const double *a, size_t n) {
  static __m512d (*const table[IBSH_V_COUNT])(__m512d) = {
    _ZGVeN8v_exp, _ZGVeN8v_log, _ZGVeN8v_tanh, _ZGVeN8v_sin, _ZGVeN8v_cos, _ZGVeN8v_expm1, _ZGVeN8v_log1p,
    _ZGVeN8v_log2, _ZGVeN8v_log10};
  run512(table[f], o, a, n);
}

/* The AVX2 variant of f. */
__attribute__((target("avx2"))) static void call256(ibsh_vfunc f, double *o, const double *a, size_t n) {
  static __m256d (*const table[IBSH_V_COUNT])(__m256d) = {
    _ZGVdN4v_exp, _ZGVdN4v_log, _ZGVdN4v_tanh, _ZGVdN4v_sin, _ZGVdN4v_cos, _ZGVdN4v_expm1, _ZGVdN4v_log1p,
    _ZGVdN4v_log2, _ZGVdN4v_log10};
  run256(table[f], o, a, n);
}

/* o[i] = f(a[i]) through libmvec; 0 when the CPU has neither AVX-512 nor AVX2. */
int ibsh_vmath(ibsh_vfunc f, double *o, const double *a, size_t n) {
  int level = simd_level();
  if ((unsigned)f >= IBSH_V_COUNT || level == 0) return 0;
  if (level == 2) call512(f, o, a, n);
  else call256(f, o, a, n);
  return 1;
}

#else

/* No vector library on this platform: the caller loops over libm. */
int ibsh_vmath(ibsh_vfunc f, double *o, const double *a, size_t n) {
  (void)f; (void)o; (void)a; (void)n;
  return 0;
}

#endif
