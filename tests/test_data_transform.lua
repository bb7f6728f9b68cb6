-- data.onehot and Dataset:standardize against hand-computed values.
local oh = data.onehot(tensor.new{0, 2, 1, 2})
local r, c = oh:size()
assert(r == 4 and c == 3)
local want = {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 0, 1}}
for i = 1, 4 do for j = 1, 3 do assert(oh:get(i, j) == want[i][j], ("onehot %d %d"):format(i, j)) end end
assert(select(2, data.onehot(tensor.new{0, 1}, 5):size()) == 5, "explicit class count")
local ok, err = pcall(data.onehot, tensor.new{0, 1.5})
assert(not ok and err:find("data.onehot: label 1.5 at row 2", 1, true), err)

-- Columns {1, 2, 3} (mean 2, std sqrt(2/3)) and {5, 5, 5} (constant: only centred).
local d = data.new{x = tensor.new{{1, 5}, {2, 5}, {3, 5}}, y = tensor.new{0, 1, 0}}
local s, stats = d:standardize()
local sd = math.sqrt(2 / 3)
assert(math.abs(stats.mean:get(1) - 2) < 1e-15 and math.abs(stats.std:get(1) - sd) < 1e-15)
for i, v in ipairs{-1 / sd, 0, 1 / sd} do
  assert(math.abs(s.x:get(i, 1) - v) < 1e-12, "standardised column 1")
  assert(s.x:get(i, 2) == 0, "constant column centred")
end
assert(s.y:get(2) == 1 and #s == 3, "labels kept")
-- The same statistics applied to another set.
local t = data.new{x = tensor.new{{4, 6}}, y = tensor.new{1}}:standardize(stats)
assert(math.abs(t.x:get(1, 1) - 2 / sd) < 1e-12 and t.x:get(1, 2) == 1)
ok, err = pcall(d.standardize, d, {mean = tensor.zeros(3), std = tensor.ones(3)})
assert(not ok and err:find("stats have 3 values, the data 2 columns", 1, true), err)
print("OK")
