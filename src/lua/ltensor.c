/*
** Lua binding of tensors (ibsh.Tensor): creation, element access, printing.
*/
#include <stdio.h>
#include <string.h>
#include "lcommon.h"

/* Read dimension sizes from arguments first..top (integers >= 0). */
static int check_shape(lua_State *L, int first, size_t *shape, const char *fname) {
  int top = lua_gettop(L), ndim = 0;
  for (int i = first; i <= top && lua_type(L, i) == LUA_TNUMBER; i++) {
    if (ndim == IBSH_MAXDIM) lx_error(L, fname, "more than %d dimensions", IBSH_MAXDIM);
    lua_Integer n = luaL_checkinteger(L, i);
    if (n < 0) lx_error(L, fname, "negative size %d", (int)n);
    shape[ndim++] = (size_t)n;
  }
  if (ndim == 0) lx_error(L, fname, "expected sizes, e.g. %s(3, 4)", fname);
  return ndim;
}

/* tensor.zeros(d1, d2, ...) */
static int t_zeros(lua_State *L) {
  size_t shape[IBSH_MAXDIM];
  int ndim = check_shape(L, 1, shape, "tensor.zeros");
  lx_newtensor(L, ndim, shape, "tensor.zeros");
  return 1;
}

/* tensor.ones(d1, d2, ...) */
static int t_ones(lua_State *L) {
  size_t shape[IBSH_MAXDIM];
  int ndim = check_shape(L, 1, shape, "tensor.ones");
  ibsh_tensor *t = lx_newtensor(L, ndim, shape, "tensor.ones");
  double *p = ibsh_tensor_data(t);
  for (size_t i = 0, n = ibsh_tensor_numel(t); i < n; i++) p[i] = 1.0;
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
      if (!isnum) lx_error(L, fname, "element %d at depth %d is %s, not a number", (int)i, depth + 1, luaL_typename(L, -1));
      *out++ = v;
    }
    lua_pop(L, 1);
  }
  return out;
}

/* tensor.new{{1,2},{3,4}}: a tensor from nested tables of numbers. */
static int t_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t shape[IBSH_MAXDIM];
  int ndim = table_shape(L, 1, shape, 0, "tensor.new");
  ibsh_tensor *t = lx_newtensor(L, ndim, shape, "tensor.new");
  fill_from_table(L, 1, shape, 0, ndim, ibsh_tensor_data(t), "tensor.new");
  return 1;
}

/* Convert 1-based Lua indices at stack positions first.. into a 0-based index, checking ranges. */
static void check_index(lua_State *L, const ibsh_tensor *t, int first, size_t *idx, const char *fname) {
  for (int d = 0; d < t->ndim; d++) {
    lua_Integer i = luaL_checkinteger(L, first + d);
    if (i < 1 || (size_t)i > t->shape[d])
      lx_error(L, fname, "index %d out of range 1..%d in dimension %d", (int)i, (int)t->shape[d], d + 1);
    idx[d] = (size_t)(i - 1);
  }
}

/* t:get(i, j, ...) */
static int m_get(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:get");
  size_t idx[IBSH_MAXDIM];
  check_index(L, t, 2, idx, "Tensor:get");
  lua_pushnumber(L, *ibsh_tensor_at(t, idx));
  return 1;
}

/* t:set(i, j, ..., v) */
static int m_set(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:set");
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
    lua_Integer d = luaL_checkinteger(L, 2);
    if (d < 1 || d > t->ndim) lx_error(L, "Tensor:size", "dimension %d out of range 1..%d", (int)d, t->ndim);
    lua_pushinteger(L, (lua_Integer)t->shape[d - 1]);
    return 1;
  }
  for (int d = 0; d < t->ndim; d++) lua_pushinteger(L, (lua_Integer)t->shape[d]);
  return t->ndim;
}

/* __gc and __close: drop the storage reference. */
static int m_gc(lua_State *L) {
  ibsh_tensor *t = (ibsh_tensor *)luaL_checkudata(L, 1, IBSH_TENSOR_T);
  ibsh_tensor_release(t);
  return 0;
}

/* __tostring: values (2-d as rows) followed by a shape footer. */
static int m_tostring(lua_State *L) {
  ibsh_tensor *t = (ibsh_tensor *)luaL_checkudata(L, 1, IBSH_TENSOR_T);
  char shape[128];
  if (!t->storage) {
    lua_pushliteral(L, "[ibsh.Tensor (released)]");
    return 1;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  size_t rows = t->ndim >= 1 ? t->shape[0] : 1, cols = t->ndim == 2 ? t->shape[1] : 1;
  if (t->ndim <= 2) {
    for (size_t i = 0; i < rows && i < 20; i++) {
      for (size_t j = 0; j < cols && j < 10; j++) {
        size_t idx[2] = {i, j};
        char num[40];
        snprintf(num, sizeof num, "%s%10.4g", j ? " " : "", *ibsh_tensor_at(t, idx));
        luaL_addstring(&b, num);
      }
      luaL_addstring(&b, cols > 10 ? " ...\n" : "\n");
    }
    if (rows > 20) luaL_addstring(&b, "...\n");
  }
  lua_pushfstring(L, "[ibsh.Tensor of size %s]", ibsh_tensor_shape_str(t, shape, sizeof shape));
  luaL_addvalue(&b);
  luaL_pushresult(&b);
  return 1;
}

static const lx_Reg tensor_funcs[] = {
  {"new", t_new, "tensor.new(table)\n\nA tensor from nested tables of numbers; rows must have equal lengths.\n\nExample: tensor.new{{1, 2}, {3, 4}}"},
  {"zeros", t_zeros, "tensor.zeros(d1, d2, ...)\n\nA zero-filled tensor of the given sizes.\n\nExample: tensor.zeros(3, 4)"},
  {"ones", t_ones, "tensor.ones(d1, d2, ...)\n\nA tensor of ones of the given sizes.\n\nExample: tensor.ones(2, 2)"},
  {NULL, NULL, NULL}
};

static const lx_Reg tensor_methods[] = {
  {"get", m_get, "t:get(i, j, ...)\n\nThe element at 1-based indices, one per dimension.\n\nExample: t:get(2, 1)"},
  {"set", m_set, "t:set(i, j, ..., v)\n\nSet the element at 1-based indices to v; returns t.\n\nExample: t:set(2, 1, 0.5)"},
  {"size", m_size, "t:size([dim])\n\nThe sizes of all dimensions as several values, or of dimension dim.\n\nExample: local r, c = t:size()"},
  {NULL, NULL, NULL}
};

static const luaL_Reg tensor_metamethods[] = {
  {"__gc", m_gc},
  {"__close", m_gc},
  {"__tostring", m_tostring},
  {NULL, NULL}
};

/* Open the C core of module ibsh.tensor. */
int luaopen_ibsh_core_tensor(lua_State *L) {
  lx_newclass(L, IBSH_TENSOR_T, tensor_methods, tensor_metamethods);
  lua_newtable(L);
  lx_setfuncs(L, "tensor.", tensor_funcs);
  return 1;
}
