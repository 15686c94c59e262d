#!/usr/bin/env bash
# Ctrl-C in the instant after a result file got its name (the rename of
# OUTPUT.tmp.<pid> to OUTPUT) is too late to stop the write: the file is
# complete, so the run ends as a run that wrote it (exit 0, its closing
# line). Until 2026-12-06 the interrupt handler still took the write for
# under way and ended the process at once, exit 130 with no message, over
# a whole file. The signal is sent by the LD_PRELOAD shim renamesignal.c,
# right after the rename.
# usage: output_signal_after_rename.sh MINRISK SRC SHIM
. "$(dirname "$0")/common.sh" "$@"
shim=$3
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
LD_PRELOAD=$shim timeout 60 "$bin" run "$demo" -o a.h5 --trials 1024 >out.txt 2>err.txt
status=$?
[ "$status" -eq 0 ] || fail "status $status, expected 0 ($(cat err.txt))"
grep -q "wrote a.h5" err.txt || fail "no closing line 'wrote a.h5': '$(cat err.txt)'"
is_hdf5 a.h5 || fail "no result file a.h5"
rm -f a.h5 out.txt err.txt
[ -z "$(ls -A)" ] || fail "left behind: $(ls -A)"
finish
