/*
** Lua binding of the estimator-free information-plane functions: mi.exact (exact
** plug-in MI of a quantized layer), mi.sp (sample propagation for a noise-injected
** layer) and mi.clustering (how noiseless representations cluster).
*/
#include <math.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/mi_binned.h"
#include "ibsh/mi_exact.h"
#include "lmi.h"
#include "mi/mi_codes.h"

/* Dense ids of the rows of opts.x (input rows or row ids), or NULL when absent; pushes a scratch buffer. */
static uint32_t *opt_xids(lua_State *L, int opts, size_t n, size_t *kx, const char *fname) {
  if (lua_isnoneornil(L, opts)) return NULL;
  if (lua_getfield(L, opts, "x") == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  size_t m, d;
  const double *x = lmi_matrix(L, lua_gettop(L), &m, &d, fname);
  if (m != n) lx_error(L, fname, "option 'x' has %zu rows but the data have %zu", m, n);
  uint32_t *ids = lmi_scratch(L, n * sizeof *ids);
  lx_check(L, ibsh_codes_doubles(x, n, d, ids, kx), fname);
  return ids;
}

/* Field key of opts.quant for layer l (1-based): a number, or entry l of a list (nil when absent). */
static double quant_field(lua_State *L, int q, const char *key, size_t l, const char *fname) {
  double v = NAN;
  lua_getfield(L, q, key);
  if (lua_istable(L, -1)) lua_rawgeti(L, -1, (lua_Integer)l);
  else lua_pushvalue(L, -1);
  if (lua_isnumber(L, -1)) v = lua_tonumber(L, -1);
  else if (!lua_isnil(L, -1)) lx_error(L, fname, "option 'quant': %s must be a number or a list of numbers", key);
  lua_pop(L, 2);
  return v;
}

/* The grid of layer l from opts.quant ({bits =, lo =, hi =}, numbers or per-layer lists as run:quant() returns);
   returns lv, or NULL when there is none for this layer (bits 0 or absent). */
static const ibsh_levels *opt_levels(lua_State *L, int opts, size_t l, ibsh_levels *lv, const char *fname) {
  if (lua_isnoneornil(L, opts)) return NULL;
  int q = lua_getfield(L, opts, "quant");
  if (q == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  if (q != LUA_TTABLE) lx_error(L, fname, "option 'quant' must be a table {bits =, lo =, hi =} (as run:quant() returns)");
  int top = lua_gettop(L);
  double bits = quant_field(L, top, "bits", l, fname), lo = quant_field(L, top, "lo", l, fname);
  double hi = quant_field(L, top, "hi", l, fname);
  lua_pop(L, 1);
  if (bits != bits || bits == 0) return NULL;
  if (bits != floor(bits) || bits < 0 || bits > 16) lx_error(L, fname, "option 'quant': bits must be an integer 0..16, got %g", bits);
  if (!isfinite(lo) || !isfinite(hi) || !(lo < hi)) lx_error(L, fname, "option 'quant': needs finite lo < hi, got %g, %g", lo, hi);
  *lv = (ibsh_levels){(int)bits, lo, hi};
  return lv;
}

/* mi.exact(t, y, opts) -> I(X;T), I(T;Y) */
static int l_exact(lua_State *L) {
  static const char *const known[] = {"x", "unit", "quant", NULL};
  const char *F = "mi.exact";
  size_t n, d, kx = 0, ky = 0;
  lua_settop(L, 3);
  const double *t = lmi_matrix(L, 1, &n, &d, F);
  if (!lua_isnoneornil(L, 3) && !lua_istable(L, 3)) lx_error(L, F, "options must be a table, got %s", luaL_typename(L, 3));
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  uint32_t *yids = lua_isnoneornil(L, 2) ? NULL : lmi_labels(L, 2, n, &ky, F);
  uint32_t *xids = opt_xids(L, 3, n, &kx, F);
  ibsh_levels grid;
  const ibsh_levels *lv = opt_levels(L, 3, 1, &grid, F);
  double ixt = 0, ity = 0;
  lx_check(L, ibsh_mi_exact(t, n, d, lv, xids, kx, yids, ky, &ixt, &ity), F);
  lua_pushnumber(L, ixt / unit);
  if (!yids) return 1;
  lua_pushnumber(L, ity / unit);
  return 2;
}

/* mi.exact_layers(layers, y, opts) -> L x 2 tensor of I(X;T), I(T;Y), one row per layer */
static int l_exact_layers(lua_State *L) {
  static const char *const known[] = {"x", "unit", "quant", NULL};
  const char *F = "mi.exact_layers";
  lua_settop(L, 3);
  size_t n, kx = 0, ky = 0, nl = lmi_layers(L, 1, &n, F);
  if (!lua_isnoneornil(L, 3) && !lua_istable(L, 3)) lx_error(L, F, "options must be a table, got %s", luaL_typename(L, 3));
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  uint32_t *yids = lmi_labels(L, 2, n, &ky, F);   /* coded once for all layers */
  uint32_t *xids = opt_xids(L, 3, n, &kx, F);
  double *o = ibsh_tensor_data(lx_newtensor2(L, nl, 2, F));
  int top = lua_gettop(L);
  for (size_t l = 0; l < nl; l++) {
    lua_rawgeti(L, 1, (lua_Integer)l + 1);
    if (!lx_testtensor(L, -1)) lx_error(L, F, "layer %zu is not a tensor", l + 1);
    size_t m, d;
    const double *t = lmi_matrix(L, lua_gettop(L), &m, &d, F);
    if (m != n) lx_error(L, F, "layer %zu has %zu rows but layer 1 has %zu", l + 1, m, n);
    ibsh_levels grid;
    const ibsh_levels *lv = opt_levels(L, 3, l + 1, &grid, F);
    double ixt = 0, ity = 0;
    if (ibsh_mi_exact(t, n, d, lv, xids, kx, yids, ky, &ixt, &ity)) lx_error(L, F, "layer %zu: %s", l + 1, ibsh_errmsg());
    o[2 * l] = ixt / unit;
    o[2 * l + 1] = ity / unit;
    lua_settop(L, top);
  }
  return 1;
}

/* mi.sp(s, opts) -> I(X;T), se [, I(T;Y), se] */
static int l_sp(lua_State *L) {
  static const char *const known[] = {"noise", "samples", "seed", "unit", "y", "threads", NULL};
  const char *F = "mi.sp";
  size_t n, d, ky = 0;
  lua_settop(L, 2);
  const double *s = lmi_matrix(L, 1, &n, &d, F);
  if (!lua_istable(L, 2)) lx_error(L, F, "needs options {noise = sigma, ...} (the std of the layer's Gaussian noise)");
  lx_checkoptions(L, 2, known, F);
  if (lua_getfield(L, 2, "noise") == LUA_TNIL) lx_error(L, F, "option 'noise' (the std of the layer's Gaussian noise) is required");
  lua_pop(L, 1);
  double sigma = lx_optnumber(L, 2, "noise", 0, F);
  if (!(sigma > 0) || !isfinite(sigma)) lx_error(L, F, "noise must be a positive finite number, got %g", sigma);
  lua_Integer m = lx_optinteger(L, 2, "samples", 100, F);
  if (m < 1 || m > 100000000) lx_error(L, F, "samples must be 1 to 1e8, got %lld", (long long)m);
  lua_Integer seed = lx_optinteger(L, 2, "seed", 1, F);
  lua_Integer threads = lx_optinteger(L, 2, "threads", 0, F);
  if (threads < 0 || threads > 1024) lx_error(L, F, "threads must be 0 (default) to 1024");
  double unit = lmi_unit(L, 2, F);
  uint32_t *yids = NULL;
  if (lua_getfield(L, 2, "y") != LUA_TNIL) yids = lmi_labels(L, lua_gettop(L), n, &ky, F);
  ibsh_sp_result r;
  lx_check(L, ibsh_mi_sp(s, n, d, sigma, (size_t)m, (uint64_t)seed, yids, ky, (int)threads, &r), F);
  lua_pushnumber(L, r.ixt / unit);
  lua_pushnumber(L, r.ixt_se / unit);
  if (!yids) return 2;
  lua_pushnumber(L, r.ity / unit);
  lua_pushnumber(L, r.ity_se / unit);
  return 4;
}

/* mi.clustering(s [, y] [, opts]) -> within, close */
static int l_clustering(lua_State *L) {
  static const char *const known[] = {"radius", NULL};
  const char *F = "mi.clustering";
  size_t n, d, ky = 0;
  lua_settop(L, 3);
  const double *s = lmi_matrix(L, 1, &n, &d, F);
  if (!lua_isnoneornil(L, 3) && !lua_istable(L, 3)) lx_error(L, F, "options must be a table, got %s", luaL_typename(L, 3));
  lx_checkoptions(L, 3, known, F);
  double r = lx_optnumber(L, 3, "radius", 0, F);
  if (!(r >= 0) || !isfinite(r)) lx_error(L, F, "radius must be a finite number >= 0, got %g", r);
  uint32_t *yids = lua_isnoneornil(L, 2) ? NULL : lmi_labels(L, 2, n, &ky, F);
  double within = 0, close = 0;
  lx_check(L, ibsh_mi_clustering(s, n, d, yids, r, &within, &close), F);
  lua_pushnumber(L, within);
  lua_pushnumber(L, close);
  return 2;
}

static const lx_Reg funcs[] = {
  {"clustering", l_clustering,
   "mi.clustering(s [, y] [, {radius = r}]) -> within, close\n\n"
   "How the rows of a representation s (n x d, e.g. the noiseless activations of a layer) cluster, the geometric view that Goldfeld "
   "et al. (2019) relate compression of a noisy layer to: within = the mean Euclidean distance between rows of the same class "
   "(labels y) over the mean distance between all rows (1 = no class structure, falling towards 0 as each class gathers on a point; "
   "NaN without y); close = the fraction of row pairs closer than radius (e.g. 2 sigma of the layer's noise: pairs the noise makes "
   "indistinguishable, rising as the representation clusters; NaN without radius). Costs n^2 d.\n\n"
   "Example: local within, close = mi.clustering(acts[2], d.y, {radius = 0.2})"},
  {"exact", l_exact,
   "mi.exact(t [, y] [, opts]) -> ixt, ity\n\n"
   "Exact I(X;T) and I(T;Y) of a layer that takes finitely many values (a quantized network's run:activations on an empirical "
   "input set; Lorenzen, Igel & Nielsen 2022): T is the row of t (n x d), X the row identity with p(x) uniform over the n rows, "
   "Y the labels y (n non-negative integers). I(X;T) = H(T) - H(T|X) and I(T;Y) = H(T) - H(T|Y) are the plug-in quantities over the "
   "distinct rows of t: equal rows are equal values, no bins are chosen. Options: x = an n x k tensor of input rows or row ids "
   "when inputs repeat (then H(T|X) counts), unit = \"bits\" (default) or \"nats\", quant = {bits = k, lo = a, hi = b}: the grid "
   "the values were quantized to (as run:quant() returns; lists are read at entry 1): when every value is exactly one of its 2^k "
   "levels, rows are counted by their packed level indices, as binning counts bin codes (faster, same result; otherwise the "
   "general path). Without y only I(X;T) is returned. NaN or Inf in t is an error.\n\n"
   "Example: local acts = run:activations(100, d.x); print(mi.exact(acts[3], d.y))"},
  {"exact_layers", l_exact_layers,
   "mi.exact_layers(layers, y [, opts]) -> L x 2 tensor\n\n"
   "mi.exact for every tensor of the array layers (all with the same rows; labels coded once): row l holds I(X;T_l), I(T_l;Y). "
   "Options as mi.exact (x, unit, quant: with quant = run:quant() layer l reads entry l of its lists). mi.infoplane's estimator "
   "\"exact\" uses it with the run's quantizers.\n\n"
   "Example: print(mi.exact_layers(run:activations(100, d.x), d.y))"},
  {"sp", l_sp,
   "mi.sp(s, {noise = sigma [, samples = 100, seed = 1, unit = \"bits\", y = labels, threads = 0]}) -> ixt, se [, ity, se_y]\n\n"
   "Sample-propagation estimate (Goldfeld et al. 2019) of I(X;T) for a noise-injected layer T = S + Z, Z ~ N(0, sigma^2 I), given the "
   "n x d noiseless activations s of n equiprobable inputs: T is the uniform Gaussian mixture with one component per row (equal rows "
   "merged), I(X;T) = h(T) - h(Z), and h(T) is the Monte Carlo mean of -log p(t) over samples draws t = s_i + z per row "
   "(log-sum-exp over the components), with its standard error se (from the within-row variances of the stratified draws). With "
   "y = labels it also returns I(T;Y) = h(T) - sum_y p(y) h(T | Y = y) (the mixture of each class's rows) and its standard error, "
   "from the same draws. 0 <= I(X;T) <= log n up to the Monte Carlo error. The draws of row i come from a generator derived from "
   "seed and i, and the per-row results are summed in row order, so the bits do not depend on threads (0 = $IBSH_THREADS or all "
   "cores). Cost: n x samples x (distinct rows) x d.\n\n"
   "Example: local est, se = mi.sp(run:activations(e, d.x)[1], {noise = 0.1, samples = 50})"},
  {NULL, NULL, NULL}
};

/* Register mi.exact and mi.sp into the table at the top of the stack. */
void lmi_open_exact(lua_State *L) {
  lx_setfuncs(L, "mi.", funcs);
}
