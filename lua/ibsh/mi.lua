-- ibsh.mi: the public mi module (C core in src/lua/lmi.c, Lua additions here).
local M = require "ibsh.core.mi"

return M
