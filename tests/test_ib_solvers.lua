-- IB solver properties: beta0 bracketing, monotone concave curves, self-consistency of
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
-- converged encoders, fitted beta, DIB, agglomerative IB, fixed schedules, ib.gap.
local close = check.close

-- A seeded random joint (Lua's generator is deterministic for a fixed seed).
local function random_joint(nx, ny, seed)
  math.randomseed(seed)
  local v, tot = {}, 0
  for i = 1, nx * ny do v[i] = math.random() + 0.05; tot = tot + v[i] end
  local t = tensor.zeros(nx, ny)
  for i = 1, nx do for j = 1, ny do t:set(i, j, v[(i - 1) * ny + j] / tot) end end
  return t
end

local pxy = random_joint(5, 3, 42)
local c = ib.curve(pxy)
local b0 = c:beta0()
assert(b0 > 1 and b0 < 1e6, "beta0 is finite: " .. b0)

-- beta0 bracketing: trivial just below, informative just above.
local below = ib.curve(pxy, {betas = {0.98 * b0}, iterations = 100000, tol = 1e-15}):raw()
local above = ib.curve(pxy, {betas = {1.02 * b0}, iterations = 100000, tol = 1e-15}):raw()
assert(below:get(1, 2) < 1e-9, "I(X;T) = 0 at 0.98 beta0, got " .. below:get(1, 2))
assert(above:get(1, 2) > 1e-4, "I(X;T) > 0 at 1.02 beta0, got " .. above:get(1, 2))

-- The curve is monotone and concave and ends at (H(X), I(X;Y)).
local p = c:points()
local n = p:size(1)
assert(n >= 20, "enough points: " .. n)
close(p:get(1, 2), 0, 1e-12, "starts at 0"); close(p:get(1, 3), 0, 1e-12, "starts at 0")
close(p:get(n, 3), c:info().ixy, 1e-12, "ends at I(X;Y)")
for i = 2, n do
  assert(p:get(i, 2) > p:get(i - 1, 2), "I(X;T) increases")
  assert(p:get(i, 3) >= p:get(i - 1, 3) - 1e-12, "I(T;Y) does not decrease")
  if i < n then
    -- point i lies on or above the chord of its neighbours (cross product, absolute tolerance)
    local x1, y1, x2, y2, x3, y3 = p:get(i - 1, 2), p:get(i - 1, 3), p:get(i, 2), p:get(i, 3), p:get(i + 1, 2), p:get(i + 1, 3)
    assert((x2 - x1) * (y3 - y1) - (y2 - y1) * (x3 - x1) <= 1e-11, "concave at point " .. i)
  end
  assert(p:get(i, 3) <= p:get(i, 2) + 1e-12, "I(T;Y) <= I(X;T)")
end
-- slopes of the curve are 1/beta: the first solved point's slope is near 1/beta0
assert(p:get(2, 1) >= b0 * (1 - 1e-9), "no informative point below beta0")

-- Converged points satisfy the equations; the fitted beta recovers the true one.
local known = {1.5 * b0, 3 * b0, 6 * b0}
local cc = ib.curve(pxy, {betas = known, iterations = 200000, tol = 1e-15, encoders = true})
local raw = cc:raw()
for i = 1, #known do
  -- points() of a fixed schedule is sorted by I(X;T), which increases with beta here
  local b = cc:points():get(i, 1)
  local r, fit, lr = ib.consistency(cc:encoder(i), pxy)
  assert(r < 1e-9, string.format("residual %g at beta %g", r, b))
  close(fit, b, 1e-6, "fitted beta")
  assert(lr < 1e-6, "log residual " .. lr)
  local r2 = ib.consistency(cc:encoder(i), pxy, {beta = b * 1.5})
  assert(r2 > 1e-4, "a wrong beta leaves a residual")
end
assert(raw:size(1) == 3, "one point per beta")
-- a random encoder is far from consistent
math.randomseed(3)
local e = tensor.zeros(5, 3)
for x = 1, 5 do
  local a, b2 = math.random(), math.random()
  local s = a + b2 + 1
  e:set(x, 1, a / s); e:set(x, 2, b2 / s); e:set(x, 3, 1 / s)
end
assert(ib.consistency(e, pxy) > 1e-3, "random encoder is inconsistent")

-- Generalised IB: alpha = 0 (DIB) gives hard encoders, H(T) = I(X;T).
local d = ib.curve(pxy, {alpha = 0})
local pa = d:points(true)
assert(pa:size(2) == 4, "points(true) adds H(T)")
for i = 1, pa:size(1) do close(pa:get(i, 4), pa:get(i, 2), 1e-9, "DIB: H(T) = I(X;T)") end
for i = 1, pa:size(1) do assert(pa:get(i, 3) <= c:at(pa:get(i, 2)) + 1e-6, "DIB points lie below the IB curve") end
local g = ib.curve(pxy, {alpha = 0.5})
for i = 1, #g do assert(g:points():get(i, 3) <= c:at(g:points():get(i, 2)) + 1e-6, "alpha = 0.5 below the IB curve") end

-- Reverse annealing and restarts give points on or below the curve.
local rv = ib.curve(pxy, {direction = "reverse", restarts = 2})
for i = 1, #rv do
  local q = rv:points()
  assert(q:get(i, 3) <= c:at(q:get(i, 2)) + 1e-6, "reverse annealing below the forward curve")
end

-- Agglomerative IB: from (H(X), I(X;Y)) down to (0, 0), below the IB curve.
local a = ib.agglomerative(pxy)
local ap = a:raw()
close(ap:get(1, 3), c:info().ixy, 1e-12, "agglomerative starts at I(X;Y)")
close(ap:get(ap:size(1), 2), 0, 1e-12, "agglomerative ends at one cluster")
assert(ap:size(1) == 5, "one point per number of clusters")
for i = 1, ap:size(1) do assert(ap:get(i, 3) <= c:at(ap:get(i, 2)) + 1e-9, "agglomerative below the IB curve") end
-- with two clusters of X (deterministic), one merge loses all information
local ag = ib.agglomerative(tensor.new{{0.25, 0}, {0.25, 0}, {0, 0.5}})
close(ag:at(1), 1, 1e-12, "deterministic agglomerative")

-- ib.gap
close(ib.gap(c, p:get(5, 2), p:get(5, 3) - 0.1), 0.1, 1e-12, "gap below the curve")

local gt = ib.gap(c, tensor.new{p:get(5, 2), p:get(6, 2)}, tensor.new{p:get(5, 3), 0})
close(gt:get(1), 0, 1e-12, "gap of a curve vertex"); close(gt:get(2), p:get(6, 3), 1e-12, "gap of a point at I(T;Y) = 0")

-- Fixed schedule: the authors' reverse annealing on a small deterministic problem stays at T = Y.
local det = tensor.new{{0.25, 0}, {0.25, 0}, {0, 0.25}, {0, 0.25}}
local betas = {}
for k = 0, 20 do betas[#betas + 1] = 300 * 0.75 ^ k end
local fx = ib.curve(det, {betas = betas, iterations = 5, init = "identity"})
local fp = fx:points()
assert(fp:size(1) == #betas, "one point per beta")
for i = 1, fp:size(1) do close(fp:get(i, 2), 1, 1e-12, "I(X;T) = H(Y)"); close(fp:get(i, 3), 1, 1e-12, "I(T;Y) = H(Y)") end
local fx2 = ib.curve(det, {betas = betas, iterations = 5, init = "identity", merge = false})
for i = 1, fp:size(1) do close(fx2:points():get(i, 2), fp:get(i, 2), 1e-12, "merging duplicate clusters is exact") end

-- A soft joint with 300 distinct p(y|x): the streaming update (no encoders kept) matches the stored one,
-- and exact merging of duplicate clusters changes nothing.
local soft = random_joint(300, 2, 11)
local sched = {}
for k = 0, 15 do sched[#sched + 1] = 200 * 0.7 ^ k end
local s1 = ib.curve(soft, {betas = sched, iterations = 5, init = "identity"}):raw()
local s2 = ib.curve(soft, {betas = sched, iterations = 5, init = "identity", encoders = true}):raw()
local s3 = ib.curve(soft, {betas = sched, iterations = 5, init = "identity", merge = false}):raw()
for i = 1, #sched do
  close(s1:get(i, 2), s2:get(i, 2), 1e-10, "streaming I(X;T) at beta " .. sched[i])
  close(s1:get(i, 3), s2:get(i, 3), 1e-10, "streaming I(T;Y) at beta " .. sched[i])
  close(s1:get(i, 2), s3:get(i, 2), 1e-10, "merge vs no merge I(X;T)")
  close(s1:get(i, 3), s3:get(i, 3), 1e-10, "merge vs no merge I(T;Y)")
end
-- A deterministic 512 x 2 joint: streaming with exact merges (H(T|X) corrected on each merge) agrees too.
math.randomseed(5)
local dj = tensor.zeros(512, 2)
for x = 1, 512 do dj:set(x, math.random(2), 1 / 512) end
local dsched = {8, 2, 1.2, 0.9, 0.5}
local d1 = ib.curve(dj, {betas = dsched, iterations = 5, init = "identity"}):raw()
local d2 = ib.curve(dj, {betas = dsched, iterations = 5, init = "identity", encoders = true}):raw()
local d3 = ib.curve(dj, {betas = dsched, iterations = 5, init = "identity", merge = false}):raw()
for i = 1, #dsched do
  for col = 2, 4 do
    close(d1:get(i, col), d2:get(i, col), 1e-10, "deterministic streaming column " .. col)
    -- H(T) (column 4) counts duplicate clusters; I(X;T) and I(T;Y) do not
    if col < 4 then close(d1:get(i, col), d3:get(i, col), 1e-10, "deterministic no-merge column " .. col) end
  end
end
print("OK")
