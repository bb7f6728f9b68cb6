/*
** Lua binding of the ib module (placeholder until implemented).
*/
#include "lcommon.h"

static const lx_Reg ib_funcs[] = {
  {NULL, NULL, NULL}
};

/* Open the C core of module ibsh.ib. */
int luaopen_ibsh_core_ib(lua_State *L) {
  lua_newtable(L);
  lx_setfuncs(L, "ib.", ib_funcs);
  return 1;
}
