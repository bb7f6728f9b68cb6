-- mi.gaussian against -1/2 ln(1 - rho^2) and the determinant formula.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local U = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/mi_util.lua")
local near, fails = check.close, check.fails

-- Sample-covariance estimate of 1-D correlated Gaussians at N = 1e4.
for _, rho in ipairs{0.5, 0.9, 0.99} do
  local x, y = U.gaussian_pairs(10000, 1, rho, 3)
  near(mi.gaussian(x, y, {unit = "nats"}), -0.5 * math.log(1 - rho * rho), 0.03, "1-D rho = " .. rho)
end

-- Exact on a hand-made sample: x = (1, 2, 3, 4), y = (1, 3, 2, 4): corr = 0.8, I = -1/2 ln(0.36) nats.
near(mi.gaussian(tensor.new{1, 2, 3, 4}, tensor.new{1, 3, 2, 4}, {unit = "nats"}), -0.5 * math.log(1 - 0.64), 1e-12,
  "hand-computed correlation 0.8")
near(mi.gaussian(tensor.new{1, 2, 3, 4}, tensor.new{1, 3, 2, 4}), -0.5 * math.log(0.36, 2), 1e-12, "bits")

-- Multi-D with a mixing matrix: X = A z1 (2-D), Y = B X + C z2 (2-D). Population covariances:
-- Sx = A A', Sy = B Sx B' + C C', Sxy = Sx B'; truth = 1/2 ln(det Sx det Sy / det S) = 1/2 ln(det Sy / det CC').
local A, B, C = {{1, 0.5}, {0, 1}}, {{0.8, -0.3}, {0.2, 0.6}}, {{0.5, 0}, {0.1, 0.4}}
local function det2(m) return m[1][1] * m[2][2] - m[1][2] * m[2][1] end
local function mul(a, b, bt)  -- a * b (or a * b' when bt)
  local r = {{0, 0}, {0, 0}}
  for i = 1, 2 do for j = 1, 2 do for k = 1, 2 do
    r[i][j] = r[i][j] + a[i][k] * (bt and b[j][k] or b[k][j])
  end end end
  return r
end
local Sx = mul(A, A, true)
local BSB = mul(mul(B, Sx), B, true)
local CC = mul(C, C, true)
local Sy = {{BSB[1][1] + CC[1][1], BSB[1][2] + CC[1][2]}, {BSB[2][1] + CC[2][1], BSB[2][2] + CC[2][2]}}
local truth = 0.5 * math.log(det2(Sy) / det2(CC))
local z1, z2 = tensor.randn(20000, 2, {seed = 8}), tensor.randn(20000, 2, {seed = 9})
local xs, ys = {}, {}
for i = 1, 20000 do
  local a1, a2 = z1:get(i, 1), z1:get(i, 2)
  local x1, x2 = A[1][1] * a1 + A[1][2] * a2, A[2][1] * a1 + A[2][2] * a2
  local e1, e2 = z2:get(i, 1), z2:get(i, 2)
  xs[i] = {x1, x2}
  ys[i] = {B[1][1] * x1 + B[1][2] * x2 + C[1][1] * e1 + C[1][2] * e2, B[2][1] * x1 + B[2][2] * x2 + C[2][1] * e1 + C[2][2] * e2}
end
local x, y = tensor.new(xs), tensor.new(ys)
near(mi.gaussian(x, y, {unit = "nats"}), truth, 0.03, "2-D/2-D determinant formula")
near(mi.ksg(x, y, {unit = "nats"}), truth, 0.08, "KSG on the same 2-D/2-D sample")

-- Bad input.
fails("singular", mi.gaussian, tensor.new{{1, 2}, {2, 4}, {3, 6}, {4, 8}}, tensor.new{1, 2, 3, 5})
fails("need more rows (2) than dimensions (2)", mi.gaussian, tensor.new{1, 2}, tensor.new{2, 1})
fails("x has 4 rows but y has 3", mi.gaussian, tensor.new{1, 2, 3, 4}, tensor.new{1, 2, 3})


-- Not a bound in general: two noisy copies of a fair bit share at most ln 2 nats, mi.gaussian says ~1.29
-- (correlation 0.25 / 0.26: -1/2 ln(1 - 0.9246)).
local bit = tensor.rand(4000, 1, {seed = 21})
local e1, e2 = tensor.randn(4000, 1, {seed = 22}), tensor.randn(4000, 1, {seed = 23})
local bx, by = {}, {}
for i = 1, 4000 do
  local b = bit:get(i, 1) < 0.5 and 0 or 1
  bx[i], by[i] = b + 0.1 * e1:get(i, 1), b + 0.1 * e2:get(i, 1)
end
local gbit = mi.gaussian(tensor.new(bx), tensor.new(by), {unit = "nats"})
near(gbit, -0.5 * math.log(1 - (0.25 / 0.26) ^ 2), 0.05, "noisy bit copies")
assert(gbit > math.log(2) + 0.5, "two noisy copies of a bit: mi.gaussian " .. gbit .. " exceeds ln 2 by far")
-- Bias correction: 400 samples of n = 12 rows, 2-D x and y with rho = 0.5 per pair (truth 0.2877 nats).
-- The plain estimate is biased up; the corrected one is unbiased (checked within 4 standard errors).
local truth2 = -math.log(1 - 0.25)
local plain, fixed, sq = 0, 0, 0
local reps = 400
for r = 1, reps do
  local gx, gy = U.gaussian_pairs(12, 2, 0.5, 100 + r)
  local a = mi.gaussian(gx, gy, {unit = "nats"})
  local b = mi.gaussian(gx, gy, {unit = "nats", correction = "bias"})
  plain, fixed, sq = plain + a, fixed + b, sq + b * b
end
plain, fixed = plain / reps, fixed / reps
local se = math.sqrt((sq / reps - fixed * fixed) / reps)
assert(plain > truth2 + 0.2, "plain Gaussian MI is biased up at n = 12: " .. plain)
assert(math.abs(fixed - truth2) < 4 * se, string.format("bias-corrected mean %.4f vs %.4f (se %.4f)", fixed, truth2, se))
fails("mi.gaussian: correction must be", mi.gaussian, tensor.new{1, 2, 3, 4}, tensor.new{1, 3, 2, 4}, {correction = "x"})

-- mi.copula: invariant under increasing transforms of each coordinate (bit-identical ranks).
local cx, cy = U.gaussian_pairs(3000, 2, 0.7, 41)
local c0 = mi.copula(cx, cy, {unit = "nats"})
local tx, ty = {}, {}
for i = 1, 3000 do
  tx[i] = {math.exp(cx:get(i, 1)), cx:get(i, 2) ^ 3}
  ty[i] = {math.atan(cy:get(i, 1)), 5 + 2 * cy:get(i, 2)}
end
assert(mi.copula(tensor.new(tx), tensor.new(ty), {unit = "nats"}) == c0, "copula is rank-invariant")
near(c0, -math.log(1 - 0.49), 0.03, "copula of Gaussian pairs")
near(mi.copula(cx, cy, {unit = "nats"}), mi.copula(cx, cy) * math.log(2), 1e-12, "copula bits vs nats")
-- Hand-made: ranks (1, 2, 3, 4) and (1, 3, 2, 4) give the scores Phi^-1(r / 5), computed here by bisection.
local function qnorm(p)   -- bisection on the exact CDF through the error function (independent of the C code)
  local lo, hi = -10, 10
  local erf = function(z)  -- Taylor series of erf
    local s, t, k = 0, z, 0
    repeat s = s + t / (2 * k + 1); k = k + 1; t = -t * z * z / k until math.abs(t) < 1e-17 or k > 200
    return 2 / math.sqrt(math.pi) * s
  end
  for _ = 1, 200 do local m = (lo + hi) / 2 if 0.5 * (1 + erf(m / math.sqrt(2))) < p then lo = m else hi = m end end
  return (lo + hi) / 2
end
local sc = {}
for r = 1, 4 do sc[r] = qnorm(r / 5) end
local want = mi.gaussian(tensor.new{sc[1], sc[2], sc[3], sc[4]}, tensor.new{sc[1], sc[3], sc[2], sc[4]}, {unit = "nats"})
near(mi.copula(tensor.new{1, 2, 3, 4}, tensor.new{10, 30, 20, 40}, {unit = "nats"}), want, 1e-12, "copula by hand")
-- Ties share their mean rank: a column (0, 0, 1, 1) gets two distinct scores.
local tq = {qnorm(1.5 / 6), qnorm(1.5 / 6), qnorm(3.5 / 6), qnorm(3.5 / 6), qnorm(5 / 6)}
local uq = {qnorm(1 / 6), qnorm(3 / 6), qnorm(2 / 6), qnorm(4 / 6), qnorm(5 / 6)}
near(mi.copula(tensor.new{0, 0, 1, 1, 2}, tensor.new{1, 3, 2, 4, 5}, {unit = "nats"}),
  mi.gaussian(tensor.new(tq), tensor.new(uq), {unit = "nats"}), 1e-12, "ties share the mean rank")
fails("mi.copula: x has 4 rows but y has 3", mi.copula, tensor.new{1, 2, 3, 4}, tensor.new{1, 2, 3})
fails("mi.copula: NaN", mi.copula, tensor.new{1, 0 / 0, 3, 4}, tensor.new{1, 2, 3, 4})
print("OK")
