#!/bin/sh
# examples/tishby2017.lua --quick writes decodable PNGs, CSVs with the expected headers and rows, and a report.
set -eu
ibsh="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$ibsh" "$src/examples/tishby2017.lua" --quick --jobs 2 > log 2>&1 || { echo "FAIL: example failed"; cat log; exit 1; }
"$ibsh" -e "
local function png(path, w, h)
  local img = plot.readpng(path)
  local ih, iw = img:size()
  assert(iw == w and ih == h, path .. (' is %dx%d'):format(iw, ih))
end
local function csv(path, header, rows)
  local f = assert(io.open(path), path .. ' missing')
  assert(f:read('l') == header, path .. ': bad header')
  local n = 0
  for line in f:lines() do n = n + 1; assert(not line:find('nan'), path .. ': NaN in ' .. line) end
  f:close()
  assert(n == rows, path .. (': %d rows, expected %d'):format(n, rows))
end
png('tishby2017_infoplane.png', 1200, 900)
png('tishby2017_snr.png', 1000, 700)
png('tishby2017_depth.png', 1600, 700)
png('tishby2017_trainsize.png', 1200, 900)
csv('tishby2017_infoplane.csv', 'epoch,layer,ixt,ity', 301 * 6)
csv('tishby2017_snr.csv', 'epoch,layer,grad_mean,grad_std,snr,weight_norm', 300 * 6)
csv('tishby2017_depth.csv', 'depth,runs,reached,median_epochs,final_loss,layer,ixt,ity', 2 + 3 + 4 + 5 + 6 + 7)
csv('tishby2017_trainsize.csv', 'train,runs,test_acc,layer,ixt,ity', 5 * 6)
if ib and ib.curve then
  png('tishby2017_bound.png', 1600, 700)
  csv('tishby2017_bound.csv', 'epoch,layer,gap,beta', 301 * 6)
end
local r = assert(io.open('tishby2017.md')):read('a')
assert(r:find('QUICK') and r:find('Protocol') and r:find('transition'), 'report incomplete')
print('OK')
"
