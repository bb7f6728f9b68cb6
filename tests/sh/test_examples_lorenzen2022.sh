#!/bin/sh
# examples/lorenzen2022.lua --quick writes a decodable 8-panel PNG, the CSV of exact and binning planes of quantized nets and a report.
set -eu
ibsh="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$ibsh" "$src/examples/lorenzen2022.lua" --quick --jobs 2 > log 2>&1 || { echo "FAIL: example failed"; cat log; exit 1; }
"$ibsh" -e "
local img = plot.readpng('lorenzen2022.png')
local h, w = img:size()
assert(w == 3200 and h == 1500, ('PNG is %dx%d'):format(w, h))
local f = assert(io.open('lorenzen2022.csv'))
assert(f:read('l') == 'act,bits,estimator,epoch,layer,ixt,ity', 'bad header')
local count, first = {}, {}
for line in f:lines() do
  local act, bits, est, e, l, ixt, ity = line:match('^(%a+),(%d+),(%a+),(%d+),(%d+),([^,]+),([^,]+)$')
  assert(act and tonumber(ixt) and tonumber(ity), 'bad line ' .. line)
  assert(tonumber(ixt) >= -1e-9 and tonumber(ixt) <= 12 + 1e-9, 'I(X;T) out of range: ' .. line)
  assert(tonumber(ity) <= tonumber(ixt) + 1e-9, 'I(T;Y) above I(X;T): ' .. line)
  local key = act .. bits .. est
  count[key] = (count[key] or 0) + 1
  if e == '0' and l == '1' then first[key] = tonumber(ixt) end
end
f:close()
-- every epoch 0..300 x 6 layers for each of 4 configurations x 2 estimators
for _, k in ipairs{'tanh8exact', 'tanh4exact', 'relu8exact', 'relu4exact', 'tanh8bin', 'relu4bin'} do
  assert(count[k] == 301 * 6, k .. ' rows ' .. tostring(count[k]))
end
-- the first tanh layer separates all 4096 inputs at initialisation (12 bits) with 8 bits
assert(math.abs(first.tanh8exact - 12) < 1e-9, 'tanh 8-bit layer 1 at epoch 0: ' .. first.tanh8exact)
local r = assert(io.open('lorenzen2022.md')):read('a')
assert(r:find('QUICK') and r:find('Protocol') and r:find('relu'), 'report incomplete')
print('OK')
"
