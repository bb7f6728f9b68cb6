-- plot.animate and plot.movie (issue 18): the GIF is read back with our own decoder (tests/lib/gif.lua:
-- header, palette, LZW, frames): one frame per snapshot up to max_frames plus the hold, the frame delay
-- from fps, looping, and the last frame's colours equal to the final figure's; frames share its axes.
-- The animated PNG: chunk order and CRCs, acTL frame count = fcTL chunks, sequence numbers, frame 1 by libpng.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local gif = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/gif.lua")
local tmp = os.tmpname()
os.remove(tmp)
os.execute("mkdir -p '" .. tmp .. "'")

-- a synthetic plane: 12 snapshots of 3 layers moving in the plane
local S, L = 12, 3
local plane, epochs = tensor.zeros(S, L, 2), tensor.zeros(S)
for s = 1, S do
  epochs:set(s, 10 * s)
  for l = 1, L do
    plane:set(s, l, 1, 12 - 3 * l + s / S)
    plane:set(s, l, 2, 1 - 0.25 * l + 0.02 * s)
  end
end
local opts = {epochs = epochs, fps = 10, width = 320, height = 240, hold = 0.5}
local anim = plot.animate(plane, opts)
assert(anim:frames() == S + 5, "one frame per snapshot plus hold x fps: " .. anim:frames())
local path = tmp .. "/plane.gif"
assert(anim:save(path) == S + 5)
local g = gif.read(path)
assert(g.w == 320 and g.h == 240, "size")
assert(g.frames == S + 5, "frames read back: " .. g.frames)
assert(g.delays[1] == 10, "delay of 1/fps s in hundredths: " .. g.delays[1])
assert(g.loop == 0, "loops forever")

-- the last frame is the final figure (same axes, same colours up to the palette)
local final = plot.infoplane(plane, {epochs = epochs, width = 320, height = 240, fontsize = 12,
  title = "Information plane, epoch 120"})
local px = final:pixels()
local err, n = 0, 0
for i = 1, g.w * g.h, 3 do
  local k = g.canvas[i]
  local r, c = (i - 1) // g.w + 1, (i - 1) % g.w + 1
  local a = px:get(r, c, 4) / 255
  for ch = 1, 3 do
    err = err + math.abs(g.palette[3 * k + ch] - (px:get(r, c, ch) * a + 255 * (1 - a)))
    n = n + 1
  end
end
assert(err / n < 2, "mean colour error of the last frame: " .. err / n)

-- the palette holds the colour map's ends exactly
local function has_colour(r, gg, b)
  for i = 0, 255 do
    if g.palette[3 * i + 1] == r and g.palette[3 * i + 2] == gg and g.palette[3 * i + 3] == b then return true end
  end
  return false
end
local r0, g0, b0 = plot.colormap("gnuplot", 1)
assert(has_colour(math.floor(r0 * 255 + 0.5), math.floor(g0 * 255 + 0.5), math.floor(b0 * 255 + 0.5)), "colour map end in the palette")
assert(has_colour(255, 255, 255) and has_colour(0, 0, 0), "white and black in the palette")

-- a cap on frames: evenly spaced snapshots, the last one included
local capped = plot.animate(plane, {epochs = epochs, max_frames = 5, hold = 0})
local counts = capped:snapshot_counts()
assert(#counts == 5 and counts[5] == S and counts[1] >= 1, "max_frames caps the frames")
for i = 2, #counts do assert(counts[i] > counts[i - 1], "increasing snapshot counts") end

-- an animated PNG: signature, chunks with correct CRCs, acTL count = fcTL count, increasing sequence numbers
local crc_table = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do c = (c & 1) ~= 0 and (0xEDB88320 ~ (c >> 1)) or (c >> 1) end
  crc_table[i] = c
end
local function crc32(s)
  local c = 0xFFFFFFFF
  for i = 1, #s do c = crc_table[(c ~ s:byte(i)) & 0xFF] ~ (c >> 8) end
  return c ~ 0xFFFFFFFF
end
local apng = tmp .. "/plane.png"
assert(anim:save(apng) == S + 5)
local f = assert(io.open(apng, "rb"))
local bytes = f:read("a")
f:close()
assert(bytes:sub(1, 8) == "\137PNG\r\n\26\n", "PNG signature")
local pos, types, seqs, announced, fctl = 9, {}, {}, nil, 0
while pos <= #bytes do
  local len, ctype = string.unpack(">I4c4", bytes, pos)
  local data = bytes:sub(pos + 8, pos + 7 + len)
  local crc = string.unpack(">I4", bytes, pos + 8 + len)
  assert(crc == crc32(ctype .. data), "CRC of " .. ctype)
  types[#types + 1] = ctype
  if ctype == "acTL" then announced = string.unpack(">I4", data) end
  if ctype == "fcTL" or ctype == "fdAT" then seqs[#seqs + 1] = string.unpack(">I4", data) end
  if ctype == "fcTL" then fctl = fctl + 1 end
  pos = pos + 12 + len
end
assert(types[1] == "IHDR" and types[2] == "acTL" and types[#types] == "IEND", "chunk order")
assert(announced == S + 5 and fctl == S + 5, "frames announced and present")
for i, v in ipairs(seqs) do assert(v == i - 1, "sequence numbers count from 0") end
local first = plot.readpng(apng)   -- plain decoders show frame 1
assert(first:size(1) == 240 and first:size(2) == 320, "frame 1 through libpng")

-- errors: bad plane, options set by the animation, unknown extension, nothing left behind
check.fails("plot.animate: plane must be", function() plot.animate(tensor.zeros(3, 2)) end)
check.fails("option 'xlim' is set by the animation", function() plot.animate(plane, {xlim = {0, 1}}) end)
check.fails("plot.animate: fps", function() plot.animate(plane, {fps = 0}) end)
check.fails("a movie is a .gif or an animated .png", function() anim:save(tmp .. "/x.mp4") end)
-- plot.movie directly: frames of another size, a closed movie, an APNG short of its frames leave no file
local small = plot.figure{width = 60, height = 40}
small:axes():line({1, 2}, {2, 1})
local other = plot.figure{width = 61, height = 40}
other:axes():line({1, 2}, {1, 2})
local m = plot.movie(tmp .. "/m.gif", {ref = small, fps = 5})
check.fails("frame of 61x40 pixels in a 60x40 movie", function() m:add(other) end)
m:add(small):add(small)
assert(m:frames() == 2)
m:close()
check.fails("the movie is closed", function() m:add(small) end)
assert(gif.read(tmp .. "/m.gif").frames == 2, "two frames")
check.fails("needs at least one frame", function() plot.movie(tmp .. "/m.png", {ref = small}) end)
local short = plot.movie(tmp .. "/short.png", {ref = small, frames = 3})
short:add(small)
check.fails("1 frames added, 3 announced", function() short:close() end)
assert(not io.open(tmp .. "/short.png"), "no partial APNG")
check.fails("plot.movie: expected a figure", function() plot.movie(tmp .. "/x.gif", {}) end)
check.fails("plot.movie: unknown option", function() plot.movie(tmp .. "/x.gif", {ref = small, fsp = 3}) end)
local p = io.popen("ls -a '" .. tmp .. "'")
local listing = p:read("a")
p:close()
assert(not listing:find("tmp"), "no temporary files left: " .. listing)
os.execute("rm -rf '" .. tmp .. "'")
print("OK")
