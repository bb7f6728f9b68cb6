/*
** The variational bounds of the neural MI estimators on a B x B matrix of
** critic scores S (row-major, S[i * B + j] = f(x_i, y_j), positives on the
** diagonal): the value and gradient of one training batch, and held-out
** evaluation accumulated over batches.
*/
#ifndef IBSH_MI_BOUNDS_H
#define IBSH_MI_BOUNDS_H

#include <stddef.h>

/* State and parameters of a bound during training. */
typedef struct mi_bound_state {
  int bound;          /* ibsh_bound */
  double tau;         /* SMILE clip */
  double ma_rate;     /* MINE moving-average rate */
  double log_ma;      /* MINE: log of the moving average of mean exp(S_ij) off the diagonal */
  int have_ma;
} mi_bound_state;

/* Value of the bound on one batch (the training objective's value) and dS = d(-objective)/dS, the gradient of
   the loss to minimise (for SMILE the Jensen-Shannon bound's, for MINE the moving-average corrected one). */
double mi_bound_train(mi_bound_state *st, const double *S, size_t B, double *dS);

/* Held-out evaluation accumulated over batches. */
typedef struct mi_bound_acc {
  double diag;        /* sum of diagonal scores */
  size_t ndiag;
  double neg_max;     /* log-sum-exp of off-diagonal (clipped for SMILE) scores as max and scaled sum */
  double neg_sum;
  size_t nneg;
  double nwj;         /* sum of exp(S_ij - 1) off the diagonal */
  double nce;         /* sum over batches of the batch's InfoNCE value */
  size_t nbatch;
} mi_bound_acc;

/* Add one batch of scores to the accumulator. */
void mi_bound_acc_add(mi_bound_acc *acc, const mi_bound_state *st, const double *S, size_t B);

/* The bound over everything accumulated: InfoNCE the mean of its batch values, the others pool all pairs. */
double mi_bound_acc_value(const mi_bound_acc *acc, const mi_bound_state *st);

#endif
