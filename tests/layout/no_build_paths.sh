#!/bin/sh
# no_build_paths.sh - the minrisk binary holds no path of the machine that
# built it: neither the source tree nor the build tree. An installed copy
# finds its scenarios and report.py beside it, a build-tree copy through the
# CMakeCache.txt beside it (mr_cli_source_dir), so that two builds of one
# commit in different folders give the same binary (reproducible builds)
# and an installed copy never falls back to a source tree that has since
# changed. Until 2026-12-06 the source path was compiled into main.c and
# report.c. A binary with debug information (Debug, RelWithDebInfo: DWARF
# names its sources) is not checked (exit 77, skipped).
# usage: no_build_paths.sh MINRISK SRC BUILD
bin=$1 src=$2 build=$3
if readelf -S "$bin" 2>/dev/null | grep -q '\.debug_info'; then
    echo "debug information in $bin: it names the sources; not checked"
    exit 77
fi
fails=0
for p in "$src" "$build"; do
    n=$(strings -n 8 "$bin" | grep -cF "$p")
    if [ "$n" -ne 0 ]; then
        echo "FAIL: $bin holds $n strings with $p:"
        strings -n 8 "$bin" | grep -F "$p" | head -n 3
        fails=$((fails + 1))
    fi
done
# and the build-tree copy still finds the source tree's scenarios
"$bin" --help | grep -qF "Example scenarios: $src/scenarios" || {
    echo "FAIL: --help does not name $src/scenarios: $("$bin" --help | grep Example)"
    fails=$((fails + 1))
}
[ "$fails" -eq 0 ] && echo "no build paths in $bin"
[ "$fails" -eq 0 ]
