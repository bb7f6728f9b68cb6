/*
** Lua binding of the mi module (placeholder until implemented).
*/
#include "lcommon.h"

static const lx_Reg mi_funcs[] = {
  {NULL, NULL, NULL}
};

/* Open the C core of module ibsh.mi. */
int luaopen_ibsh_core_mi(lua_State *L) {
  lua_newtable(L);
  lx_setfuncs(L, "mi.", mi_funcs);
  return 1;
}
