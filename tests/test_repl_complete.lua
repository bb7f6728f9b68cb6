-- Tab-completion candidates (ibsh.repl.complete): globals and keywords, nested
-- fields, methods of userdata through __index tables, __methods, or the class
-- registered under the metatable's __name.
local repl = require "ibsh.repl"
local C = repl.complete

-- Assert the candidate list equals want.
local function eq(text, want)
  local got = table.concat(C(text), " ")
  assert(got == want, "complete('" .. text .. "'): got [" .. got .. "], want [" .. want .. "]")
end

-- Assert that the candidates of text include name.
local function has(text, name)
  for _, c in ipairs(C(text)) do if c == name then return end end
  error("complete('" .. text .. "') lacks " .. name .. ": " .. table.concat(C(text), " "))
end

-- module fields (names on main today; linspace/argmax are checked once they exist)
eq("tensor.zer", "tensor.zeros")
has("tensor.", "tensor.new")
if tensor.linspace then eq("tensor.linsp", "tensor.linspace") end
if nn.mlp then eq("nn.ml", "nn.mlp") end

-- globals and keywords
eq("tenso", "tensor")
has("fun", "function")
has("pr", "print")
eq("zz_no_such_global", "")

-- nested tables a.b.c
cfg = {model = {layers = {first = 1, second = 2}, lr = 0.1}}
eq("cfg.mo", "cfg.model")
eq("cfg.model.", "cfg.model.layers cfg.model.lr")
eq("cfg.model.layers.s", "cfg.model.layers.second")
eq("cfg.nothing.x", "")
eq("cfg.model.lr.x", "")

-- methods of a tensor: t:si -> t:size; ':' lists only functions
t = tensor.zeros(2, 2)
eq("t:si", "t:size")
has("t:", "t:get")
if getmetatable(t).__index.argmax then eq("t:argm", "t:argmax") end
cfg.fn = function() end
eq("cfg:f", "cfg:fn")

-- a userdata whose __index is a function falling back to a __methods table
local mt = {__name = "test.Thing", __methods = {frobnicate = function() end, frame = function() end}}
mt.__index = function(_, k) return mt.__methods[k] end
thing = setmetatable({}, mt)    -- a table stands in for the userdata: same lookup rules
eq("thing:fr", "thing:frame thing:frobnicate")

-- an object whose metatable has a function __index but shares __name with a registered class
local reg = debug.getregistry()
reg["test.Registered"] = {__name = "test.Registered", __index = {alpha = function() end}}
proxy = setmetatable({}, {__name = "test.Registered", __index = function() return nil end})
eq("proxy:al", "proxy:alpha")
reg["test.Registered"] = nil

-- class tables through an __index chain
local Base = {greet = function() end}
local Derived = setmetatable({wave = function() end}, {__index = Base})
obj = setmetatable({}, {__index = Derived})
eq("obj:", "obj:greet obj:wave")

-- strings: string methods after ':'
s = "abc"
has("s:up", "s:upper")

-- private names only when asked for
cfg.__secret = 1
eq("cfg.__s", "cfg.__secret")
assert(not table.concat(C("cfg."), " "):find("__secret"), "hidden names listed without '__'")

-- expressions that are not names complete to nothing (and do not raise)
eq("f(x).", "")
eq("1.", "")
print("OK")
