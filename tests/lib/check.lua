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

-- True when Debian's /usr/bin/python3 exists and imports module (e.g. "numpy") from its files; an
-- empty namespace package (a leftover directory such as dist-packages/numpy/core) does not count.
function check.python_has(module)
  assert(type(module) == "string" and module:match("^[%w_.]+$"), "check.python_has: bad module name")
  local f = io.open("/usr/bin/python3")
  if not f then return false end
  f:close()
  local probe = "import " .. module .. " as m, sys; sys.exit(0 if getattr(m, '__file__', None) else 1)"
  return os.execute("/usr/bin/python3 -c \"" .. probe .. "\" >/dev/null 2>&1") == true
end

-- Print "skipped: <why>" and end the test with code 77, which CTest reports as skipped.
function check.skip(why)
  print("skipped: " .. why)
  io.stdout:flush()
  os.exit(77)
end

-- Skip the rest of the test unless /usr/bin/python3 can import module.
function check.need_python(module)
  if not check.python_has(module) then check.skip(module .. " not installed") end
end

return check
