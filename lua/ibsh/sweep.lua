-- ibsh.sweep: grids of jobs over worker processes or MPI ranks (C core in src/lua/lsweep.c).
local M = require "ibsh.core.sweep"

return M
