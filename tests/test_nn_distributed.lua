-- Data-parallel training in one process (net:fit{distributed = true}): one chunk per batch gives the same
-- bits as plain training; smaller chunks give the same weights up to rounding (the gradient is the same
-- sum in another order) and the same bits for the same chunk size; run directories and option errors.
-- The bits across MPI rank counts are checked by tests/sh/test_nn_distributed_mpi.sh.
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

check.fails("Net:fit: option 'chunk' must be a number of rows >= 1", fit, {distributed = true, chunk = 0})
check.fails("Net:fit: option 'distributed'", fit, {distributed = "yes"})
check.fails("Net:fit: option 'chunk' needs distributed = true", fit, {chunk = 8})
local rank, size = sweep.rank()
assert(rank == 0 and size == 1, "not under mpirun: rank 0 of 1")
print("ok")
