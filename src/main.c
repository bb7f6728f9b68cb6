/*
** ibsh: the program (minimal driver; the full REPL lives in repl.c when written).
*/
#include <stdio.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "lcommon.h"

/* Message handler: append a traceback to the error message. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Run the chunk on top of the stack with a traceback handler; report errors on stderr. */
static int docall(lua_State *L, int nargs) {
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  int status = lua_pcall(L, nargs, 0, base);
  lua_remove(L, base);
  if (status != LUA_OK) {
    fprintf(stderr, "ibsh: %s\n", lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return status;
}

/* Entry point: ibsh FILE [ARGS] or ibsh -e CODE. */
int main(int argc, char **argv) {
  lua_State *L = luaL_newstate();
  ibsh_openlibs(L);
  int status = LUA_OK;
  if (argc >= 3 && strcmp(argv[1], "-e") == 0) {
    status = luaL_loadstring(L, argv[2]) || docall(L, 0);
  } else if (argc >= 2) {
    lua_newtable(L);
    for (int i = 0; i < argc; i++) {
      lua_pushstring(L, argv[i]);
      lua_rawseti(L, -2, i - 1);
    }
    lua_setglobal(L, "arg");
    status = luaL_loadfile(L, argv[1]);
    if (status == LUA_OK) {
      for (int i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
      status = docall(L, argc - 2);
    } else {
      fprintf(stderr, "ibsh: %s\n", lua_tostring(L, -1));
    }
  }
  lua_close(L);
  return status == LUA_OK ? 0 : 1;
}
