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

return U
