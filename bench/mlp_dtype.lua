-- Timing of a float32 against a float64 MLP 784-256-10 ReLU (run by scripts/bench_cnn): Adam 1e-3, batch 128, one
-- epoch over the first ROWS Fashion-MNIST training images, per-batch metrics. Prints seconds per epoch.
-- Usage: ibsh bench/mlp_dtype.lua DTYPE [ROWS] [EPOCHS]
local dtype, rows, epochs = arg[1] or "float32", tonumber(arg[2] or 60000), tonumber(arg[3] or 2)
local d = data.fashion_mnist{train = true}
local idx = {}
for i = 1, rows do idx[i] = i end
local train = d:subset(idx)
local net = nn.mlp{784, 256, 10, act = "relu", dtype = dtype, seed = 1}
local t0 = tensor.walltime()
local run = net:fit(train, {epochs = epochs, batch = 128, optim = "adam", lr = 1e-3, quiet = true, snapshots = "none",
                            gradstats = false, metrics = "batches"})
print(string.format("ibsh mlp %s s/epoch %.3f train_acc %.4f", dtype, (tensor.walltime() - t0) / epochs,
                    run:metrics().train_acc:get(epochs)))
