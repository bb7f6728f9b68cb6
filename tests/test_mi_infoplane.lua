-- mi.infoplane on a fake run (a table with epochs() and activations()), CSV export, resampling wrappers.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local U = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/mi_util.lua")
local near, fails = check.close, check.fails

local d = data.tishby()
local rows, labels = d.x:totable(), d.y:totable()

-- Per-row popcount of var_u, as a 1-column layer scaled by s (s = 0 gives a constant layer).
local function popcount_layer(s)
  local col = {}
  for i, row in ipairs(rows) do
    local k = 0
    for _, v in ipairs(row) do k = k + v end
    col[i] = {s * k / 12}
  end
  return tensor.new(col)
end

-- The fake run: three snapshots; layer 1 is the raw input, layer 2 the popcount scaled by e / 10.
local calls = 0
local run = {
  epochs = function() return tensor.new{0, 5, 10} end,
  activations = function(_, e, x)
    calls = calls + 1
    assert(x == d.x, "activations get the dataset's inputs")
    return {x, popcount_layer(e / 10)}
  end,
}

local plane, epochs = mi.infoplane(run, d)
assert(calls == 3, "one activations call per snapshot")
local s, l, two = plane:size()
assert(s == 3 and l == 2 and two == 2, "plane is 3 x 2 x 2")
assert(epochs:size(1) == 3 and epochs:get(1) == 0 and epochs:get(3) == 10, "epochs")
local p = 2118 / 4096
local hy = -(p * math.log(p, 2) + (1 - p) * math.log(1 - p, 2))
for e = 1, 3 do
  near(plane:get(e, 1, 1), 12, 1e-9, "layer 1 I(X;T)")
  near(plane:get(e, 1, 2), hy, 1e-9, "layer 1 I(T;Y)")
end
-- epoch 0: the popcount layer is constant -> (0, 0)
assert(plane:get(1, 2, 1) == 0 and plane:get(1, 2, 2) == 0, "constant layer at epoch 0")
-- epoch 10: T = popcount (13 distinct bins), checked against a plain Lua computation
local tkeys, jkeys = {}, {}
for i, row in ipairs(rows) do
  local k = 0
  for _, v in ipairs(row) do k = k + v end
  tkeys[i] = k
  jkeys[i] = k .. ":" .. labels[i]
end
local ht = U.entropy(tkeys)
near(plane:get(3, 2, 1), ht, 1e-12, "popcount layer I(X;T)")
near(plane:get(3, 2, 2), ht + hy - U.entropy(jkeys), 1e-12, "popcount layer I(T;Y)")
-- each entry equals a direct mi.binned call
local a, b = mi.binned(popcount_layer(0.5), d.y)
near(plane:get(2, 2, 1), a, 0, "epoch 5 I(X;T)")
near(plane:get(2, 2, 2), b, 0, "epoch 5 I(T;Y)")

-- Options reach the estimator; a subset of epochs.
plane, epochs = mi.infoplane(run, d, {bins = 2, epochs = {10}})
assert(plane:size(1) == 1 and epochs:get(1) == 10, "epoch subset")
a = mi.binned(popcount_layer(1), d.y, {bins = 2})
near(plane:get(1, 2, 1), a, 0, "bins option passed through")
plane = mi.infoplane(run, d, {estimator = "adaptive", bins = 4, epochs = {10}})
a = mi.binned(popcount_layer(1), d.y, {adaptive = true, bins = 4})
near(plane:get(1, 2, 1), a, 0, "adaptive estimator")

-- KDE and KSG estimators: each plane entry equals a direct call on the same layer.
local small = {x = tensor.randn(300, 3, {seed = 4})}
local sl = {}
for i = 1, 300 do sl[i] = small.x:get(i, 1) > 0 and 1 or 0 end
small.y = tensor.new(sl)
local tanh_layer = small.x:clone()
for i = 1, 300 do for j = 1, 3 do tanh_layer:set(i, j, math.tanh(2 * small.x:get(i, j))) end end
local run3 = {epochs = function() return tensor.new{0, 1} end,
              activations = function(_, e) return e == 0 and {small.x} or {tanh_layer} end}
plane = mi.infoplane(run3, small, {estimator = "kde", noise_var = 0.01})
a, b = mi.kde(tanh_layer, small.y, {noise_var = 0.01})
near(plane:get(2, 1, 1), a, 0, "kde plane I(X;T)")
near(plane:get(2, 1, 2), b, 0, "kde plane I(T;Y)")
plane = mi.infoplane(run3, small, {estimator = "kde", noise_var = 0.01, bound = "lower"})
assert(plane:get(2, 1, 1) <= a, "lower <= upper in the plane")
plane = mi.infoplane(run3, small, {estimator = "ksg", k = 3})
near(plane:get(2, 1, 1), mi.ksg(small.x, tanh_layer, {k = 3}), 0, "ksg plane I(X;T)")
near(plane:get(2, 1, 2), mi.ksg(tanh_layer, small.y, {k = 3, discrete_y = true}), 0, "ksg plane I(T;Y)")

-- Error bars: bootstrap = B gives lo, hi tensors of the plane's shape; seeded, so reproducible.
local p3, e3, lo3, hi3 = mi.infoplane(run3, small, {estimator = "kde", noise_var = 0.01, bootstrap = 6, seed = 2})
assert(lo3:size(1) == 2 and lo3:size(2) == 1 and lo3:size(3) == 2, "bootstrap bounds shape")
for s3 = 1, 2 do for k3 = 1, 2 do
  assert(lo3:get(s3, 1, k3) <= hi3:get(s3, 1, k3), "lo <= hi")
  assert(hi3:get(s3, 1, k3) - lo3:get(s3, 1, k3) < 1.5, "bootstrap spread is moderate")
end end
local _, _, lo3b = mi.infoplane(run3, small, {estimator = "kde", noise_var = 0.01, bootstrap = 6, seed = 2})
assert(lo3b:get(2, 1, 1) == lo3:get(2, 1, 1), "seeded bootstrap bounds are reproducible")
local pb, _, lob, hib = mi.infoplane(run, d, {bootstrap = 4, epochs = {10}})
-- Subsamples of 2048 distinct rows all give I(X;T) = 11 bits exactly: no spread, so the interval is the
-- estimate itself (it used to be [11.15, 11.19] around 12 with resampling with replacement).
assert(lob:get(1, 1, 1) == 12 and hib:get(1, 1, 1) == 12, "raw layer's I(X;T) interval is [12, 12]")
for l = 1, pb:size(2) do for k = 1, 2 do
  assert(lob:get(1, l, k) <= pb:get(1, l, k) and pb:get(1, l, k) <= hib:get(1, l, k), "interval contains the estimate")
end end
for s3 = 1, 2 do for k3 = 1, 2 do
  assert(lo3:get(s3, 1, k3) <= p3:get(s3, 1, k3) and p3:get(s3, 1, k3) <= hi3:get(s3, 1, k3), "kde interval contains the estimate")
end end
assert(pb:get(1, 1, 1) == 12, "the point estimate is unchanged")
fails("option 'bootstrap' must be an integer >= 2", mi.infoplane, run, d, {bootstrap = 1})

-- Repeated inputs: a dataset whose rows repeat twice gives I(X;T) = log2 4096 for the raw layer, not 13.
local xs, ys = {}, {}
for i = 1, 4096 do xs[i] = rows[i]; ys[i] = labels[i]; xs[4096 + i] = rows[i]; ys[4096 + i] = labels[i] end
local d2 = {x = tensor.new(xs), y = tensor.new(ys)}
local run2 = {epochs = function() return tensor.new{0} end, activations = function(_, _, x) return {x} end}
plane = mi.infoplane(run2, d2)
near(plane:get(1, 1, 1), 12, 1e-9, "repeated inputs: I(X;T) = H(T) - H(T|X)")

-- CSV export: atomic write, header, one line per snapshot and layer.
plane, epochs = mi.infoplane(run, d)
local path = os.tmpname()
mi.save_csv(plane, epochs, path)
local f = assert(io.open(path))
assert(f:read("l") == "epoch,layer,ixt,ity", "CSV header")
local lines = {}
for line in f:lines() do lines[#lines + 1] = line end
f:close()
os.remove(path)
assert(#lines == 6, "6 CSV lines, got " .. #lines)
local e, layer, x1, x2 = lines[6]:match("^([^,]+),([^,]+),([^,]+),([^,]+)$")
assert(e == "10" and layer == "2", "last line is epoch 10, layer 2: " .. lines[6])
near(tonumber(x1), plane:get(3, 2, 1), 0, "CSV I(X;T) round trip")
near(tonumber(x2), plane:get(3, 2, 2), 0, "CSV I(T;Y) round trip")
fails("mi.save_csv: cannot write", mi.save_csv, plane, epochs, "/nonexistent-dir/x.csv")
fails("mi.save_csv: 2 epochs for 3 snapshots", mi.save_csv, plane, {0, 1}, path)

-- Bad input.
fails("mi.infoplane: argument #2 must be a dataset", mi.infoplane, run, {x = d.x})
fails("unknown estimator 'mine'", mi.infoplane, run, d, {estimator = "mine"})
fails("unknown option 'bogus'", mi.infoplane, run, d, {bogus = 1})

-- mi.binned_layers: all layers of a snapshot in one call, equal to one mi.binned call per layer.
local acts = run.activations(run, 10, d.x)
local lt = mi.binned_layers(acts, d.y, {edges = 30})
assert(lt:size(1) == 2 and lt:size(2) == 2, "binned_layers is layers x 2")
for l = 1, 2 do
  local a1, b1 = mi.binned(acts[l], d.y, {edges = 30})
  assert(lt:get(l, 1) == a1 and lt:get(l, 2) == b1, "binned_layers equals mi.binned for layer " .. l)
end
fails("layer 2 has 3 rows but layer 1 has 4096", mi.binned_layers, {d.x, tensor.zeros(3, 2)}, d.y)
fails("layer 2 is not a tensor", mi.binned_layers, {d.x, 5}, d.y)
fails("non-empty array", mi.binned_layers, {}, d.y)

-- Resampling wrappers around an estimator (binned I(T;Y) as a function of (t, y)).
local function ity_of(t, y) local _, v = mi.binned(t, y); return v end
local t = popcount_layer(1)
local pval, observed, null = mi.permutation_test(ity_of, t, d.y, {n = 19, seed = 3})
near(observed, ht + hy - U.entropy(jkeys), 1e-12, "permutation test observed value")
assert(pval == 1 / 20, "strong dependence: p = 1/(n+1), got " .. pval)
assert(null:size(1) == 19, "null distribution size")
for i = 1, 19 do assert(null:get(i) < 0.05, "surrogates near 0, got " .. null:get(i)) end
local pval2 = mi.permutation_test(ity_of, t, d.y, {n = 19, seed = 3})
assert(pval2 == pval, "seeded permutation test is reproducible")
local est, lo, hi, samples = mi.bootstrap(ity_of, t, d.y, {n = 30, seed = 5})
near(est, observed, 0, "bootstrap estimate on the full data")
assert(lo <= est and est <= hi and samples:size(1) == 30, "bootstrap interval contains the estimate")
assert(lo > 0.3 and hi < 0.9, string.format("bootstrap interval [%g, %g] around %g", lo, hi, est))
local _, lo2, hi2 = mi.bootstrap(ity_of, t, d.y, {n = 30, seed = 5})
assert(lo2 == lo and hi2 == hi, "seeded bootstrap is reproducible")
fails("unknown option 'reps'", mi.bootstrap, ity_of, t, d.y, {reps = 3})

print("OK")
