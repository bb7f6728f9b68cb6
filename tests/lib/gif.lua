-- A minimal GIF89a reader for tests (own code, from the GIF89a specification): header, global
-- colour table, extensions (delays, loop), image descriptors and LZW-coded frames composited
-- onto a canvas (disposal "none"). Returns {w, h, frames = n, delays = {...}, palette = {r,g,b...},
-- canvas = {index per pixel, row-major, 0-based indices}, loop = n or nil}.
local M = {}

-- Decode GIF LZW data (the concatenated sub-blocks) into n indices.
function M.lzw_decode(data, mcs, n)
  local clear, eoi = 1 << mcs, (1 << mcs) + 1
  local size, next_code = mcs + 1, eoi + 1
  local dict = {}
  for i = 0, clear - 1 do dict[i] = string.char(i) end
  local out, outn = {}, 0
  local pos, acc, bits = 1, 0, 0
  local prev
  while true do
    while bits < size do
      local b = data:byte(pos)
      if not b then error("LZW data ended without an end code") end
      acc = acc | (b << bits)
      bits = bits + 8
      pos = pos + 1
    end
    local code = acc & ((1 << size) - 1)
    acc = acc >> size
    bits = bits - size
    if code == clear then
      size, next_code, prev = mcs + 1, eoi + 1, nil
      for k in pairs(dict) do if k > eoi then dict[k] = nil end end
    elseif code == eoi then
      break
    else
      local entry
      if dict[code] then entry = dict[code]
      elseif code == next_code and prev then entry = prev .. prev:sub(1, 1)
      else error(("bad LZW code %d (next %d)"):format(code, next_code)) end
      outn = outn + 1
      out[outn] = entry
      if prev and next_code < 4096 then
        dict[next_code] = prev .. entry:sub(1, 1)
        next_code = next_code + 1
        if next_code == (1 << size) and size < 12 then size = size + 1 end
      end
      prev = entry
    end
  end
  local s = table.concat(out)
  if #s ~= n then error(("LZW gave %d indices, expected %d"):format(#s, n)) end
  return s
end

-- Read the GIF at path.
function M.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  assert(s:sub(1, 6) == "GIF89a" or s:sub(1, 6) == "GIF87a", "not a GIF")
  local w, h, packed = string.unpack("<I2I2B", s, 7)
  local g = {w = w, h = h, frames = 0, delays = {}, palette = {}}
  local pos = 14
  if packed & 0x80 ~= 0 then
    local ncol = 1 << ((packed & 7) + 1)
    for i = 1, 3 * ncol do g.palette[i] = s:byte(pos + i - 1) end
    pos = pos + 3 * ncol
  end
  local canvas = {}
  for i = 1, w * h do canvas[i] = 0 end
  local delay = 0
  -- the concatenated sub-blocks starting at p, and the position after the terminator
  local function blocks(p)
    local parts = {}
    while true do
      local len = s:byte(p)
      if len == 0 then return table.concat(parts), p + 1 end
      parts[#parts + 1] = s:sub(p + 1, p + len)
      p = p + 1 + len
    end
  end
  while true do
    local b = s:byte(pos)
    if b == 0x3b then break end
    if b == 0x21 then
      local label = s:byte(pos + 1)
      local body, after = blocks(pos + 2)
      if label == 0xf9 then delay = string.unpack("<I2", body, 2) end
      if label == 0xff and body:sub(1, 11) == "NETSCAPE2.0" then g.loop = string.unpack("<I2", body, 13) end
      pos = after
    elseif b == 0x2c then
      local x, y, fw, fh, fp = string.unpack("<I2I2I2I2B", s, pos + 1)
      assert(fp & 0x80 == 0 and fp & 0x40 == 0, "local tables and interlace are not used by ibsh")
      assert(x + fw <= w and y + fh <= h, "frame outside the screen")
      local mcs = s:byte(pos + 10)
      local data, after = blocks(pos + 11)
      local px = M.lzw_decode(data, mcs, fw * fh)
      for r = 0, fh - 1 do
        local base = (y + r) * w + x
        for c = 1, fw do canvas[base + c] = px:byte(r * fw + c) end
      end
      g.frames = g.frames + 1
      g.delays[g.frames] = delay
      pos = after
    else
      error(("unexpected byte 0x%02x at %d"):format(b, pos))
    end
  end
  g.canvas = canvas
  return g
end

return M
