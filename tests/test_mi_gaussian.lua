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

print("OK")
