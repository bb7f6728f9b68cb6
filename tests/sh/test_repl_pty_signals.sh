#!/bin/sh
# The REPL on a pseudo-terminal: Ctrl-C at the prompt and during running code,
# Ctrl-D, and history kept from one run to the next (bounded).
# $1 = ibsh binary, $2 = source dir.
[ -x /usr/bin/python3 ] || { echo "skipped: python3 not installed"; exit 77; }
exec /usr/bin/python3 - "$1" "$2" <<'PY'
import os, sys, tempfile, time
sys.path.insert(0, os.path.join(sys.argv[2], "tests", "sh"))
from repl_pty import Session, clean_env, fail

ibsh = sys.argv[1]
tmp = tempfile.mkdtemp()
env = clean_env(tmp)
history = env["IBSH_HISTORY"]

s = Session([ibsh], env)
s.expect(r"ibsh> ")

# Ctrl-C at the prompt clears the line and shows a fresh prompt; the REPL goes on
s.send("this line is abandoned")
s.expect(r"abandoned")
s.send("\x03")
s.expect(r"\^C\r\n")
s.expect(r"ibsh> ")
s.resize(30, 100)   # SIGWINCH at the prompt: readline learns the size, the REPL goes on
s.send("'still here'\r")
s.expect(r"\r\nstill here\r\n")
s.expect(r"ibsh> ")

# Ctrl-C at a continuation prompt drops the whole unfinished chunk
s.send("for i = 1, 3 do\r")
s.expect(r"\.\.\.> ")
s.send("\x03")
s.expect(r"ibsh> ")
s.send("'fresh'\r")
s.expect(r"\r\nfresh\r\n")
s.expect(r"ibsh> ")

# Ctrl-C during a long Lua loop interrupts it within half a second and returns to the prompt
s.send("n = 0; while true do n = n + 1 end\r")
time.sleep(0.5)
start = time.time()
s.send("\x03")
s.expect(r"\^C\r\nibsh: (stdin:1: )?interrupted")
s.expect(r"ibsh> ")
elapsed = time.time() - start
if elapsed > 0.5:
    fail("interrupt took %.2f s" % elapsed, s)
s.send("n > 0\r")
s.expect(r"\r\ntrue\r\n")
s.expect(r"ibsh> ")

# ... and inside a C function called from Lua (the hook fires when it returns)
s.send("while true do local t = tensor.zeros(10, 10) end\r")
time.sleep(0.3)
s.send("\x03")
s.expect(r"interrupted")
s.expect(r"ibsh> ")

# ... and inside a long C computation that polls the interrupt flag (training), once nn exists
s.send("print('nn ' .. tostring(nn.mlp ~= nil and data.tishby ~= nil))\r")
m = s.expect(r"nn (true|false)\r\n")
if m.group(1) == "true":
    s.expect(r"ibsh> ")
    s.send("d = data.tishby(); net = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = 'tanh', seed = 1}\r")
    s.expect(r"ibsh> ")
    s.send("run = net:fit(d, {epochs = 20000, batch = 512, quiet = true})\r")
    time.sleep(1.0)
    start = time.time()
    s.send("\x03")
    s.expect(r"interrupted")
    s.expect(r"ibsh> ")
    elapsed = time.time() - start
    if elapsed > 0.5:
        fail("interrupting training took %.2f s" % elapsed, s)
    # at the prompt Ctrl-C keeps the partial run (a script would stop with "interrupted" instead)
    s.send("print('partial', run ~= nil and run:nepochs() > 0 and run:nepochs() < 20000)\r")
    s.expect(r"partial\ttrue")
    s.expect(r"ibsh> ")
    s.send("print('usable', net:fit(d, {epochs = 1, batch = 512, quiet = true}) ~= nil)\r")
    s.expect(r"usable\ttrue", timeout=60)
s.expect(r"ibsh> ")

# the state is usable after interrupts; a second interrupt works too
s.send("while true do end\r")
time.sleep(0.3)
s.send("\x03")
s.expect(r"interrupted")
s.expect(r"ibsh> ")
s.send("print('hist' .. 6 * 7)\r")
s.expect(r"\r\nhist42\r\n")
s.expect(r"ibsh> ")

# Ctrl-D exits with status 0
s.send("\x04")
status = s.wait_exit()
if status != 0:
    fail("exit status %d after Ctrl-D" % status, s)

# the history file holds the commands, written as they were entered
text = open(history).read()
if "print('hist' .. 6 * 7)" not in text:
    fail("history file lacks the command: %r" % text)
if "this line is abandoned" in text:
    fail("an abandoned line reached the history")

# a second run recalls it with the up arrow
s = Session([ibsh], env)
s.expect(r"ibsh> ")
s.send("\x1b[A")
s.expect(r"print\('hist' \.\. 6 \* 7\)")
s.send("\r")
s.expect(r"\r\nhist42\r\n")
s.expect(r"ibsh> ")
s.send("\x04")
s.wait_exit()

# the file stays bounded (1000 entries), keeping the newest
with open(history, "w") as f:
    for i in range(1500):
        f.write("old_command_%d = %d\n" % (i, i))
s = Session([ibsh], env)
s.expect(r"ibsh> ")
s.send("newest_command = 1\r")
s.expect(r"ibsh> ")
s.send("\x04")
s.wait_exit()
lines = open(history).read().splitlines()
if len(lines) > 1000:
    fail("history has %d lines" % len(lines))
if lines[-1] != "newest_command = 1" or "old_command_1499 = 1499" not in lines:
    fail("history lost the newest entries: %r" % lines[-3:])
print("OK")
PY
