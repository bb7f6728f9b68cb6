-- Data-parallel training of issue 14's CNN (bench/cnn_fashion.lua's net: conv 8@5x5, ReLU, maxpool 2, conv 16@5x5,
-- ReLU, maxpool 2, dense 64, ReLU, dense 10) on the first ROWS Fashion-MNIST training images, batch 128 (2 blocks of
-- 64 rows), Adam 1e-3, per-batch metrics, no test set:
--   OPENBLAS_NUM_THREADS=1 mpirun -x OPENBLAS_NUM_THREADS -np 2 ibsh bench/cnn_dist.lua [ROWS] [EPOCHS] [DTYPE]
-- Rank 0 prints the wall-clock seconds per epoch, its own CPU seconds per epoch and the sum of the final weights
-- (equal for any -np, without mpirun, and with ARG 4 "plain": distributed = false).
local rows, epochs, dtype = tonumber(arg[1]) or 10000, tonumber(arg[2]) or 1, arg[3] or "float32"
local d = data.fashion_mnist{train = true}
local idx = {}
for i = 1, rows do idx[i] = i end
local train = d:subset(idx)
local net = nn.net{input = {1, 28, 28}, dtype = dtype, seed = 1, layers = {{"conv", 8, k = 5}, {"relu"}, {"maxpool", 2},
  {"conv", 16, k = 5}, {"relu"}, {"maxpool", 2}, {"flatten"}, {"dense", 64}, {"relu"}, {"dense", 10}}}
local rank, size = sweep.rank()
local c0, t0 = os.clock(), tensor.walltime()
local run = net:fit(train, {epochs = epochs, batch = 128, optim = "adam", lr = 1e-3, quiet = true, snapshots = "none",
                            gradstats = false, metrics = "batches", distributed = arg[4] ~= "plain"})
local dt, cpu = tensor.walltime() - t0, os.clock() - c0
local s = net:params():sum()
if rank == 0 then
  print(string.format("cnn_dist ranks %d seconds/epoch %.3f cpu/epoch(rank 0) %.3f loss %.4f param_sum %a", size,
                      dt / epochs, cpu / epochs, run:metrics().train_loss:get(epochs), s))
end
