/*
** Shared helpers for the Lua bindings.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "ibsh/error.h"
#include "lcommon.h"

#define HELP_KEY "ibsh.help"   /* registry table: value -> help text, "name" -> value */

/* Raise "fname: <core message>" when rc is an error code; return 0 otherwise. */
int lx_check(lua_State *L, int rc, const char *fname) {
  if (rc == IBSH_OK) return 0;
  return luaL_error(L, "%s: %s", fname, ibsh_errmsg());
}

/* Raise a Lua error "fname: <formatted message>". */
int lx_error(lua_State *L, const char *fname, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return luaL_error(L, "%s: %s", fname, msg);
}

/* The tensor at idx, or NULL if the value is not a tensor. */
ibsh_tensor *lx_testtensor(lua_State *L, int idx) {
  return (ibsh_tensor *)luaL_testudata(L, idx, IBSH_TENSOR_T);
}

/* The tensor at idx, or a Lua error naming fname. */
ibsh_tensor *lx_checktensor(lua_State *L, int idx, const char *fname) {
  ibsh_tensor *t = lx_testtensor(L, idx);
  if (!t) lx_error(L, fname, "argument #%d must be a tensor, got %s", idx, luaL_typename(L, idx));
  if (!t->storage) lx_error(L, fname, "argument #%d is a released tensor", idx);
  return t;
}

/* Replace the tensor argument at idx by a contiguous version (a copy only if needed) and return it. */
ibsh_tensor *lx_checkcontiguous(lua_State *L, int idx, const char *fname) {
  idx = lua_absindex(L, idx);
  ibsh_tensor *t = lx_checktensor(L, idx, fname);
  if (ibsh_tensor_is_contiguous(t)) return t;
  ibsh_tensor *c = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_contiguous(c, t), fname);
  lua_replace(L, idx);
  return c;
}

/* Push a new, empty tensor userdata (storage NULL) with the tensor metatable. */
ibsh_tensor *lx_pushtensor(lua_State *L) {
  ibsh_tensor *t = (ibsh_tensor *)lua_newuserdatauv(L, sizeof(ibsh_tensor), 0);
  memset(t, 0, sizeof *t);
  luaL_setmetatable(L, IBSH_TENSOR_T);
  return t;
}

/* Run a full collection when tensor memory has doubled since the last one and grown by at least 4 MB plus the
   Lua heap's size (so a collection's cost stays proportional to what was allocated): loops do not balloon, and the
   memory of results that die at once (a snapshot's activations) is reused while it is still in cache. */
static void apply_gc_pressure(lua_State *L) {
  static size_t next_collect = (size_t)4 << 20;
  size_t live = ibsh_tensor_live_bytes();
  if (live < next_collect) return;
  lua_gc(L, LUA_GCCOLLECT);
  live = ibsh_tensor_live_bytes();
  size_t floor = ((size_t)4 << 20) + (size_t)lua_gc(L, LUA_GCCOUNT) * 1024;
  next_collect = live * 2 > live + floor ? live * 2 : live + floor;
}

/* Push a new zero-filled tensor of the given shape; raises "fname: ..." on failure. */
ibsh_tensor *lx_newtensor(lua_State *L, int ndim, const size_t *shape, const char *fname) {
  apply_gc_pressure(L);
  ibsh_tensor *t = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_alloc(t, ndim, shape), fname);
  return t;
}

/* Push a new tensor of the given shape with unspecified contents, for results whose every element is written. */
ibsh_tensor *lx_newtensor_uninit(lua_State *L, int ndim, const size_t *shape, const char *fname) {
  apply_gc_pressure(L);
  ibsh_tensor *t = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_alloc_uninit(t, ndim, shape), fname);
  return t;
}

/* Push a new zero-filled rows x cols tensor. */
ibsh_tensor *lx_newtensor2(lua_State *L, size_t rows, size_t cols, const char *fname) {
  size_t shape[2] = {rows, cols};
  return lx_newtensor(L, 2, shape, fname);
}

/* Push a new zero-filled vector of n elements. */
ibsh_tensor *lx_newtensor1(lua_State *L, size_t n, const char *fname) {
  return lx_newtensor(L, 1, &n, fname);
}

/* Push opts[key] and return its type; LUA_TNIL when opts is absent. */
static int push_option(lua_State *L, int opts, const char *key, const char *fname) {
  if (lua_isnoneornil(L, opts)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  if (!lua_istable(L, opts)) lx_error(L, fname, "options must be a table, got %s", luaL_typename(L, opts));
  return lua_getfield(L, opts, key);
}

/* Read a number option. */
double lx_optnumber(lua_State *L, int opts, const char *key, double def, const char *fname) {
  int type = push_option(L, opts, key, fname);
  double v = def;
  if (type == LUA_TNUMBER) v = lua_tonumber(L, -1);
  else if (type != LUA_TNIL) lx_error(L, fname, "option '%s' must be a number, got %s", key, lua_typename(L, type));
  lua_pop(L, 1);
  return v;
}

/* Read an integer option. */
lua_Integer lx_optinteger(lua_State *L, int opts, const char *key, lua_Integer def, const char *fname) {
  int type = push_option(L, opts, key, fname);
  lua_Integer v = def;
  int isint = 0;
  if (type == LUA_TNUMBER) {
    v = lua_tointegerx(L, -1, &isint);
    if (!isint) lx_error(L, fname, "option '%s' must be an integer, got %g", key, lua_tonumber(L, -1));
  } else if (type != LUA_TNIL) {
    lx_error(L, fname, "option '%s' must be an integer, got %s", key, lua_typename(L, type));
  }
  lua_pop(L, 1);
  return v;
}

/* Read a string option (the string stays valid while opts is alive). */
const char *lx_optstring(lua_State *L, int opts, const char *key, const char *def, const char *fname) {
  int type = push_option(L, opts, key, fname);
  const char *v = def;
  if (type == LUA_TSTRING) v = lua_tostring(L, -1);
  else if (type != LUA_TNIL) lx_error(L, fname, "option '%s' must be a string, got %s", key, lua_typename(L, type));
  lua_pop(L, 1);
  return v;
}

/* Read a boolean option. */
int lx_optboolean(lua_State *L, int opts, const char *key, int def, const char *fname) {
  int type = push_option(L, opts, key, fname);
  int v = def;
  if (type == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
  else if (type != LUA_TNIL) lx_error(L, fname, "option '%s' must be a boolean, got %s", key, lua_typename(L, type));
  lua_pop(L, 1);
  return v;
}

/* Raise an error if opts holds a key not in the NULL-terminated list known (catches typos). */
void lx_checkoptions(lua_State *L, int opts, const char *const *known, const char *fname) {
  if (lua_isnoneornil(L, opts)) return;
  if (!lua_istable(L, opts)) lx_error(L, fname, "options must be a table, got %s", luaL_typename(L, opts));
  opts = lua_absindex(L, opts);
  lua_pushnil(L);
  while (lua_next(L, opts)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;  /* positional entries are checked by the caller */
    const char *key = lua_tostring(L, -1);
    int found = 0;
    for (const char *const *k = known; *k; k++) if (strcmp(*k, key) == 0) { found = 1; break; }
    if (!found) {
      char list[512] = "";
      size_t used = 0;
      for (const char *const *k = known; *k && used < sizeof list; k++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", k == known ? "" : ", ", *k);
      lx_error(L, fname, "unknown option '%s' (known: %s)", key, list);
    }
  }
}

/* Record help text for the value at idx (function or table), keyed by the value itself and by name. */
void lx_sethelp(lua_State *L, int idx, const char *qualified_name, const char *help) {
  idx = lua_absindex(L, idx);
  if (luaL_getsubtable(L, LUA_REGISTRYINDEX, HELP_KEY) == 0) {
    /* fresh table: nothing else to set up */
  }
  lua_pushvalue(L, idx);
  lua_pushstring(L, help ? help : "");
  lua_rawset(L, -3);
  lua_pushvalue(L, idx);
  lua_setfield(L, -2, qualified_name);  /* name -> value, for listing and the man page */
  lua_pop(L, 1);
}

/* Set the functions of regs into the table at the top of the stack, recording help as "prefix.name". */
void lx_setfuncs(lua_State *L, const char *prefix, const lx_Reg *regs) {
  char qualified[128];
  for (; regs->name; regs++) {
    lua_pushcfunction(L, regs->func);
    snprintf(qualified, sizeof qualified, "%s%s", prefix, regs->name);
    lx_sethelp(L, -1, qualified, regs->help);
    lua_setfield(L, -2, regs->name);
  }
}

/* Create metatable tname with __index = methods (help recorded as "Class:name") and the given metamethods. */
void lx_newclass(lua_State *L, const char *tname, const lx_Reg *methods, const luaL_Reg *metamethods) {
  char prefix[96];
  const char *dot = strrchr(tname, '.');
  snprintf(prefix, sizeof prefix, "%s:", dot ? dot + 1 : tname);
  luaL_newmetatable(L, tname);
  if (metamethods) luaL_setfuncs(L, metamethods, 0);
  lua_newtable(L);
  lx_setfuncs(L, prefix, methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}
