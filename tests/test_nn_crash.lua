-- Run directories refuse damaged or mixed contents with a clear error, and a save cleans stale files.
local tmp = os.tmpname()
os.remove(tmp)
assert(os.execute("mkdir -p '" .. tmp .. "'"))

local xs, ys = {}, {}
for i = 1, 60 do
  local a, b = math.sin(i * 1.3), math.cos(i * 0.7)
  xs[i] = {a, b}
  ys[i] = (a + b > 0) and 1 or 0
end
local d = {x = tensor.new(xs), y = tensor.new(ys)}

-- Read or write a whole file.
local function slurp(path)
  local f = assert(io.open(path, "rb")); local s = f:read("a"); f:close(); return s
end
local function spit(path, s)
  local f = assert(io.open(path, "wb")); assert(f:write(s)); assert(f:close())
end
-- A fresh copy of the directory src at dst.
local function copy(src, dst)
  assert(os.execute("rm -rf '" .. dst .. "' && cp -r '" .. src .. "' '" .. dst .. "'"))
end
-- Expect nn.load_run(dir) to fail with a message matching every pattern.
local function refused(dir, what, ...)
  local ok, e = pcall(nn.load_run, dir)
  assert(not ok, what .. ": the damaged directory loaded")
  for _, p in ipairs{...} do assert(e:find(p), what .. ": " .. e) end
end

local runA = nn.mlp{2, 5, 2, seed = 1}:fit(d, {epochs = 7, batch = 20, dir = tmp .. "/a", quiet = true})
nn.mlp{2, 5, 2, seed = 2}:fit(d, {epochs = 9, batch = 20, dir = tmp .. "/b", quiet = true})
local good = nn.load_run(tmp .. "/a")
assert(good:nepochs() == 7 and good:weights(7)[1].W:get(2, 3) == runA:weights(7)[1].W:get(2, 3), "round trip")

-- one flipped bit in a weight file
copy(tmp .. "/a", tmp .. "/c")
local w = slurp(tmp .. "/c/current/W1.npy")
local pos = #w - 5
spit(tmp .. "/c/current/W1.npy", w:sub(1, pos - 1) .. string.char(w:byte(pos) ~ 1) .. w:sub(pos + 1))
refused(tmp .. "/c", "bit flip", "nn.load_run: ", "damaged", "W1.npy", "checksum")

-- a truncated state file
copy(tmp .. "/a", tmp .. "/c")
local st = slurp(tmp .. "/c/current/state.npy")
spit(tmp .. "/c/current/state.npy", st:sub(1, #st - 8))
refused(tmp .. "/c", "truncated", "state.npy has %d+ bytes, the manifest says %d+")

-- a mixed directory: one file from another run of the same shape
copy(tmp .. "/a", tmp .. "/c")
spit(tmp .. "/c/current/b2.npy", slurp(tmp .. "/b/current/b2.npy"))
refused(tmp .. "/c", "mixed", "b2.npy")
-- ... or another run's manifest
copy(tmp .. "/a", tmp .. "/c")
spit(tmp .. "/c/manifest.json", slurp(tmp .. "/b/manifest.json"))
refused(tmp .. "/c", "foreign manifest", "nn.load_run: ")

-- a damaged manifest: a flipped digit, a truncation, no manifest at all
copy(tmp .. "/a", tmp .. "/c")
local man = slurp(tmp .. "/c/manifest.json")
spit(tmp .. "/c/manifest.json", (man:gsub('"epochs": 7', '"epochs": 8')))
refused(tmp .. "/c", "manifest edit", "manifest's checksum does not match")
spit(tmp .. "/c/manifest.json", man:sub(1, 200))
refused(tmp .. "/c", "manifest truncated", "truncated or malformed manifest")
os.remove(tmp .. "/c/manifest.json")
refused(tmp .. "/c", "no manifest", "no manifest.json", "first save was killed")
-- a directory of the old format (files at the top, no manifest)
assert(os.execute("mkdir -p '" .. tmp .. "/old' && cp '" .. tmp .. "/a/current/'* '" .. tmp .. "/old/'"))
refused(tmp .. "/old", "old format", "no manifest.json", "older ibsh")

-- a config.json that passes the checksums (rewritten with a matching manifest) but holds a bad architecture:
-- the error is the readable message of the architecture check
-- FNV-1a 64 of a string as 16 hex digits (Lua integers wrap like uint64).
local function fnv(str)
  local h = 0xcbf29ce484222325
  for i = 1, #str do h = (h ~ str:byte(i)) * 0x100000001b3 end
  return string.format("%016x", h)
end
assert(fnv(slurp(tmp .. "/a/manifest.json"):match('^(.*)  "check"')) == slurp(tmp .. "/a/manifest.json"):match('"check": "(%x+)"'),
       "the manifest's check is FNV-1a 64 of the text before it")
copy(tmp .. "/a", tmp .. "/c")
local conf = slurp(tmp .. "/c/current/config.json"):gsub('"widths": %[2, 5, 2%]', '"widths": [2, 0, 2]')
spit(tmp .. "/c/current/config.json", conf)
man = slurp(tmp .. "/c/manifest.json"):gsub('{"name": "config.json", "bytes": %d+, "fnv1a64": "%x+"}',
  string.format('{"name": "config.json", "bytes": %d, "fnv1a64": "%s"}', #conf, fnv(conf)))
local body = man:match('^(.*)  "check"')
spit(tmp .. "/c/manifest.json", body .. string.format('  "check": "%s"\n}\n', fnv(body)))
local ok0, e0 = pcall(nn.load_run, tmp .. "/c")
assert(not ok0 and e0:find("^nn.load_run: [^\n]*/config.json: [%w ,;:'%(%)=%-]+$"), "clean message: " .. tostring(e0))
assert(not e0:find("config.json: [^\n]*config.json"), "the message is not formatted into itself: " .. e0)

-- a missing file listed by the manifest
copy(tmp .. "/a", tmp .. "/c")
os.remove(tmp .. "/c/current/metrics.csv")
refused(tmp .. "/c", "missing file", "incomplete", "metrics.csv is missing")

-- saving again over a damaged directory works and removes stale temp files, stale checkpoints and old-format files
spit(tmp .. "/c/W1.npy.tmp4242", "junk")
spit(tmp .. "/c/notes.tmp.txt", "a user's file: kept")
assert(os.execute("mkdir -p '" .. tmp .. "/c/ckpt-000099' && touch '" .. tmp .. "/c/ckpt-000099/W1.npy'"))
spit(tmp .. "/c/config.json", "{}")
good:save(tmp .. "/c")
local re = nn.load_run(tmp .. "/c")
assert(re:nepochs() == 7 and re:weights(7)[2].b:get(1) == good:weights(7)[2].b:get(1), "re-saved run loads")
local p = io.popen("ls -a '" .. tmp .. "/c'")
local names = {}
for line in p:lines() do names[#names + 1] = line end
p:close()
table.sort(names)
assert(table.concat(names, " ") == ". .. ckpt-000100 current manifest.json notes.tmp.txt", "only the new checkpoint (and the user's file) is left: " .. table.concat(names, " "))

-- checkpoint needs dir; bad values are refused
local ok, e = pcall(function() nn.mlp{2, 2}:fit(d, {epochs = 1, checkpoint = 5, quiet = true}) end)
assert(not ok and e:find("Net:fit: option 'checkpoint' needs dir"), e)
ok, e = pcall(function() nn.mlp{2, 2}:fit(d, {epochs = 1, checkpoint = -1, dir = tmp .. "/x", quiet = true}) end)
assert(not ok and e:find("checkpoint"), e)
-- checkpoint = K saves after every K epochs and at the end (each save is a new ckpt-<N>); checkpoint = 0 and
-- the default (every 60 s of training, longer than this fit) save only at the end; all give the same run.
local function nsaves(opt)
  local dir = tmp .. "/k" .. tostring(opt)
  local run = nn.mlp{2, 5, 2, seed = 3}:fit(d, {epochs = 10, batch = 20, dir = dir, checkpoint = opt, quiet = true})
  local m = slurp(dir .. "/manifest.json")
  return tonumber(m:match('"checkpoint": "ckpt%-(%d+)"')) + 1, run
end
local n3, r3 = nsaves(3)
local n0, r0 = nsaves(0)
local nd, rd = nsaves(nil)
assert(n3 == 4 and n0 == 1 and nd == 1, string.format("saves: %d, %d, %d", n3, n0, nd))
for _, r in ipairs{r0, rd, nn.load_run(tmp .. "/k3")} do
  assert(r:weights(10)[1].W:get(1, 1) == r3:weights(10)[1].W:get(1, 1) and r:nepochs() == 10, "checkpoints do not change the run")
end
os.execute("rm -rf '" .. tmp .. "'")
print("OK")
