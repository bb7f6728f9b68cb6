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
local mt = getmetatable(t)
assert(H.methods(t) == (type(mt.__index) == "table" and mt.__index or mt.__methods), "methods table of a tensor")

-- names, method names and searches
assert(T("tensor.zeros") == zeros, "help by name")
assert(T("Tensor:size") == registry.get(H.methods(t).size), "help by method name")
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
assert(printed[1] == H.wrap(zeros) .. "\n", "?tensor.zeros")
contains(printed[2], "t:size(", "?expr:method")
contains(printed[3], "Modules (help(name) lists one)", "? alone gives the overview")

-- printed help wraps long paragraphs and keeps signature and example lines
local long = "f(a_rather_long_argument_name, another_long_argument_name, yet_another_one, and_more)\n\n" ..
  string.rep("Words of a description. ", 12) .. "\n\nExample: " .. string.rep("x = 1; ", 15)
local wrapped = H.wrap(long, 40)
local paras = {}
for p in (wrapped .. "\n\n"):gmatch("(.-)\n\n") do paras[#paras + 1] = p end
assert(#paras == 3, "three paragraphs: " .. wrapped)
assert(paras[1] == long:match("^[^\n]*"), "signature kept")
for line in paras[2]:gmatch("[^\n]+") do assert(#line <= 40, "wrapped line too long: " .. line) end
assert(paras[2]:gsub("\n", " ") == string.rep("Words of a description. ", 12):gsub(" $", ""), "words kept in order")
assert(paras[3] == "Example: " .. string.rep("x = 1; ", 15), "example kept: " .. paras[3])
assert(H.wrap("short\n\ntext") == "short\n\ntext", "short text unchanged")

-- the overview names every module
local overview = T()
for _, m in ipairs{"tensor", "data", "nn", "mi", "ib", "plot"} do contains(overview, "  " .. m, "overview lists " .. m) end

-- values without help say so instead of failing
contains(T(function() end), "no help recorded for this function", "Lua function")
contains(T(print), "a C function", "C function")
contains(T(42), "no help for a number value", "number")
contains(T(help), "help([x])", "help documents itself")
print("OK")
