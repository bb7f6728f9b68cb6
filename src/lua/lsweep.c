/*
** Lua binding of the sweep module (placeholder until implemented).
*/
#include "lcommon.h"

static const lx_Reg sweep_funcs[] = {
  {NULL, NULL, NULL}
};

/* Open the C core of module ibsh.sweep. */
int luaopen_ibsh_core_sweep(lua_State *L) {
  lua_newtable(L);
  lx_setfuncs(L, "sweep.", sweep_funcs);
  return 1;
}
