-- ibsh side of scripts/bench_sp: writes the benchmark layer (s.npy) for the numpy peer and times mi.sp
-- (n = 4096, d = 10, 100 draws per row; best of ROUNDS) and, on the var_u network, exact MI of all six
-- layers of a quantized snapshot against binning of the same activations. Prints "key value" lines.
local dir, rounds = assert(arg[1], "usage: ibsh bench_sp.lua DIR [ROUNDS]"), tonumber(arg[2] or "2")
local now = tensor.walltime

-- Best wall-clock time of reps runs of f, and f's results of the last run.
local function best(reps, f)
  local t, a, b = math.huge
  for _ = 1, reps do
    local t0 = now()
    a, b = f()
    t = math.min(t, now() - t0)
  end
  return t, a, b
end

-- A tanh layer of 4096 inputs and 10 units, noise 0.2 (the densest regime of the estimator's kernel sums).
tensor.manual_seed(11)
local s = tensor.randn(4096, 10):mul(0.7):tanh()
s:save(dir .. "/s.npy")
local sigma, m = 0.2, 100
local t, est, se = best(rounds, function() return mi.sp(s, {noise = sigma, samples = m, seed = 1}) end)
print(string.format("sp_seconds %.6f", t))
print(string.format("sp_estimate %.6f %.6f", est, se))
print(string.format("sp_threads %d", tonumber(os.getenv("IBSH_THREADS") or "0") or 0))

-- Exact against binning: all six layers of one 8-bit tanh snapshot, per snapshot (best over 200 repeats).
local d = data.tishby()
local run = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", quant = {bits = 8}, seed = 1}
  :fit(d, {epochs = 200, batch = 256, optim = "adam", lr = 4e-4, quiet = true, snapshots = {200}})
local acts = run:activations(200, d.x)
local te = best(5, function() for _ = 1, 40 do mi.exact_layers(acts, d.y) end end) / 40
local tb = best(5, function() for _ = 1, 40 do mi.binned_layers(acts, d.y, {bins = 30}) end end) / 40
print(string.format("exact_ms %.6f", te * 1e3))
print(string.format("bin_ms %.6f", tb * 1e3))
local ta = best(5, function() for _ = 1, 10 do run:activations(200, d.x) end end) / 10
print(string.format("acts_ms %.6f", ta * 1e3))
