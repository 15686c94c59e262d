#!/usr/bin/env bash
# Issue 11, case 12: a run removes the temporary files of its output (and
# of its checkpoint) that a killed run left, one line each, when their
# process is gone; a live process's temporary, and other outputs', stay,
# and so do names no minrisk writes: a pid with a leading zero or a sign,
# 0, above pid_t's range (until 2026-12-06 out.h5.tmp.0<pid> was removed as
# the temporary of <pid>).
# usage: output_stale_temporaries.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
for _ in 1 2 3; do # a pid that is gone (and, rarely, not reused at once)
  (exit 0) &
  dead=$!
  wait "$dead"
  kill -0 "$dead" 2>/dev/null || break
done
touch "out.h5.tmp.$dead" "out.h5.ckpt.tmp.$dead" "out.h5.tmp.$$" "other.h5.tmp.$dead" \
  "out.h5.tmp.$dead.x" "out.h5.tmp.0$dead" "out.h5.tmp.0" "out.h5.tmp.+$dead" \
  "out.h5.tmp.99999999999"
"$bin" run "$demo" -o out.h5 --trials 64 --quiet 2>err.txt
status=$?
[ "$status" -eq 0 ] || fail "status $status ($(cat err.txt))"
want="minrisk run: removed stale temporary out.h5.ckpt.tmp.$dead (process $dead is gone)
minrisk run: removed stale temporary out.h5.tmp.$dead (process $dead is gone)"
[ "$(sort err.txt)" = "$want" ] || fail "stderr '$(cat err.txt)', expected '$want'"
rm -f err.txt
only out.h5 "out.h5.tmp.$$" "other.h5.tmp.$dead" "out.h5.tmp.$dead.x" "out.h5.tmp.0$dead" \
  "out.h5.tmp.0" "out.h5.tmp.+$dead" "out.h5.tmp.99999999999"
finish "the dead process's temporaries removed, the live one's and other outputs' kept"
