#!/usr/bin/env bash
# Two exports into the same --csv DIR at once. Each CSV is written as
# DIR/.NAME.tmp and renamed: a second export removed the first one's
# temporary (as a stale file), the first then renamed the second's file
# under the name, and a failing export's clean-up removed the other's
# tables; both could report success over a directory that mixed the tables
# of two result files, or lacked some. An export now holds the lock
# DIR.lock (as a run holds OUTPUT.lock) while it writes: a second export to
# the same DIR is refused at once, exit status 1, one line naming the
# holder, writing nothing; the first finishes as if alone and removes the
# lock. The first export is held still with SIGSTOP while it writes, so the
# timing does not matter.
# usage: export_lock.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
"$bin" run "$demo" -o a.h5 --trials 3000 --seed 1 --quiet || fail "run a"
"$bin" run "$demo" -o b.h5 --trials 3000 --seed 2 --quiet || fail "run b"
"$bin" export a.h5 --csv ref --trials -q || fail "the reference export"

# Stopped while a temporary table is there. On a busy machine the polls
# can miss every table's short window (the export then ends first): start
# it again, up to 5 times.
caught=0
for _ in 1 2 3 4 5; do
  rm -rf csv
  "$bin" export a.h5 --csv csv --trials -q &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do # until it writes a table, or ends
    if compgen -G 'csv/.*.tmp' >/dev/null; then
      kill -STOP "$pid"
      # still inside the window (stopped just after its rename: go on)
      compgen -G 'csv/.*.tmp' >/dev/null && caught=1
      [ "$caught" -eq 1 ] && break
      kill -CONT "$pid"
    fi
    sleep 0.001
  done
  [ "$caught" -eq 1 ] && break
  wait "$pid"
done
[ "$caught" -eq 1 ] || fail "the first export was never stopped while writing a temporary file"
msg="csv: in use by another minrisk export (pid $pid on $(hostname), lock csv.lock); wait for it or choose another --csv"
expect 1 "$msg" -- export b.h5 --csv csv --trials -q
expect 1 "$msg" -- export a.h5 --csv csv/ -q
kill -CONT "$pid"
wait "$pid"
status=$?
[ "$status" -eq 0 ] || fail "the first export exited with status $status"
diff -r ref csv >/dev/null || fail "the first export's tables differ from the reference export's"
only a.h5 b.h5 ref csv
# the lock is free again
expect 0 "" -- export b.h5 --csv csv --trials -q
only a.h5 b.h5 ref csv
finish "a second export into the same directory refused while the first held the lock"
