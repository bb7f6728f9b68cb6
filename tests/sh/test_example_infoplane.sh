#!/bin/sh
# The flagship example runs (short), prints its summary, and writes a PNG that libpng decodes at 1200 x 900.
set -eu
ibsh="$1"; src="$2"
out="$(pwd)/example_infoplane.png"
rm -f "$out"
"$ibsh" "$src/examples/infoplane.lua" 150 "$out" 3 > example_infoplane.log
grep -q "trained 150 epochs" example_infoplane.log || { echo "FAIL: no training summary"; cat example_infoplane.log; exit 1; }
grep -q "layer 6: I(X;T)" example_infoplane.log || { echo "FAIL: no per-layer summary"; cat example_infoplane.log; exit 1; }
"$ibsh" -e "
local img = plot.readpng('$out')
local h, w, c = img:size()
assert(h == 900 and w == 1200 and c == 4, ('PNG is %dx%dx%d'):format(h, w, c))
-- The plot is not blank: many distinct colours (trajectories coloured by epoch).
local seen, n = {}, 0
for y = 1, h, 7 do for x = 1, w, 7 do
  local k = img:get(y, x, 1) * 65536 + img:get(y, x, 2) * 256 + img:get(y, x, 3)
  if not seen[k] then seen[k] = true; n = n + 1 end
end end
assert(n > 50, 'only ' .. n .. ' colours')
print('OK')
"
