-- ibsh side of scripts/bench_sp, one part per run: "sp" writes the benchmark layer (s.npy) for the numpy peer and
-- times mi.sp (n = 4096, d = 10, 100 draws per row; best of 2), "exact" times, on the var_u network, exact MI of all six
-- layers of a quantized snapshot against binning of the same activations, alone and through mi.infoplane.
-- Prints "key value" lines.
local dir, part = assert(arg[1], "usage: ibsh bench_sp.lua DIR sp|exact"), arg[2] or "sp"
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

if part == "sp" then
-- A tanh layer of 4096 inputs and 10 units, noise 0.2 (the densest regime of the estimator's kernel sums).
tensor.manual_seed(11)
local s = tensor.randn(4096, 10):mul(0.7):tanh()
s:save(dir .. "/s.npy")
local sigma, m = 0.2, 100
local t, est, se = best(2, function() return mi.sp(s, {noise = sigma, samples = m, seed = 1}) end)
print(string.format("sp_seconds %.6f", t))
print(string.format("sp_estimate %.6f %.6f", est, se))
print(string.format("sp_threads %d", tonumber(os.getenv("IBSH_THREADS") or "0") or 0))

end
if part == "exact" then
-- Exact against binning on one 8-bit tanh run (snapshots at 5 epochs): the estimators alone on the six layers of one
-- snapshot (mi.exact_layers with the run's grids, as mi.infoplane calls it, against mi.binned_layers with 30 bins),
-- and mi.infoplane per snapshot (activations included), rounds interleaved, the median of 9 rounds of 40 (9 of 1).
local d = data.tishby()
local run = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", quant = {bits = 8}, seed = 1}
  :fit(d, {epochs = 200, batch = 256, optim = "adam", lr = 4e-4, quiet = true, snapshots = {40, 80, 120, 160, 200}})
local acts, q = run:activations(200, d.x), run:quant()
local function median(v) table.sort(v) return v[(#v + 1) // 2] end
local te, tb, pe, pb = {}, {}, {}, {}
for r = 1, 9 do
  te[r] = best(1, function() for _ = 1, 40 do mi.exact_layers(acts, d.y, {quant = q}) end end) / 40
  tb[r] = best(1, function() for _ = 1, 40 do mi.binned_layers(acts, d.y, {bins = 30}) end end) / 40
  pe[r] = best(1, function() mi.infoplane(run, d, {estimator = "exact", quiet = true}) end) / 5
  pb[r] = best(1, function() mi.infoplane(run, d, {estimator = "bin", quiet = true}) end) / 5
end
print(string.format("exact_ms %.6f", median(te) * 1e3))
print(string.format("bin_ms %.6f", median(tb) * 1e3))
print(string.format("plane_exact_ms %.6f", median(pe) * 1e3))
print(string.format("plane_bin_ms %.6f", median(pb) * 1e3))
end
