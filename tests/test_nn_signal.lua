-- SIGTERM during fit (a child ibsh) stops after the current batch and keeps every completed epoch
-- in the run directory; the saved run loads and its last snapshot matches its saved state.
local ibsh = os.getenv("IBSH_BINARY")
if not ibsh then print("OK (skipped: IBSH_BINARY not set)") return end
local tmp = os.tmpname()
os.remove(tmp)
assert(os.execute("mkdir -p '" .. tmp .. "'"))
local script = tmp .. "/child.lua"
local f = assert(io.open(script, "w"))
f:write([[
local xs, ys = {}, {}
for i = 1, 2000 do
  local a, b = math.sin(i * 1.3), math.cos(i * 0.7)
  xs[i] = {a, b, a * b, a - b}
  ys[i] = (a + b > 0) and 1 or 0
end
local d = {x = tensor.new(xs), y = tensor.new(ys)}
local net = nn.mlp{4, 16, 2, act = "tanh", seed = 1}
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
local last, state = run:weights(E), run:net():weights()
for l = 1, #last do
  assert(last[l].W:get(1, 1) == state[l].W:get(1, 1) and last[l].b:get(2) == state[l].b:get(2),
         "the saved state is the end of the last completed epoch")
end
os.execute("rm -rf '" .. tmp .. "'")
print("OK")
