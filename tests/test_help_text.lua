-- help(x) texts: functions, methods, modules with one-line summaries, objects,
-- names and searches, the overview, and values without help.
local H = require "ibsh.help"
local registry = require "ibsh.core.help"
local T = H.text

-- Assert that text contains the plain string piece.
local function contains(text, piece, what)
  assert(text:find(piece, 1, true), what .. ": missing [" .. piece .. "] in:\n" .. text)
end

assert(help == H.help, "global help is ibsh.help.help")

-- a function: its whole text
local zeros = registry.get(tensor.zeros)
assert(T(tensor.zeros) == zeros, "help(tensor.zeros) prints its registry text")
contains(zeros, "tensor.zeros(", "signature")

-- a module: one line per function, the first sentence of its description
local listing = T(tensor)
contains(listing, "tensor:", "module header")
for name, f in pairs(tensor) do
  if type(f) == "function" and registry.get(f) then
    assert(listing:find("\n  " .. name .. "%s+" .. H.summary(registry.get(f)):gsub("%p", "%%%0")),
      "listing line for " .. name .. ":\n" .. listing)
  end
end
assert(H.summary("f(x)\n\nFirst sentence. Second sentence.\n\nExample: f(1)") == "First sentence.", "summary")
assert(H.summary("f(x)\n\nOnly one\nline wrapped.\n\nExample: f(1)") == "Only one line wrapped.", "summary joins lines")

-- an object: its class's methods
local t = tensor.zeros(2, 2)
local methods = T(t)
contains(methods, "ibsh.Tensor methods", "object header")
contains(methods, "size", "size method listed")
assert(H.methods(t) == getmetatable(t).__index, "methods table of a tensor")

-- names, method names and searches
assert(T("tensor.zeros") == zeros, "help by name")
assert(T("Tensor:size") == registry.get(getmetatable(t).__index.size), "help by method name")
assert(T("tensor") == listing, "help by module name")
contains(T("zero"), "tensor.zeros", "search")
contains(T("no_such_word_xyz"), "no help for 'no_such_word_xyz'", "nothing found")

-- ?x at the prompt: names, expressions, methods of an expression
local printed = {}
local real_write = io.write
io.write = function(...) printed[#printed + 1] = table.concat({...}) end
H.topic("tensor.zeros")
H.topic(" tensor.zeros(2):size ")
H.topic("")
io.write = real_write
assert(printed[1] == zeros .. "\n", "?tensor.zeros")
contains(printed[2], "t:size(", "?expr:method")
contains(printed[3], "Modules (help(name) lists one)", "? alone gives the overview")

-- the overview names every module
local overview = T()
for _, m in ipairs{"tensor", "data", "nn", "mi", "ib", "plot"} do contains(overview, "  " .. m, "overview lists " .. m) end

-- values without help say so instead of failing
contains(T(function() end), "no help recorded for this function", "Lua function")
contains(T(print), "a C function", "C function")
contains(T(42), "no help for a number value", "number")
contains(T(help), "help([x])", "help documents itself")
print("OK")
