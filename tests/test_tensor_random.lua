-- Random tensors: seeds (number, {seed = s}, ibsh.Rng) reproduce bits; ranges and moments are right.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local T = require "ibsh.tensor"

local function equal(a, b) return (a - b):abs():max() == 0 end

-- the same seed gives the same bits, in every spelling
local a = T.rand(100, 1, {seed = 42})
assert(a:size(1) == 100 and a:size(2) == 1, "rand(n, 1) shape")
assert(equal(a, T.rand(100, 1, {seed = 42})), "same {seed} same values")
assert(equal(a, T.rand({100, 1}, {seed = 42})), "a shape table and a seed")
assert(equal(a, T.rand({100, 1}, 42)), "the old form: a shape table and a plain seed (deprecated)")

-- every number is a size, for every constructor (issue 18)
assert(T.randn(2, 3, 4):dim() == 3, "randn(2, 3, 4) is 3-d")
assert(T.rand(2, 3, 4):size(3) == 4 and T.zeros(2, 3, 4):size(3) == 4, "rand and zeros agree")
assert(T.randint(0, 1, 2, 3, 4):dim() == 3, "randint(lo, hi, 2, 3, 4) is 3-d")
assert(equal(T.randn(2, 3, 4, {seed = 1}), T.randn({2, 3, 4}, {seed = 1})), "numbers and a table give the same shape")
assert(equal(a, T.rand(100, 1, T.rng(42))), "a fresh generator with the same seed")
assert(not equal(a, T.rand(100, 1, {seed = 43})), "another seed, other values")
assert(a:min() >= 0 and a:max() < 1, "uniform in [0, 1)")

-- a generator object advances: two draws differ, a clone replays
local r = T.rng(7)
local r2 = r:clone()
local x1, x2 = T.randn(3, 3, r), T.randn(3, 3, r)
assert(not equal(x1, x2), "the generator advances")
assert(equal(x1, T.randn(3, 3, r2)), "a clone replays the stream")
assert(equal(x1, T.randn(3, 3, T.rng.new(7))), "tensor.rng.new is tensor.rng")
assert(tostring(r):find("ibsh.Rng", 1, true), "Rng tostring")
local u = T.rng(1):uniform()
assert(u >= 0 and u < 1, "Rng:uniform")
local k = T.rng(1):randint(1, 6)
assert(k >= 1 and k <= 6 and math.type(k) == "integer", "Rng:randint")

-- the default generator is reseedable
T.manual_seed(5)
local d1 = T.randn(4)
T.manual_seed(5)
assert(equal(d1, T.randn(4)), "manual_seed reproduces the default stream")
assert(T.randn(3, 4):size(2) == 4, "randn(n, m) without a seed")

-- moments of a large sample (n = 200000: standard errors ~0.002)
local z = T.randn(200000, {seed = 1})
assert(math.abs(z:mean()) < 0.01, "normal mean ~ 0: " .. z:mean())
assert(math.abs(z:std() - 1) < 0.01, "normal std ~ 1: " .. z:std())
local uu = T.rand(200000, {seed = 2})
assert(math.abs(uu:mean() - 0.5) < 0.005, "uniform mean ~ 1/2")
assert(math.abs(uu:var() - 1 / 12) < 0.002, "uniform var ~ 1/12")

-- randint: inclusive range, every value hit; randperm: a permutation of 1..n
local ri = T.randint(-2, 2, 10000, {seed = 3})
assert(ri:min() == -2 and ri:max() == 2, "randint covers lo..hi inclusive")
assert(ri:eq(ri:round()):sum() == 10000, "randint gives integers")
local vals, counts = ri:unique()
assert(vals:numel() == 5 and counts:min() > 1800, "randint roughly uniform")
local perm = T.randperm(1000, 9)   -- the old form, deprecated
local sorted = perm:sort()
assert(equal(sorted, T.arange(1, 1001)), "randperm is a permutation of 1..n")
assert(equal(perm, T.randperm(1000, {seed = 9})), "randperm reproducible")

-- bad seeds and shapes
check.fails("tensor.rand", function() T.rand(2, 2, "x") end)  -- string seed
check.fails("sizes must be integers", function() T.rand(2, 2, 1.5) end)  -- fractional size
check.fails("seed must be an integer", function() T.rand(2, 2, {seed = 1.5}) end)  -- fractional seed
check.fails("tensor.rand", function() T.rand(2, 2, {sed = 1}) end)  -- option typo
check.fails("empty range", function() T.randint(3, 1, 4) end)  -- empty randint range
print("OK")
