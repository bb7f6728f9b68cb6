/*
** Internal: training epochs and whole-set evaluation of layer networks (run->net) for the training loop of run.c,
** which keeps the snapshots, metrics, rollback and checkpoints common to both kinds of network.
*/
#ifndef IBSH_RUN_NET_H
#define IBSH_RUN_NET_H

#include "ibsh/net.h"
#include "ibsh/run.h"
#include "run_net_dist.h"

/* Buffers of one fit of a layer network: work, parameter/optimiser copies in the dtype, batch rows. */
typedef struct run_net_state {
  ibsh_net_work work, evalwork;   /* work: passes over whole batches (not allocated for data-parallel fits) */
  run_net_dist dist;         /* data-parallel batches (distributed = true) */
  int distributed;
  void *p, *m, *v;           /* float32 copies of run->params, m, v during an epoch (NULL for float64) */
  void *g, *stats;           /* gradient and batch norm running statistics of a batch (dtype) */
  double *gd;                /* the gradient as doubles (float32 nets, for statistics and weight decay) */
  double *xb, *tb;           /* gathered rows of a shuffled batch */
  int32_t *lb;
} run_net_state;

/* Allocate the buffers for batches of batch rows (shared among the MPI ranks when distributed) and evaluation chunks
   of evalcap rows. */
int run_net_alloc(run_net_state *s, const ibsh_run *run, size_t batch, size_t evalcap, int distributed);
void run_net_free(run_net_state *s);

/* Train one epoch of a layer network (see train_epoch in run.c): batch losses and correct counts added to *loss and
   *correct, gradient statistics accumulated into gmean and gm2; IBSH_EINTR when interrupted. */
int run_net_epoch(ibsh_run *run, const ibsh_fit_config *cfg, const ibsh_data_view *tr, run_net_state *s,
                  size_t batch, const size_t *perm, long *nbatches, double *loss, size_t *correct, double *gmean,
                  double *gm2);

/* Mean loss and accuracy of the run's current parameters on a data set (evaluation mode). */
void run_net_evaluate(const ibsh_run *run, run_net_state *s, const ibsh_data_view *d, double *loss, double *acc);

/* Welford update of the mean and M2 of g[off..off+n) with the c-th batch (c >= 1). */
void run_gradstats_add(const double *g, double *mean, double *m2, size_t off, size_t n, long c);

/* The weight range of weight layer l of the run (an MLP's W_l or the l-th layer with weights of a layer net). */
void run_weight_range(const ibsh_run *run, int l, size_t *off, size_t *n);

#endif
