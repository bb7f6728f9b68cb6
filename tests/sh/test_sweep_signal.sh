#!/bin/sh
# SIGTERM stops a sweep and its workers (no orphans); the rerun resumes, skipping saved jobs.
set -eu
ibsh="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/s.lua" <<'LUA'
local res = sweep.run{grid = {k = {1, 2, 3, 4, 5, 6}}, jobs = 2, dir = arg[1] .. "/runs",
  fn = function(job)
    local f = io.open(arg[1] .. "/ran-" .. job.id .. "-" .. tostring(os.time()) .. "-" .. tostring(math.random(1 << 30)), "w"); f:close()
    if job.k >= 3 and arg[2] == "slow" then
      local t = os.time(); while os.time() - t < 30 do end   -- busy: killed before it ends
    end
    return job.k * job.k
  end}
print("sum", res[1] + res[2] + res[3] + res[4] + res[5] + res[6])
LUA
"$ibsh" "$tmp/s.lua" "$tmp" slow > "$tmp/log1" 2>&1 &
pid=$!
# Wait until jobs 1 and 2 are saved and two slow jobs run.
i=0
while [ $i -lt 100 ]; do
  [ -f "$tmp/runs/job-1.lua" ] && [ -f "$tmp/runs/job-2.lua" ] && [ "$(ls "$tmp" | grep -c '^ran-')" -ge 4 ] && break
  sleep 0.1; i=$((i + 1))
done
[ $i -lt 100 ] || { echo "FAIL: sweep did not start"; cat "$tmp/log1"; kill $pid; exit 1; }
kids=$(pgrep -P $pid || true)
[ -n "$kids" ] || { echo "FAIL: no worker processes"; exit 1; }
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[ $rc -ne 0 ] || { echo "FAIL: interrupted sweep exited 0"; exit 1; }
sleep 0.3
for k in $kids; do
  if kill -0 "$k" 2>/dev/null; then echo "FAIL: worker $k survived"; exit 1; fi
done
[ ! -f "$tmp/runs/job-6.lua" ] || { echo "FAIL: job 6 should not be done"; exit 1; }
rm -f "$tmp"/ran-*
"$ibsh" "$tmp/s.lua" "$tmp" fast > "$tmp/log2" 2>&1 || { echo "FAIL: rerun"; cat "$tmp/log2"; exit 1; }
grep -q "sum	91" "$tmp/log2" || { echo "FAIL: wrong sum"; cat "$tmp/log2"; exit 1; }
grep -q "2 of 6 jobs already done" "$tmp/log2" || { echo "FAIL: no resume note"; cat "$tmp/log2"; exit 1; }
[ "$(ls "$tmp" | grep -c '^ran-')" -eq 4 ] || { echo "FAIL: rerun redid finished jobs"; ls "$tmp"; exit 1; }
echo OK
