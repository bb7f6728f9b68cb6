-- The garbage collector is told about tensor memory: loops of temporary 1 MB tensors stay
-- far below 1 GB (tensor storage counted by tensor.memory() and the process's peak RSS).
local T = require "ibsh.tensor"
local MB = 131072  -- doubles per MiB

-- peak resident set size of this process in KiB (Linux), or nil
local function peak_rss_kib()
  local f = io.open("/proc/self/status")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return tonumber(s:match("VmHWM:%s*(%d+)"))
end

-- 100 000 temporary 1 MB tensors: live storage stays bounded (10 000 under sanitizers, whose
-- allocator makes each 1 MB calloc slow)
local n = T.sanitized and 2000 or 100000
local worst = 0
for i = 1, n do
  local t = T.zeros(MB)
  if i % 1000 == 0 then worst = math.max(worst, T.memory()) end
end
assert(worst < 1024 * 2^20, "live tensor storage peaked at " .. worst / 2^20 .. " MiB")

-- 3000 temporaries whose pages are written (arithmetic results): resident memory stays bounded
local a = T.ones(MB)
for i = 1, T.sanitized and 500 or 3000 do
  local b = a * 2 + 1
  assert(b:numel() == MB)
end
local peak = peak_rss_kib()
if peak then assert(peak < 1024 * 1024, "peak RSS " .. peak / 1024 .. " MiB") end
print("OK", string.format("live peak %.0f MiB, RSS peak %s MiB", worst / 2^20, peak and string.format("%.0f", peak / 1024) or "?"))
