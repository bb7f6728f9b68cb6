#!/bin/sh
# SIGTERM during one large matrix product (6000^3, tens of seconds in one BLAS call) stops it
# well before it would finish (the bound is loose: a loaded machine is slow): the product runs in row panels and polls the interrupt flag between them.
set -u
ibsh="$1"
cat > mm_interrupt.lua <<'LUA'
local a = tensor.randn(6000, 6000, {seed = 1})
io.stderr:write("go\n")
local c = a:mm(a)
print("finished", c:size(1))
LUA
rm -f mm_interrupt.err mm_interrupt.out   # a stale "go" from an earlier run would send the signal too early
"$ibsh" mm_interrupt.lua 2> mm_interrupt.err > mm_interrupt.out &
pid=$!
i=0
until grep -q go mm_interrupt.err 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 600 ] && { echo "FAIL: script never started"; kill -9 $pid; exit 1; }
  sleep 0.1
done
sleep 0.5
kill -TERM $pid
start=$(date +%s)
wait $pid
rc=$?
elapsed=$(( $(date +%s) - start ))
[ $rc -eq 1 ] || { echo "FAIL: exit status $rc, want 1"; cat mm_interrupt.err; exit 1; }
[ $elapsed -le 20 ] || { echo "FAIL: took ${elapsed}s to stop"; exit 1; }
grep -q "Tensor:mm: interrupted" mm_interrupt.err || { echo "FAIL: no interrupted error"; cat mm_interrupt.err; exit 1; }
grep -q finished mm_interrupt.out && { echo "FAIL: the product finished"; exit 1; }
echo OK
