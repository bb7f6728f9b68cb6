-- Cross-check with the numpy peer: numpy reads the .npy files ibsh writes (shape, dtype and every
-- value bit for bit), and ibsh reads the ones numpy writes now. Skipped (exit 77) without numpy.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
check.need_python("numpy")
local T = require "ibsh.tensor"
local tmp = os.tmpname()
os.remove(tmp)

-- Run a Python program (text) with the given arguments and return its standard output.
local function python(program, ...)
  local file = tmp .. ".py"
  local f = assert(io.open(file, "w"))
  f:write(program)
  f:close()
  local args = {}
  for i, a in ipairs{...} do args[i] = "'" .. a .. "'" end
  local p = assert(io.popen("/usr/bin/python3 " .. file .. " " .. table.concat(args, " ")))
  local out = p:read("a")
  local ok = p:close()
  os.remove(file)
  assert(ok, "python failed: " .. out)
  return out
end

-- Parse "shape dtype hex hex ..." lines (one per array) into {shape =, dtype =, values =}.
local function parse(out)
  local arrays = {}
  for line in out:gmatch("[^\n]+") do
    local words = {}
    for w in line:gmatch("%S+") do words[#words + 1] = w end
    local values = {}
    for i = 3, #words do values[#values + 1] = assert(tonumber(words[i]), "bad number " .. words[i]) end
    arrays[#arrays + 1] = {shape = words[1], dtype = words[2], values = values}
  end
  return arrays
end

-- numpy reads what ibsh writes: 2-d random, 1-d, a permuted 3-d view, extremes
local written = {
  T.randn(7, 5, {seed = 3}),
  T.linspace(0, 1, 11),
  T.arange(24):view(2, 3, 4):permute(3, 1, 2),
  T.new{{1e-300, -0.0}, {1 / 3, 2 ^ 53 + 1}},
}
local files = {}
for i, t in ipairs(written) do
  files[i] = tmp .. "-" .. i .. ".npy"
  t:save(files[i])
end
local read = parse(python([[
import sys, numpy
for path in sys.argv[1:]:
    a = numpy.load(path)
    print("x".join(str(n) for n in a.shape), a.dtype.str, " ".join(float(v).hex() for v in a.ravel(order="C")))
]], table.unpack(files)))
assert(#read == #written, "numpy read " .. #read .. " of " .. #written .. " files")
for i, t in ipairs(written) do
  local dims = {}
  for d = 1, t:dim() do dims[d] = tostring(t:size(d)) end
  assert(read[i].shape == table.concat(dims, "x"), "file " .. i .. ": numpy shape " .. read[i].shape)
  assert(read[i].dtype == "<f8", "file " .. i .. ": numpy dtype " .. read[i].dtype)
  check.same(t, read[i].values, 0, "numpy reads ibsh file " .. i)
  os.remove(files[i])
end

-- ibsh reads what numpy writes: float64 C and Fortran order, float32, big-endian, int64, uint8, bool
local made = python([[
import sys, numpy
rng = numpy.random.default_rng(5)
base = rng.standard_normal((3, 4))
arrays = [base, numpy.asfortranarray(base), base.astype(numpy.float32), base.astype(">f8"),
          (base * 1000).astype(numpy.int64), (numpy.abs(base) * 80).astype(numpy.uint8), base > 0]
for i, a in enumerate(arrays):
    numpy.save("%s-np%d.npy" % (sys.argv[1], i), a)
    print("x".join(str(n) for n in a.shape), a.dtype.str, " ".join(float(v).hex() for v in a.ravel(order="C")))
]], tmp)
for i, expect in ipairs(parse(made)) do
  local path = tmp .. "-np" .. (i - 1) .. ".npy"
  local t = T.load(path)
  assert(t:dim() == 2 and t:size(1) == 3 and t:size(2) == 4, "numpy " .. expect.dtype .. ": shape")
  check.same(t, expect.values, 0, "ibsh reads numpy " .. expect.dtype)
  os.remove(path)
end
print("OK")
