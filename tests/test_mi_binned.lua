-- mi.binned: hand-computed tables, var_u's I(X;Y), bin edges, repeated inputs, bad input.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local U = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/mi_util.lua")
local near, fails = check.close, check.fails

-- 1. Four rows, two units, default 30 bins on [-1, 1].
-- Rows 1 and 2 fall in the same bins, rows 3 and 4 are alone: p(t) = (1/2, 1/4, 1/4),
-- H(T) = 1/2*1 + 2 * 1/4*2 = 1.5 bits = I(X;T) (every row is its own x).
-- y = 0 0 1 1: H(T|y=0) = 0 (both rows in one bin), H(T|y=1) = 1 bit, H(T|Y) = 0.5, I(T;Y) = 1.0.
local t = tensor.new{{0.1, 0.2}, {0.1, 0.2}, {0.5, -0.5}, {-0.9, 0.9}}
local y = tensor.new{0, 0, 1, 1}
local ixt, ity = mi.binned(t, y)
near(ixt, 1.5, 1e-12, "4-row I(X;T)")
near(ity, 1.0, 1e-12, "4-row I(T;Y)")
ixt, ity = mi.binned(t, y, {unit = "nats"})
near(ixt, 1.5 * math.log(2), 1e-12, "4-row I(X;T) nats")
near(ity, math.log(2), 1e-12, "4-row I(T;Y) nats")

-- 2. Eight rows, one unit, 2 bins on [-1, 1]: negative -> bin 0, non-negative -> bin 1.
-- t codes 0 0 0 1 1 1 1 0 -> p(t) = (1/2, 1/2): H(T) = 1 bit.
-- y = 0 0 0 0 1 1 1 1: given y = 0 the codes are 0 0 0 1 -> h(1/4) = 0.811278 bits, same given y = 1,
-- so I(T;Y) = 1 - 0.8112781245 = 0.1887218755.
local t8 = tensor.new{-0.5, -0.5, -0.2, 0.3, 0.7, 0.9, 0.1, -0.9}
local y8 = tensor.new{0, 0, 0, 0, 1, 1, 1, 1}
ixt, ity = mi.binned(t8, y8, {bins = 2})
near(ixt, 1.0, 1e-12, "8-row I(X;T)")
near(ity, 1 - 0.8112781244591328, 1e-12, "8-row I(T;Y)")
-- The same with three labels (0, 1, 7) and a column-vector label tensor.
local y3 = tensor.new{{0}, {0}, {1}, {1}, {7}, {7}, {7}, {7}}
-- codes by label: y=0 -> 0 0 (H 0), y=1 -> 0 1 (H 1), y=7 -> 1 1 1 0 (H 0.811278)
-- H(T|Y) = 2/8*0 + 2/8*1 + 4/8*0.811278 = 0.655639; I = 1 - 0.655639 = 0.344361
ixt, ity = mi.binned(t8, y3, {bins = 2})
near(ity, 1 - (0.25 + 0.5 * 0.8112781244591328), 1e-12, "8-row three-label I(T;Y)")

-- 3. Bin edges: values at or above the top go to the top bin, below the bottom to the bottom bin.
local codes = mi.discretise(tensor.new{{-3, -1, -0.99, 0, 0.99, 1, 1.5}})
local want = {0, 0, 0, 15, 29, 29, 29}
for j, w in ipairs(want) do assert(codes:get(1, j) == w, "30 bins: code of column " .. j .. " is " .. codes:get(1, j)) end
-- Original code (30 edges = 29 intervals): digitize index, values < -1 wrap round to the top code 30.
codes = mi.discretise(tensor.new{{-3, -1, -0.99, 0, 0.99, 1, 1.5}}, {edges = 30})
want = {30, 1, 1, 15, 29, 30, 30}
for j, w in ipairs(want) do assert(codes:get(1, j) == w, "30 edges: code of column " .. j .. " is " .. codes:get(1, j)) end
-- Values on and next to the float32 edges of the original code: the fast binning path of mi.binned
-- (SIMD guess plus exact correction near edges) gives the same partition as mi.discretise (binary search):
-- with Y = those codes, I(T;Y) = H(T) = H(Y).
local function f32(v) return (string.unpack("f", string.pack("f", v))) end
local vals = {}
for i = 0, 29 do
  local e = f32(-1 + 2 * i / 29)
  for _, dv in ipairs{0, 1e-15, -1e-15, 1e-9, -1e-9, 0.01, -0.01} do vals[#vals + 1] = e + dv end
end
vals[#vals + 1], vals[#vals + 2], vals[#vals + 3] = -5, 5, -1.0000001
local tv = tensor.new(vals)
local cv = mi.discretise(tv, {edges = 30})
local ix, iy = mi.binned(tv, cv, {edges = 30})
local hcodes = mi.entropy(cv)
near(ix, hcodes, 1e-12, "fast path H(T) = H(codes)")
near(iy, hcodes, 1e-12, "fast path partition = mi.discretise partition")
-- The same for 30 equal bins on [-1, 1] with values on the bin edges.
vals = {}
for i = 0, 30 do for _, dv in ipairs{0, 1e-15, -1e-15} do vals[#vals + 1] = -1 + 2 * i / 30 + dv end end
tv = tensor.new(vals)
cv = mi.discretise(tv)
ix, iy = mi.binned(tv, cv)
near(ix, mi.entropy(cv), 1e-12, "fixed bins: fast path H(T) = H(codes)")
near(iy, mi.entropy(cv), 1e-12, "fixed bins: fast path partition = mi.discretise partition")

-- Rows whose every code is the largest (values above the range, or below it with the original edges'
-- wrap-around) must still count as rows in the packed-key hash: 21 units x 3 edges, 5 rows, 3 distinct.
local wide = {}
for r, v in ipairs{5, -5, 5, 0, -5} do wide[r] = {} for j = 1, 21 do wide[r][j] = v end end
local tw = tensor.new(wide)
-- codes: 5 -> 3 (>= last edge), -5 -> 3 (wrap), 0 -> 2: rows {3..}, {3..}, {3..}, {2..}, {3..} -> p = (4/5, 1/5)
near(mi.binned(tw, nil, {edges = 3}), -(0.8 * math.log(0.8, 2) + 0.2 * math.log(0.2, 2)), 1e-12, "max-code rows, edges")
near(mi.binned(tw, nil, {bins = 3}), 1.5219280948873621, 1e-12, "max-code rows, bins")  -- codes 2, 0, 2, 1, 0

-- Fixed width (Saxe et al.): floor(v / 0.07), unbounded.
codes = mi.discretise(tensor.new{{-0.07, 0, 0.069, 0.0701, 7.01}}, {binsize = 0.07})
want = {-1, 0, 0, 1, 100}
for j, w in ipairs(want) do assert(codes:get(1, j) == w, "binsize: code of column " .. j .. " is " .. codes:get(1, j)) end
-- Other ranges: 4 bins on [0, 2].
codes = mi.discretise(tensor.new{{0, 0.49, 0.5, 1.99, 2, 5, -5}}, {bins = 4, range = {0, 2}})
want = {0, 0, 1, 3, 3, 3, 0}
for j, w in ipairs(want) do assert(codes:get(1, j) == w, "range: code of column " .. j .. " is " .. codes:get(1, j)) end

-- Adaptive equal-mass bins (Chelombiev et al.): 60 rows x 2 units of distinct values pooled per layer,
-- 4 bins -> each code holds exactly 120 / 4 = 30 values; edges follow the data, not a fixed range.
local g = tensor.randn(60, 2, {seed = 17})
codes = mi.discretise(g, {adaptive = true, bins = 4})
local counts = {}
for i = 1, 60 do for j = 1, 2 do local c = codes:get(i, j); counts[c] = (counts[c] or 0) + 1 end end
for c = 0, 3 do assert(counts[c] == 30, "adaptive bin " .. c .. " holds " .. tostring(counts[c])) end
-- Scaling the layer does not change adaptive bins (unlike fixed ones).
local g10 = g:clone()
for i = 1, 60 do for j = 1, 2 do g10:set(i, j, 10 * g:get(i, j)) end end
local codes10 = mi.discretise(g10, {adaptive = true, bins = 4})
for i = 1, 60 do for j = 1, 2 do assert(codes10:get(i, j) == codes:get(i, j), "adaptive bins are scale-free") end end
-- One unit, 8 rows, 2 adaptive bins: 4 rows per bin -> H(T) = 1 bit.
near(mi.binned(tensor.new{5, 1, 7, 3, 2, 8, 6, 4}, nil, {adaptive = true, bins = 2}), 1, 1e-12, "adaptive H(T)")

-- unique = true takes the quantiles of the distinct values (Chelombiev et al.): values 0 0 0 0 1 2 3,
-- 2 bins: distinct values 0 1 2 3 -> inner edge 2 -> codes 0 0 0 0 0 1 1 -> H(T) = h(2/7).
-- Pooled values: inner edge = sorted[3] = 0 -> every value is in the upper bin -> H(T) = 0.
local tied = tensor.new{0, 0, 0, 0, 1, 2, 3}
local h27 = -(2 / 7 * math.log(2 / 7, 2) + 5 / 7 * math.log(5 / 7, 2))
near(mi.binned(tied, nil, {adaptive = true, bins = 2, unique = true}), h27, 1e-12, "adaptive unique")
near(mi.binned(tied, nil, {adaptive = true, bins = 2}), 0, 1e-12, "adaptive pooled with ties")
fails("needs adaptive", mi.binned, tied, nil, {unique = true})

-- 4. var_u raw inputs: all 4096 rows distinct -> I(X;T) = 12 bits, I(T;Y) = H(Y) = 0.99916 bits.
local d = data.tishby()
local rows, labels = d.x:totable(), d.y:totable()
local ones = 0
for _, v in ipairs(labels) do ones = ones + v end
assert(ones == 2118, "var_u has 2118 ones, got " .. ones)
local p = ones / 4096
local hy = -(p * math.log(p, 2) + (1 - p) * math.log(1 - p, 2))
near(hy, 0.99916, 5e-6, "H(Y) of var_u")
ixt, ity = mi.binned(d.x, d.y, {bins = 30, range = {-1, 1}})
near(ixt, 12, 1e-9, "var_u I(X;T)")
near(ity, hy, 1e-9, "var_u I(X;Y)")
ixt, ity = mi.binned(d.x, d.y, {edges = 30})
near(ixt, 12, 1e-9, "var_u I(X;T), original edges")
near(ity, hy, 1e-9, "var_u I(X;Y), original edges")
ixt, ity = mi.binned(d.x, d.y, {binsize = 0.07})
near(ity, hy, 1e-9, "var_u I(X;Y), binsize")

-- A coarse projection: T = number of ones / 12 (13 values, all in distinct bins of 30 on [-1, 1]).
-- Checked against an independent Lua plug-in computation of H(T) and H(T) + H(Y) - H(T,Y).
local col, tkeys, jkeys = {}, {}, {}
for i, row in ipairs(rows) do
  local k = 0
  for _, v in ipairs(row) do k = k + v end
  col[i] = k / 12
  tkeys[i] = k
  jkeys[i] = k .. ":" .. labels[i]
end
local ht = U.entropy(tkeys)
ixt, ity = mi.binned(tensor.new(col), d.y)
near(ixt, ht, 1e-12, "popcount I(X;T)")
near(ity, ht + hy - U.entropy(jkeys), 1e-12, "popcount I(T;Y)")

-- 5. All rows equal -> 0 and 0.
ixt, ity = mi.binned(tensor.new{{0.3, 0.3}, {0.3, 0.3}, {0.3, 0.3}}, tensor.new{0, 1, 1})
assert(ixt == 0 and ity == 0, "constant layer gives " .. ixt .. ", " .. ity)

-- 6. Repeated inputs: x ids 1 1 2 2, T distinct on rows 1, 2 and equal on rows 3, 4.
-- H(T) = 1.5; H(T|X) = 1/2 * 1 + 1/2 * 0 = 0.5; I(X;T) = 1.0 (not H(T) = 1.5).
local tr = tensor.new{{-0.9}, {0.9}, {0.1}, {0.1}}
ixt = mi.binned(tr, nil, {x = tensor.new{1, 1, 2, 2}})
near(ixt, 1.0, 1e-12, "repeated inputs I(X;T)")
ixt = mi.binned(tr, nil, {x = tensor.new{{0, 1}, {0, 1}, {1, 0}, {1, 0}}})
near(ixt, 1.0, 1e-12, "repeated input rows I(X;T)")
near(mi.binned(tr), 1.5, 1e-12, "distinct rows I(X;T)")
local ids, k = mi.row_ids(tensor.new{{0, 1}, {0, 1}, {1, 0}, {0, 1}})
assert(k == 2 and ids:get(1) == 1 and ids:get(2) == 1 and ids:get(3) == 2 and ids:get(4) == 1, "row_ids")

-- 7. Bad input: a Lua error naming mi.binned and the problem.
fails("mi.binned: labels have 3 rows but the data have 4", mi.binned, t, tensor.new{0, 1, 1})
fails("mi.binned: argument #1 is empty", mi.binned, tensor.zeros(0, 3), tensor.zeros(0))
local tn = tensor.new{{0.1, 0.2}, {0.3, 0.4}}
tn:set(2, 1, 0 / 0)
fails("non-finite value", mi.binned, tn, tensor.new{0, 1})
fails("not a non-negative integer", mi.binned, t, tensor.new{0, 0.5, 1, 1})
fails("not a non-negative integer", mi.binned, t, tensor.new{0, -1, 1, 1})
fails("mi.binned: argument #1 must be a tensor", mi.binned, {1, 2}, y)
fails("unknown option 'bin'", mi.binned, t, y, {bin = 3})
fails("bins must be at least 1", mi.binned, t, y, {bins = 0})
fails("range", mi.binned, t, y, {range = {1, -1}})
fails("binsize must be a positive", mi.binned, t, y, {binsize = -0.1})
fails("exclude", mi.binned, t, y, {binsize = 0.1, edges = 30})
fails("unit must be", mi.binned, t, y, {unit = "bytes"})
fails("option 'x' has 2 rows", mi.binned, t, y, {x = tensor.new{1, 2}})
fails("must be a 1-d or 2-d tensor", mi.binned, tensor.zeros(2, 2, 2), y)

print("OK")
