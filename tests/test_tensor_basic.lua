-- Tensor creation, element access, indexing, views and printing against hand-written values.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local T = require "ibsh.tensor"

local function near(a, b, tol, msg) check.close(a, b, tol or 1e-12, msg) end

local function same(t, expect, msg) check.same(t, expect, 1e-12, msg) end

-- creation
local a = T.new{{1, 2, 3}, {4, 5, 6}}
assert(select("#", a:size()) == 2)
local r, c = a:size()
assert(r == 2 and c == 3 and a:size(2) == 3 and a:size(-1) == 3, "size")
assert(a:dim() == 2 and a:numel() == 6 and #a == 2, "dim/numel/len")
same(T.zeros(2, 2), {0, 0, 0, 0}, "zeros")
same(T.ones{2, 3}, {1, 1, 1, 1, 1, 1}, "ones with a shape table")
same(T.full(2, 2, 0.5), {0.5, 0.5, 0.5, 0.5}, "full")
same(T.eye(3), {1, 0, 0, 0, 1, 0, 0, 0, 1}, "eye")
same(T.arange(5), {0, 1, 2, 3, 4}, "arange(stop)")
same(T.arange(1, 2, 0.25), {1, 1.25, 1.5, 1.75}, "arange(start, stop, step)")
same(T.linspace(-1, 1, 5), {-1, -0.5, 0, 0.5, 1}, "linspace")
assert(T.linspace(0, 1):numel() == 50, "linspace default count")
assert(T.zeros(2, 3, 4):dim() == 3, "3-d zeros")
same(T.new(T.new{1, 2}), {1, 2}, "copy constructor")

-- get/set, 1-based, negative from the end
assert(a:get(1, 1) == 1 and a:get(2, 3) == 6 and a:get(-1, -1) == 6, "get")
a:set(1, 2, 20)
assert(a:get(1, 2) == 20, "set")
a:set(1, 2, 2)
check.fails("Tensor:get: index 3 out of range 1..2 in dimension 1", function() a:get(3, 1) end)  -- get out of range
check.fails("Tensor:get: expected 2 indices", function() a:get(1) end)  -- get with too few indices
check.fails("out of range", function() a:set(0, 1, 1) end)  -- set index 0

-- rows and t[i]: 2-d rows are views, 1-d elements are numbers
local row = a:row(2)
same(row, {4, 5, 6}, "row")
row:set(1, 40)
assert(a:get(2, 1) == 40, "row view shares storage")
a[2][1] = 4
assert(a:get(2, 1) == 4, "t[i][j] = v writes through")
assert(a[1][3] == 3 and type(a[1][3]) == "number", "t[i][j] is a number")
a[1] = 7
same(a[1], {7, 7, 7}, "t[i] = number fills the row")
a[1] = T.new{1, 2, 3}
same(a, {1, 2, 3, 4, 5, 6}, "t[i] = tensor copies the row")
check.fails("out of range", function() return a[3] end)  -- row out of range
check.fails("Tensor:row: row 0 out of range 1..2", function() a:row(0) end)  -- row 0

-- methods are still found through __index, and the method table is exposed for completion
assert(type(a.argmax) == "function" and getmetatable(a).__methods.argmax == a.argmax, "method lookup")

-- slicing: t[{ {first, last}, j }], narrow, select, transpose, permute, view/reshape
local m = T.arange(1, 13):view(3, 4)   -- 1..12
same(m[{{1, 2}, 3}], {3, 7}, "t[{ {1,2}, 3 }]")
same(m[{":", {2, 3}}], {2, 3, 6, 7, 10, 11}, "t[{':', {2,3}}]")
same(m[{{-1}, {}}], {9, 10, 11, 12}, "negative range")
assert(m[{2, 4}] == 8, "full index gives a number")
same(m:narrow(2, 2, 2), {2, 3, 6, 7, 10, 11}, "narrow")
same(m:select(2, 1), {1, 5, 9}, "select column")
local mt = m:t()
assert(mt:size(1) == 4 and mt:get(4, 3) == 12 and not mt:is_contiguous(), "transpose view")
same(mt:contiguous(), {1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12}, "contiguous copy of a transpose")
same(m:permute(2, 1), {1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12}, "permute")
same(m:view(2, 6)[2], {7, 8, 9, 10, 11, 12}, "view")
same(mt:reshape(2, -1)[1], {1, 5, 9, 2, 6, 10}, "reshape of a non-contiguous view copies")
check.fails("not contiguous", function() mt:view(12) end)  -- view of non-contiguous
check.fails("cannot reshape", function() m:view(5, 3) end)  -- view with the wrong count
m[{{1, 2}, {1, 2}}] = 0
same(m[{{1, 2}, {1, 2}}], {0, 0, 0, 0}, "slice assignment")
local cl = m:clone(); cl:fill(1)
assert(m:get(3, 4) == 12, "clone owns its storage")

-- views keep storage alive after the parent is collected
local v
do local big = T.arange(10):view(2, 5); v = big:narrow(2, 2, 3) end
collectgarbage(); collectgarbage()
same(v, {1, 2, 3, 6, 7, 8}, "view outlives its parent")

-- totable, item, cat
local tt = T.new{{1, 2}, {3, 4}}:totable()
assert(tt[2][1] == 3 and #tt == 2, "totable")
assert(T.new{{5}}:item() == 5, "item")
same(T.cat({T.ones(1, 2), T.zeros(2, 2)}, 1), {1, 1, 0, 0, 0, 0}, "cat rows")
same(T.cat({T.ones(2, 1), T.zeros(2, 2)}, 2), {1, 0, 0, 1, 0, 0}, "cat columns")

-- printing: header with type and shape, aligned columns, summarised beyond 1000 elements
local s = tostring(T.new{{1, 2.5}, {-3, 4}})
assert(s:find("ibsh.Tensor of size 2x2, float64", 1, true), "tostring header: " .. s)
assert(s:find("2.5000", 1, true) and s:find("-3.0000", 1, true), "tostring values: " .. s)
local big = tostring(T.zeros(100, 100))
assert(big:find("...", 1, true) and #big < 2000, "large tensors are summarised")

-- bad input
check.fails("tensor.new: ragged table", function() T.new{{1, 2}, {3}} end)  -- ragged
check.fails("not a number", function() T.new{{1, "x"}} end)  -- non-number
check.fails("tensor.zeros: negative size", function() T.zeros(-1) end)  -- negative size
check.fails("tensor.zeros", function() T.zeros(1e6, 1e6, 1e6) end)  -- absurd size
check.fails("cannot set field", function() a.foo = 1 end)  -- setting a field
-- every function and method has help text with a signature and an example
local help = require "ibsh.core.help"
local function documented(f, name)
  local text = help.get(f)
  assert(text and text:find("\n\n", 1, true) and text:find("Example:", 1, true), name .. " lacks help text")
end
for name, f in pairs(getmetatable(a).__methods) do documented(f, "Tensor:" .. name) end
for name, f in pairs(T) do if type(f) == "function" then documented(f, "tensor." .. name) end end
documented(T.rng, "tensor.rng")
documented(T.rng.new, "tensor.rng.new")
print("OK")
