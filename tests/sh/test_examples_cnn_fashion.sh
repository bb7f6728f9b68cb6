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
assert(f:read('l') == 'set,epoch,layer,name,ixt,ity', 'bad header')
local n, names, sets = 0, {}, {}
for line in f:lines() do
  local set, e, l, name, ixt, ity = line:match('^(%a+),(%d+),(%d+),(%a+),([^,]+),([^,]+)$')
  assert(e and tonumber(ixt) > 0 and tonumber(ity) > 0, 'bad line ' .. line)
  names[tonumber(l)] = name
  sets[set] = (sets[set] or 0) + 1
  n = n + 1
end
f:close()
assert(sets.test == 4 * 10 and sets.train == 4 * 10, 'rows: ' .. n)   -- epochs 0..3 x 10 layers, test and train
assert(names[1] == 'conv' and names[3] == 'maxpool' and names[7] == 'flatten' and names[10] == 'dense', 'layer names')
-- the report: a compression row per shown layer and set, and a sensitivity row per shown layer whose I(X;T)
-- falls as the kernel widens (the entropies of a wider kernel are smaller)
local r = assert(io.open('cnn_fashion_report.md')):read('a')
local rows = 0
for _ in r:gmatch('\n| %d+ %a+ | [tesrain]+ | ') do rows = rows + 1 end
assert(rows == 2 * 9, 'compression rows: ' .. rows)
local sens = 0
for a, b, c in r:gmatch('\n| %d+ %a+ | ([%d.]+), [%d.]+ | ([%d.]+), [%d.]+ | ([%d.]+), [%d.]+ |') do
  assert(tonumber(a) > tonumber(b) and tonumber(b) > tonumber(c), 'I(X;T) not decreasing in the width: ' .. a .. ' ' .. b .. ' ' .. c)
  sens = sens + 1
end
assert(sens == 9, 'sensitivity rows: ' .. sens)
print('OK')
"
