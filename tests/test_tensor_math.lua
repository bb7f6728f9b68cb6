-- Tensor arithmetic, broadcasting, unary math, comparisons, reductions, sorting and unique rows against hand-computed values.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local T = require "ibsh.tensor"

local function near(a, b, tol, msg) check.close(a, b, tol or 1e-12, msg) end

local function same(t, expect, msg, tol) check.same(t, expect, tol or 1e-12, msg) end

local a = T.new{{1, 2}, {3, 4}}
local b = T.new{{10, 20}, {30, 40}}

-- elementwise with tensors and scalars on either side
same(a + b, {11, 22, 33, 44}, "a + b")
same(b - a, {9, 18, 27, 36}, "b - a")
same(a * b, {10, 40, 90, 160}, "a * b (elementwise)")
same(b / a, {10, 10, 10, 10}, "b / a")
same(a * 2, {2, 4, 6, 8}, "a * 2")
same(2 * a, {2, 4, 6, 8}, "2 * a")
same(a + 0.5, {1.5, 2.5, 3.5, 4.5}, "a + 0.5")
same(10 - a, {9, 8, 7, 6}, "10 - a")
same(12 / a, {12, 6, 4, 3}, "12 / a")
same(a / 4, {0.25, 0.5, 0.75, 1}, "a / 4")
same(-a, {-1, -2, -3, -4}, "unary minus")
same(a ^ 2, {1, 4, 9, 16}, "a ^ 2")
same(2 ^ a, {2, 4, 8, 16}, "2 ^ a")
same(a:maximum(2.5), {2.5, 2.5, 3, 4}, "maximum")
same(a:minimum(b:div(10) + 0.5), {1, 2, 3, 4}, "minimum")
local c = a:clone(); c:add_(1); c:mul_(T.new{1, 10})
same(c, {2, 30, 4, 50}, "in-place add_/mul_ with broadcasting")
check.fails("Tensor:add_", function() c:add_(T.ones(3, 2)) end)  -- in-place into a smaller shape

-- numpy broadcasting
local col = T.new{{1}, {2}, {3}}          -- 3x1
local rowv = T.new{10, 20}                -- 2
same(col + rowv, {11, 21, 12, 22, 13, 23}, "3x1 + 2 -> 3x2")
same(rowv * col, {10, 20, 20, 40, 30, 60}, "2 * 3x1 -> 3x2")
local cube = T.arange(8):view(2, 2, 2)
same(cube - T.new{{100}, {200}}, {-100, -99, -198, -197, -96, -95, -194, -193}, "2x2x2 - 2x1")
same(a:t() + a, {2, 5, 5, 8}, "transpose view plus tensor")
same(T.new{1, 10} - T.new{{1, 2}, {3, 4}}, {0, 8, -2, 6}, "repeating block on the left")
local big = T.arange(3000):view(1000, 3)
local shifted = big + T.new{1, 2, 3}
near(shifted:sum(), big:sum() + 6000, 0, "n x 3 + 3 (tiled path) sum")
same(shifted[1000], {2998, 3000, 3002}, "n x 3 + 3 last row")
same((T.new{{1, 2, 3}} * big)[2], {3, 8, 15}, "1x3 * n x 3 (leading 1 broadcast)")
same(a:select(2, 2) + T.new{1, 1}, {3, 5}, "strided column plus vector")
check.fails("do not broadcast", function() return T.ones(2, 3) + T.ones(2, 2) end)  -- shape mismatch
check.fails("must be tensors or numbers", function() return a + "x" end)  -- string operand

-- unary math
same(T.new{0, 1}:exp(), {1, math.exp(1)}, "exp")
same(T.new{1, math.exp(2)}:log(), {0, 2}, "log")
same(T.new{0, 0.5, -0.5}:tanh(), {0, 0.46211715726000974, -0.46211715726000974}, "tanh")
same(T.new{0, 800, -800}:sigmoid(), {0.5, 1, 0}, "sigmoid (stable at extremes)")
same(T.new{-2, 3}:abs(), {2, 3}, "abs")
same(T.new{4, 9}:sqrt(), {2, 3}, "sqrt")
same(T.new{-1.5, 2.5}:floor(), {-2, 2}, "floor")
same(T.new{-1.5, 2.5}:round(), {-2, 3}, "round")
same(T.new{-3, 0, 2}:sign(), {-1, 0, 1}, "sign")
same(T.new{-3, 2}:relu(), {0, 2}, "relu")
same(T.new{-3, 0.5, 2}:clamp(-1, 1), {-1, 0.5, 1}, "clamp")
local x = T.new{1, 4}; x:sqrt_()
same(x, {1, 2}, "in-place sqrt_")
assert(T.new{0 / 0, 1}:isnan()[1] == 1, "isnan")

-- comparisons, masks, where, masked selection
local v = T.new{3, -1, 4, -1, 5}
same(v:gt(0), {1, 0, 1, 0, 1}, "gt")
same(v:eq(-1), {0, 1, 0, 1, 0}, "eq")
same(v:le(T.new{3, 3, 3, 3, 3}), {1, 1, 0, 1, 0}, "le with a tensor")
same(T.where(v:gt(0), v, 0), {3, 0, 4, 0, 5}, "where with a number")
same(T.where(T.new{{1}, {0}}, T.new{1, 2}, T.new{-1, -2}), {1, 2, -1, -2}, "where with broadcasting")
same(v:masked_select(v:lt(0)), {-1, -1}, "masked_select")
local w = v:clone(); w:masked_fill(w:lt(0), 0)
same(w, {3, 0, 4, 0, 5}, "masked_fill")
same(T.new{{1, 2}, {3, 4}, {5, 6}}:index(1, T.new{3, 1}), {5, 6, 1, 2}, "index rows")
same(T.new{{1, 2}, {3, 4}}:index(2, {2, 2, 1}), {2, 2, 1, 4, 4, 3}, "index columns from a table")
check.fails("out of range", function() v:index(1, {6}) end)  -- index out of range

-- reductions over everything
local m = T.new{{1, 5, 3}, {4, 2, 6}}
near(m:sum(), 21, 0, "sum")
near(m:mean(), 3.5, 0, "mean")
near(m:max(), 6, 0, "max")
near(m:min(), 1, 0, "min")
near(m:prod(), 720, 0, "prod")
local k, i, j = m:argmax()
assert(k == 6 and i == 2 and j == 3, "argmax flat and multi-index")
assert(T.new{3, 9, 2, 9}:argmax() == 2, "argmax: first maximum, 1-based")
assert(T.new{3, 9, 2, 0}:argmin() == 4, "argmin")
near(T.new{2, 4, 4, 4, 5, 5, 7, 9}:var(), 4, 1e-12, "population variance")
near(T.new{2, 4, 4, 4, 5, 5, 7, 9}:std(), 2, 1e-12, "population std")
near(T.new{1, 2, 3, 4}:var{ddof = 1}, 5 / 3, 1e-12, "sample variance")

-- reductions along a dim
same(m:sum(1), {5, 7, 9}, "sum over rows")
same(m:sum(2), {9, 12}, "sum over columns")
assert(m:sum(2, {keepdim = true}):size(2) == 1, "keepdim")
same(m:mean(1), {2.5, 3.5, 4.5}, "mean(1)")
local mx, pos = m:max(2)
same(mx, {5, 6}, "max(2) values")
same(pos, {2, 3}, "max(2) positions")
same(m:argmin(1), {1, 2, 1}, "argmin(1)")
same(m:var(1), {2.25, 2.25, 2.25}, "var(1)")
same(m:std(2, {ddof = 1}), {2, 2}, "std(2, ddof = 1)")
same(m:t():sum(2), {5, 7, 9}, "sum along a strided dim")
same(T.arange(24):view(2, 3, 4):sum(2), {12, 15, 18, 21, 48, 51, 54, 57}, "3-d sum(2)")
same(m:cumsum(2), {1, 6, 9, 4, 6, 12}, "cumsum(2)")
same(m:cumsum(1), {1, 5, 3, 5, 7, 9}, "cumsum(1)")
same(T.new{1, 2, 3, 4}:cumprod(), {1, 2, 6, 24}, "cumprod")
near(T.zeros(0):sum(), 0, 0, "empty sum")
check.fails("empty", function() T.zeros(0):max() end)  -- max of nothing
check.fails("dimension 3 out of range 1..2", function() m:sum(3) end)  -- bad dim
check.fails("unknown option 'keepdims'", function() m:sum(1, {keepdims = true}) end)  -- option typo

-- sums of many elements are accurate (multiple accumulators)
near(T.ones(1000001):sum(), 1000001, 0, "large sum")
near(T.arange(1, 100001):mean(), 50000.5, 1e-9, "large mean")

-- sort and argsort (stable, 1-based positions)
local sv, si = T.new{3, 1, 2, 1}:sort()
same(sv, {1, 1, 2, 3}, "sort values")
same(si, {2, 4, 3, 1}, "sort positions (stable)")
same(T.new{3, 1, 2}:sort{descending = true}, {3, 2, 1}, "descending sort")
same(T.new{{3, 1}, {0, 2}}:argsort(1), {2, 1, 1, 2}, "argsort along dim 1")

-- unique rows with counts and inverse
local rows, counts, inverse = T.new{{1, 0}, {0, 1}, {1, 0}, {0, 0}, {1, 0}}:unique()
same(rows, {0, 0, 0, 1, 1, 0}, "unique rows (lexicographic)")
same(counts, {1, 1, 3}, "unique counts")
same(inverse, {3, 2, 3, 1, 3}, "unique inverse (1-based)")
local vals, cnt = T.new{2, 2, 7, 1}:unique()
same(vals, {1, 2, 7}, "unique values of a vector")
same(cnt, {1, 2, 1}, "unique counts of a vector")
print("OK")
