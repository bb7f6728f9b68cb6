/*
** Dense networks: initialisation, forward pass, losses and backpropagation.
** Activations are kept feature-major (unit x row) so that the inner loops of
** the small products (nn_kernels.c) run along the batch and vectorise.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/nn.h"
#include "nn_kernels.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

static const char *const out_names[IBSH_OUT_COUNT] = {"softmax", "sigmoid", "linear"};
static const char *const init_names[IBSH_INIT_COUNT] = {
  "truncnormal", "truncnormal_fan_out", "glorot_uniform", "he_normal"
};

/* The output kind called name ("softmax", "sigmoid", "linear") or -1. */
int ibsh_out_from_name(const char *name) {
  for (int i = 0; i < IBSH_OUT_COUNT; i++) if (strcmp(name, out_names[i]) == 0) return i;
  return -1;
}

/* The name of output kind out. */
const char *ibsh_out_name(int out) { return out >= 0 && out < IBSH_OUT_COUNT ? out_names[out] : "?"; }

/* The initialiser called name or -1. */
int ibsh_init_from_name(const char *name) {
  for (int i = 0; i < IBSH_INIT_COUNT; i++) if (strcmp(name, init_names[i]) == 0) return i;
  return -1;
}

/* The name of initialiser init. */
const char *ibsh_init_name(int init) { return init >= 0 && init < IBSH_INIT_COUNT ? init_names[init] : "?"; }

/* Fill arch from widths (nlayers+1 entries), activation and output kind; checks sizes. */
int ibsh_arch_init(ibsh_arch *a, int nlayers, const size_t *widths, int act, int out) {
  memset(a, 0, sizeof *a);
  if (nlayers < 1 || nlayers > IBSH_NN_MAXLAYERS)
    return ibsh_fail(IBSH_EINVAL, "a network needs 1 to %d weight layers, got %d", IBSH_NN_MAXLAYERS, nlayers);
  if (act < 0 || act >= IBSH_ACT_COUNT) return ibsh_fail(IBSH_EINVAL, "unknown activation");
  if (out < 0 || out >= IBSH_OUT_COUNT) return ibsh_fail(IBSH_EINVAL, "unknown output kind");
  size_t total = 0;
  for (int l = 0; l <= nlayers; l++) {
    if (widths[l] < 1 || widths[l] > ((size_t)1 << 24))
      return ibsh_fail(IBSH_EINVAL, "layer width %zu out of range (1 to 16777216)", widths[l]);
    a->width[l] = widths[l];
  }
  if (out == IBSH_OUT_SOFTMAX && widths[nlayers] < 2)
    return ibsh_fail(IBSH_EINVAL, "a softmax output needs at least 2 units");
  for (int l = 0; l < nlayers; l++) {
    a->woff[l] = total;
    total += widths[l] * widths[l + 1];
    a->boff[l] = total;
    total += widths[l + 1];
    if (total > ((size_t)1 << 31)) return ibsh_fail(IBSH_ENOMEM, "network too large (%zu parameters)", total);
  }
  a->nlayers = nlayers;
  a->act = act;
  a->out = out;
  a->nparams = total;
  return IBSH_OK;
}

/* Draw the weights of params with initialiser init from r; set every bias to bias. */
void ibsh_nn_init_params(const ibsh_arch *a, double *params, int init, double bias, ibsh_rng *r) {
  for (int l = 0; l < a->nlayers; l++) {
    size_t fi = a->width[l], fo = a->width[l + 1];
    double *W = params + a->woff[l], *b = params + a->boff[l];
    for (size_t i = 0; i < fi * fo; i++) {
      switch (init) {
      case IBSH_INIT_TRUNCNORMAL_FANOUT: W[i] = ibsh_rng_truncated_normal(r, 1.0 / sqrt((double)fo)); break;
      case IBSH_INIT_GLOROT_UNIFORM: {
        double lim = sqrt(6.0 / (double)(fi + fo));
        W[i] = (2.0 * ibsh_rng_uniform(r) - 1.0) * lim;
        break;
      }
      case IBSH_INIT_HE_NORMAL: W[i] = ibsh_rng_normal(r) * sqrt(2.0 / (double)fi); break;
      default: W[i] = ibsh_rng_truncated_normal(r, 1.0 / sqrt((double)fi)); break;
      }
    }
    for (size_t j = 0; j < fo; j++) b[j] = bias;
  }
}

/* Allocate scratch for batches of up to cap rows. */
int ibsh_nn_work_alloc(ibsh_nn_work *w, const ibsh_arch *a, size_t cap) {
  memset(w, 0, sizeof *w);
  if (cap == 0) cap = 1;
  size_t maxw = 0;
  for (int l = 0; l <= a->nlayers; l++) if (a->width[l] > maxw) maxw = a->width[l];
  w->cap = cap;
  int ok = 1;
  for (int l = 0; l <= a->nlayers; l++) ok &= (w->act[l] = malloc(cap * a->width[l] * sizeof(double))) != NULL;
  ok &= (w->logits = malloc(cap * a->width[a->nlayers] * sizeof(double))) != NULL;
  ok &= (w->delta[0] = malloc(cap * maxw * sizeof(double))) != NULL;
  ok &= (w->delta[1] = malloc(cap * maxw * sizeof(double))) != NULL;
  ok &= (w->lse = malloc(cap * sizeof(double))) != NULL;
  if (ibsh_nn_perturbed(a))
    for (int l = 1; l < a->nlayers; l++) ok &= (w->raw[l] = malloc(cap * a->width[l] * sizeof(double))) != NULL;
  if (!ok) {
    ibsh_nn_work_free(w);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for a batch of %zu rows", cap);
  }
  return IBSH_OK;
}

/* Free the scratch space. */
void ibsh_nn_work_free(ibsh_nn_work *w) {
  for (int l = 0; l <= IBSH_NN_MAXLAYERS; l++) { free(w->act[l]); free(w->raw[l]); }
  free(w->logits);
  free(w->delta[0]);
  free(w->delta[1]);
  free(w->lse);
  memset(w, 0, sizeof *w);
}

/* Forward pass of n rows given feature-major (xt[f * ld + i] = feature f of row i); see nn.h. */
void ibsh_nn_forward_cols(const ibsh_arch *a, const double *params, const double *xt, size_t ld, size_t n,
                          ibsh_nn_work *w) {
  int L = a->nlayers;
  w->in = xt;
  w->ld_in = ld;
  for (int l = 0; l < L; l++) {
    size_t k = a->width[l], m = a->width[l + 1];
    double *z = l == L - 1 ? w->logits : w->act[l + 1];
    nn_affine(l ? w->act[l] : xt, l ? n : ld, params + a->woff[l], params + a->boff[l], z, n, n, k, m);
    if (l < L - 1) ibsh_act_apply(a->act, z, n * m);
    if (l < L - 1 && w->raw[l + 1]) ibsh_nn_perturb(a, l + 1, z, n, w);
  }
  size_t K = a->width[L];
  double *out = w->act[L];
  if (a->out == IBSH_OUT_SOFTMAX) {
    nn_softmax_cols(w->logits, out, n, w->lse, w->delta[1], n, K, !w->no_lse);
  } else {
    memcpy(out, w->logits, n * K * sizeof(double));
    if (a->out == IBSH_OUT_SIGMOID) ibsh_act_apply(IBSH_ACT_SIGMOID, out, n * K);
  }
}

/* Forward pass of n <= w->cap rows of x (row-major); afterwards w->act[l] holds layer l's outputs feature-major. */
void ibsh_nn_forward(const ibsh_arch *a, const double *params, const double *x, size_t n, ibsh_nn_work *w) {
  ibsh_nn_transpose(x, w->act[0], n, a->width[0]);
  ibsh_nn_forward_cols(a, params, w->act[0], n, n, w);
}

/* Copy layer l's activations (after a forward pass over n rows) into out as row-major n x width[l]. */
void ibsh_nn_layer_rows(const ibsh_arch *a, const ibsh_nn_work *w, int l, size_t n, double *out) {
  ibsh_nn_transpose(w->act[l], out, a->width[l], n);
}

/* Numerically stable log(1 + exp(z)). */
static double softplus(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

/* Loss of the outputs in w against targets t (n x K row-major), summed over the rows; counts correct predictions. */
double ibsh_nn_loss_sum(const ibsh_arch *a, const ibsh_nn_work *w, const double *t, const int32_t *labels,
                        size_t n, size_t *correct) {
  size_t K = a->width[a->nlayers];
  const double *Z = w->logits, *O = w->act[a->nlayers];
  double total = 0;
  size_t ok = 0;
  for (size_t i = 0; i < n; i++) {
    const double *y = t + i * K;
    double li = 0;
    if (a->out == IBSH_OUT_SOFTMAX) {
      for (size_t j = 0; j < K; j++) if (y[j] != 0) li -= y[j] * (Z[j * n + i] - w->lse[i]);
    } else if (a->out == IBSH_OUT_SIGMOID) {
      for (size_t j = 0; j < K; j++) li += y[j] * softplus(-Z[j * n + i]) + (1.0 - y[j]) * softplus(Z[j * n + i]);
    } else {
      for (size_t j = 0; j < K; j++) li += (Z[j * n + i] - y[j]) * (Z[j * n + i] - y[j]);
      li /= (double)K;
    }
    total += li;
    if (labels) {
      int32_t pred;
      if (K == 1) pred = O[i] >= 0.5;
      else {
        size_t best = 0;
        for (size_t j = 1; j < K; j++) if (O[j * n + i] > O[best * n + i]) best = j;
        pred = (int32_t)best;
      }
      ok += pred == labels[i];
    }
  }
  if (correct) *correct = ok;
  return total;
}

/* Backward pass from dlogits (K x n, feature-major) after ibsh_nn_forward of the same n rows: grad = dL/dparams. */
void ibsh_nn_backward_from(const ibsh_arch *a, const double *params, const double *dlogits, size_t n,
                           ibsh_nn_work *w, double *grad) {
  int L = a->nlayers;
  const double *d = dlogits;
  double *spare[2] = {w->delta[0], w->delta[1]};
  if (dlogits == spare[0]) { spare[0] = w->delta[1]; spare[1] = w->delta[0]; }
  for (int l = L - 1, s = 0; l >= 0; l--, s ^= 1) {
    size_t k = a->width[l], m = a->width[l + 1];
    nn_grad_weights(l ? w->act[l] : w->in, l ? n : w->ld_in, d, grad + a->woff[l], grad + a->boff[l], n, k, m);
    if (l == 0) break;
    double *dprev = spare[s];
    nn_grad_inputs(d, n, params + a->woff[l], dprev, n, n, k, m);
    if (w->raw[l]) ibsh_nn_perturbed_backward(a, l, w, dprev, n);
    else ibsh_act_backward(a->act, w->act[l], dprev, n * k);
    d = dprev;
  }
}

/* Gradient with respect to the logits (K x n, feature-major, into dlogits) from dout (n x K, row-major), the
   gradient with respect to the outputs of the last forward pass in w (softmax, sigmoid or linear). */
void ibsh_nn_output_grad(const ibsh_arch *a, const ibsh_nn_work *w, const double *dout, size_t n, double *dlogits) {
  size_t K = a->width[a->nlayers];
  const double *o = w->act[a->nlayers];
  for (size_t j = 0; j < K; j++)
    for (size_t i = 0; i < n; i++) {
      double g = dout[i * K + j];
      if (a->out == IBSH_OUT_SIGMOID) g *= o[j * n + i] * (1.0 - o[j * n + i]);
      dlogits[j * n + i] = g;
    }
  if (a->out != IBSH_OUT_SOFTMAX) return;
  for (size_t i = 0; i < n; i++) {   /* softmax Jacobian: p_j (g_j - sum_k p_k g_k) */
    double dot = 0;
    for (size_t j = 0; j < K; j++) dot += o[j * n + i] * dlogits[j * n + i];
    for (size_t j = 0; j < K; j++) dlogits[j * n + i] = o[j * n + i] * (dlogits[j * n + i] - dot);
  }
}

/* Backward pass after ibsh_nn_forward of the same n rows: grad (nparams) = d(mean loss)/d(params). */
void ibsh_nn_backward(const ibsh_arch *a, const double *params, const double *t, size_t n,
                      ibsh_nn_work *w, double *grad) {
  size_t K = a->width[a->nlayers];
  double *d = w->delta[0];
  const double *o = a->out == IBSH_OUT_LINEAR ? w->logits : w->act[a->nlayers];
  double scale = a->out == IBSH_OUT_LINEAR ? 2.0 / ((double)n * (double)K) : 1.0 / (double)n;
  for (size_t j = 0; j < K; j++)
    for (size_t i = 0; i < n; i++) d[j * n + i] = (o[j * n + i] - t[i * K + j]) * scale;
  ibsh_nn_backward_from(a, params, d, n, w, grad);
}
