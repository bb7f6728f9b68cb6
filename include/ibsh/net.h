/*
** Sequential layer networks ("nn.net"): convolutions, pooling, dense layers,
** activations, dropout and batch normalisation over inputs of shape C x H x W,
** in float64 or float32. Values of a layer are stored row-major, one row of
** C*H*W values per example (channel, then row, then column: PyTorch's NCHW),
** so a layer's output is already the n x (C*H*W) matrix the analysis uses.
** All parameters live in one flat vector (in the net's dtype): per layer with
** weights, W then b (conv W: out x in x k x k; dense W: fan_in x fan_out, as
** nn.mlp), batch normalisation gamma, beta, then its running mean and variance
** (state kept with the parameters for snapshots, never changed by an optimiser).
*/
#ifndef IBSH_NET_H
#define IBSH_NET_H

#include <stddef.h>
#include <stdint.h>
#include "nn.h"

#define IBSH_NET_MAXLAYERS 64
#define IBSH_NET_BLOCK 64        /* rows per parallel task: results do not depend on the thread count */

typedef enum ibsh_layer_kind {
  IBSH_LAYER_CONV = 0, IBSH_LAYER_MAXPOOL, IBSH_LAYER_AVGPOOL, IBSH_LAYER_FLATTEN, IBSH_LAYER_DENSE,
  IBSH_LAYER_ACT, IBSH_LAYER_DROPOUT, IBSH_LAYER_BATCHNORM, IBSH_LAYER_COUNT
} ibsh_layer_kind;

typedef enum ibsh_dtype { IBSH_F64 = 0, IBSH_F32 = 1 } ibsh_dtype;

/* One layer: its settings (filled by the caller) and its shapes and offsets (filled by ibsh_net_init). */
typedef struct ibsh_layer {
  int kind;                     /* ibsh_layer_kind */
  int act;                      /* ACT: ibsh_act */
  size_t units;                 /* CONV: output channels; DENSE: output width */
  size_t k, stride, pad;        /* CONV: kernel, stride, zero padding; pools: window (stride = window) */
  double p;                     /* DROPOUT: probability of dropping a value, in [0, 1) */
  size_t c, h, w;               /* output shape (flat layers: c = width, h = w = 1) */
  size_t woff, nw, boff, nb;    /* weights and biases (BATCHNORM: gamma, beta) in the parameter vector */
  size_t soff;                  /* BATCHNORM: running mean then running variance (2 x c) */
} ibsh_layer;

/* A network: input shape, layers, output kind, dtype, parameter count. */
typedef struct ibsh_net {
  size_t in_c, in_h, in_w;
  int nlayers;
  ibsh_layer layer[IBSH_NET_MAXLAYERS];
  int out;                      /* ibsh_out: the loss on the last layer's values (logits) */
  int dtype;                    /* ibsh_dtype */
  size_t nparams;
  int first_weighted;           /* index of the first layer with weights (no input gradient is needed before it) */
  uint64_t dropout_seed;        /* dropout masks derive from it, the pass and the row */
} ibsh_net;

/* Per-layer work of passes over up to cap rows (see net.c). */
typedef struct ibsh_net_work {
  size_t cap;
  int nworkers;
  void *act[IBSH_NET_MAXLAYERS + 1];   /* act[0]: inputs; act[l]: layer l's output, cap x size (dtype) */
  void *grad[2];                       /* backward ping-pong buffers: per block of rows, a region of block x gstride */
  size_t gstride;                      /* the largest layer size */
  void *xhat[IBSH_NET_MAXLAYERS + 1];  /* BATCHNORM: normalised inputs */
  void *bnstat[IBSH_NET_MAXLAYERS + 1];/* BATCHNORM: batch mean and 1/std per channel, then the sums of the
                                          gradient and of gradient x normalised value (4 x c doubles) */
  unsigned char *mask[IBSH_NET_MAXLAYERS + 1]; /* DROPOUT: kept values */
  void *scratch;                       /* per worker: im2col columns and gathered gradients */
  size_t scratch_len;                  /* elements per worker */
  void *parts;                         /* per block: partial parameter gradients (training work only; zero where
                                          no block writes: batch normalisation) */
  size_t nparts;
  double *block_loss;                  /* per block: loss sum and correct count */
  size_t *block_correct;
} ibsh_net_work;

/* The size (c*h*w) of the values of layer l (0 = the inputs). */
size_t ibsh_net_size(const ibsh_net *net, int l);

/* The layer kind called name ("conv", "maxpool", ...; an activation name gives ACT) or -1; *act gets the activation. */
int ibsh_layer_from_name(const char *name, int *act);

/* The name of layer l's kind ("conv", "relu", ...). */
const char *ibsh_layer_name(const ibsh_net *net, int l);

/* Compute shapes and offsets of net's layers (kinds and settings filled in); a failure message names the layer
   index (1-based). */
int ibsh_net_init(ibsh_net *net);

/* Initialise the parameters (doubles, nparams): "uniform_fan_in" (init < 0: W and b ~ U(+-1/sqrt(fan_in)), PyTorch's
   default) or an ibsh_init for the weights with biases set to bias; batch norm gamma 1, beta 0, running mean 0, var 1. */
void ibsh_net_init_params(const ibsh_net *net, double *params, int init, double bias, ibsh_rng *r);

/* Nonzero for parameter i of batch normalisation's running statistics (state, not trained). */
int ibsh_net_is_state(const ibsh_net *net, size_t i);

/* Number of layers with weights, and the weight range [off, off + n) of the j-th of them. */
int ibsh_net_nweighted(const ibsh_net *net);
void ibsh_net_weight_range(const ibsh_net *net, int j, size_t *off, size_t *n);

/* Allocate work for passes over up to cap rows; training work also holds per-block gradients. */
int ibsh_net_work_alloc(ibsh_net_work *w, const ibsh_net *net, size_t cap, int training);
void ibsh_net_work_free(ibsh_net_work *w);

/* Forward pass of n <= cap rows of x (row-major doubles n x input size) with params (nparams values of the net's
   dtype); train: batch statistics and dropout (drawn from pass_seed), else running statistics and no dropout.
   Afterwards w->act[l] holds layer l's outputs. */
void ibsh_net_forward(const ibsh_net *net, const void *params, const double *x, size_t n, int train,
                      uint64_t pass_seed, ibsh_net_work *w);

/* Loss of the last forward pass against targets t (n x K), summed over the rows; *correct gets the rows whose
   predicted class is labels[i] (labels may be NULL). */
double ibsh_net_loss_sum(const ibsh_net *net, const ibsh_net_work *w, const double *t, const int32_t *labels,
                         size_t n, size_t *correct);

/* One training pass over n rows: forward (train mode), loss and backward. grad (nparams, the net's dtype) gets
   d(mean loss)/d(params) (zero for batch norm's running statistics, whose new values go to stats: nparams values of
   the dtype, only at those positions); returns the loss sum and adds correct rows to *correct. */
double ibsh_net_train_batch(const ibsh_net *net, const void *params, const double *x, const double *t,
                            const int32_t *labels, size_t n, uint64_t pass_seed, ibsh_net_work *w, void *grad,
                            void *stats, size_t *correct);

/* A share of a training batch for data-parallel training: this process holds rows [row0, row0 + n) of a batch of
   nbatch rows (row0 a multiple of IBSH_NET_BLOCK, so its blocks are the batch's). Sums over the whole batch (batch
   normalisation) are carried in row order from share to share: begin puts into v the running sums of the rows of
   the shares before this one (zeros for the first), this share adds its rows, and end passes them on and leaves the
   batch's totals in v. */
typedef struct ibsh_net_share {
  size_t row0, nbatch;
  void (*begin)(void *ud, double *v, size_t n);
  void (*end)(void *ud, double *v, size_t n);
  void *ud;
} ibsh_net_share;

/* The training pass of one share of a batch over its n rows (x, t, labels: the share's rows): forward (train mode;
   dropout masks from pass_seed and the row's index in the batch), loss and backward, as ibsh_net_train_batch computes
   them for those rows of the whole batch. Afterwards w->parts holds the partial gradient of each of the share's
   blocks (zeros at batch normalisation's positions; their sum in block order over all shares is the batch
   gradient of every layer but batch normalisation), w->block_loss and w->block_correct each block's loss sum and
   correct count; grad (nparams, the dtype) gets batch normalisation's gamma and beta gradients and zeros elsewhere,
   stats the new running statistics. With n = 0 the share still takes part in the sums. */
void ibsh_net_train_share(const ibsh_net *net, const void *params, const double *x, const double *t,
                          const int32_t *labels, size_t n, uint64_t pass_seed, const ibsh_net_share *share,
                          ibsh_net_work *w, void *grad, void *stats);

/* Copy layer l's values after a pass over n rows into out (n x size, doubles); for the last layer of a softmax or
   sigmoid net the probabilities. */
void ibsh_net_layer_rows(const ibsh_net *net, const ibsh_net_work *w, int l, size_t n, double *out);

/* Write a JSON array describing the layers into buf; returns the length or -1 when buf is too small. */
int ibsh_net_json(const ibsh_net *net, char *buf, size_t len);

/* Parse the members ibsh_net_json and the run files write ("input", "layers", "dtype", "out") into net. */
int ibsh_net_parse(ibsh_net *net, const char *text);

/* Text like "1x28x28 conv8k5-relu-maxpool2-flatten-dense10 float32" into buf. */
void ibsh_net_str(const ibsh_net *net, char *buf, size_t len);

/* Float copies: d[i] = (float)s[i], and back. */
void ibsh_f64_to_f32(const double *s, float *d, size_t n);
void ibsh_f32_to_f64(const float *s, double *d, size_t n);

#endif
