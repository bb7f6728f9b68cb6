-- mi.ksg: correlated Gaussians against -1/2 ln(1 - rho^2), independence, saturation, brute force == k-d tree.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local U = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/mi_util.lua")
local near, fails = check.close, check.fails

-- 1-D correlated Gaussians, tolerances of the reference (single fixed seed): 0.10 nats at N = 1e3,
-- 0.04 at N = 1e4. Truth: rho = 0.5 -> 0.143841, 0.9 -> 0.830366, 0.99 -> 1.958518 nats.
local truth = {[0.5] = 0.143841, [0.9] = 0.830366, [0.99] = 1.958518}
for _, rho in ipairs{0.5, 0.9, 0.99} do
  near(-0.5 * math.log(1 - rho * rho), truth[rho], 1e-6, "formula at rho = " .. rho)
  local x, y = U.gaussian_pairs(1000, 1, rho, 11)
  for alg = 1, 2 do
    near(mi.ksg(x, y, {k = 3, unit = "nats", algorithm = alg}), truth[rho], 0.10,
      string.format("KSG%d, N = 1e3, rho = %g", alg, rho))
  end
end
local x4, y4 = U.gaussian_pairs(10000, 1, 0.9, 12)
near(mi.ksg(x4, y4, {k = 3, unit = "nats"}), 0.830366, 0.04, "KSG1, N = 1e4, rho = 0.9")
near(mi.ksg(x4, y4, {k = 3, unit = "nats", algorithm = 2}), 0.830366, 0.04, "KSG2, N = 1e4, rho = 0.9")
near(mi.ksg(x4, y4, {k = 5, unit = "nats"}), 0.830366, 0.04, "KSG1 k = 5, N = 1e4")
-- Bits are nats / ln 2 (the default unit).
near(mi.ksg(x4, y4), mi.ksg(x4, y4, {unit = "nats"}) / math.log(2), 1e-12, "bits")

-- Multi-D: two independent pairs at rho = 0.9, truth 2 * 0.830366 = 1.660731 nats (determinant formula).
local x2, y2 = U.gaussian_pairs(10000, 2, 0.9, 13)
near(mi.ksg(x2, y2, {unit = "nats"}), 1.660731, 0.06, "KSG1 2-D/2-D, N = 1e4")
near(mi.ksg(x2, y2, {unit = "nats", algorithm = 2}), 1.660731, 0.06, "KSG2 2-D/2-D, N = 1e4")
-- Three pairs, N = 1000: KSG under-estimates (reference mean error -0.32 for algorithm 1).
local x3, y3 = U.gaussian_pairs(1000, 3, 0.9, 14)
local v3 = mi.ksg(x3, y3, {unit = "nats"})
assert(v3 < 2.4911 and v3 > 2.4911 - 0.6, "3-D/3-D at N = 1e3 under-estimates moderately: " .. v3)

-- Independent variables: estimates scatter around 0 with both signs (never clipped).
local neg, pos, sum = 0, 0, 0
for seed = 1, 10 do
  local xi, yi = U.gaussian_pairs(1000, 1, 0, 100 + seed)
  local v = mi.ksg(xi, yi, {unit = "nats"})
  assert(math.abs(v) < 0.08, "independent estimate " .. v)
  sum = sum + v
  if v < 0 then neg = neg + 1 else pos = pos + 1 end
end
assert(neg > 0 and pos > 0, "independent estimates take both signs: " .. neg .. " negative, " .. pos .. " positive")
near(sum / 10, 0, 0.02, "mean over 10 independent samples")

-- Deterministic relation: KSG saturates at psi(N) - psi(k) = sum_{i=k}^{N-1} 1/i (5.98 at N = 1e3, k = 3).
local sat = 0
for i = 3, 999 do sat = sat + 1 / i end
near(sat, 5.98, 0.01, "psi(1000) - psi(3)")
local xd = U.gaussian_pairs(1000, 1, 0, 21)
local cube = {}
for i = 1, 1000 do cube[i] = xd:get(i, 1) ^ 3 end
-- Without noise y = x gives exactly psi(N) - psi(k); the tie-breaking noise moves one of the two
-- marginal counts from k - 1 to k, giving psi(N) - psi(k + 1) = sat - 1/k (scikit-learn: 5.6511).
near(mi.ksg(xd, xd, {unit = "nats", noise = 0}), sat, 1e-9, "I(x; x) without noise")
local v = mi.ksg(xd, xd, {unit = "nats"})
assert(v >= sat - 1 / 3 - 0.02 and v <= sat + 0.02, "I(x; x) saturates: " .. v)
v = mi.ksg(xd, tensor.new(cube), {unit = "nats", algorithm = 2})
assert(v >= sat - 1 / 3 - 0.05 and v <= sat + 0.05, "I(x; x^3) saturates (algorithm 2): " .. v)

-- Brute force (the oracle) and the k-d tree give identical numbers, both algorithms, multi-D.
local xb, yb = U.gaussian_pairs(1000, 3, 0.6, 31)
local yb2 = yb:clone()
for alg = 1, 2 do
  for _, k in ipairs{1, 3, 8} do
    local a = mi.ksg(xb, yb2, {k = k, algorithm = alg, unit = "nats"})
    local b = mi.ksg(xb, yb2, {k = k, algorithm = alg, unit = "nats", brute = true})
    assert(a == b, string.format("tree %.17g != brute %.17g (algorithm %d, k = %d)", a, b, alg, k))
  end
end
-- Ties without noise (a coarse grid): exact duplicates leave no k-th neighbour distance, a clear error.
local grid, gy = {}, {}
for i = 1, 500 do grid[i] = {i % 7, (i * 3) % 5}; gy[i] = (i % 7 + i % 3) % 4 end
check.fails("mi.ksg: row", mi.ksg, tensor.new(grid), tensor.new(gy), {noise = 0})
check.fails("use noise > 0", mi.ksg, tensor.new(grid), tensor.new(gy), {noise = 0, discrete_y = false})
local a = mi.ksg(tensor.new(grid), tensor.new(gy), {discrete_y = false})
local b = mi.ksg(tensor.new(grid), tensor.new(gy), {discrete_y = false, brute = true})
assert(a == b, "tree and brute force agree on tied data with noise")
-- All-identical data with noise = 0: a constant shares no information.
assert(mi.ksg(tensor.ones(50, 2), tensor.ones(50, 1), {noise = 0}) == 0, "constant data give 0")
-- Huge finite values are standardised without overflow: x = y with one value 1e300 stays finite and below
-- the saturation psi(n) - psi(k).
local hx = tensor.randn(400, 1, {seed = 4})
hx:set(7, 1, 1e300)
-- (the noise is scaled by the robust spread and columns are scaled, not centred, so x = y still saturates
-- at psi(n) - psi(k + 1) = psi(400) - psi(4) = 5.99020 - 1.25612 nats instead of dropping to 0)
local hv = mi.ksg(hx, hx:clone(), {unit = "nats"})
near(hv, 5.99020 - 1.25612, 0.05, "x = y with one value 1e300")
hx:set(7, 1, 1.7e308)
local hv2 = mi.ksg(hx, hx:clone(), {unit = "nats"})
near(hv2, 5.99020 - 1.25612, 0.05, "x = y with one value 1.7e308")
-- A huge value is rescaled away exactly when normalize = true: scaling all values gives the same estimate.
local xs8, ys8 = U.gaussian_pairs(300, 1, 0.8, 9)
near(mi.ksg(xs8 * 1e200, ys8 * 1e200), mi.ksg(xs8, ys8), 1e-9, "scale invariance at 1e200")

-- 1-D marginals use sorted arrays: exact agreement with brute force, continuous and tied data.
local xs1, ys1 = U.gaussian_pairs(2500, 1, 0.9, 15)
for alg = 1, 2 do
  assert(mi.ksg(xs1, ys1, {algorithm = alg, k = 4}) == mi.ksg(xs1, ys1, {algorithm = alg, k = 4, brute = true}),
    "1-D tree == brute force, algorithm " .. alg)
end
local tx, ty = {}, {}
for i = 1, 400 do tx[i] = i % 5; ty[i] = (i * 7) % 3 + (i % 5 == 0 and 1 or 0) end
for _, k in ipairs{1, 3, 10} do
  a = mi.ksg(tensor.new(tx), tensor.new(ty), {noise = 0, k = k, algorithm = 2, discrete_y = false})
  b = mi.ksg(tensor.new(tx), tensor.new(ty), {noise = 0, k = k, algorithm = 2, discrete_y = false, brute = true})
  assert(a == b, "1-D tied data: tree " .. a .. " == brute " .. b .. " at k = " .. k)
end
-- Same seed, same bits; another seed moves only the tie-breaking noise.
assert(mi.ksg(x4, y4, {seed = 5}) == mi.ksg(x4, y4, {seed = 5}), "seeded noise is reproducible")
near(mi.ksg(x4, y4, {seed = 5}), mi.ksg(x4, y4, {seed = 6}), 1e-6, "noise only breaks ties")

-- Discrete y (Ross 2014): y = [x > 0] gives I = H(Y) = ln 2 nats.
local xc = U.gaussian_pairs(4000, 1, 0, 41)
local lab = {}
for i = 1, 4000 do lab[i] = xc:get(i, 1) > 0 and 1 or 0 end
near(mi.ksg(xc, tensor.new(lab), {discrete_y = true, unit = "nats"}), math.log(2), 0.03, "mixed KSG, y = [x > 0]")
-- 0/1 labels are recognised without the option (integers, at most 16 values); discrete_y = false opts out.
assert(mi.ksg(xc, tensor.new(lab), {unit = "nats"}) == mi.ksg(xc, tensor.new(lab), {discrete_y = true, unit = "nats"}),
  "labels detected")
-- Labels independent of x: near 0.
local rl = {}
for i = 1, 4000 do rl[i] = i % 2 end
near(mi.ksg(xc, tensor.new(rl), {discrete_y = true, unit = "nats"}), 0, 0.03, "mixed KSG, independent labels")
assert(mi.ksg(xc, tensor.new(lab), {discrete_y = true}) ==
  mi.ksg(xc, tensor.new(lab), {discrete_y = true, brute = true}), "mixed KSG: tree == brute force")

-- Permutation test and bootstrap around KSG (seeded): dependence gives p = 1/(n+1), independence a large p;
-- the bootstrap interval of a correlated pair brackets the estimate.
local xp, yp = U.gaussian_pairs(500, 1, 0.9, 51)
local p1 = mi.permutation_test("ksg", xp, yp, {n = 19, seed = 4, args = {unit = "nats"}})
assert(p1 == 1 / 20, "dependent: p = " .. p1)
local xq, yq = U.gaussian_pairs(500, 1, 0, 52)
local p2, obs2, null2 = mi.permutation_test("ksg", xq, yq, {n = 19, seed = 4, args = {unit = "nats"}})
assert(p2 > 0.05, "independent: p = " .. p2 .. " (observed " .. obs2 .. ")")
local neg = 0
for i = 1, 19 do if null2:get(i) < 0 then neg = neg + 1 end end
assert(neg > 0, "unclipped surrogates include negative values")
local est, lo, hi = mi.bootstrap("gaussian", xp, yp, {n = 50, seed = 6, args = {unit = "nats"}})
assert(lo <= est and est <= hi and hi - lo < 0.4, string.format("bootstrap [%g, %g] around %g", lo, hi, est))

-- Bad input.
fails("k = 5 must be smaller than the number of rows (5)", mi.ksg, tensor.new{1, 2, 3, 4, 5}, tensor.new{1, 2, 3, 4, 5}, {k = 5})
fails("k must be at least 1", mi.ksg, x4, y4, {k = 0})
fails("algorithm must be 1 or 2", mi.ksg, x4, y4, {algorithm = 3})
fails("x has 10000 rows but y has 1000", mi.ksg, x4, xd)
local bad = tensor.new{1, 2, 3, 4, 5}
bad:set(3, 0 / 0)
fails("non-finite value", mi.ksg, bad, tensor.new{1, 2, 3, 4, 5})
fails("mi.ksg: argument #1 is empty", mi.ksg, tensor.zeros(0), tensor.zeros(0))
fails("unknown option 'neighbours'", mi.ksg, x4, y4, {neighbours = 3})

-- High dimension (20 x 20): the default scan and the forced k-d tree give identical bits, both algorithms.
local xh, yh = U.gaussian_pairs(600, 20, 0.6, 77)
for alg = 1, 2 do
  local auto = mi.ksg(xh, yh, {algorithm = alg})
  assert(auto == mi.ksg(xh, yh, {algorithm = alg, brute = false}), "scan == tree in 20 x 20, algorithm " .. alg)
  assert(auto == mi.ksg(xh, yh, {algorithm = alg, brute = true}), "auto == scan in 20 x 20, algorithm " .. alg)
end
-- rank = true equals KSG on the rank-Gaussianised data, and is invariant under increasing transforms.
local xr, yr = U.gaussian_pairs(800, 2, 0.7, 78)
local r0 = mi.ksg(xr, yr, {rank = true})
local ex = {}
for i = 1, 800 do ex[i] = {math.exp(xr:get(i, 1)), xr:get(i, 2) ^ 3} end
assert(mi.ksg(tensor.new(ex), yr, {rank = true}) == r0, "rank KSG is invariant under increasing transforms")
near(r0, 2 * -0.5 * math.log(1 - 0.49) / math.log(2), 0.15, "rank KSG of Gaussian pairs (bits)")
print("OK")
