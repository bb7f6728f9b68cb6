-- Reference-image comparison: a small figure exercising lines, dashes, markers, a band, text,
-- a legend and a colour bar is rendered and compared with tests/data/plot_reference.png with a
-- tolerance (FreeType versions may move a few anti-aliased text pixels).
-- Regenerate after an intended change: IBSH_PLOT_REGEN=1 ibsh tests/test_plot_reference.lua
local plot = require "ibsh.plot"

local src = os.getenv("IBSH_SOURCE_DIR") or "."
local ref = src .. "/tests/data/plot_reference.png"

-- The reference figure.
local function figure()
  local fig = plot.figure{width = 320, height = 240, dpi = 72}
  local ax = fig:axes()
  local x, y1, y2, lo, hi, c = {}, {}, {}, {}, {}, {}
  for i = 1, 21 do
    local t = (i - 1) / 20
    x[i] = t * 4; y1[i] = math.sin(t * 4); y2[i] = math.cos(t * 4) * 0.5
    lo[i] = y2[i] - 0.2; hi[i] = y2[i] + 0.2; c[i] = i
  end
  ax:band(x, lo, hi, {color = "C1"})
  ax:line(x, y1, {label = "sin"})
  ax:line(x, y2, {label = "cos / 2", style = "dashed", color = "C1"})
  ax:scatter(x, y1, {color = c, cmap = "viridis", size = 5})
  ax:hline(0, {color = "gray", width = 0.8})
  ax:colorbar{label = "epoch"}
  ax:xlabel("x"); ax:ylabel("y"); ax:title("reference")
  ax:legend("lower left")
  return fig
end

local fig = figure()
if os.getenv("IBSH_PLOT_REGEN") then
  fig:save(ref)
  print("wrote " .. ref)
  return
end
local out = os.tmpname() .. ".png"
fig:save(out)
local a, b = plot.readpng(out), plot.readpng(ref)
os.remove(out)
local h, w = a:size()
local hb, wb = b:size()
assert(h == hb and w == wb, ("size %dx%d vs reference %dx%d"):format(w, h, wb, hb))
local sum, bad = 0, 0
for i = 1, h do
  for j = 1, w do
    local worst = 0
    for k = 1, 3 do
      local d = math.abs(a:get(i, j, k) - b:get(i, j, k))
      sum = sum + d
      if d > worst then worst = d end
    end
    if worst > 64 then bad = bad + 1 end
  end
end
local mean = sum / (h * w * 3)
assert(mean < 1.5, ("mean absolute difference %.3f exceeds 1.5"):format(mean))
assert(bad < 0.01 * h * w, ("%d pixels differ by more than 64 levels"):format(bad))
print(("reference image: mean difference %.4f, %d strongly differing pixels"):format(mean, bad))
print("OK")
