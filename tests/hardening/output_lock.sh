#!/usr/bin/env bash
# Issue 11, case 8: a run holds the lock OUT.h5.lock for its whole life; a
# second run (or --resume, a sweep, a comparison) to the same output is
# refused at once with the holder's pid, exit status 1; the first then
# finishes normally and removes the lock file. The first run is held still
# with SIGSTOP, so the timing does not matter.
# usage: output_lock.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
"$bin" run "$demo" -o out.h5 --trials 3000 --quiet &
pid=$!
for _ in $(seq 1000); do # until it holds the lock (its pid is in the file)
  [ -s out.h5.lock ] && break
  sleep 0.01
done
kill -STOP "$pid"
[ "$(cut -d' ' -f1 out.h5.lock)" = "$pid" ] || fail "out.h5.lock holds '$(cat out.h5.lock)', expected pid $pid first"
msg="out.h5: in use by another minrisk run (pid $pid on $(hostname), lock out.h5.lock); wait for it or choose another -o"
expect 1 "$msg" -- run "$demo" -o out.h5 --trials 64 --quiet
expect 1 "$msg" -- run "$demo" -o out.h5 --trials 64 --quiet --resume
expect 1 "$msg" -- run "$src/scenarios/uk-sweep-stockpile-cap.yaml" -o out.h5 --trials 64 --quiet
expect 1 "$msg" -- compare "$demo" "$demo" -o out.h5 --trials 64 --quiet
[ -e out.h5 ] && fail "a refused run wrote out.h5"
kill -CONT "$pid"
wait "$pid"
status=$?
[ "$status" -eq 0 ] || fail "the first run exited with status $status"
is_hdf5 out.h5 || fail "the first run did not write out.h5"
only out.h5
# the lock is free again
expect 0 "" -- run "$demo" -o out.h5 --trials 64 --quiet
only out.h5
# the holder is named only from a lock file that holds exactly "<pid>
# <host>\n" as minrisk writes it (sim/cmd/outpath.c holder_of): until
# 2026-12-06 sscanf's %ld named "99999999999999999999 host" pid
# 9223372036854775807, "+5 host" and " 7 host" pids 5 and 7, "5x host" pid
# 5 on x, "0012 host" pid 12, and printed a host's ESC raw. The lock is
# held by this shell (flock(1) on a descriptor), as a live holder's would be.
held() { # held CONTENT EXPECTED-HOLDER: the refusal while this shell holds out.h5.lock
  printf '%s' "$1" >out.h5.lock
  exec 9<out.h5.lock
  flock -n 9 || fail "cannot flock out.h5.lock"
  # minrisk must not inherit descriptor 9: in the MPI build the singleton
  # MPI_Init's daemon did, and held this shell's lock after minrisk ended,
  # so the next case could not take it (bash keeps its own copy while the
  # group runs, close-on-exec)
  {
    expect 1 "out.h5: in use by another minrisk run ($2lock out.h5.lock); wait for it or choose another -o" \
      -- run "$demo" -o out.h5 --trials 64 --quiet
  } 9<&-
  exec 9<&-
}
held $'-5 host\n' ""
held $'99999999999999999999 host\n' ""
held $'2147483648 host\n' ""
held $'+5 host\n' ""
held $' 7 host\n' ""
held $'5x host\n' ""
held $'0012 host\n' ""
held $'12 host' ""
held $'12 host\nmore\n' ""
held $'12 host\n' "pid 12 on host, "
held $'2147483647 h\n' "pid 2147483647 on h, "
held $'12 \n' "pid 12, "
held $'12 ho\e[31mst\n' 'pid 12 on ho\x1b[31mst, '
rm -f out.h5.lock
finish "a second run, --resume, a sweep and a comparison refused while the first held the lock"
