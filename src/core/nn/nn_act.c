/*
** Activation functions, with a fast tanh: sign(x) em/(em + 2), em = expm1(2|x|),
** with expm1 from a 16-entry table of 2^(j/16) - 1 and a degree-7 polynomial,
** written once with GCC vector extensions (nn_act_lanes.h) and compiled eight
** lanes wide for AVX-512, four wide for AVX2+FMA and the baseline (picked at load
** time). Relative error below 4.6e-16, about 2 ulp (glibc: 1 ulp; test_nn_tanh.c).
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

/* Four and eight doubles as GCC vectors (lowered to narrower registers where the target has none); aligned(8) allows
   any address. Vectors are passed by pointer, never by value, so no call changes with the ABI of AVX. */
typedef double vd4 __attribute__((vector_size(32), aligned(8)));
typedef long long vi4 __attribute__((vector_size(32), aligned(8)));
typedef double vd8 __attribute__((vector_size(64), aligned(8)));
typedef long long vi8 __attribute__((vector_size(64), aligned(8)));

/* tj = entry j (0..15) of exp2_16ths_m1 in each lane (macros: a vector returned by value would depend on the AVX
   ABI). Four lanes (and clang): one lane at a time; eight lanes with GCC: one two-register permute. */
#define LOOKUP_LANES(tj, j, lanes) do { \
    for (int l_ = 0; l_ < (lanes); l_++) (tj)[l_] = exp2_16ths_m1[(j)[l_]]; \
  } while (0)
#define lookup164(tj, j) do { vi4 jj_ = (j); LOOKUP_LANES(tj, jj_, 4); } while (0)
#if defined(__clang__)   /* no variable two-register shuffle builtin: the same lookups lane by lane */
#define lookup168(tj, j) do { vi8 jj_ = (j); LOOKUP_LANES(tj, jj_, 8); } while (0)
#else
#define lookup168(tj, j) do { \
    vd8 t0_, t1_; \
    memcpy(&t0_, exp2_16ths_m1, sizeof t0_); memcpy(&t1_, exp2_16ths_m1 + 8, sizeof t1_); \
    (tj) = __builtin_shuffle(t0_, t1_, (j)); \
  } while (0)
#endif

#define VD vd4
#define VI vi4
#define LANES(f) f##4
#include "nn_act_lanes.h"
#undef VD
#undef VI
#undef LANES
#define VD vd8
#define VI vi8
#define LANES(f) f##8
#include "nn_act_lanes.h"
#undef VD
#undef VI
#undef LANES

/* Apply fn, a function on vectors of type V, to n values (the tail through a zero-padded vector, so every lane
   computes alike). */
#define MAPV(V, fn, x, y, n) do { \
    const size_t lanes_ = sizeof(V) / sizeof(double); \
    size_t i_ = 0; \
    for (; i_ + 2 * lanes_ <= (n); i_ += 2 * lanes_) { V u_, w_; memcpy(&u_, (x) + i_, sizeof u_); \
      memcpy(&w_, (x) + i_ + lanes_, sizeof w_); fn(&u_, &u_); fn(&w_, &w_); memcpy((y) + i_, &u_, sizeof u_); \
      memcpy((y) + i_ + lanes_, &w_, sizeof w_); } \
    for (; i_ + lanes_ <= (n); i_ += lanes_) { V v_; memcpy(&v_, (x) + i_, sizeof v_); fn(&v_, &v_); \
      memcpy((y) + i_, &v_, sizeof v_); } \
    if (i_ < (n)) { V v_ = {0}; memcpy(&v_, (x) + i_, ((n) - i_) * sizeof(double)); fn(&v_, &v_); \
      memcpy((y) + i_, &v_, ((n) - i_) * sizeof(double)); } \
  } while (0)

/* tanh of each of the n values of x into y, four and eight lanes at a time (one copy per variant). */
IBSH_ALWAYS_INLINE void tanh_array_kernel(const double *x, double *y, size_t n) {
  MAPV(vd4, vtanh4, x, y, n);
}
IBSH_ALWAYS_INLINE void tanh_array_kernel8(const double *x, double *y, size_t n) {
  MAPV(vd8, vtanh8, x, y, n);
}
IBSH_VARIANTS_V4(tanh_array, (const double *x, double *y, size_t n), (x, y, n))

/* tanh of each of the n values of x into y (relative error below 4.6e-16). */
void ibsh_tanh_array(const double *x, double *y, size_t n) {
  IBSH_PICK_V4(tanh_array)(x, y, n);
}

/* exp of each of the n values of x into y, four and eight lanes at a time (one copy per variant). */
IBSH_ALWAYS_INLINE void exp_array_kernel(const double *x, double *y, size_t n) {
  MAPV(vd4, vexp4, x, y, n);
}
IBSH_ALWAYS_INLINE void exp_array_kernel8(const double *x, double *y, size_t n) {
  MAPV(vd8, vexp8, x, y, n);
}
IBSH_VARIANTS_V4(exp_array, (const double *x, double *y, size_t n), (x, y, n))

/* exp of each of the n values of x into y (|x| <= 708). */
void ibsh_exp_array(const double *x, double *y, size_t n) {
  IBSH_PICK_V4(exp_array)(x, y, n);
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
IBSH_VARIANTS_V4_AUTO(act_apply, (int act, double *z, size_t n), (act, z, n))

/* Replace each of the n values in z by act(z). */
void ibsh_act_apply(int act, double *z, size_t n) {
  IBSH_PICK_V4(act_apply)(act, z, n);
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
IBSH_VARIANTS_V4_AUTO(act_backward, (int act, const double *a, double *g, size_t n), (act, a, g, n))

/* Multiply each of the n values of g by act'(z), given a = act(z). */
void ibsh_act_backward(int act, const double *a, double *g, size_t n) {
  IBSH_PICK_V4(act_backward)(act, a, g, n);
}
