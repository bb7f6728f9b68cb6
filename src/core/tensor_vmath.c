/*
** libmvec dispatch for the elementwise transcendental functions.
*/
#include <string.h>
#include "tensor_vmath.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35)) && !defined(IBSH_NO_LIBMVEC)
#include <immintrin.h>

#define DECLARE(name) \
  extern __m512d _ZGVeN8v_##name(__m512d) __attribute__((target("avx512f"))); \
  extern __m256d _ZGVdN4v_##name(__m256d) __attribute__((target("avx2")));
DECLARE(exp) DECLARE(log) DECLARE(tanh) DECLARE(sin) DECLARE(cos) DECLARE(expm1) DECLARE(log1p) DECLARE(log2) DECLARE(log10)


/* Run an 8-wide AVX-512 function over n elements (the tail through a padded buffer). */
__attribute__((target("avx512f"))) static void run512(__m512d (*f)(__m512d), double *o, const double *a, size_t n) {
  size_t i = 0;
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
  static int level = -1;  /* 2 = AVX-512, 1 = AVX2, 0 = none */
  if (level < 0) {
    __builtin_cpu_init();
    level = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
  }
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
