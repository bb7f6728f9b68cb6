-- ibsh: the whole library as one Lua module, for the ibsh shell and for any Lua 5.4:
--   local ibsh = require "ibsh"; print(ibsh.tensor.ones(3, 4):sum())
-- The shell preloads the C cores; a stock Lua loads them from lib/lua/5.4/ibsh/core.so.
local core = require "ibsh.core"

local M = {version = core.version}
M.modules = {"tensor", "data", "nn", "mi", "ib", "plot", "sweep", "progress"}
for _, name in ipairs(M.modules) do
  M[name] = require("ibsh." .. name)
end
M.help = require("ibsh.help").help
require("ibsh.errors").install()   -- "did you mean" hints name the fields of ibsh's modules and classes

return M
