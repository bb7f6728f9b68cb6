-- run:joint(epoch, d): the joint of inputs and the network's predictions, and its IB curve.
local d = data.tishby()
local train = d:split{train = 0.8, seed = 0}
local run = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 0}:fit(train, {epochs = 30, quiet = true})
local pxy = run:joint(30, d)
local n, classes = pxy:size()
assert(n == 4096 and classes == 2)
assert(math.abs(pxy:sum() - 1) < 1e-12, "joint sums to 1")

-- Rows are the softmax outputs divided by n.
local acts = run:activations(30, d.x)
local probs = acts[#acts]
for _, i in ipairs{1, 100, 4096} do
  for c = 1, 2 do
    assert(math.abs(pxy:get(i, c) - probs:get(i, c) / n) < 1e-15, "row " .. i)
  end
end

-- I(X;Yhat) = H(Yhat) - mean_x H(Yhat | x), in bits, by hand.
local function h(p) return p > 0 and -p * math.log(p, 2) or 0 end
local py1, hcond = 0, 0
for i = 1, n do
  local p = probs:get(i, 2)
  py1 = py1 + p / n
  hcond = hcond + (h(p) + h(1 - p)) / n
end
local ixy = h(py1) + h(1 - py1) - hcond
-- The IB curve of this joint ends at I(X;Yhat).
local curve = ib.curve(pxy)
assert(math.abs(curve:at(20) - ixy) < 1e-6, ("curve ends at %.9f, I(X;Yhat) = %.9f"):format(curve:at(20), ixy))

local ok, err = pcall(run.joint, run, 30, 5)
assert(not ok and err:find("Run:joint: argument #2 must be a data set", 1, true), err)
print("OK")
