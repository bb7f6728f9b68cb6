-- mi.tasks / mi.task: ground truths against independent computations, sample moments, determinism by seed;
-- mi.benchmark on a small run with a Lua estimator.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local near, fails = check.close, check.fails

local names = mi.tasks()
assert(#names >= 30, "at least 30 tasks, got " .. #names)
local truth = {}
for _, name in ipairs(names) do
  local _, _, t = mi.task(name, {n = 10})
  truth[name] = t
end
-- Closed forms: det(a I + b J) = a^(d-1) (a + d b) for the dense tasks (entries 1 on, 0.5 off the diagonal).
local function ldense(d) return (d - 1) * math.log(0.5) + math.log(0.5 + 0.5 * d) end
for _, d in ipairs{{2, 2}, {2, 5}, {5, 5}, {25, 25}, {50, 50}} do
  local want = 0.5 * (ldense(d[1]) + ldense(d[2]) - ldense(d[1] + d[2]))
  near(truth[string.format("multinormal-dense-%d-%d", d[1], d[2])], want, 1e-10, "dense closed form")
end
near(truth["multinormal-dense-5-5"], 0.5928, 5e-5, "the paper's 0.5928 nats")
near(truth["1v1-normal-0.75"], -0.5 * math.log(1 - 0.75 ^ 2), 1e-12, "binormal")
-- Sparse without noise: two independent pairs of correlation 0.8.
near(truth["multinormal-sparse-5-5-no-noise"], -math.log(1 - 0.64), 1e-12, "sparse, no noise")
-- Sparse with noise, 2 x 2: the 4 x 4 determinant expanded by hand (block [[A, C], [C, A]], A = [[1, .1], [.1, 1]],
-- C = 0.8 I): det = det(A - C) det(A + C), and det A = 0.99.
local dm = (0.2 * 0.2 - 0.01) * (1.8 * 1.8 - 0.01)
near(truth["multinormal-sparse-2-2"], 0.5 * (2 * math.log(0.99) - math.log(dm)), 1e-12, "sparse 2x2 by hand")
-- Additive noise: h(Y) by Simpson's rule on the trapezoid density, minus ln(2 eps).
for _, eps in ipairs{0.1, 0.75} do
  local function p(y)
    local lo, hi = math.max(0, y - eps), math.min(1, y + eps)
    return math.max(0, hi - lo) / (2 * eps)
  end
  local a, b, m, h = -eps, 1 + eps, 200000, 0
  local w = (b - a) / m
  for i = 0, m do
    local y = a + i * w
    local f = p(y) > 0 and -p(y) * math.log(p(y)) or 0
    h = h + f * ((i == 0 or i == m) and 1 or (i % 2 == 1 and 4 or 2))
  end
  near(truth["1v1-additive-" .. eps], h * w / 3 - math.log(2 * eps), 1e-6, "additive noise " .. eps)
end
-- Student-t 1 x 1 with nu = 1 (bivariate Cauchy): Monte Carlo of E[ln p(x,y) - ln p(x) - ln p(y)] with the exact
-- densities p(x,y) = 1 / (2 pi (1 + x^2 + y^2)^(3/2)) and p(x) = 1 / (pi (1 + x^2)).
local x, y = mi.task("student-identity-1-1-1", {n = 200000, seed = 3})
local s = 0
for i = 1, 200000 do
  local a, b = x:get(i, 1), y:get(i, 1)
  s = s + (-math.log(2 * math.pi) - 1.5 * math.log(1 + a * a + b * b)) + 2 * math.log(math.pi) + math.log(1 + a * a) + math.log(1 + b * b)
end
near(truth["student-identity-1-1-1"], s / 200000, 0.01, "Student 1x1 correction vs Monte Carlo")
near(truth["student-identity-1-1-1"], 0.2242, 1e-4, "Student 1x1 value")
-- Transformed tasks keep their base truth.
assert(truth["asinh-student-identity-3-3-2"] == truth["student-identity-3-3-2"], "asinh keeps the truth")
assert(truth["spiral-multinormal-sparse-5-5"] == truth["multinormal-sparse-5-5"], "spiral keeps the truth")

-- Sample moments: binormal correlation, dense covariance, additive mean and variance.
local bx, by = mi.task("1v1-normal-0.75", {n = 20000, seed = 2})
local sxy, sxx, syy = 0, 0, 0
for i = 1, 20000 do
  local a, b = bx:get(i, 1), by:get(i, 1)
  sxy, sxx, syy = sxy + a * b, sxx + a * a, syy + b * b
end
near(sxy / math.sqrt(sxx * syy), 0.75, 0.01, "binormal sample correlation")
near(sxx / 20000, 1, 0.03, "unit variance")
local dx, dy = mi.task("multinormal-dense-2-5", {n = 20000, seed = 2})
local c = 0
for i = 1, 20000 do c = c + dx:get(i, 2) * dy:get(i, 4) end
near(c / 20000, 0.5, 0.02, "dense cross covariance 0.5")
local ax, ay = mi.task("1v1-additive-0.75", {n = 20000, seed = 2})
local my, vy = 0, 0
for i = 1, 20000 do my = my + ay:get(i, 1) end
my = my / 20000
for i = 1, 20000 do vy = vy + (ay:get(i, 1) - my) ^ 2 end
near(my, 0.5, 0.01, "additive mean")
near(vy / 20000, 1 / 12 + 0.75 ^ 2 / 3, 0.01, "additive variance")
-- Uniform margins in (0, 1); Swiss roll is 2-D.
local ux = mi.task("1v1-uniform-0.75", {n = 1000})
for i = 1, 1000 do assert(ux:get(i, 1) > 0 and ux:get(i, 1) < 1, "normal-CDF margins in (0, 1)") end
local sx, sy = mi.task("swissroll-1v1-normal-0.9", {n = 5})
assert(sx:size(2) == 2 and sy:size(2) == 1, "Swiss roll shapes")

-- Determinism: same seed, same bits; another seed, other data.
local a1 = mi.task("asinh-student-identity-2-2-1", {n = 50, seed = 9})
local a2 = mi.task("asinh-student-identity-2-2-1", {n = 50, seed = 9})
local a3 = mi.task("asinh-student-identity-2-2-1", {n = 50, seed = 10})
assert(a1:get(17, 2) == a2:get(17, 2) and a1:get(17, 2) ~= a3:get(17, 2), "seeded tasks")

-- Benchmark: a Lua estimator and a named one on two tasks; the table and the figure.
local calls = 0
local r, fig = mi.benchmark{estimators = {mine = function(p, q) calls = calls + 1 return mi.gaussian(p, q, {unit = "nats"}) end,
  copula = "copula"}, tasks = {"1v1-normal-0.75", "multinormal-dense-2-2"}, n = 2000, seeds = 2}
assert(calls == 4 and #r.rows == 4, "benchmark runs every estimator on every task and seed")
assert(r.solved.mine == 2 and r.solved.copula == 2, "Gaussian tasks solved by Gaussian estimators")
assert(r:markdown():find("| 1v1-normal-0.75 | 0.413 |", 1, true), "markdown table")
assert(fig ~= nil, "figure")
fails("mi.task: unknown task", mi.task, "nope")
fails("mi.benchmark: unknown task", mi.benchmark, {estimators = {g = "gaussian"}, tasks = {"nope"}})
fails("mi.copula_ksg: unknown option", mi.copula_ksg, bx, by, {rank = true})
near(mi.copula_ksg(bx, by, {unit = "nats"}), -0.5 * math.log(1 - 0.5625), 0.03, "copula_ksg on binormal")
print("OK")
