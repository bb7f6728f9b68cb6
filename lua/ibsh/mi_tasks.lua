-- ibsh.mi_tasks: the benchmark distributions of Czyz et al. 2023 ("Beyond Normal"), implemented here from
-- their definitions, with exact ground truth in nats. Used by mi.tasks, mi.task and mi.benchmark.
local tensor = require "ibsh.tensor"
local M = {}

-- Digamma psi(x), x > 0: recurrence up to x >= 10, then the asymptotic series.
local function digamma(x)
  local r = 0
  while x < 10 do r = r - 1 / x; x = x + 1 end
  local f = 1 / (x * x)
  return r + math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))))
end

-- ln Gamma(x), x > 0: recurrence up to x >= 10, then Stirling's series.
local function lgamma(x)
  local r = 0
  while x < 10 do r = r - math.log(x); x = x + 1 end
  local f = 1 / (x * x)
  return r + (x - 0.5) * math.log(x) - x + 0.5 * math.log(2 * math.pi)
    + (1 / x) * (1 / 12 - f * (1 / 360 - f * (1 / 1260 - f / 1680)))
end
M.digamma, M.lgamma = digamma, lgamma

-- Lower Cholesky factor of a symmetric positive-definite matrix (Lua array of rows) and its log-determinant.
local function cholesky(a)
  local d, l, ld = #a, {}, 0
  for i = 1, d do l[i] = {} for j = 1, d do l[i][j] = 0 end end
  for j = 1, d do
    local s = a[j][j]
    for p = 1, j - 1 do s = s - l[j][p] ^ 2 end
    assert(s > 0, "mi.task: covariance is not positive definite")
    l[j][j] = math.sqrt(s)
    ld = ld + 2 * math.log(l[j][j])
    for i = j + 1, d do
      local v = a[i][j]
      for p = 1, j - 1 do v = v - l[i][p] * l[j][p] end
      l[i][j] = v / l[j][j]
    end
  end
  return l, ld
end
M.cholesky = cholesky

-- Leading or trailing block of a square matrix (rows/columns from..to).
local function block(a, from, to)
  local b = {}
  for i = from, to do
    local r = {}
    for j = from, to do r[#r + 1] = a[i][j] end
    b[#b + 1] = r
  end
  return b
end

-- I(X;Y) in nats of a Gaussian with covariance s (X the first dx coordinates).
local function gaussian_mi(s, dx)
  local d = #s
  local _, lx = cholesky(block(s, 1, dx))
  local _, ly = cholesky(block(s, dx + 1, d))
  local _, lj = cholesky(s)
  return 0.5 * (lx + ly - lj)
end
M.gaussian_mi = gaussian_mi

-- Dense covariance: unit variances, every off-diagonal entry c.
local function dense_cov(d, c)
  local s = {}
  for i = 1, d do s[i] = {} for j = 1, d do s[i][j] = i == j and 1 or c end end
  return s
end

-- Sparse covariance: correlation signal between x_i and y_i for i <= k, noise between all coordinates of X
-- and between all coordinates of Y, 0 otherwise.
local function sparse_cov(dx, dy, k, signal, noise)
  local d, s = dx + dy, {}
  for i = 1, d do
    s[i] = {}
    for j = 1, d do
      local v = 0
      if i == j then v = 1
      elseif (i <= dx) == (j <= dx) then v = noise
      elseif math.abs(i - j) == dx and math.min(i, j) <= k then v = signal end
      s[i][j] = v
    end
  end
  return s
end
M.dense_cov, M.sparse_cov = dense_cov, sparse_cov

-- n rows of a zero-mean Gaussian with covariance s, as a Lua array of rows (seeded).
local function gaussian_rows(s, n, seed)
  local d = #s
  local l = cholesky(s)
  local z = tensor.randn(n, d, {seed = seed})
  local lt = {}
  for i = 1, d do lt[i] = {} for j = 1, d do lt[i][j] = l[j][i] end end
  local g = tensor.mm(z, tensor.new(lt))
  local rows = {}
  for i = 1, n do
    local r = {}
    for j = 1, d do r[j] = g:get(i, j) end
    rows[i] = r
  end
  return rows
end

-- Split rows into x (first dx columns) and y tensors, applying fx and fy (functions of a row) when given.
local function split(rows, dx, fx, fy)
  local xs, ys = {}, {}
  for i, r in ipairs(rows) do
    local a, b = {}, {}
    for j = 1, dx do a[j] = r[j] end
    for j = dx + 1, #r do b[j - dx] = r[j] end
    xs[i] = fx and fx(a) or a
    ys[i] = fy and fy(b) or b
  end
  return tensor.new(xs), tensor.new(ys)
end

-- Student-t MI correction (nats) for nu degrees of freedom and dimensions dx, dy:
-- f(nu) + f(nu + dx + dy) - f(nu + dx) - f(nu + dy), f(a) = ln Gamma(a/2) - (a/2) psi(a/2).
local function student_correction(nu, dx, dy)
  local function f(a) return lgamma(a / 2) - a / 2 * digamma(a / 2) end
  return f(nu) + f(nu + dx + dy) - f(nu + dx) - f(nu + dy)
end
M.student_correction = student_correction

-- Multivariate Student-t rows with identity dispersion: z / sqrt(w / nu), w ~ chi-square(nu) (integer nu).
local function student_rows(d, nu, n, seed)
  local z = tensor.randn(n, d, {seed = seed})
  local w = tensor.randn(n, nu, {seed = seed + 104729})
  local rows = {}
  for i = 1, n do
    local c = 0
    for j = 1, nu do c = c + w:get(i, j) ^ 2 end
    local scale = 1 / math.sqrt(c / nu)
    local r = {}
    for j = 1, d do r[j] = z:get(i, j) * scale end
    rows[i] = r
  end
  return rows
end

-- Elementwise map of a row.
local function each(f) return function(r) for j = 1, #r do r[j] = f(r[j]) end return r end end

-- Standard normal CDF (erfc through its continued-fraction-free Chebyshev fit is not in Lua: use the
-- complementary error function by the Numerical Recipes erfc approximation, relative error < 1.2e-7).
local function normal_cdf(x)
  local z = math.abs(x) / math.sqrt(2)
  local t = 1 / (1 + 0.5 * z)
  local r = t * math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
  return x >= 0 and 1 - 0.5 * r or 0.5 * r
end
M.normal_cdf = normal_cdf

local transforms = {
  -- half-cube: sign(x) |x|^(3/2)
  ["half-cube"] = each(function(v) return (v < 0 and -1 or 1) * math.abs(v) ^ 1.5 end),
  asinh = each(function(v) return math.log(v + math.sqrt(v * v + 1)) end),
  ["normal-cdf"] = each(normal_cdf),
  -- wiggly: an increasing function (derivative >= 1 - 0.4 - 0.34 - 0.099 > 0)
  wiggly = each(function(v) return v + 0.4 * math.sin(v) + 0.2 * math.sin(1.7 * v + 1) + 0.03 * math.sin(3.3 * v - 2.5) end),
  -- spiral: rotate the first two coordinates by the angle 0.5 |x|^2 (a diffeomorphism: |x| is preserved)
  spiral = function(r)
    local q = 0
    for j = 1, #r do q = q + r[j] * r[j] end
    local a = 0.5 * q
    local c, s = math.cos(a), math.sin(a)
    r[1], r[2] = c * r[1] - s * r[2], s * r[1] + c * r[2]
    return r
  end,
}
M.transforms = transforms

-- The task table: name -> {dx, dy, truth, sample(n, seed) -> x, y}.
local tasks, order = {}, {}
local function add(name, dx, dy, truth, sample)
  tasks[name] = {name = name, dx = dx, dy = dy, truth = truth, sample = sample}
  order[#order + 1] = name
end

-- Gaussian task with covariance s, optionally transformed coordinatewise (f on both x and y).
local function add_gaussian(name, s, dx, f, fx)
  add(name, fx and 2 or dx, #s - dx, gaussian_mi(s, dx), function(n, seed)
    return split(gaussian_rows(s, n, seed), dx, fx or f, f)
  end)
end

local bin = {{1, 0.75}, {0.75, 1}}
add_gaussian("1v1-normal-0.75", bin, 1)
for _, eps in ipairs{0.1, 0.75} do
  -- X ~ U(0, 1), Y = X + U(-eps, eps): I = h(Y) - ln(2 eps) = eps - ln(2 eps) (eps <= 1/2), 1 / (4 eps) (eps >= 1/2)
  local truth = eps <= 0.5 and eps - math.log(2 * eps) or 1 / (4 * eps)
  add("1v1-additive-" .. eps, 1, 1, truth, function(n, seed)
    local u = tensor.rand(n, 2, {seed = seed})
    local xs, ys = {}, {}
    for i = 1, n do
      xs[i] = {u:get(i, 1)}
      ys[i] = {u:get(i, 1) + eps * (2 * u:get(i, 2) - 1)}
    end
    return tensor.new(xs), tensor.new(ys)
  end)
end
add_gaussian("1v1-uniform-0.75", bin, 1, transforms["normal-cdf"])
add_gaussian("wiggly-1v1-normal-0.75", bin, 1, transforms.wiggly)
-- Swiss roll: x = normal-CDF of the Gaussian x, rolled up in the plane (an injective embedding).
add_gaussian("swissroll-1v1-normal-0.9", {{1, 0.9}, {0.9, 1}}, 1, nil, function(r)
  local t = 1.5 * math.pi * (1 + 2 * normal_cdf(r[1]))
  return {t * math.cos(t) / 21, t * math.sin(t) / 21}
end)
for _, d in ipairs{{2, 2}, {2, 5}, {5, 5}, {25, 25}, {50, 50}} do
  add_gaussian(string.format("multinormal-dense-%d-%d", d[1], d[2]), dense_cov(d[1] + d[2], 0.5), d[1])
end
for _, d in ipairs{{2, 2}, {3, 3}, {5, 5}, {25, 25}} do
  add_gaussian(string.format("multinormal-sparse-%d-%d", d[1], d[2]), sparse_cov(d[1], d[2], 2, 0.8, 0.1), d[1])
end
add_gaussian("multinormal-sparse-5-5-no-noise", sparse_cov(5, 5, 2, 0.8, 0), 5)
local students = {{1, 1, 1}, {2, 2, 1}, {3, 3, 2}, {5, 5, 2}}
for _, prefix in ipairs{"", "asinh-"} do
  for _, st in ipairs(students) do
    local dx, dy, nu = st[1], st[2], st[3]
    local f = prefix ~= "" and transforms.asinh or nil
    add(string.format("%sstudent-identity-%d-%d-%d", prefix, dx, dy, nu), dx, dy, student_correction(nu, dx, dy),
      function(n, seed) return split(student_rows(dx + dy, nu, n, seed), dx, f, f) end)
  end
end
for _, tf in ipairs{"half-cube", "normal-cdf"} do
  for _, d in ipairs{3, 5, 25} do
    add_gaussian(string.format("%s-multinormal-sparse-%d-%d", tf, d, d), sparse_cov(d, d, 2, 0.8, 0.1), d, transforms[tf])
  end
end
for _, d in ipairs{3, 5} do
  add_gaussian(string.format("spiral-multinormal-sparse-%d-%d", d, d), sparse_cov(d, d, 2, 0.8, 0.1), d, transforms.spiral)
end

M.tasks, M.order = tasks, order
return M
