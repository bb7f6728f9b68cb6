#!/bin/sh
# examples/goldfeld2019.lua --quick writes a decodable 3-panel PNG, the CSV of the single neuron and of the noisy
# network's sample-propagation plane with clustering, and a report.
set -eu
ibsh="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$ibsh" "$src/examples/goldfeld2019.lua" --quick --jobs 2 > log 2>&1 || { echo "FAIL: example failed"; cat log; exit 1; }
"$ibsh" -e "
local img = plot.readpng('goldfeld2019.png')
local h, w = img:size()
assert(w == 2700 and h == 850, ('PNG is %dx%d'):format(w, h))
local f = assert(io.open('goldfeld2019.csv'))
assert(f:read('l') == 'part,x,layer,ixt,ity,within,close', 'bad header')
local neuron, net = {}, 0
for line in f:lines() do
  local part, x, l, ixt = line:match('^(%a+),([^,]+),(%d+),([^,]+),')
  assert(part and tonumber(ixt), 'bad line ' .. line)
  if part == 'neuron' then neuron[#neuron + 1] = tonumber(ixt)
  else
    net = net + 1
    assert(tonumber(ixt) >= -0.05 and tonumber(ixt) <= math.log(512, 2) + 0.05, 'I(X;T) out of range: ' .. line)
  end
end
f:close()
-- the single neuron: rises towards 2 bits, falls back to 1 bit as the classes collapse
assert(#neuron == 12, 'neuron rows')
local peak = math.max(table.unpack(neuron))
assert(peak > 1.9 and peak < 2.01, 'neuron peak ' .. peak)
assert(math.abs(neuron[#neuron] - 1) < 0.01 and neuron[1] < 1, 'neuron ends ' .. neuron[1] .. ' ' .. neuron[#neuron])
assert(net == 6 * 6, 'network rows ' .. net)
local r = assert(io.open('goldfeld2019.md')):read('a')
assert(r:find('QUICK') and r:find('Single tanh neuron') and r:find('at peak'), 'report incomplete')
print('OK')
"
