#!/usr/bin/env bash
# Issue 11, case 9: an output path that is empty or a directory is refused
# before the simulation (exit status 2), and so is a file larger than the
# free space of its folder (exit status 1, with both numbers): 2^32-1
# trials of a 12-variant sweep need about 55 TB, more than a scratch folder has, and are
# refused at once, before the memory check or any trial.
# usage: output_path_checks.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
sweep=$src/scenarios/uk-sweep-stockpile-cap.yaml
mkdir sub
expect 2 "minrisk run: the output path is empty (-o '')" -- run "$demo" -o "" --trials 64 --quiet
expect 2 "sub: is a directory; give a file name, e.g. -o sub/result.h5" -- run "$demo" -o sub --trials 64 --quiet
expect 2 "sub/: cannot write: not a file name" -- run "$demo" -o sub/ --trials 64 --quiet
expect 2 "minrisk compare: the output path is empty (-o '')" -- compare "$demo" "$demo" -o "" --trials 64 --quiet
only sub

start=$(date +%s)
"$bin" run "$sweep" -o sub/big.h5 --trials 4294967295 --quiet 2>err.txt
status=$?
[ "$status" -eq 1 ] || fail "--trials 4294967295: status $status, expected 1 ($(cat err.txt))"
grep -Eqx "sub/big.h5: not enough free space: the file needs about [0-9.]+ (TB|PB), 'sub' has [0-9.]+ (bytes|kB|MB|GB|TB) free" err.txt ||
  fail "--trials 4294967295: stderr '$(cat err.txt)'"
[ "$(wc -l <err.txt)" -eq 1 ] || fail "more than one line: $(cat err.txt)"
[ $(($(date +%s) - start)) -le 5 ] || fail "the free-space refusal took more than 5 s"
rm -f err.txt
only sub
[ -z "$(ls -A sub)" ] || fail "sub holds $(ls -A sub)"
finish "'', a directory, a trailing slash and a file larger than the free space refused"
