-- Helpers shared by the mi tests (not a test itself: no test_ prefix).
local U = {}

-- Load the var_u data set from the source tree: x (4096 x 12 tensor), y (vector), and the raw Lua rows.
function U.load_var_u()
  local dir = os.getenv("IBSH_SOURCE_DIR") or "."
  local path = dir .. "/data/tishby_var_u.csv"
  local f = io.open(path) or io.open("/work/main/data/tishby_var_u.csv")
  assert(f, "cannot open " .. path)
  f:read("l")  -- header
  local xs, ys = {}, {}
  for line in f:lines() do
    local row = {}
    for v in line:gmatch("[^,]+") do row[#row + 1] = tonumber(v) end
    ys[#ys + 1] = table.remove(row)
    xs[#xs + 1] = row
  end
  f:close()
  assert(#xs == 4096 and #xs[1] == 12, "var_u must be 4096 x 12")
  return {x = tensor.new(xs), y = tensor.new(ys), rows = xs, labels = ys}
end

-- Plug-in entropy in bits of a Lua array of hashable keys (an independent oracle for the C code).
function U.entropy(keys)
  local count, n = {}, #keys
  for _, k in ipairs(keys) do count[k] = (count[k] or 0) + 1 end
  local h = 0
  for _, c in pairs(count) do h = h - c / n * math.log(c / n, 2) end
  return h
end

-- Assert |a - b| <= tol with a readable message.
function U.near(a, b, tol, what)
  assert(type(a) == "number", what .. ": got " .. tostring(a))
  assert(math.abs(a - b) <= tol, string.format("%s: got %.10g, expected %.10g (tol %g)", what, a, b, tol))
end

-- Assert that f(...) raises an error whose message contains pattern (plain text).
function U.fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "expected an error containing '" .. pattern .. "'")
  assert(tostring(err):find(pattern, 1, true), "error '" .. tostring(err) .. "' does not contain '" .. pattern .. "'")
end

-- A standard normal deviate from math.random (Box-Muller); seed with math.randomseed first.
function U.gauss()
  local u1, u2 = 1 - math.random(), math.random()
  return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
end

-- n samples of d independent pairs (x_j, y_j) with correlation rho: x, y are n x d tensors
-- (normal deviates from the C generator, mi._randn). True I(X;Y) = -d/2 ln(1 - rho^2) nats.
function U.gaussian_pairs(n, d, rho, seed)
  local a, b = mi._randn(n, d, seed), mi._randn(n, d, seed + 7919)
  local xs, ys, c = {}, {}, math.sqrt(1 - rho * rho)
  for i = 1, n do
    local xr, yr = {}, {}
    for j = 1, d do
      xr[j] = a:get(i, j)
      yr[j] = rho * xr[j] + c * b:get(i, j)
    end
    xs[i], ys[i] = xr, yr
  end
  return tensor.new(xs), tensor.new(ys)
end

return U
