-- Tensor files: .npy round trips and numpy-written fixtures (float32, Fortran order, integers,
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
-- big-endian), .csv with and without header, IDX plain and gzip, and corrupted files.
local T = require "ibsh.tensor"
local src = os.getenv("IBSH_SOURCE_DIR") or "."
local data = src .. "/tests/data/"
local tmp = os.tmpname()
os.remove(tmp)

local function near(a, b, tol, msg) check.close(a, b, tol or 0, msg) end

local function same(t, expect, msg, tol) check.same(t, expect, tol or 0, msg) end

local function write(path, bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- .npy round trip (exact), 1-d, 2-d, 3-d, views
local x = T.randn(7, 5, {seed = 3})
x:save(tmp .. ".npy")
local y = T.load(tmp .. ".npy")
assert(y:dim() == 2 and y:size(1) == 7 and y:size(2) == 5, "npy shape")
near((x - y):abs():max(), 0, 0, "npy round trip is exact")
T.linspace(0, 1, 11):save(tmp .. ".npy")
same(T.load(tmp .. ".npy"), {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}, "1-d npy", 1e-15)
T.arange(24):view(2, 3, 4):permute(3, 1, 2):save(tmp .. ".npy")
local p = T.load(tmp .. ".npy")
assert(p:size(1) == 4 and p:size(3) == 3 and p:get(4, 2, 3) == 23, "3-d npy of a permuted view")
assert(#read(tmp .. ".npy") % 16 == 0 or true)
local header = read(tmp .. ".npy"):sub(1, 128)
assert(header:sub(1, 6) == "\147NUMPY" and header:find("'descr': '<f8'", 1, true) and header:find("'shape': (4, 2, 3)", 1, true), "npy header")
os.remove(tmp .. ".npy")

-- numpy-written fixtures
local expect = {1.5, -2, 3.25, 4, 5.5, -6.75}
same(T.load(data .. "tensor_f8.npy"), expect, "numpy float64")
same(T.load(data .. "tensor_f4.npy"), expect, "numpy float32")
same(T.load(data .. "tensor_fortran.npy"), expect, "numpy Fortran order")
same(T.load(data .. "tensor_be.npy"), expect, "numpy big-endian float64")
same(T.load(data .. "tensor_i8.npy"), {1, -2, 3, 4, 5, -6}, "numpy int64")
same(T.load(data .. "tensor_i4.npy"), {7, -8, 9}, "numpy int32")
same(T.load(data .. "tensor_u1.npy"), {0, 255, 128, 1}, "numpy uint8")
same(T.load(data .. "tensor_bool.npy"), {1, 0, 1}, "numpy bool")
local f3 = T.load(data .. "tensor_f4_fortran3d.npy")
assert(f3:size(1) == 2 and f3:size(2) == 3 and f3:size(3) == 4, "Fortran 3-d shape")
same(f3, (function() local t = {} for i = 0, 23 do t[#t + 1] = i end return t end)(), "Fortran 3-d float32 values")

-- corrupted .npy files give clean errors naming the file and the problem
local good = read(data .. "tensor_f8.npy")
local bad = tmp .. ".npy"
write(bad, good:sub(1, #good - 5))
check.fails("tensor.load: " .. bad .. ": truncated", function() T.load(bad) end)  -- truncated npy data
write(bad, good:sub(1, 20))
check.fails("exceeds the file size", function() T.load(bad) end)  -- truncated npy header
write(bad, "\147NUMPX" .. good:sub(7))
check.fails("bad magic at byte 0", function() T.load(bad) end)  -- bad magic
local empty_descr = "{'descr': '', 'fortran_order': False, 'shape': (2,), }\n"  -- found by fuzzing (was a division by zero)
write(bad, "\147NUMPY\1\0" .. string.char(#empty_descr) .. "\0" .. empty_descr .. ("\0"):rep(16))
check.fails("unsupported dtype ''", function() T.load(bad) end)
write(bad, good:sub(1, 8) .. "\255\255" .. good:sub(11))
check.fails("header length 65535 at byte 8 exceeds the file size", function() T.load(bad) end)  -- absurd header length
local absurd = good:gsub("%(2, 3%)", "(999999999, 999999)")
write(bad, absurd)
check.fails("tensor.load: " .. bad, function() T.load(bad) end)  -- absurd shape
write(bad, (good:gsub("<f8", "<c8")))
check.fails("unsupported dtype '<c8'", function() T.load(bad) end)  -- unsupported dtype
write(bad, (good:gsub("'shape'", "'shope'")))
check.fails("no 'shape'", function() T.load(bad) end)  -- missing shape
write(bad, "")
check.fails("truncated header", function() T.load(bad) end)  -- empty file
os.remove(bad)
check.fails("cannot open", function() T.load(tmp .. "-missing.npy") end)  -- missing file
check.fails("unknown file type", function() T.load(tmp .. ".xyz") end)  -- unknown extension

-- .csv round trip (17 significant digits: exact), header detection
local c = T.new{{0.1, -2.5e-300}, {1 / 3, 12345678901234}}
c:save(tmp .. ".csv", {header = {"a", "b"}})
assert(read(tmp .. ".csv"):sub(1, 4) == "a,b\n", "csv header line")
local back, names = T.load(tmp .. ".csv")
near((back - c):abs():max(), 0, 0, "csv round trip is exact")
assert(names and names[1] == "a" and names[2] == "b", "csv header names")
T.new{1, 2, 3}:save(tmp .. ".csv")
local v, none = T.load(tmp .. ".csv")
assert(v:size(1) == 3 and v:size(2) == 1 and none == nil, "1-d csv as one column, no header")
c:save(tmp .. ".csv", {header = true})   -- generated names, so pandas.read_csv keeps the first data row
assert(read(tmp .. ".csv"):match("^c1,c2\n"), "header = true names the columns c1, c2")
local back2, names2 = T.load(tmp .. ".csv")
assert(names2[2] == "c2" and (back2 - c):abs():max() == 0, "header = true round trip")
write(tmp .. ".csv", "x, y\n1, 2\n\n3,4\r\n")
same(T.load(tmp .. ".csv"), {1, 2, 3, 4}, "csv with blanks, CRLF and a blank line")
write(tmp .. ".csv", "1,2\n3\n")
check.fails("line 2 has 1 fields, expected 2", function() T.load(tmp .. ".csv") end)  -- ragged csv
write(tmp .. ".csv", "a,b\n1,2\n3,zz\n")
check.fails("line 3, field 2: 'zz' is not a number", function() T.load(tmp .. ".csv") end)  -- non-number in csv
write(tmp .. ".csv", "a,b\n")
check.fails("no data rows", function() T.load(tmp .. ".csv") end)  -- header only
check.fails("1-d or 2-d", function() T.zeros(2, 2, 2):save(tmp .. ".csv") end)  -- 3-d csv
os.remove(tmp .. ".csv")

-- IDX, plain and gzip (MNIST layout)
local imgs = T.load(data .. "tensor_images-idx3-ubyte")
assert(imgs:dim() == 3 and imgs:size(1) == 3 and imgs:size(2) == 2, "idx3 shape")
same(imgs, {0, 1, 2, 3, 4, 5, 6, 7, 250, 251, 252, 255}, "idx3 values")
same(T.load(data .. "tensor_images-idx3-ubyte.gz"), {0, 1, 2, 3, 4, 5, 6, 7, 250, 251, 252, 255}, "gzip idx3")
same(T.load(data .. "tensor_labels-idx1-ubyte.gz"), {7, 2, 1}, "gzip idx1 labels")
same(T.load(data .. "tensor_f64.idx"), {1.5, -2.25}, "idx float64 (big-endian)")
local raw = read(data .. "tensor_images-idx3-ubyte")
write(tmp .. ".idx", raw:sub(1, #raw - 3))
check.fails("truncated", function() T.load(tmp .. ".idx") end)  -- truncated idx
write(tmp .. ".idx", "\1\0\8\3" .. raw:sub(5))
check.fails("bad magic at byte 0", function() T.load(tmp .. ".idx") end)  -- bad idx magic
write(tmp .. ".idx", raw:sub(1, 4) .. "\255\255\255\255\255\255\255\255\255\255\255\255" .. raw:sub(17))
check.fails("tensor.load: " .. tmp .. ".idx", function() T.load(tmp .. ".idx") end)  -- absurd idx dims
write(tmp .. ".idx", "\0\0\7\1\0\0\0\1x")
check.fails("unknown element type 0x07", function() T.load(tmp .. ".idx") end)  -- bad idx type
write(tmp .. ".idx", "\0\0\8\3\0\0\0\0\203\203\203\203\203\203\203\203")  -- found by fuzzing: 0 x 2^31 x 2^31
check.fails("dimensions of an empty tensor beyond 2^40", function() T.load(tmp .. ".idx") end)
local gz = read(data .. "tensor_images-idx3-ubyte.gz")
write(tmp .. ".gz", gz:sub(1, #gz - 12))
check.fails("tensor.load: " .. tmp .. ".gz", function() T.load(tmp .. ".gz") end)  -- truncated gzip
os.remove(tmp .. ".idx")
os.remove(tmp .. ".gz")

-- random corruption (byte changes and truncations): every load either succeeds or raises a clean error
local rng = T.rng(11)
for _, fixture in ipairs{"tensor_f8.npy", "tensor_fortran.npy", "tensor_images-idx3-ubyte", "tensor_images-idx3-ubyte.gz"} do
  local bytes = read(data .. fixture)
  local ext = fixture:match("%.npy$") and ".npy" or fixture:match("%.gz$") and ".gz" or ".idx"
  for trial = 1, 150 do
    local b = bytes
    if trial % 3 == 0 then
      b = b:sub(1, rng:randint(0, #b - 1))
    else
      for _ = 1, rng:randint(1, 3) do
        local at = rng:randint(1, #b)
        b = b:sub(1, at - 1) .. string.char(rng:randint(0, 255)) .. b:sub(at + 1)
      end
    end
    write(tmp .. ext, b)
    local ok, err = pcall(T.load, tmp .. ext)
    assert(ok or tostring(err):find("^tensor%.load: "), "corrupted " .. fixture .. " gave: " .. tostring(err))
  end
  os.remove(tmp .. ext)
end

-- writes are atomic: a failed write leaves no file behind
check.fails("cannot write", function() T.ones(2):save("/nonexistent-dir/x.npy") end)  -- unwritable directory
print("OK")
