/*
** Dense feed-forward networks: layout of the parameters, initialisation, the
** forward pass, losses and the backward pass. All parameters of a network live
** in one flat array: for each layer l, W_l (fan_in x fan_out, row-major) then
** b_l (fan_out), so optimisers and snapshots treat them as one vector.
*/
#ifndef IBSH_NN_H
#define IBSH_NN_H

#include <stddef.h>
#include <stdint.h>
#include "nn_act.h"
#include "rng.h"

#define IBSH_NN_MAXLAYERS 64

typedef enum ibsh_out {
  IBSH_OUT_SOFTMAX = 0,   /* softmax + cross-entropy */
  IBSH_OUT_SIGMOID,       /* sigmoid + binary cross-entropy */
  IBSH_OUT_LINEAR,        /* linear + mean squared error */
  IBSH_OUT_COUNT
} ibsh_out;

typedef enum ibsh_init {
  IBSH_INIT_TRUNCNORMAL_FANIN = 0,  /* truncated normal, std 1/sqrt(fan_in) (IDNNs) */
  IBSH_INIT_TRUNCNORMAL_FANOUT,     /* truncated normal, std 1/sqrt(fan_out) (Saxe et al.) */
  IBSH_INIT_GLOROT_UNIFORM,         /* uniform on +-sqrt(6/(fan_in+fan_out)) */
  IBSH_INIT_HE_NORMAL,              /* normal, std sqrt(2/fan_in) */
  IBSH_INIT_COUNT
} ibsh_init;

/* The architecture of a network (no parameter values). */
typedef struct ibsh_arch {
  int nlayers;                            /* weight layers */
  size_t width[IBSH_NN_MAXLAYERS + 1];    /* width[0] = inputs, width[nlayers] = outputs */
  int act;                                /* hidden activation (ibsh_act) */
  int out;                                /* output kind (ibsh_out) */
  size_t woff[IBSH_NN_MAXLAYERS];         /* offset of W_l in the parameter vector */
  size_t boff[IBSH_NN_MAXLAYERS];         /* offset of b_l */
  size_t nparams;
} ibsh_arch;

/* Scratch space for passes over batches of up to cap rows. Activations are stored feature-major:
   after a pass over n rows, act[l][j * n + i] is unit j of layer l for row i (act[0] = the inputs). */
typedef struct ibsh_nn_work {
  size_t cap;
  double *act[IBSH_NN_MAXLAYERS + 1];   /* act[l] = width[l] x n */
  double *logits;                       /* width[nlayers] x n: output pre-activations */
  double *delta[2];                     /* two maxwidth x cap buffers for the backward pass */
  double *lse;                          /* cap: log-sum-exp of each row's logits (softmax) */
  const double *in;                     /* inputs of the last pass, feature-major, rows ld_in apart */
  size_t ld_in;
} ibsh_nn_work;

/* Fill arch from widths (nlayers+1 entries), activation and output kind; checks sizes. */
int ibsh_arch_init(ibsh_arch *a, int nlayers, const size_t *widths, int act, int out);

/* The output kind called name ("softmax", "sigmoid", "linear") or -1. */
int ibsh_out_from_name(const char *name);
const char *ibsh_out_name(int out);

/* The initialiser called name or -1 ("truncnormal", "truncnormal_fan_out", "glorot_uniform", "he_normal"). */
int ibsh_init_from_name(const char *name);
const char *ibsh_init_name(int init);

/* Draw the weights of params with initialiser init from r; set every bias to bias. */
void ibsh_nn_init_params(const ibsh_arch *a, double *params, int init, double bias, ibsh_rng *r);

/* Allocate scratch for batches of up to cap rows. */
int ibsh_nn_work_alloc(ibsh_nn_work *w, const ibsh_arch *a, size_t cap);
void ibsh_nn_work_free(ibsh_nn_work *w);

/* Forward pass of n <= w->cap rows of x (row-major n x width[0]); afterwards w->act[l] holds layer l's outputs
   feature-major (l = 1..nlayers). */
void ibsh_nn_forward(const ibsh_arch *a, const double *params, const double *x, size_t n, ibsh_nn_work *w);

/* Loss of the outputs in w (after ibsh_nn_forward) against targets t (n x K), summed over the n rows;
   *correct gets the number of rows whose predicted class equals labels[i] (labels may be NULL). */
double ibsh_nn_loss_sum(const ibsh_arch *a, const ibsh_nn_work *w, const double *t, const int32_t *labels,
                        size_t n, size_t *correct);

/* Backward pass after ibsh_nn_forward of the same n rows: grad (nparams) = d(mean loss)/d(params). */
void ibsh_nn_backward(const ibsh_arch *a, const double *params, const double *t, size_t n,
                      ibsh_nn_work *w, double *grad);

/* Backward pass for any loss: after ibsh_nn_forward of the same n rows, grad (nparams) = dL/d(params) given
   dlogits (width[nlayers] x n, feature-major: dlogits[j * n + i] = dL/d(logit j of row i), the output layer's
   pre-activations; for linear outputs the outputs themselves). dlogits may be w->delta[0] or w->delta[1]; it is
   not modified. Losses that couple rows (a batch loss over all pairs, a contrastive bound) pass their gradient
   here; ibsh_nn_backward is this with the gradient of the built-in per-row losses. */
void ibsh_nn_backward_from(const ibsh_arch *a, const double *params, const double *dlogits, size_t n,
                           ibsh_nn_work *w, double *grad);

/* dlogits (width[nlayers] x n, feature-major) from dout (n x width[nlayers], row-major), the gradient with respect
   to the outputs of the last forward pass in w, through the output layer (softmax Jacobian, sigmoid, identity). */
void ibsh_nn_output_grad(const ibsh_arch *a, const ibsh_nn_work *w, const double *dout, size_t n, double *dlogits);

/* Forward pass of n rows given feature-major: xt[f * ld + i] is feature f of row i (ld >= n). */
void ibsh_nn_forward_cols(const ibsh_arch *a, const double *params, const double *xt, size_t ld, size_t n,
                          ibsh_nn_work *w);

/* ibsh_nn_transpose (in nn_rows.h) transposes the row-major r x c block src into the c x r block dst. */
void ibsh_nn_transpose(const double *src, double *dst, size_t r, size_t c);

/* Copy layer l's activations (after a forward pass over n rows) into out as row-major n x width[l]. */
void ibsh_nn_layer_rows(const ibsh_arch *a, const ibsh_nn_work *w, int l, size_t n, double *out);

/* Multiply-adds per product from which cblas_dgemm is used instead of the built-in kernels. */
extern size_t ibsh_nn_gemm_min_flops;

#endif
