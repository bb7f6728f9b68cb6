-- Losses over a whole batch written in Lua: net:backward(x, dout) against central differences of a loss that
-- couples all pairs of rows (InfoNCE on the scores o_i . o_j), for linear, sigmoid and softmax outputs; net:params
-- and net:set_params; an nn.optimizer loop that raises the bound; bad arguments.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local near, fails = check.close, check.fails

-- InfoNCE-style loss of the outputs o (n x k): L = -mean_i [s_ii - log sum_j exp s_ij], s_ij = o_i . o_j / 2 + y_j . o_i,
-- and its gradient with respect to o (computed by hand in Lua).
local function loss_and_grad(o, y)
  local n, k = o:size(1), o:size(2)
  local s = {}
  for i = 1, n do
    s[i] = {}
    for j = 1, n do
      local v = 0
      for c = 1, k do v = v + o:get(i, c) * o:get(j, c) / 2 + y:get(j, c) * o:get(i, c) end
      s[i][j] = v
    end
  end
  local L, ds = 0, {}
  for i = 1, n do
    local m = -math.huge
    for j = 1, n do m = math.max(m, s[i][j]) end
    local z = 0
    for j = 1, n do z = z + math.exp(s[i][j] - m) end
    local lse = m + math.log(z)
    L = L - (s[i][i] - lse) / n
    ds[i] = {}
    for j = 1, n do ds[i][j] = (math.exp(s[i][j] - lse) - (i == j and 1 or 0)) / n end
  end
  local g = {}
  for i = 1, n do
    g[i] = {}
    for c = 1, k do
      local v = 0
      for j = 1, n do v = v + ds[i][j] * (o:get(j, c) / 2 + y:get(j, c)) + ds[j][i] * o:get(j, c) / 2 end
      g[i][c] = v
    end
  end
  return L, tensor.new(g)
end

local x = tensor.randn(6, 3, {seed = 1})
local y = tensor.randn(6, 2, {seed = 2})
for _, out in ipairs{"linear", "sigmoid", "softmax"} do
  local net = nn.mlp{3, 5, 2, act = "tanh", out = out, seed = 4}
  local acts = net:forward(x)
  local _, dout = loss_and_grad(acts[#acts], y)
  local g = net:backward(x, dout)
  local p = net:params()
  assert(g:size(1) == net:nparams() and p:size(1) == net:nparams(), out .. ": one gradient per parameter")
  local worst = 0
  for q = 1, net:nparams() do
    local h, keep = 1e-5, p:get(q)
    p:set(q, keep + h); net:set_params(p)
    local a1 = net:forward(x); local up = loss_and_grad(a1[#a1], y)
    p:set(q, keep - h); net:set_params(p)
    local a2 = net:forward(x); local down = loss_and_grad(a2[#a2], y)
    p:set(q, keep); net:set_params(p)
    local fd = (up - down) / (2 * h)
    worst = math.max(worst, math.abs(fd - g:get(q)) / math.max(1e-4, math.abs(fd) + math.abs(g:get(q))))
  end
  assert(worst < 1e-6, string.format("%s: net:backward vs central differences, rel. error %.2e", out, worst))
end

-- params/set_params round trip; set_params returns the net.
local net = nn.mlp{3, 4, 2, out = "linear", seed = 7}
local p0 = net:params()
assert(net:set_params(p0 * 2) == net, "set_params returns the network")
near(net:params():get(5), 2 * p0:get(5), 0, "set_params stores the values")
net:set_params(p0)

-- A training loop in Lua: Adam on the pairwise loss lowers it (deterministic: same bits every run).
local opt = nn.optimizer{optim = "adam", lr = 0.05}
local first, last
for step = 1, 60 do
  local acts = net:forward(x)
  local L, dout = loss_and_grad(acts[#acts], y)
  if step == 1 then first = L end
  last = L
  opt:step(net, net:backward(x, dout))
end
assert(last < first - 0.2, string.format("Adam lowered the loss (%.4f -> %.4f)", first, last))
local sgd = nn.optimizer{optim = "sgd", lr = 0.1, momentum = 0.5}
local before = net:params()
sgd:step(net, before * 0 + 1)
near(net:params():get(1), before:get(1) - 0.1, 1e-15, "SGD step p - lr g")

-- Bad arguments.
fails("Net:backward: dout must be an n x 2 tensor", net.backward, net, x, tensor.zeros(6, 3))
fails("Net:backward: x must be an n x 3 tensor", net.backward, net, y, tensor.zeros(6, 2))
fails("Net:backward: x has 6 rows but dout has 5", net.backward, net, x, tensor.zeros(5, 2))
fails("Net:backward: dout has a non-finite value", net.backward, net, x, tensor.zeros(6, 2) / 0)
fails("Net:set_params: p must be a vector of " .. net:nparams(), net.set_params, net, tensor.zeros(3))
fails("nn.optimizer: unknown optim 'rmsprop'", nn.optimizer, {optim = "rmsprop"})
fails("nn.optimizer: unknown option", nn.optimizer, {rate = 1})
fails("nn.optimizer: lr must be a positive finite number", nn.optimizer, {lr = 0})
fails("Optimizer:step: grad must be a vector", opt.step, opt, net, tensor.zeros(2))
fails("Optimizer:step: this optimiser steps a network of", opt.step, opt, nn.mlp{2, 2}, tensor.zeros(6))
print("ok")
