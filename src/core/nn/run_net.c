/*
** Training epochs and evaluation of layer networks (see run_net.h): minibatches gathered row-major, the block-
** parallel pass of net_pass.c (or its share of each batch over MPI ranks, run_net_dist.c), the optimiser step in the
** net's dtype (float32 copies of the parameters and the optimiser state live for one epoch and are exact in the run's
** doubles), batch norm statistics written back.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "run_net.h"

/* Welford update of the mean and M2 of g[off..off+n) with the c-th batch (c >= 1). */
void run_gradstats_add(const double *g, double *mean, double *m2, size_t off, size_t n, long c) {
  double inv = 1.0 / (double)c;
  for (size_t i = off; i < off + n; i++) {
    double d = g[i] - mean[i];
    mean[i] += d * inv;
    m2[i] += d * (g[i] - mean[i]);
  }
}

/* The weight range of weight layer l of the run. */
void run_weight_range(const ibsh_run *run, int l, size_t *off, size_t *n) {
  if (run->net) { ibsh_net_weight_range(run->net, l, off, n); return; }
  *off = run->arch.woff[l];
  *n = run->arch.width[l] * run->arch.width[l + 1];
}

/* Allocate the buffers (see run_net.h). */
int run_net_alloc(run_net_state *s, const ibsh_run *run, size_t batch, size_t evalcap, int distributed) {
  memset(s, 0, sizeof *s);
  const ibsh_net *net = run->net;
  size_t np = net->nparams, es = net->dtype == IBSH_F32 ? sizeof(float) : sizeof(double);
  size_t d0 = ibsh_net_size(net, 0), K = ibsh_net_size(net, net->nlayers), rows = distributed ? 1 : batch;
  int rc = distributed ? run_net_dist_init(&s->dist, net, batch) : ibsh_net_work_alloc(&s->work, net, batch, 1);
  s->distributed = distributed;
  if (rc || ibsh_net_work_alloc(&s->evalwork, net, evalcap, 0)) {
    run_net_free(s);
    return rc ? rc : IBSH_ENOMEM;
  }
  if (distributed) s->evalwork.nworkers = s->dist.work.nworkers;   /* the ranks' thread count (run_net_dist_init) */
  int ok = (s->g = malloc(np * es)) && (s->stats = malloc(np * es)) && (s->gd = malloc(np * sizeof(double))) &&
           (s->xb = malloc(rows * d0 * sizeof(double))) && (s->tb = malloc(rows * K * sizeof(double))) &&
           (s->lb = malloc(rows * sizeof(int32_t)));
  if (ok && net->dtype == IBSH_F32)
    ok = (s->p = malloc(np * es)) && (s->m = malloc(np * es)) && (s->v = malloc(np * es));
  if (!ok) {
    run_net_free(s);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for training buffers");
  }
  if (net->dtype == IBSH_F32) ibsh_f64_to_f32(run->params, s->p, np);
  return IBSH_OK;
}

/* Free the buffers. */
void run_net_free(run_net_state *s) {
  ibsh_net_work_free(&s->work);
  ibsh_net_work_free(&s->evalwork);
  run_net_dist_free(&s->dist);
  free(s->p); free(s->m); free(s->v); free(s->g); free(s->stats); free(s->gd); free(s->xb); free(s->tb); free(s->lb);
  memset(s, 0, sizeof *s);
}

/* Copy batch norm running statistics of stats into p (dtype arrays). */
static void copy_stats(const ibsh_net *net, void *p, const void *stats) {
  size_t es = net->dtype == IBSH_F32 ? sizeof(float) : sizeof(double);
  for (int l = 0; l < net->nlayers; l++) {
    const ibsh_layer *y = &net->layer[l];
    if (y->kind == IBSH_LAYER_BATCHNORM)
      memcpy((char *)p + y->soff * es, (const char *)stats + y->soff * es, 2 * y->c * es);
  }
}

/* The seed of one training batch's dropout masks. */
static uint64_t batch_seed(const ibsh_net *net, long epoch, long batch) {
  return net->dropout_seed ^ (0xD1B54A32D192ED03ULL * (uint64_t)(epoch + 1)) ^ (0x94D049BB133111EBULL * (uint64_t)(batch + 1));
}

/* Train one epoch (see run_net.h). */
int run_net_epoch(ibsh_run *run, const ibsh_fit_config *cfg, const ibsh_data_view *tr, run_net_state *s,
                  size_t batch, const size_t *perm, long *nbatches, double *loss, size_t *correct, double *gmean,
                  double *gm2) {
  const ibsh_net *net = run->net;
  int f32 = net->dtype == IBSH_F32, L = ibsh_net_nweighted(net);
  size_t np = net->nparams, d0 = ibsh_net_size(net, 0), K = ibsh_net_size(net, net->nlayers);
  double lr = cfg->optim.lr;
  if (cfg->lr_step > 0) lr *= pow(cfg->lr_gamma, (double)(run->epochs / cfg->lr_step));
  void *p = run->params, *m = run->m, *v = run->v;
  if (f32) {
    ibsh_f64_to_f32(run->params, s->p, np);
    ibsh_f64_to_f32(run->m, s->m, np);
    ibsh_f64_to_f32(run->v, s->v, np);
    p = s->p; m = s->m; v = s->v;
  }
  int rc = IBSH_OK;
  long count = 0;
  for (size_t st = 0; st < tr->n; st += batch) {
    size_t n = tr->n - st < batch ? tr->n - st : batch;
    uint64_t seed = batch_seed(net, run->epochs, count);
    if (s->distributed) {
      int stop = 0;
      if ((rc = run_net_dist_batch(&s->dist, net, p, tr, perm, st, n, seed, s->g, s->stats, loss, correct, &stop))) break;
      if (stop) { rc = ibsh_fail(IBSH_EINTR, "interrupted"); break; }   /* every rank stops at the same batch */
    } else {
      const double *x, *t;
      const int32_t *lab;
      size_t c = 0;
      run_net_rows(tr, perm, st, n, s->xb, s->tb, s->lb, d0, K, &x, &t, &lab);
      *loss += ibsh_net_train_batch(net, p, x, t, lab, n, seed, &s->work, s->g, s->stats, &c);
      *correct += c;
    }
    count++;
    double *gd = f32 ? s->gd : s->g;
    if (f32 && (cfg->gradstats || cfg->weight_decay > 0)) ibsh_f32_to_f64(s->g, s->gd, np);
    for (int l = 0; l < L && cfg->gradstats; l++) {
      size_t off, nw;
      ibsh_net_weight_range(net, l, &off, &nw);
      run_gradstats_add(gd, gmean, gm2, off, nw, count);
    }
    if (cfg->weight_decay > 0) {
      for (int l = 0; l < net->nlayers; l++) {
        const ibsh_layer *y = &net->layer[l];
        if (!y->nw || y->kind == IBSH_LAYER_BATCHNORM) continue;
        for (size_t i = y->woff; i < y->woff + y->nw; i++) {
          if (f32) ((float *)s->g)[i] += (float)(cfg->weight_decay * ((float *)p)[i]);
          else ((double *)s->g)[i] += cfg->weight_decay * ((double *)p)[i];
        }
      }
    }
    if (f32) ibsh_optim_step_f32(&cfg->optim, lr, p, s->g, m, v, np, &run->step);
    else ibsh_optim_step(&cfg->optim, lr, p, s->g, m, v, np, &run->step);
    copy_stats(net, p, s->stats);
    if (!s->distributed && ibsh_interrupted()) { rc = ibsh_fail(IBSH_EINTR, "interrupted"); break; }
  }
  if (f32) {   /* exact: every float is a double */
    ibsh_f32_to_f64(s->p, run->params, np);
    ibsh_f32_to_f64(s->m, run->m, np);
    ibsh_f32_to_f64(s->v, run->v, np);
  }
  *nbatches = count;
  return rc;
}

/* Mean loss and accuracy of the run's current parameters on d (see run_net.h). */
void run_net_evaluate(const ibsh_run *run, run_net_state *s, const ibsh_data_view *d, double *loss, double *acc) {
  const ibsh_net *net = run->net;
  size_t d0 = ibsh_net_size(net, 0), K = ibsh_net_size(net, net->nlayers), cap = s->evalwork.cap, correct = 0;
  const void *p = run->params;
  if (net->dtype == IBSH_F32) {
    ibsh_f64_to_f32(run->params, s->p, net->nparams);
    p = s->p;
  }
  double total = 0;
  for (size_t st = 0; st < d->n; st += cap) {
    size_t n = d->n - st < cap ? d->n - st : cap, c = 0;
    ibsh_net_forward(net, p, d->x + st * d0, n, 0, 0, &s->evalwork);
    total += ibsh_net_loss_sum(net, &s->evalwork, d->t + st * K, d->labels ? d->labels + st : NULL, n, &c);
    correct += c;
  }
  *loss = d->n ? total / (double)d->n : NAN;
  *acc = d->n && d->labels ? (double)correct / (double)d->n : NAN;
}
