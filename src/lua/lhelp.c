/*
** Lua binding of the help registry: help texts keyed by the value they document.
** C functions record theirs through lx_setfuncs; Lua modules call help.set.
*/
#include "lcommon.h"

#define HELP_KEY "ibsh.help"

/* help.set(value, name, text): record the help text of a function or table. */
static int h_set(lua_State *L) {
  luaL_checkany(L, 1);
  const char *name = luaL_checkstring(L, 2);
  const char *text = luaL_checkstring(L, 3);
  lx_sethelp(L, 1, name, text);
  lua_settop(L, 1);
  return 1;
}

/* help.get(value): the help text recorded for value, or nil. */
static int h_get(lua_State *L) {
  luaL_checkany(L, 1);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, HELP_KEY);
  lua_pushvalue(L, 1);
  lua_rawget(L, -2);
  if (!lua_isstring(L, -1)) lua_pushnil(L);
  return 1;
}

/* help.entries(): a table mapping each documented name to its value. */
static int h_entries(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, HELP_KEY);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -4);
    } else {
      lua_pop(L, 1);
    }
  }
  return 1;
}

static const lx_Reg help_funcs[] = {
  {"set", h_set, "help.set(value, name, text)\n\nRecord the help text of a function or table (used by Lua modules).\n\nExample: require('ibsh.core.help').set(f, 'mymod.f', 'mymod.f(x)\\n\\nDoes ...')"},
  {"get", h_get, "help.get(value)\n\nThe help text recorded for value, or nil.\n\nExample: print(require('ibsh.core.help').get(tensor.new))"},
  {"entries", h_entries, "help.entries()\n\nA table mapping every documented name to its value.\n\nExample: for name in pairs(require('ibsh.core.help').entries()) do print(name) end"},
  {NULL, NULL, NULL}
};

/* Open the help registry module ibsh.core.help. */
int luaopen_ibsh_core_help(lua_State *L) {
  lua_newtable(L);
  lx_setfuncs(L, "help.", help_funcs);
  return 1;
}
