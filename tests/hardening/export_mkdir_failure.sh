#!/usr/bin/env bash
# `minrisk export --csv DIR` that cannot create DIR: the exit status says
# whose fault it is. A full disk (ENOSPC), a quota (EDQUOT), an I/O error
# or no memory is a failure, exit 1; a path the user may not write (EACCES)
# is bad input, exit 2. Either way one line with the system's reason and
# nothing left. Until this test a full disk gave exit 2, as if the user's
# path were wrong. mkdir(2) fails through the LD_PRELOAD shim mkdirfail.c
# (MR_MKDIR_ERRNO).
# usage: export_mkdir_failure.sh MINRISK SRC SHIM
. "$(dirname "$0")/common.sh" "$@"
shim=$3
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
"$bin" run "$demo" -o r.h5 --trials 200 --quiet || fail "the run"
mkdir out

# refused ERRNO STATUS REASON: export into out/csv with mkdir failing with ERRNO
refused() {
  local e=$1 want=$2 reason=$3
  MR_MKDIR_ERRNO=$e LD_PRELOAD=$shim timeout 60 "$bin" export r.h5 --csv out/csv --quiet \
    >out.txt 2>err.txt
  local status=$?
  [ $status -eq "$want" ] || fail "mkdir errno $e: exit status $status, expected $want ($(cat err.txt))"
  one_line err.txt "out/csv: cannot create the directory: $reason"
  [ -z "$(ls -A out)" ] || fail "mkdir errno $e: left $(ls -A out)"
}
refused 28 1 "No space left on device"
refused 122 1 "Disk quota exceeded"
refused 5 1 "Input/output error"
refused 12 1 "Cannot allocate memory"
refused 13 2 "Permission denied"
# the shim reads MR_MKDIR_ERRNO whole (atoi took x as errno 0, 13x as 13)
for e in x 13x "" 0 -13 " 13" 4096; do
  MR_MKDIR_ERRNO=$e LD_PRELOAD=$shim timeout 60 "$bin" export r.h5 --csv out/csv --quiet \
    >out.txt 2>err.txt
  status=$?
  [ $status -eq 99 ] || fail "MR_MKDIR_ERRNO='$e': exit status $status, expected 99 ($(cat err.txt))"
  one_line err.txt "mkdirfail: MR_MKDIR_ERRNO must be an errno in \[1, 4095\]"
done
# and without the shim the export goes through
"$bin" export r.h5 --csv out/csv --quiet 2>err.txt || fail "export without the shim: $(cat err.txt)"
[ -f out/csv/info.csv ] || fail "export without the shim: no out/csv/info.csv"

finish "export_mkdir_failure: a full disk exits 1, a forbidden path 2"
