#!/bin/sh
# build_options.sh - every CMake option of the build is in docs/HPC.md's
# table of options, label `layout`: each option() and each set(... CACHE
# STRING|PATH|FILEPATH|BOOL) of CMakeLists.txt, bench/ and tests/ (those
# set FORCE, the build's own, left out) as a row "| `NAME` |".
# usage: build_options.sh SOURCE_ROOT
cd "$1" || exit 2
doc=docs/HPC.md
[ -f "$doc" ] || { echo "build_options: no $doc" >&2; exit 2; }
names=$( { cat CMakeLists.txt; find bench tests -name CMakeLists.txt -o -name '*.cmake' |
    LC_ALL=C sort | xargs cat; } |
    sed -n -e 's/^[[:space:]]*option(\([A-Za-z0-9_]*\).*/\1/p' \
        -e '/FORCE/!s/^[[:space:]]*set(\([A-Za-z0-9_]*\) .* CACHE \(STRING\|PATH\|FILEPATH\|BOOL\).*/\1/p' |
    LC_ALL=C sort -u)
n=0 bad=0
for name in $names; do
    n=$((n + 1))
    if ! grep -q "^| \`$name\` |" "$doc"; then
        echo "$name: a CMake option missing from $doc's table of options"
        bad=$((bad + 1))
    fi
done
# and the defaults the table gives: CMake's build type when unset
grep -q '^| `CMAKE_BUILD_TYPE` | `Release` when unset' "$doc" ||
    { echo "CMAKE_BUILD_TYPE: the table does not give Release as the default"; bad=$((bad + 1)); }
grep -q 'set(CMAKE_BUILD_TYPE Release CACHE' CMakeLists.txt ||
    { echo "CMakeLists.txt: the default build type is no longer Release"; bad=$((bad + 1)); }
echo "build_options: $n options, $bad not in $doc"
[ "$n" -ge 7 ] && [ "$bad" -eq 0 ]
