-- Friendlier errors and help (issue 18): edit distances, 'did you mean' hints for methods, module
-- fields and globals (also through pcall-free script errors: see sh_test_repl_pty_forgive), traceback
-- filtering, and the help polish (sweep listed, _internals hidden, e.g. kept in summaries, aligned search).
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local errors = require "ibsh.errors"
local H = require "ibsh.help"

-- distances: insertion, deletion, substitution and transposition cost one
assert(errors.distance("actvations", "activations") == 1)
assert(errors.distance("splt", "split") == 1)
assert(errors.distance("mpl", "mlp") == 1, "transposition")
assert(errors.distance("kitten", "sitting") == 3)
assert(errors.distance("", "abc") == 3)
assert(#errors.closest("zzzzzz", {split = true}) == 0, "nothing near")

-- hints from the object whose lookup failed, the modules, and the globals
local d = data.tishby()
local ok, msg = pcall(function() return d:splt{} end)   -- raised by the class's __index: the hint survives pcall
assert(not ok and msg:find("Dataset has no method or field 'splt'; did you mean 'split'?", 1, true), msg)
assert(errors.suggest(msg) == nil, "no second hint")
assert(d.classes == nil and d.name ~= false and d.nothing_like_a_method == nil, "optional fields and far names are nil")
ok, msg = pcall(function() return tensor.rng(1):unifrom() end)
assert(not ok and msg:find("did you mean 'uniform'", 1, true), msg)
assert(errors.suggest("attempt to call a nil value (method 'splt')") == "did you mean 'split'?", "from the class methods")
ok, msg = pcall(function() return nn.mpl{2, 2} end)
assert(errors.suggest(msg) == "did you mean 'mlp'?", msg)
ok, msg = pcall(function() return tensr.zeros(2) end)   -- luacheck: ignore
assert(errors.suggest(msg) == "did you mean 'tensor'?", msg)
ok, msg = pcall(function() return tensor.zeros(2):sume() end)
assert(errors.suggest(msg) == "did you mean 'sum'?", msg)
assert(errors.suggest("attempt to call a nil value (method 'qqqqqqqq')") == nil)
assert(errors.suggest("some other error") == nil)
-- a watched module still answers nil for a missing key and keeps its fields
assert(nn.nothing_here == nil and type(nn.mlp) == "function")

-- formatting: the hint is appended; a traceback of ibsh frames and the main chunk only disappears
local tb = "stack traceback:\n\t[C]: in function 'error'\n\t.../share/lua/5.4/ibsh/mi.lua:121: in function 'ibsh.core.mi.infoplane'\n\t(...tail calls...)\n\tstdin:1: in main chunk\n\t[C]: in ?"
assert(errors.format("stdin:1: boom", tb, false, nil) == "stdin:1: boom")
local user = tb:gsub("stdin:1: in main chunk", "x.lua:3: in local 'inner'\n\tx.lua:5: in main chunk")
assert(errors.format("x.lua:3: boom", user, false, nil) == "x.lua:3: boom\nstack traceback:\n\tx.lua:3: in local 'inner'\n\tx.lua:5: in main chunk")
assert(errors.format(".../ibsh/mi.lua:170: interrupted", tb, true, "mi.infoplane") == "mi.infoplane: interrupted")
errors.trace = true
assert(errors.format("stdin:1: boom", tb, false, nil):find("mi.lua:121", 1, true), ":trace on keeps every frame")
errors.trace = false

-- help polish
assert(H.summary("f(x)\n\nUse a prior, e.g. the uniform one, for the bins. More.\n\nExample: f(1)") ==
  "Use a prior, e.g. the uniform one, for the bins.", "e.g. does not end a sentence")
local overview = H.text()
assert(overview:find("\n  sweep ", 1, true) and overview:find("\n  progress ", 1, true), "help() lists sweep and progress")
local mi_listing = H.text(mi)
assert(not mi_listing:find("\n  _", 1, true), "module listings hide _internals")
local found = H.text("bound")
local col
for line in found:gmatch("\n  (%S+%s+)%S") do
  col = col or #line
  assert(#line == col, "help('bound') columns are aligned:\n" .. found)
end
assert(col, found)
check.fails("did you mean", function() error(errors.format("attempt to call a nil value (method 'splt')", nil, false, nil)) end)
print("OK")
