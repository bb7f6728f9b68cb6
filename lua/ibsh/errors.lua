-- ibsh.errors: friendlier error messages for the shell's message handler (src/shell/run.c):
-- "did you mean 'split'?" for misspelt methods, module fields and globals (edit distance),
-- tracebacks without ibsh's own internal frames (unless :trace on), and "<function>: interrupted".
local registry = require "ibsh.core.help"

local M = {}

M.trace = false   -- true: keep every traceback frame (the REPL's :trace on)

-- The most recent failed lookup of a string key on an ibsh class or module: {key = k, t = table}.
local last_miss = setmetatable({}, {__mode = "v"})

-- Damerau-Levenshtein distance (adjacent transpositions count one) between a and b.
function M.distance(a, b)
  local la, lb = #a, #b
  if math.abs(la - lb) > 3 then return math.max(la, lb) end
  local prev2, prev, cur = {}, {}, {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    cur = {[0] = i}
    local ca = a:sub(i, i)
    for j = 1, lb do
      local cb = b:sub(j, j)
      local cost = ca == cb and 0 or 1
      local v = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if i > 1 and j > 1 and ca == b:sub(j - 1, j - 1) and a:sub(i - 1, i - 1) == cb then
        v = math.min(v, prev2[j - 2] + 1)
      end
      cur[j] = v
    end
    prev2, prev = prev, cur
  end
  return prev[lb]
end

-- The names in the set names closest to word (at most 2 of them), within a distance that grows with its length.
function M.closest(word, names)
  local limit = math.min(3, math.max(1, #word // 3))
  local best, found = limit + 1, {}
  for name in pairs(names) do
    if type(name) == "string" and name ~= word and name:sub(1, 1) ~= "_" then
      local d = M.distance(word:lower(), name:lower())
      if d < best then best, found = d, {name} elseif d == best then found[#found + 1] = name end
    end
  end
  table.sort(found)
  return {found[1], found[2]}
end

-- Add the string keys of t and of the tables down its __index chain to the set out.
local function add_names(t, out)
  local seen = {}
  while type(t) == "table" and not seen[t] do
    seen[t] = true
    for k in next, t do if type(k) == "string" then out[k] = true end end
    local mt = getmetatable(t)
    t = mt and rawget(mt, "__index")
  end
end

-- Every method of ibsh's classes (registry metatables named ibsh.*).
local function class_methods()
  local out = {}
  for name, mt in pairs(debug.getregistry()) do
    if type(name) == "string" and name:match("^ibsh%.%u") and type(mt) == "table" then
      add_names(rawget(mt, "__index"), out)
    end
  end
  local methods = debug.getregistry()["ibsh.Tensor.methods"]
  if type(methods) == "table" then add_names(methods, out) end
  return out
end

-- The candidate names for a missing method or field key (the table it was looked up in when known).
local function candidates(kind, key)
  local out = {}
  if last_miss.key == key and last_miss.t then
    add_names(last_miss.t, out)
    return out
  end
  if kind == "global" then add_names(_G, out); return out end
  for k in pairs(class_methods()) do out[k] = true end
  if kind == "field" then
    for _, mod in ipairs{"tensor", "data", "nn", "mi", "ib", "plot", "sweep", "progress"} do
      local t = package.loaded["ibsh." .. mod]
      if type(t) == "table" then add_names(t, out) end
    end
  end
  return out
end

-- The hint "did you mean 'x'?" for an error message about a missing method, field or global, or nil.
function M.suggest(msg)
  if type(msg) ~= "string" then return nil end
  local kind, key = msg:match("%((%a+) '([%w_]+)'%)")
  if not (kind == "method" or kind == "field" or kind == "global") then return nil end
  if not (msg:find("attempt to call a nil value", 1, true) or msg:find("attempt to index a nil value", 1, true)) then
    return nil
  end
  local near = M.closest(key, candidates(kind, key))
  if #near == 0 then return nil end
  local quoted = {}
  for i, n in ipairs(near) do quoted[i] = "'" .. n .. "'" end
  return "did you mean " .. table.concat(quoted, " or ") .. "?"
end

-- Record a failed lookup of key on t (installed as the __index of ibsh's method and module tables).
local function record_miss(t, key)
  if type(key) == "string" then last_miss.key, last_miss.t = key, t end
  return nil
end

-- The metatable of watched tables (help and printing treat tables with it as plain tables).
M.metatable = {__index = record_miss}

-- Make misses on t recorded (t keeps working as before: a missing key is still nil).
function M.watch(t)
  if type(t) == "table" and getmetatable(t) == nil then setmetatable(t, M.metatable) end
  return t
end

-- Fields a class's objects may lack without it being a typo (looked up, e.g. d.classes, and found nil).
M.optional_fields = {["ibsh.Dataset"] = {x = true, y = true, name = true, classes = true}}

-- Make a failed lookup on the method table of class name raise "Class has no method or field 'k'; did you mean ...?"
-- when k is near one of its names (so the hint reaches pcall too); other misses are recorded and give nil.
function M.guard_class(methods, name)
  if type(methods) ~= "table" or getmetatable(methods) ~= nil then return methods end
  local short = name:match("[^.]*$")
  local optional = M.optional_fields[name] or {}
  setmetatable(methods, {__index = function(t, key)
    record_miss(t, key)
    if type(key) ~= "string" or optional[key] or key:sub(1, 1) == "_" then return nil end
    local near = M.closest(key, (function() local out = {} add_names(t, out) return out end)())
    if #near == 0 then return nil end
    error(("%s has no method or field '%s'; did you mean '%s'?"):format(short, key, near[1]), 2)
  end})
  return methods
end

-- Watch the method tables of ibsh's classes (misspelt names near a method raise with a hint) and the public modules.
function M.install()
  for name, mt in pairs(debug.getregistry()) do
    if type(name) == "string" and name:match("^ibsh%.%u") and type(mt) == "table" and type(rawget(mt, "__index")) == "table" then
      M.guard_class(rawget(mt, "__index"), name)
    end
  end
  for _, mod in ipairs{"tensor", "data", "nn", "mi", "ib", "plot", "sweep", "progress"} do
    M.watch(package.loaded["ibsh." .. mod])
  end
end

-- Nonzero when a traceback line is a frame of ibsh's own library (its Lua modules, error/assert, [C] glue).
local function internal_frame(line)
  if line:match("^%s*%[C%]: in %?$") or line:match("^%s*%(%.%.%.tail calls%.%.%.%)$") then return true end
  if line:match("^%s*%[C%]: in function '[%w_.]*error'$") or line:match("^%s*%[C%]: in function 'assert'$") then return true end
  local mod = line:match("/ibsh/([%w_/]+)%.lua:%d+:")
  if mod then
    mod = "ibsh." .. mod:gsub("/", ".")
    return package.loaded[mod] ~= nil or mod == "ibsh.init"
  end
  return false
end

-- The traceback without internal frames; nil when no Lua frame but the main chunk is left.
function M.filter_traceback(tb)
  if M.trace then return tb end
  local kept = {}
  for line in tb:gmatch("[^\n]+") do
    if line ~= "stack traceback:" and not internal_frame(line) then kept[#kept + 1] = line end
  end
  local lua_frames = 0   -- frames of Lua code other than the main chunk: without them the message says it all
  for _, line in ipairs(kept) do
    if not line:match("^%s*%[C%]") and not line:match("in main chunk$") then lua_frames = lua_frames + 1 end
  end
  if lua_frames == 0 then return nil end
  return "stack traceback:\n" .. table.concat(kept, "\n")
end

-- The text the shell reports for an error: message (with a hint), then the filtered traceback.
-- interrupted: the user's signal stopped the code; running: the name of the outermost progress.
function M.format(msg, tb, interrupted, running)
  if interrupted and type(msg) == "string" and msg:match("interrupted$") then
    local where = msg:match("^(.-):%d+: interrupted$")
    if running then msg = running .. ": interrupted"
    elseif where and not M.trace and internal_frame("/" .. where .. ":1:") then msg = "interrupted" end
    if not M.trace then return msg end
  end
  local hint = M.suggest(msg)
  if hint then msg = msg .. "; " .. hint end
  local kept = tb and M.filter_traceback(tb)
  if kept then return msg .. "\n" .. kept end
  return msg
end

registry.set(M.suggest, "errors.suggest", "errors.suggest(msg)\n\nFor an error message about a missing method, module field or global (\"attempt to call a nil value (method 'splt')\"), the hint \"did you mean 'split'?\" from the names of the object, the module, the ibsh classes or the globals (Damerau-Levenshtein distance up to a third of the name's length, at most 3); nil when nothing is near. The shell appends it to errors in scripts and at the REPL.\n\nExample: require('ibsh.errors').suggest(\"attempt to call a nil value (field 'mpl')\")  --> did you mean 'mlp'?")
registry.set(M.distance, "errors.distance", "errors.distance(a, b)\n\nThe Damerau-Levenshtein edit distance between two strings (insertions, deletions, substitutions and adjacent transpositions count one).\n\nExample: require('ibsh.errors').distance('actvations', 'activations')  --> 1")
registry.set(M.closest, "errors.closest", "errors.closest(word, names)\n\nThe (at most two) names of the set names (keys) nearest to word by errors.distance, within a third of word's length (at least 1, at most 3); an empty list when none is near.\n\nExample: require('ibsh.errors').closest('splt', {split = true, size = true})  --> {'split'}")
registry.set(M.watch, "errors.watch", "errors.watch(t)\n\nRecord failed lookups on the table t (through a metatable __index that still returns nil) so that error hints name t's own fields; ibsh's modules and class method tables are watched. Tables that already have a metatable are left alone.\n\nExample: require('ibsh.errors').watch(mymodule)")
registry.set(M.filter_traceback, "errors.filter_traceback", "errors.filter_traceback(tb)\n\nThe traceback text tb without ibsh's internal frames (its Lua library, error/assert, tail calls, the C entry), or nil when no Lua function frame besides the main chunk remains; unchanged after :trace on (errors.trace = true).\n\nExample: print(require('ibsh.errors').filter_traceback(debug.traceback()))")
registry.set(M.format, "errors.format", "errors.format(msg, traceback, interrupted, running)\n\nThe text the shell prints for an error: msg with a 'did you mean' hint, then the filtered traceback; an interrupt inside a loop with a progress line reads \"<function>: interrupted\" (running is its name) without a traceback.\n\nExample: require('ibsh.errors').format('x', nil, false, nil)")
registry.set(M.guard_class, "errors.guard_class", "errors.guard_class(methods, classname)\n\nGive a class's method table a metatable whose __index raises \"Dataset has no method or field 'splt'; did you mean 'split'?\" for a missing name near one of the methods (so the hint shows inside pcall too), and returns nil for other missing names and for the optional data fields listed in errors.optional_fields (a data set's x, y, name, classes). Tables that already have a metatable are left alone.\n\nExample: require('ibsh.errors').guard_class(MyClass, 'my.Class')")
registry.set(M.install, "errors.install", "errors.install()\n\nGuard the method tables of ibsh's classes (errors.guard_class) and watch its public modules (errors.watch); done when the ibsh module loads.\n\nExample: require('ibsh.errors').install()")

return M
