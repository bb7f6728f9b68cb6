-- ibsh.data: the public data module (C core in src/lua/ldata.c, Lua additions here).
local M = require "ibsh.core.data"
local help = require "ibsh.core.help"

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

return M
