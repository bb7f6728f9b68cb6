-- The paper's workload in one run: the 12-10-7-5-4-3-2 tanh net on var_u (Adam 4e-4, batch 512, 80 % split),
-- fit for E epochs with a snapshot every epoch, then a forward pass of all 4096 inputs through every layer at
-- every snapshot (run:activations(e, d.x), e = 1..E). Prints epochs/s of the whole (wall clock) and of each part.
-- Usage: ibsh bench/train_tishby.lua [E]
local E = tonumber(arg[1]) or 2000
local d = data.tishby()
local train = d:split{train = 0.8, seed = 0}
local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 0}
local c0, t0 = os.clock(), tensor.walltime()
local run = net:fit(train, {epochs = E, batch = 512, optim = "adam", lr = 4e-4, quiet = true})
local t1 = tensor.walltime()
local check = 0
for e = 1, E do
  local acts = run:activations(e, d.x)
  if e == E then check = acts[#acts]:sum() end
end
local t2, c2 = tensor.walltime(), os.clock()
local w = run:weights(E)
print(string.format("train_tishby epochs %d epochs/s %.1f fit %.1f/s activations %.1f/s seconds %.3f cpu %.3f check %a w11 %a",
                    E, E / (t2 - t0), E / (t1 - t0), E / (t2 - t1), t2 - t0, c2 - c0, check, w[1].W:get(1, 1)))
