-- Lorenzen, Igel & Nielsen (2022), "Information Bottleneck: Exact Analysis of (Quantized) Neural
-- Networks": the IB network on var_u with activations quantized to 8 and 4 bits, tanh and ReLU, so
-- that I(X;T) = H(T) and I(T;Y) are computed exactly (mi.exact) at every epoch, next to ibsh's binning
-- plane of the same networks (bin width 1/15, i.e. 30 bins on [-1, 1]). Writes lorenzen2022.png,
-- lorenzen2022.csv and lorenzen2022.md into the current directory.
--
-- Usage: ibsh examples/lorenzen2022.lua [--quick] [--runs N] [--epochs E] [--jobs J] [--dir D]
-- Full mode: 5 networks per (activation, bits) x 8000 epochs (the paper averages 50), MI every epoch.
-- Quick mode: 2 networks x 300 epochs.
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
  else error("lorenzen2022.lua: unknown argument " .. a) end
  i = i + 1
end
local runs = opt.runs or (opt.quick and 2 or 5)
local epochs = opt.epochs or (opt.quick and 300 or 8000)
local root = sweep.rank() == 0
local wall0 = os.time()

local results, jobs = study.run{
  grid = {act = {"tanh", "relu"}, bits = {8, 4}}, runs = runs, epochs = epochs, jobs = opt.jobs, dir = opt.dir,
  quiet = not root, order = {"act", "bits", "seed"},
  hidden = {10, 7, 5, 4, 3}, init = "glorot_uniform", train = 0.8, batch = 0, lr = 1e-4, optim = "adam",
  shuffle = false, gradstats = false, snapshots = "every",
  estimators = {
    exact = {estimator = "exact", data = data.tishby()},
    bin = {estimator = "bin", binsize = 1 / 15, data = data.tishby()},
  },
}
if not root then return end

-- Mean planes, final accuracies and compression per configuration and estimator.
local configs = {"tanh 8", "tanh 4", "relu 8", "relu 4"}
local planes, eps, acc = {}, {}, {}
for k, job in ipairs(jobs) do
  local cfg = job.act .. " " .. job.bits
  acc[cfg] = acc[cfg] or {train = 0, test = 0, n = 0}
  local r = results[k]
  acc[cfg].train = acc[cfg].train + r.train_acc:get(r.train_acc:size(1))
  acc[cfg].test = acc[cfg].test + r.test_acc:get(r.test_acc:size(1))
  acc[cfg].n = acc[cfg].n + 1
  for _, est in ipairs{"exact", "bin"} do
    local key = cfg .. " " .. est
    planes[key] = planes[key] or {}
    table.insert(planes[key], r[est])
    eps[key] = r[est .. "_epochs"]
  end
end
local mean, comp = {}, {}
for key, list in pairs(planes) do
  mean[key] = study.mean(list)
  comp[key] = infoplane.compression(mean[key], eps[key])
end

-- Figure: exact planes (top row) and binning planes of the same networks (bottom row).
local fig = plot.figure{width = 3200, height = 1500, rows = 2, cols = 4, fontsize = 12,
  title = string.format("Quantized IB network on var_u (Lorenzen et al. 2022), mean of %d networks, %d epochs: exact MI (top), binning 1/15 (bottom)", runs, epochs)}
for k, cfg in ipairs(configs) do
  local act, bits = cfg:match("(%S+) (%S+)")
  plot.infoplane(mean[cfg .. " exact"], {epochs = eps[cfg .. " exact"], ax = fig:axes(1, k), logcolor = true,
    title = string.format("%s, %s bits, exact", act, bits)})
  plot.infoplane(mean[cfg .. " bin"], {epochs = eps[cfg .. " bin"], ax = fig:axes(2, k), logcolor = true,
    title = string.format("%s, %s bits, binning", act, bits)})
end
fig:save("lorenzen2022.png")

-- CSV of the mean planes.
atomic.write("lorenzen2022.csv", function(f)
  f:write("act,bits,estimator,epoch,layer,ixt,ity\n")
  for _, cfg in ipairs(configs) do
    local act, bits = cfg:match("(%S+) (%S+)")
    for _, est in ipairs{"exact", "bin"} do
      local p, e = mean[cfg .. " " .. est], eps[cfg .. " " .. est]
      for s = 1, p:size(1) do
        for l = 1, p:size(2) do
          f:write(string.format("%s,%s,%s,%d,%d,%.9g,%.9g\n", act, bits, est, e:get(s), l, p:get(s, l, 1), p:get(s, l, 2)))
        end
      end
    end
  end
end, "lorenzen2022.lua")

-- Report.
local out = {}
local function w(...) out[#out + 1] = string.format(...) end
w("# Lorenzen, Igel & Nielsen (2022): exact information planes of quantized networks — %s run\n\n",
  opt.quick and "QUICK (reduced)" or "full")
w("Command: `ibsh examples/lorenzen2022.lua%s` — %d networks per (activation, bits) x %d epochs; wall time %d s.\n\n",
  opt.quick and " --quick" or "", runs, epochs, os.time() - wall0)
w("## Protocol\n\n")
w("- data: var_u (4096 inputs), a seeded shuffled 80/20 split per network; MI on all 4096 inputs, p(x) uniform, every epoch\n")
w("- net: 12-10-7-5-4-3-2, Glorot-uniform weights (Keras' default, as the paper's code), biases 0, softmax output\n")
w("- train: Adam lr 1e-4, full batch, %d epochs (the paper: 8000 epochs, 50 networks)\n", epochs)
w("- quantization: every hidden activation rounded to 2^k levels, tanh on [-1, 1], ReLU on [0, 6] (clipped), the softmax output on [0, 1]; straight-through gradients\n")
w("- exact: I(X;T) = H(T), I(T;Y) plug-in over the distinct rows (mi.exact); binning: floor(t / (1/15)) per unit, unbounded range\n\n")
w("## Compression per layer (mean planes; drop = peak I(X;T) - final I(X;T), bits)\n\n")
w("| layer |")
for _, cfg in ipairs(configs) do w(" %s-bit %s exact | binning |", cfg:match("%S+ (%S+)"), cfg:match("(%S+)")) end
w("\n|---|")
for _ = 1, #configs do w("---|---|") end
w("\n")
local L = mean["tanh 8 exact"]:size(2)
for l = 1, L do
  w("| %d |", l)
  for _, cfg in ipairs(configs) do
    for _, est in ipairs{"exact", "bin"} do
      local c = comp[cfg .. " " .. est][l]
      w(" %.3f (peak %.2f at %d, final %.2f) |", c.drop, c.peak_ixt, c.peak_epoch, c.final_ixt)
    end
  end
  w("\n")
end
w("\nThe last row is the softmax output layer.\n\n## Final I(T;Y) of the output layer and accuracy\n\n")
w("| config | exact I(T;Y) output | train acc | test acc |\n|---|---|---|---|\n")
for _, cfg in ipairs(configs) do
  local p = mean[cfg .. " exact"]
  w("| %s bits | %.3f | %.3f | %.3f |\n", cfg, p:get(p:size(1), L, 2), acc[cfg].train / acc[cfg].n, acc[cfg].test / acc[cfg].n)
end
w("\nFigure: lorenzen2022.png; numbers: lorenzen2022.csv.\n")
atomic.write_text("lorenzen2022.md", table.concat(out), "lorenzen2022.lua")
print(string.format("lorenzen2022: wrote lorenzen2022.png, lorenzen2022.csv and lorenzen2022.md in %d s", os.time() - wall0))
