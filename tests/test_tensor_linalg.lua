-- Linear algebra (BLAS products, LAPACK factorisations) against hand-computed results.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local T = require "ibsh.tensor"

local function near(a, b, tol, msg) check.close(a, b, tol or 1e-12, msg) end

local function same(t, expect, msg, tol) check.same(t, expect, tol or 1e-10, msg) end

local a = T.new{{1, 2, 3}, {4, 5, 6}}          -- 2x3
local b = T.new{{7, 8}, {9, 10}, {11, 12}}     -- 3x2
same(a:mm(b), {58, 64, 139, 154}, "mm 2x3 @ 3x2")
same(b:mm(a), {39, 54, 69, 49, 68, 87, 59, 82, 105}, "mm 3x2 @ 2x3")
same(a:mm(a:t()), {14, 32, 32, 77}, "mm with a transposed view (no copy)")
same(a:t():mm(a), {17, 22, 27, 22, 29, 36, 27, 36, 45}, "mm of a transposed left operand")
same(a:narrow(2, 2, 2):mm(T.eye(2)), {2, 3, 5, 6}, "mm of a narrowed view (row stride 3)")
same(T.arange(8):view(2, 2, 2):select(3, 1):mm(T.eye(2)), {0, 2, 4, 6}, "mm of a view needing a copy")
same(T.mm(a, b), {58, 64, 139, 154}, "tensor.mm")
check.fails("Tensor:mm: sizes 2x3 and 2x3 do not match", function() a:mm(a) end)  -- mm mismatch
check.fails("needs two 2-d tensors", function() a:mm(T.ones(3)) end)  -- mm with a vector

same(a:mv(T.new{1, 0, -1}), {-2, -2}, "mv")
same(a:t():mv(T.new{1, 1}), {5, 7, 9}, "mv with a transposed matrix")
near(T.new{1, 2, 3}:dot(T.new{4, 5, 6}), 32, 0, "dot")
near(a:select(2, 1):dot(a:select(2, 3)), 27, 0, "dot of strided columns")
same(T.new{1, 2}:outer(T.new{3, 4, 5}), {3, 4, 5, 6, 8, 10}, "outer")
check.fails("lengths 2 and 1 differ", function() T.new{1, 2}:dot(T.new{1}) end)  -- dot mismatch

-- solve, inverse, determinant
local m = T.new{{4, 3}, {6, 3}}
same(T.solve(m, T.new{10, 12}), {1, 2}, "solve with a vector")
same(T.solve(m, T.new{{10, 7}, {12, 9}}), {1, 1, 2, 1}, "solve with a matrix")
same(m:inv(), {-0.5, 0.5, 1, -2 / 3}, "inv")
same(m:mm(m:inv()), {1, 0, 0, 1}, "m @ inv(m)")
near(m:det(), -6, 1e-12, "det 2x2")
near(T.new{{2, 0, 0}, {0, 3, 0}, {0, 0, 4}}:det(), 24, 1e-12, "det diagonal")
near(T.new{{0, 1}, {1, 0}}:det(), -1, 1e-12, "det with a row swap")
near(T.new{{1, 2}, {2, 4}}:det(), 0, 1e-12, "det singular")
check.fails("singular", function() T.new{{1, 2}, {2, 4}}:inv() end)  -- inv of a singular matrix
check.fails("square", function() T.solve(T.ones(2, 3), T.ones(2)) end)  -- solve non-square

-- Cholesky: [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, sqrt 2]]
local spd = T.new{{4, 2}, {2, 3}}
same(spd:cholesky(), {2, 0, 1, math.sqrt(2)}, "cholesky")
check.fails("not positive definite", function() T.new{{1, 2}, {2, 1}}:cholesky() end)  -- cholesky of an indefinite matrix

-- eigh: [[2, 1], [1, 2]] has eigenvalues 1, 3 with vectors (1, -1)/sqrt2, (1, 1)/sqrt2
local w, v = T.new{{2, 1}, {1, 2}}:eigh()
same(w, {1, 3}, "eigh values ascending")
near(math.abs(v:get(1, 1)), 1 / math.sqrt(2), 1e-12, "eigh vector 1")
near(v:get(1, 1) * v:get(2, 1), -0.5, 1e-12, "eigh vector 1 direction")
near(v:get(1, 2) * v:get(2, 2), 0.5, 1e-12, "eigh vector 2 direction")
local s3 = T.new{{2, -1, 0}, {-1, 2, -1}, {0, -1, 2}}
local w3, v3 = s3:eigh()
same(w3, {2 - math.sqrt(2), 2, 2 + math.sqrt(2)}, "eigh 3x3 values")
same(s3:mm(v3), v3 * w3, "A V = V diag(w)")

-- SVD: [[3, 0], [0, -2]] has singular values 3, 2; a rank-1 matrix has one nonzero value
local u, s, vt = T.new{{3, 0}, {0, -2}}:svd()
same(s, {3, 2}, "svd values")
same((u * s):mm(vt), {3, 0, 0, -2}, "U diag(S) Vt reconstructs")
local u2, s2, vt2 = T.new{{1, 2}, {2, 4}, {3, 6}}:svd()
assert(u2:size(2) == 2 and vt2:size(1) == 2, "thin svd shapes")
near(s2[1], math.sqrt(70), 1e-12, "rank-1 singular value")
near(s2[2], 0, 1e-12, "rank-1 second singular value")
print("OK")
