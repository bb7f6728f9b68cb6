/*
** Shared declarations of the nn bindings (lnn.c: networks and fit; lnn_run.c: runs).
*/
#ifndef IBSH_LNN_H
#define IBSH_LNN_H

#include <stdint.h>
#include "lcommon.h"
#include "ibsh/nn.h"
#include "ibsh/nn_rows.h"
#include "ibsh/run.h"

#define IBSH_NET_T "ibsh.Net"
#define IBSH_RUN_T "ibsh.Run"

/* A network: architecture, current parameters and the seed it was made with. */
typedef struct lnet {
  ibsh_arch arch;            /* an MLP's architecture, or a layer net's pseudo-architecture (run.h) */
  ibsh_net *net;             /* a layer network (owned), or NULL for an MLP */
  double *params;
  uint64_t seed;
} lnet;

/* A run userdata (run.params is NULL until initialised). */
typedef struct lrun {
  ibsh_run run;
} lrun;

/* Push a new, empty run userdata. */
lrun *lnn_pushrun(lua_State *L);

/* The run at idx or a Lua error naming fname. */
lrun *lnn_checkrun(lua_State *L, int idx, const char *fname);

/* Push a new network userdata with arch (parameters zeroed); raises on allocation failure. */
lnet *lnn_pushnet(lua_State *L, const ibsh_arch *arch, const char *fname);

/* Push a Lua array of n x width tensors: the activations of every layer for the rows of tensor at xidx. */
void lnn_push_activations(lua_State *L, const ibsh_arch *a, const double *params, int xidx, const char *fname);

/* Push a Lua array of {W = in x out tensor, b = vector}, one per layer, from a parameter vector. */
void lnn_push_weights(lua_State *L, const ibsh_arch *a, const double *params, const char *fname);

/* Text like "12-10-7-5-4-3-2 tanh/softmax" into buf. */
void lnn_arch_str(const ibsh_arch *a, char *buf, size_t len);

/* Read the quant and noise options of the nn.mlp table at opts into arch (lnn_quant.c). */
void lnn_read_perturb(lua_State *L, int opts, ibsh_arch *arch, uint64_t seed, const char *fname);

/* Add the quant/noise accessors to ibsh.Net and ibsh.Run (lnn_quant.c). */
void lnn_open_quant(lua_State *L);

/* Layer networks (lnn_net.c): nn.net, a new userdata for one, the MLP as a layer net, and per-layer results. */
int lnn_net(lua_State *L);
lnet *lnn_pushlayernet(lua_State *L, const ibsh_net *net, const char *fname);
int lnn_read_dtype(lua_State *L, int opts, const char *fname);
void lnn_mlp_as_net(lua_State *L, const ibsh_arch *a, int dtype, ibsh_net *net, const char *fname);
void lnn_net_push_activations(lua_State *L, const ibsh_net *net, const double *params, int xidx, const char *fname);
void lnn_net_push_weights(lua_State *L, const ibsh_net *net, const double *params, const char *fname);
void lnn_net_push_shapes(lua_State *L, const ibsh_net *net);
void lnn_net_push_widths(lua_State *L, const ibsh_net *net);
extern const char lnn_net_help[];

/* Register the ibsh.Run class. */
void lnn_open_run(lua_State *L);

/* net:fit(train, opts) (in lnn_fit.c). */
int lnn_fit(lua_State *L);

/* nn.load_run(dir). */
int lnn_load_run(lua_State *L);

/* nn.optimizer{...} (in lnn_grad.c). */
int lnn_optimizer(lua_State *L);

/* Add net:backward, net:params, net:set_params to ibsh.Net (registered first) and register ibsh.Optimizer. */
void lnn_open_grad(lua_State *L);

extern const char lnn_optimizer_help[];
extern const char lnn_fit_help[];
extern const char lnn_load_run_help[];

/* Push run:shapes() / net:shapes() of a dense network: {width, 1, 1, name = "dense"} per layer. */
void lnn_push_mlp_shapes(lua_State *L, const ibsh_arch *a);

#endif
