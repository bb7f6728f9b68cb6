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
  /* Quantized and noise-injected networks (nn_quant.c; all zero = a plain float network). */
  int qbits[IBSH_NN_MAXLAYERS];           /* bits of layer l+1's outputs (0 = not quantized); [nlayers-1] = output */
  double qlo[IBSH_NN_MAXLAYERS];          /* quantizer range of layer l+1: 2^bits levels from qlo to qhi */
  double qhi[IBSH_NN_MAXLAYERS];
  double noise;                           /* std of the Gaussian noise added to every hidden layer's output */
  uint64_t noise_seed;                    /* seed from which each pass's noise generator is derived */
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
  double *raw[IBSH_NN_MAXLAYERS + 1];   /* quantized or noisy nets: hidden layer l's act(z) before quantizing/noise */
  ibsh_rng noise_rng;                   /* generator of this pass's hidden-layer noise ... */
  int noisy;                            /* ... used when nonzero (see ibsh_nn_noise_begin); 0 = noiseless S */
  int no_lse;                           /* nonzero: forward passes may leave lse unset (no loss wanted) */
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

/* Quantized and noisy networks (nn_quant.c). */

/* Nonzero when the hidden layers of a are quantized or noisy (passes then keep raw activations). */
int ibsh_nn_perturbed(const ibsh_arch *a);

/* Quantize layer l (1..nlayers-1) in place and add noise when w->noisy: z holds act(z) feature-major (n rows). */
void ibsh_nn_perturb(const ibsh_arch *a, int l, double *z, size_t n, ibsh_nn_work *w);

/* Multiply the gradient g of hidden layer l (n rows) by the activation's derivative, passing straight through the
   quantizer inside its range and stopping outside it. */
void ibsh_nn_perturbed_backward(const ibsh_arch *a, int l, const ibsh_nn_work *w, double *g, size_t n);

/* Quantize the output layer's values in w (after a forward pass of n rows) when a quantizes it. */
void ibsh_nn_quant_output(const ibsh_arch *a, ibsh_nn_work *w, size_t n);

/* Seed w's noise for one pass (pass kind, epoch, index: e.g. training batch or evaluation chunk) when a is noisy. */
void ibsh_nn_noise_begin(const ibsh_arch *a, ibsh_nn_work *w, uint64_t kind, uint64_t epoch, uint64_t index);

/* Set quantization of a's hidden layers (and of a softmax/sigmoid output on [0, 1]) from bits[0..nlayers-1] and the
   upper range ranges[] for unbounded activations (NULL: 6); checks bits in 1..16. */
int ibsh_nn_set_quant(ibsh_arch *a, const int *bits, const double *ranges);

/* Set the noise std (>= 0, finite) and seed of a. */
int ibsh_nn_set_noise(ibsh_arch *a, double sigma, uint64_t seed);

/* Write a's quantization and noise as JSON members ("quant_bits": [...], ...) each followed by ",\n" into buf;
   returns the length (0 for a plain network) or -1 if buf is too small. */
int ibsh_nn_ext_json(const ibsh_arch *a, char *buf, size_t len);

/* Read the members ibsh_nn_ext_json writes from JSON text into a (absent members: a plain network). */
int ibsh_nn_ext_parse(ibsh_arch *a, const char *text);

/* Nonzero when a and b quantize and add noise the same way. */
int ibsh_nn_ext_same(const ibsh_arch *a, const ibsh_arch *b);

/* Multiply-adds per product from which cblas_dgemm is used instead of the built-in kernels. */
extern size_t ibsh_nn_gemm_min_flops;

#endif
