-- Saxe et al. (2018)'s MNIST study on Fashion-MNIST: 784-1024-20-20-20-10 networks with tanh and
-- with ReLU hidden layers, the information plane from the KDE upper bound (noise variance 0.1) on
-- a subset of the test images, tanh and ReLU side by side. Writes fashion_mnist.png,
-- fashion_mnist.csv and fashion_mnist.md into the current directory.
--
-- Needs Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist; scripts/setup installs it).
-- Usage: ibsh examples/fashion_mnist.lua [--quick] [--epochs E] [--train N] [--mi-rows M] [--jobs J] [--dir D]
-- Full mode: all 60 000 training images, 25 epochs (about 7 min per network here; the paper: MNIST,
-- 10 000 epochs, about two days per network on this 2-core machine), KDE on
-- 10 000 test images at 12 log-spaced epochs. Quick mode: 2 000 training images, 5 epochs, test
-- metrics and KDE on the first 1 000 test images at every epoch.
local atomic = require "ibsh.atomic"
local opt = {quick = false, jobs = 2}
local i = 1
while arg and arg[i] do
  local a = arg[i]
  if a == "--quick" then opt.quick = true
  elseif a == "--epochs" or a == "--train" or a == "--mi-rows" or a == "--jobs" then
    opt[a:sub(3):gsub("-", "_")] = math.tointeger(tonumber(arg[i + 1])) or error(a .. " needs an integer"); i = i + 1
  elseif a == "--dir" then opt.dir = arg[i + 1]; i = i + 1
  else error("fashion_mnist.lua: unknown argument " .. a) end
  i = i + 1
end
local epochs = opt.epochs or (opt.quick and 5 or 25)
local ntrain = opt.train or (opt.quick and 2000 or 60000)
local nmi = opt.mi_rows or (opt.quick and 1000 or 10000)
local mi_points = opt.quick and epochs + 1 or 12
local root = sweep.rank() == 0
local wall0 = os.time()

-- Load the data (data.fashion_mnist reads the IDX .gz files of dataset-fashion-mnist; pixels / 255).
local dir = os.getenv("IBSH_FASHION_MNIST") or "/usr/share/datasets/fashion-mnist"
local function first_rows(n)
  local r = {}
  for k = 1, n do r[k] = k end
  return r
end
local function load(prefix, n)
  local d
  if data.fashion_mnist then
    d = data.fashion_mnist{train = prefix == "train", dir = dir}
  else
    local ok, x = pcall(tensor.load, dir .. "/" .. prefix .. "-images-idx3-ubyte.gz")
    if not ok then
      error("fashion_mnist.lua: cannot read Fashion-MNIST in " .. dir .. " (install dataset-fashion-mnist: scripts/setup): " .. tostring(x), 0)
    end
    local y = tensor.load(dir .. "/" .. prefix .. "-labels-idx1-ubyte.gz")
    d = data.new{x = x:reshape(x:size(1), 784):div(255), y = y, name = "fashion-mnist " .. prefix}
  end
  if n < d.x:size(1) then d = d:subset(first_rows(n)) end
  return d
end
local train = load("train", ntrain)
local test = load("t10k", math.max(nmi, opt.quick and 1000 or 10000))
local mi_set = nmi < test.x:size(1) and test:subset(first_rows(nmi)) or test

-- Epochs with a snapshot (and an MI estimate): about mi_points log-spaced epochs, 0 and the last included.
local snap, seen = {}, {}
for k = 0, mi_points - 1 do
  local e = k == 0 and 0 or math.floor(math.exp(k / (mi_points - 1) * math.log(epochs)) + 0.5)
  if mi_points > epochs then e = k end
  if e <= epochs and not seen[e] then seen[e] = true; snap[#snap + 1] = e end
end

local results, jobs = sweep.run{grid = {act = {"tanh", "relu"}}, jobs = opt.jobs, dir = opt.dir, quiet = not root,
  fn = function(job)
    local net = nn.mlp{784, 1024, 20, 20, 20, 10, act = job.act, init = "glorot_uniform", seed = 1}
    local run = net:fit(train, {epochs = epochs, batch = 128, optim = "sgd", lr = 0.001, momentum = 0,
      shuffle = true, seed = 1, test = test, quiet = true, snapshots = snap, gradstats = false})
    local plane, ep = mi.infoplane(run, mi_set, {estimator = "kde", noise_var = 0.1, bound = "upper"})
    local m = run:metrics()
    return {plane = plane, epochs = ep, train_acc = m.train_acc:get(epochs), test_acc = m.test_acc:get(epochs),
      train_loss = m.train_loss:get(epochs)}
  end}
if not root then return end

local names = {}
for k, job in ipairs(jobs) do names[k] = job.act end
local fig = plot.figure{width = 2400, height = 900, cols = 2, fontsize = 12,
  title = string.format("Fashion-MNIST 784-1024-20-20-20-10, KDE upper bound (noise var 0.1) on %d test images, %d epochs", nmi, epochs)}
for k, r in ipairs(results) do
  plot.infoplane(r.plane, {epochs = r.epochs, ax = fig:axes(k), title = names[k], logcolor = true})
end
fig:save("fashion_mnist.png")

atomic.write("fashion_mnist.csv", function(f)
  f:write("act,epoch,layer,ixt,ity\n")
  for k, r in ipairs(results) do
    for s = 1, r.plane:size(1) do
      for l = 1, r.plane:size(2) do
        f:write(string.format("%s,%d,%d,%.9g,%.9g\n", names[k], r.epochs:get(s), l, r.plane:get(s, l, 1), r.plane:get(s, l, 2)))
      end
    end
  end
end, "fashion_mnist.lua")

local ip = require "ibsh.recipes.infoplane"
local out = {}
local function w(...) out[#out + 1] = string.format(...) end
w("# Fashion-MNIST, 784-1024-20-20-20-10, tanh and ReLU — %s run\n\n", opt.quick and "QUICK (reduced)" or "full")
w("Command: `ibsh examples/fashion_mnist.lua%s`; wall time %d s.\n\n", opt.quick and " --quick" or "", os.time() - wall0)
w("## Protocol (Saxe et al.'s MNIST variant, on Fashion-MNIST)\n\n")
w("- data: Fashion-MNIST (Debian dataset-fashion-mnist), the first %d training images, pixels / 255\n", ntrain)
w("- net: 784-1024-20-20-20-10, tanh or ReLU hidden layers, softmax output, Glorot-uniform weights (Keras default), one network per activation (seed 1)\n")
w("- train: plain SGD lr 0.001, batch 128, reshuffled every epoch, %d epochs (the paper: 10 000 epochs on MNIST)\n", epochs)
w("- test metrics on the first %d test images\n", test.x:size(1))
w("- MI: KDE pairwise-KL upper bound, noise variance 0.1, bits, on the first %d test images (p(x) uniform over them), at epochs %s\n\n", nmi, table.concat(snap, ", "))
w("| act | train acc | test acc | layer | I(X;T) start | peak | final | I(T;Y) final |\n|---|---|---|---|---|---|---|---|\n")
for k, r in ipairs(results) do
  local comp = ip.compression(r.plane, r.epochs)
  for l, c in ipairs(comp) do
    w("| %s | %.3f | %.3f | %d | %.3f | %.3f (epoch %d) | %.3f | %.3f |\n", names[k], r.train_acc, r.test_acc, l,
      r.plane:get(1, l, 1), c.peak_ixt, c.peak_epoch, c.final_ixt, c.final_ity)
  end
end
w("\nI(X;T) is at most log2(%d) = %.2f bits here. Figure: fashion_mnist.png; numbers: fashion_mnist.csv.\n", nmi, math.log(nmi, 2))
atomic.write_text("fashion_mnist.md", table.concat(out), "fashion_mnist.lua")
print(string.format("fashion_mnist: wrote fashion_mnist.png, fashion_mnist.csv and fashion_mnist.md in %d s", os.time() - wall0))
