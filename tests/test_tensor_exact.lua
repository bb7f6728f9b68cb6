-- Elementwise arithmetic is exact IEEE arithmetic: every fast path (streaming stores for results
-- of 8 MB and more, offset views, scalar operands, in place) gives the same bits as Lua's own
-- double operations. Checks the first and last 2000 elements and every 61st in between.
local n = (1 << 20) + 37
local x, y = tensor.randn(n + 5, {seed = 3}), tensor.randn(n + 5, {seed = 4})
local function positions()
  local list = {}
  for i = 1, 2000 do list[#list + 1] = i end
  for i = 2001, n - 2000, 61 do list[#list + 1] = i end
  for i = n - 1999, n do list[#list + 1] = i end
  return list
end
local at = positions()
local s = 0.7312
local ops = {
  add = {function(a, b) return a + b end, function(u, v) return u + v end},
  sub = {function(a, b) return a - b end, function(u, v) return u - v end},
  mul = {function(a, b) return a * b end, function(u, v) return u * v end},
  div = {function(a, b) return a / b end, function(u, v) return u / v end},
  adds = {function(a) return a + s end, function(u) return u + s end},
  sadd = {function(a) return s - a end, function(u) return s - u end},
  muls = {function(a) return a * s end, function(u) return u * s end},
  divs = {function(a) return s / a end, function(u) return s / u end},
}
local checks = 0
for _, off in ipairs{1, 2, 4} do
  local a, b = x:narrow(1, off, n), y:narrow(1, 3, n)
  for name, op in pairs(ops) do
    local r = op[1](a, b)
    for _, i in ipairs(at) do
      local want = op[2](a:get(i), b:get(i))
      assert(r:get(i) == want, ("%s differs at %d (offset %d)"):format(name, i, off))
    end
    checks = checks + 1
  end
  -- In place on an unaligned view.
  local c = a:clone()
  c:narrow(1, 2, n - 1):add_(b:narrow(1, 1, n - 1))
  for _, i in ipairs(at) do
    if i >= 2 then assert(c:get(i) == a:get(i) + b:get(i - 1), "add_ at " .. i) end
  end
  local e = a:exp()
  for i = 1, n, 997 do
    local want = math.exp(a:get(i))
    assert(math.abs(e:get(i) - want) <= 1e-15 * want, "exp at " .. i)
  end
end
assert(checks == 24, "24 op x offset checks")
print("OK")
