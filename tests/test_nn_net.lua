-- nn.net: layer networks built, trained and analysed through the same runs as nn.mlp; float32 against float64;
-- float32 nn.mlp; bad input naming nn.net and the layer; tensors saved as float32 .npy.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local near, fails = check.close, check.fails

-- a small image set: 2 x 6 x 6 images, the label is which channel holds a bright 2 x 2 square
local n, rng = 300, 12345
local function rand() rng = (rng * 1103515245 + 12345) % 2147483648; return rng / 2147483648 end
local xs, ys = {}, {}
for i = 1, n do
  local row, c = {}, (i - 1) % 3
  for v = 1, 72 do row[v] = 0.1 * rand() end
  if c < 2 then
    local y0, x0 = math.floor(rand() * 5), math.floor(rand() * 5)
    for dy = 0, 1 do for dx = 0, 1 do row[c * 36 + (y0 + dy) * 6 + x0 + dx + 1] = 1 end end
  end
  xs[i], ys[i] = row, c
end
local d = {x = tensor.new(xs), y = tensor.new(ys)}
local layers = {{"conv", 4, k = 3, pad = 1}, {"batchnorm"}, {"relu"}, {"maxpool", 2}, {"conv", 6, k = 2, stride = 1},
                {"tanh"}, {"avgpool", 2}, {"flatten"}, {"dense", 8}, {"relu"}, {"dropout", 0.1}, {"dense", 3}}
local net = nn.net{input = {2, 6, 6}, layers = layers, seed = 3}
assert(net:nlayers() == 12, "every layer counts")
assert(net:nparams() == (4 * 2 * 9 + 4) + 4 * 4 + (6 * 4 * 4 + 6) + (6 * 8 + 8) + (8 * 3 + 3), "parameters incl. running statistics")
local shapes = net:shapes()
assert(shapes[1][1] == 4 and shapes[1][2] == 6 and shapes[1][3] == 6 and shapes[1].name == "conv", "padded conv keeps 6x6")
assert(shapes[4][1] == 4 and shapes[4][2] == 3 and shapes[5][2] == 2 and shapes[7][2] == 1 and shapes[8][1] == 6, "pool and conv shapes")
assert(tostring(net):find("2x6x6 conv4k3p1%-batchnorm%-relu%-maxpool2%-conv6k2%-tanh%-avgpool2%-flatten%-dense8%-relu%-dropout0.1%-dense3 softmax float64"), tostring(net))
local w = net:widths()
assert(w[1] == 72 and w[2] == 144 and w[#w] == 3, "widths: input then every layer's size")

-- training: the loss falls, every layer's activations, snapshots, gradient statistics of the 5 layers with weights
local run = net:fit(d, {epochs = 12, batch = 64, optim = "adam", lr = 0.01, quiet = true, test = d, snapshots = "every:4"})
local m = run:metrics()
assert(m.train_loss:get(12) < 0.5 * m.train_loss:get(1), "the loss falls: " .. m.train_loss:get(1) .. " -> " .. m.train_loss:get(12))
assert(m.test_acc:get(12) > 0.9, "learns the task: " .. m.test_acc:get(12))
local ep = run:epochs()
assert(ep:size() == 4 and ep:get(1) == 0 and ep:get(4) == 12, "snapshots every 4 epochs")
local acts = run:activations(12, d.x)
assert(#acts == 12, "one tensor per layer")
for l, s in ipairs(run:shapes()) do
  local r, c = acts[l]:size()
  assert(r == n and c == s[1] * s[2] * s[3], "layer " .. l .. " is n x (C*H*W)")
end
local p = acts[12]
near(p[{{1, 1}, {}}]:sum(), 1, 1e-12, "the last layer as softmax probabilities")
local relu = acts[3]
assert(relu:min() == 0, "relu outputs")
local gs = run:gradstats()
local E, L = gs.grad_mean:size()
assert(E == 12 and L == 5, "gradient statistics of the 5 layers with weights")
local wts = run:weights(12)
assert(#wts == 5 and wts[2].mean and wts[2].var and wts[1].layer == 1, "weights incl. batch norm running statistics")
assert(wts[2].var:get(1) ~= 1, "running variance updated in training")
-- eval-mode forward uses the running statistics: the same for a row alone and in a batch
local one = run:net(12):forward(d.x[{{5, 5}, {}}])
near(one[12]:get(1, 1), acts[12]:get(5, 1), 1e-12, "evaluation mode is row by row")
-- a run's metrics and info plane work unchanged
local plane = mi.infoplane(run, {x = d.x, y = d.y}, {estimator = "bin", bins = 10})
local S, Lp = plane:size()
assert(S == 4 and Lp == 12, "info plane of every snapshot and layer")

-- the same seed gives the same bits; float32 agrees with float64 to float32 precision
local function train(dtype, seed)
  local nt = nn.net{input = {2, 6, 6}, layers = layers, seed = seed, dtype = dtype}
  local r = nt:fit(d, {epochs = 2, batch = 50, optim = "sgd", lr = 0.05, momentum = 0.9, quiet = true, snapshots = "none"})
  return nt, r
end
local a1, r1 = train("float32", 5)
local a2, r2 = train("float32", 5)
assert((a1:params() - a2:params()):abs():max() == 0, "same seed, same bits")
assert(r1:metrics().train_loss:get(2) == r2:metrics().train_loss:get(2), "same losses")
local p32 = a1:params()
for _, v in ipairs(p32:totable()) do assert(v == string.unpack("f", string.pack("f", v)), "float32 parameters") end
local b1 = train("float64", 5)
local diff = (a1:params() - b1:params()):abs():max()
assert(diff < 1e-4, "float32 training follows float64: " .. diff)
local f64net = nn.net{input = {2, 6, 6}, layers = layers, seed = 5}
local f32net = nn.net{input = {2, 6, 6}, layers = layers, seed = 5, dtype = "float32"}
f64net:set_params(f32net:params())
local o64, o32 = f64net:forward(d.x), f32net:forward(d.x)
for l = 1, #o64 do
  local e = (o64[l] - o32[l]):abs():max()
  assert(e < 1e-5 * (1 + o64[l]:abs():max()), "layer " .. l .. " float32 forward within float32 precision: " .. e)
end

-- float32 nn.mlp: the equivalent layer net, the same initial weights rounded to float32
local m64 = nn.mlp{20, 16, 3, act = "relu", seed = 2}
local m32 = nn.mlp{20, 16, 3, act = "relu", seed = 2, dtype = "float32"}
assert(m32:nparams() == m64:nparams(), "same parameter layout")
local dp = (m32:params() - m64:params()):abs():max()
assert(dp > 0 and dp < 1e-7, "same initial weights in float32: " .. dp)
assert(#m32:forward(tensor.zeros(2, 20)) == 3, "dense, relu, dense")
local xm = tensor.randn(200, 20, {seed = 1})
local ym = tensor.zeros(200)
for i = 1, 200 do ym[i] = xm:get(i, 1) > 0 and 1 or (xm:get(i, 2) > 0 and 2 or 0) end
local rm = m32:fit({x = xm, y = ym}, {epochs = 30, batch = 50, quiet = true, snapshots = "none", lr = 0.01})
assert(rm:metrics().train_acc:get(30) > 0.9, "float32 MLP learns: " .. rm:metrics().train_acc:get(30))

-- weight decay shrinks the conv and dense weights (float32, with gradient statistics)
local function decayed(wd)
  local nt = nn.net{input = {2, 6, 6}, layers = layers, seed = 4, dtype = "float32"}
  local r = nt:fit(d, {epochs = 3, batch = 100, optim = "sgd", lr = 0.05, weight_decay = wd, quiet = true, snapshots = "none"})
  return r:gradstats().weight_norm:get(3, 1), r:gradstats().snr:get(3, 1)
end
local w0, snr0 = decayed(0)
local w1 = decayed(0.5)
assert(w1 < w0 and snr0 > 0, "weight decay: conv weight norm " .. w1 .. " < " .. w0)

-- bad input names nn.net (or Net:fit) and the layer
fails("nn.net: layer 2 (conv): kernel 5 is larger than the 3x3 image",
      function() nn.net{input = {1, 6, 6}, layers = {{"maxpool", 2}, {"conv", 2, k = 5}, {"flatten"}, {"dense", 2}}} end)
fails("nn.net: layer 2: unknown layer 'convolution'", function() nn.net{input = {1, 6, 6}, layers = {{"flatten"}, {"convolution", 2}}} end)
fails("nn.net: layer 1 (dropout): p must be in [0, 1), got 1", function() nn.net{input = {4}, layers = {{"dropout", 1}, {"dense", 2}}} end)
fails("nn.net: layer 1 (dropout): p must be in [0, 1), got -0.5", function() nn.net{input = {4}, layers = {{"dropout", -0.5}, {"dense", 2}}} end)
fails("nn.net: layer 1 (maxpool): unknown option 'k'", function() nn.net{input = {1, 4, 4}, layers = {{"maxpool", k = 2}, {"dense", 2}}} end)
fails("Net:fit: train.x must be an n x 72 tensor for this network, got 300x71",
      function() net:fit({x = d.x[{{}, {1, 71}}], y = d.y}, {epochs = 1}) end)
fails("Net:forward: inputs must be an n x 72 tensor", function() net:forward(tensor.zeros(3, 70)) end)
fails("dtype must be \"float32\" or \"float64\"", function() nn.net{input = {4}, layers = {{"dense", 2}}, dtype = "half"} end)
fails("Net:fit: data-parallel training of an nn.net network shares out its blocks of 64 rows: chunk must be 64, got 32",
      function() net:fit(d, {epochs = 1, distributed = true, chunk = 32, quiet = true}) end)

-- run directories: save and load every snapshot (batch norm statistics included); 2 + 2 epochs resumed give the bits of
-- 4 in one go (float32, shuffled batches, dropout)
local rdir = os.tmpname()
os.remove(rdir)
local function fresh() return nn.net{input = {2, 6, 6}, layers = layers, seed = 9, dtype = "float32"} end
local opts = {batch = 64, optim = "adam", lr = 0.01, quiet = true, shuffle = true, snapshots = "every"}
local function with(t, extra) local o = {} for k, v in pairs(t) do o[k] = v end for k, v in pairs(extra) do o[k] = v end return o end
local whole = fresh():fit(d, with(opts, {epochs = 4}))
fresh():fit(d, with(opts, {epochs = 2, dir = rdir}))
local resumed = fresh():fit(d, with(opts, {epochs = 2, resume = rdir}))
assert(resumed:nepochs() == 4, "resumed to 4 epochs")
assert((resumed:net():params() - whole:net():params()):abs():max() == 0, "2 + 2 epochs = 4 epochs, bit for bit")
local loaded = nn.load_run(rdir)
assert(tostring(loaded):find("conv4k3p1") and loaded:epochs():size() == 5, "the run directory holds the layer net and 5 snapshots")
for _, e in ipairs{0, 2, 4} do
  assert((loaded:net(e):params() - whole:net(e):params()):abs():max() == 0, "snapshot " .. e .. " saved exactly")
end
near(loaded:activations(4, d.x)[12]:get(7, 2), whole:activations(4, d.x)[12]:get(7, 2), 0, "activations of a loaded run")
fails("cannot resume", function() nn.net{input = {2, 6, 6}, layers = layers, seed = 9}:fit(d, with(opts, {epochs = 1, resume = rdir})) end)
fails("cannot resume", function() nn.mlp{72, 3}:fit(d, with(opts, {epochs = 1, resume = rdir})) end)
os.execute("rm -rf '" .. rdir .. "'")

-- tensors saved as float32 .npy and read back
local tmp = os.tmpname()
local t = tensor.new{{1.5, 1 / 3}, {-2, 1e-3}}
t:save(tmp .. ".npy", {dtype = "float32"})
local u = tensor.load(tmp .. ".npy")
near(u:get(1, 2), string.unpack("f", string.pack("f", 1 / 3)), 0, "float32 value")
assert(u:get(1, 1) == 1.5 and u:get(2, 1) == -2, "exact values stay exact")
local f = io.open(tmp .. ".npy", "rb"); local head = f:read(80); f:close()
assert(head:find("'<f4'", 1, true), "the header says <f4")
fails("dtype = \"float32\" is for .npy files", function() t:save(tmp .. ".csv", {dtype = "float32"}) end)
os.remove(tmp .. ".npy"); os.remove(tmp)
print("OK")
