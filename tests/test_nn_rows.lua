-- Snapshot forward passes in row blocks: every row's activations are the same bits whatever rows share the call
-- (block boundaries at 1024 rows), they match a forward pass written out in Lua, and transposes of odd shapes
-- round-trip (the 4 x 4 tiles and their edges).
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")

local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 2}
local x = tensor.randn(2500, 12, {seed = 1})
local all = net:forward(x)
local rows = {}
for i = 1019, 1030 do rows[#rows + 1] = i end
local sub = net:forward(x:index(1, rows))
for l = 1, #all do
  local a, b = all[l]:index(1, rows), sub[l]
  assert((a - b):abs():max() == 0, "layer " .. l .. ": rows across a block boundary differ")
end
-- the forward pass in Lua for a few rows
local ws = net:weights()
for _, i in ipairs{1, 1024, 1025, 2500} do
  local h = {}
  for j = 1, 12 do h[j] = x:get(i, j) end
  for l, w in ipairs(ws) do
    local fi, fo = w.W:size()
    local z = {}
    for o = 1, fo do
      local s = w.b:get(o)
      for k = 1, fi do s = s + h[k] * w.W:get(k, o) end
      z[o] = s
    end
    if l < #ws then
      for o = 1, fo do local e = math.exp(2 * z[o]); z[o] = (e - 1) / (e + 1) end
    else
      local m = math.max(table.unpack(z))
      local s = 0
      for o = 1, fo do z[o] = math.exp(z[o] - m); s = s + z[o] end
      for o = 1, fo do z[o] = z[o] / s end
    end
    for o = 1, fo do check.close(all[l]:get(i, o), z[o], 1e-13, "row " .. i .. " layer " .. l .. " unit " .. o) end
    h = z
  end
end
-- transposes through net:forward's inputs of odd widths and row counts
for _, shape in ipairs{{1, 1}, {3, 5}, {7, 4}, {13, 9}} do
  local n, d = shape[1], shape[2]
  local lin = nn.mlp{d, d, act = "linear", out = "linear", seed = 1}
  local W = lin:weights()
  local xs = tensor.randn(n, d, {seed = 3})
  local y = lin:forward(xs)[1]
  local want = xs:mm(W[1].W) + W[1].b
  check.close((y - want):abs():max(), 0, 1e-14, "linear layer " .. n .. " x " .. d)
end
print("ok")
