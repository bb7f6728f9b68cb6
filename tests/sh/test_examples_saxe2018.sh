#!/bin/sh
# examples/saxe2018.lua --quick writes a decodable 4-panel PNG, the CSV of tanh/ReLU x binning/KDE planes and a report.
set -eu
ibsh="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$ibsh" "$src/examples/saxe2018.lua" --quick --jobs 2 > log 2>&1 || { echo "FAIL: example failed"; cat log; exit 1; }
"$ibsh" -e "
local img = plot.readpng('saxe2018.png')
local h, w = img:size()
assert(w == 2400 and h == 1500, ('PNG is %dx%d'):format(w, h))
local f = assert(io.open('saxe2018.csv'))
assert(f:read('l') == 'act,estimator,epoch,layer,ixt,ity', 'bad header')
local count = {}
for line in f:lines() do
  local act, est, e, l, ixt, ity = line:match('^(%a+),(%a+),(%d+),(%d+),([^,]+),([^,]+)$')
  assert(act and tonumber(ixt) and tonumber(ity), 'bad line ' .. line)
  assert(tonumber(ixt) >= -1e-9 and tonumber(ixt) <= 12 + 1e-9, 'I(X;T) out of range: ' .. line)
  count[act .. est] = (count[act .. est] or 0) + 1
end
f:close()
-- binning: logged epochs 0..19, 20..95 by 5 (16), 100..380 by 20 (15), 400: 20 + 16 + 15 + 1 = 52 snapshots x 6 layers
assert(count.tanhbin == 52 * 6 and count.relubin == 52 * 6, 'binning rows ' .. tostring(count.tanhbin))
assert(count.tanhkde and count.tanhkde >= 6 * 8 and count.relukde == count.tanhkde, 'kde rows')
local r = assert(io.open('saxe2018.md')):read('a')
assert(r:find('QUICK') and r:find('Protocol') and r:find('ReLU'), 'report incomplete')
print('OK')
"
