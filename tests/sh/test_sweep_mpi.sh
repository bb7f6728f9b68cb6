#!/bin/sh
# The same sweep script under mpirun -np 1 and -np 2 returns results identical to the
# worker-process run (jobs = 2); every rank gets the full results. Requires mpirun (scripts/setup).
set -eu
ibsh="$1"; src="$2"
command -v mpirun >/dev/null || { echo "FAIL: mpirun missing: run scripts/setup (openmpi-bin libopenmpi-dev)"; exit 1; }
"$ibsh" -e 'assert(sweep.rank ~= nil)'
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/s.lua" <<'LUA'
local out = arg[1]
local res = sweep.run{grid = {seed = {1, 2, 3}, width = {3, 5}}, jobs = tonumber(arg[2]) or 1, quiet = true,
  fn = function(job)
    local x = tensor.randn(32, 4, {seed = job.job_seed})
    local y = tensor.zeros(32)
    for i = 1, 32 do y:set(i, x:get(i, 1) + x:get(i, 2) > 0 and 1 or 0) end
    local net = nn.mlp{4, job.width, 2, act = "tanh", seed = job.seed}
    local run = net:fit({x = x, y = y}, {epochs = 20, batch = 16, quiet = true})
    local ixt, ity = mi.binned(run:activations(20, x)[1], y, {bins = 10, range = {-1, 1}})
    return {loss = run:metrics().train_loss, ixt = ixt, ity = ity}
  end}
local rank, size = sweep.rank()
local f = assert(io.open(out .. "." .. rank, "w"))
f:write(sweep.serialize(res))
f:close()
print("rank", rank, "of", size, "jobs", #res)
LUA
"$ibsh" "$tmp/s.lua" "$tmp/fork" 2 > "$tmp/log0"
if "$ibsh" -e 'os.exit(sweep.mpi() and 0 or 1)' 2>/dev/null; then :; fi
run_mpi() {
  OMPI_MCA_plm_rsh_agent= timeout 120 mpirun --allow-run-as-root --oversubscribe -np "$1" "$ibsh" "$tmp/s.lua" "$tmp/np$1" > "$tmp/log$1" 2>&1 \
    || { echo "FAIL: mpirun -np $1"; cat "$tmp/log$1"; exit 1; }
}
run_mpi 1
run_mpi 2
grep -q "rank	0	of	2	jobs	6" "$tmp/log2" || { echo "FAIL: no rank 0 of 2 line (built without MPI?)"; cat "$tmp/log2"; exit 1; }
cmp "$tmp/fork.0" "$tmp/np1.0" || { echo "FAIL: -np 1 differs from worker processes"; exit 1; }
cmp "$tmp/fork.0" "$tmp/np2.0" || { echo "FAIL: -np 2 rank 0 differs from worker processes"; exit 1; }
cmp "$tmp/fork.0" "$tmp/np2.1" || { echo "FAIL: -np 2 rank 1 differs from worker processes"; exit 1; }
echo OK
