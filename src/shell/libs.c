/*
** Opening the library in the shell: package.path gets the Lua directory found
** relative to the program (PREFIX/bin/ibsh -> PREFIX/share/lua/5.4, the same in
** the build tree) or $IBSH_LUADIR; the C cores are linked in and preloaded; then
** require "ibsh" and its modules become globals.
*/
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lualib.h>
#include "lcommon.h"
#include "shell.h"

#define REPL_KEY "ibsh.shell.repl"   /* registry slot caching require "ibsh.repl" */

#ifndef IBSH_REL_LUADIR
#define IBSH_REL_LUADIR "../share/lua/5.4"
#endif

/* Push the directory holding ibsh/init.lua: $IBSH_LUADIR, else relative to the program's own file. */
static void push_luadir(lua_State *L) {
  const char *env = getenv("IBSH_LUADIR");
  if (env && *env) {
    lua_pushstring(L, env);
    return;
  }
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    lua_pushstring(L, IBSH_REL_LUADIR);
    return;
  }
  exe[n] = '\0';
  const char *rel = IBSH_REL_LUADIR;
  char *slash = strrchr(exe, '/');
  if (slash) *slash = '\0';              /* the program's directory */
  while (strncmp(rel, "../", 3) == 0 && (slash = strrchr(exe, '/')) != NULL && slash != exe) {
    *slash = '\0';                        /* one level up for each leading "../" */
    rel += 3;
  }
  lua_pushfstring(L, "%s/%s", exe, rel);
}

/* Put the ibsh Lua directory first on package.path. */
static void set_package_path(lua_State *L) {
  push_luadir(L);
  const char *dir = lua_tostring(L, -1);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "path");
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s", dir, dir, lua_tostring(L, -1));
  lua_setfield(L, -3, "path");
  lua_pop(L, 3);
}

/* Open the standard libraries and ibsh: its modules (ibsh.modules) become globals. */
void shell_openlibs(lua_State *L) {
  luaL_openlibs(L);
  set_package_path(L);
  ibsh_preload(L);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "ibsh");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "modules");
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    const char *name = lua_tostring(L, -1);
    lua_getfield(L, -3, name);
    lua_setglobal(L, name);
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
}

/* Push the ibsh.repl support table (loaded once); pushes nil if it failed to load. */
int shell_pushrepl(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, REPL_KEY) != LUA_TNIL) return lua_type(L, -1);
  lua_pop(L, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "ibsh.repl");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
    fprintf(stderr, "%s: cannot load ibsh.repl (%s); plain printing\n", IBSH_PROGNAME,
            lua_isstring(L, -1) ? lua_tostring(L, -1) : "not a table");
    lua_pop(L, 1);
    lua_pushboolean(L, 0);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, REPL_KEY);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  return lua_type(L, -1);
}
