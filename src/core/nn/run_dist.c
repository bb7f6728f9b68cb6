/*
** Data-parallel minibatches of dense networks (see run_dist.h): fixed-size chunks, per-chunk gradient partials, and
** their sum in chunk order along the chain of MPI ranks (run_chain.c). Each element sees the same additions in the
** same order for any rank count, so the weights agree to the last bit with one process.
*/
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "run_dist.h"

/* Set up data-parallel batches of up to batch rows cut into chunks of chunk rows (MPI initialised if active). */
int run_dist_init(run_dist *d, const ibsh_arch *a, size_t batch, size_t chunk) {
  memset(d, 0, sizeof *d);
  if (chunk == 0) return ibsh_fail(IBSH_EINVAL, "the chunk size must be at least 1 row");
  int rc = run_chain_init(&d->chain);
  if (rc) return rc;
  size_t nchunks = (batch + chunk - 1) / chunk;
  d->chunk = chunk < batch ? chunk : batch;
  d->maxlocal = (nchunks + (size_t)d->chain.size - 1) / (size_t)d->chain.size;
  d->nelem = a->nparams + 2;
  size_t d0 = a->width[0], K = a->width[a->nlayers];
  if ((rc = ibsh_nn_work_alloc(&d->work, a, d->chunk))) return rc;
  d->part = malloc((d->maxlocal ? d->maxlocal : 1) * d->nelem * sizeof(double));
  d->acc = malloc(d->nelem * sizeof(double));
  d->xb = malloc(d->chunk * d0 * sizeof(double));
  d->tb = malloc(d->chunk * K * sizeof(double));
  d->lb = malloc(d->chunk * sizeof(int32_t));
  if (!d->part || !d->acc || !d->xb || !d->tb || !d->lb) {
    run_dist_free(d);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu chunk gradients of %zu parameters", d->maxlocal, a->nparams);
  }
  return IBSH_OK;
}

/* Free the buffers. */
void run_dist_free(run_dist *d) {
  ibsh_nn_work_free(&d->work);
  free(d->part); free(d->acc); free(d->xb); free(d->tb); free(d->lb);
  memset(d, 0, sizeof *d);
}

/* Forward and backward pass of one chunk (rows s..s+n-1 of the batch order) into p (nelem values): the gradient of
   the chunk's mean loss times n / nbatch, then its loss sum and correct count (the sums the batch needs). */
static void chunk_grad(run_dist *d, const ibsh_arch *a, const double *params, const ibsh_data_view *tr,
                       const size_t *perm, const double *xt, size_t s, size_t n, size_t nbatch, int metrics,
                       double *p) {
  size_t d0 = a->width[0], K = a->width[a->nlayers], np = a->nparams;
  const double *t = tr->t + s * K;
  const int32_t *lab = tr->labels ? tr->labels + s : NULL;
  if (perm) {
    for (size_t i = 0; i < n; i++) {
      size_t r = perm[s + i];
      for (size_t f = 0; f < d0; f++) d->xb[f * n + i] = tr->x[r * d0 + f];
      memcpy(d->tb + i * K, tr->t + r * K, K * sizeof(double));
      if (lab) d->lb[i] = tr->labels[r];
    }
    t = d->tb;
    if (lab) lab = d->lb;
    ibsh_nn_forward_cols(a, params, d->xb, n, n, &d->work);
  } else if (xt) {
    ibsh_nn_forward_cols(a, params, xt + s, tr->n, n, &d->work);
  } else {
    ibsh_nn_forward(a, params, tr->x + s * d0, n, &d->work);
  }
  size_t c = 0;
  p[np] = metrics ? ibsh_nn_loss_sum(a, &d->work, t, lab, n, &c) : 0.0;
  p[np + 1] = (double)c;
  ibsh_nn_backward(a, params, t, n, &d->work, p);
  double w = (double)n / (double)nbatch;
  if (n != nbatch)
    for (size_t i = 0; i < np; i++) p[i] *= w;
}

/* Summed gradient of one batch over all ranks (see run_dist.h). */
int run_dist_batch(run_dist *d, const ibsh_arch *a, const double *params, const ibsh_data_view *tr,
                   const size_t *perm, const double *xt, size_t s, size_t n, int metrics, double *grad,
                   double *loss, size_t *correct, int *stop) {
  size_t C = d->chunk, m = (n + C - 1) / C, N = (size_t)d->chain.size, r = (size_t)d->chain.rank;
  size_t c0 = r * m / N, c1 = (r + 1) * m / N, np = a->nparams, nelem = d->nelem;
  for (size_t c = c0; c < c1; c++) {
    size_t lo = c * C, cnt = n - lo < C ? n - lo : C;
    chunk_grad(d, a, params, tr, perm, xt, s + lo, cnt, n, metrics, d->part + (c - c0) * nelem);
  }
  run_chain_fold(&d->chain, 0, d->acc, d->part, c1 - c0, nelem, nelem);
  memcpy(grad, d->acc, np * sizeof(double));
  *loss += d->acc[np];
  *correct += (size_t)d->acc[np + 1];
  *stop = run_chain_any(&d->chain, ibsh_interrupted());
  return IBSH_OK;
}
