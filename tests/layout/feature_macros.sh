#!/bin/sh
# feature_macros.sh - every .c under sim/, models/, out/, bench/ and
# tests/unit/ compiles as plain C17 with nothing but the build's include
# directories and definitions, label `layout`: no -fopenmp and so no
# -pthread, whose _REENTRANT gcc's glibc reads as _POSIX_C_SOURCE=199506L.
# A file that calls POSIX (clock_gettime, sigaction, strdup, ...) defines
# _POSIX_C_SOURCE (or _XOPEN_SOURCE) itself, else clang's build (whose
# -fopenmp adds no -pthread) fails where gcc's builds.
# usage: feature_macros.sh SOURCE_ROOT CC INCLUDE_DIRS DEFINITIONS
#   INCLUDE_DIRS, DEFINITIONS: CMake lists (';'), minrisk_core's.
# Prints each file that does not compile, with the compiler's first error.
src=$1 cc=$2 incs=$3 defs=$4
cd "$src" || exit 2
set --
old_ifs=$IFS
IFS=';'
for d in $incs; do [ -n "$d" ] && set -- "$@" "-I$d"; done
for d in $defs; do [ -n "$d" ] && set -- "$@" "-D$d"; done
IFS=$old_ifs
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
n=0 bad=0
for f in $(find sim models out bench tests/unit -name '*.c' | LC_ALL=C sort); do
    n=$((n + 1))
    if ! "$cc" -std=c17 -fsyntax-only -Werror=implicit-function-declaration \
        -DMINRISK_SOURCE_DIR="\"$src\"" "$@" "$f" >"$tmp" 2>&1; then
        echo "$f: does not compile without -pthread: $(grep -m1 'error' "$tmp")"
        bad=$((bad + 1))
    fi
done
echo "feature_macros: $n files, $bad need a feature macro ($cc)"
[ "$n" -ge 100 ] && [ "$bad" -eq 0 ]
