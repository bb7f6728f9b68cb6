-- ibsh.recipes.depth: networks of 1..6 hidden layers: epochs needed to reach a training loss,
-- and where their layers end in the information plane (Shwartz-Ziv & Tishby 2017, Fig. 5).
local study = require "ibsh.recipes.study"
local atomic = require "ibsh.atomic"
local sethelp = require("ibsh.core.help").set

local R = {}

-- The first epoch (1-based) whose training loss is at or below target, or nil.
local function first_below(loss, target)
  for e = 1, loss:size(1) do
    if loss:get(e) <= target then return e end
  end
  return nil
end

-- The median of a Lua array of numbers (nil entries dropped); nil when empty.
local function median(v)
  local t = {}
  for _, x in pairs(v) do t[#t + 1] = x end
  if #t == 0 then return nil end
  table.sort(t)
  local m = (#t + 1) / 2
  return (t[math.floor(m)] + t[math.ceil(m)]) / 2
end
R.median = median
sethelp(median, "recipes.depth.median", [[depth.median(values) -> number or nil

The median of an array of numbers (nil for an empty array).

Example: print(depth.median({3, 1, 2}))  -- 2]])

-- Train the recipe's networks with study.run and summarise them.
function R.run(cfg)
  local c = {}
  for k, v in pairs(cfg or {}) do c[k] = v end
  local depths = c.depths or {1, 2, 3, 4, 5, 6}
  c.grid = {depth = depths}
  if c.snapshots == nil then
    local E = c.epochs or study.defaults.epochs
    c.snapshots = {E}
  end
  local results, jobs = study.run(c)
  return R.summarise(results, jobs, c.target_loss or 0.1, depths)
end
sethelp(R.run, "recipes.depth.run", [[depth.run(cfg) -> res

Train networks with depth = 1..6 hidden layers (cfg.depths; widths the first d of
cfg.depth_widths, default 10,7,5,4,3,2) for every seed (cfg.runs or cfg.seeds) with
study.run options, measuring the information plane at the last epoch only (unless
cfg.snapshots says otherwise). res = depth.summarise(results, jobs, cfg.target_loss (0.1)).

Example: local res = require("ibsh.recipes.depth").run{runs = 3, epochs = 2000, target_loss = 0.2, jobs = 2}]])

-- Summarise study results into the recipe's table.
function R.summarise(results, jobs, target, depths)
  local rows = {}
  for _, d in ipairs(depths) do rows[d] = {depth = d, epochs_to_target = {}, planes = {}, reached = 0, runs = 0} end
  for i, r in ipairs(results) do
    local row = rows[jobs[i].depth]
    row.runs = row.runs + 1
    local e = first_below(r.train_loss, target)
    if e then row.reached = row.reached + 1; row.epochs_to_target[#row.epochs_to_target + 1] = e end
    local p = r.plane
    row.planes[#row.planes + 1] = p:select(1, p:size(1))   -- L x 2 at the last snapshot
    row.final_loss = (row.final_loss or 0) + r.train_loss:get(r.train_loss:size(1)) / 1
  end
  local out = {target = target, rows = {}}
  for _, d in ipairs(depths) do
    local row = rows[d]
    row.median_epochs = median(row.epochs_to_target)
    row.endpoint = study.mean(row.planes)
    row.final_loss = row.final_loss / row.runs
    row.planes = nil
    out.rows[#out.rows + 1] = row
  end
  return out
end
sethelp(R.summarise, "recipes.depth.summarise", [[depth.summarise(results, jobs, target, depths) -> res

Per depth: {depth, runs, reached (runs whose training loss fell to target), epochs_to_target
(those runs' first such epochs), median_epochs, final_loss (mean), endpoint (mean L x 2
plane at the last snapshot)}; res = {target, rows}.

Example: local res = depth.summarise(results, jobs, 0.1, {1, 2, 3})]])

-- Write the recipe's numbers as CSV, atomically.
function R.csv(res, path)
  atomic.write(path, function(f)
    f:write("depth,runs,reached,median_epochs,final_loss,layer,ixt,ity\n")
    for _, row in ipairs(res.rows) do
      for l = 1, row.endpoint:size(1) do
        f:write(string.format("%d,%d,%d,%s,%.6g,%d,%.6g,%.6g\n", row.depth, row.runs, row.reached,
          row.median_epochs and string.format("%g", row.median_epochs) or "NA", row.final_loss, l,
          row.endpoint:get(l, 1), row.endpoint:get(l, 2)))
      end
    end
  end, "recipes.depth.csv")
end
sethelp(R.csv, "recipes.depth.csv", [[depth.csv(res, path)

CSV with one line per depth and layer: depth,runs,reached,median_epochs,final_loss,layer,ixt,ity.

Example: depth.csv(res, "depth.csv")]])

-- Draw the recipe's summary figure.
function R.figure(res, opts)
  opts = opts or {}
  local fig = plot.figure{width = opts.width or 1600, height = opts.height or 700, cols = 2, fontsize = 12,
    title = opts.title}
  local a1, a2 = fig:axes(1, 1), fig:axes(1, 2)
  local xs, ys = {}, {}
  for _, row in ipairs(res.rows) do
    if row.median_epochs then xs[#xs + 1] = row.depth; ys[#ys + 1] = row.median_epochs end
  end
  if #xs > 0 then a1:line(xs, ys, {marker = "o", color = "C0"}) end
  a1:xlabel("hidden layers")
  a1:ylabel(string.format("epochs to training loss %g (median)", res.target))
  a1:title("training time against depth")
  for i, row in ipairs(res.rows) do
    local p = row.endpoint
    local ix, iy = {}, {}
    for l = 1, p:size(1) do ix[l] = p:get(l, 1); iy[l] = p:get(l, 2) end
    a2:line(ix, iy, {marker = "o", color = "C" .. ((i - 1) % 10), label = row.depth .. " hidden"})
  end
  a2:xlabel("I(X;T) (bits)")
  a2:ylabel("I(T;Y) (bits)")
  a2:title("layers at the last epoch")
  a2:legend()
  return fig, a1, a2
end
sethelp(R.figure, "recipes.depth.figure", [[depth.figure(res [, opts]) -> fig, ax1, ax2

Two panels: median epochs to the target loss against depth, and each depth's layers at the
last epoch in the information plane. Options: width, height, title.

Example: depth.figure(res):save("depth.png")]])

return R
