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

/* mi.exact(t, y, opts) -> I(X;T), I(T;Y) */
static int l_exact(lua_State *L) {
  static const char *const known[] = {"x", "unit", NULL};
  const char *F = "mi.exact";
  size_t n, d, kx = 0, ky = 0;
  lua_settop(L, 3);
  const double *t = lmi_matrix(L, 1, &n, &d, F);
  if (!lua_isnoneornil(L, 3) && !lua_istable(L, 3)) lx_error(L, F, "options must be a table, got %s", luaL_typename(L, 3));
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  uint32_t *yids = lua_isnoneornil(L, 2) ? NULL : lmi_labels(L, 2, n, &ky, F);
  uint32_t *xids = opt_xids(L, 3, n, &kx, F);
  double ixt = 0, ity = 0;
  lx_check(L, ibsh_mi_exact(t, n, d, xids, kx, yids, ky, &ixt, &ity), F);
  lua_pushnumber(L, ixt / unit);
  if (!yids) return 1;
  lua_pushnumber(L, ity / unit);
  return 2;
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

static const lx_Reg funcs[] = {
  {"exact", l_exact,
   "mi.exact(t [, y] [, opts]) -> ixt, ity\n\n"
   "Exact I(X;T) and I(T;Y) of a layer that takes finitely many values (a quantized network's run:activations on an empirical "
   "input set; Lorenzen, Igel & Nielsen 2022): T is the row of t (n x d), X the row identity with p(x) uniform over the n rows, "
   "Y the labels y (n non-negative integers). I(X;T) = H(T) - H(T|X) and I(T;Y) = H(T) - H(T|Y) are the plug-in quantities over the "
   "distinct rows of t: equal rows are equal values, no bins are chosen. Options: x = an n x k tensor of input rows or row ids "
   "when inputs repeat (then H(T|X) counts), unit = \"bits\" (default) or \"nats\". Without y only I(X;T) is returned. NaN or Inf "
   "in t is an error.\n\n"
   "Example: local acts = run:activations(100, d.x); print(mi.exact(acts[3], d.y))"},
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
