-- Timing of issue 14's CNN (run by scripts/bench_cnn): conv 8@5x5, ReLU, maxpool 2, conv 16@5x5, ReLU, maxpool 2,
-- dense 64, ReLU, dense 10 on the first ROWS Fashion-MNIST training images; Adam 1e-3, batch 128, the test set
-- evaluated after every epoch. Prints wall-clock seconds per epoch and the final test accuracy.
-- Usage: ibsh bench/cnn_fashion.lua [ROWS] [EPOCHS] [DTYPE] [SEED]
local rows, epochs = tonumber(arg[1] or 10000), tonumber(arg[2] or 2)
local dtype, seed = arg[3] or "float32", tonumber(arg[4] or 1)
local d = data.fashion_mnist{train = true}
local idx = {}
for i = 1, rows do idx[i] = i end
local train, test = d:subset(idx), data.fashion_mnist{train = false}
local net = nn.net{input = {1, 28, 28}, dtype = dtype, seed = seed, layers = {{"conv", 8, k = 5}, {"relu"}, {"maxpool", 2},
  {"conv", 16, k = 5}, {"relu"}, {"maxpool", 2}, {"flatten"}, {"dense", 64}, {"relu"}, {"dense", 10}}}
local t0 = tensor.walltime()
local run = net:fit(train, {epochs = epochs, batch = 128, optim = "adam", lr = 1e-3, quiet = true, test = test,
                            snapshots = "none", gradstats = false, metrics = "batches"})
local dt = (tensor.walltime() - t0) / epochs
print(string.format("ibsh cnn s/epoch %.3f test_acc %.4f", dt, run:metrics().test_acc:get(epochs)))
