/*
** Neural variational MI estimators: split the rows, standardise, train the
** critic with Adam on the all-pairs bound of each batch, and report the bound
** on the held-out rows (see mi_neural.h and doc/mi.md).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/mi_gaussian.h"
#include "ibsh/mi_neural.h"
#include "ibsh/optim.h"
#include "mi/mi_bounds.h"
#include "mi/mi_critic.h"

static const char *const bound_names[IBSH_BOUND_COUNT] = {"infonce", "nwj", "mine", "smile"};

/* The bound called name ("infonce", "nwj", "mine", "smile") or -1. */
int ibsh_bound_from_name(const char *name) {
  for (int i = 0; i < IBSH_BOUND_COUNT; i++) if (strcmp(name, bound_names[i]) == 0) return i;
  return -1;
}

/* Default options for bound. */
void ibsh_neural_defaults(ibsh_neural_opts *o, int bound) {
  memset(o, 0, sizeof *o);
  o->bound = bound;
  o->joint = 0;
  o->nhidden = 2;
  o->hidden[0] = 32;
  o->hidden[1] = 32;
  o->embed = 16;
  o->act = IBSH_ACT_RELU;
  o->epochs = 300;
  o->batch = 256;
  o->lr = 1e-3;
  o->decay = 1.0;
  o->test = 0.3;
  o->valid = 0.2;
  o->patience = 30;
  o->tau = 5.0;
  o->ma_rate = 0.01;
  o->rank = 1;
  o->seed = 1;
}

/* Check the options; a message names the bad one. */
static int check_opts(const ibsh_neural_opts *o) {
  if (o->bound < 0 || o->bound >= IBSH_BOUND_COUNT) return ibsh_fail(IBSH_EINVAL, "unknown bound");
  if (o->nhidden < 0 || o->nhidden > IBSH_CRITIC_MAXHIDDEN)
    return ibsh_fail(IBSH_EINVAL, "the critic takes 0 to %d hidden layers, got %d", IBSH_CRITIC_MAXHIDDEN, o->nhidden);
  for (int l = 0; l < o->nhidden; l++)
    if (o->hidden[l] < 1 || o->hidden[l] > 4096) return ibsh_fail(IBSH_EINVAL, "hidden width %zu out of range 1..4096", o->hidden[l]);
  if (!o->joint && (o->embed < 1 || o->embed > 4096)) return ibsh_fail(IBSH_EINVAL, "embed %zu out of range 1..4096", o->embed);
  if (o->act < 0 || o->act >= IBSH_ACT_COUNT) return ibsh_fail(IBSH_EINVAL, "unknown activation");
  if (o->epochs < 1 || o->epochs > 10000000) return ibsh_fail(IBSH_EINVAL, "epochs must be in 1..1e7, got %ld", o->epochs);
  if (o->batch < 2 || o->batch > (o->joint ? 512 : 4096))
    return ibsh_fail(IBSH_EINVAL, "batch must be in 2..%d, got %zu", o->joint ? 512 : 4096, o->batch);
  if (!(o->lr > 0) || !isfinite(o->lr)) return ibsh_fail(IBSH_EINVAL, "lr must be a positive finite number, got %g", o->lr);
  if (!(o->decay >= 0) || !(o->lr * o->decay < 1)) return ibsh_fail(IBSH_EINVAL, "decay must be >= 0 with lr * decay < 1, got %g", o->decay);
  if (!(o->test > 0 && o->test < 1)) return ibsh_fail(IBSH_EINVAL, "test must be a fraction in (0, 1), got %g", o->test);
  if (!(o->valid >= 0 && o->valid < 1)) return ibsh_fail(IBSH_EINVAL, "valid must be a fraction in [0, 1), got %g", o->valid);
  if (o->patience < 0) return ibsh_fail(IBSH_EINVAL, "patience must be at least 0, got %ld", o->patience);
  if (!(o->tau > 0) || !isfinite(o->tau)) return ibsh_fail(IBSH_EINVAL, "tau must be a positive finite number, got %g", o->tau);
  if (!(o->ma_rate > 0 && o->ma_rate <= 1)) return ibsh_fail(IBSH_EINVAL, "ma_rate must be in (0, 1], got %g", o->ma_rate);
  return IBSH_OK;
}

/* Z-score the d columns of the n x d matrix a in place with the mean and sd of its first ntrain rows. */
static void standardise(double *a, size_t n, size_t d, size_t ntrain) {
  for (size_t f = 0; f < d; f++) {
    double mean = 0, ss = 0;
    for (size_t i = 0; i < ntrain; i++) mean += a[i * d + f];
    mean /= (double)ntrain;
    for (size_t i = 0; i < ntrain; i++) ss += (a[i * d + f] - mean) * (a[i * d + f] - mean);
    double sd = sqrt(ss / (double)ntrain);
    double inv = sd > 0 && isfinite(sd) ? 1.0 / sd : 1.0;
    for (size_t i = 0; i < n; i++) a[i * d + f] = (a[i * d + f] - mean) * inv;
  }
}

/* Copy rows idx[0..m-1] of the n x d matrix src into dst (m x d). */
static void gather(const double *src, size_t d, const size_t *idx, size_t m, double *dst) {
  for (size_t i = 0; i < m; i++) memcpy(dst + i * d, src + idx[i] * d, d * sizeof(double));
}

/* Everything one estimate allocates. */
typedef struct neural_buf {
  double *x, *y, *xb, *yb, *S, *dS, *params, *best, *grad, *m, *v;
  size_t *perm, *order;
  mi_critic critic;
} neural_buf;

/* Free the buffers of one estimate. */
static void neural_free(neural_buf *b) {
  free(b->x); free(b->y); free(b->xb); free(b->yb); free(b->S); free(b->dS);
  free(b->params); free(b->best); free(b->grad); free(b->m); free(b->v); free(b->perm); free(b->order);
  mi_critic_free(&b->critic);
}

/* The bound on rows [0, count) of the shuffled matrices x, y in ceil(count / B) consecutive batches of equal size
   (at most B rows; the few rows left over are not used). */
static double evaluate(neural_buf *b, const mi_bound_state *st, const double *params, const double *x, size_t dx,
                       const double *y, size_t dy, size_t count, size_t B) {
  mi_bound_acc acc;
  memset(&acc, 0, sizeof acc);
  size_t chunks = (count + B - 1) / B, size = count / chunks;
  if (size < 2) { size = 2; chunks = count / 2; }
  for (size_t c = 0; c < chunks; c++) {
    mi_critic_scores(&b->critic, params, x + c * size * dx, y + c * size * dy, size, b->S);
    mi_bound_acc_add(&acc, st, b->S, size);
  }
  return mi_bound_acc_value(&acc, st);
}

/* Train the critic on the first nfit rows of b->x, b->y (already shuffled) for up to o->epochs epochs; with
   nvalid > 0, the next nvalid rows pick the epoch whose parameters are kept (the best validation bound) and
   training stops after o->patience epochs without a better one. */
static int train(neural_buf *b, mi_bound_state *st, const ibsh_neural_opts *o, size_t dx, size_t dy,
                 size_t nfit, size_t nvalid, size_t B, ibsh_rng *r, ibsh_neural_info *info) {
  ibsh_optim adam = {IBSH_OPTIM_ADAM, o->lr, 0, 0.9, 0.999, 1e-8, 0};
  long step = 0, best_epoch = -1;
  size_t np = b->critic.nparams;
  double best = -INFINITY;
  info->valid_mi = NAN;
  for (long e = 0; e < o->epochs; e++) {
    info->epochs = e + 1;
    ibsh_rng_permutation(r, b->order, nfit);
    for (size_t s = 0; s + B <= nfit; s += B) {
      gather(b->x, dx, b->order + s, B, b->xb);
      gather(b->y, dy, b->order + s, B, b->yb);
      mi_critic_scores(&b->critic, b->params, b->xb, b->yb, B, b->S);
      double value = mi_bound_train(st, b->S, B, b->dS);
      if (!(fabs(value) < 1e4))   /* non-finite, or scores blown up far beyond any MI of a finite sample */
        return ibsh_fail(IBSH_ENUM, "training diverged in epoch %ld (the bound became %g); try a smaller lr", e + 1, value);
      mi_critic_backward(&b->critic, b->params, b->dS, B, b->grad);
      ibsh_optim_step(&adam, o->lr, b->params, b->grad, b->m, b->v, np, &step);
      if (o->decay > 0) for (size_t i = 0; i < np; i++) b->params[i] -= o->lr * o->decay * b->params[i];
      if (ibsh_interrupted()) return ibsh_fail(IBSH_EINTR, "interrupted in epoch %ld", e + 1);
    }
    if (nvalid == 0) continue;
    double v = evaluate(b, st, b->params, b->x + nfit * dx, dx, b->y + nfit * dy, dy, nvalid, B);
    if (v > best) {
      best = v;
      best_epoch = e;
      memcpy(b->best, b->params, np * sizeof(double));
    } else if (o->patience > 0 && e - best_epoch >= o->patience) {
      break;
    }
  }
  info->best_epoch = info->epochs;
  if (nvalid > 0 && best_epoch >= 0) {
    memcpy(b->params, b->best, np * sizeof(double));
    info->best_epoch = best_epoch + 1;
    info->valid_mi = best;
  }
  return IBSH_OK;
}

/* I(X;Y) in nats from a critic trained on a seeded share of the rows, evaluated on the rest (see mi_neural.h). */
int ibsh_mi_neural(const double *x, size_t dx, const double *y, size_t dy, size_t n, const ibsh_neural_opts *o,
                   double *mi, ibsh_neural_info *info) {
  int rc = check_opts(o);
  if (rc) return rc;
  if (dx == 0 || dy == 0) return ibsh_fail(IBSH_EINVAL, "x and y need at least one column");
  size_t ntest = (size_t)floor(o->test * (double)n + 0.5);
  size_t ntrain = n - ntest;
  if (ntrain < 2 || ntest < 2)
    return ibsh_fail(IBSH_EINVAL, "%zu rows split into %zu training and %zu test rows: need at least 2 of each", n, ntrain, ntest);
  for (size_t i = 0; i < n * dx; i++) if (!isfinite(x[i])) return ibsh_fail(IBSH_EINVAL, "x has a non-finite value");
  for (size_t i = 0; i < n * dy; i++) if (!isfinite(y[i])) return ibsh_fail(IBSH_EINVAL, "y has a non-finite value");
  size_t nvalid = (size_t)floor(o->valid * (double)ntrain + 0.5), nfit = ntrain - nvalid;
  if (nfit < 2 || (o->valid > 0 && nvalid < 2))
    return ibsh_fail(IBSH_EINVAL, "%zu training rows split into %zu fitting and %zu validation rows: need at least 2 of each",
                     ntrain, nfit, nvalid);
  size_t B = o->batch < nfit ? o->batch : nfit;
  neural_buf b;
  memset(&b, 0, sizeof b);
  rc = mi_critic_init(&b.critic, dx, dy, B, o);
  if (rc) return rc;
  size_t np = b.critic.nparams;
  b.x = malloc(n * dx * sizeof(double));
  b.y = malloc(n * dy * sizeof(double));
  b.xb = malloc(B * dx * sizeof(double));
  b.yb = malloc(B * dy * sizeof(double));
  b.S = malloc(B * B * sizeof(double));
  b.dS = malloc(B * B * sizeof(double));
  b.params = malloc(np * sizeof(double));
  b.grad = malloc(np * sizeof(double));
  b.best = malloc(np * sizeof(double));
  b.m = calloc(np, sizeof(double));
  b.v = calloc(np, sizeof(double));
  b.perm = malloc(n * sizeof(size_t));
  b.order = malloc(ntrain * sizeof(size_t));
  if (!b.x || !b.y || !b.xb || !b.yb || !b.S || !b.dS || !b.params || !b.best || !b.grad || !b.m || !b.v || !b.perm || !b.order) {
    neural_free(&b);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for the neural estimator");
  }
  ibsh_rng r;
  ibsh_rng_seed(&r, o->seed);
  ibsh_rng_permutation(&r, b.perm, n);   /* rows perm[0..ntrain) train, the rest test */
  gather(x, dx, b.perm, n, b.x);
  gather(y, dy, b.perm, n, b.y);
  if (o->rank) {
    double *rx = malloc(n * dx * sizeof(double)), *ry = malloc(n * dy * sizeof(double));
    rc = !rx || !ry ? ibsh_fail(IBSH_ENOMEM, "out of memory for ranks") : ibsh_rank_gaussianise(b.x, n, dx, rx);
    if (!rc) rc = ibsh_rank_gaussianise(b.y, n, dy, ry);
    if (!rc) {
      memcpy(b.x, rx, n * dx * sizeof(double));
      memcpy(b.y, ry, n * dy * sizeof(double));
    }
    free(rx);
    free(ry);
    if (rc) { neural_free(&b); return rc; }
  }
  standardise(b.x, n, dx, ntrain);
  standardise(b.y, n, dy, ntrain);
  mi_critic_init_params(&b.critic, b.params, &r);
  mi_bound_state st = {o->bound, o->tau, o->ma_rate, 0, 0};
  ibsh_neural_info scratch;
  if (!info) info = &scratch;
  memset(info, 0, sizeof *info);
  rc = train(&b, &st, o, dx, dy, nfit, nvalid, B, &r, info);
  if (!rc) {
    *mi = evaluate(&b, &st, b.params, b.x + ntrain * dx, dx, b.y + ntrain * dy, dy, ntest, B);
    info->train_mi = evaluate(&b, &st, b.params, b.x, dx, b.y, dy, nfit, B);
    if (!isfinite(*mi)) rc = ibsh_fail(IBSH_ENUM, "the held-out bound is not finite (%g); try a smaller lr", *mi);
  }
  neural_free(&b);
  return rc;
}
