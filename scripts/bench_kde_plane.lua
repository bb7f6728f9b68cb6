-- ibsh side of the KDE information-plane row of scripts/bench_mi: Saxe et al.'s protocol on the paper's net
-- (12-10-7-5-4-3-2 tanh, var_u), mi.infoplane(run, d, {estimator = "kde", noise_var = 0.1}) of one 4096-row
-- snapshot (all six layers); prints "kde_plane_ms <best of REPS> threads <IBSH_THREADS>".
-- Usage: IBSH_THREADS=N ibsh scripts/bench_kde_plane.lua [REPS]
local reps = tonumber(arg[1]) or 5
local d = data.tishby()
local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 0}
local run = net:fit(d, {epochs = 20, batch = 512, quiet = true, snapshots = {20}})
local best, value = math.huge, 0
for _ = 1, reps do
  local t0 = tensor.walltime()
  local plane = mi.infoplane(run, d, {estimator = "kde", noise_var = 0.1, quiet = true, epochs = {20}})
  local dt = tensor.walltime() - t0
  if dt < best then best, value = dt, plane:sum() end
end
print(string.format("kde_plane_ms %.3f threads %s value %.17g", best * 1e3, os.getenv("IBSH_THREADS") or "all", value))
