-- ibsh.recipes.snr: gradient signal-to-noise per layer against epoch, averaged over networks,
-- with the drift -> diffusion transition detected (Shwartz-Ziv & Tishby 2017, Fig. 4).
local study = require "ibsh.recipes.study"
local atomic = require "ibsh.atomic"
local sethelp = require("ibsh.core.help").set

local R = {}

-- Log-window smoothing of a Lua array v (1-based epochs): mean over [e / f, e * f].
local function smooth(v, f)
  local n, prefix = #v, {[0] = 0}
  for i = 1, n do prefix[i] = prefix[i - 1] + v[i] end
  local out = {}
  for e = 1, n do
    local lo, hi = math.max(1, math.floor(e / f)), math.min(n, math.ceil(e * f))
    out[e] = (prefix[hi] - prefix[lo - 1]) / (hi - lo + 1)
  end
  return out
end

-- The first epoch after a drift phase where the smoothed summed gradient mean stays below the summed std.
function R.transition(mean, std, opts)
  opts = opts or {}
  local f, hold = opts.window or 1.25, opts.hold or 0.2
  local E, L = mean:size(1), mean:size(2)
  local m, s = {}, {}
  for e = 1, E do
    m[e], s[e] = 0, 0
    for l = 1, L do m[e] = m[e] + mean:get(e, l); s[e] = s[e] + std:get(e, l) end
  end
  m, s = smooth(m, f), smooth(s, f)
  local drift = false   -- a transition needs a drift phase (mean above the spread) before it
  for e = 1, E do
    if m[e] >= s[e] then drift = true
    elseif drift then
      local stays, last = true, math.min(E, e + math.max(3, math.floor(hold * e)))
      for k = e, last do if m[k] >= s[k] then stays = false; break end end
      if stays then return e end
    end
  end
  return nil
end
sethelp(R.transition, "recipes.snr.transition", [[snr.transition(mean, std [, opts]) -> epoch or nil

The drift -> diffusion transition: the first epoch where the layer-summed gradient mean
(smoothed over the log window [e/window, e*window], window 1.25) falls below the summed
standard deviation and stays below for the next max(3, hold * e) epochs (hold 0.2), after a
drift phase in which it was above. mean and std are E x L tensors (epochs 1..E). nil when the
mean never falls below the spread, or is below it from the first epoch (no drift phase, as
often with ReLU: no transition to mark).

Example: local e = snr.transition(g.grad_mean, g.grad_std)]])

-- Summarise study results into the recipe's table.
function R.summarise(results, opts)
  local mean = study.mean(study.field(results, "grad_mean"))
  local std = study.mean(study.field(results, "grad_std"))
  local wn = study.mean(study.field(results, "weight_norm"))
  local E = mean:size(1)
  local epochs = tensor.arange(1, E + 1)
  if epochs:numel() ~= E then epochs = tensor.linspace(1, E, E) end
  return {epochs = epochs, mean = mean, std = std, weight_norm = wn, snr = mean:div(std),
    transition = R.transition(mean, std, opts)}
end
sethelp(R.summarise, "recipes.snr.summarise", [[snr.summarise(results [, opts]) -> s

Average the gradient statistics of study results (grad_mean, grad_std, weight_norm, E x L)
over runs: s = {epochs (1..E), mean, std, weight_norm, snr = mean / std, transition =
snr.transition(mean, std, opts)}.

Example: local s = snr.summarise(study.run{runs = 4, epochs = 500, mi = false})]])

-- Train the recipe's networks with study.run and summarise them.
function R.run(cfg)
  local c = {}
  for k, v in pairs(cfg or {}) do c[k] = v end
  if c.mi == nil then c.mi = false end
  if c.snapshots == nil then c.snapshots = "none" end
  return R.summarise((study.run(c)), cfg and cfg.transition)
end
sethelp(R.run, "recipes.snr.run", [[snr.run(cfg) -> s

Train cfg.runs networks (study.run options; no MI and no snapshots unless asked) and return
snr.summarise of their gradient statistics.

Example: local s = require("ibsh.recipes.snr").run{runs = 4, epochs = 2000, jobs = 2}]])

-- Draw the recipe's summary figure.
function R.figure(s, opts)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  o.transition = o.transition or s.transition
  return plot.snr({epochs = s.epochs, mean = s.mean, std = s.std}, o)
end
sethelp(R.figure, "recipes.snr.figure", [[snr.figure(s [, opts]) -> fig, ax

plot.snr of a summary, with the detected transition marked (any plot.snr option).

Example: snr.figure(s):save("snr.png")]])

-- Write the recipe's numbers as CSV, atomically.
function R.csv(s, path)
  atomic.write(path, function(f)
    f:write("epoch,layer,grad_mean,grad_std,snr,weight_norm\n")
    for e = 1, s.mean:size(1) do
      for l = 1, s.mean:size(2) do
        f:write(string.format("%d,%d,%.9g,%.9g,%.9g,%.9g\n", e, l, s.mean:get(e, l), s.std:get(e, l),
          s.snr:get(e, l), s.weight_norm:get(e, l)))
      end
    end
  end, "recipes.snr.csv")
end
sethelp(R.csv, "recipes.snr.csv", [[snr.csv(s, path)

Write the summary as CSV: epoch,layer,grad_mean,grad_std,snr,weight_norm (atomically).

Example: snr.csv(s, "snr.csv")]])

return R
