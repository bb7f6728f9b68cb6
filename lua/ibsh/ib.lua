-- ibsh.ib: the public ib module (C core in src/lua/lib.c, Lua additions here).
local M = require "ibsh.core.ib"

return M
