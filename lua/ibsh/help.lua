-- ibsh.help: the help(x) function of the shell, built on the help registry
-- (ibsh.core.help: texts keyed by the documented value, written beside each
-- function's registration). Texts read "signature\n\nDescription.\n\nExample: code".
local registry = require "ibsh.core.help"

local M = {}

M.modules = {"tensor", "data", "nn", "mi", "ib", "plot"}

-- The methods table of a userdata or object: its metatable's __index table, or
-- __methods when __index is a function, or the registry class of the same __name.
function M.methods(v)
  local mt = debug.getmetatable(v)
  if type(mt) ~= "table" then return nil end
  if type(rawget(mt, "__index")) == "table" then return rawget(mt, "__index") end
  if type(rawget(mt, "__methods")) == "table" then return rawget(mt, "__methods") end
  local name = rawget(mt, "__name")
  local class = type(name) == "string" and debug.getregistry()[name]
  if type(class) == "table" and class ~= mt then
    if type(rawget(class, "__index")) == "table" then return rawget(class, "__index") end
    if type(rawget(class, "__methods")) == "table" then return rawget(class, "__methods") end
  end
  return nil
end

-- Split a help text into its signature line, first description paragraph and the rest.
local function parts(text)
  local signature, rest = text:match("^([^\n]*)\n?\n?(.*)$")
  local description = rest:match("^(.-)\n\n") or rest
  return signature, description
end

-- The first sentence of a help text's description (for one-line listings).
function M.summary(text)
  local _, description = parts(text or "")
  description = description:gsub("%s+", " ")
  local sentence = description:match("^(.-%.)%s") or description
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
    if type(k) == "string" and not k:match("^__") then
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
  for _, name in ipairs(M.modules) do
    local mod = rawget(_G, name)
    local n = 0
    if type(mod) == "table" then for _ in pairs(mod) do n = n + 1 end end
    local text = type(mod) == "table" and registry.get(mod)
    out[#out + 1] = string.format("  %-8s %s", name, text and M.summary(text) or (n .. " entries"))
  end
  local more = {
    "",
    "At the prompt:",
    "  help(x), ?x        help on a function, method, module or object (?tensor.zeros, ?t:size)",
    "  help('word')       search the documented names for word",
    "  expr               prints its value; a trailing ';' stays quiet; _ holds the last result",
    "  TAB                completes globals, fields (nn.ml), methods (t:si), file names in strings",
    "  :time, timing(on)  toggle per-command timing",
    "  Ctrl-C             clears the line, or interrupts running code; Ctrl-D exits",
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
    for _, name in ipairs(names) do out[#out + 1] = "  " .. name .. "  " .. M.summary(registry.get(resolve(name))) end
    return table.concat(out, "\n")
  end
  local text = registry.get(x)
  if type(x) == "function" then
    if text then return text end
    local info = debug.getinfo(x, "S")
    local where = info.what == "C" and "a C function" or (info.short_src .. ":" .. info.linedefined)
    return "no help recorded for this function (" .. where .. ")"
  end
  if type(x) == "table" and not debug.getmetatable(x) then
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

-- help(x): print the help of a function, method, module or object; help() for an overview.
function M.help(...)
  io.write(M.text(...), "\n")
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
registry.set(M.methods, "help.methods", "help.methods(v)\n\nThe methods table of an object: its metatable's __index table, its __methods table, or that of the registered class with the same __name; nil if none.\n\nExample: for name in pairs(require('ibsh.help').methods(tensor.zeros(2))) do print(name) end")
registry.set(M.summary, "help.summary", "help.summary(text)\n\nThe first sentence of a help text's description, as shown in module listings.\n\nExample: require('ibsh.help').summary(require('ibsh.core.help').get(tensor.zeros))")
registry.set(M.topic, "help.topic", "help.topic(str)\n\nHelp for what was typed after '?' at the prompt: a documented name, an expression or a word to search for.\n\nExample: require('ibsh.help').topic('tensor.zeros')")

return M
