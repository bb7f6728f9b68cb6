-- ibsh.data: the public data module (C core in src/lua/ldata.c, Lua additions here).
local M = require "ibsh.core.data"

return M
