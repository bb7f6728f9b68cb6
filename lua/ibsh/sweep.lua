-- ibsh.sweep: grids of jobs over worker processes or MPI ranks (C core in src/lua/lsweep.c).
local M = require "ibsh.core.sweep"
local sethelp = require("ibsh.core.help").set

local fmt, concat = string.format, table.concat
local progress = require "ibsh.core.progress"

-- Serialisation: a Lua chunk "return <value>" of numbers (exact), strings, booleans, nested
-- tables and tensors (written as T({shape}, {values})).

-- Format one number exactly (integers as integers, floats with 17 digits, NaN and infinities).
local function number_text(v)
  if math.type(v) == "integer" then return fmt("%d", v) end
  if v ~= v then return "(0/0)" end
  if v == math.huge then return "(1/0)" end
  if v == -math.huge then return "(-1/0)" end
  local s = fmt("%.15g", v)
  if tonumber(s) ~= v then s = fmt("%.17g", v) end
  if not s:find("[%.eEn]") then s = s .. ".0" end
  return s
end

-- Is v an ibsh tensor?
local function is_tensor(v)
  local mt = getmetatable(v)
  return type(v) == "userdata" and type(mt) == "table" and mt.__name == "ibsh.Tensor"
end

-- Append the text of value v to the buffer out (seen guards against cycles).
local function put(out, v, seen)
  local tv = type(v)
  if tv == "number" then out[#out + 1] = number_text(v)
  elseif tv == "string" then out[#out + 1] = fmt("%q", v)
  elseif tv == "boolean" then out[#out + 1] = tostring(v)
  elseif tv == "nil" then out[#out + 1] = "nil"
  elseif is_tensor(v) then
    local shape = v:shape()
    local flat = v:contiguous():reshape(v:numel()):totable()
    if v:numel() == 0 then flat = {} end
    for i = 1, #flat do flat[i] = number_text(flat[i]) end
    out[#out + 1] = "T({" .. concat(shape, ",") .. "},{" .. concat(flat, ",") .. "})"
  elseif tv == "table" then
    if seen[v] then error("sweep: cannot serialise a table that contains itself", 0) end
    seen[v] = true
    out[#out + 1] = "{"
    local n = #v
    for i = 1, n do put(out, v[i], seen); out[#out + 1] = "," end
    local keys = {}
    for k in pairs(v) do
      if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
    end
    table.sort(keys, function(a, b)
      if type(a) == type(b) and type(a) ~= "boolean" then return a < b end
      return type(a) < type(b)
    end)
    for _, k in ipairs(keys) do
      local tk = type(k)
      if tk ~= "string" and tk ~= "number" and tk ~= "boolean" then
        error("sweep: cannot serialise a table key of type " .. tk, 0)
      end
      out[#out + 1] = "["; put(out, k, seen); out[#out + 1] = "]="
      put(out, v[k], seen); out[#out + 1] = ","
    end
    out[#out + 1] = "}"
    seen[v] = nil
  else
    error("sweep: cannot serialise a value of type " .. tv .. " (return numbers, strings, booleans, tables or tensors)", 0)
  end
end

-- Rebuild a tensor from its shape and flat values (used by deserialised chunks).
local function make_tensor(shape, flat)
  local n = 1
  for _, s in ipairs(shape) do n = n * s end
  if n == 0 then return tensor.zeros(table.unpack(shape)) end
  local t = tensor.new(flat)
  if #shape == 1 then return t end
  return t:view(table.unpack(shape))
end

-- Serialise v as a Lua chunk that rebuilds it.
function M.serialize(v)
  local out = {"return "}
  put(out, v, {})
  return concat(out)
end
sethelp(M.serialize, "sweep.serialize", [[sweep.serialize(v) -> string

The text of a Lua chunk that rebuilds v: numbers (exactly: integers as integers, floats with
17 significant digits, NaN and infinities), strings, booleans, nested tables (keys of those
types) and tensors (shape and values). sweep.run uses it to send results from workers and to
write dir/job-<id>.lua files; sweep.deserialize reads it back.

Example: local s = sweep.serialize({acc = 0.97, plane = tensor.zeros(2, 3)})]])

-- Rebuild a value from sweep.serialize text in an empty environment.
function M.deserialize(s, name)
  local chunk, err = load(s, name or "=sweep result", "t", {T = make_tensor})
  if not chunk then error("sweep.deserialize: " .. err, 2) end
  return chunk()
end
sethelp(M.deserialize, "sweep.deserialize", [[sweep.deserialize(s [, name]) -> value

Rebuild the value written by sweep.serialize (the chunk runs in an empty environment, so it
can build only data and tensors). name labels errors.

Example: local v = sweep.deserialize(sweep.serialize({1, 2, x = "a"}))]])

-- Grids and jobs.

-- A canonical one-line text of a job's parameters (keys sorted), used as its identity.
local function job_key(params)
  local keys = {}
  for k in pairs(params) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = params[k]
    local s = type(v) == "number" and number_text(v) or type(v) == "string" and fmt("%q", v) or tostring(v)
    parts[#parts + 1] = k .. "=" .. s
  end
  return concat(parts, ",")
end

-- FNV-1a hash of a string folded into 1 .. 2^31 - 1: the job's own seed.
local function job_seed(key)
  local h = 2166136261
  for i = 1, #key do
    h = ((h ~ key:byte(i)) * 16777619) & 0xffffffff
  end
  return h % 2147483646 + 1
end

-- Expand a grid of key = {values} into the ordered list of jobs.
function M.grid(grid, order)
  if type(grid) ~= "table" then error("sweep.grid: grid must be a table of key = {values}", 2) end
  local keys = {}
  if order then
    for _, k in ipairs(order) do keys[#keys + 1] = k end
    local inorder = {}
    for _, k in ipairs(keys) do
      if grid[k] == nil then error("sweep.grid: order names " .. tostring(k) .. ", which is not in the grid", 2) end
      inorder[k] = true
    end
    for k in pairs(grid) do
      if not inorder[k] then error("sweep.grid: order misses the grid key " .. tostring(k), 2) end
    end
  else
    for k in pairs(grid) do keys[#keys + 1] = k end
    table.sort(keys)
  end
  for _, k in ipairs(keys) do
    local vs = grid[k]
    if type(k) ~= "string" then error("sweep.grid: grid keys must be strings", 2) end
    if type(vs) ~= "table" then grid = nil; error("sweep.grid: grid." .. k .. " must be a list of values", 2) end
    if #vs == 0 then error("sweep.grid: grid." .. k .. " is empty", 2) end
    for _, v in ipairs(vs) do
      local tv = type(v)
      if tv ~= "number" and tv ~= "string" and tv ~= "boolean" then
        error("sweep.grid: grid." .. k .. " holds a " .. tv .. " (numbers, strings or booleans only)", 2)
      end
    end
  end
  local jobs = {}
  -- Add every combination of the remaining keys (from key i on) to jobs.
  local function rec(i, params)
    if i > #keys then
      local p = {}
      for k, v in pairs(params) do p[k] = v end
      jobs[#jobs + 1] = p
      return
    end
    for _, v in ipairs(grid[keys[i]]) do
      params[keys[i]] = v
      rec(i + 1, params)
    end
    params[keys[i]] = nil
  end
  rec(1, {})
  return jobs
end
sethelp(M.grid, "sweep.grid", [[sweep.grid(grid [, order]) -> array of parameter tables

The Cartesian product of grid = {key = {values}, ...} (values: numbers, strings, booleans) as
an array of tables {key = value, ...}. Keys are nested in sorted order (the first key varies
slowest) unless order lists them (outermost first). This is the job order of sweep.run.

Example: local jobs = sweep.grid{act = {"tanh", "relu"}, seed = {1, 2, 3}}  -- 6 jobs]])

-- Result files: dir/job-<id>.lua holds "return {key = ..., result = ...}".

-- The result file of job id in dir.
local function job_file(dir, id) return fmt("%s/job-%d.lua", dir, id) end

-- The saved result of job id if its file exists and belongs to this job (key); errors on a mismatch.
local function load_done(dir, id, key)
  local path = job_file(dir, id)
  local f = io.open(path, "r")
  if not f then return false end
  local text = f:read("a")
  f:close()
  local ok, rec = pcall(M.deserialize, text, "@" .. path)
  if not ok or type(rec) ~= "table" or rec.key == nil then return false end   -- damaged: redo
  if rec.key ~= key then
    error(fmt("sweep.run: %s holds job {%s}, not {%s}: the grid changed; use another dir", path, rec.key, key), 0)
  end
  return true, rec.result
end

-- Write job id's result durably (temporary file, checked writes, fsync, rename): a full disk is an error.
local function save_done(dir, id, key, text)
  -- text is "return <value>"; wrap the value with the job's key.
  M._write(job_file(dir, id), "return {key = " .. fmt("%q", key) .. ", result = " .. text:sub(8) .. "}\n")
end

local known = {grid = true, list = true, order = true, fn = true, jobs = true, dir = true, quiet = true}

-- Run fn over every job (workers, MPI ranks or in process) and return the results in job order.
function M.run(opts)
  if type(opts) ~= "table" then error("sweep.run: expected a table of options", 2) end
  for k in pairs(opts) do
    if not known[k] then error("sweep.run: unknown option " .. tostring(k), 2) end
  end
  local fn = opts.fn
  if type(fn) ~= "function" then error("sweep.run: fn must be a function(job) -> result", 2) end
  local params
  if opts.list then
    if opts.grid then error("sweep.run: give grid or list, not both", 2) end
    if type(opts.list) ~= "table" then error("sweep.run: list must be an array of parameter tables", 2) end
    params = opts.list
  elseif opts.grid then
    params = M.grid(opts.grid, opts.order)
  else
    error("sweep.run: give grid = {key = {values}} or list = {{...}, ...}", 2)
  end
  local workers = opts.jobs or 1
  if math.type(workers) ~= "integer" or workers < 1 then error("sweep.run: jobs must be a positive integer", 2) end
  local dir, quiet = opts.dir, opts.quiet
  if dir ~= nil and type(dir) ~= "string" then error("sweep.run: dir must be a string", 2) end
  if dir then M._mkdir(dir) end

  local jobs, keys, results, todo = {}, {}, {}, {}
  for id, p in ipairs(params) do
    if type(p) ~= "table" then error("sweep.run: list[" .. id .. "] is not a table", 2) end
    local key = job_key(p)
    local job = {}
    for k, v in pairs(p) do job[k] = v end
    job.id, job.key, job.job_seed = id, key, job_seed(key)
    if job.seed == nil then job.seed = job.job_seed end
    if dir then job.dir = fmt("%s/job-%d", dir, id) end
    jobs[id], keys[id] = job, key
  end

  local mpi = M.mpi()
  local rank, size = 0, 1
  if mpi then rank, size = M.rank() end
  local ndone, nskip, failures = 0, 0, {}
  for id = 1, #jobs do
    if (id - 1) % size == rank then
      local done, res = false, nil
      if dir then done, res = load_done(dir, id, keys[id]) end
      if done then results[id] = res; nskip = nskip + 1 else todo[#todo + 1] = id end
    end
  end
  local clock0 = os.time()
  local bar = progress.new("sweep.run", #todo, {unit = "jobs", quiet = quiet})
  local mine = {}   -- id -> serialised text of this process's fresh results
  -- Record job id's outcome: save and count a result, or remember a failure.
  local function note(id, ok, text)
    if not ok then
      failures[#failures + 1] = fmt("job %d {%s}: %s", id, keys[id], text)
      if not quiet then io.stderr:write(fmt("sweep: job %d {%s} FAILED: %s\n", id, keys[id], text)) end
      return
    end
    if dir then save_done(dir, id, keys[id], text) end
    mine[id] = text
    ndone = ndone + 1
    bar:update(ndone, fmt("job %d {%s}", id, keys[id]))
    if bar:mode() == "log" then   -- not a terminal: one line per job, with the ETA
      io.stderr:write(fmt("sweep: %d/%d done (job %d {%s}), %d s, ETA %s\n", ndone + nskip, #todo + nskip, id, keys[id],
        os.time() - clock0, bar:status():match("ETA (%S+)") or "?"))
    end
  end
  -- Run one job in this process: ok, serialised text or error message.
  local function work(id)
    local ok, res = pcall(fn, jobs[id])
    -- an interrupted job is never recorded, even if fn caught the error or net:fit returned a partial run
    if M._interrupted() then error("interrupted", 0) end
    if not ok then return false, tostring(res) end
    local sok, text = pcall(M.serialize, res)
    if not sok then return false, tostring(text) end
    return true, text
  end
  if not quiet and nskip > 0 then
    io.stderr:write(fmt("sweep: %d of %d jobs already done in %s\n", nskip, #todo + nskip, dir))
  end
  if mpi or workers == 1 or #todo <= 1 then
    -- one BLAS thread, as in the workers, so that the bits do not depend on jobs
    local threads = M._blas_single()
    local ok, err = pcall(function() for _, id in ipairs(todo) do note(id, work(id)) end end)
    M._blas_restore(threads)
    if not ok then error(err, 0) end
  else
    M._fork(todo, workers,
      function(id)
        local ok, text = work(id)
        if not ok then error(text, 0) end
        return text
      end,
      function(id, ok, text) note(id, ok, text) end)
  end
  bar:finish()
  for id, text in pairs(mine) do results[id] = M.deserialize(text, "=job " .. id) end

  if mpi and size > 1 then
    -- Share everything: frame this rank's results (skipped ones re-serialised) and all-gather.
    local parts = {}
    for id = 1, #jobs do
      if (id - 1) % size == rank then
        local text = mine[id]
        if not text and results[id] ~= nil then text = M.serialize(results[id]) end
        if text then parts[#parts + 1] = fmt("%d %d\n%s", id, #text, text) end
      end
    end
    local nfail = #failures
    parts[#parts + 1] = fmt("0 %d\n", nfail)
    local all = M._allgather(concat(parts))
    local pos = 1
    while pos <= #all do
      local id, len, body = all:match("^(%d+) (%d+)\n()", pos)
      id, len = tonumber(id), tonumber(len)
      if id == 0 then
        if len > 0 and #failures == 0 then failures[1] = "another MPI rank had failed jobs" end
        pos = body
      else
        if (id - 1) % size ~= rank then results[id] = M.deserialize(all:sub(body, body + len - 1), "=job " .. id) end
        pos = body + len
      end
    end
  end
  if #failures > 0 then
    error(fmt("sweep.run: %d job(s) failed (finished ones are saved%s): %s", #failures,
      dir and " in " .. dir or ", none: no dir", failures[1]), 2)
  end
  return results, jobs
end
sethelp(M.run, "sweep.run", [[sweep.run{grid = {key = {values}, ...} | list = {{...}, ...}, fn = function(job) ... end, jobs = 1, dir = nil, order = nil, quiet = false} -> results, jobs

Run fn once per job and return results (results[i] = what fn returned for job i, in job order)
and jobs (the job tables). Jobs are the Cartesian product of grid (sweep.grid: keys nested in
sorted order, or as order lists them) or the parameter tables of list. fn receives a copy of
the job's parameters plus id (1-based job number), key (canonical text of the parameters),
job_seed (an FNV-1a hash of key in 1..2^31-1: derive all randomness from the job, never from
the number of workers) and dir (dir/job-<id>, for files such as run:save); seed = job_seed
unless the grid has a seed key. fn returns numbers, strings, booleans, tables or tensors.
jobs = N forks N worker processes (each job runs in one; results travel back serialised, so
they are bit-identical to jobs = 1, which runs in this process, also with one BLAS thread). With dir,
each finished job's result is written atomically (checked, fsynced) to dir/job-<id>.lua and a rerun skips finished jobs (a
killed sweep resumes; changing the grid under the same dir is an error). Under mpirun
(ibsh built with MPI), ranks take jobs round-robin (job i on rank (i-1) % size), one at a
time each, and every rank returns the full results (guard writes with sweep.rank() == 0).
Ctrl-C or SIGTERM kills the workers and raises "interrupted"; finished jobs stay saved and an
interrupted job is never recorded. A failing job does not stop
the others; sweep.run raises an error naming it at the end. Progress: on a terminal one line
(jobs done, rate, ETA, the last job) redrawn in place; otherwise a line per finished job with
its ETA; quiet = true prints neither. Progress lines of the jobs themselves (net:fit) stay silent.

Example: local res = sweep.run{grid = {seed = {1, 2, 3}, act = {"tanh", "relu"}}, jobs = 2, dir = "runs/demo", fn = function(job) return {acc = 1} end}]])

-- The recipes, loaded with the module so that their help is in the registry (and the man page).
package.loaded["ibsh.sweep"] = M
M.recipes = {}
for _, name in ipairs{"study", "infoplane", "snr", "depth", "trainsize", "bound"} do
  M.recipes[name] = require("ibsh.recipes." .. name)
end

return M
