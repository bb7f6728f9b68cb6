#!/bin/sh
# SIGTERM while a neural MI estimator trains its critic (a joint critic: seconds per epoch) stops it within
# a batch with "mi.infonce: interrupted in epoch N" (the loop polls the interrupt flag after every batch).
set -u
ibsh="$1"
cat > mi_neural_interrupt.lua <<'LUA'
local x = tensor.randn(20000, 4, {seed = 1})
local y = tensor.randn(20000, 4, {seed = 2})
io.stderr:write("go\n")
local v = mi.infonce(x, y, {critic = "joint", batch = 256, epochs = 1000, patience = 0})
print("finished", v)
LUA
rm -f mi_neural_interrupt.err mi_neural_interrupt.out   # a stale "go" would send the signal too early
"$ibsh" mi_neural_interrupt.lua 2> mi_neural_interrupt.err > mi_neural_interrupt.out &
pid=$!
i=0
until grep -q go mi_neural_interrupt.err 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 600 ] && { echo "FAIL: script never started"; kill -9 $pid; exit 1; }
  sleep 0.1
done
sleep 0.5
kill -TERM $pid
start=$(date +%s)
wait $pid
rc=$?
elapsed=$(( $(date +%s) - start ))
[ $rc -eq 1 ] || { echo "FAIL: exit status $rc, want 1"; cat mi_neural_interrupt.err; exit 1; }
[ $elapsed -le 20 ] || { echo "FAIL: took ${elapsed}s to stop"; exit 1; }
grep -q "mi.infonce: interrupted in epoch" mi_neural_interrupt.err || { echo "FAIL: no interrupted error"; cat mi_neural_interrupt.err; exit 1; }
grep -q finished mi_neural_interrupt.out && { echo "FAIL: the estimate finished"; exit 1; }
echo OK
