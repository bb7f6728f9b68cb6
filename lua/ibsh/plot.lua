-- ibsh.plot: the public plot module. The figure engine is in C (src/core/plot*.c,
-- src/lua/lplot*.c); this file adds recipes that draw whole figures from ibsh
-- objects: plot.infoplane, plot.snr, plot.metrics, plot.curve.
local M = require "ibsh.core.plot"
local help = require "ibsh.core.help"
local tensor = require "ibsh.core.tensor"

local NAN = 0 / 0

-- Is v an ibsh tensor?
local function is_tensor(v)
  if type(v) ~= "userdata" then return false end
  local mt = getmetatable(v)
  return type(mt) == "table" and mt.__name == "ibsh.Tensor"
end

-- The sizes of tensor t as a Lua array.
local function shape(t)
  return { t:size() }
end

-- A 1-d tensor, n x 1 / 1 x n tensor or Lua array of numbers as a Lua array.
local function tolist(v, what, fname)
  if type(v) == "table" then
    local out = {}
    for i = 1, #v do
      if type(v[i]) ~= "number" then error(("%s: %s[%d] must be a number"):format(fname, what, i), 3) end
      out[i] = v[i]
    end
    return out
  end
  if not is_tensor(v) then error(("%s: %s must be a tensor or an array of numbers, got %s"):format(fname, what, type(v)), 3) end
  local s, out = shape(v), {}
  if #s == 1 then
    for i = 1, s[1] do out[i] = v:get(i) end
  elseif #s == 2 and (s[2] == 1 or s[1] == 1) then
    local n = s[1] * s[2]
    for i = 1, n do out[i] = s[2] == 1 and v:get(i, 1) or v:get(1, i) end
  else
    error(("%s: %s must be 1-d (or n x 1), got a %s tensor"):format(fname, what, table.concat(s, "x")), 3)
  end
  return out
end

-- Column j of an n x k tensor as a Lua array.
local function column(t, j)
  local n = t:size(1)
  local out = {}
  for i = 1, n do out[i] = t:get(i, j) end
  return out
end

-- A tensor from a Lua array (1-d) or an array of rows (2-d).
local function totensor(a)
  if #a > 0 and type(a[1]) == "table" then
    local r, c = #a, #a[1]
    local t = tensor.zeros(r, c)
    for i = 1, r do for j = 1, c do t:set(i, j, a[i][j]) end end
    return t
  end
  local t = tensor.zeros(math.max(#a, 1))
  if #a == 0 then return {} end
  for i = 1, #a do t:set(i, a[i]) end
  return t
end

-- Reject unknown option keys, naming the function.
local function check_options(opts, known, fname)
  if opts == nil then return {} end
  if type(opts) ~= "table" then error(("%s: options must be a table, got %s"):format(fname, type(opts)), 3) end
  for k in pairs(opts) do
    if type(k) == "string" and not known[k] then
      local names = {}
      for name in pairs(known) do names[#names + 1] = name end
      table.sort(names)
      error(("%s: unknown option '%s' (known: %s)"):format(fname, k, table.concat(names, ", ")), 3)
    end
  end
  return opts
end

-- The axes to draw on: opts.ax, else a new figure sized by opts (returns fig or nil, ax).
local function target(opts, defaults)
  if opts.ax then return nil, opts.ax end
  local fig = M.figure{
    width = opts.width or defaults.width, height = opts.height or defaults.height,
    dpi = opts.dpi or 100, fontsize = opts.fontsize or defaults.fontsize,
    rows = defaults.rows, cols = defaults.cols,
  }
  return fig, defaults.rows and nil or fig:axes()
end

-- The (I(X;T), I(T;Y)) points of an IB bound: a curve with points(), or an n x 3 / n x 2 tensor.
local function bound_points(bound, fname)
  local pts = bound
  if type(bound) == "table" or (type(bound) == "userdata" and not is_tensor(bound)) then
    if type(bound.points) ~= "function" then error(fname .. ": bound must be an IB curve (with :points()) or a tensor", 3) end
    pts = bound:points()
  end
  if not is_tensor(pts) then error(fname .. ": bound:points() must return an n x 3 tensor", 3) end
  local s = shape(pts)
  if #s ~= 2 or (s[2] ~= 3 and s[2] ~= 2) then
    error(("%s: bound points must be n x 3 (beta, I(X;T), I(T;Y)) or n x 2, got %s"):format(fname, table.concat(s, "x")), 3)
  end
  local off = s[2] == 3 and 1 or 0
  local xs, ys = {}, {}
  for i = 1, s[1] do
    local x, y = pts:get(i, 1 + off), pts:get(i, 2 + off)
    if x == x and y == y and math.abs(x) ~= math.huge and math.abs(y) ~= math.huge then
      xs[#xs + 1], ys[#ys + 1] = x, y
    end
  end
  -- sort by I(X;T) so the line is monotone even if the solver's order is not
  local idx = {}
  for i = 1, #xs do idx[i] = i end
  table.sort(idx, function(a, b) return xs[a] < xs[b] end)
  local sx, sy = {}, {}
  for i, k in ipairs(idx) do sx[i], sy[i] = xs[k], ys[k] end
  return sx, sy
end

-- Mean (and standard deviation) over a list of [S x L x 2] planes, as Lua arrays [s][l][k].
local function plane_stats(planes, fname)
  local first = planes[1]
  local s = shape(first)
  if #s ~= 3 or s[3] ~= 2 then
    error(("%s: plane must be a [snapshots x layers x 2] tensor, got %s"):format(fname, table.concat(s, "x")), 3)
  end
  local S, L, R = s[1], s[2], #planes
  local mean, sd = {}, {}
  for i = 1, S do
    mean[i], sd[i] = {}, {}
    for l = 1, L do
      mean[i][l], sd[i][l] = {}, {}
      for k = 1, 2 do
        local sum, sum2, n = 0, 0, 0
        for r = 1, R do
          local v = planes[r]:get(i, l, k)
          if v == v then sum, sum2, n = sum + v, sum2 + v * v, n + 1 end
        end
        local m = n > 0 and sum / n or NAN
        mean[i][l][k] = m
        sd[i][l][k] = n > 1 and math.sqrt(math.max(sum2 / n - m * m, 0)) or 0
      end
    end
  end
  return mean, sd, S, L
end

local infoplane_known = {bound = true, epochs = true, mode = true, cmap = true, title = true, width = true,
  height = true, dpi = true, fontsize = true, ax = true, spread = true, markersize = true, linewidth = true,
  bound_label = true, colorbar = true, layer_labels = true, logcolor = true, share = true, xlim = true, ylim = true,
  vmin = true, vmax = true}

-- plot.place_labels(anchors, points, opts) -> positions
function M.place_labels(anchors, points, opts)
  local fname = "plot.place_labels"
  if type(anchors) ~= "table" or type(points) ~= "table" then error(fname .. ": anchors and points must be arrays of {x, y}", 2) end
  opts = opts or {}
  local box = opts.box or {0.03, 0.04}
  local xmin, xmax, ymin, ymax = math.huge, -math.huge, math.huge, -math.huge
  for _, list in ipairs{anchors, points} do
    for _, p in ipairs(list) do
      xmin, xmax = math.min(xmin, p[1]), math.max(xmax, p[1])
      ymin, ymax = math.min(ymin, p[2]), math.max(ymax, p[2])
    end
  end
  if opts.xlim then xmin, xmax = opts.xlim[1], opts.xlim[2] end
  if opts.ylim then ymin, ymax = opts.ylim[1], opts.ylim[2] end
  if #anchors == 0 then return {} end
  local xr, yr = math.max(xmax - xmin, 1e-9), math.max(ymax - ymin, 1e-9)
  local hw, hh = box[1] * xr / 2, box[2] * yr / 2   -- half the label box in data units
  local dirs = {{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}}
  local placed, out = {}, {}
  for k, a in ipairs(anchors) do
    local best, bestscore
    for ring = 1, 4 do
      for d, u in ipairs(dirs) do
        local cx, cy = a[1] + u[1] * ring * (hw + 0.004 * xr), a[2] + u[2] * ring * (hh + 0.004 * yr)
        local score = ring * 2 + d * 0.01
        -- drawn points and lines under the label
        for _, p in ipairs(points) do
          if math.abs(p[1] - cx) < hw and math.abs(p[2] - cy) < hh then score = score + 10 end
        end
        -- other labels
        for _, q in ipairs(placed) do
          if math.abs(q[1] - cx) < 2 * hw and math.abs(q[2] - cy) < 2 * hh then score = score + 1000 end
        end
        -- outside the data range (the axes may clip it)
        if cx - hw < xmin - 0.04 * xr or cx + hw > xmax + 0.04 * xr or cy - hh < ymin - 0.04 * yr or cy + hh > ymax + 0.04 * yr then
          score = score + 500
        end
        if not bestscore or score < bestscore then best, bestscore = {cx, cy}, score end
      end
    end
    placed[#placed + 1] = best
    out[k] = best
  end
  return out
end

help.set(M.place_labels, "plot.place_labels", [[plot.place_labels(anchors, points [, opts]) -> positions

Positions for labels near their anchor points ({x, y} each, in data units) that keep them off
the drawn points (an array of {x, y}; sample lines densely enough) and off each other: for each
anchor in turn, 32 candidate centres on rings around it are scored by the points under the label
box, overlaps with labels already placed and leaving the data range, and the nearest good one
wins. Options: box = {w, h} (the label size as fractions of the x and y ranges; default
{0.03, 0.04}), xlim, ylim ({lo, hi}: the ranges, default those of the points). plot.infoplane
numbers its layers this way.

Example: local at = plot.place_labels({{1, 1}}, {{1, 1}, {1.02, 1}}, {box = {0.05, 0.05}})]])

-- plot.infoplane(plane, opts) -> fig, ax
function M.infoplane(plane, opts)
  local fname = "plot.infoplane"
  opts = check_options(opts, infoplane_known, fname)
  local planes
  if is_tensor(plane) then planes = {plane}
  elseif type(plane) == "table" and #plane > 0 and is_tensor(plane[1]) then planes = plane
  else error(fname .. ": plane must be a [snapshots x layers x 2] tensor (or an array of them, one per run)", 2) end
  for r = 2, #planes do
    if table.concat(shape(planes[r]), "x") ~= table.concat(shape(planes[1]), "x") then
      error(fname .. ": the planes of all runs must have the same shape", 2)
    end
  end
  local mean, sd, S, L = plane_stats(planes, fname)
  local epochs
  if opts.epochs ~= nil then
    epochs = tolist(opts.epochs, "epochs", fname)
    if #epochs ~= S then error(("%s: epochs has %d values but the plane has %d snapshots"):format(fname, #epochs, S), 2) end
  else
    epochs = {}
    for i = 1, S do epochs[i] = i - 1 end
  end
  local mode = opts.mode or "epochs"
  if mode ~= "epochs" and mode ~= "layers" and mode ~= "both" then
    error(fname .. ": mode must be \"epochs\" (a line per epoch across layers, as the paper), \"layers\" (a trajectory per layer) or \"both\"", 2)
  end
  local fig, ax = target(opts, {width = 1200, height = 900, fontsize = 14})
  local cmap = opts.cmap or "gnuplot"
  local ms = opts.markersize or (S > 2000 and 3 or S > 200 and 5 or 7)
  local lw = opts.linewidth or (S > 500 and 0.5 or 1)
  local X, Y = {}, {}
  for i = 1, S do
    X[i], Y[i] = {}, {}
    for l = 1, L do X[i][l], Y[i][l] = mean[i][l][1], mean[i][l][2] end
  end
  local ev = totensor(epochs)
  if L == 1 and mode ~= "layers" then mode = "layers" end  -- one layer: a line per epoch is a single point
  if mode == "epochs" or mode == "both" then
    ax:line(totensor(X), totensor(Y), {color = ev, cmap = cmap, width = lw, marker = "o", size = ms,
      alpha = mode == "both" and 0.5 or 1, norm = opts.logcolor and "log" or nil, vmin = opts.vmin, vmax = opts.vmax})
  end
  if mode == "layers" or mode == "both" then
    for l = 1, L do
      local lx, ly = {}, {}
      for i = 1, S do lx[i], ly[i] = X[i][l], Y[i][l] end
      ax:line(totensor(lx), totensor(ly), {color = "0.6", width = 0.8})
      ax:scatter(totensor(lx), totensor(ly), {color = ev, cmap = cmap, size = ms, norm = opts.logcolor and "log" or nil,
        vmin = opts.vmin, vmax = opts.vmax})
    end
  end
  if opts.spread and #planes > 1 then
    -- error bars of I(T;Y) at the last snapshot for each layer
    local lx, ly, le = {}, {}, {}
    for l = 1, L do lx[l], ly[l], le[l] = mean[S][l][1], mean[S][l][2], sd[S][l][2] end
    ax:errorbar(totensor(lx), totensor(ly), totensor(le), {color = "black", width = 0, label = "± sd over runs (last epoch)"})
  end
  if opts.layer_labels ~= false and L <= 12 then
    -- number the layers near their last point, where the label covers no drawn point or line and no other label
    local pts, step = {}, math.max(1, (S * L) // 4000)
    for i = 1, S, step do
      for l = 1, L do
        local x, y = X[i][l], Y[i][l]
        if x == x and y == y then
          pts[#pts + 1] = {x, y}
          local nx, ny = X[i][l + 1], Y[i][l + 1]
          if mode ~= "layers" and nx and nx == nx and ny == ny then   -- points along the line to the next layer
            for k = 1, 3 do pts[#pts + 1] = {x + (nx - x) * k / 4, y + (ny - y) * k / 4} end
          end
        end
      end
    end
    local anchors, texts = {}, {}
    for l = 1, L do
      local x, y = X[S][l], Y[S][l]
      if x == x and y == y then anchors[#anchors + 1] = {x, y}; texts[#texts + 1] = tostring(l) end
    end
    local fs = (opts.fontsize or 14) * 0.75
    local fw, fh = opts.width or 1200, opts.height or 900
    local px = fs * (opts.dpi or 100) / 72   -- the labels' font size in pixels
    local at = M.place_labels(anchors, pts, {box = {(0.65 * px + 6) / (0.68 * fw), 1.3 * px / (0.75 * fh)},
      xlim = opts.xlim, ylim = opts.ylim})
    for k, p in ipairs(at) do
      ax:text(p[1], p[2], texts[k], {fontsize = fs, align = "center", valign = "center"})
    end
  end
  if opts.bound ~= nil then
    local bx, by = bound_points(opts.bound, fname)
    if #bx > 0 then
      ax:line(totensor(bx), totensor(by), {color = "black", style = "dashed", width = 1.5, label = opts.bound_label or "IB bound"})
    end
  end
  if opts.colorbar ~= false then ax:colorbar{label = "epoch"} end
  if opts.xlim then ax:xlim(opts.xlim[1], opts.xlim[2]) end
  if opts.ylim then ax:ylim(opts.ylim[1], opts.ylim[2]) end
  ax:xlabel("I(X;T) (bits)")
  ax:ylabel("I(T;Y) (bits)")
  ax:title(opts.title or (#planes > 1 and ("Information plane (mean of %d runs)"):format(#planes) or "Information plane"))
  if opts.bound ~= nil or opts.spread then ax:legend("lower right") end
  return fig, ax
end

help.set(M.infoplane, "plot.infoplane", [[plot.infoplane(plane, opts)

Draw the information plane of Shwartz-Ziv & Tishby: plane is a [snapshots x layers x 2] tensor of (I(X;T), I(T;Y)) in bits (as mi.infoplane returns), or an array of such tensors (one per run: their mean is drawn). By default each snapshot is a line through the layers' points with 'o' markers, coloured by epoch with the gnuplot colour map and a colour bar, as in the paper; layers are numbered near their last point, where the number covers no drawn point or line and no other number (plot.place_labels). Options: epochs (1-d tensor or array, one per snapshot; default 0..S-1), bound (an IB curve with :points(), drawn black dashed with a legend entry), mode ("epochs", "layers": a trajectory per layer, or "both"), cmap, logcolor (true: colour by log epoch, which spreads the early epochs of long runs), title, spread (with several runs: error bars of I(T;Y) at the last epoch), markersize, linewidth, layer_labels (false to hide), colorbar (false to hide), bound_label, xlim and ylim ({lo, hi}: fixed axis ranges), vmin and vmax (the epochs at the ends of the colour map), width, height, dpi, fontsize (default 1200 x 900 at 14 pt), ax (draw into an existing axes, e.g. one cell of a grid to put estimators side by side). Returns fig (nil with opts.ax) and ax.

Example: local fig = plot.infoplane(plane, {bound = curve, epochs = epochs}); fig:save("infoplane.png")]])

-- plot.infoplanes(planes, opts) -> fig, axes
function M.infoplanes(planes, opts)
  local fname = "plot.infoplanes"
  opts = opts or {}
  if type(opts) ~= "table" then error(fname .. ": options must be a table", 2) end
  if type(planes) ~= "table" or is_tensor(planes) then
    error(fname .. ": planes must be an array of [snapshots x layers x 2] tensors (or of arrays of them, one per run)", 2)
  end
  local list, titles = {}, {}
  for i, p in ipairs(planes) do list[i] = p; titles[i] = opts.titles and opts.titles[i] or nil end
  if #list == 0 then
    local names = {}
    for k in pairs(planes) do if type(k) == "string" then names[#names + 1] = k end end
    table.sort(names)
    for i, k in ipairs(names) do list[i] = planes[k]; titles[i] = k end
  end
  if #list == 0 or #list > 8 then error(fname .. ": give 1 to 8 planes", 2) end
  local fig = M.figure{width = opts.width or 620 * #list, height = opts.height or 560, dpi = opts.dpi or 100,
    fontsize = opts.fontsize or 12, cols = #list, title = opts.title}
  -- shared limits so the panels compare at a glance
  local xmin, xmax, ymin, ymax = math.huge, -math.huge, math.huge, -math.huge
  for _, p in ipairs(list) do
    for _, t in ipairs(is_tensor(p) and {p} or p) do
      local s = shape(t)
      for i = 1, s[1] do
        for l = 1, s[2] do
          local x, y = t:get(i, l, 1), t:get(i, l, 2)
          if x == x and y == y then
            xmin, xmax = math.min(xmin, x), math.max(xmax, x)
            ymin, ymax = math.min(ymin, y), math.max(ymax, y)
          end
        end
      end
    end
  end
  local axes = {}
  for i, p in ipairs(list) do
    local o = {}
    for k, v in pairs(opts) do
      if k ~= "titles" and k ~= "width" and k ~= "height" and k ~= "dpi" and k ~= "title" then o[k] = v end
    end
    o.ax = fig:axes(1, i)
    o.title = titles[i] or ("estimator " .. i)
    o.fontsize = opts.fontsize or 12
    M.infoplane(p, o)
    if xmax > xmin and ymax > ymin and opts.share ~= false then
      local mx, my = 0.05 * (xmax - xmin), 0.05 * (ymax - ymin)
      o.ax:xlim(xmin - mx, xmax + mx)
      o.ax:ylim(ymin - my, ymax + my)
    end
    axes[i] = o.ax
  end
  return fig, axes
end

help.set(M.infoplanes, "plot.infoplanes", [[plot.infoplanes(planes, opts)

Several information planes side by side (e.g. one per estimator), with shared limits: planes is an array of [snapshots x layers x 2] tensors (or of arrays of them, one per run), or a table name -> plane (panels sorted by name, titled by it). Options: titles (one per panel), share (false: each panel its own limits), title (over the figure), width, height, dpi, fontsize, and every plot.infoplane option (bound, epochs, mode, cmap, logcolor, ...). Returns fig and the array of axes.

Example: plot.infoplanes({binning = p1, kde = p2}, {bound = curve, epochs = epochs}):save("estimators.png")]])

-- Values of v (tensor or array) with the positive epochs only, as parallel Lua arrays.
local function positive_series(ep, ys)
  local xs, out = {}, {}
  for i = 1, #ep do
    if ep[i] > 0 and ys[i] == ys[i] and ys[i] > 0 then xs[#xs + 1], out[#out + 1] = ep[i], ys[i] end
  end
  return xs, out
end

-- plot.snr(run_or_stats, opts) -> fig, ax
function M.snr(run, opts)
  local fname = "plot.snr"
  opts = check_options(opts, {title = true, width = true, height = true, dpi = true, fontsize = true, ax = true,
    transition = true, layers = true, normalize = true}, fname)
  local st = run
  if type(run) ~= "table" or (run.mean == nil and run.grad_mean == nil) then
    local ok, gs = pcall(function() return run:gradstats() end)
    if not ok or type(gs) ~= "table" then
      error(fname .. ": expected a run with :gradstats() or a table {epochs = tensor, mean = tensor [epochs x layers], std = tensor [epochs x layers]}", 2)
    end
    st = gs
  end
  -- accept the nn run's names (grad_mean, grad_std, weight_norm; epochs 1..E) as well as mean/std/epochs
  local mean, sd = st.mean or st.grad_mean, st.std or st.grad_std
  if not (is_tensor(mean) and is_tensor(sd)) then
    error(fname .. ": gradient statistics need mean [epochs x layers] and std [epochs x layers] tensors", 2)
  end
  local ms, ss = shape(mean), shape(sd)
  local ep
  if st.epochs ~= nil or st.epoch ~= nil then ep = tolist(st.epochs or st.epoch, "epochs", fname)
  else
    ep = {}
    for i = 1, ms[1] or 0 do ep[i] = i end
  end
  if #ms ~= 2 or ms[1] ~= #ep or table.concat(ms, "x") ~= table.concat(ss, "x") then
    error(("%s: mean and std must both be %d x layers, got %s and %s"):format(fname, #ep, table.concat(ms, "x"), table.concat(ss, "x")), 2)
  end
  if opts.normalize then
    local wn = st.weight_norm
    if not is_tensor(wn) or table.concat(shape(wn), "x") ~= table.concat(ms, "x") then
      error(fname .. ": normalize needs weight_norm [epochs x layers] in the gradient statistics", 2)
    end
    local nm, ns = tensor.zeros(ms[1], ms[2]), tensor.zeros(ms[1], ms[2])
    for i = 1, ms[1] do
      for l = 1, ms[2] do
        local w = wn:get(i, l)
        nm:set(i, l, mean:get(i, l) / w)
        ns:set(i, l, sd:get(i, l) / w)
      end
    end
    mean, sd = nm, ns
  end
  st = {mean = mean, std = sd}
  local fig, ax = target(opts, {width = 1000, height = 700, fontsize = 12})
  ax:loglog()
  local L = ms[2]
  local total_m, total_s = {}, {}
  for i = 1, #ep do total_m[i], total_s[i] = 0, 0 end
  for l = 1, L do
    local m, s = column(st.mean, l), column(st.std, l)
    for i = 1, #ep do total_m[i], total_s[i] = total_m[i] + m[i], total_s[i] + s[i] end
    local color = ("C%d"):format((l - 1) % 10)
    local x1, y1 = positive_series(ep, m)
    local x2, y2 = positive_series(ep, s)
    local name = opts.layers and opts.layers[l] or ("layer " .. l)
    if #x1 > 0 then ax:line(totensor(x1), totensor(y1), {color = color, width = 1.5, label = name}) end
    if #x2 > 0 then ax:line(totensor(x2), totensor(y2), {color = color, width = 1.5, style = "dotted"}) end
  end
  ax:line({}, {}, {color = "black", width = 1.5, label = "mean"})
  ax:line({}, {}, {color = "black", width = 1.5, style = "dotted", label = "std"})
  local transition = opts.transition
  if transition == nil then
    -- the first epoch where the summed means fall below the summed stds after a drift phase (means above stds);
    -- a run whose means never exceed the stds (often ReLU) has no transition to mark
    local drift = false
    for i = 1, #ep do
      if ep[i] > 0 and total_m[i] == total_m[i] and total_s[i] == total_s[i] then
        if total_m[i] >= total_s[i] then drift = true
        elseif drift then transition = ep[i]; break end
      end
    end
  end
  local emin, emax, ymax = math.huge, -math.huge, -math.huge
  for i = 1, #ep do
    if ep[i] > 0 then emin, emax = math.min(emin, ep[i]), math.max(emax, ep[i]) end
    for l = 1, L do
      local v = st.mean:get(i, l)
      if ep[i] > 0 and v == v and v > ymax then ymax = v end
    end
  end
  if transition and transition > 0 then
    ax:vline(transition, {color = "0.5", width = 1.5})
    if ymax > 0 then
      -- the label goes on the side of the line with more room, so the axes do not clip it
      local left_room = emax > emin and (math.log(transition) - math.log(emin)) / (math.log(emax) - math.log(emin)) or 0
      if left_room > 0.5 then
        ax:text(transition, ymax, "drift \u{2192} diffusion  ", {color = "0.3", align = "right", valign = "top"})
      else
        ax:text(transition, ymax, "  drift \u{2192} diffusion", {color = "0.3", align = "left", valign = "top"})
      end
    end
  else   -- said in the legend, where it neither hides data nor gets clipped
    ax:line({}, {}, {color = "0.5", width = 1.5, label = "no drift \u{2192} diffusion transition found"})
  end
  ax:xlabel("epoch")
  ax:ylabel(opts.normalize and "gradient norm / weight norm" or "gradient norm")
  ax:title(opts.title or "Gradient mean (solid) and standard deviation (dotted)")
  ax:legend()
  return fig, ax, transition
end

help.set(M.snr, "plot.snr", [[plot.snr(run_or_stats, opts)

Gradient signal-to-noise figure (Shwartz-Ziv & Tishby, Fig. 4): per layer, the norm of the mean gradient (solid) and its standard deviation (dotted) against epoch, log-log, with a grey vertical line at the drift-to-diffusion transition (opts.transition, or the first epoch where the summed means fall below the summed stds after a drift phase in which they were above); the label sits on the side of the line with more room. A run with no drift phase (means never above the stds, as often with ReLU) or no crossing gets the legend entry "no drift → diffusion transition found" instead of a line. The argument is a run with :gradstats() (its grad_mean, grad_std, weight_norm tensors, epochs 1..E) or a table {epochs = 1-d tensor, mean = [epochs x layers], std = [epochs x layers]}. Epochs <= 0 are left out (log axis). Options: normalize (divide by each layer's weight norm, as the paper-era figure), transition, layers (names), title, width, height, dpi, fontsize, ax. Returns fig, ax and the transition epoch (nil when none was found).

Example: plot.snr({epochs = e, mean = m, std = s}):save("snr.png")]])

-- plot.metrics(run, opts) -> fig, ax_loss, ax_acc
function M.metrics(run, opts)
  local fname = "plot.metrics"
  opts = check_options(opts, {title = true, width = true, height = true, dpi = true, fontsize = true}, fname)
  local m = run
  if type(run) ~= "table" or run.epoch == nil then
    local ok, r = pcall(function() return run:metrics() end)
    if not ok or type(r) ~= "table" then error(fname .. ": expected a run with :metrics() or a table of 1-d tensors {epoch, train_loss, train_acc, test_loss, test_acc}", 2) end
    m = r
  end
  if m.epoch == nil then error(fname .. ": metrics need an epoch tensor", 2) end
  local ep = tolist(m.epoch, "epoch", fname)
  local fig = M.figure{width = opts.width or 1200, height = opts.height or 500, dpi = opts.dpi or 100,
    fontsize = opts.fontsize or 11, cols = 2, title = opts.title}
  local axl, axa = fig:axes(1, 1), fig:axes(1, 2)
  -- Draw one metric if it has finite values (NaN entries are left out quietly).
  local function draw(ax, key, label, color, style)
    if m[key] == nil then return end
    local v = tolist(m[key], key, fname)
    if #v ~= #ep then error(("%s: %s has %d values but epoch has %d"):format(fname, key, #v, #ep), 3) end
    local xs, ys = {}, {}
    for i = 1, #ep do if v[i] == v[i] then xs[#xs + 1], ys[#ys + 1] = ep[i], v[i] end end
    if #xs > 0 then ax:line(totensor(xs), totensor(ys), {color = color, style = style, label = label}) end
  end
  draw(axl, "train_loss", "train", "C0")
  draw(axl, "test_loss", "test", "C1", "dashed")
  draw(axa, "train_acc", "train", "C0")
  draw(axa, "test_acc", "test", "C1", "dashed")
  axl:xlabel("epoch"); axl:ylabel("cross-entropy loss"); axl:title("Loss"); axl:legend(); axl:grid(true)
  axa:xlabel("epoch"); axa:ylabel("accuracy"); axa:title("Accuracy"); axa:legend(); axa:grid(true)
  return fig, axl, axa
end

help.set(M.metrics, "plot.metrics", [[plot.metrics(run, opts)

Training curves: loss (left) and accuracy (right) against epoch for the train and test sets, from run:metrics() (or a table of 1-d tensors {epoch, train_loss, train_acc, test_loss, test_acc}); NaN entries (no test set) are left out. Options: title, width, height, dpi, fontsize. Returns fig, ax_loss, ax_acc.

Example: plot.metrics(run):save("metrics.png")]])

-- plot.curve(curve_or_list, opts) -> fig, ax
function M.curve(curve, opts)
  local fname = "plot.curve"
  opts = check_options(opts, {title = true, width = true, height = true, dpi = true, fontsize = true, ax = true,
    labels = true, hy = true, markers = true}, fname)
  local curves = curve
  if is_tensor(curve) or (type(curve) ~= "table") or type(curve.points) == "function" then curves = {curve} end
  local fig, ax = target(opts, {width = 900, height = 700, fontsize = 12})
  for i, c in ipairs(curves) do
    local bx, by = bound_points(c, fname)
    local label = opts.labels and opts.labels[i] or (#curves > 1 and ("curve " .. i) or "IB curve")
    ax:line(totensor(bx), totensor(by), {color = ("C%d"):format((i - 1) % 10), label = label,
      marker = opts.markers ~= false and "o" or nil, size = 4})
  end
  if opts.hy then ax:hline(opts.hy, {style = "dashed", label = "H(Y)"}) end
  ax:xlabel("I(X;T) (bits)")
  ax:ylabel("I(T;Y) (bits)")
  ax:title(opts.title or "Information bottleneck curve")
  ax:legend("lower right")
  ax:grid(true)
  return fig, ax
end

help.set(M.curve, "plot.curve", [[plot.curve(curve, opts)

Draw IB curves: I(T;Y) against I(X;T) in bits from curve:points() (or an n x 3 tensor of beta, I(X;T), I(T;Y)); curve may be an array of curves. Options: labels (one per curve), hy (draw H(Y) as a dashed line), markers (false to hide), title, width, height, dpi, fontsize, ax. Returns fig, ax.

Example: plot.curve(ib.curve(d:joint()), {hy = 1}):save("curve.png")]])

-- plot.animate and its animation objects live in ibsh.plot_animate.
require("ibsh.plot_animate")(M)

return M
