-- ibsh.pretty: readable text for any Lua value (used by the REPL's auto-print).
-- Tables print nested with indentation, a depth limit, an item limit and cycle
-- safety; userdata and tables with __tostring print through it (tensors format
-- themselves); functions show their documented name when help knows them.
local M = {}

M.depth = 4        -- nested tables below this depth print as {...}
M.items = 50       -- entries shown per table before "... (n more)"
M.width = 78       -- a table fits on one line when its text is at most this wide

local help_ok, help = pcall(require, "ibsh.core.help")

local keywords = {}
for w in ([[and break do else elseif end false for function goto if in local nil not
  or repeat return then true until while]]):gmatch("%a+") do keywords[w] = true end

-- The documented name of a value ("tensor.new"), or nil.
local function documented_name(v)
  if not help_ok then return nil end
  local names = M._names
  if not names then
    names = {}
    for name, value in pairs(help.entries()) do
      if names[value] == nil or #name < #names[value] then names[value] = name end
    end
    M._names = names
  end
  return names[v]
end

-- Forget cached names (call after new help is registered).
function M.refresh() M._names = nil end

-- A table key as written in a constructor: name = or [expr] =.
local function format_key(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") and not keywords[k] then return k end
  if type(k) == "string" then return "[" .. string.format("%q", k) .. "]" end
  if math.type(k) == "integer" or type(k) == "boolean" then return "[" .. tostring(k) .. "]" end
  return "[" .. tostring(k) .. "]"
end

-- Order keys: integers first (ascending), then strings, then the rest by their text.
local function key_less(a, b)
  local ta, tb = type(a), type(b)
  local ra = ta == "number" and 0 or ta == "string" and 1 or 2
  local rb = tb == "number" and 0 or tb == "string" and 1 or 2
  if ra ~= rb then return ra < rb end
  if ra == 2 then return tostring(a) < tostring(b) end
  return a < b
end

-- The __tostring text of v, or nil if v has none (errors give a note instead).
local function metatostring(v)
  local mt = debug.getmetatable(v)
  if not (mt and mt.__tostring) then return nil end
  local ok, s = pcall(tostring, v)
  if ok and type(s) == "string" then return s end
  return "<" .. (type(mt.__name) == "string" and mt.__name or type(v)) .. ": __tostring failed>"
end

-- A one-line summary of a multi-line object printed inside a table (tensors show their shape).
local function summary(v, text)
  local mt = debug.getmetatable(v)
  local name = mt and type(mt.__name) == "string" and mt.__name or type(v)
  local ok, sizes = pcall(function() return table.pack(v:size()) end)
  if ok and sizes.n > 0 then
    local parts = {}
    for i = 1, sizes.n do parts[i] = tostring(sizes[i]) end
    return "<" .. name .. " " .. table.concat(parts, "x") .. ">"
  end
  local last = text:match("([^\n]*)\n?$")
  return "<" .. name .. " " .. (last ~= "" and last or text:match("^[^\n]*")) .. ">"
end

-- Text of a scalar or opaque value; quoted strings inside tables.
local function format_leaf(v, nested)
  local t = type(v)
  if t == "string" then return nested and string.format("%q", v):gsub("\\\n", "\\n") or v end
  if t == "function" then
    local name = documented_name(v)
    return name and ("<function " .. name .. ">") or tostring(v)
  end
  local s = metatostring(v)
  if s then
    if nested and s:find("\n") then return summary(v, s) end
    return s
  end
  return tostring(v)
end

local format_value

-- Text of a table: one line when short, else one entry per line, indented.
local function format_table(v, depth, indent, seen)
  if seen[v] then return "<cycle: " .. tostring(v) .. ">" end
  if depth > M.depth then return "{...}" end
  local keys, n = {}, 0
  for k in next, v do
    n = n + 1
    keys[n] = k
  end
  if n == 0 then return "{}" end
  table.sort(keys, key_less)
  seen[v] = true
  local parts, multiline, width = {}, false, 0
  local array_len = #v
  local inner = indent .. "  "
  for i = 1, math.min(n, M.items) do
    local k = keys[i]
    local text = format_value(rawget(v, k), depth + 1, inner, seen, true)
    if not (math.type(k) == "integer" and k >= 1 and k <= array_len) then
      text = format_key(k) .. " = " .. text
    end
    if text:find("\n") then multiline = true end
    width = width + #text + 2
    parts[#parts + 1] = text
  end
  if n > M.items then parts[#parts + 1] = "... (" .. (n - M.items) .. " more)" end
  seen[v] = nil
  if not multiline and width + #indent <= M.width then
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return "{\n" .. inner .. table.concat(parts, ",\n" .. inner) .. "\n" .. indent .. "}"
end

-- Text of any value at the given depth and indentation.
format_value = function(v, depth, indent, seen, nested)
  if type(v) == "table" and not metatostring(v) then return format_table(v, depth, indent, seen) end
  local s = format_leaf(v, nested)
  if nested and s:find("\n") then s = s:gsub("\n", "\n" .. indent) end
  return s
end

-- format(v): the pretty text of v (strings at top level print as they are).
function M.format(v)
  return format_value(v, 1, "", {}, false)
end

-- Pretty-print each argument on its own line.
function M.print(...)
  for i = 1, select("#", ...) do
    io.write(M.format((select(i, ...))), "\n")
  end
end

if help_ok then
  help.set(M.format, "pretty.format", "pretty.format(v)\n\nThe text the REPL prints for v: nested tables indented with a depth limit (pretty.depth) and cycle marks, tensors and other userdata through their __tostring, documented functions by name.\n\nExample: print(require('ibsh.pretty').format{a = 1, b = {2, 3}})")
  help.set(M.print, "pretty.print", "pretty.print(...)\n\nPrint each value as the REPL shows it (see pretty.format), one per line.\n\nExample: require('ibsh.pretty').print({1, {2, {3}}})")
end

return M
