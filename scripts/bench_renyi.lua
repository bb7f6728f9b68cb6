-- ibsh side of scripts/bench_renyi: writes the data to DIR (first round), times mi.renyi on it and
-- appends "name seconds value" lines to DIR/ibsh.txt. Usage: ibsh bench_renyi.lua DIR ROUND
local dir, round = arg[1], tonumber(arg[2])
local x, y, labels
if round == 1 then
  local r = tensor.rng(5)
  x = tensor.randn(1000, 256, r)
  y = (x:narrow(2, 1, 64) + tensor.randn(1000, 64, r)):tanh()
  labels = (x:narrow(2, 1, 10)):argmax(2) - 1
  x:save(dir .. "/x.npy"); y:save(dir .. "/y.npy"); labels:save(dir .. "/labels.npy")
else
  x, y, labels = tensor.load(dir .. "/x.npy"), tensor.load(dir .. "/y.npy"), tensor.load(dir .. "/labels.npy")
end
-- Best of reps wall-clock times of f, and f's result.
local function best(reps, f)
  local t, v = math.huge, nil
  for _ = 1, reps do
    local t0 = tensor.walltime()
    v = f()
    t = math.min(t, tensor.walltime() - t0)
  end
  return t, v
end
local out = assert(io.open(dir .. "/ibsh.txt", "a"))
local t, v = best(3, function() return mi.renyi(x, y, {alpha = 1.01, sigma = 8, sigma_y = 4}) end)
out:write(string.format("dense %.6f %.12g\n", t, v))
t, v = best(3, function() return mi.renyi(x, labels, {alpha = 1.01, sigma = 8, labels = true}) end)
out:write(string.format("labels %.6f %.12g\n", t, v))
t, v = best(3, function() return mi.renyi(x, y, {alpha = 2, sigma = 8, sigma_y = 4}) end)
out:write(string.format("alpha2 %.6f %.12g\n", t, v))
out:close()
