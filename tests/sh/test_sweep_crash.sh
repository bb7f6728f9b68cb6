#!/bin/sh
# Sweeps under Ctrl-C and full disks: SIGINT during a jobs = 1 sweep whose jobs train networks never records
# the interrupted job, sweep.run raises "interrupted" and the script exits 1; the rerun finishes and gives
# the same bits as jobs = 2 (one BLAS thread in both); a full disk is an error, never a 0-byte result file.
set -eu
ibsh="$1"; src="$2"
tmp=$(mktemp -d); [ -n "${KEEP:-}" ] && trap "" EXIT || trap 'umount "$tmp/small" 2>/dev/null || true; rm -rf "$tmp"' EXIT
cat > "$tmp/s.lua" <<'LUA'
-- arg[1]: dir, arg[2]: jobs, arg[3]: epochs of the slow jobs; prints a digest of all results.
local out, jobs, slow = arg[1], tonumber(arg[2]), tonumber(arg[3])
local res = sweep.run{grid = {k = {1, 2, 3, 4}}, jobs = jobs, dir = out .. "/runs", quiet = true,
  fn = function(job)
    local g = tensor.randn(300, 64, {seed = job.seed})
    local d = {x = g, y = tensor.new((function() local t = {} for i = 1, 300 do t[i] = i % 3 end return t end)())}
    local net = nn.mlp{64, 200, 200, 3, act = "tanh", seed = job.seed}
    if job.k >= 3 then
      local f = io.open(out .. "/started-" .. job.k, "w"); f:close()
    end
    local run = net:fit(d, {epochs = job.k >= 3 and slow or 3, batch = 150, quiet = true, snapshots = "none"})
    local w = run:net():weights()
    return {k = job.k, epochs = run:nepochs(), w = string.format("%a %a %a", w[1].W:get(7, 9), w[2].W:get(100, 3), w[3].b:get(2))}
  end}
local parts = {}
for i = 1, #res do parts[i] = res[i].k .. ":" .. res[i].epochs .. ":" .. res[i].w end
print(table.concat(parts, "|"))
LUA
# 1. Ctrl-C while job 3 trains (jobs = 1).
"$ibsh" "$tmp/s.lua" "$tmp/a" 1 100000 > "$tmp/a.out" 2> "$tmp/a.err" &
pid=$!
i=0
while [ ! -f "$tmp/a/started-3" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
[ -f "$tmp/a/started-3" ] || { echo "FAIL: job 3 did not start"; cat "$tmp/a.err"; kill $pid; exit 1; }
sleep 0.3
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
[ $rc -eq 1 ] || { echo "FAIL: an interrupted sweep exited $rc, not 1"; cat "$tmp/a.err"; exit 1; }
grep -q "interrupted" "$tmp/a.err" || { echo "FAIL: no 'interrupted' error"; cat "$tmp/a.err"; exit 1; }
[ -s "$tmp/a/runs/job-1.lua" ] && [ -s "$tmp/a/runs/job-2.lua" ] || { echo "FAIL: finished jobs not saved"; exit 1; }
[ ! -f "$tmp/a/runs/job-3.lua" ] || { echo "FAIL: the interrupted job 3 was recorded as done"; exit 1; }
# 2. The rerun finishes; it equals a jobs = 2 sweep and a fresh jobs = 1 sweep bit for bit.
"$ibsh" "$tmp/s.lua" "$tmp/a" 1 4 > "$tmp/a.out" 2> "$tmp/a.err" || { echo "FAIL: rerun"; cat "$tmp/a.err"; exit 1; }
"$ibsh" "$tmp/s.lua" "$tmp/b" 2 4 > "$tmp/b.out" 2> "$tmp/b.err" || { echo "FAIL: jobs = 2"; cat "$tmp/b.err"; exit 1; }
"$ibsh" "$tmp/s.lua" "$tmp/c" 1 4 > "$tmp/c.out" 2> "$tmp/c.err" || { echo "FAIL: jobs = 1"; cat "$tmp/c.err"; exit 1; }
grep -q "^1:3:.*|4:4:" "$tmp/a.out" || { echo "FAIL: rerun results"; cat "$tmp/a.out"; exit 1; }
cmp -s "$tmp/a.out" "$tmp/b.out" || { echo "FAIL: resumed jobs = 1 and jobs = 2 differ"; cat "$tmp/a.out" "$tmp/b.out"; exit 1; }
cmp -s "$tmp/c.out" "$tmp/b.out" || { echo "FAIL: jobs = 1 and jobs = 2 differ"; cat "$tmp/c.out" "$tmp/b.out"; exit 1; }
# 3. A full disk: the result file cannot be written -> an error naming it, no 0-byte file.
set +e
IBSH_TEST_WRITE_LIMIT=0 "$ibsh" "$tmp/s.lua" "$tmp/d" 1 4 > /dev/null 2> "$tmp/d.err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "sweep.run: cannot write .*job-1.lua.*No space left on device" "$tmp/d.err" ||
  { echo "FAIL: (injected) full disk: rc $rc"; cat "$tmp/d.err"; exit 1; }
[ "$(ls "$tmp/d/runs" | wc -l)" -eq 0 ] || { echo "FAIL: (injected) files left"; ls -l "$tmp/d/runs"; exit 1; }
how=injected
mkdir "$tmp/small"
if mount -t tmpfs -o size=64k tmpfs "$tmp/small" 2>/dev/null; then
  how="injected and tmpfs"
  mkdir "$tmp/small/runs"
  head -c 65536 /dev/zero > "$tmp/small/filler" 2>/dev/null || true
  set +e
  "$ibsh" "$tmp/s.lua" "$tmp/small" 1 4 > /dev/null 2> "$tmp/e.err"; rc=$?
  set -e
  [ $rc -eq 1 ] && grep -q "sweep.run: cannot write .*No space left on device" "$tmp/e.err" ||
    { echo "FAIL: (tmpfs) full disk: rc $rc"; cat "$tmp/e.err"; exit 1; }
  [ "$(find "$tmp/small/runs" -name 'job-*.lua' -size 0 | wc -l)" -eq 0 ] || { echo "FAIL: (tmpfs) 0-byte result files"; exit 1; }
  # ibsh.atomic (recipe CSVs) and t:save on the same full disk: errors, and no file left behind
  "$ibsh" -e "local ok, e = pcall(require('ibsh.atomic').write_text, '$tmp/small/r.csv', string.rep('x', 100000), 'r.csv')
    assert(not ok and e:find('r.csv: cannot write .*No space left'), tostring(e))
    ok, e = pcall(function() tensor.zeros(1000, 100):save('$tmp/small/t.npy') end)
    assert(not ok and e:find('t.npy'), tostring(e))
    assert(io.open('$tmp/small/r.csv') == nil and io.open('$tmp/small/t.npy') == nil)" ||
    { echo "FAIL: (tmpfs) atomic writes on a full disk"; exit 1; }
fi
echo "OK (full disk: $how)"
