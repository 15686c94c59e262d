#!/usr/bin/env bash
# The command line's contract (INTERFACE.md): help on every command, exit
# status 2 and one line on stderr for bad usage, nothing left behind.
# usage: cli_contract.sh MINRISK SRC
set -uo pipefail
bin=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 1
fails=0
expect() { # expect STATUS STDERR-LINE-OR-EMPTY -- ARGS...
  local want=$1 line=$2
  shift 3
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: minrisk $*: status $got, expected $want" >&2
    fails=$((fails + 1))
  fi
  if [ -n "$line" ] && [ "$(cat "$tmp/err")" != "$line" ]; then
    echo "FAIL: minrisk $*: stderr '$(cat "$tmp/err")', expected '$line'" >&2
    fails=$((fails + 1))
  fi
}
for c in "" run validate summary; do
  expect 0 "" -- $c --help
  grep -q '^usage: minrisk' "$tmp/out" || { echo "FAIL: minrisk $c --help: no usage" >&2; fails=$((fails + 1)); }
  grep -q 'example' "$tmp/out" || { echo "FAIL: minrisk $c --help: no example" >&2; fails=$((fails + 1)); }
done
expect 0 "" -- --version
grep -q '^minrisk [0-9]' "$tmp/out" || { echo "FAIL: --version" >&2; fails=$((fails + 1)); }
# an extra word after --version was ignored (exit 0)
expect 2 "minrisk: --version takes no argument, got 'run' (see 'minrisk --help')" -- --version run
expect 2 "minrisk: unknown command 'rnu'; did you mean run? (see 'minrisk --help')" -- rnu
expect 2 "minrisk: unknown command 'frobnicate' (see 'minrisk --help')" -- frobnicate
expect 2 "minrisk run: missing SCENARIO.yaml (see 'minrisk run --help')" -- run
expect 2 "minrisk run: unknown option '--trails'; did you mean --trials? (see 'minrisk run --help')" -- run scenarios/demo.yaml --trails 5
expect 2 "minrisk run: --trials: must be an integer in [1, 4294967295], got 'many' (see 'minrisk run --help')" -- run scenarios/demo.yaml --trials many
expect 2 "minrisk run: --seed: must be an integer in [0, 2^64-1], got '-1' (see 'minrisk run --help')" -- run scenarios/demo.yaml --seed -1
expect 2 "minrisk run: option '-o' needs a value (see 'minrisk run --help')" -- run scenarios/demo.yaml -o
expect 2 "$tmp/no/such/x.h5: cannot write to directory '$tmp/no/such': No such file or directory" -- run scenarios/demo.yaml -o "$tmp/no/such/x.h5"
expect 2 "no/such.yaml: cannot read: No such file or directory" -- run no/such.yaml -o "$tmp/x.h5"
# a pseudo file system (no blocks: procfs) is the path's problem, exit 2,
# named by the lock file's check; until 2026-12-07 the free-space check
# came first: "'/proc' has 0 bytes free", exit 1
if [ -d /proc/self ]; then
  expect 2 "/proc/x.h5: cannot write to directory '/proc': No such file or directory (its lock file /proc/x.h5.lock)" -- run scenarios/demo.yaml -o /proc/x.h5 --trials 10
fi
[ -e "$tmp/x.h5" ] && { echo "FAIL: a file was left at the output path" >&2; fails=$((fails + 1)); }
# uncertainty --resamples: 0 (no intervals) or at least 100, as compare's
# --bootstrap: with B < 100 the 2.5% and 97.5% points of B resamples are
# their smallest and largest (ceil(B 0.025) = 1, ceil(B 0.975) = B)
for b in 1 50 99 100001; do
  expect 2 "minrisk uncertainty: --resamples: must be 0 or an integer in [100, 100000], got '$b' (see 'minrisk uncertainty --help')" \
    -- uncertainty scenarios/uk-2024-uncertain.yaml -o "$tmp/u.h5" --rows 2 --block-trials 1 --resamples $b
done
[ -e "$tmp/u.h5" ] && { echo "FAIL: uncertainty: a file was left at the output path" >&2; fails=$((fails + 1)); }
for b in 0 100; do
  expect 0 "" -- uncertainty scenarios/uk-2024-uncertain.yaml -o "$tmp/u$b.h5" --rows 2 --block-trials 1 --resamples $b -q
done
# the tables' heading says whether there are intervals (until 2026-12-07
# "95% bootstrap intervals" beside n/a cells with --resamples 0)
for b in 0 100; do
  want="no intervals (--resamples 0: n/a)"
  [ "$b" = 100 ] && want="95% bootstrap intervals"
  [ "$("$bin" summary "$tmp/u$b.h5" | grep -c "^Sobol indices of .*; $want; ranked by ST\$")" -eq 3 ] ||
    { echo "FAIL: summary of uncertainty --resamples $b: not '$want' in the 3 headings" >&2; fails=$((fails + 1)); }
done
printf 'not hdf5\n' >"$tmp/fake.h5"
expect 2 "" -- summary "$tmp/fake.h5"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { echo "FAIL: summary of a non-HDF5 file: not one line" >&2; fails=$((fails + 1)); }
# default output name: the scenario's base name + .h5 in the current directory
(cd "$tmp" && "$bin" run "$src/scenarios/demo.yaml" --trials 50 --quiet) || fails=$((fails + 1))
[ -f "$tmp/demo.h5" ] || { echo "FAIL: no default output demo.h5" >&2; fails=$((fails + 1)); }
echo "$fails failed"
[ "$fails" -eq 0 ]
