/*
** SGD (with momentum) and Adam (TensorFlow's formulation).
*/
#include <math.h>
#include <string.h>
#include "ibsh/optim.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")   /* with -fno-math-errno (CMakeLists.txt), so that Adam's loop vectorises */
#endif



/* The optimiser kind called name ("sgd", "adam") or -1. */
int ibsh_optim_from_name(const char *name) {
  if (strcmp(name, "sgd") == 0) return IBSH_OPTIM_SGD;
  if (strcmp(name, "adam") == 0) return IBSH_OPTIM_ADAM;
  return -1;
}

/* One step on n parameters with gradient g (see optim.h for the formulas). */
void ibsh_optim_step(const ibsh_optim *o, double lr, double *p, const double *g, double *m, double *v,
                     size_t n, long *step) {
  ++*step;
  if (o->kind == IBSH_OPTIM_ADAM) {
    double b1 = o->beta1, b2 = o->beta2, c2 = sqrt(1.0 - pow(b2, (double)*step));
    double lr_t = lr * c2 / (1.0 - pow(b1, (double)*step)), eps = o->torch_eps ? o->eps * c2 : o->eps;
    for (size_t i = 0; i < n; i++) {
      m[i] += (g[i] - m[i]) * (1.0 - b1);
      v[i] += (g[i] * g[i] - v[i]) * (1.0 - b2);
      p[i] -= lr_t * m[i] / (sqrt(v[i]) + eps);
    }
  } else if (o->momentum != 0) {
    for (size_t i = 0; i < n; i++) {
      m[i] = o->momentum * m[i] + g[i];
      p[i] -= lr * m[i];
    }
  } else {
    for (size_t i = 0; i < n; i++) p[i] -= lr * g[i];
  }
}

/* One step in float32 on n parameters (the same formulas as ibsh_optim_step, the step size in double). */
void ibsh_optim_step_f32(const ibsh_optim *o, double lr, float *p, const float *g, float *m, float *v, size_t n,
                         long *step) {
  ++*step;
  if (o->kind == IBSH_OPTIM_ADAM) {
    double c2 = sqrt(1.0 - pow(o->beta2, (double)*step));
    float b1 = (float)(1.0 - o->beta1), b2 = (float)(1.0 - o->beta2), eps = (float)(o->torch_eps ? o->eps * c2 : o->eps);
    float lr_t = (float)(lr * c2 / (1.0 - pow(o->beta1, (double)*step)));
    for (size_t i = 0; i < n; i++) {
      m[i] += (g[i] - m[i]) * b1;
      v[i] += (g[i] * g[i] - v[i]) * b2;
      p[i] -= lr_t * m[i] / (sqrtf(v[i]) + eps);
    }
  } else if (o->momentum != 0) {
    float mu = (float)o->momentum, r = (float)lr;
    for (size_t i = 0; i < n; i++) {
      m[i] = mu * m[i] + g[i];
      p[i] -= r * m[i];
    }
  } else {
    float r = (float)lr;
    for (size_t i = 0; i < n; i++) p[i] -= r * g[i];
  }
}
