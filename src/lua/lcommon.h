/*
** Shared helpers for the Lua bindings: error conversion, tensor userdata,
** option tables, classes and help text. Bindings stay thin: they check
** arguments, call the core, and convert its error into a Lua error that names
** the function ("tensor.mm: sizes 3x4 and 5x2 do not match").
*/
#ifndef IBSH_LCOMMON_H
#define IBSH_LCOMMON_H

#include <lua.h>
#include <lauxlib.h>
#include "ibsh/tensor.h"

#define IBSH_TENSOR_T "ibsh.Tensor"

/* A function with its help text: signature line, blank line, description, example. */
typedef struct lx_Reg {
  const char *name;
  lua_CFunction func;
  const char *help;
} lx_Reg;

/* Raise "fname: <core message>" when rc is an error code; return 0 otherwise. */
int lx_check(lua_State *L, int rc, const char *fname);

/* Raise a Lua error "fname: <formatted message>". */
int lx_error(lua_State *L, const char *fname, const char *fmt, ...);

/* The tensor at idx, or a Lua error naming fname. */
ibsh_tensor *lx_checktensor(lua_State *L, int idx, const char *fname);

/* The tensor at idx, or NULL if the value is not a tensor. */
ibsh_tensor *lx_testtensor(lua_State *L, int idx);

/* Replace the tensor argument at idx by a contiguous version (a copy only if needed) and return it. */
ibsh_tensor *lx_checkcontiguous(lua_State *L, int idx, const char *fname);

/* Push a new, empty tensor userdata (storage NULL) with the tensor metatable. */
ibsh_tensor *lx_pushtensor(lua_State *L);

/* Push a new zero-filled tensor of the given shape; raises "fname: ..." on failure. */
ibsh_tensor *lx_newtensor(lua_State *L, int ndim, const size_t *shape, const char *fname);

/* Push a new tensor of the given shape with unspecified contents, for results whose every element is written. */
ibsh_tensor *lx_newtensor_uninit(lua_State *L, int ndim, const size_t *shape, const char *fname);

/* Push a new zero-filled rows x cols tensor. */
ibsh_tensor *lx_newtensor2(lua_State *L, size_t rows, size_t cols, const char *fname);

/* Push a new zero-filled vector of n elements. */
ibsh_tensor *lx_newtensor1(lua_State *L, size_t n, const char *fname);

/* Option-table readers: opts is the stack index of a table or nil/none; a missing key gives def. */
double lx_optnumber(lua_State *L, int opts, const char *key, double def, const char *fname);
lua_Integer lx_optinteger(lua_State *L, int opts, const char *key, lua_Integer def, const char *fname);
const char *lx_optstring(lua_State *L, int opts, const char *key, const char *def, const char *fname);
int lx_optboolean(lua_State *L, int opts, const char *key, int def, const char *fname);

/* Raise an error if opts holds a key not in the NULL-terminated list known (catches typos). */
void lx_checkoptions(lua_State *L, int opts, const char *const *known, const char *fname);

/* Set the functions of regs into the table at the top of the stack, recording help as "prefix.name". */
void lx_setfuncs(lua_State *L, const char *prefix, const lx_Reg *regs);

/* Create metatable tname with __index = methods (help recorded as "Class:name") and the given metamethods. */
void lx_newclass(lua_State *L, const char *tname, const lx_Reg *methods, const luaL_Reg *metamethods);

/* Record help text for the value at idx (function or table), keyed by the value itself. */
void lx_sethelp(lua_State *L, int idx, const char *qualified_name, const char *help);

/* Register the C cores "ibsh.core.<name>" and "ibsh.core" in package.preload. */
void ibsh_preload(lua_State *L);

/* The module "ibsh.core" (lib/lua/5.4/ibsh/core.so for a stock Lua): preloads the cores, returns {version}. */
int luaopen_ibsh_core(lua_State *L);

#endif
