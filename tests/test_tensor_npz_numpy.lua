-- numpy reads the .npz archives ibsh writes (stored and deflated): names, shapes, float64
-- dtype and exact values. Skips (exit 77) when /usr/bin/python3 has no numpy.
local T = require "ibsh.tensor"
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
check.need_python("numpy")
local py = "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3"
local tmp = os.tmpname()
os.remove(tmp)
local arrays = {
  x = T.randn(7, 5, {seed = 3}),
  cube = T.arange(24):view(2, 3, 4):permute(3, 1, 2),
  empty = T.zeros(0, 3),
  scalar = T.new(2.5),
}
local script = [[
import sys, numpy as np
d = np.load(sys.argv[1])
rng = [float(v) for v in sys.argv[2].split(",")]
ok = sorted(d.files) == ["cube", "empty", "scalar", "x"]
ok = ok and all(d[k].dtype == np.float64 for k in d.files)
ok = ok and d["x"].shape == (7, 5) and d["x"].ravel().tolist() == rng
ok = ok and np.array_equal(d["cube"], np.arange(24.0).reshape(2, 3, 4).transpose(2, 0, 1))
ok = ok and d["empty"].shape == (0, 3) and d["scalar"].shape == () and d["scalar"] == 2.5
sys.exit(0 if ok else 1)
]]
local f = assert(io.open(tmp .. ".py", "w"))
f:write(script)
f:close()
local values = {}
for i, v in ipairs(arrays.x:reshape(-1):totable()) do values[i] = string.format("%.17g", v) end
for _, compress in ipairs{false, true} do
  T.save_npz(tmp .. ".npz", arrays, {compress = compress})
  local ok = os.execute(string.format("%s %s %s %s", py, tmp .. ".py", tmp .. ".npz", table.concat(values, ",")))
  assert(ok, "numpy.load reads our .npz (compress = " .. tostring(compress) .. ")")
end
os.remove(tmp .. ".npz")
os.remove(tmp .. ".py")
