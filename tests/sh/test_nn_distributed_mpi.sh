#!/bin/sh
# Data-parallel training (net:fit{distributed = true}) gives the same bits run plainly, under mpirun -np 1,
# -np 2 and -np 3 (the sum of the final weights compared to the last bit, printed with %a), and a run
# directory written by rank 0 under -np 2 resumes to the bits of an uninterrupted plain run; SIGTERM to
# rank 1 stops both ranks after the same epoch (rank 0 saves it and fails with "interrupted on another
# MPI rank"). nn.net (conv, pool, dense, relu, dropout, with and without batch norm, float64 and float32):
# every parameter and every epoch's losses printed with %a are the same under -np 1, 2 and 3 as plain
# training with distributed = false and with distributed = true (with batches of 2 blocks, -np 3 leaves one
# rank without rows); a run directory of an nn.net written under -np 2 resumes to the same bits.
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
# nn.net: every parameter of four small conv nets, plain with distributed = false, then distributed = true
# plain and under -np 1, 2, 3
cat > "$tmp/net.lua" <<'LUA'
local dist, epochs, dir, resume = arg[1] == "dist", tonumber(arg[2]), arg[3], arg[4]
local x = tensor.rand(300, 2 * 8 * 8, {seed = 3})
local y = {}
for i = 1, 300 do y[i] = math.floor(x:get(i, 20) * 2 + x:get(i, 90) * 2) % 3 end
local d, test = {x = x[{{1, 250}, {}}], y = tensor.new(y)[{{1, 250}}]}, {x = x[{{251, 300}, {}}], y = tensor.new(y)[{{251, 300}}]}
local rank, size = sweep.rank()
local out = {}
for _, dtype in ipairs{"float64", "float32"} do
  for _, bn in ipairs{false, true} do
    if not dir or (dtype == "float32" and bn) then
      local layers = {{"conv", 4, k = 3, pad = 1}, {"relu"}, {"maxpool", 2}, {"flatten"}, {"dense", 16}, {"relu"},
                      {"dropout", 0.3}, {"dense", 3}}
      if bn then table.insert(layers, 2, {"batchnorm"}); table.insert(layers, 8, {"batchnorm"}) end
      local net = nn.net{input = {2, 8, 8}, layers = layers, dtype = dtype, seed = 2}
      local opts = {epochs = epochs, batch = 100, optim = "adam", lr = 0.01, quiet = true, shuffle = true, test = test,
                    distributed = dist, dir = dir, resume = resume}
      if dir then opts.checkpoint = 1 end
      local run = net:fit(d, opts)
      local p, m = net:params(), run:metrics()
      out[#out + 1] = string.format("%s bn %s loss %a test %a", dtype, tostring(bn), m.train_loss:get(run:nepochs()),
                                    m.test_loss:get(run:nepochs()))
      for i = 1, p:size() do out[#out + 1] = string.format("%a", p:get(i)) end
    end
  end
end
if rank == 0 then print(table.concat(out, "\n")) end
LUA
"$ibsh" "$tmp/net.lua" plain 6 > "$tmp/net.plain"
[ "$(wc -l < "$tmp/net.plain")" -gt 4000 ] || { echo "FAIL: nn.net script printed too little"; head "$tmp/net.plain"; exit 1; }
"$ibsh" "$tmp/net.lua" dist 6 > "$tmp/net.0"
cmp "$tmp/net.plain" "$tmp/net.0" || { echo "FAIL: nn.net distributed = true differs from distributed = false"; exit 1; }
for n in 1 2 3; do
  mpi $n "$tmp/net.lua" dist 6 > "$tmp/net.$n"
  cmp "$tmp/net.plain" "$tmp/net.$n" || { echo "FAIL: nn.net -np $n differs from the plain run"; diff "$tmp/net.plain" "$tmp/net.$n" | head; exit 1; }
done
# the float32 batch norm net: 3 epochs under -np 2 into a run directory, 3 more resumed under -np 3
mpi 2 "$tmp/net.lua" dist 3 "$tmp/netrun" > /dev/null
[ -f "$tmp/netrun/manifest.json" ] || { echo "FAIL: rank 0 wrote no nn.net run directory"; exit 1; }
mpi 3 "$tmp/net.lua" dist 3 "$tmp/netrun" "$tmp/netrun" > "$tmp/net.resumed"
sed -n '/^float32 bn true/,$p' "$tmp/net.plain" > "$tmp/net.f32bn"
cmp "$tmp/net.f32bn" "$tmp/net.resumed" || { echo "FAIL: resumed nn.net differs"; diff "$tmp/net.f32bn" "$tmp/net.resumed" | head; exit 1; }
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
grep -v '^0x\|^-0x' "$tmp/net.plain"
echo "OK (interrupted after $n0 epochs on both ranks)"
