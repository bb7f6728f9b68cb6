-- nn.fashion_mnist: the Debian package's IDX files (skipped when absent), hand-made IDX files,
-- and corrupted files rejected with a message.
local tmp = os.tmpname()
os.remove(tmp)
assert(os.execute("mkdir -p '" .. tmp .. "'"))

-- hand-made files: 3 images of 28 x 28 and 3 labels
local function write(name, bytes)
  local f = assert(io.open(tmp .. "/" .. name, "wb")); f:write(bytes); f:close()
end
local img = {string.pack(">I4I4I4I4", 0x00000803, 3, 28, 28)}
for i = 0, 3 * 784 - 1 do img[#img + 1] = string.char(i % 256) end
write("train-images-idx3-ubyte", table.concat(img))
write("train-labels-idx1-ubyte", string.pack(">I4I4", 0x00000801, 3) .. "\7\0\9")
assert(os.execute("gzip -f '" .. tmp .. "/train-images-idx3-ubyte' '" .. tmp .. "/train-labels-idx1-ubyte'"))
local d = nn.fashion_mnist{dir = tmp}
local r, c = d.x:size()
assert(r == 3 and c == 784, "3 x 784 images")
assert(d.y:get(1) == 7 and d.y:get(2) == 0 and d.y:get(3) == 9, "labels")
assert(d.x:get(1, 2) == 1 / 255 and d.x:get(2, 1) == (784 % 256) / 255, "pixels scaled by 1/255, row-major")
assert(nn.fashion_mnist{dir = tmp, scale = false}.x:get(1, 256) == 255, "unscaled pixels")
assert(d.classes[1] == "T-shirt/top" and #d.classes == 10, "class names")

local function expect(pattern, f)
  local ok, e = pcall(f)
  assert(not ok and tostring(e):find(pattern), "error '" .. tostring(e) .. "' should match '" .. pattern .. "'")
end
-- truncated data
write("train-images-idx3-ubyte", table.concat(img):sub(1, 16 + 784 * 2))
assert(os.execute("gzip -f '" .. tmp .. "/train-images-idx3-ubyte'"))
expect("nn.fashion_mnist: .*does not match the compressed file", function() nn.fashion_mnist{dir = tmp} end)
-- bad magic number
write("train-images-idx3-ubyte", "\1\2\3\4garbage")
assert(os.execute("gzip -f '" .. tmp .. "/train-images-idx3-ubyte'"))
expect("not an IDX file", function() nn.fashion_mnist{dir = tmp} end)
-- not gzip at all
write("train-images-idx3-ubyte.gz", "this is not gzip")
expect("nn.fashion_mnist: .*not an IDX file", function() nn.fashion_mnist{dir = tmp} end)
-- missing files name the package
expect("dataset%-fashion%-mnist", function() nn.fashion_mnist{dir = tmp, train = false} end)
expect("unknown option 'test'", function() nn.fashion_mnist{test = true} end)
os.execute("rm -rf '" .. tmp .. "'")

-- the real test set, when Debian's dataset-fashion-mnist is installed
local f = io.open("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
if not f then print("OK (real data skipped: dataset-fashion-mnist not installed)") return end
f:close()
local test = nn.fashion_mnist{train = false}
local n, w = test.x:size()
assert(n == 10000 and w == 784 and test.y:size() == 10000, "10 000 test images")
local counts = {}
for i = 1, n do local y = test.y:get(i); counts[y] = (counts[y] or 0) + 1 end
for k = 0, 9 do assert(counts[k] == 1000, "1000 images of class " .. k) end
assert(test.y:get(1) == 9, "the first test image is an ankle boot")
-- a small network learns something in two epochs on the first 2000 test images
local xs, ys = {}, {}
for i = 1, 2000 do
  local row = {}
  for j = 1, 784 do row[j] = test.x:get(i, j) end
  xs[i], ys[i] = row, test.y:get(i)
end
local sub = {x = tensor.new(xs), y = tensor.new(ys)}
local run = nn.mlp{784, 32, 10, seed = 0}:fit(sub, {epochs = 3, batch = 64, lr = 1e-3, quiet = true, snapshots = "none"})
assert(run:metrics().train_acc:get(3) > 0.6, "fashion accuracy " .. run:metrics().train_acc:get(3))
print("OK")
