-- A LeNet-class CNN on Fashion-MNIST in the information plane: conv 8@5x5, ReLU, maxpool 2, conv 16@5x5, ReLU,
-- maxpool 2, dense 64, ReLU, dense 10, trained in float32 with Adam, a snapshot every epoch, and the matrix-based
-- Renyi estimate (mi.renyi; Yu et al. 2019, Wickstrom et al. 2019: the estimator built for convolutional layers)
-- of I(X;T) and I(T;Y) for every layer's output at every epoch, on held-out test images.
-- Writes cnn_fashion.png (the plane of the test images), cnn_fashion.csv (set, epoch, layer, name, ixt, ity: the
-- planes of held-out test images and of training images) and cnn_fashion_report.md: per layer, whether I(X;T)
-- falls after its peak (compression) on test and training images, and how the last epoch's values depend on the
-- estimator's alpha and kernel width (the two choices Yu et al. and Wickstrom et al. leave to the user).
--
-- Needs Debian's dataset-fashion-mnist (scripts/setup installs it).
-- Usage: ibsh examples/cnn_fashion.lua [--quick] [--epochs E] [--train N] [--mi-rows M]
-- Full mode: 60 000 training images, 10 epochs (about 4 s per epoch here), Renyi MI on 1 000 test images in
-- batches of 500. Quick mode (CI): 2 000 images, 3 epochs, 200 test images in one batch.
local opt = {quick = false}
local i = 1
while arg and arg[i] do
  local a = arg[i]
  if a == "--quick" then opt.quick = true
  elseif a == "--epochs" or a == "--train" or a == "--mi-rows" then
    opt[a:sub(3):gsub("-", "_")] = math.tointeger(tonumber(arg[i + 1])) or error(a .. " needs an integer"); i = i + 1
  else error("cnn_fashion.lua: unknown argument " .. a) end
  i = i + 1
end
local epochs = opt.epochs or (opt.quick and 3 or 10)
local ntrain = opt.train or (opt.quick and 2000 or 60000)
local nmi = opt.mi_rows or (opt.quick and 200 or 1000)
local mi_batch = opt.quick and nmi or 500

local function first_rows(n)
  local r = {}
  for k = 1, n do r[k] = k end
  return r
end
local train = data.fashion_mnist{train = true}
if ntrain < train.x:size(1) then train = train:subset(first_rows(ntrain)) end
local test = data.fashion_mnist{train = false}
local mi_set = test:subset(first_rows(nmi))

local net = nn.net{input = {1, 28, 28}, dtype = "float32", seed = 1, layers = {
  {"conv", 8, k = 5}, {"relu"}, {"maxpool", 2}, {"conv", 16, k = 5}, {"relu"}, {"maxpool", 2},
  {"flatten"}, {"dense", 64}, {"relu"}, {"dense", 10}}}
print(net)
local t0 = tensor.walltime()
local run = net:fit(train, {epochs = epochs, batch = 128, optim = "adam", lr = 1e-3, test = test, metrics = "batches",
                            snapshots = "every", quiet = true})
local m = run:metrics()
print(string.format("trained %d epochs on %d images in %.1f s: train accuracy %.3f, test accuracy %.3f", epochs, ntrain,
                    tensor.walltime() - t0, m.train_acc:get(epochs), m.test_acc:get(epochs)))

-- Every layer's output at every epoch, on held-out test images and on as many training images (Wickstrom et al.
-- 2023 see compression mostly on training data); the flatten layer repeats the pooled maps, so it is left out.
local mi_train = train:subset(first_rows(nmi))
local plane, eps = mi.infoplane(run, mi_set, {estimator = "renyi", batch = mi_batch, quiet = true})
local tplane = mi.infoplane(run, mi_train, {estimator = "renyi", batch = mi_batch, quiet = true})
local shapes = run:shapes()
local keep = {}
for l, s in ipairs(shapes) do if s.name ~= "flatten" then keep[#keep + 1] = l end end
local f = assert(io.open("cnn_fashion.csv", "w"))
f:write("set,epoch,layer,name,ixt,ity\n")
for _, set in ipairs{{"test", plane}, {"train", tplane}} do
  for s = 1, eps:size() do
    for l = 1, #shapes do
      f:write(string.format("%s,%d,%d,%s,%.6f,%.6f\n", set[1], eps:get(s), l, shapes[l].name, set[2]:get(s, l, 1),
                            set[2]:get(s, l, 2)))
    end
  end
end
f:close()
local shown = tensor.zeros(eps:size(), #keep, 2)
for s = 1, eps:size() do
  for j, l in ipairs(keep) do shown[{s, j, 1}] = plane:get(s, l, 1); shown[{s, j, 2}] = plane:get(s, l, 2) end
end
plot.infoplane(shown, {title = "CNN on Fashion-MNIST: Renyi information plane of every layer"}):save("cnn_fashion.png")

-- Compression: I(X;T) at the first snapshot, its peak (and epoch) and at the end, on each set.
local rep = {"# cnn_fashion: Renyi information plane of a LeNet-class CNN\n\n",
  string.format("%d training images, %d epochs, float32, Adam 1e-3, batch 128; test accuracy %.3f. MI on %d images in " ..
                "batches of %d, alpha = 1.01, Scott's kernel width per layer, labels as Y's kernel.\n\n",
                ntrain, epochs, m.test_acc:get(epochs), nmi, mi_batch),
  "| layer | set | I(X;T) epoch 0 | peak (epoch) | last | I(T;Y) epoch 0 | last | compresses |\n|---|---|---|---|---|---|---|---|\n"}
local S = eps:size()
for _, l in ipairs(keep) do
  for _, set in ipairs{{"test", plane}, {"train", tplane}} do
    local p, peak, at = set[2], -math.huge, 0
    for s = 1, S do if p:get(s, l, 1) > peak then peak, at = p:get(s, l, 1), eps:get(s) end end
    local last = p:get(S, l, 1)
    rep[#rep + 1] = string.format("| %d %s | %s | %.3f | %.3f (%d) | %.3f | %.3f | %.3f | %s |\n", l, shapes[l].name, set[1],
      p:get(1, l, 1), peak, at, last, p:get(1, l, 2), p:get(S, l, 2), peak - last > 0.05 and "yes" or "no")
  end
end

-- Sensitivity at the last epoch: alpha in {1.01, 2} and the layer's width at 0.5, 1 and 2 times Scott's rule.
local acts = run:activations(eps:get(S), mi_set.x)
local n = math.min(nmi, mi_batch)
local xs, ys = mi_set.x:narrow(1, 1, n), mi_set.y:narrow(1, 1, n)
if ys:dim() == 2 then ys = ys:argmax(2) - 1 end
rep[#rep + 1] = string.format("\nLast epoch, first %d test images: I(X;T), I(T;Y) for alpha and the layer's kernel width " ..
  "(x Scott's rule):\n\n| layer | a=1.01 s x0.5 | a=1.01 s x1 | a=1.01 s x2 | a=2 s x0.5 | a=2 s x1 | a=2 s x2 |\n" ..
  "|---|---|---|---|---|---|---|\n", n)
for _, l in ipairs(keep) do
  local t = acts[l]:narrow(1, 1, n)
  local scott = math.sqrt(t:var(1):sum()) * n ^ (-1 / (4 + t:size(2)))
  local cells = {}
  for _, alpha in ipairs{1.01, 2} do
    for _, c in ipairs{0.5, 1, 2} do
      local sigma = c == 1 and "scott" or c * scott
      if scott > 0 then
        local ixt = mi.renyi(t, xs, {alpha = alpha, sigma = sigma, sigma_y = "scott"})
        local ity = mi.renyi(t, ys, {alpha = alpha, sigma = sigma, labels = true})
        cells[#cells + 1] = string.format("%.2f, %.3f", ixt, ity)
      else
        cells[#cells + 1] = "-"
      end
    end
  end
  rep[#rep + 1] = string.format("| %d %s | %s |\n", l, shapes[l].name, table.concat(cells, " | "))
end
local r = assert(io.open("cnn_fashion_report.md", "w"))
r:write(table.concat(rep))
r:close()
print(table.concat(rep))
print("wrote cnn_fashion.png, cnn_fashion.csv and cnn_fashion_report.md")
