#!/usr/bin/env bash
# An export stopped by SIGINT or SIGTERM part way: the handler removed only
# the CSV being written, so the tables finished before it stayed, a folder
# that looked like a finished export of the file without its per-trial
# tables (exit status 130 the only sign). An interrupted export now
# removes, like a failed one, every file and directory it made: exit
# status 130, nothing left. The export is held still with SIGSTOP while it
# writes trials.csv (earlier tables complete), so the timing does not
# matter; the signal is delivered when it continues.
# usage: export_interrupted.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
"$bin" run "$demo" -o a.h5 --trials 3000 --seed 1 --quiet || fail "run a"

for sig in INT TERM; do
  "$bin" export a.h5 --csv out/csv --trials -q 2>err.txt &
  pid=$!
  # until it writes trials.csv: up to 60 s (the loop of 2,000 polls ran
  # out once in a fresh clone's suite, beside the fuzz corpus's I/O), or
  # until the export has ended without reaching it
  deadline=$((SECONDS + 60))
  while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null; do
    [ -e out/csv/.trials.csv.tmp ] && break
    sleep 0.005
  done
  kill -STOP "$pid"
  [ -e out/csv/.trials.csv.tmp ] || fail "$sig: the export did not reach trials.csv"
  [ -e out/csv/summary_loss.csv ] || fail "$sig: summary_loss.csv was not written before trials.csv"
  kill -"$sig" "$pid"
  kill -CONT "$pid"
  wait "$pid"
  status=$?
  [ "$status" -eq 130 ] || fail "$sig: status $status, expected 130"
  only a.h5 err.txt
  rm -f err.txt
done
finish "an interrupted export left nothing"
