#!/bin/sh
# The ibsh program without a terminal: options, arg table, exit status, stdin.
# $1 = ibsh binary, $2 = source dir.
IBSH="$1"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME="$TMP" IBSH_HISTORY="$TMP/history"
unset IBSH_INIT
fails=0

# Report a failed check and remember it.
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# check NAME EXPECTED ACTUAL: compare two strings.
check() { [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"; }

# --version and --help
out=$("$IBSH" --version); rc=$?
check "--version status" 0 "$rc"
case "$out" in "ibsh "*"Lua 5.4"*) ;; *) fail "--version printed [$out]";; esac
out=$("$IBSH" -v); case "$out" in "ibsh "*) ;; *) fail "-v printed [$out]";; esac
out=$("$IBSH" --help); rc=$?
check "--help status" 0 "$rc"
case "$out" in *"usage: ibsh"*"-e stat"*"-i "*"-l mod"*) ;; *) fail "--help printed [$out]";; esac
"$IBSH" --bogus >/dev/null 2>"$TMP/err"; rc=$?
check "bad option status" 1 "$rc"
grep -q "unrecognized option" "$TMP/err" || fail "bad option message: $(cat "$TMP/err")"

# -e (repeatable, in order) and the modules as globals
out=$("$IBSH" -e 'x = 20' -e 'print(x + 22)' -e "print(type(tensor), type(nn), type(mi), type(ib), type(plot), type(data))")
check "-e" "42
table	table	table	table	table	table" "$out"
out=$("$IBSH" -e'print(1)')
check "-e joined" "1" "$out"

# -l MOD and -l g=MOD
out=$("$IBSH" -l ibsh.pretty -e 'print(type(ibsh))' -l P=ibsh.pretty -e 'print(P.format({1, 2}))' 2>&1)
check "-l" "nil
{1, 2}" "$out"
out=$("$IBSH" -l string -e 'print(string.rep("a", 3))')
check "-l string" "aaa" "$out"
"$IBSH" -l no.such.module 2>"$TMP/err"; rc=$?
check "-l missing status" 1 "$rc"
grep -q "module 'no.such.module' not found" "$TMP/err" || fail "-l missing message"

# a script receives arg as in lua.c and its ... values
cat > "$TMP/args.lua" <<'LUA'
print(arg[-1] ~= nil, arg[0], arg[1], arg[2], #arg, select("#", ...), ...)
LUA
out=$("$IBSH" "$TMP/args.lua" one "two words")
check "arg table" "true	$TMP/args.lua	one	two words	2	2	one	two words" "$out"
out=$("$IBSH" -e 'print(arg[-2], arg[-1])' "$TMP/args.lua" a | head -1)
check "arg negatives" "-e	print(arg[-2], arg[-1])" "$out"
out=$("$IBSH" -- "$TMP/args.lua" -x)
check "-- stops options" "true	$TMP/args.lua	-x	nil	1	1	-x" "$out"

# a failing script: message and traceback on stderr, exit status 1
cat > "$TMP/fail.lua" <<'LUA'
local function inner() error("deliberate failure") end
inner()
LUA
"$IBSH" "$TMP/fail.lua" >"$TMP/out" 2>"$TMP/err"; rc=$?
check "failing script status" 1 "$rc"
grep -q "fail.lua:1: deliberate failure" "$TMP/err" || fail "failing script message: $(cat "$TMP/err")"
grep -q "stack traceback:" "$TMP/err" || fail "failing script traceback"
grep -q "in local 'inner'\|in function 'inner'\|in upvalue 'inner'" "$TMP/err" || fail "traceback names inner: $(cat "$TMP/err")"
[ -s "$TMP/out" ] && fail "failing script wrote to stdout"
"$IBSH" -e 'error({})' 2>"$TMP/err"; rc=$?
check "-e error status" 1 "$rc"
grep -q "error object is a table value" "$TMP/err" || fail "non-string error object"
"$IBSH" "$TMP/missing.lua" 2>"$TMP/err"; rc=$?
check "missing script status" 1 "$rc"
grep -q "cannot open" "$TMP/err" || fail "missing script message"
printf 'x = = 1\n' > "$TMP/syntax.lua"
"$IBSH" "$TMP/syntax.lua" 2>"$TMP/err"; rc=$?
check "syntax error status" 1 "$rc"
"$IBSH" -e 'os.exit(3)'; rc=$?
check "os.exit status" 3 "$rc"

# '-' runs stdin as a script (with arguments)
out=$(printf 'print("from stdin", ...)\n' | "$IBSH" - a b)
check "stdin script" "from stdin	a	b" "$out"
printf 'error("stdin failure")\n' | "$IBSH" - 2>"$TMP/err"; rc=$?
check "stdin script failure status" 1 "$rc"

# piped stdin without arguments: a quiet REPL, line by line; errors reported, exit 0
out=$(printf '1 + 1\nx = 5\nx * 2\nerror("oops")\nfor i = 1, 2 do\nprint(i)\nend\n_\n"s";\n_\n' | "$IBSH" 2>"$TMP/err"); rc=$?
check "piped REPL status" 0 "$rc"
check "piped REPL output" "2
10
1
2
10
s" "$out"
grep -q "oops" "$TMP/err" || fail "piped REPL error message"
grep -q "stack traceback" "$TMP/err" && fail "piped REPL traceback of a main chunk alone (nothing but ibsh's frames and the line itself)"
printf 'local function f() error("deep") end\nf()\n:trace on\nf()\n' | "$IBSH" 2>"$TMP/err" >/dev/null
[ "$(grep -c "stack traceback" "$TMP/err")" = 2 ] || fail "piped REPL traceback of a function, with and without :trace: $(cat "$TMP/err")"
grep -q "\[C\]: in ?" "$TMP/err" || fail ":trace on shows every frame: $(cat "$TMP/err")"
[ -e "$TMP/history" ] && [ -s "$TMP/history" ] && fail "piped REPL wrote history"

# an unfinished chunk at the end of piped input is reported, not run
out=$(printf 'print("before")\nfor i = 1, 2 do\n' | "$IBSH" 2>"$TMP/err"); rc=$?
check "unfinished chunk status" 0 "$rc"
check "unfinished chunk output" "before" "$out"
grep -q "'end' expected" "$TMP/err" || fail "unfinished chunk message: $(cat "$TMP/err")"

# -i runs the script, then the REPL (here on a pipe)
echo 'y = 41' > "$TMP/set.lua"
out=$(echo 'y + 1' | "$IBSH" -i "$TMP/set.lua")
check "-i" "42" "$out"

# startup code: IBSH_INIT (code or @file), else ~/.ibshrc; REPL only
echo 'rc_value = "from rc"' > "$HOME/.ibshrc"
out=$(echo 'rc_value' | "$IBSH")
check "~/.ibshrc" "from rc" "$out"
out=$("$IBSH" -e 'print(rc_value)')
check "no rc for -e" "nil" "$out"
out=$(echo 'rc_value' | IBSH_INIT='rc_value = "from env"' "$IBSH")
check "IBSH_INIT code" "from env" "$out"
echo 'rc_value = "from file"' > "$TMP/init.lua"
out=$(echo 'rc_value' | IBSH_INIT="@$TMP/init.lua" "$IBSH")
check "IBSH_INIT @file" "from file" "$out"

# SIGTERM during a script sets the interrupt flag: the script stops with "interrupted", status 1
"$IBSH" -e 'while true do end' 2>"$TMP/err" &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"; rc=$?
check "SIGTERM status" 1 "$rc"
grep -q "interrupted" "$TMP/err" || fail "SIGTERM message: $(cat "$TMP/err")"

# help is a global in scripts too
out=$("$IBSH" -e 'help(tensor.zeros)' | head -1)
case "$out" in "tensor.zeros("*) ;; *) fail "help in scripts printed [$out]";; esac

[ "$fails" -eq 0 ] || exit 1
echo OK
