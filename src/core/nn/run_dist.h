/*
** Data-parallel minibatches of dense networks (nn.mlp) for ibsh_run_fit: a batch is cut into chunks of a fixed number
** of rows, independent of the number of MPI ranks; each rank computes the gradients of a contiguous range of chunks,
** and the per-chunk partials are added in chunk order (the ordered chain of run_chain.h), so the summed gradient has
** the same bits for any rank count and without MPI. Layer networks use their blocks instead (run_net_dist.c). See
** doc/nn.md ("Data-parallel training").
*/
#ifndef IBSH_NN_RUN_DIST_H
#define IBSH_NN_RUN_DIST_H

#include "ibsh/run.h"
#include "run_chain.h"

typedef struct run_dist {
  run_chain chain;            /* this process among the MPI ranks */
  size_t chunk, maxlocal;     /* rows per chunk; chunks of one batch a rank may hold */
  size_t nelem;               /* reduced values: nparams, loss sum, correct count */
  ibsh_nn_work work;          /* scratch for one chunk */
  double *part;               /* maxlocal x nelem: this rank's chunk partials */
  double *acc;                /* nelem: the ordered sum */
  double *xb, *tb;            /* a chunk's gathered rows (feature-major inputs, targets) */
  int32_t *lb;                /* a chunk's gathered labels */
} run_dist;

/* Set up data-parallel batches of up to batch rows cut into chunks of chunk rows (MPI initialised if active). */
int run_dist_init(run_dist *d, const ibsh_arch *a, size_t batch, size_t chunk);

/* Free the buffers. */
void run_dist_free(run_dist *d);

/* Gradient of the mean loss over rows s..s+n-1 of tr (rows perm[s + i] when perm is not NULL; xt: tr's inputs
   feature-major or NULL) summed in chunk order over all ranks into grad; adds the batch's loss sum and correct
   count to *loss and *correct when metrics is set; *stop is set when any rank saw an interrupt. */
int run_dist_batch(run_dist *d, const ibsh_arch *a, const double *params, const ibsh_data_view *tr,
                   const size_t *perm, const double *xt, size_t s, size_t n, int metrics, double *grad,
                   double *loss, size_t *correct, int *stop);

#endif
