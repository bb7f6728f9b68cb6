#!/bin/sh
# Snapshot forward passes (run:activations, net:forward) give the same bits for any thread count
# (IBSH_THREADS) on a narrow tanh net and a wide ReLU net (dgemm), over several row blocks and a tail.
# $1 = ibsh binary.
IBSH="$1"
code='
local out = {}
for _, spec in ipairs{{{12, 10, 7, 5, 4, 3, 2}, "tanh"}, {{30, 300, 40, 10}, "relu"}} do
  local w = spec[1]
  local net = nn.mlp{w[1], table.unpack(w, 2), act = spec[2], seed = 5}
  local x = tensor.randn(3001, w[1], {seed = 7})
  for _, a in ipairs(net:forward(x)) do out[#out + 1] = string.format("%a", (a * a):sum()) end
end
print(table.concat(out, " "))'
ref=$(IBSH_THREADS=1 "$IBSH" -e "$code") || { echo "FAIL: IBSH_THREADS=1 run: $ref"; exit 1; }
fails=0
for n in 2 3; do
  got=$(IBSH_THREADS=$n "$IBSH" -e "$code")
  if [ "$got" != "$ref" ]; then echo "FAIL: IBSH_THREADS=$n gives '$got', 1 thread '$ref'"; fails=$((fails + 1)); fi
done
[ "$fails" -eq 0 ] && echo "same bits for 1, 2 and 3 threads: $ref"
