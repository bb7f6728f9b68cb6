-- Goldfeld et al. (2019), "Estimating Information Flow in Deep Neural Networks": in a noise-injected
-- network (T = S + Z, Z ~ N(0, sigma^2 I) after every hidden activation) I(X;T) is finite, and the
-- sample-propagation estimator (mi.sp) measures it with a known error. The paper's claim: compression of
-- I(X;T) is driven by clustering of the representations. Two parts:
--  A. the single tanh neuron T = tanh(w X) + Z, X uniform on {-3, -1, 1, 3}: as w grows, I(X;T) rises to
--     2 bits and then falls to 1 bit while the two classes {-3, -1}, {1, 3} each collapse onto a point;
--  B. the noisy IB network 12-10-7-5-4-3-2 (tanh) on var_u: the information plane by sample propagation
--     and, beside it, the clustering of the noiseless representations (mi.clustering: within-class over
--     overall mean distance, and the fraction of input pairs closer than 2 sigma), with their correlation.
-- Writes goldfeld2019.png, goldfeld2019.csv and goldfeld2019.md into the current directory.
--
-- Usage: ibsh examples/goldfeld2019.lua [--quick] [--runs N] [--epochs E] [--noise S] [--jobs J] [--dir D]
-- Full mode: 3 networks x 3000 epochs, sigma 0.1, 16 log-spaced snapshots, all 4096 inputs, 20 draws per input.
-- Quick mode: 1 network x 150 epochs, 6 snapshots, a fixed 512-input subset, 10 draws per input.
local atomic = require "ibsh.atomic"
local study = require "ibsh.recipes.study"

local opt = {quick = false, jobs = 2}
local i = 1
while arg and arg[i] do
  local a = arg[i]
  if a == "--quick" then opt.quick = true
  elseif a == "--runs" or a == "--epochs" or a == "--jobs" then
    opt[a:sub(3)] = math.tointeger(tonumber(arg[i + 1])) or error(a .. " needs an integer"); i = i + 1
  elseif a == "--noise" then opt.noise = tonumber(arg[i + 1]) or error("--noise needs a number"); i = i + 1
  elseif a == "--dir" then opt.dir = arg[i + 1]; i = i + 1
  else error("goldfeld2019.lua: unknown argument " .. a) end
  i = i + 1
end
local runs = opt.runs or (opt.quick and 1 or 3)
local epochs = opt.epochs or (opt.quick and 150 or 3000)
local sigma = opt.noise or 0.1
local nsnap = opt.quick and 6 or 16
local samples = opt.quick and 10 or 20
local root = sweep.rank() == 0
local wall0 = os.time()

-- Part A: the single neuron (no training; 20000 draws per input).
local ws = {0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10}
local neuron = {}
for k, w in ipairs(ws) do
  local rows = {}
  for j, x in ipairs{-3, -1, 1, 3} do rows[j] = {math.tanh(w * x)} end
  local s = tensor.new(rows)
  local est, se = mi.sp(s, {noise = sigma, samples = 20000, seed = 1})
  local within, close = mi.clustering(s, tensor.new{0, 0, 1, 1}, {radius = 2 * sigma})
  neuron[k] = {w = w, ixt = est, se = se, within = within, close = close}
end

-- Part B: noisy networks. MI rows: all inputs, or a fixed random subset (seed 7) in quick mode.
local d = data.tishby()
local mi_data = d
if opt.quick then
  local perm, idx = tensor.randperm(d.x:size(1), {seed = 7}), {}
  for k = 1, 512 do idx[k] = math.tointeger(perm:get(k)) end
  mi_data = d:subset(idx)
end
local results, jobs = study.run{
  grid = {noise = {sigma}}, runs = runs, epochs = epochs, jobs = opt.jobs, dir = opt.dir, quiet = not root,
  order = {"noise", "seed"}, hidden = {10, 7, 5, 4, 3}, act = "tanh", init = "truncnormal", batch = 256,
  lr = 4e-4, optim = "adam", shuffle = true, gradstats = false, snapshots = "log:" .. nsnap,
  estimators = {sp = {estimator = "sp", samples = samples, seed = 1, data = mi_data}},
  extra = function(run)
    -- clustering of the noiseless representations at every snapshot
    local ep = run:epochs()
    local S, L = ep:size(1), run:nlayers()
    local within, close = tensor.zeros(S, L), tensor.zeros(S, L)
    for s = 1, S do
      local acts = run:activations(math.tointeger(ep:get(s)), mi_data.x)
      for l = 1, L do
        local wv, cv = mi.clustering(acts[l], mi_data.y, {radius = 2 * sigma})
        within:set(s, l, wv)
        close:set(s, l, cv)
      end
    end
    return {within = within, close = close}
  end,
}
if not root then return end

-- Mean plane and clustering over the networks; per-network correlations between I(X;T) and clustering.
local planes, withins, closes = {}, {}, {}
local eps
for k, r in ipairs(results) do
  planes[k], withins[k], closes[k] = r.sp, r.extra.within, r.extra.close
  eps = r.sp_epochs
end
local plane, within, close = study.mean(planes), study.mean(withins), study.mean(closes)
local S, L = plane:size(1), plane:size(2)

-- Pearson correlation of two Lua arrays (NaN when either is constant).
local function corr(a, b)
  local n, ma, mb = #a, 0, 0
  for k = 1, n do ma, mb = ma + a[k], mb + b[k] end
  ma, mb = ma / n, mb / n
  local sab, saa, sbb = 0, 0, 0
  for k = 1, n do
    sab = sab + (a[k] - ma) * (b[k] - mb)
    saa = saa + (a[k] - ma) ^ 2
    sbb = sbb + (b[k] - mb) ^ 2
  end
  if saa == 0 or sbb == 0 then return 0 / 0 end
  return sab / math.sqrt(saa * sbb)
end
-- A correlation as text ("n/a" when undefined).
local function fmt_corr(r) return r == r and string.format("%.2f", r) or "n/a" end
local rc, rw = {}, {}
for l = 1, L do
  local a, b, c = {}, {}, {}
  for s = 1, S do a[s], b[s], c[s] = plane:get(s, l, 1), close:get(s, l), within:get(s, l) end
  rc[l], rw[l] = corr(a, b), corr(a, c)
end

-- Figure: the neuron (left), the plane (middle), clustering against epoch (right).
local fig = plot.figure{width = 2700, height = 850, rows = 1, cols = 3, fontsize = 12,
  title = string.format("Noise-injected networks (Goldfeld et al. 2019), sigma = %g: sample propagation and clustering", sigma)}
local ax = fig:axes(1, 1)
local wx, iy, wy = {}, {}, {}
for k, r in ipairs(neuron) do wx[k], iy[k], wy[k] = r.w, r.ixt, r.within end
ax:line(tensor.new(wx), tensor.new(iy), {color = "C0", label = "I(X;T) (bits)", marker = "o"})
ax:line(tensor.new(wx), tensor.new(wy), {color = "C1", style = "dashed", label = "within-class / overall distance", marker = "s"})
ax:xscale("log"); ax:xlabel("weight w"); ax:title("T = tanh(wX) + Z, X in {-3, -1, 1, 3}"); ax:legend(); ax:grid(true)
plot.infoplane(plane, {epochs = eps, ax = fig:axes(1, 2), logcolor = true,
  title = string.format("noisy 12-10-7-5-4-3-2 tanh, SP (%d draws/input), mean of %d", samples, runs)})
ax = fig:axes(1, 3)
for l = 1, L do
  local xs, ys = {}, {}
  for s = 1, S do xs[s], ys[s] = math.max(eps:get(s), 1), close:get(s, l) end
  ax:line(tensor.new(xs), tensor.new(ys), {color = ("C%d"):format(l - 1), label = ("layer %d"):format(l), marker = "o"})
end
ax:xscale("log"); ax:xlabel("epoch (0 drawn at 1)"); ax:ylabel("fraction of input pairs closer than 2 sigma")
ax:title("clustering of the noiseless representations"); ax:legend(); ax:grid(true)
fig:save("goldfeld2019.png")

-- CSV: the neuron and the network's plane with clustering.
atomic.write("goldfeld2019.csv", function(f)
  f:write("part,x,layer,ixt,ity,within,close\n")
  for _, r in ipairs(neuron) do
    f:write(string.format("neuron,%.9g,1,%.9g,nan,%.9g,%.9g\n", r.w, r.ixt, r.within, r.close))
  end
  for s = 1, S do
    for l = 1, L do
      f:write(string.format("net,%d,%d,%.9g,%.9g,%.9g,%.9g\n", eps:get(s), l, plane:get(s, l, 1), plane:get(s, l, 2),
        within:get(s, l), close:get(s, l)))
    end
  end
end, "goldfeld2019.lua")

-- Report.
local out = {}
local function w(...) out[#out + 1] = string.format(...) end
w("# Goldfeld et al. (2019): noise-injected networks, sample propagation and clustering — %s run\n\n",
  opt.quick and "QUICK (reduced)" or "full")
w("Command: `ibsh examples/goldfeld2019.lua%s` — sigma %g; %d network(s) x %d epochs; wall time %d s.\n\n",
  opt.quick and " --quick" or "", sigma, runs, epochs, os.time() - wall0)
w("## A. Single tanh neuron, X uniform on {-3, -1, 1, 3}, classes {-3, -1} and {1, 3}\n\n")
w("| w | I(X;T) bits (se) | within/overall distance | pairs closer than 2 sigma |\n|---|---|---|---|\n")
for _, r in ipairs(neuron) do w("| %g | %.3f (%.3f) | %.3f | %.3f |\n", r.w, r.ixt, r.se, r.within, r.close) end
w("\n## B. Noisy IB network on var_u\n\n")
w("- net: 12-10-7-5-4-3-2 tanh, softmax output, N(0, %g^2) added to every hidden unit in training and evaluation\n", sigma)
w("- train: Adam lr 4e-4, batch 256, reshuffled, seeded 80/20 split, %d epochs, %d log-spaced snapshots\n", epochs, nsnap)
w("- MI: mi.sp on the noiseless activations S of %s, %d draws per input, I(T;Y) by the class mixtures; the output layer is treated with the same sigma\n",
  opt.quick and "a fixed 512-input subset" or "all 4096 inputs", samples)
w("- clustering: mi.clustering of S on the same inputs (radius 2 sigma)\n\n")
w("Compression phase = from the snapshot of peak I(X;T) to the last; close = fraction of input pairs closer than 2 sigma,\n")
w("within = within-class over overall mean distance (both of the noiseless S).\n\n")
w("| layer | I(X;T) first | peak (epoch) | final | drop | close first / at peak / final | within first / at peak / final | corr over the run: I(X;T) vs close, vs within |\n")
w("|---|---|---|---|---|---|---|---|\n")
for l = 1, L do
  local best, at = -math.huge, 1
  for s = 1, S do if plane:get(s, l, 1) > best then best, at = plane:get(s, l, 1), s end end
  w("| %d | %.2f | %.2f (%d) | %.2f | %.2f | %.3f / %.3f / %.3f | %.3f / %.3f / %.3f | %s, %s |\n", l, plane:get(1, l, 1), best,
    eps:get(at), plane:get(S, l, 1), best - plane:get(S, l, 1), close:get(1, l), close:get(at, l), close:get(S, l),
    within:get(1, l), within:get(at, l), within:get(S, l), fmt_corr(rc[l]), fmt_corr(rw[l]))
end
w("\nThe last row is the softmax output. Figure: goldfeld2019.png; numbers: goldfeld2019.csv.\n")
atomic.write_text("goldfeld2019.md", table.concat(out), "goldfeld2019.lua")
print(string.format("goldfeld2019: wrote goldfeld2019.png, goldfeld2019.csv and goldfeld2019.md in %d s", os.time() - wall0))
