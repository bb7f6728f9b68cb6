-- One epoch of data-parallel training of a Fashion-MNIST MLP (784-512-10 ReLU, batch 256, 20 000 images):
--   OPENBLAS_NUM_THREADS=1 mpirun -x OPENBLAS_NUM_THREADS -np 2 ibsh bench/fashion_dist.lua [ROWS] [EPOCHS]
-- Rank 0 prints the wall-clock seconds per epoch, its own CPU seconds per epoch (what the wall time would be on
-- dedicated cores) and the sum of the final weights (equal for any -np, and without mpirun). ARG 3 "plain":
-- distributed = false, for comparison.
local rows, epochs = tonumber(arg[1]) or 20000, tonumber(arg[2]) or 1
local d = data.fashion_mnist{train = true}
local idx = {}
for i = 1, rows do idx[i] = i end
local train = d:subset(idx)
local net = nn.mlp{784, 512, 10, act = "relu", seed = 0}
local rank, size = sweep.rank()
local c0, t0 = os.clock(), tensor.walltime()
local run = net:fit(train, {epochs = epochs, batch = 256, optim = "adam", lr = 1e-3, quiet = true, snapshots = "none",
                            gradstats = false, metrics = "batches", distributed = arg[3] ~= "plain"})
local dt, cpu = tensor.walltime() - t0, os.clock() - c0
local s = 0
for _, w in ipairs(net:weights()) do s = s + w.W:sum() + w.b:sum() end
if rank == 0 then
  print(string.format("fashion_dist ranks %d seconds/epoch %.3f cpu/epoch(rank 0) %.3f loss %.4f weight_sum %a", size,
                      dt / epochs, cpu / epochs, run:metrics().train_loss:get(epochs), s))
end
