-- Quantized and noise-injected networks: at most 2^k values per unit on the documented grid, training,
-- snapshots, save/load/resume restoring quant and noise, bit-reproducible noise, noiseless activations,
-- gradient statistics, and bad input.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local near, fails = check.close, check.fails

local tmp = os.tmpname()
os.remove(tmp)
assert(os.execute("mkdir -p '" .. tmp .. "'"))
local function cleanup() os.execute("rm -rf '" .. tmp .. "'") end

-- 96 rows of the var_u inputs (12 bits) with their labels: small and fast.
local full = data.tishby()
local idx = {}
for i = 1, 96 do idx[i] = i * 41 % 4096 + 1 end
local d = full:subset(idx)

-- Distinct values of column j of t.
local function distinct(t, j)
  local seen, k = {}, 0
  local n = t:size(1)
  for i = 1, n do
    local v = t:get(i, j)
    if not seen[v] then seen[v] = true; k = k + 1 end
  end
  return k, seen
end

-- 1. k-bit nets: every unit of every layer (hidden and the softmax output) takes at most 2^k values, all
--    on the grid lo + i (hi - lo) / (2^k - 1); tanh on [-1, 1], ReLU on [0, 6] by default.
for _, act in ipairs{"tanh", "relu"} do
  for _, k in ipairs{2, 4} do
    local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = act, quant = {bits = k}, seed = 3}
    local q = net:quant()
    assert(#q.bits == 6 and q.bits[1] == k and q.bits[6] == k, "quant bits")
    near(q.lo[1], act == "tanh" and -1 or 0, 0, act .. " lo")
    near(q.hi[1], act == "tanh" and 1 or 6, 0, act .. " hi")
    near(q.lo[6], 0, 0, "output lo")
    near(q.hi[6], 1, 0, "output hi")
    local run = net:fit(d, {epochs = 30, batch = 32, optim = "adam", lr = 0.01, quiet = true, snapshots = {0, 30}})
    for _, e in ipairs{0, 30} do
      local acts = run:activations(e, d.x)
      assert(#acts == 6, "six layers")
      for l = 1, 6 do
        local n, w = acts[l]:size()
        local lo, hi = q.lo[l], q.hi[l]
        local step = (hi - lo) / (2 ^ k - 1)
        for j = 1, w do
          local c, seen = distinct(acts[l], j)
          assert(c <= 2 ^ k, ("%s %d bits: layer %d unit %d takes %d values"):format(act, k, l, j, c))
          for v in pairs(seen) do
            local i = (v - lo) / step
            assert(math.abs(i - math.floor(i + 0.5)) < 1e-9 and v >= lo - 1e-12 and v <= hi + 1e-12,
                   ("value %.17g off the grid of layer %d"):format(v, l))
          end
        end
      end
    end
  end
end

-- 2. Per-layer bits and ranges; the output takes the last entry when only hidden layers are listed.
local net = nn.mlp{12, 6, 5, 2, act = "relu", quant = {bits = {2, 3}, range = {1.5, 0.5}}, seed = 1}
local q = net:quant()
assert(q.bits[1] == 2 and q.bits[2] == 3 and q.bits[3] == 3, "per-layer bits")
near(q.hi[1], 1.5, 0, "per-layer range 1")
near(q.hi[2], 0.5, 0, "per-layer range 2")
local acts = net:forward(d.x)
for j = 1, 5 do assert(distinct(acts[2], j) <= 8, "3-bit layer") end
assert(acts[2]:max() <= 0.5 + 1e-15, "clipped at the range")
net = nn.mlp{12, 6, 2, quant = {bits = {5, 7}}, seed = 1}
assert(net:quant().bits[2] == 7, "explicit output bits")
assert(tostring(net):find("quantized 5 bits", 1, true), "tostring names the quantization")
assert(nn.mlp{12, 6, 2}:quant() == nil and nn.mlp{12, 6, 2}:noise() == 0, "float net accessors")

-- 3. 16-bit quantization trains like the float net (straight-through gradients): after 20 epochs of
--    full-batch SGD the losses agree to 1e-3.
local lf = nn.mlp{12, 8, 2, seed = 5}:fit(d, {epochs = 20, optim = "sgd", lr = 0.5, quiet = true}):metrics().train_loss
local lq = nn.mlp{12, 8, 2, quant = {bits = 16}, seed = 5}:fit(d, {epochs = 20, optim = "sgd", lr = 0.5, quiet = true}):metrics().train_loss
near(lq:get(20), lf:get(20), 1e-3, "16-bit loss vs float")
assert(lf:get(20) < lf:get(1), "training lowers the loss")

-- 4. Noise: the same seed gives the same bits, another seed other bits; noise changes training; sigma 0 is
--    the float net; run:activations are the noiseless S (equal to tanh(x W + b) by hand); run:noise().
local function fitn(noise, seed)
  return nn.mlp{12, 8, 6, 2, noise = noise, seed = seed}:fit(d, {epochs = 15, batch = 32, shuffle = true, quiet = true,
                                                                 gradstats = true})
end
local a1, a2, b, z = fitn(0.2, 4), fitn(0.2, 4), fitn(0.2, 5), fitn(0, 4)
local zf = nn.mlp{12, 8, 6, 2, seed = 4}:fit(d, {epochs = 15, batch = 32, shuffle = true, quiet = true})
assert(a1:metrics().train_loss:get(15) == a2:metrics().train_loss:get(15), "noise reproducible")
assert(a1:metrics().train_loss:get(15) ~= b:metrics().train_loss:get(15), "another seed, other noise")
assert(a1:metrics().train_loss:get(15) ~= z:metrics().train_loss:get(15), "noise changes training")
assert(z:metrics().train_loss:get(15) == zf:metrics().train_loss:get(15), "sigma 0 is the float net")
near(a1:noise(), 0.2, 0, "run:noise()")
local g = a1:gradstats()
assert(g.grad_mean:get(15, 1) > 0 and g.grad_std:get(15, 1) > 0, "gradient statistics of a noisy run")
local w = a1:weights(15)
local s1 = a1:activations(15, d.x)[1]
local byhand = (d.x:mm(w[1].W) + w[1].b):tanh()
near((s1 - byhand):abs():max(), 0, 1e-12, "noiseless first layer")
local s1b = a1:activations(15, d.x)[1]
near((s1 - s1b):abs():max(), 0, 0, "activations deterministic")

-- 5. Save, load and resume keep quant and noise: 6 + 6 epochs == 12 epochs, bit for bit.
for _, spec in ipairs{{quant = {bits = {3, 5}, range = {2, 1}}, act = "relu"}, {noise = 0.1, act = "tanh"}} do
  local function mk() return nn.mlp{12, 6, 4, 2, act = spec.act, quant = spec.quant, noise = spec.noise, seed = 8} end
  local o = {epochs = 12, batch = 16, shuffle = true, optim = "adam", lr = 0.01, quiet = true}
  local whole = mk():fit(d, o)
  local dir = tmp .. "/r" .. spec.act
  local o6 = {epochs = 6, batch = 16, shuffle = true, optim = "adam", lr = 0.01, quiet = true, dir = dir}
  mk():fit(d, o6)
  local loaded = nn.load_run(dir)
  near(loaded:noise(), spec.noise or 0, 0, "loaded noise")
  if spec.quant then
    assert(loaded:quant().bits[2] == 5 and loaded:quant().hi[1] == 2, "loaded quant")
  else
    assert(loaded:quant() == nil, "loaded float quant")
  end
  o6.dir, o6.resume = nil, dir
  local resumed = mk():fit(d, o6)
  assert(resumed:nepochs() == 12, "resumed epochs")
  for e = 1, 12 do
    assert(resumed:metrics().train_loss:get(e) == whole:metrics().train_loss:get(e), spec.act .. ": resumed loss at epoch " .. e)
  end
  local wa, wb = whole:weights(12), resumed:weights(12)
  near((wa[1].W - wb[1].W):abs():max(), 0, 0, "resumed weights")
  -- resuming with other quantization or noise is refused
  fails("cannot resume", function()
    nn.mlp{12, 6, 4, 2, act = spec.act, seed = 8}:fit(d, {epochs = 1, resume = dir, quiet = true})
  end)
end

-- 6. Bad input.
fails("nn.mlp: quant bits must be 1 to 16, got 0", nn.mlp, {12, 4, 2, quant = {bits = 0}})
fails("nn.mlp: quant bits must be 1 to 16, got 17", nn.mlp, {12, 4, 2, quant = {bits = 17}})
fails("nn.mlp: quant.bits must be an integer", nn.mlp, {12, 4, 2, quant = {bits = 3.5}})
fails("nn.mlp: quant.bits must list 1 values", nn.mlp, {12, 4, 2, quant = {bits = {4, 4, 4}}})
fails("nn.mlp: option 'quant' needs bits", nn.mlp, {12, 4, 2, quant = {}})
fails("nn.mlp: option 'quant' must be a table", nn.mlp, {12, 4, 2, quant = 8})
fails("nn.mlp: unknown option", nn.mlp, {12, 4, 2, quant = {bits = 4, levels = 3}})
fails("nn.mlp: quant range must be a positive number", nn.mlp, {12, 4, 2, act = "relu", quant = {bits = 4, range = -1}})
fails("nn.mlp: noise must be a finite number >= 0, got -0.1", nn.mlp, {12, 4, 2, noise = -0.1})
fails("nn.mlp: noise must be a finite number >= 0", nn.mlp, {12, 4, 2, noise = 0 / 0})
fails("nn.mlp: option 'noise' must be a number", nn.mlp, {12, 4, 2, noise = "big"})

cleanup()
print("OK")
