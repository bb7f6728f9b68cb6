/*
** Training runs: the epoch loop with minibatches, snapshots, metrics, gradient
** statistics, interruption and divergence handling.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/run.h"
#include "run_dist.h"
#include "run_eval.h"
#include "run_net.h"
#include "ibsh/parallel.h"

/* Start a run at epoch 0 from params (copied), with the shuffling generator seeded by seed. */
int ibsh_run_init(ibsh_run *run, const ibsh_arch *arch, const double *params, uint64_t seed) {
  memset(run, 0, sizeof *run);
  run->arch = *arch;
  size_t n = arch->nparams;
  run->params = malloc(n * sizeof(double));
  run->m = calloc(n, sizeof(double));
  run->v = calloc(n, sizeof(double));
  if (!run->params || !run->m || !run->v) {
    ibsh_run_free(run);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for a run of %zu parameters", n);
  }
  if (params) memcpy(run->params, params, n * sizeof(double));
  ibsh_rng_seed(&run->rng, seed);
  return IBSH_OK;
}

/* The pseudo-architecture of a layer net's run: its weight layers, parameters, input and output widths. */
void ibsh_run_net_arch(const ibsh_net *net, ibsh_arch *a) {
  memset(a, 0, sizeof *a);
  a->nlayers = ibsh_net_nweighted(net);
  a->nparams = net->nparams;
  a->width[0] = ibsh_net_size(net, 0);
  a->width[a->nlayers] = ibsh_net_size(net, net->nlayers);
  a->out = net->out;
}

/* Start a run of a layer network (see run.h). */
int ibsh_run_init_net(ibsh_run *run, const ibsh_net *net, const double *params, uint64_t seed) {
  ibsh_arch a;
  ibsh_run_net_arch(net, &a);
  int rc = ibsh_run_init(run, &a, params, seed);
  if (rc) return rc;
  if (!(run->net = malloc(sizeof *net))) {
    ibsh_run_free(run);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for a run");
  }
  *run->net = *net;
  return IBSH_OK;
}

/* Free everything the run owns. */
void ibsh_run_free(ibsh_run *run) {
  free(run->net);
  free(run->params); free(run->m); free(run->v);
  free(run->snap_epoch); free(run->snap_params);
  free(run->train_loss); free(run->train_acc); free(run->test_loss); free(run->test_acc);
  free(run->grad_mean); free(run->grad_std); free(run->weight_norm);
  memset(run, 0, sizeof *run);
}

/* Index of the snapshot of epoch e, or -1 (binary search: labels increase). */
long ibsh_run_find(const ibsh_run *run, long e) {
  size_t lo = 0, hi = run->nsnap;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (run->snap_epoch[mid] < e) lo = mid + 1; else hi = mid;
  }
  return lo < run->nsnap && run->snap_epoch[lo] == e ? (long)lo : -1;
}

/* Append a snapshot of params labelled e (ignored if the last snapshot already has label e). */
int ibsh_run_add_snapshot(ibsh_run *run, long e, const double *params) {
  if (run->nsnap && run->snap_epoch[run->nsnap - 1] >= e) return IBSH_OK;
  size_t np = run->arch.nparams;
  if (run->nsnap == run->capsnap) {
    size_t cap = run->capsnap ? run->capsnap * 2 : 64;
    long *ep = realloc(run->snap_epoch, cap * sizeof(long));
    if (!ep) return ibsh_fail(IBSH_ENOMEM, "out of memory for snapshots");
    run->snap_epoch = ep;
    double *sp = realloc(run->snap_params, cap * np * sizeof(double));
    if (!sp) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu snapshots of %zu parameters", cap, np);
    run->snap_params = sp;
    run->capsnap = cap;
  }
  memcpy(run->snap_params + run->nsnap * np, params, np * sizeof(double));
  run->snap_epoch[run->nsnap++] = e;
  return IBSH_OK;
}

/* Grow one per-epoch array to cap entries of width w (new entries NaN). */
static int grow(double **p, size_t oldcap, size_t cap, size_t w) {
  double *q = realloc(*p, cap * w * sizeof(double));
  if (!q) return ibsh_fail(IBSH_ENOMEM, "out of memory for per-epoch metrics");
  for (size_t i = oldcap * w; i < cap * w; i++) q[i] = NAN;
  *p = q;
  return IBSH_OK;
}

/* Make room for metrics of n epochs. */
int ibsh_run_reserve_epochs(ibsh_run *run, size_t n) {
  if (n <= run->capepochs) return IBSH_OK;
  size_t cap = run->capepochs ? run->capepochs : 64;
  while (cap < n) cap *= 2;
  size_t L = (size_t)run->arch.nlayers, old = run->capepochs;
  if (grow(&run->train_loss, old, cap, 1) || grow(&run->train_acc, old, cap, 1) ||
      grow(&run->test_loss, old, cap, 1) || grow(&run->test_acc, old, cap, 1) ||
      grow(&run->grad_mean, old, cap, L) || grow(&run->grad_std, old, cap, L) ||
      grow(&run->weight_norm, old, cap, L))
    return IBSH_ENOMEM;
  run->capepochs = cap;
  return IBSH_OK;
}

/* Euclidean norm of n values. */
static double norm2(const double *x, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += x[i] * x[i];
  return sqrt(s);
}

/* Seconds on a monotonic clock. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct fit_buffers {
  ibsh_nn_work work, evalwork;
  double *grad, *xb, *tb;          /* gradient; gathered batch rows when shuffling */
  double *gmean, *gm2;             /* Welford accumulators over the weights' gradients */
  double *save;                    /* params, m, v at the start of the epoch */
  double *save_prev;               /* the same at the start of the previous epoch (overlapped evaluation) */
  size_t *perm;
  double *xt_train, *xt_test;      /* inputs transposed to feature-major (NULL for large sets) */
  int32_t *lb;                     /* gathered labels of a shuffled batch */
  run_dist dist;                   /* chunked data-parallel batches (cfg->chunk > 0) */
  run_net_state net;               /* a layer network's buffers (run->net) */
  int has_net;
  run_evaluator *eval;             /* helper thread for the whole-set metrics, or NULL */
  double batch_loss;               /* sums over the epoch's minibatches (batch_metrics) */
  size_t batch_correct;
} fit_buffers;

/* Release the buffers of a fit. */
static void fit_buffers_free(fit_buffers *b) {
  if (b->has_net) run_net_free(&b->net);
  ibsh_nn_work_free(&b->work);
  run_eval_stop(b->eval);
  ibsh_nn_work_free(&b->evalwork);
  run_dist_free(&b->dist);
  free(b->grad); free(b->xb); free(b->tb); free(b->gmean); free(b->gm2); free(b->save); free(b->save_prev); free(b->perm);
  free(b->xt_train); free(b->xt_test); free(b->lb);
}

/* A feature-major copy of a data set's inputs when it is small enough (16M values), else NULL. */
static double *transposed(const ibsh_data_view *d, size_t d0) {
  if (!d || d->n == 0 || d->n * d0 > ((size_t)1 << 24)) return NULL;
  double *t = malloc(d->n * d0 * sizeof(double));
  if (t) ibsh_nn_transpose(d->x, t, d->n, d0);
  return t;
}

/* Allocate the buffers of a fit (distributed: data-parallel batches). */
static int fit_buffers_alloc(fit_buffers *b, const ibsh_run *run, size_t batch, size_t nmax, size_t ntrain,
                             int distributed) {
  memset(b, 0, sizeof *b);
  const ibsh_arch *a = &run->arch;
  size_t np = a->nparams, K = a->width[a->nlayers];
  size_t evalcap = nmax < 4096 ? nmax : 4096;
  if (evalcap < batch) evalcap = batch;
  if (run->net) {
    int rc = run_net_alloc(&b->net, run, batch, evalcap < 1024 ? evalcap : 1024, distributed);
    if (rc) return rc;
    b->has_net = 1;
  } else if (ibsh_nn_work_alloc(&b->work, a, batch) || ibsh_nn_work_alloc(&b->evalwork, a, evalcap)) {
    fit_buffers_free(b);
    return IBSH_ENOMEM;
  }
  b->grad = malloc(np * sizeof(double));
  b->xb = malloc(batch * a->width[0] * sizeof(double));
  b->tb = malloc(batch * K * sizeof(double));
  b->gmean = malloc(np * sizeof(double));
  b->gm2 = malloc(np * sizeof(double));
  b->save = malloc(3 * np * sizeof(double));
  b->save_prev = malloc(3 * np * sizeof(double));
  b->perm = malloc((ntrain ? ntrain : 1) * sizeof(size_t));
  b->lb = malloc(batch * sizeof(int32_t));
  if (!b->grad || !b->xb || !b->tb || !b->gmean || !b->gm2 || !b->save || !b->save_prev || !b->perm || !b->lb) {
    fit_buffers_free(b);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for training buffers");
  }
  return IBSH_OK;
}

/* Check the configuration and data sizes of a fit. */
static int check_fit(const ibsh_run *run, const ibsh_fit_config *cfg, const ibsh_data_view *train) {
  if (cfg->epochs < 0 || cfg->epochs > 100000000) return ibsh_fail(IBSH_EINVAL, "epochs must be 0 to 1e8, got %ld", cfg->epochs);
  if (train->n == 0) return ibsh_fail(IBSH_EINVAL, "the training set is empty");
  if (cfg->chunk && run->net && cfg->chunk != IBSH_NET_BLOCK)
    return ibsh_fail(IBSH_EINVAL, "data-parallel training of an nn.net network shares out its blocks of %d rows: chunk "
                     "must be %d, got %zu", IBSH_NET_BLOCK, IBSH_NET_BLOCK, cfg->chunk);
  if (cfg->chunk && run->arch.noise > 0)
    return ibsh_fail(IBSH_EINVAL, "data-parallel training (distributed = true) of a noise-injected network is not supported");
  if (!(cfg->optim.lr > 0) || !isfinite(cfg->optim.lr)) return ibsh_fail(IBSH_EINVAL, "lr must be a positive number, got %g", cfg->optim.lr);
  if (cfg->optim.kind == IBSH_OPTIM_ADAM &&
      !(cfg->optim.beta1 >= 0 && cfg->optim.beta1 < 1 && cfg->optim.beta2 >= 0 && cfg->optim.beta2 < 1 && cfg->optim.eps >= 0))
    return ibsh_fail(IBSH_EINVAL, "Adam needs 0 <= beta1, beta2 < 1 and eps >= 0");
  if (!(cfg->optim.momentum >= 0 && cfg->optim.momentum < 1)) return ibsh_fail(IBSH_EINVAL, "momentum must be in [0, 1)");
  if (!(cfg->weight_decay >= 0) || !isfinite(cfg->weight_decay)) return ibsh_fail(IBSH_EINVAL, "weight_decay must be >= 0");
  if (cfg->lr_step < 0 || !(cfg->lr_gamma > 0)) return ibsh_fail(IBSH_EINVAL, "lr_step must be >= 0 and lr_gamma > 0");
  if (run->epochs > 0x7fffffffL - cfg->epochs) return ibsh_fail(IBSH_EINVAL, "too many epochs");
  return IBSH_OK;
}

/* Accumulate the weight gradients of one batch into the Welford mean and M2 (count c >= 1). */
static void gradstats_add(const ibsh_arch *a, const double *g, double *mean, double *m2, long c) {
  for (int l = 0; l < a->nlayers; l++) run_gradstats_add(g, mean, m2, a->woff[l], a->width[l] * a->width[l + 1], c);
}

/* Train one epoch: returns IBSH_OK or IBSH_EINTR (params then partly updated; the caller restores). */
static int train_epoch(ibsh_run *run, const ibsh_fit_config *cfg, const ibsh_data_view *tr, fit_buffers *b,
                       size_t batch, long *nbatches) {
  const ibsh_arch *a = &run->arch;
  size_t d0 = a->width[0], K = a->width[a->nlayers], np = a->nparams;
  double lr = cfg->optim.lr;
  if (cfg->lr_step > 0) lr *= pow(cfg->lr_gamma, (double)(run->epochs / cfg->lr_step));
  if (cfg->shuffle) ibsh_rng_permutation(&run->rng, b->perm, tr->n);
  if (cfg->gradstats) {
    memset(b->gmean, 0, np * sizeof(double));
    memset(b->gm2, 0, np * sizeof(double));
  }
  long count = 0;
  b->batch_loss = 0;
  b->batch_correct = 0;
  b->work.no_lse = !cfg->batch_metrics;   /* the training passes need no loss unless it is the metric */
  if (run->net)
    return run_net_epoch(run, cfg, tr, &b->net, batch, cfg->shuffle ? b->perm : NULL, nbatches, &b->batch_loss,
                         &b->batch_correct, b->gmean, b->gm2);
  for (size_t s = 0; s < tr->n; s += batch) {
    size_t n = tr->n - s < batch ? tr->n - s : batch;
    const double *t = tr->t + s * K;
    const int32_t *lab = tr->labels ? tr->labels + s : NULL;
    ibsh_nn_noise_begin(a, &b->work, 0, (uint64_t)run->epochs, (uint64_t)count);
    if (cfg->chunk) {
      int stop = 0, rc = run_dist_batch(&b->dist, a, run->params, tr, cfg->shuffle ? b->perm : NULL, b->xt_train, s, n,
                                        cfg->batch_metrics, b->grad, &b->batch_loss, &b->batch_correct, &stop);
      if (rc) return rc;
      if (stop) return ibsh_fail(IBSH_EINTR, "interrupted");   /* every rank stops at the same batch */
    } else if (cfg->shuffle) {
      for (size_t i = 0; i < n; i++) {
        size_t r = b->perm[s + i];
        for (size_t f = 0; f < d0; f++) b->xb[f * n + i] = tr->x[r * d0 + f];
        memcpy(b->tb + i * K, tr->t + r * K, K * sizeof(double));
        if (lab) b->lb[i] = tr->labels[r];
      }
      t = b->tb;
      if (lab) lab = b->lb;
      ibsh_nn_forward_cols(a, run->params, b->xb, n, n, &b->work);
    } else if (b->xt_train) {
      ibsh_nn_forward_cols(a, run->params, b->xt_train + s, tr->n, n, &b->work);
    } else {
      ibsh_nn_forward(a, run->params, tr->x + s * d0, n, &b->work);
    }
    if (cfg->batch_metrics && !cfg->chunk) {
      size_t c = 0;
      b->batch_loss += ibsh_nn_loss_sum(a, &b->work, t, lab, n, &c);
      b->batch_correct += c;
    }
    if (!cfg->chunk) ibsh_nn_backward(a, run->params, t, n, &b->work, b->grad);
    count++;
    if (cfg->gradstats) gradstats_add(a, b->grad, b->gmean, b->gm2, count);
    if (cfg->weight_decay > 0) {
      for (int l = 0; l < a->nlayers; l++) {
        size_t off = a->woff[l], nw = a->width[l] * a->width[l + 1];
        for (size_t i = off; i < off + nw; i++) b->grad[i] += cfg->weight_decay * run->params[i];
      }
    }
    ibsh_optim_step(&cfg->optim, lr, run->params, b->grad, run->m, run->v, np, &run->step);
    if (!cfg->chunk && ibsh_interrupted()) return ibsh_fail(IBSH_EINTR, "interrupted");
  }
  *nbatches = count;
  return IBSH_OK;
}

/* Record metrics and gradient statistics of the epoch just completed (run->epochs already counts it). */
static void record_epoch(ibsh_run *run, const ibsh_fit_config *cfg, const ibsh_data_view *tr,
                         const ibsh_data_view *te, fit_buffers *b, long nbatches) {
  const ibsh_arch *a = &run->arch;
  size_t e = (size_t)run->epochs - 1, L = (size_t)a->nlayers;
  if (cfg->batch_metrics) {
    run->train_loss[e] = b->batch_loss / (double)tr->n;
    run->train_acc[e] = tr->labels ? (double)b->batch_correct / (double)tr->n : NAN;
  } else if (run->net) {
    run_net_evaluate(run, &b->net, tr, &run->train_loss[e], &run->train_acc[e]);
  } else if (!b->eval) {
    run_evaluate(a, run->params, tr, b->xt_train, &b->evalwork, 1, (long)e, &run->train_loss[e], &run->train_acc[e]);
  }
  if (te && te->n && run->net) run_net_evaluate(run, &b->net, te, &run->test_loss[e], &run->test_acc[e]);
  else if (te && te->n && !b->eval) run_evaluate(a, run->params, te, b->xt_test, &b->evalwork, 2, (long)e, &run->test_loss[e], &run->test_acc[e]);
  for (size_t l = 0; l < L; l++) {
    size_t off, nw;
    run_weight_range(run, (int)l, &off, &nw);
    run->weight_norm[e * L + l] = norm2(run->params + off, nw);
    if (!cfg->gradstats) continue;
    double s = 0;
    for (size_t i = off; i < off + nw; i++) s += b->gm2[i];
    run->grad_mean[e * L + l] = norm2(b->gmean + off, nw);
    run->grad_std[e * L + l] = sqrt(s / (double)nbatches);
  }
}

/* Save params, m and v into buf (3 x nparams). */
static void save_state(const ibsh_run *run, double *buf) {
  size_t np = run->arch.nparams;
  memcpy(buf, run->params, np * sizeof(double));
  memcpy(buf + np, run->m, np * sizeof(double));
  memcpy(buf + 2 * np, run->v, np * sizeof(double));
}

/* Restore params, m and v from buf. */
static void restore_state(ibsh_run *run, const double *buf) {
  size_t np = run->arch.nparams;
  memcpy(run->params, buf, np * sizeof(double));
  memcpy(run->m, buf + np, np * sizeof(double));
  memcpy(run->v, buf + 2 * np, np * sizeof(double));
}

/* The divergence error for a non-finite training loss after epoch e. */
static int diverged(double loss, long e) {
  return ibsh_fail(IBSH_ENUM, "training diverged: the training loss is %s after epoch %ld (lower the learning rate?)",
                   isnan(loss) ? "NaN" : "Inf", e);
}

/* Hand the helper thread the metrics of the epoch just completed (run->epochs counts it). */
static void submit_eval(ibsh_run *run, fit_buffers *b) {
  size_t e = (size_t)run->epochs - 1;
  double *const out[4] = {&run->train_loss[e], &run->train_acc[e], &run->test_loss[e], &run->test_acc[e]};
  run_eval_submit(b->eval, run->params, (long)e, out);
}

/* Train cfg->epochs more epochs (see run.h). With a helper thread (whole-set metrics, no checkpoint callback, more
   than one thread), epoch e is evaluated while epoch e + 1 trains: a non-finite loss found then rolls back both, and
   progress for epoch e is reported once its metrics are in. */
int ibsh_run_fit(ibsh_run *run, const ibsh_fit_config *cfg, const ibsh_data_view *train,
                 const ibsh_data_view *test) {
  int rc = check_fit(run, cfg, train);
  if (rc) return rc;
  const ibsh_arch *a = &run->arch;
  size_t batch = cfg->batch == 0 || cfg->batch > train->n ? train->n : cfg->batch;
  size_t nmax = train->n > (test ? test->n : 0) ? train->n : test->n;
  fit_buffers b;
  if ((rc = fit_buffers_alloc(&b, run, batch, nmax, train->n, cfg->chunk > 0))) return rc;
  if (cfg->chunk && !run->net && (rc = run_dist_init(&b.dist, a, batch, cfg->chunk))) goto done;
  /* a rank of several touches only its own chunks of each batch: a transposed copy of the whole set would cost it more */
  if (!run->net) {
    b.xt_train = cfg->chunk && b.dist.chain.size > 1 ? NULL : transposed(train, a->width[0]);
    b.xt_test = transposed(test, a->width[0]);
  }
  if ((rc = ibsh_run_reserve_epochs(run, (size_t)(run->epochs + cfg->epochs)))) goto done;
  int ranks = cfg->chunk ? b.dist.chain.size : 1;   /* several ranks on a machine already use its cores */
  if (!run->net && !cfg->batch_metrics && !cfg->checkpoint && cfg->epochs > 1 && ranks == 1 && ibsh_threads() > 1)
    b.eval = run_eval_start(a, b.evalwork.cap, train, b.xt_train, test, b.xt_test);
  long start = run->epochs, step_prev = 0;
  ibsh_rng rng_prev = run->rng;
  int pending = 0;   /* the helper holds the metrics of epoch run->epochs */
  double t0 = now();
  for (long i = 0; i < cfg->epochs; i++) {
    if (cfg->snap[i] && (rc = ibsh_run_add_snapshot(run, start + i, run->params))) goto done;
    double *tmp = b.save_prev; b.save_prev = b.save; b.save = tmp;
    save_state(run, b.save);
    long step0 = run->step, nbatches = 0;
    ibsh_rng rng0 = run->rng;
    rc = train_epoch(run, cfg, train, &b, batch, &nbatches);
    if (pending) {   /* the previous epoch's metrics: roll it back too if its loss is not finite */
      run_eval_wait(b.eval);
      pending = 0;
      double loss = run->train_loss[run->epochs - 1];
      if (!isfinite(loss)) {
        restore_state(run, b.save_prev);
        run->step = step_prev;
        run->rng = rng_prev;
        run->epochs--;
        if (run->nsnap && run->snap_epoch[run->nsnap - 1] == start + i) run->nsnap--;
        rc = diverged(loss, run->epochs + 1);
        goto done;
      }
      if (cfg->progress) cfg->progress(cfg->progress_ud, run, run->epochs, start + cfg->epochs, now() - t0);
      /* an interrupt by then (in one thread it would have stopped the loop before this epoch) rolls this epoch back */
      if (rc == IBSH_OK && ibsh_interrupted()) rc = ibsh_fail(IBSH_EINTR, "interrupted");
    }
    if (rc == IBSH_OK) {
      run->epochs++;
      record_epoch(run, cfg, train, test, &b, nbatches);
      if (b.eval) {
        submit_eval(run, &b);
        pending = 1;
      } else {
        double loss = run->train_loss[run->epochs - 1];
        if (!isfinite(loss)) {
          run->epochs--;
          rc = diverged(loss, run->epochs + 1);
        }
      }
    }
    if (rc != IBSH_OK) {
      restore_state(run, b.save);
      run->step = step0;
      run->rng = rng0;
      goto done;
    }
    step_prev = step0;
    rng_prev = rng0;
    if (cfg->progress && !b.eval) cfg->progress(cfg->progress_ud, run, run->epochs, start + cfg->epochs, now() - t0);
    if (cfg->checkpoint) {
      /* the snapshot that the next epoch (or the end) would take is taken now, so that a checkpoint holds it */
      if (cfg->snap[i + 1] && (rc = ibsh_run_add_snapshot(run, run->epochs, run->params))) goto done;
      if ((rc = cfg->checkpoint(cfg->checkpoint_ud, run, run->epochs, start + cfg->epochs))) goto done;
    }
  }
  if (pending) {
    run_eval_wait(b.eval);
    pending = 0;
    double loss = run->train_loss[run->epochs - 1];
    if (!isfinite(loss)) {
      restore_state(run, b.save);
      run->step = step_prev;
      run->rng = rng_prev;
      run->epochs--;
      rc = diverged(loss, run->epochs + 1);
      goto done;
    }
    if (cfg->progress) cfg->progress(cfg->progress_ud, run, run->epochs, start + cfg->epochs, now() - t0);
  }
  if (cfg->snap[cfg->epochs]) rc = ibsh_run_add_snapshot(run, run->epochs, run->params);
done:
  fit_buffers_free(&b);
  return rc;
}

/* The epochs of np.unique(np.logspace(0, log2(total), count, base=2, dtype=int)) - 1 (see run.h). */
size_t ibsh_log_epochs(long total, long count, long *out, size_t cap) {
  if (total < 1 || count < 1) return 0;
  double stop = log2((double)total), step = count > 1 ? stop / (double)(count - 1) : 0;
  size_t k = 0;
  long last = -1;
  for (long i = 0; i < count; i++) {
    double y = i == count - 1 && count > 1 ? stop : (double)i * step;
    long v = (long)pow(2.0, y) - 1;
    if (v <= last) continue;  /* values are nondecreasing, so this is np.unique */
    last = v;
    if (k < cap) out[k] = v;
    k++;
  }
  return k;
}
