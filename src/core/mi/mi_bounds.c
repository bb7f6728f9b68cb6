/*
** Values and gradients of the InfoNCE, NWJ, MINE and SMILE bounds on a batch
** of critic scores, and their held-out evaluation over many batches (see
** mi_bounds.h; formulas in doc/mi.md).
*/
#include <math.h>
#include "ibsh/mi_neural.h"
#include "mi/mi_bounds.h"

/* exp(v) with the argument capped so that one huge score cannot overflow to inf. */
static double safe_exp(double v) { return exp(v < 700.0 ? v : 700.0); }

/* 1 / (1 + exp(-z)) without overflow. */
static double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + exp(-z));
  double e = exp(z);
  return e / (1.0 + e);
}

/* log of the sum of exp(S_ij) over i != j (scores clipped to [-clip, clip] when clip > 0). */
static double lse_offdiag(const double *S, size_t B, double clip) {
  double m = -INFINITY, s = 0;
  for (size_t i = 0; i < B; i++)
    for (size_t j = 0; j < B; j++) {
      if (i == j) continue;
      double v = S[i * B + j];
      if (clip > 0) v = v < -clip ? -clip : v > clip ? clip : v;
      if (v > m) m = v;
    }
  for (size_t i = 0; i < B; i++)
    for (size_t j = 0; j < B; j++) {
      if (i == j) continue;
      double v = S[i * B + j];
      if (clip > 0) v = v < -clip ? -clip : v > clip ? clip : v;
      s += exp(v - m);
    }
  return m + log(s);
}

/* Mean of the diagonal of S. */
static double mean_diag(const double *S, size_t B) {
  double s = 0;
  for (size_t i = 0; i < B; i++) s += S[i * B + i];
  return s / (double)B;
}

/* InfoNCE value of one batch; with dS, the gradient of its negative. */
static double infonce(const double *S, size_t B, double *dS) {
  double total = 0, inv = 1.0 / (double)B;
  for (size_t i = 0; i < B; i++) {
    const double *r = S + i * B;
    double m = r[0], s = 0;
    for (size_t j = 1; j < B; j++) m = r[j] > m ? r[j] : m;
    for (size_t j = 0; j < B; j++) s += exp(r[j] - m);
    double lse = m + log(s);
    total += r[i] - lse;
    if (dS)
      for (size_t j = 0; j < B; j++) dS[i * B + j] = inv * (exp(r[j] - lse) - (i == j));
  }
  return total * inv + log((double)B);
}

/* Value of one batch and the gradient dS of the loss to minimise (see mi_bounds.h). */
double mi_bound_train(mi_bound_state *st, const double *S, size_t B, double *dS) {
  double invB = 1.0 / (double)B, invM = 1.0 / ((double)B * (double)(B - 1)), logM = log((double)B * (double)(B - 1));
  if (st->bound == IBSH_BOUND_INFONCE) return infonce(S, B, dS);
  double value;
  if (st->bound == IBSH_BOUND_NWJ) {
    double neg = 0;
    for (size_t i = 0; i < B; i++)
      for (size_t j = 0; j < B; j++) {
        if (i == j) { dS[i * B + j] = -invB; continue; }
        double e = safe_exp(S[i * B + j] - 1.0);
        neg += e;
        dS[i * B + j] = e * invM;
      }
    return mean_diag(S, B) - neg * invM;
  }
  if (st->bound == IBSH_BOUND_MINE) {
    double logE = lse_offdiag(S, B, 0) - logM;
    value = mean_diag(S, B) - logE;
    if (!st->have_ma) {
      st->log_ma = logE;
      st->have_ma = 1;
    } else {   /* ma = (1 - a) ma + a E, in logs */
      double u = log1p(-st->ma_rate) + st->log_ma, v = log(st->ma_rate) + logE, hi = u > v ? u : v;
      st->log_ma = hi + log(exp(u - hi) + exp(v - hi));
    }
    for (size_t i = 0; i < B; i++)
      for (size_t j = 0; j < B; j++)
        dS[i * B + j] = i == j ? -invB : safe_exp(S[i * B + j] - st->log_ma) * invM;
    return value;
  }
  /* SMILE: report the clipped DV value, descend the Jensen-Shannon bound */
  value = mean_diag(S, B) - (lse_offdiag(S, B, st->tau) - logM);
  for (size_t i = 0; i < B; i++)
    for (size_t j = 0; j < B; j++)
      dS[i * B + j] = i == j ? -sigmoid(-S[i * B + j]) * invB : sigmoid(S[i * B + j]) * invM;
  return value;
}

/* Add one batch of scores to the accumulator. */
void mi_bound_acc_add(mi_bound_acc *acc, const mi_bound_state *st, const double *S, size_t B) {
  if (acc->nbatch == 0 && acc->nneg == 0) acc->neg_max = -INFINITY;
  acc->nce += infonce(S, B, NULL);
  acc->nbatch++;
  double clip = st->bound == IBSH_BOUND_SMILE ? st->tau : 0;
  for (size_t i = 0; i < B; i++)
    for (size_t j = 0; j < B; j++) {
      double v = S[i * B + j];
      if (i == j) { acc->diag += v; acc->ndiag++; continue; }
      acc->nwj += safe_exp(v - 1.0);
      if (clip > 0) v = v < -clip ? -clip : v > clip ? clip : v;
      if (v > acc->neg_max) {
        acc->neg_sum = acc->neg_sum * exp(acc->neg_max - v) + 1.0;
        acc->neg_max = v;
      } else {
        acc->neg_sum += exp(v - acc->neg_max);
      }
      acc->nneg++;
    }
}

/* The bound over everything accumulated (InfoNCE: mean of batch values; others: all pairs pooled). */
double mi_bound_acc_value(const mi_bound_acc *acc, const mi_bound_state *st) {
  if (acc->nbatch == 0 || acc->nneg == 0) return NAN;
  double diag = acc->diag / (double)acc->ndiag;
  switch (st->bound) {
  case IBSH_BOUND_INFONCE: return acc->nce / (double)acc->nbatch;
  case IBSH_BOUND_NWJ: return diag - acc->nwj / (double)acc->nneg;
  default: return diag - (acc->neg_max + log(acc->neg_sum) - log((double)acc->nneg));
  }
}
