#!/usr/bin/env bash
# Issue 11, case 14 (the command line): an unsigned option takes digits
# only. strtoull alone skips white space and takes a sign, so --seed " -1"
# used to run with seed 2^64-1. Exit status 2, one line, nothing written.
# A leading zero (--trials 0010) is refused, as in a scenario file.
# usage: output_unsigned_options.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
seed="must be an integer in [0, 2^64-1], got"
trials="must be an integer in [1, 4294967295], got"
for v in " -1" " 5" "+5" "-5" "	7" "5 " "0x10" ""; do
  expect 2 "minrisk run: --seed: $seed '$v' (see 'minrisk run --help')" -- run "$demo" -o out.h5 --seed "$v"
  expect 2 "minrisk compare: --seed: $seed '$v' (see 'minrisk compare --help')" -- compare "$demo" "$demo" -o out.h5 --seed "$v"
done
for v in " 3" "+3" " +3"; do
  expect 2 "minrisk run: --trials: $trials '$v' (see 'minrisk run --help')" -- run "$demo" -o out.h5 --trials "$v"
  expect 2 "minrisk compare: --trials: $trials '$v' (see 'minrisk compare --help')" -- compare "$demo" "$demo" -o out.h5 --trials "$v"
done
expect 2 "minrisk run: --threads: must be an integer in [1, 4096], got ' 2' (see 'minrisk run --help')" -- run "$demo" --threads " 2"
expect 2 "minrisk run: --checkpoint-every: must be seconds in [0, 31536000], got ' 1' (see 'minrisk run --help')" -- run "$demo" --checkpoint-every " 1"
expect 2 "minrisk compare: --bootstrap: must be 0 or an integer in [100, 100000], got ' 200' (see 'minrisk compare --help')" -- compare "$demo" "$demo" --bootstrap " 200"
# the largest seed, written plainly, is still a seed
expect 0 "" -- run "$demo" -o out.h5 --trials 64 --seed 18446744073709551615 --quiet
expect 2 "minrisk run: --seed: $seed '18446744073709551616' (see 'minrisk run --help')" -- run "$demo" -o x.h5 --seed 18446744073709551616
expect 2 "minrisk explain: --trial: must be a trial index 0 .. N-1, got ' 1' (see 'minrisk explain --help')" -- explain out.h5 --trial " 1"
# OMP_NUM_THREADS is bounded as --threads is (libgomp crashed on 100000)
OMP_NUM_THREADS=100000 expect 2 "minrisk run: OMP_NUM_THREADS asks for 100000 threads, above the limit of 4096" -- run "$demo" -o x.h5 --trials 64
OMP_NUM_THREADS=100000 expect 2 "minrisk compare: OMP_NUM_THREADS asks for 100000 threads, above the limit of 4096" -- compare "$demo" "$demo" -o x.h5 --trials 64
# A leading zero is refused as the loader refuses trials: 010 in a scenario
# file (YAML 1.1 readers take it as octal); --trials 0010 ran 10 trials.
# 0 itself is a number where the option takes it.
lz=": a leading zero is refused, as in a scenario file, since YAML 1.1 readers (PyYAML) take 010 as octal; write it without"
unc=$src/scenarios/uk-2024-uncertain.yaml
zero() { # zero STATUS-LINE-PREFIX SEE ARGS...
  local line=$1 cmd=$2
  shift 2
  expect 2 "minrisk $cmd: $line$lz (see 'minrisk $cmd --help')" -- "$cmd" "$@"
}
for v in 0010 00 01 007; do
  zero "--trials: $trials '$v'" run "$demo" -o z.h5 --trials "$v"
  zero "--max-trials: $trials '$v'" run "$demo" -o z.h5 --max-trials "$v"
  zero "--seed: $seed '$v'" run "$demo" -o z.h5 --seed "$v"
  zero "--threads: must be an integer in [1, 4096], got '$v'" run "$demo" -o z.h5 --threads "$v"
  zero "--checkpoint-every: must be seconds in [0, 31536000], got '$v'" run "$demo" -o z.h5 --checkpoint-every "$v"
  zero "--trials: $trials '$v'" compare "$demo" "$demo" -o z.h5 --trials "$v"
  zero "--seed: $seed '$v'" compare "$demo" "$demo" -o z.h5 --seed "$v"
  zero "--threads: must be an integer in [1, 4096], got '$v'" compare "$demo" "$demo" -o z.h5 --threads "$v"
  zero "--bootstrap: must be 0 or an integer in [100, 100000], got '$v'" compare "$demo" "$demo" -o z.h5 --bootstrap "$v"
  zero "--rows: must be an integer in [2, 4096], got '$v'" uncertainty "$unc" -o z.h5 --rows "$v"
  zero "--block-trials: must be an integer in [1, 1000000], got '$v'" uncertainty "$unc" -o z.h5 --block-trials "$v"
  zero "--threads: must be an integer in [1, 4096], got '$v'" uncertainty "$unc" -o z.h5 --threads "$v"
  zero "--resamples: must be 0 or an integer in [100, 100000], got '$v'" uncertainty "$unc" -o z.h5 --resamples "$v"
  zero "--seed: $seed '$v'" uncertainty "$unc" -o z.h5 --seed "$v"
  zero "--trial: must be a trial index 0 .. N-1, got '$v'" explain out.h5 --trial "$v"
  zero "--trials: $trials '$v'" bench --trials "$v"
  zero "--seed: $seed '$v'" bench --seed "$v"
  zero "--reps: must be an integer in [1, 1000], got '$v'" bench --reps "$v"
  zero "--minerals: must be an integer in [1, 200], got '$v'" bench --minerals "$v"
  zero "--threads: must be thread counts in [1, 4096], comma-separated, no repeats, at most 64, got '1,$v'" bench --threads "1,$v"
  zero "--density: must be a number in (0, 50], got '$v'" bench --density "$v"
done
# --density is a decimal number: a zero before its point is no leading zero
# of an integer (00.5 is 0.5 in YAML 1.1 too); the run stops at --minerals 0
for v in 0.5 00.5 0.5e1; do
  expect 2 "minrisk bench: --minerals: must be an integer in [1, 200], got '0' (see 'minrisk bench --help')" -- bench --density "$v" --minerals 0
done
# 0 alone is read where it is in range; a zero inside a number is no leading zero
expect 0 "" -- run "$demo" -o z.h5 --trials 100 --seed 0 --checkpoint-every 0 --quiet
is_hdf5 z.h5 || fail "--seed 0 --trials 100: no result file"
[ "$(h5dump -a /seed z.h5 2>/dev/null | grep -c '(0): 0$')" -eq 1 ] ||
  fail "--seed 0: /seed is not 0"
rm -f z.h5
expect 2 "minrisk compare: --bootstrap: must be 0 or an integer in [100, 100000], got '10' (see 'minrisk compare --help')" -- compare "$demo" "$demo" -o z.h5 --bootstrap 10
# The streamed statistics' test hook MINRISK_STREAM_BUDGET is read whole
# too: strtoull alone took x as a budget of 0 (4 passes at 1,000 trials of
# demo.yaml, where the default budget takes 2) and ran.
{ cat "$demo"; printf 'output:\n  trials: none\n'; } >none.yaml
for v in x " 5" "5 " -5 +5 05 00 18446744073709551616; do
  MINRISK_STREAM_BUDGET=$v expect 2 "MINRISK_STREAM_BUDGET: must be a number of values (digits, no leading zero), got '$v'" -- run none.yaml -o s.h5 --trials 1000
done
passes() { # passes BUDGET: the refining passes of a 1,000-trial streamed run
  MINRISK_STREAM_TRACE=1 MINRISK_STREAM_BUDGET=$1 "$bin" run none.yaml -o s.h5 --trials 1000 --quiet 2>&1 | grep -c '^pass '
  rm -f s.h5
}
[ "$(passes 0)" = 4 ] || fail "MINRISK_STREAM_BUDGET=0: $(passes 0) passes, expected 4"
[ "$(passes 2097152)" = 2 ] || fail "MINRISK_STREAM_BUDGET=2097152: $(passes 2097152) passes, expected 2"
rm -f none.yaml
only out.h5
finish "signs, white space and leading zeros refused in every unsigned option and MINRISK_STREAM_BUDGET; OMP_NUM_THREADS bounded"
