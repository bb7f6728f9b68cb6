-- The flagship experiment of Shwartz-Ziv & Tishby (2017): train the paper's 12-10-7-5-4-3-2
-- tanh network on var_u with a snapshot at every epoch, estimate every layer's I(X;T) and
-- I(T;Y) by binning at every epoch, compute the IB bound of the data, and draw the
-- information plane to infoplane.png.
--
-- Usage: ibsh examples/infoplane.lua [EPOCHS [OUTPUT.png [SEED]]]
-- Protocol (stated, since the original code has variants): shuffled 80 % split (seeded),
-- Adam lr 4e-4, minibatches of 512 in a fixed order, snapshots after every epoch,
-- 30 equal bins on [-1, 1], MI over all 4096 inputs with p(x) uniform.
local epochs = tonumber(arg and arg[1]) or 3000
local output = arg and arg[2] or "infoplane.png"
local seed = tonumber(arg and arg[3]) or 1

local clock = os.clock()
local d = data.tishby()
local train, test = d:split{train = 0.8, seed = seed}
local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = seed}
local run = net:fit(train, {epochs = epochs, batch = 512, optim = "adam", lr = 4e-4, test = test})
local m = run:metrics()
print(("trained %d epochs: train accuracy %.3f, test accuracy %.3f"):format(
  epochs, m.train_acc:get(epochs), m.test_acc:get(epochs)))

local plane, snapshots = mi.infoplane(run, d, {bins = 30, range = {-1, 1}})
local bound = ib.curve(d:joint())
local last = plane:size(1)
for layer = 1, plane:size(2) do
  print(("layer %d: I(X;T) %.3f -> %.3f bits, I(T;Y) %.3f -> %.3f bits"):format(layer,
    plane:get(1, layer, 1), plane:get(last, layer, 1), plane:get(1, layer, 2), plane:get(last, layer, 2)))
end

local fig = plot.infoplane(plane, {bound = bound, epochs = snapshots,
  title = ("var_u, 12-10-7-5-4-3-2 tanh, Adam, %d epochs"):format(epochs)})
fig:save(output)
print(("wrote %s in %.1f s"):format(output, os.clock() - clock))
