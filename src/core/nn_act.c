/*
** Activation functions, with a vectorisable tanh: the Cephes rational form near
** zero and 1 - 2/(exp(2|x|) + 1) elsewhere, with exp evaluated by range
** reduction and a polynomial so the compiler can vectorise the loop.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "nn_act.h"

#pragma GCC optimize("O3", "no-trapping-math")

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

/* exp(x) for x in [-708, 708] by x = k ln2 + r, |r| <= ln2/2, and a degree-13 Taylor polynomial. */
static inline double exp_kernel(double x) {
  const double log2e = 1.4426950408889634074, ln2_hi = 6.93147180369123816490e-01,
               ln2_lo = 1.90821492927058770002e-10, shifter = 0x1.8p52;
  double t = x * log2e + shifter;
  double k = t - shifter;
  double r = (x - k * ln2_hi) - k * ln2_lo;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  uint64_t tb, sb;
  memcpy(&tb, &t, sizeof tb);
  sb = (tb + 1023u) << 52;
  double scale;
  memcpy(&scale, &sb, sizeof scale);
  return p * scale;
}

/* tanh(x): Cephes rational approximation for |x| < 0.625, else via exp(2|x|) clamped at 40. */
static inline double tanh_kernel(double x) {
  double ax = fabs(x);
  double a2 = 2.0 * ax;
  a2 = a2 < 40.0 ? a2 : 40.0;
  double e = exp_kernel(a2);
  double big = 1.0 - 2.0 / (e + 1.0);
  double s = x * x;
  double num = (-9.64399179425052238628e-1 * s - 9.92877231001918586564e1) * s - 1.61468768441708447952e3;
  double den = ((s + 1.12811678491632931402e2) * s + 2.23548839060100448583e3) * s + 4.84406305325125486048e3;
  double small = x + x * s * (num / den);
  big = x < 0 ? -big : big;
  return ax < 0.625 ? small : big;
}

/* tanh of each of the n values of x into y (vectorisable, relative error ~1e-16). */

void ibsh_tanh_array(const double *x, double *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = tanh_kernel(x[i]);
}

/* exp of each of the n values of x into y (vectorisable; |x| <= 700). */

void ibsh_exp_array(const double *x, double *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = exp_kernel(x[i]);
}

/* Numerically stable log(1 + exp(z)). */
static inline double softplus(double z) {
  return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* Replace each of the n values in z by act(z). */
void ibsh_act_apply(int act, double *z, size_t n) {
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

/* Multiply each of the n values of g by act'(z), given a = act(z). */

void ibsh_act_backward(int act, const double *a, double *g, size_t n) {
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
