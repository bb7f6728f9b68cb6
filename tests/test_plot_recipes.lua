-- Recipe checks with synthetic inputs: plot.infoplane (with a fake IB curve), plot.snr, plot.metrics, plot.curve.
local plot = require "ibsh.plot"
local tensor = require "ibsh.tensor"

local tmp = os.tmpname()
os.remove(tmp)
local png = tmp .. ".png"

local function rgb(img, row, col) return img:get(row, col, 1), img:get(row, col, 2), img:get(row, col, 3) end

-- A synthetic information plane: S snapshots x L layers x 2, and its epochs.
local function synthetic(S, L, shift)
  local plane, epochs = tensor.zeros(S, L, 2), tensor.zeros(S)
  for i = 1, S do
    local t = (i - 1) / math.max(S - 1, 1)
    epochs:set(i, (i - 1) * 10)
    for l = 1, L do
      plane:set(i, l, 1, 12 - 2 * (l - 1) - 2 * t * (l - 1) / L + (shift or 0))
      plane:set(i, l, 2, (0.3 + 0.6 * t) * (1 - 0.05 * l))
    end
  end
  return plane, epochs
end

-- A fake IB curve: points() gives (beta, I(X;T), I(T;Y)) with I(T;Y) = min(I(X;T), 1).
local pts = tensor.zeros(25, 3)
for i = 1, 25 do
  local x = (i - 1) / 24 * 12
  pts:set(i, 1, 100 / (i + 1)); pts:set(i, 2, x); pts:set(i, 3, math.min(x, 1))
end
local curve = {points = function() return pts end}

-- infoplane: figure size, the bound is black where expected, the epoch colours run along the gnuplot map.
do
  local plane, epochs = synthetic(30, 6)
  local fig, ax = plot.infoplane(plane, {bound = curve, epochs = epochs})
  assert(tostring(fig):match("ibsh.Figure") and tostring(ax):match("ibsh.Axes"), "returns fig, ax")
  fig:save(png)
  local img = plot.readpng(png)
  local h, w = img:size()
  assert(h == 900 and w == 1200, "default size 1200 x 900")
  -- the bound's flat part (I(T;Y) = 1 at I(X;T) = 6) is drawn in black (dashes: look along a few pixels)
  local bx, by = ax:topixel(6, 1)
  local dark = 0
  for dx = -12, 12 do
    local r, g, b = rgb(img, math.floor(by) + 1, math.floor(bx) + 1 + dx)
    if r < 80 and g < 80 and b < 80 then dark = dark + 1 end
  end
  assert(dark >= 6, "bound drawn black and dashed at (6, 1): " .. dark)
  -- the last snapshot's first-layer marker is the gnuplot colour of the top of the range (yellow)
  local mx, my = ax:topixel(plane:get(30, 1, 1), plane:get(30, 1, 2))
  local r, g, b = rgb(img, math.floor(my) + 1, math.floor(mx) + 1)
  assert(r > 230 and g > 200 and b < 60, ("last epoch is yellow: %d %d %d"):format(r, g, b))
  -- the first snapshot is black (gnuplot(0))
  mx, my = ax:topixel(plane:get(1, 3, 1), plane:get(1, 3, 2))
  r, g, b = rgb(img, math.floor(my) + 1, math.floor(mx) + 1)
  assert(r < 40 and g < 40 and b < 40, ("first epoch is black: %d %d %d"):format(r, g, b))
  os.remove(png)
end

-- infoplane variants: per-layer trajectories, several runs with spread, side by side in a grid, SVG.
do
  local p1 = synthetic(20, 5)
  local p2 = synthetic(20, 5, 0.2)
  local fig = plot.infoplane({p1, p2}, {mode = "layers", spread = true, bound = pts})
  fig:save(png)
  local grid = plot.figure{width = 1400, height = 600, cols = 2, fontsize = 12}
  plot.infoplane(p1, {ax = grid:axes(1, 1), title = "binning"})
  plot.infoplane(p2, {ax = grid:axes(1, 2), title = "KDE", mode = "both", cmap = "viridis"})
  grid:save(tmp .. ".svg")
  assert(os.execute("xmllint --noout " .. tmp .. ".svg"), "infoplane SVG is well-formed")
  os.remove(tmp .. ".svg")
  local sbs, axs = plot.infoplanes({binning = p1, kde = p2}, {bound = curve})
  assert(#axs == 2, "two panels")
  local l1, h1 = axs[1]:xlim()
  local l2, h2 = axs[2]:xlim()
  assert(l1 == l2 and h1 == h2, "shared limits")
  sbs:save(png)
  -- Lua arrays and n x 1 epochs are accepted
  local ep = tensor.zeros(20, 1)
  for i = 1, 20 do ep:set(i, 1, i) end
  plot.infoplane(p1, {epochs = ep}):save(png)
  plot.infoplane((synthetic(10, 1))):save(png)     -- a single layer
  plot.infoplane((synthetic(1, 4))):save(png)      -- a single snapshot
  local ok, err = pcall(plot.infoplane, p1, {epochs = {1, 2, 3}})
  assert(not ok and err:find("plot.infoplane: epochs has 3 values"), "epochs length checked: " .. tostring(err))
  ok, err = pcall(plot.infoplane, tensor.zeros(3, 3))
  assert(not ok and err:find("plot.infoplane"), "shape checked")
  ok, err = pcall(plot.infoplane, p1, {bound = {}})
  assert(not ok and err:find("bound"), "bad bound rejected")
  os.remove(png)
end

-- snr: log-log axes, epoch 0 left out quietly, the transition marked.
do
  local E, L = 40, 3
  local epochs, mean, sd = tensor.zeros(E), tensor.zeros(E, L), tensor.zeros(E, L)
  for i = 1, E do
    local e = (i - 1) * 25
    epochs:set(i, e)
    for l = 1, L do
      mean:set(i, l, 1 / (1 + e / 100) / l)
      sd:set(i, l, 0.1 / l)
    end
  end
  local fig, ax, found = plot.snr({epochs = epochs, mean = mean, std = sd})
  fig:save(png)
  assert(found == 925, "the transition after the drift phase: " .. tostring(found))
  -- no drift phase (means below the stds from the start, as often with ReLU): no transition is marked
  local flat = mean * 0.01
  local _, _, none = plot.snr({epochs = epochs, mean = flat, std = sd})
  assert(none == nil, "no transition without a drift phase, got " .. tostring(none))
  -- a transition early on the log axis puts its label to the right of the line (rendered without error)
  local early = mean:clone()
  for i = 1, E do for l = 1, L do if i > 2 then early:set(i, l, 0.01 / l) end end end
  local _, _, e2 = plot.snr({epochs = epochs, mean = early, std = sd})
  assert(e2 == 50, "early transition " .. tostring(e2))
  local lo, hi = ax:xlim()
  assert(lo > 0 and hi > 900, "log x axis over the epochs")
  local run = {gradstats = function() return {epochs = epochs, mean = mean, std = sd} end}
  plot.snr(run, {transition = 300}):save(png)
  assert(not pcall(plot.snr, {epochs = epochs, mean = mean}), "std required")
  -- the nn run's names: grad_mean, grad_std, weight_norm, epochs 1..E; normalised by the weight norm
  local wn = tensor.zeros(E, L)
  for i = 1, E do for l = 1, L do wn:set(i, l, 2) end end
  local nnrun = {gradstats = function() return {grad_mean = mean, grad_std = sd, weight_norm = wn} end}
  local f2, a2 = plot.snr(nnrun, {normalize = true})
  f2:save(png)
  local ylo, yhi = a2:ylim()
  assert(yhi < 0.6 and yhi > 0.4, "normalised by the weight norm: top " .. yhi)
  os.remove(png)
end

-- metrics: two panels, NaN test values left out.
do
  local E = 20
  local m = {epoch = tensor.zeros(E), train_loss = tensor.zeros(E), train_acc = tensor.zeros(E),
             test_loss = tensor.zeros(E), test_acc = tensor.zeros(E)}
  for i = 1, E do
    m.epoch:set(i, i); m.train_loss:set(i, 1 / i); m.train_acc:set(i, 1 - 0.5 / i)
    m.test_loss:set(i, 0 / 0); m.test_acc:set(i, 0 / 0)
  end
  local fig, al, aa = plot.metrics({metrics = function() return m end})
  fig:save(png)
  local lo, hi = aa:ylim()
  assert(lo < 0.5 and hi > 0.95, "accuracy range")
  os.remove(png)
end

-- curve: one or several curves, H(Y) line.
do
  local fig, ax = plot.curve({curve, pts}, {labels = {"fake", "tensor"}, hy = 1})
  fig:save(png)
  local lo, hi = ax:ylim()
  assert(lo <= 0 and hi >= 1, "curve range")
  os.remove(png)
end

-- layer labels: three labels at one point do not overlap; a label avoids the points around its anchor
do
  local anchors = {{10, 1}, {10, 1}, {10, 1}}
  local pts = {}
  for i = 0, 100 do pts[#pts + 1] = {i / 10, i / 100} end   -- a line from (0, 0) to (10, 1)
  local box = {0.04, 0.05}
  local at = plot.place_labels(anchors, pts, {box = box})
  local hw, hh = box[1] * 10 / 2, box[2] * 1 / 2
  for i = 1, 3 do
    for j = i + 1, 3 do
      local apart = math.abs(at[i][1] - at[j][1]) >= 2 * hw or math.abs(at[i][2] - at[j][2]) >= 2 * hh
      assert(apart, ("labels %d and %d overlap"):format(i, j))
    end
    for _, p in ipairs(pts) do
      assert(not (math.abs(p[1] - at[i][1]) < hw and math.abs(p[2] - at[i][2]) < hh), "label " .. i .. " covers the line")
    end
    local dist = math.abs(at[i][1] - 10) / 10 + math.abs(at[i][2] - 1)
    assert(dist < 0.3, "label " .. i .. " stays near its point")
  end
  assert(#plot.place_labels({}, pts) == 0)
end
print("OK")
