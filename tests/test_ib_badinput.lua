-- ib.curve rejects bad joints and options with errors naming the problem.
local check = dofile(os.getenv("IBSH_SOURCE_DIR") .. "/tests/lib/check.lua")
local good = tensor.new{{0.4, 0.1}, {0.1, 0.4}}
check.fails("sums to", function() ib.curve(tensor.new{{0.4, 0.1}, {0.1, 0.3}}) end)  -- not summing to 1
check.fails("negative", function() ib.curve(tensor.new{{0.6, -0.1}, {0.1, 0.4}}) end)  -- negative entry
check.fails("NaN", function() ib.curve(tensor.new{{0 / 0, 0.1}, {0.1, 0.4}}) end)  -- NaN entry
check.fails("column 2", function() ib.curve(tensor.new{{0.5, 0}, {0.5, 0}}) end)  -- empty column
check.fails("row 2", function() ib.curve(tensor.new{{0.5, 0.5}, {0, 0}}) end)  -- empty row
check.fails("2-d", function() ib.curve(tensor.new{1}) end)  -- 1-d joint
check.fails("ib.curve", function() ib.curve("x") end)  -- not a tensor
check.fails("betas", function() ib.curve(good, {betas = {2, -1}}) end)  -- negative beta
check.fails("empty", function() ib.curve(good, {betas = {}}) end)  -- empty schedule
check.fails("beta_max", function() ib.curve(good, {beta_min = 5, beta_max = 2}) end)  -- inverted range
check.fails("init", function() ib.curve(good, {init = "zeros"}) end)  -- bad init
check.fails("unknown option", function() ib.curve(good, {bogus = 1}) end)  -- unknown option
check.fails("alpha", function() ib.curve(good, {alpha = -1}) end)  -- negative alpha
check.fails("encoders = true", function() ib.curve(good):encoder(1) end)  -- no encoders kept
check.fails("out of range", function() ib.curve(good, {encoders = true}):encoder(99999) end)  -- encoder index
check.fails("3 rows but the joint has 2", function() ib.consistency(tensor.new{{0.5, 0.5}, {1, 0}, {0, 1}}, good) end)  -- encoder rows
check.fails("sums to", function() ib.consistency(tensor.new{{0.5, 0.6}, {1, 0}}, good) end)  -- encoder row not normalised
check.fails("probability", function() ib.consistency(tensor.new{{1.5, -0.5}, {1, 0}}, good) end)  -- negative encoder entry
check.fails("sums to", function() ib.agglomerative(tensor.new{{0.5, 0.1}, {0.1, 0.4}}) end)  -- agglomerative bad joint
check.fails("cov_x must be a tensor", function() ib.gaussian("a", 1, 1) end)  -- gaussian type
check.fails("npoints", function() ib.gaussian(1, 0.5, 1, {npoints = 1}) end)  -- gaussian npoints
check.fails("ib.gap", function() ib.gap(ib.curve(good), 0.5) end)  -- gap without ity
check.fails("ixt must be an information >= 0 (bits), got -5", function() ib.gap(ib.curve(good), -5, 0.5) end)  -- negative ixt
check.fails("ity must be a finite number of bits", function() ib.gap(ib.curve(good), 0.5, 0 / 0) end)  -- NaN ity
check.fails("ixt must be a finite number of bits", function() ib.gap(ib.curve(good), 1 / 0, 0) end)  -- infinite ixt
check.fails("ixt[2] must be an information >= 0", function() ib.gap(ib.curve(good), tensor.new{0.5, -1}, tensor.new{0, 0}) end)
check.close(ib.gap(ib.curve(good), 0, 0), 0, 1e-12, "gap at the origin")
check.fails("option 'npoints' must be in 1..100000, got 1000000000000", function() ib.curve(good, {npoints = 1e12}) end)
check.fails("option 'npoints' must be in 2..1e6, got 1000000000000", function() ib.gaussian(1, 0.5, 1, {npoints = 1e12}) end)
-- a joint off by less than 1e-9 is accepted
ib.curve(tensor.new{{0.4 + 5e-10, 0.1}, {0.1, 0.4}})
print("OK")
