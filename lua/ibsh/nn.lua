-- ibsh.nn: the public nn module (C core in src/lua/lnn.c, Lua additions here).
local M = require "ibsh.core.nn"
local help = require "ibsh.core.help"

local run_methods = debug.getregistry()["ibsh.Run"].__index

-- run:joint(epoch, d): p(x, yhat) from the network's predictive distribution, p(x) uniform.
function run_methods.joint(run, epoch, d)
  if type(d) ~= "table" or d.x == nil then
    error("Run:joint: argument #2 must be a data set {x = tensor, ...}, got " .. type(d), 2)
  end
  local acts = run:activations(epoch, d.x)
  local probs = acts[#acts]
  local _, classes = probs:size()
  local n = probs:size(1)
  local pxy = probs / n
  -- Renormalise so the joint sums to 1 exactly as the IB solvers check it (softmax rows sum to 1 up to rounding).
  pxy = pxy / pxy:sum()
  assert(classes >= 2, "Run:joint: the output layer has a single unit")
  return pxy
end
help.set(run_methods.joint, "Run:joint", [[
run:joint(epoch, d)

The joint distribution p(x, yhat) of the inputs of data set d (p(x) uniform over its rows)
and the network's prediction at a snapshot epoch: row i is p(yhat | x_i) / n, from the
output layer's probabilities (softmax, or sigmoid/linear outputs as they are). This is how
the original authors computed the IB bound of the trained network: pass it to ib.curve.

Example: local bound = ib.curve(run:joint(run:epochs():max(), data.tishby()))]])

return M
