#!/bin/sh
# examples/cnn_fashion.lua --quick (needs dataset-fashion-mnist, installed by scripts/setup) trains the CNN in float32
# and writes the Renyi information plane of every layer at every epoch as a PNG and a CSV.
set -eu
ibsh="$1"; src="$2"
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] || { echo "FAIL: dataset-fashion-mnist is not installed (scripts/setup)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$ibsh" "$src/examples/cnn_fashion.lua" --quick > log 2>&1 || { echo "FAIL: example failed"; cat log; exit 1; }
grep -q "test accuracy 0\.[5-9]" log || { echo "FAIL: the CNN did not learn"; cat log; exit 1; }
"$ibsh" -e "
local img = plot.readpng('cnn_fashion.png')
local h, w = img:size()
assert(w > 500 and h > 400, ('PNG is %dx%d'):format(w, h))
local f = assert(io.open('cnn_fashion.csv'))
assert(f:read('l') == 'epoch,layer,name,ixt,ity', 'bad header')
local n, names = 0, {}
for line in f:lines() do
  local e, l, name, ixt, ity = line:match('^(%d+),(%d+),(%a+),([^,]+),([^,]+)$')
  assert(e and tonumber(ixt) > 0 and tonumber(ity) > 0, 'bad line ' .. line)
  names[tonumber(l)] = name
  n = n + 1
end
f:close()
assert(n == 4 * 10, 'rows: ' .. n)   -- epochs 0..3 x 10 layers
assert(names[1] == 'conv' and names[3] == 'maxpool' and names[7] == 'flatten' and names[10] == 'dense', 'layer names')
print('OK')
"
