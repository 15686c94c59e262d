#!/usr/bin/env bash
# conventions.sh - the option conventions of every command (getopt_long,
# sim/cmd/cli.c; label cli): --opt=value as --opt value, bundled short
# options (-qo FILE), a unique prefix of a long option, -- ending the
# options, and bad usage as one line and exit status 2: an unknown option
# with the nearest known one, an ambiguous prefix, a missing value, a value
# to an option that takes none.
# usage: conventions.sh MINRISK SRC
set -uo pipefail
bin=$(realpath "$1") src=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
demo=$src/scenarios/demo.yaml
cd "$tmp" || exit 1
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect STATUS STDERR-LINE-OR-EMPTY -- ARGS...: the status, and for a
# status of 2 the exact line on stderr and nothing on stdout
expect() {
  local want=$1 line=$2
  shift 3
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || fail "minrisk $*: status $got, expected $want: $(head -2 "$tmp/err")"
  if [ -n "$line" ] && [ "$(cat "$tmp/err")" != "$line" ]; then
    fail "minrisk $*: stderr '$(cat "$tmp/err")', expected '$line'"
  fi
  if [ "$want" -eq 2 ] && [ -s "$tmp/out" ]; then
    fail "minrisk $*: bad usage printed on stdout"
  fi
}
see() { echo "(see 'minrisk${1:+ $1} --help')"; }

# 1. every command: a near miss gets the option meant (also as --opt=value),
# something far gets no guess, an unknown short option is named
near=(":--verison:--version" "run:--trails:--trials" "validate:--shcema:--schema"
      "summary:--hlep:--help" "compare:--bootstarp:--bootstrap" "explain:--sectr:--sector"
      "report:--qiuet:--quiet" "export:--cvs:--csv" "uncertainty:--rwos:--rows"
      "bench:--denisty:--density")
for entry in "${near[@]}"; do
  IFS=: read -r cmd bad good <<<"$entry"
  name="minrisk${cmd:+ $cmd}"
  # shellcheck disable=SC2086 # an empty cmd is no argument
  expect 2 "$name: unknown option '$bad'; did you mean $good? $(see $cmd)" -- $cmd $bad
  # shellcheck disable=SC2086
  expect 2 "$name: unknown option '$bad'; did you mean $good? $(see $cmd)" -- $cmd "$bad=3"
  # shellcheck disable=SC2086
  expect 2 "$name: unknown option '--zzz-nothing' $(see $cmd)" -- $cmd --zzz-nothing
  # shellcheck disable=SC2086
  expect 2 "$name: unknown option '-Z' $(see $cmd)" -- $cmd -Z
done
# a value to an option that takes none
for cmd in "" run validate summary compare explain report export uncertainty bench; do
  # shellcheck disable=SC2086
  expect 2 "minrisk${cmd:+ $cmd}: option '--help' takes no value $(see $cmd)" -- $cmd --help=
done
# a long option with one dash
expect 2 "minrisk run: unknown option '-trials'; did you mean --trials? $(see run)" -- run "$demo" -trials 5
expect 2 "minrisk: unknown command 'sumary'; did you mean summary? $(see)" -- sumary x.h5
expect 2 "minrisk: unknown command 'validate-all' $(see)" -- validate-all

# 2. values: --opt=value and --opt value give the same file; -qo bundles
# --quiet and --output (no closing line on stderr); options after the
# scenario; unique prefixes (--thr, --tri)
expect 0 "" -- run "$demo" --trials=300 --seed=5 -qo a.h5
[ -s "$tmp/err" ] && fail "-qo: not quiet: $(cat "$tmp/err")"
expect 0 "" -- run --quiet --seed 5 --trials 300 --output b.h5 "$demo"
expect 0 "" -- run --thr 2 --tri=300 --se 5 "$demo" --output=c.h5 -q
expect 0 "" -- run --trials 300 --seed 5 -o d.h5 "$demo" # not quiet
grep -q "^minrisk: 300 trials in" "$tmp/err" || fail "run without -q: no closing line"
for f in a b c d; do
  [ -f $f.h5 ] || { fail "$f.h5 not written"; continue; }
  "$bin" summary $f.h5 >$f.txt 2>&1 || fail "summary $f.h5"
done
grep -q '^Trials *300 (seed 5)$' a.txt || fail "--trials=300 --seed=5: $(grep Trials a.txt)"
cmp -s a.txt b.txt || fail "--opt=value and --opt value differ"
cmp -s a.txt c.txt || fail "the prefixes --thr, --tri, --se differ from the full names"
cmp -s a.txt d.txt || fail "-q changes the file"
# explain: --trial=K as --trial K
expect 0 "" -- explain a.h5 --trial=7
cp "$tmp/out" e1.txt
expect 0 "" -- explain --trial 7 a.h5
cmp -s e1.txt "$tmp/out" || fail "explain --trial=7 and --trial 7 differ"
grep -q "^Trial 7 of 300 " e1.txt || fail "explain --trial=7: trial 7 not told"
# export --csv=DIR -q; bench's sizes as --opt=value
expect 0 "" -- export a.h5 --csv=csv -q
[ -f csv/summary_loss.csv ] || fail "export --csv=csv: no csv/summary_loss.csv"
[ -s "$tmp/err" ] && fail "export -q: not quiet"
expect 0 "" -- bench --print-scenario --minerals=3 --sectors=2
cp "$tmp/out" s1.txt
expect 0 "" -- bench --print-scenario --minerals 3 --sectors 2
cmp -s s1.txt "$tmp/out" || fail "bench --minerals=3 and --minerals 3 differ"
# compare with every option as --opt=value
expect 0 "" -- compare "$demo" "$demo" --trials=200 --seed=1 --bootstrap=0 --threads=2 -qo cmp.h5
[ -f cmp.h5 ] || fail "compare -qo cmp.h5: not written"

# 3. --: what follows is an argument, even when it starts with -
cp "$demo" ./-d.yaml
expect 2 "minrisk run: unknown option '-d' $(see run)" -- run -d.yaml
expect 0 "" -- run -q --trials 50 -- -d.yaml
[ -f ./-d.h5 ] || fail "run -- -d.yaml: no -d.h5"
expect 0 "" -- validate -- -d.yaml
expect 2 "minrisk run: unexpected argument '--quiet' $(see run)" -- run -- "$demo" --quiet
expect 0 "" -- -- validate "$demo"
expect 2 "minrisk validate: missing SCENARIO.yaml $(see validate)" -- validate --
# POSIXLY_CORRECT does not stop the options at the first argument
POSIXLY_CORRECT=1 expect 2 "minrisk validate: unknown option '--bogus' $(see validate)" -- validate "$demo" --bogus

# 4. bad values: ambiguous prefix, missing value (long, short, bundled),
# a value to an option that takes none, the value check still applies
expect 2 "minrisk run: option '--t' is ambiguous: --trials, --threads, --target-precision, --target $(see run)" -- run "$demo" --t 5
expect 2 "minrisk run: option '--output' needs a value $(see run)" -- run "$demo" --output
expect 2 "minrisk run: option '-o' needs a value $(see run)" -- run "$demo" -qo
expect 2 "minrisk run: option '--quiet' takes no value $(see run)" -- run "$demo" --quiet=yes
expect 2 "minrisk run: --trials: must be an integer in [1, 4294967295], got '' $(see run)" -- run "$demo" --trials=
expect 2 "minrisk compare: --seed: must be an integer in [0, 2^64-1], got 'x' $(see compare)" -- compare "$demo" "$demo" --seed=x
expect 2 "minrisk uncertainty: --rows: must be an integer in [2, 4096], got '1' $(see uncertainty)" -- uncertainty "$demo" --rows=1
expect 2 "minrisk explain: --trial: must be a trial index 0 .. N-1, got '-1' $(see explain)" -- explain a.h5 --trial=-1
expect 2 "minrisk bench: --reps: must be an integer in [1, 1000], got '0' $(see bench)" -- bench --reps=0

# 5. validate --schema: refuses what it does not take
expect 0 "" -- validate --schema
grep -q '^| key | type' "$tmp/out" || fail "validate --schema: no table"
expect 2 "minrisk validate: unknown option '--bogus' $(see validate)" -- validate --schema --bogus
expect 2 "minrisk validate: unknown option '--bogus' $(see validate)" -- validate --bogus --schema
expect 2 "minrisk validate: --schema takes no scenario, got '$demo' $(see validate)" -- validate --schema "$demo"
#    one of --schema and --json-schema (until 2026-12-07 the last given won)
expect 2 "minrisk validate: --schema and --json-schema contradict each other $(see validate)" -- validate --schema --json-schema
expect 2 "minrisk validate: --schema and --json-schema contradict each other $(see validate)" -- validate --json-schema --schema

# 6. a standard output that cannot be written (/dev/full): status 1 and
# the reason as the last line on stderr, whatever the command (a table,
# help or a listing lost without a word would look like a success)
if [ -w /dev/full ]; then
  full() {
    local line=$1
    shift
    "$bin" "$@" >/dev/full 2>"$tmp/err"
    local got=$?
    [ "$got" -eq 1 ] || fail "minrisk $* >/dev/full: status $got, expected 1"
    [ "$(tail -1 "$tmp/err")" = "$line" ] ||
      fail "minrisk $* >/dev/full: stderr '$(cat "$tmp/err")', expected '$line'"
  }
  nospc="cannot write to standard output: No space left on device"
  full "minrisk: $nospc" --help
  full "minrisk: $nospc" --version
  full "minrisk validate: $nospc" validate --schema
  full "minrisk validate: $nospc" validate "$demo"
  full "minrisk summary: $nospc" summary ./-d.h5
  # run writes nothing on standard output when it is not a terminal
  "$bin" run -q "$demo" --trials 50 -o full.h5 >/dev/full 2>"$tmp/err" ||
    fail "run -q >/dev/full: status $?, expected 0: $(cat "$tmp/err")"
fi

# 7. one thread is "1 thread", in run's settings and compare's closing line
OMP_NUM_THREADS=1 "$bin" run "$demo" --trials 20 -o one.h5 -q --verbose 2>"$tmp/err" >/dev/null
grep -qx 'minrisk run: 1 rank x 1 thread (OMP_NUM_THREADS, else all cores)' "$tmp/err" ||
  fail "run --verbose on one thread: $(cat "$tmp/err")"
OMP_NUM_THREADS=1 "$bin" compare "$demo" "$demo" --trials 20 -o two.h5 2>"$tmp/err" >/dev/null
tail -1 "$tmp/err" | grep -q ') on 1 thread; wrote two.h5$' ||
  fail "compare on one thread: $(tail -1 "$tmp/err")"

echo "$fails failed"
[ "$fails" -eq 0 ]
