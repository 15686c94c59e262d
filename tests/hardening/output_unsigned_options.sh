#!/usr/bin/env bash
# Issue 11, case 14 (the command line): an unsigned option takes digits
# only. strtoull alone skips white space and takes a sign, so --seed " -1"
# used to run with seed 2^64-1. Exit status 2, one line, nothing written.
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
only out.h5
finish "signs and white space refused in every unsigned option; OMP_NUM_THREADS bounded"
