-- ibsh.recipes.bound: layers against the information bottleneck bound: each layer's vertical
-- gap below the IB curve and the beta of the curve at its I(X;T), at every snapshot.
local sethelp = require("ibsh.core.help").set
local atomic = require "ibsh.atomic"

local R = {}

-- The curve's points as sorted arrays ixt[], ity[], beta[] (by I(X;T)).
local function curve_arrays(curve)
  local p = curve:points()
  local rows = {}
  for i = 1, p:size(1) do rows[i] = {p:get(i, 1), p:get(i, 2), p:get(i, 3)} end
  table.sort(rows, function(a, b) return a[2] < b[2] end)
  local beta, ixt, ity = {}, {}, {}
  -- ib.curve marks the exact T = X end with beta NaN: it is the beta -> infinity limit.
  for i, r in ipairs(rows) do beta[i], ixt[i], ity[i] = (r[1] ~= r[1]) and math.huge or r[1], r[2], r[3] end
  return beta, ixt, ity
end

-- The beta of the curve at I(X;T) = x, interpolating log beta linearly between points.
local function beta_at(beta, ixt, x)
  local n = #ixt
  if n == 0 then return 0 / 0 end
  if x <= ixt[1] then return beta[1] end
  if x >= ixt[n] then return beta[n] end
  for i = 2, n do
    if x <= ixt[i] then
      local t = (ixt[i] > ixt[i - 1]) and (x - ixt[i - 1]) / (ixt[i] - ixt[i - 1]) or 0
      local a, b = beta[i - 1], beta[i]
      if t <= 0 then return a end
      if t >= 1 then return b end
      if a == math.huge or b == math.huge then return math.huge end
      if a > 0 and b > 0 then return math.exp(math.log(a) + t * (math.log(b) - math.log(a))) end
      return a + t * (b - a)
    end
  end
  return beta[n]
end
R.beta_at = beta_at
sethelp(beta_at, "recipes.bound.beta_at", [[bound.beta_at(betas, ixts, x) -> beta

The beta at I(X;T) = x of a curve given as arrays sorted by I(X;T), log-interpolated between
neighbouring points and clamped at the ends.

Example: print(bound.beta_at({9, 2}, {1, 8}, 3))]])

-- Gap below the curve and the curve's beta for every snapshot and layer of a plane.
function R.compare(plane, curve)
  local S, L = plane:size(1), plane:size(2)
  local gap, beta = tensor.zeros(S, L), tensor.zeros(S, L)
  local cb, cx = curve_arrays(curve)
  for s = 1, S do
    for l = 1, L do
      local x, y = plane:get(s, l, 1), plane:get(s, l, 2)
      gap:set(s, l, curve:at(x) - y)
      beta:set(s, l, beta_at(cb, cx, x))
    end
  end
  return {gap = gap, beta = beta}
end
sethelp(R.compare, "recipes.bound.compare", [[bound.compare(plane, curve) -> {gap, beta}

For a [S x L x 2] information plane and an IB curve (ib.curve(d:joint()), or anything with
:points() -> n x 3 (beta, I(X;T), I(T;Y)) and :at(ixt)): gap[s][l] = curve:at(I(X;T)) - I(T;Y)
in bits (how far the layer sits below the bound; 0 on it), and beta[s][l] = the beta of the
curve at the layer's I(X;T) (log-interpolated between curve points; on the curve 1/beta is
its slope). This beta is read off the bound, not fitted to the layer's encoder: when ib
provides ib.consistency, use it for the self-consistent fit.

Example: local cmp = bound.compare(plane, ib.curve(d:joint()))]])

-- Draw the recipe's summary figure.
function R.figure(cmp, epochs, opts)
  opts = opts or {}
  local fig = plot.figure{width = opts.width or 1600, height = opts.height or 700, cols = 2, fontsize = 12,
    title = opts.title}
  local a1, a2 = fig:axes(1, 1), fig:axes(1, 2)
  local S, L = cmp.gap:size(1), cmp.gap:size(2)
  local first = (epochs:get(1) <= 0) and 2 or 1
  local x = epochs:narrow(1, first, S - first + 1)
  local drawn, lo, hi = 0, math.huge, -math.huge
  for l = 1, L do
    local g = cmp.gap:select(2, l):narrow(1, first, S - first + 1)
    local b = cmp.beta:select(2, l):narrow(1, first, S - first + 1)
    a1:line(x, g, {color = "C" .. ((l - 1) % 10), label = "layer " .. l})
    local xs, bs = {}, {}
    for k = 1, b:size(1) do
      local v = b:get(k)
      if v == v and v < math.huge then xs[#xs + 1] = x:get(k); bs[#bs + 1] = v; lo = math.min(lo, v); hi = math.max(hi, v) end
    end
    if #xs > 1 then
      a2:line(xs, bs, {color = "C" .. ((l - 1) % 10), label = "layer " .. l}); drawn = drawn + 1
    end
  end
  a1:xscale("log")
  local note = drawn < L and string.format(" (%d of %d layers infinite)", L - drawn, L) or ""
  if drawn > 0 then
    a2:xscale("log")
    if lo > 0 and hi / lo > 10 then a2:yscale("log") end
  else
    a2:xlim(0, 1); a2:ylim(0, 1)
    a2:text(0.5, 0.5, "every layer is past the bound's corner: beta = infinity", {align = "center"})
  end
  a1:xlabel("epoch"); a1:ylabel("gap below the IB bound (bits)"); a1:title("distance to the bound"); a1:legend()
  a2:xlabel("epoch"); a2:ylabel("beta of the bound at the layer's I(X;T)"); a2:title("beta over training" .. note)
  return fig, a1, a2
end
sethelp(R.figure, "recipes.bound.figure", [[bound.figure(cmp, epochs [, opts]) -> fig, ax1, ax2

Two panels against epoch (log axis; epoch 0 left out): each layer's gap below the bound, and
its beta (log axis). Options: width, height, title.

Example: bound.figure(bound.compare(plane, curve), epochs):save("bound.png")]])

-- Write the recipe's numbers as CSV, atomically.
function R.csv(cmp, epochs, path)
  atomic.write(path, function(f)
    f:write("epoch,layer,gap,beta\n")
    for s = 1, cmp.gap:size(1) do
      for l = 1, cmp.gap:size(2) do
        f:write(string.format("%d,%d,%.9g,%.9g\n", epochs:get(s), l, cmp.gap:get(s, l), cmp.beta:get(s, l)))
      end
    end
  end, "recipes.bound.csv")
end
sethelp(R.csv, "recipes.bound.csv", [[bound.csv(cmp, epochs, path)

CSV epoch,layer,gap,beta of bound.compare's result (atomically).

Example: bound.csv(cmp, epochs, "bound.csv")]])

-- A curve object (points, at) from an n x 3 tensor of (beta, I(X;T), I(T;Y)) points.
function R.from_points(pts)
  local _, ixt, ity = curve_arrays({points = function() return pts end})
  local obj = {}
  function obj.points() return pts end
  function obj.at(_, x)
    local n = #ixt
    if n == 0 then return 0 / 0 end
    if x <= ixt[1] then return ity[1] end
    if x >= ixt[n] then return ity[n] end
    for i = 2, n do
      if x <= ixt[i] then
        local w = ixt[i] > ixt[i - 1] and (x - ixt[i - 1]) / (ixt[i] - ixt[i - 1]) or 1
        return ity[i - 1] + w * (ity[i] - ity[i - 1])
      end
    end
    return ity[n]
  end
  return obj
end
sethelp(R.from_points, "recipes.bound.from_points", [[bound.from_points(points) -> curve

A curve object with :points() and :at(ixt) (linear interpolation, clamped at the ends) from an
n x 3 tensor of (beta, I(X;T), I(T;Y)) rows, e.g. curve:points() sent back from a sweep worker.

Example: local c = bound.from_points(ib.curve(d:joint()):points()); print(c:at(2))]])

-- I(T;Yhat) in bits of a layer with cluster ids (1..k) when each row's p(yhat|x) is a row of q.
local function info_pred(ids, k, q)
  local n, K = q:size(1), q:size(2)
  local count, sum, py = {}, {}, {}
  for c = 1, k do count[c] = 0; sum[c] = {} ; for j = 1, K do sum[c][j] = 0 end end
  for j = 1, K do py[j] = 0 end
  for i = 1, n do
    local c = math.tointeger(ids:get(i))
    count[c] = count[c] + 1
    for j = 1, K do local v = q:get(i, j); sum[c][j] = sum[c][j] + v; py[j] = py[j] + v / n end
  end
  local function h(p) local e = 0 for _, v in ipairs(p) do if v > 0 then e = e - v * math.log(v, 2) end end return e end
  local cond = 0
  for c = 1, k do
    if count[c] > 0 then
      local p = {}
      for j = 1, K do p[j] = sum[c][j] / count[c] end
      cond = cond + count[c] / n * h(p)
    end
  end
  return h(py) - cond
end

function R.predictive(run, d, opts)
  opts = opts or {}
  local E = opts.epoch or run:nepochs()
  local n = d.x:size(1)
  local joint = run:joint(E, d)
  local q = joint:mul(n)
  local curve = ib.curve(joint)
  local snaps = run:epochs()
  local want = opts.epochs
  if not want then
    local seen = {}
    want = {}
    local last = snaps:get(snaps:size(1))
    local m = opts.points or 15
    for k = 0, m - 1 do
      local target = k == 0 and 0 or math.exp(k / (m - 1) * math.log(math.max(1, last)))
      local best, bd = 0, math.huge
      for j = 1, snaps:size(1) do
        local e = snaps:get(j)
        if math.abs(e - target) < bd then best, bd = e, math.abs(e - target) end
      end
      if not seen[best] then seen[best] = true; want[#want + 1] = best end
    end
    table.sort(want)
  end
  local binning = opts.binning or {bins = 30, range = {-1, 1}}
  local acts0 = run:activations(want[1], d.x)
  local L = #acts0
  local plane = tensor.zeros(#want, L, 2)
  for s, e in ipairs(want) do
    local acts = s == 1 and acts0 or run:activations(e, d.x)
    for l = 1, L do
      local codes = mi.discretise(acts[l], binning)
      local ids, k = mi.row_ids(codes)
      plane:set(s, l, 1, (mi.binned(acts[l], nil, binning)))
      plane:set(s, l, 2, info_pred(ids, k, q))
    end
  end
  return {points = curve:points(), plane = plane, epochs = tensor.new(want), epoch = E}
end
sethelp(R.predictive, "recipes.bound.predictive", [[bound.predictive(run, d [, opts]) -> {points, plane, epochs, epoch}

The bound as the original authors computed it: the IB curve of the network's own predictive
joint p(x, yhat) = run:joint(epoch, d) (epoch = opts.epoch, default the last), and the layers
measured against the same variable: for each of ~opts.points (15) log-spaced snapshot epochs
(or opts.epochs), I(X;T) by binning (opts.binning, default 30 bins on [-1, 1]) and I(T;Yhat) =
H(Yhat) - sum_t p(t) H(Yhat | t) with p(yhat | t) the mean of p(yhat | x) over the inputs in
bin pattern t. plane is [epochs x layers x 2]; points are curve:points(). Compare them with
bound.compare(res.plane, bound.from_points(res.points)).

Example: local p = bound.predictive(run, data.tishby()); local cmp = bound.compare(p.plane, bound.from_points(p.points))]])

return R
