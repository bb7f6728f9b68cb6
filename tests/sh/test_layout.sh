#!/bin/sh
# The architecture's rules hold on this build: no dependency circles between source files,
# no Lua in the core library (scripts/check-layout). $1 = ibsh binary, $2 = source dir.
build=$(cd "$(dirname "$(readlink -f "$1")")/.." && pwd)
exec python3 "$2/scripts/check-layout" "$build"
