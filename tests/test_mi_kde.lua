-- mi.kde: Kolchinsky-Tracey bounds against the reference values, a naive Lua oracle, and bounds ordering.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local near, fails = check.close, check.fails

-- Four points 10 sigma apart in 2-D (sigma^2 = 1): lower 1.3862869, upper 1.3862944 = ln 4.
local four = tensor.new{{0, 0}, {10, 0}, {0, 10}, {10, 10}}
near(mi.kde(four, nil, {noise_var = 1, unit = "nats"}), math.log(4), 1e-7, "four points, upper")
near(mi.kde(four, nil, {noise_var = 1, unit = "nats", bound = "lower"}), 1.3862869, 1e-7, "four points, lower")
near(mi.kde(four, nil, {noise_var = 1}), 2, 1e-7, "four points, upper, bits")
-- With labels 0 0 1 1: I(T;Y) = ln 4 - (1/2 ln 2 + 1/2 ln 2) = ln 2.
local ixt, ity = mi.kde(four, tensor.new{0, 0, 1, 1}, {noise_var = 1, unit = "nats"})
near(ixt, math.log(4), 1e-7, "four points with labels, I(X;T)")
near(ity, math.log(2), 1e-7, "four points with labels, I(T;Y)")

-- Identical points: both bounds 0.
local same = tensor.new{{0.3, -0.2}, {0.3, -0.2}, {0.3, -0.2}}
near(mi.kde(same, nil, {noise_var = 1e-3}), 0, 1e-12, "identical points, upper")
near(mi.kde(same, nil, {noise_var = 1e-3, bound = "lower"}), 0, 1e-12, "identical points, lower")

-- Two points in 1-D (sigma = 1): distance -> lower, upper (exact I between them).
local two = {{1, 0.06055, 0.21907}, {2, 0.21907, 0.56622}, {4, 0.56622, 0.69281}}
for _, r in ipairs(two) do
  local t = tensor.new{{0}, {r[1]}}
  near(mi.kde(t, nil, {noise_var = 1, unit = "nats", bound = "lower"}), r[2], 1e-5, "two points at " .. r[1] .. ", lower")
  near(mi.kde(t, nil, {noise_var = 1, unit = "nats"}), r[3], 1e-5, "two points at " .. r[1] .. ", upper")
end

-- A naive O(N^2) Lua oracle on 600 rows (more than one 256-row block), 3 columns, noise 0.05.
local g = tensor.randn(600, 3, {seed = 5})
local rows = {}
for i = 1, 600 do rows[i] = {g:get(i, 1), g:get(i, 2), g:get(i, 3)} end
local function naive(idx, width)
  local n, total = #idx, 0
  for _, i in ipairs(idx) do
    local s = 0
    for _, j in ipairs(idx) do
      local dd = 0
      for c = 1, 3 do dd = dd + (rows[i][c] - rows[j][c]) ^ 2 end
      s = s + math.exp(-dd / width)
    end
    total = total - math.log(s / n)
  end
  return total / n
end
local all, c0, c1, labels = {}, {}, {}, {}
for i = 1, 600 do
  all[i] = i
  labels[i] = rows[i][1] > 0.3 and 1 or 0
  if labels[i] == 0 then c0[#c0 + 1] = i else c1[#c1 + 1] = i end
end
local s2 = 0.05
for _, b in ipairs{{"upper", 2}, {"lower", 8}} do
  local want_x = naive(all, b[2] * s2)
  local want_y = want_x - (#c0 / 600) * naive(c0, b[2] * s2) - (#c1 / 600) * naive(c1, b[2] * s2)
  ixt, ity = mi.kde(g, tensor.new(labels), {noise_var = s2, unit = "nats", bound = b[1]})
  near(ixt, want_x, 1e-9, "blocked KDE vs naive, I(X;T) " .. b[1])
  near(ity, want_y, 1e-9, "blocked KDE vs naive, I(T;Y) " .. b[1])
end

-- A wide layer (40 columns: the dgemm path) against the same oracle on 300 rows.
local wide = tensor.randn(300, 40, {seed = 8})
local wrows = {}
for i = 1, 300 do
  wrows[i] = {}
  for c = 1, 40 do wrows[i][c] = wide:get(i, c) end
end
local wsum, ws2 = 0, 4.0
for i = 1, 300 do
  local s = 0
  for j = 1, 300 do
    local dd = 0
    for c = 1, 40 do dd = dd + (wrows[i][c] - wrows[j][c]) ^ 2 end
    s = s + math.exp(-dd / (2 * ws2))
  end
  wsum = wsum - math.log(s / 300)
end
near(mi.kde(wide, nil, {noise_var = ws2, unit = "nats"}), wsum / 300, 1e-9, "wide KDE (dgemm path) vs naive")

-- lower <= upper <= ln N for several noise levels.
for _, nv in ipairs{1e-4, 1e-3, 1e-2, 0.1, 1, 10} do
  local lo = mi.kde(g, nil, {noise_var = nv, unit = "nats", bound = "lower"})
  local up = mi.kde(g, nil, {noise_var = nv, unit = "nats"})
  assert(lo >= 0 and lo <= up + 1e-12 and up <= math.log(600) + 1e-9,
    string.format("0 <= lower %g <= upper %g <= ln N at noise %g", lo, up, nv))
end

-- Bad input.
fails("noise_var must be a positive", mi.kde, four, nil, {noise_var = 0})
fails("noise_var must be a positive", mi.kde, four, nil, {noise_var = -1})
fails("bound must be", mi.kde, four, nil, {bound = "middle"})
fails("labels have 3 rows but the data have 4", mi.kde, four, tensor.new{0, 1, 0})
local bad = tensor.new{{0}, {1}}
bad:set(2, 1, 1 / 0)
fails("non-finite value", mi.kde, bad)
fails("mi.kde: argument #1 is empty", mi.kde, tensor.zeros(0, 2))

print("OK")
