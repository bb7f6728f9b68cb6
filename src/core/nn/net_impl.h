/*
** Internal: the float64 and float32 instances of the layer-network passes (net_f64.c, net_f32.c, from the templates
** net_layers_t.h and net_pass_t.h), dispatched on the net's dtype by net_pass.c.
*/
#ifndef IBSH_NET_IMPL_H
#define IBSH_NET_IMPL_H

#include "ibsh/net.h"

#define NET_BN_EPS 1e-5        /* batch normalisation: added to the variance (PyTorch's default) */
#define NET_BN_MOMENTUM 0.1    /* weight of the batch statistics in the running statistics (PyTorch's default) */

/* Scratch values per worker the layers of net need (im2col columns of its convolutions). */
size_t net_scratch_f64(const ibsh_net *net);
size_t net_scratch_f32(const ibsh_net *net);

void net_forward_f64(const ibsh_net *net, const double *p, const double *x, size_t n, int train, uint64_t seed,
                     ibsh_net_work *wk, double *stats);
void net_forward_f32(const ibsh_net *net, const float *p, const double *x, size_t n, int train, uint64_t seed,
                     ibsh_net_work *wk, float *stats);
double net_train_batch_f64(const ibsh_net *net, const double *p, const double *x, const double *t,
                           const int32_t *labels, size_t n, uint64_t seed, ibsh_net_work *wk, double *grad,
                           double *stats, size_t *correct);
double net_train_batch_f32(const ibsh_net *net, const float *p, const double *x, const double *t,
                           const int32_t *labels, size_t n, uint64_t seed, ibsh_net_work *wk, float *grad,
                           float *stats, size_t *correct);
void net_train_share_f64(const ibsh_net *net, const double *p, const double *x, const double *t,
                         const int32_t *labels, size_t n, uint64_t seed, const ibsh_net_share *share,
                         ibsh_net_work *wk, double *grad, double *stats);
void net_train_share_f32(const ibsh_net *net, const float *p, const double *x, const double *t,
                         const int32_t *labels, size_t n, uint64_t seed, const ibsh_net_share *share,
                         ibsh_net_work *wk, float *grad, float *stats);
double net_loss_sum_f64(const ibsh_net *net, const ibsh_net_work *w, const double *t, const int32_t *labels,
                        size_t n, size_t *correct);
double net_loss_sum_f32(const ibsh_net *net, const ibsh_net_work *w, const double *t, const int32_t *labels,
                        size_t n, size_t *correct);

#endif
