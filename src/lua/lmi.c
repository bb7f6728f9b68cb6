/*
** Lua binding of the mi module: binning and discrete estimators, and the opener.
** The continuous estimators (KDE, KSG, Gaussian) are bound in lmi_cont.c.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ibsh/error.h"
#include "lmi.h"
#include "ibsh/mi_binned.h"
#include "mi/mi_codes.h"
#include "ibsh/mi_discrete.h"
#include "ibsh/rng.h"

/* Read the binning options of opts into spec (bins/range, edges, binsize or adaptive). */
static void read_binspec(lua_State *L, int opts, ibsh_binspec *spec, const char *fname) {
  lua_Integer bins = lx_optinteger(L, opts, "bins", 30, fname);
  lua_Integer edges = lx_optinteger(L, opts, "edges", 0, fname);
  double width = lx_optnumber(L, opts, "binsize", 0, fname);
  int adaptive = lx_optboolean(L, opts, "adaptive", 0, fname);
  int unique = lx_optboolean(L, opts, "unique", 0, fname);
  int has_bins = 0, has_range = 0, has_width = 0;
  spec->lo = -1;
  spec->hi = 1;
  if (!lua_isnoneornil(L, opts)) {
    has_bins = lua_getfield(L, opts, "bins") != LUA_TNIL;
    has_width = lua_getfield(L, opts, "binsize") != LUA_TNIL;
    lua_pop(L, 2);
    int type = lua_getfield(L, opts, "range");
    if (type != LUA_TNIL) {
      has_range = 1;
      if (type != LUA_TTABLE || lua_rawlen(L, -1) != 2) lx_error(L, fname, "option 'range' must be a table {low, high}");
      lua_rawgeti(L, -1, 1);
      lua_rawgeti(L, -2, 2);
      int ok1, ok2;
      spec->lo = lua_tonumberx(L, -2, &ok1);
      spec->hi = lua_tonumberx(L, -1, &ok2);
      if (!ok1 || !ok2) lx_error(L, fname, "option 'range' must hold two numbers");
      lua_pop(L, 2);
    }
    lua_pop(L, 1);
  }
  if (has_width && !(width > 0 && isfinite(width))) lx_error(L, fname, "binsize must be a positive finite number, got %g", width);
  int modes = (edges != 0) + has_width + (adaptive != 0);
  if (modes > 1) lx_error(L, fname, "options 'edges', 'binsize' and 'adaptive' exclude each other");
  if (bins < 1) lx_error(L, fname, "bins must be at least 1, got %lld", (long long)bins);
  if (edges != 0 && edges < 2) lx_error(L, fname, "edges must be at least 2, got %lld", (long long)edges);
  if (has_width && (has_bins || has_range)) lx_error(L, fname, "option 'binsize' excludes 'bins' and 'range'");
  if (adaptive && has_range) lx_error(L, fname, "option 'adaptive' excludes 'range'");
  if (unique && !adaptive) lx_error(L, fname, "option 'unique' needs adaptive = true");
  if (edges != 0 && has_bins) lx_error(L, fname, "option 'edges' excludes 'bins'");
  spec->mode = edges ? IBSH_BIN_EDGES : has_width ? IBSH_BIN_WIDTH : adaptive ? IBSH_BIN_ADAPTIVE : IBSH_BIN_RANGE;
  spec->bins = (size_t)(edges ? edges : bins);
  spec->width = width;
  spec->unique = unique;
  lx_check(L, ibsh_binspec_check(spec), fname);
}

/* Dense ids of the rows given by opts.x (row ids or input rows), or NULL when absent. */
static uint32_t *read_xids(lua_State *L, int opts, size_t n, size_t *kx, const char *fname) {
  if (lua_isnoneornil(L, opts)) return NULL;
  if (lua_getfield(L, opts, "x") == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  int idx = lua_gettop(L);
  size_t m, d;
  const double *x = lmi_matrix(L, idx, &m, &d, fname);
  if (m != n) lx_error(L, fname, "option 'x' has %zu rows but the data have %zu", m, n);
  uint32_t *ids = lmi_scratch(L, n * sizeof *ids);
  lx_check(L, ibsh_codes_doubles(x, n, d, ids, kx), fname);
  return ids;
}

static const char *const binned_options[] = {"bins", "range", "edges", "binsize", "adaptive", "unique", "x", "unit", NULL};

/* mi.binned(t, y, opts) -> I(X;T), I(T;Y) */
static int l_binned(lua_State *L) {
  const char *F = "mi.binned";
  size_t n, d, kx = 0, ky = 0;
  lua_settop(L, 3);
  const double *t = lmi_matrix(L, 1, &n, &d, F);
  lx_checkoptions(L, 3, binned_options, F);
  double unit = lmi_unit(L, 3, F);
  ibsh_binspec spec;
  read_binspec(L, 3, &spec, F);
  uint32_t *yids = lua_isnoneornil(L, 2) ? NULL : lmi_labels(L, 2, n, &ky, F);
  uint32_t *xids = read_xids(L, 3, n, &kx, F);
  double ixt = 0, ity = 0;
  lx_check(L, ibsh_mi_binned(t, n, d, &spec, xids, kx, yids, ky, &ixt, &ity), F);
  lua_pushnumber(L, ixt / unit);
  if (!yids) return 1;
  lua_pushnumber(L, ity / unit);
  return 2;
}

/* mi.binned_layers(layers, y, opts) -> L x 2 tensor of I(X;T), I(T;Y), one row per layer */
static int l_binned_layers(lua_State *L) {
  const char *F = "mi.binned_layers";
  lua_settop(L, 3);
  size_t n, kx = 0, ky = 0, nl = lmi_layers(L, 1, &n, F);
  lx_checkoptions(L, 3, binned_options, F);
  double unit = lmi_unit(L, 3, F);
  ibsh_binspec spec;
  read_binspec(L, 3, &spec, F);
  uint32_t *yids = lmi_labels(L, 2, n, &ky, F);   /* coded once for all layers */
  uint32_t *xids = read_xids(L, 3, n, &kx, F);
  ibsh_tensor *out = lx_newtensor2(L, nl, 2, F);
  double *o = ibsh_tensor_data(out);
  int top = lua_gettop(L);
  for (size_t l = 0; l < nl; l++) {
    lua_rawgeti(L, 1, (lua_Integer)l + 1);
    if (!lx_testtensor(L, -1)) lx_error(L, F, "layer %zu is not a tensor", l + 1);
    size_t m, d;
    const double *t = lmi_matrix(L, lua_gettop(L), &m, &d, F);
    if (m != n) lx_error(L, F, "layer %zu has %zu rows but layer 1 has %zu", l + 1, m, n);
    double ixt = 0, ity = 0;
    int rc = ibsh_mi_binned(t, n, d, &spec, xids, kx, yids, ky, &ixt, &ity);
    if (rc) lx_error(L, F, "layer %zu: %s", l + 1, ibsh_errmsg());
    o[2 * l] = ixt / unit;
    o[2 * l + 1] = ity / unit;
    lua_settop(L, top);
  }
  return 1;
}

/* mi.discretise(t, opts) -> tensor of bin codes */
static int l_discretise(lua_State *L) {
  const char *F = "mi.discretise";
  size_t n, d;
  lua_settop(L, 2);
  const double *t = lmi_matrix(L, 1, &n, &d, F);
  static const char *const known[] = {"bins", "range", "edges", "binsize", "adaptive", "unique", NULL};
  lx_checkoptions(L, 2, known, F);
  ibsh_binspec spec;
  read_binspec(L, 2, &spec, F);
  int64_t *codes = lmi_scratch(L, n * d * sizeof *codes);
  lx_check(L, ibsh_mi_discretise(t, n, d, &spec, codes), F);
  ibsh_tensor *out = lx_newtensor2(L, n, d, F);
  double *o = ibsh_tensor_data(out);
  for (size_t i = 0; i < n * d; i++) o[i] = (double)codes[i];
  return 1;
}

/* Read opts.correction: 0 for "none" (plug-in), 1 for "miller-madow". */
static int read_correction(lua_State *L, int opts, const char *fname) {
  const char *c = lx_optstring(L, opts, "correction", "none", fname);
  if (strcmp(c, "none") == 0 || strcmp(c, "plugin") == 0) return 0;
  if (strcmp(c, "miller-madow") == 0 || strcmp(c, "mm") == 0) return 1;
  return lx_error(L, fname, "correction must be \"none\" or \"miller-madow\", got \"%s\"", c);
}

/* Dense ids of the symbols at idx (a vector, or rows of an n x d tensor as joint symbols). */
static uint32_t *symbol_ids(lua_State *L, int idx, size_t *n, size_t *k, const char *fname) {
  size_t d;
  const double *x = lmi_matrix(L, idx, n, &d, fname);
  uint32_t *ids = lmi_scratch(L, *n * sizeof *ids);
  lx_check(L, ibsh_codes_doubles(x, *n, d, ids, k), fname);
  return ids;
}

/* mi.entropy(x, opts) -> H(X) */
static int l_entropy(lua_State *L) {
  const char *F = "mi.entropy";
  static const char *const known[] = {"unit", "correction", NULL};
  lua_settop(L, 2);
  lx_checkoptions(L, 2, known, F);
  double unit = lmi_unit(L, 2, F);
  int mm = read_correction(L, 2, F);
  size_t n, k;
  uint32_t *ids = symbol_ids(L, 1, &n, &k, F);
  double h;
  lx_check(L, ibsh_mi_entropy(ids, n, k, mm, &h), F);
  lua_pushnumber(L, h / unit);
  return 1;
}

/* mi.discrete(x, y, opts) -> I(X;Y), p-value, p-value method */
static int l_discrete(lua_State *L) {
  const char *F = "mi.discrete";
  static const char *const known[] = {"unit", "correction", "pvalue", "permutations", "seed", NULL};
  lua_settop(L, 3);
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  int mm = read_correction(L, 3, F);
  const char *method = lx_optstring(L, 3, "pvalue", "auto", F);
  lua_Integer nperm = lx_optinteger(L, 3, "permutations", 999, F);
  lua_Integer seed = lx_optinteger(L, 3, "seed", 1, F);
  if (strcmp(method, "auto") != 0 && strcmp(method, "g") != 0 && strcmp(method, "permutation") != 0)
    lx_error(L, F, "pvalue must be \"auto\", \"g\" or \"permutation\", got \"%s\"", method);
  if (nperm < 1 || nperm > 100000000) lx_error(L, F, "permutations must be in 1..1e8, got %d", (int)nperm);
  size_t n, m, kx, ky;
  uint32_t *xids = symbol_ids(L, 1, &n, &kx, F);
  uint32_t *yids = symbol_ids(L, 2, &m, &ky, F);
  if (m != n) lx_error(L, F, "x has %zu rows but y has %zu", n, m);
  double mi, p;
  lx_check(L, ibsh_mi_discrete(xids, kx, yids, ky, n, mm, &mi, &p), F);
  int permute = strcmp(method, "permutation") == 0;
  if (strcmp(method, "auto") == 0) lx_check(L, ibsh_gtest_sparse(xids, kx, yids, ky, n, &permute), F);
  if (permute) lx_check(L, ibsh_mi_permutation_pvalue(xids, kx, yids, ky, n, (size_t)nperm, (uint64_t)seed, &p), F);
  lua_pushnumber(L, mi / unit);
  lua_pushnumber(L, p);
  lua_pushstring(L, permute ? "permutation" : "g");
  return 3;
}

/* mi.row_ids(x) -> ids, k: 1-based ids of equal rows and the number of distinct rows. */
static int l_row_ids(lua_State *L) {
  const char *F = "mi.row_ids";
  size_t n, d, k = 0;
  lua_settop(L, 1);
  const double *x = lmi_matrix(L, 1, &n, &d, F);
  uint32_t *ids = lmi_scratch(L, n * sizeof *ids);
  lx_check(L, ibsh_codes_doubles(x, n, d, ids, &k), F);
  ibsh_tensor *out = lx_newtensor1(L, n, F);
  double *o = ibsh_tensor_data(out);
  for (size_t i = 0; i < n; i++) o[i] = (double)ids[i] + 1;
  lua_pushinteger(L, (lua_Integer)k);
  return 2;
}

/* mi._indices(n, seed, kind [, m]): 1-based row indices, a permutation ("perm"), a bootstrap draw ("boot") or
   the first m of a permutation ("sub": a subsample without replacement). */
static int l_indices(lua_State *L) {
  const char *F = "mi._indices";
  lua_Integer n = luaL_checkinteger(L, 1);
  lua_Integer seed = luaL_checkinteger(L, 2);
  const char *kind = luaL_checkstring(L, 3);
  if (n < 1) lx_error(L, F, "n must be positive, got %lld", (long long)n);
  lua_Integer m = strcmp(kind, "sub") == 0 ? luaL_checkinteger(L, 4) : n;
  if (m < 1 || m > n) lx_error(L, F, "subsample size %lld must be in 1..%lld", (long long)m, (long long)n);
  ibsh_rng rng;
  ibsh_rng_seed(&rng, (uint64_t)seed);
  size_t *perm = lmi_scratch(L, (size_t)n * sizeof *perm);
  ibsh_tensor *out = lx_newtensor1(L, (size_t)m, F);
  double *o = ibsh_tensor_data(out);
  if (strcmp(kind, "perm") == 0 || strcmp(kind, "sub") == 0) {
    ibsh_rng_permutation(&rng, perm, (size_t)n);
    for (lua_Integer i = 0; i < m; i++) o[i] = (double)perm[i] + 1;
  } else {
    for (lua_Integer i = 0; i < n; i++) o[i] = (double)ibsh_rng_below(&rng, (uint64_t)n) + 1;
  }
  return 1;
}

/* mi._rows(t, idx): a new tensor whose rows are t's rows at the 1-based indices idx. */
static int l_rows(lua_State *L) {
  const char *F = "mi._rows";
  ibsh_tensor *t = lx_checkcontiguous(L, 1, F);
  size_t m, one;
  const double *idx = lmi_matrix(L, 2, &m, &one, F);
  if (t->ndim < 1) lx_error(L, F, "argument #1 must have rows");
  size_t n = t->shape[0], width = n ? ibsh_tensor_numel(t) / n : 0;
  size_t shape[IBSH_MAXDIM];
  memcpy(shape, t->shape, sizeof shape);
  shape[0] = m;
  ibsh_tensor *out = lx_newtensor(L, t->ndim, shape, F);
  const double *src = ibsh_tensor_data(t);
  double *dst = ibsh_tensor_data(out);
  for (size_t i = 0; i < m; i++) {
    double r = idx[i];
    if (!(r >= 1 && r <= (double)n) || r != floor(r)) lx_error(L, F, "row index %g out of range 1..%zu", r, n);
    memcpy(dst + i * width, src + ((size_t)r - 1) * width, width * sizeof *dst);
  }
  return 1;
}

static const lx_Reg mi_funcs[] = {
  {"binned", l_binned,
   "mi.binned(t, y [, opts]) -> ixt, ity\n\n"
   "Binning estimate of I(X;T) and I(T;Y) (bits unless unit = \"nats\") for a layer t (n x d activations, "
   "one row per equiprobable input) and labels y (vector of n non-negative integers; nil to get only I(X;T)). "
   "Each unit is discretised, rows of bin codes are the values of T, and I(X;T) = H(T) - H(T|X), "
   "I(T;Y) = H(T) - H(T|Y) with p(x) uniform over rows. Options: bins = 30 and range = {-1, 1} (bins equal "
   "intervals; values at or above the top go to the top bin, below the bottom to the bottom bin); "
   "edges = E to reproduce the original IDNNs code (np.digitize on linspace(lo, hi, E) float32 edges, so E - 1 "
   "intervals; values below the range share the top code as there); binsize = w for floor(t / w) over an "
   "unbounded range (Saxe et al.); adaptive = true for bins equal-mass bins from the layer's pooled values "
   "(unique = true: quantiles of the distinct values, as Chelombiev et al.); x = row ids or input rows (n rows) when inputs repeat, else every row is its own x "
   "and H(T|X) = 0; unit = \"bits\" | \"nats\".\n\n"
   "Example: local ixt, ity = mi.binned(acts[1], d.y, {bins = 30, range = {-1, 1}})"},
  {"binned_layers", l_binned_layers,
   "mi.binned_layers(layers, y [, opts]) -> tensor\n\n"
   "mi.binned for every layer of one snapshot in one call: layers is a Lua array of n x width tensors (as "
   "run:activations returns), y the labels; the result is a [layers x 2] tensor of I(X;T), I(T;Y) (bits "
   "unless unit = \"nats\"). Options as mi.binned; labels and options are read once.\n\n"
   "Example: local t = mi.binned_layers(run:activations(100, d.x), d.y, {bins = 30})"},
  {"discretise", l_discretise,
   "mi.discretise(t [, opts]) -> codes\n\n"
   "The integer bin code of every value of t under the binning options of mi.binned (bins, range, edges, "
   "binsize, adaptive, unique), as a tensor of t's shape (0-based codes).\n\n"
   "Example: print(mi.discretise(tensor.new{{-1, 0.99}}, {bins = 2}))"},
  {"entropy", l_entropy,
   "mi.entropy(x [, opts]) -> h\n\n"
   "Entropy of a discrete variable (bits unless unit = \"nats\"): x is a vector of symbols or an n x d tensor "
   "whose rows are joint symbols (equal values are the same symbol). correction = \"none\" (plug-in, "
   "-sum p log p, biased low by about (m - 1)/(2n) nats) or \"miller-madow\" (adds (m - 1)/(2n) nats, m = "
   "observed symbols).\n\n"
   "Example: mi.entropy(tensor.new{0, 1, 2, 3})  -- 2 bits"},
  {"discrete", l_discrete,
   "mi.discrete(x, y [, opts]) -> mi, p, method\n\n"
   "Mutual information of two discrete variables (vectors, or tensors whose rows are joint symbols) with n "
   "rows each: I = H(X) + H(Y) - H(X,Y) (bits unless unit = \"nats\"; correction = \"miller-madow\" "
   "uses corrected entropies), and a p-value of independence. pvalue = \"auto\" (default) uses the G-test "
   "(G = 2 n I_plugin in nats against a chi-square of (|X| - 1)(|Y| - 1) degrees of freedom, observed symbol "
   "counts) when Cochran's rule holds (every expected count n_x n_y / n >= 1 and at most 20 % below 5), and "
   "otherwise the permutation p-value (1 + #{I_perm >= I}) / (1 + permutations) with y shuffled "
   "(permutations = 999, seed = 1), because the chi-square approximation is far too small on sparse tables; "
   "pvalue = \"g\" or \"permutation\" forces one. method names the one used (\"g\" or \"permutation\").\n\n"
   "Example: local bits, p, how = mi.discrete(tensor.new{0, 0, 1, 1}, tensor.new{0, 0, 1, 1})"},
  {"row_ids", l_row_ids,
   "mi.row_ids(x) -> ids, k\n\n"
   "Identify equal rows of x (n x d, or a vector): ids is a vector of n 1-based ids in order of first "
   "appearance, equal rows sharing an id, and k the number of distinct rows. Uses a hash table (O(n d)).\n\n"
   "Example: local ids, k = mi.row_ids(tensor.new{{0, 1}, {0, 1}, {1, 1}})  -- ids 1 1 2, k = 2"},
  {NULL, NULL, NULL}
};

/* Row helpers for lua/ibsh/mi.lua only: it takes them from field __internal and removes the field. */
static const luaL_Reg mi_internal_funcs[] = {
  {"indices", l_indices},
  {"rows", l_rows},
  {NULL, NULL}
};

/* Open the C core of module ibsh.mi. */
int luaopen_ibsh_core_mi(lua_State *L) {
  lua_newtable(L);
  lx_setfuncs(L, "mi.", mi_funcs);
  lua_newtable(L);
  luaL_setfuncs(L, mi_internal_funcs, 0);
  lua_setfield(L, -2, "__internal");
  lmi_open_continuous(L);
  lmi_open_renyi(L);
  lmi_open_exact(L);
  lmi_open_neural(L);
  return 1;
}
