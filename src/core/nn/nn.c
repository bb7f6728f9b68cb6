/*
** Dense networks: initialisation, forward pass, losses and backpropagation.
** Activations are kept feature-major (unit x row) so that the inner loops of
** the small products run along the batch and vectorise; products of at least
** ibsh_nn_gemm_min_flops multiply-adds go through cblas_dgemm instead. The
** kernels are compiled twice (AVX2+FMA and baseline) and picked at load time.
*/
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "base/cpu.h"
#include "ibsh/nn.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

size_t ibsh_nn_gemm_min_flops = 2000000;

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

/* z[i] = (acc ? z[i] : base) + sum over t < cnt (1..8) of c[t * cs] * v[t * ldv + i], for i < n: one pass over z
   for up to eight terms, so the small products of narrow layers stream through memory once per output. */
IBSH_ALWAYS_INLINE void lincomb(double *z, int acc, double base, const double *c, size_t cs,
                                const double *v, size_t ldv, size_t cnt, size_t n) {
  const double *v0 = v, *v1 = v + ldv, *v2 = v + 2 * ldv, *v3 = v + 3 * ldv;
  const double *v4 = v + 4 * ldv, *v5 = v + 5 * ldv, *v6 = v + 6 * ldv, *v7 = v + 7 * ldv;
  double c0 = c[0], c1 = cnt > 1 ? c[cs] : 0, c2 = cnt > 2 ? c[2 * cs] : 0, c3 = cnt > 3 ? c[3 * cs] : 0;
  double c4 = cnt > 4 ? c[4 * cs] : 0, c5 = cnt > 5 ? c[5 * cs] : 0, c6 = cnt > 6 ? c[6 * cs] : 0, c7 = cnt > 7 ? c[7 * cs] : 0;
#define LC_LOOP(expr) \
  if (acc) { for (size_t i = 0; i < n; i++) z[i] += expr; } else { for (size_t i = 0; i < n; i++) z[i] = base + (expr); }
  switch (cnt) {
  case 1: LC_LOOP(c0 * v0[i]); break;
  case 2: LC_LOOP(c0 * v0[i] + c1 * v1[i]); break;
  case 3: LC_LOOP((c0 * v0[i] + c1 * v1[i]) + c2 * v2[i]); break;
  case 4: LC_LOOP((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])); break;
  case 5: LC_LOOP(((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])) + c4 * v4[i]); break;
  case 6: LC_LOOP(((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])) + (c4 * v4[i] + c5 * v5[i])); break;
  case 7: LC_LOOP(((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])) + ((c4 * v4[i] + c5 * v5[i]) + c6 * v6[i])); break;
  default: LC_LOOP(((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])) + ((c4 * v4[i] + c5 * v5[i]) + (c6 * v6[i] + c7 * v7[i]))); break;
  }
#undef LC_LOOP
}

/* Z (m x n) = W^T A + b, with A (k x n, rows lda apart) feature-major and W (k x m) row-major. */
IBSH_ALWAYS_INLINE void affine_kernel(const double *A, size_t lda, const double *W, const double *b, double *Z,
                                      size_t n, size_t k, size_t m) {
  if (n * k * m >= ibsh_nn_gemm_min_flops) {
    for (size_t j = 0; j < m; j++) {
      double *z = Z + j * n, bj = b[j];
      for (size_t i = 0; i < n; i++) z[i] = bj;
    }
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0, W, (int)m, A, (int)lda, 1.0, Z, (int)n);
    return;
  }
  size_t first = k % 8 ? k % 8 : 8;
  for (size_t j = 0; j < m; j++) {
    double *z = Z + j * n;
    lincomb(z, 0, b[j], W + j, m, A, lda, first, n);
    for (size_t t = first; t < k; t += 8) lincomb(z, 1, 0.0, W + t * m + j, m, A + t * lda, lda, 8, n);
  }
}
IBSH_VARIANTS_V4_AUTO(affine, (const double *A, size_t lda, const double *W, const double *b, double *Z, size_t n,
                          size_t k, size_t m),
                 (A, lda, W, b, Z, n, k, m))

/* Four doubles as a GCC vector (two SSE2 halves in the baseline copy); aligned(8) allows any address. */
typedef double vd __attribute__((vector_size(32), aligned(8)));

/* Four doubles from any address (a macro: a vector returned by value would depend on the AVX ABI). */
#define LOAD4(v, p) memcpy(&(v), (p), sizeof(vd))

/* Sum of the lanes of a partial-sum vector, plus the scalar tail of a dot product from i to n. */
IBSH_ALWAYS_INLINE double finish_dot(const vd *acc, const double *x, const double *y, size_t i,
                                     size_t n) {
  double s = ((*acc)[0] + (*acc)[2]) + ((*acc)[1] + (*acc)[3]);
  for (; i < n; i++) s += x[i] * y[i];
  return s;
}

/* G[r * m + c] = (A row r) . (D row c) for r < R, c < C (R, C <= 4, constants after inlining): R x C vector
   accumulators in registers, each a dot product as four strided partial sums finished by finish_dot, so every
   tile shape gives the same bits. */
IBSH_ALWAYS_INLINE void dot_tile(const double *A, size_t lda, const double *D, size_t n, double *G, size_t m,
                                 const int R, const int C) {
  vd acc[4][4];
#pragma GCC unroll 4
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) acc[r][c] = (vd){0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    vd x[4], y[4];
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) LOAD4(x[r], A + r * lda + i);
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) LOAD4(y[c], D + c * n + i);
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
      for (int c = 0; c < C; c++) acc[r][c] += x[r] * y[c];
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) G[r * m + c] = finish_dot(&acc[r][c], A + r * lda, D + c * n, i, n);
}

/* One tile of G at rows kk.., columns j.. of shape R x C (1..4 each), dispatched to its unrolled copy. */
#define DOT_TILE_CASE(R, C) case (R) * 8 + (C): dot_tile(A, lda, D, n, G, m, R, C); break;
IBSH_ALWAYS_INLINE void dot_tile_any(const double *A, size_t lda, const double *D, size_t n, double *G, size_t m,
                                     int R, int C) {
  switch (R * 8 + C) {
    DOT_TILE_CASE(1, 1) DOT_TILE_CASE(1, 2) DOT_TILE_CASE(1, 3) DOT_TILE_CASE(1, 4)
    DOT_TILE_CASE(2, 1) DOT_TILE_CASE(2, 2) DOT_TILE_CASE(2, 3) DOT_TILE_CASE(2, 4)
    DOT_TILE_CASE(3, 1) DOT_TILE_CASE(3, 2) DOT_TILE_CASE(3, 3) DOT_TILE_CASE(3, 4)
    DOT_TILE_CASE(4, 1) DOT_TILE_CASE(4, 2) DOT_TILE_CASE(4, 3) DOT_TILE_CASE(4, 4)
    default: break;
  }
}
#undef DOT_TILE_CASE

/* G (k x m) = A D^T, with A (k x n, rows lda apart) and D (m x n) feature-major; gb (m) = row sums of D; small
   products in tiles of at most 4 x cols (cols = 2 with 16 vector registers, 4 with AVX-512's 32). */
IBSH_ALWAYS_INLINE void grad_weights_tiles(const double *A, size_t lda, const double *D, double *G, double *gb,
                                           size_t n, size_t k, size_t m, const int cols) {
  for (size_t j = 0; j < m; j++) {
    const double *d = D + j * n;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) { s0 += d[i]; s1 += d[i + 1]; s2 += d[i + 2]; s3 += d[i + 3]; }
    for (; i < n; i++) s0 += d[i];
    gb[j] = (s0 + s2) + (s1 + s3);
  }
  if (n * k * m >= ibsh_nn_gemm_min_flops) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)k, (int)m, (int)n, 1.0, A, (int)lda, D, (int)n, 0.0, G, (int)m);
    return;
  }
  for (size_t kk = 0; kk < k; kk += 4) {
    int R = k - kk < 4 ? (int)(k - kk) : 4;
    for (size_t j = 0; j < m; j += (size_t)cols) {
      int C = m - j < (size_t)cols ? (int)(m - j) : cols;
      dot_tile_any(A + kk * lda, lda, D + j * n, n, G + kk * m + j, m, R, C);
    }
  }
}

/* grad_weights with tiles of up to 4 x 2 (x86-64-v3 and baseline). */
IBSH_ALWAYS_INLINE void grad_weights_kernel(const double *A, size_t lda, const double *D, double *G, double *gb,
                                            size_t n, size_t k, size_t m) {
  grad_weights_tiles(A, lda, D, G, gb, n, k, m, 2);
}

/* grad_weights with tiles of up to 4 x 4 (x86-64-v4: 32 vector registers). */
IBSH_ALWAYS_INLINE void grad_weights_kernel8(const double *A, size_t lda, const double *D, double *G, double *gb,
                                             size_t n, size_t k, size_t m) {
  grad_weights_tiles(A, lda, D, G, gb, n, k, m, 4);
}
IBSH_VARIANTS_V4(grad_weights, (const double *A, size_t lda, const double *D, double *G, double *gb, size_t n,
                                size_t k, size_t m),
                 (A, lda, D, G, gb, n, k, m))

/* O (k x n) = W D, with W (k x m) row-major and D (m x n) feature-major. */
IBSH_ALWAYS_INLINE void grad_inputs_kernel(const double *D, const double *W, double *O, size_t n, size_t k, size_t m) {
  if (n * k * m >= ibsh_nn_gemm_min_flops) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)n, (int)m, 1.0, W, (int)m, D, (int)n, 0.0, O, (int)n);
    return;
  }
  size_t first = m % 8 ? m % 8 : 8;
  for (size_t kk = 0; kk < k; kk++) {
    double *o = O + kk * n;
    lincomb(o, 0, 0.0, W + kk * m, 1, D, n, first, n);
    for (size_t t = first; t < m; t += 8) lincomb(o, 1, 0.0, W + kk * m + t, 1, D + t * n, n, 8, n);
  }
}
IBSH_VARIANTS_V4_AUTO(grad_inputs, (const double *D, const double *W, double *O, size_t n, size_t k, size_t m),
                 (D, W, O, n, k, m))

/* Softmax over the K rows of each of the n columns of Z (K x n) into P; lse gets each column's log-sum-exp
   (unless want_lse is 0: then only its maxima); sum is scratch for n values. */
IBSH_ALWAYS_INLINE void softmax_cols_kernel(const double *Z, double *P, double *lse, double *sum, size_t n, size_t K,
                                            int want_lse) {
  for (size_t i = 0; i < n; i++) lse[i] = Z[i];
  for (size_t j = 1; j < K; j++) {
    const double *z = Z + j * n;
    for (size_t i = 0; i < n; i++) lse[i] = z[i] > lse[i] ? z[i] : lse[i];
  }
  for (size_t j = 0; j < K; j++) {
    const double *z = Z + j * n;
    double *p = P + j * n;
    for (size_t i = 0; i < n; i++) p[i] = z[i] - lse[i];
  }
  ibsh_exp_array(P, P, n * K);
  for (size_t i = 0; i < n; i++) sum[i] = P[i];
  for (size_t j = 1; j < K; j++) {
    const double *p = P + j * n;
    for (size_t i = 0; i < n; i++) sum[i] += p[i];
  }
  for (size_t j = 0; j < K; j++) {
    double *p = P + j * n;
    for (size_t i = 0; i < n; i++) p[i] /= sum[i];
  }
  if (want_lse) for (size_t i = 0; i < n; i++) lse[i] += log(sum[i]);
}
IBSH_VARIANTS_V4_AUTO(softmax_cols, (const double *Z, double *P, double *lse, double *sum, size_t n, size_t K,
                                     int want_lse),
                 (Z, P, lse, sum, n, K, want_lse))

/* Forward pass of n rows given feature-major (xt[f * ld + i] = feature f of row i); see nn.h. */
void ibsh_nn_forward_cols(const ibsh_arch *a, const double *params, const double *xt, size_t ld, size_t n,
                          ibsh_nn_work *w) {
  int L = a->nlayers;
  w->in = xt;
  w->ld_in = ld;
  for (int l = 0; l < L; l++) {
    size_t k = a->width[l], m = a->width[l + 1];
    double *z = l == L - 1 ? w->logits : w->act[l + 1];
    IBSH_PICK_V4(affine)(l ? w->act[l] : xt, l ? n : ld, params + a->woff[l], params + a->boff[l], z, n, k, m);
    if (l < L - 1) ibsh_act_apply(a->act, z, n * m);
    if (l < L - 1 && w->raw[l + 1]) ibsh_nn_perturb(a, l + 1, z, n, w);
  }
  size_t K = a->width[L];
  double *out = w->act[L];
  if (a->out == IBSH_OUT_SOFTMAX) {
    IBSH_PICK_V4(softmax_cols)(w->logits, out, w->lse, w->delta[1], n, K, !w->no_lse);
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
    IBSH_PICK_V4(grad_weights)(l ? w->act[l] : w->in, l ? n : w->ld_in, d, grad + a->woff[l], grad + a->boff[l], n,
                 k, m);
    if (l == 0) break;
    double *dprev = spare[s];
    IBSH_PICK_V4(grad_inputs)(d, params + a->woff[l], dprev, n, k, m);
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
