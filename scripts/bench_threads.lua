-- ibsh side of scripts/bench_threads: one multi-threaded workload, named by arg[1], timed in this process (run it
-- with IBSH_THREADS=1 and =2); prints "<name> wall_ms <best wall> cpu_ms <CPU of that run, user + system>".
-- Workloads: rows (run:activations of the paper's net, 4096 rows, x1000), net (one nn.net CNN epoch, 2000 images),
-- kde (one snapshot's KDE plane), ksg (N = 1e4, x20), sp (mi.sp, n = 4096, d = 10, 20 draws), renyi (1000 x 256),
-- ib (ib.curve of a random 4096 x 2 joint), fit (the paper's net, 300 epochs: the metrics helper thread).
local name = assert(arg[1], "usage: ibsh bench_threads.lua WORKLOAD")
local reps = tonumber(arg[2]) or 5   -- the first runs can overlap OpenBLAS's threads spinning after start-up
local work = {}

local function tishby_run(epochs)
  local d = data.tishby()
  local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 0}
  return d, net:fit(d, {epochs = epochs, batch = 512, quiet = true, snapshots = {epochs}})
end

function work.rows()
  local d, run = tishby_run(20)
  return function() for _ = 1, 1000 do run:activations(20, d.x) end end
end

function work.net()
  local d = data.fashion_mnist{train = true}
  local idx = {}
  for i = 1, 2000 do idx[i] = i end
  local train = d:subset(idx)
  return function()
    local net = nn.net{input = {1, 28, 28}, dtype = "float32", seed = 1, layers = {{"conv", 8, k = 5}, {"relu"},
      {"maxpool", 2}, {"conv", 16, k = 5}, {"relu"}, {"maxpool", 2}, {"flatten"}, {"dense", 64}, {"relu"}, {"dense", 10}}}
    net:fit(train, {epochs = 1, batch = 128, quiet = true, snapshots = "none", gradstats = false, metrics = "batches"})
  end
end

function work.kde()
  local d, run = tishby_run(20)
  return function() mi.infoplane(run, d, {estimator = "kde", noise_var = 0.1, quiet = true, epochs = {20}}) end
end

function work.ksg()
  local x, z = tensor.randn(10000, 1, {seed = 5}), tensor.randn(10000, 1, {seed = 6})
  local y = x:mul(0.9):add(z:mul(math.sqrt(0.19)))
  return function() for _ = 1, 20 do mi.ksg(x, y, {k = 3}) end end
end

function work.sp()
  local s = tensor.randn(4096, 10, {seed = 1}):mul(0.7):tanh()
  return function() mi.sp(s, {noise = 0.2, samples = 20, seed = 1}) end
end

function work.renyi()
  local x, y = tensor.randn(1000, 256, {seed = 1}), tensor.randn(1000, 64, {seed = 2})
  return function() mi.renyi(x, y, {alpha = 1.01, sigma = 8, sigma_y = 4}) end
end

function work.ib()
  local pxy = tensor.rand(4096, 2, {seed = 7}):pow(3)
  pxy = pxy:div(pxy:sum())
  return function() ib.curve(pxy) end
end

function work.fit()
  local d = data.tishby()
  return function()
    local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 0}
    net:fit(d, {epochs = 300, batch = 512, quiet = true})
  end
end

local make = assert(work[name], "unknown workload " .. name)
local f = make()
local best, cpu = math.huge, 0
for _ = 1, reps do
  local c0, t0 = os.clock(), tensor.walltime()
  f()
  local dt, dc = tensor.walltime() - t0, os.clock() - c0
  if dt < best then best, cpu = dt, dc end
end
print(string.format("%s wall_ms %.3f cpu_ms %.3f", name, best * 1e3, cpu * 1e3))
