#!/usr/bin/env bash
# Every stop signal (out/stopsig.h; docs/OUTPUT.md "Signals") is caught by
# the commands that write. Until 2026-12-06 SIGQUIT, SIGUSR2, SIGALRM,
# SIGXCPU (and SIGUSR1 outside `run`) kept their default action, which
# kills: status 128+n, with OUTPUT.lock or DIR.lock, OUTPUT.tmp.<pid> or
# DIR/.NAME.tmp left behind. The shim opensignal.c sends the signal right
# after the lock file is made (MINRISK_TEST_AT=lock) or the temporary file
# (tmp), the instants where such a death leaves the most.
# 1. run and export: SIGQUIT, SIGUSR2, SIGALRM stop them as Ctrl-C does
#    (130, nothing left); SIGUSR1 and SIGXCPU too for export;
# 2. run: SIGXCPU (a CPU-time limit) asks a checkpoint as SIGTERM does:
#    at the lock, exit 75 and OUTPUT.ckpt, from which --resume writes the
#    trials of a direct run; during the write, too late: the file (0);
# 3. report: one after DIR.lock is taken and before report.py starts:
#    130, no DIR.lock; one while report.py runs reaches it as SIGTERM (it
#    catches SIGINT, SIGTERM and SIGHUP only): 130, no DIR.lock;
# 4. a signal ignored when minrisk starts stays ignored: under nohup
#    (SIGHUP ignored) a hang-up during the write does not stop the run
#    (until 2026-12-06: 130, the run lost); SIGINT, which a shell ignores
#    in every command a script starts with `&`, still stops it;
# 5. OpenMP's worker threads block the stop signals (/proc/PID/task/TID/
#    status, SigBlk): a signal sent to the process reaches the main thread
#    alone, so a step the main thread runs with them blocked is never cut
#    by a handler on a worker (until 2026-12-06 a worker blocked none:
#    SigBlk 0000000000000000). A worker blocks them first thing in a
#    parallel region, so the check reads again, for up to 10 s, until
#    every worker holds them.
# usage: output_signals_handled.sh MINRISK SRC SHIM H5DIFF
. "$(dirname "$0")/common.sh" "$@"
shim=$3 h5diff=$4
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

# left: the names in the folder but in.h5, out.txt, err.txt and fake
left() { ls -A | grep -v -x -e in.h5 -e out.txt -e err.txt -e fake | tr '\n' ' '; }

# at AT SIG STATUS LEFT -- ARGS...: minrisk ARGS, SIG sent at AT, ends with
# STATUS and leaves exactly LEFT (then removed)
at() {
  local where=$1 sig=$2 want=$3 keep=$4
  shift 5
  MINRISK_TEST_AT=$where MINRISK_TEST_SIGNAL=$sig LD_PRELOAD=$shim timeout 60 "$bin" "$@" \
    >out.txt 2>err.txt
  local got=$?
  [ "$got" -eq "$want" ] || fail "$1 at $where, SIG$sig: status $got, expected $want ($(cat err.txt))"
  [ "$(left)" = "$keep" ] || fail "$1 at $where, SIG$sig: left '$(left)', expected '$keep'"
  rm -rf -- $keep out.txt err.txt
}

"$bin" run "$demo" -o in.h5 --trials 200 --quiet || fail "the input run: status $?"
for where in lock tmp; do
  for sig in QUIT USR2 ALRM; do
    at $where $sig 130 "" -- run "$demo" -o r.h5 --trials 200 --quiet
  done
  for sig in QUIT USR1 USR2 ALRM XCPU; do
    at $where $sig 130 "" -- export in.h5 --csv csv --quiet
  done
done
at lock XCPU 75 "r.h5.ckpt " -- run "$demo" -o r.h5 --trials 2048 --seed 5 --quiet
at tmp XCPU 0 "r.h5 " -- run "$demo" -o r.h5 --trials 200 --quiet

# 2. the checkpoint SIGXCPU asked for resumes to a direct run's trials
MINRISK_TEST_AT=lock MINRISK_TEST_SIGNAL=XCPU LD_PRELOAD=$shim \
  "$bin" run "$demo" -o r.h5 --trials 2048 --seed 5 --quiet 2>/dev/null
[ -e r.h5.ckpt ] || fail "SIGXCPU: no checkpoint r.h5.ckpt"
"$bin" run "$demo" -o r.h5 --trials 2048 --seed 5 --quiet --resume || fail "--resume: status $?"
"$bin" run "$demo" -o d.h5 --trials 2048 --seed 5 --quiet || fail "the direct run: status $?"
"$h5diff" r.h5 d.h5 /trials /trials >/dev/null || fail "the resumed run's /trials differ from a direct run's"
rm -f r.h5 d.h5

# 3. report, with a fake interpreter (MINRISK_PYTHON, in fake/): no Python
mkdir fake
printf '#!/bin/sh\nexit 0\n' >fake/ok.sh
cat >fake/slow.sh <<'SH'
#!/bin/sh
trap 'echo TERM >got; exit 130' TERM
trap 'echo INT >got; exit 130' INT
trap 'echo HUP >got; exit 130' HUP
: >started
i=0
while [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
exit 1
SH
chmod +x fake/ok.sh fake/slow.sh
for sig in QUIT USR1 USR2 ALRM XCPU; do
  MINRISK_PYTHON=$PWD/fake/ok.sh at lock $sig 130 "" -- report in.h5 -o rep --quiet
done
for sig in QUIT USR2 XCPU; do
  MINRISK_PYTHON=$PWD/fake/slow.sh "$bin" report in.h5 -o rep --quiet >out.txt 2>err.txt &
  pid=$!
  for _ in $(seq 400); do [ -e started ] && break; sleep 0.05; done
  [ -e started ] || fail "SIG$sig to report: the fake report.py did not start"
  kill -s "$sig" $pid
  wait $pid
  status=$?
  [ "$status" -eq 130 ] || fail "SIG$sig to report: status $status, expected 130 ($(cat err.txt))"
  [ "$(cat got 2>/dev/null)" = TERM ] ||
    fail "SIG$sig to report: report.py got '$(cat got 2>/dev/null)', expected TERM"
  [ ! -e rep.lock ] || fail "SIG$sig to report: rep.lock left"
  rm -rf rep started got out.txt err.txt
done
rm -r fake

# 4. ignored when minrisk starts
(trap '' HUP && MINRISK_TEST_AT=tmp MINRISK_TEST_SIGNAL=HUP LD_PRELOAD=$shim \
  exec "$bin" run "$demo" -o r.h5 --trials 200 --quiet) >out.txt 2>err.txt
status=$?
[ "$status" -eq 0 ] || fail "SIGHUP ignored (nohup): status $status, expected 0 ($(cat err.txt))"
[ "$(left)" = "r.h5 " ] || fail "SIGHUP ignored (nohup): left '$(left)', expected 'r.h5 '"
rm -f r.h5 out.txt err.txt
(trap '' INT && MINRISK_TEST_AT=tmp MINRISK_TEST_SIGNAL=INT LD_PRELOAD=$shim \
  exec "$bin" run "$demo" -o r.h5 --trials 200 --quiet) >out.txt 2>err.txt
status=$?
[ "$status" -eq 130 ] || fail "SIGINT ignored (a script's &): status $status, expected 130"
[ -z "$(left)" ] || fail "SIGINT ignored (a script's &): left '$(left)'"

# 5. SigBlk of every thread but the main one holds the eight: bits 0, 1, 2,
#    9, 11, 13, 14, 23 (signal n is bit n - 1) = 0x806a07
"$bin" run "$src/scenarios/uk-2024.yaml" -o r.h5 --trials 2000000 --threads 2 --quiet \
  >out.txt 2>err.txt &
pid=$!
for _ in $(seq 400); do
  [ "$(ls /proc/$pid/task 2>/dev/null | wc -l)" -ge 2 ] && break
  sleep 0.05
done
# A worker blocks them itself, first thing in each parallel region
# (mr_stopsig_worker), so one just made can show SigBlk 0 for an instant:
# the ASan build was seen there once (CI, 2026-12-08). Read again until
# every worker holds them, for up to 10 s; one that never does fails.
workers=0 bad=""
for _ in $(seq 200); do
  workers=0 bad=""
  for t in /proc/$pid/task/*; do
    [ "${t##*/}" = "$pid" ] && continue
    blk=$(awk '/^SigBlk:/ {print $2}' "$t/status" 2>/dev/null) || continue
    [ -n "$blk" ] || continue
    workers=$((workers + 1))
    [ $((0x$blk & 0x806a07)) -eq $((0x806a07)) ] || bad="worker ${t##*/}: SigBlk $blk lacks 806a07"
  done
  [ "$workers" -ge 1 ] && [ -z "$bad" ] && break
  sleep 0.05
done
[ -z "$bad" ] || fail "$bad (for 10 s)"
[ "$workers" -ge 1 ] || fail "no worker thread seen in /proc/$pid/task"
kill -INT $pid
wait $pid
status=$?
[ "$status" -eq 130 ] || fail "SIGINT to a 2-thread run: status $status, expected 130"
[ -z "$(left)" ] || fail "SIGINT to a 2-thread run: left '$(left)'"
rm -f in.h5 out.txt err.txt
finish
