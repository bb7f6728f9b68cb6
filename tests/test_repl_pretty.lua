-- The REPL's pretty printer and result display: layout, depth limit, cycles,
-- item limit, userdata through __tostring, nested tensors as summaries, _.
local pretty = require "ibsh.pretty"
local repl = require "ibsh.repl"
local F = pretty.format

-- Assert that got equals want, showing both.
local function eq(got, want, what)
  assert(got == want, what .. ":\n--- got ---\n" .. tostring(got) .. "\n--- want ---\n" .. tostring(want))
end

eq(F(42), "42", "integer")
eq(F(0.5), "0.5", "float")
eq(F("plain"), "plain", "top-level string prints as is")
eq(F(nil), "nil", "nil")
eq(F(true), "true", "boolean")
eq(F({}), "{}", "empty table")
eq(F({1, 2, 3}), "{1, 2, 3}", "array")
eq(F({1, nil, 3}), "{1, [3] = 3}", "array with a hole")
eq(F({[2] = "b", [3] = "c"}), '{[2] = "b", [3] = "c"}', "array not starting at 1")
eq(F({b = 2, a = "x", [10] = true}), '{[10] = true, a = "x", b = 2}', "sorted keys, quoted strings")
eq(F({["not an id"] = 1, ["end"] = 2}), '{["end"] = 2, ["not an id"] = 1}', "keys that are not identifiers")
eq(F({"line\nbreak"}), '{"line\\nbreak"}', "newline escaped inside tables")

-- long tables break into indented lines
local long = {}
for i = 1, 30 do long[i] = i * 1000 end
local text = F({values = long, name = "run"})
assert(text:find('^{\n  name = "run",\n  values = {\n    1000,'), "long table layout:\n" .. text)
assert(text:find("\n}$"), "closing brace on its own line:\n" .. text)

-- depth limit and cycles
eq(F({a = {b = {c = {d = {e = {f = 1}}}}}}), "{a = {b = {c = {d = {...}}}}}", "depth limit")
local cyc = {name = "loop"}
cyc.self = cyc
local c = F(cyc)
assert(c:find('self = <cycle: table: 0x', 1, true), "cycle marked: " .. c)
local shared = {1}
eq(F({shared, shared}), "{{1}, {1}}", "a shared (not cyclic) table prints twice")

-- item limit
local many = {}
for i = 1, 120 do many[i] = i end
local m = F(many)
assert(m:find("... (70 more)", 1, true), "item limit: " .. m)

-- userdata and tables with __tostring
local obj = setmetatable({}, {__tostring = function() return "<my object>" end})
eq(F(obj), "<my object>", "__tostring table")
eq(F({obj}), "{<my object>}", "__tostring nested")
local broken = setmetatable({}, {__tostring = function() error("bad") end, __name = "Broken"})
eq(F(broken), "<Broken: __tostring failed>", "failing __tostring does not raise")

-- tensors: their own __tostring at top level, a shape summary inside tables
local t = tensor.zeros(2, 3)
eq(F(t), tostring(t), "tensor prints through __tostring")
eq(F({w = t}), "{w = <ibsh.Tensor 2x3>}", "nested tensor summary")

-- documented functions show their name
eq(F(tensor.zeros), "<function tensor.zeros>", "documented function name")
assert(F(print):find("^builtin: ") or F(print):find("^function: "), "plain function")

-- repl.show: sets _, prints values tab-separated, suppressed by ';'
local out = {}
local real_write = io.write
io.write = function(...) for i = 1, select("#", ...) do out[#out + 1] = select(i, ...) end end
repl.show(false, 0, 1, "two", nil)
repl.show(true, 0, 99)
repl.show(false, 0)
io.write = real_write
eq(table.concat(out), "1\ttwo\tnil\n", "show output")
eq(_, 99, "_ holds the first value of the last result, even when suppressed")

-- repl.preprocess
local code, quiet = repl.preprocess("x + 1;")
eq(code, "x + 1", "trailing ';' stripped")
assert(quiet, "trailing ';' suppresses")
code, quiet = repl.preprocess("x + 1")
assert(code == "x + 1" and not quiet, "plain line unchanged")
code = repl.preprocess("?tensor.zeros")
eq(code, 'require(\'ibsh.help\').topic("tensor.zeros")', "?x becomes help")
code = repl.preprocess("=1+1")
eq(code, "1+1", "=expr")
code = repl.preprocess(":time on")
eq(code, 'require(\'ibsh.repl\').command("time on")', ":command")
local ok, err = pcall(repl.command, "nosuch")
assert(not ok and err:find("unknown command ':nosuch'"), "unknown command: " .. tostring(err))
-- tensors fit the terminal (issue 18): vectors wrap between numbers, wide matrices print in column chunks
do
  local columns = tonumber(os.getenv("COLUMNS") or "")
  local W = (columns and columns >= 20) and columns or 80   -- stdout is not a terminal here
  local text = tostring(tensor.arange(1, 100))
  local seen = {}
  for line in text:gmatch("[^\n]+") do
    assert(#line <= W, "line wider than " .. W .. ": " .. line)
    if not line:find("Tensor") then for v in line:gmatch("%S+") do seen[#seen + 1] = tonumber(v) end end
  end
  assert(#seen == 99 and seen[1] == 1 and seen[99] == 99, "every number whole, in order")
  local wide = tostring(tensor.ones(3, 40) * 0.5)
  assert(wide:find("\n Columns 1 to " .. ((W - 1) // 7) .. "\n", 1, true), wide)
  for line in wide:gmatch("[^\n]+") do assert(#line <= W, line) end
  local cells = 0
  for _ in wide:gmatch("0%.5000") do cells = cells + 1 end
  assert(cells == 120, "every element shown once: " .. cells)
end
print("OK")
