-- ibsh.ib: the public ib module (C core in src/lua/lib.c, Lua additions here).
local M = require "ibsh.core.ib"
local help = require "ibsh.core.help"

-- Distance of a layer's point below the curve: curve:at(ixt) - ity (numbers or equal-shaped tensors).
function M.gap(curve, ixt, ity)
  -- Raise unless x is finite and, for an I(X;T) (nonneg set), >= 0; what names it.
  local function check_bits(x, what, nonneg)
    if not (x > -math.huge and x < math.huge) then
      error(string.format("ib.gap: %s must be a finite number of bits, got %s", what, tostring(x)), 3)
    end
    if nonneg and x < 0 then
      error(string.format("ib.gap: %s must be an information >= 0 (bits), got %s (clamp a slightly negative estimate with math.max(v, 0))",
        what, tostring(x)), 3)
    end
  end
  if type(ixt) == "number" then
    if type(ity) ~= "number" then error("ib.gap: ity must be a number when ixt is", 2) end
    check_bits(ixt, "ixt", true); check_bits(ity, "ity")
    return curve:at(ixt) - ity
  end
  local ok, at = pcall(curve.at, curve, ixt)
  if not ok then error("ib.gap: " .. tostring(at), 2) end
  if type(ity) ~= "userdata" or select("#", ixt:size()) ~= select("#", ity:size()) then
    error("ib.gap: ixt and ity must be numbers or tensors of the same shape", 2)
  end
  local n = ixt:size(1)
  if select("#", ixt:size()) ~= 1 or ity:size(1) ~= n then
    error("ib.gap: ixt and ity must be 1-d tensors of equal length", 2)
  end
  for i = 1, n do
    check_bits(ixt:get(i), "ixt[" .. i .. "]", true); check_bits(ity:get(i), "ity[" .. i .. "]")
    at:set(i, at:get(i) - ity:get(i))
  end
  return at
end
help.set(M.gap, "ib.gap",
  "ib.gap(curve, ixt, ity) -> number\n\n" ..
  "How far a point (I(X;T), I(T;Y)) in bits lies below the IB curve: curve:at(ixt) - ity (positive below the bound, " ..
  "about 0 on it, negative above it, which only estimation error can produce). ixt and ity may be 1-d tensors; ixt must be >= 0 and every value finite.\n\n" ..
  "Example: print(ib.gap(ib.curve(d:joint()), 3.2, 0.91))")

return M
