#!/usr/bin/env bash
# `minrisk report` removes DIR.lock on every way out once report.py has
# ended (docs/REPORT.md). The interpreter is a fake (MINRISK_PYTHON), so
# no Python is needed:
# 1. a SIGINT, SIGTERM or SIGHUP in the instant report.py has finished (the
#    shim waitsignal.c sends it right after the wait that sees the child
#    end): too late to interrupt, the report is complete: exit 0, no lock;
# 2. report.py killed by a signal (SIGSEGV here) and the command's stderr a
#    pipe nobody reads: its line "... stopped by signal 11" met SIGPIPE,
#    which killed the command and left DIR.lock (until 2026-12-06: status
#    141). Now SIGPIPE is deferred as for run and export: exit 1, no lock.
# usage: report_lock_on_exit.sh MINRISK SRC SHIM
. "$(dirname "$0")/common.sh" "$@"
shim=$3
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
"$bin" run "$demo" -o in.h5 --trials 200 --quiet || fail "the input run: status $?"
printf '#!/bin/sh\nexit 0\n' >ok.sh
printf '#!/bin/sh\nkill -SEGV $$\n' >segv.sh
chmod +x ok.sh segv.sh
for sig in INT TERM HUP; do
  MINRISK_TEST_SIGNAL=$sig MINRISK_PYTHON=$PWD/ok.sh LD_PRELOAD=$shim timeout 60 \
    "$bin" report in.h5 -o rep --quiet >out.txt 2>err.txt
  status=$?
  [ "$status" -eq 0 ] || fail "SIG$sig as report.py ends: status $status, expected 0 ($(cat err.txt))"
  [ ! -e rep.lock ] || fail "SIG$sig as report.py ends: rep.lock left"
  rm -rf rep rep.lock out.txt err.txt
done
# the shim does send it: after a report.py that failed (exit 1; 3 is
# "done, stdout a closed pipe", a success) it makes
# the failure an interrupt (130), still without the lock
printf '#!/bin/sh\nexit 1\n' >fail.sh
chmod +x fail.sh
MINRISK_TEST_SIGNAL=TERM MINRISK_PYTHON=$PWD/fail.sh LD_PRELOAD=$shim timeout 60 \
  "$bin" report in.h5 -o rep --quiet >out.txt 2>err.txt
status=$?
[ "$status" -eq 130 ] || fail "SIGTERM as a failed report.py ends: status $status, expected 130"
[ ! -e rep.lock ] || fail "SIGTERM as a failed report.py ends: rep.lock left"
rm -rf rep rep.lock out.txt err.txt fail.sh
# started with SIGCHLD ignored (`trap '' CHLD`: the kernel reaps children by
# itself), the wait for report.py failed after the report was written:
# "waiting for ...: No child processes", exit 1 (until 2026-12-06)
MINRISK_PYTHON=$PWD/ok.sh timeout 60 bash -c "trap '' CHLD; exec \"\$0\" report in.h5 -o rep --quiet" \
  "$bin" >out.txt 2>err.txt
status=$?
[ "$status" -eq 0 ] || fail "SIGCHLD ignored: status $status, expected 0 ($(cat err.txt))"
[ ! -s err.txt ] || fail "SIGCHLD ignored: stderr '$(cat err.txt)'"
[ ! -e rep.lock ] || fail "SIGCHLD ignored: rep.lock left"
rm -rf rep rep.lock out.txt err.txt
# a pipe with its reading end closed: every write to it fails with EPIPE
mkfifo pipe
exec 4<>pipe 5>pipe
exec 4<&-
MINRISK_PYTHON=$PWD/segv.sh timeout 60 "$bin" report in.h5 -o rep --quiet >out.txt 2>&5
status=$?
exec 5>&-
[ "$status" -eq 1 ] || fail "report.py killed, stderr a closed pipe: status $status, expected 1"
[ ! -e rep.lock ] || fail "report.py killed, stderr a closed pipe: rep.lock left"
rm -rf rep rep.lock out.txt pipe in.h5 ok.sh segv.sh
finish
