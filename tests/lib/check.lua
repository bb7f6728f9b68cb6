-- Assertion helpers shared by the Lua tests (not a test itself: no test_ prefix).
-- Load with: local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local check = {}

-- Raise msg as an error blamed on the test line that called the check (level 3).
local function failure(msg)
  error(msg, 3)
end

-- Assert that f(...) raises an error whose message contains pattern (plain text, no Lua patterns).
function check.fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  if ok then failure("expected an error containing '" .. pattern .. "'") end
  if not tostring(err):find(pattern, 1, true) then
    failure("error '" .. tostring(err) .. "' does not contain '" .. pattern .. "'")
  end
end

-- Assert |a - b| <= tol (a NaN matches only an expected NaN); what names the value in the message.
function check.close(a, b, tol, what)
  what = what or "value"
  if type(a) ~= "number" then failure(what .. ": got " .. tostring(a) .. ", expected a number") end
  if a ~= a and b ~= b then return end
  if not (math.abs(a - b) <= tol) then
    failure(string.format("%s: got %.10g, expected %.10g (tol %g)", what, a, b, tol))
  end
end

-- Assert that tensor t holds the values of expect (nested Lua arrays or a tensor) in row-major order, each within tol.
function check.same(t, expect, tol, what)
  if type(expect) == "userdata" then expect = expect:totable() end
  local flat = {}
  local function walk(x)
    if type(x) == "table" then for _, v in ipairs(x) do walk(v) end else flat[#flat + 1] = x end
  end
  walk(expect)
  local got = t:reshape(-1)
  if got:numel() ~= #flat then
    failure(what .. ": " .. got:numel() .. " elements, expected " .. #flat)
  end
  for i = 1, #flat do
    local a, b = got[i], flat[i]
    if not (math.abs(a - b) <= tol or (a ~= a and b ~= b)) then
      failure(string.format("%s element %d: got %.10g, expected %.10g (tol %g)", what, i, a, b, tol))
    end
  end
end

return check
