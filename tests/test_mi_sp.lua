-- mi.sp (sample propagation, Goldfeld et al. 2019) against numerical integration of the Gaussian mixture's
-- entropy in 1-D and 2-D, I(T;Y) likewise, merged equal rows, limits, thread independence, mi.clustering on a
-- hand-computed case, mi.infoplane with estimator "sp", and bad input.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local near, fails = check.close, check.fails
local LN2 = math.log(2)

-- Differential entropy in nats of the mixture sum_k w_k N(c_k, sigma^2 I) (d = 1 or 2) by the midpoint rule.
local function mixture_entropy(centres, weights, sigma, dim)
  local lo, hi = math.huge, -math.huge
  for _, c in ipairs(centres) do
    for j = 1, dim do lo = math.min(lo, c[j]); hi = math.max(hi, c[j]) end
  end
  lo, hi = lo - 9 * sigma, hi + 9 * sigma
  local steps = dim == 1 and 20000 or 500
  local dx = (hi - lo) / steps
  local norm = 1 / (2 * math.pi * sigma * sigma) ^ (dim / 2)
  local h = 0
  local function add(x, y)
    local p = 0
    for k, c in ipairs(centres) do
      local r2 = (x - c[1]) ^ 2 + (dim == 2 and (y - c[2]) ^ 2 or 0)
      p = p + weights[k] * norm * math.exp(-r2 / (2 * sigma * sigma))
    end
    if p > 0 then h = h - p * math.log(p) end
  end
  for i = 0, steps - 1 do
    local x = lo + (i + 0.5) * dx
    if dim == 1 then add(x) else for j = 0, steps - 1 do add(x, lo + (j + 0.5) * dx) end end
  end
  return h * dx ^ dim
end

-- h(Z) of N(0, sigma^2 I_dim) in nats.
local function hz(sigma, dim) return dim / 2 * math.log(2 * math.pi * math.exp(1) * sigma * sigma) end

-- Rows of a Lua array of points as uniform weights.
local function uniform(points)
  local w = {}
  for k = 1, #points do w[k] = 1 / #points end
  return w
end

-- 1. 1-D: five points, sigma 0.5, 20000 draws per row: within 4 standard errors and 0.01 bits of the integral.
local pts = {{0}, {0.3}, {1}, {2.5}, {-1.2}}
local sigma = 0.5
local truth = (mixture_entropy(pts, uniform(pts), sigma, 1) - hz(sigma, 1)) / LN2
local est, se = mi.sp(tensor.new(pts), {noise = sigma, samples = 20000, seed = 3})
assert(se > 0 and se < 0.01, "1-D standard error " .. se)
assert(math.abs(est - truth) < 4 * se + 1e-3, ("1-D: %.5f vs integral %.5f (se %.5f)"):format(est, truth, se))
local en = mi.sp(tensor.new(pts), {noise = sigma, samples = 20000, seed = 3, unit = "nats"})
near(en, est * LN2, 1e-12, "nats")

-- 2. 2-D: six points, sigma 0.4.
local p2 = {{0, 0}, {1, 0}, {0, 1}, {1, 1.2}, {-0.5, 2}, {3, 3}}
local t2 = (mixture_entropy(p2, uniform(p2), 0.4, 2) - hz(0.4, 2)) / LN2
local e2, s2 = mi.sp(tensor.new(p2), {noise = 0.4, samples = 20000, seed = 5})
assert(math.abs(e2 - t2) < 4 * s2 + 1e-3, ("2-D: %.5f vs integral %.5f (se %.5f)"):format(e2, t2, s2))

-- 3. Equal rows are one component of weight 2/3: the same value as the weighted mixture's integral.
local tw = (mixture_entropy({{0}, {1}}, {2 / 3, 1 / 3}, 0.3, 1) - hz(0.3, 1)) / LN2
local ew, sw = mi.sp(tensor.new{{0}, {1}, {0}}, {noise = 0.3, samples = 20000, seed = 2})
assert(math.abs(ew - tw) < 4 * sw + 1e-3, ("weighted: %.5f vs %.5f"):format(ew, tw))

-- 4. I(T;Y) = h(T) - sum_y p(y) h(T|y) by integration (1-D, two classes of two points each).
local py = {{0}, {0.8}, {2}, {2.6}}
local yy = tensor.new{0, 0, 1, 1}
local ht = mixture_entropy(py, uniform(py), 0.5, 1)
local h0 = mixture_entropy({{0}, {0.8}}, {0.5, 0.5}, 0.5, 1)
local h1 = mixture_entropy({{2}, {2.6}}, {0.5, 0.5}, 0.5, 1)
local ity_truth = (ht - 0.5 * h0 - 0.5 * h1) / LN2
local ixt, sx, ity, sy = mi.sp(tensor.new(py), {noise = 0.5, samples = 20000, seed = 9, y = yy})
assert(math.abs(ixt - ((ht - hz(0.5, 1)) / LN2)) < 4 * sx + 1e-3, "I(X;T) with labels")
assert(sy > 0 and math.abs(ity - ity_truth) < 4 * sy + 1e-3, ("I(T;Y): %.5f vs %.5f (se %.5f)"):format(ity, ity_truth, sy))

-- 5. Limits: far-apart rows give log2 n; identical rows give 0 (up to the Monte Carlo error).
local far = {}
for i = 1, 64 do far[i] = {i * 100, -i * 50} end
local ef, sf = mi.sp(tensor.new(far), {noise = 1, samples = 50})
near(ef, 6, 1e-9, "far-apart rows: log2 64")
local same = tensor.zeros(32, 3)
local e0, s0 = mi.sp(same, {noise = 0.2, samples = 200})
assert(math.abs(e0) < 4 * s0 + 1e-9, "identical rows: 0")

-- 6. The bits do not depend on the number of threads, and the seed matters.
tensor.manual_seed(4)
local s = tensor.randn(300, 4)
local a1, b1 = mi.sp(s, {noise = 0.5, samples = 30, seed = 1, threads = 1})
local a2, b2 = mi.sp(s, {noise = 0.5, samples = 30, seed = 1, threads = 2})
local a3 = mi.sp(s, {noise = 0.5, samples = 30, seed = 1, threads = 3})
assert(a1 == a2 and b1 == b2 and a1 == a3, "thread count changed the bits")
assert(mi.sp(s, {noise = 0.5, samples = 30, seed = 2}) ~= a1, "seed ignored")
-- overlapping components: well above 0, below log2 300
assert(a1 <= math.log(300, 2) + 4 * b1 and a1 > 3, "I(X;T) range " .. a1)

-- 6b. The standard error is the spread of the estimate over seeds: 60 seeds of 64 rows, 20 draws each; the sd of the
--     estimates has a relative error of about 1 / sqrt(2 * 59) = 9 %, so the ratio must lie within 0.7 .. 1.3.
tensor.manual_seed(7)
local s6 = tensor.randn(64, 2)
local ns, sum, sum2, sse = 60, 0, 0, 0
for seed = 1, ns do
  local e, se = mi.sp(s6, {noise = 0.5, samples = 20, seed = seed})
  sum, sum2, sse = sum + e, sum2 + e * e, sse + se
end
local mean6 = sum / ns
local sd6 = math.sqrt((sum2 - ns * mean6 * mean6) / (ns - 1))
assert(sd6 / (sse / ns) > 0.7 and sd6 / (sse / ns) < 1.3, ("se %.4f vs spread over seeds %.4f"):format(sse / ns, sd6))

-- 7. mi.clustering: two classes at 0 / 0.1 and 5 / 5.1: within = 0.1 / mean(all 6 distances).
local within, close = mi.clustering(tensor.new{{0}, {0.1}, {5}, {5.1}}, tensor.new{0, 0, 1, 1}, {radius = 0.5})
near(within, 0.1 / (20.2 / 6), 1e-12, "within-class ratio")
near(close, 2 / 6, 1e-12, "close pairs")
local w2, c2 = mi.clustering(tensor.new{{0}, {1}})
assert(w2 ~= w2 and c2 ~= c2, "NaN without labels or radius")

-- 8. mi.infoplane with estimator "sp" on a noise-injected run: shape, lo <= estimate <= hi, agreement with mi.sp.
local full = data.tishby()
local idx = {}
for i = 1, 128 do idx[i] = i * 29 % 4096 + 1 end
local d = full:subset(idx)
local run = nn.mlp{12, 6, 3, 2, noise = 0.2, seed = 1}:fit(d, {epochs = 4, quiet = true, snapshots = {0, 4}})
local plane, epochs, lo, hi = mi.infoplane(run, d, {estimator = "sp", samples = 50})
local ns, nl, two = plane:size()
assert(ns == 2 and nl == 3 and two == 2 and epochs:get(2) == 4, "plane shape")
for i = 1, 2 do for l = 1, 3 do for k = 1, 2 do
  assert(lo:get(i, l, k) <= plane:get(i, l, k) and plane:get(i, l, k) <= hi:get(i, l, k), "lo <= est <= hi")
end end end
local acts = run:activations(4, d.x)
local want = mi.sp(acts[2], {noise = 0.2, samples = 50, y = d.y})
near(plane:get(2, 2, 1), want, 0, "infoplane sp = mi.sp of the noiseless layer")
fails("needs a noise-injected run", mi.infoplane, nn.mlp{12, 2}:fit(d, {epochs = 1, quiet = true}), d, {estimator = "sp"})

-- 9. Bad input.
fails("mi.sp: option 'noise' (the std of the layer's Gaussian noise) is required", mi.sp, tensor.new{{0}, {1}}, {samples = 5})
fails("mi.sp: needs options", mi.sp, tensor.new{{0}, {1}})
fails("mi.sp: noise must be a positive finite number, got -1", mi.sp, tensor.new{{0}, {1}}, {noise = -1})
fails("mi.sp: samples must be 1 to 1e8", mi.sp, tensor.new{{0}, {1}}, {noise = 1, samples = 0})
fails("mi.sp: non-finite value at row 2", mi.sp, tensor.new{{0}, {0 / 0}}, {noise = 1})
fails("mi.sp: labels have 3 rows", mi.sp, tensor.new{{0}, {1}}, {noise = 1, y = tensor.new{0, 1, 1}})
fails("mi.sp: unknown option", mi.sp, tensor.new{{0}, {1}}, {noise = 1, bins = 3})
fails("mi.clustering: radius must be", mi.clustering, tensor.new{{0}, {1}}, nil, {radius = -1})
print("OK")
