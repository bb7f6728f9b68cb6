#!/bin/sh
# The REPL on a pseudo-terminal: tab completion, multi-line input, auto-print, help.
# $1 = ibsh binary, $2 = source dir.
[ -x /usr/bin/python3 ] || { echo "skipped: python3 not installed"; exit 77; }
exec /usr/bin/python3 - "$1" "$2" <<'PY'
import os, sys, tempfile
sys.path.insert(0, os.path.join(sys.argv[2], "tests", "sh"))
from repl_pty import Session, clean_env, fail

ibsh, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
s = Session([ibsh], clean_env(tmp))
s.expect(r"ibsh> ")

# completion of a module field: tensor.zer<TAB> -> tensor.zeros
s.send("tensor.zer\t")
s.expect(r"tensor\.zeros")
s.send("(2, 3)\r")
s.expect(r"2x3")
s.expect(r"ibsh> ")

# methods of userdata through the metatable: t:siz<TAB> -> t:size
s.send("t = _\r")
s.expect(r"ibsh> ")
s.send("t:siz\t")
s.expect(r"t:size")
s.send("()\r")
s.expect(r"\r\n2\t3\r\n")
s.expect(r"ibsh> ")

# the acceptance names, once the tensor module has them: tensor.linsp<TAB>, t:argm<TAB>
s.send("print('has ' .. tostring(tensor.linspace ~= nil and require('ibsh.help').methods(t).argmax ~= nil))\r")
m = s.expect(r"has (true|false)\r\n")
s.expect(r"ibsh> ")
if m.group(1) == "true":
    s.send("tensor.linsp\t")
    s.expect(r"ace")
    s.send("\x03")
    s.expect(r"\^C\r\nibsh> ")
    s.send("t:argm\t\t")   # argmax (and argmin): the second Tab lists them
    s.expect(r"argmax")
    s.expect(r"ibsh> t:argm")
    s.send("ax()\r")
    s.expect(r"ibsh> ")

# nested table fields a.b.c<TAB>, and a list of several candidates on a second Tab
s.send("cfg = {model = {layers = {first = 1, second = 2}, lr = 0.1}}\r")
s.expect(r"ibsh> ")
s.send("cfg.mo\t")
s.expect(r"cfg\.model")
s.send(".la\t")
s.expect(r"\.layers")
s.send(".fi\t")
s.expect(r"\.first")
s.send("\r")
s.expect(r"\r\n1\r\n")
s.expect(r"ibsh> ")
s.send("cfg.model.layers.\t\t")
s.expect(r"first\s+second")
s.expect(r"ibsh> cfg\.model\.layers\.")
s.send("\x03")
s.expect(r"\^C\r\nibsh> ")

# globals and keywords
s.send("prin\t")
s.expect(r"print")
s.send("('done')\r")
s.expect(r"done")
s.expect(r"ibsh> ")

# file names inside a string literal (closing quote added)
os.makedirs(os.path.join(tmp, "somedir"))
open(os.path.join(tmp, "somedir", "weights_file.csv"), "w").close()
s.send('p = "%s/som\t' % tmp)
s.expect(r"somedir/")
s.send("wei\t")
s.expect(r'weights_file\.csv"')
s.send("\r")
s.expect(r"ibsh> ")
s.send("p:match('[^/]*$')\r")
s.expect(r"weights_file\.csv")
s.expect(r"ibsh> ")

# multi-line input: an incomplete chunk continues with the second prompt
s.send("function sq(x)\r")
s.expect(r"\.\.\.> ")
s.send("  return x * x\r")
s.expect(r"\.\.\.> ")
s.send("end\r")
s.expect(r"ibsh> ")
s.send("sq(7)\r")
s.expect(r"\r\n49\r\n")
s.expect(r"ibsh> ")

# auto-print: tables pretty, several values, ';' suppresses, _ keeps the last result
s.send("{1, 2, name = 'x', inner = {a = true}}\r")
s.expect(r'\{1, 2, inner = \{a = true\}, name = "x"\}')
s.expect(r"ibsh> ")
s.send("1, 'two', nil\r")
s.expect(r"1\ttwo\tnil")
s.expect(r"ibsh> ")
s.send("6 * 7;\r")
s.expect(r"ibsh> ")
if "42" in s.output[s.mark - 200:s.mark].split("6 * 7;")[-1]:
    fail("';' did not suppress printing", s)
s.send("_ + 1\r")
s.expect(r"\r\n43\r\n")
s.expect(r"ibsh> ")

# help and ?x
s.send("?tensor.ze\t")
s.expect(r"zeros")
s.send("\r")
s.expect(r"tensor\.zeros\(")
s.expect(r"Example: ")
s.expect(r"ibsh> ")
s.send("help(tensor)\r")
s.expect(r"\n  zeros\s+\S")
s.expect(r"ibsh> ")
s.send("?t:size\r")
s.expect(r"t:size\(")
s.expect(r"ibsh> ")

# errors show a traceback and never end the REPL; timing toggle
s.send("local function boom() error('kaboom') end boom()\r")
s.expect(r"kaboom")
s.expect(r"stack traceback")
s.expect(r"ibsh> ")
s.send(":time\r")
s.expect(r"timing on")
s.send("1\r")
s.expect(r"\[\d+\.\d+ s\]")
s.expect(r"ibsh> ")
s.send("timing(false)\r")
s.expect(r"timing off\r\nibsh> ")

s.send("\x04")
status = s.wait_exit()
if status != 0:
    fail("exit status %d after Ctrl-D" % status, s)
print("OK")
PY
