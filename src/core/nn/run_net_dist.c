/*
** Data-parallel batches of layer networks (see run_net_dist.h): rank r of N holds the blocks r·m/N .. (r+1)·m/N - 1
** of a batch of m blocks, runs their pass as a share of the batch, and adds its block partials to the running sum
** of the ranks before it; batch normalisation's per-channel sums are carried along the ranks the same way.
*/
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "run_net_dist.h"

/* Set up data-parallel batches (see run_net_dist.h). */
int run_net_dist_init(run_net_dist *d, const ibsh_net *net, size_t batch) {
  memset(d, 0, sizeof *d);
  int rc = run_chain_init(&d->chain);
  if (rc) return rc;
  size_t N = (size_t)d->chain.size, blocks = (batch + IBSH_NET_BLOCK - 1) / IBSH_NET_BLOCK;
  size_t maxlocal = (blocks + N - 1) / N, cap = maxlocal * IBSH_NET_BLOCK;   /* batch >= 1: at least one block */
  size_t d0 = ibsh_net_size(net, 0), K = ibsh_net_size(net, net->nlayers);
  size_t es = net->dtype == IBSH_F32 ? sizeof(float) : sizeof(double);
  if ((rc = ibsh_net_work_alloc(&d->work, net, cap, 1))) return rc;
  if (N > 1 && !getenv("IBSH_THREADS")) d->work.nworkers = 1;   /* one rank per core: no threads beside the ranks */
  int ok = (d->gbn = malloc(net->nparams * es)) && (d->extra = malloc(maxlocal * 2 * sizeof(double))) &&
           (d->xb = malloc(cap * d0 * sizeof(double))) && (d->tb = malloc(cap * K * sizeof(double))) &&
           (d->lb = malloc(cap * sizeof(int32_t)));
  if (!ok) {
    run_net_dist_free(d);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for data-parallel batches");
  }
  return IBSH_OK;
}

/* Free the buffers. */
void run_net_dist_free(run_net_dist *d) {
  ibsh_net_work_free(&d->work);
  free(d->gbn); free(d->extra); free(d->xb); free(d->tb); free(d->lb);
  memset(d, 0, sizeof *d);
}

/* Rows s..s+n-1 of tr (through perm when it is not NULL, gathered into xb, tb, lb) as *x, *t, *lab. */
void run_net_rows(const ibsh_data_view *tr, const size_t *perm, size_t s, size_t n, double *xb, double *tb,
                  int32_t *lb, size_t d0, size_t K, const double **x, const double **t, const int32_t **lab) {
  *x = tr->x + s * d0;
  *t = tr->t + s * K;
  *lab = tr->labels ? tr->labels + s : NULL;
  if (!perm) return;
  for (size_t i = 0; i < n; i++) {
    size_t r = perm[s + i];
    memcpy(xb + i * d0, tr->x + r * d0, d0 * sizeof(double));
    memcpy(tb + i * K, tr->t + r * K, K * sizeof(double));
    if (tr->labels) lb[i] = tr->labels[r];
  }
  *x = xb;
  *t = tb;
  if (tr->labels) *lab = lb;
}

/* Batch norm sums of a share: the running sums of the ranks before (zeros on rank 0). */
static void share_begin(void *ud, double *v, size_t n) {
  run_chain_recv((const run_chain *)ud, 0, v, n);
}

/* Batch norm sums of a share: on to the next rank, then the totals from the last. */
static void share_end(void *ud, double *v, size_t n) {
  const run_chain *c = ud;
  run_chain_send(c, 0, v, n);
  run_chain_bcast(c, 0, v, n);
}

/* One batch over all ranks (see run_net_dist.h). */
int run_net_dist_batch(run_net_dist *d, const ibsh_net *net, const void *p, const ibsh_data_view *tr,
                       const size_t *perm, size_t s, size_t n, uint64_t seed, void *grad, void *stats, double *loss,
                       size_t *correct, int *stop) {
  size_t m = (n + IBSH_NET_BLOCK - 1) / IBSH_NET_BLOCK, N = (size_t)d->chain.size, r = (size_t)d->chain.rank;
  size_t b0 = r * m / N, b1 = (r + 1) * m / N, r0 = b0 * IBSH_NET_BLOCK, r1 = b1 * IBSH_NET_BLOCK < n ? b1 * IBSH_NET_BLOCK : n;
  size_t d0 = ibsh_net_size(net, 0), K = ibsh_net_size(net, net->nlayers), np = net->nparams;
  int f32 = net->dtype == IBSH_F32;
  const double *x, *t;
  const int32_t *lab;
  run_net_rows(tr, perm, s + r0, r1 - r0, d->xb, d->tb, d->lb, d0, K, &x, &t, &lab);
  ibsh_net_share share = {r0, n, share_begin, share_end, &d->chain};
  ibsh_net_train_share(net, p, x, t, lab, r1 - r0, seed, &share, &d->work, d->gbn, stats);
  run_chain_fold(&d->chain, f32, grad, d->work.parts, b1 - b0, np, np);
  size_t es = f32 ? sizeof(float) : sizeof(double);
  for (int l = 0; l < net->nlayers; l++) {   /* batch norm's gradients: already the batch's on every rank */
    const ibsh_layer *y = &net->layer[l];
    if (y->kind != IBSH_LAYER_BATCHNORM) continue;
    memcpy((char *)grad + y->woff * es, (const char *)d->gbn + y->woff * es, y->nw * es);
    memcpy((char *)grad + y->boff * es, (const char *)d->gbn + y->boff * es, y->nb * es);
  }
  for (size_t b = 0; b < b1 - b0; b++) {
    d->extra[2 * b] = d->work.block_loss[b];
    d->extra[2 * b + 1] = (double)d->work.block_correct[b];
  }
  double sums[2];
  run_chain_fold(&d->chain, 0, sums, d->extra, b1 - b0, 2, 2);
  *loss += sums[0];
  *correct += (size_t)sums[1];
  *stop = run_chain_any(&d->chain, ibsh_interrupted());
  return IBSH_OK;
}
