-- ib.gaussian: the closed-form Gaussian IB against the reference tables (nats), one and two modes.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local ln2 = math.log(2)
local close = check.close

-- One mode, rho = 0.9: lambda = 0.19, beta_c = 1.234568, I(X;Y) = 0.830366 nats.
local c = ib.gaussian(1, 0.9, 1)
close(c:critical():get(1), 1 / 0.81, 1e-9, "critical beta 1-D")
close(c:beta0(), 1 / 0.81, 1e-9, "beta0 = first critical beta")
close(c:info().ixy * ln2, 0.830366, 1e-6, "I(X;Y) 1-D")
local t1 = {{1.5, 0.378431, 0.281059}, {2, 0.725005, 0.483792}, {3, 1.071579, 0.627633}, {5, 1.418152, 0.718794},
            {10, 1.823617, 0.777685}, {100, 3.022565, 0.825340}}
for _, r in ipairs(t1) do
  close(c:at(r[2] / ln2) * ln2, r[3], 1e-6, "1-D curve at beta " .. r[1])
end
for _, r in ipairs{{0.25, 0.191884}, {0.5, 0.358738}, {1, 0.602618}, {2, 0.792774}} do
  close(c:at(r[1] / ln2) * ln2, r[2], 1e-6, "1-D curve at I_X = " .. r[1])
end
-- the same with tensors as arguments, and the grid points follow the closed form in beta
local ct = ib.gaussian(tensor.new{{1}}, tensor.new{{0.9}}, tensor.new{{1}})
local p = ct:points()
for i = 2, p:size(1) do
  local b = p:get(i, 1)
  if b > 1 / 0.81 then
    local ix = 0.5 * math.log((b - 1) * 0.81 / 0.19)
    close(p:get(i, 2) * ln2, ix, 1e-9, "I_X(beta) closed form")
    close(p:get(i, 3) * ln2, ix - 0.5 * math.log(0.81 + 0.19 * math.exp(2 * ix)), 1e-9, "I_Y(beta) closed form")
  end
end

-- Two modes, rho = (0.9, 0.5): lambda = (0.19, 0.75), critical betas (1.2346, 4), I(X;Y) = 0.974207 nats.
local c2 = ib.gaussian(tensor.new{{1, 0}, {0, 1}}, tensor.new{{0.9, 0}, {0, 0.5}}, tensor.new{{1, 0}, {0, 1}})
local crit = c2:critical()
close(crit:get(1), 1 / 0.81, 1e-9, "first critical beta")
close(crit:get(2), 4, 1e-9, "second critical beta")
close(c2:info().ixy * ln2, 0.974207, 1e-6, "I(X;Y) two modes")
for _, r in ipairs{{4, 1.274311, 0.686525}, {5, 1.561993, 0.751063}, {10, 2.372924, 0.868846}, {100, 4.770819, 0.964156}} do
  close(c2:at(r[2] / ln2) * ln2, r[3], 1e-6, "two-mode curve at beta " .. r[1])
end
-- below the kink the curve is the 1-D one
close(c2:at(0.725005 / ln2) * ln2, 0.483792, 1e-6, "two modes below beta = 4")
-- the kink itself is a point of the curve
local found = false
local raw = c2:raw()
for i = 1, raw:size(1) do
  if math.abs(raw:get(i, 1) - 4) < 1e-9 then
    close(raw:get(i, 2) * ln2, 1.274311, 1e-6, "I_X at the kink"); close(raw:get(i, 3) * ln2, 0.686525, 1e-6, "I_Y at the kink")
    found = true
  end
end
assert(found, "critical beta 4 is among the points")
-- a rotated basis gives the same curve
local s = math.sqrt(0.5)
local cr = ib.gaussian(tensor.new{{1, 0}, {0, 1}}, tensor.new{{0.9 * s, -0.5 * s}, {0.9 * s, 0.5 * s}}, tensor.new{{1, 0}, {0, 1}})
close(cr:at(2), c2:at(2), 1e-9, "rotation invariance")

-- bad input
local ok, err = pcall(ib.gaussian, 1, 1.5, 1)
assert(not ok and err:find("positive definite"), "impossible covariance rejected: " .. tostring(err))
ok, err = pcall(ib.gaussian, tensor.new{{1, 0}, {0, 1}}, tensor.new{{0.5}}, 1)
assert(not ok and err:find("cov_xy must be 2x1"), "shape mismatch rejected: " .. tostring(err))
ok, err = pcall(ib.gaussian, tensor.new{{1, 0.5}, {0.2, 1}}, tensor.new{{0.5}, {0}}, 1)
assert(not ok and err:find("symmetric"), "asymmetric cov rejected: " .. tostring(err))
print("OK")
