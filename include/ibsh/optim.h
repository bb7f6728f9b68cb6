/*
** Optimisers over a flat parameter vector: SGD with optional momentum and
** Adam in TensorFlow's form (bias correction folded into the step size, eps
** added to sqrt(v) uncorrected: "eps-hat").
*/
#ifndef IBSH_OPTIM_H
#define IBSH_OPTIM_H

#include <stddef.h>

enum { IBSH_OPTIM_SGD = 0, IBSH_OPTIM_ADAM = 1 };

typedef struct ibsh_optim {
  int kind;
  double lr, momentum, beta1, beta2, eps;
  int torch_eps;   /* Adam: eps added to the bias-corrected sqrt(v-hat) (PyTorch) instead of to sqrt(v) (TensorFlow) */
} ibsh_optim;

/* The optimiser kind called name ("sgd", "adam") or -1. */
int ibsh_optim_from_name(const char *name);

/* One step on n parameters with gradient g; m and v hold state; *step counts steps (incremented).
   SGD: v = momentum*v + g; p -= lr*v (p -= lr*g without momentum).
   Adam: m += (g-m)(1-b1); v += (g^2-v)(1-b2); p -= lr*sqrt(1-b2^t)/(1-b1^t) * m/(sqrt(v)+eps), with
   eps*sqrt(1-b2^t) in place of eps when torch_eps is set (PyTorch's lr/(1-b1^t) * m/(sqrt(v/(1-b2^t))+eps)). */
void ibsh_optim_step(const ibsh_optim *o, double lr, double *p, const double *g, double *m, double *v,
                     size_t n, long *step);

/* The same step in float32 (parameters, gradient and state float; the step size computed in double). */
void ibsh_optim_step_f32(const ibsh_optim *o, double lr, float *p, const float *g, float *m, float *v, size_t n,
                         long *step);

#endif
