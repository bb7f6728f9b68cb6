-- ibsh.plot: the public plot module (C core in src/lua/lplot.c, Lua additions here).
local M = require "ibsh.core.plot"

return M
