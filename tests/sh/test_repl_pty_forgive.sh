#!/bin/sh
# The REPL forgives (issue 18): exit/quit/Ctrl-D leave cleanly, 'did you mean' hints, tracebacks
# without ibsh's internal frames (and with them after :trace on), 'local x' stays visible, progress
# lines with an ETA, '<function>: interrupted' on Ctrl-C in a loop. $1 = ibsh binary, $2 = source dir.
[ -x /usr/bin/python3 ] || { echo "skipped: python3 not installed"; exit 77; }
exec /usr/bin/python3 - "$1" "$2" <<'PY'
import os, sys, tempfile, time
sys.path.insert(0, os.path.join(sys.argv[2], "tests", "sh"))
from repl_pty import Session, clean_env, fail

ibsh, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
env = clean_env(tmp)

# every spelling of leaving: exit, exit(), quit, quit(), Ctrl-D; status 0, nothing printed for them
for word in ["exit", "exit()", "quit", "quit()", "\x04"]:
    s = Session([ibsh], env)
    s.expect(r"ibsh> ")
    s.send(word if word == "\x04" else word + "\r")
    rc = s.wait_exit(20)
    if rc != 0:
        fail("%r: exit status %d" % (word, rc), s)
    tail = s.output[s.mark:]
    if "nil" in tail or "error" in tail:
        fail("%r printed something: %r" % (word, tail), s)

s = Session([ibsh], env)
s.expect(r"ibsh> ")

# local x = 5 stays visible on the next line; local function too
s.send("local x = 5\r")
s.expect(r"ibsh> ")
s.send("x + 1\r")
s.expect(r"\r\n6\r\n")
s.expect(r"ibsh> ")
s.send("local function sq(v) return v * v end\r")
s.expect(r"ibsh> ")
s.send("sq(4)\r")
s.expect(r"\r\n16\r\n")
s.expect(r"ibsh> ")

# did you mean: a method of a data set, a module field, a method of a run
s.send("d = data.tishby()\r")
s.expect(r"ibsh> ")
s.send("d:splt{}\r")
s.expect(r"Dataset has no method or field 'splt'; did you mean 'split'\?")
s.expect(r"ibsh> ")
s.send("nn.mpl{2, 2}\r")
s.expect(r"did you mean 'mlp'\?")
s.expect(r"ibsh> ")
s.send("net = nn.mlp{12, 4, 2, seed = 1}; run = net:fit(d, {epochs = 3, quiet = true})\r")
s.expect(r"ibsh> ")
s.send("run:actvations(1, d.x)\r")
s.expect(r"did you mean 'activations'\?")
s.expect(r"ibsh> ")

# tracebacks: no frames from ibsh's own library unless :trace on
s.send("mi.infoplane(42, d)\r")
m = s.expect(r"(?s)must be a run, got number(.*?)ibsh> ")
if "/ibsh/mi.lua" in m.group(1) or "[C]: in ?" in m.group(1):
    fail("internal frames shown: %r" % m.group(1), s)
s.send(":trace on\r")
s.expect(r"trace on")
s.expect(r"ibsh> ")
s.send("mi.infoplane(42, d)\r")
s.expect(r"/ibsh/mi\.lua:\d+")
s.expect(r"ibsh> ")
s.send(":trace off\r")
s.expect(r"ibsh> ")

# progress with an ETA on a terminal, then Ctrl-C in the loop: "mi.infoplane: interrupted", no traceback
s.send("run = nn.mlp{12, 10, 7, 5, 4, 3, 2, act = 'tanh', seed = 1}:fit(d, {epochs = 400, quiet = true})\r")
s.expect(r"ibsh> ", 60)
s.send("plane = mi.infoplane(run, d, {estimator = 'kde'})\r")
s.expect(r"mi\.infoplane\s+\d+/\d+ snapshots.*?ETA", 60)
time.sleep(0.5)
s.send("\x03")
m = s.expect(r"(?s)(mi\.infoplane: interrupted)(.*?)ibsh> ", 30)
if "stack traceback" in m.group(2):
    fail("traceback after an interrupt: %r" % m.group(2), s)
s.send("quit\r")
if s.wait_exit(20) != 0:
    fail("quit after work", s)
print("OK")
PY
