/*
** Reading numeric arguments for plotting: tensors or Lua arrays, as flat rows.
*/
#include <string.h>
#include "lplot.h"

/* A scratch buffer of n doubles owned by a userdata pushed on the stack. */
double *lplot_buffer(lua_State *L, size_t n, const char *fname) {
  if (n > ((size_t)1 << 31)) lx_error(L, fname, "%zu values is too many", n);
  return (double *)lua_newuserdatauv(L, (n ? n : 1) * sizeof(double), 0);
}

/* Read a tensor (1-d, n x 1, 1 x n or m x k) or a Lua array of numbers at idx; NULL p when absent and optional. */
int lplot_data(lua_State *L, int idx, const char *fname, const char *what, int optional, ldata *out) {
  idx = lua_absindex(L, idx);
  memset(out, 0, sizeof *out);
  if (lua_isnoneornil(L, idx)) {
    if (optional) return 0;
    return lx_error(L, fname, "%s is missing (give a tensor or an array of numbers)", what);
  }
  ibsh_tensor *t = lx_testtensor(L, idx);
  if (t) {
    if (!t->storage) return lx_error(L, fname, "%s is a released tensor", what);
    if (t->ndim > 2 || t->ndim == 0) {
      char buf[128];
      return lx_error(L, fname, "%s must be a 1-d or 2-d tensor, got shape %s", what, ibsh_tensor_shape_str(t, buf, sizeof buf));
    }
    t = lx_checkcontiguous(L, idx, fname);
    out->p = ibsh_tensor_data(t);
    if (t->ndim == 1) { out->rows = 1; out->cols = t->shape[0]; }
    else if (t->shape[1] == 1 || t->shape[0] == 1) { out->rows = 1; out->cols = t->shape[0] * t->shape[1]; }
    else { out->rows = t->shape[0]; out->cols = t->shape[1]; }
    return 1;
  }
  if (lua_isnumber(L, idx)) {
    double *b = lplot_buffer(L, 1, fname);
    b[0] = lua_tonumber(L, idx);
    lua_replace(L, idx);
    out->p = b; out->rows = 1; out->cols = 1;
    return 1;
  }
  if (!lua_istable(L, idx))
    return lx_error(L, fname, "%s must be a tensor or an array of numbers, got %s", what, luaL_typename(L, idx));
  size_t n = (size_t)lua_rawlen(L, idx);
  double *b = lplot_buffer(L, n, fname);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i + 1);
    int ok;
    b[i] = lua_tonumberx(L, -1, &ok);
    if (!ok) lx_error(L, fname, "%s[%zu] must be a number, got %s", what, i + 1, luaL_typename(L, -1));
    lua_pop(L, 1);
  }
  lua_replace(L, idx);
  out->p = b; out->rows = 1; out->cols = n;
  return 1;
}
