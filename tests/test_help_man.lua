-- man/ibsh.3 is generated from the help registry (scripts/gen-man): every
-- documented name has its entry, and the committed page equals a fresh generation.
local registry = require "ibsh.core.help"
local src = assert(os.getenv("IBSH_SOURCE_DIR"), "IBSH_SOURCE_DIR is not set")
local generate = assert(loadfile(src .. "/scripts/gen-man.lua"))
local fresh = generate("--text")
local f = assert(io.open(src .. "/man/ibsh.3", "r"), "man/ibsh.3 is missing: run scripts/gen-man")
local committed = f:read("a")
f:close()

-- every registry entry appears in both, by name and by signature
local missing = {}
for name, value in pairs(registry.entries()) do
  local signature = (registry.get(value) or ""):match("^[^\n]*")
  for _, page in ipairs{fresh, committed} do
    if not page:find('.\\" name: ' .. name .. "\n", 1, true) then missing[#missing + 1] = name end
  end
  assert(fresh:find(signature:gsub("\\", "\\e"):gsub("%-", "\\-"), 1, true), "signature of " .. name .. " not in the page")
end
table.sort(missing)
assert(#missing == 0, "man/ibsh.3 lacks entries (run scripts/gen-man): " .. table.concat(missing, ", "))
assert(fresh == committed, "man/ibsh.3 is out of date with the help registry: run scripts/gen-man and commit it")
print("OK")
