-- Helpers shared by the mi tests (not a test itself: no test_ prefix): an entropy oracle and Gaussian samples.
-- Load with: local U = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/mi_util.lua")
local U = {}

-- Plug-in entropy in bits of a Lua array of hashable keys (an independent oracle for the C code).
function U.entropy(keys)
  local count, n = {}, #keys
  for _, k in ipairs(keys) do count[k] = (count[k] or 0) + 1 end
  local h = 0
  for _, c in pairs(count) do h = h - c / n * math.log(c / n, 2) end
  return h
end

-- n samples of d independent pairs (x_j, y_j) with correlation rho: x, y are n x d tensors
-- (seeded normal deviates from tensor.randn). True I(X;Y) = -d/2 ln(1 - rho^2) nats.
function U.gaussian_pairs(n, d, rho, seed)
  local a, b = tensor.randn(n, d, {seed = seed}), tensor.randn(n, d, {seed = seed + 7919})
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
