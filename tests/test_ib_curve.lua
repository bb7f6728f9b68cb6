-- ib.curve: var_u's exact broken line and the DSBS curve of Mrs. Gerber's lemma.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")

local close = check.close

-- var_u: I(T;Y) = min(I(X;T), H(Y)), H(Y) = 0.99916 bits.
local pxy = data.tishby():joint()
assert(pxy:size(1) == 4096 and pxy:size(2) == 2, "var_u joint is 4096 x 2")
local t0 = os.clock()
local c = ib.curve(pxy)
local secs = os.clock() - t0
assert(secs < 10, "var_u default curve took " .. secs .. " s (well under 1 s in a release build)")
local hy = c:info().hy
close(hy, 0.99916, 5e-6, "H(Y) of var_u")
close(c:info().ixy, hy, 1e-12, "I(X;Y) = H(Y)")
close(c:beta0(), 1.0, 1e-9, "beta0 of deterministic labels")
for _, x in ipairs{0, 0.05, 0.2, 0.5, 0.8, 0.99, 1.0, 1.5, 4, 11.9, 12, 20} do
  close(c:at(x), math.min(x, hy), 1e-6, "var_u curve at I(X;T) = " .. x)
end
local p = c:points()
local n, k = p:size()
assert(k == 3, "points() has 3 columns")
assert(n >= 3, "points() has the trivial point, the corner and the flat end")
for i = 1, n do
  close(p:get(i, 3), math.min(p:get(i, 2), hy), 1e-6, "var_u point " .. i)
  if i > 1 then assert(p:get(i, 2) > p:get(i - 1, 2), "points sorted by I(X;T)") end
end
close(p:get(n, 2), 12, 1e-9, "flat end at H(X) = 12 bits")
assert(tostring(c):match("^ibsh.IBCurve"), "tostring names the type")

-- Encoders on request come back on the user's 4096 x's; x's with one label share a row.
local ce = ib.curve(pxy, {encoders = true})
local q = ce:encoder(#ce - 1)          -- T = X' at (H(Y), H(Y)): two clusters
local qr, qc = q:size()
assert(qr == 4096 and qc == 2, "encoder is |X| x |T|: " .. qr .. "x" .. qc)
local rowof = {}
for x = 1, 4096 do
  local lab = pxy:get(x, 2) > 0 and 2 or 1
  rowof[lab] = rowof[lab] or {q:get(x, 1), q:get(x, 2)}
  close(q:get(x, 1), rowof[lab][1], 0, "same label, same encoder row (x " .. x .. ")")
  close(q:get(x, 2), rowof[lab][2], 0, "same label, same encoder row (x " .. x .. ")")
end
close(rowof[1][1] + rowof[2][1], 1, 1e-12, "the two labels go to different clusters")
close(rowof[1][1] * rowof[1][2], 0, 1e-12, "hard encoder at T = X'")

-- Unreduced path (no merging of equal p(y|x)) gives the same curve.
local cu = ib.curve(pxy, {reduce = false, npoints = 8, iterations = 50})
for _, x in ipairs{0.3, 0.9, 2} do close(cu:at(x), math.min(x, hy), 1e-6, "unreduced var_u at " .. x) end

-- DSBS (Mrs. Gerber's lemma): I(T;Y) = 1 - h(eps * h^-1(1 - I(X;T))).
local function h(q) if q <= 0 or q >= 1 then return 0 end return -(q * math.log(q, 2) + (1 - q) * math.log(1 - q, 2)) end
local function hinv(v) local lo, hi = 0, 0.5 for _ = 1, 200 do local m = (lo + hi) / 2 if h(m) < v then lo = m else hi = m end end return (lo + hi) / 2 end
local function mgl(eps, r) local a = hinv(1 - r) return 1 - h(eps * (1 - a) + a * (1 - eps)) end
local tables = {
  [0.1] = {{0.05, 0.031864}, {0.1, 0.063443}, {0.2, 0.125659}, {0.3, 0.186450}, {0.4, 0.245567}, {0.5, 0.302684},
           {0.6, 0.357368}, {0.7, 0.409015}, {0.8, 0.456718}, {0.9, 0.498910}, {0.95, 0.516944}, {1.0, 0.531004}},
  [0.2] = {{0.1, 0.035452}, {0.25, 0.086406}, {0.5, 0.164309}, {0.75, 0.230779}, {1.0, 0.278072}},
}
for _, eps in ipairs{0.1, 0.2} do
  local d = ib.curve(tensor.new{{(1 - eps) / 2, eps / 2}, {eps / 2, (1 - eps) / 2}})
  close(d:beta0(), 1 / (1 - 2 * eps) ^ 2, 1e-9, "DSBS beta0")
  for _, row in ipairs(tables[eps]) do
    -- the table has 6 decimals; the formula is checked to 1e-6 against the curve
    close(mgl(eps, row[1]), row[2], 6e-7, "table vs formula")
    close(d:at(row[1]), mgl(eps, row[1]), 1e-6, string.format("DSBS eps=%g at I(X;T)=%g", eps, row[1]))
  end
  local env = d:points()
  for i = 1, env:size(1) do
    local ix = env:get(i, 2)
    if ix <= 1 then close(env:get(i, 3), mgl(eps, ix), 1e-6, "DSBS envelope point " .. i) end
  end
  local raw = d:raw()
  for i = 1, raw:size(1) do
    local ix = raw:get(i, 2)
    -- raw points are feasible encoders (the annealing also visits betas below beta0): never above the curve
    if ix <= 1 then assert(raw:get(i, 3) <= mgl(eps, ix) + 1e-9, "DSBS raw point " .. i .. " above the curve") end
  end
end
print("OK")
