/*
** Lua binding of the data module (placeholder until implemented).
*/
#include "lcommon.h"

static const lx_Reg data_funcs[] = {
  {NULL, NULL, NULL}
};

/* Open the C core of module ibsh.data. */
int luaopen_ibsh_core_data(lua_State *L) {
  lua_newtable(L);
  lx_setfuncs(L, "data.", data_funcs);
  return 1;
}
