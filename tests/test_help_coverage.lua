-- Every function reachable from the module globals, and every method of every
-- registered ibsh.* class, has help text of the form
-- "signature\n\nDescription.\n\nExample: code". This guards all modules.
local registry = require "ibsh.core.help"
local help = require "ibsh.help"

local problems = {}

-- Record a problem with the value documented (or not) under name.
local function problem(name, what)
  problems[#problems + 1] = name .. ": " .. what
end

-- Check the shape of a help text.
local function check_text(name, text)
  if type(text) ~= "string" or text == "" then return problem(name, "no help text") end
  local signature, rest = text:match("^([^\n]+)\n\n(.+)$")
  if not signature then return problem(name, "help must start with a signature line and a blank line") end
  local description = rest:match("^(.-)\n\n") or rest
  if #description:gsub("%s", "") < 10 then problem(name, "help lacks a description paragraph") end
  if not text:find("Example:", 1, true) then problem(name, "help lacks an 'Example:'") end
end

-- Walk a module table: every function needs help; nested plain tables are walked too.
local function walk(t, prefix, seen)
  if seen[t] then return end
  seen[t] = true
  for k, v in pairs(t) do
    local name = prefix .. "." .. tostring(k)
    if type(k) == "string" and k:sub(1, 2) ~= "__" then
      if type(v) == "function" then
        check_text(name, registry.get(v))
      elseif type(v) == "table" and not getmetatable(v) then
        walk(v, name, seen)
      end
    end
  end
end

local seen = {}
for _, module in ipairs{"tensor", "data", "nn", "mi", "ib", "plot", "progress"} do
  local m = rawget(_G, module)
  assert(type(m) == "table", "global " .. module .. " is missing")
  assert(m == require("ibsh." .. module), "global " .. module .. " differs from require 'ibsh." .. module .. "'")
  walk(m, module, seen)
end

-- Methods of every registered class (metatables named ibsh.*).
local classes = 0
for key, mt in pairs(debug.getregistry()) do
  if type(key) == "string" and key:match("^ibsh%.") and type(mt) == "table" and rawget(mt, "__name") == key then
    classes = classes + 1
    local methods = type(rawget(mt, "__index")) == "table" and rawget(mt, "__index") or rawget(mt, "__methods")
    if type(methods) == "table" then   -- else (a C __index and no __methods) its documented entries are checked below
      local short = key:match("[^.]*$")
      for k, v in pairs(methods) do
        if type(k) == "string" and k:sub(1, 2) ~= "__" and type(v) == "function" then
          check_text(short .. ":" .. k, registry.get(v))
        end
      end
    end
    if rawget(mt, "__tostring") == nil then problem(key, "class has no __tostring") end
  end
end
assert(classes >= 1, "no ibsh.* classes registered (ibsh.Tensor at least)")

-- Every registry entry is well formed, and the shell's own functions are documented.
for name, value in pairs(registry.entries()) do check_text(name, registry.get(value)) end
for _, f in ipairs{help.help, rawget(_G, "help")} do check_text("help", registry.get(f)) end
require "ibsh.repl"
check_text("timing", registry.get(rawget(_G, "timing")))

table.sort(problems)
assert(#problems == 0, #problems .. " help problems:\n  " .. table.concat(problems, "\n  "))
print("OK")
