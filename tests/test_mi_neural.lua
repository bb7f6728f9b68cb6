-- The neural estimators (mi.infonce, mi.nwj, mi.mine, mi.smile) with default options against the exact MI of
-- correlated Gaussians, ~0 on independent data, same seed same bits, held-out vs training values, bad options.
-- Tolerance: 0.1 nats, the benchmark's (doc/mi.md); the held-out bounds sit slightly below the truth.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local U = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/mi_util.lua")
local near, fails = check.close, check.fails
local names = {"infonce", "nwj", "mine", "smile"}

-- 1-D pairs with rho = 0.8 (truth 0.5108 nats) and two independent 2-D pairs with rho = 0.6 (0.4463 nats).
local x1, y1 = U.gaussian_pairs(3000, 1, 0.8, 5)
local x2, y2 = U.gaussian_pairs(3000, 2, 0.6, 6)
for _, name in ipairs(names) do
  local f = mi[name]
  local v, info = f(x1, y1, {unit = "nats", seed = 1, details = true})
  near(v, -0.5 * math.log(1 - 0.64), 0.1, name .. " 1-D rho 0.8")
  assert(info.train > 0 and info.valid > 0, name .. ": training and validation values")
  assert(info.best_epoch >= 1 and info.best_epoch <= info.epochs and info.epochs <= 300, name .. ": epochs")
  assert(select("#", f(x1, y1, {epochs = 1})) == 1, name .. ": one result without details")
  near(f(x2, y2, {unit = "nats", seed = 1}), -math.log(1 - 0.36), 0.1, name .. " 2 x 2-D rho 0.6")
end

-- Independent data: near 0 (a held-out lower bound may dip below 0).
local xi = tensor.randn(2000, 2, {seed = 21})
local yi = tensor.randn(2000, 1, {seed = 22})
for _, name in ipairs(names) do
  near(mi[name](xi, yi, {unit = "nats"}), 0, 0.05, name .. " independent")
end

-- Same seed, same bits; another seed, another split; bits = nats / ln 2 exactly.
local a = mi.infonce(x1, y1, {unit = "nats", seed = 3, epochs = 20})
local b = mi.infonce(x1, y1, {unit = "nats", seed = 3, epochs = 20})
assert(a == b, "infonce: same seed, same bits")
assert(mi.infonce(x1, y1, {unit = "nats", seed = 4, epochs = 20}) ~= a, "infonce: another seed differs")
assert(mi.mine(x1, y1, {seed = 3, epochs = 20}) == mi.mine(x1, y1, {unit = "nats", seed = 3, epochs = 20}) / math.log(2),
  "mine: bits are nats / ln 2")

-- InfoNCE cannot exceed log(batch): y = x at batch 8 gives at most ln 8.
local xs = tensor.randn(1000, 1, {seed = 9})
local capped = mi.infonce(xs, xs, {unit = "nats", batch = 8, epochs = 30, decay = 0, lr = 3e-3})
assert(capped <= math.log(8) + 1e-12 and capped > 1.5, "infonce capped at ln 8, got " .. capped)

-- The joint critic and the options that shape the critic.
near(mi.infonce(x1, y1, {unit = "nats", critic = "joint", batch = 32, epochs = 30}), 0.5108, 0.1, "joint critic")
near(mi.smile(x1, y1, {unit = "nats", widths = {16}, embed = 8, act = "tanh", tau = 2, rank = false, lr = 3e-3,
  test = 0.3, valid = 0, epochs = 50, decay = 0}), 0.5108, 0.1, "smile, other options")
-- A linear separable critic (no hidden layer) is bilinear in x and y: it misses the x^2 and y^2 terms of the log
-- density ratio, so its bound is well below the truth but above 0.
local lin = mi.mine(x1, y1, {unit = "nats", widths = {}, ma_rate = 0.1, batch = 128, patience = 0, epochs = 30, decay = 1e-3})
assert(lin > 0.1 and lin < 0.5108 + 0.05, "mine with a linear critic: a loose lower bound, got " .. lin)

-- Bad options and data give errors naming the function.
fails("mi.infonce: unknown option 'epoch'", mi.infonce, x1, y1, {epoch = 3})
fails("mi.nwj: critic must be", mi.nwj, x1, y1, {critic = "bilinear"})
fails("mi.mine: batch must be at least 2", mi.mine, x1, y1, {batch = 1})
fails("mi.mine: batch must be in 2..512", mi.mine, x1, y1, {batch = 1024, critic = "joint"})
fails("mi.nwj: batch must be in 2..4096", mi.nwj, x1, y1, {batch = 5000})
fails("mi.smile: epochs must be a positive integer", mi.smile, x1, y1, {epochs = 0})
fails("mi.infonce: lr must be a positive finite number", mi.infonce, x1, y1, {lr = -1})
fails("mi.infonce: option 'tau' belongs to mi.smile", mi.infonce, x1, y1, {tau = 5})
fails("mi.smile: option 'ma_rate' belongs to mi.mine", mi.smile, x1, y1, {ma_rate = 0.1})
fails("mi.smile: tau must be a positive finite number", mi.smile, x1, y1, {tau = 0})
fails("mi.nwj: test must be a fraction", mi.nwj, x1, y1, {test = 1})
fails("mi.nwj: decay must be >= 0 with lr * decay < 1", mi.nwj, x1, y1, {decay = 2000})
fails("mi.nwj: valid must be a fraction", mi.nwj, x1, y1, {valid = -0.1})
fails("mi.mine: widths[2] must be an integer", mi.mine, x1, y1, {widths = {8, 0}})
fails("mi.mine: unknown activation 'gelu'", mi.mine, x1, y1, {act = "gelu"})
fails("mi.infonce: unit must be", mi.infonce, x1, y1, {unit = "bans"})
fails("mi.infonce: x has 3000 rows but y has 2000", mi.infonce, x1, yi)
fails("mi.infonce: 3 rows split into 2 training and 1 test rows: need at least 2 of each", mi.infonce, tensor.new{1, 2, 3}, tensor.new{1, 2, 3})
fails("mi.nwj: x has a non-finite value", mi.nwj, tensor.new{1, 0 / 0, 3, 4, 5, 6, 7, 8}, tensor.new{1, 2, 3, 4, 5, 6, 7, 8})
fails("mi.mine: training diverged", mi.mine, x1, y1, {lr = 1e6, decay = 0, rank = false, epochs = 50})
print("ok")
