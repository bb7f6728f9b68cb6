/*
** Training runs: a network's parameters at snapshot epochs, per-epoch metrics
** and gradient statistics, and the optimiser and shuffling state needed to
** resume bit-identically. ibsh_run_fit trains in place and appends.
*/
#ifndef IBSH_RUN_H
#define IBSH_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "net.h"
#include "nn.h"
#include "optim.h"
#include "rng.h"

/* A data set as plain arrays: x (n x width[0]), targets t (n x K), labels (n class ids, or NULL). */
typedef struct ibsh_data_view {
  const double *x;
  const double *t;
  const int32_t *labels;
  size_t n;
} ibsh_data_view;

typedef struct ibsh_run ibsh_run;

/* Called after every completed epoch (epoch = global count of completed epochs); when a helper thread computes the
   whole-set metrics, once that epoch's metrics are in (during the next epoch, or at the end). */
typedef void (*ibsh_progress_fn)(void *ud, const ibsh_run *run, long epoch, long last_epoch, double seconds);

/* Called after every completed epoch (after progress): a nonzero return (an error code set with ibsh_fail) stops the
   fit with that error, keeping every completed epoch. Used for periodic checkpoints. */
typedef int (*ibsh_checkpoint_fn)(void *ud, const ibsh_run *run, long epoch, long last_epoch);

typedef struct ibsh_fit_config {
  long epochs;                 /* epochs to train in this call */
  size_t batch;                /* rows per minibatch; 0 or >= n means full batch */
  ibsh_optim optim;
  double weight_decay;         /* L2 coefficient added to weight (not bias) gradients */
  long lr_step;                /* > 0: lr * lr_gamma^floor(epoch / lr_step), epoch 0-based global */
  double lr_gamma;
  int shuffle;                 /* reshuffle the rows every epoch with run->rng */
  int gradstats;               /* record per-layer gradient statistics */
  int batch_metrics;           /* train loss/accuracy = means over the epoch's minibatches (no extra pass) */
  size_t chunk;                /* > 0: data-parallel batches cut into chunks of this many rows, summed in chunk
                                  order over the MPI ranks (if mpirun started the process): the same bits for
                                  any rank count (run_dist.c) */
  const unsigned char *snap;   /* epochs+1 flags: snap[i] keeps the weights after (start + i) epochs */
  ibsh_progress_fn progress;
  void *progress_ud;
  ibsh_checkpoint_fn checkpoint;  /* or NULL */
  void *checkpoint_ud;
} ibsh_fit_config;

struct ibsh_run {
  ibsh_arch arch;              /* an MLP's architecture; for a layer net: nlayers = its layers with weights, nparams,
                                  width[0] = inputs, width[nlayers] = outputs */
  ibsh_net *net;               /* a layer network (owned), or NULL for an MLP */
  double *params;              /* current parameters (nparams) */
  double *m, *v;               /* optimiser state (nparams each) */
  long step;                   /* optimiser steps taken */
  ibsh_rng rng;                /* generator for reshuffling */
  long epochs;                 /* completed epochs */
  size_t nsnap, capsnap;
  long *snap_epoch;            /* nsnap epochs, increasing */
  double *snap_params;         /* nsnap x nparams */
  size_t capepochs;
  double *train_loss, *train_acc, *test_loss, *test_acc;  /* index e-1 for epoch e */
  double *grad_mean, *grad_std, *weight_norm;             /* epochs x nlayers */
};

/* Start a run at epoch 0 from params (copied), with the shuffling generator seeded by seed. */
int ibsh_run_init(ibsh_run *run, const ibsh_arch *arch, const double *params, uint64_t seed);

/* Start a run of the layer network net (copied) at epoch 0 from params (doubles, copied; exact for float32). */
int ibsh_run_init_net(ibsh_run *run, const ibsh_net *net, const double *params, uint64_t seed);

/* The pseudo-architecture of a layer net's run (see ibsh_run.arch). */
void ibsh_run_net_arch(const ibsh_net *net, ibsh_arch *a);

/* Free everything the run owns. */
void ibsh_run_free(ibsh_run *run);

/* Train cfg->epochs more epochs on train (test may have n = 0). On IBSH_EINTR or IBSH_ENUM the run
   keeps every completed epoch and the state at the end of the last one. */
int ibsh_run_fit(ibsh_run *run, const ibsh_fit_config *cfg, const ibsh_data_view *train,
                 const ibsh_data_view *test);

/* Index of the snapshot of epoch e, or -1. */
long ibsh_run_find(const ibsh_run *run, long e);

/* Append a snapshot of params labelled e (ignored if the last snapshot already has label e). */
int ibsh_run_add_snapshot(ibsh_run *run, long e, const double *params);

/* Make room for metrics of n epochs. */
int ibsh_run_reserve_epochs(ibsh_run *run, size_t n);

/* Save the run to directory dir (created with its parents if missing) as a new checkpoint: files fsynced, manifest.json
   renamed last, the previous checkpoint removed only after that (see doc/crash.md);
   extra_json is inserted into config.json (a JSON fragment "key": value, ... or NULL). */
int ibsh_run_save(const ibsh_run *run, const char *dir, const char *extra_json);

/* Check up front that a run can be saved in dir: create it (and its parents) and write and remove a probe file. */
int ibsh_run_check_dir(const char *dir);

/* Load a run saved by ibsh_run_save into an uninitialised run; every file is checked against the manifest. */
int ibsh_run_load(ibsh_run *run, const char *dir);

/* The epochs in 0..last sampled by the original code's np.unique(np.logspace(0, log2(last+1), count,
   base=2).astype(int)) - 1; writes up to cap values into out and returns how many there are. */
size_t ibsh_log_epochs(long total, long count, long *out, size_t cap);

#endif
