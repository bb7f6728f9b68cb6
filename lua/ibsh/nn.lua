-- ibsh.nn: the public nn module (C core in src/lua/lnn.c, Lua additions here).
local M = require "ibsh.core.nn"

return M
