/*
** Lua binding of the plot module (placeholder until implemented).
*/
#include "lcommon.h"

static const lx_Reg plot_funcs[] = {
  {NULL, NULL, NULL}
};

/* Open the C core of module ibsh.plot. */
int luaopen_ibsh_core_plot(lua_State *L) {
  lua_newtable(L);
  lx_setfuncs(L, "plot.", plot_funcs);
  return 1;
}
