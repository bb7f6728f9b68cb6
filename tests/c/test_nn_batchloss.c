/*
** Losses over a whole batch: ibsh_nn_backward_from and ibsh_nn_output_grad
** against central differences for a loss that couples all pairs of rows (every
** activation and output kind), ibsh_nn_backward equal to backward_from bit for
** bit, and the neural MI critics (separable and joint) with each bound's
** gradient against central differences.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/nn.h"
#include "ibsh/mi_neural.h"
#include "mi/mi_bounds.h"
#include "mi/mi_critic.h"

static int failures = 0;

/* Report a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s\n", what); failures++; }
}

#define N 5
#define K 3

/* Pairwise loss L = sum_{i,j} c_ij (o_i . o_j) + sum_i o_i . e_i of the outputs o (feature-major K x N) of the last
   forward pass; with dout (N x K row-major) its gradient with respect to the outputs. */
static double pair_loss(const double *o, double *dout) {
  double L = 0;
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < N; j++) {
      double c = sin(1.0 + (double)(3 * i + j)), dot = 0;
      for (size_t k = 0; k < K; k++) dot += o[k * N + i] * o[k * N + j];
      L += c * dot;
    }
  for (size_t i = 0; i < N; i++)
    for (size_t k = 0; k < K; k++) L += cos((double)(i + 2 * k)) * o[k * N + i];
  if (!dout) return L;
  for (size_t i = 0; i < N; i++)
    for (size_t k = 0; k < K; k++) {
      double g = cos((double)(i + 2 * k));
      for (size_t j = 0; j < N; j++) {
        double cij = sin(1.0 + (double)(3 * i + j)), cji = sin(1.0 + (double)(3 * j + i));
        g += (cij + cji) * o[k * N + j];
      }
      dout[i * K + k] = g;
    }
  return L;
}

/* Largest relative error of backward_from's gradient of the pairwise loss against central differences. */
static double pair_grad_error(int act, int out) {
  size_t widths[4] = {4, 6, 5, K};
  ibsh_arch a;
  if (ibsh_arch_init(&a, 3, widths, act, out)) return 1e9;
  ibsh_rng r;
  ibsh_rng_seed(&r, 7 + (uint64_t)(act * 5 + out));
  double x[N * 4], dout[N * K], dlog[N * K];
  for (size_t i = 0; i < N * 4; i++) x[i] = ibsh_rng_normal(&r);
  double *p = malloc(a.nparams * sizeof(double)), *g = malloc(a.nparams * sizeof(double));
  ibsh_nn_init_params(&a, p, IBSH_INIT_GLOROT_UNIFORM, 0.1, &r);
  ibsh_nn_work w;
  ibsh_nn_work_alloc(&w, &a, N);
  ibsh_nn_forward(&a, p, x, N, &w);
  pair_loss(w.act[a.nlayers], dout);
  ibsh_nn_output_grad(&a, &w, dout, N, dlog);
  ibsh_nn_backward_from(&a, p, dlog, N, &w, g);
  double worst = 0;
  for (size_t q = 0; q < a.nparams; q++) {
    double keep = p[q], h = 1e-5;
    p[q] = keep + h;
    ibsh_nn_forward(&a, p, x, N, &w);
    double up = pair_loss(w.act[a.nlayers], NULL);
    p[q] = keep - h;
    ibsh_nn_forward(&a, p, x, N, &w);
    double down = pair_loss(w.act[a.nlayers], NULL);
    p[q] = keep;
    double fd = (up - down) / (2 * h), err = fabs(fd - g[q]) / fmax(1e-3, fabs(fd) + fabs(g[q]));
    if (err > worst) worst = err;
  }
  ibsh_nn_work_free(&w);
  free(p);
  free(g);
  return worst;
}

/* ibsh_nn_backward is backward_from with the per-row loss gradient: identical bits. */
static void test_backward_same_bits(void) {
  size_t widths[3] = {4, 7, 3};
  ibsh_arch a;
  ibsh_arch_init(&a, 2, widths, IBSH_ACT_TANH, IBSH_OUT_SOFTMAX);
  ibsh_rng r;
  ibsh_rng_seed(&r, 11);
  double x[N * 4], t[N * 3] = {0}, g1[64], g2[64], d[N * 3];
  for (size_t i = 0; i < N * 4; i++) x[i] = ibsh_rng_normal(&r);
  for (size_t i = 0; i < N; i++) t[i * 3 + i % 3] = 1;
  double p[64];
  ibsh_nn_init_params(&a, p, IBSH_INIT_TRUNCNORMAL_FANIN, 0.0, &r);
  ibsh_nn_work w;
  ibsh_nn_work_alloc(&w, &a, N);
  ibsh_nn_forward(&a, p, x, N, &w);
  ibsh_nn_backward(&a, p, t, N, &w, g1);
  for (size_t j = 0; j < 3; j++)
    for (size_t i = 0; i < N; i++) d[j * N + i] = (w.act[2][j * N + i] - t[i * 3 + j]) * (1.0 / (double)N);
  ibsh_nn_backward_from(&a, p, d, N, &w, g2);
  check(memcmp(g1, g2, a.nparams * sizeof(double)) == 0, "ibsh_nn_backward equals backward_from bit for bit");
  ibsh_nn_work_free(&w);
}

/* The loss a bound's training gradient descends, for the finite-difference check (MINE: with its moving average
   frozen at log_ma, the surrogate mean diag - mean exp(S - log_ma) off the diagonal; SMILE: the JS bound). */
static double train_loss(int bound, const double *S, size_t B, double log_ma) {
  double diag = 0, neg = 0, M = (double)B * (double)(B - 1);
  for (size_t i = 0; i < B; i++) diag += S[i * B + i];
  diag /= (double)B;
  if (bound == IBSH_BOUND_INFONCE) {
    mi_bound_state st = {bound, 5, 0.01, 0, 0};
    double *dS = malloc(B * B * sizeof(double));
    double v = mi_bound_train(&st, S, B, dS);
    free(dS);
    return -v;
  }
  if (bound == IBSH_BOUND_SMILE) {
    double js = 0;
    for (size_t i = 0; i < B; i++)
      for (size_t j = 0; j < B; j++) {
        double z = S[i * B + j];
        if (i == j) js -= log1p(exp(-z)) / (double)B;
        else js -= log1p(exp(z)) / M;
      }
    return -js;
  }
  for (size_t i = 0; i < B; i++)
    for (size_t j = 0; j < B; j++)
      if (i != j) neg += exp(S[i * B + j] - (bound == IBSH_BOUND_NWJ ? 1.0 : log_ma));
  return -(diag - neg / M);
}

/* Critic parameters' gradient of each bound's training loss against central differences. */
static double critic_grad_error(int joint, int bound) {
  enum { B = 6, DX = 2, DY = 3 };
  ibsh_neural_opts o;
  ibsh_neural_defaults(&o, bound);
  o.joint = joint;
  o.nhidden = 1;
  o.hidden[0] = 5;
  o.embed = 4;
  o.act = IBSH_ACT_TANH;
  mi_critic c;
  if (mi_critic_init(&c, DX, DY, B, &o)) return 1e9;
  ibsh_rng r;
  ibsh_rng_seed(&r, 3 + (uint64_t)(bound + 4 * joint));
  double x[B * DX], y[B * DY], S[B * B], dS[B * B];
  for (size_t i = 0; i < B * DX; i++) x[i] = ibsh_rng_normal(&r);
  for (size_t i = 0; i < B; i++)
    for (size_t f = 0; f < DY; f++) y[i * DY + f] = 0.8 * x[i * DX + f % DX] + 0.6 * ibsh_rng_normal(&r);
  double *p = malloc(c.nparams * sizeof(double)), *g = malloc(c.nparams * sizeof(double));
  mi_critic_init_params(&c, p, &r);
  mi_bound_state st = {bound, 5, 0.01, 0, 0};
  mi_critic_scores(&c, p, x, y, B, S);
  mi_bound_train(&st, S, B, dS);   /* MINE: first step sets the moving average to this batch's mean */
  mi_critic_backward(&c, p, dS, B, g);
  double worst = 0;
  for (size_t q = 0; q < c.nparams; q++) {
    double keep = p[q], h = 1e-5;
    p[q] = keep + h;
    mi_critic_scores(&c, p, x, y, B, S);
    double up = train_loss(bound, S, B, st.log_ma);
    p[q] = keep - h;
    mi_critic_scores(&c, p, x, y, B, S);
    double down = train_loss(bound, S, B, st.log_ma);
    p[q] = keep;
    double fd = (up - down) / (2 * h), err = fabs(fd - g[q]) / fmax(1e-4, fabs(fd) + fabs(g[q]));
    if (err > worst) worst = err;
  }
  free(p);
  free(g);
  mi_critic_free(&c);
  return worst;
}

/* The bounds' values on hand-made scores: InfoNCE of a diagonal-dominant matrix, the others from their formulas. */
static void test_bound_values(void) {
  enum { B = 3 };
  double S[B * B] = {2, 0, 0, 0, 2, 0, 0, 0, 2}, dS[B * B];
  mi_bound_state st = {IBSH_BOUND_INFONCE, 5, 0.01, 0, 0};
  double v = mi_bound_train(&st, S, B, dS);
  check(fabs(v - (2 - log(exp(2) + 2) + log(3))) < 1e-14, "InfoNCE value");
  st.bound = IBSH_BOUND_NWJ;
  v = mi_bound_train(&st, S, B, dS);
  check(fabs(v - (2 - exp(-1))) < 1e-14, "NWJ value");
  st.bound = IBSH_BOUND_MINE;
  v = mi_bound_train(&st, S, B, dS);
  check(fabs(v - 2) < 1e-14, "DV value");
  S[1] = 9;   /* clipped to tau = 5 by SMILE */
  st.bound = IBSH_BOUND_SMILE;
  v = mi_bound_train(&st, S, B, dS);
  check(fabs(v - (2 - log((exp(5) + 5) / 6))) < 1e-13, "SMILE clipped value");
}

int main(void) {
  for (int act = 0; act < IBSH_ACT_COUNT; act++)
    for (int out = 0; out < IBSH_OUT_COUNT; out++) {
      if (act == IBSH_ACT_RELU) continue;   /* kinks: checked with the smooth activations */
      double e = pair_grad_error(act, out);
      char what[96];
      snprintf(what, sizeof what, "pairwise-loss gradient act %s out %s: rel. error %.2e", ibsh_act_name(act), ibsh_out_name(out), e);
      check(e < 1e-6, what);
    }
  test_backward_same_bits();
  test_bound_values();
  for (int joint = 0; joint <= 1; joint++)
    for (int bound = 0; bound < IBSH_BOUND_COUNT; bound++) {
      double e = critic_grad_error(joint, bound);
      char what[96];
      snprintf(what, sizeof what, "critic gradient %s bound %d: rel. error %.2e", joint ? "joint" : "separable", bound, e);
      check(e < 1e-6, what);
    }
  if (failures) fprintf(stderr, "%d failures\n", failures);
  return failures ? 1 : 0;
}
