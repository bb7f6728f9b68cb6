-- Progress lines (issue 18): the Lua binding, quiet options of the long loops, the summary line a
-- non-terminal stderr gets for runs of a second or more, and nothing for quick or quiet ones.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local progress = require "ibsh.progress"

-- status text: counts, percent, rate, ETA
local p = progress.new("demo", 4, {unit = "items"})
p:update(1)
local status = p:status("note")
assert(status:match("^demo  1/4 items   25%%  [%d.]+ items/s  ETA %S+  note$"), status)
assert(progress.active() == "demo", "the running progress is named")
local inner = progress.new("inner", 2)
assert(inner:mode() == "quiet", "a progress inside another is silent")
inner:finish()
p:step(3)
p:finish()
assert(progress.active() == nil, "finished progresses leave the active list")
assert(progress.new("q", 1, {quiet = true}):mode() == "quiet", "quiet = true")
check.fails("progress.new: unknown option", function() progress.new("x", 1, {quite = true}) end)

-- the long loops take quiet = true
local x = tensor.randn(200, 1, {seed = 1})
local y = x + tensor.randn(200, 1, {seed = 2})
local est = mi.bootstrap("gaussian", x, y, {n = 5, quiet = true})
assert(type(est) == "number")
assert(mi.permutation_test("gaussian", x, y, {n = 5, quiet = true}) > 0)
assert(ib.curve(tensor.new{{0.25, 0.25}, {0.1, 0.4}}, {quiet = true}))

-- what a non-terminal stderr receives: one summary line for a run of a second or more, nothing for a quick one
local bin = os.getenv("IBSH_BINARY")
if bin then
  local tmp = os.tmpname()
  local code = [[local p = progress.new('slow', 3, {unit = 'steps'}); local t0 = tensor.walltime()
for i = 1, 3 do while tensor.walltime() - t0 < i * 0.4 do end; p:update(i) end; p:finish()
local q = progress.new('fast', 3); q:update(3); q:finish()
mi.bootstrap('gaussian', tensor.randn(50, 1, {seed = 1}), tensor.randn(50, 1, {seed = 2}), {n = 3})]]
  assert(os.execute(string.format("'%s' -e \"%s\" 2>'%s'", bin, code:gsub('"', '\\"'), tmp)))
  local f = assert(io.open(tmp))
  local err = f:read("a")
  f:close()
  os.remove(tmp)
  assert(err:match("^slow: 3 steps in 1%.%ds %([%d.]+ steps/s%)\n$"), "summary line: " .. err)
end
print("OK")
