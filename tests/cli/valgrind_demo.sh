#!/usr/bin/env bash
# No leaks and no memory errors under valgrind on the small (demo) scenario:
# run, summary and validate, and a bad scenario's error path.
# usage: valgrind_demo.sh MINRISK SRC
set -euo pipefail
bin=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99)
cd "$src"
OMP_NUM_THREADS=2 "${vg[@]}" "$bin" run scenarios/demo.yaml --trials 200 -o "$tmp/v.h5" --quiet
"${vg[@]}" "$bin" summary "$tmp/v.h5" >/dev/null
"${vg[@]}" "$bin" validate scenarios/demo.yaml >/dev/null
set +e
"${vg[@]}" "$bin" run tests/bad/share_sum.yaml -o "$tmp/x.h5" 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "FAIL: bad scenario under valgrind: status $rc, expected 2" >&2; exit 1; }
echo "valgrind: no errors, no leaks"
