-- data.fashion_mnist: the Fashion-MNIST test set from Debian's package (installed by scripts/setup).
local d = data.fashion_mnist{train = false}
local n, dims = d:size()
assert(n == 10000 and dims == 784, ("test set is 10000 x 784, got %d x %d"):format(n, dims))
assert(#d.classes == 10 and d.classes[1] == "T-shirt/top", "class names")
-- The test set has exactly 1000 images of each class.
local counts = {}
for i = 1, n do
  local c = d.y:get(i)
  counts[c] = (counts[c] or 0) + 1
end
for c = 0, 9 do assert(counts[c] == 1000, ("class %d has %s images"):format(c, tostring(counts[c]))) end
-- Pixels are scaled to [0, 1].
assert(d.x:min() >= 0 and d.x:max() <= 1 and d.x:max() > 0.99, "pixels scaled to [0, 1]")
local train, test = d:split{train = 0.9, seed = 0}
assert(#train == 9000 and #test == 1000)
print("OK")
