#!/bin/sh
# Multi-threaded estimators give the same bits for any thread count (IBSH_THREADS):
# KDE on a narrow (direct distances) and a wide (dgemm) layer, and the IB curve of a soft joint
# (the streaming update), KSG on one-column (strip search), 3-column (k-d tree) and 20-column
# (scan) data. $1 = ibsh binary.
IBSH="$1"
code='
local t = tensor.randn(1500, 6, {seed = 3})
local w = tensor.randn(500, 48, {seed = 4})
local y = tensor.randint(0, 3, 1500, 1, {seed = 5}):reshape(1500)
local a, b = mi.kde(t, y, {noise_var = 0.1})
local c = mi.kde(w, nil, {noise_var = 2, bound = "lower"})
local pxy = tensor.rand(600, 3, {seed = 6}):pow(3)
pxy = pxy / pxy:sum()
local raw = ib.curve(pxy, {betas = {40, 10, 3}, iterations = 5, init = "identity"}):raw()
local n = raw:size(1)
local k = {}
for i, d in ipairs{1, 3, 10} do
  local x = tensor.randn(3000, d, {seed = 10 + i})
  local y = x + tensor.randn(3000, d, {seed = 20 + i})
  k[i] = string.format("%.17g", mi.ksg(x, y, {unit = "nats"}))
end
print(string.format("%.17g %.17g %.17g %.17g %.17g", a, b, c, raw:get(n, 2), raw:get(n, 3)) .. " " .. table.concat(k, " "))'
ref=$(IBSH_THREADS=1 "$IBSH" -e "$code") || { echo "FAIL: IBSH_THREADS=1 run: $ref"; exit 1; }
fails=0
for n in 2 3 7; do
  got=$(IBSH_THREADS=$n "$IBSH" -e "$code")
  if [ "$got" != "$ref" ]; then echo "FAIL: IBSH_THREADS=$n gives '$got', 1 thread '$ref'"; fails=$((fails + 1)); fi
done
[ "$fails" -eq 0 ] && echo "same bits for 1, 2, 3 and 7 threads (KDE, IB, KSG): $ref"
exit "$fails"
