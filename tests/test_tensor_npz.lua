-- .npz archives: round trips (stored and deflated, several shapes, empty and 0-d tensors),
-- numpy-written fixtures (np.savez, np.savez_compressed, data descriptors), ZIP64 end
-- records, bad arguments, hand-made corruptions and 300 random byte flips/truncations.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local T = require "ibsh.tensor"
local data = os.getenv("IBSH_SOURCE_DIR") .. "/tests/data/"
local tmp = os.tmpname()
os.remove(tmp)
local path = tmp .. ".npz"

-- Write bytes to file p.
local function write(p, bytes)
  local f = assert(io.open(p, "wb"))
  f:write(bytes)
  f:close()
end

-- The bytes of file p.
local function read(p)
  local f = assert(io.open(p, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- True when tensors a and b have the same shape and the same values (bit for bit).
local function same_tensor(a, b)
  if a:dim() ~= b:dim() then return false end
  for i = 1, a:dim() do if a:size(i) ~= b:size(i) then return false end end
  local x, y = a:reshape(-1), b:reshape(-1)
  for i = 1, x:numel() do if x[i] ~= y[i] then return false end end
  return true
end

-- True when the tables of tensors a and b have the same keys and equal tensors.
local function same_tables(a, b)
  for k, v in pairs(a) do if not b[k] or not same_tensor(v, b[k]) then return false end end
  for k in pairs(b) do if not a[k] then return false end end
  return true
end

-- Replace the bytes of s from position at (1-based) with r.
local function poke(s, at, r) return s:sub(1, at - 1) .. r .. s:sub(at + #r) end

-- Round trips, stored and deflated: exact values, shapes kept, views and empty tensors.
local arrays = {
  x = T.randn(7, 5, {seed = 3}),
  line = T.linspace(0, 1, 11),
  cube = T.arange(24):view(2, 3, 4):permute(3, 1, 2),
  empty = T.zeros(0, 3),
  scalar = T.new(2.5),
  big = T.randn(300, 40, {seed = 9}),
}
for _, compress in ipairs{false, true} do
  T.save_npz(path, arrays, {compress = compress})
  local back = T.load_npz(path)
  assert(same_tables(back, arrays), "round trip, compress = " .. tostring(compress))
  assert(back.cube:size(1) == 4 and back.cube:get(4, 2, 3) == 23, "permuted view saved in logical order")
  assert(back.empty:dim() == 2 and back.empty:size(2) == 3 and back.empty:numel() == 0, "empty 0x3 tensor kept")
  assert(back.scalar:dim() == 0 and back.scalar:item() == 2.5, "0-d tensor kept")
end
T.save_npz(path, arrays, {compress = false})
local stored = read(path)
T.save_npz(path, arrays)
local deflated = read(path)
assert(#deflated < #stored, "the default deflates: " .. #deflated .. " < " .. #stored .. " bytes")
assert(stored:sub(1, 4) == "PK\3\4" and stored:byte(9) == 0 and deflated:byte(9) == 8, "methods stored (0) and deflate (8)")
T.save_npz(path, arrays)
assert(read(path) == deflated, "same data, same bytes")
T.save_npz(path, {})
assert(next(T.load_npz(path)) == nil, "an empty archive round-trips")
assert(#read(path) == 22, "an empty archive is just the end record")

-- numpy-written fixtures (tests/data/make_npz.py): every dtype the .npy reader takes.
local base = {1.5, -2, 3.25, 4, 5.5, -6.75}
for _, name in ipairs{"npz_savez.npz", "npz_compressed.npz"} do
  local d = T.load_npz(data .. name)
  local keys = 0
  for _ in pairs(d) do keys = keys + 1 end
  assert(keys == 11, name .. ": 11 arrays, got " .. keys)
  for _, k in ipairs{"f8", "f4", "be", "fortran"} do
    check.same(d[k], base, 0, name .. " " .. k)
    assert(d[k]:size(1) == 2 and d[k]:size(2) == 3, name .. " " .. k .. " is 2x3")
  end
  check.same(d.i8, {1, -2, 3, 4, 5, -6}, 0, name .. " i8")
  check.same(d.i2, {-300, 7}, 0, name .. " i2")
  check.same(d.u1, {0, 1, 2, 3, 4}, 0, name .. " u1")
  check.same(d.b, {1, 0, 1}, 0, name .. " bool")
  assert(d.scalar:dim() == 0 and d.scalar:item() == 2.5, name .. " 0-d")
  assert(d.empty:dim() == 2 and d.empty:size(1) == 0 and d.empty:size(2) == 3, name .. " empty")
  assert(d.cube:size(3) == 4 and d.cube:get(2, 3, 4) == 23 and d.cube:get(1, 2, 1) == 2, name .. " Fortran 3-d float32")
end
local desc = T.load_npz(data .. "npz_descriptor.npz")
check.same(desc.f8, base, 0, "written to a pipe (data descriptors): f8")
check.same(desc.i8, {1, -2, 3, 4, 5, -6}, 0, "written to a pipe (data descriptors): i8")
assert(read(data .. "npz_descriptor.npz"):byte(7) & 8 == 8, "that fixture really uses data descriptors")

-- Reading ZIP64: the same archive with a ZIP64 end record, locator and a ZIP64 offset field.
local small = {a = T.new{1, 2, 3}, b = T.new{{4, 5}, {6, 7}}}
T.save_npz(path, small, {compress = false})
local z = read(path)
local eocd = #z - 21
local cd_size, cd_off = string.unpack("<I4I4", z, eocd + 12)
local entries = string.unpack("<I2", z, eocd + 10)
local first = z:sub(cd_off + 1, cd_off + 46)                       -- entry of a.npy: offset 0 moves to a ZIP64 field
local nlen = string.unpack("<I2", first, 29)
local name = z:sub(cd_off + 47, cd_off + 46 + nlen)
local entry64 = poke(poke(first, 31, string.pack("<I2", 12)), 43, string.pack("<I4", 0xFFFFFFFF)) .. name .. string.pack("<I2I2I8", 1, 8, 0)
local rest = z:sub(cd_off + 47 + nlen, eocd - 1)
local cd64 = entry64 .. rest
local at64 = cd_off + #cd64
local z64 = z:sub(1, cd_off) .. cd64 ..
  string.pack("<I4I8I2I2I4I4I8I8I8I8", 0x06064b50, 44, 45, 45, 0, 0, entries, entries, #cd64, cd_off) ..
  string.pack("<I4I4I8I4", 0x07064b50, 0, at64, 1) ..
  string.pack("<I4I2I2I2I2I4I4I2", 0x06054b50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
assert(cd_size == #first + nlen + #rest, "parsed our own directory")
write(path, z64)
assert(same_tables(T.load_npz(path), small), "ZIP64 end record and offset field")
write(path, poke(z64, at64 + 57 + 8, string.pack("<I8", 1 << 40)))
check.fails("tensor.load_npz: " .. path .. ": ZIP64 end record offset", function() T.load_npz(path) end)

-- Bad arguments to save_npz, and a failed write leaves nothing behind.
check.fails("tensor.save_npz: table keys must be array names", function() T.save_npz(path, {T.new{1}}) end)
check.fails("tensor.save_npz: value of 'x' must be a tensor, got a number", function() T.save_npz(path, {x = 1}) end)
check.fails("tensor.save_npz: unknown option", function() T.save_npz(path, {}, {level = 3}) end)
check.fails("tensor.save_npz: array names must be non-empty", function() T.save_npz(path, {[""] = T.new{1}}) end)
check.fails("tensor.save_npz: " .. tmp .. "/none/x.npz: cannot write", function() T.save_npz(tmp .. "/none/x.npz", small) end)
check.fails("tensor.load_npz: " .. tmp .. "-missing.npz: cannot open", function() T.load_npz(tmp .. "-missing.npz") end)

-- Hand-made corruptions of a stored archive of a.npy (3 values) and b.npy (2x2).
T.save_npz(path, small, {compress = false})
z = read(path)
cd_off = string.unpack("<I4", z, #z - 21 + 16)
local loc_b = string.unpack("<I4", z, cd_off + 46 + 5 + 43)           -- local header offset of b.npy (2nd entry)
local cd_b = cd_off + 46 + 5                                           -- 0-based offset of b's directory entry
local cases = {
  {z:sub(1, 10), "too short for a ZIP archive"},
  {z:sub(1, #z - 3), "no ZIP end record"},
  {"hello, this is not a zip archive at all", "no ZIP end record"},
  {poke(z, loc_b - 1, "\0"), "CRC-32 mismatch"},                         -- last data byte of a.npy
  {poke(z, cd_off + 43, string.pack("<I4", 0x7FFFFFF0)), "local header offset 2147483632 is out of range"},
  {poke(z, cd_off + 43, string.pack("<I4", 1)), "bad local header signature at byte 1"},
  {poke(poke(z, 9, string.pack("<I2", 99)), cd_off + 11, string.pack("<I2", 99)), "unknown compression method 99"},
  {poke(poke(z, loc_b + 31, "a"), cd_b + 47, "a"), "duplicated array name 'a'"},
  {poke(z, cd_b + 47, "c"), "local header and directory disagree on the name"},
  {poke(poke(z, cd_off + 21, string.pack("<I4", 0x7FFFFFFF)), cd_off + 25, string.pack("<I4", 0x7FFFFFFF)), "overrun the central directory"},
  {poke(z, cd_off + 25, string.pack("<I4", 0xFFFFFFF0)), "is stored but its sizes differ"},
  {poke(z, #z - 21 + 8, string.pack("<I2I2", 0xFFF0, 0xFFF0)), "entries cannot fit"},
  {poke(z, #z - 21 + 16, string.pack("<I4", 0x7FFFFFFF)), "central directory (byte 2147483647"},
  {poke(z, cd_off + 9, string.pack("<I2", 1)), "is encrypted"},
  {poke(z, #z - 21 + 4, string.pack("<I2", 1)), "multi-disk archives are not supported"},
}
for i, c in ipairs(cases) do
  write(path, c[1])
  check.fails("tensor.load_npz: " .. path .. ": ", function() T.load_npz(path) end)
  check.fails(c[2], function() T.load_npz(path) end)
  assert(i)
end

-- A deflated archive: the same size checks, and broken deflate data.
T.save_npz(path, small)
local zd = read(path)
local cdd = string.unpack("<I4", zd, #zd - 21 + 16)
for _, c in ipairs{
  {poke(zd, cdd + 25, string.pack("<I4", 0xFFFFFFF0)), "is impossible for"},
  {poke(zd, cdd + 25, string.pack("<I4", 100)), "inflates to more than its recorded 100 bytes"},
  {poke(zd, cdd + 25, string.pack("<I4", 5000)), "inflates to 152 bytes, the directory says 5000"},
  {poke(zd, 36, "\255\255\255\255"), "corrupt deflate data"},
} do
  write(path, c[1])
  check.fails("tensor.load_npz: " .. path .. ": member 'a.npy'", function() T.load_npz(path) end)
  check.fails(c[2], function() T.load_npz(path) end)
end
-- A valid zip whose member is not a .npy: the .npy reader's error, with the member named.
local junk = "not npy"
local crc_junk = 0x5788ea3c  -- CRC-32 of "not npy" (zlib.crc32(b"not npy"))
local zj = string.pack("<I4I2I2I2I2I2I4I4I4I2I2", 0x04034b50, 20, 0, 0, 0, 33, crc_junk, #junk, #junk, 5, 0) .. "j.npy" .. junk
local cdj = string.pack("<I4I2I2I2I2I2I2I4I4I4I2I2I2I2I2I4I4", 0x02014b50, 20, 20, 0, 0, 0, 33, crc_junk, #junk, #junk, 5, 0, 0, 0, 0, 0, 0) .. "j.npy"
write(path, zj .. cdj .. string.pack("<I4I2I2I2I2I4I4I2", 0x06054b50, 0, 0, 1, 1, #cdj, #zj, 0))
check.fails("tensor.load_npz: " .. path .. ": member 'j.npy': truncated header", function() T.load_npz(path) end)

-- 300 random byte flips and truncations of both archives: an error naming the function, or the right data.
math.randomseed(20240611)
local clean, broken = 0, 0
for round = 1, 300 do
  local src = round % 2 == 0 and z or zd
  local s = src
  local flips = math.random(1, 3)
  for _ = 1, flips do
    local at = math.random(1, #s)
    s = poke(s, at, string.char(s:byte(at) ~ math.random(1, 255)))
  end
  if round % 5 == 0 then s = s:sub(1, math.random(0, #s - 1)) end
  write(path, s)
  local ok, got = pcall(T.load_npz, path)
  if ok then
    assert(same_tables(got, small), "round " .. round .. ": loaded, but the data differ")
    clean = clean + 1
  else
    assert(tostring(got):find("tensor.load_npz: " .. path .. ": ", 1, true), "round " .. round .. ": unclear error " .. tostring(got))
    broken = broken + 1
  end
end
assert(broken > 200 and clean + broken == 300, "most random corruptions are caught: " .. broken .. " errors, " .. clean .. " harmless")
os.remove(path)
