-- Crash tests: train (or resume) the run in arg[1] to arg[2] epochs with a checkpoint every epoch; write a digest
-- (hex floats of the weights at epochs 0, total/2, total and the last metrics) to arg[1] .. ".digest".
local xs, ys = {}, {}
for i = 1, 400 do
  local a, b = math.sin(i * 1.3), math.cos(i * 0.7)
  xs[i] = {a, b, a * b, a - b}
  ys[i] = (a + b > 0) and 1 or 0
end
local d = {x = tensor.new(xs), y = tensor.new(ys)}
local D, total = arg[1], tonumber(arg[2])
local net = nn.mlp{4, 16, 2, act = "tanh", seed = 1}
local opts = {epochs = total, batch = 50, dir = D, checkpoint = tonumber(arg[3] or 1), quiet = true, shuffle = true}
local ok, prev = pcall(nn.load_run, D)
if ok then opts.epochs, opts.resume = total - prev:nepochs(), D end
if opts.epochs > 0 then net:fit(d, opts) end
local run = nn.load_run(D)
local parts = {}
for _, e in ipairs{0, total // 2, total} do
  for _, l in ipairs(run:weights(e)) do
    for i = 1, l.W:numel() do parts[#parts + 1] = string.format("%a", l.W:reshape(l.W:numel()):get(i)) end
    for i = 1, l.b:numel() do parts[#parts + 1] = string.format("%a", l.b:get(i)) end
  end
end
local m, s = run:metrics(), run:net():weights()
parts[#parts + 1] = string.format("%a %a %a", m.train_loss:get(total), m.train_acc:get(total), s[2].W:get(1, 1))
local f = assert(io.open(D .. ".digest", "w"))
assert(f:write(table.concat(parts, ",")))
assert(f:close())
print("done", run:nepochs())
