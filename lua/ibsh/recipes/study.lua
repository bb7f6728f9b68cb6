-- ibsh.recipes.study: the engine of the recipes. Train one network per job of a grid (seeds x
-- training sizes x depths x activations ...) on worker processes or MPI ranks with sweep.run,
-- and return each network's information plane, gradient statistics and training curves.
local sweep = require "ibsh.sweep"
local sethelp = require("ibsh.core.help").set

local S = {}

-- Defaults: the protocol of Shwartz-Ziv & Tishby (2017) as ibsh's flagship example states it.
S.defaults = {
  hidden = {10, 7, 5, 4, 3}, act = "tanh", init = "truncnormal", train = 0.8, epochs = 8000,
  batch = 512, optim = "adam", lr = 4e-4, shuffle = false, snapshots = "every",
  mi = {estimator = "bin", bins = 30, range = {-1, 1}},
  depth_widths = {10, 7, 5, 4, 3, 2},
}

-- cfg's value of key, else the default.
local function get(cfg, key)
  if cfg[key] ~= nil then return cfg[key] end
  return S.defaults[key]
end

-- A shallow copy of table t.
local function copy(t)
  local c = {}
  for k, v in pairs(t or {}) do c[k] = v end
  return c
end

-- The hidden widths of a job: job.hidden (a comma list), job.depth (prefix of depth_widths) or cfg's.
local function hidden_of(job, cfg)
  if job.depth then
    local w, dw = {}, get(cfg, "depth_widths")
    if job.depth < 1 or job.depth > #dw then error("study: depth " .. job.depth .. " outside 1.." .. #dw, 0) end
    for i = 1, job.depth do w[i] = dw[i] end
    return w
  end
  if type(job.hidden) == "string" then
    local w = {}
    for n in job.hidden:gmatch("%d+") do w[#w + 1] = tonumber(n) end
    return w
  end
  return get(cfg, "hidden")
end

-- Train and measure the network of one job.
function S.job(job, cfg)
  local d = cfg.data or data.tishby()
  local train, test = d:split{train = job.train or get(cfg, "train"), seed = job.seed}
  local widths = {d.x:size(2)}
  for _, w in ipairs(hidden_of(job, cfg)) do widths[#widths + 1] = w end
  widths[#widths + 1] = d:nclasses()
  widths.act, widths.seed, widths.init = job.act or get(cfg, "act"), job.seed, job.init or get(cfg, "init")
  local bits = job.bits or cfg.bits
  if bits then widths.quant = {bits = bits, range = cfg.quant_range} end
  widths.noise = job.noise or cfg.noise
  local net = nn.mlp(widths)
  local epochs = job.epochs or get(cfg, "epochs")
  local run = net:fit(train, {epochs = epochs, batch = job.batch or get(cfg, "batch"), optim = get(cfg, "optim"),
    lr = job.lr or get(cfg, "lr"), shuffle = get(cfg, "shuffle"), test = test, quiet = true,
    snapshots = cfg.snapshots_fn and cfg.snapshots_fn(epochs) or get(cfg, "snapshots"),
    gradstats = cfg.gradstats ~= false})
  local out = {widths = net:widths()}
  local m = run:metrics()
  out.train_loss, out.test_loss, out.train_acc, out.test_acc = m.train_loss, m.test_loss, m.train_acc, m.test_acc
  if cfg.gradstats ~= false then
    local g = run:gradstats()
    out.grad_mean, out.grad_std, out.weight_norm = g.grad_mean, g.grad_std, g.weight_norm
  end
  if cfg.mi ~= false then
    local estimators = cfg.estimators or {plane = cfg.mi or S.defaults.mi}
    for name, opts in pairs(estimators) do
      local o = copy(opts)
      local dd = o.data or cfg.mi_data or d
      o.data = nil
      if type(o.epochs) == "function" then o.epochs = o.epochs(run)
      elseif o.epochs == nil and cfg.mi_epochs then o.epochs = cfg.mi_epochs(run) end
      local plane, ep = mi.infoplane(run, dd, o)
      out[name], out[name .. "_epochs"] = plane, ep
      if name == "plane" or out.epochs == nil then out.epochs = ep end
    end
  end
  if cfg.extra then out.extra = cfg.extra(run, job, d) end
  return out
end
sethelp(S.job, "recipes.study.job", [[study.job(job, cfg) -> table

Train the network of one job and measure it (the function each worker of study.run calls).
job fields (from the sweep grid) override cfg: seed (network init and split), train (training
fraction), act, bits (a quantized network, nn.mlp's quant = {bits = bits, range =
cfg.quant_range}), noise (a noise-injected network with that sigma), depth (hidden widths = the first depth of cfg.depth_widths, default
10,7,5,4,3,2), hidden ("10,7,5"), epochs, lr, batch, init. cfg: data (default data.tishby()),
hidden ({10,7,5,4,3}), act ("tanh"), init ("truncnormal"), train (0.8, a seeded shuffled
split), epochs (8000), batch (512), optim ("adam"), lr (4e-4), shuffle (false), snapshots
("every"), mi (infoplane options, default binning with 30 bins on [-1, 1]; false to skip),
estimators (name -> infoplane options, several planes, each returned as out[name] with
out[name .. "_epochs"]; an options table may hold data = the rows to measure on and epochs =
a list or function(run) -> list), mi_data (default data), mi_epochs (function(run) -> epochs), gradstats (true), extra (function(run, job, d) -> any
serialisable value). Returns {widths, train_loss, test_loss, train_acc, test_acc (1-d, epochs
1..E), grad_mean, grad_std, weight_norm (E x L), plane (S x L x 2), epochs (S), extra}.

Example: local r = study.job({seed = 1}, {epochs = 50})]])

-- Run study.job over a sweep of seeds and grid keys.
function S.run(cfg)
  cfg = cfg or {}
  local grid = copy(cfg.grid)
  if grid.seed == nil then
    local seeds = cfg.seeds
    if not seeds then
      seeds = {}
      for i = 1, cfg.runs or 1 do seeds[i] = i end
    end
    grid.seed = seeds
  end
  local results, jobs = sweep.run{grid = grid, order = cfg.order, jobs = cfg.jobs or 1, dir = cfg.dir,
    quiet = cfg.quiet, fn = function(job) return S.job(job, cfg) end}
  return results, jobs
end
sethelp(S.run, "recipes.study.run", [[study.run(cfg) -> results, jobs

Run study.job over a sweep: grid (sweep grid of job fields; seed defaults to 1..runs or to
cfg.seeds), jobs (worker processes), dir (resumable result files), quiet, order, and every
option of study.job. Seeds are the grid's, so results do not depend on jobs or on MPI ranks.

Example: local res = study.run{runs = 4, epochs = 100, jobs = 2}]])

-- Elementwise mean of tensors of one shape.
function S.mean(list)
  if #list == 0 then return nil end
  local acc = list[1]:clone()
  for i = 2, #list do acc:add_(list[i]) end
  return acc:div_(#list)
end
sethelp(S.mean, "recipes.study.mean", [[study.mean(tensors) -> tensor

The elementwise mean of an array of tensors of one shape (nil for an empty array).

Example: local mean_plane = study.mean({p1, p2, p3})]])

-- Collect one field of every result.
function S.field(results, key)
  local out = {}
  for i, r in ipairs(results) do out[i] = r[key] end
  return out
end
sethelp(S.field, "recipes.study.field", [[study.field(results, key) -> array

results[i][key] for every result (e.g. every run's plane).

Example: local planes = study.field(results, "plane")]])

return S
