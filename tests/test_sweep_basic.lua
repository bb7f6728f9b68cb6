-- sweep: serialisation round trips, grid order, results independent of the number of workers,
-- resume from dir, failures reported, bad options rejected.
local ser, de = sweep.serialize, sweep.deserialize

-- Round trips are exact (floats, integers, NaN, infinities, strings with quotes, tensors).
local v = {1, 2.5, 0.1, 1 / 3, -0.0, 1e300, 2^53 + 1, "a\"b\n", true, false,
  nested = {x = {y = "z"}}, nan = 0 / 0, inf = 1 / 0, ninf = -1 / 0,
  t = tensor.new({{1.5, -2}, {1 / 3, 4}}), v1 = tensor.new({7, 8, 9}), [20] = "sparse"}
local w = de(ser(v))
assert(w[3] == 0.1 and w[4] == 1 / 3 and w[7] == 2^53 + 1, "numbers not exact")
assert(math.type(w[1]) == "integer" and math.type(w[2]) == "float", "integer/float kinds lost")
assert(w[8] == "a\"b\n" and w[9] == true and w[20] == "sparse" and w.nested.x.y == "z", "strings/booleans/nesting")
assert(w.nan ~= w.nan and w.inf == math.huge and w.ninf == -math.huge, "NaN/inf")
assert(w.t:size(1) == 2 and w.t:size(2) == 2 and w.t:get(2, 1) == 1 / 3 and w.t:get(1, 2) == -2, "tensor")
assert(w.v1:dim() == 1 and w.v1:get(3) == 9, "vector")
assert(ser(w) == ser(v), "serialisation is not canonical")
assert(not pcall(ser, {f = print}), "functions must be rejected")
local cyc = {}; cyc.self = cyc
assert(not pcall(ser, cyc), "cycles must be rejected")

-- Grid order: sorted keys, first key outermost; order= overrides.
local g = sweep.grid{seed = {1, 2}, act = {"tanh", "relu"}}
assert(#g == 4 and g[1].act == "tanh" and g[1].seed == 1 and g[2].seed == 2 and g[3].act == "relu", "grid order")
local g2 = sweep.grid({seed = {1, 2}, act = {"tanh", "relu"}}, {"seed", "act"})
assert(g2[2].act == "relu" and g2[2].seed == 1, "explicit order")
assert(not pcall(sweep.grid, {seed = {}}), "empty value list must fail")

-- A job's randomness comes from the job: same results with 1 and 3 workers.
local function fn(job)
  local net = nn.mlp{4, 3, 2, act = job.act, seed = job.seed}
  local x = tensor.randn(16, 4, {seed = job.job_seed})
  local y = tensor.zeros(16)
  for i = 1, 16 do y:set(i, x:get(i, 1) > 0 and 1 or 0) end
  local run = net:fit({x = x, y = y}, {epochs = 5, batch = 8, quiet = true})
  return {loss = run:metrics().train_loss:get(5), id = job.id, w = run:weights(5)[1].W, seed = job.seed}
end
local grid = {seed = {1, 2, 3}, act = {"tanh", "relu"}}
local r1, jobs = sweep.run{grid = grid, fn = fn, jobs = 1, quiet = true}
local r3 = sweep.run{grid = grid, fn = fn, jobs = 3, quiet = true}
assert(#r1 == 6 and #jobs == 6, "6 jobs")
for i = 1, 6 do assert(r1[i].id == i and jobs[i].id == i, "results ordered by job") end
assert(ser(r1) == ser(r3), "results depend on the number of workers")
assert(jobs[1].job_seed ~= jobs[2].job_seed, "job seeds differ")
local r3b = sweep.run{grid = {seed = {1}, act = {"relu"}}, fn = fn, quiet = true}
assert(r3b[1].loss == r1[4].loss, "a job's result does not depend on the other jobs")

-- Resume: finished jobs are read back, not redone (fn would fail now).
local dir = os.tmpname(); os.remove(dir)
local ra = sweep.run{grid = grid, fn = fn, jobs = 2, dir = dir, quiet = true}
local rb = sweep.run{grid = grid, fn = function() error("should not run") end, jobs = 2, dir = dir, quiet = true}
assert(ser(ra) == ser(rb) and ser(ra) == ser(r1), "resumed results differ")
-- A partial sweep: remove two files, only those jobs run again.
os.remove(dir .. "/job-2.lua"); os.remove(dir .. "/job-5.lua")
local ran = {}
local rc = sweep.run{grid = grid, jobs = 1, dir = dir, quiet = true, fn = function(job) ran[#ran + 1] = job.id; return fn(job) end}
assert(#ran == 2 and ran[1] == 2 and ran[2] == 5, "resume reran the wrong jobs")
assert(ser(rc) == ser(r1), "resumed sweep differs")
-- Changing the grid under the same dir is an error.
local ok, err = pcall(sweep.run, {grid = {seed = {9}}, fn = fn, dir = dir, quiet = true})
assert(not ok and err:find("grid changed"), "changed grid not detected: " .. tostring(err))

-- Failures: other jobs finish and are saved; the error names the job.
local dir2 = os.tmpname(); os.remove(dir2)
ok, err = pcall(sweep.run, {grid = {k = {1, 2, 3}}, jobs = 2, dir = dir2, quiet = true,
  fn = function(job) if job.k == 2 then error("boom") end return job.k end})
assert(not ok and err:find("job 2") and err:find("boom"), "failure message: " .. tostring(err))
local rd = sweep.run{grid = {k = {1, 2, 3}}, jobs = 2, dir = dir2, quiet = true, fn = function(job) return job.k * 10 end}
assert(rd[1] == 1 and rd[2] == 20 and rd[3] == 3, "only the failed job reruns")

-- Bad options.
assert(not pcall(sweep.run, {grid = grid}), "fn required")
assert(not pcall(sweep.run, {fn = fn}), "grid or list required")
assert(not pcall(sweep.run, {grid = grid, fn = fn, jobs = 0}), "jobs >= 1")
ok, err = pcall(sweep.run, {grid = grid, fn = fn, bogus = 1})
assert(not ok and err:find("bogus"), "unknown option named")
assert(not pcall(sweep.run, {grid = {seed = {print}}, fn = fn}), "bad grid value")
-- list form
local rl = sweep.run{list = {{a = 1}, {a = 2, b = "x"}}, fn = function(job) return job.a end, quiet = true}
assert(rl[1] == 1 and rl[2] == 2, "list jobs")
os.execute("rm -rf '" .. dir .. "' '" .. dir2 .. "'")
print("OK")
