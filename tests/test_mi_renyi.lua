-- mi.renyi and mi.renyi_entropy against closed forms (two and three points, clusters, label kernels),
-- against a plain Lua reference through t:eigh(), and the identities of the kernel variants.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local near, fails = check.close, check.fails

-- Renyi entropy in bits of the probability vector p.
local function renyi_of(p, alpha)
  local s = 0
  for _, v in ipairs(p) do if v > 0 then s = s + v ^ alpha end end
  return math.log(s, 2) / (1 - alpha)
end

-- Two points at distance r: A = [[1, k], [k, 1]] / 2 has eigenvalues (1 +- k) / 2.
for _, alpha in ipairs{1.01, 2, 0.5, 3} do
  for _, r in ipairs{0.3, 1, 2.5} do
    local sigma = 0.7
    local k = math.exp(-r * r / (2 * sigma * sigma))
    local x = tensor.new{{0, 0}, {r * 0.6, r * 0.8}}
    near(mi.renyi_entropy(x, {sigma = sigma, alpha = alpha}), renyi_of({(1 + k) / 2, (1 - k) / 2}, alpha), 1e-12,
      "two points, alpha " .. alpha .. ", r " .. r)
  end
end

-- Three points on an equilateral triangle of side 1: eigenvalues (1 + 2k) / 3 and (1 - k) / 3 twice.
do
  local sigma, alpha = 0.8, 1.01
  local k = math.exp(-1 / (2 * sigma * sigma))
  local x = tensor.new{{0, 0}, {1, 0}, {0.5, math.sqrt(3) / 2}}
  near(mi.renyi_entropy(x, {sigma = sigma, alpha = alpha}), renyi_of({(1 + 2 * k) / 3, (1 - k) / 3, (1 - k) / 3}, alpha),
    1e-12, "equilateral triangle")
  near(mi.renyi_entropy(x, {sigma = sigma, alpha = alpha, unit = "nats"}),
    renyi_of({(1 + 2 * k) / 3, (1 - k) / 3, (1 - k) / 3}, alpha) * math.log(2), 1e-12, "nats")
end

-- Tight clusters far apart: the spectrum is the cluster proportions, so S is the Renyi entropy of them,
-- and so is I(X; labels) (S(A) + S(B) - S(A o B) with S(A o B) = S(A)); labels take the closed form.
do
  local rows, labels = {}, {}
  local sizes = {5, 3, 8, 4}
  for c, m in ipairs(sizes) do
    for _ = 1, m do
      rows[#rows + 1] = {100 * c, -50 * c}
      labels[#labels + 1] = c - 1
    end
  end
  local x, y = tensor.new(rows), tensor.new(labels)
  local p = {}
  for c, m in ipairs(sizes) do p[c] = m / 20 end
  for _, alpha in ipairs{1.01, 2, 1.5} do
    local h = renyi_of(p, alpha)
    near(mi.renyi_entropy(x, {sigma = 1, alpha = alpha}), h, 1e-12, "clusters, alpha " .. alpha)
    near(mi.renyi_entropy(y, {labels = true, alpha = alpha}), h, 1e-12, "label entropy, alpha " .. alpha)
    local i, hx, hy, hxy = mi.renyi(x, y, {sigma = 1, alpha = alpha, labels = true})
    near(i, h, 1e-12, "I(clusters; labels), alpha " .. alpha)
    near(hx, h, 1e-12, "S(x)")
    near(hy, h, 1e-12, "S(y)")
    near(hxy, h, 1e-12, "S(x, y)")
  end
  -- One point per row far apart: A = I / n, S = log2 n.
  near(mi.renyi_entropy(tensor.arange(1, 33):reshape(32, 1) * 100, {sigma = 1}), 5, 1e-12, "distinct points: log2 n")
  -- All rows equal: a single eigenvalue 1, S = 0.
  near(mi.renyi_entropy(tensor.ones(10, 3), {sigma = 1}), 0, 1e-12, "identical rows")
end

-- A reference in plain Lua: Gram matrix by loops, eigenvalues through t:eigh(), joint by the Hadamard product.
local function gram(x, sigma)
  local n, d = x:size(1), x:size(2)
  local a = tensor.zeros(n, n)
  for i = 1, n do
    for j = 1, n do
      local s = 0
      for c = 1, d do s = s + (x[i][c] - x[j][c]) ^ 2 end
      a[i][j] = math.exp(-s / (2 * sigma * sigma)) / n
    end
  end
  return a
end
local function entropy_of(a, alpha)
  local w = a:eigh()
  local s = 0
  for i = 1, w:size(1) do if w[i] > 0 then s = s + w[i] ^ alpha end end
  return math.log(s, 2) / (1 - alpha)
end
local function hadamard(a, b)
  local c = a * b
  local tr = 0
  for i = 1, c:size(1) do tr = tr + c[i][i] end
  return c / tr
end
do
  local r = tensor.rng(7)
  local x = tensor.randn(60, 3, r)
  local y = (x:narrow(2, 1, 2) * 0.8 + tensor.randn(60, 2, r) * 0.6):tanh()
  for _, alpha in ipairs{1.01, 2, 0.7} do
    local a, b = gram(x, 1.3), gram(y, 0.9)
    local hx, hy, hxy = entropy_of(a, alpha), entropy_of(b, alpha), entropy_of(hadamard(a, b), alpha)
    local i, gx, gy, gxy = mi.renyi(x, y, {sigma = 1.3, sigma_y = 0.9, alpha = alpha})
    near(gx, hx, 1e-9, "S(x) vs reference, alpha " .. alpha)
    near(gy, hy, 1e-9, "S(y) vs reference")
    near(gxy, hxy, 1e-9, "S(x, y) vs reference")
    near(i, hx + hy - hxy, 1e-9, "I vs reference")
  end
  -- A number given as sigma serves y too.
  near(mi.renyi(x, y, {sigma = 1.1}), mi.renyi(x, y, {sigma = 1.1, sigma_y = 1.1}), 0, "sigma_y defaults to sigma")
  -- Wide rows take the dsyrk path: the same values as the direct differences (40 columns vs the reference).
  local w = tensor.randn(40, 40, r)
  near(mi.renyi_entropy(w, {sigma = 6}), entropy_of(gram(w, 6), 1.01), 1e-9, "wide rows (Gram through dsyrk)")
  -- Permuting the rows changes nothing.
  local perm = tensor.randperm(60, r)
  local xp, yp = x:index(1, perm), y:index(1, perm)
  near(mi.renyi(xp, yp, {sigma = 1.3}), mi.renyi(x, y, {sigma = 1.3}), 1e-10, "row order")
end

-- The labels path (classes decomposed block by block) equals the dense path with the labels as far-apart points.
do
  local r = tensor.rng(3)
  local x = tensor.randn(90, 2, r)
  local labels = tensor.zeros(90)
  for i = 1, 90 do labels[i] = (x[i][1] > 0.3 and 1 or 0) + (x[i][2] > 0 and 2 or 0) end
  local far = labels:reshape(90, 1) * 1000
  for _, alpha in ipairs{1.01, 2} do
    local i1 = mi.renyi(x, labels, {sigma = 0.8, alpha = alpha, labels = true})
    local i2 = mi.renyi(x, far, {sigma = 0.8, sigma_y = 1, alpha = alpha})
    near(i1, i2, 1e-10, "labels: blocks vs dense, alpha " .. alpha)
  end
end

-- Kernel variants: "tensor" with a numeric width is the Gaussian kernel; "multivariate" with two equal
-- channels of width s is the Gaussian kernel of one channel with width s / sqrt(2); one channel is the plain kernel.
do
  local r = tensor.rng(11)
  local u = tensor.randn(50, 4, r)
  local both = tensor.cat({u, u}, 2)
  near(mi.renyi_entropy(u, {sigma = 1.5, kernel = "tensor"}), mi.renyi_entropy(u, {sigma = 1.5}), 0, "tensor kernel")
  near(mi.renyi_entropy(both, {sigma = 1.5, kernel = "multivariate", channels = 2}),
    mi.renyi_entropy(u, {sigma = 1.5 / math.sqrt(2)}), 1e-10, "multivariate, two equal channels")
  near(mi.renyi_entropy(u, {sigma = 1.5, kernel = "multivariate", channels = 1}), mi.renyi_entropy(u, {sigma = 1.5}), 0,
    "multivariate, one channel")
  -- Width rules: Scott's is sqrt(total variance) * n^(-1/(4 + d)); a value in between the extremes.
  local tv = 0
  for c = 1, 4 do
    local col = u:select(2, c)
    local m = col:mean()
    tv = tv + ((col - m) ^ 2):sum() / 49
  end
  near(mi.renyi_entropy(u), mi.renyi_entropy(u, {sigma = math.sqrt(tv) * 50 ^ (-1 / 8)}), 1e-12, "Scott's rule")
  local knn = mi.renyi_entropy(u, {sigma = "knn"})
  assert(knn > 0 and knn < math.log(50, 2), "knn width gives an entropy inside (0, log2 n)")
end

-- Bad input.
local x = tensor.new{{0, 1}, {1, 0}, {2, 2}}
fails("mi.renyi: alpha = 1 is the Shannon limit", mi.renyi, x, x, {alpha = 1})
fails("mi.renyi_entropy: sigma must be a positive finite number, got -1", mi.renyi_entropy, x, {sigma = -1})
fails("mi.renyi: sigma_y must be a positive finite number, got 0", mi.renyi, x, x, {sigma_y = 0})
fails("mi.renyi: x has 3 rows but y has 2", mi.renyi, x, tensor.new{{1}, {2}})
fails("mi.renyi: kernel must be", mi.renyi, x, x, {kernel = "cubic"})
fails("mi.renyi_entropy: 2 columns do not split into 3 channels", mi.renyi_entropy, x, {kernel = "multivariate", channels = 3})
fails("mi.renyi_entropy: entry 2 is NaN", mi.renyi_entropy, tensor.new{{0, 0 / 0}, {1, 1}}, {sigma = 1})
fails("mi.renyi: unknown option", mi.renyi, x, x, {sigmax = 1})
fails("mi.renyi_entropy: sigma must be a number, \"scott\" or \"knn\"", mi.renyi_entropy, x, {sigma = "wide"})

-- mi.infoplane with the Renyi estimator: batches of rows averaged; the plane's shape and bounds.
do
  local d = data.tishby()
  local train = d:split{train = 0.8, seed = 0}
  local net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = "tanh", seed = 0}
  local run = net:fit(train, {epochs = 2, batch = 512, optim = "adam", lr = 4e-4, quiet = true})
  local plane, epochs = mi.infoplane(run, d, {estimator = "renyi", batch = 512, epochs = {2}})
  assert(plane:size(1) == 1 and plane:size(2) == 6 and plane:size(3) == 2, "plane is 1 x 6 x 2")
  for l = 1, 6 do
    local ixt, ity = plane[1][l][1], plane[1][l][2]
    assert(ixt > 0 and ixt <= 9 + 1e-9, "I(X;T) within (0, log2 512]: " .. ixt)
    assert(ity >= -1e-9 and ity <= 1 + 1e-9, "I(T;Y) within [0, H(Y)]: " .. ity)
  end
  -- The first batch's value for the last layer, by hand.
  local acts = run:activations(2, d.x)
  local t6 = acts[6]
  local lab = d.y
  if lab:dim() == 2 then lab = lab:argmax(2) - 1 end
  local ity8 = 0
  for b = 1, 8 do
    ity8 = ity8 + mi.renyi(t6:narrow(1, (b - 1) * 512 + 1, 512), lab:narrow(1, (b - 1) * 512 + 1, 512), {labels = true})
  end
  near(plane[1][6][2], ity8 / 8, 1e-12, "infoplane = mean over the 8 batches")
  assert(epochs[1] == 2)
end
print("ok")
