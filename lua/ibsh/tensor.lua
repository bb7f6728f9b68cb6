-- ibsh.tensor: the public tensor module (C core in src/lua/ltensor*.c, Lua additions here).
local M = require "ibsh.core.tensor"
local help = require "ibsh.core.help"

local methods = getmetatable(M.zeros(0)).__methods

-- Add a documented method to ibsh.Tensor.
local function method(name, f, text)
  methods[name] = f
  help.set(f, "Tensor:" .. name, text)
end

-- Add a documented function to the module.
local function func(name, f, text)
  M[name] = f
  help.set(f, "tensor." .. name, text)
end

method("any", function(t) return t:ne(0):sum() > 0 end,
  "t:any()\n\nTrue when some element is nonzero.\n\nExample: x:isnan():any()")
method("all", function(t) return t:ne(0):sum() == t:numel() end,
  "t:all()\n\nTrue when every element is nonzero.\n\nExample: x:ge(0):all()")
method("norm", function(t) return math.sqrt(t:square():sum()) end,
  "t:norm()\n\nEuclidean (Frobenius) norm: the square root of the sum of squares.\n\nExample: (a - b):norm()")
method("allclose", function(t, u, rtol, atol)
  rtol, atol = rtol or 1e-5, atol or 1e-8
  return (t - u):abs():le(u:abs() * rtol + atol):all()
end, "t:allclose(u, [rtol = 1e-5], [atol = 1e-8])\n\nTrue when |t - u| <= atol + rtol |u| everywhere (numpy.allclose), with broadcasting.\n\nExample: a:mm(a:inv()):allclose(tensor.eye(3))")

func("is_tensor", function(x) return getmetatable(x) == getmetatable(M.zeros(0)) end,
  "tensor.is_tensor(x)\n\nTrue when x is an ibsh.Tensor.\n\nExample: tensor.is_tensor(tensor.ones(2))  -- true")
func("stack", function(list, dim)
  dim = dim or 1
  local parts = {}
  for i, t in ipairs(list) do
    local shape = t:shape()
    table.insert(shape, dim, 1)
    parts[i] = t:reshape(shape)
  end
  return M.cat(parts, dim)
end, "tensor.stack(list, [dim = 1])\n\nJoin tensors of equal shape along a new dimension dim.\n\nExample: tensor.stack({tensor.ones(3), tensor.zeros(3)})  -- 2x3")

-- rng.new(seed) as in the documentation, unless a global rng already exists.
if rawget(_G, "rng") == nil then rawset(_G, "rng", M.rng) end

return M
