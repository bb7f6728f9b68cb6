/*
** Opening the ibsh modules: C cores are preloaded as "ibsh.core.<name>"; the
** public modules "ibsh.<name>" are Lua files in lua/ibsh/ that extend them and
** become globals of the shell.
*/
#include <stdlib.h>
#include <lualib.h>
#include "lcommon.h"

int luaopen_ibsh_core_tensor(lua_State *L);
int luaopen_ibsh_core_data(lua_State *L);
int luaopen_ibsh_core_nn(lua_State *L);
int luaopen_ibsh_core_mi(lua_State *L);
int luaopen_ibsh_core_ib(lua_State *L);
int luaopen_ibsh_core_plot(lua_State *L);
int luaopen_ibsh_core_help(lua_State *L);
int luaopen_ibsh_core_sweep(lua_State *L);

static const luaL_Reg core_modules[] = {
  {"ibsh.core.tensor", luaopen_ibsh_core_tensor},
  {"ibsh.core.data", luaopen_ibsh_core_data},
  {"ibsh.core.nn", luaopen_ibsh_core_nn},
  {"ibsh.core.mi", luaopen_ibsh_core_mi},
  {"ibsh.core.ib", luaopen_ibsh_core_ib},
  {"ibsh.core.plot", luaopen_ibsh_core_plot},
  {"ibsh.core.help", luaopen_ibsh_core_help},
  {"ibsh.core.sweep", luaopen_ibsh_core_sweep},
  {NULL, NULL}
};

static const char *const public_modules[] = {"tensor", "data", "nn", "mi", "ib", "plot", "sweep", NULL};

/* Put the ibsh Lua directory ($IBSH_LUADIR or the build-time one) first on package.path. */
static void set_package_path(lua_State *L) {
  const char *dir = getenv("IBSH_LUADIR");
  if (!dir || !*dir) dir = IBSH_LUADIR;
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "path");
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s", dir, dir, lua_tostring(L, -1));
  lua_setfield(L, -3, "path");
  lua_pop(L, 2);
}

/* Open every ibsh module: preload the C cores, set package.path, and set the globals. */
void ibsh_openlibs(lua_State *L) {
  luaL_openlibs(L);
  set_package_path(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (const luaL_Reg *m = core_modules; m->name; m++) {
    lua_pushcfunction(L, m->func);
    lua_setfield(L, -2, m->name);
  }
  lua_pop(L, 1);
  for (const char *const *name = public_modules; *name; name++) {
    lua_getglobal(L, "require");
    lua_pushfstring(L, "ibsh.%s", *name);
    lua_call(L, 1, 1);
    lua_setglobal(L, *name);
  }
}
