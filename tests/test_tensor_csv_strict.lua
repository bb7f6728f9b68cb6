-- tensor.load of CSV: only a first line with no numeric field is a header; a partly numeric line is a bad
-- row (error with line and field), and a number beyond the float64 range is an error, not inf.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local tmp = os.tmpname()
-- Write text to the temp file and load it as CSV.
local function load(text)
  local f = assert(io.open(tmp .. ".csv", "w")); assert(f:write(text)); assert(f:close())
  return tensor.load(tmp .. ".csv")
end
check.fails("line 1, field 2: '2x' is not a number", load, "1,2x\n3,4\n")
check.fails("line 1, field 2: '' is not a number", load, "1,,3\n4,5,6\n")
check.fails("line 3, field 1: 'x' is not a number", load, "a,b\n1,2\nx,4\n")
check.fails("line 2, field 2: '1e400' is out of the float64 range", load, "a,b\n1,1e400\n")
check.fails("line 1, field 1: '-1e999' is out of the float64 range", load, "-1e999\n")
local t = load("a,b\n1,2\n")
assert(t:size(1) == 1 and t:get(1, 2) == 2, "an all-text first line is a header")
t = load("1,inf\n3,-inf\n")
assert(t:size(1) == 2 and t:get(1, 2) == math.huge and t:get(2, 2) == -math.huge, "inf written as inf is kept")
t = load("1,1e-400\n")
assert(t:get(1, 2) == 0, "an underflow gives the nearest double")
os.remove(tmp .. ".csv"); os.remove(tmp)
print("OK")
