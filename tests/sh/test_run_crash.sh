#!/bin/sh
# Crash safety of run directories: SIGKILL at random moments of training with a checkpoint every epoch
# (so mostly during re-saves) leaves a directory that loads completely and consistently (or, before the
# first save finished, is refused with a clear error); resuming after every kill reproduces the
# uninterrupted run bit for bit; stale temp files and checkpoints do not pile up; a full disk (a small
# tmpfs when mount works, else an injected write failure) stops training with a clear error and keeps
# the last good checkpoint; an unwritable dir fails before training.
set -eu
ibsh="$1"; src="$2"
tmp=$(mktemp -d); trap 'umount "$tmp/small" 2>/dev/null || true; rm -rf "$tmp"' EXIT
child="$src/tests/sh/crash_child.lua"; check="$src/tests/sh/crash_check.lua"
total=100
"$ibsh" "$child" "$tmp/ref" $total 0 > /dev/null || { echo "FAIL: reference run"; exit 1; }

# 1. Twenty SIGKILLs at random moments, each followed by a check of the directory.
seen_ok=0; trials=0; i=0
while [ $i -lt 20 ]; do
  i=$((i + 1))
  "$ibsh" "$child" "$tmp/run" $total 1 > /dev/null 2>&1 &
  pid=$!
  # Wait (at most 20 s) for the first checkpoint, so that a slow start (sanitizer builds) does not
  # spend every kill before training; then a pseudo-random delay of 0.02 to 0.40 s.
  w=0
  while [ ! -f "$tmp/run/manifest.json" ] && [ $w -lt 400 ] && kill -0 $pid 2>/dev/null; do sleep 0.05; w=$((w + 1)); done
  ms=$(( ( $(od -An -N2 -tu2 /dev/urandom) % 380 ) + 20 ))
  sleep "$(printf '0.%03d' $ms)"
  kill -KILL $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  trials=$((trials + 1))
  out=$("$ibsh" "$check" "$tmp/run" 2>&1) || { echo "FAIL: check crashed after kill $i: $out"; exit 1; }
  case "$out" in
    ok*) seen_ok=1 ;;
    refused*)
      [ $seen_ok -eq 0 ] || { echo "FAIL: a directory that loaded before is refused after kill $i: $out"; exit 1; }
      echo "$out" | grep -q "manifest" || { echo "FAIL: unclear refusal: $out"; exit 1; } ;;
    *) echo "FAIL: check printed: $out"; exit 1 ;;
  esac
  nckpt=$(ls "$tmp/run" 2>/dev/null | grep -c '^ckpt-' || true)
  [ "$nckpt" -le 2 ] || { echo "FAIL: $nckpt checkpoint directories pile up"; ls "$tmp/run"; exit 1; }
done
[ $seen_ok -eq 1 ] || { echo "FAIL: no kill left a loadable checkpoint (is training too slow?)"; exit 1; }
"$ibsh" "$child" "$tmp/run" $total 1 > /dev/null || { echo "FAIL: resume after the kills"; exit 1; }
cmp -s "$tmp/ref.digest" "$tmp/run.digest" || { echo "FAIL: resumed after $trials kills differs from the uninterrupted run"; exit 1; }
[ "$(ls "$tmp/run" | grep -c 'tmp')" -eq 0 ] || { echo "FAIL: temp files left"; ls "$tmp/run"; exit 1; }
[ "$(ls "$tmp/run" | grep -c '^ckpt-')" -eq 1 ] || { echo "FAIL: old checkpoints left"; ls "$tmp/run"; exit 1; }

# 2. Disk full: training stops with a clear error, the last good checkpoint stays, and a resume (with
#    room again) reproduces the uninterrupted run. $1 names the method, $2 the run dir, $3 an env setting.
disk_full() {
  what=$1; full=$2
  set +e
  env $3 "$ibsh" "$child" "$full" $total 1 > "$tmp/full.out" 2>&1; rc=$?
  set -e
  [ $rc -ne 0 ] || { echo "FAIL: ($what) training on a full disk succeeded"; exit 1; }
  grep -q "checkpoint failed, training stopped after [0-9]* epochs: cannot write .*No space left on device" "$tmp/full.out" ||
    { echo "FAIL: ($what) unclear disk-full error:"; cat "$tmp/full.out"; exit 1; }
  out=$("$ibsh" "$check" "$full")
  case "$out" in ok*) ;; *) echo "FAIL: ($what) the last good checkpoint was lost: $out"; exit 1 ;; esac
  [ "$(ls "$full" | grep -c '^ckpt-')" -eq 1 ] || { echo "FAIL: ($what) partial checkpoint left"; ls "$full"; exit 1; }
  [ "$(ls "$full" | grep -c 'tmp')" -eq 0 ] || { echo "FAIL: ($what) temp files left"; ls "$full"; exit 1; }
}
# The core's test-only write budget (works everywhere).
disk_full injected "$tmp/full" IBSH_TEST_WRITE_LIMIT=600000
"$ibsh" "$child" "$tmp/full" $total 1 > /dev/null || { echo "FAIL: resume after the disk-full error"; exit 1; }
cmp -s "$tmp/ref.digest" "$tmp/full.digest" || { echo "FAIL: resume after disk full differs from the uninterrupted run"; exit 1; }
# A real full file system: a 100 kB tmpfs when this machine lets us mount one (root).
how=injected
mkdir "$tmp/small"
if mount -t tmpfs -o size=100k tmpfs "$tmp/small" 2>/dev/null; then
  how="injected and tmpfs"
  disk_full tmpfs "$tmp/small/run" ""
  cp -r "$tmp/small/run" "$tmp/moved"; umount "$tmp/small"   # move to a bigger disk and resume there
  "$ibsh" "$child" "$tmp/moved" $total 1 > /dev/null || { echo "FAIL: resume of the tmpfs run"; exit 1; }
  cmp -s "$tmp/ref.digest" "$tmp/moved.digest" || { echo "FAIL: resume after the full tmpfs differs"; exit 1; }
fi

# 3. A dir that cannot be written fails before any training.
: > "$tmp/afile"
set +e
"$ibsh" -e "local net = nn.mlp{2, 2}; net:fit({x = tensor.zeros(4, 2), y = tensor.new{0, 1, 0, 1}}, {epochs = 1000000, dir = '$tmp/afile/run', quiet = true})" > "$tmp/bad.out" 2>&1; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "Net:fit: cannot create directory" "$tmp/bad.out" || { echo "FAIL: unwritable dir: rc $rc"; cat "$tmp/bad.out"; exit 1; }
# 4. SIGINT during fit in a script: the completed epochs are saved, then the script stops with status 1.
"$ibsh" "$child" "$tmp/int" 100000 1 > /dev/null 2> "$tmp/int.err" &
pid=$!
i=0
while [ ! -f "$tmp/int/manifest.json" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.2
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
[ $rc -eq 1 ] || { echo "FAIL: a script interrupted during fit exited $rc, not 1"; cat "$tmp/int.err"; exit 1; }
grep -q "Net:fit: interrupted; keeping the [0-9]* completed epochs (saved in" "$tmp/int.err" && grep -q "ibsh: .*interrupted" "$tmp/int.err" ||
  { echo "FAIL: interrupt messages"; cat "$tmp/int.err"; exit 1; }
out=$("$ibsh" "$check" "$tmp/int")
case "$out" in ok*) ;; *) echo "FAIL: the interrupted run was not saved: $out"; exit 1 ;; esac
echo "OK ($trials kills, disk full via $how)"
