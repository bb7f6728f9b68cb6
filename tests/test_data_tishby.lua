-- data.tishby(), splits and joints: facts of the var_u data set and the split protocol.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local d = data.tishby()
local n, dims = d:size()
assert(n == 4096 and dims == 12, "var_u is 4096 x 12")
assert(d.x:size(1) == 4096 and d.y:size(1) == 4096, "d.x and d.y are exposed")

-- Row i (0-based) is the binary form of i, column 1 the most significant bit.
for _, i in ipairs{0, 1, 5, 1000, 4095} do
  for j = 1, 12 do
    local bit = (i >> (12 - j)) & 1
    assert(d.x:get(i + 1, j) == bit, ("row %d column %d"):format(i, j))
  end
end

-- 2118 labels are 1.
local ones = 0
for i = 1, n do ones = ones + d.y:get(i) end
assert(ones == 2118, "2118 ones, got " .. ones)

-- Joint: uniform p(x), one-hot p(y|x); H(Y) = 0.99916 bits.
local pxy = d:joint()
local r, c = pxy:size()
assert(r == 4096 and c == 2)
local total, py1 = 0, 0
for i = 1, n do total = total + pxy:get(i, 1) + pxy:get(i, 2); py1 = py1 + pxy:get(i, 2) end
assert(math.abs(total - 1) < 1e-12, "joint sums to 1")
local hy = -(py1 * math.log(py1, 2) + (1 - py1) * math.log(1 - py1, 2))
assert(math.abs(hy - 0.99916) < 5e-6, "H(Y) = 0.99916 bits, got " .. hy)

-- Shuffled split: 3277 / 819 rows, a partition of the rows, reproducible from the seed.
local train, test = d:split{train = 0.8, seed = 1}
assert(#train == 3277 and #test == 819, "80 % of 4096 is 3277 rows")
local function code(ds, i)
  local v = 0
  for j = 1, 12 do v = v * 2 + ds.x:get(i, j) end
  return v
end
local seen = {}
for _, part in ipairs{train, test} do
  for i = 1, #part do
    local k = code(part, i)
    assert(not seen[k], "row appears twice")
    seen[k] = true
    assert(part.y:get(i) == d.y:get(k + 1), "labels follow their rows")
  end
end
local again = d:split{train = 0.8, seed = 1}
local other = d:split{train = 0.8, seed = 2}
local same, differ = true, false
for i = 1, 50 do
  same = same and code(again, i) == code(train, i)
  differ = differ or code(other, i) ~= code(train, i)
end
assert(same, "same seed, same split")
assert(differ, "another seed, another split")

-- Unshuffled split reproduces the original code: the first 3277 rows train.
local a, b = d:split{train = 0.8, shuffle = false}
assert(code(a, 3277) == 3276 and code(b, 1) == 3277)

-- Bad input: clear errors naming the function.
check.fails("Dataset:split: unknown option 'trian'", d.split, d, {trian = 0.8})
check.fails("Dataset:split: train fraction 1.5", d.split, d, {train = 1.5})
check.fails("data.load_csv: cannot open", data.load_csv, "/nonexistent/file.csv")
check.fails("data.new: y must hold one label per row", data.new, {x = tensor.zeros(3, 2), y = tensor.zeros(2)})

local dir = os.getenv("TMPDIR") or "/tmp"
local path = dir .. "/ibsh_bad_" .. tostring(os.time()) .. ".csv"
local function write(text) local f = assert(io.open(path, "w")); f:write(text); f:close() end
write("a,b,y\n1,2,0\n3,4\n")
check.fails(":3: expected 3 fields, found 2", data.load_csv, path)
write("a,b,y\n1,2,0\n3,x,1\n")
check.fails(":3: field 2 is not a finite number", data.load_csv, path)
write("a,b,y\n1,2,0.5\n")
check.fails(":2: label 0.5 is not a non-negative integer", data.load_csv, path)
write("")
check.fails("empty file", data.load_csv, path)
write("a,b,y\n1,2,0\n3,4,1\n")
local small = data.load_csv(path)
assert(#small == 2 and small.x:get(2, 2) == 4 and small.y:get(2) == 1)
os.remove(path)
print("OK")
