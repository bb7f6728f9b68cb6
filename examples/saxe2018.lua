-- Saxe et al. (2018), "On the information bottleneck theory of deep learning": the IB network
-- on var_u with tanh against ReLU hidden layers, each measured with fixed-width binning (bin
-- 0.07, unbounded range) and with the Kolchinsky-Tracey KDE upper bound (noise variance 1e-3),
-- side by side. Writes saxe2018.png, saxe2018.csv and saxe2018.md into the current directory.
--
-- Usage: ibsh examples/saxe2018.lua [--quick] [--runs N] [--epochs E] [--jobs J] [--dir D]
-- Full mode: 5 networks per activation x 10000 epochs (the paper averages 50), binning at every
-- logged epoch of the paper's schedule, KDE on all 4096 inputs at 30 log-spaced logged epochs.
-- Quick mode: 2 networks x 400 epochs, KDE on a fixed random 1024-input subset at 12 epochs.
local atomic = require "ibsh.atomic"
local study = require "ibsh.recipes.study"
local infoplane = require "ibsh.recipes.infoplane"

local opt = {quick = false, jobs = 2}
local i = 1
while arg and arg[i] do
  local a = arg[i]
  if a == "--quick" then opt.quick = true
  elseif a == "--runs" or a == "--epochs" or a == "--jobs" then
    opt[a:sub(3)] = math.tointeger(tonumber(arg[i + 1])) or error(a .. " needs an integer"); i = i + 1
  elseif a == "--dir" then opt.dir = arg[i + 1]; i = i + 1
  else error("saxe2018.lua: unknown argument " .. a) end
  i = i + 1
end
local runs = opt.runs or (opt.quick and 2 or 5)
local epochs = opt.epochs or (opt.quick and 400 or 10000)
local kde_points = opt.quick and 12 or 30
local root = sweep.rank() == 0
local wall0 = os.time()

local d = data.tishby()
-- KDE rows: all inputs in full mode, a fixed random subset (seed 7) in quick mode.
local kde_data = d
if opt.quick then
  local perm, idx = tensor.randperm(d.x:size(1), {seed = 7}), {}
  for k = 1, 1024 do idx[k] = math.tointeger(perm:get(k)) end
  kde_data = d:subset(idx)
end

-- The paper's logged epochs: every epoch below 20, every 5th below 100, every 20th below 2000, then every 100th.
local function logged(e)
  return e < 20 or (e < 100 and e % 5 == 0) or (e < 2000 and e % 20 == 0) or e % 100 == 0 or e == epochs
end
-- About n log-spaced epochs among the logged ones (always 0 and the last).
local function kde_epochs(run)
  local all = run:epochs()
  local list, seen = {}, {}
  local E = all:get(all:size(1))
  for k = 0, kde_points - 1 do
    local target = k == 0 and 0 or math.exp(k / (kde_points - 1) * math.log(E))
    local best, bd = 0, math.huge
    for j = 1, all:size(1) do
      local e = all:get(j)
      if math.abs(e - target) < bd then best, bd = e, math.abs(e - target) end
    end
    if not seen[best] then seen[best] = true; list[#list + 1] = best end
  end
  table.sort(list)
  return list
end

local results, jobs = study.run{
  grid = {act = {"tanh", "relu"}}, runs = runs, epochs = epochs, jobs = opt.jobs, dir = opt.dir, quiet = not root,
  order = {"act", "seed"},
  hidden = {10, 7, 5, 4, 3}, init = "truncnormal_fan_out", batch = 256, lr = 4e-4, optim = "adam", shuffle = true,
  gradstats = false,
  snapshots_fn = function() return logged end,
  estimators = {
    bin = {estimator = "bin", binsize = 0.07},
    kde = {estimator = "kde", noise_var = 1e-3, bound = "upper", data = kde_data, epochs = kde_epochs},
  },
}
if not root then return end

-- Mean planes per activation and estimator.
local planes, eps = {}, {}
for k, job in ipairs(jobs) do
  for _, est in ipairs{"bin", "kde"} do
    local key = job.act .. " " .. est
    planes[key] = planes[key] or {}
    table.insert(planes[key], results[k][est])
    eps[key] = results[k][est .. "_epochs"]
  end
end
local mean, comp = {}, {}
for key, list in pairs(planes) do
  mean[key] = study.mean(list)
  comp[key] = infoplane.compression(mean[key], eps[key])
end

-- Figure: four panels (tanh/ReLU x binning/KDE).
local names = {"tanh bin", "tanh kde", "relu bin", "relu kde"}
local titles = {"tanh, binning 0.07", "tanh, KDE upper (1e-3)", "ReLU, binning 0.07", "ReLU, KDE upper (1e-3)"}
local fig = plot.figure{width = 2400, height = 1500, rows = 2, cols = 2, fontsize = 12,
  title = string.format("Saxe et al. IB network on var_u, mean of %d networks per activation, %d epochs", runs, epochs)}
for k, key in ipairs(names) do
  plot.infoplane(mean[key], {epochs = eps[key], ax = fig:axes(k), logcolor = true, title = titles[k]})
end
fig:save("saxe2018.png")

-- CSV of the mean planes.
atomic.write("saxe2018.csv", function(f)
  f:write("act,estimator,epoch,layer,ixt,ity\n")
  for _, key in ipairs(names) do
    local act, est = key:match("(%S+) (%S+)")
    local p, e = mean[key], eps[key]
    for s = 1, p:size(1) do
      for l = 1, p:size(2) do
        f:write(string.format("%s,%s,%d,%d,%.9g,%.9g\n", act, est, e:get(s), l, p:get(s, l, 1), p:get(s, l, 2)))
      end
    end
  end
end, "saxe2018.lua")

-- Report.
local out = {}
local function w(...) out[#out + 1] = string.format(...) end
w("# Saxe et al. (2018): tanh against ReLU, binning against KDE — %s run\n\n", opt.quick and "QUICK (reduced)" or "full")
w("Command: `ibsh examples/saxe2018.lua%s` — %d networks per activation x %d epochs; wall time %d s.\n\n",
  opt.quick and " --quick" or "", runs, epochs, os.time() - wall0)
w("## Protocol (the ibsgd IB-network variant)\n\n")
w("- data: var_u, a seeded shuffled 80/20 split per network (the paper used one fixed random split)\n")
w("- net: 12-10-7-5-4-3-2 (hidden tanh or ReLU, softmax output), weights truncated normal std 1/sqrt(fan_out) as Keras' TruncatedNormal in ibsgd, biases 0\n")
w("- train: Adam lr 4e-4, batch 256, minibatches reshuffled every epoch (Keras default)\n")
w("- logged epochs: every epoch < 20, every 5th < 100, every 20th < 2000, then every 100th (snapshot e = weights after e epochs)\n")
w("- binning: floor(t / 0.07) per unit over an unbounded range (ReLU units are not clipped), all 4096 inputs, p(x) uniform, at every logged epoch\n")
w("- KDE: pairwise-KL upper bound with noise variance 1e-3, I(T;Y) as a difference of bounds, bits; on %s at %d log-spaced logged epochs\n\n",
  opt.quick and "a fixed random 1024-input subset (quick mode; the paper uses all 4096)" or "all 4096 inputs", kde_points)
w("## Compression per layer (mean planes; compression = peak I(X;T) - final I(X;T), bits)\n\n")
w("| layer | tanh bin | tanh KDE | ReLU bin | ReLU KDE |\n|---|---|---|---|---|\n")
local L = mean["tanh bin"]:size(2)
for l = 1, L do
  w("| %d |", l)
  for _, key in ipairs(names) do
    local c = comp[key][l]
    w(" %.3f (peak %.2f at %d, final %.2f) |", c.drop, c.peak_ixt, c.peak_epoch, c.final_ixt)
  end
  w("\n")
end
w("\nThe last row is the softmax output layer. Figure: saxe2018.png; numbers: saxe2018.csv.\n")
atomic.write_text("saxe2018.md", table.concat(out), "saxe2018.lua")
print(string.format("saxe2018: wrote saxe2018.png, saxe2018.csv and saxe2018.md in %d s", os.time() - wall0))
