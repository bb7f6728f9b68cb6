#!/bin/sh
# Snapshot forward passes (run:activations, net:forward) give the same bits for any thread count
# (IBSH_THREADS) on a narrow tanh net and a wide ReLU net (dgemm), over several row blocks and a tail;
# so do training runs whose per-epoch metrics a helper thread evaluates (weights, metrics, snapshots),
# also when training diverges (the epoch named and the weights restored alike).
# $1 = ibsh binary.
IBSH="$1"
code='
local out = {}
for _, spec in ipairs{{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 5}, {30, 300, 40, 10, act = "relu", seed = 5}} do
  local net = nn.mlp(spec)
  local x = tensor.randn(3001, spec[1], {seed = 7})
  for _, a in ipairs(net:forward(x)) do out[#out + 1] = string.format("%a", (a * a):sum()) end
end
local d = data.tishby()
local train, test = d:split{train = 0.8, seed = 0}
local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 1}
local run = net:fit(train, {epochs = 30, batch = 512, test = test, quiet = true})
local m = run:metrics()
for _, k in ipairs{"train_loss", "train_acc", "test_loss", "test_acc"} do out[#out + 1] = string.format("%a", m[k]:sum()) end
out[#out + 1] = string.format("%a %d", run:activations(17, d.x)[2]:sum(), run:epochs():size())
local wx, wy = tensor.randn(1500, 300, {seed = 1}), tensor.randint(0, 9, 1500, 1, {seed = 2}):reshape(1500)
local wide = nn.mlp{300, 400, 10, act = "relu", seed = 0}   -- products through dgemm, also on the helper thread
local wrun = wide:fit({x = wx, y = wy}, {epochs = 4, batch = 256, quiet = true, snapshots = "none",
                                        test = {x = wx:narrow(1, 1, 500), y = wy:narrow(1, 1, 500)}})
out[#out + 1] = string.format("%a %a %a", wide:weights()[1].W:sum(), wrun:metrics().train_loss:sum(), wrun:metrics().test_loss:sum())
local bad = nn.mlp{3, 8, 2, act = "relu", out = "linear", init = "he_normal", seed = 1}
local xs, ys = tensor.randn(40, 3, {seed = 2}), tensor.randn(40, 2, {seed = 3})
local dir = os.tmpname()
os.remove(dir)
local ok, err = pcall(bad.fit, bad, {x = xs, y = ys}, {epochs = 50, batch = 8, optim = "sgd", lr = 0.6, quiet = true, dir = dir, checkpoint = 0})
assert(not ok and tostring(err):find("diverged"), tostring(err))
local saved = nn.load_run(dir)
os.execute("rm -rf " .. dir)
out[#out + 1] = tostring(err):match("after epoch %d+") .. string.format(" %a %d %d", bad:weights()[1].W:sum(),
  saved:nepochs(), saved:epochs():size())
print(table.concat(out, " "))'
ref=$(IBSH_THREADS=1 "$IBSH" -e "$code") || { echo "FAIL: IBSH_THREADS=1 run: $ref"; exit 1; }
fails=0
for n in 2 3; do
  got=$(IBSH_THREADS=$n "$IBSH" -e "$code")
  if [ "$got" != "$ref" ]; then echo "FAIL: IBSH_THREADS=$n gives '$got', 1 thread '$ref'"; fails=$((fails + 1)); fi
done
[ "$fails" -eq 0 ] && echo "same bits for 1, 2 and 3 threads: $ref"
