#!/bin/sh
# examples/fashion_mnist.lua --quick (needs dataset-fashion-mnist, installed by scripts/setup) writes a PNG, a CSV and a report.
set -eu
ibsh="$1"; src="$2"
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] || { echo "FAIL: dataset-fashion-mnist is not installed (scripts/setup)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$ibsh" "$src/examples/fashion_mnist.lua" --quick --jobs 2 > log 2>&1 || { echo "FAIL: example failed"; cat log; exit 1; }
"$ibsh" -e "
local img = plot.readpng('fashion_mnist.png')
local h, w = img:size()
assert(w == 2400 and h == 900, ('PNG is %dx%d'):format(w, h))
local f = assert(io.open('fashion_mnist.csv'))
assert(f:read('l') == 'act,epoch,layer,ixt,ity', 'bad header')
local n, maxixt = 0, 0
for line in f:lines() do
  local ixt = tonumber(line:match('^%a+,%d+,%d+,([^,]+),'))
  assert(ixt, 'bad line ' .. line)
  maxixt = math.max(maxixt, ixt)
  n = n + 1
end
f:close()
assert(n == 2 * 6 * 5, 'rows: ' .. n)   -- 2 activations x epochs 0..5 x 5 layers
assert(maxixt <= math.log(1000, 2) + 1e-6, 'I(X;T) above log2(1000)')
local r = assert(io.open('fashion_mnist.md')):read('a')
assert(r:find('QUICK') and r:find('Protocol'), 'report incomplete')
print('OK')
"
