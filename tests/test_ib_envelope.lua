-- ib.curve against a Blahut-Arimoto envelope: on random 6x3 and 20x3 joints, no point reached by iterating the
-- IB equations from random encoders at 121 fixed betas in [1, 1000] (two seeds) lies more than 3e-4 bits above
-- the curve (measured worst 1.5e-4, mid-range), and at the low end (I(X;T) <= 0.6 bits, where the annealing now
-- starts at beta = 1 instead of beta0 = 1/rho_m^2) no more than 2e-5 bits.
local function joint(nx, ny, seed)   -- entries -ln U (exponential), normalised: a flat Dirichlet draw
  local r = tensor.rand(nx, ny, {seed = seed})
  local s = 0
  for i = 1, nx do for j = 1, ny do local v = -math.log(r:get(i, j)) r:set(i, j, v) s = s + v end end
  for i = 1, nx do for j = 1, ny do r:set(i, j, r:get(i, j) / s) end end
  return r
end
local betas = {}
for k = 0, 120 do betas[#betas + 1] = 10 ^ (3 * k / 120) end
for _, spec in ipairs{{6, 3, 11}, {6, 3, 12}, {6, 3, 14}, {20, 3, 15}} do
  local p = joint(spec[1], spec[2], spec[3])
  local c = ib.curve(p)
  local gap, low = 0, 0
  for seed = 1, 2 do
    local raw = ib.curve(p, {betas = betas, init = "random", iterations = 3000, seed = seed, direction = "forward"}):raw()
    for i = 1, raw:size(1) do
      local g = raw:get(i, 3) - c:at(raw:get(i, 2))
      gap = math.max(gap, g)
      if raw:get(i, 2) <= 0.6 then low = math.max(low, g) end
    end
  end
  local name = spec[1] .. "x" .. spec[2] .. " seed " .. spec[3]
  assert(gap <= 3e-4, name .. ": curve " .. gap .. " bits below the Blahut-Arimoto envelope")
  assert(low <= 2e-5, name .. ": low end " .. low .. " bits below the Blahut-Arimoto envelope")
end
print("OK")
