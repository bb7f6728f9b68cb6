-- ibsh.atomic: results are replaced whole or not at all; a failed write keeps the old file.
local atomic = require "ibsh.atomic"
local path = os.tmpname()
atomic.write_text(path, "first\n")
local function read() local f = assert(io.open(path)); local s = f:read("a"); f:close(); return s end
assert(read() == "first\n")
local ok, err = pcall(atomic.write, path, function(f) f:write("half"); error("boom", 0) end, "test")
assert(not ok and err == "boom", tostring(err))
assert(read() == "first\n", "old file kept after a failed write")
assert(io.open(path .. ".tmp") == nil, "temporary file removed")
ok, err = pcall(atomic.write_text, "/nonexistent-dir/x.csv", "x", "recipes.depth.csv")
assert(not ok and err:find("recipes.depth.csv: cannot write /nonexistent-dir/x.csv.tmp", 1, true), tostring(err))
atomic.write(path, function(f) f:write("second\n") end)
assert(read() == "second\n")
os.remove(path)
print("OK")
