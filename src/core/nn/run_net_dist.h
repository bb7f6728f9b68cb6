/*
** Internal: data-parallel batches of layer networks (nn.net) for run_net.c. A batch's blocks of IBSH_NET_BLOCK rows
** (the units whose partial gradients every pass sums in block order) are split into contiguous shares, one per MPI
** rank; each rank runs the pass of its share, the block partials are added in block order along the chain of ranks
** (run_chain.h), and batch normalisation's sums over the batch travel the same chain in row order. The gradient has
** the bits of distributed = false for any rank count. See doc/nn.md ("Data-parallel training").
*/
#ifndef IBSH_RUN_NET_DIST_H
#define IBSH_RUN_NET_DIST_H

#include "ibsh/net.h"
#include "ibsh/run.h"
#include "run_chain.h"

typedef struct run_net_dist {
  run_chain chain;            /* this process among the MPI ranks */
  ibsh_net_work work;         /* passes over this rank's share of a batch */
  void *gbn;                  /* batch norm gradients of a share pass (nparams, dtype) */
  double *extra;              /* per block of the share: loss sum, correct count */
  double *xb, *tb;            /* the share's gathered rows (shuffled batches) */
  int32_t *lb;
} run_net_dist;

/* Set up data-parallel batches of up to batch rows of net (MPI initialised if active). */
int run_net_dist_init(run_net_dist *d, const ibsh_net *net, size_t batch);

/* Free the buffers. */
void run_net_dist_free(run_net_dist *d);

/* Rows s..s+n-1 of tr (through perm when it is not NULL, gathered into xb, tb, lb; d0 inputs and K targets per row)
   as *x, *t, *lab. */
void run_net_rows(const ibsh_data_view *tr, const size_t *perm, size_t s, size_t n, double *xb, double *tb,
                  int32_t *lb, size_t d0, size_t K, const double **x, const double **t, const int32_t **lab);

/* The gradient (grad: nparams, dtype) of the mean loss over rows s..s+n-1 of tr (rows perm[s + i] when perm is not
   NULL) with parameters p (dtype) over all ranks, batch norm's new running statistics in stats; adds the batch's loss
   sum and correct count to *loss and *correct; *stop is set when any rank saw an interrupt. */
int run_net_dist_batch(run_net_dist *d, const ibsh_net *net, const void *p, const ibsh_data_view *tr,
                       const size_t *perm, size_t s, size_t n, uint64_t seed, void *grad, void *stats, double *loss,
                       size_t *correct, int *stop);

#endif
