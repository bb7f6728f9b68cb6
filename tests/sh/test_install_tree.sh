#!/bin/sh
# The install tree: cmake --install into a prefix, then move the tree away and use it from /
# with the source tree out of reach: the program, a stock lua5.4 through require "ibsh",
# and C through pkg-config. $1 = ibsh binary, $2 = source dir.
IBSH="$1"
SRC="$2"
build=$(cd "$(dirname "$(readlink -f "$IBSH")")/.." && pwd)
if [ "${IBSH_SANITIZE_BUILD:-0}" = 1 ]; then
  # A sanitizer build embeds source paths (-g) and its Lua module needs the ASan runtime preloaded:
  # neither says anything about the installable tree, which the Release suite checks.
  echo "skipped: sanitizer build"
  exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

# Report a failed check and remember it.
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

cmake --install "$build" --prefix "$TMP/p1" > "$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; fail "cmake --install"; exit 1; }
for f in bin/ibsh share/lua/5.4/ibsh/init.lua share/lua/5.4/ibsh/tensor.lua lib/lua/5.4/ibsh/core.so \
         share/ibsh/tishby_var_u.csv share/man/man1/ibsh.1 share/man/man3/ibsh.3 include/ibsh/ibsh.h \
         include/ibsh/version.h lib/pkgconfig/ibsh.pc; do
  [ -e "$TMP/p1/$f" ] || fail "missing $f in the install tree"
done
ls "$TMP"/p1/lib/libibsh.so.*.*.* > /dev/null 2>&1 || fail "no versioned libibsh.so"
soname=$(objdump -p "$TMP"/p1/lib/libibsh.so | awk '/SONAME/ {print $2}')
[ -n "$soname" ] && [ "$soname" != "libibsh.so" ] || fail "libibsh.so has soname '$soname'"

# Nothing installed refers to the source or build tree (no compiled-in paths).
for f in bin/ibsh lib/lua/5.4/ibsh/core.so lib/libibsh.so lib/pkgconfig/ibsh.pc; do
  if grep -q -a -e "$SRC" -e "$build" "$TMP/p1/$f"; then fail "$f names the source or build tree"; fi
done

# Move the tree; the moved copy must not see the old prefix, the build tree or the sources.
mv "$TMP/p1" "$TMP/moved"
P="$TMP/moved"
hide="IBSH_LUADIR= IBSH_DATADIR="
out=$(cd / && env $hide "$P/bin/ibsh" -e 'print(tensor.ones(3, 4):sum(), data.tishby().x:size(1))' 2>&1)
[ "$out" = "12.0	4096" ] || fail "moved bin/ibsh from /: got '$out'"
case $(cd / && env $hide "$P/bin/ibsh" -e 'print(package.searchpath("ibsh.nn", package.path))') in
  "$P"/share/lua/5.4/ibsh/nn.lua) ;;
  *) fail "moved bin/ibsh loads its Lua library from outside the tree" ;;
esac

# A stock lua5.4 with only the install tree on its paths.
if command -v lua5.4 > /dev/null 2>&1; then
  out=$(cd / && env $hide LUA_PATH="$P/share/lua/5.4/?.lua;$P/share/lua/5.4/?/init.lua;;" LUA_CPATH="$P/lib/lua/5.4/?.so;;" \
    lua5.4 -e 'local ibsh = require "ibsh"
      assert(ibsh.tensor.ones(3, 4):sum() == 12)
      for _, m in ipairs{"tensor", "nn", "mi", "ib", "plot", "data", "sweep"} do assert(type(ibsh[m]) == "table", m) end
      local d = ibsh.data.tishby()
      local h = ibsh.mi.entropy and 1 or 0
      print(ibsh.version, d.x:size(1), type(ibsh.help))' 2>&1)
  case "$out" in
    *"	4096	function") ;;
    *) fail "stock lua5.4 require 'ibsh': got '$out'" ;;
  esac
else
  echo "skipped part: lua5.4 not installed (scripts/setup installs it)"
fi

# C through pkg-config: the umbrella header, ibsh_version and a core call.
cat > "$TMP/use.c" <<'CEOF'
#include <stdio.h>
#include <string.h>
#include <ibsh/ibsh.h>

/* Sum a 3 x 4 tensor of ones through the public API. */
int main(void) {
  ibsh_tensor t;
  size_t shape[2] = {3, 4};
  if (ibsh_tensor_alloc(&t, 2, shape) != IBSH_OK) return 2;
  ibsh_tensor_fill(&t, 1.0);
  double s = 0;
  for (size_t i = 0; i < ibsh_tensor_numel(&t); i++) s += t.storage->data[i];
  ibsh_tensor_release(&t);
  printf("%s %g\n", ibsh_version(), s);
  return strcmp(ibsh_version(), IBSH_VERSION) != 0 || s != 12;
}
CEOF
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
if cc -o "$TMP/use" "$TMP/use.c" $(pkg-config --cflags --libs ibsh) -Wl,-rpath,"$P/lib" 2> "$TMP/cc.log"; then
  out=$(cd / && "$TMP/use") || fail "C client: '$out'"
  ldd "$TMP/use" | grep -q "$P/lib/libibsh.so" || fail "C client not linked against the moved libibsh.so"
else
  cat "$TMP/cc.log" >&2
  fail "C client does not compile with pkg-config --cflags --libs ibsh"
fi

[ "$fails" -eq 0 ] && echo "install tree: all checks passed"
exit "$fails"
