/*
** Lua binding of the ib module: IB curves of discrete joints (iterative and
** agglomerative), the Gaussian IB closed form, and checks of observed encoders.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lcommon.h"
#include "lprogress.h"
#include "ibsh/ib.h"

#define CURVE_T "ibsh.IBCurve"

/* The curve at idx or a Lua error. */
static ibsh_ib_curve *check_curve(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, CURVE_T);
}

/* Push a new empty curve userdata. */
static ibsh_ib_curve *push_curve(lua_State *L, int kind) {
  ibsh_ib_curve *c = lua_newuserdatauv(L, sizeof *c, 0);
  ibsh_ib_curve_init(c, kind);
  luaL_setmetatable(L, CURVE_T);
  return c;
}

/* Check a 2-d joint tensor argument and return it contiguous. */
static ibsh_tensor *check_joint(lua_State *L, int idx, const char *fname) {
  ibsh_tensor *t = lx_checktensor(L, idx, fname);
  if (t->ndim != 2) lx_error(L, fname, "joint p(x,y) must be a 2-d |X| x |Y| tensor, got %d dimensions", t->ndim);
  if (t->shape[0] == 0 || t->shape[1] == 0) lx_error(L, fname, "joint p(x,y) is empty");
  return lx_checkcontiguous(L, idx, fname);
}

/* Read opts.betas (a table of numbers or a 1-d tensor) into a malloc'd array kept alive as a userdata on the stack. */
static double *read_betas(lua_State *L, int opts, size_t *n, const char *fname) {
  *n = 0;
  if (!lua_istable(L, opts)) return NULL;
  lua_getfield(L, opts, "betas");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return NULL; }
  int bi = lua_gettop(L);
  ibsh_tensor *t = lx_testtensor(L, bi);
  double *b;
  if (t) {
    if (t->ndim != 1) lx_error(L, fname, "option 'betas' must be a 1-d tensor or a table of numbers");
    *n = t->shape[0];
    b = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *b, 0);
    for (size_t i = 0; i < *n; i++) b[i] = ibsh_tensor_data(t)[(ptrdiff_t)i * t->stride[0]];
  } else if (lua_istable(L, bi)) {
    *n = (size_t)lua_rawlen(L, bi);
    b = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *b, 0);
    for (size_t i = 0; i < *n; i++) {
      lua_rawgeti(L, bi, (lua_Integer)i + 1);
      if (!lua_isnumber(L, -1)) lx_error(L, fname, "betas[%d] is not a number", (int)i + 1);
      b[i] = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
  } else {
    return (double *)(intptr_t)lx_error(L, fname, "option 'betas' must be a table of numbers or a 1-d tensor, got %s", luaL_typename(L, bi));
  }
  if (*n == 0) lx_error(L, fname, "option 'betas' is empty");
  lua_replace(L, bi);  /* keep the buffer alive in the betas slot */
  return b;
}

/* ib.curve(pxy [, opts]) */
static int ib_curve(lua_State *L) {
  static const char *const known[] = {"betas", "iterations", "init", "alpha", "beta_min", "beta_max", "npoints", "tol",
    "direction", "reduce", "merge", "merge_tol", "split", "perturb", "restarts", "max_clusters", "encoders", "seed", "refine", "max_points", "agglomerative", "quiet", NULL};
  const char *fname = "ib.curve";
  ibsh_tensor *pxy = check_joint(L, 1, fname);
  lx_checkoptions(L, 2, known, fname);
  ibsh_ib_opts o;
  ibsh_ib_opts_default(&o);
  const int opts = 2;
  int has = lua_istable(L, opts);
  o.betas = read_betas(L, opts, &o.nbetas, fname);
  o.alpha = lx_optnumber(L, opts, "alpha", 1.0, fname);
  lua_Integer it = lx_optinteger(L, opts, "iterations", 0, fname);
  if (it < 0 || it > 100000000) lx_error(L, fname, "option 'iterations' must be in 1..1e8, got %lld", (long long)it);
  o.iterations = (int)it;
  o.beta_min = lx_optnumber(L, opts, "beta_min", 0, fname);
  o.beta_max = lx_optnumber(L, opts, "beta_max", 0, fname);
  lua_Integer np = lx_optinteger(L, opts, "npoints", 0, fname);
  if (np < 0 || np > 100000) lx_error(L, fname, "option 'npoints' must be in 1..100000, got %lld", (long long)np);
  o.npoints = (size_t)np;
  o.tol = lx_optnumber(L, opts, "tol", -1, fname);
  const char *init = lx_optstring(L, opts, "init", "auto", fname);
  if (strcmp(init, "auto") == 0) o.init = IBSH_IB_INIT_AUTO;
  else if (strcmp(init, "identity") == 0) o.init = IBSH_IB_INIT_IDENTITY;
  else if (strcmp(init, "trivial") == 0) o.init = IBSH_IB_INIT_TRIVIAL;
  else if (strcmp(init, "random") == 0) o.init = IBSH_IB_INIT_RANDOM;
  else lx_error(L, fname, "option 'init' must be \"identity\", \"trivial\", \"random\" or \"auto\", got \"%s\"", init);
  const char *dir = lx_optstring(L, opts, "direction", "auto", fname);
  if (strcmp(dir, "auto") == 0) o.direction = -1;
  else if (strcmp(dir, "forward") == 0) o.direction = IBSH_IB_FORWARD;
  else if (strcmp(dir, "reverse") == 0) o.direction = IBSH_IB_REVERSE;
  else lx_error(L, fname, "option 'direction' must be \"forward\", \"reverse\" or \"auto\", got \"%s\"", dir);
  if (has && lua_getfield(L, opts, "reduce") != LUA_TNIL) o.reduce = lx_optboolean(L, opts, "reduce", 1, fname);
  if (has) lua_pop(L, 1);
  if (has && lua_getfield(L, opts, "split") != LUA_TNIL) o.split = lx_optboolean(L, opts, "split", 1, fname);
  if (has) lua_pop(L, 1);
  o.merge = lx_optboolean(L, opts, "merge", 1, fname);
  o.merge_tol = lx_optnumber(L, opts, "merge_tol", -1, fname);
  o.perturb = lx_optnumber(L, opts, "perturb", 1e-3, fname);
  if (!(o.perturb >= 0 && o.perturb < 1)) lx_error(L, fname, "option 'perturb' must be in [0, 1), got %g", o.perturb);
  lua_Integer rs = lx_optinteger(L, opts, "restarts", 0, fname);
  if (rs < 0 || rs > 10000) lx_error(L, fname, "option 'restarts' must be in 0..10000, got %lld", (long long)rs);
  o.restarts = (int)rs;
  lua_Integer mc = lx_optinteger(L, opts, "max_clusters", 0, fname);
  if (mc < 0) lx_error(L, fname, "option 'max_clusters' must be >= 1, got %lld", (long long)mc);
  o.max_clusters = (size_t)mc;
  o.encoders = lx_optboolean(L, opts, "encoders", 0, fname);
  if (has && lua_getfield(L, opts, "agglomerative") != LUA_TNIL) o.agglomerative = lx_optboolean(L, opts, "agglomerative", 1, fname);
  if (has) lua_pop(L, 1);
  o.refine = lx_optnumber(L, opts, "refine", o.refine, fname);
  if (!(o.refine >= 0)) lx_error(L, fname, "option 'refine' must be >= 0 bits, got %g", o.refine);
  lua_Integer mp = lx_optinteger(L, opts, "max_points", 0, fname);
  if (mp < 0) lx_error(L, fname, "option 'max_points' must be >= 1, got %lld", (long long)mp);
  o.max_points = (size_t)mp;
  o.seed = (uint64_t)lx_optinteger(L, opts, "seed", 1, fname);
  int quiet = lx_optboolean(L, opts, "quiet", 0, fname);
  ibsh_ib_curve *c = push_curve(L, IBSH_IB_DISCRETE);
  ibsh_progress bar;   /* nothing between start and finish raises: the active list holds its address */
  lprogress_start(L, &bar, fname, 0, "betas", quiet);
  o.progress = &bar;
  int rc = ibsh_ib_curve_solve(c, ibsh_tensor_data(pxy), pxy->shape[0], pxy->shape[1], &o);
  if (!rc) bar.done = bar.total;
  lprogress_finish(L, &bar, NULL, rc != 0);
  if (rc) { ibsh_ib_curve_free(c); lx_check(L, rc, fname); }
  return 1;
}

/* The rows listed by points(): envelope vertices, or every point for a fixed schedule (sorted by I(X;T)). */
static size_t *listed_points(const ibsh_ib_curve *c, size_t *n) {
  size_t *idx;
  if (!c->fixed) {
    *n = c->nenv;
    idx = malloc((*n ? *n : 1) * sizeof *idx);
    if (idx) memcpy(idx, c->env, *n * sizeof *idx);
    return idx;
  }
  *n = c->n;
  idx = malloc((*n ? *n : 1) * sizeof *idx);
  if (!idx) return NULL;
  for (size_t i = 0; i < *n; i++) idx[i] = i;
  /* Stable insertion sort by I(X;T) (schedules are short). */
  for (size_t i = 1; i < *n; i++) {
    size_t v = idx[i], j = i;
    while (j > 0 && c->ixt[idx[j - 1]] > c->ixt[v]) { idx[j] = idx[j - 1]; j--; }
    idx[j] = v;
  }
  return idx;
}

/* curve:points([all]) */
static int c_points(lua_State *L) {
  ibsh_ib_curve *c = check_curve(L, 1);
  int all = lua_toboolean(L, 2);
  size_t n;
  size_t *idx = listed_points(c, &n);
  if (!idx) return lx_error(L, "IBCurve:points", "out of memory");
  size_t cols = all ? 4 : 3;
  ibsh_tensor *t = lx_newtensor2(L, n, cols, "IBCurve:points");
  double *d = ibsh_tensor_data(t);
  for (size_t k = 0; k < n; k++) {
    size_t i = idx[k];
    d[k * cols + 0] = c->beta[i];
    d[k * cols + 1] = c->ixt[i];
    d[k * cols + 2] = c->ity[i];
    if (all) d[k * cols + 3] = c->ht[i];
  }
  free(idx);
  return 1;
}

/* curve:raw() */
static int c_raw(lua_State *L) {
  ibsh_ib_curve *c = check_curve(L, 1);
  ibsh_tensor *t = lx_newtensor2(L, c->n, 4, "IBCurve:raw");
  double *d = ibsh_tensor_data(t);
  for (size_t i = 0; i < c->n; i++) {
    d[i * 4] = c->beta[i]; d[i * 4 + 1] = c->ixt[i]; d[i * 4 + 2] = c->ity[i]; d[i * 4 + 3] = c->ht[i];
  }
  return 1;
}

/* curve:at(ixt): a number or a tensor of numbers. */
static int c_at(lua_State *L) {
  ibsh_ib_curve *c = check_curve(L, 1);
  ibsh_tensor *t = lx_testtensor(L, 2);
  if (t) {
    t = lx_checkcontiguous(L, 2, "IBCurve:at");
    ibsh_tensor *o = lx_newtensor(L, t->ndim, t->shape, "IBCurve:at");
    size_t n = ibsh_tensor_numel(t);
    const double *s = ibsh_tensor_data(t);
    double *d = ibsh_tensor_data(o);
    for (size_t i = 0; i < n; i++) d[i] = ibsh_ib_curve_at(c, s[i]);
    return 1;
  }
  if (!lua_isnumber(L, 2)) return lx_error(L, "IBCurve:at", "expected I(X;T) in bits (a number or tensor), got %s", luaL_typename(L, 2));
  double x = lua_tonumber(L, 2);
  if (isnan(x)) return lx_error(L, "IBCurve:at", "I(X;T) is NaN");
  lua_pushnumber(L, ibsh_ib_curve_at(c, x));
  return 1;
}

/* curve:encoder(i): the |X| x |T| encoder of the i-th row of points(). */
static int c_encoder(lua_State *L) {
  ibsh_ib_curve *c = check_curve(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  size_t n;
  size_t *idx = listed_points(c, &n);
  if (!idx) return lx_error(L, "IBCurve:encoder", "out of memory");
  if (i < 1 || (size_t)i > n) { free(idx); return lx_error(L, "IBCurve:encoder", "point %d out of range 1..%d", (int)i, (int)n); }
  size_t p = idx[i - 1];
  free(idx);
  if (!c->enc || !c->enc[p])
    return lx_error(L, "IBCurve:encoder", "no encoder stored for point %d (solve with {encoders = true}; agglomerative points and the flat end have none)", (int)i);
  size_t nt = c->enc_nt[p], nx = c->nx_orig;
  ibsh_tensor *t = lx_newtensor2(L, nx, nt, "IBCurve:encoder");
  double *d = ibsh_tensor_data(t);
  const double *q = c->enc[p];
  for (size_t x = 0; x < nx; x++) {
    size_t r = c->xmap[x];
    for (size_t k = 0; k < nt; k++) d[x * nt + k] = q[k * c->nx + r];
  }
  return 1;
}

/* curve:beta0() */
static int c_beta0(lua_State *L) {
  lua_pushnumber(L, check_curve(L, 1)->beta0);
  return 1;
}

/* curve:critical() */
static int c_critical(lua_State *L) {
  ibsh_ib_curve *c = check_curve(L, 1);
  ibsh_tensor *t = lx_newtensor1(L, c->ncrit, "IBCurve:critical");
  for (size_t i = 0; i < c->ncrit; i++) ibsh_tensor_data(t)[i] = c->crit[i];
  return 1;
}

/* curve:info(): a table of the curve's constants (bits). */
static int c_info(lua_State *L) {
  ibsh_ib_curve *c = check_curve(L, 1);
  lua_createtable(L, 0, 6);
  lua_pushnumber(L, c->ixy); lua_setfield(L, -2, "ixy");
  lua_pushnumber(L, c->hx); lua_setfield(L, -2, "hx");
  lua_pushnumber(L, c->hy); lua_setfield(L, -2, "hy");
  lua_pushnumber(L, c->beta0); lua_setfield(L, -2, "beta0");
  lua_pushinteger(L, (lua_Integer)c->nx); lua_setfield(L, -2, "nx_reduced");
  lua_pushstring(L, c->kind == IBSH_IB_GAUSSIAN ? "gaussian" : c->kind == IBSH_IB_AGGLOMERATIVE ? "agglomerative" : "iterative");
  lua_setfield(L, -2, "kind");
  return 1;
}

/* #curve: the number of rows of points(). */
static int c_len(lua_State *L) {
  ibsh_ib_curve *c = check_curve(L, 1);
  lua_pushinteger(L, (lua_Integer)(c->fixed ? c->n : c->nenv));
  return 1;
}

/* tostring(curve) */
static int c_tostring(lua_State *L) {
  ibsh_ib_curve *c = check_curve(L, 1);
  const char *kind = c->kind == IBSH_IB_GAUSSIAN ? "Gaussian" : c->kind == IBSH_IB_AGGLOMERATIVE ? "agglomerative" : "iterative";
  double maxx = c->nenv ? c->ixt[c->env[c->nenv - 1]] : 0;
  lua_pushfstring(L, "ibsh.IBCurve (%s): %d points, I(X;T) up to %f bits, I(X;Y) = %f bits, beta0 = %f",
                  kind, (int)(c->fixed ? c->n : c->nenv), maxx, c->ixy, c->beta0);
  return 1;
}

/* Free the curve's arrays. */
static int c_gc(lua_State *L) {
  ibsh_ib_curve *c = check_curve(L, 1);
  ibsh_ib_curve_free(c);
  return 0;
}

/* A covariance argument: a 2-d tensor of the expected shape, or a number for a 1 x 1 matrix; returns a pointer valid while the stack holds it. */
static const double *check_cov(lua_State *L, int idx, size_t *rows, size_t *cols, const char *what) {
  const char *fname = "ib.gaussian";
  if (lua_type(L, idx) == LUA_TNUMBER) {
    double *d = lua_newuserdatauv(L, sizeof(double), 0);
    *d = lua_tonumber(L, idx);
    lua_replace(L, idx);
    *rows = *cols = 1;
    return d;
  }
  ibsh_tensor *t = lx_testtensor(L, idx);
  if (!t) return (const double *)(intptr_t)lx_error(L, fname, "%s must be a tensor or a number, got %s", what, luaL_typename(L, idx));
  if (t->ndim != 2) lx_error(L, fname, "%s must be a 2-d tensor, got %d dimensions", what, t->ndim);
  t = lx_checkcontiguous(L, idx, fname);
  *rows = t->shape[0]; *cols = t->shape[1];
  return ibsh_tensor_data(t);
}

/* ib.gaussian(cov_x, cov_xy, cov_y [, opts]) */
static int ib_gaussian(lua_State *L) {
  static const char *const known[] = {"npoints", "beta_max", NULL};
  const char *fname = "ib.gaussian";
  size_t r1, c1, r2, c2, r3, c3;
  const double *cx = check_cov(L, 1, &r1, &c1, "cov_x");
  const double *cxy = check_cov(L, 2, &r2, &c2, "cov_xy");
  const double *cy = check_cov(L, 3, &r3, &c3, "cov_y");
  if (r1 != c1) lx_error(L, fname, "cov_x must be square, got %dx%d", (int)r1, (int)c1);
  if (r3 != c3) lx_error(L, fname, "cov_y must be square, got %dx%d", (int)r3, (int)c3);
  if (r2 != r1 || c2 != r3) lx_error(L, fname, "cov_xy must be %dx%d (dim X x dim Y), got %dx%d", (int)r1, (int)r3, (int)r2, (int)c2);
  if (r1 > 500 || r3 > 500) lx_error(L, fname, "dimensions up to 500 are supported, got %d and %d", (int)r1, (int)r3);
  lx_checkoptions(L, 4, known, fname);
  lua_Integer np = lx_optinteger(L, 4, "npoints", 200, fname);
  if (np < 2 || np > 1000000) lx_error(L, fname, "option 'npoints' must be in 2..1e6, got %lld", (long long)np);
  double bmax = lx_optnumber(L, 4, "beta_max", 0, fname);
  if (!(bmax >= 0) || !isfinite(bmax)) lx_error(L, fname, "option 'beta_max' must be a finite number > 1");
  ibsh_ib_curve *c = push_curve(L, IBSH_IB_GAUSSIAN);
  int rc = ibsh_ib_gaussian(c, cx, cxy, cy, r1, r3, (size_t)np, bmax);
  if (rc) { ibsh_ib_curve_free(c); lx_check(L, rc, fname); }
  return 1;
}

/* ib.agglomerative(pxy [, opts]) */
static int ib_agglomerative(lua_State *L) {
  static const char *const known[] = {"reduce", NULL};
  const char *fname = "ib.agglomerative";
  ibsh_tensor *pxy = check_joint(L, 1, fname);
  lx_checkoptions(L, 2, known, fname);
  int reduce = lx_optboolean(L, 2, "reduce", 1, fname);
  if (pxy->shape[0] > 20000) lx_error(L, fname, "|X| = %d is too large for the agglomerative solver (at most 20000)", (int)pxy->shape[0]);
  ibsh_ib_curve *c = push_curve(L, IBSH_IB_AGGLOMERATIVE);
  int rc = ibsh_ib_agglomerative(c, ibsh_tensor_data(pxy), pxy->shape[0], pxy->shape[1], reduce);
  if (rc) { ibsh_ib_curve_free(c); lx_check(L, rc, fname); }
  return 1;
}

/* ib.consistency(encoder, pxy [, opts]) */
static int ib_consistency(lua_State *L) {
  static const char *const known[] = {"beta", NULL};
  const char *fname = "ib.consistency";
  ibsh_tensor *enc = lx_checktensor(L, 1, fname);
  if (enc->ndim != 2) lx_error(L, fname, "encoder must be a 2-d |X| x |T| tensor of p(t|x), got %d dimensions", enc->ndim);
  enc = lx_checkcontiguous(L, 1, fname);
  ibsh_tensor *pxy = check_joint(L, 2, fname);
  if (enc->shape[0] != pxy->shape[0]) lx_error(L, fname, "encoder has %d rows but the joint has %d (one row per x)", (int)enc->shape[0], (int)pxy->shape[0]);
  lx_checkoptions(L, 3, known, fname);
  double given = lx_optnumber(L, 3, "beta", 0, fname);
  if (!(given >= 0)) lx_error(L, fname, "option 'beta' must be > 0");
  double beta, residual, logres;
  lx_check(L, ibsh_ib_consistency(ibsh_tensor_data(enc), enc->shape[1], ibsh_tensor_data(pxy), pxy->shape[0], pxy->shape[1],
                                  given, &beta, &residual, &logres), fname);
  lua_pushnumber(L, residual);
  lua_pushnumber(L, beta);
  lua_pushnumber(L, logres);
  return 3;
}

static const lx_Reg ib_funcs[] = {
  {"gaussian", ib_gaussian,
   "ib.gaussian(cov_x, cov_xy, cov_y [, opts]) -> ibsh.IBCurve\n\n"
   "The closed-form Gaussian IB curve (Chechik, Globerson, Tishby & Weiss 2005) of jointly Gaussian X, Y with covariances "
   "cov_x (dx x dx), cov_xy (dx x dy), cov_y (dy x dy) (tensors, or numbers in 1-d), in bits. With lambda_i the eigenvalues of "
   "Sigma_x|y Sigma_x^-1, mode i switches on at beta_i = 1/(1 - lambda_i) (curve:critical()). Points on a geometric grid of "
   "npoints betas (default 200) up to beta_max (default 1e4 x the largest critical beta), plus the critical betas; "
   "curve:at(ixt) is exact.\n\nExample: local c = ib.gaussian(1, 0.9, 1); print(c:at(0.5), c:critical())"},
  {"agglomerative", ib_agglomerative,
   "ib.agglomerative(pxy [, opts]) -> ibsh.IBCurve\n\n"
   "Agglomerative IB (Slonim & Tishby 1999): from T = X, greedily merge the pair of clusters losing least I(T;Y) "
   "((p_i + p_j) JS divergence). One point (I(X;T) = H(T), I(T;Y)) per number of clusters; beta is NaN. Option reduce "
   "(default true) first merges x's with equal p(y|x).\n\nExample: local a = ib.agglomerative(pxy); print(a:points())"},
  {"consistency", ib_consistency,
   "ib.consistency(encoder, pxy [, opts]) -> residual, beta, logres\n\n"
   "Checks an observed encoder p(t|x) (|X| x |T| tensor, rows sum to 1) against the IB self-consistent equations for the "
   "joint pxy: beta is fitted by regressing ln p(t|x) - ln p(t) on D_KL[p(y|x) || p(y|t)] after centring over t per x "
   "(or given by opts.beta); residual = max_x sum_t |p(t|x) - p(t) exp(-beta D)/Z(x)|; logres = rms residual of the "
   "regression (nats). A converged IB encoder gives residual near 1e-12.\n\n"
   "Example: local r, beta = ib.consistency(curve:encoder(5), pxy)"},
  {"curve", ib_curve,
   "ib.curve(pxy [, opts]) -> ibsh.IBCurve\n\n"
   "The Information Bottleneck curve of a discrete joint p(x,y) (an |X| x |Y| tensor summing to 1) by the iterative IB "
   "algorithm (Tishby, Pereira & Bialek) in log space. By default x's with equal p(y|x) are merged (exact), beta is annealed "
   "forward on 20 values from 1 to beta0 (the curve can leave the trivial point below beta0) then npoints values beta0 (1 + s) (60, or 100 when |Y| > 2), s from 1e-4 to 1e3, with cluster splitting (perturbation 1e-3, seeded) and merging, "
   "and the exact ends (0, 0) and T = X are added. Options: betas = {...} (fixed schedule, solved in order; descending "
   "means reverse annealing from init = \"identity\"), iterations (per beta; default 1000, or 5 for a fixed schedule), "
   "tol (convergence of p(t), p(y|t); default 1e-10), init (\"trivial\", \"identity\", \"random\"), direction "
   "(\"forward\", \"reverse\"), alpha (1 = IB, 0 = deterministic IB), beta_min, beta_max, npoints, reduce, merge, "
   "merge_tol, split, perturb, restarts, max_clusters, encoders (keep p(t|x) per point), refine (bits), max_points, "
   "agglomerative (add the agglomerative hierarchy's points, beta NaN; default when |X'| <= 1024), seed, quiet (no progress line on stderr; by default the betas solved show with rate and ETA).\n\n"
   "Example: local c = ib.curve(d:joint()); print(c:points(), c:at(0.5))"},
  {NULL, NULL, NULL}
};

static const lx_Reg curve_methods[] = {
  {"points", c_points,
   "curve:points([all]) -> tensor\n\n"
   "The curve as an n x 3 tensor with columns beta, I(X;T), I(T;Y) in bits, sorted by I(X;T): the vertices of the "
   "monotone concave upper envelope (for a fixed schedule, every solved beta). With all = true a fourth column H(T).\n\n"
   "Example: local p = ib.curve(pxy):points(); print(p:get(1, 2))"},
  {"raw", c_raw,
   "curve:raw() -> tensor\n\nEvery solved point in solve order: n x 4 tensor beta, I(X;T), I(T;Y), H(T) in bits.\n\n"
   "Example: print(ib.curve(pxy):raw())"},
  {"at", c_at,
   "curve:at(ixt) -> number\n\n"
   "I(T;Y) in bits on the monotone concave upper envelope at I(X;T) = ixt bits (linear between vertices; beyond the last "
   "vertex the flat value I(X;Y)). ixt may be a tensor.\n\nExample: print(curve:at(0.5))"},
  {"encoder", c_encoder,
   "curve:encoder(i) -> tensor\n\nThe |X| x |T| encoder p(t|x) of row i of points() (needs ib.curve(pxy, {encoders = true})).\n\n"
   "Example: local q = ib.curve(pxy, {encoders = true}):encoder(3)"},
  {"beta0", c_beta0,
   "curve:beta0() -> number\n\nbeta0 = 1/rho_m^2 (rho_m: second singular value of "
   "p(x,y)/sqrt(p(x)p(y))): above it the trivial solution (T independent of X) is no longer a local optimum. The "
   "curve may leave the trivial point earlier, at the hypercontractivity threshold (between 1 and beta0).\n\nExample: print(curve:beta0())"},
  {"critical", c_critical,
   "curve:critical() -> tensor\n\nGaussian IB: the critical betas 1/(1 - lambda_i) at which modes switch on (empty otherwise).\n\n"
   "Example: print(ib.gaussian(cx, cxy, cy):critical())"},
  {"info", c_info,
   "curve:info() -> table\n\nConstants of the problem in bits: ixy, hx, hy, beta0, nx_reduced, kind.\n\nExample: print(curve:info().ixy)"},
  {NULL, NULL, NULL}
};

static const luaL_Reg curve_meta[] = {
  {"__gc", c_gc},
  {"__close", c_gc},
  {"__tostring", c_tostring},
  {"__len", c_len},
  {NULL, NULL}
};

/* Open the C core of module ibsh.ib. */
int luaopen_ibsh_core_ib(lua_State *L) {
  lx_newclass(L, CURVE_T, curve_methods, curve_meta);
  lua_newtable(L);
  lx_setfuncs(L, "ib.", ib_funcs);
  return 1;
}
