/*
** Layer networks: work buffers and the dtype dispatch of passes (the kernels are in net_f64.c and net_f32.c).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/parallel.h"
#include "net_impl.h"

/* Bytes of one value of the net's dtype. */
static size_t value_size(const ibsh_net *net) { return net->dtype == IBSH_F32 ? sizeof(float) : sizeof(double); }

/* Allocate work for passes over up to cap rows (see net.h). */
int ibsh_net_work_alloc(ibsh_net_work *w, const ibsh_net *net, size_t cap, int training) {
  memset(w, 0, sizeof *w);
  if (cap == 0) cap = 1;
  size_t es = value_size(net), maxsize = 0, nb = (cap + IBSH_NET_BLOCK - 1) / IBSH_NET_BLOCK;
  int ok = 1;
  w->cap = cap;
  w->nworkers = ibsh_threads();
  for (int l = 0; l <= net->nlayers; l++) {
    size_t size = ibsh_net_size(net, l);
    if (size > maxsize) maxsize = size;
    ok &= (w->act[l] = malloc(cap * size * es)) != NULL;
    if (l == 0) continue;
    const ibsh_layer *y = &net->layer[l - 1];
    if (y->kind == IBSH_LAYER_BATCHNORM) {
      ok &= (w->xhat[l] = malloc(cap * size * es)) != NULL;
      ok &= (w->bnstat[l] = malloc(4 * y->c * sizeof(double))) != NULL;
    }
    if (y->kind == IBSH_LAYER_DROPOUT) ok &= (w->mask[l] = malloc(cap * size)) != NULL;
  }
  w->scratch_len = net->dtype == IBSH_F32 ? net_scratch_f32(net) : net_scratch_f64(net);
  ok &= (w->scratch = malloc((size_t)w->nworkers * w->scratch_len * es)) != NULL;
  ok &= (w->block_loss = malloc(nb * sizeof(double))) != NULL;
  ok &= (w->block_correct = malloc(nb * sizeof(size_t))) != NULL;
  if (training) {
    w->gstride = maxsize;
    ok &= (w->grad[0] = malloc(nb * IBSH_NET_BLOCK * maxsize * es)) != NULL;
    ok &= (w->grad[1] = malloc(nb * IBSH_NET_BLOCK * maxsize * es)) != NULL;
    ok &= (w->parts = calloc(nb * net->nparams, es)) != NULL;   /* zero where no block writes (batch norm) */
    w->nparts = nb;
  }
  if (!ok) {
    ibsh_net_work_free(w);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for passes of %zu rows", cap);
  }
  return IBSH_OK;
}

/* Free the work buffers. */
void ibsh_net_work_free(ibsh_net_work *w) {
  for (int l = 0; l <= IBSH_NET_MAXLAYERS; l++) { free(w->act[l]); free(w->xhat[l]); free(w->bnstat[l]); free(w->mask[l]); }
  free(w->grad[0]); free(w->grad[1]); free(w->scratch); free(w->parts); free(w->block_loss); free(w->block_correct);
  memset(w, 0, sizeof *w);
}

/* Forward pass of n rows (see net.h). */
void ibsh_net_forward(const ibsh_net *net, const void *params, const double *x, size_t n, int train,
                      uint64_t pass_seed, ibsh_net_work *w) {
  int blas = ibsh_blas_threads(1);   /* OpenBLAS threads would race with ours */
  if (net->dtype == IBSH_F32) net_forward_f32(net, params, x, n, train, pass_seed, w, NULL);
  else net_forward_f64(net, params, x, n, train, pass_seed, w, NULL);
  ibsh_blas_threads(blas);
}

/* Loss of the last forward pass (see net.h). */
double ibsh_net_loss_sum(const ibsh_net *net, const ibsh_net_work *w, const double *t, const int32_t *labels,
                         size_t n, size_t *correct) {
  return net->dtype == IBSH_F32 ? net_loss_sum_f32(net, w, t, labels, n, correct)
                                : net_loss_sum_f64(net, w, t, labels, n, correct);
}

/* One training pass (see net.h). */
double ibsh_net_train_batch(const ibsh_net *net, const void *params, const double *x, const double *t,
                            const int32_t *labels, size_t n, uint64_t pass_seed, ibsh_net_work *w, void *grad,
                            void *stats, size_t *correct) {
  int blas = ibsh_blas_threads(1);   /* OpenBLAS threads would race with ours */
  double loss = net->dtype == IBSH_F32
    ? net_train_batch_f32(net, params, x, t, labels, n, pass_seed, w, grad, stats, correct)
    : net_train_batch_f64(net, params, x, t, labels, n, pass_seed, w, grad, stats, correct);
  ibsh_blas_threads(blas);
  return loss;
}

/* The training pass of one share of a batch (see net.h). */
void ibsh_net_train_share(const ibsh_net *net, const void *params, const double *x, const double *t,
                          const int32_t *labels, size_t n, uint64_t pass_seed, const ibsh_net_share *share,
                          ibsh_net_work *w, void *grad, void *stats) {
  int blas = ibsh_blas_threads(1);   /* OpenBLAS threads would race with ours */
  if (net->dtype == IBSH_F32) net_train_share_f32(net, params, x, t, labels, n, pass_seed, share, w, grad, stats);
  else net_train_share_f64(net, params, x, t, labels, n, pass_seed, share, w, grad, stats);
  ibsh_blas_threads(blas);
}

/* Copy layer l's values after a pass over n rows into out as doubles; the last layer as probabilities for softmax
   and sigmoid outputs. */
void ibsh_net_layer_rows(const ibsh_net *net, const ibsh_net_work *w, int l, size_t n, double *out) {
  size_t size = ibsh_net_size(net, l), m = n * size;
  if (net->dtype == IBSH_F32) ibsh_f32_to_f64((const float *)w->act[l], out, m);
  else memcpy(out, w->act[l], m * sizeof(double));
  if (l != net->nlayers || net->out == IBSH_OUT_LINEAR) return;
  for (size_t i = 0; i < n; i++) {
    double *z = out + i * size, mx = z[0], s = 0;
    if (net->out == IBSH_OUT_SIGMOID) { for (size_t j = 0; j < size; j++) z[j] = 1.0 / (1.0 + exp(-z[j])); continue; }
    for (size_t j = 1; j < size; j++) if (z[j] > mx) mx = z[j];
    for (size_t j = 0; j < size; j++) s += (z[j] = exp(z[j] - mx));
    for (size_t j = 0; j < size; j++) z[j] /= s;
  }
}
