-- nn API: shapes, initialisation, forward values, snapshots, determinism, options and bad input.
local function close(a, b, tol, what)
  assert(math.abs(a - b) <= tol * math.max(1, math.abs(a), math.abs(b)), what .. ": " .. a .. " vs " .. b)
end
local function tanh(z) local e = math.exp(2 * z); return (e - 1) / (e + 1) end
local function errmsg(f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "expected an error")
  return tostring(e)
end

-- a tiny data set: label = 1 when x1 + x2 > 0
local xs, ys = {}, {}
for i = 1, 40 do
  local a, b = math.sin(i * 1.7), math.cos(i * 2.3)
  xs[i] = {a, b, a * b}
  ys[i] = (a + b > 0) and 1 or 0
end
local d = {x = tensor.new(xs), y = tensor.new(ys)}

-- construction and initialisation
local net = nn.mlp{3, 5, 4, 2, act = "tanh", seed = 7}
assert(tostring(net):find("ibsh.Net 3%-5%-4%-2 tanh/softmax"), tostring(net))
assert(net:nlayers() == 3 and net:nparams() == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2, "sizes")
local w = net:weights()
assert(#w == 3, "three layers")
local r, c = w[1].W:size()
assert(r == 3 and c == 5 and w[1].b:size() == 5, "W is fan_in x fan_out")
for l, fan in ipairs{3, 5, 4} do
  local rr, cc = w[l].W:size()
  for i = 1, rr do for j = 1, cc do
    assert(math.abs(w[l].W:get(i, j)) <= 2 / math.sqrt(fan) + 1e-15, "truncated at 2 std")
  end end
  for j = 1, cc do assert(w[l].b:get(j) == 0, "zero biases") end
end
local glorot = nn.mlp{3, 5, 2, init = "glorot_uniform", bias = 0.5, seed = 1}:weights()
assert(glorot[1].b:get(3) == 0.5, "constant bias")
for i = 1, 3 do for j = 1, 5 do assert(math.abs(glorot[1].W:get(i, j)) <= math.sqrt(6 / 8), "glorot bound") end end

-- forward values against a hand computation
local acts = net:forward(d.x)
assert(#acts == 3, "activations of three layers")
for _, i in ipairs{1, 17, 40} do
  local h1 = {}
  for j = 1, 5 do
    local z = w[1].b:get(j)
    for k = 1, 3 do z = z + xs[i][k] * w[1].W:get(k, j) end
    h1[j] = tanh(z)
    close(acts[1]:get(i, j), h1[j], 1e-14, "hidden unit")
  end
  local h2 = {}
  for j = 1, 4 do
    local z = w[2].b:get(j)
    for k = 1, 5 do z = z + h1[k] * w[2].W:get(k, j) end
    h2[j] = tanh(z)
    close(acts[2]:get(i, j), h2[j], 1e-13, "second hidden unit")
  end
  local z = {}
  for j = 1, 2 do
    z[j] = w[3].b:get(j)
    for k = 1, 4 do z[j] = z[j] + h2[k] * w[3].W:get(k, j) end
  end
  local p1 = 1 / (1 + math.exp(z[2] - z[1]))
  close(acts[3]:get(i, 1), p1, 1e-13, "softmax")
end

-- fit: snapshots every epoch by default, metrics, determinism
local opts = {epochs = 30, batch = 16, optim = "adam", lr = 0.01, quiet = true}
local run = nn.mlp{3, 5, 4, 2, act = "tanh", seed = 7}:fit(d, opts)
local ep = run:epochs()
assert(ep:size() == 31 and ep:get(1) == 0 and ep:get(31) == 30, "snapshots 0..30")
assert(run:nlayers() == 3 and run:nepochs() == 30, "run sizes")
local w0 = run:weights(0)
assert(w0[2].W:get(3, 2) == w[2].W:get(3, 2), "epoch 0 holds the initial weights")
local m = run:metrics()
assert(m.epoch:size() == 30 and m.test_loss:get(1) ~= m.test_loss:get(1), "test metrics NaN without a test set")
local g = run:gradstats()
local gr, gc = g.grad_mean:size()
assert(gr == 30 and gc == 3, "gradstats are epochs x layers")
close(g.snr:get(5, 2), g.grad_mean:get(5, 2) / g.grad_std:get(5, 2), 1e-15, "snr = mean / std")
assert(g.weight_norm:get(30, 1) > 0, "weight norm")
local run2 = nn.mlp{3, 5, 4, 2, act = "tanh", seed = 7}:fit(d, opts)
for l = 1, 3 do
  local a, b = run:weights(30)[l].W, run2:weights(30)[l].W
  local rr, cc = a:size()
  for i = 1, rr do for j = 1, cc do assert(a:get(i, j) == b:get(i, j), "same seed, same bits") end end
end
local run3 = nn.mlp{3, 5, 4, 2, act = "tanh", seed = 8}:fit(d, opts)
assert(run3:weights(30)[1].W:get(1, 1) ~= run:weights(30)[1].W:get(1, 1), "another seed, other weights")
-- the net keeps the trained weights
local trained = nn.mlp{3, 5, 4, 2, act = "tanh", seed = 7}
trained:fit(d, opts)
assert(trained:weights()[1].W:get(2, 2) == run:weights(30)[1].W:get(2, 2), "fit updates the network")
assert(run:net(10):weights()[1].W:get(1, 1) == run:weights(10)[1].W:get(1, 1), "run:net(e)")

-- every activation, output and optimiser trains without error and lowers the loss
for _, act in ipairs{"tanh", "relu", "sigmoid", "linear", "softsign", "softplus"} do
  for _, out in ipairs{"softmax", "sigmoid", "linear"} do
    local rn = nn.mlp{3, 6, 2, act = act, out = out, seed = 3}:fit(d, {epochs = 40, batch = 8, lr = 0.02, quiet = true})
    local mm = rn:metrics()
    assert(mm.train_loss:get(40) < mm.train_loss:get(1), act .. "/" .. out .. " lowers the loss")
  end
end
local rs = nn.mlp{3, 6, 2, seed = 3}:fit(d, {epochs = 20, batch = "full", optim = "sgd", lr = 0.5, momentum = 0.9,
  weight_decay = 1e-4, lr_step = 10, lr_gamma = 0.5, shuffle = true, seed = 5, quiet = true})
assert(rs:metrics().train_loss:get(20) < rs:metrics().train_loss:get(1), "sgd with momentum")
local rb = nn.mlp{3, 4, 1, out = "sigmoid", seed = 3}:fit(d, {epochs = 30, batch = 8, lr = 0.05, quiet = true})
assert(rb:metrics().train_acc:get(30) > 0.6, "single sigmoid output with 0/1 labels")

-- snapshot schedules
local tiny = {x = tensor.new{{0, 1}, {1, 0}, {1, 1}, {0, 0}}, y = tensor.new{1, 1, 0, 0}}
local rl = nn.mlp{2, 2, 2, seed = 1}:fit(tiny, {epochs = 8000, batch = 0, lr = 0.01, snapshots = "log:400", quiet = true, gradstats = false})
local le = rl:epochs()
assert(le:size() == 274, "log:400 over 8000 epochs keeps the original code's 274 epochs, got " .. le:size())
assert(le:get(1) == 0 and le:get(274) == 7999 and le:get(101) == 161, "log epochs")
local lt = nn.log_epochs(8000, 400)
assert(lt:size() == 274 and lt:get(274) == 7999 and nn.log_epochs(10000, 1800):size() == 964, "nn.log_epochs")
local rlist = nn.mlp{2, 2, 2, seed = 1}:fit(tiny, {epochs = 10, snapshots = {3, 5, 10}, quiet = true})
local el = rlist:epochs()
assert(el:size() == 4 and el:get(1) == 0 and el:get(2) == 3 and el:get(4) == 10, "list of epochs (0 always kept)")
local rend = nn.mlp{2, 2, 2, seed = 1}:fit(tiny, {epochs = 10, snapshots = {3, 5}, at = "end", quiet = true})
assert(rend:epochs():get(2) == 4 and rend:epochs():get(3) == 6, "at = end records after the epoch")
local rf = nn.mlp{2, 2, 2, seed = 1}:fit(tiny, {epochs = 10, snapshots = function(e) return e % 4 == 0 end, quiet = true})
assert(rf:epochs():size() == 3 and rf:epochs():get(3) == 8, "function schedule")
local full = nn.mlp{2, 2, 2, seed = 1}:fit(tiny, {epochs = 10, quiet = true})
assert(full:weights(10)[1].W:get(2, 1) == rlist:weights(10)[1].W:get(2, 1), "schedules do not change training")
assert(full:weights(8)[1].W:get(1, 2) == rf:weights(8)[1].W:get(1, 2), "function schedule: same weights")

-- metrics = "batches": the mean over the epoch's minibatches; with one full batch that is the loss of the
-- weights before the epoch's update, i.e. the full metric of the epoch before
local rfull = nn.mlp{3, 5, 2, seed = 2}:fit(d, {epochs = 6, batch = 0, lr = 0.05, quiet = true})
local rbat = nn.mlp{3, 5, 2, seed = 2}:fit(d, {epochs = 6, batch = 0, lr = 0.05, quiet = true, metrics = "batches"})
for e = 2, 6 do
  close(rbat:metrics().train_loss:get(e), rfull:metrics().train_loss:get(e - 1), 1e-12, "batch metrics")
  close(rbat:metrics().train_acc:get(e), rfull:metrics().train_acc:get(e - 1), 1e-12, "batch accuracy")
end
assert(rbat:weights(6)[1].W:get(1, 1) == rfull:weights(6)[1].W:get(1, 1), "metrics do not change training")

-- zero epochs: just the initial snapshot; labels as an n x 1 column
local r0 = nn.mlp{3, 4, 2, seed = 1}:fit({x = d.x, y = tensor.new{{1}, {0}, {1}, {1}, {0}, {0}, {1}, {0}, {1}, {1},
  {0}, {0}, {1}, {0}, {1}, {1}, {0}, {0}, {1}, {0}, {1}, {1}, {0}, {0}, {1}, {0}, {1}, {1}, {0}, {0}, {1}, {0},
  {1}, {1}, {0}, {0}, {1}, {0}, {1}, {1}}}, {epochs = 0, quiet = true})
assert(r0:epochs():size() == 1 and r0:nepochs() == 0 and r0:metrics().epoch:size() == 0, "zero epochs")

-- divergence names the epoch
local e = errmsg(function()
  nn.mlp{3, 8, 2, act = "relu", out = "linear", init = "he_normal", seed = 1}:fit(d, {epochs = 50, optim = "sgd", lr = 1e6, quiet = true})
end)
assert(e:find("diverged") and e:find("epoch %d+"), e)

-- bad input: a Lua error naming the function and the problem
local function expect(pattern, f)
  local msg = errmsg(f)
  assert(msg:find(pattern), "error '" .. msg .. "' should match '" .. pattern .. "'")
end
expect("nn.mlp: need at least", function() nn.mlp{3} end)
expect("nn.mlp: width #2", function() nn.mlp{3, 0, 2} end)
expect("nn.mlp: unknown activation 'tan'", function() nn.mlp{3, 2, act = "tan"} end)
expect("nn.mlp: unknown option 'activation'", function() nn.mlp{3, 2, activation = "tanh"} end)
expect("nn.mlp: unknown output", function() nn.mlp{3, 2, out = "softmaxx"} end)
expect("nn.mlp: a softmax output needs at least 2", function() nn.mlp{3, 1} end)
expect("nn.mlp: expected a table", function() nn.mlp(3, 2) end)
local n3 = nn.mlp{3, 4, 2}
expect("Net:fit: option 'epochs'", function() n3:fit(d, {quiet = true}) end)
expect("Net:fit: unknown option 'epoch'", function() n3:fit(d, {epoch = 3}) end)
expect("Net:fit: unknown optim 'adamw'", function() n3:fit(d, {epochs = 1, optim = "adamw"}) end)
expect("Net:fit: train.x must be an n x 3 tensor", function() n3:fit({x = tensor.zeros(4, 2), y = tensor.zeros(4)}, {epochs = 1}) end)
expect("Net:fit: train.y must hold 4 labels", function() n3:fit({x = tensor.zeros(4, 3), y = tensor.zeros(5)}, {epochs = 1}) end)
expect("Net:fit: train.y%[2%] = 2 is not a class label in 0..1", function()
  n3:fit({x = tensor.zeros(3, 3), y = tensor.new{0, 2, 1}}, {epochs = 1}) end)
expect("Net:fit: train.y%[1%] = 0.5 is not a class label", function()
  n3:fit({x = tensor.zeros(3, 3), y = tensor.new{0.5, 1, 1}}, {epochs = 1}) end)
expect("Net:fit: train must be a dataset table", function() n3:fit(5, {epochs = 1}) end)
expect("Net:fit: train.x must be a tensor", function() n3:fit({y = tensor.zeros(3)}, {epochs = 1}) end)
expect("Net:fit: test.x must be an n x 3", function() n3:fit(d, {epochs = 1, test = {x = tensor.zeros(2, 5), y = tensor.zeros(2)}}) end)
expect("Net:fit: lr must be a positive number", function() n3:fit(d, {epochs = 1, lr = -1, quiet = true}) end)
expect("Net:fit: unknown snapshots", function() n3:fit(d, {epochs = 1, snapshots = "sometimes"}) end)
expect("Net:fit: option 'metrics'", function() n3:fit(d, {epochs = 1, metrics = "some"}) end)
expect("Net:fit: option 'at'", function() n3:fit(d, {epochs = 1, at = "middle"}) end)
expect("Net:fit: the training set is empty", function() n3:fit({x = tensor.zeros(0, 3), y = tensor.zeros(0)}, {epochs = 1}) end)
expect("Net:fit: option 'batch' must be an integer", function() n3:fit(d, {epochs = 1, batch = 1.5}) end)
local nanx = tensor.zeros(2, 3); nanx:set(2, 1, 0 / 0)
expect("Net:fit: train.x has a non%-finite value at row 2", function() n3:fit({x = nanx, y = tensor.zeros(2)}, {epochs = 1}) end)
expect("Net:fit: .*snapshots of .* parameters need", function()
  nn.mlp{784, 4096, 4096, 10}:fit({x = tensor.zeros(2, 784), y = tensor.zeros(2)}, {epochs = 100, quiet = true}) end)
expect("Run:weights: no snapshot at epoch 99", function() run:weights(99) end)
expect("Run:activations: inputs must be an n x 3 tensor", function() run:activations(0, tensor.zeros(2, 4)) end)
expect("Run:weights: epoch must be an integer", function() run:weights("x") end)
expect("Net:forward: inputs must be an n x 3", function() net:forward(tensor.zeros(3)) end)
expect("nn.load_run: cannot open", function() nn.load_run("/nonexistent/dir") end)
-- every nn function and method has a help text with a signature, a description and an example
local help = require("ibsh.core.help")
local documented = 0
for name, v in pairs(help.entries()) do
  if name:match("^nn%.") or name:match("^Net:") or name:match("^Run:") then
    local t = help.get(v)
    assert(t and t:find("\n\n") and t:find("Example:"), "help of " .. name)
    documented = documented + 1
  end
end
assert(documented >= 20, "documented nn entries: " .. documented)
print("OK")
