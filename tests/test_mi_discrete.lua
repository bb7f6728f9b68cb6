-- mi.entropy and mi.discrete: uniform entropies, Miller-Madow bias figures, G-test p-values.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local near, fails = check.close, check.fails

-- Discrete uniform on M symbols: log2 M bits (each symbol repeated 3 times).
for _, m in ipairs{1, 2, 8, 10, 256} do
  local v = {}
  for i = 0, 3 * m - 1 do v[#v + 1] = i % m end
  near(mi.entropy(tensor.new(v)), math.log(m, 2), 1e-12, "uniform entropy on " .. m .. " symbols")
end
near(mi.entropy(tensor.new{0, 0, 0, 1}, {unit = "nats"}), -(0.75 * math.log(0.75) + 0.25 * math.log(0.25)), 1e-14, "h(1/4) nats")
-- Rows are joint symbols: {0,1},{1,0},{0,1},{1,1} -> counts 2,1,1 -> 1.5 bits.
near(mi.entropy(tensor.new{{0, 1}, {1, 0}, {0, 1}, {1, 1}}), 1.5, 1e-12, "joint-symbol entropy")
-- Miller-Madow adds (m - 1) / (2n) nats: 4 symbols in 8 samples -> + 3/16 nats.
near(mi.entropy(tensor.new{0, 1, 2, 3, 0, 1, 2, 3}, {unit = "nats", correction = "miller-madow"}),
  math.log(4) + 3 / 16, 1e-14, "Miller-Madow on a small sample")

-- Plug-in bias (reference: uniform on 8 symbols, H = 2.07944 nats; plug-in / Miller-Madow means
-- 2.0077 / 2.0776 at N = 50 and 2.0621 / 2.0796 at N = 200).
math.randomseed(12345)
local function mean_entropies(n, reps)
  local sp, sm = 0, 0
  for _ = 1, reps do
    local v = {}
    for i = 1, n do v[i] = math.random(0, 7) end
    local t = tensor.new(v)
    sp = sp + mi.entropy(t, {unit = "nats"})
    sm = sm + mi.entropy(t, {unit = "nats", correction = "miller-madow"})
  end
  return sp / reps, sm / reps
end
local p50, m50 = mean_entropies(50, 2000)
near(p50, 2.0077, 0.004, "plug-in mean at N = 50")
near(m50, 2.0776, 0.004, "Miller-Madow mean at N = 50")
local p200, m200 = mean_entropies(200, 1000)
near(p200, 2.0621, 0.002, "plug-in mean at N = 200")
near(m200, 2.0796, 0.002, "Miller-Madow mean at N = 200")

-- Hand-computed MI: (0,0) x2, (1,1) x2, (0,1), (1,0): I = 1 - h(1/3) bits;
-- G = 2 * 6 * I_nats = 0.67960, chi-square(1) survival 0.40972582 (scipy).
local x = tensor.new{0, 0, 1, 1, 0, 1}
local y = tensor.new{0, 0, 1, 1, 1, 0}
local h13 = -(1 / 3 * math.log(1 / 3, 2) + 2 / 3 * math.log(2 / 3, 2))
local bits, p, how = mi.discrete(x, y, {pvalue = "g"})
assert(how == "g", "forced G-test")
near(bits, 1 - h13, 1e-12, "2x2 MI")
near(p, 0.40972582406332, 1e-9, "2x2 G-test p-value")
local nats = mi.discrete(x, y, {unit = "nats"})
near(nats, (1 - h13) * math.log(2), 1e-12, "2x2 MI in nats")
-- Identical variables: I = H, tiny p-value; independent-by-construction table: I = 0, p = 1.
bits, p = mi.discrete(tensor.new{0, 1, 2, 3, 0, 1, 2, 3}, tensor.new{0, 1, 2, 3, 0, 1, 2, 3})
near(bits, 2, 1e-12, "I(X;X) = H(X)")
assert(p < 0.05, "dependent p-value " .. p)  -- permutation p-value (8 rows): the exact one is 1/105 plus Monte Carlo error
bits, p = mi.discrete(tensor.new{0, 0, 1, 1}, tensor.new{0, 1, 0, 1}, {pvalue = "g"})
near(bits, 0, 1e-15, "independent table")
near(p, 1, 1e-12, "independent table p-value")
-- Constant variable: zero degrees of freedom -> p = 1.
bits, p = mi.discrete(tensor.new{5, 5, 5}, tensor.new{0, 1, 2})
assert(bits == 0 and p == 1, "constant x")

-- Independent 10 x 10 at N = 1000: E[I] = 81 / 2000 = 0.0405 nats (measured mean 0.04195, std 0.006);
-- p-values of the G-test are roughly uniform.
local si, sp, reps = 0, 0, 60
for _ = 1, reps do
  local a, b = {}, {}
  for i = 1, 1000 do a[i] = math.random(0, 9); b[i] = math.random(0, 9) end
  local v, pv = mi.discrete(tensor.new(a), tensor.new(b), {unit = "nats"})
  si, sp = si + v, sp + pv
end
near(si / reps, 0.0415, 0.003, "mean plug-in MI of independent 10x10 at N = 1000")
near(sp / reps, 0.5, 0.12, "mean G-test p-value under independence")

-- Bad input.
fails("mi.discrete: x has 3 rows but y has 2", mi.discrete, tensor.new{0, 1, 2}, tensor.new{0, 1})
fails("mi.entropy: argument #1 is empty", mi.entropy, tensor.zeros(0))
local bad = tensor.new{0, 1}
bad:set(2, 1 / 0)
fails("non-finite value", mi.entropy, bad)
fails("correction must be", mi.entropy, x, {correction = "jackknife"})


-- Sparse tables: the G-test's chi-square is far too small there, so "auto" switches to permutations.
-- The 2x2 table above (n = 6, expected counts 1.5) fails Cochran's rule: exact permutation p-value.
-- y = (0,0,1,1,1,0) against x = (0,0,1,1,0,1): of the 20 equally likely y arrangements with three 1s,
-- the plug-in MI is at least the observed value for 2 x (1 + 9) = 20 ... checked against the estimate below.
local _, pa, howa = mi.discrete(x, y)
assert(howa == "permutation", "sparse 2x2 uses permutations, got " .. tostring(howa))
-- Exact permutation distribution: y's 20 distinct arrangements with three ones, each equally likely;
-- I_perm >= I_obs unless the arrangement splits 2:1 the other way round... computed by enumeration here.
local obs = mi.discrete(x, y, {pvalue = "g", unit = "nats"})
local atleast, total = 0, 0
for m = 0, 63 do
  local ys, ones = {}, 0
  for i = 1, 6 do ys[i] = (m >> (i - 1)) & 1; ones = ones + ys[i] end
  if ones == 3 then
    total = total + 1
    if mi.discrete(x, tensor.new(ys), {pvalue = "g", unit = "nats"}) >= obs - 1e-12 then atleast = atleast + 1 end
  end
end
near(pa, (1 + 999 * atleast / total) / 1000, 0.03, "permutation p-value near the exact " .. atleast .. "/" .. total)
-- Same seed, same p-value; the seed option changes the draws.
local _, pb = mi.discrete(x, y)
assert(pa == pb, "deterministic permutation p-value")
-- Independent 100 x 100 table at n = 20000 (expected counts 2): the G-test says p ~ 1e-23, the permutation
-- p-value is not small.
local ai, bi = tensor.rand(20000, {seed = 5}), tensor.rand(20000, {seed = 6})
local av, bv = {}, {}
for i = 1, 20000 do av[i] = math.floor(ai:get(i) * 100); bv[i] = math.floor(bi:get(i) * 100) end
local _, pg = mi.discrete(tensor.new(av), tensor.new(bv), {pvalue = "g"})
assert(pg < 1e-6, "the chi-square approximation is anti-conservative here: " .. pg)
local _, pp, howp = mi.discrete(tensor.new(av), tensor.new(bv), {permutations = 99})
assert(howp == "permutation" and pp > 0.05, "permutation p-value of an independent sparse table: " .. pp)
-- A dense table keeps the G-test.
local _, _, howd = mi.discrete(tensor.new{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
  tensor.new{0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1})
assert(howd == "g", "expected counts 5 keep the G-test")
check.fails("mi.discrete: pvalue must be", mi.discrete, x, y, {pvalue = "exact"})
print("OK")
