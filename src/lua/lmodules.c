/*
** The C cores of the ibsh modules, preloaded as "ibsh.core.<name>", and the
** module "ibsh.core" itself: what a stock lua5.4 loads (lib/lua/5.4/ibsh/core.so)
** before lua/ibsh/init.lua builds the public modules on top.
*/
#include <lualib.h>
#include "lcommon.h"
#include "ibsh/version.h"

int luaopen_ibsh_core_tensor(lua_State *L);
int luaopen_ibsh_core_data(lua_State *L);
int luaopen_ibsh_core_nn(lua_State *L);
int luaopen_ibsh_core_mi(lua_State *L);
int luaopen_ibsh_core_ib(lua_State *L);
int luaopen_ibsh_core_plot(lua_State *L);
int luaopen_ibsh_core_help(lua_State *L);
int luaopen_ibsh_core_sweep(lua_State *L);
int luaopen_ibsh_core_progress(lua_State *L);

static const luaL_Reg core_modules[] = {
  {"ibsh.core.tensor", luaopen_ibsh_core_tensor},
  {"ibsh.core.data", luaopen_ibsh_core_data},
  {"ibsh.core.nn", luaopen_ibsh_core_nn},
  {"ibsh.core.mi", luaopen_ibsh_core_mi},
  {"ibsh.core.ib", luaopen_ibsh_core_ib},
  {"ibsh.core.plot", luaopen_ibsh_core_plot},
  {"ibsh.core.help", luaopen_ibsh_core_help},
  {"ibsh.core.sweep", luaopen_ibsh_core_sweep},
  {"ibsh.core.progress", luaopen_ibsh_core_progress},
  {NULL, NULL}
};

/* Register every C core in package.preload (existing entries are kept). */
void ibsh_preload(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (const luaL_Reg *m = core_modules; m->name; m++) {
    if (lua_getfield(L, -1, m->name) == LUA_TNIL) {
      lua_pushcfunction(L, m->func);
      lua_setfield(L, -3, m->name);
    }
    lua_pop(L, 1);
  }
  lua_pushcfunction(L, luaopen_ibsh_core);
  lua_setfield(L, -2, "ibsh.core");
  lua_pop(L, 1);
}

/* require "ibsh.core": preload the C cores and return {version = "x.y.z"}. */
int luaopen_ibsh_core(lua_State *L) {
  ibsh_preload(L);
  lua_createtable(L, 0, 1);
  lua_pushstring(L, ibsh_version());
  lua_setfield(L, -2, "version");
  return 1;
}
