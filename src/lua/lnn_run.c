/*
** Lua binding of training runs (ibsh.Run): snapshots, weights, activations,
** metrics, gradient statistics, saving and loading.
*/
#include <math.h>
#include <string.h>
#include "ibsh/error.h"
#include "lnn.h"

/* Push a new, empty run userdata. */
lrun *lnn_pushrun(lua_State *L) {
  lrun *r = (lrun *)lua_newuserdatauv(L, sizeof(lrun), 0);
  memset(r, 0, sizeof *r);
  luaL_setmetatable(L, IBSH_RUN_T);
  return r;
}

/* The run at idx or a Lua error naming fname. */
lrun *lnn_checkrun(lua_State *L, int idx, const char *fname) {
  lrun *r = (lrun *)luaL_testudata(L, idx, IBSH_RUN_T);
  if (!r) lx_error(L, fname, "argument #%d must be an ibsh.Run, got %s", idx, luaL_typename(L, idx));
  if (!r->run.params) lx_error(L, fname, "the run is empty or released");
  return r;
}

/* Free a run (__gc). */
static int run_gc(lua_State *L) {
  lrun *r = (lrun *)luaL_checkudata(L, 1, IBSH_RUN_T);
  ibsh_run_free(&r->run);
  return 0;
}

/* The parameters of the snapshot at the epoch given at idx, or a Lua error. */
static const double *snapshot_at(lua_State *L, const ibsh_run *run, int idx, const char *fname) {
  int isint = 0;
  lua_Integer e = lua_tointegerx(L, idx, &isint);
  if (!isint) lx_error(L, fname, "epoch must be an integer, got %s", luaL_typename(L, idx));
  long i = ibsh_run_find(run, (long)e);
  if (i < 0) {
    if (run->nsnap == 0) lx_error(L, fname, "the run has no snapshots");
    lx_error(L, fname, "no snapshot at epoch %d (the run has %d snapshots from epoch %ld to %ld; see run:epochs())",
             (int)e, (int)run->nsnap, run->snap_epoch[0], run->snap_epoch[run->nsnap - 1]);
  }
  return run->snap_params + (size_t)i * run->arch.nparams;
}

/* run:epochs() -> 1-d tensor of snapshot epochs. */
static int run_epochs(lua_State *L) {
  lrun *r = lnn_checkrun(L, 1, "Run:epochs");
  double *d = ibsh_tensor_data(lx_newtensor1(L, r->run.nsnap, "Run:epochs"));
  for (size_t i = 0; i < r->run.nsnap; i++) d[i] = (double)r->run.snap_epoch[i];
  return 1;
}

/* run:nlayers() -> number of weight layers. */
static int run_nlayers(lua_State *L) {
  lrun *r = lnn_checkrun(L, 1, "Run:nlayers");
  lua_pushinteger(L, r->run.net ? r->run.net->nlayers : r->run.arch.nlayers);
  return 1;
}

/* run:nepochs() -> number of completed epochs. */
static int run_nepochs(lua_State *L) {
  lrun *r = lnn_checkrun(L, 1, "Run:nepochs");
  lua_pushinteger(L, r->run.epochs);
  return 1;
}

/* run:widths() -> layer widths. */
static int run_widths(lua_State *L) {
  lrun *r = lnn_checkrun(L, 1, "Run:widths");
  if (r->run.net) { lnn_net_push_widths(L, r->run.net); return 1; }
  lua_createtable(L, r->run.arch.nlayers + 1, 0);
  for (int l = 0; l <= r->run.arch.nlayers; l++) {
    lua_pushinteger(L, (lua_Integer)r->run.arch.width[l]);
    lua_rawseti(L, -2, l + 1);
  }
  return 1;
}

/* run:weights(e) -> array of {W, b} at snapshot e. */
static int run_weights(lua_State *L) {
  lrun *r = lnn_checkrun(L, 1, "Run:weights");
  const double *p = snapshot_at(L, &r->run, 2, "Run:weights");
  if (r->run.net) lnn_net_push_weights(L, r->run.net, p, "Run:weights");
  else lnn_push_weights(L, &r->run.arch, p, "Run:weights");
  return 1;
}

/* run:activations(e, x) -> array of per-layer activation tensors at snapshot e. */
static int run_activations(lua_State *L) {
  lrun *r = lnn_checkrun(L, 1, "Run:activations");
  const double *p = snapshot_at(L, &r->run, 2, "Run:activations");
  if (r->run.net) lnn_net_push_activations(L, r->run.net, p, 3, "Run:activations");
  else lnn_push_activations(L, &r->run.arch, p, 3, "Run:activations");
  return 1;
}

/* run:net([e]) -> a new ibsh.Net with the weights of snapshot e (default: the current weights). */
static int run_net(lua_State *L) {
  lrun *r = lnn_checkrun(L, 1, "Run:net");
  const double *p = lua_isnoneornil(L, 2) ? r->run.params : snapshot_at(L, &r->run, 2, "Run:net");
  lnet *n = r->run.net ? lnn_pushlayernet(L, r->run.net, "Run:net") : lnn_pushnet(L, &r->run.arch, "Run:net");
  memcpy(n->params, p, r->run.arch.nparams * sizeof(double));
  return 1;
}

/* Set field name of the table on top to a vector copy of n values. */
static void set_vector(lua_State *L, const char *name, const double *v, size_t n, const char *fname) {
  double *d = ibsh_tensor_data(lx_newtensor1(L, n, fname));
  if (n) memcpy(d, v, n * sizeof(double));
  lua_setfield(L, -2, name);
}

/* run:metrics() -> {epoch, train_loss, train_acc, test_loss, test_acc} as 1-d tensors over epochs 1..E. */
static int run_metrics(lua_State *L) {
  const char *fname = "Run:metrics";
  lrun *r = lnn_checkrun(L, 1, fname);
  size_t E = (size_t)r->run.epochs;
  lua_createtable(L, 0, 5);
  double *ep = ibsh_tensor_data(lx_newtensor1(L, E, fname));
  for (size_t e = 0; e < E; e++) ep[e] = (double)(e + 1);
  lua_setfield(L, -2, "epoch");
  set_vector(L, "train_loss", r->run.train_loss, E, fname);
  set_vector(L, "train_acc", r->run.train_acc, E, fname);
  set_vector(L, "test_loss", r->run.test_loss, E, fname);
  set_vector(L, "test_acc", r->run.test_acc, E, fname);
  return 1;
}

/* run:gradstats() -> {grad_mean, grad_std, snr, weight_norm}: E x L tensors (epochs x layers). */
static int run_gradstats(lua_State *L) {
  const char *fname = "Run:gradstats";
  lrun *r = lnn_checkrun(L, 1, fname);
  size_t E = (size_t)r->run.epochs, Ln = (size_t)r->run.arch.nlayers;
  lua_createtable(L, 0, 4);
  const double *src[3] = {r->run.grad_mean, r->run.grad_std, r->run.weight_norm};
  const char *names[3] = {"grad_mean", "grad_std", "weight_norm"};
  for (int k = 0; k < 3; k++) {
    double *d = ibsh_tensor_data(lx_newtensor2(L, E, Ln, fname));
    if (E) memcpy(d, src[k], E * Ln * sizeof(double));
    lua_setfield(L, -2, names[k]);
  }
  double *snr = ibsh_tensor_data(lx_newtensor2(L, E, Ln, fname));
  for (size_t i = 0; i < E * Ln; i++) snr[i] = r->run.grad_mean[i] / r->run.grad_std[i];
  lua_setfield(L, -2, "snr");
  return 1;
}

/* run:save(dir) -> dir. */
static int run_save(lua_State *L) {
  lrun *r = lnn_checkrun(L, 1, "Run:save");
  const char *dir = luaL_checkstring(L, 2);
  lx_check(L, ibsh_run_save(&r->run, dir, NULL), "Run:save");
  lua_settop(L, 2);
  return 1;
}

/* nn.load_run(dir) -> ibsh.Run. */
int lnn_load_run(lua_State *L) {
  const char *dir = luaL_checkstring(L, 1);
  lrun *r = lnn_pushrun(L);
  lx_check(L, ibsh_run_load(&r->run, dir), "nn.load_run");
  return 1;
}

const char lnn_load_run_help[] =
  "nn.load_run(dir)\n\nLoad a run saved with run:save(dir) (or by net:fit with dir = ...): its snapshots, metrics, gradient statistics and "
  "the optimiser and shuffling state needed to resume it. Every file is checked against the sizes and checksums in dir/manifest.json; "
  "a truncated, corrupted or mixed directory is refused with an error naming the file.\n\nExample: local run = nn.load_run(\"runs/tanh0\"); print(run:epochs())";

/* tostring(run). */
static int run_tostring(lua_State *L) {
  lrun *r = (lrun *)luaL_checkudata(L, 1, IBSH_RUN_T);
  if (!r->run.params) {
    lua_pushliteral(L, "ibsh.Run (empty)");
    return 1;
  }
  char buf[1024];
  if (r->run.net) ibsh_net_str(r->run.net, buf, sizeof buf);
  else lnn_arch_str(&r->run.arch, buf, sizeof buf);
  lua_pushfstring(L, "ibsh.Run %s: %d epochs, %d snapshots", buf, (int)r->run.epochs, (int)r->run.nsnap);
  return 1;
}

/* run:shapes() -> the shape of every layer's values (as net:shapes()). */
static int run_shapes(lua_State *L) {
  lrun *r = lnn_checkrun(L, 1, "Run:shapes");
  if (r->run.net) { lnn_net_push_shapes(L, r->run.net); return 1; }
  lnn_push_mlp_shapes(L, &r->run.arch);
  return 1;
}

static const lx_Reg run_methods[] = {
  {"shapes", run_shapes, "run:shapes()\n\nThe C x H x W shape and layer name of every tensor run:activations returns: a Lua array of {C, H, W, name = ...}.\n\nExample: local s = run:shapes(); print(s[1].name, s[1][1], s[1][2], s[1][3])"},
  {"epochs", run_epochs, "run:epochs()\n\nThe epochs of the snapshots as a 1-d tensor, increasing; epoch e means the weights after e completed epochs (0 = initial).\n\nExample: print(run:epochs():size())"},
  {"nepochs", run_nepochs, "run:nepochs()\n\nThe number of completed training epochs.\n\nExample: print(run:nepochs())"},
  {"nlayers", run_nlayers, "run:nlayers()\n\nThe number of weight layers (hidden layers plus the output).\n\nExample: for l = 1, run:nlayers() do print(l) end"},
  {"widths", run_widths, "run:widths()\n\nThe layer widths, inputs first.\n\nExample: print(table.concat(run:widths(), '-'))"},
  {"weights", run_weights, "run:weights(e)\n\nThe weights at snapshot epoch e: a Lua array with one {W = fan_in x fan_out tensor, b = vector} per layer.\n\nExample: local w = run:weights(0); print(w[1].W)"},
  {"activations", run_activations, "run:activations(e, x)\n\nThe activations of every layer at snapshot epoch e for the rows of x: a Lua array of n x width tensors, hidden layers then the output (softmax) layer. For nn.net, every layer's values in evaluation mode as n x (C*H*W) tensors (shapes in run:shapes()), the last as probabilities.\n\nExample: local acts = run:activations(100, d.x); print(#acts)"},
  {"net", run_net, "run:net([e])\n\nA new ibsh.Net holding the weights of snapshot e, or the run's current (last) weights without e.\n\nExample: local net = run:net(50)"},
  {"metrics", run_metrics, "run:metrics()\n\nPer-epoch metrics as 1-d tensors indexed by epoch 1..E: {epoch, train_loss, train_acc, test_loss, test_acc}, evaluated on the whole sets with the weights after each epoch (NaN where there is no test set).\n\nExample: local m = run:metrics(); print(m.train_acc:get(m.epoch:size()))"},
  {"gradstats", run_gradstats, "run:gradstats()\n\nPer-epoch, per-layer gradient statistics as E x L tensors: grad_mean = norm of the mean of the epoch's per-batch weight gradients, grad_std = norm of their standard deviation (ddof 0), snr = grad_mean / grad_std, weight_norm = Frobenius norm of the weights after the epoch.\n\nExample: local g = run:gradstats(); print(g.snr)"},
  {"save", run_save, "run:save(dir)\n\nWrite the run to directory dir (created if missing) as a new checkpoint dir/ckpt-<N>/ holding config.json, state.npy, epochs.npy, W<l>.npy and b<l>.npy ([snapshots, fan_in, fan_out]), metrics.npy/.csv, gradstats.npy/.csv (every file fsynced), then dir/manifest.json with their sizes and checksums, renamed last; only then is the previous checkpoint removed and the link dir/current moved to the new one. A kill at any moment leaves the old run or the new one (doc/crash.md).\n\nExample: run:save(\"runs/tanh0\")"},
  {NULL, NULL, NULL}
};

static const luaL_Reg run_meta[] = {
  {"__gc", run_gc},
  {"__tostring", run_tostring},
  {NULL, NULL}
};

/* Register the ibsh.Run class. */
void lnn_open_run(lua_State *L) {
  lx_newclass(L, IBSH_RUN_T, run_methods, run_meta);
}
