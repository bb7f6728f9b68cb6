-- ibsh.data: the public data module (C core in src/lua/ldata.c, Lua additions here).
local M = require "ibsh.core.data"
local help = require "ibsh.core.help"

-- The directory of the shipped data files: $IBSH_DATADIR, else share/ibsh beside this
-- file's share/lua/5.4 (install and build trees), else data/ of a source tree.
local function data_dir()
  local env = os.getenv("IBSH_DATADIR")
  if env and env ~= "" then return env end
  local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
  local share = here:match("^(.*)/lua/5%.4/ibsh$")
  if share then return share .. "/ibsh" end
  return here .. "/../../data"
end
M.dir = data_dir()

-- data.fashion_mnist{train = true|false, ...}: Fashion-MNIST from Debian's package (loader in nn).
function M.fashion_mnist(opts)
  local raw = require("ibsh.nn").fashion_mnist(opts)
  local name = (opts and opts.train == false) and "fashion_mnist_test" or "fashion_mnist_train"
  local d = M.new{x = raw.x, y = raw.y, name = name}
  d.classes = raw.classes
  return d
end
help.set(M.fashion_mnist, "data.fashion_mnist", [[
data.fashion_mnist{train = true, ...}

Fashion-MNIST from Debian's dataset-fashion-mnist package (IDX .gz files under
/usr/share/datasets/fashion-mnist; scripts/setup installs it): d.x holds the images as rows
of 784 values, d.y the labels 0..9, d.classes their names; a data set with split, subset
and joint like data.tishby(). train = false gives the 10 000 test images. Other options
are those of nn.fashion_mnist (see help(nn.fashion_mnist)); a clear error names the package
when it is missing.

Example: local test = data.fashion_mnist{train = false}; print(test.x:size(1))  --> 10000]])

local dataset_methods = debug.getregistry()["ibsh.Dataset"].__index

-- data.onehot(y, classes): an n x classes tensor with a 1 in column y_i + 1 of row i.
function M.onehot(y, classes)
  if not tensor.is_tensor(y) then error("data.onehot: argument #1 must be a tensor of labels, got " .. type(y), 2) end
  local n = y:numel()
  local labels = y:reshape(n)
  local top = n > 0 and labels:max() or -1
  classes = classes or math.tointeger(math.floor(top) + 1)
  if type(classes) ~= "number" or classes < 1 or classes ~= math.floor(classes) then
    error("data.onehot: classes must be a positive integer", 2)
  end
  local out = tensor.zeros(n, classes)
  for i = 1, n do
    local c = labels:get(i)
    if c < 0 or c >= classes or c ~= math.floor(c) then
      error(("data.onehot: label %g at row %d is not an integer in 0..%d"):format(c, i, classes - 1), 2)
    end
    out:set(i, math.tointeger(c) + 1, 1)
  end
  return out
end
help.set(M.onehot, "data.onehot", [[
data.onehot(y [, classes])

One-hot rows of integer labels (0-based): an n x classes tensor with a 1 in column y_i + 1
of row i; classes defaults to 1 + the largest label. Non-integer or out-of-range labels are
an error naming the row.

Example: print(data.onehot(tensor.new{0, 2, 1}))]])

-- d:standardize([stats]): columns shifted to mean 0 and scaled to std 1 (constant columns only centred).
function dataset_methods.standardize(d, stats)
  if stats ~= nil and (type(stats) ~= "table" or not tensor.is_tensor(stats.mean) or not tensor.is_tensor(stats.std)) then
    error("Dataset:standardize: argument #2 must be {mean = tensor, std = tensor} (the stats of another set)", 2)
  end
  local mean = stats and stats.mean or d.x:mean(1)
  local std = stats and stats.std or d.x:std(1)
  local _, dims = d.x:size()
  if mean:numel() ~= dims or std:numel() ~= dims then
    error(("Dataset:standardize: stats have %d values, the data %d columns"):format(mean:numel(), dims), 2)
  end
  local scale = std:clone()
  for j = 1, dims do if scale:get(j) == 0 then scale:set(j, 1) end end
  local out = M.new{x = (d.x - mean:reshape(1, dims)) / scale:reshape(1, dims), y = d.y, name = d.name}
  return out, {mean = mean, std = std}
end
help.set(dataset_methods.standardize, "Dataset:standardize", [[
d:standardize([stats])

A copy of the data set whose input columns have mean 0 and standard deviation 1 (ddof 0;
constant columns are only centred), and the statistics used, {mean = tensor, std = tensor}.
Pass the training set's statistics to standardise a test set the same way.

Example: local tr, stats = train:standardize(); local te = test:standardize(stats)]])

return M
