-- mi.exact: hand-computed plug-in values, equality with fine binning on a quantized layer, repeated inputs,
-- the generic path (many labels), mi.exact_layers, mi.infoplane with estimator "exact" on a quantized run,
-- and bad input (NaN, Inf, bad labels).
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local near, fails = check.close, check.fails

-- 1. Five rows: values A A B C C (two columns, -0 equal to 0) -> p = (2/5, 1/5, 2/5):
--    H(T) = log2 5 - (2 + 0 + 2) / 5 = 1.5219280949 bits. y = 0 0 0 1 1: H(T|Y) = 3/5 h(2/3) = 0.5509775004,
--    I(T;Y) = H(T) - H(T|Y) = 0.9709505945 (= H(Y): T determines Y).
local t = tensor.new{{0.5, 0}, {0.5, -0.0}, {1, 2}, {-3, 0.25}, {-3, 0.25}}
local y = tensor.new{0, 0, 0, 1, 1}
local HT = math.log(5, 2) - 4 / 5
local ixt, ity = mi.exact(t, y)
near(ixt, HT, 1e-12, "H(T)")
near(ity, 0.9709505944546686, 1e-12, "I(T;Y)")
local ixn, ityn = mi.exact(t, y, {unit = "nats"})
near(ixn, HT * math.log(2), 1e-12, "nats")
near(ityn, 0.9709505944546686 * math.log(2), 1e-12, "nats I(T;Y)")
near(mi.exact(t), HT, 1e-12, "without labels")
-- y = 0 1 0 1 0: H(T|Y=0) over rows 1,3,5 = log2 3, H(T|Y=1) over rows 2,4 = 1: H(T|Y) = 3/5 log2 3 + 2/5
near(select(2, mi.exact(t, tensor.new{0, 1, 0, 1, 0})), HT - (0.6 * math.log(3, 2) + 0.4), 1e-12, "I(T;Y) mixed labels")

-- 2. Repeated inputs: x = ids 1 1 2 3 3 -> H(T|X) = 0 (T is a function of x): I(X;T) = H(T); with x = 1 1 1 2 2
--    H(T|X) = 3/5 h(2/3 in bits) = 0.5509775 (x=1 covers A A B).
near(mi.exact(t, y, {x = tensor.new{1, 1, 2, 3, 3}}), HT, 1e-12, "x ids, T a function of X")
near(mi.exact(t, y, {x = tensor.new{1, 1, 1, 2, 2}}), HT - 0.6 * 0.9182958340544896, 1e-12, "x ids, H(T|X)")

-- 3. Many labels take the generic path: the same value as the one-pass counter with the labels renumbered.
local ty, yy = {}, {}
for i = 1, 200 do ty[i] = {i % 7, (i * 3) % 5}; yy[i] = i % 11 end
local tt = tensor.new(ty)
local _, g = mi.exact(tt, tensor.new(yy))
local pairs_ids = {}
for i = 1, 200 do pairs_ids[i] = (i % 7) * 5 + (i * 3) % 5 end
local want = mi.discrete(tensor.new(pairs_ids), tensor.new(yy))
near(g, want, 1e-12, "11 labels vs mi.discrete")

-- 4. A quantized layer: exact values equal binning with one bin per quantization level, and equal mi.discrete
--    of the row ids.
local d = data.tishby()
local run = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", quant = {bits = 4}, seed = 2}
  :fit(d, {epochs = 40, batch = 256, optim = "adam", lr = 0.004, quiet = true, snapshots = {0, 40}})
local acts = run:activations(40, d.x)
for l = 1, 5 do
  local e1, e2 = mi.exact(acts[l], d.y)
  local b1, b2 = mi.binned(acts[l], d.y, {bins = 16, range = {-1 - 1 / 15, 1 + 1 / 15}})
  near(e1, b1, 1e-12, "layer " .. l .. " I(X;T) vs aligned bins")
  near(e2, b2, 1e-12, "layer " .. l .. " I(T;Y) vs aligned bins")
  local ids = mi.row_ids(acts[l])
  local di = mi.discrete(ids, d.y)
  near(e2, di, 1e-12, "layer " .. l .. " I(T;Y) vs mi.discrete")
end
local L = mi.exact_layers(acts, d.y)
for l = 1, 6 do
  local a, b = mi.exact(acts[l], d.y)
  near(L:get(l, 1), a, 0, "exact_layers I(X;T)")
  near(L:get(l, 2), b, 0, "exact_layers I(T;Y)")
end

-- 4b. Counting by level codes (quant = the grid) gives the generic path's values: one packed word per row (4 bits),
--     two words (8 bits, 10 units), and values off the stated grid (a coarser grid: the generic path is taken).
local q = run:quant()
local G = mi.exact_layers(acts, d.y, {quant = q})
for l = 1, 6 do
  near(G:get(l, 1), L:get(l, 1), 1e-12, "levels I(X;T) layer " .. l)
  near(G:get(l, 2), L:get(l, 2), 1e-12, "levels I(T;Y) layer " .. l)
end
local off = mi.exact_layers(acts, d.y, {quant = {bits = 2, lo = -1, hi = 1}})
for l = 1, 6 do near(off:get(l, 1), L:get(l, 1), 0, "off-grid values take the generic path") end
local run8 = nn.mlp{12, 10, 7, 2, act = "tanh", quant = {bits = 8}, seed = 3}
  :fit(d, {epochs = 5, batch = 256, optim = "adam", lr = 0.01, quiet = true, snapshots = {5}})
local a8 = run8:activations(5, d.x)
local g8, p8 = mi.exact_layers(a8, d.y), mi.exact_layers(a8, d.y, {quant = run8:quant()})
for l = 1, 3 do
  near(p8:get(l, 1), g8:get(l, 1), 1e-12, "8-bit levels I(X;T) layer " .. l)
  near(p8:get(l, 2), g8:get(l, 2), 1e-12, "8-bit levels I(T;Y) layer " .. l)
end
-- 12-bit levels (codes wider than a byte, packed densely) and 8-bit levels on a 16-unit layer (two words of byte
-- codes) agree with the generic path too.
for _, spec in ipairs{{12, 9, 2, bits = 12}, {12, 16, 2, bits = 8}} do
  local r = nn.mlp{spec[1], spec[2], spec[3], act = "tanh", quant = {bits = spec.bits}, seed = 4}
    :fit(d, {epochs = 3, batch = 256, optim = "adam", lr = 0.01, quiet = true, snapshots = {3}})
  local a = r:activations(3, d.x)
  local g, p = mi.exact_layers(a, d.y), mi.exact_layers(a, d.y, {quant = r:quant()})
  near(p:get(1, 1), g:get(1, 1), 1e-12, spec.bits .. "-bit levels of " .. spec[2] .. " units: I(X;T)")
  near(p:get(1, 2), g:get(1, 2), 1e-12, spec.bits .. "-bit levels of " .. spec[2] .. " units: I(T;Y)")
  assert(g:get(1, 1) > 1, "the layer takes many values")
end
local small = tensor.new{{-1, 1 / 3}, {-1, 1 / 3}, {1, -1 / 3}, {1 / 3, 1}}   -- 2 bits: levels -1, -1/3, 1/3, 1
near(mi.exact(small, nil, {quant = {bits = 2, lo = -1, hi = 1}}), 1.5, 1e-12, "2-bit grid: H = 1.5 bits")
fails("mi.exact: option 'quant': bits must be an integer", mi.exact, small, nil, {quant = {bits = 2.5, lo = -1, hi = 1}})
fails("mi.exact: option 'quant': needs finite lo < hi", mi.exact, small, nil, {quant = {bits = 2, lo = 1, hi = -1}})

-- 5. mi.infoplane with estimator "exact": snapshots x 6 x 2, values in [0, 12] x [0, H(Y)], equal to mi.exact.
local plane, epochs = mi.infoplane(run, d, {estimator = "exact"})
local s, nl, two = plane:size()
assert(s == 2 and nl == 6 and two == 2, "plane shape")
near(plane:get(2, 3, 1), (mi.exact(acts[3], d.y, {quant = run:quant()})), 0, "plane = mi.exact with the run's grids")
near(plane:get(2, 3, 1), (mi.exact(acts[3], d.y)), 1e-12, "plane = mi.exact")
for i = 1, 2 do for l = 1, 6 do
  assert(plane:get(i, l, 1) >= 0 and plane:get(i, l, 1) <= 12 + 1e-12, "I(X;T) range")
  assert(plane:get(i, l, 2) <= plane:get(i, l, 1) + 1e-12, "I(T;Y) <= I(X;T)")
end end
near(plane:get(1, 1, 1), 12, 1e-12, "layer 1 at epoch 0 separates all 4096 inputs")

-- 6. Bad input.
fails("mi.exact: NaN at row 2, column 1", mi.exact, tensor.new{{1, 2}, {0 / 0, 1}}, tensor.new{0, 1})
fails("mi.exact: Inf at row 1, column 2", mi.exact, tensor.new{{1, 1 / 0}, {0, 1}})
fails("mi.exact: labels have 3 rows", mi.exact, tensor.new{{1}, {2}}, tensor.new{0, 1, 1})
fails("mi.exact: unknown option", mi.exact, tensor.new{{1}, {2}}, nil, {bins = 3})
fails("mi.exact_layers: layer 2 has 1 rows", mi.exact_layers, {tensor.new{{1}, {2}}, tensor.new{{1}}}, tensor.new{0, 1})
fails("mi.exact_layers: layer 1: NaN", mi.exact_layers, {tensor.new{{0 / 0}, {2}}}, tensor.new{0, 1})
print("OK")
