-- ibsh.recipes.infoplane: the information plane averaged over many randomised networks
-- (Shwartz-Ziv & Tishby 2017, Fig. 3), with a compression summary per layer.
local study = require "ibsh.recipes.study"
local sethelp = require("ibsh.core.help").set

local R = {}

-- Train the recipe's networks with study.run and summarise them.
function R.run(cfg)
  local results, jobs = study.run(cfg)
  return R.summarise(results, jobs, cfg and cfg.plane_key)
end
sethelp(R.run, "recipes.infoplane.run", [[infoplane.run(cfg) -> res

Train cfg.runs networks (seeds 1..runs, or cfg.seeds; each its own init and shuffled split)
with study.run (options: epochs, hidden, act, train, batch, lr, mi = infoplane options, jobs,
dir, ...) and average their information planes. res = {mean = [S x L x 2], planes = one per
run, epochs, results, jobs, compression = infoplane.compression(mean, epochs)}.

Example: local res = require("ibsh.recipes.infoplane").run{runs = 4, epochs = 300, jobs = 2}]])

-- Summarise study results into the recipe's table.
function R.summarise(results, jobs, key)
  key = key or "plane"
  local planes = study.field(results, key)
  local mean = study.mean(planes)
  local epochs = results[1].epochs
  return {mean = mean, planes = planes, epochs = epochs, results = results, jobs = jobs,
    compression = R.compression(mean, epochs)}
end
sethelp(R.summarise, "recipes.infoplane.summarise", [[infoplane.summarise(results, jobs [, key]) -> res

The infoplane.run summary of study results (field key, default "plane").

Example: local res = infoplane.summarise(study.run{runs = 2, epochs = 50})]])

-- Per-layer peak and final I(X;T) of a plane, and their difference.
function R.compression(plane, epochs)
  local S, L = plane:size(1), plane:size(2)
  local out = {}
  for l = 1, L do
    local best, at = -math.huge, 1
    for s = 1, S do
      local v = plane:get(s, l, 1)
      if v > best then best, at = v, s end
    end
    local final = plane:get(S, l, 1)
    out[l] = {layer = l, peak_ixt = best, peak_epoch = epochs:get(at), final_ixt = final,
      drop = best - final, final_ity = plane:get(S, l, 2), peak_ity = plane:get(at, l, 2)}
  end
  return out
end
sethelp(R.compression, "recipes.infoplane.compression", [[infoplane.compression(plane, epochs) -> array

Per layer of a [S x L x 2] plane: {layer, peak_ixt (largest I(X;T)), peak_epoch, final_ixt,
drop = peak_ixt - final_ixt (the compression, bits), peak_ity, final_ity}. A layer compresses
when drop is clearly above the spread between runs.

Example: for _, c in ipairs(infoplane.compression(plane, epochs)) do print(c.layer, c.drop) end]])

-- Draw the recipe's summary figure.
function R.figure(res, opts)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  o.epochs = o.epochs or res.epochs
  if o.logcolor == nil then o.logcolor = true end
  return plot.infoplane(res.mean, o)
end
sethelp(R.figure, "recipes.infoplane.figure", [[infoplane.figure(res [, opts]) -> fig, ax

plot.infoplane of the mean plane (colour by log epoch unless opts.logcolor = false; any
plot.infoplane option, e.g. bound = ib.curve(d:joint()), title).

Example: infoplane.figure(res, {title = "50 networks"}):save("plane.png")]])

-- Write the recipe's numbers as CSV, atomically.
function R.csv(res, path)
  mi.save_csv(res.mean, res.epochs, path)
end
sethelp(R.csv, "recipes.infoplane.csv", [[infoplane.csv(res, path)

Write the mean plane as CSV (epoch,layer,ixt,ity), atomically.

Example: infoplane.csv(res, "plane.csv")]])

return R
