-- ibsh.recipes.trainsize: where the layers end in the information plane for training sets
-- from 5 % to 85 % of the data (Shwartz-Ziv & Tishby 2017, Fig. 4 (left) / mode 3 plots).
local study = require "ibsh.recipes.study"
local atomic = require "ibsh.atomic"
local sethelp = require("ibsh.core.help").set

local R = {}

-- Train the recipe's networks with study.run and summarise them.
function R.run(cfg)
  local c = {}
  for k, v in pairs(cfg or {}) do c[k] = v end
  local sizes = c.sizes or {0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85}
  c.grid = {train = sizes}
  if c.snapshots == nil then c.snapshots = {c.epochs or study.defaults.epochs} end
  local results, jobs = study.run(c)
  return R.summarise(results, jobs, sizes)
end
sethelp(R.run, "recipes.trainsize.run", [[trainsize.run(cfg) -> res

Train networks on training fractions cfg.sizes (default 0.05, 0.15, ..., 0.85; a seeded
shuffled split per seed) for every seed (cfg.runs or cfg.seeds) with study.run options,
measuring the information plane (over all of the data) at the last epoch only. res =
trainsize.summarise(results, jobs, sizes).

Example: local res = require("ibsh.recipes.trainsize").run{runs = 2, epochs = 1000, jobs = 2}]])

-- Summarise study results into the recipe's table.
function R.summarise(results, jobs, sizes)
  local by = {}
  for i, r in ipairs(results) do
    local s = jobs[i].train
    by[s] = by[s] or {planes = {}, test_acc = 0, n = 0}
    local p = r.plane
    by[s].planes[#by[s].planes + 1] = p:select(1, p:size(1))
    by[s].test_acc = by[s].test_acc + r.test_acc:get(r.test_acc:size(1))
    by[s].n = by[s].n + 1
  end
  local rows = {}
  for _, s in ipairs(sizes) do
    local b = by[s]
    rows[#rows + 1] = {train = s, runs = b.n, endpoint = study.mean(b.planes), test_acc = b.test_acc / b.n}
  end
  return {rows = rows}
end
sethelp(R.summarise, "recipes.trainsize.summarise", [[trainsize.summarise(results, jobs, sizes) -> res

Per training fraction: {train, runs, endpoint (mean L x 2 plane at the last snapshot),
test_acc (mean final test accuracy)}; res = {rows}.

Example: local res = trainsize.summarise(results, jobs, {0.05, 0.85})]])

-- Write the recipe's numbers as CSV, atomically.
function R.csv(res, path)
  atomic.write(path, function(f)
    f:write("train,runs,test_acc,layer,ixt,ity\n")
    for _, row in ipairs(res.rows) do
      for l = 1, row.endpoint:size(1) do
        f:write(string.format("%g,%d,%.6g,%d,%.6g,%.6g\n", row.train, row.runs, row.test_acc, l,
          row.endpoint:get(l, 1), row.endpoint:get(l, 2)))
      end
    end
  end, "recipes.trainsize.csv")
end
sethelp(R.csv, "recipes.trainsize.csv", [[trainsize.csv(res, path)

CSV with one line per training fraction and layer: train,runs,test_acc,layer,ixt,ity.

Example: trainsize.csv(res, "trainsize.csv")]])

-- Draw the recipe's summary figure.
function R.figure(res, opts)
  opts = opts or {}
  local fig = plot.figure{width = opts.width or 1200, height = opts.height or 900, fontsize = 14}
  local ax = fig:axes()
  local n = #res.rows
  for i, row in ipairs(res.rows) do
    local p = row.endpoint
    local ix, iy = {}, {}
    for l = 1, p:size(1) do ix[l] = p:get(l, 1); iy[l] = p:get(l, 2) end
    local r, g, b = plot.colormap(opts.cmap or "viridis", n > 1 and (i - 1) / (n - 1) or 0)
    ax:line(ix, iy, {marker = "o", color = {r, g, b}, label = string.format("%g %%", row.train * 100)})
  end
  ax:xlabel("I(X;T) (bits)")
  ax:ylabel("I(T;Y) (bits)")
  ax:title(opts.title or "layers at the last epoch, by training-set size")
  ax:legend()
  return fig, ax
end
sethelp(R.figure, "recipes.trainsize.figure", [[trainsize.figure(res [, opts]) -> fig, ax

One line through the layers' final positions per training fraction, coloured from small
(dark) to large (light). Options: cmap, title, width, height.

Example: trainsize.figure(res):save("trainsize.png")]])

return R
