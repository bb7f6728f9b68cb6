/*
** Template (after net_layers_t.h, same R and SFX): whole passes of a layer network. The rows are cut into blocks of
** IBSH_NET_BLOCK; a stage runs a chain of row-local layers (forward, the loss, then backward) for every block as one
** parallel task. Batch normalisation in training mode couples the rows, so it runs between stages over the whole
** batch (or, for a share of a batch in data-parallel training, with its sums carried from share to share in row
** order: see ibsh_net_share). Partial weight gradients of the blocks are summed in block order.
*/

/* The gradient buffer holding d(act[l]), shifted for block b: rows i of block b (i0 <= i < i1) are at + i * size. Each
   block owns its region of IBSH_NET_BLOCK x (largest size) values, so layers of other sizes in the other buffer of the
   pair never overlap another block's rows. */
static R *SFX(gbuf)(const ibsh_net *net, ibsh_net_work *wk, int l, size_t b) {
  size_t size = ibsh_net_size(net, l);
  return (R *)wk->grad[l & 1] + b * IBSH_NET_BLOCK * (wk->gstride - size);
}

/* Address of row i of d(act[l]) (size values) in the block regions. */
static R *SFX(grow)(ibsh_net_work *wk, int l, size_t size, size_t i) {
  return (R *)wk->grad[l & 1] + (i / IBSH_NET_BLOCK) * IBSH_NET_BLOCK * wk->gstride + (i % IBSH_NET_BLOCK) * size;
}

/* Start a sum over the whole batch in v (n values): the running sums of the shares before this one, or zeros. */
static void SFX(share_begin)(const ibsh_net_share *sh, double *v, size_t n) {
  if (sh) sh->begin(sh->ud, v, n);
  else memset(v, 0, n * sizeof(double));
}

/* Finish a sum over the whole batch: pass v on to the shares after this one and get the totals back. */
static void SFX(share_end)(const ibsh_net_share *sh, double *v, size_t n) {
  if (sh) sh->end(sh->ud, v, n);
}

/* Batch normalisation forward over n rows of a batch of nbatch (training mode; sh: the share of the batch, or NULL
   for all of it): batch statistics, summed in row order, normalised values kept for the backward pass, new running
   statistics written into stats. */
static void SFX(bn_train_forward)(const ibsh_layer *y, const R *p, ibsh_net_work *wk, int l, size_t n, size_t nbatch,
                                  const ibsh_net_share *sh, R *stats) {
  size_t C = y->c, P = y->h * y->w, N = nbatch * P;
  const R *in = (const R *)wk->act[l - 1];
  R *out = (R *)wk->act[l], *xh = (R *)wk->xhat[l];
  double *mean = (double *)wk->bnstat[l];
  SFX(share_begin)(sh, mean, C);                   /* sums of the values, then the means */
  for (size_t ci = 0; ci < C; ci++) {
    double s = mean[ci];
    for (size_t i = 0; i < n; i++) {
      const R *x = in + (i * C + ci) * P;
      for (size_t q = 0; q < P; q++) s += x[q];
    }
    mean[ci] = s;
  }
  SFX(share_end)(sh, mean, C);
  for (size_t ci = 0; ci < C; ci++) mean[ci] /= (double)N;
  double *sq = mean + C;                           /* sums of squared deviations, then 1/std */
  SFX(share_begin)(sh, sq, C);
  for (size_t ci = 0; ci < C; ci++) {
    double s2 = sq[ci], m = mean[ci];
    for (size_t i = 0; i < n; i++) {
      const R *x = in + (i * C + ci) * P;
      for (size_t q = 0; q < P; q++) { double d = x[q] - m; s2 += d * d; }
    }
    sq[ci] = s2;
  }
  SFX(share_end)(sh, sq, C);
  for (size_t ci = 0; ci < C; ci++) {
    double mn = mean[ci], var = sq[ci] / (double)N, inv = 1.0 / sqrt(var + NET_BN_EPS);
    double g = p[y->woff + ci], b = p[y->boff + ci];
    sq[ci] = inv;
    for (size_t i = 0; i < n; i++) {
      const R *x = in + (i * C + ci) * P;
      R *o = out + (i * C + ci) * P, *xo = xh + (i * C + ci) * P;
      for (size_t q = 0; q < P; q++) {
        double v = (x[q] - mn) * inv;
        xo[q] = (R)v;
        o[q] = (R)(g * v + b);
      }
    }
    if (stats) {
      double unbiased = N > 1 ? var * (double)N / (double)(N - 1) : var;
      stats[y->soff + ci] = (R)((1 - NET_BN_MOMENTUM) * p[y->soff + ci] + NET_BN_MOMENTUM * mn);
      stats[y->soff + C + ci] = (R)((1 - NET_BN_MOMENTUM) * p[y->soff + C + ci] + NET_BN_MOMENTUM * unbiased);
    }
  }
}

/* Batch normalisation backward over n rows of a batch of nbatch (sh: the share, or NULL): gamma and beta gradients
   (sums over the batch in row order) into grad, the input gradient of the n rows into gin. */
static void SFX(bn_train_backward)(const ibsh_layer *y, const R *p, ibsh_net_work *wk, int l, size_t n, size_t nbatch,
                                   const ibsh_net_share *sh, int want_gin, R *grad) {
  size_t C = y->c, P = y->h * y->w, N = nbatch * P;
  const R *xh = (const R *)wk->xhat[l];
  const double *st = (const double *)wk->bnstat[l];
  double *sums = (double *)wk->bnstat[l] + 2 * C;   /* per channel: sum of g, sum of g x normalised value */
  SFX(share_begin)(sh, sums, 2 * C);
  for (size_t ci = 0; ci < C; ci++) {
    double sg = sums[2 * ci], sgx = sums[2 * ci + 1];
    for (size_t i = 0; i < n; i++) {
      const R *g = SFX(grow)(wk, l, C * P, i) + ci * P, *x = xh + (i * C + ci) * P;
      for (size_t q = 0; q < P; q++) { sg += g[q]; sgx += (double)g[q] * x[q]; }
    }
    sums[2 * ci] = sg;
    sums[2 * ci + 1] = sgx;
  }
  SFX(share_end)(sh, sums, 2 * C);
  for (size_t ci = 0; ci < C; ci++) {
    double sg = sums[2 * ci], sgx = sums[2 * ci + 1];
    grad[y->woff + ci] = (R)sgx;
    grad[y->boff + ci] = (R)sg;
    if (!want_gin) continue;
    double k = (double)p[y->woff + ci] * st[C + ci] / (double)N;
    for (size_t i = 0; i < n; i++) {
      const R *g = SFX(grow)(wk, l, C * P, i) + ci * P, *x = xh + (i * C + ci) * P;
      R *d = SFX(grow)(wk, l - 1, C * P, i) + ci * P;
      for (size_t q = 0; q < P; q++) d[q] = (R)(k * ((double)N * g[q] - sg - x[q] * sgx));
    }
  }
}

/* Numerically stable log(1 + exp(z)). */
static double SFX(softplus)(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

/* Loss of rows [i0, i1) of the logits z (K per row) against targets t; counts correct rows; when dz is given, writes
   the gradient of the mean loss over nbatch rows with respect to the logits. */
static double SFX(loss_rows)(int out, const R *z, size_t K, const double *t, const int32_t *labels, size_t i0,
                             size_t i1, size_t nbatch, R *dz, size_t *correct) {
  double total = 0;
  size_t ok = 0;
  for (size_t i = i0; i < i1; i++) {
    const R *zi = z + i * K;
    const double *ti = t + i * K;
    double li = 0, mx = zi[0], lse = 0;
    size_t best = 0;
    for (size_t j = 1; j < K; j++) if (zi[j] > zi[best]) best = j;
    if (out == IBSH_OUT_SOFTMAX) {
      mx = zi[best];
      for (size_t j = 0; j < K; j++) lse += exp((double)zi[j] - mx);
      lse = mx + log(lse);
      for (size_t j = 0; j < K; j++) {
        if (ti[j] != 0) li -= ti[j] * ((double)zi[j] - lse);
        if (dz) dz[i * K + j] = (R)((exp((double)zi[j] - lse) - ti[j]) / (double)nbatch);
      }
    } else if (out == IBSH_OUT_SIGMOID) {
      for (size_t j = 0; j < K; j++) {
        li += ti[j] * SFX(softplus)(-(double)zi[j]) + (1.0 - ti[j]) * SFX(softplus)(zi[j]);
        if (dz) dz[i * K + j] = (R)((1.0 / (1.0 + exp(-(double)zi[j])) - ti[j]) / (double)nbatch);
      }
    } else {
      for (size_t j = 0; j < K; j++) {
        double d = (double)zi[j] - ti[j];
        li += d * d;
        if (dz) dz[i * K + j] = (R)(2.0 * d / ((double)nbatch * (double)K));
      }
      li /= (double)K;
    }
    total += li;
    if (labels) {
      int32_t pred = K == 1 ? (out == IBSH_OUT_LINEAR ? zi[0] >= 0.5 : zi[0] >= 0) : (int32_t)best;
      ok += pred == labels[i];
    }
  }
  *correct += ok;
  return total;
}

/* What one stage does for every block. */
typedef struct SFX(stage) {
  const ibsh_net *net;
  const R *p;
  ibsh_net_work *wk;
  size_t n, nbatch, row0;      /* rows of the pass; of its batch (the loss is a mean over them); index of row 0 */
  int train;
  uint64_t seed;
  int f0, f1;                  /* forward layers f0..f1 (f0 > f1: none) */
  int loss;                    /* then the loss and its gradient */
  const double *t;
  const int32_t *labels;
  int b0, b1;                  /* then backward layers b0 down to b1 (b0 < b1: none) */
} SFX(stage);

/* One block of a stage (a parallel task). */
static void SFX(stage_task)(void *ctx, size_t b, int worker) {
  const SFX(stage) *s = ctx;
  const ibsh_net *net = s->net;
  ibsh_net_work *wk = s->wk;
  size_t i0 = b * IBSH_NET_BLOCK, i1 = i0 + IBSH_NET_BLOCK < s->n ? i0 + IBSH_NET_BLOCK : s->n;
  R *scratch = (R *)wk->scratch + (size_t)worker * wk->scratch_len;
  for (int l = s->f0; l <= s->f1; l++) SFX(layer_forward)(net, l, s->p, wk, s->train, s->seed, s->row0, i0, i1, scratch);
  if (s->loss) {
    int L = net->nlayers;
    size_t K = ibsh_net_size(net, L);
    wk->block_correct[b] = 0;
    wk->block_loss[b] = SFX(loss_rows)(net->out, (const R *)wk->act[L], K, s->t, s->labels, i0, i1, s->nbatch,
                                       SFX(gbuf)(net, wk, L, b), &wk->block_correct[b]);
  }
  R *part = (R *)wk->parts + b * net->nparams;
  for (int l = s->b0; l >= s->b1; l--) {
    R *gin = l - 1 > net->first_weighted ? SFX(gbuf)(net, wk, l - 1, b) : NULL;
    SFX(layer_backward)(net, l, s->p, wk, SFX(gbuf)(net, wk, l, b), gin, part, i0, i1, scratch);
  }
}

/* Run a stage over all blocks of n rows. */
static void SFX(run_stage)(SFX(stage) *s) {
  size_t nb = (s->n + IBSH_NET_BLOCK - 1) / IBSH_NET_BLOCK;
  if (nb <= 1 || s->wk->nworkers == 1) {
    for (size_t b = 0; b < nb; b++) SFX(stage_task)(s, b, 0);
    return;
  }
  ibsh_parallel_run(nb, s->wk->nworkers, SFX(stage_task), s);
}

/* Copy n rows of doubles into the inputs of wk in the dtype. */
static void SFX(load_inputs)(const ibsh_net *net, const double *x, size_t n, ibsh_net_work *wk) {
  R *a = (R *)wk->act[0];
  size_t m = n * ibsh_net_size(net, 0);
  for (size_t i = 0; i < m; i++) a[i] = (R)x[i];
}

/* Forward pass of n rows (see ibsh_net_forward). */
static void SFX(forward)(const ibsh_net *net, const R *p, const double *x, size_t n, int train, uint64_t seed,
                         ibsh_net_work *wk, R *stats) {
  SFX(load_inputs)(net, x, n, wk);
  SFX(stage) s = {net, p, wk, n, n, 0, train, seed, 1, 0, 0, NULL, NULL, 0, 1};
  for (int l = 1; l <= net->nlayers; l++) {
    if (!train || net->layer[l - 1].kind != IBSH_LAYER_BATCHNORM) continue;
    s.f1 = l - 1;
    SFX(run_stage)(&s);
    SFX(bn_train_forward)(&net->layer[l - 1], p, wk, l, n, n, NULL, stats);
    s.f0 = l + 1;
  }
  s.f1 = net->nlayers;
  SFX(run_stage)(&s);
}

/* The forward, loss and backward passes of n rows: a whole training batch (sh NULL) or a share of one. Leaves the
   blocks' partial gradients in wk->parts and their losses in wk->block_loss and block_correct; grad gets batch
   norm's gradients (zeros elsewhere), stats its new running statistics. */
static void SFX(train_pass)(const ibsh_net *net, const R *p, const double *x, const double *t, const int32_t *labels,
                            size_t n, uint64_t seed, const ibsh_net_share *sh, ibsh_net_work *wk, R *grad, R *stats) {
  int L = net->nlayers, lastbn = 0;
  size_t nbatch = sh ? sh->nbatch : n, row0 = sh ? sh->row0 : 0;
  for (int l = 1; l <= L; l++) if (net->layer[l - 1].kind == IBSH_LAYER_BATCHNORM) lastbn = l;
  SFX(load_inputs)(net, x, n, wk);
  SFX(stage) s = {net, p, wk, n, nbatch, row0, 1, seed, 1, 0, 0, t, labels, 0, 1};
  for (int l = 1; l <= lastbn; l++) {   /* forward up to the last batch norm */
    if (net->layer[l - 1].kind != IBSH_LAYER_BATCHNORM) continue;
    s.f1 = l - 1;
    SFX(run_stage)(&s);
    SFX(bn_train_forward)(&net->layer[l - 1], p, wk, l, n, nbatch, sh, stats);
    s.f0 = l + 1;
  }
  s.f1 = L;                             /* the rest forward, the loss, and backward down to after the last batch norm */
  s.loss = 1;
  s.b0 = L;
  s.b1 = lastbn + 1;
  SFX(run_stage)(&s);
  memset(grad, 0, net->nparams * sizeof(R));
  for (int l = lastbn; l >= 1; l--) {   /* batch norms over the whole batch, row-local stages between them */
    if (net->layer[l - 1].kind != IBSH_LAYER_BATCHNORM) continue;
    SFX(bn_train_backward)(&net->layer[l - 1], p, wk, l, n, nbatch, sh, l - 1 > net->first_weighted, grad);
    int prev = 0;
    for (int j = l - 1; j >= 1; j--) if (net->layer[j - 1].kind == IBSH_LAYER_BATCHNORM) { prev = j; break; }
    SFX(stage) sb = {net, p, wk, n, nbatch, row0, 1, seed, 1, 0, 0, NULL, NULL, l - 1, prev + 1};
    if (l - 1 > net->first_weighted || l - 1 >= prev + 1) SFX(run_stage)(&sb);
  }
}

/* One training pass (see ibsh_net_train_batch). */
static double SFX(train_batch)(const ibsh_net *net, const R *p, const double *x, const double *t,
                               const int32_t *labels, size_t n, uint64_t seed, ibsh_net_work *wk, R *grad, R *stats,
                               size_t *correct) {
  SFX(train_pass)(net, p, x, t, labels, n, seed, NULL, wk, grad, stats);
  int L = net->nlayers;
  size_t nb = (n + IBSH_NET_BLOCK - 1) / IBSH_NET_BLOCK;
  double loss = 0;
  for (size_t b = 0; b < nb; b++) { loss += wk->block_loss[b]; *correct += wk->block_correct[b]; }
  for (int l = 0; l < L; l++) {          /* the blocks' weight gradients, summed in block order */
    const ibsh_layer *y = &net->layer[l];
    if (!y->nw || y->kind == IBSH_LAYER_BATCHNORM) continue;
    for (size_t b = 0; b < nb; b++) {
      const R *part = (const R *)wk->parts + b * net->nparams;
      for (size_t i = y->woff; i < y->woff + y->nw + y->nb; i++) grad[i] += part[i];
    }
  }
  return loss;
}
