/*
** Critic networks of the neural MI estimators: all-pairs scores of a batch and
** their gradient through ibsh_nn_backward_from (see mi_critic.h).
*/
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "mi/mi_critic.h"

/* Fill arch with inputs in, the hidden widths of o and outputs out (linear). */
static int critic_arch(ibsh_arch *a, size_t in, size_t out, const ibsh_neural_opts *o) {
  size_t widths[IBSH_CRITIC_MAXHIDDEN + 2];
  widths[0] = in;
  for (int l = 0; l < o->nhidden; l++) widths[l + 1] = o->hidden[l];
  widths[o->nhidden + 1] = out;
  return ibsh_arch_init(a, o->nhidden + 1, widths, o->act, IBSH_OUT_LINEAR);
}

/* Set up a critic for batches of up to cap rows from the options (architecture only). */
int mi_critic_init(mi_critic *c, size_t dx, size_t dy, size_t cap, const ibsh_neural_opts *o) {
  memset(c, 0, sizeof *c);
  c->joint = o->joint;
  c->dx = dx;
  c->dy = dy;
  c->cap = cap;
  c->embed = o->embed;
  if (o->joint) {
    int rc = critic_arch(&c->ga, dx + dy, 1, o);
    if (rc) return rc;
    c->nparams = c->ga.nparams;
    c->pairs = malloc((dx + dy) * cap * cap * sizeof(double));
    if (!c->pairs || ibsh_nn_work_alloc(&c->gw, &c->ga, cap * cap)) {
      mi_critic_free(c);
      return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu critic pairs", cap * cap);
    }
    return IBSH_OK;
  }
  int rc = critic_arch(&c->ga, dx, o->embed, o);
  if (!rc) rc = critic_arch(&c->ha, dy, o->embed, o);
  if (rc) return rc;
  c->nparams = c->ga.nparams + c->ha.nparams;
  if (ibsh_nn_work_alloc(&c->gw, &c->ga, cap) || ibsh_nn_work_alloc(&c->hw, &c->ha, cap)) {
    mi_critic_free(c);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for a critic batch of %zu rows", cap);
  }
  return IBSH_OK;
}

/* Draw initial parameters from r: Glorot-uniform weights, zero biases. */
void mi_critic_init_params(const mi_critic *c, double *params, ibsh_rng *r) {
  ibsh_nn_init_params(&c->ga, params, IBSH_INIT_GLOROT_UNIFORM, 0.0, r);
  if (!c->joint) ibsh_nn_init_params(&c->ha, params + c->ga.nparams, IBSH_INIT_GLOROT_UNIFORM, 0.0, r);
}

/* Scores of all B x B pairs of the rows xb (B x dx) and yb (B x dy) into S (row-major). */
void mi_critic_scores(mi_critic *c, const double *params, const double *xb, const double *yb, size_t B, double *S) {
  if (c->joint) {
    size_t P = B * B, dx = c->dx, dy = c->dy;
    for (size_t f = 0; f < dx; f++) {   /* pair p = i * B + j holds x_i then y_j */
      double *col = c->pairs + f * P;
      for (size_t i = 0; i < B; i++) {
        double v = xb[i * dx + f];
        for (size_t j = 0; j < B; j++) col[i * B + j] = v;
      }
    }
    for (size_t f = 0; f < dy; f++) {
      double *col = c->pairs + (dx + f) * P;
      for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++) col[i * B + j] = yb[j * dy + f];
    }
    ibsh_nn_forward_cols(&c->ga, params, c->pairs, P, P, &c->gw);
    memcpy(S, c->gw.logits, P * sizeof(double));
    return;
  }
  ibsh_nn_forward(&c->ga, params, xb, B, &c->gw);
  ibsh_nn_forward(&c->ha, params + c->ga.nparams, yb, B, &c->hw);
  /* S = G^T H with G, H the K x B feature-major outputs */
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)B, (int)B, (int)c->embed, 1.0, c->gw.logits, (int)B,
              c->hw.logits, (int)B, 0.0, S, (int)B);
}

/* grad = dL/dparams from dS = dL/dS of the last mi_critic_scores. */
void mi_critic_backward(mi_critic *c, const double *params, const double *dS, size_t B, double *grad) {
  if (c->joint) {
    ibsh_nn_backward_from(&c->ga, params, dS, B * B, &c->gw, grad);
    return;
  }
  int K = (int)c->embed, n = (int)B;
  double *dG = c->gw.delta[0], *dH = c->hw.delta[0];
  /* dG[k][i] = sum_j H[k][j] dS[i][j]; dH[k][j] = sum_i G[k][i] dS[i][j] */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, K, n, n, 1.0, c->hw.logits, n, dS, n, 0.0, dG, n);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, K, n, n, 1.0, c->gw.logits, n, dS, n, 0.0, dH, n);
  ibsh_nn_backward_from(&c->ga, params, dG, B, &c->gw, grad);
  ibsh_nn_backward_from(&c->ha, params + c->ga.nparams, dH, B, &c->hw, grad + c->ga.nparams);
}

/* Free the critic's buffers. */
void mi_critic_free(mi_critic *c) {
  ibsh_nn_work_free(&c->gw);
  ibsh_nn_work_free(&c->hw);
  free(c->pairs);
  c->pairs = NULL;
}
