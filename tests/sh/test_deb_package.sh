#!/bin/sh
# cpack -G DEB makes a .deb that installs usr/bin/ibsh and the library, with the
# runtime Depends; unpacked anywhere, its program runs. $1 = ibsh binary, $2 = source dir.
build=$(cd "$(dirname "$(readlink -f "$1")")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

# Report a failed check and remember it.
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

command -v dpkg-deb > /dev/null 2>&1 || { echo "skipped: dpkg-deb not installed"; exit 77; }
(cd "$build" && cpack -G DEB -B "$TMP/pkg") > "$TMP/cpack.log" 2>&1 || { cat "$TMP/cpack.log"; fail "cpack -G DEB"; exit 1; }
deb=$(ls "$TMP"/pkg/ibsh_*_amd64.deb "$TMP"/pkg/ibsh_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { fail "no .deb produced"; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
for dep in liblua5.4 libopenblas libreadline libpng libfreetype fonts-dejavu-core; do
  case "$depends" in *"$dep"*) ;; *) fail "Depends lacks $dep: $depends" ;; esac
done
dpkg-deb -c "$deb" > "$TMP/contents"
for f in ./usr/bin/ibsh ./usr/share/lua/5.4/ibsh/init.lua ./usr/lib/lua/5.4/ibsh/core.so ./usr/share/ibsh/tishby_var_u.csv \
         ./usr/share/man/man1/ibsh.1 ./usr/include/ibsh/ibsh.h ./usr/lib/pkgconfig/ibsh.pc; do
  grep -q " $f\$\| $f -> " "$TMP/contents" || fail "the .deb lacks $f"
done
dpkg-deb -x "$deb" "$TMP/root"
out=$(cd / && IBSH_LUADIR= IBSH_DATADIR= "$TMP/root/usr/bin/ibsh" -e 'print(tensor.ones(3, 4):sum(), data.tishby().x:size(1))' 2>&1)
[ "$out" = "12.0	4096" ] || fail "unpacked usr/bin/ibsh: got '$out'"
[ "$fails" -eq 0 ] && echo "deb package: $(basename "$deb") passed all checks"
exit "$fails"
