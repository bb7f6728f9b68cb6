-- ibsh.tensor: the public tensor module (C core in src/lua/ltensor.c, Lua additions here).
local M = require "ibsh.core.tensor"

return M
