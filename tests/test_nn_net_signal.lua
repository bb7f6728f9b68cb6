-- SIGTERM during the fit of an nn.net (a child ibsh; float32 CNN with batch norm) stops after the current batch and
-- keeps every completed epoch in the run directory; the saved run loads, its last snapshot matches its saved state,
-- and it resumes.
local ibsh = os.getenv("IBSH_BINARY")
if not ibsh then print("OK (skipped: IBSH_BINARY not set)") return end
local tmp = os.tmpname()
os.remove(tmp)
assert(os.execute("mkdir -p '" .. tmp .. "'"))
local script = tmp .. "/child.lua"
local f = assert(io.open(script, "w"))
f:write([[
local d = {x = tensor.rand(2000, 64, {seed = 1}), y = tensor.zeros(2000)}
for i = 1, 2000 do d.y[i] = d.x:get(i, 1) > 0.5 and 1 or 0 end
local net = nn.net{input = {1, 8, 8}, dtype = "float32", seed = 1, layers = {{"conv", 4, k = 3}, {"batchnorm"}, {"relu"},
  {"maxpool", 2}, {"flatten"}, {"dense", 2}}}
local m = io.open(arg[1] .. "/started", "w"); m:write("1"); m:close()
net:fit(d, {epochs = 100000, batch = 50, dir = arg[1] .. "/run", quiet = true})
]])
f:close()
local sh = string.format([[
exec 2>/dev/null
"%s" "%s" "%s" 2>"%s/stderr" &
pid=$!
i=0
while [ ! -f "%s/started" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
sleep 1
kill -TERM $pid
wait $pid
echo $? > "%s/status"
]], ibsh, script, tmp, tmp, tmp, tmp)
os.execute(sh)
local status = io.open(tmp .. "/status"):read("l")
local err = io.open(tmp .. "/stderr"):read("a")
-- 143: killed by the re-raised SIGTERM (no handler of the shell's own); 0 or 1 if the shell handles SIGTERM itself
assert(status == "143" or status == "0" or status == "1", "the child stops after saving (status " .. tostring(status) .. ", stderr: " .. err .. ")")
assert(err:find("interrupted; keeping the %d+ completed epochs"), "message on stderr: " .. err)
local run = nn.load_run(tmp .. "/run")
local E = run:nepochs()
assert(E >= 1, "at least one completed epoch was kept")
assert(run:epochs():size() == E + 1 and run:epochs():get(E + 1) == E, "snapshots 0..E")
local m = run:metrics()
assert(m.train_loss:size() == E and m.train_loss:get(E) == m.train_loss:get(E), "metrics of every completed epoch")
assert((run:net(E):params() - run:net():params()):abs():max() == 0, "the saved state is the end of the last completed epoch")
assert(tostring(run):find("conv4k3"), "a layer network's run")
local d = {x = tensor.rand(2000, 64, {seed = 1}), y = tensor.zeros(2000)}
for i = 1, 2000 do d.y[i] = d.x:get(i, 1) > 0.5 and 1 or 0 end
local net = nn.net{input = {1, 8, 8}, dtype = "float32", seed = 1, layers = {{"conv", 4, k = 3}, {"batchnorm"}, {"relu"},
  {"maxpool", 2}, {"flatten"}, {"dense", 2}}}
local r2 = net:fit(d, {epochs = 1, batch = 50, resume = tmp .. "/run", quiet = true})
assert(r2:nepochs() == E + 1, "resumed after the interrupt")
os.execute("rm -rf '" .. tmp .. "'")
print("OK")
