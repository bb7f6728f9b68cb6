-- ibsh side of scripts/bench_mi: generates the benchmark data (written as CSV for the Python peer),
-- times the ibsh estimators (best of several runs, wall clock) and writes <dir>/ibsh.txt.
local dir = assert(arg[1], "usage: ibsh bench_mi.lua DIR [ROUND]")
local round = arg[2] or "1"
local now = tensor.walltime

-- Best wall-clock time of reps runs of f and f's last results; the best CPU time goes to last_cpu.
local last_cpu
local function best(reps, f)
  local t, c, r1, r2 = math.huge, math.huge
  for _ = 1, reps do
    local t0, c0 = now(), os.clock()
    r1, r2 = f()
    local dt, dc = now() - t0, os.clock() - c0
    if dt < t then t = dt end
    if dc < c then c = dc end
  end
  last_cpu = c
  return t, r1, r2
end

-- Write an n x d tensor as CSV (full precision), unless an earlier round already wrote it.
local function save_csv(t, path)
  local old = io.open(path)
  if old then old:close(); return end
  local n, d = t:size()
  local flat = d == nil
  d = d or 1
  local f = assert(io.open(path, "w"))
  local buf = {}
  for i = 1, n do
    local row = {}
    for j = 1, d do row[j] = string.format("%.17g", flat and t:get(i) or t:get(i, j)) end
    buf[#buf + 1] = table.concat(row, ",")
  end
  f:write(table.concat(buf, "\n"), "\n")
  f:close()
end

local out = assert(io.open(dir .. "/ibsh" .. round .. ".txt", "w"))
local function report(name, seconds, value)
  out:write(string.format("%s %.6e %.17g %.6e\n", name, seconds, value or 0, last_cpu))
  io.write(string.format("  ibsh %-24s %10.3f ms (cpu %8.3f ms)   value %.6f\n", name, seconds * 1e3, last_cpu * 1e3, value or 0))
end

-- 1. One snapshot of the paper's network 12-10-7-5-4-3-2 (tanh, softmax output) on var_u's 4096 inputs,
-- with truncated-normal-like random weights of std 1/sqrt(fan_in) (seeded): six layers of activations.
local src = os.getenv("IBSH_SOURCE_DIR") or "."
local f = assert(io.open(src .. "/data/tishby_var_u.csv"))
f:read("l")
local xs, ys = {}, {}
for line in f:lines() do
  local row = {}
  for v in line:gmatch("[^,]+") do row[#row + 1] = tonumber(v) end
  ys[#ys + 1] = table.remove(row)
  xs[#xs + 1] = row
end
f:close()
local widths = {12, 10, 7, 5, 4, 3, 2}
local z = tensor.randn(200, 12, {seed = 2024})
local layers, cur = {}, xs
for l = 2, #widths do
  local fin, fout = widths[l - 1], widths[l]
  local W = {}
  for a = 1, fin do
    W[a] = {}
    for b = 1, fout do W[a][b] = 3 * z:get(l * 20 + b, a) / math.sqrt(fin) end
  end
  local nxt = {}
  for i = 1, #cur do
    local r = {}
    for b = 1, fout do
      local s = 0
      for a = 1, fin do s = s + cur[i][a] * W[a][b] end
      r[b] = s
    end
    if l < #widths then
      for b = 1, fout do r[b] = math.tanh(r[b]) end
    else
      local m = math.max(table.unpack(r))
      local e, tot = {}, 0
      for b = 1, fout do e[b] = math.exp(r[b] - m); tot = tot + e[b] end
      for b = 1, fout do r[b] = e[b] / tot end
    end
    nxt[i] = r
  end
  layers[#layers + 1] = tensor.new(nxt)
  cur = nxt
end
local y = tensor.new(ys)
save_csv(y, dir .. "/labels.csv")
for l, t in ipairs(layers) do save_csv(t, dir .. "/layer" .. l .. ".csv") end

local total = 0
local tb = best(50, function()
  local r = mi.binned_layers(layers, y, {edges = 30})
  total = 0
  for l = 1, #layers do total = total + r:get(l, 1) + r:get(l, 2) end
end)
report("binning_6_layers", tb, total)
local tcalls = best(50, function()
  total = 0
  for _, t in ipairs(layers) do
    local a, b = mi.binned(t, y, {edges = 30})
    total = total + a + b
  end
end)
report("binning_6_calls", tcalls, total)
local tb30 = best(50, function()
  for _, t in ipairs(layers) do mi.binned(t, y, {bins = 30}) end
end)
report("binning_6_layers_bins30", tb30, 0)

-- 2. KDE upper bounds of I(X;T) and I(T;Y), N = 4096, d = 10 (the first layer), noise_var = 1e-3.
local tk, kx, ky = best(3, function() return mi.kde(layers[1], y, {noise_var = 1e-3, unit = "nats"}) end)
report("kde_4096x10", tk, kx + ky)

-- 3. KSG, N = 1e4, 1-D, k = 3, rho = 0.9.
local g1, g2 = tensor.randn(10000, 1, {seed = 5}), tensor.randn(10000, 1, {seed = 6})
local yk = tensor.zeros(10000, 1)
for i = 1, 10000 do yk:set(i, 1, 0.9 * g1:get(i, 1) + math.sqrt(1 - 0.81) * g2:get(i, 1)) end
save_csv(g1, dir .. "/ksg_x.csv")
save_csv(yk, dir .. "/ksg_y.csv")
local ts, v = best(5, function() return mi.ksg(g1, yk, {k = 3, unit = "nats"}) end)
report("ksg_1e4_1d", ts, v)

-- 4. KSG, N = 1e5, 2-D x and 2-D y (two pairs at rho = 0.9; truth 1.6607 nats). No peer (sklearn is 1-D).
local h1, h2 = tensor.randn(100000, 2, {seed = 7}), tensor.randn(100000, 2, {seed = 8})
local y2 = tensor.zeros(100000, 2)
for i = 1, 100000 do
  for j = 1, 2 do y2:set(i, j, 0.9 * h1:get(i, j) + math.sqrt(0.19) * h2:get(i, j)) end
end
local t5, v5 = best(1, function() return mi.ksg(h1, y2, {k = 3, unit = "nats"}) end)
report("ksg_1e5_2d2d", t5, v5)
out:close()
