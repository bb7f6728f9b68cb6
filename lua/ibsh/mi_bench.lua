-- ibsh.mi_bench: the benchmark functions of the mi module (mi.tasks, mi.task, mi.benchmark), installed into
-- the module table by lua/ibsh/mi.lua; the task distributions are in ibsh.mi_tasks.
local tensor = require "ibsh.tensor"

-- Install the benchmark functions into M with def(name, help, f).
return function(M, def)
local bench = require "ibsh.mi_tasks"

def("tasks", [[
mi.tasks() -> names

The names of the built-in benchmark tasks (Czyz et al. 2023, "Beyond Normal"), in a fixed order: bivariate
normal, additive uniform noise, uniform margins, wiggly, Swiss roll, dense and sparse multivariate normals,
Student-t with identity dispersion (plain and asinh-transformed), half-cube, normal-CDF and spiral transforms
of sparse normals. See mi.task and doc/mi.md for their definitions and ground truths.

Example: for _, name in ipairs(mi.tasks()) do print(name) end]],
function()
  local out = {}
  for i, name in ipairs(bench.order) do out[i] = name end
  return out
end)

def("task", [[
mi.task(name [, opts]) -> x, y, truth_nats

n rows of the benchmark task name (one of mi.tasks()) as x (n x dx) and y (n x dy) float64 tensors, and its exact
mutual information in nats. Options: n = 5000, seed = 1 (same seed, same bits). Ground truths: Gaussian tasks
1/2 ln(det Sx det Sy / det S); Student-t (identity dispersion, nu degrees of freedom) f(nu) + f(nu + dx + dy) -
f(nu + dx) - f(nu + dy) with f(a) = ln Gamma(a/2) - (a/2) psi(a/2); X ~ U(0, 1), Y = X + U(-e, e): e - ln(2e)
for e <= 1/2, 1/(4e) otherwise; transformed tasks keep the truth of their base task (the transforms are
injective and smooth).

Example: local x, y, truth = mi.task("multinormal-dense-5-5", {n = 5000, seed = 1})  -- truth 0.5928]],
function(name, opts)
  local F = "mi.task"
  if type(name) ~= "string" then error(F .. ": argument #1 must be a task name, got " .. type(name), 2) end
  local t = bench.tasks[name]
  if not t then error(F .. ": unknown task '" .. name .. "' (see mi.tasks())", 2) end
  if opts ~= nil and type(opts) ~= "table" then error(F .. ": options must be a table", 2) end
  opts = opts or {}
  for k in pairs(opts) do
    if k ~= "n" and k ~= "seed" then error(F .. ": unknown option '" .. tostring(k) .. "'", 2) end
  end
  local n, seed = opts.n or 5000, opts.seed or 1
  if math.type(n) ~= "integer" or n < 2 or n > 10000000 then error(F .. ": option 'n' must be an integer in 2..1e7", 2) end
  if math.type(seed) ~= "integer" then error(F .. ": option 'seed' must be an integer", 2) end
  local x, y = t.sample(n, seed)
  return x, y, t.truth
end)

-- Wall-clock seconds (tensor.walltime when available).
local function now() return tensor.walltime and tensor.walltime() or os.clock() end

def("benchmark", [[
mi.benchmark(spec) -> results, fig

Score estimators on the benchmark tasks. spec = {estimators = {label = f, ...} (f a function (x, y) ->
nats, or the name of an mi function, then called with {unit = "nats"}), tasks = array of names (default
mi.tasks()), n = 5000, seeds = 1 (a count: seeds 1..s, or an array of seeds), tolerance = {abs = 0.1, rel =
0.1}, plot = true}. results has .rows (one per task and estimator: task, estimator, truth, mean, sd,
seconds (mean per call), ok = |mean - truth| <= max(abs, rel truth)), .solved[label] (tasks within
tolerance), .tasks, .estimators (labels, sorted) and :markdown() (a table of mean estimates, truth and
ok marks). fig (unless plot = false) plots estimate against truth per task, one colour per estimator, with
the diagonal, as in the paper.

Example: local r = mi.benchmark{estimators = {ksg = "ksg", copula = "copula"}, seeds = 1}; print(r:markdown())]],
function(spec)
  local F = "mi.benchmark"
  if type(spec) ~= "table" then error(F .. ": argument #1 must be a table", 2) end
  local known = {estimators = true, tasks = true, n = true, seeds = true, tolerance = true, plot = true}
  for k in pairs(spec) do if not known[k] then error(F .. ": unknown option '" .. tostring(k) .. "'", 2) end end
  if type(spec.estimators) ~= "table" or next(spec.estimators) == nil then
    error(F .. ": option 'estimators' must be a table {label = function or name}", 2)
  end
  local labels, fns = {}, {}
  for label, f in pairs(spec.estimators) do
    labels[#labels + 1] = tostring(label)
    if type(f) == "string" then
      local g = M[f]
      if type(g) ~= "function" then error(F .. ": unknown estimator '" .. f .. "'", 2) end
      fns[tostring(label)] = function(x, y) return g(x, y, {unit = "nats"}) end
    elseif type(f) == "function" then
      fns[tostring(label)] = f
    else
      error(F .. ": estimator '" .. tostring(label) .. "' must be a function or a name", 2)
    end
  end
  table.sort(labels)
  local names = spec.tasks or M.tasks()
  for _, name in ipairs(names) do
    if not bench.tasks[name] then error(F .. ": unknown task '" .. tostring(name) .. "'", 2) end
  end
  local n = spec.n or 5000
  local seeds = spec.seeds or 1
  if type(seeds) == "number" then
    local s = {}
    for i = 1, seeds do s[i] = i end
    seeds = s
  end
  local tol = spec.tolerance or {}
  local tabs, trel = tol.abs or 0.1, tol.rel or 0.1
  local rows, solved = {}, {}
  for _, label in ipairs(labels) do solved[label] = 0 end
  for _, name in ipairs(names) do
    local per = {}
    for _, label in ipairs(labels) do per[label] = {sum = 0, sq = 0, secs = 0} end
    local truth
    for _, seed in ipairs(seeds) do
      local x, y, t = M.task(name, {n = n, seed = seed})
      truth = t
      for _, label in ipairs(labels) do
        local t0 = now()
        local ok, v = pcall(fns[label], x, y)
        local acc = per[label]
        acc.secs = acc.secs + (now() - t0)
        if not ok or type(v) ~= "number" then v = 0 / 0 end
        acc.sum, acc.sq = acc.sum + v, acc.sq + v * v
      end
    end
    for _, label in ipairs(labels) do
      local acc, m = per[label], #seeds
      local mean = acc.sum / m
      local sd = m > 1 and math.sqrt(math.max(0, (acc.sq - m * mean * mean) / (m - 1))) or 0
      local ok = math.abs(mean - truth) <= math.max(tabs, trel * truth)
      if ok then solved[label] = solved[label] + 1 end
      rows[#rows + 1] = {task = name, estimator = label, truth = truth, mean = mean, sd = sd, seconds = acc.secs / m, ok = ok}
    end
  end
  local results = {rows = rows, solved = solved, tasks = names, estimators = labels, n = n, seeds = seeds}
  -- A markdown table: one row per task, one column per estimator (mean estimate, * when within tolerance).
  function results.markdown(r)
    local head = {"| task | truth |"}
    local rule = {"|---|---:|"}
    for _, label in ipairs(r.estimators) do head[#head + 1] = " " .. label .. " |"; rule[#rule + 1] = "---:|" end
    local lines = {table.concat(head), table.concat(rule)}
    local by = {}
    for _, row in ipairs(r.rows) do by[row.task .. "\0" .. row.estimator] = row end
    for _, name in ipairs(r.tasks) do
      local cells = {}
      local truth
      for _, label in ipairs(r.estimators) do
        local row = by[name .. "\0" .. label]
        truth = row.truth
        cells[#cells + 1] = string.format(" %.3f%s |", row.mean, row.ok and "" or " ✗")
      end
      lines[#lines + 1] = string.format("| %s | %.3f |", name, truth) .. table.concat(cells)
    end
    local solved, secs = {"| **within tolerance** | |"}, {"| **seconds per call (total)** | |"}
    for _, label in ipairs(r.estimators) do
      solved[#solved + 1] = string.format(" %d / %d |", r.solved[label], #r.tasks)
      local t = 0
      for _, row in ipairs(r.rows) do if row.estimator == label then t = t + row.seconds end end
      secs[#secs + 1] = string.format(" %.1f |", t)
    end
    lines[#lines + 1] = table.concat(solved)
    lines[#lines + 1] = table.concat(secs)
    return table.concat(lines, "\n")
  end
  local fig
  if spec.plot ~= false then
    local plot = require "ibsh.plot"
    fig = plot.figure{width = 900, height = 700, dpi = 100}
    local ax = fig:axes()
    local top = 0
    for _, row in ipairs(rows) do
      if row.truth > top then top = row.truth end
      if row.mean == row.mean and row.mean > top then top = row.mean end
    end
    ax:line({0, top}, {0, top}, {color = "0.5", label = "truth"})
    for c, label in ipairs(labels) do
      local tx, ey = {}, {}
      for _, row in ipairs(rows) do
        if row.estimator == label and row.mean == row.mean then tx[#tx + 1] = row.truth; ey[#ey + 1] = row.mean end
      end
      if #tx > 0 then ax:scatter(tx, ey, {color = "C" .. ((c - 1) % 10), label = label, size = 5}) end
    end
    ax:xlabel("true MI (nats)")
    ax:ylabel("estimate (nats)")
    ax:title(string.format("MI benchmark, N = %d, %d seed(s)", n, #seeds))
    ax:legend()
  end
  return results, fig
end)
end
