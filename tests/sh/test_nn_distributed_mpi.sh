#!/bin/sh
# Data-parallel training (net:fit{distributed = true}) gives the same bits run plainly, under mpirun -np 1,
# -np 2 and -np 3 (the sum of the final weights compared to the last bit, printed with %a), and a run
# directory written by rank 0 under -np 2 resumes to the bits of an uninterrupted plain run; SIGTERM to
# rank 1 stops both ranks after the same epoch (rank 0 saves it and fails with "interrupted on another
# MPI rank").
# Skipped (77) when mpirun is missing or ibsh was built without MPI.
set -eu
ibsh="$1"
command -v mpirun >/dev/null || { echo "skipped: no mpirun"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/fit.lua" <<'LUA'
local epochs, shuffle, dir, resume = tonumber(arg[1]), arg[2] == "shuffle", arg[3], arg[4]
local d = data.tishby()
local train = d:split{train = 0.8, seed = 0}
local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 0}
local opts = {epochs = epochs, batch = 512, quiet = true, distributed = true, shuffle = shuffle,
              metrics = shuffle and "batches" or "full"}
if dir ~= nil and dir ~= "" then opts.dir = dir; opts.checkpoint = 10 end
if resume ~= nil and resume ~= "" then opts.resume = resume end
local run = net:fit(train, opts)
local s = 0
for _, w in ipairs(net:weights()) do s = s + w.W:sum() + w.b:sum() end
local rank, size = sweep.rank()
if rank == 0 then print(string.format("size %d sum %a loss %a", size, s, run:metrics().train_loss:get(run:epochs():max()))) end
LUA
mpi() { n=$1; shift; OMPI_MCA_plm_rsh_agent= timeout 300 mpirun --allow-run-as-root --oversubscribe -np "$n" "$ibsh" "$@"; }
mpi 2 -e 'local r, s = sweep.rank(); if r == 0 then print(s) end' > "$tmp/size" 2>&1 || true
[ "$(cat "$tmp/size")" = 2 ] || { echo "skipped: ibsh built without MPI"; cat "$tmp/size"; exit 77; }
for mode in plain shuffle; do
  "$ibsh" "$tmp/fit.lua" 60 $mode | sed 's/^size 1 //' > "$tmp/$mode.0"
  for n in 1 2 3; do
    mpi $n "$tmp/fit.lua" 60 $mode | sed "s/^size $n //" > "$tmp/$mode.$n"
    cmp "$tmp/$mode.0" "$tmp/$mode.$n" || { echo "FAIL: $mode -np $n differs from the plain run"; cat "$tmp/$mode.0" "$tmp/$mode.$n"; exit 1; }
  done
done
# 30 epochs under -np 2 with checkpoints in a run directory, then 30 more resumed under -np 2
mpi 2 "$tmp/fit.lua" 30 shuffle "$tmp/run" > /dev/null
[ -f "$tmp/run/manifest.json" ] || { echo "FAIL: rank 0 wrote no run directory"; exit 1; }
mpi 2 "$tmp/fit.lua" 30 shuffle "" "$tmp/run" | sed 's/^size 2 //' > "$tmp/resumed"
cmp "$tmp/shuffle.0" "$tmp/resumed" || { echo "FAIL: resumed -np 2 run differs"; cat "$tmp/shuffle.0" "$tmp/resumed"; exit 1; }
# SIGTERM to rank 1 once rank 0 has written its first checkpoint
cat > "$tmp/long.lua" <<'LUA'
local d = data.tishby()
local train = d:split{train = 0.8, seed = 0}
local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 0}
local rank = sweep.rank()
local f = assert(io.open(arg[1] .. "/pid." .. rank, "w"))
f:write(io.open("/proc/self/stat"):read("n")); f:close()
net:fit(train, {epochs = 100000, batch = 512, quiet = true, distributed = true, snapshots = "none",
                dir = arg[1] .. "/long", checkpoint = 50})
LUA
OMPI_MCA_plm_rsh_agent= timeout 300 mpirun --allow-run-as-root --oversubscribe -np 2 "$ibsh" "$tmp/long.lua" "$tmp" > "$tmp/long.log" 2>&1 &
mpipid=$!
i=0
while [ ! -f "$tmp/long/manifest.json" ] || [ ! -f "$tmp/pid.1" ]; do
  i=$((i + 1)); [ $i -lt 600 ] || { echo "FAIL: no checkpoint after 60 s"; cat "$tmp/long.log"; kill $mpipid; exit 1; }
  sleep 0.1
done
kill -TERM "$(cat "$tmp/pid.1")"
wait $mpipid || true
grep -q "interrupted on another MPI rank; keeping the" "$tmp/long.log" || { echo "FAIL: rank 0 did not stop"; cat "$tmp/long.log"; exit 1; }
n0=$(sed -n 's/.*interrupted on another MPI rank; keeping the \([0-9]*\) completed.*/\1/p' "$tmp/long.log")
n1=$(sed -n 's/^Net:fit: interrupted; keeping the \([0-9]*\) completed epochs$/\1/p' "$tmp/long.log")
saved=$("$ibsh" -e "print(nn.load_run('$tmp/long'):nepochs())")
[ -n "$n0" ] && [ "$n0" = "$n1" ] && [ "$n0" = "$saved" ] || { echo "FAIL: epochs rank 0 '$n0', rank 1 '$n1', saved '$saved'"; cat "$tmp/long.log"; exit 1; }
cat "$tmp/shuffle.0"
echo "OK (interrupted after $n0 epochs on both ranks)"
