-- Crash tests: load the run directory arg[1] and print "ok <epochs>" if it is complete and consistent
-- (snapshots 0..E, metrics of every epoch, the last snapshot equal to the saved current weights),
-- or "refused <message>" if nn.load_run rejects it.
local ok, run = pcall(nn.load_run, arg[1])
if not ok then print("refused " .. tostring(run)) return end
local E = run:nepochs()
local ep = run:epochs()
assert(ep:size() >= E and ep:get(1) == 0, "snapshots start at 0")
for i = 1, ep:size() do assert(ep:get(i) == i - 1, "snapshot " .. i .. " is epoch " .. (i - 1)) end
local m = run:metrics()
assert(m.train_loss:size() == E, "metrics of every epoch")
for e = 1, E do assert(m.train_loss:get(e) == m.train_loss:get(e), "metric of epoch " .. e .. " is a number") end
local last, state = run:weights(ep:get(ep:size())), run:net():weights()
if ep:get(ep:size()) == E then
  for l = 1, #last do
    for i = 1, last[l].b:numel() do
      assert(last[l].b:get(i) == state[l].b:get(i), "the last snapshot is the saved state (one save, not a mix)")
    end
  end
end
print("ok " .. E)
