-- Shwartz-Ziv & Tishby (2017), "Opening the black box of deep neural networks via information",
-- reproduced on var_u: (1) the information plane averaged over many randomised networks with MI
-- at every epoch, (2) gradient mean and std per layer with the drift -> diffusion transition,
-- (3) layers against the IB bound (gap and beta; needs ib.curve), (4) depth 1..6 hidden layers,
-- (5) training-set size 5 %..85 %. Writes PNGs, CSVs and tishby2017.md into the current directory.
--
-- Usage: ibsh examples/tishby2017.lua [--quick] [--runs N] [--epochs E] [--side-runs N] [--side-epochs E] [--jobs J] [--dir D]
--        mpirun -np N ibsh examples/tishby2017.lua [...]     (ranks share the networks)
-- Full mode (no --quick): 50 networks x 8000 epochs, MI at every epoch; depth and size studies
-- with 3 networks per point x 4000 epochs (--side-runs, --side-epochs). --dir keeps each
-- finished network so a killed study resumes.
local atomic = require "ibsh.atomic"
local study = require "ibsh.recipes.study"
local infoplane = require "ibsh.recipes.infoplane"
local snr = require "ibsh.recipes.snr"
local depth = require "ibsh.recipes.depth"
local trainsize = require "ibsh.recipes.trainsize"
local bound = require "ibsh.recipes.bound"

-- Command line.
local opt = {quick = false, jobs = 2}
local i = 1
while arg and arg[i] do
  local a = arg[i]
  if a == "--quick" then opt.quick = true
  elseif a == "--runs" or a == "--epochs" or a == "--jobs" or a == "--side-runs" or a == "--side-epochs" then
    opt[a:sub(3):gsub("-", "_")] = math.tointeger(tonumber(arg[i + 1])) or error(a .. " needs an integer"); i = i + 1
  elseif a == "--dir" then opt.dir = arg[i + 1]; i = i + 1
  else error("tishby2017.lua: unknown argument " .. a .. " (use --quick, --runs, --epochs, --jobs, --dir)") end
  i = i + 1
end
local runs = opt.runs or (opt.quick and 4 or 50)
local epochs = opt.epochs or (opt.quick and 300 or 8000)
local side_runs = opt.side_runs or (opt.quick and 1 or 3)
local side_epochs = opt.side_epochs or (opt.quick and 300 or math.min(epochs, 4000))
local jobs = opt.jobs
local root = sweep.rank() == 0
local function log(...) if root then io.stderr:write(string.format(...), "\n") end end
local function subdir(name) return opt.dir and (opt.dir .. "/" .. name) or nil end
local wall0 = os.time()
local timing = {}
local function timed(name, f)
  local t0 = os.time()
  local a, b = f()
  timing[#timing + 1] = {name, os.time() - t0}
  return a, b
end

local d = data.tishby()
local protocol = {
  data = "var_u (4096 inputs x 12 bits, labels 0/1), a seeded shuffled split per network (seed = network number)",
  net = "12-10-7-5-4-3-2, tanh hidden layers, softmax output; weights truncated normal std 1/sqrt(fan_in), biases 0",
  train = "Adam lr 4e-4, minibatches of 512 in a fixed contiguous order (not reshuffled), 80 % training set",
  mi = "binning: 30 equal bins on [-1, 1] per unit, T = the tuple of a layer's bin codes, over all 4096 inputs with p(x) uniform, at every epoch (snapshot e = weights after e epochs, e = 0 the initial net)",
  grads = "per epoch and layer, the norms of the mean and of the standard deviation (ddof 0) of the weight gradients over the epoch's minibatches (7 per epoch), averaged over networks",
}

-- (1) + (2): the main study: `runs` networks, MI and gradient statistics at every epoch.
log("tishby2017: %d networks x %d epochs (MI every epoch) on %d worker(s)%s", runs, epochs, jobs,
  sweep.mpi() and string.format(", MPI rank %d of %d", sweep.rank()) or "")
local main = timed("main study", function()
  return infoplane.run{runs = runs, epochs = epochs, jobs = jobs, dir = subdir("main"), quiet = not root,
    -- Network 1 also gets the bound of its own predictions (the original authors' way).
    extra = function(run, job, dd)
      if job.id == 1 and run.joint and ib and ib.curve then return bound.predictive(run, dd) end
    end}
end)
local grads = snr.summarise(main.results)

-- (3): the bound, when the ib module is available.
local curve, cmp
if ib and ib.curve then
  curve = timed("IB curve", function() return ib.curve(d:joint()) end)
  cmp = bound.compare(main.mean, curve)
end

local pred = main.results[1].extra
local cmp_pred = pred and bound.compare(pred.plane, bound.from_points(pred.points))

-- (4) depth and (5) training-set size.
local target_loss = opt.quick and 0.45 or 0.1
local deep = timed("depth study", function()
  return depth.run{runs = side_runs, epochs = side_epochs, target_loss = target_loss, jobs = jobs,
    dir = subdir("depth"), quiet = not root}
end)
local sizes = {0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85}
if opt.quick then sizes = {0.05, 0.25, 0.45, 0.65, 0.85} end
local bysize = timed("training-size study", function()
  return trainsize.run{runs = side_runs, epochs = side_epochs, sizes = sizes, jobs = jobs,
    dir = subdir("trainsize"), quiet = not root}
end)

if not root then return end   -- MPI: rank 0 writes the outputs

-- Figures and CSVs.
local title = string.format("var_u, 12-10-7-5-4-3-2 tanh, mean of %d networks, %d epochs", runs, epochs)
infoplane.figure(main, {bound = curve, title = title}):save("tishby2017_infoplane.png")
infoplane.csv(main, "tishby2017_infoplane.csv")
snr.figure(grads, {title = "gradient mean (solid) and std (dotted) per layer"}):save("tishby2017_snr.png")
snr.csv(grads, "tishby2017_snr.csv")
depth.figure(deep):save("tishby2017_depth.png")
depth.csv(deep, "tishby2017_depth.csv")
trainsize.figure(bysize):save("tishby2017_trainsize.png")
trainsize.csv(bysize, "tishby2017_trainsize.csv")
if cmp_pred then
  bound.figure(cmp_pred, pred.epochs, {title = "network 1 against the IB bound of its own predictions p(yhat|x)"}):save("tishby2017_bound_pred.png")
  bound.csv(cmp_pred, pred.epochs, "tishby2017_bound_pred.csv")
end
if cmp then
  bound.figure(cmp, main.epochs):save("tishby2017_bound.png")
  bound.csv(cmp, main.epochs, "tishby2017_bound.csv")
end

-- The report.
local out = {}
local function w(...) out[#out + 1] = string.format(...) end
local S = main.mean:size(1)
w("# Shwartz-Ziv & Tishby (2017) on var_u — %s run\n\n", opt.quick and "QUICK (reduced)" or "full")
w("Command: `ibsh examples/tishby2017.lua%s` — %d networks x %d epochs (MI at every epoch); depth and size studies: %d network(s) per point x %d epochs. Wall time %d s on %d worker(s)%s.\n\n",
  opt.quick and " --quick" or "", runs, epochs, side_runs, side_epochs, os.time() - wall0,
  sweep.mpi() and select(2, sweep.rank()) or jobs, sweep.mpi() and " (MPI ranks)" or "")
w("## Protocol (ibsh's stated variant of the original code)\n\n")
for _, k in ipairs{"data", "net", "train", "mi", "grads"} do w("- %s: %s\n", k, protocol[k]) end
w("\nThe original IDNNs code differs: no shuffling (test set = the last 819 rows), 274 log-spaced sampled epochs, 30 bin *edges* (29 intervals); the paper-era runs used full-batch Adam. See doc/findings.md.\n\n")
w("## 1. Information plane (mean of %d networks) — tishby2017_infoplane.png, .csv\n\n", runs)
w("| layer | I(X;T) epoch 0 | peak I(X;T) | at epoch | final I(X;T) | compression (bits) | final I(T;Y) |\n|---|---|---|---|---|---|---|\n")
for l, c in ipairs(main.compression) do
  w("| %d | %.3f | %.3f | %d | %.3f | %.3f | %.3f |\n", l, main.mean:get(1, l, 1), c.peak_ixt, c.peak_epoch, c.final_ixt, c.drop, c.final_ity)
end
w("\n## 2. Gradient signal and noise — tishby2017_snr.png, .csv\n\n")
w("Drift -> diffusion transition (first epoch where the layer-summed mean gradient norm falls, and stays, below the summed std; log-window smoothed): **%s**.\n\n",
  grads.transition and tostring(grads.transition) or "not reached")
w("| layer | SNR epoch 1 | SNR at %d | SNR final |\n|---|---|---|---|\n", math.min(epochs, grads.transition or epochs))
local E = grads.snr:size(1)
for l = 1, grads.snr:size(2) do
  w("| %d | %.3f | %.3f | %.3f |\n", l, grads.snr:get(1, l), grads.snr:get(math.min(E, grads.transition or E), l), grads.snr:get(E, l))
end
w("\n## 3. Layers against the IB bound — tishby2017_bound.png, .csv\n\n")
if cmp then
  w("| layer | gap epoch 0 | gap final (bits) | beta final |\n|---|---|---|---|\n")
  for l = 1, cmp.gap:size(2) do
    w("| %d | %.4f | %.4f | %.3g |\n", l, cmp.gap:get(1, l), cmp.gap:get(S, l), cmp.beta:get(S, l))
  end
  w("\nThe bound is ib.curve(d:joint()) with p(x) uniform and the data's labels; gap = curve:at(I(X;T)) - I(T;Y). beta is the bound's beta at the layer's I(X;T) (1/slope of the curve there), not a fit of the layer's encoder (binned layers are deterministic, hard encoders, for which ib.consistency's regression is degenerate). var_u's labels are a deterministic function of x, so its bound is nearly the broken line min(I(X;T), H(Y)): the gap is the informative number, beta only says on which side of the corner a layer is.\n")
else
  w("Skipped: this ibsh has no ib.curve (the IB module is not merged yet).\n")
end
if cmp_pred then
  local P = pred.plane:size(1)
  w("\n### Against the bound of the network's own predictions (network 1) — tishby2017_bound_pred.png, .csv\n\n")
  w("As the original authors: the IB curve of p(x, yhat) = run:joint(%d, d), and each layer's I(T;Yhat) (p(yhat|t) = mean of p(yhat|x) over the inputs in bin pattern t) with I(X;T) by the same binning, at %d log-spaced epochs. beta = the curve's beta at the layer's I(X;T) (inf: beyond the curve's last finite point).\n\n", pred.epoch, P)
  w("| layer | epoch 0: I(X;T), I(T;Yhat), gap | epoch %d: I(X;T), I(T;Yhat), gap, beta |\n|---|---|---|\n", pred.epochs:get(P))
  for l = 1, pred.plane:size(2) do
    w("| %d | %.2f, %.3f, %.3f | %.2f, %.3f, %.3f, %.3g |\n", l, pred.plane:get(1, l, 1), pred.plane:get(1, l, 2), cmp_pred.gap:get(1, l),
      pred.plane:get(P, l, 1), pred.plane:get(P, l, 2), cmp_pred.gap:get(P, l), cmp_pred.beta:get(P, l))
  end
end
w("\n## 4. Depth — tishby2017_depth.png, .csv\n\nEpochs to reach training loss %g (median over the networks that reached it):\n\n| hidden layers | reached | median epochs | final loss | last layer (I(X;T), I(T;Y)) |\n|---|---|---|---|---|\n", target_loss)
for _, row in ipairs(deep.rows) do
  local L = row.endpoint:size(1)
  w("| %d | %d/%d | %s | %.3f | (%.2f, %.3f) |\n", row.depth, row.reached, row.runs, row.median_epochs and tostring(row.median_epochs) or "—",
    row.final_loss, row.endpoint:get(L - 1, 1), row.endpoint:get(L - 1, 2))
end
w("\n(last layer = the last hidden layer.)\n\n## 5. Training-set size — tishby2017_trainsize.png, .csv\n\n| train | test acc | last hidden layer (I(X;T), I(T;Y)) |\n|---|---|---|\n")
for _, row in ipairs(bysize.rows) do
  local L = row.endpoint:size(1)
  w("| %g %% | %.3f | (%.2f, %.3f) |\n", row.train * 100, row.test_acc, row.endpoint:get(L - 1, 1), row.endpoint:get(L - 1, 2))
end
w("\n## Timing\n\n")
for _, t in ipairs(timing) do w("- %s: %d s\n", t[1], t[2]) end
atomic.write_text("tishby2017.md", table.concat(out), "tishby2017.lua")
print(string.format("tishby2017: wrote tishby2017_*.png, tishby2017_*.csv and tishby2017.md in %d s", os.time() - wall0))
