/*
** Lua binding of layer networks: nn.net{input =, layers =, dtype =, ...}, nn.mlp with a dtype (built as the
** equivalent layer net), and the layer-net forms of activations, weights and shapes shared by ibsh.Net and ibsh.Run.
*/
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "lnn.h"

#define FNAME "nn.net"

/* Push a new network userdata holding the layer network net (parameters zeroed). */
lnet *lnn_pushlayernet(lua_State *L, const ibsh_net *net, const char *fname) {
  ibsh_arch a;
  ibsh_run_net_arch(net, &a);
  lnet *n = lnn_pushnet(L, &a, fname);
  n->net = malloc(sizeof *net);
  if (!n->net) lx_error(L, fname, "out of memory");
  *n->net = *net;
  return n;
}

/* The integer field key of the table at idx (def when absent), or an error naming layer l. */
static size_t layer_int(lua_State *L, int idx, const char *key, lua_Integer def, int l, lua_Integer lo) {
  lua_getfield(L, idx, key);
  int isint = 1;
  lua_Integer v = lua_isnil(L, -1) ? def : lua_tointegerx(L, -1, &isint);
  if (!isint || v < lo) lx_error(L, FNAME, "layer %d: %s must be an integer >= %d", l, key, (int)lo);
  lua_pop(L, 1);
  return (size_t)v;
}

/* The positional integer i of the layer table at idx, or an error naming layer l. */
static size_t layer_arg(lua_State *L, int idx, int i, const char *what, int l) {
  lua_rawgeti(L, idx, i);
  int isint = 0;
  lua_Integer v = lua_tointegerx(L, -1, &isint);
  if (!isint || v < 1) lx_error(L, FNAME, "layer %d: %s must be a positive integer", l, what);
  lua_pop(L, 1);
  return (size_t)v;
}

/* Read layer l (1-based) from the table at idx into y. */
static void read_layer(lua_State *L, int idx, int l, ibsh_layer *y) {
  static const char *const known[] = {"k", "stride", "pad", NULL};
  if (!lua_istable(L, idx)) lx_error(L, FNAME, "layer %d must be a table like {\"conv\", 8, k = 5}, got %s", l, luaL_typename(L, idx));
  lua_rawgeti(L, idx, 1);
  const char *name = lua_tostring(L, -1);
  if (!name) lx_error(L, FNAME, "layer %d: the first entry must be the layer name", l);
  memset(y, 0, sizeof *y);
  y->kind = ibsh_layer_from_name(name, &y->act);
  if (y->kind < 0)
    lx_error(L, FNAME, "layer %d: unknown layer '%s' (known: conv, maxpool, avgpool, flatten, dense, dropout, batchnorm, "
             "tanh, relu, sigmoid, linear, softsign, softplus)", l, name);
  lua_pop(L, 1);
  y->stride = 1;
  lua_pushnil(L);
  while (lua_next(L, idx)) {   /* only conv takes named settings */
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;
    const char *key = lua_tostring(L, -1);
    int ok = 0;
    for (int i = 0; known[i]; i++) ok |= strcmp(key, known[i]) == 0;
    if (!ok || y->kind != IBSH_LAYER_CONV) lx_error(L, FNAME, "layer %d (%s): unknown option '%s'", l, name, key);
  }
  switch (y->kind) {
  case IBSH_LAYER_CONV:
    y->units = layer_arg(L, idx, 2, "the number of output channels", l);
    y->k = layer_int(L, idx, "k", 0, l, 1);
    y->stride = layer_int(L, idx, "stride", 1, l, 1);
    y->pad = layer_int(L, idx, "pad", 0, l, 0);
    break;
  case IBSH_LAYER_MAXPOOL: case IBSH_LAYER_AVGPOOL: y->k = layer_arg(L, idx, 2, "the window", l); break;
  case IBSH_LAYER_DENSE: y->units = layer_arg(L, idx, 2, "the width", l); break;
  case IBSH_LAYER_DROPOUT:
    lua_rawgeti(L, idx, 2);
    if (!lua_isnumber(L, -1)) lx_error(L, FNAME, "layer %d (dropout): p must be a number in [0, 1)", l);
    y->p = lua_tonumber(L, -1);
    lua_pop(L, 1);
    break;
  default: break;
  }
}

/* The dtype named by option "dtype" of the table at opts. */
int lnn_read_dtype(lua_State *L, int opts, const char *fname) {
  const char *dt = lx_optstring(L, opts, "dtype", "float64", fname);
  if (strcmp(dt, "float64") == 0) return IBSH_F64;
  if (strcmp(dt, "float32") == 0) return IBSH_F32;
  return lx_error(L, fname, "dtype must be \"float32\" or \"float64\", got \"%s\"", dt);
}

/* nn.net{input = {C, H, W}, layers = {...}, dtype = "float64", out = "softmax", init = "he_normal", seed = 0}. */
static int nn_net(lua_State *L) {
  static const char *const known[] = {"input", "layers", "dtype", "out", "init", "bias", "seed", NULL};
  if (!lua_istable(L, 1)) lx_error(L, FNAME, "expected a table like {input = {1, 28, 28}, layers = {...}}, got %s", luaL_typename(L, 1));
  lx_checkoptions(L, 1, known, FNAME);
  ibsh_net net;
  memset(&net, 0, sizeof net);
  size_t shape[3] = {1, 1, 1};
  int t = lua_getfield(L, 1, "input");
  if (t == LUA_TNUMBER) {
    shape[0] = (size_t)lua_tointeger(L, -1);
  } else if (t == LUA_TTABLE) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n < 1 || n > 3) lx_error(L, FNAME, "input must be {C, H, W}, {C} or a width");
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      lua_Integer v = lua_tointeger(L, -1);
      if (v < 1) lx_error(L, FNAME, "input[%d] must be a positive integer", (int)i);
      shape[i - 1] = (size_t)v;
      lua_pop(L, 1);
    }
  } else {
    lx_error(L, FNAME, "option 'input' ({C, H, W}) is required");
  }
  lua_pop(L, 1);
  net.in_c = shape[0]; net.in_h = shape[1]; net.in_w = shape[2];
  if (lua_getfield(L, 1, "layers") != LUA_TTABLE) lx_error(L, FNAME, "option 'layers' (a list of layer tables) is required");
  int lt = lua_gettop(L);
  lua_Integer nl = (lua_Integer)lua_rawlen(L, lt);
  if (nl < 1 || nl > IBSH_NET_MAXLAYERS) lx_error(L, FNAME, "layers must hold 1 to %d layers", IBSH_NET_MAXLAYERS);
  for (lua_Integer i = 1; i <= nl; i++) {
    lua_rawgeti(L, lt, i);
    read_layer(L, lua_gettop(L), (int)i, &net.layer[i - 1]);
    lua_pop(L, 1);
  }
  net.nlayers = (int)nl;
  lua_pop(L, 1);
  net.dtype = lnn_read_dtype(L, 1, FNAME);
  const char *out = lx_optstring(L, 1, "out", "softmax", FNAME);
  if ((net.out = ibsh_out_from_name(out)) < 0) lx_error(L, FNAME, "unknown output '%s' (known: softmax, sigmoid, linear)", out);
  const char *init = lx_optstring(L, 1, "init", "he_normal", FNAME);
  int in = strcmp(init, "uniform_fan_in") == 0 ? -1 : ibsh_init_from_name(init);
  if (in < -1 || (in == -1 && strcmp(init, "uniform_fan_in") != 0))
    lx_error(L, FNAME, "unknown init '%s' (known: uniform_fan_in, truncnormal, truncnormal_fan_out, glorot_uniform, he_normal)", init);
  double bias = lx_optnumber(L, 1, "bias", 0.0, FNAME);
  lua_Integer seed = lx_optinteger(L, 1, "seed", 0, FNAME);
  lx_check(L, ibsh_net_init(&net), FNAME);
  if (ibsh_net_nweighted(&net) == 0) lx_error(L, FNAME, "the network needs a layer with weights (conv, dense or batchnorm)");
  net.dropout_seed = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
  lnet *n = lnn_pushlayernet(L, &net, FNAME);
  n->seed = (uint64_t)seed;
  ibsh_rng r;
  ibsh_rng_seed(&r, (uint64_t)seed);
  ibsh_net_init_params(&net, n->params, in, bias, &r);
  if (net.dtype == IBSH_F32)   /* the parameters are float32 values from the start */
    for (size_t i = 0; i < net.nparams; i++) n->params[i] = (float)n->params[i];
  return 1;
}

/* Build the layer net equivalent to an MLP (dense layers with the activation between them) in dtype. */
void lnn_mlp_as_net(lua_State *L, const ibsh_arch *a, int dtype, ibsh_net *net, const char *fname) {
  memset(net, 0, sizeof *net);
  net->in_c = a->width[0]; net->in_h = net->in_w = 1;
  for (int l = 0; l < a->nlayers; l++) {
    ibsh_layer *y = &net->layer[net->nlayers++];
    y->kind = IBSH_LAYER_DENSE; y->units = a->width[l + 1]; y->stride = 1;
    if (l == a->nlayers - 1) break;
    if (net->nlayers >= IBSH_NET_MAXLAYERS) lx_error(L, fname, "too many layers for a float32 network");
    y = &net->layer[net->nlayers++];
    y->kind = IBSH_LAYER_ACT; y->act = a->act; y->stride = 1;
  }
  net->out = a->out;
  net->dtype = dtype;
  lx_check(L, ibsh_net_init(net), fname);
}

/* Push a Lua array of n x size tensors: every layer's values for the rows of the tensor at xidx (evaluation mode). */
void lnn_net_push_activations(lua_State *L, const ibsh_net *net, const double *params, int xidx, const char *fname) {
  xidx = lua_absindex(L, xidx);
  ibsh_tensor *x = lx_checkcontiguous(L, xidx, fname);
  size_t d0 = ibsh_net_size(net, 0);
  if (x->ndim != 2 || x->shape[1] != d0) {
    char buf[128];
    lx_error(L, fname, "inputs must be an n x %zu tensor (C*H*W = %zux%zux%zu), got %s", d0, net->in_c, net->in_h, net->in_w,
             ibsh_tensor_shape_str(x, buf, sizeof buf));
  }
  size_t n = x->shape[0], cap = n < 1024 ? (n ? n : 1) : 1024;
  lua_createtable(L, net->nlayers, 0);
  int tab = lua_gettop(L);
  double *outs[IBSH_NET_MAXLAYERS + 1];
  for (int l = 1; l <= net->nlayers; l++) {
    size_t shape[2] = {n, ibsh_net_size(net, l)};
    outs[l] = ibsh_tensor_data(lx_newtensor_uninit(L, 2, shape, fname));
    lua_rawseti(L, tab, l);
  }
  void *p = (void *)params;
  if (net->dtype == IBSH_F32) {
    p = malloc(net->nparams * sizeof(float) + 1);
    if (!p) lx_error(L, fname, "out of memory");
    ibsh_f64_to_f32(params, p, net->nparams);
  }
  ibsh_net_work w;
  if (ibsh_net_work_alloc(&w, net, cap, 0)) {
    if (p != params) free(p);
    lx_check(L, IBSH_ENOMEM, fname);
  }
  const double *xd = ibsh_tensor_data(x);
  for (size_t s = 0; s < n; s += cap) {
    size_t m = n - s < cap ? n - s : cap;
    ibsh_net_forward(net, p, xd + s * d0, m, 0, 0, &w);
    for (int l = 1; l <= net->nlayers; l++) ibsh_net_layer_rows(net, &w, l, m, outs[l] + s * ibsh_net_size(net, l));
  }
  ibsh_net_work_free(&w);
  if (p != params) free(p);
}

/* Push a Lua array with one table per layer with weights: conv {W = out x (in*k*k), b}, dense {W = in x out, b},
   batchnorm {W = gamma, b = beta, mean, var} (running statistics), each with layer = its index. */
void lnn_net_push_weights(lua_State *L, const ibsh_net *net, const double *params, const char *fname) {
  lua_createtable(L, ibsh_net_nweighted(net), 0);
  int k = 0;
  for (int l = 0; l < net->nlayers; l++) {
    const ibsh_layer *y = &net->layer[l];
    if (!y->nw) continue;
    lua_createtable(L, 0, 5);
    size_t rows = y->kind == IBSH_LAYER_CONV ? y->units : y->nw / y->nb, cols = y->nw / rows;
    ibsh_tensor *W = y->kind == IBSH_LAYER_BATCHNORM ? lx_newtensor1(L, y->nw, fname) : lx_newtensor2(L, rows, cols, fname);
    memcpy(ibsh_tensor_data(W), params + y->woff, y->nw * sizeof(double));
    lua_setfield(L, -2, "W");
    memcpy(ibsh_tensor_data(lx_newtensor1(L, y->nb, fname)), params + y->boff, y->nb * sizeof(double));
    lua_setfield(L, -2, "b");
    if (y->kind == IBSH_LAYER_BATCHNORM) {
      memcpy(ibsh_tensor_data(lx_newtensor1(L, y->c, fname)), params + y->soff, y->c * sizeof(double));
      lua_setfield(L, -2, "mean");
      memcpy(ibsh_tensor_data(lx_newtensor1(L, y->c, fname)), params + y->soff + y->c, y->c * sizeof(double));
      lua_setfield(L, -2, "var");
    }
    lua_pushinteger(L, l + 1);
    lua_setfield(L, -2, "layer");
    lua_rawseti(L, -2, ++k);
  }
}

/* Push the shapes of every layer's values: {{C, H, W, name = "conv"}, ...}, input excluded. */
void lnn_net_push_shapes(lua_State *L, const ibsh_net *net) {
  lua_createtable(L, net->nlayers, 0);
  for (int l = 1; l <= net->nlayers; l++) {
    const ibsh_layer *y = &net->layer[l - 1];
    lua_createtable(L, 3, 1);
    lua_pushinteger(L, (lua_Integer)y->c); lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)y->h); lua_rawseti(L, -2, 2);
    lua_pushinteger(L, (lua_Integer)y->w); lua_rawseti(L, -2, 3);
    lua_pushstring(L, ibsh_layer_name(net, l));
    lua_setfield(L, -2, "name");
    lua_rawseti(L, -2, l);
  }
}

/* Push the widths of a layer net: the input size, then every layer's size. */
void lnn_net_push_widths(lua_State *L, const ibsh_net *net) {
  lua_createtable(L, net->nlayers + 1, 0);
  for (int l = 0; l <= net->nlayers; l++) {
    lua_pushinteger(L, (lua_Integer)ibsh_net_size(net, l));
    lua_rawseti(L, -2, l + 1);
  }
}

const char lnn_net_help[] =
  "nn.net{input = {C, H, W}, layers = {...}, dtype = \"float64\", out = \"softmax\", init = \"he_normal\", bias = 0, seed = 0}\n\n"
  "A sequential network over inputs of C x H x W values, given as rows of C*H*W values (channel, row, column: as "
  "data.fashion_mnist gives images, input = {1, 28, 28}). Layers: {\"conv\", out, k = K, stride = 1, pad = 0} (out "
  "channels of K x K kernels), {\"maxpool\", K} and {\"avgpool\", K} (K x K windows, stride K), {\"flatten\"}, "
  "{\"dense\", n}, activations {\"relu\"}, {\"tanh\"}, {\"sigmoid\"}, {\"linear\"}, {\"softsign\"}, {\"softplus\"}, "
  "{\"dropout\", p} (training only, p in [0, 1), kept values scaled by 1/(1-p)) and {\"batchnorm\"} (per channel, batch "
  "statistics in training, running statistics (momentum 0.1, eps 1e-5) in evaluation; they are part of the parameters, "
  "so snapshots keep them). The last layer's values are the logits of out (softmax with cross-entropy, sigmoid with "
  "binary cross-entropy, linear with mean squared error). dtype = \"float32\" trains and evaluates in single precision "
  "(parameters, optimiser state and passes; tensors in Lua stay float64). init: he_normal (weights N(0, 2/fan_in), He et al. "
  "2015, for ReLU networks; fan_in of a conv = C*K*K), glorot_uniform, truncnormal, truncnormal_fan_out (biases = bias), or "
  "uniform_fan_in (weights and biases U(+-1/sqrt(fan_in)), PyTorch's default). "
  "net:fit, net:forward and run:activations give every layer's values as n x (C*H*W) tensors; net:shapes() their shapes.\n\n"
  "Example: local net = nn.net{input = {1, 28, 28}, dtype = \"float32\", seed = 1, layers = {{\"conv\", 8, k = 5}, {\"relu\"}, "
  "{\"maxpool\", 2}, {\"flatten\"}, {\"dense\", 10}}}";

/* The nn.net registration (called from lnn.c). */
int lnn_net(lua_State *L) { return nn_net(L); }
