/*
** Activation functions, with a fast tanh: sign(x) em/(em + 2), em = expm1(2|x|),
** with expm1 evaluated by range reduction and a polynomial, written with GCC
** vector extensions four lanes at a time and compiled for AVX2+FMA and the
** baseline (picked at load time). Relative error below 8e-16 (glibc: 1 ulp).
*/
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "base/cpu.h"
#include "ibsh/nn_act.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

static const char *const act_names[IBSH_ACT_COUNT] = {
  "tanh", "relu", "sigmoid", "linear", "softsign", "softplus"
};

/* The activation called name ("tanh", "relu", ...), or -1 if unknown. */
int ibsh_act_from_name(const char *name) {
  for (int i = 0; i < IBSH_ACT_COUNT; i++)
    if (strcmp(name, act_names[i]) == 0) return i;
  return -1;
}

/* The name of activation a. */
const char *ibsh_act_name(int a) {
  return a >= 0 && a < IBSH_ACT_COUNT ? act_names[a] : "?";
}

/* Four doubles as a GCC vector (lowered to SSE2 pairs in the baseline copy); aligned(8) allows any address.
   Vectors are passed by pointer, never by value, so no call changes with the ABI of AVX. */
typedef double vd __attribute__((vector_size(32), aligned(8)));
typedef long long vi __attribute__((vector_size(32), aligned(8)));

/* Lanes of a where mask is set, else lanes of b (a macro: vector arguments by value would change the ABI note). */
#define blend(mask, a, b) ((vd)(((mask) & (vi)(a)) | (~(mask) & (vi)(b))))

/* *out = exp(x) for x <= 708 by x = k ln2 + r, |r| <= ln2/2, and the degree-13 Taylor polynomial of exp(r); below -708
   (where exp is subnormal) the result is flushed to 0 rather than letting the exponent bits wrap round. */
IBSH_ALWAYS_INLINE void vexp(vd *out, const vd *xp) {
  vd x = *xp;
  vi tiny = x < -708.0;
  x = blend(tiny, x * 0.0 - 708.0, x);
  const double log2e = 1.4426950408889634074, ln2_hi = 6.93147180369123816490e-01,
               ln2_lo = 1.90821492927058770002e-10, shifter = 0x1.8p52;
  vd t = x * log2e + shifter;
  vd k = t - shifter;
  vd r = (x - k * ln2_hi) - k * ln2_lo;
  /* Estrin's scheme: the Taylor polynomial of degree 13 in four levels of multiply-adds */
  vd r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  vd q0 = 1.0 + r, q1 = 0.5 + r * (1.0 / 6.0), q2 = 1.0 / 24.0 + r * (1.0 / 120.0);
  vd q3 = 1.0 / 720.0 + r * (1.0 / 5040.0), q4 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
  vd q5 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0), q6 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
  vd u0 = q0 + q1 * r2, u1 = q2 + q3 * r2, u2 = q4 + q5 * r2;
  vd w0 = u0 + u1 * r4, w1 = u2 + q6 * r4;
  vd p = w0 + w1 * r8;
  vd scale = (vd)(((vi)t + 1023) << 52);
  vd y = p * scale;
  *out = blend(tiny, y * 0.0, y);
}

/* *out = expm1(a) for a in [0, 40]: a = k ln2 + r, expm1(a) = 2^k (exp(r) - 1) + (2^k - 1), with exp(r) - 1 as its
   Taylor polynomial without the constant term (Estrin's scheme), so that small a keeps full relative accuracy. */
IBSH_ALWAYS_INLINE void vexpm1_pos(vd *out, const vd *ap) {
  const double log2e = 1.4426950408889634074, ln2_hi = 6.93147180369123816490e-01,
               ln2_lo = 1.90821492927058770002e-10, shifter = 0x1.8p52;
  vd a = *ap;
  vd t = a * log2e + shifter;
  vd k = t - shifter;
  vd r = (a - k * ln2_hi) - k * ln2_lo;
  vd r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  vd q0 = 1.0 + r * 0.5, q1 = 1.0 / 6.0 + r * (1.0 / 24.0), q2 = 1.0 / 120.0 + r * (1.0 / 720.0);
  vd q3 = 1.0 / 5040.0 + r * (1.0 / 40320.0), q4 = 1.0 / 362880.0 + r * (1.0 / 3628800.0);
  vd q5 = 1.0 / 39916800.0 + r * (1.0 / 479001600.0), q6 = 1.0 / 6227020800.0 + r * (1.0 / 87178291200.0);
  vd u0 = q0 + q1 * r2, u1 = q2 + q3 * r2, u2 = q4 + q5 * r2;
  vd w0 = u0 + u1 * r4, w1 = u2 + q6 * r4;
  vd pm = r * (w0 + w1 * r8);                       /* exp(r) - 1, degree 14 */
  vd scale = (vd)(((vi)t + 1023) << 52);
  *out = scale * pm + (scale - 1.0);
}

/* *out = tanh(x) = sign(x) em / (em + 2) with em = expm1(2|x|), 2|x| clamped at 40 where tanh is 1 in double. */
IBSH_ALWAYS_INLINE void vtanh(vd *out, const vd *xp) {
  vd x = *xp;
  const vi signbit = (vi){0, 0, 0, 0} | (long long)0x8000000000000000ULL;
  vd ax = (vd)((vi)x & ~signbit);
  vd a2 = ax + ax;
  const vd forty = {40.0, 40.0, 40.0, 40.0};
  a2 = blend(a2 > 40.0, forty, a2);
  vd em;
  vexpm1_pos(&em, &a2);
  vd th = em / (em + 2.0);
  *out = (vd)((vi)th | ((vi)x & signbit));
}

/* Apply a four-lane function to n values (the tail through a zero-padded vector, so every lane computes alike). */
#define MAP4(fn, x, y, n) do { \
    size_t i_ = 0; \
    for (; i_ + 8 <= (n); i_ += 8) { vd u_, w_; memcpy(&u_, (x) + i_, sizeof u_); memcpy(&w_, (x) + i_ + 4, sizeof w_); \
      fn(&u_, &u_); fn(&w_, &w_); memcpy((y) + i_, &u_, sizeof u_); memcpy((y) + i_ + 4, &w_, sizeof w_); } \
    for (; i_ + 4 <= (n); i_ += 4) { vd v_; memcpy(&v_, (x) + i_, sizeof v_); fn(&v_, &v_); memcpy((y) + i_, &v_, sizeof v_); } \
    if (i_ < (n)) { vd v_ = {0, 0, 0, 0}; memcpy(&v_, (x) + i_, ((n) - i_) * sizeof(double)); fn(&v_, &v_); \
      memcpy((y) + i_, &v_, ((n) - i_) * sizeof(double)); } \
  } while (0)

/* tanh of each of the n values of x into y (one copy per variant). */
IBSH_ALWAYS_INLINE void tanh_array_kernel(const double *x, double *y, size_t n) {
  MAP4(vtanh, x, y, n);
}
IBSH_VARIANTS_V3(tanh_array, (const double *x, double *y, size_t n), (x, y, n))

/* tanh of each of the n values of x into y (relative error ~4e-16). */
void ibsh_tanh_array(const double *x, double *y, size_t n) {
  IBSH_PICK_V3(tanh_array)(x, y, n);
}

/* exp of each of the n values of x into y (one copy per variant). */
IBSH_ALWAYS_INLINE void exp_array_kernel(const double *x, double *y, size_t n) {
  MAP4(vexp, x, y, n);
}
IBSH_VARIANTS_V3(exp_array, (const double *x, double *y, size_t n), (x, y, n))

/* exp of each of the n values of x into y (|x| <= 708). */
void ibsh_exp_array(const double *x, double *y, size_t n) {
  IBSH_PICK_V3(exp_array)(x, y, n);
}

/* Numerically stable log(1 + exp(z)). */
static inline double softplus(double z) {
  return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* Replace each of the n values in z by act(z) (one copy per variant). */
IBSH_ALWAYS_INLINE void act_apply_kernel(int act, double *z, size_t n) {
  switch (act) {
  case IBSH_ACT_TANH: ibsh_tanh_array(z, z, n); break;
  case IBSH_ACT_RELU: for (size_t i = 0; i < n; i++) z[i] = z[i] > 0 ? z[i] : 0.0; break;
  case IBSH_ACT_SIGMOID:
    for (size_t i = 0; i < n; i++) z[i] = z[i] >= 0 ? 1.0 / (1.0 + exp(-z[i])) : exp(z[i]) / (1.0 + exp(z[i]));
    break;
  case IBSH_ACT_SOFTSIGN: for (size_t i = 0; i < n; i++) z[i] = z[i] / (1.0 + fabs(z[i])); break;
  case IBSH_ACT_SOFTPLUS: for (size_t i = 0; i < n; i++) z[i] = softplus(z[i]); break;
  default: break;  /* linear */
  }
}
IBSH_VARIANTS_V3(act_apply, (int act, double *z, size_t n), (act, z, n))

/* Replace each of the n values in z by act(z). */
void ibsh_act_apply(int act, double *z, size_t n) {
  IBSH_PICK_V3(act_apply)(act, z, n);
}

/* Multiply each of the n values of g by act'(z), given a = act(z) (one copy per variant). */
IBSH_ALWAYS_INLINE void act_backward_kernel(int act, const double *a, double *g, size_t n) {
  switch (act) {
  case IBSH_ACT_TANH: for (size_t i = 0; i < n; i++) g[i] *= 1.0 - a[i] * a[i]; break;
  case IBSH_ACT_RELU: for (size_t i = 0; i < n; i++) g[i] = a[i] > 0 ? g[i] : 0.0; break;
  case IBSH_ACT_SIGMOID: for (size_t i = 0; i < n; i++) g[i] *= a[i] * (1.0 - a[i]); break;
  case IBSH_ACT_SOFTSIGN:
    for (size_t i = 0; i < n; i++) { double d = 1.0 - fabs(a[i]); g[i] *= d * d; }
    break;
  case IBSH_ACT_SOFTPLUS: for (size_t i = 0; i < n; i++) g[i] *= -expm1(-a[i]); break;
  default: break;
  }
}
IBSH_VARIANTS_V3(act_backward, (int act, const double *a, double *g, size_t n), (act, a, g, n))

/* Multiply each of the n values of g by act'(z), given a = act(z). */
void ibsh_act_backward(int act, const double *a, double *g, size_t n) {
  IBSH_PICK_V3(act_backward)(act, a, g, n);
}
