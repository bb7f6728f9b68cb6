/*
** The critic of the neural MI estimators: scores S[i * B + j] = f(x_i, y_j)
** for all pairs of a batch, and the back-propagation of dL/dS into one flat
** parameter vector. Separable: f = g(x) . h(y) with two dense networks;
** joint: f = net([x, y]) on all B^2 concatenated pairs.
*/
#ifndef IBSH_MI_CRITIC_H
#define IBSH_MI_CRITIC_H

#include "ibsh/mi_neural.h"
#include "ibsh/nn.h"

typedef struct mi_critic {
  int joint;
  size_t dx, dy, cap, embed;
  ibsh_arch ga, ha;          /* separable: g and h; joint: ga only */
  ibsh_nn_work gw, hw;
  size_t nparams;            /* g's parameters first, then h's */
  double *pairs;             /* joint: (dx + dy) x cap^2 feature-major inputs */
} mi_critic;

/* Set up a critic for batches of up to cap rows from the options (architecture only). */
int mi_critic_init(mi_critic *c, size_t dx, size_t dy, size_t cap, const ibsh_neural_opts *o);

/* Draw initial parameters (c->nparams) from r. */
void mi_critic_init_params(const mi_critic *c, double *params, ibsh_rng *r);

/* Scores of all B x B pairs of the rows xb (B x dx) and yb (B x dy) into S (row-major). */
void mi_critic_scores(mi_critic *c, const double *params, const double *xb, const double *yb, size_t B, double *S);

/* grad (c->nparams) = dL/dparams from dS = dL/dS of the last mi_critic_scores (dS is not modified). */
void mi_critic_backward(mi_critic *c, const double *params, const double *dS, size_t B, double *grad);

/* Free the critic's buffers. */
void mi_critic_free(mi_critic *c);

#endif
