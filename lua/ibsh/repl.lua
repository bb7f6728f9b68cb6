-- ibsh.repl: the Lua side of the REPL (the loop itself is C, src/shell/repl.c).
-- preprocess turns ?x, :commands and a trailing ';' into code; show prints
-- results (pretty) and keeps the last in _; complete answers tab completion.
local pretty = require "ibsh.pretty"
local help = require "ibsh.help"
local registry = require "ibsh.core.help"

local M = {}

M.timing = false   -- print the time each command took

local keywords = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function",
  "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"}

-- Meta-commands typed as ":name args".
local commands = {}

-- :time [on|off]: toggle or set per-command timing.
function commands.time(arg)
  if arg == "on" or arg == "off" then M.set_timing(arg == "on") else M.set_timing() end
end

-- :trace [on|off]: show or hide ibsh's internal frames in tracebacks (toggle without an argument).
function commands.trace(arg)
  local errors = require "ibsh.errors"
  if arg == "on" or arg == "off" then errors.trace = arg == "on" else errors.trace = not errors.trace end
  print("trace " .. (errors.trace and "on: tracebacks show every frame" or "off: ibsh's internal frames hidden"))
end

-- :help [x]: the same as help(x) / ?x.
function commands.help(arg)
  help.topic(arg or "")
end

-- Run the meta-command line ":name args" (called by the code preprocess makes).
function M.command(line)
  local name, arg = line:match("^%s*(%S+)%s*(.-)%s*$")
  local f = commands[name or ""]
  if not f then
    local known = {}
    for k in pairs(commands) do known[#known + 1] = ":" .. k end
    table.sort(known)
    error("unknown command ':" .. tostring(name) .. "' (known: " .. table.concat(known, " ") .. ")", 0)
  end
  f(arg ~= "" and arg or nil)
end

-- quit(): leave the REPL after this command (what exit, exit(), quit and quit() run).
function M.quit()
  debug.getregistry()["ibsh.repl_exit"] = true
end

-- A leading "local" made global so the names stay visible on the next prompt line (each line is a chunk).
local function unlocal(line)
  local indent, rest = line:match("^(%s*)local%s+function%s+(.*)$")
  if indent then return indent .. "function " .. rest end
  local names, tail = line:match("^%s*local%s+([%a_][%w_]*%s*[%w_,%s]*)(.*)$")
  if not names or names:find("<") or tail:find("^%s*<") then return line end
  names = names:gsub("%s+$", "")
  if not names:match("^[%a_][%w_]*%s*,?") or names:match(",$") then return line end
  if tail:match("^=") and not tail:match("^==") then return names .. " " .. tail end
  if tail:match("^%s*;?%s*$") then return names .. " = nil" .. tail end
  return line
end

-- preprocess(line): the code to run for a typed first line and whether to keep quiet (trailing ';').
function M.preprocess(line)
  local head = line:match("^%s*(.*)$")
  if head:match("^exit%s*$") or head:match("^quit%s*$") or head:match("^exit%s*%(%s*%)%s*;?%s*$") or head:match("^quit%s*%(%s*%)%s*;?%s*$") then
    return "require('ibsh.repl').quit()", true
  end
  line = unlocal(line)
  head = line:match("^%s*(.*)$")
  if head:sub(1, 1) == "?" then
    return string.format("require('ibsh.help').topic(%q)", head:sub(2)), true
  end
  if head:match("^:%a") then
    return string.format("require('ibsh.repl').command(%q)", head:sub(2)), true
  end
  if head:sub(1, 1) == "=" then line = head:sub(2) end   -- "=expr" as in Lua 5.1-5.3
  local stripped = line:match("^(.-);%s*$")
  if stripped and not stripped:match("%-%-") then return stripped, true end
  return line, false
end

-- show(suppress, seconds, ...): print the results of a command (unless suppressed) and keep the first in _.
function M.show(suppress, seconds, ...)
  local n = select("#", ...)
  if n > 0 then rawset(_G, "_", (...)) end
  if not suppress and n > 0 then
    local texts, multiline = {}, false
    for i = 1, n do
      texts[i] = pretty.format((select(i, ...)))
      if texts[i]:find("\n") then multiline = true end
    end
    io.write(table.concat(texts, multiline and "\n" or "\t"), "\n")
  end
  if M.timing then io.write(string.format("[%.4f s]\n", seconds)) end
end

-- timing([on]): turn per-command timing on or off (no argument: toggle) and say which.
function M.set_timing(on)
  if on == nil then M.timing = not M.timing else M.timing = not not on end
  print("timing " .. (M.timing and "on" or "off"))
end

-- Names (strings that are identifiers) of t's fields, plus those reachable through __index tables.
local function field_names(t, out, seen, only_functions)
  local depth = 0
  while type(t) == "table" and not seen[t] and depth < 8 do
    seen[t] = true
    for k, v in next, t do
      if type(k) == "string" and k:match("^[%a_][%w_]*$") and
         (not only_functions or type(v) == "function" or (type(v) == "table" and debug.getmetatable(v) and debug.getmetatable(v).__call)) then
        out[k] = true
      end
    end
    local mt = debug.getmetatable(t)
    t = mt and rawget(mt, "__index")
    depth = depth + 1
  end
end

-- The fields a value offers after "." or ":": table fields, methods of userdata, string methods.
local function members(v, only_functions)
  local out, seen = {}, {}
  if type(v) == "table" then field_names(v, out, seen, only_functions) end
  if type(v) == "string" then field_names(string, out, seen, only_functions) end
  local methods = help.methods(v)
  if methods then field_names(methods, out, seen, only_functions) end
  return out
end

-- Look a dotted path ("a.b.c") up from the globals without calling metamethod functions on tables.
local function lookup(path)
  local v = _G
  for part in path:gmatch("[^.]+") do
    if type(v) == "table" then
      local raw = rawget(v, part)
      if raw == nil then
        local ok, got = pcall(function() return v[part] end)
        raw = ok and got or nil
      end
      v = raw
    elseif type(v) == "userdata" or type(v) == "string" then
      local methods = type(v) == "string" and string or help.methods(v)
      v = methods and rawget(methods, part)
    else
      return nil
    end
    if v == nil then return nil end
  end
  return v
end

-- complete(text): the candidates completing text ("nn.ml", "t:si", "pri"), sorted.
function M.complete(text)
  local base, sep, partial = text:match("^(.-)([.:])([%w_]*)$")
  local names, prefix = {}, ""
  if base and base ~= "" then
    if not base:match("^[%a_][%w_]*$") and not base:match("^[%a_][%w_.]*[%w_]$") then return {} end
    local v = lookup(base)
    if v == nil then return {} end
    names = members(v, sep == ":")
    prefix = base .. sep
  else
    partial = text
    if not partial:match("^[%a_]?[%w_]*$") then return {} end
    field_names(_G, names, {}, false)
    for _, k in ipairs(keywords) do names[k] = true end
  end
  local out = {}
  for name in pairs(names) do
    if name:sub(1, #partial) == partial and (partial:sub(1, 2) == "__" or name:sub(1, 2) ~= "__") then
      out[#out + 1] = prefix .. name
    end
  end
  table.sort(out)
  return out
end

-- Install the REPL's globals (timing); help is set by the program for scripts too.
function M.install()
  rawset(_G, "timing", M.set_timing)
end

registry.set(M.set_timing, "timing", "timing([on])\n\nTurn per-command timing at the REPL on or off (no argument toggles); when on, each command is followed by its wall time, as [0.0123 s]. The :time command does the same.\n\nExample: timing(true)")
registry.set(M.complete, "repl.complete", "repl.complete(text)\n\nThe tab-completion candidates for text: globals and keywords, fields after '.', methods after ':' (through the metatable's __index or __methods table), sorted.\n\nExample: require('ibsh.repl').complete('tensor.ze')  --> {'tensor.zeros'}")
registry.set(M.preprocess, "repl.preprocess", "repl.preprocess(line)\n\nThe code the REPL runs for a typed line and whether its results stay unprinted: ?x becomes help, :cmd a command, a trailing ';' suppresses printing, =expr means return expr, exit/quit (with or without ()) leaves; a leading 'local' is dropped (local x = 5 assigns the global x, local function f the global f) so the name stays visible on the next line, as in luaprompt: every prompt line is its own chunk, whose locals would end with it.\n\nExample: require('ibsh.repl').preprocess('?tensor.zeros')")
registry.set(M.show, "repl.show", "repl.show(suppress, seconds, ...)\n\nPrint command results as the REPL does (pretty, one per line) unless suppress, store the first in _, and print the time when timing is on.\n\nExample: require('ibsh.repl').show(false, 0, {1, 2})")
registry.set(M.quit, "repl.quit", "repl.quit()\n\nLeave the REPL once the current command is done (history is saved); typing exit, exit(), quit or quit() at the prompt runs it, as does Ctrl-D on an empty line.\n\nExample: require('ibsh.repl').quit()")
registry.set(M.command, "repl.command", "repl.command(line)\n\nRun a REPL meta-command given without its ':' (time [on|off], trace [on|off], help [x]).\n\nExample: require('ibsh.repl').command('time on')")

M.install()
return M
