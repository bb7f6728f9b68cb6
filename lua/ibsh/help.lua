-- ibsh.help: the help(x) function of the shell, built on the help registry
-- (ibsh.core.help: texts keyed by the documented value, written beside each
-- function's registration). Texts read "signature\n\nDescription.\n\nExample: code".
local registry = require "ibsh.core.help"

local M = {}

M.modules = {"tensor", "data", "nn", "mi", "ib", "plot", "sweep", "progress"}

-- One line per module for the overview (a module's own help text, if set, wins).
M.about = {
  tensor = "float64 tensors: creation, views, arithmetic, reductions, linear algebra, I/O",
  data = "data sets: the paper's var_u (data.tishby), CSV loading, splits, p(x, y)",
  nn = "networks: nn.mlp, training with snapshots at every epoch (net:fit -> run)",
  mi = "mutual information estimators and the information plane of a run",
  ib = "the information bottleneck bound of a joint distribution (ib.curve)",
  plot = "PNG figures: lines, scatter, colour bars, the information plane, movies",
  sweep = "parameter sweeps over forked workers or MPI ranks, resumable (sweep.run)",
  progress = "progress lines with rate and ETA for long loops (progress.new)",
}

-- A plain table for help: no metatable, or only the miss-recording one of ibsh.errors.
local function plain_table(x)
  if type(x) ~= "table" then return false end
  local mt = debug.getmetatable(x)
  if mt == nil then return true end
  local errors = package.loaded["ibsh.errors"]
  return type(errors) == "table" and mt == errors.metatable
end

-- The methods documented as "Class:name" in the registry, as a table (nil if none).
local function documented_methods(class)
  local prefix, found = class:match("[^.]*$") .. ":", nil
  for name, value in pairs(registry.entries()) do
    if name:sub(1, #prefix) == prefix then
      found = found or {}
      found[name:sub(#prefix + 1)] = value
    end
  end
  return found
end

-- The methods table of a userdata or object: its metatable's __index table, or
-- __methods when __index is a function, or those of the registry class of the
-- same __name, or else the "Class:method" names documented in the help registry.
function M.methods(v)
  local mt = debug.getmetatable(v)
  if type(mt) ~= "table" then return nil end
  if type(rawget(mt, "__index")) == "table" then return rawget(mt, "__index") end
  if type(rawget(mt, "__methods")) == "table" then return rawget(mt, "__methods") end
  local name = rawget(mt, "__name")
  if type(name) ~= "string" then return nil end
  local class = debug.getregistry()[name]
  if type(class) == "table" and class ~= mt then
    if type(rawget(class, "__index")) == "table" then return rawget(class, "__index") end
    if type(rawget(class, "__methods")) == "table" then return rawget(class, "__methods") end
  end
  return documented_methods(name)
end

-- Split a help text into its signature line, first description paragraph and the rest.
local function parts(text)
  local signature, rest = text:match("^([^\n]*)\n?\n?(.*)$")
  local description = rest:match("^(.-)\n\n") or rest
  return signature, description
end

-- Abbreviations whose period does not end a sentence.
local abbreviations = {["e.g."] = true, ["i.e."] = true, ["etc."] = true, ["vs."] = true, ["cf."] = true,
  ["al."] = true, ["approx."] = true, ["resp."] = true, ["Fig."] = true, ["Eq."] = true, ["No."] = true}

-- The first sentence of a help text's description (for one-line listings); "e.g." and the like do not end it.
function M.summary(text)
  local _, description = parts(text or "")
  description = description:gsub("%s+", " ")
  local sentence = description
  local from = 1
  while true do
    local stop = description:find("%.%s", from)
    if not stop then break end
    local word = description:sub(1, stop):match("(%S+)$")
    if not abbreviations[word] and not word:match("^%a%.$") and not word:match("^%d+%.$") then
      sentence = description:sub(1, stop)
      break
    end
    from = stop + 1
  end
  if #sentence > 72 then sentence = sentence:sub(1, 69) .. "..." end
  return sentence
end

-- The documented name of a value, or nil.
local function name_of(v)
  local best
  for name, value in pairs(registry.entries()) do
    if rawequal(value, v) and (not best or #name < #best) then best = name end
  end
  return best
end

-- The global name under which table v is reachable (a module), or nil.
local function global_name(v)
  for _, name in ipairs(M.modules) do
    if rawequal(rawget(_G, name), v) then return name end
  end
  for name, value in pairs(_G) do
    if rawequal(value, v) and type(name) == "string" then return name end
  end
  return nil
end

-- Lines listing the documented functions of table t with one-line summaries.
local function listing(t, prefix, sep)
  local rows, width = {}, 0
  for k, v in pairs(t) do
    if type(k) == "string" and not k:match("^_") then   -- _-prefixed names are internals
      local text = registry.get(v)
      local kind = type(v)
      local line
      if text then line = M.summary(text)
      elseif kind == "table" then line = "(table; help(" .. prefix .. sep .. k .. ") lists it)"
      elseif kind == "function" then line = "(no help)"
      else line = "= " .. tostring(v) end
      rows[#rows + 1] = {k, line}
      if #k > width then width = #k end
    end
  end
  table.sort(rows, function(a, b) return a[1] < b[1] end)
  local out = {}
  for _, row in ipairs(rows) do
    out[#out + 1] = string.format("  %-" .. width .. "s  %s", row[1], row[2])
  end
  return out
end

-- The overview shown by help().
local function overview()
  local out = {
    "ibsh: an information-plane shell (Lua 5.4 with tensors, networks, MI and IB).",
    "",
    "Modules (help(name) lists one):",
  }
  local width = 0
  for _, name in ipairs(M.modules) do width = math.max(width, #name) end
  for _, name in ipairs(M.modules) do
    local mod = rawget(_G, name)
    local n = 0
    if type(mod) == "table" then
      for k in pairs(mod) do if type(k) ~= "string" or k:sub(1, 1) ~= "_" then n = n + 1 end end
    end
    local text = type(mod) == "table" and registry.get(mod)
    local about = text and M.summary(text) or M.about[name] or ""
    out[#out + 1] = string.format("  %-" .. width .. "s  %s (%d entries)", name, about, n)
  end
  local more = {
    "",
    "At the prompt:",
    "  help(x), ?x        help on a function, method, module or object (?tensor.zeros, ?t:size)",
    "  help('word')       search the documented names for word",
    "  expr               prints its value; a trailing ';' stays quiet; _ holds the last result",
    "  TAB                completes globals, fields (nn.ml), methods (t:si), file names in strings",
    "  :time, timing(on)  toggle per-command timing",
    "  :trace on|off      show or hide ibsh's own frames in tracebacks (hidden by default)",
    "  local x = 5        stays visible on the next line (the REPL drops 'local' at the prompt)",
    "  fig:show()         shows a figure (inline in kitty/iTerm2/sixel terminals, else a viewer)",
    "  Ctrl-C             clears the line, or interrupts running code",
    "  exit, quit, Ctrl-D leave the REPL",
    "",
    "History: $IBSH_HISTORY or ~/.ibsh_history. Startup: $IBSH_INIT or ~/.ibshrc.",
    "Manual pages: ibsh(1) for the program, ibsh(3) for the Lua API.",
  }
  for _, line in ipairs(more) do out[#out + 1] = line end
  return table.concat(out, "\n")
end

-- Names in the registry that contain word (case-insensitive), sorted.
local function search(word)
  local found, lower = {}, word:lower()
  for name in pairs(registry.entries()) do
    if name:lower():find(lower, 1, true) then found[#found + 1] = name end
  end
  table.sort(found)
  return found
end

-- The value a dotted or method name refers to: "tensor.zeros", "Tensor:size", "nn".
local function resolve(name)
  local entries = registry.entries()
  if entries[name] ~= nil then return entries[name], true end
  local v = _G
  for part in name:gmatch("[^.]+") do
    if type(v) ~= "table" then return nil end
    v = rawget(v, part)
  end
  if v ~= _G and v ~= nil then return v, true end
  return nil, false
end

-- text(x): the help text for x as a string (what help(x) prints).
function M.text(...)
  if select("#", ...) == 0 then return overview() end
  local x = ...
  if type(x) == "string" then
    local v, found = resolve(x)
    if found then return M.text(v) end
    local names = search(x)
    if #names == 0 then return "no help for '" .. x .. "' (help() shows the overview)" end
    local out = {"documented names containing '" .. x .. "':"}
    local width = 0
    for _, name in ipairs(names) do width = math.max(width, #name) end
    for _, name in ipairs(names) do
      out[#out + 1] = string.format("  %-" .. width .. "s  %s", name, M.summary(registry.get(resolve(name))))
    end
    return table.concat(out, "\n")
  end
  local text = registry.get(x)
  if type(x) == "function" then
    if text then return text end
    local info = debug.getinfo(x, "S")
    local where = info.what == "C" and "a C function" or (info.short_src .. ":" .. info.linedefined)
    return "no help recorded for this function (" .. where .. ")"
  end
  if plain_table(x) then
    local name = global_name(x) or name_of(x) or "table"
    local out = {}
    if text then out[#out + 1] = text .. "\n" end
    out[#out + 1] = name .. ":"
    for _, line in ipairs(listing(x, name, ".")) do out[#out + 1] = line end
    return table.concat(out, "\n")
  end
  local methods = M.methods(x)
  if methods then
    local mt = debug.getmetatable(x)
    local class = type(mt.__name) == "string" and mt.__name or type(x)
    local out = {}
    if text then out[#out + 1] = text .. "\n" end
    out[#out + 1] = class .. " methods (help(obj.method) or ?obj:method for one):"
    for _, line in ipairs(listing(methods, class:match("[^.]*$"), ":")) do out[#out + 1] = line end
    return table.concat(out, "\n")
  end
  if text then return text end
  return "no help for a " .. type(x) .. " value"
end

M.width = 78   -- help paragraphs are wrapped to this many columns when printed

-- Wrap one paragraph to width columns (words longer than the width stay whole).
local function wrap_paragraph(para, width)
  local lines, line = {}, ""
  for word in para:gmatch("%S+") do
    if line == "" then line = word
    elseif #line + 1 + #word <= width then line = line .. " " .. word
    else
      lines[#lines + 1] = line
      line = word
    end
  end
  if line ~= "" then lines[#lines + 1] = line end
  return table.concat(lines, "\n")
end

-- wrap(text): text with its long prose paragraphs wrapped to M.width; the signature,
-- example, indented and list lines stay as they are.
function M.wrap(text, width)
  width = width or M.width
  local out = {}
  for para in (text .. "\n\n"):gmatch("(.-)\n\n") do
    local keep = #out == 0 or para:match("^Example") or para:match("\n%s") or para:match("^%s")
      or not para:find("[^\n]", width + 1)
    if not keep then
      local longest = 0
      for line in para:gmatch("[^\n]+") do longest = math.max(longest, #line) end
      keep = longest <= width
    end
    out[#out + 1] = keep and para or wrap_paragraph(para, width)
  end
  return (table.concat(out, "\n\n"):gsub("\n+$", ""))
end

-- help(x): print the help of a function, method, module or object; help() for an overview.
function M.help(...)
  io.write(M.wrap(M.text(...)), "\n")
end

-- Help for what the user typed after '?': a documented name, an expression, or a search word.
function M.topic(str)
  str = str:match("^%s*(.-)%s*$")
  if str == "" then return M.help() end
  if registry.entries()[str] ~= nil then return M.help(str) end
  local obj, method = str:match("^(.-):([%a_][%w_]*)$")
  if obj then   -- ?t:size -> the method of t's class
    local chunk = load("return " .. obj, "=help", "t")
    local ok, v = pcall(chunk or error)
    local methods = ok and M.methods(v)
    if methods and methods[method] then return M.help(methods[method]) end
  end
  local chunk = load("return " .. str, "=help", "t")
  if chunk then
    local ok, v = pcall(chunk)
    if ok and v ~= nil then return M.help(v) end
  end
  return M.help(str)
end

registry.set(M.help, "help", "help([x])\n\nPrint the help of x: a function or method (its signature, description and example), a module (its functions with one-line summaries), an object (its methods) or a string (a documented name, or a word to search for). With no argument: an overview of ibsh. At the prompt, ?x is short for help(x).\n\nExample: help(tensor.zeros)")
registry.set(M.text, "help.text", "help.text([x])\n\nThe text help(x) would print, as a string.\n\nExample: local s = require('ibsh.help').text(tensor.zeros)")
registry.set(M.methods, "help.methods", "help.methods(v)\n\nThe methods table of an object: its metatable's __index table, its __methods table, that of the registered class with the same __name, or else the Class:method names documented in the help registry; nil if none.\n\nExample: for name in pairs(require('ibsh.help').methods(tensor.zeros(2))) do print(name) end")
registry.set(M.wrap, "help.wrap", "help.wrap(text [, width])\n\nThe text with its long prose paragraphs wrapped to width columns (default help.width, 78), as help prints it; the signature line, examples and indented lines are kept.\n\nExample: print(require('ibsh.help').wrap(string.rep('word ', 40)))")
registry.set(M.summary, "help.summary", "help.summary(text)\n\nThe first sentence of a help text's description, as shown in module listings.\n\nExample: require('ibsh.help').summary(require('ibsh.core.help').get(tensor.zeros))")
registry.set(M.topic, "help.topic", "help.topic(str)\n\nHelp for what was typed after '?' at the prompt: a documented name, an expression or a word to search for.\n\nExample: require('ibsh.help').topic('tensor.zeros')")

return M
