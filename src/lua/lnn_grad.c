/*
** Lua binding of the nn module's building blocks for custom losses:
** net:backward (gradients from any gradient of the outputs), net:params and
** net:set_params (the flat parameter vector), and nn.optimizer (SGD or Adam
** steps on a network).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/optim.h"
#include "lnn.h"

#define IBSH_OPTIM_T "ibsh.Optimizer"

/* An optimiser: its settings, step count and moment buffers (allocated at the first step). */
typedef struct loptim {
  ibsh_optim o;
  size_t n;
  long step;
  double *m, *v;
} loptim;

/* The network at idx or a Lua error naming fname. */
static lnet *checknet(lua_State *L, int idx, const char *fname) {
  lnet *n = (lnet *)luaL_testudata(L, idx, IBSH_NET_T);
  if (!n) lx_error(L, fname, "argument #%d must be an ibsh.Net, got %s", idx, luaL_typename(L, idx));
  if (!n->params) lx_error(L, fname, "the network has been released");
  return n;
}

/* A contiguous 2-d tensor argument with the given number of columns; *rows gets its rows. */
static const double *checkmatrix(lua_State *L, int idx, size_t cols, size_t *rows, const char *what, const char *fname) {
  ibsh_tensor *t = lx_checkcontiguous(L, idx, fname);
  if (t->ndim != 2 || t->shape[1] != cols) {
    char buf[128];
    lx_error(L, fname, "%s must be an n x %zu tensor, got %s", what, cols, ibsh_tensor_shape_str(t, buf, sizeof buf));
  }
  *rows = t->shape[0];
  return ibsh_tensor_data(t);
}

/* A contiguous vector argument of exactly n elements. */
static const double *checkvector(lua_State *L, int idx, size_t n, const char *what, const char *fname) {
  ibsh_tensor *t = lx_checkcontiguous(L, idx, fname);
  if (ibsh_tensor_numel(t) != n || t->ndim > 2 || (t->ndim == 2 && t->shape[1] != 1 && t->shape[0] != 1))
    lx_error(L, fname, "%s must be a vector of %zu values (net:nparams()), got %zu values", what, n, ibsh_tensor_numel(t));
  return ibsh_tensor_data(t);
}

/* net:backward(x, dout) -> gradient of the loss with respect to the parameters (flat vector). */
static int net_backward(lua_State *L) {
  const char *F = "Net:backward";
  lnet *net = checknet(L, 1, F);
  if (net->net) lx_error(L, F, "not supported for nn.net networks yet (only for nn.mlp in float64)");
  const ibsh_arch *a = &net->arch;
  size_t n, m, K = a->width[a->nlayers];
  const double *x = checkmatrix(L, 2, a->width[0], &n, "x", F);
  const double *dout = checkmatrix(L, 3, K, &m, "dout", F);
  if (m != n) lx_error(L, F, "x has %zu rows but dout has %zu", n, m);
  if (n == 0) lx_error(L, F, "x has no rows");
  for (size_t i = 0; i < n * K; i++) if (!isfinite(dout[i])) lx_error(L, F, "dout has a non-finite value");
  double *grad = ibsh_tensor_data(lx_newtensor1(L, a->nparams, F));
  ibsh_nn_work w;
  lx_check(L, ibsh_nn_work_alloc(&w, a, n), F);
  double *dlogits = malloc(n * K * sizeof(double));
  if (!dlogits) { ibsh_nn_work_free(&w); lx_error(L, F, "out of memory"); }
  ibsh_nn_forward(a, net->params, x, n, &w);
  ibsh_nn_output_grad(a, &w, dout, n, dlogits);
  ibsh_nn_backward_from(a, net->params, dlogits, n, &w, grad);
  free(dlogits);
  ibsh_nn_work_free(&w);
  return 1;
}

/* net:params() -> a copy of the flat parameter vector. */
static int net_params(lua_State *L) {
  lnet *net = checknet(L, 1, "Net:params");
  double *p = ibsh_tensor_data(lx_newtensor1(L, net->arch.nparams, "Net:params"));
  memcpy(p, net->params, net->arch.nparams * sizeof(double));
  return 1;
}

/* net:set_params(p) -> net, with the parameters replaced by the flat vector p. */
static int net_set_params(lua_State *L) {
  const char *F = "Net:set_params";
  lnet *net = checknet(L, 1, F);
  const double *p = checkvector(L, 2, net->arch.nparams, "p", F);
  for (size_t i = 0; i < net->arch.nparams; i++) if (!isfinite(p[i])) lx_error(L, F, "p has a non-finite value at %zu", i + 1);
  memcpy(net->params, p, net->arch.nparams * sizeof(double));
  if (net->net && net->net->dtype == IBSH_F32)   /* a float32 network holds float32 values */
    for (size_t i = 0; i < net->arch.nparams; i++) net->params[i] = (float)net->params[i];
  lua_settop(L, 1);
  return 1;
}

/* Free an optimiser's buffers (__gc). */
static int optim_gc(lua_State *L) {
  loptim *o = (loptim *)luaL_checkudata(L, 1, IBSH_OPTIM_T);
  free(o->m);
  free(o->v);
  o->m = o->v = NULL;
  return 0;
}

/* nn.optimizer{optim = "adam", lr = 1e-3, beta1, beta2, eps, momentum} -> an ibsh.Optimizer. */
static int nn_optimizer(lua_State *L) {
  static const char *const known[] = {"optim", "lr", "beta1", "beta2", "eps", "momentum", NULL};
  const char *F = "nn.optimizer";
  if (!lua_isnoneornil(L, 1) && !lua_istable(L, 1)) lx_error(L, F, "options must be a table, got %s", luaL_typename(L, 1));
  lua_settop(L, 1);
  lx_checkoptions(L, 1, known, F);
  const char *name = lx_optstring(L, 1, "optim", "adam", F);
  int kind = ibsh_optim_from_name(name);
  if (kind < 0) lx_error(L, F, "unknown optim '%s' (known: sgd, adam)", name);
  ibsh_optim o = {kind, lx_optnumber(L, 1, "lr", kind == IBSH_OPTIM_ADAM ? 1e-3 : 0.01, F),
                  lx_optnumber(L, 1, "momentum", 0.0, F), lx_optnumber(L, 1, "beta1", 0.9, F),
                  lx_optnumber(L, 1, "beta2", 0.999, F), lx_optnumber(L, 1, "eps", 1e-8, F), 0};
  if (!(o.lr > 0) || !isfinite(o.lr)) lx_error(L, F, "lr must be a positive finite number, got %g", o.lr);
  if (!(o.momentum >= 0 && o.momentum < 1)) lx_error(L, F, "momentum must be in [0, 1), got %g", o.momentum);
  if (!(o.beta1 >= 0 && o.beta1 < 1) || !(o.beta2 >= 0 && o.beta2 < 1)) lx_error(L, F, "beta1 and beta2 must be in [0, 1)");
  if (!(o.eps > 0) || !isfinite(o.eps)) lx_error(L, F, "eps must be a positive finite number, got %g", o.eps);
  loptim *u = (loptim *)lua_newuserdatauv(L, sizeof(loptim), 0);
  memset(u, 0, sizeof *u);
  u->o = o;
  luaL_setmetatable(L, IBSH_OPTIM_T);
  return 1;
}

/* opt:step(net, grad) -> net, after one optimiser step of net's parameters along grad. */
static int optim_step(lua_State *L) {
  const char *F = "Optimizer:step";
  loptim *o = (loptim *)luaL_checkudata(L, 1, IBSH_OPTIM_T);
  lnet *net = checknet(L, 2, F);
  size_t np = net->arch.nparams;
  const double *g = checkvector(L, 3, np, "grad", F);
  for (size_t i = 0; i < np; i++) if (!isfinite(g[i])) lx_error(L, F, "grad has a non-finite value at %zu", i + 1);
  if (o->m && o->n != np)
    lx_error(L, F, "this optimiser steps a network of %zu parameters, got one of %zu", o->n, np);
  if (!o->m) {
    o->m = calloc(np, sizeof(double));
    o->v = calloc(np, sizeof(double));
    if (!o->m || !o->v) lx_error(L, F, "out of memory for %zu parameters", np);
    o->n = np;
  }
  ibsh_optim_step(&o->o, o->o.lr, net->params, g, o->m, o->v, np, &o->step);
  lua_settop(L, 2);
  return 1;
}

/* tostring(opt). */
static int optim_tostring(lua_State *L) {
  loptim *o = (loptim *)luaL_checkudata(L, 1, IBSH_OPTIM_T);
  lua_pushfstring(L, "ibsh.Optimizer %s lr %f, %d steps", o->o.kind == IBSH_OPTIM_ADAM ? "adam" : "sgd", o->o.lr, (int)o->step);
  return 1;
}

static const lx_Reg net_grad_methods[] = {
  {"backward", net_backward,
   "net:backward(x, dout) -> grad\n\n"
   "Back-propagation for any loss: x (n x inputs) is run forward with the current weights and dout (n x outputs), "
   "the gradient of your loss L with respect to the outputs net:forward(x) returns last (softmax probabilities, "
   "sigmoid or linear outputs), is propagated back. grad is dL/dparams as a vector laid out as net:params() "
   "(per layer W row-major, then b). L may couple rows (a loss over all pairs of a batch, a contrastive bound): "
   "compute it and its dout in Lua, then step with an nn.optimizer. Not scaled by n: include 1/n in dout for a mean.\n\n"
   "Example: local out = net:forward(x); local o = out[#out]\n"
   "local g = net:backward(x, (o - t) * (2 / o:size(1)))  -- mean squared error, summed over outputs\n"
   "opt:step(net, g)"},
  {"params", net_params,
   "net:params() -> p\n\nA copy of all weights and biases as one vector of net:nparams() values: for each layer, W "
   "(fan_in x fan_out, row-major) then b. The layout of net:backward's gradients. For nn.net: per layer with weights W "
   "then b (conv W out x C x K x K), batch norm gamma, beta, running mean, running variance (see nn.net).\n\n"
   "Example: local p = net:params(); print(p:size(1) == net:nparams())"},
  {"set_params", net_set_params,
   "net:set_params(p) -> net\n\nReplace all weights and biases by the vector p (net:nparams() finite values, the "
   "layout of net:params()); a float32 network rounds them to float32.\n\nExample: net:set_params(net:params() * 0.5)"},
  {NULL, NULL, NULL}
};

static const lx_Reg optim_methods[] = {
  {"step", optim_step,
   "opt:step(net, grad) -> net\n\nOne step of the optimiser on net's parameters along grad (a vector as from "
   "net:backward). The moment buffers belong to the optimiser and are sized by the first network stepped; use "
   "one optimiser per network.\n\nExample: opt:step(net, net:backward(x, dout))"},
  {NULL, NULL, NULL}
};

static const luaL_Reg optim_meta[] = {
  {"__gc", optim_gc},
  {"__tostring", optim_tostring},
  {NULL, NULL}
};

const char lnn_optimizer_help[] =
  "nn.optimizer{optim = \"adam\", lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, momentum = 0}\n\n"
  "An optimiser for training loops written in Lua with net:backward: Adam in TensorFlow's form (as net:fit) "
  "or SGD (optim = \"sgd\", lr = 0.01 by default, optional momentum). Its method step(net, grad) updates the "
  "network in place.\n\n"
  "Example: local opt = nn.optimizer{lr = 1e-3}; for i = 1, 100 do opt:step(net, net:backward(x, dout_of(net, x))) end";

/* nn.optimizer (registered in lnn.c's function table). */
int lnn_optimizer(lua_State *L) { return nn_optimizer(L); }

/* Add backward, params and set_params to the ibsh.Net methods and register the ibsh.Optimizer class. */
void lnn_open_grad(lua_State *L) {
  luaL_getmetatable(L, IBSH_NET_T);
  lua_getfield(L, -1, "__index");
  lx_setfuncs(L, "Net:", net_grad_methods);
  lua_pop(L, 2);
  lx_newclass(L, IBSH_OPTIM_T, optim_methods, optim_meta);
}
