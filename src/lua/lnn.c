/*
** Lua binding of the nn module: nn.mlp and the ibsh.Net class. Training
** (net:fit) lives in lnn_fit.c and runs (ibsh.Run) in lnn_run.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "lnn.h"
#include "ibsh/idx.h"

/* Free a network's parameters (__gc). */
static int net_gc(lua_State *L) {
  lnet *n = (lnet *)luaL_checkudata(L, 1, IBSH_NET_T);
  free(n->params);
  free(n->net);
  n->params = NULL;
  n->net = NULL;
  return 0;
}

/* The network at idx or a Lua error. */
static lnet *checknet(lua_State *L, int idx, const char *fname) {
  lnet *n = (lnet *)luaL_testudata(L, idx, IBSH_NET_T);
  if (!n) lx_error(L, fname, "argument #%d must be an ibsh.Net, got %s", idx, luaL_typename(L, idx));
  if (!n->params) lx_error(L, fname, "the network has been released");
  return n;
}

/* nn.mlp{w0, w1, ..., act = "tanh", out = "softmax", init = "truncnormal", bias = 0, seed = 0}. */
static int nn_mlp(lua_State *L) {
  static const char *const known[] = {"act", "out", "init", "bias", "seed", "quant", "noise", "dtype", NULL};
  const char *fname = "nn.mlp";
  if (!lua_istable(L, 1)) lx_error(L, fname, "expected a table like {12, 10, 2, act = \"tanh\"}, got %s", luaL_typename(L, 1));
  lx_checkoptions(L, 1, known, fname);
  lua_Integer nw = (lua_Integer)lua_rawlen(L, 1);
  if (nw < 2) lx_error(L, fname, "need at least an input and an output width, got %lld widths", (long long)nw);
  if (nw > IBSH_NN_MAXLAYERS + 1) lx_error(L, fname, "at most %d widths", IBSH_NN_MAXLAYERS + 1);
  size_t widths[IBSH_NN_MAXLAYERS + 1];
  for (lua_Integer i = 1; i <= nw; i++) {
    lua_rawgeti(L, 1, i);
    int isint = 0;
    lua_Integer w = lua_tointegerx(L, -1, &isint);
    if (!isint || w < 1) lx_error(L, fname, "width #%d must be a positive integer, got %s", (int)i, luaL_tolstring(L, -1, NULL));
    widths[i - 1] = (size_t)w;
    lua_pop(L, 1);
  }
  const char *act = lx_optstring(L, 1, "act", "tanh", fname);
  const char *out = lx_optstring(L, 1, "out", "softmax", fname);
  const char *init = lx_optstring(L, 1, "init", "truncnormal", fname);
  double bias = lx_optnumber(L, 1, "bias", 0.0, fname);
  lua_Integer seed = lx_optinteger(L, 1, "seed", 0, fname);
  int a = ibsh_act_from_name(act), o = ibsh_out_from_name(out), in = ibsh_init_from_name(init);
  if (a < 0) lx_error(L, fname, "unknown activation '%s' (known: tanh, relu, sigmoid, linear, softsign, softplus)", act);
  if (o < 0) lx_error(L, fname, "unknown output '%s' (known: softmax, sigmoid, linear)", out);
  if (in < 0) lx_error(L, fname, "unknown init '%s' (known: truncnormal, truncnormal_fan_out, glorot_uniform, he_normal)", init);
  if (bias != bias || bias > 1e300 || bias < -1e300) lx_error(L, fname, "bias must be a finite number");
  ibsh_arch arch;
  lx_check(L, ibsh_arch_init(&arch, (int)nw - 1, widths, a, o), fname);
  lnn_read_perturb(L, 1, &arch, (uint64_t)seed, fname);
  int dtype = lnn_read_dtype(L, 1, fname);
  lnet *n;
  if (dtype == IBSH_F32) {   /* the equivalent layer net, with the same parameter layout and initial values */
    if (ibsh_nn_perturbed(&arch)) lx_error(L, fname, "quant and noise need dtype = \"float64\"");
    ibsh_net net;
    lnn_mlp_as_net(L, &arch, dtype, &net, fname);
    n = lnn_pushlayernet(L, &net, fname);
  } else {
    n = lnn_pushnet(L, &arch, fname);
  }
  n->seed = (uint64_t)seed;
  ibsh_rng r;
  ibsh_rng_seed(&r, (uint64_t)seed);
  ibsh_nn_init_params(&arch, n->params, in, bias, &r);
  if (dtype == IBSH_F32) for (size_t i = 0; i < arch.nparams; i++) n->params[i] = (float)n->params[i];
  return 1;
}

/* net:forward(x) -> activations of every layer with the current weights. */
static int net_forward(lua_State *L) {
  lnet *n = checknet(L, 1, "Net:forward");
  if (n->net) lnn_net_push_activations(L, n->net, n->params, 2, "Net:forward");
  else lnn_push_activations(L, &n->arch, n->params, 2, "Net:forward");
  return 1;
}

/* net:weights() -> the current weights. */
static int net_weights(lua_State *L) {
  lnet *n = checknet(L, 1, "Net:weights");
  if (n->net) lnn_net_push_weights(L, n->net, n->params, "Net:weights");
  else lnn_push_weights(L, &n->arch, n->params, "Net:weights");
  return 1;
}

/* net:nlayers() -> number of weight layers. */
static int net_nlayers(lua_State *L) {
  lnet *n = checknet(L, 1, "Net:nlayers");
  lua_pushinteger(L, n->net ? n->net->nlayers : n->arch.nlayers);
  return 1;
}

/* net:widths() -> Lua array of layer widths, inputs first. */
static int net_widths(lua_State *L) {
  lnet *n = checknet(L, 1, "Net:widths");
  if (n->net) { lnn_net_push_widths(L, n->net); return 1; }
  lua_createtable(L, n->arch.nlayers + 1, 0);
  for (int l = 0; l <= n->arch.nlayers; l++) {
    lua_pushinteger(L, (lua_Integer)n->arch.width[l]);
    lua_rawseti(L, -2, l + 1);
  }
  return 1;
}

/* net:nparams() -> number of parameters. */
static int net_nparams(lua_State *L) {
  lnet *n = checknet(L, 1, "Net:nparams");
  lua_pushinteger(L, (lua_Integer)n->arch.nparams);
  return 1;
}

/* tostring(net). */
static int net_tostring(lua_State *L) {
  lnet *n = checknet(L, 1, "Net:__tostring");
  char buf[1024];
  if (n->net) ibsh_net_str(n->net, buf, sizeof buf);
  else lnn_arch_str(&n->arch, buf, sizeof buf);
  lua_pushfstring(L, "ibsh.Net %s (%d parameters)", buf, (int)n->arch.nparams);
  return 1;
}

/* net:shapes() -> the C x H x W shape and name of every layer's values (an MLP: {width, 1, 1} per weight layer). */
static int net_shapes(lua_State *L) {
  lnet *n = checknet(L, 1, "Net:shapes");
  if (n->net) { lnn_net_push_shapes(L, n->net); return 1; }
  lnn_push_mlp_shapes(L, &n->arch);
  return 1;
}

static const lx_Reg net_methods[] = {
  {"shapes", net_shapes,
   "net:shapes()\n\nThe shape of every layer's values, in the order of net:forward and run:activations: a Lua array of {C, H, W, name = layer name} "
   "(flat layers {width, 1, 1}; for a float64 nn.mlp one per weight layer).\n\nExample: for i, s in ipairs(net:shapes()) do print(i, s.name, s[1], s[2], s[3]) end"},
  {"fit", lnn_fit, lnn_fit_help},
  {"forward", net_forward,
   "net:forward(x)\n\nActivations of every layer for the rows of x (n x inputs) with the network's current weights: a Lua array of n x width tensors, hidden layers then the output layer.\n\nExample: local acts = net:forward(d.x); print(acts[#acts])"},
  {"weights", net_weights,
   "net:weights()\n\nThe current weights: a Lua array with one {W = fan_in x fan_out tensor, b = vector} per layer.\n\nExample: local w = net:weights(); print(w[1].W)"},
  {"nlayers", net_nlayers, "net:nlayers()\n\nThe number of weight layers (hidden layers plus the output layer); for nn.net (and float32 nn.mlp) the number of layers.\n\nExample: print(nn.mlp{12, 10, 2}:nlayers())  --> 2"},
  {"widths", net_widths, "net:widths()\n\nThe layer widths as a Lua array, inputs first.\n\nExample: print(table.concat(net:widths(), '-'))"},
  {"nparams", net_nparams, "net:nparams()\n\nThe number of weights and biases.\n\nExample: print(nn.mlp{12, 10, 2}:nparams())  --> 152"},
  {NULL, NULL, NULL}
};

static const luaL_Reg net_meta[] = {
  {"__gc", net_gc},
  {"__tostring", net_tostring},
  {NULL, NULL}
};

/* nn.log_epochs(total, count) -> the original code's log-spaced epochs as a 1-d tensor. */
static int nn_log_epochs(lua_State *L) {
  lua_Integer total = luaL_checkinteger(L, 1), count = luaL_checkinteger(L, 2);
  if (total < 1 || total > 100000000 || count < 1 || count > 10000000)
    lx_error(L, "nn.log_epochs", "need 1 <= total <= 1e8 and 1 <= count <= 1e7, got %d and %d", (int)total, (int)count);
  size_t k = ibsh_log_epochs((long)total, (long)count, NULL, 0);
  long *ep = (long *)lua_newuserdatauv(L, (k + 1) * sizeof(long), 0);
  ibsh_log_epochs((long)total, (long)count, ep, k);
  double *d = ibsh_tensor_data(lx_newtensor1(L, k, "nn.log_epochs"));
  for (size_t i = 0; i < k; i++) d[i] = (double)ep[i];
  return 1;
}

/* Read one IDX file into a new tensor on the stack, naming the Debian package when the file is missing. */
static ibsh_tensor *push_idx(lua_State *L, const char *dir, const char *name, const char *fname) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (access(path, R_OK) != 0)
    lx_error(L, fname, "%s not found: install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) "
             "or pass dir = the directory holding the IDX .gz files", path);
  ibsh_tensor *t = lx_pushtensor(L);
  lx_check(L, ibsh_idx_read(path, t), fname);
  return t;
}

/* nn.fashion_mnist{train = true, dir = ..., scale = true} -> {x = n x 784, y = n labels, classes = {...}}. */
static int nn_fashion_mnist(lua_State *L) {
  static const char *const known[] = {"train", "dir", "scale", NULL};
  const char *fname = "nn.fashion_mnist";
  if (!lua_isnoneornil(L, 1) && !lua_istable(L, 1)) lx_error(L, fname, "options must be a table, got %s", luaL_typename(L, 1));
  lua_settop(L, 1);
  lx_checkoptions(L, 1, known, fname);
  int train = lx_optboolean(L, 1, "train", 1, fname);
  int scale = lx_optboolean(L, 1, "scale", 1, fname);
  const char *dir = lx_optstring(L, 1, "dir", "/usr/share/datasets/fashion-mnist", fname);
  const char *prefix = train ? "train" : "t10k";
  char name[64];
  snprintf(name, sizeof name, "%s-images-idx3-ubyte.gz", prefix);
  ibsh_tensor *x = push_idx(L, dir, name, fname);
  snprintf(name, sizeof name, "%s-labels-idx1-ubyte.gz", prefix);
  ibsh_tensor *y = push_idx(L, dir, name, fname);
  if (x->ndim != 3 || y->ndim != 1 || x->shape[0] != y->shape[0])
    lx_error(L, fname, "%s: images and labels do not match (expected n x 28 x 28 images and n labels)", dir);
  size_t n = x->shape[0], d = x->shape[1] * x->shape[2];
  x->ndim = 2;
  x->shape[1] = d;
  x->stride[0] = (ptrdiff_t)d;
  x->stride[1] = 1;
  double *xd = ibsh_tensor_data(x), *yd = ibsh_tensor_data(y);
  if (scale) for (size_t i = 0; i < n * d; i++) xd[i] /= 255.0;
  for (size_t i = 0; i < n; i++)
    if (yd[i] < 0 || yd[i] > 9) lx_error(L, fname, "%s: label %g out of range 0..9", dir, yd[i]);
  static const char *const classes[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "x");
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "y");
  lua_createtable(L, 10, 0);
  for (int i = 0; i < 10; i++) {
    lua_pushstring(L, classes[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "classes");
  return 1;
}

static const lx_Reg nn_funcs[] = {
  {"fashion_mnist", nn_fashion_mnist,
   "nn.fashion_mnist{train = true, dir = \"/usr/share/datasets/fashion-mnist\", scale = true}\n\n"
   "The Fashion-MNIST training set (60 000 images) or, with train = false, the test set (10 000), read from the IDX .gz files of "
   "Debian's dataset-fashion-mnist package: a dataset {x = n x 784 tensor (pixels / 255 unless scale = false), y = labels 0..9, "
   "classes = the 10 class names}.\n\nExample: local test = nn.fashion_mnist{train = false}; print(test.x:size())"},
  {"log_epochs", nn_log_epochs,
   "nn.log_epochs(total, count)\n\nThe epochs np.unique(np.logspace(log2(1), log2(total), count, dtype=int, base=2)) - 1 that the original IDNNs code sampled, "
   "as a 1-d tensor (0-based epochs, recorded at the start of each); fit's snapshots = \"log:N\" uses them.\n\n"
   "Example: print(nn.log_epochs(8000, 400):size())  --> 274"},
  {"mlp", nn_mlp,
   "nn.mlp{w0, w1, ..., wL, act = \"tanh\", out = \"softmax\", init = \"truncnormal\", bias = 0, seed = 0, quant = nil, noise = 0, dtype = \"float64\"}\n\n"
   "A dense network with the given layer widths (inputs first, outputs last). Hidden layers use act (tanh, relu, sigmoid, linear, softsign, softplus); "
   "the output is softmax with cross-entropy loss, sigmoid with binary cross-entropy, or linear with mean squared error. "
   "Weights start from init: truncnormal (std 1/sqrt(fan_in), redrawn beyond 2 std, as IDNNs), truncnormal_fan_out (std 1/sqrt(fan_out), as Saxe et al.), "
   "glorot_uniform or he_normal, drawn from a generator seeded with seed; biases start at bias. "
   "quant = {bits = k, range = R} makes a quantized network (Lorenzen et al. 2022): every hidden activation is rounded in the forward "
   "pass to 2^k evenly spaced levels on [-1, 1] (tanh, softsign), [0, 1] (sigmoid), [0, R] (relu, softplus) or [-R, R] (linear), "
   "R = 6 by default, values outside clipped, and gradients pass straight through inside the range (zero outside); k is 1 to 16, or a "
   "list with one entry per hidden layer (plus optionally one for the output), R a number or a list per hidden layer. A softmax or sigmoid "
   "output is reported (net:forward, run:activations) quantized on [0, 1] with the last k, while the loss uses the exact probabilities. "
   "noise = sigma makes a noise-injected network (Goldfeld et al. 2019): every hidden layer adds N(0, sigma^2) after its activation, in "
   "training and in the per-epoch evaluation, drawn from generators derived from seed, the epoch and the batch (bit-reproducible, "
   "also across resume); net:forward and run:activations return the noiseless activations S. "
   "dtype = \"float32\" builds the equivalent nn.net (dense layers with the activation between them, the same initial weights "
   "rounded to float32) trained in single precision; its activations list every dense layer and every activation.\n\n"
   "Example: local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = \"tanh\", seed = 0, quant = {bits = 8}}"},
  {"load_run", lnn_load_run, lnn_load_run_help},
  {"net", lnn_net, lnn_net_help},
  {"optimizer", lnn_optimizer, lnn_optimizer_help},
  {NULL, NULL, NULL}
};

/* Open the C core of module ibsh.nn. */
int luaopen_ibsh_core_nn(lua_State *L) {
  lx_newclass(L, IBSH_NET_T, net_methods, net_meta);
  lnn_open_grad(L);
  lnn_open_run(L);
  lnn_open_quant(L);
  lua_newtable(L);
  lx_setfuncs(L, "nn.", nn_funcs);
  return 1;
}
