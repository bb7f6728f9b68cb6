/*
** Lua binding of tensors (ibsh.Tensor): creation, element access, indexing,
** views, printing and the module opener. Math, linear algebra, I/O and random
** generators live in ltensor_math.c, ltensor_linalg.c, ltensor_io.c, ltensor_rng.c.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "ibsh/error.h"
#include "ltensor_common.h"

#define METHODS_KEY "ibsh.Tensor.methods"

/* tensor.zeros(d1, d2, ...) */
static int t_zeros(lua_State *L) {
  size_t shape[IBSH_MAXDIM];
  int ndim;
  lt_checkshape(L, 1, &ndim, shape, IBSH_MAXDIM + 1, "tensor.zeros");
  lx_newtensor(L, ndim, shape, "tensor.zeros");
  return 1;
}

/* tensor.ones(d1, d2, ...) */
static int t_ones(lua_State *L) {
  size_t shape[IBSH_MAXDIM];
  int ndim;
  lt_checkshape(L, 1, &ndim, shape, IBSH_MAXDIM + 1, "tensor.ones");
  ibsh_tensor_fill(lx_newtensor(L, ndim, shape, "tensor.ones"), 1.0);
  return 1;
}

/* tensor.full(shape, v) or tensor.full(d1, ..., v) */
static int t_full(lua_State *L) {
  size_t shape[IBSH_MAXDIM];
  int ndim, top = lua_gettop(L);
  if (top < 2) lx_error(L, "tensor.full", "expected sizes and a value, e.g. tensor.full(3, 4, 0.5)");
  double v = luaL_checknumber(L, top);
  lua_settop(L, top - 1);
  lt_checkshape(L, 1, &ndim, shape, IBSH_MAXDIM + 1, "tensor.full");
  ibsh_tensor_fill(lx_newtensor(L, ndim, shape, "tensor.full"), v);
  return 1;
}

/* tensor.eye(n, [m]) */
static int t_eye(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1), m = luaL_optinteger(L, 2, n);
  if (n < 0 || m < 0) lx_error(L, "tensor.eye", "negative size");
  ibsh_tensor *t = lx_newtensor2(L, (size_t)n, (size_t)m, "tensor.eye");
  double *p = ibsh_tensor_data(t);
  for (lua_Integer i = 0; i < n && i < m; i++) p[i * m + i] = 1.0;
  return 1;
}

/* tensor.arange([start,] stop [, step]): start, start+step, ... below stop (numpy). */
static int t_arange(lua_State *L) {
  double start = 0, stop, step = 1;
  if (lua_isnoneornil(L, 2)) stop = luaL_checknumber(L, 1);
  else { start = luaL_checknumber(L, 1); stop = luaL_checknumber(L, 2); step = luaL_optnumber(L, 3, 1); }
  if (step == 0 || !isfinite(start) || !isfinite(stop) || !isfinite(step)) lx_error(L, "tensor.arange", "bounds and step must be finite and step nonzero");
  double count = ceil((stop - start) / step);
  if (count < 0) count = 0;
  if (count > 1e11) lx_error(L, "tensor.arange", "%g elements is too many", count);
  ibsh_tensor *t = lx_newtensor1(L, (size_t)count, "tensor.arange");
  double *p = ibsh_tensor_data(t);
  for (size_t i = 0; i < (size_t)count; i++) p[i] = start + (double)i * step;
  return 1;
}

/* tensor.linspace(a, b, [n = 50]): n evenly spaced values from a to b inclusive. */
static int t_linspace(lua_State *L) {
  double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
  lua_Integer n = luaL_optinteger(L, 3, 50);
  if (n < 0) lx_error(L, "tensor.linspace", "negative count %lld", (long long)n);
  if (!isfinite(a) || !isfinite(b)) lx_error(L, "tensor.linspace", "bounds must be finite");
  ibsh_tensor *t = lx_newtensor1(L, (size_t)n, "tensor.linspace");
  double *p = ibsh_tensor_data(t), step = n > 1 ? (b - a) / (double)(n - 1) : 0;
  for (lua_Integer i = 0; i < n; i++) p[i] = a + (double)i * step;
  if (n > 1) p[n - 1] = b;
  return 1;
}

/* Shared parser of random creators: a shape (numbers or one table) then an optional {seed = s} or ibsh.Rng. */
static ibsh_tensor *new_random(lua_State *L, int first, ibsh_rng *local, ibsh_rng **r, const char *fname) {
  size_t shape[IBSH_MAXDIM];
  int ndim, shape_table = lua_istable(L, first) && !lt_isseedspec(L, first);
  int next = lt_checkshape(L, first, &ndim, shape, IBSH_MAXDIM, fname);
  if (lua_type(L, next) == LUA_TNUMBER && shape_table) lt_deprecated_seed(L, fname);   /* old rand({2, 3}, 42) */
  else if (!lua_isnoneornil(L, next) && !lt_isseedspec(L, next))
    lx_error(L, fname, "argument #%d: expected {seed = s} or an ibsh.Rng, got %s", next, luaL_typename(L, next));
  if (!lua_isnoneornil(L, next + 1)) lx_error(L, fname, "too many arguments");
  *r = lt_optrng(L, next, local, fname);
  return lx_newtensor(L, ndim, shape, fname);
}

/* tensor.rand(r, c, [seed]) */
static int t_rand(lua_State *L) {
  ibsh_rng local, *r;
  ibsh_tensor *t = new_random(L, 1, &local, &r, "tensor.rand");
  double *p = ibsh_tensor_data(t);
  for (size_t i = 0, n = ibsh_tensor_numel(t); i < n; i++) p[i] = ibsh_rng_uniform(r);
  return 1;
}

/* tensor.randn(r, c, [seed]) */
static int t_randn(lua_State *L) {
  ibsh_rng local, *r;
  ibsh_tensor *t = new_random(L, 1, &local, &r, "tensor.randn");
  double *p = ibsh_tensor_data(t);
  for (size_t i = 0, n = ibsh_tensor_numel(t); i < n; i++) p[i] = ibsh_rng_normal(r);
  return 1;
}

/* tensor.randint(lo, hi, r, c, [seed]): integers lo..hi inclusive. */
static int t_randint(lua_State *L) {
  lua_Integer lo = luaL_checkinteger(L, 1), hi = luaL_checkinteger(L, 2);
  if (hi < lo) lx_error(L, "tensor.randint", "empty range %d..%d", (int)lo, (int)hi);
  ibsh_rng local, *r;
  ibsh_tensor *t = new_random(L, 3, &local, &r, "tensor.randint");
  double *p = ibsh_tensor_data(t);
  uint64_t span = (uint64_t)(hi - lo) + 1;
  for (size_t i = 0, n = ibsh_tensor_numel(t); i < n; i++)
    p[i] = (double)(lo + (lua_Integer)(span ? ibsh_rng_below(r, span) : ibsh_rng_next(r)));
  return 1;
}

/* tensor.randperm(n, [seed]): a random permutation of 1..n. */
static int t_randperm(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  if (n < 0) lx_error(L, "tensor.randperm", "negative size %lld", (long long)n);
  if (lua_type(L, 2) == LUA_TNUMBER) lt_deprecated_seed(L, "tensor.randperm");   /* old randperm(n, 7) */
  ibsh_rng local, *r = lt_optrng(L, 2, &local, "tensor.randperm");
  ibsh_tensor *t = lx_newtensor1(L, (size_t)n, "tensor.randperm");
  double *p = ibsh_tensor_data(t);
  for (lua_Integer i = 0; i < n; i++) p[i] = (double)(i + 1);
  for (lua_Integer i = n; i > 1; i--) {
    size_t j = (size_t)ibsh_rng_below(r, (uint64_t)i);
    double tmp = p[i - 1]; p[i - 1] = p[j]; p[j] = tmp;
  }
  return 1;
}

/* Find the shape of a nested Lua table of numbers (rectangular). */
static int table_shape(lua_State *L, int idx, size_t *shape, int depth, const char *fname) {
  if (depth == IBSH_MAXDIM) lx_error(L, fname, "more than %d levels of nesting", IBSH_MAXDIM);
  size_t n = (size_t)lua_rawlen(L, idx);
  shape[depth] = n;
  if (n == 0) return depth + 1;
  lua_rawgeti(L, idx, 1);
  int ndim = depth + 1;
  if (lua_istable(L, -1)) ndim = table_shape(L, lua_gettop(L), shape, depth + 1, fname);
  lua_pop(L, 1);
  return ndim;
}

/* Copy a nested table into data, checking it is rectangular; returns the next write position. */
static double *fill_from_table(lua_State *L, int idx, const size_t *shape, int depth, int ndim, double *out, const char *fname) {
  if ((size_t)lua_rawlen(L, idx) != shape[depth])
    lx_error(L, fname, "ragged table: length %d at depth %d, expected %d", (int)lua_rawlen(L, idx), depth + 1, (int)shape[depth]);
  for (size_t i = 1; i <= shape[depth]; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i);
    if (depth + 1 < ndim) {
      if (!lua_istable(L, -1)) lx_error(L, fname, "ragged table: expected a table at depth %d", depth + 2);
      out = fill_from_table(L, lua_gettop(L), shape, depth + 1, ndim, out, fname);
    } else {
      int isnum = 0;
      double v = lua_tonumberx(L, -1, &isnum);
      if (!isnum) {
        if (lua_type(L, -1) == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
        else lx_error(L, fname, "element %d at depth %d is %s, not a number", (int)i, depth + 1, luaL_typename(L, -1));
      }
      *out++ = v;
    }
    lua_pop(L, 1);
  }
  return out;
}

/* tensor.new{{1,2},{3,4}}: a tensor from nested tables of numbers (or a copy of a tensor). */
static int t_new(lua_State *L) {
  ibsh_tensor *src = lx_testtensor(L, 1);
  if (src) {
    ibsh_tensor *t = lt_newlike(L, src, "tensor.new");
    lx_check(L, ibsh_tensor_copy(t, src), "tensor.new");
    return 1;
  }
  if (lua_type(L, 1) == LUA_TNUMBER) {  /* a 0-d tensor */
    ibsh_tensor *t = lx_newtensor(L, 0, NULL, "tensor.new");
    *ibsh_tensor_data(t) = lua_tonumber(L, 1);
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t shape[IBSH_MAXDIM];
  int ndim = table_shape(L, 1, shape, 0, "tensor.new");
  ibsh_tensor *t = lx_newtensor(L, ndim, shape, "tensor.new");
  fill_from_table(L, 1, shape, 0, ndim, ibsh_tensor_data(t), "tensor.new");
  return 1;
}

/* tensor.cat(list, [dim = 1]): concatenate tensors along dim. */
static int t_cat(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int n = (int)lua_rawlen(L, 1);
  if (n == 0) lx_error(L, "tensor.cat", "empty list");
  lua_rawgeti(L, 1, 1);
  ibsh_tensor *first = lx_checktensor(L, -1, "tensor.cat");
  int dim = lt_checkdim(L, first, 2, 0, "tensor.cat");
  size_t shape[IBSH_MAXDIM];
  memcpy(shape, first->shape, sizeof shape);
  shape[dim] = 0;
  lua_pop(L, 1);
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i);
    ibsh_tensor *t = lx_testtensor(L, -1);
    if (!t || !t->storage) lx_error(L, "tensor.cat", "element %d is not a tensor", i);
    if (t->ndim != first->ndim) lx_error(L, "tensor.cat", "element %d has %d dimensions, expected %d", i, t->ndim, first->ndim);
    for (int d = 0; d < t->ndim; d++)
      if (d != dim && t->shape[d] != first->shape[d]) lx_error(L, "tensor.cat", "element %d has size %d in dimension %d, expected %d", i, (int)t->shape[d], d + 1, (int)first->shape[d]);
    shape[dim] += t->shape[dim];
    lua_pop(L, 1);
  }
  ibsh_tensor *out = lx_newtensor(L, first->ndim, shape, "tensor.cat");
  size_t at = 0;
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i);
    ibsh_tensor *t = lx_testtensor(L, -1), view = {0};
    int rc = ibsh_tensor_narrow(&view, out, dim, at, t->shape[dim]);
    if (!rc) rc = ibsh_tensor_copy(&view, t);
    ibsh_tensor_release(&view);
    lx_check(L, rc, "tensor.cat");
    at += t->shape[dim];
    lua_pop(L, 1);
  }
  return 1;
}

/* Convert 1-based Lua indices at stack positions first.. into a 0-based index (negative counts from the end). */
static void check_index(lua_State *L, const ibsh_tensor *t, int first, size_t *idx, const char *fname) {
  for (int d = 0; d < t->ndim; d++) {
    lua_Integer i = luaL_checkinteger(L, first + d);
    if (i < 0) i += (lua_Integer)t->shape[d] + 1;
    if (i < 1 || (size_t)i > t->shape[d])
      lx_error(L, fname, "index %d out of range 1..%d in dimension %d", (int)luaL_checkinteger(L, first + d), (int)t->shape[d], d + 1);
    idx[d] = (size_t)(i - 1);
  }
}

/* t:get(i, j, ...) */
static int m_get(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:get");
  if (lua_gettop(L) - 1 != t->ndim) lx_error(L, "Tensor:get", "expected %d indices for a %d-d tensor, got %d", t->ndim, t->ndim, lua_gettop(L) - 1);
  size_t idx[IBSH_MAXDIM];
  check_index(L, t, 2, idx, "Tensor:get");
  lua_pushnumber(L, *ibsh_tensor_at(t, idx));
  return 1;
}

/* t:set(i, j, ..., v) */
static int m_set(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:set");
  if (lua_gettop(L) - 2 != t->ndim) lx_error(L, "Tensor:set", "expected %d indices and a value, got %d arguments", t->ndim, lua_gettop(L) - 1);
  size_t idx[IBSH_MAXDIM];
  check_index(L, t, 2, idx, "Tensor:set");
  *ibsh_tensor_at(t, idx) = luaL_checknumber(L, 2 + t->ndim);
  lua_settop(L, 1);
  return 1;
}

/* t:size([dim]): the sizes as several numbers, or the size of one dimension. */
static int m_size(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:size");
  if (!lua_isnoneornil(L, 2)) {
    int d = lt_checkdim(L, t, 2, -1, "Tensor:size");
    lua_pushinteger(L, (lua_Integer)t->shape[d]);
    return 1;
  }
  for (int d = 0; d < t->ndim; d++) lua_pushinteger(L, (lua_Integer)t->shape[d]);
  return t->ndim;
}

/* t:shape(): the sizes as a Lua table. */
static int m_shape(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:shape");
  lua_createtable(L, t->ndim, 0);
  for (int d = 0; d < t->ndim; d++) { lua_pushinteger(L, (lua_Integer)t->shape[d]); lua_rawseti(L, -2, d + 1); }
  return 1;
}

/* t:dim(): the number of dimensions. */
static int m_dim(lua_State *L) {
  lua_pushinteger(L, lx_checktensor(L, 1, "Tensor:dim")->ndim);
  return 1;
}

/* t:numel(): the number of elements. */
static int m_numel(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ibsh_tensor_numel(lx_checktensor(L, 1, "Tensor:numel")));
  return 1;
}

/* t:row(i): a view of row i (dimension 1) sharing storage. */
static int m_row(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:row");
  lua_Integer i = luaL_checkinteger(L, 2);
  if (t->ndim < 1) lx_error(L, "Tensor:row", "a 0-d tensor has no rows");
  if (i < 0) i += (lua_Integer)t->shape[0] + 1;
  if (i < 1 || (size_t)i > t->shape[0]) lx_error(L, "Tensor:row", "row %d out of range 1..%d", (int)luaL_checkinteger(L, 2), (int)t->shape[0]);
  ibsh_tensor *v = lt_pushview(L);
  lx_check(L, ibsh_tensor_select(v, t, 0, (size_t)(i - 1)), "Tensor:row");
  return 1;
}

/* t:narrow(dim, first, len): a view of len entries from first (1-based) along dim. */
static int m_narrow(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:narrow");
  int dim = lt_checkdim(L, t, 2, -1, "Tensor:narrow");
  lua_Integer first = luaL_checkinteger(L, 3), len = luaL_checkinteger(L, 4);
  if (first < 1 || len < 0) lx_error(L, "Tensor:narrow", "first must be >= 1 and len >= 0");
  ibsh_tensor *v = lt_pushview(L);
  lx_check(L, ibsh_tensor_narrow(v, t, dim, (size_t)(first - 1), (size_t)len), "Tensor:narrow");
  return 1;
}

/* t:select(dim, i): a view at index i of dim, with one dimension fewer. */
static int m_select(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:select");
  int dim = lt_checkdim(L, t, 2, -1, "Tensor:select");
  lua_Integer i = luaL_checkinteger(L, 3);
  if (i < 0) i += (lua_Integer)t->shape[dim] + 1;
  if (i < 1) lx_error(L, "Tensor:select", "index %d out of range 1..%d", (int)luaL_checkinteger(L, 3), (int)t->shape[dim]);
  ibsh_tensor *v = lt_pushview(L);
  lx_check(L, ibsh_tensor_select(v, t, dim, (size_t)(i - 1)), "Tensor:select");
  return 1;
}

/* t:t() / t:transpose([d1, d2]): a view with two dims swapped (default the last two). */
static int m_transpose(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:transpose");
  if (t->ndim < 2 && lua_isnoneornil(L, 2)) { ibsh_tensor_share(lt_pushview(L), t); return 1; }
  int d1 = lt_checkdim(L, t, 2, t->ndim - 2, "Tensor:transpose"), d2 = lt_checkdim(L, t, 3, t->ndim - 1, "Tensor:transpose");
  ibsh_tensor *v = lt_pushview(L);
  lx_check(L, ibsh_tensor_transpose(v, t, d1, d2), "Tensor:transpose");
  return 1;
}

/* t:permute(d1, d2, ...): a view with dims reordered. */
static int m_permute(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:permute");
  int perm[IBSH_MAXDIM], n = lua_gettop(L) - 1;
  if (n == 1 && lua_istable(L, 2)) {
    n = (int)lua_rawlen(L, 2);
    for (int i = 1; i <= n && i <= IBSH_MAXDIM; i++) lua_rawgeti(L, 2, i);
    lua_remove(L, 2);
  }
  if (n != t->ndim) lx_error(L, "Tensor:permute", "expected %d dimensions, got %d", t->ndim, n);
  for (int k = 0; k < n; k++) perm[k] = (int)luaL_checkinteger(L, 2 + k) - 1;
  ibsh_tensor *v = lt_pushview(L);
  lx_check(L, ibsh_tensor_permute(v, t, perm), "Tensor:permute");
  return 1;
}

/* Read a target shape for reshape/view; one size may be -1 (inferred). */
static int reshape_args(lua_State *L, const ibsh_tensor *t, size_t *shape, const char *fname) {
  lua_Integer raw[IBSH_MAXDIM];
  int n = 0;
  if (lua_istable(L, 2)) {
    n = (int)lua_rawlen(L, 2);
    if (n > IBSH_MAXDIM) lx_error(L, fname, "more than %d dimensions", IBSH_MAXDIM);
    for (int i = 1; i <= n; i++) { lua_rawgeti(L, 2, i); raw[i - 1] = luaL_checkinteger(L, -1); lua_pop(L, 1); }
  } else {
    n = lua_gettop(L) - 1;
    if (n > IBSH_MAXDIM) lx_error(L, fname, "more than %d dimensions", IBSH_MAXDIM);
    for (int i = 0; i < n; i++) raw[i] = luaL_checkinteger(L, 2 + i);
  }
  int infer = -1;
  size_t known = 1, total = ibsh_tensor_numel(t);
  for (int i = 0; i < n; i++) {
    if (raw[i] == -1) { if (infer >= 0) lx_error(L, fname, "only one size may be -1"); infer = i; continue; }
    if (raw[i] < 0) lx_error(L, fname, "negative size %d", (int)raw[i]);
    shape[i] = (size_t)raw[i];
    known *= shape[i];
  }
  if (infer >= 0) {
    if (known == 0 || total % known) lx_error(L, fname, "cannot infer size: %lld elements", (long long)total);
    shape[infer] = total / known;
  }
  return n;
}

/* t:view(d1, d2, ...): a view of a contiguous tensor with another shape. */
static int m_view(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:view");
  size_t shape[IBSH_MAXDIM];
  int n = reshape_args(L, t, shape, "Tensor:view");
  ibsh_tensor *v = lt_pushview(L);
  lx_check(L, ibsh_tensor_reshape_view(v, t, n, shape), "Tensor:view");
  return 1;
}

/* t:reshape(d1, d2, ...): like view, copying first when t is not contiguous. */
static int m_reshape(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:reshape");
  size_t shape[IBSH_MAXDIM];
  int n = reshape_args(L, t, shape, "Tensor:reshape");
  lua_settop(L, 1);
  t = lx_checkcontiguous(L, 1, "Tensor:reshape");
  ibsh_tensor *v = lt_pushview(L);
  lx_check(L, ibsh_tensor_reshape_view(v, t, n, shape), "Tensor:reshape");
  return 1;
}

/* t:contiguous(): t itself when contiguous, else a row-major copy. */
static int m_contiguous(lua_State *L) {
  lua_settop(L, 1);
  lx_checkcontiguous(L, 1, "Tensor:contiguous");
  return 1;
}

/* t:clone(): a contiguous copy with its own storage. */
static int m_clone(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:clone");
  ibsh_tensor *c = lt_newlike(L, t, "Tensor:clone");
  lx_check(L, ibsh_tensor_copy(c, t), "Tensor:clone");
  return 1;
}

/* t:is_contiguous() */
static int m_is_contiguous(lua_State *L) {
  lua_pushboolean(L, ibsh_tensor_is_contiguous(lx_checktensor(L, 1, "Tensor:is_contiguous")));
  return 1;
}

/* t:fill(v): set every element to v; returns t. */
static int m_fill(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:fill");
  ibsh_tensor_fill(t, luaL_checknumber(L, 2));
  lua_settop(L, 1);
  return 1;
}

/* t:copy(src): copy src (a tensor broadcastable to t, or a number) into t; returns t. */
static int m_copy(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:copy");
  if (lua_type(L, 2) == LUA_TNUMBER) ibsh_tensor_fill(t, lua_tonumber(L, 2));
  else lx_check(L, ibsh_tensor_copy(t, lx_checktensor(L, 2, "Tensor:copy")), "Tensor:copy");
  lua_settop(L, 1);
  return 1;
}

/* Push nested tables for t's sub-tensor at dim d starting at element pointer p. */
static void push_table(lua_State *L, const ibsh_tensor *t, int d, const double *p) {
  lua_createtable(L, (int)t->shape[d], 0);
  for (size_t i = 0; i < t->shape[d]; i++) {
    const double *q = p + (ptrdiff_t)i * t->stride[d];
    if (d + 1 == t->ndim) lua_pushnumber(L, *q);
    else push_table(L, t, d + 1, q);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* t:totable(): nested Lua tables of numbers. */
static int m_totable(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:totable");
  if (ibsh_tensor_numel(t) > 100000000) lx_error(L, "Tensor:totable", "tensor too large for a Lua table");
  if (t->ndim == 0) lua_pushnumber(L, *ibsh_tensor_data(t));
  else push_table(L, t, 0, ibsh_tensor_data(t));
  return 1;
}

/* t:item(): the value of a one-element tensor. */
static int m_item(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:item");
  if (ibsh_tensor_numel(t) != 1) lx_error(L, "Tensor:item", "tensor has %d elements, expected 1", (int)ibsh_tensor_numel(t));
  size_t idx[IBSH_MAXDIM] = {0};
  lua_pushnumber(L, *ibsh_tensor_at(t, idx));
  return 1;
}

/* Build a view of t from an index key: integer (select dim 1) or table of per-dim specs; *scalar set when every dim is selected. */
static void index_view(lua_State *L, ibsh_tensor *t, int key, ibsh_tensor *out, const char *fname) {
  if (lua_type(L, key) == LUA_TNUMBER) {  /* no reference is held while this may raise errors */
    lua_Integer i = luaL_checkinteger(L, key), given = i;
    if (t->ndim == 0) lx_error(L, fname, "cannot index a 0-d tensor");
    if (i < 0) i += (lua_Integer)t->shape[0] + 1;
    if (i < 1) lx_error(L, fname, "index %d out of range 1..%d in dimension 1", (int)given, (int)t->shape[0]);
    ibsh_tensor next = {0};
    lx_check(L, ibsh_tensor_select(&next, t, 0, (size_t)(i - 1)), fname);
    *out = next;
    return;
  }
  ibsh_tensor cur = {0};
  ibsh_tensor_share(&cur, t);
  int n = (int)lua_rawlen(L, key), d = 0, rc = 0;
  if (n > t->ndim) { ibsh_tensor_release(&cur); lx_error(L, fname, "%d indices for a %d-d tensor", n, t->ndim); }
  for (int k = 1; k <= n && !rc; k++) {
    ibsh_tensor next = {0};
    int type = lua_rawgeti(L, key, k);
    lua_Integer size = (lua_Integer)cur.shape[d];
    if (type == LUA_TNUMBER) {
      lua_Integer i = lua_tointeger(L, -1);
      if (i < 0) i += size + 1;
      rc = i < 1 ? ibsh_fail(1, "index %d out of range 1..%d in dimension %d", (int)lua_tointeger(L, -1), (int)size, k)
                 : ibsh_tensor_select(&next, &cur, d, (size_t)(i - 1));
    } else if (type == LUA_TTABLE) {
      lua_Integer a = 1, b = size;
      if (lua_rawgeti(L, -1, 1) == LUA_TNUMBER) a = lua_tointeger(L, -1);
      lua_pop(L, 1);
      if (lua_rawgeti(L, -1, 2) == LUA_TNUMBER) b = lua_tointeger(L, -1);
      else if (lua_rawlen(L, -2) == 1) b = a < 0 ? a + size + 1 : a;
      lua_pop(L, 1);
      if (a < 0) a += size + 1;
      if (b < 0) b += size + 1;
      rc = a < 1 || b > size || b < a - 1 ? ibsh_fail(1, "range %d..%d out of range 1..%d in dimension %d", (int)a, (int)b, (int)size, k)
                                          : ibsh_tensor_narrow(&next, &cur, d, (size_t)(a - 1), (size_t)(b - a + 1));
      d++;
    } else if (type == LUA_TSTRING && strcmp(lua_tostring(L, -1), ":") == 0) {
      ibsh_tensor_share(&next, &cur);
      d++;
    } else {
      rc = ibsh_fail(1, "index %d must be a number, a {first, last} range or \":\"", k);
    }
    lua_pop(L, 1);
    ibsh_tensor_release(&cur);
    cur = next;
  }
  if (rc) { ibsh_tensor_release(&cur); lx_check(L, rc, fname); }
  *out = cur;
}

/* __index: numbers and tables index the tensor (1-d elements are numbers); strings find methods. */
static int m_index(lua_State *L) {
  ibsh_tensor *t = (ibsh_tensor *)luaL_checkudata(L, 1, IBSH_TENSOR_T);
  int type = lua_type(L, 2);
  if (type == LUA_TSTRING || (type != LUA_TNUMBER && type != LUA_TTABLE)) {
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
  }
  if (!t->storage) lx_error(L, "Tensor index", "released tensor");
  ibsh_tensor v;
  index_view(L, t, 2, &v, "Tensor index");
  if (v.ndim == 0) {
    lua_pushnumber(L, *ibsh_tensor_data(&v));
    ibsh_tensor_release(&v);
    return 1;
  }
  ibsh_tensor *u = lt_pushview(L);
  *u = v;
  return 1;
}

/* __newindex: t[i] = v or t[{...}] = v fills (number) or copies (tensor, broadcast) into the view. */
static int m_newindex(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor newindex");
  int type = lua_type(L, 2);
  if (type != LUA_TNUMBER && type != LUA_TTABLE) lx_error(L, "Tensor newindex", "cannot set field '%s' of a tensor", luaL_tolstring(L, 2, NULL));
  ibsh_tensor v;
  index_view(L, t, 2, &v, "Tensor newindex");
  int rc = 0;
  if (lua_type(L, 3) == LUA_TNUMBER) ibsh_tensor_fill(&v, lua_tonumber(L, 3));
  else {
    ibsh_tensor *src = lx_testtensor(L, 3);
    if (!src || !src->storage) { ibsh_tensor_release(&v); lx_error(L, "Tensor newindex", "value must be a number or a tensor, got %s", luaL_typename(L, 3)); }
    rc = ibsh_tensor_copy(&v, src);
  }
  ibsh_tensor_release(&v);
  lx_check(L, rc, "Tensor newindex");
  return 0;
}

/* __len: the size of the first dimension. */
static int m_len(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor length");
  lua_pushinteger(L, t->ndim ? (lua_Integer)t->shape[0] : 1);
  return 1;
}

/* __gc and __close: drop the storage reference. */
static int m_gc(lua_State *L) {
  ibsh_tensor *t = (ibsh_tensor *)luaL_checkudata(L, 1, IBSH_TENSOR_T);
  ibsh_tensor_release(t);
  return 0;
}

typedef struct print_fmt { char fmt[16]; int width; } print_fmt;

/* Advance idx to the next position printing shows (all of a dim of at most 6, else its first and last 3); 0 when done. */
static int next_shown(const ibsh_tensor *t, size_t *idx, int summarise) {
  for (int d = t->ndim - 1; d >= 0; d--) {
    size_t n = t->shape[d];
    idx[d]++;
    if (summarise && n > 6 && idx[d] == 3) idx[d] = n - 3;
    if (idx[d] < n) return 1;
    idx[d] = 0;
  }
  return 0;
}

/* Choose one number format for the shown values, as numpy does: integers, fixed, or scientific
   when the magnitudes are large, tiny or span more than three decades. */
static print_fmt choose_format(const ibsh_tensor *t, int summarise) {
  print_fmt pf = {"%.0f", 1};
  size_t idx[IBSH_MAXDIM] = {0};
  int integral = 1;
  double maxabs = 0, minabs = INFINITY;
  do {
    double v = *ibsh_tensor_at(t, idx), a = fabs(v);
    if (isfinite(v)) {
      if (v != floor(v)) integral = 0;
      if (a > maxabs) maxabs = a;
      if (a > 0 && a < minabs) minabs = a;
    }
  } while (next_shown(t, idx, summarise));
  if (integral && maxabs < 1e15) strcpy(pf.fmt, "%.0f");
  else if (maxabs >= 1e8 || (minabs < 1e-4 && minabs > 0) || (minabs > 0 && maxabs / minabs > 1e3)) strcpy(pf.fmt, "%.4e");
  else strcpy(pf.fmt, "%.4f");
  memset(idx, 0, sizeof idx);
  char buf[64];
  do {  /* width of the widest shown value */
    double v = *ibsh_tensor_at(t, idx);
    int w = v != v ? 3 : snprintf(buf, sizeof buf, pf.fmt, v);
    if (w > pf.width) pf.width = w;
  } while (next_shown(t, idx, summarise));
  return pf;
}

/* The width printed tensors fit: the terminal's (stdout's window size), else $COLUMNS, else 80 columns. */
static size_t print_width(void) {
  struct winsize ws;
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  const char *env = getenv("COLUMNS");
  long c = env ? strtol(env, NULL, 10) : 0;
  return c >= 20 && c <= 10000 ? (size_t)c : 80;
}

/* Add columns first..last-1 of one row (last dim) of t at the fixed leading index lead, eliding the middle of long rows. */
static void add_row(luaL_Buffer *b, const ibsh_tensor *t, size_t *lead, const print_fmt *pf, int summarise,
                    size_t first, size_t last_col) {
  int last = t->ndim - 1;
  size_t cols = t->ndim ? t->shape[last] : 1;
  char num[80];
  luaL_addstring(b, " ");
  for (size_t j = first; j < last_col && j < cols; j++) {
    if (summarise && cols > 6 && j == 3) { luaL_addstring(b, "  ..."); j = cols - 4; continue; }
    if (t->ndim) lead[last] = j;
    char val[64];
    double v = *ibsh_tensor_at(t, lead);
    if (v != v) strcpy(val, "nan");
    else snprintf(val, sizeof val, pf->fmt, v);
    snprintf(num, sizeof num, " %*s", pf->width, val);
    luaL_addstring(b, num);
  }
  luaL_addchar(b, '\n');
}

/* Add the rows of the matrix block at lead (leading indices set), cut into chunks of columns that fit width. */
static void add_block(lua_State *L, luaL_Buffer *b, const ibsh_tensor *t, size_t *lead, const print_fmt *pf, int summarise,
                      size_t width) {
  size_t rows = t->shape[t->ndim - 2], cols = t->shape[t->ndim - 1];
  size_t per = width > (size_t)pf->width + 2 ? (width - 1) / ((size_t)pf->width + 1) : 1;
  if (summarise && cols > 6) per = cols;   /* an elided row is short already */
  for (size_t c0 = 0; c0 < cols; c0 += per) {
    size_t c1 = c0 + per < cols ? c0 + per : cols;
    if (per < cols) {
      if (c0) luaL_addchar(b, '\n');
      if (c1 - c0 == 1) lua_pushfstring(L, " Column %d\n", (int)c0 + 1);
      else lua_pushfstring(L, " Columns %d to %d\n", (int)c0 + 1, (int)c1);
      luaL_addvalue(b);
    }
    for (size_t i = 0; i < rows; i++) {
      if (summarise && rows > 6 && i == 3) { luaL_addstring(b, "  ...\n"); i = rows - 4; continue; }
      lead[t->ndim - 2] = i;
      add_row(b, t, lead, pf, summarise, c0, c1);
    }
  }
}

/* __tostring: a header with type and shape, then aligned rows, summarised as numpy does beyond 1000 elements;
   rows wider than the terminal are cut at column boundaries (a vector wraps onto several lines). */
static int m_tostring(lua_State *L) {
  ibsh_tensor *t = (ibsh_tensor *)luaL_checkudata(L, 1, IBSH_TENSOR_T);
  char shape[128];
  if (!t->storage) { lua_pushliteral(L, "ibsh.Tensor (released)"); return 1; }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  lua_pushfstring(L, "ibsh.Tensor of size %s, float64\n", ibsh_tensor_shape_str(t, shape, sizeof shape));
  luaL_addvalue(&b);
  size_t n = ibsh_tensor_numel(t), idx[IBSH_MAXDIM] = {0};
  if (n == 0) { luaL_addstring(&b, " (empty)\n"); luaL_pushresult(&b); return 1; }
  int summarise = n > 1000;
  print_fmt pf = choose_format(t, summarise);
  size_t width = print_width();
  if (t->ndim <= 1) {
    size_t cols = t->ndim ? t->shape[0] : 1;
    size_t per = width > (size_t)pf.width + 2 ? (width - 1) / ((size_t)pf.width + 1) : 1;
    if (summarise && cols > 6) per = cols;
    for (size_t c0 = 0; c0 < cols; c0 += per) add_row(&b, t, idx, &pf, summarise, c0, c0 + per);
  } else {
    size_t rows = t->shape[t->ndim - 2], blocks = n / (rows * t->shape[t->ndim - 1]);
    for (size_t blk = 0; blk < blocks; blk++) {
      if (summarise && blocks > 6 && blk == 3) { luaL_addstring(&b, " ...\n\n"); blk = blocks - 4; continue; }
      size_t r = blk;
      for (int d = t->ndim - 3; d >= 0; d--) { idx[d] = r % t->shape[d]; r /= t->shape[d]; }
      if (t->ndim > 2) {
        luaL_addstring(&b, " (");
        for (int d = 0; d < t->ndim - 2; d++) { lua_pushfstring(L, "%d,", (int)idx[d] + 1); luaL_addvalue(&b); }
        luaL_addstring(&b, ".,.) =\n");
      }
      add_block(L, &b, t, idx, &pf, summarise, width);
      if (t->ndim > 2 && blk + 1 < blocks) luaL_addchar(&b, '\n');
    }
  }
  luaL_pushresult(&b);
  size_t len;
  const char *s = lua_tolstring(L, -1, &len);
  if (len && s[len - 1] == '\n') lua_pushlstring(L, s, len - 1);  /* no trailing newline */
  return 1;
}

/* tensor.memory(): bytes of tensor storage currently allocated. */
static int t_memory(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ibsh_tensor_live_bytes());
  return 1;
}

/* tensor.walltime(): monotonic wall-clock seconds, for timing. */
static int t_walltime(lua_State *L) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  lua_pushnumber(L, (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec);
  return 1;
}

static const lx_Reg tensor_funcs[] = {
  {"walltime", t_walltime, "tensor.walltime()\n\nWall-clock seconds (with nanosecond resolution) since an arbitrary origin, for timing code; unlike os.clock it does not add up the CPU time of BLAS threads.\n\nExample: local t0 = tensor.walltime(); a:mm(b); print(tensor.walltime() - t0)"},
  {"memory", t_memory, "tensor.memory()\n\nBytes of tensor storage currently allocated in this process (views share storage and add nothing).\n\nExample: print(tensor.memory() / 2^20, 'MiB')"},
  {"new", t_new, "tensor.new(table | tensor | number)\n\nA tensor from nested tables of numbers (rows must have equal lengths), a copy of a tensor, or a 0-d tensor from a number.\n\nExample: tensor.new{{1, 2}, {3, 4}}"},
  {"zeros", t_zeros, "tensor.zeros(d1, d2, ...)\n\nA zero-filled tensor of the given sizes (also given as one table: tensor.zeros{d1, d2, ...}).\n\nExample: tensor.zeros(3, 4)"},
  {"ones", t_ones, "tensor.ones(d1, d2, ...)\n\nA tensor of ones of the given sizes.\n\nExample: tensor.ones(2, 2)"},
  {"full", t_full, "tensor.full(d1, ..., v) or tensor.full({d1, ...}, v)\n\nA tensor of the given sizes with every element v.\n\nExample: tensor.full(2, 3, 0.5)"},
  {"eye", t_eye, "tensor.eye(n, [m])\n\nThe n x m (default n x n) identity matrix.\n\nExample: tensor.eye(3)"},
  {"arange", t_arange, "tensor.arange([start,] stop [, step])\n\nValues start, start+step, ... strictly before stop, as numpy.arange (start defaults to 0, step to 1).\n\nExample: tensor.arange(0, 1, 0.25)  -- 0 0.25 0.5 0.75"},
  {"linspace", t_linspace, "tensor.linspace(a, b, [n = 50])\n\nn evenly spaced values from a to b, both included.\n\nExample: tensor.linspace(-1, 1, 5)  -- -1 -0.5 0 0.5 1"},
  {"rand", t_rand, "tensor.rand(d1, d2, ..., [seed]) or tensor.rand({d1, ...}, [seed])\n\nUniform [0, 1) values of the given sizes; every number is a size, as for tensor.zeros (tensor.rand(2, 3, 4) is 2x3x4). seed is {seed = s} or an ibsh.Rng (advanced by the call); without it the module's default generator is used (tensor.manual_seed reseeds it). A plain number seed after a shape table, tensor.rand({2, 3}, 42), still works for one release with a deprecation message.\n\nExample: tensor.rand(100, 1, {seed = 42})"},
  {"randn", t_randn, "tensor.randn(d1, d2, ..., [seed]) or tensor.randn({d1, ...}, [seed])\n\nStandard normal values of the given sizes (every number is a size); seed as for tensor.rand.\n\nExample: tensor.randn(3, 4, {seed = 7})"},
  {"randint", t_randint, "tensor.randint(lo, hi, d1, d2, ..., [seed])\n\nUniform random integers from lo to hi, both included (as math.random), in a tensor of sizes d1, d2, ... (every number after hi is a size); seed as for tensor.rand.\n\nExample: tensor.randint(0, 9, 5, {seed = 1})"},
  {"randperm", t_randperm, "tensor.randperm(n, [seed])\n\nA uniformly random permutation of 1..n (Fisher-Yates); seed is {seed = s} or an ibsh.Rng as for tensor.rand (a plain number still works for one release, with a deprecation message).\n\nExample: local idx = tensor.randperm(10, {seed = 3})"},
  {"cat", t_cat, "tensor.cat(list, [dim = 1])\n\nConcatenate a list of tensors along dim; the other sizes must match.\n\nExample: tensor.cat({a, b}, 1)"},
  {NULL, NULL, NULL}
};

static const lx_Reg tensor_methods[] = {
  {"get", m_get, "t:get(i, j, ...)\n\nThe element at 1-based indices, one per dimension (negative counts from the end).\n\nExample: t:get(2, 1)"},
  {"set", m_set, "t:set(i, j, ..., v)\n\nSet the element at 1-based indices to v; returns t.\n\nExample: t:set(2, 1, 0.5)"},
  {"size", m_size, "t:size([dim])\n\nThe sizes of all dimensions as several values, or of dimension dim.\n\nExample: local r, c = t:size()"},
  {"shape", m_shape, "t:shape()\n\nThe sizes as a Lua table.\n\nExample: t:shape()  -- {3, 4}"},
  {"dim", m_dim, "t:dim()\n\nThe number of dimensions.\n\nExample: t:dim()"},
  {"numel", m_numel, "t:numel()\n\nThe number of elements.\n\nExample: t:numel()"},
  {"row", m_row, "t:row(i)\n\nA view of row i (index i of dimension 1) sharing storage; writes show in t. t[i] is the same for 2-d and larger tensors.\n\nExample: t:row(2):fill(0)"},
  {"narrow", m_narrow, "t:narrow(dim, first, len)\n\nA view of len entries starting at first (1-based) along dim, sharing storage.\n\nExample: x:narrow(1, 1, 10)  -- first 10 rows"},
  {"select", m_select, "t:select(dim, i)\n\nA view at index i of dim, with that dimension removed.\n\nExample: x:select(2, 3)  -- column 3 as a vector"},
  {"transpose", m_transpose, "t:transpose([d1, d2])\n\nA view with dims d1 and d2 swapped (default the last two).\n\nExample: x:transpose()"},
  {"t", m_transpose, "t:t()\n\nThe transposed matrix (a view).\n\nExample: x:t():mm(x)"},
  {"permute", m_permute, "t:permute(d1, d2, ...)\n\nA view whose dimension k is t's dimension dk.\n\nExample: x:permute(2, 1)"},
  {"view", m_view, "t:view(d1, d2, ...)\n\nA view of a contiguous tensor with another shape of the same element count; one size may be -1.\n\nExample: tensor.arange(6):view(2, 3)"},
  {"reshape", m_reshape, "t:reshape(d1, d2, ...)\n\nLike view, but copies first when t is not contiguous.\n\nExample: x:t():reshape(-1)"},
  {"contiguous", m_contiguous, "t:contiguous()\n\nt itself when its elements are row-major without gaps, else a row-major copy.\n\nExample: x:t():contiguous()"},
  {"clone", m_clone, "t:clone()\n\nA contiguous copy with its own storage.\n\nExample: local y = x:clone()"},
  {"is_contiguous", m_is_contiguous, "t:is_contiguous()\n\nTrue when the elements are row-major without gaps.\n\nExample: x:t():is_contiguous()  -- false"},
  {"fill", m_fill, "t:fill(v)\n\nSet every element (of a view too) to v; returns t.\n\nExample: x:row(1):fill(0)"},
  {"copy", m_copy, "t:copy(src)\n\nCopy src (a tensor broadcastable to t's shape, or a number) into t; returns t.\n\nExample: x:narrow(1, 1, 2):copy(tensor.ones(2, 3))"},
  {"totable", m_totable, "t:totable()\n\nNested Lua tables of numbers (a number for a 0-d tensor).\n\nExample: tensor.new{{1, 2}}:totable()"},
  {"item", m_item, "t:item()\n\nThe value of a one-element tensor.\n\nExample: x:sum(1):item()"},
  {NULL, NULL, NULL}
};

static const luaL_Reg tensor_metamethods[] = {
  {"__gc", m_gc},
  {"__close", m_gc},
  {"__tostring", m_tostring},
  {"__len", m_len},
  {"__newindex", m_newindex},
  {NULL, NULL}
};

/* Open the C core of module ibsh.tensor. */
int luaopen_ibsh_core_tensor(lua_State *L) {
  lx_newclass(L, IBSH_TENSOR_T, tensor_methods, tensor_metamethods);
  luaL_getmetatable(L, IBSH_TENSOR_T);
  luaL_setfuncs(L, ltensor_math_metamethods, 0);
  lua_getfield(L, -1, "__index");  /* the method table */
  lx_setfuncs(L, "Tensor:", ltensor_math_methods);
  lx_setfuncs(L, "Tensor:", ltensor_linalg_methods);
  lx_setfuncs(L, "Tensor:", ltensor_io_methods);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "__methods");  /* for completion and help: the plain method table */
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, METHODS_KEY);
  lua_pushcclosure(L, m_index, 1);  /* __index: indexing, falling back to the methods */
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  ltensor_rng_open(L);
  lua_newtable(L);
  lx_setfuncs(L, "tensor.", tensor_funcs);
  lx_setfuncs(L, "tensor.", ltensor_math_funcs);
  lx_setfuncs(L, "tensor.", ltensor_linalg_funcs);
  lx_setfuncs(L, "tensor.", ltensor_io_funcs);
  lx_setfuncs(L, "tensor.", ltensor_rng_funcs);
  ltensor_rng_push_module(L);
  lua_setfield(L, -2, "rng");
#if defined(__SANITIZE_ADDRESS__)
  lua_pushboolean(L, 1);  /* tests shorten loops that the sanitizer's allocator makes slow */
#else
  lua_pushboolean(L, 0);
#endif
  lua_setfield(L, -2, "sanitized");
  return 1;
}
