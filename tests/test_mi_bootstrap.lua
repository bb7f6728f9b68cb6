-- mi.bootstrap (delete-d jackknife): coverage of the true MI of correlated Gaussians, intervals that contain
-- their estimate, determinism by seed.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local U = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/mi_util.lua")
local fails = check.fails

-- Coverage of 95 % intervals for n = 300, rho = 0.6 (truth -1/2 ln(1 - 0.36) = 0.2231 nats) over seeded data sets.
local truth = -0.5 * math.log(1 - 0.36)
local function coverage(est, sets, reps)
  local hit = 0
  for s = 1, sets do
    local x, y = U.gaussian_pairs(300, 1, 0.6, 1000 + s)
    local e, lo, hi = mi.bootstrap(est, x, y, {n = reps, seed = s, args = {unit = "nats"}})
    assert(lo <= e and e <= hi, string.format("%s: interval [%g, %g] excludes its estimate %g", est, lo, hi, e))
    if lo <= truth and truth <= hi then hit = hit + 1 end
  end
  return hit / sets
end
local cg = coverage("gaussian", 100, 100)
assert(cg >= 0.9, "mi.gaussian coverage " .. cg)
local ck = coverage("ksg", 30, 60)
assert(ck >= 0.9, "mi.ksg coverage " .. ck)
print(string.format("coverage: gaussian %.2f, ksg %.2f", cg, ck))

-- Same seed, same bits; intervals are not degenerate.
local x, y = U.gaussian_pairs(300, 1, 0.6, 7)
local e1, l1, h1 = mi.bootstrap("ksg", x, y, {n = 50, seed = 3})
local e2, l2, h2 = mi.bootstrap("ksg", x, y, {n = 50, seed = 3})
assert(e1 == e2 and l1 == l2 and h1 == h2, "deterministic by seed")
assert(h1 - l1 > 0.01 and h1 - l1 < 1, "interval width " .. (h1 - l1))
-- Any Lua function plugs in.
local calls = 0
local function corr2(a, b) calls = calls + 1 return mi.gaussian(a, b) end
local e3, l3, h3, samples = mi.bootstrap(corr2, x, y, {n = 20})
assert(calls == 21 and samples:size(1) == 20 and l3 <= e3 and e3 <= h3, "Lua estimator")
fails("mi.bootstrap: option 'fraction' must be in (0, 1)", mi.bootstrap, "ksg", x, y, {fraction = 1})
fails("mi.bootstrap: unknown option 'size'", mi.bootstrap, "ksg", x, y, {size = 1})
print("OK")
