-- Every tensor function and method called with wrong types, shapes and values either works
-- or raises a Lua error: never a crash (run under the sanitizer build too).
local T = require "ibsh.tensor"

local samples = {
  nil, true, "x", {}, {1, 2}, {{1}, {2, 3}}, {seed = 1}, 0, -1, 1.5, 1e300, 0 / 0, 3, 100,
  T.zeros(0), T.new(2), T.new{1, 2, 3}, T.new{{1, 2}, {3, 4}}, T.ones(2, 3):t(), T.zeros(2, 1, 2),
  T.rng(1), function() end,
}
local N = 22  -- number of samples (nil included)

local methods = getmetatable(T.zeros(1)).__methods
local skip = {memory = true, walltime = true, manual_seed = true}
local calls, errors = 0, 0

-- Call f with argument lists built from the samples; count errors, let nothing else escape.
local function try(f, first)
  for i = 1, N do
    for j = 1, N, 3 do
      local ok, err
      if first ~= nil then ok, err = pcall(f, first, samples[i], samples[j])
      else ok, err = pcall(f, samples[i], samples[j]) end
      calls = calls + 1
      if not ok then
        errors = errors + 1
        assert(type(err) == "string", "error object must be a message")
      end
    end
  end
end

for name, f in pairs(T) do
  if type(f) == "function" and not skip[name] then try(f) end
end
for _, receiver in ipairs{T.zeros(0), T.new(2), T.new{1, 2, 3}, T.new{{1, 2}, {3, 4}}, T.ones(2, 3):t(), T.zeros(2, 1, 2)} do
  for name, f in pairs(methods) do
    if name ~= "save" then try(f, receiver) end
  end
end
-- indexing with odd keys
local m = T.new{{1, 2}, {3, 4}}
for i = 1, N do
  pcall(function() return m[samples[i]] end)
  pcall(function() m[samples[i]] = samples[(i % N) + 1] end)
end
assert(calls > 1000 and errors > 0, "exercised the API")
print("OK", calls .. " calls, " .. errors .. " errors")
