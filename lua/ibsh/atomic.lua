-- ibsh.atomic: write result files atomically (a temporary file beside the target, then
-- rename), so an error or interruption never leaves a half-written or lost result.
local M = {}

-- Call write(f) on a temporary file next to path, then rename it onto path; on any failure
-- remove the temporary file and raise "who: <problem>".
function M.write(path, write, who)
  who = who or "atomic.write"
  local tmp = path .. ".tmp"
  local f, err = io.open(tmp, "w")
  if not f then error(("%s: cannot write %s: %s"):format(who, tmp, tostring(err)), 0) end
  -- every f:write is checked: a full disk raises at once instead of being lost in the buffer
  local checked = setmetatable({}, {__index = function(_, k)
    local m = f[k]
    if k == "write" then
      return function(_, ...)
        local wok, e = f:write(...)
        if not wok then error(("%s: cannot write %s: %s"):format(who, path, tostring(e)), 0) end
        return _
      end
    end
    return type(m) == "function" and function(_, ...) return m(f, ...) end or m
  end})
  local ok, werr = pcall(write, checked)
  if ok then
    local fok, ferr = f:flush()
    if not fok then ok, werr = false, ("%s: cannot write %s: %s"):format(who, path, tostring(ferr)) end
  end
  local closed, cerr = f:close()
  if not ok or not closed then
    os.remove(tmp)
    if not ok then error(werr, 0) end
    error(("%s: cannot write %s: %s"):format(who, path, tostring(cerr)), 0)
  end
  local renamed, rerr = os.rename(tmp, path)
  if not renamed then
    os.remove(tmp)
    error(("%s: cannot rename %s onto %s: %s"):format(who, tmp, path, tostring(rerr)), 0)
  end
end

-- Write the string text to path atomically.
function M.write_text(path, text, who)
  M.write(path, function(f) assert(f:write(text)) end, who)
end

return M
