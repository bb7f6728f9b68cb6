-- Runs: save/load round trip, resume (50 + 50 epochs == 100, bit for bit, with Adam state and
-- reshuffling), files numpy and pandas read, and resume errors.
local tmp = os.tmpname()
os.remove(tmp)
assert(os.execute("mkdir -p '" .. tmp .. "'"))
local function cleanup() os.execute("rm -rf '" .. tmp .. "'") end

local xs, ys = {}, {}
for i = 1, 60 do
  local a, b, c = math.sin(i * 1.3), math.cos(i * 0.7), math.sin(i * i * 0.1)
  xs[i] = {a, b, c, a * c}
  ys[i] = (a + b * c > 0) and 1 or 0
end
local d = {x = tensor.new(xs), y = tensor.new(ys)}
local test = {x = tensor.new{xs[1], xs[2], xs[3]}, y = tensor.new{ys[1], ys[2], ys[3]}}
local opts = {epochs = 100, batch = 16, shuffle = true, seed = 9, optim = "adam", lr = 0.01, test = test, quiet = true}

local function same_run(a, b, what)
  local ea, eb = a:epochs(), b:epochs()
  assert(ea:size() == eb:size(), what .. ": snapshot counts " .. ea:size() .. " vs " .. eb:size())
  for s = 1, ea:size() do
    local e = ea:get(s)
    assert(e == eb:get(s), what .. ": snapshot epochs")
    local wa, wb = a:weights(e), b:weights(e)
    for l = 1, #wa do
      local r, c = wa[l].W:size()
      for i = 1, r do for j = 1, c do
        assert(wa[l].W:get(i, j) == wb[l].W:get(i, j), what .. ": W at epoch " .. e)
      end end
      for j = 1, c do assert(wa[l].b:get(j) == wb[l].b:get(j), what .. ": b at epoch " .. e) end
    end
  end
  local ma, mb = a:metrics(), b:metrics()
  for _, k in ipairs{"train_loss", "train_acc", "test_loss", "test_acc"} do
    assert(ma[k]:size() == mb[k]:size(), what .. ": metric sizes")
    for e = 1, ma[k]:size() do
      local x, y = ma[k]:get(e), mb[k]:get(e)
      assert(x == y or (x ~= x and y ~= y), what .. ": " .. k .. " at epoch " .. e)
    end
  end
  local ga, gb = a:gradstats(), b:gradstats()
  local r, c = ga.grad_std:size()
  for i = 1, r do for j = 1, c do assert(ga.grad_std:get(i, j) == gb.grad_std:get(i, j), what .. ": gradstats") end end
end

-- 100 epochs in one go
local full = nn.mlp{4, 6, 3, 2, act = "tanh", seed = 4}:fit(d, opts)
-- save / load round trip
full:save(tmp .. "/full")
local loaded = nn.load_run(tmp .. "/full")
same_run(full, loaded, "load_run")
assert(tostring(loaded):find("100 epochs, 101 snapshots"), tostring(loaded))

-- 50 epochs saved to a directory, then 50 more resumed from it
local half = {}
for k, v in pairs(opts) do half[k] = v end
half.epochs = 50
half.dir = tmp .. "/resumed"
local first = nn.mlp{4, 6, 3, 2, act = "tanh", seed = 4}:fit(d, half)
assert(first:nepochs() == 50, "first half")
half.dir = nil
half.resume = tmp .. "/resumed"
local net2 = nn.mlp{4, 6, 3, 2, act = "tanh", seed = 4}
local second = net2:fit(d, half)
assert(second:nepochs() == 100, "resumed run has 100 epochs")
same_run(full, second, "resume 50 + 50")
same_run(full, nn.load_run(tmp .. "/resumed"), "resume saved back to its directory")
assert(net2:weights()[2].W:get(3, 1) == full:weights(100)[2].W:get(3, 1), "the net holds the resumed weights")

-- the files: config.json, npy headers, csv columns
local f = assert(io.open(tmp .. "/full/current/config.json"))
local cfg = f:read("a"); f:close()
assert(cfg:find('"widths": %[4, 6, 3, 2%]') and cfg:find('"epochs": 100') and cfg:find('"act": "tanh"'), cfg)
f = assert(io.open(tmp .. "/full/current/W2.npy", "rb"))
local head = f:read(128); f:close()
assert(head:sub(1, 6) == "\x93NUMPY" and head:find("'shape': %(101, 6, 3%)") and head:find("<f8"), "W2.npy header")
f = assert(io.open(tmp .. "/full/current/metrics.csv"))
assert(f:read("l") == "epoch,train_loss,train_acc,test_loss,test_acc", "metrics.csv header")
local line = f:read("l"); f:close()
assert(line:match("^1,[%d.e-]+,[%d.e-]+,[%d.e-]+,[%d.e-]+$"), "metrics.csv row: " .. line)
f = assert(io.open(tmp .. "/full/current/gradstats.csv"))
assert(f:read("l") == "epoch,layer,grad_mean,grad_std,snr,weight_norm", "gradstats.csv header"); f:close()
local p = io.popen("ls '" .. tmp .. "/full' | grep -c tmp")
assert(p:read("l") == "0", "no temporary files left"); p:close()

-- resume errors
local ok, e = pcall(function() nn.mlp{4, 5, 2}:fit(d, {epochs = 1, resume = tmp .. "/full", quiet = true}) end)
assert(not ok and e:find("cannot resume") and e:find("4%-6%-3%-2"), e)
ok, e = pcall(nn.load_run, tmp)
assert(not ok and e:find("nn.load_run: .* has no manifest.json"), e)
-- a corrupted file is rejected
f = assert(io.open(tmp .. "/full/current/W1.npy", "wb")); f:write("\x93NUMPY garbage"); f:close()
ok, e = pcall(nn.load_run, tmp .. "/full")
assert(not ok and e:find("W1.npy") and e:find("damaged"), e)
cleanup()
print("OK")
