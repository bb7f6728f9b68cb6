-- The paper's network learns var_u: >= 95 % training accuracy within 800 epochs (seeded),
-- Adam lr 4e-4, batch 512, on 80 % of the rows (every fifth row held out as the test set).
local d = data.tishby()
local rows, ys = d.x:totable(), d.y:totable()
assert(#rows == 4096, "var_u has 4096 rows")
local trx, try, tex, tey = {}, {}, {}, {}
for i = 1, #rows do
  if i % 5 ~= 0 then trx[#trx + 1] = rows[i]; try[#try + 1] = ys[i]
  else tex[#tex + 1] = rows[i]; tey[#tey + 1] = ys[i] end
end
local train = {x = tensor.new(trx), y = tensor.new(try)}
local test = {x = tensor.new(tex), y = tensor.new(tey)}

local E = 800
local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 0}
local run = net:fit(train, {epochs = E, batch = 512, optim = "adam", lr = 4e-4, test = test, quiet = true})
local m = run:metrics()
assert(m.epoch:size() == E and m.epoch:get(E) == E, "metrics cover epochs 1..E")
local acc = m.train_acc:get(E)
assert(acc >= 0.95, "var_u training accuracy after " .. E .. " epochs is " .. acc)
assert(m.test_acc:get(E) > 0.8, "test accuracy " .. m.test_acc:get(E))
assert(m.train_loss:get(E) < m.train_loss:get(1), "loss decreased")

-- activations of all 4096 inputs: 6 layers, widths 10 7 5 4 3 2, softmax rows sum to 1
local acts = run:activations(E, d.x)
assert(#acts == 6, "six layers of activations")
local widths = {10, 7, 5, 4, 3, 2}
for l = 1, 6 do
  local r, c = acts[l]:size()
  assert(r == 4096 and c == widths[l], "layer " .. l .. " is 4096 x " .. widths[l])
end
for i = 1, 4096, 97 do
  local p = acts[6]:get(i, 1) + acts[6]:get(i, 2)
  assert(math.abs(p - 1) < 1e-12, "softmax row sums to 1")
  for j = 1, 10 do assert(math.abs(acts[1]:get(i, j)) < 1, "tanh in (-1, 1)") end
end
-- the training accuracy recomputed from the activations of the training rows equals the metric
local tacts = run:activations(E, train.x)[6]
local correct = 0
for i = 1, #try do
  local pred = tacts:get(i, 2) > tacts:get(i, 1) and 1 or 0
  if pred == try[i] then correct = correct + 1 end
end
assert(math.abs(correct / #try - acc) < 1e-12, "accuracy from activations matches the metric")
print("OK")
