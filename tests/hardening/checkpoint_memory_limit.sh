#!/usr/bin/env bash
# Issue 11, case 7 (the estimate): a run that needs more memory than the
# process may take is refused before its first trial, with the estimate
# (results, thread workspaces, the analyses after the simulation) and the
# limit named; exit status 1, nothing written. The limit is given by
# MINRISK_MEMORY_LIMIT (docs/HPC.md "Memory"), which works in every build
# (`ulimit -v` does not under AddressSanitizer); `ulimit -v` itself is
# checked where it can be (not under ASan, whose shadow memory needs more).
# usage: checkpoint_memory_limit.sh MINRISK SRC PYTHON
. "$(dirname "$0")/common.sh" "$@"

mb='[0-9.]+ (bytes|KiB|MiB|GiB)'
# run LIMIT ARGS...: minrisk run demo.yaml under MINRISK_MEMORY_LIMIT=LIMIT
run() {
  local lim=$1
  shift
  MINRISK_MEMORY_LIMIT=$lim "$bin" run "$demo" -o out.h5 --quiet --threads 2 "$@" 2>err.txt
}

# 1,200,000 trials under 100 MiB: refused at once (no simulation: well
# under the 30 s the trials take), the analysis counted
start=$(date +%s)
run 100M --trials 1200000 --events
status=$?
[ $status -eq 1 ] || fail "1200000 trials: exit status $status, expected 1"
one_line err.txt "$src/scenarios/demo\.yaml: 1200000 trials need about $mb on this rank \(results $mb \+ thread workspaces $mb \+ analysis $mb \+ held now $mb\); $mb of the 100 MiB limit is free \(MINRISK_MEMORY_LIMIT\); use fewer trials or more ranks"
[ $(($(date +%s) - start)) -lt 10 ] || fail "the refusal took $(($(date +%s) - start)) s"
[ -z "$(ls -A | grep -v '^err\.txt$')" ] || fail "left behind: $(ls -A)"

# the analyses count: 5,000 trials fit in 100 MiB alone, 60,000 not with --events
# (about 16 occurrences a trial) and --counterfactual
run 100M --trials 5000 || fail "5000 trials under 100M: exit status $? ($(cat err.txt))"
rm -f out.h5
run 100M --trials 60000 --events --counterfactual
[ $? -eq 1 ] || fail "60000 trials with the analyses under 100M: not refused"
grep -Eq "analysis [0-9.]+ MiB \+ held now" err.txt || fail "the analysis is not counted: $(cat err.txt)"
rm -f out.h5

# a malformed override is bad input: not a number, a sign, a blank, a unit
# twice or unknown, above 2^64-1 bytes (before or after the unit), or a
# leading zero (0100M was read as 100M; 010 is refused everywhere else)
for v in 12X -1 +1 " 1" "1 " 1KK 1KB 18446744073709551616 16777216T 0100M 00 01K; do
  rm -f out.h5
  run "$v" --trials 100
  [ $? -eq 2 ] || fail "MINRISK_MEMORY_LIMIT='$v': not refused with 2"
  re=$(printf '%s' "$v" | sed 's/[][\.*^$+?(){}|]/\\&/g')
  one_line err.txt "MINRISK_MEMORY_LIMIT: must be a number of bytes \(digits, no leading zero\), with an optional K, M, G or T, got '$re'"
  [ ! -e out.h5 ] || fail "MINRISK_MEMORY_LIMIT='$v': out.h5 written"
done
# 0 is a number (no memory: the run is refused for want of it, status 1)
run 0 --trials 100
[ $? -eq 1 ] || fail "MINRISK_MEMORY_LIMIT=0: exit status $?, expected 1"
run 0K --trials 100
[ $? -eq 1 ] || fail "MINRISK_MEMORY_LIMIT=0K: exit status $?, expected 1"

# ulimit -v, where the build can start under it (ASan maps terabytes of
# shadow memory and cannot)
if (ulimit -v 600000 && exec "$bin" run --help) >/dev/null 2>&1; then
  (ulimit -v 600000 && exec "$bin" run "$demo" -o out.h5 --quiet --trials 1200000) 2>err.txt
  status=$?
  [ $status -eq 1 ] || fail "ulimit -v: exit status $status, expected 1"
  one_line err.txt ".*: 1200000 trials need about $mb on this rank .*; $mb of the 586 MiB limit is free \(ulimit -v\); use fewer trials or more ranks"
fi

finish "checkpoint_memory_limit: refused before the run, the analyses counted"
