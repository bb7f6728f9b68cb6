/*
** Lua binding of the nn module (placeholder until implemented).
*/
#include "lcommon.h"

static const lx_Reg nn_funcs[] = {
  {NULL, NULL, NULL}
};

/* Open the C core of module ibsh.nn. */
int luaopen_ibsh_core_nn(lua_State *L) {
  lua_newtable(L);
  lx_setfuncs(L, "nn.", nn_funcs);
  return 1;
}
