/*
** Dense networks: initialisation, forward pass, losses and backpropagation.
** Small products run as plain loops (the paper's net has widths <= 12, where
** call overhead dominates); large ones go through cblas_dgemm.
*/
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "error.h"
#include "nn.h"

#pragma GCC optimize("O3")

size_t ibsh_nn_gemm_min_flops = 262144;

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
  for (int l = 1; l <= a->nlayers; l++) ok &= (w->act[l] = malloc(cap * a->width[l] * sizeof(double))) != NULL;
  ok &= (w->logits = malloc(cap * a->width[a->nlayers] * sizeof(double))) != NULL;
  ok &= (w->delta[0] = malloc(cap * maxw * sizeof(double))) != NULL;
  ok &= (w->delta[1] = malloc(cap * maxw * sizeof(double))) != NULL;
  if (!ok) {
    ibsh_nn_work_free(w);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for a batch of %zu rows", cap);
  }
  return IBSH_OK;
}

/* Free the scratch space. */
void ibsh_nn_work_free(ibsh_nn_work *w) {
  for (int l = 0; l <= IBSH_NN_MAXLAYERS; l++) free(w->act[l]);
  free(w->logits);
  free(w->delta[0]);
  free(w->delta[1]);
  memset(w, 0, sizeof *w);
}

/* Z (n x m) = A (n x k) W (k x m) + b. */
static void affine(const double *A, const double *W, const double *b, double *Z, size_t n, size_t k, size_t m) {
  for (size_t i = 0; i < n; i++) memcpy(Z + i * m, b, m * sizeof(double));
  if (n * k * m >= ibsh_nn_gemm_min_flops) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)m, (int)k, 1.0, A, (int)k, W, (int)m, 1.0, Z, (int)m);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    double *z = Z + i * m;
    const double *a = A + i * k;
    for (size_t kk = 0; kk < k; kk++) {
      double av = a[kk];
      const double *w = W + kk * m;
      for (size_t j = 0; j < m; j++) z[j] += av * w[j];
    }
  }
}

/* G (k x m) = A^T (k x n) D (n x m). */
static void grad_weights(const double *A, const double *D, double *G, size_t n, size_t k, size_t m) {
  if (n * k * m >= ibsh_nn_gemm_min_flops) {
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)m, (int)n, 1.0, A, (int)k, D, (int)m, 0.0, G, (int)m);
    return;
  }
  memset(G, 0, k * m * sizeof(double));
  for (size_t i = 0; i < n; i++) {
    const double *a = A + i * k, *d = D + i * m;
    for (size_t kk = 0; kk < k; kk++) {
      double av = a[kk];
      double *g = G + kk * m;
      for (size_t j = 0; j < m; j++) g[j] += av * d[j];
    }
  }
}

/* O (n x k) = D (n x m) W^T (m x k). */
static void grad_inputs(const double *D, const double *W, double *O, size_t n, size_t k, size_t m) {
  if (n * k * m >= ibsh_nn_gemm_min_flops) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)k, (int)m, 1.0, D, (int)m, W, (int)m, 0.0, O, (int)k);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const double *d = D + i * m;
    double *o = O + i * k;
    for (size_t kk = 0; kk < k; kk++) {
      const double *w = W + kk * m;
      double s = 0;
      for (size_t j = 0; j < m; j++) s += d[j] * w[j];
      o[kk] = s;
    }
  }
}

/* Softmax of each of the n rows of Z (n x m) into P. */
static void softmax_rows(const double *Z, double *P, size_t n, size_t m) {
  for (size_t i = 0; i < n; i++) {
    const double *z = Z + i * m;
    double *p = P + i * m, mx = z[0], s = 0;
    for (size_t j = 1; j < m; j++) if (z[j] > mx) mx = z[j];
    for (size_t j = 0; j < m; j++) p[j] = z[j] - mx;
    ibsh_exp_array(p, p, m);
    for (size_t j = 0; j < m; j++) s += p[j];
    double inv = 1.0 / s;
    for (size_t j = 0; j < m; j++) p[j] *= inv;
  }
}

/* Forward pass of n <= w->cap rows of x; afterwards w->act[l] holds layer l's outputs (l = 1..nlayers). */
void ibsh_nn_forward(const ibsh_arch *a, const double *params, const double *x, size_t n, ibsh_nn_work *w) {
  const double *in = x;
  int L = a->nlayers;
  for (int l = 0; l < L; l++) {
    size_t k = a->width[l], m = a->width[l + 1];
    double *z = l == L - 1 ? w->logits : w->act[l + 1];
    affine(in, params + a->woff[l], params + a->boff[l], z, n, k, m);
    if (l < L - 1) ibsh_act_apply(a->act, z, n * m);
    in = z;
  }
  size_t K = a->width[L];
  double *out = w->act[L];
  if (a->out == IBSH_OUT_SOFTMAX) {
    softmax_rows(w->logits, out, n, K);
  } else {
    memcpy(out, w->logits, n * K * sizeof(double));
    if (a->out == IBSH_OUT_SIGMOID) ibsh_act_apply(IBSH_ACT_SIGMOID, out, n * K);
  }
}

/* Numerically stable log(1 + exp(z)). */
static double softplus(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

/* Predicted class of one output row. */
static int32_t predicted(int out, const double *o, size_t K) {
  (void)out;
  if (K == 1) return o[0] >= 0.5 ? 1 : 0;
  size_t best = 0;
  for (size_t j = 1; j < K; j++) if (o[j] > o[best]) best = j;
  return (int32_t)best;
}

/* Loss of the outputs in w against targets t (n x K), summed over the rows; counts correct predictions. */
double ibsh_nn_loss_sum(const ibsh_arch *a, const ibsh_nn_work *w, const double *t, const int32_t *labels,
                        size_t n, size_t *correct) {
  size_t K = a->width[a->nlayers];
  double total = 0;
  size_t ok = 0;
  for (size_t i = 0; i < n; i++) {
    const double *z = w->logits + i * K, *o = w->act[a->nlayers] + i * K, *y = t + i * K;
    double li = 0;
    if (a->out == IBSH_OUT_SOFTMAX) {
      double mx = z[0], s = 0;
      for (size_t j = 1; j < K; j++) if (z[j] > mx) mx = z[j];
      for (size_t j = 0; j < K; j++) s += exp(z[j] - mx);
      double lse = mx + log(s);
      for (size_t j = 0; j < K; j++) if (y[j] != 0) li -= y[j] * (z[j] - lse);
    } else if (a->out == IBSH_OUT_SIGMOID) {
      for (size_t j = 0; j < K; j++) li += y[j] * softplus(-z[j]) + (1.0 - y[j]) * softplus(z[j]);
    } else {
      for (size_t j = 0; j < K; j++) li += (z[j] - y[j]) * (z[j] - y[j]);
      li /= (double)K;
    }
    total += li;
    if (labels && predicted(a->out, o, K) == labels[i]) ok++;
  }
  if (correct) *correct = ok;
  return total;
}

/* Backward pass after ibsh_nn_forward: grad (nparams) = d(mean loss over the n rows)/d(params). */
void ibsh_nn_backward(const ibsh_arch *a, const double *params, const double *x, const double *t, size_t n,
                      ibsh_nn_work *w, double *grad) {
  int L = a->nlayers;
  size_t K = a->width[L];
  double *d = w->delta[0], *dprev = w->delta[1];
  const double *o = a->out == IBSH_OUT_LINEAR ? w->logits : w->act[L];
  double scale = a->out == IBSH_OUT_LINEAR ? 2.0 / ((double)n * (double)K) : 1.0 / (double)n;
  for (size_t i = 0; i < n * K; i++) d[i] = (o[i] - t[i]) * scale;
  for (int l = L - 1; l >= 0; l--) {
    size_t k = a->width[l], m = a->width[l + 1];
    const double *in = l == 0 ? x : w->act[l];
    double *gb = grad + a->boff[l];
    grad_weights(in, d, grad + a->woff[l], n, k, m);
    memset(gb, 0, m * sizeof(double));
    for (size_t i = 0; i < n; i++) {
      const double *di = d + i * m;
      for (size_t j = 0; j < m; j++) gb[j] += di[j];
    }
    if (l == 0) break;
    grad_inputs(d, params + a->woff[l], dprev, n, k, m);
    ibsh_act_backward(a->act, w->act[l], dprev, n * k);
    double *tmp = d; d = dprev; dprev = tmp;
  }
}
