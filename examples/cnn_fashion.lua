-- A LeNet-class CNN on Fashion-MNIST in the information plane: conv 8@5x5, ReLU, maxpool 2, conv 16@5x5, ReLU,
-- maxpool 2, dense 64, ReLU, dense 10, trained in float32 with Adam, a snapshot every epoch, and the matrix-based
-- Renyi estimate (mi.renyi; Yu et al. 2019, Wickstrom et al. 2019: the estimator built for convolutional layers)
-- of I(X;T) and I(T;Y) for every layer's output at every epoch, on held-out test images.
-- Writes cnn_fashion.png (the plane), cnn_fashion.csv (epoch, layer, name, ixt, ity) and prints the accuracies.
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

-- Every layer's output at every epoch; the flatten layer repeats the pooled maps, so it is left out of the plot.
local plane, eps = mi.infoplane(run, mi_set, {estimator = "renyi", batch = mi_batch, quiet = true})
local shapes = run:shapes()
local f = assert(io.open("cnn_fashion.csv", "w"))
f:write("epoch,layer,name,ixt,ity\n")
for s = 1, eps:size() do
  for l = 1, #shapes do
    f:write(string.format("%d,%d,%s,%.6f,%.6f\n", eps:get(s), l, shapes[l].name, plane:get(s, l, 1), plane:get(s, l, 2)))
  end
end
f:close()
local keep = {}
for l, s in ipairs(shapes) do if s.name ~= "flatten" then keep[#keep + 1] = l end end
local shown = tensor.zeros(eps:size(), #keep, 2)
for s = 1, eps:size() do
  for j, l in ipairs(keep) do shown[{s, j, 1}] = plane:get(s, l, 1); shown[{s, j, 2}] = plane:get(s, l, 2) end
end
plot.infoplane(shown, {title = "CNN on Fashion-MNIST: Renyi information plane of every layer"}):save("cnn_fashion.png")
print("wrote cnn_fashion.png and cnn_fashion.csv")
