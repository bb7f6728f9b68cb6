#!/bin/sh
# fig:show (issue 18) on a pseudo-terminal whose "terminal" is this test: it answers the
# image-protocol query as kitty (graphics OK), as a sixel terminal (DA1 lists 4) or as a plain
# one; then xdg-open (a stand-in on PATH) with a display, and the printed path without one.
# $1 = ibsh binary, $2 = source dir.
[ -x /usr/bin/python3 ] || { echo "skipped: python3 not installed"; exit 77; }
exec /usr/bin/python3 - "$1" "$2" <<'PY'
import os, re, sys, tempfile, time
sys.path.insert(0, os.path.join(sys.argv[2], "tests", "sh"))
from repl_pty import Session, clean_env, fail

ibsh, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
env = clean_env(tmp)
env["TMPDIR"] = tmp
for k in ["DISPLAY", "WAYLAND_DISPLAY", "TERM_PROGRAM", "LC_TERMINAL", "IBSH_SHOW"]:
    env.pop(k, None)
# a stand-in xdg-open that records what it was asked to open
bindir = os.path.join(tmp, "bin")
os.mkdir(bindir)
with open(os.path.join(bindir, "xdg-open"), "w") as f:
    f.write("#!/bin/sh\necho \"$1\" > %s/opened\n" % tmp)
os.chmod(os.path.join(bindir, "xdg-open"), 0o755)

MAKE = "fig = plot.figure{width = 90, height = 60}; fig:axes():line({1, 2, 3}, {1, 3, 2})\r"

def session(extra_env):
    e = dict(env)
    e.update(extra_env)
    s = Session([ibsh], e)
    s.expect(r"ibsh> ")
    s.send(MAKE)
    s.expect(r"ibsh> ")
    return s

def answer_query(s, reply):
    s.expect(re.escape("\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[c"), 20)
    s.send(reply)

# kitty: the graphics query is answered OK
s = session({})
s.send("how, path = fig:show(); print('HOW ' .. how)\r")
answer_query(s, "\x1b_Gi=31;OK\x1b\\\x1b[?62;22c")
s.expect(r"\x1b_Ga=T,f=100,m=0;iVBORw0KGgo")   # base64 of the PNG signature
s.expect(r"HOW kitty")
s.send("quit\r"); s.wait_exit()

# sixel: no kitty answer, device attributes with 4
s = session({})
s.send("how = fig:show(); print('HOW ' .. how)\r")
answer_query(s, "\x1b[?62;4;22c")
m = s.expect(r"\x1bP0;1;0q\"1;1;90;60(.*?)\x1b\\")
bands = m.group(1).count("-")
if bands != 10:
    fail("sixel of 60 rows has %d bands, expected 10" % bands, s)
s.expect(r"HOW sixel")
s.send("quit\r"); s.wait_exit()

# a plain terminal with a display: xdg-open gets the PNG
s = session({"DISPLAY": ":99", "PATH": bindir + ":" + env.get("PATH", "/usr/bin:/bin")})
s.send("how, path = fig:show(); print('HOW ' .. how .. ' ' .. path)\r")
answer_query(s, "\x1b[?62;22c")
m = s.expect(r"HOW viewer (\S+)")
path = m.group(1)
for _ in range(100):
    if os.path.exists(os.path.join(tmp, "opened")):
        break
    time.sleep(0.05)
opened = open(os.path.join(tmp, "opened")).read().strip()
if opened != path or not os.path.exists(path):
    fail("xdg-open got %r, the PNG is %r" % (opened, path), s)
s.send("quit\r"); s.wait_exit()

# no display: the path is printed, the PNG is there
s = session({})
s.send("how, path = fig:show(); print('HOW ' .. how)\r")
answer_query(s, "\x1b[?62;22c")
m = s.expect(r"figure written to (\S+\.png)")
if not os.path.exists(m.group(1)):
    fail("no PNG at %s" % m.group(1), s)
s.expect(r"HOW file")
s.send("fig:show{method = 'nosuch'}\r")
s.expect(r"fig:show: method must be")
s.send("quit\r"); s.wait_exit()
print("OK")
PY
