/*
** Helpers shared by the tensor binding files: dims, shapes and new tensors
** shaped like another (declared in ltensor_common.h).
*/
#include "ibsh/error.h"
#include "ltensor_common.h"

/* A 1-based Lua dim at idx as a 0-based dim of t; def when absent. */
int lt_checkdim(lua_State *L, const ibsh_tensor *t, int idx, int def, const char *fname) {
  if (lua_isnoneornil(L, idx)) {
    if (def < 0) lx_error(L, fname, "missing dimension argument");
    return def;
  }
  lua_Integer d = luaL_checkinteger(L, idx);
  if (d < 0) d += t->ndim + 1;
  if (d < 1 || d > t->ndim) lx_error(L, fname, "dimension %d out of range 1..%d", (int)d, t->ndim);
  return (int)d - 1;
}

/* Push a new empty tensor userdata for a view. */
ibsh_tensor *lt_pushview(lua_State *L) {
  return lx_pushtensor(L);
}

/* Push a zero-filled tensor with t's shape. */
ibsh_tensor *lt_newlike(lua_State *L, const ibsh_tensor *t, const char *fname) {
  return lx_newtensor(L, t->ndim, t->shape, fname);
}

/* Check one size value (integer >= 0). */
static size_t check_size(lua_State *L, int isnum, lua_Integer n, const char *fname) {
  if (!isnum) lx_error(L, fname, "sizes must be integers");
  if (n < 0) lx_error(L, fname, "negative size %lld", (long long)n);
  return (size_t)n;
}

/* Read a shape from a table or from up to max_numbers numbers starting at first. */
int lt_checkshape(lua_State *L, int first, int *ndim, size_t *shape, int max_numbers, const char *fname) {
  *ndim = 0;
  if (lua_istable(L, first) && !lx_testtensor(L, first) && !lt_isseedspec(L, first)) {
    int n = (int)lua_rawlen(L, first);
    if (n > IBSH_MAXDIM) lx_error(L, fname, "more than %d dimensions", IBSH_MAXDIM);
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, first, i);
      int isnum;
      lua_Integer v = lua_tointegerx(L, -1, &isnum);
      shape[(*ndim)++] = check_size(L, isnum, v, fname);
      lua_pop(L, 1);
    }
    return first + 1;
  }
  int i = first;
  for (; lua_type(L, i) == LUA_TNUMBER && *ndim < max_numbers; i++) {
    if (*ndim == IBSH_MAXDIM) lx_error(L, fname, "more than %d dimensions", IBSH_MAXDIM);
    int isnum;
    lua_Integer v = lua_tointegerx(L, i, &isnum);
    shape[(*ndim)++] = check_size(L, isnum, v, fname);
  }
  if (*ndim == 0) lx_error(L, fname, "expected sizes, e.g. %s(3, 4) or %s({3, 4})", fname, fname);
  return i;
}
