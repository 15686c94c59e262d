#!/usr/bin/env bash
# A signal in the instant between the creation of the lock file DIR.lock and
# the moment export records it as held (the shim flocksignal.c sends SIGHUP
# right after the flock): export's handler exits at once (130, nothing
# made), and until 2026-12-06 it left DIR.lock behind, as it did not yet
# know the lock was its own (a random sweep of signal times hit it at
# 8.8 ms). Now the signals wait while the lock is taken: nothing is left.
# The same for `run` (its handler does not exit before the write; the
# signal stops the run: 130, nothing left).
# usage: export_signal_in_lock.sh MINRISK SRC SHIM
. "$(dirname "$0")/common.sh" "$@"
shim=$3
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
"$bin" run "$demo" -o in.h5 --trials 200 --quiet || fail "the input run: status $?"
mkdir w && mv in.h5 w/ && cd w || exit 1
LD_PRELOAD=$shim timeout 60 "$bin" export in.h5 --csv out --quiet >out.txt 2>err.txt
status=$?
[ "$status" -eq 130 ] || fail "export: status $status, expected 130 ($(cat err.txt))"
left=$(ls -A | grep -v -x -e in.h5 -e out.txt -e err.txt | tr '\n' ' ')
[ -z "$left" ] || fail "export left: $left"
rm -f out.txt err.txt
LD_PRELOAD=$shim timeout 60 "$bin" run "$demo" -o r.h5 --trials 200 --quiet >out.txt 2>err.txt
status=$?
[ "$status" -eq 130 ] || fail "run: status $status, expected 130 ($(cat err.txt))"
left=$(ls -A | grep -v -x -e in.h5 -e out.txt -e err.txt | tr '\n' ' ')
[ -z "$left" ] || fail "run left: $left"
rm -f in.h5 out.txt err.txt
cd .. && rmdir w
finish
