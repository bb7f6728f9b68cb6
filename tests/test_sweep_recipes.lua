-- Recipes: small real runs (shapes, values in range, CSV/figure outputs) and hand-checkable pieces
-- (SNR transition on synthetic curves, gaps below a known bound, medians).
local study = require "ibsh.recipes.study"
local infoplane = require "ibsh.recipes.infoplane"
local snr = require "ibsh.recipes.snr"
local depth = require "ibsh.recipes.depth"
local trainsize = require "ibsh.recipes.trainsize"
local bound = require "ibsh.recipes.bound"
local tmp = os.tmpname()

-- Info plane over 2 networks: 31 snapshots x 6 layers x 2; first layer keeps all 12 bits at epoch 0.
local res = infoplane.run{runs = 2, epochs = 30, jobs = 2, quiet = true}
assert(res.mean:size(1) == 31 and res.mean:size(2) == 6 and res.mean:size(3) == 2, "plane shape")
assert(#res.planes == 2 and res.epochs:get(1) == 0 and res.epochs:get(31) == 30, "planes and epochs")
assert(math.abs(res.mean:get(1, 1, 1) - 12) < 1e-9, "layer 1 at epoch 0 keeps the 12 bits")
for l = 1, 6 do
  local c = res.compression[l]
  assert(c.peak_ixt >= c.final_ixt and c.drop >= 0 and c.final_ity <= 0.99916 + 1e-6, "compression summary")
end
-- The mean is the mean of the runs.
local p1, p2 = res.planes[1], res.planes[2]
assert(math.abs(res.mean:get(20, 4, 1) - (p1:get(20, 4, 1) + p2:get(20, 4, 1)) / 2) < 1e-12, "mean plane")
infoplane.csv(res, tmp)
local f = assert(io.open(tmp)); local header = f:read("l"); local n = 0
for _ in f:lines() do n = n + 1 end
f:close()
assert(header == "epoch,layer,ixt,ity" and n == 31 * 6, "infoplane csv")

-- SNR: averaged gradient statistics, and the transition of synthetic curves.
local s = snr.summarise(res.results)
assert(s.mean:size(1) == 30 and s.mean:size(2) == 6 and s.epochs:get(30) == 30, "snr shape")
assert(math.abs(s.snr:get(5, 2) - s.mean:get(5, 2) / s.std:get(5, 2)) < 1e-12, "snr = mean / std")
local E = 400
local m, sd = tensor.zeros(E, 2), tensor.ones(E, 2)
for e = 1, E do m:set(e, 1, 10 * math.exp(-e / 40)); m:set(e, 2, 10 * math.exp(-e / 40)) end
-- summed mean 20 exp(-e/40) < summed std 2 from e > 40 ln 10 = 92.1; the log window moves it a little.
local tr = snr.transition(m, sd)
assert(tr and tr >= 90 and tr <= 100, "transition epoch " .. tostring(tr))
assert(snr.transition(sd:mul(3), sd) == nil, "no transition when the mean stays above")
assert(snr.transition(sd:mul(0.1), sd) == nil, "no transition when the mean is below from the start (no drift phase)")

-- Depth: medians and a tiny run.
assert(depth.median({3, 1, 2}) == 2 and depth.median({4, 1, 3, 2}) == 2.5 and depth.median({}) == nil, "median")
local dr = depth.run{runs = 2, epochs = 40, depths = {1, 2}, target_loss = 0.69, jobs = 2, quiet = true}
assert(#dr.rows == 2 and dr.rows[1].endpoint:size(1) == 2 and dr.rows[2].endpoint:size(1) == 3, "depth endpoints")
assert(dr.rows[1].runs == 2, "runs per depth")
depth.csv(dr, tmp)

-- Training-set size: endpoints per size.
local tr2 = trainsize.run{runs = 1, epochs = 20, sizes = {0.1, 0.5}, jobs = 2, quiet = true}
assert(#tr2.rows == 2 and tr2.rows[1].train == 0.1 and tr2.rows[2].endpoint:size(1) == 6, "trainsize rows")
trainsize.csv(tr2, tmp)

-- Bound: a known curve I(T;Y) = min(I(X;T), 1) with beta = 10 - I(X;T) at its points.
local pts = tensor.new({{10, 0, 0}, {9, 1, 1}, {2, 8, 1}})
local curve = {points = function() return pts end, at = function(_, x) return math.min(x, 1) end}
local plane = tensor.new({{{0.5, 0.25}, {3, 1}}, {{4, 0.5}, {0.5, 0.5}}})
local cmp = bound.compare(plane, curve)
assert(math.abs(cmp.gap:get(1, 1) - 0.25) < 1e-12 and cmp.gap:get(1, 2) == 0 and cmp.gap:get(2, 1) == 0.5, "gaps")
local expect = math.exp(math.log(9) + (3 - 1) / 7 * (math.log(2) - math.log(9)))
assert(math.abs(cmp.beta:get(1, 2) - expect) < 1e-12, "beta interpolation")
assert(math.abs(cmp.beta:get(1, 1) - math.sqrt(90)) < 1e-9, "beta between the first points")
bound.csv(cmp, tensor.new({0, 1}), tmp)
-- Curves whose ends have beta 0 and infinity (as ib.curve's exact ends) give no NaN.
assert(bound.beta_at({0, 2, math.huge}, {0, 1, 12}, 12) == math.huge, "beta at the T = X end")
assert(bound.beta_at({0, 2, math.huge}, {0, 1, 12}, 1) == 2, "beta at a point")
assert(bound.beta_at({0, 2, math.huge}, {0, 1, 12}, 5) == math.huge, "beta past the corner")
assert(bound.beta_at({0, 2, math.huge}, {0, 1, 12}, 0.5) == 1, "beta linear from 0")
if ib and ib.curve then
  local d = data.tishby()
  local c = bound.compare(res.mean, ib.curve(d:joint()))
  assert(c.gap:min() > -0.02, "layers above the bound by " .. -c.gap:min())
  assert(c.beta:isnan():sum() == 0, "NaN beta")
  -- The bound of the network's own predictions: no layer (a deterministic encoder of x) beats it.
  local train = d:split{train = 0.8, seed = 2}
  local run = nn.mlp{12, 6, 4, 2, seed = 2}:fit(train, {epochs = 40, quiet = true})
  local p = bound.predictive(run, d, {points = 6})
  local cp = bound.compare(p.plane, bound.from_points(p.points))
  assert(cp.gap:min() > -1e-3, "a layer is above its predictive bound by " .. -cp.gap:min())
  assert(p.plane:select(3, 2):max() <= 1 + 1e-9, "I(T;Yhat) above H(Yhat) <= 1 bit")
  assert(p.epochs:get(1) == 0 and p.epochs:get(p.epochs:size(1)) == 40, "epochs span the run")
end
os.remove(tmp)
-- Every public recipe function has a help text.
local help = require "ibsh.core.help"
for name, mod in pairs({study = study, infoplane = infoplane, snr = snr, depth = depth, trainsize = trainsize, bound = bound}) do
  for k, v in pairs(mod) do
    if type(v) == "function" then
      assert(help.get(v), name .. "." .. k .. " has no help")
    end
  end
end
print("OK")
