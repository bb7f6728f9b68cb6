-- Figure API checks: acceptance names, pixel positions, clipping, text, PNG/SVG output, robustness.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local plot = require "ibsh.plot"
local tensor = require "ibsh.tensor"

local tmp = os.tmpname()
os.remove(tmp)
local function path(ext) return tmp .. ext end

-- A vector tensor from a Lua array.
local function vec(a)
  local t = tensor.zeros(#a)
  for i = 1, #a do t:set(i, a[i]) end
  return t
end

-- RGB of 1-based pixel (row, col) of an image tensor.
local function rgb(img, row, col)
  return img:get(row, col, 1), img:get(row, col, 2), img:get(row, col, 3)
end

local function is_red(r, g, b) return r > 200 and g < 90 and b < 90 end
local function is_dark(r, g, b) return r < 120 and g < 120 and b < 120 end

-- 1. The acceptance names, saved as PNG and SVG.
do
  local n = 500
  local x, y, v = tensor.zeros(n, 1), tensor.zeros(n, 1), tensor.zeros(n)
  for i = 1, n do x:set(i, 1, math.cos(i) * i / n); y:set(i, 1, math.sin(i) * i / n); v:set(i, i) end
  local fig = plot.figure{width = 1200, height = 900}
  local ax = fig:axes()
  assert(tostring(fig):match("ibsh.Figure") and tostring(ax):match("ibsh.Axes"), "type names")
  assert(fig:axes() == ax, "fig:axes() returns the same axes")
  ax:scatter(x, y, {color = v, cmap = "viridis", size = 1})
  ax:colorbar{label = "epoch"}
  ax:xlabel("I(X;T) (bits)")
  ax:ylabel("I(T;Y) (bits)")
  ax:title("acceptance")
  fig:save(path(".png"))
  local img = plot.readpng(path(".png"))
  local h, w, c = img:size()
  assert(h == 900 and w == 1200 and c == 4, ("PNG size %dx%dx%d"):format(h, w, c))
  assert(plot.pngtext(path(".png"), "Software"):match("^ibsh"), "Software chunk")
  assert(plot.pngtext(path(".png"), "Title") == "acceptance", "Title chunk")
  assert(img:get(1, 1, 4) == 255 and img:get(1, 1, 1) == 255, "opaque white background")
  -- colour bar: bottom is viridis(0) (dark purple), top is viridis(1) (yellow)
  local x0, y0, x1, y1 = ax:box()
  local cbx = x1 + 30
  local found_purple, found_yellow = false, false
  for col = x1 + 5, math.min(w, x1 + 80) do
    local r, g, b = rgb(img, math.floor(y1) - 3, col)
    if r < 100 and g < 40 and b > 60 then found_purple = true end
    local r2, g2, b2 = rgb(img, math.floor(y0) + 4, col)
    if r2 > 200 and g2 > 190 and b2 < 90 then found_yellow = true end
  end
  assert(found_purple and found_yellow, "colour bar runs from viridis(0) at the bottom to viridis(1) at the top")
  _ = cbx
  fig:save(path(".svg"))
  assert(os.execute("xmllint --noout " .. path(".svg")), "SVG is well-formed (xmllint)")
  local f = assert(io.open(path(".svg")))
  local svg = f:read("a")
  f:close()
  local _, ncircles = svg:gsub("<circle", "")
  assert(ncircles == n, "SVG has one circle per point: " .. ncircles)
  assert(svg:find("<text[^>]*>I%(X;T%) %(bits%)</text>"), "SVG x label text")
  assert(svg:find('transform="rotate%(%-90'), "SVG rotated y label")
  assert(svg:find("<clipPath"), "SVG clips to the axes")
  assert(svg:find(">epoch</text>"), "SVG colour bar label")
  os.remove(path(".png")); os.remove(path(".svg"))
end

-- 2. Pixel level: a horizontal line at y = 0.25 lands on the expected row; clipping holds; marker centre colour.
do
  local fig = plot.figure{width = 400, height = 300}
  local ax = fig:axes()
  ax:xlim(0, 1); ax:ylim(0, 1)
  ax:line({-5, 5}, {0.25, 0.25}, {color = "red", width = 2})          -- extends far outside the x range
  ax:line({0.5, 0.5}, {-3, 0.1}, {color = "red", width = 2})          -- leaves through the bottom
  ax:scatter({0.75}, {0.75}, {color = "blue", size = 12})
  ax:scatter({1.2}, {0.5}, {color = "red", size = 30})                 -- entirely outside: clipped away
  local img = fig:pixels()
  local x0, y0, x1, y1 = ax:box()
  local px, py = ax:topixel(0.5, 0.25)
  local row, col = math.floor(py) + 1, math.floor(px) + 1
  assert(is_red(rgb(img, row, col)), "line pixel at row " .. row)
  assert(not is_red(rgb(img, row - 4, col + 20)) and not is_red(rgb(img, row + 4, col + 20)), "line is thin")
  local mx, my = ax:topixel(0.75, 0.75)
  local r, g, b = rgb(img, math.floor(my) + 1, math.floor(mx) + 1)
  assert(r == 0 and g == 0 and b == 255, ("marker centre is pure blue, got %d %d %d"):format(r, g, b))
  local h, w = img:size()
  local outside = 0
  for i = 1, h do
    for j = 1, w do
      local inside = j - 1 >= x0 and j - 1 < x1 and i - 1 >= y0 and i - 1 < y1
      if not inside and is_red(rgb(img, i, j)) then outside = outside + 1 end
    end
  end
  assert(outside == 0, outside .. " red pixels outside the axes box")
  -- text: the title and labels have ink where expected
  ax:title("Title"); ax:xlabel("x label"); ax:ylabel("y label")
  img = fig:pixels()
  x0, y0, x1, y1 = ax:box()
  local function ink(r0, r1, c0, c1)
    local n = 0
    for i = math.max(1, r0), math.min(h, r1) do
      for j = math.max(1, c0), math.min(w, c1) do if is_dark(rgb(img, i, j)) then n = n + 1 end end
    end
    return n
  end
  assert(ink(1, math.floor(y0) - 2, math.floor(x0), math.floor(x1)) > 20, "title ink above the axes")
  assert(ink(1, math.floor(y0) - 2, 1, math.floor(x0) - 30) == 0, "no ink at the top-left corner")
  assert(ink(math.floor(y1) + 20, h, math.floor((x0 + x1) / 2) - 40, math.floor((x0 + x1) / 2) + 40) > 20, "x label ink")
  assert(ink(math.floor(y0), math.floor(y1), 1, 25) > 20, "rotated y label ink at the left edge")
end

-- 3. Subplots, log axes, bands, error bars, reference lines, text, legends, grids, alpha.
do
  local fig = plot.figure{width = 800, height = 600, rows = 2, cols = 2, title = "grid"}
  assert(not pcall(fig.axes, fig), "a grid needs fig:axes(i, j)")
  local a, b, c, d = fig:axes(1, 1), fig:axes(1, 2), fig:axes(2, 1), fig:axes(2, 2)
  assert(fig:axes(4) == d, "linear axes index")
  local xs, ys = {}, {}
  for i = 1, 50 do xs[i] = i * 10; ys[i] = 1 / i end
  a:line(vec(xs), vec(ys), {label = "1/x"}); a:loglog(); a:grid(); a:legend()
  b:band({1, 2, 3}, {0, 1, 0}, {1, 2, 2}, {label = "band"}); b:line({1, 2, 3}, {0.5, 1.5, 1}); b:legend("upper left")
  c:errorbar({1, 2, 3}, {1, 2, 3}, {0.5, 0.2, 0.1}, {marker = "o", label = "err"}); c:hline(2, {style = "dashed"}); c:vline(2)
  c:text(1, 3, "note^{2}", {align = "center"})
  d:scatter({1, 2, 3}, {3, 1, 2}, {alpha = 0.5, size = 20, color = "C3"}); d:yscale("log")
  fig:save(path(".png"))
  fig:save(path(".svg"))
  assert(os.execute("xmllint --noout " .. path(".svg")), "grid SVG well-formed")
  local ax0, ay0 = a:box()
  local dx0, dy0 = d:box()
  assert(dx0 > 400 and dy0 > 300 and ax0 < 400 and ay0 < 300, "axes (2, 2) is in the bottom-right quadrant")
  local lo, hi = a:xlim()
  assert(lo > 0 and lo < 10 and hi > 500, ("log x limits %g %g"):format(lo, hi))
  local img = plot.readpng(path(".png"))
  -- semi-transparent marker: blend of C3 (214, 39, 40) with white
  local mx, my = d:topixel(1, 3)
  local r, g, bl = rgb(img, math.floor(my) + 1, math.floor(mx) + 1)
  assert(math.abs(r - 234) <= 3 and math.abs(g - 147) <= 3 and math.abs(bl - 147) <= 3, ("alpha blend %d %d %d"):format(r, g, bl))
  os.remove(path(".png")); os.remove(path(".svg"))
end

-- 4. Robustness: NaN/Inf skipped with a warning, empty series, single points, zero-width ranges.
do
  local fig = plot.figure{width = 300, height = 200}
  local ax = fig:axes()
  ax:line({}, {})
  ax:line({1, 2, 3})                      -- y alone, no options: x = 1..3
  ax:line(vec({3, 2, 1}), {color = "red"}) -- y alone with options
  ax:hist({})
  ax:bar({}, {})
  ax:scatter({2}, {2})
  ax:line({1, 1}, {5, 5})
  fig:save(path(".png"))
  local lo, hi = ax:ylim()
  assert(lo < 2 and hi > 5, "zero-width range widened")
  local fig2 = plot.figure{width = 300, height = 200}
  fig2:axes():scatter({7}, {7})
  fig2:save(path(".png"))
  local l2, h2 = fig2:axes():xlim()
  assert(l2 < 7 and h2 > 7, "single point gets a range")
  -- warnings go to stderr: run a child ibsh and capture
  local bin = os.getenv("IBSH_BINARY")
  if bin then
    local cmd = ("%s -e 'local ax = plot.figure{}:axes(); ax:line({1, 0/0, 3, 1/0}, {1, 2, 3, 4})' 2>&1"):format(bin)
    local p = io.popen(cmd)
    local out = p:read("a")
    p:close()
    assert(out:match("ax:line: skipped 2 points with NaN or Inf"), "NaN warning: " .. out)
  end
  os.remove(path(".png"))
end

-- 5. Bad input: Lua errors naming the function, never a crash.
do
  local fig = plot.figure{}
  local ax = fig:axes()
  local fails = check.fails
  fails("plot.figure", plot.figure, {width = 5})
  fails("unknown option 'colour'", ax.line, ax, {1}, {2}, {colour = "red"})
  fails("ax:line", ax.line, ax, "x", {1})
  fails("sizes do not match", ax.scatter, ax, {1, 2}, {1})
  fails("unknown colour map", ax.scatter, ax, {1}, {1}, {cmap = "nope"})
  fails("unknown colour", ax.line, ax, {1}, {1}, {color = "nope"})
  fails("color has 3 values", ax.scatter, ax, {1, 2}, {1, 2}, {color = {1, 2, 3}, cmap = "viridis"})
  fails("limits must differ", ax.xlim, ax, 2, 2)
  fails("fig:save", fig.save, fig, "/nonexistent/dir/x.png")
  fails(".png or .svg", fig.save, fig, "x.jpg")
  fails("ax:line", ax.line, ax, {1}, tensor.zeros(2, 2, 2))
  fails("fig:axes", fig.axes, fig, 2, 1)
  ax:xscale("log")
  fails("ax:xlim", ax.xlim, ax, -1, 1)
end

-- 6. Custom ticks, marker shapes, and large scatters embedded as images in SVG.
do
  local fig = plot.figure{width = 400, height = 300}
  local ax = fig:axes()
  for i, m in ipairs{"o", "s", "D", "^", "v", "+", "x"} do ax:line({1, 2}, {i, i}, {marker = m, label = m}) end
  ax:xticks({1, 1.5, 2}, {"one", "one and a half", "two"})
  ax:legend{ncol = 2, title = "Markers"}
  fig:save(path(".svg"))
  local f = assert(io.open(path(".svg")))
  local svg = f:read("a")
  f:close()
  assert(svg:find(">one and a half</text>", 1, true), "custom tick label in the SVG")
  assert(svg:find(">Markers</text>", 1, true), "legend title in the SVG")
  assert(os.execute("xmllint --noout " .. path(".svg")), "marker SVG well-formed")
  local n = 30000
  local x, y = tensor.zeros(n), tensor.zeros(n)
  for i = 1, n do x:set(i, math.sin(i)); y:set(i, math.cos(i * 1.1)) end
  local big = plot.figure{width = 400, height = 300}
  big:axes():scatter(x, y, {size = 1})
  big:save(path(".svg"))
  f = assert(io.open(path(".svg")))
  svg = f:read("a")
  f:close()
  assert(svg:find("<image", 1, true) and not svg:find("<circle", 1, true), "large scatter embedded as one image")
  assert(#svg < 2e6, "compact SVG for 30000 points: " .. #svg .. " bytes")
  assert(os.execute("xmllint --noout " .. path(".svg")), "image SVG well-formed")
  os.remove(path(".svg"))
  -- log colour scale: 10 lies half-way between 1 and 100
  local lf = plot.figure{width = 300, height = 200}
  local lax = lf:axes()
  lax:scatter({1, 2, 3}, {1, 2, 3}, {color = {1, 10, 100}, cmap = "viridis", norm = "log", size = 14})
  lax:colorbar{label = "log"}
  local img = lf:pixels()
  local mx, my = lax:topixel(2, 2)
  local r, g, b = rgb(img, math.floor(my) + 1, math.floor(mx) + 1)
  local er, eg, eb = plot.colormap("viridis", 0.5)
  assert(math.abs(r - er * 255) <= 3 and math.abs(g - eg * 255) <= 3 and math.abs(b - eb * 255) <= 3,
    ("log-normed colour %d %d %d vs %.0f %.0f %.0f"):format(r, g, b, er * 255, eg * 255, eb * 255))
  -- hidden spines leave no frame pixels on the top side; label font sizes grow the text
  local sf = plot.figure{width = 300, height = 200}
  local sax = sf:axes()
  sax:line({0, 1}, {0, 1}, {width = 0})
  sax:spines{top = false, right = false}
  local simg = sf:pixels()
  local sx0, sy0, sx1 = sax:box()
  local row = math.floor(sy0) + 1
  local dark = 0
  for col = math.floor(sx0) + 10, math.floor(sx1) - 10 do if simg:get(row, col, 1) < 128 then dark = dark + 1 end end
  assert(dark == 0, "no top spine: " .. dark)
  sax:title("T"); local _, small = sax:box(); sf:pixels(); local _, y_small = sax:box()
  sax:title("T", {fontsize = 30}); sf:pixels(); local _, y_big = sax:box()
  assert(y_big > y_small + 10, ("a bigger title takes more room: %g vs %g"):format(y_big, y_small))
  _ = small
  -- bars and histograms: counts, density, sticky zero, bar colour
  local hf = plot.figure{width = 300, height = 200}
  local hax = hf:axes()
  local counts, edges = hax:hist({0.1, 0.2, 0.6, 0.9, 1.0}, {bins = 2, range = {0, 1}})
  assert(counts:get(1) == 2 and counts:get(2) == 3 and edges:get(1) == 0 and edges:get(3) == 1, "histogram counts")
  local dens = hax:hist({0.1, 0.2, 0.6, 0.9, 1.0}, {bins = 2, range = {0, 1}, density = true, color = "C1"})
  assert(math.abs(dens:get(1) - 0.8) < 1e-12 and math.abs(dens:get(2) - 1.2) < 1e-12, "histogram density")
  local bf = plot.figure{width = 300, height = 200}
  local bax = bf:axes()
  bax:bar({1, 2}, {3, 4}, {color = "blue"})
  local bimg = bf:pixels()
  local blo = bax:ylim()
  assert(blo == 0, "bars keep zero as the lower limit: " .. blo)
  local bx, by = bax:topixel(2, 2)
  local r, g, b = rgb(bimg, math.floor(by) + 1, math.floor(bx) + 1)
  assert(r == 0 and g == 0 and b == 255, "bar filled blue")
  -- images (imshow): row 1 at the top, cells coloured by value, limits = extent
  local imf = plot.figure{width = 300, height = 300}
  local iax = imf:axes()
  iax:image(tensor.new{{0, 1}, {2, 3}}, {cmap = "gray"})
  local im = imf:pixels()
  local ylo, yhi = iax:ylim()
  assert(ylo == 2.5 and yhi == 0.5, "upper origin inverts the y axis: " .. ylo .. " " .. yhi)
  local function cell(x, y)
    local cx, cy = iax:topixel(x, y)
    return im:get(math.floor(cy) + 1, math.floor(cx) + 1, 1)
  end
  assert(cell(1, 1) == 0 and math.abs(cell(2, 1) - 85) <= 1 and math.abs(cell(1, 2) - 170) <= 1 and cell(2, 2) == 255,
    "image cells: " .. cell(1, 1) .. " " .. cell(2, 1) .. " " .. cell(1, 2) .. " " .. cell(2, 2))
  local _, top = iax:topixel(1, 1)
  local _, bottom = iax:topixel(1, 2)
  assert(top < bottom, "row 1 is above row 2")
end

print("OK")
