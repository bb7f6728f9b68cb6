-- Data-parallel training in one process (net:fit{distributed = true}): one chunk per batch gives the same
-- bits as plain training; smaller chunks give the same weights up to rounding (the gradient is the same
-- sum in another order) and the same bits for the same chunk size; run directories and option errors.
-- nn.net (conv, pool, dense, dropout, batch norm; float64 and float32): its 64-row blocks are the chunks, so every
-- parameter has the bits of distributed = false. The bits across MPI rank counts are checked by
-- tests/sh/test_nn_distributed_mpi.sh.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")

local xs, ys = {}, {}
for i = 1, 90 do
  local a, b, c = math.sin(i * 1.3), math.cos(i * 0.7), math.sin(i * i * 0.1)
  xs[i] = {a, b, c, a * c}
  ys[i] = (a + b * c > 0) and 1 or 0
end
local d = {x = tensor.new(xs), y = tensor.new(ys)}

local function fit(o)
  local net = nn.mlp{4, 6, 5, 2, act = "tanh", seed = 3}
  local base = {epochs = 15, batch = 32, optim = "adam", lr = 0.01, quiet = true}
  for k, v in pairs(o) do base[k] = v end
  local run = net:fit(d, base)
  return net:weights(), run
end

-- Largest |difference| over every weight and bias of two networks' weights.
local function maxdiff(a, b)
  local m = 0
  for l = 1, #a do
    m = math.max(m, (a[l].W - b[l].W):abs():max(), (a[l].b - b[l].b):abs():max())
  end
  return m
end

local plain, prun = fit{}
local whole = fit{distributed = true, chunk = 32}
assert(maxdiff(plain, whole) == 0, "one chunk per batch must give the bits of plain training")
for _, c in ipairs{1, 5, 16} do
  local w1, r1 = fit{distributed = true, chunk = c}
  local w2 = fit{distributed = true, chunk = c}
  assert(maxdiff(w1, w2) == 0, "chunk " .. c .. ": not reproducible")
  check.close(maxdiff(plain, w1), 0, 1e-12, "chunk " .. c .. " against plain training")
  check.close(r1:metrics().train_loss:get(15), prun:metrics().train_loss:get(15), 1e-12, "chunk " .. c .. " train loss")
end
-- shuffled batches and per-batch metrics take the same path
local ws, rs = fit{shuffle = true, metrics = "batches"}
local wd, rd = fit{shuffle = true, metrics = "batches", distributed = true, chunk = 7}
check.close(maxdiff(ws, wd), 0, 1e-12, "shuffled, chunk 7")
check.close(rd:metrics().train_loss:get(15), rs:metrics().train_loss:get(15), 1e-12, "batch-mean loss")
check.close(rd:metrics().train_acc:get(15), rs:metrics().train_acc:get(15), 0, "batch-mean accuracy")
-- SGD: one step of the chunked gradient against the analytic batch gradient
local w1 = fit{epochs = 1, batch = 90, optim = "sgd", lr = 0.5}
local w2 = fit{epochs = 1, batch = 90, optim = "sgd", lr = 0.5, distributed = true, chunk = 8}
check.close(maxdiff(w1, w2), 0, 1e-15, "one SGD step")

-- a run directory written by a distributed fit resumes bit-identically
local tmp = os.tmpname()
os.remove(tmp)
local function cleanup() os.execute("rm -rf '" .. tmp .. "'") end
local ok, err = pcall(function()
  local full = fit{epochs = 20, distributed = true, chunk = 5, shuffle = true}
  fit{epochs = 12, distributed = true, chunk = 5, shuffle = true, dir = tmp, checkpoint = 4}
  local net = nn.mlp{4, 6, 5, 2, act = "tanh", seed = 3}
  net:fit(d, {epochs = 8, batch = 32, optim = "adam", lr = 0.01, quiet = true, distributed = true, chunk = 5,
              shuffle = true, resume = tmp})
  assert(maxdiff(full, net:weights()) == 0, "resumed distributed run differs")
end)
cleanup()
assert(ok, err)

-- nn.net: every parameter (batch norm's running statistics included) and every epoch's metrics are the bits of
-- distributed = false, for float64 and float32, with and without batch norm, shuffled or not
local imgs = tensor.rand(260, 2 * 8 * 8, {seed = 11})
local labels = {}
for i = 1, 260 do labels[i] = math.floor(imgs:get(i, 10) * 2 + imgs:get(i, 75) * 2) % 3 end
local img = {x = imgs[{{1, 200}, {}}], y = tensor.new(labels)[{{1, 200}}]}
local img_test = {x = imgs[{{201, 260}, {}}], y = tensor.new(labels)[{{201, 260}}]}

local function net_fit(dtype, bn, o)
  local layers = {{"conv", 4, k = 3, pad = 1}, {"relu"}, {"maxpool", 2}, {"flatten"}, {"dense", 16}, {"relu"},
                  {"dropout", 0.25}, {"dense", 3}}
  if bn then table.insert(layers, 2, {"batchnorm"}); table.insert(layers, 8, {"batchnorm"}) end
  local net = nn.net{input = {2, 8, 8}, layers = layers, dtype = dtype, seed = 5}
  local p0 = net:params()
  local opts = {epochs = 4, batch = 150, optim = "adam", lr = 0.01, quiet = true}
  for k, v in pairs(o) do opts[k] = v end
  local run = net:fit(img, opts)
  return net:params(), run, p0
end

-- Fail unless the vectors a and b hold the same bits.
local function same_bits(a, b, what)
  assert(a:size() == b:size(), what .. ": sizes differ")
  for i = 1, a:size() do
    local x, y = a:get(i), b:get(i)
    if not (x == y and string.format("%a", x) == string.format("%a", y)) then
      error(string.format("%s: parameter %d differs: %a against %a", what, i, x, y), 2)
    end
  end
end

for _, dtype in ipairs{"float64", "float32"} do
  for _, bn in ipairs{false, true} do
    for _, o in ipairs{{shuffle = true, test = img_test}, {shuffle = false, metrics = "batches"}} do
      local what = string.format("nn.net %s%s%s", dtype, bn and " batchnorm" or "", o.shuffle and " shuffled" or "")
      local pp, rp, init = net_fit(dtype, bn, o)
      o.distributed = true
      local pd, rd = net_fit(dtype, bn, o)
      assert((pp - init):abs():max() > 1e-3, what .. ": training changed the weights")
      same_bits(pp, pd, what)
      local mp, md = rp:metrics(), rd:metrics()
      for e = 1, 4 do
        for _, k in ipairs{"train_loss", "train_acc", "test_loss", "test_acc"} do
          local a, b = mp[k]:get(e), md[k]:get(e)
          assert(a == b or (a ~= a and b ~= b), what .. ": " .. k .. " of epoch " .. e)
        end
      end
      assert(mp.train_loss:get(4) < mp.train_loss:get(1), what .. ": the loss falls")
      if o.test then assert(mp.test_loss:get(4) == mp.test_loss:get(4), what .. ": test metrics") end
      if bn then   -- the running variance of the first batch norm moved away from 1 the same way
        local wp, wd = rp:weights(4), rd:weights(4)
        assert(wp[2].var:get(1) ~= 1 and wp[2].var:get(1) == wd[2].var:get(1), what .. ": running statistics")
      end
    end
  end
end

-- nn.net: a distributed run directory resumes to the bits of one uninterrupted distributed fit
local ntmp = os.tmpname()
os.remove(ntmp)
ok, err = pcall(function()
  local full = net_fit("float32", true, {epochs = 4, shuffle = true, distributed = true})
  net_fit("float32", true, {epochs = 2, shuffle = true, distributed = true, dir = ntmp, checkpoint = 1})
  local layers = {{"conv", 4, k = 3, pad = 1}, {"batchnorm"}, {"relu"}, {"maxpool", 2}, {"flatten"}, {"dense", 16},
                  {"relu"}, {"batchnorm"}, {"dropout", 0.25}, {"dense", 3}}
  local net = nn.net{input = {2, 8, 8}, layers = layers, dtype = "float32", seed = 5}
  net:fit(img, {epochs = 2, batch = 150, optim = "adam", lr = 0.01, quiet = true, shuffle = true, distributed = true,
                resume = ntmp})
  same_bits(full, net:params(), "resumed distributed nn.net")
end)
os.execute("rm -rf '" .. ntmp .. "'")
assert(ok, err)
check.fails("Net:fit: data-parallel training of an nn.net network shares out its blocks of 64 rows: chunk must be 64, got 128",
            net_fit, "float64", false, {distributed = true, chunk = 128})

check.fails("Net:fit: option 'chunk' must be a number of rows >= 1", fit, {distributed = true, chunk = 0})
check.fails("Net:fit: option 'distributed'", fit, {distributed = "yes"})
check.fails("Net:fit: option 'chunk' needs distributed = true", fit, {chunk = 8})
local rank, size = sweep.rank()
assert(rank == 0 and size == 1, "not under mpirun: rank 0 of 1")
print("ok")
